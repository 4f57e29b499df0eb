package org.kcdauditor.io;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Another {@link SSLSocketFactory}'s sockets, unchanged (its trust managers, so its certificate checks, stay as they
 * are), each passed to {@link #made} before it is returned: for a bound on the connection that the library making the
 * sockets does not offer.
 */
public abstract class WrappedSSLSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    protected WrappedSSLSocketFactory(SSLSocketFactory delegate) {
        this.delegate = delegate;
    }

    /** The wrapped factory, for a subclass that layers TLS differently. */
    protected final SSLSocketFactory delegate() {
        return delegate;
    }

    /** Each socket made, before it is returned. */
    protected abstract Socket made(Socket s) throws IOException;

    @Override
    public Socket createSocket() throws IOException {
        return made(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return made(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return made(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return made(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return made(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return made(delegate.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }
}
