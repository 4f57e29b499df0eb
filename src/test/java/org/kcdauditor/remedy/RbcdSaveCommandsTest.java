package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The save and the undo a decision that replaces a host's resource-based delegation gives: each value in PowerShell
 * single quotes, the account as the directory names it, and none at all for a host no command can name.
 */
class RbcdSaveCommandsTest {
    @Test
    void theSaveAndTheUndoNameTheAccountAndTheDcQuotedAndNothingForAHostNoCommandCanName() {
        Commands c = Commands.forServer("dc1.contoso.com").withAccounts(Map.of("HV05", "HV05-PRESTAGED$",
                "HV04", "HV04'; calc; '$"));
        assertEquals("(Get-ADComputer -Identity 'HV05-PRESTAGED$' -Properties"
                + " 'msDS-AllowedToActOnBehalfOfOtherIdentity' -Server 'dc1.contoso.com')"
                + ".'msDS-AllowedToActOnBehalfOfOtherIdentity'.Sddl | Out-File -LiteralPath 'kcd-rbcd-before-HV05.sddl'"
                + " -NoClobber", c.rbcdSave("HV05"));
        for (String host : new String[]{"HV04", "HV06'; calc; '", "HV 07"}) {
            assertNull(c.rbcdSave(host), host);
            assertNull(c.rbcdRestore(host), host);
        }
    }

    /**
     * The undo reads the file the save wrote and sets that descriptor back; a file with nothing in it (the host had
     * no descriptor: .Sddl of an attribute that is not set is nothing) clears the attribute, where .Trim() of nothing
     * failed and the line went on to write whatever $sd held (another host's descriptor, undone before in the same
     * session). A file it cannot read stops it before it writes anything.
     */
    @Test
    void theUndoSetsTheSavedDescriptorBackOrClearsTheAttributeWhereNoneWasSaved() {
        Commands c = Commands.forServer("dc1.contoso.com").withAccounts(Map.of("HV05", "HV05-PRESTAGED$"));
        assertEquals("try { $sddl = ([string](Get-Content -LiteralPath 'kcd-rbcd-before-HV05.sddl' -Raw"
                + " -ErrorAction Stop)).Trim(); if ($sddl) { $sd = New-Object"
                + " Security.AccessControl.RawSecurityDescriptor -ArgumentList $sddl; $bytes = New-Object byte[]"
                + " ($sd.BinaryLength); $sd.GetBinaryForm($bytes, 0); Set-ADComputer -Identity 'HV05-PRESTAGED$'"
                + " -Replace @{'msDS-AllowedToActOnBehalfOfOtherIdentity' = $bytes} -Server 'dc1.contoso.com' } else {"
                + " Set-ADComputer -Identity 'HV05-PRESTAGED$' -Clear 'msDS-AllowedToActOnBehalfOfOtherIdentity'"
                + " -Server 'dc1.contoso.com' } } catch { throw }", c.rbcdRestore("HV05"));
    }
}
