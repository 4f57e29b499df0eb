package org.kcdauditor.cli;

import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.home.Installation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a complete audit against a built-in demo directory: two Hyper-V clusters (3 and 4"
                + " nodes) of contoso.com with typical drift, and a few hundred unrelated computers.",
                "Starts an in-memory LDAP server on 127.0.0.1 inside this process, audits it with exactly the code"
                        + " path of 'run', writes the same reports and stops the server. Needs nothing but Java."},
        footer = {"", "Data: config/demo/contoso.ldif; clusters and policy: config/demo/kcd-audit-demo.yaml, both of"
                + " the installation folder. History store: data/demo-history of the installation folder, started"
                + " afresh by every demo; where that cannot be written (Program Files, /opt), the demo runs on a copy"
                + " of config/demo in a temporary folder. Reports: --out, else ./reports.",
                "Exit codes: 0 when the demo ran (its findings are expected); give --fail-on LEVEL explicitly to get"
                        + " exit 3 when findings reach it, as run does by default (--fail-on nogo: when a cluster is NO-GO); 1 the demo could not complete (--out"
                        + " not writable, one line says why); 2 usage error (a mistyped option or --formats value); 130 Ctrl-C (SIGINT), 143 SIGTERM: the run is recorded INTERRUPTED.",
                "Example: kcd-audit demo --out demo-reports"})
final class DemoCommand implements Callable<Integer> {
    /** In the demo folder ({@code config/demo} of the installation). */
    static final String LDIF = "contoso.ldif";
    static final String CONFIG = "kcd-audit-demo.yaml";
    /** The demo directory one run earlier: a seed run from it gives CHANGED_SINCE_LAST_RUN something to show. */
    static final String EARLIER = "contoso-earlier.ldif";
    /** The trigger its run is stored with; its directory is gone once it ends, so nothing suggests reading it again. */
    static final String TRIGGER = org.kcdauditor.run.AuditRun.DEMO;

    private final Cli cli;

    @Mixin
    AuditOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    DemoCommand(Cli cli) {
        this.cli = cli;
    }

    /**
     * The --fail-on and --out options the demo shares with run, described as the demo applies them: without --fail-on
     * the demo exits 0 (README), so its help must not say "default: high" as run's does; and the demo has no config of
     * the user's whose reports.dir --out would default to.
     */
    static void describeOptions(CommandLine.Model.CommandSpec spec) {
        java.util.Map<String, String> demos = java.util.Map.of(
                "--out", "Write into DIR (default: ./reports, the reports folder of the current folder, in a new"
                        + " <UTC yyyyMMdd-HHmmss>-<short run id> folder).",
                "--fail-on", "Exit 3 when a finding is at least this severe: high, medium, low or info; or "
                        + AuditOptions.NO_GO + ": " + AuditOptions.NO_GO_MEANS + " (the demo exits 0 unless it is"
                        + " given).");
        // removed and added again from the first on, so that the help lists the options in the same order as run's
        java.util.List<CommandLine.Model.OptionSpec> after = new java.util.ArrayList<>(spec.options());
        after = after.subList(after.stream().filter(o -> demos.containsKey(o.longestName())).mapToInt(after::indexOf)
                .min().orElseThrow(), after.size());
        after.forEach(spec::remove);
        for (CommandLine.Model.OptionSpec o : after) {
            String description = demos.get(o.longestName());
            spec.addOption(description == null ? o
                    : CommandLine.Model.OptionSpec.builder(o).description(description).build());
        }
    }

    @Override
    public Integer call() throws DirectoryException, IOException, LDAPException {
        Path demoDir = cli.installation().demo();
        AuditConfig config = ConfigLoader.load(demoDir.resolve(CONFIG));
        if (!DemoHistory.storeWritable(config)) {
            demoDir = Installation.demoCopy();
            config = ConfigLoader.load(demoDir.resolve(CONFIG));
        }
        // usage errors before anything is reset: a typo in an option must not cost the demo's history first
        options.failOnSeverity();
        options.formats(config.reports().formats());
        options.reports(config.reports());
        options.prepareOut();
        // demos started together take turns: one's reset would delete the store under another's runs
        try (DemoHistory.Turn turn = DemoHistory.exclusive(config, cli.err())) {
            DemoHistory.reset(config);
            DemoHistory.seed(cli, config, demoDir);
            return audit(config, demoDir);
        } catch (Throwable failed) {
            options.dropOutIfLeftEmpty(); // as a failed run does
            throw failed;
        }
    }

    private int audit(AuditConfig config, Path demoDir) throws DirectoryException, IOException, LDAPException {
        try (DemoDirectory directory = DemoDirectory.start(demoDir.resolve(LDIF))) {
            cli.out().println("Demo directory: " + directory.entries() + " entries of " + DemoDirectory.BASE_DN
                    + " served in-process at " + directory.url());
            AuditConfig demo = config.withDirectory(config.directory().withUrl(directory.url()));
            Map<String, String> env = new HashMap<>(cli.env());
            env.put(demo.directory().passwordEnv(), directory.password());
            return RunCommand.audit(cli, demo, env, options, TRIGGER,
                    spec.commandLine().getParseResult().hasMatchedOption("--fail-on"));
        }
    }
}
