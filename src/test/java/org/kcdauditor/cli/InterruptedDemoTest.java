package org.kcdauditor.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.ChildJvm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM while the demo stores its seed run (the directory as it was before, its first second or two): one line
 * and exit 143, as in the rest of the demo (README). Before, the JVM's shutdown closed the demo store under the
 * seed and the console showed H2's and Flyway's complaints ("Database is already closed", "Migration of schema …
 * failed! Please restore backups and roll back database and code!", "schema migration failed").
 */
@Tag("process")
class InterruptedDemoTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses children = new ChildProcesses();

    @Test
    void sigtermWhileTheDemoStoresItsSeedRunEndsWithOneLine() throws Exception {
        Path home = ChildJvm.demoInstallation(dir);
        AuditConfig demo = ConfigLoader.load(home.resolve("config/demo/kcd-audit-demo.yaml"));
        Path log = dir.resolve("demo.log");
        // interpreted, so the seed run takes seconds
        Process p = ChildJvm.start(log, Map.of("KCD_AUDIT_HOME", home.toString()), List.of("-Xint"), "demo",
                "--out", dir.resolve("out").toString(), "--formats", "json");
        children.add(p);
        ChildJvm.await("the demo's seed run in progress", Duration.ofSeconds(120), log,
                () -> Files.exists(home.resolve("data/demo-history.mv.db")) && seedRunning(demo));
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ended after the signal");
        String said = Files.readString(log).strip();
        assertEquals(143, p.exitValue(), said);
        List<String> lines = said.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line: " + said);
        assertTrue(lines.get(0).startsWith("kcd-audit: stopped by SIGTERM: run ")
                && lines.get(0).contains("is recorded INTERRUPTED"), said);
        try (RunStore store = StoreUrls.open(demo, Map.of())) {
            assertEquals(RunSummary.INTERRUPTED, store.list(1).get(0).status());
        }
    }

    private static boolean seedRunning(AuditConfig demo) {
        try (RunStore store = StoreUrls.open(demo, Map.of())) {
            return store.list(5).stream().anyMatch(r -> r.status().equals(RunSummary.RUNNING));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
