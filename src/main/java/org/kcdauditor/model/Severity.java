package org.kcdauditor.model;

import java.util.Locale;

/** Finding severity, most severe first. {@link #ordinal()} order is the ranking. */
public enum Severity {
    HIGH, MEDIUM, LOW, INFO;

    /** True when this severity is at least as severe as {@code threshold}. */
    public boolean reaches(Severity threshold) {
        return ordinal() <= threshold.ordinal();
    }

    public static Severity parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
