package org.kcdauditor.support;

import com.icegreen.greenmail.util.ServerSetup;

/** GreenMail server setups for the tests: loopback only, and time for the server thread on a loaded machine. */
public final class Smtp {
    private Smtp() {
    }

    /**
     * A GreenMail server on 127.0.0.1:{@code port} speaking {@code protocol} ({@link ServerSetup#PROTOCOL_SMTP},
     * {@link ServerSetup#PROTOCOL_SMTPS}). GreenMail gives its server thread 2 s to start by default, which a
     * 2-core machine running other builds misses now and then.
     */
    public static ServerSetup on(int port, String protocol) {
        ServerSetup s = new ServerSetup(port, "127.0.0.1", protocol);
        s.setServerStartupTimeout(30_000);
        return s;
    }
}
