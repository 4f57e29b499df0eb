package org.kcdauditor.inventory;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates as exports write them: en-US {@code 11/14/2023 12:00:00 AM}, ISO {@code 2023-11-14[T00:00:00]},
 * European {@code 14.11.2023 00:00:00}, {@code 14-11-2023}, {@code 14.11.2023 0.00.00} (fi-FI), {@code 14. 11. 2023}
 * (sk-SK), {@code 14.11.2023.} (hr-HR), {@code 2023. 11. 14.} (hu-HU), day-first {@code 14/11/2023 00:00:00}. With {@code /},
 * the order is the caller's ({@link SlashOrder} learns a file's), and month-first (en-US) without one, unless the
 * first number exceeds 12. Times without a zone are read in the zone the caller gives.
 */
public final class Dates {
    /** An optional time after a European date: hours, minutes and seconds with {@code :} or {@code .} (fi-FI). */
    private static final String TIME = "(?:\\s+(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?)?";
    private static final Pattern ISO = Pattern.compile("(\\d{4})-(\\d{1,2})-(\\d{1,2})(?:[T ](\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?:\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern SLASH = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp][Mm])?)?");
    /**
     * Day first with {@code .} or {@code -}, as European cultures write their short date: de-DE {@code 14.11.2023},
     * nl-NL {@code 14-11-2023}, sk-SK {@code 14. 11. 2023}, hr-HR and lv-LV {@code 14.11.2023.}; the time after it with
     * {@code :} or, as fi-FI writes it, {@code .} ({@code 14.11.2023 0.00.00}).
     */
    private static final Pattern DOTTED = Pattern.compile("(\\d{1,2})(?:\\. ?|-)(\\d{1,2})(?:\\. ?|-)(\\d{4})\\.?" + TIME);
    /** Year first with dots, as hu-HU writes it: {@code 2023. 11. 14. 0:00:00}. */
    private static final Pattern YEAR_DOTTED = Pattern.compile("(\\d{4})\\. ?(\\d{1,2})\\. ?(\\d{1,2})\\.?" + TIME);

    private Dates() {
    }

    /**
     * The date, or null for blank; throws {@link IllegalArgumentException} for text it cannot read.
     *
     * @param dayFirst how {@code d/d/yyyy} is read (a first number above 12 is a day either way)
     */
    public static LocalDate date(String text, boolean dayFirst) {
        LocalDateTime t = dateTime(text, dayFirst);
        return t == null ? null : t.toLocalDate();
    }

    /**
     * How one file writes {@code d/d/yyyy} dates, learnt from its values: a first number above 12 means day-first,
     * a second one above 12 month-first; without such a date, an upper-case AM/PM is en-US (month-first). A 24-hour
     * time tells nothing (the invariant culture writes {@code 11/03/2023 00:00:00} month-first, en-GB day-first), nor
     * does a lower-case am/pm (en-AU writes the day first). A file where nothing tells is read month-first and is
     * {@link #ambiguous()}.
     */
    public static final class SlashOrder {
        private Boolean byDigits;
        /** An upper-case AM/PM was seen: en-US, month-first. */
        private boolean upperAmPm;
        private String sample;
        /** The sample reads the same either way (5/5/2023): kept only until another slash date can replace it. */
        private boolean sampleReadsAlike;

        /** Takes one value of the file's date column (blank and non-slash values tell nothing). */
        public void learn(String text) {
            Matcher m = text == null ? null : SLASH.matcher(text.trim());
            if (m == null || !m.matches()) {
                return;
            }
            int a = i(m.group(1));
            int b = i(m.group(2));
            // the sample a warning shows is a date whose order matters (11/9, not 31/13, which is no date either way,
            // and 5/5 only when there is none other)
            if (a >= 1 && a <= 12 && b >= 1 && b <= 12 && (sample == null || sampleReadsAlike && a != b)) {
                sample = text.trim();
                sampleReadsAlike = a == b;
            }
            if (byDigits == null && (a > 12) != (b > 12)) {
                byDigits = a > 12;
            }
            upperAmPm |= m.group(7) != null && m.group(7).equals(m.group(7).toUpperCase(Locale.ROOT));
        }

        /** True once a date's numbers decided the order: later values cannot change it. */
        public boolean known() {
            return byDigits != null;
        }

        public boolean dayFirst() {
            return byDigits != null && byDigits;
        }

        /** Slash dates that either order reads (both numbers 1 to 12) were seen and none told the order. */
        public boolean ambiguous() {
            return sample != null && byDigits == null && !upperAmPm;
        }

        /** The first slash date seen that either order reads (preferably differently), for a message. */
        public String sample() {
            return sample;
        }
    }

    /** The instant; a time without a zone is read in {@code zone}, {@code d/d/yyyy} month-first. */
    public static Instant instant(String text, ZoneId zone) {
        return instant(text, zone, false);
    }

    /**
     * The instant; a time without a zone is read in {@code zone}.
     *
     * @param slashDayFirst how {@code d/d/yyyy} is read (a file's {@link SlashOrder})
     */
    public static Instant instant(String text, ZoneId zone, boolean slashDayFirst) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.trim();
        Matcher m = ISO.matcher(s);
        if (m.matches() && m.group(7) != null) {
            try {
                return OffsetDateTime.parse(s.replace(' ', 'T')).toInstant();
            } catch (DateTimeParseException e) {
                // fall through to the zone-less reading
            }
        }
        LocalDateTime t = dateTime(s, slashDayFirst);
        return t == null ? null : t.atZone(zone).toInstant();
    }

    static LocalDateTime dateTime(String text, boolean slashDayFirst) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String s = text.trim();
        try {
            Matcher m = ISO.matcher(s);
            if (m.matches()) {
                return at(i(m.group(1)), i(m.group(2)), i(m.group(3)), m.group(4), m.group(5), m.group(6), null);
            }
            m = SLASH.matcher(s);
            if (m.matches()) {
                int a = i(m.group(1));
                int b = i(m.group(2));
                boolean dayFirst = a > 12 || slashDayFirst;
                return at(i(m.group(3)), dayFirst ? b : a, dayFirst ? a : b, m.group(4), m.group(5), m.group(6),
                        m.group(7));
            }
            m = DOTTED.matcher(s);
            if (m.matches()) {
                return at(i(m.group(3)), i(m.group(2)), i(m.group(1)), m.group(4), m.group(5), m.group(6), null);
            }
            m = YEAR_DOTTED.matcher(s);
            if (m.matches()) {
                return at(i(m.group(1)), i(m.group(2)), i(m.group(3)), m.group(4), m.group(5), m.group(6), null);
            }
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a valid date: '" + s + "'");
        }
        throw new IllegalArgumentException("date '" + s + "' not understood (en-US, ISO, dd/MM/yyyy or dd.MM.yyyy expected)");
    }

    private static LocalDateTime at(int y, int mo, int d, String h, String mi, String sec, String ampm) {
        int hour = h == null ? 0 : i(h);
        if (ampm != null) {
            boolean pm = ampm.toUpperCase(Locale.ROOT).equals("PM");
            if (hour == 12) {
                hour = pm ? 12 : 0;
            } else if (pm) {
                hour += 12;
            }
        }
        return LocalDateTime.of(y, mo, d, hour, mi == null ? 0 : i(mi), sec == null ? 0 : i(sec));
    }

    private static int i(String s) {
        return Integer.parseInt(s);
    }
}
