package org.kcdauditor.store;

import java.time.Instant;
import java.util.Map;

/**
 * One row of {@code kcd-audit history}: a run, its status and its counts (null while running or failed).
 *
 * @param preflightCluster the cluster a preflight was asked about ({@code --cluster}); null for any other run, and for a
 *                         preflight stored before V120. Its counts are of every cluster it audited, as a run's.
 */
public record RunSummary(String id, Instant startedAt, Instant finishedAt, String status, String trigger,
                         String configPath, String directoryUrl, String failureReason, String reportDir,
                         Integer objectsRead, Integer hosts, Integer findings, Map<String, Integer> bySeverity,
                         Integer waived, Double compliance, String preflightCluster) {
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    /** Its process stopped before the run finished: killed, crashed, or a daemon stopped past its stop timeout. */
    public static final String INTERRUPTED = "INTERRUPTED";

    /** The trigger of {@code kcd-audit preflight}: a GO/NO-GO check of one cluster. */
    public static final String PREFLIGHT = "preflight";
    /** The trigger of {@code kcd-audit baseline capture}: the run a baseline is captured from, no reports. */
    public static final String BASELINE_CAPTURE = "baseline-capture";
    /** The trigger of a run the daemon made to retry a fire whose audit the directory stopped (daemon.retry). */
    public static final String RETRY = "retry";
    /** The triggers of a scheduled job's runs: a cron fire's ("schedule") and a {@link #RETRY}. */
    public static final java.util.List<String> SCHEDULED = java.util.List.of("schedule", RETRY);
    /**
     * The triggers of the runs that check rather than report ({@link #PREFLIGHT}, {@link #BASELINE_CAPTURE}): a run
     * that files reports (run, schedule) is compared with the last run that did, never with one of these, and the
     * trend and the timeline leave them out. So a check between two monthly runs neither takes the month's changes as
     * its own (its findings new there, recurring in the next report) nor makes a fix resolved in no report.
     */
    public static final java.util.List<String> CHECKS = java.util.List.of(PREFLIGHT, BASELINE_CAPTURE);
}
