package org.kcdauditor.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A named pipe as directory.trustStore is refused in one line before it is opened: the check that a store shows
 * certificates without its password opened it, and waited for a writer for ever.
 */
class TrustStorePipeTest {
    @TempDir
    Path dir;

    @Test
    void aNamedPipeAsTrustStoreIsRefusedWithoutWaiting() throws Exception {
        Path pipe = dir.resolve("ad-ca.p12");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        Path cfg = ScheduleFixture.config(dir, "ldaps://127.0.0.1:1", null, null, null, null);
        Files.writeString(cfg, Files.readString(cfg).replace("  pageSize: 100\n", "  pageSize: 100\n  trustStore:"
                + " ad-ca.p12\n"));
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.run(Map.of(ScheduleFixture.LDAP_ENV,
                "pw"), "run", "--config", cfg.toString(), "--out", dir.resolve("out").toString()));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": directory.trustStore: " + pipe + ": a named pipe or a device, not a"
                + " file: give the key store file (PKCS#12 or JKS)", r.err().strip());
    }
}
