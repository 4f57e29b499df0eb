package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedExtendedRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.TestDirectory.Mode;

/** The whole run against real LDAP servers (UnboundID in-memory) over the wire: paging, TLS, binds, errors. */
class LdapEndToEndTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD,
            "TRUST_PW", "changeit");

    @TempDir
    static Path shared;
    static TestDirectory.Tls tls;
    static InMemoryDirectoryServer plain;

    @TempDir
    Path tmp;

    @BeforeAll
    static void servers() throws Exception {
        tls = TestDirectory.generateTls(shared);
        plain = TestDirectory.start(Mode.PLAIN, null, 10);
        TestDirectory.addCluster(plain, NODES);
        TestDirectory.addWorkstations(plain, 57);
    }

    @AfterAll
    static void stop() {
        plain.shutDown(true);
    }

    private String plainUrl() {
        return "ldap://127.0.0.1:" + plain.getListenPort();
    }

    private CliRun run(Path config, String... extra) {
        List<String> args = new ArrayList<>(List.of("run", "--config", config.toString(), "--out",
                tmp.resolve("out").toString(), "--formats", "json"));
        args.addAll(List.of(extra));
        return CliRun.run(ENV, args.toArray(String[]::new));
    }

    /**
     * A named pipe as directory.keytab or directory.krb5Conf is refused in one line before it is opened: both passed
     * the "readable" check, and the keytab's first bytes (or the JVM's Kerberos reading krb5.conf) waited for a writer
     * for ever.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "keytab, the keytab file ktpass /out or samba-tool domain exportkeytab wrote",
            "krb5Conf, the krb5.conf file"})
    void aNamedPipeAsAKerberosFileIsRefusedWithoutWaiting(String key, String file) throws Exception {
        Path pipe = tmp.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        Path cfg = Files.writeString(tmp.resolve("kcd-audit.yaml"), """
                directory:
                  url: %s
                  auth: gssapi
                  principal: svc-kcdaudit@CONTOSO.COM
                  %s: pipe
                  baseDn: %s
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                store:
                  url: jdbc:h2:file:data/history
                """.formatted(plainUrl(), key, TestDirectory.BASE));
        CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> run(cfg));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": directory." + key + ": " + pipe + ": a named pipe or a device, not a file:"
                + " give " + file, r.err().strip());
    }

    @Test
    void serverCapsUnpagedSearchesLikeAd() {
        // The premise of the paging test: this server returns at most 10 entries per search.
        LDAPSearchException e = assertThrows(LDAPSearchException.class, () -> {
            try (LDAPConnection c = new LDAPConnection("127.0.0.1", plain.getListenPort(), TestDirectory.BIND_DN,
                    TestDirectory.PASSWORD)) {
                c.search(TestDirectory.BASE, SearchScope.SUB, DirectoryCollector.FILTER);
            }
        });
        assertEquals(ResultCode.SIZE_LIMIT_EXCEEDED, e.getResultCode());
    }

    @Test
    void pageSizeTwoOverASizeLimitedServerStillYieldsEveryEntry() throws Exception {
        Path cfg = TestDirectory.config(tmp, plainUrl(), NODES, "allowInsecureBind: true", "pageSize: 2");
        CliRun r = run(cfg);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Read 60 directory objects"), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(3, doc.path("summary").path("hosts").asInt());
        assertEquals(100.0, doc.path("summary").path("compliancePercent").asDouble());
        assertEquals(0, doc.path("findings").size());
    }

    @Test
    void aPageLargerThanTheServersSizeLimitFailsNamingTheEntriesItSent() throws Exception {
        Path cfg = TestDirectory.config(tmp, plainUrl(), NODES, "allowInsecureBind: true", "pageSize: 500");
        CliRun r = run(cfg);
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("the server stopped after 10 entries (size limit) although paging was requested;"
                + " lower directory.pageSize"), r.err());
    }

    @Test
    void ldapsWithTheCaInATrustStoreWorks() throws Exception {
        ldapsReadsEveryNodeAt("127.0.0.1");
    }

    /** An LDAPS server whose CA is in the trust store, reached at {@code ldaps://<host>:<port>}, gives every node. */
    private void ldapsReadsEveryNodeAt(String host) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, tls, 0);
        try {
            TestDirectory.addCluster(ds, NODES);
            Path cfg = TestDirectory.config(tmp, "ldaps://" + host + ":" + ds.getListenPort(), NODES,
                    "trustStore: " + tls.trustStore(), "trustStorePasswordEnv: TRUST_PW");
            CliRun r = run(cfg);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(3, CliRun.findings(tmp.resolve("out")).path("hosts").size());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * The AD CS root as Windows exports it (Export-Certificate, certutil -ca.cert: a DER .cer; the MMC's "Base-64
     * encoded X.509 (.CER)" with CRLF line ends) or as a Linux CA bundle (PEM, several certificates) is a trust store
     * as it is, without a password and without keytool. It was refused: "directory.trustStore is not a PKCS#12 or JKS
     * key store".
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"root.cer", "root-base64.cer", "bundle.pem", "root.crt"})
    void aCaCertificateFileIsATrustStore(String name) throws Exception {
        byte[] der = Files.readAllBytes(tls.trustStore().resolveSibling("server.crt"));
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test",
                "CN=Fabrikam Root CA");
        Path file = tmp.resolve(name);
        switch (name) {
            case "root-base64.cer" -> Files.writeString(file, pem(der, "\r\n"));
            case "bundle.pem" -> Files.writeString(file, pem(Files.readAllBytes(other.trustStore()
                    .resolveSibling("server.crt")), "\n") + pem(der, "\n"));
            default -> Files.write(file, der);
        }
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, tls, 0);
        try {
            TestDirectory.addCluster(ds, NODES);
            Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + ds.getListenPort(), NODES,
                    "trustStore: " + name);
            CliRun r = run(cfg);
            assertEquals(0, r.exitCode(), r.toString());
            assertEquals(3, CliRun.findings(tmp.resolve("out")).path("hosts").size());
        } finally {
            ds.shutDown(true);
        }
    }

    /** A certificate file that holds another CA only names the file and the issuer, as a key store does. */
    @Test
    void aCaCertificateFileOfAnotherCaNamesTheFileAndTheIssuer() throws Exception {
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test",
                "CN=Fabrikam Root CA");
        Path file = Files.writeString(tmp.resolve("fabrikam.pem"), pem(Files.readAllBytes(other.trustStore()
                .resolveSibling("server.crt")), "\r\n"));
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by CN=dc1.contoso.test, a CA"
                + " that directory.trustStore (" + file + ") does not hold — import that CA's"
                + " certificate into it (docs/install.md, \"TLS trust\")", untrustedLine(file));
    }

    /** A .cer that holds no certificate (a text file saved under that name) is one line naming the file. */
    @Test
    void aCertificateFileWithoutACertificateIsAConfigurationError() throws Exception {
        Path file = Files.writeString(tmp.resolve("root.cer"), "not a certificate\r\n");
        Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:1", NODES, "trustStore: root.cer");
        CliRun r = run(cfg);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + cfg + ": directory.trustStore: " + file + " holds no X.509 certificate (DER or Base64/PEM)"
                + " — export the CA that signed the DC's certificate again (docs/install.md, \"TLS trust\")",
                r.err().strip());
    }

    /**
     * A DC whose certificate has expired, its CA in the trust store: one line saying which certificate expired when,
     * and what to do. It said "TLS failed: NotAfter: Sun Nov 29 16:48:30 UTC 2026 — set directory.trustStore to a
     * PKCS#12 or JKS file holding the CA that signed the DC's certificate", advice about a trust store that was set
     * and held that CA.
     */
    @Test
    void anExpiredCertificateSaysWhichAndWhen() throws Exception {
        TestDirectory.Tls expired = TestDirectory.generateTls(tmp.resolve("expired"), "ip:127.0.0.1,dns:localhost",
                "CN=dc1.contoso.test", "-10d");
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert
                .CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(expired.trustStore()
                        .resolveSibling("server.crt")));
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) expired on "
                + org.kcdauditor.model.UtcTime.of(cert.getNotAfter().toInstant()) + " — renew it on the DC (AD CS"
                + " autoenrollment, or certlm.msc on the DC), or check this machine's clock",
                untrustedLine(expired, expired.trustStore()));
    }

    /**
     * An expired self-signed DC certificate given as the CA file itself is refused as it is from a key store: the
     * JDK's PKIX checks no dates of a certificate it trusts as an anchor, and the run went on with it.
     */
    @Test
    void anExpiredCertificateInACaFileIsRefusedToo() throws Exception {
        TestDirectory.Tls expired = TestDirectory.generateTls(tmp.resolve("expired"), "ip:127.0.0.1,dns:localhost",
                "CN=dc1.contoso.test", "-10d");
        Path cer = expired.trustStore().resolveSibling("server.crt");
        Path file = Files.copy(cer, tmp.resolve("dc1.cer"));
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert
                .CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(cer));
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) expired on "
                + org.kcdauditor.model.UtcTime.of(cert.getNotAfter().toInstant()) + " — renew it on the DC (AD CS"
                + " autoenrollment, or certlm.msc on the DC), or check this machine's clock",
                untrustedLine(expired, file));
    }

    /** A DC certificate not valid yet (this machine's clock behind): said so, with the time it becomes valid. */
    @Test
    void aCertificateNotYetValidSaysFromWhen() throws Exception {
        TestDirectory.Tls future = TestDirectory.generateTls(tmp.resolve("future"), "ip:127.0.0.1,dns:localhost",
                "CN=dc1.contoso.test", "+10d");
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert
                .CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(future.trustStore()
                        .resolveSibling("server.crt")));
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) is valid only from "
                + org.kcdauditor.model.UtcTime.of(cert.getNotBefore().toInstant()) + " — check this machine's clock"
                + " (and the DC's)", untrustedLine(future, future.trustStore()));
    }

    private static String pem(byte[] der, String lineEnd) {
        return "-----BEGIN CERTIFICATE-----" + lineEnd + java.util.Base64.getMimeEncoder(64, lineEnd.getBytes())
                .encodeToString(der) + lineEnd + "-----END CERTIFICATE-----" + lineEnd;
    }

    /**
     * A trailing dot makes a host name absolute (dc1.contoso.com. is dc1.contoso.com), but the certificate lists it
     * without one: the URL's host is connected to, verified and named for Kerberos without it. Before, the run failed
     * with "the expected hostname 'dc1.contoso.com.' was not found in peer certificate … dnsName='dc1.contoso.com'".
     */
    @Test
    void aTrailingDotOnTheUrlsHostIsTheSameHost() throws Exception {
        ldapsReadsEveryNodeAt("localhost.");
    }

    @Test
    void aTrustStoreWhosePasswordIsNotConfiguredIsNamedAsSuch() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, tls, 0);
        try {
            Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + ds.getListenPort(), NODES,
                    "trustStore: " + tls.trustStore());
            CliRun r = run(cfg);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains("directory.trustStore: " + tls.trustStore() + " holds no certificate that can"
                    + " be read without its password — set directory.trustStorePasswordEnv or"
                    + " directory.trustStorePasswordFile"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void ldapsWithAnUntrustedCertificateFailsWithOneClearLine() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, tls, 0);
        try {
            Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + ds.getListenPort(), NODES);
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("TLS failed") && r.err().contains("trustStore"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(tmp.resolve("out").resolve("findings.json")));
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A trust store that holds another CA than the one that issued the DC's certificate: the line names the file and
     * the issuer to import into it. It said "not signed by a CA directory.trustStore (or the Java trust store) holds —
     * set directory.trustStore to …", although the key was set and the Java trust store is not read then, and named
     * neither the file nor the CA to look for.
     */
    @Test
    void aTrustStoreWithAnotherCaNamesTheFileAndTheIssuerToImport() throws Exception {
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test",
                "CN=Fabrikam Root CA");
        String line = untrustedLine(other.trustStore());
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by CN=dc1.contoso.test, a CA"
                + " that directory.trustStore (" + other.trustStore() + ") does not hold — import that CA's"
                + " certificate into it (docs/install.md, \"TLS trust\")", line);
    }

    /**
     * A trust store holding a certificate of the issuer's name with another key (the AD CS root renewed with a new key,
     * a DC's self-signed certificate made again): said as such. The line read "cannot connect (Signature does not
     * match.) — check the host name, port (636 for ldaps, 389 for ldap) and that a domain controller is reachable".
     */
    @Test
    void aTrustStoreWithTheIssuersNameButAnotherKeySaysSo() throws Exception {
        TestDirectory.Tls renewed = TestDirectory.generateTls(tmp.resolve("renewed"), "dns:dc9.contoso.test");
        String line = untrustedLine(renewed.trustStore());
        assertEquals(": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by CN=dc1.contoso.test;"
                + " directory.trustStore (" + renewed.trustStore() + ") holds a certificate of that name, but not the"
                + " one that signed it (a CA renewed with a new key, or a certificate made again) — import the CA's"
                + " current certificate into it (docs/install.md, \"TLS trust\")", line);
    }

    /**
     * The certificate's names come from the server: a line feed or a bidirectional override in them is shown as {@code
     * \\uXXXX}, so the message stays one line that reads as it is (a log line cannot be forged through it).
     */
    @Test
    void theCertificatesNamesAreShownVisibly() throws Exception {
        TestDirectory.Tls forged = TestDirectory.generateTls(tmp.resolve("forged"), "ip:127.0.0.1",
                "CN=dc1\nkcd-audit: all fine\u202E");
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test",
                "CN=Fabrikam Root CA");
        String line = untrustedLine(forged, other.trustStore());
        assertTrue(line.startsWith(": TLS failed: the DC's certificate (CN=dc1\\u000Akcd-audit: all fine\\u202E) was"
                + " issued by CN=dc1\\u000Akcd-audit: all fine\\u202E, a CA that"), line);
    }

    /** The one line of a run over ldaps:// to a DC with {@link #tls}'s certificate and {@code trustStore}, after the URL. */
    private String untrustedLine(Path trustStore) throws Exception {
        return untrustedLine(tls, trustStore);
    }

    /** The one line of a run over ldaps:// to a DC with {@code dc}'s certificate and {@code trustStore}, after the URL. */
    private String untrustedLine(TestDirectory.Tls dc, Path trustStore) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, dc, 0);
        try {
            String url = "ldaps://127.0.0.1:" + ds.getListenPort();
            Path cfg = TestDirectory.config(tmp, url, NODES, "trustStore: " + trustStore,
                    "trustStorePasswordEnv: TRUST_PW");
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().startsWith("kcd-audit: " + url + ": "), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            return r.err().strip().substring(("kcd-audit: " + url).length());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aCertificateIssuedToAnotherHostIsRefusedEvenWhenTrusted() throws Exception {
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test");
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.LDAPS, other, 0);
        try {
            // by name, which UnboundID checks (the loopback address: the test below)
            String url = "ldaps://localhost:" + ds.getListenPort();
            Path cfg = TestDirectory.config(tmp, url, NODES,
                    "trustStore: " + other.trustStore(), "trustStorePasswordEnv: TRUST_PW");
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("kcd-audit: " + url + ": TLS failed: Hostname verification failed because the expected"
                    + " hostname 'localhost' was not found in peer certificate 'subject='CN=dc1.contoso.test'"
                    + " dnsName='dc9.contoso.test'' — put a name the certificate lists into directory.url",
                    r.err().strip());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A numeric loopback URL (ldaps through stunnel or ssh -L) is checked against the certificate as any other host:
     * UnboundID's host-name check accepts any certificate for 127.0.0.1, so a trusted certificate issued to another
     * host was taken and the bind DN and password were sent to whatever answered on the forwarded port.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aCertificateIssuedToAnotherHostIsRefusedAtALoopbackAddressBeforeTheBind(boolean startTls) throws Exception {
        TestDirectory.Tls other = TestDirectory.generateTls(tmp.resolve("other"), "dns:dc9.contoso.test");
        java.util.concurrent.atomic.AtomicInteger binds = new java.util.concurrent.atomic.AtomicInteger();
        InMemoryOperationInterceptor counter = new InMemoryOperationInterceptor() {
            @Override
            public void processSimpleBindRequest(
                    com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest request) {
                binds.incrementAndGet();
            }
        };
        InMemoryDirectoryServer ds = TestDirectory.start(startTls ? Mode.STARTTLS : Mode.LDAPS, other, 0, counter);
        try {
            String url = (startTls ? "ldap" : "ldaps") + "://127.0.0.1:" + ds.getListenPort();
            Path cfg = TestDirectory.config(tmp, url, NODES, "trustStore: " + other.trustStore(),
                    "trustStorePasswordEnv: TRUST_PW", "startTls: " + startTls);
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals("kcd-audit: " + url + ": TLS failed: Hostname verification failed because the expected"
                    + " hostname '127.0.0.1' was not found in peer certificate 'subject='CN=dc1.contoso.test'"
                    + " dnsName='dc9.contoso.test'' — put a name the certificate lists into directory.url",
                    r.err().strip());
            assertEquals(0, binds.get());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void startTlsWorks() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.STARTTLS, tls, 0);
        try {
            TestDirectory.addCluster(ds, NODES);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "startTls: true",
                    "trustStore: " + tls.trustStore(), "trustStorePasswordEnv: TRUST_PW");
            CliRun r = run(cfg);
            assertEquals(0, r.exitCode(), r.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /** A run over StartTLS to {@code url} with timeoutSeconds: 60 that must fail (exit 1) well before that. */
    private CliRun startTlsFailingAtOnce(String url) throws IOException {
        Path cfg = TestDirectory.config(tmp, url, NODES, "startTls: true", "timeoutSeconds: 60");
        long start = System.nanoTime();
        CliRun r = run(cfg);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(seconds < 30, "took " + seconds + " s: " + r.err());
        return r;
    }

    /**
     * A server that answers StartTLS with an error result: Active Directory without a certificate (52, "Error
     * initializing SSL/TLS"; here an in-memory server answering as AD does), or one that has no StartTLS at all
     * (UnboundID's in-memory server without TLS: 53). The run must say at once, in one line, that the server refused
     * StartTLS, with its result code and diagnostic and what to do on the DC, not send the admin to a trust store that
     * has nothing to do with it, and never show the password.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    @org.junit.jupiter.api.Timeout(120)
    void startTlsRefusedByTheServerIsSaidAtOnceWithItsAnswer(boolean answerAsAdWithoutCertificate) throws Exception {
        String ad = "00000000: LdapErr: DSID-0C09102C, comment: Error initializing SSL/TLS, data 0, v2580";
        InMemoryDirectoryServer ds = answerAsAdWithoutCertificate
                ? TestDirectory.start(Mode.PLAIN, null, 0, new InMemoryOperationInterceptor() {
                    @Override
                    public void processExtendedRequest(InMemoryInterceptedExtendedRequest request)
                            throws LDAPException {
                        throw new LDAPException(ResultCode.UNAVAILABLE, ad);
                    }
                })
                : TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            String url = "ldap://127.0.0.1:" + ds.getListenPort();
            CliRun r = startTlsFailingAtOnce(url);
            String answer = answerAsAdWithoutCertificate ? "LDAP result 52 (unavailable): " + ad
                    : "LDAP result 53 (unwilling to perform): No extended operation handler is defined for extended"
                    + " request OID '1.3.6.1.4.1.1466.20037'.";
            assertEquals("kcd-audit: " + url + ": the server refused StartTLS (" + answer + ") — the DC has no"
                    + " certificate it can use for TLS: install a Server Authentication certificate naming the DC,"
                    + " issued by a CA the DC trusts (docs/install.md), or use ldaps:// to a server that has one",
                    r.err().strip());
            assertFalse(r.err().contains(TestDirectory.PASSWORD), r.err());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A server that answers StartTLS with an error that says nothing of TLS (busy, 51: it takes no more work now) is
     * not said to lack a certificate: the answer is named, and what to do is to try again, or ldaps://.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void startTlsAnsweredBusyIsNotSaidToLackACertificate() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, new InMemoryOperationInterceptor() {
            @Override
            public void processExtendedRequest(InMemoryInterceptedExtendedRequest request) throws LDAPException {
                throw new LDAPException(ResultCode.BUSY, "too many connections");
            }
        });
        try {
            String url = "ldap://127.0.0.1:" + ds.getListenPort();
            CliRun r = startTlsFailingAtOnce(url);
            assertEquals("kcd-audit: " + url + ": the server refused StartTLS (LDAP result 51 (busy): too many"
                    + " connections) — run again later, or use ldaps:// (port 636)", r.err().strip());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * StartTLS accepted, then a certificate the trust store does not hold: at once, one line naming the certificate
     * problem and directory.trustStore, as over ldaps://.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void startTlsWithAnUntrustedCertificateFailsAtOnceNamingTheCertificate() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.STARTTLS, tls, 0);
        try {
            String url = "ldap://127.0.0.1:" + ds.getListenPort();
            CliRun r = startTlsFailingAtOnce(url);
            assertEquals("kcd-audit: " + url + ": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by"
                    + " CN=dc1.contoso.test, a CA that the Java trust store does not hold — set directory.trustStore"
                    + " to a PKCS#12 or JKS file holding that CA's certificate (docs/install.md, \"TLS trust\")",
                    r.err().strip());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * ldaps:// to a plain LDAP port whose server hangs up on the TLS ClientHello, as OpenLDAP (and AD) on 389 do: the
     * line names the port mix-up, not a trust store the config does not even have.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void ldapsToAPlainPortThatHangsUpNamesThePortNotATrustStore() throws Exception {
        ldapsToAPlainPortNamesThePort(false);
    }

    /** The same where the server resets the connection, as Samba's LDAP port does: it said "cannot connect". */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void ldapsToAPlainPortThatResetsNamesThePort() throws Exception {
        ldapsToAPlainPortNamesThePort(true);
    }

    private void ldapsToAPlainPortNamesThePort(boolean reset) throws Exception {
        try (ServerSocket hangUp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!hangUp.isClosed()) {
                    try (Socket s = hangUp.accept()) {
                        s.getInputStream().read(new byte[512]); // the ClientHello, read as a malformed LDAP PDU
                        if (reset) {
                            s.setSoLinger(true, 0); // closed with a TCP reset
                        }
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + hangUp.getLocalPort(), NODES,
                    "timeoutSeconds: 5");
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertFalse(r.err().contains("trustStore is not"), r.err());
            assertTrue(r.err().contains("closed the connection during the TLS handshake"), r.err());
            assertTrue(r.err().contains("startTls"), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    /**
     * An output folder the account may not write (here /sys, read-only for everyone, root too) said only "cannot write
     * output: /sys/kcd-out: Operation not permitted": not what to do, nor that reports.dir of the config is the other
     * place it comes from.
     */
    @Test
    void anOutputFolderThatCannotBeWrittenSaysWhereElseToWrite() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/kernel")), "needs Linux /sys");
        Path cfg = TestDirectory.config(tmp, plainUrl(), NODES, "allowInsecureBind: true");
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", "/sys/kcd-out", "--formats", "json");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("kcd-audit: cannot write output: /sys/kcd-out: "), r.err());
        assertTrue(r.err().strip().endsWith(" — give a folder this account may write and that has free space: --out DIR,"
                + " or reports.dir in " + cfg), r.err());
    }

    @Test
    void plainSimpleBindIsRefusedWithoutAllowInsecureBind() throws Exception {
        CliRun r = run(TestDirectory.config(tmp, plainUrl(), NODES));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("directory.allowInsecureBind"), r.err());
    }

    @Test
    void wrongPasswordExitsOneWithAClearLine() throws Exception {
        Path cfg = TestDirectory.config(tmp, plainUrl(), NODES, "allowInsecureBind: true");
        CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", "wrong-password"), "run", "--config", cfg.toString(),
                "--out", tmp.resolve("out").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("bind as " + TestDirectory.BIND_DN + " refused"), r.err());
        // the admin is told which password was sent: the variable (or file) the config names
        assertTrue(r.err().contains("check directory.bindDn and the password in TEST_LDAP_PASSWORD"
                + " (directory.passwordEnv)"), r.err());
        assertFalse(r.err().contains("wrong-password"));
    }

    /** A file that is no keytab (a text export, a base64 copy) is named as such, not as "holds no key for …". */
    @Test
    void aKeytabThatIsNoKeytabIsAConfigurationError() throws Exception {
        Path keytab = Files.writeString(tmp.resolve("svc.keytab"), "BQIAAABHAAIADENPTlRPU08uVEVTVAAM\n");
        Path cfg = Files.writeString(tmp.resolve("kcd-audit.yaml"), "directory:\n  url: " + plainUrl()
                + "\n  auth: gssapi\n  principal: svc-kcdaudit@CONTOSO.COM\n  keytab: svc.keytab\n  baseDn: "
                + TestDirectory.BASE + "\n  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n    nodes: ["
                + String.join(", ", NODES) + "]\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
        CliRun r = CliRun.run(Map.of(), "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("directory.keytab: " + keytab + " is not a Kerberos keytab"), r.err());
    }

    @Test
    void adBindSubStatusCodesAreExplained() {
        LDAPException e = bindFailure(ResultCode.INVALID_CREDENTIALS,
                "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 775, v4563");
        assertTrue(bindMessage("ldaps://dc1", "svc", e).contains("account locked out (AD data 775)"));
        LDAPException wrong = bindFailure(ResultCode.INVALID_CREDENTIALS,
                "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 52e, v4563");
        // 0x52E is ERROR_LOGON_FAILURE, "the user name or password is incorrect": AD (and Samba) give it for a name
        // that matches no account as well
        assertTrue(bindMessage("ldaps://dc1", "svc", wrong).contains("wrong password or unknown account name (AD data"
                + " 52e)"), bindMessage("ldaps://dc1", "svc", wrong));
        LDAPException strong = bindFailure(ResultCode.STRONG_AUTH_REQUIRED,
                "BindSimple: Transport encryption required.");
        assertTrue(bindMessage("ldap://dc1", "svc", strong).contains("requires TLS or signing for binds"
                + " (LDAP result 8, strong auth required)"), bindMessage("ldap://dc1", "svc", strong));
    }

    /**
     * A bind refused for the account (password expired, must change at first logon, locked out) names where the
     * password comes from once, in words: the line read "put the password in the password in TEST_LDAP_PASSWORD
     * (directory.passwordEnv)" before, and so for a password file.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "532|passwordEnv: TEST_LDAP_PASSWORD|put it in TEST_LDAP_PASSWORD (directory.passwordEnv), and give",
            "773|passwordEnv: TEST_LDAP_PASSWORD|and put the password in TEST_LDAP_PASSWORD (directory.passwordEnv)",
            "775|passwordEnv: TEST_LDAP_PASSWORD|with an old password in TEST_LDAP_PASSWORD (directory.passwordEnv)"
                    + " does",
            "773|passwordFile: ldap.pass|and put the password in {dir}/ldap.pass (directory.passwordFile)"})
    void anAccountRefusalNamesThePasswordSourceOnce(String data, String source, String expected) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0, new InMemoryOperationInterceptor() {
            @Override
            public void processSimpleBindRequest(
                    com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest request)
                    throws LDAPException {
                throw new LDAPException(ResultCode.INVALID_CREDENTIALS,
                        "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data " + data
                                + ", v4563");
            }
        });
        try {
            Files.writeString(tmp.resolve("ldap.pass"), TestDirectory.PASSWORD + "\n");
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES,
                    "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg).replace("passwordEnv: TEST_LDAP_PASSWORD", source));
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(expected.replace("{dir}", tmp.toString())), r.err());
            assertFalse(r.err().contains("the password in the password"), r.err());
            assertFalse(r.err().contains(TestDirectory.PASSWORD), r.err());
        } finally {
            ds.shutDown(true);
        }
    }

    /** The message of a refused bind to the only directory, its password from an environment variable. */
    private static String bindMessage(String where, String who, LDAPException e) {
        return LdapConnector.describeBind(where, who, e, "directory", "TEST_LDAP_PASSWORD (directory.passwordEnv)");
    }

    private static LDAPException bindFailure(ResultCode rc, String diagnostic) {
        return new LDAPException(new LDAPResult(1, rc, diagnostic, null, (String[]) null, null));
    }

    @Test
    void nothingListeningExitsOneQuickly() throws Exception {
        int port;
        port = org.kcdauditor.support.ClosedPort.refusing();
        CliRun r = run(TestDirectory.config(tmp, "ldap://127.0.0.1:" + port, NODES, "allowInsecureBind: true"));
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("cannot connect"), r.err());
    }

    /** Accepts one connection on {@code silent} and holds it for {@code millis} without a byte (daemon thread). */
    private static void holdOneConnection(ServerSocket silent, long millis) {
        Thread acceptor = new Thread(() -> {
            try (Socket ignored = silent.accept()) {
                Thread.sleep(millis);
            } catch (Exception done) {
                // closed by the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Test
    void aServerThatNeverAnswersExitsOneWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            holdOneConnection(silent, 20_000);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + silent.getLocalPort(), NODES,
                    "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg).replace("timeoutSeconds: 5", "timeoutSeconds: 1"));
            long start = System.nanoTime();
            CliRun r = run(cfg);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, r.exitCode(), r.toString());
            // the silent server holds the connection for 20 s: well under that means the 1 s timeout worked
            assertTrue(seconds < 10, "took " + seconds + " s");
            assertTrue(r.err().contains("timeout") || r.err().contains("no answer"), r.err());
        }
    }

    /**
     * ldaps:// to a port that accepts the connection and never answers the TLS handshake (a port that is no LDAPS
     * port, a load balancer or firewall holding the connection): the SDK's connect timeout ends with the TCP connect,
     * so the handshake must be bounded by directory.timeoutSeconds too, not wait for ever.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anLdapsPortThatNeverAnswersTheHandshakeExitsOneWithinTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            holdOneConnection(silent, 40_000);
            Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + silent.getLocalPort(), NODES,
                    "timeoutSeconds: 1");
            long start = System.nanoTime();
            CliRun r = run(cfg);
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(seconds < 10, "took " + seconds + " s");
            assertTrue(r.err().contains("directory.timeoutSeconds (1 s)"), r.err());
            assertTrue(r.err().contains("636"), "names the LDAPS port: " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        }
    }

    /**
     * ldaps:// to a port whose connect times out (nothing answers the SYN: here a listener whose accept queue is
     * full, as a firewall that drops it) is no TLS matter: it must not be told as "the port accepted the connection
     * but did not answer TLS", but as for ldap://.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anLdapsConnectThatTimesOutIsNotCalledAHandshakeProblem() throws Exception {
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            boolean timedOut = false;
            try {
                for (int i = 0; i < 10 && !timedOut; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(),
                                full.getLocalPort()), 300);
                        held.add(s);
                    } catch (java.net.SocketTimeoutException e) {
                        s.close();
                        timedOut = true;
                    }
                }
                org.junit.jupiter.api.Assumptions.assumeTrue(timedOut, "this system does not drop a SYN to a full"
                        + " accept queue");
                Path cfg = TestDirectory.config(tmp, "ldaps://127.0.0.1:" + full.getLocalPort(), NODES,
                        "timeoutSeconds: 1");
                CliRun r = run(cfg);
                assertEquals(1, r.exitCode(), r.toString());
                assertFalse(r.err().contains("accepted the connection"), r.err());
                assertFalse(r.err().contains("no TLS handshake"), r.err());
                assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    /**
     * A filter-shaped node name is no host name: refused when the config loads, before the directory is read (nodes are
     * matched in memory and never entered a filter either); a node that names no computer matches nothing.
     */
    @Test
    void aFilterShapedNodeNameIsRefusedAndAMissingNodeMatchesNothing() throws Exception {
        Path cfg = TestDirectory.config(tmp, plainUrl(), List.of("\"*)(cn=*\""), "allowInsecureBind: true",
                "pageSize: 5");
        CliRun refused = run(cfg);
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("clusters[0].nodes[0]: '*)(cn=*' is not a host name (it holds '*')"),
                refused.err());
        assertFalse(Files.exists(tmp.resolve("out").resolve("findings.json")), "nothing read, nothing written");
        cfg = TestDirectory.config(tmp, plainUrl(), List.of("HV99"), "allowInsecureBind: true", "pageSize: 5");
        CliRun r = run(cfg);
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(0, doc.path("hosts").size());
        List<JsonNode> findings = StreamSupport.stream(doc.path("findings").spliterator(), false).toList();
        assertEquals(1, findings.size());
        assertEquals("HOST_NOT_FOUND", findings.get(0).path("rule").asText());
        assertEquals("HV99", findings.get(0).path("host").asText());
        // nothing was checked: the headline does not say every pair is fine, and names what keeps the cluster NO-GO
        String headline = org.kcdauditor.report.ReportView.of(org.kcdauditor.report.FindingsJson.read(tmp.resolve("out")
                .resolve("findings.json"))).headline();
        assertTrue(headline.endsWith("no host pair could be checked. NO-GO for an open HIGH finding: a configured"
                + " host has no computer object — 1 HOST_NOT_FOUND finding (HV99). No scripted change to Active"
                + " Directory."), headline);
    }

    @Test
    void thePasswordNeverAppearsInAnyOutputEvenVerbose() throws Exception {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true);
        System.setOut(capture);
        System.setErr(capture);
        try {
            Path cfg = TestDirectory.config(tmp, plainUrl(), NODES, "allowInsecureBind: true", "pageSize: 5");
            CliRun ok = run(cfg, "--verbose", "--timings");
            CliRun bad = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD + "x"), "run", "--verbose",
                    "--config", cfg.toString(), "--out", tmp.resolve("bad").toString());
            assertEquals(0, ok.exitCode(), ok.toString());
            assertEquals(1, bad.exitCode(), bad.toString());
            String all = ok + bad.toString() + captured + Files.readString(tmp.resolve("out/findings.json"));
            assertFalse(all.contains(TestDirectory.PASSWORD), "password leaked");
            assertTrue(bad.err().contains("refused"), bad.err());
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
    }
}
