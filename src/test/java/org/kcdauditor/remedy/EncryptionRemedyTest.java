package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allowing AES: a Windows computer writes its encryption types itself from a policy, which the advice names; a NAS or
 * Samba server (the rules propose the change there, behind a check of its keytab) has no such policy.
 */
class EncryptionRemedyTest {
    private static final String POLICY = "Network security: Configure encryption types allowed for Kerberos";

    @Test
    void theWindowsPolicyIsNamedForAWindowsComputerOnly() {
        Action.SetEncryptionTypes aes = new Action.SetEncryptionTypes("NAS02", 24, false, null);
        assertTrue(Remedies.describe(aes).contains(POLICY), Remedies.describe(aes));
        String samba = Remedies.describe(new Action.Manual("Check that NAS02's keytab holds AES keys, then record what"
                + " it supports:", List.of(aes)));
        assertTrue(samba.contains("Set-ADComputer -Identity 'NAS02$' -Replace @{'msDS-SupportedEncryptionTypes'=24}"),
                samba);
        assertFalse(samba.contains("Windows computer") || samba.contains(POLICY), samba);
        assertTrue(samba.endsWith("=24}."), samba);
    }
}
