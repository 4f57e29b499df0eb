package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Registering a missing SPN says what else restores it: vmms re-registers only its own migration SPNs, and a cifs SPN
 * is served by HOST/name, whose lack is the usual cause (a computer account registers it when it joins).
 */
class RegisterSpnRemedyTest {
    @Test
    void aMissingCifsSpnPointsAtHostAndAMigrationSpnAtVmms() {
        String cifs = Remedies.describe(new Action.RegisterSpn("HV14", "cifs/hv14.contoso.com"));
        assertTrue(cifs.endsWith("(or 'HOST/hv14.contoso.com', which serves cifs too and which a computer account"
                + " normally holds)."), cifs);
        assertFalse(cifs.contains("vmms"), "vmms does not register cifs: " + cifs);
        String migration = Remedies.describe(new Action.RegisterSpn("HV14",
                "Microsoft Virtual System Migration Service/hv14.contoso.com"));
        assertTrue(migration.endsWith("(on a Hyper-V host, restarting vmms also re-registers its migration SPNs)."),
                migration);
    }
}
