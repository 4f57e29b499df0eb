package org.kcdauditor.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How a time is written for people, in findings' messages, the reports and the console:
 * {@code 2026-11-26 06:00:01 UTC}.
 */
public final class UtcTime {
    private static final DateTimeFormatter IN_COLUMN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private UtcTime() {
    }

    /** {@code 2026-11-26 06:00:01 UTC}: to the second, in UTC. */
    public static String of(Instant t) {
        return inColumn(t) + " UTC";
    }

    /** {@code 2026-11-26 06:00:01}: in a column whose heading says "(UTC)". */
    public static String inColumn(Instant t) {
        return IN_COLUMN.format(t);
    }
}
