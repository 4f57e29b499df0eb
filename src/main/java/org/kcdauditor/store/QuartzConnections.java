package org.kcdauditor.store;

import org.quartz.utils.ConnectionProvider;

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

    public QuartzConnections(Database db) {
        this.db = db;
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
