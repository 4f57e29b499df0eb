package org.kcdauditor.store;

import java.time.Instant;
import java.util.Map;

/** One row of {@code kcd-audit history}: a run, its status and its counts (null while running or failed). */
public record RunSummary(String id, Instant startedAt, Instant finishedAt, String status, String trigger,
                         String configPath, String directoryUrl, String failureReason, String reportDir,
                         Integer objectsRead, Integer hosts, Integer findings, Map<String, Integer> bySeverity,
                         Integer waived, Double compliance) {
    public static final String RUNNING = "RUNNING";
    public static final String SUCCEEDED = "SUCCEEDED";
    public static final String FAILED = "FAILED";
    /** Its process stopped before the run finished: killed, crashed, or a daemon stopped past its stop timeout. */
    public static final String INTERRUPTED = "INTERRUPTED";
}
