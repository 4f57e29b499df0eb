package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Uac;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.report.runbook.EscapingOutputFormat;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.kcdauditor.run.AuditRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.config;
import static org.kcdauditor.history.HistoryTestData.snapshot;
import static org.kcdauditor.support.Hosts.host;

/**
 * Directory values an attacker (or a careless script) can write reach every output as data: a stale
 * delegation entry made of PowerShell, a dNSHostName made of cmd and PowerShell, a bidi override in an SPN.
 * One audit writes every format; each is read back as its reader would (JSON, POI, PDFBox, text). And a
 * cluster that requires nothing reads "—" (a blank cell in the workbook), never 100 %, everywhere (issue 16, items 2
 * and 9).
 */
class HostileValuesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);
    /** A stale entry whose raw paste into -Remove @{…='…'} would run Remove-Item. */
    static final String STALE = "cifs/x'; Remove-Item -Recurse C:\\ ; '";
    /** A dNSHostName whose raw paste into setspn would start calc (cmd) or run $(calc) (PowerShell). */
    static final String DNS = "hv05.t.test\"; calc; \"$(calc)";
    /** An SPN whose text shows differently from what it stores (U+202E RIGHT-TO-LEFT OVERRIDE). */
    static final String BIDI = "cifs/hv06\u202Emoc.otnoc";

    @TempDir
    static Path dir;
    static Map<String, String> outputs = new LinkedHashMap<>();
    static JsonNode json;

    @BeforeAll
    static void audit() throws Exception {
        List<AdObject> objects = List.of(
                host("HV04").delegatesTo("HV05").entry(STALE).entry(BIDI).build(),
                host("HV05").dns(DNS).delegatesTo("HV04").without("cifs/hv04.contoso.com").build());
        AuditConfig cfg = config(dir, List.of(cluster("HVC1", "HV04", "HV05"), cluster("HVC9", "HV98", "HV99")),
                null, null);
        AuditRun.Outcome o = new AuditRun(cfg, new Secrets(Map.of()), CLOCK,
                Reports.standard(Path.of("templates"), ReportsConfig.defaults())).withHome(dir).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(dir.resolve("out"), EnumSet.allOf(Format.class), new Timings(), n -> { });
        Path out = o.outDir();
        json = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        outputs.put("findings.json", Files.readString(out.resolve("findings.json")));
        outputs.put("runbook.md", Files.readString(out.resolve("runbook.md")));
        outputs.put("runbook.html", Files.readString(out.resolve("runbook.html")));
        outputs.put("remediation.ps1", Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8));
        try (var d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            outputs.put("audit.pdf", new PDFTextStripper().getText(d));
        }
        outputs.put("audit.xlsx", cells(out.resolve("audit.xlsx")));
    }

    /** Every cell of a workbook, one a line: {@code Sheet!A1: text}. */
    static String cells(Path xlsx) throws Exception {
        StringBuilder cells = new StringBuilder();
        try (XSSFWorkbook wb = new XSSFWorkbook(xlsx.toFile())) {
            for (Sheet s : wb) {
                for (Row r : s) {
                    for (Cell c : r) {
                        cells.append(s.getSheetName()).append('!').append(c.getAddress()).append(": ")
                                .append(c.toString()).append('\n');
                    }
                }
            }
        }
        return cells.toString();
    }

    @Test
    void anInvalidDnsHostNameIsAFindingAndNoEntryOrCommandIsDerivedFromIt() {
        List<JsonNode> invalid = findings("DNS_HOST_NAME_INVALID");
        assertEquals(1, invalid.size(), json.path("findings").toString());
        assertEquals("HV05", invalid.get(0).path("host").asText());
        assertTrue(invalid.get(0).path("remediation").asText().contains("fix it by hand in ADSI Edit"),
                invalid.get(0).toString());
        for (JsonNode f : json.path("findings")) {
            assertFalse(f.path("spn").asText().contains("calc"), "no entry is derived from the value: " + f);
        }
        outputs.forEach((name, text) -> {
            assertFalse(text.contains("setspn -S cifs/hv05.t.test\""), name + " pastes the value into setspn");
            assertFalse(text.contains("/" + DNS), name + " builds an SPN from the value");
        });
    }

    @Test
    void aStaleEntryMadeOfPowerShellGetsNoCommandButTheScriptRemovesItsExactValue() {
        List<JsonNode> stale = findings("STALE_DELEGATION").stream()
                .filter(f -> f.path("spn").asText().equals(STALE)).toList();
        assertEquals(1, stale.size(), json.path("findings").toString());
        assertTrue(stale.get(0).path("remediation").asText().contains("change it by hand in ADSI Edit"),
                stale.get(0).toString());
        outputs.forEach((name, text) -> assertFalse(text.replace("\n", "").contains("'msDS-AllowedToDelegateTo'='cifs/x"),
                name + " puts the entry into a typed command"));
        String exact = java.util.Base64.getEncoder().encodeToString(STALE.getBytes(StandardCharsets.UTF_8));
        // in one step with the other entry that names no host (BIDI): neither names a peer
        assertTrue(outputs.get("remediation.ps1").lines().anyMatch(l -> l.strip().startsWith("Remove-Values 'HV04$'"
                + " 'msDS-AllowedToDelegateTo' @(") && l.contains("(D '" + exact + "')")),
                "remediation.ps1 removes the entry by its exact stored value");
        for (String name : List.of("runbook.md", "runbook.html")) {
            assertTrue(outputs.get(name).contains("2 entries above cannot be typed safely into a command"),
                    name + " says why HV04's entries have no command");
            assertFalse(outputs.get(name).matches("(?s).*PowerShell:\\s*(```powershell\\s*```|<pre></pre>).*"),
                    name + " shows an empty command block");
            // HV04's entries to remove are its only change (its entries to HV05, refused, are not added): none typed
            assertTrue(outputs.get(name).replaceAll("\\s+", " ").contains("No command can carry the inverse of this"
                    + " change (the delegation entries of HV04 that cannot be typed safely"),
                    name + "'s rollback does not claim to undo what it cannot type");
        }
    }

    @Test
    void anEntryNamingAPeerByAnSpnItRegistersIsNotStaleWhenItsDnsHostNameIsInvalid() {
        for (JsonNode f : findings("STALE_DELEGATION")) {
            assertFalse(f.path("spn").asText().endsWith("/hv05.contoso.com"), "HV05 registers HOST/hv05.contoso.com,"
                    + " the KDC finds it by that name: " + f);
        }
    }

    @Test
    void aValueWithABidiOverrideIsShownVisiblyAndTheScriptUsesItsExactBytes() {
        List<JsonNode> stale = findings("STALE_DELEGATION").stream()
                .filter(f -> f.path("spn").asText().equals(BIDI)).toList();
        assertEquals(1, stale.size(), "findings.json keeps the exact value: " + json.path("findings"));
        for (String name : List.of("runbook.md", "runbook.html", "audit.pdf", "audit.xlsx", "remediation.ps1")) {
            assertFalse(outputs.get(name).contains("\u202E"), name + " shows the override character itself");
            assertTrue(outputs.get(name).matches("(?is).*hv06\\\\{1,2}u202E.*"), name + " shows where the override"
                    + " character is (Markdown escapes the backslash)");
        }
        assertTrue(outputs.get("remediation.ps1").contains("(D '"), "the script rebuilds the exact value from Base64");
    }

    @Test
    void aLineFeedInAnEntryIsShownAsItsCodeInTheRunbooksThePdfAndTheWorkbook(@TempDir Path own) throws Exception {
        // a stale entry "cifs/line<LF>break" read as "cifs/line break" names an entry that is not stored
        String lf = "cifs/line\nbreak";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").entry(lf).build(),
                host("HV05").delegatesTo("HV04").build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        Path out = audit(own, cfg, objects, EnumSet.of(Format.JSON, Format.MD, Format.HTML, Format.PDF, Format.XLSX));
        assertTrue(Files.readString(out.resolve("findings.json")).contains("\"cifs/line\\nbreak\""),
                "findings.json keeps the exact value");
        String md = Files.readString(out.resolve("runbook.md"));
        String html = Files.readString(out.resolve("runbook.html"));
        // Markdown escapes the backslash: two in the file, one as read
        assertTrue(md.contains("   - [ ] cifs/line\\\\u000Abreak\n"), "the checklist entry in runbook.md: " + md);
        assertTrue(html.contains("<li class=\"spn\">cifs/line\\u000Abreak</li>"), "the checklist entry in runbook.html: "
                + html);
        for (String text : List.of(md, html)) {
            assertFalse(text.contains("cifs/line break") || text.contains("cifs/line\nbreak"), text);
        }
        // the PDF and the workbook show it as stored too: a line feed in a value never makes a line of its own there
        String pdf = pdfText(out);
        assertTrue(pdf.contains("cifs/line\\u000Abreak"), pdf);
        assertFalse(pdf.lines().anyMatch(l -> l.strip().startsWith("break")), "no line starts with the value's tail: "
                + pdf);
        try (XSSFWorkbook wb = new XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
            boolean shown = false;
            for (org.apache.poi.ss.usermodel.Sheet sheet : wb) {
                for (org.apache.poi.ss.usermodel.Row row : sheet) {
                    for (org.apache.poi.ss.usermodel.Cell c : row) {
                        if (c.getCellType() == org.apache.poi.ss.usermodel.CellType.STRING) {
                            String v = c.getStringCellValue();
                            assertFalse(v.contains("cifs/line\nbreak"), sheet.getSheetName() + ": " + v);
                            shown |= v.contains("cifs/line\\u000Abreak");
                        }
                    }
                }
            }
            assertTrue(shown, "the workbook names the entry");
        }
    }

    /**
     * A node's cn is the directory's to say (here pre-staged with a line feed, found by its sAMAccountName): the PDF's
     * per-node tables and the decision page's failing directions show it as stored, never as a line of its own that
     * reads like the report's text.
     */
    @Test
    void aLineFeedInANodesCnIsShownAsItsCodeInThePdfsNodeTables(@TempDir Path own) throws Exception {
        String cn = "HV04\nDECISION: GO";
        List<AdObject> objects = List.of(host("HV04").cn(cn).delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").without("cifs/hv04.contoso.com").build());
        Path csv = Files.writeString(own.resolve("patches.csv"), "\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n"
                + "\"HV04\",\"KB5000001\",\"2026-11-02\"\n\"HV05\",\"KB5000001\",\"2026-11-02\"\n");
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")),
                new org.kcdauditor.config.PatchesConfig(List.of(csv.toString()), null), null);
        String pdf = pdfText(audit(own, cfg, objects, EnumSet.of(Format.JSON, Format.PDF)));
        assertTrue(pdf.contains("Kerberos hardening per node"), pdf);
        assertFalse(pdf.lines().anyMatch(l -> l.strip().startsWith("DECISION: GO")), "no line starts with the cn's tail: "
                + pdf);
    }

    /**
     * A node whose cn holds a line feed and that has unconstrained delegation: the sentences built from its name ("On
     * HV04's Delegation tab select …", the list of hosts the plan does not script) show the line feed as
     * {@code \\u000A}: a space there read as another host's name ("HV04 DECISION: GO").
     */
    @Test
    void aLineFeedInANodesCnIsShownAsItsCodeInThePdfsSentences(@TempDir Path own) throws Exception {
        String cn = "HV04\nDECISION: GO";
        List<AdObject> objects = List.of(host("HV04").cn(cn).uac(0x1000 | 0x80000).delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").without("cifs/hv04.contoso.com").build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        String pdf = pdfText(audit(own, cfg, objects, EnumSet.of(Format.JSON, Format.PDF)));
        assertTrue(pdf.contains("HV04\\u000ADECISION: GO's Delegation tab"), pdf);
        assertTrue(pdf.contains("• HV04\\u000ADECISION: GO: its name is not a valid NetBIOS/DNS host name"),
                "the host the plan does not script is named as stored, not as another name: " + pdf);
        assertFalse(pdf.lines().anyMatch(l -> l.strip().startsWith("DECISION: GO")), "no line starts with the cn's tail: "
                + pdf);
    }

    /**
     * A node's cn in a script the embedded font cannot draw (CJK here; DejaVu Sans has Latin, Greek and Cyrillic):
     * the PDF dropped those characters without a trace, so "HV04 日本" read as "HV04 " and two nodes named apart only
     * by them read alike. Each such character is shown as its code, as a control character is; one the font has
     * (Ü) is too where the name is one to find in ADUC, as every character outside ASCII of a computer's name is there.
     */
    @Test
    void aCharacterThePdfFontCannotDrawIsShownAsItsCode(@TempDir Path own) throws Exception {
        String cn = "HV04 \u00DC\u65E5\u672C\uD840\uDC00";
        List<AdObject> objects = List.of(host("HV04").cn(cn).uac(0x1000 | 0x80000).delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").without("cifs/hv04.contoso.com").build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        String pdf = pdfText(audit(own, cfg, objects, EnumSet.of(Format.JSON, Format.PDF)));
        // the characters the font lacks by their codes; and, as the name is one to find in ADUC (its Delegation tab,
        // the objects to change by hand), where a letter of another script reads like a Latin one, Ü too
        String shown = "HV04 \\u00DC\\u65E5\\u672C\\uD840\\uDC00";
        assertTrue(pdf.contains("On " + shown + "'s"), pdf);
        assertTrue(pdf.contains("\u2022 " + shown + ": its name is not a valid NetBIOS/DNS host name"), pdf);
        assertFalse(pdf.contains("HV04 \u00DC's") || pdf.contains("HV04 \u00DC:"), "no name loses its characters: "
                + pdf);

        // the decision page's header line: a change ticket (--change-ticket, reports.changeTicket) comes from the
        // command line or the config, and is drawn with the same font
        Path out = new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(Path.of("templates"),
                new ReportsConfig(null, null, null, "CHG \u53D8\u66F4"))).withHome(own).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(own.resolve("out2"), EnumSet.of(Format.JSON, Format.PDF), new Timings(), n -> { }).outDir();
        String decision = String.join(" ", pdfText(out).lines().limit(4).toList()).replaceAll("\\s+", " ");
        assertTrue(decision.contains("Change ticket: CHG \\u53D8\\u66F4"), decision);
    }

    /**
     * The other holder of a duplicate SPN is a service account whose CN a script made with a U+202E in it (Samba and
     * AD store it as given). remediation.ps1 takes the SPN off that object by its DN: shown as {@code \\u202E} inside
     * the quotes, the DN names no object and the step stops the script, so the script decodes the DN's exact bytes.
     */
    @Test
    void theHolderOfADuplicateSpnWhoseDnHasABidiOverrideIsNamedByItsExactBytes(@TempDir Path own) throws Exception {
        String holder = "svc'ev\u202Eil";
        String dn = "CN=" + holder + ",CN=Users,DC=contoso,DC=com";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").build(), org.kcdauditor.support.Hosts.user(holder,
                        "HOST/hv05.contoso.com."));
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        Path out = new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(Path.of("templates"),
                ReportsConfig.defaults())).withHome(own).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(own.resolve("out"), EnumSet.of(Format.JSON, Format.PS1, Format.MD), new Timings(), n -> { })
                .outDir();
        assertTrue(Files.readString(out.resolve("findings.json")).contains("DUPLICATE_SPN"), "the duplicate is found");
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        assertTrue(md.contains("Get-ADObject -Identity ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('"
                + java.util.Base64.getEncoder().encodeToString(dn.getBytes(StandardCharsets.UTF_8)) + "')))"),
                "the rollback export keeps the holder, named by its exact DN: " + md.lines()
                        .filter(l -> l.contains("Export-Clixml")).toList());
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        String b64 = java.util.Base64.getEncoder().encodeToString(dn.getBytes(StandardCharsets.UTF_8));
        assertTrue(ps1.contains("    Remove-ObjectSpn (D '" + b64 + "') 'HOST/hv05.contoso.com.'"),
                "the step names the holder by its exact DN: " + ps1.lines().filter(l -> l.contains("Remove-ObjectSpn "))
                        .toList());
        assertFalse(ps1.lines().anyMatch(l -> l.strip().startsWith("Remove-ObjectSpn '")),
                "no step names the holder by its escaped text, which names no object");
    }

    /**
     * The other holder of a node's duplicate SPN named like the node with a letter of another script ({@code НV05}, a
     * Cyrillic Н): the runbook's step read "HOST/hv05.contoso.com from НV05", the objects to change listed "НV05" and the
     * finding said the SPN "is registered on HV05 and also on НV05" — to the eye the node itself, whose own HOST SPN an
     * admin following the checklist by hand would then remove. Wherever the holder is named (not in the commands,
     * which take its exact DN), its letters outside ASCII read by their code, as a look-alike entry's do.
     */
    @Test
    void theOtherHolderOfADuplicateSpnNamedLikeTheNodeReadsByItsCode(@TempDir Path own) throws Exception {
        String lookAlike = "\u041DV05";
        String shown = "\\u041DV05";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").build(), org.kcdauditor.support.Hosts.user(lookAlike,
                        "HOST/hv05.contoso.com"));
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.allOf(Format.class));
        JsonNode duplicate = null;
        for (JsonNode f : CliRun.findings(out).path("findings")) {
            if (f.path("rule").asText().equals("DUPLICATE_SPN")) {
                duplicate = f;
            }
        }
        assertTrue(duplicate != null, "the duplicate is found");
        assertTrue(duplicate.path("message").asText().startsWith("HOST/hv05.contoso.com is registered on HV05 and also"
                + " on " + shown + " (CN=" + shown + ",CN=Users,DC=contoso,DC=com)."), duplicate.path("message").asText());
        assertTrue(duplicate.path("remediation").asText().contains(" from " + shown), duplicate.path("remediation")
                .asText());
        assertEquals(lookAlike, duplicate.path("evidence").path("holders").get(0).path("name").asText(),
                "findings.json keeps the name as stored");
        outputTexts(out).forEach((name, text) -> {
            // the commands name the holder by its exact DN (CN=НV05,…), which finds it; nothing else names it so
            String outsideDns = text.replaceAll("(?i)cn=" + lookAlike + ",", "");
            assertFalse(outsideDns.contains(lookAlike), name + " names the holder as the node's look-alike: "
                    + outsideDns.lines().filter(l -> l.contains(lookAlike)).toList());
            assertTrue(text.contains(shown), name + " names the holder by its code");
        });
    }

    /**
     * A node of an OU cluster whose cn holds a letter of another script ({@code НV06}, a Cyrillic Н) or a character
     * that shows as nothing ({@code H\u200BV07}), beside a Latin {@code HV06} elsewhere: the runbooks' ADUC steps for
     * its peers said "Add… → Users or Computers… → enter НV06", and typed by hand that name finds the Latin HV06. Such a
     * node is refused both ways (review 5, item 1): no peer gets an Add step or a command naming it, and it is listed,
     * by its code with its DN and account name, among the objects to check; findings.json keeps the name as stored.
     */
    @Test
    void aNodeNamedWithALookAlikeLetterGetsNoDelegationToOrFromIt(@TempDir Path own) throws Exception {
        String cyrillic = "\u041DV06";
        String invisible = "H\u200BV07";
        Path out = auditLookAlikeNodes(own);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        assertTrue(doc.path("findings").findValuesAsText("host").contains(cyrillic), "findings.json keeps the name as"
                + " stored: " + doc.path("findings"));
        Map<String, String> texts = outputTexts(out);
        for (String runbook : List.of("runbook.md", "runbook.html")) {
            // as read: without bold, Markdown's escaped backslash as one
            String text = texts.get(runbook).replaceAll("</?strong>|</?span[^>]*>|\\*\\*", "").replace("\\\\", "\\");
            assertFalse(text.contains("Add delegation to \\u041DV06") || text.contains("Add delegation to H\\u200BV07")
                    || text.contains("Add the entries for"), runbook + " adds delegation to a refused node: " + text);
            assertTrue(text.contains("\\u041DV06 (CN=\\u041DV06,OU=Hyper-V,DC=contoso,DC=com; account name HV06$,"
                    + " unique in the domain; its name holds U+041D CYRILLIC CAPITAL LETTER EN, which reads like an"
                    + " ASCII letter or as nothing: do not search for it by a typed name): its name is not a valid"
                    + " NetBIOS/DNS host name"), runbook + ": " + text);
        }
        assertFalse(texts.get("remediation.ps1").contains("cifs/HV06") || texts.get("remediation.ps1")
                .contains("cifs/HV07"), texts.get("remediation.ps1"));
        for (String report : List.of("audit.pdf", "audit.xlsx")) {
            String text = texts.get(report).replaceAll("\\s+", " ");
            assertFalse(text.contains("Add delegation to \\u041DV06") || text.contains("Add delegation to " + cyrillic),
                    report + ": " + text);
            assertTrue(text.contains(report.equals("audit.pdf") ? "• \\u041DV06: its name is not a valid NetBIOS/DNS"
                    + " host name" : "\\u041DV06 Refused, no delegation is added to or from it: its name is not a valid"
                    + " NetBIOS/DNS host name"), report + ": " + text);
        }
    }

    /**
     * The reports of OU cluster HVC1 of HV04, HV05 and two nodes named like others: {@code НV06} (a Cyrillic Н; a
     * Latin HV06 stands in CN=Computers) and {@code H\u200BV07}, both needing delegation from and to the others.
     */
    private static Path auditLookAlikeNodes(Path own) throws Exception {
        String cyrillic = "\u041DV06";
        String invisible = "H\u200BV07";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").build(),
                host("HV05").delegatesTo("HV04").build(),
                host("HV06").cn(cyrillic).dn("CN=" + cyrillic + ",OU=Hyper-V,DC=contoso,DC=com").build(),
                host("HV07").cn(invisible).dn("CN=" + invisible + ",OU=Hyper-V,DC=contoso,DC=com").build(),
                host("XX99").cn("HV06").dn("CN=HV06,CN=Computers,DC=contoso,DC=com").build());
        return audit(own, config(own, List.of(new ClusterConfig("HVC1", List.of(), "OU=Hyper-V,DC=contoso,DC=com",
                null)), null, null), objects, EnumSet.allOf(Format.class));
    }

    /**
     * The node {@code НV06} beside the Latin HV06 read as that computer in the tables: the PDF's matrix and
     * findings, the workbook's Hosts, Findings and matrix cells named it as stored, and its findings' remediation said
     * "ADUC: НV06 > Delegation > Add > HV04" and its DNS_HOST_NAME_INVALID "cn 'НV06' is not a valid host name", with
     * nothing to see why. Its name reads by its code there too; findings.json's {@code host} keeps it as stored.
     */
    @Test
    void aNodeNamedWithALookAlikeLetterReadsByItsCodeInTheTables(@TempDir Path own) throws Exception {
        String cyrillic = "\u041DV06";
        Path out = auditLookAlikeNodes(own);
        JsonNode doc = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        boolean missing = false;
        boolean invalid = false;
        for (JsonNode f : doc.path("findings")) {
            if (!f.path("host").asText().equals(cyrillic)) {
                continue;
            }
            if (f.path("rule").asText().equals("MISSING_DELEGATION") && f.path("peer").asText().equals("HV04")) {
                missing = true;
                assertTrue(f.path("remediation").asText().startsWith("Not scripted: \\u041DV06 is refused, as its name"
                        + " is not a valid NetBIOS/DNS host name. No delegation is added to or from it"), f.toString());
            }
            if (f.path("rule").asText().equals("DNS_HOST_NAME_INVALID")) {
                invalid = true;
                assertTrue(f.path("message").asText().contains("cn '\\u041DV06' is not a valid host name"),
                        f.toString());
            }
        }
        assertTrue(missing && invalid, doc.path("findings").toString());
        Map<String, String> texts = outputTexts(out);
        String pdf = texts.get("audit.pdf");
        assertTrue(pdf.contains("MISSING_DELEGATION \\u041DV06"), pdf);
        assertTrue(pdf.lines().anyMatch(l -> l.matches("\\\\u041DV06 0/4 .*")), "the matrix's row: " + pdf);
        // the findings' host column and the matrix's rows (LookAlikeNodeEverywhereTest reads every other place)
        assertFalse(pdf.lines().anyMatch(l -> l.matches(cyrillic + " \\d+/\\d+ .*") || l.contains("MISSING_DELEGATION "
                + cyrillic)), "a table names the node as stored: " + pdf);
        List<String> cells = texts.get("audit.xlsx").lines().toList();
        assertTrue(cells.contains("\\u041DV06"), "the workbook names the node by its code");
        assertFalse(cells.contains(cyrillic), "a cell names the node as stored, as the Latin HV06 reads");
    }

    /**
     * The verdict's reasons name the node by its code too: findings.json's {@code clusters[].reasons}, which the mail's
     * decision lists under "failing: HV04 -> \\u041DV06", said "40 MISSING_DELEGATION findings (HV04 -> H\\u200BV07 with a
     * zero-width space, HV04 -> НV06, …)", the nodes as stored beside their codes on the line above.
     */
    @Test
    void theVerdictsReasonsNameALookAlikeNodeByItsCode(@TempDir Path own) throws Exception {
        JsonNode doc = new ObjectMapper().readTree(auditLookAlikeNodes(own).resolve("findings.json").toFile());
        List<String> reasons = doc.path("clusters").get(0).path("reasons").findValuesAsText("text");
        assertTrue(reasons.stream().anyMatch(t -> t.contains("HV04 -> \\u041DV06")
                && t.contains("HV04 -> H\\u200BV07")), reasons.toString());
        assertFalse(reasons.stream().anyMatch(t -> t.contains("\u041DV06") || t.contains("\u200B")),
                reasons.toString());
    }

    /**
     * An entry with an invisible character (U+200B ZERO WIDTH SPACE, U+FEFF, U+2060, a Unicode tag character) reads
     * exactly like the entry it imitates: "HV04 delegates to cifs/hv05.contoso.com but no computer named …" beside a
     * MISSING_DELEGATION for what looks the same value, and a command to remove it that, typed from the PDF, removes
     * nothing. Every output shows where the character is, and no command is built from it; the script removes it by
     * its exact bytes.
     */
    @Test
    void anEntryWithAnInvisibleCharacterIsShownVisiblyAndGetsNoCommand(@TempDir Path own) throws Exception {
        String zw = "cifs/hv05\u200B.contoso.com";
        String tag = "cifs/hv05.contoso.com\uDB40\uDC41";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").entry(zw).entry(tag).build(),
                host("HV05").delegatesTo("HV04").build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        Path out = new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(Path.of("templates"),
                ReportsConfig.defaults())).withHome(own).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(own.resolve("out"), EnumSet.allOf(Format.class), new Timings(), n -> { })
                .outDir();
        JsonNode doc = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        int stale = 0;
        for (JsonNode f : doc.path("findings")) {
            if (f.path("rule").asText().equals("STALE_DELEGATION")
                    && (f.path("spn").asText().equals(zw) || f.path("spn").asText().equals(tag))) {
                stale++;
                assertTrue(f.path("remediation").asText().contains("change it by hand in ADSI Edit"), f.toString());
                assertFalse(f.path("remediation").asText().contains("Set-ADComputer"), f.toString());
            }
        }
        assertEquals(2, stale, "findings.json keeps both exact values: " + doc.path("findings"));
        Map<String, String> texts = outputTexts(out);
        texts.forEach((name, text) -> {
            assertFalse(text.contains("\u200B") || text.contains("\uDB40"), name + " shows the invisible character as"
                    + " nothing");
            if (!name.equals("remediation.ps1")) { // the script names the values by their bytes only
                assertTrue(text.matches("(?s).*hv05\\\\{1,2}u200B\\.contoso.*"), name + " shows where it is");
                assertTrue(text.matches("(?s).*contoso\\.com\\\\{1,2}uDB40\\\\{1,2}uDC41.*"), name + " shows the tag");
            }
        });
        for (String v : List.of(zw, tag)) {
            assertTrue(texts.get("remediation.ps1").contains("(D '" + java.util.Base64.getEncoder().encodeToString(
                    v.getBytes(StandardCharsets.UTF_8)) + "')"), "the script removes the exact value");
        }
    }

    /**
     * A Unicode noncharacter (U+FFFE, U+FDD0, U+1FFFE), and a default-ignorable character that is no format character
     * (a variation selector U+FE0F, the Hangul filler U+3164), is stored by AD as given and shows as nothing:
     * "remove the stale entry cifs/hv05.contoso.com" then reads as removing the peer's good entry, and a command with it
     * pasted from the runbook lost the character on the way. Like an invisible character: shown by its code, no
     * command, the script removes the exact bytes.
     */
    @Test
    void anEntryWithANoncharacterOrAnIgnorableCharacterIsShownVisiblyAndGetsNoCommand(@TempDir Path own) throws Exception {
        List<String> values = List.of("cifs/hv05.contoso.com\uFFFE", "cifs/hv05\uFDD0.contoso.com",
                "cifs/hv05.contoso.com\uD83F\uDFFE", "cifs/hv05.contoso.com\uFE0F", "cifs/hv05\u3164.contoso.com");
        org.kcdauditor.support.Hosts hv04 = host("HV04").delegatesTo("HV05");
        values.forEach(hv04::entry);
        List<AdObject> objects = List.of(hv04.build(), host("HV05").delegatesTo("HV04").build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        Path out = audit(own, cfg, objects, EnumSet.allOf(Format.class));
        Map<String, String> texts = outputTexts(out);
        texts.forEach((name, text) -> {
            assertFalse(text.contains("\uFFFE") || text.contains("\uFDD0") || text.contains("\uD83F\uDFFE")
                    || text.contains("\uFE0F") || text.contains("\u3164"), name + " shows a character as nothing");
            if (!name.equals("remediation.ps1")) {
                assertTrue(text.matches("(?s).*contoso\\.com\\\\{1,2}uFFFE.*"), name + " shows where it is");
                assertTrue(text.matches("(?s).*hv05\\\\{1,2}uFDD0\\.contoso.*"), name + " shows where it is");
                assertTrue(text.matches("(?s).*contoso\\.com\\\\{1,2}uD83F\\\\{1,2}uDFFE.*"), name + " shows it");
                assertTrue(text.matches("(?s).*contoso\\.com\\\\{1,2}uFE0F.*"), name + " shows a variation selector");
                assertTrue(text.matches("(?s).*hv05\\\\{1,2}u3164\\.contoso.*"), name + " shows a Hangul filler");
            }
        });
        for (String v : values) {
            assertTrue(texts.get("remediation.ps1").contains("(D '" + java.util.Base64.getEncoder().encodeToString(
                    v.getBytes(StandardCharsets.UTF_8)) + "')"), "the script removes the exact value");
        }
    }

    /**
     * A stale entry that imitates the entry the plan adds with a look-alike letter ({@code cifs/hv05.cоntoso.com}, a
     * Cyrillic о): the runbook listed it for removal exactly as the entry added two steps before reads, so in ADUC's
     * list of two identical-looking entries the admin may remove the good one, and its typed {@code -Remove} command,
     * typed rather than pasted, removed the good entry. A character outside ASCII in an SPN is shown by its code, no
     * typed command carries it, and the script removes its exact bytes.
     */
    @Test
    void aStaleEntryWithALookAlikeLetterIsShownByItsCodeAndGetsNoTypedCommand(@TempDir Path own) throws Exception {
        String lookAlike = "cifs/hv05.c\u043Entoso.com";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").without("cifs/hv05.contoso.com")
                .entry(lookAlike).build(), host("HV05").delegatesTo("HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.of(Format.JSON, Format.MD, Format.HTML, Format.PS1));
        assertTrue(Files.readString(out.resolve("findings.json")).contains(lookAlike), "findings.json keeps the value");
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        assertTrue(md.contains("   - [ ] cifs/hv05.c\\\\u043Entoso.com\n"), "the removal checklist in runbook.md: " + md);
        assertTrue(html.contains("<li class=\"spn\">cifs/hv05.c\\u043Entoso.com</li>"), html);
        for (String text : List.of(md, html, ps1)) {
            assertFalse(text.contains("\u043E"), "the look-alike letter is shown as itself: " + text);
        }
        assertTrue(md.contains("One entry above cannot be typed safely into a command"), md);
        assertTrue(ps1.contains("Remove-Values 'HV04$' 'msDS-AllowedToDelegateTo' @((D '" + java.util.Base64.getEncoder()
                .encodeToString(lookAlike.getBytes(StandardCharsets.UTF_8)) + "'))"), "the script removes the exact"
                + " value: " + ps1);
        // the good entry keeps its typed command
        assertTrue(md.contains("Set-ADComputer -Identity 'HV04$' -Add @{'msDS-AllowedToDelegateTo'=@("
                + "'cifs/hv05.contoso.com')}"), md);
    }

    /**
     * A removal step holding an entry that cannot be typed (the look-alike {@code cifs/hv05.cоntoso.com}) beside one that
     * can ({@code cifs/hv05.evil.example}, no such host): the step gave no typed command at all, so the runbooks left the
     * typeable entry to ADUC or the script too. It gets its command, and its undo; the entry that cannot be typed is
     * named by its code, in no command, with the pointer to remediation.ps1, which removes both (the one by its bytes),
     * in runbook.md, runbook.html, the script's comments and the workbook's Runbook sheet.
     */
    @Test
    void aRemovalWithAnEntryThatCannotBeTypedGivesTheOthersTheirTypedCommand(@TempDir Path own) throws Exception {
        String lookAlike = "cifs/hv05.c\u043Entoso.com";
        Path out = auditLookAlikeBesideAStaleEntry(own, lookAlike, EnumSet.of(Format.JSON, Format.MD, Format.HTML,
                Format.PS1, Format.XLSX));
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        String xlsx = cells(out.resolve("audit.xlsx"));
        String remove = "Set-ADComputer -Identity 'HV04$' -Remove @{'msDS-AllowedToDelegateTo'=@("
                + "'cifs/hv05.evil.example')} -Server ";
        String undo = "Set-ADComputer -Identity 'HV04$' -Add @{'msDS-AllowedToDelegateTo'=@("
                + "'cifs/hv05.evil.example')} -Server ";
        for (String text : List.of(md, ps1, xlsx, html.replace("&#39;", "'"))) {
            assertTrue(text.contains(remove), "the typeable entry's command: " + text);
        }
        // the rollback by hand puts it back (the script's -Rollback reverts its change record)
        for (String text : List.of(md, html.replace("&#39;", "'"))) {
            assertTrue(text.contains(undo), "its undo: " + text);
        }
        for (String text : List.of(md, html, ps1, xlsx)) {
            assertFalse(text.contains("\u043E"), "the look-alike letter is shown as itself: " + text);
            assertFalse(text.lines().anyMatch(l -> l.contains("'msDS-AllowedToDelegateTo'=@(") && l.contains("u043E")),
                    "a typed command carries the look-alike: " + text);
        }
        // the entry left out is named by its code, with where it is removed
        assertTrue(md.contains("One entry above cannot be typed safely into a command"), md);
        assertTrue(md.contains("no command below carries it (cifs/hv05.c\\\\u043Entoso.com): remove it in ADUC as"
                + " listed"), md);
        assertTrue(html.contains("no command below carries it (cifs/hv05.c\\u043Entoso.com): remove it in ADUC as"
                + " listed"), html);
        assertTrue(ps1.contains("    #   not in the command above (it cannot be typed safely; the script uses its exact"
                + " stored bytes): cifs/hv05.c\\u043Entoso.com\r\n"), ps1);
        assertTrue(xlsx.contains("not in the command (it cannot be typed safely; remediation.ps1 removes it by its exact"
                + " stored bytes): cifs/hv05.c\\u043Entoso.com"), xlsx);
        assertTrue(ps1.contains("Remove-Values 'HV04$' 'msDS-AllowedToDelegateTo' @((D '" + java.util.Base64.getEncoder()
                .encodeToString(lookAlike.getBytes(StandardCharsets.UTF_8)) + "'), 'cifs/hv05.evil.example')")
                || ps1.contains("Remove-Values 'HV04$' 'msDS-AllowedToDelegateTo' @('cifs/hv05.evil.example', (D '"
                + java.util.Base64.getEncoder().encodeToString(lookAlike.getBytes(StandardCharsets.UTF_8)) + "'))"),
                "the script removes both, the look-alike by its bytes: " + ps1);
    }

    /**
     * A removal step none of whose entries can be typed (the look-alike {@code cifs/hv05.cоntoso.com} and
     * {@code cifs/hv05.contoso.com} with a BEL): the workbook's Runbook sheet showed the entries with an empty Command
     * cell and no reason. Its Detail says that they cannot be typed and that remediation.ps1 removes them by their stored
     * bytes, as runbook.md, runbook.html and the script's comments do.
     */
    @Test
    void aRemovalOfEntriesNoneOfWhichCanBeTypedSaysWhyItHasNoCommand(@TempDir Path own) throws Exception {
        String lookAlike = "cifs/hv05.c\u043Entoso.com";
        String bell = "cifs/hv05.contoso.com\u0007";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").without("cifs/hv05.contoso.com")
                .entry(lookAlike).entry(bell).build(), host("HV05").delegatesTo("HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.of(Format.JSON, Format.MD, Format.HTML, Format.PS1, Format.XLSX));
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        String xlsx = cells(out.resolve("audit.xlsx"));
        String shown = "cifs/hv05.c\\u043Entoso.com, cifs/hv05.contoso.com\\u0007";
        String why = "; no command (they cannot be typed safely; remediation.ps1 removes them by their exact stored"
                + " bytes)";
        assertTrue(xlsx.lines().anyMatch(l -> l.startsWith("Runbook!E") && l.endsWith(": " + shown + why)),
                "the Runbook sheet's Detail says why the Command is empty: " + xlsx);
        assertTrue(ps1.contains("    # Remove delegation entries (STALE_DELEGATION, MALFORMED_DELEGATION_ENTRY)\r\n"
                + "    #   " + shown + why + "\r\n    Remove-Values 'HV04$' 'msDS-AllowedToDelegateTo' @((D '"),
                "said once, above the removal by the bytes: " + ps1);
        String runbooks = "2 entries above cannot be typed safely into a command";
        String named = "so no command below carries them (" + shown + "): remove them in ADUC as listed";
        assertTrue(md.contains(runbooks) && md.contains(named.replace("\\", "\\\\")), md);
        assertTrue(html.contains(runbooks) && html.contains(named), html);
        for (String text : List.of(md, html)) {
            assertTrue(text.contains("remediation.ps1 changes them by the exact value stored"), text);
        }
        for (String text : List.of(md, html, ps1, xlsx)) {
            assertFalse(text.contains("\u043E") || text.contains("\u0007"), "an entry is shown as itself: " + text);
        }
    }

    /**
     * Every step that has no command because a value in it cannot be typed safely says why, naming the value by its
     * code, and what to do instead, in runbook.md, runbook.html, remediation.ps1 and the workbook's Runbook sheet. A
     * real LDAP server holds the values: the holders of duplicate SPNs whose DN has a U+202E or a line feed (an LDAP
     * server may return it unescaped) or whose SPN imitates the node's with a long s ({@code ſ}, which the KDC folds
     * to S); nodes whose cn holds a line feed, one of them without a dNSHostName, with the host steps their findings
     * ask for (password reset, Kerberos for migrations, migration enabled). The steps taking an SPN off by its DN said
     * nothing in the sheet, and "This SPN cannot be typed" in the runbooks, of an SPN that can; the host steps and the
     * migration checks of such a node showed an empty command everywhere; the test moves to it said why in the
     * runbooks and the script, not in the sheet; a decision whose yes takes an SPN off such a holder ended "to keep
     * it on HV04:" with nothing after it. The script lays out no decision.
     */
    @Test
    void everyStepWithoutACommandSaysWhyInEveryOutput(@TempDir Path own) throws Exception {
        Path out = auditHostileDirectory(own);
        ReportView view = ReportView.of(FindingsJson.read(out.resolve("findings.json")));
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8).replace("\r\n", "\n");
        List<String> sheet = cells(out.resolve("audit.xlsx")).lines().filter(l -> l.startsWith("Runbook!")).toList();
        // every step but the checks, which need none, the decisions that propose no change, and the Get-VMHost export
        // made again in place of a file, as that file was made (which hosts it covers is the admin's to know)
        List<Procedure.Step> without = new java.util.ArrayList<>(view.procedure().checklist().stream().filter(s ->
                s.commands().isEmpty() && s.phase() != Procedure.Phase.DECIDE && !s.detail().isEmpty()
                        && !s.action().startsWith(Procedure.REEXPORT)).toList());
        for (int i = 0; i < view.plan().decisions().size(); i++) {
            if (view.plan().decisions().get(i).proposed().stream().anyMatch(a -> view.plan().commandsFor(a.subject())
                    .all(a).isEmpty())) {
                without.add(view.procedure().steps(Procedure.Phase.DECIDE).get(i));
            }
        }
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        without.forEach(s -> kinds.add(s.phase() + " " + (s.change() == null ? "" : s.change().getClass()
                .getSimpleName())));
        assertEquals("[BEFORE , CHANGE UnregisterSpn, DECIDE , HOSTS EnableMigration, HOSTS ResetMachinePassword, HOSTS"
                + " SetMigrationAuthentication, VALIDATE ]", kinds.toString(), "the directory gives each kind");
        for (Procedure.Step s : without) {
            String step = s.phase() + " " + s.host() + ": " + s.action();
            String why = s.noCommand();
            assertFalse(why.isEmpty(), step + " says nothing of why it has no command: " + s.detail());
            // the sheet: the row of the step, its Detail ending with the reason
            String row = sheet.stream().filter(l -> l.startsWith("Runbook!D")
                    && l.substring(l.indexOf(": ") + 2).equals(Values.visible(s.action())))
                    .map(l -> l.substring("Runbook!D".length(), l.indexOf(':')))
                    .filter(r -> sheet.contains("Runbook!C" + r + ": " + Values.visible(s.host())))
                    .findFirst().orElseThrow(() -> new AssertionError(step + " not in the sheet: " + sheet));
            assertTrue(sheet.stream().anyMatch(l -> l.startsWith("Runbook!E" + row + ": ")
                    && l.endsWith(Values.visible(why))), step + ": the sheet's Detail: " + sheet);
            // the runbooks and the script, in their own escaping; the runbooks' sentence for an SPN that cannot be
            // typed stays theirs
            boolean spn = s.change() instanceof Action.UnregisterSpn u && !Values.typeableSpn(u.spn());
            String spnSaid = "This SPN cannot be typed safely into a command";
            assertTrue(spn ? near(md, EscapingOutputFormat.MARKDOWN.escape(s.detail().substring(0,
                    s.detail().indexOf(';'))), spnSaid) : flat(md).contains(flat(EscapingOutputFormat.MARKDOWN
                    .escape(why))), step + " in runbook.md: " + md);
            assertTrue(spn ? near(html, EscapingOutputFormat.HTML.escape(s.detail().substring(0,
                    s.detail().indexOf(';'))), spnSaid) : flat(html).contains(flat(EscapingOutputFormat.HTML
                    .escape(why))), step + " in runbook.html: " + html);
            // the script lays out no decision
            assertTrue(s.phase() == Procedure.Phase.DECIDE || ps1.contains(EscapingOutputFormat.POWERSHELL.escape(why))
                    || ps1.contains(EscapingOutputFormat.TEXT.escape(why)), step + " in remediation.ps1: " + ps1);
        }
        // and no empty command where one was left out
        java.util.regex.Matcher fence = java.util.regex.Pattern.compile("(?s)```(?:powershell)?\n(.*?)```").matcher(md);
        while (fence.find()) {
            assertFalse(fence.group(1).isBlank() || fence.group(1).contains("\n\n"), "runbook.md: " + fence.group());
        }
        java.util.regex.Matcher pre = java.util.regex.Pattern.compile("(?s)<pre>(.*?)</pre>").matcher(html);
        while (pre.find()) {
            assertFalse(pre.group(1).isBlank() || pre.group(1).contains("\n\n") || pre.group(1).endsWith("\n"),
                    "runbook.html: " + pre.group());
        }
        // a host step or a check that printed its host and nothing after it, or nothing at all
        assertFalse(ps1.lines().anyMatch(l -> l.matches("\\s*Write-Host ' +([^']*: )?'")), ps1);
    }

    /** Whether {@code said} follows {@code what} in {@code text}, within the paragraph after it. */
    private static boolean near(String text, String what, String said) {
        int at = text.indexOf(what);
        return at >= 0 && text.substring(at, Math.min(text.length(), at + what.length() + 600)).contains(said);
    }

    /** {@code text} with each run of white space as one space, as a reader sees wrapped lines. */
    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    /**
     * The reports of a run against an LDAP server holding cluster HVC1 of HV04 to HV07: HV06 and HV07 with a line
     * feed in their cn (HV07 without a dNSHostName), their passwords from before the domain's AES keys, set to CredSSP
     * with live migration disabled; and three holders of duplicates of the nodes' SPNs that no command can name.
     */
    private static Path auditHostileDirectory(Path own) throws Exception {
        String base = TestDirectory.BASE;
        InMemoryDirectoryServer ds = TestDirectory.startDomain(base, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV04", "HV05", "HV06", "HV07"));
            ds.modifyDN("CN=HV06,OU=Hyper-V," + base, "CN=HV06\\0ADECISION: GO", true);
            ds.modifyDN("CN=HV07,OU=Hyper-V," + base, "CN=HV07\\0AX", true);
            ds.modify("CN=HV07\\0AX,OU=Hyper-V," + base, new Modification(ModificationType.DELETE, "dNSHostName"));
            TestDirectory.aesKeysSince(ds, base, org.kcdauditor.support.Hosts.DOMAIN_SID, "20090310120000.0Z");
            // an SPN that does not name HV04, which sql-raw holds too: which of the two keeps it is a decision
            ds.modify("CN=HV04,OU=Hyper-V," + base, new Modification(ModificationType.ADD, "servicePrincipalName",
                    "MSSQLSvc/sql01.contoso.com"));
            for (String cn : List.of("HV04", "HV05", "HV06\\0ADECISION: GO", "HV07\\0AX")) {
                TestDirectory.pwdLastSet(ds, "CN=" + cn + ",OU=Hyper-V," + base, cn.length() > 4
                        ? "2008-06-01T00:00:00Z" : "2026-11-01T00:00:00Z");
            }
            for (String[] holder : List.of(new String[]{"svc\u202Eevil", "svc-bidi", "HOST/HV04"},
                    new String[]{"svc\nraw", "svc-raw", "HOST/HV05"},
                    new String[]{"svc-odd", "svc-odd", "HOST/hv04.conto\u017Fo.com"},
                    new String[]{"sql\nraw", "sql-raw", "MSSQLSvc/sql01.contoso.com"})) {
                ds.add(new Entry("CN=" + holder[0] + ",CN=Users," + base, new Attribute("objectClass", "user"),
                        new Attribute("cn", holder[0]), new Attribute("sAMAccountName", holder[1]),
                        new Attribute("servicePrincipalName", holder[2])));
            }
            Files.writeString(own.resolve("vmhost.csv"), "ComputerName,VirtualMachineMigrationEnabled,"
                    + "VirtualMachineMigrationAuthenticationType\nHV04,True,Kerberos\nHV05,True,Kerberos\n"
                    + "HV06,False,CredSSP\nHV07,False,CredSSP\n");
            Path cfg = Files.writeString(own.resolve("kcd-audit.yaml"), "directory:\n  url: ldap://127.0.0.1:"
                    + ds.getListenPort() + "\n  bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD"
                    + "\n  baseDn: " + base + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n"
                    + "  - name: HVC1\n    nodes: [HV04, HV05, HV06, HV07]\nhostSettings:\n  sources: [vmhost.csv]\n"
                    + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
            Path out = own.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", out.toString());
            assertEquals(3, r.exitCode(), r.toString());
            return out;
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * The PDF, the workbook and the mail notice show a look-alike entry by its code as the runbooks do, in the finding's
     * SPN, message and remediation, the hosts' entries and the change list: shown as stored, {@code cifs/hv05.cоntoso.com} reads as the
     * good peer's entry it imitates.
     */
    @Test
    void aLookAlikeEntryReadsByItsCodeInThePdfTheWorkbookAndTheMail(@TempDir Path own) throws Exception {
        String lookAlike = "cifs/hv05.c\u043Entoso.com";
        Path out = auditLookAlikeBesideAStaleEntry(own, lookAlike, EnumSet.allOf(Format.class));
        String pdf = pdfText(out);
        String xlsx = cells(out.resolve("audit.xlsx"));
        // the mail notice of a run after one without these findings lists them, with their messages
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        Notice notice = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily",
                Notify.ALWAYS, FindingsJson.read(out.resolve("findings.json")), List.of(), "prev", null).get(0);
        for (String text : List.of(pdf, xlsx, notice.text(), notice.html())) {
            assertFalse(text.contains("\u043E"), "the look-alike letter is shown as itself: " + text);
            assertTrue(text.contains("cifs/hv05.c\\u043Entoso.com"), text);
        }
        assertTrue(xlsx.contains("Findings!H3: HV04 delegates to cifs/hv05.c\\u043Entoso.com but no computer named"
                + " hv05.c\\u043Entoso.com exists"), xlsx);
    }

    /**
     * The reports of HV04 lacking its entry for HV05 and holding {@code lookAlike} and the stale
     * {@code cifs/hv05.evil.example} instead (one removal step).
     */
    private static Path auditLookAlikeBesideAStaleEntry(Path own, String lookAlike, EnumSet<Format> formats)
            throws Exception {
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").without("cifs/hv05.contoso.com")
                .entry(lookAlike).entry("cifs/hv05.evil.example").build(), host("HV05").delegatesTo("HV04").build());
        return audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects, formats);
    }

    /**
     * A stale entry that only starts like a peer's ({@code cifs/hv05.evil.example}, no such host; the look-alike
     * {@code cifs/hv05.cоntoso.com}; the peer's name with a port; {@code cifs/hv0５.contoso.com} with a fullwidth 5, for
     * no such host either) is removed in a step that names its entries, never as
     * "Remove delegation to HV05": beside "Add delegation to HV05" that reads as the good peer's entry going, in the
     * script's comments, the runbooks, the workbook's Runbook sheet and the PDF's list of changes.
     */
    @Test
    void aRemovalOfAnEntryThatOnlyLooksLikeAPeersIsNotLabelledWithThePeer(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").without("cifs/hv05.contoso.com")
                .entry("cifs/hv05.c\u043Entoso.com").entry("cifs/hv05.evil.example").entry("cifs/hv05.contoso.com:8080")
                .entry("cifs/hv15.contoso.com").entry("cifs/hv0\uFF15.contoso.com").build(),
                host("HV05").delegatesTo("HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.allOf(Format.class));
        Map<String, String> texts = Map.of("remediation.ps1", Files.readString(out.resolve("remediation.ps1"),
                        StandardCharsets.UTF_8), "runbook.md", Files.readString(out.resolve("runbook.md")),
                "audit.xlsx", cells(out.resolve("audit.xlsx")), "audit.pdf", pdfText(out));
        texts.forEach((name, text) -> {
            assertFalse(text.contains("Remove delegation to HV05") || text.contains("delegation to HV05: 3 entries")
                    || text.contains("delegation to HV0\uFF15"),
                    name + " names the peer for entries that are not its: " + text);
            // runbook.md's ADUC steps name no step; the others keep the peer of the entry added
            assertTrue(name.equals("runbook.md") || text.contains("Add delegation to HV05"), name + ": " + text);
        });
        // an entry naming a host that does not exist, and no computer of that name either, keeps its name
        assertTrue(texts.get("remediation.ps1").contains("# Remove stale delegation to HV15 (STALE_DELEGATION)"),
                texts.get("remediation.ps1"));
        assertTrue(texts.get("remediation.ps1").contains("# Remove delegation entries (STALE_DELEGATION)"),
                texts.get("remediation.ps1"));
    }

    @Test
    void aClusterThatRequiresNothingReadsADashNeverAHundredPercent() {
        JsonNode hvc9 = null;
        for (JsonNode c : json.path("clusters")) {
            if (c.path("name").asText().equals("HVC9")) {
                hvc9 = c;
            }
        }
        assertTrue(hvc9 != null && hvc9.has("compliancePercent") && hvc9.path("compliancePercent").isNull(),
                String.valueOf(hvc9));
        assertEquals(0, hvc9.path("requiredEntries").asInt());
        for (String name : List.of("audit.pdf", "runbook.md", "runbook.html", "audit.xlsx")) {
            String text = outputs.get(name);
            assertFalse(text.contains("100.0 %") || text.contains("100.0%"),
                    name + " shows 100 % for a cluster that requires nothing");
        }
    }

    /** The report folder of an audit of {@code objects} in {@code own}, writing {@code formats}. */
    /**
     * Values that are no SPN (MALFORMED_DELEGATION_ENTRY) are removed exactly as stored: one a command can carry typed in
     * single quotes in the runbook and the script, one with a control character by its bytes in the script only. They
     * gave no finding, so no removal, before.
     */
    @Test
    void aValueThatIsNoSpnIsRemovedExactlyAsStored(@TempDir Path own) throws Exception {
        String typed = "cifs\\HV05";
        String control = "ci\u0001fs/HV04";
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05").entry(typed).build(),
                host("HV05").delegatesTo("HV04").entry(control).build());
        AuditConfig cfg = config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null);
        Path out = audit(own, cfg, objects, EnumSet.of(Format.JSON, Format.MD, Format.PS1));
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        String md = Files.readString(out.resolve("runbook.md"));
        assertTrue(ps1.contains("    Remove-Values 'HV04$' 'msDS-AllowedToDelegateTo' @('cifs\\HV05')\r\n"), ps1);
        assertTrue(md.contains("Set-ADComputer -Identity 'HV04$' -Remove @{'msDS-AllowedToDelegateTo'=@('cifs\\HV05')}"
                + " -Server"), md);
        String exact = java.util.Base64.getEncoder().encodeToString(control.getBytes(StandardCharsets.UTF_8));
        assertTrue(ps1.contains("    Remove-Values 'HV05$' 'msDS-AllowedToDelegateTo' @((D '" + exact + "'))\r\n"),
                ps1);
        assertTrue(md.contains("One entry above cannot be typed safely into a command"), md);
    }

    private static Path audit(Path own, AuditConfig cfg, List<AdObject> objects, EnumSet<Format> formats)
            throws Exception {
        return new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(Path.of("templates"),
                ReportsConfig.defaults())).withHome(own).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(own.resolve("out"), formats, new Timings(), n -> { })
                .outDir();
    }

    /**
     * A node whose cn is a host name but whose sAMAccountName is not ({@code HV04'; calc; '$}): the cmdlets take the
     * sAMAccountName, so no command names its account. Every command named {@code 'HV04$'} instead, an account that is
     * not this object (another computer may hold that name), although DNS_HOST_NAME_INVALID said no command is derived
     * from it; the host is left to be changed by hand like a host whose name is invalid.
     */
    @Test
    void aNodeWhoseAccountNameIsInvalidGetsNoCommandNamingAnotherAccount(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(host("HV04").sam("HV04'; calc; '").build(),
                host("HV05").delegatesTo("HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.allOf(Format.class));
        JsonNode doc = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        int missing = 0;
        for (JsonNode f : doc.path("findings")) {
            if (f.path("rule").asText().equals("MISSING_DELEGATION") && f.path("host").asText().equals("HV04")) {
                missing++;
                assertTrue(f.path("remediation").asText().startsWith("Not scripted: HV04 is refused, as its account"
                        + " name (sAMAccountName) is not a valid NetBIOS name."), f.toString());
            }
        }
        assertTrue(missing > 0, "HV04 delegates to nothing: " + doc.path("findings"));
        outputTexts(out).forEach((name, text) -> assertFalse(text.contains("'HV04$'"),
                name + " names an account that is not HV04's"));
        assertTrue(Files.readString(out.resolve("remediation.ps1")).contains("#   HV04 - its account name"),
                "the script says why HV04 is left out");
    }

    /**
     * A node no command can name (its account name {@code HV04'; calc; '$}) needs delegation: the runbooks listed the
     * entries to add on it by hand in ADUC, and its peers' commands added entries to it, while the script said nothing
     * is generated for it (review 5, item 1). Such a node is refused both ways: no entry is added to or from it, by
     * command or by hand; what it should lose (a stale entry) is still listed, to take off once it is checked.
     */
    @Test
    void aNodeNoCommandCanNameGetsNoDelegationToOrFromItAndItsRemovalsAreListed(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(host("HV04").sam("HV04'; calc; '").entry("cifs/hv09.contoso.com").build(),
                host("HV05").delegatesTo("HV04").without("cifs/HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.of(Format.JSON, Format.MD, Format.HTML, Format.PS1));
        String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
        String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
        String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
        assertTrue(ps1.contains("Write-Host 'No scripted delegation change. Refused: HV04; check them as runbook.md lists"
                + " it (\"Not scripted\")."), "the script does not say that nothing is needed: " + ps1);
        assertFalse(ps1.contains("cifs/HV04") || ps1.contains("cifs/HV05"), "delegation to or from HV04: " + ps1);
        assertTrue(md.contains("**No scripted directory change.**") && md.contains("\n## Not scripted: check by hand\n"),
                "nothing else changes, yet the host needs a look: " + md);
        String refused = md.substring(md.indexOf("## Not scripted: check by hand"), md.indexOf("## 1. Needs a decision"));
        assertTrue(refused.contains("no delegation is added to or from them, neither by the script nor by hand"), refused);
        for (String spn : List.of("cifs/HV05", "cifs/hv05.contoso.com", "cifs/HV04")) {
            assertFalse(refused.contains("- [ ] " + spn + "\n") || html.contains("<li class=\"spn\">" + spn + "</li>"),
                    spn + " in " + refused);
        }
        assertTrue(refused.contains("  - Remove from its Delegation tab:\n    - [ ] cifs/hv09.contoso.com\n"),
                "the stale entry to remove: " + refused);
        assertTrue(refused.contains("```\nrepadmin /syncall dc1.contoso.com /AdeP\nklist -li 0x3e7 purge\n```"),
                "then replicated and the tickets purged: " + refused);
        assertTrue(html.contains("<pre>repadmin /syncall dc1.contoso.com /AdeP\nklist -li 0x3e7 purge</pre>"), html);
        assertFalse(md.contains("'HV04$'") || html.contains("&#39;HV04$&#39;"), "no command names another account");
    }

    /**
     * A cn is unique only in its container: anyone who may create a computer account (ms-DS-MachineAccountQuota lets
     * every user create ten) can create CN=HV04 in another OU with an account name of their own. The findings'
     * commands named the node by the account of whichever object called HV04 the directory returned first, so a
     * pasted {@code Set-ADComputer -Identity 'EVIL$' -Add @{'msDS-AllowedToDelegateTo'=…}} gave that account the
     * node's delegation. The commands name the node's own account.
     */
    @Test
    void anotherObjectWithANodesCnLendsItsAccountToNoCommand(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(
                host("HV04").sam("EVIL").dn("CN=HV04,CN=Computers,DC=contoso,DC=com").build(),
                host("HV04").build(), host("HV05").delegatesTo("HV04").build());
        Path out = audit(own, config(own, List.of(cluster("HVC1", "HV04", "HV05")), null, null), objects,
                EnumSet.of(Format.JSON, Format.PS1));
        String json = Files.readString(out.resolve("findings.json"));
        assertTrue(json.contains("Set-ADComputer -Identity 'HV04$' -Add"), json);
        assertFalse(json.contains("-Identity 'EVIL$'"), json);
        assertFalse(Files.readString(out.resolve("remediation.ps1")).contains("'EVIL$'"));
    }

    /**
     * A file server and a delegation target whose cn is not their account name (FS01 and TGT1, accounts FSX$ and
     * TGTX$: renamed in ADUC, or pre-staged), while other objects elsewhere bear the accounts FS01$ and TGT1$ (any user
     * may create computer accounts of a chosen name). The plan's account names came from the nodes only, so the
     * runbooks, the script, the workbook and the PDF named the file server and the target {@code '<cn>$'}: the
     * encryption types, the SPN and the enabled account went to those other objects. Every command names their own
     * accounts; findings.json's own commands already did.
     */
    @Test
    void aFileServerOrATargetWhoseCnIsNotItsAccountIsNamedByItsOwnAccount(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(
                host("HV04").delegatesTo("HV05").entry("cifs/TGTX").build(),
                host("HV05").delegatesTo("HV04").build(),
                host("FS01").sam("FSX").encryptionTypes(0x4).withoutSpn("HOST/FS01")
                        .withoutSpn("HOST/fs01.contoso.com").build(),
                host("NAS1").sam("NASX").os(null, null).uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE)
                        .build(),
                host("TGT1").sam("TGTX").encryptionTypes(0x4).build(),
                host("ATT1").sam("FS01").dn("CN=ATT1,CN=Computers,DC=contoso,DC=com").build(),
                host("ATT2").sam("NAS1").dn("CN=ATT2,CN=Computers,DC=contoso,DC=com").build(),
                host("ATT3").sam("TGT1").dn("CN=ATT3,CN=Computers,DC=contoso,DC=com").build());
        Path out = audit(own, config(own, List.of(new ClusterConfig("HVC1", List.of("HV04", "HV05"), null,
                List.of("FSX", "NASX"))), null, null), objects, EnumSet.allOf(Format.class));
        String json = Files.readString(out.resolve("findings.json"));
        for (String account : List.of("'FSX$'", "'NASX$'", "'TGTX$'")) {
            assertTrue(json.contains(account), account + " in " + json);
        }
        Map<String, String> texts = outputTexts(out);
        texts.put("findings.json", json);
        texts.forEach((name, text) -> {
            for (String other : List.of("'FS01$'", "'NAS1$'", "'TGT1$'")) {
                assertFalse(text.contains(other), name + " names " + other + ", another object's account");
            }
        });
        String runbook = texts.get("runbook.md");
        for (String account : List.of("-Identity 'FSX$' -Replace @{'msDS-SupportedEncryptionTypes'",
                "-Identity 'TGTX$' -Replace @{'msDS-SupportedEncryptionTypes'",
                "-Identity 'FSX$' -ServicePrincipalNames @{Add=", "Enable-ADAccount -Identity 'NASX$'")) {
            assertTrue(runbook.contains(account), account + " in " + runbook);
        }
        assertTrue(texts.get("remediation.ps1").contains("'FSX$'"), texts.get("remediation.ps1"));
        // report --from reads them back from findings.json
        RemediationPlan again = RemediationPlan.of(FindingsJson.read(out.resolve("findings.json")));
        assertEquals("NASX$", again.commandsFor("NAS1").account("NAS1"));
        assertEquals("TGTX$", again.commandsFor("TGT1").account("TGT1"));
    }

    /**
     * A file server whose account name cannot be typed ({@code FS02'; calc; '$}) gets no command, as a node does: the
     * plan knew the nodes' account names only, so its encryption types were set on {@code 'FS02$'}, another account or
     * none. The script lists it among the objects to change by hand.
     */
    @Test
    void aFileServerWhoseAccountNameIsInvalidGetsNoCommandNamingAnotherAccount(@TempDir Path own) throws Exception {
        List<AdObject> objects = List.of(host("HV04").delegatesTo("HV05", "FS02").build(),
                host("HV05").delegatesTo("HV04", "FS02").build(),
                host("FS02").sam("FS02'; calc; '").encryptionTypes(0x4).build());
        Path out = audit(own, config(own, List.of(new ClusterConfig("HVC1", List.of("HV04", "HV05"), null,
                List.of("FS02"))), null, null), objects, EnumSet.allOf(Format.class));
        JsonNode doc = new ObjectMapper().readTree(out.resolve("findings.json").toFile());
        assertTrue(doc.path("findings").findValuesAsText("rule").contains("AES_NOT_ENABLED"), doc.toString());
        outputTexts(out).forEach((name, text) -> assertFalse(text.contains("'FS02$'"),
                name + " names an account that is not FS02's"));
        assertTrue(Files.readString(out.resolve("remediation.ps1")).contains("#   FS02 - its account name"),
                "the script says why FS02 is left out");
    }

    /** The runbooks, the script, the PDF's text and the workbook's cells (one per line) of a run's folder. */
    private static Map<String, String> outputTexts(Path out) throws Exception {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String f : List.of("runbook.md", "runbook.html", "remediation.ps1")) {
            texts.put(f, Files.readString(out.resolve(f), StandardCharsets.UTF_8));
        }
        texts.put("audit.pdf", pdfText(out));
        StringBuilder cells = new StringBuilder();
        try (XSSFWorkbook wb = new XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
            for (Sheet sh : wb) {
                for (Row r : sh) {
                    for (Cell c : r) {
                        cells.append(c.toString()).append('\n');
                    }
                }
            }
        }
        texts.put("audit.xlsx", cells.toString());
        return texts;
    }

    static String pdfText(Path out) throws Exception {
        try (var d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            return new PDFTextStripper().getText(d);
        }
    }

    private static List<JsonNode> findings(String rule) {
        List<JsonNode> out = new java.util.ArrayList<>();
        json.path("findings").forEach(f -> {
            if (f.path("rule").asText().equals(rule)) {
                out.add(f);
            }
        });
        return out;
    }
}
