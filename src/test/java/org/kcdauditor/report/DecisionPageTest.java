package org.kcdauditor.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestFindings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Page 1 of audit.pdf, read back with PDFBox: what the CAB decides on. */
class DecisionPageTest {

    /**
     * {@code d} with the history sections and a trend of {@code n} runs, the last one this run; a change record among
     * the new findings of each run that has new ones.
     */
    static FindingsDocument withTrend(FindingsDocument d, int n) {
        FindingsDocument h = Fixtures.withHistory(d);
        List<TrendPoint> trend = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            trend.add(new TrendPoint(i == n - 1 ? d.runId() : "run-" + i, Instant.parse("2026-01-26T06:00:00Z")
                    .plusSeconds(86_400L * 30 * i), 21, 2 + i % 3, 16 - i % 4, i == 0 ? null : i % 5,
                    i == 0 ? null : i % 2, i == 0 ? null : Math.min(1, i % 5)));
        }
        return h.withHistory(new HistorySections.Sections(h.history().withTrend(trend), h.baseline(), h.patches(),
                h.events(), h.imports()));
    }

    static List<PDImageXObject> images(byte[] pdf, int page) throws Exception {
        List<PDImageXObject> out = new ArrayList<>();
        try (PDDocument d = Loader.loadPDF(pdf)) {
            PDPage p = d.getPage(page - 1);
            for (COSName name : p.getResources().getXObjectNames()) {
                if (p.getResources().getXObject(name) instanceof PDImageXObject img) {
                    out.add(img);
                }
            }
        }
        return out;
    }

    /**
     * A run whose audited cluster is clean and whose other cluster's (optional) directory could not be read: that
     * cluster is NO-GO (findings.json {@code go: false}, DIRECTORY_NOT_READ), so page 1 says NO-GO for it everywhere,
     * not "no verdict" under the table that reads NO-GO, and the run's traffic light (the workbook's Overall status,
     * the mail's STATUS) is not "OK" while one of its clusters reads "Not audited".
     */
    @Test
    void aClusterWhoseDirectoryWasNotReadIsNoGoOnPageOneAndTheRunIsNotOk() throws Exception {
        FindingsDocument d = Fixtures.demo();
        Map<String, Integer> none = Map.of("HIGH", 0, "MEDIUM", 0, "LOW", 0, "INFO", 0);
        FindingsDocument.ClusterDoc hvc1 = d.clusters().get(0);
        List<FindingsDocument.ClusterDoc> clusters = List.of(
                new FindingsDocument.ClusterDoc(hvc1.name(), hvc1.nodes(), List.of(), List.of(), hvc1.pairs(),
                        hvc1.pairs(), hvc1.requiredEntries(), hvc1.requiredEntries(), 100.0, none, true, List.of(),
                        List.of(), "contoso", null),
                new FindingsDocument.ClusterDoc("HVC2", List.of(), List.of(), List.of(), 0, 0, 0, 0, null, none,
                        false, List.of(new GoVerdict.Reason(GoVerdict.NOT_AUDITED, 0,
                        "not audited: directory fabrikam could not be read")), List.of(), "fabrikam", false));
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts().stream().filter(h -> "HVC1".equals(h.cluster()))
                .toList(), List.of(), Map.of(), null, null, null,
                null, null, d.directories());
        ReportView view = ReportView.of(doc);
        assertEquals(Status.AMBER, view.status(), "a cluster reads Not audited: the run is not OK");
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1).replace("\n", " ");
        assertTrue(first.contains("NO-GO for the patch window: 1 of 2 clusters"), first);
        assertFalse(first.contains("no verdict"), first);
        assertTrue(first.contains("Patch window: NO-GO for HVC2 (not audited: directory not read)."),
                first);
        // with a change proposed elsewhere, what the change leaves there is not known, as the table says
        List<FindingsDocument.ClusterDoc> demoClusters = d.clusters().stream().map(c -> !c.name().equals("HVC2") ? c
                : new FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(), c.fileServers(), c.pairs(),
                c.pairsOk(), c.requiredEntries(), c.presentEntries(), c.compliancePercent(), c.bySeverity(), false,
                c.reasons(), c.matrix(), "fabrikam", false)).toList();
        FindingsDocument changed = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), demoClusters, d.hosts(), d.findings(), d.rules(), null, null,
                null, null, null, d.directories());
        String withChange = PdfReportWriterTest.text(PdfReportWriterTest.render(changed, 16), 1, 1).replace("\n", " ");
        assertTrue(withChange.contains("not known for HVC2 (not audited: directory not read)."),
                withChange);
        assertFalse(withChange.contains("no verdict"), withChange);
    }

    @Test
    void pageOneHoldsEachClustersVerdictFailingDirectionsAndWaivedOnesStillFailing() throws Exception {
        FindingsDocument doc = Fixtures.waivedHv02ToHv03();
        ReportView view = ReportView.of(doc);
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1).replace("\n", " ");
        for (ReportView.ClusterView c : view.clusters()) {
            assertTrue(first.matches(".*" + c.name() + " " + (c.go() ? "GO" : "NO-GO") + " .*"), c.name() + ": " + first);
            for (ReportView.Cell cell : c.failing().subList(0, Math.min(8, c.failing().size()))) {
                assertTrue(first.replace(" ", "").contains(cell.from() + "→" + cell.to()), cell.direction() + ": " + first);
            }
        }
        assertTrue(first.contains("… and 2 more"), "HVC2's ten failing directions: eight named, two counted");
        assertTrue(first.replace(" ", "").contains("HV02→HV03(waiveduntil2035-12-31)"), first);
        assertTrue(first.contains("A host cannot delegate to a peer's migration or SMB service (2)"),
                "blockers by rule, in the rule's words, with the directions they block");
        assertTrue(first.contains("If not approved: the 11 directions the change fixes keep failing"), first);
        assertTrue(first.contains("it fixes 11 of the 15 failing directions"), first);
        assertTrue(first.contains("svc-vmm"), "the objects of the change");
        assertTrue(first.contains("GO expected for HVC2; NO-GO stays for HVC1"), first);
        // the verdict says which DC it rests on: without preflight --all-dcs, one only
        assertTrue(first.contains("Domain controllers: read from " + view.directories().get(0).dc() + " only: whether"
                + " the other domain controllers have replicated the delegation was not checked (kcd-audit preflight"
                + " --all-dcs)."), first);
    }

    /**
     * The demo with five waivers over both clusters, as a baseline grows them: HV01 -> HV02 and HV02 -> HV03
     * (MISSING_DELEGATION), NAS01 (AES_NOT_ENABLED: the three directions to it), HV12 (DUPLICATE_SPN) and HV13
     * (AES_KEYS_MISSING); each with a justification as long as a change record's.
     */
    static FindingsDocument fiveWaivers() {
        Map<String, Finding.Waiver> waivers = Map.of(
                "MISSING_DELEGATION HV01", new Finding.Waiver("HV02 is being replaced under CHG0040; migration into it"
                        + " is not needed until the new node joins the cluster", java.time.LocalDate.of(2027, 1, 31)),
                "MISSING_DELEGATION HV02", new Finding.Waiver("HV03 is being rebuilt under CHG0042; its VMs were moved"
                        + " by hand and stay on HV01 until the rebuild is signed off", java.time.LocalDate.of(2027, 1, 31)),
                "AES_NOT_ENABLED NAS01", new Finding.Waiver("The NetApp filer gets AES with ONTAP 9.14 in the"
                        + " storage team's window (CHG0051); until then its shares are not migration targets",
                        java.time.LocalDate.of(2027, 3, 31)),
                "DUPLICATE_SPN HV12", new Finding.Waiver("svc-vmm keeps the SPN until VMM 2025 is installed"
                        + " (CHG0047); the VMM team owns the account and the date", java.time.LocalDate.of(2027, 2, 28)),
                "AES_KEYS_MISSING HV13", new Finding.Waiver("HV13's password is reset in the next maintenance window"
                        + " (CHG0049), after the domain's functional level is raised", java.time.LocalDate.of(2027, 2, 28)));
        FindingsDocument d = Fixtures.demo();
        return d.withFindings(d.findings().stream().map(f -> waivers.containsKey(f.rule() + " " + f.host())
                ? f.withWaiver(waivers.get(f.rule() + " " + f.host())) : f).toList());
    }

    @Test
    void waivedDirectionsAreNamedWithEachWaiversTermsOnceAndPageOneKeepsTheAfterAndTheTrend() throws Exception {
        FindingsDocument doc = withTrend(fiveWaivers(), 12);
        ReportView view = ReportView.of(doc);
        assertEquals(2, view.clusters().size());
        assertTrue(view.waivedFailing() >= 10, "waived directions in both clusters: " + view.waivedFailing());
        byte[] pdf = PdfReportWriterTest.render(doc, 16);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("After the change"), "page 1 holds the decision: " + first);
        assertTrue(first.contains("Trend: the last 12 runs"), first);
        assertEquals(1, images(pdf, 1).size(), "the trend chart on page 1");
        assertTrue(PdfReportWriterTest.text(pdf, 2, 2).contains("Sign-off"), "the sign-off follows on page 2");
        String compact = first.replaceAll("\\s+", "");
        assertTrue(compact.contains("HV01→HV02,HV02→HV03(waiveduntil2027-01-31)"), "one waiver's directions, its"
                + " terms once: " + first);
        assertEquals(1, compact.split("until2027-03-31", -1).length - 1, "NAS01's waiver once for its three"
                + " directions: " + first);
        assertFalse(first.contains("rebuilt under CHG0042"), "the justifications are under Findings: " + first);
        String findings = PdfReportWriterTest.text(pdf, 3, 99).replace("\n", " ");
        assertTrue(findings.contains("Waived until 2027-01-31: HV03 is being rebuilt under CHG0042"), findings);
    }

    @Test
    void theBlockersColumnNamesEveryReasonOfTheVerdictByRule() throws Exception {
        // the demo: HVC1's UNCONSTRAINED_DELEGATION and HVC2's DELEGATION_TO_SENSITIVE_TARGET block no pair
        String demo = PdfReportWriterTest.text(PdfReportWriterTest.render(Fixtures.demo(), 16), 1, 1)
                .replaceAll("[\\s\u00A0]+", "");
        assertTrue(demo.contains("Alsoopen,HIGH:") && demo.contains("ahostistrustedforunconstraineddelegation×1"), demo);
        assertTrue(demo.contains("ahostmaydelegatetoadomaincontroller'sservice×1"), demo);
        // clusters without a pair: the verdict's reasons are all there is to say (as the mail lists them)
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (String name : List.of("EMPTY", "GHOST")) {
            clusters.add(new FindingsDocument.ClusterDoc(name, List.of(), List.of(), List.of(), 0, 0, 0, 0, null,
                    Map.of("HIGH", 2), null, null, List.of()));
        }
        clusters.add(new FindingsDocument.ClusterDoc("MANY", List.of(), List.of(), List.of(), 0, 0, 0, 0, null,
                Map.of("HIGH", 10), null, null, List.of()));
        List<Finding> findings = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            findings.add(TestFindings.legacy("RULE_" + i, Severity.HIGH, "MANY", "H" + i, null, null, "Bad.", "Fix."));
        }
        findings.addAll(List.of(
                TestFindings.legacy("CLUSTER_EMPTY", Severity.HIGH, "EMPTY", null, null, null, "No node.", "Check."),
                TestFindings.legacy("HOST_NOT_FOUND", Severity.HIGH, "GHOST", "NOPE1", null, null, "Gone.", "Check."),
                TestFindings.legacy("HOST_NOT_FOUND", Severity.HIGH, "GHOST", "NOPE2", null, null, "Gone.", "Check."),
                TestFindings.legacy("CLUSTER_EMPTY", Severity.HIGH, "GHOST", null, null, null, "No node.", "Check.")));
        FindingsDocument doc = new FindingsDocument(1, "r", null, null, null, new FindingsDocument.Summary(0, 3, 0,
                0, 0, null, Map.of("HIGH", 14)), null, clusters, List.of(), findings, null);
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1)
                .replaceAll("[\\s\u00A0]+", "");
        assertTrue(first.contains("EMPTYNO-GO"), first);
        // rules this version does not know keep their ids: there are no words for them (RULE_8 below)
        assertTrue(first.contains("Alsoopen,HIGH:acluster'sOUholdsnocomputerobject×1"), first);
        assertTrue(first.contains("Alsoopen,HIGH:aconfiguredhosthasnocomputerobject×2;acluster'sOUholdsnocomputer"
                + "object×1"), first);
        assertTrue(first.contains("RULE_8×1;…and2morerules"), "bounded: " + first);
        assertFalse(first.contains("otherHIGH"), "named, not only counted: " + first);
    }

    /**
     * A GO with a trend and nothing to change: the sign-off (three roles, no "implemented by" or "validated by") fits
     * below the chart, but page 1 kept room for the five-role sign-off of a change and sent it to page 2, leaving a
     * third of page 1 empty.
     */
    @Test
    void theSignOffOfAGoWithATrendStaysOnPageOne() throws Exception {
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of(), null, null, List.of());
        FindingsDocument green = new FindingsDocument(1, "3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f", null, null, null,
                new FindingsDocument.Summary(3, 1, 6, 24, 24, 100.0, Map.of()), null, List.of(c), List.of(),
                List.of(), null);
        byte[] pdf = PdfReportWriterTest.render(withTrend(green, 6), 16);
        assertEquals(1, images(pdf, 1).size(), "the trend chart on page 1");
        String first = PdfReportWriterTest.text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("Sign-off") && first.contains("CAB decision") && first.contains(
                "Conditions / comments"), first);
    }

    @Test
    void aRunWithoutAChangeOrWithOneThatFixesNoDirectionCountsNoZeroes() throws Exception {
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"),
                List.of(), List.of(), 6, 6, 24, 24, 100.0, Map.of("INFO", 1), null, null, List.of());
        FindingsDocument green = new FindingsDocument(1, "r", null, null, null, new FindingsDocument.Summary(3, 1, 6,
                24, 24, 100.0, Map.of("INFO", 1)), null, List.of(c), List.of(), List.of(TestFindings.legacy(
                "PATCH_DATA_MISSING", Severity.INFO, "HVC1", "HV02", null, null, "None.", "Import.")), null);
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(green, 16), 1, 1).replace("\n", " ");
        assertTrue(first.contains("GO for the patch window: HVC1"), first);
        assertTrue(first.contains("Now (no change proposed)"), first);
        assertTrue(first.contains("Pairs OK: 6 of 6: every direction can migrate."), first);
        assertTrue(first.contains("Patch window: GO for every cluster."), first);
        // the heading announces nothing it does not list: no colon before the sentence that says there is no change
        assertTrue(first.contains("The proposed change No change to Active Directory is proposed."), first);
        // the CAB signs the GO; nobody implements or validates a change that is not proposed
        String signOff = PdfReportWriterTest.text(PdfReportWriterTest.render(green, 16), 1, 2).replace("\n", " ");
        assertTrue(signOff.contains("CAB approver") && signOff.contains("CAB decision"), signOff);
        assertFalse(signOff.contains("Change implemented by") || signOff.contains("Validated by"), signOff);
        assertFalse(first.contains("If not approved"), "nothing to approve: " + first);
        assertFalse(first.contains("0 of the 0"), first);
        assertFalse(first.contains("0 objects"), first);
        assertFalse(first.matches(".*after the change: (GO|still|not).*"), "no change, no 'after': " + first);
        // NO-GO by a finding to decide, and still no change: neither the PDF nor the mail speaks of one
        FindingsDocument noGo = Fixtures.withFindings(green, List.of(TestFindings.legacy("MIGRATION_FAILURE_OBSERVED",
                Severity.HIGH, "HVC1", "HV02", "HV03", null, "2 failed migration events HV02 -> HV03 [NETWORK].",
                "Check the migration networks.")));
        assertFalse(ReportView.of(noGo).plan().hasChanges());
        assertFalse(ReportView.of(noGo).clusters().get(0).go());
        String noGoPage = PdfReportWriterTest.text(PdfReportWriterTest.render(noGo, 16), 1, 1).replace("\n", " ");
        assertTrue(noGoPage.contains("NO-GO"), noGoPage);
        assertFalse(noGoPage.matches(".*after the change: (GO|still|not).*"), noGoPage);
        String mail = new org.kcdauditor.notify.NoticeBuilder(new org.kcdauditor.config.MailConfig("127.0.0.1", 25,
                "none", null, null, null, "kcd@contoso.com", List.of("team@contoso.com"), Map.of(), null, null, null,
                null, null), new org.kcdauditor.report.runbook.TemplateRenderer(java.nio.file.Path.of("templates")))
                .build("test", org.kcdauditor.config.ScheduleConfig.Notify.ALWAYS, noGo, null, null, null).get(0).text();
        assertTrue(mail.contains("- HVC1: NO-GO"), mail);
        assertFalse(mail.contains("after the proposed change"), mail);
        // a change that makes no failing direction pass: it only replaces unconstrained delegation
        FindingsDocument stale = Fixtures.withFindings(green, List.of(TestFindings.legacy("UNCONSTRAINED_DELEGATION",
                Severity.HIGH, "HVC1", "HV01", null, null, "HV01 may delegate to any service.", "Constrain it.")));
        assertTrue(ReportView.of(stale).plan().hasChanges());
        String pages = PdfReportWriterTest.text(PdfReportWriterTest.render(stale, 16), 1, 3).replace("\n", " ");
        assertTrue(pages.contains("After the change"), pages);
        assertTrue(pages.contains("after the change: GO expected"), pages);
        assertTrue(pages.contains("Pairs OK: 6 of 6: every direction can migrate, now and after the change."), pages);
        assertTrue(pages.contains("If not approved: live migration is not affected: no direction fails."), pages);
        for (String zero : List.of("0 of the 0", "the 0 directions", "the 0 failing", "0 test moves",
                "0 affected directions")) {
            assertFalse(pages.contains(zero), zero + ": " + pages);
        }
    }

    @Test
    void theTrendChartIsAnImageWhenTheRunHasHistoryAndASentenceWhenNot() throws Exception {
        byte[] with = PdfReportWriterTest.render(withTrend(Fixtures.demo(), 12), 16);
        List<PDImageXObject> imgs = images(with, 1);
        assertEquals(1, imgs.size(), "the chart on page 1");
        assertTrue(imgs.get(0).getWidth() > 600, "drawn sharp enough to print: " + imgs.get(0).getWidth());
        assertTrue(PdfReportWriterTest.text(with, 1, 1).contains("Trend: the last 12 runs"));
        byte[] without = PdfReportWriterTest.render(Fixtures.demo(), 16);
        assertEquals(List.of(), images(without, 1));
        assertTrue(PdfReportWriterTest.text(without, 1, 1).replace("\n", " ").contains("No trend: this run has no"
                + " history"), PdfReportWriterTest.text(without, 1, 1));
    }

    @Test
    void aClusterOfSixtyFourNodesHasItsPairFiguresOnOneLine() throws Exception {
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (FindingsDocument.ClusterDoc c : d.clusters()) {
            clusters.add(new FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(), c.fileServers(), 4032,
                    4031, c.requiredEntries(), c.presentEntries(), c.compliancePercent(), c.bySeverity(), c.go(),
                    c.reasons(), c.matrix()));
        }
        FindingsDocument big = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), null);
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(big, 16), 1, 1);
        assertTrue(first.contains("4031/4032"), "not wrapped inside the column: " + first);
    }

    /** {@code d} with its clusters {@code times} over, named -0, -1, …: more rows of the same shapes. */
    static FindingsDocument clustersTimes(FindingsDocument d, int times) {
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            for (FindingsDocument.ClusterDoc c : d.clusters()) {
                clusters.add(new FindingsDocument.ClusterDoc(c.name() + "-" + i, c.nodes(), c.missingNodes(),
                        c.fileServers(), c.pairs(), c.pairsOk(), c.requiredEntries(), c.presentEntries(),
                        c.compliancePercent(), c.bySeverity(), c.go(), c.reasons(), c.matrix()));
            }
        }
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), clusters, d.hosts(), d.findings(), d.rules(), d.history(), d.baseline(),
                d.patches(), d.events(), d.imports(), d.directories());
    }

    @Test
    void pageOneKeepsTheStateAfterTheChangeAndTheTrendWithFourNoGoClusters() throws Exception {
        byte[] pdf = PdfReportWriterTest.render(withTrend(clustersTimes(fiveWaivers(), 2), 12), 16);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replace("\n", " ");
        assertTrue(first.contains("After the change") && first.contains("If not approved"), first);
        assertEquals(1, images(pdf, 1).size(), "the trend chart on page 1");
        assertTrue(first.contains("NO-GO for the patch window: 4 of 4 clusters"), first);
    }

    @Test
    void pageOneStaysBoundedForThousandsOfClusters() throws Exception {
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            for (FindingsDocument.ClusterDoc c : d.clusters()) {
                clusters.add(new FindingsDocument.ClusterDoc(String.format("%s-%04d", c.name(), i), c.nodes(),
                        c.missingNodes(), c.fileServers(), c.pairs(), i % 3 == 0 ? c.pairs() : c.pairsOk(),
                        c.requiredEntries(), c.presentEntries(), c.compliancePercent(), c.bySeverity(), i % 3 == 0,
                        i % 3 == 0 ? List.of() : c.reasons(), c.matrix()));
            }
        }
        FindingsDocument big = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), null);
        for (FindingsDocument shape : List.of(big, withTrend(big, 12))) {
            byte[] pdf = PdfReportWriterTest.render(shape, 16);
            String first = PdfReportWriterTest.text(pdf, 1, 1).replace("\n", " ");
            assertTrue(first.contains("NO-GO for the patch window: 400 of 600 clusters"), first);
            var more = java.util.regex.Pattern.compile("… and (\\d+) more clusters: (\\d+) NO-GO, 200 GO")
                    .matcher(first);
            assertTrue(more.find(), first);
            int listed = 600 - Integer.parseInt(more.group(1));
            assertTrue(listed >= 2 && listed <= 10, "rows as the page holds them: " + listed);
            assertEquals(400 - listed, Integer.parseInt(more.group(2)), "every listed cluster is a NO-GO one");
            // HVC2 has more failing directions than HVC1: its copies are listed first
            assertTrue(first.contains("HVC2-0001 NO-GO"), first);
            assertFalse(first.substring(0, more.start()).contains("HVC1-0000"),
                    "NO-GO clusters first: the GO ones are counted");
            assertTrue(first.contains("After the change") && first.contains("If not approved"),
                    "the state after the change stays on page 1: " + first);
            assertEquals(shape.history() == null ? 0 : 1, images(pdf, 1).size(), "the trend chart on page 1");
            String two = PdfReportWriterTest.text(pdf, 1, 2);
            assertTrue(two.contains("Sign-off"), "the decision page and its sign-off take at most two pages");
        }
    }

    /**
     * Beyond 40 clusters "Compliance per cluster" lists those with problems and counts the OK ones, which the workbook
     * lists: page 1 sent the reader there for "every cluster with its figures", where the GO ones it counted are not.
     */
    @Test
    void pageOneSendsTheReaderWhereEveryClusterIsListed() throws Exception {
        FindingsDocument d = Fixtures.demo();
        Map<String, Integer> none = Map.of("HIGH", 0, "MEDIUM", 0, "LOW", 0, "INFO", 0);
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>(d.clusters());
        for (int i = 0; i < 43; i++) {
            clusters.add(new FindingsDocument.ClusterDoc(String.format("OK%02d", i), List.of("A" + i, "B" + i),
                    List.of(), List.of(), 2, 2, 8, 8, 100.0, none, true, List.of(), List.of()));
        }
        FindingsDocument many = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), null);
        byte[] pdf = PdfReportWriterTest.render(many, 16);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.matches(".*… and \\d+ more clusters: 0 NO-GO, \\d+ GO\\. Every cluster with its figures: the"
                + " Summary sheet of audit\\.xlsx \\(\"Compliance per cluster\" below lists those not OK\\);.*"), first);
        assertTrue(PdfReportWriterTest.text(pdf, 2, 99).replaceAll("\\s+", " ").contains("43 further clusters with"
                + " status OK (all listed in audit.xlsx, Summary sheet)"));
    }

    /**
     * Page 1 lists only the first few NO-GO clusters: the worst ones. In configuration order a 600-host estate showed
     * C0001, C0002, C0004, … with one failing direction each, while C0014 (992 of 992 failing) was only counted under
     * "… and 39 more clusters", so the list read as contradicting the headline's 5083 failing directions.
     */
    @Test
    void pageOneListsTheNoGoClustersWithTheMostFailingDirectionsFirst() throws Exception {
        FindingsDocument d = Fixtures.demo();
        FindingsDocument.ClusterDoc one = d.clusters().get(0);
        FindingsDocument.ClusterDoc worst = d.clusters().get(1);
        List<FindingsDocument.ClusterDoc> clusters = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            clusters.add(new FindingsDocument.ClusterDoc(String.format("A%02d", i), one.nodes(), one.missingNodes(),
                    one.fileServers(), one.pairs(), one.pairs() - 1, one.requiredEntries(), one.presentEntries(),
                    one.compliancePercent(), one.bySeverity(), false, one.reasons(), one.matrix()));
        }
        clusters.add(new FindingsDocument.ClusterDoc("ZWORST", worst.nodes(), worst.missingNodes(),
                worst.fileServers(), worst.pairs(), 0, worst.requiredEntries(), worst.presentEntries(),
                worst.compliancePercent(), worst.bySeverity(), false, worst.reasons(), worst.matrix()));
        FindingsDocument big = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), null);
        assertEquals("ZWORST", ReportView.of(big).clustersNoGoFirst().get(0).name(), "most failing directions first");
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(big, 16), 1, 1).replace("\n", " ");
        assertTrue(first.contains("ZWORST NO-GO"), "the worst cluster is listed, not counted: " + first);
        assertTrue(first.indexOf("ZWORST") < first.indexOf("A00"), first);
    }

    /**
     * The waivers to question that page 1 names are the longest-running first, then the unused ones: it named a waiver
     * of 573 days (NAS01, the first in the findings' order) and counted the one of 3313 days that keeps HV02 -> HV03
     * failing for nine years among "… and 3 more"; the counted line names the rules of the waivers it counts only.
     */
    @Test
    void pageOneNamesTheLongestWaiverToQuestionFirst() throws Exception {
        List<Finding> flags = List.of(
                tooLong("AES_NOT_ENABLED", null, "NAS01", null, "2028-06-30", 573, "NetApp RC4 only, CHG0060"),
                unused("HV01", "HV03", "2027-03-31", "HV03 storage move test, CHG0050"),
                tooLong("MISSING_DELEGATION", "HVC1", "HV02", "HV03", "2035-12-31", 3313, "HV03 is being rebuilt"),
                unused("HV03", "HV01", "2027-02-28", "SMB share on HV01 retired, CHG0051"));
        ReportView view = ReportView.of(Fixtures.withFindings(Fixtures.demo(), flags));
        assertEquals(List.of("2035-12-31", "2028-06-30", "2027-03-31", "2027-02-28"), view.waiversToQuestion().stream()
                .map(v -> v.finding().evidence().expires().toString()).toList());
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(Fixtures.withFindings(Fixtures.demo(),
                flags), 16), 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("Waivers to question The waiver for \u201CA host cannot delegate to a peer's migration or SMB service\u201D"
                + " on HV02 -> HV03 runs until"
                + " 2035-12-31, 3313 days"), first);
        var more = java.util.regex.Pattern.compile("… and (\\d+) more \\(([A-Z_, ]+) under Findings\\)")
                .matcher(first);
        if (more.find()) {
            int counted = Integer.parseInt(more.group(1));
            List<String> hidden = view.waiversToQuestion().subList(4 - counted, 4).stream()
                    .map(v -> v.finding().rule()).distinct().toList();
            assertEquals(String.join(", ", hidden), more.group(2), first);
        }
    }

    /**
     * A waiver's justification pasted whole from a change ticket (1,500 characters) made its flag under "Waivers to
     * question" a block of 14 lines, and the state after the change and the trend went to page 2. Page 1 shows the
     * start of the flag; the whole text stands under Findings by severity.
     */
    @Test
    void aLongWaiverJustificationLeavesPageOneWhole() throws Exception {
        String why = "HV03 is being rebuilt after the storage controller failure of 2026-10-30; ".repeat(20)
                + "END-OF-TICKET";
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(tooLong("MISSING_DELEGATION", "HVC1",
                "HV02", "HV03", "2035-12-31", 3313, why)));
        byte[] pdf = PdfReportWriterTest.render(doc, 16);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("Waivers to question The waiver for \u201CA host cannot delegate to a peer's migration or SMB service\u201D"
                + " on HV02 -> HV03 runs until"
                + " 2035-12-31, 3313 days"), first);
        assertFalse(first.contains("END-OF-TICKET"), "not the whole justification on page 1: " + first);
        assertTrue(first.contains("… (in full under Findings by severity)"), first);
        assertTrue(first.contains("After the change") && first.contains("If not approved"),
                "the state after the change stays on page 1: " + first);
        assertTrue(PdfReportWriterTest.text(pdf, 2, 99).replaceAll("\\s+", "").contains("END-OF-TICKET"),
                "the whole justification under Findings");
    }

    private static Finding tooLong(String rule, String cluster, String host, String peer, String expires, int days,
                                   String why) {
        return TestFindings.of("WAIVER_TOO_LONG", Severity.LOW, cluster, host, peer, null, "The waiver for " + rule
                + " on " + host + (peer == null ? "" : " -> " + peer) + " runs until " + expires + ", " + days
                + " days from this run; baseline.maxWaiverDays allows 365 (\"" + why + "\").", Evidence.builder()
                .waivedRule(rule).expires(java.time.LocalDate.parse(expires)).justification(why).build());
    }

    private static Finding unused(String host, String peer, String expires, String why) {
        return TestFindings.of("WAIVER_UNUSED", Severity.LOW, "HVC1", host, peer, null, "The waiver for"
                + " MISSING_DELEGATION on " + host + " -> " + peer + " (active through " + expires + ", \"" + why
                + "\") matches no finding of this run: nothing it waives is open any more.", Evidence.builder()
                .waivedRule("MISSING_DELEGATION").expires(java.time.LocalDate.parse(expires)).justification(why)
                .build());
    }

    /**
     * Where hundreds of directions fail per cluster, page 1 names fewer of them before it lists fewer clusters: with
     * eight named each such row was ten lines high, and at 600 hosts the page listed two clusters and two objects
     * with a third of it empty.
     */
    @Test
    void pageOneNamesFewerDirectionsBeforeItListsFewerClusters() throws Exception {
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> clusters = Fixtures.failingClusters(d, 12);
        FindingsDocument big = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), null);
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(big, 16), 1, 1).replace("\n", " ");
        var more = java.util.regex.Pattern.compile("… and (\\d+) more clusters").matcher(first);
        assertTrue(more.find(), first);
        int listed = 12 - Integer.parseInt(more.group(1));
        assertTrue(listed >= 4, "clusters listed: " + listed + ": " + first);
        String flat = first.replace(" ", "");
        assertFalse(flat.contains("…and48more"), "not eight named: " + first);
        assertTrue(flat.contains("…and52more") || flat.contains("…and54more"), "fewer named, the rest counted: " + first);
    }

    /**
     * The demo's change plans more test moves than the directions it fixes: those from HV03 that work today are tested
     * because HV03's delegation mode changes. Page 1 says so where it counts the moves.
     */
    @Test
    void theTestMovesSayWhichOfThemWorkToday() throws Exception {
        ReportView v = ReportView.of(Fixtures.demo());
        List<RemediationPlan.Pair> working = v.plan().validate().stream().filter(RemediationPlan.Pair::working).toList();
        assertEquals(List.of("HV03->HV01", "HV03->HV02"), working.stream().map(p -> p.from() + "->" + p.to()).toList());
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(Fixtures.demo(), 16), 1, 1).replace("\n", " ");
        assertTrue(first.contains(v.plan().validate().size() + " test moves (2 of them directions that work today,"
                + " from a host whose delegation mode changes), each started on its source node"), first);
    }
    /**
     * HV13 gets a new password (a directory change) and has live migration enabled, HV02 gets Kerberos: page 1 counts
     * the migration settings of both hosts, not only of the one whose directory object is left alone, and says that
     * the script leaves several commands on them.
     */
    @Test
    void pageOneCountsEveryHostWhoseMigrationSettingChanges() throws Exception {
        FindingsDocument doc = Fixtures.withFindings(Fixtures.demo(), List.of(
                TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null, "HV02"
                        + " authenticates live migrations with CredSSP.", org.kcdauditor.model.Evidence.builder().build(),
                        new org.kcdauditor.remedy.Action.SetMigrationAuthentication("HV02")),
                TestFindings.of("MIGRATION_DISABLED", Severity.MEDIUM, "HVC2", "HV13", null, null, "Live migration is"
                        + " disabled on HV13.", org.kcdauditor.model.Evidence.builder().build(),
                        new org.kcdauditor.remedy.Action.EnableMigration("HV13"))));
        ReportView v = ReportView.of(doc);
        assertTrue(v.plan().onHosts().stream().anyMatch(a -> a instanceof org.kcdauditor.remedy.Action.ResetMachinePassword
                && a.subject().equals("HV13")), "the demo resets HV13's password: " + v.plan().onHosts());
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("The proposed change: " + v.plan().objectsChanged() + " objects in Active Directory,"
                + " the migration settings of 2 hosts"), first);
        assertTrue(first.contains("and on 2 hosts by commands run there, which the script does not run (runbook.md"
                + " lists them)"), first);
        String summary = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 2, 3).replaceAll("\\s+", " ");
        assertTrue(summary.contains("Proposed change: update " + v.plan().objectsChanged() + " objects in Active"
                + " Directory"), summary);
        String all = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 99).replaceAll("\\s+", " ");
        String perObject = all; // the steps on the hosts appear in the table "Changes per object" only
        assertEquals(1, perObject.split("HV13 HVC2 On the host", -1).length - 1, "one row for HV13: " + perObject);
        assertTrue(perObject.contains("HV13 HVC2 On the host: Reset the computer account password (gives the account"
                + " AES keys) On the host: Enable live migration"), perObject);
        assertTrue(summary.contains("On 2 hosts, by commands run there (runbook.md, On the hosts): reset computer"
                + " passwords (AES keys), set Kerberos as the live-migration authentication and enable live migration."),
                summary);
    }

    /**
     * A direction to a file server that the change fixes (the demo's HV02 -> NAS02, HV02 getting Kerberos for
     * migrations) has no test move: page 1 names it where it counts the moves.
     */
    @Test
    void aFixedDirectionToAFileServerIsNamedBesideTheTestMoves() throws Exception {
        FindingsDocument doc = credSspOnHv02("NAS01");
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("each started on its source node (the fixed direction HV02→NAS01 goes to a file"
                + " server, which no live migration targets: no move tests it); then"), first);
        assertFalse(PdfReportWriterTest.text(PdfReportWriterTest.render(Fixtures.demo(), 16), 1, 1).contains("file"
                + " server, which no live migration"), "the demo document fixes no direction to a file server");
    }

    /**
     * The file server a fixed direction goes to is a directory name: page 1 shows a bidirectional override in it as
     * {@code \\u202E}, as it does in the failing directions, not the character that reorders the sentence.
     */
    @Test
    void aFixedDirectionToAFileServerShowsAHostileNameVisibly() throws Exception {
        FindingsDocument doc = credSspOnHv02("NAS01\u202Elive");
        String first = PdfReportWriterTest.text(PdfReportWriterTest.render(doc, 16), 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("(the fixed direction HV02→NAS01\\u202Elive goes to a file server"), first);
        assertFalse(first.contains("\u202E"), first);
    }

    /**
     * The demo with HV02 migrating by CredSSP, which blocks (and so fixes) its direction to the file server NAS01,
     * that server named {@code fileServer} in the matrix.
     */
    private static FindingsDocument credSspOnHv02(String fileServer) throws Exception {
        Finding credssp = TestFindings.of("MIGRATION_AUTH_NOT_KERBEROS", Severity.HIGH, "HVC1", "HV02", null, null,
                "HV02 authenticates live migrations with CredSSP.", org.kcdauditor.model.Evidence.builder().build(),
                new org.kcdauditor.remedy.Action.SetMigrationAuthentication("HV02"));
        com.fasterxml.jackson.databind.node.ObjectNode tree = FindingsJson.MAPPER.valueToTree(
                Fixtures.withFindings(Fixtures.demo(), List.of(credssp)));
        for (com.fasterxml.jackson.databind.JsonNode c : tree.get("clusters")) {
            for (com.fasterxml.jackson.databind.JsonNode p : c.get("matrix")) {
                if (p.get("from").asText().equals("HV02") && p.get("to").asText().equals("NAS01")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) p).put("to", fileServer);
                    ((com.fasterxml.jackson.databind.node.ObjectNode) p).set("blockers", FindingsJson.MAPPER
                            .valueToTree(List.of(new FindingsDocument.BlockerDoc("MIGRATION_AUTH_NOT_KERBEROS",
                                    credssp.id()))));
                }
            }
        }
        return FindingsJson.MAPPER.treeToValue(tree, FindingsDocument.class);
    }

    /**
     * One command on one host (the demo document resets HV13's password): the executive summary says "a command", as
     * page 1 does, not "commands".
     */
    @Test
    void theSummaryCountsOneCommandOnTheHostsAsPageOneDoes() throws Exception {
        FindingsDocument doc = Fixtures.demo();
        org.junit.jupiter.api.Assumptions.assumeTrue(ReportView.of(doc).plan().onHosts().size() == 1,
                "the demo document has one step on a host");
        byte[] pdf = PdfReportWriterTest.render(doc, 16);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("and on 1 host by a command run there"), first);
        String summary = PdfReportWriterTest.text(pdf, 2, 3).replaceAll("\\s+", " ");
        assertTrue(summary.contains("On 1 host, by a command run there (runbook.md, On the hosts):"), summary);
    }

    /**
     * A node joined to a 30-node cluster without its delegation, the commonest drift there is: the change gives it
     * delegation to 29 peers, one line each in page 1's Gains cell, which pushed the state after the change and the
     * trend to page 2 (at 64 nodes the table ran over two pages below an orphan heading). Page 1 names a few gains per
     * object and counts the rest.
     */
    @Test
    void aNodeThatGainsDelegationToManyPeersLeavesPageOneWhole(@TempDir Path tmp) throws Exception {
        byte[] pdf = newNodeOfThirty(tmp);
        String first = PdfReportWriterTest.text(pdf, 1, 1).replaceAll("\\s+", " ");
        assertTrue(first.contains("The proposed change: 1 object in Active Directory"), first);
        assertTrue(first.contains("HVN30 HVC1 delegation to HVN01: 4 entries"), first);
        assertTrue(first.contains("delegation to HVN04: 4 entries (cifs/HVN04, …) … and 25 more: every one under"
                + " \"Changes per object\""), first);
        assertFalse(first.contains("delegation to HVN29"), "not every peer on page 1: " + first);
        assertTrue(first.contains("After the change") && first.contains("If not approved: the 29 directions"),
                "the state after the change stays on page 1: " + first);
        assertTrue(first.contains("Trend"), first);
    }

    /** audit.pdf of a real run: a cluster of 30 nodes, HVN30 joined without any delegation entry. */
    static byte[] newNodeOfThirty(Path tmp) throws Exception {
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            nodes.add(String.format("HVN%02d", i));
        }
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes);
            ds.modify("CN=HVN30,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo"));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), nodes,
                    "allowInsecureBind: true");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", "pdf");
            assertEquals(3, r.exitCode(), r.toString());
        } finally {
            ds.shutDown(true);
        }
        return Files.readAllBytes(tmp.resolve("out/audit.pdf"));
    }
}
