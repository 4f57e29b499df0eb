package db.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A run's multi-valued host attributes as one JSON array per host and attribute, instead of one row
 * per value: a 20,000-host snapshot is 1.5 million delegation values, which took half a minute to
 * insert row by row; as arrays it is 60,000 rows. Existing runs are copied over (in Java, because
 * string aggregation is not portable between H2 and PostgreSQL), then the old table is dropped.
 */
public class V102__host_values_as_json extends BaseJavaMigration {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("""
                    CREATE TABLE run_host_attr (
                        run_id          VARCHAR(36)   NOT NULL REFERENCES audit_run (id),
                        host_name       VARCHAR(255)  NOT NULL,
                        attr            VARCHAR(32)   NOT NULL,
                        vals            VARCHAR       NOT NULL,
                        PRIMARY KEY (run_id, host_name, attr)
                    )""");
        }
        try (PreparedStatement read = c.prepareStatement(
                "SELECT run_id, host_name, attr, val FROM run_host_value ORDER BY run_id, host_name, attr, seq");
             PreparedStatement write = c.prepareStatement(
                     "INSERT INTO run_host_attr (run_id, host_name, attr, vals) VALUES (?, ?, ?, ?)");
             ResultSet rs = read.executeQuery()) {
            String[] current = null;
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                String[] key = {rs.getString(1), rs.getString(2), rs.getString(3)};
                if (current != null && !(Objects.equals(key[0], current[0]) && Objects.equals(key[1], current[1])
                        && Objects.equals(key[2], current[2]))) {
                    insert(write, current, values);
                    values.clear();
                }
                current = key;
                values.add(rs.getString(4));
            }
            if (current != null) {
                insert(write, current, values);
            }
            write.executeBatch();
        }
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE run_host_value");
        }
    }

    private static void insert(PreparedStatement write, String[] key, List<String> values) throws Exception {
        write.setString(1, key[0]);
        write.setString(2, key[1]);
        write.setString(3, key[2]);
        write.setString(4, JSON.writeValueAsString(values));
        write.addBatch();
    }
}
