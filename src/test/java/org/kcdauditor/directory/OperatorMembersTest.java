package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.support.AdRangedRetrieval;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The members of an operator group that this directory cannot judge, and the accounts it can: a member of another
 * domain (a foreign security principal under {@code CN=ForeignSecurityPrincipals}, for an account of a trusted
 * domain, or the DN of another domain of the forest) has its NOT_DELEGATED flag and its Protected Users membership in
 * its own domain; a group managed service account among the members is judged, a host's computer account is not.
 * A DN below the domain's that the DC refers elsewhere (a child domain's, {@link OperatorNamesTest.AdDnAnswers}) is
 * such a member too.
 * Read over real LDAP from UnboundID's in-memory server with the domain of {@link DomainFactsTest}, member by member
 * and, answering the in-chain rule as AD does ({@link PrimaryGroupOperatorsTest.InChainAnswers}), with it.
 */
class OperatorMembersTest {
    static final String BASE = TestDirectory.BASE;
    static final String USERS = DomainFactsTest.USERS;
    static final String FOREIGN_SID = "S-1-5-21-1111-2222-3333-1104";
    static final String FSP = "CN=" + FOREIGN_SID + ",CN=ForeignSecurityPrincipals," + BASE;
    static final String CHILD_DOMAIN_USER = "CN=adm-kim,CN=Users,DC=fabrikam,DC=com";
    /** A user of the child domain emea.contoso.com: its DN is below the domain's, and AD refers a read of it there. */
    /** Authenticated Users as a member: a foreign security principal with a well-known SID (no objectSid here). */
    static final String AUTHENTICATED_USERS = "CN=S-1-5-11,CN=ForeignSecurityPrincipals," + BASE;
    static final String EMEA_USER = "CN=adm-emea,CN=Users," + OperatorNamesTest.CHILD;

    @TempDir
    Path tmp;

    /**
     * The domain of {@link DomainFactsTest} and a group HV Movers: adm-lee (sensitive), the gMSA gmsa-moves (in
     * Protected Users), the node-like computer WS0003, a foreign security principal of a trusted domain and a user of
     * another domain, nested one level down through HV Movers EU.
     */
    private static InMemoryDirectoryServer server(boolean activeDirectory) throws Exception {
        return server(activeDirectory, null);
    }

    /** @param ranged with the in-chain rule: answers {@code member} in ranges, as AD does with MaxValRange; or null */
    private static InMemoryDirectoryServer server(boolean activeDirectory, AdRangedRetrieval ranged)
            throws Exception {
        List<Attribute> root = new ArrayList<>(DomainFactsTest.AD_ROOT);
        PrimaryGroupOperatorsTest.InChainAnswers inChain = new PrimaryGroupOperatorsTest.InChainAnswers();
        InMemoryDirectoryServer ds;
        if (activeDirectory && ranged != null) {
            root.add(new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY));
            ds = TestDirectory.start(Mode.PLAIN, null, 0, root, inChain, new OperatorNamesTest.AdDnAnswers(), ranged);
        } else if (activeDirectory) {
            root.add(new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY));
            ds = TestDirectory.start(Mode.PLAIN, null, 0, root, inChain, new OperatorNamesTest.AdDnAnswers());
        } else {
            ds = TestDirectory.start(Mode.PLAIN, null, 0, root, new OperatorNamesTest.AdDnAnswers());
        }
        inChain.ds = ds;
        DomainFactsTest.domain(ds, true);
        DomainFactsTest.user(ds, "adm-lee", 0x200 | 0x100000);
        ds.add(new Entry("dn: CN=Managed Service Accounts," + BASE, "objectClass: container",
                "cn: Managed Service Accounts"));
        Entry gmsa = new Entry("dn: CN=gmsa-moves,CN=Managed Service Accounts," + BASE, "objectClass: top",
                "objectClass: person", "objectClass: user", "objectClass: computer",
                "objectClass: msDS-GroupManagedServiceAccount", "cn: gmsa-moves", "sAMAccountName: gmsa-moves$",
                "userAccountControl: 4096");
        ds.add(gmsa);
        ds.modify("CN=Protected Users," + USERS, new com.unboundid.ldap.sdk.Modification(
                com.unboundid.ldap.sdk.ModificationType.ADD, "member", gmsa.getDN()));
        DomainFactsTest.computer(ds, "WS0003", "OU=Hyper-V", 0x1000, null, null);
        ds.add(new Entry("dn: CN=ForeignSecurityPrincipals," + BASE, "objectClass: container",
                "cn: ForeignSecurityPrincipals"));
        Entry fsp = new Entry("dn: " + FSP, "objectClass: top", "objectClass: foreignSecurityPrincipal",
                "cn: " + FOREIGN_SID);
        fsp.addAttribute("objectSid", Sids.toBytes(FOREIGN_SID));
        ds.add(fsp);
        ds.add(new Entry("dn: " + AUTHENTICATED_USERS, "objectClass: top", "objectClass: foreignSecurityPrincipal",
                "cn: S-1-5-11"));
        DomainFactsTest.group(ds, "HV Movers EU", DomainFactsTest.DOMAIN_SID + "-1801", "20200101000000.0Z", FSP,
                CHILD_DOMAIN_USER, EMEA_USER, "CN=HV Movers," + USERS, AUTHENTICATED_USERS);
        DomainFactsTest.group(ds, "HV Movers", DomainFactsTest.DOMAIN_SID + "-1800", "20200101000000.0Z",
                "CN=adm-lee," + USERS, gmsa.getDN(), "CN=WS0003,OU=Hyper-V," + BASE, "CN=HV Movers EU," + USERS);
        return ds;
    }

    private Path config(InMemoryDirectoryServer ds, List<String> operators) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                "allowInsecureBind: true", "pageSize: 3");
        Files.writeString(cfg, Files.readString(cfg) + "policy:\n  operators:\n" + operators.stream()
                .map(o -> "    - \"" + o + "\"\n").collect(Collectors.joining()));
        return cfg;
    }

    private List<Operator> operators(InMemoryDirectoryServer ds, List<String> names) throws Exception {
        AuditConfig config = ConfigLoader.load(config(ds, names));
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { }).operators();
        }
    }

    private List<JsonNode> findings(InMemoryDirectoryServer ds, List<String> names, String rule) throws Exception {
        return findings(ds, names, rule, Clock.systemUTC());
    }

    /** The findings of {@code rule} of a run at the time {@code clock} tells. */
    private List<JsonNode> findings(InMemoryDirectoryServer ds, List<String> names, String rule, Clock clock)
            throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), clock, "run", "--config",
                config(ds, names).toString(), "--out", out.toString(), "--formats", "json");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        return StreamSupport.stream(CliRun.findings(out).path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(rule)).toList();
    }

    private void assertMembers(boolean activeDirectory, List<String> foreign) throws Exception {
        assertMembers(server(activeDirectory), "HV Movers", foreign);
    }

    private void assertMembers(InMemoryDirectoryServer ds, String group, List<String> foreign) throws Exception {
        try {
            Operator movers = operators(ds, List.of(group)).get(0);
            assertEquals(List.of("adm-lee", "gmsa-moves$"), movers.accounts().stream()
                    .map(OperatorAccount::samAccountName).sorted().toList(), "the gMSA kept, the computer left out");
            OperatorAccount gmsa = movers.accounts().stream().filter(a -> a.samAccountName().equals("gmsa-moves$"))
                    .findFirst().orElseThrow();
            assertEquals(Boolean.TRUE, gmsa.protectedUsers());
            assertEquals(foreign, movers.foreignMembers(), "members of other domains, not judged here");
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void membersOfAnotherDomainAreKeptAsNotJudgedMemberByMember() throws Exception {
        assertMembers(false, List.of(FOREIGN_SID, CHILD_DOMAIN_USER, EMEA_USER, "S-1-5-11"));
    }

    /**
     * The in-chain search under the domain finds the foreign security principals, not a DN of another domain of the
     * forest (AD holds none of its objects; a child domain's it refers elsewhere): those are read from {@code member}
     * of the group and of each nested group the search returned, and are kept too (Windows AD's path).
     */
    @Test
    void membersOfAnotherDomainAreKeptAsNotJudgedBesideTheInChainRule() throws Exception {
        assertMembers(true, List.of(FOREIGN_SID, CHILD_DOMAIN_USER, EMEA_USER, "S-1-5-11"));
    }

    /** The configured group's own members of another domain (HV Movers EU's), its nesting back into it a cycle. */
    @Test
    void theConfiguredGroupsOwnMembersOfAnotherDomainAreKeptWithTheInChainRule() throws Exception {
        assertMembers(server(true), "HV Movers EU", List.of(FOREIGN_SID, CHILD_DOMAIN_USER, EMEA_USER, "S-1-5-11"));
    }

    /** {@code member} answered in ranges (AD's MaxValRange, here 2 values) is read whole, the group's and nested. */
    @Test
    void membersOfAnotherDomainAreFoundInRangedMemberWithTheInChainRule() throws Exception {
        AdRangedRetrieval ranged = new AdRangedRetrieval(2, AdRangedRetrieval.Fault.NONE, List.of("member"));
        assertMembers(server(true, ranged), "HV Movers", List.of(FOREIGN_SID, CHILD_DOMAIN_USER, EMEA_USER,
                "S-1-5-11"));
        assertTrue(ranged.followUps() >= 2, "both groups' member read past the first range: " + ranged.followUps());
    }

    /**
     * A group with a member of a trusted domain is OPERATOR_NOT_FOUND for that member: its flag and its Protected
     * Users are in its own domain, which this run did not read; the finding names the SID and how to have it checked.
     */
    @Test
    void aForeignMemberOfAnOperatorGroupIsAFindingNotSilence() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            List<JsonNode> notFound = findings(ds, List.of("HV Movers"), "OPERATOR_NOT_FOUND");
            assertEquals(1, notFound.size(), notFound.toString());
            JsonNode f = notFound.get(0);
            assertEquals("HV Movers", f.path("host").asText());
            assertEquals("HV Movers", f.path("evidence").path("operator").asText());
            assertEquals(List.of(FOREIGN_SID, CHILD_DOMAIN_USER, EMEA_USER, "S-1-5-11"), StreamSupport.stream(
                    f.path("evidence").path("actual").spliterator(), false).map(JsonNode::asText).toList());
            assertEquals("policy.operators names the group 'HV Movers', which has 4 members of another domain ("
                    + FOREIGN_SID + ", " + CHILD_DOMAIN_USER + ", " + EMEA_USER + ", S-1-5-11 Authenticated Users;"
                    + " a SID is a foreign security principal: an account or group of a trusted domain, or a well-known"
                    + " group that every account holds): the 'sensitive and cannot be delegated' flag and Protected"
                    + " Users membership of such an account are in its own domain, so they were not checked."
                    + " Authenticated Users (S-1-5-11) is no account to name or check: every authenticated"
                    + " account's token holds Authenticated Users, so through it every account starts migrations as an"
                    + " operator, this domain's sensitive accounts and Protected Users members too.",
                    f.path("message").asText());
            assertEquals("Remove Authenticated Users (S-1-5-11) from HV Movers and its nested groups, and put the"
                    + " group of the people who really start live migrations in its place. For the other members:"
                    + " name those accounts (DOMAIN\\name or userPrincipalName) in policy.operators with a directory"
                    + " of their domain configured, so they are checked there; or check in their domain that they are"
                    + " neither marked sensitive nor in its Protected Users.", f.path("remediation").asText());
            // the members it holds are judged: adm-lee (sensitive) and the gMSA (in Protected Users), through the group
            List<JsonNode> notDelegable = findings(ds, List.of("HV Movers"), "OPERATOR_NOT_DELEGABLE");
            assertEquals(List.of("adm-lee: userAccountControl", "gmsa-moves$: memberOf"), notDelegable.stream()
                    .map(n -> n.path("host").asText() + ": " + n.path("evidence").path("attribute").asText())
                    .sorted().toList());
            assertTrue(notDelegable.stream().allMatch(n -> n.path("message").asText().contains("(through HV Movers)")
                    && n.path("evidence").path("operator").asText().equals("HV Movers")), notDelegable.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * Authenticated Users alone in an operator group: the advice is to replace it, not to name "those accounts" with a
     * directory of their domain, which cannot be done for a group every account holds.
     */
    @Test
    void aWellKnownGroupInAnOperatorGroupIsToBeReplacedNotNamed() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            DomainFactsTest.group(ds, "HV Everyone", DomainFactsTest.DOMAIN_SID + "-1803", "20200101000000.0Z",
                    AUTHENTICATED_USERS);
            JsonNode f = findings(ds, List.of("HV Everyone"), "OPERATOR_NOT_FOUND").get(0);
            assertTrue(f.path("message").asText().endsWith(" Authenticated Users (S-1-5-11) is no account to name or"
                    + " check: every authenticated account's token holds Authenticated Users, so through it every"
                    + " account starts migrations as an operator, this domain's sensitive accounts and Protected"
                    + " Users members too."), f.toString());
            assertEquals("Remove Authenticated Users (S-1-5-11) from HV Everyone and its nested groups, and put the"
                    + " group of the people who really start live migrations in its place.",
                    f.path("remediation").asText());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A trusted domain's Domain Users (S-1-5-21-…-513) in an operator group holds that domain's users only, none of this
     * domain's: a foreign member to check in its domain, not a group that makes every account an operator.
     */
    @Test
    void aTrustedDomainsDomainUsersIsAForeignMemberNotEveryAccount() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            String sid = "S-1-5-21-1111-2222-3333-513";
            String dn = "CN=" + sid + ",CN=ForeignSecurityPrincipals," + BASE;
            ds.add(new Entry("dn: " + dn, "objectClass: top", "objectClass: foreignSecurityPrincipal", "cn: " + sid));
            DomainFactsTest.group(ds, "HV Trusted", DomainFactsTest.DOMAIN_SID + "-1804", "20200101000000.0Z", dn);
            JsonNode f = findings(ds, List.of("HV Trusted"), "OPERATOR_NOT_FOUND").get(0);
            assertTrue(f.path("message").asText().contains(sid + " Domain Users;"), f.toString());
            assertFalse(f.path("message").asText().contains("every account starts migrations"), f.toString());
            assertTrue(f.path("remediation").asText().startsWith("Name those accounts (DOMAIN\\name or"
                    + " userPrincipalName) in policy.operators"), f.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * Directory values in OPERATOR_NOT_FOUND's sentences are shown as the other rules show a name beside the ones it
     * may imitate: a disabled operator's sAMAccountName and a foreign member's DN with a right-to-left override
     * (U+202E) read by its code in findings.json's message (so in console, mail and PDF alike); a disabled operator
     * with no sAMAccountName is named by its DN, not "its account null".
     */
    @Test
    void directoryValuesInTheMessagesAreShownByTheirCode() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            ds.add(new Entry("dn: CN=adm-rlo," + USERS, "objectClass: top", "objectClass: person",
                    "objectClass: user", "cn: adm-rlo", "sAMAccountName: adm-\u202Eevil",
                    "userAccountControl: 514"));
            ds.add(new Entry("dn: CN=adm-nameless," + USERS, "objectClass: top", "objectClass: person",
                    "objectClass: user", "cn: adm-nameless", "userAccountControl: 514"));
            DomainFactsTest.group(ds, "HV Abroad", DomainFactsTest.DOMAIN_SID + "-1804", "20200101000000.0Z",
                    "CN=adm-\u202Eevil,CN=Users,DC=fabrikam,DC=com");
            List<JsonNode> notFound = findings(ds, List.of("CN=adm-rlo," + USERS, "CN=adm-nameless," + USERS,
                    "HV Abroad"), "OPERATOR_NOT_FOUND");
            Map<String, String> messages = notFound.stream().collect(Collectors.toMap(f -> f.path("evidence")
                    .path("operator").asText(), f -> f.path("message").asText()));
            assertTrue(messages.get("CN=adm-rlo," + USERS).contains("its account adm-\\u202Eevil is disabled"),
                    messages.toString());
            assertTrue(messages.get("CN=adm-nameless," + USERS).contains("its account CN=adm-nameless," + USERS
                    + " is disabled"), messages.toString());
            assertTrue(messages.get("HV Abroad").contains("(CN=adm-\\u202Eevil,CN=Users,DC=fabrikam,DC=com;"),
                    messages.toString());
            assertTrue(messages.values().stream().noneMatch(m -> m.contains("\u202E") || m.contains("null")),
                    messages.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A disabled account obtains no Kerberos ticket (KDC_ERR_CLIENT_REVOKED), so it starts no migration: configured by
     * name it is OPERATOR_NOT_FOUND (the operators who do start them are not checked), sensitive or not, and never
     * OPERATOR_NOT_DELEGABLE, whose "moves it starts fail" it is not; a disabled member of an operator group starts
     * none either and is no finding.
     */
    @Test
    void aDisabledOperatorIsSaidDisabledAndNotJudgedNotDelegable() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            DomainFactsTest.user(ds, "adm-left", 0x202);
            DomainFactsTest.user(ds, "adm-old", 0x202 | 0x100000);
            DomainFactsTest.user(ds, "adm-gone", 0x202 | 0x100000);
            DomainFactsTest.group(ds, "HV Leavers", DomainFactsTest.DOMAIN_SID + "-1802", "20200101000000.0Z",
                    "CN=adm-gone," + USERS);
            List<String> names = List.of("adm-left", "adm-old", "HV Leavers");
            assertEquals(List.of(), findings(ds, names, "OPERATOR_NOT_DELEGABLE"));
            List<JsonNode> notFound = findings(ds, names, "OPERATOR_NOT_FOUND");
            assertEquals(List.of("adm-left", "adm-old"), notFound.stream().map(f -> f.path("host").asText()).toList(),
                    notFound.toString());
            for (JsonNode f : notFound) {
                assertTrue(f.path("message").asText().contains("is disabled"), f.toString());
                assertEquals("userAccountControl", f.path("evidence").path("attribute").asText(), f.toString());
                assertTrue(f.path("evidence").path("uacBits").toString().contains("ACCOUNTDISABLE"), f.toString());
            }
        } finally {
            ds.shutDown(true);
        }
    }

    /** The run's time in the expiry tests: an expiry before it has passed, one after it has not. */
    static final Instant RUN_AT = Instant.parse("2026-03-01T12:00:00Z");

    /** A user under CN=Users with {@code accountExpires} as stored (a FILETIME, 0 or 0x7FFFFFFFFFFFFFFF). */
    private static void expiring(InMemoryDirectoryServer ds, String name, int uac, String accountExpires)
            throws Exception {
        ds.add(new Entry("dn: CN=" + name + "," + USERS, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: " + name, "sAMAccountName: " + name, "userAccountControl: " + uac,
                "accountExpires: " + accountExpires));
    }

    /**
     * Operators with accountExpires: one that passed at the run's time, a later one, and the two values that mean
     * never (0, and 0x7FFFFFFFFFFFFFFF, a new account's).
     */
    private static void expiringOperators(InMemoryDirectoryServer ds) throws Exception {
        expiring(ds, "adm-o'hara", 0x200 | 0x100000, DomainFactsTest.fileTime(Instant.parse("2026-02-01T00:00:00Z")));
        expiring(ds, "adm-ex", 0x200 | 0x100000, DomainFactsTest.fileTime(Instant.parse("2026-01-15T08:30:00Z")));
        // after the run's time, before the clock of the machine running the test: the run's clock decides
        expiring(ds, "adm-temp", 0x200 | 0x100000, DomainFactsTest.fileTime(Instant.parse("2026-04-01T00:00:00Z")));
        expiring(ds, "adm-cleared", 0x200 | 0x100000, "0");
        expiring(ds, "adm-never", 0x200 | 0x100000, "9223372036854775807");
        DomainFactsTest.group(ds, "HV Temps", DomainFactsTest.DOMAIN_SID + "-1805", "20200101000000.0Z",
                "CN=adm-ex," + USERS, "CN=adm-temp," + USERS, "CN=adm-cleared," + USERS, "CN=adm-never," + USERS);
    }

    /**
     * accountExpires (a FILETIME) is read with the operators, member by member and with the in-chain rule alike;
     * 0 and 0x7FFFFFFFFFFFFFFF are "never", as is no value.
     */
    @Test
    void anOperatorsAccountExpiresIsReadBothWays() throws Exception {
        for (boolean activeDirectory : new boolean[]{false, true}) {
            InMemoryDirectoryServer ds = server(activeDirectory);
            try {
                expiringOperators(ds);
                List<Operator> ops = operators(ds, List.of("adm-o'hara", "HV Temps", "HV Movers"));
                assertEquals(Instant.parse("2026-02-01T00:00:00Z"), ops.get(0).accounts().get(0).accountExpires());
                Map<String, Instant> temps = new java.util.TreeMap<>();
                ops.get(1).accounts().forEach(a -> temps.put(a.samAccountName(), a.accountExpires()));
                Map<String, Instant> expected = new java.util.TreeMap<>();
                expected.put("adm-ex", Instant.parse("2026-01-15T08:30:00Z"));
                expected.put("adm-temp", Instant.parse("2026-04-01T00:00:00Z"));
                expected.put("adm-cleared", null);
                expected.put("adm-never", null);
                assertEquals(expected, temps, "in-chain: " + activeDirectory);
                assertTrue(ops.get(2).accounts().stream().allMatch(a -> a.accountExpires() == null), ops.toString());
            } finally {
                ds.shutDown(true);
            }
        }
    }

    /**
     * An account whose accountExpires has passed at the run's time obtains no ticket (the KDC answers
     * KDC_ERR_CLIENT_REVOKED, STATUS_ACCOUNT_EXPIRED), as a disabled one: configured by name it is OPERATOR_NOT_FOUND
     * with its expiry and how to extend or clear it (the sAMAccountName quoted for PowerShell), sensitive or not, and
     * never OPERATOR_NOT_DELEGABLE; an expired member of an operator group is no finding. An expiry after the run's
     * time, 0 and 0x7FFFFFFFFFFFFFFF leave the account judged.
     */
    @Test
    void anExpiredOperatorIsSaidExpiredAndNotJudgedNotDelegable() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            expiringOperators(ds);
            Clock clock = Clock.fixed(RUN_AT, java.time.ZoneOffset.UTC);
            List<String> names = List.of("adm-o'hara", "HV Temps");
            List<JsonNode> notDelegable = findings(ds, names, "OPERATOR_NOT_DELEGABLE", clock);
            assertEquals(List.of("adm-cleared", "adm-never", "adm-temp"), notDelegable.stream()
                    .map(f -> f.path("host").asText()).sorted().toList(), notDelegable.toString());
            List<JsonNode> notFound = findings(ds, names, "OPERATOR_NOT_FOUND", clock);
            assertEquals(1, notFound.size(), notFound.toString());
            JsonNode f = notFound.get(0);
            assertEquals("adm-o'hara", f.path("host").asText());
            assertEquals("adm-o'hara", f.path("evidence").path("operator").asText());
            assertEquals("accountExpires", f.path("evidence").path("attribute").asText(), f.toString());
            assertEquals("[\"2026-02-01T00:00:00Z\"]", f.path("evidence").path("actual").toString());
            assertEquals("policy.operators names 'adm-o'hara', but its account adm-o'hara expired on"
                    + " 2026-02-01T00:00:00Z (accountExpires): the KDC gives it no ticket, so it starts no live"
                    + " migration, and the accounts that do start them were not checked.",
                    f.path("message").asText());
            assertEquals("If the account still starts live migrations, extend or clear its expiry"
                    + " (Set-ADAccountExpiration -Identity 'adm-o''hara' -DateTime <new date>, or"
                    + " Clear-ADAccountExpiration -Identity 'adm-o''hara'); if not, give the sAMAccountName or DN of the"
                    + " users or group who start live migrations remotely now, in place of the expired account.",
                    f.path("remediation").asText());
            // a year later every expiry has passed but never's: adm-temp is no longer judged either
            Clock later = Clock.fixed(RUN_AT.plus(java.time.Duration.ofDays(365)), java.time.ZoneOffset.UTC);
            assertEquals(List.of("adm-cleared", "adm-never"), findings(ds, names, "OPERATOR_NOT_DELEGABLE", later)
                    .stream().map(n -> n.path("host").asText()).sorted().toList());
        } finally {
            ds.shutDown(true);
        }
    }
}
