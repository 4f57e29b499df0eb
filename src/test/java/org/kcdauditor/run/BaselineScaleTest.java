package org.kcdauditor.run;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.Reports;
import org.kcdauditor.support.Hosts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    private static final int[] SIZES = {4, 8, 16, 16, 32, 8, 2, 16};

    @TempDir
    Path dir;

    /** {@code hosts} Hyper-V hosts, each delegating to every peer of its cluster in both name forms. */
    static BenchShape benchShape(int hosts) {
        List<AdObject> objects = new ArrayList<>();
        List<ClusterConfig> clusters = new ArrayList<>();
        Map<String, String> canonical = new HashMap<>();
        int made = 0;
        for (int c = 0; made < hosts; c++) {
            int size = Math.min(hosts - made, c == 0 ? 64 : SIZES[(c - 1) % SIZES.length]);
            List<String> names = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                names.add(String.format("HV%06d", ++made));
            }
            for (String n : names) {
                AdObject o = Hosts.host(n).delegatesTo(names.stream().filter(p -> !p.equals(n))
                        .toArray(String[]::new)).build();
                List<String> dt = o.delegateTo().stream().map(v -> canonical.computeIfAbsent(v, k -> k)).toList();
                objects.add(new AdObject(o.dn(), o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(),
                        o.spns(), dt, o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                        o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon()));
            }
            clusters.add(new ClusterConfig("C" + c, names, null, null));
        }
        return new BenchShape(new Snapshot(CLOCK.instant(), "ldap://bench", "DC=contoso,DC=com", objects), clusters);
    }

    record BenchShape(Snapshot snapshot, List<ClusterConfig> clusters) {
    }

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
        BenchShape shape = benchShape(hosts);
        AuditConfig base = org.kcdauditor.history.HistoryTestData.config(dir, shape.clusters(), null, null);
        AuditRun run = new AuditRun(base, new Secrets(Map.of()), CLOCK, Reports.standard(dir))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> shape.snapshot());
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
