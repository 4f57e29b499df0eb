package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import org.kcdauditor.io.Causes;

import java.util.Set;

/**
 * Whether a run's failure is the directory being away for a while (a domain controller restarting for its updates,
 * shutting down, overloaded), which the same audit run a little later may not meet: the connection refused or lost
 * (LDAP result 91, 81), no answer in time (85, or a bound of {@code directory.timeoutSeconds}), busy (51), unavailable
 * (52), the server's time limit (3). Not a refused bind (49), a permission (50), a base DN that does not exist, a
 * certificate this machine does not trust, a configuration or a history store error, nor a reading that outlasted
 * {@code directory.runTimeoutSeconds} (its connection closed looks lost, 81, but the directory answered: it is too
 * big or too far for the limit): running again changes none of them.
 */
public final class DirectoryOutage {
    private static final Set<ResultCode> AWAY = Set.of(ResultCode.CONNECT_ERROR, ResultCode.SERVER_DOWN,
            ResultCode.TIMEOUT, ResultCode.BUSY, ResultCode.UNAVAILABLE, ResultCode.TIME_LIMIT_EXCEEDED);

    private DirectoryOutage() {
    }

    public static boolean is(Throwable failure) {
        if (Causes.find(failure, DirectoryException.class) == null
                || Causes.has(failure, RunLimitException.class)
                || Causes.has(failure, java.security.GeneralSecurityException.class)
                || Causes.has(failure, javax.net.ssl.SSLHandshakeException.class)) {
            return false;
        }
        LDAPException ldap = Causes.find(failure, LDAPException.class);
        return ldap != null && AWAY.contains(ldap.getResultCode());
    }
}
