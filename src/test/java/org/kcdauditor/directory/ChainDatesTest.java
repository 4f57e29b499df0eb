package org.kcdauditor.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.io.CaCertificateFiles;

import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.kcdauditor.support.TestDirectory.keytool;

/**
 * The dates checked are those of the certificates the validated chain uses. Every certificate the server sent had its
 * dates checked before the JDK built the chain, so a server still sending an expired certificate the chain does not
 * need (its CA's previous certificate cross-signed by an old root, as the long Let's Encrypt chain after 2024-09-30,
 * or an AD CS chain carrying the CA's expired certificate) was refused, while the CA the trust store holds, which the
 * chain ends at and whose dates the JDK leaves alone, was not checked when the server did not send it.
 */
class ChainDatesTest {
    private static final String PW = "changeit";

    @TempDir
    Path dir;

    /** A key pair in its own PKCS#12 file, self-signed, valid from {@code start} for {@code days}. */
    private Path keyPair(String alias, String dname, String start, int days, boolean ca) throws Exception {
        Path ks = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", String.valueOf(days),
                "-startdate", start, "-dname", dname, "-keystore", ks.toString(), "-storetype", "PKCS12",
                "-storepass", PW, "-keypass", PW, "-ext", ca ? "bc:c" : "bc=ca:false");
        return ks;
    }

    private X509Certificate selfSigned(Path ks, String alias) throws Exception {
        Path crt = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", ks.toString(), "-storepass", PW, "-file", crt.toString());
        return CaCertificateFiles.read(crt).get(0);
    }

    /** {@code subject}'s key certified by {@code issuer}, valid from {@code start} for {@code days}. */
    private X509Certificate signed(Path subject, String subjectAlias, Path issuer, String issuerAlias, String start,
                                   int days, String ext) throws Exception {
        Path csr = dir.resolve(subjectAlias + "-by-" + issuerAlias + ".csr");
        Path crt = dir.resolve(subjectAlias + "-by-" + issuerAlias + ".crt");
        keytool("-certreq", "-alias", subjectAlias, "-keystore", subject.toString(), "-storepass", PW, "-file",
                csr.toString());
        keytool("-gencert", "-alias", issuerAlias, "-keystore", issuer.toString(), "-storepass", PW, "-infile",
                csr.toString(), "-outfile", crt.toString(), "-startdate", start, "-validity", String.valueOf(days),
                "-ext", ext);
        return CaCertificateFiles.read(crt).get(0);
    }

    @Test
    void anExpiredCrossSignedCertificateTheChainDoesNotNeedIsNoReasonToRefuseIt() throws Exception {
        Path root = keyPair("root", "CN=Contoso Test Root", "-20d", 60, true);
        Path old = keyPair("old", "CN=Contoso Old Root", "-400d", 300, true);
        Path dc = keyPair("dc", "CN=dc1.contoso.test", "-1d", 2, false);
        X509Certificate rootCert = selfSigned(root, "root");
        X509Certificate crossSigned = signed(root, "root", old, "old", "-300d", 200, "bc:c");
        X509Certificate leaf = signed(dc, "dc", root, "root", "-1d", 30, "san=dns:dc1.contoso.test");
        var trust = CaCertificateFiles.trustManager(List.of(rootCert));
        assertDoesNotThrow(() -> trust.checkServerTrusted(new X509Certificate[]{leaf, crossSigned}, "RSA"));
        assertDoesNotThrow(() -> trust.checkServerTrusted(new X509Certificate[]{leaf}, "RSA"));
    }

    @Test
    void anExpiredCaTheChainEndsAtIsRefusedAlsoWhenTheServerDoesNotSendIt() throws Exception {
        Path root = keyPair("root", "CN=Contoso Test Root", "-400d", 300, true);
        Path dc = keyPair("dc", "CN=dc1.contoso.test", "-1d", 2, false);
        X509Certificate rootCert = selfSigned(root, "root");
        X509Certificate leaf = signed(dc, "dc", root, "root", "-1d", 30, "san=dns:dc1.contoso.test");
        var trust = CaCertificateFiles.trustManager(List.of(rootCert));
        assertThrows(CertificateExpiredException.class,
                () -> trust.checkServerTrusted(new X509Certificate[]{leaf}, "RSA"));
        assertThrows(CertificateExpiredException.class,
                () -> trust.checkServerTrusted(new X509Certificate[]{leaf, rootCert}, "RSA"));
        // the run names the CA the trust store holds, which the DC did not send
        Path cer = dir.resolve("ad-ca.cer");
        java.nio.file.Files.write(cer, rootCert.getEncoded());
        RefusedChain refused = new RefusedChain(trust, cer, List.of(rootCert));
        assertThrows(CertificateExpiredException.class,
                () -> refused.checkServerTrusted(new X509Certificate[]{leaf}, "RSA"));
        assertEquals("ldaps://dc1.contoso.test:636: TLS failed: the certificate of the CA (CN=Contoso Test Root) that"
                + " directory.trustStore (" + cer + ") holds expired on "
                + org.kcdauditor.model.UtcTime.of(rootCert.getNotAfter().toInstant()) + " — import that CA's renewed"
                + " certificate into it (docs/install.md, \"TLS trust\"), or check this machine's clock",
                refused.describe("ldaps://dc1.contoso.test:636", "directory"));
    }

    @Test
    void anExpiredSelfSignedCertificateTheTrustStoreHoldsIsStillRefused() throws Exception {
        Path dc = keyPair("dc", "CN=dc1.contoso.test", "-10d", 2, false);
        X509Certificate cert = selfSigned(dc, "dc");
        var trust = CaCertificateFiles.trustManager(List.of(cert));
        assertThrows(CertificateExpiredException.class,
                () -> trust.checkServerTrusted(new X509Certificate[]{cert}, "RSA"));
    }
}
