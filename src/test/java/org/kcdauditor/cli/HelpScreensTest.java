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
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        CommandLine root = Main.commands(new Main(), new Cli(nowhere, nowhere, nowhere, Map.of(),
                Clock.systemUTC(), Path.of(".")));
        List<String> tooLong = new ArrayList<>();
        collect(root, tooLong);
        assertEquals(List.of(), tooLong, "indented footer lines wider than the help screen (rewrap them)");
    }

    /**
     * {@code kcd-audit --help} ends "kcd-audit COMMAND --help says what a command reads, writes and where", but the
     * daemon's screen, the one an admin reads while writing a unit or a task, said neither where its log goes
     * (daemon.logFile, else stdout for journald; a scheduled task has no console) nor where its runs write; and the
     * environment of the main screen left out JAVA_HOME, which every launcher reads first.
     */
    @Test
    void theDaemonAndDemoHelpSayWhereTheyLogAndWriteAndTheMainHelpNamesJavaHome() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        CommandLine root = Main.commands(new Main(), new Cli(nowhere, nowhere, nowhere, Map.of(),
                Clock.systemUTC(), Path.of(".")));
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

    private static void collect(CommandLine c, List<String> tooLong) {
        CommandLine.Model.UsageMessageSpec usage = c.getCommandSpec().usageMessage();
        for (String line : usage.footer()) {
            if (line.startsWith(" ") && line.length() > usage.width()) {
                tooLong.add(c.getCommandSpec().qualifiedName() + ": " + line);
            }
        }
        c.getSubcommands().values().forEach(sub -> collect(sub, tooLong));
    }
}
