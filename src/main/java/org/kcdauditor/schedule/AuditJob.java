package org.kcdauditor.schedule;

import org.kcdauditor.audit.Timings;
import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.config.RetryConfig;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.directory.DirectoryOutage;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Manifest;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.run.Recovery;
import org.kcdauditor.run.Retention;
import org.kcdauditor.run.RunControl;
import org.kcdauditor.run.RunFolder;
import org.kcdauditor.run.RunInterruptedException;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreException;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.report.Words;
import org.quartz.CronExpression;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.JobKey;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One scheduled audit: take the run lock, call {@link AuditRun} (the same entry point as
 * {@code run}), then queue and send the notices. Never two at once (Quartz, cluster-wide, and the
 * store's run lock against manual runs); re-run after a crash (requestsRecovery).
 */
@DisallowConcurrentExecution
public class AuditJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(AuditJob.class);
    /** How often the end of a fire is tried again while the history store does not answer. */
    static final java.time.Duration STORE_RETRY = java.time.Duration.ofSeconds(5);
    /** On a one-shot trigger: the fire time (ms) of the audit the daemon's stop interrupted, which it runs again. */
    static final String RERUN_OF = "kcd.rerunOf";
    /** On a one-shot trigger: the scheduled time (ms) of the fire whose audit the directory stopped (daemon.retry). */
    static final String RETRY_OF = "kcd.retryOf";
    /** On such a trigger: which retry of that fire it is, from 1. */
    static final String RETRY_NO = "kcd.retryNo";

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        DaemonContext d;
        try {
            d = DaemonContext.of(ctx);
        } catch (SchedulerException e) {
            throw new JobExecutionException(e);
        }
        String name = ctx.getJobDetail().getKey().getName();
        ScheduleConfig job = d.job(name);
        String rerunOf = ctx.getTrigger().getJobDataMap().getString(RERUN_OF);
        String retryOfMs = ctx.getTrigger().getJobDataMap().getString(RETRY_OF);
        Instant retryOf = retryOfMs == null ? null : Instant.ofEpochMilli(Long.parseLong(retryOfMs));
        int retry = retryOf == null ? 0 : Integer.parseInt(ctx.getTrigger().getJobDataMap().getString(RETRY_NO));
        boolean recovering = ctx.isRecovering() || rerunOf != null;
        Instant fireTime = rerunOf != null ? Instant.ofEpochMilli(Long.parseLong(rerunOf))
                : ctx.getScheduledFireTime().toInstant();
        String original = Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS;
        if (recovering && ctx.getMergedJobDataMap().containsKey(original)) {
            // the fire the crashed daemon was running: recorded under its scheduled time
            fireTime = Instant.ofEpochMilli(Long.parseLong(String.valueOf(ctx.getMergedJobDataMap().get(original))));
        }
        if (recovering) {
            // the crashed daemon's RUNNING fire is marked INTERRUPTED whether or not this daemon's config has the job
            d.fireLog().markRecovered(name, fireTime, d.clock().instant(), d.instance());
        }
        if (job == null) {
            // each daemon brings the job store in line with its own config at start: another daemon of this store
            // with another schedule put the job there, and Quartz handed its fire to this one
            String reason = "not run by daemon " + d.instance() + ": job " + name + " is not in its config "
                    + d.config().sourceName() + "; another daemon of this store scheduled it: every daemon of a store"
                    + " must run the same schedule (restart this one with that config)";
            Instant now = d.clock().instant();
            d.fireLog().finish(d.fireLog().start(name, fireTime, now, d.instance(), recovering), now, null,
                    FireLog.SKIPPED, reason);
            LOG.warn("job {} {}", name, reason);
            return;
        }
        String covered = recovering ? null : covered(ctx, d, name);
        if (covered != null) {
            Instant now = d.clock().instant();
            d.fireLog().finish(d.fireLog().start(name, fireTime, now, d.instance(), false), now, null,
                    FireLog.SKIPPED, covered);
            LOG.info("job {} {}", name, covered);
            return;
        }
        String fireId = d.fireLog().start(name, fireTime, d.clock().instant(), d.instance(), recovering);
        LOG.info("job {} fired for {}{}", name, fireTime, rerunOf != null
                ? " (running again the audit the daemon's stop interrupted)"
                : recovering ? " (recovering a run a crash interrupted)"
                : retry > 0 ? " (" + retryOfFire(d, retry, retryOf) + ")" : "");
        ActiveJobs.Job active = d.active().start(job, fireTime, fireId);
        RunControl control = active.control();
        try (RunLock.Held lock = d.runLock().acquire(RunLock.owner("kcd-audit daemon " + d.instance() + " job " + name),
                d.lockWait(), () -> d.active().giveUp(active))) {
            var cfg = d.config();
            var formats = Format.parse(cfg.reports().formats(), "reports.formats");
            AuditRun.Outcome o = AuditRun.installed(cfg, d.env(), d.clock(), d.home())
                    .withTrigger(retry > 0 ? RunSummary.RETRY : "schedule")
                    .execute(null, formats, new Timings(), n -> { }, control);
            String summary = o.result().findings().size() + " findings, " + o.result().bySeverity();
            LOG.info("job {}: run {} finished: {}; reports in {}{}", name, o.runId(), summary, o.outDir(),
                    o.manifestSha256() == null ? ""
                            : " (" + Manifest.FILE_NAME + " SHA-256 " + o.manifestSha256() + ")");
            if (o.document().baseline() != null && o.document().baseline().waivers() != null) {
                o.document().baseline().waivers().stream().filter(w -> w.warning() != null).forEach(w -> LOG.warn(
                        "job {}: the waiver for {} on {}{} {}", name, w.rule(), w.host(),
                        w.peer() == null ? "" : " -> " + w.peer(), w.warning()));
            }
            notify(d, job, o, fireId, summary);
            prune(d, name);
        } catch (RunLock.LockedException e) {
            LOG.warn("job {} not run: {}", name, e.getMessage());
            whenStoreAnswers(d, name, () -> d.fireLog().finish(fireId, d.clock().instant(), null, FireLog.SKIPPED,
                    e.getMessage()));
            // a skipped monthly report is news like a failed one: nobody should find out a month later
            notifyFailure(d, job, fireTime, null, "it waited " + minutes(d.lockWait()) + " for the run lock and was"
                    + " skipped: " + e.getMessage(), false, null);
        } catch (RunInterruptedException e) {
            String reason = withOutputs(e.getMessage(), control) + runAgain(ctx.getScheduler(), name, fireTime);
            LOG.warn("job {}: {}", name, reason);
            whenStoreAnswers(d, name, () -> d.fireLog().finish(fireId, d.clock().instant(), control.runId(),
                    FireLog.INTERRUPTED, reason));
            notifyFailure(d, job, fireTime, control.runId(), reason, true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d.fireLog().finish(fireId, d.clock().instant(), control.runId(), FireLog.INTERRUPTED, "interrupted");
        } catch (Exception e) {
            // as the stored run and the console say it: the JDK's file-system exceptions carry only the path
            String failed = withOutputs(AuditRun.reason(e), control)
                    + (retry > 0 ? "; this was " + retryOfFire(d, retry, retryOf) : "");
            Retry later = retryLater(ctx.getScheduler(), d, name, e, retryOf != null ? retryOf : fireTime, retry);
            String reason = failed + later.said();
            LOG.error("job {}: the run could not complete (exit code {} for a manual run): {}", name,
                    ExitCodes.RUN_FAILED, reason);
            whenStoreAnswers(d, name, () -> {
                if (control.runId() != null) { // the run could not record its own failure when the store was down
                    try (RunStore store = StoreUrls.open(d.config(), d.env())) {
                        store.fail(control.runId(), d.clock().instant(), reason);
                    }
                }
                d.fireLog().finish(fireId, d.clock().instant(), control.runId(), FireLog.FAILED, reason);
            });
            if (retry > 0 && later.follows()) {
                // the fire's notice said a retry follows: the team hears how the last one went, not each failure
                LOG.info("job {}: no failure notice for {}: another retry follows", name,
                        retryOfFire(d, retry, retryOf));
            } else {
                notifyFailure(d, job, fireTime, control.runId(), reason, false, retryOf);
            }
        } finally {
            d.active().end(active);
        }
    }

    /**
     * Why a cron fire is not run: an audit of the job that started after the fire's time (for a fire Quartz made of
     * missed ones, "fire once now", after the first of them) has succeeded, and no cron time lies between its start
     * and this fire. That audit is the fire the daemon's crash or stop interrupted, run again at start, and it saw the
     * directory as this fire would: a daemon down past the next fire time (a misfire), or back within
     * misfireThresholdSeconds of it (the fire runs at its own time, once the recovered audit has ended). Null for any
     * other fire.
     */
    private static String covered(JobExecutionContext ctx, DaemonContext d, String name) {
        CronExpression cron = MisfireLog.cron(ctx.getTrigger());
        if (cron == null) {
            return null;
        }
        java.util.Date scheduled = ctx.getScheduledFireTime();
        java.util.Date first = ctx.getPreviousFireTime() == null ? null : cron.getTimeAfter(ctx.getPreviousFireTime());
        boolean missed = first != null && first.before(scheduled);
        java.util.Date since = missed ? first : scheduled;
        return d.fireLog().lastSucceededFiredAfter(name, since.toInstant()).filter(f -> {
            java.util.Date next = cron.getTimeAfter(java.util.Date.from(f.firedAt()));
            return next == null || next.after(scheduled);
        }).map(f -> (missed ? "not run: the fires missed since " + Words.time(first.toInstant()) + " are covered by run "
                + f.runId() + ", which started after the last of them, at "
                : "not run: the fire of " + Words.time(scheduled.toInstant()) + " is covered by run " + f.runId()
                + ", which started after it, at ") + Words.time(f.firedAt())
                + (f.recovering() ? " (the audit the daemon's crash or stop interrupted, run again)" : "")
                + "; the next fire follows the cron").orElse(null);
    }

    /**
     * Records how a fire ended. While the history store does not answer (PostgreSQL restarting, often the very reason
     * the run failed) it is tried again every {@link #STORE_RETRY} until it does, or the daemon stops: the fire must
     * not stay RUNNING, and its failure notice is queued in that store.
     */
    private static void whenStoreAnswers(DaemonContext d, String job, Runnable write) {
        boolean told = false;
        while (true) {
            try {
                write.run();
                if (told) {
                    LOG.info("job {}: the history store answers again; how the fire ended is recorded", job);
                }
                return;
            } catch (StoreException e) {
                if (d.active().isStopping()) {
                    LOG.error("job {}: how the fire ended could not be recorded: {}", job, e.getMessage());
                    return;
                }
                if (!told) {
                    LOG.warn("job {}: how the fire ended cannot be recorded now: {}; trying again every {} s until the"
                            + " history store answers", job, e.getMessage(), STORE_RETRY.toSeconds());
                    told = true;
                }
                try {
                    Thread.sleep(STORE_RETRY.toMillis());
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static String minutes(java.time.Duration d) {
        return d.toMinutes() >= 1 ? org.kcdauditor.report.Words.plural(d.toMinutes(), "minute") : d.toSeconds() + " s";
    }

    /** store.retain after each scheduled run, still under the run lock; a failure is logged, the run stands. */
    private static void prune(DaemonContext d, String job) {
        try (RunStore store = StoreUrls.open(d.config(), d.env())) {
            List<RunSummary> pruned = Retention.prune(d.config(), store, d.clock().instant(), false);
            if (!pruned.isEmpty()) {
                LOG.info("job {}: {} run(s) pruned (store.retain), oldest started {}", job, pruned.size(),
                        pruned.get(0).startedAt());
            }
        } catch (RuntimeException e) {
            LOG.warn("job {}: runs not pruned: {}", job, e.getMessage());
        }
    }

    /** The reason, and what the run left on disk: the mail and the fire log say what was (not) written. */
    static String withOutputs(String reason, RunControl control) {
        if (control.failedFolder() != null) {
            return reason + "; the files it wrote before it stopped are kept in " + control.failedFolder()
                    + RunFolder.failedTxtSaysWhy(control.failedFolder()) + " and are not a report";
        }
        if (control.staging() != null) {
            return reason + "; its unfinished files are in " + control.staging() + " and are not a report";
        }
        return control.runId() == null ? reason : reason + "; it wrote no report files";
    }

    /**
     * An audit the daemon's stop interrupted runs again, as one a crash interrupted does: a one-shot trigger for now,
     * kept in the job store, that the next daemon to start (or another daemon of the cluster at once) fires ("fire
     * now" when it finds it missed). Without it a monthly report cut off by {@code systemctl restart} waited a month.
     * Returns what the fire's reason says of it.
     */
    static String runAgain(Scheduler scheduler, String job, Instant fireTime) {
        TriggerKey key = rerunKey(job, fireTime);
        try {
            if (!scheduler.checkExists(key)) {
                scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key)
                        .forJob(JobKey.jobKey(job, Daemon.GROUP)).usingJobData(RERUN_OF,
                                String.valueOf(fireTime.toEpochMilli())).startNow()
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                        .build());
            }
            LOG.info("job {}: the audit the stop interrupted runs again when a daemon of this store starts", job);
            return "; it runs again when the daemon is back";
        } catch (SchedulerException e) {
            LOG.error("job {}: the interrupted audit cannot be scheduled to run again: {}", job, e.getMessage());
            return "";
        }
    }

    /**
     * What {@link #retryLater} did: what the fire's reason says of it, and whether a retry of the fire follows.
     */
    private record Retry(String said, boolean follows) {
        static final Retry NONE = new Retry("", false);
    }

    /** "retry 1 of 2 of the fire due 2026-12-07 02:00:00 UTC". */
    private static String retryOfFire(DaemonContext d, int retry, Instant retryOf) {
        return "retry " + retry + " of " + d.config().daemon().retryOrDefault().attemptsOrDefault()
                + " of the fire due " + Words.time(retryOf);
    }

    /**
     * An audit the directory stopped (a DC restarting for its updates, the connection refused or lost, busy,
     * unavailable, its time limit: {@link DirectoryOutage}) runs again {@code daemon.retry.afterMinutes} later, at
     * most {@code daemon.retry.attempts} times per scheduled fire: a one-shot trigger for the job, kept in the job
     * store, as {@link #runAgain} does for an interrupted audit. Without it a daily 02:00 job that met a DC rebooting
     * waited a day and the morning's report was missing. Returns what the fire's reason says of it (when the retry
     * runs, or that no more follow) and whether a retry follows; nothing for any other failure, which a retry cannot
     * fix (a refused bind, a permission, the configuration, the history store).
     *
     * @param fire the scheduled fire time of the cron fire the retries belong to
     * @param done how many retries of it have run (this one included)
     */
    private static Retry retryLater(Scheduler scheduler, DaemonContext d, String job, Throwable failure,
                                    Instant fire, int done) {
        RetryConfig r = d.config().daemon().retryOrDefault();
        int attempts = r.attemptsOrDefault();
        if (attempts == 0 || !DirectoryOutage.is(failure)) {
            return Retry.NONE;
        }
        if (done >= attempts) {
            LOG.warn("job {}: the fire due {} failed {}; no more retries follow", job, Words.time(fire),
                    Words.plural(done + 1L, "time"));
            return new Retry("; no more retries follow (daemon.retry.attempts: " + attempts + "): the job runs next"
                    + " at its schedule", false);
        }
        int next = done + 1;
        Instant at = d.clock().instant().plus(r.after());
        TriggerKey key = TriggerKey.triggerKey(job + "-retry-" + fire.toEpochMilli() + "-" + next, Daemon.GROUP);
        try {
            if (!scheduler.checkExists(key)) {
                scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key)
                        .forJob(JobKey.jobKey(job, Daemon.GROUP)).usingJobData(RETRY_OF,
                                String.valueOf(fire.toEpochMilli())).usingJobData(RETRY_NO, String.valueOf(next))
                        .startAt(java.util.Date.from(at))
                        .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                        .build());
            }
            LOG.info("job {}: the directory stopped the audit; retry {} of {} at {}", job, next, attempts,
                    Words.time(at));
            return new Retry("; retry " + next + " of " + attempts + " at " + Words.time(at) + " (daemon.retry)", true);
        } catch (SchedulerException e) {
            LOG.error("job {}: the retry of the audit cannot be scheduled: {}", job, e.getMessage());
            return Retry.NONE;
        }
    }

    private static TriggerKey rerunKey(String job, Instant fireTime) {
        return TriggerKey.triggerKey(job + "-rerun-" + fireTime.toEpochMilli(), Daemon.GROUP);
    }

    /**
     * A stopped run whose thread did not end in time (the daemon is about to exit): recorded INTERRUPTED here,
     * with its fire, its folder marked failed, and its failure notice queued. A job whose fire has ended already (its
     * run stored and its notices queued; it was still sending them) is left as it is: its notices wait in the outbox.
     */
    static void abandon(DaemonContext d, Scheduler scheduler, ActiveJobs.Job j, String reason) {
        RunControl c = j.control();
        String told = reason;
        try {
            if (c.runId() != null) {
                try (RunStore store = StoreUrls.open(d.config(), d.env())) {
                    Path failed = Recovery.interrupt(store, c.runId(), d.clock().instant(), reason);
                    told = told + (failed != null ? "; the files it wrote before it stopped are kept in " + failed
                            + RunFolder.failedTxtSaysWhy(failed) + " and are not a report" : "");
                }
            }
            told = told + runAgain(scheduler, j.job().name(), j.fireTime());
            if (!d.fireLog().finishIfRunning(j.fireId(), d.clock().instant(), c.runId(), FireLog.INTERRUPTED, told)) {
                scheduler.unscheduleJob(rerunKey(j.job().name(), j.fireTime())); // it ran: nothing to run again
                LOG.warn("job {}: run {} is stored and its notices queued; they were still being sent when the daemon"
                        + " stopped and are sent from the outbox later", j.job().name(), c.runId());
                return;
            }
            LOG.warn("job {}: {}", j.job().name(), told);
        } catch (RuntimeException | SchedulerException e) {
            LOG.error("job {}: cannot record the stopped run as interrupted: {}", j.job().name(), e.getMessage());
        }
        notifyFailure(d, j.job(), j.fireTime(), c.runId(), told, true, null);
    }

    /**
     * A run that could not complete is news too: nobody should find out a month later. But not at every fire while
     * the job keeps failing (a directory down over a weekend, a job every 5 minutes): once the job has a failure
     * notice and has not succeeded since, the next one is queued only {@link NoticeBuilder#REPEAT_FAILURE} after it.
     * A retry's failure that no other retry follows is told when its fire's was ({@code retryOf}, the fire's scheduled
     * time, and a failure notice queued since that fire started): that notice said a retry follows, and the team needs
     * to hear how the retries went (one more notice; the failures of the retries before it are not mailed).
     */
    private static void notifyFailure(DaemonContext d, ScheduleConfig job, Instant fireTime, String runId,
                                      String reason, boolean stopped, Instant retryOf) {
        try {
            if (job.notifyMode() != ScheduleConfig.Notify.NEVER && d.config().mail() != null) {
                Instant told = failureToldSinceSuccess(d, job).orElse(null);
                boolean retryTold = told != null && retryOf != null && d.fireLog().ofFireTime(job.name(), retryOf)
                        .stream().anyMatch(f -> !told.isBefore(f.firedAt()));
                if (told != null && !retryTold
                        && d.clock().instant().isBefore(told.plus(NoticeBuilder.REPEAT_FAILURE))) {
                    LOG.info("job {}: no failure notice: the job has not succeeded since the one queued at {}; while"
                            + " it keeps failing it is mailed again from {}", job.name(),
                            org.kcdauditor.report.Words.time(told),
                            org.kcdauditor.report.Words.time(told.plus(NoticeBuilder.REPEAT_FAILURE)));
                    return;
                }
            }
            if (!d.notifier().queueFailure(job.name(), job.notifyMode(), fireTime, runId, reason, stopped).isEmpty()) {
                LOG.info("job {}: failure notice queued", job.name());
                d.notifier().flush();
            }
        } catch (Exception ex) {
            LOG.error("job {}: the failure notice could not be queued or sent now: {}", job.name(), ex.getMessage());
        }
    }

    /** When the job's newest failure notice was queued, if it has one and has not succeeded since. */
    private static java.util.Optional<Instant> failureToldSinceSuccess(DaemonContext d, ScheduleConfig job) {
        Instant told = d.outbox().lastFailureNotice(job.name()).orElse(null);
        Instant succeeded = d.fireLog().lastSucceeded(job.name()).orElse(null);
        return told != null && (succeeded == null || succeeded.isBefore(told)) ? java.util.Optional.of(told)
                : java.util.Optional.empty();
    }

    /**
     * Queues the run's notices, then records the fire SUCCEEDED, then sends what is due. The fire is SUCCEEDED only
     * once the notices are stored: the next notices compare with the last run whose fire succeeded, so a run whose
     * daemon died (or whose notices could not be stored) before that does not absorb a change nobody was told of.
     */
    private static void notify(DaemonContext d, ScheduleConfig job, AuditRun.Outcome o, String fireId, String summary) {
        List<Notice> queued;
        try {
            // also where reports.formats leave out the PDF: the notice names the run's folder from it and says that
            // no PDF was written (it attaches only a file that is there)
            Path pdf = o.outDir() == null ? null : o.outDir().resolve("audit.pdf");
            // the last mail of an on-change job to the team said it could not run: this run is news to the team
            // (the failure notice went to mail.to only) even without a change
            boolean tellTeam = false;
            if (job.notifyMode() == ScheduleConfig.Notify.ON_CHANGE && d.config().mail() != null) {
                Instant failed = failureToldSinceSuccess(d, job).orElse(null);
                if (failed != null) {
                    LOG.info("job {}: runs again after the failure notice of {}: the team's notice is queued with or"
                            + " without a change", job.name(), org.kcdauditor.report.Words.time(failed));
                    tellTeam = true;
                }
            }
            queued = d.notifier().queue(job.name(), job.notifyMode(), o.document(), pdf, tellTeam);
        } catch (Exception e) {
            String reason = "run " + o.runId() + " is stored (" + summary + "), but its notices could not be queued: "
                    + e.getMessage() + "; the next run's notices compare with the run before it";
            LOG.error("job {}: {}", job.name(), reason);
            whenStoreAnswers(d, job.name(), () -> d.fireLog().finish(fireId, d.clock().instant(), o.runId(),
                    FireLog.FAILED, reason));
            return;
        }
        try {
            d.fireLog().finish(fireId, d.clock().instant(), o.runId(), FireLog.SUCCEEDED, summary);
        } catch (RuntimeException e) {
            // the run is stored and its notices queued: not a failed audit (no failure notice); the next notices
            // compare with the run before it, which tells this change again rather than never
            LOG.error("job {}: run {} and its notices are stored, but its fire could not be recorded: {}", job.name(),
                    o.runId(), e.getMessage());
        }
        if (queued.isEmpty()) {
            LOG.info("job {}: no notice (notify: {}{})", job.name(), job.notifyMode().label(),
                    job.notifyMode() == ScheduleConfig.Notify.ON_CHANGE ? ", nothing changed" : "");
            return;
        }
        for (Notice n : queued) {
            LOG.info("job {}: notice queued: {} to {}", job.name(), n.subject(), String.join(", ", n.recipients()));
        }
        try {
            d.notifier().flush();
        } catch (Exception e) {
            LOG.error("job {}: notices of run {} could not be sent now: {} (they are retried)", job.name(), o.runId(),
                    e.getMessage());
        }
    }
}
