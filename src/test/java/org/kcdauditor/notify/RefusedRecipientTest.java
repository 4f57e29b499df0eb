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
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /**
     * The notice's row in {@code outbox} (exit 1: it is pending) shows the server's {@code reply}, says it cannot be
     * delivered as it stands because the SMTP server {@code refused}, names the key to {@code correct}, and ends with
     * the command that gives it up.
     */
    private void listedAsUndeliverable(String reply, String refused, String correct) {
        CliRun listed = CliRun.run(Map.of(), "outbox", "--config", cfg.source().toString());
        assertEquals(1, listed.exitCode(), listed.toString());
        String line = listed.out().lines().filter(l -> l.startsWith("run-1:all ")).findFirst().orElseThrow();
        assertTrue(line.contains(reply) && line.contains(" — cannot be delivered as it stands: the SMTP server "
                + refused) && line.contains(correct)
                && line.endsWith(": kcd-audit outbox --config " + cfg.source() + " --discard run-1:all"), line);
    }

    /**
     * Every recipient refused for good: nobody has the notice, and the row keeps the addresses it was stored with, so
     * correcting mail.to does not help it. It stays PENDING (never dropped), and the listing says it cannot be
     * delivered as it stands and how to give it up.
     */
    @Test
    void aNoticeEveryRecipientRefusedForGoodSaysSoOnItsRowAndNamesTheWayOut() throws Exception {
        cfg = config(GONE);
        replies.put(GONE, "550 5.1.1 <" + GONE + ">: Recipient address rejected: User unknown");
        outbox = queued(cfg);
        assertEquals(new Outbox.Result(0, 1), flush(cfg, outbox));
        assertEquals(OutboxStore.PENDING, row(outbox).status());

        listedAsUndeliverable("550 5.1.1", "refused every recipient for good", "mail.to");

        assertEquals(0, CliRun.run(Map.of(), "outbox", "--config", cfg.source().toString(), "--discard", "run-1:all")
                .exitCode());
        assertEquals(0, CliRun.run(Map.of(), "outbox", "--config", cfg.source().toString()).exitCode());
    }

    /**
     * The message itself refused for good at the end of DATA (over the server's size limit): every attempt is refused
     * the same way until the server changes. The row stays PENDING and is tried again with the back-off; the listing
     * says what can be done.
     */
    @Test
    void aMessageTheServerRefusesForGoodSaysSoOnItsRowAndIsSentOnceTheServerTakesIt() throws Exception {
        cfg = config(ScheduleFixture.TEAM);
        replies.put(RefusingSmtp.END_OF_DATA, "552 5.3.4 Message size exceeds fixed limit");
        outbox = queued(cfg);
        assertEquals(new Outbox.Result(0, 1), flush(cfg, outbox));
        listedAsUndeliverable("552 5.3.4", "refused the message itself for good", "mail.attachPdfMaxMb");

        replies.clear(); // the server's limit raised
        Thread.sleep(300);
        assertEquals(new Outbox.Result(1, 0), flush(cfg, outbox), "still tried: never dropped");
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        assertEquals(OutboxStore.SENT, row(outbox).status());
    }

    @Test
    void anAddressRefusedForNowIsTriedAgainAloneAndTheOthersGetTheNoticeOnce() throws Exception {
        OutboxStore.Entry waiting = teamGotItAlthough(FULL, "452 4.2.2 <" + FULL + ">: Mailbox full, try again later",
                OutboxStore.PENDING);
        assertEquals(List.of(FULL), waiting.recipients(), "only the address refused for now is tried again");
        CliRun listed = CliRun.run(Map.of(), "outbox", "--config", cfg.source().toString());
        assertFalse(listed.out().contains("cannot be delivered"), "refused for now: it may be delivered " + listed);

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
