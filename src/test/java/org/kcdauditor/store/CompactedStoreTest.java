package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * H2 compacts a store when its last connection closes, moving chunks to the front of the file, and does not
 * rewrite the header: the header then names a chunk at a block that now holds another, and H2 finds the newest
 * chunk by the footer at the file's end. The damage check read only the header and refused such a whole file,
 * "the newest data its header names (chunk 9 at byte 81920) is not there: the file was overwritten or cut short",
 * after as little as one row deleted and the store closed (the next command would have exited 1).
 */
class CompactedStoreTest {
    @TempDir
    Path dir;

    @Test
    void aStoreCompactedOnCloseIsNotCalledDamaged() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data/kcd-audit");
        Path file = dir.resolve("data/kcd-audit.mv.db");
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(0, store.list(1).size());
        }
        for (int round = 0; round < 3; round++) {
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE scratch_" + round + " (x INT)");
                s.executeUpdate("INSERT INTO scratch_" + round + " VALUES (" + round + ")");
                s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = 'none'");
            }
            assertNull(H2StoreFile.damage(file), "round " + round);
            try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT x FROM scratch_" + round)) {
                assertTrue(r.next() && r.getInt(1) == round, "the newest state is what H2 opens");
            }
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(0, store.list(1).size());
        }
    }
}
