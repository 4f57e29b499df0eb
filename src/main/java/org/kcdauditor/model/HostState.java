package org.kcdauditor.model;

import java.util.List;

/**
 * The delegation-relevant state of one host, as a baseline documents it or a stored run recorded it:
 * its userAccountControl flag names, its msDS-AllowedToDelegateTo values and, for a stored run, its
 * servicePrincipalName values ({@code spns}; null where not recorded: a baseline documents none) and its
 * msDS-SupportedEncryptionTypes ({@code encryptionTypes}: 0 where absent or 0, null where not recorded: a baseline, a
 * run stored before they were), its {@code objectSid} (null where not recorded: a baseline) and the SIDs its
 * msDS-AllowedToActOnBehalfOfOtherIdentity allows ({@code rbcdSids}: empty where it allows none, null where not
 * recorded: a baseline captured before captures recorded them, a host written by hand without {@code rbcdAllowed}). Its {@code userAccountControl} is null where a baseline host was written without it: its
 * flags are not compared.
 */
public record HostState(String name, List<String> userAccountControl, List<String> delegateTo, List<String> spns,
                        Integer encryptionTypes, String objectSid, List<String> rbcdSids) {
    public HostState {
        userAccountControl = userAccountControl == null ? null : List.copyOf(userAccountControl);
        delegateTo = delegateTo == null ? List.of() : List.copyOf(delegateTo);
        spns = spns == null ? null : List.copyOf(spns);
        rbcdSids = rbcdSids == null ? null : List.copyOf(rbcdSids);
    }

    /** Without the objectSid and the resource-based delegation grants (not recorded). */
    public HostState(String name, List<String> userAccountControl, List<String> delegateTo, List<String> spns,
                     Integer encryptionTypes) {
        this(name, userAccountControl, delegateTo, spns, encryptionTypes, null, null);
    }

    /** Without encryption types (not recorded). */
    public HostState(String name, List<String> userAccountControl, List<String> delegateTo, List<String> spns) {
        this(name, userAccountControl, delegateTo, spns, null);
    }

    /** As a baseline documents a host: no SPNs. */
    public HostState(String name, List<String> userAccountControl, List<String> delegateTo) {
        this(name, userAccountControl, delegateTo, null);
    }

    /** {@code o} as a baseline documents it: its flags, delegation entries and the SIDs its RBCD allows. */
    public static HostState of(AdObject o) {
        return new HostState(o.name(), Uac.flagNames(o.userAccountControl()), o.delegateTo(), null, null, null,
                o.rbcdSids());
    }

    /** {@code o}'s msDS-SupportedEncryptionTypes as a run records it: 0 where absent (the KDC's default, as 0). */
    public static int encryptionTypes(AdObject o) {
        return o.supportedEncryptionTypes() == null ? 0 : o.supportedEncryptionTypes();
    }
}
