package org.kcdauditor.report;

import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.report.XlsxPivotTest.assertBlank;
import static org.kcdauditor.report.XlsxPivotTest.assertDate;
import static org.kcdauditor.report.XlsxPivotTest.cell;
import static org.kcdauditor.report.XlsxPivotTest.headers;

/**
 * The demo's workbook as the auditor who files and pivots it every month reads it (a review of the demo's outputs):
 * when a change was made, not only when a run saw it; Yes/No where a column answers yes or no; dates and numbers as
 * typed cells beside the readable text; a severity that sorts; "none" where nothing is installed; the KDC's events
 * apart from the migration failures. Existing headers stay: new columns come last.
 */
class XlsxAuditorTest {
    @TempDir
    static Path out;
    static FindingsDocument doc;
    static XSSFWorkbook wb;

    @BeforeAll
    static void demo() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,xlsx");
        assertEquals(0, run.exitCode(), run.toString());
        doc = FindingsJson.read(out.resolve("findings.json"));
        wb = new XSSFWorkbook(out.resolve("audit.xlsx").toFile());
    }

    @AfterAll
    static void close() throws Exception {
        wb.close();
    }

    /** The data rows whose {@code header} column reads {@code value}. */
    private static List<Integer> rows(XSSFSheet sh, String header, String value) {
        List<Integer> out = new ArrayList<>();
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            XSSFCell c = sh.getRow(r) == null ? null : cell(sh, r, header);
            if (c != null && c.getCellType() == CellType.STRING && c.getStringCellValue().equals(value)) {
                out.add(r);
            }
        }
        return out;
    }

    private static String text(XSSFSheet sh, int r, String header) {
        XSSFCell c = cell(sh, r, header);
        return c == null || c.getCellType() == CellType.BLANK ? null : c.getStringCellValue();
    }

    /**
     * "Time (UTC)" was the run's time, two weeks after the changes it listed: a pivot by date placed them late. The
     * column says it is the run that saw them; when, where and which version of the attribute the change wrote are
     * typed columns of their own, from the replication metadata the change names.
     */
    @Test
    void theTimelineSaysWhenAChangeWasMadeBesideTheRunThatSawIt() {
        XSSFSheet sh = wb.getSheet("Timeline");
        assertEquals(List.of("Seen by run (UTC)", "Host", "Change", "Run id", "Changed at (UTC)", "Originating DC",
                "Version"), headers(sh));
        int hv01 = rows(sh, "Host", "HV01").get(0);
        assertDate(cell(sh, hv01, "Changed at (UTC)"), LocalDateTime.parse("2026-11-24T16:41:07"));
        assertEquals("DC2", text(sh, hv01, "Originating DC"));
        assertEquals(11, cell(sh, hv01, "Version").getNumericCellValue());
        int hv03 = rows(sh, "Host", "HV03").get(0);
        assertDate(cell(sh, hv03, "Changed at (UTC)"), LocalDateTime.parse("2026-11-23T17:05:31"));
        assertEquals(5, cell(sh, hv03, "Version").getNumericCellValue());
        assertDate(cell(sh, hv01, "Seen by run (UTC)"), LocalDateTime.ofInstant(doc.history().timeline().get(0).at(),
                ZoneOffset.UTC).withNano(0));
        String sheets = summaryNote("Sheets: ");
        assertFalse(sheets.contains("what changed in earlier runs"), sheets);
        assertTrue(sheets.contains("Timeline (the changes to the nodes' delegation this run and earlier runs saw,"
                + " with when and at which domain controller each was made)"), sheets);
    }

    /**
     * Monthly workbooks consolidate by sheet name (README), but only the Findings sheet said which run a row is of: the
     * Hosts, Drift, Patches, Events, Imports, Waivers, Clusters and KDC events rows of twelve months, appended, could
     * not be told apart, so a pivot by month summed every month together. Each of their rows now carries the run's id
     * and its date (a date cell), as the last two columns, so that the columns before them keep their places.
     */
    @Test
    void everyDataSheetNamesItsRunAndTheRunsDateOnEveryRow() {
        LocalDateTime runDate = LocalDateTime.ofInstant(doc.finishedAt(), ZoneOffset.UTC).withNano(0);
        for (String name : List.of("Findings", "Hosts", "Drift", "Patches", "Events", "Imports", "Waivers", "Clusters",
                "KDC events")) {
            XSSFSheet sh = wb.getSheet(name);
            List<String> h = headers(sh);
            assertTrue(h.contains("Run id") && h.contains("Run date"), name + ": " + h);
            assertTrue(sh.getLastRowNum() >= 1, name + " has rows in the demo");
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                assertEquals(doc.runId(), cell(sh, r, "Run id").getStringCellValue(), name + " row " + r);
                assertDate(cell(sh, r, "Run date"), runDate);
            }
        }
    }

    private static String summaryNote(String prefix) {
        for (var row : wb.getSheet("Summary")) {
            if (row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                    && row.getCell(0).getStringCellValue().startsWith(prefix)) {
                return row.getCell(0).getStringCellValue();
            }
        }
        throw new AssertionError("no Summary row starting " + prefix);
    }

    @Test
    void waivedIsYesOrNoOnEveryFindingOfThisRun() {
        XSSFSheet sh = wb.getSheet("Findings");
        Map<String, Finding> byId = new HashMap<>();
        doc.findings().forEach(f -> byId.put(f.id(), f));
        int yes = 0;
        for (int r = 1; r <= doc.findings().size(); r++) {
            Finding f = byId.get(text(sh, r, "Id"));
            assertEquals(f.isWaived() ? "Yes" : "No", text(sh, r, "Waived"), f.id());
            yes += f.isWaived() ? 1 : 0;
        }
        assertEquals(4, yes);
    }

    /** HIGH, INFO, LOW, MEDIUM was the order a pivot sorted the text in: a rank beside it sorts by severity. */
    @Test
    void everySeverityHasANumericRankThatSortsBySeverity() {
        Map<String, Integer> at = Map.of("Findings", 17, "Drift", 9, "Rules", 9);
        for (String name : List.of("Findings", "Drift", "Rules")) {
            XSSFSheet sh = wb.getSheet(name);
            List<String> cols = headers(sh);
            assertEquals(at.get(name), cols.indexOf("Severity rank"), name + ": the column added after the first ones"
                    + " stays where pivots read it (later columns come after it)");
            int checked = 0;
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                String sev = text(sh, r, "Severity");
                if (sev == null) {
                    continue;
                }
                XSSFCell rank = cell(sh, r, "Severity rank");
                assertEquals(CellType.NUMERIC, rank.getCellType(), name + " row " + r);
                assertEquals(Severity.values().length - Severity.valueOf(sev).ordinal(), (int) rank.getNumericCellValue(),
                        name + " row " + r + ": HIGH 4, MEDIUM 3, LOW 2, INFO 1");
                checked++;
            }
            assertTrue(checked > 0, name);
        }
    }

    @Test
    void waiversSayActiveYesOrNoAndWhyInAColumnOfItsOwn() {
        XSSFSheet sh = wb.getSheet("Waivers");
        List<String> cols = headers(sh);
        // the waiver's audit trail follows the earlier columns, which keep their places
        assertEquals(List.of("Active", "Waiver rule", "Findings waived", "Host", "Peer", "SPN", "Justification",
                "Expires", "State", "Approved by", "Approved on", "Ticket", "First waived in run", "Run id", "Run date"),
                cols);
        int hv02 = rows(sh, "Host", "HV02").get(0);
        assertEquals("Yes", text(sh, hv02, "Active"));
        assertEquals("active", text(sh, hv02, "State"));
        int hv11 = rows(sh, "Host", "HV11").get(0);
        assertEquals("No", text(sh, hv11, "Active"));
        assertEquals("expired", text(sh, hv11, "State"));
    }

    @Test
    void theTrendsRunIsADate() {
        XSSFSheet sh = wb.getSheet("Trend");
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            XSSFCell run = cell(sh, r, "Run");
            assertEquals(CellType.NUMERIC, run.getCellType(), "row " + r);
            assertTrue(DateUtil.isCellDateFormatted(run));
            assertEquals(cell(sh, r, "Finished (UTC)").getLocalDateTimeCellValue().toLocalDate(),
                    run.getLocalDateTimeCellValue().toLocalDate());
        }
    }

    @Test
    void hostsCarryUserAccountControlAsANumberAndWhenDelegationLastChangedAsADate() {
        XSSFSheet sh = wb.getSheet("Hosts");
        List<String> cols = headers(sh);
        assertEquals(List.of("userAccountControl (number)", "Delegation last changed (UTC)"),
                cols.subList(23, 25), "added after the first columns, which stay where they were");
        assertEquals(4, cols.indexOf("userAccountControl"), "the readable one stays where it was");
        for (int r = 1; r <= doc.hosts().size(); r++) {
            FindingsDocument.HostDoc h = doc.hosts().get(r - 1);
            assertEquals(h.name(), text(sh, r, "Host"));
            assertEquals(h.userAccountControl(), (int) cell(sh, r, "userAccountControl (number)").getNumericCellValue());
            assertTrue(text(sh, r, "userAccountControl").startsWith("0x"));
            assertEquals(h.enabled() ? "Yes" : "No", text(sh, r, "Enabled"));
            Instant last = h.changes().stream().map(AttributeChange::time).filter(Objects::nonNull)
                    .max(Comparator.naturalOrder()).orElseThrow();
            assertDate(cell(sh, r, "Delegation last changed (UTC)"), LocalDateTime.ofInstant(last, ZoneOffset.UTC));
        }
        // then the file servers' accounts (fileServerHosts[]), Role saying which; the Summary says so
        assertTrue(summaryNote("Sheets: ").contains("Hosts (each node's account, then each cluster's file servers'"
                + ", Role saying which)"), summaryNote("Sheets: "));
        assertEquals(doc.hosts().size() + doc.fileServerHosts().size(), sh.getLastRowNum(),
                "a row per node and per file server, nothing below the table");
    }

    /**
     * A node whose updates the catalogue does not name (HV03's 2022-09 and HV13's 2022-10 cumulative updates, which
     * carry the earlier hardening) says so, as the PDF does, not "none"; the cell is blank where there is no patch data.
     */
    @Test
    void patchesSayWhichUpdatesAreNotRecognisedAndLeaveItBlankWhereThereIsNoPatchData() {
        XSSFSheet sh = wb.getSheet("Patches");
        assertEquals("not recognised: KB5017315 and KB5011503 are not in the catalogue (config/hardening-kbs.yaml"
                + " carriedBy)", text(sh, rows(sh, "Host", "HV03").get(0), "Hardening installed"));
        assertEquals("not recognised: KB5018421 is not in the catalogue (config/hardening-kbs.yaml carriedBy)",
                text(sh, rows(sh, "Host", "HV13").get(0), "Hardening installed"));
        int hv14 = rows(sh, "Host", "HV14").get(0);
        assertEquals(0, cell(sh, hv14, "Patch records").getNumericCellValue());
        assertBlank(cell(sh, hv14, "Hardening installed"));
        assertBlank(cell(sh, hv14, "Last installed"));
    }

    /** The KDC's event 209 on DC1 is no migration failure: it has a sheet of its own, the accounts as host names. */
    @Test
    void kdcEventsHaveASheetOfTheirOwn() {
        XSSFSheet events = wb.getSheet("Events");
        for (int r = 1; r <= events.getLastRowNum(); r++) {
            int id = (int) cell(events, r, "Event").getNumericCellValue();
            assertTrue(id > 209, "row " + r + ": event " + id + " is a migration failure");
        }
        assertEquals(3, events.getLastRowNum());
        XSSFSheet kdc = wb.getSheet("KDC events");
        assertNotNull(kdc);
        assertEquals(List.of("Time (UTC)", "Domain controller", "Event", "Account", "Service", "Classification",
                "Message", "From file", "Run id", "Run date"), headers(kdc));
        assertEquals(1, kdc.getLastRowNum());
        assertEquals("DC1", text(kdc, 1, "Domain controller"));
        assertEquals(209, cell(kdc, 1, "Event").getNumericCellValue());
        assertEquals("HV12", text(kdc, 1, "Account"));
        assertEquals("HV13", text(kdc, 1, "Service"));
        assertDate(cell(kdc, 1, "Time (UTC)"), LocalDateTime.parse("2026-11-18T02:14:08"));
        assertEquals(1, kdc.getTables().size());
        assertEquals(headers(kdc), kdc.getTables().get(0).getColumns().stream().map(c -> c.getName()).toList());
        List<String> names = new ArrayList<>();
        wb.forEach(s -> names.add(s.getSheetName()));
        assertEquals("KDC events", names.get(names.size() - 1), "a sheet added later comes last");
        assertTrue(summaryNote("Sheets: ").contains("KDC events ("), summaryNote("Sheets: "));
    }
}
