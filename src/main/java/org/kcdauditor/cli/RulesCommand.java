package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.rules.Rule;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List the rule catalogue: id, severity, title, why it matters, reference.")
final class RulesCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = "--brief", description = "One line per rule.")
    boolean brief;

    RulesCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
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
