package org.kcdauditor.audit;

import org.junit.jupiter.api.Test;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.rules.RuleCatalogue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/** What the reports say of a waiver whose host the audit does not know, by how the host is written. */
class WaiverHostsTest {
    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

    /**
     * A DNS name is told the name to give, with the root's trailing dot or without; a NetBIOS name followed by dots is
     * no DNS name however many (before, {@code HV02..} was said to name HV02 "by its DNS name", {@code HV02.} not).
     */
    @Test
    void onlyADnsNameIsToldTheNameToGiveWhateverItsTrailingDots() {
        List<String> hosts = List.of("hv02.contoso.com", "hv02.contoso.com.", "hv02.contoso.com..", "HV02.", "HV02..",
                "HV09.contoso.com");
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02")), PolicyConfig.defaults(), AuditInputs.none(T0));
        Baseline b = new Baseline(T0, "run-1", null, Map.of(), hosts.stream().map(h -> new Waiver(
                "MISSING_DELEGATION", h, null, null, "CHG1", LocalDate.of(2026, 12, 31))).toList());
        String byDns = "names node HV02 by its DNS name: waivers name a host as findings do (host: HV02), so it waives"
                + " nothing";
        assertEquals(List.of(byDns, byDns, byDns, WaiverHosts.NO_NODE, WaiverHosts.NO_NODE, WaiverHosts.NO_NODE),
                WaiverHosts.warnings(b, r.context(), r.findings()));
    }
}
