package org.kcdauditor.store;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.config.StoreConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The history store's database as one data source: the repositories ({@link RunStore} with its
 * snapshot, finding and lock tables, {@link OutboxStore}, {@link FireLog}, {@link JobStoreQueries}) and
 * Quartz's JDBC job store ({@link QuartzConnections}) take their connections from it. The schema is
 * brought up to date once, by opening the history store ({@link RunStore#open}, Flyway V1..), so there
 * is one migration path and one database.
 */
public final class Database {
    private final String url;
    private final Properties props;

    private Database(String url, Properties props) {
        this.url = url;
        this.props = props;
    }

    /** Migrates the store (if needed) and returns a factory for connections to it. */
    public static Database open(AuditConfig config, Map<String, String> env) {
        StoreUrls.open(config, env).close();
        return of(config, env);
    }

    /** A factory for connections to a store a {@link RunStore} of this process has already opened (and migrated). */
    public static Database of(AuditConfig config, Map<String, String> env) {
        Properties props = new Properties();
        StoreConfig s = config.store();
        put(props, "user", env, "store.userEnv", s.userEnv());
        put(props, "password", env, "store.passwordEnv", s.passwordEnv());
        return new Database(StoreUrls.connectUrl(config), props);
    }

    private static void put(Properties props, String key, Map<String, String> env, String configKey, String var) {
        if (var == null || var.isBlank()) {
            return;
        }
        String v = Secrets.withoutLineBreak(env.get(var));
        if (v == null || v.isEmpty()) {
            throw new ConfigException(Secrets.unset(configKey, var, v != null));
        }
        props.setProperty(key, v);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, props);
    }

    public boolean isPostgres() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    /** The URL without parameters, for messages. */
    public String display() {
        return StoreUrls.display(url);
    }

    /**
     * Runs one INSERT/UPDATE/DELETE on its own connection.
     *
     * @param what for the error message, e.g. "update the outbox"
     * @return the number of rows changed
     */
    public int update(String what, String sql, Object... params) {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("history store " + display() + ": cannot " + what + ": " + RunStore.firstLine(e),
                    e);
        }
    }
}
