package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
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
}
