package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.kcdauditor.store.PackedValues;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;

/**
 * Host values deflated ({@code run_host_attr.vals_deflated}, {@link PackedValues}) instead of JSON text
 * ({@code vals}): at 20,000 hosts the text was 90 MB per first run and writing it 40 % of the run's CPU.
 * Every stored array is deflated over; the digests of rows written before are cleared, since a digest is now
 * taken of the deflated bytes: the next run compares against nothing and stores its values in full once,
 * as a run did before snapshots were stored as changes. References ({@code same_as}) stay valid.
 */
public class V111__host_values_deflated extends BaseJavaMigration {
    private static final int BATCH = 1_000;

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean pg = QuartzDdl.isPostgres(c);
        QuartzDdl.execute(c, List.of("ALTER TABLE run_host_attr ADD COLUMN vals_deflated "
                + (pg ? "BYTEA" : "VARBINARY")));
        PackedValues packer = new PackedValues();
        try (PreparedStatement read = c.prepareStatement(
                "SELECT run_id, host_name, attr, vals FROM run_host_attr WHERE vals IS NOT NULL");
             PreparedStatement write = c.prepareStatement("UPDATE run_host_attr SET vals_deflated = ?"
                     + " WHERE run_id = ? AND host_name = ? AND attr = ?")) {
            read.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    write.setBytes(1, packer.pack(rs.getString(4)));
                    write.setString(2, rs.getString(1));
                    write.setString(3, rs.getString(2));
                    write.setString(4, rs.getString(3));
                    write.addBatch();
                    if (++pending == BATCH) {
                        write.executeBatch();
                        pending = 0;
                    }
                }
            }
            write.executeBatch();
        } finally {
            packer.close();
        }
        QuartzDdl.execute(c, List.of(
                "UPDATE run_host_attr SET digest = NULL",
                "ALTER TABLE run_host_attr DROP COLUMN vals"));
    }
}
