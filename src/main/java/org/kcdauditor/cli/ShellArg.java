package org.kcdauditor.cli;

import org.kcdauditor.remedy.Cmd;
import org.kcdauditor.remedy.Values;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A file name inside a command the console suggests ({@code kcd-audit history --config FILE lists them}), as one
 * argument an admin can paste into the shells of the system the tool runs on: cmd.exe and PowerShell on Windows, POSIX
 * shells elsewhere. Bare when it holds nothing a shell splits or expands, else quoted; {@code FILE} when no quoting
 * keeps it one literal argument there. An installation under {@code C:\Program Files}, a config on an admin share
 * ({@code \\fs\c$\kcd}) or in {@code /srv/kcd audit/} otherwise gives a command that fails when pasted.
 */
public final class ShellArg {
    /** What a suggestion says instead of a file name no quoting keeps literal. */
    static final String PLACEHOLDER = "FILE";
    /** Whether the console runs on Windows, where its suggestions are pasted into cmd.exe or PowerShell. */
    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT)
            .startsWith("windows");
    /** Bare in POSIX shells (a backslash escapes there). */
    private static final Pattern POSIX_PLAIN = Pattern.compile("[A-Za-z0-9_./:+@=,-]+");
    /** Bare in cmd.exe and PowerShell (a comma makes a PowerShell array, a leading @ splats, - and / are switches). */
    private static final Pattern WINDOWS_PLAIN = Pattern.compile("[A-Za-z0-9_.:\\\\][A-Za-z0-9_.:\\\\/-]*");

    private ShellArg() {
    }

    /** {@code value} as one argument for the shells of the system the tool runs on. */
    public static String of(Object value) {
        return of(value, WINDOWS);
    }

    /** {@code value} as one argument for cmd.exe and PowerShell ({@code windows}) or for POSIX shells. */
    static String of(Object value, boolean windows) {
        String s = String.valueOf(value);
        return windows ? windows(s) : posix(s);
    }

    /**
     * {@code path}, a file's absolute path, as one argument for the shells of the system whose path it is, whichever
     * system shows it (a runbook is rendered again from findings.json elsewhere): cmd.exe and PowerShell for a drive
     * ({@code C:\…}) or share ({@code \\fs\…}) path, POSIX shells for any other; null when no quoting keeps it
     * one literal argument there.
     */
    public static String ofPath(String path) {
        boolean windows = path.length() > 2 && Character.isLetter(path.charAt(0)) && path.charAt(1) == ':'
                && (path.charAt(2) == '\\' || path.charAt(2) == '/') || path.startsWith("\\\\");
        String arg = of(path, windows);
        return arg.equals(PLACEHOLDER) ? null : arg;
    }

    private static String windows(String s) {
        // $ before a backslash (c$\ of an admin share) is no variable in PowerShell, bare or in double quotes, and
        // nothing to cmd.exe; an apostrophe is literal in double quotes in both; for the rest Cmd.arg's rule holds
        String checked = s.replace("$\\", "\\");
        if (WINDOWS_PLAIN.matcher(checked).matches()) {
            return s;
        }
        return Cmd.arg(checked.replace('\'', '_')) == null ? PLACEHOLDER : "\"" + s + "\"";
    }

    private static String posix(String s) {
        if (!s.isEmpty() && POSIX_PLAIN.matcher(s).matches()) {
            return s;
        }
        if (s.isEmpty() || !Values.oneLine(s)) {
            return PLACEHOLDER; // a line feed or a control character: what is pasted is not what shows
        }
        // double quotes keep spaces; what a POSIX shell still reads in them ($ ` \ " and bash's !) goes in single
        // quotes, which it takes literally
        return s.chars().anyMatch(c -> "\"$`\\!".indexOf(c) >= 0) ? "'" + s.replace("'", "'\\''") + "'"
                : "\"" + s + "\"";
    }
}
