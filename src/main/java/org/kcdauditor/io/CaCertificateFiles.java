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
     * {@code trust}, refusing a chain it accepts when the server's own certificate or a certificate the validated chain
     * uses is out of its dates ({@link java.security.cert.CertificateExpiredException}, {@link
     * java.security.cert.CertificateNotYetValidException}): the JDK's PKIX checks no dates of a certificate it trusts
     * as an anchor, so an expired self-signed server certificate held in the trust store itself was accepted, where
     * UnboundID's trust store manager refuses it, and so was an expired CA the chain ends at. A certificate the server
     * sends that the chain does not use (an old cross-signed or expired CA certificate) is not checked: the JDK
     * builds the chain without it.
     */
    public static X509TrustManager checkingDates(X509TrustManager trust) {
        return new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                trust.checkServerTrusted(chain, authType);
                if (chain != null && chain.length > 0) {
                    chain[0].checkValidity();
                    X509Certificate anchor = anchor(chain, trust.getAcceptedIssuers());
                    if (anchor != null && !inDatesAsHeld(anchor, trust.getAcceptedIssuers())) {
                        anchor.checkValidity();
                    }
                }
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

    /**
     * The trusted certificate the JDK's PKIX builds {@code chain} up to (its intermediates' dates checked on the way),
     * or null when the server's own certificate is trusted itself or no chain is built (the trust manager accepted it
     * by its own rules).
     */
    private static X509Certificate anchor(X509Certificate[] chain, X509Certificate[] trusted) {
        java.util.Set<java.security.cert.TrustAnchor> anchors = new java.util.HashSet<>();
        for (X509Certificate t : trusted) {
            if (t.equals(chain[0])) {
                return null;
            }
            anchors.add(new java.security.cert.TrustAnchor(t, null));
        }
        try {
            java.security.cert.X509CertSelector target = new java.security.cert.X509CertSelector();
            target.setCertificate(chain[0]);
            java.security.cert.PKIXBuilderParameters params = new java.security.cert.PKIXBuilderParameters(anchors,
                    target);
            params.setRevocationEnabled(false);
            params.addCertStore(java.security.cert.CertStore.getInstance("Collection",
                    new java.security.cert.CollectionCertStoreParameters(List.of(chain))));
            return ((java.security.cert.PKIXCertPathBuilderResult) java.security.cert.CertPathBuilder
                    .getInstance("PKIX").build(params)).getTrustAnchor().getTrustedCert();
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    /**
     * Whether the trust store holds a certificate of {@code anchor}'s name and key that is in its dates: a CA's
     * renewed certificate beside its expired one, either of which the chain may end at.
     */
    public static boolean inDatesAsHeld(X509Certificate anchor, X509Certificate[] trusted) {
        for (X509Certificate t : trusted) {
            if (t.getSubjectX500Principal().equals(anchor.getSubjectX500Principal())
                    && t.getPublicKey().equals(anchor.getPublicKey())) {
                try {
                    t.checkValidity();
                    return true;
                } catch (CertificateException e) {
                    // this one is out of its dates: another may not be
                }
            }
        }
        return false;
    }
}
