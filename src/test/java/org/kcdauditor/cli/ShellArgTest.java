package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The config path in a command the console suggests is quoted for the shells of the system the tool runs on: cmd.exe
 * and PowerShell on Windows, POSIX shells elsewhere; FILE where no quoting keeps it one literal argument there.
 */
class ShellArgTest {
    private static final boolean WINDOWS = true;
    private static final boolean POSIX = false;

    @Test
    void aPlainPathStaysBareOnBoth() {
        assertEquals("/srv/kcd/kcd-audit.yaml", ShellArg.of("/srv/kcd/kcd-audit.yaml", POSIX));
        assertEquals("C:\\kcd\\kcd-audit.yaml", ShellArg.of("C:\\kcd\\kcd-audit.yaml", WINDOWS));
    }

    /**
     * An admin share ({@code c$\}) is literal in cmd.exe and in PowerShell, bare or in double quotes; it was put in
     * POSIX single quotes, which cmd.exe passes on as part of the file name.
     */
    @Test
    void onWindowsAnAdminShareIsBareOrInDoubleQuotes() {
        assertEquals("\\\\fs\\c$\\kcd\\kcd-audit.yaml", ShellArg.of("\\\\fs\\c$\\kcd\\kcd-audit.yaml", WINDOWS));
        assertEquals("\"\\\\fs\\c$\\kcd audit\\kcd-audit.yaml\"",
                ShellArg.of("\\\\fs\\c$\\kcd audit\\kcd-audit.yaml", WINDOWS));
        assertEquals("\"C:\\Program Files\\kcd\\kcd-audit.yaml\"",
                ShellArg.of("C:\\Program Files\\kcd\\kcd-audit.yaml", WINDOWS));
        assertEquals("\"C:\\Users\\o'brien\\kcd-audit.yaml\"", ShellArg.of("C:\\Users\\o'brien\\kcd-audit.yaml",
                WINDOWS));
    }

    /** What cmd.exe expands inside double quotes (%, !), or PowerShell ($name, `), cannot be quoted for both. */
    @Test
    void onWindowsWhatOneOfTheShellsExpandsIsAPlaceholder() {
        for (String path : new String[]{"C:\\kcd\\%USERNAME%\\kcd-audit.yaml", "C:\\kcd\\wow!\\kcd-audit.yaml",
                "C:\\kcd\\$env\\kcd-audit.yaml", "C:\\kcd\\a`b\\kcd-audit.yaml", "C:\\kcd\\a\"b\\kcd-audit.yaml",
                "C:\\kcd\\a\nb\\kcd-audit.yaml"}) {
            assertEquals("FILE", ShellArg.of(path, WINDOWS), path);
        }
    }

    @Test
    void onPosixWhatTheShellReadsInDoubleQuotesGoesInSingleQuotes() {
        assertEquals("\"/srv/kcd audit/kcd-audit.yaml\"", ShellArg.of("/srv/kcd audit/kcd-audit.yaml", POSIX));
        assertEquals("'/srv/it'\\''s $x/kcd-audit.yaml'", ShellArg.of("/srv/it's $x/kcd-audit.yaml", POSIX));
        // a backslash escapes when bare, and bash expands !name inside double quotes
        assertEquals("'/srv/a\\b/kcd-audit.yaml'", ShellArg.of("/srv/a\\b/kcd-audit.yaml", POSIX));
        assertEquals("'/srv/wow!/kcd-audit.yaml'", ShellArg.of("/srv/wow!/kcd-audit.yaml", POSIX));
        assertEquals("FILE", ShellArg.of("/srv/a\nb/kcd-audit.yaml", POSIX));
    }

    /**
     * A path recorded in findings.json is quoted for the system whose path it is, whichever system renders the
     * runbook: a drive or share path for cmd.exe and PowerShell, any other for POSIX shells; null, not FILE, where no
     * quoting keeps it literal (the runbook then keeps its placeholder).
     */
    @Test
    void aRecordedPathIsQuotedForTheSystemWhosePathItIs() {
        assertEquals("\"C:\\Program Files\\it's\\kcd-audit.yaml\"",
                ShellArg.ofPath("C:\\Program Files\\it's\\kcd-audit.yaml"));
        assertEquals("\"D:/kcd audit/kcd-audit.yaml\"", ShellArg.ofPath("D:/kcd audit/kcd-audit.yaml"));
        assertEquals("\\\\fs\\c$\\kcd\\kcd-audit.yaml", ShellArg.ofPath("\\\\fs\\c$\\kcd\\kcd-audit.yaml"));
        assertEquals("'/srv/it'\\''s $x/kcd-audit.yaml'", ShellArg.ofPath("/srv/it's $x/kcd-audit.yaml"));
        assertEquals("'/srv/a\\b/kcd-audit.yaml'", ShellArg.ofPath("/srv/a\\b/kcd-audit.yaml"));
        assertEquals(null, ShellArg.ofPath("C:\\kcd\\%USERNAME%\\kcd-audit.yaml"));
        assertEquals(null, ShellArg.ofPath("/srv/a\nb/kcd-audit.yaml"));
    }
}
