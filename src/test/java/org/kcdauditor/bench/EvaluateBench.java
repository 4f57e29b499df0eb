package org.kcdauditor.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.rules.RuleCatalogue;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation cost at scale ({@link BenchData#twentyThousandHosts}). A benchmark, not a timed test: run with
 * {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=EvaluateBench}; it prints figures.
 */
@Tag("bench")
class EvaluateBench {
    @Test
    void twentyThousandHosts() {
        BenchData data = BenchData.twentyThousandHosts();
        Snapshot snapshot = data.snapshot();
        List<ClusterConfig> clusters = data.clusters();
        List<AdObject> objects = snapshot.objects();
        Auditor auditor = new Auditor(RuleCatalogue.standard());
        AuditResult r = null;
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            r = auditor.evaluate(snapshot, clusters, PolicyConfig.defaults());
            best = Math.min(best, System.nanoTime() - t);
            bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("evaluate: %d hosts, %d clusters, %d objects, %d pairs, %d required entries, %d findings:"
                        + " best of 5 %.0f ms wall, %.0f ms CPU of the evaluating thread; heap used after %.0f MB%n",
                r.context().nodes().size(), clusters.size(), objects.size(), r.pairs(), r.requiredEntries(),
                r.findings().size(), best / 1e6, bestCpu / 1e6,
                (rt.totalMemory() - rt.freeMemory()) / 1e6);
        assertTrue(r.pairs() > 180_000);
    }
}
