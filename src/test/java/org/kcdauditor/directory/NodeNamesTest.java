package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A configured node name is the sAMAccountName of its computer before it is anyone's cn: a retired computer object
 * {@code CN=HV91} (renamed to sAMAccountName {@code HV91OLD$} and kept in an OU of retired objects) must not take the
 * name HV91 from the node whose sAMAccountName is {@code HV91$}, in whichever order the DC returns the two.
 */
class NodeNamesTest {
    static final String BASE = TestDirectory.BASE;

    @TempDir
    Path tmp;

    /** A disabled computer CN=HV91 in {@code ou} of {@code base}, renamed to HV91OLD$. */
    private static void retired(InMemoryDirectoryServer ds, String ou, String base, String sid) throws Exception {
        retired(ds, ou, base, sid, TestDirectory.fqdn("HV91OLD", base));
    }

    /** The same, its dNSHostName {@code dns} (renamed in ADUC, the old name is kept). */
    private static void retired(InMemoryDirectoryServer ds, String ou, String base, String sid, String dns)
            throws Exception {
        ds.add(new Entry("dn: " + ou + "," + base, "objectClass: organizationalUnit", "ou: " + ou.substring(3)));
        Entry retired = new Entry("dn: CN=HV91," + ou + "," + base, "objectClass: top", "objectClass: user",
                "objectClass: computer", "cn: HV91", "sAMAccountName: HV91OLD$",
                "dNSHostName: " + dns, "userAccountControl: 4098",
                "servicePrincipalName: HOST/HV91OLD");
        retired.addAttribute("objectSid", Sids.toBytes(sid));
        ds.add(retired);
    }

    /** The cluster HV90, HV91 and the retired CN=HV91 in {@code retiredOu}, read and indexed. */
    private AuditContext audit(String retiredOu, List<String> order) throws Exception {
        return audit(retiredOu, order, TestDirectory.fqdn("HV91OLD", BASE), List.of("HV90", "HV91"));
    }

    /** The same, the retired object's dNSHostName {@code retiredDns}, the cluster's nodes named {@code nodes}. */
    private AuditContext audit(String retiredOu, List<String> order, String retiredDns, List<String> nodes)
            throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(ds, List.of("HV90", "HV91"));
            retired(ds, retiredOu, BASE, Hosts.DOMAIN_SID + "-1991", retiredDns);
            AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                    nodes, "allowInsecureBind: true"));
            Snapshot s;
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                    TestDirectory.PASSWORD)) {
                s = new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
            }
            s.objects().stream().filter(o -> "HV91".equals(o.cn())).forEach(o -> order.add(o.samAccountName()));
            return new AuditContext(s, config.clusters(), config.policy());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aRetiredObjectWhoseCnIsANodesNameNeverTakesTheNodesPlace() throws Exception {
        List<List<String>> orders = new ArrayList<>();
        for (String ou : List.of("OU=Archive", "OU=Zz Retired")) {
            List<String> order = new ArrayList<>();
            AuditContext ctx = audit(ou, order);
            orders.add(order);
            AdObject hv91 = ctx.computer("HV91");
            assertEquals("CN=HV91,OU=Hyper-V," + BASE, hv91.dn(), ou + ", read in the order " + order);
            assertEquals(List.of("HV90", "HV91"), ctx.clusters().get(0).nodes().stream().map(AdObject::name).toList());
            assertTrue(ctx.clusters().get(0).nodes().stream().noneMatch(n -> n.samAccountName().equals("HV91OLD$")));
            assertEquals("CN=HV91," + ou + "," + BASE, ctx.computer("HV91OLD").dn(),
                    "the retired object keeps its own sAMAccountName");
            assertTrue(ctx.pairs().stream().allMatch(p -> p.blockers().isEmpty()), ou + ": " + ctx.pairs());
        }
        assertTrue(orders.contains(List.of("HV91OLD$", "HV91$")),
                "one of the two directories returns the retired object first: " + orders);
    }

    /**
     * The retired object kept the node's dNSHostName (renamed in ADUC, which leaves dNSHostName as it was): a node named
     * by its FQDN is the host that registers HOST/ for that name, the account the KDC issues its tickets to, not the
     * retired one, in whichever order the DC returns the two.
     */
    @Test
    void aRetiredObjectThatKeptANodesDnsHostNameNeverTakesTheNodesPlace() throws Exception {
        String fqdn = TestDirectory.fqdn("HV91", BASE);
        List<List<String>> orders = new ArrayList<>();
        for (String ou : List.of("OU=Archive", "OU=Zz Retired")) {
            List<String> order = new ArrayList<>();
            AuditContext ctx = audit(ou, order, fqdn, List.of("HV90", fqdn));
            orders.add(order);
            assertEquals("CN=HV91,OU=Hyper-V," + BASE, ctx.computer(fqdn).dn(), ou + ", read in the order " + order);
            assertEquals(List.of("HV90", "HV91"), ctx.clusters().get(0).nodes().stream().map(AdObject::name).toList());
            assertTrue(ctx.pairs().stream().allMatch(p -> p.blockers().isEmpty()), ou + ": " + ctx.pairs());
        }
        assertTrue(orders.contains(List.of("HV91OLD$", "HV91$")),
                "one of the two directories returns the retired object first: " + orders);
    }

    @Test
    void withSeveralDirectoriesTheRetiredObjectDoesNotTakeTheNodesNameInItsDirectory() throws Exception {
        InMemoryDirectoryServer contoso = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        InMemoryDirectoryServer fabrikam = TestDirectory.startDomain(MultiDirectoryTest.FABRIKAM, "dc1.fabrikam.com");
        try {
            TestDirectory.addCluster(contoso, List.of("HV01", "HV02"));
            TestDirectory.addCluster(fabrikam, MultiDirectoryTest.FABRIKAM, MultiDirectoryTest.FABRIKAM_SID, 3000,
                    List.of("HV90", "HV91"));
            retired(fabrikam, "OU=Archive", MultiDirectoryTest.FABRIKAM, MultiDirectoryTest.FABRIKAM_SID + "-3991");
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, "directories:\n" + directory("contoso", contoso, BASE)
                    + directory("fabrikam", fabrikam, MultiDirectoryTest.FABRIKAM)
                    + "clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HV01, HV02]\n"
                    + "  - name: HVC2\n    directory: fabrikam\n    nodes: [HV90, HV91]\n"
                    + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
            AuditConfig config = ConfigLoader.load(cfg);
            Snapshot s = new DirectoriesCollector(config, new Secrets(Map.of("TEST_LDAP_PASSWORD",
                    TestDirectory.PASSWORD)), Clock.systemUTC(), null).collect(n -> { });
            assertEquals(List.of("HV91OLD$", "HV91$"), s.objects().stream().filter(o -> "HV91".equals(o.cn()))
                    .map(AdObject::samAccountName).toList(), "the retired object comes first");
            AuditContext ctx = new AuditContext(s, config.clusters(), config.policy());
            assertEquals("CN=HV91,OU=Hyper-V," + MultiDirectoryTest.FABRIKAM, ctx.computerIn("HV91", "fabrikam").dn());
            assertEquals(List.of("CN=HV90,OU=Hyper-V," + MultiDirectoryTest.FABRIKAM,
                    "CN=HV91,OU=Hyper-V," + MultiDirectoryTest.FABRIKAM), ctx.clusters().get(1).nodes().stream()
                    .map(AdObject::dn).toList());
            assertTrue(ctx.pairs().stream().allMatch(p -> p.blockers().isEmpty()), ctx.pairs().toString());
        } finally {
            contoso.shutDown(true);
            fabrikam.shutDown(true);
        }
    }

    private static String directory(String name, InMemoryDirectoryServer ds, String base) {
        return "  " + name + ":\n    url: ldap://127.0.0.1:" + ds.getListenPort() + "\n    bindDn: " + TestDirectory.BIND_DN
                + "\n    passwordEnv: TEST_LDAP_PASSWORD\n    baseDn: " + base
                + "\n    allowInsecureBind: true\n    timeoutSeconds: 5\n";
    }
}
