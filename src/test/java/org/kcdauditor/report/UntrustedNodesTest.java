package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anyone who may create or rename a computer in a cluster's OU makes it a node: the plan wired constrained delegation
 * between such a computer and every node, in the CAB-approved script, when its dNSHostName was tampered with
 * (DNS_HOST_NAME_INVALID), and for a name no command may carry it scripted delegation to it on every other node while
 * saying "nothing is generated for them" (review 5, item 1). A refused host gets no delegation to or from it, scripted
 * or by hand; the objects the change counts are those scripted.
 */
class UntrustedNodesTest {

    /** The demo with HV02's dNSHostName made of PowerShell: HV01 → HV02 and HV02 → HV03 need entries. */
    static FindingsDocument tamperedHv02() {
        return Fixtures.withFindings(Fixtures.demo(), List.of(Finding.of("DNS_HOST_NAME_INVALID", Severity.MEDIUM,
                "HVC1", "HV02", null, null, null, "HV02's dNSHostName 'hv02.contoso.com'$(calc)' is not a valid DNS"
                        + " name, so no delegation entry or command is derived from it.",
                Evidence.builder().attribute("dNSHostName").actual(List.of("hv02.contoso.com'$(calc)")).build(),
                List.of(new Action.Manual("Invalid value: fix it by hand in ADSI Edit.", List.of())))));
    }

    /** The demo with a baseline that does not document HV02. */
    static FindingsDocument newHv02() {
        return Fixtures.withFindings(Fixtures.demo(), List.of(Finding.of("BASELINE_HOST_NEW", Severity.LOW, "HVC1",
                "HV02", null, null, null, "HV02 is a node of HVC1 but the baseline does not document it.",
                Evidence.builder().build(), List.of(new Action.Manual("Review its delegation, then capture a new"
                        + " baseline.", List.of())))));
    }

    private static boolean grantsHv02(RemediationPlan.HostChange h) {
        return h.name().equals("HV02") || h.add().stream().anyMatch(p -> p.peer().equals("HV02")
                || p.spns().stream().anyMatch(s -> s.toLowerCase().contains("hv02")));
    }

    @Test
    void aHostWithATamperedDnsHostNameGetsNoDelegationToOrFromIt() throws Exception {
        FindingsDocument doc = tamperedHv02();
        ReportView view = ReportView.of(doc);
        RemediationPlan plan = view.plan();
        assertTrue(plan.hosts().stream().noneMatch(UntrustedNodesTest::grantsHv02), "delegation to or from HV02: "
                + plan.hosts());
        assertEquals(List.of("HV02"), plan.refused().stream().map(RemediationPlan.Refused::name).toList());
        assertFalse(plan.objectNames().contains("HV02"), plan.objectNames().toString());
        // the two directions stay open, each saying why, in findings.json and every report
        List<ReportView.FindingView> missing = view.findings().stream().filter(f -> f.finding().rule()
                .equals("MISSING_DELEGATION") && (f.finding().host().equals("HV02")
                || "HV02".equals(f.finding().peer()))).toList();
        assertEquals(5, missing.size(), missing.toString());
        for (ReportView.FindingView f : missing) {
            assertTrue(plan.staysOpen(f.finding().id()), f.toString());
            assertTrue(f.remediation().startsWith("Not scripted: HV02 is refused, as its dNSHostName is not a valid DNS"
                    + " name (DNS_HOST_NAME_INVALID). No delegation is added to or from it, neither by the script nor"
                    + " by hand"), f.remediation());
        }
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc)
                .replace("\r\n", "\n");
        assertFalse(ps1.toLowerCase().contains("hv02.contoso.com'") || ps1.contains("'HV02$'"),
                "a command on HV02's account: " + ps1);
        assertTrue(ps1.contains("# Refused: no command changes these objects, and no delegation is added to or from"
                + " them. Check them in ADUC.\n#   HV02 - its dNSHostName is not a valid DNS name (DNS_HOST_NAME_INVALID)"),
                ps1);
        assertFalse(ps1.contains("nothing is generated"), ps1);
        String md = RunbookTest.markdown(doc);
        String refused = md.substring(md.indexOf("Not scripted: check by hand"));
        refused = refused.substring(0, refused.indexOf("\n#", 1));
        assertTrue(refused.contains("no delegation is added to or from them, neither by the script nor by hand")
                && refused.contains("- HV02: its dNSHostName is not a valid DNS name"), refused);
        assertFalse(refused.contains("Add on its Delegation tab") || refused.contains("- [ ] cifs/"), refused);
    }

    /**
     * A node the baseline does not document is no refused host: the configuration names it (or its cluster's OU holds
     * it), and a baseline that documents only waivers or some hosts makes every other node BASELINE_HOST_NEW, so the
     * change still adds its delegation; the LOW drift finding asks for a new baseline.
     */
    @Test
    void aNodeTheBaselineDoesNotDocumentStillGetsItsDelegation() throws Exception {
        FindingsDocument doc = newHv02();
        RemediationPlan plan = ReportView.of(doc).plan();
        assertTrue(plan.hosts().stream().anyMatch(UntrustedNodesTest::grantsHv02), plan.hosts().toString());
        assertTrue(plan.refused().isEmpty() && plan.withheld().isEmpty(), plan.withheld().toString());
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc);
        assertTrue(ps1.lines().anyMatch(l -> l.startsWith("    Add-Values") && l.toLowerCase().contains("hv02")),
                ps1);
    }
}
