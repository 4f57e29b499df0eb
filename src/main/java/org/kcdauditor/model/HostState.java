package org.kcdauditor.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The delegation-relevant state of one host, as a baseline documents it or a stored run recorded it:
 * its userAccountControl flag names, its msDS-AllowedToDelegateTo values and, for a stored run, its
 * servicePrincipalName values ({@code spns}; null where not recorded: a baseline documents none) and its
 * msDS-SupportedEncryptionTypes ({@code encryptionTypes}: 0 where absent or 0, null where not recorded: a baseline, a
 * run stored before they were), its {@code objectSid} (null where not recorded: a baseline) and the SIDs its
 * msDS-AllowedToActOnBehalfOfOtherIdentity allows ({@code rbcdSids}: empty where it allows none, null where not
 * recorded: a baseline captured before captures recorded them, a host written by hand without {@code rbcdAllowed}). Its {@code userAccountControl} is null where a baseline host was written without it: its
 * flags are not compared. A stored run (since V121) also records its {@code pwdLastSet} (null where absent, or not
 * recorded), the other, non-node accounts that register its SPNs ({@code otherHolders}: empty where none, null where
 * not recorded) and its live-migration settings as the Get-VMHost export gave them ({@code migrationSettings}, by
 * {@link #AUTHENTICATION}, {@link #PERFORMANCE} and {@link #ENABLED}: only those the export gave; empty where it gave
 * none or they were not recorded).
 */
public record HostState(String name, List<String> userAccountControl, List<String> delegateTo, List<String> spns,
                        Integer encryptionTypes, String objectSid, List<String> rbcdSids, Instant pwdLastSet,
                        List<OtherHolder> otherHolders, Map<String, String> migrationSettings) {
    /** {@code VirtualMachineMigrationAuthenticationType}, in {@link #migrationSettings}. */
    public static final String AUTHENTICATION = "migrationAuthentication";
    /** {@code VirtualMachineMigrationPerformanceOption}, in {@link #migrationSettings}. */
    public static final String PERFORMANCE = "migrationPerformance";
    /** {@code VirtualMachineMigrationEnabled}, in {@link #migrationSettings}. */
    public static final String ENABLED = "migrationEnabled";

    /** An account that is no node and registers {@code spn}, an SPN of the node too (DUPLICATE_SPN): its name. */
    public record OtherHolder(String spn, String holder) {
    }

    public HostState {
        userAccountControl = userAccountControl == null ? null : List.copyOf(userAccountControl);
        delegateTo = delegateTo == null ? List.of() : List.copyOf(delegateTo);
        spns = spns == null ? null : List.copyOf(spns);
        rbcdSids = rbcdSids == null ? null : List.copyOf(rbcdSids);
        otherHolders = otherHolders == null ? null : List.copyOf(otherHolders);
        migrationSettings = migrationSettings == null ? Map.of() : Map.copyOf(migrationSettings);
    }

    /** Without the password time, other holders and live-migration settings (not recorded). */
    public HostState(String name, List<String> userAccountControl, List<String> delegateTo, List<String> spns,
                     Integer encryptionTypes, String objectSid, List<String> rbcdSids) {
        this(name, userAccountControl, delegateTo, spns, encryptionTypes, objectSid, rbcdSids, null, null, null);
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
