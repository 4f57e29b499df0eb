package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.HostState;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** V102 turns one row per value into one JSON array per host and attribute, keeping stored runs readable. */
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
            st.execute("INSERT INTO run_host (run_id, host_name, cluster_name, uac) VALUES ('r1', 'HV01', 'HVC1', 4096)");
            st.execute("INSERT INTO run_host_value (run_id, host_name, attr, seq, val) VALUES"
                    + " ('r1', 'HV01', 'delegateTo', 1, 'cifs/HV02'),"
                    + " ('r1', 'HV01', 'delegateTo', 0, 'Microsoft Virtual System Migration Service/HV02'),"
                    + " ('r1', 'HV01', 'spn', 0, 'HOST/HV01'),"
                    + " ('r1', 'HV01', 'delegateTo', 2, 'a \"quoted\", value')");
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            Map<String, HostState> states = store.hostStates("r1");
            assertEquals(List.of("Microsoft Virtual System Migration Service/HV02", "cifs/HV02",
                    "a \"quoted\", value"), states.get("HV01").delegateTo());
            assertEquals(List.of("WORKSTATION_TRUST_ACCOUNT"), states.get("HV01").userAccountControl());
        }
    }
}
