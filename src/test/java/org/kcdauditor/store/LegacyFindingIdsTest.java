package org.kcdauditor.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.model.Finding;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first run after an upgrade over runs stored before the ids of two findings gained their cluster (243c2e4d
 * CLUSTER_EMPTY, 92698e98 HOST_NOT_FOUND of a file server, 2026-12-05): the same unchanged finding was counted
 * resolved under its old id and new under its new one ("1 finding resolved, 1 new problem"), in findings.json's
 * history, the trend, the console and an on-change notice. The stored rows are given their new ids once (V123).
 */
class LegacyFindingIdsTest {
    private static DemoDirectory directory;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        directory = DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    @Test
    void findingsStoredUnderTheirOldIdsAreNeitherResolvedNorNewAfterTheUpgrade() throws Exception {
        // the id the build of 2026-12-01 (dd765d75) stored for "Cluster HVC1 lists file server 'NAS01' but no
        // computer object with that name exists", read from its store
        assertEquals("1af6f7f086998f10", Finding.stableId("HOST_NOT_FOUND", "NAS01", null, null));

        Path config = dir.resolve("kcd-audit.yaml");
        Files.writeString(config, """
                directory:
                  url: %s
                  bindDn: %s
                  passwordEnv: KCD_T_PW
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03, HV99]
                    fileServers: [NAS99]
                  - name: EMPTY
                    ou: OU=Domain Controllers,DC=contoso,DC=com
                reports:
                  dir: reports
                  formats: [json]
                store:
                  url: jdbc:h2:file:data/history
                """.formatted(directory.url(), DemoDirectory.BIND_DN));
        run(config, "2026-12-07T06:00:00Z");
        String url = "jdbc:h2:file:" + dir.resolve("data/history") + ";MAX_COMPACT_TIME=0";
        // as a release before 2026-12-05 stored them: the ids without the cluster, and no V123
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE run_finding SET finding_id = '"
                    + Finding.stableId("HOST_NOT_FOUND", "NAS99", null, null) + "' WHERE rule_id = 'HOST_NOT_FOUND'"
                    + " AND host_name = 'NAS99'"));
            assertEquals(1, s.executeUpdate("UPDATE run_finding SET finding_id = '"
                    + Finding.stableId("CLUSTER_EMPTY", null, null, null) + "' WHERE rule_id = 'CLUSTER_EMPTY'"));
            s.executeUpdate("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '123'");
        }

        JsonNode history = run(config, "2026-12-08T06:00:00Z").get("history");
        assertEquals(List.of(), texts(history.get("resolvedFindings")), "nothing was fixed");
        assertEquals(List.of(), texts(history.get("newFindings")), "nothing is new");

        // a node's HOST_NOT_FOUND kept its id throughout: not rewritten as a file server's
        try (Connection c = DriverManager.getConnection(url);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(DISTINCT finding_id) FROM run_finding"
                     + " WHERE rule_id = ?")) {
            for (Map.Entry<String, Integer> rule : Map.of("HOST_NOT_FOUND", 2, "CLUSTER_EMPTY", 1).entrySet()) {
                ps.setString(1, rule.getKey());
                try (ResultSet r = ps.executeQuery()) {
                    r.next();
                    assertEquals(rule.getValue(), r.getInt(1), rule.getKey() + ": each finding one id in both runs");
                }
            }
        }
    }

    private JsonNode run(Path config, String at) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"run", "--config", config.toString()},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
                Map.of("KCD_T_PW", directory.password()), Clock.fixed(Instant.parse(at), ZoneOffset.UTC), Path.of("."));
        String said = o.toString(StandardCharsets.UTF_8) + e.toString(StandardCharsets.UTF_8);
        assertTrue(code == 0 || code == 3, said);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Reports in (.+):").matcher(said);
        assertTrue(m.find(), said);
        return new ObjectMapper().readTree(Path.of(m.group(1)).resolve("findings.json").toFile());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
