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
 * (sk-SK), {@code 14.11.2023.} (hr-HR), {@code 2023. 11. 14.} (hu-HU), day-first {@code 14/11/2023 00:00:00}, year-first
 * {@code 2023/11/14 0:00:00} (ja-JP, zh-CN). With {@code d/d/yyyy}, the order is the caller's ({@link SlashOrder} learns a
 * file's), and month-first (en-US) without one, unless the first number exceeds 12. Times without a zone are read in
 * the zone the caller gives.
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
    /** Year first with slashes, as ja-JP and zh-CN write it: {@code 2023/11/14 0:00:00}; no culture puts the day second. */
    private static final Pattern YEAR_SLASH = Pattern.compile("(\\d{4})/(\\d{1,2})/(\\d{1,2})" + TIME);
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
     * a second one above 12 month-first; without such a date, an upper-case AM/PM is en-US (month-first), unless a
     * number is written with a leading zero, which en-US's {@code M/d/yyyy} never does (Windows PowerShell 5.1 on en-AU
     * writes {@code 7/03/2026 6:00:00 AM}, day-first). A 24-hour time tells nothing (Excel re-saves en-US dates as
     * {@code 12/7/2026 6:00}, fr-FR and en-GB write {@code 07/12/2026 06:00:00} day-first), nor does a lower-case am/pm
     * (en-AU in PowerShell 7). A file where nothing tells the order of a date that the two orders read differently is
     * {@link #ambiguous()}: its slash dates are not to be read (a guess is wrong for one culture or the other).
     */
    public static final class SlashOrder {
        private Boolean byDigits;
        /** An upper-case AM/PM was seen: en-US, month-first, unless {@link #padded}. */
        private boolean upperAmPm;
        /** A day or month with a leading zero ({@code 07/12}, {@code 7/03}): not en-US's {@code M/d/yyyy}. */
        private boolean padded;
        private String sample;
        private long sampleLine;
        /** The sample reads the same either way (5/5/2023): kept only until another slash date can replace it. */
        private boolean sampleReadsAlike;

        /** Takes one value of the file's date column (blank and non-slash values tell nothing), found on {@code line}. */
        public void learn(String text, long line) {
            Matcher m = text == null ? null : SLASH.matcher(text.trim());
            if (m == null || !m.matches()) {
                return;
            }
            int a = i(m.group(1));
            int b = i(m.group(2));
            // the sample a message shows is a date whose order matters (11/9, not 31/13, which is no date either way,
            // and 5/5 only when there is none other)
            if (a >= 1 && a <= 12 && b >= 1 && b <= 12 && (sample == null || sampleReadsAlike && a != b)) {
                sample = text.trim();
                sampleLine = line;
                sampleReadsAlike = a == b;
            }
            if (byDigits == null && (a > 12) != (b > 12)) {
                byDigits = a > 12;
            }
            upperAmPm |= m.group(7) != null && m.group(7).equals(m.group(7).toUpperCase(Locale.ROOT));
            padded |= m.group(1).length() == 2 && m.group(1).charAt(0) == '0'
                    || m.group(2).length() == 2 && m.group(2).charAt(0) == '0';
        }

        /** True once a date's numbers decided the order: later values cannot change it. */
        public boolean known() {
            return byDigits != null;
        }

        public boolean dayFirst() {
            return byDigits != null && byDigits;
        }

        /**
         * Slash dates that the two orders read differently (both numbers 1 to 12, not equal) were seen, and nothing
         * told the order: neither a number above 12 nor an en-US AM/PM.
         */
        public boolean ambiguous() {
            return sample != null && !sampleReadsAlike && byDigits == null && (!upperAmPm || padded);
        }

        /** The first slash date seen that either order reads (preferably differently), for a message. */
        public String sample() {
            return sample;
        }

        /** The line of {@link #sample()}. */
        public long sampleLine() {
            return sampleLine;
        }

        /**
         * The message for an {@link #ambiguous()} file: {@code column '07/12/2026 00:00:00' may be day-first (7
         * December) or month-first (12 July), and no date of the file tells which}.
         */
        public String doubt(String column, String what) {
            Matcher m = SLASH.matcher(sample);
            if (!m.matches()) {
                throw new IllegalStateException("no slash date: " + sample);
            }
            int a = i(m.group(1));
            int b = i(m.group(2));
            return column + " '" + sample + "' may be day-first (" + a + " " + month(b) + ") or month-first (" + b
                    + " " + month(a) + "), and no " + what + " of the file tells which";
        }

        private static String month(int m) {
            return java.time.Month.of(m).getDisplayName(java.time.format.TextStyle.FULL, Locale.ENGLISH);
        }
    }

    /**
     * Whether {@code text} is a {@code d/d/yyyy} date that the two orders read as two different dates ({@code 07/12},
     * not {@code 12/12}, nor {@code 14/11} or {@code 31/13}, which one order or neither reads).
     */
    public static boolean orderMatters(String text) {
        Matcher m = text == null ? null : SLASH.matcher(text.trim());
        if (m == null || !m.matches()) {
            return false;
        }
        int a = i(m.group(1));
        int b = i(m.group(2));
        return a != b && a >= 1 && a <= 12 && b >= 1 && b <= 12;
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
            m = YEAR_SLASH.matcher(s);
            if (m.matches()) {
                return at(i(m.group(1)), i(m.group(2)), i(m.group(3)), m.group(4), m.group(5), m.group(6), null);
            }
            m = YEAR_DOTTED.matcher(s);
            if (m.matches()) {
                return at(i(m.group(1)), i(m.group(2)), i(m.group(3)), m.group(4), m.group(5), m.group(6), null);
            }
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("not a valid date: '" + s + "'");
        }
        throw new IllegalArgumentException("date '" + s + "' not understood (en-US, ISO, dd/MM/yyyy, yyyy/MM/dd or dd.MM.yyyy"
                + " expected)");
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
