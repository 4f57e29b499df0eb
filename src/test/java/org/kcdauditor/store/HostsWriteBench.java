package org.kcdauditor.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.bench.BenchData;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.rules.RuleCatalogue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the hosts' writer ({@link RunStore#writeSnapshot}, the thread {@code kcd-store-snapshot} that runs beside
 * the evaluation) costs at 20,000 hosts ({@link BenchData#twentyThousandHosts}), in figures the machine's load does
 * not move: the bytes it allocates, its CPU time, those of H2's own threads, and those of the evaluation a run does
 * beside it on its own thread, with the collections meanwhile (their count; their time moves with the load). Each
 * round a new H2 file with the CLI's settings ({@code -Dbench.storeUrlSuffix=;CACHE_SIZE=...} adds to them), a first
 * run (every value stored) and a second one of the same directory (every value a reference to the first); {@code
 * -Dbench.rounds} rounds, 4 unless told. A benchmark, not a timed test: {@code mvn -o test
 * -Dtest.excludedGroups=integration -Dtest=HostsWriteBench}, the launcher's JVM options with {@code -DargLine=...}.
 */
@Tag("bench")
class HostsWriteBench {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    @Test
    void twentyThousandHosts() {
        BenchData data = BenchData.hosts(Integer.getInteger("bench.hosts", 20_000));
        Auditor auditor = new Auditor(RuleCatalogue.standard());
        AuditResult r = auditor.evaluate(data.snapshot(), data.clusters(), PolicyConfig.defaults());
        for (int i = 0; i < Integer.getInteger("bench.rounds", 4); i++) {
            // as the CLI opens an H2 file store (StoreUrls.connectUrl)
            String url = "jdbc:h2:file:" + dir.resolve("h" + i) + ";MAX_COMPACT_TIME=0;COMPRESS=TRUE"
                    + System.getProperty("bench.storeUrlSuffix", "");
            try (RunStore store = RunStore.open(url, null, null)) {
                measure(store, "first-" + i, r, () -> auditor.evaluate(data.snapshot(), data.clusters(),
                        PolicyConfig.defaults()));
                measure(store, "second-" + i, r, () -> auditor.evaluate(data.snapshot(), data.clusters(),
                        PolicyConfig.defaults()));
            }
        }
    }

    /** Stores {@code r}'s hosts as a run does, {@code evaluation} on this thread meanwhile; prints the figures. */
    private static void measure(RunStore store, String run, AuditResult r, Runnable evaluation) {
        store.begin(run, Instant.EPOCH, "bench", "/bench", "ldap://bench", "DC=contoso,DC=com");
        long[] writer = new long[2];
        store.afterHostBatch = id -> {
            writer[0] = THREADS.getCurrentThreadAllocatedBytes();
            writer[1] = THREADS.getCurrentThreadCpuTime();
        };
        long[] h2 = h2Threads();
        long[] gc = gc();
        long t = System.nanoTime();
        var previous = store.previousRun("/bench").orElse(null);
        RunStore.SnapshotWrite hosts = store.writeSnapshot(run, r.context().hosts(), previous);
        long[] gcEval = gc();
        long mainBytes = THREADS.getCurrentThreadAllocatedBytes();
        long mainCpu = THREADS.getCurrentThreadCpuTime();
        evaluation.run();
        mainBytes = THREADS.getCurrentThreadAllocatedBytes() - mainBytes;
        mainCpu = THREADS.getCurrentThreadCpuTime() - mainCpu;
        long[] gcEvalAfter = gc();
        store.complete(run, Instant.EPOCH, new CompletedRun(r, 100_000, null, List.of(), List.of()), hosts);
        long wall = System.nanoTime() - t;
        long[] h2After = h2Threads();
        long[] gcAfter = gc();
        assertEquals(r.context().nodes().size(), store.count("run_host", run));
        System.out.printf("%-9s writer %4.0f MB %4.0f ms CPU; H2's threads %3.0f MB %4.0f ms CPU; evaluation beside it"
                        + " %4.0f MB %4.0f ms CPU, %2d collections %4d ms; in all %2d collections %4d ms, wall %5.0f ms%n",
                run, writer[0] / 1e6, writer[1] / 1e6, (h2After[0] - h2[0]) / 1e6, (h2After[1] - h2[1]) / 1e6,
                mainBytes / 1e6, mainCpu / 1e6, gcEvalAfter[0] - gcEval[0], gcEvalAfter[1] - gcEval[1],
                gcAfter[0] - gc[0], gcAfter[1] - gc[1], wall / 1e6);
    }

    /** Bytes allocated and CPU time (ns) so far of H2's threads (serialisation, background writer). */
    private static long[] h2Threads() {
        long[] out = new long[2];
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("H2") || t.getName().startsWith("MVStore")) {
                out[0] += THREADS.getThreadAllocatedBytes(t.getId());
                out[1] += THREADS.getThreadCpuTime(t.getId());
            }
        }
        return out;
    }

    /** Young and full collections so far: their count and time (ms). */
    private static long[] gc() {
        long[] out = new long[2];
        for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
            out[0] += Math.max(0, b.getCollectionCount());
            out[1] += Math.max(0, b.getCollectionTime());
        }
        return out;
    }
}
