package org.kcdauditor.it;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One daemon (its own JVM) on the default H2 file store: kill -9 in the middle of an audit, start
 * it again → the interrupted run is recorded as such and the audit runs again (requestsRecovery);
 * then SIGTERM in the middle of an audit → the audit finishes and is stored. Tagged integration
 * because it starts JVMs (about 20 s), not because it needs a service.
 */
@Tag("integration")
class DaemonCrashTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    private Process daemon(Path config, Map<String, String> env, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "org.kcdauditor.cli.Main", "daemon", "--config", config.toString());
        pb.environment().put("KCD_AUDIT_HOME", Path.of("").toAbsolutePath().toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private FireLog.Fire running(FireLog fires) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        while (System.nanoTime() < end) {
            Optional<FireLog.Fire> f = fires.all().stream().filter(x -> x.status().equals(FireLog.RUNNING)).findFirst();
            if (f.isPresent()) {
                return f.get();
            }
            Thread.sleep(50);
        }
        StringBuilder logs = new StringBuilder();
        for (String n : List.of("first", "second")) {
            Path log = dir.resolve(n + ".log");
            if (Files.exists(log)) {
                logs.append("\n--- ").append(n).append("\n").append(Files.readString(log));
            }
        }
        throw new AssertionError("no audit in progress within 60 s: " + fires.all() + logs);
    }

    @Test
    void aKilledDaemonRunsTheInterruptedAuditAgainAndSigtermLetsTheRunningOneFinish() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            Path config = ScheduleFixture.config(dir, directory, null,
                    "  - name: every-2s\n    cron: \"*/2 * * * * ?\"\n    notify: never\n", null,
                    "daemon:\n  runLockSeconds: 5\n");
            AuditConfig cfg = ConfigLoader.load(config);
            Database db = Database.open(cfg, env);
            FireLog fires = new FireLog(db);
            // like a daemon, this JVM keeps the H2 file open: the daemons below reach it through AUTO_SERVER
            java.sql.Connection keeper = db.connect();

            Process first = daemon(config, env, "first");
            FireLog.Fire victim = running(fires);
            first.destroyForcibly();
            assertTrue(first.waitFor(10, TimeUnit.SECONDS));
            boolean interrupted = fires.all().stream().anyMatch(f -> f.id().equals(victim.id())
                    && f.status().equals(FireLog.RUNNING));

            java.time.Instant restartedAt = java.time.Instant.now();
            Process second = daemon(config, env, "second");
            if (interrupted) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (fires.all().stream().noneMatch(f -> f.recovering() && f.status().equals(FireLog.SUCCEEDED))) {
                    assertTrue(System.nanoTime() < end, "no recovery run: " + fires.all() + "\n"
                            + Files.readString(dir.resolve("second.log")));
                    Thread.sleep(200);
                }
                FireLog.Fire recovered = fires.all().stream().filter(FireLog.Fire::recovering).findFirst().orElseThrow();
                assertEquals(victim.fireTime(), recovered.fireTime(), "the interrupted fire, run again");
                assertTrue(fires.all().stream().anyMatch(f -> f.id().equals(victim.id())
                        && f.status().equals(FireLog.INTERRUPTED) && f.detail().startsWith("interrupted")), fires.all().toString());
                try (RunStore store = StoreUrls.open(cfg, env)) {
                    // a run the killed daemon had begun is recorded as interrupted, none is left RUNNING
                    assertTrue(store.list(100).stream().filter(r -> r.startedAt().isBefore(restartedAt))
                            .noneMatch(r -> r.status().equals(RunSummary.RUNNING)), store.list(100).toString());
                }
            } else {
                System.out.println("the audit finished just before the kill: no recovery to check this time");
            }

            running(fires);
            second.destroy(); // SIGTERM
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM");
            assertTrue(fires.all().stream().noneMatch(f -> f.status().equals(FireLog.RUNNING)),
                    "the running audit finished: " + fires.all());
            try (RunStore store = StoreUrls.open(cfg, env)) {
                assertTrue(store.list(100).stream().noneMatch(r -> r.status().equals(RunSummary.RUNNING)), store.list(100).toString());
            }
            assertTrue(Files.readString(dir.resolve("second.log")).contains("stopping: no new runs"));
            keeper.close();
        }
    }
}
