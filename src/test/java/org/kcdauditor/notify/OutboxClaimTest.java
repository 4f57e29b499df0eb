package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A notice is claimed for as long as an attempt to send it may take: with {@code mail.timeoutSeconds} above the 5
 * minutes a claim used to last, a second daemon of the cluster (or {@code outbox --send}) took over the claim of an
 * attempt still under way and sent the same notice a second time.
 */
class OutboxClaimTest {
    static final Map<String, String> ENV = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);

    @TempDir
    Path dir;
    GreenMail smtp;

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    private AuditConfig config(int port) throws Exception {
        String mail = ScheduleFixture.mail(port, 0).replace("timeoutSeconds: 3", "timeoutSeconds: 600");
        return ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, mail, null));
    }

    @Test
    void aSecondSenderDoesNotTakeOverTheClaimOfAnAttemptThatMayStillBeUnderWay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            AuditConfig slow = config(silent.getLocalPort());
            Database db = Database.open(slow, Map.of());
            Outbox first = new Outbox(db, Clock.systemUTC(), Duration.ofSeconds(60), "daemon-1");
            String key = "run-1:all";
            Notice n = new Notice(key, NoticeBuilder.messageId(key, ScheduleFixture.FROM), "run-1", "daily-drift",
                    slow.mail().to(), "[kcd-audit] HVC1: 1 new HIGH finding", "text", "<p>html</p>", null);
            first.enqueue(n, new Mailer(slow, new Secrets(ENV), Clock.systemUTC()).toMime(n));
            CompletableFuture<Outbox.Result> underWay = CompletableFuture.supplyAsync(
                    () -> first.sendDue(new Mailer(slow, new Secrets(ENV), Clock.systemUTC()), 50));
            awaitClaim(db);

            int port = ScheduleFixture.freePort();
            smtp = ScheduleFixture.smtp(port);
            smtp.start();
            AuditConfig fast = config(port);
            // six minutes into the first attempt, which mail.timeoutSeconds (10 minutes) still allows
            Outbox second = new Outbox(db, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(6)), Duration.ofSeconds(60),
                    "daemon-2");
            assertEquals(new Outbox.Result(0, 0), second.sendDue(new Mailer(fast, new Secrets(ENV), Clock.systemUTC()), 50),
                    "the notice is claimed by the attempt under way");
            silent.close();
            underWay.get();
            assertEquals(0, smtp.getReceivedMessages().length);
        }
    }

    /** Waits until a send under way has claimed the (one) notice of {@code db}'s outbox. */
    static void awaitClaim(Database db) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT claimed_by FROM notice_outbox")) {
                if (rs.next() && rs.getString(1) != null) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the first attempt never claimed the notice");
    }
}
