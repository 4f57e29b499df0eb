package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
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
        List<Attribute> root = new ArrayList<>(DomainFactsTest.AD_ROOT);
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, root, new AdDnAnswers());
        DomainFactsTest.domain(ds, true);
        DomainFactsTest.operators(ds);
        return ds;
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
            Path cfg = config(ds, List.of("*)(cn=*", "adm-alice"));
            Path out = tmp.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", out.toString(), "--formats", "json");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
            JsonNode doc = CliRun.findings(out);
            List<String> notFound = new ArrayList<>();
            List<String> notDelegable = new ArrayList<>();
            for (JsonNode f : doc.path("findings")) {
                if (f.path("rule").asText().equals("OPERATOR_NOT_FOUND")) {
                    notFound.add(f.path("host").asText() + " " + f.path("severity").asText());
                } else if (f.path("rule").asText().equals("OPERATOR_NOT_DELEGABLE")) {
                    notDelegable.add(f.path("host").asText());
                }
            }
            assertEquals(List.of("*)(cn=* LOW"), notFound, r.toString());
            assertEquals(List.of("adm-alice"), notDelegable, "the other operators are still judged");
        } finally {
            ds.shutDown(true);
        }
    }
}
