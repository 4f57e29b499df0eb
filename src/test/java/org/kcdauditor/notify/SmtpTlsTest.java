package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.Smtp;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS to the SMTP server is real: SMTPS to a server whose certificate (SAN IP:127.0.0.1) is trusted
 * through mail.trustStore delivers; the same server without that trust store, and STARTTLS to a
 * server that offers plain SMTP only, deliver nothing and leave the notice pending.
 */
class SmtpTlsTest {
    @TempDir
    Path dir;
    GreenMail smtp;
    /** The last error of the notice a failed {@link #send} kept in the outbox. */
    String lastError;

    @AfterEach
    void stop() {
        if (smtp != null) {
            smtp.stop();
        }
    }


    private static FindingsDocument emptyRun(String runId) {
        return new FindingsDocument(1, runId, Instant.now(), Instant.now(), new FindingsDocument.Directory(
                "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com"), null, null, List.of(), List.of(), List.of(), null);
    }

    private Outbox.Result send(String mailYaml, Map<String, String> env, String runId)
            throws Exception {
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir.resolve(runId), "ldap://127.0.0.1:1", null, null, mailYaml, null));
        Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMinutes(1), "test");
        Notifier n = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
        n.queue("monthly-report", org.kcdauditor.config.ScheduleConfig.Notify.ALWAYS, emptyRun(runId), null);
        Outbox.Result r = n.flush();
        if (r.failed() > 0) {
            lastError = outbox.list(false, 10).get(0).lastError();
            assertTrue(lastError != null && !lastError.isBlank());
        }
        return r;
    }

    @Test
    void smtpsChecksTheCertificateAndStarttlsNeverFallsBackToPlainText() throws Exception {
        TestDirectory.Tls tls = Smtp.tls();
        int smtpsPort = ScheduleFixture.freePort();
        int plainPort = ScheduleFixture.freePort();
        smtp = new GreenMail(new ServerSetup[]{Smtp.on(smtpsPort, ServerSetup.PROTOCOL_SMTPS),
                Smtp.on(plainPort, ServerSetup.PROTOCOL_SMTP)});
        smtp.setUser(ScheduleFixture.FROM, ScheduleFixture.FROM, ScheduleFixture.SMTP_PASSWORD);
        smtp.start();
        {
            Map<String, String> env = new HashMap<>(Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD));
            env.put("KCD_TEST_SMTP_TRUSTSTORE_PASSWORD", tls.password());
            String smtps = ScheduleFixture.mail(smtpsPort, 10).replace("security: none", "security: smtps");

            assertEquals(new Outbox.Result(0, 2), send(smtps, env, "untrusted"),
                    "a certificate the JDK does not trust: refused, kept in the outbox");
            assertEquals(0, smtp.getReceivedMessages().length);
            // what to do, as for a DC's certificate, not only the JDK's PKIX message
            assertTrue(lastError.endsWith(" — the SMTP server's certificate is not signed by a CA the Java trust store"
                    + " or mail.trustStore holds: set mail.trustStore to a PKCS#12 or JKS file holding the CA that"
                    + " signed it"), lastError);

            String trusted = smtps + "  trustStore: " + tls.trustStore() + "\n"
                    + "  trustStorePasswordEnv: KCD_TEST_SMTP_TRUSTSTORE_PASSWORD\n";
            assertEquals(new Outbox.Result(2, 0), send(trusted, env, "trusted"));
            assertTrue(smtp.waitForIncomingEmail(5000, 2));

            String starttls = ScheduleFixture.mail(plainPort, 10).replace("security: none", "security: starttls")
                    + "  trustStore: " + tls.trustStore() + "\n  trustStorePasswordEnv: KCD_TEST_SMTP_TRUSTSTORE_PASSWORD\n";
            int before = smtp.getReceivedMessages().length;
            Outbox.Result r = send(starttls, env, "starttls");
            assertEquals(before, smtp.getReceivedMessages().length, "nothing sent in plain text: " + r);
            assertEquals(2, r.failed());
        }
    }

    /**
     * The SMTP server's CA as Windows exports it, a Base-64 .cer with CRLF line ends, is mail.trustStore as it is,
     * without a password. The notice stayed pending: "mail.trustStore: cannot read … (IOException)".
     */
    @Test
    void aCaCertificateFileIsTheMailTrustStore() throws Exception {
        TestDirectory.Tls tls = Smtp.tls();
        int smtpsPort = ScheduleFixture.freePort();
        smtp = new GreenMail(new ServerSetup[]{Smtp.on(smtpsPort, ServerSetup.PROTOCOL_SMTPS)});
        smtp.setUser(ScheduleFixture.FROM, ScheduleFixture.FROM, ScheduleFixture.SMTP_PASSWORD);
        smtp.start();
        byte[] der = java.nio.file.Files.readAllBytes(tls.trustStore().resolveSibling("server.crt"));
        Path cer = java.nio.file.Files.writeString(dir.resolve("smtp-ca.cer"), "-----BEGIN CERTIFICATE-----\r\n"
                + java.util.Base64.getMimeEncoder(64, "\r\n".getBytes()).encodeToString(der)
                + "\r\n-----END CERTIFICATE-----\r\n");
        String smtps = ScheduleFixture.mail(smtpsPort, 10).replace("security: none", "security: smtps")
                + "  trustStore: " + cer + "\n";
        assertEquals(new Outbox.Result(2, 0), send(smtps, Map.of(ScheduleFixture.SMTP_ENV,
                ScheduleFixture.SMTP_PASSWORD), "cer"), String.valueOf(lastError));
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
    }

    /**
     * An SMTPS server whose certificate has expired, its CA in mail.trustStore: the outbox says it expired. It said
     * "the SMTP server's certificate is not signed by a CA the Java trust store or mail.trustStore holds: set
     * mail.trustStore to …", about a trust store that was set and held that CA. GreenMail reads one key store per JVM,
     * so this server is a TLS socket of its own that answers the handshake with an expired certificate.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void anExpiredCertificateOfTheSmtpServerIsSaidToHaveExpired(boolean caSigned) throws Exception {
        // self-signed and in mail.trustStore itself: the JDK's PKIX checks no dates of a trust anchor, and the
        // expired certificate was accepted
        TestDirectory.Tls expired = caSigned ? TestDirectory.generateCaSignedTls(dir.resolve("expired"), "-10d")
                : TestDirectory.generateTls(dir.resolve("expired"), "ip:127.0.0.1,dns:localhost", "CN=smtp.contoso.test",
                "-10d");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(expired.keyStore())) {
            ks.load(in, expired.password().toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, expired.password().toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        try (var server = ctx.getServerSocketFactory().createServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress())) {
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try (var s = (javax.net.ssl.SSLSocket) server.accept()) {
                        s.startHandshake();
                    } catch (java.io.IOException e) {
                        // the client refuses the certificate: the handshake fails here too
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            String smtps = ScheduleFixture.mail(server.getLocalPort(), 10).replace("security: none", "security: smtps")
                    + "  trustStore: " + expired.trustStore() + "\n"
                    + "  trustStorePasswordEnv: KCD_TEST_SMTP_TRUSTSTORE_PASSWORD\n";
            assertEquals(new Outbox.Result(0, 2), send(smtps, Map.of(ScheduleFixture.SMTP_ENV,
                    ScheduleFixture.SMTP_PASSWORD, "KCD_TEST_SMTP_TRUSTSTORE_PASSWORD", expired.password()), "expired"));
            assertTrue(lastError.endsWith(" — the SMTP server's certificate (or that of a CA in its chain) has expired"
                    + " or is not valid yet: renew it on the SMTP server, or check this machine's clock"), lastError);
        }
    }
}
