package org.kcdauditor.cli;

import org.kcdauditor.model.AdObject;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.Finding;
import org.kcdauditor.remedy.Commands;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.GoVerdict;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.remedy.Values;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "preflight", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The pre-patching gate for a change window: audit now and say GO when every pair of the"
                + " cluster is delegated correctly and nothing blocks, NO-GO with the blockers otherwise.",
                "Blockers: every HIGH finding of the cluster that no waiver suppresses (missing delegation, SPN"
                        + " not registered or held twice, no AES keys or encryption type, CredSSP on a host,"
                        + " unconstrained delegation, host not found, baseline entry removed, observed migration"
                        + " failures, with --all-dcs a domain controller that has not replicated the change, ...),"
                        + " every unwaived finding of any severity that blocks a pair (a disabled computer account,"
                        + " live migration disabled on a host), a Windows Server 2025 node with any blocked pair, and a cluster whose directory could not be"
                        + " read. The run is stored and findings.json written (clusters[].go, clusters[].reasons)."},
        footer = {"", Cli.PASSWORD_HELP, Cli.PASSWORD_SH, Cli.PASSWORD_PS, Cli.PASSWORD_PS_1,
                Cli.PASSWORD_PS_2, Cli.PASSWORD_CMD, Cli.PASSWORD_CMD_1,
                "Exit codes: 0 GO, 3 NO-GO, 1 the audit could not complete, 2 usage/config error, 130 Ctrl-C (SIGINT), 143 SIGTERM: the run is recorded INTERRUPTED.",
                "Example: kcd-audit preflight --config config/kcd-audit.yaml --cluster HVC1"})
final class PreflightCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
    Path config;

    @Option(names = "--cluster", required = true, paramLabel = "NAME", description = "The cluster to be patched.")
    String cluster;

    @Option(names = "--out", paramLabel = "DIR", description = "Write findings.json into DIR (default: a new run folder).")
    Path out;

    @Option(names = "--all-dcs", negatable = true, description = {"Also read the cluster's nodes from every domain"
            + " controller of their domain (directory.domainControllers, else discovered) and compare them with the"
            + " DC the audit read: a DC that has not replicated what a pair needs yet is a blocker (DC_NOT_CONVERGED;"
            + " MEDIUM, no blocker, where the difference breaks no pair), one"
            + " that cannot be read, or not searched for other holders of the nodes' SPNs, is reported"
            + " (DC_UNREACHABLE) and makes the clusters whose pairs it serves NO-GO (DC_NOT_READ): those of its"
            + " domain and those migrating with them. Default: policy.preflightAllDcs (false);"
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
        // a config error is said before the store is opened or created (no data/ folder, no FAILED run for it)
        cli.secrets().requireDirectorySecrets(cfg);
        cli.out().println(StoreUrls.where(cfg));
        AuditRun run = AuditRun.installed(cfg, cli.env(), cli.clock(), cli.home()).withTrigger(org.kcdauditor.store.RunSummary.PREFLIGHT);
        AuditRun audit = everyDc ? run.withDcCheck(target.name()) : run;
        AuditRun.Outcome o = InterruptSignals.during(control -> RunCommand.underRunLock(cli, cfg, "preflight",
                () -> {
                    AuditRun.Outcome done = audit.execute(out, Set.of(Format.JSON), new Timings(), n -> { }, control);
                    // its counts are of every cluster it audited: history names the one it was asked about beside them
                    try (RunStore store = StoreUrls.open(cfg, cli.env())) {
                        store.preflightOf(done.runId(), target.name());
                    }
                    return done;
                }));
        String name = target.name();
        ReportView view = o.view();
        ReportView.ClusterView c = view.clusters().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow();
        List<Finding> mine = o.result().findings().stream().filter(f -> name.equals(f.cluster())).toList();
        // as the verdict counts them: its open HIGH findings, and every open finding that blocks one of its pairs
        Set<Finding> blockers = blockers(o, name);
        List<Finding> waived = mine.stream().filter(Finding::isWaived).toList();
        boolean go = c.go();
        cli.out().printf("Preflight %s: %s%n", name, go ? "GO" : "NO-GO");
        // its node pairs (live migration) apart from its paths to a file server, as every report counts them
        cli.out().printf("  %s; blockers: %d; waived: %d (run %s)%n", c.pairsOkInWords(), blockers.size(),
                waived.size(), o.runId().substring(0, 8));
        // the domains of its own pairs: another directory's DCs were not asked about it, nor need to be
        Set<String> domains = view.directoriesOf(name);
        view.plan().readOnlyNotes(domains).forEach(n -> cli.out().println("  " + Ps.oneLine(n) + "."));
        for (String dcs : view.dcSummaries(name)) {
            cli.out().println("  domain controllers: " + Ps.oneLine(dcs));
        }
        List<FindingsDocument.DcDoc> unreadDcs = view.directories().stream()
                .filter(ReportView.DirectoryView::dcCheck).flatMap(d -> d.domainControllers().stream())
                .filter(x -> FindingsDocument.DcDoc.UNREACHABLE.equals(x.result())).toList();
        for (FindingsDocument.DcDoc x : unreadDcs) {
            // why, as the DC_UNREACHABLE finding says it: a refused connection, a TLS or a bind failure
            cli.out().println("  not read: " + Ps.oneLine(x.error() == null ? x.name() : x.error()));
        }
        for (GoVerdict.Reason r : c.verdict().reasons()) {
            cli.out().println("  NO-GO   " + Ps.oneLine(r.text()));
        }
        printBlockers(cli.out(), view, blockers, o.outDir());
        for (Finding f : waived) {
            cli.out().printf("  waived  %-30s %s [%s, through %s (UTC)%s]%n", f.rule(), Ps.oneLine(f.host()
                    + (f.peer() == null ? "" : " -> " + f.peer()) + (f.spn() == null ? "" : " " + f.spn())),
                    Ps.oneLine(f.waiver().justification()), f.waiver().expires(),
                    endsSoon(f.waiver().expires(), cli.clock().instant()));
        }
        AuditContext ctx = o.result().context();
        List<String> unchecked = ctx.clusters().stream().filter(x -> x.name().equals(name))
                .flatMap(x -> ctx.hostSettingsUnchecked(x).stream()).map(AdObject::name).map(Values::visibleAccount)
                .toList();
        if (c.audited() && !ctx.inputs().hostSettingsConfigured()) { // of a cluster not read, nothing was checked
            cli.out().println("  Host settings were not checked (no hostSettings.sources): whether each host migrates"
                    + " with Kerberos (Get-VMHost VirtualMachineMigrationAuthenticationType) is not known.");
        } else if (!unchecked.isEmpty()) {
            cli.out().println("  Host settings were not checked for " + Ps.oneLine(String.join(", ", unchecked))
                    + " (no hostSettings.sources export covers " + (unchecked.size() == 1 ? "it" : "them") + "):"
                    + " whether " + (unchecked.size() == 1 ? "it migrates with Kerberos and has"
                    : "they migrate with Kerberos and have") + " live migration enabled is not known.");
        }
        List<String> unknownAuth = ctx.clusters().stream().filter(x -> x.name().equals(name))
                .flatMap(x -> ctx.hostAuthenticationUnknown(x).stream()).map(AdObject::name)
                .map(Values::visibleAccount).toList();
        if (!unknownAuth.isEmpty()) {
            cli.out().println("  Migration authentication not known for " + Ps.oneLine(String.join(", ", unknownAuth))
                    + ": the export gives no VirtualMachineMigrationAuthenticationType that reads Kerberos or CredSSP"
                    + " (see Imports in the reports); Hyper-V's default is CredSSP, which constrained delegation does"
                    + " not serve. Check with Get-VMHost.");
        }
        // the failures and patch levels in an export the run could not use are not in this verdict
        List<ImportResult> unused = view.inputsNotUsed();
        if (!unused.isEmpty()) {
            cli.out().println("  Inputs not used (the verdict went on without them; findings.json imports lists every"
                    + " file):");
            List<ImportResult> named = view.inputsNotUsedNamed();
            named.forEach(i -> cli.out().println("    " + Ps.oneLine(i.file() + " (" + i.kind() + "): " + i.error())));
            if (unused.size() > named.size()) {
                cli.out().println("    … and " + (unused.size() - named.size()) + " more");
            }
        }
        String aes = view.aesNotChecked(domains);
        if (aes != null) {
            cli.out().println("  " + aes);
        }
        if (view.operatorsNotChecked() != null) {
            cli.out().println("  " + view.operatorsNotChecked());
        }
        String narrow = cfg.narrowBaseDn(cfg.directoryOf(target));
        if (narrow != null) {
            cli.out().println("  " + Ps.oneLine(narrow) + ".");
        }
        List<String> notRead = notReadOnly(view, c, unreadDcs);
        if (go) {
            cli.out().println("  Before patching: note the run id in the change; after patching run preflight again"
                    + " and live-migrate a test VM between every pair.");
        } else if (!notRead.isEmpty()) {
            // no blocker: nothing to fix, replicate or purge; the NO-GO needs what could not be read
            cli.out().println("  Nothing to fix, replicate or purge: " + Ps.oneLine(String.join("; ", notRead))
                    + (notSearched(view, domains).isEmpty() ? " could not be read" : " could not be read or searched")
                    + ". Make " + (notRead.size() == 1 ? "it" : "them") + " reachable from here and"
                    + " run preflight again.");
        } else {
            // preflight writes findings.json alone: the runbook and remediation.ps1 are one command away; a blocker
            // read from a Get-VMHost export's row stays until that file no longer holds the row, which replication
            // and a ticket purge do not change
            String reexport = org.kcdauditor.report.Procedure.reexportInWords(blockers);
            boolean directory = blockers.stream().anyMatch(f -> !org.kcdauditor.report.Procedure.fromExportRow(f));
            cli.out().println("  Fix the blockers" + (directory || reexport.isEmpty() ? "" : " on the hosts")
                    + " (see findings.json in " + (o.outDir() == null ? "-" : o.outDir()
                    + "; runbook and remediation.ps1: kcd-audit report --from " + ShellArg.of(o.outDir())
                    + " --formats md,html,ps1") + "), " + (reexport.isEmpty() ? "replicate, purge tickets ("
                    + Commands.PURGE_TICKETS + ")" : (directory ? "replicate and purge tickets ("
                    + Commands.PURGE_TICKETS + ") for those in Active Directory, " : "") + Ps.oneLine(reexport))
                    + " and run preflight again.");
        }
        return go ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    /**
     * When the only reasons of {@code c}'s NO-GO are a directory ({@link GoVerdict#NOT_AUDITED}) or domain controller
     * ({@link GoVerdict#DC_NOT_READ}) that could not be read or searched, each of those with why
     * ({@code directories[].failure}, the DC's error or {@code holdersError}); empty when a reason is a blocker (or the Windows Server 2025 fallback), which preflight's advice to
     * fix, replicate and purge is for.
     */
    static List<String> notReadOnly(ReportView view, ReportView.ClusterView c, List<FindingsDocument.DcDoc> unreadDcs) {
        List<GoVerdict.Reason> reasons = c.verdict().reasons();
        if (reasons.isEmpty() || !reasons.stream().allMatch(r -> GoVerdict.NOT_AUDITED.equals(r.rule())
                || GoVerdict.DC_NOT_READ.equals(r.rule()))) {
            return List.of();
        }
        Set<String> domains = view.directoriesOf(c.name());
        List<String> out = new java.util.ArrayList<>();
        view.directories().stream().filter(d -> !d.audited() && domains.contains(d.name())).forEach(d -> out.add(
                "the directory " + d.name() + (d.failure() == null ? "" : " (" + d.failure() + ")")));
        unreadDcs.forEach(x -> out.add("domain controller " + x.name() + (x.error() == null ? "" : " (" + x.error()
                + ")")));
        // a DC read whose search for other holders of the nodes' SPNs failed is DC_NOT_READ as well (holdersError)
        out.addAll(notSearched(view, domains));
        return out;
    }

    /** The DCs of {@code domains} read whose search for other holders of the nodes' SPNs failed, each with why. */
    private static List<String> notSearched(ReportView view, Set<String> domains) {
        return view.directories().stream().filter(d -> d.dcCheck() && domains.contains(d.name()))
                .flatMap(d -> d.domainControllers().stream())
                .filter(x -> x.holdersError() != null && !FindingsDocument.DcDoc.UNREACHABLE.equals(x.result()))
                .map(x -> "domain controller " + x.name() + " (" + x.holdersError() + ")").toList();
    }

    /**
     * The blockers of cluster {@code name} as its verdict counts them: its open HIGH findings, and every open finding
     * that blocks one of its pairs.
     */
    static Set<Finding> blockers(AuditRun.Outcome o, String name) {
        FindingsDocument doc = o.document();
        return new GoVerdict.Judge(doc.findings(), doc.hosts()).blocking(doc.clusters().stream()
                .filter(x -> x.name().equals(name)).findFirst().orElseThrow());
    }

    /** How many blocker lines preflight prints at most; the others it counts and says where they are. */
    static final int BLOCKER_LINES = 20;

    /**
     * One line per distinct problem (a rule on a host: the entries of one pair, or every peer of a node, on one line),
     * at most {@link #BLOCKER_LINES} (every rule named before any rule's second host), then where every blocker is: a node that lost its delegation in a 64-node cluster
     * printed 252 lines into the change record.
     */
    static void printBlockers(java.io.PrintStream out, ReportView view, java.util.Collection<Finding> blockers,
                              Path outDir) {
        List<ReportView.Problem> problems = view.problems(blockers);
        List<ReportView.Problem> shown = ReportView.top(problems, BLOCKER_LINES);
        shown.forEach(p -> out.printf("  BLOCKER %-30s %s%n", p.rule(), Ps.oneLine(p.text())));
        if (problems.size() > shown.size()) {
            int named = shown.stream().mapToInt(p -> p.findings().size()).sum();
            out.println("  … and " + (problems.size() - shown.size()) + " more (" + (blockers.size() - named)
                    + " blockers); every blocker: " + (outDir == null ? "findings.json"
                    : Ps.oneLine(outDir.resolve("findings.json").toString())) + " (findings[], clusters[].reasons)");
        }
    }

    /**
     * {@code ", ends in 4 h"} when a waiver valid through {@code expires} (the end of that day in UTC) ends within a day
     * of {@code now}: a change window that starts on this GO may outlast it, and the next preflight is NO-GO.
     */
    private static String endsSoon(LocalDate expires, Instant now) {
        Duration left = Duration.between(now, expires.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        if (left.compareTo(Duration.ofDays(1)) >= 0) {
            return "";
        }
        return ", ends in " + (left.toHours() >= 1 ? left.toHours() + " h" : Math.max(1, left.toMinutes()) + " min");
    }
}
