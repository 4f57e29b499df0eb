package org.kcdauditor.config;

/**
 * {@code daemon.retry:} — a scheduled audit that the directory stopped (DC restarting, connection refused or lost,
 * busy, unavailable, time limit) runs again {@code afterMinutes} later, at most {@code attempts} times per fire.
 *
 * @param afterMinutes minutes between a failed attempt and the next; default 15
 * @param attempts     retries per scheduled fire; default 2; 0 turns retries off
 */
public record RetryConfig(Integer afterMinutes, Integer attempts) {
    public static final int DEFAULT_AFTER_MINUTES = 15;
    public static final int DEFAULT_ATTEMPTS = 2;
    public static final int MAX_AFTER_MINUTES = 1440;
    public static final int MAX_ATTEMPTS = 10;

    public java.time.Duration after() {
        return java.time.Duration.ofMinutes(afterMinutes == null ? DEFAULT_AFTER_MINUTES : afterMinutes);
    }

    public int attemptsOrDefault() {
        return attempts == null ? DEFAULT_ATTEMPTS : attempts;
    }
}
