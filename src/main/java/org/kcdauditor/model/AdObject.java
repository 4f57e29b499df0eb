package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One directory object as collected: a computer, or any other object that registers SPNs.
 * Immutable; lists are copied at construction.
 *
 * @param rbcdSids SIDs allowed by {@code msDS-AllowedToActOnBehalfOfOtherIdentity} (empty when absent)
 * @param rbcdPresent whether that attribute was present at all (it may be present but unparseable)
 * @param supportedEncryptionTypes {@code msDS-SupportedEncryptionTypes} as stored, or null when absent
 *                                 (see {@link EncryptionTypes})
 * @param pwdLastSet when the account's password (and with it its Kerberos keys) was last set; null when
 *                   absent or 0 ("must change at next logon")
 * @param rbcdDeniedSids SIDs that access-denied ACEs of {@code msDS-AllowedToActOnBehalfOfOtherIdentity} refuse: a
 *                       host among them (itself, or through a group) is not allowed, whatever else the DACL allows
 * @param accountExpires {@code accountExpires}: when the account expires; null when absent, 0 or "never"
 */
public record AdObject(String dn, String cn, String samAccountName, String dnsHostName, int userAccountControl,
                       List<String> spns, List<String> delegateTo, boolean rbcdPresent, List<String> rbcdSids,
                       String objectSid, String operatingSystem, String operatingSystemVersion,
                       Instant whenChanged, long usnChanged, Instant lastLogon, Integer supportedEncryptionTypes,
                       Instant pwdLastSet, List<String> rbcdDeniedSids, Instant accountExpires) {

    /** The relative id of the krbtgt account in every domain. */
    public static final String KRBTGT_RID = "502";

    public AdObject {
        spns = List.copyOf(spns);
        delegateTo = List.copyOf(delegateTo);
        rbcdSids = List.copyOf(rbcdSids);
        rbcdDeniedSids = rbcdDeniedSids == null ? List.of() : List.copyOf(rbcdDeniedSids);
    }

    /** Without an expiry date (accountExpires never set, as for nearly every computer). */
    public AdObject(String dn, String cn, String samAccountName, String dnsHostName, int userAccountControl,
                    List<String> spns, List<String> delegateTo, boolean rbcdPresent, List<String> rbcdSids,
                    String objectSid, String operatingSystem, String operatingSystemVersion,
                    Instant whenChanged, long usnChanged, Instant lastLogon, Integer supportedEncryptionTypes,
                    Instant pwdLastSet, List<String> rbcdDeniedSids) {
        this(dn, cn, samAccountName, dnsHostName, userAccountControl, spns, delegateTo, rbcdPresent, rbcdSids,
                objectSid, operatingSystem, operatingSystemVersion, whenChanged, usnChanged, lastLogon,
                supportedEncryptionTypes, pwdLastSet, rbcdDeniedSids, null);
    }

    /** Without access-denied ACEs in the resource-based delegation (what nearly every directory holds). */
    public AdObject(String dn, String cn, String samAccountName, String dnsHostName, int userAccountControl,
                    List<String> spns, List<String> delegateTo, boolean rbcdPresent, List<String> rbcdSids,
                    String objectSid, String operatingSystem, String operatingSystemVersion,
                    Instant whenChanged, long usnChanged, Instant lastLogon, Integer supportedEncryptionTypes,
                    Instant pwdLastSet) {
        this(dn, cn, samAccountName, dnsHostName, userAccountControl, spns, delegateTo, rbcdPresent, rbcdSids,
                objectSid, operatingSystem, operatingSystemVersion, whenChanged, usnChanged, lastLogon,
                supportedEncryptionTypes, pwdLastSet, List.of());
    }

    /**
     * The distinguished name's hash, consistent with the record's {@code equals} (equal objects have the same DN):
     * the record's own hash would hash every list, and a Hyper-V node holds hundreds of delegation entries.
     */
    @Override
    public int hashCode() {
        return Objects.hashCode(dn);
    }

    /** Without encryption types and password age (objects built before those were read). */
    public AdObject(String dn, String cn, String samAccountName, String dnsHostName, int userAccountControl,
                    List<String> spns, List<String> delegateTo, boolean rbcdPresent, List<String> rbcdSids,
                    String objectSid, String operatingSystem, String operatingSystemVersion,
                    Instant whenChanged, long usnChanged, Instant lastLogon) {
        this(dn, cn, samAccountName, dnsHostName, userAccountControl, spns, delegateTo, rbcdPresent, rbcdSids,
                objectSid, operatingSystem, operatingSystemVersion, whenChanged, usnChanged, lastLogon, null, null);
    }

    /** The NetBIOS name: {@code cn}, else the sAMAccountName without its trailing {@code $}. */
    public String name() {
        if (cn != null && !cn.isEmpty()) {
            return cn;
        }
        if (samAccountName != null) {
            return samAccountName.endsWith("$") ? samAccountName.substring(0, samAccountName.length() - 1)
                    : samAccountName;
        }
        return dn;
    }

    public boolean isComputer() {
        return Uac.has(userAccountControl, Uac.WORKSTATION_TRUST_ACCOUNT)
                || Uac.has(userAccountControl, Uac.SERVER_TRUST_ACCOUNT);
    }

    public boolean disabled() {
        return Uac.has(userAccountControl, Uac.ACCOUNTDISABLE);
    }

    /**
     * Whether the account had expired at {@code at} ({@code accountExpires} at or before it): the KDC then issues it no
     * ticket-granting ticket (KDC_ERR_CLIENT_REVOKED), as for a disabled account.
     */
    public boolean expiredAt(Instant at) {
        return accountExpires != null && at != null && !accountExpires.isAfter(at);
    }

    /**
     * Whether the password was set before the domain gained AES keys ({@code aesKeysSince}), so that the account has
     * none (AES_KEYS_MISSING); false where either date is not known (never set is unknown, not old).
     */
    public boolean passwordPredatesAes(Instant aesKeysSince) {
        return aesKeysSince != null && pwdLastSet != null && pwdLastSet.isBefore(aesKeysSince);
    }

    /**
     * A failover cluster's name object (CNO) or one of its clustered roles' virtual computer objects (VCO): a computer
     * account that registers {@code MSClusterVirtualServer/...}. Failover Clustering creates them in the nodes' OU;
     * they are no Hyper-V host.
     */
    public boolean isClusterNameObject() {
        for (String spn : spns) {
            if (spn.regionMatches(true, 0, "MSClusterVirtualServer/", 0, 23)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A domain controller's account: SERVER_TRUST_ACCOUNT (0x2000, writable DC) or PARTIAL_SECRETS_ACCOUNT
     * (0x4000000, read-only DC). A service on it is a sensitive delegation target.
     */
    public boolean isDomainController() {
        return Uac.has(userAccountControl, Uac.SERVER_TRUST_ACCOUNT)
                || Uac.has(userAccountControl, Uac.PARTIAL_SECRETS_ACCOUNT);
    }

    /** A read-only domain controller's account (PARTIAL_SECRETS_ACCOUNT, 0x4000000). */
    public boolean isReadOnlyDc() {
        return Uac.has(userAccountControl, Uac.PARTIAL_SECRETS_ACCOUNT);
    }

    private static final java.util.regex.Pattern RODC_KRBTGT = java.util.regex.Pattern.compile("(?i)krbtgt_\\d+");
    private static final String KRBTGT_SID_END = "-" + KRBTGT_RID;

    /**
     * The domain's krbtgt account (RID 502, sAMAccountName {@code krbtgt}) or an RODC's own krbtgt account
     * ({@code krbtgt_<number>}). The sweep reads it because AD registers {@code kadmin/changepw} on it.
     */
    public boolean isKrbtgt() {
        if (objectSid != null && objectSid.startsWith("S-1-5-21-") && objectSid.endsWith(KRBTGT_SID_END)) {
            return true;
        }
        // asked of every object of the directory: the pattern runs only for names that start like krbtgt
        return samAccountName != null && samAccountName.regionMatches(true, 0, "krbtgt", 0, 6)
                && (samAccountName.length() == 6 || RODC_KRBTGT.matcher(samAccountName).matches());
    }
}
