package org.kcdauditor.config;

import java.time.Duration;

/**
 * {@code store.retain}: how long runs stay in the history store. A run is pruned when it is not among the
 * newest {@code runs} or started more than {@code days} ago; 0 turns that limit off. Never pruned: a run
 * in progress, the last successful run of each configuration (the next run compares with it), the run a
 * baseline was captured from, for each waiver still open the first run it waived a finding in, and for each pair
 * whose observed migration failures a run explained by its delegation findings the last such run.
 */
public record RetainConfig(Integer runs, Integer days) {
    public static final int DEFAULT_RUNS = 400;
    public static final int DEFAULT_DAYS = 730;

    public static RetainConfig defaults() {
        return new RetainConfig(null, null);
    }

    /** The newest runs kept; 0: no limit by count. */
    public int runsOrDefault() {
        return runs == null ? DEFAULT_RUNS : runs;
    }

    /** Runs started longer ago are pruned; null: no limit by age. */
    public Duration maxAge() {
        int d = days == null ? DEFAULT_DAYS : days;
        return d == 0 ? null : Duration.ofDays(d);
    }
}
