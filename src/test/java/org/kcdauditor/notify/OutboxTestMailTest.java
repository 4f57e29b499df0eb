package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Smtp;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checking the mail settings and seeing a notice before the first scheduled run: {@code outbox --test-mail} sends one
 * short message through the notices' own transport (host, port, security, trust store, login) and says that the server
 * took it or why not, with what to check; {@code outbox --show ID} prints a queued notice's subject, recipients and
 * text.
 */
class OutboxTestMailTest {
    static final Map<String, String> ENV = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);

    @TempDir
    Path dir;
    GreenMail smtp;

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }

    private Path config(String mail) throws Exception {
        return ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, mail, null);
    }

    private static CliRun outbox(Map<String, String> env, Path config, String... args) {
        List<String> line = new java.util.ArrayList<>(List.of("outbox", "--config", config.toString()));
        line.addAll(List.of(args));
        return CliRun.run(env, line.toArray(String[]::new));
    }

    private static void noSecret(CliRun r) {
        assertFalse(r.out().contains(ScheduleFixture.SMTP_PASSWORD) || r.err().contains(ScheduleFixture.SMTP_PASSWORD),
                r.toString());
    }

    @Test
    void aTestMessageGoesToTheTeamWithTheConfiguredLoginAndOpensNoStore() throws Exception {
        int port = ScheduleFixture.freePort();
        smtp = ScheduleFixture.smtp(port);
        smtp.start();
        Path cfg = config(ScheduleFixture.mail(port, 0));

        CliRun r = outbox(ENV, cfg, "--test-mail");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Test message sent to " + ScheduleFixture.TEAM + " through 127.0.0.1:" + port
                + " (security none, login " + ScheduleFixture.FROM + ")"), r.toString());
        noSecret(r);
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
        MimeMessage m = smtp.getReceivedMessages()[0];
        assertEquals("[kcd-audit] test message", m.getSubject());
        assertEquals(ScheduleFixture.TEAM, m.getAllRecipients()[0].toString());
        assertEquals(ScheduleFixture.FROM, m.getFrom()[0].toString());
        assertTrue(GreenMailUtil.getBody(m).contains("mail settings work"), GreenMailUtil.getBody(m));
        assertFalse(Files.exists(dir.resolve("data")), "a test message needs no history store");

        // another address (the admin's own) instead of mail.to
        CliRun other = outbox(ENV, cfg, "--test-mail=admin@contoso.com");
        assertEquals(0, other.exitCode(), other.toString());
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        assertEquals("admin@contoso.com", smtp.getReceivedMessages()[1].getAllRecipients()[0].toString());
    }

    @Test
    void aServerThatIsDownOrRefusesTheLoginIsOneLineWithWhatToCheck() throws Exception {
        int port = ScheduleFixture.freePort();
        Path cfg = config(ScheduleFixture.mail(port, 0));
        CliRun down = outbox(ENV, cfg, "--test-mail");
        assertEquals(1, down.exitCode(), down.toString());
        assertTrue(down.err().startsWith("kcd-audit: outbox --test-mail: not sent: MailConnectException")
                && down.err().strip().endsWith("— check mail.host and mail.port and that the SMTP server is up and"
                + " reachable from here"), down.toString());
        assertEquals(1, down.err().strip().lines().count(), down.toString());

        smtp = ScheduleFixture.smtp(port);
        smtp.start();
        CliRun refused = outbox(Map.of(ScheduleFixture.SMTP_ENV, "wrong-password-here"), cfg, "--test-mail");
        assertEquals(1, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("AuthenticationFailedException") && refused.err().strip().endsWith(
                "— check mail.username and the password (mail.passwordEnv or mail.passwordFile)"), refused.toString());
        assertFalse(refused.toString().contains("wrong-password-here"), refused.toString());
        assertEquals(0, smtp.getReceivedMessages().length);

        CliRun unset = outbox(Map.of(), cfg, "--test-mail");
        assertEquals(2, unset.exitCode(), unset.toString());
        assertTrue(unset.err().contains(ScheduleFixture.SMTP_ENV), unset.toString());

        CliRun noMail = outbox(ENV, ScheduleFixture.config(dir.resolve("nomail"), "ldap://127.0.0.1:1", null, null,
                null, null), "--test-mail");
        assertEquals(2, noMail.exitCode(), noMail.toString());
        assertTrue(noMail.err().contains("has no mail: section"), noMail.toString());
    }

    @Test
    void smtpsChecksTheCertificateAgainstTheTrustStoreAsNoticesDo() throws Exception {
        TestDirectory.Tls tls = Smtp.tls();
        int port = ScheduleFixture.freePort();
        smtp = new GreenMail(Smtp.on(port, ServerSetup.PROTOCOL_SMTPS));
        smtp.setUser(ScheduleFixture.FROM, ScheduleFixture.FROM, ScheduleFixture.SMTP_PASSWORD);
        smtp.start();
        Map<String, String> env = new HashMap<>(ENV);
        env.put("KCD_TEST_SMTP_TRUSTSTORE_PASSWORD", tls.password());
        String smtps = ScheduleFixture.mail(port, 0).replace("security: none", "security: smtps");

        CliRun untrusted = outbox(env, config(smtps), "--test-mail");
        assertEquals(1, untrusted.exitCode(), untrusted.toString());
        assertTrue(untrusted.err().strip().endsWith("set mail.trustStore to a PKCS#12 or JKS file holding the CA that"
                + " signed it"), untrusted.toString());

        CliRun trusted = outbox(env, config(smtps + "  trustStore: " + tls.trustStore()
                + "\n  trustStorePasswordEnv: KCD_TEST_SMTP_TRUSTSTORE_PASSWORD\n"), "--test-mail");
        assertEquals(0, trusted.exitCode(), trusted.toString());
        assertTrue(trusted.out().contains("(security smtps, login "), trusted.toString());
        noSecret(trusted);
        assertTrue(smtp.waitForIncomingEmail(5000, 1));
    }

    @Test
    void showPrintsAQueuedNoticesSubjectRecipientsAndText() throws Exception {
        Path file = config(ScheduleFixture.mail(ScheduleFixture.freePort(), 0));
        AuditConfig cfg = ConfigLoader.load(file);
        Outbox outbox = new Outbox(Database.open(cfg, Map.of()), Clock.systemUTC(), Duration.ofMinutes(1), "test");
        String key = OutboxDiscardTest.RUN + ":all";
        Notice n = new Notice(key, NoticeBuilder.messageId(key, ScheduleFixture.FROM), OutboxDiscardTest.RUN,
                "daily-drift", cfg.mail().to(), "[kcd-audit] HVC1: 1 new HIGH finding",
                "HVC1 — NO-GO: HV02 → HV03 fails (Überprüfung, a=b)\nAll reports of this run: /srv/reports/x\n",
                "<p>html</p>", null);
        assertTrue(outbox.enqueue(n, OutboxDiscardTest.mailer(cfg).toMime(n)));

        CliRun shown = outbox(ENV, file, "--show", "4e1f0a6c:all");
        assertEquals(0, shown.exitCode(), shown.toString());
        assertTrue(shown.out().contains("Subject: [kcd-audit] HVC1: 1 new HIGH finding\n")
                && shown.out().contains("To: " + ScheduleFixture.TEAM + "\n")
                && shown.out().contains("Status: PENDING")
                && shown.out().contains("\nHVC1 — NO-GO: HV02 → HV03 fails (Überprüfung, a=b)\nAll reports of this run:"
                + " /srv/reports/x\n"), shown.toString());
        assertFalse(shown.out().contains("<p>"), "the text part, not the HTML: " + shown);

        CliRun unknown = outbox(ENV, file, "--show", "nope");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("no notice 'nope' in the outbox"), unknown.toString());

        CliRun discarded = outbox(ENV, file, "--discard", "4e1f0a6c:all");
        assertEquals(0, discarded.exitCode(), discarded.toString());
        CliRun gone = outbox(ENV, file, "--show", "4e1f0a6c:all");
        assertEquals(0, gone.exitCode(), gone.toString());
        assertTrue(gone.out().contains("Status: DISCARDED") && gone.out().contains("its message is not kept"),
                gone.toString());
    }

    @Test
    void theDaemonsHelpNamesTheMailSecurityTheTrustStoreAndTheTestMessage() {
        CliRun help = CliRun.run(Map.of(), "daemon", "--help");
        assertEquals(0, help.exitCode(), help.toString());
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("mail.security starttls (the default; required, never a fall-back to plain text),"
                + " smtps, or none") && text.contains("mail.trustStore: a PKCS#12 or JKS file")
                && text.contains("docs/scheduling.md") && text.contains("outbox --config FILE --test-mail"), help.out());
    }
}
