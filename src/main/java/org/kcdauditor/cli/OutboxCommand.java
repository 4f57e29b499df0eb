package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.report.Words;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.notify.Notifier;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "outbox", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the mail notices waiting in the outbox (stored, not yet accepted by the SMTP server),"
                + " with attempts, next attempt and last error. The daemon retries them with back-off."},
        footer = {"", "Exit codes: 0 nothing pending (or sent with --send), 1 notices are pending, 2 config error.",
                "Example: kcd-audit outbox --config config/kcd-audit.yaml"})
final class OutboxCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--all", description = "Also list sent notices (newest first).")
    boolean all;

    @Option(names = "--send", description = "Try to send the due notices now (older pending ones first; at most --limit of them), then list.")
    boolean send;

    @Option(names = "--limit", defaultValue = "50", converter = PositiveInt.class, paramLabel = "N",
            description = "At most this many rows, and with --send at most this many notices sent"
                    + " (default ${DEFAULT-VALUE}).")
    int limit;

    OutboxCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        AuditConfig cfg = ConfigLoader.load(config);
        Database db = Database.open(cfg, cli.env());
        Outbox outbox = new Outbox(db, cli.clock(), Duration.ofMillis(cfg.daemon().outboxIntervalMillis()),
                "kcd-audit outbox (pid " + ProcessHandle.current().pid() + ")");
        if (send) {
            Outbox.Result r = new Notifier(cfg, cli.secrets(), cli.env(), cli.clock(), cli.installation().templates(), outbox)
                    .flush(limit);
            cli.out().println("Sent " + r.sent() + ", failed " + r.failed() + ".");
        }
        List<OutboxStore.Entry> rows = outbox.list(all, limit);
        long pending = outbox.list(false, 10_000).size();
        if (rows.isEmpty()) {
            cli.out().println(all ? "The outbox is empty." : "No pending notices.");
        } else {
            cli.out().printf("%-8s %-23s %-8s %-28s %-40s %s%n", "STATUS", "CREATED", "ATTEMPTS", "NEXT ATTEMPT",
                    "SUBJECT", "TO / LAST ERROR");
            for (OutboxStore.Entry e : rows) {
                cli.out().printf("%-8s %-23s %-8d %-28s %-40s %s%n", e.status(), Words.time(e.createdAt()),
                        e.attempts(), OutboxStore.SENT.equals(e.status()) ? "sent " + Words.time(e.sentAt())
                                : Words.time(e.nextAttemptAt()),
                        e.subject(), String.join(", ", e.recipients())
                                + (e.lastError() == null ? "" : " / " + e.lastError()));
            }
        }
        return pending == 0 ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }
}
