package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    /**
     * The user or managed service account a file server is keyed on, named by its sAMAccountName: Set-ADUser or
     * Set-ADServiceAccount with it single-quoted (the DES flag cleared on it too, and the undo on it); ktpass with each
     * value a cmd argument. A name or principal a command could not carry as it is (a quote, a control or invisible
     * character, % in cmd) gives no command, and the sentence says to do it by hand.
     */
    @Test
    void aServiceAccountIsSetByItsOwnCmdletAndNameOrByHand() {
        Commands dc1 = Commands.forServer("dc1.contoso.com");
        Action.SetEncryptionTypes user = new Action.SetEncryptionTypes("svc-nas", 24, true, 4,
                new Action.ServiceAccount("svc-nas", false));
        assertEquals("Set-ADAccountControl -Identity 'svc-nas' -UseDESKeyOnly $false -Server 'dc1.contoso.com';"
                + " Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=24}"
                + " -Server 'dc1.contoso.com'", dc1.powershell(user));
        assertEquals("Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=4} -Server"
                + " 'dc1.contoso.com'; Set-ADAccountControl -Identity 'svc-nas' -UseDESKeyOnly $true -Server"
                + " 'dc1.contoso.com'", dc1.restoreEncryptionTypes(user));
        assertEquals("Set-ADServiceAccount -Identity 'gmsa-nas$' -Clear 'msDS-SupportedEncryptionTypes'",
                Commands.serverless().restoreEncryptionTypes(new Action.SetEncryptionTypes("gmsa-nas", 24, false,
                        null, new Action.ServiceAccount("gmsa-nas$", true))));
        for (String hostile : List.of("svc'nas", "svc\u2019nas", "svc\nnas", "svc$(calc)", "svc\u202Enas")) {
            Action.SetEncryptionTypes t = new Action.SetEncryptionTypes("svc-nas", 24, false, 4,
                    new Action.ServiceAccount(hostile, false));
            assertNull(dc1.powershell(t), hostile);
            String said = Remedies.describe(new Action.Manual("Check the keytab:", List.of(t)));
            assertTrue(said.contains("cannot be typed safely"), said);
            assertNull(dc1.powershell(new Action.RekeyServiceAccount("svc-nas", hostile, "NAS01",
                    "cifs/nas01.contoso.com@CONTOSO.COM")), hostile);
        }
        Action.RekeyServiceAccount rekey = new Action.RekeyServiceAccount("svc-nas", "svc-nas", "NAS01",
                "cifs/nas01.contoso.com@CONTOSO.COM");
        assertEquals("ktpass -out NAS01.keytab -princ \"cifs/nas01.contoso.com@CONTOSO.COM\" -mapuser"
                + " svc-nas -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -pass *"
                + " -target dc1.contoso.com", dc1.powershell(rekey));
        assertEquals(List.of(dc1.powershell(rekey)), dc1.all(rekey));
        assertTrue(Commands.forServer(null).powershell(rekey).endsWith(" -target <DC>"));
        assertTrue(Commands.serverless().powershell(rekey).endsWith(" -pass *"));
        for (String principal : List.of("cifs/nas%PATH%@CONTOSO.COM", "cifs/nas01\"&calc@CONTOSO.COM",
                "cifs/nas!x!@CONTOSO.COM")) {
            assertNull(dc1.powershell(new Action.RekeyServiceAccount("svc-nas", "svc-nas", "NAS01", principal)),
                    principal);
        }
        assertNull(dc1.powershell(new Action.RekeyServiceAccount("svc-nas", "svc-nas", "NAS01\n&calc",
                "cifs/nas01.contoso.com@CONTOSO.COM")));
        String byHand = Remedies.describe(new Action.RekeyServiceAccount("svc-nas", "svc'nas", "NAS01",
                "cifs/nas01.contoso.com@CONTOSO.COM"));
        assertTrue(byHand.contains("cannot be typed safely") && !byHand.contains("ktpass -out"), byHand);
    }
}
