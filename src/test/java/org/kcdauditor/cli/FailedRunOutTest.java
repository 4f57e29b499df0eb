package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.CliRun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run that fails before it writes anything leaves no trace where it was to write. */
class FailedRunOutTest {
    @TempDir
    Path dir;

    @Test
    void anOutFolderTheFailedRunMadeIsRemoved() throws Exception {
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, null, null);
        Path out = dir.resolve("reports of today");
        CliRun run = CliRun.run(Map.of("KCD_TEST_LDAP_PASSWORD", "x"), "run", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertFalse(Files.exists(out), "the empty --out folder the run made is gone");
    }

    @Test
    void anOutFolderThatExistedStays() throws Exception {
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, null, null);
        Path out = Files.createDirectories(dir.resolve("reports"));
        CliRun run = CliRun.run(Map.of("KCD_TEST_LDAP_PASSWORD", "x"), "run", "--config", cfg.toString(), "--out", out.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(Files.isDirectory(out), "an --out folder that was there before stays");
    }

    @Test
    void aDemoThatFailsRemovesTheOutFolderItMade() throws Exception {
        // an installation whose demo directory cannot be read: the demo fails after it made --out
        Path home = dir.resolve("install");
        Path demo = Files.createDirectories(home.resolve("config/demo"));
        try (Stream<Path> files = Files.walk(Path.of("config/demo"))) {
            for (Path f : files.toList()) {
                Path to = demo.resolve(Path.of("config/demo").relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Files.writeString(demo.resolve("contoso.ldif"), "dn: this is no LDIF\nnot an attribute\n");
        Path out = dir.resolve("demo reports");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[]{"demo", "--out", out.toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC(), home);
        assertTrue(code != 0, "the demo failed: " + err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(out), "the empty --out folder the demo made is gone");
    }
}
