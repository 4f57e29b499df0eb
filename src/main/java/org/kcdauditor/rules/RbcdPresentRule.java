package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Ps;

import java.util.ArrayList;
import java.util.List;

/**
 * RBCD_PRESENT: a node carries msDS-AllowedToActOnBehalfOfOtherIdentity. RBCD on B that allows A, or a group A is a
 * member of, covers the pair A→B (no MISSING_DELEGATION for it); the finding says which pairs it covers.
 */
public final class RbcdPresentRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("RBCD_PRESENT", Severity.INFO, Category.DELEGATION,
            "Resource-based constrained delegation is configured on a host",
            "a node carries `msDS-AllowedToActOnBehalfOfOtherIdentity`: lists the SIDs, the hosts or groups (with"
                    + " their members) they resolve to and the pairs it covers, through group membership too; one"
                    + " in which no SID can be read (removing the last principal can leave it so, or it cannot be"
                    + " parsed) says that it counts no pair as covered, and to read it before clearing it",
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
            List<String> groups = new ArrayList<>(0);
            for (String sid : node.rbcdSids()) {
                allowed.add(shown(ctx, sid));
                RbcdPrincipal p = ctx.bySid(sid) == null ? ctx.snapshot().rbcdPrincipals().get(sid) : null;
                // a group every computer or user holds is no group to add a host to: RBCD_ALLOWS_ANY_ACCOUNT
                if (p != null && p.kind() == RbcdPrincipal.Kind.GROUP && AnyAccount.name(sid) == null) {
                    groups.add(p.displayName());
                }
            }
            List<String> grants = AnyAccount.grants(node); // RBCD_ALLOWS_ANY_ACCOUNT
            List<String> refused = node.rbcdDeniedSids().stream().map(sid -> shown(ctx, sid)).toList();
            List<Evidence.PairRef> covered = ctx.pairsTo(node).stream().filter(PairStatus::rbcd)
                    .map(p -> new Evidence.PairRef(p.source().name(), node.name())).toList();
            // removing the last principal (samba-tool delegation del-principal, ADSI Edit) can leave a descriptor
            // that allows nobody; but no SID read is also a descriptor that could not be parsed, or one without a DACL
            // (which allows everyone): the admin reads it before clearing it
            String message = (allowed.isEmpty() ? node.name() + " carries msDS-AllowedToActOnBehalfOfOtherIdentity,"
                    + " but kcd-audit reads no host it allows (a security descriptor that grants no SID, as removing"
                    + " the last principal leaves it, or one kcd-audit cannot parse), so it counts no pair as covered"
                    + " by it." : node.name() + " allows RBCD from " + String.join(", ", allowed) + ".")
                    + (refused.isEmpty() ? "" : " It refuses " + String.join(", ", refused) + " (access-denied"
                    + " ACEs, which win over any allow: the KDC does not let those hosts, or the members of those"
                    + " groups, delegate to " + node.name() + " this way).")
                    + (covered.isEmpty() ? "" : " It covers " + String.join(", ", covered.stream()
                    .map(p -> p.from() + " -> " + p.to()).toList()) + ", so no msDS-AllowedToDelegateTo entries are"
                    + " needed for " + (covered.size() == 1 ? "that pair" : "those pairs") + ".")
                    + (groups.isEmpty() ? "" : " The KDC reads group membership from the delegating host's TGT: a"
                    + " host added to " + String.join(" or ", groups) + " is allowed once it has a new one"
                    + " (klist -li 0x3e7 purge on it, or a restart).");
            out.add(INFO).cluster(ctx.clusterOf(node).name()).host(node.name())
                    .evidence(Evidence.builder().attribute("msDS-AllowedToActOnBehalfOfOtherIdentity")
                            .sids(node.rbcdSids()).actual(allowed).pairs(covered).build())
                    .message(message)
                    .action(new Action.Manual(allowed.isEmpty() ? "Read it first: Get-ADComputer "
                            + Ps.quote(node.name()) + " -Properties PrincipalsAllowedToDelegateToAccount. If it lists"
                            + " nobody, clear it (Set-ADComputer " + Ps.quote(node.name())
                            + " -PrincipalsAllowedToDelegateToAccount $null) or add the hosts that are to delegate to "
                            + node.name() + " this way; if it lists hosts, keep it and document it in the baseline."
                            : !grants.isEmpty() ? "Do not keep it as it is: it allows "
                            + RbcdList.grantsShown(grants, node.name()) + "; RBCD_ALLOWS_ANY_ACCOUNT proposes the list"
                            + " of hosts to set instead."
                            : "Keep it if intended and document it in"
                            + " the baseline (ADUC does not show it; Get-ADComputer reads it as"
                            + " PrincipalsAllowedToDelegateToAccount)."))
                    .emit();
        }
    }

    /** A SID of the descriptor with the account or group it names ("unresolved" when the run could not read it). */
    private static String shown(AuditContext ctx, String sid) {
        return ctx.sidWithName(sid, RbcdPrincipal::label, "unresolved");
    }
}
