package org.kcdauditor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Deletes the runs of one configuration that retention no longer keeps, each in a transaction of its own, oldest
 * first; the runs of other configurations sharing the store are left to theirs (only they know their baselines and
 * waivers). The newest are counted among the configuration's finished runs. Never deleted: a run that is not finished
 * (RUNNING), a pinned run (a baseline was captured from it), the configuration's last successful run, the last that is
 * not a check (what its next run compares with, {@link RunStore#previousRun(String)}: a preflight or a baseline capture
 * may have begun after it), its newest run, and the runs the caller names.
 */
final class Pruning {
    private static final List<String> TABLES = List.of("run_finding", "run_host_attr", "run_host", "run_patch",
            "run_event", "run_trend", "run_missing_node", "run_node_fact");

    private final Connection connection;
    private final SnapshotRows snapshots;

    Pruning(Connection connection, SnapshotRows snapshots) {
        this.connection = connection;
        this.snapshots = snapshots;
    }

    /** A run as pruning sees it. */
    private record Row(String id, String status, Instant startedAt, String pinned, String trigger) {
    }

    /**
     * @param historyKey the configuration whose runs are pruned ({@link RunStore#historyKey})
     * @param keepNewest the newest runs kept (0: no limit by count)
     * @param before     runs started before this are pruned (null: no limit by age)
     * @param keep       runs kept whatever their age (evidence of open waivers, a baseline's run, explained failures)
     * @param dryRun     only list what would be pruned
     */
    List<RunSummary> prune(String historyKey, int keepNewest, Instant before, Set<String> keep, boolean dryRun,
                           RunStore store) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, status, started_at, config_path, pinned, trigger_name"
                + " FROM audit_run ORDER BY run_no DESC")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!RunStore.sameHistory(rs.getString(4), historyKey)) {
                        continue;
                    }
                    rows.add(new Row(rs.getString(1), rs.getString(2), RunStore.instant(rs, 3), rs.getString(5),
                            rs.getString(6)));
                }
            }
        }
        Set<String> protectedIds = new HashSet<>(keep);
        boolean lastSuccessfulSeen = false;
        boolean lastComparedSeen = false;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            boolean lastSuccessful = !lastSuccessfulSeen && RunSummary.SUCCEEDED.equals(r.status());
            lastSuccessfulSeen |= lastSuccessful;
            boolean lastCompared = !lastComparedSeen && RunSummary.SUCCEEDED.equals(r.status())
                    && !RunSummary.CHECKS.contains(r.trigger());
            lastComparedSeen |= lastCompared;
            if (i == 0 || lastSuccessful || lastCompared || r.pinned() != null) {
                protectedIds.add(r.id());
            }
        }
        // the newest runs are counted among the finished ones: a run in progress is kept anyway
        List<Row> finished = rows.stream().filter(r -> !RunSummary.RUNNING.equals(r.status())).toList();
        List<RunSummary> pruned = new ArrayList<>();
        for (int i = finished.size() - 1; i >= 0; i--) {
            Row r = finished.get(i);
            boolean tooMany = keepNewest > 0 && i >= keepNewest;
            boolean tooOld = before != null && r.startedAt() != null && r.startedAt().isBefore(before);
            if (!(tooMany || tooOld) || protectedIds.contains(r.id())) {
                continue;
            }
            RunSummary summary = store.find(r.id()).orElseThrow();
            if (!dryRun) {
                delete(r.id());
            }
            pruned.add(summary);
        }
        return pruned;
    }

    /** Deletes a run's rows, its trend included, but its {@code audit_run} row, in the caller's transaction. */
    static void deleteRows(Connection connection, String runId) throws SQLException {
        for (String table : TABLES) {
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
                ps.setString(1, runId);
                ps.executeUpdate();
            }
        }
    }

    private void delete(String runId) throws SQLException {
        RunStore.inTransaction(connection, () -> {
            snapshots.detach(runId);
            deleteRows(connection, runId);
            try (PreparedStatement ps = connection.prepareStatement("DELETE FROM audit_run WHERE id = ?")) {
                ps.setString(1, runId);
                ps.executeUpdate();
            }
            return null;
        });
    }
}
