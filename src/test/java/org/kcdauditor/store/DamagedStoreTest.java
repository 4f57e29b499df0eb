package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * A history store file cut short is refused, untouched, with its path and what to do; H2 alone would open
 * it as an older (here: empty) state and overwrite it. A schema migration of an existing store is preceded
 * by a backup of it.
 */
class DamagedStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

    @TempDir
    Path dir;

    private Path storeWithRuns(int runs) {
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02", "HV03")),
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), PolicyConfig.defaults(), AuditInputs.none(T0));
        try (RunStore store = RunStore.open("jdbc:h2:file:" + dir.resolve("data/kcd-audit") + ";MAX_COMPACT_TIME=0",
                null, null)) {
            for (int i = 0; i < runs; i++) {
                store.begin("run-" + i, T0.plusSeconds(i), "run", "cfg", "ldap://dc", "DC=contoso,DC=com");
                store.complete("run-" + i, T0.plusSeconds(i), new CompletedRun(r, 3, null, List.of(), List.of()));
            }
        }
        return dir.resolve("data/kcd-audit.mv.db");
    }

    /** A config of the store in {@link #dir}, with a directory nothing listens on. */
    private Path config() throws java.io.IOException {
        return Files.writeString(dir.resolve("kcd-audit.yaml"), """
                directory:
                  url: ldap://127.0.0.1:9
                  bindDn: svc@contoso.com
                  passwordEnv: NONE
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                store:
                  url: jdbc:h2:file:data/kcd-audit
                """);
    }

    @Test
    void aTruncatedStoreIsRefusedUntouchedNamingThePathAndWhatToDo() throws Exception {
        Path file = storeWithRuns(10);
        assertTrue(Files.size(file) > 20_000, "the store holds more than the part kept: " + Files.size(file));
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(20_000); // as truncate -s 20000 does
        }
        byte[] cut = Files.readAllBytes(file);

        StoreException e = assertThrows(StoreException.class, () -> RunStore.open("jdbc:h2:file:"
                + dir.resolve("data/kcd-audit"), null, null));
        assertTrue(e.getMessage().startsWith("history store " + file + " is damaged: the file ends at 20000 bytes"),
                e.getMessage());
        assertTrue(e.getMessage().contains("cut short") && e.getMessage().contains("Restore the file from a backup")
                && e.getMessage().contains("move it aside"), e.getMessage());
        assertArrayEquals(cut, Files.readAllBytes(file), "a damaged store is never rewritten");

        Path config = config();
        for (String[] args : List.of(new String[]{"history", "--config", config.toString()},
                new String[]{"run", "--config", config.toString(), "--formats", "json", "--out",
                        dir.resolve("out").toString()})) {
            CliRun r = CliRun.run(Map.of("NONE", "x"), args);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains(file.toString()) && r.err().contains("is damaged"), r.err());
            assertTrue(r.out().isEmpty() || !r.out().contains("No runs stored yet"), r.out());
        }
        assertArrayEquals(cut, Files.readAllBytes(file), "neither command rewrote it");
    }

    @Test
    void aStoreWhoseDataWasOverwrittenInPlaceIsRefusedUntouchedNotOpenedAsAnOlderState() throws Exception {
        Path file = storeWithRuns(5);
        byte[] whole = Files.readAllBytes(file);
        Path config = config();
        // 8 pages zeroed somewhere in the file (as dd conv=notrunc does): H2 alone opens the newest state it can
        // still read, an older one, and the next write makes the loss permanent. Where H2's background writer put
        // the live data differs from run to run, so every place is tried: each is refused untouched, or (the pages
        // held nothing H2 reads on opening) opens with every run
        int refused = 0;
        for (int page = 2; page + 8 <= whole.length / 4096; page++) {
            Files.write(file, whole);
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.allocate(8 * 4096), page * 4096L);
            }
            byte[] damaged = Files.readAllBytes(file);
            try (RunStore store = RunStore.open("jdbc:h2:file:" + dir.resolve("data/kcd-audit"), null, null)) {
                assertEquals(5, store.list(10).size(), "page " + page + ": opened as an older state");
                continue;
            } catch (StoreException e) {
                assertTrue(e.getMessage().startsWith("history store " + file + " is damaged: "), e.getMessage());
                assertTrue(e.getMessage().contains("Restore the file from a backup"), e.getMessage());
                assertArrayEquals(damaged, Files.readAllBytes(file), "page " + page + ": refused untouched");
            }
            if (refused++ == 0) {
                CliRun r = CliRun.run(Map.of("NONE", "x"), "history", "--config", config.toString());
                assertEquals(1, r.exitCode(), "page " + page + ": " + r);
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().contains(file.toString()) && r.err().contains("is damaged"), r.err());
                assertArrayEquals(damaged, Files.readAllBytes(file), "page " + page + ": history never rewrites it");
            }
        }
        assertTrue(refused > 0, "some place of the file is read on opening");
        Files.write(file, whole);
        try (RunStore store = RunStore.open("jdbc:h2:file:" + dir.resolve("data/kcd-audit"), null, null)) {
            assertEquals(5, store.list(10).size(), "the whole file opens as it is");
        }
    }

    /**
     * Damage to an old run's rows, which H2 does not read on opening, is found when they are read: the line then says
     * the store is damaged and what to do, as on opening. It was H2's own text with Java's: "cannot read the snapshot
     * of run …: General error: \"org.h2.mvstore.MVStoreException: Unable to read the page at position 0x3000003d994,
     * chunk chunk:c,block:20,…, offset 0xjava.lang.ArrayIndexOutOfBoundsException: …\"; SQL statement:" and the
     * SQL.
     */
    @Test
    void damageFoundWhenOldRunsAreReadIsNamedWithWhatToDo() throws Exception {
        byte[] whole = Files.readAllBytes(storeWithRuns(40));
        int found = 0;
        for (int page = 2; page + 2 <= whole.length / 4096; page++) {
            // a store of its own each time: H2 keeps a store it found damaged open in this JVM
            Path file = dir.resolve("p" + page + "/kcd-audit.mv.db");
            Files.createDirectories(file.getParent());
            Files.write(file, whole);
            byte[] junk = new byte[2 * 4096];
            new java.util.Random(page).nextBytes(junk);
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(junk), page * 4096L);
            }
            RunStore store;
            try {
                store = RunStore.open("jdbc:h2:file:" + dir.resolve("p" + page + "/kcd-audit"), null, null);
            } catch (StoreException refusedOnOpening) {
                continue;
            }
            try (store) {
                for (int i = 0; i < 40; i++) {
                    store.findings("run-" + i);
                    store.hostStates("run-" + i);
                }
            } catch (StoreException e) {
                found++;
                String m = e.getMessage();
                assertTrue(m.contains(": the store file is damaged: H2 cannot read part of it (")
                        && m.endsWith("): restore the file from a backup (before a schema upgrade kcd-audit writes one"
                        + " beside it, *.before-migration-*.zip), or move it aside to start an empty history"), m);
                assertEquals(1, m.lines().count(), m);
                assertTrue(!m.contains("java.") && !m.contains("org.h2") && !m.contains("SQL statement"), m);
            }
        }
        assertTrue(found > 0, "some damage is found only when an old run is read");
    }

    @Test
    void aStoreOfAnEarlierSchemaIsBackedUpBeforeItIsMigrated() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("data/kcd-audit") + ";MAX_COMPACT_TIME=0";
        // a store as the previous version left it: schema up to V102, one run in it
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("102").load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().execute("INSERT INTO audit_run (id, run_no, started_at, status, trigger_name)"
                    + " VALUES ('old-run', 1, TIMESTAMP WITH TIME ZONE '2026-10-01 06:00:00+00', 'SUCCEEDED', 'run')");
        }
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals("old-run", store.list(10).get(0).id());
        }
        List<Path> backups;
        try (Stream<Path> files = Files.list(dir.resolve("data"))) {
            backups = files.filter(p -> p.getFileName().toString().startsWith("kcd-audit.before-migration-")
                    && p.getFileName().toString().endsWith(".zip")).toList();
        }
        assertEquals(1, backups.size(), backups.toString());
        // the backup is the store as it was: restored with the command docs/install.md gives for going back to the
        // older version, it holds the run, at schema version 102
        Path restored = dir.resolve("restored");
        Files.createDirectories(restored);
        new org.h2.tools.Restore().runTool(documentedRestore(backups.get(0), restored));
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + restored.resolve("kcd-audit"));
             ResultSet rs = c.createStatement().executeQuery("SELECT MAX(CAST(\"version\" AS INT))"
                     + " FROM \"flyway_schema_history\"")) {
            rs.next();
            assertEquals(102, rs.getInt(1));
        }

        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(1, store.list(10).size());
        }
        try (Stream<Path> files = Files.list(dir.resolve("data"))) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().endsWith(".zip")).count(),
                    "no backup when nothing is migrated");
        }
    }

    /**
     * The arguments of org.h2.tools.Restore in docs/install.md's "Upgrading" (the Linux command), with its backup and
     * folder replaced by {@code backup} and {@code into}.
     */
    private static String[] documentedRestore(Path backup, Path into) throws Exception {
        String docs = Files.readString(Path.of("docs/install.md"));
        int upgrading = docs.indexOf("\n## Upgrading\n");
        int tool = docs.indexOf("org.h2.tools.Restore ", upgrading);
        assertTrue(upgrading > 0 && tool > 0 && tool < docs.indexOf("\n## ", upgrading + 1),
                "docs/install.md says how to restore the backup when going back to the older version");
        String command = docs.substring(tool + "org.h2.tools.Restore ".length(), docs.indexOf("\n```", tool))
                .replace("\\\n", " ").lines().findFirst().orElseThrow().strip();
        String[] args = command.split("\\s+");
        assertEquals(List.of("-file", "-dir", "-db"), List.of(args[0], args[2], args[4]), command);
        assertTrue(args[1].matches("/var/lib/kcd-audit/data/kcd-audit\\.before-migration-[^/]+\\.zip"), command);
        assertEquals(List.of("/var/lib/kcd-audit/data", "kcd-audit"), List.of(args[3], args[5]), command);
        return new String[] {"-file", backup.toString(), "-dir", into.toString(), "-db", args[5]};
    }
}
