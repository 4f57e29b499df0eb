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
import org.kcdauditor.store.OutboxStore;
import org.kcdauditor.support.CliRun;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code kcd-audit outbox --discard ID}: a notice that can never be delivered stayed PENDING for ever, {@code outbox}
 * exited 1 for ever (monitoring alerted for ever) and only SQL on the store cleared it. A discarded notice is never
 * sent, keeps its row ({@code outbox --all}: who discarded it, when) and no longer counts as pending.
 */
class OutboxDiscardTest {
    static final Map<String, String> ENV = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
    static final String RUN = "4e1f0a6c-2b7d-4c1e-9a55-0d3e8f6b7a21";
    static final String TEAM_NOTICE = RUN + ":all";
    static final String OWNER_NOTICE = RUN + ":cluster.hvc1";
    /** The ids as the listing gives them: the run id cut to 8 characters, as {@code history} lists runs. */
    static final String TEAM_ID = "4e1f0a6c:all";
    static final String OWNER_ID = "4e1f0a6c:cluster.hvc1";
    static final String USER = System.getProperty("user.name");

    @TempDir
    Path dir;
    GreenMail smtp;
    AuditConfig cfg;
    Outbox outbox;

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    /** The team's and HVC1's owners' notices of one run, queued and tried once while the SMTP server is down. */
    private void queuedWhileTheServerIsDown() throws Exception {
        cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                ScheduleFixture.mail(ScheduleFixture.freePort(), 0), null));
        outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofMillis(100), "test");
        enqueue(outbox, cfg, TEAM_NOTICE, cfg.mail().to());
        enqueue(outbox, cfg, OWNER_NOTICE, List.of(ScheduleFixture.HVC1_OWNER));
        ScheduleFixture.captureErr(() -> assertEquals(new Outbox.Result(0, 2), outbox.sendDue(mailer(cfg), 50)));
    }

    /**
     * {@code outbox --send} is what an admin runs once the SMTP server is fixed: it tries every pending notice now,
     * also one still waiting for its retry's back-off. It tried the due ones only, and said "Sent 0, failed 0." of
     * notices it had skipped, as if nothing was there.
     */
    @Test
    void sendTriesThePendingNoticesNowNotOnlyTheDueOnes() throws Exception {
        cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                ScheduleFixture.mail(ScheduleFixture.freePort(), 0), null));
        // a back-off of an hour: the next attempt is far off
        outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofHours(1), "test");
        enqueue(outbox, cfg, TEAM_NOTICE, cfg.mail().to());
        enqueue(outbox, cfg, OWNER_NOTICE, List.of(ScheduleFixture.HVC1_OWNER));
        ScheduleFixture.captureErr(() -> assertEquals(new Outbox.Result(0, 2), outbox.sendDue(mailer(cfg), 50)));
        smtp = ScheduleFixture.smtp(cfg.mail().portOrDefault());
        smtp.start();
        assertEquals(new Outbox.Result(0, 0), outbox.sendDue(mailer(cfg), 50), "the daemon's pass keeps the back-off");

        CliRun send = outbox("--send");
        assertEquals(0, send.exitCode(), send.toString());
        assertTrue(send.out().startsWith("Sent 2, failed 0."), send.toString());
        assertEquals(2, smtp.getReceivedMessages().length);
    }

    /**
     * A failed attempt's log line gives the next attempt's time as every other output does, to the second in UTC, as
     * {@code outbox} lists it: it gave the raw instant to the nanosecond ({@code 2026-12-07T04:35:20.447952269Z}).
     */
    @Test
    void theNextAttemptIsLoggedAsTheListingShowsIt() throws Exception {
        cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                ScheduleFixture.mail(ScheduleFixture.freePort(), 0), null));
        outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofMillis(100), "test");
        enqueue(outbox, cfg, TEAM_NOTICE, cfg.mail().to());
        String log = ScheduleFixture.captureErr(() -> outbox.sendDue(mailer(cfg), 50));
        String next = org.kcdauditor.model.UtcTime.of(new OutboxStore(Database.open(cfg, Map.of())).find(TEAM_NOTICE)
                .nextAttemptAt());
        assertTrue(log.contains("; next attempt at " + next + "\n") || log.contains("; next attempt at " + next
                + System.lineSeparator()), next + "\n" + log);
    }

    static void enqueue(Outbox outbox, AuditConfig cfg, String key, List<String> to) throws Exception {
        Notice n = new Notice(key, NoticeBuilder.messageId(key, ScheduleFixture.FROM), RUN, "daily-drift", to,
                "[kcd-audit] HVC1: 1 new HIGH finding", "text", "<p>html</p>", null);
        assertTrue(outbox.enqueue(n, mailer(cfg).toMime(n)));
    }

    static Mailer mailer(AuditConfig cfg) {
        return new Mailer(cfg, new Secrets(ENV), Clock.systemUTC());
    }

    private CliRun outbox(String... args) {
        List<String> line = new java.util.ArrayList<>(List.of("outbox", "--config", cfg.source().toString()));
        line.addAll(List.of(args));
        return CliRun.run(ENV, line.toArray(String[]::new));
    }

    private void serverUp() throws Exception {
        smtp = ScheduleFixture.smtp(cfg.mail().portOrDefault());
        smtp.start();
        Thread.sleep(300); // past the back-off (base 100 ms)
    }

    @Test
    void aDiscardedNoticeIsNeverSentAndStaysListedWithWhoDiscardedItAndWhen() throws Exception {
        queuedWhileTheServerIsDown();
        CliRun listed = outbox();
        assertEquals(1, listed.exitCode(), listed.toString());
        assertTrue(listed.out().lines().anyMatch(l -> l.startsWith(TEAM_ID + " "))
                && listed.out().lines().anyMatch(l -> l.startsWith(OWNER_ID + " ")),
                "the listing gives the ids --discard takes: " + listed);

        // several at once: one by the id listed, the other by a unique start of it
        CliRun discarded = outbox("--discard", TEAM_ID, "4e1f0a6c:cl");
        assertEquals(0, discarded.exitCode(), discarded.toString());
        assertTrue(discarded.out().contains("Discarded " + TEAM_ID + " ") && discarded.out().contains("Discarded "
                + OWNER_ID + " "), discarded.toString());

        CliRun after = outbox();
        assertEquals(0, after.exitCode(), "nothing pending any more: " + after);
        CliRun all = outbox("--all");
        assertEquals(0, all.exitCode(), all.toString());
        List<String> rows = all.out().lines().filter(l -> l.startsWith("4e1f0a6c:")).toList();
        assertEquals(2, rows.size(), "never deleted: " + all);
        for (String row : rows) {
            assertTrue(row.contains("DISCARDED") && row.contains("discarded by " + USER)
                    && row.matches(".*discarded \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC.*"), row);
        }

        serverUp();
        CliRun send = outbox("--send");
        assertEquals(0, send.exitCode(), send.toString());
        assertTrue(send.out().contains("Sent 0, failed 0."), send.toString());
        assertEquals(new Outbox.Result(0, 0), outbox.sendDue(mailer(cfg), 50), "nor does a daemon's pass");
        Thread.sleep(300);
        assertEquals(0, smtp.getReceivedMessages().length);
        try (Connection c = Database.open(cfg, Map.of()).connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT SUM(OCTET_LENGTH(mime)) FROM notice_outbox")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getLong(1), "a discarded notice keeps its row, not its message (as a sent one)");
        }
    }

    /**
     * A failure notice holds the next one of its job back for 12 hours (one mail, not one per fire). A discarded one
     * told nobody (a dead address, the case --discard is for): it held the next one back all the same, so the team,
     * its address corrected, heard nothing of a job still failing.
     */
    @Test
    void aDiscardedFailureNoticeDoesNotHoldTheNextOneBack() throws Exception {
        queuedWhileTheServerIsDown();
        String failed = "failed:daily-drift:" + System.currentTimeMillis();
        Notice n = new Notice(failed, NoticeBuilder.messageId(failed, ScheduleFixture.FROM), null, "daily-drift",
                cfg.mail().to(), "[kcd-audit] daily-drift could not run", "text", "<p>html</p>", null);
        assertTrue(outbox.enqueue(n, mailer(cfg).toMime(n)));
        assertTrue(outbox.lastFailureNotice("daily-drift").isPresent());
        CliRun discarded = outbox("--discard", failed);
        assertEquals(0, discarded.exitCode(), discarded.toString());
        assertTrue(outbox.lastFailureNotice("daily-drift").isEmpty(), "a discarded failure notice told nobody");
    }

    @Test
    void anUnknownAnAmbiguousASentOrADiscardedIdIsRefusedWithOneLine() throws Exception {
        queuedWhileTheServerIsDown();
        CliRun unknown = outbox("--discard", "no-such-notice");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertEquals(List.of("kcd-audit: outbox --discard: no notice 'no-such-notice' in the outbox (kcd-audit outbox"
                + " --config " + cfg.source() + " --all lists them with their ids)"), unknown.err().lines().toList());

        CliRun ambiguous = outbox("--discard", "4e1f0a6c");
        assertEquals(2, ambiguous.exitCode(), ambiguous.toString());
        assertEquals(List.of("kcd-audit: outbox --discard: '4e1f0a6c' is ambiguous, the start of the ids of " + TEAM_ID
                + ", " + OWNER_ID + ": give more of the id"), ambiguous.err().lines().toList());

        CliRun oneBad = outbox("--discard", TEAM_ID, "no-such-notice");
        assertEquals(2, oneBad.exitCode(), oneBad.toString());
        assertEquals(2, outbox.list(false, 10).size(), "one id wrong: nothing discarded " + oneBad);

        assertEquals(0, outbox("--discard", TEAM_NOTICE).exitCode(), "the full id does too");
        CliRun again = outbox("--discard", TEAM_ID);
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().startsWith("kcd-audit: outbox --discard: notice " + TEAM_ID + " was discarded"
                + " already, by " + USER + " at ") && again.err().lines().count() == 1, again.toString());

        serverUp();
        assertEquals(new Outbox.Result(1, 0), outbox.sendDue(mailer(cfg), 50));
        CliRun sent = outbox("--discard", OWNER_ID);
        assertEquals(2, sent.exitCode(), sent.toString());
        assertTrue(sent.err().startsWith("kcd-audit: outbox --discard: notice " + OWNER_ID + " was sent at ")
                && sent.err().lines().count() == 1, sent.toString());
        assertEquals(OutboxStore.SENT, outbox.list(true, 10).stream().filter(e -> e.id().equals(OWNER_NOTICE))
                .findFirst().orElseThrow().status());

        CliRun withSend = outbox("--discard", TEAM_ID, "--send");
        assertEquals(2, withSend.exitCode(), withSend.toString());
    }

    /**
     * An empty id (a script's {@code --discard "$ID"} with the variable unset) names no notice: it was the start of
     * every id, so the outbox's only notice was discarded.
     */
    @Test
    void anEmptyIdNamesNoNotice() throws Exception {
        cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                ScheduleFixture.mail(ScheduleFixture.freePort(), 0), null));
        outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofMillis(100), "test");
        enqueue(outbox, cfg, OWNER_NOTICE, List.of(ScheduleFixture.HVC1_OWNER));
        for (String empty : new String[]{"", " "}) {
            CliRun r = outbox("--discard", empty);
            assertEquals(2, r.exitCode(), r.toString());
            assertEquals(List.of("kcd-audit: outbox --discard: an empty id names no notice: give the id kcd-audit"
                    + " outbox --config " + cfg.source() + " lists"), r.err().lines().toList());
        }
        assertEquals(1, outbox.list(false, 10).size(), "still pending");
    }

    /** A send under way holds the notice's claim: discarding it then could not stop the mail, so it is refused. */
    @Test
    void aNoticeBeingSentNowIsNotDiscarded() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                    ScheduleFixture.mail(silent.getLocalPort(), 0).replace("timeoutSeconds: 3", "timeoutSeconds: 60"), null));
            Database db = Database.open(cfg, Map.of());
            outbox = new Outbox(db, Clock.systemUTC(), Duration.ofMillis(100), "kcd-audit daemon on mgmt01");
            enqueue(outbox, cfg, TEAM_NOTICE, cfg.mail().to());
            CompletableFuture<String> underWay = CompletableFuture.supplyAsync(() -> {
                try {
                    return ScheduleFixture.captureErr(() -> outbox.sendDue(mailer(cfg), 50));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            OutboxClaimTest.awaitClaim(db);
            CliRun busy = outbox("--discard", TEAM_ID);
            assertEquals(1, busy.exitCode(), busy.toString());
            assertTrue(busy.err().matches("kcd-audit: outbox --discard: notice " + TEAM_ID + " is being sent now by"
                    + " kcd-audit daemon on mgmt01: try again in \\d+ s at the latest \\(.*\\)\\R"), busy.toString());
            assertEquals(1, outbox.list(false, 10).size(), "still pending");
            silent.close(); // the attempt fails and releases the claim
            underWay.get();
        }
        CliRun discarded = outbox("--discard", TEAM_ID);
        assertEquals(0, discarded.exitCode(), discarded.toString());
    }
}
