package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * README's Commands table is the CLI's contract: every command (and command of a group) has a row, and every option
 * of a command is named in its row. A command or option added without README fails here.
 */
class ReadmeCommandsTest {
    /** Options every command has; README says them once, below the table. */
    private static final Set<String> COMMON = Set.of("--help", "--version", "--verbose");

    @Test
    void everyCommandAndOptionIsInReadmesCommandsTable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Commands");
        List<String> rows = readme.substring(start, readme.indexOf("### Exit codes", start)).lines()
                .filter(l -> l.startsWith("| `kcd-audit") || l.startsWith("| `")).toList();
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        CommandLine root = Main.commands(new Main(), new Cli(nowhere, nowhere, nowhere, Map.of(),
                Clock.systemUTC(), Path.of(".")));
        List<String> missing = new ArrayList<>();
        for (CommandLine c : root.getSubcommands().values()) {
            check(c, c.getCommandName(), rows, missing);
        }
        assertEquals(List.of(), missing, "README.md's Commands table lacks these (add them to the command's row)");
    }

    private static void check(CommandLine c, String path, List<String> rows, List<String> missing) {
        // the command's rows: `kcd-audit PATH …` or `PATH …`, not those of its own commands (`history prune`)
        Set<String> subs = c.getSubcommands().keySet();
        Pattern own = Pattern.compile("`(?:kcd-audit )?" + Pattern.quote(path) + "(?=[ `])"
                + (subs.isEmpty() ? "" : "(?! (?:" + String.join("|", subs.stream().map(Pattern::quote).toList())
                + ")\\b)"));
        List<String> mine = rows.stream().filter(r -> own.matcher(r).find()).toList();
        boolean ownOptions = c.getCommandSpec().options().stream().anyMatch(o -> !COMMON.contains(o.longestName()));
        if (!subs.isEmpty() && !ownOptions) {
            // a group that only holds its commands (baseline, inspect): README's exit codes say it alone is a usage error
        } else if (mine.isEmpty()) {
            missing.add("kcd-audit " + path);
        } else {
            CommandSpec spec = c.getCommandSpec();
            for (OptionSpec o : spec.options()) {
                if (COMMON.contains(o.longestName())) {
                    continue;
                }
                if (mine.stream().noneMatch(r -> r.contains(o.longestName()))) {
                    missing.add("kcd-audit " + path + " " + o.longestName());
                }
            }
        }
        for (CommandLine sub : c.getSubcommands().values()) {
            check(sub, path + " " + sub.getCommandName(), rows, missing);
        }
    }
}
