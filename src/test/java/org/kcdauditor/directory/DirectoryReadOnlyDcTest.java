package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit reads a read-only DC (its root DSE lists LDAP_CAP_ACTIVE_DIRECTORY_PARTIAL_SECRETS_OID), as
 * {@code ldaps://contoso.com} does where DNS answers with a branch RODC. The RODC takes no write (a referral) and
 * pushes nothing: findings.json says so and names the domain's PDC emulator to write to, the server object above the
 * nTDSDSA the domain head's {@code fSMORoleOwner} names; none where that cannot be read.
 */
class DirectoryReadOnlyDcTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String BASE = TestDirectory.BASE;
    private static final String SERVERS = "CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE;

    @TempDir
    Path tmp;
    InMemoryDirectoryServer rodc;

    @BeforeEach
    void readOnlyDc() throws Exception {
        rodc = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new Attribute("dnsHostName", "rodc1.contoso.com"),
                new Attribute("defaultNamingContext", BASE),
                new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY, DomainReader.RODC_CAPABILITY)));
        TestDirectory.addCluster(rodc, NODES);
        // HV02 lacks its cifs entries to HV03: the plan writes to HV02
        rodc.modify("CN=HV02,OU=Hyper-V," + BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV03", "cifs/hv03.contoso.com"));
    }

    @AfterEach
    void stop() {
        rodc.shutDown(true);
    }

    /** The domain head names DC1's NTDS Settings as its PDC emulator; DC1's server object has its dNSHostName. */
    private void pdcEmulator() throws Exception {
        for (String dn : List.of("CN=Configuration," + BASE, "CN=Sites,CN=Configuration," + BASE,
                "CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE, SERVERS)) {
            rodc.add(new Entry("dn: " + dn, "objectClass: container"));
        }
        for (String dc : List.of("DC1", "RODC1")) {
            rodc.add(new Entry("dn: CN=" + dc + "," + SERVERS, "objectClass: server",
                    "dNSHostName: " + dc.toLowerCase(java.util.Locale.ROOT) + ".contoso.com"));
            rodc.add(new Entry("dn: CN=NTDS Settings,CN=" + dc + "," + SERVERS, "objectClass: nTDSDSA"));
        }
        rodc.modify(BASE, new Modification(ModificationType.ADD, "fSMORoleOwner", "CN=NTDS Settings,CN=DC1," + SERVERS));
    }

    private CliRun run() throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + rodc.getListenPort(), NODES,
                "allowInsecureBind: true");
        return CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
    }

    @Test
    void findingsJsonNamesTheReadOnlyDcAndThePdcEmulatorToWriteTo() throws Exception {
        pdcEmulator();
        CliRun r = run();
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        for (JsonNode d : List.of(doc.path("directory"), doc.path("directories").get(0))) {
            assertEquals("rodc1.contoso.com", d.path("dc").asText(), d.toString());
            assertTrue(d.path("dcReadOnly").asBoolean(), d.toString());
            assertEquals("dc1.contoso.com", d.path("writeDc").asText(), d.toString());
        }
    }

    @Test
    void withoutThePdcEmulatorThereIsNoWriteDc() throws Exception {
        CliRun r = run();
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode d = CliRun.findings(tmp.resolve("out")).path("directory");
        assertTrue(d.path("dcReadOnly").asBoolean(), d.toString());
        assertFalse(d.has("writeDc"), d.toString());
    }

    @Test
    void aWritableDcAddsNoField() throws Exception {
        InMemoryDirectoryServer dc = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(dc, NODES);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + dc.getListenPort(), NODES,
                    "allowInsecureBind: true");
            CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json");
            String json = Files.readString(tmp.resolve("out").resolve("findings.json"));
            assertFalse(json.contains("dcReadOnly") || json.contains("writeDc"), json);
        } finally {
            dc.shutDown(true);
        }
    }
}
