package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.rules.Rule;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List the rule catalogue: id, severity, title, why it matters, reference.",
        footer = {"", "Every run's findings.json carries the same metadata (rules) for the rules that fired.",
                "Exit code 0 (2 for a mistyped option).", "Example: kcd-audit rules --brief"})
final class RulesCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = "--brief", description = "One line per rule.")
    boolean brief;

    @Option(names = "--markdown", description = "The catalogue as README's Markdown table (id, severity, category,"
            + " when it fires).")
    boolean markdown;

    RulesCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (markdown) {
            cli.out().print(RuleCatalogue.standard().markdown());
            return ExitCodes.OK;
        }
        var rules = RuleCatalogue.standard().rules();
        int width = rules.stream().mapToInt(r -> r.info().id().length()).max().orElse(0);
        for (Rule rule : rules) {
            RuleInfo i = rule.info();
            cli.out().printf("%-" + width + "s  %-6s  %s%n", i.id(), i.severity(), i.title());
            if (!brief) {
                cli.out().println("    why: " + i.why());
                cli.out().println("    ref: " + i.reference());
                cli.out().println();
            }
        }
        return ExitCodes.OK;
    }
}
