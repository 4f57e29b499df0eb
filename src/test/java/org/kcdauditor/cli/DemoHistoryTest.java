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
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,xlsx,pdf");
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
    void everyDemoShowsTheSameHistory() throws Exception {
        Path again = out.resolve("again");
        CliRun run = CliRun.run(Map.of(), "demo", "--out", again.toString(), "--formats", "json");
        assertEquals(0, run.exitCode(), run.toString());
        JsonNode second = CliRun.findings(again);
        assertEquals(doc.path("history").path("timeline").size(), second.path("history").path("timeline").size(),
                "the timeline does not grow with every demo");
        assertTrue(doc.path("history").path("timeline").size() > 0);
    }

    /**
     * HARDENING_PATCH_WITHOUT_DELEGATION names what blocks each pair from the node, in words: HV11's entries are all
     * present (HVC2 has 48 of 48), its pairs fail for a duplicate SPN, an unregistered SPN and HV13's AES keys and
     * disabled migration, each pair listed. HV02's follows from the waived HV02 -> HV03 findings: its action does not
     * ask to fix them now while its remediation says to waive it as well.
     */
    @Test
    void hardeningFindingsNameTheRealBlockersOfEveryPairAndAgreeWithTheirWaiver() {
        Map<String, JsonNode> byHost = new java.util.HashMap<>();
        rule("HARDENING_PATCH_WITHOUT_DELEGATION").forEach(f -> byHost.put(f.path("host").asText(), f));
        String hv11 = byHost.get("HV11").path("message").asText();
        assertTrue(hv11.contains("while pairs from it are blocked: HV12 duplicate SPN; HV13 AES keys missing, live"
                + " migration disabled; HV14 SPN not registered."), hv11);
        assertTrue(!hv11.contains("incomplete"), hv11);
        String hv02 = byHost.get("HV02").path("message").asText();
        assertTrue(hv02.contains("HV03 4 delegation entries missing (waived)"), hv02);
        JsonNode waived = byHost.get("HV02");
        String action = waived.path("actions").get(0).path("what").asText();
        assertTrue(waived.path("remediation").asText().contains("waive it as well"), waived.toString());
        assertTrue(action.contains("are waived") && action.contains("waive this finding as well")
                && !action.contains("now: fix its 4"), action);
    }

    /**
     * The failures HV02 -> HV03 follow from the waived HV02 -> HV03 entries and from HV02's CredSSP setting, which is
     * not waived: the remediation says to waive the failure as well or fix its cause and end the waiver, and its action
     * says the same, naming the waived causes apart from the open one, not "Fix the 4 MISSING_DELEGATION and 1
     * MIGRATION_AUTH_NOT_KERBEROS findings".
     */
    @Test
    void aFailureThatFollowsFromWaivedFindingsAgreesWithTheirWaiverAndNamesWhichAreWaived() {
        JsonNode f = rule("MIGRATION_FAILURE_OBSERVED").stream().filter(x -> x.path("host").asText().equals("HV02")
                && x.path("peer").asText().equals("HV03")).findFirst().orElseThrow();
        assertEquals(4, f.path("consequenceOf").size(), f.toString());
        assertTrue(f.path("remediation").asText().contains("waive it as well"), f.toString());
        String action = f.path("actions").get(0).path("what").asText();
        assertTrue(action.startsWith("Fix the 1 MIGRATION_AUTH_NOT_KERBEROS finding (id "), action);
        StringBuilder waived = new StringBuilder();
        f.path("consequenceOf").forEach(id -> waived.append(waived.length() == 0 ? "" : ", ").append(id.asText()));
        assertTrue(action.endsWith("; its 4 MISSING_DELEGATION findings (ids " + waived + ") are waived and keep the"
                + " pair failing: waive this finding as well, or end that waiver, fix them too, then replicate, purge"
                + " tickets on HV02 (klist -li 0x3e7 purge) and retry the migration."), action);
        // the plan fixes the open cause: its advice names both as the action does, from the same findings
        String open = action.substring("Fix the ".length(), action.indexOf(';'));
        assertEquals("The change fixes its " + open + "; its 4 MISSING_DELEGATION findings (ids " + waived + ") are"
                + " waived and keep the pair failing: waive it as well (rule MIGRATION_FAILURE_OBSERVED, host HV02,"
                + " peer HV03), or end that waiver and fix them too.", f.path("remediation").asText());
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
    void theWorkbookHasDriftPatchesEventsAndImportsSheets() throws Exception {
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
            assertEquals(List.of("Summary", "Findings", "Matrix", "Hosts", "Runbook", "Drift", "Patches", "Events",
                    "Imports", "Rules", "Timeline", "Waivers", "Hardening", "Trend", "Clusters", "KDC events"),
                    java.util.stream.IntStream.range(0, wb.getNumberOfSheets()).mapToObj(wb::getSheetName).toList());
            var drift = wb.getSheet("Drift");
            assertEquals("Severity", drift.getRow(0).getCell(0).getStringCellValue());
            assertEquals(8, java.util.stream.IntStream.rangeClosed(1, 9)
                    .filter(i -> drift.getRow(i) != null && drift.getRow(i).getCell(1) != null
                            && drift.getRow(i).getCell(1).getStringCellValue().matches("BASELINE_.*|WAIVER_EXPIRED"
                            + "|CHANGED_SINCE_LAST_RUN")).count());
            var patches = wb.getSheet("Patches");
            boolean hv14 = false;
            for (int i = 1; i <= 7; i++) {
                if (patches.getRow(i).getCell(0).getStringCellValue().equals("HV14")) {
                    // no patch data: Patch records 0, the hardening not known (blank), not "none"
                    hv14 = patches.getRow(i).getCell(2).getNumericCellValue() == 0 && (patches.getRow(i).getCell(4) == null
                            || patches.getRow(i).getCell(4).getCellType() == org.apache.poi.ss.usermodel.CellType.BLANK);
                }
            }
            assertTrue(hv14);
            // header and 3 migration failures; DC1's KDCSVC event about HV13's missing AES keys on its own sheet
            var events = wb.getSheet("Events");
            assertEquals(4, events.getLastRowNum() + 1);
            assertEquals(List.of("Time (UTC)", "Host", "Event", "Source", "Destination", "Account", "Service"),
                    java.util.stream.IntStream.range(0, 7).mapToObj(i -> events.getRow(0).getCell(i)
                            .getStringCellValue()).toList());
            var kdc = wb.getSheet("KDC events");
            assertEquals(209, kdc.getRow(1).getCell(2).getNumericCellValue());
            assertEquals("HV12", kdc.getRow(1).getCell(3).getStringCellValue(), "the KDC event's account, as its host");
            assertEquals("HV13", kdc.getRow(1).getCell(4).getStringCellValue(), "and its service");
        }
        try (var pdf = org.apache.pdfbox.Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf);
            assertTrue(text.contains("Drift, patches and events"), "PDF history section");
            assertTrue(text.contains("Kerberos hardening per node") && text.contains("Observed migration failures"));
        }
    }

    /**
     * The demo's delegation changes (its directory's replication metadata: 2026-11-23 and 24) fall between its two
     * runs, as in a daily audit: the seed run is dated before them, so CHANGED_SINCE_LAST_RUN reports them as made, not
     * as entries the directory records no write of since the previous run (it did, when the seed ran a moment before).
     */
    @Test
    void theDemosChangesFallBetweenItsTwoRuns() {
        java.time.Instant previous = java.time.Instant.parse(doc.path("history").path("previousFinishedAt").asText());
        assertTrue(previous.isBefore(java.time.Instant.parse("2026-11-23T17:05:31Z")), previous.toString());
        List<String> changed = StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals("CHANGED_SINCE_LAST_RUN"))
                .map(f -> f.path("message").asText()).toList();
        assertTrue(changed.stream().anyMatch(m -> m.contains("delegation entry removed")), changed.toString());
        assertTrue(changed.stream().noneMatch(m -> m.contains("records no write")), changed.toString());
    }

    @Test
    void historySectionsAreInFindingsJson() {
        assertEquals(1, doc.path("schemaVersion").asInt());
        assertTrue(doc.path("history").path("previousRunId").asText().length() == 36);
        assertEquals(2, doc.path("baseline").path("waivers").size());
        assertEquals(7, doc.path("patches").path("hosts").size());
        assertEquals(4, doc.path("events").size(), "3 migration failures, 1 KDCSVC event of DC1");
        assertEquals(8, doc.path("imports").size(), "4 patch, 3 event (one of DC1) and 1 host-settings export");
        assertTrue(StreamSupport.stream(doc.path("imports").spliterator(), false)
                .allMatch(i -> i.path("error").isNull()));
    }
}
