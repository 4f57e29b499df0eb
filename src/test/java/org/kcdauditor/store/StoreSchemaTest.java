package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Flyway is started only for a store whose schema is not exactly this version's ({@link RunStore.Schema}). */
class StoreSchemaTest {
    @TempDir
    Path dir;

    @Test
    void theListedMigrationsAreTheOnesShipped() throws Exception {
        Path folder = Path.of(RunStore.class.getResource("/db/migration").toURI());
        Pattern version = Pattern.compile("V(\\d+)__.*\\.(sql|class)");
        Set<String> shipped;
        try (Stream<Path> files = Files.list(folder)) {
            shipped = files.map(f -> version.matcher(f.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> m.group(1)).collect(Collectors.toSet());
        }
        assertEquals(shipped, RunStore.MIGRATIONS, "RunStore.MIGRATIONS must list every migration in db/migration");
    }

    @Test
    void aStoreIsCurrentOnlyWithExactlyThisVersionsMigrationsApplied() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("kcd-audit") + ";MAX_COMPACT_TIME=0";
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals(RunStore.Schema.NEW, RunStore.Schema.of(c));
        }
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("104").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals(RunStore.Schema.EARLIER, RunStore.Schema.of(c), "an earlier version's store");
        }
        RunStore.open(url, null, null).close(); // migrates it
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            assertEquals(RunStore.Schema.CURRENT, RunStore.Schema.of(c));
            // a newer version's migration: refused (NewerStoreTest)
            st.execute("INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\","
                    + " \"type\", \"script\", \"installed_by\", \"execution_time\", \"success\") VALUES"
                    + " (99, '999', 'future', 'SQL', 'V999__future.sql', 'test', 1, TRUE)");
            assertEquals(RunStore.Schema.NEWER, RunStore.Schema.of(c));
            st.execute("UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '999'");
            assertEquals(RunStore.Schema.EARLIER, RunStore.Schema.of(c), "a failed migration");
            st.execute("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '999'");
            assertEquals(RunStore.Schema.CURRENT, RunStore.Schema.of(c));
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(0, store.list(10).size(), "a current store opens without Flyway");
        }
    }
}
