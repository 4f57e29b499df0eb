package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.HostState;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * V102 turns one row per value into one JSON array per host and attribute, V111 deflates those arrays; stored
 * runs read the same after both, the SIDs a node's resource-based delegation allowed (stored since V1) included.
 */
class HostValuesMigrationTest {
    @TempDir
    Path dir;

    @Test
    void runsStoredBeforeV102ReadTheSameAfterIt() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("old");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("101").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO audit_run (id, run_no, started_at, finished_at, status, trigger_name, config_path)"
                    + " VALUES ('r1', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'SUCCEEDED', 'run', '/c.yaml')");
            st.execute("INSERT INTO run_host (run_id, host_name, cluster_name, uac) VALUES ('r1', 'HV01', 'HVC1', 4096),"
                    + " ('r1', 'HV02', 'HVC1', 4096)");
            st.execute("INSERT INTO run_host_value (run_id, host_name, attr, seq, val) VALUES"
                    + " ('r1', 'HV01', 'delegateTo', 1, 'cifs/HV02'),"
                    + " ('r1', 'HV01', 'delegateTo', 0, 'Microsoft Virtual System Migration Service/HV02'),"
                    + " ('r1', 'HV01', 'spn', 0, 'HOST/HV01'),"
                    + " ('r1', 'HV01', 'rbcd', 0, 'S-1-5-21-1-2-3-1104'), ('r1', 'HV01', 'rbcd', 1, 'S-1-1-0'),"
                    + " ('r1', 'HV01', 'delegateTo', 2, 'a \"quoted\", value')");
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            Map<String, HostState> states = store.hostStates("r1");
            assertEquals(List.of("Microsoft Virtual System Migration Service/HV02", "cifs/HV02",
                    "a \"quoted\", value"), states.get("HV01").delegateTo());
            assertEquals(List.of("WORKSTATION_TRUST_ACCOUNT"), states.get("HV01").userAccountControl());
            // recorded by every run since V1, none where a node allowed nobody: not "unknown", which compares nothing
            assertEquals(List.of("S-1-5-21-1-2-3-1104", "S-1-1-0"), states.get("HV01").rbcdSids());
            assertEquals(List.of(), states.get("HV02").rbcdSids());
        }
    }

    @Test
    void v111DeflatesStoredArraysAndKeepsReferencesReadable() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("v110");
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("110").load()
                .migrate();
        String values = "[\"Microsoft Virtual System Migration Service/HV02\",\"cifs/HV02\",\"a \\\"quoted\\\", value\"]";
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (String run : List.of("r1", "r2")) {
                st.execute("INSERT INTO audit_run (id, run_no, started_at, finished_at, status, trigger_name, config_path)"
                        + " VALUES ('" + run + "', " + run.substring(1) + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                        + " 'SUCCEEDED', 'run', '/c.yaml')");
                st.execute("INSERT INTO run_host (run_id, host_name, cluster_name, uac) VALUES ('" + run
                        + "', 'HV01', 'HVC1', 4096)");
            }
            // r1 holds the values, r2 refers to them (a snapshot stored as changes, V104)
            st.execute("INSERT INTO run_host_attr (run_id, host_name, attr, vals, digest, same_as) VALUES"
                    + " ('r1', 'HV01', 'delegateTo', '" + values.replace("'", "''") + "', 'd1', NULL),"
                    + " ('r2', 'HV01', 'delegateTo', NULL, 'd1', 'r1')");
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            List<String> expected = List.of("Microsoft Virtual System Migration Service/HV02", "cifs/HV02",
                    "a \"quoted\", value");
            assertEquals(expected, store.hostStates("r1").get("HV01").delegateTo());
            assertEquals(expected, store.hostStates("r2").get("HV01").delegateTo());
            assertNull(store.hostStates("r2").get("HV01").encryptionTypes(), "not recorded before V112: no change told");
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT run_id, vals_deflated, digest, same_as FROM run_host_attr"
                     + " ORDER BY run_id")) {
            rs.next();
            assertEquals(values, new String(new java.util.zip.InflaterInputStream(
                    new java.io.ByteArrayInputStream(rs.getBytes(2))).readAllBytes(), StandardCharsets.UTF_8));
            assertNull(rs.getString(3), "digests of the JSON text no longer compare with digests of deflated bytes");
            rs.next();
            assertNull(rs.getBytes(2));
            assertEquals("r1", rs.getString(4));
            assertThrows(SQLException.class, () -> st.executeQuery("SELECT vals FROM run_host_attr"));
        }
    }
}
