package org.kcdauditor.support;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.ServerSetup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** GreenMail server setups for the tests: loopback only, and time for the server thread on a loaded machine. */
public final class Smtp {
    private static TestDirectory.Tls tls;

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

    /**
     * The certificate of GreenMail's SMTPS servers (SAN IP:127.0.0.1) and the trust store holding it. GreenMail reads
     * its key store once per JVM (a static holder), so every test that starts an SMTPS server shares this one: a key
     * store generated per test would be ignored after the first and its trust store would not match.
     */
    public static synchronized TestDirectory.Tls tls() throws IOException, InterruptedException {
        if (tls == null) {
            Path dir = Files.createTempDirectory("kcd-smtp-tls");
            tls = TestDirectory.generateTls(dir);
            System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, tls.keyStore().toString());
            System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, tls.password());
        }
        return tls;
    }
}
