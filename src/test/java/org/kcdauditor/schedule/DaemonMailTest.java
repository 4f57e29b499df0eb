package org.kcdauditor.schedule;

import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import com.icegreen.greenmail.util.GreenMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.report.Words;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon's own path from a fire to a mail: an on-change job every second mails once (the first
 * run), then stays quiet while nothing changes; with the SMTP server down at first, the outbox tick
 * delivers the notices once it is up. Neither password shows in what the daemon logged.
 */
class DaemonMailTest {
    @TempDir
    Path dir;

    @Test
    void anOnChangeJobMailsOnceAndTheOutboxTickDeliversAfterAnSmtpOutage() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory, null,
                    "  - name: daily-drift\n    cron: \"* * * * * ?\"\n    notify: on-change\n",
                    ScheduleFixture.mail(port, 10), "daemon:\n  misfireThresholdSeconds: 1\n  outboxIntervalSeconds: 1\n"));
            FireLog fires = new FireLog(Database.open(cfg, env));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
            String logs = ScheduleFixture.captureErr(() -> {
                try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                    d.start();
                    DaemonTest.await("two notices that failed once while SMTP is down", Duration.ofSeconds(30),
                            () -> {
                                var pending = outbox.list(false, 10);
                                return pending.size() == 2 && pending.stream().allMatch(e -> e.attempts() >= 1);
                            });
                    smtp.start();
                    DaemonTest.await("three audits and the notices delivered", Duration.ofSeconds(30),
                            () -> fires.all().stream().filter(f -> f.status().equals(FireLog.SUCCEEDED)).count() >= 3
                                    && outbox.list(false, 10).isEmpty());
                    Thread.sleep(1500);
                }
            });
            try {
                assertEquals(2, smtp.getReceivedMessages().length,
                        "the first run's two notices, once each; later runs changed nothing");
                assertEquals(2, outbox.list(true, 100).size(), outbox.list(true, 100).toString());
                assertTrue(logs.contains("not sent (attempt 1)") && logs.contains("nothing changed"), logs);
                assertFalse(logs.contains(ScheduleFixture.SMTP_PASSWORD), "SMTP password in the daemon's log");
                assertFalse(logs.contains(directory.password()), "LDAP password in the daemon's log");
            } finally {
                smtp.stop();
            }
        }
    }

    /** A GreenMail SMTP server on {@code port}, started. */
    private static GreenMail started(int port) {
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        return smtp;
    }

    /** The fixture's config with one job firing every second and mail to GreenMail on {@code port}. */
    private AuditConfig everySecond(DemoDirectory directory, int port, String job, String notify) throws Exception {
        return ConfigLoader.load(ScheduleFixture.config(dir, directory, null, "  - name: " + job
                + "\n    cron: \"* * * * * ?\"\n    notify: " + notify + "\n", ScheduleFixture.mail(port, 10),
                "daemon:\n  misfireThresholdSeconds: 1\n"));
    }

    /**
     * A scheduled run whose reports.formats leave out the PDF (the fixture's [json]) still names the folder of its
     * reports, and says that no PDF was written. The daemon passed the PDF only when it existed, and the notice took
     * the folder from the PDF's path: such a notice named no report at all.
     */
    @Test
    void aNoticeWithoutAPdfNamesTheRunsReportFolder() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = started(port);
        String text;
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            AuditConfig cfg = everySecond(directory, port, "monthly-report", "always");
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                assertTrue(smtp.waitForIncomingEmail(30_000, 2), "the first run's two notices");
            }
            jakarta.mail.internet.MimeMessage m = smtp.getReceivedMessages()[0];
            text = ((String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getContent())
                    .replace("\r\n", "\n");
        } finally {
            smtp.stop();
        }
        java.util.regex.Matcher folder = java.util.regex.Pattern.compile("\nAll reports of this run: (.+)\n")
                .matcher(text);
        assertTrue(folder.find(), text);
        assertTrue(java.nio.file.Files.isRegularFile(Path.of(folder.group(1)).resolve("findings.json")),
                folder.group(1));
        assertTrue(folder.group(1).startsWith(dir.resolve("reports").toAbsolutePath().toString()), folder.group(1));
        assertTrue(text.contains("\nNo PDF report was written for this run (reports.formats).\n"), text);
    }

    /**
     * Stopped while a job that has run, stored its run and queued its notices still sends them (to an SMTP server that
     * never answers): past {@code stopTimeoutSeconds} and the grace the daemon stops waiting for it, but the fire stays
     * SUCCEEDED and no "could not run" notice is queued: the audit ran, and its notices wait in the outbox. Before, the
     * fire was overwritten INTERRUPTED, the next notices compared with the run before it, and the team was mailed that
     * an audit that had run could not.
     */
    @Test
    void stoppedWhileARunsNoticesAreBeingSentTheFireStaysSucceededAndNoFailureIsMailed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
             DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory, null,
                    "  - name: daily-drift\n    cron: \"* * * * * ?\"\n    notify: always\n",
                    ScheduleFixture.mail(silent.getLocalPort(), 0).replace("timeoutSeconds: 3", "timeoutSeconds: 60"),
                    "daemon:\n  misfireThresholdSeconds: 1\n  outboxIntervalSeconds: 3600\n  stopTimeoutSeconds: 1\n"));
            FireLog fires = new FireLog(Database.open(cfg, env));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
            java.util.Set<Thread> before = workers();
            ScheduleFixture.captureErr(() -> {
                try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                    d.start();
                    DaemonTest.await("a run stored, its notices queued and being sent", Duration.ofSeconds(60),
                            () -> fires.all().stream().anyMatch(f -> f.status().equals(FireLog.SUCCEEDED))
                                    && !outbox.list(false, 10).isEmpty());
                    Thread.sleep(500);
                }
            });
            silent.close(); // the attempt under way fails now, and the job ends
            DaemonTest.await("the attempt under way ended", Duration.ofSeconds(30),
                    () -> outbox.list(false, 10).stream().anyMatch(e -> e.attempts() > 0));
            assertEquals(List.of(FireLog.SUCCEEDED), fires.all().stream().map(FireLog.Fire::status).distinct().toList(),
                    fires.all().toString());
            assertTrue(outbox.list(true, 10).stream().noneMatch(e -> e.id().startsWith("failed:")),
                    outbox.list(true, 10).toString());
            // the job the stop gave up on ends on its own thread, still writing to the store: the test's folder is
            // deleted only once it has (CI once failed deleting data/ under it)
            DaemonTest.await("the job given up on ended", Duration.ofSeconds(30),
                    () -> workers().stream().allMatch(before::contains));
        }
    }

    /** Quartz's worker threads of the daemons alive now. */
    private static java.util.Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(Daemon.SCHEDULER_NAME + "_Worker-"))
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Stopped during an outbox tick with several notices to send over a slow link: the notice being sent is finished,
     * the others wait in the outbox for the next start, and the daemon stops without working through them all first.
     */
    @Test
    void stoppedDuringAnOutboxTickTheNoticeBeingSentFinishesAndTheRestWait() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        // GreenMail's answers at 64 bytes a second: some seconds per notice, each well within mail.timeoutSeconds
        try (org.kcdauditor.support.TricklingProxy slow = new org.kcdauditor.support.TricklingProxy("127.0.0.1", port,
                16, 250)) {
            Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null,
                    "  - name: yearly\n    cron: \"0 0 0 1 1 ?\"\n    notify: never\n",
                    ScheduleFixture.mail(slow.port(), 0).replace("timeoutSeconds: 3", "timeoutSeconds: 60"),
                    "daemon:\n  outboxIntervalSeconds: 3600\n"));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
            org.kcdauditor.notify.Mailer mailer = new org.kcdauditor.notify.Mailer(cfg, new Secrets(env),
                    Clock.systemUTC());
            for (int i = 1; i <= 4; i++) {
                org.kcdauditor.notify.Notice n = new org.kcdauditor.notify.Notice("run-" + i + ":all",
                        "<kcd-audit.run-" + i + ".all@contoso.com>", "run-" + i, "yearly", cfg.mail().to(),
                        "[kcd-audit] notice " + i, "text", "<p>html</p>", null);
                outbox.enqueue(n, mailer.toMime(n));
            }
            ScheduleFixture.captureErr(() -> {
                try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                    d.start();
                    Thread.sleep(1000); // the tick at start is sending the first notice
                }
            });
            int pending = outbox.list(false, 10).size();
            assertTrue(pending >= 2, "the daemon stopped after the notice under way: " + outbox.list(true, 10));
            Thread.sleep(500);
            assertEquals(4 - pending, smtp.getReceivedMessages().length, "each sent one once, none half-sent");
        } finally {
            smtp.stop();
        }
    }

    /** A job every second, on-change, against a directory port nothing listens on; mail to a started GreenMail. */
    private record Unreachable(GreenMail smtp, int closed, Map<String, String> env, AuditConfig cfg) {
    }

    private Unreachable unreachable(String job, String daemon) throws Exception {
        int port;
        int closed;
        try (ServerSocket s = new ServerSocket(0); ServerSocket c = new ServerSocket(0)) {
            port = s.getLocalPort();
            closed = c.getLocalPort();
        }
        Map<String, String> env = Map.of(ScheduleFixture.LDAP_ENV, "Ldap-Pw-Never-Mailed", ScheduleFixture.SMTP_ENV,
                ScheduleFixture.SMTP_PASSWORD);
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:" + closed, null,
                "  - name: " + job + "\n    cron: \"* * * * * ?\"\n    notify: on-change\n",
                ScheduleFixture.mail(port, 10), daemon));
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        return new Unreachable(smtp, closed, env, cfg);
    }

    @Test
    void aScheduledAuditThatCannotRunIsMailedToo() throws Exception {
        Unreachable u = unreachable("daily-drift", "daemon:\n  misfireThresholdSeconds: 1\n");
        GreenMail smtp = u.smtp();
        int closed = u.closed();
        try {
            Map<String, String> env = u.env();
            AuditConfig cfg = u.cfg();
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                assertTrue(smtp.waitForIncomingEmail(30_000, 1), "a failure notice");
            }
            jakarta.mail.internet.MimeMessage m = smtp.getReceivedMessages()[0];
            assertEquals("[kcd-audit] job daily-drift: the audit could not run", m.getSubject());
            String text = (String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getContent();
            assertTrue(text.contains("127.0.0.1:" + closed) && text.contains("could not run:"), text);
            assertTrue(java.util.regex.Pattern.compile("\\(due \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\)")
                    .matcher(text).find(), "the fire time to the second, as other times: " + text);
            assertTrue(text.contains("it produced no report and no findings") && text.contains("it wrote no report"
                    + " files"), "the mail says what the run left, nothing it cannot know: " + text);
            assertTrue(m.getMessageID().startsWith("<kcd-audit.failed.daily-drift."), m.getMessageID());
            assertFalse(text.contains("Ldap-Pw-Never-Mailed"));

            // what the admin then asks the command line: when did it last fire, why did it fail, what was mailed when
            String second = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC";
            org.kcdauditor.support.CliRun schedule = org.kcdauditor.support.CliRun.run(env, "schedule", "--config",
                    cfg.source().toString());
            assertTrue(schedule.out().matches("(?s).*daily-drift .* " + second + " FAILED( run \\w{8})?\n.*"),
                    "the last fire to the second, as every other time: " + schedule.out());
            assertTrue(schedule.out().contains("\ndaily-drift: last fire FAILED: ldap://127.0.0.1:" + closed),
                    "why it failed: " + schedule.out());
            org.kcdauditor.support.CliRun listed = org.kcdauditor.support.CliRun.run(env, "outbox", "--all", "--config",
                    cfg.source().toString());
            assertTrue(listed.out().matches("(?s).*\nfailed:daily-drift:\\d+ +SENT +" + second + " +1 +sent " + second
                    + " .*"),
                    "the notice's times to the second: " + listed.out());

            // the mail, the outbox and the history name the run the fire stored, and the fire the run was made for
            FireLog.Fire fire = new FireLog(Database.open(cfg, env)).all().get(0);
            String run = fire.runId();
            assertTrue(run != null && fire.status().equals(FireLog.FAILED), fire.toString());
            assertEquals(run, m.getHeader("X-Kcd-Audit-Run", null), "the run in the header, as a run's notice has it");
            assertTrue(text.contains("Run " + run + " is stored in the history; kcd-audit history show " + run),
                    text);
            String html = (String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(1).getContent();
            assertTrue(html.contains("Run <code>" + run + "</code> is stored in the history"), html);
            assertTrue(listed.out().contains("[kcd-audit] job daily-drift: the audit could not run (due "
                    + Words.time(fire.fireTime()) + ", run " + run.substring(0, 8) + ")"), listed.out());
            org.kcdauditor.support.CliRun history = org.kcdauditor.support.CliRun.run(env, "history", "--config",
                    cfg.source().toString());
            assertTrue(history.out().lines().anyMatch(l -> l.startsWith(run.substring(0, 8) + "  ")
                    && l.contains(" FAILED ") && l.contains(" daily-drift "
                    + org.kcdauditor.model.UtcTime.inColumn(fire.fireTime()) + " ")), history.out());
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aJobThatKeepsFailingIsMailedOnceUntilItSucceedsAgain() throws Exception {
        Unreachable u = unreachable("every-second", "daemon:\n  misfireThresholdSeconds: 1\n  outboxIntervalSeconds: 1\n");
        GreenMail smtp = u.smtp();
        try {
            Map<String, String> env = u.env();
            AuditConfig cfg = u.cfg();
            FireLog fires = new FireLog(Database.open(cfg, env));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
            java.util.function.LongSupplier failed = () -> fires.all().stream()
                    .filter(f -> f.status().equals(FireLog.FAILED)).count();
            String logs = ScheduleFixture.captureErr(() -> {
                try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                    d.start();
                    DaemonTest.await("four failed fires", Duration.ofSeconds(60), () -> failed.getAsLong() >= 4);
                    DaemonTest.await("the outbox sent", Duration.ofSeconds(30), () -> outbox.list(false, 10).isEmpty());
                }
            });
            assertEquals(1, smtp.getReceivedMessages().length, "one failure notice while the job keeps failing");
            assertTrue(logs.contains("no failure notice: the job has not succeeded since"), logs);
            // the job succeeded in between: its next failure is news again
            fires.finish(fires.start("every-second", java.time.Instant.now(), java.time.Instant.now(), "test", false),
                    java.time.Instant.now(), null, FireLog.SUCCEEDED, "an audit that succeeded");
            long before = failed.getAsLong();
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                DaemonTest.await("three more failed fires", Duration.ofSeconds(60),
                        () -> failed.getAsLong() >= before + 3);
                DaemonTest.await("the outbox sent", Duration.ofSeconds(30), () -> outbox.list(false, 10).isEmpty());
            }
            assertEquals(2, smtp.getReceivedMessages().length, "one more after the job had succeeded");
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aScheduledAuditSkippedForTheRunLockIsMailedAndItsNextRunToo() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = started(port);
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            AuditConfig cfg = everySecond(directory, port, "daily-drift", "on-change");
            // the state the team knows: a run with these findings (an on-change run without a change is quiet)
            org.kcdauditor.support.CliRun manual = org.kcdauditor.support.CliRun.run(env, "run", "--config",
                    cfg.source().toString(), "--formats", "json", "--out", dir.resolve("manual").toString());
            assertEquals(3, manual.exitCode(), manual.toString());
            FireLog fires = new FireLog(Database.open(cfg, env));
            // a manual audit that runs long holds the lock: the scheduled audit waits 2 s for it and is skipped
            org.kcdauditor.run.RunLock.Held held = org.kcdauditor.run.RunLock.of(cfg, env, Clock.systemUTC())
                    .acquire("kcd-audit run (a long manual audit)", Duration.ZERO);
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."),
                    Duration.ofSeconds(2))) {
                d.start();
                assertTrue(smtp.waitForIncomingEmail(30_000, 1), "the notice that the audit could not run");
                held.close();
                held = null;
                DaemonTest.await("a scheduled audit that ran", Duration.ofSeconds(30), () -> fires.all().stream()
                        .anyMatch(f -> f.status().equals(FireLog.SUCCEEDED)));
                assertTrue(smtp.waitForIncomingEmail(30_000, 2), "a notice that it runs again, though nothing changed");
                Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
                DaemonTest.await("the outbox sent", Duration.ofSeconds(30), () -> outbox.list(false, 10).isEmpty());
            } finally {
                if (held != null) {
                    held.close();
                }
            }
            jakarta.mail.internet.MimeMessage[] got = smtp.getReceivedMessages();
            assertEquals("[kcd-audit] job daily-drift: the audit could not run", got[0].getSubject());
            String text = (String) ((jakarta.mail.Multipart) got[0].getContent()).getBodyPart(0).getContent();
            assertTrue(text.contains("it waited 2 s for the run lock and was skipped: another audit of this store is"
                    + " running (held by") && text.contains("a long manual audit"), text);
            // the team's last mail about the job must not stay "could not run" once it works again; the cluster
            // owners, never told of the failure, get no "no change" mail
            assertEquals(2, got.length, java.util.Arrays.stream(got).map(m -> {
                try {
                    return m.getSubject() + " to " + java.util.Arrays.toString(m.getAllRecipients());
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }).toList().toString());
            assertFalse(got[1].getSubject().contains("could not run"), got[1].getSubject());
            assertEquals(ScheduleFixture.TEAM, got[1].getAllRecipients()[0].toString());
        } finally {
            smtp.stop();
        }
    }
}
