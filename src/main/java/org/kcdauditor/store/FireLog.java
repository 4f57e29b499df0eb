package org.kcdauditor.store;

import static org.kcdauditor.store.RunStore.cut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code schedule_fire}: one row per time a scheduled job fired — which instance, for which
 * scheduled time, whether it was a recovery, the run it produced and how it ended. {@code schedule}
 * shows the last one per job; the clustered tests read it to prove each fire time ran once.
 */
public final class FireLog {
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";
    /** The daemon stopped (or died) before the fire's run finished. */
    public static final String INTERRUPTED = "INTERRUPTED";
    /**
     * The detail of a fire whose daemon died (crash, kill -9), as {@link #markInterrupted} and (followed by who runs it
     * again) {@link #markRecovered} write it; a fire the daemon's own stop cut off says why otherwise.
     */
    private static final String DIED = "interrupted: the daemon stopped before the run finished";
    private static final String DIED_RECOVERED =
            "interrupted: its daemon stopped before the run finished; run again by ";

    public record Fire(String id, String jobName, Instant fireTime, Instant firedAt, Instant finishedAt,
                       String instanceId, boolean recovering, String runId, String status, String detail) {
        /** INTERRUPTED by the daemon's stop (SIGTERM, systemctl stop or restart), not by its death. */
        public boolean stopped() {
            return INTERRUPTED.equals(status) && !DIED.equals(detail)
                    && (detail == null || !detail.startsWith(DIED_RECOVERED));
        }

        /**
         * What the fire was, for {@code history}: "recovered" (it ran again the fire a crash or stop interrupted),
         * "interrupted by stop", "interrupted, daemon died", or "" for a fire that ran at its time.
         */
        public String how() {
            if (INTERRUPTED.equals(status)) {
                return stopped() ? "interrupted by stop" : "interrupted, daemon died";
            }
            return recovering ? "recovered" : "";
        }
    }

    private final Database db;

    private static final String SELECT = "SELECT id, job_name, fire_time, fired_at, finished_at, instance_id,"
            + " recovering, run_id, status, detail FROM schedule_fire";

    public FireLog(Database db) {
        this.db = db;
    }

    public String start(String job, Instant fireTime, Instant now, String instance, boolean recovering) {
        String id = UUID.randomUUID().toString();
        update("INSERT INTO schedule_fire (id, job_name, fire_time, fired_at, instance_id, recovering, status)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)", id, job, ts(fireTime), ts(now), cut(instance, 200), recovering, RUNNING);
        return id;
    }

    public void finish(String id, Instant now, String runId, String status, String detail) {
        update("UPDATE schedule_fire SET finished_at = ?, run_id = ?, status = ?, detail = ? WHERE id = ?",
                ts(now), runId, status, cut(detail, 2000), id);
    }

    /**
     * The same for a fire that is still RUNNING; false, and nothing changed, when it has ended already (a stopping
     * daemon gives up on a job that has stored its run and recorded its fire, and is still sending its notices).
     */
    public boolean finishIfRunning(String id, Instant now, String runId, String status, String detail) {
        return update("UPDATE schedule_fire SET finished_at = ?, run_id = ?, status = ?, detail = ? WHERE id = ?"
                + " AND status = ?", ts(now), runId, status, cut(detail, 2000), id, RUNNING) == 1;
    }

    /**
     * Fires left RUNNING by a daemon that died are marked INTERRUPTED (Quartz's recovery runs them
     * again). Only a single daemon calls this at start: in a cluster another one may be running.
     */
    public int markInterrupted(Instant now) {
        return update("UPDATE schedule_fire SET status = ?, finished_at = ?, detail = ? WHERE status = ?",
                INTERRUPTED, ts(now), DIED, RUNNING);
    }

    /**
     * The fire a dead daemon left RUNNING, about to be run again by recovery on {@code instance}: INTERRUPTED. Quartz
     * recovers a job only once the daemon that ran it has stopped checking in (in a cluster nobody else marks it).
     */
    public int markRecovered(String job, Instant fireTime, Instant now, String instance) {
        return update("UPDATE schedule_fire SET status = ?, finished_at = ?, detail = ? WHERE job_name = ?"
                + " AND fire_time = ? AND status = ?", INTERRUPTED, ts(now),
                cut(DIED_RECOVERED + instance, 2000), job,
                ts(fireTime), RUNNING);
    }

    /** The fire each of {@code runIds} was made by, if a scheduled job's (a manual run has none). */
    public java.util.Map<String, Fire> ofRuns(java.util.Collection<String> runIds) {
        java.util.Map<String, Fire> out = new java.util.HashMap<>();
        if (runIds.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", java.util.Collections.nCopies(runIds.size(), "?"));
        for (Fire f : query(SELECT + " WHERE run_id IN (" + marks + ")", runIds.toArray())) {
            out.put(f.runId(), f);
        }
        return out;
    }

    /** Every fire of {@code job} for the scheduled time {@code fireTime} (a fire and its re-runs), oldest first. */
    public List<Fire> ofFireTime(String job, Instant fireTime) {
        return query(SELECT + " WHERE job_name = ? AND fire_time = ? ORDER BY fired_at", job, ts(fireTime));
    }

    public List<Fire> all() {
        return query(SELECT + " ORDER BY fire_time, fired_at");
    }

    public Optional<Fire> last(String job) {
        List<Fire> l = query(SELECT + " WHERE job_name = ? ORDER BY fired_at DESC FETCH FIRST 1 ROWS ONLY", job);
        return l.stream().findFirst();
    }

    /** When the last fire of {@code job} that SUCCEEDED ended, if any. */
    public Optional<Instant> lastSucceeded(String job) {
        return query(SELECT + " WHERE job_name = ? AND status = ? ORDER BY finished_at DESC FETCH FIRST 1 ROWS ONLY",
                job, SUCCEEDED).stream().findFirst().map(Fire::finishedAt);
    }

    /** The last fire of {@code job} that started after {@code time} and SUCCEEDED, if any. */
    public Optional<Fire> lastSucceededFiredAfter(String job, Instant time) {
        return query(SELECT + " WHERE job_name = ? AND status = ? AND fired_at > ? ORDER BY fired_at DESC"
                + " FETCH FIRST 1 ROWS ONLY", job, SUCCEEDED, ts(time)).stream().findFirst();
    }

    private List<Fire> query(String sql, Object... params) {
        List<Fire> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.setMaxRows(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Fire(rs.getString(1), rs.getString(2), instant(rs, 3), instant(rs, 4), instant(rs, 5),
                            rs.getString(6), rs.getBoolean(7), rs.getString(8), rs.getString(9), rs.getString(10)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read schedule_fire: "
                    + RunStore.firstLine(e), e);
        }
    }

    private int update(String sql, Object... params) {
        return db.update("write schedule_fire", sql, params);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
