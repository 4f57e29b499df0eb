package org.kcdauditor.cli;

import org.kcdauditor.io.Causes;
import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.run.RunNotRecorded;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.home.Installation;
import org.kcdauditor.log.Logging;
import org.kcdauditor.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** {@code kcd-audit}: the command line. Commands are thin; the work is in {@code AuditRun}. */
@Command(name = "kcd-audit", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
                "Audits Kerberos constrained delegation of Hyper-V hosts in Active Directory, so that live"
                        + " migration keeps working after Kerberos hardening. Reads AD only; never writes to it.",
                "",
                "Start with:  kcd-audit demo",
                "Then:        copy config/kcd-audit.example.yaml out of the installation",
                "             folder (an upgrade replaces it), e.g. to C:\\ProgramData\\kcd-audit",
                "             or /etc/kcd-audit, edit it (docs/install.md) and run:",
                "             kcd-audit run --config C:\\ProgramData\\kcd-audit\\kcd-audit.yaml"},
        footerHeading = "%nExit codes:%n",
        footer = {"  0  completed, no finding at or above --fail-on (which does not mean",
                "     GO unless --fail-on nogo is given: a cluster can be NO-GO",
                "     without a finding at the severity given)",
                "  1  the run could not complete: directory unreachable, TLS failure, bind",
                "     refused, output not writable, history store unreachable or damaged,",
                "     another audit of the same store running; outbox: a notice is pending",
                "  2  usage or configuration error (the line names the file, key or option)",
                "  3  completed, and a finding reaches --fail-on (--fail-on nogo: a",
                "     cluster is NO-GO; preflight: NO-GO; baseline diff: drift)",
                "  130, 143  stopped by Ctrl-C (SIGINT) or SIGTERM; the run is INTERRUPTED",
                "",
                "Environment:",
                "  KCD_AUDIT_LDAP_PASSWORD  the bind password (the variable directory.passwordEnv",
                "                           names; or directory.passwordFile). Every secret comes",
                "                           from a variable or file the config names, not from",
                "                           the YAML",
                "  JAVA_HOME                the Java 17+ the launchers start (else java on PATH)",
                "  KCD_AUDIT_HEAP=2g        heap for one call (the launchers)",
                "  KCD_AUDIT_JAVA_OPTS      further JVM options (the launchers)",
                "  KCD_AUDIT_HOME           the installation folder (templates, hardening",
                "                           catalogue, demo); default: the folder above lib/",
                "",
                "kcd-audit COMMAND --help says what a command reads, writes and where."},
        sortOptions = false)
public final class Main implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show stack traces and library log messages on errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw missingSubcommand(spec);
    }

    /**
     * A command group called without one of its commands: a usage error (exit 2), which picocli prints with the
     * group's usage on stderr.
     */
    static CommandLine.ParameterException missingSubcommand(CommandLine.Model.CommandSpec spec) {
        return new MissingCommand(spec.commandLine(), "Missing command: give one of "
                + String.join(", ", spec.subcommands().keySet()) + " (" + spec.qualifiedName() + " --help)");
    }

    /** A command group without its command: the group's usage follows the message (it lists the commands). */
    static final class MissingCommand extends CommandLine.ParameterException {
        MissingCommand(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }

    public static void main(String[] args) {
        // The H2 history store runs with AUTO_SERVER so a second process (history, a manual run beside
        // the daemon) can open it; its TCP server must listen on loopback only, not on every interface.
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            Logging.verbose();
        }
        Path home;
        try {
            home = Installation.locate(System.getenv());
        } catch (ConfigException e) {
            System.err.println("kcd-audit: " + e.getMessage());
            System.exit(ExitCodes.USAGE);
            return;
        }
        // library log output (Logback's console appender writes to System.err) carries directory values too
        PrintStream terminal = System.err;
        System.setOut(ConsoleText.clean(System.out));
        System.setErr(ConsoleText.clean(terminal));
        int code = execute(args, System.out, System.err, terminal, System.getenv(), Clock.systemUTC(), home);
        System.exit(code);
    }

    /** Runs a command line in-process and returns its exit code (tests call this). */
    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return execute(args, out, err, err, env, Clock.systemUTC(), Path.of("."));
    }

    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Clock clock,
                              Path home) {
        return execute(args, out, err, err, env, clock, home);
    }

    /**
     * @param terminal where the progress line goes unfiltered (stderr); everything else printed through
     *                 {@code out} and {@code err} loses its control characters
     */
    public static int execute(String[] args, PrintStream rawOut, PrintStream rawErr, PrintStream terminal,
                              Map<String, String> env, Clock clock, Path home) {
        PrintStream out = ConsoleText.clean(rawOut);
        PrintStream err = ConsoleText.clean(rawErr);
        Cli cli = new Cli(out, err, terminal, env, clock, home);
        Main main = new Main();
        CommandLine cmd = commands(main, cli);
        cmd.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cmd.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, configOf(commandLine),
                main.verbose, err, Writes.of(commandLine)));
        cmd.setParameterExceptionHandler((ex, arguments) -> usageError(typoFirst(ex), cli));
        String singleDash = singleDashOption(cmd, args);
        if (singleDash != null) {
            err.println("kcd-audit: " + singleDash);
            return ExitCodes.USAGE;
        }
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) {
            return handle(e, null, main.verbose, err);
        }
    }

    /** The command tree: {@code main} with every command (README's Commands table lists each; ReadmeCommandsTest). */
    static CommandLine commands(Main main, Cli cli) {
        CommandLine cmd = new CommandLine(main);
        cmd.addSubcommand(new RunCommand(cli));
        cmd.addSubcommand(new DemoCommand(cli));
        DemoCommand.describeOptions(cmd.getSubcommands().get("demo").getCommandSpec());
        cmd.addSubcommand(new RulesCommand(cli));
        cmd.addSubcommand(new HistoryCommand(cli));
        cmd.addSubcommand(new BaselineCommand(cli));
        cmd.addSubcommand(new InspectCommand(cli));
        cmd.addSubcommand(new PreflightCommand(cli));
        cmd.addSubcommand(new DaemonCommand(cli));
        cmd.addSubcommand(new ScheduleCommand(cli));
        cmd.addSubcommand(new OutboxCommand(cli));
        cmd.addSubcommand(new ReportCommand(cli));
        cmd.addSubcommand(new VerifyCommand(cli));
        // "kcd-audit help" and "kcd-audit help run": what many type first (it was "Did you mean: kcd-audit schedule?")
        cmd.addSubcommand("help", new CommandLine.HelpCommand());
        versionEverywhere(cmd, cmd.getCommandSpec().versionProvider());
        return cmd;
    }

    /** {@code kcd-audit run -V} prints the version as {@code kcd-audit -V} does (each command has -V from the mixin). */
    private static void versionEverywhere(CommandLine cmd, CommandLine.IVersionProvider version) {
        for (CommandLine sub : cmd.getSubcommands().values()) {
            sub.getCommandSpec().versionProvider(version);
            versionEverywhere(sub, version);
        }
    }

    /**
     * A mistake on the command line in one line, naming the option and where the options are explained (README "Exit
     * codes": 2), with picocli's suggestion for a mistyped option on the next; not the whole help screen after it
     * (but for a command group without its command, whose usage lists the commands).
     */
    private static int usageError(CommandLine.ParameterException ex, Cli cli) {
        CommandLine c = ex.getCommandLine();
        PrintWriter err = c.getErr();
        if (ex instanceof MissingCommand) {
            err.println("kcd-audit: " + ex.getMessage());
            c.usage(err);
        } else {
            String unknown = unknownCommand(ex);
            err.println("kcd-audit: " + (unknown != null ? "unknown command '" + unknown + "': give one of "
                    + String.join(", ", c.getSubcommands().keySet()) : ex.getMessage())
                    + " (" + c.getCommandSpec().qualifiedName() + " --help)"
                    + (missesConfig(ex) ? "; " + ConfigPlaces.missing(cli) : ""));
            if (versionAsACommand(ex)) {
                // picocli's nearest command was "daemon", which runs until stopped
                err.println("Did you mean: " + c.getCommandSpec().qualifiedName() + " --version?");
            } else {
                CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            }
        }
        err.flush();
        return c.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * The word given for a command of a group that has no such command ({@code kcd-audit audit}, {@code kcd-audit
     * inspect patch}), which picocli words "Unmatched argument at index 0: 'audit'"; null for any other mistake.
     */
    private static String unknownCommand(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !c.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty()) {
            String first = u.getUnmatched().get(0);
            return first.startsWith("-") || c.getParseResult() != null && c.getParseResult().hasSubcommand() ? null
                    : first;
        }
        return null;
    }

    /** A required {@code --config} left out: the line goes on to say what to pass ({@link ConfigPlaces}). */
    private static boolean missesConfig(CommandLine.ParameterException ex) {
        return ex instanceof CommandLine.MissingParameterException m && m.getMissing().stream()
                .anyMatch(a -> a instanceof CommandLine.Model.OptionSpec o && o.longestName().equals("--config"));
    }

    /** {@code kcd-audit version}: the word typed for the option {@code --version}. */
    private static boolean versionAsACommand(CommandLine.ParameterException ex) {
        return ex instanceof CommandLine.UnmatchedArgumentException u && ex.getCommandLine().getParent() == null
                && u.getUnmatched().equals(List.of("version"));
    }

    /**
     * A usage error as the user is best told it: picocli checks required options before it reports what it could
     * not match, so {@code run --confg x} would say only "Missing required option: '--config=FILE'"; the mistyped
     * option is named first (with picocli's suggestion), as any other unknown option is.
     */
    static CommandLine.ParameterException typoFirst(CommandLine.ParameterException ex) {
        CommandLine c = ex.getCommandLine();
        if (ex instanceof CommandLine.UnmatchedArgumentException || c == null || c.getUnmatchedArguments().isEmpty()) {
            return ex;
        }
        return new CommandLine.UnmatchedArgumentException(c, c.getUnmatchedArguments());
    }

    private static final java.util.regex.Pattern SINGLE_DASH = java.util.regex.Pattern.compile(
            "-([A-Za-z][A-Za-z-]+)(=.*)?", java.util.regex.Pattern.DOTALL);

    /**
     * A long option typed with one dash, as PowerShell and Windows programs take them ({@code run -config x.yaml}):
     * picocli reads {@code -config} as {@code -c onfig}, and the admin is told only that {@code x.yaml} was not
     * matched, or, with {@code -config=x.yaml}, that a file {@code onfig=x.yaml} does not exist. Named here as what
     * it is; null when no argument is one of the command's long options with one dash.
     */
    static String singleDashOption(CommandLine root, String[] args) {
        CommandLine c = root;
        for (String a : args) {
            CommandLine sub = c.getSubcommands().get(a);
            if (sub != null) {
                c = sub;
                continue;
            }
            if ("--".equals(a)) {
                return null;
            }
            java.util.regex.Matcher m = SINGLE_DASH.matcher(a);
            if (!m.matches()) {
                continue;
            }
            for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
                for (String name : o.names()) {
                    if (name.startsWith("--") && name.substring(2).equalsIgnoreCase(m.group(1))) {
                        return "-" + m.group(1) + ": options take two dashes: " + name + " ("
                                + c.getCommandSpec().qualifiedName() + " --help)";
                    }
                }
            }
        }
        return null;
    }

    /** The {@code --config FILE} the failed command was given (on it, or on its group as history takes it), or null. */
    static Path configOf(CommandLine failed) {
        for (CommandLine c = failed; c != null; c = c.getParent()) {
            CommandLine.ParseResult parsed = c.getParseResult();
            if (parsed != null && parsed.hasMatchedOption("--config")) {
                return parsed.matchedOptionValue("--config", null);
            }
        }
        return null;
    }

    /** @param config the command's {@code --config} file, which a configuration error names; null when none */
    static int handle(Throwable ex, Path config, boolean verbose, PrintStream err) {
        return handle(ex, config, verbose, err, Writes.NOTHING);
    }

    /** What a command writes that its config or options place, so that a write failure can say where else. */
    enum Writes {
        NOTHING, REPORTS, BASELINE;

        /** REPORTS for a command with --out (run, demo, preflight, report), BASELINE for baseline capture. */
        static Writes of(CommandLine c) {
            return c.getCommandSpec().findOption("--out") != null ? REPORTS
                    : c.getCommandSpec().userObject() instanceof BaselineCommand.Capture ? BASELINE : NOTHING;
        }

        String hint(Path config) {
            String in = config != null ? " in " + config : "";
            return switch (this) {
                case NOTHING -> "";
                case REPORTS -> " — give a folder this account may write and that has free space: --out DIR"
                        + (config != null ? ", or reports.dir" + in : "");
                case BASELINE -> " — give baseline.file" + in + " a path in a folder this account may write and that"
                        + " has free space";
            };
        }
    }

    /** @param writes what the command writes: a write failure says where else */
    static int handle(Throwable ex, Path config, boolean verbose, PrintStream err, Writes writes) {
        int code;
        String message;
        OutOfMemoryError oom = Causes.find(ex, OutOfMemoryError.class); // itself, or a writer's failure it wraps
        if (oom != null) {
            code = ExitCodes.RUN_FAILED;
            message = outOfMemoryMessage(oom, Runtime.getRuntime().maxMemory(), RunNotRecorded.in(ex) == null);
        } else if (ex instanceof ConfigException c) {
            code = ExitCodes.USAGE;
            message = c.messageIn(config);
        } else if (ex instanceof DirectoryException) {
            code = ExitCodes.RUN_FAILED;
            message = ex.getMessage();
        } else if (ex instanceof StoreException) {
            code = ExitCodes.RUN_FAILED;
            message = ex.getMessage();
        } else if (ex instanceof InterruptSignals.Stopped stopped) {
            code = stopped.exitCode();
            message = ex.getMessage();
        } else if (ex instanceof org.kcdauditor.run.RunLock.LockedException
                || ex instanceof org.kcdauditor.run.RunInterruptedException) {
            code = ExitCodes.RUN_FAILED;
            message = ex.getMessage();
        } else if (ex instanceof IOException) {
            code = ExitCodes.RUN_FAILED;
            message = "cannot write output: " + org.kcdauditor.io.IoErrors.describe((IOException) ex)
                    + (ex instanceof java.nio.file.FileSystemException
                    || String.valueOf(ex.getMessage()).contains("No space left") ? writes.hint(config) : "");
        } else {
            code = ExitCodes.RUN_FAILED;
            message = "unexpected error: " + ex + (verbose ? "" : " (run again with --verbose for details)");
        }
        RunNotRecorded notRecorded = RunNotRecorded.in(ex);
        if (notRecorded != null && oom == null) {
            message += "; " + notRecorded.sentence();
        }
        err.println("kcd-audit: " + message);
        if (verbose) {
            ex.printStackTrace(err);
        }
        return code;
    }


    /**
     * One line for a run that ran out of heap: where (the innermost kcd-auditor frame, when the JVM kept a stack
     * trace), the heap it had ({@code maxHeap} bytes) and how to give it more.
     */
    static String outOfMemoryMessage(OutOfMemoryError e, long maxHeap, boolean recorded) {
        String where = java.util.Arrays.stream(e.getStackTrace())
                .filter(f -> f.getClassName().startsWith("org.kcdauditor."))
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1).replaceAll("\\$.*", "")
                        + "." + f.getMethodName().replaceAll("^lambda\\$(\\w+)\\$\\d+$", "$1"))
                .findFirst().map(w -> " in " + w).orElse("");
        long mb = maxHeap / (1024 * 1024);
        return "out of memory" + where + " with a Java heap of " + mb + " MB (" + (e.getMessage() == null ? "heap"
                : e.getMessage()) + "); the run " + (recorded ? "is recorded as failed"
                : "could not be recorded as failed either: the next run records it as interrupted")
                + ". Raise the heap for this call, e.g. KCD_AUDIT_HEAP="
                + Math.max(2, (mb * 4 / 1024) + 1) + "g (README: Install), or audit fewer or smaller clusters per run";
    }

    /** Version and commit of the build ({@link org.kcdauditor.home.Build}), and the Java it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{org.kcdauditor.home.Build.describe(),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
