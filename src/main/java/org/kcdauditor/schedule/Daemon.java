package org.kcdauditor.schedule;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.DaemonConfig;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.config.ScheduleConfigValidation;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.home.Installation;
import org.kcdauditor.notify.Notifier;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.QuartzConnections;
import org.kcdauditor.store.RunLocks;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreUrls;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * {@code kcd-audit daemon}: a Quartz scheduler with a JDBC JobStore in the history store's database.
 * One {@link AuditJob} per {@code schedule:} entry (cron trigger, misfire "fire once now",
 * requestsRecovery, no concurrent execution) and the {@link OutboxJob} tick. With
 * {@code daemon.clustered: true} several daemons share the database (PostgreSQL) and Quartz's own
 * clustering runs each fire once and moves a dead daemon's jobs to a live one.
 */
public final class Daemon implements AutoCloseable {
    public static final String GROUP = "kcd-audit";
    /** Quartz's scheduler name (SCHED_NAME in its tables). */
    public static final String SCHEDULER_NAME = "kcd-audit";
    static final String INTERNAL_GROUP = "kcd-audit-internal";
    static final JobKey OUTBOX_JOB = JobKey.jobKey("outbox", INTERNAL_GROUP);
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    static final String RECONCILE_LOCK = "schedule-reconcile";
    /** How long a scheduled run waits for another audit (manual, or another job) to finish. */
    static final Duration LOCK_WAIT = Duration.ofMinutes(30);
    /** After a stopped run is told to stop: how long its current stage (writers, store commit) may take to end. */
    static final int GRACE_SECONDS = 15;

    private final Scheduler scheduler;
    private final DaemonContext context;
    private final String dataSourceName;
    /** A single daemon's lock {@value RunLock#DAEMON}, held until it has stopped; null for a clustered one. */
    private final RunLock.Held daemonLock;

    private Daemon(Scheduler scheduler, DaemonContext context, String dataSourceName, RunLock.Held daemonLock) {
        this.scheduler = scheduler;
        this.context = context;
        this.dataSourceName = dataSourceName;
        this.daemonLock = daemonLock;
    }

    /** Creates the scheduler (not started) and brings the database's jobs in line with the config. */
    public static Daemon create(AuditConfig config, Secrets secrets, Map<String, String> env, Clock clock, Path home)
            throws SchedulerException {
        DaemonConfig dc = config.daemon();
        return create(config, secrets, env, clock, home, LOCK_WAIT.compareTo(dc.runLockTtl()) > 0 ? LOCK_WAIT
                : dc.runLockTtl().plusMinutes(1));
    }

    /** The same, a fire waiting at most {@code lockWait} for another audit to finish (tests wait less). */
    static Daemon create(AuditConfig config, Secrets secrets, Map<String, String> env, Clock clock, Path home,
                         Duration lockWait) throws SchedulerException {
        DaemonConfig dc = config.daemon();
        // a single daemon's Quartz takes the job store for its own: a second one on the same store would mark the
        // first one's fires interrupted and run them again (a clustered daemon shares it through Quartz's locks)
        RunLock.Held daemonLock = null;
        if (!dc.isClustered()) {
            try {
                daemonLock = RunLock.daemon(config, env, clock).acquire(RunLock.owner("kcd-audit daemon"), Duration.ZERO);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchedulerException("interrupted while taking the lock " + RunLock.DAEMON, e);
            }
        }
        try {
            return create(config, secrets, env, clock, home, lockWait, daemonLock);
        } catch (RuntimeException | SchedulerException e) {
            if (daemonLock != null) {
                daemonLock.close();
            }
            throw e;
        }
    }

    private static Daemon create(AuditConfig config, Secrets secrets, Map<String, String> env, Clock clock, Path home,
                                 Duration lockWait, RunLock.Held daemonLock) throws SchedulerException {
        Database db = Database.open(config, env);
        DaemonConfig dc = config.daemon();
        String ds = "kcd-store-" + UUID.randomUUID();
        QuartzConnections.register(ds, db);
        Properties p = quartzProperties(dc, db.isPostgres(), ds);
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        Scheduler scheduler = factory.getScheduler();
        String instance = scheduler.getSchedulerInstanceId();
        scheduler.getListenerManager().addTriggerListener(new MisfireLog(clock),
                GroupMatcher.triggerGroupEquals(GROUP));
        Outbox outbox = new Outbox(db, clock, Duration.ofMillis(dc.outboxIntervalMillis()), instance);
        Notifier notifier = new Notifier(config, secrets, env, clock, Installation.at(home).templates(), outbox);
        DaemonContext ctx = new DaemonContext(config, secrets, env, clock, home, outbox, notifier,
                new FireLog(db), RunLock.of(config, env, clock), lockWait, instance, new ActiveJobs());
        scheduler.getContext().put(DaemonContext.KEY, ctx);
        Daemon d = new Daemon(scheduler, ctx, ds, daemonLock);
        d.reconcileUnderLock();
        return d;
    }

    static Properties quartzProperties(DaemonConfig dc, boolean postgres, String dataSource) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", SCHEDULER_NAME);
        p.setProperty("org.quartz.scheduler.instanceId", dc.instanceId() == null ? "AUTO" : dc.instanceId());
        p.setProperty("org.quartz.scheduler.instanceIdGenerator.class", ProcessInstanceIdGenerator.class.getName());
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.interruptJobsOnShutdownWithWait", "false");
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        // two audits that fire together (one waits for the run lock) and the outbox tick
        p.setProperty("org.quartz.threadPool.threadCount", "3");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSource);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(dc.misfireThresholdMillis()));
        p.setProperty("org.quartz.jobStore.isClustered", String.valueOf(dc.isClustered()));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", String.valueOf(dc.checkInIntervalMillis()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        return p;
    }

    /**
     * Two daemons of a cluster starting at the same moment must not both (re)create a trigger: the
     * second would reset the first's next fire time and fire the same minute twice. So the job
     * store is brought in line under the store's named lock {@value #RECONCILE_LOCK}.
     */
    void reconcileUnderLock() throws SchedulerException {
        String owner = RunLock.owner("kcd-audit daemon " + context.instance());
        Instant end = context.clock().instant().plusSeconds(90); // a dead holder's lock expires after 60 s
        try (RunStore store = StoreUrls.open(context.config(), context.env())) {
            while (!store.locks().tryLock(RECONCILE_LOCK, owner, context.clock().instant(), Duration.ofMinutes(1))) {
                if (context.clock().instant().isAfter(end)) {
                    throw new SchedulerException("lock " + RECONCILE_LOCK + " is held by "
                            + store.locks().holder(RECONCILE_LOCK).map(RunLocks.Lock::describe).orElse("?") + " for more than 90 s");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SchedulerException("interrupted while waiting for lock " + RECONCILE_LOCK, e);
                }
            }
            try {
                reconcile();
            } finally {
                store.locks().unlock(RECONCILE_LOCK, owner);
            }
        }
    }

    /** Adds, updates and removes jobs so the store holds exactly the configured ones. An unchanged trigger is kept,
     *  with its next fire time, so a missed fire is still a misfire when the daemon comes back. */
    void reconcile() throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        for (ScheduleConfig s : context.config().schedule()) {
            JobKey key = JobKey.jobKey(s.name(), GROUP);
            wanted.add(key);
            Trigger existing = scheduler.getTrigger(TriggerKey.triggerKey(s.name(), GROUP));
            if (existing instanceof CronTrigger ct && ct.getCronExpression().equals(s.cron())
                    && ct.getTimeZone().getID().equals(s.quartzTimeZone().getID())
                    && ct.getMisfireInstruction() == CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW
                    && scheduler.checkExists(key)) {
                continue;
            }
            JobDetail job = JobBuilder.newJob(AuditJob.class).withIdentity(key)
                    .withDescription("audit, notify: " + s.notifyMode().label())
                    .requestRecovery(true).storeDurably(true).build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(s.name(), GROUP).forJob(key)
                    .withSchedule(CronScheduleBuilder.cronSchedule(s.cron()).inTimeZone(s.quartzTimeZone())
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            LOG.info("job {} scheduled: cron \"{}\" in {}", s.name(), s.cron(), s.zone());
        }
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(key)) {
                scheduler.deleteJob(key);
                LOG.info("job {} removed (no longer in the config)", key.getName());
            }
        }
        JobDetail outbox = JobBuilder.newJob(OutboxJob.class).withIdentity(OUTBOX_JOB).storeDurably(true).build();
        Trigger tick = TriggerBuilder.newTrigger().withIdentity("outbox", INTERNAL_GROUP).forJob(OUTBOX_JOB).startNow()
                .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(context.config().daemon().outboxIntervalMillis()).repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(outbox, Set.of(tick), true);
    }

    /**
     * Starts firing. A single daemon first marks the fires a previous one left half-done as interrupted; every daemon
     * (under the run lock, when it is free) the runs, and the report folders on this machine of runs that ended
     * while writing them.
     */
    public void start() throws SchedulerException {
        if (!context.config().daemon().isClustered()) {
            markInterrupted();
        }
        checkRunsUnderLock();
        scheduler.start();
        LOG.info("kcd-audit daemon {} started: {} job(s){}", context.instance(), context.config().schedule().size(),
                context.config().daemon().isClustered() ? ", clustered" : "");
        for (ScheduleConfig s : context.config().schedule()) {
            ScheduleConfigValidation.skippedByClockChange(s, context.clock().instant())
                    .ifPresent(line -> LOG.warn("job {}: {}", s.name(), line));
        }
    }

    private void markInterrupted() {
        Instant now = context.clock().instant();
        int fires = context.fireLog().markInterrupted(now);
        if (fires > 0) {
            LOG.warn("{} scheduled fire(s) a previous daemon left unfinished are recorded as interrupted", fires);
        }
    }

    /** Taking the run lock records the runs a dead process left RUNNING as interrupted and marks their folders. */
    private void checkRunsUnderLock() {
        try (RunLock.Held lock = context.runLock().acquire(RunLock.owner("kcd-audit daemon " + context.instance()),
                Duration.ZERO)) {
            LOG.debug("run lock checked at start");
        } catch (RunLock.LockedException e) {
            LOG.info("an audit is in progress; RUNNING runs are checked by the next scheduled run");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The configured jobs with the store's triggers: next and previous fire times. */
    public List<JobStatus> jobs() throws SchedulerException {
        List<JobStatus> out = new ArrayList<>();
        for (ScheduleConfig s : context.config().schedule()) {
            Trigger t = scheduler.getTrigger(TriggerKey.triggerKey(s.name(), GROUP));
            Trigger.TriggerState state = t == null ? Trigger.TriggerState.NONE
                    : scheduler.getTriggerState(t.getKey());
            out.add(new JobStatus(s, t == null ? null : instant(t.getNextFireTime()), state.name(),
                    context.fireLog().last(s.name()).orElse(null)));
        }
        return out;
    }

    public record JobStatus(ScheduleConfig job, Instant nextFire, String state, FireLog.Fire lastFire) {
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }

    public DaemonContext context() {
        return context;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /**
     * Stops (the SIGTERM shutdown hook calls this): no new runs; a running audit may finish and be stored
     * within {@code daemon.stopTimeoutSeconds}. One that takes longer is stopped, recorded INTERRUPTED (its
     * fire too), its unfinished folder marked failed, and its failure notice queued; only then is the store
     * closed. A run whose last stage does not end within {@value #GRACE_SECONDS} s more is recorded so here.
     */
    @Override
    public void close() {
        stop("closed");
    }

    /**
     * {@link #close()}, then the log's last line: "kcd-audit daemon … stopped ({@code how})", e.g. "SIGTERM, exit 0",
     * so that a clean exit is told from a hang or a kill -9 in a log without journald. A second stop does nothing.
     */
    public void stop(String how) {
        boolean stopping = false;
        try {
            if (scheduler.isShutdown()) {
                return;
            }
            stopping = true;
            Duration timeout = context.config().daemon().stopTimeout();
            LOG.info("kcd-audit daemon {} stopping: no new runs; a running audit may finish within"
                    + " daemon.stopTimeoutSeconds ({} s)", context.instance(), timeout.toSeconds());
            scheduler.standby();
            context.active().stopping();
            boolean ended = context.active().awaitNone(timeout);
            if (!ended) {
                String reason = "interrupted: the daemon was stopped and the run did not finish within"
                        + " daemon.stopTimeoutSeconds (" + timeout.toSeconds() + " s)";
                List<ActiveJobs.Job> running = context.active().now();
                LOG.warn("{} audit(s) still running after {} s: stopping them", running.size(), timeout.toSeconds());
                running.forEach(j -> j.control().stop(reason));
                ended = context.active().awaitNone(Duration.ofSeconds(GRACE_SECONDS));
                if (!ended) {
                    context.active().now().forEach(j -> AuditJob.abandon(context, scheduler, j, reason
                            + "; its last stage did not end within " + GRACE_SECONDS + " s more"));
                }
            }
            // with every audit ended, wait for Quartz's own threads (and an outbox tick) before the store closes;
            // a stuck audit is not waited for: it is recorded above, and the process exits
            scheduler.shutdown(ended);
        } catch (SchedulerException e) {
            LOG.warn("stopping the scheduler: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            QuartzConnections.release(dataSourceName);
            if (daemonLock != null) {
                daemonLock.close();
            }
            if (stopping) {
                LOG.info("kcd-audit daemon {} stopped ({})", context.instance(), how);
            }
        }
    }
}
