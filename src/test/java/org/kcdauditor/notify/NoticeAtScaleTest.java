package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.TestFindings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At 600 hosts (44 clusters, 4,032 directions failing in one of them, 314 open findings) the team's notice was 339 KB
 * of text in 781 lines (one line of 80,721 characters naming every failing direction of a 64-node cluster) and 470 KB
 * of HTML, and a cluster owners' notice 83 KB for 4 findings. The mail names at most 20 directions per cluster and
 * lists at most 25 findings per list, counting the rest and saying where they are, with the counts of the reports.
 */
public class NoticeAtScaleTest {
    /** {@code clusters} clusters of 8 nodes whose 56 directions all fail, and {@code findings} open HIGH findings. */
    public static FindingsDocument big(int clusters, int findings) {
        FindingsDocument d = Fixtures.demo();
        List<FindingsDocument.ClusterDoc> cs = Fixtures.failingClusters(d, clusters);
        List<Finding> fs = new ArrayList<>();
        for (int i = 0; i < findings; i++) {
            String host = String.format("HV%02d%03d", i % clusters, i % 8 + 1);
            fs.add(TestFindings.legacy("MISSING_DELEGATION", Severity.HIGH, String.format("C%02d", i % clusters), host,
                    "peer" + i, "cifs/peer" + i, host + " is not allowed to delegate to cifs/peer" + i + ".",
                    "Add cifs/peer" + i + "."));
        }
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), cs, d.hosts(), fs, null);
    }

    static NoticeBuilder builder(Map<String, List<String>> owners) {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), owners, null, null, null, null, null);
        return new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")));
    }

    @Test
    void theNoticeNamesTwentyDirectionsPerClusterAndCountsTheRest() {
        FindingsDocument doc = big(3, 0);
        Notice n = builder(Map.of()).build("daily-drift", Notify.ALWAYS, doc, doc.findings(), "prev", null).get(0);
        String line = n.text().lines().filter(l -> l.startsWith("- C00: NO-GO")).findFirst().orElseThrow();
        assertTrue(line.contains("0/56 node pairs OK; failing: HV00001 -> HV00002, "), line);
        assertEquals(20, line.split(" -> ").length - 1, line);
        assertTrue(line.contains(", … and 36 more (every one on the workbook's Matrix sheet and in findings.json)"),
                line);
        assertFalse(line.contains("HV00008 -> HV00007"), "the last direction is not named: " + line);
        assertTrue(n.html().contains(", … and 36 more (every one on the workbook&#39;s Matrix sheet and in findings.json)")
                || n.html().contains(", … and 36 more (every one on the workbook's Matrix sheet and in findings.json)"),
                n.html());
        assertFalse(n.html().contains("HV00008 -&gt; HV00007") || n.html().contains("HV00008 -> HV00007"), n.html());
    }

    @Test
    void theNoticeListsTwentyFiveFindingsPerListWithTheFullCounts() {
        FindingsDocument doc = big(3, 60);
        List<Notice> ns = builder(Map.of("C00", List.of("own@contoso.com")))
                .build("daily-drift", Notify.ALWAYS, doc, null, null, null);
        Notice team = ns.get(0);
        assertTrue(team.subject().endsWith(": 60 new HIGH findings — live migration at risk"), team.subject());
        assertTrue(team.text().contains("NEW (60)\n"), team.text());
        assertTrue(team.text().contains("Open findings: 60 high, 0 medium, 0 low, 0 info"), team.text());
        assertEquals(25, team.text().lines().filter(l -> l.startsWith("- [HIGH] ")).count(), team.text());
        assertTrue(team.text().contains("- … and 35 more, not listed here: findings.json and the reports list every"
                + " one."), team.text());
        assertTrue(team.html().contains("New (60)</h2>"), team.html());
        assertEquals(25, team.html().split("<td style=\"padding:4px;font-weight:600;color:").length - 1, team.html());
        assertTrue(team.html().contains("… and 35 more, not listed here: findings.json and the reports list every"
                + " one.</p>"), team.html());
        Notice owners = ns.get(1);
        assertTrue(owners.text().contains("NEW (20)\n"), owners.text());
        assertFalse(owners.text().contains("more, not listed here"), "20 findings are all listed: " + owners.text());
        // the same run again: still open, counted the same way
        Notice again = builder(Map.of()).build("daily-drift", Notify.ALWAYS, doc, doc.findings(), "prev", null).get(0);
        assertTrue(again.text().contains("STILL OPEN (60)\n") && again.text().contains("- … and 35 more, not listed"),
                again.text());
        assertTrue(again.text().contains("NEW (0)\n- none\n"), again.text());
    }

    /**
     * At 20,000 hosts (1,566 clusters) the team's notice listed every cluster twice, 3,538 lines of text and 812 KB of
     * HTML; it names 20, NO-GO first as page 1 orders them, and counts the rest by decision.
     */
    @Test
    void theNoticeNamesTwentyClustersNoGoFirstAndCountsTheRest() {
        FindingsDocument d = big(23, 0);
        List<FindingsDocument.ClusterDoc> cs = new ArrayList<>();
        FindingsDocument.ClusterDoc first = d.clusters().get(0);
        // a GO cluster first in the configuration: listed after the NO-GO ones, so counted here
        cs.add(new FindingsDocument.ClusterDoc("GREEN", List.of("HVG1", "HVG2"), List.of(), List.of(), 2, 2, 8, 8,
                100.0, first.bySeverity(), true, List.of(), List.of()));
        cs.addAll(d.clusters());
        FindingsDocument doc = new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(),
                d.directory(), d.summary(), d.policy(), cs, d.hosts(), d.findings(), null);
        Notice n = builder(Map.of()).build("daily-drift", Notify.ALWAYS, doc, doc.findings(), "prev", null).get(0);
        String text = n.text();
        assertTrue(text.contains("DECISION: NO-GO for the patch window: 23 of 24 clusters\n- C00: NO-GO"), text);
        assertEquals(20, text.lines().filter(l -> l.matches("- C\\d\\d: NO-GO, .*")).count(), text);
        assertTrue(text.contains("\n- … and 4 more clusters: 3 NO-GO, 1 GO (every one in findings.json clusters[] and"
                + " on the workbook's Clusters sheet)\n"), text);
        assertEquals(20, text.lines().filter(l -> l.matches("- C\\d\\d: Attention, .*|- C\\d\\d: Action required, .*"))
                .count(), text);
        assertTrue(text.contains("\n- … and 4 more clusters (every one in findings.json clusters[] and on the workbook's"
                + " Clusters sheet)\n"), text);
        assertFalse(text.contains("- GREEN"), text);
        assertTrue(n.html().contains("… and 4 more clusters: 3 NO-GO, 1 GO"), n.html());
        // twenty clusters are all named, in the configuration's order
        Notice small = builder(Map.of()).build("daily-drift", Notify.ALWAYS, big(20, 0), List.of(), "prev", null).get(0);
        assertFalse(small.text().contains("more clusters"), small.text());
    }

    /** Below the limits the notice is as before: no empty line where a count would have gone. */
    @Test
    void belowTheLimitsTheHtmlHasNoEmptyLineWhereACountWouldBe() {
        FindingsDocument demo = Fixtures.demo();
        Notice n = builder(Map.of()).build("daily-drift", Notify.ALWAYS, demo, null, null, null).get(0);
        assertTrue(n.html().contains("</table>\n<h2 style=\"font-size:1.1rem\">Resolved"), n.html());
        assertFalse(n.html().contains("</tr>\n\n"), n.html());
        assertFalse(n.text().contains("more, not listed here") || n.text().contains("more clusters"), n.text());
    }
}
