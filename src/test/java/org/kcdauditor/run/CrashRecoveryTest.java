package org.kcdauditor.run;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.ChildJvm;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TricklingProxy;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of a real {@code kcd-audit run} JVM: the next run takes the lock over at once (no waiting out
 * runLockSeconds), the killed run shows INTERRUPTED in history, and a report folder the killed run was
 * writing is never one that looks finished: it stays {@code .partial} and becomes {@code .failed} with
 * FAILED.txt and without temporary files when the next run starts.
 */
@Tag("process")
class CrashRecoveryTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    private Path log() {
        return dir.resolve("child.log");
    }

    private Process child(Map<String, String> env, List<String> jvm, String... args) throws Exception {
        Process p = ChildJvm.start(log(), env, jvm, args);
        processes.add(p);
        return p;
    }

    private static Optional<RunSummary> running(AuditConfig cfg, Map<String, String> env) {
        try (RunStore store = StoreUrls.open(cfg, env)) {
            return store.list(10).stream().filter(r -> r.status().equals(RunSummary.RUNNING)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Test
    void aKilledRunsLockIsTakenOverAtOnceAndTheRunShowsInterrupted() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy crawl = new TricklingProxy("127.0.0.1", port(directory), 100, 100)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            Path slow = ScheduleFixture.config(dir.resolve("slow"), crawl.ldapUrl(),
                    "jdbc:h2:file:" + dir.resolve("data/kcd-audit"), null, null, null);
            Path fast = ScheduleFixture.config(dir.resolve("fast"), directory,
                    "jdbc:h2:file:" + dir.resolve("data/kcd-audit"), null, null, null);
            AuditConfig slowCfg = ConfigLoader.load(slow);
            // this JVM serves the store file throughout (AUTO_SERVER), so polling it never races the child's open
            RunStore keeper = StoreUrls.open(slowCfg, env);
            Process p = child(env, List.of("-XX:TieredStopAtLevel=1"), "run", "--config", slow.toString());
            ChildJvm.await("the run in progress", Duration.ofSeconds(60), log(),
                    () -> running(slowCfg, env).isPresent());
            long pid = p.pid();
            p.destroyForcibly(); // kill -9
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));

            // the default runLockSeconds is 120: the next run must not wait for that, nor be refused
            CliRun next = CliRun.run(env, "run", "--config", fast.toString(), "--fail-on", "info");
            assertTrue(next.exitCode() == 0 || next.exitCode() == 3, next.toString());
            assertFalse(next.err().contains("another audit"), next.err());

            CliRun history = CliRun.run(env, "history", "--all", "--config", fast.toString());
            assertEquals(0, history.exitCode(), history.toString());
            String killed = history.out().lines().filter(l -> l.contains("INTERRUPTED")).findFirst().orElse("");
            assertTrue(killed.contains("pid " + pid), history.out());
            assertTrue(history.out().lines().anyMatch(l -> l.contains("SUCCEEDED")), history.out());
            assertTrue(history.out().lines().noneMatch(l -> l.contains("RUNNING")), history.out());
            keeper.close();
        }
    }

    @Test
    @Tag("integration") // an interpreted JVM, so the kill lands among the writers: about 35 s
    void aRunKilledWhileWritingLeavesAPartialFolderThatTheNextRunMarksFailed() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            Path config = ScheduleFixture.config(dir, directory, null, null, null, null);
            // every format, and an interpreted JVM: the writers take many seconds, the kill lands among them
            Files.writeString(config, Files.readString(config).replace("formats: [json]",
                    "formats: [json, xlsx, pdf, md, html, ps1]"));
            Path reports = dir.resolve("reports");
            Process p = child(env, List.of("-Xint"), "run", "--config", config.toString());
            ChildJvm.await("a .partial run folder", Duration.ofSeconds(120), log(), () -> partial(reports) != null);
            p.destroyForcibly(); // kill -9 while the writers are at work
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            Path partial = partial(reports);
            assertTrue(partial != null && Files.isDirectory(partial), "still marked unfinished: " + list(reports));
            assertEquals(1, list(reports).size(), "and no folder that looks finished: " + list(reports));

            CliRun next = CliRun.run(env, "run", "--config", config.toString(), "--formats", "json", "--fail-on",
                    "info");
            assertTrue(next.exitCode() == 0 || next.exitCode() == 3, next.toString());
            String name = partial.getFileName().toString();
            Path failed = reports.resolve(name.substring(0, name.length() - ".partial".length()) + ".failed");
            assertTrue(Files.isDirectory(failed), list(reports).toString());
            String why = Files.readString(failed.resolve("FAILED.txt"));
            assertTrue(why.contains("interrupted") && why.contains("not a report"), why);
            try (Stream<Path> left = Files.list(failed)) {
                List<String> names = left.map(f -> f.getFileName().toString()).toList();
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.startsWith(".kcd-tmp")),
                        "temporary files removed: " + names);
            }
            assertEquals(2, list(reports).size(), "the .failed folder and the new run's: " + list(reports));
            assertTrue(list(reports).stream().noneMatch(f -> f.getFileName().toString().endsWith(".partial")));
        }
    }

    private static Path partial(Path reports) {
        return list(reports).stream().filter(f -> f.getFileName().toString().endsWith(".partial")).findFirst()
                .orElse(null);
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    private static int port(DemoDirectory d) {
        return Integer.parseInt(d.url().substring(d.url().lastIndexOf(':') + 1));
    }
}
