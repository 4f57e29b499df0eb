package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.kcdauditor.notify.NoticeAtScaleTest;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.run.AuditRun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The summary of a large run names the first NO-GO clusters and counts the others, and names the first waivers that can
 * never apply and counts the others: a baseline kept after a 64-node cluster was retired printed a warning line for
 * each of its waivers.
 */
class ConsoleSummaryAtScaleTest {
    static String print(FindingsDocument d) {
        AuditRun.Outcome o = new AuditRun.Outcome(d.runId(), Path.of("out"), d, null, null,
                List.of(Path.of("out/findings.json")), List.of(), 1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleSummary.print(new PrintStream(b, true, StandardCharsets.UTF_8), o, 1000, "kcd-audit.yaml", List.of());
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theNoGoClustersBeyondTheTenthAreCounted() {
        String out = print(NoticeAtScaleTest.big(14, 0));
        assertTrue(out.contains("NO-GO for the patch window: 14 of 14 clusters (C00, C01, C02, C03, C04, C05, C06, C07,"
                + " C08, C09, … and 4 more); the reasons:"), out);
    }

    /** At 20,000 hosts the table had a row per cluster (1,566), and the decision line came after all of them. */
    @Test
    void theClusterTableListsThirtyAndCountsTheRest() {
        String out = print(NoticeAtScaleTest.big(45, 0));
        assertEquals(30, out.lines().filter(l -> l.matches("C\\d\\d +8 .*")).count(), out);
        assertTrue(out.contains("\n… and 15 more clusters (15 NO-GO, 0 GO): every one on the Clusters sheet of audit.xlsx"
                + " and in findings.json clusters[]\n"), out);
        assertTrue(out.contains("\nAll "), "the totals row still counts every cluster: " + out);
        assertEquals(30, print(NoticeAtScaleTest.big(30, 0)).lines().filter(l -> l.matches("C\\d\\d +8 .*")).count());
    }

    @Test
    void theWaiversThatCanNeverApplyBeyondTheTenthAreCounted() {
        FindingsDocument d = NoticeAtScaleTest.big(1, 0);
        List<HistorySections.WaiverDoc> waivers = new ArrayList<>();
        for (int i = 0; i < 63; i++) {
            waivers.add(new HistorySections.WaiverDoc("MISSING_DELEGATION", "HVOLD" + i, null, null, "retired", null,
                    true, 0, "matches no configured node: so it waives nothing (check the host name)"));
        }
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), d.rules(), d.history(),
                new HistorySections.BaselineDoc("baseline.yaml", null, null, null, 0, waivers, null), d.patches(),
                d.events(), d.imports(), d.directories());
        String out = print(doc);
        assertEquals(11, out.lines().filter(l -> l.startsWith("Warning: ")).count(), out);
        assertTrue(out.contains("Warning: the waiver for MISSING_DELEGATION on HVOLD9 matches no configured node"), out);
        assertTrue(out.contains("Warning: … and 53 more waivers that can never apply (every one is marked in the"
                + " reports' waiver lists and in findings.json baseline.waivers[].warning)."), out);
    }

    @Test
    void theImportsNotUsableBeyondTheTenthAreCounted() {
        FindingsDocument d = NoticeAtScaleTest.big(1, 0);
        List<org.kcdauditor.inventory.ImportResult> imports = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            imports.add(new org.kcdauditor.inventory.ImportResult("events-" + i + ".csv", "events", "csv", 0, 0,
                    "unreadable", List.of()));
        }
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), d.clusters(), d.hosts(), d.findings(), d.rules(), d.history(),
                d.baseline(), d.patches(), d.events(), imports, d.directories());
        String out = print(doc);
        assertTrue(out.contains("Imports: 0 of 12 files read, 0 lines skipped (see Imports in the reports).\nNot usable:\n"),
                out);
        assertTrue(out.contains("  events-9.csv: unreadable\n  … and 2 more (see Imports in the reports)\n"), out);
    }

    /** Rows for hosts not audited are counted on the imports line and their hosts named on the next. */
    @Test
    void rowsForHostsNotAuditedAreCountedAndNamed() {
        String out = print(org.kcdauditor.report.Fixtures.withHostsNotAudited(NoticeAtScaleTest.big(1, 0)));
        assertTrue(out.contains("Imports: 3 of 3 files read, 1 line skipped, 4 rows for hosts not audited (see Imports"
                + " in the reports).\nNot audited (no node of a configured cluster): =HYPERLINK(\"http://evil\"), HV99,"
                + " =1+1\n"), out);
    }
}
