package org.kcdauditor.store;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.NodeNames;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.Uac;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A run's snapshot rows: {@code run_host} (the cluster nodes and file servers with their attributes),
 * {@code run_host_attr} (their multi-valued attributes as deflated JSON arrays, {@link PackedValues}:
 * {@code delegateTo}, {@code spn}, {@code rbcd}, and {@code changes}, the replication metadata of the delegation
 * attributes), {@code run_patch}, {@code run_event}.
 *
 * <p>Stored as changes against the previous run of the same configuration: a multi-valued attribute whose
 * values are those of the previous run (same SHA-256 digest of the deflated array) is a row without values that
 * names the run holding them ({@code same_as}, always a run with the values themselves, never another reference). At
 * 20,000 hosts the delegation lists are most of a snapshot, and from one day to the next nearly all of them
 * are unchanged. Pruning a run others refer to first copies its values into the oldest of them
 * ({@link #detach}).
 */
final class SnapshotRows {
    /** Rows per JDBC batch (and, for a run's hosts, per commit: {@link #write}). */
    static final int BATCH = 5_000;

    private final Connection connection;

    SnapshotRows(Connection connection) {
        this.connection = connection;
    }

    /** Where an attribute's values of the previous run live: its digest and the run holding the values. */
    private record Stored(String digest, String holder) {
    }

    /** Called after each batch of rows is written ({@link #write}). */
    @FunctionalInterface
    interface Checkpoint {
        void reached() throws SQLException;
    }

    /**
     * Writes the nodes and file servers of {@code ctx}, each attribute against {@code previousRun} (may be null),
     * calling {@code checkpoint} after each batch of about {@code batch} rows (the store commits there).
     * {@code previousStates}: that run's node states as the audit read them ({@link #hostStates}), or empty; a node
     * whose delegation values equal its state there is stored as the same without packing them again.
     */
    void write(String runId, AuditContext.Hosts ctx, String previousRun, Map<String, HostState> previousStates,
               int batch, Checkpoint checkpoint) throws SQLException {
        Map<String, Map<String, Stored>> before = previousRun == null ? Map.of() : digests(previousRun);
        MessageDigest sha = sha256();
        PackedValues packer = new PackedValues();
        try (Rows h = new Rows(connection, "INSERT INTO run_host (run_id, host_name, cluster_name, dn, sam_account,"
                + " dns_host_name, uac, object_sid, os, os_version, when_changed, usn_changed, enc_types,"
                + " pwd_last_set)", 14);
             Rows v = new Rows(connection, "INSERT INTO run_host_attr (run_id, host_name, attr, vals_deflated, digest,"
                     + " same_as)", 6)) {
            Set<String> seen = new LinkedHashSet<>();
            int pending = 0;
            for (AdObject o : ctx.hosts()) {
                String name = RunStore.cut(o.name(), 255);
                if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                var cluster = ctx.clusterOf().get(o);
                h.add(runId, name, cluster == null ? null : RunStore.cut(cluster.name(), 255),
                        RunStore.cut(o.dn(), 1000), RunStore.cut(o.samAccountName(), 255),
                        RunStore.cut(o.dnsHostName(), 255), o.userAccountControl(), RunStore.cut(o.objectSid(), 200),
                        RunStore.cut(o.operatingSystem(), 255), RunStore.cut(o.operatingSystemVersion(), 255),
                        RunStore.ts(o.whenChanged()), o.usnChanged(), HostState.encryptionTypes(o),
                        RunStore.ts(o.pwdLastSet()));
                HostState was = previousStates.get(name);
                Stored same = was != null && !o.delegateTo().isEmpty() && was.delegateTo().equals(o.delegateTo())
                        ? stored(before, name, "delegateTo") : null;
                pending += 1 + (same != null ? reference(v, runId, name, "delegateTo", same)
                        : values(v, packer, sha, before, runId, name, "delegateTo", o.delegateTo()))
                        + values(v, packer, sha, before, runId, name, "spn", o.spns())
                        + values(v, packer, sha, before, runId, name, "rbcd", o.rbcdSids())
                        + values(v, packer, sha, before, runId, name, "changes", ctx.snapshot().changesOf(o));
                if (pending >= batch) {
                    // Bounded batches: a 20,000-host snapshot is about 1.5 million values.
                    h.insert();
                    v.insert();
                    checkpoint.reached();
                    pending = 0;
                }
            }
            h.insert();
            v.insert();
            checkpoint.reached();
        } catch (UncheckedIOException e) {
            throw new SQLException("cannot encode the values of a host", e.getCause());
        } finally {
            packer.close();
        }
    }

    /**
     * Adds one batched row for an attribute (none for an empty list): the values as a deflated JSON array, or,
     * when the previous run stored the same, a reference to the run holding them. Returns the rows added.
     */
    private static int values(Rows v, PackedValues packer, MessageDigest sha,
                              Map<String, Map<String, Stored>> before, String runId, String host, String attr,
                              List<?> values) throws SQLException {
        if (values.isEmpty()) {
            return 0;
        }
        byte[] packed = packer.pack(values);
        // Over the deflated bytes: a tenth of the JSON to hash, and as telling, since inflating them gives the JSON.
        String digest = HexFormat.of().formatHex(sha.digest(packed), 0, 16);
        Stored prev = stored(before, host, attr);
        if (prev != null && digest.equals(prev.digest())) {
            return reference(v, runId, host, attr, prev);
        }
        v.add(runId, host, attr, packed, digest, null);
        return 1;
    }

    /**
     * Adds the row of an attribute whose values are known to be those {@code prev} describes (the previous run's
     * values, the same in the same order, which pack to the same bytes): the reference {@link #values} would add
     * after packing them. At 20,000 hosts that is 1.45 million delegation values, nearly all unchanged from one day
     * to the next. Returns the rows added.
     */
    private static int reference(Rows v, String runId, String host, String attr, Stored prev)
            throws SQLException {
        v.add(runId, host, attr, null, prev.digest(), prev.holder());
        return 1;
    }

    /**
     * A run's rows of one table, inserted {@link #PER_STATEMENT} to a statement (standard SQL, as PostgreSQL's driver
     * rewrites a batch with {@code reWriteBatchedInserts}): H2 does a statement's own work (its savepoint, the
     * statement's start and end in the transaction) once for them instead of once per row: at 20,000 hosts the hosts'
     * writer allocated 15 % less (50 rows a statement as 200; docs/performance.md, thirtieth pass).
     */
    private static final class Rows implements AutoCloseable {
        static final int PER_STATEMENT = 50;

        private final int columns;
        private final PreparedStatement one;
        private final PreparedStatement many;
        private final List<Object[]> pending = new ArrayList<>();

        Rows(Connection c, String insert, int columns) throws SQLException {
            this.columns = columns;
            String row = "(" + String.join(", ", Collections.nCopies(columns, "?")) + ")";
            one = c.prepareStatement(insert + " VALUES " + row);
            try {
                many = c.prepareStatement(insert + " VALUES " + String.join(", ", Collections.nCopies(PER_STATEMENT,
                        row)));
            } catch (SQLException e) {
                one.close();
                throw e;
            }
        }

        void add(Object... row) {
            pending.add(row);
        }

        /** Inserts the rows added since the last call: as many statements of {@link #PER_STATEMENT} as fit, one batch. */
        void insert() throws SQLException {
            int i = 0;
            for (; i + PER_STATEMENT <= pending.size(); i += PER_STATEMENT) {
                Object[] params = new Object[columns * PER_STATEMENT];
                for (int r = 0; r < PER_STATEMENT; r++) {
                    System.arraycopy(pending.get(i + r), 0, params, columns * r, columns);
                }
                RunStore.bind(many, params);
                many.addBatch();
            }
            many.executeBatch();
            for (; i < pending.size(); i++) {
                RunStore.bind(one, pending.get(i));
                one.addBatch();
            }
            one.executeBatch();
            pending.clear();
        }

        @Override
        public void close() throws SQLException {
            try {
                one.close();
            } finally {
                many.close();
            }
        }
    }

    /** The digests of a run's attributes and which run holds each one's values, by attribute and host. */
    private Map<String, Map<String, Stored>> digests(String runId) throws SQLException {
        Map<String, Map<String, Stored>> out = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT host_name, attr, digest, same_as FROM"
                + " run_host_attr WHERE run_id = ? AND digest IS NOT NULL")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String holder = rs.getString(4);
                    out.computeIfAbsent(rs.getString(2), attr -> new HashMap<>()).put(rs.getString(1),
                            new Stored(rs.getString(3), holder == null ? runId : holder));
                }
            }
        }
        return out;
    }

    /** What {@link #digests} holds for a host's attribute; null when nothing (looked up without a key object). */
    private static Stored stored(Map<String, Map<String, Stored>> digests, String host, String attr) {
        Map<String, Stored> byHost = digests.get(attr);
        return byHost == null ? null : byHost.get(host);
    }

    /**
     * Node states (userAccountControl flags, delegation entries, SPNs, encryption types, objectSid, the SIDs their
     * resource-based delegation allows) a run recorded, by host name; a run that stored no SPN at all (none of its
     * nodes registers one) gives none to compare with, and one stored before V112 no encryption types. The grants
     * are stored since V1 (attr {@code rbcd}, none for a node allowing nobody): a node without a row allowed none.
     */
    Map<String, HostState> hostStates(String runId) throws SQLException {
        return hostStates(runId, null);
    }

    /**
     * The same for the node {@code host} (its stored name) alone, or for all with null; of one host, its SPNs are
     * compared only where it had any stored.
     */
    Map<String, HostState> hostStates(String runId, String host) throws SQLException {
        return hostStates(runId, host, null);
    }

    /**
     * The same, putting each node's sAMAccountName and dNSHostName into {@code names} (by host name) unless null: read
     * with the rest of its row.
     */
    Map<String, HostState> hostStates(String runId, String host, Map<String, NodeNames> names) throws SQLException {
        String only = host == null ? "" : " AND host_name = ?";
        Map<String, Integer> uac = new LinkedHashMap<>();
        Map<String, Integer> encTypes = new HashMap<>();
        Map<String, String> sids = new HashMap<>();
        Map<String, java.time.Instant> pwdLastSet = new HashMap<>();
        Map<String, List<String>> delegateTo = new LinkedHashMap<>();
        Map<String, List<String>> spns = new LinkedHashMap<>();
        Map<String, List<String>> rbcd = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT host_name, uac, enc_types, object_sid,"
                + " pwd_last_set" + (names == null ? "" : ", sam_account, dns_host_name") + " FROM run_host"
                + " WHERE run_id = ? AND cluster_name IS NOT NULL" + only + " ORDER BY host_name")) {
            RunStore.bind(ps, host == null ? new Object[]{runId} : new Object[]{runId, host});
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    uac.put(rs.getString(1), rs.getInt(2));
                    encTypes.put(rs.getString(1), rs.getObject(3, Integer.class));
                    sids.put(rs.getString(1), rs.getString(4));
                    pwdLastSet.put(rs.getString(1), RunStore.instant(rs, 5));
                    delegateTo.put(rs.getString(1), new ArrayList<>());
                    spns.put(rs.getString(1), new ArrayList<>());
                    rbcd.put(rs.getString(1), new ArrayList<>());
                    if (names != null) {
                        names.put(rs.getString(1), new NodeNames(rs.getString(6), rs.getString(7)));
                    }
                }
            }
        }
        // As the collector does: the same few values recur in every peer's list (1.45 million delegation values,
        // about 80,000 distinct, at 20,000 hosts); each distinct one is kept once.
        Map<String, String> canonical = new HashMap<>();
        values(runId, "delegateTo", host, delegateTo, canonical);
        boolean anySpn = values(runId, "spn", host, spns, canonical);
        values(runId, "rbcd", host, rbcd, canonical);
        Map<String, List<HostState.OtherHolder>> holders = holdersRecorded(runId) ? new HashMap<>() : null;
        Map<String, Map<String, String>> settings = new HashMap<>();
        facts(runId, host, holders, settings);
        Map<String, HostState> out = new LinkedHashMap<>();
        uac.forEach((h, u) -> out.put(h, new HostState(h, Uac.flagNames(u), delegateTo.get(h),
                anySpn ? spns.get(h) : null, encTypes.get(h), sids.get(h), rbcd.get(h), pwdLastSet.get(h),
                holders == null ? null : holders.getOrDefault(h, List.of()), settings.get(h))));
        return out;
    }

    /** The fact of {@code run_node_fact} (V121) that holds an other holder of a node's SPN. */
    static final String SPN_HOLDER = "spnHolder";

    /** Whether run {@code runId} recorded the other holders of its nodes' SPNs (V121; runs stored before did not). */
    private boolean holdersRecorded(String runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT spn_holders_recorded FROM audit_run"
                + " WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && Boolean.TRUE.equals(rs.getObject(1, Boolean.class));
            }
        }
    }

    /**
     * A run's {@code run_node_fact} rows (of {@code host} alone unless null): the other holders of its nodes' SPNs into
     * {@code holders} (unless null: not recorded), their live-migration settings into {@code settings}, by host name.
     */
    private void facts(String runId, String host, Map<String, List<HostState.OtherHolder>> holders,
                       Map<String, Map<String, String>> settings) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT host_name, fact, val, holder FROM run_node_fact"
                + " WHERE run_id = ?" + (host == null ? "" : " AND host_name = ?")
                + " ORDER BY host_name, fact, seq")) {
            RunStore.bind(ps, host == null ? new Object[]{runId} : new Object[]{runId, host});
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (SPN_HOLDER.equals(rs.getString(2))) {
                        if (holders != null) {
                            holders.computeIfAbsent(rs.getString(1), h -> new ArrayList<>())
                                    .add(new HostState.OtherHolder(rs.getString(3), rs.getString(4)));
                        }
                    } else {
                        settings.computeIfAbsent(rs.getString(1), h -> new LinkedHashMap<>())
                                .put(rs.getString(2), rs.getString(3));
                    }
                }
            }
        }
    }

    /**
     * Writes, for each node of {@code ctx}, the other holders of its SPNs and its live-migration settings from the
     * host-settings export into {@code run_node_fact}, and marks the run as one that recorded the holders (V121).
     */
    void writeFacts(String runId, AuditContext ctx) throws SQLException {
        int pending = 0;
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_node_fact (run_id, host_name, fact,"
                + " seq, val, holder) VALUES (?, ?, ?, ?, ?, ?)")) {
            Set<String> seen = new java.util.HashSet<>();
            for (AdObject node : ctx.nodes()) {
                String name = RunStore.cut(node.name(), 255);
                if (name == null || !seen.add(name.toLowerCase(Locale.ROOT))) {
                    continue;
                }
                int seq = 0;
                for (HostState.OtherHolder h : ctx.otherHolders(node)) {
                    RunStore.bind(ps, runId, name, SPN_HOLDER, seq++, RunStore.cut(h.spn(), 1000),
                            RunStore.cut(h.holder(), 255));
                    ps.addBatch();
                    pending++;
                }
                for (Map.Entry<String, String> e : ctx.migrationSettings(node).entrySet()) {
                    RunStore.bind(ps, runId, name, e.getKey(), 0, RunStore.cut(e.getValue(), 1000), null);
                    ps.addBatch();
                    pending++;
                }
                if (pending >= BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
        try (PreparedStatement ps = connection.prepareStatement("UPDATE audit_run SET spn_holders_recorded = TRUE"
                + " WHERE id = ?")) {
            ps.setString(1, runId);
            ps.executeUpdate();
        }
    }

    /**
     * The SIDs the resource-based delegation of each file server that is no node (a {@code run_host} row without a
     * cluster) allowed in a run, by host name; an empty list where it had no {@code rbcd} row (it allowed none).
     */
    Map<String, List<String>> fileServerGrants(String runId) throws SQLException {
        Map<String, List<String>> rbcd = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT host_name FROM run_host WHERE run_id = ? AND"
                + " cluster_name IS NULL ORDER BY host_name")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rbcd.put(rs.getString(1), new ArrayList<>());
                }
            }
        }
        if (!rbcd.isEmpty()) {
            values(runId, "rbcd", null, rbcd, new HashMap<>());
        }
        return rbcd;
    }

    /**
     * Adds a run's stored values of {@code attr} to the lists of {@code into} (the hosts it holds: a row of another,
     * a file server's for the nodes, is skipped), of {@code host} alone unless null; whether any of them had a row.
     */
    private boolean values(String runId, String attr, String host, Map<String, List<String>> into,
                           Map<String, String> canonical) throws SQLException {
        boolean any = false;
        // No ORDER BY: one row per host, and the hosts' order is the first query's. Sorting 20,000 rows of
        // JSON arrays made H2 spill the whole result to a temporary file first. A row stored as "the same as
        // run X" takes X's values.
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.host_name, COALESCE(a.vals_deflated,"
                + " b.vals_deflated)"
                + " FROM run_host_attr a LEFT JOIN run_host_attr b ON b.run_id = a.same_as AND b.host_name ="
                + " a.host_name AND b.attr = a.attr WHERE a.run_id = ? AND a.attr = ?"
                + (host == null ? "" : " AND a.host_name = ?"))) {
            RunStore.bind(ps, host == null ? new Object[]{runId, attr} : new Object[]{runId, attr, host});
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> values = into.get(rs.getString(1));
                    if (values == null) {
                        continue; // a host not asked for (a file server's row, for the nodes)
                    }
                    any = true;
                    byte[] packed = rs.getBytes(2);
                    if (packed == null) {
                        throw new SQLException("the " + attr + " values of " + rs.getString(1) + " in run " + runId
                                + " refer to a run that no longer holds them");
                    }
                    for (String v : PackedValues.strings(packed)) {
                        values.add(v == null ? null : canonical.computeIfAbsent(v, k -> k));
                    }
                }
            }
        } catch (IOException e) {
            throw new SQLException("stored " + attr + " values of run " + runId + " are not a deflated JSON list", e);
        }
        return any;
    }

    /**
     * Before run {@code runId} is deleted: every attribute other runs store as "the same as" it gets its values
     * copied into the oldest of those runs, and the others refer to that one instead.
     */
    void detach(String runId) throws SQLException {
        List<String[]> refs = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT a.host_name, a.attr, a.run_id FROM"
                + " run_host_attr a JOIN audit_run r ON r.id = a.run_id WHERE a.same_as = ?"
                + " ORDER BY a.host_name, a.attr, r.run_no")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    refs.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        if (refs.isEmpty()) {
            return;
        }
        try (PreparedStatement copy = connection.prepareStatement("UPDATE run_host_attr SET vals_deflated ="
                + " (SELECT b.vals_deflated FROM run_host_attr b WHERE b.run_id = ? AND b.host_name = ? AND b.attr = ?),"
                + " same_as = NULL"
                + " WHERE run_id = ? AND host_name = ? AND attr = ?");
             PreparedStatement repoint = connection.prepareStatement("UPDATE run_host_attr SET same_as = ?"
                     + " WHERE run_id = ? AND host_name = ? AND attr = ?")) {
            String[] first = null;
            int pending = 0;
            for (String[] r : refs) {
                if (first == null || !first[0].equals(r[0]) || !first[1].equals(r[1])) {
                    first = r;
                    RunStore.bind(copy, runId, r[0], r[1], r[2], r[0], r[1]);
                    copy.addBatch();
                } else {
                    RunStore.bind(repoint, first[2], r[2], r[0], r[1]);
                    repoint.addBatch();
                }
                if (++pending >= BATCH) {
                    copy.executeBatch();
                    repoint.executeBatch();
                    pending = 0;
                }
            }
            copy.executeBatch();
            repoint.executeBatch();
        }
    }

    void writePatches(String runId, List<PatchRecord> patches) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_patch (run_id, seq, host_name, kb,"
                + " installed_on, description, origin) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < patches.size(); i++) {
                PatchRecord p = patches.get(i);
                RunStore.bind(ps, runId, i, RunStore.cut(p.host(), 255), RunStore.cut(p.kb(), 32), p.installedOn(),
                        RunStore.cut(p.description(), 255), RunStore.cut(p.origin(), 1000));
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    void writeEvents(String runId, List<EventRecord> events) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_event (run_id, seq, host_name,"
                + " event_id, time_created, source_host, dest_host, classification, hresult, message, origin)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < events.size(); i++) {
                EventRecord e = events.get(i);
                RunStore.bind(ps, runId, i, RunStore.cut(e.host(), 255), e.eventId(), RunStore.ts(e.timeCreated()),
                        RunStore.cut(e.sourceHost(), 255), RunStore.cut(e.destinationHost(), 255),
                        RunStore.cut(e.classification().name(), 32), RunStore.cut(e.hresult(), 16),
                        RunStore.cut(e.message(), 4000), RunStore.cut(e.origin(), 1000));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static MessageDigest sha256() throws SQLException {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new SQLException("SHA-256 is not available in this JVM", e);
        }
    }
}
