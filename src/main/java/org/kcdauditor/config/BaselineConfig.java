package org.kcdauditor.config;

import com.fasterxml.jackson.annotation.JsonCreator;

/**
 * {@code baseline:} — the documented baseline file, written either as its path ({@code baseline: baseline.yaml},
 * as before) or as a mapping {@code {file: baseline.yaml, maxWaiverDays: 365}}. {@code maxWaiverDays}: a waiver
 * whose expiry lies further than this many days after the run gets a WAIVER_TOO_LONG finding (default 365).
 */
public record BaselineConfig(String file, Integer maxWaiverDays) {
    public static final int DEFAULT_MAX_WAIVER_DAYS = 365;

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public BaselineConfig {
    }

    /** {@code baseline: <path>}: the file alone. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static BaselineConfig of(String file) {
        return new BaselineConfig(file, null);
    }

    public int maxWaiverDaysOrDefault() {
        return maxWaiverDays == null ? DEFAULT_MAX_WAIVER_DAYS : maxWaiverDays;
    }
}
