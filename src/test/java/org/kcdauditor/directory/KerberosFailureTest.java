package org.kcdauditor.directory;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reason of a failed Kerberos bind read from its cause chain without a KDC: the outermost KDC error (not the JDK's
 * own ASN.1 parse error beneath it), a realm krb5.conf names no KDC for, or else the network failure on the way. The
 * JDK's KrbException is recognised by its simple name, as here.
 */
class KerberosFailureTest {
    /** Named as the JDK's sun.security.krb5.KrbException, which the code may not reach. */
    static final class KrbException extends Exception {
        KrbException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static String describe(Throwable e) {
        return KerberosFailure.describe(e, "svc-kcd@CONTOSO.COM", "dc1.contoso.com", "directory", null,
                "/etc/krb5.conf");
    }

    @Test
    void theOutermostKdcErrorIsSaidNotTheParseErrorBeneathIt() {
        Exception parse = new KrbException("Identifier doesn't match expected value (906)", null);
        Exception kdc = new KrbException("Pre-authentication information was invalid (24)", parse);
        String why = describe(new javax.security.auth.login.LoginException("login failed") {
            {
                initCause(new IllegalStateException("wrapped", kdc));
            }
        });
        assertEquals("the KDC refused the password of svc-kcd@CONTOSO.COM (KDC_ERR_PREAUTH_FAILED) — run kinit again",
                why);
    }

    @Test
    void aRealmWithoutAKdcIsSaidAsSuch() {
        String why = describe(new RuntimeException("bind", new KrbException("Cannot locate KDC", null)));
        assertTrue(why.startsWith("/etc/krb5.conf names no KDC for CONTOSO.COM"), why);
    }

    @Test
    void withoutAKdcErrorTheFirstNetworkFailureIsSaid() {
        Exception inner = new SocketTimeoutException("Receive timed out");
        Exception refused = new ConnectException("Connection refused");
        refused.initCause(inner);
        String why = describe(new RuntimeException("bind", new KrbException("Identifier doesn't match expected value"
                + " (906)", refused)));
        assertTrue(why.startsWith("no KDC of CONTOSO.COM answered (connection refused) — check the kdc lines"), why);
        assertNull(describe(new RuntimeException("bind", new IllegalStateException("something else"))));
    }
}
