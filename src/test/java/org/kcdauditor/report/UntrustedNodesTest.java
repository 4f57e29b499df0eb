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
     * A refused host named as a principal of another host's resource-based delegation list is held back as it is from
     * constrained delegation: the list would let it act as any user towards that host. No list naming it is set, by
     * the change or by a decision, and the finding says why.
     */
    @Test
    void aRefusedHostIsNotAddedToAnotherHostsResourceBasedDelegation() throws Exception {
        Finding rbcd = Finding.of("CROSS_DOMAIN_NEEDS_RBCD", Severity.HIGH, "HVC2", "HV14", "HV02", null, null,
                "HV02 -> HV14 needs resource-based delegation on HV14.", Evidence.builder().build(),
                List.of(new Action.AddRbcd("HV14", List.of(new Action.Principal("HV02", "contoso.com",
                        "S-1-5-21-1-2-3-1102", false)))));
        Finding anyAccount = Finding.of("RBCD_ALLOWS_ANY_ACCOUNT", Severity.HIGH, "HVC2", "HV12", null, null, null,
                "HV12's resource-based delegation allows Everyone.", Evidence.builder().build(),
                List.of(new Action.Manual("Replace the list with the accounts that need it:", List.of(
                        new Action.AddRbcd("HV12", List.of(new Action.Principal("HV02", "contoso.com",
                                "S-1-5-21-1-2-3-1102", true)))))));
        FindingsDocument doc = Fixtures.withFindings(tamperedHv02(), List.of(rbcd, anyAccount));
        ReportView view = ReportView.of(doc);
        RemediationPlan plan = view.plan();
        assertTrue(plan.hosts().stream().allMatch(h -> h.rbcd().stream().noneMatch(p -> "HV02".equals(p.name()))),
                plan.hosts().toString());
        assertTrue(plan.decisions().stream().noneMatch(d -> d.finding().id().equals(anyAccount.id())),
                plan.decisions().toString());
        for (Finding f : List.of(rbcd, anyAccount)) {
            assertTrue(plan.staysOpen(f.id()), f.toString());
            assertTrue(view.findings().stream().filter(v -> v.finding().id().equals(f.id())).allMatch(v -> v
                    .remediation().startsWith("Not scripted: HV02 is refused, as its dNSHostName is not a valid DNS"
                            + " name (DNS_HOST_NAME_INVALID). No delegation is added to or from it, neither by the"
                            + " script nor by hand")), view.findings().toString());
        }
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc);
        assertFalse(ps1.contains("'HV02$'") || ps1.contains("S-1-5-21-1-2-3-1102"), ps1);
        String md = RunbookTest.markdown(doc);
        assertFalse(md.contains("'HV02$'") || md.contains("S-1-5-21-1-2-3-1102"), md);
    }

    /**
     * A refused host's own findings that are no delegation (its encryption types, its flags, a step on the machine)
     * carried the command their rule wrote ({@code Set-ADComputer -Identity 'HV02$' …}) in every report and in
     * findings.json, and the machine's step stayed in the plan: no command names a refused host; each such finding says
     * why and what to do by hand. Its own DNS_HOST_NAME_INVALID keeps its advice.
     */
    @Test
    void aRefusedHostsOtherFindingsCarryNoCommandNamingIt() throws Exception {
        Finding aes = Finding.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "HV02", null, null, null,
                "HV02 allows RC4 only.", Evidence.builder().encryptionTypes(4).build(),
                List.of(new Action.SetEncryptionTypes("HV02", 28, false, 4)));
        Finding flags = Finding.of("PROTOCOL_TRANSITION_MISMATCH", Severity.MEDIUM, "HVC1", "HV02", null, null, null,
                "HV02 uses Kerberos only.", Evidence.builder().build(), List.of(new Action.Manual(
                        "Consider protocol transition:", List.of(new Action.SetProtocolTransition("HV02", true)))));
        Finding keys = Finding.of("AES_KEYS_MISSING", Severity.HIGH, "HVC1", "HV02", null, null, null,
                "HV02's password predates the domain's AES keys.", Evidence.builder().build(),
                List.of(new Action.ResetMachinePassword("HV02")));
        for (Finding f : List.of(aes, flags, keys)) {
            assertTrue(f.remediation().contains("HV02"), "the rule's own words name it: " + f.remediation());
        }
        FindingsDocument doc = Fixtures.withFindings(tamperedHv02(), List.of(aes, flags, keys));
        ReportView view = ReportView.of(doc);
        RemediationPlan plan = view.plan();
        assertTrue(plan.onHosts().stream().noneMatch(a -> a.subject().equals("HV02")), plan.onHosts().toString());
        assertTrue(plan.decisions().stream().noneMatch(d -> "HV02".equals(d.finding().host())
                && !d.finding().rule().equals("DNS_HOST_NAME_INVALID")), plan.decisions().toString());
        for (Finding f : List.of(aes, flags, keys)) {
            assertTrue(plan.staysOpen(f.id()), f.toString());
            String remedy = view.findings().stream().filter(v -> v.finding().id().equals(f.id())).findFirst()
                    .orElseThrow().remediation();
            assertTrue(remedy.startsWith("Not scripted: HV02 is refused, as its dNSHostName is not a valid DNS name"
                    + " (DNS_HOST_NAME_INVALID). No command changes it: check the object in ADUC (who created or"
                    + " renamed it, and why), fix or remove it, then audit again."), remedy);
            // findings.json says the same
            assertEquals(remedy, view.doc().findings().stream().filter(x -> x.id().equals(f.id())).findFirst()
                    .orElseThrow().remediation());
        }
        String invalid = view.findings().stream().filter(v -> v.finding().rule().equals("DNS_HOST_NAME_INVALID"))
                .findFirst().orElseThrow().remediation();
        assertTrue(invalid.startsWith("Invalid value: fix it by hand in ADSI Edit."), invalid);
        String ps1 = RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc);
        String md = RunbookTest.markdown(doc);
        String html = RunbookTest.html(doc);
        for (String out : List.of(ps1, md, html)) {
            assertFalse(out.contains("'HV02$'") || out.contains("&#39;HV02$&#39;"), out);
            assertFalse(out.contains("Reset-ComputerMachinePassword") && out.contains("On HV02"), out);
        }
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
