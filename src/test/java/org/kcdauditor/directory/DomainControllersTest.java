package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code preflight --all-dcs}: two UnboundID servers stand in for two domain controllers of contoso.com, each
 * answering with its own root DSE dnsHostName. dc1 is the one the audit reads; dc2 lags behind a change.
 */
class DomainControllersTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String HV02 = "CN=HV02,OU=Hyper-V," + TestDirectory.BASE;

    @TempDir
    Path tmp;
    InMemoryDirectoryServer dc1;
    InMemoryDirectoryServer dc2;

    @BeforeEach
    void servers() throws Exception {
        dc1 = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        dc2 = TestDirectory.startDomain(TestDirectory.BASE, "dc2.contoso.com");
        TestDirectory.addCluster(dc1, NODES);
        TestDirectory.addCluster(dc2, NODES);
        // the change was made on dc1 and has not reached dc2: there HV02 still lacks its entries to HV03
        dc2.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                "cifs/HV03", "cifs/hv03.contoso.com"));
    }

    @AfterEach
    void stop() {
        dc1.shutDown(true);
        dc2.shutDown(true);
    }

    private static String url(InMemoryDirectoryServer ds) {
        return "ldap://127.0.0.1:" + ds.getListenPort();
    }

    private Path config(List<String> dcs, String... extra) throws Exception {
        Path cfg = TestDirectory.config(tmp, url(dc1), NODES, "allowInsecureBind: true",
                "domainControllers: [" + String.join(", ", dcs) + "]");
        if (extra.length > 0) {
            Files.writeString(cfg, Files.readString(cfg) + String.join("\n", extra) + "\n");
        }
        return cfg;
    }

    /** The bounds of a reading of dc1 as configured. */
    private Deadline deadline() throws Exception {
        return Deadline.start(org.kcdauditor.config.ConfigLoader.load(config(List.of())).directory());
    }

    private CliRun preflight(Path cfg, String... flags) {
        List<String> args = new ArrayList<>(List.of("preflight", "--config", cfg.toString(), "--cluster", "HVC1",
                "--out", tmp.resolve("out").toString()));
        args.addAll(List.of(flags));
        return CliRun.run(ENV, args.toArray(String[]::new));
    }

    private static List<JsonNode> findings(JsonNode doc, String rule) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(rule)).toList();
    }

    /**
     * The one DC_NOT_CONVERGED finding of {@code doc}, written by {@code nogo}, a NO-GO preflight of HVC1 whose
     * console says ({@code domain}: a directory's name and a colon before it, or nothing) that dc2.contoso.com lags.
     */
    static JsonNode theOnlyDcNotConverged(CliRun nogo, JsonNode doc, String domain) {
        assertEquals(3, nogo.exitCode(), nogo.toString());
        assertTrue(nogo.out().contains("Preflight HVC1: NO-GO"), nogo.out());
        assertTrue(nogo.out().contains(domain + "1 of 2 domain controllers agree with dc1.contoso.com; dc2.contoso.com"
                + " has not replicated the delegation yet"), nogo.out());
        List<JsonNode> f = findings(doc, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        return f.get(0);
    }

    @Test
    void anSpnIsAlsoLookedUpWithTheTrailingDotOnItsHostToggled() {
        assertEquals("cifs/hv02.contoso.com.", DomainControllers.toggledDot("cifs/hv02.contoso.com"));
        assertEquals("cifs/hv02.contoso.com", DomainControllers.toggledDot("cifs/hv02.contoso.com."));
        assertEquals("MSSQLSvc/sql01.:1433/x", DomainControllers.toggledDot("MSSQLSvc/sql01:1433/x"));
        assertEquals(null, DomainControllers.toggledDot("noslash"));
        assertEquals(null, DomainControllers.toggledDot("a//b"));
    }

    @Test
    void aLaggingDcIsNoGoUntilItHasReplicated() throws Exception {
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertTrue(nogo.out().contains("BLOCKER DC_NOT_CONVERGED"), nogo.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> f = List.of(theOnlyDcNotConverged(nogo, doc, ""));
        JsonNode e = f.get(0).path("evidence");
        assertEquals("HV02", f.get(0).path("host").asText());
        assertEquals("HIGH", f.get(0).path("severity").asText());
        assertEquals("dc2.contoso.com", e.path("dc").asText());
        assertEquals("dc1.contoso.com", e.path("auditedDc").asText());
        assertEquals("msDS-AllowedToDelegateTo", e.path("attribute").asText());
        assertEquals(8, e.path("expected").size());
        assertEquals(6, e.path("actual").size());
        assertTrue(f.get(0).path("message").asText().contains("dc2.contoso.com lacks cifs/HV03, cifs/hv03.contoso.com"),
                f.get(0).toString());
        // the fix pushes from the DC read and looks at the lagging one, both built by Commands
        assertTrue(f.get(0).path("remediation").asText().contains("repadmin /syncall dc1.contoso.com /AdeP"));
        assertTrue(f.get(0).path("remediation").asText().contains("repadmin /showrepl dc2.contoso.com"));
        assertEquals("replicate", f.get(0).path("actions").get(0).path("proposed").get(0).path("type").asText());
        JsonNode dcs = doc.path("directories").get(0).path("domainControllers");
        assertEquals("audited", dcs.get(0).path("result").asText());
        assertEquals("differs", dcs.get(1).path("result").asText());
        assertEquals(1, dcs.get(1).path("differences").asInt());

        // replication catches up
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), go.toString());
        assertTrue(go.out().contains("Preflight HVC1: GO"), go.out());
        assertTrue(go.out().contains("2 of 2 domain controllers agree with dc1.contoso.com"), go.out());
    }

    /**
     * Which DC made a change is looked up by invocation id in the DC's configuration partition, a search of every
     * nTDSDSA object of the forest, only to name the DCs in binary replication metadata. When that search outlasted
     * directory.timeoutSeconds, the DC's whole comparison was dropped: it read as unreachable (MEDIUM, no blocker) and
     * preflight said GO although the DC lacked the pair's entries. The names stay ids; the comparison stands.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void aSlowLookUpOfTheDcsNamesKeepsTheComparisonOfTheDcThatLags() throws Exception {
        String config = "CN=Configuration," + TestDirectory.BASE;
        InMemoryDirectoryServer slow = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new com.unboundid.ldap.sdk.Attribute("dnsHostName", "dc2.contoso.com"),
                new com.unboundid.ldap.sdk.Attribute("defaultNamingContext", TestDirectory.BASE),
                new com.unboundid.ldap.sdk.Attribute("configurationNamingContext", config)));
        try {
            TestDirectory.addCluster(slow, NODES);
            slow.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    "cifs/HV03", "cifs/hv03.contoso.com"));
            TestDirectory.addForestDsas(slow, NODES, config, 600);
            // 2 KB/s: every other request of dc2 answers within a second, the nTDSDSA search in about 40 s
            try (org.kcdauditor.support.TricklingProxy proxy = new org.kcdauditor.support.TricklingProxy("127.0.0.1",
                    slow.getListenPort(), 200, 100)) {
                Path cfg = TestDirectory.config(tmp, url(dc1), NODES, "allowInsecureBind: true", "timeoutSeconds: 3",
                        "domainControllers: [" + url(dc1) + ", " + proxy.ldapUrl() + "]");
                CliRun nogo = preflight(cfg, "--all-dcs");
                assertEquals(3, nogo.exitCode(), nogo.toString());
                assertTrue(nogo.out().contains("BLOCKER DC_NOT_CONVERGED"), nogo.out());
                assertTrue(nogo.out().contains("\n  Fix the blockers (see findings.json in "), nogo.out());
                List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
                assertEquals(1, f.size(), f.toString());
                assertEquals("HV02", f.get(0).path("host").asText());
            }
        } finally {
            slow.shutDown(true);
        }
    }

    @Test
    void withoutAllDcsOnlyTheAuditedDcCountsAndThePolicyMakesItTheDefault() throws Exception {
        CliRun plain = preflight(config(List.of(url(dc1), url(dc2))));
        assertEquals(0, plain.exitCode(), plain.toString());
        // the GO says what it rests on: one DC, the others not compared
        assertTrue(plain.out().contains("  domain controllers: read from dc1.contoso.com only: whether the other domain"
                + " controllers have replicated the delegation was not checked (kcd-audit preflight --all-dcs)\n"),
                plain.out());
        assertFalse(plain.out().contains("agree with"), plain.out());
        Path byPolicy = config(List.of(url(dc1), url(dc2)), "policy:", "  preflightAllDcs: true");
        assertEquals(3, preflight(byPolicy).exitCode());
        assertEquals(0, preflight(byPolicy, "--no-all-dcs").exitCode());
    }

    /**
     * A DC that cannot be read leaves unproven what --all-dcs was asked to prove: the cluster is NO-GO (exit 3) with a
     * named reason (DC_NOT_READ, as DIRECTORY_NOT_READ for a directory not read), the finding stays DC_UNREACHABLE
     * MEDIUM. Before, it was GO and exit 0, and a pipeline gate keyed on the exit code went on.
     */
    @Test
    void anUnreachableDcIsReportedNotFatal() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        int closed;
        closed = org.kcdauditor.support.ClosedPort.refusing();
        CliRun r = preflight(config(List.of(url(dc2), "ldap://127.0.0.1:" + closed)), "--all-dcs");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Preflight HVC1: NO-GO"), r.out());
        assertTrue(r.out().contains("2 of 3 domain controllers agree with dc1.contoso.com; ldap://127.0.0.1:" + closed
                + " could not be read, so whether it has replicated the delegation is unknown"), r.out());
        // and why, without opening findings.json
        assertTrue(r.out().contains("  not read: ldap://127.0.0.1:" + closed + ": cannot connect ("), r.out());
        assertTrue(r.out().contains("  NO-GO   domain controller ldap://127.0.0.1:" + closed + " could not be read:"
                + " whether it has replicated the delegation is unknown (DC_UNREACHABLE)"), r.out());
        assertFalse(r.out().contains("GO as far as"), r.out());
        // no blocker: the NO-GO asks for the DC, not for fixing, replicating and purging tickets
        assertTrue(r.out().contains("\n  Nothing to fix, replicate or purge: domain controller ldap://127.0.0.1:"
                + closed + " (ldap://127.0.0.1:" + closed + ": cannot connect ("), r.out());
        assertTrue(r.out().endsWith(") could not be read. Make it reachable from here and run preflight again.\n"),
                r.out());
        assertFalse(r.out().contains("Fix the blockers"), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        JsonNode reason = doc.path("clusters").get(0).path("reasons").get(0);
        assertEquals("DC_NOT_READ", reason.path("rule").asText(), reason.toString());
        assertEquals(0, reason.path("findings").asInt());
        assertFalse(doc.path("clusters").get(0).path("go").asBoolean());
        List<JsonNode> f = findings(doc, "DC_UNREACHABLE");
        assertEquals(1, f.size());
        assertEquals("MEDIUM", f.get(0).path("severity").asText());
        assertTrue(f.get(0).path("message").asText().contains("cannot connect"), f.get(0).toString());
        assertEquals("unreachable", doc.path("directories").get(0).path("domainControllers").get(1).path("result")
                .asText());
    }

    /**
     * dc2 answers the reads of the nodes but refuses the search for other holders of their SPNs (a size limit here; a
     * deny or a time limit alike), while it holds a service account registering HV03's migration SPN, which its KDC
     * would refuse tickets for. That search was dropped as if it had found nothing: "2 of 2 domain controllers agree"
     * and a plain GO. The DC is reported as not fully read (DC_UNREACHABLE, MEDIUM as for a DC not read at all), and,
     * since "one holder per SPN" is unproven on it, the cluster is NO-GO (exit 3, DC_NOT_READ) as for a DC not read:
     * it was a GO (exit 0) with a line saying the DC was not searched, and a pipeline gate went on.
     */
    @Test
    void aDcRefusingTheSearchForOtherHoldersIsNotReadAsHoldingNone() throws Exception {
        dc2.shutDown(true);
        dc2 = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new com.unboundid.ldap.sdk.Attribute("dnsHostName", "dc2.contoso.com"),
                new com.unboundid.ldap.sdk.Attribute("defaultNamingContext", TestDirectory.BASE)),
                new com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchRequest(
                            com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest request)
                            throws com.unboundid.ldap.sdk.LDAPException {
                        if (request.getRequest().getFilter().toString().contains("servicePrincipalName=")) {
                            throw new com.unboundid.ldap.sdk.LDAPException(
                                    com.unboundid.ldap.sdk.ResultCode.SIZE_LIMIT_EXCEEDED, "Size Limit Exceeded");
                        }
                    }
                });
        TestDirectory.addCluster(dc2, NODES);
        dc2.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        dc2.add(new Entry("dn: CN=svc-mig,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-mig", "sAMAccountName: svc-mig", "userAccountControl: 512",
                "servicePrincipalName: " + Hosts.MIG + "/hv03.contoso.com"));
        CliRun r = preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Preflight HVC1: NO-GO"), r.out());
        assertTrue(r.out().contains("1 of 2 domain controllers agree with dc1.contoso.com; dc2.contoso.com was read,"
                + " but the search for other holders of the nodes' SPNs failed on it, so whether its KDC finds a second"
                + " holder of one is unknown"), r.out());
        assertTrue(r.out().contains("  NO-GO   domain controller dc2.contoso.com was read, but the search for other"
                + " holders of the nodes' SPNs failed on it: whether its KDC finds a second holder of one, and refuses"
                + " the tickets for it, is unknown (DC_UNREACHABLE)"), r.out());
        assertFalse(r.out().contains("GO as far as"), r.out());
        // no blocker: the advice is to search that DC again, not to fix, replicate and purge
        assertFalse(r.out().contains("Fix the blockers"), r.out());
        assertTrue(r.out().contains("  Nothing to fix, replicate or purge: domain controller dc2.contoso.com (the search"
                + " for other holders of the nodes' SPNs failed"), r.out());
        assertTrue(r.out().contains(") could not be read or searched. Make it reachable from here and run preflight"
                + " again."), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        JsonNode cluster = doc.path("clusters").get(0);
        assertFalse(cluster.path("go").asBoolean(), cluster.toString());
        assertEquals(List.of("DC_NOT_READ"), StreamSupport.stream(cluster.path("reasons").spliterator(), false)
                .map(x -> x.path("rule").asText()).toList(), cluster.toString());
        assertEquals(0, cluster.path("reasons").get(0).path("findings").asInt());
        // no pair is blocked: what the DC holds of the nodes agrees
        assertTrue(StreamSupport.stream(cluster.path("matrix").spliterator(), false)
                .allMatch(p -> p.path("ok").asBoolean()), cluster.path("matrix").toString());
        List<JsonNode> f = findings(doc, "DC_UNREACHABLE");
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).path("message").asText().contains("the search for other holders of the nodes' SPNs"
                + " failed: 4 (size limit exceeded) (Size Limit Exceeded)"), f.get(0).toString());
        // which search failed, for whose SPNs, and that nothing of that DC's answers is used
        assertTrue(f.get(0).path("message").asText().contains("(Size Limit Exceeded) (search 1 of 1, for SPNs of HV01,"
                + " HV02, HV03; none of this DC's answers is used, so"
                + " whether it holds another holder of any node's SPN is unknown)"), f.get(0).toString());
        assertTrue(f.get(0).path("remediation").asText().startsWith("Look for other holders of the nodes' SPNs on"
                + " dc2.contoso.com as a Domain Admin"), f.get(0).toString());
        JsonNode dc2Doc = doc.path("directories").get(0).path("domainControllers").get(1);
        // what it holds of the nodes agrees, but the holders it could not tell: not "agrees" (it was, while the
        // console said it does not count among the DCs that agree)
        assertEquals("notSearched", dc2Doc.path("result").asText(), dc2Doc.toString());
        assertTrue(dc2Doc.path("holdersError").asText().contains("size limit exceeded"), dc2Doc.toString());
        assertTrue(dc2Doc.path("error").isMissingNode(), dc2Doc.toString());
    }

    @Test
    void aNodeTheOtherDcDoesNotHoldYetAndAChangedFlagAreBothDifferences() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        dc2.delete("CN=HV03,OU=Hyper-V," + TestDirectory.BASE);
        dc2.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                "userAccountControl", "4096"));
        CliRun r = preflight(config(List.of(url(dc2))), "--all-dcs");
        assertEquals(3, r.exitCode(), r.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(2, f.size(), f.toString());
        JsonNode uac = f.stream().filter(x -> x.path("host").asText().equals("HV01")).findFirst().orElseThrow();
        assertEquals("userAccountControl", uac.path("evidence").path("attribute").asText());
        assertTrue(uac.path("message").asText().contains("0x1000 (WORKSTATION_TRUST_ACCOUNT)"), uac.toString());
        JsonNode gone = f.stream().filter(x -> x.path("host").asText().equals("HV03")).findFirst().orElseThrow();
        assertTrue(gone.path("message").asText().contains("does not hold HV03 at all"), gone.toString());
    }

    /**
     * HV01 allows Domain Computers, the primary group of every node (primaryGroupID 515, no member values), on both
     * DCs alike; the config has a second cluster, HVC2 (HV11, HV12), which the preflight of HVC1 does not read on
     * dc2. Both DCs' Domain Computers hold the nodes of both clusters: no DC lacks members, so no DC_NOT_CONVERGED.
     */
    @Test
    void aGroupThatIsEveryNodesPrimaryGroupHasTheSameMembersOnEachDc() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        List<String> all = new ArrayList<>(NODES);
        all.addAll(List.of("HV11", "HV12"));
        for (InMemoryDirectoryServer dc : List.of(dc1, dc2)) {
            TestDirectory.addCluster(dc, TestDirectory.BASE, Hosts.DOMAIN_SID, 2100, List.of("HV11", "HV12"));
            TestDirectory.aesKeysSince(dc, TestDirectory.BASE, Hosts.DOMAIN_SID, "20100101000000.0Z");
            DomainFactsTest.group(dc, "Domain Computers", Hosts.DOMAIN_SID + "-515", "20000101000000.0Z");
            for (String n : all) {
                dc.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "primaryGroupID", "515"));
            }
            dc.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity",
                    org.kcdauditor.support.RbcdDescriptors.of(List.of(Hosts.DOMAIN_SID + "-515"))));
        }
        Path cfg = config(List.of(url(dc2)));
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  - name: HVC2\n    nodes: [HV11, HV12]\nstore:"));
        CliRun r = preflight(cfg, "--all-dcs");
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(List.of(), f, r.toString());
    }

    /**
     * UnboundID's server does not evaluate AD's bitwise matching rule, so this takes the fallback, the DCs among the
     * sweep's objects; the Samba suite discovers through the rule itself.
     */
    @Test
    void domainControllersAreFoundByTheirAccountFlags() throws Exception {
        add(dc1, "DC1", "OU=Domain Controllers", 0x2000 | 0x80000, "dc1.contoso.com.");
        add(dc1, "RODC1", "OU=Domain Controllers", 0x1000 | 0x4000000, "rodc1.contoso.com");
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", dc1.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            List<AdObject> sweep = List.of(Hosts.host("SRV01").uac(0x1000).build(),
                    Hosts.host("RODC1").uac(0x1000 | 0x4000000).build(), Hosts.host("DC1").uac(0x2000).build());
            List<DomainControllers.Target> t = DomainControllers.discover(c, deadline(), TestDirectory.BASE,
                    "ldaps://dc1.contoso.com:636", sweep);
            assertEquals(List.of(new DomainControllers.Target("dc1.contoso.com", "ldaps://dc1.contoso.com:636", false),
                    new DomainControllers.Target("rodc1.contoso.com", "ldaps://rodc1.contoso.com:636", true)), t);
        }
    }

    /**
     * A DC's dNSHostName is a directory value: one that is not a host name ("evil.example.net:389/x", a line feed) is
     * never made into a URL the service account binds to with its password; the DC is reported as unreachable.
     */
    @Test
    void aDcWhoseDnsHostNameIsNotAHostNameIsNotContacted() throws Exception {
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", dc1.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            List<AdObject> sweep = List.of(Hosts.host("DC1").uac(0x2000).build(),
                    Hosts.host("DC2").uac(0x2000).dns("attacker.example.net:389/x").build(),
                    Hosts.host("DC3").uac(0x2000).dns("dc3.contoso.com\nforged").build());
            List<DomainControllers.Target> t = DomainControllers.discover(c, deadline(), TestDirectory.BASE,
                    "ldaps://dc1.contoso.com:636", sweep);
            assertEquals(3, t.size(), t.toString());
            assertEquals("ldaps://dc1.contoso.com:636", t.get(0).url());
            for (DomainControllers.Target bad : t.subList(1, 3)) {
                assertEquals(null, bad.url(), "no URL is built: " + bad);
            }
            List<org.kcdauditor.model.DcRead> read = DomainControllers.read(null, t.subList(1, 3), List.of(),
                    "dc1.contoso.com", "ldaps://dc1.contoso.com:636", false, null);
            assertEquals("DC2", read.get(0).name());
            assertFalse(read.get(0).reachable());
            assertTrue(read.get(0).error().contains("its dNSHostName 'attacker.example.net:389/x' is not a host name"),
                    read.get(0).error());
            assertTrue(read.get(1).error().contains("'dc3.contoso.com\\u000Aforged' is not a host name"),
                    read.get(1).error());
        }
    }

    /**
     * A DC whose certificate lacks the name it is reached by: the line says where that name comes from. A listed DC's
     * URL is in domainControllers, a discovered DC's host is its dNSHostName; directory.url is the audited DC's.
     */
    @Test
    void aDcWhoseCertificateLacksItsNameSaysWhereTheNameComesFrom() throws Exception {
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.com");
        InMemoryDirectoryServer dc9 = TestDirectory.start(TestDirectory.Mode.LDAPS, other, 0);
        try {
            // by name: UnboundID's host-name check accepts any certificate for a numeric loopback address
            String at = "ldaps://localhost:" + dc9.getListenPort();
            Path cfg = TestDirectory.config(tmp, url(dc1), NODES, "allowInsecureBind: true",
                    "trustStore: " + other.trustStore(), "trustStorePasswordEnv: TRUST_PW");
            LdapConnector connector = new LdapConnector(org.kcdauditor.config.ConfigLoader.load(cfg),
                    new org.kcdauditor.config.Secrets(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD,
                            "TRUST_PW", other.password())));
            List<org.kcdauditor.model.DcRead> read = DomainControllers.read(connector, List.of(
                    DomainControllers.listed(List.of(at)).get(0),
                    new DomainControllers.Target("localhost", at, false)), List.of(), "dc1.contoso.com", url(dc1), false,
                    null);
            String listed = read.get(0).error();
            assertTrue(listed.contains("Hostname verification failed") && listed.endsWith(" — put a name the"
                    + " certificate lists into directory.domainControllers"), listed);
            String discovered = read.get(1).error();
            assertTrue(discovered.contains("Hostname verification failed") && discovered.endsWith(" — the DC was found"
                    + " by its dNSHostName localhost, which its certificate does not list: give it a certificate for"
                    + " that name, or list it in directory.domainControllers by a name its certificate lists"),
                    discovered);
        } finally {
            dc9.shutDown(true);
        }
    }

    private static void add(InMemoryDirectoryServer ds, String name, String ou, int uac, String dns) throws Exception {
        if (ds.getEntry(ou + "," + TestDirectory.BASE) == null) {
            ds.add(new Entry("dn: " + ou + "," + TestDirectory.BASE, "objectClass: organizationalUnit"));
        }
        ds.add(new Entry("dn: CN=" + name + "," + ou + "," + TestDirectory.BASE, "objectClass: top",
                "objectClass: computer", "cn: " + name, "sAMAccountName: " + name + "$", "userAccountControl: " + uac,
                "dNSHostName: " + dns));
    }

    /**
     * The two DCs disagree because the change was made on dc2 and has not reached dc1, the DC the audit read: dc2's
     * replication metadata records the newer write (version 7 against 6). The finding says so, and the fix pushes from
     * dc2, not from dc1 (which would push nothing of it).
     */
    @Test
    void aNewerWriteOnTheOtherDcIsPushedFromThereNotFromTheAuditedDc() throws Exception {
        String dsa1 = ReplicationMetadataTest.DC2.replace("CN=DC2", "CN=DC1");
        for (String n : NODES) { // both DCs give metadata (neither is asked more where the first node has none)
            for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                        "msDS-ReplAttributeMetaData", ReplicationMetadataTest.xml("msDS-AllowedToDelegateTo", 6,
                                "2026-11-20T10:00:00Z", dsa1)));
            }
        }
        // someone removed HV02's entries for HV03 on dc2 (setup): version 7 there
        dc2.modify(HV02, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                ReplicationMetadataTest.xml("msDS-AllowedToDelegateTo", 7, "2026-11-30T14:02:11Z",
                        ReplicationMetadataTest.DC2)));
        CliRun nogo = preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("dc2.contoso.com holds the newer write (changed 2026-11-30 14:02:11 UTC at DC2"
                + " (version 7), against version 6 on dc1.contoso.com): dc1.contoso.com has not received it yet"), message);
        String fix = f.get(0).path("remediation").asText();
        assertTrue(fix.contains("repadmin /syncall dc2.contoso.com /AdeP"), fix);
        assertTrue(fix.contains("repadmin /showrepl dc1.contoso.com"), fix);
        assertFalse(fix.contains("/syncall dc1.contoso.com"), fix);
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        JsonNode written = findings(doc, "DC_NOT_CONVERGED").get(0).path("evidence").path("lastChange");
        assertEquals(7, written.path("version").asInt(), written.toString());
        assertEquals("DC2", written.path("dc").asText(), written.toString());
        assertEquals(1, doc.path("directories").get(0).path("domainControllers").get(1).path("newer").asInt());
        assertTrue(nogo.out().contains("1 of 2 domain controllers agree with dc1.contoso.com; dc1.contoso.com has not"
                + " received changes made on dc2.contoso.com yet, which blocks live migration of 1 pair (HIGH)\n"),
                nogo.out());
        assertFalse(nogo.out().contains("dc2.contoso.com has not replicated"), nogo.out());

        // the other way round (dc1's write is the newer), dc2 is the one that lags, as before
        dc1.modify(HV02, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                ReplicationMetadataTest.xml("msDS-AllowedToDelegateTo", 8, "2026-12-01T10:00:00Z", dsa1)));
        CliRun behind = preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertTrue(behind.out().contains("dc2.contoso.com has not replicated the delegation yet, which blocks live"
                + " migration of 1 pair (HIGH)\n"), behind.out());
        JsonNode lag = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").get(0);
        assertTrue(lag.path("evidence").path("lastChange").isMissingNode(), lag.toString());
        assertFalse(lag.path("message").asText().contains("newer write"), lag.toString());
        assertTrue(lag.path("remediation").asText().contains("repadmin /syncall dc1.contoso.com /AdeP"), lag.toString());
    }
    /**
     * The fix of AES_KEYS_MISSING is a new machine password (Reset-ComputerMachinePassword -Server dc1): AD derives the
     * AES keys then, on the DC that took it. Until it has replicated, dc2 still holds the old password, set before the
     * domain had AES keys, and so no AES keys for HV02: its KDC cannot issue the AES tickets HV02's pairs need (KDC
     * events 202-209). The preflight that closes the runbook must stay NO-GO until dc2 has the new password; an
     * ordinary later password change on both sides of that date is no difference that breaks anything.
     */
    @Test
    void aPasswordResetThatGaveAesKeysIsNoGoUntilEveryDcHasIt() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, org.kcdauditor.support.Hosts.DOMAIN_SID,
                    "20090310120000.0Z");
            for (String n : NODES) {
                TestDirectory.pwdLastSet(ds, "CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, "2026-11-01T00:00:00Z");
            }
            TestDirectory.pwdLastSet(ds, HV02, "2008-06-01T00:00:00Z");
        }
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun before = preflight(cfg, "--all-dcs");
        assertEquals(3, before.exitCode(), before.toString());
        assertTrue(before.out().contains("BLOCKER AES_KEYS_MISSING"), before.out());

        TestDirectory.pwdLastSet(dc1, HV02, "2026-12-04T09:00:00Z"); // reset on dc1, not replicated yet
        CliRun lagging = preflight(cfg, "--all-dcs");
        assertEquals(3, lagging.exitCode(), lagging.toString());
        assertTrue(lagging.out().contains("BLOCKER DC_NOT_CONVERGED"), lagging.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertTrue(findings(doc, "AES_KEYS_MISSING").isEmpty(), "dc1 holds the new password");
        List<JsonNode> f = findings(doc, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV02", f.get(0).path("host").asText());
        assertEquals("pwdLastSet", f.get(0).path("evidence").path("attribute").asText());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("dc2.contoso.com and dc1.contoso.com (the DC the audit read) disagree on HV02's"
                + " pwdLastSet: dc1.contoso.com holds 2026-12-04T09:00:00Z, dc2.contoso.com 2008-06-01T00:00:00Z, before"
                + " the domain had AES keys (2009-03-10): dc2.contoso.com holds no AES keys for HV02 yet"), message);
        assertTrue(message.contains("On dc2.contoso.com, 4 directed pairs cannot migrate."), message);
        for (JsonNode c : doc.path("clusters")) {
            for (JsonNode p : c.path("matrix")) {
                boolean hv02 = p.path("from").asText().equals("HV02") || p.path("to").asText().equals("HV02");
                assertEquals(!hv02, p.path("ok").asBoolean(), p.toString());
            }
        }

        // the other way round: HV02 reset its password against dc2, its site's DC; dc1 has not received it
        TestDirectory.pwdLastSet(dc1, HV02, "2008-06-01T00:00:00Z");
        TestDirectory.pwdLastSet(dc2, HV02, "2026-12-04T09:00:00Z");
        CliRun behind = preflight(cfg, "--all-dcs");
        assertEquals(3, behind.exitCode(), behind.toString());
        JsonNode reverse = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").get(0);
        assertTrue(reverse.path("message").asText().contains("dc1.contoso.com holds no AES keys for HV02 yet"),
                reverse.toString());
        assertTrue(reverse.path("remediation").asText().contains("repadmin /syncall dc2.contoso.com /AdeP"),
                "pushed from the DC that holds the new password: " + reverse);
        assertFalse(reverse.path("message").asText().contains("On dc2.contoso.com"),
                "dc2's KDC has the keys; AES_KEYS_MISSING blocks the pairs on dc1: " + reverse);

        TestDirectory.pwdLastSet(dc1, HV02, "2026-12-04T09:00:00Z"); // replicated
        TestDirectory.pwdLastSet(dc1, "CN=HV01,OU=Hyper-V," + TestDirectory.BASE, "2026-12-05T06:00:00Z");
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), "a routine password change not replicated yet breaks nothing: " + go);
        assertTrue(go.out().contains("2 of 2 domain controllers agree with dc1.contoso.com"), go.out());
    }
    /**
     * HV03 serves cifs/HV03 through its HOST/HV03 (sPNMappings). On dc2 only, a service account registers cifs/HV03
     * itself: dc2's KDC looks the exact SPN up before it applies sPNMappings, finds that account and issues the ticket
     * in its key, so the pairs into HV03 fail there, as they would on dc1, where the same account makes
     * TARGET_SPN_NOT_REGISTERED. The other holder is of the SPN the pairs need, not of one HV03 registers itself.
     */
    @Test
    void anAccountRegisteringTheCifsSpnATargetServesThroughHostOnDc2OnlyIsNoGo() throws Exception {
        hv02DelegatesToCifsHv03OnDc2();
        dc2.add(svcFilesRegisteringCifsHv03());
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> f = findings(doc, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV03", f.get(0).path("host").asText());
        assertEquals("servicePrincipalName holder", f.get(0).path("evidence").path("attribute").asText());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("dc2.contoso.com holds cifs/HV03, which HV03 serves through HOST/HV03, on"
                + " CN=svc-files,CN=Users," + TestDirectory.BASE), message);
        assertEquals(List.of("HV01", "HV02"), StreamSupport.stream(f.get(0).path("evidence").path("pairs")
                .spliterator(), false).map(x -> x.path("from").asText()).toList());
        // the same account on dc1, the DC the audit read: the pairs are judged there already
        dc1.add(svcFilesRegisteringCifsHv03());
        CliRun both = preflight(cfg, "--all-dcs");
        assertEquals(3, both.exitCode(), both.toString());
        doc = CliRun.findings(tmp.resolve("out"));
        assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
        assertEquals(1, findings(doc, "TARGET_SPN_NOT_REGISTERED").size());
    }
    /**
     * NAS01 keyed on svc-nas on both DCs, which agree: svc-nas registers its cifs SPNs with AES and a password newer than
     * the domain's AES keys, the nodes delegate to them; returns the config of HVC1 with NAS01 and both DCs.
     */
    private Path nas01KeyedOnSvcNas() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        String svc = "CN=svc-nas,CN=Users," + TestDirectory.BASE;
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            TestDirectory.addFileServer(ds, "NAS01", org.kcdauditor.support.Hosts.DOMAIN_SID + "-3000");
            TestDirectory.aesKeysSince(ds, TestDirectory.BASE, org.kcdauditor.support.Hosts.DOMAIN_SID,
                    "20090310120000.0Z");
            for (String n : NODES) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "msDS-AllowedToDelegateTo", "cifs/NAS01", "cifs/nas01.contoso.com"));
            }
            com.unboundid.ldap.sdk.Entry user = new com.unboundid.ldap.sdk.Entry("dn: " + svc, "objectClass: top",
                    "objectClass: person", "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas",
                    "userAccountControl: 66048", "servicePrincipalName: cifs/NAS01",
                    "servicePrincipalName: cifs/nas01.contoso.com", "msDS-SupportedEncryptionTypes: 24");
            user.addAttribute("objectSid", org.kcdauditor.directory.Sids.toBytes(
                    org.kcdauditor.support.Hosts.DOMAIN_SID + "-3001"));
            ds.add(user);
            TestDirectory.pwdLastSet(ds, svc, "2026-11-01T00:00:00Z");
        }
        Path cfg = config(List.of(url(dc1), url(dc2)));
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV01, HV02, HV03]\n",
                "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]\n"));
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), "both DCs agree: " + go);
        return cfg;
    }

    /**
     * svc-nas serving file servers of two clusters (NAS01 of HVC1, NAS02 of HVC2), RC4 only on dc2: one DC_NOT_CONVERGED
     * finding, filed as the AES rules file one of that account (AES_NOT_ENABLED when both DCs hold RC4 only): under the
     * first cluster listing a file server it serves (HVC1), naming both file servers and listing the pairs it breaks in
     * both clusters; the preflight of HVC2 counts it as a blocker of its pairs and is NO-GO for it, as for the AES
     * finding. The per-cluster counts of every output follow the finding's cluster, the same for both rules.
     */
    @Test
    void anAccountServingFileServersOfTwoClustersIsOneFindingFiledAsItsAesFindingIs() throws Exception {
        Path cfg = nas01KeyedOnSvcNas();
        String svc = "CN=svc-nas,CN=Users," + TestDirectory.BASE;
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            TestDirectory.addCluster(ds, TestDirectory.BASE, org.kcdauditor.support.Hosts.DOMAIN_SID, 2100,
                    List.of("HV11", "HV12"));
            TestDirectory.addFileServer(ds, "NAS02", org.kcdauditor.support.Hosts.DOMAIN_SID + "-3002");
            for (String n : List.of("HV11", "HV12")) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "msDS-AllowedToDelegateTo", "cifs/NAS02", "cifs/nas02.contoso.com"));
            }
            ds.modify(svc, new Modification(ModificationType.ADD, "servicePrincipalName", "cifs/NAS02",
                    "cifs/nas02.contoso.com"));
        }
        Files.writeString(cfg, Files.readString(cfg).replace("store:\n",
                "  - name: HVC2\n    nodes: [HV11, HV12]\n    fileServers: [NAS02]\nstore:\n"));
        assertEquals(0, preflightOf("HVC2", cfg).exitCode(), "both DCs agree");

        dc2.modify(svc, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
        CliRun hvc2 = preflightOf("HVC2", cfg);
        assertEquals(3, hvc2.exitCode(), hvc2.toString());
        assertTrue(hvc2.out().contains("2/2 node pairs OK, 0/2 file-server paths OK; blockers: 1"), hvc2.out());
        assertTrue(hvc2.out().contains("BLOCKER DC_NOT_CONVERGED               svc-nas is the account NAS01, NAS02's"
                + " cifs SPNs are keyed on"), hvc2.out());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("svc-nas", f.get(0).path("host").asText());
        assertEquals("HVC1", f.get(0).path("cluster").asText());
        assertTrue(f.get(0).path("message").asText().contains("svc-nas is the account NAS01, NAS02's cifs SPNs are"
                + " keyed on"), f.toString());
        assertEquals(List.of("HV01 -> NAS01", "HV02 -> NAS01", "HV03 -> NAS01", "HV11 -> NAS02", "HV12 -> NAS02"),
                StreamSupport.stream(f.get(0).path("evidence").path("pairs").spliterator(), false)
                        .map(x -> x.path("from").asText() + " -> " + x.path("to").asText()).sorted().toList());

        // the AES rules file svc-nas's own finding the same way: under HVC1, blocking HVC2's pairs too
        dc1.modify(svc, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
        hvc2 = preflightOf("HVC2", cfg);
        assertEquals(3, hvc2.exitCode(), hvc2.toString());
        assertTrue(hvc2.out().contains("BLOCKER AES_NOT_ENABLED"), hvc2.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
        List<JsonNode> aes = findings(doc, "AES_NOT_ENABLED");
        assertEquals(1, aes.size(), aes.toString());
        assertEquals("svc-nas", aes.get(0).path("host").asText());
        assertEquals("HVC1", aes.get(0).path("cluster").asText());
    }

    private CliRun preflightOf(String cluster, Path cfg) {
        return CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", cluster, "--out",
                tmp.resolve("out").toString(), "--all-dcs");
    }

    /**
     * NAS01's own computer account differing on dc2 (its encryption types, its resource-based delegation, the object
     * not there at all) breaks no pair into it while its cifs SPNs are keyed on svc-nas: dc2's KDC issues those tickets
     * in svc-nas's keys and reads svc-nas's RBCD, as it holds svc-nas: a MEDIUM finding, GO. Before, the pairs into NAS01
     * were blocked (NO-GO).
     */
    @Test
    void theFileServersOwnDifferencesBlockNoPairKeyedOnItsServiceAccount() throws Exception {
        Path cfg = nas01KeyedOnSvcNas();
        String nas = "CN=NAS01,OU=Hyper-V," + TestDirectory.BASE;
        dc2.modify(nas, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
        nas01DifferenceBlocksNothing(cfg, "msDS-SupportedEncryptionTypes");
        dc2.modify(nas, new Modification(ModificationType.DELETE, "msDS-SupportedEncryptionTypes"));
        dc1.modify(nas, new Modification(ModificationType.ADD, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                org.kcdauditor.support.RbcdDescriptors.of(List.of(org.kcdauditor.support.Hosts.DOMAIN_SID + "-2000"))));
        nas01DifferenceBlocksNothing(cfg, "msDS-AllowedToActOnBehalfOfOtherIdentity");
        dc1.modify(nas, new Modification(ModificationType.DELETE, "msDS-AllowedToActOnBehalfOfOtherIdentity"));
        dc2.delete(nas);
        nas01DifferenceBlocksNothing(cfg, "object");
    }

    /**
     * A preflight of {@code cfg} finding NAS01's {@code attribute} differing on dc2, blocking no pair (the matrix all OK),
     * saying why: GO.
     */
    private void nas01DifferenceBlocksNothing(Path cfg, String attribute) throws Exception {
        CliRun run = preflight(cfg, "--all-dcs");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> f = findings(doc, "DC_NOT_CONVERGED");
        assertTrue(f.stream().anyMatch(x -> x.path("host").asText().equals("NAS01")
                && x.path("evidence").path("attribute").asText().equals(attribute)), f.toString());
        assertTrue(f.stream().allMatch(x -> x.path("evidence").path("pairs").isEmpty()), f.toString());
        for (JsonNode c : doc.path("clusters")) {
            for (JsonNode p : c.path("matrix")) {
                assertTrue(p.path("ok").asBoolean(), p.toString());
            }
        }
        // still a difference (replication is owed), but no pair fails for it: MEDIUM, as NAS01's own AES_NOT_ENABLED is
        // (ScenarioOutputsAgreeTest#aFileServerKeyedOnAServiceAccount), and GO
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("Preflight HVC1: GO"), run.toString());
        assertTrue(f.stream().allMatch(x -> x.path("severity").asText().equals("MEDIUM")), f.toString());
        assertTrue(f.stream().filter(x -> x.path("host").asText().equals("NAS01")).allMatch(x -> x.path("message")
                .asText().endsWith(" NAS01's cifs SPNs are keyed on svc-nas: dc2.contoso.com's KDC issues the tickets"
                + " into NAS01 in that account's keys, as dc2.contoso.com holds it, so no pair into NAS01 fails on"
                + " dc2.contoso.com for this difference.")), f.toString());
    }

    /**
     * NAS01 keyed on svc-nas (ktpass -mapuser): on dc1, the DC the audit read, svc-nas registers cifs/NAS01 and
     * cifs/nas01.contoso.com with AES, so the pairs into NAS01 read OK in its keys. Each DC's KDC issues those tickets
     * as that DC holds svc-nas, so a DC that has not replicated svc-nas's change breaks the pairs into NAS01 there:
     * DC_NOT_CONVERGED under svc-nas (not NAS01, whose own account is the same on both), naming the attribute and the
     * values, with the pairs into NAS01. Before, --all-dcs compared the nodes and file servers only: svc-nas RC4-only
     * on dc2, its password from before the domain's AES keys there, or the SPNs still on the computer NAS01 or on
     * another account there, read GO.
     */
    @Test
    void theAccountAFileServerIsKeyedOnIsComparedOnEveryDc() throws Exception {
        Path cfg = nas01KeyedOnSvcNas();
        String svc = "CN=svc-nas,CN=Users," + TestDirectory.BASE;
        String nas = "CN=NAS01,OU=Hyper-V," + TestDirectory.BASE;
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), "both DCs agree: " + go);

        // dc2 still holds svc-nas's old encryption types (RC4 only)
        dc2.modify(svc, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
        JsonNode f = keyedDivergence(cfg, "msDS-SupportedEncryptionTypes");
        String message = f.path("message").asText();
        assertTrue(message.contains("dc2.contoso.com and dc1.contoso.com (the DC the audit read) disagree on svc-nas's"
                + " msDS-SupportedEncryptionTypes: dc1.contoso.com holds AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96"
                + " (0x18), dc2.contoso.com RC4-HMAC (0x4)."), message);
        assertTrue(message.contains("svc-nas is the account NAS01's cifs SPNs are keyed on"), message);
        dc2.modify(svc, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "24"));

        // the new password that gave svc-nas AES keys (ktpass on dc1) has not reached dc2
        TestDirectory.pwdLastSet(dc2, svc, "2007-06-12T00:00:00Z");
        message = keyedDivergence(cfg, "pwdLastSet").path("message").asText();
        assertTrue(message.contains("dc2.contoso.com holds no AES keys for svc-nas yet"), message);
        TestDirectory.pwdLastSet(dc2, svc, "2026-11-01T00:00:00Z");

        // the SPNs moved from the computer to svc-nas on dc1; dc2 still has them on NAS01
        dc2.modify(svc, new Modification(ModificationType.DELETE, "servicePrincipalName"));
        dc2.modify(nas, new Modification(ModificationType.ADD, "servicePrincipalName", "cifs/NAS01",
                "cifs/nas01.contoso.com"));
        message = keyedDivergence(cfg, "servicePrincipalName").path("message").asText();
        assertTrue(message.contains("dc2.contoso.com lacks cifs/NAS01, cifs/nas01.contoso.com"), message);
        assertTrue(message.contains("On dc2.contoso.com they are registered on " + nas), message);
        dc2.modify(nas, new Modification(ModificationType.DELETE, "servicePrincipalName", "cifs/NAS01",
                "cifs/nas01.contoso.com"));

        // ... or on another account, the one NAS01 was keyed on before
        dc2.add(new com.unboundid.ldap.sdk.Entry("dn: CN=svc-old,CN=Users," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "cn: svc-old", "sAMAccountName: svc-old", "userAccountControl: 66048",
                "servicePrincipalName: cifs/NAS01", "servicePrincipalName: cifs/nas01.contoso.com"));
        message = keyedDivergence(cfg, "servicePrincipalName").path("message").asText();
        assertTrue(message.contains("On dc2.contoso.com they are registered on CN=svc-old,CN=Users,"
                + TestDirectory.BASE), message);
        dc2.delete("CN=svc-old,CN=Users," + TestDirectory.BASE);

        // svc-nas itself not on dc2 yet: an account, not a computer object
        dc2.delete(svc);
        message = keyedDivergence(cfg, "object").path("message").asText();
        assertTrue(message.contains("dc2.contoso.com does not hold svc-nas at all, which dc1.contoso.com (the DC the"
                + " audit read) does: the account has not replicated there yet."), message);
        // ... and who holds its SPNs there instead: no one, or the computer NAS01 they moved from on dc1
        assertTrue(message.contains(" On dc2.contoso.com no account registers its SPNs (cifs/NAS01,"
                + " cifs/nas01.contoso.com): its KDC finds no such service there."), message);
        dc2.modify(nas, new Modification(ModificationType.ADD, "servicePrincipalName", "cifs/NAS01",
                "cifs/nas01.contoso.com"));
        message = keyedDivergence(cfg, "object").path("message").asText();
        assertTrue(message.contains(" On dc2.contoso.com its SPNs (cifs/NAS01, cifs/nas01.contoso.com) are registered"
                + " on " + nas + ": its KDC issues their"
                + " tickets in that account's keys, which a keytab made for svc-nas cannot read."), message);
    }

    /**
     * The same the other way round: on dc1 NAS01 serves cifs through its own HOST/ SPNs, on dc2 svc-nas registers them
     * (a NAS being keyed on it, not replicated yet). Already told before this change: DC_NOT_CONVERGED under NAS01, a
     * keying to decide (ReachRulesTest#aFileServersCifsSpnsOnAServiceAccountOnALaggingDcAreAKeyingToDecide), here on
     * two in-memory directories.
     */
    @Test
    void aFileServerKeyedOnAServiceAccountOnTheOtherDcOnlyIsAKeyingToDecide() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        String svc = "CN=svc-nas,CN=Users," + TestDirectory.BASE;
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            TestDirectory.addFileServer(ds, "NAS01", org.kcdauditor.support.Hosts.DOMAIN_SID + "-3000");
            for (String n : NODES) {
                ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                        "msDS-AllowedToDelegateTo", "cifs/NAS01", "cifs/nas01.contoso.com"));
            }
            if (ds.getEntry("CN=Users," + TestDirectory.BASE) == null) {
                ds.add("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users");
            }
            ds.add("dn: " + svc, "objectClass: top", "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas",
                    "userAccountControl: 66048");
        }
        dc2.modify(svc, new Modification(ModificationType.ADD, "servicePrincipalName", "cifs/NAS01",
                "cifs/nas01.contoso.com"));
        Path cfg = config(List.of(url(dc1), url(dc2)));
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV01, HV02, HV03]\n",
                "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]\n"));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("NAS01", f.get(0).path("host").asText());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("dc2.contoso.com's KDC issues their tickets in the keys of " + svc), message);
        assertTrue(f.get(0).path("remediation").asText().startsWith("If NAS01's SMB service is being keyed on " + svc),
                f.get(0).toString());
        assertEquals(3, f.get(0).path("evidence").path("pairs").size(), f.get(0).toString());
    }

    /**
     * The one DC_NOT_CONVERGED finding under svc-nas of a NO-GO preflight of {@code cfg}, on {@code attribute}, with
     * the three pairs into NAS01 it breaks on dc2, which the matrix reads failing (and no other); beside it at most
     * NAS01's own, blocking no pair.
     */
    private JsonNode keyedDivergence(Path cfg, String attribute) throws Exception {
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> all = findings(doc, "DC_NOT_CONVERGED");
        // NAS01's own SPNs moving to svc-nas is a difference of NAS01 too, which blocks no pair: its keys serve none
        assertTrue(all.stream().allMatch(x -> x.path("host").asText().equals("svc-nas")
                || x.path("host").asText().equals("NAS01") && x.path("evidence").path("pairs").isEmpty()), all.toString());
        List<JsonNode> f = all.stream().filter(x -> x.path("host").asText().equals("svc-nas")).toList();
        assertEquals(1, f.size(), all.toString());
        assertEquals(attribute, f.get(0).path("evidence").path("attribute").asText(), f.toString());
        assertEquals("HVC1", f.get(0).path("cluster").asText(), f.toString());
        assertEquals(List.of("HV01 -> NAS01", "HV02 -> NAS01", "HV03 -> NAS01"), StreamSupport.stream(
                f.get(0).path("evidence").path("pairs").spliterator(), false).map(x -> x.path("from").asText() + " -> "
                + x.path("to").asText()).toList());
        for (JsonNode c : doc.path("clusters")) {
            for (JsonNode p : c.path("matrix")) {
                assertEquals(!p.path("to").asText().equals("NAS01"), p.path("ok").asBoolean(), p.toString());
            }
        }
        return f.get(0);
    }

    /**
     * The same with {@code baseDn} the nodes' OU and the service account in CN=Users, outside it: each DC is searched
     * for other holders in the whole domain, as the audited DC is, so dc2's is a difference and dc1's a
     * TARGET_SPN_NOT_REGISTERED, not unseen on either.
     */
    @Test
    void withAnOuBaseDnAnAccountOutsideItRegisteringTheCifsSpnOnDc2OnlyIsNoGo() throws Exception {
        hv02DelegatesToCifsHv03OnDc2();
        dc2.add(svcFilesRegisteringCifsHv03());
        Path cfg = config(List.of(url(dc1), url(dc2)));
        Files.writeString(cfg, Files.readString(cfg).replace("baseDn: " + TestDirectory.BASE,
                "baseDn: OU=Hyper-V," + TestDirectory.BASE));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("servicePrincipalName holder", f.get(0).path("evidence").path("attribute").asText());
        dc1.add(svcFilesRegisteringCifsHv03());
        CliRun both = preflight(cfg, "--all-dcs");
        assertEquals(3, both.exitCode(), both.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
        assertEquals(1, findings(doc, "TARGET_SPN_NOT_REGISTERED").size());
    }

    /**
     * A node moved to another OU on dc1 (say into the cluster's OU during the change) is still on dc2 under its old DN
     * until the move replicates, with the same account, SPNs and delegation: dc2's KDC serves its pairs as before (seen
     * on the Samba DC pair). The read by DN misses it there; found by its objectSid, it is compared as any other, not
     * reported as an object dc2 does not hold.
     */
    @Test
    void aNodeMovedOnTheAuditedDcIsFoundOnTheOtherDcUnderItsOldDn() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        dc1.add(new Entry("dn: OU=Moved," + TestDirectory.BASE, "objectClass: organizationalUnit", "ou: Moved"));
        dc1.modifyDN("CN=HV03,OU=Hyper-V," + TestDirectory.BASE, "CN=HV03", true, "OU=Moved," + TestDirectory.BASE);
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), go.toString());
        assertTrue(go.out().contains("2 of 2 domain controllers agree with dc1.contoso.com"), go.out());
        assertTrue(findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").isEmpty());

        // found there by its SID, it is compared all the same: the account disabled on dc2, not replicated to dc1, is a
        // difference that blocks HV03's pairs there
        dc2.modify("CN=HV03,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                "userAccountControl", "4098"));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(List.of("HV03 userAccountControl"), f.stream().map(x -> x.path("host").asText() + " "
                + x.path("evidence").path("attribute").asText()).toList());

        // a node dc2 holds under no DN and no SID at all has not replicated there
        dc2.delete("CN=HV03,OU=Hyper-V," + TestDirectory.BASE);
        nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertTrue(f.get(0).path("message").asText().contains("does not hold HV03 at all"), f.toString());
    }

    /**
     * A group managed service account kept in the cluster's OU is no node (the audit leaves it out), so the preflight
     * reads it from the other DCs as none either: on dc2 only it registers cifs/HV03, which HV03 serves through its
     * HOST/HV03, and dc2's KDC then issues the ticket in the gMSA's key. Read there as a checked object, it was taken
     * for HV03's own and never for another holder: GO, while the pairs into HV03 fail on dc2.
     */
    @Test
    void aManagedServiceAccountInTheClustersOuIsAnotherHolderOnDc2() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            ds.add(new Entry("dn: CN=gmsa-backup,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top",
                    "objectClass: user", "objectClass: computer", "objectClass: msDS-GroupManagedServiceAccount",
                    "cn: gmsa-backup", "sAMAccountName: gmsa-backup$", "userAccountControl: 4096"));
        }
        dc2.modify("CN=gmsa-backup,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                "servicePrincipalName", "cifs/HV03"));
        Path cfg = config(List.of(url(dc1), url(dc2)));
        Files.writeString(cfg, Files.readString(cfg).replace("    nodes: [HV01, HV02, HV03]",
                "    ou: OU=Hyper-V," + TestDirectory.BASE));
        CliRun nogo = preflight(cfg, "--all-dcs");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of("HV01", "HV02", "HV03"), StreamSupport.stream(doc.path("clusters").get(0).path("nodes")
                .spliterator(), false).map(JsonNode::asText).toList());
        List<JsonNode> f = findings(doc, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), nogo + " " + f);
        assertEquals("HV03", f.get(0).path("host").asText());
        assertEquals("servicePrincipalName holder", f.get(0).path("evidence").path("attribute").asText());
        assertTrue(f.get(0).path("message").asText().contains("on CN=gmsa-backup,OU=Hyper-V," + TestDirectory.BASE),
                f.get(0).toString());
        assertEquals(3, nogo.exitCode(), nogo.toString());
    }

    /**
     * Without cifs among policy.services no pair asks for cifs/HV03: an account that registers it on dc2 only breaks
     * nothing there, as the same account on dc1, the DC the audit read, breaks nothing (GO). The preflight must not
     * be NO-GO until it replicates and GO afterwards for the same state.
     */
    @Test
    void anAccountRegisteringACifsSpnNoPairAsksForOnDc2OnlyIsNoBlocker() throws Exception {
        hv02DelegatesToCifsHv03OnDc2();
        dc2.add(svcFilesRegisteringCifsHv03());
        Path cfg = config(List.of(url(dc1), url(dc2)),
                "policy:\n  services: [\"Microsoft Virtual System Migration Service\"]");
        dc1.add(svcFilesRegisteringCifsHv03());
        CliRun both = preflight(cfg, "--all-dcs");
        assertEquals(0, both.exitCode(), "the same account on the DC the audit read: " + both);
        dc1.delete("CN=svc-files,CN=Users," + TestDirectory.BASE);
        CliRun dc2Only = preflight(cfg, "--all-dcs");
        assertEquals(0, dc2Only.exitCode(), dc2Only.toString());
        assertTrue(findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").isEmpty(),
                findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").toString());
    }

    /**
     * A URL in domainControllers that answers for another domain (a fabrikam DC listed under contoso) holds none of the
     * nodes: that is no replication lag, and no repadmin brings them there. It is named as not read, with why, not
     * taken for a DC lacking every node (DC_NOT_CONVERGED for each, with a push that cannot help).
     */
    @Test
    void aListedServerOfAnotherDomainIsNotReadAsALaggingDc() throws Exception {
        InMemoryDirectoryServer other = TestDirectory.startDomain("DC=fabrikam,DC=com", "dc1.fabrikam.com");
        try {
            CliRun r = preflight(config(List.of(url(dc1), url(other))), "--all-dcs");
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
            List<JsonNode> f = findings(doc, "DC_UNREACHABLE");
            assertEquals(1, f.size(), r.toString());
            assertTrue(f.get(0).path("message").asText().contains("serves DC=fabrikam,DC=com, not DC=contoso,DC=com"),
                    f.get(0).toString());
            assertTrue(f.get(0).path("message").asText().contains("remove it from directory.domainControllers"),
                    f.get(0).toString());
            assertTrue(r.out().contains("dc1.fabrikam.com could not be read"), r.out());
            // listed as a DC of the domain and not read as one: NO-GO until it is taken out of domainControllers
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.out().contains("  NO-GO   domain controller dc1.fabrikam.com could not be read"), r.out());
        } finally {
            other.shutDown(true);
        }
    }

    /**
     * A DC that refuses the bind the audited DC accepted: the account and password are right, so "check bindDn and the
     * password" alone sends the admin the wrong way; a password change the DC has not received yet (or a lockout
     * there) is what refuses it.
     */
    @Test
    void aDcRefusingTheBindTheAuditedDcAcceptedSaysSo() throws Exception {
        com.unboundid.ldap.listener.InMemoryDirectoryServerConfig c =
                new com.unboundid.ldap.listener.InMemoryDirectoryServerConfig(TestDirectory.BASE);
        c.setSchema(null);
        c.addAdditionalBindCredentials(TestDirectory.BIND_DN, "the-password-before-its-change");
        c.setCustomRootDSEAttributes(List.of(new com.unboundid.ldap.sdk.Attribute("dnsHostName", "dc3.contoso.com")));
        c.setListenerConfigs(com.unboundid.ldap.listener.InMemoryListenerConfig.createLDAPConfig("ldap",
                java.net.InetAddress.getLoopbackAddress(), 0, null));
        InMemoryDirectoryServer dc3 = new InMemoryDirectoryServer(c);
        dc3.startListening();
        try {
            CliRun r = preflight(config(List.of(url(dc1), url(dc3))), "--all-dcs");
            List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_UNREACHABLE");
            assertEquals(1, f.size(), r.toString());
            String m = f.get(0).path("message").asText();
            assertTrue(m.contains("bind as " + TestDirectory.BIND_DN + " refused"), m);
            assertTrue(m.contains("dc1.contoso.com, the DC the audit read, accepted the same account and password:"
                    + " this DC may not have received a recent change of the account yet (a new password, an unlock,"
                    + " an enable; repadmin /showrepl 127.0.0.1)"), m);
        } finally {
            dc3.shutDown(true);
        }
    }

    /**
     * One DC listed twice, by its IP and by its name (here localhost), is one DC: its root DSE gives both the same
     * name. Counted twice, the preflight said "1 of 3 domain controllers agree" and raised each difference twice.
     */
    @Test
    void aDcListedTwiceUnderTwoUrlsIsOneDc() throws Exception {
        CliRun r = preflight(config(List.of(url(dc1), url(dc2), "ldap://localhost:" + dc2.getListenPort())),
                "--all-dcs");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("1 of 2 domain controllers agree with dc1.contoso.com; dc2.contoso.com has not"
                + " replicated the delegation yet"), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(1, findings(doc, "DC_NOT_CONVERGED").size(), findings(doc, "DC_NOT_CONVERGED").toString());
        JsonNode dcs = doc.path("directories").get(0).path("domainControllers");
        assertEquals(2, dcs.size(), dcs.toString());
        assertEquals(1, dcs.get(1).path("differences").asInt(), dcs.toString());
    }

    /**
     * A read-only DC replicates inbound only: no DC pulls from it, so {@code repadmin /syncall <RODC> /AdeP} pushes
     * nothing. Here the change was made on DC3 and the branch RODC has pulled it, the audited dc1 not yet (the RODC
     * holds the newer write); the RODC is listed in domainControllers, so only its root DSE (supportedCapabilities
     * LDAP_CAP_ACTIVE_DIRECTORY_PARTIAL_SECRETS_OID) says that it is read-only. The fix has dc1 pull the change from its
     * partners instead, and the RODC is named read-only, as a discovered one is.
     */
    @Test
    void aReadOnlyDcIsNeverTheDcAChangeIsPushedFrom() throws Exception {
        InMemoryDirectoryServer rodc = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new com.unboundid.ldap.sdk.Attribute("dnsHostName", "rodc.contoso.com"),
                new com.unboundid.ldap.sdk.Attribute("defaultNamingContext", TestDirectory.BASE),
                new com.unboundid.ldap.sdk.Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY,
                        DomainReader.RODC_CAPABILITY)));
        try {
            TestDirectory.addCluster(rodc, NODES);
            rodc.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    "cifs/HV03", "cifs/hv03.contoso.com"));
            String dsa1 = ReplicationMetadataTest.DC2.replace("CN=DC2", "CN=DC1");
            String dsa3 = ReplicationMetadataTest.DC2.replace("CN=DC2", "CN=DC3");
            for (String n : NODES) {
                for (InMemoryDirectoryServer ds : List.of(dc1, rodc)) {
                    ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(
                            ModificationType.REPLACE, "msDS-ReplAttributeMetaData", ReplicationMetadataTest.xml(
                                    "msDS-AllowedToDelegateTo", 6, "2026-11-20T10:00:00Z", dsa1)));
                }
            }
            rodc.modify(HV02, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                    ReplicationMetadataTest.xml("msDS-AllowedToDelegateTo", 7, "2026-11-30T14:02:11Z", dsa3)));
            CliRun nogo = preflight(config(List.of(url(dc1), url(rodc))), "--all-dcs");
            assertEquals(3, nogo.exitCode(), nogo.toString());
            assertTrue(nogo.out().contains("(read-only: rodc.contoso.com)"), nogo.out());
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            assertTrue(doc.path("directories").get(0).path("domainControllers").get(1).path("readOnly").asBoolean(),
                    doc.path("directories").toString());
            JsonNode f = findings(doc, "DC_NOT_CONVERGED").get(0);
            String fix = f.path("remediation").asText();
            assertFalse(fix.contains("/syncall rodc.contoso.com"), fix);
            assertTrue(fix.contains("repadmin /syncall dc1.contoso.com /Ade,") || fix.contains(
                    "repadmin /syncall dc1.contoso.com /Ade)"), fix);
            assertTrue(fix.contains("repadmin /showrepl dc1.contoso.com"), fix);
            assertEquals("dc1.contoso.com", f.path("actions").get(0).path("proposed").get(0).path("to").asText());
            assertTrue(f.path("actions").get(0).path("proposed").get(0).path("pull").asBoolean(), f.toString());

            // the audit itself read the RODC, and the writable dc2 lags: dc2 pulls, the RODC pushes nothing
            Path cfg = TestDirectory.config(tmp, url(rodc), NODES, "allowInsecureBind: true",
                    "domainControllers: [" + url(rodc) + ", " + url(dc2) + "]");
            rodc.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                    "cifs/hv03.contoso.com"));
            CliRun lag = preflight(cfg, "--all-dcs");
            assertEquals(3, lag.exitCode(), lag.toString());
            assertTrue(lag.out().contains("(read-only: rodc.contoso.com)"), lag.out());
            fix = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").get(0).path("remediation")
                    .asText();
            assertFalse(fix.contains("/syncall rodc.contoso.com"), fix);
            assertTrue(fix.contains("repadmin /syncall dc2.contoso.com /Ade"), fix);
            assertFalse(fix.contains("/AdeP"), fix);

            // a duplicate SPN the RODC holds and dc1 not yet is taken off on a writable DC: the RODC takes no write
            dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                    "cifs/hv03.contoso.com"));
            for (InMemoryDirectoryServer ds : List.of(dc1, rodc)) {
                ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
            }
            rodc.add(svcFilesRegisteringCifsHv03());
            preflight(config(List.of(url(dc1), url(rodc))), "--all-dcs");
            JsonNode holder = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").get(0);
            assertEquals("servicePrincipalName holder", holder.path("evidence").path("attribute").asText());
            fix = holder.path("remediation").asText();
            assertFalse(fix.contains("-Server 'rodc.contoso.com'"), fix);
            assertTrue(fix.contains("on the writable DC rodc.contoso.com replicated it from"), fix);

            // the audit read the RODC, and dc2 holds a duplicate the RODC has not received: taken off on dc2, not also
            // "once it has replicated to" the RODC "there": the RODC takes no write
            rodc.delete("CN=svc-files,CN=Users," + TestDirectory.BASE);
            dc2.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
            dc2.add(svcFilesRegisteringCifsHv03());
            CliRun held = preflight(TestDirectory.config(tmp, url(rodc), NODES, "allowInsecureBind: true",
                    "domainControllers: [" + url(rodc) + ", " + url(dc2) + "]"), "--all-dcs");
            holder = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").stream()
                    .filter(x -> x.path("evidence").path("attribute").asText().equals("servicePrincipalName holder"))
                    .findFirst().orElseThrow(() -> new AssertionError(held.toString()));
            fix = holder.path("remediation").asText();
            assertTrue(fix.contains("on dc2.contoso.com, where it was registered"), fix);
            assertFalse(fix.contains("replicated to rodc.contoso.com"), fix);
        } finally {
            rodc.shutDown(true);
        }
    }

    private static final String HV03 = "CN=HV03,OU=Hyper-V," + TestDirectory.BASE;
    private static final String SVC_MIG = "CN=svc-mig,CN=Users," + TestDirectory.BASE;

    /** A user account registering {@code spns}. */
    private static Entry svcMig(String... spns) throws com.unboundid.ldif.LDIFException {
        Entry e = new Entry("dn: " + SVC_MIG, "objectClass: top", "objectClass: user", "cn: svc-mig",
                "sAMAccountName: svc-mig", "userAccountControl: 512");
        e.addAttribute("servicePrincipalName", spns);
        return e;
    }

    /** The DC_NOT_CONVERGED findings of {@code doc} about the holders of a target SPN the pairs need. */
    private static List<JsonNode> targetSpns(JsonNode doc) {
        return findings(doc, "DC_NOT_CONVERGED").stream().filter(f -> f.path("evidence").path("attribute").asText()
                .equals("target servicePrincipalName")).toList();
    }

    /**
     * An administrator registered HV03's migration SPNs (setspn) on dc2 a moment ago; dc1, the DC the audit read, has not
     * got them yet. dc1's view says TARGET_SPN_NOT_REGISTERED, and a KDC on dc1 refuses the S4U2proxy ticket
     * (KDC_ERR_S_PRINCIPAL_UNKNOWN) until they replicate: the truth is "registered, not replicated everywhere", told
     * per SPN with who holds it on each DC, and fixed by replicating from dc2, not by registering it again.
     */
    @Test
    void aTargetSpnRegisteredOnAnotherDcOnlyIsNotReplicatedYet() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        dc1.modify(HV03, new Modification(ModificationType.DELETE, "servicePrincipalName",
                Hosts.MIG + "/HV03", Hosts.MIG + "/hv03.contoso.com"));
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> f = targetSpns(doc);
        assertEquals(List.of(Hosts.MIG + "/HV03", Hosts.MIG + "/hv03.contoso.com"), f.stream()
                .map(x -> x.path("evidence").path("spn").asText()).toList(), f.toString());
        // told once: not also as HV03's servicePrincipalName that dc2 "still holds"
        assertEquals(2, findings(doc, "DC_NOT_CONVERGED").size(), findings(doc, "DC_NOT_CONVERGED").toString());
        JsonNode one = f.get(0);
        JsonNode e = one.path("evidence");
        assertEquals("HV03", one.path("host").asText());
        assertEquals("HIGH", one.path("severity").asText());
        assertEquals("dc2.contoso.com", e.path("dc").asText());
        assertEquals("dc1.contoso.com", e.path("auditedDc").asText());
        assertEquals(0, e.path("expected").size(), e.toString());
        assertEquals(HV03, e.path("actual").get(0).asText(), e.toString());
        assertEquals(HV03, e.path("holders").get(0).path("dn").asText(), e.toString());
        assertEquals(Hosts.MIG + "/HV03", e.path("holders").get(0).path("stored").asText(), e.toString());
        assertEquals(List.of("HV01", "HV02"), StreamSupport.stream(e.path("pairs").spliterator(), false)
                .map(x -> x.path("from").asText()).toList());
        String message = one.path("message").asText();
        assertTrue(message.contains("dc2.contoso.com holds " + Hosts.MIG + "/HV03 on HV03, which dc1.contoso.com (the"
                + " DC the audit read) does not have yet"), message);
        assertTrue(message.contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"), message);
        String fix = one.path("remediation").asText();
        assertTrue(fix.contains("repadmin /syncall dc2.contoso.com /AdeP"), fix);
        assertEquals("replicate", one.path("actions").get(0).path("proposed").get(0).path("type").asText());
        // TARGET_SPN_NOT_REGISTERED judges dc1's copy, and says where the SPN is already registered
        List<JsonNode> unregistered = findings(doc, "TARGET_SPN_NOT_REGISTERED");
        assertEquals(2, unregistered.size(), unregistered.toString());
        assertTrue(unregistered.get(0).path("message").asText().contains("dc2.contoso.com holds it on HV03 already"),
                unregistered.get(0).toString());

        // replication catches up
        dc1.modify(HV03, new Modification(ModificationType.ADD, "servicePrincipalName",
                Hosts.MIG + "/HV03", Hosts.MIG + "/hv03.contoso.com"));
        CliRun go = preflight(cfg, "--all-dcs");
        assertEquals(0, go.exitCode(), go.toString());
    }

    /**
     * The reverse and the duplicate on one DC only: a target SPN no DC has on HV03 is registered on another account on
     * one DC and not on the other. Registered on svc-mig on dc2 only, dc1's KDC refuses it (no holder), dc2's issues it
     * in svc-mig's keys, which HV03 cannot read; held by svc-mig on dc1 only (taken off it on dc2, not replicated yet),
     * the other way round. Both are told with the holders on each DC; without the search of dc2 for the SPNs the pairs
     * need neither was seen.
     */
    @Test
    void aTargetSpnHeldByAnotherAccountOnOneDcOnlyIsADifference() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
            ds.modify(HV03, new Modification(ModificationType.DELETE, "servicePrincipalName", Hosts.MIG + "/HV03"));
        }
        dc2.add(svcMig(Hosts.MIG + "/HV03"));
        Path cfg = config(List.of(url(dc1), url(dc2)));
        CliRun nogo = preflight(cfg, "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = targetSpns(CliRun.findings(tmp.resolve("out")));
        assertEquals(1, f.size(), f.toString());
        JsonNode e = f.get(0).path("evidence");
        assertEquals(Hosts.MIG + "/HV03", e.path("spn").asText());
        assertEquals(0, e.path("expected").size(), e.toString());
        assertEquals(SVC_MIG, e.path("actual").get(0).asText(), e.toString());
        assertEquals("svc-mig", e.path("holders").get(0).path("name").asText(), e.toString());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("on dc2.contoso.com it is registered on " + SVC_MIG), message);
        String fix = f.get(0).path("remediation").asText();
        assertTrue(fix.contains("take " + Hosts.MIG + "/HV03 off " + SVC_MIG + " on dc2.contoso.com, where it was"
                + " registered (Set-ADObject -Server 'dc2.contoso.com'"), fix);

        // the other way round: svc-mig holds it on dc1 only
        dc2.delete(SVC_MIG);
        dc1.add(svcMig(Hosts.MIG + "/HV03"));
        CliRun reverse = preflight(cfg, "--all-dcs");
        assertEquals(3, reverse.exitCode(), reverse.toString());
        f = targetSpns(CliRun.findings(tmp.resolve("out")));
        assertEquals(1, f.size(), f.toString());
        e = f.get(0).path("evidence");
        assertEquals(SVC_MIG, e.path("expected").get(0).asText(), e.toString());
        assertEquals(0, e.path("actual").size(), e.toString());
        assertTrue(f.get(0).path("message").asText().contains("on dc2.contoso.com no account registers it"),
                f.get(0).toString());

        // the same on both DCs: dc1's view tells it all (TARGET_SPN_NOT_REGISTERED), no DC difference
        dc2.add(svcMig(Hosts.MIG + "/HV03"));
        preflight(cfg, "--all-dcs");
        assertTrue(findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED").isEmpty());
    }

    /**
     * svc-files registers cifs/HV03 on dc1 only, which therefore resolves it to svc-files (TARGET_SPN_NOT_REGISTERED,
     * "registered on svc-files instead"); on dc2, where it is off svc-files, HV03's own HOST/HV03 serves it through
     * sPNMappings: dc2's KDC issues the ticket in HV03's keys, not "no account for it".
     */
    @Test
    void aCifsSpnOffAnotherAccountOnTheOtherDcIsServedThereThroughTheTargetsHostSpn() throws Exception {
        hv02DelegatesToCifsHv03OnDc2();
        dc1.add(svcFilesRegisteringCifsHv03());
        CliRun nogo = preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertEquals(3, nogo.exitCode(), nogo.toString());
        List<JsonNode> f = targetSpns(CliRun.findings(tmp.resolve("out")));
        assertEquals(1, f.size(), f.toString());
        JsonNode e = f.get(0).path("evidence");
        assertEquals("cifs/HV03", e.path("spn").asText());
        assertEquals("CN=svc-files,CN=Users," + TestDirectory.BASE, e.path("expected").get(0).asText(), e.toString());
        assertEquals(0, e.path("actual").size(), e.toString());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("on dc2.contoso.com no account registers it: its KDC serves it through HOST/HV03 of"
                + " HV03 (sPNMappings)"), message);
        assertFalse(message.contains("KDC_ERR_S_PRINCIPAL_UNKNOWN"), message);
        String fix = f.get(0).path("remediation").asText();
        assertTrue(fix.contains("nothing needs registering"), fix);
    }

    /**
     * The SPNs the pairs need are looked up on each other DC in the search for other holders, in batched OR filters:
     * not a search per SPN.
     */
    @Test
    void theTargetSpnsAreLookedUpInTheSearchForOtherHolders() throws Exception {
        dc2.shutDown(true);
        java.util.concurrent.atomic.AtomicInteger searches = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
        dc2 = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new com.unboundid.ldap.sdk.Attribute("dnsHostName", "dc2.contoso.com"),
                new com.unboundid.ldap.sdk.Attribute("defaultNamingContext", TestDirectory.BASE)),
                new com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchRequest(
                            com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest request) {
                        String filter = request.getRequest().getFilter().toString();
                        if (filter.contains("servicePrincipalName=")) {
                            searches.incrementAndGet();
                            asked.add(filter);
                        }
                    }
                });
        TestDirectory.addCluster(dc2, NODES);
        // registered on HV03 on neither DC: asked for all the same, as the pairs into HV03 need it
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            ds.modify(HV03, new Modification(ModificationType.DELETE, "servicePrincipalName",
                    Hosts.MIG + "/HV03", Hosts.MIG + "/hv03.contoso.com"));
        }
        preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertEquals(1, searches.get(), asked.toString());
        String filter = asked.iterator().next().toLowerCase(java.util.Locale.ROOT);
        assertTrue(filter.contains(("(servicePrincipalName=" + Hosts.MIG + "/HV03)").toLowerCase(java.util.Locale.ROOT)),
                filter);
        assertTrue(filter.contains("(serviceprincipalname=cifs/hv03.contoso.com)"), filter);
    }

    /**
     * A node's difference on dc2 that breaks no pair there (NOT_DELEGATED alone) is MEDIUM, as a file server's own
     * account's difference is where no pair uses its keys: not a blocker, the preflight GO and its counts say so.
     */
    @Test
    void aNodesDifferenceThatBreaksNoPairIsNoBlocker() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        dc2.modify(HV02, new Modification(ModificationType.REPLACE, "userAccountControl",
                String.valueOf(16781312 | 0x100000)));
        CliRun go = preflight(config(List.of(url(dc1), url(dc2))), "--all-dcs");
        assertEquals(0, go.exitCode(), go.toString());
        assertTrue(go.out().contains("Preflight HVC1: GO"), go.out());
        assertTrue(go.out().contains("6/6 node pairs OK; blockers: 0;"), go.out());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("MEDIUM", f.get(0).path("severity").asText());
        assertEquals(0, f.get(0).path("evidence").path("pairs").size(), f.get(0).toString());
        // beside the GO, the DC line says which DC differs and that live migration is not affected, not that dc2
        // "has not replicated the delegation yet" as though the pairs were not converged; the reports say the same
        String line = "1 of 2 domain controllers agree with dc1.contoso.com; dc2.contoso.com differs only in what no"
                + " pair needs (MEDIUM: userAccountControl of HV02), so live migration is not affected";
        assertTrue(go.out().contains("  domain controllers: " + line + "\n"), go.out());
        assertFalse(go.out().contains("has not replicated"), go.out());
        CliRun report = CliRun.run(ENV, "report", "--from", tmp.resolve("out").toString(), "--formats", "pdf,xlsx");
        assertEquals(0, report.exitCode(), report.toString());
        String pdf;
        try (org.apache.pdfbox.pdmodel.PDDocument d = org.apache.pdfbox.Loader.loadPDF(
                tmp.resolve("out/audit.pdf").toFile())) {
            org.apache.pdfbox.text.PDFTextStripper page = new org.apache.pdfbox.text.PDFTextStripper();
            page.setEndPage(1);
            pdf = page.getText(d).replaceAll("\\s+", " ");
        }
        assertTrue(pdf.contains("Domain controllers: " + line + "."), "the decision page: " + pdf);
        assertFalse(pdf.contains("has not replicated"), pdf);
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook xlsx = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                tmp.resolve("out/audit.xlsx").toFile())) {
            List<String> rows = new ArrayList<>();
            xlsx.getSheet("Summary").forEach(r -> {
                if (r.getCell(0) != null && "Domain controllers".equals(r.getCell(0).getStringCellValue())) {
                    rows.add(r.getCell(1).getStringCellValue());
                }
            });
            assertEquals(List.of(line), rows, "the workbook's Summary");
        }
    }

    /** On dc2 only, HV02 delegates to cifs/HV03 (both forms); both DCs get the CN=Users container. */
    private void hv02DelegatesToCifsHv03OnDc2() throws Exception {
        dc2.modify(HV02, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV03",
                "cifs/hv03.contoso.com"));
        for (InMemoryDirectoryServer ds : List.of(dc1, dc2)) {
            ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        }
    }

    /** A service account that registers cifs/HV03 itself (HV03 serves it through its HOST/HV03). */
    private static Entry svcFilesRegisteringCifsHv03() throws com.unboundid.ldif.LDIFException {
        return new Entry("dn: CN=svc-files,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-files", "sAMAccountName: svc-files", "userAccountControl: 512", "servicePrincipalName: cifs/HV03");
    }
}
