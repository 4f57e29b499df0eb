package org.kcdauditor.run;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.store.RunLocks;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreException;
import org.kcdauditor.store.StoreUrls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * "Never two audits of one store at once": the named lock {@value #NAME} in the history store's
 * {@code run_lock} table, taken by a manual {@code run}/{@code demo} and by every scheduled run.
 * The lock records the process holding it (host, pid, start time). A lock whose process is gone from
 * this host is taken over at once; otherwise it expires after {@code ttl} unless renewed (a heartbeat
 * renews it every ttl/4 while the run lasts), so a process that died on another host frees it within ttl.
 * Whoever takes the lock first records the runs dead processes left RUNNING as INTERRUPTED ({@link Recovery}).
 */
public final class RunLock {
    public static final String NAME = "audit";
    /** Held by a single daemon ({@code daemon.clustered: false}) for as long as it runs: one scheduler per store. */
    public static final String DAEMON = "daemon";
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);

    /** The lock as the config sets it up (daemon.runLockSeconds). */
    public static RunLock of(AuditConfig config, Map<String, String> env, Clock clock) {
        return new RunLock(config, env, clock, config.daemon().runLockTtl());
    }

    /** The lock {@value #DAEMON}: a second single daemon on one store would run a second scheduler on its jobs. */
    public static RunLock daemon(AuditConfig config, Map<String, String> env, Clock clock) {
        return new RunLock(Kind.DAEMON, config, env, clock, config.daemon().runLockTtl());
    }

    /** What a lock guards: its name, how the log names it, what a refusal says, and whether taking it recovers runs. */
    private enum Kind {
        /** One audit of a store at a time; once taken, the runs a dead process left RUNNING are marked interrupted. */
        AUDIT(NAME, "run", true, holder -> "another audit of this store is running (held by "
                + (holder != null ? holder : "someone who just released it")
                + "); never two at once: try again when it has finished"),
        /** One single daemon's scheduler per store, for as long as it runs. */
        DAEMON(RunLock.DAEMON, RunLock.DAEMON, false, holder -> "another kcd-audit daemon runs on this history store"
                + " (held by " + (holder != null ? holder : "one that just stopped") + "): one scheduler per store, or"
                + " each fire would run twice; stop that one first (several daemons of one store need"
                + " daemon.clustered: true on PostgreSQL)");

        final String lockName;
        final String logName;
        final boolean recoversRuns;
        final Function<String, String> refusal;

        Kind(String lockName, String logName, boolean recoversRuns, Function<String, String> refusal) {
            this.lockName = lockName;
            this.logName = logName;
            this.recoversRuns = recoversRuns;
            this.refusal = refusal;
        }
    }
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** Another audit holds the lock: the run is refused (exit 1), the message says who holds it. */
    public static final class LockedException extends RuntimeException {
        public LockedException(String message) {
            super(message);
        }
    }

    private final Kind kind;
    private final AuditConfig config;
    private final Map<String, String> env;
    private final Clock clock;
    private final Duration ttl;

    public RunLock(AuditConfig config, Map<String, String> env, Clock clock, Duration ttl) {
        this(Kind.AUDIT, config, env, clock, ttl);
    }

    private RunLock(Kind kind, AuditConfig config, Map<String, String> env, Clock clock, Duration ttl) {
        this.kind = kind;
        this.config = config;
        this.env = Map.copyOf(env);
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Who this process is, as the lock records it. */
    public static String owner(String role) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        // the start time tells this process from an earlier one that had the same pid; shown to the admin in the
        // lock's messages, so as a time, not the millisecond count the JVM gives
        return role + " on " + host + " (pid " + ProcessHandle.current().pid() + ", started "
                + Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).truncatedTo(
                        ChronoUnit.SECONDS) + ")";
    }

    /**
     * Takes the lock, waiting up to {@code wait} (zero: do not wait).
     *
     * @throws LockedException when it is still held by someone else after {@code wait}
     */
    public Held acquire(String owner, Duration wait) throws InterruptedException {
        return acquire(owner, wait, () -> false);
    }

    /**
     * The same; while waiting, {@code giveUp} is asked every second.
     *
     * @throws RunInterruptedException when {@code giveUp} said so before the lock was free
     */
    public Held acquire(String owner, Duration wait, BooleanSupplier giveUp) throws InterruptedException {
        RunStore store = StoreUrls.open(config, env);
        try {
            RunLocks locks = store.locks();
            Instant deadline = clock.instant().plus(wait);
            while (!locks.tryLock(kind.lockName, owner, clock.instant(), ttl)) {
                Optional<RunLocks.Lock> held = locks.holder(kind.lockName);
                if (held.isPresent() && held.get().holder() != null && held.get().holder().goneFromThisHost()) {
                    if (locks.takeOver(kind.lockName, held.get().owner(), owner, clock.instant(), ttl)) {
                        LOG.warn("{} lock taken over from {}: its process is gone", kind.logName, held.get().owner());
                        break;
                    }
                    continue;
                }
                if (giveUp.getAsBoolean()) {
                    throw new RunInterruptedException("stopped while waiting for another audit of this store to"
                            + " finish; the run did not start");
                }
                if (!clock.instant().isBefore(deadline)) {
                    throw new LockedException(kind.refusal.apply(held.map(RunLocks.Lock::describe).orElse(null)));
                }
                Thread.sleep(Math.min(1000, Math.max(50, Duration.between(clock.instant(), deadline).toMillis())));
            }
            if (kind.recoversRuns) {
                Recovery.interruptDeadRuns(store, clock.instant(), true);
            }
            return new Held(store, owner);
        } catch (RuntimeException | InterruptedException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The held lock; close() releases it. The lock is a row, not a connection: when the connection it was taken on
     * fails (the database restarted, a network blip), the heartbeat and the release go on over a new one, so the
     * lock does not expire under a run that goes on.
     */
    public final class Held implements AutoCloseable {
        private RunStore store;
        private final String owner;
        private final ScheduledExecutorService heartbeat;

        private Held(RunStore store, String owner) {
            this.store = store;
            this.owner = owner;
            this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kcd-run-lock-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = Math.max(100, ttl.toMillis() / 4);
            heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private synchronized void renew() {
            try {
                if (!onStore(locks -> locks.renew(kind.lockName, owner, clock.instant(), ttl))) {
                    LOG.warn("run lock '{}' was lost (expired and taken over?)", kind.lockName);
                }
            } catch (RuntimeException e) {
                LOG.warn("cannot renew run lock '{}': {}", kind.lockName, e.getMessage());
            }
        }

        /** {@code op} on the held connection, else once more on a new one (the old one is closed). */
        private <T> T onStore(Function<RunLocks, T> op) {
            try {
                return op.apply(store.locks());
            } catch (StoreException lost) {
                RunStore fresh = StoreUrls.open(config, env);
                RunStore old = store;
                store = fresh;
                closeQuietly(old);
                return op.apply(fresh.locks());
            }
        }

        /** Releases the lock; one that cannot be released (the store is down) expires after its ttl, as a dead holder's. */
        @Override
        public synchronized void close() {
            if (heartbeat.isShutdown()) {
                return; // released already (a daemon is stopped by its signal handler and its shutdown hook)
            }
            heartbeat.shutdownNow();
            try {
                onStore(locks -> {
                    locks.unlock(kind.lockName, owner);
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.warn("run lock '{}' not released, it expires within {} s: {}", kind.lockName, ttl.toSeconds(),
                        e.getMessage());
            } finally {
                closeQuietly(store);
            }
        }
    }

    private static void closeQuietly(RunStore store) {
        try {
            store.close();
        } catch (RuntimeException e) {
            LOG.debug("closing a failed store connection: {}", e.getMessage());
        }
    }
}
