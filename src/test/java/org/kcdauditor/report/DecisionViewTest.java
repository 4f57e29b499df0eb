package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.TestFindings;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Honest waivers in the report view: a waiver accepts a failure, it does not fix it. The demo with its HV02 -> HV03
 * entries waived until 2035-12-31 and the migration failure HV02 -> HV03 that follows from them.
 */
class DecisionViewTest {
    @Test
    void aMatrixCellMarksADisabledHostAndALaggingDc() {
        FindingsDocument.PairDoc p = new FindingsDocument.PairDoc("HV01", "HV02", 4, 4, false,
                List.of(new FindingsDocument.BlockerDoc("ACCOUNT_DISABLED", "a"),
                        new FindingsDocument.BlockerDoc("DC_NOT_CONVERGED", "b")), List.of(), List.of(), false, false);
        assertEquals("4/4 D L", ReportView.cellText(p, List.of()));
        FindingsDocument.PairDoc off = new FindingsDocument.PairDoc("HV01", "HV03", 4, 4, false,
                List.of(new FindingsDocument.BlockerDoc("MIGRATION_DISABLED", "c")), List.of(), List.of(), false, false);
        assertEquals("4/4 D", ReportView.cellText(off, List.of()));
        assertTrue(ReportView.CELL_MARKS.contains("\"D\": a node's or file server's account, or a node's live migration, is disabled"));
    }

    @Test
    void aMatrixCellMarksASourceWithoutTheProtocolTransitionThePolicyNeeds() {
        FindingsDocument.PairDoc p = new FindingsDocument.PairDoc("HV01", "HV02", 4, 4, false,
                List.of(new FindingsDocument.BlockerDoc("PROTOCOL_TRANSITION_MISMATCH", "a")), List.of(), List.of(),
                false, false);
        assertEquals("4/4 P", ReportView.cellText(p, List.of()), "all entries there, yet blocked: the mark says why");
        assertTrue(ReportView.CELL_MARKS.contains("\"P\": the source lacks protocol transition ('Use any authentication"
                + " protocol'), which policy 'any' needs"), ReportView.CELL_MARKS);
    }

    /**
     * RBCD on a file server covers the pair, but for a cifs SPN a service account serves whose own RBCD does not allow
     * the source: MISSING_DELEGATION asks for that entry, so the cell counts it ("RBCD 0/1") instead of reading "RBCD",
     * whose legend says the source needs no entry.
     */
    @Test
    void aMatrixCellOfAnRbcdPairStillMissingAnEntryCountsIt() {
        FindingsDocument.PairDoc p = new FindingsDocument.PairDoc("HV01", "NAS01", 1, 0, false,
                List.of(new FindingsDocument.BlockerDoc("MISSING_DELEGATION", "a")), List.of("cifs/nas01.contoso.com"),
                List.of(), true, true);
        assertEquals("RBCD 0/1", ReportView.cellText(p, List.of()));
    }

    /**
     * The same pair once the entry is added: it is still required of the source and now present, so the cell counts it
     * "RBCD 1/1", as the cluster's entries present / required do. It read "RBCD" (and the pair counted 0/0, the entry
     * dropped from the cluster's required entries) under the legend "none is counted as required".
     */
    @Test
    void aMatrixCellOfAnRbcdPairCountsTheEntryItRequiresOnceAdded() {
        FindingsDocument.PairDoc p = new FindingsDocument.PairDoc("HV01", "NAS01", 1, 1, true, List.of(), List.of(),
                List.of(), true, true, List.of("cifs/nas01.contoso.com"));
        assertEquals("RBCD 1/1", ReportView.cellText(p, List.of()));
        assertEquals(Status.GREEN, ReportView.cellStatus(p));
    }

    /**
     * A pair the destination's RBCD covers needs no msDS-AllowedToDelegateTo entry: its cell read "4/4 R" under the
     * legend "required entries present / required" while the source held none. It says "RBCD" (with the marks of what
     * else blocks it), also for a findings.json written before, whose pair still counts four entries.
     */
    @Test
    void aMatrixCellOfAPairRbcdCoversSaysRbcdNotCounts() {
        FindingsDocument.PairDoc ok = new FindingsDocument.PairDoc("HVD4", "HVD1", 0, 0, true, List.of(), List.of(),
                List.of(), true, false);
        assertEquals("RBCD", ReportView.cellText(ok, List.of()));
        assertEquals(Status.GREEN, ReportView.cellStatus(ok));
        FindingsDocument.PairDoc older = new FindingsDocument.PairDoc("HVD4", "HVD1", 4, 4, true, List.of(), List.of(),
                List.of(), true, false);
        assertEquals("RBCD", ReportView.cellText(older, List.of()));
        FindingsDocument.PairDoc blocked = new FindingsDocument.PairDoc("HV01", "FB02", 0, 0, false,
                List.of(new FindingsDocument.BlockerDoc("DUPLICATE_SPN", "a")), List.of(), List.of(), true, false);
        assertEquals("RBCD !", ReportView.cellText(blocked, List.of()));
        assertEquals(Status.AMBER, ReportView.cellStatus(blocked));
        assertFalse(ReportView.MARKS.stream().anyMatch(m -> m.mark().equals("R")), "the cell says RBCD itself");
    }

    /**
     * Across domains no msDS-AllowedToDelegateTo entry can help: the cell says what does, not "0/4" of entries that
     * would change nothing (a findings.json written before listed them as missing).
     */
    @Test
    void aMatrixCellAcrossDomainsSaysRbcdIsNeeded() {
        FindingsDocument.PairDoc p = new FindingsDocument.PairDoc("HV01", "HV21", 0, 0, false,
                List.of(new FindingsDocument.BlockerDoc("CROSS_DOMAIN_NEEDS_RBCD", "a")), List.of(), List.of(), false,
                false);
        assertEquals("needs RBCD", ReportView.cellText(p, List.of()));
        assertEquals(Status.RED, ReportView.cellStatus(p));
        FindingsDocument.PairDoc older = new FindingsDocument.PairDoc("HV01", "HV21", 4, 0, false,
                List.of(new FindingsDocument.BlockerDoc("CROSS_DOMAIN_NEEDS_RBCD", "a")),
                List.of("cifs/HV21", "cifs/hv21.fabrikam.com"), List.of(), false, false);
        assertEquals("needs RBCD", ReportView.cellText(older, List.of()));
    }

    /**
     * The legends are read in the PDF and the workbook, where Markdown is not rendered: "policy `any` needs" showed its
     * backticks on the matrix page and the Matrix sheet, as did the PROTOCOL_TRANSITION_MISMATCH rule's "why" above
     * its findings.
     */
    @Test
    void theMarksAndTheRulesWhyCarryNoMarkdown() {
        for (ReportView.Mark m : ReportView.MARKS) {
            assertFalse(m.meaning().contains("`"), m.mark() + ": " + m.meaning());
        }
        for (org.kcdauditor.rules.RuleInfo r : org.kcdauditor.rules.RuleCatalogue.standard().rules().stream()
                .map(org.kcdauditor.rules.Rule::info).toList()) {
            assertFalse(r.why().contains("`"), r.id() + ": " + r.why());
        }
    }

    @Test
    void aPairThatFailsOnlyThroughWaiversIsNeverStatusOk() {
        FindingsDocument d = Fixtures.demo();
        Finding.Waiver w = new Finding.Waiver("accepted for the test", java.time.LocalDate.of(2035, 12, 31));
        List<Finding> allWaived = d.findings().stream().map(f -> f.withWaiver(w)).toList();
        ReportView v = ReportView.of(new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), allWaived, null));
        assertTrue(v.failingPairs() > 0);
        assertEquals(Status.AMBER, v.status(), "no open finding, but pairs fail: not OK");
        for (ReportView.ClusterView c : v.clusters()) {
            assertEquals(c.pairsOk() < c.pairs() ? Status.AMBER : Status.GREEN, c.status(), c.name());
        }
    }

    static List<String> waivedCauses(FindingsDocument d) {
        return d.findings().stream().filter(f -> "MISSING_DELEGATION".equals(f.rule()) && "HV02".equals(f.host())
                && "HV03".equals(f.peer())).map(Finding::id).toList();
    }

    /** The waived demo with the observed failure HV02 -> HV03 whose causes are the waived entries. */
    static FindingsDocument withFailure() {
        FindingsDocument d = Fixtures.waivedHv02ToHv03();
        Finding failure = TestFindings.of("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC1", "HV02", "HV03", null,
                "2 failed migration events HV02 -> HV03 [NO_CREDENTIALS 0x8009030E]; explained by 4 MISSING_DELEGATION"
                        + " findings.", Evidence.builder().eventIds(List.of(21502)).eventCount(2)
                        .relatedFindings(waivedCauses(d)).build(),
                new Action.Manual("Fix the 4 MISSING_DELEGATION findings, replicate, purge tickets on HV02, then"
                        + " retry the migration."));
        return Fixtures.withFindings(d, List.of(failure));
    }

    static ReportView.FindingView failure(ReportView v) {
        return v.findings().stream().filter(f -> f.finding().rule().equals("MIGRATION_FAILURE_OBSERVED")).findFirst()
                .orElseThrow();
    }

    @Test
    void aFindingThatFollowsFromWaivedFindingsIsMarkedStillListedAndStillCounted() {
        FindingsDocument d = withFailure();
        ReportView v = ReportView.of(d);
        ReportView.FindingView f = failure(v);
        assertFalse(f.waived());
        assertNotNull(f.consequence(), "marked as a consequence of the waived entries");
        assertEquals(4, f.consequence().waivedCauses().size());
        assertTrue(f.consequenceColumn().startsWith("Consequence of waived MISSING_DELEGATION HV02 -> HV03 (4 findings,"
                + " waived until 2035-12-31: HV03 is being rebuilt, CHG0042)"), f.consequenceColumn());
        assertTrue(f.consequenceColumn().contains("still failing, still counted"), f.consequenceColumn());
        assertEquals("No", f.waivedColumn(), "not waived itself: the Waived column says No");
        assertEquals(ReportView.of(Fixtures.waivedHv02ToHv03()).counts().open(Severity.HIGH) + 1,
                v.counts().open(Severity.HIGH), "it counts");
        // not waived itself, it blocks GO now and after the change: waive it too, or fix the cause
        RemediationPlan.Decision decision = v.decisions().stream().filter(x -> x.finding().rule()
                .equals("MIGRATION_FAILURE_OBSERVED")).findFirst().orElseThrow();
        assertEquals("Its causes, 4 MISSING_DELEGATION findings (ids " + String.join(", ", f.finding().causes())
                + "), are waived and keep the pair failing: waive it as well (rule MIGRATION_FAILURE_OBSERVED, host HV02,"
                + " peer HV03), or end that waiver and fix them.", decision.what());
        assertEquals(decision.what(), f.remediation(), "the one advice in every report, not the finding's own 'Fix the"
                + " 4 MISSING_DELEGATION' that the plan leaves out");
        assertEquals(decision.what(), v.doc().findings().stream().filter(x -> x.id().equals(f.finding().id()))
                .findFirst().orElseThrow().remediation(), "findings.json says it too");
        assertTrue(v.plan().staysOpen(f.finding().id()));
        assertEquals(1, v.openAfter().open(Severity.HIGH) - ReportView.of(Fixtures.waivedHv02ToHv03()).openAfter()
                .open(Severity.HIGH), "it stays open after the change");
        assertFalse(v.clusters().get(0).goAfter(), "HVC1 stays NO-GO after the change");
        assertNull(failure(ReportView.of(Fixtures.withFindings(Fixtures.demo(), List.of(f.finding()))))
                .consequence(), "without the waiver it is an ordinary finding");
    }

    @Test
    void aDecisionNamingWaivedCausesAmongItsFixesSaysTheyAreWaivedInEveryReport() {
        FindingsDocument d = Fixtures.waivedHv02ToHv03();
        List<String> causes = new java.util.ArrayList<>(waivedCauses(d));
        causes.add("0123456789abcdef"); // an open cause the plan does not fix
        Finding hardening = TestFindings.of("HARDENING_PATCH_WITHOUT_DELEGATION", Severity.HIGH, "HVC1", "HV02", null,
                "KB5020805", "HV02 installed KB5020805 while its pairs cannot succeed.", Evidence.builder()
                        .relatedFindings(causes).build(),
                new Action.Manual("Fix what blocks HV02's pairs now: its 4 MISSING_DELEGATION and 1 other findings."));
        ReportView v = ReportView.of(Fixtures.withFindings(d, List.of(hardening)));
        RemediationPlan.Decision decision = v.decisions().stream().filter(x -> x.finding().rule()
                .equals("HARDENING_PATCH_WITHOUT_DELEGATION")).findFirst().orElseThrow();
        assertEquals("Fix what blocks HV02's pairs now: its 4 MISSING_DELEGATION and 1 other findings. Of these, 4"
                + " MISSING_DELEGATION are waived (the plan leaves them out): a waiver does not fix them, and once it"
                + " ends their cluster is NO-GO.", decision.what());
        ReportView.FindingView f = v.findings().stream().filter(x -> x.finding().rule()
                .equals("HARDENING_PATCH_WITHOUT_DELEGATION")).findFirst().orElseThrow();
        assertEquals(decision.what(), f.remediation(), "the PDF, the workbook and the mail say the same");
        // rendered again from the findings.json this view writes (report --from): the waived note once, not twice
        ReportView again = ReportView.of(v.doc());
        assertEquals(decision.what(), again.findings().stream().filter(x -> x.finding().rule()
                .equals("HARDENING_PATCH_WITHOUT_DELEGATION")).findFirst().orElseThrow().remediation());
    }

    @Test
    void aWaivedPairStaysFailingWithItsMarkAndTheWaiversTerms() {
        ReportView v = ReportView.of(Fixtures.waivedHv02ToHv03());
        ReportView.ClusterView hvc1 = v.clusters().get(0);
        ReportView.Cell cell = cell(hvc1, "HV02", "HV03");
        assertTrue(cell.failing() && cell.waived(), "still failing");
        assertEquals("0/4 W", cell.text());
        assertEquals(Status.RED, cell.status());
        assertEquals(List.of(cell), hvc1.waivedFailing());
        assertTrue(cell.waiverNote().startsWith("waived MISSING_DELEGATION until 2035-12-31"), cell.waiverNote());
        assertEquals(ReportView.of(Fixtures.demo()).clusters().get(0).pairsOk(), hvc1.pairsOk(),
                "the waiver does not make the pair OK");
        assertFalse(cell(ReportView.of(Fixtures.demo()).clusters().get(0), "HV02", "HV03").text().contains("W"));
        // a findings.json edited by hand: waived, without the waiver's terms
        FindingsDocument bare = Fixtures.waivedHv02ToHv03();
        bare = bare.withFindings(bare.findings().stream().map(f -> !f.isWaived() ? f : new Finding(f.id(), f.rule(),
                f.severity(), f.cluster(), f.host(), f.peer(), f.spn(), f.message(), f.remediation(), f.evidence(),
                f.actions(), true, null)).toList());
        ReportView.Cell bareCell = cell(ReportView.of(bare).clusters().get(0), "HV02", "HV03");
        assertTrue(bareCell.waived());
        assertTrue(ReportView.of(bare).clusters().get(0).waivedFailing().get(0).waiverExpiry()
                .contains("with no expiry"));
    }

    @Test
    void ifNotApprovedCountsExactlyWhatTheChangeFixes() {
        ReportView v = ReportView.of(Fixtures.waivedHv02ToHv03());
        // HVC1: of HV01->HV02, HV01/HV02/HV03->NAS01 (NAS01 without AES: a decision) and HV02->HV03 (waived),
        // the change fixes HV01->HV02; HVC2: all ten failing directions (duplicate SPN, AES keys, SPN registration)
        assertEquals(15, v.failingPairs());
        assertEquals(1, v.clusters().get(0).fixedByChange());
        assertEquals(10, v.clusters().get(1).fixedByChange());
        assertEquals(11, v.fixedByChange());
        assertEquals(List.of("AES_NOT_ENABLED", "MISSING_DELEGATION (waived)"),
                List.copyOf(v.clusters().get(0).blockingAfter(v.plan()).keySet()));
        assertFalse(v.clusters().get(0).goAfter(), "HVC1 keeps NAS01's decision and the waived pair");
        assertTrue(v.clusters().get(1).goAfter(), "HVC2 is GO once the change is made");
        assertEquals(12, ReportView.of(Fixtures.demo()).fixedByChange(), "without the waiver the change also adds"
                + " HV02's entries to HV03");
    }

    @Test
    void aClusterWhoseDirectoryWasNotReadHasNoVerdictAfterTheChangeEither() {
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> clusters = d.clusters().stream().map(c -> !c.name().equals("HVC2") ? c
                : new FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(), c.fileServers(), c.pairs(),
                c.pairsOk(), c.requiredEntries(), c.presentEntries(), c.compliancePercent(), c.bySeverity(), false,
                c.reasons(), c.matrix(), "fabrikam", false)).toList();
        ReportView v = ReportView.of(new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), clusters, d.hosts(), d.findings(), d.rules(), null, null, null,
                null, null, d.directories()));
        assertTrue(ReportView.of(d).clusters().get(1).goAfter(), "audited, HVC2 is GO once the change is made");
        assertFalse(v.clusters().get(1).audited());
        assertFalse(v.clusters().get(1).goAfter(), "not audited: no GO expected, before or after the change");
    }

    /** The test moves of {@code v}, each failing direction tested exactly when the change fixes it. */
    private static List<String> movesMatchingTheFixes(ReportView v) {
        List<String> moves = v.plan().validate().stream().map(p -> p.from() + "->" + p.to()).toList();
        for (ReportView.ClusterView c : v.clusters()) {
            for (ReportView.Cell cell : c.cells()) {
                if (!cell.pair().fileServer() && cell.failing()) {
                    assertEquals(cell.fixedByChange(), moves.contains(cell.from() + "->" + cell.to()), cell.from()
                            + "->" + cell.to() + ": tested exactly when the change fixes it");
                }
            }
        }
        return moves;
    }

    @Test
    void theTestMovesAreTheDirectionsTheChangeFixesAndThePassingOnesOfAHostWhoseModeChanges() {
        List<String> moves = movesMatchingTheFixes(ReportView.of(Fixtures.waivedHv02ToHv03()));
        assertFalse(moves.contains("HV02->HV03"), "the waived entries keep HV02 -> HV03 failing: no test move");
        assertTrue(moves.contains("HV03->HV01"), "HV03's delegation mode changes: its passing pairs are tested");
        // a findings.json without blockers: the directions whose missing entries the plan all adds
        assertFalse(movesMatchingTheFixes(ReportView.of(Fixtures.legacy())).isEmpty());
    }

    /** An observed failure HV13 -> HV11 whose related finding the change settles. */
    private static FindingsDocument withFailureHv13ToHv11(boolean delegationExplains) {
        FindingsDocument d = Fixtures.demo();
        RemediationPlan plan = RemediationPlan.of(d);
        String settled = d.findings().stream().filter(f -> "HVC2".equals(f.cluster()) && plan.settles(f.id()))
                .map(Finding::id).findFirst().orElseThrow();
        Finding failure = TestFindings.of("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC2", "HV13", "HV11", null,
                "1 failed migration event HV13 -> HV11", Evidence.builder().eventIds(List.of(21502)).eventCount(1)
                        .delegationExplains(delegationExplains).relatedFindings(List.of(settled)).build(),
                new Action.Manual("Check the migration networks, firewalls and TCP 6600 and 3343 between the hosts."));
        return Fixtures.withFindings(d, List.of(failure));
    }

    @Test
    void aFailureDelegationCannotExplainStaysOpenAfterTheChangeAndNeedsADecision() {
        ReportView explained = ReportView.of(withFailureHv13ToHv11(true));
        assertTrue(explained.clusters().get(1).goAfter(), "a Kerberos failure the change's fixes explain goes with them");
        ReportView network = ReportView.of(withFailureHv13ToHv11(false));
        assertFalse(network.clusters().get(1).goAfter(), "a network failure stays whatever the delegation");
        assertTrue(network.plan().decisions().stream().anyMatch(x -> x.finding().rule()
                .equals("MIGRATION_FAILURE_OBSERVED")), "it is a decision, not a consequence of the change");
    }

    @Test
    void whatStaysOpenAfterTheChangeCountsFindingsOfNoClusterAsTheDecisionListDoes() {
        ReportView v = ReportView.of(Fixtures.demo());
        List<Finding> decided = v.decisions().stream().map(RemediationPlan.Decision::finding).toList();
        assertTrue(decided.stream().anyMatch(f -> f.cluster() == null), "the demo's operator in Protected Users");
        assertEquals(org.kcdauditor.model.Counts.of(decided), v.openAfter());
    }

    @Test
    void theChangeIsListedByObjectWithWhatEachGainsAndLoses() {
        ReportView v = ReportView.of(Fixtures.demo());
        ObjectChange hv03 = v.objectChanges().stream().filter(o -> o.name().equals("HV03")).findFirst().orElseThrow();
        assertTrue(hv03.loses().contains("unconstrained delegation (to any service)"), hv03.toString());
        assertTrue(hv03.directory());
        ObjectChange svc = v.objectChanges().stream().filter(o -> o.name().equals("svc-vmm")).findFirst()
                .orElseThrow();
        assertEquals(List.of("the duplicate SPN Microsoft Virtual System Migration Service/hv12.contoso.com"),
                svc.loses());
        assertEquals(v.plan().objectsChanged(), v.objectChanges().stream().filter(ObjectChange::directory).count());
    }

    /**
     * The demo's network failure HV13 -> HV11 names AES_KEYS_MISSING and MIGRATION_DISABLED on HV13 as failing the
     * pair too; the plan fixes both on the host, so the decision says that what stays is the check.
     */
    @Test
    void aFailureTheDelegationDoesNotExplainSaysThatThePlanFixesTheFindingsNamedBesideIt() {
        FindingsDocument d = Fixtures.demo();
        Finding aes = d.findings().stream().filter(f -> "AES_KEYS_MISSING".equals(f.rule()) && "HV13".equals(f.host()))
                .findFirst().orElseThrow();
        Finding disabled = TestFindings.of("MIGRATION_DISABLED", Severity.MEDIUM, "HVC2", "HV13", null, null,
                "Live migration is disabled on HV13.", Evidence.builder().build(), new Action.EnableMigration("HV13"));
        Finding network = TestFindings.of("MIGRATION_FAILURE_OBSERVED", Severity.HIGH, "HVC2", "HV13", "HV11", null,
                "1 failed migration event HV13 -> HV11 [NETWORK 0x80072746]; delegation cannot explain this failure.",
                Evidence.builder().delegationExplains(false).relatedFindings(List.of(aes.id(), disabled.id())).build(),
                new Action.Manual("Check the migration networks; and fix the 1 AES_KEYS_MISSING and 1"
                        + " MIGRATION_DISABLED findings."));
        RemediationPlan plan = RemediationPlan.of(Fixtures.withFindings(d, List.of(disabled, network)));
        RemediationPlan.Decision dec = plan.decisions().stream().filter(x -> x.finding().id().equals(network.id()))
                .findFirst().orElseThrow();
        assertEquals("Check the migration networks; and fix the 1 AES_KEYS_MISSING and 1 MIGRATION_DISABLED findings."
                + " The change fixes those findings itself; the check is what stays to do.", dec.what());
    }

    /** The cell from → to of a cluster's matrix. */
    private static ReportView.Cell cell(ReportView.ClusterView cluster, String from, String to) {
        return cluster.cells().stream().filter(c -> c.from().equals(from) && c.to().equals(to)).findFirst()
                .orElseThrow();
    }
}
