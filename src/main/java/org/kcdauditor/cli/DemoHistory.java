package org.kcdauditor.cli;

import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.report.Format;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.store.StoreUrls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo's history: before the demo audit, one run against the directory as it looked earlier
 * ({@code contoso-earlier.ldif} applied) is stored with trigger {@code demo-seed}, so the demo shows
 * CHANGED_SINCE_LAST_RUN like a second scheduled run would.
 */
final class DemoHistory {
    private DemoHistory() {
    }

    /** Demos of this process take turns here; demos of other processes at the file lock of {@link #exclusive}. */
    private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS =
            new java.util.concurrent.locks.ReentrantLock();

    /** The demo store held by one demo, from its reset until the demo has finished with it. */
    interface Turn extends AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Waits until no other demo (of this process or another) uses the demo store, then holds it until closed.
     * The lock is an operating-system lock on {@code <store>.demo.lock} beside the store, so a demo that is
     * killed releases it; the store's own run lock cannot serve, since the reset deletes the store.
     */
    static Turn exclusive(AuditConfig config, java.io.PrintStream err) throws IOException {
        Path base = h2File(config);
        if (base == null) {
            return () -> { };
        }
        Path lockFile = Path.of(base + ".demo.lock").toAbsolutePath();
        IN_PROCESS.lock();
        java.nio.channels.FileChannel channel = null;
        try {
            Files.createDirectories(lockFile.getParent());
            channel = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE);
            java.nio.channels.FileLock lock = channel.tryLock();
            if (lock == null) {
                err.println("kcd-audit: another demo is using the demo store " + base + ": waiting for it to finish");
                lock = channel.lock();
            }
            java.nio.channels.FileChannel held = channel;
            java.nio.channels.FileLock taken = lock;
            return () -> {
                try (held) { // closing the channel releases the lock even when release() failed
                    taken.release();
                } finally {
                    IN_PROCESS.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } finally {
                IN_PROCESS.unlock();
            }
            throw e;
        }
    }

    /**
     * Every demo starts from an empty demo store (its H2 file), so it shows the same history each time:
     * the earlier state, then this run, instead of a timeline that grows with every demo.
     */
    static void reset(AuditConfig config) throws IOException {
        Path base = h2File(config);
        if (base != null) {
            for (String ext : List.of(".mv.db", ".trace.db")) {
                Files.deleteIfExists(Path.of(base + ext));
            }
        }
    }

    /** Whether the demo's H2 store (data/ of the installation) can be created and written there. */
    static boolean storeWritable(AuditConfig config) {
        Path base = h2File(config);
        if (base == null) {
            return true;
        }
        Path dir = base.toAbsolutePath().getParent();
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        return dir != null && Files.isDirectory(dir) && Files.isWritable(dir);
    }

    /** The H2 store file without extension, or null when the store is not an H2 file. */
    private static Path h2File(AuditConfig config) {
        String url = StoreUrls.jdbcUrl(config);
        String file = "jdbc:h2:file:";
        return url.regionMatches(true, 0, file, 0, file.length())
                ? Path.of(url.substring(file.length()).split(";")[0]) : null;
    }

    /**
     * When the seed run is said to have run: a morning audit before the demo directory's delegation changes (its
     * replication metadata dates them 2026-11-23 and 24), so that the changes fall between the two runs as they would
     * in a daily audit; an hour before now on a clock set earlier.
     */
    static final Instant SEEDED_AT = Instant.parse("2026-11-22T06:00:00Z");

    static void seed(Cli cli, AuditConfig config, Path demoDir) throws LDAPException, DirectoryException, IOException {
        Path earlier = demoDir.resolve(DemoCommand.EARLIER);
        if (!Files.isReadable(earlier)) {
            return;
        }
        try (DemoDirectory before = DemoDirectory.start(demoDir.resolve(DemoCommand.LDIF), List.of(earlier))) {
            AuditConfig cfg = config.withDirectory(config.directory().withUrl(before.url()));
            Map<String, String> env = new HashMap<>(cli.env());
            env.put(cfg.directory().passwordEnv(), before.password());
            // Ctrl-C and SIGTERM stop the seed run as they stop the demo's audit (one line, exit 130 or 143), not by
            // the JVM's shutdown, which closed the store under it (H2's and Flyway's complaints on the console)
            AuditRun.Outcome o = InterruptSignals.during(control -> RunCommand.underRunLock(cli, cfg, "demo-seed",
                    () -> AuditRun.installed(cfg, env, seedClock(cli.clock()), cli.home()).withTrigger("demo-seed")
                            .withoutReports().execute(null, Set.of(Format.JSON), new Timings(), n -> { }, control)));
            cli.out().println("Demo history: stored run " + o.runId().substring(0, 8) + " of the directory as it was"
                    + " before (" + earlier.getFileName() + ") to compare against.");
        }
    }

    /** A clock that stands still at {@link #SEEDED_AT}, or an hour before {@code now} where that is earlier. */
    private static Clock seedClock(Clock now) {
        Instant before = now.instant().minus(Duration.ofHours(1));
        return Clock.fixed(before.isAfter(SEEDED_AT) ? SEEDED_AT : before, ZoneOffset.UTC);
    }
}
