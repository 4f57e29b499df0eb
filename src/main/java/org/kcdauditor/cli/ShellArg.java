package org.kcdauditor.cli;

import java.util.regex.Pattern;

/**
 * A file name inside a command the console suggests ({@code kcd-audit history --config FILE lists them}), as one
 * argument an admin can paste into bash, cmd.exe or PowerShell: bare when it holds nothing a shell splits or
 * expands, else quoted. An installation under {@code C:\Program Files} or a config in {@code /srv/kcd audit/}
 * otherwise gives a command that fails when pasted.
 */
final class ShellArg {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:\\\\+@=,-]+");

    private ShellArg() {
    }

    static String of(Object value) {
        String s = String.valueOf(value);
        if (!s.isEmpty() && PLAIN.matcher(s).matches()) {
            return s;
        }
        // double quotes keep spaces in all three shells; a value bash or PowerShell would expand in them goes in
        // single quotes (bash and PowerShell take those literally)
        return s.contains("\"") || s.contains("$") || s.contains("`") ? "'" + s.replace("'", "'\\''") + "'"
                : "\"" + s + "\"";
    }
}
