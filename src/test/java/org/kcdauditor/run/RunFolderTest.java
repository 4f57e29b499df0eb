package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * A run's folder is complete or marked: written as {@code .partial}, renamed when the run is stored; a run
 * that fails while writing (the disk full) leaves a {@code .failed} folder with FAILED.txt and no folder that
 * looks finished; with {@code --out DIR} the files land in DIR only on success, and a failure leaves DIR's
 * earlier files as they were. No temporary file is left on either path.
 */
class RunFolderTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** The workbook's writer as a full disk makes it fail: part of the file written, then ENOSPC. */
    private static final ReportWriter DISK_FULL = org.kcdauditor.support.FailingWorkbook.of(out -> {
        out.write("PK".getBytes(StandardCharsets.US_ASCII));
        // as POI reports a failed save: its own runtime exception around the file system's error
        throw new IllegalStateException("Fail to save: an error occurs while saving the package",
                new IOException("No space left on device"));
    });

    private AuditConfig config() {
        return org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02")), null,
                null);
    }

    private AuditRun run(ReportWriter... writers) {
        return new AuditRun(config(), new Secrets(Map.of()), CLOCK, new Reports(List.of(writers)))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(CLOCK.instant(), mesh("HV01", "HV02")));
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aRunThatFailsWhileWritingLeavesAFailedFolderWithTheReasonAndNothingThatLooksFinished() throws Exception {
        AuditRun run = run(new JsonReportWriter(), DISK_FULL);
        IOException e = assertThrows(IOException.class, () -> run.execute(null, Set.of(Format.JSON, Format.XLSX),
                new Timings(), n -> { }));
        assertTrue(e.getMessage().matches("audit\\.xlsx \\(in .*\\.partial\\): No space left on device"),
                "one line naming the file: " + e.getMessage());
        List<String> folders = names(dir.resolve("reports"));
        assertEquals(1, folders.size(), folders.toString());
        assertTrue(folders.get(0).endsWith(".failed"), folders.toString());
        Path failed = dir.resolve("reports").resolve(folders.get(0));
        assertEquals(List.of("FAILED.txt", "findings.json"), names(failed), "what it wrote, no temporary file");
        String why = Files.readString(failed.resolve("FAILED.txt"));
        assertTrue(why.contains("No space left on device") && why.contains("not a report"), why);
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            RunSummary r = store.list(1).get(0);
            assertEquals(RunSummary.FAILED, r.status());
            assertTrue(r.failureReason().startsWith("cannot write output: audit.xlsx (in ")
                    && r.failureReason().endsWith("): No space left on device"), r.failureReason());
            // the rows were written beside the evaluation and the reports; the failure deleted them
            assertEquals(0, store.count("run_host", r.id()) + store.count("run_host_attr", r.id())
                    + store.count("run_finding", r.id()), "nothing of the failed run stored");
        }
    }

    @Test
    void aSuccessfulRunIsRenamedToItsFinalNameWithoutTemporaryFiles() throws Exception {
        AuditRun.Outcome o = run(new JsonReportWriter()).execute(null, Set.of(Format.JSON), new Timings(), n -> { });
        assertEquals(List.of(o.outDir().getFileName().toString()), names(dir.resolve("reports")));
        assertFalse(o.outDir().getFileName().toString().endsWith(".partial"));
        assertEquals(List.of("findings.json", "manifest.sha256"), names(o.outDir()));
        assertEquals(List.of(o.outDir().resolve("findings.json"), o.outDir().resolve("manifest.sha256")), o.files());
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            RunSummary r = store.list(1).get(0);
            assertEquals(RunSummary.SUCCEEDED, r.status());
            assertEquals(o.outDir().toString(), r.reportDir());
            assertEquals(2, store.count("run_host", r.id()), "the snapshot stored with the run");
        }
    }

    @Test
    void withOutTheFilesLandInTheFolderOnlyOnSuccessAndAFailureLeavesItsEarlierFilesAlone() throws Exception {
        Path out = dir.resolve("out");
        AuditRun.Outcome first = run(new JsonReportWriter()).execute(out, Set.of(Format.JSON), new Timings(), n -> { });
        assertEquals(out.toAbsolutePath().normalize(), first.outDir());
        assertEquals(List.of("findings.json", "manifest.sha256"), names(out),
                "the files directly in DIR, no staging folder left");
        byte[] earlier = Files.readAllBytes(out.resolve("findings.json"));

        AuditRun failing = run(new JsonReportWriter(), DISK_FULL);
        assertThrows(IOException.class, () -> failing.execute(out, Set.of(Format.JSON, Format.XLSX), new Timings(), n -> { }));
        assertArrayEquals(earlier, Files.readAllBytes(out.resolve("findings.json")), "the earlier run's file stands");
        List<String> now = names(out);
        assertEquals(3, now.size(), now.toString());
        String failed = now.stream().filter(n -> n.endsWith(".failed")).findFirst().orElseThrow();
        assertTrue(failed.startsWith("kcd-audit-"), failed);
        assertEquals(List.of("FAILED.txt", "findings.json"), names(out.resolve(failed)));
    }

    /** A writer that writes {@code text} as {@code format}'s file. */
    private static ReportWriter writing(Format format, String text) {
        return new ReportWriter() {
            @Override
            public Format format() {
                return format;
            }

            @Override
            public void write(ReportView view, OutputStream out) throws IOException {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void withOutAMoveThatFailsHalfWayPutsDirsEarlierFilesBackAndTheRunIsRecordedFailed() throws Exception {
        Path out = dir.resolve("out");
        run(writing(Format.XLSX, "old"), writing(Format.MD, "old"), new JsonReportWriter())
                .execute(out, Set.of(Format.JSON, Format.XLSX, Format.MD), new Timings(), n -> { });
        byte[] earlier = Files.readAllBytes(out.resolve("findings.json"));
        // runbook.md cannot be replaced (a folder now, as a file open in Excel on Windows): the workbook, moved
        // into DIR before it, must go back out
        Files.delete(out.resolve("runbook.md"));
        Files.createDirectories(out.resolve("runbook.md"));
        Files.writeString(out.resolve("runbook.md").resolve("keep.txt"), "mine");

        AuditRun second = run(writing(Format.XLSX, "new"), writing(Format.MD, "new"), new JsonReportWriter());
        assertThrows(IOException.class, () -> second.execute(out, Set.of(Format.JSON, Format.XLSX, Format.MD),
                new Timings(), n -> { }));
        assertEquals("old", Files.readString(out.resolve("audit.xlsx")), "the earlier workbook is back");
        assertArrayEquals(earlier, Files.readAllBytes(out.resolve("findings.json")));
        assertEquals("mine", Files.readString(out.resolve("runbook.md").resolve("keep.txt")));
        List<String> now = names(out);
        assertEquals(5, now.size(), now.toString());
        String failed = now.stream().filter(n -> n.endsWith(".failed")).findFirst().orElseThrow();
        assertEquals(List.of("FAILED.txt", "audit.xlsx", "findings.json", "manifest.sha256", "runbook.md"),
                names(out.resolve(failed)),
                "the new files kept in the failed folder, nothing of DIR's");
        assertEquals("new", Files.readString(out.resolve(failed).resolve("audit.xlsx")));
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(RunSummary.FAILED, store.list(1).get(0).status(), "history agrees with the exit code");
            assertEquals(RunSummary.SUCCEEDED, store.list(2).get(1).status());
        }
    }

    @Test
    void withOutTheReportsOfAnEarlierRunThisOneDoesNotWriteAreLeftAndNamed() throws Exception {
        Path out = dir.resolve("out");
        run(writing(Format.XLSX, "old"), writing(Format.PS1, "old"), new JsonReportWriter())
                .execute(out, Set.of(Format.JSON, Format.XLSX, Format.PS1), new Timings(), n -> { });
        Files.writeString(out.resolve("kcd-change-record.json"), "the admin's");
        // a run that writes json and md only leaves yesterday's workbook and script where they are, and says so
        AuditRun.Outcome second = run(writing(Format.MD, "new"), new JsonReportWriter())
                .execute(out, Set.of(Format.JSON, Format.MD), new Timings(), n -> { });
        assertEquals(List.of("audit.xlsx", "findings.json", "kcd-change-record.json", "manifest.sha256",
                "remediation.ps1", "runbook.md"), names(out));
        assertEquals("old", Files.readString(out.resolve("remediation.ps1")), "nothing of DIR's is removed");
        assertEquals(List.of("audit.xlsx", "remediation.ps1"), second.leftOver().stream().map(p -> p.getFileName()
                .toString()).sorted().toList());
        AuditRun.Outcome third = run(writing(Format.MD, "new"), writing(Format.XLSX, "new"), writing(Format.PS1, "new"),
                new JsonReportWriter()).execute(out, Set.of(Format.JSON, Format.MD, Format.XLSX, Format.PS1),
                new Timings(), n -> { });
        assertEquals(List.of(), third.leftOver());
    }

    @Test
    void withOutARunThatCannotBeStoredAfterItsFilesAreInDirTakesThemBackOut() throws Exception {
        Path out = dir.resolve("out");
        run(writing(Format.MD, "old"), new JsonReportWriter()).execute(out, Set.of(Format.JSON, Format.MD),
                new Timings(), n -> { });
        byte[] earlier = Files.readAllBytes(out.resolve("findings.json"));
        // while the reports are written (after the run's rows are staged) another process ends the run, as a daemon
        // stopping past its timeout does: storing it as SUCCEEDED fails once the files are already in DIR
        ReportWriter endedMeanwhile = new ReportWriter() {
            @Override
            public Format format() {
                return Format.MD;
            }

            @Override
            public void write(ReportView view, OutputStream out) throws IOException {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                try (RunStore other = StoreUrls.open(config(), Map.of())) {
                    for (RunStore.Running r : other.running()) {
                        other.interrupt(r.id(), CLOCK.instant(), "the daemon stopped");
                    }
                }
                out.write("new".getBytes(StandardCharsets.UTF_8));
            }
        };
        assertThrows(RuntimeException.class, () -> run(endedMeanwhile, new JsonReportWriter()).execute(out,
                Set.of(Format.JSON, Format.MD), new Timings(), n -> { }));
        assertEquals("old", Files.readString(out.resolve("runbook.md")), "the earlier runbook is back");
        assertArrayEquals(earlier, Files.readAllBytes(out.resolve("findings.json")));
        List<String> now = names(out);
        assertEquals(4, now.size(), now.toString());
        String failed = now.stream().filter(n -> n.endsWith(".failed")).findFirst().orElseThrow();
        assertEquals(List.of("FAILED.txt", "findings.json", "manifest.sha256", "runbook.md"),
                names(out.resolve(failed)));
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(RunSummary.INTERRUPTED, store.list(1).get(0).status());
        }
    }

    @Test
    void aPublishKilledWhileMovingLeavesTheReplacedFilesWhereTheNextRunSaysTheyAre() throws Exception {
        Path out = dir.resolve("out");
        // what a kill in mid-publish leaves: the new runbook in DIR, the old one moved aside in the staging folder
        Path staging = out.resolve(".kcd-audit-0123abcd.partial");
        Files.createDirectories(staging.resolve(RunFolder.REPLACED));
        Files.writeString(staging.resolve(RunFolder.REPLACED).resolve("runbook.md"), "old");
        Files.writeString(staging.resolve("findings.json"), "{}");
        Files.writeString(out.resolve("runbook.md"), "new");

        Path failed = RunFolder.abandon(staging, "killed", "0123abcd-run", CLOCK.instant());
        assertEquals(out.resolve("kcd-audit-0123abcd.failed"), failed);
        assertEquals(failed.resolve(RunFolder.REPLACED), RunFolder.replacedLeftIn(failed));
        assertEquals("old", Files.readString(failed.resolve(RunFolder.REPLACED).resolve("runbook.md")));

        Path clean = out.resolve(".kcd-audit-4567cdef.partial");
        Files.createDirectories(clean);
        assertEquals(null, RunFolder.replacedLeftIn(RunFolder.abandon(clean, "killed", "4567cdef-run",
                CLOCK.instant())), "nothing was moved aside: DIR is not mixed");
    }

    @Test
    void aRunWhoseStoreClosedUnderItIsStillRecordedFailedOnAFreshConnection() throws Exception {
        // as H2 does after a write it could not make (a full disk): the database closes under every connection
        ReportWriter storeGone = new ReportWriter() {
            @Override
            public Format format() {
                return Format.MD;
            }

            @Override
            public void write(ReportView view, OutputStream out) throws IOException {
                try (java.sql.Connection c = java.sql.DriverManager.getConnection(StoreUrls.connectUrl(config()),
                        new java.util.Properties())) {
                    c.createStatement().execute("SHUTDOWN");
                } catch (java.sql.SQLException e) {
                    throw new IOException(e);
                }
                throw new IOException("No space left on device");
            }
        };
        // the writer's error, or the store's own from the thread storing beside the writers, whichever comes first
        Exception e = assertThrows(Exception.class, () -> run(new JsonReportWriter(), storeGone).execute(null,
                Set.of(Format.JSON, Format.MD), new Timings(), n -> { }));
        assertTrue(e instanceof IOException || e instanceof org.kcdauditor.store.StoreException, e.toString());
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            RunSummary r = store.list(1).get(0);
            assertEquals(RunSummary.FAILED, r.status(), "not left RUNNING for the next run to call interrupted");
            assertTrue(e instanceof org.kcdauditor.store.StoreException
                    || r.failureReason().endsWith("No space left on device"), r.failureReason());
        }
    }
}
