package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

import java.util.ArrayList;
import java.util.List;

/**
 * HARDENING_PATCH_WITHOUT_DELEGATION: a node installed a catalogued Kerberos hardening update while
 * its own delegation to its peers is incomplete — the failure the project started from.
 */
public final class HardeningPatchWithoutDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("HARDENING_PATCH_WITHOUT_DELEGATION", Severity.HIGH, "patches",
            "A node has a Kerberos hardening update but incomplete delegation",
            "Kerberos hardening updates tighten S4U and PAC validation; once a node carries one, every missing"
                    + " delegation entry makes live migration from it fail at 80-90 % (event 21502/22038).",
            "config/hardening-kbs.yaml; KB4598347, KB5008380, KB5020805, KB5037754");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PatchIndex index = PatchIndex.of(ctx);
        for (AdObject node : ctx.nodes()) {
            List<String> gaps = new ArrayList<>();
            for (PairStatus p : ctx.pairsFrom(node)) {
                if (!p.ok()) {
                    int n = p.missing().size() + p.unregistered().size();
                    gaps.add(p.target().name() + " (" + n + (n == 1 ? " entry" : " entries") + " missing or unusable)");
                }
            }
            if (gaps.isEmpty()) {
                continue;
            }
            index.hardening(ctx, node).forEach((kb, installed) -> {
                var u = installed.update();
                var r = installed.record();
                String via = r.kb().equalsIgnoreCase(u.kb()) ? r.kb() : r.kb() + " (carries " + u.kb() + ")";
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, u.kb(),
                        node.name() + " installed " + via + (r.installedOn() == null ? "" : " on " + r.installedOn())
                                + (u.cve() == null ? "" : ", " + u.cve()) + (u.enforced() == null ? ""
                                : ", enforced " + u.enforced()) + ", while its delegation is incomplete towards "
                                + String.join(", ", gaps) + ": live migration from it fails.",
                        "Complete the delegation of " + node.name() + " now (see its MISSING_DELEGATION findings),"
                                + " replicate, purge tickets (klist -li 0x3e7 purge), and test a live migration.");
            });
        }
    }
}
