package org.kcdauditor.notify;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;
import org.kcdauditor.support.Smtp;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TricklingProxy;

import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One delivery attempt is bounded by {@code mail.timeoutSeconds} as a whole (connect, TLS, the SMTP dialogue), however
 * slowly the server keeps answering: through {@link TricklingProxy} passing GreenMail's answers on at 8 bytes a
 * second, each of whose packets is well within any read timeout, the attempt fails after about {@code timeoutSeconds}
 * (before: 38 s with plain SMTP and more than 3 minutes over SMTPS, with {@code timeoutSeconds: 3}), the notice
 * stays in the outbox for the next attempt and the pass ends there; the same proxy passing everything at once
 * delivers.
 */
class MailDeadlineTest {
    private static final int TIMEOUT_SECONDS = 3;
    /** Well under what an unbounded attempt took, with room for a loaded 2-core machine. */
    private static final Duration BOUND = Duration.ofSeconds(3L * TIMEOUT_SECONDS);

    @TempDir
    Path dir;
    GreenMail smtp;
    TricklingProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void plainSmtpTrickledByTheServerFailsWithinTheTimeoutAndStaysQueued() throws Exception {
        int port = startGreenMail(ServerSetup.PROTOCOL_SMTP);
        proxy = new TricklingProxy("127.0.0.1", port, 1, 125);
        assertBoundedAndQueued(ScheduleFixture.mail(proxy.port(), 0));
    }

    @Test
    void smtpsTrickledByTheServerFailsWithinTheTimeoutAndStaysQueued() throws Exception {
        int port = startGreenMail(ServerSetup.PROTOCOL_SMTPS);
        proxy = new TricklingProxy("127.0.0.1", port, 1, 125);
        assertBoundedAndQueued(smtps(proxy.port()));
    }

    @Test
    void plainSmtpAndSmtpsThroughAProxyThatDoesNotTrickleDeliver() throws Exception {
        int port = startGreenMail(ServerSetup.PROTOCOL_SMTP);
        proxy = new TricklingProxy("127.0.0.1", port, 64 * 1024, 0);
        assertEquals(new Outbox.Result(2, 0), notifier(ScheduleFixture.mail(proxy.port(), 0), "plain").flush());
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
        stop();

        port = startGreenMail(ServerSetup.PROTOCOL_SMTPS);
        proxy = new TricklingProxy("127.0.0.1", port, 64 * 1024, 0);
        assertEquals(new Outbox.Result(2, 0), notifier(smtps(proxy.port()), "smtps").flush());
        assertTrue(smtp.waitForIncomingEmail(5000, 2));
    }

    /**
     * A server that accepts the connection and never says a word: Jakarta Mail's read timeout or the deadline ends the
     * attempt, whichever comes first, and either way the pass ends there instead of waiting as long for every notice.
     */
    @Test
    void aSilentServerEndsThePassAfterOneAttempt() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Notifier n = notifier(ScheduleFixture.mail(silent.getLocalPort(), 0), "silent");
            assertEquals(new Outbox.Result(0, 1), assertTimeoutPreemptively(BOUND, () -> n.flush()));
            List<OutboxStore.Entry> pending = outbox.list(false, 10);
            assertEquals(List.of(1, 0), pending.stream().map(OutboxStore.Entry::attempts).sorted(
                    java.util.Comparator.reverseOrder()).toList(), "the second waits, untried: " + pending);
        }
    }

    /**
     * Jakarta Mail's own connect and read timeouts are mail.timeoutSeconds too, and may end the attempt a few
     * milliseconds before the bound does (CI, on a loaded machine): the reason was then Jakarta's
     * ("MailConnectException: Couldn't connect to host, port: 127.0.0.1, 45129; timeout 3000: Connect timed out"),
     * not the one line the bound gives. Either way the attempt ran out of time, and says so the same way; a refused
     * connection did not.
     */
    @Test
    void jakartaMailsOwnTimeoutsSayWhatTheBoundSays() {
        try (SmtpDeadline d = new SmtpDeadline(60)) {
            jakarta.mail.MessagingException connect = new org.eclipse.angus.mail.util.MailConnectException(
                    new org.eclipse.angus.mail.util.SocketConnectException("Connect timed out",
                            new java.net.SocketTimeoutException("Connect timed out"), "127.0.0.1", 25, 60_000));
            assertTrue(d.ranOutOfTime(connect));
            assertEquals("no connection to the SMTP server within 60 s (mail.timeoutSeconds) — check mail.host and"
                    + " mail.port and that the SMTP server is up and reachable from here",
                    d.noAnswer(connect).getMessage());
            jakarta.mail.MessagingException read = new jakarta.mail.MessagingException("Exception reading response",
                    new java.net.SocketTimeoutException("Read timed out"));
            assertTrue(d.ranOutOfTime(read));
            assertTrue(d.noAnswer(read).getMessage().startsWith("no answer from the SMTP server within 60 s"),
                    d.noAnswer(read).getMessage());
            jakarta.mail.MessagingException refused = new org.eclipse.angus.mail.util.MailConnectException(
                    new org.eclipse.angus.mail.util.SocketConnectException("Connection refused",
                            new java.net.ConnectException("Connection refused"), "127.0.0.1", 25, 60_000));
            assertFalse(d.ranOutOfTime(refused), "refused at once: no timeout");
        }
    }

    /**
     * A port whose accept queue is full (a server that no longer accepts, as a firewall dropping the SYN): the connect
     * waits out the bound, the reason says so and names the keys, and the pass ends there.
     */
    @Test
    void aConnectThatNeverCompletesEndsThePassAfterOneAttempt() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    queued.add(s);
                    s.connect(full.getLocalSocketAddress(), 500);
                }
            } catch (IOException expected) {
                // the queue is full: the next SYN is dropped
            }
            Notifier n = notifier(ScheduleFixture.mail(full.getLocalPort(), 0), "full");
            assertEquals(new Outbox.Result(0, 1), assertTimeoutPreemptively(BOUND, () -> n.flush()));
            List<OutboxStore.Entry> pending = outbox.list(false, 10);
            assertEquals(List.of(1, 0), pending.stream().map(OutboxStore.Entry::attempts).sorted(
                    java.util.Comparator.reverseOrder()).toList(), "the second waits, untried: " + pending);
            assertEquals("SmtpTimeoutException: no connection to the SMTP server within " + TIMEOUT_SECONDS
                    + " s (mail.timeoutSeconds) — check mail.host and mail.port and that the SMTP server is up and"
                    + " reachable from here", pending.get(0).attempts() == 1 ? pending.get(0).lastError()
                    : pending.get(1).lastError());
            for (Socket s : queued) {
                s.close();
            }
        }
    }

    /**
     * The server accepted both messages but does not answer QUIT (a proxy holds it): the attempt is a delivery, so the
     * notices are SENT and not sent again by the next pass.
     */
    @Test
    void aQuitTheServerDoesNotAnswerAfterItAcceptedTheMessageIsNoFailure() throws Exception {
        int port = startGreenMail(ServerSetup.PROTOCOL_SMTP);
        try (QuitHoldingProxy quitHeld = new QuitHoldingProxy(port)) {
            Notifier n = notifier(ScheduleFixture.mail(quitHeld.port(), 0), "quit");
            assertEquals(new Outbox.Result(2, 0), assertTimeoutPreemptively(BOUND.multipliedBy(2), () -> n.flush()));
            assertEquals(2, smtp.getReceivedMessages().length);
            assertEquals(List.of(), outbox.list(false, 10), "nothing left to send again");
        }
    }

    /** A TCP proxy in front of the SMTP server that passes everything on, except QUIT: it holds that, unanswered. */
    private static final class QuitHoldingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        QuitHoldingProxy(int upstreamPort) throws IOException {
            daemon(() -> {
                while (!server.isClosed()) {
                    Socket client = server.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                    sockets.addAll(List.of(client, upstream));
                    daemon(() -> upstream.getInputStream().transferTo(client.getOutputStream()));
                    daemon(() -> {
                        byte[] buf = new byte[64 * 1024];
                        int len;
                        while ((len = client.getInputStream().read(buf)) > 0
                                && !new String(buf, 0, len, java.nio.charset.StandardCharsets.US_ASCII)
                                .equalsIgnoreCase("QUIT\r\n")) {
                            upstream.getOutputStream().write(buf, 0, len);
                        }
                    });
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private interface Io {
            void run() throws IOException;
        }

        private static void daemon(Io io) {
            Thread t = new Thread(() -> {
                try {
                    io.run();
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /**
     * GreenMail has no STARTTLS, so this takes the session's factories and does what Jakarta Mail's STARTTLS does
     * with them (SocketFetcher: a TCP socket from {@code mail.smtp.socketFactory}, then TLS layered over it by
     * {@code mail.smtp.ssl.socketFactory}): the handshake checks the certificate against mail.trustStore as before,
     * and a server that never answers it is cut off by the deadline.
     */
    @Test
    void starttlsLayersTlsOverTheBoundedSocketAndKeepsTheTrustStore() throws Exception {
        TestDirectory.Tls tls = Smtp.tls();
        trustStore = tls.trustStore();
        String yaml = smtps(1).replace("security: smtps", "security: starttls");
        Mailer mailer = new Mailer(ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                yaml, null)), new Secrets(Map.of("KCD_TEST_SMTP_TRUSTSTORE_PASSWORD", tls.password())),
                Clock.systemUTC());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(tls.keyStore())) {
            ks.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, tls.password().toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);
        try (ServerSocket answering = server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             SmtpDeadline deadline = new SmtpDeadline(TIMEOUT_SECONDS)) {
            Properties p = mailer.session(deadline).getProperties();
            assertEquals("true", p.get("mail.smtp.starttls.enable"));
            assertEquals("true", p.get("mail.smtp.starttls.required"));
            assertEquals("true", p.get("mail.smtp.ssl.checkserveridentity"));
            assertEquals("false", p.get("mail.smtp.socketFactory.fallback"));
            Thread accept = new Thread(() -> {
                try (SSLSocket s = (SSLSocket) answering.accept()) {
                    s.startHandshake();
                } catch (IOException ignored) {
                    // the client's assertions say what went wrong
                }
            });
            accept.start();
            try (SSLSocket trusted = startTls(p, answering.getLocalPort())) {
                trusted.startHandshake();
                assertEquals("CN=dc1.contoso.test", trusted.getSession().getPeerPrincipal().getName());
            }
            accept.join();

            SSLSocket unanswered = startTls(p, silent.getLocalPort());
            long start = System.nanoTime();
            assertTimeoutPreemptively(BOUND, () -> assertThrows(IOException.class, unanswered::startHandshake));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(deadline.ranOutOfTime(new jakarta.mail.MessagingException()),
                    "failed after " + took + ", before the bound");
            assertTrue(deadline.noAnswer(new jakarta.mail.MessagingException()).getMessage()
                    .startsWith("no answer from the SMTP server within 3 s"), "the deadline cut the connection off");
        }
    }

    /** As Jakarta Mail's STARTTLS: connect a socket of {@code mail.smtp.socketFactory}, layer TLS over it. */
    private static SSLSocket startTls(Properties p, int port) throws IOException {
        Socket tcp = ((SocketFactory) p.get("mail.smtp.socketFactory")).createSocket();
        tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return (SSLSocket) ((SSLSocketFactory) p.get("mail.smtp.ssl.socketFactory")).createSocket(tcp, "127.0.0.1",
                port, true);
    }

    /**
     * One pass of the outbox (a daemon's tick) with both notices due waits one bound, not one per notice: the server
     * did not answer in time, so the second waits for the next pass, untried.
     */
    private void assertBoundedAndQueued(String mailYaml) throws Exception {
        Notifier n = notifier(mailYaml, "trickled");
        long start = System.nanoTime();
        Outbox.Result r = assertTimeoutPreemptively(BOUND, () -> n.flush(),
                "one pass must end within " + BOUND.toSeconds() + " s");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(new Outbox.Result(0, 1), r);
        assertTrue(took.compareTo(Duration.ofSeconds(TIMEOUT_SECONDS - 1)) >= 0, "not before the bound: " + took);
        assertEquals(0, smtp.getReceivedMessages().length);
        List<OutboxStore.Entry> pending = outbox.list(false, 10);
        assertEquals(2, pending.size(), "both notices kept for the next attempt");
        OutboxStore.Entry tried = pending.stream().filter(e -> e.attempts() == 1).findFirst().orElseThrow();
        assertEquals("SmtpTimeoutException: no answer from the SMTP server within " + TIMEOUT_SECONDS
                + " s (mail.timeoutSeconds): it answers too slowly or stopped answering — check the SMTP server's"
                + " load and the network, or raise mail.timeoutSeconds", tried.lastError());
        assertTrue(pending.stream().anyMatch(e -> e.attempts() == 0 && e.lastError() == null), "untried: " + pending);
    }

    private Outbox outbox;

    private Notifier notifier(String mailYaml, String runId) throws Exception {
        Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD,
                "KCD_TEST_SMTP_TRUSTSTORE_PASSWORD", "changeit");
        AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir.resolve(runId), "ldap://127.0.0.1:1", null,
                null, mailYaml.replace("timeoutSeconds: 3", "timeoutSeconds: " + TIMEOUT_SECONDS), null));
        outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMinutes(1), "test");
        Notifier n = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
        n.queue("monthly-report", ScheduleConfig.Notify.ALWAYS, new FindingsDocument(1, runId, Instant.now(),
                Instant.now(), new FindingsDocument.Directory("ldaps://dc1.contoso.com:636", "DC=contoso,DC=com"),
                null, null, List.of(), List.of(), List.of(), null), null);
        return n;
    }

    private Path trustStore;

    private int startGreenMail(String protocol) throws Exception {
        if (protocol.equals(ServerSetup.PROTOCOL_SMTPS)) {
            TestDirectory.Tls tls = Smtp.tls();
            assertEquals("changeit", tls.password());
            trustStore = tls.trustStore();
        }
        int port = ScheduleFixture.freePort();
        smtp = new GreenMail(Smtp.on(port, protocol));
        smtp.setUser(ScheduleFixture.FROM, ScheduleFixture.FROM, ScheduleFixture.SMTP_PASSWORD);
        smtp.start();
        return port;
    }

    private String smtps(int port) {
        return ScheduleFixture.mail(port, 0).replace("security: none", "security: smtps") + "  trustStore: "
                + trustStore + "\n  trustStorePasswordEnv: KCD_TEST_SMTP_TRUSTSTORE_PASSWORD\n";
    }
}
