package org.kcdauditor.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server that passes the client's bytes on at once and the
 * server's answers at a trickle: {@code chunk} bytes, then a pause of {@code pauseMillis}, as a
 * congested WAN link or an overloaded domain controller does. Every packet arrives well within any
 * socket read timeout, so only a total deadline ends the wait. {@link #cut} takes the server away (every connection
 * closed, new ones closed at once, as a server that is restarting) until {@link #restore}.
 */
public final class TricklingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final int chunk;
    private final long pauseMillis;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    public TricklingProxy(String host, int port, int chunk, long pauseMillis) throws IOException {
        this.host = host;
        this.port = port;
        this.chunk = chunk;
        this.pauseMillis = pauseMillis;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "trickling-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    public String ldapUrl() {
        return "ldap://127.0.0.1:" + port();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (down) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket(host, port);
                sockets.add(client);
                sockets.add(upstream);
                pump(client.getInputStream(), upstream.getOutputStream(), Integer.MAX_VALUE, 0);
                pump(upstream.getInputStream(), client.getOutputStream(), chunk, pauseMillis);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(InputStream in, OutputStream out, int step, long pause) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[Math.min(step, 64 * 1024)];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    if (pause > 0) {
                        Thread.sleep(pause);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // either side closed: the other goes too
            } finally {
                try {
                    in.close();
                    out.close();
                } catch (IOException ignored) {
                    // closed already
                }
            }
        }, "trickling-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Closes every connection through the proxy and refuses new ones until {@link #restore}. */
    public void cut() throws IOException {
        down = true;
        for (Socket s : sockets) {
            s.close();
        }
        sockets.clear();
    }

    /** Passes connections on again. */
    public void restore() {
        down = false;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
