package org.kcdauditor.report;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.TestFindings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.runbook.RunbookWriter;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunbookTest {
    /** Golden files live here; run with -Dkcd.updateGolden=true to rewrite them after an intended change. */
    static final Path GOLDEN = Path.of("src/test/resources/report/golden");
    static final Path TEMPLATES = Path.of("templates");

    static String render(RunbookWriter w, FindingsDocument doc) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(ReportView.of(doc), out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** runbook.md of {@code doc}, from the templates of the checkout. */
    static String markdown(FindingsDocument doc) throws Exception {
        return render(RunbookWriter.markdown(new TemplateRenderer(TEMPLATES)), doc);
    }

    /** runbook.html of {@code doc}, from the templates of the checkout. */
    static String html(FindingsDocument doc) throws Exception {
        return render(RunbookWriter.html(new TemplateRenderer(TEMPLATES)), doc);
    }

    /**
     * A stored run (report --from) that read a read-only DC: the plan writes to and pushes from its writeDc, the PDC
     * emulator, in every output, the PDF's procedure included; the RODC is named only as the DC the audit read. The
     * same document without the two fields is a writable DC's, as before.
     */
    @Test
    void aStoredRunThatReadAReadOnlyDcWritesToItsPdcEmulator() throws Exception {
        String json = Files.readString(Fixtures.DEMO_FILE);
        FindingsDocument doc = FindingsJson.MAPPER.readValue(json.replace("\"dc\" : \"dc1.contoso.com\",",
                "\"dc\" : \"rodc1.contoso.com\", \"dcReadOnly\" : true, \"writeDc\" : \"pdc.contoso.com\",")
                .replace("\"dc\":\"dc1.contoso.com\",", "\"dc\":\"rodc1.contoso.com\",\"dcReadOnly\":true,"
                        + "\"writeDc\":\"pdc.contoso.com\","), FindingsDocument.class);
        assertTrue(doc.directory().readFromReadOnlyDc() && doc.directories().get(0).asDirectory().readFromReadOnlyDc());
        String note = "kcd-audit read rodc1.contoso.com, a read-only domain controller; the changes are written to"
                + " pdc.contoso.com, the domain's PDC emulator, and replicated from there";
        ReportView view = ReportView.of(doc);
        assertEquals(List.of(note), view.plan().readOnlyNotes());
        assertEquals(List.of("repadmin /syncall pdc.contoso.com /AdeP"), view.procedure().replicateCommands());
        assertTrue(view.procedure().phase(Procedure.Phase.CHANGE).summary().endsWith("; " + note + "."),
                view.procedure().phase(Procedure.Phase.CHANGE).summary());
        String md = markdown(doc);
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        assertTrue(md.contains(note), md);
        assertFalse(md.contains("'rodc1.contoso.com'") || md.contains("/syncall rodc1"), md);
        assertTrue(ps1.contains("[string]$Server = 'pdc.contoso.com'"), ps1);
        assertFalse(ps1.contains("'rodc1.contoso.com'"), ps1);

        FindingsDocument writable = FindingsJson.MAPPER.readValue(json, FindingsDocument.class);
        assertEquals(List.of(), ReportView.of(writable).plan().readOnlyNotes());
        assertEquals(json, FindingsJson.MAPPER.writeValueAsString(writable) + "\n",
                "no field is added for a writable DC");
    }

    /**
     * A cluster whose name no shell takes as one plain argument (quotes, {@code &}, {@code <}) gets no preflight
     * command (Commands.preflight): the closing step says so and how to run it, instead of an empty code block in the
     * runbooks and a blank command line in remediation.ps1's closing list.
     */
    @Test
    void theClosingPreflightOfAClusterWhoseNameNoShellTakesSaysSoInsteadOfAnEmptyCommand() throws Exception {
        String name = "Prod \"A\" & <B>=1";
        FindingsDocument doc = FindingsJson.MAPPER.readValue(Files.readString(Fixtures.DEMO_FILE)
                .replace("\"HVC1\"", "\"" + name.replace("\"", "\\\"") + "\""), FindingsDocument.class);
        assertEquals(name, doc.clusters().get(0).name());
        String md = markdown(doc);
        String html = html(doc);
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        assertFalse(md.contains("```\n\n```"), "an empty code block: " + md);
        assertFalse(html.contains("<pre></pre>"), "an empty code block: " + html);
        assertFalse(ps1.contains("Write-Host '     ("), "a blank command: " + ps1);
        String why = "no command is given for it: its name holds characters a command line would change";
        assertTrue(md.contains(why), md);
        assertTrue(html.contains(why), html);
        assertTrue(ps1.contains(why), ps1);
        // the other cluster keeps its command
        assertTrue(md.contains("kcd-audit preflight --config kcd-audit.yaml --cluster HVC2"), md);
        assertTrue(ps1.contains("kcd-audit preflight --config kcd-audit.yaml --cluster HVC2"), ps1);
    }

    /** The number of runbook.md's step titled {@code title} ("On the host", "Needs a decision"); fails without it. */
    static String stepNumber(String md, String title) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("## (\\d+)\\. " + title).matcher(md);
        assertTrue(m.find(), md);
        return m.group(1);
    }

    /** The demo with a network failure HV13 -> HV11 logged, which delegation cannot explain. */
    private static FindingsDocument withNetworkFailure() {
        return Fixtures.withFindings(Fixtures.demo(), List.of(TestFindings.of(
                "MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC2", "HV13", "HV11", null, "1 failed migration event"
                        + " HV13 -> HV11 [NETWORK 0x80072746]; delegation cannot explain this failure.",
                Evidence.builder().delegationExplains(false).classifications(List.of("NETWORK 0x80072746")).build(),
                new Action.Manual("Check the migration networks."))));
    }

    @Test
    void waivedFindingsAreNeitherChangedNorValidated() throws Exception {
        FindingsDocument doc = Fixtures.demo();
        Finding.Waiver w = new Finding.Waiver("HV03 is being rebuilt, CHG0042", java.time.LocalDate.of(2035, 12, 31));
        List<Finding> findings = doc.findings().stream().map(f -> f.rule().equals("MISSING_DELEGATION")
                && f.host().equals("HV02") ? f.withWaiver(w) : f).toList();
        FindingsDocument waived = new FindingsDocument(doc.schemaVersion(), doc.runId(), doc.startedAt(),
                doc.finishedAt(), doc.directory(), doc.summary(), doc.policy(), doc.clusters(), doc.hosts(), findings, null);
        String before = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        String after = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), waived);
        assertTrue(before.contains("Add-Values 'HV02$'"), before);
        assertFalse(after.contains("Add-Values 'HV02$'"), after);
        assertTrue(before.contains("on HV02: Move-ClusterVirtualMachineRole -Name ''<test VM>'' -Node ''HV03''"), before);
        assertFalse(after.contains("on HV02: Move-ClusterVirtualMachineRole -Name ''<test VM>'' -Node ''HV03''"), after);
        assertTrue(after.contains("Add-Values 'HV01$'"), "unwaived changes stay");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theModelNamesTheAccountLosingADuplicateSpnAndEachHostsAccount() {
        Map<String, Object> m = org.kcdauditor.report.runbook.RunbookModel.of(ReportView.of(Fixtures.demo()),
                java.util.Set.of());
        List<Map<String, Object>> unregister = (List<Map<String, Object>>) m.get("unregister");
        assertFalse(unregister.isEmpty(), "the demo's svc-vmm holds HV12's SPN");
        for (Map<String, Object> u : unregister) {
            assertEquals("svc-vmm", u.get("account"), "the user account, not the holder's name with $: " + u);
        }
        for (Map<String, Object> h : (List<Map<String, Object>>) m.get("hosts")) {
            assertEquals(h.get("name") + "$", h.get("identity"));
        }
    }

    @Test
    void theRollbackNamesEveryStepThatSetsTheMigrationAuthenticationToKerberos() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(TestFindings.of(
                "MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null, "HV02 authenticates live"
                        + " migrations with CredSSP.", Evidence.builder().build(),
                new Action.SetMigrationAuthentication("HV02"))));
        String md = markdown(doc);
        String on = stepNumber(md, "On the host");
        // step 1 only reads: the host's own step and the hosts the check found using CredSSP are both in that step
        assertTrue(md.contains("The migration authentication set to Kerberos on a host (step " + on
                + ") is not undone"), md);
        String html = html(doc);
        assertTrue(html.contains("(step " + on + ") is not undone"), html);
        assertTrue(markdown(Fixtures.demo()).contains("(step " + on + ") is not undone"), "the CredSSP block's step");
        assertFalse(html.contains("step 1 and step"), html);
    }

    /**
     * Decisions that ask the same question about the same host, one per entry, are one step whatever the rule: HV01's
     * two entries to SRV01 (an existing host that is no configured peer) are asked once, listed, and removed by one
     * command; they still count as two findings.
     */
    @Test
    void entriesOfOneHostAskedTheSameAreOneDecisionStep() throws Exception {
        List<Finding> stale = new java.util.ArrayList<>();
        for (String spn : List.of("cifs/SRV01", "cifs/srv01.contoso.com")) {
            stale.add(TestFindings.of("STALE_DELEGATION", Severity.LOW, "HVC1", "HV01", "SRV01", spn,
                    "HV01 delegates to " + spn + " but SRV01 is not a peer of HV01 in the configured clusters.",
                    Evidence.builder().targetExists(true).build(), new Action.Manual("SRV01 exists in the directory"
                            + " but is not a configured peer of HV01: decide.", List.of(new Action.RemoveDelegation(
                            "HV01", "SRV01", List.of(spn))))));
        }
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), stale);
        RemediationPlan plan = RemediationPlan.of(doc);
        RemediationPlan.DecisionStep step = plan.decisionSteps().stream()
                .filter(x -> x.first().finding().rule().equals("STALE_DELEGATION")).findFirst().orElseThrow();
        assertEquals(2, step.decisions().size());
        assertEquals(List.of(new Action.RemoveDelegation("HV01", "SRV01", List.of("cifs/SRV01",
                "cifs/srv01.contoso.com"))), step.proposed());
        assertEquals(plan.decisions().size() - 1, plan.decisionSteps().size());
        String md = markdown(doc);
        assertEquals(1, md.split("  To decide: SRV01 exists in the directory", -1).length - 1, md);
        assertTrue(md.contains("on HV01: 2 findings, one per entry, ask the same question:\n  - to SRV01: `cifs/SRV01`,"
                + " `cifs/srv01.contoso.com`\n"), md);
        assertTrue(md.contains("  If so: `Set-ADComputer -Identity 'HV01$' -Remove @{'msDS-AllowedToDelegateTo'="
                + "@('cifs/SRV01','cifs/srv01.contoso.com')} -Server 'dc1.contoso.com'`"), md);
        assertTrue(md.contains(plan.decisionSteps().size() + " decisions (" + plan.decisions().size()
                + " findings): one step per host and question."), md);
    }

    /**
     * docs/reports.md's row for the templates' {@code decisions[]} names every field the model gives a decision step: a
     * template written from the page can read the undo of a yes (RBCD_ALLOWS_ANY_ACCOUNT's saved descriptor set back)
     * as the shipped ones do.
     */
    @Test
    @SuppressWarnings("unchecked")
    void reportsMdNamesEveryFieldOfADecisionStep() throws Exception {
        Finding stale = TestFindings.of("STALE_DELEGATION", Severity.LOW, "HVC1", "HV01", "SRV01", "cifs/SRV01",
                "HV01 delegates to cifs/SRV01 but SRV01 is not a peer of HV01 in the configured clusters.",
                Evidence.builder().targetExists(true).build(), new Action.Manual("SRV01 exists in the directory but"
                        + " is not a configured peer of HV01: decide.", List.of(new Action.RemoveDelegation("HV01",
                        "SRV01", List.of("cifs/SRV01")))));
        Map<String, Object> m = org.kcdauditor.report.runbook.RunbookModel.of(ReportView.of(
                Fixtures.withFindings(Fixtures.demo(), List.of(stale))), java.util.Set.of());
        Map<String, Object> decision = ((List<Map<String, Object>>) m.get("decisions")).get(0);
        String row = Files.readString(Path.of("docs/reports.md")).lines().filter(l -> l.startsWith("| `decisions[]` |"))
                .findFirst().orElseThrow();
        for (String field : decision.keySet()) {
            assertTrue(row.contains("`" + field + "`") || row.contains("`" + field + "[]`"), field + " in " + row);
        }
    }

    @Test
    void onlyEntriesNamingHostsThatDoNotExistAreScriptedForRemoval() throws Exception {
        Action remove = new Action.RemoveDelegation("HV01", "SRV01", List.of("cifs/srv01.contoso.com"));
        Finding nonPeer = TestFindings.of("STALE_DELEGATION", Severity.LOW, "HVC1", "HV01", "SRV01",
                "cifs/srv01.contoso.com", "HV01 delegates to cifs/srv01.contoso.com but SRV01 is not a peer of HV01"
                        + " in the configured clusters.", Evidence.builder().targetExists(true).build(),
                new Action.Manual("SRV01 exists in the directory but is not a configured peer of HV01: decide.",
                        List.of(remove)));
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(nonPeer));
        RemediationPlan plan = RemediationPlan.of(doc);
        assertTrue(plan.hosts().stream().flatMap(h -> h.remove().stream()).flatMap(p -> p.spns().stream())
                .noneMatch(spn -> spn.contains("srv01")), "an existing non-peer host is not removed");
        assertTrue(plan.hosts().stream().anyMatch(h -> h.remove().stream().anyMatch(p -> p.spns()
                .contains("cifs/hv15.contoso.com"))), "a host that does not exist is");
        RemediationPlan.Decision d = plan.decisions().stream()
                .filter(x -> x.finding().rule().equals("STALE_DELEGATION") && "SRV01".equals(x.finding().peer()))
                .findFirst().orElseThrow();
        assertTrue(d.what().startsWith("SRV01 exists in the directory but is not a configured peer of HV01"), d.what());
        assertEquals(List.of(remove), d.proposed());
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        assertFalse(ps1.contains("srv01"), ps1);
        assertTrue(ps1.contains("    # Remove stale delegation to HV15 (STALE_DELEGATION)"), ps1);
        assertTrue(ps1.contains("    # Remove delegation to domain controller DC1 (security) (DELEGATION_TO_SENSITIVE_TARGET)"),
                ps1);
        String md = markdown(doc);
        assertTrue(md.contains("  To decide: SRV01 exists in the directory"), md);
        assertTrue(md.contains("  If so: `Set-ADComputer -Identity 'HV01$' -Remove @{'msDS-AllowedToDelegateTo'="
                + "@('cifs/srv01.contoso.com')} -Server 'dc1.contoso.com'`"), md);
    }

    @Test
    void baselineDriftThePlanChangesIsNoSeparateDecision() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                TestFindings.of("BASELINE_ENTRY_REMOVED", Severity.HIGH, "HVC1", "HV01", "HV02",
                        "CIFS/hv02.contoso.com.", "HV01 no longer delegates to CIFS/hv02.contoso.com., which the"
                                + " approved baseline lists.", Evidence.NONE, new Action.Manual("Restore it:",
                                List.of(new Action.AddDelegation("HV01", "HV02", List.of("CIFS/hv02.contoso.com."))))),
                TestFindings.of("BASELINE_ENTRY_ADDED", Severity.MEDIUM, "HVC2", "HV11", "HV15",
                        "cifs/hv15.contoso.com", "HV11 delegates to cifs/hv15.contoso.com, which the approved baseline"
                                + " does not list.", Evidence.NONE, new Action.Manual("Review the change:",
                                List.of(new Action.RemoveDelegation("HV11", "HV15", List.of("cifs/hv15.contoso.com"))))),
                TestFindings.of("BASELINE_ENTRY_ADDED", Severity.MEDIUM, "HVC2", "HV12", "HV15",
                        "cifs/hv15.contoso.com", "HV12 delegates to cifs/hv15.contoso.com, which the approved baseline"
                                + " does not list.", Evidence.NONE, new Action.Manual("Review the change:",
                                List.of(new Action.RemoveDelegation("HV12", "HV15", List.of("cifs/hv15.contoso.com"))))),
                TestFindings.of("BASELINE_FLAGS_CHANGED", Severity.HIGH, "HVC1", "HV03", null, null,
                        "HV03 userAccountControl changed since the baseline.",
                        Evidence.builder().delegationBits(true).build(),
                        new Action.Manual("Compare with the change record."))));
        RemediationPlan plan = RemediationPlan.of(doc);
        List<String> rules = plan.decisions().stream().map(m -> m.finding().rule() + " " + m.finding().host()).toList();
        assertFalse(rules.contains("BASELINE_ENTRY_REMOVED HV01"), "step 2.1 adds the entry back: " + rules);
        assertFalse(rules.contains("BASELINE_ENTRY_ADDED HV11"), "step 2.3 removes it: " + rules);
        assertTrue(rules.contains("BASELINE_ENTRY_ADDED HV12"), "the plan does not change HV12: " + rules);
        RemediationPlan.Decision flags = plan.decisions().stream()
                .filter(m -> m.finding().rule().equals("BASELINE_FLAGS_CHANGED")).findFirst().orElseThrow();
        assertEquals("HV03", flags.coveredBy());
        String md = markdown(doc);
        assertTrue(md.contains("  Covered by step 2.3, which changes HV03's delegation"), md);
    }

    @Test
    void flagsTheHostsChangeSetsBackToTheBaselineAreSettledNotADecision() throws Exception {
        // the demo's HV03 is set to unconstrained delegation by hand; its change (step 2.3) sets it back to
        // constrained delegation with protocol transition, which is what the baseline documents
        Finding restored = TestFindings.of("BASELINE_FLAGS_CHANGED", Severity.HIGH, "HVC1", "HV03", null, null,
                "HV03 userAccountControl changed since the baseline.", Evidence.builder()
                        .expected(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION"))
                        .actual(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_FOR_DELEGATION")).delegationBits(true)
                        .build(), new Action.Manual("Compare with the change record."));
        RemediationPlan plan = RemediationPlan.of(Fixtures.withFindings(Fixtures.demo(), List.of(restored)));
        RemediationPlan.HostChange hv03 = plan.hosts().stream().filter(h -> h.name().equals("HV03")).findFirst()
                .orElseThrow();
        assertTrue(hv03.unconstrained() && Boolean.TRUE.equals(hv03.trustedToAuth()), hv03.toString());
        assertTrue(plan.settles(restored.id()));
        assertTrue(plan.decisions().stream().noneMatch(d -> d.finding().id().equals(restored.id())));

        // a baseline with Kerberos only: the change leaves protocol transition on, so the flags still differ
        Finding other = TestFindings.of("BASELINE_FLAGS_CHANGED", Severity.HIGH, "HVC1", "HV03", null, null,
                "HV03 userAccountControl changed since the baseline.", Evidence.builder()
                        .expected(List.of("WORKSTATION_TRUST_ACCOUNT"))
                        .actual(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_FOR_DELEGATION")).delegationBits(true)
                        .build(), new Action.Manual("Compare with the change record."));
        RemediationPlan kept = RemediationPlan.of(Fixtures.withFindings(Fixtures.demo(), List.of(other)));
        assertFalse(kept.settles(other.id()));
        assertTrue(kept.decisions().stream().anyMatch(d -> d.finding().id().equals(other.id())));
    }

    @Test
    void theBaselineLineCountsTheBaselineFindingsAndPointsAtAReportThatIsThere() throws Exception {
        Evidence none = Evidence.builder().build();
        FindingsDocument d = Fixtures.withFindings(Fixtures.demo(), List.of(
                TestFindings.of("BASELINE_ENTRY_ADDED", Severity.MEDIUM, "HVC1", "HV01", "HV09", "cifs/HV09", "added",
                        none),
                TestFindings.of("BASELINE_HOST_NEW", Severity.LOW, "HVC1", "HV03", null, null, "new", none),
                TestFindings.of("WAIVER_EXPIRED", Severity.MEDIUM, null, "HV02", null, null, "expired", none),
                TestFindings.of("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", "HV01", null, null, "changed", none)));
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null, null,
                new HistorySections.BaselineDoc("baseline.yaml", java.time.Instant.parse("2026-11-01T06:00:00Z"), null,
                        "jdoe", 6, List.of(), null), null, null, null);
        ReportView view = ReportView.of(doc);
        assertEquals(4, view.findings(org.kcdauditor.rules.Category.DRIFT).size(), "the Drift sheet's rows");
        RunbookWriter md = RunbookWriter.markdown(new TemplateRenderer(TEMPLATES));
        // the deviations from the baseline are the BASELINE_ findings, not the waiver's or the last run's
        String all = md.render(view);
        // the sheet has 4 rows: the sentence that sends the reader there says why it holds more than 2
        assertTrue(all.contains("approved by jdoe: 2 deviations from it found; see the Drift sheet of audit.xlsx, which"
                + " also lists 2 other drift findings (waivers, changes since the last run)."), all);
        String alone = md.render(view, java.util.EnumSet.of(Format.MD));
        assertTrue(alone.contains("approved by jdoe: 2 deviations from it found.\n"), "no workbook to point at: " + alone);
    }

    /**
     * Review 3 item 7: a node rebuilt without its delegation (254 entries towards 64 peers) opened the runbook with one
     * bullet of 18,700 characters, each entry its own clause. A host with more than three changes is counted from its
     * evidence, and after five hosts the rest are counted, the full list in the workbook's Timeline sheet.
     */
    @Test
    void aHostsManyChangesSinceThePreviousRunAreCountedNotListed() throws Exception {
        java.time.Instant before = java.time.Instant.parse("2026-12-06T06:00:01Z");
        List<Finding> changed = new java.util.ArrayList<>();
        List<String> removed = new java.util.ArrayList<>();
        for (int p = 1; p <= 64; p++) {
            String peer = String.format("HV%05d", p);
            for (String form : List.of(peer, peer.toLowerCase(java.util.Locale.ROOT) + ".contoso.com")) {
                removed.add("cifs/" + form);
                removed.add("Microsoft Virtual System Migration Service/" + form);
            }
        }
        removed = removed.subList(0, 254);
        List<String> lines = new java.util.ArrayList<>(removed.stream()
                .map(v -> "HV00010: delegation entry removed: " + v).toList());
        lines.add("HV00010: SPN removed: HOST/hv00010.contoso.com");
        changed.add(TestFindings.of("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", "HV00010", null, null,
                String.join("; ", lines) + ". The directory records no write of msDS-AllowedToDelegateTo on HV00010.",
                Evidence.builder().previousRunId("e13d1b55").previousRunAt(before).changes(lines)
                        .entriesRemoved(removed).attribute("msDS-AllowedToDelegateTo").mayBeUnreadable(true).build()));
        for (int h = 1; h <= 7; h++) {
            String host = "HV9" + h;
            String line = host + ": delegation entry added: cifs/HV0" + h;
            changed.add(TestFindings.of("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", host, null, null, line + ".",
                    Evidence.builder().previousRunId("e13d1b55").previousRunAt(before).changes(List.of(line))
                            .entriesAdded(List.of("cifs/HV0" + h)).build()));
        }
        ReportView view = ReportView.of(Fixtures.withFindings(Fixtures.demo(), changed));
        String md = RunbookWriter.markdown(new TemplateRenderer(TEMPLATES)).render(view);
        String html = RunbookWriter.html(new TemplateRenderer(TEMPLATES)).render(view);
        String context = md.substring(0, md.indexOf("## 1. Before you start"));
        assertTrue(context.contains("- Changed since the previous run (2026-12-06 06:00:01 UTC): HV00010: 254 delegation"
                + " entries removed (towards 64 hosts: HV00001, HV00002, HV00003, …), none added, 1 other change; every change in the Timeline"
                + " sheet of audit.xlsx and findings.json. The directory records no write of msDS-AllowedToDelegateTo"
                + " on HV00010 since the previous run: the entries may still be there"), context);
        assertFalse(context.contains("delegation entry removed: cifs/HV00001"), context);
        // a host with one change reads as it is; five hosts are named, the rest counted
        assertTrue(context.contains("- Changed since the previous run: HV91: delegation entry added: cifs/HV01.\n"),
                context);
        assertTrue(context.contains("- … and 3 more hosts changed since the previous run: every change in the Timeline"
                + " sheet of audit.xlsx and findings.json.\n"), context);
        assertFalse(context.contains("HV95:"), context);
        assertTrue(context.length() < 3000, context.length() + ": " + context);
        String htmlContext = html.substring(html.indexOf("History context"), html.indexOf("<h2 id=\"step-1\">"));
        assertTrue(htmlContext.contains("HV00010: 254 delegation entries removed (towards 64 hosts: HV00001, HV00002,"
                + " HV00003, …)"), htmlContext);
        assertTrue(htmlContext.length() < 3000, htmlContext.length() + ": " + htmlContext);
    }

    /**
     * The counted line reads the finding's typed evidence, not its words: the note that the directory records no write
     * of the attribute comes from {@code mayBeUnreadable}, however the message is worded (here it does not start with
     * the changes), and a host is the host part of an entry as the rules take it ({@code Rules.hostOf}: port, trailing
     * dot and the rest of the DNS name dropped, case folded as the KDC does), so the KELVIN SIGN look-alike of
     * {@code kv1}, a name the KDC keeps apart, is a host of its own.
     */
    @Test
    void aCountedHostsLineReadsTheTypedEvidenceNotTheMessage() throws Exception {
        java.time.Instant before = java.time.Instant.parse("2026-12-06T06:00:01Z");
        List<String> removed = List.of("cifs/kv1", "cifs/KV1.contoso.com:445",
                "Microsoft Virtual System Migration Service/kv1.", "cifs/\u212Av1");
        List<String> lines = removed.stream().map(v -> "HV7: delegation entry removed: " + v).toList();
        Finding f = TestFindings.of("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", "HV7", null, null,
                "Four entries of HV7 are gone.", Evidence.builder().previousRunId("e13d1b55").previousRunAt(before)
                        .changes(lines).entriesRemoved(removed).attribute("msDS-AllowedToDelegateTo")
                        .mayBeUnreadable(true).build());
        String md = RunbookWriter.markdown(new TemplateRenderer(TEMPLATES))
                .render(ReportView.of(Fixtures.withFindings(Fixtures.demo(), List.of(f))));
        String context = md.substring(0, md.indexOf("## 1. Before you start"));
        assertTrue(context.contains("- Changed since the previous run (2026-12-06 06:00:01 UTC): HV7: 4 delegation"
                + " entries removed (towards 2 hosts: kv1, \u212Av1), none added; every change in the Timeline sheet of audit.xlsx and"
                + " findings.json. The directory records no write of msDS-AllowedToDelegateTo on HV7 since the previous"
                + " run: the entries may still be there and the bind account no longer allowed to read them"
                + " (docs/install.md, \"The service account\"), or one of the two runs read a domain controller that"
                + " replication had not yet reached.\n"), context);
    }

    @Test
    void historyContextSaysWhatThePlanDoesWithWaiversAndAMissingApprover() throws Exception {
        FindingsDocument d = Fixtures.demo();
        HistorySections.WaiverDoc waiver = new HistorySections.WaiverDoc("MISSING_DELEGATION", "HV02", "HV03", null,
                "HV03 is being rebuilt", java.time.LocalDate.of(2035, 12, 31), true, 4);
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null, null,
                new HistorySections.BaselineDoc("baseline.yaml", java.time.Instant.parse("2026-11-01T06:00:00Z"), null,
                        null, 6, List.of(waiver), null), null, null, null);
        String md = markdown(doc);
        assertFalse(md.contains("null"), md);
        assertTrue(md.contains("- Baseline captured 2026-11-01 06:00:00 UTC (approver not recorded): 0 deviations from it"
                + " found.\n"), md);
        assertFalse(md.contains("still lists"), md);
        assertTrue(md.contains("The plan below leaves these findings out: no change, no validation."), md);
    }

    @Test
    void theHistoryContextNamesTheInputsNotUsedEscapedAndCapped() throws Exception {
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        FindingsDocument doc = Fixtures.withInputsNotUsed(Fixtures.demo(), 7);
        String md = render(RunbookWriter.markdown(r), doc);
        assertTrue(md.contains("\nHistory context:\n- Inputs not used (the run went on without them; the Imports sheet"
                + " of audit.xlsx and findings.json list every file):\n"), md);
        assertTrue(md.contains("\n  - events/\\*.evtx (events): no file matches\n"), md);
        assertTrue(md.contains("\n  - hostsettings/vmhost.csv (hostSettings): empty file: no header line\n"), md);
        assertTrue(md.contains("\n  - patches/old-5.csv (patches): empty file: no header line\n  - … and 2 more\n"),
                "five named, the others counted: " + md);
        assertFalse(md.contains("old-6.csv"), md);
        assertFalse(md.contains("HV01-hotfix.csv"), "a file it read is no input not used: " + md);
        assertTrue(md.contains("\n  - patches/\\<b>notes\\</b>\\_\\*draft\\*.txt (patches): not a patch export: no"
                + " HotFixID column and no mapping matches its header\n"), "the name escaped for Markdown: " + md);
        String html = render(RunbookWriter.html(r), doc);
        assertTrue(html.contains("<li>patches/&lt;b&gt;notes&lt;/b&gt;_*draft*.txt (patches): not a patch export: no"
                + " HotFixID column and no mapping matches its header</li>"), html);
        assertTrue(html.contains("<li>… and 2 more</li>"), html);
        assertFalse(html.contains("<b>notes"), html);
        for (String none : List.of(render(RunbookWriter.markdown(r), Fixtures.demo()),
                render(RunbookWriter.html(r), Fixtures.withHistory(Fixtures.demo())))) {
            assertFalse(none.contains("Inputs not used"), "every input used: nothing said");
        }
    }

    @Test
    void theScriptPrintsWhatFollowsTheChangeOnlyAfterAChangeAndNotTheTestMovesAfterARollback() throws Exception {
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), Fixtures.demo());
        int dryRun = ps1.indexOf("if ($DryRun) {\r\n    Write-Host 'Dry run: nothing was changed. Run it again as"
                + " .\\remediation.ps1 -Apply; what to do after the change is printed then (and is in runbook.md).'\r\n    return\r\n}");
        int next = ps1.indexOf("Write-Host ('Next: repadmin /syncall");
        int purge = ps1.indexOf("klist -li 0x3e7 purge   (type it;");
        int rollback = ps1.indexOf("if ($Rollback) {\r\n    # the rest");
        int moves = ps1.indexOf("Write-Host 'Validate with a test VM");
        int capture = ps1.indexOf("Write-Host 'Then audit again");
        assertTrue(dryRun > 0 && dryRun < next && next < purge && purge < rollback && rollback < moves
                && moves < capture, dryRun + " " + next + " " + purge + " " + rollback + " " + moves + " " + capture);
        assertTrue(ps1.indexOf("Invoke-Rollback\r\n") < dryRun, "the rollback itself runs before");
    }

    /**
     * What -Apply prints afterwards follows runbook.md's order: the commands on the hosts (a password reset writes the
     * new AES keys to the directory) come before replication and the ticket purge, as step 3 comes before steps 4 and
     * 5; printed after them, the admin replicated and purged before the reset and had to do both again.
     */
    @Test
    void theScriptPrintsTheCommandsOnTheHostsBeforeReplicationAsTheRunbookOrdersThem() throws Exception {
        FindingsDocument doc = Fixtures.demo();
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        String md = markdown(doc);
        int hosts = ps1.indexOf("on the hosts (this script does not run these; runbook.md step ");
        int reset = ps1.indexOf("Write-Host '  HV13: Reset-ComputerMachinePassword");
        int next = ps1.indexOf("Write-Host ('Next: repadmin /syncall");
        int purge = ps1.indexOf("klist -li 0x3e7 purge   (type it;");
        assertTrue(hosts > 0 && reset > hosts && next > reset && purge > next, hosts + " " + reset + " " + next + " "
                + purge + ": " + ps1);
        // the step it names is runbook.md's section of the commands on the hosts, which comes before replication
        java.util.regex.Matcher step = java.util.regex.Pattern.compile("runbook\\.md step (\\d+)\\), before replication").matcher(ps1);
        assertTrue(step.find(), ps1);
        assertTrue(md.contains("\n## " + step.group(1) + ". On the hosts\n"), md);
        assertTrue(md.indexOf("\n## " + step.group(1) + ". On the hosts\n") < md.indexOf(". Replicate\n"), md);
        // and not after a rollback, which does not undo them
        int guard = ps1.lastIndexOf("if (-not $Rollback) {", hosts);
        assertTrue(guard > ps1.indexOf("if ($DryRun) {\r\n    Write-Host 'Dry run: nothing was changed."), ps1);
    }

    /**
     * The commands on the hosts that write to the directory name the audited DC (Reset-ComputerMachinePassword -Server
     * 'dc1.contoso.com'), as runbook.md step 3 does; started with -Server dc2, the script wrote its changes to dc2 and
     * prints repadmin /syncall dc2, so it says to give that DC to those commands too, before the repadmin line.
     */
    @Test
    void theScriptNamesItsOwnServerForTheHostCommandsWhenStartedWithAnotherOne() throws Exception {
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), Fixtures.demo());
        int reset = ps1.indexOf("Write-Host '  HV13: Reset-ComputerMachinePassword -Server ''dc1.contoso.com'''");
        int other = ps1.indexOf("if ($Server -ne 'dc1.contoso.com') {", reset);
        int note = ps1.indexOf("where a command above names -Server ''dc1.contoso.com'', give -Server ''{1}''", other);
        int next = ps1.indexOf("Write-Host ('Next: repadmin /syncall");
        assertTrue(reset > 0 && other > reset && note > other && next > note, reset + " " + other + " " + note + " "
                + next + ": " + ps1);
    }

    /**
     * The rollback section names every change of the plan its inverse commands do not undo: besides the migration
     * authentication, the computer password reset of step 3 (HV13 in the demo), which the rollback's commands left
     * unmentioned, so the admin looked for its inverse.
     */
    @Test
    void theRollbackSaysThePasswordResetOnAHostIsNotUndone() throws Exception {
        FindingsDocument doc = Fixtures.demo();
        for (RunbookWriter w : List.of(RunbookWriter.markdown(new TemplateRenderer(TEMPLATES)),
                RunbookWriter.html(new TemplateRenderer(TEMPLATES)))) {
            String out = render(w, doc);
            assertTrue(out.contains("Reset-ComputerMachinePassword"), "the demo resets HV13's password");
            // the rollback comes last, after the decisions and the closing audit (only if the change must be undone)
            int decide = out.indexOf("7. Needs a decision");
            int rollback = out.indexOf("9. Rollback", decide);
            assertTrue(decide > 0 && rollback > decide, out);
            assertTrue(out.substring(rollback).contains("The computer password reset on HV13 (step 3) is not"
                    + " undone"), out.substring(rollback));
        }
    }

    @Test
    void theScriptReadsBeforeItWritesAndWritesToTheAuditedDomainController() throws Exception {
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), Fixtures.demo());
        assertTrue(ps1.contains("[CmdletBinding(SupportsShouldProcess)]"), "-WhatIf is a real parameter");
        assertTrue(ps1.contains("$DryRun = (-not $Apply) -or $WhatIfPreference"), ps1);
        assertTrue(ps1.contains("[string]$Server = 'dc1.contoso.com'"), ps1);
        assertTrue(ps1.contains("$domainDn = (Get-ADDomain -Server $Server).DistinguishedName\r\n"
                + "if ($domainDn -ne 'DC=contoso,DC=com') {\r\n    throw"), ps1);
        for (String line : ps1.split("\r\n")) {
            String code = PowerShellLexer.codeOutsideQuotesAndComments(line);
            if (code.matches(".*\\b(Get|Set)-AD(Computer|Domain|Object|AccountControl)\\b.*")) {
                assertTrue(code.contains("-Server $Server"), "every AD cmdlet goes to one DC: " + line);
            }
            if (code.matches(".*\\bSet-AD(Computer|AccountControl)\\b.*")) {
                assertTrue(code.contains("-WhatIf:$DryRun"), line);
            }
        }
        // Writes happen only inside the helpers, which read the current values first; each step shows the
        // runbook's command for it in a comment.
        long writes = Arrays.stream(ps1.split("\r\n")).map(PowerShellLexer::codeOutsideQuotesAndComments)
                .filter(code -> code.matches(".*\\bSet-AD(Computer|Object|AccountControl)\\b.*")).count();
        assertEquals(12, writes, "Add-Values, Remove-Values, Remove-ObjectSpn, Restore-ObjectSpn, Remove-ObjectSpnAgain,"
                + " Set-EncryptionTypes (3), Set-Flags, Set-RbcdSddl (2), Undo-Change (UseDESKeyOnly): " + ps1);
        assertTrue(ps1.contains("    #   Set-ADComputer -Identity 'HV01$' -Add @{'msDS-AllowedToDelegateTo'="
                + "@('cifs/hv02.contoso.com')} -Server 'dc1.contoso.com'\r\n    Add-Values 'HV01$'"), ps1);
        assertTrue(ps1.contains("    Add-Values 'HV01$' 'msDS-AllowedToDelegateTo' @('cifs/hv02.contoso.com')"), ps1);
        assertFalse(ps1.contains("    Remove-Values 'HV01$' 'msDS-AllowedToDelegateTo' @('cifs/hv02.contoso.com')"),
                "the rollback does not undo the plan blindly: it reverts the change record");
        assertTrue(ps1.contains("if ($Rollback) {\r\n    Invoke-Rollback\r\n} else {"), ps1);
        assertTrue(ps1.contains("    # Replace unconstrained delegation by constrained (UNCONSTRAINED_DELEGATION)\r\n"
                + "    #   Set-ADAccountControl -Identity 'HV03$' -TrustedForDelegation $false"
                + " -TrustedToAuthForDelegation $true -Server 'dc1.contoso.com'\r\n    Set-Flags 'HV03$'"
                + " @{TrustedForDelegation = $false; TrustedToAuthForDelegation = $true}"), ps1);
        assertTrue(ps1.contains("Write-Host ('Next: repadmin /syncall {0} /AdeP"), ps1);
        assertTrue(ps1.contains("-f $Server)"), ps1);
    }

    @Test
    void theChecklistWritesToAndReplicatesFromTheAuditedDomainController() {
        List<Procedure.Step> steps = ReportView.of(Fixtures.demo()).procedure().checklist();
        assertTrue(steps.stream().anyMatch(s -> s.command().equals("repadmin /syncall dc1.contoso.com /AdeP")));
        assertTrue(steps.stream().filter(s -> s.command().contains("-AD")).allMatch(s -> s.command()
                .contains("-Server 'dc1.contoso.com'")), steps.toString());
    }

    @Test
    void withABaselineTheClosingAuditRecordsTheChangeInItBeforeThePreflight() {
        // the approver goes in the command the admin copies, as the test VM does in the moves: not only in the prose
        String capture = "kcd-audit baseline capture --config kcd-audit.yaml --approved-by \"<CAB approver>\" --force";
        List<Procedure.Step> without = ReportView.of(Fixtures.demo()).procedure().steps(Procedure.Phase.CONFIRM);
        assertTrue(without.stream().noneMatch(s -> s.commands().contains(capture)), "no baseline, nothing to record");
        List<Procedure.Step> with = ReportView.of(Fixtures.withHistory(Fixtures.demo())).procedure()
                .steps(Procedure.Phase.CONFIRM);
        int record = -1;
        int firstPreflight = -1;
        for (int i = 0; i < with.size(); i++) {
            if (with.get(i).commands().contains(capture)) {
                record = i;
            } else if (firstPreflight < 0 && with.get(i).commands().stream().anyMatch(c -> c.startsWith("kcd-audit"
                    + " preflight"))) {
                firstPreflight = i;
            }
        }
        assertTrue(record >= 0 && record < firstPreflight, "the new baseline before the closing preflight: " + with);
        assertTrue(with.get(record).detail().contains("the CAB approver's name in place of <CAB approver>"),
                with.get(record).detail());
        assertTrue(ReportView.of(Fixtures.withHistory(Fixtures.demo())).procedure().phase(Procedure.Phase.CONFIRM)
                .summary().contains("Record the changed delegation in a new baseline"), "the phase says so");
        assertFalse(ReportView.of(Fixtures.demo()).procedure().phase(Procedure.Phase.CONFIRM).summary()
                .contains("baseline"), "and says nothing of it without one");
    }

    @Test
    void theDomainControllerAndBaseDnAreCheckedAndQuoted() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument hostile = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                new FindingsDocument.Directory("ldap://dc1.contoso.com';calc;'x:389", "OU=Hyper-V,DC=con'toso,DC=com"),
                d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), null);
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String ps1 = render(RunbookWriter.powershell(r), hostile);
        assertTrue(ps1.contains("[string]$Server = ''"), "no usable host: -Server must be given");
        assertTrue(ps1.contains("if ($domainDn -ne 'DC=con''toso,DC=com') {"), "the domain of an OU base, quoted");
        assertTrue(ps1.contains("\r\n# Directory: ldap://dc1.contoso.com';calc;'x:389  Base: OU=Hyper-V,DC=con'toso,"
                + "DC=com\r\n"), "on a comment line as stored, its quotes not doubled: " + ps1);
        for (String line : ps1.split("\r\n")) {
            assertFalse(PowerShellLexer.codeOutsideQuotesAndComments(line).contains("calc"), line);
        }
        String md = render(RunbookWriter.markdown(r), hostile);
        assertTrue(md.contains("\nrepadmin /syncall <DC> /AdeP\n"), md);
        assertTrue(md.contains("-Server '<DC>'"), md);
        assertTrue(md.lines().filter(l -> l.contains("calc")).allMatch(l -> l.startsWith("Generated by kcd-audit")),
                "only in the header's escaped text, never in a command: " + md);
        assertEquals(null, RemediationPlan.of(hostile).server());
    }

    @Test
    void commandsInMarkdownTextAreCodeSpansAndAValueInWordsStaysText() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                TestFindings.of("STALE_DELEGATION", Severity.LOW, "HVC2", "HV13", "SRV01", "cifs/srv01.contoso.com",
                        "HV13 delegates to cifs/srv01.contoso.com but SRV01 is not a peer of HV13.", Evidence.NONE,
                        new Action.Manual("SRV01 exists | a ``` b\n<script>` decide:", List.of(new Action.RemoveDelegation(
                                "HV13", "SRV01", List.of("cifs/srv01.contoso.com"))))),
                TestFindings.legacy("DUPLICATE_SPN", Severity.HIGH, "HVC2", "HV12", null, "HOST/x",
                        "HOST/x is registered on HV12 and also on x.", "a ``` b\n<script>`")));
        String md = markdown(doc);
        assertTrue(md.contains("  If so: `Set-ADComputer -Identity 'HV13$' -Remove @{'msDS-AllowedToDelegateTo'="
                + "@('cifs/srv01.contoso.com')} -Server 'dc1.contoso.com'`\n"), "the proposed command as a code span: " + md);
        // escaped, and the line feed shown as \\u000A (Markdown escapes its backslash), not made a space
        assertTrue(md.contains("  To decide: SRV01 exists \\| a \\`\\`\\` b\\\\u000A\\<script>\\` decide:\n"),
                "words escaped: " + md);
        assertTrue(md.contains("  To decide: a \\`\\`\\` b\\\\u000A\\<script>\\`\n"), "an older finding's text, escaped: "
                + md);
    }

    @Test
    void aCommentLineShowsAValueAsStoredOnOneLine(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("remediation.ps1.ftl"), "# ${comment(changeTicket)}\n'${changeTicket}'\n");
        Files.writeString(dir.resolve("runbook.md.ftl"), "${comment(changeTicket)}\n");
        ReportView view = ReportView.of(Fixtures.demo(), "O'Brien\nRemove-ADComputer HV01");
        String ps1 = new TemplateRenderer(dir).render("remediation.ps1.ftl", org.kcdauditor.report.runbook.RunbookModel.of(view, java.util.Set.of()));
        assertEquals("# O'Brien\\u000ARemove-ADComputer HV01\n'O''Brien\\u000ARemove-ADComputer HV01'\n", ps1);
        ConfigException e = assertThrows(ConfigException.class,
                () -> new TemplateRenderer(dir).render("runbook.md.ftl", org.kcdauditor.report.runbook.RunbookModel.of(view, java.util.Set.of())));
        assertTrue(e.getMessage().contains("comment(value) is for PowerShell templates"), e.getMessage());
    }

    @Test
    void codeSpansAreForMarkdownTemplatesOnly(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("remediation.ps1.ftl"), "# ${code(run.id)}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> render(RunbookWriter.powershell(new TemplateRenderer(dir)), Fixtures.demo()));
        assertTrue(e.getMessage().contains("code(value) is for Markdown templates"), e.getMessage());
    }

    @Test
    void aHostileOperatingSystemCannotOpenAMarkdownFence() throws Exception {
        FindingsDocument doc = Fixtures.withHost(Fixtures.demo(), "HV01", h -> Fixtures.os(h, "~~~ evil\n# heading"));
        String md = markdown(doc);
        assertTrue(md.contains("\\~\\~\\~ evil\\\\u000A\\# heading"), "the line feed it holds shown, not a space: " + md);
        assertFalse(md.lines().anyMatch(l -> l.startsWith("~~~") || l.startsWith("# heading")), md);
    }

    @Test
    void anSpnThatCannotBeTypedGetsNoCommandAndTheScriptUsesItsExactBytes() throws Exception {
        for (String spn : List.of("cifs/\"-D HTTP/x\" HV01", "cifs/hv01'; Remove-ADUser x; '*)(", "cifs/hv01\u202Ex")) {
            Finding hostile = TestFindings.of("TARGET_SPN_NOT_REGISTERED", Severity.HIGH, "HVC1", "HV01", null, spn,
                    "not registered", Evidence.NONE, new Action.RegisterSpn("HV01", spn));
            FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(hostile));
            assertTrue(hostile.remediation().contains("The value cannot be typed safely into a command: change it by"
                    + " hand in ADSI Edit"), hostile.remediation());
            TemplateRenderer r = new TemplateRenderer(TEMPLATES);
            String ps1 = render(RunbookWriter.powershell(r), doc);
            String b64 = java.util.Base64.getEncoder().encodeToString(spn.getBytes(StandardCharsets.UTF_8));
            assertTrue(ps1.contains("    Register-Spn 'HV01$' (D '" + b64 + "')\r\n"), ps1);
            String md = render(RunbookWriter.markdown(r), doc);
            assertFalse(md.contains("@{Add='cifs/"), "no copy-paste command for it: " + md);
            for (String line : ps1.split("\r\n")) {
                String code = PowerShellLexer.codeOutsideQuotesAndComments(line);
                assertFalse(code.contains("Remove-ADUser") || code.contains("-D HTTP"), line);
            }
        }
    }

    /**
     * A scripted AES change is not on ADUC's Delegation tab: an administrator who follows the ADUC steps gets its own
     * checklist item (Attribute Editor, the exact value), not only the PowerShell line, or the pairs stay blocked.
     */
    @Test
    void anEncryptionTypeChangeHasItsOwnAducStepBesideThePowerShell() throws Exception {
        Finding rc4 = TestFindings.rc4Only("HV01");
        Finding des = TestFindings.of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 has USE_DES_KEY_ONLY.", Evidence.builder().build(),
                new Action.SetEncryptionTypes("HV02", 24, true, null));
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(rc4, des));
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), doc).replaceAll("(?s)```powershell.*?```", "");
        assertTrue(md.contains("- [ ] msDS-SupportedEncryptionTypes: 24 (AES128-CTS-HMAC-SHA1-96,"
                + " AES256-CTS-HMAC-SHA1-96; today 4)"), md);
        assertTrue(md.contains("- [ ] userAccountControl: USE_DES_KEY_ONLY (0x200000) taken off"), md);
        assertTrue(md.contains("**HV01** → Properties → **Attribute Editor**"), md);
        String html = render(RunbookWriter.html(r), doc).replaceAll("(?s)<pre>.*?</pre>", "");
        assertTrue(html.contains("<li>msDS-SupportedEncryptionTypes: 24 (AES128-CTS-HMAC-SHA1-96,"
                + " AES256-CTS-HMAC-SHA1-96; today 4)</li>"), html);
        assertTrue(html.contains("<li>userAccountControl: USE_DES_KEY_ONLY (0x200000) taken off"), html);
    }

    /**
     * A Windows node writes its own msDS-SupportedEncryptionTypes from the policy "Network security: Configure
     * encryption types allowed for Kerberos" (at start-up and at each policy refresh): an administrator who sets 24 in
     * the Attribute Editor while that policy still allows RC4 only gets the old value back, and the pairs blocked
     * again, after the host's next restart. Found walking the runbook against Samba: the finding's remediation said
     * so, the runbook's step did not. The step checks the policy first.
     */
    @Test
    void aWindowsNodesAesStepSaysToCheckThePolicyThatWritesTheValue() throws Exception {
        Finding rc4 = TestFindings.rc4Only("HV01");
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(rc4));
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), doc);
        String step = md.substring(md.indexOf("Allow AES on HV01's own account"));
        step = step.substring(0, step.indexOf("```powershell"));
        assertTrue(step.contains("- [ ] The Group Policy setting \"Network security: Configure encryption types"
                + " allowed for Kerberos\" that applies to HV01 allows AES"), step);
        assertTrue(step.indexOf("Configure encryption types") < step.indexOf("msDS-SupportedEncryptionTypes: 24"),
                "checked before the value is written: " + step);
        String html = render(RunbookWriter.html(r), doc);
        assertTrue(html.contains("Network security: Configure encryption types allowed for Kerberos"), html);
    }

    /**
     * An expired node's decision carries the command of a yes (Set-ADAccountExpiration … -Clear on its account, to the
     * DC the audit read), like a disabled node's Enable-ADAccount, and so the replicate-and-purge that follows a yes.
     */
    @Test
    void anExpiredNodesDecisionHasTheCommandThatClearsTheExpiry() throws Exception {
        Finding expired = TestFindings.of("ACCOUNT_DISABLED", Severity.MEDIUM, "HVC1", "HV02", null, null,
                "HV02's computer account expired on 2012-12-14T23:06:40Z (accountExpires), so it obtains no Kerberos"
                        + " tickets.", Evidence.builder().attribute("accountExpires").build(),
                new Action.Manual("Decide whether the host is still in service: if not, remove it from the cluster and"
                        + " the configuration; if it is, clear the expiry:",
                        List.of(new Action.ClearAccountExpiry("HV02"))));
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(expired));
        String md = render(RunbookWriter.markdown(new TemplateRenderer(TEMPLATES)), doc);
        String decide = md.substring(md.indexOf(". Needs a decision"));
        assertTrue(decide.contains("If so: `Set-ADAccountExpiration -Identity 'HV02$' -Clear -Server"
                + " 'dc1.contoso.com'`"), decide);
        assertTrue(decide.contains("replicate and purge the hosts' tickets again"), decide);
    }

    /**
     * A decision whose yes is a directory change (NAS01's AES) is a change to replicate and purge tickets for: the
     * runbook with nothing scripted must not say that no directory change is needed, and says what follows a yes.
     */
    @Test
    void aYesToADecisionIsADirectoryChangeToReplicateAndPurge() throws Exception {
        FindingsDocument doc = Fixtures.decisionsOnly();
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), doc);
        assertTrue(md.contains("If so: `Set-ADComputer -Identity 'NAS01$'"), md);
        assertFalse(md.contains("No directory change is needed"), md);
        assertTrue(md.contains("**No scripted directory change.**"), md);
        String after = md.substring(md.indexOf("If so: `Set-ADComputer -Identity 'NAS01$'"));
        assertTrue(after.contains("repadmin /syncall dc1.contoso.com /AdeP"), after);
        assertTrue(after.contains("klist -li 0x3e7 purge"), after);
        // a yes that unblocks no pair (a stale entry's removal) needs no purge: the sentence says so
        assertTrue(after.contains("on each host of the pairs it unblocks (one that unblocks none, such as removing a"
                + " stale entry, needs no purge)"), after);
        String html = render(RunbookWriter.html(r), doc);
        assertFalse(html.contains("No directory change is needed"), html);
        assertTrue(html.contains("(one that unblocks none, such as removing a stale entry, needs no purge)"), html);
        assertTrue(html.contains("repadmin /syncall dc1.contoso.com /AdeP"), html);
        // with a scripted change the decisions point back at its replicate and purge steps
        String full = render(RunbookWriter.markdown(r), Fixtures.demo());
        String decide = full.substring(full.indexOf(". Needs a decision"));
        assertTrue(decide.contains("replicate and purge the hosts' tickets again as in steps "
                + stepNumber(full, "Replicate") + " and " + stepNumber(full, "Purge the hosts' Kerberos tickets")), decide);
    }

    /**
     * The decisions' section does not deny the fix it then lists: it said "These findings have no scripted fix" above
     * NAS01's "If so: Set-ADComputer …"; it says, as the PDF's phase does, that they are not part of the scripted change,
     * and how a yes is carried out.
     */
    @Test
    void theDecisionsSectionDoesNotDenyTheCommandsItGives() throws Exception {
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), Fixtures.demo());
        String decide = md.substring(md.indexOf(". Needs a decision"));
        assertTrue(decide.contains("If so: `Set-ADComputer -Identity 'NAS01$'"), decide);
        assertTrue(decide.contains("\n\nThese findings are not part of the scripted change (remediation.ps1 leaves them"
                + " alone): an administrator decides each, and carries out the decision with the command labelled for"
                + " it (\"If so:\", or what the command does, such as \"To restore it:\") where it has one, else by"
                + " hand.\n"), decide);
        String html = render(RunbookWriter.html(r), Fixtures.demo());
        assertTrue(html.contains("<p>These findings are not part of the scripted change (remediation.ps1 leaves them"
                + " alone): an administrator decides each, and carries out the decision with the command labelled for"
                + " it (“If so:”, or what the command does, such as “To restore it:”) where it has one,"
                + " else by hand.</p>"), html);
    }

    /**
     * The hosts whose tickets are purged are a checklist read against the console of each host: in name order, as the
     * hosts of step 1 are, not in the order the plan met them (HV01, HV03, HV11, HV14, HV13, HV02, HV12).
     */
    @Test
    void theHostsToPurgeAreListedInNameOrder() throws Exception {
        List<String> purge = ReportView.of(Fixtures.waivedHv02ToHv03()).plan().purgeHosts();
        assertTrue(purge.size() > 3, purge.toString());
        assertEquals(purge.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList(), purge);
        String md = markdown(Fixtures.waivedHv02ToHv03());
        String step = md.substring(md.indexOf(". Purge the hosts' Kerberos tickets"), md.indexOf("The Virtual Machine"
                + " Management Service"));
        assertEquals(purge, step.lines().filter(l -> l.startsWith("- [ ] ")).map(l -> l.substring(6)).toList(), step);
    }

    /**
     * A run with nothing to change (every cluster GO) speaks of no change: its compliance is not "before the change",
     * the sentence that there is none ends the line, and no one signs for making or validating a change.
     */
    @Test
    void aRunWithoutAChangeSpeaksOfNone() throws Exception {
        FindingsDocument doc = Fixtures.demoWith(List.of());
        assertFalse(ReportView.of(doc).plan().hasChanges());
        String md = markdown(doc);
        assertTrue(md.contains("\nCompliance: "), md);
        assertTrue(md.contains("\n**No directory change is needed.**\n"), md);
        String html = html(doc);
        assertTrue(html.contains("<br>\nCompliance: "), html);
        assertFalse(md.contains("before the change") || html.contains("before the change"), md + html);
        // nothing to make or validate: no sign-off of a change
        assertFalse(md.contains("Change made by") || html.contains("Change made by"), md + html);
    }

    /** A change whose every value cannot be typed has no inverse command: no empty block, no "commands below". */
    @Test
    void aRollbackWithoutATypeableInverseShowsNoEmptyBlock() throws Exception {
        String spn = "cifs/o'brien.contoso.com";
        Finding stale = TestFindings.of("STALE_DELEGATION", Severity.LOW, "HVC1", "HV01", "O'BRIEN", spn,
                "HV01 delegates to " + spn + " but no computer named o'brien.contoso.com exists in the directory.",
                Evidence.builder().targetExists(false).build(),
                new Action.RemoveDelegation("HV01", "O'BRIEN", List.of(spn)));
        FindingsDocument doc = Fixtures.demoWith(List.of(stale));
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), doc);
        String rollback = md.substring(md.indexOf(". Rollback"));
        assertFalse(rollback.contains("```powershell\n```"), rollback);
        assertFalse(rollback.contains("the inverse commands below"), rollback);
        assertTrue(rollback.contains("No command can carry the inverse of this change"), rollback);
        String html = render(RunbookWriter.html(r), doc);
        assertFalse(html.contains("<pre></pre>"), html);
        assertFalse(html.contains("the inverse commands below"), html);
    }

    /**
     * ADUC's Add dialog offers only the SPNs the chosen account registers: an entry naming an SPN the plan registers on
     * the peer can be picked only after that registration, so the ADUC step says to make it first.
     */
    @Test
    void anAducAddOfAnSpnThePlanRegistersOnThePeerSaysToRegisterItFirst() throws Exception {
        Finding unregistered = TestFindings.of("TARGET_SPN_NOT_REGISTERED", Severity.HIGH, "HVC1", "HV02", null,
                "cifs/hv02.contoso.com", "cifs/hv02.contoso.com is not registered on HV02 (no object registers it), so"
                        + " delegation to it cannot work.", Evidence.NONE,
                new Action.RegisterSpn("HV02", "cifs/hv02.contoso.com"));
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(unregistered));
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String md = render(RunbookWriter.markdown(r), doc);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("### 2\\.(\\d+)\\. HV02 ").matcher(md);
        assertTrue(m.find(), md);
        String hv01 = md.substring(md.indexOf("### 2.1. HV01"), md.indexOf("### 2.2."));
        assertTrue(hv01.contains("enter **HV02** → OK → select the service type **cifs** → OK. ADUC lists only the"
                + " SPNs HV02 registers: register cifs/hv02.contoso.com on it first (step 2." + m.group(1) + ")."), hv01);
        String html = render(RunbookWriter.html(r), doc);
        assertTrue(html.contains("ADUC lists only the SPNs HV02 registers: register <span class=\"spn\">"
                + "cifs/hv02.contoso.com</span> on it first (step 2." + m.group(1) + ")."), html);
    }

    /**
     * runbook.html is read at the console with hundreds of hosts: at 600 hosts step 2 started after 350 lines of
     * host checkboxes and its 276 host cards had no index. It opens with its contents (each step, with how many hosts
     * or moves it holds), step 2 with an index of its hosts by cluster, and every link lands on an anchor; the long
     * host checklists of steps 1 and 4 flow in columns.
     */
    @Test
    void theHtmlRunbookHasContentsAHostIndexAndLinksThatLand() throws Exception {
        String html = html(Fixtures.demo());
        assertTrue(html.contains("<nav class=\"toc\" id=\"contents\">"), html);
        assertTrue(html.indexOf("<nav class=\"toc\"") < html.indexOf("Objects to change:"), "contents first");
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("href=\"#([^\"]+)\"").matcher(html);
        java.util.Set<String> targets = new java.util.TreeSet<>();
        while (links.find()) {
            targets.add(links.group(1));
        }
        assertTrue(targets.containsAll(List.of("step-1", "step-2", "step-5", "sign-off", "host-1")), targets.toString());
        for (String t : targets) {
            assertTrue(html.contains("id=\"" + t + "\""), "#" + t + " lands nowhere");
        }
        java.util.regex.Matcher index = java.util.regex.Pattern.compile(
                "(?s)<details class=\"index\"[^>]*>.*?</details>").matcher(html);
        assertTrue(index.find(), html);
        ReportView v = ReportView.of(Fixtures.demo());
        for (ReportView.ClusterView c : v.clusters()) {
            assertTrue(index.group().contains("<strong>" + c.name() + "</strong>"), index.group());
        }
        assertTrue(html.contains("<ul class=\"check cols\">"), "the purge list flows in columns");
    }

    @Test
    void runbooksMatchGoldenFiles() throws Exception {
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        FindingsDocument doc = Fixtures.demo();
        for (RunbookWriter w : List.of(RunbookWriter.markdown(r), RunbookWriter.html(r), RunbookWriter.powershell(r))) {
            String actual = render(w, doc);
            Path golden = GOLDEN.resolve(w.fileName());
            if (Boolean.getBoolean("kcd.updateGolden") || !Files.exists(golden)) {
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            }
            assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, w.fileName()
                    + " differs from " + golden + " (-Dkcd.updateGolden=true rewrites it)");
        }
    }

    @Test
    void aLongNameWrapsInsideTheHtmlPageInsteadOfWideningIt() throws Exception {
        // a 121-character host name (or SPN, DN) in a card's heading or a list must not add horizontal scrolling:
        // the page breaks such a word anywhere when it has to (checked in Chromium: scrollWidth = clientWidth)
        String html = html(Fixtures.demo());
        String css = html.substring(html.indexOf("<style>"), html.indexOf("</style>"));
        java.util.regex.Matcher body = java.util.regex.Pattern.compile("(?m)^\\s*body \\{([^}]*)}").matcher(css);
        assertTrue(body.find(), css);
        assertTrue(body.group(1).replaceAll("\\s", "").contains("overflow-wrap:anywhere;"), "body: " + body.group(1));
    }

    @Test
    void aDuplicateSpnThatCannotBeTypedIsNamedWithTheAdsiEditSentenceAndNoEmptyBlock() throws Exception {
        String hostile = "WSMAN/hv13.contoso.com/x\" & calc & \"";
        FindingsDocument d = Fixtures.demo();
        List<Finding> findings = d.findings().stream().map(f -> f.actions().stream().noneMatch(
                a -> a instanceof org.kcdauditor.remedy.Action.UnregisterSpn) ? f : new Finding(f.id(), f.rule(),
                f.severity(), f.cluster(), f.host(), f.peer(), hostile, f.message(), f.remediation(), f.evidence(),
                f.actions().stream().map(a -> a instanceof org.kcdauditor.remedy.Action.UnregisterSpn u
                        ? new org.kcdauditor.remedy.Action.UnregisterSpn(u.holder(), u.account(), u.dn(), hostile,
                                u.domain())
                        : a).toList(), f.waived(), f.waiver())).toList();
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), findings, d.rules());
        String md = markdown(doc);
        String section = md.substring(md.indexOf("Duplicate SPNs on other objects"));
        section = section.substring(0, section.indexOf("\n## "));
        assertTrue(section.contains("cannot be typed safely") && section.contains("ADSI Edit (svc-vmm → Properties"
                + " → servicePrincipalName)"), section);
        assertFalse(section.contains("```powershell\n\n```"), section);
        assertFalse(md.contains("```powershell\n\n```"), "no empty block anywhere");
        String rollback = md.substring(md.indexOf(". Rollback")).replaceAll("\\s+", " ");
        assertTrue(rollback.contains("the inverse commands below undo the plan except what no command can carry (1 SPN"
                + " taken off without a command): put those back in ADSI Edit"), "not 'the whole plan': " + rollback);
        String html = html(doc);
        assertFalse(html.contains("<pre></pre>"), "no empty <pre> in runbook.html");
        assertTrue(html.contains("take it off in ADSI Edit (svc-vmm → Properties → servicePrincipalName)"), html);
    }

    @Test
    void builtInTemplatesAreUsedWhenTheFolderLacksThem(@TempDir Path empty) throws Exception {
        TemplateRenderer fromJar = new TemplateRenderer(empty);
        String md = render(RunbookWriter.markdown(fromJar), Fixtures.demo());
        assertEquals(Files.readString(GOLDEN.resolve("runbook.md")), md);
    }

    @Test
    void runbookContainsTheProcedure() throws Exception {
        String md = markdown(Fixtures.demo());
        assertTrue(md.contains("Trust this computer for delegation to specified services only"));
        assertTrue(md.contains("\nrepadmin /syncall dc1.contoso.com /AdeP\n"), "pushed from the DC written to");
        assertTrue(md.contains("klist -li 0x3e7 purge"));
        assertTrue(md.contains("Restart-Service vmms"));
        assertTrue(md.contains("Move-ClusterVirtualMachineRole -Name '<test VM>' -Node 'HV03' -MigrationType Live"));
        assertTrue(md.contains("   - [ ] cifs/HV03"), "exact SPNs to add");
        assertTrue(md.contains("   - [ ] cifs/hv15.contoso.com"), "stale SPN to remove");
        ReportView view = ReportView.of(Fixtures.demo());
        assertTrue(md.contains("## " + view.procedure().phase(Procedure.Phase.ROLLBACK).number() + ". Rollback"));
        assertTrue(md.contains("## " + view.procedure().phase(Procedure.Phase.HOSTS).number() + ". On the hosts"), md);
        assertTrue(md.contains("Reset-ComputerMachinePassword -Server 'dc1.contoso.com'"), "HV13's AES keys: " + md);
        String html = html(Fixtures.demo());
        assertTrue(html.contains("<meta name=\"viewport\""));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<link")
                || html.contains("<script"), "self-contained: nothing fetched");
    }

    @Test
    void hostileHostNamesNeverReachTheScriptUnquoted() throws Exception {
        String quoteName = "HV'; Remove-ADUser x; '";
        String breakName = "HV07\nRemove-ADUser y #";
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                Fixtures.missing(quoteName, "HV02", "cifs/HV02"),
                Fixtures.missing(breakName, "HV02", "cifs/HV02"),
                // a valid host whose entry names the hostile peer: the SPN is quoted, not pasted
                Fixtures.missing("HV01", quoteName, "cifs/" + quoteName),
                Fixtures.missing("HV01", breakName, "cifs/" + breakName)));
        TemplateRenderer r = new TemplateRenderer(TEMPLATES);
        String ps1 = render(RunbookWriter.powershell(r), doc);
        assertTrue(ps1.contains("Refused"), "the refused hosts are reported");
        assertFalse(ps1.contains("'HV''; Remove-ADUser x; ''$'"), "no command for the hostile host");
        // HV01's entry to the hostile peer is not added at all: no delegation to a refused host (review 5, item 1)
        assertFalse(ps1.contains("(D '" + java.util.Base64.getEncoder().encodeToString(("cifs/" + quoteName)
                .getBytes(StandardCharsets.UTF_8)) + "')"), "delegation to a refused host: " + ps1);
        for (String line : ps1.split("\r\n")) {
            String code = PowerShellLexer.codeOutsideQuotesAndComments(line);
            assertFalse(code.contains("Remove-ADUser"), "unquoted on line: " + line);
        }
        assertFalse(ps1.contains("\nRemove-ADUser"), "line break removed");
        // The markdown and HTML runbooks show the names escaped, not as commands.
        String md = render(RunbookWriter.markdown(r), doc);
        assertTrue(md.contains("Not scripted"));
        assertFalse(md.contains("\nRemove-ADUser"));
        String html = render(RunbookWriter.html(r), doc);
        assertTrue(html.contains("HV&#39;; Remove-ADUser x; &#39;"));
    }

    @Test
    void editedTemplateChangesTheOutput(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("runbook.md.ftl"), "Runbook for ${run.domain}: <#list hosts as h>${h.name}<#sep>, </#list>\n");
        TemplateRenderer r = new TemplateRenderer(dir);
        assertEquals("Runbook for contoso.com: HV01, HV02, HV03, HV11, HV14\n",
                render(RunbookWriter.markdown(r), Fixtures.demo()));
        // the others still come from the built-in copy
        assertTrue(render(RunbookWriter.powershell(r), Fixtures.demo()).contains("#Requires -Modules ActiveDirectory"));
    }

    @Test
    void hostileTemplatesFailWithAOneLineError(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("runbook.md.ftl"),
                "# x\n<#assign ex = \"freemarker.template.utility.Execute\"?new()>${ex(\"id\")}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> render(RunbookWriter.markdown(new TemplateRenderer(dir)), Fixtures.demo()));
        assertTrue(e.getMessage().startsWith(dir.resolve("runbook.md.ftl") + ":2: "), e.getMessage());
        assertTrue(e.getMessage().contains("not allowed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");

        Files.writeString(dir.resolve("runbook.html.ftl"), "<p>${run?api.getClass()}</p>\n");
        e = assertThrows(ConfigException.class,
                () -> render(RunbookWriter.html(new TemplateRenderer(dir)), Fixtures.demo()));
        assertTrue(e.getMessage().startsWith(dir.resolve("runbook.html.ftl") + ":1: "), e.getMessage());
        assertTrue(e.getMessage().contains("api"), e.getMessage());

        Files.writeString(dir.resolve("remediation.ps1.ftl"), "ok\n\n<#if>broken\n");
        e = assertThrows(ConfigException.class,
                () -> render(RunbookWriter.powershell(new TemplateRenderer(dir)), Fixtures.demo()));
        assertTrue(e.getMessage().startsWith(dir.resolve("remediation.ps1.ftl") + ":3: "), e.getMessage());
    }

    /** Just enough of PowerShell's tokenizer to find what runs as code on one line. */
    static final class PowerShellLexer {
        static String codeOutsideQuotesAndComments(String line) {
            StringBuilder code = new StringBuilder();
            boolean inSingle = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                boolean quote = c == '\'' || c >= '\u2018' && c <= '\u201B';
                if (inSingle) {
                    if (quote) {
                        if (i + 1 < line.length() && isQuote(line.charAt(i + 1))) {
                            i++;
                        } else {
                            inSingle = false;
                        }
                    }
                } else if (quote) {
                    inSingle = true;
                } else if (c == '#') {
                    break;
                } else {
                    code.append(c);
                }
            }
            return code.toString();
        }

        static boolean isQuote(char c) {
            return c == '\'' || c >= '\u2018' && c <= '\u201B';
        }
    }

    /**
     * The block for the hosts that show CredSSP listed Set-VMHost for every host: pasted whole, it set them all. It is
     * in the step on the hosts (before replication), not in "Before you start", which only reads.
     */
    @Test
    void theCredSspBlockChangesOnlyAHostThatShowsCredSsp() throws Exception {
        for (RunbookWriter w : List.of(RunbookWriter.markdown(new TemplateRenderer(TEMPLATES)),
                RunbookWriter.html(new TemplateRenderer(TEMPLATES)),
                RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)))) {
            String out = render(w, Fixtures.demo());
            int start = Math.max(0, out.indexOf("</nav>")); // past runbook.html's contents, which name step 3
            int hosts = out.toLowerCase(java.util.Locale.ROOT).indexOf("on the hosts", start);
            assertTrue(hosts > 0, out);
            assertFalse(out.substring(0, hosts).contains("Set-VMHost"), out);
            List<String> sets = out.lines().filter(l -> l.contains("Set-VMHost -ComputerName")).toList();
            assertFalse(sets.isEmpty(), out);
            for (String l : sets) {
                assertTrue(l.contains("VirtualMachineMigrationAuthenticationType -eq ") && l.contains("CredSSP")
                        && l.contains("{ Set-VMHost"), "only where it shows CredSSP: " + l);
            }
        }
    }

    /** runbook.md says where to run the rollback export; runbook.html left it out. */
    @Test
    void bothRunbooksSayWhereToRunTheRollbackExport() throws Exception {
        String where = "run on an admin workstation with the ActiveDirectory module";
        assertTrue(markdown(Fixtures.demo()).contains(where));
        String html = html(Fixtures.demo());
        assertTrue(html.contains("is exported for rollback (" + where + "):"), html);
    }

    /**
     * The runbook names every action on the hosts, with what it is, beside the objects the change ticket names: it named
     * only the hosts whose live-migration setting changes, leaving out a password reset of step 3 ("Host settings to
     * change (step 3): HVA2." while HVB2's Reset-ComputerMachinePassword was in the same step).
     */
    @Test
    void everyActionOnTheHostsIsNamedBesideTheObjects() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null, "HV02"
                        + " authenticates live migrations with CredSSP.", Evidence.builder().build(),
                        new Action.SetMigrationAuthentication("HV02")),
                TestFindings.of("MIGRATION_DISABLED", Severity.MEDIUM, "HVC2", "HV13", null, null, "Live migration is"
                        + " disabled on HV13.", Evidence.builder().build(), new Action.EnableMigration("HV13"))));
        String md = markdown(doc);
        String on = stepNumber(md, "On the host");
        String listed = "Actions on the hosts (step " + on + "): HV13 (computer password reset:"
                + " Reset-ComputerMachinePassword; live migration enabled: Enable-VMMigration), HV02 (Kerberos for live"
                + " migration: Set-VMHost).";
        assertTrue(md.contains("\n" + listed + "\n"), md);
        String html = html(doc);
        assertTrue(html.contains(listed.replace("HV13", "<strong>HV13</strong>").replace("HV02 (",
                "<strong>HV02</strong> (") + "</p>"), html);
        String demo = markdown(Fixtures.demo());
        assertTrue(demo.contains("\nActions on the hosts (step " + stepNumber(demo, "On the host") + "): HV13"
                + " (computer password reset: Reset-ComputerMachinePassword).\n"), "a password reset alone: " + demo);
    }

    /**
     * The demo logged a network failure HV13 -> HV11 that delegation cannot explain and the change does not fix: the
     * test move of that direction says so, so that a failure there is not read as missing delegation.
     */
    @Test
    void aTestMoveOnADirectionWithANetworkFailureSaysSo() throws Exception {
        FindingsDocument doc = withNetworkFailure();
        String md = markdown(doc);
        String decide = stepNumber(md, "Needs a decision");
        String note = "a NETWORK 0x80072746 failure was logged on this direction, which delegation cannot explain: if the"
                + " move fails that way again, see step " + decide;
        assertTrue(md.contains("- [ ] HV13 → HV11 (cluster HVC2), on HV13 (" + note + "):"), md);
        assertFalse(md.contains("- [ ] HV13 → HV12 (cluster HVC2), on HV13 ("), "only that direction: " + md);
        assertTrue(html(doc).contains(note));
    }

    /**
     * The rollback names every step on the hosts that it leaves in place: beside the Kerberos setting and the password
     * reset, live migration enabled on HV13 (the inverse commands "undo the whole plan" said nothing about it).
     */
    @Test
    void theRollbackSaysThatLiveMigrationEnabledOnAHostStaysEnabled() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(TestFindings.of("MIGRATION_DISABLED",
                Severity.MEDIUM, "HVC2", "HV13", null, null, "Live migration is disabled on HV13.",
                Evidence.builder().build(), new Action.EnableMigration("HV13"))));
        String md = markdown(doc);
        String on = stepNumber(md, "On the host");
        String line = "Live migration enabled on HV13 (step " + on + ") is not undone: disabled again, every"
                + " pair into and out of the host fails.";
        assertTrue(md.substring(md.indexOf("Rollback")).contains("\n" + line + "\n"), md);
        assertTrue(html(doc).contains(line));
        assertFalse(markdown(Fixtures.demo())
                .contains("Live migration enabled on"), "no such step in the demo document");
    }

    /**
     * remediation.ps1's list of test moves says, as the runbooks and the Runbook sheet do, that a failure delegation
     * cannot explain was logged on HV13 -> HV11 (its list named the move alone).
     */
    @Test
    void theScriptsTestMoveNamesAFailureDelegationCannotExplain() throws Exception {
        FindingsDocument doc = withNetworkFailure();
        String md = markdown(doc);
        String decide = stepNumber(md, "Needs a decision");
        String ps1 = render(RunbookWriter.powershell(new TemplateRenderer(TEMPLATES)), doc);
        String move = "Write-Host '  on HV13: Move-ClusterVirtualMachineRole -Name ''<test VM>'' -Node ''HV11'' -MigrationType"
                + " Live'";
        assertTrue(ps1.contains(move + "\r\nWrite-Host '    (a NETWORK 0x80072746 failure was logged on this direction,"
                + " which delegation cannot explain: if the move fails that way again, see runbook.md step "
                + decide + ")'\r\n") || ps1.contains(move + "\nWrite-Host '    (a NETWORK 0x80072746 failure was"
                + " logged on this direction, which delegation cannot explain: if the move fails that way again, see"
                + " runbook.md step " + decide + ")'\n"), ps1);
        assertEquals(1, ps1.split("failure was logged", -1).length - 1, "only that direction: " + ps1);
    }
}
