package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.report.Words;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** history, baseline capture/diff, preflight and inspect against the demo directory, in-process. */
class HistoryCommandsTest {
    private static DemoDirectory directory;

    @TempDir
    Path dir;

    private String out;
    private String err;
    /** The directory the config names: the demo's, unless a test serves another. */
    private DemoDirectory serving = directory;

    @BeforeAll
    static void start() throws Exception {
        directory = DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    private Path config(String clusters, String extra) throws Exception {
        Path f = dir.resolve("kcd-audit.yaml");
        Files.writeString(f, """
                directory:
                  url: %s
                  bindDn: %s
                  passwordEnv: KCD_T_PW
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                %s
                reports:
                  dir: reports
                store:
                  url: jdbc:h2:file:data/history
                %s
                """.formatted(serving.url(), DemoDirectory.BIND_DN, clusters, extra));
        return f;
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("KCD_T_PW", serving.password()),
                Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC), Path.of("."));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    /** What preflight printed after its first line, which names the history store ({@link StoreWhereTest}). */
    private String verdict() {
        assertTrue(out.startsWith("History store: "), out);
        return out.substring(out.indexOf('\n') + 1);
    }

    /**
     * The commands the console suggests name the config as one argument that can be pasted, also when its folder
     * has a space in its name (C:\\Program Files\\…, a user's folder).
     */
    @Test
    void suggestedCommandsQuoteAConfigPathWithASpace() throws Exception {
        Path spaced = dir.resolve("Audit Config");
        Files.createDirectories(spaced);
        Path cfg = Files.move(config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", ""),
                spaced.resolve("kcd-audit.yaml"));
        String quoted = "--config \"" + cfg + "\"";

        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        assertTrue(out.contains("(kcd-audit run " + quoted + ")"), out);

        assertEquals(ExitCodes.USAGE, run("baseline", "diff", "--config", cfg.toString()), err);
        assertTrue(err.contains("(write one with: kcd-audit baseline capture " + quoted + ")"), err);

        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString()), err);
        assertTrue(out.matches("(?s).*kcd-audit history show \\w{8} " + java.util.regex.Pattern.quote(quoted)
                + " lists them.*"), out);

        assertEquals(ExitCodes.USAGE, run("history", "show", "zzz", "--config", cfg.toString()), err);
        assertTrue(err.contains("(kcd-audit history " + quoted + " lists them)"), err);
    }

    private static List<String> fileNames(Path folder) throws java.io.IOException {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /** A time as every output writes it: {@code 2026-11-26 06:00:01}. */
    private static final String TIME = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d";

    @Test
    void preflightGoNoGoAndUnknownCluster() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]\n  - name: PAIR\n    nodes: [HV12, HV11]", "");
        assertEquals(ExitCodes.FINDINGS, run("preflight", "--config", cfg.toString(), "--cluster", "HVC1"), err);
        assertTrue(verdict().startsWith("Preflight HVC1: NO-GO"), out);
        assertTrue(out.contains("BLOCKER MISSING_DELEGATION"), out);
        // the admin about to patch needs the runbook and remediation.ps1, which preflight does not write itself
        String runFolder = out.replaceAll("(?s).*see findings\\.json in (\\S+?);.*", "$1");
        assertTrue(out.contains("runbook and remediation.ps1: kcd-audit report --from " + runFolder
                + " --formats md,html,ps1"), out);
        assertEquals(List.of("findings.json", "manifest.sha256"), fileNames(Path.of(runFolder)), runFolder);
        // HV11 -> HV12 has every entry, but HV12's migration SPN is also on svc-vmm: the KDC refuses the ticket
        assertEquals(ExitCodes.FINDINGS, run("preflight", "--config", cfg.toString(), "--cluster", "pair"), out + err);
        assertTrue(verdict().startsWith("Preflight PAIR: NO-GO"), out);
        assertTrue(out.contains("1/2 node pairs OK;"), out);
        assertTrue(out.contains("BLOCKER DUPLICATE_SPN"), out);
        assertTrue(out.contains("Host settings were not checked"), out);
        Path solo = config("  - name: SOLO\n    nodes: [HV01]", "");
        // one node: no pair to check, and nowhere to drain its VMs to for the patch window
        assertEquals(ExitCodes.FINDINGS, run("preflight", "--config", solo.toString(), "--cluster", "SOLO"), out + err);
        assertTrue(verdict().startsWith("Preflight SOLO: NO-GO"), out);
        assertTrue(out.contains("0/0 node pairs OK;"), out);
        assertTrue(out.contains("NO_MIGRATION_PARTNER"), out);
        assertEquals(ExitCodes.USAGE, run("preflight", "--config", cfg.toString(), "--cluster", "NOPE"));
        assertTrue(err.contains("--cluster: no cluster named 'NOPE'"), err);

        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()));
        assertEquals(5, out.lines().count(), out);
        assertTrue(out.lines().skip(2).allMatch(l -> l.contains("SUCCEEDED") && l.contains("preflight")), out);
        // a preflight audits every cluster: its counts are not the asked cluster's alone, and history says so
        assertEquals(List.of("SOLO", "PAIR", "HVC1"), out.lines().skip(2).map(l -> l.replaceAll(
                ".*  for (\\S+) \\(counts: every cluster\\); .*", "$1")).toList(), out);
        // times to the second as the other outputs write them, the zone once: the column's "(UTC)", no "Z" after each
        assertTrue(out.lines().skip(2).allMatch(l -> l.substring(10).matches(TIME + " {3}SUCCEEDED .*")), out);
        String id = out.lines().skip(2).findFirst().orElseThrow().substring(0, 8);
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString(), "show", id));
        assertTrue(out.contains("Status    SUCCEEDED") && out.contains("GO") || out.contains("Counts"), out);
        assertTrue(out.contains("\nTrigger   preflight of cluster SOLO (its GO/NO-GO; the counts and findings below are"
                + " of every cluster the run audited)\n"), out);
        assertEquals(ExitCodes.USAGE, run("history", "--config", cfg.toString(), "show", "ffffffff"));
        assertEquals(ExitCodes.OK, run("history", "show", id, "--config", cfg.toString()), err);
        assertTrue(out.contains("Status    SUCCEEDED"), out);
        assertTrue(out.matches("(?s).*\nStarted   " + TIME + " UTC\nFinished  " + TIME + " UTC\n.*"), out);
        assertEquals(ExitCodes.OK, run("history", "show", "--help"), err);
        assertEquals(ExitCodes.USAGE, run("history", "show", id));
        assertTrue(err.strip().startsWith("kcd-audit: history show: --config FILE is required (the store and config name"
                + " come from it); there is no default"), err); // and what to pass: MissingConfigTest
    }

    /**
     * Two configurations sharing one store: history --config listed the runs of both without saying whose, so a
     * scheduled check reading its first row could read the other's run. It lists the given configuration's runs and
     * says whose in its first line; --all lists the whole store with a Config column.
     */
    @Test
    void historyListsTheGivenConfigurationsRunsAndAllOfThemWithAll() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Path other = Files.writeString(dir.resolve("other.yaml"), Files.readString(cfg)
                .replace("nodes: [HV01, HV02, HV03]", "nodes: [HV01, HV02]"));
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json"), out + err);
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", other.toString(), "--formats", "json"), out + err);
        String otherKey = other.toAbsolutePath().normalize().toString();
        String cfgKey = cfg.toAbsolutePath().normalize().toString();

        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        List<String> lines = out.lines().toList();
        assertEquals("Runs of configuration " + cfgKey + ", newest first (history --all: every configuration in the"
                + " store):", lines.get(0), out);
        assertEquals(3, lines.size(), out);
        assertTrue(lines.get(1).startsWith("Run ") && !lines.get(1).contains("Config"), out);
        String mine = lines.get(2).substring(0, 8);

        assertEquals(ExitCodes.OK, run("history", "--config", other.toString(), "--all"), err);
        lines = out.lines().toList();
        assertEquals("Runs of every configuration in the store, newest first:", lines.get(0), out);
        assertEquals(4, lines.size(), out);
        assertTrue(lines.get(1).matches("Run +Started \\(UTC\\) +Status +Trigger +Config +Hosts .*"), out);
        assertTrue(lines.get(2).contains("  " + otherKey + "  "), out);
        assertTrue(lines.get(3).startsWith(mine) && lines.get(3).contains("  " + cfgKey + "  "), out);

        // a configuration with no run of its own in a store that holds others' says so, and where they are
        Path third = Files.writeString(dir.resolve("third.yaml"), Files.readString(cfg));
        assertEquals(ExitCodes.OK, run("history", "--config", third.toString()), err);
        assertTrue(out.startsWith("No runs of configuration " + third.toAbsolutePath().normalize() + " stored yet"),
                out);
        assertTrue(out.contains("; it holds other configurations' runs (kcd-audit history --all --config "), out);
    }

    /**
     * A run that required no entry (a cluster of one node: no pair) has no compliance: history show says "—" as every
     * other output does (issue 16: never 100 %, "—" in every output), not "- %".
     */
    @Test
    void historyShowSaysNoComplianceForARunThatRequiredNoEntry() throws Exception {
        Path solo = config("  - name: SOLO\n    nodes: [HV01]", "");
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", solo.toString(), "--formats", "json"), out + err);
        assertEquals(ExitCodes.OK, run("history", "--config", solo.toString()), err);
        String id = out.lines().skip(2).findFirst().orElseThrow().substring(0, 8);
        assertEquals(ExitCodes.OK, run("history", "show", id, "--config", solo.toString()), err);
        String counts = out.lines().filter(l -> l.startsWith("Counts")).findFirst().orElseThrow();
        assertTrue(counts.endsWith(", compliance " + Words.percent(null)), counts);
        assertFalse(counts.contains("- %"), counts);
    }

    /**
     * The hosts history show counts are the nodes; the accounts it stored are the nodes and the clusters' file
     * servers, and it says so (before: "Counts 3 hosts" then "Stored 4 hosts", which an auditor read as a mismatch).
     */
    @Test
    void historyShowSaysWhichStoredAccountsAreFileServers() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]", "");
        run("run", "--config", cfg.toString(), "--formats", "json");
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        String id = out.lines().skip(2).findFirst().orElseThrow().substring(0, 8);
        assertEquals(ExitCodes.OK, run("history", "show", id, "--config", cfg.toString()), err);
        assertTrue(out.contains("Counts    3 hosts, "), out);
        assertTrue(out.contains("Stored    4 accounts (3 nodes, 1 file server), "), out);
    }

    @Test
    void aLimitBelowOneIsAUsageError() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        for (String[] args : List.of(new String[]{"history", "--limit", "-1"}, new String[]{"history", "--limit", "0"},
                new String[]{"outbox", "--limit", "-5"}, new String[]{"outbox", "--limit", "x"})) {
            List<String> line = new java.util.ArrayList<>(List.of(args));
            line.addAll(List.of("--config", cfg.toString()));
            assertEquals(ExitCodes.USAGE, run(line.toArray(String[]::new)), line + ": " + out + err);
            assertTrue(err.contains("Invalid value for option '--limit': "), line + ": " + err);
            assertFalse(err.contains("maxRows") || err.contains("Exception"), err);
        }
        assertTrue(err.contains("'x' is not a whole number"), err);
        run("history", "--limit", "-1", "--config", cfg.toString());
        assertTrue(err.contains("must be at least 1 (got -1)"), err);
    }

    /** A config of these clusters with a Get-VMHost export holding this one row. */
    private Path withHostSettings(String clusters, String row) throws Exception {
        Path csv = dir.resolve("vmhost.csv");
        Files.writeString(csv, "\"PSComputerName\",\"VirtualMachineMigrationAuthenticationType\","
                + "\"VirtualMachineMigrationEnabled\"\n" + row + "\n");
        return config(clusters, "hostSettings:\n  sources: ['" + csv.toString().replace("\\", "/") + "']\n");
    }

    /**
     * An export the gate could not use is said beside its verdict, as the run's console, the PDF and the runbooks say
     * it: an event log saved as .evtx, a glob that matches nothing. The GO or NO-GO went on without the failures and
     * patch levels those files hold.
     */
    @Test
    void preflightNamesTheInputsItWentOnWithout() throws Exception {
        Files.writeString(dir.resolve("events.evtx"), "ElfFile\0garbage");
        Path cfg = config("  - name: PAIR\n    nodes: [HV11, HV12]", "events:\n  sources: ['events.evtx',"
                + " 'nothing/*.xml']\npatches:\n  sources: ['missing.csv']\n");
        run("preflight", "--config", cfg.toString(), "--cluster", "PAIR");
        List<String> lines = out.lines().toList();
        int at = lines.indexOf("  Inputs not used (the verdict went on without them; findings.json imports lists every"
                + " file):");
        assertTrue(at > 0, out + err);
        // in findings.json's order
        assertTrue(lines.get(at + 1).matches("    .*missing\\.csv \\(patches\\): cannot read: does not exist.*"), out);
        assertEquals("    nothing/*.xml (events): no file matches", lines.get(at + 2), out);
        assertTrue(lines.get(at + 3).matches("    .*events\\.evtx \\(events\\): an event log file \\(\\.evtx, binary\\),"
                + " not an export: .*"), out);
    }

    @Test
    void preflightNamesTheNodesTheHostSettingsExportDoesNotCover() throws Exception {
        Path cfg = withHostSettings("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "\"HV01\",\"Kerberos\",\"True\"");
        run("preflight", "--config", cfg.toString(), "--cluster", "HVC1");
        assertTrue(out.contains("Host settings were not checked for HV02, HV03 (no hostSettings.sources export covers"
                + " them): whether they migrate with Kerberos and have live migration enabled is not known."), out + err);
        assertFalse(out.contains("no hostSettings.sources)"), out);
    }

    @Test
    void preflightNamesTheNodesWhoseExportGivesNoReadableAuthenticationType() throws Exception {
        Path cfg = withHostSettings("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "\"HV01\",\"Kerberos\",\"True\"\n"
                + "\"HV02\",\"\",\"True\"\n\"HV03\",\"2\",\"True\"");
        run("preflight", "--config", cfg.toString(), "--cluster", "HVC1");
        assertTrue(out.contains("Migration authentication not known for HV02, HV03: the export gives no"
                + " VirtualMachineMigrationAuthenticationType that reads Kerberos or CredSSP"), out + err);
        assertFalse(out.contains("Host settings were not checked"), "the export covers them: " + out);
    }

    /**
     * Without the domain's AES date (the whenCreated of its group with RID 521, Read-only Domain Controllers: not
     * readable, or not there) no password can be found older than it: preflight says that AES_KEYS_MISSING was not
     * checked instead of letting a GO rest on it.
     */
    @Test
    void preflightSaysAesKeysWereNotCheckedWithoutTheDomainsAesDate() throws Exception {
        String line = "AES keys were not checked: the date the domain gained them (whenCreated of its group with RID"
                + " 521, Read-only Domain Controllers) could not be read, so whether a password predates them"
                + " (AES_KEYS_MISSING) is not known.";
        run("preflight", "--config", config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "").toString(),
                "--cluster", "HVC1");
        assertFalse(out.contains("AES keys were not checked"), "the demo's group is read: " + out);
        Path delete = dir.resolve("no-rid-521.ldif");
        Files.writeString(delete, "dn: CN=Read-only Domain Controllers,CN=Users,DC=contoso,DC=com\n"
                + "changetype: delete\n");
        try (DemoDirectory without = DemoDirectory.start(Path.of("config/demo/contoso.ldif"), List.of(delete))) {
            serving = without;
            run("preflight", "--config", config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "").toString(),
                    "--cluster", "HVC1");
            assertTrue(out.contains("\n  " + line + "\n"), out + err);
        }
    }

    /** policy.operators empty: preflight says that no operator was checked, beside the verdict; set, it does not. */
    @Test
    void preflightSaysOperatorsWereNotCheckedWithoutPolicyOperators() throws Exception {
        String line = "Operators were not checked (policy.operators is empty): moves started remotely need an account"
                + " that can be delegated (not sensitive, not in Protected Users).";
        run("preflight", "--config", config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "").toString(),
                "--cluster", "HVC1");
        assertTrue(out.contains("\n  " + line + "\n"), out + err);
        run("preflight", "--config", config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]",
                "policy:\n  operators: [\"HV Operators\"]").toString(), "--cluster", "HVC1");
        assertFalse(out.contains("Operators were not checked"), out + err);
    }

    @Test
    void aBaseDnBelowTheDomainIsAWarningThatNodesOutsideItAreNotFound() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        String warning = "directory.baseDn OU=Hyper-V,DC=contoso,DC=com is below the domain (DC=contoso,DC=com): a"
                + " node or file server outside it is not found (HOST_NOT_FOUND), nor a cluster's ou outside it; the"
                + " hosts the nodes delegate to and other holders of their SPNs are looked up in the whole domain.";
        run("preflight", "--config", cfg.toString(), "--cluster", "HVC1");
        assertFalse(out.contains("is below the domain"), "the domain root: " + out);
        Files.writeString(cfg, Files.readString(cfg).replace("baseDn: DC=contoso,DC=com",
                "baseDn: OU=Hyper-V,DC=contoso,DC=com"));
        run("preflight", "--config", cfg.toString(), "--cluster", "HVC1");
        assertTrue(out.contains("  " + warning), out + err);
        run("run", "--config", cfg.toString(), "--out", dir.resolve("out").toString(), "--formats", "json");
        assertTrue(out.contains("Warning: " + warning), out + err);
        // read before the verdict it limits, not after "every configured pair can live-migrate"
        assertTrue(out.indexOf("Warning: " + warning) < out.indexOf("Cluster "), out);
    }

    @Test
    void preflightListsABlockerOfAnySeverityAsTheVerdictCountsIt() throws Exception {
        Path cfg = withHostSettings("  - name: PAIR\n    nodes: [HV11, HV13]", "\"HV13\",\"Kerberos\",\"False\"");
        assertEquals(ExitCodes.FINDINGS, run("preflight", "--config", cfg.toString(), "--cluster", "PAIR"), out + err);
        // MIGRATION_DISABLED is MEDIUM, yet it blocks both pairs: listed as the NO-GO's blocker
        assertTrue(out.contains("BLOCKER MIGRATION_DISABLED"), out);
        assertFalse(out.contains("blockers: 0;"), out);
    }

    @Test
    void aWaiverTurnsANoGoIntoAGoUntilItExpires() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        String waivers = """
                hosts: {}
                waivers:
                  - {rule: MISSING_DELEGATION, host: HV01, justification: "CHG1", expires: EXPIRES}
                  - {rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: "CHG1", expires: 2026-12-31}
                  - {rule: UNCONSTRAINED_DELEGATION, host: HV03, justification: "CHG2", expires: 2026-12-31}
                """;
        Files.writeString(dir.resolve("baseline.yaml"), waivers.replace("EXPIRES", "2026-11-26"));
        assertEquals(ExitCodes.OK, run("preflight", "--config", cfg.toString(), "--cluster", "HVC1"), out + err);
        assertTrue(verdict().startsWith("Preflight HVC1: GO"), out);
        assertTrue(out.contains("4/6 node pairs OK; blockers: 0; waived: 6"), out);
        // valid through the end of the day in UTC, as baseline diff and the PDF say; at 20:00 UTC that is 4 hours
        // away, which a change window starting now must know (the next preflight is NO-GO): it read "until 2026-11-26"
        assertTrue(out.contains("waived  MISSING_DELEGATION             HV01 -> HV02 cifs/hv02.contoso.com [CHG1, through"
                + " 2026-11-26 (UTC), ends in 4 h]"), out);
        assertTrue(out.contains("HV02 -> HV03 cifs/HV03 [CHG1, through 2026-12-31 (UTC)]"), out);

        Files.writeString(dir.resolve("baseline.yaml"), waivers.replace("EXPIRES", "2026-11-25"));
        assertEquals(ExitCodes.FINDINGS, run("preflight", "--config", cfg.toString(), "--cluster", "HVC1"), out + err);
        assertTrue(verdict().startsWith("Preflight HVC1: NO-GO"), out);
        assertTrue(out.contains("BLOCKER MISSING_DELEGATION             HV01 is not allowed to delegate to"
                + " cifs/hv02.contoso.com"), out);
        assertFalse(out.contains("BLOCKER UNCONSTRAINED_DELEGATION"), out);
    }

    /** A waiver naming a node by its DNS name, as clusters[].nodes may, is told which name to use. */
    @Test
    void aWaiverNamingANodeByItsDnsNameSaysWhichNameWaivers() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, hv02.contoso.com, HV03]\n    fileServers: [NAS01]", "");
        Files.writeString(dir.resolve("baseline.yaml"), """
                hosts: {}
                waivers:
                  - {rule: MISSING_DELEGATION, host: HV02.contoso.com, justification: "CHG7", expires: 2026-12-31}
                  - {rule: MISSING_DELEGATION, host: hv03.contoso.com., justification: "CHG8", expires: 2026-12-31}
                  - {rule: AES_NOT_ENABLED, host: nas01.contoso.com, justification: "CHG9", expires: 2026-12-31}
                """);
        Path reports = dir.resolve("out");
        run("run", "--config", cfg.toString(), "--out", reports.toString(), "--formats", "json,xlsx");
        assertTrue(out.contains("Warning: the waiver for MISSING_DELEGATION on HV02.contoso.com names node HV02 by its"
                + " DNS name: waivers name a host as findings do (host: HV02), so it waives nothing"), out + err);
        assertTrue(out.contains("on hv03.contoso.com. names node HV03 by its DNS name: waivers name a host as findings"
                + " do (host: HV03)"), "the root's trailing dot: " + out);
        assertTrue(out.contains("on nas01.contoso.com names file server NAS01 by its DNS name: waivers name a host as"
                + " findings do (host: NAS01)"), out);
        var listed = org.kcdauditor.support.CliRun.findings(reports).path("baseline").path("waivers");
        assertTrue(listed.get(0).path("warning").asText().startsWith("names node HV02 by its DNS name"), listed.toString());
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            assertEquals("No", wb.getSheet("Waivers").getRow(1).getCell(0).getStringCellValue(),
                    "it never applies: not active");
            assertEquals("NO NODE", wb.getSheet("Waivers").getRow(1).getCell(8).getStringCellValue(), "the State says why");
        }
    }

    @Test
    void aWaiverForAHostThatIsNoConfiguredNodeIsAWarningNotSilentlyActive() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Files.writeString(dir.resolve("baseline.yaml"), """
                hosts: {}
                waivers:
                  - {rule: MISSING_DELEGATION, host: HV99, peer: HV01, justification: "CHG7", expires: 2026-12-31}
                  - {rule: MISSING_DELEGATION, host: hv02, justification: "CHG8", expires: 2026-12-31}
                  - {rule: OPERATOR_NOT_DELEGABLE, host: adm-nobody, justification: "CHG9", expires: 2026-12-31}
                  - {rule: MISSING_DELEGATION, host: HV98, justification: "CHG6", expires: 2020-01-31}
                  - {rule: AES_NOT_ENABLED, host: NAS01, justification: "CHG5: filer replaced", expires: 2026-12-31}
                """);
        Path reports = dir.resolve("out");
        run("run", "--config", cfg.toString(), "--out", reports.toString(), "--formats", "json,xlsx");
        String warning = "the waiver for MISSING_DELEGATION on HV99 -> HV01 matches no configured node";
        assertTrue(out.contains("Warning: " + warning), out + err);
        assertFalse(out.contains("on hv02 matches"), "a waiver of a node, in any case, applies: " + out);
        assertTrue(out.contains("Warning: the waiver for OPERATOR_NOT_DELEGABLE on adm-nobody matches no"), out);
        var doc = org.kcdauditor.support.CliRun.findings(reports);
        var listed = doc.path("baseline").path("waivers");
        assertEquals(5, listed.size(), listed.toString());
        assertFalse(listed.get(4).has("warning"), "HV01 delegates to NAS01, a finding names it: " + listed);
        assertEquals(1, listed.get(4).path("findings").asInt(), listed.toString());
        assertTrue(listed.get(0).path("warning").asText().startsWith("matches no configured node"), listed.toString());
        assertFalse(listed.get(1).has("warning"), listed.toString());
        assertTrue(listed.get(1).path("findings").asInt() > 0, "the waiver of hv02 waives its findings");
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            var sheet = wb.getSheet("Waivers");
            assertEquals("No", sheet.getRow(1).getCell(0).getStringCellValue(), "it never applies: not active");
            assertEquals("NO NODE", sheet.getRow(1).getCell(8).getStringCellValue(), "the State says why");
            assertEquals("Yes", sheet.getRow(2).getCell(0).getStringCellValue());
            assertEquals("No", sheet.getRow(4).getCell(0).getStringCellValue());
            assertEquals("expired, NO NODE", sheet.getRow(4).getCell(8).getStringCellValue(),
                    "an expired waiver for no node says both");
        }
        assertEquals(ExitCodes.FINDINGS, run("baseline", "diff", "--config", cfg.toString()), out + err);
        assertTrue(out.lines().filter(l -> l.startsWith("  BASELINE_")).count() > 0, "drift by rule id: " + out);
        // valid through the end of that day in UTC, as the run's clock tests it
        assertTrue(out.contains("waiver MISSING_DELEGATION HV99 -> HV01 active through 2026-12-31 (UTC), but it matches"
                + " no configured node"), out);
        assertTrue(out.lines().filter(l -> l.contains("waiver MISSING_DELEGATION hv02")).allMatch(l -> l.endsWith(
                "active through 2026-12-31 (UTC)")), out);
        assertTrue(out.contains("waiver MISSING_DELEGATION HV98 EXPIRED on 2020-01-31, but it matches no"), out);
        assertTrue(out.contains("waiver AES_NOT_ENABLED NAS01 active through 2026-12-31 (UTC)\n") || out.contains(
                "waiver AES_NOT_ENABLED NAS01 active through 2026-12-31 (UTC)" + System.lineSeparator()),
                "a host the rules' findings name, as in the run: " + out);
    }

    /**
     * baseline.yaml is a file anyone with write access edits: a line feed in its approver or in a waiver's host or peer
     * stays on the line that names it, as in every other console output, not a line of its own in baseline diff.
     */
    @Test
    void baselineDiffKeepsTheApproverAndEachWaiverOnItsLine() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Files.writeString(dir.resolve("baseline.yaml"), """
                capturedAt: 2026-11-01T06:00:00Z
                approvedBy: "jdoe\\nNo drift: every node matches the baseline."
                hosts: {}
                waivers:
                  - {rule: MISSING_DELEGATION, host: HV02, peer: "HV03\\nNo drift: every node matches the baseline.", justification: CHG1, expires: 2026-12-31}
                """);
        assertEquals(ExitCodes.FINDINGS, run("baseline", "diff", "--config", cfg.toString()), out + err);
        assertTrue(out.contains("approved by jdoe No drift"), out);
        assertTrue(out.contains("waiver MISSING_DELEGATION HV02 -> HV03 No drift"), out);
        assertFalse(out.lines().anyMatch(l -> l.startsWith("No drift")), out);
    }

    /** The config of the clusters, with a baseline of no hosts and these waivers (flow-style lines). */
    private Path withWaivers(String clusters, String... waivers) throws Exception {
        Path cfg = config(clusters, "");
        Files.writeString(dir.resolve("baseline.yaml"), "hosts: {}\nwaivers:\n" + java.util.Arrays.stream(waivers)
                .map(w -> "  - {" + w + "}\n").collect(java.util.stream.Collectors.joining()));
        return cfg;
    }

    /** Runs the clusters with a baseline of no hosts and these waivers (flow-style lines), json and xlsx to out. */
    private Path runWithWaivers(String clusters, String... waivers) throws Exception {
        Path cfg = withWaivers(clusters, waivers);
        Path reports = dir.resolve("out");
        run("run", "--config", cfg.toString(), "--out", reports.toString(), "--formats", "json,xlsx");
        return cfg;
    }

    @Test
    void aWaiverWhosePeerIsNoHostTheAuditKnowsIsAWarningNotSilentlyActive() throws Exception {
        // findings name peers by their short name: an FQDN or a typo as the peer waives nothing; HV15 is no node, but
        // the STALE_DELEGATION findings of HV11 name it
        Path cfg = runWithWaivers("  - name: HVC2\n    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com",
                "rule: MISSING_DELEGATION, host: HV11, peer: hv12.contoso.com, justification: CHG3, expires: 2026-12-31",
                "rule: STALE_DELEGATION, host: HV11, peer: HV15, justification: CHG4, expires: 2026-12-31");
        Path reports = dir.resolve("out");
        assertTrue(out.contains("Warning: the waiver for MISSING_DELEGATION on HV11 -> hv12.contoso.com names a peer"
                + " that is no node, file server or operator of this configuration and that no finding names, so it"
                + " waives nothing (check the peer's name)."), out + err);
        assertFalse(out.contains("waiver for STALE_DELEGATION"), out);
        var listed = org.kcdauditor.support.CliRun.findings(reports).path("baseline").path("waivers");
        assertTrue(listed.get(0).path("warning").asText().startsWith("names a peer"), listed.toString());
        assertFalse(listed.get(1).has("warning"), listed.toString());
        assertTrue(listed.get(1).path("findings").asInt() > 0, listed.toString());
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            assertEquals("No", wb.getSheet("Waivers").getRow(1).getCell(0).getStringCellValue(),
                    "it never applies: not active");
            assertEquals("NO PEER", wb.getSheet("Waivers").getRow(1).getCell(8).getStringCellValue(), "the State says why");
        }
        run("baseline", "diff", "--config", cfg.toString());
        assertTrue(out.contains("waiver MISSING_DELEGATION HV11 -> hv12.contoso.com active through 2026-12-31 (UTC),"
                + " but it names a peer"), out);
    }

    @Test
    void eachWaivedFindingIsCountedForTheOneWaiverThatWaivesIt() throws Exception {
        // the first active waiver that matches waives a finding: a duplicate, a broader one below it and an expired
        // one above it waive nothing, so the counts add up to the run's waived findings
        runWithWaivers("  - name: HVC1\n    nodes: [HV01, HV02, HV03]",
                "rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: old, expires: 2020-01-31",
                "rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: CHG1, expires: 2026-12-31",
                "rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: CHG1 again, expires: 2026-12-31",
                "rule: MISSING_DELEGATION, host: HV02, justification: CHG2, expires: 2026-12-31");
        Path reports = dir.resolve("out");
        var doc = org.kcdauditor.support.CliRun.findings(reports);
        var listed = doc.path("baseline").path("waivers");
        int waived = 0;
        for (var f : doc.path("findings")) {
            waived += f.path("waived").asBoolean() ? 1 : 0;
        }
        assertTrue(waived > 0, doc.path("findings").toString());
        assertEquals(List.of(0, waived, 0, 0), List.of(listed.get(0).path("findings").asInt(),
                listed.get(1).path("findings").asInt(), listed.get(2).path("findings").asInt(),
                listed.get(3).path("findings").asInt()), listed.toString());
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            var sheet = wb.getSheet("Waivers");
            assertEquals(0, (int) sheet.getRow(1).getCell(2).getNumericCellValue());
            assertEquals(waived, (int) sheet.getRow(2).getCell(2).getNumericCellValue());
            assertEquals(0, (int) sheet.getRow(3).getCell(2).getNumericCellValue());
        }
    }

    /**
     * An active waiver of a pair that is delegated now waives nothing, but would hide the pair's failure if it came
     * back: it is a LOW WAIVER_UNUSED finding in findings.json, the workbook and the PDF's page 1, and a console
     * warning; the waiver of a pair still failing is not.
     */
    @Test
    void anActiveWaiverMatchingNoFindingIsToldInEveryOutput() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Files.writeString(dir.resolve("baseline.yaml"), """
                hosts: {}
                waivers:
                  - {rule: MISSING_DELEGATION, host: HV01, peer: HV03, justification: "CHG3", expires: 2026-12-31}
                  - {rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: "CHG1", expires: 2026-12-31}
                """);
        Path reports = dir.resolve("out");
        run("run", "--config", cfg.toString(), "--out", reports.toString(), "--formats", "json,xlsx,pdf");
        String told = "The waiver for MISSING_DELEGATION on HV01 -> HV03 (active through 2026-12-31, \"CHG3\") matches"
                + " no finding of this run: nothing it waives is open any more.";
        assertTrue(out.contains("Warning: " + told + " Remove the waiver from the baseline: it would hide the same"
                + " finding if it came back."), out + err);
        assertFalse(out.contains("on HV02 -> HV03 (active"), out);
        var doc = org.kcdauditor.support.CliRun.findings(reports);
        List<com.fasterxml.jackson.databind.JsonNode> unused = new java.util.ArrayList<>();
        int low = 0;
        for (var f : doc.path("findings")) {
            if (f.path("rule").asText().equals("WAIVER_UNUSED")) {
                unused.add(f);
            }
            low += f.path("severity").asText().equals("LOW") && !f.path("waived").asBoolean() ? 1 : 0;
        }
        assertEquals(1, unused.size(), doc.path("findings").toString());
        var f = unused.get(0);
        assertEquals(List.of("LOW", "HV01", "HV03", told), List.of(f.path("severity").asText(), f.path("host").asText(),
                f.path("peer").asText(), f.path("message").asText()));
        assertEquals(List.of("MISSING_DELEGATION", "2026-12-31", "CHG3"), List.of(
                f.path("evidence").path("waivedRule").asText(), f.path("evidence").path("expires").asText(),
                f.path("evidence").path("justification").asText()), f.toString());
        assertEquals(low, doc.path("summary").path("bySeverity").path("LOW").asInt(), "counted as LOW");
        var listed = doc.path("baseline").path("waivers");
        assertEquals(List.of(0, 4), List.of(listed.get(0).path("findings").asInt(),
                listed.get(1).path("findings").asInt()), listed.toString());
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            var drift = wb.getSheet("Drift");
            int rows = 0;
            for (int i = 1; i <= drift.getLastRowNum(); i++) {
                if (drift.getRow(i).getCell(1).getStringCellValue().equals("WAIVER_UNUSED")) {
                    assertEquals(told, drift.getRow(i).getCell(6).getStringCellValue());
                    rows++;
                }
            }
            assertEquals(1, rows, "the Drift sheet lists it");
        }
        try (var pdf = org.apache.pdfbox.Loader.loadPDF(reports.resolve("audit.pdf").toFile())) {
            var strip = new org.apache.pdfbox.text.PDFTextStripper();
            strip.setEndPage(1);
            String first = strip.getText(pdf).replaceAll("\\s+", " ");
            assertTrue(first.contains("Waivers to question"), first);
            assertTrue(first.contains("HV01 -> HV03 (active through 2026-12-31"), first);
        }
    }

    @Test
    void aWaiverWithAnSpnItsRuleFindingsNeverNameIsAWarningNotSilentlyActive() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]", "");
        Files.writeString(dir.resolve("baseline.yaml"), """
                hosts: {}
                waivers:
                  - {rule: AES_NOT_ENABLED, host: NAS01, spn: cifs/nas01.contoso.com, justification: "CHG5", expires: 2026-12-31}
                  - {rule: MISSING_DELEGATION, host: HV01, spn: cifs/hv02.contoso.com, justification: "CHG1", expires: 2026-12-31}
                """);
        Path reports = dir.resolve("out");
        run("run", "--config", cfg.toString(), "--out", reports.toString(), "--formats", "json,xlsx");
        assertTrue(out.contains("Warning: the waiver for AES_NOT_ENABLED on NAS01 names an SPN, but the findings of"
                + " its rule on this host name none, so it waives nothing (remove spn: to waive them)."), out + err);
        assertFalse(out.contains("waiver for MISSING_DELEGATION"), "its findings name SPNs: " + out);
        var listed = org.kcdauditor.support.CliRun.findings(reports).path("baseline").path("waivers");
        assertEquals(0, listed.get(0).path("findings").asInt(), listed.toString());
        assertTrue(listed.get(0).path("warning").asText().startsWith("names an SPN"), listed.toString());
        assertFalse(listed.get(1).has("warning"), listed.toString());
        assertEquals(1, listed.get(1).path("findings").asInt(), listed.toString());
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(reports.resolve("audit.xlsx").toFile())) {
            var sheet = wb.getSheet("Waivers");
            assertEquals("No", sheet.getRow(1).getCell(0).getStringCellValue(), "it never applies: not active");
            assertEquals("NO SPN", sheet.getRow(1).getCell(8).getStringCellValue(), "the State says why");
            assertEquals("Yes", sheet.getRow(2).getCell(0).getStringCellValue());
        }
        run("baseline", "diff", "--config", cfg.toString());
        assertTrue(out.contains("waiver AES_NOT_ENABLED NAS01 active through 2026-12-31 (UTC), but it names an SPN"), out);
    }

    @Test
    void aBaselineTheConfigNamesButThatDoesNotExistIsAWarningNotSilence() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "baseline: nosuch-baseline.yaml");
        run("run", "--config", cfg.toString(), "--out", dir.resolve("out").toString(), "--formats", "json");
        assertTrue(out.contains("Warning: baseline " + dir.resolve("nosuch-baseline.yaml") + " (" + cfg
                + ": baseline) does not exist: nothing was compared with a baseline and no waiver applied;"), out);
        // the default baseline.yaml next to the config is optional: no warning without it
        Path plain = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        run("run", "--config", plain.toString(), "--out", dir.resolve("out2").toString(), "--formats", "json");
        assertFalse(out.contains("Warning: baseline"), out);
    }

    /**
     * The runbooks print the capture command with {@code --approved-by "<CAB approver>"} for the admin to fill in:
     * pasted as printed, it recorded a baseline approved by "<CAB approver>".
     */
    @Test
    void baselineCaptureRefusesTheRunbooksPlaceholderForTheApprover() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        assertEquals(ExitCodes.USAGE, run("baseline", "capture", "--config", cfg.toString(), "--approved-by",
                "<CAB approver>"), out + err);
        assertEquals("kcd-audit: --approved-by: \"<CAB approver>\" is the runbook's placeholder: give the name of whoever approved"
                + " the change, e.g. --approved-by \"J. Doe\"", err.strip());
        assertFalse(Files.exists(dir.resolve("baseline.yaml")), "no baseline written");
    }

    /** {@code --ticket}: the change ticket the capture was approved under, in the header next to its approver. */
    @Test
    void baselineCaptureRecordsItsTicketNextToItsApprover() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--approved-by", "jdoe",
                "--ticket", "CHG0040"), out + err);
        Path file = dir.resolve("baseline.yaml");
        assertTrue(Files.readString(file).contains("\napprovedBy: jdoe\nticket: CHG0040\ncontentSha256: "),
                Files.readString(file));
        assertEquals("CHG0040", BaselineFile.read(file).ticket());
        assertEquals(Boolean.FALSE, BaselineFile.readChecked(file).changedSinceCapture());
    }

    @Test
    void baselineCaptureRefusesToOverwriteAndDiffWritesNothing() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Path file = dir.resolve("baseline.yaml");
        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--approved-by", "jdoe"),
                err);
        assertTrue(out.matches("(?s).*Note: \\d+ HIGH findings? (was|were) open in this run\\. The baseline is the"
                + " reference for drift only.*"), out);
        Baseline b = BaselineFile.read(file);
        assertEquals("jdoe", b.approvedBy());
        assertEquals(3, b.hosts().size());
        assertEquals(12, b.host("HV03").delegateTo().size(), "8 to its peers, 2 each to the file servers NAS01 and"
                + " NAS02");
        String captured = Files.readString(file);

        assertEquals(ExitCodes.USAGE, run("baseline", "capture", "--config", cfg.toString()));
        assertTrue(err.contains("give --force"), err);
        assertEquals(captured, Files.readString(file));

        assertEquals(ExitCodes.OK, run("baseline", "diff", "--config", cfg.toString()), out + err);
        assertTrue(out.contains("No drift"), out);
        Files.writeString(file, captured.replace("\"cifs/HV01\", ", ""));
        String edited = Files.readString(file);
        long before;
        try (var s = Files.list(dir)) {
            before = s.count();
        }
        assertEquals(ExitCodes.FINDINGS, run("baseline", "diff", "--config", cfg.toString()));
        assertTrue(out.contains("ENTRY_ADDED") && out.contains("cifs/HV01"), out);
        assertEquals(edited, Files.readString(file), "diff writes nothing");
        try (var s = Files.list(dir)) {
            assertEquals(before, s.count());
        }

        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--force"), err);
        try (var s = Files.list(dir)) {
            assertEquals(1, s.filter(p -> p.getFileName().toString().startsWith("baseline.yaml.")
                    && p.getFileName().toString().endsWith(".bak")).count());
        }
    }

    /**
     * A capture is when the baseline is reviewed for the change board: a waiver it carries over that has expired
     * already (each run reports it as WAIVER_EXPIRED) is said there, not only by the next run.
     */
    @Test
    void aCaptureSaysWhichCarriedOverWaiversHaveExpired() throws Exception {
        Path cfg = withWaivers("  - name: HVC1\n    nodes: [HV01, HV02, HV03]",
                "rule: MISSING_DELEGATION, host: HV02, peer: HV03, justification: \"CHG1\", expires: 2026-11-25",
                "rule: UNCONSTRAINED_DELEGATION, host: HV03, justification: \"CHG2\", expires: 2026-11-26");
        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--force"), out + err);
        assertTrue(out.contains("2 waivers carried over"), out);
        assertTrue(out.contains("\nNote: 1 waiver carried over has expired; every run reports it (WAIVER_EXPIRED) until it"
                + " is renewed or removed from the baseline:\n  The waiver for MISSING_DELEGATION on HV02 -> HV03 expired"
                + " on 2026-11-25 (\"CHG1\"); its findings count again.\n"), out);
    }

    /** A capture that writes no baseline (here: its folder is a file) is a failed run in history, not a success. */
    @Test
    void aCaptureThatCannotWriteTheBaselineIsRecordedFailed() throws Exception {
        Files.writeString(dir.resolve("approved"), "not a folder");
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "baseline: approved/baseline.yaml");
        assertEquals(ExitCodes.RUN_FAILED, run("baseline", "capture", "--config", cfg.toString()), out + err);
        String why = err.strip();
        assertEquals(1, why.lines().count(), why);
        assertTrue(why.endsWith(" — give baseline.file in " + cfg + " a path in a folder this account may write and"
                + " that has free space"), why);

        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        List<String> runs = out.lines().skip(2).toList();
        assertEquals(1, runs.size(), out);
        assertTrue(runs.get(0).contains(" FAILED ") && runs.get(0).contains("baseline-capture"), out);
    }

    /**
     * A folder where the baseline should be cannot be read, and --force cannot replace it either: capture refuses it
     * before it audits, with or without --force. It used to suggest --force, which then copied the folder to an empty
     * {@code baseline.yaml.<timestamp>.bak} folder (one more each time) and failed with "Is a directory".
     */
    @Test
    void aFolderWhereTheBaselineShouldBeIsRefusedBeforeTheAuditWithOrWithoutForce() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Path folder = Files.createDirectory(dir.resolve("baseline.yaml"));
        Files.writeString(folder.resolve("notes.txt"), "kept");
        for (String[] args : List.of(new String[]{"baseline", "capture", "--config", cfg.toString()},
                new String[]{"baseline", "capture", "--config", cfg.toString(), "--force"})) {
            assertEquals(ExitCodes.USAGE, run(args), out + err);
            assertEquals(folder + ": is a folder, not a file: move it aside, or give baseline.file in " + cfg
                    + " the path of a file", err.strip().replaceFirst("^kcd-audit: ", ""));
        }
        try (var s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("baseline.yaml."))
                    .toList(), "nothing written beside it");
        }
        assertEquals(List.of(folder.resolve("notes.txt")), Files.list(folder).toList());
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        assertTrue(out.startsWith("No runs stored yet"), "no audit was started: " + out);
    }

    /**
     * A baseline kept where the change board's copies are (a folder under version control, a share) and linked into
     * the config's folder: capture --force replaced the link with a file of its own, so the file the link named kept
     * the old baseline and the link was gone. The new baseline is written where the link points, the link stays.
     */
    @Test
    void aCaptureThroughALinkedBaselineWritesWhereTheLinkPointsAndKeepsTheLink() throws Exception {
        Path approved = Files.createDirectory(dir.resolve("approved"));
        Path target = approved.resolve("baseline.yaml");
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "baseline: approved/baseline.yaml");
        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString()), err);
        String first = Files.readString(target);
        Path link = Files.createSymbolicLink(dir.resolve("baseline.yaml"), target);
        cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");

        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--force"), err);
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertEquals(target, link.toRealPath());
        assertFalse(Files.readString(target).equals(first), "the file the link names holds the new baseline");
        try (var s = Files.list(approved)) {
            Path bak = s.filter(p -> p.getFileName().toString().endsWith(".bak")).findFirst().orElseThrow();
            assertEquals(first, Files.readString(bak), "the old one kept beside it");
            assertTrue(out.contains("Previous baseline kept as " + bak), out);
        }
    }

    /**
     * The link made before the first capture, to a file still to come in the folder under version control: the
     * capture writes that file and keeps the link (the link was followed only when its file existed, so the rename
     * replaced the link with a file of its own and the folder it pointed into stayed empty).
     */
    @Test
    void aFirstCaptureThroughALinkToAFileStillToComeWritesThatFile() throws Exception {
        Path target = Files.createDirectory(dir.resolve("approved")).resolve("baseline.yaml");
        Path link = Files.createSymbolicLink(dir.resolve("baseline.yaml"), target);
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");

        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString()), err);
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(Files.readString(target).contains("HV01"), "the file the link names holds the baseline");
    }

    @Test
    void aBaselineThatCannotBeReadIsReplacedOnlyWithForceAndKeptAsTheBackup() throws Exception {
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", "");
        Path file = dir.resolve("baseline.yaml");
        String broken = "hosts:\n\tHV01: {}\nwaivers: []\n";
        Files.writeString(file, broken);

        assertEquals(ExitCodes.USAGE, run("baseline", "capture", "--config", cfg.toString()));
        assertTrue(err.contains("not valid YAML") && err.contains("fix the baseline, or give --force to capture a new"
                + " one: the unreadable file is kept as baseline.yaml.<timestamp>.bak"), err);
        assertEquals(1, err.strip().lines().count(), err);
        assertEquals(broken, Files.readString(file));

        assertEquals(ExitCodes.OK, run("baseline", "capture", "--config", cfg.toString(), "--force"), err);
        assertEquals(3, BaselineFile.read(file).hosts().size());
        Path bak;
        try (var s = Files.list(dir)) {
            bak = s.filter(p -> p.getFileName().toString().matches("baseline\\.yaml\\..*\\.bak")).findFirst()
                    .orElseThrow();
        }
        assertEquals(broken, Files.readString(bak));
        assertTrue(out.contains("The previous baseline could not be read (") && out.contains("): it is kept as " + bak
                + ", its waivers were not carried over (copy them from there)"), out);
    }

    @Test
    void aBadPatchFileIsReportedAndTheRunGoesOnWithTheRest() throws Exception {
        Files.createDirectories(dir.resolve("exports"));
        Files.copy(Path.of("src/test/resources/inventory/hotfix-ps7.csv"), dir.resolve("exports/hv03.csv"));
        Files.copy(Path.of("src/test/resources/inventory/not-a-patch-export.csv"), dir.resolve("exports/other.csv"));
        Files.copy(Path.of("src/test/resources/inventory/hotfix-ps51-utf16.csv"), dir.resolve("exports/hv01.csv"));
        // a link to a file that is gone, and a folder named like an export: said, not silently passed over
        Files.createSymbolicLink(dir.resolve("exports/gone.csv"), dir.resolve("nowhere.csv"));
        Files.createDirectories(dir.resolve("exports/old.csv"));
        // a named pipe (reading it would wait for a writer for ever): said for what it is, not 'a link to nothing'
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("exports/pipe.csv").toString()).start().waitFor());
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]",
                "patches:\n  sources: [\"exports/*.csv\", \"missing/*.csv\"]\n");
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json",
                "--out", dir.resolve("out").toString()), err);
        assertTrue(out.contains("Imports: 2 of 7 files read, 1 line skipped (see Imports in the reports)."
                + "\nNot usable:"), out);
        assertTrue(out.contains("other.csv: not a patch export"), out);
        assertTrue(out.contains("missing/*.csv: no file matches"), out);
        assertTrue(out.contains("gone.csv: matches exports/*.csv but is no readable file (a link to nothing): skipped"),
                out);
        assertTrue(out.contains("old.csv: matches exports/*.csv but is no readable file (a folder): skipped"), out);
        assertTrue(out.contains("pipe.csv: matches exports/*.csv but is no readable file (a named pipe or a device,"
                + " not a file): skipped"), out);
        var doc = org.kcdauditor.report.FindingsJson.read(dir.resolve("out/findings.json"));
        assertEquals(7, doc.imports().size());
        assertEquals(List.of("HV01", "HV03"), doc.patches().hosts().stream().filter(h -> h.records() > 0)
                .map(h -> h.host()).toList());
        assertTrue(doc.findings().stream().anyMatch(f -> f.rule().equals("PATCH_DATA_MISSING")
                && f.host().equals("HV02")));
    }

    /**
     * A named pipe named without a wildcard (a source entry, an inspect argument) is refused as a wildcard passes it
     * over, before it is opened: opening it waited for a writer for ever.
     */
    @Test
    void aNamedPipeNamedExplicitlyIsRefusedAndTheRunGoesOn() throws Exception {
        Files.createDirectories(dir.resolve("exports"));
        Path pipe = dir.resolve("exports/pipe.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        String why = "cannot read: a named pipe or a device, not a file: export into a file and name that file";
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            assertEquals(ExitCodes.USAGE, run("inspect", "patches", pipe.toString()), err);
            assertEquals("kcd-audit: " + pipe + ": " + why + "\n", err);
            Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]", """
                    patches:
                      sources: [exports/pipe.csv]
                    events:
                      sources: [exports/pipe.csv]
                    hostSettings:
                      sources: [exports/pipe.csv]
                    """);
            assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json",
                    "--out", dir.resolve("out").toString()), err);
            var doc = org.kcdauditor.report.FindingsJson.read(dir.resolve("out/findings.json"));
            assertEquals(List.of("patches", "events", "hostSettings"), doc.imports().stream()
                    .map(i -> i.kind()).toList());
            assertTrue(doc.imports().stream().allMatch(i -> why.equals(i.error())), doc.imports().toString());
        });
    }

    /**
     * One node's updates exported twice, once under its NetBIOS name and once under its FQDN (Get-HotFix -ComputerName
     * with either, WSUS's FQDNs), are one node's updates: each KB counts once, the dated record kept.
     */
    @Test
    void aNodesUpdatesExportedUnderItsNetbiosNameAndItsFqdnCountOnce() throws Exception {
        Files.createDirectories(dir.resolve("exports"));
        Files.writeString(dir.resolve("exports/a.csv"), """
                "PSComputerName","HotFixID","InstalledOn"\r
                "HV01","KB5019966","11/9/2022 12:00:00 AM"\r
                "HV01","KB5020374",""\r
                """);
        Files.writeString(dir.resolve("exports/b.csv"), """
                "PSComputerName","HotFixID","InstalledOn"\r
                "hv01.contoso.com","KB5019966","11/9/2022 12:00:00 AM"\r
                "HV01.CONTOSO.COM.","5020374","11/10/2022 12:00:00 AM"\r
                """);
        Path cfg = config("  - name: HVC1\n    nodes: [HV01, HV02, HV03]",
                "patches:\n  sources: [\"exports/*.csv\"]\n");
        run("run", "--config", cfg.toString(), "--formats", "json", "--out", dir.resolve("out").toString());
        var doc = org.kcdauditor.report.FindingsJson.read(dir.resolve("out/findings.json"));
        var hv01 = doc.patches().hosts().stream().filter(h -> h.host().equals("HV01")).findFirst().orElseThrow();
        assertEquals(2, hv01.records(), "KB5019966 and KB5020374, each once");
        assertEquals(List.of("KB5019966", "KB5020374"), hv01.kbs());
    }

    @Test
    void inspectPatchesPrintsJsonLinesAndSkippedLines() {
        int code = run("inspect", "patches", "src/test/resources/inventory/hotfix-ps7.csv",
                "src/test/resources/inventory/not-a-patch-export.csv");
        assertEquals(ExitCodes.USAGE, code);
        assertEquals(3, out.lines().count(), out);
        assertTrue(out.lines().allMatch(l -> l.startsWith("{\"host\":\"HV03.contoso.com\"")), out);
        assertTrue(err.contains("hotfix-ps7.csv:5: HotFixID 'KB50X' is not a KB number"), err);
        assertTrue(err.contains("not-a-patch-export.csv: not a patch export"), err);
    }
}
