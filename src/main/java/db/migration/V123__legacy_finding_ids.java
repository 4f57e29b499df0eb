package db.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.kcdauditor.model.Finding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Findings stored under the ids they had before their id gained the cluster (2026-12-05): CLUSTER_EMPTY, which names
 * no host, and HOST_NOT_FOUND of a file server, which two clusters may list. The first run after an upgrade counted
 * such a finding, unchanged, resolved under its old id and new under its new one (findings.json's history, the trend,
 * the console, an on-change notice). Their rows take the id the rule gives them now. Rows stored before hold nothing
 * but their text that tells a file server's HOST_NOT_FOUND from a node's, whose id did not change: the message those
 * releases wrote, "Cluster X lists file server 'Y' but no computer object …". Portable JDBC (H2 and PostgreSQL).
 */
public class V123__legacy_finding_ids extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        List<String[]> rename = new ArrayList<>(); // run_id, seq, new id
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, seq, cluster_name FROM run_finding"
                + " WHERE rule_id = 'CLUSTER_EMPTY' AND finding_id = ? AND cluster_name IS NOT NULL")) {
            ps.setString(1, Finding.stableId("CLUSTER_EMPTY", null, null, null));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rename.add(new String[] {rs.getString(1), rs.getString(2),
                            Finding.stableId("CLUSTER_EMPTY", null, null, rs.getString(3))});
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, seq, finding_id, host_name, cluster_name"
                + " FROM run_finding WHERE rule_id = 'HOST_NOT_FOUND' AND host_name IS NOT NULL"
                + " AND cluster_name IS NOT NULL AND message LIKE 'Cluster % lists file server %'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (rs.getString(3).equals(Finding.stableId("HOST_NOT_FOUND", rs.getString(4), null, null))) {
                    rename.add(new String[] {rs.getString(1), rs.getString(2),
                            Finding.stableId("HOST_NOT_FOUND", rs.getString(4), null, rs.getString(5))});
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE run_finding SET finding_id = ? WHERE run_id = ?"
                + " AND seq = ?")) {
            for (String[] r : rename) {
                ps.setString(1, r[2]);
                ps.setString(2, r[0]);
                ps.setInt(3, Integer.parseInt(r[1]));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
