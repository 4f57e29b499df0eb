package org.kcdauditor.notify;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An SMTP server that repeats what the client sent in its refusal (as sendmail does for a command it does not know,
 * {@code 500 5.5.1 Command unrecognized: "…"}, and some relays and proxies do for a refused login) must not bring the
 * mail password into the outbox, its listing or the daemon's log: AUTH LOGIN sends the password Base64-encoded on a
 * line of its own, AUTH PLAIN inside its one argument. GreenMail answers a refused login without repeating it, so this
 * server is a few lines of SMTP on a loopback socket.
 */
class EchoedCredentialsTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"LOGIN", "PLAIN"})
    void aServerRepeatingTheCredentialsInItsRefusalDoesNotPutThePasswordIntoTheOutbox(String mechanism)
            throws Exception {
        try (EchoingSmtp server = new EchoingSmtp(mechanism, null)) {
            Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                    ScheduleFixture.mail(server.port(), 0), null));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMinutes(1), "test");
            Notifier n = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
            n.queue("monthly-report", ScheduleConfig.Notify.ALWAYS, new FindingsDocument(1, "echoed", Instant.now(),
                    Instant.now(), new FindingsDocument.Directory("ldaps://dc1.contoso.com:636", "DC=contoso,DC=com"),
                    null, null, List.of(), List.of(), List.of(), null), null);

            assertEquals(0, n.flush().sent());

            List<String> errors = outbox.list(false, 10).stream().map(OutboxStore.Entry::lastError).toList();
            assertTrue(server.echoed(), "the server repeated what it was sent: " + errors);
            for (String error : errors) {
                assertTrue(error.startsWith("AuthenticationFailedException: 535 5.7.8") && error.endsWith(" — check"
                        + " mail.username and the password (mail.passwordEnv or mail.passwordFile)"), error);
                for (String secret : SENT) {
                    assertFalse(error.contains(secret), "the password, as sent, is in the outbox: " + error);
                }
            }
        }
    }

    /**
     * A server that takes the notice for one recipient and refuses another at RCPT TO, repeating the login in its
     * refusal, for good ({@code 550}: the notice is sent, and the row keeps who was refused and why) or for now
     * ({@code 450}: tried again for that address): the reply goes into the outbox row and the log like a failed
     * attempt's, without the password. The refusal for good was stored and logged as the server said it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"550 5.1.1", "450 4.2.2"})
    void aServerRepeatingTheCredentialsInARecipientsRefusalDoesNotPutThePasswordIntoTheOutbox(String refusal)
            throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                Outbox.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
                new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try (EchoingSmtp server = new EchoingSmtp("PLAIN", refusal)) {
            Map<String, String> env = Map.of(ScheduleFixture.SMTP_ENV, ScheduleFixture.SMTP_PASSWORD);
            AuditConfig cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null,
                    ScheduleFixture.mail(server.port(), 0).replace("to: [" + ScheduleFixture.TEAM + "]",
                            "to: [" + ScheduleFixture.TEAM + ", " + ABSENT + "]"), null));
            Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofMinutes(1), "test");
            Notifier n = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox);
            n.queue("monthly-report", ScheduleConfig.Notify.ALWAYS, new FindingsDocument(1, "echoed", Instant.now(),
                    Instant.now(), new FindingsDocument.Directory("ldaps://dc1.contoso.com:636", "DC=contoso,DC=com"),
                    null, null, List.of(), List.of(), List.of(), null), null);
            n.flush();

            assertTrue(server.echoed(), "the server refused the recipient repeating the login");
            OutboxStore.Entry team = outbox.list(true, 10).stream().filter(e -> e.recipients().contains(ABSENT)
                    || e.lastError() != null && e.lastError().contains(ABSENT)).findFirst().orElseThrow();
            String row = team.lastError();
            assertTrue(row.contains("sent to " + ScheduleFixture.TEAM) && row.contains(ABSENT + " (" + refusal),
                    "the row says who has the notice and who was refused: " + row);
            List<String> said = new java.util.ArrayList<>(List.of(row));
            logged.list.forEach(e -> said.add(e.getFormattedMessage()));
            for (String text : said) {
                for (String secret : SENT) {
                    assertFalse(text.contains(secret), "the password, as sent, is in the outbox or the log: " + text);
                }
            }
        } finally {
            log.detachAppender(logged);
        }
    }

    /** A recipient the server refuses. */
    private static final String ABSENT = "gone@contoso.com";
    /** The password as a login sends it: as it is, AUTH LOGIN's Base64 line, AUTH PLAIN's argument (two forms). */
    private static final List<String> SENT = List.of(ScheduleFixture.SMTP_PASSWORD, b64(ScheduleFixture.SMTP_PASSWORD),
            b64("\0" + ScheduleFixture.FROM + "\0" + ScheduleFixture.SMTP_PASSWORD),
            b64(ScheduleFixture.FROM + "\0" + ScheduleFixture.FROM + "\0" + ScheduleFixture.SMTP_PASSWORD));

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Offers only {@code mechanism} and, without {@code refusal}, refuses every login with {@code 535}, repeating the
     * lines the login sent (for AUTH LOGIN the Base64 user name and password, for AUTH PLAIN its argument); with
     * {@code refusal} (a reply code), takes the login and the message for {@link ScheduleFixture#TEAM} and refuses
     * every other recipient with that code, repeating the login's lines and the password they hold.
     */
    private static final class EchoingSmtp implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        private final String mechanism;
        private final String refusal;
        private volatile boolean echoed;

        EchoingSmtp(String mechanism, String refusal) throws IOException {
            this.mechanism = mechanism;
            this.refusal = refusal;
            Thread t = new Thread(this::serve, "echoing-smtp");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        boolean echoed() {
            return echoed;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.US_ASCII));
                    OutputStream out = s.getOutputStream();
                    say(out, "220 echo.test ESMTP");
                    String login = "";
                    for (String line; (line = in.readLine()) != null; ) {
                        String upper = line.toUpperCase(java.util.Locale.ROOT);
                        if (upper.startsWith("EHLO") || upper.startsWith("HELO")) {
                            say(out, "250-echo.test\r\n250 AUTH " + mechanism);
                        } else if (refusal != null && upper.startsWith("AUTH PLAIN")) {
                            login = line.length() > "AUTH PLAIN ".length() ? line : line + " " + reply(in, out);
                            say(out, "235 2.7.0 accepted");
                        } else if (refusal != null && (upper.startsWith("MAIL FROM") || upper.startsWith("RSET"))) {
                            say(out, "250 2.1.0 ok");
                        } else if (refusal != null && upper.startsWith("RCPT TO")) {
                            if (upper.contains(ScheduleFixture.TEAM.toUpperCase(java.util.Locale.ROOT))) {
                                say(out, "250 2.1.5 ok");
                            } else {
                                echoed = true;
                                String pw = new String(Base64.getDecoder().decode(login.substring(login.lastIndexOf(' ')
                                        + 1)), StandardCharsets.UTF_8);
                                say(out, refusal + " " + line.substring("RCPT TO:".length()) + " refused for the"
                                        + " session of " + login + " (" + pw.substring(pw.lastIndexOf('\0') + 1) + ")");
                            }
                        } else if (refusal != null && upper.equals("DATA")) {
                            say(out, "354 go ahead");
                            for (String data; (data = in.readLine()) != null && !data.equals("."); ) {
                                // the message: taken
                            }
                            say(out, "250 2.0.0 queued");
                        } else if (upper.equals("AUTH LOGIN")) {
                            say(out, "334 VXNlcm5hbWU6");
                            String user = in.readLine();
                            say(out, "334 UGFzc3dvcmQ6");
                            String password = in.readLine();
                            echoed = true;
                            say(out, "535 5.7.8 authentication failed for " + user + " with " + password);
                        } else if (upper.startsWith("AUTH PLAIN")) {
                            String argument = line.length() > "AUTH PLAIN ".length() ? line : line + " " + reply(in,
                                    out);
                            echoed = true;
                            say(out, "535 5.7.8 authentication failed: " + argument);
                        } else if (upper.startsWith("QUIT")) {
                            say(out, "221 bye");
                            break;
                        } else {
                            say(out, "500 5.5.1 Command unrecognized: \"" + line + "\"");
                        }
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            }
        }

        /** AUTH PLAIN without its argument: ask for it, as servers do, and read it. */
        private static String reply(BufferedReader in, OutputStream out) throws IOException {
            say(out, "334 ");
            return in.readLine();
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
