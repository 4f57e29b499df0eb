package org.kcdauditor.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * The PostgreSQL started by {@code scripts/postgres.sh up DIR}: {@code -Dkcd.pg.dir=DIR} (or
 * KCD_PG_DIR; default /tmp/kcd-pg), or {@code -Dkcd.pg.url} with KCD_PG_USER / KCD_PG_PASSWORD.
 * Absent, the tests are skipped with the reason, unless {@code -Dkcd.pg.required=true}.
 */
public final class PostgresDb {
    public final String url;
    public final String user;
    public final String password;

    private PostgresDb(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static PostgresDb requireOrSkip() {
        String[] why = new String[1];
        PostgresDb db = find(why);
        if (db == null) {
            if (Boolean.getBoolean("kcd.pg.required")) {
                throw new AssertionError("PostgreSQL required (-Dkcd.pg.required=true) but " + why[0]);
            }
            Assumptions.abort("PostgreSQL clustered tests skipped: " + why[0]);
        }
        return db;
    }

    private static PostgresDb find(String[] why) {
        String url = System.getProperty("kcd.pg.url");
        String user = System.getenv("KCD_PG_USER");
        String password = System.getenv("KCD_PG_PASSWORD");
        if (url == null || url.isBlank()) {
            String d = System.getProperty("kcd.pg.dir", System.getenv().getOrDefault("KCD_PG_DIR", "/tmp/kcd-pg"));
            Path dir = Path.of(d).toAbsolutePath();
            try {
                if (!Files.isReadable(dir.resolve("jdbc.url"))) {
                    why[0] = "no PostgreSQL set up in " + dir + " (run: scripts/postgres.sh up " + dir + ")";
                    return null;
                }
                url = Files.readString(dir.resolve("jdbc.url")).strip();
                user = Files.readString(dir.resolve("user")).strip();
                password = Files.readString(dir.resolve("password")).strip();
            } catch (IOException e) {
                why[0] = "cannot read " + dir + ": " + e.getMessage();
                return null;
            }
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.isValid(5);
        } catch (SQLException e) {
            why[0] = "PostgreSQL at " + url + " does not answer (" + e.getMessage() + "); start it with"
                    + " scripts/postgres.sh up DIR";
            return null;
        }
        return new PostgresDb(url, user, password);
    }

    /** A new, empty database for one test; its JDBC URL. */
    public String createDatabase() throws SQLException {
        String name = "kcd_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        }
        return url.substring(0, url.lastIndexOf('/') + 1) + name;
    }

    void dropDatabase(String dbUrl) {
        String name = dbUrl.substring(dbUrl.lastIndexOf('/') + 1);
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            // left for scripts/postgres.sh purge
        }
    }
}
