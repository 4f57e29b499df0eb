package org.kcdauditor.report.pdf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Page 1's "After the change" says what stays failing in words that fit the case: a single failing direction is not
 * "none of the 1 failing direction", and the advice names only the kinds of blocker that are there (seen in a month of
 * runs: "A waived blocker stays until its waiver ends; the others need the decisions" with no other blocker). A waived
 * blocker is not said to "stay until its waiver ends": a CAB read that it goes away then, when it is the day its cluster
 * turns NO-GO.
 */
class AfterTheChangeWordingTest {
    @Test
    void noneFixedReadsForOneAndForSeveralDirections() {
        assertEquals("it does not fix the failing direction", DecisionPage.noneFixed(1));
        assertEquals("it fixes none of the 3 failing directions", DecisionPage.noneFixed(3));
    }

    /** Every failing direction fixed is not "it fixes 1 of the 1 failing direction". */
    @Test
    void fixedReadsForSomeAndForAllDirections() {
        assertEquals("it fixes the failing direction", DecisionPage.fixed(1, 1));
        assertEquals("it fixes all 3 failing directions", DecisionPage.fixed(3, 3));
        assertEquals("it fixes 1 of the 3 failing directions", DecisionPage.fixed(1, 3));
        assertEquals("it fixes 14 of the 18 failing directions", DecisionPage.fixed(14, 18));
    }

    @Test
    void theAdviceNamesOnlyTheBlockersThatStay() {
        assertEquals(" A waived blocker is not fixed: once its waiver ends, its cluster is NO-GO.",
                DecisionPage.stillFailingAdvice(List.of("MISSING_DELEGATION (waived)")));
        assertEquals(" They need the decisions under Remediation plan.",
                DecisionPage.stillFailingAdvice(List.of("ACCOUNT_DISABLED")));
        assertEquals(" A waived blocker is not fixed: once its waiver ends, its cluster is NO-GO; the others need the"
                + " decisions under Remediation plan.", DecisionPage.stillFailingAdvice(List.of("MISSING_DELEGATION (waived)",
                "ACCOUNT_DISABLED")));
        assertEquals(" A waived blocker is not fixed: once its waiver ends, its cluster is NO-GO; the others need the"
                + " decisions under Remediation plan.", DecisionPage.stillFailingAdvice(List.of()),
                "blockers not known (an older findings.json)");
    }

    /** A waived blocker's count and its being waived share one bracket: not "MISSING_DELEGATION (waived) (1)". */
    @Test
    void aWaivedBlockerIsCountedInOneBracket() {
        java.util.Map<String, Integer> still = new java.util.LinkedHashMap<>();
        still.put("AES_NOT_ENABLED", 3);
        still.put("MISSING_DELEGATION (waived)", 1);
        assertEquals("AES_NOT_ENABLED (3), MISSING_DELEGATION (1, waived)", DecisionPage.blockedBy(still));
    }

    /**
     * A decision's row on page 1 names the command as the runbooks label it: "To restore it" for a baseline entry
     * removed (its question has two answers, and "If so" read as "if the removal was intended, restore it"), "If so"
     * where the question has one.
     */
    @Test
    void aDecisionsRowNamesItsCommandByItsOwnLabel() {
        org.kcdauditor.remedy.Action add = new org.kcdauditor.remedy.Action.AddDelegation("HV02", "HV03",
                List.of("HOST/HV03"));
        org.kcdauditor.model.Finding removed = org.kcdauditor.support.TestFindings.of("BASELINE_ENTRY_REMOVED",
                org.kcdauditor.model.Severity.INFO, "HVC1", "HV02", "HV03", "HOST/HV03", "HV02 no longer delegates to"
                        + " HOST/HV03.", null, new org.kcdauditor.remedy.Action.Manual("If the removal was intended,"
                        + " capture a new baseline after review; else restore it.", List.of(add), "To restore it"));
        assertEquals("Decide, then the \"To restore it\" command (Needs a decision)", DecisionPage.decided("Decide",
                new org.kcdauditor.report.RemediationPlan.Decision(removed, "Decide", List.of(add), null, false)));
        org.kcdauditor.model.Finding plain = org.kcdauditor.support.TestFindings.of("BASELINE_ENTRY_REMOVED",
                org.kcdauditor.model.Severity.INFO, "HVC1", "HV02", "HV03", "HOST/HV03", "HV02 no longer delegates to"
                        + " HOST/HV03.", null, new org.kcdauditor.remedy.Action.Manual("Check it.", List.of(add)));
        assertEquals("Check it, then the \"If so\" command (Needs a decision)", DecisionPage.decided("Check it",
                new org.kcdauditor.report.RemediationPlan.Decision(plain, "Check it", List.of(add), null, false)));
        assertEquals("Check it (Needs a decision)", DecisionPage.decided("Check it",
                new org.kcdauditor.report.RemediationPlan.Decision(plain, "Check it", List.of(), null, false)));
    }
}
