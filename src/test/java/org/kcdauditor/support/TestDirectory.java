package org.kcdauditor.support;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.util.ssl.KeyStoreKeyManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustAllTrustManager;
import org.kcdauditor.directory.Sids;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Real LDAP servers for tests: UnboundID's in-memory directory on 127.0.0.1, plain, LDAPS or
 * StartTLS, holding AD-shaped computer objects. TLS material comes from the JDK's keytool.
 */
public final class TestDirectory {
    public static final String BASE = "DC=contoso,DC=com";
    public static final String BIND_DN = "CN=svc-kcdaudit,CN=Users,DC=contoso,DC=com";
    public static final String PASSWORD = "S3cr3t-Pa55w0rd-Never-Logged";

    private TestDirectory() {
    }

    public enum Mode { PLAIN, LDAPS, STARTTLS }

    /** keytool-generated server key pair with SAN IP:127.0.0.1 and a PKCS#12 trust store holding its cert. */
    public record Tls(Path keyStore, Path trustStore, String password) {
    }

    public static Tls generateTls(Path dir) throws IOException, InterruptedException {
        return generateTls(dir, "ip:127.0.0.1,dns:localhost");
    }

    /** @param san the subjectAltName entries in keytool's form, e.g. {@code ip:127.0.0.1,dns:localhost} */
    public static Tls generateTls(Path dir, String san) throws IOException, InterruptedException {
        return generateTls(dir, san, "CN=dc1.contoso.test");
    }

    /** @param subject the self-signed certificate's subject (and so its issuer), e.g. {@code CN=dc1.contoso.test} */
    public static Tls generateTls(Path dir, String san, String subject) throws IOException, InterruptedException {
        return generateTls(dir, san, subject, null);
    }

    /** @param startDate keytool's {@code -startdate} (e.g. {@code -10d}: valid from 10 days ago, for 2 days), or null */
    public static Tls generateTls(Path dir, String san, String subject, String startDate)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path ks = dir.resolve("server.p12");
        Path cert = dir.resolve("server.crt");
        Path ts = dir.resolve("dc-ca.p12");
        String pw = "changeit";
        List<String> gen = new ArrayList<>(List.of("-genkeypair", "-alias", "dc", "-keyalg", "RSA", "-keysize", "2048",
                "-validity", "2", "-dname", subject, "-ext", "san=" + san,
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", pw, "-keypass", pw));
        if (startDate != null) {
            gen.addAll(List.of("-startdate", startDate));
        }
        keytool(gen.toArray(String[]::new));
        keytool("-exportcert", "-alias", "dc", "-keystore", ks.toString(), "-storepass", pw, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "dc-ca", "-file", cert.toString(), "-keystore", ts.toString(),
                "-storetype", "PKCS12", "-storepass", pw);
        return new Tls(ks, ts, pw);
    }

    /**
     * A server key pair whose certificate (SAN {@code ip:127.0.0.1,dns:localhost}) a CA of its own signed, valid from
     * {@code startDate} (keytool's {@code -startdate}, e.g. {@code -10d}: expired) for 2 days; the trust store holds
     * the CA only, as one holding an AD CS root does.
     */
    public static Tls generateCaSignedTls(Path dir, String startDate) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String pw = "changeit";
        Path ca = dir.resolve("ca.p12");
        Path caCert = dir.resolve("ca.crt");
        Path ks = dir.resolve("server.p12");
        Path csr = dir.resolve("server.csr");
        Path signed = dir.resolve("server.crt");
        Path ts = dir.resolve("dc-ca.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                "-startdate", "-20d", "-dname", "CN=Contoso Test Root", "-ext", "bc:c", "-keystore", ca.toString(),
                "-storetype", "PKCS12", "-storepass", pw, "-keypass", pw);
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-file",
                caCert.toString());
        keytool("-genkeypair", "-alias", "dc", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=dc1.contoso.test",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", pw, "-keypass", pw);
        keytool("-certreq", "-alias", "dc", "-keystore", ks.toString(), "-storepass", pw, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-infile", csr.toString(),
                "-outfile", signed.toString(), "-startdate", startDate, "-validity", "2",
                "-ext", "san=ip:127.0.0.1,dns:localhost");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", ks.toString(),
                "-storepass", pw);
        keytool("-importcert", "-noprompt", "-alias", "dc", "-file", signed.toString(), "-keystore", ks.toString(),
                "-storepass", pw);
        keytool("-importcert", "-noprompt", "-alias", "dc-ca", "-file", caCert.toString(), "-keystore", ts.toString(),
                "-storetype", "PKCS12", "-storepass", pw);
        return new Tls(ks, ts, pw);
    }

    public static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    /** @param interceptors installed in order, e.g. {@link AdRangedRetrieval} to answer like AD */
    public static InMemoryDirectoryServer start(Mode mode, Tls tls, int maxSizeLimit,
                                                InMemoryOperationInterceptor... interceptors) throws Exception {
        return start(mode, tls, maxSizeLimit, List.of(), interceptors);
    }

    /**
     * @param rootDse attributes the root DSE answers with besides UnboundID's own, e.g. AD's
     *                {@code dnsHostName}, {@code defaultNamingContext}, {@code supportedCapabilities}
     */
    public static InMemoryDirectoryServer start(Mode mode, Tls tls, int maxSizeLimit, List<Attribute> rootDse,
                                                InMemoryOperationInterceptor... interceptors) throws Exception {
        return start(BASE, mode, tls, maxSizeLimit, rootDse, interceptors);
    }

    /** A plain server for another domain ({@code DC=fabrikam,DC=com}), answering as {@code dnsHostName}. */
    public static InMemoryDirectoryServer startDomain(String base, String dnsHostName) throws Exception {
        return start(base, Mode.PLAIN, null, 0, dnsHostName == null ? List.of()
                : List.of(new Attribute("dnsHostName", dnsHostName), new Attribute("defaultNamingContext", base)));
    }

    /**
     * {@link #startDomain(String, String)} whose root DSE names a configuration partition whose crossRef gives the
     * domain's NetBIOS name {@code netbios}, as AD and Samba do.
     */
    public static InMemoryDirectoryServer startDomain(String base, String dnsHostName, String netbios)
            throws Exception {
        String configuration = "CN=Configuration," + base;
        InMemoryDirectoryServer ds = start(base, Mode.PLAIN, null, 0, List.of(new Attribute("dnsHostName",
                dnsHostName), new Attribute("defaultNamingContext", base), new Attribute("configurationNamingContext",
                configuration)));
        ds.add(new Entry("dn: " + configuration, "objectClass: container", "cn: Configuration"));
        ds.add(new Entry("dn: CN=Partitions," + configuration, "objectClass: crossRefContainer", "cn: Partitions"));
        ds.add(new Entry("dn: CN=" + netbios + ",CN=Partitions," + configuration, "objectClass: crossRef",
                "cn: " + netbios, "nCName: " + base, "nETBIOSName: " + netbios));
        return ds;
    }

    static InMemoryDirectoryServer start(String base, Mode mode, Tls tls, int maxSizeLimit, List<Attribute> rootDse,
                                         InMemoryOperationInterceptor... interceptors) throws Exception {
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(base);
        config.setSchema(null);
        config.setCustomRootDSEAttributes(rootDse);
        for (InMemoryOperationInterceptor i : interceptors) {
            config.addInMemoryOperationInterceptor(i);
        }
        config.addAdditionalBindCredentials(BIND_DN, PASSWORD);
        if (maxSizeLimit > 0) {
            config.setMaxSizeLimit(maxSizeLimit);
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        if (mode == Mode.PLAIN) {
            config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", lo, 0, null));
        } else {
            SSLUtil server = new SSLUtil(new KeyStoreKeyManager(tls.keyStore().toFile(), tls.password().toCharArray(),
                    "PKCS12", "dc"), new TrustAllTrustManager());
            config.setListenerConfigs(mode == Mode.LDAPS
                    ? InMemoryListenerConfig.createLDAPSConfig("ldaps", lo, 0, server.createSSLServerSocketFactory(),
                    null)
                    : InMemoryListenerConfig.createLDAPConfig("ldap", lo, 0, server.createSSLSocketFactory()));
        }
        InMemoryDirectoryServer ds = new InMemoryDirectoryServer(config);
        String dc = base.substring(3, base.indexOf(',') < 0 ? base.length() : base.indexOf(','));
        ds.add(new Entry("dn: " + base, "objectClass: top", "objectClass: domain", "dc: " + dc));
        ds.add(new Entry("dn: OU=Hyper-V," + base, "objectClass: organizationalUnit", "ou: Hyper-V"));
        ds.add(new Entry("dn: OU=Workstations," + base, "objectClass: organizationalUnit", "ou: Workstations"));
        ds.startListening();
        return ds;
    }

    /** Adds a healthy cluster of {@code nodes} Hyper-V hosts under OU=Hyper-V. */
    public static void addCluster(InMemoryDirectoryServer ds, List<String> nodes) throws Exception {
        addCluster(ds, BASE, Hosts.DOMAIN_SID, 2000, nodes);
    }

    /**
     * Adds a healthy cluster of {@code nodes} under OU=Hyper-V of {@code base} (its DNS names in that domain), their
     * SIDs {@code <domainSid>-<firstRid>}, {@code -<firstRid + 1>} …
     */
    public static void addCluster(InMemoryDirectoryServer ds, String base, String domainSid, int firstRid,
                                  List<String> nodes) throws Exception {
        int rid = firstRid;
        for (String n : nodes) {
            List<String> lines = new ArrayList<>(List.of("dn: CN=" + n + ",OU=Hyper-V," + base,
                    "objectClass: top", "objectClass: user", "objectClass: computer", "cn: " + n,
                    "sAMAccountName: " + n + "$", "dNSHostName: " + fqdn(n, base), "userAccountControl: 16781312",
                    "operatingSystem: Windows Server 2022 Datacenter", "operatingSystemVersion: 10.0 (20348)",
                    "whenChanged: 20261101060000.0Z", "uSNChanged: 4711", "lastLogonTimestamp: 134060000000000000"));
            for (String s : List.of("HOST", Hosts.MIG)) {
                lines.add("servicePrincipalName: " + s + "/" + n);
                lines.add("servicePrincipalName: " + s + "/" + fqdn(n, base));
            }
            for (String peer : nodes) {
                if (!peer.equals(n)) {
                    for (String s : List.of(Hosts.MIG, "cifs")) {
                        lines.add("msDS-AllowedToDelegateTo: " + s + "/" + peer);
                        lines.add("msDS-AllowedToDelegateTo: " + s + "/" + fqdn(peer, base));
                    }
                }
            }
            Entry e = new Entry(lines.toArray(String[]::new));
            e.addAttribute("objectSid", Sids.toBytes(domainSid + "-" + (rid++)));
            ds.add(e);
        }
    }

    /**
     * Adds a Windows-less SMB file server {@code name} under OU=Hyper-V (HOST SPNs for both name forms, no delegation) with
     * the objectSid {@code sid}; returns its DN.
     */
    public static String addFileServer(InMemoryDirectoryServer ds, String name, String sid) throws Exception {
        String dn = "CN=" + name + ",OU=Hyper-V," + BASE;
        Entry e = new Entry("dn: " + dn, "objectClass: top", "objectClass: computer", "cn: " + name,
                "sAMAccountName: " + name + "$", "dNSHostName: " + fqdn(name, BASE), "userAccountControl: 4096",
                "servicePrincipalName: HOST/" + name, "servicePrincipalName: HOST/" + fqdn(name, BASE));
        e.addAttribute("objectSid", Sids.toBytes(sid));
        ds.add(e);
        return dn;
    }

    /**
     * The domain object's objectSid and its Read-only Domain Controllers group (RID 521) created {@code created}
     * (generalized time): the date the audit takes for the domain's AES keys.
     */
    public static void aesKeysSince(InMemoryDirectoryServer ds, String base, String domainSid, String created)
            throws Exception {
        ds.modify(base, new com.unboundid.ldap.sdk.Modification(com.unboundid.ldap.sdk.ModificationType.ADD,
                "objectSid", Sids.toBytes(domainSid)));
        if (ds.getEntry("CN=Users," + base) == null) {
            ds.add(new Entry("dn: CN=Users," + base, "objectClass: container", "cn: Users"));
        }
        Entry g = new Entry("dn: CN=Read-only Domain Controllers,CN=Users," + base, "objectClass: group",
                "cn: Read-only Domain Controllers", "whenCreated: " + created);
        g.addAttribute("objectSid", Sids.toBytes(domainSid + "-521"));
        ds.add(g);
    }

    /** Sets {@code dn}'s pwdLastSet to {@code instant}, in 100 ns ticks since 1601 as AD stores it. */
    public static void pwdLastSet(InMemoryDirectoryServer ds, String dn, String instant) throws Exception {
        long ticks = (java.time.Instant.parse(instant).getEpochSecond() + 11_644_473_600L) * 10_000_000L;
        ds.modify(dn, new com.unboundid.ldap.sdk.Modification(com.unboundid.ldap.sdk.ModificationType.REPLACE,
                "pwdLastSet", String.valueOf(ticks)));
    }

    /** {@code hv01.contoso.com} for {@code HV01} in {@code DC=contoso,DC=com}. */
    public static String fqdn(String name, String base) {
        StringBuilder d = new StringBuilder(name.toLowerCase(Locale.ROOT));
        for (String rdn : base.split(",")) {
            if (rdn.regionMatches(true, 0, "DC=", 0, 3)) {
                d.append('.').append(rdn.substring(3).toLowerCase(Locale.ROOT));
            }
        }
        return d.toString();
    }

    /** Adds {@code count} unrelated workstations (WS00001…) under OU=Workstations. */
    public static void addWorkstations(InMemoryDirectoryServer ds, int count) throws Exception {
        for (int i = 1; i <= count; i++) {
            String n = String.format(Locale.ROOT, "WS%05d", i);
            ds.add(new Entry("dn: CN=" + n + ",OU=Workstations," + BASE, "objectClass: computer", "cn: " + n,
                    "sAMAccountName: " + n + "$", "userAccountControl: 4096", "servicePrincipalName: HOST/" + n));
        }
    }

    /** A config file for this server; {@code directoryExtra} lines go under {@code directory:}. */
    public static Path config(Path dir, String url, List<String> nodes, String... directoryExtra) throws IOException {
        StringBuilder y = new StringBuilder("directory:\n  url: " + url + "\n  bindDn: " + BIND_DN
                + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + BASE + "\n");
        if (java.util.Arrays.stream(directoryExtra).noneMatch(l -> l.startsWith("timeoutSeconds:"))) {
            y.append("  timeoutSeconds: 5\n");
        }
        for (String line : directoryExtra) {
            y.append("  ").append(line).append('\n');
        }
        y.append("clusters:\n  - name: HVC1\n    nodes: [").append(String.join(", ", nodes)).append("]\n");
        // Each test its own history store, beside its config (not the shared default in the working directory).
        y.append("store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        Path file = dir.resolve("kcd-audit.yaml");
        Files.writeString(file, y.toString());
        return file;
    }

    /**
     * What makes a DC name the writers of binary replication metadata by a forest-wide search: each node of
     * {@code nodes} with a {@code replPropertyMetaData} value, and {@code dcs} nTDSDSA objects (each with an
     * invocation id) under the sites of {@code configurationNc}.
     */
    public static void addForestDsas(InMemoryDirectoryServer ds, List<String> nodes, String configurationNc, int dcs)
            throws Exception {
        for (String n : nodes) {
            ds.modify("CN=" + n + ",OU=Hyper-V," + BASE, new com.unboundid.ldap.sdk.Modification(
                    com.unboundid.ldap.sdk.ModificationType.ADD, "replPropertyMetaData", new byte[]{1, 0, 0, 0}));
        }
        String servers = "CN=Servers,CN=Default-First-Site-Name,CN=Sites," + configurationNc;
        for (String dn : List.of(configurationNc, "CN=Sites," + configurationNc,
                "CN=Default-First-Site-Name,CN=Sites," + configurationNc, servers)) {
            ds.add("dn: " + dn, "objectClass: container");
        }
        for (int i = 0; i < dcs; i++) {
            String server = "CN=DC" + i + "," + servers;
            ds.add("dn: " + server, "objectClass: server");
            com.unboundid.ldap.sdk.Entry dsa = new com.unboundid.ldap.sdk.Entry("CN=NTDS Settings," + server);
            dsa.addAttribute("objectClass", "nTDSDSA");
            dsa.addAttribute("invocationId", new byte[16]);
            ds.add(dsa);
        }
    }
}
