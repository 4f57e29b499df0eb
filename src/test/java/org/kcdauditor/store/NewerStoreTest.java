package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.run.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Going back to an older kcd-audit without restoring the store's copy from before the upgrade (docs/install.md,
 * "Upgrading", step 5), or one clustered daemon left on the older version: the store was migrated by a newer version.
 * Flyway only warned ("has a version (122) that is newer than the latest available migration") and the older version
 * stored its runs in a schema it does not know, without the newer columns; it now refuses the store with one line and
 * changes nothing.
 */
class NewerStoreTest {
    @TempDir
    Path dir;

    @Test
    void aStoreMigratedByANewerVersionIsRefusedAndLeftAsItWas() throws Exception {
        Path file = dir.resolve("data/history.mv.db");
        String url = "jdbc:h2:file:" + dir.resolve("data/history");
        try (RunStore store = RunStore.open(url, null, null)) {
            store.begin("run-of-the-newer-version", Instant.parse("2026-12-01T06:00:00Z"), "run", null, null, null);
        }
        String latest = RunStore.MIGRATIONS.stream().max(Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        String newer = String.valueOf(Integer.parseInt(latest) + 1);
        // what the newer version's migration left: its table, and Flyway's record of it
        try (Connection c = DriverManager.getConnection(url + ";MAX_COMPACT_TIME=0"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE run_newer_fact (run_id VARCHAR(36) NOT NULL)");
            s.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
                    + " \"type\", \"script\", \"installed_by\", \"execution_time\", \"success\") VALUES"
                    + " (1000, '" + newer + "', 'run newer fact', 'SQL', 'V" + newer + "__run_newer_fact.sql', 'kcd',"
                    + " 1, TRUE)");
        }
        String before = schema(url);

        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url, null, null));
        String m = e.getMessage();
        assertTrue(m.startsWith("history store " + file + " was migrated by a newer kcd-audit (schema version "
                + newer + ", run newer fact; this version knows up to " + latest + ")"), m);
        assertTrue(m.contains("Nothing was changed") && m.contains("docs/install.md"), m);
        assertEquals(1, m.lines().count(), m);

        Path config = dir.resolve("kcd-audit.yaml");
        Files.writeString(config, """
                directory:
                  url: ldap://127.0.0.1:1
                  bindDn: CN=svc-kcdaudit,CN=Users,DC=contoso,DC=com
                  passwordEnv: KCD_T_PW
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                store:
                  url: jdbc:h2:file:data/history
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"history", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of("KCD_T_PW", "x"), Clock.fixed(Instant.parse("2026-12-07T20:00:00Z"), ZoneOffset.UTC),
                Path.of("."));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(ExitCodes.RUN_FAILED, code, said);
        assertTrue(said.contains("was migrated by a newer kcd-audit") && said.strip().lines().count() == 1, said);
        assertEquals("", out.toString(StandardCharsets.UTF_8));

        assertEquals(before, schema(url), "the store's migrations and tables are left as they were");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().contains(".before-migration-")),
                    "no backup: nothing was to be migrated");
        }
        assertTrue(before.contains("runs: 1"), before);
    }

    /** Flyway's record, the tables and the number of runs of the store at {@code url}. */
    private static String schema(String url) throws Exception {
        StringBuilder b = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url + ";MAX_COMPACT_TIME=0"); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT \"installed_rank\", \"version\", \"success\" FROM"
                    + " \"flyway_schema_history\" ORDER BY 1")) {
                while (r.next()) {
                    b.append(r.getInt(1)).append(' ').append(r.getString(2)).append(' ').append(r.getBoolean(3))
                            .append('\n');
                }
            }
            try (ResultSet r = c.getMetaData().getTables(null, "PUBLIC", null, new String[] {"TABLE"})) {
                while (r.next()) {
                    b.append(r.getString("TABLE_NAME")).append('\n');
                }
            }
            try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM audit_run")) {
                r.next();
                b.append("runs: ").append(r.getInt(1));
            }
        }
        return b.toString();
    }
}
