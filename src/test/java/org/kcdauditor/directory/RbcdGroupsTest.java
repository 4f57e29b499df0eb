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

    /** Every search the server answered: base DN and filter; and how many entries it returned. */
    static final class Searches extends InMemoryOperationInterceptor {
        final List<String> seen = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger entries = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) {
            seen.add(request.getRequest().getBaseDN() + " " + request.getRequest().getFilter());
        }

        @Override
        public void processSearchEntry(com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchEntry entry) {
            entries.incrementAndGet();
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
        ds.modify(HV72, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", toHv71()));
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

    /** The entries HV72 needs to delegate to HV71. */
    static String[] toHv71() {
        List<String> out = new ArrayList<>();
        for (String service : List.of(Hosts.MIG, "cifs")) {
            out.add(service + "/HV71");
            out.add(service + "/hv71.contoso.com");
        }
        return out.toArray(String[]::new);
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

    /**
     * The service account a file server's cifs SPNs may be keyed on (svc-nas, a user no cluster takes for a host) allows
     * RBCD from the group HVHosts: the KDC reads its grant for those SPNs (docs/kerberos.md, "A file server keyed on a
     * service account"), so the group is read as for a host's. Only the hosts' descriptors were expanded: svc-nas's grant
     * read as allowing nobody, and the pairs into such a file server got a MISSING_DELEGATION they do not have.
     */
    @Test
    void aServiceAccountsGrantToAGroupIsReadAsAHostsIs() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            com.unboundid.ldap.sdk.Entry svc = new com.unboundid.ldap.sdk.Entry("dn: CN=svc-nas," + USERS,
                    "objectClass: top", "objectClass: person", "objectClass: user", "cn: svc-nas",
                    "sAMAccountName: svc-nas", "userAccountControl: 66048", "servicePrincipalName: cifs/NAS01");
            svc.addAttribute("objectSid", Sids.toBytes(SID + "-3001"));
            svc.addAttribute("msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(SID + "-1146")));
            ds.add(svc);
            AuditContext ctx = audit(ds);
            var objects = ctx.snapshot().objects();
            var account = objects.stream().filter(o -> o.name().equals("svc-nas")).findFirst().orElseThrow();
            var hv72 = objects.stream().filter(o -> o.name().equals("HV72")).findFirst().orElseThrow();
            assertTrue(ctx.snapshot().rbcdAllows(account, hv72), "HVHosts holds HV72");
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

    /** The findings of {@code rule} in {@code doc}. */
    private static List<JsonNode> findings(JsonNode doc, String rule) {
        List<JsonNode> out = new ArrayList<>();
        doc.path("findings").forEach(f -> {
            if (f.path("rule").asText().equals(rule)) {
                out.add(f);
            }
        });
        return out;
    }

    /**
     * A descriptor that allows every account (Everyone, Authenticated Users, which every authenticated account's token
     * holds) or every computer (Domain Computers, HV72's primary group): the KDC's access check passes for HV72, so
     * HV72 -> HV71 is covered and its entries are not missing. It passes for any other account too, a computer any
     * user may create included: RBCD_ALLOWS_ANY_ACCOUNT (HIGH, so NO-GO) names the grant, says why it is a hole and
     * proposes the list of the hosts that use it instead, with the command; RBCD_PRESENT no longer says to keep it.
     */
    @Test
    void aGrantToEveryAccountCoversThePairAndIsReportedAsAHole() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            Map<String, String> grants = new java.util.LinkedHashMap<>();
            grants.put("S-1-1-0", "Everyone");
            grants.put("S-1-5-11", "Authenticated Users");
            grants.put(SID + "-515", "Domain Computers");
            int i = 0;
            for (Map.Entry<String, String> grant : grants.entrySet()) {
                String sid = grant.getKey();
                allow(ds, sid);
                Path out = tmp.resolve("grant" + i++);
                CliRun r = run(ds, out);
                JsonNode doc = CliRun.findings(out);
                String where = sid + ": " + doc;
                assertEquals(3, r.exitCode(), r.toString());
                assertEquals(List.of(), findings(doc, "MISSING_DELEGATION"), "the KDC lets HV72 delegate: " + where);
                List<JsonNode> hole = findings(doc, "RBCD_ALLOWS_ANY_ACCOUNT");
                assertEquals(1, hole.size(), where);
                JsonNode f = hole.get(0);
                assertEquals("HIGH", f.path("severity").asText());
                assertEquals("HV71", f.path("host").asText());
                String message = f.path("message").asText();
                assertTrue(message.startsWith("HV71's resource-based delegation (msDS-AllowedToActOnBehalfOfOther"
                        + "Identity) allows " + grant.getValue() + " (" + sid + ")"), message);
                assertTrue(message.contains("It covers HV72 -> HV71"), message);
                assertTrue(message.contains("ms-DS-MachineAccountQuota"), message);
                assertEquals(List.of(sid), List.of(f.path("evidence").path("anyAccountSids").get(0).asText()), where);
                assertEquals(1, f.path("evidence").path("anyAccountSids").size(), where);
                assertEquals("HV72", f.path("evidence").path("pairs").get(0).path("from").asText(), where);
                String remedy = f.path("remediation").asText();
                assertTrue(remedy.contains("Set-ADComputer -Identity 'HV71$' -PrincipalsAllowedToDelegateToAccount"
                        + " @((Get-ADComputer -Identity 'HV72$'"), remedy);
                assertFalse(remedy.contains("'" + sid + "'"), "the grant is not written back: " + remedy);
                assertEquals("manual", f.path("actions").get(0).path("type").asText(), where);
                assertEquals("addRbcd", f.path("actions").get(0).path("proposed").get(0).path("type").asText(), where);

                JsonNode present = findings(doc, "RBCD_PRESENT").get(0);
                assertTrue(present.path("message").asText().startsWith("HV71 allows RBCD from " + sid + " ("
                        + grant.getValue()), present.toString());
                assertFalse(present.path("remediation").asText().contains("Keep it if intended"), present.toString());
                assertTrue(present.path("remediation").asText().contains("RBCD_ALLOWS_ANY_ACCOUNT"),
                        present.toString());
                JsonNode cluster = doc.path("clusters").get(0);
                assertFalse(cluster.path("go").asBoolean(true), "a HIGH finding is open: " + cluster);
                for (JsonNode p : cluster.path("matrix")) {
                    assertTrue(p.path("ok").asBoolean(), p.toString());
                }
            }
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A grant to every computer that no pair needs (HV72 delegates to HV71 by its own entries): the list proposed
     * instead names nobody, so it clears the attribute. findings.json wrote that list as nothing at all (the empty
     * {@code principals} left out), and reading it back failed ("cannot read findings.json (line …): … "coll" is
     * null"): {@code report --from}, and every reader of the run's findings, refused the run. The empty list is written
     * and read back.
     */
    @Test
    void aGrantNoPairNeedsProposesAnEmptyListThatReadsBack() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            ds.modify(HV72, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", toHv71()));
            allow(ds, SID + "-515");
            Path out = tmp.resolve("unneeded");
            CliRun r = run(ds, out);
            assertEquals(3, r.exitCode(), r.toString());
            JsonNode proposed = findings(CliRun.findings(out), "RBCD_ALLOWS_ANY_ACCOUNT").get(0).path("actions").get(0)
                    .path("proposed").get(0);
            assertEquals("addRbcd", proposed.path("type").asText(), proposed.toString());
            assertTrue(proposed.path("principals").isArray() && proposed.path("principals").isEmpty(),
                    "the list naming nobody is written: " + proposed);
            org.kcdauditor.remedy.Action.Manual decision = (org.kcdauditor.remedy.Action.Manual)
                    org.kcdauditor.report.FindingsJson.read(out.resolve("findings.json")).findings().stream()
                            .filter(f -> f.rule().equals("RBCD_ALLOWS_ANY_ACCOUNT")).findFirst().orElseThrow()
                            .actions().get(0);
            assertEquals(List.of(new org.kcdauditor.remedy.Action.AddRbcd("HV71", List.of())), decision.proposed());
            // the admin told to "replace the grant with the hosts" is told why the command names none
            assertTrue(decision.what().endsWith(" No audited pair needs the grant: HV72's own msDS-AllowedToDelegateTo"
                    + " entries cover HV72 -> HV71, so the list proposed names nobody and clears the attribute."),
                    decision.what());
            // as the version that left the empty list out wrote it
            java.nio.file.Path json = out.resolve("findings.json");
            String written = java.nio.file.Files.readString(json);
            assertTrue(written.contains(",\"principals\":[]"), written);
            java.nio.file.Files.writeString(json, written.replace(",\"principals\":[]", ""));
            assertEquals(decision, org.kcdauditor.report.FindingsJson.read(json).findings().stream()
                    .filter(f -> f.rule().equals("RBCD_ALLOWS_ANY_ACCOUNT")).findFirst().orElseThrow().actions().get(0));
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * This Organization (S-1-5-15) holds every account of the forest on Windows, but the token the KDC checks a
     * resource-based delegation against is not known to hold it (Samba's KDC does not add it): the pair is not
     * counted as covered, and its MISSING_DELEGATION findings say that HV71 allows This Organization and what to set
     * instead; RBCD_ALLOWS_ANY_ACCOUNT proposes the list that names HV72.
     */
    @Test
    void thisOrganizationIsNotCountedAndTheMissingEntriesSayWhy() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            allow(ds, "S-1-5-15");
            Path out = tmp.resolve("org");
            CliRun r = run(ds, out);
            assertEquals(3, r.exitCode(), r.toString());
            JsonNode doc = CliRun.findings(out);
            List<JsonNode> missing = findings(doc, "MISSING_DELEGATION");
            assertEquals(4, missing.size(), doc.toString());
            for (JsonNode f : missing) {
                String message = f.path("message").asText();
                assertTrue(message.contains("HV71's resource-based delegation allows This Organization (S-1-5-15),"
                        + " which kcd-audit does not count as allowing HV72"), message);
                assertEquals("S-1-5-15", f.path("evidence").path("anyAccountSids").get(0).asText(), f.toString());
            }
            JsonNode hole = findings(doc, "RBCD_ALLOWS_ANY_ACCOUNT").get(0);
            assertTrue(hole.path("message").asText().contains("does not count it as covering a pair"),
                    hole.toString());
            assertTrue(hole.path("message").asText().contains("so HV72 -> HV71 is counted as failing"
                    + " (MISSING_DELEGATION)"), hole.toString());
            assertTrue(hole.path("remediation").asText().contains("Set-ADComputer -Identity 'HV71$'"
                    + " -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'HV72$'"), hole.toString());
            for (JsonNode p : doc.path("clusters").get(0).path("matrix")) {
                assertEquals(!p.path("from").asText().equals("HV72"), p.path("ok").asBoolean(), p.toString());
            }
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * Domain Users (RID 513) and BUILTIN\Users (S-1-5-32-545) hold every user account: any user can act as any user
     * towards HV71 through them (S4U2self and S4U2proxy, without an SPN by user-to-user authentication), so
     * RBCD_ALLOWS_ANY_ACCOUNT reports them, HIGH. They cover no computer: HV72's primary group is Domain Computers and
     * the directory does not list it in Domain Users (svc-web is the one member, by its primary group), and whether the
     * token the KDC checks holds BUILTIN\Users is not known. HV72 -> HV71 stays failing, its MISSING_DELEGATION
     * findings say why the grant does not count, and RBCD_ALLOWS_ANY_ACCOUNT does not say the pair uses it.
     */
    @Test
    void domainUsersAndBuiltinUsersAreReportedAndCoverNoComputer() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            domainUsers(ds);
            Map<String, String> grants = new java.util.LinkedHashMap<>();
            grants.put(SID + "-513", "Domain Users");
            grants.put("S-1-5-32-545", "BUILTIN\\Users");
            for (Map.Entry<String, String> grant : grants.entrySet()) {
                String sid = grant.getKey();
                String shown = grant.getValue() + " (" + sid + ")";
                allow(ds, sid);
                Path out = tmp.resolve("users" + sid.length());
                CliRun r = run(ds, out);
                JsonNode doc = CliRun.findings(out);
                String where = sid + ": " + doc;
                assertEquals(3, r.exitCode(), r.toString());
                List<JsonNode> missing = findings(doc, "MISSING_DELEGATION");
                assertEquals(4, missing.size(), where);
                for (JsonNode f : missing) {
                    String message = f.path("message").asText();
                    assertTrue(message.contains("HV71's resource-based delegation allows " + shown + ", which"
                            + " kcd-audit does not count as allowing HV72: "), message);
                    assertFalse(message.contains("This Organization"), message);
                    assertEquals(List.of(sid), List.of(f.path("evidence").path("anyAccountSids").get(0).asText()));
                }
                List<JsonNode> hole = findings(doc, "RBCD_ALLOWS_ANY_ACCOUNT");
                assertEquals(1, hole.size(), where);
                JsonNode f = hole.get(0);
                assertEquals("HIGH", f.path("severity").asText());
                assertEquals("HV71", f.path("host").asText());
                assertEquals(1, f.path("evidence").path("anyAccountSids").size(), where);
                assertEquals(sid, f.path("evidence").path("anyAccountSids").get(0).asText(), where);
                String message = f.path("message").asText();
                JsonNode present = findings(doc, "RBCD_PRESENT").get(0);
                assertTrue(message.startsWith("HV71's resource-based delegation (msDS-AllowedToActOnBehalfOfOther"
                        + "Identity) allows " + shown + ": "), message);
                assertTrue(message.contains("user-to-user"), "an account without an SPN too: " + message);
                assertFalse(message.contains("It covers"), message);
                assertTrue(message.contains("kcd-audit does not count it as covering a pair: "), message);
                assertFalse(present.path("message").asText().contains("a host added to"), "no group to add HV72 to: "
                        + present);
                assertFalse(message.contains("not This Organization"), message);
                assertTrue(message.contains("so HV72 -> HV71 is counted as failing (MISSING_DELEGATION)."), message);
                assertTrue(f.path("remediation").asText().contains("Set-ADComputer -Identity 'HV71$'"
                        + " -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'HV72$'"), f.toString());
                assertFalse(f.path("remediation").asText().contains("'" + sid + "'"), "not written back: " + f);
                assertFalse(present.path("remediation").asText().contains("Keep it if intended"), present.toString());
                assertTrue(present.path("remediation").asText().contains("RBCD_ALLOWS_ANY_ACCOUNT"), present.toString());
                for (JsonNode p : doc.path("clusters").get(0).path("matrix")) {
                    assertEquals(!p.path("from").asText().equals("HV72"), p.path("ok").asBoolean(), p.toString());
                    assertFalse(p.path("rbcd").asBoolean(), p.toString());
                }
                if (sid.endsWith("-513")) {
                    // a computer any user may create holds Domain Computers, not Domain Users
                    assertFalse(message.contains("ms-DS-MachineAccountQuota"), message);
                    assertTrue(message.contains("a computer account's primary group is Domain Computers, not Domain"
                            + " Users, and the directory does not list HV72 in Domain Users, so HV72 -> HV71"), message);
                } else {
                    assertTrue(message.contains(", so, if that token holds it, any"), message);
                    assertTrue(message.contains("whether the token the KDC checks holds BUILTIN\\Users, a group of the"
                            + " built-in domain (S-1-5-32) that a ticket's PAC is not documented to carry, is not"
                            + " something kcd-audit can know, so HV72 -> HV71"), message);
                }
            }
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A computer the directory does list in Domain Users (added to it by hand) has Domain Users in its TGT, so the KDC
     * lets it through: the pair is covered like one through Domain Computers, and RBCD_ALLOWS_ANY_ACCOUNT says so.
     */
    @Test
    void aComputerTheDirectoryListsInDomainUsersIsCoveredByIt() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            domainUsers(ds);
            ds.modify("CN=Domain Users," + USERS, new Modification(ModificationType.ADD, "member", HV72));
            allow(ds, SID + "-513");
            AuditContext ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd(), "HV72 is a member of Domain Users");
            Path out = tmp.resolve("member");
            run(ds, out);
            JsonNode doc = CliRun.findings(out);
            assertEquals(List.of(), findings(doc, "MISSING_DELEGATION"), doc.toString());
            String message = findings(doc, "RBCD_ALLOWS_ANY_ACCOUNT").get(0).path("message").asText();
            assertTrue(message.contains("It covers HV72 -> HV71 today"), message);
            assertFalse(message.contains("does not count it"), message);
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A descriptor naming Domain Users in a domain of many users: the audit needs to know whether the pairs' sources
     * are members, not who all the members are. Reading every user whose primaryGroupID is 513 (one paged search
     * returning each of them, once per run) is replaced by the audited hosts' own primaryGroupID and a check, of at
     * most one entry, whether other accounts have that primary group: the same verdict, with HV72 listed in Domain
     * Users by hand or not, and the label says the members listed are not all of them.
     */
    @Test
    void domainUsersOfALargeDomainIsNotReadUserByUser() throws Exception {
        Searches searches = new Searches();
        InMemoryDirectoryServer ds = server(searches);
        for (int i = 0; i < 2000; i++) {
            user(ds, "user" + i, 5000 + i);
        }
        try {
            domainUsers(ds);
            audit(ds);
            int searchesWithout = searches.seen.size();
            int entriesWithout = searches.entries.get();
            allow(ds, SID + "-513");
            searches.seen.clear();
            searches.entries.set(0);
            AuditContext ctx = audit(ds);
            int searchesMore = searches.seen.size() - searchesWithout;
            int entriesMore = searches.entries.get() - entriesWithout;
            assertFalse(hv72ToHv71(ctx).rbcd(), "HV72's primary group is Domain Computers");
            RbcdPrincipal users = ctx.snapshot().rbcdPrincipals().get(SID + "-513");
            assertEquals("Domain Users, group, members not all read", users.label(),
                    "every user holds Domain Users as primary group: not \"at least 0 members\"");
            assertTrue(entriesMore <= 4, "Domain Users costs " + searchesMore + " searches and " + entriesMore
                    + " entries: " + searches.seen);

            ds.modify("CN=Domain Users," + USERS, new Modification(ModificationType.ADD, "member", HV72));
            ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd(), "HV72 is a member of Domain Users");
            assertEquals("Domain Users, group, at least 1 member: HV72",
                    ctx.snapshot().rbcdPrincipals().get(SID + "-513").label());
        } finally {
            ds.shutDown(true);
        }
    }

    /** Domain Users (-513) with svc-web (-1150), a member by its primary group as AD makes every user. */
    private static void domainUsers(InMemoryDirectoryServer ds) throws Exception {
        DomainFactsTest.group(ds, "Domain Users", SID + "-513", "20000101000000.0Z");
        user(ds, "svc-web", 1150);
    }

    /** A user {@code name} with RID {@code rid}, whose primary group is Domain Users as AD makes every user's. */
    private static void user(InMemoryDirectoryServer ds, String name, int rid) throws Exception {
        com.unboundid.ldap.sdk.Entry user = new com.unboundid.ldap.sdk.Entry("dn: CN=" + name + "," + USERS,
                "objectClass: top", "objectClass: person", "objectClass: user", "cn: " + name,
                "sAMAccountName: " + name, "userAccountControl: 512", "primaryGroupID: 513");
        user.addAttribute("objectSid", org.kcdauditor.directory.Sids.toBytes(SID + "-" + rid));
        ds.add(user);
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

    /**
     * Whether the source's own msDS-AllowedToDelegateTo entries cover a pair is read once, with the pair, whatever else
     * covers it: RBCD_ALLOWS_ANY_ACCOUNT asks it of pairs that RBCD covers too, and worked it out again on its own.
     */
    @Test
    void thePairSaysWhetherItsSourcesOwnEntriesCoverItWhateverTheDescriptorAllows() throws Exception {
        InMemoryDirectoryServer ds = server(new Searches());
        try {
            allow(ds, SID + "-1146");
            AuditContext ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).rbcd());
            assertFalse(hv72ToHv71(ctx).entriesCover(), "HV72 holds none of its entries to HV71");
            PairStatus back = ctx.pairs().stream().filter(p -> p.source().name().equals("HV71")).findFirst()
                    .orElseThrow();
            assertTrue(back.entriesCover() && !back.rbcd(), back.toString());

            ds.modify(HV72, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "CIFS/hv71.contoso.com",
                    Hosts.MIG + "/HV71", Hosts.MIG + "/hv71.contoso.com"));
            assertFalse(hv72ToHv71(audit(ds)).entriesCover(), "cifs/HV71 is missing");
            ds.modify(HV72, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/hv71/contoso.com"));
            ctx = audit(ds);
            assertTrue(hv72ToHv71(ctx).entriesCover(), "compared as entries are: case and a third part aside"
                    + " (a trailing dot is not: MS-SFU 3.2.5.2.1)");
            assertTrue(hv72ToHv71(ctx).rbcd());
            assertEquals(List.of(), hv72ToHv71(ctx).missing());
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
