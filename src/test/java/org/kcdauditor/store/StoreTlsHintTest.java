package org.kcdauditor.store;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A PostgreSQL store kcd-audit reaches with a verified certificate (sslmode=verify-full) whose server does not give
 * one: the line says what to do about the TLS, not to check that the server runs.
 */
class StoreTlsHintTest {
    @Test
    void aServerWithoutTlsUnderVerifyFullGetsTheTlsHint() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.readNBytes(8); // the driver's SSLRequest
                    out.write('N'); // no TLS here
                    out.flush();
                    in.read();
                } catch (Exception ignored) {
                    // the driver hangs up
                }
            });
            answer.setDaemon(true);
            answer.start();
            String url = "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/kcd?sslmode=verify-full";
            StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url, "kcd", "x".toCharArray()));
            assertTrue(e.getMessage().contains("sslmode=verify-full") && e.getMessage().contains("?sslmode=disable on a"
                    + " network you trust"), e.getMessage());
            assertFalse(e.getMessage().contains("check that the database server is running"), e.getMessage());
        }
    }
}
