package org.kcdauditor.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.kcdauditor.it.PostgresDb;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.rules.RuleCatalogue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * The same store code on PostgreSQL, in a fresh database of the server {@code scripts/postgres.sh up}
 * started (see {@link PostgresDb}); runs with the integration profile.
 */
@Tag("integration")
class RunStorePostgresIntegrationTest {
    @Test
    void runsAreStoredAndReadBackOnPostgres() throws Exception {
        PostgresDb db = PostgresDb.requireOrSkip();
        String url = db.createDatabase();
        String pw = db.password;
        Instant t = Instant.now();
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(t, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02", "HV09")), PolicyConfig.defaults(), AuditInputs.none(t));
        String id = UUID.randomUUID().toString();
        String failed = UUID.randomUUID().toString();
        String config = "/pg-test/" + id;
        String second = UUID.randomUUID().toString();
        try (RunStore store = RunStore.open(url, db.user, pw == null ? null : pw.toCharArray())) {
            store.begin(id, t, "run", config, "ldaps://dc1", "DC=contoso,DC=com");
            store.complete(id, t.plusSeconds(1), new CompletedRun(r, 2, null,
                    List.of(new PatchRecord("HV01", "KB5019966", LocalDate.of(2022, 11, 9), null, "a:2")),
                    List.of(new EventRecord("HV01", 21502, t, "HV01", "HV02", EventClassification.NO_CREDENTIALS, "0x8009030E", "m", "e:1"))));
            store.begin(failed, t.plusSeconds(2), "run", config, null, null);
            store.fail(failed, t.plusSeconds(3), "DirectoryException: gone");
            assertEquals(RunSummary.SUCCEEDED, store.find(id).orElseThrow().status());
            assertEquals(RunSummary.FAILED, store.find(failed.substring(0, 12)).orElseThrow().status());
            assertEquals(id, store.previousRun(config).orElseThrow().runId());
            assertEquals(2, store.hostStates(id).size());
            assertEquals(r.findings().size(), store.findings(id).size());
            assertEquals(1, store.count("run_patch", id));
            String lock = "pg-test-" + id;
            assertTrue(store.locks().tryLock(lock, "a", t, Duration.ofMinutes(5)));
            assertFalse(store.locks().tryLock(lock, "b", t, Duration.ofMinutes(5)));
            store.locks().unlock(lock, "a");
            assertTrue(store.list(5).size() >= 2);

            // a second run stored as changes against the first, its hosts on a second connection as a run stores
            // them (the credentials reused), then the first pruned: values handed over
            store.begin(second, t.plusSeconds(4), "run", config, null, null);
            store.complete(second, t.plusSeconds(5), new CompletedRun(r, 2, null, List.of(), List.of()),
                    store.writeSnapshot(second, r.context().hosts(), store.previousRun(config).orElseThrow()));
            assertEquals(store.hostStates(id), store.hostStates(second));
            try (var c = java.sql.DriverManager.getConnection(url, db.user, pw);
                 var ps = c.prepareStatement("SELECT COUNT(*) FROM run_host_attr WHERE run_id = ? AND same_as = ?"
                         + " AND vals_deflated IS NULL")) {
                ps.setString(1, second);
                ps.setString(2, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getInt(1) > 0, "unchanged values stored as references to the first run");
                }
            }
            List<RunSummary> pruned = store.prune(config, 1, null, java.util.Set.of(), false);
            assertEquals(java.util.Set.of(id, failed), pruned.stream().map(RunSummary::id)
                    .collect(java.util.stream.Collectors.toSet()));
            assertEquals(2, store.hostStates(second).size());
            assertEquals(mesh("HV01", "HV02").get(0).delegateTo(), store.hostStates(second).get("HV01").delegateTo());
            assertTrue(store.firstRunWaiving(config, "MISSING_DELEGATION", (host, peer, spn) -> true).isEmpty());
        }
        try (var c = java.sql.DriverManager.getConnection(url, db.user, pw)) {
            assertEquals(RunStore.Schema.CURRENT, RunStore.Schema.of(c), "the next open starts no Flyway");
        }
        try (RunStore store = RunStore.open(url, db.user, pw == null ? null : pw.toCharArray())) {
            assertEquals(RunSummary.SUCCEEDED, store.find(second).orElseThrow().status());
        }
    }

    /** {@link RunStoreTest#storesARunWhoseValuesHoldNul} on PostgreSQL, whose text refuses U+0000. */
    @Test
    void aRunWhoseValuesHoldNulIsStoredOnPostgres() throws Exception {
        PostgresDb db = PostgresDb.requireOrSkip();
        RunStoreTest.storesARunWhoseValuesHoldNul(db.createDatabase(), db.user,
                db.password == null ? null : db.password.toCharArray());
    }

    /**
     * {@link RunStoreTest#storesTheConfiguredNodesNotFoundRunByRun} on PostgreSQL (V118's run_missing_node, V119's
     * renamed flag, which alone lets retention keep the run that last found a node).
     */
    @Test
    void theConfiguredNodesNotFoundAreCarriedFromRunToRunOnPostgres() throws Exception {
        PostgresDb db = PostgresDb.requireOrSkip();
        RunStoreTest.storesTheConfiguredNodesNotFoundRunByRun(db.createDatabase(), db.user,
                db.password == null ? null : db.password.toCharArray());
    }

    /** {@link ExplainedFailuresStoreTest}'s upgrade from V115 on PostgreSQL: V116's flags as the message search. */
    @Test
    void v116FlagsTheRowsStoredBeforeItOnPostgres() throws Exception {
        PostgresDb db = PostgresDb.requireOrSkip();
        String url = db.createDatabase();
        org.flywaydb.core.Flyway.configure().dataSource(url, db.user, db.password)
                .locations("classpath:db/migration").target("115").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url, db.user, db.password); var st = c.createStatement()) {
            ExplainedFailuresStoreTest.storeRunsBeforeV116(st);
        }
        try (RunStore store = RunStore.open(url, db.user, db.password == null ? null : db.password.toCharArray())) {
            ExplainedFailuresStoreTest.assertExplainedAsBeforeV116(store);
        }
        try (var c = java.sql.DriverManager.getConnection(url, db.user, db.password); var st = c.createStatement()) {
            assertEquals(ExplainedFailuresStoreTest.FLAGS_AFTER_V116, ExplainedFailuresStoreTest.flags(st));
        }
    }

    /** {@link ChangeKindsStoreTest}'s upgrade from V121 on PostgreSQL: V122's kinds as the message match judged. */
    @Test
    void v122KindsTheRowsStoredBeforeItOnPostgres() throws Exception {
        PostgresDb db = PostgresDb.requireOrSkip();
        String url = db.createDatabase();
        org.flywaydb.core.Flyway.configure().dataSource(url, db.user, db.password)
                .locations("classpath:db/migration").target("121").load().migrate();
        try (var c = java.sql.DriverManager.getConnection(url, db.user, db.password); var st = c.createStatement()) {
            ChangeKindsStoreTest.storeRunsBeforeV122(st);
        }
        try (RunStore store = RunStore.open(url, db.user, db.password == null ? null : db.password.toCharArray())) {
            ChangeKindsStoreTest.assertStoredBeforeV122(store);
        }
    }
}
