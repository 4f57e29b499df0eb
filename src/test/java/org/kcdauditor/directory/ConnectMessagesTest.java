package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an admin reads when the TLS connection to a DC fails: the cause in words and the key to fix, no stack trace. */
class ConnectMessagesTest {
    private static final String WHERE = "directory: ldaps://dc1.contoso.com:636";

    private static String say(ResultCode rc, String message, Throwable cause) {
        return LdapConnector.describeConnect(WHERE, new LDAPException(rc, message, cause), true, "directory",
                LdapConnector.urlNameFix("directory"));
    }

    @Test
    void aWrongTrustStorePasswordSaysSo() {
        String s = say(ResultCode.CONNECT_ERROR, "cannot connect", new IOException("keystore password was incorrect",
                new java.security.UnrecoverableKeyException("Get Key failed: Given final block not properly padded."
                        + " Such issues can arise if a bad key is used during decryption.")));
        assertEquals(WHERE + ": TLS failed: the trust store's password is wrong — check"
                + " directory.trustStorePasswordEnv (or trustStorePasswordFile)", s);
    }

    @Test
    void aTrustStoreThatIsNoKeyStoreSaysSoWithoutTheSdksTrace() {
        String s = say(ResultCode.CONNECT_ERROR, "TLS failed", new java.security.cert.CertificateException(
                "Unable to load trust store junk.p12: EOFException(trace='readExactlyNBytes(IOUtils.java:61) /"
                        + " run(ConnectThread.java:173)', ldapSDKVersion=7.0.3, revision=abc)"));
        assertEquals(WHERE + ": TLS failed: directory.trustStore is not a PKCS#12 or JKS key store — export the CA that"
                + " signed the DC's certificate into a PKCS#12 file (docs/install.md)", s);
        assertFalse(s.contains("trace="), s);
    }

    @Test
    void aHostNameTheCertificateLacksNamesTheUrlKeyOfItsDirectory() {
        String s = LdapConnector.describeConnect(WHERE, new LDAPException(ResultCode.CONNECT_ERROR, "cannot connect",
                new javax.net.ssl.SSLHandshakeException("Hostname verification failed because the expected hostname"
                        + " 'vm' was not found in peer certificate 'subject='CN=dc1.fabrikam.com''")), true,
                "directories.fabrikam", LdapConnector.urlNameFix("directories.fabrikam"));
        assertTrue(s.endsWith(" — put a name the certificate lists into directories.fabrikam.url"), s);
    }

    /** A reset during StartTLS (ldap:// with startTls: true) is not answered with "use ldap:// with startTls". */
    @Test
    void aResetDuringStartTlsDoesNotAdviseStartTls() {
        String where = "directory: ldap://dc1.contoso.com:389";
        String s = LdapConnector.describeConnect(where, new LDAPException(ResultCode.CONNECT_ERROR, "cannot connect",
                new java.net.SocketException("Connection reset")), true, "directory",
                LdapConnector.urlNameFix("directory"));
        assertTrue(s.startsWith(where + ": the server closed the connection during the StartTLS handshake"), s);
        assertFalse(s.contains("startTls: true"), s);
    }

    /** A server that refuses StartTLS is said by LdapConnector#startTls (LdapEndToEndTest). */
    @Test
    void ldapsOnAPlainPortSaysThePort() {
        assertTrue(say(ResultCode.CONNECT_ERROR, "cannot connect", new javax.net.ssl.SSLException(
                "Unsupported or unrecognized SSL message")).contains("the server did not answer TLS on this port"));
    }

    /**
     * ldaps:// to port 389 of a server that closes the connection on a TLS ClientHello (OpenLDAP does; the chain is
     * the one UnboundID builds then): no trust store is involved, so the admin must not be sent to re-export one.
     */
    @Test
    void ldapsToAPortThatHangsUpOnTheHandshakeIsNotCalledATrustStoreProblem() {
        SSLHandshakeException hs = new SSLHandshakeException("Remote host terminated the handshake");
        hs.initCause(new java.io.EOFException("SSL peer shut down incorrectly"));
        String s = say(ResultCode.CONNECT_ERROR, "An error occurred while attempting to connect to server"
                + " 127.0.0.1:389:  IOException(LDAPException(resultCode=91 (connect error), errorMessage='An error"
                + " occurred while attempting to establish a connection to server /127.0.0.1:389:"
                + "  SSLHandshakeException(Remote host terminated the handshake)'))", new IOException(hs));
        assertFalse(s.contains("is not a PKCS#12"), s);
        assertEquals(WHERE + ": the server closed the connection during the TLS handshake — ldaps:// needs the LDAPS"
                + " port (636) of a DC that has a certificate; on port 389 use ldap:// with directory.startTls: true", s);
    }

    @Test
    void aRefusedConnectionSaysSoWithoutJavaClassNames() {
        String s = LdapConnector.describeConnect(WHERE, new LDAPException(ResultCode.CONNECT_ERROR, "cannot connect",
                new java.net.ConnectException("Connection refused")), true, "directory",
                LdapConnector.urlNameFix("directory"));
        assertEquals(WHERE + ": cannot connect (Connection refused) — check the host name, port (636 for ldaps, 389 for"
                + " ldap) and that a domain controller is reachable from here", s);
    }

    /** A chain that comes back on itself (a → b → a, which initCause allows) is read once through, not for ever. */
    @Test
    void aCauseChainThatComesBackOnItselfIsReadOnce() {
        IOException io = new IOException("connecting");
        java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
        io.initCause(refused);
        refused.initCause(io);
        assertEquals(WHERE + ": cannot connect (Connection refused) — check the host name, port (636 for ldaps, 389 for"
                + " ldap) and that a domain controller is reachable from here",
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> say(ResultCode.CONNECT_ERROR, "cannot connect",
                        io)));
    }

    @Test
    void theSdksTraceIsCutFromAnyMessage() {
        assertEquals("EOFException", LdapConnector.withoutTrace("EOFException(trace='a(B.java:1)', ldapSDKVersion=7)"));
        assertEquals("plain", LdapConnector.withoutTrace("plain"));
    }

    @Test
    void kinitIsToldTheCacheJavaReadsAsOneShellArgument() {
        assertEquals("FILE:/tmp/krb5cc_$(id -u)", LdapConnector.fileCache(null));
        assertEquals("FILE:/tmp/krb5cc_1000", LdapConnector.fileCache("FILE:/tmp/krb5cc_1000"));
        assertEquals("FILE:/run/kcd/cache", LdapConnector.fileCache("/run/kcd/cache"));
        assertEquals("'FILE:/srv/kcd audit/cache'", LdapConnector.fileCache("FILE:/srv/kcd audit/cache"));
        assertEquals("'FILE:/tmp/it'\\''s;rm'", LdapConnector.fileCache("FILE:/tmp/it's;rm"));
        assertEquals("FILE:/tmp/krb5cc_$(id -u)", LdapConnector.fileCache("KEYRING:persistent:1000"));
    }
}
