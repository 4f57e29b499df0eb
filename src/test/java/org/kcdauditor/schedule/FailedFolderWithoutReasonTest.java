package org.kcdauditor.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.run.RunControl;
import org.kcdauditor.run.RunFolder;
import org.kcdauditor.support.FailingWorkbook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * On a reports disk that is full, even FAILED.txt may not fit (seen with a 420 KB tmpfs: two runs of four left a
 * {@code .failed} folder without it). The folder had been renamed {@code .failed} by then, but the run did not say
 * so: the daemon's failure notice and fire log named its {@code .partial} folder, which no longer existed. They name
 * the folder the files are in, and say "FAILED.txt says why" only where there is one.
 */
class FailedFolderWithoutReasonTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void whenFailedTxtCannotBeWrittenTheNoticeNamesTheFailedFolderAndClaimsNoFailedTxt() throws Exception {
        Path reports = dir.resolve("reports");
        // the workbook's writer on a full disk; by then no room for FAILED.txt either (here: something in its way)
        ReportWriter diskFull = FailingWorkbook.of(out -> {
            try (Stream<Path> s = Files.list(reports)) {
                Path partial = s.filter(p -> p.getFileName().toString().endsWith(".partial")).findFirst()
                        .orElseThrow();
                Files.createDirectories(partial.resolve(RunFolder.FAILED_TXT).resolve("in-the-way"));
            }
            throw new IOException("No space left on device");
        });
        AuditConfig cfg = org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02")),
                null, null);
        RunControl control = new RunControl();
        AuditRun run = new AuditRun(cfg, new Secrets(Map.of()), CLOCK, new Reports(List.of(new JsonReportWriter(),
                diskFull))).withHome(dir).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), mesh("HV01", "HV02")));

        IOException e = assertThrows(IOException.class, () -> run.execute(null, Set.of(Format.JSON, Format.XLSX),
                new Timings(), n -> { }, control));

        Path failed;
        try (Stream<Path> s = Files.list(reports)) {
            failed = s.filter(p -> p.getFileName().toString().endsWith(".failed")).findFirst().orElseThrow();
        }
        assertEquals(failed, control.failedFolder(), "the run knows where its files are");
        String reason = AuditRun.reason(e);
        // not "its unfinished files are in ….partial" (gone), nor "(FAILED.txt says why)" (there is none)
        assertEquals(reason + "; the files it wrote before it stopped are kept in " + failed + " and are not a report",
                AuditJob.withOutputs(reason, control));
    }
}
