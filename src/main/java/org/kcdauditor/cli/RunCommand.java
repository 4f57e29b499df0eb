package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.StoreUrls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Audit the clusters in the config against Active Directory and write findings.json and"
                + " the reports.",
                "Reads computer objects (and objects registering SPNs) under directory.baseDn in one paged"
                        + " search; needs only read access; never writes to AD. The objects, attributes and"
                        + " containers the bind account reads: docs/install.md, \"The service account\"."},
        footer = {"", "Writes the run folder (--out) and the history store: store.url of the config, else"
                + " data/kcd-audit under the current directory (set store.url when runs start from different folders; the"
                + " example's keeps it beside the config). The first line printed names it.",
                Cli.PASSWORD_HELP, Cli.PASSWORD_SH, Cli.PASSWORD_PS, Cli.PASSWORD_PS_1,
                Cli.PASSWORD_PS_2, Cli.PASSWORD_CMD, Cli.PASSWORD_CMD_1,
                "Exit codes: 0 ok, 1 run could not complete, 2 usage/config error, 3 findings reach --fail-on (with"
                        + " --fail-on nogo: a cluster is NO-GO), 130 Ctrl-C (SIGINT), 143 SIGTERM: the run is recorded"
                        + " INTERRUPTED. Exit 0 does not mean GO for the patch window unless --fail-on nogo is given:"
                        + " with a severity, a cluster can be NO-GO without a finding at that level (a MEDIUM blocker,"
                        + " a waived blocker on a Windows Server 2025 node, an optional directory not read); the"
                        + " console's decision line and findings.json summary.go say the verdict.",
                "Example: kcd-audit run --config config/kcd-audit.yaml --fail-on medium"})
final class RunCommand implements Callable<Integer> {
    /** The NO-GO clusters the line of exit code 3 under --fail-on nogo names; the rest are counted. */
    private static final int NO_GO_NAMED = 10;
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = Cli.CONFIG_OPTION)
    Path config;

    @Mixin
    AuditOptions options;

    RunCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws DirectoryException, IOException {
        AuditConfig cfg = ConfigLoader.load(config);
        return audit(cli, cfg, cli.env(), options, "run", true);
    }

    /**
     * The shared body of {@code run} and {@code demo}: same code path, same output.
     *
     * @param trigger        what history shows as the run's trigger (run, demo)
     * @param exitOnFindings whether findings reaching --fail-on make the exit code 3 (the demo: only when
     *                       --fail-on was given)
     */
    static int audit(Cli cli, AuditConfig cfg, Map<String, String> env, AuditOptions options, String trigger,
                     boolean exitOnFindings) throws DirectoryException, IOException {
        Severity failOn = options.failOnSeverity();
        // a bad --change-ticket is a usage error before the directory is read
        AuditConfig run = cfg.withReports(options.reports(cfg.reports()));
        var formats = options.formats(run.reports().formats());
        boolean interactive = System.console() != null;
        // after the reading, the line says what the run does next instead of the last count of objects read (at 20,000
        // hosts the evaluation and the writers are most of the run)
        java.util.concurrent.atomic.AtomicReference<String> shown = new java.util.concurrent.atomic.AtomicReference<>();
        Timings timings = new Timings().onStage(stage -> {
            String doing = stageLine(stage);
            if (interactive && doing != null && !doing.equals(shown.getAndSet(doing))) { // the writers: said once
                cli.terminal().print("\r\033[K" + doing);
            }
        });
        IntConsumer progress = n -> {
            if (interactive) {
                cli.terminal().print("\rReading " + (cfg.multiDirectory() ? cfg.directories().size() + " directories"
                        : ConsoleSummary.oneLine(cfg.directory().url())) + " … " + n + " objects");
            }
        };
        // a config error is said before the store is opened or created (no data/ folder, no FAILED run for it)
        new org.kcdauditor.config.Secrets(env).requireDirectorySecrets(run);
        if (!DemoCommand.TRIGGER.equals(trigger)) {
            cli.out().println(StoreUrls.where(run));
        }
        options.prepareOut();
        AuditRun.Outcome outcome;
        try {
            outcome = InterruptSignals.during(control -> underRunLock(cli, run, trigger, () -> AuditRun.installed(run,
                    env, cli.clock(), cli.home()).withTrigger(trigger)
                    .execute(options.out, formats, timings, progress, control)));
        } catch (Throwable failed) {
            options.dropOutIfLeftEmpty();
            throw failed;
        } finally {
            if (interactive) {
                cli.terminal().print("\r\033[K");
            }
        }
        ConsoleSummary.print(cli.out(), outcome, timings.millis().getOrDefault("collect", 0L),
                DemoCommand.TRIGGER.equals(trigger) ? null : cfg.sourceName(), cfg.narrowBaseDns());
        if (cfg.missingExplicitBaseline() != null) {
            cli.out().println("Warning: baseline " + cfg.missingExplicitBaseline() + " (" + cfg.sourceName()
                    + ": baseline) does not exist: nothing was compared with a baseline and no waiver applied;"
                    + " kcd-audit baseline capture --config " + ShellArg.of(cfg.sourceName()) + " writes it.");
        }
        if (options.timings) {
            timings.print(cli.err());
        }
        if (!exitOnFindings) {
            return ExitCodes.OK;
        }
        if (options.failOnNoGo()) {
            // the verdict the console's decision line printed, as findings.json's summary says it
            FindingsDocument.Summary verdict = outcome.document().summary();
            if (Boolean.FALSE.equals(verdict.go())) {
                List<String> noGo = verdict.noGoClusters().stream().map(ConsoleSummary::oneLine).toList();
                cli.out().println("Exit code 3: " + ReportView.decision(noGo.size(), verdict.clusters(), null) + " ("
                        + String.join(", ", noGo.subList(0, Math.min(NO_GO_NAMED, noGo.size())))
                        + (noGo.size() > NO_GO_NAMED ? ", … and " + (noGo.size() - NO_GO_NAMED) + " more" : "")
                        + ") (--fail-on " + AuditOptions.NO_GO + ").");
                return ExitCodes.FINDINGS;
            }
            return ExitCodes.OK;
        }
        long reaching = outcome.result().findings().stream()
                .filter(f -> !f.isWaived() && f.severity().reaches(failOn)).count();
        long waived = outcome.result().findings().stream().filter(org.kcdauditor.model.Finding::isWaived).count();
        String waivedNote = waived == 0 ? "" : "; " + waived + " waived finding" + (waived == 1 ? " is" : "s are")
                + " not counted";
        if (reaching > 0) {
            cli.out().printf("Exit code 3: %d finding%s at or above %s (--fail-on)%s.%n", reaching,
                    reaching == 1 ? "" : "s", failOn.name().toLowerCase(java.util.Locale.ROOT), waivedNote);
            return ExitCodes.FINDINGS;
        }
        if (waived > 0) {
            cli.out().printf("Nothing reaches --fail-on %s%s.%n", failOn.name().toLowerCase(java.util.Locale.ROOT),
                    waivedNote);
        }
        return ExitCodes.OK;
    }

    /**
     * The progress line for a stage of the run as {@link Timings} names it, or null for one that says nothing new:
     * the reading counts its objects itself, and storing runs beside the writers.
     */
    static String stageLine(String stage) {
        return switch (stage) {
            case "collect", "store", "previous", "store-hosts" -> null;
            case "import" -> "Reading the patch, event and host-settings exports …";
            case "evaluate" -> "Evaluating the pairs …";
            default -> "Writing the reports …";
        };
    }

    /** What runs under the lock: one audit that stores its run. */
    @FunctionalInterface
    interface LockedAudit<T> {
        T run() throws DirectoryException, IOException;
    }

    /**
     * Never two audits of one store at once: {@code run}, {@code demo}, {@code preflight}, {@code baseline
     * capture} and the daemon's scheduled runs take the same lock. A command refuses at once (exit 1, naming
     * the holder) rather than wait behind a scheduled run.
     */
    static <T> T underRunLock(Cli cli, AuditConfig cfg, String trigger, LockedAudit<T> audit)
            throws DirectoryException, IOException {
        try (RunLock.Held lock = RunLock.of(cfg, cli.env(), cli.clock())
                .acquire(RunLock.owner("kcd-audit " + trigger), java.time.Duration.ZERO)) {
            return audit.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while taking the run lock", e);
        }
    }
}
