package org.kcdauditor.schedule;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.support.ChildJvm;
import org.kcdauditor.support.ChildProcesses;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A second daemon started on the store of a running single daemon (an H2 file reached through AUTO_SERVER) would
 * run a second Quartz scheduler on the same job tables: at start it marked the first daemon's running fire
 * INTERRUPTED and ran that audit again as "recovering a run a crash interrupted". It is refused, naming the running
 * daemon; once that one is gone (killed), a daemon starts again at once.
 */
@Tag("process")
class DaemonTwiceTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    @Test
    void aSecondDaemonOnTheStoreOfARunningOneIsRefusedNamingIt() throws Exception {
        Map<String, String> env = Map.of(ScheduleFixture.LDAP_ENV, "unused");
        Path config = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null,
                "  - name: monthly\n    cron: \"0 0 6 1 * ?\"\n    notify: never\n", null, null);
        AuditConfig cfg = ConfigLoader.load(config);
        Path log = dir.resolve("daemon.log");
        Process first = ChildJvm.start(log, env, List.of("-XX:TieredStopAtLevel=1"), "daemon", "--config",
                config.toString());
        processes.add(first);
        ChildJvm.await("the first daemon started", Duration.ofSeconds(60), log,
                () -> read(log).contains("kcd-audit daemon running as"));

        RunLock.LockedException refused = assertThrows(RunLock.LockedException.class,
                () -> Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of(".")).close());
        assertTrue(refused.getMessage().startsWith("another kcd-audit daemon runs on this history store (held by"
                + " kcd-audit daemon"), refused.getMessage());
        assertTrue(refused.getMessage().contains("(pid " + first.pid() + ","), refused.getMessage());
        assertTrue(refused.getMessage().contains("daemon.clustered: true"), refused.getMessage());
        assertTrue(first.isAlive(), read(log));

        first.destroyForcibly(); // kill -9: its lock stays in the store, its process is gone from this host
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        try (Daemon again = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
            assertEquals(1, again.jobs().size());
        }
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
