package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.ReportRemedies;
import org.kcdauditor.support.TestDirectory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Beyond the demo ({@link OutputsAgreeTest}): runs of other shapes — everything compliant, every finding waived,
 * LOW findings only, 40 clusters, a second run with drift, two directories — each read back from every output
 * (findings.json, the console, the workbook, the PDF, runbook.md/html and the team's mail notice), whose counts must
 * tell the same story: open findings per severity, waived, pairs OK of all, clusters GO / NO-GO.
 */
class ScenarioOutputsAgreeTest {
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String FABRIKAM = "DC=fabrikam,DC=com";

    @TempDir
    Path tmp;

    /** What a scenario does to the directory (and beside its config) before the run. */
    @FunctionalInterface
    interface Before {
        void apply(InMemoryDirectoryServer ds, Path dir) throws Exception;
    }

    /** Every output of one run, read back as its reader would. */
    record Outputs(FindingsDocument doc, ReportView view, String console, String pdf, String page1, String md,
                   String html, String ps1, XSSFWorkbook xlsx, String mail, String mailHtml) {
    }

    private static List<String> nodes(String prefix, int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            l.add(String.format("%s%02d", prefix, i));
        }
        return l;
    }

    private static String config(InMemoryDirectoryServer ds, List<List<String>> clusters) {
        StringBuilder y = new StringBuilder("directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + TestDirectory.BASE
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n");
        for (int i = 0; i < clusters.size(); i++) {
            y.append("  - name: HVC").append(i + 1).append("\n    nodes: [").append(String.join(", ", clusters.get(i)))
                    .append("]\n");
        }
        return y.append("store:\n  url: jdbc:h2:file:data/kcd-audit\n").toString();
    }

    /** One domain holding {@code clusters} (HVC1, HVC2 …), changed by {@code before}, audited into {@code out}. */
    private Outputs scenario(List<List<String>> clusters, String extraYaml, Before before) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            for (List<String> c : clusters) {
                TestDirectory.addCluster(ds, c);
            }
            before.apply(ds, tmp);
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, clusters) + extraYaml);
            return run(cfg, "out", null);
        } finally {
            ds.shutDown(true);
        }
    }

    /** {@code kcd-audit run} of {@code cfg} into {@code out}; the mail as after a run whose findings were those of {@code previous}. */
    private Outputs run(Path cfg, String out, FindingsDocument previous) throws Exception {
        return run(tmp, cfg, out, previous);
    }

    /** {@code kcd-audit run} of {@code cfg} into {@code base/out}, every output read back. */
    static Outputs run(Path base, Path cfg, String out, FindingsDocument previous) throws Exception {
        return run(base, cfg, out, previous, java.time.Clock.systemUTC());
    }

    /** The same at the time {@code clock} tells. */
    static Outputs run(Path base, Path cfg, String out, FindingsDocument previous, java.time.Clock clock)
            throws Exception {
        Path dir = base.resolve(out);
        CliRun r = CliRun.run(ENV, clock, "run", "--config", cfg.toString(), "--out", dir.toString());
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        FindingsDocument doc = FindingsJson.read(dir.resolve("findings.json"));
        String pdf;
        String page1;
        try (PDDocument d = Loader.loadPDF(dir.resolve("audit.pdf").toFile())) {
            pdf = new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
            PDFTextStripper first = new PDFTextStripper();
            first.setStartPage(1);
            first.setEndPage(1);
            page1 = first.getText(d).replaceAll("\\s+", " ");
        }
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        org.kcdauditor.notify.Notice team = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily", Notify.ALWAYS, doc, previous == null ? null : previous.findings(),
                        previous == null ? null : previous.runId(), null).get(0);
        // as its reader sees it: the subject, then the text part
        String notice = team.subject() + "\n\n" + team.text();
        return new Outputs(doc, ReportView.of(doc), r.out(), pdf, page1, Files.readString(dir.resolve("runbook.md")),
                Files.readString(dir.resolve("runbook.html")), Files.readString(dir.resolve("remediation.ps1"),
                StandardCharsets.UTF_8).replace("\r\n", "\n"), new XSSFWorkbook(dir.resolve("audit.xlsx").toFile()), notice,
                team.html());
    }

    /** The counts every output shows agree with findings.json. */
    static void assertAgree(Outputs o) {
        FindingsDocument doc = o.doc();
        int[] open = new int[4];
        for (Severity s : Severity.values()) {
            open[s.ordinal()] = doc.summary().bySeverity().get(s.name());
            assertEquals(open[s.ordinal()], doc.findings().stream().filter(f -> !f.isWaived() && f.severity() == s)
                    .count(), "findings.json summary vs its findings: " + s);
        }
        long waived = doc.findings().stream().filter(Finding::isWaived).count();
        int pairs = doc.clusters().stream().mapToInt(FindingsDocument.ClusterDoc::pairs).sum();
        int pairsOk = doc.clusters().stream().mapToInt(FindingsDocument.ClusterDoc::pairsOk).sum();
        long noGo = doc.clusters().stream().filter(c -> !c.go()).count();
        // the paths to a file server (storage over SMB), which the runbooks' header and the workbook's Summary count
        // apart from the node pairs (live migration), as page 1 does
        List<FindingsDocument.PairDoc> toServers = doc.clusters().stream().flatMap(c -> c.matrix().stream())
                .filter(FindingsDocument.PairDoc::fileServer).toList();
        int storage = toServers.size();
        int storageOk = (int) toServers.stream().filter(c -> Boolean.TRUE.equals(c.ok())).count();
        assertEquals(pairs, o.view().pairs());
        assertEquals(pairsOk, o.view().pairsOk());
        assertEquals(noGo, o.view().clustersNoGo());
        // console: the All row (its node pairs, and its paths to a file server where there are any) and the waived line
        Matcher all = Pattern.compile("\\nAll +\\d+ +(\\d+/\\d+) +" + (storage == 0 ? "()" : "(\\d+/\\d+) +")
                + "\\S+ +\\S+ %? *(\\d+) +(\\d+) +(\\d+) +(\\d+)\\n").matcher(o.console());
        assertTrue(all.find(), o.console());
        assertEquals((pairsOk - storageOk) + "/" + (pairs - storage), all.group(1), "console node pairs OK");
        assertEquals(storage == 0 ? "" : storageOk + "/" + storage, all.group(2), "console file-server paths OK");
        for (int i = 0; i < 4; i++) {
            assertEquals(open[i], Integer.parseInt(all.group(3 + i)), "console " + Severity.values()[i]);
        }
        assertEquals(waived > 0, o.console().contains(Words.plural(waived, "waived finding") + " not counted above"),
                "console waived: " + o.console());
        assertTrue(o.console().contains(noGo == 0 ? "\nGO for the patch window: " : "\nNO-GO for the patch window: "
                + noGo + " of " + Words.plural(doc.clusters().size(), "cluster")), o.console());
        // PDF: the executive summary's sentence and page 1's verdict
        Matcher p = Pattern.compile("(\\d+) high, (\\d+) medium, (\\d+) low and (\\d+) informational findings(, not"
                + " counting (\\d+) waived)?").matcher(o.pdf());
        assertTrue(p.find(), o.pdf());
        assertCounts(open, waived, p, "PDF");
        assertTrue(o.page1().contains(noGo == 0 ? "GO for the patch window: " : "NO-GO for the patch window: " + noGo
                + " of " + doc.clusters().size() + " cluster"), o.page1());
        // runbooks: the decision as page 1, the console and the mail say it, then the counts
        String decision = noGo == 0 ? "GO for the patch window: " : "NO-GO for the patch window: " + noGo + " of "
                + Words.plural(doc.clusters().size(), "cluster");
        for (String runbook : List.of(o.md(), o.html())) {
            assertTrue(runbook.contains(decision), "runbook decision: " + runbook);
            Matcher m = Pattern.compile("findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info( \\(and (\\d+)"
                    + " waived, not counted\\))?").matcher(runbook);
            assertTrue(m.find(), runbook);
            assertCounts(open, waived, m, "runbook");
            assertTrue(runbook.contains(storage == 0 ? pairsOk + " of " + pairs + " directed pairs OK;"
                    : (pairsOk - storageOk) + " of " + (pairs - storage) + " node pairs (live migration) OK; "
                    + storageOk + " of " + storage + (storage == 1 ? " path" : " paths") + " from a node to a file"
                    + " server (storage over SMB) OK;"), "runbook pairs OK");
        }
        // workbook: the Summary's figures and severity rows
        XSSFSheet summary = o.xlsx().getSheet("Summary");
        assertEquals(pairs - storage, (int) row(summary, "Directed host pairs").getCell(1).getNumericCellValue());
        assertEquals(pairsOk - storageOk, (int) row(summary, "Directed host pairs OK").getCell(1)
                .getNumericCellValue());
        assertEquals(noGo, (int) row(summary, "Clusters NO-GO for a patch window").getCell(1).getNumericCellValue());
        long waivedInSheet = 0;
        for (Severity s : Severity.values()) {
            Row r = row(summary, s.name());
            assertEquals(open[s.ordinal()], (int) r.getCell(1).getNumericCellValue(), "workbook " + s);
            Cell note = r.getCell(2);
            if (note != null && note.getStringCellValue().startsWith("+")) {
                waivedInSheet += Long.parseLong(note.getStringCellValue().replaceAll("^\\+(\\d+).*", "$1"));
            }
        }
        assertEquals(waived, waivedInSheet, "workbook waived");
        // the Findings sheet: a row per finding of this run (and one per resolved finding)
        int resolved = doc.history() == null ? 0 : doc.history().resolvedFindings().size();
        assertEquals(doc.findings().size() + resolved, o.xlsx().getSheet("Findings").getPhysicalNumberOfRows() - 1,
                "Findings rows");
        // the Clusters sheet: a row per cluster, its verdict as findings.json's
        XSSFSheet clusters = o.xlsx().getSheet("Clusters");
        List<String> head = new ArrayList<>();
        clusters.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
        for (FindingsDocument.ClusterDoc c : doc.clusters()) {
            Row r = row(clusters, c.name());
            assertEquals(c.go() ? "GO" : "NO-GO", r.getCell(head.indexOf("Patch window")).getStringCellValue(),
                    c.name());
            if (!Boolean.FALSE.equals(c.audited())) {
                // the node pairs and the paths to a file server apart, each from the cluster's matrix
                List<FindingsDocument.PairDoc> mine = c.matrix().stream().filter(FindingsDocument.PairDoc::fileServer)
                        .toList();
                int mineOk = (int) mine.stream().filter(x -> Boolean.TRUE.equals(x.ok())).count();
                assertEquals(c.pairsOk() - mineOk, (int) r.getCell(head.indexOf("Node pairs OK")).getNumericCellValue(),
                        c.name());
                assertEquals(c.pairs() - mine.size(), (int) r.getCell(head.indexOf("Node pairs"))
                        .getNumericCellValue(), c.name());
                assertEquals(mineOk, (int) r.getCell(head.indexOf("File-server paths OK")).getNumericCellValue(),
                        c.name());
                assertEquals(mine.size(), (int) r.getCell(head.indexOf("File-server paths")).getNumericCellValue(),
                        c.name());
            }
        }
        // mail: the decision, the open findings, and each cluster named within the notice's cap
        Matcher n = Pattern.compile("Open findings: (\\d+) high, (\\d+) medium, (\\d+) low, (\\d+) info(; (\\d+)"
                + " waived, not counted)?").matcher(o.mail());
        assertTrue(n.find(), o.mail());
        assertCounts(open, waived, n, "mail");
        assertTrue(o.mail().contains("DECISION: " + (noGo == 0 ? "GO" : "NO-GO for the patch window: " + noGo
                + " of " + Words.plural(doc.clusters().size(), "cluster"))), o.mail());
        // what the verdict could not look at: said by every output, or by none
        String aes = o.view().aesNotChecked();
        StringBuilder sheet = new StringBuilder();
        o.xlsx().getSheet("Summary").forEach(r -> r.forEach(c -> sheet.append(c).append('\n')));
        for (String out : List.of(o.console(), o.page1(), o.pdf(), o.md().replace("\\_", "_"), o.html(), o.mail(),
                sheet.toString())) {
            assertEquals(aes != null, aes != null ? out.contains(aes) : out.contains("AES keys were not checked"),
                    "AES keys not checked (" + aes + "): " + out);
        }
        String operators = o.view().operatorsNotChecked();
        assertEquals(Boolean.TRUE.equals(doc.policy().operatorsUnchecked()), operators != null);
        for (String out : List.of(o.console(), o.page1(), o.pdf(), o.md(), o.html(), o.mail(), o.mailHtml(),
                sheet.toString())) {
            assertEquals(operators != null, out.contains("Operators were not checked")
                    && (operators == null || out.contains(operators)), "operators not checked: " + out);
        }
    }

    /**
     * policy.operators empty: no operator was judged (OPERATOR_NOT_DELEGABLE), yet a GO said nothing of it, while a
     * move started remotely by a sensitive or Protected Users account fails. Every output says so beside the verdict,
     * from findings.json's policy.operatorsUnchecked.
     */
    @Test
    void operatorsNotChecked() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 2)), "", (ds, dir) -> { });
        assertAgree(o);
        assertEquals(Boolean.TRUE, o.doc().policy().operatorsUnchecked());
        assertEquals("Operators were not checked (policy.operators is empty): moves started remotely need an account"
                + " that can be delegated (not sensitive, not in Protected Users).", o.view().operatorsNotChecked());
    }

    /**
     * A domain whose AES date (whenCreated of its RID-521 group) cannot be read: preflight said that AES keys were not
     * checked, while the run's console, page 1 and the notice gave the same GO without a word of it.
     */
    @Test
    void aesKeysNotChecked() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 2)), "", (ds, dir) -> { });
        assertAgree(o);
        assertEquals("AES keys were not checked: the date the domain gained them (whenCreated of its group with RID 521,"
                + " Read-only Domain Controllers) could not be read, so whether a password predates them"
                + " (AES_KEYS_MISSING) is not known.", o.view().aesNotChecked());
        assertTrue(o.console().contains("\nGO for the patch window: "), o.console());
    }

    /** The domain's AES date read: no output says that AES keys were not checked. */
    @Test
    void aesKeysChecked() throws Exception {
        Outputs o = scenario(List.of(nodes("HVB", 2)), "", (ds, dir) -> TestDirectory.aesKeysSince(ds,
                TestDirectory.BASE, org.kcdauditor.support.Hosts.DOMAIN_SID, "20090310091500.0Z"));
        assertAgree(o);
        assertEquals(null, o.view().aesNotChecked());
    }

    private static void assertCounts(int[] open, long waived, Matcher m, String where) {
        for (int i = 0; i < 4; i++) {
            assertEquals(open[i], Integer.parseInt(m.group(i + 1)), where + " " + Severity.values()[i]);
        }
        assertEquals(waived, m.group(6) == null ? 0 : Long.parseLong(m.group(6)), where + " waived");
    }

    /** The Clusters sheet's "Patch window after", a cluster a row. */
    private static List<String> patchWindowAfter(Outputs o) {
        XSSFSheet clusters = o.xlsx().getSheet("Clusters");
        List<String> head = new ArrayList<>();
        clusters.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
        List<String> out = new ArrayList<>();
        for (int r = 1; r <= clusters.getLastRowNum(); r++) {
            out.add(clusters.getRow(r).getCell(head.indexOf("Patch window after")).getStringCellValue());
        }
        return out;
    }

    static Row row(XSSFSheet sh, String first) {
        for (Row r : sh) {
            Cell c = r.getCell(0);
            if (c != null && c.getCellType() == CellType.STRING && c.getStringCellValue().equals(first)) {
                return r;
            }
        }
        throw new AssertionError(sh.getSheetName() + " has no row " + first);
    }

    @Test
    void everythingCompliant() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 3), nodes("HVB", 2)), "", (ds, dir) -> { });
        assertAgree(o);
        assertTrue(o.page1().contains("GO for the patch window: all 2 clusters"), o.page1());
        assertTrue(o.page1().contains("Open: no finding above INFO. "), o.page1());
        assertEquals(List.of("GO", "GO"), patchWindowAfter(o), "no change: nothing is expected of one");
        // a first run: the workbook says why it has no Trend sheet and every finding is new, as page 1 and the mail do
        assertEquals("None: no earlier successful run of this configuration in the history store, so every finding is"
                + " new and there is no trend yet (it starts with the next run).", row(o.xlsx().getSheet("Summary"),
                "Previous run").getCell(1).getStringCellValue());
        // the mail's decision table has no columns of nothing: no direction fails, none under a waiver
        assertTrue(o.mailHtml().contains(">Node pairs OK</th></tr>"), o.mailHtml());
        assertFalse(o.mailHtml().contains("Failing directions") || o.mailHtml().contains("Waived, still failing"),
                o.mailHtml());
        assertFalse(o.page1().contains("waived ones") || o.page1().contains("waived finding"), o.page1());
        assertTrue(o.md().contains("No directory change is needed."), o.md());
        assertTrue(o.ps1().contains("\nWrite-Host 'No delegation change is needed.'\n"), o.ps1());
        // the 6 a.m. admin: the script with nothing to do said "DRY RUN by default … -Apply writes a change record",
        // connected to the DC, printed "Run again with -Apply to change Active Directory" and carried 300 lines of
        // functions no line calls; it now says at its top that it changes nothing, and only prints what runbook.md says
        assertTrue(o.ps1().contains("\n# This run proposes no delegation change: this script changes nothing"), o.ps1());
        for (String gone : List.of("Run again with -Apply", "DRY RUN BY DEFAULT", "Get-ADDomain", "#Requires",
                "function ")) {
            assertFalse(o.ps1().contains(gone), gone + ": " + o.ps1());
        }
        assertTrue(o.ps1().lines().count() < 30, o.ps1());
    }

    /**
     * A baseline.yaml in {@code dir} documenting no host, with the {@code waivers} given (YAML list items) and one
     * waiver of BASELINE_HOST_NEW for each of {@code newHosts}.
     */
    private static void waivedBaseline(Path dir, String waivers, List<String> newHosts) throws java.io.IOException {
        StringBuilder b = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts: {}\nwaivers:\n").append(waivers);
        for (String h : newHosts) {
            b.append("  - rule: BASELINE_HOST_NEW\n    host: ").append(h)
                    .append("\n    justification: \"joined\"\n    expires: 2027-06-30\n");
        }
        Files.writeString(dir.resolve("baseline.yaml"), b.toString());
    }

    /**
     * A GO whose only findings are waived (a stale entry to a removed host, the nodes the baseline does not document):
     * page 1, which the CAB signs, said "no finding above INFO (waived ones not counted)" without saying that 7 are
     * waived, which the console, the executive summary, the runbooks and the mail count.
     */
    @Test
    void goWithWaiversOnly() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 3), nodes("HVB", 2)), "", (ds, dir) -> {
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/OLDHOST", "cifs/oldhost.contoso.com"));
            waivedBaseline(dir, """
                      - rule: STALE_DELEGATION
                        host: HVA01
                        justification: "CHG0042 removal scheduled"
                        expires: 2027-03-31
                    """, List.of("HVA01", "HVA02", "HVA03", "HVB01", "HVB02"));
        });
        assertAgree(o);
        assertEquals(0, o.view().clustersNoGo());
        assertEquals(7, o.view().counts().waivedTotal());
        assertTrue(o.page1().contains("Open: no finding above INFO; 7 waived findings not counted. "), o.page1());
    }

    /**
     * Every finding waived: no open finding, one direction failing under its waiver. The cluster's status reads
     * "Attention" beside 0/0/0/0 findings; the legends of the PDF and the workbook said "Attention = MEDIUM or LOW
     * findings" only, which the row contradicted.
     */
    @Test
    void everyFindingWaived() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 3)), "", (ds, dir) -> {
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVA02", "cifs/hva02.contoso.com"));
            waivedBaseline(dir, """
                      - rule: MISSING_DELEGATION
                        host: HVA01
                        peer: HVA02
                        justification: "CHG0042"
                        expires: 2027-06-30
                    """, nodes("HVA", 3));
        });
        assertAgree(o);
        assertTrue(o.doc().findings().stream().allMatch(Finding::isWaived) && o.doc().findings().size() == 5,
                "every finding waived");
        ReportView.ClusterView c = o.view().clusters().get(0);
        assertEquals(Status.AMBER, c.status(), "a pair fails under a waiver");
        assertEquals(0, c.counts().openTotal());
        String legend = "Attention = MEDIUM or LOW findings, or a pair that fails only through waived findings (for"
                + " the whole run: also a cluster not audited)";
        assertTrue(o.pdf().contains(legend), o.pdf());
        String note = "";
        for (Row r : o.xlsx().getSheet("Summary")) {
            Cell first = r.getCell(0);
            if (first != null && first.getCellType() == CellType.STRING && first.getStringCellValue()
                    .startsWith("Status: ")) {
                note = first.getStringCellValue();
            }
        }
        assertTrue(note.contains(legend), note);
        // nothing to change and nothing to decide: the headline said "No scripted change to Active Directory", as if
        // a change were to be made by hand, beside page 1's "No change to Active Directory is proposed"
        assertTrue(o.view().decisions().isEmpty() && !o.view().plan().hasChanges(), "nothing to change or decide");
        assertTrue(o.view().headline().endsWith(" No change to Active Directory is proposed."), o.view().headline());
        for (String out : List.of(o.md().replace("\\_", "_"), o.page1(), o.mail())) {
            assertTrue(out.contains(o.view().headline()), out);
            assertFalse(out.contains("No scripted change"), out);
        }
        // the runbook's waiver line pointed at "the plan below", which a run without a change does not have
        assertTrue(o.md().contains("(CHG0042). No change is proposed for these findings: nothing to change or validate."),
                o.md());
        assertFalse(o.md().contains("The plan below") || o.html().contains("The plan below"), o.md());
    }

    /**
     * A baseline documents the full mesh; HV01 was rebuilt and lost every entry to HV02 (MISSING_DELEGATION waived on
     * HV01: "delegation to be re-added after burn-in"), and HV03 keeps two entries to a retired host (STALE_DELEGATION
     * waived on HV03). The same entries are also drift against the baseline (BASELINE_ENTRY_REMOVED, HIGH, and
     * BASELINE_ENTRY_ADDED): they were counted open beside their waived twins, kept HVC1 NO-GO, and the runbook's
     * decisions offered to add HV01's entries back and to remove HV03's, reversing the waivers. The waiver of the
     * entries covers their drift: waived under the same terms, counted for that waiver, no command against it.
     */
    @Test
    void aWaiverCoversTheBaselineDriftOfTheEntriesItWaives() throws Exception {
        List<String> nodes = nodes("HV", 3);
        java.time.LocalDate end = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(60);
        Outputs o = scenario(List.of(nodes), "", (ds, dir) -> {
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HV02", "cifs/hv02.contoso.com", Hosts.MIG + "/HV02",
                    Hosts.MIG + "/hv02.contoso.com"));
            ds.modify("CN=HV03,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/OLDHOST", "cifs/oldhost.contoso.com"));
            documentedBaseline(dir, nodes, ("""
                      - rule: MISSING_DELEGATION
                        host: HV01
                        justification: "HV01 rebuilt under CHG0101; delegation to be re-added after burn-in"
                        expires: END
                      - rule: STALE_DELEGATION
                        host: HV03
                        justification: "OLDHOST retired, CHG0102 removes its entries"
                        expires: END
                    """).replace("END", end.toString()));
        });
        assertAgree(o);
        List<Finding> removed = o.doc().findings().stream().filter(f -> f.rule().equals("BASELINE_ENTRY_REMOVED"))
                .toList();
        List<Finding> added = o.doc().findings().stream().filter(f -> f.rule().equals("BASELINE_ENTRY_ADDED")).toList();
        assertEquals(4, removed.size(), removed.toString());
        assertEquals(2, added.size(), added.toString());
        for (Finding f : removed) {
            assertTrue(f.isWaived(), f.toString());
            assertEquals("HV01 rebuilt under CHG0101; delegation to be re-added after burn-in", f.waiver().justification());
            assertEquals(end, f.waiver().expires());
        }
        for (Finding f : added) {
            assertTrue(f.isWaived(), f.toString());
            assertEquals("OLDHOST retired, CHG0102 removes its entries", f.waiver().justification());
        }
        assertTrue(o.doc().findings().stream().filter(f -> !f.rule().startsWith("WAIVER_")).allMatch(Finding::isWaived),
                o.doc().findings().toString());
        assertEquals(0, o.view().clustersNoGo(), "the waivers are the whole story: HVC1 is GO");
        // each waiver counts the drift it covers: 4 + 4 on HV01, 2 + 2 on HV03
        assertEquals(List.of(8, 4), o.doc().baseline().waivers().stream().map(HistorySections.WaiverDoc::findings)
                .toList());
        // no step or decision undoes a waiver: neither HV01's entries added back nor HV03's removed (the PDF's list of
        // findings gives each waived finding's remedy for when its waiver ends, as for the waived finding itself)
        List<String> outs = List.of(o.md(), o.html(), o.ps1());
        for (int k = 0; k < outs.size(); k++) {
            assertFalse(outs.get(k).contains("'HV01$' -Add"), k + ": " + outs.get(k));
            assertFalse(outs.get(k).contains("'HV03$' -Remove"), k + ": " + outs.get(k));
        }
        assertTrue(o.view().decisions().isEmpty(), o.view().decisions().toString());
        for (Finding f : removed) {
            assertEquals("Yes", ReportRemedies.findingCell(o.xlsx(), f.id(), "Waived"), f.id());
        }
    }

    /**
     * A baseline decision asks two ways ("If the removal was intended, capture a new baseline; else restore it"), and
     * its command carries out the second: labelled "If so", it read as "if the removal was intended, restore it" (and,
     * for an entry added, "if you keep it, remove it"). Every output labels the command by what it does.
     */
    @Test
    void aBaselineDecisionsCommandIsLabelledByWhatItDoes() throws Exception {
        List<String> nodes = nodes("HV", 3);
        Outputs o = scenario(List.of(nodes), "", (ds, dir) -> {
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "HOST/HV02"));
            documentedBaseline(dir, nodes, "");
            Path file = dir.resolve("baseline.yaml");
            Files.writeString(file, Files.readString(file).replaceFirst("(  HV02:\n(?:    .*\n)*?    delegateTo: \\[)",
                    "$1\"HOST/HV03\", "));
        });
        assertAgree(o);
        String restore = "Set-ADComputer -Identity 'HV02$' -Add @{'msDS-AllowedToDelegateTo'=@('HOST/HV03')}";
        String remove = "Set-ADComputer -Identity 'HV01$' -Remove @{'msDS-AllowedToDelegateTo'=@('HOST/HV02')}";
        assertTrue(o.md().contains("  To decide: If the removal was intended, capture a new baseline after review;"
                + " else restore it.\n  To restore it: `" + restore), o.md());
        assertTrue(o.md().contains(" or remove it.\n  To remove it: `" + remove), o.md());
        assertFalse(o.md().contains("If so: `" + restore) || o.md().contains("If so: `" + remove), o.md());
        assertTrue(o.html().contains("else restore it.<br><strong>To restore it:</strong><pre>"), o.html());
        assertTrue(o.html().contains("or remove it.<br><strong>To remove it:</strong><pre>"), o.html());
        String pdf = o.pdf().replace(" ", "");
        assertTrue(pdf.contains(("To restore it: " + restore).replace(" ", "")), o.pdf());
        assertTrue(pdf.contains(("To remove it: " + remove).replace(" ", "")), o.pdf());
        assertFalse(pdf.contains(("If so: " + restore).replace(" ", "")), o.pdf());
        // the finding's remediation, as findings.json, the workbook and the mail give it
        Finding removed = o.doc().findings().stream().filter(f -> f.rule().equals("BASELINE_ENTRY_REMOVED"))
                .findFirst().orElseThrow();
        assertTrue(removed.remediation().startsWith("If the removal was intended, capture a new baseline after review;"
                + " else restore it. To restore it: Add 'HOST/HV03' to HV02's"), removed.remediation());
    }

    /**
     * HVC1 is GO only because the waiver of its failing pair holds, and that waiver ends in three days; HVC2's ends in
     * five, HVC3's in thirty. Page 1 said "HVA01→HVA02 (waived until …)" and that a waived blocker makes its cluster
     * NO-GO once its waiver ends, but not that this happens within days: a CAB approving next week's window, the mail's
     * reader and the admin at the console saw a plain GO.
     */
    @Test
    void aWaiverThatKeepsAClusterGoEndingWithinDaysIsSaidInEveryOutput() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        List<java.time.LocalDate> ends = List.of(today.plusDays(3), today.plusDays(5), today.plusDays(30));
        List<String> prefixes = List.of("HVA", "HVB", "HVC");
        Outputs o = scenario(prefixes.stream().map(p -> nodes(p, 2)).toList(), "", (ds, dir) -> {
            StringBuilder waivers = new StringBuilder();
            for (int i = 0; i < prefixes.size(); i++) {
                String from = prefixes.get(i) + "01";
                String to = prefixes.get(i) + "02";
                ds.modify("CN=" + from + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(
                        ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/" + to,
                        "cifs/" + to.toLowerCase(java.util.Locale.ROOT) + ".contoso.com"));
                waivers.append("  - rule: MISSING_DELEGATION\n    host: ").append(from).append("\n    peer: ").append(to)
                        .append("\n    justification: \"CHG0042\"\n    expires: ").append(ends.get(i)).append('\n');
            }
            waivedBaseline(dir, waivers.toString(), prefixes.stream().flatMap(p -> nodes(p, 2).stream()).toList());
        });
        assertAgree(o);
        assertEquals(0, o.view().clustersNoGo());
        String warning = "Waivers ending soon: HVC1 turns NO-GO on " + ends.get(0).plusDays(1) + ", when the waiver of"
                + " MISSING_DELEGATION HVA01 -> HVA02 ends (valid through " + ends.get(0) + "); HVC2 on "
                + ends.get(1).plusDays(1) + ", when the waiver of MISSING_DELEGATION HVB01 -> HVB02 ends (valid through "
                + ends.get(1) + "); renew them or fix what they waive before any patch window on or after "
                + ends.get(0).plusDays(1) + ".";
        assertTrue(o.view().headline().contains(warning), o.view().headline());
        assertFalse(o.view().headline().contains("HVC3"), "30 days is not soon: " + o.view().headline());
        for (String out : List.of(o.page1(), o.md().replace("\\_", "_"), o.html().replace("&gt;", ">"), o.mail(),
                o.console(), row(o.xlsx().getSheet("Summary"), "Headline").getCell(1).getStringCellValue())) {
            assertTrue(out.contains(warning), out);
        }
        assertEquals(1, o.mail().split(java.util.regex.Pattern.quote("Waivers ending soon"), -1).length - 1,
                "the mail says it once: " + o.mail());
    }

    /**
     * A run with nothing to fix but a waiver that keeps a cluster GO ending within days: the headline said "No change is
     * needed." and then that a waiver ends soon and must be renewed or fixed; it says no change is needed before the
     * day the cluster turns NO-GO.
     */
    @Test
    void anAllClearRunWithAWaiverEndingSoonSaysNoChangeIsNeededBeforeItEnds() throws Exception {
        java.time.LocalDate end = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3);
        Outputs o = scenario(List.of(nodes("HVA", 2)), "", (ds, dir) -> {
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "userAccountControl", String.valueOf(0x1000 | 0x80000)));
            waivedBaseline(dir, "  - rule: UNCONSTRAINED_DELEGATION\n    host: HVA01\n    justification: \"CHG0042\"\n"
                    + "    expires: " + end + "\n", nodes("HVA", 2));
        });
        assertAgree(o);
        String headline = o.view().headline();
        assertTrue(headline.startsWith("Live migration is correctly delegated in every audited cluster. No change is"
                + " needed before " + end.plusDays(1) + ". Waiver ending soon: HVC1 turns NO-GO on " + end.plusDays(1)),
                headline);
        assertFalse(headline.contains("No change is needed."), headline);
        // the runbooks' and the script's own sentence said "No directory (delegation) change is needed." under it
        String before = " change is needed before " + end.plusDays(1) + ".";
        assertTrue(o.md().contains("\n**No directory" + before + "**\n"), o.md());
        assertTrue(o.html().contains("<strong>No directory" + before + "</strong>"), o.html());
        assertTrue(o.ps1().contains("\nWrite-Host 'No delegation" + before + "'\n"), o.ps1());
    }

    /**
     * The sentence of a waiver ending soon (e7c71d9e) and the runbooks' line of an active waiver (6c4ff744) with a
     * cluster named, and the waiver justified, with quotes of every kind, tags, PowerShell syntax and a line feed: every
     * output shows them and none runs or renders them; the console prints the sentence on one line.
     */
    @Test
    void aWaiverEndingSoonOfAHostileClusterAndJustificationStaysDataInEveryOutput() throws Exception {
        java.time.LocalDate end = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3);
        String cluster = "HVC\u2019<b>PWN</b>$(PWN)'=+@";
        String justification = "CHG\u2019<b>PWN</b>$(PWN)'\n=PWN";
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes("HVA", 2));
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVA02", "cifs/hva02.contoso.com"));
            waivedBaseline(tmp, "  - rule: MISSING_DELEGATION\n    host: HVA01\n    peer: HVA02\n    justification: "
                    + yaml(justification) + "\n    expires: " + end + "\n", nodes("HVA", 2));
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, List.of(nodes("HVA", 2))).replace("name: HVC1", "name: " + yaml(cluster)));
            Outputs o = run(cfg, "out", null);
            assertAgree(o);
            String warning = "Waiver ending soon: " + cluster + " turns NO-GO on " + end.plusDays(1);
            assertTrue(o.view().headline().contains(warning), o.view().headline());
            assertTrue(o.console().contains(warning), o.console());
            // the administrator's prose on one line (HistoryContext), its tag escaped
            assertTrue(o.md().contains("(CHG\u2019\\<b>PWN\\</b>$(PWN)' =PWN). No change is proposed"), o.md());
            assertHostileStaysData(o);
        } finally {
            ds.shutDown(true);
        }
    }

    /** {@code v} as a YAML double-quoted scalar. */
    private static String yaml(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /**
     * The only finding outside every cluster (an operator not found) is waived: the PDF's and the workbook's cluster
     * tables added a row "not tied to a cluster" reading OK and 0/0/0/0, which the console and the mail leave out.
     */
    @Test
    void aWaivedFindingOutsideEveryClusterAddsNoRow() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 2)), "policy:\n  operators: [\"No Such Group\"]\n", (ds, dir) ->
                waivedBaseline(dir, """
                          - rule: OPERATOR_NOT_FOUND
                            host: No Such Group
                            justification: "group created with CHG0050"
                            expires: 2027-03-31
                        """, nodes("HVA", 2)));
        assertAgree(o);
        assertEquals(0, o.view().unclustered().openTotal());
        assertEquals(1, o.view().unclustered().waivedTotal());
        assertFalse(o.pdf().contains("Not tied to a cluster"), o.pdf());
        for (String sheet : List.of("Summary", "Clusters")) {
            for (Row r : o.xlsx().getSheet(sheet)) {
                Cell c = r.getCell(0);
                assertFalse(c != null && c.getCellType() == CellType.STRING && c.getStringCellValue()
                        .startsWith(ReportView.UNCLUSTERED), sheet + " row " + r.getRowNum());
            }
        }
        assertFalse(o.console().contains(ReportView.UNCLUSTERED) || o.mail().contains(ReportView.UNCLUSTERED),
                o.console());
    }

    @Test
    void lowFindingsOnly() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 2)), "policy:\n  operators: [\"No Such Group\"]\n", (ds, dir) -> {
            TestDirectory.addWorkstations(ds, 1);
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/WS00001"));
        });
        assertAgree(o);
        assertEquals(2, o.view().counts().open(Severity.LOW));
        assertEquals(o.view().counts().open(Severity.LOW), o.view().counts().openTotal());
        assertTrue(o.console().contains("No open HIGH or MEDIUM findings: every configured pair can live-migrate"),
                o.console());
        // remediation.ps1 says what runbook.md says: nothing scripted, but decisions whose yes changes the directory
        assertTrue(o.md().contains("**No scripted directory change.** Review the findings listed under \"Needs a"
                + " decision\" below."), o.md());
        assertFalse(o.ps1().contains("No delegation change is needed"), o.ps1());
        assertTrue(o.ps1().contains("\nWrite-Host 'No scripted delegation change. Review the findings listed under"
                + " \"Needs a decision\" in runbook.md.'\n"), o.ps1());
    }

    /**
     * The only change is a host setting (a node migrating with CredSSP): no object of Active Directory changes, as the
     * workbook (0 objects) and page 1 say. The runbooks opened with "Objects to change: ." — a list of nothing.
     */
    @Test
    void aHostSettingAloneChangesNoObject() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 2)), "hostSettings:\n  sources: [\"vmhost.csv\"]\n", (ds, dir) ->
                Files.writeString(dir.resolve("vmhost.csv"), """
                        "ComputerName","VirtualMachineMigrationEnabled","VirtualMachineMigrationAuthenticationType"
                        "HVA01","True","Kerberos"
                        "HVA02","True","CredSSP"
                        """));
        assertAgree(o);
        assertTrue(o.view().plan().hasChanges() && o.view().plan().objectsChanged() == 0, "a host setting alone");
        assertEquals(0, (int) row(o.xlsx().getSheet("Summary"), "Objects the change touches").getCell(1)
                .getNumericCellValue());
        for (String runbook : List.of(o.md(), o.html().replace("<strong>", "").replace("</strong>", ""))) {
            assertFalse(runbook.contains("Objects to change"), runbook);
            assertTrue(runbook.contains("Actions on the hosts (step 3): HVA02 (Kerberos for live migration:"
                    + " Set-VMHost)."), runbook);
            // the ticket names what changes: the host, as no object in Active Directory does
            assertTrue(runbook.contains("The change ticket is approved and names the host actions above."), runbook);
        }
    }

    /**
     * A small shop: one 2-node cluster, correct but for HV02, whose password predates the domain's AES keys, and an
     * operator in Protected Users. The whole change is a password reset run on HV02, which remediation.ps1 does not
     * run and nothing rolls back; yet page 1 said "Made with remediation.ps1 -Apply (it records what it changes;
     * -Rollback reverts exactly that)", the executive summary "update 1 object in Active Directory (0 entries added,
     * removed or registered)" and "-Rollback undoes exactly that", the runbooks' step 2 gave ADUC's Delegation tab for
     * no host and their rollback "the inverse commands below" with none below, and the script's dry run asked for
     * -Apply "to change Active Directory", which then changed nothing.
     */
    @Test
    void aPasswordResetOnTheHostIsTheWholeChange() throws Exception {
        Outputs o = scenario(List.of(nodes("HV", 2)), "policy:\n  operators: [adm-ops]\n", (ds, dir) -> {
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, "20120310091500.0Z");
            TestDirectory.pwdLastSet(ds, "CN=HV02,OU=Hyper-V," + TestDirectory.BASE, "2011-05-02T10:00:00Z");
            ds.add("dn: CN=adm-ops,CN=Users," + TestDirectory.BASE, "objectClass: user", "cn: adm-ops",
                    "sAMAccountName: adm-ops", "userAccountControl: 512");
            protectedUsers(ds, "CN=adm-ops,CN=Users," + TestDirectory.BASE);
        });
        assertAgree(o);
        assertEquals(List.of("AES_KEYS_MISSING", "OPERATOR_NOT_DELEGABLE"), o.doc().findings().stream()
                .map(Finding::rule).toList());
        assertTrue(o.page1().contains("Made on 1 host by a command run there, which runbook.md lists; remediation.ps1"
                + " has no step for it and nothing to roll back; no reboot, no VM downtime. Validation: 2 test moves,"
                + " each started on its source node; then kcd-audit preflight for each cluster must say GO."), o.page1());
        assertTrue(o.pdf().contains("Proposed change: on 1 host, by a command run there (runbook.md, On the hosts):"
                + " reset computer passwords (AES keys), which writes the new password of 1 object to Active Directory."
                + " No reboot, no VM downtime;"), o.pdf());
        assertTrue(o.pdf().contains("Risk: low. remediation.ps1 has no step for this change: it is made on the hosts"
                + " and is not rolled back (runbook.md, Rollback, says why). Validation: a test VM"), o.pdf());
        for (String runbook : List.of(o.md(), o.html())) {
            assertTrue(runbook.contains("Nothing changes in ADUC or with remediation.ps1: the change is made on the"
                    + " hosts (step 3)."), runbook);
            assertFalse(runbook.contains("Delegation</strong> tab") || runbook.contains("Delegation** tab"), runbook);
            assertTrue(runbook.contains("Nothing was changed in ADUC or with remediation.ps1, so neither has anything"
                    + " to roll back."), runbook);
            assertFalse(runbook.contains("inverse commands below") || runbook.contains("-Rollback -Apply"), runbook);
        }
        assertFalse(o.ps1().contains("to change Active Directory") || o.ps1().contains("Open-ChangeRecord\n"), o.ps1());
        assertTrue(o.ps1().contains("\n    Write-Host 'No scripted change to Active Directory: the change is made on"
                + " the hosts (runbook.md step 3), by the commands below, which this script does not run.'\n"), o.ps1());
        assertFalse(o.ps1().contains("Dry run: nothing was changed."), o.ps1());
        assertTrue(o.ps1().contains("\n    Write-Host '  HV02: Reset-ComputerMachinePassword -Server ''dc1.contoso.com'''\n"),
                o.ps1());
        // nor does the script say that it wrote to another DC, nor the runbook's contents count a step 2 of 0 hosts
        assertFalse(o.ps1().contains("this run wrote to"), o.ps1());
        assertTrue(o.ps1().contains("Write-Host ('  (-Server is {0}, from which the next step replicates: where a command"
                + " above names -Server ''dc1.contoso.com'', give -Server ''{1}'')' -f $Server,"), o.ps1());
        assertFalse(o.html().contains("(0 hosts)"), o.html());
    }

    /** The domain's Protected Users group (RID 525), {@code member} its one member. */
    private static void protectedUsers(InMemoryDirectoryServer ds, String member) throws LDAPException {
        com.unboundid.ldap.sdk.Entry pu = new com.unboundid.ldap.sdk.Entry("CN=Protected Users,CN=Users," + TestDirectory.BASE);
        pu.addAttribute("objectClass", "group");
        pu.addAttribute("member", member);
        pu.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-525"));
        ds.add(pu);
    }

    /**
     * Operators only: a group with a member of a trusted domain (a foreign security principal), a disabled admin and
     * one in Protected Users. Every output counts the same findings (1 MEDIUM, 2 LOW, none tied to a cluster); the
     * runbooks name each operator with why, and keep the protection (no "remove from Protected Users").
     */
    @Test
    void operatorFindingsAreCountedAlikeAndNamedInTheRunbooks() throws Exception {
        String fsp = "CN=S-1-5-21-1111-2222-3333-1104,CN=ForeignSecurityPrincipals," + TestDirectory.BASE;
        Outputs o = scenario(List.of(nodes("HV", 2)), "policy:\n  operators: [adm-ops, adm-left, HV Movers]\n",
                (ds, dir) -> {
                    ds.modify(TestDirectory.BASE, new Modification(ModificationType.ADD, "objectSid",
                            Sids.toBytes(Hosts.DOMAIN_SID)));
                    ds.add("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users");
                    ds.add("dn: CN=ForeignSecurityPrincipals," + TestDirectory.BASE, "objectClass: container",
                            "cn: ForeignSecurityPrincipals");
                    ds.add("dn: CN=adm-ops,CN=Users," + TestDirectory.BASE, "objectClass: user", "cn: adm-ops",
                            "sAMAccountName: adm-ops", "userAccountControl: 512");
                    ds.add("dn: CN=adm-left,CN=Users," + TestDirectory.BASE, "objectClass: user", "cn: adm-left",
                            "sAMAccountName: adm-left", "userAccountControl: 514");
                    ds.add("dn: " + fsp, "objectClass: foreignSecurityPrincipal",
                            "cn: S-1-5-21-1111-2222-3333-1104");
                    ds.add("dn: CN=HV Movers,CN=Users," + TestDirectory.BASE, "objectClass: group", "cn: HV Movers",
                            "sAMAccountName: HV Movers", "member: " + fsp);
                    protectedUsers(ds, "CN=adm-ops,CN=Users," + TestDirectory.BASE);
                });
        assertAgree(o);
        assertEquals(List.of("OPERATOR_NOT_DELEGABLE adm-ops", "OPERATOR_NOT_FOUND HV Movers",
                "OPERATOR_NOT_FOUND adm-left"), o.doc().findings().stream().map(f -> f.rule() + " " + f.host())
                .sorted().toList());
        assertEquals(1, o.view().counts().open(Severity.MEDIUM));
        assertEquals(2, o.view().counts().open(Severity.LOW));
        for (String runbook : List.of(o.md(), o.html())) {
            assertTrue(runbook.contains("adm-ops") && runbook.contains("is in Protected Users"), runbook);
            assertTrue(runbook.contains("Keep the protection"), runbook);
            assertTrue(runbook.contains("S-1-5-21-1111-2222-3333-1104") && runbook.contains("adm-left"), runbook);
        }
    }

    /**
     * 41 clusters, every one GO with every pair OK: page 1 counts the clusters it does not list without pointing to
     * failing directions and to a "Compliance per cluster" list of clusters not OK, neither of which there is; that
     * section said "41 further clusters with status OK" under a table header with no row above it, then the legend of
     * the columns of that empty table.
     */
    @Test
    void manyClustersAllGo() throws Exception {
        List<List<String>> clusters = new ArrayList<>();
        for (int i = 0; i < 41; i++) {
            clusters.add(nodes("H" + (char) ('A' + i / 26) + (char) ('A' + i % 26), 2));
        }
        Outputs o = scenario(clusters, "", (ds, dir) -> { });
        assertAgree(o);
        assertTrue(o.page1().contains("… and 31 more clusters: 0 NO-GO, 31 GO. Every cluster with its figures: the"
                + " Summary sheet of audit.xlsx. "), o.page1());
        assertFalse(o.page1().contains("failing direction"), o.page1());
        String compliance = o.pdf().substring(o.pdf().indexOf("Compliance per cluster"), o.pdf().indexOf(
                "Findings by severity"));
        assertTrue(compliance.contains("All 41 clusters have status OK and every pair OK: each with its figures on the"
                + " Summary sheet of audit.xlsx."), compliance);
        assertFalse(compliance.contains("further") || compliance.contains("Findings H/M/L/I")
                || compliance.contains("Node pairs OK: directed pairs"), compliance);
    }

    /**
     * A cluster drawn with only the hosts of its failing pairs (over reports.pdfMatrixMaxNodes), one pair failing: its
     * matrix said "only the 1 source and 1 destination hosts of failing pairs are shown".
     */
    @Test
    void aLargeClusterWithOneFailingPair() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 3)), "reports:\n  pdfMatrixMaxNodes: 2\n", (ds, dir) ->
                ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                        "msDS-AllowedToDelegateTo", "cifs/HVA02")));
        assertAgree(o);
        assertTrue(o.pdf().contains("3 nodes; only the 1 source host and 1 destination host of the failing pair are"
                + " shown (the full matrix is in audit.xlsx)"), o.pdf());
    }

    /** 40 clusters, every other one NO-GO: the console, page 1 and the mail name some and count the others. */
    @Test
    void fortyClusters() throws Exception {
        List<List<String>> clusters = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            clusters.add(nodes("H" + (char) ('A' + i / 26) + (char) ('A' + i % 26), 2));
        }
        Outputs o = scenario(clusters, "", (ds, dir) -> {
            for (int i = 0; i < 40; i += 2) {
                ds.modify("CN=" + clusters.get(i).get(0) + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(
                        ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/" + clusters.get(i).get(1)));
            }
        });
        assertAgree(o);
        assertEquals(20, o.view().clustersNoGo());
        // each output names some clusters and counts the rest: named + counted is every cluster, NO-GO and GO
        Matcher console = Pattern.compile("… and (\\d+) more clusters \\((\\d+) NO-GO, (\\d+) GO\\)").matcher(o.console());
        assertTrue(console.find(), o.console());
        long consoleRows = o.console().lines().filter(l -> l.matches("HVC\\d+ .*")).count();
        assertEquals(40, consoleRows + Integer.parseInt(console.group(1)), o.console());
        long consoleNoGo = o.doc().clusters().stream().filter(c -> !c.go()).map(FindingsDocument.ClusterDoc::name)
                .filter(n -> o.console().lines().anyMatch(l -> l.startsWith(n + " "))).count();
        assertEquals(20, consoleNoGo + Integer.parseInt(console.group(2)), o.console());
        Matcher page = Pattern.compile("… and (\\d+) more clusters: (\\d+) NO-GO, (\\d+) GO").matcher(o.page1());
        assertTrue(page.find(), o.page1());
        long pageRows = o.doc().clusters().stream().filter(c -> o.page1().contains(" " + c.name() + " NO-GO ")
                || o.page1().contains(" " + c.name() + " GO ")).count();
        assertEquals(40, pageRows + Integer.parseInt(page.group(1)), o.page1());
        assertEquals(20, o.doc().clusters().stream().filter(c -> o.page1().contains(" " + c.name() + " NO-GO "))
                .count() + Integer.parseInt(page.group(2)), o.page1());
        Matcher mail = Pattern.compile("… and (\\d+) more clusters: (\\d+) NO-GO, (\\d+) GO").matcher(o.mail());
        assertTrue(mail.find(), o.mail());
        long mailRows = o.mail().lines().filter(l -> l.matches("- HVC\\d+: (NO-)?GO, .*")).count();
        assertEquals(40, mailRows + Integer.parseInt(mail.group(1)), o.mail());
        assertEquals(40, o.xlsx().getSheet("Clusters").getLastRowNum(), "every cluster on the Clusters sheet");
    }

    /**
     * A cluster GO today is not told what it will be "after the change" on page 1: the mail says it only of NO-GO
     * clusters, and "GO / after the change: GO expected" read as if the change were needed there too.
     */
    @Test
    void aClusterGoTodayHasNoAfterTheChangeOnPageOne() throws Exception {
        List<List<String>> clusters = List.of(nodes("HA", 2), nodes("HB", 2));
        Outputs o = scenario(clusters, "", (ds, dir) -> ds.modify("CN=HB01,OU=Hyper-V," + TestDirectory.BASE,
                new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/HB02")));
        assertAgree(o);
        assertTrue(o.page1().contains(" HVC1 GO "), o.page1());
        assertFalse(o.page1().contains(" HVC1 GO after the change"), o.page1());
        assertTrue(o.page1().contains(" HVC2 NO-GO after the change: GO expected "), o.page1());
        // the mail's decision table says "none" where page 1 does, not an empty cell
        String hvc1 = o.mailHtml().substring(o.mailHtml().indexOf(">HVC1</td>"));
        hvc1 = hvc1.substring(0, hvc1.indexOf("</tr>"));
        assertTrue(hvc1.endsWith("<td style=\"padding:4px\">none</td><td style=\"padding:4px\">none</td>"), hvc1);
        // the workbook: GO after the change only "expected" where the change is what makes it GO
        assertEquals(List.of("GO", "GO expected"), patchWindowAfter(o));
    }

    /** A second run against the first: new and resolved findings agree between the console, the PDF and the workbook. */
    @Test
    void aSecondRunWithDrift() throws Exception {
        List<List<String>> clusters = List.of(nodes("HVA", 3), nodes("HVB", 2));
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            for (List<String> c : clusters) {
                TestDirectory.addCluster(ds, c);
            }
            ds.modify("CN=HVB01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVB02"));
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, clusters));
            Outputs first = run(cfg, "first", null);
            assertAgree(first);
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVA02", "cifs/hva02.contoso.com"));
            ds.modify("CN=HVB01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/HVB02"));
            Outputs o = run(cfg, "second", first.doc());
            assertAgree(o);
            HistorySections.HistoryDoc h = o.doc().history();
            assertEquals(first.doc().runId(), h.previousRunId());
            String counted = h.newFindings().size() + " new, " + h.resolvedFindings().size() + " resolved findings";
            // the console counts the change records (CHANGED_SINCE_LAST_RUN, INFO) apart from the new problems
            assertTrue(o.console().contains(": " + h.countedApart(o.doc().findings().stream()
                    .filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")).map(org.kcdauditor.model.Finding::id)
                    .toList()) + "."), o.console());
            assertTrue(o.pdf().contains(": " + counted + "."), o.pdf());
            assertTrue(row(o.xlsx().getSheet("Summary"), "Previous run").getCell(1).getStringCellValue()
                    .endsWith(": " + counted), "the workbook says the same");
            assertTrue(o.mail().contains("RESOLVED (1)"), o.mail());
            assertTrue(o.mail().startsWith("[kcd-audit] 2 clusters: 2 new HIGH findings"), o.mail());
            // one direction to validate is one, not "each of the 1 affected direction" / "1 test move, each"
            assertEquals(1, o.view().plan().validate().size());
            StringBuilder sheet = new StringBuilder();
            o.xlsx().getSheet("Runbook").forEach(r -> r.forEach(c -> sheet.append(c).append(' ')));
            for (String out : List.of(o.pdf(), o.page1(), sheet.toString())) {
                assertFalse(out.contains("each of the 1 ") || out.contains("1 test move, each"), out);
            }
            assertTrue(o.page1().contains("Validation: 1 test move, started on its source node;"), o.page1());
            assertTrue(o.pdf().contains("a test VM is live-migrated in the 1 affected direction, started on its"
                    + " source node"), o.pdf());
        } finally {
            ds.shutDown(true);
        }
    }

    /** Two directories: the counts agree, and each cluster's verdict is the same in every output. */
    @Test
    void twoDirectories() throws Exception {
        twoDomains((ds, fb) -> {
            Outputs o = run(twoDomainsConfig(ds, fb), "out", null);
            assertAgree(o);
            assertEquals(2, o.view().clustersNoGo());
            // each domain's change is replicated from its own DC
            assertTrue(o.md().contains("repadmin /syncall dc1.contoso.com /AdeP") && o.md().contains(
                    "repadmin /syncall dc1.fabrikam.com /AdeP"), o.md());
        });
    }

    /**
     * Two domains migrating into each other through resource-based delegation, and a service account of contoso that
     * holds HVF01's migration SPN: contoso's KDC, which HVA01-03 ask, finds it there and refers them nowhere, so the
     * pairs from contoso into HVF01 are blocked by DUPLICATE_SPN (read OK before), and every output says so alike,
     * the SPN taken off in contoso.
     */
    @Test
    void aHolderInTheSourcesDomainOfATargetsSpn() throws Exception {
        twoDomains((ds, fb) -> {
            Outputs o = contosoHolderOf(ds, fb, Hosts.MIG + "/hvf01.fabrikam.com");
            assertAgree(o);
            List<org.kcdauditor.model.Finding> dup = o.doc().findings().stream()
                    .filter(f -> f.rule().equals("DUPLICATE_SPN")).toList();
            assertEquals(1, dup.size(), o.doc().findings().toString());
            assertEquals("HVF01", dup.get(0).host());
            assertEquals("contoso.com", dup.get(0).evidence().holders().get(0).domain());
            assertEquals(3, dup.get(0).evidence().pairs().size(), dup.get(0).evidence().pairs().toString());
            String dn = "CN=svc-old,CN=Users," + TestDirectory.BASE;
            for (String out : List.of(o.md(), o.html(), o.ps1())) {
                assertTrue(out.contains(dn), out);
            }
            // its removal is checked forest-wide: setspn -X, in one domain, lists nothing before or after
            for (String out : List.of(dup.get(0).remediation(), o.pdf())) {
                assertTrue(out.contains("then check with setspn -F -Q on that SPN") && !out.contains("setspn -X."),
                        out);
            }
            // remediation.ps1 takes it off on contoso's DC, where it lives
            int step = o.ps1().indexOf("# --- duplicate SPNs on other objects");
            assertTrue(step > 0 && o.ps1().indexOf("Use-Directory 'contoso'", step) > step, o.ps1());
            assertTrue(o.mail().contains("DUPLICATE_SPN") && o.pdf().contains("DUPLICATE_SPN"), o.mail());
            assertTrue(o.pdf().contains("contoso.com's KDC"), o.pdf());
        });
    }

    /**
     * The same with contoso read from its nodes' OU (baseDn OU=Hyper-V,DC=contoso,DC=com), svc-old outside it: every
     * output gives the verdict of the domain's DN, where the run said nothing of it (exit 0): the holders outside the
     * OU were looked up for the SPNs of contoso's own nodes only.
     */
    @Test
    void aHolderOutsideTheSourcesOuOfATargetsSpnGivesTheVerdictOfTheDomainsDn() throws Exception {
        org.kcdauditor.model.Finding dup = verdictOfTheDomainsDnFromTheOu("DUPLICATE_SPN",
                Hosts.MIG + "/hvf01.fabrikam.com");
        assertEquals("contoso.com", dup.evidence().holders().get(0).domain());
    }

    /**
     * The same for a cifs SPN HVF01 does not register at all (no HOST/hvf01.fabrikam.com either) that svc-old, outside
     * contoso's OU, registers: TARGET_SPN_NOT_REGISTERED names it, as with the domain's DN, where it read "no object
     * registers it" (the holders were looked up for the SPNs HVF01 registers only).
     */
    @Test
    void aHolderOutsideTheSourcesOuOfAnSpnATargetLacksGivesTheVerdictOfTheDomainsDn() throws Exception {
        org.kcdauditor.model.Finding f = verdictOfTheDomainsDnFromTheOu("TARGET_SPN_NOT_REGISTERED",
                "cifs/hvf01.fabrikam.com", "HOST/HVF01", "HOST/hvf01.fabrikam.com");
        assertEquals("contoso.com", f.evidence().holders().get(0).domain());
    }

    /**
     * Two domains and svc-old of contoso holding {@code spn} ({@link #contosoHolderOf}), audited with contoso's DN and
     * then with contoso's nodes' OU as base DN: every output of the second agrees, and its findings are those of the
     * first; the {@code rule} finding naming svc-old.
     */
    private org.kcdauditor.model.Finding verdictOfTheDomainsDnFromTheOu(String rule, String spn, String... offHvf01)
            throws Exception {
        org.kcdauditor.model.Finding[] named = new org.kcdauditor.model.Finding[1];
        twoDomains((ds, fb) -> {
            Outputs domain = contosoHolderOf(ds, fb, spn, offHvf01);
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, Files.readString(cfg).replace("baseDn: " + TestDirectory.BASE + "\n",
                    "baseDn: OU=Hyper-V," + TestDirectory.BASE + "\n"));
            Outputs ou = run(cfg, "ou", null);
            assertAgree(ou);
            java.util.function.Function<Outputs, List<String>> verdict = o -> o.doc().findings().stream()
                    .map(f -> String.join(" ", f.rule(), f.host(), String.valueOf(f.peer()), String.valueOf(f.spn()),
                            f.severity().toString(), f.evidence() == null ? "" : String.valueOf(f.evidence().holders())))
                    .sorted().toList();
            assertEquals(verdict.apply(domain), verdict.apply(ou));
            named[0] = ou.doc().findings().stream().filter(f -> f.rule().equals(rule) && spn.equals(f.spn()))
                    .findFirst().orElseThrow();
            assertEquals("CN=svc-old,CN=Users," + TestDirectory.BASE, named[0].evidence().holders().get(0).dn());
            assertTrue(ou.md().contains("CN=svc-old,CN=Users," + TestDirectory.BASE), ou.md());
        });
        return named[0];
    }

    /**
     * A disabled node (ACCOUNT_DISABLED, MEDIUM) blocks every pair into and out of it: the cluster is NO-GO, yet its
     * status read "Attention" (MEDIUM findings), better than a cluster with a HIGH finding and every pair OK. A cluster
     * with a pair an open finding blocks reads "Action required" in every output, and the legends say so.
     */
    @Test
    void aPairBlockedByAMediumFindingIsActionRequired() throws Exception {
        Outputs o = scenario(List.of(nodes("HVA", 3)), "", (ds, dir) -> ds.modify("CN=HVA02,OU=Hyper-V,"
                + TestDirectory.BASE, new Modification(ModificationType.REPLACE, "userAccountControl", "4098")));
        assertAgree(o);
        ReportView.ClusterView c = o.view().cluster("HVC1");
        assertFalse(c.go(), o.console());
        assertEquals(0, c.counts().open(Severity.HIGH), o.doc().findings().toString());
        assertTrue(c.failingPairs() > 0, o.console());
        assertEquals(Status.RED, c.status(), o.console());
        assertEquals("Action required", c.statusLabel());
        assertEquals("Action required", row(o.xlsx().getSheet("Summary"), "HVC1").getCell(9).getStringCellValue());
        assertTrue(o.mail().contains("- HVC1: Action required, "), o.mail());
        assertTrue(o.pdf().contains(" Action required NO-GO "), o.pdf());
        assertEquals(Status.RED, o.view().status(), "the run's status, by the same rule");
        String legend = "Action required = HIGH findings, or a pair an open finding blocks (live migration fails or"
                + " delegation is unsafe)";
        assertTrue(o.pdf().contains(legend), o.pdf());
        StringBuilder sheet = new StringBuilder();
        o.xlsx().getSheet("Summary").forEach(r -> r.forEach(x -> sheet.append(x).append('\n')));
        assertTrue(sheet.toString().contains(legend), sheet.toString());
    }

    /**
     * HVC1's pairs into HVF01 are blocked by HVC2's DUPLICATE_SPN (a contoso account holding HVF01's migration SPN,
     * which contoso's KDC finds first): HVC1 has no blocking finding of its own. It read "Attention" beside NO-GO and
     * 0/0/0/0 in the PDF and the workbook, and a bare NO-GO row of zeros on the console, with nothing saying why. Its
     * status is "Action required (blocked by findings of HVC2)" in the PDF, the workbook and the mail, and the console
     * says so under the table.
     */
    @Test
    void aClusterBlockedOnlyByAnotherClustersFindingsSaysWhose() throws Exception {
        twoDomains((ds, fb) -> {
            contosoHolderOf(ds, fb, Hosts.MIG + "/hvf01.fabrikam.com");
            // HVC1's own missing entry put back: what blocks it is HVC2's alone
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/HVA02"));
            Outputs o = run(tmp.resolve("kcd-audit.yaml"), "again", null);
            assertAgree(o);
            ReportView.ClusterView c = o.view().cluster("HVC1");
            assertFalse(c.go(), o.console());
            assertTrue(c.failingPairs() > 0, o.console());
            assertTrue(o.doc().findings().stream().filter(f -> !f.isWaived() && "HVC1".equals(f.cluster()))
                    .noneMatch(f -> f.severity() == Severity.HIGH), o.doc().findings().toString());
            String label = "Action required (blocked by findings of HVC2)";
            assertEquals(Status.RED, c.status());
            assertEquals(label, c.statusLabel());
            assertEquals(label, row(o.xlsx().getSheet("Summary"), "HVC1").getCell(9).getStringCellValue());
            assertTrue(o.pdf().contains(label), o.pdf());
            assertTrue(o.mail().contains("- HVC1: " + label + ", "), o.mail());
            assertTrue(o.console().contains("HVC1: NO-GO, blocked by findings of HVC2 (counted in its row)"),
                    o.console());
            // HVC2's own finding: no such note
            assertEquals("Action required", o.view().cluster("HVC2").statusLabel());
        });
    }

    /**
     * Two domains migrating into each other through resource-based delegation, and a service account of contoso that
     * registers cifs/hvf01.fabrikam.com itself, which HVF01 serves only through its HOST/hvf01.fabrikam.com: contoso's
     * KDC, which HVA01-03 ask, finds that account for it (the SPN before its sPNMappings alias), so the pairs from
     * contoso into HVF01 are blocked by HVF01's TARGET_SPN_NOT_REGISTERED (no finding before), and every output says so
     * alike, the SPN taken off the account in contoso and nothing registered on HVF01.
     */
    @Test
    void aHolderInTheSourcesDomainOfACifsSpnATargetServesThroughHost() throws Exception {
        twoDomains((ds, fb) -> {
            Outputs o = contosoHolderOf(ds, fb, "cifs/hvf01.fabrikam.com");
            assertAgree(o);
            assertTrue(o.doc().findings().stream().noneMatch(f -> f.rule().equals("DUPLICATE_SPN")),
                    o.doc().findings().toString());
            List<org.kcdauditor.model.Finding> unregistered = o.doc().findings().stream()
                    .filter(f -> f.rule().equals("TARGET_SPN_NOT_REGISTERED")).toList();
            assertEquals(1, unregistered.size(), o.doc().findings().toString());
            org.kcdauditor.model.Finding f = unregistered.get(0);
            assertEquals("HVF01", f.host());
            assertEquals("cifs/hvf01.fabrikam.com", f.spn());
            assertEquals("contoso.com", f.evidence().holders().get(0).domain());
            assertEquals(3, f.evidence().pairs().size(), f.evidence().pairs().toString());
            String dn = "CN=svc-old,CN=Users," + TestDirectory.BASE;
            for (String out : List.of(o.md(), o.html())) {
                assertTrue(out.contains(dn), out);
            }
            // a decision (remediation.ps1 scripts none): its yes takes the SPN off the account on contoso's DC, where it
            // lives, and registers nothing on HVF01, whose HOST/hvf01.fabrikam.com serves cifs again
            assertTrue(o.md().contains("`Set-ADObject -Identity '" + dn + "' -Remove @{servicePrincipalName="
                    + "'cifs/hvf01.fabrikam.com'} -Server 'dc1.contoso.com'`"), o.md());
            assertFalse(o.md().contains("-ServicePrincipalNames @{Add='cifs/hvf01.fabrikam.com'}"), o.md());
            assertTrue(o.mail().contains("TARGET_SPN_NOT_REGISTERED") && o.pdf().contains("TARGET_SPN_NOT_REGISTERED"),
                    o.mail());
            assertTrue(o.pdf().contains("contoso.com's KDC"), o.pdf());
        });
    }

    /**
     * HVF01 registers neither cifs/hvf01.fabrikam.com nor the HOST/hvf01.fabrikam.com that would serve it, and a service
     * account of contoso registers that cifs SPN: every pair into HVF01 is blocked by its TARGET_SPN_NOT_REGISTERED,
     * which read "no object registers it" and proposed a registration on HVF01 alone. That does not serve the pairs
     * from contoso (contoso's KDC still finds the account there first), and a DC refuses it while the account holds
     * the SPN. The finding names the account with its domain, and its decision takes the SPN off it on contoso's DC
     * before registering it on HVF01; every output says so alike.
     */
    @Test
    void aHolderInTheSourcesDomainOfACifsSpnATargetDoesNotRegisterAtAll() throws Exception {
        twoDomains((ds, fb) -> {
            Outputs o = contosoHolderOf(ds, fb, "cifs/hvf01.fabrikam.com", "HOST/HVF01", "HOST/hvf01.fabrikam.com");
            assertAgree(o);
            org.kcdauditor.model.Finding f = o.doc().findings().stream().filter(x -> x.rule().equals(
                    "TARGET_SPN_NOT_REGISTERED") && "cifs/hvf01.fabrikam.com".equals(x.spn())).findFirst().orElseThrow();
            assertEquals("HVF01", f.host());
            String dn = "CN=svc-old,CN=Users," + TestDirectory.BASE;
            assertEquals(dn, f.evidence().holders().get(0).dn());
            assertEquals("contoso.com", f.evidence().holders().get(0).domain());
            assertEquals(4, f.evidence().pairs().size(), f.evidence().pairs().toString());
            assertFalse(f.message().contains("no object registers it"), f.message());
            assertTrue(f.message().contains("it is registered on svc-old (in contoso.com) instead"), f.message());
            assertTrue(f.message().contains("the pairs from there fail, even once HVF01 registers it"), f.message());
            assertTrue(f.remediation().contains("take it off svc-old (in contoso.com) on a DC of contoso.com first"),
                    f.remediation());
            // a decision: its yes takes the SPN off the account on contoso's DC, then registers it on HVF01 on fabrikam's
            String off = "Set-ADObject -Identity '" + dn + "' -Remove @{servicePrincipalName='cifs/hvf01.fabrikam.com'}"
                    + " -Server 'dc1.contoso.com'";
            String on = "-ServicePrincipalNames @{Add='cifs/hvf01.fabrikam.com'} -Server 'dc1.fabrikam.com'";
            for (String out : List.of(o.md(), o.html().replace("&#39;", "'"))) {
                assertTrue(out.contains(off) && out.contains(on) && out.indexOf(off) < out.indexOf(on), out);
            }
            assertTrue(o.pdf().contains("svc-old (in contoso.com)") && o.mail().contains("TARGET_SPN_NOT_REGISTERED"),
                    o.pdf());
        });
    }

    /**
     * A name a directory value may carry: a formula, quotes of every kind PowerShell reads as one (U+2019 too),
     * PowerShell's and Markdown's syntax, a tag, a long tail; {@link HostileValuesFuzzTest#MARK} marks it.
     */
    private static final String HOSTILE = "=HYPERLINK(\"x\")\u2019'\"`$(PWN);|<b>PWN</b>&+@" + "x".repeat(200);

    /** Every output of {@code o} as {@link HostileValuesFuzzTest} reads one: the data shown, never run or rendered. */
    private static void assertHostileStaysData(Outputs o) {
        HostileValuesFuzzTest.assertScript(o.ps1().replace("\n", "\r\n"));
        HostileValuesFuzzTest.assertWorkbook(o.xlsx());
        HostileValuesFuzzTest.assertHtml("runbook.html", o.html());
        HostileValuesFuzzTest.assertHtml("the mail's HTML", o.mailHtml());
        HostileValuesFuzzTest.assertMarkdown(o.md());
        assertFalse(o.console().lines().anyMatch(l -> l.startsWith(HostileValuesFuzzTest.MARK)), o.console());
    }

    /**
     * The account of contoso holding the cifs SPN HVF01 lacks (fbb2d932) is named with quotes of every kind, a formula
     * and tags: the finding names it, and its decision takes the SPN off it on contoso's DC by its exact DN, quoted as
     * one PowerShell literal (U+2019 doubled as '), before registering it on HVF01; no output runs or renders it.
     */
    @Test
    void aHostileHolderInTheSourcesDomainStaysDataInEveryOutput() throws Exception {
        twoDomains((ds, fb) -> {
            Outputs o = holderOf(ds, fb, HOSTILE, "cifs/hvf01.fabrikam.com", "HOST/HVF01", "HOST/hvf01.fabrikam.com");
            assertAgree(o);
            org.kcdauditor.model.Finding f = o.doc().findings().stream().filter(x -> x.rule().equals(
                    "TARGET_SPN_NOT_REGISTERED") && "cifs/hvf01.fabrikam.com".equals(x.spn())).findFirst().orElseThrow();
            String dn = new com.unboundid.ldap.sdk.DN(new com.unboundid.ldap.sdk.RDN("CN", HOSTILE),
                    new com.unboundid.ldap.sdk.DN("CN=Users," + TestDirectory.BASE)).toString();
            assertEquals(dn, f.evidence().holders().get(0).dn());
            assertEquals("contoso.com", f.evidence().holders().get(0).domain());
            String off = "Set-ADObject -Identity " + org.kcdauditor.remedy.Ps.quote(dn) + " -Remove"
                    + " @{servicePrincipalName='cifs/hvf01.fabrikam.com'} -Server 'dc1.contoso.com'";
            assertTrue(off.contains("\u2019\u2019''"), off);
            String on = "-ServicePrincipalNames @{Add='cifs/hvf01.fabrikam.com'} -Server 'dc1.fabrikam.com'";
            for (String out : List.of(o.md(), o.html().replace("&#39;", "'").replace("&quot;", "\"")
                    .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))) {
                assertTrue(out.contains(off) && out.contains(on) && out.indexOf(off) < out.indexOf(on), out);
            }
            assertHostileStaysData(o);
        });
    }

    /**
     * {@link #twoDomainsConfig} with the two clusters migrating into each other through resource-based delegation, and
     * a service account svc-old of contoso registering {@code spn}, HVF01 without the SPNs {@code offHvf01}: the run's
     * outputs.
     */
    private Outputs contosoHolderOf(InMemoryDirectoryServer ds, InMemoryDirectoryServer fb, String spn,
                                    String... offHvf01) throws Exception {
        return holderOf(ds, fb, "svc-old", spn, offHvf01);
    }

    /** {@link #contosoHolderOf}, the account of contoso named {@code holder} (its cn and sAMAccountName). */
    private Outputs holderOf(InMemoryDirectoryServer ds, InMemoryDirectoryServer fb, String holder, String spn,
                             String... offHvf01) throws Exception {
        Path cfg = twoDomainsConfig(ds, fb);
        if (offHvf01.length > 0) {
            fb.modify("CN=HVF01,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                    "servicePrincipalName", offHvf01));
        }
        Files.writeString(cfg, Files.readString(cfg) + "policy:\n  migrationGroups: [[HVC1, HVC2]]\n");
        List<String> contoso = List.of(Hosts.DOMAIN_SID + "-2000", Hosts.DOMAIN_SID + "-2001",
                Hosts.DOMAIN_SID + "-2002");
        for (String n : nodes("HVF", 2)) {
            fb.modify("CN=" + n + ",OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(contoso)));
        }
        for (String n : nodes("HVA", 3)) {
            ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of("S-1-5-21-9-9-9-3000",
                    "S-1-5-21-9-9-9-3001"))));
        }
        ds.add(new com.unboundid.ldap.sdk.Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container",
                "cn: Users"));
        com.unboundid.ldap.sdk.Entry account = new com.unboundid.ldap.sdk.Entry(new com.unboundid.ldap.sdk.DN(
                new com.unboundid.ldap.sdk.RDN("CN", holder), new com.unboundid.ldap.sdk.DN("CN=Users,"
                + TestDirectory.BASE)));
        account.addAttribute("objectClass", "top", "user");
        account.addAttribute("cn", holder);
        account.addAttribute("sAMAccountName", holder);
        account.addAttribute("userAccountControl", "512");
        account.addAttribute("servicePrincipalName", spn);
        ds.add(account);
        return run(cfg, "out", null);
    }

    /**
     * Two domains, one whose AES date cannot be read (fabrikam): the notice to a cluster's owners says that AES keys
     * were not checked only where the cluster's pairs are, as its preflight does. HVC1's owners (contoso, whose date was
     * read) were told AES keys were not checked for a domain none of their hosts is in.
     */
    @Test
    void aesKeysNotCheckedInOneOfTwoDomains() throws Exception {
        twoDomains((ds, fb) -> {
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, org.kcdauditor.support.Hosts.DOMAIN_SID,
                    "20090310091500.0Z");
            Outputs o = run(twoDomainsConfig(ds, fb), "out", null);
            String aes = o.view().aesNotChecked();
            assertTrue(aes.startsWith("AES keys were not checked in fabrikam: "), aes);
            Map<String, org.kcdauditor.notify.Notice> notices = ownersNotices(o.doc(), null);
            for (String to : List.of("team@contoso.com", "hvc2@fabrikam.com")) {
                assertTrue(notices.get(to).text().contains(aes) && notices.get(to).html().contains(aes), to + ": "
                        + notices.get(to).text());
            }
            org.kcdauditor.notify.Notice hvc1 = notices.get("hvc1@contoso.com");
            assertFalse(hvc1.text().contains("AES keys were not checked")
                    || hvc1.html().contains("AES keys were not checked"), hvc1.text());
        });
    }

    /**
     * Two domains, one that keeps no change times (fabrikam): a drift in HVC1 (contoso, whose change times were read)
     * is told to HVC1's owners with when and where it was made, and without the note that fabrikam keeps none, which
     * concerns no host of theirs.
     */
    @Test
    void changeTimesMissingInAnotherDomainAreNotToldToAClustersOwners() throws Exception {
        twoDomains((ds, fb) -> {
            Path cfg = twoDomainsConfig(ds, fb);
            for (String node : nodes("HVA", 3)) {
                ds.modify("CN=" + node + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "msDS-ReplAttributeMetaData", org.kcdauditor.directory.ReplicationMetadataTest.xml(
                        "msDS-AllowedToDelegateTo", 3, "2026-11-30T14:02:11Z",
                        org.kcdauditor.directory.ReplicationMetadataTest.DC2)));
            }
            Outputs first = run(cfg, "first", null);
            ds.modify("CN=HVA02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVA03"));
            Outputs o = run(cfg, "second", first.doc());
            String note = "Change time not available from this directory: fabrikam.";
            assertEquals(note, o.view().changeTimesNote());
            Map<String, org.kcdauditor.notify.Notice> notices = ownersNotices(o.doc(), first.doc());
            assertTrue(notices.get("team@contoso.com").text().contains("Drift: " + note),
                    notices.get("team@contoso.com").text());
            org.kcdauditor.notify.Notice hvc1 = notices.get("hvc1@contoso.com");
            assertTrue(hvc1.text().contains("CHANGED IN THE DIRECTORY SINCE THE PREVIOUS AUDIT (1)"), hvc1.text());
            assertFalse(hvc1.text().contains("Change time not available") || hvc1.html().contains(
                    "Change time not available"), hvc1.text());
        });
    }

    /** The notices of a run of {@link #twoDomainsConfig}, to the team and to HVC1's and HVC2's owners, by recipient. */
    private static Map<String, org.kcdauditor.notify.Notice> ownersNotices(FindingsDocument doc,
                                                                           FindingsDocument previous) {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("HVC1", List.of("hvc1@contoso.com"),
                "HVC2", List.of("hvc2@fabrikam.com")), null, null, null, null, null);
        Map<String, org.kcdauditor.notify.Notice> out = new java.util.HashMap<>();
        for (org.kcdauditor.notify.Notice n : new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily", Notify.ALWAYS, doc, previous == null ? null : previous.findings(),
                        previous == null ? null : previous.runId(), null)) {
            out.put(n.recipients().get(0), n);
        }
        return out;
    }

    /** What a test does with the two domains of {@link #twoDomainsConfig}. */
    @FunctionalInterface
    interface TwoDomains {
        void run(InMemoryDirectoryServer contoso, InMemoryDirectoryServer fabrikam) throws Exception;
    }

    /** Runs {@code test} with the directories of contoso and fabrikam started, and stops them after. */
    private static void twoDomains(TwoDomains test) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        InMemoryDirectoryServer fb = TestDirectory.startDomain(FABRIKAM, "dc1.fabrikam.com");
        try {
            test.run(ds, fb);
        } finally {
            ds.shutDown(true);
            fb.shutDown(true);
        }
    }

    /**
     * The config of two domains, contoso (HVC1: HVA01-03, HVA01 lacking cifs/HVA02) and fabrikam (HVC2: HVF01-02, HVF01
     * lacking cifs/HVF02), each cluster with one missing entry.
     */
    private Path twoDomainsConfig(InMemoryDirectoryServer ds, InMemoryDirectoryServer fb) throws Exception {
        TestDirectory.addCluster(ds, nodes("HVA", 3));
        TestDirectory.addCluster(fb, FABRIKAM, "S-1-5-21-9-9-9", 3000, nodes("HVF", 2));
        ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HVA02"));
        fb.modify("CN=HVF01,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HVF02"));
        String directory = "    bindDn: " + TestDirectory.BIND_DN + "\n    passwordEnv: TEST_LDAP_PASSWORD\n"
                + "    allowInsecureBind: true\n    timeoutSeconds: 5\n";
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directories:\n  contoso:\n    url: ldap://127.0.0.1:" + ds.getListenPort()
                + "\n    baseDn: " + TestDirectory.BASE + "\n" + directory + "  fabrikam:\n    url: ldap://127.0.0.1:"
                + fb.getListenPort() + "\n    baseDn: " + FABRIKAM + "\n" + directory
                + "clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HVA01, HVA02, HVA03]\n"
                + "  - name: HVC2\n    directory: fabrikam\n    nodes: [HVF01, HVF02]\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        return cfg;
    }

    /** A config of HVC1 (HVA01-03) in contoso, served by {@code ds}, and HVC2 in fabrikam, optional and unreachable. */
    private Path optionalDirectoryNotRead(InMemoryDirectoryServer ds) throws java.io.IOException {
        String directory = "    bindDn: " + TestDirectory.BIND_DN + "\n    passwordEnv: TEST_LDAP_PASSWORD\n"
                + "    allowInsecureBind: true\n    timeoutSeconds: 5\n";
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directories:\n  contoso:\n    url: ldap://127.0.0.1:" + ds.getListenPort()
                + "\n    baseDn: " + TestDirectory.BASE + "\n" + directory + "  fabrikam:\n    url: ldap://127.0.0.1:"
                + org.kcdauditor.support.ClosedPort.refusing() + "\n    baseDn: DC=fabrikam,DC=com\n    optional: true\n"
                + directory + "clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HVA01, HVA02, HVA03]\n"
                + "  - name: HVC2\n    directory: fabrikam\n    nodes: [HVF01, HVF02]\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        return cfg;
    }

    /**
     * A cluster not audited beside one with a failing direction: the mail's decision table shows its failing directions
     * as page 1 does, "—" (not checked), not "none".
     */
    @Test
    void aClusterNotAuditedHasNoFailingDirectionsToShowInTheMail() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes("HVA", 3));
            ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HVA02"));
            Outputs o = run(optionalDirectoryNotRead(ds), "out", null);
            assertAgree(o);
            String hvc2 = o.mailHtml().substring(o.mailHtml().indexOf(">HVC2</td>"));
            hvc2 = hvc2.substring(0, hvc2.indexOf("</tr>"));
            assertTrue(hvc2.endsWith("<td style=\"padding:4px\">—</td><td style=\"padding:4px\">none</td>"), hvc2);
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * remediation.ps1 of a run with no delegation change (3373c22f) names the cluster not audited in its Write-Host
     * literal: named with quotes of every kind (U+2019 too) and PowerShell syntax, it stays one literal, its quotes
     * doubled, and runs nothing.
     */
    @Test
    void theScriptWithoutAChangeQuotesAHostileClusterNotAudited() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes("HVA", 3));
            Path cfg = optionalDirectoryNotRead(ds);
            String cluster = "HVC2\u2019'\"`$(PWN);|<b>PWN</b>&=+@";
            Files.writeString(cfg, Files.readString(cfg).replace("name: HVC2", "name: " + yaml(cluster)));
            Outputs o = run(cfg, "out", null);
            assertAgree(o);
            assertTrue(o.ps1().contains("\nWrite-Host 'No delegation change is proposed for the clusters audited; not"
                    + " audited (directory not read): " + org.kcdauditor.remedy.Ps.escape(cluster) + " (fabrikam).'\n"),
                    o.ps1());
            assertHostileStaysData(o);
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * An optional directory that cannot be read leaves its cluster not audited (NO-GO): the runbooks said "No directory
     * change is needed", which nobody can know of a cluster not audited, and the legends did not name the status "Not
     * audited" its rows show.
     */
    @Test
    void anOptionalDirectoryNotRead() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes("HVA", 3));
            Outputs o = run(optionalDirectoryNotRead(ds), "out", null);
            assertAgree(o);
            assertEquals(1, o.view().clustersNoGo());
            assertTrue(o.console().contains("HVC2             not audited (directory fabrikam)"), o.console());
            assertTrue(o.ps1().contains("\nWrite-Host 'No delegation change is proposed for the clusters audited; not"
                    + " audited (directory not read): HVC2 (fabrikam).'\n"), o.ps1());
            for (String runbook : List.of(o.md(), o.html())) {
                assertFalse(runbook.contains("No directory change is needed"), runbook);
                assertTrue(runbook.contains("No directory change is proposed for the clusters audited; not audited"
                        + " (directory not read): HVC2 (fabrikam)."), runbook);
            }
            assertTrue(o.pdf().contains("Not audited = the cluster's directory could not be read"), o.pdf());
            // a cluster nobody read shows no figures as if counted: not "0/0 pairs OK", "0 nodes"
            assertFalse(o.page1().contains("HVC2 NO-GO 0/0"), o.page1());
            assertTrue(o.page1().contains("HVC2 NO-GO — — not audited: directory fabrikam could not be read"),
                    o.page1());
            assertTrue(o.pdf().contains("HVC2 (fabrikam) — — — — Not audited NO-GO"), o.pdf());
            assertTrue(o.mail().contains("\n- HVC2: NO-GO, pairs not checked\n"), o.mail());
            assertTrue(o.mail().contains("\n- HVC2: Not audited, pairs not checked, — of entries present"), o.mail());
            StringBuilder matrix = new StringBuilder();
            o.xlsx().getSheet("Matrix").forEach(r -> r.forEach(c -> matrix.append(c).append('\n')));
            assertTrue(matrix.toString().contains("Cluster HVC2: not audited (directory fabrikam could not be read)"),
                    matrix.toString());
            for (String sheet : List.of("Summary", "Clusters")) {
                Row r = row(o.xlsx().getSheet(sheet), "HVC2");
                for (int col = 1; col <= 5; col++) {
                    Cell cell = r.getCell(col);
                    assertTrue(cell == null || cell.getCellType() == CellType.BLANK, sheet + " column " + col + ": "
                            + cell);
                }
            }
            // the headline claims nothing of the pairs nobody read
            assertEquals("1 of 2 clusters is NO-GO; every directed host pair of the audited clusters is delegated"
                    + " correctly. No change to Active Directory is proposed. Not audited (directory not read): HVC2"
                    + " (fabrikam).", o.view().headline());
            for (String out : List.of(o.md(), o.page1(), o.mail())) {
                assertTrue(out.contains(o.view().headline()), out);
            }
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A configured node that is not in the directory, and a cluster whose OU holds no node: both NO-GO (HOST_NOT_FOUND,
     * CLUSTER_EMPTY). The pairs counted are those between the nodes found, and the headline and page 1 said "every
     * directed host pair is delegated correctly" / "every direction can migrate" beside "NO-GO: 2 of 2 clusters".
     */
    @Test
    void aNodeNotFoundAndAnEmptyCluster() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        Outputs o;
        try {
            TestDirectory.addCluster(ds, nodes("HVA", 2));
            ds.add(new com.unboundid.ldap.sdk.Entry("dn: OU=Empty,OU=Hyper-V," + TestDirectory.BASE,
                    "objectClass: organizationalUnit", "ou: Empty"));
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, List.of(List.of("HVA01", "HVA02", "HVA09"))).replace("store:",
                    "  - name: HVC2\n    ou: OU=Empty,OU=Hyper-V," + TestDirectory.BASE + "\nstore:"));
            o = run(cfg, "out", null);
        } finally {
            ds.shutDown(true);
        }
        assertAgree(o);
        assertEquals(2, o.view().clustersNoGo());
        assertEquals("2 of 2 clusters are NO-GO; every directed host pair between the nodes found is delegated"
                + " correctly. NO-GO all the same for open HIGH findings: a configured host has no computer object"
                + " \u2014 1 HOST_NOT_FOUND finding (HVA09); a cluster's OU holds no computer object \u2014 1"
                + " CLUSTER_EMPTY finding (HVC2). No scripted change to Active Directory.", o.view().headline());
        for (String out : List.of(o.md().replace("\\_", "_"), o.page1(), o.mail())) {
            assertTrue(out.contains(o.view().headline()), out);
        }
        assertTrue(o.page1().contains("Pairs OK: 2 of 2: every direction between the nodes found can migrate."),
                o.page1());
    }

    /**
     * A cluster whose every pair is OK, HV02's resource-based delegation allowing Domain Computers (the other nodes
     * reach HV02 through it): RBCD_ALLOWS_ANY_ACCOUNT, HIGH, makes it NO-GO. Page 1, which the CAB signs, and the
     * runbooks said "1 of 1 cluster is NO-GO; every directed host pair is delegated correctly", the reason only as a
     * rule id in the table; they now say in words which open HIGH finding keeps it NO-GO.
     */
    @Test
    void aClusterNoGoForAnOpenHighFindingAloneSaysWhy() throws Exception {
        List<String> nodes = nodes("HV", 3);
        Outputs o = scenario(List.of(nodes), "", (ds, dir) -> {
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
            com.unboundid.ldap.sdk.Entry computers = new com.unboundid.ldap.sdk.Entry("dn: CN=Domain Computers,CN=Users,"
                    + TestDirectory.BASE, "objectClass: group", "cn: Domain Computers");
            computers.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-515"));
            ds.add(computers);
            for (String n : nodes) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "primaryGroupID", "515"));
                if (!n.equals("HV02")) {
                    ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(
                            ModificationType.DELETE, "msDS-AllowedToDelegateTo", Hosts.MIG + "/HV02",
                            Hosts.MIG + "/hv02.contoso.com", "cifs/HV02", "cifs/hv02.contoso.com"));
                }
            }
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(Hosts.DOMAIN_SID + "-515"))));
        });
        assertAgree(o);
        assertEquals(List.of("RBCD_ALLOWS_ANY_ACCOUNT"), o.doc().findings().stream()
                .filter(f -> f.severity() == Severity.HIGH).map(Finding::rule).toList());
        assertEquals("1 of 1 cluster is NO-GO; every directed host pair is delegated correctly. NO-GO all the same for"
                + " an open HIGH finding: a host's resource-based delegation lets any account act as any user towards"
                + " it \u2014 1 RBCD_ALLOWS_ANY_ACCOUNT finding (HV02). No scripted change to Active Directory.",
                o.view().headline());
        for (String out : List.of(o.md().replace("\\_", "_"), o.html().replace("&#39;", "'"), o.page1(), o.mail())) {
            assertTrue(out.contains(o.view().headline()), out);
        }
    }

    /**
     * A scripted fix (HV03's missing entries to HV01) beside an open decision (HV02's resource-based delegation allows
     * Everyone): remediation.ps1 ended "kcd-audit preflight … --cluster HVC1   (Preflight of cluster HVC1 names only
     * what stays open)", and an admin whose -Apply went well read the NO-GO it then gives as a failed change; the
     * runbook's step says that it stays NO-GO until the decisions are settled, and so does the script now.
     */
    @Test
    void theScriptSaysThePreflightStaysNoGoWhileADecisionIsOpen() throws Exception {
        Outputs o = scenario(List.of(nodes("HV", 3)), "", (ds, dir) -> {
            ds.modify("CN=HV03,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HV01", "cifs/hv01.contoso.com"));
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of("S-1-1-0"))));
        });
        assertAgree(o);
        assertTrue(o.ps1().contains("   (Preflight of cluster HVC1 names only what stays open: it still says NO-GO until"
                + " the findings under Needs a decision are settled; every blocker this change fixes must be gone from"
                + " its list)'\n"), o.ps1());
    }

    /**
     * One finding of the newest HIGH rule through the waiver flow, a run a day (the daemon's daily-drift): run 1 clean;
     * run 2 HV02's resource-based delegation allows Everyone (RBCD_ALLOWS_ANY_ACCOUNT, NO-GO); run 3 a baseline waiver
     * covers it (GO, 1 waived); run 4 the waiver has expired (NO-GO again, WAIVER_EXPIRED); run 5 the grant is gone
     * (GO; WAIVER_EXPIRED asks to remove the waiver). In each, every output counts the same and says the same
     * GO/NO-GO (assertAgree), and the finding is new once (run 2, in findings.json's history, the workbook's Status,
     * the Trend sheet and the notice) and resolved once (run 5); the notice of run 4 lists it as open again, not new.
     * CHANGED_SINCE_LAST_RUN tells the grant added (new in run 2, resolved in run 3) and removed (new in run 5).
     */
    @Test
    void anEveryoneGrantNewWaivedExpiredAndRemoved() throws Exception {
        List<String> nodes = nodes("HV", 3);
        String hv02 = "CN=HV02,OU=Hyper-V," + TestDirectory.BASE;
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes);
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, List.of(nodes)));
            String waiver = """
                      - rule: RBCD_ALLOWS_ANY_ACCOUNT
                        host: HV02
                        justification: "Backup appliance trial, CHG0077"
                        expires: 2026-12-10
                    """;
            List<Outputs> runs = new ArrayList<>();
            String[] days = {"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-15", "2026-12-16"};
            for (int i = 0; i < days.length; i++) {
                if (i == 1) {
                    ds.modify(hv02, new Modification(ModificationType.REPLACE,
                            "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of("S-1-1-0"))));
                } else if (i == 4) {
                    ds.modify(hv02, new Modification(ModificationType.DELETE,
                            "msDS-AllowedToActOnBehalfOfOtherIdentity"));
                }
                documentedBaseline(tmp, nodes, i >= 2 ? waiver : "");
                Outputs o = run(tmp, cfg, "run" + (i + 1), runs.isEmpty() ? null : runs.get(i - 1).doc(),
                        java.time.Clock.fixed(java.time.Instant.parse(days[i] + "T06:00:00Z"), java.time.ZoneOffset.UTC));
                assertAgree(o);
                runs.add(o);
            }
            String id = runs.get(1).doc().findings().stream().filter(f -> f.rule().equals("RBCD_ALLOWS_ANY_ACCOUNT"))
                    .findFirst().orElseThrow().id();
            // per run: open HIGH, waived, GO, the finding's Status in the workbook, new / resolved as the reports count
            // them, and the notice's lists (NEW, NO LONGER WAIVED, RESOLVED, WAIVED SINCE) holding it
            List<String> expected = List.of(
                    "0 high, 0 waived, GO, -, new 0 resolved 0, notice -",
                    "1 high, 0 waived, NO-GO, new, new 3 resolved 0, notice NEW",
                    "0 high, 1 waived, GO, recurring, new 0 resolved 1, notice WAIVED SINCE",
                    "1 high, 0 waived, NO-GO, recurring, new 1 resolved 0, notice NO LONGER WAIVED",
                    "0 high, 0 waived, GO, resolved, new 1 resolved 2, notice RESOLVED");
            List<String> seen = new ArrayList<>();
            for (Outputs o : runs) {
                FindingsDocument doc = o.doc();
                HistorySections.HistoryDoc h = doc.history();
                int fresh = h == null || h.newFindings() == null ? 0 : h.newFindings().size();
                int gone = h == null || h.resolvedFindings() == null ? 0 : h.resolvedFindings().size();
                // the Trend sheet's last row counts as findings.json's history, the change records among the new
                // findings apart from the new problems
                if (h != null) {
                    java.util.Set<String> records = new java.util.HashSet<>();
                    doc.findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                            .forEach(f -> records.add(f.id()));
                    int changes = h.newFindings() == null ? 0 : (int) h.newFindings().stream().filter(records::contains)
                            .count();
                    XSSFSheet trend = o.xlsx().getSheet("Trend");
                    Row last = trend.getRow(trend.getLastRowNum());
                    assertEquals(List.of(doc.summary().bySeverity().get("HIGH"), fresh - changes, gone, changes),
                            List.of(6, 7, 8, 9).stream().map(c -> (int) last.getCell(c).getNumericCellValue()).toList(),
                            "Trend " + doc.runId());
                }
                String notice = String.join(", ", List.of("NEW", "NO LONGER WAIVED, OPEN AGAIN", "RESOLVED",
                        "WAIVED SINCE THE PREVIOUS AUDIT, STILL FAILING").stream()
                        .filter(list -> section(o.mail(), list).contains("HV02's resource-based delegation"))
                        .map(list -> list.replaceAll(",.*| THE PREVIOUS.*", "")).toList());
                seen.add(doc.summary().bySeverity().get("HIGH") + " high, "
                        + doc.findings().stream().filter(Finding::isWaived).count() + " waived, "
                        + (doc.clusters().get(0).go() ? "GO" : "NO-GO") + ", " + status(o.xlsx(), id)
                        + ", new " + fresh + " resolved " + gone + ", notice " + (notice.isEmpty() ? "-" : notice));
            }
            assertEquals(expected, seen, runs.get(3).mail());
            // run 4: the notice counts the new findings as the reports do, and says why live migration is at risk
            String expired = runs.get(3).mail();
            // and names the new MEDIUM finding beside it
            assertTrue(expired.startsWith("[kcd-audit] HVC1: 1 HIGH finding no longer waived, 1 other new (worst"
                    + " MEDIUM) \u2014 live migration at risk\n"), expired);
            assertTrue(section(expired, "NEW").contains("[MEDIUM] HVC1 / HV02: The waiver for RBCD_ALLOWS_ANY_ACCOUNT on"
                    + " HV02 expired on 2026-12-10"), expired);
            assertFalse(expired.contains("The reports count"), "no difference to explain: " + expired);
            assertTrue(runs.get(4).mail().startsWith("[kcd-audit] HVC1: 2 findings resolved, 1 still open, 1 changed in"
                    + " the directory\n"), runs.get(4).mail());
            assertTrue(runs.get(4).mail().contains("HV02: resource-based delegation grant removed: S-1-1-0 (Everyone)"),
                    runs.get(4).mail());
        } finally {
            ds.shutDown(true);
        }
    }

    /** The notice's list headed {@code name} ("NEW (2)"), up to the blank line after it. */
    private static String section(String mail, String name) {
        Matcher m = Pattern.compile("\n" + Pattern.quote(name) + " \\(\\d+\\)\n((?:.+\n)*)").matcher(mail);
        return m.find() ? m.group(1) : "";
    }

    /** The Status of finding {@code id} on the workbook's Findings sheet, or "-" where it has no row. */
    private static String status(XSSFWorkbook xlsx, String id) {
        String status = ReportRemedies.findingCell(xlsx, id, "Status");
        return status == null ? "-" : status;
    }

    /**
     * A baseline that documents the nodes' resource-based delegation grants (rbcdAllowed): HV03's grant to HV01 is gone
     * (BASELINE_ENTRY_REMOVED, HIGH) and HV02 allows HV01, which the baseline does not list (BASELINE_ENTRY_ADDED). Every
     * output counts them as findings.json does; the Drift sheet names each grant in its Entry column, the PDF and the
     * notice give their messages, and the runbook's decisions set each host's list back to the documented one.
     */
    @Test
    void grantsAddedAndRemovedSinceTheBaselineCountTheSameEverywhere() throws Exception {
        List<String> nodes = nodes("HV", 3);
        String hv01 = Hosts.DOMAIN_SID + "-2000";
        Outputs o = scenario(List.of(nodes), "", (ds, dir) -> {
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(hv01))));
            documentedBaseline(dir, nodes, "");
            Path file = dir.resolve("baseline.yaml");
            Files.writeString(file, Files.readString(file).replaceAll("(    delegateTo: .*\n)", "$1    rbcdAllowed: []\n")
                    .replaceAll("(  HV03:\n(?:    .*\n)*?)    rbcdAllowed: \\[\\]", "$1    rbcdAllowed: [" + hv01 + "]"));
        });
        assertAgree(o);
        List<Finding> drift = o.doc().findings().stream().filter(f -> f.rule().startsWith("BASELINE_ENTRY_")).toList();
        assertEquals(List.of("BASELINE_ENTRY_REMOVED HIGH HV03", "BASELINE_ENTRY_ADDED MEDIUM HV02"), drift.stream()
                .map(f -> f.rule() + " " + f.severity() + " " + f.host()).toList());
        String grant = hv01 + " (HV01)";
        List<String> entries = new ArrayList<>();
        XSSFSheet sheet = o.xlsx().getSheet("Drift");
        List<String> head = new ArrayList<>();
        sheet.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
        for (Row r : sheet) {
            if (r.getRowNum() > 0 && r.getCell(head.indexOf("Rule")).getStringCellValue().startsWith("BASELINE_ENTRY_")) {
                entries.add(r.getCell(head.indexOf("Entry / flag")).getStringCellValue());
            }
        }
        assertEquals(List.of(grant, grant), entries);
        for (Finding f : drift) {
            assertTrue(o.pdf().contains(f.message()), f.message() + " in " + o.pdf());
            assertTrue(o.mail().contains(f.message()), f.message() + " in " + o.mail());
        }
        assertTrue(o.md().contains("Set-ADComputer -Identity 'HV03$' -PrincipalsAllowedToDelegateToAccount"
                + " @((Get-ADComputer -Identity 'HV01$'"), o.md());
        assertTrue(o.md().contains("Set-ADComputer -Identity 'HV02$' -PrincipalsAllowedToDelegateToAccount $null"),
                o.md());
    }

    /**
     * A file server's grant added between two runs: CHANGED_SINCE_LAST_RUN under NAS01 (INFO), counted by every output
     * as findings.json counts it, and told as the same line by the notice and the workbook's Timeline sheet.
     */
    @Test
    void aFileServersGrantAddedSinceTheLastRunCountsTheSameEverywhere() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            Path cfg = clusterWithNas01(ds);
            String nas = "CN=NAS01,OU=Hyper-V," + TestDirectory.BASE;
            Outputs first = run(cfg, "first", null);
            ds.modify(nas, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                    RbcdDescriptors.of(List.of(Hosts.DOMAIN_SID + "-2000"))));
            Outputs o = run(cfg, "second", first.doc());
            assertAgree(o);
            String line = "NAS01: resource-based delegation grant added: " + Hosts.DOMAIN_SID + "-2000 (HV01)";
            assertEquals(1, o.doc().findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")
                    && f.host().equals("NAS01") && f.message().equals(line + ".")).count(), o.doc().findings().toString());
            assertTrue(o.mail().contains(line), o.mail());
            StringBuilder timeline = new StringBuilder();
            o.xlsx().getSheet("Timeline").forEach(r -> r.forEach(c -> timeline.append(c).append('\n')));
            assertTrue(timeline.toString().contains(line + "\n"), timeline.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * NAS01 keyed with ktpass against the user svc-nas, the one account registering its cifs SPNs (NAS01's computer keeps
     * HOST/ only), the nodes delegating to them: the KDC issues the tickets in svc-nas's keys, so every output tells the
     * pairs into NAS01 OK and the cluster GO, with an INFO finding naming svc-nas and no decision to take the SPNs off it
     * (before: TARGET_SPN_NOT_REGISTERED HIGH, NO-GO, and that decision, which would break the NAS). Then svc-nas allows
     * RC4 only: its AES_NOT_ENABLED (not NAS01's) blocks those pairs, told with Set-ADUser, never Set-ADComputer.
     */
    @Test
    void aFileServerKeyedOnAServiceAccount() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            Path cfg = clusterWithNas01(ds);
            String svc = keyedOnSvcNas(ds);
            Outputs o = run(cfg, "keyed", null);
            assertAgree(o);
            FindingsDocument.ClusterDoc c = o.doc().clusters().get(0);
            assertEquals(c.pairs(), c.pairsOk(), o.console());
            assertTrue(c.go(), o.console());
            List<Finding> keyed = o.doc().findings().stream().filter(f -> f.rule().equals("TARGET_SPN_NOT_REGISTERED"))
                    .toList();
            assertEquals(2, keyed.size(), keyed.toString());
            assertTrue(keyed.stream().allMatch(f -> f.severity() == Severity.INFO && f.host().equals("NAS01")
                    && f.message().contains("the KDC issues its tickets in svc-nas's keys")), keyed.toString());
            assertFalse(o.ps1().contains("svc-nas"), o.ps1());

            ds.modify(svc, new Modification(ModificationType.ADD, "msDS-SupportedEncryptionTypes", "4"));
            Outputs rc4 = run(cfg, "rc4", null);
            assertAgree(rc4);
            Finding aes = rc4.doc().findings().stream().filter(f -> f.rule().equals("AES_NOT_ENABLED")).findFirst()
                    .orElseThrow(() -> new AssertionError(rc4.console()));
            assertEquals("svc-nas", aes.host());
            assertEquals(3, aes.evidence().pairs().size(), aes.toString());
            assertFalse(rc4.doc().clusters().get(0).go(), rc4.console());
            // the decision's yes, typed in code
            assertTrue(rc4.md().contains("If so: `Set-ADUser -Identity 'svc-nas' -Replace"
                    + " @{'msDS-SupportedEncryptionTypes'=24} -Server 'dc1.contoso.com'`"), rc4.md());
            assertFalse(rc4.md().contains("'svc-nas$'") || rc4.ps1().contains("'svc-nas$'"), rc4.ps1());
            // a NO-GO whose one fix is that decision's Set-ADUser: the runbooks and the script said "No directory
            // (delegation) change is needed."; they say, as page 1 does, that nothing is scripted
            assertTrue(rc4.page1().contains("No scripted change to Active Directory."), rc4.page1());
            assertTrue(rc4.md().contains("**No scripted directory change.**"), rc4.md());
            assertTrue(rc4.html().contains("<strong>No scripted directory change.</strong>"), rc4.html());
            assertTrue(rc4.ps1().contains("Write-Host 'No scripted delegation change."), rc4.ps1());
            for (String out : List.of(rc4.md(), rc4.html(), rc4.ps1())) {
                assertFalse(out.contains("change is needed"), out);
            }

            // NAS01's own computer account RC4-only and disabled, svc-nas fine: no ticket into NAS01 uses NAS01's keys,
            // so neither blocks a pair nor makes the cluster NO-GO (both did)
            ds.modify(svc, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "24"));
            String nas = "CN=NAS01,OU=Hyper-V," + TestDirectory.BASE;
            ds.modify(nas, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"),
                    new Modification(ModificationType.REPLACE, "userAccountControl", "4098"));
            Outputs own = run(cfg, "own", null);
            assertAgree(own);
            FindingsDocument.ClusterDoc oc = own.doc().clusters().get(0);
            assertEquals(oc.pairs(), oc.pairsOk(), own.console());
            assertTrue(oc.go(), own.console());
            Finding nasAes = own.doc().findings().stream().filter(f -> f.rule().equals("AES_NOT_ENABLED")).findFirst()
                    .orElseThrow(() -> new AssertionError(own.console()));
            assertEquals("NAS01", nasAes.host());
            assertEquals(Severity.MEDIUM, nasAes.severity());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * NAS01's grant allows the nodes and NAS01 serves cifs/NAS01 itself (HOST/NAS01), but svc-nas serves
     * cifs/nas01.contoso.com and its own RBCD allows nobody: that entry is required of each node. HV01 holds it, HV02
     * and HV03 do not: every output counts HV01's as required and present ("RBCD 1/1"), the others' as required and
     * missing ("RBCD 0/1"), and the cluster's entries present / required add them up (25/27). Before, HV01's pair read
     * "RBCD" and counted 0/0: adding the entry took it out of the required entries (24/26) instead of counting it present.
     */
    @Test
    void anRbcdFileServerPathCountsTheEntryItRequiresOnceAdded() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            Path cfg = clusterWithNas01(ds);
            String nas = "CN=NAS01,OU=Hyper-V," + TestDirectory.BASE;
            ds.modify(nas, new Modification(ModificationType.DELETE, "servicePrincipalName",
                    "HOST/" + TestDirectory.fqdn("NAS01", TestDirectory.BASE)),
                    new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                            RbcdDescriptors.of(List.of(Hosts.DOMAIN_SID + "-2000", Hosts.DOMAIN_SID + "-2001",
                                    Hosts.DOMAIN_SID + "-2002"))));
            ds.add("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users");
            com.unboundid.ldap.sdk.Entry user = new com.unboundid.ldap.sdk.Entry("dn: CN=svc-nas,CN=Users,"
                    + TestDirectory.BASE, "objectClass: top", "objectClass: person", "objectClass: user", "cn: svc-nas",
                    "sAMAccountName: svc-nas", "userAccountControl: 66048",
                    "servicePrincipalName: cifs/nas01.contoso.com");
            user.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-3001"));
            ds.add(user);
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/nas01.contoso.com"));
            Outputs o = run(cfg, "added", null);
            assertAgree(o);
            FindingsDocument.ClusterDoc c = o.doc().clusters().get(0);
            Map<String, FindingsDocument.PairDoc> toNas = new java.util.TreeMap<>();
            c.matrix().stream().filter(p -> p.to().equals("NAS01")).forEach(p -> toNas.put(p.from(), p));
            assertEquals(List.of("1/1 true", "0/1 false", "0/1 false"), toNas.values().stream()
                    .map(p -> p.present() + "/" + p.required() + " " + p.passes()).toList(), toNas.toString());
            assertEquals(List.of("cifs/nas01.contoso.com"), toNas.get("HV01").sourceEntries());
            assertEquals(List.of(27, 25), List.of(c.requiredEntries(), c.presentEntries()), o.console());
            assertTrue(o.console().contains(" 25/27 "), o.console());
            StringBuilder matrix = new StringBuilder();
            o.xlsx().getSheet("Matrix").forEach(r -> r.forEach(cell -> matrix.append(cell).append('\n')));
            assertTrue(matrix.toString().contains("\nRBCD 1/1\n"), matrix.toString());
            assertTrue(matrix.toString().contains("\nRBCD 0/1\n"), matrix.toString());
            assertTrue(o.pdf().contains("RBCD 1/1"), o.pdf());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * svc-nas, the user NAS01's cifs SPNs are keyed on, allows RC4 only and has a password older than the domain's AES
     * keys: its AES_NOT_ENABLED and AES_KEYS_MISSING are decisions whose yes is typed, as a NAS joined as a computer
     * has its Set-ADComputer: Set-ADUser on svc-nas (never Set-ADComputer, never 'svc-nas$'), and the new password set
     * by ktpass with the keytab made again for NAS01, then, as for any yes that changes the directory, the push from the
     * DC written to (repadmin /syncall /AdeP) and the tickets purged (klist -li 0x3e7 purge), in runbook.md and
     * runbook.html alike. A gMSA gets Set-ADServiceAccount. Before: the words only, no "If so", no replication, no
     * purge.
     */
    @Test
    void aServiceAccountsAesFixIsTypedThenReplicatedAndPurged() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            Path cfg = clusterWithNas01(ds);
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
            String svc = keyedOnSvcNas(ds, "msDS-SupportedEncryptionTypes: 4");
            TestDirectory.pwdLastSet(ds, svc, "2007-06-12T00:00:00Z");
            Outputs o = run(cfg, "user", null);
            assertAgree(o);
            Finding aes = finding(o, "AES_NOT_ENABLED", "svc-nas");
            Finding keys = finding(o, "AES_KEYS_MISSING", "svc-nas");
            Action.Manual types = (Action.Manual) aes.actions().get(0);
            assertEquals(List.of(new Action.SetEncryptionTypes("svc-nas", 24, false, 4,
                    new Action.ServiceAccount("svc-nas", false))), types.proposed(), aes.toString());
            assertEquals(List.of(new Action.RekeyServiceAccount("svc-nas", "svc-nas", "NAS01",
                    "cifs/nas01.contoso.com@CONTOSO.COM")), ((Action.Manual) keys.actions().get(0)).proposed());
            String setUser = "Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=24}"
                    + " -Server 'dc1.contoso.com'";
            String ktpass = "ktpass -out NAS01.keytab -princ \"cifs/nas01.contoso.com@CONTOSO.COM\" -mapuser"
                    + " svc-nas -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -pass *"
                    + " -target dc1.contoso.com";
            assertTrue(o.md().contains("  If so: `" + setUser + "`"), o.md());
            assertTrue(o.md().contains("  If so: `" + ktpass + "`"), o.md());
            assertTrue(o.html().contains(setUser.replace("'", "&#39;")) || o.html().contains(setUser), o.html());
            for (String out : List.of(o.md(), o.html())) {
                assertTrue(out.contains("repadmin /syncall dc1.contoso.com /AdeP"), out);
                assertTrue(out.contains("klist -li 0x3e7 purge"), out);
                assertFalse(out.contains("svc-nas$") || out.contains("Set-ADComputer -Identity 'svc-nas"), out);
                // what else the new password changes: the UPN ktpass sets, the principal it keys, the password's uses
                assertTrue(out.contains("userPrincipalName to") && out.contains("(unless given -setupn"), out);
                assertTrue(out.contains("The keytab holds that principal only"), out);
                assertTrue(out.contains("wherever else the account") && out.contains("password is used"), out);
            }
            // the finding's own sentence gives the same commands (without -Server: the default DC)
            assertTrue(aes.remediation().contains("Set-ADUser -Identity 'svc-nas' -Replace"
                    + " @{'msDS-SupportedEncryptionTypes'=24}"), aes.remediation());
            assertTrue(keys.remediation().contains("ktpass -out NAS01.keytab -princ"
                    + " \"cifs/nas01.contoso.com@CONTOSO.COM\" -mapuser svc-nas -crypto AES256-SHA1 -ptype"
                    + " KRB5_NT_PRINCIPAL -pass *"), keys.remediation());

            // the same NAS keyed on a gMSA: Set-ADServiceAccount on its account name
            ds.delete(svc);
            String gmsa = "CN=gmsa-nas,CN=Users," + TestDirectory.BASE;
            ds.add(new com.unboundid.ldap.sdk.Entry("dn: " + gmsa, "objectClass: top", "objectClass: person",
                    "objectClass: organizationalPerson", "objectClass: user", "objectClass: computer",
                    "objectClass: msDS-GroupManagedServiceAccount", "cn: gmsa-nas", "sAMAccountName: gmsa-nas$",
                    "userAccountControl: 4096", "servicePrincipalName: cifs/NAS01",
                    "servicePrincipalName: cifs/nas01.contoso.com", "msDS-SupportedEncryptionTypes: 4"));
            Outputs m = run(cfg, "gmsa", null);
            assertAgree(m);
            Finding maes = finding(m, "AES_NOT_ENABLED", "gmsa-nas");
            assertEquals(List.of(new Action.SetEncryptionTypes("gmsa-nas", 24, false, 4,
                    new Action.ServiceAccount("gmsa-nas$", true))), ((Action.Manual) maes.actions().get(0)).proposed());
            assertTrue(m.md().contains("  If so: `Set-ADServiceAccount -Identity 'gmsa-nas$' -Replace"
                    + " @{'msDS-SupportedEncryptionTypes'=24} -Server 'dc1.contoso.com'`"), m.md());
            assertTrue(m.md().contains("repadmin /syncall dc1.contoso.com /AdeP"), m.md());
            assertFalse(m.md().contains("Set-ADComputer -Identity 'gmsa-nas"), m.md());
        } finally {
            ds.shutDown(true);
        }
    }

    private static Finding finding(Outputs o, String rule, String host) {
        return o.doc().findings().stream().filter(f -> f.rule().equals(rule) && f.host().equals(host)).findFirst()
                .orElseThrow(() -> new AssertionError(rule + " " + host + " in " + o.console()));
    }

    /**
     * NAS01, the file server of HVC1 and HVC2, allows RC4 only: its AES_NOT_ENABLED belongs to HVC1 (the first cluster
     * listing it) and blocks the pairs into it from both, waived until three days from now. Both clusters are GO only
     * through that waiver and turn NO-GO when it ends; the warning named HVC1 alone, since HVC2's candidates were its
     * own findings only, and HVC2's owners were not told.
     */
    @Test
    void aWaivedBlockerOfAnotherClusterEndingSoonIsSaidForEveryClusterItBlocks() throws Exception {
        java.time.LocalDate end = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3);
        List<List<String>> clusters = List.of(nodes("HVA", 2), nodes("HVB", 2));
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        Outputs o;
        try {
            for (List<String> c : clusters) {
                TestDirectory.addCluster(ds, c);
            }
            String nas = TestDirectory.addFileServer(ds, "NAS01", Hosts.DOMAIN_SID + "-3000");
            ds.modify(nas, new Modification(ModificationType.ADD, "msDS-SupportedEncryptionTypes", "4"));
            for (String n : clusters.stream().flatMap(List::stream).toList()) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "msDS-AllowedToDelegateTo", "cifs/NAS01", "cifs/nas01.contoso.com"));
            }
            waivedBaseline(tmp, "  - rule: AES_NOT_ENABLED\n    host: NAS01\n    justification: \"CHG0042\"\n"
                    + "    expires: " + end + "\n", List.of("HVA01", "HVA02", "HVB01", "HVB02", "NAS01"));
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, config(ds, clusters).replace("]\n", "]\n    fileServers: [NAS01]\n"));
            o = run(cfg, "out", null);
        } finally {
            ds.shutDown(true);
        }
        assertAgree(o);
        assertEquals(0, o.view().clustersNoGo(), o.console());
        assertEquals(List.of("HVC1", "HVC2"), o.view().waiverEndings().stream()
                .map(ReportView.WaiverEndingSoon::cluster).toList());
        assertTrue(o.view().headline().contains("HVC2 on " + end.plusDays(1) + ", when the waiver of AES_NOT_ENABLED"
                + " NAS01 ends"), o.view().headline());
        String hvc2 = ownersNotices(o.doc(), null).get("hvc2@fabrikam.com").text();
        assertTrue(hvc2.contains("Waiver ending soon: HVC2 turns NO-GO on " + end.plusDays(1)), hvc2);
    }

    /**
     * The cluster HV01–HV03 with the file server NAS01 added to {@code ds}, and kcd-audit.yaml in the test's folder
     * auditing them.
     */
    private Path clusterWithNas01(InMemoryDirectoryServer ds) throws Exception {
        List<String> nodes = nodes("HV", 3);
        TestDirectory.addCluster(ds, nodes);
        TestDirectory.addFileServer(ds, "NAS01", Hosts.DOMAIN_SID + "-3000");
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, config(ds, List.of(nodes)).replace("nodes: [HV01, HV02, HV03]\n",
                "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]\n"));
        return cfg;
    }

    /**
     * HV01–HV03 delegating to NAS01's cifs SPNs, which the user svc-nas registers instead of NAS01 (keyed with ktpass
     * -mapuser), with {@code more} attributes ({@code "name: value"}): svc-nas's DN.
     */
    private static String keyedOnSvcNas(InMemoryDirectoryServer ds, String... more) throws Exception {
        for (String n : nodes("HV", 3)) {
            ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/NAS01", "cifs/nas01.contoso.com"));
        }
        if (ds.getEntry("CN=Users," + TestDirectory.BASE) == null) {
            ds.add("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users");
        }
        String svc = "CN=svc-nas,CN=Users," + TestDirectory.BASE;
        List<String> lines = new ArrayList<>(List.of("dn: " + svc, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas", "userAccountControl: 66048",
                "servicePrincipalName: cifs/NAS01", "servicePrincipalName: cifs/nas01.contoso.com"));
        lines.addAll(List.of(more));
        com.unboundid.ldap.sdk.Entry user = new com.unboundid.ldap.sdk.Entry(lines.toArray(new String[0]));
        user.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-3001"));
        ds.add(user);
        return svc;
    }

    /** A baseline.yaml in {@code dir} documenting {@code nodes} as {@link TestDirectory#addCluster} makes them. */
    private static void documentedBaseline(Path dir, List<String> nodes, String waivers) throws java.io.IOException {
        StringBuilder b = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts:\n");
        for (String n : nodes) {
            List<String> entries = new ArrayList<>();
            for (String peer : nodes) {
                for (String s : peer.equals(n) ? List.<String>of() : List.of(Hosts.MIG, "cifs")) {
                    entries.add("\"" + s + "/" + peer + "\"");
                    entries.add("\"" + s + "/" + TestDirectory.fqdn(peer, TestDirectory.BASE) + "\"");
                }
            }
            b.append("  ").append(n).append(":\n    userAccountControl: [WORKSTATION_TRUST_ACCOUNT,"
                    + " TRUSTED_TO_AUTH_FOR_DELEGATION]\n    delegateTo: [").append(String.join(", ", entries)).append("]\n");
        }
        Files.writeString(dir.resolve("baseline.yaml"), b + (waivers.isEmpty() ? "" : "waivers:\n" + waivers));
    }

    /**
     * A run whose only change is a decision: HV02's resource-based delegation allows Everyone, and the list proposed
     * instead names HV01 (whose own entries do not cover HV01 -> HV02). The runbook gave the command that replaces the
     * grant and no way back: the list cmdlet cannot write the grant, the rights or an access-denied entry back, and the
     * audit reads only the SIDs. The decision now saves the descriptor first (its SDDL, to a file it does not
     * overwrite) and gives the undo that sets that saved descriptor back, in runbook.md, runbook.html, the PDF and the
     * finding's remediation; its words say why no list can undo it.
     */
    @Test
    void aDecisionReplacingAGrantSavesTheDescriptorFirstAndGivesItsUndo() throws Exception {
        Outputs o = scenario(List.of(nodes("HV", 3)), "", (ds, dir) -> {
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HV02", "cifs/hv02.contoso.com"));
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of("S-1-1-0"))));
        });
        assertAgree(o);
        String server = " -Server 'dc1.contoso.com'";
        // the file is this run's, named as the runbook names its export and change record
        String file = "'kcd-rbcd-before-" + o.doc().runId().substring(0, 8) + "-HV02.sddl'";
        String set = "Set-ADComputer -Identity 'HV02$' -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer"
                + " -Identity 'HV01$'))" + server;
        // one line: the list replaces the descriptor only once it is saved
        String save = "try { (Get-ADComputer -Identity 'HV02$' -Properties 'msDS-AllowedToActOnBehalfOfOtherIdentity'"
                + server + " -ErrorAction Stop).'msDS-AllowedToActOnBehalfOfOtherIdentity'.Sddl | Out-File"
                + " -LiteralPath " + file + " -NoClobber -ErrorAction Stop; " + set + " } catch { throw }";
        String undo = "try { $sddl = ([string](Get-Content -LiteralPath " + file + " -Raw"
                + " -ErrorAction Stop)).Trim(); if ($sddl) { $sd = New-Object Security.AccessControl.RawSecurityDescriptor"
                + " -ArgumentList $sddl; $bytes = New-Object byte[] ($sd.BinaryLength); $sd.GetBinaryForm($bytes, 0);"
                + " Set-ADComputer -Identity 'HV02$' -Replace @{'msDS-AllowedToActOnBehalfOfOtherIdentity' = $bytes}"
                + server + " } else { Set-ADComputer -Identity 'HV02$' -Clear"
                + " 'msDS-AllowedToActOnBehalfOfOtherIdentity'" + server + " } } catch { throw }";
        String md = o.md();
        assertTrue(md.contains("  If so: `" + save + "`\n  Undo: `" + undo + "`\n"), md);
        String html = o.html().replace("&#39;", "'");
        assertTrue(html.contains("<pre>" + save + "</pre>"), html);
        assertTrue(html.contains("Undo: <pre>" + undo + "</pre>"), html);
        assertTrue(o.pdf().contains("Undo: try { $sddl = "), o.pdf());
        // the workbook's change checklist too: its decision row gives the way back beside the commands
        String decided = null;
        for (org.apache.poi.ss.usermodel.Row row : o.xlsx().getSheet("Runbook")) {
            if (row.getRowNum() > 0 && "Needs a decision".equals(row.getCell(1).getStringCellValue())
                    && row.getCell(5).getStringCellValue().contains(save)) {
                decided = row.getCell(4).getStringCellValue();
            }
        }
        assertTrue(decided != null && decided.endsWith(" Undo: " + undo), String.valueOf(decided));
        Finding hole = o.doc().findings().stream().filter(f -> f.rule().equals("RBCD_ALLOWS_ANY_ACCOUNT")).findFirst()
                .orElseThrow();
        assertTrue(hole.remediation().contains(save.replace(server, "")) && hole.remediation().contains(
                undo.replace(server, "")), hole.remediation());
        assertTrue(hole.remediation().contains("Save the descriptor as it is before setting the list"),
                hole.remediation());
        assertTrue(o.ps1().contains("Review the findings listed under \"Needs a decision\" in runbook.md."), o.ps1());
    }
}
