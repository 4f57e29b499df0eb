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
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT CRON_EXPRESSION,"
                + " TIME_ZONE_ID FROM QRTZ_CRON_TRIGGERS WHERE SCHED_NAME = ? AND TRIGGER_NAME = ? AND TRIGGER_GROUP = ?")) {
            ps.setString(1, scheduler);
            ps.setString(2, trigger);
            ps.setString(3, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new StoredCron(rs.getString(1), rs.getString(2)) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the job store: "
                    + e.getMessage(), e);
        }
    }

    /** The next fire time the job store holds for a trigger, or null when it holds none. */
    public Instant nextFireTime(String scheduler, String trigger, String group) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT NEXT_FIRE_TIME FROM"
                + " QRTZ_TRIGGERS WHERE SCHED_NAME = ? AND TRIGGER_NAME = ? AND TRIGGER_GROUP = ?")) {
            ps.setString(1, scheduler);
            ps.setString(2, trigger);
            ps.setString(3, group);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long t = rs.getLong(1);
                    return rs.wasNull() || t <= 0 ? null : Instant.ofEpochMilli(t);
                }
                return null;
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the job store: "
                    + e.getMessage(), e);
        }
    }
}
