package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.DcDivergence;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.PatchIndex;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HARDENING_PATCH_WITHOUT_DELEGATION: a node installed a catalogued Kerberos hardening update while
 * its own delegation to its peers is incomplete (an entry missing, a target SPN unregistered or held twice) — the
 * failure the project started from. Its message names every pair from the node that is blocked, by what blocks it;
 * its evidence names the pairs its delegation gaps break and the findings that make them fail, by id.
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

    /** It tells whether the findings it follows from are waived: it reads them from the sink. */
    @Override
    public boolean readsFindings() {
        return true;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PatchIndex index = ctx.patches();
        WaivedCauses waivedCauses = new WaivedCauses(ctx, out);
        for (AdObject node : ctx.nodes()) {
            var hardening = index.hardening(node);
            if (hardening.isEmpty()) {
                continue; // most nodes, or every node without patch sources: their pairs are not read
            }
            // it fires on incomplete delegation (entries, target SPNs), not on every blocker: an account or host setting
            // that also stops a pair has its own finding, and the hardening update does not make it worse
            List<PairStatus> blocked = ctx.pairsFrom(node).stream().filter(p -> !p.ok()).toList();
            List<PairStatus> failing = blocked.stream()
                    .filter(p -> p.blockers().stream().anyMatch(Blocker::delegation)).toList();
            if (failing.isEmpty()) {
                continue;
            }
            Set<String> waived = waivedCauses.of(Related.of(blocked));
            List<String> named = new ArrayList<>();
            Set<String> others = new LinkedHashSet<>();
            for (PairStatus p : blocked) {
                named.add(p.target().name() + " " + blockers(p, waived));
                p.blockers().stream().filter(b -> !b.delegation()).forEach(b -> others.add(words(b.rule(), 1)));
            }
            Related causes = Related.of(failing, Blocker::delegation);
            List<Evidence.PairRef> pairs = failing.stream()
                    .map(p -> new Evidence.PairRef(node.name(), p.target().name())).toList();
            Action.Manual action = new Action.Manual(action(node, failing, causes, waived, others));
            hardening.forEach((kb, installed) -> {
                var u = installed.update();
                var r = installed.record();
                String via = r.kb().equalsIgnoreCase(u.kb()) ? r.kb() : r.kb() + " (carries " + u.kb() + ")";
                out.add(INFO).cluster(ctx.clusterName(node)).host(node.name()).spn(u.kb())
                        .evidence(Evidence.builder().kb(u.kb()).cve(u.cve()).via(r.kb()).installedOn(r.installedOn())
                                .pairs(pairs).relatedFindings(causes.ids()).build())
                        .message(node.name() + " installed " + via + (r.installedOn() == null ? "" : " on "
                                + r.installedOn()) + (u.cve() == null ? "" : ", " + u.cve()) + (u.enforced() == null
                                ? "" : ", enforced " + u.enforced()) + ", while pairs from it are blocked: "
                                + String.join("; ", named) + ".")
                        .action(action)
                        .emit();
            });
        }
    }

    /**
     * What to do: fix the delegation's blockers; those of them a waiver accepts keep their pairs failing, so this
     * finding is waived as well or that waiver ended ({@link WaivedCauses#advice}), never "fix them now" beside it.
     */
    private static String action(AdObject node, List<PairStatus> failing, Related causes, Set<String> waived,
                                 Set<String> others) {
        long pairs = failing.stream().filter(p -> p.blockers().stream().anyMatch(b -> b.delegation()
                && waived.contains(b.findingId()))).count();
        String then = "replicate, purge tickets (" + Commands.PURGE_TICKETS + ") and test a live migration";
        String fix = "Clear what blocks the delegation from " + node.name() + " now: fix its";
        // the other blockers' findings, as before, before the one "then" that follows every fix
        return others.isEmpty() || !waived.isEmpty() ? WaivedCauses.advice(fix, causes, waived, pairs,
                WaivedCauses.WAIVE_THIS, then) + (others.isEmpty() ? "" : " The pairs' other blockers ("
                + String.join(", ", others) + ") have findings of their own.")
                : fix + " " + causes.describe() + "; the pairs' other blockers (" + String.join(", ", others)
                + ") have findings of their own; then " + then + ".";
    }

    /** "4 delegation entries missing (waived), CredSSP migration authentication": a pair's blockers in words. */
    private static String blockers(PairStatus p, Set<String> waived) {
        Map<String, int[]> byRule = new LinkedHashMap<>();
        for (Blocker b : p.blockers()) {
            int[] n = byRule.computeIfAbsent(b.rule(), k -> new int[2]);
            n[0]++;
            n[1] += waived.contains(b.findingId()) ? 1 : 0;
        }
        List<String> parts = new ArrayList<>();
        byRule.forEach((rule, n) -> parts.add(words(rule, n[0]) + (n[1] == 0 ? "" : n[1] == n[0] ? " (waived)"
                : " (" + n[1] + " waived)")));
        return String.join(", ", parts);
    }

    /** A blocker's rule in words, {@code n} findings of it on one pair. */
    private static String words(String rule, int n) {
        return switch (rule) {
            case Blocker.MISSING_DELEGATION -> n == 1 ? "1 delegation entry missing" : n + " delegation entries missing";
            case Blocker.TARGET_SPN_NOT_REGISTERED -> n == 1 ? "SPN not registered" : n + " SPNs not registered";
            case Blocker.DUPLICATE_SPN -> n == 1 ? "duplicate SPN" : n + " duplicate SPNs";
            case Blocker.CROSS_DOMAIN_NEEDS_RBCD -> "needs resource-based delegation (another domain)";
            case Blocker.DNS_HOST_NAME_INVALID -> "no usable host name";
            case Blocker.DNS_HOST_NAME_MISSING -> "FQDN form not checkable (no dNSHostName)";
            case Blocker.AES_NOT_ENABLED -> "AES not enabled";
            case Blocker.AES_KEYS_MISSING -> "AES keys missing";
            case Blocker.MIGRATION_AUTH_NOT_KERBEROS -> "CredSSP migration authentication";
            case Blocker.ACCOUNT_DISABLED -> "account disabled";
            case Blocker.MIGRATION_DISABLED -> "live migration disabled";
            case Blocker.PROTOCOL_TRANSITION_MISMATCH -> "no protocol transition";
            case DcDivergence.RULE -> "a DC has not replicated it";
            default -> rule;
        } + (n > 1 && !Blocker.MISSING_DELEGATION.equals(rule) && !Blocker.TARGET_SPN_NOT_REGISTERED.equals(rule)
                && !Blocker.DUPLICATE_SPN.equals(rule) ? " (" + n + " findings)" : "");
    }
}
