package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.GSSAPIBindRequest;
import com.unboundid.ldap.sdk.GSSAPIBindRequestProperties;
import com.unboundid.ldap.sdk.GSSAPIChannelBindingType;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.LDAPURL;
import com.unboundid.ldap.sdk.NameResolver;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SASLQualityOfProtection;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import com.unboundid.util.ssl.JVMDefaultTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.io.Causes;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens an authenticated connection to the directory: ldaps://, or ldap:// with StartTLS, with
 * certificate and host-name validation; simple bind with the password from env or file. Turns
 * every failure into a {@link DirectoryException} whose one line says what to check.
 */
public final class LdapConnector {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LdapConnector.class);
    private static final Pattern AD_DATA = Pattern.compile("data ([0-9a-fA-F]{3,8})");
    /**
     * The connect timeout for each address of a name but its last: a DC answers a connect within milliseconds, so one
     * silent this long is off (restarting, its SYNs dropped) and the next DC is tried; the last has the full timeout.
     */
    static final int OTHER_ADDRESS_CONNECT_MILLIS = 5_000;

    private final AuditConfig config;
    private final Secrets secrets;
    /** The key path of the directory's settings in messages: {@code directory} or {@code directories.<name>}. */
    private final String key;
    private final DirectoryConfig d;
    private final boolean synchronous;
    /** What to do when the server's certificate lacks the URL's host name: where that name is configured. */
    private final String nameFix;
    /** Resolves the URL's host name to the addresses tried in turn (DNS; a test's own). */
    private final NameResolver resolver;
    /**
     * The address the last connection reached, shared with the {@link #pipelined()} copy: its connection goes to the
     * same DC, where the host name stands for several.
     */
    private final AtomicReference<InetAddress> reached;

    /** The directory of {@code directory:} (the first of {@code directories:}). */
    public LdapConnector(AuditConfig config, Secrets secrets) {
        this(config, secrets, "directory", config.directory(), true, urlNameFix("directory"),
                LDAPConnectionOptions.DEFAULT_NAME_RESOLVER, new AtomicReference<>());
    }

    /**
     * @param key the key path of {@code d} for messages: {@code directory} or {@code directories.<name>}
     */
    public LdapConnector(AuditConfig config, Secrets secrets, String key, DirectoryConfig d) {
        this(config, secrets, key, d, true, urlNameFix(key), LDAPConnectionOptions.DEFAULT_NAME_RESOLVER,
                new AtomicReference<>());
    }

    private LdapConnector(AuditConfig config, Secrets secrets, String key, DirectoryConfig d, boolean synchronous,
                          String nameFix, NameResolver resolver, AtomicReference<InetAddress> reached) {
        this.config = config;
        this.secrets = secrets;
        this.key = key;
        this.d = d;
        this.synchronous = synchronous;
        this.nameFix = nameFix;
        this.resolver = resolver;
        this.reached = reached;
    }

    /** The same, resolving host names with {@code r}. */
    LdapConnector resolvingWith(NameResolver r) {
        return new LdapConnector(config, secrets, key, d, synchronous, nameFix, r, reached);
    }

    /**
     * The same TLS, bind and timeout settings against another server (another DC of the domain).
     *
     * @param nameFix what to do when its certificate lacks the host name of {@code url}, which is not
     *                {@code directory.url}'s
     */
    public LdapConnector at(String url, String nameFix) {
        return new LdapConnector(config, secrets, key, d.withUrl(url), synchronous, nameFix, resolver,
                new AtomicReference<>());
    }

    /** For a certificate that lacks the host name of the URL in {@code key.url}: put a name it lists there. */
    static String urlNameFix(String key) {
        return "put a name the certificate lists into " + key + ".url";
    }

    /**
     * Connections that may have many requests outstanding at once (base-scope reads of many objects are
     * pipelined); the default reads each response on the calling thread, one request at a time.
     */
    public LdapConnector pipelined() {
        return new LdapConnector(config, secrets, key, d, false, nameFix, resolver, reached);
    }

    /** The settings this connector uses. */
    public DirectoryConfig settings() {
        return d;
    }

    /** The key path of its settings for messages ({@code directory}, {@code directories.<name>}). */
    public String key() {
        return key;
    }

    /**
     * Connects (TLS, StartTLS) and binds, each step within {@code deadline}'s operation bound; the
     * connection is attached to it, so the reading that follows is bounded too.
     */
    public LDAPConnection connect(Deadline deadline) throws DirectoryException {
        LDAPURL url;
        try {
            url = new LDAPURL(d.url());
        } catch (LDAPException e) {
            throw new ConfigException(key + ".url: not a valid LDAP URL: " + e.getMessage());
        }
        boolean ldaps = "ldaps".equalsIgnoreCase(url.getScheme());
        // dc1.contoso.com. is dc1.contoso.com made absolute; its certificate and its Kerberos name have no dot
        String host = url.getHost().endsWith(".") && url.getHost().length() > 1
                ? url.getHost().substring(0, url.getHost().length() - 1) : url.getHost();
        if (!ldaps && !d.useStartTls() && !d.insecureBindAllowed() && !d.gssapi()) {
            throw new ConfigException(key + ".allowInsecureBind: refusing a simple bind over plain " + d.url()
                    + " (the password would cross the network readable); use ldaps:// or startTls: true,"
                    + " or set allowInsecureBind: true for a lab directory");
        }
        RefusedChain trust = ldaps || d.useStartTls() ? trustManager(d) : null;
        char[] password = d.gssapi() ? new char[0] : secrets.resolve(key + ".passwordEnv", d.passwordEnv(),
                config, d.passwordFile(), key + ".passwordFile");
        int timeoutMillis = d.effectiveTimeoutSeconds() * 1000;
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(timeoutMillis);
        options.setResponseTimeoutMillis(timeoutMillis);
        options.setFollowReferrals(false);
        // one connection, one outstanding request: read responses on the calling thread (no reader-thread hand-off);
        // pipelined connections keep a reader thread so that many requests can be outstanding
        options.setUseSynchronousMode(synchronous);
        options.setSSLSocketVerifier(new CertificateNameVerifier());
        options.setNameResolver(resolver);
        String where = d.url();
        LDAPConnection connection = null;
        try {
            SSLUtil ssl = trust != null ? new SSLUtil(trust) : null;
            HandshakeTimeoutSocketFactory tls = ldaps ? new HandshakeTimeoutSocketFactory(
                    ssl.createSSLSocketFactory(), timeoutMillis) : null;
            LDAPConnection c = ldaps ? new LDAPConnection(tls, options) : new LDAPConnection(options);
            connection = c;
            deadline.attach(c);
            try {
                connectAny(c, host, url.getPort(), timeoutMillis, deadline, tls);
            } catch (LDAPException e) {
                // only once TCP connected: a connect that timed out (nothing answered the SYN) is said as for ldap://
                if (ldaps && tls.connected()
                        && (Causes.has(e, java.net.SocketTimeoutException.class) || deadline.tripped())) {
                    throw new DirectoryException(where + ": no TLS handshake within " + key + ".timeoutSeconds ("
                            + d.effectiveTimeoutSeconds() + " s): the port accepted the connection but did not"
                            + " answer TLS — ldaps:// needs the LDAPS port (636; on port 389 use ldap:// with "
                            + key + ".startTls: true), or a firewall or load balancer holds the connection", e);
                }
                throw e;
            }
            if (d.useStartTls()) {
                startTls(c, ssl, where, deadline);
            }
            bind(connection, d.gssapi() ? gssapiBind(d, host, ldaps || d.useStartTls())
                    : new SimpleBindRequest(d.bindDn(), new String(password)), where, host, deadline);
            return connection;
        } catch (LDAPException e) {
            close(connection);
            DirectoryException late = deadline.failure(where, e);
            String untrusted = trust == null ? null : trust.describe(where, key);
            throw late != null ? late : new DirectoryException(untrusted != null ? untrusted
                    : describeConnect(where, e, ldaps || d.useStartTls(), key, nameFix), e);
        } catch (GeneralSecurityException e) {
            close(connection);
            throw new DirectoryException(where + ": cannot set up TLS: " + e.getMessage(), e);
        } catch (DirectoryException | RuntimeException e) {
            close(connection);
            throw e;
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /**
     * Connects {@code c} to {@code host}: to each address the name resolves to in turn (a domain's name, or a DC alias,
     * stands for several DCs, one of which may be down for its updates) until one accepts the connection; the one the
     * last connection reached first, so that a second connection of the reading goes to the same DC. Only a connection
     * that fails before TCP connects moves on: a refused TLS handshake or bind is that DC's answer. A name that does not
     * resolve is left to the SDK, which says so.
     *
     * @param tls the TLS socket factory of an {@code ldaps://} connection, else null
     */
    private void connectAny(LDAPConnection c, String host, int port, int timeoutMillis, Deadline deadline,
                            HandshakeTimeoutSocketFactory tls) throws LDAPException, DirectoryException {
        List<InetAddress> addresses = new ArrayList<>();
        try {
            addresses.addAll(List.of(resolver.getAllByName(host)));
        } catch (java.net.UnknownHostException | SecurityException e) {
            // the SDK's connect below says it
        }
        InetAddress last = reached.get();
        if (last != null && addresses.remove(last)) {
            addresses.add(0, last);
        }
        if (addresses.size() < 2) {
            deadline.call(() -> {
                c.connect(host, port);
                return null;
            });
            return;
        }
        List<String> down = new ArrayList<>();
        for (int i = 0; ; i++) {
            InetAddress a = addresses.get(i);
            boolean lastAddress = i == addresses.size() - 1;
            try {
                if (lastAddress) {
                    deadline.call(() -> {
                        c.connect(host, a, port, timeoutMillis);
                        return null;
                    });
                } else {
                    // a DC that does not answer at all (off, behind a router that drops the SYN) gives up after its own
                    // connect timeout, within the run's bound only: the operation bound would end the whole reading
                    deadline.callWithinRun(() -> {
                        c.connect(host, a, port, Math.min(timeoutMillis, OTHER_ADDRESS_CONNECT_MILLIS));
                        return null;
                    });
                }
                reached.set(a);
                if (!down.isEmpty()) {
                    LOG.warn("{} ({}.url): {} did not answer; connected to {}, another address of {}", d.url(), key,
                            String.join(", ", down), a.getHostAddress(), host);
                }
                return;
            } catch (LDAPException e) {
                if (lastAddress || deadline.tripped() || e.getResultCode() != ResultCode.CONNECT_ERROR
                        || tls != null && tls.connected()) {
                    throw e;
                }
                down.add(a.getHostAddress() + " (" + withoutClassNames(withoutTrace(rootMessage(e))) + ")");
            }
        }
    }

    /**
     * Upgrades {@code c} with StartTLS. A server that answers the request with an error result (Active Directory
     * without a certificate: 52, "Error initializing SSL/TLS"; a server without StartTLS: 53) is said so with its
     * answer and what to do on the DC; another answer (busy: 51) with what to do then. The SDK throws that answer as it throws the failures on this side (the TLS
     * handshake, a lost connection, the deadline: client-side result codes), which {@link #describeConnect} says.
     */
    private static void startTls(LDAPConnection c, SSLUtil ssl, String where, Deadline deadline)
            throws LDAPException, GeneralSecurityException, DirectoryException {
        StartTLSExtendedRequest request = new StartTLSExtendedRequest(ssl.createSSLSocketFactory());
        LDAPResult answer;
        try {
            answer = deadline.call(() -> c.processExtendedOperation(request));
        } catch (LDAPException e) {
            if (deadline.tripped() || ResultCode.isClientSideResultCode(e.getResultCode())) {
                throw e;
            }
            answer = e.toLDAPResult();
        }
        if (answer.getResultCode() != ResultCode.SUCCESS) {
            String diag = answer.getDiagnosticMessage() == null || answer.getDiagnosticMessage().isBlank() ? ""
                    : ": " + firstLine(answer.getDiagnosticMessage());
            // unavailable, unwilling or no such operation: it cannot do TLS; another answer (busy) says nothing of it
            boolean noTls = answer.getResultCode() == ResultCode.UNAVAILABLE
                    || answer.getResultCode() == ResultCode.UNWILLING_TO_PERFORM
                    || answer.getResultCode() == ResultCode.PROTOCOL_ERROR;
            throw new DirectoryException(where + ": the server refused StartTLS (LDAP result " + answer.getResultCode()
                    + diag + ") — " + (noTls ? "the DC has no certificate it can use for TLS: install a Server"
                    + " Authentication certificate naming the DC, issued by a CA the DC trusts (docs/install.md), or"
                    + " use ldaps:// to a server that has one" : "run again later, or use ldaps:// (port 636)"));
        }
    }

    private void bind(LDAPConnection connection, BindRequest request, String where, String host, Deadline deadline)
            throws DirectoryException {
        String who = d.gssapi() ? d.principal() : d.bindDn();
        boolean fromKeytab = d.keytab() != null && !d.keytab().isBlank();
        if (d.gssapi() && !fromKeytab) {
            String holder = TicketCache.principal();
            if (holder != null && !TicketCache.names(who, holder)) {
                throw new DirectoryException(where + ": Kerberos (GSSAPI) bind as " + who + " refused: the ticket cache ("
                        + ticketCache() + ") holds the tickets of " + holder + ", so the bind would run as that account"
                        + " — run kinit -c " + fileCache(System.getenv("KRB5CCNAME")) + " " + who + " as this user,"
                        + " or set " + key + ".keytab");
            }
        }
        try {
            deadline.call(() -> connection.bind(request));
        } catch (LDAPException e) {
            DirectoryException late = deadline.failure(where, e);
            if (late != null) {
                throw late;
            }
            boolean tls = d.useStartTls() || d.url().regionMatches(true, 0, "ldaps:", 0, 6);
            String binding = d.gssapi() ? channelBindingRefused(where, who, e, key) : null;
            if (binding != null) {
                throw new DirectoryException(binding, e);
            }
            if (d.gssapi() && tls && e.getResultCode() == ResultCode.STRONG_AUTH_REQUIRED) {
                // Samba's "ldap server require strong auth = yes" wants SASL signing even inside TLS, which Windows
                // AD refuses: the advice for a plain simple bind (use TLS) is already followed here
                throw new DirectoryException(where + ": the server refused a Kerberos bind inside TLS without SASL"
                        + " signing (" + e.getResultCode() + "; Samba's ldap server require strong auth = yes does) —"
                        + " bind over plain LDAP instead (" + key + ".url ldap://<DC>:389, " + key + ".startTls: false),"
                        + " where the Kerberos session is sealed, or set the DC to ldap server require strong auth ="
                        + " allow_sasl_over_tls", e);
            }
            if (d.gssapi() && e.getResultCode() != ResultCode.STRONG_AUTH_REQUIRED) {
                String kerberos = KerberosFailure.describe(e, who, host, key,
                        fromKeytab ? config.resolve(d.keytab()).toString() : null, krb5ConfInUse());
                if (kerberos != null) {
                    throw new DirectoryException(where + ": Kerberos (GSSAPI) bind as " + who + " failed: " + kerberos,
                            e);
                }
                String credentials = fromKeytab
                        ? "check " + key + ".principal, " + key + ".keytab,"
                        : "no keytab is configured, so the ticket cache is used (" + ticketCache() + "): run"
                        + " kinit -c " + fileCache(System.getenv("KRB5CCNAME")) + " " + who + " as this user (Java"
                        + " reads FILE: caches only), or set " + key + ".keytab; check";
                String root = withoutClassNames(withoutTrace(rootMessage(e)));
                if (fromKeytab && (root.contains("garner") || root.contains("Unable to obtain password"))) {
                    // JAAS found no key for the principal in the keytab and had nobody to ask for a password
                    root = "the keytab " + config.resolve(d.keytab()) + " holds no key for " + who
                            + " (list its principals: klist -k " + config.resolve(d.keytab()) + ")";
                }
                throw new DirectoryException(where + ": Kerberos (GSSAPI) bind as " + who + " failed: "
                        + root + " — " + credentials + " " + key + ".krb5Conf, and that the URL names the DC"
                        + " so that its ldap/<host> SPN matches", e);
            }
            throw new DirectoryException(describeBind(where, who, e, key, passwordSource()), e);
        }
    }

    /** The krb5.conf the JVM's Kerberos reads, as said to the admin. */
    private String krb5ConfInUse() {
        if (d.krb5Conf() != null && !d.krb5Conf().isBlank()) {
            return key + ".krb5Conf " + config.resolve(d.krb5Conf());
        }
        String property = System.getProperty("java.security.krb5.conf");
        return property != null ? property : "the default krb5.conf (/etc/krb5.conf; " + key + ".krb5Conf unset)";
    }

    /** The ticket cache the JVM's Kerberos reads: KRB5CCNAME (FILE: caches only), else /tmp/krb5cc_<uid>. */
    private static String ticketCache() {
        String env = System.getenv("KRB5CCNAME");
        if (env == null || env.isBlank()) {
            return "KRB5CCNAME unset: the default /tmp/krb5cc_<uid>";
        }
        return "KRB5CCNAME=" + env + (readableCache(env) != null ? "" : ", which Java cannot read: unset it or set"
                + " KRB5CCNAME=FILE:/tmp/krb5cc_$(id -u)");
    }

    /**
     * The FILE: cache for kinit to fill, as a shell argument: the one KRB5CCNAME ({@code env}) names if Java can read
     * it (single-quoted when the path holds a space or another character the shell would split or expand), else
     * /tmp/krb5cc_<uid>.
     */
    static String fileCache(String env) {
        String path = readableCache(env);
        if (path == null) {
            return "FILE:/tmp/krb5cc_$(id -u)";
        }
        String arg = "FILE:" + path;
        return arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    /** The path of the cache KRB5CCNAME ({@code env}) names when Java can read it (FILE:, or no type), else null. */
    private static String readableCache(String env) {
        if (env == null || env.isBlank()) {
            return null;
        } else if (env.regionMatches(true, 0, "FILE:", 0, 5)) {
            return env.substring(5);
        }
        return env.indexOf(':') < 0 ? env : null;
    }

    /**
     * {@code auth: gssapi}: Kerberos as {@code principal}, from {@code keytab} or else the ticket cache
     * (KRB5CCNAME), with {@code krb5Conf} (else the JVM's default). Over TLS no SASL security layer
     * (AD refuses sign/seal inside TLS) and the TLS channel binding (tls-server-end-point, RFC 5929); over plain
     * ldap:// integrity or confidentiality.
     */
    GSSAPIBindRequest gssapiBind(DirectoryConfig d, String host, boolean tls) throws LDAPException {
        GSSAPIBindRequestProperties p = new GSSAPIBindRequestProperties(d.principal(), (String) null);
        if (d.krb5Conf() != null && !d.krb5Conf().isBlank()) {
            Path conf = config.resolve(d.krb5Conf());
            ConfigException.refuseSpecialFile(key + ".krb5Conf", conf, "give the krb5.conf file");
            if (!Files.isReadable(conf)) {
                throw new ConfigException(key + ".krb5Conf: " + conf + " does not exist or is not readable");
            }
            // the JVM's Kerberos reads its krb5.conf from this property (setConfigFilePath is the JAAS file)
            System.setProperty("java.security.krb5.conf", conf.toString());
            p.setRefreshKrb5Config(true);
        }
        if (d.keytab() != null && !d.keytab().isBlank()) {
            Path keytab = config.resolve(d.keytab());
            ConfigException.refuseSpecialFile(key + ".keytab", keytab, "give the keytab file ktpass /out or samba-tool"
                    + " domain exportkeytab wrote");
            if (!Files.isReadable(keytab)) {
                throw new ConfigException(key + ".keytab: " + keytab + " does not exist or is not readable");
            }
            if (!isKeytab(keytab)) {
                throw new ConfigException(key + ".keytab: " + keytab + " is not a Kerberos keytab (its first bytes"
                        + " are not 05 01 or 05 02) — copy the file ktpass /out or samba-tool domain exportkeytab"
                        + " wrote as it is, in binary, not as text or base64");
            }
            p.setUseKeyTab(true);
            p.setKeyTabPath(keytab.toString());
            p.setUseTicketCache(false);
        } else {
            p.setUseTicketCache(true);
            p.setRequireCachedCredentials(true);
        }
        p.setSASLClientServerName(host);
        p.setAllowedQoP(tls ? List.of(SASLQualityOfProtection.AUTH)
                : List.of(SASLQualityOfProtection.AUTH_CONF, SASLQualityOfProtection.AUTH_INT));
        if (tls) {
            // a DC that enforces LDAP channel binding (LdapEnforceChannelBinding = 2) refuses a bind over TLS without
            // it (data 80090346); one that does not ignores it
            p.setChannelBindingType(GSSAPIChannelBindingType.TLS_SERVER_END_POINT);
        }
        return new GSSAPIBindRequest(p);
    }

    /** Whether {@code file} begins as a keytab does (MIT's format, which ktpass and samba-tool write: 0x05, version 1 or 2). */
    private boolean isKeytab(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 5 && (head[1] == 1 || head[1] == 2);
        } catch (IOException e) {
            throw new ConfigException(key + ".keytab: cannot read: " + org.kcdauditor.io.IoErrors.describe(e));
        }
    }

    private RefusedChain trustManager(DirectoryConfig d) {
        if (d.trustStore() == null || d.trustStore().isBlank()) {
            JVMDefaultTrustManager jvm = JVMDefaultTrustManager.getInstance();
            return new RefusedChain(jvm, null, List.of(jvm.getAcceptedIssuers()));
        }
        Path store = config.resolve(d.trustStore());
        ConfigException.refuseSpecialFile(key + ".trustStore", store, "give the key store file (PKCS#12 or JKS)");
        if (!Files.isReadable(store)) {
            throw new ConfigException(key + ".trustStore: " + store + " does not exist or is not readable (a relative"
                    + " path is read from the config file's folder; export your AD CS root CA into a PKCS#12 file as"
                    + " docs/install.md shows, or remove the key to use the Java trust store)");
        }
        if (org.kcdauditor.io.CaCertificateFiles.named(store)) {
            return caFile(store);
        }
        char[] pin = secrets.resolve(key + ".trustStorePasswordEnv", d.trustStorePasswordEnv(),
                config, d.trustStorePasswordFile(), key + ".trustStorePasswordFile");
        String name = store.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".jks") ? "JKS" : "PKCS12";
        List<X509Certificate> held = certificates(store, type, pin);
        if (pin == null && held != null && held.isEmpty()) {
            // keytool encrypts a PKCS#12 store's certificates with -storepass: without it the JDK sees none and says
            // only "the trustAnchors parameter must be non-empty"
            throw new ConfigException(key + ".trustStore: " + store + " holds no certificate that can be read without"
                    + " its password — set " + key + ".trustStorePasswordEnv or " + key + ".trustStorePasswordFile");
        }
        return new RefusedChain(new TrustStoreTrustManager(store.toFile(), pin, type, true), store,
                held == null ? List.of() : held);
    }

    /** The trust of a CA certificate file ({@code .cer}, {@code .crt}, {@code .pem}, {@code .der}): its certificates. */
    private RefusedChain caFile(Path store) {
        try {
            List<X509Certificate> held = org.kcdauditor.io.CaCertificateFiles.read(store);
            if (held.isEmpty()) {
                throw new ConfigException(key + ".trustStore: " + store + " holds no X.509 certificate (DER or"
                        + " Base64/PEM) — export the CA that signed the DC's certificate again (docs/install.md, \"TLS"
                        + " trust\")");
            }
            return new RefusedChain(org.kcdauditor.io.CaCertificateFiles.trustManager(held), store, held);
        } catch (IOException e) {
            throw new ConfigException(key + ".trustStore: cannot read " + store + ": "
                    + org.kcdauditor.io.IoErrors.reason(e));
        }
    }

    /**
     * The trusted certificates the key store at {@code store} holds, opened with {@code pin} (null: without a
     * password); null when it cannot be opened, which the connection then says.
     */
    private static List<X509Certificate> certificates(Path store, String type, char[] pin) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, pin);
            List<X509Certificate> held = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isCertificateEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
                    held.add(c);
                }
            }
            return held;
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    /** @param nameFix what to do when the certificate lacks the URL's host name */
    static String describeConnect(String where, LDAPException e, boolean tls, String key, String nameFix) {
        String cause = withoutTrace(rootMessage(e));
        // matched with the exception's class name (EOFException, UnrecoverableKeyException), shown without it
        String lower = cause.toLowerCase(Locale.ROOT);
        String detail = withoutClassNames(cause);
        if (e.getResultCode() == ResultCode.INVALID_CREDENTIALS || e.getResultCode() == ResultCode.STRONG_AUTH_REQUIRED
                || e.getResultCode() == ResultCode.CONFIDENTIALITY_REQUIRED) {
            return where + ": " + detail;
        }
        // the trust store itself: a wrong password, or a file that is no key store
        if (lower.contains("unrecoverablekey") || lower.contains("badpadding")
                || lower.contains("keystore password was incorrect") || lower.contains("password verification failed")) {
            return where + ": TLS failed: the trust store's password is wrong — check " + key
                    + ".trustStorePasswordEnv (or trustStorePasswordFile)";
        }
        // the server hung up on the ClientHello (OpenLDAP, AD on 389) or reset the connection (Samba on 389): the
        // handshake's EOF, not a short key store file
        boolean hungUp = lower.contains("ssl peer shut down") || lower.contains("terminated the handshake")
                || lower.contains("connection reset");
        if (tls && hungUp && !lower.contains("unable to load trust store")) {
            return where.toLowerCase(Locale.ROOT).contains("ldaps://")
                    ? where + ": the server closed the connection during the TLS handshake — ldaps:// needs the LDAPS"
                    + " port (636) of a DC that has a certificate; on port 389 use ldap:// with " + key
                    + ".startTls: true"
                    : where + ": the server closed the connection during the StartTLS handshake — StartTLS needs a DC"
                    + " that has a certificate, and nothing between here and the DC that cuts TLS; try ldaps://<DC>:636";
        }
        if (lower.contains("unable to load trust store") || lower.contains("invalid keystore format")
                || lower.contains("derinputstream") || lower.contains("eofexception")) {
            return where + ": TLS failed: " + key + ".trustStore is not a PKCS#12 or JKS key store — export the CA"
                    + " that signed the DC's certificate into a PKCS#12 file (docs/install.md)";
        }
        if (tls && (lower.contains("unrecognized ssl message") || lower.contains("plaintext connection")
                || lower.contains("unsupported or unrecognized"))) {
            return where + ": the server did not answer TLS on this port — ldaps:// needs the LDAPS port (636); on"
                    + " port 389 use ldap:// with " + key + ".startTls: true";
        }
        if (tls && (lower.contains("certificate") || lower.contains("pkix") || lower.contains("trust")
                || lower.contains("handshake") || lower.contains("hostname") || lower.contains("host name")
                || lower.contains("ssl") || lower.contains("tls"))) {
            String hint = lower.contains("hostname") || lower.contains("host name")
                    ? nameFix
                    : "set " + key + ".trustStore to a PKCS#12 or JKS file holding the CA that signed the DC's certificate";
            return where + ": TLS failed: " + stripStop(detail) + " — " + hint;
        }
        if (e.getResultCode() == ResultCode.TIMEOUT || lower.contains("timed out") || lower.contains("timeout")) {
            return where + ": no answer within the timeout (" + detail + ") — check host, port and firewall,"
                    + " or raise " + key + ".timeoutSeconds";
        }
        if (e.getResultCode() == ResultCode.CONNECT_ERROR || e.getResultCode() == ResultCode.SERVER_DOWN) {
            return where + ": cannot connect (" + detail + ") — check the host name, port (636 for ldaps, 389 for"
                    + " ldap) and that a domain controller is reachable from here";
        }
        return where + ": " + e.getResultCode() + ": " + detail;
    }

    /**
     * Where the password of a simple bind came from, as said to the admin (an env variable wins over a file): {@code
     * KCD_AUDIT_LDAP_PASSWORD (directory.passwordEnv)}, the place only, which the messages put in their own words.
     */
    private String passwordSource() {
        if (d.passwordEnv() != null && !d.passwordEnv().isBlank()) {
            return d.passwordEnv() + " (" + key + ".passwordEnv)";
        }
        return d.passwordFile() == null ? key + ".passwordEnv or " + key + ".passwordFile"
                : config.resolve(d.passwordFile()) + " (" + key + ".passwordFile)";
    }

    static String describeBind(String where, String who, LDAPException e, String key, String passwordSource) {
        String diag = e.getDiagnosticMessage() == null ? "" : e.getDiagnosticMessage();
        ResultCode rc = e.getResultCode();
        if (rc == ResultCode.STRONG_AUTH_REQUIRED || rc == ResultCode.CONFIDENTIALITY_REQUIRED
                || diag.toLowerCase(Locale.ROOT).contains("strong") || diag.contains("Transport encryption required")) {
            return where + ": the server requires TLS or signing for binds (LDAP result " + rc.intValue() + ", "
                    + rc.getName() + ") — use ldaps:// (port 636)"
                    + " or set " + key + ".startTls: true, with " + key + ".trustStore for the DC's CA";
        }
        if (rc == ResultCode.INVALID_CREDENTIALS) {
            Matcher m = AD_DATA.matcher(diag);
            String code = m.find() ? m.group(1).toLowerCase(Locale.ROOT) : "";
            String reason = adReason(code);
            String fix = accountFix(code, key, passwordSource);
            return where + ": bind as " + who + " refused: "
                    + (reason != null ? reason : "invalid credentials" + (diag.isEmpty() ? "" : " (" + firstLine(diag) + ")"))
                    + " — " + (fix != null ? fix : "check " + key + ".bindDn and the password in " + passwordSource);
        }
        return where + ": bind as " + who + " failed: " + rc + (diag.isEmpty() ? "" : " (" + firstLine(diag) + ")");
    }

    /**
     * A Kerberos bind a DC refused for its LDAP channel binding (AD's {@code data 80090346}, SEC_E_BAD_BINDINGS) in words:
     * the binding sent over TLS is made from the certificate this side saw, so it fails where something between here
     * and the DC ends TLS; null for another refusal.
     */
    static String channelBindingRefused(String where, String who, LDAPException e, String key) {
        String diag = e.getDiagnosticMessage();
        if (diag == null || !diag.contains("80090346")) {
            return null;
        }
        return where + ": Kerberos (GSSAPI) bind as " + who + " refused: the DC requires LDAP channel binding and the"
                + " binding did not match (AD data 80090346, SEC_E_BAD_BINDINGS): the binding is made from the"
                + " certificate this machine saw, so something between here and the DC (a load balancer, TLS inspection)"
                + " ends the TLS connection — set " + key + ".url to the domain controller itself, or bind over plain"
                + " ldap:// (" + key + ".startTls: false), where the Kerberos session is signed and sealed";
    }

    /** AD's sub-status codes in the bind error's {@code data NNN} (MS-ERREF / KB 2003.1). */
    static String adReason(String code) {
        return switch (code) {
            // ERROR_LOGON_FAILURE, "the user name or password is incorrect": also a name that matches no account
            case "52e" -> "wrong password or unknown account name (AD data 52e)";
            case "525" -> "user not found (AD data 525)";
            case "530" -> "logon not permitted at this time (AD data 530)";
            case "531" -> "logon not permitted from this workstation (AD data 531)";
            case "532" -> "password expired (AD data 532)";
            case "533" -> "account disabled (AD data 533)";
            case "568" -> "too many security IDs in the token (AD data 568)";
            case "701" -> "account expired (AD data 701)";
            case "773" -> "the password must be changed before first logon (AD data 773)";
            case "775" -> "account locked out (AD data 775)";
            default -> null;
        };
    }

    /**
     * What to do in AD when the sub-status says the account, not the password, stops the bind (the password was
     * right); null for the codes where the name or the password is what to check.
     */
    static String accountFix(String code, String key, String passwordSource) {
        String other = " or set " + key + ".bindDn to another account";
        return switch (code) {
            case "530" -> "allow its logon hours (ADUC: Account > Logon Hours)" + other;
            case "531" -> "add this machine to the computers it may log on from (ADUC: Account > Log On To)" + other;
            case "532" -> "set a new password (Set-ADAccountPassword -Reset), put it in " + passwordSource
                    + ", and give the account a password policy that lets it not expire unnoticed";
            case "533" -> "enable the account (ADUC, or Enable-ADAccount)" + other;
            case "701" -> "clear or extend its expiry (ADUC: Account > Account expires, or Set-ADAccountExpiration)"
                    + other;
            case "773" -> "set its password (Set-ADAccountPassword -Reset), clear 'User must change password at next"
                    + " logon' (Set-ADUser -ChangePasswordAtLogon $false) and put the password in " + passwordSource;
            case "775" -> "unlock it (Unlock-ADAccount) once you know which wrong passwords locked it (a scheduled run"
                    + " with an old password in " + passwordSource + " does)";
            default -> null;
        };
    }

    /** {@code ConnectException: Connection refused} → {@code Connection refused}: no Java class names for admins. */
    static String withoutClassNames(String message) {
        String shown = message.replaceAll("\\b(?:[a-z][a-z0-9]*\\.)*[A-Z][A-Za-z0-9]*(?:Exception|Error): ", "");
        return shown.isBlank() ? message : shown;
    }

    /** The message without the SDK's appended stack trace and version fields ({@code trace='…'}, {@code ldapSDKVersion=…}). */
    static String withoutTrace(String message) {
        int cut = message.length();
        for (String marker : List.of("trace='", "ldapSDKVersion=", "revision=")) {
            int i = message.indexOf(marker);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return message.substring(0, cut).replaceAll("[\\s,(]+$", "").strip();
    }

    private static String rootMessage(Throwable e) {
        String msg = e.getMessage();
        List<Throwable> chain = Causes.chain(e);
        for (Throwable t : chain.subList(1, chain.size())) {
            if (t.getMessage() != null) {
                msg = t.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return firstLine(msg == null ? e.getClass().getSimpleName() : msg);
    }

    private static String stripStop(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).strip();
    }

    private static void close(LDAPConnection c) {
        if (c != null) {
            c.close();
        }
    }
}
