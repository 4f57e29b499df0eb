package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A finding open in the run the notice compares with and waived now has not been resolved: the pair still fails (the
 * notice's own decision says "waived, still failing"), and the reports count it neither new nor resolved. The notice
 * lists it as waived since, not under RESOLVED; a finding gone from the directory is still resolved.
 */
class WaivedSinceNoticeTest {
    private static final MailConfig MAIL = new MailConfig("127.0.0.1", 25, "none", null, null, null,
            "kcd@contoso.com", List.of("team@contoso.com"), Map.of(), null, null, null, null, null);

    private static boolean hv02ToHv03(Finding f) {
        return "MISSING_DELEGATION".equals(f.rule()) && "HV02".equals(f.host()) && "HV03".equals(f.peer());
    }

    @Test
    void aFindingWaivedSinceThePreviousRunIsNotResolved() {
        FindingsDocument before = Fixtures.demo();
        FindingsDocument now = Fixtures.waivedHv02ToHv03();
        List<Finding> waived = now.findings().stream().filter(WaivedSinceNoticeTest::hv02ToHv03).toList();
        assertFalse(waived.isEmpty(), "the demo has HV02 -> HV03 MISSING_DELEGATION findings");
        assertTrue(before.findings().stream().filter(WaivedSinceNoticeTest::hv02ToHv03).noneMatch(Finding::isWaived));

        NoticeBuilder.Change c = NoticeBuilder.change("all clusters", now.findings(), before.findings(), null);
        assertEquals(List.of(), c.resolved(), "still there, only waived: nothing was fixed");
        assertEquals(waived.stream().map(Finding::id).sorted().toList(),
                c.waivedSince().stream().map(Finding::id).sorted().toList());
        assertTrue(c.changed(), "a waiver now covering open findings is a change the team hears of (on-change)");

        Notice n = new NoticeBuilder(MAIL, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ON_CHANGE, now, before.findings(), "prev", null).get(0);
        int k = waived.size();
        assertEquals("[kcd-audit] 2 clusters: " + k + " finding" + (k == 1 ? "" : "s") + " newly waived, "
                + now.findings().stream().filter(f -> !f.isWaived()).count() + " still open", n.subject());
        assertTrue(n.text().contains("\nRESOLVED (0)\n- none\n"), n.text());
        assertTrue(n.text().contains("\nWAIVED SINCE THE PREVIOUS AUDIT, STILL FAILING (" + k + ")\n- [HIGH] HVC1 / HV02: "),
                n.text());
        assertTrue(n.text().contains("  Waived until 2035-12-31: HV03 is being rebuilt, CHG0042"), n.text());
        assertTrue(n.html().contains("Waived since the previous audit, still failing (" + k + ")"), n.html());
    }

    @Test
    void aWaivedFindingGoneFromTheDirectoryIsResolvedOnceAndNotWaivedAgain() {
        FindingsDocument before = Fixtures.waivedHv02ToHv03();
        FindingsDocument fixed = before.withFindings(before.findings().stream()
                .filter(f -> !hv02ToHv03(f)).toList());
        NoticeBuilder.Change c = NoticeBuilder.change("all clusters", fixed.findings(), before.findings(), null);
        assertEquals(List.of(), c.waivedSince());
        assertEquals(List.of(), c.resolved(), "told when it was waived; waived findings are not compared");
        NoticeBuilder.Change same = NoticeBuilder.change("all clusters", before.findings(), before.findings(), null);
        assertEquals(List.of(), same.waivedSince(), "waived in both runs: no change");
        assertFalse(same.changed());
    }

    /**
     * The reverse: a finding waived in the run compared with and open now (its waiver expired, or was taken out of the
     * baseline) is not new: the reports count it recurring (the workbook's Status), and the admin was told of it when it
     * first came. The notice lists it apart as open again, counts it where it counts open findings, and its subject
     * still says that live migration is at risk when it is HIGH; the reports and the notice then count the same new.
     */
    @Test
    void aFindingNoLongerWaivedIsOpenAgainNotNew() {
        FindingsDocument before = Fixtures.waivedHv02ToHv03();
        FindingsDocument now = Fixtures.demo();
        List<String> again = now.findings().stream().filter(WaivedSinceNoticeTest::hv02ToHv03).map(Finding::id)
                .sorted().toList();
        NoticeBuilder.Change c = NoticeBuilder.change("all clusters", now.findings(), before.findings(), null);
        assertEquals(List.of(), c.added(), "told when it first came; the reports count it recurring");
        assertEquals(again, c.unwaived().stream().map(Finding::id).sorted().toList());
        assertTrue(c.changed(), "a finding that counts again is a change the team hears of (on-change)");
        assertEquals(now.findings().stream().filter(f -> !f.isWaived()).count(), c.openNow());

        Notice n = new NoticeBuilder(MAIL, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ON_CHANGE, now, before.findings(), "prev", null).get(0);
        int k = again.size();
        assertEquals("[kcd-audit] 2 clusters: " + k + " HIGH finding" + (k == 1 ? "" : "s")
                + " no longer waived \u2014 live migration at risk", n.subject());
        assertTrue(n.text().contains("\nNEW (0)\n- none\n"), n.text());
        assertTrue(n.text().contains("\nNO LONGER WAIVED, OPEN AGAIN (" + k + ")\n- [HIGH] HVC1 / HV02: "), n.text());
        assertTrue(n.text().contains("  Waived in the previous audit; its waiver has expired or was taken out of the"
                + " baseline.\n  What to do: "), n.text());
        assertTrue(n.html().contains("No longer waived, open again (" + k + ")"), n.html());
    }

    /** A HIGH finding open again beside a new one, and a finding open again that is not HIGH. */
    @Test
    void theSubjectNamesFindingsNoLongerWaivedBesideNewOnes() {
        List<Finding> f = Fixtures.demo().findings();
        List<Finding> high = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.HIGH).toList();
        List<Finding> low = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.LOW).toList();
        NoticeBuilder.Change both = new NoticeBuilder.Change("HVC1", high.subList(0, 1), List.of(), List.of(),
                List.of(), List.of(), high.subList(1, 2), List.of());
        assertEquals("[kcd-audit] HVC1: 1 new HIGH finding and 1 no longer waived \u2014 live migration at risk",
                NoticeBuilder.subject(both, "HVC1"));
        NoticeBuilder.Change quiet = new NoticeBuilder.Change("HVC1", List.of(), List.of(), high.subList(0, 3),
                List.of(), List.of(), low.subList(0, 1), List.of());
        assertEquals("[kcd-audit] HVC1: 1 finding no longer waived, 3 still open", NoticeBuilder.subject(quiet, "HVC1"));
        assertEquals(4, quiet.openNow());
    }

    /**
     * Below HIGH, a finding no longer waived beside new ones is named too, and counts for the worst: the subject read "1
     * new finding (worst LOW)" above a body listing a MEDIUM one open again.
     */
    @Test
    void theSubjectOfNewFindingsNamesThoseNoLongerWaivedToo() {
        List<Finding> f = Fixtures.demo().findings();
        List<Finding> medium = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.MEDIUM).toList();
        List<Finding> low = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.LOW).toList();
        NoticeBuilder.Change c = new NoticeBuilder.Change("HVC1", low.subList(0, 1), List.of(), List.of(), List.of(),
                List.of(), medium.subList(0, 1), List.of());
        assertEquals("[kcd-audit] HVC1: 1 new finding and 1 no longer waived (worst MEDIUM)",
                NoticeBuilder.subject(c, "HVC1"));
    }

    /**
     * The subject's figures are the body's lists: a change in the directory (CHANGED_SINCE_LAST_RUN, listed apart) is
     * not counted as still open, or "2 findings resolved, 1 still open" stood above "STILL OPEN (0)".
     */
    @Test
    void theSubjectCountsTheDirectoryChangesApartFromWhatIsStillOpen() {
        List<Finding> f = Fixtures.demo().findings();
        NoticeBuilder.Change c = new NoticeBuilder.Change("HVC1", List.of(), f.subList(0, 2), List.of(), f.subList(2, 3),
                List.of(), List.of(), List.of());
        assertEquals("[kcd-audit] HVC1: 2 findings resolved, 0 still open, 1 changed in the directory",
                NoticeBuilder.subject(c, "HVC1"));
        NoticeBuilder.Change none = new NoticeBuilder.Change("HVC1", List.of(), f.subList(0, 2), f.subList(2, 6),
                List.of(), List.of(), List.of(), List.of());
        assertEquals("[kcd-audit] HVC1: 2 findings resolved, 4 still open", NoticeBuilder.subject(none, "HVC1"));
    }

    /**
     * The subject states the leading change, then the others: "1 new HIGH finding — live migration at risk" stood above
     * a run that also resolved a HIGH one, "7 new findings (worst LOW)" above one that waived a HIGH one, and "1 HIGH
     * finding no longer waived" above a new MEDIUM one.
     */
    @Test
    void theSubjectNamesEveryKindOfChangeLeadingChangeFirst() {
        List<Finding> f = Fixtures.demo().findings();
        List<Finding> high = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.HIGH).toList();
        List<Finding> medium = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.MEDIUM).toList();
        List<Finding> low = f.stream().filter(x -> x.severity() == org.kcdauditor.model.Severity.LOW).toList();
        NoticeBuilder.Change fixedOne = new NoticeBuilder.Change("all clusters", high.subList(0, 1),
                high.subList(1, 2), List.of(), List.of(), List.of(), List.of(), List.of());
        assertEquals("[kcd-audit] 2 clusters: 1 new HIGH finding, 1 resolved \u2014 live migration at risk",
                NoticeBuilder.subject(fixedOne, "2 clusters"));
        NoticeBuilder.Change waivedOne = new NoticeBuilder.Change("all clusters", low.subList(0, 2), List.of(),
                List.of(), List.of(), high.subList(0, 1), List.of(), List.of());
        assertEquals("[kcd-audit] 2 clusters: 2 new findings (worst LOW), 1 newly waived",
                NoticeBuilder.subject(waivedOne, "2 clusters"));
        NoticeBuilder.Change again = new NoticeBuilder.Change("all clusters", medium.subList(0, 1), List.of(),
                List.of(), List.of(), List.of(), high.subList(0, 1), List.of());
        assertEquals("[kcd-audit] 2 clusters: 1 HIGH finding no longer waived, 1 other new (worst MEDIUM) \u2014 live"
                + " migration at risk", NoticeBuilder.subject(again, "2 clusters"));
        NoticeBuilder.Change moved = new NoticeBuilder.Change("HVC1", high.subList(0, 1), f.subList(0, 1), List.of(),
                f.subList(1, 2), List.of(), List.of(), List.of());
        assertEquals("[kcd-audit] HVC1: 1 new HIGH finding, 1 resolved, 1 changed in the directory \u2014 live"
                + " migration at risk", NoticeBuilder.subject(moved, "HVC1"));
    }

    /** A change in the directory alone is told, and leads its subject. */
    @Test
    void aDirectoryChangeAloneIsAChangeThatLeadsTheSubject() {
        List<Finding> f = Fixtures.demo().findings();
        NoticeBuilder.Change c = new NoticeBuilder.Change("HVC1", List.of(), List.of(), f.subList(0, 3),
                f.subList(3, 4), List.of(), List.of(), List.of());
        assertTrue(c.changed());
        assertEquals("[kcd-audit] HVC1: 1 host changed in the directory, 3 still open", NoticeBuilder.subject(c, "HVC1"));
        NoticeBuilder.Change before = new NoticeBuilder.Change("HVC1", List.of(), List.of(), f.subList(0, 3),
                List.of(), List.of(), List.of(), List.of(), List.of(new NoticeBuilder.Earlier(f.get(4), "r-manual",
                java.time.Instant.parse("2026-12-07T04:43:00Z"))));
        assertTrue(before.changed());
        assertEquals(3, before.openNow(), "not an open finding of this run");
        assertEquals("[kcd-audit] HVC1: 1 host changed in the directory in an earlier audit, 3 still open",
                NoticeBuilder.subject(before, "HVC1"));
    }
}
