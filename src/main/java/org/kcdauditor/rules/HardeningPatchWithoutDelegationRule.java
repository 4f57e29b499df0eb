package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.PatchIndex;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.util.ArrayList;
import java.util.List;

/**
 * HARDENING_PATCH_WITHOUT_DELEGATION: a node installed a catalogued Kerberos hardening update while
 * its own delegation to its peers is incomplete — the failure the project started from. It names the
 * findings that make its pairs fail, by id.
 */
public final class HardeningPatchWithoutDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("HARDENING_PATCH_WITHOUT_DELEGATION", Severity.HIGH, Category.PATCHES,
            "A node has a Kerberos hardening update but incomplete delegation",
            "a node installed a catalogued Kerberos hardening update while its delegation is incomplete — the"
                    + " failure this tool exists for",
            "Kerberos hardening updates tighten S4U and PAC validation; once a node carries one, every missing"
                    + " delegation entry makes live migration from it fail at 80-90 % (event 21502/22038).",
            "config/hardening-kbs.yaml; KB4598347, KB4577252, KB5008380, KB5020805, KB5037754");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PatchIndex index = ctx.patches();
        for (AdObject node : ctx.nodes()) {
            var hardening = index.hardening(node);
            if (hardening.isEmpty()) {
                continue; // most nodes, or every node without patch sources: their pairs are not read
            }
            // incomplete delegation (entries, target SPNs), not every blocker: an account or host setting that also
            // stops a pair has its own finding, and the hardening update does not make it worse
            List<PairStatus> failing = ctx.pairsFrom(node).stream()
                    .filter(p -> p.blockers().stream().anyMatch(Blocker::delegation)).toList();
            if (failing.isEmpty()) {
                continue;
            }
            List<String> gaps = new ArrayList<>();
            for (PairStatus p : failing) {
                long n = p.blockers().stream().filter(Blocker::delegation).count();
                gaps.add(p.target().name() + " (" + n + (n == 1 ? " gap" : " gaps") + ")");
            }
            Related causes = Related.of(failing, Blocker::delegation);
            List<Evidence.PairRef> pairs = failing.stream()
                    .map(p -> new Evidence.PairRef(node.name(), p.target().name())).toList();
            hardening.forEach((kb, installed) -> {
                var u = installed.update();
                var r = installed.record();
                String via = r.kb().equalsIgnoreCase(u.kb()) ? r.kb() : r.kb() + " (carries " + u.kb() + ")";
                out.add(INFO).cluster(ctx.clusterName(node)).host(node.name()).spn(u.kb())
                        .evidence(Evidence.builder().kb(u.kb()).cve(u.cve()).via(r.kb()).installedOn(r.installedOn())
                                .pairs(pairs).relatedFindings(causes.ids()).build())
                        .message(node.name() + " installed " + via + (r.installedOn() == null ? "" : " on "
                                + r.installedOn()) + (u.cve() == null ? "" : ", " + u.cve()) + (u.enforced() == null
                                ? "" : ", enforced " + u.enforced()) + ", while its delegation to " + String.join(", ", gaps)
                                + " is incomplete: live migration from it fails.")
                        .action(new Action.Manual("Complete the delegation of " + node.name() + " now: fix its "
                                + causes.describe() + "; replicate, purge tickets (" + Commands.PURGE_TICKETS
                                + ") and test a live migration."))
                        .emit();
            });
        }
    }
}
