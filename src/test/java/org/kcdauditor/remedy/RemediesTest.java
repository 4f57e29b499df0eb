package org.kcdauditor.remedy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remediation sentence of a finding's actions, word for word: one action, several joined by a space, a decision
 * with one proposed change and with several, and the protocol-transition cmdlet with and without a server and under
 * another account name (the evaluation builds these for thousands of findings, so they are built without streams).
 */
class RemediesTest {
    private static final String SELECT_ANY = "Select 'Use any authentication protocol' on HV01's Delegation tab:"
            + " Set-ADAccountControl -Identity 'HV01$' -TrustedToAuthForDelegation $true.";
    private static final String SELECT_KERBEROS = "Select 'Use Kerberos only' on HV02's Delegation tab:"
            + " Set-ADAccountControl -Identity 'HV02$' -TrustedToAuthForDelegation $false.";

    @Test
    void actionsAreJoinedBySpacesAndNoneIsEmpty() {
        Commands c = Commands.serverless();
        assertEquals("", Remedies.describe(List.of(), c));
        assertEquals(SELECT_ANY, Remedies.describe(List.of(new Action.SetProtocolTransition("HV01", true)), c));
        assertEquals(SELECT_ANY + " " + SELECT_KERBEROS, Remedies.describe(List.of(
                new Action.SetProtocolTransition("HV01", true), new Action.SetProtocolTransition("HV02", false)), c));
    }

    @Test
    void aDecisionIsItsQuestionAndEachProposedChange() {
        assertEquals("Decide.", Remedies.describe(new Action.Manual("Decide.")));
        assertEquals("Consider protocol transition if migrations are started remotely (Hyper-V Manager, WinRM): "
                + SELECT_ANY, Remedies.describe(new Action.Manual("Consider protocol transition if migrations are"
                + " started remotely (Hyper-V Manager, WinRM):", List.of(new Action.SetProtocolTransition("HV01",
                true)))));
        assertEquals("Pick one: " + SELECT_ANY + " " + SELECT_KERBEROS, Remedies.describe(new Action.Manual(
                "Pick one:", List.of(new Action.SetProtocolTransition("HV01", true),
                new Action.SetProtocolTransition("HV02", false)))));
    }

    @Test
    void theFlagsCmdletNamesTheAccountAndTheServer() {
        assertEquals("On HV03's Delegation tab select 'Trust this computer for delegation to specified services"
                + " only' with 'Use Kerberos only' and list the peers' services: Set-ADAccountControl -Identity"
                + " 'HV03$' -TrustedForDelegation $false -TrustedToAuthForDelegation $false -Server"
                + " 'dc1.contoso.com'.", Remedies.describe(new Action.ReplaceUnconstrained("HV03", false),
                Commands.forServer("dc1.contoso.com")));
        assertEquals("Set-ADAccountControl -Identity 'HV03-STAGED$' -TrustedToAuthForDelegation $true",
                Commands.serverless().withAccounts(Map.of("hv03", "HV03-STAGED$")).flags("HV03", null, true));
        assertEquals(null, Commands.serverless().flags("HV03", null, null));
        assertEquals(null, Commands.serverless().flags("HV 03", null, true));
    }

    /**
     * A peer whose name is no plain host name ({@code HV17’$(calc)<U+202E>}) is not to be picked by a typed name in
     * ADUC's Add dialog, where it can find another computer: the workbook, PDF and mail said "ADUC: HV11 > Delegation >
     * Add > HV17…" while the runbook warned against it (review 5, item 3).
     */
    @Test
    void aPeerThatIsNoPlainHostNameIsNotToBePickedInAducsAddDialog() {
        String s = Remedies.describe(new Action.AddDelegation("HV11", "HV17\u2019$(calc)\u202E",
                List.of("cifs/hv17.contoso.com")), Commands.serverless());
        assertFalse(s.contains("> Add > "), s);
        assertTrue(s.startsWith("Add 'cifs/hv17.contoso.com' to HV11's msDS-AllowedToDelegateTo (not through ADUC's"
                + " Delegation > Add: HV17\\u2019$(calc)\\u202E is not a plain host name, and a name typed there can find"
                + " another computer): Set-ADComputer -Identity 'HV11$'"), s);
        assertTrue(Remedies.describe(new Action.AddDelegation("HV11", "HV12", List.of("cifs/hv12.contoso.com")),
                Commands.serverless()).contains("(ADUC: HV11 > Delegation > Add > HV12): "));
    }

    /**
     * 'cifs/hv17.contoso.com' is plain ASCII: what no command can carry is the account's name, and the sentence says so
     * (review 5, item 4); a value that cannot be typed is still named as such.
     */
    @Test
    void aTypeableSpnOnAnAccountNoCommandCanNameBlamesTheAccountName() {
        String s = Remedies.describe(new Action.RegisterSpn("HV17\u2019$(calc)\u202E", "cifs/hv17.contoso.com"),
                Commands.serverless());
        assertTrue(s.contains("on HV17\\u2019$(calc)\\u202E's own account. The account name HV17\\u2019$(calc)\\u202E"
                + " cannot be typed safely into a command: change it by hand in ADSI Edit (HV17\\u2019$(calc)\\u202E >"
                + " Properties > servicePrincipalName)"), s);
        assertFalse(s.contains("The value cannot be typed"), s);
        String v = Remedies.describe(new Action.RegisterSpn("HV04", "cifs/hv04'$(calc)"), Commands.serverless());
        assertTrue(v.contains(". The value cannot be typed safely into a command"), v);
    }
}
