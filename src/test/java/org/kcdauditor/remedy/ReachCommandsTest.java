package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The RBCD cmdlet and the repadmin calls, built in one place with the values checked. */
class ReachCommandsTest {
    private static final Commands FABRIKAM = Commands.forServer("dc1.fabrikam.com");

    @Test
    void rbcdListsEveryPrincipalResolvedInItsOwnDomain() {
        Action.AddRbcd a = new Action.AddRbcd("HV21", List.of(
                new Action.Principal("HV22", "fabrikam.com", "S-1-5-21-9-9-9-3001", true),
                new Action.Principal(null, null, "S-1-5-21-7-7-7-1234", true),
                new Action.Principal("HV01", "contoso.com", "S-1-5-21-1-2-3-2000", false)));
        assertEquals("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer"
                + " -Identity 'HV22$' -Server 'fabrikam.com'), 'S-1-5-21-7-7-7-1234', (Get-ADComputer -Identity 'HV01$'"
                + " -Server 'contoso.com')) -Server 'dc1.fabrikam.com'", FABRIKAM.powershell(a));
        assertEquals("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer"
                + " -Identity 'HV22$' -Server 'fabrikam.com'), 'S-1-5-21-7-7-7-1234') -Server 'dc1.fabrikam.com'",
                FABRIKAM.rbcdUndo(a));
        assertEquals("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount $null"
                + " -Server 'dc1.fabrikam.com'", FABRIKAM.rbcdUndo(new Action.AddRbcd("HV21", List.of(a.principals()
                .get(2)))));
    }

    @Test
    void aValueThatCannotBeTypedGivesNoCommand() {
        Action.AddRbcd quoted = new Action.AddRbcd("HV21", List.of(new Action.Principal("HV0'1", null,
                "S-1-5-21-1-2-3-2000'); Remove-ADComputer X; ('", false)));
        assertNull(FABRIKAM.powershell(quoted));
        assertTrue(Remedies.describe(quoted).contains("cannot be typed safely"), Remedies.describe(quoted));
        // a name that is no host name falls back to its SID
        assertEquals("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount @('S-1-5-21-1-2-3-2000')"
                + " -Server 'dc1.fabrikam.com'", FABRIKAM.powershell(new Action.AddRbcd("HV21", List.of(
                new Action.Principal("HV 01", null, "S-1-5-21-1-2-3-2000", false)))));
    }

    @Test
    void repadminTakesDcNamesThroughCmd() {
        assertEquals(List.of("repadmin /syncall dc1.contoso.com /AdeP", "repadmin /showrepl dc2.contoso.com"),
                Commands.serverless().all(new Action.Replicate("dc1.contoso.com", "dc2.contoso.com")));
        assertEquals(List.of("repadmin /showrepl dc2.contoso.com"),
                Commands.serverless().all(new Action.Replicate("dc1 & calc", "dc2.contoso.com")));
        assertEquals("repadmin /syncall <DC> /AdeP", Commands.forServer(null).replicate());
        assertEquals("Push the change from dc1.contoso.com to every domain controller (repadmin /syncall"
                + " dc1.contoso.com /AdeP), check dc2.contoso.com's inbound replication (repadmin /showrepl"
                + " dc2.contoso.com), then run the preflight again.",
                Remedies.describe(new Action.Replicate("dc1.contoso.com", "dc2.contoso.com")));
    }
}
