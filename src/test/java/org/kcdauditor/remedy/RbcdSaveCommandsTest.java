package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The save and the undo a decision that replaces a host's resource-based delegation gives: each value in PowerShell
 * single quotes, the account as the directory names it, and none at all for a host no command can name.
 */
class RbcdSaveCommandsTest {
    private static final String SET = "Set-ADComputer -Identity 'HV05-PRESTAGED$' -PrincipalsAllowedToDelegateToAccount"
            + " $null -Server 'dc1.contoso.com'";

    /**
     * The save and the change are one line, in one try block: a save that fails (a file of that name left from an
     * earlier change, which -NoClobber keeps; a DC that does not answer) stops the line before the list replaces the
     * descriptor, where the next line set the list and its undo then set back the old file's descriptor. The file is
     * the run's (the runbook's short run id, as its export and change record), so an earlier run's file is no reason
     * to refuse today's save.
     */
    @Test
    void theListReplacesTheDescriptorOnlyOnceItIsSavedToAFileOfThisRun() {
        Commands c = Commands.forServer("dc1.contoso.com").withAccounts(Map.of("HV05", "HV05-PRESTAGED$",
                "HV04", "HV04'; calc; '$")).forRun("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f");
        assertEquals("try { (Get-ADComputer -Identity 'HV05-PRESTAGED$' -Properties"
                + " 'msDS-AllowedToActOnBehalfOfOtherIdentity' -Server 'dc1.contoso.com' -ErrorAction Stop)"
                + ".'msDS-AllowedToActOnBehalfOfOtherIdentity'.Sddl | Out-File -LiteralPath"
                + " 'kcd-rbcd-before-3f2a9c1e-HV05.sddl' -NoClobber -ErrorAction Stop; " + SET + " } catch { throw }",
                c.rbcdSavedFirst("HV05", SET));
        assertTrue(c.rbcdRestore("HV05").startsWith("try { $sddl = ([string](Get-Content -LiteralPath"
                + " 'kcd-rbcd-before-3f2a9c1e-HV05.sddl' -Raw -ErrorAction Stop)).Trim();"), c.rbcdRestore("HV05"));
        for (String host : new String[]{"HV04", "HV06'; calc; '", "HV 07"}) {
            assertNull(c.rbcdSavedFirst(host, SET), host);
            assertNull(c.rbcdRestore(host), host);
        }
        assertNull(c.rbcdSavedFirst("HV05", null));
        // the account names and the DC stay with the run
        assertEquals(c.rbcdSavedFirst("HV05", SET), Commands.forServer("dc1.contoso.com").forRun(
                "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f").withAccounts(Map.of("HV05", "HV05-PRESTAGED$"))
                .rbcdSavedFirst("HV05", SET));
    }

    /** Without a run (a finding's sentence outside one) the file is named by the host alone. */
    @Test
    void withoutARunTheFileIsNamedByTheHostAlone() {
        assertEquals("try { (Get-ADComputer -Identity 'HV05$' -Properties 'msDS-AllowedToActOnBehalfOfOtherIdentity'"
                + " -ErrorAction Stop).'msDS-AllowedToActOnBehalfOfOtherIdentity'.Sddl | Out-File -LiteralPath"
                + " 'kcd-rbcd-before-HV05.sddl' -NoClobber -ErrorAction Stop; x } catch { throw }",
                Commands.serverless().forRun(null).rbcdSavedFirst("HV05", "x"));
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
