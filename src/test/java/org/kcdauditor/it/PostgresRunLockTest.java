package org.kcdauditor.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.RunLocks;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.TricklingProxy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run lock on PostgreSQL outlives the connection it was taken on: a database restart (or a network blip) under a
 * running audit must not let the lock expire while the audit goes on, or another daemon's audit starts beside it.
 */
@Tag("integration")
class PostgresRunLockTest {
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
    void theHeartbeatRenewsTheLockOnANewConnectionAfterTheOldOneWasCut() throws Exception {
        pg = PostgresDb.requireOrSkip();
        dbUrl = pg.createDatabase();
        URI server = URI.create(dbUrl.substring("jdbc:".length()));
        Map<String, String> env = Map.of("KCD_PG_USER", pg.user, "KCD_PG_PASSWORD", pg.password);
        try (TricklingProxy link = new TricklingProxy(server.getHost(), server.getPort(), Integer.MAX_VALUE, 0)) {
            String throughLink = "jdbc:postgresql://127.0.0.1:" + link.port() + server.getPath();
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", throughLink
                    + "\n  userEnv: KCD_PG_USER\n  passwordEnv: KCD_PG_PASSWORD", null, null, null));
            AuditConfig direct = ConfigLoader.load(ScheduleFixture.config(dir.resolve("direct"), "ldap://127.0.0.1:1",
                    dbUrl + "\n  userEnv: KCD_PG_USER\n  passwordEnv: KCD_PG_PASSWORD", null, null, null));
            Database.open(direct, env);
            Duration ttl = Duration.ofSeconds(2);
            try (RunLock.Held held = new RunLock(cfg, env, Clock.systemUTC(), ttl).acquire("the audit", Duration.ZERO)) {
                link.cut(); // the database restarts: the held connection is gone
                link.restore();
                Instant deadline = Instant.now().plus(ttl.multipliedBy(4));
                try (RunStore store = StoreUrls.open(direct, env)) {
                    while (Instant.now().isBefore(deadline)) {
                        assertFalse(store.locks().tryLock(RunLock.NAME, "another daemon", Instant.now(), ttl),
                                "the lock expired under the running audit: "
                                        + store.locks().holder(RunLock.NAME).map(RunLocks.Lock::describe));
                        Thread.sleep(200);
                    }
                }
            }
            try (RunStore store = StoreUrls.open(direct, env)) {
                assertEquals(java.util.Optional.empty(), store.locks().holder(RunLock.NAME), "released at the end");
            }
        }
    }
}
