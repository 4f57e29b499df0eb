package org.kcdauditor.notify;

import jakarta.mail.MessagingException;
import org.kcdauditor.schedule.StoreDb;
import org.kcdauditor.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The notice outbox ({@code notice_outbox}): a notice is stored, as its complete MIME message, before
 * it is sent, and marked SENT only after the SMTP server accepted it. A failed attempt leaves it
 * PENDING with the next attempt backed off (base, 2×base, 4×base … at most an hour); it is never
 * dropped. Stored once per key: a run that is recovered and re-run does not queue the same notice
 * twice.
 *
 * <p>At-least-once window: when the server has accepted a message and the process dies before the
 * row is marked SENT, the message is sent again on the next attempt — with the same Message-ID, so
 * mail clients and archives can de-duplicate it. Before a send the row is claimed for a few minutes,
 * so two daemons of a cluster never send the same row at the same time.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final Duration CLAIM = Duration.ofMinutes(5);

    /** A row as {@code kcd-audit outbox} lists it. */
    public record Entry(String id, String messageId, String runId, String jobName, Instant createdAt,
                        List<String> recipients, String subject, String status, int attempts, Instant nextAttemptAt,
                        String lastError, Instant sentAt) {
    }

    /** What one pass of {@link #sendDue} did. */
    public record Result(int sent, int failed) {
    }

    private final StoreDb db;
    private final Clock clock;
    private final Duration base;
    private final String instance;

    public Outbox(StoreDb db, Clock clock, Duration backoffBase, String instance) {
        this.db = db;
        this.clock = clock;
        this.base = backoffBase;
        this.instance = instance;
    }

    /** Stores a notice as PENDING, due now. False when a notice with this key is already stored. */
    public boolean enqueue(Notice n, byte[] mime) {
        Instant now = clock.instant();
        try (Connection c = db.connect()) {
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM notice_outbox WHERE id = ?")) {
                check.setString(1, n.key());
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice_outbox (id, message_id, run_id,"
                    + " job_name, created_at, recipients, subject, mime, status, attempts, next_attempt_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                ps.setString(1, n.key());
                ps.setString(2, n.messageId());
                ps.setString(3, n.runId());
                ps.setString(4, n.jobName());
                ps.setObject(5, ts(now));
                ps.setString(6, String.join(",", n.recipients()));
                ps.setString(7, cut(n.subject(), 1000));
                ps.setBytes(8, mime);
                ps.setString(9, PENDING);
                ps.setObject(10, ts(now));
                ps.executeUpdate();
                return true;
            } catch (SQLException e) {
                if ("23505".equals(e.getSQLState())) {
                    return false; // stored by another daemon a moment ago
                }
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot store notice " + n.key() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Sends every PENDING notice that is due. Each is claimed first (so a second daemon skips it),
     * sent, then marked SENT; a failure records the error and the next attempt time.
     */
    public Result sendDue(Mailer mailer) {
        int sent = 0;
        int failed = 0;
        for (String id : dueIds()) {
            if (!claim(id)) {
                continue;
            }
            Entry e = find(id);
            byte[] mime = mime(id);
            try {
                mailer.send(mime, e.recipients());
            } catch (MessagingException | RuntimeException ex) {
                failed++;
                int attempts = e.attempts() + 1;
                Instant next = clock.instant().plus(backoff(attempts));
                String reason = oneLine(ex);
                LOG.warn("notice {} not sent (attempt {}): {}; next attempt at {}", id, attempts, reason, next);
                update("UPDATE notice_outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, claimed_by = NULL,"
                        + " claimed_until = NULL WHERE id = ?", attempts, cut(reason, 2000), ts(next), id);
                continue;
            }
            // the server has the message: from here to the UPDATE is the at-least-once window
            update("UPDATE notice_outbox SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = NULL,"
                    + " claimed_by = NULL, claimed_until = NULL WHERE id = ?", SENT, ts(clock.instant()), id);
            LOG.info("notice {} sent to {} ({})", id, String.join(", ", e.recipients()), e.messageId());
            sent++;
        }
        return new Result(sent, failed);
    }

    Duration backoff(int attempts) {
        long factor = 1L << Math.min(attempts - 1, 20);
        Duration d = base.multipliedBy(factor);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private List<String> dueIds() {
        List<String> ids = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM notice_outbox"
                + " WHERE status = ? AND next_attempt_at <= ? ORDER BY created_at, id")) {
            ps.setString(1, PENDING);
            ps.setObject(2, ts(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the outbox: " + e.getMessage(), e);
        }
    }

    private boolean claim(String id) {
        Instant now = clock.instant();
        return update("UPDATE notice_outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND status = ?"
                + " AND (claimed_until IS NULL OR claimed_until < ?)", cut(instance, 200), ts(now.plus(CLAIM)), id,
                PENDING, ts(now)) == 1;
    }

    /** Pending notices (or all, newest first, when {@code all}). */
    public List<Entry> list(boolean all, int limit) {
        String sql = "SELECT id, message_id, run_id, job_name, created_at, recipients, subject, status, attempts,"
                + " next_attempt_at, last_error, sent_at FROM notice_outbox"
                + (all ? "" : " WHERE status = '" + PENDING + "'") + " ORDER BY created_at DESC, id";
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the outbox: " + e.getMessage(), e);
        }
    }

    public Entry find(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id, message_id, run_id,"
                + " job_name, created_at, recipients, subject, status, attempts, next_attempt_at, last_error, sent_at"
                + " FROM notice_outbox WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read the outbox: " + e.getMessage(), e);
        }
    }

    private byte[] mime(String id) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT mime FROM notice_outbox WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + db.display() + ": cannot read notice " + id + ": "
                    + e.getMessage(), e);
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        String recipients = rs.getString(6);
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                recipients == null || recipients.isEmpty() ? List.of() : Arrays.asList(recipients.split(",")),
                rs.getString(7), rs.getString(8), rs.getInt(9), instant(rs, 10), rs.getString(11), instant(rs, 12));
    }

    private int update(String sql, Object... params) {
        return db.update("update the outbox", sql, params);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** The reason of a failed send on one line; a MessagingException's cause (refused, timed out) included. */
    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        Throwable t = e;
        String last = null;
        while (t != null) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && !m.equals(last) && !sb.toString().contains(m.lines().findFirst().orElse(m).strip())) {
                sb.append(": ").append(m.lines().findFirst().orElse(m).strip());
                last = m;
            }
            t = t.getCause() == t ? null : t.getCause();
        }
        return sb.toString();
    }

    /** For tests and the {@code outbox} command: mime bytes of a stored notice. */
    public byte[] storedMime(String id) {
        return mime(id);
    }

}
