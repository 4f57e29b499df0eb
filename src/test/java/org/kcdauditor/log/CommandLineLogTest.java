package org.kcdauditor.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What commands log reads like their own messages: one plain line, no time stamp, thread or logger. */
class CommandLineLogTest {
    @TempDir
    Path dir;

    @Test
    void warningsAreOnePlainLine() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        new Logging().configure(ctx);
        String err = ScheduleFixture.captureErr(() -> {
            ctx.getLogger("org.kcdauditor.run.Recovery").warn("run {} ({}) left RUNNING by a process that is gone is"
                    + " recorded as interrupted", "7f3a", "run");
            ctx.getLogger("org.kcdauditor.store.RunStore").info("history store {}: backup written", "data/kcd");
            ctx.getLogger("org.kcdauditor.run.RunLock").error("cannot renew run lock 'audit'",
                    new java.sql.SQLException("Connection is broken\n\tat somewhere"));
            ctx.getLogger("org.h2.engine").warn("two\nlines");
            ctx.getLogger("org.h2.engine").info("library INFO stays out");
        });
        String nl = System.lineSeparator();
        assertEquals("kcd-audit: warning: run 7f3a (run) left RUNNING by a process that is gone is recorded as"
                + " interrupted" + nl
                + "kcd-audit: history store data/kcd: backup written" + nl
                + "kcd-audit: error: cannot renew run lock 'audit': Connection is broken" + nl
                + "kcd-audit: warning: two lines" + nl, err);
        ctx.stop();
    }

    /**
     * The PostgreSQL driver and Angus Mail log through java.util.logging, whose own console handler wrote their
     * messages raw, over several lines, to stderr (and never into the daemon's log file): they go through SLF4J now.
     */
    @Test
    void javaUtilLoggingGoesWhereTheOtherLibrariesGo() {
        org.slf4j.LoggerFactory.getILoggerFactory(); // configured as for every command
        java.util.logging.Handler[] handlers = java.util.logging.Logger.getLogger("").getHandlers();
        assertEquals(1, handlers.length, java.util.Arrays.toString(handlers));
        assertTrue(handlers[0] instanceof org.slf4j.bridge.SLF4JBridgeHandler, handlers[0].toString());
    }

    @Test
    void historyWarnsAboutARunLeftRunningInOnePlainLine() throws Exception {
        Path file = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, null, null);
        AuditConfig cfg = ConfigLoader.load(file);
        String url = StoreUrls.connectUrl(cfg);
        try (RunStore store = RunStore.open(url, null, null)) {
            store.begin("7f3a0000-0000-0000-0000-000000000001", Instant.parse("2026-12-03T06:00:00Z"), "run",
                    file.toString(), "ldap://127.0.0.1:1", "DC=contoso,DC=com");
        }
        // its process: this one's pid, but started long ago, so a process that is gone
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("UPDATE audit_run SET holder_started = ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.parse("2001-01-01T00:00:00Z")));
            ps.executeUpdate();
        }
        CliRun[] run = new CliRun[1];
        String err = ScheduleFixture.captureErr(() -> run[0] = CliRun.run(Map.of(), "history", "--config",
                file.toString()));
        assertEquals(0, run[0].exitCode(), run[0].toString());
        assertTrue(run[0].out().contains("INTERRUPTED"), run[0].out());
        assertTrue(err.lines().anyMatch(l -> l.equals("kcd-audit: warning: run 7f3a0000-0000-0000-0000-000000000001"
                + " (run) left RUNNING by a process that is gone is recorded as interrupted")), err);
        assertFalse(err.matches("(?s).*\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}.*\\[main].*"), err);
    }

    /** Flyway's own "Migration … failed! Please restore backups" is not printed beside the store's one line. */
    @Test
    void aPartMigratedStoreIsOneLine() throws Exception {
        Path file = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, null, null);
        String url = StoreUrls.connectUrl(ConfigLoader.load(file));
        try (RunStore store = RunStore.open(url, null, null)) {
            assertEquals(0, store.list(1).size());
        }
        // the latest migration that creates tables, its record gone (and those after it),
        // as after a kill between its statements and its record
        String latest = "121";
        try (Connection c = DriverManager.getConnection(url); java.sql.Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" IN ('121', '122', '123')");
        }
        CliRun[] run = new CliRun[1];
        String err = ScheduleFixture.captureErr(() -> run[0] = CliRun.run(Map.of(), "history", "--config",
                file.toString()));
        assertEquals(1, run[0].exitCode(), run[0].toString());
        String all = err + run[0].err();
        assertFalse(all.contains("Please restore backups") || all.contains("Migration of schema"), all);
        assertTrue(run[0].err().contains("schema migration to version " + latest + " did not complete"), all);
    }
}
