package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * Which earlier runs explained a pair's migration failures ({@link PreviousRun#explainedFailures}) is read from the
 * stored finding's {@code delegation_explains} flag, its evidence's {@code delegationExplains}; V116 set it on the rows
 * stored before it from their message, as the store read them until then.
 */
class ExplainedFailuresStoreTest {
    static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");
    static final String CONFIG = "/c.yaml";
    /**
     * {@link #flags} of {@link #storeRunsBeforeV116}'s rows once migrated: the rule's rows whose message says explained
     * by, with or without a peer, in any run.
     */
    static final Map<String, Boolean> FLAGS_AFTER_V116 = Map.of("r1:0", false, "r1:1", true, "r1:2", false,
            "r1:3", true, "r1:4", false, "r2:0", true, "r3:0", true);

    @TempDir
    Path dir;

    @Test
    void aFailureIsExplainedByItsEvidenceNotByWordsInItsMessage() {
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02")), PolicyConfig.defaults(), AuditInputs.none(T0));
        List<Finding> findings = new ArrayList<>(r.findings());
        findings.add(failure("HV01", "HV02", true, "2 failed migration events HV01 -> HV02 [NO_CREDENTIALS 0x8009030E]"
                + PreviousRun.EXPLAINED_BY + "1 MISSING_DELEGATION finding (ids abc)."));
        // a computer whose cn holds the words (the directory's text, not the rule's): delegation explains nothing
        findings.add(failure("HV01", "HV05; explained by x", false, "1 failed migration event HV01 -> HV05"
                + PreviousRun.EXPLAINED_BY + "x [OTHER]; HV05" + PreviousRun.EXPLAINED_BY + "x is not a configured"
                + " peer of HV01."));
        AuditResult withFailures = new AuditResult(r.context(), findings, r.clusters(), r.pairs(),
                r.requiredEntries(), r.presentEntries(), r.bySeverity());
        try (RunStore store = RunStore.open("jdbc:h2:file:" + dir.resolve("history"), null, null)) {
            store.begin("run-1", T0, "run", CONFIG, null, null);
            store.complete("run-1", T0.plusSeconds(1), new CompletedRun(withFailures, 2, null, List.of(), List.of()));
            assertEquals(Set.of(PreviousRun.pairKey("HV01", "HV02")),
                    store.previousRun(CONFIG).orElseThrow().explainedFailures().keySet());
            assertEquals(Set.of("run-1"), store.runsExplainingFailures(CONFIG));
        }
    }

    private static Finding failure(String host, String peer, boolean explains, String message) {
        return Finding.of("MIGRATION_FAILURE_OBSERVED", Severity.INFO, "HVC1", host, peer, null, null, message,
                Evidence.builder().delegationExplains(explains).build(), List.of());
    }

    /** Rows of a store at V115 (before the flag) read as the message search read them. */
    @Test
    void v116FlagsTheRowsStoredBeforeItWhoseMessageSaidExplainedBy() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("v115");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("115").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            storeRunsBeforeV116(st);
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            assertExplainedAsBeforeV116(store);
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            assertEquals(FLAGS_AFTER_V116, flags(st));
        }
    }

    /**
     * Two successful runs and a failed one of {@link #CONFIG}, with MIGRATION_FAILURE_OBSERVED rows explained (the
     * message says so) and not, one without a peer, and another rule's row that says the same words.
     */
    static void storeRunsBeforeV116(Statement st) throws Exception {
        st.execute("INSERT INTO audit_run (id, run_no, started_at, finished_at, status, trigger_name, config_path)"
                + " VALUES " + run(1, "SUCCEEDED") + ", " + run(2, "SUCCEEDED") + ", " + run(3, "FAILED"));
        String insert = "INSERT INTO run_finding (run_id, finding_id, seq, rule_id, severity, cluster_name, host_name,"
                + " peer, message, waived) VALUES ";
        st.execute(insert
                + "('r1', 'f0', 0, 'MISSING_DELEGATION', 'HIGH', 'HVC1', 'HV01', 'HV02', 'HV01 may not delegate to"
                + " HV02; explained by nothing', FALSE),"
                + "('r1', 'f1', 1, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV01', 'HV02', '1 failed migration"
                + " event HV01 -> HV02 [NO_CREDENTIALS]; explained by 1 MISSING_DELEGATION finding (ids f0).', FALSE),"
                + "('r1', 'f2', 2, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV02', 'HV01', '1 failed migration"
                + " event HV02 -> HV01 [OTHER]; delegation looks correct and cannot explain this failure (not a"
                + " Kerberos error).', FALSE),"
                + "('r1', 'f3', 3, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV03', NULL, '1 failed migration"
                + " event HV03 -> (destination not named) [NO_CREDENTIALS]; explained by 1 MISSING_DELEGATION"
                + " finding (ids f0).', FALSE),"
                + "('r1', 'f4', 4, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV03', 'HV04', NULL, FALSE)");
        st.execute(insert + "('r2', 'f5', 0, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV03', 'HV01', '1 failed"
                + " migration event HV03 -> HV01 [NO_CREDENTIALS]; explained by 2 MISSING_DELEGATION findings.', TRUE)");
        st.execute(insert + "('r3', 'f6', 0, 'MIGRATION_FAILURE_OBSERVED', 'INFO', 'HVC1', 'HV04', 'HV01', '1 failed"
                + " migration event HV04 -> HV01 [NO_CREDENTIALS]; explained by 1 MISSING_DELEGATION finding.', FALSE)");
    }

    /** Run {@code r<n>} of {@link #CONFIG}, started at 06:00 UTC on 2026-11-0{@code n} and ended a minute later. */
    private static String run(int n, String status) {
        String day = "TIMESTAMP WITH TIME ZONE '2026-11-0" + n + " 06:0";
        return "('r" + n + "', " + n + ", " + day + "0:00+00:00', " + day + "1:00+00:00', '" + status + "', 'run', '"
                + CONFIG + "')";
    }

    /**
     * What the search of the messages found in {@link #storeRunsBeforeV116}'s rows: the pairs with a peer whose
     * message said explained by, in successful runs, with the last such run.
     */
    static void assertExplainedAsBeforeV116(RunStore store) {
        assertEquals(Map.of(PreviousRun.pairKey("HV01", "HV02"), Instant.parse("2026-11-01T06:01:00Z"),
                        PreviousRun.pairKey("HV03", "HV01"), Instant.parse("2026-11-02T06:01:00Z")),
                store.previousRun(CONFIG).orElseThrow().explainedFailures());
        assertEquals(Set.of("r1", "r2"), store.runsExplainingFailures(CONFIG));
    }

    /** {@code run_id:seq} → {@code delegation_explains} of every stored finding. */
    static Map<String, Boolean> flags(Statement st) throws Exception {
        Map<String, Boolean> out = new TreeMap<>();
        try (ResultSet rs = st.executeQuery("SELECT run_id, seq, delegation_explains FROM run_finding")) {
            while (rs.next()) {
                out.put(rs.getString(1) + ":" + rs.getInt(2), rs.getBoolean(3));
            }
        }
        return out;
    }
}
