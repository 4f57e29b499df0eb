package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every history rule shows in ./kcd-audit demo, and findings.json carries the history sections. */
class DemoHistoryTest {
    @TempDir
    static Path out;
    static JsonNode doc;

    @BeforeAll
    static void demo() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Demo history: stored run "), run.out());
        doc = CliRun.findings(out);
    }

    private static List<JsonNode> rule(String id) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(id)).toList();
    }

    @Test
    void everyHistoryRuleShows() {
        for (String id : List.of("BASELINE_ENTRY_REMOVED", "BASELINE_ENTRY_ADDED", "BASELINE_FLAGS_CHANGED",
                "BASELINE_HOST_MISSING", "BASELINE_HOST_NEW", "WAIVER_EXPIRED", "CHANGED_SINCE_LAST_RUN",
                "HARDENING_PATCH_WITHOUT_DELEGATION", "PATCH_LEVEL_SKEW", "PATCH_DATA_MISSING",
                "MIGRATION_FAILURE_OBSERVED")) {
            assertTrue(!rule(id).isEmpty(), id + " missing from the demo");
        }
        assertEquals(List.of("HV01", "HV03"), rule("CHANGED_SINCE_LAST_RUN").stream()
                .map(f -> f.path("host").asText()).toList());
    }

    @Test
    void waivedFindingsAreMarkedWithTheirJustification() {
        List<JsonNode> waived = rule("MISSING_DELEGATION").stream().filter(f -> f.path("waived").asBoolean()).toList();
        assertEquals(4, waived.size());
        assertTrue(waived.stream().allMatch(f -> f.path("host").asText().equals("HV02")
                && f.path("waiver").path("justification").asText().contains("CHG0042")
                && f.path("waiver").path("expires").asText().equals("2035-12-31")));
        assertTrue(rule("MISSING_DELEGATION").stream().filter(f -> f.path("host").asText().equals("HV01"))
                .noneMatch(f -> f.has("waived")), "unwaived findings carry no waived field");
    }

    @Test
    void historySectionsAreInFindingsJson() {
        assertEquals(1, doc.path("schemaVersion").asInt());
        assertTrue(doc.path("history").path("previousRunId").asText().length() == 36);
        assertEquals(2, doc.path("baseline").path("waivers").size());
        assertEquals(7, doc.path("patches").path("hosts").size());
        assertEquals(3, doc.path("events").size());
        assertEquals(6, doc.path("imports").size());
        assertTrue(StreamSupport.stream(doc.path("imports").spliterator(), false)
                .allMatch(i -> i.path("error").isNull()));
    }
}
