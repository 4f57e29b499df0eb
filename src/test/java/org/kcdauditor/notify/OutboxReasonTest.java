package org.kcdauditor.notify;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.eclipse.angus.mail.util.SocketConnectException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reason of a failed send, as the outbox listing and the daemon's log show it: one line that says what to check. */
class OutboxReasonTest {

    @Test
    void aRefusedConnectionNamesTheKeysToCheck() {
        MessagingException e = new MailConnectException(new SocketConnectException("Connection refused",
                new ConnectException("Connection refused"), "127.0.0.1", 2525, 30000));
        String reason = Outbox.oneLine(e);
        assertTrue(reason.startsWith("MailConnectException: Couldn't connect to host, port: 127.0.0.1, 2525;")
                && reason.contains("Connection refused") && reason.endsWith(" — check mail.host and mail.port and"
                + " that the SMTP server is up and reachable from here") && reason.lines().count() == 1, reason);
    }

    @Test
    void aRefusedLoginNamesTheCredentials() {
        assertEquals("AuthenticationFailedException: 535 5.7.8 Authentication credentials invalid — check"
                + " mail.username and the password (mail.passwordEnv or mail.passwordFile)",
                Outbox.oneLine(new AuthenticationFailedException("535 5.7.8 Authentication credentials invalid")));
    }

    /** A chain that comes back on itself (a → b → a, which initCause allows) is joined once through, not for ever. */
    @Test
    void aCauseChainThatComesBackOnItselfIsJoinedOnce() {
        SocketException reset = new SocketException("Connection reset");
        ConnectException refused = new ConnectException("Connection refused");
        reset.initCause(refused);
        refused.initCause(reset);
        MessagingException e = new MessagingException("Exception reading response", reset);
        assertEquals("MessagingException: Exception reading response: Connection reset: Connection refused — check"
                + " mail.host and mail.port and that the SMTP server is up and reachable from here",
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Outbox.oneLine(e)));
    }
}
