package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.support.BenchShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A file a run writes besides its reports (a baseline capture's baseline.yaml) is taken back when the run fails after
 * writing it: a failed run leaves no baseline naming it, and the one it replaced is back.
 */
class RunOutputUndoTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aRunStoppedAfterItsOutputWasWrittenTakesItBack() throws Exception {
        BenchShape shape = BenchShape.of(8);
        Snapshot snapshot = new Snapshot(CLOCK.instant(), "ldap://bench", "DC=contoso,DC=com", shape.hosts());
        AuditConfig cfg = org.kcdauditor.history.HistoryTestData.config(dir, shape.clusters(), null, null);
        AuditRun run = new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(dir, ReportsConfig.defaults()))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot);
        Path file = dir.resolve("written.txt");
        RunControl control = new RunControl();
        assertThrows(RunInterruptedException.class, () -> run.execute(null, Set.of(Format.JSON),
                new Timings(), n -> { }, control, (runId, result) -> {
                    Files.writeString(file, runId);
                    control.stop("stopped right after the output was written");
                    return () -> {
                        try {
                            Files.delete(file);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    };
                }));
        assertFalse(Files.exists(file), "taken back");
    }

    @Test
    void aBaselineWrittenForAFailedRunIsTakenBack() throws Exception {
        Path file = Files.writeString(dir.resolve("baseline.yaml"), "new");
        Path backup = Files.writeString(dir.resolve("baseline.yaml.20261120T060000Z.bak"), "old");
        BaselineCapture.restore(file, backup);
        assertEquals("old", Files.readString(file));
        assertFalse(Files.exists(backup), "the backup is the baseline again");
        BaselineCapture.restore(file, null);
        assertFalse(Files.exists(file), "a first capture's baseline is removed");
    }
}
