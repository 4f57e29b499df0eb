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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notice's status line in words that fit the count ("1 needs a decision", "2 need a decision"), and what it says
 * beside its decision.
 */
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

    /**
     * A run that went on without some of its patch, event or host-settings exports says so in its notice, as the
     * console, the PDF and the runbooks do, naming the same five and counting the rest: the notice said GO or NO-GO and
     * nothing of the failures and patch levels in an export it could not read.
     */
    @Test
    void theNoticeNamesTheInputsNotUsedAsTheRunbookDoes() {
        FindingsDocument doc = Fixtures.withInputsNotUsed(Fixtures.demo(), 7);
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("HVC1", List.of("o@contoso.com")), null, null, null, null, null);
        List<Notice> notices = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, doc, doc.findings(), "prev", null);
        assertEquals(2, notices.size());
        for (Notice n : notices) {
            assertTrue(n.text().contains("\nInputs not used (the verdict went on without them; the Imports sheet of"
                    + " audit.xlsx and findings.json list every file):\n"
                    + "- patches/<b>notes</b>_*draft*.txt (patches): not a patch export: no HotFixID column and no"
                    + " mapping matches its header\n"
                    + "- events/*.evtx (events): no file matches\n"
                    + "- hostsettings/vmhost.csv (hostSettings): empty file: no header line\n"
                    + "- patches/old-4.csv (patches): empty file: no header line\n"
                    + "- patches/old-5.csv (patches): empty file: no header line\n"
                    + "- … and 2 more\n"), n.text());
            assertFalse(n.text().contains("HV01-hotfix.csv"), "a file it read is no input not used: " + n.text());
            assertTrue(n.html().contains("<li>patches/&lt;b&gt;notes&lt;/b&gt;_*draft*.txt (patches): not a patch"
                    + " export: no HotFixID column and no mapping matches its header</li>"), n.html());
            assertTrue(n.html().contains("<li>… and 2 more</li>"), n.html());
            assertFalse(n.html().contains("<b>notes"), n.html());
        }
        Notice none = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, Fixtures.demo(), null, null, null).get(0);
        assertFalse(none.text().contains("Inputs not used") || none.html().contains("Inputs not used"),
                "every input used: nothing said");
    }

    /**
     * The body opens with the decision, as docs/scheduling.md says: a phone's inbox shows the subject and the first line
     * or two of the body, which repeated the subject ("[kcd-audit] 2 clusters: 5 new HIGH findings — …" twice) and left
     * GO or NO-GO out of sight; the failure notice repeated its subject above the sentence that says the same.
     */
    @Test
    void theBodyOpensWithTheDecisionNotTheSubjectAgain() {
        FindingsDocument doc = Fixtures.demo();
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("HVC1", List.of("o@contoso.com")), null, null, null, null, null);
        NoticeBuilder builder = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")));
        for (Notice n : builder.build("daily-drift", Notify.ALWAYS, doc, null, null, null)) {
            assertTrue(n.text().startsWith("DECISION: NO-GO for the patch window: "), n.text());
            assertFalse(n.text().contains(n.subject()), n.text());
            String body = n.html().substring(n.html().indexOf("<body"));
            assertTrue(body.matches("(?s)<body[^>]*>\\s*<p [^>]*>NO-GO for the patch window: .*"), body);
        }
        Notice failure = builder.failure("daily-drift", java.time.Instant.parse("2026-12-06T05:30:00Z"), null,
                "cannot connect", "ldaps://dc1.contoso.com:636", "/etc/kcd-audit/kcd-audit.yaml", false);
        assertTrue(failure.text().startsWith("The scheduled audit \"daily-drift\" (due 2026-12-06 05:30:00 UTC)"),
                failure.text());
        String body = failure.html().substring(failure.html().indexOf("<body"));
        assertFalse(body.contains(failure.subject()), body);
        assertTrue(body.matches("(?s)<body[^>]*>\\s*<p [^>]*>The scheduled audit <b>daily-drift</b> .*"), body);
    }

    /**
     * An audit the daemon's stop cut off (INTERRUPTED) did run, and no cron fire runs it again while the daemon is
     * down: its notice said "could not run" and "The next scheduled run will try again".
     */
    @Test
    void theNoticeOfAStoppedAuditSaysItRunsAgainWhenTheDaemonIsStarted() {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        Notice n = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).failure("nightly",
                java.time.Instant.parse("2026-12-07T04:39:00Z"), null, "interrupted: the daemon was stopped",
                "ldaps://dc1.contoso.com:636", "/etc/kcd-audit/kcd-audit.yaml", true);
        assertEquals("[kcd-audit] job nightly: the audit was stopped before it finished", n.subject());
        for (String body : List.of(n.text(), n.html().replaceAll("<[^>]+>", "").replaceAll("\\s+", " "))) {
            assertTrue(body.contains("\"nightly\" (due 2026-12-07 04:39:00 UTC)") || body.contains("nightly (due"
                    + " 2026-12-07 04:39:00 UTC)"), body);
            assertTrue(body.replaceAll("\\s+", " ").contains("was stopped before it finished")
                    && body.replaceAll("\\s+", " ").contains("It runs again when the daemon is started"), body);
            assertFalse(body.contains("could not run") || body.contains("will try again"), body);
        }
    }

    /**
     * mail.clusterRecipients matches a cluster in any case: its owners' subject names the cluster as clusters: does
     * and the body says it ("hvc1" in the subject above "HVC1: NO-GO").
     */
    @Test
    void aClusterKeyInAnotherCaseIsNamedAsTheClusterIs() {
        FindingsDocument doc = Fixtures.demo();
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("hvc1", List.of("o@contoso.com")), null, null, null, null, null);
        Notice owners = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, doc, null, null, null).get(1);
        assertEquals(List.of("o@contoso.com"), owners.recipients());
        assertTrue(owners.subject().contains("HVC1") && !owners.subject().contains("hvc1"), owners.subject());
    }

    /**
     * {@code outbox --help} shows how to give up a cluster owners' notice by the id the listing gives it: the run id cut
     * to 8 characters and the audience as the notice is keyed ({@code cluster:HVC1}). The example read
     * {@code 4e1f0a6c:cluster.hvc1}, an id no notice has, which {@code --discard} refuses (no such notice).
     */
    @Test
    void theOutboxHelpDiscardsAnOwnersNoticeByTheIdTheListingGives() {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of("HVC1", List.of("o@contoso.com")), null, null, null, null, null);
        Notice owners = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, Fixtures.demo(), null, null, null).get(1);
        String listed = org.kcdauditor.store.OutboxStore.shortId(owners.key());
        String example = "4e1f0a6c" + listed.substring(8);
        String help = org.kcdauditor.support.CliRun.run(Map.of(), "outbox", "--help").out();
        assertTrue(help.contains("--discard " + example + "\n"), example + " in:\n" + help);
    }

    /** A PDF over attachPdfMaxMb is named, not attached, with its size and the limit it is over. */
    @Test
    void aPdfOverTheLimitIsNamedWithItsSizeAndTheLimit(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pdf = java.nio.file.Files.write(dir.resolve("audit.pdf"), new byte[2 * 1024 * 1024]);
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), 1, null, null, null, null);
        Notice n = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, Fixtures.demo(), null, null, pdf).get(0);
        assertEquals(null, n.pdf());
        assertTrue(n.text().contains("\nThe PDF report (2.0 MB) is larger than mail.attachPdfMaxMb allows (1 MB); it is"
                + " at " + pdf.toAbsolutePath() + "\n"), n.text());
    }

    /**
     * A host's findings of one severity are listed rule by rule, each rule's in SPN order: after a fix resolved HVR01's
     * missing cifs entries, whose baseline findings went with them, the notice listed them by id, "no longer delegates
     * to cifs/hvr03…", "is not allowed to delegate to cifs/hvr03…", "… to cifs/HVR03", "no longer delegates to
     * cifs/HVR03", one rule's lines split by the other's.
     */
    @Test
    void aHostsFindingsAreListedRuleByRule() {
        List<org.kcdauditor.model.Finding> fixed = new java.util.ArrayList<>();
        for (String spn : List.of("cifs/HVR03", "cifs/hvr03.contoso.com")) {
            fixed.add(org.kcdauditor.support.TestFindings.of("MISSING_DELEGATION", org.kcdauditor.model.Severity.HIGH,
                    "HVC1", "HVR01", "HVR03", spn, "HVR01 is not allowed to delegate to " + spn + ".",
                    org.kcdauditor.model.Evidence.builder().build()));
            fixed.add(org.kcdauditor.support.TestFindings.of("BASELINE_ENTRY_REMOVED",
                    org.kcdauditor.model.Severity.HIGH, "HVC1", "HVR01", "HVR03", spn, "HVR01 no longer delegates to "
                            + spn + ".", org.kcdauditor.model.Evidence.builder().build()));
        }
        FindingsDocument doc = Fixtures.demo().withFindings(List.of());
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        Notice n = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates")))
                .build("daily-drift", Notify.ALWAYS, doc, fixed, "prev", null).get(0);
        assertTrue(n.text().contains("\nRESOLVED (4)\n"
                + "- [HIGH] HVC1 / HVR01: HVR01 no longer delegates to cifs/HVR03.\n"
                + "- [HIGH] HVC1 / HVR01: HVR01 no longer delegates to cifs/hvr03.contoso.com.\n"
                + "- [HIGH] HVC1 / HVR01: HVR01 is not allowed to delegate to cifs/HVR03.\n"
                + "- [HIGH] HVC1 / HVR01: HVR01 is not allowed to delegate to cifs/hvr03.contoso.com.\n"), n.text());
    }
}
