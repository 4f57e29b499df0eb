package org.kcdauditor.schedule;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.StoreConfig;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.StoreException;
import org.kcdauditor.store.StoreUrls;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * JDBC connections to the history store's database for the scheduling tables (Quartz's QRTZ_*,
 * notice_outbox, schedule_fire). The schema is brought up to date by opening the history store
 * ({@link RunStore#open}, Flyway V1..), so there is one migration path and one database.
 */
public final class StoreDb {
    private final String url;
    private final Properties props;

    private StoreDb(String url, Properties props) {
        this.url = url;
        this.props = props;
    }

    /** Migrates the store (if needed) and returns a factory for connections to it. */
    public static StoreDb open(AuditConfig config, Map<String, String> env) {
        StoreUrls.open(config, env).close();
        Properties props = new Properties();
        StoreConfig s = config.store();
        if (s != null) {
            put(props, "user", env, "store.userEnv", s.userEnv());
            put(props, "password", env, "store.passwordEnv", s.passwordEnv());
        }
        return new StoreDb(StoreUrls.connectUrl(config), props);
    }

    private static void put(Properties props, String key, Map<String, String> env, String configKey, String var) {
        if (var == null || var.isBlank()) {
            return;
        }
        String v = env.get(var);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(configKey + ": environment variable " + var + " is not set");
        }
        props.setProperty(key, v);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, props);
    }

    /** A connection, or a {@link StoreException} naming the database (never its credentials). */
    public Connection connectOrFail() {
        try {
            return connect();
        } catch (SQLException e) {
            throw new StoreException("history store " + display() + " cannot be opened: " + e.getMessage(), e);
        }
    }

    public boolean isPostgres() {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    /** The URL without parameters, for messages. */
    public String display() {
        int cut = url.length();
        for (char c : new char[]{';', '?'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }
}
