package org.kcdauditor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Reads of Quartz's JDBC job store tables (QRTZ_*) that {@code kcd-audit schedule} needs without starting Quartz. */
public final class JobStoreQueries {
    private final Database db;

    public JobStoreQueries(Database db) {
        this.db = db;
    }

    /** A cron trigger as the job store holds it: its cron expression and time zone id. */
    public record StoredCron(String cron, String timeZone) {
    }

    /** The cron expression and zone the job store holds for a cron trigger, or null when it holds none. */
    public StoredCron cron(String scheduler, String trigger, String group) {
        return triggerRow("SELECT CRON_EXPRESSION, TIME_ZONE_ID FROM QRTZ_CRON_TRIGGERS", scheduler, trigger, group,
                rs -> new StoredCron(rs.getString(1), rs.getString(2)));
    }

    /** The next fire time the job store holds for a trigger, or null when it holds none. */
    public Instant nextFireTime(String scheduler, String trigger, String group) {
        return triggerRow("SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS", scheduler, trigger, group, rs -> {
            long t = rs.getLong(1);
            return rs.wasNull() || t <= 0 ? null : Instant.ofEpochMilli(t);
        });
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** {@code select}'s row for one trigger (WHERE scheduler, trigger and group), read by {@code row}; or null. */
    private <T> T triggerRow(String select, String scheduler, String trigger, String group, Row<T> row) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(select
                + " WHERE SCHED_NAME = ? AND TRIGGER_NAME = ? AND TRIGGER_GROUP = ?")) {
            ps.setString(1, scheduler);
            ps.setString(2, trigger);
            ps.setString(3, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? row.read(rs) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the job store: "
                    + RunStore.firstLine(e), e);
        }
    }
}
