package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.ClustersNotCompared;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster one of the two runs did not audit (its optional directory could not be read) was not compared: a notice
 * tells none of its findings resolved while the directory is down, nor new when it answers again. Before, the team
 * heard of every finding of the cluster as resolved, then of the same findings as new.
 */
class UnreadDirectoryNoticeTest {
    private static final MailConfig MAIL = new MailConfig("127.0.0.1", 25, "none", null, null, null,
            "kcd@contoso.com", List.of("team@contoso.com"), Map.of(), null, null, null, null, null);

    @Test
    void theFindingsOfAClusterNotReadAreNeitherResolvedNorNew() {
        FindingsDocument both = Fixtures.demo();
        List<Finding> withoutHvc2 = both.findings().stream().filter(f -> !"HVC2".equals(f.cluster())).toList();
        assertTrue(both.findings().stream().anyMatch(f -> "HVC2".equals(f.cluster())), "the demo has HVC2 findings");

        // HVC2's directory is down now: its findings are not in this run
        NoticeBuilder.Change down = NoticeBuilder.change("all clusters", withoutHvc2, both.findings(), null,
                ClustersNotCompared.of(Set.of(), Set.of("hvc2")));
        assertEquals(List.of(), down.resolved().stream().filter(f -> "HVC2".equals(f.cluster())).toList());

        // it answers again; the run compared with did not audit HVC2
        FindingsDocument back = both.withFindings(both.findings());
        NoticeBuilder builder = new NoticeBuilder(MAIL, new TemplateRenderer(Path.of("templates")));
        List<Notice> notices = builder.build("daily-drift", Notify.ON_CHANGE, back, withoutHvc2, "prev", null, false,
                Set.of("HVC2"));
        assertEquals(List.of(), notices, "nothing changed that was compared: no notice on change");
        NoticeBuilder.Change again = NoticeBuilder.change("all clusters", both.findings(), withoutHvc2, null,
                ClustersNotCompared.of(Set.of("hvc2"), Set.of()));
        assertEquals(List.of(), again.added());
        assertFalse(again.changed());
    }
}
