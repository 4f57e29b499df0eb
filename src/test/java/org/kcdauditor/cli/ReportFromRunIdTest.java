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

    @Test
    void aRunIdWithTheConfigFindsTheRunsFolderAndAnUnknownOneSaysWhatToDo() throws Exception {
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
        assertEquals(ExitCodes.FINDINGS, run("run", "--config", cfg.toString(), "--formats", "json"), out + err);
        assertEquals(ExitCodes.OK, run("history", "--config", cfg.toString()), err);
        String id = out.lines().skip(1).findFirst().orElseThrow().substring(0, 8);

        assertEquals(ExitCodes.OK, run("report", "--from", id, "--config", cfg.toString(), "--formats", "md"), err);
        assertTrue(out.startsWith("Reports of run " + id), out);
        try (var folders = Files.list(dir.resolve("reports"))) {
            Path folder = folders.filter(Files::isDirectory).findFirst().orElseThrow();
            assertTrue(Files.isRegularFile(folder.resolve("runbook.md")), "written into the run's own folder");
        }

        assertEquals(ExitCodes.USAGE, run("report", "--from", "ffffffff", "--config", cfg.toString()));
        assertTrue(err.contains("--from: no run ffffffff in the history store of " + cfg), err);
        assertEquals(ExitCodes.USAGE, run("report", "--from", id));
        assertTrue(err.contains("--from: " + id + " is no folder or file here; to name a run by its id, give --config"
                + " FILE too"), err);
    }
}
