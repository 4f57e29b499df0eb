package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfigValidation;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.log.Logging;
import org.kcdauditor.schedule.Daemon;
import org.kcdauditor.store.StoreUrls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "daemon", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the audits in the config's schedule (Quartz cron, JDBC job store in the history"
                + " store's database) and mail notices through the outbox. Runs until stopped.",
                "SIGTERM (systemctl stop, Ctrl-C): no new runs; a running audit may finish within"
                        + " daemon.stopTimeoutSeconds (default 60 s), else it is recorded INTERRUPTED.",
                "Windows (the scheduled task of docs/install.md): to stop it, Disable-ScheduledTask"
                        + " kcd-audit-daemon, then Stop-ScheduledTask kcd-audit-daemon, which ends java.exe at once (a"
                        + " running audit is recorded INTERRUPTED: stop it between runs); stopped but not disabled, the"
                        + " task's trigger starts it again within 5 minutes. Enable-ScheduledTask and Start-ScheduledTask"
                        + " start it again.",
                "daemon.clustered: true lets several daemons share one PostgreSQL store: each run happens once."},
        footer = {"", Cli.PASSWORD_HELP, Cli.PASSWORD_SH, Cli.PASSWORD_PS, Cli.PASSWORD_PS_1,
                Cli.PASSWORD_PS_2, Cli.PASSWORD_CMD, Cli.PASSWORD_CMD_1,
                "A service gets the variable from its unit's EnvironmentFile (systemd);"
                + " a scheduled task is given a file (docs/install.md). SMTP password: from the variable"
                + " mail.passwordEnv names or the file mail.passwordFile (only with mail.username).",
                "Mail: mail.security starttls (the default; required, never a fall-back to plain text), smtps, or none"
                        + " (a loopback host only, else mail.allowInsecure: true); mail.trustStore: a PKCS#12 or JKS file"
                        + " with the CA of an SMTP server the JDK does not trust (docs/scheduling.md).",
                "Before the first scheduled run: kcd-audit outbox --config FILE --test-mail sends a test message the"
                        + " way the notices go; outbox --config FILE --show ID prints a queued notice.",
                "Writes each run's folder under reports.dir (else ./reports) and the history store: store.url,"
                        + " else data/kcd-audit under the current directory (a unit's WorkingDirectory, a task's config"
                        + " folder).",
                "Log: daemon.logFile, rotated daily and at 10 MB, 30 days kept (relative to the config's folder),"
                        + " else stdout, which journald records under systemd; a scheduled task has no console and"
                        + " needs the file.",
                "Exit codes: 0 stopped, 1 the store cannot be opened or another single daemon runs on it, 2"
                        + " usage/config error (also: daemon.logFile cannot be written, is a folder, or is the config"
                        + " or a file it names).",
                "Example: kcd-audit daemon --config config/kcd-audit.yaml"})
final class DaemonCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
    Path config;

    DaemonCommand(Cli cli) {
        this.cli = cli;
    }

    /** A missing password would fail every run at 06:00; say so now (exit 2), naming the variable or file only. */
    static void checkSecrets(AuditConfig cfg, Secrets secrets) {
        secrets.requireDirectorySecrets(cfg);
        MailConfig m = cfg.mail();
        if (m != null && m.username() != null && !m.username().isBlank()) {
            secrets.resolve("mail.passwordEnv", m.passwordEnv(),
                    cfg, m.passwordFile(), "mail.passwordFile");
        }
        // every notice opens the trust store (Mailer.session) when the connection is encrypted
        if (m != null && m.trustStore() != null && !m.trustStore().isBlank()
                && m.securityMode() != MailConfig.Security.NONE) {
            secrets.resolve("mail.trustStorePasswordEnv", m.trustStorePasswordEnv(), null, null);
        }
    }

    /**
     * A log file that is the config itself or a file it names (a password or key file, the trust store, the baseline,
     * the hardening catalogue, an import file, the H2 history store's {@code .mv.db}): the log would be appended to it,
     * and the next start would read a config, a password, a catalogue or a store with log lines in it. Refused before
     * anything is written.
     */
    static void refuseFileOfTheConfig(AuditConfig cfg, Path logFile) {
        java.util.Map<String, String> named = new java.util.LinkedHashMap<>();
        for (var e : cfg.directories().entrySet()) {
            var d = e.getValue();
            String key = cfg.directoryKey(e.getKey());
            named.put(key + ".passwordFile", d.passwordFile());
            named.put(key + ".trustStore", d.trustStore());
            named.put(key + ".trustStorePasswordFile", d.trustStorePasswordFile());
            named.put(key + ".keytab", d.keytab());
            named.put(key + ".krb5Conf", d.krb5Conf());
        }
        if (cfg.mail() != null) {
            named.put("mail.passwordFile", cfg.mail().passwordFile());
            named.put("mail.trustStore", cfg.mail().trustStore());
        }
        named.put("hardeningCatalogue", cfg.hardeningCatalogue());
        sources(named, "patches.sources", cfg.patches().sources());
        sources(named, "events.sources", cfg.events().sources());
        sources(named, "hostSettings.sources", cfg.hostSettings().sources());
        Path log = logFile.toAbsolutePath().normalize();
        Path store = StoreUrls.h2File(cfg);
        String what = sameFile(log, cfg.source()) ? "this configuration file"
                : sameFile(log, cfg.baselinePath()) ? "the baseline (baseline.file)"
                : store != null && sameFile(log, store) ? "the history store's file (store.url)" : null;
        for (var e : named.entrySet()) {
            if (what == null && e.getValue() != null && !e.getValue().isBlank()
                    && sameFile(log, cfg.resolve(e.getValue()))) {
                what = e.getKey();
            }
        }
        if (what != null) {
            throw new ConfigException("daemon.logFile: " + log + " is " + what + ": name a file of its own for the log,"
                    + " e.g. daemon.log");
        }
    }

    /** Each import file of {@code list} as {@code key[i]} (a folder or a pattern names no one file: never the log). */
    private static void sources(java.util.Map<String, String> named, String key, java.util.List<String> list) {
        for (int i = 0; list != null && i < list.size(); i++) {
            named.put(key + "[" + i + "]", list.get(i));
        }
    }

    private static boolean sameFile(Path a, Path b) {
        Path other = b.toAbsolutePath().normalize();
        try {
            return a.equals(other) || java.nio.file.Files.exists(a) && java.nio.file.Files.exists(other)
                    && java.nio.file.Files.isSameFile(a, other);
        } catch (java.io.IOException e) {
            return false; // one cannot be read: Logging.toFile says so of the log file
        }
    }

    @Override
    public Integer call() throws Exception {
        AuditConfig cfg = ConfigLoader.load(config);
        if (cfg.schedule().isEmpty()) {
            throw new ConfigException("schedule: empty; the daemon has nothing to run"
                    + " (add entries with name and cron)");
        }
        ScheduleConfigValidation.requireFutureFires(cfg, cli.clock().instant());
        checkSecrets(cfg, cli.secrets());
        Path logFile = cfg.daemon().logFile() == null ? null : cfg.resolve(cfg.daemon().logFile());
        if (logFile != null) {
            refuseFileOfTheConfig(cfg, logFile);
            Logging.toFile(logFile);
        } else {
            Logging.toStdout();
        }
        Daemon daemon;
        try {
            daemon = Daemon.create(cfg, cli.secrets(), cli.env(), cli.clock(), cli.home());
        } catch (org.quartz.SchedulerException e) {
            throw new org.kcdauditor.store.StoreException("the scheduler cannot start on the history store: "
                    + e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.function.Consumer<String> stop = how -> {
            daemon.stop(how);
            stopped.countDown();
        };
        // SIGTERM and Ctrl-C stop the daemon before the JVM begins to shut down: once it does, H2's own
        // shutdown hook closes the store at once, under a scheduled audit that is still finishing.
        boolean handled = StopSignals.handle(stop);
        // any other way the JVM ends (System.exit elsewhere, SIGHUP, a Windows service's stop) still stops the scheduler
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.accept("the JVM is shutting down"),
                "kcd-audit-shutdown"));
        if (!handled) {
            cli.err().println("kcd-audit: this platform does not deliver SIGTERM to Java; a stop may cut a"
                    + " running audit short");
        }
        daemon.start();
        cli.out().println(StoreUrls.where(cfg));
        ScheduleCommand.print(cli.out(), daemon.jobs());
        cli.out().println("kcd-audit daemon running as " + daemon.context().instance()
                + (logFile == null ? "" : "; log in " + logFile.toAbsolutePath().normalize()) + "; stop with SIGTERM.");
        stopped.await();
        return ExitCodes.OK;
    }

    /** SIGTERM and SIGINT run the daemon's stop, then exit 0, instead of starting the JVM's shutdown. */
    static final class StopSignals {
        private StopSignals() {
        }

        /** {@code stop} is given how the daemon stops, for its log: "SIGTERM, exit 0". */
        static boolean handle(java.util.function.Consumer<String> stop) {
            boolean any = false;
            for (String name : new String[]{"TERM", "INT"}) {
                try {
                    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                        Thread t = new Thread(() -> {
                            stop.accept("SIG" + name + ", exit " + ExitCodes.OK);
                            System.exit(ExitCodes.OK);
                        }, "kcd-audit-stop");
                        t.start();
                    });
                    any = true;
                } catch (IllegalArgumentException unsupported) {
                    // no such signal here (Windows has no TERM): the shutdown hook stops the daemon
                }
            }
            return any;
        }
    }
}
