package org.kcdauditor.store;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.ChildProcesses;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A process that dies the instant after it created (or migrated) an H2 store, as a daemon killed right after its
 * start does, or a machine that loses power: the store it leaves is complete. H2 writes committed changes to the
 * file from a background thread up to a second later, so without a checkpoint after the migrations the file kept
 * the tables of a migration but not Flyway's record of it, and every later open refused it as part-migrated.
 */
@Tag("process")
class StoreDurabilityTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    /** The child: opens the store of the config given, which creates and migrates it, then dies at once. */
    public static final class OpenAndDie {
        public static void main(String[] args) throws Exception {
            StoreUrls.open(ConfigLoader.load(Path.of(args[0])), Map.of());
            Runtime.getRuntime().halt(9); // no close, no shutdown hooks: kill -9 in the next instant
        }
    }

    @Test
    void aStoreCreatedByAProcessThatDiesAtOnceOpensComplete() throws Exception {
        Path config = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, null, null);
        Path log = dir.resolve("child.log");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), OpenAndDie.class.getName(),
                config.toString());
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        Process child = processes.add(pb.start());
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child did not end");
        assertEquals(9, child.exitValue(), Files.readString(log));

        // what the file holds, before an open could migrate anything again
        try (Connection c = DriverManager.getConnection(StoreUrls.connectUrl(ConfigLoader.load(config)))) {
            assertEquals(RunStore.Schema.CURRENT, RunStore.Schema.of(c));
        }
        try (RunStore store = StoreUrls.open(ConfigLoader.load(config), Map.of())) {
            assertEquals(List.of(), store.list(10));
        }
    }
}
