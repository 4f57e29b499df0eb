package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A schema migration that did not complete (the process killed in the middle of an upgrade, a full disk): H2 commits
 * each DDL statement, so the store is left part-migrated, and Flyway then records the migration as failed and refuses
 * the store for good. The line said only "schema migration failed: SQL State  : 42S21", then "Validate failed:
 * Migrations have failed validation", with Flyway's "run repair" only under --verbose; it now says what happened
 * and what to do, as for a damaged store (issue 16: the path, restore the backup or move it aside), naming the
 * backups kcd-audit wrote before migrating.
 */
class FailedMigrationTest {
    @TempDir
    Path dir;

    @Test
    void aStoreLeftPartMigratedSaysWhichBackupsToRestore() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data/kcd-audit");
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(0, store.list(1).size());
        }
        // the latest migration that creates tables applied, its row (and those after it) not written: as after a
        // kill between its statements and its record (V123 only rewrites ids and could run again)
        String latest = "121";
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" IN ('121', '122', '123')");
        }
        for (int attempt = 0; attempt < 2; attempt++) { // the migration fails, then Flyway's record of it refuses
            StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url, null, null),
                    "attempt " + attempt);
            String m = "attempt " + attempt + ": " + e.getMessage();
            assertTrue(m.startsWith("attempt " + attempt + ": history store " + dir.resolve("data/kcd-audit.mv.db") + ": schema migration"
                    + " to version " + latest + " did not complete"), m);
            assertTrue(m.contains("Restore the file from a backup") && m.contains("or move it aside"), m);
            List<String> backups;
            try (Stream<Path> files = Files.list(dir.resolve("data"))) {
                backups = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("kcd-audit.before-migration-")).sorted().toList();
            }
            assertTrue(!backups.isEmpty() && backups.stream().allMatch(m::contains), backups + ": " + m);
            assertTrue(m.lines().count() == 1 && !m.contains("SQL State") && !m.contains("SQL statement")
                    && !m.contains("Validate failed"), m);
        }
    }

    /** A chain that comes back on itself (a → b → a, which initCause allows) is read once through, not for ever. */
    @Test
    void aCauseChainThatComesBackOnItselfIsReadOnce() {
        SQLException sql = new SQLException("Table \"X\" not found");
        IllegalStateException b = new IllegalStateException("b", sql);
        sql.initCause(b);
        org.flywaydb.core.api.FlywayException e = new org.flywaydb.core.api.FlywayException(
                "Validate failed: Detected failed migration to version 111 (host values deflated)", sql);
        Path file = dir.resolve("kcd-audit.mv.db");
        String m = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RunStore.partMigrated(file, "111", e));
        assertTrue(m.startsWith("history store " + file + ": schema migration to version 111 did not complete (an"
                + " earlier attempt failed"), m);
    }
}
