package org.kcdauditor.directory;

import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Values;

import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * The trust manager of a connection to a DC, remembering the certificate chain it refused: the JDK's words for that
 * ("PKIX path building failed", "Signature does not match", "Path does not chain with any of the trust anchors") name
 * neither the CA to import nor the trust store to import it into, which is what the admin needs to know.
 */
final class RefusedChain implements X509TrustManager {
    private final X509TrustManager trust;
    /** The trust store file, or null for the Java trust store. */
    private final Path store;
    /** The certificates the trust store holds. */
    private final List<X509Certificate> held;
    private volatile X509Certificate[] refused;
    private volatile CertificateException reason;

    RefusedChain(X509TrustManager trust, Path store, List<X509Certificate> held) {
        this.trust = trust;
        this.store = store;
        this.held = List.copyOf(held);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        try {
            trust.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            refused = chain == null ? null : chain.clone();
            reason = e;
            throw e;
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

    /**
     * What to say when the handshake failed because the DC's chain was refused for its issuer or for the dates of one
     * of its certificates (expired, not yet valid), or null when no chain was refused, or it was refused because the
     * trust store could not be read (a wrong password), which the connection's other messages say.
     *
     * @param key the key path of the directory's settings: {@code directory} or {@code directories.<name>}
     */
    String describe(String where, String key) {
        X509Certificate[] chain = refused;
        if (chain == null || chain.length == 0) {
            return null;
        }
        String holder = store == null ? "the Java trust store" : key + ".trustStore (" + store + ")";
        if (outOfDates(reason)) {
            return dates(where, chain, held, holder);
        }
        if (notForTheIssuer(reason)) {
            return null;
        }
        X500Principal issuer = chain[chain.length - 1].getIssuerX500Principal();
        // the names come from the server: shown as they are, on one line
        String issued = where + ": TLS failed: the DC's certificate ("
                + Values.visible(chain[0].getSubjectX500Principal().getName()) + ") was issued by "
                + (chain.length > 1 ? "a CA under " : "") + Values.visible(issuer.getName());
        String fix = store == null
                ? "set " + key + ".trustStore to a PKCS#12 or JKS file holding that CA's certificate"
                : "import that CA's certificate into it";
        boolean sameName = held.stream().anyMatch(c -> c.getSubjectX500Principal().equals(issuer));
        if (sameName) {
            return issued + "; " + holder + " holds a certificate of that name, but not the one that signed it (a CA"
                    + " renewed with a new key, or a certificate made again) — " + (store == null ? fix
                    : "import the CA's current certificate into it") + " (docs/install.md, \"TLS trust\")";
        }
        return issued + ", a CA that " + holder + " does not hold — " + fix + " (docs/install.md, \"TLS trust\")";
    }

    /**
     * Which certificate of {@code chain} is out of its dates now, as the check that refused it found, and what to do:
     * the JDK says only "NotAfter: Sun Nov 29 16:48:30 UTC 2026"; else the CA certificate the trust store holds (the
     * chain's anchor, which the DC need not send) that issued one of the chain's and is out of its dates, with no
     * certificate of its name and key in its dates beside it. Null when none is.
     */
    private static String dates(String where, X509Certificate[] chain, List<X509Certificate> held, String holder) {
        java.util.Date now = new java.util.Date();
        for (int i = 0; i < chain.length; i++) {
            X509Certificate c = chain[i];
            String whose = (i == 0 ? "the DC's certificate (" : "the certificate of the CA in the DC's chain (")
                    + Values.visible(c.getSubjectX500Principal().getName()) + ")";
            if (now.after(c.getNotAfter())) {
                return where + ": TLS failed: " + whose + " expired on " + UtcTime.of(c.getNotAfter().toInstant())
                        + " — " + (i == 0 ? "renew it on the DC (AD CS autoenrollment, or certlm.msc on the DC)"
                        : "renew that CA's certificate, then the DC's") + ", or check this machine's clock";
            }
            if (now.before(c.getNotBefore())) {
                return where + ": TLS failed: " + whose + " is valid only from "
                        + UtcTime.of(c.getNotBefore().toInstant()) + " — check this machine's clock (and the DC's)";
            }
        }
        X509Certificate[] trusted = held.toArray(X509Certificate[]::new);
        for (X509Certificate c : chain) {
            for (X509Certificate ca : held) {
                if (ca.getSubjectX500Principal().equals(c.getIssuerX500Principal())
                        && !org.kcdauditor.io.CaCertificateFiles.inDatesAsHeld(ca, trusted)) {
                    String whose = "the certificate of the CA (" + Values.visible(ca.getSubjectX500Principal().getName())
                            + ") that " + holder + " holds";
                    return now.after(ca.getNotAfter()) ? where + ": TLS failed: " + whose + " expired on "
                            + UtcTime.of(ca.getNotAfter().toInstant()) + " — import that CA's renewed certificate into"
                            + " it (docs/install.md, \"TLS trust\"), or check this machine's clock"
                            : where + ": TLS failed: " + whose + " is valid only from "
                            + UtcTime.of(ca.getNotBefore().toInstant()) + " — check this machine's clock";
                }
            }
        }
        return null;
    }

    private static boolean outOfDates(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.security.cert.CertificateExpiredException
                    || t instanceof java.security.cert.CertificateNotYetValidException) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("expired") || m.contains("not yet valid") || m.contains("not become valid")) {
                return true;
            }
        }
        return false;
    }

    private static boolean notForTheIssuer(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("trust store") || m.contains("keystore")) {
                return true;
            }
        }
        return false;
    }
}
