package org.kcdauditor.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.model.Uac;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.IdentityHashMap;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The history store: runs, their snapshots (cluster nodes with attributes, patches, events) and
 * findings, in any JDBC database Flyway migrates ({@code db/migration}, V1..V99). Portable SQL only,
 * so H2 (embedded default) and PostgreSQL run the same code.
 *
 * <p>Life of a run: {@link #begin} records it RUNNING (committed at once, so a crash leaves a trace);
 * {@link #complete} writes the snapshot and findings and marks it SUCCEEDED in <em>one</em>
 * transaction; {@link #fail} marks it FAILED with its reason. Nothing here ever updates or deletes
 * another run's rows. {@link #tryLock}/{@link #unlock} give a scheduler a named, expiring run lock.
 */
public final class RunStore implements AutoCloseable {
    /** Rows per JDBC batch. */
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final int BATCH = 5_000;

    private static final String SELECT_RUN = "SELECT id, started_at, finished_at, status, trigger_name, config_path,"
            + " directory_url, failure_reason, report_dir, objects_read, hosts, findings, high, medium, low, info,"
            + " waived, compliance FROM audit_run";

    private final Connection connection;
    private final String display;

    private RunStore(Connection connection, String display) {
        this.connection = connection;
        this.display = display;
    }

    /**
     * Opens the database and brings its schema up to date. A database that cannot be opened (corrupt
     * file, wrong credentials, unreachable server) is a {@link StoreException}; the file is left as it is.
     */
    public static RunStore open(String url, String user, char[] password) {
        String display = StoreUrls.display(url);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", new String(password));
        }
        Connection c;
        try {
            c = DriverManager.getConnection(url, props);
        } catch (SQLException e) {
            throw new StoreException("history store " + display + " cannot be opened: " + firstLine(e)
                    + " (a damaged H2 file is left untouched: move it aside, or point store.url elsewhere)", e);
        }
        try {
            Flyway.configure().dataSource(new SingleConnectionDataSource(c)).locations("classpath:db/migration")
                    .load().migrate();
            c.setAutoCommit(true);
            return new RunStore(c, display);
        } catch (FlywayException | SQLException e) {
            closeQuietly(c);
            throw new StoreException("history store " + display + ": schema migration failed: " + firstLine(e), e);
        }
    }

    /** Records a run as RUNNING, committed at once. */
    public void begin(String runId, Instant startedAt, String trigger, String configPath, String directoryUrl,
                      String baseDn) {
        update("record the start of run " + runId, "INSERT INTO audit_run (id, run_no, started_at, status,"
                        + " trigger_name, config_path, directory_url, base_dn)"
                        + " SELECT ?, COALESCE(MAX(run_no), 0) + 1, ?, ?, ?, ?, ?, ? FROM audit_run",
                runId, ts(startedAt), RunSummary.RUNNING, trigger, cut(configPath, 1000), cut(directoryUrl, 1000),
                cut(baseDn, 1000));
    }

    /** Marks a run FAILED with its reason. Writes nothing else; earlier runs are untouched. */
    public void fail(String runId, Instant finishedAt, String reason) {
        update("record the failure of run " + runId, "UPDATE audit_run SET status = ?, finished_at = ?,"
                        + " failure_reason = ? WHERE id = ? AND status = ?",
                RunSummary.FAILED, ts(finishedAt), cut(reason == null ? "unknown" : reason, 2000), runId,
                RunSummary.RUNNING);
    }

    /** Writes the snapshot, patches, events and findings of a run and marks it SUCCEEDED, all in one transaction. */
    public void complete(String runId, Instant finishedAt, CompletedRun run) {
        try {
            connection.setAutoCommit(false);
            try {
                writeHosts(runId, run.result().context());
                writePatches(runId, run.patches());
                writeEvents(runId, run.events());
                writeFindings(runId, run.result().findings());
                writeTrend(runId, run.trend());
                AuditResult r = run.result();
                Map<String, Integer> by = r.bySeverity();
                int waived = (int) r.findings().stream().filter(Finding::isWaived).count();
                try (PreparedStatement ps = connection.prepareStatement("UPDATE audit_run SET status = ?,"
                        + " finished_at = ?, report_dir = ?, objects_read = ?, hosts = ?, findings = ?, high = ?,"
                        + " medium = ?, low = ?, info = ?, waived = ?, compliance = ? WHERE id = ? AND status = ?")) {
                    bind(ps, RunSummary.SUCCEEDED, ts(finishedAt),
                            run.reportDir() == null ? null : cut(run.reportDir().toString(), 1000), run.objectsRead(),
                            r.context().nodes().size(), r.findings().size(), by.get("HIGH"), by.get("MEDIUM"),
                            by.get("LOW"), by.get("INFO"), waived, r.compliancePercent(), runId, RunSummary.RUNNING);
                    if (ps.executeUpdate() != 1) {
                        throw new SQLException("run " + runId + " is not RUNNING in the store");
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot write run " + runId + ": " + firstLine(e), e);
        }
    }

    /** Newest first. */
    public List<RunSummary> list(int limit) {
        return query("list runs", SELECT_RUN + " ORDER BY run_no DESC", limit);
    }

    /** A run by id or unique id prefix (as {@code history} prints it). */
    public Optional<RunSummary> find(String idOrPrefix) {
        List<RunSummary> hits = query("find run " + idOrPrefix, SELECT_RUN + " WHERE id LIKE ? ORDER BY run_no",
                3, idOrPrefix.replace("%", "").replace("_", "\\_") + "%");
        if (hits.size() > 1) {
            throw new IllegalArgumentException("run id prefix '" + idOrPrefix + "' is ambiguous: give more characters");
        }
        return hits.stream().findFirst();
    }

    /** The SUCCEEDED run that began last. */
    public Optional<RunSummary> lastSuccessful() {
        return query("find the last successful run", SELECT_RUN + " WHERE status = ? ORDER BY run_no DESC",
                1, RunSummary.SUCCEEDED).stream().findFirst();
    }

    /** The SUCCEEDED run of one configuration file that began last (a store may serve several configs). */
    public Optional<RunSummary> lastSuccessful(String configPath) {
        if (configPath == null) {
            return query("find the last successful run", SELECT_RUN + " WHERE status = ? AND config_path IS NULL"
                    + " ORDER BY run_no DESC", 1, RunSummary.SUCCEEDED).stream().findFirst();
        }
        return query("find the last successful run", SELECT_RUN + " WHERE status = ? AND config_path = ?"
                + " ORDER BY run_no DESC", 1, RunSummary.SUCCEEDED, cut(configPath, 1000)).stream().findFirst();
    }

    /** The previous successful run as the audit needs it: node states and finding ids. */
    public Optional<PreviousRun> previousRun() {
        return lastSuccessful().map(this::previous);
    }

    /** The previous successful run of one configuration file (what {@code AuditRun} compares against). */
    public Optional<PreviousRun> previousRun(String configPath) {
        return lastSuccessful(configPath).map(this::previous);
    }

    private PreviousRun previous(RunSummary r) {
        return new PreviousRun(r.id(), r.finishedAt(), hostStates(r.id()), findingIds(r.id()));
    }

    /** One stored CHANGED_SINCE_LAST_RUN record: when, which host, what the message said. */
    public record Change(String runId, Instant at, String host, String message) {
    }

    /**
     * The timeline of one configuration: the CHANGED_SINCE_LAST_RUN findings of its successful runs,
     * newest run first, at most {@code limit}.
     */
    public List<Change> timeline(String configPath, int limit) {
        List<Change> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.id, r.finished_at, f.host_name, f.message"
                + " FROM run_finding f JOIN audit_run r ON r.id = f.run_id WHERE f.rule_id = 'CHANGED_SINCE_LAST_RUN'"
                + " AND r.status = ? AND r.config_path = ? ORDER BY r.run_no DESC, f.seq")) {
            bind(ps, RunSummary.SUCCEEDED, cut(configPath, 1000));
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Change(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the change timeline", e);
        }
    }

    /**
     * The trend of one configuration: its last {@code limit} successful runs, newest first, each with its finish
     * time, open HIGH findings and, where stored (runs since V110), pairs, pairs OK and new/resolved counts.
     */
    public List<TrendPoint> trend(String configPath, int limit) {
        List<TrendPoint> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.id, r.finished_at, r.high, t.pairs,"
                + " t.pairs_ok, t.new_findings, t.resolved_findings FROM audit_run r LEFT JOIN run_trend t"
                + " ON t.run_id = r.id WHERE r.status = ? AND r.config_path = ? ORDER BY r.run_no DESC")) {
            bind(ps, RunSummary.SUCCEEDED, cut(configPath, 1000));
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TrendPoint(rs.getString(1), instant(rs, 2), integer(rs, 4), integer(rs, 5),
                            integer(rs, 3), integer(rs, 6), integer(rs, 7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the trend of " + configPath, e);
        }
    }

    private void writeTrend(String runId, TrendPoint t) throws SQLException {
        if (t == null || t.pairs() == null || t.pairsOk() == null) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_trend (run_id, pairs, pairs_ok,"
                + " new_findings, resolved_findings) VALUES (?, ?, ?, ?, ?)")) {
            bind(ps, runId, t.pairs(), t.pairsOk(), t.newFindings(), t.resolvedFindings());
            ps.executeUpdate();
        }
    }

    /** Ids of the findings a run recorded (waived ones included). */
    public Set<String> findingIds(String runId) {
        Set<String> ids = new LinkedHashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT finding_id FROM run_finding WHERE run_id = ? ORDER BY seq")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw readFailed("read findings of run " + runId, e);
        }
    }

    /** The findings a run recorded, in report order (their text; evidence and actions are in its findings.json). */
    public List<Finding> findings(String runId) {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT finding_id, rule_id, severity, cluster_name,"
                + " host_name, peer, spn, message, remediation, waived, justification FROM run_finding WHERE run_id = ?"
                + " ORDER BY seq")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean waived = rs.getBoolean(10);
                    out.add(new Finding(rs.getString(1), rs.getString(2), Severity.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), null, List.of(), waived ? Boolean.TRUE : null,
                            waived ? new Finding.Waiver(rs.getString(11), null) : null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read findings of run " + runId, e);
        }
    }

    /** Node states (userAccountControl flags, delegation entries) a run recorded, by host name. */
    public Map<String, HostState> hostStates(String runId) {
        Map<String, Integer> uac = new LinkedHashMap<>();
        Map<String, List<String>> delegateTo = new LinkedHashMap<>();
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT host_name, uac FROM run_host WHERE run_id = ? AND cluster_name IS NOT NULL ORDER BY host_name")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        uac.put(rs.getString(1), rs.getInt(2));
                        delegateTo.put(rs.getString(1), new ArrayList<>());
                    }
                }
            }
            // No ORDER BY: one row per host, and the hosts' order is the first query's. Sorting 20,000
            // rows of JSON arrays made H2 spill the whole result to a temporary file first.
            try (PreparedStatement ps = connection.prepareStatement("SELECT host_name, vals FROM run_host_attr"
                    + " WHERE run_id = ? AND attr = 'delegateTo'")) {
                ps.setString(1, runId);
                // As the collector does: the same few values recur in every peer's list (1.45 million
                // values, about 80,000 distinct, at 20,000 hosts); each distinct one is kept once.
                Map<String, String> canonical = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> values = delegateTo.get(rs.getString(1));
                        if (values == null) {
                            continue; // a file server's row: not a node
                        }
                        for (String v : JSON.readValue(rs.getString(2), STRINGS)) {
                            values.add(v == null ? null : canonical.computeIfAbsent(v, k -> k));
                        }
                    }
                }
            } catch (JsonProcessingException e) {
                throw new SQLException("stored delegation values of run " + runId + " are not a JSON list", e);
            }
        } catch (SQLException e) {
            throw readFailed("read the snapshot of run " + runId, e);
        }
        Map<String, HostState> out = new LinkedHashMap<>();
        uac.forEach((h, u) -> out.put(h, new HostState(h, Uac.flagNames(u), delegateTo.get(h))));
        return out;
    }

    /** Patch records a run stored. */
    public int count(String table, String runId) {
        if (!List.of("run_host", "run_host_attr", "run_patch", "run_event", "run_finding").contains(table)) {
            throw new IllegalArgumentException(table);
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw readFailed("count " + table, e);
        }
    }

    /**
     * Takes the named lock for {@code owner} until {@code now + ttl}; an expired lock is taken over.
     *
     * @return false when someone else holds it
     */
    public boolean tryLock(String name, String owner, Instant now, Duration ttl) {
        try {
            try (PreparedStatement ps = connection.prepareStatement(
                    "DELETE FROM run_lock WHERE name = ? AND expires_at < ?")) {
                bind(ps, name, ts(now));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO run_lock (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)")) {
                bind(ps, name, cut(owner, 200), ts(now), ts(now.plus(ttl)));
                ps.executeUpdate();
                return true;
            }
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw new StoreException("history store " + display + ": cannot take lock " + name + ": " + firstLine(e), e);
        }
    }

    /** Extends a lock {@code owner} holds to {@code now + ttl}; false when it no longer holds it. */
    public boolean renewLock(String name, String owner, Instant now, Duration ttl) {
        try (PreparedStatement ps = connection.prepareStatement(
                "UPDATE run_lock SET expires_at = ? WHERE name = ? AND owner = ?")) {
            bind(ps, ts(now.plus(ttl)), name, cut(owner, 200));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot renew lock " + name + ": " + firstLine(e), e);
        }
    }

    /** Who holds a lock and until when; empty when it is free. */
    public Optional<String> lockHolder(String name) {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT owner, acquired_at, expires_at FROM run_lock WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1) + " since " + instant(rs, 2) + ", until "
                        + instant(rs, 3) + " unless renewed") : Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailed("read lock " + name, e);
        }
    }

    public void unlock(String name, String owner) {
        update("release lock " + name, "DELETE FROM run_lock WHERE name = ? AND owner = ?", name, owner);
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private void writeHosts(String runId, AuditContext ctx) throws SQLException {
        List<AdObject> hosts = new ArrayList<>(ctx.nodes());
        Set<AdObject> listed = Collections.newSetFromMap(new IdentityHashMap<>());
        listed.addAll(hosts);
        ctx.clusters().forEach(c -> c.fileServers().stream().filter(listed::add).forEach(hosts::add));
        try (PreparedStatement h = connection.prepareStatement("INSERT INTO run_host (run_id, host_name, cluster_name,"
                + " dn, sam_account, dns_host_name, uac, object_sid, os, os_version, when_changed, usn_changed)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement v = connection.prepareStatement(
                     "INSERT INTO run_host_attr (run_id, host_name, attr, vals) VALUES (?, ?, ?, ?)")) {
            Set<String> seen = new LinkedHashSet<>();
            int[] pending = {0};
            for (AdObject o : hosts) {
                String name = cut(o.name(), 255);
                if (!seen.add(name.toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                var cluster = ctx.clusterOf(o);
                bind(h, runId, name, cluster == null ? null : cut(cluster.name(), 255), cut(o.dn(), 1000),
                        cut(o.samAccountName(), 255), cut(o.dnsHostName(), 255), o.userAccountControl(),
                        cut(o.objectSid(), 200), cut(o.operatingSystem(), 255), cut(o.operatingSystemVersion(), 255),
                        ts(o.whenChanged()), o.usnChanged());
                h.addBatch();
                pending[0] += 1 + values(v, runId, name, "delegateTo", o.delegateTo())
                        + values(v, runId, name, "spn", o.spns()) + values(v, runId, name, "rbcd", o.rbcdSids());
                if (pending[0] >= BATCH) {
                    // Bounded batches: a 20,000-host snapshot is about 1.5 million values.
                    h.executeBatch();
                    v.executeBatch();
                    pending[0] = 0;
                }
            }
            h.executeBatch();
            v.executeBatch();
        }
    }

    /** Adds one batched row holding the values as a JSON array (none for an empty list); returns the rows added. */
    private static int values(PreparedStatement v, String runId, String host, String attr, List<String> values)
            throws SQLException {
        if (values.isEmpty()) {
            return 0;
        }
        try {
            bind(v, runId, host, attr, JSON.writeValueAsString(values));
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot encode the " + attr + " values of " + host, e);
        }
        v.addBatch();
        return 1;
    }

    private void writePatches(String runId, List<PatchRecord> patches) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_patch (run_id, seq, host_name, kb,"
                + " installed_on, description, origin) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < patches.size(); i++) {
                PatchRecord p = patches.get(i);
                bind(ps, runId, i, cut(p.host(), 255), cut(p.kb(), 32), p.installedOn(), cut(p.description(), 255),
                        cut(p.origin(), 1000));
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    private void writeEvents(String runId, List<EventRecord> events) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_event (run_id, seq, host_name,"
                + " event_id, time_created, source_host, dest_host, classification, hresult, message, origin)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < events.size(); i++) {
                EventRecord e = events.get(i);
                bind(ps, runId, i, cut(e.host(), 255), e.eventId(), ts(e.timeCreated()), cut(e.sourceHost(), 255),
                        cut(e.destinationHost(), 255), cut(e.classification().name(), 32), cut(e.hresult(), 16),
                        cut(e.message(), 4000), cut(e.origin(), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void writeFindings(String runId, List<Finding> findings) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_finding (run_id, finding_id, seq,"
                + " rule_id, severity, cluster_name, host_name, peer, spn, message, remediation, waived, justification)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < findings.size(); i++) {
                Finding f = findings.get(i);
                bind(ps, runId, f.id(), i, f.rule(), f.severity().name(), cut(f.cluster(), 255), cut(f.host(), 255),
                        cut(f.peer(), 255), cut(f.spn(), 1000), cut(f.message(), 4000), cut(f.remediation(), 4000),
                        f.isWaived(), f.waiver() == null ? null : cut(f.waiver().justification(), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private List<RunSummary> query(String what, String sql, int limit, Object... params) {
        List<RunSummary> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Integer> by = new LinkedHashMap<>();
                    by.put("HIGH", integer(rs, 13));
                    by.put("MEDIUM", integer(rs, 14));
                    by.put("LOW", integer(rs, 15));
                    by.put("INFO", integer(rs, 16));
                    double compliance = rs.getDouble(18);
                    out.add(new RunSummary(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            integer(rs, 10), integer(rs, 11), integer(rs, 12), by, integer(rs, 17),
                            rs.wasNull() ? null : compliance));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(what, e);
        }
    }

    private void update(String what, String sql, Object... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot " + what + ": " + firstLine(e), e);
        }
    }

    private StoreException readFailed(String what, SQLException e) {
        return new StoreException("history store " + display + ": cannot " + what + ": " + firstLine(e), e);
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t);
            } else if (p instanceof LocalDate d) {
                ps.setObject(i + 1, d);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static Integer integer(ResultSet rs, int col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the transaction is gone with it
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
