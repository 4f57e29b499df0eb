package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Snapshot;
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
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kerberos facts beside the delegation entries, read over real LDAP from UnboundID's in-memory server:
 * encryption types and password age of every object, the root DSE's DC, the date of the domain's AES keys
 * (the RID-521 group), domain controllers and krbtgt in the sweep, and policy.operators resolved through
 * nested groups (the in-memory server has no in-chain rule: member by member, with cycles) with
 * NOT_DELEGATED and Protected Users.
 */
class DomainFactsTest {
    /** Sub-authorities whose bytes are '\', ')', '(', '*' and NUL: a SID only a binary-safe filter finds. */
    static final String DOMAIN_SID = "S-1-5-21-707275100-0-42";
    static final String BASE = TestDirectory.BASE;
    static final String USERS = "CN=Users," + BASE;
    static final List<Attribute> AD_ROOT = List.of(new Attribute("dnsHostName", "dc1.contoso.com"),
            new Attribute("serverName", "CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE),
            new Attribute("defaultNamingContext", BASE));
    static final Instant AES_SINCE = Instant.parse("2009-03-10T12:00:00Z");

    @TempDir
    Path tmp;

    /** 100 ns ticks since 1601, as AD stores pwdLastSet. */
    static String fileTime(Instant t) {
        return String.valueOf((t.getEpochSecond() + 11_644_473_600L) * 10_000_000L);
    }

    static void domain(InMemoryDirectoryServer ds, boolean protectedUsers) throws Exception {
        ds.modify(BASE, new Modification(ModificationType.ADD, "objectSid", Sids.toBytes(DOMAIN_SID)));
        ds.add(new Entry("dn: " + USERS, "objectClass: container", "cn: Users"));
        ds.add(new Entry("dn: OU=Domain Controllers," + BASE, "objectClass: organizationalUnit",
                "ou: Domain Controllers"));
        group(ds, "Read-only Domain Controllers", DOMAIN_SID + "-521", "20090310120000.0Z");
        // the same RID in another domain (a trusted one), older: must not be taken
        group(ds, "Other Read-only Domain Controllers", "S-1-5-21-1-2-3-521", "20050101000000.0Z");
        if (protectedUsers) {
            group(ds, "Protected Users", DOMAIN_SID + "-525", "20140101000000.0Z", "CN=Tier0 Admins," + USERS);
        }
        group(ds, "Tier0 Admins", DOMAIN_SID + "-1500", "20150101000000.0Z", "CN=adm-bob," + USERS);
        computer(ds, "HV01", "OU=Hyper-V", 0x1000, "24", fileTime(Instant.parse("2008-06-01T00:00:00Z")));
        computer(ds, "HV02", "OU=Hyper-V", 0x1000, null, "0");
        computer(ds, "NAS01", "OU=Hyper-V", 0x1000, "4", fileTime(Instant.parse("2026-01-05T08:00:00Z")));
        computer(ds, "DC1", "OU=Domain Controllers", 0x82000, "28", fileTime(Instant.parse("2026-02-01T00:00:00Z")));
        computer(ds, "RODC1", "OU=Domain Controllers", 0x5001000, null, null);
        Entry krbtgt = new Entry("dn: CN=krbtgt," + USERS, "objectClass: user", "cn: krbtgt", "sAMAccountName: krbtgt",
                "userAccountControl: 514", "servicePrincipalName: kadmin/changepw");
        krbtgt.addAttribute("objectSid", Sids.toBytes(DOMAIN_SID + "-502"));
        ds.add(krbtgt);
    }

    static void group(InMemoryDirectoryServer ds, String cn, String sid, String created, String... members)
            throws Exception {
        Entry g = new Entry("dn: CN=" + cn + "," + USERS, "objectClass: top", "objectClass: group", "cn: " + cn,
                "sAMAccountName: " + cn, "whenCreated: " + created);
        g.addAttribute("objectSid", Sids.toBytes(sid));
        if (members.length > 0) {
            g.addAttribute("member", members);
        }
        ds.add(g);
    }

    static void computer(InMemoryDirectoryServer ds, String name, String ou, int uac, String encTypes, String pwd)
            throws Exception {
        Entry e = new Entry("dn: CN=" + name + "," + ou + "," + BASE, "objectClass: computer", "cn: " + name,
                "sAMAccountName: " + name + "$", "userAccountControl: " + uac, "servicePrincipalName: HOST/" + name);
        if (encTypes != null) {
            e.addAttribute("msDS-SupportedEncryptionTypes", encTypes);
        }
        if (pwd != null) {
            e.addAttribute("pwdLastSet", pwd);
        }
        ds.add(e);
    }

    static void user(InMemoryDirectoryServer ds, String name, int uac) throws Exception {
        ds.add(new Entry("dn: CN=" + name + "," + USERS, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: " + name, "sAMAccountName: " + name, "userAccountControl: " + uac));
    }

    /** Operators: users, a DN, a group with a nested group that nests it back, a computer member, Protected Users. */
    static void operators(InMemoryDirectoryServer ds) throws Exception {
        user(ds, "adm-alice", 0x200 | 0x10000 | 0x100000);
        user(ds, "adm-bob", 0x200);
        user(ds, "adm-carol", 0x200);
        user(ds, "adm-dave", 0x200);
        user(ds, "adm-erin", 0x200);
        group(ds, "HV Operators", DOMAIN_SID + "-1600", "20200101000000.0Z", "CN=adm-carol," + USERS,
                "CN=HV Night Shift," + USERS, "CN=WS0001,OU=Hyper-V," + BASE, "CN=adm-bob," + USERS,
                "CN=gone," + USERS);
        group(ds, "HV Night Shift", DOMAIN_SID + "-1601", "20200101000000.0Z", "CN=adm-dave," + USERS,
                "CN=HV Operators," + USERS);
        computer(ds, "WS0001", "OU=Hyper-V", 0x1000, null, null);
    }

    private Snapshot collect(InMemoryDirectoryServer ds, String baseDn, List<String> operators) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                "allowInsecureBind: true", "pageSize: 3");
        String yaml = Files.readString(cfg).replace("baseDn: " + BASE, "baseDn: \"" + baseDn + "\"");
        if (!operators.isEmpty()) {
            yaml += "policy:\n  operators:\n" + operators.stream().map(o -> "    - '" + o.replace("'", "''") + "'\n")
                    .collect(Collectors.joining());
        }
        Files.writeString(cfg, yaml);
        AuditConfig config = ConfigLoader.load(cfg);
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
        }
    }

    private static Map<String, AdObject> byName(Snapshot s) {
        return s.objects().stream().collect(Collectors.toMap(AdObject::name, Function.identity()));
    }

    @Test
    void readsEncryptionTypesPasswordAgeTheDcAndTheDateOfAesKeys() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            domain(ds, true);
            Snapshot s = collect(ds, BASE, List.of());
            Map<String, AdObject> o = byName(s);
            assertEquals(24, o.get("HV01").supportedEncryptionTypes());
            assertEquals(Instant.parse("2008-06-01T00:00:00Z"), o.get("HV01").pwdLastSet());
            assertNull(o.get("HV02").supportedEncryptionTypes(), "absent: null, not 0");
            assertNull(o.get("HV02").pwdLastSet(), "0 = must change at next logon: no time");
            assertEquals(4, o.get("NAS01").supportedEncryptionTypes());
            assertEquals("dc1.contoso.com", s.dc());
            assertTrue(s.dcServerName().startsWith("CN=DC1,CN=Servers,"));
            assertEquals(AES_SINCE, s.aesKeysSince(), "whenCreated of <domain SID>-521, not of another domain's");
            assertTrue(o.get("HV01").pwdLastSet().isBefore(s.aesKeysSince()));
            // domain controllers and krbtgt are in the sweep and recognisable
            assertTrue(o.get("DC1").isDomainController());
            assertFalse(o.get("DC1").isReadOnlyDc());
            assertTrue(o.get("RODC1").isDomainController() && o.get("RODC1").isReadOnlyDc());
            assertFalse(o.get("HV01").isDomainController());
            assertTrue(o.get("krbtgt").isKrbtgt());
            assertFalse(o.get("DC1").isKrbtgt());
            assertEquals(List.of(), s.operators());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * msDS-SupportedEncryptionTypes and userAccountControl are 32-bit: AD writes a value with bit 31 as a negative
     * number, a hand-written LDIF or another server as the unsigned one. Both are the same bits; read as "not set",
     * an RC4-only value with bit 31 hid its AES_NOT_ENABLED behind the KDC's AES default. A number beyond 32 bits is
     * unreadable, as before.
     */
    @Test
    void aValueWithBit31IsReadTheSameSignedOrUnsigned() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            domain(ds, true);
            computer(ds, "HV03", "OU=Hyper-V", 0x1000, "2147483652", null);
            computer(ds, "HV04", "OU=Hyper-V", 0x1000, "-2147483644", null);
            computer(ds, "HV05", "OU=Hyper-V", 0x1000, "4294967296", null);
            Map<String, AdObject> o = byName(collect(ds, BASE, List.of()));
            assertEquals(0x80000004, o.get("HV03").supportedEncryptionTypes());
            assertEquals(0x80000004, o.get("HV04").supportedEncryptionTypes());
            assertNull(o.get("HV05").supportedEncryptionTypes());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aServerWithoutAdRootDseHasNoDcAndTheBaseDnServesAsTheDomain() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            domain(ds, true);
            Snapshot s = collect(ds, BASE, List.of());
            assertNull(s.dc());
            assertNull(s.dcServerName());
            assertEquals(AES_SINCE, s.aesKeysSince());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void theRid521GroupIsFoundInTheDomainAlsoWhenTheBaseDnIsAnOu() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            domain(ds, true);
            Snapshot s = collect(ds, "OU=Hyper-V," + BASE, List.of());
            assertEquals(AES_SINCE, s.aesKeysSince());
            assertEquals(List.of("HV01", "HV02", "NAS01"), s.objects().stream().map(AdObject::name).sorted().toList());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * Operators are looked up in the whole domain (the root DSE's defaultNamingContext), also where directory.baseDn is
     * an OU: a name not found says where it was looked up, not "under" the OU, which sent the admin to widen the base
     * DN or move the account for nothing.
     */
    @Test
    void anOperatorNotFoundSaysItWasLookedUpInTheDomainNotInTheBaseDnsOu() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            domain(ds, true);
            Snapshot s = collect(ds, "OU=Hyper-V," + BASE, List.of("nobody"));
            List<String> messages = new org.kcdauditor.audit.Auditor(org.kcdauditor.rules.RuleCatalogue.standard())
                    .evaluate(s, List.of(), org.kcdauditor.config.PolicyConfig.defaults()).findings().stream()
                    .filter(f -> f.rule().equals("OPERATOR_NOT_FOUND")).map(f -> f.message()).toList();
            assertEquals(List.of("policy.operators names 'nobody', but no user or group of that name or DN exists"
                    + " under " + BASE + ", so its accounts were not checked."), messages);
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void noRid521GroupMeansNoDate() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            computer(ds, "HV01", "OU=Hyper-V", 0x1000, null, null);
            Snapshot s = collect(ds, BASE, List.of());
            assertNull(s.aesKeysSince(), "no domain objectSid, no group: null");
        } finally {
            ds.shutDown(true);
        }
    }

    static final List<String> OPERATORS = List.of("adm-alice", "HV Operators", "CN=adm-erin," + USERS, "nobody",
            "*)(sAMAccountName=*");

    private static Map<String, OperatorAccount> accounts(Operator o) {
        return o.accounts().stream().collect(Collectors.toMap(OperatorAccount::samAccountName, Function.identity()));
    }

    private static void assertOperators(List<Operator> ops) {
        assertEquals(OPERATORS, ops.stream().map(Operator::name).toList(), "one record per configured name, in order");
        Operator alice = ops.get(0);
        assertEquals(Operator.Kind.USER, alice.kind());
        assertEquals("CN=adm-alice," + USERS, alice.dn());
        assertTrue(alice.accounts().get(0).notDelegated());
        assertFalse(alice.accounts().get(0).delegable());
        Operator group = ops.get(1);
        assertEquals(Operator.Kind.GROUP, group.kind());
        assertEquals(Operator.Expansion.MEMBER_ATTRIBUTE, group.expansion());
        Map<String, OperatorAccount> members = accounts(group);
        assertEquals(List.of("adm-bob", "adm-carol", "adm-dave"), members.keySet().stream().sorted().toList(),
                "nested users once each, the computer left out, the cycle and the dangling member harmless");
        assertEquals(Boolean.TRUE, members.get("adm-bob").protectedUsers(), "Protected Users through Tier0 Admins");
        assertFalse(members.get("adm-bob").delegable());
        assertEquals(Boolean.FALSE, members.get("adm-carol").protectedUsers());
        assertTrue(members.get("adm-dave").delegable());
        assertEquals(Operator.Kind.USER, ops.get(2).kind());
        assertEquals("adm-erin", ops.get(2).accounts().get(0).samAccountName());
        assertEquals(Operator.Kind.NOT_FOUND, ops.get(3).kind());
        assertFalse(ops.get(3).found());
        assertEquals(Operator.Kind.NOT_FOUND, ops.get(4).kind(), "an escaped value, not a wildcard");
    }

    @Test
    void operatorsResolveThroughNestedGroupsMemberByMember() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            domain(ds, true);
            operators(ds);
            List<Operator> ops = collect(ds, BASE, OPERATORS).operators();
            assertOperators(ops);
            assertNull(ops.get(1).note(), "no in-chain attempt on a server that is not AD");
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void whenAnAdServerRefusesTheInChainRuleMembersAreReadOneByOne() throws Exception {
        List<Attribute> root = new ArrayList<>(AD_ROOT);
        root.add(new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY));
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, root);
        try {
            domain(ds, true);
            operators(ds);
            List<Operator> ops = collect(ds, BASE, OPERATORS).operators();
            assertOperators(ops);
            assertTrue(ops.get(1).note().contains("refused LDAP_MATCHING_RULE_IN_CHAIN"), ops.get(1).note());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void withoutProtectedUsersMembershipIsUnknown() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            domain(ds, false);
            operators(ds);
            List<Operator> ops = collect(ds, BASE, List.of("adm-bob")).operators();
            assertNull(ops.get(0).accounts().get(0).protectedUsers());
            assertTrue(ops.get(0).accounts().get(0).delegable());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aLargeGroupAnsweredInRangesIsReadWhole() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, List.of(),
                new AdRangedRetrieval(2, AdRangedRetrieval.Fault.NONE, List.of("member")));
        try {
            domain(ds, true);
            List<String> members = new ArrayList<>();
            for (int i = 1; i <= 7; i++) {
                user(ds, "op" + i, 0x200);
                members.add("CN=op" + i + "," + USERS);
            }
            group(ds, "Big", DOMAIN_SID + "-1700", "20200101000000.0Z", members.toArray(String[]::new));
            List<Operator> ops = collect(ds, BASE, List.of("Big")).operators();
            assertEquals(7, ops.get(0).accounts().size());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void findingsJsonCarriesTheDcTheAesDateAndEachHostsEncryptionTypesAndPasswordAge() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, AD_ROOT);
        try {
            domain(ds, true);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                    "allowInsecureBind: true");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", "json");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            assertEquals("dc1.contoso.com", doc.path("directory").path("dc").asText());
            assertEquals("2009-03-10T12:00:00.000000Z", doc.path("directory").path("aesKeysSince").asText());
            JsonNode hv01 = doc.path("hosts").get(0);
            assertEquals("HV01", hv01.path("name").asText());
            assertEquals(24, hv01.path("supportedEncryptionTypes").asInt());
            assertEquals("2008-06-01T00:00:00.000000Z", hv01.path("pwdLastSet").asText());
            JsonNode hv02 = doc.path("hosts").get(1);
            assertTrue(hv02.has("supportedEncryptionTypes") && hv02.path("supportedEncryptionTypes").isNull(),
                    "absent: present as null");
            assertTrue(hv02.path("pwdLastSet").isNull());
        } finally {
            ds.shutDown(true);
        }
    }
}
