package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The indented lines of a help screen's footer (the exit codes and environment of {@code kcd-audit --help}) are laid
 * out by hand: picocli breaks one longer than the screen's width at its last word, which then stands alone at the left
 * margin, outside its column. (A paragraph that starts at the margin is wrapped as a paragraph, which reads well.)
 */
class HelpScreensTest {
    @Test
    void everyFooterLineFitsTheHelpScreensWidth() {
        assertEquals(List.of(), everyCommand(HelpScreensTest::footerTooLong),
                "indented footer lines wider than the help screen (rewrap them)");
    }

    /**
     * {@code kcd-audit --help} ends "kcd-audit COMMAND --help says what a command reads, writes and where", but the
     * daemon's screen, the one an admin reads while writing a unit or a task, said neither where its log goes
     * (daemon.logFile, else stdout for journald; a scheduled task has no console) nor where its runs write; and the
     * environment of the main screen left out JAVA_HOME, which every launcher reads first.
     */
    @Test
    void theDaemonAndDemoHelpSayWhereTheyLogAndWriteAndTheMainHelpNamesJavaHome() {
        CommandLine root = root();
        String daemon = root.getSubcommands().get("daemon").getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        for (String said : List.of("Log: daemon.logFile", "else stdout", "store.url", "reports.dir")) {
            assertTrue(daemon.contains(said), said + " in:\n" + daemon);
        }
        // the demo's screen named "its demo store" without saying where that is
        String demo = root.getSubcommands().get("demo").getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertTrue(demo.contains("data/demo-history of the installation folder"), demo);
        String main = root.getUsageMessage(CommandLine.Help.Ansi.OFF);
        assertTrue(main.contains("\n  JAVA_HOME "), main);
    }

    /**
     * An admin reads a command's screen for what it does, what it writes, its exit codes and a command line to start
     * from: {@code rules}, {@code demo} and the {@code inspect} commands gave no example, {@code rules} no exit codes,
     * and the main screen's exit code 1 did not say that {@code outbox} exits 1 while a notice is pending.
     */
    @Test
    void everyCommandsHelpGivesItsExitCodesAndAnExample() {
        assertEquals(List.of(), everyCommand(HelpScreensTest::exitCodesOrExampleMissing),
                "help screens without exit codes or an example");
        String main = root().getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
        assertTrue(main.contains("outbox: a notice is pending"), main);
    }

    private static void exitCodesOrExampleMissing(CommandLine c, List<String> lacking) {
        String name = c.getCommandSpec().qualifiedName();
        if (c.getSubcommands().isEmpty() && !name.endsWith(" help")) {
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
            if (!help.contains("Exit code") && !help.contains("Exit 0 ")) {
                lacking.add(name + ": no exit codes");
            }
            if (!help.matches(".*Example[^:]*: kcd-audit .*")) {
                lacking.add(name + ": no example");
            }
        }
    }

    /**
     * README says of {@code report}: all formats replace the folder's files together or none does, and an {@code --out}
     * folder holding another run's findings.json is refused (exit 2); its screen said neither.
     */
    @Test
    void theReportHelpSaysWhatItReplacesAndWhichOutItRefuses() {
        String report = root().getSubcommands().get("report").getUsageMessage(CommandLine.Help.Ansi.OFF)
                .replaceAll("\\s+", " ");
        assertTrue(report.contains("another run's findings.json is refused (exit 2)"), report);
        assertTrue(report.contains("together or, on any failure, none"), report);
    }

    /**
     * README: Ctrl-C or SIGTERM during run, demo, preflight or baseline capture records the run INTERRUPTED and exits
     * 130 or 143. Their screens listed 0 to 3 only, so an admin who stopped a run at 6 a.m. (or a scheduler reading the
     * exit code) found 130 in no help; and run's --config did not say that there is no default.
     */
    @Test
    void theCommandsThatAuditSayTheExitCodesOfCtrlCAndThatConfigHasNoDefault() {
        CommandLine root = root();
        for (String command : List.of("run", "demo", "preflight", "baseline capture")) {
            CommandLine c = root;
            for (String word : command.split(" ")) {
                c = c.getSubcommands().get(word);
            }
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
            assertTrue(help.contains("130 Ctrl-C (SIGINT), 143 SIGTERM: the run is recorded INTERRUPTED"),
                    command + ":\n" + help);
            if (!command.equals("demo")) {
                assertTrue(help.contains("no default"), command + ": --config\n" + help);
            }
        }
    }

    /**
     * The help's password line showed only {@code export KCD_AUDIT_LDAP_PASSWORD=...}, which neither PowerShell nor cmd
     * takes, and its examples named config/kcd-audit.yaml, which the archive does not hold: every screen that binds to
     * the directory gives the PowerShell form and directory.passwordFile, and every screen whose example names
     * config/kcd-audit.yaml says it is a copy of config/kcd-audit.example.yaml (the runs' own history screens excepted:
     * the runs were made with it).
     */
    @Test
    void thePasswordAndConfigHelpHoldsOnWindowsAndForTheArchive() {
        CommandLine root = root();
        // picocli wraps after a dot too ("example. yaml"): compared without white space
        String main = root.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", "");
        // the copy belongs outside the installation folder, which an upgrade replaces (docs/install.md)
        assertTrue(main.contains("copyconfig/kcd-audit.example.yamloutoftheinstallationfolder(anupgradereplacesit)"),
                main);
        assertTrue(main.contains("kcd-auditrun--configC:\\ProgramData\\kcd-audit\\kcd-audit.yaml"), main);
        assertFalse(main.contains("toconfig/kcd-audit.yaml"), main);
        for (String command : List.of("run", "preflight", "baseline capture", "baseline diff", "daemon", "schedule",
                "outbox")) {
            CommandLine c = root;
            for (String word : command.split(" ")) {
                c = c.getSubcommands().get(word);
            }
            String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", "");
            for (String said : List.of("--configconfig/kcd-audit.yaml", "copyofconfig/kcd-audit.example.yaml",
                    "nodefault")) {
                assertTrue(help.contains(said), command + ": " + said + " in:\n" + help);
            }
            assertTrue(help.contains("outsidetheinstallationfolder"), command + ":\n" + help);
            if (help.contains("KCD_AUDIT_LDAP_PASSWORD")) {
                // typed in the clear the password lands in the shell's history (PSReadLine's file too); cmd runs
                // what follows an unquoted & as a command: each shell's form that does not echo or break it
                for (String form : List.of("read-rsKCD_AUDIT_LDAP_PASSWORD&&exportKCD_AUDIT_LDAP_PASSWORD#sh",
                        "PowerShell,bothlines:$env:KCD_AUDIT_LDAP_PASSWORD=(Get-Credentialsvc-kcdaudit)"
                                + ".GetNetworkCredential().Password", "init:set\"KCD_AUDIT_LDAP_PASSWORD=...\"",
                        "directory.passwordFile", "docs/install.md")) {
                    assertTrue(help.contains(form), command + ": " + form + " in:\n" + help);
                }
                assertFalse(help.contains("exportKCD_AUDIT_LDAP_PASSWORD=") || help.contains("'...'"),
                        command + ":\n" + help);
            } else {
                assertTrue(List.of("schedule", "outbox").contains(command), command + " binds:\n" + help);
            }
        }
    }

    /**
     * daemon's screen said how SIGTERM stops it, not how the scheduled task is stopped on Windows: Stop-ScheduledTask
     * ends java.exe at once (a running audit is INTERRUPTED) and the task's 5-minute trigger starts it again unless
     * it is disabled first.
     */
    @Test
    void theDaemonHelpSaysHowToStopTheScheduledTask() {
        String daemon = usage("daemon");
        int disable = daemon.indexOf("Disable-ScheduledTask kcd-audit-daemon");
        int stop = daemon.indexOf("Stop-ScheduledTask kcd-audit-daemon");
        assertTrue(disable >= 0 && stop > disable, daemon);
        assertTrue(daemon.contains("ends java.exe at once"), daemon);
        assertTrue(daemon.contains("within 5 minutes"), daemon);
    }

    /** What the bind account must read is listed once, in docs/install.md; run's screen said only "read access". */
    @Test
    void theRunHelpPointsToTheListOfWhatTheBindAccountReads() {
        assertTrue(usage("run").contains("docs/install.md, \"The service account\""), usage("run"));
    }

    /**
     * run exits 0 on a NO-GO that no finding's severity carries (a MEDIUM blocker, a waived blocker on a Windows Server
     * 2025 node, an optional directory not read): its screen said only "0 ok", and a pipeline gated on it. It says that
     * 0 is no GO and names --fail-on nogo, which the option's own line lists beside the severities.
     */
    @Test
    void theRunHelpSaysThatExitZeroIsNoGoUnlessFailOnNoGo() {
        String run = usage("run");
        assertTrue(run.contains("Exit 0 does not mean GO for the patch window unless --fail-on nogo is given"), run);
        assertTrue(run.contains("3 findings reach --fail-on (with --fail-on nogo: a cluster is NO-GO)"), run);
        assertTrue(run.contains("high, medium, low or info; or nogo: exit 3 when a cluster is NO-GO for the patch"
                + " window"), run);
        assertTrue(usage("demo").contains("or nogo"), usage("demo"));
    }

    /**
     * The inspect examples name config/demo/… of the installation folder, which from any other folder "no file
     * matches"; the demo's --out said "default: reports.dir from the config", and the demo has no config of the
     * user's.
     */
    @Test
    void examplesThatOnlyWorkInTheInstallationFolderSaySoAndTheDemoHasNoConfigsReportsDir() {
        for (String inspect : List.of("patches", "events", "host-settings")) {
            String help = usage("inspect " + inspect);
            assertTrue(help.contains("Example, in the installation folder, on the demo's exports: kcd-audit inspect "
                    + inspect + " config/demo/"), help);
        }
        String demo = usage("demo");
        assertFalse(demo.contains("reports.dir"), demo);
        assertTrue(demo.contains("--out=DIR Write into DIR (default: ./reports, the reports folder of the current"
                + " folder, in a new"), demo);
        assertTrue(usage("run").contains("default: reports.dir from the config, else ./reports"), usage("run"));
    }

    /** The help of {@code command} (words apart: "baseline capture"), its white space made single spaces. */
    private static String usage(String command) {
        CommandLine c = root();
        for (String word : command.split(" ")) {
            c = c.getSubcommands().get(word);
        }
        return c.getUsageMessage(CommandLine.Help.Ansi.OFF).replaceAll("\\s+", " ");
    }

    private static CommandLine root() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return Main.commands(new Main(), new Cli(nowhere, nowhere, nowhere, Map.of(), Clock.systemUTC(), Path.of(".")));
    }

    /** What {@code check} finds in the help of every command and command of a group. */
    private static List<String> everyCommand(BiConsumer<CommandLine, List<String>> check) {
        List<String> found = new ArrayList<>();
        walk(root(), check, found);
        return found;
    }

    private static void walk(CommandLine c, BiConsumer<CommandLine, List<String>> check, List<String> found) {
        check.accept(c, found);
        c.getSubcommands().values().forEach(sub -> walk(sub, check, found));
    }

    private static void footerTooLong(CommandLine c, List<String> tooLong) {
        CommandLine.Model.UsageMessageSpec usage = c.getCommandSpec().usageMessage();
        for (String line : usage.footer()) {
            if (line.startsWith(" ") && line.length() > usage.width()) {
                tooLong.add(c.getCommandSpec().qualifiedName() + ": " + line);
            }
        }
    }
}
