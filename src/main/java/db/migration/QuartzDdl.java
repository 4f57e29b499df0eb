package db.migration;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Helpers for the scheduling migrations (V100 and up): which database, and running a DDL script
 * statement by statement inside Flyway's transaction.
 */
final class QuartzDdl {
    private QuartzDdl() {
    }

    static boolean isPostgres(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
    }

    /** A script shipped in a jar on the class path. */
    static String resource(String path) throws IOException {
        try (InputStream in = QuartzDdl.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException(path + " is not on the class path (the quartz jar ships it)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Statements of a script: '--' comment lines dropped, split on ';', COMMIT left out (Flyway commits). */
    static List<String> statements(String script) {
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\\R")) {
            if (!line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : sb.toString().split(";")) {
            String t = s.strip();
            if (!t.isEmpty() && !t.equalsIgnoreCase("commit")) {
                out.add(t);
            }
        }
        return out;
    }

    static void execute(Connection c, List<String> statements) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : statements) {
                try {
                    st.execute(s);
                } catch (SQLException e) {
                    throw new SQLException(e.getMessage() + " in: " + s.lines().findFirst().orElse(s), e.getSQLState(), e);
                }
            }
        }
    }
}
