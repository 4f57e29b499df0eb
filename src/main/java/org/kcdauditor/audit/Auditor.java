package org.kcdauditor.audit;

import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.rules.FindingSink;
import org.kcdauditor.rules.Rule;
import org.kcdauditor.rules.RuleCatalogue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs the rule catalogue over a snapshot. Pure: the same input gives the same findings in the same order. */
public final class Auditor {
    private static final Comparator<String> NULLS_FIRST = Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER);

    private final RuleCatalogue catalogue;
    /** Severity first, then the catalogue's order (evidence and breakage before hygiene), then where. */
    private final Comparator<Finding> order;

    public Auditor(RuleCatalogue catalogue) {
        this.catalogue = catalogue;
        Map<String, Integer> rank = new HashMap<>();
        for (Rule r : catalogue.rules()) {
            rank.putIfAbsent(r.info().id(), rank.size());
        }
        this.order = Comparator.comparing(Finding::severity)
                .thenComparing(f -> rank.getOrDefault(f.rule(), Integer.MAX_VALUE))
                .thenComparing(Finding::rule)
                .thenComparing(Finding::cluster, NULLS_FIRST)
                .thenComparing(Finding::host, NULLS_FIRST)
                .thenComparing(Finding::peer, NULLS_FIRST)
                .thenComparing(Finding::spn, NULLS_FIRST);
    }

    public AuditResult evaluate(Snapshot snapshot, List<ClusterConfig> clusters, PolicyConfig policy) {
        return evaluate(snapshot, clusters, policy, AuditInputs.none(snapshot.takenAt()));
    }

    /**
     * Evaluates with the history inputs. Findings an active baseline waiver names stay in the list,
     * marked waived; they are not counted in {@code bySeverity} and never reach {@code --fail-on}.
     */
    public AuditResult evaluate(Snapshot snapshot, List<ClusterConfig> clusters, PolicyConfig policy,
                                AuditInputs inputs) {
        return evaluate(new AuditContext(snapshot, clusters, policy, inputs));
    }

    /** Evaluates a context built (or {@linkplain AuditContext#withInputs given inputs}) by the caller. */
    public AuditResult evaluate(AuditContext ctx) {
        return evaluate(ctx, null);
    }

    /**
     * The same in the run {@code runId}: the files the remediation sentences' commands write are named by it, as the
     * runbook names them (null: outside a run).
     */
    public AuditResult evaluate(AuditContext ctx, String runId) {
        AuditInputs inputs = ctx.inputs();
        // a computer whose cn is not its account name: the sentences' cmdlets name it by its sAMAccountName
        // and a name that reads like another (a letter of another script, a character that shows as nothing) by its
        // code: the sweep's objects, and the principals of resource-based delegation read after it with their members
        List<String> names = new ArrayList<>();
        ctx.snapshot().objects().forEach(o -> names.add(o.name()));
        ctx.snapshot().rbcdPrincipals().values().forEach(p -> {
            names.add(p.displayName());
            names.addAll(p.members().values());
        });
        FindingSink sink = new FindingSink(org.kcdauditor.remedy.Commands.serverless().withAccounts(ctx.accounts())
                .forRun(runId), names);
        for (Rule rule : catalogue.evaluationOrder()) {
            rule.evaluate(ctx, sink);
        }
        List<Finding> findings = new ArrayList<>(applyWaivers(sink.findings(), inputs));
        findings.sort(order);

        int pairs = 0;
        int required = 0;
        int present = 0;
        Map<String, int[]> perCluster = new LinkedHashMap<>();
        String cluster = null;
        int[] counts = null;
        for (PairStatus p : ctx.pairs()) {
            // a cluster's pairs come one after the other: one lookup per cluster, not per pair
            if (counts == null || p.cluster() != cluster) {
                cluster = p.cluster();
                counts = perCluster.computeIfAbsent(cluster, k -> new int[6]);
            }
            counts[0]++;
            counts[1] += p.ok() ? 1 : 0;
            counts[2] += p.requiredCount();
            counts[3] += p.present();
            // the paths to a file server (storage over SMB) apart: the rest are the node pairs (live migration)
            counts[4] += p.fileServer() ? 1 : 0;
            counts[5] += p.fileServer() && p.ok() ? 1 : 0;
            pairs++;
            required += p.requiredCount();
            present += p.present();
        }
        Map<String, List<Finding>> findingsByCluster = new HashMap<>();
        for (Finding f : findings) {
            findingsByCluster.computeIfAbsent(f.cluster(), k -> new ArrayList<>()).add(f);
        }
        List<ClusterSummary> summaries = new ArrayList<>();
        for (ResolvedCluster rc : ctx.clusters()) {
            int[] c = perCluster.getOrDefault(rc.name(), new int[6]);
            summaries.add(new ClusterSummary(rc.name(), c[0], c[1], c[2], c[3], percent(c[3], c[2]),
                    countBySeverity(findingsByCluster.getOrDefault(rc.name(), List.of())), c[4], c[5]));
        }
        return new AuditResult(ctx, findings, summaries, pairs, required, present, countBySeverity(findings));
    }

    private static List<Finding> applyWaivers(List<Finding> findings, AuditInputs inputs) {
        if (inputs.baseline() == null || inputs.baseline().waivers().isEmpty()) {
            return findings;
        }
        // a drift finding of an entry a waiver accepts (its twin's) included
        List<Waiver> waivers = Waiver.applying(inputs.baseline().waivers(), findings, inputs.now());
        List<Finding> out = new ArrayList<>(findings.size());
        for (int i = 0; i < findings.size(); i++) {
            Waiver w = waivers.get(i);
            out.add(w == null ? findings.get(i) : findings.get(i).withWaiver(w.asFindingWaiver()));
        }
        return out;
    }

    /** Counts findings by severity; waived findings are suppressed and not counted. */
    static Map<String, Integer> countBySeverity(List<Finding> findings) {
        return Counts.of(findings).bySeverity();
    }

    /**
     * Percentage with one decimal, never 100 while something is missing; null when nothing is required (an
     * empty cluster, or hosts that were not found): nothing was checked, so nothing is compliant either.
     */
    public static Double percent(int present, int required) {
        if (required == 0) {
            return null;
        }
        double p = Math.round(1000.0 * present / required) / 10.0;
        return present < required ? Math.min(p, 99.9) : p;
    }
}
