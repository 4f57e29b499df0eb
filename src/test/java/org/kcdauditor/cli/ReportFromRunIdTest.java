package org.kcdauditor.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.run.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code report --from} takes the run id {@code history} lists, with {@code --config}: the auditor re-renders last
 * month's reports by the id on the history line, not by hunting for its folder.
 */
class ReportFromRunIdTest {
    private static DemoDirectory directory;

    @TempDir
    Path dir;

    private String out;
    private String err;

    @BeforeAll
    static void start() throws Exception {
        directory = DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("KCD_T_PW", directory.password()),
                Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC), Path.of("."));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private Path config() throws Exception {
        Path cfg = dir.resolve("kcd-audit.yaml");
        Files.writeString(cfg, """
                directory:
                  url: %s
                  bindDn: %s
                  passwordEnv: KCD_T_PW
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03]
                reports:
                  dir: %s
                store:
                  url: jdbc:h2:file:%s
                """.formatted(directory.url(), DemoDirectory.BIND_DN, dir.resolve("reports"),
                dir.resolve("data/history")));
        return cfg;
    }

    @Test
    void aRunIdWithTheConfigFindsTheRunsFolderAndAnUnknownOneSaysWhatToDo() throws Exception {
        Path cfg = config();
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json"), out + err);
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        String id = out.lines().skip(2).findFirst().orElseThrow().substring(0, 8);

        assertEquals(ExitCodes.OK, run("report", "--from", id, "--config", cfg.toString(), "--formats", "md"), err);
        assertTrue(out.startsWith("Reports of run " + id), out);
        try (var folders = Files.list(dir.resolve("reports"))) {
            Path folder = folders.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(Files.isRegularFile(folder.resolve("runbook.md")), "written into the run's own folder");
        }

        // any unique prefix of at least 4 characters names the run, for report --from as for history show
        String four = id.substring(0, 4);
        assertEquals(ExitCodes.OK, run("report", "--from", four, "--config", cfg.toString(), "--formats", "md"), err);
        assertTrue(out.startsWith("Reports of run " + id), out);
        assertEquals(ExitCodes.OK, run("history", "show", four, "--config", cfg.toString()), err);
        assertTrue(out.startsWith("Run       " + id), out);
        String three = id.substring(0, 3);
        String tooShort = "run id prefix '" + three + "' is too short: give at least 4 characters of the run id"
                + " (kcd-audit history --config " + cfg + " lists them)";
        assertEquals(ExitCodes.USAGE, run("report", "--from", three, "--config", cfg.toString()), out + err);
        assertEquals("kcd-audit: --from: " + three + " is no folder or file here, and as a " + tooShort + "\n", err);
        assertEquals(ExitCodes.USAGE, run("history", "show", three, "--config", cfg.toString()), out + err);
        assertEquals("kcd-audit: history show: " + tooShort + "\n", err);

        assertEquals(ExitCodes.USAGE, run("report", "--from", "ffffffff", "--config", cfg.toString()));
        assertTrue(err.contains("--from: no run ffffffff in the history store of " + cfg), err);
        assertEquals(ExitCodes.USAGE, run("report", "--from", id));
        assertTrue(err.contains("--from: " + id + " is no folder or file here; to name a run by its id, give --config"
                + " FILE too"), err);
    }

    /**
     * A later run given the same --out replaces the folder's findings.json, as README allows: the first run's id then
     * named a folder holding the later run's reports, and report --from re-rendered those (exit 0), history show named
     * the folder as the first run's reports.
     */
    @Test
    void aRunWhoseFolderALaterRunReusedHasNothingToReRender() throws Exception {
        Path cfg = config();
        Path reused = dir.resolve("out2");
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json,md", "--out",
                reused.toString()), out + err);
        String first = runIdIn(reused).substring(0, 8);
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json", "--out",
                reused.toString()), out + err);
        String second = runIdIn(reused).substring(0, 8);
        byte[] runbook = Files.readAllBytes(reused.resolve("runbook.md"));

        assertEquals(ExitCodes.USAGE, run("report", "--from", first, "--config", cfg.toString(), "--formats", "md",
                "--out", dir.resolve("rs1").toString()), out + err);
        assertEquals("kcd-audit: --from: the folder of run " + first + ", " + reused + ", now holds run " + second
                + "'s reports (reused by --out): nothing of " + first + " to re-render\n", err);
        assertEquals("", out);
        assertTrue(Files.notExists(dir.resolve("rs1")), "nothing written");
        assertTrue(java.util.Arrays.equals(runbook, Files.readAllBytes(reused.resolve("runbook.md"))));
        // the later run's own id still re-renders it
        assertEquals(ExitCodes.OK, run("report", "--from", second, "--config", cfg.toString(), "--formats", "md"), err);

        assertEquals(ExitCodes.OK, run("history", "show", first, "--config", cfg.toString()), err);
        assertTrue(out.contains("Reports   none left: " + reused + " now holds run " + second + "'s reports (reused"
                + " by --out)\n"), out);
        assertEquals(ExitCodes.OK, run("history", "show", second, "--config", cfg.toString()), err);
        assertTrue(out.contains("Reports   " + reused + "\n"), out);
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        String line = out.lines().filter(l -> l.startsWith(first)).findFirst().orElseThrow();
        assertTrue(line.endsWith("none left: " + reused + " now holds run " + second + "'s reports (reused by --out)"),
                line);
        line = out.lines().filter(l -> l.startsWith(second)).findFirst().orElseThrow();
        assertTrue(line.endsWith("  " + reused), line);
    }

    /** The runId of the findings.json in {@code folder}. */
    private static String runIdIn(Path folder) {
        return org.kcdauditor.report.FindingsJson.runIdOf(folder.resolve("findings.json"));
    }

    /**
     * A run that failed while it wrote its reports leaves them in a .failed folder with FAILED.txt: report --from that
     * folder rendered normal-looking reports (a GO page) with exit 0, nothing saying the run failed.
     */
    @Test
    void aFailedRunsFolderOrIdHasNothingToReRender() throws Exception {
        Path cfg = config();
        Path ow = dir.resolve("ow");
        Files.createDirectories(ow.resolve("runbook.md"));
        assertEquals(ExitCodes.RUN_FAILED, run("run", "--config", cfg.toString(), "--formats", "json,md", "--out",
                ow.toString()), out + err);
        Path failed;
        try (var folders = Files.list(ow)) {
            failed = folders.filter(p -> p.getFileName().toString().endsWith(".failed")).findFirst().orElseThrow();
        }
        String id = failed.getFileName().toString().substring("kcd-audit-".length(), "kcd-audit-".length() + 8);
        String why = "cannot write output: " + ow.resolve("runbook.md") + " cannot be replaced (Is a directory), so no report"
                + " was moved into " + ow;
        Path rf = dir.resolve("rf1");

        assertEquals(ExitCodes.USAGE, run("report", "--from", failed.toString(), "--formats", "md", "--out",
                rf.toString()), out + err);
        assertEquals("kcd-audit: --from: " + failed + " is the folder of run " + id + ", which did not complete"
                + " (FAILED: " + why + "): its files are not a report, nothing to re-render\n", err);
        assertTrue(Files.notExists(rf), "nothing written");
        // its findings.json named: the same
        assertEquals(ExitCodes.USAGE, run("report", "--from", failed.resolve("findings.json").toString(), "--formats",
                "md", "--out", rf.toString()), out + err);
        assertTrue(err.contains(" is the folder of run " + id + ", which did not complete (FAILED: "), err);
        // by its id, the store says why
        assertEquals(ExitCodes.USAGE, run("report", "--from", id, "--config", cfg.toString(), "--formats", "md",
                "--out", rf.toString()), out + err);
        assertTrue(err.startsWith("kcd-audit: --from: run " + id), err);
        assertTrue(err.endsWith(" did not complete (FAILED: " + why + "): it has no reports to re-render\n"), err);
        assertTrue(Files.notExists(rf), "nothing written");
    }

    /**
     * A run from a configuration file records it (summary.configFile): withConfigFile rebuilt the document without
     * fileServerHosts, so every run but the demo's wrote none, although its clusters had file servers.
     */
    @Test
    void aRunFromAConfigFileKeepsItsFileServersAccounts() throws Exception {
        Path cfg = config();
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV01, HV02, HV03]",
                "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]"));
        Path o = dir.resolve("o");
        run("run", "--config", cfg.toString(), "--formats", "json", "--out", o.toString());
        com.fasterxml.jackson.databind.JsonNode doc = org.kcdauditor.report.FindingsJson.MAPPER.readTree(
                o.resolve("findings.json").toFile());
        assertEquals(cfg.toAbsolutePath().normalize().toString(), doc.path("summary").path("configFile").asText());
        assertEquals("NAS01", doc.path("fileServerHosts").path(0).path("name").asText(), doc.path("clusters").toString());
    }
}
