package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.util.List;

/**
 * Quartz's JDBC JobStore tables (QRTZ_*), from the DDL the quartz jar ships: tables_postgres.sql on
 * PostgreSQL, tables_h2.sql on H2. Quartz's H2 script still uses the SQL Server type IMAGE, which
 * H2 2.x accepts only in MSSQLServer mode; it is read as BLOB here, the type StdJDBCDelegate reads
 * and writes. Nothing else is changed.
 */
public class V100__quartz_tables extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean pg = QuartzDdl.isPostgres(c);
        String script = QuartzDdl.resource("org/quartz/impl/jdbcjobstore/" + (pg ? "tables_postgres.sql" : "tables_h2.sql"));
        if (!pg) {
            script = script.replaceAll("(?i)\\bIMAGE\\b", "BLOB");
        }
        List<String> statements = QuartzDdl.statements(script).stream()
                .filter(s -> !s.regionMatches(true, 0, "DROP TABLE", 0, 10)) // a fresh schema: nothing to drop
                .toList();
        QuartzDdl.execute(c, statements);
    }
}
