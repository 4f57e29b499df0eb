package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import jakarta.mail.Multipart;
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
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.Fixtures;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HVC1 is GO only because the waiver of its one failing direction holds. The headline of every report and notice says so
 * once that waiver ends within 14 days (ReportView.WAIVER_ENDS_SOON_DAYS), but an on-change job mailed nothing then: the
 * findings were the same as the day before, so the first mail came the day after the waiver had ended, with the cluster
 * NO-GO already. The day the waiver enters the window is a change: one notice per audience, saying so in its subject and
 * naming the waiver; the next day's run sends none.
 */
class WaiverEndingSoonNoticeTest {
    private static final LocalDate EXPIRES = LocalDate.parse("2027-03-01");
    private static final String LDAP_ENV = "TEST_LDAP_PASSWORD";

    @TempDir
    Path dir;
    InMemoryDirectoryServer ds;
    GreenMail smtp;
    Map<String, String> env;
    AuditConfig cfg;

    @BeforeEach
    void start() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        TestDirectory.addCluster(ds, List.of("HVA01", "HVA02"));
        // HVA01 -> HVA02 fails (no cifs entry), waived through EXPIRES: the cluster's GO rests on that waiver
        ds.modify("CN=HVA01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HVA02", "cifs/hva02.contoso.com"));
        Files.writeString(dir.resolve("baseline.yaml"), """
                capturedAt: 2026-11-01T06:00:00Z
                hosts: {}
                waivers:
                  - rule: MISSING_DELEGATION
                    host: HVA01
                    peer: HVA02
                    justification: "CHG0042 HVA02 is being rebuilt"
                    expires: %s
                  - rule: BASELINE_HOST_NEW
                    host: HVA01
                    justification: "joined"
                    expires: 2027-06-30
                  - rule: BASELINE_HOST_NEW
                    host: HVA02
                    justification: "joined"
                    expires: 2027-06-30
                """.formatted(EXPIRES));
        int port = ScheduleFixture.freePort();
        smtp = ScheduleFixture.smtp(port);
        smtp.start();
        env = Map.of(LDAP_ENV, TestDirectory.PASSWORD, ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
        Path file = dir.resolve("kcd-audit.yaml");
        Files.writeString(file, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                + TestDirectory.BIND_DN + "\n  passwordEnv: " + LDAP_ENV + "\n  baseDn: " + TestDirectory.BASE
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\n"
                + "clusters:\n  - name: HVC1\n    nodes: [HVA01, HVA02]\n"
                + "reports:\n  dir: reports\n  formats: [json]\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n"
                + "mail:\n" + ScheduleFixture.mail(port, 0));
        cfg = ConfigLoader.load(file);
    }

    @AfterEach
    void stop() {
        smtp.stop();
        ds.shutDown(true);
    }

    /**
     * The daily on-change job's fire {@code daysBefore} days before the waiver's last day, at 07:30 UTC: the audit, its
     * notices queued and its fire recorded SUCCEEDED, as the daemon does; the notices sent.
     */
    private List<Notice> daily(int daysBefore) throws Exception {
        Clock at = Clock.fixed(EXPIRES.minusDays(daysBefore).atTime(7, 30).toInstant(ZoneOffset.UTC), ZoneOffset.UTC);
        AuditRun.Outcome run = new AuditRun(cfg, new Secrets(env), at, Reports.standard(Path.of("templates"),
                cfg.reports())).withHome(Path.of(".")).withEnvironment(env).withTrigger("schedule")
                .execute(null, org.kcdauditor.report.Format.parse(List.of("json"), "formats"), new Timings(), n -> { });
        Outbox outbox = new Outbox(Database.open(cfg, env), at, Duration.ofMillis(200), "test");
        Notifier notifier = new Notifier(cfg, new Secrets(env), env, at, Path.of("templates"), outbox);
        List<Notice> queued = notifier.queue("daily-drift", Notify.ON_CHANGE, run.document(), null);
        FireLog fires = new FireLog(Database.open(cfg, env));
        Instant now = at.instant();
        fires.finish(fires.start("daily-drift", now, now, "test", false), now, run.runId(), FireLog.SUCCEEDED, "test");
        assertEquals(new Outbox.Result(queued.size(), 0), notifier.flush());
        return queued;
    }

    @Test
    void theDayAWaiverThatKeepsAClusterGoEntersTheWindowIsMailedOnce() throws Exception {
        assertEquals(List.of(), daily(20), "20 days before the waiver ends: nothing open, nothing to tell");

        List<Notice> soon = daily(13);
        assertEquals(2, soon.size(), "13 days before: one notice to the team, one to HVC1's owner");
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        MimeMessage[] got = smtp.getReceivedMessages();
        assertEquals(2, got.length);
        String sentence = "Waiver ending soon: HVC1 turns NO-GO on " + EXPIRES.plusDays(1) + ", when the waiver of"
                + " MISSING_DELEGATION HVA01 -> HVA02 ends (valid through " + EXPIRES + "); renew it or fix what it"
                + " waives before any patch window on or after " + EXPIRES.plusDays(1) + ".";
        for (String rcpt : List.of(ScheduleFixture.TEAM, ScheduleFixture.HVC1_OWNER)) {
            MimeMessage m = Arrays.stream(got).filter(x -> to(x, rcpt)).findFirst().orElseThrow();
            assertTrue(m.getSubject().startsWith("[kcd-audit] HVC1: waiver ending soon \u2014 HVC1 turns NO-GO on "
                    + EXPIRES.plusDays(1) + "; no other change, 0 open findings"), m.getSubject());
            String text = (String) ((Multipart) m.getContent()).getBodyPart(0).getContent();
            List<String> lines = text.lines().toList();
            assertTrue(lines.get(0).startsWith("DECISION: GO"), text);
            assertEquals(sentence, lines.get(1), "under the decision, naming the waiver and its last day: " + text);
            assertEquals(1, text.split(java.util.regex.Pattern.quote("Waiver ending soon"), -1).length - 1,
                    "said once, under the decision, not again after the headline: " + text);
            String html = (String) ((Multipart) m.getContent()).getBodyPart(1).getContent();
            assertTrue(html.contains(sentence.replace(">", "&gt;")), html);
            assertEquals(1, html.split(java.util.regex.Pattern.quote("Waiver ending soon"), -1).length - 1,
                    "said once: " + html);
        }

        assertEquals(List.of(), daily(12), "told the day before: no mail again");
        Thread.sleep(300);
        assertEquals(2, smtp.getReceivedMessages().length);
    }

    /**
     * Beside another change the subject says that change first and the waiver after it; with several clusters, the
     * first to turn NO-GO and how many more by when.
     */
    @Test
    void theSubjectNamesTheWaiverEndingSoonAfterAnotherChangeAndCountsTheOtherClusters() {
        List<Finding> f = Fixtures.demo().findings();
        Finding low = f.stream().filter(x -> x.severity() == Severity.LOW).findFirst().orElseThrow();
        ReportView.WaiverEndingSoon hvc1 = new ReportView.WaiverEndingSoon("HVC1", f.get(0), EXPIRES, "MISSING_DELEGATION"
                + " HV02 -> HV03");
        ReportView.WaiverEndingSoon hvc2 = new ReportView.WaiverEndingSoon("HVC2", f.get(1), EXPIRES.plusDays(3),
                "DUPLICATE_SPN HV12");
        NoticeBuilder.Change c = new NoticeBuilder.Change("all clusters", List.of(low), List.of(), List.of(), List.of(),
                List.of(), List.of(), List.of(hvc1, hvc2));
        assertTrue(c.changed());
        assertEquals("[kcd-audit] 2 clusters: 1 new finding (worst LOW); waivers ending soon \u2014 HVC1 turns NO-GO on"
                + " 2027-03-02 and 1 more cluster by 2027-03-05", NoticeBuilder.subject(c, "2 clusters"));
    }

    private static boolean to(MimeMessage m, String rcpt) {
        try {
            return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(rcpt));
        } catch (jakarta.mail.MessagingException e) {
            throw new AssertionError(e);
        }
    }
}
