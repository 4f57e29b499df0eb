package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A group managed service account (and a standalone one) is a computer subclass with userAccountControl 0x1000, as a
 * host's account is, but no Hyper-V host: one an administrator keeps in the cluster's OU (the account a backup agent
 * or a scheduled task runs as) is no node of a cluster configured by {@code ou}. Seen on a Samba DC: a gMSA in the
 * OU of two correctly delegated nodes made a third node without entries or migration SPNs, 20 HIGH findings and
 * NO-GO. Named in {@code nodes}, it is what the configuration says.
 */
class ManagedServiceAccountTest {
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String OU = "OU=Hyper-V," + TestDirectory.BASE;

    @TempDir
    Path tmp;
    InMemoryDirectoryServer ds;

    @BeforeEach
    void directory() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        ds.add(new Entry("dn: CN=gmsa-backup," + OU, "objectClass: top", "objectClass: person",
                "objectClass: organizationalPerson", "objectClass: user", "objectClass: computer",
                "objectClass: msDS-GroupManagedServiceAccount", "cn: gmsa-backup", "sAMAccountName: gmsa-backup$",
                "dNSHostName: gmsa-backup.contoso.com", "userAccountControl: 4096",
                "servicePrincipalName: http/backup.contoso.com"));
        ds.add(new Entry("dn: CN=msa-task," + OU, "objectClass: top", "objectClass: user", "objectClass: computer",
                "objectClass: msDS-ManagedServiceAccount", "cn: msa-task", "sAMAccountName: msa-task$",
                "userAccountControl: 4096"));
    }

    @AfterEach
    void stop() {
        ds.shutDown(true);
    }

    private CliRun run(String cluster) throws Exception {
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + TestDirectory.BASE
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n" + cluster
                + "\npolicy:\n  protocolTransition: any\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
        return CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
    }

    private List<String> nodes() throws Exception {
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<String> out = new ArrayList<>();
        doc.path("clusters").get(0).path("nodes").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void managedServiceAccountsInTheClustersOuAreNoNodes() throws Exception {
        CliRun r = run("    ou: " + OU);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("HV01", "HV02", "HV03"), nodes());
        JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
        assertEquals(6, c.path("pairsOk").asInt(), c.toString());
        assertTrue(c.path("go").asBoolean(), c.toString());
    }

    @Test
    void aManagedServiceAccountNamedAsANodeIsOne() throws Exception {
        CliRun r = run("    nodes: [HV01, HV02, HV03, gmsa-backup]");
        assertEquals(3, r.exitCode(), r.toString());
        assertEquals(List.of("HV01", "HV02", "HV03", "gmsa-backup"), nodes());
    }
}
