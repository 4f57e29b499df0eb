package org.kcdauditor.schedule;

import org.kcdauditor.audit.Timings;
import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.FireLog;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
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
        if (job == null) {
            LOG.warn("job {} is not in {} any more; not run", name, d.config().sourceName());
            return;
        }
        boolean recovering = ctx.isRecovering();
        Instant fireTime = ctx.getScheduledFireTime().toInstant();
        String original = Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS;
        if (recovering && ctx.getMergedJobDataMap().containsKey(original)) {
            // the fire the crashed daemon was running: recorded under its scheduled time
            fireTime = Instant.ofEpochMilli(Long.parseLong(String.valueOf(ctx.getMergedJobDataMap().get(original))));
        }
        String fireId = d.fireLog().start(name, fireTime, d.clock().instant(), d.instance(), recovering);
        LOG.info("job {} fired for {}{}", name, fireTime, recovering ? " (recovering a run a crash interrupted)" : "");
        try (RunLock.Held lock = d.runLock().acquire(RunLock.owner("kcd-audit daemon " + d.instance() + " job " + name),
                d.lockWait())) {
            var cfg = d.config();
            var formats = cfg.reports() == null || cfg.reports().formats() == null ? ConfigLoader.FORMATS
                    : cfg.reports().formats();
            AuditRun.Outcome o = new AuditRun(cfg, d.secrets(), d.clock(),
                    Reports.standard(d.templatesDir(), cfg.reports())).withHome(d.home()).withEnvironment(d.env())
                    .withTrigger("schedule").execute(null, formats, new Timings(), n -> { });
            String summary = o.result().findings().size() + " findings, " + o.result().bySeverity();
            d.fireLog().finish(fireId, d.clock().instant(), o.runId(), FireLog.SUCCEEDED, summary);
            LOG.info("job {}: run {} finished: {}; reports in {}", name, o.runId(), summary, o.outDir());
            notify(d, job, o);
        } catch (RunLock.LockedException e) {
            d.fireLog().finish(fireId, d.clock().instant(), null, FireLog.SKIPPED, e.getMessage());
            LOG.warn("job {} not run: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            d.fireLog().finish(fireId, d.clock().instant(), null, FireLog.FAILED, "interrupted");
        } catch (Exception e) {
            d.fireLog().finish(fireId, d.clock().instant(), null, FireLog.FAILED, e.getMessage());
            LOG.error("job {}: the run could not complete (exit code {} for a manual run): {}", name,
                    ExitCodes.RUN_FAILED, e.getMessage());
            notifyFailure(d, job, fireTime, e);
        }
    }

    /** A run that could not complete is news too: nobody should find out a month later. */
    private static void notifyFailure(DaemonContext d, ScheduleConfig job, Instant fireTime, Exception e) {
        try {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (!d.notifier().queueFailure(job.name(), job.notifyMode(), fireTime, reason).isEmpty()) {
                LOG.info("job {}: failure notice queued", job.name());
                d.notifier().flush();
            }
        } catch (Exception ex) {
            LOG.error("job {}: the failure notice could not be queued or sent now: {}", job.name(), ex.getMessage());
        }
    }

    private static void notify(DaemonContext d, ScheduleConfig job, AuditRun.Outcome o) {
        try {
            Path pdf = o.outDir() == null ? null : o.outDir().resolve("audit.pdf");
            List<Notice> queued = d.notifier().queue(job.name(), job.notifyMode(), o.document(),
                    pdf != null && Files.isRegularFile(pdf) ? pdf : null);
            if (queued.isEmpty()) {
                LOG.info("job {}: no notice (notify: {}{})", job.name(), job.notifyMode().label(),
                        job.notifyMode() == ScheduleConfig.Notify.ON_CHANGE ? ", nothing changed" : "");
                return;
            }
            for (Notice n : queued) {
                LOG.info("job {}: notice queued: {} to {}", job.name(), n.subject(), String.join(", ", n.recipients()));
            }
            d.notifier().flush();
        } catch (Exception e) {
            LOG.error("job {}: notices of run {} could not be queued or sent now: {} (queued ones are retried)",
                    job.name(), o.runId(), e.getMessage());
        }
    }
}
