package org.kcdauditor.cli;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.schedule.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the audits in the config's schedule: (Quartz cron, JDBC job store in the history"
                + " store's database) and mail notices through the outbox. Runs until stopped.",
                "SIGTERM (systemctl stop, Ctrl-C): no new runs; a running audit finishes first.",
                "daemon.clustered: true lets several daemons share one PostgreSQL store: each run happens once."},
        footer = {"", "Exit codes: 0 stopped, 1 the store cannot be opened, 2 usage/config error.",
                "Example: kcd-audit daemon --config config/kcd-audit.yaml"})
final class DaemonCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    DaemonCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        AuditConfig cfg = ConfigLoader.load(config);
        if (cfg.schedule().isEmpty()) {
            throw new ConfigException(cfg.sourceName() + ": schedule: empty; the daemon has nothing to run"
                    + " (add entries with name and cron)");
        }
        Daemon daemon = Daemon.create(cfg, cli.secrets(), cli.env(), cli.clock(), cli.home());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "kcd-audit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        daemon.start();
        ScheduleCommand.print(cli.out(), daemon.jobs());
        cli.out().println("kcd-audit daemon running as " + daemon.context().instance() + "; stop with SIGTERM.");
        stopped.await();
        return ExitCodes.OK;
    }
}
