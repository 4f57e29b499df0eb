package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.util.List;

/**
 * Snapshots stored as changes against the previous run: a multi-valued attribute equal to the previous
 * run's is a row without values ({@code vals} NULL) naming the run that holds them ({@code same_as}),
 * recognised by the SHA-256 digest of its JSON ({@code digest}, first 128 bits in hex). Rows written before
 * keep their values and have no digest. Also {@code audit_run.pinned}: why retention must keep a run (the
 * baseline captured from it). The only vendor difference is how a column becomes nullable.
 */
public class V104__snapshots_as_changes extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean pg = QuartzDdl.isPostgres(c);
        QuartzDdl.execute(c, List.of(
                "ALTER TABLE run_host_attr ADD COLUMN digest VARCHAR(32)",
                "ALTER TABLE run_host_attr ADD COLUMN same_as VARCHAR(36)",
                pg ? "ALTER TABLE run_host_attr ALTER COLUMN vals DROP NOT NULL"
                        : "ALTER TABLE run_host_attr ALTER COLUMN vals SET NULL",
                "CREATE INDEX run_host_attr_same_as ON run_host_attr (same_as)",
                "ALTER TABLE audit_run ADD COLUMN pinned VARCHAR(200)"));
    }
}
