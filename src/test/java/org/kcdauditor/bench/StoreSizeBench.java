package org.kcdauditor.bench;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.config.StoreConfig;
import org.kcdauditor.history.HistoryTestData;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much the history store grows per run at 20,000 hosts ({@link BenchData#twentyThousandHosts}), as a
 * daily schedule stores them: five runs of an unchanged directory through {@link AuditRun} into a new H2
 * file with the URL settings runs use, the file's size after each, and the store stage's time. A benchmark,
 * not a timed test: {@code mvn -o test -Dtest.excludedGroups=integration -Dtest=StoreSizeBench}.
 */
@Tag("bench")
class StoreSizeBench {
    @TempDir
    Path dir;

    @Test
    void twentyThousandHostsFiveRuns() throws Exception {
        BenchData data = BenchData.twentyThousandHosts();
        AuditConfig base = HistoryTestData.config(dir, data.clusters(), null, null);
        AuditConfig cfg = new AuditConfig(base.source(), base.baseDir(), base.directory(), base.clusters(),
                PolicyConfig.defaults(), base.reports(), new StoreConfig("jdbc:h2:file:data/bench" + System.getProperty("bench.storeUrlSuffix", ""), null, null), null,
                null, null, null);
        Path file = dir.resolve("data/bench.mv.db");
        long before = 0;
        for (int i = 1; i <= 5; i++) {
            Timings t = new Timings();
            new AuditRun(cfg, new Secrets(Map.of()), Clock.systemUTC(), new Reports(List.of(new JsonReportWriter())))
                    .withHome(dir).withEnvironment(Map.of()).withSource(p -> data.snapshot()).withoutReports()
                    .execute(null, Set.of(Format.JSON), t, n -> { });
            long size = Files.size(file);
            System.out.printf("run %d: store %d ms, file %.1f MB (+%.1f MB)%n", i, t.millis().get("store"), size / 1e6,
                    (size - before) / 1e6);
            before = size;
        }
    }
}
