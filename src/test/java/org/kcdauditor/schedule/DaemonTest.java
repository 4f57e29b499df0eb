package org.kcdauditor.schedule;

import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.report.Words;
import org.kcdauditor.run.RunLock;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TricklingProxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemon on an H2 file store against the in-process demo directory: real Quartz, real audits. */
class DaemonTest {
    private static final String FAST = "daemon:\n  misfireThresholdSeconds: 1\n  outboxIntervalSeconds: 1\n";
    static DemoDirectory directory;
    static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        directory = ScheduleFixture.directory();
        env = ScheduleFixture.env(directory);
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    private AuditConfig config(String cron) throws Exception {
        return ConfigLoader.load(ScheduleFixture.config(dir, directory, null,
                "  - name: job1\n    cron: \"" + cron + "\"\n    notify: never\n", null, FAST));
    }

    private static Daemon daemon(AuditConfig cfg) throws Exception {
        return Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."));
    }

    static List<RunSummary> runs(AuditConfig cfg) {
        try (RunStore store = StoreUrls.open(cfg, env)) {
            return store.list(1000);
        }
    }

    /** The store a daemon of {@code cfg} left when it stopped, its trigger in place, as the next start finds it. */
    private static Database storeOfAStoppedDaemon(AuditConfig cfg) throws Exception {
        try (Daemon d = daemon(cfg)) {
            d.start();
        }
        return Database.open(cfg, env);
    }

    /** What a daemon of {@code cfg} logs from its start until {@code until} holds, and 2 s more for a wrong fire. */
    private static String logsUntil(AuditConfig cfg, String what, BooleanSupplier until) throws Exception {
        return ScheduleFixture.captureErr(() -> {
            try (Daemon d = daemon(cfg)) {
                d.start();
                await(what, Duration.ofSeconds(30), until);
                Thread.sleep(2000);
            }
        });
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aTriggerEverySecondRunsTheAuditAndStoresTheRun() throws Exception {
        AuditConfig cfg = config("* * * * * ?");
        FireLog fires = new FireLog(Database.open(cfg, env));
        try (Daemon d = daemon(cfg)) {
            d.start();
            await("a stored scheduled run", Duration.ofSeconds(30), () -> runs(cfg).stream()
                    .anyMatch(r -> r.status().equals(RunSummary.SUCCEEDED) && r.trigger().equals("schedule")));
        }
        RunSummary run = runs(cfg).stream().filter(r -> r.status().equals(RunSummary.SUCCEEDED)).findFirst()
                .orElseThrow();
        assertEquals(7, run.hosts(), "HVC1 (3) and HVC2 (4) nodes of the demo directory");
        assertTrue(run.findings() > 0);
        assertTrue(fires.all().stream().anyMatch(f -> f.status().equals(FireLog.SUCCEEDED)
                && run.id().equals(f.runId()) && f.jobName().equals("job1")), fires.all().toString());
        assertTrue(runs(cfg).stream().noneMatch(r -> r.status().equals(RunSummary.RUNNING)),
                "close() waited for the running audit: " + runs(cfg));

        CliRun listed = CliRun.run(env, "schedule", "--config", cfg.source().toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.out().contains("job1") && listed.out().contains("SUCCEEDED"), listed.out());

        // an hour later, no daemon running: the stored next fire is past and the listing says why
        java.io.ByteArrayOutputStream later = new java.io.ByteArrayOutputStream();
        assertEquals(0, org.kcdauditor.cli.Main.execute(new String[]{"schedule", "--config", cfg.source().toString()},
                new java.io.PrintStream(later, true, java.nio.charset.StandardCharsets.UTF_8), System.err, env,
                Clock.fixed(java.time.Instant.now().plus(Duration.ofHours(1)), java.time.ZoneOffset.UTC), Path.of(".")));
        String text = later.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*\njob1: its next fire, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\S+,"
                + " is past and was not fired: no daemon is running \\(kcd-audit daemon --config .*\\);"
                + " when one starts it"
                + " runs the missed fire once, then follows the cron\n"), text);
    }

    /**
     * A scheduled run that cannot write its reports (reports.dir not writable for the service account, or a file in
     * its place) said only the path, in the daemon's log ("the run could not complete (exit code 1 for a manual run):
     * /var/lib/kcd-audit/reports"), in the fire's detail that schedule prints, and in the failure notice: the JDK
     * leaves the reason out of such exceptions. They say it as the console and the stored run do.
     */
    @Test
    void aScheduledRunThatCannotWriteItsReportsSaysWhyAsTheConsoleDoes() throws Exception {
        AuditConfig cfg = config("* * * * * ?");
        Path reports = dir.resolve("reports");
        Files.writeString(reports, "a file where reports.dir should be a folder");
        FireLog fires = new FireLog(Database.open(cfg, env));
        try (Daemon d = daemon(cfg)) {
            d.start();
            await("a failed fire", Duration.ofSeconds(30),
                    () -> fires.last("job1").filter(f -> f.status().equals(FireLog.FAILED)).isPresent());
        }
        FireLog.Fire f = fires.all().stream().filter(x -> x.status().equals(FireLog.FAILED)).findFirst().orElseThrow();
        assertTrue(f.detail().startsWith("cannot write output: " + reports + ": exists and is not a folder"),
                f.detail());
    }

    /**
     * A job another daemon of the store put there (a cluster whose daemons run different configs) fires on a daemon
     * whose config does not have it: the fire is recorded SKIPPED with why, not dropped with a log line only.
     */
    @Test
    void aFireOfAJobThisDaemonsConfigDoesNotHaveIsRecordedSkippedWithWhy() throws Exception {
        AuditConfig cfg = config("0 0 6 * * ?");
        FireLog fires = new FireLog(Database.open(cfg, env));
        try (Daemon d = daemon(cfg)) {
            d.start();
            // what another daemon's config adds to the shared job store
            d.scheduler().scheduleJob(org.quartz.JobBuilder.newJob(AuditJob.class)
                    .withIdentity("other-daemons-job", Daemon.GROUP).requestRecovery(true).build(),
                    org.quartz.TriggerBuilder.newTrigger().withIdentity("other-daemons-job", Daemon.GROUP).startNow()
                            .build());
            await("the fire recorded", Duration.ofSeconds(30),
                    () -> fires.last("other-daemons-job").filter(f -> !f.status().equals(FireLog.RUNNING)).isPresent());
        }
        FireLog.Fire f = fires.last("other-daemons-job").orElseThrow();
        assertEquals(FireLog.SKIPPED, f.status(), f.toString());
        assertTrue(f.detail().contains("not in its config " + cfg.sourceName())
                && f.detail().contains("every daemon of a store must run the same schedule"), f.detail());
    }

    /**
     * A daemon of a cluster killed while writing its reports: the survivor, on another machine, records the run
     * INTERRUPTED but cannot reach its {@code .partial} folder. That machine marks it failed when its daemon starts.
     */
    @Test
    void aPartialFolderOfARunRecordedInterruptedElsewhereIsMarkedFailedAtStart() throws Exception {
        AuditConfig cfg = config("0 0 6 * * ?");
        Path partial = dir.resolve("reports/20261205-061800-110dc068.partial");
        Files.createDirectories(partial);
        Files.writeString(partial.resolve("findings.json"), "{");
        Instant started = Instant.parse("2026-12-05T06:18:00Z");
        try (RunStore store = StoreUrls.open(cfg, env)) {
            store.begin("110dc068-f865-4b3a-8620-a7c7e2e8d93a", started, "schedule", "kcd-audit.yaml",
                    directory.url(), DemoDirectory.BASE_DN);
            store.reportDir("110dc068-f865-4b3a-8620-a7c7e2e8d93a", partial.toString());
            store.interrupt("110dc068-f865-4b3a-8620-a7c7e2e8d93a", started.plusSeconds(20),
                    "interrupted: its process (pid 11048 on srv-b) stopped before the run finished");
        }
        try (Daemon d = daemon(cfg)) {
            d.start();
        }
        Path failed = dir.resolve("reports/20261205-061800-110dc068.failed");
        assertFalse(Files.exists(partial), "no .partial folder left behind");
        assertTrue(Files.readString(failed.resolve("FAILED.txt")).contains("pid 11048 on srv-b"));
    }

    @Test
    void scheduleSaysWhenTheJobStoreHoldsAnotherCronThanTheConfig() throws Exception {
        AuditConfig before = config("0 0 6 * * ?");
        try (Daemon d = daemon(before)) {
            d.start();
        }
        // the admin edits the cron and checks it before restarting the daemon
        AuditConfig after = config("0 30 7 ? * MON-FRI");
        CliRun listed = CliRun.run(env, "schedule", "--config", after.source().toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        String row = listed.out().lines().filter(l -> l.startsWith("job1 ")).findFirst().orElseThrow();
        assertTrue(row.contains(" 07:30:00 "), "the next fire of the configured cron, not the stored one: " + listed.out());
        assertTrue(listed.out().matches("(?s).*\njob1: the job store still holds cron \"0 0 6 \\* \\* \\?\" \\([^)]+\\),"
                + " next fire .*"), listed.out());
        assertTrue(listed.out().contains("a daemon started with this config replaces it"), listed.out());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"UTC+1", "+01:00", "GMT+1"})
    void anOffsetZoneFiresAtTheCronsTimeInThatOffsetAndIsKeptAcrossRestarts(String zone) throws Exception {
        // java.util.TimeZone, which Quartz reads the cron in, knows neither "UTC+01:00" (it fell back to GMT: 07:30
        // fired at 08:30 +01:00) nor "+01:00" by these names (the trigger was replaced at every start, so a missed
        // fire was never run, and schedule said the store held an earlier config)
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory, null,
                "  - name: job1\n    cron: \"0 30 7 * * ?\"\n    timeZone: \"" + zone + "\"\n    notify: never\n", null,
                FAST));
        Instant stored;
        Instant created;
        try (Daemon d = daemon(cfg)) {
            stored = d.jobs().get(0).nextFire();
            created = d.scheduler().getTrigger(org.quartz.TriggerKey.triggerKey("job1", Daemon.GROUP)).getStartTime()
                    .toInstant();
        }
        assertEquals(java.time.LocalTime.of(6, 30), stored.atZone(java.time.ZoneOffset.UTC).toLocalTime(),
                "07:30 at +01:00: " + stored);
        CliRun listed = CliRun.run(env, "schedule", "--config", cfg.source().toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        String row = listed.out().lines().filter(l -> l.startsWith("job1 ")).findFirst().orElseThrow();
        assertTrue(row.contains(" 07:30:00 "), listed.out());
        assertFalse(listed.out().contains("from an earlier config"), listed.out());
        try (Daemon again = daemon(cfg)) {
            org.quartz.Trigger t = again.scheduler().getTrigger(org.quartz.TriggerKey.triggerKey("job1", Daemon.GROUP));
            assertEquals(created, t.getStartTime().toInstant(), "the stored trigger is kept, not replaced");
            assertEquals(stored, t.getNextFireTime().toInstant());
        }
    }

    @Test
    void theDaemonPrunesAfterEachRunAsStoreRetainSays() throws Exception {
        // the store's url, then its retain settings on the lines after it
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory,
                "jdbc:h2:file:data/kcd-audit\n  retain:\n    runs: 2\n    days: 0",
                "  - name: job1\n    cron: \"* * * * * ?\"\n    notify: never\n", null, FAST));
        FireLog fires = new FireLog(Database.open(cfg, env));
        try (Daemon d = daemon(cfg)) {
            d.start();
            await("four scheduled runs", Duration.ofSeconds(60), () -> fires.all().stream()
                    .filter(f -> f.status().equals(FireLog.SUCCEEDED)).count() >= 4);
        }
        List<RunSummary> left = runs(cfg);
        assertTrue(left.size() <= 3 && left.stream().filter(r -> !r.status().equals(RunSummary.RUNNING)).count() <= 2,
                "the newest two finished runs kept, the older ones pruned: " + left);
    }

    @Test
    void aDaemonThatWasDownAMonthRunsTheMissedAuditOnceAtStart() throws Exception {
        AuditConfig cfg = config("0 0 6 * * ?");
        Database db = storeOfAStoppedDaemon(cfg);
        long monthAgo = Instant.now().minus(Duration.ofDays(30)).toEpochMilli();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "UPDATE QRTZ_TRIGGERS SET NEXT_FIRE_TIME = ? WHERE TRIGGER_NAME = 'job1'")) {
            ps.setLong(1, monthAgo);
            assertEquals(1, ps.executeUpdate());
        }
        FireLog fires = new FireLog(db);
        String logs = logsUntil(cfg, "the missed run", () -> fires.all().stream()
                .anyMatch(f -> !f.status().equals(FireLog.RUNNING)));
        assertEquals(1, fires.all().size(), "thirty missed days fire once, not thirty times: " + fires.all());
        // the admin reads why an audit ran at an odd hour, and that the others were not lost but folded into it
        assertTrue(logs.contains("job job1 missed its fire at " + Words.time(Instant.ofEpochMilli(monthAgo))
                + " and 30 more fires up to now (the daemon was not running, the machine was asleep, or the job's"
                + " previous fire was still running): it runs once now, then follows the cron"), logs);
        assertEquals(1, runs(cfg).size());
        // the digest of the run's manifest, to file outside the folder (anyone can write a manifest again)
        Path manifest = Path.of(runs(cfg).get(0).reportDir()).resolve("manifest.sha256");
        assertTrue(logs.contains("; reports in " + runs(cfg).get(0).reportDir() + " (manifest.sha256 SHA-256 "
                + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.nio.file.Files.readAllBytes(manifest))) + ")"), logs);
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT NEXT_FIRE_TIME FROM QRTZ_TRIGGERS WHERE TRIGGER_NAME = 'job1'");
             ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            assertTrue(rs.getLong(1) > System.currentTimeMillis(), "then back on the cron: next 06:00");
        }
    }

    @Test
    void aDaemonKilledMidRunThatStayedDownPastTheNextFireAuditsOnceAtStartNotTwice() throws Exception {
        AuditConfig cfg = config("0 0 6 * * ?");
        // as kill -9 in the middle of the 06:00 audit three days ago leaves the job store, and the daemon down since:
        // Quartz's row of the executing fire (requestsRecovery) and the trigger already moved on to the next 06:00
        Database db = storeOfAStoppedDaemon(cfg);
        long killed = Instant.now().minus(Duration.ofDays(3)).toEpochMilli();
        try (Connection c = db.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID,"
                    + " TRIGGER_NAME, TRIGGER_GROUP, INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE, JOB_NAME,"
                    + " JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY) VALUES (?, 'killed-1', 'job1', ?,"
                    + " 'NON_CLUSTERED', ?, ?, 5, 'EXECUTING', 'job1', ?, TRUE, TRUE)")) {
                ps.setString(1, Daemon.SCHEDULER_NAME);
                ps.setString(2, Daemon.GROUP);
                ps.setLong(3, killed);
                ps.setLong(4, killed);
                ps.setString(5, Daemon.GROUP);
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE QRTZ_TRIGGERS SET PREV_FIRE_TIME = ?, NEXT_FIRE_TIME = ? WHERE TRIGGER_NAME = 'job1'")) {
                ps.setLong(1, killed);
                ps.setLong(2, killed + Duration.ofDays(1).toMillis());
                assertEquals(1, ps.executeUpdate());
            }
        }
        FireLog fires = new FireLog(db);
        String logs = logsUntil(cfg, "the recovered run and the missed fires decided", () ->
                fires.all().size() >= 2 && fires.all().stream().noneMatch(f -> f.status().equals(FireLog.RUNNING)));
        // the interrupted audit runs again now, after the fires missed since: the directory as it is now, once; a
        // second audit seconds later (and, for notify: always, a second identical mail) is not run
        assertEquals(1, runs(cfg).size(), "one audit at start: " + fires.all());
        assertTrue(fires.all().stream().anyMatch(f -> f.recovering() && f.status().equals(FireLog.SUCCEEDED)),
                fires.all().toString());
        assertTrue(logs.contains("job job1 not run: the fires missed since ") && logs.contains(" are covered by run "
                + runs(cfg).get(0).id() + ", which started after the last of them"), logs);
        assertTrue(fires.all().stream().anyMatch(f -> f.status().equals(FireLog.SKIPPED)
                && f.detail().contains("covered by run")), "the decision is kept with the fire: " + fires.all());
    }

    @Test
    void aFireDueBeforeTheRecoveredAuditStartedIsCoveredByItThoughNoMisfire() throws Exception {
        // killed in yesterday's fire, started again seconds after today's: today's fire is late by less than
        // misfireThresholdSeconds, so Quartz runs it at its own time once the recovered audit has ended (seen: the
        // 04:39 fire recovered at 04:40:24, then the 04:40 fire at 04:40:33, two audits of one directory 9 s apart)
        Instant due = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).minusSeconds(5);
        java.time.LocalTime at = due.atZone(java.time.ZoneOffset.UTC).toLocalTime();
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory, null, "  - name: job1\n    cron: \""
                + at.getSecond() + " " + at.getMinute() + " " + at.getHour() + " * * ?\"\n    timeZone: UTC\n"
                + "    notify: never\n", null, "daemon:\n  misfireThresholdSeconds: 600\n  outboxIntervalSeconds: 1\n"));
        Database db = storeOfAStoppedDaemon(cfg);
        long killed = due.minus(Duration.ofDays(1)).toEpochMilli();
        try (Connection c = db.connect()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO QRTZ_FIRED_TRIGGERS (SCHED_NAME, ENTRY_ID,"
                    + " TRIGGER_NAME, TRIGGER_GROUP, INSTANCE_NAME, FIRED_TIME, SCHED_TIME, PRIORITY, STATE, JOB_NAME,"
                    + " JOB_GROUP, IS_NONCONCURRENT, REQUESTS_RECOVERY) VALUES (?, 'killed-1', 'job1', ?,"
                    + " 'NON_CLUSTERED', ?, ?, 5, 'EXECUTING', 'job1', ?, TRUE, TRUE)")) {
                ps.setString(1, Daemon.SCHEDULER_NAME);
                ps.setString(2, Daemon.GROUP);
                ps.setLong(3, killed);
                ps.setLong(4, killed);
                ps.setString(5, Daemon.GROUP);
                assertEquals(1, ps.executeUpdate());
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE QRTZ_TRIGGERS SET PREV_FIRE_TIME = ?, NEXT_FIRE_TIME = ? WHERE TRIGGER_NAME = 'job1'")) {
                ps.setLong(1, killed);
                ps.setLong(2, due.toEpochMilli());
                assertEquals(1, ps.executeUpdate());
            }
        }
        FireLog fires = new FireLog(db);
        String logs = logsUntil(cfg, "the recovered run and today's fire decided", () ->
                fires.all().size() >= 2 && fires.all().stream().noneMatch(f -> f.status().equals(FireLog.RUNNING)));
        assertEquals(1, runs(cfg).size(), "one audit at start: " + fires.all());
        FireLog.Fire today = fires.all().stream().filter(f -> f.fireTime().equals(due)).findFirst().orElseThrow();
        assertEquals(FireLog.SKIPPED, today.status(), fires.all().toString());
        assertTrue(today.detail().startsWith("not run: the fire of " + Words.time(due) + " is covered by run "
                + runs(cfg).get(0).id() + ", which started after it"), today.detail());
        assertTrue(logs.contains("job job1 " + today.detail()), logs);
    }

    @Test
    void anAuditTheDaemonsStopInterruptedRunsAgainWhenTheDaemonIsBack() throws Exception {
        // systemctl restart under a monthly report that takes longer than daemon.stopTimeoutSeconds
        try (TricklingProxy crawl = new TricklingProxy("127.0.0.1", Integer.parseInt(directory.url()
                .substring(directory.url().lastIndexOf(':') + 1)), 100, 100)) {
            AuditConfig slow = ConfigLoader.load(ScheduleFixture.config(dir, crawl.ldapUrl(), null,
                    "  - name: job1\n    cron: \"0 0 6 1 * ?\"\n    notify: never\n", null,
                    FAST + "  stopTimeoutSeconds: 1\n"));
            try (Daemon d = daemon(slow)) {
                d.start();
                d.scheduler().triggerJob(org.quartz.JobKey.jobKey("job1", Daemon.GROUP));
                await("an audit in progress", Duration.ofSeconds(30), () -> runs(slow).stream()
                        .anyMatch(r -> r.status().equals(RunSummary.RUNNING)));
            }
            assertEquals(RunSummary.INTERRUPTED, runs(slow).get(0).status(), runs(slow).toString());
        }
        AuditConfig cfg = config("0 0 6 1 * ?"); // the same store; the directory answers at full speed again
        String logs = logsUntil(cfg, "the interrupted audit run again", () -> runs(cfg).stream()
                .anyMatch(r -> r.status().equals(RunSummary.SUCCEEDED)));
        FireLog.Fire again = new FireLog(Database.open(cfg, env)).all().stream()
                .filter(f -> f.status().equals(FireLog.SUCCEEDED)).findFirst().orElseThrow();
        assertTrue(again.recovering(), again.toString());
        assertTrue(logs.contains("(running again the audit the daemon's stop interrupted)"), logs);

        // the command line ties each run to its fire: which job and fire time, and which run ran which again
        RunSummary stopped = runs(cfg).stream().filter(r -> r.status().equals(RunSummary.INTERRUPTED)).findFirst()
                .orElseThrow();
        String fireTime = org.kcdauditor.model.UtcTime.inColumn(again.fireTime());
        CliRun history = CliRun.run(env, "history", "--config", cfg.source().toString());
        assertEquals(0, history.exitCode(), history.toString());
        assertTrue(history.out().lines().anyMatch(l -> l.startsWith(again.runId().substring(0, 8))
                && l.contains(" job1 " + fireTime + " recovered ")), history.out());
        assertTrue(history.out().lines().anyMatch(l -> l.startsWith(stopped.id().substring(0, 8))
                && l.contains(" job1 " + fireTime + " interrupted by stop ")), history.out());
        CliRun show = CliRun.run(env, "history", "show", again.runId().substring(0, 8), "--config",
                cfg.source().toString());
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.out().contains("\nJob       job1\nFire      " + fireTime + " UTC, fired "), show.out());
        assertTrue(show.out().contains(", SUCCEEDED, recovered: it runs again the fire of run " + stopped.id()
                + " the daemon's stop interrupted\n"), show.out());
        CliRun showStopped = CliRun.run(env, "history", "show", stopped.id(), "--config", cfg.source().toString());
        assertTrue(showStopped.out().contains(", INTERRUPTED by the daemon's stop; run again as run " + again.runId()
                + " (SUCCEEDED)\n"), showStopped.out());
    }

    @Test
    void aManualRunIsRefusedWhileAScheduledRunHoldsTheLockAndAScheduledRunWaitsForAManualOne() throws Exception {
        AuditConfig cfg = config("* * * * * ?");
        RunLock lock = new RunLock(cfg, env, Clock.systemUTC(), RunLock.DEFAULT_TTL);
        try (RunLock.Held held = lock.acquire("kcd-audit daemon test-instance job job1", Duration.ZERO)) {
            CliRun manual = CliRun.run(env, "run", "--config", cfg.source().toString(), "--formats", "json");
            assertEquals(1, manual.exitCode(), manual.toString());
            assertTrue(manual.err().contains("another audit of this store is running (held by kcd-audit daemon"
                    + " test-instance job job1"), manual.err());
            assertEquals(1, manual.err().strip().lines().count(), manual.err());
            for (String[] other : new String[][]{{"preflight", "--cluster", "HVC1"}, {"baseline", "capture"}}) {
                List<String> args = new ArrayList<>(List.of(other));
                args.addAll(List.of("--config", cfg.source().toString()));
                CliRun refused = CliRun.run(env, args.toArray(String[]::new));
                assertEquals(1, refused.exitCode(), refused.toString());
                assertTrue(refused.err().contains("another audit of this store is running"), refused.err());
            }
            assertTrue(runs(cfg).isEmpty(), "nothing was started: " + runs(cfg));
            assertFalse(Files.exists(cfg.baselinePath()), "no baseline written while the lock is held");
        }

        FireLog fires = new FireLog(Database.open(cfg, env));
        try (Daemon d = daemon(cfg)) {
            try (RunLock.Held manual = lock.acquire(RunLock.owner("kcd-audit run"), Duration.ZERO)) {
                d.start();
                await("a fire waiting for the lock", Duration.ofSeconds(20), () -> !fires.all().isEmpty());
                Thread.sleep(1500);
                assertTrue(runs(cfg).isEmpty(), "the scheduled run waits while the manual run holds the lock");
            }
            await("the scheduled run after the manual one", Duration.ofSeconds(30), () -> runs(cfg).stream()
                    .anyMatch(r -> r.status().equals(RunSummary.SUCCEEDED)));
        }
        RunSummary first = runs(cfg).get(runs(cfg).size() - 1);
        assertNotNull(first.finishedAt());
    }
}
