package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.run.Recovery;
import org.kcdauditor.run.Retention;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.report.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the runs of the configuration in the history store (id, time, status, counts), newest"
                + " first, under a line naming the configuration (store.configName, else the config file's path);"
                + " with --all the runs of every configuration sharing the store, with a Config column. A"
                + " scheduled run with its job, fire time and whether it was recovered or interrupted by a stop.",
                "history show RUN prints one run (id or unique id prefix) with its fire and findings.",
                "history prune deletes the runs store.retain no longer keeps (the daemon does after each run).",
                "The store is store.url of the config, else data/kcd-audit under the current directory."},
        footer = {"", "Exit codes: 0 listed, 1 the history store cannot be opened or is damaged, 2 usage/config error"
                + " (also: no such run for show).",
                "Example: kcd-audit history --config config/kcd-audit.yaml --limit 5"},
        subcommands = {HistoryCommand.Show.class, HistoryCommand.Prune.class})
final class HistoryCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The YAML configuration whose runs are listed, and whose store is read (required; there"
                    + " is no default).")
    Path config;

    @Option(names = "--all", description = "List the runs of every configuration in the store, with a Config column.")
    boolean all;

    @Option(names = "--limit", defaultValue = "20", converter = PositiveInt.class, paramLabel = "N",
            description = "How many runs (default: ${DEFAULT-VALUE}).")
    int limit;

    HistoryCommand(Cli cli) {
        this.cli = cli;
    }

    /**
     * The config given to {@code history} or to {@code history show}, which accept it either way; without one, what to
     * pass ({@link ConfigPlaces}).
     */
    static Path required(Path config, String command, Cli cli) {
        if (config == null) {
            throw new ConfigException(command + ": --config FILE is required (the store and config name come from it); "
                    + ConfigPlaces.missing(cli));
        }
        return config;
    }

    /** The fewest characters of a run id that name a run, for {@code history show RUN} and {@code report --from RUN}. */
    static final int MIN_PREFIX = 4;

    /**
     * Why {@code prefix} cannot name a run, or null: shorter than {@value #MIN_PREFIX} characters, which one digit of a
     * store's ids already makes ambiguous as it grows: "run id prefix '9' is too short: give at least 4 …".
     */
    static String tooShort(String prefix, Path config) {
        return prefix.length() >= MIN_PREFIX ? null : "run id prefix '" + Ps.oneLine(prefix) + "' is too short: give"
                + " at least " + MIN_PREFIX + " characters of the run id (kcd-audit history --config "
                + ShellArg.of(config) + " lists them)";
    }

    @Override
    public Integer call() {
        AuditConfig cfg = ConfigLoader.load(required(config, "history", cli));
        try (RunStore store = StoreUrls.open(cfg, cli.env())) {
            // a run whose process is gone from this host is shown as what it is: interrupted
            Recovery.interruptDeadRuns(store, cli.clock().instant(), false);
            // trend, retention and the previous run are per configuration: so is the list, unless --all
            String key = store.historyKey(cfg.historyKey());
            List<RunSummary> runs = all ? store.list(limit) : store.list(key, limit);
            String runIt = "kcd-audit run --config " + ShellArg.of(config);
            if (runs.isEmpty()) {
                String where = StoreUrls.jdbcUrl(cfg).split(";")[0];
                cli.out().println(all || store.list(1).isEmpty() ? "No runs stored yet in " + where + " (" + runIt + ")"
                        : "No runs of configuration " + Ps.oneLine(key) + " stored yet in " + where + "; it holds"
                        + " other configurations' runs (kcd-audit history --all --config " + ShellArg.of(config)
                        + " lists them; " + runIt + ")");
                return ExitCodes.OK;
            }
            cli.out().println(all ? "Runs of every configuration in the store, newest first:"
                    : "Runs of configuration " + Ps.oneLine(key) + ", newest first (history --all: every configuration"
                    + " in the store):");
            // a scheduled run's job and fire: which fire it was, and whether it ran again one a crash or stop cut off
            Map<String, FireLog.Fire> fires = new FireLog(Database.of(cfg, cli.env()))
                    .ofRuns(runs.stream().map(RunSummary::id).toList());
            String fireHeading = "Job, fire (UTC)";
            int fireWidth = fires.values().stream().mapToInt(f -> fire(f).length()).max().orElse(0);
            String fireColumn = fires.isEmpty() ? "" : "%-" + Math.max(fireWidth, fireHeading.length()) + "s  ";
            String configHeading = "Config";
            int configWidth = runs.stream().mapToInt(r -> configOf(r).length()).max().orElse(0);
            String configColumn = all ? "%-" + Math.max(configWidth, configHeading.length()) + "s  " : "";
            String format = "%-8s  %-20s  %-11s  %-16s  " + configColumn + fireColumn
                    + "%5s  %4s %4s %4s %4s  %6s  %s%n";
            List<Object> heading = new java.util.ArrayList<>(List.of("Run", "Started (UTC)", "Status", "Trigger"));
            if (all) {
                heading.add(configHeading);
            }
            if (!fires.isEmpty()) {
                heading.add(fireHeading);
            }
            heading.addAll(List.of("Hosts", "HIGH", "MED", "LOW", "INFO", "Waived", "Reason / reports"));
            cli.out().printf(format, heading.toArray());
            for (RunSummary r : runs) {
                Map<String, Integer> b = r.bySeverity();
                List<Object> row = new java.util.ArrayList<>(List.of(r.id().substring(0, 8),
                        UtcTime.inColumn(r.startedAt()), r.status(), r.trigger()));
                if (all) {
                    row.add(configOf(r));
                }
                if (!fires.isEmpty()) {
                    FireLog.Fire f = fires.get(r.id());
                    row.add(f == null ? "-" : fire(f));
                }
                row.addAll(List.of(n(r.hosts()), n(b.get("HIGH")), n(b.get("MEDIUM")), n(b.get("LOW")),
                        n(b.get("INFO")), n(r.waived()), r.failureReason() != null ? r.failureReason()
                                : scope(r) + reports(r)));
                cli.out().printf(format, row.toArray());
            }
            return ExitCodes.OK;
        }
    }

    /** The configuration a run is filed under (store.configName, else its config file's path), on one line. */
    private static String configOf(RunSummary r) {
        return r.configPath() == null ? "-" : Ps.oneLine(r.configPath());
    }

    /** {@code daily-drift 2026-12-07 04:39:00 recovered}: the job, its scheduled fire time, how the fire went. */
    private static String fire(FireLog.Fire f) {
        String how = f.how().isEmpty() ? "" : " " + f.how();
        return Ps.oneLine(f.jobName()) + " " + UtcTime.inColumn(f.fireTime()) + how;
    }

    /**
     * Before a preflight's reports: the cluster it was asked about, and that its counts are of every cluster it
     * audited (a preflight audits them all, as a run does): "for HVC1 (counts: every cluster); ". Empty for other runs.
     */
    static String scope(RunSummary r) {
        return r.preflightCluster() == null ? "" : "for " + Ps.oneLine(r.preflightCluster())
                + " (counts: every cluster); ";
    }

    /**
     * The run's report folder, or (a later run given the same --out replaced its findings.json) that none of its
     * reports is left there: "none left: out2 now holds run 8488f4ec's reports (reused by --out)"; "" when it wrote none.
     */
    private static String reports(RunSummary r) {
        if (r.reportDir() == null) {
            return "";
        }
        String held = ReportCommand.heldInstead(r);
        return held == null ? r.reportDir() : "none left: " + r.reportDir() + " now holds " + held;
    }

    static String n(Integer i) {
        return i == null ? "-" : i.toString();
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print one run and its findings.",
            footer = {"", "Exit codes: 0 shown, 1 the history store cannot be opened or is damaged, 2 usage/config error"
                    + " (also: no such run).",
                    "Example: kcd-audit history show 1a2b3c4d --config config/kcd-audit.yaml"})
    static final class Show implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HistoryCommand parent;

        @Parameters(paramLabel = "RUN", description = "Run id or a unique prefix of it of at least 4 characters (as"
                + " history lists it).")
        String run;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "The YAML configuration (here or before 'show').")
        Path config;

        @Override
        public Integer call() {
            Cli cli = parent.cli;
            Path file = required(config != null ? config : parent.config, "history show", cli);
            AuditConfig cfg = ConfigLoader.load(file);
            String shortPrefix = tooShort(run, file);
            if (shortPrefix != null) {
                throw new ConfigException("history show: " + shortPrefix);
            }
            try (RunStore store = StoreUrls.open(cfg, cli.env())) {
                RunSummary r;
                try {
                    r = store.find(run).orElseThrow(() -> new ConfigException("history show: no run " + run
                            + " in the store (kcd-audit history --config " + ShellArg.of(file) + " lists them)"));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("history show: " + e.getMessage());
                }
                cli.out().println("Run       " + r.id());
                cli.out().println("Status    " + r.status() + (r.failureReason() == null ? "" : ": " + r.failureReason()));
                cli.out().println("Trigger   " + r.trigger() + (r.preflightCluster() == null ? ""
                        : " of cluster " + Ps.oneLine(r.preflightCluster()) + " (its GO/NO-GO; the counts and findings"
                        + " below are of every cluster the run audited)"));
                FireLog fireLog = new FireLog(Database.of(cfg, cli.env()));
                FireLog.Fire fire = fireLog.ofRuns(List.of(r.id())).get(r.id());
                if (fire != null) {
                    cli.out().println("Job       " + Ps.oneLine(fire.jobName()));
                    cli.out().println("Fire      " + UtcTime.of(fire.fireTime()) + ", fired "
                            + UtcTime.of(fire.firedAt()) + " by " + Ps.oneLine(fire.instanceId()) + ", " + fire.status()
                            + sameFire(fire, fireLog.ofFireTime(fire.jobName(), fire.fireTime())));
                }
                cli.out().println("Started   " + UtcTime.of(r.startedAt()));
                cli.out().println("Finished  " + (r.finishedAt() == null ? "-" : UtcTime.of(r.finishedAt())));
                cli.out().println("Config    " + (r.configPath() == null ? "-" : r.configPath()));
                cli.out().println("Directory " + (r.directoryUrl() == null ? "-" : r.directoryUrl()));
                if (r.reportDir() != null) {
                    cli.out().println("Reports   " + reports(r));
                }
                if (RunSummary.SUCCEEDED.equals(r.status())) {
                    cli.out().printf("Counts    %s hosts, %s objects read, %s findings (HIGH %s, MEDIUM %s, LOW %s,"
                                    + " INFO %s, waived %s), compliance %s%n", n(r.hosts()), n(r.objectsRead()),
                            n(r.findings()), n(r.bySeverity().get("HIGH")), n(r.bySeverity().get("MEDIUM")),
                            n(r.bySeverity().get("LOW")), n(r.bySeverity().get("INFO")), n(r.waived()),
                            Words.percent(r.compliance()));
                    // the stored accounts are the nodes and the clusters' file servers: say which, beside the nodes counted
                    int stored = store.count("run_host", r.id());
                    int servers = r.hosts() == null ? 0 : stored - r.hosts();
                    cli.out().printf("Stored    %s, %d patch records, %d events%n", servers > 0
                                    ? stored + " accounts (" + Words.plural(r.hosts(), "node") + ", "
                                    + Words.plural(servers, "file server") + ")" : stored + " hosts",
                            store.count("run_patch", r.id()), store.count("run_event", r.id()));
                    cli.out().println();
                    for (Finding f : store.findings(r.id())) {
                        cli.out().printf("  %-6s %-34s %-8s %s%s%n", f.severity(), f.rule(),
                                f.host() == null ? "" : Ps.oneLine(f.host()),
                                Ps.oneLine(f.message()),
                                f.isWaived() ? "  [waived: " + f.waiver().justification() + "]" : "");
                    }
                }
                return ExitCodes.OK;
            }
        }
    }

    /**
     * How {@code fire} stands to the other fires of its job for the same scheduled time: the one it ran again (a
     * recovered fire), or the one that ran it again (an interrupted fire).
     */
    private static String sameFire(FireLog.Fire fire, List<FireLog.Fire> all) {
        if (fire.recovering()) {
            FireLog.Fire cut = all.stream().filter(f -> f.firedAt().isBefore(fire.firedAt())
                    && FireLog.INTERRUPTED.equals(f.status())).reduce((a, b) -> b).orElse(null);
            return ", recovered: it runs again the fire " + (cut == null ? "a crash or the daemon's stop"
                    : (cut.runId() == null ? "" : "of run " + cut.runId() + " ")
                    + (cut.stopped() ? "the daemon's stop" : "the death of its daemon")) + " interrupted";
        }
        if (!FireLog.INTERRUPTED.equals(fire.status())) {
            return "";
        }
        FireLog.Fire again = all.stream().filter(f -> f.firedAt().isAfter(fire.firedAt()) && f.recovering())
                .findFirst().orElse(null);
        return (fire.stopped() ? " by the daemon's stop" : ": its daemon died") + (again == null ? ""
                : again.runId() == null ? "; run again from " + UtcTime.of(again.firedAt()) + ", " + again.status()
                : "; run again as run " + again.runId() + " (" + again.status() + ")");
    }

    @Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Delete the runs store.retain no longer keeps (default: the newest 400, none older than"
                    + " 730 days), with everything they stored. Always kept: runs in progress, the last successful run"
                    + " of each configuration, the run the baseline was captured from, and for each open waiver the"
                    + " first run it waived a finding in, and for each pair whose observed migration failures"
                    + " a run explained by its delegation findings the last such run.",
                    "Takes the run lock, like an audit. The H2 file does not shrink; the space is reused."},
            footer = {"", "Exit codes: 0 pruned (or listed with --dry-run), 1 the history store cannot be opened or"
                    + " another audit of it is running, 2 usage/config error.",
                    "Example: kcd-audit history prune --config config/kcd-audit.yaml --dry-run"})
    static final class Prune implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        HistoryCommand parent;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "The YAML configuration (here or before 'prune').")
        Path config;

        @Option(names = "--dry-run", description = "List what would be pruned; delete nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            Cli cli = parent.cli;
            Path file = required(config != null ? config : parent.config, "history prune", cli);
            AuditConfig cfg = ConfigLoader.load(file);
            List<RunSummary> pruned = RunCommand.underRunLock(cli, cfg, "history prune", () -> {
                try (RunStore store = StoreUrls.open(cfg, cli.env())) {
                    return Retention.prune(cfg, store, cli.clock().instant(), dryRun);
                }
            });
            String verb = dryRun ? "Would prune " : "Pruned ";
            var retain = cfg.retain();
            cli.out().println(verb + pruned.size() + " run" + (pruned.size() == 1 ? "" : "s") + " (store.retain: runs "
                    + (retain.runsOrDefault() == 0 ? "no limit" : retain.runsOrDefault()) + ", days "
                    + (retain.maxAge() == null ? "no limit" : retain.maxAge().toDays()) + ")" + (pruned.isEmpty() ? "."
                    : ":"));
            for (RunSummary r : pruned) {
                cli.out().printf("  %-8s  %-20s  %-11s  %s%n", r.id().substring(0, 8),
                        UtcTime.inColumn(r.startedAt()), r.status(),
                        r.trigger());
            }
            return ExitCodes.OK;
        }
    }
}
