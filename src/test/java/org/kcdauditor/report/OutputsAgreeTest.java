package org.kcdauditor.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.support.CliRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every output of one demo run tells the same story: the counts that appear in several outputs (findings per
 * severity, waived, per cluster, decisions, objects changed, pairs OK) agree between findings.json, the
 * workbook, the PDF, the runbooks and the mail notice, and every scripted step has the same command text in
 * runbook.md, remediation.ps1 and the workbook's Runbook sheet. Each output is read back as a reader would:
 * POI, PDFBox text, plain text.
 */
class OutputsAgreeTest {
    @TempDir
    static Path out;
    static FindingsDocument doc;
    static ReportView view;
    static String pdf;
    static String page1;
    static String md;
    static String html;
    static String ps1;
    static XSSFWorkbook xlsx;
    static int pdfImagesOnPage1;
    static String console;

    @BeforeAll
    static void demo() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.toString());
        console = run.out();
        doc = FindingsJson.read(out.resolve("findings.json"));
        view = ReportView.of(doc);
        try (PDDocument d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            pdf = new PDFTextStripper().getText(d).replaceAll("[ \\t]+", " ");
            PDFTextStripper first = new PDFTextStripper();
            first.setStartPage(1);
            first.setEndPage(1);
            page1 = first.getText(d).replaceAll("\\s+", " ");
            pdfImagesOnPage1 = 0;
            for (var name : d.getPage(0).getResources().getXObjectNames()) {
                if (d.getPage(0).getResources().getXObject(name)
                        instanceof org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject) {
                    pdfImagesOnPage1++;
                }
            }
        }
        md = Files.readString(out.resolve("runbook.md"));
        html = Files.readString(out.resolve("runbook.html"));
        ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        xlsx = new XSSFWorkbook(out.resolve("audit.xlsx").toFile());
    }

    /** The counts of findings.json itself: its summary, and its findings counted. */
    private static Map<Severity, Integer> jsonOpen() {
        Map<Severity, Integer> m = new EnumMap<>(Severity.class);
        doc.summary().bySeverity().forEach((k, v) -> m.put(Severity.valueOf(k), v));
        return m;
    }

    private static long jsonWaived() {
        return doc.findings().stream().filter(Finding::isWaived).count();
    }

    @Test
    void theDemoHasSomethingToCompare() {
        assertTrue(view.counts().openTotal() > 10 && jsonWaived() > 0 && !view.decisions().isEmpty()
                && view.plan().hasChanges() && view.failingPairs() > 0, "a demo with findings, waivers, decisions"
                + " and a change");
    }

    @Test
    void findingsPerSeverityAndWaivedAgreeEverywhere() throws Exception {
        Map<Severity, Integer> open = jsonOpen();
        for (Severity s : Severity.values()) {
            assertEquals((long) open.get(s), doc.findings().stream().filter(f -> !f.isWaived() && f.severity() == s)
                    .count(), "findings.json summary vs its findings: " + s);
        }
        // PDF: the executive summary's sentence
        Matcher p = Pattern.compile("(\\d+)\\s+high,\\s+(\\d+)\\s+medium,\\s+(\\d+)\\s+low\\s+and\\s+(\\d+)\\s+informational"
                + "\\s+findings,\\s+not\\s+counting (\\d+)\\s+waived").matcher(pdf);
        assertTrue(p.find(), pdf);
        assertCounts(open, jsonWaived(), p, "PDF");
        // runbooks
        Matcher m = Pattern.compile("findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info \\(and (\\d+)"
                + " waived, not counted\\)").matcher(md);
        assertTrue(m.find(), md);
        assertCounts(open, jsonWaived(), m, "runbook.md");
        Matcher h = Pattern.compile("findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info \\(and (\\d+)"
                + " waived, not counted\\)").matcher(html);
        assertTrue(h.find(), html);
        assertCounts(open, jsonWaived(), h, "runbook.html");
        // workbook: the Summary sheet's severity rows
        XSSFSheet summary = xlsx.getSheet("Summary");
        int waived = 0;
        for (Severity s : Severity.values()) {
            Row row = rowStartingWith(summary, s.name());
            assertEquals((double) open.get(s), row.getCell(1).getNumericCellValue(), "workbook " + s);
            Cell note = row.getCell(2);
            if (note != null && note.getStringCellValue().startsWith("+")) {
                waived += Integer.parseInt(note.getStringCellValue().replaceAll("^\\+(\\d+).*", "$1"));
            }
        }
        assertEquals(jsonWaived(), waived, "workbook waived");
        // mail notice
        String mail = notice();
        Matcher n = Pattern.compile("Open findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info; (\\d+) waived,"
                + " not counted").matcher(mail);
        assertTrue(n.find(), mail);
        assertCounts(open, jsonWaived(), n, "mail");
        // workbook's Findings sheet: a row per finding, and a filter on Waived = Yes counts what the others count
        assertEquals(doc.findings().size(), xlsx.getSheet("Findings").getLastRowNum());
        List<Map<String, String>> findingRows = sheetRows("Findings");
        assertEquals(jsonWaived(), findingRows.stream().filter(r -> r.get("Waived").equals("Yes")).count(),
                "Findings rows Waived Yes: " + findingRows.stream().filter(r -> r.get("Waived").equals("Yes"))
                        .map(r -> r.get("Rule") + " " + r.get("Host") + " " + r.get("Waived")).toList());
        assertEquals(doc.findings().size() - jsonWaived(), findingRows.stream().filter(r -> r.get("Waived")
                .equals("No")).count(), "every other finding says No");
        assertTrue(findingRows.stream().allMatch(r -> r.get("Waived").equals("No") || r.get("Waived").equals("Yes")),
                "Waived is a flag");
        assertTrue(findingRows.stream().anyMatch(r -> r.get("Consequence of").startsWith("Consequence of waived ")),
                "the demo's failure that follows from a waiver says so in its own column");
        // and says what to do as the runbook's decision says it
        Map<String, String> consequence = findingRows.stream().filter(r -> r.get("Consequence of")
                .startsWith("Consequence of waived ")).findFirst().orElseThrow();
        String decision = view.decisions().stream().filter(d -> d.finding().id().equals(consequence.get("Id")))
                .findFirst().orElseThrow().what();
        assertEquals(decision, consequence.get("Remediation"));
    }

    /**
     * The Rules sheet's Open and Waived, summed by its Severity column (an auditor's pivot), are the Summary's counts:
     * its Severity is the one the findings have in this run. The demo's PROTOCOL_TRANSITION_MISMATCH is INFO under
     * policy "either" though the catalogue calls the rule MEDIUM; shown as MEDIUM, the pivot counted 5 open MEDIUM
     * findings against the 4 of every other output.
     */
    @Test
    void theRulesSheetSummedBySeverityIsTheSummarysCount() {
        assertTrue(doc.findings().stream().anyMatch(f -> view.rule(f.rule()).severity() != f.severity()),
                "the demo has a finding whose severity is not its rule's usual one");
        XSSFSheet sh = xlsx.getSheet("Rules");
        List<String> headers = new ArrayList<>();
        sh.getRow(0).forEach(c -> headers.add(c.getStringCellValue()));
        Map<Severity, Integer> open = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            open.put(s, 0);
        }
        long waived = 0;
        for (int i = 1; i <= sh.getLastRowNum(); i++) {
            Row r = sh.getRow(i);
            Severity s = Severity.valueOf(r.getCell(headers.indexOf("Severity")).getStringCellValue());
            open.merge(s, (int) r.getCell(headers.indexOf("Open")).getNumericCellValue(), Integer::sum);
            waived += (long) r.getCell(headers.indexOf("Waived")).getNumericCellValue();
        }
        assertEquals(jsonOpen(), open, "Rules sheet Open by Severity vs findings.json and the Summary");
        assertEquals(jsonWaived(), waived, "Rules sheet Waived");
        Row ptm = rowStartingWith(sh, "PROTOCOL_TRANSITION_MISMATCH");
        assertEquals("MEDIUM", ptm.getCell(headers.indexOf("Usual severity")).getStringCellValue(),
                "the catalogue's severity stays in its own column");
    }

    /**
     * The console summary, the first output an administrator reads, says what the reports say beside the counts of
     * its table: the waived findings they leave out, and the new and resolved findings against the previous run
     * (the PDF's drift section, the workbook's Previous run). It said neither: 16 HIGH on the console, "HIGH 20
     * findings (4 waived)" in the PDF, and nothing of the 7 new findings.
     */
    @Test
    void theConsoleNamesTheWaivedAndTheNewAndResolvedFindingsAsTheReportsDo() throws Exception {
        assertTrue(jsonWaived() > 0 && doc.history() != null && !doc.history().newFindings().isEmpty(), "the demo");
        // the console counts the CHANGED_SINCE_LAST_RUN records among the new findings apart, as changes recorded
        java.util.Set<String> changes = doc.findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                .map(org.kcdauditor.model.Finding::id).collect(java.util.stream.Collectors.toSet());
        long problems = doc.history().newFindings().stream().filter(id -> !changes.contains(id)).count();
        String line = jsonWaived() + " waived findings not counted above; against run "
                + doc.history().previousRunId().substring(0, 8) + " (the demo's earlier run): "
                + doc.history().resolvedFindings().size() + " finding" + (doc.history().resolvedFindings().size() == 1
                ? "" : "s") + " resolved, " + problems + " new problem" + (problems == 1 ? "" : "s")
                + (doc.history().newFindings().size() == problems ? "" : "; " + (doc.history().newFindings().size()
                - problems) + " changes recorded (INFO, see the timeline in the reports)") + ".";
        assertTrue(problems > 0, "the demo has new problems");
        assertTrue(console.contains("\n" + line + "\n"), line + " in " + console);
        assertTrue(pdf.replaceAll("\\s+", " ").contains(": " + doc.history().newFindings().size() + " new, "
                + doc.history().resolvedFindings().size() + " resolved findings."), "the PDF says the same");
        assertTrue(rowStartingWith(xlsx.getSheet("Summary"), "Previous run").getCell(1).getStringCellValue()
                .endsWith(": " + doc.history().newFindings().size() + " new, " + doc.history().resolvedFindings().size()
                        + " resolved findings"), "the workbook says the same");
    }

    /**
     * The runbook's history context says of an observed failure what the PDF and the workbook say: the demo's HV02 ->
     * HV03 failures follow from the waived MISSING_DELEGATION findings (and one open finding), which the plan leaves
     * out. It said "explained by the delegation findings below", two lines above "The plan below leaves these findings
     * out", so the admin expected the change to end the failures.
     */
    @Test
    void theRunbookSaysAnObservedFailureFollowingFromWaivedFindingsKeepsFailing() {
        ReportView.FindingView failure = view.findings().stream().filter(v -> v.finding().rule()
                .equals("MIGRATION_FAILURE_OBSERVED") && v.consequence() != null
                && !v.consequence().waivedCauses().isEmpty()).findFirst().orElseThrow();
        String where = failure.finding().host() + " -> " + failure.finding().peer();
        ReportView.Consequence c = failure.consequence();
        for (String runbook : List.of(md, html.replace("&gt;", ">"))) {
            String line = runbook.lines().filter(l -> l.contains("failed migrations " + where)).findFirst()
                    .orElseThrow(() -> new AssertionError(where + " in " + runbook));
            assertFalse(line.contains("explained by the delegation findings below"), line);
            assertTrue(line.contains("explained by " + Words.plural(c.waivedCauses().size(), "waived finding")
                    + " (the plan below leaves them out, so this direction keeps failing) and "
                    + Words.plural(c.openCauses(), "finding") + " below."), line);
        }
        assertTrue(failure.consequenceColumn().startsWith("Consequence of waived "), "as the workbook says");
    }

    @Test
    void perClusterFiguresAgreeAndAddUpToTheTotals() throws Exception {
        XSSFSheet summary = xlsx.getSheet("Summary");
        String mail = notice();
        Map<Severity, Integer> sum = new EnumMap<>(Severity.class);
        for (FindingsDocument.ClusterDoc c : doc.clusters()) {
            ReportView.ClusterView v = view.clusters().stream().filter(x -> x.name().equals(c.name())).findFirst()
                    .orElseThrow();
            for (Severity s : Severity.values()) {
                assertEquals(c.bySeverity().get(s.name()), v.counts().open(s), c.name() + " " + s + " json vs view");
                sum.merge(s, v.counts().open(s), Integer::sum);
            }
            String hml = v.counts().open(Severity.HIGH) + "/" + v.counts().open(Severity.MEDIUM) + "/"
                    + v.counts().open(Severity.LOW) + "/" + v.counts().open(Severity.INFO);
            // the patch window beside the status, as page 1 and the workbook give it: a cluster whose open findings
            // are only MEDIUM read "Attention" there while page 1 counted it NO-GO
            String window = c.go() ? "GO" : "NO-GO";
            assertTrue(Pattern.compile(c.name() + " \\d+ " + v.nodePairsOkText() + " .* " + window + " "
                    + hml.replace("/", " ?/ ?")).matcher(pdf).find(), "PDF row of " + c.name() + " ("
                    + v.nodePairsOkText() + ", " + window + ", " + hml + "): " + pdf);
            Row row = rowStartingWith(summary, c.name());
            assertEquals(window, row.getCell(15).getStringCellValue(), "workbook patch window " + c.name());
            assertEquals(v.nodePairsOk(), (int) row.getCell(2).getNumericCellValue(), "workbook node pairs OK "
                    + c.name());
            for (int i = 0; i < 4; i++) {
                assertEquals(v.counts().open(Severity.values()[i]), (int) row.getCell(10 + i).getNumericCellValue(),
                        "workbook " + c.name() + " " + Severity.values()[i]);
            }
            assertTrue(mail.contains("- " + c.name() + ": " + v.status().label() + ", " + v.pairsOkInWords() + ", "),
                    mail);
        }
        for (Severity s : Severity.values()) {
            sum.merge(s, view.unclustered().open(s), Integer::sum);
        }
        assertEquals(jsonOpen(), sum, "the cluster rows and the row outside any cluster add up to the totals");
        if (view.unclustered().openTotal() > 0) {
            assertTrue(pdf.contains(view.unclusteredLabel()), "the PDF shows the findings outside any cluster");
            assertNotNull(rowStartingWith(summary, view.unclusteredLabel()));
        }
        // the mail's per-cluster lines (text and HTML) add up to its "Open findings" line, as the sheets do
        assertTrue(view.unclustered().openTotal() > 0, "the demo has findings outside every cluster");
        Matcher total = Pattern.compile("Open findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info")
                .matcher(mail);
        assertTrue(total.find(), mail);
        int[] lines = new int[4];
        Matcher line = Pattern.compile("(?m)^- (.+?): [^\\n]*\\((\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info\\)$")
                .matcher(mail);
        List<String> rows = new ArrayList<>();
        while (line.find()) {
            rows.add(line.group(1));
            for (int i = 0; i < 4; i++) {
                lines[i] += Integer.parseInt(line.group(i + 2));
            }
        }
        assertTrue(rows.contains(view.unclusteredLabel()), "mail rows: " + rows);
        for (int i = 0; i < 4; i++) {
            assertEquals(Integer.parseInt(total.group(i + 1)), lines[i], Severity.values()[i] + ": the mail's rows "
                    + rows + " add up to its total: " + mail);
        }
        String mailHtml = teamNotice().html();
        Matcher cells = Pattern.compile("<td style=\"padding:4px\">(\\d+) / (\\d+) / (\\d+) / (\\d+)</td></tr>")
                .matcher(mailHtml);
        int[] htmlRows = new int[4];
        while (cells.find()) {
            for (int i = 0; i < 4; i++) {
                htmlRows[i] += Integer.parseInt(cells.group(i + 1));
            }
        }
        assertTrue(mailHtml.contains(">" + view.unclusteredLabel() + "</td>"), mailHtml);
        assertArrayEquals(lines, htmlRows, "the HTML part's rows add up to the same totals");
        for (Severity s : Severity.values()) {
            assertEquals((long) jsonOpen().get(s), (long) lines[s.ordinal()], "mail rows vs findings.json: " + s);
        }
        int pairsOk = doc.clusters().stream().mapToInt(FindingsDocument.ClusterDoc::pairsOk).sum();
        int pairs = doc.clusters().stream().mapToInt(FindingsDocument.ClusterDoc::pairs).sum();
        // the paths to a file server (storage over SMB, no live migration), counted from the matrices: the runbook's
        // header and the workbook's Summary count the node pairs as page 1 does, and those paths apart
        List<FindingsDocument.PairDoc> toServers = doc.clusters().stream().flatMap(c -> c.matrix().stream())
                .filter(FindingsDocument.PairDoc::fileServer).toList();
        int storage = toServers.size();
        int storageOk = (int) toServers.stream().filter(c -> Boolean.TRUE.equals(c.ok())).count();
        assertTrue(storage > 0, "the demo has paths to a file server");
        String header = (pairsOk - storageOk) + " of " + (pairs - storage) + " node pairs (live migration) OK; "
                + storageOk + " of " + storage + " paths from a node to a file server (storage over SMB) OK;";
        assertTrue(md.contains(header), md);
        assertFalse(md.contains("directed pairs OK"), md);
        assertEquals(pairs - storage, (int) rowStartingWith(summary, "Directed host pairs").getCell(1)
                .getNumericCellValue());
        assertEquals(pairsOk - storageOk, (int) rowStartingWith(summary, "Directed host pairs OK").getCell(1)
                .getNumericCellValue());
        assertEquals(storage, (int) rowStartingWith(summary, "Paths from a node to a file server").getCell(1)
                .getNumericCellValue());
        assertEquals(storageOk, (int) rowStartingWith(summary, "Paths from a node to a file server OK").getCell(1)
                .getNumericCellValue());
        // the PDF says the failing directions apart by kind: node pairs, paths to file servers (the same counts)
        assertTrue(pdf.replaceAll("\\s+", " ").contains((pairs - pairsOk) + " of " + pairs + " directed paths fail: "),
                pdf);
        assertTrue(pdf.replaceAll("\\s+", " ").contains(view.failingPathsInWords()), pdf);
    }

    /**
     * A cluster's figures say what they count, the same way in every output: its node pairs (live migration) apart
     * from its paths from a node to a file server (storage over SMB), as page 1's headline says the totals. Before,
     * the console, the PDF's tables and matrix titles, the workbook and the mail gave HVC1 (3 nodes) "4/12 pairs OK",
     * which a reader cannot square with its 3 x 2 = 6 node pairs. findings.json keeps pairs and pairsOk (every
     * directed path) and adds the four counts apart; every count here is taken from its matrix, independently.
     */
    @Test
    void perClusterNodePairsAndFileServerPathsAreCountedApartInEveryOutput() throws Exception {
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.resolve("findings.json").toFile()).get("clusters");
        String mail = notice();
        String mailHtml = teamNotice().html();
        String pdfFlat = pdf.replaceAll("\\s+", " ");
        boolean fileServers = false;
        for (FindingsDocument.ClusterDoc c : doc.clusters()) {
            ReportView.ClusterView v = view.clusters().stream().filter(x -> x.name().equals(c.name())).findFirst()
                    .orElseThrow();
            List<FindingsDocument.PairDoc> node = c.matrix().stream().filter(p -> !p.fileServer()).toList();
            List<FindingsDocument.PairDoc> toServer = c.matrix().stream().filter(FindingsDocument.PairDoc::fileServer)
                    .toList();
            int n = node.size();
            int nOk = (int) node.stream().filter(FindingsDocument.PairDoc::passes).count();
            int s = toServer.size();
            int sOk = (int) toServer.stream().filter(FindingsDocument.PairDoc::passes).count();
            fileServers |= s > 0;
            String name = c.name();
            // findings.json: pairs and pairsOk keep their meaning (every directed path), the four counts apart added
            assertEquals(n + s, c.pairs(), name + " pairs");
            assertEquals(nOk + sOk, c.pairsOk(), name + " pairsOk");
            com.fasterxml.jackson.databind.JsonNode jc = null;
            for (com.fasterxml.jackson.databind.JsonNode x : json) {
                jc = x.get("name").asText().equals(name) ? x : jc;
            }
            assertNotNull(jc);
            assertEquals(List.of(n, nOk, s, sOk), List.of(jc.path("nodePairs").asInt(-1),
                    jc.path("nodePairsOk").asInt(-1), jc.path("fileServerPaths").asInt(-1),
                    jc.path("fileServerPathsOk").asInt(-1)), "findings.json clusters[] " + name + ": " + jc);
            String nodeCell = nOk + "/" + n;
            String serverCell = s == 0 ? Words.NO_PERCENT : sOk + "/" + s;
            String words = nodeCell + " node pairs OK" + (s == 0 ? "" : ", " + serverCell + " file-server paths OK");
            // the console's row: Nodes, Node pairs OK, File-server paths OK
            Matcher row = Pattern.compile("(?m)^" + name + " +\\d+ +(\\S+) +(\\S+) ").matcher(console);
            assertTrue(row.find(), console);
            assertEquals(List.of(nodeCell, serverCell), List.of(row.group(1), row.group(2)), "console: " + console);
            assertTrue(console.contains("Node pairs OK File-server paths OK"), console);
            // the PDF: page 1's row (each figure with what it counts under it), the compliance table's row and the
            // matrix's title
            String row1 = page1.substring(page1.indexOf(name + " " + (c.go() ? "GO" : "NO-GO") + " "));
            row1 = row1.substring(0, row1.indexOf("After the change, " + name));
            assertTrue(Pattern.compile("^" + name + " (NO-GO|GO)( after the change: [A-Za-z -]+?)? "
                    + Pattern.quote(nodeCell + " node pairs " + (s == 0 ? "" : serverCell + " paths to file servers ")))
                    .matcher(row1).find(), row1);
            assertTrue(Pattern.compile(name + " \\d+ " + Pattern.quote(nodeCell + " " + serverCell) + " ")
                    .matcher(pdfFlat).find(), "compliance row of " + name + ": " + pdfFlat);
            assertTrue(pdfFlat.contains(" present: " + Words.percent(c.compliancePercent()) + ", " + words), pdfFlat);
            // the workbook: the Summary's and the Clusters sheet's rows, by their headers
            for (String sheet : List.of("Summary", "Clusters")) {
                XSSFSheet sh = xlsx.getSheet(sheet);
                Row head = rowStartingWith(sh, "Cluster");
                List<String> cols = new ArrayList<>();
                head.forEach(x -> cols.add(x.getStringCellValue()));
                Row r = rowStartingWith(sh, name);
                List<Integer> got = new ArrayList<>();
                for (String col : List.of("Node pairs", "Node pairs OK", "File-server paths", "File-server paths OK")) {
                    assertTrue(cols.contains(col), sheet + " columns " + cols);
                    got.add((int) r.getCell(cols.indexOf(col)).getNumericCellValue());
                }
                assertEquals(List.of(n, nOk, s, sOk), got, sheet + " " + name);
                assertFalse(cols.contains("Pairs OK") || cols.contains("Pairs"), sheet + " columns " + cols);
            }
            // the mail: its decision line and its status line, text and HTML
            assertTrue(mail.contains("- " + name + ": " + (c.go() ? "GO" : "NO-GO") + ", " + words + ";"), mail);
            assertTrue(mail.contains("- " + name + ": " + v.statusLabel() + ", " + words + ", "), mail);
            assertTrue(mailHtml.contains(">" + nodeCell + "</td><td style=\"padding:4px\">" + serverCell + "</td>"),
                    mailHtml);
            if (s > 0) {
                // no output gives the cluster its node pairs and file-server paths under one "pairs" number
                String mixed = c.pairsOk() + "/" + c.pairs();
                for (String o : List.of(console, pdfFlat, mail, mailHtml)) {
                    assertFalse(o.contains(" " + mixed + " ") || o.contains(">" + mixed + "<"), mixed + " in " + o);
                }
            }
        }
        assertTrue(fileServers, "the demo has a cluster with paths to a file server");
    }

    @Test
    void decisionsAndObjectsChangedAgree() throws Exception {
        int decisions = view.decisions().size();
        int objects = view.plan().objectsChanged();
        assertTrue(pdf.contains(Words.plural(decisions, "finding") + (decisions == 1 ? " needs" : " need")
                + " an administrator's decision"), pdf);
        assertTrue(pdf.contains("update " + Words.plural(objects, "object") + " in Active Directory"), pdf);
        // page 1's table of objects: the rows it shows and those it counts below them add up to the heading's objects
        // (a host whose migration setting alone changes is a row, not an object of Active Directory)
        assertTrue(page1.contains("The proposed change: " + Words.plural(objects, "object") + " in Active Directory"),
                page1);
        Matcher more = Pattern.compile("… and (?:(\\d+) more objects?)?(?: and )?(?:(\\d+) host settings? only)?:"
                + " every change").matcher(page1);
        assertTrue(more.find(), "the demo has more objects than page 1 shows: " + page1);
        int moreObjects = more.group(1) == null ? 0 : Integer.parseInt(more.group(1));
        int moreSettings = more.group(2) == null ? 0 : Integer.parseInt(more.group(2));
        List<ObjectChange> shown = view.objectChanges().subList(0, view.objectChanges().size() - moreObjects
                - moreSettings);
        assertEquals(objects, shown.stream().filter(ObjectChange::directory).count() + moreObjects, page1);
        XSSFSheet summary = xlsx.getSheet("Summary");
        assertEquals(decisions, (int) rowStartingWith(summary, "Findings that need a decision").getCell(1)
                .getNumericCellValue());
        assertEquals(objects, (int) rowStartingWith(summary, "Objects the change touches").getCell(1)
                .getNumericCellValue());
        String decide = md.substring(md.indexOf(". Needs a decision"), md.indexOf("## Sign-off"));
        assertEquals(decisions, decide.lines().filter(l -> l.startsWith("- **")).count(), decide);
        assertEquals(decisions, html.split("<div class=\"card\"><span class=\"sev ", -1).length - 1);
        String objectLine = md.lines().filter(l -> l.startsWith("Objects to change: ")).findFirst().orElseThrow();
        assertEquals(objects, objectLine.split(", ").length, objectLine);
        long reviewRows = runbookRows().stream().filter(r -> r.get("Phase").equals(Procedure.Phase.DECIDE.title()))
                .count();
        assertEquals(decisions, reviewRows, "the Runbook sheet lists each decision");
        assertTrue(notice().contains(decisions + " need a decision"));
    }

    @Test
    void whatStaysOpenAfterTheChangeOnPageOneIsTheRunbooksDecisionList() {
        String decide = md.substring(md.indexOf(". Needs a decision"), md.indexOf("## Sign-off"));
        Map<String, Long> listed = new LinkedHashMap<>();
        for (Severity s : List.of(Severity.HIGH, Severity.MEDIUM, Severity.LOW)) {
            listed.put(s.name(), decide.lines().filter(l -> l.startsWith("- **" + s.name() + "**")).count());
        }
        assertTrue(decide.contains("OPERATOR_NOT_DELEGABLE") && !decide.contains("BASELINE_ENTRY_"), decide);
        String expected = "Still open after it: " + listed.get("HIGH") + " HIGH, " + listed.get("MEDIUM") + " MEDIUM and "
                + listed.get("LOW") + " LOW findings";
        assertTrue(page1.contains(expected), expected + " in " + page1);
    }

    @Test
    void everyScriptedStepHasTheSameCommandInTheRunbookTheScriptAndTheWorkbook() throws Exception {
        List<Procedure.Step> steps = view.procedure().steps(Procedure.Phase.CHANGE);
        assertFalse(steps.isEmpty());
        List<String> sheetCommands = runbookRows().stream().map(r -> r.get("Command")).toList();
        for (Procedure.Step s : steps) {
            assertEquals(1, s.commands().size(), s.toString());
            String cmd = s.command();
            assertTrue(md.contains("\n" + cmd + "\n"), "runbook.md: " + cmd);
            assertTrue(html.contains(cmd.replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")),
                    "runbook.html: " + cmd);
            assertTrue(ps1.contains("    #   " + cmd + "\r\n"), "remediation.ps1: " + cmd);
            assertTrue(sheetCommands.contains(cmd), "Runbook sheet: " + cmd);
        }
        for (String shared : List.of(view.plan().commands().replicate(), org.kcdauditor.remedy.Commands.PURGE_TICKETS,
                view.procedure().exportCommand())) {
            assertTrue(md.contains(shared) && sheetCommands.contains(shared), shared);
        }
    }

    @Test
    void everyFindingsRemediationIsTheSameInFindingsJsonTheViewAndTheWorkbook() {
        XSSFSheet sheet = xlsx.getSheet("Findings");
        Row head = sheet.getRow(0);
        int idCol = -1;
        int remedyCol = -1;
        for (var c : head) {
            idCol = "Id".equals(c.getStringCellValue()) ? c.getColumnIndex() : idCol;
            remedyCol = "Remediation".equals(c.getStringCellValue()) ? c.getColumnIndex() : remedyCol;
        }
        Map<String, String> inSheet = new java.util.HashMap<>();
        for (Row r : sheet) {
            if (r.getRowNum() > 0 && r.getCell(idCol) != null && r.getCell(remedyCol) != null) {
                inSheet.put(r.getCell(idCol).getStringCellValue(), r.getCell(remedyCol).getStringCellValue());
            }
        }
        Map<String, String> inView = new java.util.HashMap<>();
        view.findings().forEach(v -> inView.put(v.finding().id(), v.remediation()));
        int advised = 0;
        for (Finding f : doc.findings()) {
            assertEquals(inView.get(f.id()), f.remediation(), "findings.json vs the view: " + f.id() + " " + f.rule());
            assertEquals(inSheet.get(f.id()), f.remediation(), "findings.json vs the workbook: " + f.id());
            if (f.remediation().contains("waive it as well (rule " + f.rule())) {
                advised++;
            }
        }
        assertTrue(advised > 0, "the demo has a consequence of waived findings");
        // rendered again from the findings.json it wrote (report --from), every finding says the same
        Map<String, String> again = new java.util.HashMap<>();
        ReportView.of(view.doc()).findings().forEach(v -> again.put(v.finding().id(), v.remediation()));
        assertEquals(inView, again);
    }

    @Test
    void goNoGoFailingDirectionsAndWaivedOnesAgreeEverywhere() throws Exception {
        String mail = notice();
        XSSFSheet summary = xlsx.getSheet("Summary");
        Row head = rowStartingWith(summary, "Cluster");
        List<String> cols = new ArrayList<>();
        head.forEach(c -> cols.add(c.getStringCellValue()));
        String page = page1.replace(" ", "");
        for (FindingsDocument.ClusterDoc c : doc.clusters()) {
            ReportView.ClusterView v = view.clusters().stream().filter(x -> x.name().equals(c.name())).findFirst()
                    .orElseThrow();
            String verdict = c.go() ? "GO" : "NO-GO";
            assertEquals(c.go(), v.go(), "findings.json clusters[].go is the view's verdict");
            assertTrue(page1.contains(c.name() + " " + verdict + " "), "page 1: " + c.name() + " " + verdict);
            Row row = rowStartingWith(summary, c.name());
            assertEquals(verdict, row.getCell(cols.indexOf("Patch window")).getStringCellValue(), "workbook");
            assertTrue(mail.contains("- " + c.name() + ": " + verdict + ", " + v.pairsOkInWords() + ";"), "mail: "
                    + mail);
            List<String> failing = c.matrix().stream().filter(p -> !p.passes()).map(p -> p.from() + " -> " + p.to())
                    .toList();
            assertEquals(failing, v.failing().stream().map(ReportView.Cell::direction).toList());
            assertEquals(String.join(", ", failing), row.getCell(cols.indexOf("Failing directions"))
                    .getStringCellValue(), "workbook failing directions of " + c.name());
            assertTrue(mail.contains("failing: " + String.join(", ", failing)), "mail failing directions: " + mail);
            for (String f : failing.subList(0, Math.min(8, failing.size()))) {
                assertTrue(page.contains(f.replace(" -> ", "→")), "page 1 names " + f);
            }
            // waived, still failing: a pair some of whose blockers are waived findings
            List<String> waived = c.matrix().stream().filter(p -> !p.passes() && p.blockerList().stream().anyMatch(
                    b -> doc.findings().stream().anyMatch(f -> f.id().equals(b.findingId()) && f.isWaived())))
                    .map(p -> p.from() + " -> " + p.to()).toList();
            assertEquals(waived.size(), (int) row.getCell(cols.indexOf("Waived, still failing")).getNumericCellValue());
            for (String w : waived) {
                // named in the waived column with the directions of its waiver, then the waiver's expiry
                assertTrue(page.matches("(?s).*" + java.util.regex.Pattern.quote(w.replace(" -> ", "→"))
                        + "(,[^,(]+→[^,(]+)*\\(waived(until|withnoexpiry).*"), "page 1: " + w);
                assertTrue(mail.contains("waived, still failing: " + w + " (waived "), "mail: " + w);
            }
        }
        assertTrue(view.waivedFailing() > 0, "the demo's HV02 -> HV03 waiver");
        int fixed = view.fixedByChange();
        assertTrue(page1.contains("If not approved: the " + Words.plural(fixed, "direction") + " the change fixes"),
                page1);
        assertTrue(pdf.replaceAll("\\s+", " ").contains("If not approved: the " + Words.plural(fixed,
                "failing direction") + " the change fixes"), "the executive summary says the same");
        assertEquals(fixed, (int) rowStartingWith(summary, "Failing directions the change fixes").getCell(1)
                .getNumericCellValue());
        assertTrue(mail.contains("DECISION: " + (view.clustersNoGo() == 0 ? "GO" : "NO-GO for the patch window: "
                + view.clustersNoGo() + " of")), "the decision at the top of the mail: " + mail);
        assertTrue(mail.indexOf("DECISION:") < mail.indexOf("Open findings:"), "first the decision");
    }

    @Test
    void theTrendAgreesBetweenFindingsJsonTheWorkbookAndThePdf() {
        List<org.kcdauditor.model.TrendPoint> trend = doc.history().trend();
        assertTrue(trend.size() >= 2, "the demo stores an earlier run: " + trend);
        org.kcdauditor.model.TrendPoint now = trend.get(trend.size() - 1);
        assertEquals(doc.runId(), now.runId(), "this run last");
        assertEquals(view.pairsOk(), now.pairsOk());
        assertEquals(view.pairs(), now.pairs());
        assertEquals(view.counts().open(Severity.HIGH), now.openHigh());
        assertEquals(doc.history().newFindings().size(), now.newFindings());
        assertEquals(doc.history().resolvedFindings().size(), now.resolvedFindings());
        XSSFSheet sh = xlsx.getSheet("Trend");
        assertEquals(trend.size(), sh.getLastRowNum());
        for (int i = 0; i < trend.size(); i++) {
            Row row = sh.getRow(i + 1);
            assertEquals(trend.get(i).runId(), row.getCell(1).getStringCellValue());
            assertEquals(trend.get(i).pairsOkPercent() / 100, row.getCell(5).getNumericCellValue(), 1e-9);
            assertEquals(trend.get(i).openHigh(), (int) row.getCell(6).getNumericCellValue());
        }
        assertEquals(1, pdfImagesOnPage1, "the trend chart on page 1");
        assertTrue(page1.contains("Trend: the last " + trend.size() + " runs"), page1);
    }

    private static void assertCounts(Map<Severity, Integer> open, long waived, Matcher m, String where) {
        for (int i = 0; i < 4; i++) {
            assertEquals((int) open.get(Severity.values()[i]), Integer.parseInt(m.group(i + 1)),
                    where + " " + Severity.values()[i]);
        }
        assertEquals(waived, Long.parseLong(m.group(5)), where + " waived");
    }

    private static Row rowStartingWith(XSSFSheet sh, String first) {
        for (Row r : sh) {
            Cell c = r.getCell(0);
            if (c != null && c.getCellType() == CellType.STRING && c.getStringCellValue().equals(first)) {
                return r;
            }
        }
        throw new AssertionError(sh.getSheetName() + " has no row " + first);
    }

    /** The Runbook sheet as header → value maps. */
    private static List<Map<String, String>> runbookRows() {
        return sheetRows("Runbook");
    }

    /** A sheet with a header row as header → value maps (text cells; others empty). */
    private static List<Map<String, String>> sheetRows(String name) {
        XSSFSheet sh = xlsx.getSheet(name);
        List<String> headers = new ArrayList<>();
        sh.getRow(0).forEach(c -> headers.add(c.getStringCellValue()));
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i <= sh.getLastRowNum(); i++) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int j = 0; j < headers.size(); j++) {
                Cell c = sh.getRow(i).getCell(j);
                m.put(headers.get(j), c == null || c.getCellType() != CellType.STRING ? "" : c.getStringCellValue());
            }
            rows.add(m);
        }
        return rows;
    }

    /**
     * The open findings a notice's subject counts are findings.json's (not waived), for the team and for a cluster's
     * owners, and its lists add up to them: the demo run has CHANGED_SINCE_LAST_RUN findings, which the notice does
     * not compare but which are open findings of the run all the same.
     */
    @Test
    void aNoticeCountsTheOpenFindingsOfFindingsJsonInItsSubjectAndLists() {
        long changes = doc.findings().stream().filter(f -> !f.isWaived() && f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                .count();
        assertTrue(changes > 0, "the demo has directory changes since its previous run");
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("HVC1", List.of("o@contoso.com")), null, null, null, null, null);
        NoticeBuilder builder = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")));
        int jsonOpenTotal = jsonOpen().values().stream().mapToInt(Integer::intValue).sum();
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("2 clusters", jsonOpenTotal);
        expected.put("HVC1", (int) doc.findings().stream().filter(f -> !f.isWaived() && "HVC1".equals(f.cluster()))
                .count());
        Map<String, Integer> changed = Map.of("2 clusters", (int) changes, "HVC1", (int) doc.findings().stream()
                .filter(f -> !f.isWaived() && f.rule().equals("CHANGED_SINCE_LAST_RUN") && "HVC1".equals(f.cluster()))
                .count());
        // a run the same as the one before (no change) and one with nothing before it (all new)
        for (List<Finding> previous : java.util.Arrays.asList(doc.findings(), null)) {
            List<Notice> notices = builder.build("daily-drift", Notify.ALWAYS, doc, previous, "prev", null);
            assertEquals(2, notices.size());
            int i = 0;
            for (Map.Entry<String, Integer> e : expected.entrySet()) {
                Notice n = notices.get(i++);
                if (previous != null) {
                    // the directory changes are the run's change, told first; with what is still open they are the
                    // open findings of findings.json
                    int k = changed.get(e.getKey());
                    assertEquals("[kcd-audit] " + e.getKey() + ": " + (k == 0 ? "no change, " + e.getValue()
                            + " open findings" : Words.plural(k, "host") + " changed in the directory, "
                            + (e.getValue() - k) + " still open"), n.subject(),
                            "the subject counts the open findings of findings.json");
                }
                Matcher lists = Pattern.compile("\\nNEW \\((\\d+)\\)[\\s\\S]*\\nSTILL OPEN \\((\\d+)\\)[\\s\\S]*"
                        + "\\nCHANGED IN THE DIRECTORY SINCE THE PREVIOUS AUDIT \\((\\d+)\\)").matcher(n.text());
                assertTrue(lists.find(), n.text());
                assertEquals((int) e.getValue(), Integer.parseInt(lists.group(1)) + Integer.parseInt(lists.group(2))
                        + Integer.parseInt(lists.group(3)), "new + still open + changed = open findings: " + n.text());
                assertTrue(n.html().contains("Changed in the directory since the previous audit ("), n.html());
                Matcher status = Pattern.compile("\nOpen findings(?: in (\\w+))?: (\\d+) high, (\\d+) medium, (\\d+) low,"
                        + " (\\d+) info").matcher(n.text());
                assertTrue(status.find(), n.text());
                assertEquals(e.getKey().equals("HVC1") ? "HVC1" : null, status.group(1), "the scope said");
                assertEquals((int) e.getValue(), Integer.parseInt(status.group(2)) + Integer.parseInt(status.group(3))
                        + Integer.parseInt(status.group(4)) + Integer.parseInt(status.group(5)),
                        "the status counts the open findings the subject counts: " + n.text());
            }
        }
    }

    /** A finding outside every cluster is listed as the counts' row names it, not with an empty cluster ("[MEDIUM]  / "). */
    @Test
    void aNoticeListsAFindingOutsideEveryClusterAsItsCountsRowNamesIt() {
        Finding outside = doc.findings().stream().filter(f -> !f.isWaived() && f.cluster() == null && f.host() != null)
                .findFirst().orElseThrow();
        Notice n = teamNotice();
        assertTrue(n.text().contains("[" + outside.severity() + "] (not tied to a cluster) / " + outside.host() + ": "),
                n.text());
        assertFalse(n.text().contains("]  / "), n.text());
        assertTrue(n.html().contains(">(not tied to a cluster)</td><td style=\"padding:4px\">" + outside.host()), n.html());
    }

    /**
     * Review 3 item 14: the workbook's Summary and the runbooks' header said "N directed host pairs cannot live-migrate
     * reliably", counting the paths to a file server (storage over SMB) as host pairs; page 1 of the PDF said them
     * apart. Every output says page 1's sentence.
     */
    @Test
    void everyHeadlineSaysThePathsToAFileServerApartAsPageOneDoes() {
        assertTrue(view.failingStoragePaths() > 0, "the demo has a failing path to a file server");
        String byPath = view.failingPathsInWords();
        assertTrue(byPath.contains(" paths from a node to a file server (storage over SMB)"), byPath);
        assertTrue(page1.contains(byPath), page1);
        String summary = rowStartingWith(xlsx.getSheet("Summary"), "Headline").getCell(1).getStringCellValue();
        String header = md.lines().filter(l -> l.contains(view.headline())).findFirst().orElse("");
        String mail = notice();
        for (String out : List.of(summary, header, html, mail)) {
            assertTrue(out.contains(byPath), out);
            assertFalse(out.contains("directed host pairs cannot live-migrate"), out);
        }
        assertEquals(view.headline(), summary);
    }

    /** The notice to the team about every cluster, as the scheduler would queue it after this run. */
    private static String notice() {
        return teamNotice().text();
    }

    /** The team's subject names the scope its counts take in: one cluster alone only when no finding lies outside. */
    @Test
    void aTeamNoticeNamesOneClusterOnlyWhenAllItCountsIsThatClusters() {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        NoticeBuilder builder = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")));
        FindingsDocument hvc1 = doc.withFindings(doc.findings().stream().filter(f -> !"HVC2".equals(f.cluster()))
                .toList());
        long open = hvc1.findings().stream().filter(f -> !f.isWaived()).count();
        assertTrue(hvc1.findings().stream().anyMatch(f -> !f.isWaived() && f.cluster() == null), "the demo's operator");
        long changed = hvc1.findings().stream().filter(f -> !f.isWaived() && f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                .count();
        assertEquals("[kcd-audit] HVC1 and findings not tied to a cluster: " + Words.plural(changed, "host")
                + " changed in the directory, " + (open - changed) + " still open",
                builder.build("test", Notify.ALWAYS, hvc1, hvc1.findings(), "prev", null).get(0).subject());
        FindingsDocument only = hvc1.withFindings(hvc1.findings().stream().filter(f -> f.cluster() != null).toList());
        long onlyChanged = only.findings().stream().filter(f -> !f.isWaived()
                && f.rule().equals("CHANGED_SINCE_LAST_RUN")).count();
        long onlyOpen = only.findings().stream().filter(f -> !f.isWaived()).count();
        assertEquals("[kcd-audit] HVC1: " + (onlyChanged == 0 ? "no change, " + onlyOpen + " open findings"
                : Words.plural(onlyChanged, "host") + " changed in the directory, " + (onlyOpen - onlyChanged)
                + " still open"), builder.build("test", Notify.ALWAYS, only, only.findings(), "prev", null).get(0)
                .subject());
    }

    private static Notice teamNotice() {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        List<Notice> notices = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("test", Notify.ALWAYS, doc, null, null, null);
        return notices.get(0);
    }
}
