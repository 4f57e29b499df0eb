package org.kcdauditor.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.store.CompletedRun;
import org.kcdauditor.store.RunStore;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Cost of storing a run ({@code RunStore.complete}) of {@link BenchData#twentyThousandHosts} in a new
 * H2 file, as the run's store stage does. A benchmark, not a timed test: run with
 * {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=StoreBench}, and with the launcher's JVM flags
 * {@code -DargLine="-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"}; it prints figures.
 */
@Tag("bench")
class StoreBench {
    @TempDir
    Path dir;

    @Test
    void twentyThousandHosts() {
        BenchData data = BenchData.twentyThousandHosts();
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(data.snapshot(), data.clusters(),
                PolicyConfig.defaults());
        // the process's CPU, since H2 serialises and compresses pages on a thread of its own
        var process = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long best = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        // -Dbench.storeUrl=jdbc:postgresql://127.0.0.1:PORT/DB (user and password from KCD_PG_USER/KCD_PG_PASSWORD,
        // as scripts/postgres.sh leaves them) measures PostgreSQL instead; each round then a configuration of its own
        String pg = System.getProperty("bench.storeUrl");
        for (int i = 0; i < 5; i++) {
            // as the CLI opens an H2 file store (StoreUrls.connectUrl)
            String url = pg != null ? pg : "jdbc:h2:file:" + dir.resolve("h" + i) + ";MAX_COMPACT_TIME=0;COMPRESS=TRUE";
            String run = "run-" + i + "-" + System.nanoTime();
            try (RunStore store = RunStore.open(url, pg == null ? null : System.getenv("KCD_PG_USER"),
                    pg == null ? null : System.getenv("KCD_PG_PASSWORD").toCharArray())) {
                store.begin(run, Instant.EPOCH, "bench", "/bench/" + run, "ldap://bench", "DC=contoso,DC=com");
                long cpu = process.getProcessCpuTime();
                long t = System.nanoTime();
                store.complete(run, Instant.EPOCH, new CompletedRun(r, 100_000, null, List.of(), List.of()));
                best = Math.min(best, System.nanoTime() - t);
                bestCpu = Math.min(bestCpu, process.getProcessCpuTime() - cpu);
                assertEquals(r.context().nodes().size(), store.count("run_host", run));
            }
        }
        System.out.printf("store: %d hosts, %d findings: best of 5 %.0f ms wall, %.0f ms CPU of the process%n",
                r.context().nodes().size(), r.findings().size(), best / 1e6, bestCpu / 1e6);
    }
}
