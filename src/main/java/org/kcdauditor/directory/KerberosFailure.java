package org.kcdauditor.directory;

import org.kcdauditor.io.Causes;

import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a Kerberos (GSSAPI) bind failed, in an administrator's words, with what to do: the KDC's error (the
 * outermost Kerberos error code in the cause chain; a DC's error carries e-data that the JDK may fail to parse, and
 * that parse error, "Identifier doesn't match expected value (906)", is the innermost cause and says nothing), a KDC
 * that did not answer, or a realm the krb5.conf does not know.
 */
final class KerberosFailure {
    /** A JDK KrbException's message: {@code Pre-authentication information was invalid (24)}, maybe {@code - e-text}. */
    private static final Pattern KRB_ERROR = Pattern.compile("^(.*?) \\((\\d{1,3})\\)(?: - (.*))?$");
    /** The JDK's own ASN.1 decoding errors (Krb5.ASN1_*): not an answer of the KDC. */
    private static final int FIRST_ASN1_CODE = 900;

    private KerberosFailure() {
    }

    /**
     * The reason and what to do ({@code reason — what to do}), or null when the chain holds nothing Kerberos
     * recognisable.
     *
     * @param who      the configured principal
     * @param host     the host of the directory URL (the KDC is asked for ldap/host)
     * @param key      the key path of the directory settings ({@code directory}, {@code directories.<name>})
     * @param keytab   the keytab in use, or null for the ticket cache
     * @param krb5Conf the krb5.conf in use, as said to the admin
     */
    static String describe(Throwable e, String who, String host, String key, String keytab, String krb5Conf) {
        String realm = who.contains("@") ? who.substring(who.lastIndexOf('@') + 1) : "the default realm";
        Throwable krb = Causes.first(e, t -> kdcAnswer(t) != null || krbMessage(t).startsWith("Cannot locate KDC"));
        if (krb != null) {
            Matcher m = kdcAnswer(krb);
            return m != null ? kdcError(Integer.parseInt(m.group(2)), m.group(1), m.group(3), who, host, key, keytab,
                    realm, krb5Conf) : noKdc(realm, krb5Conf, key);
        }
        Throwable unanswered = Causes.first(e, t -> network(t) != null);
        if (unanswered != null) {
            return "no KDC of " + realm + " answered (" + network(unanswered) + ") — check the kdc lines of " + realm
                    + " in " + krb5Conf + " and that port 88 (TCP and UDP) of a domain controller is reachable from here";
        }
        return null;
    }

    /** The KDC's error that {@code t} reports ({@link #KRB_ERROR}, not the JDK's own ASN.1 errors), or null. */
    private static Matcher kdcAnswer(Throwable t) {
        Matcher m = KRB_ERROR.matcher(krbMessage(t).strip());
        return m.matches() && Integer.parseInt(m.group(2)) < FIRST_ASN1_CODE ? m : null;
    }

    /** The message of a JDK KrbException; empty for another throwable, or one without a message. */
    private static String krbMessage(Throwable t) {
        return t.getClass().getSimpleName().equals("KrbException") && t.getMessage() != null ? t.getMessage() : "";
    }

    private static String kdcError(int code, String text, String eText, String who, String host, String key,
                                   String keytab, String realm, String krb5Conf) {
        String fromKeytab = keytab == null ? "" : " (" + keytab + ")";
        return switch (code) {
            case 6 -> "the KDC does not know " + who + " (KDC_ERR_C_PRINCIPAL_UNKNOWN) — check " + key + ".principal:"
                    + " the account's name (sAMAccountName or UPN) @ the realm in capitals";
            case 7 -> "the KDC knows no service ldap/" + host + " (KDC_ERR_S_PRINCIPAL_UNKNOWN) — the URL must name"
                    + " the domain controller by a host name its ldap/ SPNs carry (setspn -L <DC>), usually its"
                    + " dNSHostName, not an alias or an address";
            case 14 -> "the KDC and the keys" + fromKeytab + " have no encryption type in common"
                    + " (KDC_ERR_ETYPE_NOSUPP) — compare the key types (klist -ke) with the account's"
                    + " msDS-SupportedEncryptionTypes and permitted_enctypes in " + krb5Conf;
            case 18 -> "the KDC refuses " + who + ": the account is disabled, locked out or expired"
                    + " (KDC_ERR_CLIENT_REVOKED) — enable or unlock it in AD";
            case 23 -> "the password of " + who + " has expired (KDC_ERR_KEY_EXPIRED) — set a new one"
                    + (keytab == null ? " and run kinit again" : " and export the keytab again");
            case 24 -> keytab == null
                    ? "the KDC refused the password of " + who + " (KDC_ERR_PREAUTH_FAILED) — run kinit again"
                    : "the KDC refused the key of " + who + " in " + keytab + " (KDC_ERR_PREAUTH_FAILED): it is not the"
                    + " account's current key, most likely its password was changed after the keytab was exported —"
                    + " export the keytab again (compare the kvno in klist -k " + keytab + " with the account's"
                    + " msDS-KeyVersionNumber)";
            case 32 -> "the ticket has expired (KRB_AP_ERR_TKT_EXPIRED) — "
                    + (keytab == null ? "run kinit again" : "run the audit again");
            case 37 -> "this machine's clock and the KDC's differ by more than the allowed skew (KRB_AP_ERR_SKEW,"
                    + " 5 minutes by default) — synchronise this machine's clock with the domain (NTP)";
            case 60 -> eText != null && eText.startsWith("Unable to locate KDC") ? noKdc(realm, krb5Conf, key)
                    : text + (eText == null ? "" : ": " + eText) + " (Kerberos error 60) — check " + key + ".krb5Conf";
            case 68 -> "the KDC is not the one of " + who + "'s realm (KDC_ERR_WRONG_REALM) — check the realm of "
                    + key + ".principal and the kdc lines in " + krb5Conf;
            default -> text + (eText == null ? "" : ": " + eText) + " (Kerberos error " + code + ") — check " + key
                    + ".principal, " + (keytab == null ? "the ticket cache" : key + ".keytab") + " and " + key
                    + ".krb5Conf";
        };
    }

    private static String noKdc(String realm, String krb5Conf, String key) {
        return krb5Conf + " names no KDC for " + realm + " — add the realm to its [realms] section with kdc = <a"
                + " domain controller> (AD realms are the DNS domain in capitals), or set " + key + ".krb5Conf";
    }

    /** A KDC that did not answer, in words, or null. */
    private static String network(Throwable t) {
        if (t instanceof PortUnreachableException) {
            return "port unreachable";
        } else if (t instanceof ConnectException) {
            return t.getMessage() == null ? "connection refused" : t.getMessage().toLowerCase(Locale.ROOT);
        } else if (t instanceof SocketTimeoutException) {
            return "timed out";
        } else if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        return null;
    }
}
