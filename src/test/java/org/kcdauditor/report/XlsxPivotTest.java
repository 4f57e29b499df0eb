package org.kcdauditor.report;

import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFTable;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kcdauditor.inventory.ImportProblem;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.xlsx.XlsxReportWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workbook an auditor files every month and pivots: typed cells, one Excel table per sheet covering every row,
 * the Findings columns for appending month after month, and the Trend sheet with its native chart. Read back with
 * POI's XSSF (the full model, not the streaming writer).
 */
class XlsxPivotTest {
    static FindingsDocument doc;
    static XSSFWorkbook wb;

    @BeforeAll
    static void render() throws Exception {
        FindingsDocument base = DecisionPageTest.withTrend(Fixtures.waivedHv02ToHv03(), 5);
        String newId = base.findings().get(0).id();
        HistorySections.HistoryDoc h = base.history();
        doc = base.withHistory(new HistorySections.Sections(new HistorySections.HistoryDoc(h.previousRunId(),
                h.previousFinishedAt(), List.of(newId), List.of("0123456789abcdef"), h.timeline(), h.trend()),
                new HistorySections.BaselineDoc("baseline.yaml", h.previousFinishedAt(), "6e454dae", "jdoe", 1,
                        List.of(new HistorySections.WaiverDoc("MISSING_DELEGATION", "HV02", "HV03", null,
                                "HV03 is being rebuilt, CHG0042", LocalDate.of(2035, 12, 31), true, 4)), null),
                base.patches(), base.events(), base.imports()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new XlsxReportWriter().write(ReportView.of(doc), out);
        wb = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()));
    }

    @AfterAll
    static void close() throws Exception {
        wb.close();
    }

    static List<String> headers(XSSFSheet sh) {
        List<String> out = new ArrayList<>();
        sh.getRow(0).forEach(c -> out.add(c.getStringCellValue()));
        return out;
    }

    static XSSFCell cell(XSSFSheet sh, int row, String header) {
        return sh.getRow(row).getCell(headers(sh).indexOf(header));
    }

    static void assertDate(XSSFCell c, LocalDateTime expected) {
        assertEquals(CellType.NUMERIC, c.getCellType(), c.getAddress().toString());
        assertTrue(DateUtil.isCellDateFormatted(c), c.getAddress() + " has a date format");
        assertEquals(expected, c.getLocalDateTimeCellValue());
    }

    @Test
    void everyListIsOneExcelTableCoveringAllItsRowsWithItsHeaders() {
        List<String> tabled = List.of("Findings", "Hosts", "Runbook", "Drift", "Patches", "Events", "Imports", "Rules",
                "Timeline", "Waivers", "Hardening", "Trend", "Clusters");
        List<String> names = new ArrayList<>();
        for (String name : tabled) {
            XSSFSheet sh = wb.getSheet(name);
            assertNotNull(sh, name);
            assertEquals(1, sh.getTables().size(), name + " holds one table");
            XSSFTable t = sh.getTables().get(0);
            names.add(t.getName());
            assertEquals(0, t.getStartRowIndex(), name);
            assertEquals(Math.max(sh.getLastRowNum(), 1), t.getEndRowIndex(), name + ": the table covers every row"
                    + " (an empty table keeps one empty row)");
            assertEquals(headers(sh), t.getColumns().stream().map(c -> c.getName()).toList(), name + " columns");
            assertTrue(t.getCTTable().isSetAutoFilter(), name + " filters");
            assertTrue(!sh.getCTWorksheet().isSetAutoFilter(), name + ": no second filter beside the table");
        }
        assertEquals(tabled, names, "tables named after their sheets");
    }

    @Test
    void theClustersSheetIsTheSummarysPerClusterTableAsAnExcelTable() {
        XSSFSheet sh = wb.getSheet("Clusters");
        ReportView view = ReportView.of(doc);
        assertEquals(List.of("Cluster", "Nodes", "Node pairs OK", "Node pairs", "File-server paths OK",
                "File-server paths", "Entries present", "Entries required", "Compliance", "Status", "HIGH", "MEDIUM",
                "LOW", "INFO", "Nodes not found", "Patch window", "Failing directions", "Waived, still failing",
                "Node pairs OK after the change", "File-server paths OK after the change", "Patch window after",
                "Run id", "Run date"),
                headers(sh));
        for (int i = 0; i < view.clusters().size(); i++) {
            ReportView.ClusterView c = view.clusters().get(i);
            assertEquals(c.name(), cell(sh, i + 1, "Cluster").getStringCellValue());
            assertEquals(c.nodePairsOk(), (int) cell(sh, i + 1, "Node pairs OK").getNumericCellValue());
            assertEquals(c.fileServerPathsOk(), (int) cell(sh, i + 1, "File-server paths OK").getNumericCellValue());
            assertEquals(c.pairs(), (int) (cell(sh, i + 1, "Node pairs").getNumericCellValue()
                    + cell(sh, i + 1, "File-server paths").getNumericCellValue()));
            assertEquals(c.go() ? "GO" : "NO-GO", cell(sh, i + 1, "Patch window").getStringCellValue());
        }
        assertEquals(view.unclusteredLabel(), cell(sh, view.clusters().size() + 1, "Cluster").getStringCellValue(),
                "the rows add up to the totals, as on the Summary");
    }

    /** The Clusters sheet's Status ("Action required") is not cut in its column, as it is not on the Summary. */
    @Test
    void theClustersSheetsStatusFitsItsColumn() {
        XSSFSheet sh = wb.getSheet("Clusters");
        int status = headers(sh).indexOf("Status");
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            String label = sh.getRow(r).getCell(status).getStringCellValue();
            assertTrue(sh.getColumnWidth(status) >= (label.length() + 2) * 256, "row " + r + ": '" + label
                    + "' in a column " + sh.getColumnWidth(status) / 256 + " characters wide");
        }
    }

    /**
     * The Summary's per-cluster table gives each column room for its header, the last one too: "Patch window after"
     * stood in a column of the default width, where a spreadsheet showed "window" and the verdict beside the pairs'
     * figure.
     */
    @Test
    void theSummarysPerClusterHeadersFitTheirColumnsTheLastToo() {
        XSSFSheet sh = wb.getSheet("Summary");
        XSSFRow head = null;
        for (int r = 0; r <= sh.getLastRowNum() && head == null; r++) {
            XSSFRow row = sh.getRow(r);
            if (row != null && row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                    && row.getCell(0).getStringCellValue().equals("Cluster")) {
                head = row;
            }
        }
        assertTrue(head != null, "the per-cluster table's header row");
        // the Clusters sheet's own columns: the run's id and date it adds after them are not the Summary's
        List<String> names = headers(wb.getSheet("Clusters"));
        names = names.subList(0, names.indexOf("Run id"));
        for (int i = 1; i < names.size(); i++) {
            assertEquals(names.get(i), head.getCell(i).getStringCellValue());
            assertTrue(sh.getColumnWidth(i) >= (names.get(i).length() + 2) * 256, "'" + names.get(i) + "' in a column "
                    + sh.getColumnWidth(i) / 256 + " characters wide");
        }
    }

    @Test
    void findingsCarryRunStatusAndWaiverColumnsForMonthAfterMonth() {
        XSSFSheet sh = wb.getSheet("Findings");
        assertEquals(List.of("Severity", "Rule", "Cluster", "Host", "Peer", "SPN", "KB", "Message", "Remediation",
                "Waived", "Id", "Run id", "Run date", "Status", "Waiver expires", "Waiver justification",
                "Consequence of", "Severity rank", "Status note"), headers(sh));
        LocalDateTime finished = LocalDateTime.ofInstant(doc.finishedAt(), ZoneOffset.UTC).withNano(0);
        int waived = 0;
        int fresh = 0;
        for (int r = 1; r <= doc.findings().size(); r++) {
            assertEquals(doc.runId(), cell(sh, r, "Run id").getStringCellValue());
            XSSFCell date = cell(sh, r, "Run date");
            assertEquals(CellType.NUMERIC, date.getCellType());
            assertEquals(finished, date.getLocalDateTimeCellValue().withNano(0));
            String id = cell(sh, r, "Id").getStringCellValue();
            String status = cell(sh, r, "Status").getStringCellValue();
            assertEquals(id.equals(doc.findings().get(0).id()) ? "new" : "recurring", status, id);
            fresh += status.equals("new") ? 1 : 0;
            if (cell(sh, r, "Waived").getStringCellValue().equals("Yes")) {
                waived++;
                assertDate(cell(sh, r, "Waiver expires"), LocalDate.of(2035, 12, 31).atStartOfDay());
                assertEquals("HV03 is being rebuilt, CHG0042", cell(sh, r, "Waiver justification").getStringCellValue());
            }
        }
        assertEquals(1, fresh);
        assertEquals(doc.findings().stream().filter(Finding::isWaived).count(), waived);
        int resolved = doc.findings().size() + 1;
        assertEquals(resolved, sh.getLastRowNum(), "a row for the resolved finding");
        assertEquals("resolved", cell(sh, resolved, "Status").getStringCellValue());
        assertEquals("0123456789abcdef", cell(sh, resolved, "Id").getStringCellValue());
    }

    /**
     * A finding resolved since the previous run keeps what it was (history.resolved: severity, rule, cluster, host, peer,
     * SPN and message as the previous run stored them), so that a monthly pivot by severity or cluster counts it there
     * and not under "(blank)"; a findings.json that carries only the id leaves those cells blank. Its message says it
     * was found in the previous run and not in this one.
     */
    @Test
    void aResolvedFindingKeepsItsSeverityRuleClusterAndHost() throws Exception {
        FindingsDocument base = DecisionPageTest.withTrend(Fixtures.waivedHv02ToHv03(), 2);
        HistorySections.HistoryDoc h = base.history();
        HistorySections.ResolvedDoc was = new HistorySections.ResolvedDoc("fedcba9876543210", "MISSING_DELEGATION",
                Severity.HIGH, "HVC1", "HV01", "HV04", "cifs/HV04", null, "HV01 cannot delegate to cifs/HV04.");
        FindingsDocument d = base.withHistory(new HistorySections.Sections(new HistorySections.HistoryDoc(
                h.previousRunId(), h.previousFinishedAt(), List.of(), List.of("0123456789abcdef", "fedcba9876543210"),
                h.timeline(), h.trend(), List.of(was)), null, null, null, null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new XlsxReportWriter().write(ReportView.of(d), out);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
            XSSFSheet sh = book.getSheet("Findings");
            int idOnly = d.findings().size() + 1;
            int full = idOnly + 1;
            assertEquals("0123456789abcdef", cell(sh, idOnly, "Id").getStringCellValue());
            assertEquals("", cell(sh, idOnly, "Severity") == null ? "" : cell(sh, idOnly, "Severity").toString());
            assertEquals("fedcba9876543210", cell(sh, full, "Id").getStringCellValue());
            assertEquals("resolved", cell(sh, full, "Status").getStringCellValue());
            assertEquals(List.of("HIGH", "MISSING_DELEGATION", "HVC1", "HV01", "HV04", "cifs/HV04"),
                    List.of("Severity", "Rule", "Cluster", "Host", "Peer", "SPN").stream()
                            .map(c -> cell(sh, full, c).getStringCellValue()).toList());
            // found in the previous run and gone now: not "no longer found since" that run, which read as gone in it
            assertEquals("Resolved: found in run " + h.previousRunId() + ", not in this one. It was: HV01 cannot"
                    + " delegate to cifs/HV04.", cell(sh, full, "Message").getStringCellValue());
        }
    }

    @Test
    void datesAreDateCellsAndCountsAreNumbers() {
        XSSFSheet events = wb.getSheet("Events");
        assertDate(cell(events, 1, "Time (UTC)"), LocalDateTime.parse("2026-11-26T22:22:17"));
        assertEquals(21502, cell(events, 1, "Event").getNumericCellValue());
        XSSFSheet imports = wb.getSheet("Imports");
        assertEquals(1, cell(imports, 1, "Records").getNumericCellValue());
        assertEquals(1, cell(imports, 1, "Lines skipped").getNumericCellValue());
        XSSFSheet waivers = wb.getSheet("Waivers");
        assertDate(cell(waivers, 1, "Expires"), LocalDate.of(2035, 12, 31).atStartOfDay());
        assertEquals(4, cell(waivers, 1, "Findings waived").getNumericCellValue());
        XSSFSheet hosts = wb.getSheet("Hosts");
        FindingsDocument.HostDoc first = doc.hosts().get(0);
        if (first.whenChanged() != null) {
            assertDate(cell(hosts, 1, "whenChanged (UTC)"), LocalDateTime.ofInstant(first.whenChanged(),
                    ZoneOffset.UTC).withNano(0));
        }
        assertEquals(CellType.NUMERIC, cell(wb.getSheet("Timeline"), 1, "Seen by run (UTC)").getCellType());
        XSSFRow started = null;
        for (var row : wb.getSheet("Summary")) {
            if (row.getCell(0) != null && "Started (UTC)".equals(row.getCell(0).getStringCellValue())) {
                started = (XSSFRow) row;
            }
        }
        assertNotNull(started);
        assertTrue(DateUtil.isCellDateFormatted(started.getCell(1)));
    }

    /** A file's rows for hosts not audited are a count of their own, each host a line under it with its reason. */
    @Test
    void rowsForHostsNotAuditedAreCountedPerFileAndNamedAtTheirLine() throws Exception {
        try (XSSFWorkbook book = XlsxReportWriterTest.render(Fixtures.withHostsNotAudited(Fixtures.demo()))) {
            XSSFSheet i = book.getSheet("Imports");
            assertEquals("patches/HV14-hostile.csv", cell(i, 2, "File").getStringCellValue());
            assertEquals(List.of(1.0, 1.0, 3.0), List.of(cell(i, 2, "Records").getNumericCellValue(),
                    cell(i, 2, "Lines skipped").getNumericCellValue(), cell(i, 2, "Rows not audited").getNumericCellValue()));
            assertEquals(3, cell(i, 3, "Line").getNumericCellValue());
            assertEquals("host '=HYPERLINK(\"http://evil\")' is not audited (no node of a configured cluster): its"
                    + " record was read, not used", cell(i, 3, "Error / skipped line").getStringCellValue());
            assertEquals(CellType.STRING, cell(i, 3, "Error / skipped line").getCellType());
            assertBlank(cell(i, 3, "Rows not audited"));
        }
    }

    @Test
    void aMissingDateOrNumberIsABlankCellNeverAnEmptyText() throws Exception {
        FindingsDocument base = Fixtures.withHistory(Fixtures.demo());
        HistorySections.PatchesDoc patches = new HistorySections.PatchesDoc(List.of(), List.of(
                new HistorySections.HostPatchesDoc("HV01", "HVC1", 1, LocalDate.of(2026, 11, 12), List.of(),
                        List.of("KB5044284")),
                new HistorySections.HostPatchesDoc("HV02", "HVC1", 0, null, List.of(), List.of())));
        List<ImportResult> imports = List.of(
                new ImportResult("patches.csv", "patches", "CSV", 1, 1, null,
                        List.of(new ImportProblem("patches.csv", 7, "no KB in the line", true))),
                new ImportResult("notes.txt", "patches", null, 0, 0, "not a patch export", List.of()));
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>(base.clusters());
        clusters.add(new FindingsDocument.ClusterDoc("HVC9", List.of(), List.of(), List.of(), 0, 0, 0, 0, null,
                Map.of(), null, null, List.of()));
        FindingsDocument gaps = new FindingsDocument(base.schemaVersion(), base.runId(), base.startedAt(),
                base.finishedAt(), base.directory(), base.summary(), base.policy(), clusters, base.hosts(),
                base.findings(), null).withHistory(new HistorySections.Sections(base.history(), base.baseline(),
                patches, base.events(), imports));
        try (XSSFWorkbook book = XlsxReportWriterTest.render(gaps)) {
            XSSFSheet p = book.getSheet("Patches");
            assertDate(cell(p, 1, "Last installed"), LocalDate.of(2026, 11, 12).atStartOfDay());
            assertBlank(cell(p, 2, "Last installed"));
            XSSFSheet i = book.getSheet("Imports");
            assertEquals(1, cell(i, 1, "Records").getNumericCellValue());
            assertBlank(cell(i, 1, "Line"));
            assertEquals(7, cell(i, 2, "Line").getNumericCellValue());
            assertBlank(cell(i, 2, "Records"));
            assertBlank(cell(i, 2, "Lines skipped"));
            assertBlank(cell(i, 3, "Read as"));
            XSSFSheet c = book.getSheet("Clusters");
            assertBlank(cell(c, clusters.size(), "Compliance"));
            // every table: a column holding a number or a date holds no text
            for (var sheet : book) {
                XSSFSheet sh = (XSSFSheet) sheet;
                if (sh.getTables().isEmpty()) {
                    continue;
                }
                List<String> cols = headers(sh);
                for (int col = 0; col < cols.size(); col++) {
                    List<String> text = new ArrayList<>();
                    boolean typed = false;
                    for (int r = 1; r <= sh.getLastRowNum(); r++) {
                        XSSFCell x = sh.getRow(r) == null ? null : sh.getRow(r).getCell(col);
                        typed |= x != null && x.getCellType() == CellType.NUMERIC;
                        if (x != null && x.getCellType() == CellType.STRING) {
                            text.add(x.getAddress() + "=\"" + x.getStringCellValue() + "\"");
                        }
                    }
                    assertTrue(!typed || text.isEmpty(), sh.getSheetName() + " " + cols.get(col) + ": " + text);
                }
            }
        }
    }

    /**
     * An empty text is a value to Excel: COUNTA, a pivot table's count and a filter see it. A text nothing was given for
     * (no peer, no SPN, no change ticket, the initials to fill in) is a blank cell. The Waived column answers Yes or No
     * on every finding of the run, so that a filter on it shows both and COUNTIF(Findings[Waived],"Yes") counts the
     * waived findings.
     */
    @Test
    void aMissingTextIsABlankCellNeverAnEmptyText() {
        List<String> empty = new ArrayList<>();
        for (var sheet : wb) {
            for (var row : sheet) {
                for (var c : row) {
                    if (c.getCellType() == CellType.STRING && c.getStringCellValue().isEmpty()) {
                        empty.add(sheet.getSheetName() + "!" + c.getAddress());
                    }
                }
            }
        }
        assertEquals(List.of(), empty, "cells holding an empty text");
        XSSFSheet sh = wb.getSheet("Findings");
        int yes = 0;
        for (int r = 1; r <= doc.findings().size(); r++) {
            String waived = cell(sh, r, "Waived").getStringCellValue();
            assertTrue(waived.equals("Yes") || waived.equals("No"), waived);
            yes += waived.equals("Yes") ? 1 : 0;
            String id = cell(sh, r, "Id").getStringCellValue();
            Finding f = doc.findings().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            if (f.peer() == null) {
                assertBlank(cell(sh, r, "Peer"));
            }
        }
        assertEquals(doc.findings().stream().filter(Finding::isWaived).count(), yes,
                "COUNTIF(Findings[Waived],\"Yes\") is the number of waived findings");
    }

    static void assertBlank(XSSFCell c) {
        assertTrue(c == null || c.getCellType() == CellType.BLANK, () -> c.getAddress() + " is " + c.getCellType()
                + " \"" + c + "\", not blank");
    }

    @Test
    void theTrendSheetHoldsTheChartsSeriesAsNumbersAndANativeChart() {
        XSSFSheet sh = wb.getSheet("Trend");
        List<TrendPoint> trend = doc.history().trend();
        assertEquals(trend.size(), sh.getLastRowNum());
        for (int i = 0; i < trend.size(); i++) {
            TrendPoint t = trend.get(i);
            assertEquals(t.runId(), cell(sh, i + 1, "Run id").getStringCellValue());
            assertEquals(t.pairsOkPercent() / 100, cell(sh, i + 1, "Pairs OK %").getNumericCellValue(), 1e-9);
            assertEquals(t.openHigh(), (int) cell(sh, i + 1, "Open HIGH").getNumericCellValue());
            if (t.newFindings() != null) {
                assertEquals(t.newProblems(), (int) cell(sh, i + 1, "New problems").getNumericCellValue());
                assertEquals(t.resolvedFindings(), (int) cell(sh, i + 1, "Resolved findings").getNumericCellValue());
            }
            if (t.changeRecords() != null) {
                assertEquals(t.changeRecords(), (int) cell(sh, i + 1, "Changes recorded").getNumericCellValue());
            }
        }
        XSSFDrawing drawing = sh.getDrawingPatriarch();
        assertNotNull(drawing, "the Trend sheet has a drawing");
        List<XSSFChart> charts = drawing.getCharts();
        assertEquals(1, charts.size());
        int series = 0;
        for (XDDFChartData data : charts.get(0).getChartSeries()) {
            for (int s = 0; s < data.getSeriesCount(); s++) {
                series++;
                assertEquals(trend.size(), data.getSeries(s).getValuesData().getPointCount());
                assertTrue(data.getSeries(s).getValuesData().getDataRangeReference().startsWith("Trend!$"),
                        "the series refers to the table's cells");
            }
        }
        assertEquals(ReportView.TREND_SERIES.size(), series);
        String xml = charts.get(0).getCTChart().xmlText();
        for (String title : ReportView.TREND_SERIES) {
            assertTrue(xml.contains(">" + title + "<"), "the PDF chart's series " + title + ": " + xml);
        }
    }

    /** Compliance was the rounded percentage ÷ 100 (0.792 for 19 of 24): an average of them in a pivot was off. */
    @Test
    void complianceIsTheExactShareOfEntriesPresent() {
        XSSFSheet sh = wb.getSheet("Clusters");
        ReportView view = ReportView.of(doc);
        int checked = 0;
        for (int i = 0; i < view.clusters().size(); i++) {
            ReportView.ClusterView c = view.clusters().get(i);
            if (c.requiredEntries() > 0) {
                assertEquals((double) c.presentEntries() / c.requiredEntries(),
                        cell(sh, i + 1, "Compliance").getNumericCellValue(), 0.0, c.name());
                checked++;
            }
        }
        assertTrue(checked > 0);
        XSSFSheet summary = wb.getSheet("Summary");
        boolean found = false;
        for (org.apache.poi.ss.usermodel.Row row : summary) {
            if (row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                    && row.getCell(0).getStringCellValue().equals("Compliance") && row.getCell(1) != null
                    && row.getCell(1).getCellType() == CellType.NUMERIC) {
                assertEquals((double) doc.summary().presentEntries() / doc.summary().requiredEntries(),
                        row.getCell(1).getNumericCellValue(), 0.0, "overall");
                found = true;
            }
        }
        assertTrue(found, "the Summary's overall compliance");
    }

    /**
     * 1,999 of 2,000 entries: findings.json, the PDF, the runbooks and the console say 99.9 % (never 100 while one is
     * missing); the workbook keeps the exact share for pivots, and its 0.0% format showed that share as 100.0%.
     */
    @Test
    void aComplianceShortOfOneEntryNeverReads100PercentInTheWorkbook() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument.ClusterDoc c = d.clusters().get(0);
        FindingsDocument.ClusterDoc almost = new FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(),
                c.fileServers(), c.pairs(), c.pairsOk(), 2000, 1999, 99.9, c.bySeverity(), c.go(), c.reasons(),
                c.matrix(), c.directory(), c.audited());
        FindingsDocument.Summary s = d.summary();
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>(d.clusters());
        clusters.set(0, almost);
        FindingsDocument.Summary summary = new FindingsDocument.Summary(s.hosts(), s.clusters(), s.pairs(), 2000,
                1999, 99.9, s.bySeverity());
        FindingsDocument shown = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), summary, d.policy(), clusters, d.hosts(), d.findings(), d.rules());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new XlsxReportWriter().write(ReportView.of(shown), out);
        try (XSSFWorkbook book = new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()))) {
            org.apache.poi.ss.usermodel.DataFormatter fmt = new org.apache.poi.ss.usermodel.DataFormatter(
                    java.util.Locale.ROOT);
            XSSFCell cluster = cell(book.getSheet("Clusters"), 1, "Compliance");
            assertEquals(1999 / 2000.0, cluster.getNumericCellValue(), 0.0, "the exact share stays");
            assertEquals("99.9%", fmt.formatCellValue(cluster), almost.name());
            boolean found = false;
            for (org.apache.poi.ss.usermodel.Row row : book.getSheet("Summary")) {
                if (row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                        && row.getCell(0).getStringCellValue().equals("Compliance") && row.getCell(1) != null
                        && row.getCell(1).getCellType() == CellType.NUMERIC) {
                    assertEquals("99.9%", fmt.formatCellValue(row.getCell(1)), "overall");
                    found = true;
                }
            }
            assertTrue(found, "the Summary's overall compliance");
            assertEquals("100.0%", fmt.formatCellValue(cell(book.getSheet("Clusters"), 2, "Compliance")),
                    "a compliant cluster reads 100.0%");
        }
    }
}
