package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The names {@code policy.operators} may hold, read over real LDAP from UnboundID's in-memory server made to answer
 * base reads the way Active Directory and Samba do ({@link AdDnAnswers}): a DN their parser refuses is
 * invalidDNSyntax, a DN of another domain a referral. None of them may abort the run.
 */
class OperatorNamesTest {
    static final String BASE = TestDirectory.BASE;
    static final String USERS = DomainFactsTest.USERS;
    static final String CHILD = "DC=emea," + BASE;

    @TempDir
    Path tmp;

    /**
     * Answers base-scope reads like AD and Samba, where UnboundID's in-memory server (whose DN parser is as lenient as
     * the SDK's) would answer noSuchObject: a DN whose attribute types are no attribute descriptions (such as
     * {@code *)(cn=*}) is invalidDNSyntax; a DN in the child domain {@code DC=emea} is referred to its DC.
     */
    static final class AdDnAnswers extends InMemoryOperationInterceptor {
        private static final Pattern DESCRIPTOR = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|\\d+(\\.\\d+)+");

        @Override
        public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
            if (request.getRequest().getScope() != SearchScope.BASE || request.getRequest().getBaseDN().isEmpty()) {
                return;
            }
            DN dn = new DN(request.getRequest().getBaseDN());
            for (RDN rdn : dn.getRDNs()) {
                for (String type : rdn.getAttributeNames()) {
                    if (!DESCRIPTOR.matcher(type).matches()) {
                        throw new LDAPException(ResultCode.INVALID_DN_SYNTAX, "0000208F: NameErr: DSID-03100225,"
                                + " problem 2006 (BAD_NAME), data 8350, best match of:\n\t'" + dn + "'");
                    }
                }
            }
            if (dn.isDescendantOf(CHILD, true)) {
                throw new LDAPException(ResultCode.REFERRAL, "0000202B: RefErr: DSID-0310084A, data 0, 1 access"
                        + " points", null, new String[]{"ldap://emea.contoso.com/" + CHILD});
            }
        }
    }

    private static InMemoryDirectoryServer server() throws Exception {
        return server(true);
    }

    /**
     * The domain of {@link DomainFactsTest} with its operators, plus adm-direct (NOT_DELEGATED, userPrincipalName
     * adm-direct@contoso.com) and adm-upn (a UPN under another suffix, jdoe@corp.example).
     *
     * @param partitions whether the root DSE names a configuration partition whose crossRef gives the domain's
     *                   NetBIOS name, CONTOSO (as AD and Samba do)
     */
    static InMemoryDirectoryServer server(boolean partitions) throws Exception {
        List<Attribute> root = new ArrayList<>(DomainFactsTest.AD_ROOT);
        if (partitions) {
            root.add(new Attribute("configurationNamingContext", "CN=Configuration," + BASE));
        }
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, root, new AdDnAnswers());
        DomainFactsTest.domain(ds, true);
        DomainFactsTest.operators(ds);
        if (partitions) {
            ds.add(new Entry("dn: CN=Configuration," + BASE, "objectClass: container", "cn: Configuration"));
            ds.add(new Entry("dn: CN=Partitions,CN=Configuration," + BASE, "objectClass: crossRefContainer",
                    "cn: Partitions"));
            ds.add(new Entry("dn: CN=FABRIKAM,CN=Partitions,CN=Configuration," + BASE, "objectClass: crossRef",
                    "cn: FABRIKAM", "nCName: DC=fabrikam,DC=com", "nETBIOSName: FABRIKAM"));
            ds.add(new Entry("dn: CN=CONTOSO,CN=Partitions,CN=Configuration," + BASE, "objectClass: crossRef",
                    "cn: CONTOSO", "nCName: " + BASE, "nETBIOSName: CONTOSO", "dnsRoot: contoso.com"));
        }
        upnUser(ds, "adm-direct", "adm-direct@contoso.com", 0x200 | 0x100000);
        upnUser(ds, "adm-upn", "jdoe@corp.example", 0x200 | 0x100000);
        return ds;
    }

    private static void upnUser(InMemoryDirectoryServer ds, String name, String upn, int uac) throws Exception {
        ds.add(new Entry("dn: CN=" + name + "," + USERS, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: " + name, "sAMAccountName: " + name, "userPrincipalName: " + upn,
                "userAccountControl: " + uac));
    }

    private Path config(InMemoryDirectoryServer ds, List<String> operators) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                "allowInsecureBind: true");
        Files.writeString(cfg, Files.readString(cfg) + "policy:\n  operators:\n" + operators.stream()
                .map(o -> "    - '" + o.replace("'", "''") + "'\n").collect(Collectors.joining()));
        return cfg;
    }

    private Snapshot collect(InMemoryDirectoryServer ds, List<String> operators) throws Exception {
        AuditConfig config = ConfigLoader.load(config(ds, operators));
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
        }
    }

    /** The findings of a {@code run} with these operators; the run must complete (exit 0 or 3). */
    private JsonNode run(InMemoryDirectoryServer ds, List<String> operators) throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                config(ds, operators).toString(), "--out", out.toString(), "--formats", "json");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        return CliRun.findings(out).path("findings");
    }

    /** Each OPERATOR_ finding as "rule severity host: message", sorted. */
    private static List<String> operatorFindings(JsonNode findings) {
        List<String> out = new ArrayList<>();
        for (JsonNode f : findings) {
            if (f.path("rule").asText().startsWith("OPERATOR_")) {
                out.add(f.path("rule").asText() + " " + f.path("severity").asText() + " " + f.path("host").asText()
                        + ": " + f.path("message").asText());
            }
        }
        return out.stream().sorted().toList();
    }

    private static List<Operator.Kind> kinds(Snapshot s) {
        return s.operators().stream().map(Operator::kind).toList();
    }

    @Test
    void aNameWithAnEqualsSignThatIsNoDnOfTheDomainIsSearchedAsANameNotRead() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            List<String> names = List.of("*)(cn=*", "adm-alice=x", "CN=adm-erin," + USERS,
                    "cn=ADM-ERIN,  cn=users,dc=CONTOSO,dc=com", "CN=adm-erin,CN=Users,DC=fabrikam,DC=com",
                    "CN=adm-emea,CN=Users," + CHILD, "CN=nobody," + USERS);
            Snapshot s = collect(ds, names);
            assertEquals(names, s.operators().stream().map(Operator::name).toList());
            assertEquals(List.of(Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND, Operator.Kind.USER,
                    Operator.Kind.USER, Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND),
                    kinds(s), "a DN is read only under the domain (any case or spacing); another domain's DN, one"
                            + " the DC refers elsewhere and a missing one are not found");
            assertEquals("CN=adm-erin," + USERS, s.operators().get(3).dn());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void readmesExampleOfAHostileNameEndsInOperatorNotFoundAndTheRunCompletes() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            assertEquals(List.of("OPERATOR_NOT_DELEGABLE MEDIUM adm-alice", "OPERATOR_NOT_FOUND LOW *)(cn=*"),
                    operatorFindings(run(ds, List.of("*)(cn=*", "adm-alice"))).stream()
                            .map(f -> f.substring(0, f.indexOf(':'))).toList(), "the other operators are still judged");
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void downLevelNamesAndUserPrincipalNamesResolveToTheirAccounts() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            List<String> names = List.of("CONTOSO\\adm-direct", "contoso\\HV Operators", "adm-direct@contoso.com",
                    "adm-alice@CONTOSO.com", "jdoe@corp.example", "adm-alice@fabrikam.com", "FABRIKAM\\adm-alice",
                    "CONTOSO\\", "CONTOSO\\nobody");
            Snapshot s = collect(ds, names);
            assertEquals(List.of(Operator.Kind.USER, Operator.Kind.GROUP, Operator.Kind.USER, Operator.Kind.USER,
                    Operator.Kind.USER, Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND,
                    Operator.Kind.NOT_FOUND), kinds(s));
            List<Operator> ops = s.operators();
            assertEquals("CN=adm-direct," + USERS, ops.get(0).dn());
            assertTrue(ops.get(0).accounts().get(0).notDelegated());
            assertEquals("CN=HV Operators," + USERS, ops.get(1).dn());
            assertEquals("CN=adm-direct," + USERS, ops.get(2).dn(), "by its userPrincipalName");
            assertEquals("CN=adm-alice," + USERS, ops.get(3).dn(),
                    "no UPN stored: the implicit one, sAMAccountName@the domain's DNS name, as a bind takes it");
            assertEquals("CN=adm-upn," + USERS, ops.get(4).dn(), "a UPN under another suffix");
            assertNull(ops.get(5).note(), "not the implicit UPN of this domain, no account has it: not found");
            assertEquals("FABRIKAM is not the domain of this directory (CONTOSO, " + BASE + ")", ops.get(6).note(),
                    "another domain's adm-alice is not this domain's");
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void whereTheDomainsNetbiosNameCannotBeReadTheNameAfterTheBackslashIsSearched() throws Exception {
        InMemoryDirectoryServer ds = server(false);
        try {
            Snapshot s = collect(ds, List.of("FABRIKAM\\adm-direct"));
            assertEquals(List.of(Operator.Kind.USER), kinds(s));
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void anOperatorGivenAsDomainBackslashNameOrUpnIsJudgedNotDelegable() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            List<String> got = operatorFindings(run(ds, List.of("CONTOSO\\adm-direct", "jdoe@corp.example",
                    "FABRIKAM\\adm-alice")));
            assertEquals(List.of("OPERATOR_NOT_DELEGABLE MEDIUM adm-direct: Operator adm-direct is marked 'Account is"
                    + " sensitive and cannot be delegated': live migrations it starts remotely fail, because no host may"
                    + " delegate its credentials.", "OPERATOR_NOT_DELEGABLE MEDIUM adm-upn", "OPERATOR_NOT_FOUND LOW"
                    + " FABRIKAM\\adm-alice: policy.operators names 'FABRIKAM\\adm-alice', but FABRIKAM is not the"
                    + " domain of this directory (CONTOSO, " + BASE + "), so its accounts were not checked."),
                    got.stream().map(f -> f.contains("adm-upn") ? f.substring(0, f.indexOf(':')) : f).toList(),
                    "a user named by its down-level name or UPN is judged as itself, not 'through' a group");
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * An operator named directly that is a group-managed service account (scheduled moves) or a computer account (a
     * management server's SYSTEM): NOT_DELEGATED on either stops the delegation of its credentials as it does a user's
     * (ADS_USER_FLAG_ENUM, ADS_UF_NOT_DELEGATED "the security context of the user is not delegated to a service even if
     * the service account is set as trusted for Kerberos delegation"; MS-SFU 3.2.5.2.1, the evidence ticket is then
     * not forwardable), so each is judged by its own flag, not taken for a host or left out. Neither is OPERATOR_NOT_FOUND.
     */
    @Test
    void aManagedServiceAccountOrAComputerNamedAsAnOperatorIsJudgedByItsOwnFlag() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            ds.add(new Entry("dn: CN=Managed Service Accounts," + BASE, "objectClass: container",
                    "cn: Managed Service Accounts"));
            ds.add(new Entry("dn: CN=gmsa-direct,CN=Managed Service Accounts," + BASE, "objectClass: top",
                    "objectClass: person", "objectClass: user", "objectClass: computer",
                    "objectClass: msDS-GroupManagedServiceAccount", "cn: gmsa-direct", "sAMAccountName: gmsa-direct$",
                    "userAccountControl: " + (0x1000 | 0x100000)));
            ds.add(new Entry("dn: CN=MGMT01," + USERS, "objectClass: top", "objectClass: person", "objectClass: user",
                    "objectClass: computer", "cn: MGMT01", "sAMAccountName: MGMT01$",
                    "userAccountControl: " + (0x1000 | 0x100000)));
            assertEquals(List.of("OPERATOR_NOT_DELEGABLE MEDIUM MGMT01$", "OPERATOR_NOT_DELEGABLE MEDIUM gmsa-direct$"),
                    operatorFindings(run(ds, List.of("gmsa-direct$", "MGMT01$"))).stream()
                            .map(f -> f.substring(0, f.indexOf(':'))).toList());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * Names hostile to an LDAP filter (a wildcard, parentheses, an escape sequence, in each form a name takes) match
     * nothing: each is escaped, not a wildcard or a second clause, so none resolves to adm-alice or to HV Operators;
     * each is OPERATOR_NOT_FOUND under its own name, and every report format is written with them. A NUL never
     * reaches a filter: the configuration refuses a name holding a control character.
     */
    @Test
    void namesHostileToAFilterAreEscapedInEveryFormAndEveryOutput() throws Exception {
        InMemoryDirectoryServer ds = server();
        try {
            List<String> hostile = List.of("adm-*", "*", "adm-alice)(sAMAccountName=*", "adm-alice\\2a",
                    "HV Operators)", "CONTOSO\\adm-*", "adm-*@contoso.com", "*)(|(userPrincipalName=*",
                    "CN=*," + USERS, "CN=adm-al\\2a," + USERS);
            List<String> names = new ArrayList<>(hostile);
            names.add("adm-alice");
            Path nul = config(ds, List.of());
            Files.writeString(nul, Files.readString(nul) + "    - \"adm-alice\\0\"\n");
            ConfigException refused = assertThrows(ConfigException.class, () -> ConfigLoader.load(nul));
            assertTrue(refused.getMessage().contains("policy.operators[0]: holds the control character \\u0000"),
                    refused.getMessage());
            Path cfg = config(ds, names);
            AuditConfig config = ConfigLoader.load(cfg);
            assertEquals(names, config.policy().operators(), "the YAML gives the names as written");
            Snapshot s;
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                    TestDirectory.PASSWORD)) {
                s = new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
            }
            List<Operator.Kind> kinds = new ArrayList<>(java.util.Collections.nCopies(hostile.size(),
                    Operator.Kind.NOT_FOUND));
            kinds.add(Operator.Kind.USER);
            assertEquals(kinds, kinds(s));
            Path out = tmp.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", out.toString(), "--formats", "json,md,html,ps1,pdf,xlsx");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
            List<String> notFound = new ArrayList<>();
            for (JsonNode f : CliRun.findings(out).path("findings")) {
                if (f.path("rule").asText().equals("OPERATOR_NOT_FOUND")) {
                    notFound.add(f.path("host").asText());
                }
            }
            assertEquals(hostile.stream().sorted().toList(), notFound.stream().sorted().toList());
        } finally {
            ds.shutDown(true);
        }
    }
}
