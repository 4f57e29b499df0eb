package org.kcdauditor.notify;

import jakarta.mail.MessagingException;
import org.kcdauditor.io.Causes;
import org.kcdauditor.io.DeadlineTimer;
import org.kcdauditor.io.WrappedSSLSocketFactory;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The wall-clock bound on one delivery attempt: connect, TLS and the whole SMTP dialogue within
 * {@code mail.timeoutSeconds}. Jakarta Mail's read timeout alone is no bound: it restarts with every packet, so a
 * server (or a proxy) that answers a few bytes a second never trips it. Jakarta Mail makes its sockets through the
 * factories {@link #plain} and {@link #tls} wrap, so a timer can close them when the bound passes, whatever the
 * server is still sending: the blocked read or write fails at once (closing the TCP socket ends a TLS session
 * layered on it too), and {@link #noAnswer} says why.
 */
final class SmtpDeadline implements AutoCloseable {
    /** The timer that closes the sockets of attempts that ran out of time (one daemon thread for the JVM). */
    private static final ScheduledThreadPoolExecutor TIMER = DeadlineTimer.named("kcd-smtp-deadline");

    private final int seconds;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final ScheduledFuture<?> timer;
    private volatile boolean passed;
    /** Whether the timer closed a socket that had a connection: a connect that fails on its own is no slow server. */
    private volatile boolean cut;

    /** Starts the bound of one attempt now. */
    SmtpDeadline(int seconds) {
        this.seconds = seconds;
        this.timer = TIMER.schedule(this::pass, seconds, TimeUnit.SECONDS);
    }

    private void pass() {
        passed = true;
        for (Socket s : sockets) {
            cutOff(s);
        }
    }

    /** A socket of this attempt: closed when the bound passes, or at once if it has passed already. */
    private Socket track(Socket s) {
        sockets.add(s);
        if (passed) {
            cutOff(s);
        }
        return s;
    }

    private void cutOff(Socket s) {
        if (s.isConnected()) {
            cut = true;
        }
        try {
            s.close();
        } catch (IOException e) {
            // closed already: the attempt fails all the same
        }
    }

    /**
     * Whether {@code e} ended the attempt on {@code mail.timeoutSeconds}: the bound passed, or Jakarta Mail's own
     * connect or read timeout (the same value) came first, as it may by a few milliseconds.
     */
    boolean ranOutOfTime(MessagingException e) {
        return passed || Causes.has(e, java.net.SocketTimeoutException.class);
    }

    /**
     * The failure of an attempt that ran out of time: one line that says what to check — the server, when the bound
     * cut a connection off (or Jakarta Mail's read timeout ended it), or the address, when there was none yet (the
     * connect never completed).
     */
    SmtpTimeoutException noAnswer(MessagingException e) {
        boolean connected = passed ? cut : !Causes.has(e, org.eclipse.angus.mail.util.MailConnectException.class);
        SmtpTimeoutException m = new SmtpTimeoutException(connected
                ? "no answer from the SMTP server within " + seconds + " s (mail.timeoutSeconds): it answers too slowly"
                        + " or stopped answering — check the SMTP server's load and the network, or raise"
                        + " mail.timeoutSeconds"
                : "no connection to the SMTP server within " + seconds + " s (mail.timeoutSeconds) — check mail.host"
                        + " and mail.port and that the SMTP server is up and reachable from here");
        m.addSuppressed(e);
        return m;
    }

    /** An attempt the server did not complete within {@code mail.timeoutSeconds}: the next would wait as long. */
    static final class SmtpTimeoutException extends MessagingException {
        SmtpTimeoutException(String message) {
            super(message);
        }
    }

    /**
     * Jakarta Mail's TCP sockets ({@code mail.smtp.socketFactory}): the plain sockets it makes itself without a
     * factory, closed when the bound passes. Jakarta Mail asks for unconnected ones and connects them (with its
     * connect timeout); the other methods connect one of those the same way.
     */
    SocketFactory plain() {
        return new SocketFactory() {
            @Override
            public Socket createSocket() {
                return track(new Socket());
            }

            @Override
            public Socket createSocket(String host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(String host, int port, InetAddress localHost, int localPort)
                    throws IOException {
                return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
            }

            @Override
            public Socket createSocket(InetAddress host, int port) throws IOException {
                return connected(new InetSocketAddress(host, port), null);
            }

            @Override
            public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                    throws IOException {
                return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
            }

            private Socket connected(InetSocketAddress to, InetSocketAddress from) throws IOException {
                Socket s = createSocket();
                if (from != null) {
                    s.bind(from);
                }
                s.connect(to);
                return s;
            }
        };
    }

    /**
     * Jakarta Mail's TLS ({@code mail.smtp[s].ssl.socketFactory}): {@code delegate}'s sockets, with its trust
     * managers, unchanged. SMTPS and STARTTLS both connect a plain socket and layer TLS over it through
     * {@link SSLSocketFactory#createSocket(Socket, String, int, boolean)}; that plain socket is closed when the bound
     * passes, which ends the handshake or the session over it.
     */
    SSLSocketFactory tls(SSLSocketFactory delegate) {
        return new WrappedSSLSocketFactory(delegate) {
            @Override
            protected Socket made(Socket s) {
                return track(s);
            }

            @Override
            public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
                // the plain socket, not the TLS one: closing that may wait for the thread it is meant to free
                return delegate().createSocket(track(s), host, port, autoClose);
            }
        };
    }

    /** Ends the bound: the attempt is over. */
    @Override
    public void close() {
        timer.cancel(false);
    }
}
