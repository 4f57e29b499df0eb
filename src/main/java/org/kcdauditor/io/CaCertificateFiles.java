package org.kcdauditor.io;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A CA's certificate file given as a trust store: what Windows exports (Export-Certificate and certutil -ca.cert write
 * DER; the MMC's "Base-64 encoded X.509 (.CER)" is PEM with CRLF line ends) and a Linux CA bundle (several PEM
 * certificates). The JDK's certificate factory reads all of these; no password, no keytool.
 */
public final class CaCertificateFiles {
    private CaCertificateFiles() {
    }

    /** Whether {@code file} is named as a certificate file ({@code .cer}, {@code .crt}, {@code .pem}, {@code .der}). */
    public static boolean named(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".cer") || name.endsWith(".crt") || name.endsWith(".pem") || name.endsWith(".der");
    }

    /** The X.509 certificates {@code file} holds; empty when it holds none (a text file, a key store). */
    public static List<X509Certificate> read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> held = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                if (c instanceof X509Certificate x) {
                    held.add(x);
                }
            }
            return held;
        } catch (CertificateException e) {
            return List.of();
        }
    }

    /**
     * The JDK's PKIX trust manager trusting {@code cas} as its anchors (an empty in-memory PKCS#12 key store and the
     * default trust manager factory, which every JDK has), {@link #checkingDates checking the dates} of every
     * certificate of a chain.
     */
    public static X509TrustManager trustManager(List<X509Certificate> cas) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                ks.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return checkingDates(x);
                }
            }
            throw new IllegalStateException("the JDK's trust manager factory made no X.509 trust manager");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an in-memory trust store", e);
        }
    }

    /**
     * {@code trust}, refusing a chain any of whose certificates is out of its dates ({@link
     * java.security.cert.CertificateExpiredException}, {@link java.security.cert.CertificateNotYetValidException}):
     * the JDK's PKIX checks no dates of a certificate it trusts as an anchor, so an expired self-signed server
     * certificate held in the trust store itself was accepted, where UnboundID's trust store manager refuses it.
     */
    public static X509TrustManager checkingDates(X509TrustManager trust) {
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (chain != null) {
                    for (X509Certificate c : chain) {
                        c.checkValidity();
                    }
                }
                trust.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkClientTrusted(chain, authType);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return trust.getAcceptedIssuers();
            }
        };
    }
}
