package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.RetainConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.config.StoreConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostState;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Reports;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * findings.json's {@code baseline}: each waiver's first run that waived a finding under it, as the store (H2, in
 * process) knows it, and the file's hash and whether it was edited since its capture.
 */
class WaiverFirstRunTest {
    private static final Instant T0 = Instant.parse("2026-06-15T06:00:00Z");

    @TempDir
    Path dir;

    private AuditConfig config() {
        AuditConfig base = org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02",
                "HV03")), null, null);
        return new AuditConfig(base.source(), base.baseDir(), base.directory(), base.clusters(), base.policy(),
                base.reports(), new StoreConfig("jdbc:h2:file:data/history", null, null, null,
                new RetainConfig(null, null)), null, null, null, null);
    }

    private AuditRun.Outcome run(AuditConfig cfg, Instant at, List<AdObject> objects) throws Exception {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        return new AuditRun(cfg, new Secrets(Map.of()), clock, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(at, objects)).withoutReports()
                .execute(null, Set.of(Format.JSON), new Timings(), n -> { });
    }

    @Test
    void eachWaiverNamesTheFirstRunThatWaivedUnderItAndAHandEditIsTold() throws Exception {
        AuditConfig cfg = config();
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        List<AdObject> gap = replace(mesh, host("HV01", PT, entriesTo("HV02")));
        String captured = run(cfg, T0, mesh).runId();
        Map<String, HostState> hosts = new LinkedHashMap<>();
        mesh.forEach(o -> hosts.put(o.name(), HostState.of(o)));
        BaselineFile.write(cfg.baselinePath(), new Baseline(T0, captured, "jdoe", hosts, List.of(
                new Waiver("MISSING_DELEGATION", "HV01$", "hv03", null, "CHG1", LocalDate.of(2099, 1, 1), "A. Smith",
                        LocalDate.of(2026, 6, 14), "CHG0042"),
                new Waiver("MISSING_DELEGATION", "HV02", "HV03", null, "CHG2", LocalDate.of(2099, 1, 1))), "CHG0040"),
                false, T0);

        HistorySections.BaselineDoc whole = run(cfg, T0.plus(Duration.ofDays(1)), mesh).document().baseline();
        assertNull(whole.waivers().get(0).firstWaivedRun(), "nothing waived yet: no first run");
        assertEquals(Boolean.FALSE, whole.changedSinceCapture());
        assertEquals("CHG0040", whole.ticket());

        // the first run that waives under it names itself: the store holds no earlier one
        String first = run(cfg, T0.plus(Duration.ofDays(2)), gap).runId();
        HistorySections.BaselineDoc later = run(cfg, T0.plus(Duration.ofDays(3)), gap).document().baseline();
        assertEquals(first, later.waivers().get(0).firstWaivedRun());
        assertEquals("A. Smith", later.waivers().get(0).approvedBy());
        assertEquals("CHG0042", later.waivers().get(0).ticket());
        assertNull(later.waivers().get(1).firstWaivedRun(), "HV02 -> HV03 was never missing");
        // and the store keeps knowing it once the entry is back
        assertEquals(first, run(cfg, T0.plus(Duration.ofDays(4)), mesh).document().baseline().waivers().get(0)
                .firstWaivedRun());

        // a waiver added by hand since the capture: the run says so, with the hash of the file it read
        String text = Files.readString(cfg.baselinePath()).replace("waivers:\n", "waivers:\n  - rule: STALE_DELEGATION\n"
                + "    host: HV02\n    justification: \"added in Sep\"\n    expires: 2099-01-01\n");
        Files.writeString(cfg.baselinePath(), text);
        HistorySections.BaselineDoc edited = run(cfg, T0.plus(Duration.ofDays(5)), mesh).document().baseline();
        assertEquals(Boolean.TRUE, edited.changedSinceCapture());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(cfg.baselinePath()))), edited.sha256());
    }
}
