package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code baseDn} the directory's DC does not hold. Windows AD answers a search under another domain's DN (another
 * domain of the forest, a child domain, or one it only guesses from the DN's DC= components) with a referral, its
 * diagnostic spread over lines ("…1 access points\n\tref 1: 'fabrikam.com'\n" and a NUL): the run fails with one line
 * that names the key and where the DC refers, not a "search failed: 10 (referral)" over three lines.
 */
class BaseDnMistakesTest {
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String FABRIKAM = "DC=fabrikam,DC=com";

    @TempDir
    Path tmp;
    InMemoryDirectoryServer dc1;

    @AfterEach
    void stop() {
        dc1.shutDown(true);
    }

    /** contoso's DC, answering a search under {@code under} as AD does with {@code rc} and its diagnostic. */
    private void start(String under, ResultCode rc, String diagnostic, String... referrals) throws Exception {
        dc1 = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(new Attribute("dnsHostName",
                "dc1.contoso.com"), new Attribute("defaultNamingContext", TestDirectory.BASE)),
                new InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
                        String base = request.getRequest().getBaseDN();
                        if (!base.isEmpty() && new DN(base).isDescendantOf(under, true)) {
                            throw new LDAPException(rc, diagnostic, null, referrals);
                        }
                    }
                });
        TestDirectory.addCluster(dc1, List.of("HV01", "HV02"));
    }

    private CliRun run(String baseDn) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + dc1.getListenPort(), List.of("HV01", "HV02"),
                "allowInsecureBind: true");
        Files.writeString(cfg, Files.readString(cfg).replace("baseDn: " + TestDirectory.BASE, "baseDn: " + baseDn));
        return CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
    }

    @Test
    void aBaseDnOfAnotherDomainSaysWhereTheDcRefersIt() throws Exception {
        start(FABRIKAM, ResultCode.REFERRAL, "0000202B: RefErr: DSID-0310082F, data 0, 1 access points\n\tref 1:"
                + " 'fabrikam.com'\n\u0000", "ldap://fabrikam.com/DC=fabrikam,DC=com");
        CliRun r = run(FABRIKAM);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("directory.baseDn DC=fabrikam,DC=com is not held by this domain controller,"
                + " which refers it to ldap://fabrikam.com/DC=fabrikam,DC=com"), r.err());
        assertTrue(r.err().contains("point directory.url at a domain controller of that domain"), r.err());
    }

    @Test
    void aServersDiagnosticOverSeveralLinesIsShownOnOne() throws Exception {
        start(TestDirectory.BASE, ResultCode.UNWILLING_TO_PERFORM, "00002024: SvcErr: DSID-03100842, problem 5003"
                + " (WILL_NOT_PERFORM)\n\tdata 0\n\u0000");
        CliRun r = run(TestDirectory.BASE);
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains(": 53 (unwilling to perform) (00002024: SvcErr: DSID-03100842, problem 5003"
                + " (WILL_NOT_PERFORM) data 0)"), r.err());
    }
}
