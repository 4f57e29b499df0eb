package org.kcdauditor.model;

import java.util.ArrayList;
import java.util.List;

/** userAccountControl bits that matter for delegation and Kerberos (ADS_USER_FLAG_ENUM). */
public final class Uac {
    public static final int ACCOUNTDISABLE = 0x2;
    public static final int WORKSTATION_TRUST_ACCOUNT = 0x1000;
    /** A domain controller's computer account. */
    public static final int SERVER_TRUST_ACCOUNT = 0x2000;
    public static final int TRUSTED_FOR_DELEGATION = 0x80000;
    /** "Account is sensitive and cannot be delegated": no delegation carries this account's credentials. */
    public static final int NOT_DELEGATED = 0x100000;
    /** "Use only Kerberos DES encryption types for this account": no AES tickets. */
    public static final int USE_DES_KEY_ONLY = 0x200000;
    public static final int TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000;
    /** A read-only domain controller's computer account. */
    public static final int PARTIAL_SECRETS_ACCOUNT = 0x4000000;

    private static final int[] BITS = {ACCOUNTDISABLE, WORKSTATION_TRUST_ACCOUNT, SERVER_TRUST_ACCOUNT,
            TRUSTED_FOR_DELEGATION, NOT_DELEGATED, USE_DES_KEY_ONLY, TRUSTED_TO_AUTH_FOR_DELEGATION,
            PARTIAL_SECRETS_ACCOUNT};
    private static final String[] NAMES = {"ACCOUNTDISABLE", "WORKSTATION_TRUST_ACCOUNT", "SERVER_TRUST_ACCOUNT",
            "TRUSTED_FOR_DELEGATION", "NOT_DELEGATED", "USE_DES_KEY_ONLY", "TRUSTED_TO_AUTH_FOR_DELEGATION",
            "PARTIAL_SECRETS_ACCOUNT"};
    private static final String[] WORDS = {"disabled", "computer account", "domain controller",
            "unconstrained delegation", "sensitive, cannot be delegated", "DES keys only (no AES)",
            "protocol transition (any authentication protocol)", "read-only domain controller"};

    private Uac() {
    }

    /** Symbolic names of the known bits that are set, in a stable order. */
    public static List<String> flagNames(int uac) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((uac & BITS[i]) != 0) {
                out.add(NAMES[i]);
            }
        }
        return out;
    }

    /** The inverse of {@link #flagNames}: unknown names are rejected. */
    public static int fromNames(List<String> names) {
        int uac = 0;
        for (String name : names) {
            int idx = List.of(NAMES).indexOf(name);
            if (idx < 0) {
                throw new IllegalArgumentException("unknown userAccountControl flag '" + name + "' (known: "
                        + String.join(", ", NAMES) + ")");
            }
            uac |= BITS[idx];
        }
        return uac;
    }

    /** The flags in words an administrator reads, including the delegation mode ADUC shows. */
    public static String describe(int uac, boolean hasConstrainedDelegation) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < BITS.length; i++) {
            if ((uac & BITS[i]) != 0) {
                words.add(WORDS[i]);
            }
        }
        if ((uac & TRUSTED_FOR_DELEGATION) == 0 && hasConstrainedDelegation
                && (uac & TRUSTED_TO_AUTH_FOR_DELEGATION) == 0) {
            words.add("constrained delegation, Kerberos only");
        }
        int known = 0;
        for (int bit : BITS) {
            known |= bit;
        }
        if ((uac & ~known) != 0) {
            words.add(String.format("other bits 0x%X", uac & ~known));
        }
        return String.join(", ", words);
    }

    public static boolean has(int uac, int bit) {
        return (uac & bit) != 0;
    }
}
