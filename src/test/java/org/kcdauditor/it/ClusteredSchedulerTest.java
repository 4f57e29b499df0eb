package org.kcdauditor.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two daemons, each its own JVM, with the same config on one PostgreSQL database: each scheduled
 * fire runs once; after one is killed with SIGKILL the other takes over its jobs (and re-runs the
 * audit the dead one was in the middle of); SIGTERM lets the running audit finish.
 */
@Tag("integration")
class ClusteredSchedulerTest {
    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();
    PostgresDb pg;
    String dbUrl;

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        if (pg != null && dbUrl != null) {
            pg.dropDatabase(dbUrl);
        }
    }

    private Process daemon(Path config, Map<String, String> env, String name) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), "org.kcdauditor.cli.Main", "daemon", "--config",
                config.toString());
        pb.environment().put("KCD_AUDIT_HOME", Path.of("").toAbsolutePath().toString());
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve(name + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String instanceOf(String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        String marker = "kcd-audit daemon running as ";
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String s = Files.exists(log) ? Files.readString(log) : "";
            int i = s.indexOf(marker);
            if (i >= 0) {
                return s.substring(i + marker.length(), s.indexOf(';', i));
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not start:\n" + Files.readString(log));
    }

    private Supplier<String> context = () -> "";

    private <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; fires: " + context.get());
    }

    @Test
    void twoDaemonsRunEachFireOnceAndTheSurvivorTakesOverFromAKilledOne() throws Exception {
        pg = PostgresDb.requireOrSkip();
        dbUrl = pg.createDatabase();
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = new HashMap<>(ScheduleFixture.env(directory));
            env.put("KCD_PG_USER", pg.user);
            env.put("KCD_PG_PASSWORD", pg.password);
            Path config = ScheduleFixture.config(dir, directory, dbUrl + "\n  userEnv: KCD_PG_USER\n"
                            + "  passwordEnv: KCD_PG_PASSWORD",
                    "  - name: every-3s\n    cron: \"*/3 * * * * ?\"\n    notify: never\n", null,
                    "daemon:\n  clustered: true\n  checkInIntervalSeconds: 1\n  misfireThresholdSeconds: 5\n"
                            + "  runLockSeconds: 5\n");
            AuditConfig cfg = ConfigLoader.load(config);
            Database db = Database.open(cfg, env); // migrate once, before the daemons race for it
            FireLog fires = new FireLog(db);
            context = () -> fires.all().stream().map(Object::toString).collect(Collectors.joining("\n"));

            Process a = daemon(config, env, "a");
            Process b = daemon(config, env, "b");
            // the AUTO instance id names the process: two daemons started on one host in one millisecond differ
            String idA = instanceOf("a");
            String idB = instanceOf("b");
            assertTrue(idA.contains("-" + a.pid() + "-") && idB.contains("-" + b.pid() + "-"), idA + " / " + idB);
            Map<String, Process> byInstance = Map.of(idA, a, idB, b);

            await("four finished fires", Duration.ofSeconds(60), () -> Optional.of(fires.all()).filter(l ->
                    l.stream().filter(f -> f.status().equals(FireLog.SUCCEEDED)).count() >= 4));
            // kill -9 the daemon that is running an audit right now (caught within ~50 ms of its start)
            FireLog.Fire victimFire = null;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (victimFire == null && System.nanoTime() < end) {
                victimFire = fires.all().stream().filter(f -> f.status().equals(FireLog.RUNNING)).findFirst().orElse(null);
                if (victimFire == null) {
                    Thread.sleep(50);
                }
            }
            assertTrue(victimFire != null, "no fire in progress within 30 s: " + fires.all());
            String victim = victimFire.instanceId();
            Process killed = byInstance.get(victim);
            killed.destroyForcibly();
            assertTrue(killed.waitFor(10, TimeUnit.SECONDS));
            Instant killedAt = Instant.now();
            String victimFireId = victimFire.id();
            boolean interrupted = fires.all().stream().anyMatch(f -> f.id().equals(victimFireId)
                    && f.status().equals(FireLog.RUNNING));
            String survivorId = byInstance.keySet().stream().filter(k -> !k.equals(victim)).findFirst().orElseThrow();
            Process survivor = byInstance.get(survivorId);

            if (interrupted) {
                // the survivor recovers the interrupted fire (requestsRecovery) and keeps the schedule
                FireLog.Fire recovered = await("the recovery of the killed daemon's run", Duration.ofSeconds(40),
                        () -> fires.all().stream().filter(f -> f.recovering() && f.status().equals(FireLog.SUCCEEDED))
                                .findFirst());
                assertEquals(survivorId, recovered.instanceId());
                assertEquals(victimFire.fireTime(), recovered.fireTime(), "the same fire, run again");
                FireLog.Fire left = fires.all().stream().filter(f -> f.id().equals(victimFireId)).findFirst()
                        .orElseThrow();
                assertEquals(FireLog.INTERRUPTED, left.status(), "the killed daemon's fire does not stay RUNNING: " + left);
            } else {
                System.out.println("the victim's audit finished just before the kill: no recovery to check this time");
            }
            await("two scheduled fires after the kill", Duration.ofSeconds(40), () -> Optional.of(fires.all())
                    .filter(l -> l.stream().filter(f -> !f.recovering() && f.fireTime().isAfter(killedAt)
                            && f.status().equals(FireLog.SUCCEEDED)).count() >= 2));
            // the survivor's first fire after the kill: the recovery of the killed run when there is one (the
            // survivor runs it before the next scheduled fire), else the next scheduled fire
            Instant takeover = fires.all().stream().filter(f -> f.instanceId().equals(survivorId)
                            && f.firedAt().isAfter(killedAt) && (f.recovering() || f.fireTime().isAfter(killedAt)))
                    .map(FireLog.Fire::firedAt).min(Instant::compareTo).orElseThrow();
            assertTrue(Duration.between(killedAt, takeover).toSeconds() <= 15,
                    "taken over within check-in interval + Quartz's 7.5 s grace: " + Duration.between(killedAt, takeover));

            // SIGTERM: no new runs, the running one finishes
            await("the survivor in the middle of a run", Duration.ofSeconds(30), () -> fires.all().stream()
                    .filter(f -> f.status().equals(FireLog.RUNNING) && f.instanceId().equals(survivorId)).findFirst());
            survivor.destroy();
            assertTrue(survivor.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM");
            List<FireLog.Fire> all = fires.all();
            // (a fire Quartz made of the fires missed while the victim was dead is not run when the recovered audit
            // started after the last of them; nor is a cron fire due just before an audit that started after it, such
            // as the one Quartz made of the missed fires, run at once: "the fire of … is covered by run …")
            assertTrue(all.stream().filter(f -> f.instanceId().equals(survivorId))
                    .allMatch(f -> f.status().equals(FireLog.SUCCEEDED) || f.status().equals(FireLog.SKIPPED)
                            && f.detail().matches("not run: the fires? .* (are|is) covered by run .*")),
                    "SIGTERM let the running audit finish: " + all);

            try (org.kcdauditor.store.RunStore store = org.kcdauditor.store.StoreUrls.open(cfg, env)) {
                assertTrue(store.list(1000).stream().noneMatch(r -> r.status().equals("RUNNING")),
                        "the killed daemon's run is recorded as interrupted: " + store.list(1000));
            }
            // exactly once: no scheduled fire time ran twice (a recovery re-runs only the killed daemon's fire)
            Map<Instant, Long> perFireTime = all.stream().filter(f -> !f.recovering())
                    .collect(Collectors.groupingBy(FireLog.Fire::fireTime, Collectors.counting()));
            assertTrue(perFireTime.values().stream().allMatch(n -> n == 1), "each fire once: " + all);
            Instant victimFireTime = victimFire.fireTime();
            assertFalse(all.stream().anyMatch(f -> f.recovering() && !f.fireTime().equals(victimFireTime)),
                    all.toString());
            assertTrue(all.stream().anyMatch(f -> f.instanceId().equals(victim) && f.status().equals(FireLog.SUCCEEDED))
                    && all.stream().anyMatch(f -> f.instanceId().equals(survivorId)),
                    "both daemons ran audits before the kill: " + all);
            System.out.println("clustered fires:\n" + all.stream().map(Object::toString)
                    .collect(Collectors.joining("\n")) + "\nlogs in " + dir + File.separator);
        }
    }
}
