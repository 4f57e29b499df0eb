package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.TestFindings;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export of step 1 and the inverse commands cover everything the plan changes. */
class RollbackTest {
    static final String EXPORTED = "msDS-AllowedToDelegateTo,userAccountControl,servicePrincipalName,"
            + "msDS-AllowedToActOnBehalfOfOtherIdentity,msDS-SupportedEncryptionTypes";

    @Test
    void theExportKeepsEncryptionTypesAndTheAccountsThatLoseAnSpn() {
        ReportView v = ReportView.of(Fixtures.demo());
        assertTrue(v.plan().unregister().stream().anyMatch(u -> u.holder().equals("svc-vmm")), "the demo's svc-vmm");
        assertEquals(1, v.procedure().exportCommands().size());
        assertEquals("& { Get-ADComputer -Filter * -SearchBase 'DC=contoso,DC=com' -Properties " + EXPORTED
                + " -Server 'dc1.contoso.com'; Get-ADObject -Identity 'CN=svc-vmm,CN=Users,DC=contoso,DC=com'"
                + " -Properties " + EXPORTED + " -Server 'dc1.contoso.com' } | Select-Object Name,DistinguishedName,"
                + EXPORTED + " | Export-Clixml 'kcd-before-3f2a9c1e.xml'", v.procedure().exportCommands().get(0));
    }

    /**
     * Two findings setting the encryption types of svc-nas, the user a file server is keyed on (as a findings.json a
     * pipeline wrote may give them as plain actions): the one change they merge into is still svc-nas's, set with
     * Set-ADUser, its undo too. The merge dropped the service account, giving Set-ADComputer -Identity 'svc-nas$'.
     */
    @Test
    void mergedEncryptionTypesOfAServiceAccountStayItsOwn() {
        Action.ServiceAccount svc = new Action.ServiceAccount("svc-nas", false);
        Finding rc4 = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "svc-nas", null, null,
                "svc-nas allows RC4 only.", Evidence.builder().encryptionTypes(4).build(),
                new Action.SetEncryptionTypes("svc-nas", 24, false, 4, svc));
        Finding des = TestFindings.of("DES_ONLY", Severity.HIGH, "HVC1", "svc-nas", null, null,
                "svc-nas has USE_DES_KEY_ONLY.", Evidence.builder().encryptionTypes(4).build(),
                new Action.SetEncryptionTypes("svc-nas", 8, true, 4, svc));
        ReportView v = ReportView.of(Fixtures.withFindings(Fixtures.demo(), List.of(rc4, des)));
        Procedure.Step step = v.procedure().steps(Procedure.Phase.CHANGE).stream()
                .filter(s -> s.change() instanceof Action.SetEncryptionTypes t && t.host().equals("svc-nas"))
                .findFirst().orElseThrow();
        assertEquals(List.of("Set-ADAccountControl -Identity 'svc-nas' -UseDESKeyOnly $false -Server 'dc1.contoso.com';"
                + " Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=24} -Server"
                + " 'dc1.contoso.com'"), step.commands());
        assertTrue(step.undo().stream().allMatch(u -> u.contains("-Identity 'svc-nas' ") && !u.contains("svc-nas$")),
                step.undo().toString());
    }

    /**
     * svc-nas of contoso and svc-nas of fabrikam are two accounts: their encryption-type changes stay two steps, each
     * with its own account's directory, not one merged into the first's (which left fabrikam's never set).
     */
    @Test
    void serviceAccountsOfOneNameInTwoDirectoriesAreNotMerged() {
        Finding contoso = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "svc-nas", null, null,
                "svc-nas allows RC4 only.", Evidence.builder().encryptionTypes(4).build(),
                new Action.SetEncryptionTypes("svc-nas", 24, false, 4, new Action.ServiceAccount("svc-nas", false,
                        "contoso")));
        Finding fabrikam = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "svc-nas", null, null,
                "svc-nas allows RC4 only.", Evidence.builder().encryptionTypes(4).build(),
                new Action.SetEncryptionTypes("svc-nas", 24, false, 4, new Action.ServiceAccount("svc-nas", false,
                        "fabrikam")));
        ReportView v = ReportView.of(Fixtures.withFindings(Fixtures.demo(), List.of(contoso, fabrikam)));
        assertEquals(List.of("contoso", "fabrikam"), v.procedure().steps(Procedure.Phase.CHANGE).stream()
                .map(Procedure.Step::change)
                .filter(c -> c instanceof Action.SetEncryptionTypes t && t.host().equals("svc-nas"))
                .map(c -> ((Action.SetEncryptionTypes) c).serviceAccount().directory()).sorted().toList());
    }

    /** The demo with its file server NAS01 (HVC1) allowing only DES: the plan allows AES and clears USE_DES_KEY_ONLY. */
    static ReportView desOnlyNas01() {
        Finding aes = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, null, "NAS01", null, null,
                "NAS01 allows only DES.", Evidence.builder().encryptionTypes(3).build(),
                new Action.SetEncryptionTypes("NAS01", 0x1C, true, 3));
        return ReportView.of(Fixtures.withFindings(Fixtures.demo(), List.of(aes)));
    }

    @Test
    void aChangedFileServerIsNotCalledMissingFromTheSnapshot() {
        RemediationPlan.HostChange nas01 = desOnlyNas01().plan().hosts().stream().filter(h -> h.name().equals("NAS01"))
                .findFirst().orElseThrow();
        assertEquals("not audited (a file server of the cluster: read as a delegation target)", nas01.currentMode());
    }

    /**
     * USE_DES_KEY_ONLY beside a value that allows AES (28: RC4, AES128, AES256): the runbook's step and remediation.ps1
     * clear the flag and keep the value, and the undo sets the flag again without writing the value.
     */
    @Test
    void clearingUseDesKeyOnlyKeepsAValueThatAllowsAes() throws Exception {
        Finding aes = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "HV01", null, null,
                "HV01 has USE_DES_KEY_ONLY.", Evidence.builder().encryptionTypes(0x1C).build(),
                new Action.SetEncryptionTypes("HV01", 0x1C, true, 0x1C));
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(aes));
        ReportView v = ReportView.of(doc);
        Procedure.Step step = v.procedure().steps(Procedure.Phase.CHANGE).stream()
                .filter(s -> s.change() instanceof Action.SetEncryptionTypes).findFirst().orElseThrow();
        String clear = "Set-ADAccountControl -Identity 'HV01$' -UseDESKeyOnly $false -Server 'dc1.contoso.com'";
        assertEquals("Allow AES: clear USE_DES_KEY_ONLY", step.action());
        assertEquals("msDS-SupportedEncryptionTypes 28 (RC4-HMAC, AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96)"
                + " stays", step.detail());
        assertEquals(List.of(clear), step.commands());
        assertEquals(List.of("Set-ADAccountControl -Identity 'HV01$' -UseDESKeyOnly $true -Server 'dc1.contoso.com'"),
                step.undo());
        assertTrue(v.objectChanges().stream().filter(o -> o.name().equals("HV01")).findFirst().orElseThrow().gains()
                .contains("AES for Kerberos (USE_DES_KEY_ONLY cleared; msDS-SupportedEncryptionTypes 28 kept: RC4-HMAC,"
                        + " AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96)"));
        // the script's Set-EncryptionTypes clears the flag and leaves a value that is already 28
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc);
        assertTrue(ps1.contains("    # Allow AES: clear USE_DES_KEY_ONLY (AES_NOT_ENABLED)\r\n    #   " + clear
                + "\r\n    Set-EncryptionTypes 'HV01$' '28' $true\r\n"), ps1);
    }

    /**
     * A change that clears USE_DES_KEY_ONLY and writes a new value says both in its checklist row (the workbook's
     * Runbook sheet, the script's comment) and in page 1's gains, as its command does both.
     */
    @Test
    void aChangeThatClearsUseDesKeyOnlyAndWritesAValueSaysBoth() {
        ReportView v = desOnlyNas01();
        Procedure.Step step = v.procedure().steps(Procedure.Phase.CHANGE).stream()
                .filter(s -> s.change() instanceof Action.SetEncryptionTypes).findFirst().orElseThrow();
        assertEquals("Allow AES: clear USE_DES_KEY_ONLY, msDS-SupportedEncryptionTypes 28", step.action());
        assertTrue(v.objectChanges().stream().filter(o -> o.name().equals("NAS01")).findFirst().orElseThrow().gains()
                .contains("AES for Kerberos (USE_DES_KEY_ONLY cleared; msDS-SupportedEncryptionTypes 28: RC4-HMAC,"
                        + " AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96)"), v.objectChanges().toString());
    }

    @Test
    void undoingAesOnAFileServerSetsUseDesKeyOnlyAgainWhenTheChangeClearedIt() {
        ReportView v = desOnlyNas01();
        List<String> forward = v.procedure().steps(Procedure.Phase.CHANGE).stream().filter(s -> s.host()
                .equals("NAS01")).flatMap(s -> s.commands().stream()).toList();
        assertEquals(List.of("Set-ADAccountControl -Identity 'NAS01$' -UseDESKeyOnly $false -Server 'dc1.contoso.com';"
                + " Set-ADComputer -Identity 'NAS01$' -Replace @{'msDS-SupportedEncryptionTypes'=28} -Server"
                + " 'dc1.contoso.com'"), forward);
        List<String> undo = v.procedure().steps(Procedure.Phase.ROLLBACK).stream().filter(s -> s.host()
                .equals("NAS01")).flatMap(s -> s.commands().stream()).toList();
        assertEquals(List.of("Set-ADComputer -Identity 'NAS01$' -Replace @{'msDS-SupportedEncryptionTypes'=3} -Server"
                + " 'dc1.contoso.com'; Set-ADAccountControl -Identity 'NAS01$' -UseDESKeyOnly $true -Server"
                + " 'dc1.contoso.com'"), undo);
    }

    /**
     * The inverse commands come newest first, as remediation.ps1 -Rollback reverts its record: the demo's duplicate SPN
     * taken off svc-vmm (the last change) is the first undo, HV01's entry (the first change) the last.
     */
    @Test
    void theInverseCommandsUndoTheNewestChangeFirst() throws Exception {
        ReportView v = ReportView.of(Fixtures.demo());
        List<Procedure.Step> change = v.procedure().steps(Procedure.Phase.CHANGE).stream()
                .filter(s -> !s.undo().isEmpty()).toList();
        List<Procedure.Step> undo = v.procedure().steps(Procedure.Phase.ROLLBACK);
        assertEquals(change.size(), undo.size());
        for (int i = 0; i < change.size(); i++) {
            assertEquals(change.get(change.size() - 1 - i).undo(), undo.get(i).commands(), "undo " + i);
        }
        assertTrue(undo.get(0).commands().get(0).startsWith("Set-ADObject -Identity 'CN=svc-vmm,"), undo.get(0).toString());
        String md = RunbookTest.markdown(Fixtures.demo());
        String block = md.substring(md.indexOf("```powershell", md.indexOf(". Rollback")));
        assertTrue(block.indexOf("CN=svc-vmm") < block.indexOf("'HV01$'"), block);
        assertTrue(md.contains("domain controllers from Windows Server 2012 R2 on refuse a duplicate SPN"), md);
    }

    /**
     * Set-Rbcd compares the principals to add with the SIDs the descriptor allows, not with every SID it names: an
     * access-denied entry (GetAccessRules returns those too) for the source made the list look complete, so the step
     * was skipped and the pair stayed refused. With a denial present it always sets the list (which drops it).
     */
    @Test
    void theScriptDoesNotSkipAnRbcdListThatStillHoldsADenial() throws Exception {
        String ftl = java.nio.file.Files.readString(RunbookTest.TEMPLATES.resolve("remediation.ps1.ftl"));
        String get = ftl.substring(ftl.indexOf("function Get-Rbcd"), ftl.indexOf("function Set-Rbcd"));
        assertTrue(get.contains("Sids = @($rules | Where-Object { $_.AccessControlType -eq 'Allow' }"), get);
        assertTrue(get.contains("Denied = @($rules | Where-Object { $_.AccessControlType -eq 'Deny' }"), get);
        String set = ftl.substring(ftl.indexOf("function Set-Rbcd"), ftl.indexOf("function Set-RbcdSddl"));
        assertTrue(set.contains("if ($current.Denied.Count -eq 0 -and -not (Compare-Object"), set);
    }

    /** The script puts an SPN back on the other object only while no object holds it (a DC refuses a duplicate). */
    @Test
    void theScriptDoesNotPutADuplicateSpnBack() throws Exception {
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)),
                Fixtures.demo()).replace("\r\n", "\n");
        String restore = ps1.substring(ps1.indexOf("function Restore-ObjectSpn"), ps1.indexOf("function Remove-ObjectSpnAgain"));
        assertTrue(restore.contains("Get-ADObject -LDAPFilter $filter -Server $Server"), restore);
        assertTrue(restore.indexOf("Write-Warning") < restore.indexOf("-Add @{servicePrincipalName = $Spn}"), restore);
    }
}
