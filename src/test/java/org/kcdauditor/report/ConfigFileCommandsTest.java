package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The closing commands of a change (baseline capture, preflight per cluster) name the configuration file the audit
 * used, recorded in findings.json as {@code summary.configFile}, quoted for the shells of the system whose path it is
 * and escaped for each runbook; without it (the demo, a findings.json written before the field, a path no quoting
 * keeps literal) they keep the placeholder {@code kcd-audit.yaml} and say to put the path in its place.
 */
class ConfigFileCommandsTest {
    /** Spaces, an apostrophe, an admin share's $ before a backslash: one double-quoted argument in cmd and PowerShell. */
    static final String WINDOWS = "C:\\Program Files\\kcd audit\\O'Brien's c$\\kcd-audit.yaml";
    static final String WINDOWS_ARG = "\"" + WINDOWS + "\"";
    static final String POSIX = "/srv/kcd audit/it's $HOME/kcd-audit.yaml";
    static final String POSIX_ARG = "'/srv/kcd audit/it'\\''s $HOME/kcd-audit.yaml'";

    /** The demo run (changes, a baseline the change departs from) as findings.json has it with {@code configFile}. */
    static FindingsDocument demoWithConfig(String configFile) throws Exception {
        String json = FindingsJson.MAPPER.writeValueAsString(Fixtures.withHistory(Fixtures.demo()));
        String withField = json.replaceFirst("\"summary\" : \\{", "\"summary\" : { \"configFile\" : "
                + java.util.regex.Matcher.quoteReplacement(FindingsJson.MAPPER.writeValueAsString(configFile)) + ",");
        assertFalse(withField.equals(json));
        return FindingsJson.MAPPER.readValue(withField, FindingsDocument.class);
    }

    static String render(RunbookWriter w, FindingsDocument doc) throws Exception {
        return RunbookTest.render(w, doc);
    }

    static RunbookWriter md() {
        return RunbookWriter.markdown(new TemplateRenderer(RunbookTest.TEMPLATES));
    }

    static RunbookWriter html() {
        return RunbookWriter.html(new TemplateRenderer(RunbookTest.TEMPLATES));
    }

    static RunbookWriter ps1() {
        return RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES));
    }

    @Test
    void aWindowsPathWithSpacesAndApostrophesIsInEveryClosingCommand() throws Exception {
        FindingsDocument doc = demoWithConfig(WINDOWS);
        assertEquals(WINDOWS, FindingsJson.MAPPER.valueToTree(doc).path("summary").path("configFile").asText(null));
        String capture = "kcd-audit baseline capture --config " + WINDOWS_ARG
                + " --approved-by \"<CAB approver>\" --force";
        String preflight = "kcd-audit preflight --config " + WINDOWS_ARG + " --cluster HVC1";

        String md = render(md(), doc);
        assertTrue(md.contains("```\n" + capture + "\n```"), md);
        assertTrue(md.contains("```\n" + preflight + "\n```"), md);
        assertTrue(md.contains("With the configuration this audit used, `" + WINDOWS + "` on the machine that ran"
                + " it."), md);
        assertFalse(md.contains("kcd-audit.yaml`)") || md.contains("--config kcd-audit.yaml"), md);

        String html = render(html(), doc);
        String escapedArg = "&quot;" + WINDOWS.replace("'", "&#39;") + "&quot;";
        assertTrue(html.contains("kcd-audit preflight --config " + escapedArg + " --cluster HVC1"), html);
        assertTrue(html.contains("kcd-audit baseline capture --config " + escapedArg), html);
        assertTrue(html.contains("With the configuration this audit used, <code>" + WINDOWS.replace("'", "&#39;")
                + "</code> on the machine that ran it."), html);
        assertFalse(html.contains("--config kcd-audit.yaml") || html.contains("in place of <code>kcd-audit.yaml"));

        // in Write-Host '…' every apostrophe is doubled: the line prints the command as it is typed
        String ps1 = render(ps1(), doc);
        String psArg = WINDOWS_ARG.replace("'", "''");
        assertTrue(ps1.contains("Write-Host '  kcd-audit preflight --config " + psArg + " --cluster HVC1   ("), ps1);
        assertTrue(ps1.contains("Write-Host '  kcd-audit baseline capture --config " + psArg), ps1);
        assertTrue(ps1.contains("Write-Host 'Then audit again with the configuration this audit used, "
                + WINDOWS.replace("'", "''") + " on the machine that ran it"), ps1);
        assertFalse(ps1.contains("--config kcd-audit.yaml") || ps1.contains("in place of kcd-audit.yaml"), ps1);
        for (String line : ps1.split("\r?\n")) {
            if (line.startsWith("Write-Host '") && line.contains("kcd-audit")) {
                String inside = line.substring("Write-Host '".length());
                assertTrue(inside.endsWith("'") && !inside.substring(0, inside.length() - 1).replace("''", "")
                        .contains("'"), "one single-quoted string: " + line);
            }
        }

        try (XSSFWorkbook wb = XlsxReportWriterTest.render(doc)) {
            List<String> cells = XlsxReportWriterTest.cellsOf(wb.getSheet("Runbook"));
            assertTrue(cells.stream().anyMatch(c -> c.contains(preflight)), cells.toString());
            assertTrue(cells.stream().anyMatch(c -> c.contains(capture)), cells.toString());
            assertTrue(cells.stream().noneMatch(c -> c.contains("--config kcd-audit.yaml")), cells.toString());
        }
    }

    @Test
    void aPosixPathWithADollarAndAnApostropheGoesInSingleQuotes() throws Exception {
        FindingsDocument doc = demoWithConfig(POSIX);
        String md = render(md(), doc);
        assertTrue(md.contains("```\nkcd-audit preflight --config " + POSIX_ARG + " --cluster HVC1\n```"), md);
        String ps1 = render(ps1(), doc);
        assertTrue(ps1.contains("Write-Host '  kcd-audit preflight --config " + POSIX_ARG.replace("'", "''")
                + " --cluster HVC1   ("), ps1);
    }

    /** A path no quoting keeps one literal argument (cmd expands %…% even in double quotes): the placeholder. */
    @Test
    void aPathNoQuotingKeepsLiteralLeavesThePlaceholder() throws Exception {
        assertPlaceholder(demoWithConfig("C:\\kcd\\100%USERNAME%\\kcd-audit.yaml"));
    }

    /** findings.json of the version before the field (and the demo's, whose configuration is a passing copy). */
    @Test
    void aFindingsJsonWithoutTheFieldKeepsThePlaceholder() throws Exception {
        assertFalse(Files.readString(Fixtures.DEMO_FILE).contains("configFile"));
        FindingsDocument doc = Fixtures.withHistory(Fixtures.demo());
        assertFalse(FindingsJson.MAPPER.writeValueAsString(doc).contains("configFile"), "absent, not null");
        assertPlaceholder(doc);
    }

    static void assertPlaceholder(FindingsDocument doc) throws Exception {
        String md = render(md(), doc);
        assertTrue(md.contains("With the configuration this audit used (put its path in place of `kcd-audit.yaml`)."),
                md);
        assertTrue(md.contains("```\nkcd-audit preflight --config kcd-audit.yaml --cluster HVC1\n```"), md);
        assertTrue(md.contains("```\nkcd-audit baseline capture --config kcd-audit.yaml --approved-by"), md);
        assertTrue(render(html(), doc).contains("put its path in place of <code>kcd-audit.yaml</code>"));
        String ps1 = render(ps1(), doc);
        assertTrue(ps1.contains("Write-Host 'Then audit again with your configuration (in place of kcd-audit.yaml;"),
                ps1);
        assertTrue(ps1.contains("Write-Host '  kcd-audit preflight --config kcd-audit.yaml --cluster HVC1"), ps1);
    }

    /**
     * A run records the configuration as an absolute path without . and .. (the runbook is read from another folder,
     * and the daemon's working folder is not the admin's), and its runbook names it.
     */
    @Test
    void aRunRecordsItsConfigurationFileAndItsRunbookNamesIt(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("kcd audit's config"));
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            List<String> nodes = List.of("HV01", "HV02");
            TestDirectory.addCluster(ds, nodes);
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new com.unboundid.ldap.sdk.Modification(
                    com.unboundid.ldap.sdk.ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
            Path cfg = TestDirectory.config(dir, "ldap://127.0.0.1:" + ds.getListenPort(), nodes,
                    "allowInsecureBind: true");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    dir.resolve(".").resolve("kcd-audit.yaml").toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json,md");
            assertEquals(3, r.exitCode(), r.toString());
        } finally {
            ds.shutDown(true);
        }
        String recorded = cfgPath(dir);
        JsonNode json = FindingsJson.MAPPER.readTree(tmp.resolve("out/findings.json").toFile());
        assertEquals(recorded, json.path("summary").path("configFile").asText(null));
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertTrue(md.contains("kcd-audit preflight --config \"" + recorded + "\" --cluster HVC1"), md);
    }

    /**
     * The rules' own commands name the same configuration: a node the baseline does not document
     * (BASELINE_HOST_NEW) asks for a new baseline with --config and the path the run recorded, in findings.json and
     * the runbook alike, not the placeholder kcd-audit.yaml the runbook's closing commands no longer use.
     */
    @Test
    void aRunsFindingsNameItsConfigurationFileInTheirCommands(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("kcd audit's config"));
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
            String url = "ldap://127.0.0.1:" + ds.getListenPort();
            Path cfg = TestDirectory.config(dir, url, List.of("HV01", "HV02"), "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg) + "baseline: baseline.yaml\n");
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun captured = CliRun.run(env, "baseline", "capture", "--config", cfg.toString(), "--approved-by",
                    "J. Doe");
            assertEquals(0, captured.exitCode(), captured.toString());
            TestDirectory.config(dir, url, List.of("HV01", "HV02", "HV03"), "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg) + "baseline: baseline.yaml\n");
            CliRun r = CliRun.run(env, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json,md");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 2 || r.exitCode() == 3, r.toString());
        } finally {
            ds.shutDown(true);
        }
        String capture = "kcd-audit baseline capture --config \"" + cfgPath(dir) + "\" --approved-by \"<CAB approver>\""
                + " --force";
        JsonNode json = FindingsJson.MAPPER.readTree(tmp.resolve("out/findings.json").toFile());
        JsonNode added = null;
        for (JsonNode f : json.path("findings")) {
            if (f.path("rule").asText().equals("BASELINE_HOST_NEW")) {
                added = f;
            }
        }
        assertTrue(added != null && added.path("host").asText().equals("HV03"), json.toPrettyString());
        assertEquals("Review its delegation, then capture a new baseline (" + capture + ").",
                added.path("remediation").asText());
        assertEquals(added.path("remediation").asText(), added.path("actions").get(0).path("what").asText());
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertFalse(md.contains("--config kcd-audit.yaml"), md);
    }

    private static String cfgPath(Path dir) {
        return dir.resolve("kcd-audit.yaml").toAbsolutePath().normalize().toString();
    }
}
