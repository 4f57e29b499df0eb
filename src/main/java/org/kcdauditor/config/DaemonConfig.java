package org.kcdauditor.config;

/**
 * {@code daemon:} — how {@code kcd-audit daemon} runs Quartz. All optional.
 *
 * @param clustered              several daemons share the store database (PostgreSQL); Quartz clustering on
 * @param instanceId             Quartz instance id (default AUTO: host name, process id, start time)
 * @param checkInIntervalSeconds how often a clustered daemon checks in; a dead one's jobs move within about this
 * @param misfireThresholdSeconds a fire time later than this is a misfire (fired once now); default 60
 * @param outboxIntervalSeconds  how often pending notices are retried; default 60
 * @param runLockSeconds         the run lock expires this long after its holder stopped renewing it (died
 *                               on another host; on the same host a dead holder's lock is taken over at once);
 *                               default 120. Manual runs and the daemon use it.
 * @param stopTimeoutSeconds     on SIGTERM, how long a running audit may take to finish and be stored before it
 *                               is stopped and recorded INTERRUPTED; default 60 (keep systemd's TimeoutStopSec
 *                               above it plus 20 s)
 * @param logFile                the daemon's log file, rotated (relative to the config file's folder); default
 *                               none: the daemon logs to stdout
 * @param retry                  when a scheduled audit the directory stopped runs again; default after 15 minutes,
 *                               at most 2 times per fire
 */
public record DaemonConfig(Boolean clustered, String instanceId, Integer checkInIntervalSeconds,
                           Integer misfireThresholdSeconds, Integer outboxIntervalSeconds, Integer runLockSeconds,
                           Integer stopTimeoutSeconds, String logFile, RetryConfig retry) {
    /**
     * The longest instance id: Quartz stores each fired trigger's entry id, the instance id and a 13-digit counter,
     * in 95 characters (QRTZ_FIRED_TRIGGERS.ENTRY_ID).
     */
    public static final int MAX_INSTANCE_ID = 82;

    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 60;

    public static DaemonConfig defaults() {
        return new DaemonConfig(null, null, null, null, null, null, null, null, null);
    }

    public java.time.Duration stopTimeout() {
        return java.time.Duration.ofSeconds(stopTimeoutSeconds == null ? DEFAULT_STOP_TIMEOUT_SECONDS
                : stopTimeoutSeconds);
    }

    public java.time.Duration runLockTtl() {
        return java.time.Duration.ofSeconds(runLockSeconds == null ? 120 : runLockSeconds);
    }

    /** {@code daemon.retry}, its defaults where it is not given. */
    public RetryConfig retryOrDefault() {
        return retry == null ? new RetryConfig(null, null) : retry;
    }

    public boolean isClustered() {
        return Boolean.TRUE.equals(clustered);
    }

    public long checkInIntervalMillis() {
        return (checkInIntervalSeconds == null ? 15 : checkInIntervalSeconds) * 1000L;
    }

    public long misfireThresholdMillis() {
        return (misfireThresholdSeconds == null ? 60 : misfireThresholdSeconds) * 1000L;
    }

    public long outboxIntervalMillis() {
        return (outboxIntervalSeconds == null ? 60 : outboxIntervalSeconds) * 1000L;
    }
}
