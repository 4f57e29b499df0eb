package org.kcdauditor.schedule;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.notify.Notifier;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.FireLog;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What the jobs of one daemon need, kept in Quartz's (in-memory, never persisted) scheduler
 * context: the configuration and the services built from it.
 */
public record DaemonContext(AuditConfig config, Secrets secrets, Map<String, String> env, Clock clock, Path home,
                            Outbox outbox, Notifier notifier, FireLog fireLog, RunLock runLock,
                            Duration lockWait, String instance, ActiveJobs active) {
    static final String KEY = "kcd.daemon";

    static DaemonContext of(JobExecutionContext ctx) throws SchedulerException {
        return (DaemonContext) ctx.getScheduler().getContext().get(KEY);
    }

    public ScheduleConfig job(String name) {
        return config.schedule().stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
