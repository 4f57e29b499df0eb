package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resource-based delegation granted through a group, over real LDAP from UnboundID's in-memory server: HV72 lacks
 * every classic delegation entry to HV71, and HV71's msDS-AllowedToActOnBehalfOfOtherIdentity names a group HV72 is
 * in (directly, nested in a cycle, or as its primary group). The KDC checks the descriptor against the groups in
 * HV72's TGT, so the pair HV72 → HV71 is covered. The domain SID's sub-authorities hold the bytes '\', ')', '(', '*'
 * and NUL ({@link DomainFactsTest#DOMAIN_SID}): only a binary-safe filter finds the groups.
 */
class RbcdGroupsTest {
    static final String BASE = TestDirectory.BASE;
    static final String SID = DomainFactsTest.DOMAIN_SID;
    static final String USERS = DomainFactsTest.USERS;
    static final String HV71 = "CN=HV71,OU=Hyper-V," + BASE;
    static final String HV72 = "CN=HV72,OU=Hyper-V," + BASE;

    @TempDir
    Path tmp;

    /** Every search the server answered: base DN and filter. */
    static final class Searches extends InMemoryOperationInterceptor {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            seen.add(request.getRequest().getBaseDN() + " " + request.getRequest().getFilter());
        }
    }

    /**
     * The domain of {@link DomainFactsTest} with the cluster HV71, HV72 (SIDs -2000, -2001; primary group 515,
     * Domain Computers, as AD sets it), HV72 delegating nothing to HV71, and the groups HVHosts (-1146: HV72), Outer
     * (-1147: Inner) and Inner (-1148: HV72 and Outer, a cycle), Domain Computers (-515, no member values) and
     * Others (-1149: krbtgt).
     */
    static InMemoryDirectoryServer server(Searches searches) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, searches);
        DomainFactsTest.domain(ds, false);
        TestDirectory.addCluster(ds, BASE, SID, 2000, List.of("HV71", "HV72"));
        List<String> toHv71 = new ArrayList<>();
        for (String service : List.of(Hosts.MIG, "cifs")) {
            toHv71.add(service + "/HV71");
            toHv71.add(service + "/hv71.contoso.com");
        }
        ds.modify(HV72, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                toHv71.toArray(String[]::new)));
        for (String node : List.of(HV71, HV72)) {
            ds.modify(node, new Modification(ModificationType.ADD, "primaryGroupID", "515"));
        }
        DomainFactsTest.group(ds, "HVHosts", SID + "-1146", "20200101000000.0Z", HV72);
        DomainFactsTest.group(ds, "Outer", SID + "-1147", "20200101000000.0Z", "CN=Inner," + USERS);
        DomainFactsTest.group(ds, "Inner", SID + "-1148", "20200101000000.0Z", HV72, "CN=Outer," + USERS);
        DomainFactsTest.group(ds, "Domain Computers", SID + "-515", "20000101000000.0Z");
        DomainFactsTest.group(ds, "Others", SID + "-1149", "20200101000000.0Z", "CN=krbtgt," + USERS);
        return ds;
    }

    /** HV71 allows RBCD from these SIDs. */
    static void allow(InMemoryDirectoryServer ds, String... sids) throws Exception {
        ds.modify(HV71, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                RbcdDescriptors.of(List.of(sids))));
    }

    private AuditContext audit(InMemoryDirectoryServer ds) throws Exception {
        AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                List.of("HV71", "HV72"), "allowInsecureBind: true"));
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            Snapshot s = new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
            return new AuditContext(s, config.clusters(), config.policy());
        }
    }

    /** {@code kcd-audit run} of cluster HV71, HV72 against {@code ds}, findings.json into {@code out}. */
    private CliRun run(InMemoryDirectoryServer ds, Path out) throws Exception {
        return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV71", "HV72"),
                        "allowInsecureBind: true").toString(), "--out", out.toString(), "--formats", "json");
    }

    private static PairStatus hv72ToHv71(AuditContext ctx) {
        return ctx.pairs().stream().filter(p -> p.source().name().equals("HV72") && p.target().name().equals("HV71"))
                .findFirst().orElseThrow();
    }

    @Test
    void aGroupTheSourceIsInCoversThePairAndRbcdPresentNamesTheGroup() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            allow(ds, SID + "-1146");
            Path out = tmp.resolve("out");
            CliRun r = run(ds, out);
            assertEquals(0, r.exitCode(), r.toString());
            JsonNode doc = CliRun.findings(out);
            List<String> rules = new ArrayList<>();
            String rbcdPresent = null;
            for (JsonNode f : doc.path("findings")) {
                rules.add(f.path("rule").asText() + " " + f.path("host").asText());
                if (f.path("rule").asText().equals("RBCD_PRESENT")) {
                    rbcdPresent = f.path("message").asText();
                }
            }
            assertEquals(List.of("RBCD_PRESENT HV71"), rules, "no MISSING_DELEGATION HV72 -> HV71: " + doc);
            assertEquals("HV71 allows RBCD from " + SID + "-1146 (HVHosts, group, 1 member: HV72). It covers HV72 ->"
                    + " HV71, so no msDS-AllowedToDelegateTo entries are needed for that pair. The KDC reads group"
                    + " membership from the delegating host's TGT: a host added to HVHosts is allowed once it has a"
                    + " new one (klist -li 0x3e7 purge on it, or a restart).", rbcdPresent);
            JsonNode cluster = doc.path("clusters").get(0);
            assertTrue(cluster.path("go").asBoolean(), cluster.toString());
            for (JsonNode p : cluster.path("matrix")) {
                assertTrue(p.path("ok").asBoolean(), p.toString());
                assertEquals(p.path("from").asText().equals("HV72"), p.path("rbcd").asBoolean(), p.toString());
            }
            JsonNode hv71 = doc.path("hosts").get(0);
            assertEquals("HV71", hv71.path("name").asText());
            assertEquals(SID + "-1146 (HVHosts, group, 1 member: HV72)", hv71.path("rbcdAllowed").get(0).asText());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void nestedGroupsInACycleAndThePrimaryGroupCoverThePair() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            allow(ds, SID + "-1147");
            AuditContext ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd(), "Outer holds Inner, which holds HV72 (and Outer again)");
            assertTrue(hv72ToHv71(ctx).ok());
            RbcdPrincipal outer = ctx.snapshot().rbcdPrincipals().get(SID + "-1147");
            assertEquals("Outer, group, 1 member: HV72", outer.label());
            assertTrue(outer.complete());

            allow(ds, SID + "-515");
            ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd(), "Domain Computers through HV72's primaryGroupID, not member");
            RbcdPrincipal computers = ctx.snapshot().rbcdPrincipals().get(SID + "-515");
            assertEquals(java.util.Set.of(SID + "-2000", SID + "-2001"), computers.members().keySet());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * An access-denied ACE wins over any allow (the KDC's access check of the descriptor, MS-SFU 3.2.5.2.3): HV71
     * allows HVHosts but refuses HV72 itself, then allows HV72 but refuses Inner, a group HV72 is in. Either way
     * HV72 -> HV71 is not covered, so its four missing entries are MISSING_DELEGATION and the cluster is NO-GO.
     */
    @Test
    void anAccessDeniedAceForTheSourceOrAGroupOfItWinsOverTheAllow() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            ds.modify(HV71, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                    RbcdDescriptors.of(List.of(SID + "-1146"), List.of(SID + "-2001"))));
            Path out = tmp.resolve("out");
            CliRun r = run(ds, out);
            assertEquals(3, r.exitCode(), r.toString());
            JsonNode doc = CliRun.findings(out);
            List<String> missing = new ArrayList<>();
            String rbcdPresent = null;
            for (JsonNode f : doc.path("findings")) {
                if (f.path("rule").asText().equals("MISSING_DELEGATION")) {
                    missing.add(f.path("host").asText() + " -> " + f.path("peer").asText());
                } else if (f.path("rule").asText().equals("RBCD_PRESENT")) {
                    rbcdPresent = f.path("message").asText();
                }
            }
            assertEquals(Collections.nCopies(4, "HV72 -> HV71"), missing, doc.toString());
            assertTrue(rbcdPresent.contains(" It refuses " + SID + "-2001 (HV72) (access-denied ACEs"), rbcdPresent);
            assertFalse(rbcdPresent.contains("It covers"), rbcdPresent);
            // hosts[] names what the descriptor allows and, apart, what it refuses: a pipeline reading rbcdAllowed
            // alone would count HV72 as allowed through its group
            JsonNode hv71 = null;
            for (JsonNode h : doc.path("hosts")) {
                hv71 = h.path("name").asText().equals("HV71") ? h : hv71;
            }
            assertEquals(List.of(SID + "-2001 (HV72)"), List.of(hv71.path("rbcdDenied").get(0).asText()), hv71.toString());
            assertEquals(1, hv71.path("rbcdDenied").size());
            for (JsonNode h : doc.path("hosts")) {
                assertTrue(h == hv71 || h.path("rbcdDenied").isMissingNode(), "absent when none: " + h);
            }
            JsonNode cluster = doc.path("clusters").get(0);
            assertFalse(cluster.path("go").asBoolean(true), cluster.toString());
            for (JsonNode p : cluster.path("matrix")) {
                assertEquals(!p.path("from").asText().equals("HV72"), p.path("ok").asBoolean(), p.toString());
                assertFalse(p.path("rbcd").asBoolean(), p.toString());
            }

            ds.modify(HV71, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                    RbcdDescriptors.of(List.of(SID + "-2001"), List.of(SID + "-1148"))));
            AuditContext ctx = audit(ds);
            assertFalse(hv72ToHv71(ctx).rbcd(), "Inner (refused) holds HV72: the denial is read through the group");
            assertEquals(4, hv72ToHv71(ctx).missing().size());
            assertEquals("Inner, group, 1 member: HV72",
                    ctx.snapshot().rbcdPrincipals().get(SID + "-1148").label());

            // Everyone and Authenticated Users are in every authenticated account's token: a denial of either refuses
            // every source, whatever the descriptor allows
            for (String wellKnown : List.of("S-1-1-0", "S-1-5-11")) {
                ds.modify(HV71, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                        RbcdDescriptors.of(List.of(SID + "-2001"), List.of(wellKnown))));
                assertFalse(hv72ToHv71(audit(ds)).rbcd(), wellKnown + " refused: HV72 is refused too");
            }
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aGroupWithoutTheSourceCoversNothing() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            allow(ds, SID + "-1149", SID + "-9999");
            AuditContext ctx = audit(ds);
            PairStatus p = hv72ToHv71(ctx);
            assertFalse(p.rbcd());
            assertEquals(4, p.missing().size(), p.toString());
            assertEquals("Others, group, 1 member: krbtgt", ctx.snapshot().rbcdPrincipals().get(SID + "-1149").label());
            assertFalse(ctx.snapshot().rbcdPrincipals().containsKey(SID + "-9999"), "a deleted account stays a SID");
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void descriptorsNamingOnlyComputersOfTheSweepCostNoRead() throws Exception {
        Searches searches = new Searches();
        InMemoryDirectoryServer ds = server(searches);
        try {
            audit(ds);
            List<String> without = List.copyOf(searches.seen);
            searches.seen.clear();
            allow(ds, SID + "-2001");
            AuditContext ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd());
            assertEquals(Map.of(), ctx.snapshot().rbcdPrincipals());
            assertEquals(without, searches.seen, "the same requests as without RBCD");
        } finally {
            ds.shutDown(true);
        }
    }
}
