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
}
