package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.GSSAPIChannelBindingType;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LDAP channel binding (LdapEnforceChannelBinding = 2, "Always", which hardening guides and Windows Server 2025
 * deployments set): a DC then refuses a Kerberos bind over TLS that carries no TLS channel binding token, with AD's
 * {@code data 80090346} (SEC_E_BAD_BINDINGS). The SDK sends none unless asked, so an audit with auth: gssapi over
 * ldaps:// or StartTLS failed there, and the line blamed the principal, keytab and krb5.conf.
 */
class ChannelBindingTest {
    @TempDir
    Path tmp;

    private LdapConnector connector(String url, boolean startTls) throws Exception {
        Path cfg = Files.writeString(tmp.resolve("kcd-audit.yaml"), "directory:\n  url: " + url
                + "\n  startTls: " + startTls + "\n  auth: gssapi\n  principal: svc-kcdaudit@CONTOSO.COM\n  baseDn:"
                + " DC=contoso,DC=com\nclusters:\n  - name: HVC1\n    nodes: [HV01, HV02]\n");
        return new LdapConnector(ConfigLoader.load(cfg), new Secrets(Map.of()));
    }

    @ParameterizedTest
    @CsvSource({"ldaps://dc1.contoso.com:636, false, TLS_SERVER_END_POINT",
            "ldap://dc1.contoso.com:389, true, TLS_SERVER_END_POINT",
            // over plain LDAP the Kerberos session itself is signed and sealed: there is no TLS channel to bind to
            "ldap://dc1.contoso.com:389, false, NONE"})
    void aKerberosBindOverTlsCarriesTheTlsChannelBinding(String url, boolean startTls, GSSAPIChannelBindingType type)
            throws Exception {
        boolean tls = url.startsWith("ldaps:") || startTls;
        LdapConnector c = connector(url, startTls);
        assertEquals(type, c.gssapiBind(c.settings(), "dc1.contoso.com", tls).getChannelBindingType());
    }

    @Test
    void aChannelBindingRefusalIsSaidAsSuchNotAsACredentialProblem() {
        LDAPException refused = new LDAPException(new LDAPResult(1, ResultCode.INVALID_CREDENTIALS,
                "80090346: LdapErr: DSID-0C0906B5, comment: AcceptSecurityContext error, data 80090346, v4563", null,
                (String[]) null, null));
        String line = LdapConnector.channelBindingRefused("ldaps://dc1.contoso.com:636", "svc-kcdaudit@CONTOSO.COM",
                refused, "directory");
        assertTrue(line.startsWith("ldaps://dc1.contoso.com:636: Kerberos (GSSAPI) bind as svc-kcdaudit@CONTOSO.COM"
                + " refused: the DC requires LDAP channel binding and the binding did not match (AD data 80090346,"
                + " SEC_E_BAD_BINDINGS)"), line);
        assertTrue(line.contains("something between here and the DC (a load balancer, TLS inspection) ends the TLS"
                + " connection"), line);
        assertTrue(line.contains("set directory.url to the domain controller itself"), line);

        LDAPException lockedOut = new LDAPException(new LDAPResult(1, ResultCode.INVALID_CREDENTIALS,
                "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563", null,
                (String[]) null, null));
        assertNull(LdapConnector.channelBindingRefused("ldaps://dc1", "svc", lockedOut, "directory"));
    }
}
