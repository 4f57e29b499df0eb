package org.kcdauditor.it;

import com.icegreen.greenmail.util.GreenMail;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.schedule.Daemon;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.RunLocks;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.TricklingProxy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL restarted under a daemon, played by a proxy in front of it that closes every connection and refuses new
 * ones for a while: the run lock outlives the connection it was taken on, and a fire that failed while the store was
 * down is recorded and mailed once the store answers again.
 */
@Tag("integration")
class PostgresOutageTest {
    @TempDir
    Path dir;
    PostgresDb pg;
    String dbUrl;
    TricklingProxy link;
    Map<String, String> env;

    @AfterEach
    void drop() throws Exception {
        if (link != null) {
            link.close();
        }
        if (pg != null && dbUrl != null) {
            pg.dropDatabase(dbUrl);
        }
    }

    /** A fresh database, migrated, and the JDBC URL through {@link #link}. */
    private String database() throws Exception {
        pg = PostgresDb.requireOrSkip();
        dbUrl = pg.createDatabase();
        URI server = URI.create(dbUrl.substring("jdbc:".length()));
        link = new TricklingProxy(server.getHost(), server.getPort(), Integer.MAX_VALUE, 0);
        env = new HashMap<>(Map.of("KCD_PG_USER", pg.user, "KCD_PG_PASSWORD", pg.password));
        Database.open(config(dir.resolve("direct"), "ldap://127.0.0.1:1", dbUrl, null, null), env);
        return "jdbc:postgresql://127.0.0.1:" + link.port() + server.getPath();
    }

    private static AuditConfig config(Path dir, String directoryUrl, String storeUrl, String schedule, String mail)
            throws Exception {
        return ConfigLoader.load(ScheduleFixture.config(dir, directoryUrl, storeUrl
                + "\n  userEnv: KCD_PG_USER\n  passwordEnv: KCD_PG_PASSWORD", schedule, mail,
                "daemon:\n  runLockSeconds: 5\n  outboxIntervalSeconds: 1\n  stopTimeoutSeconds: 5\n"));
    }

    private RunStore direct() throws Exception {
        return StoreUrls.open(config(dir.resolve("direct"), "ldap://127.0.0.1:1", dbUrl, null, null), env);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            assertTrue(Instant.now().isBefore(end), "timed out after " + timeout + " waiting for " + what);
            Thread.sleep(100);
        }
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theHeartbeatRenewsTheLockOnANewConnectionAfterTheOldOneWasCut() throws Exception {
        AuditConfig cfg = config(dir, "ldap://127.0.0.1:1", database(), null, null);
        Duration ttl = Duration.ofSeconds(2);
        try (RunLock.Held held = new RunLock(cfg, env, Clock.systemUTC(), ttl).acquire("the audit", Duration.ZERO);
             RunStore store = direct()) {
            link.cut(); // the database restarts: the held connection is gone
            link.restore();
            Instant deadline = Instant.now().plus(ttl.multipliedBy(4));
            while (Instant.now().isBefore(deadline)) {
                assertFalse(store.locks().tryLock(RunLock.NAME, "another daemon", Instant.now(), ttl),
                        "the lock expired under the running audit: "
                                + store.locks().holder(RunLock.NAME).map(RunLocks.Lock::describe));
                Thread.sleep(200);
            }
        }
        try (RunStore store = direct()) {
            assertEquals(Optional.empty(), store.locks().holder(RunLock.NAME), "released at the end");
        }
    }

    @Test
    void aFireThatFailedWhileTheStoreWasDownIsRecordedAndMailedWhenItAnswersAgain() throws Exception {
        String storeUrl = database();
        int port = ScheduleFixture.freePort();
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        PrintStream err = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (DemoDirectory directory = ScheduleFixture.directory();
             // the directory answers slowly, so the store can be taken away while the audit reads it
             TricklingProxy slow = new TricklingProxy("127.0.0.1", URI.create(directory.url()).getPort(), 2048, 50)) {
            env.putAll(ScheduleFixture.env(directory));
            AuditConfig cfg = config(dir, slow.ldapUrl(), storeUrl,
                    "  - name: every-2s\n    cron: \"*/2 * * * * ?\"\n    notify: always\n",
                    ScheduleFixture.mail(port, 10));
            FireLog fires = new FireLog(Database.open(config(dir.resolve("direct"), "ldap://127.0.0.1:1", dbUrl, null,
                    null), env));
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                await("a fire in progress", Duration.ofSeconds(60),
                        () -> fires.all().stream().anyMatch(f -> f.status().equals(FireLog.RUNNING)));
                FireLog.Fire first = fires.all().stream().filter(f -> f.status().equals(FireLog.RUNNING)).findFirst()
                        .orElseThrow();
                link.cut(); // PostgreSQL goes down under the audit ...
                await("the audit to fail", Duration.ofSeconds(120), () -> {
                    String s = log.toString(StandardCharsets.UTF_8);
                    return s.contains("the run could not complete") || s.contains("threw an unhandled");
                });
                link.restore(); // ... and comes back
                await("the failed fire recorded", Duration.ofSeconds(60), () -> fires.all().stream()
                        .anyMatch(f -> f.id().equals(first.id()) && f.status().equals(FireLog.FAILED)));
                await("its failure notice", Duration.ofSeconds(60), () -> java.util.Arrays.stream(
                        smtp.getReceivedMessages()).anyMatch(m -> subject(m).contains("could not run")));
                String runId = fires.all().stream().filter(f -> f.id().equals(first.id())).findFirst().orElseThrow()
                        .runId();
                if (runId != null) { // the run had begun: it is FAILED too, not left for another daemon to guess at
                    try (RunStore store = direct()) {
                        assertEquals("FAILED", store.find(runId).orElseThrow().status());
                    }
                }
            } finally {
                System.setErr(err);
                err.print(log.toString(StandardCharsets.UTF_8));
                smtp.stop();
            }
        }
    }
}
