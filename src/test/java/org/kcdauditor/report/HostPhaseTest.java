package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.remedy.Action;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The summary of the host phase (PDF plan, runbooks) says what its steps do, not a fixed sentence. */
class HostPhaseTest {
    @Test
    void theHostPhaseSaysOnlyWhatThePlanDoesOnTheHosts() {
        assertEquals("set Kerberos as the live-migration authentication",
                Procedure.onHostsInWords(List.of(new Action.SetMigrationAuthentication("HV02"))));
        assertEquals("reset computer passwords (AES keys)",
                Procedure.onHostsInWords(List.of(new Action.ResetMachinePassword("HV13"))));
        assertEquals("reset computer passwords (AES keys), set Kerberos as the live-migration authentication and"
                + " enable live migration", Procedure.onHostsInWords(List.of(new Action.EnableMigration("HV01"),
                new Action.SetMigrationAuthentication("HV02"), new Action.ResetMachinePassword("HV13"))));
    }

    /** The demo resets HV13's password (HIGH) and enables its migration (MEDIUM), HV02 gets Kerberos (HIGH) between. */
    @Test
    void theStepsOfOneHostComeTogether() {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                org.kcdauditor.support.TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", org.kcdauditor.model.Severity.HIGH,
                        "HVC1", "HV02", null, null, "HV02 authenticates live migrations with CredSSP.",
                        org.kcdauditor.model.Evidence.builder().build(), new Action.SetMigrationAuthentication("HV02")),
                org.kcdauditor.support.TestFindings.of("MIGRATION_DISABLED", org.kcdauditor.model.Severity.MEDIUM,
                        "HVC2", "HV13", null, null, "Live migration is disabled on HV13.",
                        org.kcdauditor.model.Evidence.builder().build(), new Action.EnableMigration("HV13"))));
        assertEquals(List.of(new Action.ResetMachinePassword("HV13"), new Action.EnableMigration("HV13"),
                new Action.SetMigrationAuthentication("HV02")), RemediationPlan.of(doc).onHosts());
    }
}
