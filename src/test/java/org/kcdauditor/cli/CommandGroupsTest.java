package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.support.CliRun;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command group without one of its commands is a usage error (README "Exit codes": 2), not a success. */
class CommandGroupsTest {
    @ParameterizedTest(name = "kcd-audit {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''       | kcd-audit --help         | run, demo
            inspect  | kcd-audit inspect --help | patches, events, host-settings
            baseline | kcd-audit baseline --help | capture, diff
            """)
    void aGroupWithoutItsCommandIsAUsageError(String group, String help, String commands) {
        CliRun r = group.isEmpty() ? CliRun.run(Map.of()) : CliRun.run(Map.of(), group);
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("kcd-audit: Missing command: give one of " + commands), r.err());
        assertTrue(r.err().contains("(" + help + ")"), r.err());
        assertTrue(r.err().contains("Usage: kcd-audit"), r.err());
        assertEquals("", r.out());
    }

    /** A mistyped option is named, even when a required option is missing because of it (README "Exit codes": 2). */
    @Test
    void aMistypedOptionIsNamedBeforeTheRequiredOptionItLeftMissing() {
        CliRun r = CliRun.run(Map.of(), "run", "--confg", "kcd-audit.yaml");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        // as picocli says it when nothing required is missing (run --config a --confg b)
        assertTrue(r.err().startsWith("kcd-audit: Unknown options: '--confg', 'kcd-audit.yaml'"), r.err());
        assertTrue(r.err().contains("Possible solutions: --config"), "suggests the option meant: " + r.err());
        assertFalse(r.err().contains("Missing required option"), r.err());
        assertEquals("", r.out());

        CliRun missing = CliRun.run(Map.of(), "run");
        assertEquals(ExitCodes.USAGE, missing.exitCode(), missing.toString());
        assertTrue(missing.err().startsWith("kcd-audit: Missing required option: '--config=FILE'"), missing.err());
    }

    /** A wrong option value or a missing option is one line naming it and where the options are, not the help screen. */
    @ParameterizedTest(name = "kcd-audit {0}")
    @CsvSource(delimiter = '|', textBlock = """
            run                                      | kcd-audit: Missing required option: '--config=FILE' (kcd-audit run --help)
            preflight --config k.yaml                | kcd-audit: Missing required option: '--cluster=NAME' (kcd-audit preflight --help)
            history --config k.yaml --limit abc      | kcd-audit: Invalid value for option '--limit': 'abc' is not a whole number (kcd-audit history --help)
            run --config k.yaml --confg x.yaml       | kcd-audit: Unknown options: '--confg', 'x.yaml' (kcd-audit run --help)
            """)
    void aUsageErrorIsOneLineAndNotTheHelpScreen(String line, String said) {
        CliRun r = CliRun.run(Map.of(), line.split(" +"));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        List<String> lines = r.err().lines().toList();
        // a missing --config goes on to say what to pass (MissingConfigTest)
        assertEquals(said, lines.get(0).split("; there is no default")[0], r.err());
        assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Possible solutions: "), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
    }

    /**
     * A long option with one dash, as PowerShell takes them: picocli would read {@code -config} as {@code -c onfig}
     * and complain about the file name that follows, or look for a config file named {@code onfig=…}.
     */
    @ParameterizedTest(name = "kcd-audit {0}")
    @CsvSource(delimiter = '|', textBlock = """
            run -config kcd-audit.yaml                     | -config      | --config    | kcd-audit run --help
            run --config kcd-audit.yaml -Fail-On medium    | -Fail-On     | --fail-on   | kcd-audit run --help
            preflight -config=kcd-audit.yaml --cluster HVC1 | -config     | --config    | kcd-audit preflight --help
            baseline capture --config k.yaml -approved-by x | -approved-by | --approved-by | kcd-audit baseline capture --help
            """)
    void aLongOptionWithOneDashIsNamedWithItsTwoDashes(String line, String typed, String meant, String help) {
        CliRun r = CliRun.run(Map.of(), line.split(" "));
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + typed + ": options take two dashes: " + meant + " (" + help + ")",
                r.err().strip(), r.toString());
        assertEquals("", r.out());
    }

    /** Every command that can end other than with 0 says in its help what its exit codes mean. */
    @ParameterizedTest(name = "kcd-audit {0} --help")
    @CsvSource(textBlock = """
            run
            demo
            preflight
            report
            baseline capture
            baseline diff
            history
            inspect patches
            inspect events
            inspect host-settings
            outbox
            daemon
            schedule
            """)
    void everyCommandsHelpSaysWhatItsExitCodesMean(String command) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.split(" ")));
        args.add("--help");
        CliRun r = CliRun.run(Map.of(), args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Exit 0 ") || r.out().contains("Exit code"), r.out());
    }

    /** run's help says where the history lands: a run from another working directory starts another history. */
    @Test
    void daemonsHelpSaysHowLongSigtermWaitsAndWhereTheSmtpPasswordComesFrom() {
        CliRun r = CliRun.run(Map.of(), "daemon", "--help");
        // picocli may wrap a key after its dot ("mail.\npasswordFile")
        String help = r.out().replaceAll("\\s+", " ").replaceAll("(\\w)\\. (?=[a-z])", "$1.");
        assertTrue(help.contains("a running audit may finish within daemon.stopTimeoutSeconds (default 60 s),"
                + " else it is recorded INTERRUPTED"), r.out());
        assertTrue(help.contains("SMTP password: from the variable mail.passwordEnv names or the file"
                + " mail.passwordFile"), r.out());
    }

    @Test
    void runsHelpSaysWhereTheHistoryStoreIs() {
        CliRun r = CliRun.run(Map.of(), "run", "--help");
        assertTrue(r.out().replaceAll("\\s+", " ").contains("store.url of the config, else data/kcd-audit under the"
                + " current directory"), r.out());
    }

    /**
     * The first question of an admin at 6 a.m.: where does the password go? Every command that binds to the directory
     * says it in its help (the variable directory.passwordEnv names, or directory.passwordFile; never in the YAML), and
     * the top-level help lists the environment the launchers and the program read.
     */
    @ParameterizedTest(name = "kcd-audit {0} --help")
    @CsvSource(textBlock = """
            run
            preflight
            baseline capture
            baseline diff
            daemon
            """)
    void everyCommandThatBindsSaysWhereThePasswordComesFrom(String command) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.split(" ")));
        args.add("--help");
        // picocli wraps after a dot too ("directory. passwordFile"): compared without white space
        String help = CliRun.run(Map.of(), args.toArray(String[]::new)).out().replaceAll("\\s+", "");
        assertTrue(help.contains(("Password: from the environment variable directory.passwordEnv names or, better on"
                + " Windows and for a service, the file directory.passwordFile names (docs/install.md); never in the"
                + " YAML. The example config's variable, for this session, asked for without echo (typed after the = it stays"
                + " in the shell's history): read -rs KCD_AUDIT_LDAP_PASSWORD && export KCD_AUDIT_LDAP_PASSWORD # sh"
                + " PowerShell, both lines: $env:KCD_AUDIT_LDAP_PASSWORD = (Get-Credential svc-kcdaudit)"
                + ".GetNetworkCredential().Password cmd, echoed; in double quotes, which keep a password's & | ^ in it:"
                + " set \"KCD_AUDIT_LDAP_PASSWORD=...\"").replaceAll("\\s+", "")), help);
    }

    @Test
    void theTopLevelHelpListsTheEnvironmentAndEveryExitCode() {
        String help = CliRun.run(Map.of(), "--help").out().replaceAll("\\s+", " ");
        for (String said : List.of("KCD_AUDIT_LDAP_PASSWORD", "KCD_AUDIT_HEAP", "KCD_AUDIT_JAVA_OPTS", "KCD_AUDIT_HOME",
                "preflight: NO-GO", "baseline diff: drift", "another audit of the same store", "130",
                "143")) {
            assertTrue(help.contains(said), said + " in: " + help);
        }
    }

    /** The commands an admin types with a config. */
    static List<String> commandsWithAConfig() {
        return List.of("run", "preflight", "report", "baseline capture", "baseline diff", "history", "history show",
                "history prune", "outbox", "daemon", "schedule");
    }

    /** What {@code kcd-audit <command> --help} prints. */
    private static String help(String command) {
        List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
        args.add("--help");
        return CliRun.run(Map.of(), args.toArray(String[]::new)).out();
    }

    /** Every command an admin types with a config shows one line to copy. */
    @ParameterizedTest(name = "kcd-audit {0} --help")
    @MethodSource("commandsWithAConfig")
    void everyCommandWithAConfigHasAnExample(String command) {
        String help = help(command).replaceAll("\\s+", " ");
        assertTrue(help.contains("Example: kcd-audit " + command + " "), help);
    }

    /**
     * "kcd-audit help" is what many admins type first (and the launcher already answers it without training its
     * cache): it said "Unmatched argument at index 0: 'help' ... Did you mean: kcd-audit schedule?", and
     * "kcd-audit help run" said "Missing required option: '--config=FILE'".
     */
    @Test
    void helpAsACommandPrintsTheHelpOfTheToolOrOfACommand() {
        CliRun top = CliRun.run(Map.of(), "help");
        assertEquals(0, top.exitCode(), top.toString());
        assertTrue(top.out().startsWith("Usage: kcd-audit [-hV] [--verbose] [COMMAND]"), top.out());
        CliRun run = CliRun.run(Map.of(), "help", "run");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().startsWith("Usage: kcd-audit run "), run.out());
        assertEquals(CliRun.run(Map.of(), "run", "--help").out(), run.out(), "the same as run --help");
        CliRun nested = CliRun.run(Map.of(), "help", "baseline");
        assertTrue(nested.out().startsWith("Usage: kcd-audit baseline "), nested.out());
    }

    /**
     * "kcd-audit version", the other word admins type to check an installation (docs/install.md names the launcher's
     * quick answer to it), was answered "Did you mean: kcd-audit daemon?", a command that runs until stopped; it is
     * still a usage error, pointing to --version.
     */
    @Test
    void versionAsACommandPointsToTheVersionOption() {
        CliRun version = CliRun.run(Map.of(), "version");
        assertEquals(2, version.exitCode(), version.toString());
        assertEquals("kcd-audit: unknown command 'version': give one of " + COMMANDS + " (kcd-audit --help)\n"
                        + "Did you mean: kcd-audit --version?\n",
                version.err().replace("\r\n", "\n"), version.toString());
    }

    /** Every command of {@code kcd-audit}, as a line that lists them gives them. */
    private static final String COMMANDS = "run, demo, rules, history, baseline, inspect, preflight, daemon, schedule,"
            + " outbox, report, verify, help";

    /**
     * A word that is no command ({@code kcd-audit audit}, {@code kcd-audit inspect patch}) said "Unmatched argument at
     * index 0: 'audit'", without the "kcd-audit:" of every other error line and without the commands there are, which
     * a missing command lists.
     */
    @Test
    void anUnknownCommandIsNamedWithTheCommandsThereAre() {
        CliRun r = CliRun.run(Map.of(), "audit", "--config", "k.yaml");
        assertEquals(ExitCodes.USAGE, r.exitCode(), r.toString());
        assertEquals("kcd-audit: unknown command 'audit': give one of " + COMMANDS + " (kcd-audit --help)",
                r.err().lines().findFirst().orElse(""), r.err());
        assertFalse(r.err().contains("Usage:"), r.err());
        CliRun inspect = CliRun.run(Map.of(), "inspect", "patch", "x.csv");
        assertEquals(ExitCodes.USAGE, inspect.exitCode(), inspect.toString());
        assertEquals("kcd-audit: unknown command 'patch': give one of patches, events, host-settings"
                + " (kcd-audit inspect --help)", inspect.err().lines().findFirst().orElse(""), inspect.err());
    }

    /**
     * An example wrapped by the 80-column help ("... --formats md," / "html,ps1") is two commands when pasted: the
     * first runs alone (a baseline capture without --approved-by). Every example is one line of the help.
     */
    @ParameterizedTest(name = "kcd-audit {0} --help")
    @MethodSource("commandsWithAConfig")
    void everyExampleFitsOnOneLineOfTheHelp(String command) {
        List<String> lines = help(command).lines().toList();
        int at = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("Example:")) {
                at = i;
            }
        }
        assertTrue(at >= 0, lines.toString());
        String example = lines.get(at).equals("Example:") ? lines.get(at + 1).strip()
                : lines.get(at).substring("Example:".length()).strip();
        assertTrue(example.startsWith("kcd-audit " + command + " "), example);
        int next = lines.get(at).equals("Example:") ? at + 2 : at + 1;
        assertTrue(next >= lines.size() || lines.get(next).isBlank(), () -> "the example goes on: " + lines.get(next));
    }
}
