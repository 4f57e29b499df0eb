package org.kcdauditor.log;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.util.FileSize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.kcdauditor.support.ChildProcesses;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.schedule.ScheduleFixture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** daemon.logFile: the daemon's messages go to a rotating file, else to stdout; never a secret. */
class DaemonLogTest {
    private static final Path CHECKOUT = Path.of("").toAbsolutePath();
    @TempDir
    Path dir;
    @RegisterExtension
    final ChildProcesses processes = new ChildProcesses();

    @Test
    void theFileRollsOverBySizeAndOldFilesAreCompressed() throws Exception {
        Path file = dir.resolve("logs/daemon.log");
        LoggerContext ctx = logTo(file, "2KB");
        Logger log = ctx.getLogger("org.kcdauditor.test");
        for (int i = 0; i < 200; i++) {
            log.info("line {} of a daemon that runs for months: {}", i, "x".repeat(60));
            if (i % 20 == 19) {
                Thread.sleep(20); // in bursts, as a daemon logs: a rollover's compression runs meanwhile
            }
        }
        ctx.stop(); // waits for the compression of rolled-over files
        List<String> rolled;
        try (Stream<Path> files = Files.list(file.getParent())) {
            rolled = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("daemon.log")).sorted().toList();
        }
        assertTrue(rolled.size() >= 3, rolled.toString());
        assertTrue(rolled.stream().allMatch(n -> n.matches("daemon\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.gz")),
                rolled.toString());
        assertTrue(Files.size(file) < 4096, "the current file stays near the limit: " + Files.size(file));
        String last = Files.readAllLines(file).get(Files.readAllLines(file).size() - 1);
        assertTrue(last.matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\S* \\[\\S+] INFO org\\.kcdauditor\\.test"
                + " - line 199 of a daemon .*"), last);
    }

    /**
     * Logback reads the rolled-over files' names as a pattern: a folder such as {@code kcd-audit (prod)} rolls over
     * beside the file; a '%' (no escape exists) or, outside Windows, a '\\' (read as '/') would roll it over into
     * other folders, so such a path is refused when the daemon starts (exit 2), not found out at the first rollover.
     */
    @Test
    void aLogFileRollsOverBesideItselfOrItsPathIsRefused() throws Exception {
        Path file = dir.resolve("kcd-audit (prod)").resolve("daemon.log");
        LoggerContext ctx = logTo(file, "2KB");
        Logger log = ctx.getLogger("org.kcdauditor.test");
        for (int i = 0; i < 100; i++) {
            log.info("line {} of a daemon that runs for months: {}", i, "x".repeat(60));
            if (i % 20 == 19) {
                Thread.sleep(20); // in bursts, as above: back-to-back rollovers on a loaded machine left one file
            }
        }
        ctx.stop();
        try (Stream<Path> files = Files.list(file.getParent())) {
            List<String> rolled = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("daemon.log"))
                    .toList();
            assertTrue(rolled.size() >= 2 && rolled.stream()
                    .allMatch(n -> n.matches("daemon\\.log\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.gz")), rolled.toString());
        }
        for (String folder : new String[] {"logs 100%", "logs %d", "a\\b"}) {
            Path bad = dir.resolve(folder).resolve("daemon.log");
            ConfigException e = assertThrows(ConfigException.class,
                    () -> Logging.toFile(new LoggerContext(), bad, FileSize.valueOf("1MB")), folder);
            assertTrue(e.getMessage().startsWith("daemon.logFile: " + bad + ": a path with '%'"), e.getMessage());
            assertFalse(Files.exists(bad), "nothing written: " + bad);
        }
    }

    @Test
    void aDirectoryValueWithALineBreakOrATerminalEscapeStaysInItsLogLine() throws Exception {
        // a node's cn is the directory's to say (an OU cluster takes it as the node's name); a run that fails on it
        // logs the exception's message: a line feed there must not write a line of its own into the daemon's log
        Path file = dir.resolve("logs/daemon.log");
        LoggerContext ctx = logTo(file, "1MB");
        ctx.getLogger("org.kcdauditor.schedule.AuditJob").error("job {}: the run could not complete: {}", "nightly",
                "clusters: HV01\n2026-12-03T06:00:00.000Z [main] INFO org.kcdauditor.schedule.AuditJob - job nightly:"
                        + " run 7f3a finished: 0 findings\r\u2028\u001B[2J is a node of both HVC1 and HVC2");
        ctx.stop();
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(" ERROR org.kcdauditor.schedule.AuditJob - job nightly: the run could not"
                + " complete: clusters: HV01 2026-12-03T06:00:00.000Z [main] INFO "), lines.get(0));
        assertTrue(lines.get(0).endsWith("0 findings \\u001B[2J is a node of both HVC1 and HVC2"), lines.get(0));
    }

    /**
     * A library's error with its exception (Quartz's cluster check-in while PostgreSQL is down, every few seconds)
     * is one line naming each exception and its message, not a stack trace of 35 lines per attempt: stack traces
     * only with --verbose (README "Exit codes"; docs/scheduling.md).
     */
    @Test
    void aLibrarysExceptionIsOneLineWithItsCauses() throws Exception {
        Path file = dir.resolve("logs/daemon.log");
        LoggerContext ctx = logTo(file, "1MB");
        Exception e = new IllegalStateException("ClusterManager: Error managing cluster: Failure obtaining db row lock",
                new java.sql.SQLException("Connection to 127.0.0.1:54329 refused.\nCheck that the hostname and port"
                        + " are correct", new java.net.ConnectException("Connection refused")));
        ctx.getLogger("org.quartz.impl.jdbcjobstore.JobStoreTX").error("ClusterManager: Error managing cluster", e);
        ctx.stop();
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" ERROR org.quartz.impl.jdbcjobstore.JobStoreTX - ClusterManager: Error"
                + " managing cluster (java.lang.IllegalStateException: ClusterManager: Error managing cluster: Failure"
                + " obtaining db row lock; caused by java.sql.SQLException: Connection to 127.0.0.1:54329 refused."
                + " Check that the hostname and port are correct; caused by java.net.ConnectException: Connection"
                + " refused)"), lines.get(0));
    }

    @Test
    void aLogFileThatCannotBeWrittenIsAConfigurationError() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Logging.toFile(new LoggerContext(), notAFolder.resolve("daemon.log"), FileSize.valueOf("1MB")));
        assertTrue(e.getMessage().startsWith("daemon.logFile: cannot write " + notAFolder.resolve("daemon.log")),
                e.getMessage());
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, "  - name: x\n    cron: \"0 0 3 * * ?\"\n",
                null, "daemon:\n  logFile: \" \"\n");
        ConfigException blank = assertThrows(ConfigException.class, () -> ConfigLoader.load(cfg));
        assertTrue(blank.getMessage().contains("daemon.logFile: empty"), blank.getMessage());
    }

    /**
     * A log file that cannot be made says what is in the way, as the other write failures do: it said "cannot write
     * …/plain-file/daemon.log: …/plain-file" (the JDK's message is the path alone), and of a folder "…: Is a
     * directory".
     */
    @Test
    void aLogFileThatCannotBeMadeSaysWhatIsInTheWay() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        ConfigException under = assertThrows(ConfigException.class,
                () -> Logging.toFile(new LoggerContext(), notAFolder.resolve("daemon.log"), FileSize.valueOf("1MB")));
        assertEquals("daemon.logFile: cannot write " + notAFolder.resolve("daemon.log") + ": " + notAFolder
                + ": exists and is not a folder (give a file in a folder the daemon's account may write)",
                under.getMessage());
        Path folder = Files.createDirectories(dir.resolve("logs"));
        ConfigException isFolder = assertThrows(ConfigException.class,
                () -> Logging.toFile(new LoggerContext(), folder, FileSize.valueOf("1MB")));
        assertEquals("daemon.logFile: " + folder + " is a folder: name a file in it, e.g. " + folder.resolve("daemon.log"),
                isFolder.getMessage());
    }

    /**
     * daemon.logFile naming the config itself or the bind password's file (a key mistyped, a path copied from the line
     * above) appended the daemon's log to it: the next start read a config with log lines in it, the next bind a
     * password with a log after it. Refused (exit 2) before anything is written; the files are as they were.
     */
    @Test
    void aLogFileThatIsTheConfigOrASecretFileIsRefusedAndLeftAsItWas() throws Exception {
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, "  - name: x\n    cron: \"0 0 3 * * ?\"\n"
                + "    notify: never\n", null, "daemon:\n  logFile: kcd-audit.yaml\n");
        String before = Files.readString(cfg);
        org.kcdauditor.support.CliRun r = refusedDaemon(Map.of(ScheduleFixture.LDAP_ENV, "x"), cfg);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": daemon.logFile: " + cfg + " is this configuration file: name a file of"
                + " its own for the log, e.g. daemon.log", r.err().strip());
        assertEquals(before, Files.readString(cfg));

        Path secret = Files.writeString(dir.resolve("ldap-password.txt"), "S3cret-Bind\n");
        Files.writeString(cfg, before.replace("passwordEnv: " + ScheduleFixture.LDAP_ENV, "passwordFile: ldap-password.txt")
                .replace("logFile: kcd-audit.yaml", "logFile: ./ldap-password.txt"));
        r = refusedDaemon(Map.of(), cfg);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": daemon.logFile: " + secret + " is directory.passwordFile: name a file of"
                + " its own for the log, e.g. daemon.log", r.err().strip());
        assertEquals("S3cret-Bind\n", Files.readString(secret));
    }

    /**
     * daemon.logFile naming the H2 history store's file or the hardening catalogue (both files the config names) was
     * appended to: the store's next open, or the catalogue's next read, met log lines. Refused (exit 2) as the config
     * and its secret files are; the files are as they were.
     */
    @Test
    void aLogFileThatIsTheStoreOrTheCatalogueIsRefused() throws Exception {
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, "  - name: x\n    cron: \"0 0 3 * * ?\"\n"
                + "    notify: never\n", null, "daemon:\n  logFile: data/kcd-audit.mv.db\n");
        Path store = Files.createDirectories(dir.resolve("data")).resolve("kcd-audit.mv.db");
        Files.writeString(store, "H2 store");
        org.kcdauditor.support.CliRun r = refusedDaemon(Map.of(ScheduleFixture.LDAP_ENV, "x"), cfg);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": daemon.logFile: " + store + " is the history store's file (store.url):"
                + " name a file of its own for the log, e.g. daemon.log", r.err().strip());
        assertEquals("H2 store", Files.readString(store));

        Path kbs = Files.writeString(dir.resolve("kbs.yaml"), "catalogue: []\n");
        Files.writeString(cfg, Files.readString(cfg).replace("logFile: data/kcd-audit.mv.db", "logFile: kbs.yaml")
                + "hardeningCatalogue: kbs.yaml\n");
        r = refusedDaemon(Map.of(ScheduleFixture.LDAP_ENV, "x"), cfg);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": daemon.logFile: " + kbs + " is hardeningCatalogue: name a file of its own"
                + " for the log, e.g. daemon.log", r.err().strip());
        assertEquals("catalogue: []\n", Files.readString(kbs));
    }

    /**
     * {@code kcd-audit daemon --config cfg}, bounded: a log file refused at start ends it, while a daemon that starts
     * instead (as it did, appending its log to the file) never returns and fails the test rather than hang it.
     */
    private static org.kcdauditor.support.CliRun refusedDaemon(Map<String, String> env, Path cfg) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> org.kcdauditor.support.CliRun.run(env, "daemon", "--config", cfg.toString()));
    }

    @Test
    void theDaemonLogsToItsFileOnlyAndNoSecretReachesIt() throws Exception {
        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Path cfg = ScheduleFixture.config(dir, directory, null,
                    "  - name: every-second\n    cron: \"* * * * * ?\"\n    notify: never\n", null,
                    "daemon:\n  logFile: logs/daemon.log\n  misfireThresholdSeconds: 1\n");
            Process p = daemon(cfg, ScheduleFixture.env(directory));
            Path log = dir.resolve("logs/daemon.log");
            String written = await(log, s -> s.contains("job every-second: run ") && s.contains(" finished: "));
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            String out = Files.readString(dir.resolve("daemon.out"));
            String err = Files.readString(dir.resolve("daemon.err"));
            assertTrue(out.contains("log in " + log + "; stop with SIGTERM."), out);
            assertTrue(written.contains("INFO org.kcdauditor.schedule.Daemon - kcd-audit daemon "), written);
            assertTrue(Files.readString(log).contains("stopping: no new runs"), Files.readString(log));
            assertFalse((out + err).contains(" INFO ") || (out + err).contains(" WARN "),
                    "log lines stay out of the console: " + out + err);
            for (String secret : List.of(directory.password(), ScheduleFixture.SMTP_PASSWORD)) {
                assertFalse(Files.readString(log).contains(secret), "a password in the log file");
            }
        }
    }

    @Test
    void withoutLogFileTheDaemonLogsToStdout() throws Exception {
        Path cfg = ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null,
                "  - name: nightly\n    cron: \"0 0 3 * * ?\"\n    notify: never\n", null, null);
        Process p = daemon(cfg, Map.of(ScheduleFixture.LDAP_ENV, "x"));
        String out = await(dir.resolve("daemon.out"), s -> s.contains("kcd-audit daemon running as"));
        p.destroy();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("INFO org.kcdauditor.schedule.Daemon - kcd-audit daemon "), out);
        assertEquals("", Files.readString(dir.resolve("daemon.err")));
    }

    /** A logging context of its own writing to {@code file} as the daemon's does, rolled over at {@code size}. */
    private static LoggerContext logTo(Path file, String size) {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        Logging.toFile(ctx, file, FileSize.valueOf(size));
        return ctx;
    }

    private Process daemon(Path config, Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), "org.kcdauditor.cli.Main", "daemon", "--config",
                config.toString());
        pb.environment().put("KCD_AUDIT_HOME", CHECKOUT.toString());
        pb.environment().putAll(env);
        pb.directory(dir.toFile());
        pb.redirectOutput(dir.resolve("daemon.out").toFile());
        pb.redirectError(dir.resolve("daemon.err").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private String await(Path file, Predicate<String> done) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String s = "";
        while (System.nanoTime() < end) {
            s = Files.exists(file) ? Files.readString(file) : "";
            if (done.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        fail("gave up waiting on " + file + ": " + s + "\n--- out\n" + Files.readString(dir.resolve("daemon.out"))
                + "\n--- err\n" + Files.readString(dir.resolve("daemon.err")));
        return s;
    }
}
