package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.runbook.TemplateRenderer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The notice's status line in words that fit the count: "1 needs a decision", "2 need a decision". */
class NoticeWordingTest {
    @Test
    void oneFindingNeedsADecision() {
        FindingsDocument demo = Fixtures.demo();
        FindingsDocument one = demo.withFindings(demo.findings().stream()
                .filter(f -> "OPERATOR_NOT_DELEGABLE".equals(f.rule())).toList());
        assertEquals(1, ReportView.of(one).plan().decisions().size());
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        Notice n = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, one, one.findings(), "prev", null).get(0);
        assertTrue(n.text().contains("; 1 needs a decision."), n.text());
        assertTrue(n.html().contains("; 1 needs a decision."), n.html());
    }
}
