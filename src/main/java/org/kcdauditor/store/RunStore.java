package org.kcdauditor.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationVersion;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.io.Causes;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.LastFound;
import org.kcdauditor.model.LastFoundSid;
import org.kcdauditor.model.NodeNames;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;

import org.kcdauditor.io.Futures;
import org.kcdauditor.io.IoErrors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The history store: runs, their snapshots (cluster nodes with attributes, patches, events) and
 * findings, in any JDBC database Flyway migrates ({@code db/migration}, V1..V99). Portable SQL only,
 * so H2 (embedded default) and PostgreSQL run the same code.
 *
 * <p>Life of a run: {@link #begin} records it RUNNING (committed at once, so a crash leaves a trace);
 * {@link #writeSnapshot} stores its hosts on a connection and thread of their own while the run evaluates;
 * {@link #stage} writes the findings and {@link Staged#commit} marks it SUCCEEDED ({@link #complete} does both).
 * The rows are committed batch by batch while the run is RUNNING, which no reader takes; {@link #fail} marks
 * it FAILED with its reason and deletes its rows.
 * Nothing here ever updates or deletes another run's rows. {@link #locks()} gives the named, expiring run locks.
 */
public final class RunStore implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunStore.class);
    private static final java.time.format.DateTimeFormatter BACKUP_TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final String SELECT_RUN = "SELECT id, started_at, finished_at, status, trigger_name, config_path,"
            + " directory_url, failure_reason, report_dir, objects_read, hosts, findings, high, medium, low, info,"
            + " waived, compliance, preflight_cluster FROM audit_run";

    private final Connection connection;
    private final String display;
    private final SnapshotRows snapshots;
    /** Opens another connection to the same database (for {@link #writeSnapshot}); null when none can be. */
    private final Opener opener;
    /** Rows per commit of a run's hosts ({@link #writeSnapshot}); tests make it small. */
    int hostBatch = SnapshotRows.BATCH;
    /** Called after each commit of a run's hosts, with the run's id; tests end the run from there. */
    Consumer<String> afterHostBatch = runId -> { };

    @FunctionalInterface
    private interface Opener {
        Connection open() throws SQLException;
    }

    private RunStore(Connection connection, String display, Opener opener) {
        this.connection = connection;
        this.display = display;
        this.snapshots = new SnapshotRows(connection);
        this.opener = opener;
    }

    /**
     * Opens the database and brings its schema up to date. A database that cannot be opened (damaged
     * file, wrong credentials, unreachable server) is a {@link StoreException}; the file is left as it is.
     * An embedded H2 file is checked first ({@link H2StoreFile}): H2 would silently open a file that was cut
     * short as an older state, often an empty one, and overwrite it. Before a schema migration of an existing
     * H2 store a backup of it is written beside it ({@code <name>.before-migration-<UTC time>.zip}).
     */
    public static RunStore open(String url, String user, char[] password) {
        String display = StoreUrls.display(url);
        Path file = H2StoreFile.of(url);
        MigrationTurn turn = null;
        try {
            if (file != null) {
                // a file shorter than an H2 header may be one another opener is creating this instant: judged in turn
                boolean settled = H2StoreFile.settled(file);
                if (settled) {
                    refuseDamaged(file);
                }
                // H2 would create the folder itself and, where it may not, print its own stack trace (it cannot write
                // its trace file there) and fail with an IO error that reads like damage
                Path folder = file.toAbsolutePath().getParent();
                if (folder != null && !Files.isDirectory(folder)) {
                    try {
                        Files.createDirectories(folder);
                    } catch (IOException | UnsupportedOperationException e) {
                        throw new StoreException("history store " + file + ": cannot create its folder " + folder + ": "
                                + IoErrors.reason(e instanceof IOException io ? io : new IOException(e)) + NOT_WRITABLE, e);
                    }
                }
                if (folder != null && !Files.isWritable(folder)) {
                    throw new StoreException("history store " + file + ": cannot write in its folder " + folder
                            + (readOnlyFileSystem(folder) ? READ_ONLY : ": permission denied" + NOT_WRITABLE), null);
                }
                if (!settled) {
                    turn = MigrationTurn.take(file, display);
                    refuseDamaged(file);
                }
            }
            Properties props = new Properties();
            if (user != null) {
                props.setProperty("user", user);
            }
            if (password != null) {
                props.setProperty("password", new String(password));
            }
            Connection c;
            try {
                c = DriverManager.getConnection(url, props);
            } catch (SQLException e) {
                String why = firstLine(e);
                if (file != null && (why.contains("orrupt") || why.contains("Chunk") || why.contains("chunk"))) {
                    throw new StoreException(damaged(file, why), e);
                }
                throw new StoreException("history store " + display + " cannot be opened: " + why + (file != null
                        ? h2Hint(file, e.getErrorCode(), why) : serverHint(url, why)), e);
            }
            try {
                Schema schema = Schema.of(c);
                if (schema == Schema.NEWER) {
                    throw new StoreException(newer(file != null ? file.toString() : display, Schema.newest(c)), null);
                }
                if (schema != Schema.CURRENT) {
                    if (turn == null) {
                        turn = MigrationTurn.take(file, display);
                        schema = Schema.of(c); // another opener may have brought it up to date while this one waited
                        if (schema == Schema.NEWER) {
                            throw new StoreException(newer(file != null ? file.toString() : display,
                                    Schema.newest(c)), null);
                        }
                    }
                    if (schema != Schema.CURRENT) {
                        Flyway flyway = Flyway.configure().dataSource(new SingleConnectionDataSource(c))
                                .locations("classpath:db/migration").load();
                        if (file != null && schema == Schema.EARLIER && flyway.info().pending().length > 0) {
                            backUp(c, file);
                        }
                        flyway.migrate();
                        if (file != null) {
                            // H2 writes committed changes to the file up to a second later: a process killed in that
                            // second left a migration's tables without Flyway's record of it (part-migrated)
                            try (Statement s = c.createStatement()) {
                                s.execute("CHECKPOINT SYNC");
                            }
                        }
                    }
                }
                c.setAutoCommit(true);
                // a private in-memory H2 database (jdbc:h2:mem: without a name) is not reached by a second connection
                boolean shared = !url.toLowerCase(Locale.ROOT).matches("jdbc:h2:mem:(;.*)?");
                return new RunStore(c, display, shared ? () -> DriverManager.getConnection(url, props) : null);
            } catch (FlywayException | SQLException | StoreException e) {
                closeQuietly(c);
                if (e instanceof StoreException se) {
                    throw se;
                }
                String version = file == null ? null : failedMigration(e);
                if (version != null) {
                    throw new StoreException(partMigrated(file, version, e), e);
                }
                throw new StoreException("history store " + display + ": schema migration failed: " + firstLine(e), e);
            }
        } finally {
            if (turn != null) {
                turn.close();
            }
        }
    }

    /** Flyway's record of a failed migration: "Detected failed migration to version 111 (host values deflated)". */
    private static final java.util.regex.Pattern FAILED_VERSION =
            java.util.regex.Pattern.compile("failed migration to version ([0-9][0-9._]*)");

    /** The version of the schema migration {@code e} says did not complete, or null when it is another failure. */
    static String failedMigration(Throwable e) {
        Throwable t = Causes.first(e, x -> migrationVersion(x) != null);
        return t == null ? null : migrationVersion(t);
    }

    /** The version of the migration {@code t} itself says did not complete, or null. */
    private static String migrationVersion(Throwable t) {
        if (t instanceof org.flywaydb.core.internal.exception.FlywayMigrateException m && m.getMigration() != null
                && m.getMigration().getVersion() != null) {
            return m.getMigration().getVersion().getVersion();
        }
        java.util.regex.Matcher x = FAILED_VERSION.matcher(String.valueOf(t.getMessage()));
        return x.find() ? x.group(1) : null;
    }

    /**
     * A migration that did not complete leaves an H2 store part-migrated (H2 commits each DDL statement), and Flyway
     * then refuses it for good: what happened and what to do, as for a damaged store, with the backups by name.
     */
    static String partMigrated(Path file, String version, Throwable e) {
        String why = null;
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof SQLException && t.getMessage() != null) {
                why = t.getMessage().lines().findFirst().orElse("").strip().replaceFirst(";?\\s*SQL statement:?$", "");
            }
        }
        String written = writeFailure(e);
        List<String> backups = new ArrayList<>();
        String base = file.getFileName().toString().replaceFirst("\\.mv\\.db$", "") + ".before-migration-";
        try (java.util.stream.Stream<Path> files = Files.list(file.toAbsolutePath().getParent())) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(base) && n.endsWith(".zip")).sorted()
                    .forEach(backups::add);
        } catch (IOException | RuntimeException ignored) {
            // named by pattern below
        }
        return "history store " + file + ": schema migration to version " + version + " did not complete ("
                + (written != null ? written : e instanceof org.flywaydb.core.internal.exception.FlywayMigrateException
                ? (why == null || why.isEmpty() ? firstLine(e) : why)
                : "an earlier attempt failed: the process was stopped during an upgrade, or the disk was full")
                + "), so the store is part-migrated and kcd-audit cannot use it. Nothing else was changed."
                + " Restore the file from a backup (kcd-audit writes one beside it before it migrates: "
                + (backups.isEmpty() ? "*.before-migration-*.zip, none there now" : String.join(", ", backups)
                + "; take the one from before the upgrade)") + (backups.isEmpty() ? ")" : "")
                + ", or move it aside to start an empty history";
    }

    /** Refuses an H2 file its header says was cut short or overwritten ({@link H2StoreFile}), untouched. */
    private static void refuseDamaged(Path file) {
        String damage;
        try {
            damage = H2StoreFile.damage(file);
        } catch (IOException e) {
            throw new StoreException("history store " + file + " cannot be read: " + IoErrors.describe(e), e);
        }
        if (damage != null) {
            throw new StoreException(damaged(file, damage), null);
        }
    }

    /**
     * The creation and the schema migrations of one H2 file take turns, in this process and across processes (a file
     * lock beside the store, {@code <name>.migration.lock}): Flyway locks nothing on a new H2 store, so openers at the
     * same moment (the daemon at boot and an admin's command) each ran the migrations, the losers failed, and the
     * failed migration Flyway recorded made every later command refuse the store; and an opener that found the file
     * another had just created, still empty, refused it as damaged. PostgreSQL needs no turn: Flyway locks it.
     */
    private static final class MigrationTurn implements AutoCloseable {
        private static final java.util.concurrent.locks.ReentrantLock IN_PROCESS =
                new java.util.concurrent.locks.ReentrantLock();
        private final java.nio.channels.FileChannel channel;

        private MigrationTurn(java.nio.channels.FileChannel channel) {
            this.channel = channel;
        }

        /**
         * Waits for the turn to create or migrate the H2 store {@code file} (null: not an H2 file, no turn to wait
         * for across processes).
         */
        static MigrationTurn take(Path file, String display) {
            IN_PROCESS.lock();
            if (file == null) {
                return new MigrationTurn(null);
            }
            String name = file.getFileName().toString();
            Path lock = file.resolveSibling((name.endsWith(".mv.db") ? name.substring(0, name.length() - 6) : name)
                    + ".migration.lock");
            java.nio.channels.FileChannel ch = null;
            try {
                ch = java.nio.channels.FileChannel.open(lock, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                ch.lock(); // released when the channel is closed
                return new MigrationTurn(ch);
            } catch (IOException | RuntimeException e) {
                IN_PROCESS.unlock();
                if (ch != null) {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // the lock goes with the channel
                    }
                }
                throw new StoreException("history store " + display + ": cannot take the turn to create or migrate"
                        + " it (" + lock + "): " + IoErrors.describe(e instanceof IOException io ? io
                        : new IOException(e)), e);
            }
        }

        @Override
        public void close() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing the channel releases the lock in any case
            } finally {
                IN_PROCESS.unlock();
            }
        }
    }

    /** The migrations of {@code db/migration} (SQL and Java), by version; a test checks them against the files. */
    static final Set<String> MIGRATIONS = Set.of("1", "100", "101", "102", "103", "104", "110", "111", "112",
            "113", "114", "115", "116", "117", "118", "119", "120", "121", "122", "123");

    /**
     * Why a store a newer kcd-audit migrated is refused: this version would store its runs in a schema it does not
     * know (Flyway only warns), without the newer version's columns and tables, which that version would then read
     * as if the runs had nothing to record there.
     */
    static String newer(String store, String[] newest) {
        String latest = MIGRATIONS.stream().max(Comparator.comparing(MigrationVersion::fromVersion)).orElseThrow();
        return "history store " + store + " was migrated by a newer kcd-audit (schema version " + newest[0]
                + (newest[1] == null || newest[1].isBlank() ? "" : ", " + newest[1]) + "; this version knows up to "
                + latest + "), so this version cannot use it. Nothing was changed. Run it with that newer version, or,"
                + " to go back to this one, restore the copy taken before the upgrade (an H2 store:"
                + " *.before-migration-*.zip beside it; PostgreSQL: your pg_dump; the runs stored since are then gone:"
                + " docs/install.md, Upgrading, step 5)";
    }

    /**
     * A store's schema as Flyway's history table gives it: NEW (no migration applied), CURRENT (exactly
     * {@link #MIGRATIONS}, each successful: nothing for Flyway to do, and every run opens the store twice, so
     * Flyway is not started: at start-up it scans the classpath and reads its history, 0.3–0.8 s before each
     * audit), NEWER (a successful migration later than any of {@link #MIGRATIONS}: a newer kcd-audit migrated it,
     * and the store is refused, see {@link #newer}), or EARLIER (anything else: older or failed migrations, which
     * Flyway handles as before).
     */
    enum Schema {
        NEW, CURRENT, EARLIER, NEWER;

        /** The latest successful migration recorded, as {version, description}. */
        static String[] newest(Connection c) throws SQLException {
            String[] newest = null;
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT \"version\", \"description\" FROM \"flyway_schema_history\""
                         + " WHERE \"success\" AND \"version\" IS NOT NULL")) {
                while (r.next()) {
                    if (newest == null || MigrationVersion.fromVersion(r.getString(1))
                            .isNewerThan(MigrationVersion.fromVersion(newest[0]))) {
                        newest = new String[] {r.getString(1), r.getString(2)};
                    }
                }
            }
            return newest == null ? new String[] {"?", null} : newest;
        }

        static Schema of(Connection c) throws SQLException {
            try (ResultSet t = c.getMetaData().getTables(null, c.getSchema(), "flyway_schema_history", null)) {
                if (!t.next()) {
                    return NEW;
                }
            }
            Set<String> applied = new HashSet<>();
            try (Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT \"version\", \"success\" FROM \"flyway_schema_history\"")) {
                while (r.next()) {
                    if (!r.getBoolean(2)) {
                        return EARLIER;
                    }
                    if (r.getString(1) != null) { // Flyway's own rows (schema creation) have no version
                        applied.add(r.getString(1));
                    }
                }
            }
            MigrationVersion latest = MIGRATIONS.stream().map(MigrationVersion::fromVersion)
                    .max(Comparator.naturalOrder()).orElseThrow();
            if (applied.stream().anyMatch(v -> MigrationVersion.fromVersion(v).isNewerThan(latest))) {
                return NEWER;
            }
            return applied.isEmpty() ? NEW : applied.equals(MIGRATIONS) ? CURRENT : EARLIER;
        }
    }

    private static final String READ_ONLY = ": its file system is mounted read-only (Linux remounts a file system so"
            + " after a disk error: see dmesg) — remount it read-write, or set store.url to a folder on another one;"
            + " nothing was changed";

    /** Whether {@code folder} is on a file system mounted read-only (where permissions are not what stops a write). */
    private static boolean readOnlyFileSystem(Path folder) {
        try {
            return Files.getFileStore(folder).isReadOnly();
        } catch (IOException e) {
            return false;
        }
    }

    private static final String NOT_WRITABLE = " — set store.url to a folder this account may write (if store.url is"
            + " not set, the store is data/kcd-audit under the current directory), or fix the folder's permissions;"
            + " nothing was changed";

    /**
     * What to check when a database server's store did not open: its TLS when kcd-audit asked for a verified
     * certificate ({@link StoreUrls#connectUrl}: {@code sslmode=verify-full} for a PostgreSQL server on another machine)
     * and the driver says the handshake or the name check failed; else the server, its address and the credentials.
     */
    static String serverHint(String url, String why) {
        String w = why.toLowerCase(java.util.Locale.ROOT);
        if (url.contains("sslmode=verify-full") && (w.contains("ssl") || w.contains("certificat")
                || w.contains("pkix") || w.contains("hostname"))) {
            return " (kcd-audit reaches a PostgreSQL server on another machine with sslmode=verify-full, its"
                    + " certificate checked against the Java trust store and its name against store.url's host: add"
                    + " the CA that signed it to that trust store (keytool -importcert -cacerts), or give"
                    + " ?sslrootcert=FILE in store.url, or ?sslmode=disable on a network you trust)";
        }
        return " (check that the database server is running and accepts connections at the host and port of"
                + " store.url, and the user and password in the variables store.userEnv and store.passwordEnv name)";
    }

    /** H2's WRONG_USER_OR_PASSWORD: the credentials are not those the file was made with. */
    private static final int H2_WRONG_CREDENTIALS = 28000;
    /** H2's ERROR_OPENING_DATABASE_1: its file lock ({@code <name>.lock.db}) could not be taken. */
    private static final int H2_LOCK_FILE = 8000;
    /** H2's DATABASE_ALREADY_OPEN_1. */
    private static final int H2_ALREADY_OPEN = 90020;
    /** H2's EXCEPTION_OPENING_PORT_2: AUTO_SERVER could not listen on the loopback interface. */
    private static final int H2_PORT_NOT_OPENED = 90061;
    /** H2's CONNECTION_BROKEN_1: AUTO_SERVER of the process holding the store could not be reached. */
    private static final int H2_SERVER_NOT_REACHED = 90067;

    /**
     * What to do about an H2 file store that did not open, by H2's reason. Its lock file held, just
     * written or raced for by another process means in use (retry); a lock file that cannot be written
     * or read means the disk or the folder's permissions; a loopback port for the store's automatic server that
     * cannot be opened or reached is the network; credentials other than the file was made with are the variables
     * store.userEnv and store.passwordEnv name; none is damage, so none says "move it aside".
     */
    static String h2Hint(Path file, int code, String why) {
        Path folder = file.toAbsolutePath().getParent();
        String name = file.getFileName().toString();
        Path lock = folder.resolve((name.endsWith(".mv.db") ? name.substring(0, name.length() - 6) : name)
                + ".lock.db");
        if (code == H2_ALREADY_OPEN || why.contains("Lock file recently modified")
                || why.contains("Locked by another") || why.contains("Another process was faster")
                || why.contains("Concurrent update") || why.contains("already in use")) {
            return " (another process has it open: retry when it has finished; the store is not damaged)";
        }
        if (why.contains("No space left on device")) {
            return " (the disk holding " + folder + " is full: free space, then retry; nothing was changed)";
        }
        if (why.contains("Could not save properties")) {
            return " (cannot write the lock file " + lock + ": the disk is full, or the account running kcd-audit"
                    + " may not write in " + folder + "; free space or fix the permissions, then retry; the store is"
                    + " not damaged)";
        }
        if (why.contains("Could not load properties")) {
            return " (cannot read the lock file " + lock + ": check the permissions of " + folder + " and that file;"
                    + " the store is not damaged)";
        }
        // StoreUrls.connectUrl opens the store with AUTO_SERVER: the process holding it serves it to the others
        // through a port on the loopback interface
        if (code == H2_PORT_NOT_OPENED) {
            return " (kcd-audit could not open a port on the loopback interface, through which it serves the open store"
                    + " to its other processes: check that the loopback interface is up and that localhost resolves to"
                    + " it (/etc/hosts), then retry; the store is not damaged)";
        }
        if (code == H2_SERVER_NOT_REACHED) {
            return " (another process has it open and serves it on the loopback interface, which this one cannot"
                    + " reach: run the command on the same machine and network as that process (the daemon), or when"
                    + " it has finished; the store is not damaged)";
        }
        if (code == H2_WRONG_CREDENTIALS) {
            return " (the H2 file was made with another user name or password: set the variables store.userEnv and"
                    + " store.passwordEnv name to those it was made with; the store is not damaged)";
        }
        if (code == H2_LOCK_FILE) {
            return " (the lock file " + lock + " could not be used: check the free space and permissions of " + folder
                    + ", and that no other process has the store open, then retry; the store is not damaged)";
        }
        return " (a damaged H2 file is left untouched: move it aside, or point store.url elsewhere)";
    }

    /** Where the backup before a schema migration of {@code file} goes. */
    static Path backupPath(Path file, Instant at) {
        String name = file.getFileName().toString();
        String base = name.endsWith(".mv.db") ? name.substring(0, name.length() - ".mv.db".length()) : name;
        return file.resolveSibling(base + ".before-migration-" + BACKUP_TIME.format(at) + ".zip");
    }

    private static void backUp(Connection c, Path file) throws SQLException {
        Path backup = backupPath(file, Instant.now());
        try (PreparedStatement ps = c.prepareStatement("BACKUP TO ?")) {
            ps.setString(1, backup.toString());
            ps.execute();
        }
        LOG.info("history store {}: backup before the schema migration written to {}", file, backup);
    }

    /** What to do about a damaged H2 store, after "restore the file". */
    private static final String RESTORE = " from a backup (before a schema upgrade kcd-audit writes one beside it,"
            + " *.before-migration-*.zip), or move it aside to start an empty history";

    private static String damaged(Path file, String damage) {
        return "history store " + file + " is damaged: " + damage + ". Nothing was changed and no run was stored."
                + " Restore the file" + RESTORE;
    }

    /**
     * The key to file a configuration's runs under, given {@link org.kcdauditor.config.AuditConfig#historyKey}:
     * that key, unless earlier runs are filed under another spelling of the same absolute path
     * ({@code /srv/kcd/bin/../config/kcd-audit.yaml}, as a config given relative to another folder was filed before
     * keys were normalised); then the spelling of the latest such run, so that this run continues its history.
     */
    public String historyKey(String given) {
        if (given == null || !absolute(given)) {
            return given; // store.configName: a name, taken as written
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT config_path FROM audit_run"
                + " WHERE config_path IS NOT NULL GROUP BY config_path ORDER BY MAX(run_no) DESC")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String stored = rs.getString(1);
                    if (sameHistory(stored, given)) {
                        return stored;
                    }
                }
            }
            return given;
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot read the configurations' keys: "
                    + firstLine(e), e);
        }
    }

    /**
     * Whether runs filed under {@code stored} are of the configuration filed under {@code given}: the same key, or
     * two spellings of the same absolute path.
     */
    static boolean sameHistory(String stored, String given) {
        return stored != null && (stored.equals(given) || absolute(stored) && given != null && absolute(given)
                && Path.of(stored).normalize().equals(Path.of(given).normalize()));
    }

    private static boolean absolute(String path) {
        try {
            return Path.of(path).isAbsolute();
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** Records a run as RUNNING in this process, committed at once. */
    public void begin(String runId, Instant startedAt, String trigger, String configPath, String directoryUrl,
                      String baseDn) {
        Holder me = Holder.current();
        update("record the start of run " + runId, "INSERT INTO audit_run (id, run_no, started_at, status,"
                        + " trigger_name, config_path, directory_url, base_dn, holder_host, holder_pid, holder_started)"
                        + " SELECT ?, COALESCE(MAX(run_no), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM audit_run",
                runId, ts(startedAt), RunSummary.RUNNING, trigger, cut(configPath, 1000), cut(directoryUrl, 1000),
                cut(baseDn, 1000), cut(me.host(), 255), me.pid(), ts(me.started()));
        toDisk();
    }

    /**
     * An embedded H2 store writes committed changes in the background, up to a second later: a process
     * killed right after recording a run RUNNING (or where it writes) left no trace of it, so its run could
     * not be recorded as interrupted nor its folder marked. The records a crash must find are forced to disk
     * here. (Not with WRITE_DELAY=0 for every commit: then the committing thread writes the file itself, and
     * Quartz interrupts its threads on standby and shutdown, which closes H2's file under every connection.)
     */
    private void toDisk() {
        try {
            if (connection.getMetaData().getURL().startsWith("jdbc:h2:")) {
                try (var st = connection.createStatement()) {
                    st.execute("CHECKPOINT");
                }
            }
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot write to disk: " + firstLine(e), e);
        }
    }

    /**
     * Records where a RUNNING run writes its reports (its {@code .partial} folder), so that the folder of a
     * run whose process dies can be marked failed later.
     */
    public void reportDir(String runId, String dir) {
        update("record the report folder of run " + runId, "UPDATE audit_run SET report_dir = ? WHERE id = ?"
                + " AND status = ?", cut(dir, 1000), runId, RunSummary.RUNNING);
        toDisk();
    }

    /** A RUNNING run with the process that runs it (null for runs recorded before holders were). */
    public record Running(String id, Instant startedAt, String trigger, Holder holder, String reportDir) {
    }

    /** The runs recorded RUNNING, oldest first. */
    public List<Running> running() {
        List<Running> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, started_at, trigger_name, holder_host,"
                + " holder_pid, holder_started, report_dir FROM audit_run WHERE status = ? ORDER BY run_no")) {
            ps.setString(1, RunSummary.RUNNING);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long pid = rs.getLong(5);
                    Holder h = rs.wasNull() || rs.getString(4) == null ? null
                            : new Holder(rs.getString(4), pid, instant(rs, 6));
                    out.add(new Running(rs.getString(1), instant(rs, 2), rs.getString(3), h, rs.getString(7)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("list running runs", e);
        }
    }

    /** A run that ended INTERRUPTED or FAILED with the report folder it was writing ({@code .partial}) recorded. */
    public record Unfinished(String id, Instant startedAt, String reportDir, String reason) {
    }

    /**
     * The runs that ended INTERRUPTED or FAILED while their report folder was {@code .partial}, oldest first: the
     * process that recorded the end may not have reached the folder (the run ran on another machine of a cluster).
     */
    public List<Unfinished> endedWhileWriting() {
        List<Unfinished> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT id, started_at, report_dir, failure_reason"
                + " FROM audit_run WHERE status IN (?, ?) AND report_dir LIKE ? ORDER BY run_no")) {
            bind(ps, RunSummary.INTERRUPTED, RunSummary.FAILED, "%.partial");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Unfinished(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("list unfinished report folders", e);
        }
    }

    /**
     * Marks a RUNNING run INTERRUPTED: its process stopped (killed, crashed, or stopped before the run
     * finished), and deletes the rows it had stored ({@link #stage}).
     *
     * @return whether the run was RUNNING
     */
    public boolean interrupt(String runId, Instant at, String reason) {
        try {
            return end(runId, RunSummary.INTERRUPTED, at, reason);
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot record run " + runId + " as interrupted: "
                    + firstLine(e), e);
        }
    }

    /** Marks a RUNNING run FAILED with its reason and deletes the rows it had stored; earlier runs are untouched. */
    public void fail(String runId, Instant finishedAt, String reason) {
        try {
            end(runId, RunSummary.FAILED, finishedAt, reason == null ? "unknown" : reason);
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot record the failure of run " + runId + ": "
                    + firstLine(e), e);
        }
    }

    /** A RUNNING run ends as {@code status}, without the rows it stored, in one transaction. */
    private boolean end(String runId, String status, Instant at, String reason) throws SQLException {
        return inTransaction(connection, () -> {
            boolean running;
            try (PreparedStatement ps = connection.prepareStatement("UPDATE audit_run SET status = ?, finished_at = ?,"
                    + " failure_reason = ? WHERE id = ? AND status = ?")) {
                bind(ps, status, ts(at), cut(reason, 2000), runId, RunSummary.RUNNING);
                running = ps.executeUpdate() == 1;
            }
            if (running) {
                Pruning.deleteRows(connection, runId);
            }
            return running;
        });
    }

    /** Writes the snapshot, patches, events and findings of a run, then marks it SUCCEEDED ({@link #stage}). */
    public void complete(String runId, Instant finishedAt, CompletedRun run) {
        complete(runId, finishedAt, run, null);
    }

    /** The same, with the snapshot rows {@code snapshot} wrote (null: written here). */
    public void complete(String runId, Instant finishedAt, CompletedRun run, SnapshotWrite snapshot) {
        stage(runId, run, snapshot).commit(finishedAt);
    }

    public Staged stage(String runId, CompletedRun run) {
        return stage(runId, run, null);
    }

    /**
     * Writes the patches, events, findings and trend of a RUNNING run, after its snapshot rows: those {@code
     * snapshot} wrote (waited for here), or, when it is null, written here first. {@link Staged#commit} then marks
     * it SUCCEEDED. In between the run writes its reports (this runs on a thread of its own meanwhile: the store's
     * connection is not used by anyone else until it returns). Every reader takes SUCCEEDED runs only, so the rows
     * of a run not yet SUCCEEDED are seen by none; a run that fails or is interrupted has them deleted with its
     * end ({@link #fail}, {@link #interrupt}, and crash recovery through the latter).
     */
    public Staged stage(String runId, CompletedRun run, SnapshotWrite snapshot) {
        try {
            if (snapshot == null) {
                String previous = previousOf(runId);
                writeSnapshot(connection, runId, run.result().context().hosts(), previous,
                        statesOf(run.result().context().inputs().previous(), previous), () -> false);
            } else {
                snapshot.await();
            }
            return inTransaction(connection, () -> {
                snapshots.writePatches(runId, run.patches());
                snapshots.writeEvents(runId, run.events());
                writeFindings(runId, run.result().findings());
                writeTrend(runId, run.trend());
                writeMissingNodes(runId, run.result().context());
                snapshots.writeFacts(runId, run.result().context());
                stillRunning(connection, runId);
                return new Staged(runId, run);
            });
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot write run " + runId + ": " + firstLine(e), e);
        }
    }

    /**
     * Starts storing the hosts of a RUNNING run (run_host, run_host_attr: at 20,000 hosts most of a run's rows)
     * on a connection and a thread of their own, while the run evaluates; {@link #stage} waits for it. The
     * previous run they are stored against is looked up here, on this store's connection. Null when the database
     * cannot be reached by a second connection (a private in-memory H2 database): {@link #stage} stores them.
     * {@code known}: the previous run as the audit read it (may be null); when it is the run they are stored
     * against, a node's delegation values equal to its state there are not packed again to be recognised.
     */
    public SnapshotWrite writeSnapshot(String runId, AuditContext.Hosts hosts, PreviousRun known) {
        if (opener == null) {
            return null;
        }
        String previous;
        try {
            previous = previousOf(runId);
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot write run " + runId + ": " + firstLine(e), e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kcd-store-snapshot");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean abandoned = new AtomicBoolean();
        try {
            return new SnapshotWrite(runId, abandoned, thread.submit(() -> {
                long start = System.nanoTime();
                try (Connection c = opener.open()) {
                    writeSnapshot(c, runId, hosts, previous, statesOf(known, previous), abandoned::get);
                }
                return System.nanoTime() - start;
            }));
        } finally {
            thread.shutdown();
        }
    }

    /**
     * The snapshot rows on {@code c}, committed batch by batch: H2 keeps a transaction's rows in memory until its
     * commit and then walks every one of them again (at 20,000 hosts it read its own pages back from disk for
     * seconds). Each batch is committed with the run still RUNNING (locked so until that commit), so a run ended
     * meanwhile by another process keeps none of them: that process deleted the batches committed before, the
     * others are rolled back.
     */
    private void writeSnapshot(Connection c, String runId, AuditContext.Hosts hosts, String previous,
                               Map<String, HostState> previousStates, BooleanSupplier abandoned) throws SQLException {
        inTransaction(c, () -> {
            new SnapshotRows(c).write(runId, hosts, previous, previousStates, hostBatch, () -> {
                if (abandoned.getAsBoolean()) {
                    throw new SQLException("run " + runId + " failed meanwhile: its hosts are no longer stored");
                }
                stillRunning(c, runId);
                c.commit();
                afterHostBatch.accept(runId);
            });
            return null;
        });
    }

    /** The node states of {@code known} when it is the run {@code previous} (the one stored against); else none. */
    private static Map<String, HostState> statesOf(PreviousRun known, String previous) {
        return known != null && known.runId().equals(previous) ? known.hosts() : Map.of();
    }

    /**
     * Locks the run's row until the transaction ends, if it is still RUNNING; else fails. A run ended meanwhile
     * by another process (a daemon stop past its timeout, a lock taken over) keeps no rows, and one ending it now
     * waits for this commit and then deletes them.
     */
    private static void stillRunning(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_run SET status = status WHERE id = ?"
                + " AND status = ?")) {
            bind(ps, runId, RunSummary.RUNNING);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("run " + runId + " is not RUNNING in the store (ended meanwhile)");
            }
        }
    }

    /** The snapshot rows of a run being written on their own thread ({@link #writeSnapshot}). */
    public final class SnapshotWrite {
        private final String runId;
        private final AtomicBoolean abandoned;
        private final Future<Long> done;

        private SnapshotWrite(String runId, AtomicBoolean abandoned, Future<Long> done) {
            this.runId = runId;
            this.abandoned = abandoned;
            this.done = done;
        }

        /** How long writing the rows took (ns), once {@link #await} returned; 0 before or when it failed. */
        public long took() {
            try {
                return done.isDone() ? done.get() : 0;
            } catch (InterruptedException | ExecutionException | CancellationException e) {
                return 0;
            }
        }

        /**
         * Waits until the rows are written; returns the time it took (ns). Not interruptible: a run that is
         * stopped still waits for them before it deletes its rows (the flag is set again afterwards).
         */
        public long await() throws SQLException {
            try {
                return Futures.getUninterruptibly(done);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException sql) {
                    throw sql;
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new SQLException("cannot store the hosts of run " + runId, cause);
            }
        }

        /**
         * For a run that failed or was stopped: stops at the next batch (that batch rolled back) and waits for it,
         * so the run's end can delete what was committed. A failure here changes nothing: the run failed for
         * another reason, which is the one it records; {@code reason} keeps this one as suppressed.
         */
        public void abandon(Throwable reason) {
            abandoned.set(true);
            try {
                await();
            } catch (SQLException | RuntimeException | Error e) {
                if (Causes.first(reason, t -> t == e) != null) {
                    return; // the run failed of it (stage waited for it and threw it)
                }
                reason.addSuppressed(e);
            }
        }
    }

    /** A run whose rows are stored, not yet marked SUCCEEDED ({@link #stage}). */
    public final class Staged {
        private final String runId;
        private final CompletedRun run;

        private Staged(String runId, CompletedRun run) {
            this.runId = runId;
            this.run = run;
        }

        /** Marks the run SUCCEEDED with its counts. */
        public void commit(Instant finishedAt) {
            AuditResult r = run.result();
            Map<String, Integer> by = r.bySeverity();
            int waived = (int) r.findings().stream().filter(Finding::isWaived).count();
            List<String> unaudited = r.context().clusters().stream().filter(c -> !r.context().audited(c))
                    .map(ResolvedCluster::name).toList();
            try (PreparedStatement ps = connection.prepareStatement("UPDATE audit_run SET status = ?,"
                    + " finished_at = ?, report_dir = ?, objects_read = ?, hosts = ?, findings = ?, high = ?,"
                    + " medium = ?, low = ?, info = ?, waived = ?, compliance = ?, unaudited = ? WHERE id = ?"
                    + " AND status = ?")) {
                bind(ps, RunSummary.SUCCEEDED, ts(finishedAt),
                        run.reportDir() == null ? null : cut(run.reportDir().toString(), 1000), run.objectsRead(),
                        r.context().nodes().size(), r.findings().size(), by.get("HIGH"), by.get("MEDIUM"),
                        by.get("LOW"), by.get("INFO"), waived, r.compliancePercent(),
                        unaudited.isEmpty() ? null : cut(String.join("\n", unaudited), 1_000_000), runId,
                        RunSummary.RUNNING);
                if (ps.executeUpdate() != 1) {
                    // ended by someone else meanwhile (interrupted), who deleted its rows
                    throw new SQLException("run " + runId + " is not RUNNING in the store");
                }
            } catch (SQLException e) {
                throw new StoreException("history store " + display + ": cannot write run " + runId + ": "
                        + firstLine(e), e);
            }
        }
    }

    /** The last successful run of the same configuration as {@code runId}: the one its snapshot is stored against. */
    private String previousOf(String runId) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT p.id FROM audit_run r JOIN audit_run p"
                + " ON (p.config_path = r.config_path OR p.config_path IS NULL AND r.config_path IS NULL)"
                + " WHERE r.id = ? AND p.status = ? AND p.run_no < r.run_no ORDER BY p.run_no DESC")) {
            bind(ps, runId, RunSummary.SUCCEEDED);
            ps.setMaxRows(1);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Newest first. */
    public List<RunSummary> list(int limit) {
        return query("list runs", SELECT_RUN + " ORDER BY run_no DESC", limit);
    }

    /**
     * Newest first: the runs of one configuration, filed under {@code historyKey} ({@link #historyKey}) or another
     * spelling of the same absolute path, as retention and the previous run count them.
     */
    public List<RunSummary> list(String historyKey, int limit) {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT config_path FROM audit_run"
                + " WHERE config_path IS NOT NULL"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (sameHistory(rs.getString(1), historyKey)) {
                    keys.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw readFailed("list the runs of " + historyKey, e);
        }
        return keys.isEmpty() ? List.of() : query("list runs", SELECT_RUN + " WHERE config_path IN ("
                + String.join(", ", java.util.Collections.nCopies(keys.size(), "?")) + ") ORDER BY run_no DESC", limit,
                keys.toArray());
    }

    /** A run by id or unique id prefix (as {@code history} prints it). */
    public Optional<RunSummary> find(String idOrPrefix) {
        List<RunSummary> hits = query("find run " + idOrPrefix, SELECT_RUN + " WHERE id LIKE ? ORDER BY run_no",
                3, idOrPrefix.replace("%", "").replace("_", "\\_") + "%");
        if (hits.size() > 1) {
            throw new IllegalArgumentException("run id prefix '" + idOrPrefix + "' is ambiguous: give more characters");
        }
        return hits.stream().findFirst();
    }

    /**
     * The SUCCEEDED scheduled run ({@code trigger} "schedule", or "retry": {@link RunSummary#SCHEDULED}) of one
     * configuration that began last, other than
     * {@code runId}, whose fire ended SUCCEEDED in {@code schedule_fire} (the daemon records that only once the run's
     * notices are queued) for a job not in {@code silentJobs} ({@code notify: never}): what the daemon's notices
     * compare with. So neither a manual run, preflight or baseline capture in between, nor a job that tells nobody,
     * nor a run whose daemon died before it queued its notices absorbs a change nobody was told of.
     */
    public Optional<RunSummary> lastScheduled(String configPath, String runId, java.util.Collection<String> silentJobs) {
        List<Object> params = new ArrayList<>(List.of(RunSummary.SUCCEEDED));
        params.addAll(RunSummary.SCHEDULED);
        params.add(runId);
        if (configPath != null) {
            params.add(cut(configPath, 1000));
        }
        params.add("SUCCEEDED");
        params.addAll(silentJobs);
        return query("find the last scheduled run", SELECT_RUN + " WHERE status = ? AND trigger_name IN (?, ?)"
                + " AND id <> ?"
                + (configPath == null ? " AND config_path IS NULL" : " AND config_path = ?")
                + " AND id IN (SELECT run_id FROM schedule_fire WHERE status = ? AND run_id IS NOT NULL"
                + (silentJobs.isEmpty() ? "" : " AND job_name NOT IN (" + String.join(", ",
                        java.util.Collections.nCopies(silentJobs.size(), "?")) + ")")
                + ") ORDER BY run_no DESC", 1, params.toArray()).stream().findFirst();
    }

    /**
     * The SUCCEEDED run of one configuration other than {@code runId} that began last and was not scheduled (a
     * manual run, preflight, baseline capture): what the daemon's notices compare with before any scheduled run of
     * the config has told anything.
     */
    public Optional<RunSummary> lastUnscheduled(String configPath, String runId) {
        List<Object> params = new ArrayList<>(List.of(RunSummary.SUCCEEDED));
        params.addAll(RunSummary.SCHEDULED);
        params.add(runId);
        if (configPath != null) {
            params.add(cut(configPath, 1000));
        }
        return query("find the last run", SELECT_RUN + " WHERE status = ? AND (trigger_name IS NULL OR trigger_name"
                + " NOT IN (?, ?)) AND id <> ?"
                + (configPath == null ? " AND config_path IS NULL" : " AND config_path = ?")
                + " ORDER BY run_no DESC", 1, params.toArray()).stream().findFirst();
    }

    /**
     * The SUCCEEDED runs of one configuration that began after run {@code afterRunId} and before run {@code runId},
     * oldest first: the audits between the one a notice compares with and the one it is about (manual runs,
     * preflights, a job that tells nobody, scheduled audits whose notices could not be queued), whose directory
     * changes the notice carries.
     */
    public List<RunSummary> runsBetween(String configPath, String afterRunId, String runId) {
        List<Object> params = new ArrayList<>(List.of(RunSummary.SUCCEEDED, afterRunId, runId));
        if (configPath != null) {
            params.add(cut(configPath, 1000));
        }
        return query("find the runs between two runs", SELECT_RUN + " WHERE status = ?"
                + " AND run_no > (SELECT run_no FROM audit_run WHERE id = ?)"
                + " AND run_no < (SELECT run_no FROM audit_run WHERE id = ?)"
                + (configPath == null ? " AND config_path IS NULL" : " AND config_path = ?") + " ORDER BY run_no",
                Integer.MAX_VALUE, params.toArray());
    }

    /** " AND trigger_name NOT IN (?, ?)": a run that is not a check ({@link RunSummary#CHECKS}), with its parameters. */
    private static final String NOT_A_CHECK = " AND trigger_name NOT IN (" + String.join(", ",
            java.util.Collections.nCopies(RunSummary.CHECKS.size(), "?")) + ")";

    /**
     * The SUCCEEDED run that began last and is not a check ({@link RunSummary#CHECKS}: a preflight, a baseline
     * capture), of one configuration file; of any when {@code anyConfig}. What every run compares with.
     */
    private Optional<RunSummary> lastCompared(String configPath, boolean anyConfig) {
        List<Object> params = new ArrayList<>(List.of(RunSummary.SUCCEEDED));
        params.addAll(RunSummary.CHECKS);
        String config = "";
        if (!anyConfig) {
            config = configPath == null ? " AND config_path IS NULL" : " AND config_path = ?";
            if (configPath != null) {
                params.add(cut(configPath, 1000));
            }
        }
        return query("find the last run to compare with", SELECT_RUN + " WHERE status = ?" + NOT_A_CHECK + config
                + " ORDER BY run_no DESC", 1, params.toArray()).stream().findFirst();
    }

    /** The run a run compares with ({@link #previousRun(String)}), of any configuration. */
    public Optional<PreviousRun> previousRun() {
        return lastCompared(null, true).map(this::previous);
    }

    /**
     * The run a run of one configuration file compares with (what {@code AuditRun} reads): its last successful run
     * that is not a check ({@link RunSummary#CHECKS}). A preflight or a baseline capture compares with it too, and is
     * never what a later run compares with: a monthly run's reports tell what changed since the last reports.
     */
    public Optional<PreviousRun> previousRun(String configPath) {
        return lastCompared(configPath, false).map(this::previous);
    }

    private PreviousRun previous(RunSummary r) {
        Map<String, Finding> findings = previousFindings(r.id());
        try {
            Map<String, NodeNames> names = new HashMap<>();
            Set<String> unaudited = unaudited(r.id());
            Map<String, String> hostClusters = hostClusters(r.id());
            return new PreviousRun(r.id(), r.finishedAt(), snapshots.hostStates(r.id(), null, names), findings.keySet(),
                    findings, explainedFailures(r.configPath()), unaudited, r.startedAt(),
                    snapshots.fileServerGrants(r.id())).withNotFound(missingNodes(r.id())).withNodeNames(names)
                    .withTrigger(r.trigger()).withClusters(clusters(hostClusters, findings.values(), unaudited))
                    .withHostClusters(hostClusters);
        } catch (SQLException e) {
            throw readFailed("read the snapshot of run " + r.id(), e);
        }
    }

    /**
     * For each objectSid of {@code nameBySid} (a node this run found that the previous run did not record, by its name
     * now), the node as the last successful run of {@code historyKey} that recorded that objectSid for a cluster node
     * found it, where it was under another name: the node renamed while the runs in between, still naming it by its
     * old name, did not find it ({@link PreviousRun#lastFound}). Keyed by the objectSid in upper case. One indexed
     * query (V117) per 500 SIDs, and one read of each such host's stored state.
     */
    public Map<String, LastFound> lastFound(String historyKey, Map<String, String> nameBySid) {
        Map<String, LastFound> out = new LinkedHashMap<>();
        List<String> sids = List.copyOf(nameBySid.keySet());
        try {
            for (int from = 0; from < sids.size(); from += 500) {
                List<String> some = sids.subList(from, Math.min(sids.size(), from + 500));
                Map<String, Object[]> last = new LinkedHashMap<>(); // the latest row per SID: host, run, its end
                try (PreparedStatement ps = connection.prepareStatement("SELECT h.object_sid, h.host_name, r.id,"
                        + " r.config_path, r.finished_at FROM run_host h JOIN audit_run r ON r.id = h.run_id WHERE h.object_sid IN ("
                        + String.join(", ", java.util.Collections.nCopies(some.size(), "?")) + ") AND"
                        + " h.cluster_name IS NOT NULL AND r.status = ? ORDER BY r.run_no")) {
                    List<Object> params = new ArrayList<>(some);
                    params.add(RunSummary.SUCCEEDED);
                    bind(ps, params.toArray());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            if (historyKey == null ? rs.getString(4) == null : sameHistory(rs.getString(4), historyKey)) {
                                last.put(rs.getString(1), new Object[]{rs.getString(2), rs.getString(3),
                                        instant(rs, 5)});
                            }
                        }
                    }
                }
                for (Map.Entry<String, Object[]> e : last.entrySet()) {
                    String host = (String) e.getValue()[0];
                    String run = (String) e.getValue()[1];
                    HostState state = host.equalsIgnoreCase(nameBySid.get(e.getKey())) ? null
                            : snapshots.hostStates(run, host).get(host);
                    if (state != null) {
                        out.put(e.getKey().toUpperCase(Locale.ROOT), new LastFound(run, (Instant) e.getValue()[2],
                                state));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the runs that recorded the new nodes' objectSids", e);
        }
    }

    /**
     * The configured nodes run {@code runId} did not find, as the last run that found each recorded it (V118), by name
     * in upper case ({@link PreviousRun#notFound}): with the names the node had there (its name, sAMAccountName and
     * dNSHostName, read from that run's row of the node's objectSid), which a later run configured with another form
     * of its name is matched against; where that run is no longer stored, by the name the configuration gave it.
     */
    private Map<String, LastFoundSid> missingNodes(String runId) throws SQLException {
        Map<String, LastFoundSid> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT m.node_name, m.object_sid, m.found_run_id,"
                + " m.found_at, h.host_name, h.sam_account, h.dns_host_name FROM run_missing_node m LEFT JOIN run_host h"
                + " ON h.run_id = m.found_run_id AND h.object_sid = m.object_sid AND h.cluster_name IS NOT NULL"
                + " WHERE m.run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean stored = rs.getString(5) != null;
                    out.putIfAbsent(rs.getString(1).toUpperCase(Locale.ROOT), new LastFoundSid(
                            stored ? rs.getString(5) : rs.getString(1), rs.getString(6), rs.getString(7),
                            rs.getString(2), rs.getString(3), instant(rs, 4)));
                }
            }
        }
        return out;
    }

    /**
     * Writes, for each configured node this run did not find, its objectSid as the last run that found it recorded it
     * ({@link AuditContext#lastFoundSid}: the previous run, or as that run carried it), and whether a computer of this
     * run holds that objectSid under another name (V119: renamed, {@link AuditContext#renamedNode}); none for a node no
     * run recorded with an objectSid.
     */
    private void writeMissingNodes(String runId, AuditContext ctx) throws SQLException {
        Set<String> written = new java.util.HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_missing_node (run_id, node_name,"
                + " object_sid, found_run_id, found_at, renamed) VALUES (?, ?, ?, ?, ?, ?)")) {
            for (ResolvedCluster c : ctx.clusters()) {
                for (String name : c.missingNodes()) {
                    LastFoundSid last = ctx.lastFoundSid(name);
                    String stored = cut(name, 255);
                    if (last != null && written.add(stored.toUpperCase(Locale.ROOT))) {
                        bind(ps, runId, stored, cut(last.objectSid(), 200), last.runId(), ts(last.finishedAt()),
                                ctx.renamedNode(name, last) != null);
                        ps.addBatch();
                    }
                }
            }
            if (!written.isEmpty()) {
                ps.executeBatch();
            }
        }
    }

    /**
     * The runs the run the next run of {@code historyKey} compares with ({@link #previousRun(String)}) names as the
     * last that found a configured node it did not
     * find (V118) whose objectSid a computer held there under another name (V119): retention keeps them, so the run
     * that finds the node again under its new name (the configuration following a rename) compares it with its state
     * there ({@link #lastFound}), not as a new node. A node deleted or decommissioned (no computer holds its objectSid)
     * keeps none: its objectSid is still carried, so should it come back under another name, the run that finds it so
     * keeps that run again, if it is still there.
     */
    public Set<String> runsLastFindingMissingNodes(String historyKey) {
        Optional<RunSummary> last = lastCompared(historyKey, false);
        if (last.isEmpty()) {
            return Set.of();
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT DISTINCT found_run_id FROM run_missing_node"
                + " WHERE run_id = ? AND renamed = ?")) {
            bind(ps, last.get().id(), true);
            Set<String> out = new java.util.HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the runs that last found the configured nodes not found", e);
        }
    }

    /**
     * The clusters of a run's configuration as it recorded them ({@link PreviousRun#clusters}): those of its nodes
     * ({@code hostClusters}), of its {@code findings} (a cluster whose nodes it did not find has its HOST_NOT_FOUND or
     * CLUSTER_EMPTY) and those it did not audit ({@code unaudited}).
     */
    private static Set<String> clusters(Map<String, String> hostClusters, java.util.Collection<Finding> findings,
                                        Set<String> unaudited) {
        Set<String> out = new java.util.HashSet<>(unaudited);
        findings.stream().map(Finding::cluster).filter(java.util.Objects::nonNull).forEach(out::add);
        out.addAll(hostClusters.values());
        return out;
    }

    /** By name, the cluster each node of run {@code runId} was recorded under ({@link PreviousRun#hostClusters}). */
    private Map<String, String> hostClusters(String runId) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT host_name, cluster_name FROM run_host"
                + " WHERE run_id = ? AND cluster_name IS NOT NULL")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The clusters a run did not audit (their directory could not be read), as configured. */
    public Set<String> unaudited(String runId) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT unaudited FROM audit_run WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                String names = rs.next() ? rs.getString(1) : null;
                return names == null ? Set.of() : Set.of(names.split("\n"));
            }
        } catch (SQLException e) {
            throw readFailed("read the clusters run " + runId + " did not audit", e);
        }
    }

    /**
     * The directed pairs whose observed migration failures a successful run of {@code configPath} reported explained
     * by the pair's delegation findings ({@code "…; explained by …"}), with the end of the last such run.
     */
    private Map<String, Instant> explainedFailures(String configPath) {
        Map<String, Instant> out = new java.util.HashMap<>();
        lastExplaining(configPath).forEach((pair, run) -> out.put(pair, run.getValue()));
        return out;
    }

    /**
     * The runs {@link PreviousRun#explainedFailures} rests on: for each directed pair, the last successful run of the
     * configuration (under any spelling of its path, {@link #sameHistory}) that reported the pair's observed failures
     * explained by its delegation findings. Retention keeps them: without them the failures a later run left out as
     * settled would be reported again, as if delegation could not explain them.
     */
    public Set<String> runsExplainingFailures(String historyKey) {
        Set<String> out = new java.util.HashSet<>();
        lastExplaining(historyKey).values().forEach(run -> out.add(run.getKey()));
        return out;
    }

    /** Per directed pair, the last run (id and end) of a configuration that reported its failures explained. */
    private Map<String, Map.Entry<String, Instant>> lastExplaining(String configPath) {
        Map<String, Map.Entry<String, Instant>> out = new java.util.HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT f.host_name, f.peer, r.id, r.finished_at,"
                + " r.config_path FROM run_finding f JOIN audit_run r ON r.id = f.run_id WHERE f.rule_id = ?"
                + " AND f.delegation_explains AND f.peer IS NOT NULL AND r.status = ? ORDER BY r.run_no")) {
            bind(ps, "MIGRATION_FAILURE_OBSERVED", RunSummary.SUCCEEDED);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (configPath == null ? rs.getString(5) == null : sameHistory(rs.getString(5), configPath)) {
                        java.sql.Timestamp t = rs.getTimestamp(4);
                        out.put(PreviousRun.pairKey(rs.getString(1), rs.getString(2)),
                                Map.entry(rs.getString(3), t == null ? Instant.EPOCH : t.toInstant()));
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the explained migration failures", e);
        }
    }

    /**
     * One stored CHANGED_SINCE_LAST_RUN record: when, which host, what the message said, and the kinds of its changes
     * ({@code Drift.Kind} names, in their order; null for a record stored before V122 that did not tell a password
     * change alone).
     */
    public record Change(String runId, Instant at, String host, String message, List<String> kinds) {
    }

    /**
     * The timeline of one configuration: the CHANGED_SINCE_LAST_RUN findings of its successful runs that are not
     * checks ({@link RunSummary#CHECKS}: each change as the run that reported it saw it, once), newest run first, at
     * most {@code limit}.
     */
    public List<Change> timeline(String configPath, int limit) {
        List<Change> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.id, r.finished_at, f.host_name, f.message,"
                + " f.change_kinds FROM run_finding f JOIN audit_run r ON r.id = f.run_id"
                + " WHERE f.rule_id = 'CHANGED_SINCE_LAST_RUN'"
                + " AND r.status = ? AND r.config_path = ?" + NOT_A_CHECK.replace("trigger_name", "r.trigger_name")
                + " ORDER BY r.run_no DESC, f.seq")) {
            bind(ps, checks(RunSummary.SUCCEEDED, cut(configPath, 1000)));
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Change(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4),
                            changeKinds(rs.getString(5))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the change timeline", e);
        }
    }

    /**
     * The trend of one configuration: its last {@code limit} successful runs that are not checks ({@link
     * RunSummary#CHECKS}: no point that no report backs), newest first, each with its finish
     * time, open HIGH findings and, where stored (runs since V110), pairs, pairs OK and new/resolved counts, with the
     * change records among the new ones: the run's CHANGED_SINCE_LAST_RUN findings, counted from its stored findings
     * (each records a change since the run before, so it is new in the run that reports it), also for a run stored
     * before they were counted apart.
     */
    public List<TrendPoint> trend(String configPath, int limit) {
        List<TrendPoint> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.id, r.finished_at, r.high, t.pairs,"
                + " t.pairs_ok, t.new_findings, t.resolved_findings, (SELECT COUNT(*) FROM run_finding f"
                + " WHERE f.run_id = r.id AND f.rule_id = 'CHANGED_SINCE_LAST_RUN') FROM audit_run r"
                + " LEFT JOIN run_trend t ON t.run_id = r.id WHERE r.status = ? AND r.config_path = ?"
                + NOT_A_CHECK.replace("trigger_name", "r.trigger_name") + " ORDER BY r.run_no DESC")) {
            bind(ps, checks(RunSummary.SUCCEEDED, cut(configPath, 1000)));
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Integer added = integer(rs, 6);
                    out.add(new TrendPoint(rs.getString(1), instant(rs, 2), integer(rs, 4), integer(rs, 5),
                            integer(rs, 3), added, integer(rs, 7), added == null ? null
                            : Math.min(added, rs.getInt(8))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read the trend of " + configPath, e);
        }
    }

    /** {@code first} and {@code second}, then the parameters of {@link #NOT_A_CHECK}. */
    private static Object[] checks(Object first, Object second) {
        List<Object> out = new ArrayList<>(List.of(first, second));
        out.addAll(RunSummary.CHECKS);
        return out.toArray();
    }

    private void writeTrend(String runId, TrendPoint t) throws SQLException {
        if (t == null || t.pairs() == null || t.pairsOk() == null) {
            return;
        }
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_trend (run_id, pairs, pairs_ok,"
                + " new_findings, resolved_findings) VALUES (?, ?, ?, ?, ?)")) {
            bind(ps, runId, t.pairs(), t.pairsOk(), t.newFindings(), t.resolvedFindings());
            ps.executeUpdate();
        }
    }

    /**
     * The findings of a previous run by id, as a resolved one is shown: what it was about and its message (not its
     * remediation text, which a run reads for every stored finding and never shows for a resolved one), and whether a
     * waiver waived it there (with its justification; the store keeps no expiry), which a finding open now it waived
     * is counted by ({@code history.unwaivedFindings}).
     */
    private Map<String, Finding> previousFindings(String runId) {
        Map<String, Finding> out = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT finding_id, rule_id, severity, cluster_name,"
                + " host_name, peer, spn, message, waived, justification, change_kinds FROM run_finding WHERE run_id = ?"
                + " ORDER BY seq")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean waived = rs.getBoolean(9);
                    out.putIfAbsent(rs.getString(1), new Finding(rs.getString(1), rs.getString(2),
                            Severity.valueOf(rs.getString(3)), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), null, storedEvidence(rs.getString(11)), List.of(),
                            waived ? Boolean.TRUE : null,
                            waived ? new Finding.Waiver(rs.getString(10), null) : null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read findings of run " + runId, e);
        }
    }

    /**
     * The findings a run recorded, in report order (their text, and of a change record the kinds of its changes as its
     * evidence's {@code changeKinds}; the rest of the evidence and the actions are in its findings.json).
     */
    public List<Finding> findings(String runId) {
        List<Finding> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT finding_id, rule_id, severity, cluster_name,"
                + " host_name, peer, spn, message, remediation, waived, justification, change_kinds FROM run_finding"
                + " WHERE run_id = ? ORDER BY seq")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean waived = rs.getBoolean(10);
                    out.add(new Finding(rs.getString(1), rs.getString(2), Severity.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), storedEvidence(rs.getString(12)), List.of(), waived ? Boolean.TRUE : null,
                            waived ? new Finding.Waiver(rs.getString(11), null) : null));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed("read findings of run " + runId, e);
        }
    }

    /** Node states (userAccountControl flags, delegation entries) a run recorded, by host name. */
    public Map<String, HostState> hostStates(String runId) {
        try {
            return snapshots.hostStates(runId);
        } catch (SQLException e) {
            throw readFailed("read the snapshot of run " + runId, e);
        }
    }

    /** How many rows a run stored in one of its tables ({@code history show}, tests). */
    public int count(String table, String runId) {
        if (!List.of("run_host", "run_host_attr", "run_patch", "run_event", "run_finding", "run_trend",
                "run_missing_node", "run_node_fact")
                .contains(table)) {
            throw new IllegalArgumentException(table);
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw readFailed("count " + table, e);
        }
    }

    /**
     * Deletes the runs of one configuration that retention no longer keeps (see {@link Pruning}), oldest first, each
     * with everything it stored; runs other runs' snapshots refer to hand their values over first.
     *
     * @param historyKey the configuration's {@link #historyKey}: the runs of other configurations sharing the store
     *                   are theirs to prune
     * @return the runs pruned (or that would be, with {@code dryRun}), oldest first
     */
    public List<RunSummary> prune(String historyKey, int keepNewest, Instant before, Set<String> keep, boolean dryRun) {
        try {
            return new Pruning(connection, snapshots).prune(historyKey, keepNewest, before, keep, dryRun, this);
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot prune runs: " + firstLine(e), e);
        }
    }

    /**
     * Records the cluster preflight {@code runId} was asked about ({@code preflight --cluster}, V120): history names it
     * beside the run's counts, which are of every cluster the run audited.
     */
    public void preflightOf(String runId, String cluster) {
        update("record the cluster of preflight " + runId, "UPDATE audit_run SET preflight_cluster = ? WHERE id = ?",
                cut(cluster, 255), runId);
    }

    /** Marks a run as one retention must keep, with the reason (e.g. the baseline captured from it). */
    public void pin(String runId, String reason) {
        update("pin run " + runId, "UPDATE audit_run SET pinned = ? WHERE id = ?", cut(reason, 200), runId);
    }

    /**
     * A waived finding of a rule as the store keeps it (host, peer, SPN; U+0000 as the text {@code \u0000}, {@link
     * #stored}): whether a waiver accepts it.
     */
    @FunctionalInterface
    public interface WaivedFinding {
        boolean accepts(String host, String peer, String spn);
    }

    /**
     * The first run of a configuration in which a finding of {@code rule} that {@code waiver} accepts was waived: the
     * run that shows what a waiver accepted. The waiver decides (its host as {@code HV01$} or in another case, its SPN
     * with the root's trailing dot), as it did when it waived the finding; the configuration's runs are those
     * {@link #prune} counts as its own, under any spelling of its path ({@link #sameHistory}).
     */
    public Optional<String> firstRunWaiving(String configPath, String rule, WaivedFinding waiver) {
        try (PreparedStatement ps = connection.prepareStatement("SELECT r.id, f.host_name, f.peer, f.spn,"
                + " r.config_path FROM run_finding f JOIN audit_run r ON r.id = f.run_id WHERE f.waived = TRUE"
                + " AND r.status = ? AND f.rule_id = ? ORDER BY r.run_no")) {
            bind(ps, RunSummary.SUCCEEDED, rule);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (sameHistory(rs.getString(5), configPath)
                            && waiver.accepts(rs.getString(2), rs.getString(3), rs.getString(4))) {
                        return Optional.of(rs.getString(1));
                    }
                }
                return Optional.empty();
            }
        } catch (SQLException e) {
            throw readFailed("find the run a waiver refers to", e);
        }
    }

    /** The store's named locks, on this store's connection. */
    public RunLocks locks() {
        return new RunLocks(connection, display);
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private void writeFindings(String runId, List<Finding> findings) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO run_finding (run_id, finding_id, seq,"
                + " rule_id, severity, cluster_name, host_name, peer, spn, message, remediation, waived, justification,"
                + " delegation_explains, change_kinds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < findings.size(); i++) {
                Finding f = findings.get(i);
                bind(ps, runId, f.id(), i, f.rule(), f.severity().name(), cut(f.cluster(), 255), cut(f.host(), 255),
                        cut(f.peer(), 255), cut(f.spn(), 1000), cut(f.message(), 4000), cut(f.remediation(), 4000),
                        f.isWaived(), f.waiver() == null ? null : cut(f.waiver().justification(), 1000),
                        f.hasEvidence() && Boolean.TRUE.equals(f.evidence().delegationExplains()),
                        f.hasEvidence() ? changeKinds(f.evidence().changeKinds()) : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The most characters {@code run_finding.change_kinds} holds (V122). */
    private static final int CHANGE_KINDS = 1_000_000;

    /**
     * A change record's kinds as {@code run_finding.change_kinds} holds them: one a line, in the order of its changes;
     * past {@link #CHANGE_KINDS} characters (tens of thousands of changes on one host) each kind once, which still
     * tells what kinds of change it records; null for none.
     */
    static String changeKinds(List<String> kinds) {
        if (kinds == null || kinds.isEmpty()) {
            return null;
        }
        String all = String.join("\n", kinds);
        return all.length() <= CHANGE_KINDS ? all : String.join("\n", new java.util.LinkedHashSet<>(kinds));
    }

    /** {@code run_finding.change_kinds} as a list; null where none were recorded. */
    private static List<String> changeKinds(String stored) {
        return stored == null || stored.isEmpty() ? null : List.of(stored.split("\n"));
    }

    /** What the store keeps of a finding's evidence: the kinds of a change record's changes; null for none. */
    private static Evidence storedEvidence(String changeKinds) {
        List<String> kinds = changeKinds(changeKinds);
        return kinds == null ? null : Evidence.builder().changeKinds(kinds).build();
    }

    private List<RunSummary> query(String what, String sql, int limit, Object... params) {
        List<RunSummary> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            ps.setMaxRows(limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Integer> by = new LinkedHashMap<>();
                    by.put("HIGH", integer(rs, 13));
                    by.put("MEDIUM", integer(rs, 14));
                    by.put("LOW", integer(rs, 15));
                    by.put("INFO", integer(rs, 16));
                    out.add(new RunSummary(rs.getString(1), instant(rs, 2), instant(rs, 3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            integer(rs, 10), integer(rs, 11), integer(rs, 12), by, integer(rs, 17),
                            decimal(rs, 18), rs.getString(19)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw readFailed(what, e);
        }
    }

    private void update(String what, String sql, Object... params) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("history store " + display + ": cannot " + what + ": " + firstLine(e), e);
        }
    }

    private StoreException readFailed(String what, SQLException e) {
        return new StoreException("history store " + display + ": cannot " + what + ": " + firstLine(e), e);
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (p instanceof OffsetDateTime t) {
                ps.setObject(i + 1, t);
            } else if (p instanceof LocalDate d) {
                ps.setObject(i + 1, d);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static Integer integer(ResultSet rs, int col) throws SQLException {
        int v = rs.getInt(col);
        return rs.wasNull() ? null : v;
    }

    /** A nullable decimal column: null where the row has none (a run that required no entry has no compliance). */
    private static Double decimal(ResultSet rs, int col) throws SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : v;
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime t = rs.getObject(col, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /**
     * {@code s} as a text column of at most {@code max} characters holds it: U+0000, which PostgreSQL's text refuses
     * (a directory or import value holding one failed the run's commit), as the six characters {@code \u0000} the
     * reports show it by; longer than {@code max}, cut with "…". Every text the store writes passes here; the
     * delegation values themselves are kept exactly, compressed into a binary column.
     */
    static String cut(String s, int max) {
        String t = stored(s);
        return t == null || t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    /** {@code s} with U+0000 as the text {@code \u0000}, as the store writes it ({@link #cut}); null for null. */
    public static String stored(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace("\u0000", "\\u0000");
    }

    /** Statements run in one transaction ({@link #inTransaction}). */
    @FunctionalInterface
    interface Transaction<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when it throws
     * (the rollback's own failure dropped: the transaction is gone with a broken connection), and {@code c} back
     * to auto-commit afterwards.
     */
    static <T> T inTransaction(Connection c, Transaction<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T out = work.run();
            c.commit();
            return out;
        } catch (Throwable e) {
            // any failure, an Error too: switching auto-commit back on below would commit what is open
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is broken; the transaction is gone with it
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    static String firstLine(Throwable e) {
        String written = writeFailure(e);
        if (written != null) {
            return written;
        }
        String damage = readDamage(e);
        if (damage != null) {
            return damage;
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }

    /**
     * H2 finding its file damaged where it reads it (MVStoreException "File corrupted in chunk 14, expected page length
     * …" or "Unable to read the page at position …, chunk …, offset 0xjava.lang.ArrayIndexOutOfBoundsException: …",
     * or "File corrupted while reading record"): an old run's rows H2 does not read on opening ({@link H2StoreFile}
     * checks what it does), in words with what to do, or null for any other error.
     */
    private static String readDamage(Throwable e) {
        Throwable t = Causes.first(e, x -> x instanceof org.h2.mvstore.MVStoreException m
                && m.getErrorCode() == org.h2.mvstore.DataUtils.ERROR_FILE_CORRUPT
                || x instanceof SQLException s && s.getErrorCode() == org.h2.api.ErrorCode.FILE_CORRUPTED_1);
        if (t == null) {
            return null;
        }
        String m = t.getMessage() == null ? "" : t.getMessage().lines().findFirst().orElse("")
                .replaceFirst("\\. Possible solution.*", ""); // H2's recovery tool: a backup is the way here
        int end = m.indexOf(", ");
        String where = (end < 0 ? m.replaceAll(" \\[[0-9./-]+]$", "") : m.substring(0, end)).strip();
        return "the store file is damaged: H2 cannot read part of it (" + where + "): restore the file" + RESTORE;
    }

    /**
     * H2's failure to write its file (MVStoreException "Writing to sun.nio.ch.FileChannelImpl@… failed", the
     * IOException beneath it: a full disk, an I/O error) in words, or null for any other error. H2 keeps the file at
     * its last complete commit, so the runs stored before are kept.
     */
    private static String writeFailure(Throwable e) {
        boolean h2Write = false;
        IOException io = null;
        for (Throwable t : Causes.chain(e)) {
            if (t instanceof org.h2.mvstore.MVStoreException && t.getMessage() != null
                    && t.getMessage().startsWith("Writing to ")) {
                h2Write = true;
            }
            if (t instanceof IOException i) {
                io = i;
            }
        }
        if (!h2Write) {
            return null;
        }
        String why = io == null || io.getMessage() == null ? "a write error" : io.getMessage().strip();
        boolean full = why.contains("No space left") || why.contains("not enough space") || why.contains("Disk quota");
        return "the store file could not be written (" + why + ")" + (full
                ? ": the disk is full — free space, then retry (the runs stored before are kept)"
                : " — check the disk, then retry (the runs stored before are kept)");
    }
}
