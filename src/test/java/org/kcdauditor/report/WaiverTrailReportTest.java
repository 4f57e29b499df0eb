package org.kcdauditor.report;

import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A waiver's audit trail (who granted it, on which day, under which ticket, the first run that waived under it) and
 * a baseline edited since its capture, as findings.json, the Waivers and Summary sheets and the PDF say them.
 */
class WaiverTrailReportTest {
    @TempDir
    Path dir;

    private static final String FIRST = "0c1d2e3f-0000-0000-0000-000000000001";

    private static FindingsDocument withBaseline(Boolean changed) {
        FindingsDocument d = Fixtures.demo();
        List<HistorySections.WaiverDoc> waivers = List.of(
                new HistorySections.WaiverDoc("MISSING_DELEGATION", "HV04", "HV01", null, "decommission", LocalDate
                        .of(2026, 12, 31), true, 1, null, "A. Smith", LocalDate.of(2026, 9, 3), "CHG0042", FIRST),
                new HistorySections.WaiverDoc("STALE_DELEGATION", "HV02", null, null, "added in Sep", LocalDate
                        .of(2026, 12, 31), true, 0, null, null, null, null, null));
        HistorySections.BaselineDoc b = new HistorySections.BaselineDoc("baseline.yaml",
                Instant.parse("2026-06-15T06:00:00Z"), "7f3a9c2e-0000-0000-0000-000000000000", "jdoe", 6, waivers, null,
                "CHG0040", "ab".repeat(32), changed);
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null, null, b, null, null, null);
    }

    @Test
    void findingsJsonCarriesTheTrailAndTheFilesHash() throws Exception {
        String json = FindingsJson.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature
                .INDENT_OUTPUT).writeValueAsString(withBaseline(true));
        assertTrue(json.contains("\"approvedBy\":\"A. Smith\",\"approvedOn\":\"2026-09-03\",\"ticket\":\"CHG0042\","
                + "\"firstWaivedRun\":\"" + FIRST + "\""), json);
        assertTrue(json.contains("\"ticket\":\"CHG0040\",\"sha256\":\"" + "ab".repeat(32)
                + "\",\"changedSinceCapture\":true"), json);
        // a waiver without a trail adds no field; read back as written
        assertFalse(json.contains("\"approvedBy\":null"), json);
        Path file = dir.resolve(FindingsJson.FILE_NAME);
        Files.writeString(file, FindingsJson.MAPPER.writeValueAsString(withBaseline(true)));
        assertEquals(withBaseline(true).baseline(), FindingsJson.read(file).baseline());
    }

    @Test
    void theWaiversSheetAddsTheTrailAfterItsColumns() throws Exception {
        try (XSSFWorkbook wb = XlsxReportWriterTest.render(withBaseline(null))) {
            XSSFSheet sh = wb.getSheet("Waivers");
            assertEquals(List.of("Active", "Waiver rule", "Findings waived", "Host", "Peer", "SPN", "Justification",
                    "Expires", "State", "Approved by", "Approved on", "Ticket", "First waived in run",
                    "Run id", "Run date"),
                    XlsxReportWriterTest.headers(sh));
            List<String> cells = XlsxReportWriterTest.cellsOf(sh);
            assertTrue(cells.containsAll(List.of("A. Smith", "CHG0042", FIRST, "no approver recorded")), cells
                    .toString());
            List<String> summary = XlsxReportWriterTest.cellsOf(wb.getSheet("Summary"));
            assertTrue(summary.stream().anyMatch(c -> c.contains("approved by jdoe, ticket CHG0040, 6 hosts")
                    && !c.contains("changed")), summary.toString());
        }
    }

    @Test
    void theSummaryAndThePdfSayTheFileChangedSinceTheCapture() throws Exception {
        FindingsDocument doc = withBaseline(true);
        try (XSSFWorkbook wb = XlsxReportWriterTest.render(doc)) {
            List<String> summary = XlsxReportWriterTest.cellsOf(wb.getSheet("Summary"));
            assertTrue(summary.stream().anyMatch(c -> c.contains("6 hosts, SHA-256 " + "ab".repeat(32)
                    + "; file changed since capture")),
                    summary.toString());
        }
        String all = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 99).replaceAll("\\s+", " ");
        assertTrue(all.contains("approved by jdoe (captured 2026-06-15 06:00:00 UTC, ticket CHG0040, 6 hosts;"
                + " file baseline.yaml, SHA-256 " + "ab".repeat(32) + ")"), all);
        assertTrue(all.contains("The baseline file changed since capture: the approval does not cover the edits."),
                all);
        assertTrue(all.contains("approved by A. Smith, on 2026-09-03, ticket CHG0042, first waived in run " + FIRST),
                all);
        assertTrue(all.contains("no approver recorded"), all);
    }

    @Test
    void theRunbookSaysTheFileChangedSinceTheCapture() throws Exception {
        assertTrue(RunbookTest.markdown(withBaseline(true)).contains("The baseline file changed since capture: the"
                + " approval does not cover the edits."));
        assertFalse(RunbookTest.markdown(withBaseline(false)).contains("changed since capture"));
    }
}
