package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.RDN;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile values drawn by a seeded generator from {@link #PAYLOADS} (quotes of every kind PowerShell reads as one,
 * {@code $()}, separators, line breaks, control and bidi characters, tags, Markdown links, spreadsheet formulas and DDE,
 * a 10,000-character value, look-alike letters) into random directory attributes of the nodes (dNSHostName,
 * sAMAccountName, operatingSystem, cn, SPNs, delegation entries, description) and of other objects (the holder of a
 * duplicate SPN, by its cn), into the import files (host settings, patches, events, a baseline's waivers) and into the
 * config's names (a node, a cluster, an operator looked up by LDAP filter: a name refused gets one line naming the
 * file, then the run goes on with plain names). The real {@code run} writes every output, and each is read back as its
 * reader would: no value from the data runs as PowerShell code in remediation.ps1 (outside single quotes and comments,
 * as {@link RunbookTest.PowerShellLexer} reads a line), no workbook cell is a formula or a hyperlink and a text
 * beginning like one is quote-prefixed, runbook.html and the mail's HTML hold no tag and runbook.md no raw HTML or link
 * from the data, the PDF opens, and no text output holds a bidi override or line separator as itself (issue 16:
 * untrusted data stays data).
 */
class HostileValuesFuzzTest {
    private static final String BASE = TestDirectory.BASE;
    /** Every payload holds this word: found in code, a tag or a link, it came from the data. */
    static final String MARK = "PWN";
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final List<String> PAYLOADS = List.of(
            "x'; Remove-Item PWN; '", "x\u2019; Remove-Item PWN; \u2018", "x\u201A PWN \u201B", "x\"; PWN; \"",
            "x` PWN", "$(PWN)", "${PWN}", "x; PWN & PWN | PWN", "x\nPWN", "x\rPWN", "x\u2028PWN", "x\u0007\u001B[2JPWN",
            "<script>PWN</script>", "<img src=x onerror=PWN>", "[PWN](javascript:PWN)", "x](javascript:PWN)",
            "=HYPERLINK(\"http://e.test/PWN\",\"x\")", "=cmd|' /C calc'!A0 PWN", "+PWN", "-PWN", "@SUM(1+1)PWN",
            "\t=PWN", "\u202EPWN", "PW\u200DN", "PWN\u0441\u043E", "'PWN", "x</pre><script>PWN</script>",
            "x\n```\n<img src=x onerror=PWN>\n```", "<!--PWN-->", "&lt;PWN&gt;", "x\r\n# PWN", "x\n$PWN = 1");

    @TempDir
    Path tmp;

    /** The generated config with plain names in place of the hostile ones, for a run after the config is refused. */
    private String plainNames;

    /** What the generator put where, for the assertion messages. */
    private final List<String> made = new ArrayList<>();

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void hostileValuesStayDataInEveryOutput(long seed) throws Exception {
        Random rnd = new Random(seed);
        InMemoryDirectoryServer ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        Path out = tmp.resolve("out");
        CliRun r;
        try {
            Path cfg = generate(rnd, ds);
            r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", out.toString());
            if (r.exitCode() == 2) { // a name in the config refused: one line naming the file, no stack trace
                assertTrue(r.err().startsWith("kcd-audit: " + cfg + ":") && r.err().strip().lines().count() == 1
                        && !r.err().contains("Exception"), "seed " + seed + ": " + r);
                made.add("refused (" + r.err().strip() + "), run with the config's own names");
                Files.writeString(cfg, plainNames);
                r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", out.toString());
            }
        } finally {
            ds.shutDown(true);
        }
        String scenario = "seed " + seed + ": " + String.join("; ", made);
        try {
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
            Map<String, String> texts = new java.util.LinkedHashMap<>();
            for (String f : List.of("remediation.ps1", "runbook.html", "runbook.md")) {
                texts.put(f, Files.readString(out.resolve(f), StandardCharsets.UTF_8));
            }
            assertScript(texts.get("remediation.ps1"));
            assertWorkbook(out.resolve("audit.xlsx"));
            assertHtml("runbook.html", texts.get("runbook.html"));
            assertMarkdown(texts.get("runbook.md"));
            try (PDDocument d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
                assertTrue(new PDFTextStripper().getText(d).contains("HVC1"), "the PDF reads");
            }
            FindingsDocument doc = FindingsJson.read(out.resolve("findings.json"));
            MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                    List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
            Notice notice = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily",
                    Notify.ALWAYS, doc, List.of(), "prev", null).get(0);
            assertHtml("the mail's HTML", notice.html());
            texts.put("the mail's text", notice.text());
            texts.put("the mail's HTML", notice.html());
            // what is read is what is stored: no character from the data turns text around or breaks a line unseen
            texts.forEach((name, text) -> assertFalse(text.contains("\u202E") || text.contains("\u2028")
                    || text.contains("\u200D"), name + " holds a bidi override, line separator or joiner as itself"));
            assertFalse(notice.subject().contains("\n") || notice.subject().contains("\r"), notice.subject());
            assertFalse(notice.text().lines().anyMatch(l -> l.startsWith(MARK)), "the mail's text: " + notice.text());
        } catch (AssertionError e) {
            throw new AssertionError(scenario + "\n" + e.getMessage(), e);
        }
    }

    /** Every line's code outside single quotes and comments holds nothing of the data. */
    static void assertScript(String ps1) {
        for (String line : ps1.split("\r\n")) {
            assertFalse(line.contains("\n") || line.contains("\r") || line.contains("\u2028"),
                    "a line break from the data: " + line);
            String code = RunbookTest.PowerShellLexer.codeOutsideQuotesAndComments(line);
            assertFalse(code.contains(MARK), "remediation.ps1 runs a value from the data: " + line);
        }
    }

    /** No formula, no hyperlink; text that begins as a formula would is quote-prefixed. */
    private static void assertWorkbook(Path xlsx) throws Exception {
        try (XSSFWorkbook wb = new XSSFWorkbook(xlsx.toFile())) {
            assertWorkbook(wb);
        }
    }

    /** The same of a workbook read. */
    static void assertWorkbook(XSSFWorkbook wb) {
        for (Sheet s : wb) {
            assertTrue(((XSSFSheet) s).getHyperlinkList().isEmpty(), s.getSheetName() + " holds a hyperlink");
            for (Row row : s) {
                for (Cell c : row) {
                    String at = s.getSheetName() + "!" + c.getAddress();
                    assertFalse(c.getCellType() == CellType.FORMULA, at + " is a formula: " + c);
                    if (c.getCellType() == CellType.STRING && c.getStringCellValue().matches("(?s)[=+\\-@\t\r].*")
                            && c.getStringCellValue().contains(MARK)) {
                        assertTrue(c.getCellStyle().getQuotePrefixed(), at + " is not quote-prefixed: "
                                + c.getStringCellValue());
                    }
                }
            }
        }
    }

    private static final Pattern TAG = Pattern.compile("<[^>]*" + MARK
            + "|<(?:script|img|iframe|svg)|href=\"?javascript", Pattern.CASE_INSENSITIVE);

    static void assertHtml(String name, String html) {
        Matcher m = TAG.matcher(html);
        assertFalse(m.find(), () -> name + " holds markup from the data: …" + html.substring(Math.max(0, m.start()
                - 200), Math.min(html.length(), m.end() + 200)) + "…");
    }

    /** Outside code blocks and code spans (shown literally), no raw tag and no link made of the data. */
    static void assertMarkdown(String md) {
        String prose = md.replaceAll("(?ms)^```.*?^```", "").replaceAll("(`+)(?s:.+?)\\1", "");
        Matcher m = Pattern.compile("(?<!\\\\)<[a-zA-Z!/]|(?<!\\\\)\\]\\((?i:javascript)|(?<!\\\\)\\]\\([^)]*"
                + MARK).matcher(prose);
        assertFalse(m.find(), () -> "runbook.md holds markup from the data: …" + prose.substring(Math.max(0,
                m.start() - 200), Math.min(prose.length(), m.end() + 200)) + "…");
    }

    private String payload(Random rnd) {
        int pick = rnd.nextInt(PAYLOADS.size() + 2);
        if (pick == PAYLOADS.size()) {
            return "=" + "A".repeat(10_000) + MARK; // a very long value
        }
        if (pick == PAYLOADS.size() + 1) {
            return PAYLOADS.get(rnd.nextInt(PAYLOADS.size())) + PAYLOADS.get(rnd.nextInt(PAYLOADS.size()));
        }
        return PAYLOADS.get(pick);
    }

    /** One cluster of 3 nodes with hostile values where the seed puts them; returns the config. */
    private Path generate(Random rnd, InMemoryDirectoryServer ds) throws Exception {
        List<String> nodes = List.of("HV01", "HV02", "HV03");
        TestDirectory.addCluster(ds, nodes);
        ds.add(new Entry("dn: CN=Users," + BASE, "objectClass: container", "cn: Users"));
        List<String> dns = new ArrayList<>();
        nodes.forEach(n -> dns.add("CN=" + n + ",OU=Hyper-V," + BASE));
        // every kind of place at least twice, in an order and with values the seed draws
        List<Integer> kinds = new ArrayList<>();
        for (int i = 0; i < 18 + rnd.nextInt(9); i++) {
            kinds.add(i < 18 ? i % 9 : rnd.nextInt(9));
        }
        Collections.shuffle(kinds, rnd);
        for (int i = 0; i < kinds.size(); i++) {
            int node = rnd.nextInt(nodes.size());
            String dn = dns.get(node);
            String v = payload(rnd);
            switch (kinds.get(i)) {
                case 0 -> replace(ds, dn, "dNSHostName", v);
                case 1 -> replace(ds, dn, "sAMAccountName", v + "$");
                case 2 -> replace(ds, dn, "operatingSystem", v);
                case 3 -> add(ds, dn, "msDS-AllowedToDelegateTo", "cifs/" + v);
                case 4 -> add(ds, dn, "msDS-AllowedToDelegateTo", v);
                case 5 -> add(ds, dn, "servicePrincipalName", "HOST/" + v);
                case 6 -> { // a node's cn (its DN changes with it)
                    String rdn = new RDN("CN", v + i).toString(); // unique in the OU
                    ds.modifyDN(dn, rdn, true);
                    dns.set(node, rdn + ",OU=Hyper-V," + BASE);
                    made.add(nodes.get(node) + " cn " + show(v));
                    continue;
                }
                case 7 -> { // another object holding a node's SPN
                    String cn = (v.length() > 64 ? v.substring(0, 64) : v) + i;
                    ds.add(new Entry(new RDN("CN", cn) + ",CN=Users," + BASE, new Attribute("objectClass", "user"),
                            new Attribute("cn", cn), new Attribute("sAMAccountName", "svc" + i),
                            new Attribute("servicePrincipalName", Hosts.MIG + "/" + TestDirectory.fqdn(nodes.get(node),
                                    BASE))));
                    made.add("duplicate holder " + show(cn));
                    continue;
                }
                default -> add(ds, dn, "description", v);
            }
            made.add(nodes.get(node) + " " + show(v));
        }
        StringBuilder extra = new StringBuilder();
        if (rnd.nextBoolean()) {
            StringBuilder csv = new StringBuilder("\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                    + "\"VirtualMachineMigrationAuthenticationType\"\n");
            for (String n : nodes) {
                csv.append(csvRow(rnd.nextInt(3) == 0 ? payload(rnd) : n, rnd.nextBoolean() ? "True" : payload(rnd),
                        rnd.nextBoolean() ? "CredSSP" : payload(rnd)));
            }
            Files.writeString(tmp.resolve("vmhost.csv"), csv);
            extra.append("hostSettings:\n  sources: [\"vmhost.csv\"]\n");
            made.add("host settings " + show(csv.toString()));
        }
        if (rnd.nextBoolean()) {
            StringBuilder csv = new StringBuilder("\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n");
            for (String n : nodes) {
                csv.append(csvRow(rnd.nextInt(3) == 0 ? payload(rnd) : n, rnd.nextBoolean() ? "KB5000001"
                        : payload(rnd), "11/02/2026"));
            }
            Files.writeString(tmp.resolve("patches.csv"), csv);
            extra.append("patches:\n  sources: [\"patches.csv\"]\n");
            made.add("patches " + show(csv.toString()));
        }
        if (rnd.nextBoolean()) {
            String vm = payload(rnd);
            String csv = "\"TimeCreated\",\"Id\",\"MachineName\",\"Message\"\n" + csvRow("11/20/2026 10:05:00 AM",
                    "21502", rnd.nextBoolean() ? "HV01.contoso.com" : payload(rnd), "Live migration of '" + vm
                            + "' failed. Virtual machine migration operation for '" + vm + "' failed at migration"
                            + " source 'HV01'. " + payload(rnd));
            Files.writeString(tmp.resolve("events.csv"), csv);
            extra.append("events:\n  sources: [\"events.csv\"]\n");
            made.add("events " + show(csv));
        }
        if (rnd.nextBoolean()) { // waivers whose justification (and a host's) the baseline file gives
            StringBuilder b = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts: {}\nwaivers:\n");
            for (String rule : List.of("MISSING_DELEGATION", "STALE_DELEGATION", "BASELINE_HOST_NEW")) {
                b.append("  - rule: ").append(rule).append("\n    host: ").append(yaml(rnd.nextInt(3) == 0
                        ? payload(rnd) : nodes.get(rnd.nextInt(nodes.size())))).append("\n    justification: ")
                        .append(yaml(payload(rnd))).append("\n    expires: 2027-06-30\n");
            }
            Files.writeString(tmp.resolve("baseline.yaml"), b);
            extra.append("baseline: baseline.yaml\n");
            made.add("baseline " + show(b.toString()));
        }
        // names the config gives: a node (one that is no host name, "*)(cn=*" among them, is refused), a cluster, an
        // operator looked up by an LDAP filter
        String node = rnd.nextBoolean() ? payload(rnd) : "*)(cn=*";
        String cluster = rnd.nextBoolean() ? payload(rnd) : "HVC9";
        String operator = rnd.nextBoolean() ? payload(rnd) : "*)(sAMAccountName=*";
        made.add("config: node " + show(node) + ", cluster " + show(cluster) + ", operator " + show(operator));
        Path cfg = tmp.resolve("kcd-audit.yaml");
        plainNames = config(ds, nodes, "HV99", "HVC9", "*)(sAMAccountName=*", extra.toString());
        Files.writeString(cfg, config(ds, nodes, node, cluster, operator, extra.toString()));
        return cfg;
    }

    private static String config(InMemoryDirectoryServer ds, List<String> nodes, String node, String cluster,
                                 String operator, String extra) {
        return "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: " + TestDirectory.BIND_DN
                + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + BASE + "\n  allowInsecureBind: true\n"
                + "  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n    nodes: [" + String.join(", ", nodes) + ", "
                + yaml(node) + "]\n  - name: " + yaml(cluster) + "\n    nodes: [HV09]\npolicy:\n  operators: ["
                + yaml(operator) + "]\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n" + extra;
    }

    /** {@code v} as a YAML double-quoted scalar, every character outside printable ASCII escaped. */
    private static String yaml(String v) {
        StringBuilder b = new StringBuilder("\"");
        v.chars().forEach(c -> b.append(c == '"' || c == '\\' ? "\\" + (char) c : c < 0x20 || c > 0x7E
                ? String.format("\\u%04X", c) : String.valueOf((char) c)));
        return b.append('"').toString();
    }

    private static String csvRow(String... cells) {
        StringBuilder b = new StringBuilder();
        for (String c : cells) {
            b.append(b.isEmpty() ? "" : ",").append('"').append(c.replace("\"", "\"\"")).append('"');
        }
        return b.append('\n').toString();
    }

    private void replace(InMemoryDirectoryServer ds, String dn, String attribute, String v) throws Exception {
        ds.modify(dn, new Modification(ModificationType.REPLACE, attribute, v));
    }

    private void add(InMemoryDirectoryServer ds, String dn, String attribute, String v) throws Exception {
        ds.modify(dn, new Modification(ModificationType.ADD, attribute, v));
    }

    private static String show(String v) {
        String s = v.length() > 80 ? v.substring(0, 40) + "…(" + v.length() + ")" : v;
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(c -> b.append(c < 0x20 || c > 0x7E ? String.format("\\u%04X", c)
                : String.valueOf((char) c)));
        return b.toString();
    }
}
