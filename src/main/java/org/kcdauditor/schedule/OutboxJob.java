package org.kcdauditor.schedule;

import org.kcdauditor.notify.Outbox;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The outbox tick: at start and every daemon.outboxIntervalSeconds, send the notices that are due. */
@DisallowConcurrentExecution
public class OutboxJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxJob.class);

    @Override
    public void execute(JobExecutionContext ctx) throws JobExecutionException {
        try {
            DaemonContext d = DaemonContext.of(ctx);
            // a stopping daemon does not work through the whole outbox first: the rest wait for its next start
            Outbox.Result r = d.notifier().flush(Integer.MAX_VALUE, d.active()::isStopping);
            if (r.sent() + r.failed() > 0) {
                LOG.info("outbox: {} sent, {} still pending after a failed attempt", r.sent(), r.failed());
            }
        } catch (SchedulerException | RuntimeException e) {
            LOG.warn("outbox: {}", e.getMessage());
        }
    }
}
