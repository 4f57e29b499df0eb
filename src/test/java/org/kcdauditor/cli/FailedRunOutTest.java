package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
}
