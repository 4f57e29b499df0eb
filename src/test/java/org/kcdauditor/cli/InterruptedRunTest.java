package org.kcdauditor.cli;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ctrl-C (SIGINT) or SIGTERM in the middle of {@code kcd-audit run}, in a JVM of its own: one line saying what
 * happened to the run, exit 130 or 143, the run recorded INTERRUPTED at once (not left RUNNING for the next command
 * to find and call "killed, crashed or shut down"), and the files of an earlier run in {@code --out} untouched.
 */
@Tag("process")
class InterruptedRunTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    private static Optional<RunSummary> running(AuditConfig cfg, Map<String, String> env) {
        try (RunStore store = StoreUrls.open(cfg, env)) {
            return store.list(10).stream().filter(r -> r.status().equals(RunSummary.RUNNING)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130, interrupted by Ctrl-C (SIGINT)", "TERM, 143, stopped by SIGTERM"})
    void aSignalInTheMiddleOfARunRecordsItInterruptedWithOneLine(String signal, int exit, String reason)
            throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy crawl = new TricklingProxy("127.0.0.1", port(directory), 100, 100)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            String store = "jdbc:h2:file:" + dir.resolve("data/kcd-audit");
            Path fast = ScheduleFixture.config(dir.resolve("fast"), directory, store, null, null, null);
            Path slow = ScheduleFixture.config(dir.resolve("slow"), crawl.ldapUrl(), store, null, null, null);
            Path out = dir.resolve("out");
            CliRun first = CliRun.run(env, "run", "--config", fast.toString(), "--out", out.toString(),
                    "--fail-on", "info");
            assertTrue(first.exitCode() == 0 || first.exitCode() == 3, first.toString());
            String earlier = Files.readString(out.resolve("findings.json"));

            AuditConfig slowCfg = ConfigLoader.load(slow);
            RunStore keeper = StoreUrls.open(slowCfg, env); // serves the file (AUTO_SERVER) while the child runs
            Path log = dir.resolve("child.log");
            Process p = ChildJvm.start(log, env, List.of("-XX:TieredStopAtLevel=1"), "run", "--config",
                    slow.toString(), "--out", out.toString());
            processes.add(p);
            ChildJvm.await("the run in progress", Duration.ofSeconds(60), log,
                    () -> running(slowCfg, env).isPresent());
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended after the signal");
            String said = Files.readString(log).strip();
            assertEquals(exit, p.exitValue(), said);
            saysItWasRecordedInterrupted(said, reason);

            CliRun history = CliRun.run(env, "history", "--all", "--config", fast.toString());
            assertEquals(0, history.exitCode(), history.toString());
            assertFalse(history.err().contains("left RUNNING"), "recorded by the run itself: " + history.err());
            String line = history.out().lines().filter(l -> l.contains("INTERRUPTED")).findFirst().orElse("");
            assertTrue(line.contains(reason), history.out());
            assertTrue(history.out().lines().noneMatch(l -> l.contains("RUNNING")), history.out());
            assertEquals(earlier, Files.readString(out.resolve("findings.json")), "the earlier run's files stay");
            try (var left = Files.list(out)) {
                assertTrue(left.noneMatch(f -> f.getFileName().toString().endsWith(".partial")), "no .partial");
            }
            keeper.close();
        }
    }

    /**
     * GNU timeout signals the child and then its process group: the same signal twice within milliseconds. The second
     * was taken for an impatient second Ctrl-C: the process ended at once, silently, with the run left RUNNING. It is
     * the same signal: one line, the run recorded INTERRUPTED.
     */
    @ParameterizedTest(name = "SIG{0} twice")
    @CsvSource({"INT, 130, interrupted by Ctrl-C (SIGINT)", "TERM, 143, stopped by SIGTERM"})
    void theSameSignalTwiceAtOnceIsOneSignal(String signal, int exit, String reason) throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy crawl = new TricklingProxy("127.0.0.1", port(directory), 100, 100)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            String store = "jdbc:h2:file:" + dir.resolve("data/kcd-audit");
            Path slow = ScheduleFixture.config(dir.resolve("slow"), crawl.ldapUrl(), store, null, null, null);
            AuditConfig slowCfg = ConfigLoader.load(slow);
            RunStore keeper = StoreUrls.open(slowCfg, env);
            Path log = dir.resolve("child.log");
            Process p = ChildJvm.start(log, env, List.of("-XX:TieredStopAtLevel=1"), "run", "--config",
                    slow.toString(), "--out", dir.resolve("out").toString());
            processes.add(p);
            ChildJvm.await("the run in progress", Duration.ofSeconds(60), log,
                    () -> running(slowCfg, env).isPresent());
            String pid = Long.toString(p.pid());
            new ProcessBuilder("sh", "-c", "kill -" + signal + " " + pid + "; kill -" + signal + " " + pid)
                    .inheritIO().start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended after the signals");
            String said = Files.readString(log).strip();
            assertEquals(exit, p.exitValue(), said);
            saysItWasRecordedInterrupted(said, reason);
            try (RunStore s = StoreUrls.open(slowCfg, env)) {
                assertEquals(RunSummary.INTERRUPTED, s.list(1).get(0).status());
            }
            keeper.close();
        }
    }

    /** The same for baseline capture: the baseline in place stays byte for byte, the run is INTERRUPTED. */
    @org.junit.jupiter.api.Test
    void ctrlCDuringABaselineCaptureLeavesTheBaselineAsItWas() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy crawl = new TricklingProxy("127.0.0.1", port(directory), 100, 100)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            String store = "jdbc:h2:file:" + dir.resolve("data/kcd-audit");
            Path slow = ScheduleFixture.config(dir.resolve("slow"), crawl.ldapUrl(), store, null, null, null);
            Path baseline = slow.resolveSibling("baseline.yaml");
            Files.writeString(baseline, "# the approved baseline\n");
            AuditConfig slowCfg = ConfigLoader.load(slow);
            RunStore keeper = StoreUrls.open(slowCfg, env);
            Path log = dir.resolve("child.log");
            Process p = ChildJvm.start(log, env, List.of("-XX:TieredStopAtLevel=1"), "baseline", "capture",
                    "--config", slow.toString(), "--force");
            processes.add(p);
            ChildJvm.await("the capture in progress", Duration.ofSeconds(60), log,
                    () -> running(slowCfg, env).isPresent());
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ended after the signal");
            String said = Files.readString(log).strip();
            assertEquals(130, p.exitValue(), said);
            assertEquals(1, said.lines().filter(l -> !l.isBlank()).count(), "one line: " + said);
            assertTrue(said.startsWith("kcd-audit: interrupted by Ctrl-C (SIGINT): run "), said);
            assertEquals("# the approved baseline\n", Files.readString(baseline));
            try (RunStore s = StoreUrls.open(slowCfg, env)) {
                assertEquals(RunSummary.INTERRUPTED, s.list(1).get(0).status());
            }
            keeper.close();
        }
    }

    private static int port(DemoDirectory d) {
        return Integer.parseInt(d.url().substring(d.url().lastIndexOf(':') + 1));
    }

    /**
     * What the stopped run printed, {@code said}: one line, after the line naming the history store (printed before
     * the run starts), giving {@code reason} and that the run is recorded INTERRUPTED.
     */
    private static void saysItWasRecordedInterrupted(String said, String reason) {
        List<String> lines = said.lines().filter(l -> !l.isBlank() && !l.startsWith("History store: ")).toList();
        assertEquals(1, lines.size(), "one line: " + said);
        assertTrue(lines.get(0).startsWith("kcd-audit: " + reason + ": run ")
                && lines.get(0).contains("is recorded INTERRUPTED"), said);
    }
}
