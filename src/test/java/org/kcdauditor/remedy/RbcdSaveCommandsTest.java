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
        assertEquals("$sd = New-Object Security.AccessControl.RawSecurityDescriptor -ArgumentList (Get-Content"
                + " -LiteralPath 'kcd-rbcd-before-HV05.sddl' -Raw).Trim(); $bytes = New-Object byte[]"
                + " ($sd.BinaryLength); $sd.GetBinaryForm($bytes, 0); Set-ADComputer -Identity 'HV05-PRESTAGED$'"
                + " -Replace @{'msDS-AllowedToActOnBehalfOfOtherIdentity' = $bytes} -Server 'dc1.contoso.com'",
                c.rbcdRestore("HV05"));
        for (String host : new String[]{"HV04", "HV06'; calc; '", "HV 07"}) {
            assertNull(c.rbcdSave(host), host);
            assertNull(c.rbcdRestore(host), host);
        }
    }
}
