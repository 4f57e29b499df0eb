package org.kcdauditor.it;

import com.icegreen.greenmail.util.GreenMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.notify.Notifier;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbox (BYTEA MIME, claims, back-off, --discard) and the schedule/outbox commands on PostgreSQL. */
@Tag("integration")
class PostgresOutboxTest {
    @TempDir
    Path dir;
    PostgresDb pg;
    String dbUrl;

    @AfterEach
    void drop() {
        if (pg != null && dbUrl != null) {
            pg.dropDatabase(dbUrl);
        }
    }

    @Test
    void noticesAreKeptAndSentOnceOnPostgres() throws Exception {
        pg = PostgresDb.requireOrSkip();
        dbUrl = pg.createDatabase();
        int port = ScheduleFixture.freePort();
        Map<String, String> env = new HashMap<>(Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD,
                "KCD_PG_USER", pg.user, "KCD_PG_PASSWORD", pg.password, ScheduleFixture.LDAP_ENV, "unused"));
        Path file = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", dbUrl + "\n  userEnv: KCD_PG_USER\n"
                        + "  passwordEnv: KCD_PG_PASSWORD",
                "  - name: monthly-report\n    cron: \"0 0 6 1 * ?\"\n    timeZone: Europe/Berlin\n    notify: always\n",
                ScheduleFixture.mail(port, 10), null);
        AuditConfig cfg = ConfigLoader.load(file);
        Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMillis(100), "pg-test");
        Notifier notifier = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
        FindingsDocument doc = new FindingsDocument(1, "pg-run-1", Instant.now(), Instant.now(),
                new FindingsDocument.Directory("ldaps://dc1.contoso.com:636", "DC=contoso,DC=com"), null, null,
                List.of(), List.of(), List.of(), null);

        assertEquals(2, notifier.queue("monthly-report", Notify.ALWAYS, doc, null).size());
        assertEquals(List.of(), notifier.queue("monthly-report", Notify.ALWAYS, doc, null), "stored once per key");
        assertEquals(new Outbox.Result(0, 2), notifier.flush(), "SMTP down");
        CliRun pending = CliRun.run(env, "outbox", "--config", file.toString());
        assertEquals(1, pending.exitCode(), pending.toString());
        // outbox --discard on PostgreSQL (its claim condition, the new columns): HVC1's owners' notice
        CliRun discarded = CliRun.run(env, "outbox", "--config", file.toString(), "--discard", "pg-run-1:cl");
        assertEquals(0, discarded.exitCode(), discarded.toString());
        CliRun again = CliRun.run(env, "outbox", "--config", file.toString(), "--discard", "pg-run-1:cluster.hvc1");
        assertEquals(2, again.exitCode(), "discarded already: " + again);

        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        try {
            Thread.sleep(150);
            assertEquals(new Outbox.Result(1, 0), notifier.flush(), "the team's notice, not the discarded one");
            assertEquals(new Outbox.Result(0, 0), notifier.flush());
            assertTrue(smtp.waitForIncomingEmail(5000, 1));
            Thread.sleep(300);
            assertEquals(1, smtp.getReceivedMessages().length);
            assertEquals("<kcd-audit.pg-run-1.all@contoso.com>", smtp.getReceivedMessages()[0].getMessageID());
        } finally {
            smtp.stop();
        }
        CliRun sent = CliRun.run(env, "outbox", "--config", file.toString(), "--all");
        assertEquals(0, sent.exitCode(), sent.toString());
        assertTrue(sent.out().contains("SENT") && sent.out().contains("DISCARDED")
                && sent.out().contains("discarded by " + System.getProperty("user.name")), sent.out());
        CliRun schedule = CliRun.run(env, "schedule", "--config", file.toString());
        assertEquals(0, schedule.exitCode(), schedule.toString());
        assertTrue(schedule.out().contains("monthly-report") && schedule.out().contains("CET"), schedule.out());
    }
}
