package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;

/**
 * One directory object as collected: a computer, or any other object that registers SPNs.
 * Immutable; lists are copied at construction.
 *
 * @param rbcdSids SIDs allowed by {@code msDS-AllowedToActOnBehalfOfOtherIdentity} (empty when absent)
 * @param rbcdPresent whether that attribute was present at all (it may be present but unparseable)
 */
public record AdObject(String dn, String cn, String samAccountName, String dnsHostName, int userAccountControl,
                       List<String> spns, List<String> delegateTo, boolean rbcdPresent, List<String> rbcdSids,
                       String objectSid, String operatingSystem, String operatingSystemVersion,
                       Instant whenChanged, long usnChanged, Instant lastLogon) {

    public AdObject {
        spns = List.copyOf(spns);
        delegateTo = List.copyOf(delegateTo);
        rbcdSids = List.copyOf(rbcdSids);
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
}
