package org.kcdauditor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code notice_outbox}: mail notices stored as complete MIME messages before they are sent. The
 * send loop and its back-off live in {@code notify.Outbox}; this holds the SQL.
 */
public final class OutboxStore {
    public static final String PENDING = "PENDING";
    public static final String SENT = "SENT";
    /** Given up by an admin ({@code kcd-audit outbox --discard}): never sent, the row kept. */
    public static final String DISCARDED = "DISCARDED";

    /** What the SMTP server refused for good at a notice's last attempt: as it is stored, it cannot be delivered. */
    public enum Refused {
        /** Every recipient left (5xx at RCPT TO); the row keeps them, whatever mail.to now says. */
        RECIPIENTS,
        /** The message itself (5xx at the end of DATA: a size limit, a content filter). */
        MESSAGE
    }

    /**
     * A row as {@code kcd-audit outbox} lists it; {@code claimedUntil}: how long a send that claimed it may still be
     * under way (null or past: none); {@code refused}: null when the next attempt may deliver it.
     */
    public record Entry(String id, String messageId, String runId, String jobName, Instant createdAt,
                        List<String> recipients, String subject, String status, int attempts, Instant nextAttemptAt,
                        String lastError, Instant sentAt, String claimedBy, Instant claimedUntil, String discardedBy,
                        Instant discardedAt, Refused refused) {
    }

    /** What a new row holds. */
    public record NewNotice(String id, String messageId, String runId, String jobName, List<String> recipients,
                            String subject, byte[] mime) {
    }

    private static final String COLUMNS = "id, message_id, run_id, job_name, created_at, recipients, subject, status,"
            + " attempts, next_attempt_at, last_error, sent_at, claimed_by, claimed_until, discarded_by, discarded_at, refused";

    private final Database db;

    public OutboxStore(Database db) {
        this.db = db;
    }

    /** Stores a notice as PENDING, due at {@code now}. False when a notice with this id is already stored. */
    public boolean insert(NewNotice n, Instant now) {
        try (Connection c = db.connect()) {
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM notice_outbox WHERE id = ?")) {
                check.setString(1, n.id());
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO notice_outbox (id, message_id, run_id,"
                    + " job_name, created_at, recipients, subject, mime, status, attempts, next_attempt_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                ps.setString(1, n.id());
                ps.setString(2, n.messageId());
                ps.setString(3, n.runId());
                ps.setString(4, n.jobName());
                ps.setObject(5, ts(now));
                ps.setString(6, String.join(",", n.recipients()));
                ps.setString(7, RunStore.cut(n.subject(), 1000));
                ps.setBytes(8, n.mime());
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
            throw new StoreException("history store " + db.display() + ": cannot store notice " + n.id() + ": "
                    + RunStore.firstLine(e), e);
        }
    }

    /**
     * When the newest failure notice of {@code job} (a fire that could not run) was stored, if any. A discarded one
     * told nobody: it does not hold the next one back.
     */
    public java.util.Optional<Instant> lastFailureNotice(String job) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT MAX(created_at) FROM"
                + " notice_outbox WHERE job_name = ? AND id LIKE 'failed:%' AND status <> ?")) {
            ps.setString(1, job);
            ps.setString(2, DISCARDED);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? java.util.Optional.ofNullable(instant(rs, 1)) : java.util.Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailed("the outbox", e);
        }
    }

    /** A PENDING notice: its id and when its next attempt is due. */
    public record Pending(String id, Instant nextAttemptAt) {
    }

    /** The PENDING notices, due or not, oldest first. */
    public List<Pending> pending() {
        List<Pending> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id, next_attempt_at FROM"
                + " notice_outbox WHERE status = ? ORDER BY created_at, id")) {
            ps.setString(1, PENDING);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getString(1), instant(rs, 2)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("the outbox", e);
        }
    }

    /** Claims a PENDING row for {@code claimant} until {@code until}, unless someone else's claim is still valid. */
    public boolean claim(String id, String claimant, Instant now, Instant until) {
        return update("UPDATE notice_outbox SET claimed_by = ?, claimed_until = ? WHERE id = ? AND status = ?"
                + " AND (claimed_until IS NULL OR claimed_until < ?)", RunStore.cut(claimant, 200), ts(until), id,
                PENDING, ts(now)) == 1;
    }

    /**
     * A failed attempt: counted, with its error and the next attempt time; the claim is released. {@code recipients}:
     * whom the next attempt sends it to (fewer than before when the server accepted it for some, or refused some for
     * good); {@code refused}: what the server refused for good, or null.
     */
    public void attemptFailed(String id, int attempts, String error, Instant next, List<String> recipients,
                              Refused refused) {
        update("UPDATE notice_outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, recipients = ?,"
                + " refused = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?", attempts,
                RunStore.cut(error, 2000), ts(next), String.join(",", recipients),
                refused == null ? null : refused.name(), id);
    }

    /**
     * The SMTP server accepted the message (for every recipient left, or for some when it refused the others for
     * good: {@code note} names them, else null). The row stays, as {@code outbox --all} lists it, but its message
     * goes: nothing sends it again, and a PDF attached to each audience's notice of each run would otherwise grow the
     * store for ever, whatever store.retain keeps of the runs.
     */
    public void sent(String id, Instant at, String note) {
        update("UPDATE notice_outbox SET status = ?, attempts = attempts + 1, sent_at = ?, last_error = ?, mime = ?,"
                + " claimed_by = NULL, claimed_until = NULL WHERE id = ?", SENT, ts(at),
                note == null ? null : RunStore.cut(note, 2000), new byte[0], id);
    }

    /**
     * Marks a PENDING notice DISCARDED by {@code who} at {@code now}, unless a send has claimed it and may still be
     * under way (the claim outlasts the longest attempt): in the same atomic UPDATE as a claim, so a daemon either
     * claimed it first (and this changes nothing) or finds it DISCARDED and never sends it. The row stays, as
     * {@code outbox --all} lists it; its message goes, as a sent notice's does. False when nothing was changed.
     */
    public boolean discard(String id, String who, Instant now) {
        return update("UPDATE notice_outbox SET status = ?, discarded_by = ?, discarded_at = ?, mime = ?,"
                + " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status = ?"
                + " AND (claimed_until IS NULL OR claimed_until < ?)", DISCARDED, RunStore.cut(who, 200), ts(now),
                new byte[0], id, PENDING, ts(now)) == 1;
    }

    /** A notice's id with its run id cut to 8 characters, as {@code outbox} and {@code history} list them. */
    public static String shortId(String id) {
        return RUN_NOTICE.matcher(id).matches() ? id.substring(0, 8) + id.substring(36) : id;
    }

    private static final java.util.regex.Pattern RUN_NOTICE = java.util.regex.Pattern.compile(
            "\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}:.*");

    /**
     * The ids of the notices {@code given} names, oldest first, at most {@code limit}: the one whose id or
     * {@link #shortId} is {@code given}, else those whose id or short id starts with it.
     */
    public List<String> matching(String given, int limit) {
        List<String> exact = new ArrayList<>();
        List<String> starting = new ArrayList<>();
        // an id and its short id share their first 8 characters
        String head = given.substring(0, Math.min(8, given.length()));
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT id FROM notice_outbox"
                + " WHERE id LIKE ? ESCAPE '\\' ORDER BY created_at, id")) {
            ps.setString(1, head.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    if (id.equals(given) || shortId(id).equals(given)) {
                        exact.add(id);
                    } else if (id.startsWith(given) || shortId(id).startsWith(given)) {
                        starting.add(id);
                    }
                }
            }
        } catch (SQLException e) {
            throw readFailed("the outbox", e);
        }
        List<String> hits = exact.isEmpty() ? starting : exact;
        return hits.subList(0, Math.min(limit, hits.size()));
    }

    /** Pending notices (or all, newest first, when {@code all}). */
    public List<Entry> list(boolean all, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM notice_outbox" + (all ? "" : " WHERE status = ?")
                + " ORDER BY created_at DESC, id";
        List<Entry> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (!all) {
                ps.setString(1, PENDING);
            }
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(entry(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("the outbox", e);
        }
    }

    public Entry find(String id) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM notice_outbox WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? entry(rs) : null;
            }
        } catch (SQLException e) {
            throw readFailed("the outbox", e);
        }
    }

    /** The stored MIME message of a notice. */
    public byte[] mime(String id) {
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("SELECT mime FROM notice_outbox WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        } catch (SQLException e) {
            throw readFailed("notice " + id, e);
        }
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        String recipients = rs.getString(6);
        return new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                recipients == null || recipients.isEmpty() ? List.of() : Arrays.asList(recipients.split(",")),
                rs.getString(7), rs.getString(8), rs.getInt(9), instant(rs, 10), rs.getString(11), instant(rs, 12),
                rs.getString(13), instant(rs, 14), rs.getString(15), instant(rs, 16),
                rs.getString(17) == null ? null : Refused.valueOf(rs.getString(17)));
    }

    private int update(String sql, Object... params) {
        return db.update("update the outbox", sql, params);
    }

    private StoreException readFailed(String what, SQLException e) {
        return new StoreException("history store " + db.display() + ": cannot read " + what + ": "
                + RunStore.firstLine(e), e);
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
