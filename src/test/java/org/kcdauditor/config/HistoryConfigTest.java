package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.store.StoreUrls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryConfigTest {
    private static final String CORE = """
            directory:
              url: ldaps://dc1.contoso.com:636
              bindDn: svc@contoso.com
              passwordEnv: PW
              baseDn: DC=contoso,DC=com
            clusters:
              - name: HVC1
                nodes: [HV01, HV02]
            """;

    @TempDir
    Path dir;

    private AuditConfig load(String extra) throws Exception {
        Path f = dir.resolve("cfg/kcd-audit.yaml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, CORE + extra);
        return ConfigLoader.load(f);
    }

    private String error(String extra) {
        return assertThrows(ConfigException.class, () -> load(extra)).getMessage();
    }

    @Test
    void historyKeysLoadAndResolveAgainstTheConfigFolder() throws Exception {
        AuditConfig c = load("""
                store:
                  url: jdbc:h2:file:../data/hist;MODE=PostgreSQL
                baseline: approved/baseline.yaml
                hardeningCatalogue: kbs.yaml
                patches:
                  sources: ["exports/*.csv"]
                  mappings:
                    - {name: wsus, computer: Computer Name, hotFixId: KB Article, status: Status}
                events:
                  sources: ["events/*.xml"]
                  ids: [21502, 22038, 20417]
                  timeZone: Europe/Berlin
                hostSettings:
                  sources: ["exports/vmhost-*.csv"]
                """);
        assertEquals(List.of("exports/vmhost-*.csv"), c.hostSettings().sources());
        Path base = dir.resolve("cfg");
        assertEquals(base.resolve("approved/baseline.yaml"), c.baselinePath());
        assertEquals("jdbc:h2:file:" + dir.resolve("data/hist") + ";MODE=PostgreSQL", StoreUrls.jdbcUrl(c));
        assertEquals(List.of("Installed"), c.patches().mappings().get(0).installedValues());
        assertEquals(List.of(21502, 22038, 20417), c.events().ids());
        assertEquals(java.time.ZoneId.of("Europe/Berlin"), c.events().zone());
        assertEquals(c.sourceName(), c.historyKey(), "runs filed under the config's path");
        load("");
        Files.createDirectories(dir.resolve("cfg/bin"));
        AuditConfig viaBin = ConfigLoader.load(dir.resolve("cfg/bin/../kcd-audit.yaml"));
        assertEquals(dir.resolve("cfg/kcd-audit.yaml").toString(), viaBin.historyKey(),
                "../kcd-audit.yaml from cfg/bin: the history of cfg/kcd-audit.yaml");
        assertEquals("contoso-hyperv", load("store:\n  url: jdbc:h2:file:data/x\n  configName: contoso-hyperv\n")
                .historyKey());
    }

    @Test
    void defaults() throws Exception {
        AuditConfig c = load("");
        assertEquals(dir.resolve("cfg/baseline.yaml"), c.baselinePath());
        assertEquals(List.of(21502, 22038, 20413, 21125, 21501, 20306, 21024, 201, 202, 203, 204, 205, 206, 207, 208,
                209), c.events().ids(), "the Hyper-V failures and the KDCSVC events of DCs");
        assertEquals(java.time.ZoneOffset.UTC, c.events().zone());
        assertTrue(c.patches().sources().isEmpty());
        assertTrue(c.hostSettings().sources().isEmpty());
        assertTrue(c.policy().operators().isEmpty());
        assertEquals(List.of("adm-jdoe", "CN=HV Operators,OU=Groups,DC=contoso,DC=com"), load("policy:\n  operators:"
                + " [adm-jdoe, 'CN=HV Operators,OU=Groups,DC=contoso,DC=com']\n").policy().operators());
        assertTrue(StoreUrls.jdbcUrl(c).startsWith("jdbc:h2:file:") && StoreUrls.jdbcUrl(c).endsWith("data/kcd-audit"));
        assertEquals("jdbc:postgresql://db/kcd", StoreUrls.jdbcUrl(load("store:\n  url: jdbc:postgresql://db/kcd\n")));
        assertEquals(StoreUrls.jdbcUrl(c) + ";AUTO_SERVER=TRUE;MAX_COMPACT_TIME=0;COMPRESS=TRUE", StoreUrls.connectUrl(c));
        // batches sent as multi-row inserts, unless the URL says otherwise
        assertEquals("jdbc:postgresql://db/kcd?" + VERIFIED + "&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd\n")));
        assertEquals("jdbc:postgresql://db/kcd?sslmode=verify-full&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?sslmode=verify-full\n")));
        assertEquals("jdbc:postgresql://db/kcd?reWriteBatchedInserts=false&" + VERIFIED,
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?reWriteBatchedInserts=false\n")));
    }

    /** What the driver is told when store.url names a PostgreSQL server on another machine and no sslmode. */
    private static final String VERIFIED = "sslmode=verify-full&sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory";

    /**
     * The PostgreSQL driver's own default (sslmode=prefer) accepts any certificate and falls back to plain text:
     * whoever sits between the daemon and the database reads the findings and snapshots, and can change the previous
     * run every drift and notice is computed against. A server on another machine gets verify-full (the certificate
     * chains to the Java trust store, as the directory's does, and names the host) unless the URL chooses an sslmode
     * itself, sslmode=disable included; a server on this machine is reached as the URL says.
     */
    @Test
    void aPostgresqlStoreOnAnotherMachineIsReachedOverVerifiedTls() throws Exception {
        assertEquals("jdbc:postgresql://db.contoso.com:5432/kcd_audit?" + VERIFIED + "&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db.contoso.com:5432/kcd_audit\n")));
        assertEquals("jdbc:postgresql://db1,db2:5433/kcd?" + VERIFIED + "&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db1,db2:5433/kcd\n")));
        assertEquals("jdbc:postgresql://127.0.0.1,db2/kcd?" + VERIFIED + "&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://127.0.0.1,db2/kcd\n")),
                "one host elsewhere is enough");
        // the URL's own choice stands: a CA file of its own (the driver's factory reads it), or no TLS at all
        assertEquals("jdbc:postgresql://db/kcd?sslrootcert=/etc/kcd/ca.crt&sslmode=verify-full"
                        + "&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?sslrootcert=/etc/kcd/ca.crt\n")));
        assertEquals("jdbc:postgresql://db/kcd?SSLMODE=disable&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?SSLMODE=disable\n")));
        // ssl=true is the driver's verify-full with its own factory (~/.postgresql/root.crt), ssl=false its prefer:
        // the URL's choice too, not to be switched to the Java trust store or overridden
        assertEquals("jdbc:postgresql://db/kcd?ssl=true&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?ssl=true\n")));
        assertEquals("jdbc:postgresql://db/kcd?connectTimeout=5&SSL=false&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?connectTimeout=5&SSL=false\n")));
        assertEquals("jdbc:postgresql://db/kcd?sslmode=require&sslfactory=x.Y&reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://db/kcd?sslmode=require&sslfactory=x.Y\n")));
        // this machine: loopback names and addresses, and the driver's default host
        for (String local : List.of("127.0.0.1:5432", "localhost", "LOCALHOST:5433", "[::1]:5432", "127.0.0.2", "",
                "[0:0:0:0:0:0:0:1]:5432", "[0::1]")) {
            assertEquals("jdbc:postgresql://" + local + "/kcd?reWriteBatchedInserts=true",
                    StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql://" + local + "/kcd\n")), local);
        }
        assertEquals("jdbc:postgresql:kcd?reWriteBatchedInserts=true",
                StoreUrls.connectUrl(load("store:\n  url: jdbc:postgresql:kcd\n")));
    }

    /** H2's own TLS checks no certificate and tcp:// encrypts nothing: an H2 server elsewhere is refused. */
    @Test
    void anH2ServerOnAnotherMachineIsRefused() throws Exception {
        for (String url : List.of("jdbc:h2:tcp://db1.contoso.com/~/kcd", "jdbc:h2:ssl://10.0.0.5:9092/kcd",
                "jdbc:h2:tcp://localhost,db2/kcd", "jdbc:h2:TCP://DB1/kcd")) {
            assertTrue(error("store:\n  url: " + url + "\n").contains("store.url: an H2 server on another machine"),
                    url);
        }
        for (String url : List.of("jdbc:h2:tcp://localhost/~/kcd", "jdbc:h2:tcp://127.0.0.1:9092/kcd",
                "jdbc:h2:ssl://[::1]:9092/kcd", "jdbc:h2:file:data/kcd")) {
            assertEquals(url, load("store:\n  url: " + url + "\n").store().url());
        }
    }

    @Test
    void errorsNameTheKey() {
        assertTrue(error("store:\n  url: jdbc:mysql://x/y\n").contains("store.url: must start with jdbc:h2: or"
                + " jdbc:postgresql:"));
        assertTrue(error("store:\n  url: jdbc:postgresql://x/y?user=a&password=b\n").contains("store.url: put"
                + " credentials in store.userEnv/store.passwordEnv"));
        assertTrue(error("patches:\n  mappings:\n    - {name: wsus, computer: X}\n")
                .contains("patches.mappings[0].hotFixId: missing"));
        assertTrue(error("events:\n  ids: [0]\n").contains("events.ids[0]: an event id between 1 and 65535"));
        assertTrue(error("store:\n  url: jdbc:h2:file:data/x\n  configName: ' '\n")
                .contains("store.configName: give a short name"));
        String zone = error("events:\n  timeZone: CET+1\n");
        assertTrue(zone.contains("events.timeZone: 'CET+1' is not a time zone id"), zone);
        String unknown = error("patches:\n  sorces: [a.csv]\n");
        assertTrue(unknown.contains("patches.sorces: unknown key 'sorces'"), unknown);
        assertTrue(error("events:\n  sources: a.xml\n").contains("events.sources"), "a list is required");
    }

    @Test
    void theBaselineIsAPathOrAMappingWithTheWaiverLimit() throws Exception {
        assertEquals(365, load("baseline: approved/baseline.yaml\n").maxWaiverDays(), "the default");
        assertEquals(365, load("").maxWaiverDays());
        AuditConfig c = load("baseline:\n  file: approved/baseline.yaml\n  maxWaiverDays: 90\n");
        assertEquals(dir.resolve("cfg/approved/baseline.yaml"), c.baselinePath());
        assertEquals(90, c.maxWaiverDays());
        AuditConfig only = load("baseline:\n  maxWaiverDays: 30\n");
        assertEquals(dir.resolve("cfg/baseline.yaml"), only.baselinePath(), "the file keeps its default");
        assertEquals(30, only.maxWaiverDays());
        assertTrue(error("baseline:\n  maxWaiverDays: 0\n").contains("baseline.maxWaiverDays: must be at least 1"));
        String unknown = error("baseline:\n  maxWaiverDay: 30\n");
        assertTrue(unknown.contains("baseline.maxWaiverDay: unknown key 'maxWaiverDay'"), unknown);
        assertTrue(error("baseline:\n  file: ' '\n  maxWaiverDays: 30\n").contains("baseline.file: empty path"));
    }

    @Test
    void theChangeTicketIsOneShortLine() throws Exception {
        assertEquals("CHG0042", load("reports:\n  changeTicket: CHG0042\n").reports().changeTicket());
        assertTrue(error("reports:\n  changeTicket: ''\n").contains("reports.changeTicket: must not be empty"));
        assertTrue(error("reports:\n  changeTicket: \"a\\nb\"\n").contains("reports.changeTicket: one line"));
        assertTrue(error("reports:\n  changeTicket: " + "x".repeat(81) + "\n")
                .contains("reports.changeTicket: at most 80 characters"));
    }
}
