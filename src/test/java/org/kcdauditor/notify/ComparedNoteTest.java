package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.HistorySections;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The notice compares findings without the waived ones and CHANGED_SINCE_LAST_RUN; where the reports' new and
 * resolved figures differ for that reason, the notice to the team says so instead of silently disagreeing.
 */
class ComparedNoteTest {
    private static FindingsDocument withResolved(List<String> resolved) {
        FindingsDocument d = Fixtures.demo();
        HistorySections.HistoryDoc h = new HistorySections.HistoryDoc("prev", Instant.parse("2026-12-02T06:00:00Z"),
                List.of(), resolved, List.of());
        return d.withHistory(new HistorySections.Sections(h, null, null, null, null));
    }

    @Test
    void theTeamNoticeExplainsResolvedFindingsItDoesNotCount() {
        FindingsDocument doc = withResolved(List.of("a1", "a2", "a3"));
        // the previous run had three CHANGED_SINCE_LAST_RUN findings: the notice compares none of them
        NoticeBuilder.Change c = NoticeBuilder.change("all clusters", doc.findings(), doc.findings(), null);
        assertEquals(0, c.resolved().size());
        assertEquals("The reports count 0 new and 3 resolved against the previous run: they include waived findings and"
                + " CHANGED_SINCE_LAST_RUN (each run has its own), which this notice leaves out.",
                NoticeBuilder.comparedNote(doc, c, null, "prev", NoticeBuilder.baseWords(true)));
        assertEquals("", NoticeBuilder.comparedNote(doc, c, "HVC1", "prev", NoticeBuilder.baseWords(true)),
                "a cluster's notice has its own scope");
    }

    @Test
    void theTeamNoticeSaysWhenItComparesWithAnotherRunThanTheReports() {
        FindingsDocument doc = withResolved(List.of("a1"));
        NoticeBuilder.Change c = NoticeBuilder.change("all clusters", doc.findings(), doc.findings(), null);
        assertEquals("The reports count 0 new and 1 resolved against run prev, the last audit before this one that"
                + " filed reports (a preflight or baseline capture is none); this notice counts against run told, the last scheduled audit of this configuration that finished and"
                + " queued its notices (none when it had nothing to tell), and leaves out waived findings and"
                + " CHANGED_SINCE_LAST_RUN.",
                NoticeBuilder.comparedNote(doc, c, null, "told", NoticeBuilder.baseWords(true)));
    }

    @Test
    void noNoteWhenTheFiguresAgree() {
        FindingsDocument doc = withResolved(List.of());
        List<Finding> same = doc.findings();
        assertEquals("", NoticeBuilder.comparedNote(doc, NoticeBuilder.change("all clusters", same, same, null), null,
                "prev", NoticeBuilder.baseWords(true)));
    }
}
