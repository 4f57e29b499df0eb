package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

import java.util.ArrayList;
import java.util.List;

/**
 * RBCD_PRESENT: a node carries msDS-AllowedToActOnBehalfOfOtherIdentity. RBCD on B that allows A
 * covers the pair A→B (no MISSING_DELEGATION for it); the finding says which pairs it covers.
 */
public final class RbcdPresentRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("RBCD_PRESENT", Severity.INFO, "delegation",
            "Resource-based constrained delegation is configured on a host",
            "RBCD is set on the target and lists the accounts allowed to delegate to it; it works across"
                    + " domains and always permits protocol transition. It is valid for migration, but it is"
                    + " invisible on ADUC's Delegation tab, so the audit shows where it is used.",
            "MS-ADA2 2.218 msDS-AllowedToActOnBehalfOfOtherIdentity");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            if (!node.rbcdPresent()) {
                continue;
            }
            List<String> allowed = new ArrayList<>();
            for (String sid : node.rbcdSids()) {
                AdObject who = ctx.bySid(sid);
                allowed.add(who == null ? sid + " (unresolved)" : sid + " (" + who.name() + ")");
            }
            List<String> covered = ctx.pairsTo(node).stream().filter(PairStatus::rbcd)
                    .map(p -> p.source().name() + " -> " + node.name()).toList();
            String message = node.name() + " allows RBCD from " + (allowed.isEmpty() ? "no readable SID"
                    : String.join(", ", allowed)) + "."
                    + (covered.isEmpty() ? "" : " It covers " + String.join(", ", covered)
                    + ", so no msDS-AllowedToDelegateTo entries are needed for " + (covered.size() == 1 ? "that pair"
                    : "those pairs") + ".");
            out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, null, message,
                    "Keep if intended; document it in the baseline. Get-ADComputer " + node.name()
                            + " -Properties PrincipalsAllowedToDelegateToAccount shows it.");
        }
    }
}
