package org.kcdauditor.schedule;

import com.icegreen.greenmail.util.GreenMail;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.quartz.JobKey;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * daemon.retry: a daily job that meets a domain controller restarting for its updates is recorded FAILED, says in its
 * failure notice when it is tried again, and runs again that much later (a one-shot trigger, its own fire and run,
 * trigger "retry"), at most daemon.retry.attempts times; a failure a retry cannot fix (a refused bind) is not retried.
 * The daemon's clock runs one minute behind, so that a retry "1 minute later" (the shortest daemon.retry.afterMinutes)
 * is due at once on Quartz's clock.
 */
class DaemonRetryTest {
    private static final String PASSWORD = "Ldap-Retry-S3cret";
    private static final Clock CLOCK = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-1));

    @TempDir
    Path dir;

    /** The demo directory, which answers the first {@code refusals} binds "unavailable" (a DC shutting down). */
    private static InMemoryDirectoryServer directory(int refusals) throws Exception {
        InMemoryDirectoryServerConfig c = new InMemoryDirectoryServerConfig(DemoDirectory.BASE_DN);
        c.setSchema(null);
        c.addAdditionalBindCredentials(DemoDirectory.BIND_DN, PASSWORD);
        c.setCustomRootDSEAttributes(List.of(new Attribute("dnsHostName", DemoDirectory.DC),
                new Attribute("defaultNamingContext", DemoDirectory.BASE_DN)));
        c.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("dc", InetAddress.getLoopbackAddress(), 0, null));
        AtomicInteger left = new AtomicInteger(refusals);
        c.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
            @Override
            public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest r) throws LDAPException {
                if (left.getAndDecrement() > 0) {
                    throw new LDAPException(ResultCode.UNAVAILABLE, "the domain controller is shutting down");
                }
            }
        });
        InMemoryDirectoryServer s = new InMemoryDirectoryServer(c);
        s.importFromLDIF(true, "config/demo/contoso.ldif");
        s.startListening();
        return s;
    }

    /** A daily job due a few seconds from now (UTC), mailing always, with {@code retry} under daemon:. */
    private AuditConfig config(String url, int smtpPort, String retry) throws Exception {
        ZonedDateTime at = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(8);
        String cron = at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " " + at.getDayOfMonth() + " "
                + at.getMonthValue() + " ? " + at.getYear();
        return ConfigLoader.load(ScheduleFixture.config(dir, url, null, "  - name: daily-drift\n    cron: \"" + cron
                        + "\"\n    timeZone: UTC\n    notify: always\n", ScheduleFixture.mail(smtpPort, 0),
                "daemon:\n  misfireThresholdSeconds: 1\n  outboxIntervalSeconds: 1\n  retry:\n" + retry));
    }

    private static Map<String, String> env(String ldapPassword) {
        return Map.of(ScheduleFixture.LDAP_ENV, ldapPassword, ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
    }

    private static List<FireLog.Fire> fires(FireLog log) {
        return log.all().stream().sorted(Comparator.comparing(FireLog.Fire::firedAt)).toList();
    }

    private static String text(MimeMessage m) throws Exception {
        return ((String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getContent()).replace("\r\n", "\n");
    }

    /** The names of the job's retry triggers in the job store. */
    private static List<String> retryTriggers(Daemon d) throws Exception {
        return d.scheduler().getTriggersOfJob(JobKey.jobKey("daily-drift", Daemon.GROUP)).stream()
                .map(t -> t.getKey().getName()).filter(n -> n.contains("-retry-")).toList();
    }

    /** The fires (in order) and the notices of a daemon whose DC refused every connection. */
    private record Refused(List<FireLog.Fire> fires, MimeMessage[] mails) {
    }

    /** A look at the daemon before {@link #refusedEveryTime} stops it. */
    private interface WhileUp {
        void check(Daemon d) throws Exception;
    }

    /**
     * Runs the daemon against a port nothing listens on with {@code daemon.retry.attempts: attempts} (a retry a minute
     * later, due at once on the daemon's clock) until the fire and every retry have failed and the failure notices
     * have arrived (the fire's and the last retry's), {@code whileUp} looking at the daemon before it stops.
     */
    private Refused refusedEveryTime(int attempts, Duration within, WhileUp whileUp) throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        try {
            Map<String, String> env = env(PASSWORD);
            AuditConfig cfg = config("ldap://127.0.0.1:" + ScheduleFixture.freePort(), port,
                    "    afterMinutes: 1\n    attempts: " + attempts + "\n");
            FireLog log = new FireLog(Database.open(cfg, env));
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, CLOCK, Path.of("."))) {
                d.start();
                DaemonTest.await("the fire and its " + attempts + " retries failed", within,
                        () -> log.all().stream().filter(f -> FireLog.FAILED.equals(f.status())).count()
                                == attempts + 1);
                whileUp.check(d);
                assertTrue(smtp.waitForIncomingEmail(30_000, 2), "the fire's failure notice and the last retry's");
            }
            return new Refused(fires(log), smtp.getReceivedMessages());
        } finally {
            smtp.stop();
        }
    }

    @Test
    void aFireTheDirectoryStoppedIsRetriedAndTheRetrySendsTheNormalNotice() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        InMemoryDirectoryServer dc = directory(1);
        try {
            Map<String, String> env = env(PASSWORD);
            AuditConfig cfg = config("ldap://127.0.0.1:" + dc.getListenPort(), port,
                    "    afterMinutes: 1\n    attempts: 2\n");
            FireLog log = new FireLog(Database.open(cfg, env));
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, CLOCK, Path.of("."))) {
                d.start();
                DaemonTest.await("the fire and its retry", Duration.ofSeconds(60),
                        () -> log.all().stream().anyMatch(f -> FireLog.SUCCEEDED.equals(f.status())));
                assertTrue(smtp.waitForIncomingEmail(30_000, 3), "the failure notice and the run's two notices");
                assertTrue(retryTriggers(d).stream().noneMatch(n -> n.endsWith("-2")), retryTriggers(d).toString());
            }
            List<FireLog.Fire> fires = fires(log);
            assertEquals(2, fires.size(), fires.toString());
            assertEquals(FireLog.FAILED, fires.get(0).status());
            assertTrue(fires.get(0).detail().contains("LDAP result 52") || fires.get(0).detail().contains("unavailable"),
                    fires.get(0).detail());
            assertTrue(fires.get(0).detail().matches(".*; retry 1 of 2 at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"
                    + " \\(daemon\\.retry\\)$"), fires.get(0).detail());
            assertEquals(FireLog.SUCCEEDED, fires.get(1).status());
            List<RunSummary> runs;
            java.util.Optional<RunSummary> comparedWith;
            try (RunStore store = StoreUrls.open(cfg, env)) {
                runs = store.list(10);
                // what the next fire's notices compare with: the retry's run, as a cron fire's would be
                comparedWith = store.lastScheduled(runs.get(0).configPath(), "the next run", List.of());
            }
            RunSummary failed = runs.stream().filter(r -> r.id().equals(fires.get(0).runId())).findFirst().orElseThrow();
            RunSummary retried = runs.stream().filter(r -> r.id().equals(fires.get(1).runId())).findFirst().orElseThrow();
            assertEquals(List.of(RunSummary.FAILED, "schedule"), List.of(failed.status(), failed.trigger()));
            assertEquals(List.of(RunSummary.SUCCEEDED, "retry"), List.of(retried.status(), retried.trigger()));
            assertEquals(retried.id(), comparedWith.map(RunSummary::id).orElse(null));
            MimeMessage[] mails = smtp.getReceivedMessages();
            assertEquals(3, mails.length);
            assertTrue(mails[0].getSubject().endsWith("the audit could not run"), mails[0].getSubject());
            assertTrue(text(mails[0]).contains("; retry 1 of 2 at "), text(mails[0]));
            for (int i = 1; i < 3; i++) {
                assertFalse(mails[i].getSubject().contains("could not run"), mails[i].getSubject());
            }
        } finally {
            dc.shutDown(true);
            smtp.stop();
        }
    }

    /** Connection refused at the fire and at its one retry: two failure notices, the last saying no more follow. */
    @Test
    void theLastRetrysNoticeSaysNoMoreRetriesFollow() throws Exception {
        Refused r = refusedEveryTime(1, Duration.ofSeconds(60), d -> assertTrue(retryTriggers(d).stream()
                .noneMatch(n -> n.endsWith("-2")), retryTriggers(d).toString()));
        assertEquals(2, r.fires().size(), r.fires().toString());
        assertTrue(r.fires().get(0).detail().contains("; retry 1 of 1 at "), r.fires().get(0).detail());
        assertTrue(r.fires().get(1).detail().contains("; this was retry 1 of 1 of the fire due ")
                && r.fires().get(1).detail().endsWith("; no more retries follow (daemon.retry.attempts: 1): the job"
                + " runs next at its schedule"), r.fires().get(1).detail());
        assertEquals(2, r.mails().length);
        assertTrue(text(r.mails()[0]).contains("; retry 1 of 1 at "), text(r.mails()[0]));
        assertTrue(text(r.mails()[1]).contains("no more retries follow"), text(r.mails()[1]));
    }

    /**
     * A lasting cause (a DC gone for good, a typo in directory.url's host name) fails the fire and each of its retries:
     * the team hears the fire's notice, which says a retry follows, and the last retry's, which says none follows; a
     * retry whose failure another retry follows is recorded and logged, not mailed (three notices a fire before).
     */
    @Test
    void onlyTheFiresAndTheLastRetrysFailuresAreMailed() throws Exception {
        Refused r = refusedEveryTime(2, Duration.ofSeconds(90), d -> { });
        assertEquals(3, r.fires().size(), r.fires().toString());
        assertTrue(r.fires().get(1).detail().contains("; this was retry 1 of 2 of the fire due ")
                && r.fires().get(1).detail().contains("; retry 2 of 2 at "), r.fires().get(1).detail());
        assertEquals(2, r.mails().length, "not the first retry's");
        assertTrue(text(r.mails()[0]).contains("; retry 1 of 2 at "), text(r.mails()[0]));
        assertTrue(text(r.mails()[1]).contains("this was retry 2 of 2 of the fire due ")
                && text(r.mails()[1]).contains("no more retries follow"), text(r.mails()[1]));
    }

    /** A refused bind (LDAP result 49) is no outage: the same password fails again, so nothing is retried. */
    @Test
    void aRefusedBindIsNotRetried() throws Exception {
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        InMemoryDirectoryServer dc = directory(0);
        try {
            Map<String, String> env = env("not-the-password");
            AuditConfig cfg = config("ldap://127.0.0.1:" + dc.getListenPort(), port,
                    "    afterMinutes: 1\n    attempts: 2\n");
            FireLog log = new FireLog(Database.open(cfg, env));
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, CLOCK, Path.of("."))) {
                d.start();
                DaemonTest.await("the fire failed", Duration.ofSeconds(60),
                        () -> log.all().stream().anyMatch(f -> FireLog.FAILED.equals(f.status())));
                assertEquals(List.of(), retryTriggers(d), "no retry scheduled");
                assertTrue(smtp.waitForIncomingEmail(30_000, 1), "the failure notice");
            }
            FireLog.Fire fire = fires(log).get(0);
            assertFalse(fire.detail().contains("retry"), fire.detail());
            assertFalse(text(smtp.getReceivedMessages()[0]).contains("retry"), text(smtp.getReceivedMessages()[0]));
        } finally {
            dc.shutDown(true);
            smtp.stop();
        }
    }
}
