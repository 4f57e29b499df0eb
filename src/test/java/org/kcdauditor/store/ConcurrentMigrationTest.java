package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Commands that open a new H2 store at the same moment (the daemon starting at boot while an admin runs
 * {@code history}, two scheduled tasks): each used to run Flyway's migrations at once, and the losers failed
 * with "schema migration failed: SQL State 42S01" or "Unable to insert row for version '1'", leaving a failed
 * migration in the history table, so every later command failed with "Schema "PUBLIC" contains a failed migration
 * to version 1 !" / "Validate failed": the store was lost. The migrations now take turns; each opener finds the
 * schema current or brings it there.
 */
class ConcurrentMigrationTest {
    @TempDir
    Path dir;

    @Test
    void openersOfANewStoreAtTheSameMomentAllSucceedAndLeaveItUsable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 6; round++) {
                String url = "jdbc:h2:file:" + dir.resolve("round" + round).resolve("kcd-audit");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> opened = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Callable<String> open = () -> {
                        start.await();
                        try (RunStore store = RunStore.open(url, null, null)) {
                            return "ok";
                        } catch (RuntimeException e) {
                            return e.getMessage();
                        }
                    };
                    opened.add(pool.submit(open));
                }
                start.countDown();
                List<String> said = new ArrayList<>();
                for (Future<String> f : opened) {
                    said.add(f.get());
                }
                assertEquals(List.of("ok", "ok", "ok", "ok"), said, "round " + round);
                try (RunStore store = RunStore.open(url, null, null)) {
                    assertEquals(0, store.list(1).size(), "usable afterwards");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
