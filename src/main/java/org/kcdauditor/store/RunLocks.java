package org.kcdauditor.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code run_lock}: named, expiring locks ({@code audit} for every audit of the store,
 * {@code schedule-reconcile} for daemons starting together, {@code daemon} held by a single daemon while it runs),
 * each recording the process that holds it.
 */
public final class RunLocks {
    /** A held lock as stored. */
    public record Lock(String name, String owner, Holder holder, Instant acquiredAt, Instant expiresAt) {
        /** For messages: who holds it, since and until when. */
        public String describe() {
            return owner + " since " + acquiredAt + ", until " + expiresAt + " unless renewed";
        }
    }

    private final Connection connection;
    private final String display;

    RunLocks(Connection connection, String display) {
        this.connection = connection;
        this.display = display;
    }

    /** Takes the lock for {@code owner} (this process) until {@code now + ttl}; an expired lock is taken over. */
    public boolean tryLock(String name, String owner, Instant now, Duration ttl) {
        return tryLock(name, owner, Holder.current(), now, ttl);
    }

    /**
     * Takes the named lock for {@code owner} until {@code now + ttl}; an expired lock is taken over.
     *
     * @return false when someone else holds it
     */
    public boolean tryLock(String name, String owner, Holder holder, Instant now, Duration ttl) {
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "DELETE FROM run_lock WHERE name = ? AND expires_at < ?")) {
                RunStore.bind(ps, name, RunStore.ts(now));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_lock (name, owner, acquired_at,"
                    + " expires_at, holder_host, holder_pid, holder_started) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                RunStore.bind(ps, name, RunStore.cut(owner, 200), RunStore.ts(now), RunStore.ts(now.plus(ttl)),
                        RunStore.cut(holder.host(), 255), holder.pid(), RunStore.ts(holder.started()));
                ps.executeUpdate();
                return true;
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw new StoreException("history store " + display + ": cannot take lock " + name + ": "
                    + RunStore.firstLine(e), e);
        }
    }

    /**
     * Takes over a lock from {@code deadOwner} (whose process is known to be gone): succeeds only if
     * {@code deadOwner} still holds it, so two processes taking over at once cannot both win.
     */
    public boolean takeOver(String name, String deadOwner, String owner, Instant now, Duration ttl) {
        Holder me = Holder.current();
        try (PreparedStatement ps = connection.prepareStatement("UPDATE run_lock SET owner = ?, acquired_at = ?,"
                + " expires_at = ?, holder_host = ?, holder_pid = ?, holder_started = ? WHERE name = ? AND owner = ?")) {
            RunStore.bind(ps, RunStore.cut(owner, 200), RunStore.ts(now), RunStore.ts(now.plus(ttl)),
                    RunStore.cut(me.host(), 255), me.pid(), RunStore.ts(me.started()), name, RunStore.cut(deadOwner, 200));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot take over lock " + name + ": "
                    + RunStore.firstLine(e), e);
        }
    }

    /** Extends a lock {@code owner} holds to {@code now + ttl}; false when it no longer holds it. */
    public boolean renew(String name, String owner, Instant now, Duration ttl) {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE run_lock SET expires_at = ? WHERE name = ? AND owner = ?")) {
            RunStore.bind(ps, RunStore.ts(now.plus(ttl)), name, RunStore.cut(owner, 200));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot renew lock " + name + ": "
                    + RunStore.firstLine(e), e);
        }
    }

    /** The lock as stored; empty when it is free. */
    public Optional<Lock> holder(String name) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT owner, acquired_at, expires_at, holder_host,"
                + " holder_pid, holder_started FROM run_lock WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long pid = rs.getLong(5);
                Holder h = rs.wasNull() || rs.getString(4) == null ? null
                        : new Holder(rs.getString(4), pid, RunStore.instant(rs, 6));
                return Optional.of(new Lock(name, rs.getString(1), h, RunStore.instant(rs, 2), RunStore.instant(rs, 3)));
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot read lock " + name + ": "
                    + RunStore.firstLine(e), e);
        }
    }

    public void unlock(String name, String owner) {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM run_lock WHERE name = ? AND owner = ?")) {
            RunStore.bind(ps, name, RunStore.cut(owner, 200));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot release lock " + name + ": "
                    + RunStore.firstLine(e), e);
        }
    }
}
