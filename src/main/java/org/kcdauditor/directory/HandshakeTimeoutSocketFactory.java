package org.kcdauditor.directory;

import org.kcdauditor.io.WrappedSSLSocketFactory;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.Socket;

/**
 * The TLS sockets of an {@code ldaps://} connection with a read timeout from the start. The SDK's connect timeout
 * ends with the TCP connect and it runs the TLS handshake after it with no timeout at all, so a port that accepts
 * the connection and never answers the handshake (a port that is no LDAPS port, a load balancer or firewall that
 * holds connections) would keep a run waiting for ever, whatever {@code directory.timeoutSeconds} says. With
 * SO_TIMEOUT set on the socket before it connects, each read of the handshake gives up after that long; the SDK
 * sets the connection's own SO_TIMEOUT once it is established.
 */
final class HandshakeTimeoutSocketFactory extends WrappedSSLSocketFactory {
    private final int timeoutMillis;
    /** The sockets made (by the SDK's connect thread), to tell a handshake that timed out from a TCP connect. */
    private final java.util.List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    HandshakeTimeoutSocketFactory(SSLSocketFactory delegate, int timeoutMillis) {
        super(delegate);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected Socket made(Socket s) throws IOException {
        s.setSoTimeout(timeoutMillis);
        sockets.add(s);
        return s;
    }

    /**
     * Whether one of its sockets got as far as a TCP connection: a timeout after that is the TLS handshake's; before
     * it (a port behind a firewall that drops the SYN) the connect's, which is no TLS matter.
     */
    boolean connected() {
        return sockets.stream().anyMatch(Socket::isConnected);
    }
}
