package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfigValidation;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.report.Words;
import org.kcdauditor.schedule.Daemon;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.JobStoreQueries;
import org.quartz.CronExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "schedule", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the scheduled jobs of the config with their next fire times (as the daemon's job store"
                + " holds them, else computed from the cron) and the last time each fired.",
                "Reads the store; starts nothing."},
        footer = {"", "Below the table: a job whose next fire is past (no daemon is running), and why a job's last fire"
                + " failed or was skipped; kcd-audit history and the daemon's log have the rest.",
                "Exit codes: 0 listed, 1 the history store cannot be opened or is damaged, 2 usage/config error"
                        + " (also: a cron that never fires).",
                "Example: kcd-audit schedule --config config/kcd-audit.yaml"})
final class ScheduleCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
    private static final String SCHEDULED = "scheduled";
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
    Path config;

    ScheduleCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() throws Exception {
        AuditConfig cfg = ConfigLoader.load(config);
        if (cfg.schedule().isEmpty()) {
            cli.out().println("No jobs: " + cfg.sourceName() + " has no schedule: entries.");
            return ExitCodes.OK;
        }
        ScheduleConfigValidation.requireFutureFires(cfg, cli.clock().instant());
        Database db = Database.open(cfg, cli.env());
        FireLog fires = new FireLog(db);
        JobStoreQueries jobStore = new JobStoreQueries(db);
        List<Daemon.JobStatus> rows = new ArrayList<>();
        Instant now = cli.clock().instant();
        for (ScheduleConfig s : cfg.schedule()) {
            Instant stored = jobStore.nextFireTime(Daemon.SCHEDULER_NAME, s.name(), Daemon.GROUP);
            Instant next = stored;
            String state = SCHEDULED;
            JobStoreQueries.StoredCron held = stored == null ? null
                    : jobStore.cron(Daemon.SCHEDULER_NAME, s.name(), Daemon.GROUP);
            if (held != null && (!s.cron().equals(held.cron()) || !s.quartzTimeZone().getID().equals(held.timeZone()))) {
                // the config was edited since a daemon stored the trigger: the daemon replaces it at its next start
                state = "the job store still holds cron \"" + held.cron() + "\" (" + held.timeZone() + "), next fire "
                        + WHEN.format(ZonedDateTime.ofInstant(stored, s.zone())) + ", from an earlier config: a"
                        + " running daemon follows it until it is restarted; a daemon started with this config"
                        + " replaces it (the NEXT FIRE above is this config's)";
                stored = null;
            } else if (stored == null) {
                state = "not in the job store yet: no daemon has started with this job; its next fire is computed"
                        + " from the cron";
            } else if (stored.isBefore(now.minusMillis(cfg.daemon().misfireThresholdMillis()))) {
                // a running daemon moves a trigger's next fire on when it fires: one left in the past was not fired
                state = "its next fire, " + WHEN.format(ZonedDateTime.ofInstant(stored, s.zone())) + ", is past and"
                        + " was not fired: no daemon is running (kcd-audit daemon --config " + ShellArg.of(config) + "); when one"
                        + " starts it runs the missed fire once, then follows the cron";
            }
            if (stored == null) {
                CronExpression ce = new CronExpression(s.cron());
                ce.setTimeZone(s.quartzTimeZone());
                Date d = ce.getNextValidTimeAfter(Date.from(cli.clock().instant()));
                next = d == null ? null : d.toInstant();
            }
            rows.add(new Daemon.JobStatus(s, next, state, fires.last(s.name()).orElse(null)));
        }
        print(cli.out(), rows);
        for (Daemon.JobStatus j : rows) {
            if (!j.state().equals(SCHEDULED)) {
                cli.out().println(j.job().name() + ": " + j.state());
            }
            ScheduleConfigValidation.skippedByClockChange(j.job(), now)
                    .ifPresent(line -> cli.out().println(j.job().name() + ": " + line));
            // why the last fire did not succeed: a skipped fire has no run that history could show
            FireLog.Fire f = j.lastFire();
            if (f != null && !f.status().equals(FireLog.SUCCEEDED) && !f.status().equals(FireLog.RUNNING)
                    && f.detail() != null) {
                cli.out().println(j.job().name() + ": last fire " + f.status() + ": " + Ps.oneLine(f.detail()));
            }
        }
        return ExitCodes.OK;
    }

    static void print(PrintStream out, List<Daemon.JobStatus> jobs) {
        out.printf("%-20s %-22s %-16s %-10s %-26s %s%n", "JOB", "CRON", "TIME ZONE", "NOTIFY", "NEXT FIRE", "LAST FIRED");
        for (Daemon.JobStatus j : jobs) {
            ScheduleConfig s = j.job();
            String next = j.nextFire() == null ? "never" : WHEN.format(ZonedDateTime.ofInstant(j.nextFire(), s.zone()));
            FireLog.Fire f = j.lastFire();
            String last = f == null ? "-" : Words.time(f.firedAt()) + " " + f.status() + (f.runId() == null ? ""
                    : " run " + f.runId().substring(0, 8));
            out.printf("%-20s %-22s %-16s %-10s %-26s %s%n", s.name(), "\"" + s.cron() + "\"", s.zone().getId(),
                    s.notifyMode().label(), next, last);
        }
    }

}
