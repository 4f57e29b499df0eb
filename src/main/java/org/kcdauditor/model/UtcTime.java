package org.kcdauditor.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How a time is written for people, in findings' messages and in every report: {@code 2026-11-26 06:00:01 UTC}. */
public final class UtcTime {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private UtcTime() {
    }

    /** {@code 2026-11-26 06:00:01 UTC}: to the second, in UTC. */
    public static String of(Instant t) {
        return TIME.format(t);
    }
}
