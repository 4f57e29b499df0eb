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

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluation cost at scale ({@link BenchData#twentyThousandHosts}). A benchmark, not a timed test: run with
 * {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=EvaluateBench}; it prints figures. Another size with
 * {@code -Dbench.hosts=50000} ({@link BenchData#hosts}), the JVM's options with {@code -DargLine=...}.
 */
@Tag("bench")
class EvaluateBench {
    @Test
    void twentyThousandHosts() {
        BenchData data = BenchData.hosts(Integer.getInteger("bench.hosts", 20_000));
        Snapshot snapshot = data.snapshot();
        List<ClusterConfig> clusters = data.clusters();
        List<AdObject> objects = snapshot.objects();
        Auditor auditor = new Auditor(RuleCatalogue.standard());
        AuditResult r = null;
        long[] wall = new long[5];
        long[] cpu = new long[5];
        long[] gc = new long[5];
        long[] allocated = new long[5];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 5; i++) {
            r = null; // as in a run, the previous round's result is not live while this one evaluates
            long gcBefore = gcMillis();
            long bytes = threads.getCurrentThreadAllocatedBytes();
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            r = auditor.evaluate(snapshot, clusters, PolicyConfig.defaults());
            wall[i] = System.nanoTime() - t;
            cpu[i] = threads.getCurrentThreadCpuTime() - c;
            allocated[i] = threads.getCurrentThreadAllocatedBytes() - bytes;
            gc[i] = gcMillis() - gcBefore;
        }
        int best = 0;
        for (int i = 1; i < 5; i++) {
            best = cpu[i] < cpu[best] ? i : best;
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("evaluate: %d hosts, %d clusters, %d objects, %d pairs, %d required entries, %d findings:"
                        + " best of 5 %.0f ms wall, %.0f ms CPU of the evaluating thread; heap used after %.0f MB%n",
                r.context().nodes().size(), clusters.size(), objects.size(), r.pairs(), r.requiredEntries(),
                r.findings().size(), Arrays.stream(wall).min().getAsLong() / 1e6, cpu[best] / 1e6,
                (rt.totalMemory() - rt.freeMemory()) / 1e6);
        for (int i = 0; i < 5; i++) {
            System.out.printf("  round %d: %.0f ms wall, %.0f ms CPU, %d ms in collections, %.0f MB allocated%n",
                    i + 1, wall[i] / 1e6, cpu[i] / 1e6, gc[i], allocated[i] / 1e6);
        }
        assertTrue(r.pairs() > 180_000);
    }

    /** The collectors' pause time so far (the serial collector's young and full collections). */
    private static long gcMillis() {
        long sum = 0;
        for (var b : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, b.getCollectionTime());
        }
        return sum;
    }
}
