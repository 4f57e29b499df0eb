package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.RefusingSmtp;
import org.kcdauditor.support.Smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A recipient the SMTP server refuses at RCPT TO: permanently (5xx, a mailbox that does not exist) or for now (4xx).
 * One such address in {@code mail.to} must not keep the notice from everybody else, and a retry for the address that
 * was refused for now must not send the notice again to those who have it.
 */
class RefusedRecipientTest {
    static final String GONE = "left-the-company@contoso.com";
    static final String FULL = "mailbox-full@contoso.com";

    @TempDir
    Path dir;
    final Map<String, String> replies = new ConcurrentHashMap<>();
    GreenMail smtp;
    int port;
    AuditConfig cfg;
    Outbox outbox;

    @AfterEach
    void stop() {
        if (smtp != null && smtp.isRunning()) {
            smtp.stop();
        }
    }

    private AuditConfig config(String... to) throws Exception {
        port = ScheduleFixture.freePort();
        smtp = RefusingSmtp.on(Smtp.on(port, ServerSetup.PROTOCOL_SMTP), replies);
        smtp.setUser(ScheduleFixture.FROM, ScheduleFixture.FROM, ScheduleFixture.SMTP_PASSWORD);
        smtp.start();
        String mail = "  host: 127.0.0.1\n  port: " + port + "\n  security: none\n  username: " + ScheduleFixture.FROM
                + "\n  passwordEnv: " + ScheduleFixture.SMTP_ENV + "\n  from: " + ScheduleFixture.FROM
                + "\n  to: [" + String.join(", ", to) + "]\n  timeoutSeconds: 3\n";
        return ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, mail, null));
    }

    private Outbox queued(AuditConfig cfg) throws Exception {
        Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
        Outbox outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofMillis(100), "test");
        String key = "run-1:all";
        Notice n = new Notice(key, NoticeBuilder.messageId(key, ScheduleFixture.FROM), "run-1", "daily-drift",
                cfg.mail().to(), "[kcd-audit] HVC1: 1 new HIGH finding", "text", "<p>html</p>", null);
        assertTrue(outbox.enqueue(n, mailer(cfg, env).toMime(n)));
        return outbox;
    }

    private static Mailer mailer(AuditConfig cfg, Map<String, String> env) {
        return new Mailer(cfg, new Secrets(env), Clock.systemUTC());
    }

    private Outbox.Result flush(AuditConfig cfg, Outbox outbox) throws Exception {
        Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
        Outbox.Result[] r = new Outbox.Result[1];
        ScheduleFixture.captureErr(() -> r[0] = outbox.sendDue(mailer(cfg, env), 50));
        return r[0];
    }

    private List<MimeMessage> receivedBy(String address) {
        return smtp.findReceivedMessages(u -> u.getEmail().equals(address), m -> true).toList();
    }

    private static OutboxStore.Entry row(Outbox outbox) {
        List<OutboxStore.Entry> rows = outbox.list(true, 10);
        assertEquals(1, rows.size(), rows.toString());
        return rows.get(0);
    }

    /**
     * Queues a notice to the team and {@code refused}, the server answering {@code reply} for that address, and sends
     * it: the team has it; the outbox row is then {@code status} and names the address and the reply.
     */
    private OutboxStore.Entry teamGotItAlthough(String refused, String reply, String status) throws Exception {
        cfg = config(ScheduleFixture.TEAM, refused);
        replies.put(refused, reply);
        outbox = queued(cfg);
        flush(cfg, outbox);
        assertTrue(smtp.waitForIncomingEmail(5000, 1), "the team gets the notice although " + refused + " is refused");
        OutboxStore.Entry row = row(outbox);
        assertEquals(status, row.status(), row.toString());
        assertTrue(row.lastError() != null && row.lastError().contains(refused)
                && row.lastError().contains(reply.substring(0, 3)), "the address and the reply are on the row: " + row);
        return row;
    }

    @Test
    void aMailboxThatDoesNotExistDoesNotKeepTheNoticeFromTheOthersAndIsNotTriedAgain() throws Exception {
        teamGotItAlthough(GONE, "550 5.1.1 <" + GONE + ">: Recipient address rejected: User unknown", OutboxStore.SENT);

        Thread.sleep(300);
        assertEquals(new Outbox.Result(0, 0), flush(cfg, outbox), "nothing left to send");
        assertEquals(1, receivedBy(ScheduleFixture.TEAM).size(), "once");
        CliRun listed = CliRun.run(Map.of(), "outbox", "--config", cfg.source().toString(), "--all");
        assertTrue(listed.out().contains(GONE) && listed.out().contains("550"), listed.toString());
    }

    @Test
    void anAddressRefusedForNowIsTriedAgainAloneAndTheOthersGetTheNoticeOnce() throws Exception {
        OutboxStore.Entry waiting = teamGotItAlthough(FULL, "452 4.2.2 <" + FULL + ">: Mailbox full, try again later",
                OutboxStore.PENDING);
        assertEquals(List.of(FULL), waiting.recipients(), "only the address refused for now is tried again");

        replies.clear();
        Thread.sleep(300); // past the back-off (base 100 ms)
        assertEquals(new Outbox.Result(1, 0), flush(cfg, outbox));
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        Thread.sleep(300);
        assertEquals(1, receivedBy(FULL).size());
        assertEquals(1, receivedBy(ScheduleFixture.TEAM).size(), "the team does not get it twice");
        assertEquals(OutboxStore.SENT, row(outbox).status());
    }
}
