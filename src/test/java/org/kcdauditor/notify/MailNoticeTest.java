package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.store.OutboxStore;
import org.kcdauditor.support.CliRun;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Notices through a real SMTP server (GreenMail): content, the outbox, on-change, SMTP down and back. */
class MailNoticeTest {
    @TempDir
    Path dir;
    DemoDirectory directory;
    Map<String, String> env;
    GreenMail smtp;
    int port;

    @BeforeEach
    void start() throws Exception {
        directory = ScheduleFixture.directory();
        env = ScheduleFixture.env(directory);
        port = ScheduleFixture.freePort();
        smtp = ScheduleFixture.smtp(port);
        smtp.start();
    }

    @AfterEach
    void stop() {
        if (smtp.isRunning()) {
            smtp.stop();
        }
        directory.close();
    }

    private AuditConfig config(int attachPdfMaxMb) throws Exception {
        return ConfigLoader.load(ScheduleFixture.config(dir, directory, null, null,
                ScheduleFixture.mail(port, attachPdfMaxMb), "daemon:\n  outboxIntervalSeconds: 1\n"));
    }

    private AuditRun.Outcome audit(AuditConfig cfg, String... formats) throws Exception {
        return audit("schedule", cfg, formats);
    }

    private AuditRun.Outcome audit(String trigger, AuditConfig cfg, String... formats) throws Exception {
        return new AuditRun(cfg, new Secrets(env), Clock.systemUTC(), Reports.standard(Path.of("templates"),
                cfg.reports())).withHome(Path.of(".")).withEnvironment(env).withTrigger(trigger)
                .execute(null, org.kcdauditor.report.Format.parse(List.of(formats), "formats"), new Timings(), n -> { });
    }

    private Notifier notifier(AuditConfig cfg, Outbox outbox) {
        return new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
    }

    private Outbox outbox(AuditConfig cfg) {
        return new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMillis(200), "test");
    }

    private static MimeMessage to(MimeMessage[] messages, String rcpt) throws Exception {
        for (MimeMessage m : messages) {
            if (Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(rcpt))) {
                return m;
            }
        }
        throw new AssertionError("no message to " + rcpt);
    }

    @Test
    void theNoticeHasSubjectTextHtmlAndThePdfAndAStableMessageId() throws Exception {
        AuditConfig cfg = config(10);
        AuditRun.Outcome run = audit(cfg, "json", "pdf");
        Outbox outbox = outbox(cfg);
        List<Notice> queued = notifier(cfg, outbox).queue("monthly-report", Notify.ALWAYS, run.document(),
                run.outDir().resolve("audit.pdf"));
        assertEquals(2, queued.size(), "one to mail.to, one to the HVC1 owner");
        assertEquals(new Outbox.Result(2, 0), notifier(cfg, outbox).flush());
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        MimeMessage[] got = smtp.getReceivedMessages();
        assertEquals(2, got.length);

        MimeMessage hvc1 = to(got, ScheduleFixture.HVC1_OWNER);
        assertTrue(hvc1.getSubject().matches("\\[kcd-audit] HVC1: \\d+ new HIGH findings?, \\d+ other new \\(worst [A-Z]+\\)"
                + " — live migration at risk"),
                hvc1.getSubject());
        assertEquals("<kcd-audit." + run.runId() + ".cluster.hvc1@contoso.com>", hvc1.getMessageID());
        MimeMessage team = to(got, ScheduleFixture.TEAM);
        assertEquals("<kcd-audit." + run.runId() + ".all@contoso.com>", team.getMessageID());
        assertTrue(team.getSubject().startsWith("[kcd-audit] 2 clusters: "), team.getSubject());
        assertEquals(ScheduleFixture.FROM, team.getFrom()[0].toString());

        Multipart mixed = (Multipart) team.getContent();
        assertEquals(2, mixed.getCount());
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        BodyPart text = alternative.getBodyPart(0);
        BodyPart html = alternative.getBodyPart(1);
        assertTrue(text.isMimeType("text/plain") && html.isMimeType("text/html"));
        String t = (String) text.getContent();
        String h = (String) html.getContent();
        assertTrue(t.contains("NEW (") && t.contains("RESOLVED (0)") && t.contains("STILL OPEN (0)"), t);
        assertTrue(t.contains("No earlier audit to compare with: every finding counts as new."), t);
        // times to the second, as in every other output (not the Instant's nanoseconds)
        String finished = "finished " + org.kcdauditor.report.Words.time(run.document().finishedAt()) + ".";
        assertTrue(finished.matches("finished \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\."), finished);
        assertTrue(t.contains(finished), t);
        assertTrue(h.contains(finished), h);
        // why a cluster is NO-GO: in the HTML part too, which is the part most mail clients show
        java.util.regex.Matcher reason = java.util.regex.Pattern.compile("\n    (\\d+ [A-Z_]+ findings? \\([^)\n]*\\))\r?\n")
                .matcher(t);
        assertTrue(reason.find(), t);
        assertTrue(h.contains(reason.group(1).replace(">", "&gt;")), reason.group(1) + " in\n" + h);
        assertFalse(java.util.regex.Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d").matcher(t + h).find(),
                "no fractions of a second: " + t);
        assertTrue(t.contains("The PDF report is attached"), t);
        assertTrue(h.contains("<h2 style=\"font-size:1.1rem\">New (") && h.contains("HV0"), h);
        BodyPart pdf = mixed.getBodyPart(1);
        assertTrue(pdf.isMimeType("application/pdf"), pdf.getContentType());
        assertEquals(Part.ATTACHMENT, pdf.getDisposition());
        assertEquals("audit.pdf", pdf.getFileName());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        pdf.getDataHandler().writeTo(bytes);
        assertEquals("%PDF-", new String(bytes.toByteArray(), 0, 5, StandardCharsets.US_ASCII));

        // the cluster notice only speaks of HVC1
        String hvc1Text = (String) ((Multipart) ((Multipart) hvc1.getContent()).getBodyPart(0).getContent())
                .getBodyPart(0).getContent();
        assertTrue(hvc1Text.contains("HVC1") && !hvc1Text.contains("] HVC2"), hvc1Text);
    }

    /**
     * Once the server has accepted a notice, its row keeps what {@code outbox --all} lists but not the message: a PDF
     * attached to every audience's notice of every run, kept for ever, grew the store past anything store.retain bounds.
     */
    @Test
    void aSentNoticeKeepsItsRowButNotItsMessageWithTheAttachedPdf() throws Exception {
        AuditConfig cfg = config(10);
        AuditRun.Outcome run = audit(cfg, "json", "pdf");
        Outbox outbox = queuedWithPdf(cfg, run);
        Database db = Database.open(cfg, env);
        assertTrue(storedMessageBytes(db) > 2 * java.nio.file.Files.size(run.outDir().resolve("audit.pdf")),
                "both pending notices hold the PDF");
        assertEquals(new Outbox.Result(2, 0), notifier(cfg, outbox).flush());
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        assertEquals(0, storedMessageBytes(db), "sent: no message kept");
        assertEquals(2, outbox.list(true, 10).stream().filter(e -> e.status().equals(OutboxStore.SENT)
                && e.messageId() != null && !e.recipients().isEmpty()).count(), "the rows stay, listed");
    }

    /** The run's notices of a notify: always job, with its audit.pdf, queued in a new outbox. */
    private Outbox queuedWithPdf(AuditConfig cfg, AuditRun.Outcome run) throws Exception {
        Outbox outbox = outbox(cfg);
        notifier(cfg, outbox).queue("monthly-report", Notify.ALWAYS, run.document(), run.outDir().resolve("audit.pdf"));
        return outbox;
    }

    private static long storedMessageBytes(Database db) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT SUM(OCTET_LENGTH(mime)) FROM notice_outbox")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * attachPdfMaxMb: 0 (never attach) names the path without calling a 100 KB PDF "larger than mail.attachPdfMaxMb
     * allows", which read as a fault; a PDF over a limit above 0 still says so (NoticeWordingTest).
     */
    @Test
    void aPdfNeverAttachedIsNamedNotAttached() throws Exception {
        AuditConfig cfg = config(0);
        AuditRun.Outcome run = audit(cfg, "json", "pdf");
        Outbox outbox = queuedWithPdf(cfg, run);
        notifier(cfg, outbox).flush();
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        MimeMessage team = to(smtp.getReceivedMessages(), ScheduleFixture.TEAM);
        Multipart alternative = (Multipart) team.getContent();
        assertTrue(alternative.getContentType().startsWith("multipart/alternative"), alternative.getContentType());
        String t = (String) alternative.getBodyPart(0).getContent();
        assertTrue(t.contains("The PDF report (") && t.contains(" is not attached (mail.attachPdfMaxMb: 0); it is at "
                + run.outDir().resolve("audit.pdf").toAbsolutePath()), t);
        assertFalse(t.contains("larger than"), t);
    }

    /** What the daemon records once a run's notices are queued (AuditJob): its fire, SUCCEEDED with the run. */
    private static void fired(FireLog fires, String job, String runId, String status) {
        java.time.Instant now = java.time.Instant.now();
        fires.finish(fires.start(job, now, now, "test", false), now, runId, status, "test");
    }

    @Test
    void onChangeMailsOnlyWhenFindingIdsChange() throws Exception {
        AuditConfig cfg = config(10);
        Outbox outbox = outbox(cfg);
        FireLog fires = new FireLog(Database.open(cfg, env));
        AuditRun.Outcome first = audit(cfg, "json");
        assertEquals(2, notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, first.document(), null).size(),
                "the first run: everything is new");
        fired(fires, "daily-drift", first.runId(), FireLog.SUCCEEDED);
        AuditRun.Outcome same = audit(cfg, "json");
        assertEquals(List.of(), notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, same.document(), null),
                "no change, no mail");
        assertEquals(List.of(), notifier(cfg, outbox).queue("daily-drift", Notify.NEVER, same.document(), null));
        fired(fires, "daily-drift", same.runId(), FireLog.SUCCEEDED);

        removeADelegationEntryOfHv01();
        // a preflight sees the change first: the daemon's next notice still tells of it
        audit("preflight", cfg, "json");
        AuditRun.Outcome changed = audit(cfg, "json");
        List<Notice> notices = notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, changed.document(), null);
        assertEquals(2, notices.size(), "HV01 is in HVC1: both the team and the HVC1 owner hear of it");
        // the team's notice counts and shows both clusters: its subject names both, the owner's only HVC1
        assertTrue(notices.get(0).subject().startsWith("[kcd-audit] 2 clusters: "), notices.get(0).subject());
        assertTrue(notices.get(1).subject().startsWith("[kcd-audit] HVC1: "), notices.get(1).subject());
        assertFalse(notices.get(1).text().contains("HVC2"), notices.get(1).text());
        assertTrue(notices.get(0).text().contains("New and resolved are counted against run " + same.runId() + ", the last scheduled audit"),
                notices.get(0).text());
        assertEquals(new Outbox.Result(4, 0), notifier(cfg, outbox).flush());
        assertTrue(smtp.waitForIncomingEmail(5000, 4));
        assertEquals(4, smtp.getReceivedMessages().length);
    }

    /**
     * A change is told by the next run that can tell it: not absorbed by a notify: never job that saw it first, nor by
     * a run whose daemon died after storing it and before queueing its notices (its fire never ended SUCCEEDED).
     */
    @Test
    void aScheduledRunThatToldNobodyDoesNotAbsorbAChange() throws Exception {
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, directory, null,
                "  - name: daily-drift\n    cron: \"0 30 7 * * ?\"\n    notify: on-change\n"
                        + "  - name: nightly\n    cron: \"0 0 1 * * ?\"\n    notify: never\n",
                ScheduleFixture.mail(port, 10), null));
        Outbox outbox = outbox(cfg);
        FireLog fires = new FireLog(Database.open(cfg, env));
        AuditRun.Outcome told = audit(cfg, "json");
        assertEquals(2, notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, told.document(), null).size());
        fired(fires, "daily-drift", told.runId(), FireLog.SUCCEEDED);

        removeADelegationEntryOfHv01();
        AuditRun.Outcome silent = audit(cfg, "json");
        assertEquals(List.of(), notifier(cfg, outbox).queue("nightly", Notify.NEVER, silent.document(), null));
        fired(fires, "nightly", silent.runId(), FireLog.SUCCEEDED);
        // stored, then the daemon died: its fire was started and never finished
        AuditRun.Outcome crashed = audit(cfg, "json");
        fires.start("daily-drift", java.time.Instant.now(), java.time.Instant.now(), "dead", false);
        assertTrue(crashed.document().findings().size() > 0);

        AuditRun.Outcome recovered = audit(cfg, "json");
        List<Notice> notices = notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, recovered.document(), null);
        assertEquals(2, notices.size(), "the change in HVC1 is told to the team and to HVC1's owner");
        assertTrue(notices.get(0).text().contains("New and resolved are counted against run " + told.runId() + ", the last scheduled audit"),
                notices.get(0).text());
        assertFalse(notices.get(0).subject().contains("no change"), notices.get(0).subject());
    }

    /**
     * Windows computers change their own password every 30 days (Domain member: Maximum machine account password age):
     * a run whose only changes are pwdLastSet lines ("computer password changed") queues no on-change notice, nor does
     * the next scheduled run where a manual run saw such a change first; the lines stay in the run's findings. A run
     * with a delegation change is mailed, and lists a node's password change beside it.
     */
    @Test
    void aRoutinePasswordChangeAloneIsNoChangeForOnChange() throws Exception {
        AuditConfig cfg = config(10);
        Outbox outbox = outbox(cfg);
        FireLog fires = new FireLog(Database.open(cfg, env));
        AuditRun.Outcome first = audit(cfg, "json");
        assertEquals(2, notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, first.document(), null).size());
        fired(fires, "daily-drift", first.runId(), FireLog.SUCCEEDED);

        setPwdLastSet("HV01", "2026-12-01T03:12:00Z");
        AuditRun.Outcome rotated = audit(cfg, "json");
        assertTrue(rotated.document().findings().stream().anyMatch(f -> f.message().startsWith(
                "HV01: computer password changed (pwdLastSet ")), "the change is still a finding of the run");
        assertEquals(List.of(), notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, rotated.document(), null),
                "a password change alone: no notice");
        fired(fires, "daily-drift", rotated.runId(), FireLog.SUCCEEDED);

        setPwdLastSet("HV02", "2026-12-02T03:12:00Z");
        audit("run", cfg, "json");
        AuditRun.Outcome after = audit(cfg, "json");
        assertEquals(List.of(), notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, after.document(), null),
                "a password change a manual run saw first: no notice either");
        fired(fires, "daily-drift", after.runId(), FireLog.SUCCEEDED);

        setPwdLastSet("HV03", "2026-12-03T03:12:00Z");
        removeADelegationEntryOfHv01();
        AuditRun.Outcome changed = audit(cfg, "json");
        List<Notice> notices = notifier(cfg, outbox).queue("daily-drift", Notify.ON_CHANGE, changed.document(), null);
        assertEquals(2, notices.size(), "a delegation change: the team and HVC1's owner are told");
        String text = notices.get(0).text();
        assertTrue(text.contains("HV01: delegation entry removed: "), text);
        assertTrue(text.contains("HV03: computer password changed (pwdLastSet "), "listed beside it: " + text);
    }

    /** {@code host}'s pwdLastSet set to {@code instant}, as the computer's own password change writes it. */
    private void setPwdLastSet(String host, String instant) throws Exception {
        LDAPURL url = new LDAPURL(directory.url());
        try (LDAPConnection c = new LDAPConnection(url.getHost(), url.getPort(), DemoDirectory.BIND_DN,
                directory.password())) {
            SearchResultEntry entry = c.searchForEntry(DemoDirectory.BASE_DN, SearchScope.SUB, "(cn=" + host + ")",
                    "cn");
            long ticks = (java.time.Instant.parse(instant).getEpochSecond() + 11_644_473_600L) * 10_000_000L;
            c.modify(entry.getDN(), new Modification(ModificationType.REPLACE, "pwdLastSet", String.valueOf(ticks)));
        }
    }

    private void removeADelegationEntryOfHv01() throws Exception {
        LDAPURL url = new LDAPURL(directory.url());
        try (LDAPConnection c = new LDAPConnection(url.getHost(), url.getPort(), DemoDirectory.BIND_DN,
                directory.password())) {
            SearchResultEntry hv01 = c.searchForEntry(DemoDirectory.BASE_DN, SearchScope.SUB, "(cn=HV01)",
                    "msDS-AllowedToDelegateTo");
            assertNotNull(hv01);
            String[] values = hv01.getAttributeValues("msDS-AllowedToDelegateTo");
            assertNotNull(values);
            c.modify(hv01.getDN(), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", values[0]));
        }
    }

    /**
     * A directory value holding a line feed or a bidirectional override reaches the notice's plain-text part as
     * data: shown as {@code \\u000A} / {@code \\u202E} like every report shows it, never as a line of its own that
     * could pass for the notice's own text (a forged "DECISION: GO") nor as text turned around on screen.
     */
    @Test
    void aDirectoryValueCannotWriteLinesOfItsOwnIntoTheNoticeText() throws Exception {
        String forged = "cifs/x\n\nDECISION: GO for the patch window: 2 of 2 clusters\u202Eexe.clac";
        LDAPURL url = new LDAPURL(directory.url());
        try (LDAPConnection c = new LDAPConnection(url.getHost(), url.getPort(), DemoDirectory.BIND_DN,
                directory.password())) {
            SearchResultEntry hv01 = c.searchForEntry(DemoDirectory.BASE_DN, SearchScope.SUB, "(cn=HV01)", "cn");
            c.modify(hv01.getDN(), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", forged));
        }
        AuditConfig cfg = config(10);
        AuditRun.Outcome run = audit(cfg, "json");
        List<Notice> notices = notifier(cfg, outbox(cfg)).queue("daily-drift", Notify.ALWAYS, run.document(), null);
        assertFalse(notices.isEmpty());
        for (Notice n : notices) {
            assertTrue(n.text().contains("cifs/x\\u000A\\u000ADECISION: GO"), "the entry as stored, on one line: "
                    + n.text());
            assertFalse(n.text().lines().anyMatch(l -> l.startsWith("DECISION: GO")), "a forged line: " + n.text());
            assertFalse(n.text().contains("\u202E") || n.html().contains("\u202E"), "the override itself");
            assertTrue(n.text().contains("\\u202Eexe.clac"), n.text());
        }
    }

    @Test
    void theFailureNoticeKeepsTheLinesOfItsReasonAndTheFireTimeToTheSecond() throws Exception {
        AuditConfig cfg = config(10);
        Notice n = new NoticeBuilder(cfg.mail(), new org.kcdauditor.report.runbook.TemplateRenderer(Path.of("templates")))
                .failure("daily-drift", java.time.Instant.parse("2026-12-03T06:00:00.123456789Z"), null,
                        "the directory could not be read\nthe next run tries again", directory.url(), "kcd.yaml", false);
        assertTrue(n.html().contains(">the directory could not be read\nthe next run tries again</pre>"), n.html());
        assertTrue(n.text().contains("(due 2026-12-03 06:00:00 UTC)") && n.html().contains("(due 2026-12-03 06:00:00 UTC)"),
                n.text());
    }

    @Test
    void outboxSendSendsAtMostLimitNotices() throws Exception {
        AuditConfig cfg = config(10);
        Outbox outbox = outbox(cfg);
        AuditRun.Outcome run = audit(cfg, "json");
        notifier(cfg, outbox).queue("daily-drift", Notify.ALWAYS, run.document(), null);
        assertEquals(2, outbox.list(false, 10).size(), "one notice to the team, one to HVC1's owner");
        CliRun one = CliRun.run(env, "outbox", "--config", cfg.source().toString(), "--send", "--limit", "1");
        assertTrue(one.out().startsWith("Sent 1, failed 0."), one.toString());
        assertEquals(1, one.exitCode(), "one notice still pending: " + one);
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        assertEquals(1, outbox.list(false, 10).size());
        CliRun rest = CliRun.run(env, "outbox", "--config", cfg.source().toString(), "--send");
        assertTrue(rest.out().startsWith("Sent 1, failed 0."), rest.toString());
        assertEquals(0, rest.exitCode(), rest.toString());
    }

    /**
     * After an outage the notices go out in the order they were written: the first run's notices, still waiting out
     * their back-off (an hour here), are not overtaken by the next run's, which are due at once.
     */
    @Test
    void afterAnOutageANewNoticeDoesNotOvertakeOnesStillWaitingForTheirRetry() throws Exception {
        AuditConfig cfg = config(10);
        smtp.stop();
        Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofHours(1), "test");
        AuditRun.Outcome first = audit(cfg, "json");
        ScheduleFixture.captureErr(() -> {
            notifier(cfg, outbox).queue("daily-drift", Notify.ALWAYS, first.document(), null);
            assertEquals(new Outbox.Result(0, 2), notifier(cfg, outbox).flush());
        });
        smtp = ScheduleFixture.smtp(port);
        smtp.start();
        AuditRun.Outcome second = audit(cfg, "json");
        notifier(cfg, outbox).queue("daily-drift", Notify.ALWAYS, second.document(), null);
        assertEquals(new Outbox.Result(4, 0), notifier(cfg, outbox).flush(), "the older notices too, first");
        assertTrue(smtp.waitForIncomingEmail(5000, 4));
        List<String> runsToTeam = Arrays.stream(smtp.getReceivedMessagesForDomain(ScheduleFixture.TEAM))
                .map(m -> header(m, "X-Kcd-Audit-Run")).toList();
        assertEquals(List.of(first.runId(), second.runId()), runsToTeam, "in the order they were written");
        assertTrue(outbox.list(false, 10).isEmpty());
    }

    private static String header(MimeMessage m, String name) {
        try {
            return m.getHeader(name, null);
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whenSmtpIsDownTheNoticeIsKeptAndDeliveredExactlyOnceWhenItIsBack() throws Exception {
        AuditConfig cfg = config(10);
        smtp.stop();
        Outbox outbox = outbox(cfg);
        AuditRun.Outcome run = audit(cfg, "json");
        String logs = ScheduleFixture.captureErr(() -> {
            notifier(cfg, outbox).queue("daily-drift", Notify.ALWAYS, run.document(), null);
            assertEquals(new Outbox.Result(0, 2), notifier(cfg, outbox).flush());
        });
        assertTrue(logs.contains("not sent (attempt 1)"), logs);
        List<org.kcdauditor.store.OutboxStore.Entry> pending = outbox.list(false, 10);
        assertEquals(2, pending.size());
        assertTrue(pending.stream().allMatch(e -> e.attempts() == 1 && e.lastError() != null), pending.toString());
        CliRun listed = CliRun.run(env, "outbox", "--config", cfg.source().toString());
        assertEquals(1, listed.exitCode(), "pending notices: exit 1 " + listed);
        assertTrue(listed.out().contains("PENDING") && listed.out().contains(ScheduleFixture.HVC1_OWNER), listed.out());

        smtp = ScheduleFixture.smtp(port);
        smtp.start();
        Thread.sleep(250); // past the first back-off (base 200 ms)
        String more = ScheduleFixture.captureErr(() -> {
            assertEquals(new Outbox.Result(2, 0), notifier(cfg, outbox).flush());
            assertEquals(new Outbox.Result(0, 0), notifier(cfg, outbox).flush());
        });
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        Thread.sleep(300);
        assertEquals(2, smtp.getReceivedMessages().length, "each notice exactly once");
        assertTrue(outbox.list(false, 10).isEmpty());
        assertEquals(2, outbox.list(true, 10).stream().filter(e -> e.status().equals(org.kcdauditor.store.OutboxStore.SENT)).count());
        CliRun after = CliRun.run(env, "outbox", "--config", cfg.source().toString());
        assertEquals(0, after.exitCode(), after.toString());
        for (String captured : List.of(logs, more, listed.out(), listed.err())) {
            assertFalse(captured.contains(ScheduleFixture.SMTP_PASSWORD), "SMTP password in the logs");
            assertFalse(captured.contains(directory.password()), "LDAP password in the logs");
        }
    }
}
