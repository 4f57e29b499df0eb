package org.kcdauditor.schedule;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.ChildJvm;
import org.kcdauditor.support.TricklingProxy;

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
 * SIGTERM to a daemon JVM (which owns its H2 store file) in the middle of a scheduled audit: within
 * daemon.stopTimeoutSeconds the audit finishes and is stored; past it, the run and its fire are recorded
 * INTERRUPTED and the failure notice says so and what was written. The audit is slowed by a proxy that
 * passes the directory's answers on a few KB at a time.
 */
@Tag("process")
@Tag("integration") // two daemon JVMs waiting on a slow directory: about 40 s
class DaemonStopTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    private Process daemon(Path config, Map<String, String> env) throws Exception {
        Process p = ChildJvm.start(dir.resolve("daemon.log"), env, List.of("-XX:TieredStopAtLevel=1"), "daemon",
                "--config", config.toString());
        processes.add(p);
        // the daemon owns the store file from here on; this JVM reaches it through AUTO_SERVER
        ChildJvm.await("the daemon started", Duration.ofSeconds(60), dir.resolve("daemon.log"),
                () -> log().contains("kcd-audit daemon running as"));
        return p;
    }

    private String log() {
        try {
            Path log = dir.resolve("daemon.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (Exception e) {
            return "";
        }
    }

    private Optional<RunSummary> run(AuditConfig cfg, Map<String, String> env, String status) {
        try (RunStore store = StoreUrls.open(cfg, env)) {
            return store.list(10).stream().filter(r -> r.status().equals(status)).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty(); // the daemon is just opening or closing the file
        }
    }

    @Test
    void sigtermLetsTheRunningAuditFinishAndBeStoredWithinTheStopTimeout() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy slow = new TricklingProxy("127.0.0.1", port(directory), 2000, 50)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            Path config = ScheduleFixture.config(dir, slow.ldapUrl(), null,
                    "  - name: every-2s\n    cron: \"*/2 * * * * ?\"\n    notify: never\n", null,
                    "daemon:\n  stopTimeoutSeconds: 120\n");
            AuditConfig cfg = ConfigLoader.load(config);
            Process p = daemon(config, env);
            ChildJvm.await("an audit in progress", Duration.ofSeconds(60), dir.resolve("daemon.log"),
                    () -> run(cfg, env, RunSummary.RUNNING).isPresent());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "stopped after SIGTERM\n" + log());

            try (RunStore store = StoreUrls.open(cfg, env)) {
                List<RunSummary> runs = store.list(10);
                assertEquals(1, runs.size(), runs.toString());
                assertEquals(RunSummary.SUCCEEDED, runs.get(0).status(), runs + "\n" + log());
                assertTrue(Files.isRegularFile(Path.of(runs.get(0).reportDir()).resolve("findings.json")),
                        runs.get(0).reportDir());
            }
            assertTrue(new FireLog(Database.open(cfg, env)).all().stream()
                    .allMatch(f -> f.status().equals(FireLog.SUCCEEDED)), "the fire finished");
            assertFalse(log().contains("already closed"), log());
            assertTrue(log().contains("stopping: no new runs"), log());
            // its last line says it stopped and how, so a clean exit is told from a hang or a kill -9
            assertTrue(log().strip().matches("(?s).*kcd-audit daemon \\S+ stopped \\(SIGTERM, exit 0\\)"), log());
        }
    }

    @Test
    void anAuditOutlastingTheStopTimeoutIsRecordedInterruptedAndMailedTruthfully() throws Exception {
        int smtpPort = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(smtpPort);
        smtp.start();
        try (DemoDirectory directory = ScheduleFixture.directory();
             TricklingProxy crawl = new TricklingProxy("127.0.0.1", port(directory), 100, 100)) {
            Map<String, String> env = ScheduleFixture.env(directory);
            Path config = ScheduleFixture.config(dir, crawl.ldapUrl(), null,
                    "  - name: nightly\n    cron: \"*/2 * * * * ?\"\n    notify: always\n",
                    ScheduleFixture.mail(smtpPort, 10), "daemon:\n  stopTimeoutSeconds: 1\n");
            AuditConfig cfg = ConfigLoader.load(config);
            Process p = daemon(config, env);
            ChildJvm.await("an audit in progress", Duration.ofSeconds(60), dir.resolve("daemon.log"),
                    () -> run(cfg, env, RunSummary.RUNNING).isPresent());
            p.destroy(); // SIGTERM; reading the directory through this proxy would take minutes
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after SIGTERM\n" + log());
            assertEquals(0, p.exitValue(), log());

            try (RunStore store = StoreUrls.open(cfg, env)) {
                RunSummary r = store.list(10).get(0);
                assertEquals(RunSummary.INTERRUPTED, r.status(), r + "\n" + log());
                assertTrue(r.failureReason().contains("daemon.stopTimeoutSeconds (1 s)"), r.failureReason());
            }
            FireLog.Fire fire = new FireLog(Database.open(cfg, env)).all().get(0);
            assertEquals(FireLog.INTERRUPTED, fire.status(), fire.toString());
            assertTrue(fire.detail().contains("it wrote no report files"), fire.detail());
            try (Stream<Path> reports = Files.exists(dir.resolve("reports")) ? Files.list(dir.resolve("reports"))
                    : Stream.empty()) {
                assertEquals(0, reports.count(), "no report folder: the run stopped while reading the directory");
            }

            assertTrue(smtp.waitForIncomingEmail(30_000, 1), "the failure notice was sent before the daemon exited");
            MimeMessage m = smtp.getReceivedMessages()[0];
            String body = ((String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getContent())
                    .replace("\r\n", "\n");
            // the audit ran and was stopped; no cron fire runs it again while the daemon is down
            assertEquals("[kcd-audit] job nightly: the audit was stopped before it finished", m.getSubject());
            assertTrue(body.contains("daemon.stopTimeoutSeconds (1 s)") && body.contains("it wrote no report files"),
                    body);
            assertTrue(body.contains("was stopped before it finished") && body.contains("runs again when the daemon"
                    + " is started"), body);
            assertFalse(body.contains("could not run") || body.contains("The next scheduled run will try again"), body);
        } finally {
            smtp.stop();
        }
    }

    private static int port(DemoDirectory d) {
        String url = d.url();
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }
}
