package org.kcdauditor.store;

import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Quartz's JDBC job store connections, straight from the history store's database. On an embedded
 * H2 file one connection stays open while the daemon runs, so the database is not closed and reopened
 * between Quartz's short transactions.
 */
public final class QuartzConnections implements ConnectionProvider {
    private final Database db;
    private Connection keeper;

    private QuartzConnections(Database db) {
        this.db = db;
    }

    /** Registers {@code db} as Quartz's data source {@code name} (org.quartz.jobStore.dataSource). */
    public static void register(String name, Database db) {
        DBConnectionManager.getInstance().addConnectionProvider(name, new QuartzConnections(db));
    }

    /** Closes the data source {@code name} (the daemon is stopping). */
    public static void release(String name) {
        try {
            DBConnectionManager.getInstance().shutdown(name);
        } catch (SQLException ignored) {
            // nothing held
        }
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        if (keeper == null && !db.isPostgres()) {
            keeper = db.connect();
        }
        return db.connect();
    }

    @Override
    public synchronized void shutdown() throws SQLException {
        if (keeper != null) {
            keeper.close();
            keeper = null;
        }
    }

    @Override
    public void initialize() {
        // nothing to prepare
    }
}
