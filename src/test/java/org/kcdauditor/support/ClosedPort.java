package org.kcdauditor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port where nothing listens and nothing else can: a TCP socket bound to it and never listening, kept for
 * the test JVM's life, so a connection is refused. Taking a free port and closing it let another server bind it
 * meanwhile (the history store's H2 TCP server took one once, and the LDAP "refused" port answered).
 */
public final class ClosedPort {
    private static final List<Socket> HELD = new ArrayList<>();

    private ClosedPort() {
    }

    /** A port on 127.0.0.1 that refuses connections while the tests run. */
    public static synchronized int refusing() {
        try {
            Socket s = new Socket();
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            HELD.add(s);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
