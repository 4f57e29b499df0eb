package org.kcdauditor.audit;

import org.kcdauditor.model.Finding;

/**
 * A reason a directed pair cannot live-migrate: the finding that says so, by rule and id. A pair is OK
 * when it has none. The ids are the findings' stable ids ({@link Finding#stableId}), so the matrix, the
 * preflight and the runbook point at the same findings the rules emit.
 */
public record Blocker(String rule, String findingId) {
    public static final String MISSING_DELEGATION = "MISSING_DELEGATION";
    public static final String TARGET_SPN_NOT_REGISTERED = "TARGET_SPN_NOT_REGISTERED";
    public static final String DUPLICATE_SPN = "DUPLICATE_SPN";
    public static final String AES_NOT_ENABLED = "AES_NOT_ENABLED";
    public static final String AES_KEYS_MISSING = "AES_KEYS_MISSING";
    public static final String MIGRATION_AUTH_NOT_KERBEROS = "MIGRATION_AUTH_NOT_KERBEROS";
    public static final String CROSS_DOMAIN_NEEDS_RBCD = "CROSS_DOMAIN_NEEDS_RBCD";
    /** A node's computer account is disabled (UAC 0x2): it gets no Kerberos tickets, so its pairs fail both ways. */
    public static final String ACCOUNT_DISABLED = "ACCOUNT_DISABLED";
    /** A node's Get-VMHost says VirtualMachineMigrationEnabled False: it neither sends nor receives live migrations. */
    public static final String MIGRATION_DISABLED = "MIGRATION_DISABLED";
    /** The target has no name a delegation entry can be made of (its name and dNSHostName are not host names). */
    public static final String DNS_HOST_NAME_INVALID = "DNS_HOST_NAME_INVALID";
    /** The policy asks for the FQDN form, and the target has no dNSHostName and its SPNs name no single FQDN: the
     *  entries in that form cannot be checked, so the pair is not OK until its dNSHostName is set. */
    public static final String DNS_HOST_NAME_MISSING = "DNS_HOST_NAME_MISSING";
    /** Policy {@code any} and the source has no protocol transition: the KDC refuses S4U2proxy on a non-forwardable
     *  S4U2self ticket (pairs the target's RBCD covers excepted). */
    public static final String PROTOCOL_TRANSITION_MISMATCH = "PROTOCOL_TRANSITION_MISMATCH";

    /** The blockers that leave a pair's delegation itself incomplete: an entry missing or unusable, a target SPN
     *  not registered or held twice, a target without a host name, or without one in the FQDN form
     *  (HARDENING_PATCH_WITHOUT_DELEGATION reads these). */
    private static final java.util.Set<String> DELEGATION = java.util.Set.of(MISSING_DELEGATION,
            TARGET_SPN_NOT_REGISTERED, DUPLICATE_SPN, CROSS_DOMAIN_NEEDS_RBCD, DNS_HOST_NAME_INVALID,
            DNS_HOST_NAME_MISSING);

    /** Whether this blocker leaves the pair's delegation incomplete (not an account, encryption or host setting). */
    public boolean delegation() {
        return DELEGATION.contains(rule);
    }

    /** The blocker of the finding {@code rule} emits for this host, peer and SPN. */
    public static Blocker of(String rule, String host, String peer, String spn) {
        return new Blocker(rule, Finding.stableId(rule, host, peer, spn));
    }
}
