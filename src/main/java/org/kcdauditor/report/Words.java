package org.kcdauditor.report;

import org.kcdauditor.model.UtcTime;

import java.time.Instant;
import java.util.Locale;

/** How every output writes numbers, times and percentages. */
public final class Words {
    /** Shown where a percentage has nothing to count (no entry required). */
    public static final String NO_PERCENT = "—";

    private Words() {
    }

    /** "1 cluster", "2 clusters". */
    public static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** "the 1 affected direction", "each of the 3 affected directions". */
    public static String eachOf(long n, String noun) {
        return (n == 1 ? "the " : "each of the ") + plural(n, noun);
    }

    /** {@code 2026-11-26 06:00:01 UTC}, or empty. */
    public static String time(Instant t) {
        return t == null ? "" : UtcTime.of(t);
    }

    /** {@code 84.2 %}, or "—" when nothing was required. */
    public static String percent(Double p) {
        return p == null ? NO_PERCENT : String.format(Locale.ROOT, "%.1f %%", p);
    }
}
