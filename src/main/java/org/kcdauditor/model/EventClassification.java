package org.kcdauditor.model;

import java.util.List;
import java.util.Locale;

/**
 * What an imported event says went wrong, by HRESULT first and wording second, after the table of
 * Microsoft's "Troubleshoot live migration issues" (Hyper-V events 21502, 22038, 20413, 21125, 21501,
 * 20306, 21024), and the KDCSVC events 201–209 that domain controllers log since the January 2026
 * updates (KB5073381, CVE-2026-20833).
 *
 * <p>{@link #delegationCanExplain()} says whether constrained delegation (entries, SPNs, the accounts'
 * Kerberos keys) can be the cause; where not, {@link #check()} says what to look at instead.
 */
public enum EventClassification {
    /** SEC_E_NO_CREDENTIALS: the source got no ticket to present (delegation entry missing). */
    NO_CREDENTIALS("Kerberos: no credentials are available (delegation entry missing)", true,
            "the source's msDS-AllowedToDelegateTo entries for the destination", "0x8009030E"),
    /** SEC_E_UNKNOWN_CREDENTIALS. */
    UNKNOWN_CREDENTIALS("Kerberos: the credentials supplied were not recognized", true,
            "delegation of the source to the destination and the accounts' keys", "0x8009030D"),
    /** SEC_E_WRONG_PRINCIPAL: the ticket names another account (SPN on the wrong or on two objects). */
    WRONG_PRINCIPAL("Kerberos: the target principal name is incorrect (SPN on the wrong or on two accounts)", true,
            "who holds the destination's SPNs (setspn -Q)", "0x80090322"),
    /** SEC_E_TARGET_UNKNOWN: no account holds the SPN. */
    TARGET_UNKNOWN("Kerberos: the target is unknown or unreachable (SPN not registered)", true,
            "that the destination registers its migration and cifs SPNs", "0x80090303"),
    /** Access denied: CredSSP without an interactive logon on the source, missing delegation, or permissions. */
    ACCESS_DENIED("access denied", true,
            "the authentication type (CredSSP needs a logon on the source; Kerberos needs delegation)", "0x80070005"),
    /** "security context" wording without a known HRESULT. */
    SECURITY_CONTEXT("Kerberos: the security context could not be established", true,
            "delegation of the source to the destination"),
    /** Connection refused, reset, timed out or unreachable. */
    NETWORK("network: the hosts could not connect (live migration TCP 6600, cluster 3343)", false,
            "the migration networks, firewalls and TCP 6600 and 3343 between the hosts",
            "0x8007274C", "0x8007274D", "0x80072746", "0x8007271D"),
    MEMORY("memory: the destination could not allocate the virtual machine's memory", false,
            "free memory and NUMA spanning on the destination", "0x800705AA", "0x8007000E"),
    LOGON_RIGHT("logon right: the account lacks the logon type it needs on the destination", false,
            "user rights assignment (Log on as a service, Access this computer from the network) on the destination",
            "0x80070569"),
    ATTACHED_ISO("an ISO or other local media is attached to the virtual machine", false,
            "the VM's DVD drive: eject media that only the source can reach", "0xC03A0014"),
    CLUSTER("cluster: the cluster resource or node is not in a state to accept the move", false,
            "the cluster's node and resource state (Get-ClusterNode, Get-ClusterResource)", "0x80071398"),
    /** KDCSVC 201, 203, 206, 208: the client offered no AES, so the KDC used or refused RC4. */
    KDC_RC4_CLIENT("KDC: the client advertised only RC4 (or no AES) for a service", false,
            "the client's Kerberos encryption types (it must offer AES)"),
    /** KDCSVC 202, 204, 207, 209: the service account has no AES keys (password older than the domain's AES). */
    KDC_NO_AES_KEYS("KDC: the service account has no AES keys (its password predates them)", true,
            "the account's pwdLastSet: reset its password (twice for krbtgt) so that AES keys are made"),
    /** KDCSVC 205: DefaultDomainSupportedEncTypes on the DC enables insecure types. */
    KDC_INSECURE_DEFAULT("KDC: DefaultDomainSupportedEncTypes enables insecure encryption types", false,
            "the DefaultDomainSupportedEncTypes registry value on the domain controllers"),
    OTHER("other", false, "the event's message, then the migration networks (TCP 6600), the destination's storage (free"
            + " space, the VM's path) and the hosts' migration authentication type");

    /** The ids of the KDCSVC events of KB5073381 (System log of domain controllers). */
    public static final int KDC_FIRST = 201;
    public static final int KDC_LAST = 209;

    private final String words;
    private final boolean delegationCanExplain;
    private final String check;
    /** The HRESULTs ({@code 0x8009030E} form) that mean this. */
    private final List<String> hresults;

    EventClassification(String words, boolean delegationCanExplain, String check, String... hresults) {
        this.words = words;
        this.delegationCanExplain = delegationCanExplain;
        this.check = check;
        this.hresults = List.of(hresults);
    }

    /** What went wrong, in words. */
    public String words() {
        return words;
    }

    /** Whether the delegation state of the pair (entries, SPNs, keys) can explain the event. */
    public boolean delegationCanExplain() {
        return delegationCanExplain;
    }

    /** What to check. */
    public String check() {
        return check;
    }

    /** Whether this classifies a KDCSVC event of a domain controller. */
    public boolean kdc() {
        return this == KDC_RC4_CLIENT || this == KDC_NO_AES_KEYS || this == KDC_INSECURE_DEFAULT;
    }

    /** A Hyper-V event by its HRESULT, else by its wording. */
    public static EventClassification of(String message, String hresult) {
        EventClassification coded = hresult == null ? null : byHresult(hresult);
        if (coded != null) {
            return coded;
        }
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("no credentials are available")) {
            return NO_CREDENTIALS;
        }
        if (m.contains("target principal name is incorrect")) {
            return WRONG_PRINCIPAL;
        }
        if (m.contains("target is unknown or unreachable")) {
            return TARGET_UNKNOWN;
        }
        if (m.contains("access denied") || m.contains("access is denied")) {
            return ACCESS_DENIED;
        }
        if (m.contains("security context")) {
            return SECURITY_CONTEXT;
        }
        return OTHER;
    }

    /** Whether {@code hresult} ({@code 0x8009030E} form, either case) is a code of the table. */
    public static boolean knows(String hresult) {
        return byHresult(hresult) != null;
    }

    private static EventClassification byHresult(String hresult) {
        for (EventClassification c : values()) {
            if (c.hresults.stream().anyMatch(hresult::equalsIgnoreCase)) {
                return c;
            }
        }
        return null;
    }

    /** A KDCSVC event 201–209 by its id. */
    public static EventClassification kdc(int eventId) {
        return switch (eventId) {
            case 201, 203, 206, 208 -> KDC_RC4_CLIENT;
            case 202, 204, 207, 209 -> KDC_NO_AES_KEYS;
            case 205 -> KDC_INSECURE_DEFAULT;
            default -> OTHER;
        };
    }
}
