package org.kcdauditor.notify;

import jakarta.mail.MessagingException;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * After a run: compare with the previous successful run, build the notices, store them in the
 * outbox, then try to send what is due. A notice that cannot be sent now stays in the outbox.
 */
public final class Notifier {
    private final AuditConfig config;
    private final Map<String, String> env;
    private final Outbox outbox;
    private final Mailer mailer;
    private final NoticeBuilder builder;

    public Notifier(AuditConfig config, Secrets secrets, Map<String, String> env, Clock clock, Path templatesDir,
                    Outbox outbox) {
        this.config = config;
        this.env = Map.copyOf(env);
        this.outbox = outbox;
        this.mailer = config.mail() == null ? null : new Mailer(config, secrets, clock);
        this.builder = config.mail() == null ? null : new NoticeBuilder(config.mail(), new TemplateRenderer(templatesDir));
    }

    /**
     * Queues the notices of a finished run.
     *
     * @param pdf the run's audit.pdf, attached when it was written and is small enough, its folder named in any case;
     *            null when the run wrote no reports
     * @return the notices stored (empty for notify: never, or on-change without a change)
     */
    public List<Notice> queue(String jobName, Notify mode, FindingsDocument doc, Path pdf)
            throws MessagingException, IOException {
        return queue(jobName, mode, doc, pdf, false);
    }

    /**
     * The same; with {@code tellTeam} the team's notice is queued even without a change (the job's last mail to the
     * team said it could not run).
     */
    public List<Notice> queue(String jobName, Notify mode, FindingsDocument doc, Path pdf, boolean tellTeam)
            throws MessagingException, IOException {
        if (mailer == null || mode == Notify.NEVER) {
            return List.of();
        }
        // what changed since the last scheduled run of this config that told (a manual run, preflight or baseline
        // capture in between, a notify: never job, or a run whose daemon died before queueing its notices must not
        // absorb a change nobody was told of); before the first, the last run that was not scheduled
        String previousId;
        java.time.Instant previousFinishedAt = null;
        List<Finding> previousFindings = null;
        Set<String> previousUnaudited = Set.of();
        boolean previousScheduled = false;
        List<NoticeBuilder.Earlier> earlier = new ArrayList<>();
        List<String> silent = config.schedule().stream().filter(s -> s.notifyMode() == Notify.NEVER)
                .map(org.kcdauditor.config.ScheduleConfig::name).toList();
        try (RunStore store = StoreUrls.open(config, env)) {
            String history = store.historyKey(config.historyKey());
            RunSummary scheduled = store.lastScheduled(history, doc.runId(), silent).orElse(null);
            previousScheduled = scheduled != null;
            RunSummary previous = scheduled != null ? scheduled
                    : store.lastUnscheduled(history, doc.runId()).orElse(null);
            previousId = previous == null ? null : previous.id();
            if (previous != null) {
                // the directory changes the audits in between saw: each compared with the audit just before it, so a
                // change one of them saw first is not in this run's CHANGED_SINCE_LAST_RUN, and nobody was told of it
                for (RunSummary between : store.runsBetween(history, previousId, doc.runId())) {
                    for (Finding f : store.findings(between.id())) {
                        if (!f.isWaived() && NoticeBuilder.directoryChange(f)) {
                            earlier.add(new NoticeBuilder.Earlier(f, between.id(), between.finishedAt()));
                        }
                    }
                }
                // which waivers it saw ending soon: those its finish was within days of
                previousFinishedAt = previous.finishedAt();
                previousFindings = store.findings(previousId);
                previousUnaudited = store.unaudited(previousId);
            }
        }
        List<Notice> notices = builder.build(jobName, mode, doc, previousFindings, previousId, pdf, tellTeam,
                previousUnaudited, previousFinishedAt, previousScheduled, earlier);
        List<Notice> stored = new ArrayList<>();
        for (Notice n : notices) {
            if (outbox.enqueue(n, mailer.toMime(n))) {
                stored.add(n);
            }
        }
        return stored;
    }

    /**
     * Queues the notice that a scheduled audit could not run (not for notify: never, nor without mail:);
     * {@code stopped}: the daemon's stop cut the audit off (it runs again when a daemon starts).
     */
    public List<Notice> queueFailure(String jobName, Notify mode, java.time.Instant fireTime, String runId,
                                     String reason, boolean stopped) throws MessagingException, IOException {
        if (mailer == null || mode == Notify.NEVER) {
            return List.of();
        }
        // every directory the job audits, as its run's notice names them: the reason may be about any of them
        String directories = config.directories().size() > 1 ? NoticeBuilder.directories(config.directories()
                .entrySet().stream().map(e -> Map.entry(e.getKey(), String.valueOf(e.getValue().url()))).toList())
                : config.directory().url();
        Notice n = builder.failure(jobName, fireTime, runId, reason, directories, config.sourceName(), stopped);
        return outbox.enqueue(n, mailer.toMime(n)) ? List.of(n) : List.of();
    }

    /** Sends what is due (no-op without mail:). */
    public Outbox.Result flush() {
        return flush(Integer.MAX_VALUE, () -> false);
    }

    /**
     * Sends at most {@code max} of the pending notices now, also those still waiting for their retry
     * ({@code outbox --send --limit N}: an admin who has just fixed the SMTP server); see {@link Outbox#sendPendingNow}.
     */
    public Outbox.Result sendPendingNow(int max) {
        return mailer == null ? new Outbox.Result(0, 0) : outbox.sendPendingNow(mailer, max);
    }

    /** Sends the due notices until {@code stopping} says so (the daemon's outbox tick); see {@link Outbox#sendDue}. */
    public Outbox.Result flush(int max, java.util.function.BooleanSupplier stopping) {
        return mailer == null ? new Outbox.Result(0, 0) : outbox.sendDue(mailer, max, stopping);
    }
}
