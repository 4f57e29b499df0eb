package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.TestFindings;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook read top-down by the admin at 6 a.m.: fix the AD delegation, then the host settings, repadmin /syncall,
 * the ticket purge on each host, the test moves, the decisions, and only then the new baseline (which documents the
 * whole state, decisions included) and the preflight. runbook.md, runbook.html, remediation.ps1's closing text and the
 * procedure (the workbook's Runbook sheet, the PDF's procedure page) keep that order.
 */
class RunbookOrderTest {

    /**
     * The demo with a baseline, HV02 migrating with CredSSP (a host setting), the expired waiver that kept HV11's
     * stale HV15 entries, and a node the baseline does not document (decisions).
     */
    static FindingsDocument scenario() {
        FindingsDocument d = Fixtures.withHistory(Fixtures.demo());
        List<Finding> all = new ArrayList<>(d.findings());
        all.add(TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 authenticates live migrations with CredSSP.", Evidence.builder().build(),
                new Action.SetMigrationAuthentication("HV02")));
        all.add(TestFindings.of("MIGRATION_DISABLED", Severity.MEDIUM, "HVC2", "HV13", null, null,
                "Live migration is disabled on HV13.", Evidence.builder().build(), new Action.EnableMigration("HV13")));
        all.add(Finding.of("WAIVER_EXPIRED", Severity.MEDIUM, "HVC2", "HV11", null, null, null, "The waiver for"
                        + " STALE_DELEGATION on HV11 expired on 2026-06-30 (\"HV15 entries kept for the hardware refresh,"
                        + " CHG0017\"); its findings count again.", Evidence.builder().waivedRule("STALE_DELEGATION")
                        .expires(java.time.LocalDate.of(2026, 6, 30)).justification("HV15 entries kept for the hardware"
                                + " refresh, CHG0017").build(),
                List.of(new Action.Manual("Fix the cause, or renew the waiver in the baseline with a new"
                        + " justification and expiry date.", List.of()))));
        all.add(Finding.of("BASELINE_HOST_NEW", Severity.LOW, "HVC2", "HV14", null, null, null, "HV14 is a node of HVC2"
                        + " but the baseline does not document it.", Evidence.builder().build(),
                List.of(new Action.Manual("Review its delegation, then capture a new baseline.", List.of()))));
        return d.withFindings(all);
    }

    /**
     * Review 3 item 12: step 1's checklist (and step 3's conditional Set-VMHost lines) followed the order of the pairs
     * to test ("HV00001 / HV00007 / HV00046 / HV00002 …"); they are in host order, cluster by cluster, whatever the
     * order of the pairs.
     */
    @Test
    void stepOnesChecksAndStepThreesSwitchesAreInHostOrderClusterByCluster() throws Exception {
        // the clusters and each one's directed pairs in reverse: the pairs to test come HV14 -> HV13 first
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> reversed = new ArrayList<>();
        for (FindingsDocument.ClusterDoc c : d.clusters()) {
            List<FindingsDocument.PairDoc> matrix = new ArrayList<>(c.matrix());
            java.util.Collections.reverse(matrix);
            reversed.add(0, new FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(), c.fileServers(),
                    c.pairs(), c.pairsOk(), c.requiredEntries(), c.presentEntries(), c.compliancePercent(),
                    c.bySeverity(), c.go(), c.reasons(), matrix, c.directory(), c.audited(),
                    c.migrationAuthenticationUnchecked()));
        }
        String md = md(new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), reversed, d.hosts(), d.findings(), null));
        String checks = md.substring(md.indexOf("- [ ] Each host of a direction to test"));
        checks = checks.substring(0, checks.indexOf("\n\n"));
        List<String> hosts = checks.lines().filter(l -> l.startsWith("  - [ ] ")).map(l -> l.substring(8)).toList();
        assertEquals(List.of("HV01", "HV02", "HV03", "HV11", "HV12", "HV13", "HV14"), hosts, checks);
        // one loop each, over the hosts in that order (no export imported: every host is checked by hand)
        assertEquals(List.of(loopOver(hosts) + "{ Get-VMHost -ComputerName $h | Select-Object ComputerName,"
                + " VirtualMachineMigrationAuthenticationType }"), md.lines().filter(l -> l.startsWith("foreach ($h in ")
                && !l.contains("Set-VMHost")).toList(), md);
        List<String> switches = md.lines().filter(l -> l.startsWith("foreach ($h in ") && l.contains("Set-VMHost"))
                .toList();
        assertEquals(1, switches.size(), md);
        assertTrue(switches.get(0).startsWith(loopOver(hosts) + "{ if ((Get-VMHost -ComputerName $h)"), switches.get(0));
        // natural order: HV2 before HV10
        assertEquals(List.of("HV2", "HV09", "HV10", "hv11", "HV100"), java.util.stream.Stream.of("HV100", "HV10", "hv11",
                "HV2", "HV09").sorted(Procedure.NATURAL).toList());
    }

    /** "foreach ($h in 'HV01', 'HV02') ": the start of the loop over {@code hosts}. */
    private static String loopOver(List<String> hosts) {
        return "foreach ($h in " + String.join(", ", hosts.stream().map(h -> "'" + h + "'").toList()) + ") ";
    }

    static String md(FindingsDocument doc) throws Exception {
        return RunbookTest.markdown(doc);
    }

    static String html(FindingsDocument doc) throws Exception {
        return RunbookTest.html(doc);
    }

    static String ps1(FindingsDocument doc) throws Exception {
        return RunbookTest.render(RunbookWriter.powershell(new TemplateRenderer(RunbookTest.TEMPLATES)), doc);
    }

    /** The text of runbook.md's section "## N. title" up to the next "## ". */
    static String section(String md, String title) {
        int at = md.indexOf(". " + title + "\n");
        assertTrue(at > 0, title + " in " + md);
        int end = md.indexOf("\n## ", at);
        return md.substring(at, end < 0 ? md.length() : end);
    }

    static int heading(String md, String title) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\n## (\\d+)\\. " + java.util.regex.Pattern
                .quote(title) + "\n").matcher(md);
        assertTrue(m.find(), title + " in " + md);
        return m.start();
    }

    /** Item 5: the baseline is captured after the decisions, whose drift it would otherwise record unreviewed. */
    @Test
    void theBaselineIsCapturedAfterTheDecisionsAndTheRollbackComesLast() throws Exception {
        FindingsDocument doc = scenario();
        ReportView view = ReportView.of(doc);
        assertTrue(Procedure.recordsBaseline(doc, view.plan()), "the change departs from the baseline");
        String md = md(doc);
        int moves = md.indexOf("Move-ClusterVirtualMachineRole");
        int decide = heading(md, "Needs a decision");
        int capture = md.indexOf("baseline capture --config");
        int preflight = md.indexOf("preflight --config kcd-audit.yaml --cluster HVC1\n");
        int rollback = heading(md, "Rollback");
        assertTrue(moves > 0 && moves < decide && decide < capture && capture < preflight && preflight < rollback,
                moves + " " + decide + " " + capture + " " + preflight + " " + rollback + "\n" + md);
        String html = html(doc);
        assertTrue(html.indexOf(">Needs a decision<") < html.indexOf("baseline capture --config"), html);
        assertTrue(html.indexOf("baseline capture --config") < html.indexOf("id=\"step-" + view.procedure()
                .phase(Procedure.Phase.ROLLBACK).number() + "\""), html);
        // the procedure: the workbook's Runbook sheet numbers the checklist in this order
        List<Procedure.Step> list = view.procedure().checklist();
        int lastDecision = -1;
        int captureStep = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).phase() == Procedure.Phase.DECIDE) {
                lastDecision = i;
            }
            if (list.get(i).command().contains("baseline capture")) {
                captureStep = i;
            }
        }
        assertTrue(lastDecision > 0 && captureStep > lastDecision, lastDecision + " " + captureStep);
        List<Procedure.Phase> order = view.procedure().phases().stream().map(Procedure.PhaseView::phase).toList();
        assertEquals(Procedure.Phase.ROLLBACK, order.get(order.size() - 1), order.toString());
        assertTrue(order.indexOf(Procedure.Phase.DECIDE) < order.indexOf(Procedure.Phase.CONFIRM), order.toString());
        // the capture's own words point back at the decisions, which now come before it
        String confirm = section(md, Procedure.Phase.CONFIRM.title());
        assertTrue(confirm.contains("step " + view.procedure().phase(Procedure.Phase.DECIDE).number()), confirm);
        // the script's closing text: the capture after the test moves, naming the decisions' step
        String ps1 = ps1(doc);
        assertTrue(ps1.indexOf("Write-Host 'Validate with a test VM") < ps1.indexOf("baseline capture --config"), ps1);
    }

    /** Item 6: step 1 only reads; the switch to Kerberos is made once, on the hosts, before replication. */
    @Test
    void beforeYouStartOnlyReadsAndTheSwitchToKerberosIsOnTheHostsBeforeReplication() throws Exception {
        FindingsDocument doc = scenario();
        String md = md(doc);
        String before = section(md, "Before you start");
        String check = before.lines().filter(l -> l.startsWith("foreach ($h in ")).findFirst().orElseThrow();
        assertTrue(check.contains("'HV01'") && check.endsWith("{ Get-VMHost -ComputerName $h | Select-Object"
                + " ComputerName, VirtualMachineMigrationAuthenticationType }"), before);
        assertFalse(before.contains("Set-VMHost"), before);
        String hosts = section(md, "On the hosts");
        assertTrue(hosts.contains("Set-VMHost -ComputerName 'HV02' -VirtualMachineMigrationAuthenticationType"
                + " Kerberos"), hosts);
        // a host the check of step 1 found using CredSSP is switched here too, and only here
        String loop = hosts.lines().filter(l -> l.startsWith("foreach ($h in ")).findFirst().orElseThrow();
        assertTrue(loop.contains("'HV01'") && loop.endsWith("{ if ((Get-VMHost -ComputerName $h)"
                + ".VirtualMachineMigrationAuthenticationType -eq 'CredSSP') { Set-VMHost -ComputerName $h"
                + " -VirtualMachineMigrationAuthenticationType Kerberos } }"), hosts);
        assertFalse(loop.contains("'HV02'"), "HV02 is switched by its own step");
        assertEquals(md.indexOf("-VirtualMachineMigrationAuthenticationType Kerberos"), md.indexOf(
                "-VirtualMachineMigrationAuthenticationType Kerberos", heading(md, "On the hosts")), md);
        assertTrue(heading(md, "On the hosts") < heading(md, "Replicate"), md);
        // the rollback says where it was set: the hosts' step only
        String on = md.substring(heading(md, "On the hosts") + 4).split("\\.", 2)[0];
        assertTrue(md.contains("The migration authentication set to Kerberos on a host (step " + on + ") is not"
                + " undone"), md);
        assertFalse(html(doc).contains("step 1 and step"), "html");
        // the script's "Next" text: host settings, then repadmin, then the purge; no setting after them
        String ps1 = ps1(doc);
        int first = ps1.indexOf("Set-VMHost -ComputerName ''HV02''"); // HV02's own step, then the loop over HV01 …
        assertTrue(ps1.indexOf("Set-VMHost -ComputerName $h") > first, ps1);
        int repadmin = ps1.indexOf("Write-Host ('Next: repadmin /syncall");
        int purge = ps1.indexOf("klist -li 0x3e7 purge   (type it");
        assertTrue(first > 0 && first < repadmin && repadmin < purge, first + " " + repadmin + " " + purge);
        assertFalse(ps1.substring(repadmin).contains("Set-VMHost"), ps1.substring(repadmin));
        // the procedure (workbook, PDF): the pre-checks carry the Get-VMHost only
        ReportView view = ReportView.of(doc);
        assertTrue(view.procedure().steps(Procedure.Phase.BEFORE).stream().flatMap(s -> s.commands().stream())
                .noneMatch(c -> c.contains("Set-VMHost")));
        assertTrue(view.procedure().steps(Procedure.Phase.HOSTS).stream().flatMap(s -> s.commands().stream())
                .anyMatch(c -> c.startsWith("foreach ($h in 'HV01'") && c.contains("Set-VMHost -ComputerName $h")));
    }

    /** Item 7: how to run the script, where, and what PowerShell's execution policy asks. */
    @Test
    void theRunbookSaysHowAndWhereToRunTheScript() throws Exception {
        FindingsDocument doc = scenario();
        String md = md(doc);
        String change = section(md, "Change each host");
        assertTrue(change.contains(".\\remediation.ps1 -Apply"), change);
        assertTrue(change.indexOf(".\\remediation.ps1\n") < change.indexOf(".\\remediation.ps1 -Apply"),
                "the dry run first: " + change);
        assertTrue(change.contains("Unblock-File .\\remediation.ps1"), change);
        assertTrue(section(md, "Rollback").contains(".\\remediation.ps1 -Rollback -Apply"), md);
        assertFalse(md.replace(".\\remediation.ps1 -", "").contains("remediation.ps1 -Apply")
                || md.replace(".\\remediation.ps1 -", "").contains("remediation.ps1 -Rollback"), md);
        String html = html(doc);
        assertTrue(html.contains(".\\remediation.ps1 -Apply") && html.contains("Unblock-File"), html);
        ReportView view = ReportView.of(doc);
        assertTrue(view.procedure().phase(Procedure.Phase.CHANGE).summary().contains(".\\remediation.ps1 -Apply"),
                view.procedure().phase(Procedure.Phase.CHANGE).summary());
        assertTrue(view.procedure().phase(Procedure.Phase.ROLLBACK).summary().contains(
                ".\\remediation.ps1 -Rollback -Apply"));
    }

    /** Item 9: Reset-ComputerMachinePassword is a cmdlet of Windows PowerShell 5.1 only. */
    @Test
    void thePasswordResetNamesWindowsPowerShell() throws Exception {
        String hosts = section(md(scenario()), "On the hosts");
        assertTrue(hosts.contains("Windows PowerShell 5.1 (powershell.exe"), hosts);
        assertTrue(html(scenario()).contains("Windows PowerShell 5.1 (powershell.exe"));
        // and the finding's own remediation, which the PDF, the workbook and findings.json give
        assertTrue(org.kcdauditor.remedy.Remedies.describe(new Action.ResetMachinePassword("HV13")).contains(
                "in an elevated Windows PowerShell 5.1 (powershell.exe, not pwsh)"));
    }

    /** Item 18: the warning about a pasted dash goes with the command that has dashes. */
    @Test
    void theDashWarningIsOnThePurgeNotOnRepadmin() throws Exception {
        String md = md(scenario());
        assertFalse(section(md, "Replicate").contains("en-dash"), section(md, "Replicate"));
        assertTrue(section(md, "Purge the hosts' Kerberos tickets").contains("en-dash"), md);
        String html = html(scenario());
        int purge = html.indexOf("Purge the hosts&#39; Kerberos tickets<a");
        assertTrue(purge > 0 && html.indexOf("en-dash") > purge, html);
    }

    /** Item 21: one unit for the host steps, the actions and the hosts they run on. */
    @Test
    void theHostStepsAreCountedAsActionsOnHosts() throws Exception {
        FindingsDocument doc = scenario();
        ReportView view = ReportView.of(doc);
        int actions = view.plan().onHosts().size();
        int on = view.plan().hostsWithSteps().size();
        String unit = Words.plural(actions, "action") + " on " + Words.plural(on, "host");
        assertTrue(actions > on, actions + " " + on);
        assertTrue(view.procedure().phase(Procedure.Phase.HOSTS).summary().startsWith(unit),
                view.procedure().phase(Procedure.Phase.HOSTS).summary());
        assertTrue(html(doc).contains("(" + unit), html(doc));
    }

    /**
     * Item 4 (a): an entry added outside the baseline that the change removes (HV11's stale HV15 entries): its advice
     * in every report ("keep it by capturing a new baseline, or remove it") says the change removes it and how to keep
     * it instead, before the change.
     */
    @Test
    void anEntryAddedOutsideTheBaselineThatTheChangeRemovesSaysSo() {
        FindingsDocument d = scenario();
        List<Finding> all = new ArrayList<>(d.findings());
        Finding added = Finding.of("BASELINE_ENTRY_ADDED", Severity.MEDIUM, "HVC2", "HV11", "HV15",
                "cifs/hv15.contoso.com", "cifs/hv15.contoso.com", "HV11 delegates to cifs/hv15.contoso.com, which the"
                        + " approved baseline does not list.", null, List.of(new Action.Manual("Review the change; keep"
                        + " it by capturing a new baseline, or remove it:", List.of(new Action.RemoveDelegation("HV11",
                        "HV15", List.of("cifs/hv15.contoso.com"))))));
        all.add(added);
        ReportView view = ReportView.of(d.withFindings(all));
        assertTrue(view.plan().decisions().stream().noneMatch(x -> x.finding().id().equals(added.id())),
                "the change carries out its removal: no decision");
        String advice = view.findings().stream().filter(f -> f.finding().id().equals(added.id())).findFirst()
                .orElseThrow().remediation();
        assertEquals("The change of HV11 removes it (Remove stale delegation to HV15). To keep it instead, decide before"
                + " the change: waive STALE_DELEGATION on HV11 and capture a new baseline that documents the entry, then"
                + " audit again; the new plan leaves it alone.", advice);
    }

    /** runbook.md of the scenario, for a look at it: mvn test -Dtest=RunbookOrderTest -Dkcd.dumpRunbook=DIR. */
    @Test
    void dump() throws Exception {
        String dir = System.getProperty("kcd.dumpRunbook");
        if (dir != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "runbook.md"), md(scenario()));
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "runbook.html"), html(scenario()));
            java.nio.file.Files.writeString(java.nio.file.Path.of(dir, "remediation.ps1"), ps1(scenario()));
        }
    }

    /**
     * Item 15: a node → file server path the change fixes (HV02 → NAS02, blocked by HV02's CredSSP) carries no live
     * migration, so no test move checks it: the validation checks it through the node's delegation instead, and
     * counts the test moves apart from it.
     */
    @Test
    void aFixedStoragePathIsCheckedThroughTheNodesDelegation() throws Exception {
        Finding credSsp = TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 authenticates live migrations with CredSSP.", Evidence.builder().build(),
                new Action.SetMigrationAuthentication("HV02"));
        String json = java.nio.file.Files.readString(Fixtures.DEMO_FILE).replace("{\"from\":\"HV02\",\"to\":\"NAS02\","
                + "\"required\":2,\"present\":2,\"ok\":true,\"blockers\":[]", "{\"from\":\"HV02\",\"to\":\"NAS02\","
                + "\"required\":2,\"present\":2,\"ok\":false,\"blockers\":[{\"rule\":\"MIGRATION_AUTH_NOT_KERBEROS\","
                + "\"findingId\":\"" + credSsp.id() + "\"}]");
        assertTrue(json.contains(credSsp.id()), "the fixture's pair HV02 -> NAS02");
        FindingsDocument doc = Fixtures.withFindings(FindingsJson.MAPPER.readValue(json, FindingsDocument.class),
                List.of(credSsp));
        ReportView view = ReportView.of(doc);
        assertEquals(1, view.plan().storagePaths(doc).size(), view.plan().storagePaths(doc).toString());
        String check = "Invoke-Command -ComputerName 'HV02' -ScriptBlock { Test-Path -LiteralPath"
                + " '\\\\nas02.contoso.com\\<share>' }";
        assertTrue(view.procedure().steps(Procedure.Phase.VALIDATE).stream().anyMatch(st -> st.commands().equals(
                List.of(check)) && st.action().startsWith("Check the storage path HV02 → NAS02")));
        String summary = view.procedure().phase(Procedure.Phase.VALIDATE).summary();
        int moves = view.plan().validate().size();
        assertTrue(summary.startsWith("Live-migrate a test VM in each of the " + moves + " directions the change fixes"
                ) || summary.contains(moves + " directions: "), summary);
        assertTrue(summary.contains("The storage path (node → file server) the change fixes, which no live migration"
                + " tests, is checked"), summary);
        assertTrue(md(doc).contains(check), "runbook.md");
        assertTrue(html(doc).contains("Invoke-Command -ComputerName &#39;HV02&#39;"), "runbook.html");
        assertTrue(ps1(doc).contains(check.replace("'", "''")), "remediation.ps1");
    }

    /** Item 4 (b): a removal is labelled by its reason; the entry to a domain controller is a security fix. */
    @Test
    void aRemovalIsLabelledByItsReason() throws Exception {
        FindingsDocument doc = scenario();
        ReportView view = ReportView.of(doc);
        RemediationPlan.HostChange hv11 = view.plan().hosts().stream().filter(h -> h.name().equals("HV11"))
                .findFirst().orElseThrow();
        RemediationPlan.PeerSpns dc = hv11.remove().stream().filter(p -> p.peer().equals("DC1")).findFirst()
                .orElseThrow();
        RemediationPlan.PeerSpns stale = hv11.remove().stream().filter(p -> p.peer().equals("HV15")).findFirst()
                .orElseThrow();
        assertEquals("Remove delegation to domain controller DC1 (security)", view.plan().removal(hv11, dc));
        assertEquals("Remove stale delegation to HV15", view.plan().removal(hv11, stale));
        // the workbook's Runbook sheet and the runbook say the same
        assertTrue(view.procedure().steps(Procedure.Phase.CHANGE).stream().anyMatch(s -> s.action().equals(
                "Remove delegation to domain controller DC1 (security)")));
        String md = md(doc);
        assertTrue(md.contains("   - Remove delegation to domain controller DC1 (security):\n     - [ ] cifs/dc1.contoso.com"),
                md);
        assertTrue(ObjectChange.of(view.plan(), doc).stream().filter(o -> o.name().equals("HV11")).findFirst()
                .orElseThrow().loses().stream().anyMatch(l -> l.startsWith("delegation to domain controller DC1"
                        + " (security)")));
    }

    /**
     * Item 4 (a): the expired waiver kept the entries the change removes: the decision says so, and how to keep them
     * instead, before the change.
     */
    @Test
    void aDecisionAboutEntriesTheChangeRemovesSaysSo() throws Exception {
        FindingsDocument doc = scenario();
        ReportView view = ReportView.of(doc);
        RemediationPlan.Decision waiver = view.plan().decisions().stream().filter(d -> d.finding().rule().equals(
                "WAIVER_EXPIRED")).findFirst().orElseThrow();
        assertTrue(waiver.what().contains("The change removes the entries it kept (HV11: cifs/hv15.contoso.com,"
                + " Microsoft Virtual System Migration Service/HV15)"), waiver.what());
        assertTrue(waiver.what().contains("renew the waiver before the change"), waiver.what());
        assertTrue(md(doc).contains("renew the waiver before the change"));
    }
}
