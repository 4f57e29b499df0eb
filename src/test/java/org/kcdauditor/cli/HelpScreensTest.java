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
        assertTrue(main.contains("copyconfig/kcd-audit.example.yamltoconfig/kcd-audit.yaml,editit(docs/install.md)andrun:"
                + "kcd-auditrun--configconfig/kcd-audit.yaml"), main);
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
            if (help.contains("exportKCD_AUDIT_LDAP_PASSWORD")) {
                assertTrue(help.contains("$env:KCD_AUDIT_LDAP_PASSWORD='...'(PowerShell)")
                        && help.contains("directory.passwordFile") && help.contains("docs/install.md"),
                        command + ":\n" + help);
            } else {
                assertTrue(List.of("schedule", "outbox").contains(command), command + " binds:\n" + help);
            }
        }
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
