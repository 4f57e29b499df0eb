package org.kcdauditor.cli;

import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DirectoriesCollector;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.remedy.Ps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "preflight", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The pre-patching gate for a change window: audit now and say GO when every pair of the"
                + " cluster is delegated correctly and nothing blocks, NO-GO with the blockers otherwise.",
                "Blockers: every HIGH finding of the cluster that no waiver suppresses (missing delegation, SPN"
                        + " not registered, unconstrained delegation, host not found, baseline entry removed,"
                        + " observed migration failures, with --all-dcs a domain controller that has not replicated"
                        + " the change, ...). The run is stored and findings.json written."},
        footer = {"", "Exit codes: 0 GO, 3 NO-GO, 1 the audit could not complete, 2 usage/config error."})
final class PreflightCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "The cluster to be patched.")
    String cluster;

    @Option(names = "--out", paramLabel = "DIR", description = "Write findings.json into DIR (default: a new run folder).")
    Path out;

    @Option(names = "--all-dcs", negatable = true, description = {"Also read the cluster's nodes from every domain"
            + " controller of their domain (directory.domainControllers, else discovered) and compare them with the"
            + " DC the audit read: a DC that has not replicated the change yet is a blocker (DC_NOT_CONVERGED), one"
            + " that cannot be read is reported (DC_UNREACHABLE). Default: policy.preflightAllDcs (false);"
            + " --no-all-dcs turns it off."})
    Boolean allDcs;

    PreflightCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws DirectoryException, IOException {
        AuditConfig cfg = ConfigLoader.load(config);
        ClusterConfig target = cfg.clusters().stream().filter(c -> c.name().equalsIgnoreCase(cluster)).findFirst()
                .orElseThrow(() -> new ConfigException("--cluster: no cluster named '" + cluster + "' in " + config
                        + " (known: " + String.join(", ", cfg.clusters().stream().map(ClusterConfig::name).toList()) + ")"));
        boolean everyDc = allDcs != null ? allDcs : cfg.policy().allDcsByDefault();
        AuditRun run = new AuditRun(cfg, cli.secrets(), cli.clock(), Reports.standard(cli.installation().templates(),
                cfg.reports())).withHome(cli.home()).withEnvironment(cli.env()).withTrigger("preflight");
        if (everyDc) {
            run = run.withSource(progress -> new DirectoriesCollector(cfg, cli.secrets(), cli.clock(), target.name())
                    .collect(progress));
        }
        AuditRun audit = run;
        AuditRun.Outcome o = RunCommand.underRunLock(cli, cfg, "preflight", () -> audit
                .execute(out, Set.of(Format.JSON), new Timings(), n -> { }));
        String name = target.name();
        ReportView view = ReportView.of(o.document());
        ReportView.ClusterView mineView = view.clusters().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElse(null);
        if (mineView != null && !mineView.audited()) {
            ReportView.DirectoryView d = view.directories().stream().filter(x -> x.name().equals(mineView.directory()))
                    .findFirst().orElse(null);
            cli.out().printf("Preflight %s: NO-GO%n", name);
            cli.out().printf("  not audited: directory %s could not be read%s (run %s)%n", Ps.oneLine(
                    mineView.directory()), d == null || d.failure() == null ? "" : ": " + Ps.oneLine(d.failure()),
                    o.runId().substring(0, 8));
            return ExitCodes.FINDINGS;
        }
        List<PairStatus> pairs = o.result().context().pairs().stream().filter(p -> p.cluster().equals(name)).toList();
        long ok = pairs.stream().filter(PairStatus::ok).count();
        List<Finding> mine = o.result().findings().stream().filter(f -> name.equals(f.cluster())).toList();
        List<Finding> blockers = mine.stream().filter(f -> !f.isWaived() && f.severity() == Severity.HIGH).toList();
        List<Finding> waived = mine.stream().filter(Finding::isWaived).toList();
        boolean go = blockers.isEmpty();
        cli.out().printf("Preflight %s: %s%n", name, go ? "GO" : "NO-GO");
        cli.out().printf("  pairs delegated correctly: %d/%d; blockers: %d; waived: %d (run %s)%n", ok, pairs.size(),
                blockers.size(), waived.size(), o.runId().substring(0, 8));
        for (String dcs : view.dcSummaries()) {
            cli.out().println("  domain controllers: " + Ps.oneLine(dcs));
        }
        for (Finding f : blockers) {
            cli.out().printf("  BLOCKER %-30s %s%n", f.rule(), Ps.oneLine(f.message()));
        }
        for (Finding f : waived) {
            cli.out().printf("  waived  %-30s %s [%s, until %s]%n", f.rule(), Ps.oneLine(f.host() + (f.peer() == null
                    ? "" : " -> " + f.peer()) + (f.spn() == null ? "" : " " + f.spn())),
                    Ps.oneLine(f.waiver().justification()), f.waiver().expires());
        }
        if (go) {
            cli.out().println("  Before patching: note the run id in the change; after patching run preflight again"
                    + " and live-migrate a test VM between every pair.");
        } else {
            cli.out().println("  Fix the blockers (see findings.json in " + (o.outDir() == null ? "-" : o.outDir())
                    + "), replicate, purge tickets (klist -li 0x3e7 purge) and run preflight again.");
        }
        return go ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
