package org.kcdauditor.report.pdf;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportView.ClusterView;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * audit.pdf of the demo read as the change-advisory board member who signs page 1 reads it (not an AD specialist):
 * the reasons in words, no identifier broken across lines, what keeps each cluster NO-GO after the change and what
 * closes it, node pairs apart from the paths to file servers, KDC events apart from migration failures, commands
 * that can be copied whole and file names rather than this machine's paths. Read back with PDFBox.
 */
class CabReadablePdfTest {
    @TempDir
    static Path out;
    static FindingsDocument doc;
    static ReportView view;
    /** Page by page, lines as PDFBox extracts them (trimmed). */
    static List<List<String>> pages;
    /** The demo's console output. */
    static String console;

    @BeforeAll
    static void demo() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString());
        console = run.out();
        assertEquals(0, run.exitCode(), run.toString());
        doc = FindingsJson.read(out.resolve("findings.json"));
        view = ReportView.of(doc);
        pages = new ArrayList<>();
        try (PDDocument d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            for (int p = 1; p <= d.getNumberOfPages(); p++) {
                PDFTextStripper s = new PDFTextStripper();
                s.setStartPage(p);
                s.setEndPage(p);
                pages.add(Arrays.stream(s.getText(d).split("\\R")).map(String::trim).toList());
            }
        }
    }

    static String page(int n) {
        return String.join(" ", pages.get(n - 1)).replaceAll("\\s+", " ");
    }

    static String all() {
        StringBuilder sb = new StringBuilder();
        for (int p = 1; p <= pages.size(); p++) {
            sb.append(page(p)).append(' ');
        }
        return sb.toString();
    }

    /** Item 2: the blockers of page 1 by the rules' titles, their ids left to the detail pages. */
    @Test
    void pageOneGivesTheBlockersInWordsAndKeepsTheRuleIdsForTheDetailPages() {
        String first = page(1);
        Map<String, String> titles = new java.util.HashMap<>();
        for (RuleInfo i : RuleCatalogue.standard().infos()) {
            titles.put(i.id(), i.title());
        }
        for (ClusterView c : view.clusters()) {
            for (String rule : c.blockersByRule().keySet()) {
                assertTrue(first.contains(titles.get(rule).substring(1)), rule + " in words on page 1: " + first);
                assertFalse(first.contains(rule), rule + " is for the detail pages, not page 1: " + first);
                assertTrue(all().contains(rule), rule + " on the detail pages");
            }
            for (var r : c.verdict().reasons()) {
                if (r.rule() != null && r.ofFindings()) {
                    assertTrue(first.contains(titles.get(r.rule()).substring(1)), r.rule() + " in words: " + first);
                    assertFalse(first.contains(r.rule()), r.rule() + " not by id on page 1: " + first);
                }
            }
        }
    }

    /** Item 2: no identifier (a rule id, a command, kcd-audit) ends a line of page 1 at a hyphen or underscore. */
    @Test
    void noIdentifierIsBrokenAcrossLinesOnPageOne() {
        for (String line : pages.get(0)) {
            assertFalse(line.matches(".*[A-Za-z0-9][_-]"), "a token broken after '" + line + "'");
        }
    }

    /** Item 2: the "(W)" mark is explained on the page that uses it. */
    @Test
    void theWaivedMarkIsExplainedOnPageOne() {
        String first = page(1);
        assertTrue(first.contains("(W)"), first);
        assertTrue(first.contains("(W): a waived finding blocks the direction"), first);
    }

    /** Item 1: per cluster NO-GO after the change, what keeps it NO-GO and what closes it, from the findings. */
    @Test
    void pageOneSaysPerClusterWhatKeepsItNoGoAfterTheChangeAndWhatClosesIt() {
        String first = page(1);
        assertFalse(first.contains("(what stays open there: Needs a decision)"), first);
        // HVC2: one network failure HV13 -> HV11 the change cannot settle; its check and the test move close it
        assertTrue(first.contains("After the change, HVC2 stays NO-GO for 1 finding: Live migration failures were logged"
                + " between two nodes (HV13→HV11, last 2026-11-19, not a Kerberos error). Closed by: Check the migration"
                + " networks, firewalls and TCP 6600 and 3343 between the hosts; then the change's test move HV13→HV11"
                + " at 100 %"), first);
        // HVC1: two findings that follow from the waiver, and NAS01's RC4: the waiver, and NAS01's AES fix
        assertTrue(first.contains("After the change, HVC1 stays NO-GO for 3 findings:"), first);
        assertTrue(first.contains("Closed by: it follows from the waiver of HV02→HV03 (until 2035-12-31): fix what the"
                + " waiver accepts and end it, or waive it as well."), first);
        assertTrue(first.contains("An account a migration needs has no AES encryption type (NAS01). Closed by: Check"
                + " that NAS01's keytab holds AES keys, then the \"If so\" command (Needs a decision)."), first);
    }

    /** Item 3: the directed paths split into node pairs and paths to file servers; entries labelled as such. */
    @Test
    void pageOneAndTheScopeCountNodePairsApartFromPathsToFileServers() {
        int nodePairs = 0;
        int nodeFailing = 0;
        int fsPaths = 0;
        int fsFailing = 0;
        for (ClusterView c : view.clusters()) {
            for (var cell : c.cells()) {
                if (cell.pair().fileServer()) {
                    fsPaths++;
                    fsFailing += cell.failing() ? 1 : 0;
                } else {
                    nodePairs++;
                    nodeFailing += cell.failing() ? 1 : 0;
                }
            }
        }
        assertEquals(view.pairs(), nodePairs + fsPaths);
        assertTrue(fsPaths > 0 && fsFailing > 0, "the demo has paths to file servers");
        String first = page(1);
        assertTrue(first.contains((nodeFailing + fsFailing) + " of " + view.pairs() + " directed paths fail: "
                + nodeFailing + " of " + nodePairs + " node pairs (live migration), " + fsFailing + " of " + fsPaths
                + " paths from a node to a file server (storage over SMB)"), first);
        assertFalse(first.contains("directed host pairs cannot live-migrate"), first);
        String scope = all();
        assertTrue(scope.contains("Scope 7 Hyper-V hosts in 2 clusters, " + view.pairs() + " directed paths: "
                + nodePairs + " node pairs (live migration) and " + fsPaths + " from a node to a file server"
                + " (storage over SMB)"), scope);
        // the figures of findings.json stay as they are
        assertEquals(view.pairs(), doc.summary().pairs());
        // 100 % next to NO-GO: labelled as the delegation entries present
        assertFalse(scope.contains("Entries %"), scope);
        assertTrue(scope.contains("Delegation entries present"), scope);
        assertTrue(scope.matches(".*Cluster HVC2 delegation entries present: 100\\.0 %, 2/12 node pairs OK.*"), scope);
    }

    /**
     * Page 1's "After the change" counted the node pairs and the paths to a file server together ("Pairs OK: 6 of 24")
     * where the rest of the page counts them apart: it gives each, now and expected after the change.
     */
    @Test
    void afterTheChangeCountsNodePairsApartFromPathsToFileServers() {
        int nodeAfter = view.clusters().stream().mapToInt(ClusterView::nodePairsOkAfter).sum();
        int storageAfter = view.clusters().stream().mapToInt(ClusterView::fileServerPathsOkAfter).sum();
        String first = page(1);
        assertFalse(first.contains("Pairs OK: " + view.pairsOk() + " of " + view.pairs()), first);
        assertTrue(first.contains("Node pairs OK: " + view.nodePairsOk() + " of " + view.nodePairs()
                + " now, " + nodeAfter + " of " + view.nodePairs() + " expected after the change; paths to a file"
                + " server OK: " + view.storagePathsOk() + " of " + view.storagePaths() + " now, " + storageAfter
                + " of " + view.storagePaths() + " expected: it fixes " + view.fixedByChange() + " of the "
                + view.failingPairs() + " failing directions."), first);
        assertEquals(view.pairsOk() + view.fixedByChange(), nodeAfter + storageAfter);
    }

    /**
     * The row of the findings of no cluster was labelled "(e.g. a baseline host that is gone)" on page 3 where it held
     * an operator, and "(no cluster)" on the console: one label, naming what the row holds, in every output.
     */
    @Test
    void theRowOfNoClusterSaysWhatItHoldsAlikeEverywhere() throws Exception {
        String label = "Not tied to a cluster (operators, hosts no longer in a cluster)";
        assertEquals(label, view.unclusteredLabel());
        assertFalse(all().contains("e.g. a baseline host that is gone"), all());
        assertTrue(all().contains(label), all());
        assertFalse(console.contains("(no cluster)"), console);
        assertTrue(console.matches("(?s).*\\n" + java.util.regex.Pattern.quote(label) + " +0 +2 +0 +0\\R.*"),
                console);
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                out.resolve("audit.xlsx").toFile())) {
            var summary = wb.getSheet("Summary");
            boolean row = false;
            for (var r : summary) {
                row |= r.getCell(0) != null && label.equals(r.getCell(0).toString());
            }
            assertTrue(row, "the Summary sheet's row");
        }
        var notices = new org.kcdauditor.notify.NoticeBuilder(new org.kcdauditor.config.MailConfig("127.0.0.1", 25,
                "none", null, null, null, "kcd@contoso.com", List.of("team@contoso.com"), Map.of(), null, null, null,
                null, null), new org.kcdauditor.report.runbook.TemplateRenderer(Path.of("templates")))
                .build("test", org.kcdauditor.config.ScheduleConfig.Notify.ALWAYS, doc, null, null, null);
        assertTrue(notices.get(0).text().contains("- " + label + ": "), notices.get(0).text());
        assertTrue(notices.get(0).html().contains(">" + label + "</td>"), notices.get(0).html());
    }

    /** The trend's last point, this run, counts new problems and changes recorded as the console does. */
    @Test
    void theTrendCountsChangeRecordsAsTheConsoleDoes() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) new problems?; (\\d+) changes? recorded")
                .matcher(console);
        assertTrue(m.find(), console);
        var last = doc.history().trend().get(doc.history().trend().size() - 1);
        assertEquals(Integer.parseInt(m.group(1)), last.newProblems(), console);
        assertEquals(Integer.parseInt(m.group(2)), last.changeRecords(), console);
    }

    /** Item 19: a KDC event is no migration failure: its own table, computer names without "$". */
    @Test
    void kdcEventsStandApartFromMigrationFailuresWithoutDollarSigns() {
        String text = all();
        int failures = text.indexOf("Observed migration failures");
        int kdc = text.indexOf("KDC events on the domain controllers");
        assertTrue(failures > 0 && kdc > 0, text);
        String failuresTable = kdc > failures ? text.substring(failures, kdc) : text.substring(failures);
        assertFalse(failuresTable.contains("209 KDC_NO_AES_KEYS"), failuresTable);
        String kdcTable = text.substring(kdc);
        assertTrue(kdcTable.contains("DC1"), kdcTable);
        assertTrue(kdcTable.contains("HV12 -> HV13"), kdcTable);
        assertFalse(kdcTable.substring(0, kdcTable.indexOf("209")).contains("HV12$"), kdcTable);
    }

    /**
     * Item 20: every token of a remediation the findings' table shows stays whole on one line of the detail pages: a
     * finding's, or for the findings on the entries of one pair the one command for them all (the first peer's of a
     * host's several, {@link org.kcdauditor.report.FindingGroup}).
     */
    @Test
    void commandsInTheRemediationColumnAreNotBrokenInsideAToken() {
        List<String> lines = new ArrayList<>();
        for (List<String> p : pages) {
            lines.addAll(p);
        }
        for (var b : org.kcdauditor.report.FindingGroup.blocks(view.findings())) {
            var f = b.first().first().finding();
            if (f.remediation() == null) {
                continue;
            }
            for (String token : String.join(" ", b.first().remediation()).split("\\s+")) {
                if (token.length() < 4) {
                    continue;
                }
                assertTrue(lines.stream().anyMatch(l -> l.contains(token)), f.rule() + " " + f.host() + ": '" + token
                        + "' broken across lines");
            }
        }
    }

    /** Item 20: a file the finding was read from by its name, not by this machine's path; findings.json unchanged. */
    @Test
    void findingsShowTheFileNameOfTheirSourceNotTheLocalPath() {
        String text = all();
        assertFalse(text.contains("config/demo/hostsettings"), text);
        assertTrue(text.contains("(vmhost-ps51.csv:4)"), text);
        assertTrue(doc.findings().stream().anyMatch(f -> f.message().contains("config/demo/hostsettings/vmhost-ps51"
                + ".csv:4")), "findings.json keeps the path");
    }

    /** The script as PowerShell runs it from its folder: .\remediation.ps1, its dry run first, the rollback with -Apply. */
    @Test
    void theScriptIsNamedAsPowerShellRunsIt() {
        String text = all();
        assertTrue(text.contains("Made with .\\remediation.ps1 -Apply after its dry run"), page(1));
        assertTrue(text.contains(".\\remediation.ps1 -Rollback -Apply"), text);
        assertFalse(text.replace(".\\remediation.ps1 -", "").contains("remediation.ps1 -"), text);
    }
}
