package org.kcdauditor.run;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.Reports;
import org.kcdauditor.support.BenchShape;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code baseline capture} at 2,000 and 20,000 hosts in the benchmark generator's cluster shapes
 * (scripts/bench/gen_ldif.py: one 64-node cluster, the rest cycling 4, 8, 16, 16, 32, 8, 2, 16): the file it
 * writes (about 6 and 60 MB) is read back by the loader, and a second capture with --force, which reads the
 * first to carry its waivers over, works too. SnakeYAML's default limit refused such files (3 MiB, reached
 * near 1,000 hosts).
 */
class BaselineScaleTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** Above SnakeYAML's default limit (about 6 MB), and quick: part of the fast suite. */
    @Test
    void aCaptureOfTwoThousandHostsIsReadBackAndCanBeCapturedAgain() throws Exception {
        captureTwiceAndReadBack(2_000, 6_000_000);
    }

    /** The scale (about 60 MB); a minute or more on a loaded machine, so with the integration tests. */
    @Test
    @Tag("integration")
    void aCaptureOfTwentyThousandHostsIsReadBackAndCanBeCapturedAgain() throws Exception {
        captureTwiceAndReadBack(20_000, 50_000_000);
    }

    private void captureTwiceAndReadBack(int hosts, long largerThan) throws Exception {
        BenchShape shape = BenchShape.of(hosts);
        Snapshot snapshot = new Snapshot(CLOCK.instant(), "ldap://bench", "DC=contoso,DC=com", shape.hosts());
        AuditConfig base = org.kcdauditor.history.HistoryTestData.config(dir, shape.clusters(), null, null);
        AuditRun run = new AuditRun(base, new Secrets(Map.of()), CLOCK, Reports.standard(dir, ReportsConfig.defaults()))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot);
        Path file = base.baselinePath();

        BaselineCapture.Captured first = BaselineCapture.capture(run, file, "jdoe", false, CLOCK);
        assertEquals(hosts, first.baseline().hosts().size());
        long size = Files.size(file);
        assertTrue(size > largerThan, "SnakeYAML's default limit is 3 MiB; this file is " + size + " bytes");

        Baseline read = BaselineFile.read(file);
        assertEquals(hosts, read.hosts().size());
        assertEquals(first.baseline().hosts().get("HV000064").delegateTo(), read.hosts().get("HV000064").delegateTo());
        assertEquals(252, read.hosts().get("HV000001").delegateTo().size(), "63 peers x 2 services x 2 name forms");

        BaselineCapture.Captured again = BaselineCapture.capture(run, file, "jdoe", true, CLOCK);
        assertNotNull(again.backup(), "the first one kept as .bak");
        assertEquals(hosts, BaselineFile.read(file).hosts().size());
    }
}
