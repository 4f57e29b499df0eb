package org.kcdauditor.store;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.config;
import static org.kcdauditor.history.HistoryTestData.snapshot;
import static org.kcdauditor.support.Hosts.host;

/**
 * A node whose cn holds U+0000 (AD stores it as given) is a key of the history: the store writes every text with the
 * character as {@code \u0000} (PostgreSQL's text refuses it), so the next run, reading the previous run's hosts back,
 * must still match the node it reads from the directory, or it reports a node gone and a new one (drift) and counts its
 * findings as new.
 */
class NulNodeNameHistoryTest {
    private static final String NUL = "HV06\u0000X";

    @TempDir
    Path dir;

    @Test
    void theNextRunMatchesANodeWhoseNameHoldsNul() throws Exception {
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").build(),
                host("HV06").cn(NUL).dn("CN=HV06\\00X,OU=Hyper-V,DC=contoso,DC=com").build());
        AuditConfig cfg = config(dir, List.of(new ClusterConfig("HVC1", List.of(), "OU=Hyper-V,DC=contoso,DC=com",
                null)), null, null);
        audit(cfg, objects, "2026-11-20T06:00:00Z", "first");
        JsonNode second = audit(cfg, objects, "2026-11-21T06:00:00Z", "second");
        List<String> drift = new ArrayList<>();
        second.path("findings").forEach(f -> {
            if (List.of("CHANGED_SINCE_LAST_RUN", "BASELINE_HOST_NEW", "BASELINE_HOST_MISSING")
                    .contains(f.path("rule").asText())) {
                drift.add(f.path("message").asText());
            }
        });
        assertTrue(drift.isEmpty(), "nothing changed, yet: " + drift);
        assertTrue(second.path("findings").findValuesAsText("host").contains(NUL), "the node is audited");
        assertEquals(0, second.path("history").path("newFindings").size(), second.path("history").toString());
    }

    private JsonNode audit(AuditConfig cfg, List<AdObject> objects, String at, String out) throws Exception {
        Clock clock = Clock.fixed(Instant.parse(at), ZoneOffset.UTC);
        Path folder = new AuditRun(cfg, new Secrets(Map.of()), clock, Reports.standard(Path.of("templates"),
                ReportsConfig.defaults())).withHome(dir).withEnvironment(Map.of())
                .withSource(p -> snapshot(clock.instant(), objects))
                .execute(dir.resolve(out), EnumSet.of(Format.JSON), new Timings(), n -> { }).outDir();
        return CliRun.findings(folder);
    }
}
