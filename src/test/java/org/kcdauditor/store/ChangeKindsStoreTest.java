package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.rules.ChangedSinceLastRunRule;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * A change record (CHANGED_SINCE_LAST_RUN) carries the kind of each change as data ({@code evidence.changeKinds}), the
 * history store keeps them ({@code run_finding.change_kinds}, V122), and {@code notify: on-change} decides by them
 * whether a run's only changes are computer password changes (which Windows makes every 30 days by itself), never by
 * the message's words. V122 sets the kind of the rows stored before it that told a password change alone, as the
 * message match did.
 */
class ChangeKindsStoreTest {
    static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");
    static final String CONFIG = "/c.yaml";
    private static final String PASSWORD_LINE = "computer password changed (pwdLastSet 2026-11-01 03:12:00 UTC ->"
            + " 2026-12-01 03:12:00 UTC)";

    @TempDir
    Path dir;

    /**
     * A password change worded otherwise is still no change for on-change, and a change of another kind whose words
     * read as a password change (a message reworded, a value holding them) is one: in the run's own findings and read
     * back from the store, as the audits between two notices are. Before, the message decided both the other way.
     */
    @Test
    void onChangeReadsTheKindsOfAChangeNotItsWords() {
        Finding reworded = change("HV01", "HV01: machine account password rotated (2026-11-01 -> 2026-12-01).",
                "PASSWORD_CHANGED");
        Finding lookAlike = change("HV02", "HV02: " + PASSWORD_LINE + ".", "ENTRY_ADDED");
        Finding setBack = change("HV03", "HV03: the password went back.", "PASSWORD_SET_BACK");
        Finding twice = change("HV04", "HV04: " + PASSWORD_LINE + "; HV04: delegation entry added: cifs/HV01.",
                "PASSWORD_CHANGED", "ENTRY_ADDED");
        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put("HV01", false);
        expected.put("HV02", true);
        expected.put("HV03", true);
        expected.put("HV04", true);
        List<Finding> run = List.of(reworded, lookAlike, setBack, twice);
        assertEquals(expected, news(run), "the run's own findings");

        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02")), PolicyConfig.defaults(), AuditInputs.none(T0));
        List<Finding> findings = new ArrayList<>(r.findings());
        findings.addAll(run);
        try (RunStore store = RunStore.open("jdbc:h2:file:" + dir.resolve("history"), null, null)) {
            store.begin("run-1", T0, "run", CONFIG, null, null);
            store.complete("run-1", T0.plusSeconds(1), new CompletedRun(new AuditResult(r.context(), findings,
                    r.clusters(), r.pairs(), r.requiredEntries(), r.presentEntries(), r.bySeverity()), 2, null,
                    List.of(), List.of()));
            List<Finding> stored = store.findings("run-1").stream()
                    .filter(f -> f.rule().equals(ChangedSinceLastRunRule.ID)).toList();
            assertEquals(expected, news(stored), "read back from the store");
            assertEquals(List.of("PASSWORD_CHANGED", "ENTRY_ADDED"), stored.get(3).evidence().changeKinds());
            assertEquals(List.of(List.of("PASSWORD_CHANGED"), List.of("ENTRY_ADDED"), List.of("PASSWORD_SET_BACK"),
                    List.of("PASSWORD_CHANGED", "ENTRY_ADDED")), store.timeline(CONFIG, 10).stream()
                    .map(RunStore.Change::kinds).toList(), "the timeline's records");
        }
    }

    /**
     * Rows of a store at V121 (before the kinds): V122 gives a row whose message told a computer password changed and
     * nothing else PASSWORD_CHANGED, so on-change still takes it for no change; every other row, with no kinds, is a
     * change, as the message match judged them (a password set back, a password change beside another change).
     */
    @Test
    void v122KindsTheRowsStoredBeforeItThatToldAPasswordChangeAlone() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("v121");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("121").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            storeRunsBeforeV122(st);
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            assertStoredBeforeV122(store);
        }
    }

    /** One successful run of {@link #CONFIG} with CHANGED_SINCE_LAST_RUN rows as runs before V122 stored them. */
    static void storeRunsBeforeV122(Statement st) throws Exception {
        st.execute("INSERT INTO audit_run (id, run_no, started_at, finished_at, status, trigger_name, config_path)"
                + " VALUES ('r1', 1, TIMESTAMP WITH TIME ZONE '2026-12-01 06:00:00+00:00', TIMESTAMP WITH TIME ZONE"
                + " '2026-12-01 06:01:00+00:00', 'SUCCEEDED', 'run', '" + CONFIG + "')");
        String insert = "INSERT INTO run_finding (run_id, finding_id, seq, rule_id, severity, cluster_name, host_name,"
                + " message, waived) VALUES ";
        st.execute(insert
                + "('r1', 'f0', 0, 'CHANGED_SINCE_LAST_RUN', 'INFO', 'HVC1', 'HV01', 'HV01: " + PASSWORD_LINE
                + ".', FALSE),"
                + "('r1', 'f1', 1, 'CHANGED_SINCE_LAST_RUN', 'INFO', 'HVC1', 'HV02', 'HV02: " + PASSWORD_LINE
                + "; HV02: delegation entry removed: cifs/HV01.', FALSE),"
                + "('r1', 'f2', 2, 'CHANGED_SINCE_LAST_RUN', 'INFO', 'HVC1', 'HV03', 'HV03: computer password set back"
                + " (pwdLastSet 2026-12-01 03:12:00 UTC -> 2026-11-01 03:12:00 UTC).', FALSE),"
                + "('r1', 'f3', 3, 'CHANGED_SINCE_LAST_RUN', 'INFO', 'HVC1', 'HV04', 'HV04: delegation entry added:"
                + " cifs/HV01.', FALSE),"
                + "('r1', 'f4', 4, 'MISSING_DELEGATION', 'HIGH', 'HVC1', 'HV05', 'HV05: " + PASSWORD_LINE
                + ".', FALSE)");
    }

    /** What V122 made of {@link #storeRunsBeforeV122}'s rows: the kinds, and on-change's judgement of each. */
    static void assertStoredBeforeV122(RunStore store) {
        List<Finding> stored = store.findings("r1");
        assertEquals(Arrays.asList(List.of("PASSWORD_CHANGED"), null, null, null, null), stored.stream()
                .map(f -> f.hasEvidence() ? f.evidence().changeKinds() : null).toList());
        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put("HV01", false);
        expected.put("HV02", true);
        expected.put("HV03", true);
        expected.put("HV04", true);
        assertEquals(expected, news(stored.subList(0, 4)));
        assertEquals(Arrays.asList(List.of("PASSWORD_CHANGED"), null, null, null), store.timeline(CONFIG, 10).stream()
                .map(RunStore.Change::kinds).toList());
    }

    /** A CHANGED_SINCE_LAST_RUN finding of {@code host} saying {@code message}, its changes of {@code kinds}. */
    private static Finding change(String host, String message, String... kinds) {
        return Finding.of(ChangedSinceLastRunRule.ID, Severity.INFO, "HVC1", host, null, null,
                message.replace('/', '|'), message,
                Evidence.builder().changeKinds(List.of(kinds)).build(), List.of());
    }

    /** Per host, whether its change alone would have a {@code notify: on-change} notice go out. */
    private static Map<String, Boolean> news(List<Finding> changes) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Finding f : changes) {
            out.put(f.host(), new NoticeBuilder.Change("all clusters", List.of(), List.of(), List.of(), List.of(f),
                    List.of(), List.of(), List.of()).changed());
        }
        return out;
    }
}
