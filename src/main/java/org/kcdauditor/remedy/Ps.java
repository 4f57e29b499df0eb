package org.kcdauditor.remedy;

import java.util.List;
import java.util.stream.Collectors;

/** PowerShell quoting: every value from the directory goes into a single-quoted string. */
public final class Ps {
    private Ps() {
    }

    /**
     * Escapes for the inside of a single-quoted PowerShell string: each single quote doubled,
     * including the typographic ones PowerShell also accepts as quotes (U+2018..U+201B).
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        int first = 0; // nearly every value holds no quote: it is its own escape
        while (first < s.length() && !isQuote(s.charAt(first))) {
            first++;
        }
        if (first == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c);
            if (isQuote(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A quote PowerShell ends a single-quoted string at: ' and the typographic U+2018..U+201B. */
    private static boolean isQuote(char c) {
        return c == '\'' || c >= '\u2018' && c <= '\u201B';
    }

    /** {@code 'value'} with quotes doubled. */
    public static String quote(String s) {
        return "'" + escape(s) + "'";
    }

    /** {@code 'a','b'}. */
    public static String quoteAll(List<String> values) {
        return values.stream().map(Ps::quote).collect(Collectors.joining(","));
    }

    /**
     * Text safe for a {@code #} line comment, a Write-Host string or a terminal: line breaks of any
     * kind and every other control character (ESC of terminal escape sequences included) become spaces.
     */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(isLineBreakOrControl(c) ? ' ' : c);
        }
        return sb.toString();
    }

    private static boolean isLineBreakOrControl(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
