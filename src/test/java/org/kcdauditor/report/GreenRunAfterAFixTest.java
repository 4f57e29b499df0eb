package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.support.TestFindings;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The run after an approved fix, as the change-advisory board reads page 1 of its PDF: every cluster GO, nothing to
 * change, an operator in Protected Users still open (a finding of no cluster), the change records of the fix in its
 * history and a trend of the two runs. Read back with PDFBox.
 */
class GreenRunAfterAFixTest {
    static final Instant BEFORE = Instant.parse("2026-12-01T06:00:00Z");
    static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");

    static FindingsDocument greenAfterAFix() {
        Map<String, Integer> none = Map.of("HIGH", 0, "MEDIUM", 0, "LOW", 0, "INFO", 1);
        List<FindingsDocument.ClusterDoc> clusters = List.of(
                new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"), List.of(), List.of(), 6, 6,
                        24, 24, 100.0, none, null, null, List.of()),
                new FindingsDocument.ClusterDoc("HVC2", List.of("HV11", "HV12", "HV13", "HV14"), List.of(), List.of(),
                        12, 12, 48, 48, 100.0, Map.of(), null, null, List.of()));
        Finding operator = TestFindings.legacy("OPERATOR_NOT_DELEGABLE", Severity.MEDIUM, null, "adm-ops", null, null,
                "adm-ops is in Protected Users: live migrations it starts cannot be delegated.",
                "Start migrations with another account.");
        Finding change = TestFindings.legacy("CHANGED_SINCE_LAST_RUN", Severity.INFO, "HVC1", "HV01", null,
                "cifs|hv02.contoso.com", "HV01: delegation entry added: cifs/hv02.contoso.com.", "None.");
        FindingsDocument d = new FindingsDocument(1, "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", NOW, NOW, null,
                new FindingsDocument.Summary(7, 2, 18, 72, 72, 100.0, Map.of("MEDIUM", 1, "INFO", 1)), null,
                clusters, List.of(), List.of(operator, change), null);
        List<TrendPoint> trend = List.of(new TrendPoint("5e1a6fe2", BEFORE, 18, 4, 16, 5, 0),
                new TrendPoint(d.runId(), NOW, 18, 18, 0, 1, 14, 1));
        HistorySections.HistoryDoc h = new HistorySections.HistoryDoc("5e1a6fe2", BEFORE, List.of(change.id()),
                java.util.stream.IntStream.range(0, 14).mapToObj(i -> "resolved" + i).toList(),
                List.of(new HistorySections.ChangeDoc(d.runId(), NOW, "HV01", "delegation entry added:"
                        + " cifs/hv02.contoso.com")), trend);
        return d.withHistory(new HistorySections.Sections(h, null, null, List.of(), List.of()));
    }

    static String pages(byte[] pdf, int from, int to) throws Exception {
        return PdfReportWriterTest.text(pdf, from, to).replace("\n", " ");
    }

    /** "No cluster needs attention, but 1 finding above INFO does (see Findings)" read as a sentence cut short. */
    @Test
    void theHeadlineSaysWhatIsOpenOutsideTheClusters() throws Exception {
        ReportView view = ReportView.of(greenAfterAFix());
        assertFalse(view.headline().contains("above INFO does"), view.headline());
        assertTrue(view.headline().startsWith("No cluster needs attention; 1 finding above INFO not tied to a cluster"
                + " (operators) is open (see Findings); every directed host pair is delegated correctly."),
                view.headline());
        String first = pages(PdfReportWriterTest.render(greenAfterAFix(), 16), 1, 1);
        assertTrue(first.contains("1 finding above INFO not tied to a cluster (operators) is open"), first);
    }

    /** A run after a change proposes none: its box is not headed as if the run had had no change. */
    @Test
    void theStateBoxOfARunWithoutAProposedChangeIsNotHeadedWithoutAChange() throws Exception {
        String first = pages(PdfReportWriterTest.render(greenAfterAFix(), 16), 1, 1);
        assertFalse(first.contains("Without a change"), first);
        assertTrue(first.contains("Now (no change proposed)"), first);
        assertTrue(first.contains("Patch window: GO for every cluster."), first);
    }

    /** The heading "Sign-off" stood alone at the foot of page 1, its table on page 2. */
    @Test
    void theSignOffHeadingStaysWithItsTable() throws Exception {
        byte[] pdf = PdfReportWriterTest.render(greenAfterAFix(), 16);
        boolean seen = false;
        for (int p = 1; p <= 3; p++) {
            String page = pages(pdf, p, p);
            if (page.contains("Sign-off")) {
                seen = true;
                assertTrue(page.contains("CAB decision") && page.contains("Conditions / comments"),
                        "page " + p + " has the heading without its table: " + page);
            }
        }
        assertTrue(seen);
    }

    /**
     * The change records of the fix are no new problem: the caption says what each bar counts, and the trend's last
     * point counts the change record apart.
     */
    @Test
    void theTrendCountsTheChangeRecordsApartFromNewProblems() throws Exception {
        ReportView view = ReportView.of(greenAfterAFix());
        TrendPoint last = view.trend().get(view.trend().size() - 1);
        assertEquals(0, last.newProblems());
        assertEquals(1, last.changeRecords());
        assertEquals(List.of("Pairs OK %", "Open HIGH", "New problems", "Resolved findings", "Changes recorded"),
                ReportView.TREND_SERIES);
        String first = pages(PdfReportWriterTest.render(greenAfterAFix(), 16), 1, 1);
        assertTrue(first.contains("Pairs OK % (right axis); open HIGH, new problems, resolved findings, changes"
                + " recorded (INFO) since the last run (left axis)."), first);
    }

    /** The label of the findings of no cluster names the kinds it holds, operators and domain controllers first. */
    @Test
    void theLabelOfTheFindingsOfNoClusterNamesWhatTheyAre() {
        FindingsDocument d = greenAfterAFix();
        assertEquals("Not tied to a cluster (operators)", ReportView.of(d).unclusteredLabel());
        FindingsDocument more = Fixtures.withFindings(d, List.of(
                TestFindings.legacy("BASELINE_HOST_MISSING", Severity.MEDIUM, null, "HV04", null, null, "HV04 is gone.",
                        "Recapture."),
                TestFindings.legacy("DC_UNREACHABLE", Severity.INFO, null, null, null, "DC2", "DC2 could not be read.",
                        "Check DC2.")));
        assertEquals("Not tied to a cluster (operators, domain controllers, hosts no longer in a cluster)",
                ReportView.of(more).unclusteredLabel());
    }

    /**
     * A finding on a host no cluster lists that never was a node (the cifs target NAS01 the nodes delegate to, not in
     * any cluster's fileServers, with no AES) was counted under "hosts no longer in a cluster", in the console, the
     * PDF, the workbook and the mail alike: it is a host outside the clusters. The drift of a host that left stays so.
     */
    @Test
    void aHostThatNeverWasANodeIsNotSaidToBeNoLongerInACluster() {
        FindingsDocument d = greenAfterAFix();
        FindingsDocument nas = Fixtures.withFindings(d, List.of(TestFindings.legacy("AES_NOT_ENABLED", Severity.HIGH,
                null, "NAS01", null, null, "NAS01 cannot get AES tickets.", "Allow AES.")));
        assertEquals("Not tied to a cluster (operators, hosts outside the clusters)", ReportView.of(nas)
                .unclusteredLabel());
        FindingsDocument both = Fixtures.withFindings(nas, List.of(TestFindings.legacy("BASELINE_HOST_MISSING",
                Severity.MEDIUM, null, "HV04", null, null, "HV04 is gone.", "Recapture.")));
        assertEquals("Not tied to a cluster (operators, hosts no longer in a cluster, hosts outside the clusters)",
                ReportView.of(both).unclusteredLabel());
    }
}
