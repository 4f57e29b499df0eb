package org.kcdauditor.report;

import org.kcdauditor.support.TestFindings;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataValidation;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.util.PaneInformation;
import org.apache.poi.xssf.usermodel.XSSFCell;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFRow;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.xlsx.XlsxReportWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class XlsxReportWriterTest {
    static final String EVIL = "=cmd|' /C calc'!A0";
    private static XSSFWorkbook demo;

    @org.junit.jupiter.api.BeforeAll
    static void renderDemoOnce() throws Exception {
        demo = render(Fixtures.demo());
    }

    @org.junit.jupiter.api.AfterAll
    static void close() throws Exception {
        demo.close();
    }

    static XSSFWorkbook render(FindingsDocument doc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new XlsxReportWriter().write(ReportView.of(doc), out);
        return new XSSFWorkbook(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void sheetsFrozenHeadersAndFilters() throws Exception {
        {
            XSSFWorkbook wb = demo;
            List<String> names = new ArrayList<>();
            wb.forEach(s -> names.add(s.getSheetName()));
            assertEquals(ALL_SHEETS, names);
            for (String name : List.of("Findings", "Hosts", "Runbook")) {
                XSSFSheet sh = wb.getSheet(name);
                PaneInformation pane = sh.getPaneInformation();
                assertNotNull(pane, name + " has a frozen pane");
                assertTrue(pane.isFreezePane());
                assertEquals(1, pane.getHorizontalSplitPosition(), name + ": header row frozen");
                assertEquals(1, sh.getTables().size(), name + " is an Excel table");
                assertTrue(sh.getTables().get(0).getCTTable().isSetAutoFilter(), name + ": the table filters");
            }
            // the matrix keeps its source hosts in sight while a 64-node block is scrolled across
            PaneInformation matrix = wb.getSheet("Matrix").getPaneInformation();
            assertNotNull(matrix, "Matrix has a frozen pane");
            assertTrue(matrix.isFreezePane());
            assertEquals(1, matrix.getVerticalSplitPosition(), "Matrix: the source column frozen");
            assertEquals(0, matrix.getHorizontalSplitPosition(), "Matrix: no row (a block per cluster, each its header)");
            XSSFSheet findings = wb.getSheet("Findings");
            assertEquals(Fixtures.demo().findings().size(), findings.getLastRowNum(), "a row per finding");
            XSSFCell sev = findings.getRow(1).getCell(0);
            assertEquals("HIGH", sev.getStringCellValue());
            assertEquals("FFC7CE", rgb(sev));
            assertTrue(findings.getColumnWidth(headers(findings).indexOf("Message")) > findings.getColumnWidth(0),
                    "message column wider than severity");
        }
    }

    /**
     * A cluster whose every direction fails names at most 20 of them in the Summary's and the Clusters sheet's
     * "Failing directions" cell and counts the rest: listed whole, a 32-node cluster's cell was 20,000 characters, its
     * row 409 pt high, and the Summary sheet printed as some 200 pages of that one column.
     */
    @Test
    void theFailingDirectionsCellNamesTwentyAndCountsTheRest() throws Exception {
        FindingsDocument d = Fixtures.demo();
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            nodes.add("NODE" + i);
        }
        List<FindingsDocument.PairDoc> matrix = new ArrayList<>();
        for (String from : nodes) {
            for (String to : nodes) {
                if (!from.equals(to)) {
                    matrix.add(new FindingsDocument.PairDoc(from, to, 4, 0, false, List.of(), List.of(), List.of(),
                            false, false));
                }
            }
        }
        FindingsDocument.ClusterDoc c0 = d.clusters().get(0);
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>(d.clusters());
        clusters.add(new FindingsDocument.ClusterDoc("WIDE", nodes, List.of(), List.of(), 56, 0, 224, 0, 0.0,
                c0.bySeverity(), false, c0.reasons(), matrix));
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), d.rules(), d.history(),
                d.baseline(), d.patches(), d.events(), d.imports(), d.directories());
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet sh = wb.getSheet("Clusters");
            int col = headers(sh).indexOf("Failing directions");
            String wide = null;
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                if ("WIDE".equals(sh.getRow(r).getCell(0).getStringCellValue())) {
                    wide = sh.getRow(r).getCell(col).getStringCellValue();
                }
            }
            assertNotNull(wide);
            assertTrue(wide.startsWith("NODE1 -> NODE2, NODE1 -> NODE3"), wide);
            assertTrue(wide.endsWith(", … and 36 more (every one on the Matrix sheet)"), wide);
            assertEquals(20, wide.split(" -> ").length - 1, "twenty named: " + wide);
            String hvc2 = sh.getRow(2).getCell(col).getStringCellValue();
            assertFalse(hvc2.contains("more"), "ten failing directions are all named: " + hvc2);
        }
    }

    /**
     * A large cluster's destination header is repeated every {@code 20} source rows of its matrix: the clusters are
     * stacked on one sheet, so no one frozen row can serve, and a 64-node cluster's header scrolled away after some
     * 30 rows, its cells unreadable without scrolling back.
     */
    @Test
    void aLargeClustersDestinationHeaderIsRepeatedAsItsRowsScroll() throws Exception {
        FindingsDocument d = Fixtures.demo();
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            nodes.add("NODE" + i);
        }
        FindingsDocument.ClusterDoc c0 = d.clusters().get(0);
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>(d.clusters());
        clusters.add(new FindingsDocument.ClusterDoc("BIG", nodes, List.of(), List.of(), 0, 0, 0, 0, 0.0,
                c0.bySeverity(), false, c0.reasons(), List.of()));
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), d.rules(), d.history(),
                d.baseline(), d.patches(), d.events(), d.imports(), d.directories());
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet m = wb.getSheet("Matrix");
            int title = -1;
            for (int r = 0; r <= m.getLastRowNum() && title < 0; r++) {
                XSSFRow row = m.getRow(r);
                if (row != null && row.getCell(0) != null && row.getCell(0).getStringCellValue().startsWith("Cluster BIG")) {
                    title = r;
                }
            }
            assertTrue(title > 0, "BIG block found");
            List<String> sources = new ArrayList<>();
            int sinceHeader = -1;
            int headers = 0;
            for (int r = title + 1; r <= m.getLastRowNum() && m.getRow(r) != null; r++) {
                XSSFRow row = m.getRow(r);
                String first = row.getCell(0).getStringCellValue();
                if (first.equals("from ↓  to →")) {
                    headers++;
                    sinceHeader = 0;
                    assertEquals("NODE1", row.getCell(1).getStringCellValue());
                    assertEquals("NODE64", row.getCell(64).getStringCellValue());
                } else {
                    sources.add(first);
                    assertTrue(++sinceHeader <= 20, "row " + r + " (" + first + ") is " + sinceHeader
                            + " rows below its header");
                }
            }
            assertEquals(nodes, sources, "each source once, in order");
            assertEquals(4, headers, "a header before rows 1, 21, 41 and 61");
        }
    }

    /**
     * The Summary's status legend gives each label its meaning: "(live migration fails or delegation is unsafe)" is
     * what HIGH findings mean, not what a cluster whose directory could not be read does.
     */
    @Test
    void theStatusLegendExplainsActionRequiredNotNotAudited() {
        String note = null;
        for (org.apache.poi.ss.usermodel.Row r : demo.getSheet("Summary")) {
            XSSFCell first = (XSSFCell) r.getCell(0);
            if (first != null && first.getCellType() == CellType.STRING
                    && first.getStringCellValue().startsWith("Status: ")) {
                note = first.getStringCellValue();
            }
        }
        assertNotNull(note);
        // and a pair an open finding blocks, whatever its severity: such a cluster is NO-GO
        assertTrue(note.contains("Action required = HIGH findings, or a pair an open finding blocks (live migration"
                + " fails or delegation is unsafe);"), note);
        assertFalse(note.contains("could not be read (live migration fails"), note);
    }

    /**
     * Every matrix cell's text fits its column: the columns were 7 characters wide, so "4/4 ! E D R" (HV13 -> HV14 of
     * the demo: unregistered SPN, no AES, migration disabled, resource-based delegation; "RBCD ! E D" since a pair RBCD
     * covers says so in place of its counts) was cut to "4/4 ! E" beside a filled cell, and the marks that say why the
     * pair fails were hidden.
     */
    @Test
    void everyMatrixCellFitsItsColumn() throws Exception {
        XSSFSheet m = demo.getSheet("Matrix");
        int widest = 0;
        for (int r = 0; r <= m.getLastRowNum(); r++) {
            XSSFRow row = m.getRow(r);
            if (row == null) {
                continue;
            }
            for (int c = 1; c < row.getLastCellNum(); c++) {
                XSSFCell cell = row.getCell(c);
                if (cell == null || !cell.getStringCellValue().matches("(\\d+/\\d+|RBCD|needs RBCD).*")) {
                    continue;
                }
                String text = cell.getStringCellValue();
                widest = Math.max(widest, text.length());
                assertTrue(m.getColumnWidth(c) >= (text.length() + 1) * 256, "'" + text + "' in column " + c + " of "
                        + m.getColumnWidth(c) / 256 + " characters");
            }
        }
        assertTrue(widest > 7, "the demo has a cell with several marks: " + widest);
    }

    @Test
    void matrixCellShowsPresentOverRequiredWithColour() throws Exception {
        {
            XSSFWorkbook wb = demo;
            XSSFSheet m = wb.getSheet("Matrix");
            int header = -1;
            for (int r = 0; r <= m.getLastRowNum() && header < 0; r++) {
                XSSFRow row = m.getRow(r);
                if (row != null && row.getCell(0) != null && row.getCell(0).getStringCellValue().startsWith("Cluster HVC1")) {
                    header = r + 1;
                }
            }
            assertTrue(header > 0, "HVC1 block found");
            XSSFRow head = m.getRow(header);
            assertEquals("HV03", head.getCell(3).getStringCellValue());
            XSSFRow hv02 = m.getRow(header + 2);
            assertEquals("HV02", hv02.getCell(0).getStringCellValue());
            assertEquals("0/4", hv02.getCell(3).getStringCellValue(), "HV02 -> HV03: nothing present");
            assertEquals("FFC7CE", rgb(hv02.getCell(3)), "red");
            XSSFRow hv01 = m.getRow(header + 1);
            assertEquals("3/4", hv01.getCell(2).getStringCellValue());
            assertEquals("FFEB9C", rgb(hv01.getCell(2)), "amber");
            assertEquals("4/4", hv01.getCell(3).getStringCellValue());
            assertEquals("C6EFCE", rgb(hv01.getCell(3)), "green");
            assertEquals("D9D9D9", rgb(hv01.getCell(1)), "diagonal grey");
            // the marks one a row, each mark beside its meaning (on one line they widened the printed sheet)
            int marks = -1;
            for (int r = 0; r < header && marks < 0; r++) {
                XSSFRow row = m.getRow(r);
                if (row != null && row.getCell(0) != null && "Marks:".equals(row.getCell(0).getStringCellValue())) {
                    marks = r;
                }
            }
            List<String> letters = new ArrayList<>();
            for (int r = marks; m.getRow(r) != null && m.getRow(r).getCell(1) != null; r++) {
                letters.add(m.getRow(r).getCell(1).getStringCellValue());
                assertTrue(m.getRow(r).getCell(2).getStringCellValue().length() < 140, "one meaning a row");
            }
            assertEquals(List.of("!", "E", "C", "D", "L", "P", "W"), letters, "a pair RBCD covers says RBCD, no mark");
        }
    }

    /** The Hosts sheet's columns before Role, where users' pivots read them. */
    static final List<String> HOST_COLUMNS = List.of("Host", "Cluster", "DNS host name", "Enabled", "userAccountControl",
            "userAccountControl in words", "Delegation mode", "Operating system", "OS version", "Delegation entries",
            "msDS-AllowedToDelegateTo", "SPNs registered", "RBCD allowed from", "sAMAccountName", "Distinguished name",
            "SID", "whenChanged (UTC)", "uSNChanged", "lastLogonTimestamp (UTC)", "Encryption types",
            "Password last set (UTC)", "Delegation last changed", "Directory", "userAccountControl (number)",
            "Delegation last changed (UTC)");

    /**
     * The file servers' accounts decide the pairs into them (NAS01 gets no AES tickets: RC4 only, a HIGH finding): the
     * Hosts sheet lists them after the nodes, Role "file server", under the cluster that uses them; the existing
     * columns stay where they were and Role comes after them.
     */
    @Test
    void theHostsSheetListsEachClustersFileServersAfterTheNodes() throws Exception {
        XSSFSheet sh = demo.getSheet("Hosts");
        List<String> h = headers(sh);
        assertEquals(HOST_COLUMNS, h.subList(0, HOST_COLUMNS.size()), "existing columns keep their positions");
        assertEquals(HOST_COLUMNS.size(), h.indexOf("Role"));
        List<String> nodes = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        XSSFRow nas01 = null;
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            XSSFRow row = sh.getRow(r);
            if (row == null || row.getCell(h.indexOf("Role")) == null) {
                continue;
            }
            String name = row.getCell(0).getStringCellValue();
            String role = row.getCell(h.indexOf("Role")).getStringCellValue();
            if (role.equals("node")) {
                assertTrue(servers.isEmpty(), "the nodes first");
                nodes.add(name);
            } else {
                assertEquals("file server", role);
                servers.add(row.getCell(1).getStringCellValue() + " " + name);
                if (name.equals("NAS01")) {
                    nas01 = row;
                }
            }
        }
        assertEquals(Fixtures.demo().hosts().stream().map(FindingsDocument.HostDoc::name).toList(), nodes);
        assertEquals(List.of("HVC1 NAS01", "HVC1 NAS02"), servers);
        assertNotNull(nas01);
        assertEquals("RC4-HMAC (0x4)", nas01.getCell(h.indexOf("Encryption types")).getStringCellValue());
        assertEquals("NAS01$", nas01.getCell(h.indexOf("sAMAccountName")).getStringCellValue());
        assertEquals(4096, nas01.getCell(h.indexOf("userAccountControl (number)")).getNumericCellValue());
        assertEquals("A1:" + new org.apache.poi.ss.util.CellReference(nodes.size() + servers.size(), h.size() - 1)
                .formatAsString(false), sh.getTables().get(0).getArea().formatAsString(), "the table covers them");
        List<String> summary = cellsOf(demo.getSheet("Summary"));
        String sheets = summary.stream().filter(v -> v.startsWith("Sheets:")).findFirst().orElseThrow();
        assertTrue(sheets.contains("Hosts (each node's account, then each cluster's file servers', Role saying which)"),
                sheets);
        assertFalse(sheets.contains("no row"), sheets);
        assertEquals(2, summaryNumber(demo, "File servers"));
        assertEquals(nodes.size(), summaryNumber(demo, "Hosts"));
    }

    /**
     * Encryption types held its value only inside text ("RC4-HMAC (0x4)"): a pivot or filter on AES needs the number
     * (bit 0x8 AES128, 0x10 AES256), as userAccountControl has beside its readable form; blank where the attribute
     * is absent (the KDC's default), never 0 or an empty text.
     */
    @Test
    void encryptionTypesAreAlsoANumberAfterTheExistingColumns() throws Exception {
        XSSFSheet sh = demo.getSheet("Hosts");
        List<String> h = headers(sh);
        assertEquals(HOST_COLUMNS.size() + 1, h.indexOf("Encryption types (number)"), "after Role");
        Map<String, Integer> expected = new java.util.HashMap<>();
        FindingsDocument d = Fixtures.demo();
        java.util.stream.Stream.concat(d.hosts().stream(), d.fileServerHosts().stream())
                .forEach(x -> expected.put(x.name(), x.supportedEncryptionTypes()));
        int blank = 0;
        int numbers = 0;
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            XSSFRow row = sh.getRow(r);
            if (row == null || row.getCell(h.indexOf("Role")) == null) {
                continue;
            }
            Integer value = expected.get(row.getCell(0).getStringCellValue());
            XSSFCell c = row.getCell(h.indexOf("Encryption types (number)"));
            if (value == null) {
                assertTrue(c == null || c.getCellType() == CellType.BLANK, "row " + r + ": not set, blank");
                blank++;
            } else {
                assertEquals(CellType.NUMERIC, c.getCellType(), "row " + r);
                assertEquals(value.intValue(), (int) c.getNumericCellValue(), "row " + r);
                numbers++;
            }
        }
        assertTrue(numbers > 0 && blank > 0, numbers + " numbers, " + blank + " blank");
    }

    /** A findings.json written before the file servers' accounts were kept names them only: no row, and it says so. */
    @Test
    void fileServersWithoutTheirAccountsHaveNoRowAndTheSummarySaysSo() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument old = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), d.rules(), d.history(),
                d.baseline(), d.patches(), d.events(), d.imports(), d.directories(), d.accounts());
        try (XSSFWorkbook wb = render(old)) {
            XSSFSheet sh = wb.getSheet("Hosts");
            int role = headers(sh).indexOf("Role");
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                XSSFRow row = sh.getRow(r);
                if (row != null && row.getCell(role) != null) {
                    assertEquals("node", row.getCell(role).getStringCellValue());
                }
            }
            List<String> summary = cellsOf(wb.getSheet("Summary"));
            String sheets = summary.stream().filter(v -> v.startsWith("Sheets:")).findFirst().orElseThrow();
            assertTrue(sheets.contains("Hosts (each node's account; the file servers NAS01, NAS02 of HVC1 have no row"),
                    sheets);
            assertFalse(summary.contains("File servers"), summary.toString());
        }
    }

    static double summaryNumber(XSSFWorkbook wb, String label) {
        for (var row : wb.getSheet("Summary")) {
            if (row.getCell(0) != null && row.getCell(0).getCellType() == CellType.STRING
                    && label.equals(row.getCell(0).getStringCellValue())) {
                return row.getCell(1).getNumericCellValue();
            }
        }
        throw new AssertionError(label + " not on the Summary");
    }

    @Test
    void directoryValuesNeverBecomeFormulas() throws Exception {
        FindingsDocument doc = Fixtures.withHost(Fixtures.demo(), "HV01", h -> Fixtures.os(h, EVIL));
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet hosts = wb.getSheet("Hosts");
            XSSFCell found = null;
            for (int r = 1; r <= hosts.getLastRowNum(); r++) {
                XSSFCell c = hosts.getRow(r).getCell(7);
                if (c != null && c.getCellType() == CellType.STRING && EVIL.equals(c.getStringCellValue())) {
                    found = c;
                }
            }
            assertNotNull(found, "the OS value is in the Hosts sheet");
            assertEquals(CellType.STRING, found.getCellType());
            assertTrue(found.getCellStyle().getQuotePrefixed(), "quote-prefixed so editing keeps it text");
            wb.forEach(sheet -> sheet.forEach(row -> row.forEach(cell -> {
                if (cell.getCellType() == CellType.FORMULA) {
                    fail("formula cell in " + sheet.getSheetName() + " " + cell.getAddress());
                }
            })));
        }
    }

    @Test
    void runbookSheetHasDoneValidation() throws Exception {
        {
            XSSFWorkbook wb = demo;
            XSSFSheet rb = wb.getSheet("Runbook");
            assertEquals(List.of("#", "Phase", "Host", "Action", "Detail", "Command", "Done", "Initials", "Date"),
                    headers(rb));
            boolean yesNo = false;
            for (DataValidation v : rb.getDataValidations()) {
                String[] list = v.getValidationConstraint().getExplicitListValues();
                if (list != null && List.of(list).equals(List.of("Yes", "No"))) {
                    yesNo = v.getRegions().getCellRangeAddress(0).getFirstColumn() == 6;
                }
            }
            assertTrue(yesNo, "Done column limited to Yes/No");
            boolean purge = false;
            for (int r = 1; r <= rb.getLastRowNum(); r++) {
                purge |= "klist -li 0x3e7 purge".equals(rb.getRow(r).getCell(5).getStringCellValue());
            }
            assertTrue(purge);
        }
    }

    @Test
    void emptyDocumentStillWrites() throws Exception {
        FindingsDocument empty = new FindingsDocument(1, "x", null, null, null, null, null, null, null, List.of(), null);
        try (XSSFWorkbook wb = render(empty)) {
            assertEquals(ALL_SHEETS, sheetNames(wb), "every sheet, also for a document that holds nothing");
            assertFalse(wb.getSheet("Summary").getRow(0).getCell(0).getStringCellValue().isEmpty());
        }
    }

    @Test
    void waivedFindingsHaveAColumnAndGreyRows() throws Exception {
        // the waived demo plus a migration failure that follows from the waived entries but is not waived itself
        FindingsDocument doc = DecisionViewTest.withFailure();
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet sh = wb.getSheet("Findings");
            List<String> h = headers(sh);
            int col = h.indexOf("Waived");
            int consequenceOf = h.indexOf("Consequence of");
            assertTrue(col > 0 && consequenceOf > col, h.toString());
            int waived = 0;
            int consequences = 0;
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                XSSFRow row = sh.getRow(r);
                String id = row.getCell(h.indexOf("Id")).getStringCellValue();
                Finding f = doc.findings().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
                String flag = row.getCell(col).getStringCellValue();
                assertEquals(f.isWaived() ? "Yes" : "No", flag, "Waived is findings.json's waived flag: " + f.rule()
                        + " " + f.host() + " -> " + f.peer());
                if (flag.equals("Yes")) {
                    waived++;
                    assertEquals("HV03 is being rebuilt, CHG0042", row.getCell(h.indexOf("Waiver justification"))
                            .getStringCellValue());
                    assertEquals("F2F2F2", rgb(row.getCell(0)), "severity greyed");
                    assertEquals("F2F2F2", rgb(row.getCell(6)), "message greyed");
                }
                String consequence = row.getCell(consequenceOf).getStringCellValue();
                if (!consequence.isEmpty()) {
                    consequences++;
                    assertEquals("MIGRATION_FAILURE_OBSERVED", f.rule());
                    assertTrue(consequence.startsWith("Consequence of waived MISSING_DELEGATION HV02 -> HV03"),
                            consequence);
                }
            }
            assertEquals(doc.findings().stream().filter(Finding::isWaived).count(), waived);
            assertEquals(4, waived);
            assertEquals(1, consequences, "the failure says which waiver it follows from, in its own column");
            assertTrue(cellsOf(wb.getSheet("Summary")).contains("+4 waived, not counted"), "HIGH count says so");
        }
    }

    @Test
    void findingsPrintLandscapeOnePageWideWithWrappedText() {
        XSSFSheet sh = demo.getSheet("Findings");
        assertTrue(sh.getPrintSetup().getLandscape());
        assertTrue(sh.getFitToPage());
        assertEquals(1, sh.getPrintSetup().getFitWidth());
        assertEquals(0, sh.getPrintSetup().getFitHeight(), "as many pages high as needed");
        List<String> h = headers(sh);
        // every column is printed (run id, run date, status, waiver expires and justification too), every row
        String area = demo.getPrintArea(demo.getSheetIndex(sh));
        String last = org.apache.poi.ss.util.CellReference.convertNumToColString(h.size() - 1);
        assertEquals("Findings!$A$1:$" + last + "$" + (sh.getLastRowNum() + 1), area);
        int total = 0;
        for (int i = 0; i < h.size(); i++) {
            total += sh.getColumnWidth(i) / 256;
        }
        // 19 columns one page wide: capped widths, long text wrapped (it was 220 for the 11 columns up to Id; 350 for
        // 18, before Status note, which is its header's width where no finding is no longer waived)
        assertTrue(total <= 365, "one page wide stays readable: " + total + " characters");
        assertTrue(sh.getRow(1).getCell(h.indexOf("Message")).getCellStyle().getWrapText());
        assertTrue(sh.getRow(1).getHeightInPoints() > sh.getDefaultRowHeightInPoints(), "a long message gets lines");
    }

    @Test
    void aBaselineWithoutItsRunOrApproverSaysNeither() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        HistorySections.BaselineDoc b = new HistorySections.BaselineDoc("baseline.yaml", h.baseline().capturedAt(),
                null, null, 1, List.of(), null);
        FindingsDocument doc = h.withHistory(new HistorySections.Sections(h.history(), b, h.patches(), h.events(),
                h.imports()));
        try (XSSFWorkbook wb = render(doc)) {
            String line = cellsOf(wb.getSheet("Summary")).stream().filter(v -> v.startsWith("baseline.yaml captured"))
                    .findFirst().orElseThrow();
            assertEquals("baseline.yaml captured " + Words.time(b.capturedAt()) + ", 1 host", line);
        }
    }

    @Test
    void hardeningEnforcedIsADateCellWithItsNoteInItsOwnColumn() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        java.time.LocalDate released = java.time.LocalDate.of(2023, 10, 10);
        List<HistorySections.HardeningDoc> catalogue = List.of(
                new HistorySections.HardeningDoc("KB5008380", "CVE-2021-42278", "PAC", released, "2023-10-10 (full)",
                        "x", List.of(), List.of()),
                new HistorySections.HardeningDoc("KB5014754", null, "Cert", released, "2025-04 (full)", "y", List.of(),
                        List.of()),
                new HistorySections.HardeningDoc("KB5004605", null, "Old", released, "2021-07-13", "z", List.of(),
                        List.of()));
        FindingsDocument doc = h.withHistory(new HistorySections.Sections(h.history(), h.baseline(),
                new HistorySections.PatchesDoc(catalogue, List.of()), h.events(), h.imports()));
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet sh = wb.getSheet("Hardening");
            List<String> head = new ArrayList<>();
            sh.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
            int enforced = head.indexOf("Enforced");
            assertEquals(enforced + 1, head.indexOf("Enforcement"), head.toString());
            org.apache.poi.ss.usermodel.DataFormatter f = new org.apache.poi.ss.usermodel.DataFormatter();
            String[][] expected = {{"2023-10-10", "full"}, {"2025-04", "full"}, {"2021-07-13", ""}};
            for (int i = 0; i < expected.length; i++) {
                XSSFCell date = sh.getRow(i + 1).getCell(enforced);
                assertEquals(CellType.NUMERIC, date.getCellType(), "row " + (i + 1));
                assertTrue(org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(date));
                assertEquals(expected[i][0], f.formatCellValue(date));
                assertEquals(expected[i][1], f.formatCellValue(sh.getRow(i + 1).getCell(enforced + 1)));
            }
        }
    }

    @Test
    void summaryNamesEverySheetAndTimesAreDateCells() throws Exception {
        try (XSSFWorkbook wb = render(Fixtures.withHistory(Fixtures.demo()))) {
            String sheets = cellsOf(wb.getSheet("Summary")).stream().filter(v -> v.startsWith("Sheets:")).findFirst()
                    .orElseThrow();
            wb.forEach(sh -> assertTrue(sh.getSheetName().equals("Summary") || sheets.contains(sh.getSheetName() + " ("),
                    sh.getSheetName() + " missing in: " + sheets));
            assertEquals(ALL_SHEETS, sheetNames(wb), "new sheets after the existing ones");
            XSSFCell time = wb.getSheet("Events").getRow(1).getCell(0);
            assertEquals(CellType.NUMERIC, time.getCellType());
            assertTrue(org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(time));
            assertEquals("2026-11-26 22:22:17", new org.apache.poi.ss.usermodel.DataFormatter().formatCellValue(time));
            List<String> summary = cellsOf(wb.getSheet("Summary"));
            assertTrue(summary.stream().anyMatch(v -> v.endsWith(", 1 host")), "the baseline: " + summary);
            assertTrue(summary.stream().noneMatch(v -> v.contains("22:22:17.598")), summary.toString());
        }
        // a run without baseline, history, imports or waivers has every sheet too, with its header row and table, and
        // the Summary says why a sheet is empty: a consolidation of monthly workbooks by sheet name finds each sheet
        String demoSheets = cellsOf(demo.getSheet("Summary")).stream().filter(v -> v.startsWith("Sheets:")).findFirst()
                .orElseThrow();
        assertEquals(ALL_SHEETS, sheetNames(demo));
        assertTrue(demoSheets.contains("Waivers (the baseline's waivers; empty: the baseline has none)"), demoSheets);
        assertTrue(demoSheets.contains("Drift (changes against the baseline and the previous run; empty: no baseline or"
                + " earlier run)"), demoSheets);
        for (String name : List.of("Drift", "Patches", "Events", "Imports", "Timeline", "Waivers", "Hardening", "Trend",
                "KDC events")) {
            XSSFSheet sh = demo.getSheet(name);
            assertEquals(1, sh.getTables().size(), name);
            assertEquals(CellType.STRING, sh.getRow(0).getCell(0).getCellType(), name + " has its header row");
            assertEquals(0, sh.getLastRowNum(), name + " holds no row but its header");
        }
    }

    /** Every workbook's sheets, in order, whatever the run holds. */
    static final List<String> ALL_SHEETS = List.of("Summary", "Findings", "Matrix", "Hosts", "Runbook", "Drift",
            "Patches", "Events", "Imports", "Rules", "Timeline", "Waivers", "Hardening", "Trend", "Clusters",
            "KDC events");

    static List<String> sheetNames(XSSFWorkbook wb) {
        List<String> out = new ArrayList<>();
        wb.forEach(sh -> out.add(sh.getSheetName()));
        return out;
    }

    @Test
    void waivedDriftIsGreyedWithItsWaiver() throws Exception {
        Finding drift = TestFindings.legacy("BASELINE_HOST_NEW", Severity.LOW, "HVC2", "HV14", null, null, "HV14 is new.",
                "Capture a baseline.").withWaiver(new Finding.Waiver("rebuild", java.time.LocalDate.of(2035, 12, 31)));
        try (XSSFWorkbook wb = render(Fixtures.withFindings(Fixtures.demo(), List.of(drift)))) {
            XSSFSheet sh = wb.getSheet("Drift");
            XSSFRow row = sh.getRow(1);
            List<String> h = headers(sh);
            assertEquals(List.of("Severity", "Rule", "Cluster", "Host", "Peer", "Entry / flag", "What changed", "Waived",
                    "Id", "Severity rank", "Waiver expires", "Waiver justification", "Run id",
                    "Run date"), h,
                    "the waiver's terms in columns of their own, after the existing ones");
            // Yes or No as on the Findings sheet, so one filter or COUNTIF reads both sheets alike
            assertEquals("Yes", row.getCell(h.indexOf("Waived")).getStringCellValue());
            XSSFCell expires = row.getCell(h.indexOf("Waiver expires"));
            assertEquals(CellType.NUMERIC, expires.getCellType());
            assertTrue(org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(expires));
            assertEquals(java.time.LocalDate.of(2035, 12, 31).atStartOfDay(), expires.getLocalDateTimeCellValue());
            assertEquals("rebuild", row.getCell(h.indexOf("Waiver justification")).getStringCellValue());
            assertEquals("F2F2F2", rgb(row.getCell(0)));
            assertEquals("F2F2F2", rgb(row.getCell(h.indexOf("Waived"))));
        }
    }

    @Test
    void driftThatIsNotWaivedSaysNoAsTheFindingsSheetDoes() throws Exception {
        Finding drift = TestFindings.legacy("BASELINE_HOST_NEW", Severity.LOW, "HVC2", "HV14", null, null, "HV14 is new.",
                "Capture a baseline.");
        try (XSSFWorkbook wb = render(Fixtures.withFindings(Fixtures.demo(), List.of(drift)))) {
            XSSFSheet sh = wb.getSheet("Drift");
            List<String> h = headers(sh);
            XSSFCell waived = sh.getRow(1).getCell(h.indexOf("Waived"));
            assertEquals(CellType.STRING, waived.getCellType());
            assertEquals("No", waived.getStringCellValue());
            XSSFCell expires = sh.getRow(1).getCell(h.indexOf("Waiver expires"));
            assertTrue(expires == null || expires.getCellType() == CellType.BLANK, "no waiver: a blank date cell");
        }
    }

    @Test
    void aChangedUserAccountControlNamesTheFlagsItGainedAndLostInTheEntryColumn() throws Exception {
        Finding flags = Finding.of("BASELINE_FLAGS_CHANGED", Severity.HIGH, "HVC1", "HV01", null, null, null,
                "HV01 userAccountControl changed since the baseline.", org.kcdauditor.model.Evidence.builder()
                        .attribute("userAccountControl")
                        .expected(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION"))
                        .actual(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_FOR_DELEGATION")).build(), List.of());
        try (XSSFWorkbook wb = render(Fixtures.withFindings(Fixtures.demo(), List.of(flags)))) {
            XSSFSheet sh = wb.getSheet("Drift");
            assertEquals("+TRUSTED_FOR_DELEGATION, -TRUSTED_TO_AUTH_FOR_DELEGATION",
                    sh.getRow(1).getCell(headers(sh).indexOf("Entry / flag")).getStringCellValue());
        }
    }

    @Test
    void theTimelineIsATableOfItsOwn() throws Exception {
        try (XSSFWorkbook wb = render(Fixtures.withHistory(Fixtures.demo()))) {
            XSSFSheet sh = wb.getSheet("Timeline");
            assertEquals(List.of("Seen by run (UTC)", "Host", "Change", "Run id", "Changed at (UTC)", "Originating DC",
                    "Version"), headers(sh));
            assertEquals("delegation entry added", sh.getRow(1).getCell(2).getStringCellValue());
            assertTrue(org.apache.poi.ss.usermodel.DateUtil.isCellDateFormatted(sh.getRow(1).getCell(0)));
            assertEquals("A1:G2", sh.getTables().get(0).getArea().formatAsString());
            assertTrue(cellsOf(wb.getSheet("Drift")).stream().noneMatch(v -> v.equals("Timeline (UTC)")),
                    "no second table below the drift findings");
        }
    }

    static List<String> cellsOf(XSSFSheet sh) {
        List<String> out = new ArrayList<>();
        sh.forEach(row -> row.forEach(c -> {
            if (c.getCellType() == CellType.STRING) {
                out.add(c.getStringCellValue());
            }
        }));
        return out;
    }

    static List<String> headers(XSSFSheet sh) {
        List<String> out = new ArrayList<>();
        sh.getRow(0).forEach(c -> out.add(c.getStringCellValue()));
        return out;
    }

    static String rgb(XSSFCell c) {
        XSSFColor color = c.getCellStyle().getFillForegroundColorColor();
        assertNotNull(color, "cell " + c.getAddress() + " has a fill");
        return color.getARGBHex().substring(2);
    }

    /**
     * The demo's baseline line (a full path, the capturing run's id, the approver) is longer than the merged value
     * cells: it wraps onto a taller row instead of being cut at column G.
     */
    @Test
    void aLongBaselineLineOnTheSummaryWraps() throws Exception {
        FindingsDocument h = Fixtures.withHistory(Fixtures.demo());
        HistorySections.BaselineDoc b = new HistorySections.BaselineDoc("/srv/kcd-audit/config/production/baseline.yaml",
                java.time.Instant.parse("2026-11-01T06:00:00Z"), "7f3a9c2e-5b1d-4e8f-9a60-1c2d3e4f5a6b", "jdoe", 7,
                List.of(), null);
        FindingsDocument doc = h.withHistory(new HistorySections.Sections(h.history(), b, h.patches(), h.events(),
                h.imports()));
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet sh = wb.getSheet("Summary");
            XSSFRow row = null;
            for (int r = 0; r <= sh.getLastRowNum(); r++) {
                XSSFRow x = sh.getRow(r);
                if (x != null && x.getCell(0) != null && "Baseline".equals(x.getCell(0).getStringCellValue())) {
                    row = x;
                }
            }
            assertNotNull(row, "the Summary has a Baseline line");
            String value = row.getCell(1).getStringCellValue();
            assertTrue(value.contains("from run 7f3a9c2e-5b1d-4e8f-9a60-1c2d3e4f5a6b, approved by jdoe, 7 hosts"), value);
            assertTrue(row.getCell(1).getCellStyle().getWrapText(), "the value wraps: " + value);
            assertTrue(row.getHeightInPoints() > sh.getDefaultRowHeightInPoints(), "on a row tall enough for it");
            assertEquals(VerticalAlignment.TOP, row.getCell(0).getCellStyle().getVerticalAlignment(),
                    "the label stands beside the value's first line, not at the foot of the tall row");
        }
    }

    /** The Runbook sheet's test move HV13 -> HV11 says, as runbook.md does, that a network failure was logged there. */
    @Test
    void theRunbookSheetsTestMoveNamesAFailureDelegationCannotExplain() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(TestFindings.of(
                "MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC2", "HV13", "HV11", null, "1 failed migration event"
                        + " HV13 -> HV11 [NETWORK 0x80072746]; delegation cannot explain this failure.",
                org.kcdauditor.model.Evidence.builder().delegationExplains(false)
                        .classifications(List.of("NETWORK 0x80072746")).build(),
                new org.kcdauditor.remedy.Action.Manual("Check the migration networks."))));
        try (XSSFWorkbook wb = render(doc)) {
            XSSFSheet sh = wb.getSheet("Runbook");
            int found = 0;
            for (int r = 1; r <= sh.getLastRowNum(); r++) {
                String action = sh.getRow(r).getCell(3).getStringCellValue();
                String detail = sh.getRow(r).getCell(4) == null ? "" : sh.getRow(r).getCell(4).getStringCellValue();
                if (action.startsWith("Live-migrate a test VM HV13 → HV11")) {
                    found++;
                    assertTrue(detail.endsWith("; a NETWORK 0x80072746 failure was logged on this direction, which"
                            + " delegation cannot explain: if the move fails that way again, see Needs a decision"), detail);
                } else if (action.startsWith("Live-migrate")) {
                    assertFalse(detail.contains("failure was logged"), action + ": " + detail);
                }
            }
            assertEquals(1, found);
        }
    }

    /**
     * The Runbook sheet's Detail of a decision tells the finding from the question, as the runbooks' and the PDF's
     * "To decide:" do: the question followed the message after a space, as one more sentence of it.
     */
    @Test
    void theRunbookSheetLabelsADecisionsQuestion() {
        XSSFSheet sh = demo.getSheet("Runbook");
        List<String> details = new ArrayList<>();
        for (int r = 1; r <= sh.getLastRowNum(); r++) {
            if (sh.getRow(r).getCell(3).getStringCellValue().equals("AES_NOT_ENABLED: decide and act")) {
                details.add(sh.getRow(r).getCell(4).getStringCellValue());
            }
        }
        assertEquals(1, details.size(), details.toString());
        assertTrue(details.get(0).startsWith("NAS01 cannot get AES tickets: its msDS-SupportedEncryptionTypes is RC4-HMAC"
                + " (0x4); 3 directed pairs cannot migrate wherever"), details.get(0));
        assertTrue(details.get(0).contains("RC4 is allowed). To decide: Check that NAS01's keytab holds AES keys"),
                details.get(0));
    }
}
