package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.audit.WaiverHosts;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.run.BaselineCapture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = {"The documented delegation baseline (baseline.yaml next to the config, or 'baseline:' in it).",
                "capture writes it from a fresh snapshot; diff shows the drift and writes nothing."},
        subcommands = {BaselineCommand.Capture.class, BaselineCommand.Diff.class})
final class BaselineCommand implements Runnable {
    private final Cli cli;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    BaselineCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public void run() {
        throw Main.missingSubcommand(spec);
    }

    AuditRun auditRun(AuditConfig cfg) {
        return AuditRun.installed(cfg, cli.env(), cli.clock(), cli.home());
    }

    @Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Audit now (the run is stored, no reports are written) and write the baseline from it.",
                    "Waivers of an existing baseline are carried over. Refuses to replace an existing baseline"
                            + " without --force; the old file is kept as <name>.<UTC timestamp>.bak."},
            footer = {"", Cli.PASSWORD_HELP, Cli.PASSWORD_SH, Cli.PASSWORD_PS, Cli.PASSWORD_PS_1,
                Cli.PASSWORD_PS_2, Cli.PASSWORD_CMD, Cli.PASSWORD_CMD_1, "Exit codes: 0 baseline written, 1 the audit could not complete, 2"
                    + " usage/config error (also:"
                    + " a baseline exists and --force was not given), 130 Ctrl-C (SIGINT), 143 SIGTERM: the run is recorded INTERRUPTED.",
                    "Example:", "kcd-audit baseline capture --config config/kcd-audit.yaml --approved-by \"J. Doe\""})
    static final class Capture implements Callable<Integer> {
        @ParentCommand
        BaselineCommand parent;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
        Path config;

        @Option(names = "--approved-by", paramLabel = "NAME", description = "Who approved this baseline (free text;"
                + " the runbooks' placeholder \"<CAB approver>\" is refused).")
        String approvedBy;

        @Option(names = "--ticket", paramLabel = "ID", description = "The change ticket the baseline was approved under"
                + " (free text, e.g. CHG0042), recorded in the baseline's header next to approvedBy.")
        String ticket;

        @Option(names = "--force", description = "Replace an existing baseline (keeping a .bak copy).")
        boolean force;

        @Override
        public Integer call() throws DirectoryException, IOException {
            Cli cli = parent.cli;
            if (approvedBy != null && approvedBy.strip().startsWith("<") && approvedBy.strip().endsWith(">")) {
                // the runbooks print the command with "<CAB approver>" to fill in
                throw new ConfigException("--approved-by: \"" + approvedBy.strip() + "\" is the runbook's"
                        + " placeholder: give the name of whoever approved the change, e.g. --approved-by \"J. Doe\"");
            }
            AuditConfig cfg = ConfigLoader.load(config);
            Path file = cfg.baselinePath();
            if (java.nio.file.Files.isDirectory(file)) {
                // --force could not replace it either: its backup would be an empty folder, the write "Is a directory"
                throw new ConfigException(file + ": is a folder, not a file: move it aside, or give baseline.file in "
                        + config + " the path of a file");
            }
            if (java.nio.file.Files.exists(file) && !force) {
                BaselineCapture.refuseUnreadable(file);
                throw new ConfigException(file + ": a baseline exists already; give --force to replace it (the old"
                        + " one is kept as " + file.getFileName() + ".<timestamp>.bak)");
            }
            // a config error is said before the store is opened or created (no data/ folder, no FAILED run for it)
            cli.secrets().requireDirectorySecrets(cfg);
            // read, audit and write under the run lock: two captures never interleave
            BaselineCapture.Captured c = InterruptSignals.during(control -> RunCommand.underRunLock(cli, cfg,
                    "baseline capture", () -> BaselineCapture.capture(parent.auditRun(cfg), file, approvedBy,
                            ticket == null || ticket.isBlank() ? null : ticket.strip(), force,
                            cli.clock(), control)));
            Baseline b = c.baseline();
            cli.out().println("Baseline written: " + file + " (" + Words.plural(b.hosts().size(), "host") + ", "
                    + Words.plural(b.waivers().size(), "waiver") + " carried over, from run "
                    + b.capturedFrom().substring(0, 8) + ")");
            if (c.previousUnreadable() != null) {
                cli.out().println("The previous baseline could not be read (" + c.previousUnreadable() + "): it is"
                        + " kept as " + c.backup() + ", its waivers were not carried over (copy them from there)");
            } else if (c.backup() != null) {
                cli.out().println("Previous baseline kept as " + c.backup());
            }
            if (!c.expiredWaivers().isEmpty()) {
                int n = c.expiredWaivers().size();
                cli.out().println("Note: " + Words.plural(n, "waiver") + " carried over " + (n == 1 ? "has" : "have")
                        + " expired; every run reports " + (n == 1 ? "it" : "them") + " (WAIVER_EXPIRED) until "
                        + (n == 1 ? "it is" : "they are") + " renewed or removed from the baseline:");
                c.expiredWaivers().forEach(f -> cli.out().println("  " + Ps.oneLine(f.message())));
            }
            if (c.openHigh() > 0) {
                cli.out().println("Note: " + c.openHigh() + " HIGH finding" + (c.openHigh() == 1 ? " was" : "s were")
                        + " open in"
                        + " this run. The baseline is the reference for drift only: they stay findings until fixed or"
                        + " waived (kcd-audit history show " + b.capturedFrom().substring(0, 8) + " --config "
                        + ShellArg.of(config) + " lists them).");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = {"Read the directory now and show how it differs from the baseline. Writes nothing.",
                    "Exit 0 when there is no drift, 3 when there is (1 the directory could not be read, 2 usage/config"
                            + " error)."},
            footer = {"", Cli.PASSWORD_HELP, Cli.PASSWORD_SH, Cli.PASSWORD_PS, Cli.PASSWORD_PS_1,
                Cli.PASSWORD_PS_2, Cli.PASSWORD_CMD, Cli.PASSWORD_CMD_1, "Example: kcd-audit baseline diff --config config/kcd-audit.yaml"})
    static final class Diff implements Callable<Integer> {
        @ParentCommand
        BaselineCommand parent;

        @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
        Path config;

        @Override
        public Integer call() throws DirectoryException {
            Cli cli = parent.cli;
            AuditConfig cfg = ConfigLoader.load(config);
            Path file = cfg.baselinePath();
            if (!java.nio.file.Files.exists(file)) {
                throw new org.kcdauditor.config.ConfigException(file + ": baseline not found (write one with:"
                        + " kcd-audit baseline capture --config " + ShellArg.of(config) + ")");
            }
            Baseline b = BaselineFile.read(file);
            AuditRun run = parent.auditRun(cfg);
            Snapshot snapshot = run.collect(new Timings(), n -> { });
            AuditContext ctx = new AuditContext(snapshot, cfg.clusters(), cfg.policy());
            List<Drift.Change> changes = Drift.compare(b.hosts(), ctx);
            // baseline.yaml's free text (approver, a waiver's host or peer) stays on its line, as in the run's output
            cli.out().println(Ps.oneLine("Baseline " + file + (b.capturedAt() == null ? "" : " (captured "
                    + b.capturedAt() + (b.approvedBy() == null ? "" : ", approved by " + b.approvedBy()) + ")")));
            if (changes.isEmpty()) {
                cli.out().println("No drift: every node matches the baseline.");
            } else {
                cli.out().println(changes.size() + " difference" + (changes.size() == 1 ? "" : "s") + ":");
                for (Drift.Change c : changes) {
                    // by the rule id the run's findings and reports use for it
                    cli.out().println("  " + c.kind().baselineRule() + "  " + Ps.oneLine(Drift.describe(c)));
                }
            }
            // the rules' findings name hosts a waiver may rightly name (the run's reports judge by them too)
            List<Finding> findings = new Auditor(RuleCatalogue.standard()).evaluate(ctx).findings();
            List<String> warnings = WaiverHosts.warnings(b, ctx, findings);
            for (int i = 0; i < b.waivers().size(); i++) {
                Waiver w = b.waivers().get(i);
                String warning = warnings.get(i);
                cli.out().println(Ps.oneLine("  waiver " + w.rule() + " " + w.host() + (w.peer() == null ? ""
                        : " -> " + w.peer()) + (w.activeAt(cli.clock().instant()) ? " active through " + w.expires()
                        + " (UTC)" : " EXPIRED on " + w.expires()) + (warning == null ? "" : ", but it " + warning)));
            }
            return changes.isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
    }
}
