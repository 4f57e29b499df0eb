package org.kcdauditor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.util.StaticUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DirectoryCollector;
import org.kcdauditor.directory.Deadline;
import org.kcdauditor.directory.LdapConnector;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.TestDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kcd-auditor against a real domain controller: the Samba AD DC of {@code scripts/samba-ad.sh up}.
 * Every scenario is built the way an administrator builds it (samba-tool computer create, spn add,
 * delegation add-service / for-any-protocol / for-any-service / add-principal), never by loading
 * LDIF of what the auditor expects, in its own OU under OU=kcd-it. Each drift test starts from a
 * correct 2-node cluster and changes one thing.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SambaAdIntegrationTest {
    private static final String IT_OU = "OU=kcd-it";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SambaDc dc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcIsUp() {
        dc = SambaDc.forSuite("Samba AD DC integration suite", IT_OU);
    }

    @AfterAll
    static void cleanUp() {
        SambaDc.afterSuite(dc, IT_OU);
    }

    // ------------------------------------------------------------------ scenario helpers

    /** An OU below OU=kcd-it for one scenario; returns its RDN path relative to the domain. */
    private static String scenarioOu(String name) {
        String ou = "OU=" + name + "," + IT_OU;
        dc.tool("ou", "create", ou);
        return ou;
    }

    /** A correct cluster: every host delegates to every other in both forms, protocol transition on. */
    private static List<SambaDc.Host> correctCluster(String ou, List<SambaDc.Host> hosts,
                                                     Consumer<List<SambaDc.Host>> beforeDelegation) throws Exception {
        beforeDelegation.accept(hosts);
        for (SambaDc.Host h : hosts) {
            dc.host(h, ou);
        }
        for (SambaDc.Host a : hosts) {
            for (SambaDc.Host b : hosts) {
                if (a != b) {
                    dc.delegate(a.name, b.name);
                }
            }
            dc.forAnyProtocol(a.name, true);
        }
        return hosts;
    }

    private static List<SambaDc.Host> hosts(String... names) {
        List<SambaDc.Host> l = new ArrayList<>();
        for (String n : names) {
            l.add(new SambaDc.Host(n));
        }
        return l;
    }

    /** Two hosts with protocol transition where only {@code a} delegates to {@code b}: b -> a has no entry. */
    private static List<SambaDc.Host> oneDirection(String ou, String a, String b) throws Exception {
        List<SambaDc.Host> c = hosts(a, b);
        for (SambaDc.Host h : c) {
            dc.host(h, ou);
        }
        dc.delegate(a, b);
        c.forEach(h -> dc.forAnyProtocol(h.name, true));
        return c;
    }

    private static List<SambaDc.Host> twoNodes(String ou, String a, String b) throws Exception {
        return correctCluster(ou, hosts(a, b), h -> { });
    }

    // ------------------------------------------------------------------ running the auditor

    record Run(int exit, String out, String err, JsonNode doc) {
        List<JsonNode> findings(String rule) {
            List<JsonNode> l = new ArrayList<>();
            if (doc != null) {
                doc.path("findings").forEach(f -> {
                    if (rule.equals(f.path("rule").asText())) {
                        l.add(f);
                    }
                });
            }
            return l;
        }

        List<String> rules(String severity) {
            List<String> l = new ArrayList<>();
            if (doc != null) {
                doc.path("findings").forEach(f -> {
                    if (severity.equals(f.path("severity").asText())) {
                        l.add(f.path("rule").asText() + " " + f.path("host").asText() + " " + f.path("spn").asText());
                    }
                });
            }
            return l;
        }

        String where() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    static final class Cfg {
        String url = "ldaps://127.0.0.1:636";
        boolean startTls = false;
        String bindDn = "Administrator@" + SambaDc.DNS_DOMAIN;
        boolean trustStore = true;
        Path otherTrustStore; // set (with trustStore): this PKCS#12 file, password changeit, instead of the script's
        boolean insecure = false;
        String baseDn = SambaDc.BASE_DN;
        String cluster = "C";
        List<String> nodes = List.of();
        String protocolTransition = "any";
        String password;
        List<String> operators = List.of();
        String principal;     // set: auth: gssapi with the script's keytab and krb5.conf
        Path ticketCache;     // set with principal: no keytab; the audit runs in its own JVM with KRB5CCNAME=FILE:it
        Path keytab;          // with principal: another keytab than the script's
        Path krb5Conf;        // with principal: another krb5.conf than the script's
        Path hostsFile;       // set: the audit runs in its own JVM that resolves names with it (jdk.net.hosts.file)
    }

    private Run audit(Cfg c) throws Exception {
        Path cfg = writeConfig(c);
        Path out = tmp.resolve("out");
        String[] args = {"run", "--config", cfg.toString(), "--out", out.toString(), "--formats", "json"};
        if (c.ticketCache != null) {
            return ownJvm(args, Map.of("KRB5CCNAME", "FILE:" + c.ticketCache), List.of(), out);
        }
        if (c.hostsFile != null) {
            return ownJvm(args, Map.of("KCD_AUDIT_LDAP_PASSWORD", c.password == null ? dc.adminPassword : c.password),
                    List.of("-Djdk.net.hosts.file=" + c.hostsFile), out);
        }
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            exit = Main.execute(args, po, pe,
                    Map.of("KCD_AUDIT_LDAP_PASSWORD", c.password == null ? dc.adminPassword : c.password));
        }
        return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), findings(out));
    }

    /** What a run reads from the DC for this config: the snapshot, without evaluating it. */
    private Snapshot collect(Cfg c) throws Exception {
        AuditConfig config = ConfigLoader.load(writeConfig(c));
        Secrets secrets = new Secrets(Map.of("KCD_AUDIT_LDAP_PASSWORD", dc.adminPassword));
        Deadline deadline = Deadline.start(config.directory());
        try (LDAPConnection connection = new LdapConnector(config, secrets).connect(deadline)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(connection, deadline, n -> { });
        }
    }

    private Path writeConfig(Cfg c) throws IOException {
        StringBuilder y = new StringBuilder();
        y.append("directory:\n");
        y.append("  url: ").append(c.url).append('\n');
        y.append("  startTls: ").append(c.startTls).append('\n');
        if (c.principal != null) {
            y.append("  auth: gssapi\n");
            y.append("  principal: ").append(c.principal).append('\n');
            if (c.ticketCache == null) {
                y.append("  keytab: ").append(c.keytab != null ? c.keytab : dc.dir.resolve("svc-kcdaudit.keytab"))
                        .append('\n');
            }
            y.append("  krb5Conf: ").append(c.krb5Conf != null ? c.krb5Conf : dc.dir.resolve("etc/krb5.conf"))
                    .append('\n');
        } else {
            y.append("  bindDn: '").append(c.bindDn.replace("'", "''")).append("'\n");
            y.append("  passwordEnv: KCD_AUDIT_LDAP_PASSWORD\n");
        }
        y.append("  baseDn: '").append(c.baseDn).append("'\n");
        if (c.trustStore) {
            y.append("  trustStore: ").append(c.otherTrustStore != null ? c.otherTrustStore : dc.trustStore())
                    .append('\n');
            y.append("  trustStorePasswordFile: ").append(dc.trustStorePasswordFile()).append('\n');
        }
        y.append("  allowInsecureBind: ").append(c.insecure).append('\n');
        y.append("  timeoutSeconds: 20\n");
        y.append("clusters:\n");
        y.append("  - name: ").append(c.cluster).append('\n');
        y.append("    nodes: [").append(String.join(", ", c.nodes)).append("]\n");
        y.append("policy:\n");
        y.append("  services: [\"").append(SambaDc.MVSMS).append("\", \"cifs\"]\n");
        y.append("  nameForms: [netbios, fqdn]\n");
        y.append("  protocolTransition: ").append(c.protocolTransition).append('\n');
        if (!c.operators.isEmpty()) {
            y.append("  operators:\n");
            c.operators.forEach(o -> y.append("    - '").append(o.replace("'", "''")).append("'\n"));
        }
        y.append("store:\n  url: jdbc:h2:file:data/kcd-audit\n");   // a store per test, beside its config
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, y.toString());
        return cfg;
    }

    private static JsonNode findings(Path out) throws IOException {
        Path json = out.resolve("findings.json");
        return Files.exists(json) ? JSON.readTree(json.toFile()) : null;
    }

    /**
     * The CLI in a JVM of its own: what the environment (KRB5CCNAME) gives a real process, or JVM options ({@code
     * jdk.net.hosts.file}) that must be set before the JVM resolves its first name.
     */
    private Run ownJvm(String[] args, Map<String, String> env, List<String> jvmOptions, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.kcdauditor.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("KCD_AUDIT_LDAP_PASSWORD", "not-used-by-gssapi");
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("jvm.out").toFile());
        pb.redirectError(tmp.resolve("jvm.err").toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kcd-audit " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), Files.readString(tmp.resolve("jvm.out")), Files.readString(tmp.resolve("jvm.err")),
                findings(out));
    }

    private Run audit(List<SambaDc.Host> cluster, String name, Consumer<Cfg> tweak) throws Exception {
        Cfg c = new Cfg();
        c.cluster = name;
        c.nodes = cluster.stream().map(h -> h.name).toList();
        tweak.accept(c);
        return audit(c);
    }

    private static void assertOnly(Run r, String severity, List<String> expectedRules) {
        List<String> got = r.rules(severity).stream().map(s -> s.split(" ")[0]).distinct().sorted().toList();
        assertEquals(expectedRules.stream().sorted().toList(), got, severity + " findings: " + r.rules(severity)
                + "\n" + r.where());
    }

    private static JsonNode single(Run r, String rule) {
        List<JsonNode> l = r.findings(rule);
        assertFalse(l.isEmpty(), "expected a " + rule + " finding\n" + r.where());
        return l.get(0);
    }

    // ------------------------------------------------------------------ the correct cluster

    @Test
    @Order(1)
    void correctThreeNodeClusterHasNoHighFinding() throws Exception {
        String ou = scenarioOu("ok");
        List<SambaDc.Host> c = correctCluster(ou, hosts("ITOK1", "ITOK2", "ITOK3"), h -> { });
        Run r = audit(c, "OK", x -> { });
        assertEquals(0, r.exit(), r.where());
        assertTrue(r.rules("HIGH").isEmpty(), r.where());
        assertTrue(r.rules("MEDIUM").isEmpty(), r.where());
        assertEquals(1, r.doc().path("schemaVersion").asInt());
        assertEquals(3, r.doc().path("hosts").size(), r.where());
        for (JsonNode h : r.doc().path("hosts")) {
            assertEquals(8, h.path("delegateTo").size(), "what the DC holds for " + h);
        }
    }

    @Test
    @Order(2)
    void searchFromDomainRootReturnsAContinuationReferenceThatTheAuditSkips() throws Exception {
        try (LDAPConnection c = dc.admin()) {
            SearchResult sr = c.search(new SearchRequest(SambaDc.BASE_DN, SearchScope.SUB, "(objectClass=domain)", "dn"));
            assertTrue(sr.getReferenceCount() > 0, "Samba, like AD, refers a root search to CN=Configuration");
        }
        // the audit of test 1 ran from the domain root (baseDn DC=contoso,DC=test) and completed: exit 0.
    }

    @Test
    @Order(3)
    void sampleConfigAgainstTheSeededDomain() throws Exception {
        try (LDAPConnection c = dc.admin()) {
            SambaDc.require(c.getEntry("OU=HVC2,OU=Hyper-V," + SambaDc.BASE_DN) != null,
                    "not seeded: run scripts/samba-ad.sh seed " + dc.dir);
        }
        // config/samba-example.yaml points at /tmp/kcd-samba, CI's DIR: its paths changed to the DIR in use
        Path sample = tmp.resolve("samba-example.yaml");
        Files.writeString(sample, Files.readString(Path.of("config/samba-example.yaml"))
                .replace("/tmp/kcd-samba/", dc.dir + "/"));
        Path out = tmp.resolve("sample");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit = Main.execute(new String[]{"run", "--config", sample.toString(), "--out", out.toString(),
                        "--formats", "json"}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("KCD_AUDIT_LDAP_PASSWORD", dc.adminPassword));
        Run r = new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
                JSON.readTree(out.resolve("findings.json").toFile()));
        assertEquals(3, r.exit(), r.where());
        List<String> got = new ArrayList<>();
        r.doc().path("findings").forEach(f -> got.add(f.path("cluster").asText() + " " + f.path("rule").asText() + " "
                + f.path("host").asText()));
        assertFalse(got.stream().anyMatch(s -> s.startsWith("HVC1 ")), "HVC1 is correct: " + got);
        for (String want : List.of("HVC2 DUPLICATE_SPN HV12", "HVC2 MISSING_DELEGATION HV11",
                "HVC2 MISSING_DELEGATION HV12", "HVC2 UNCONSTRAINED_DELEGATION HV13",
                "HVC2 PROTOCOL_TRANSITION_MISMATCH HV12", "HVC2 STALE_DELEGATION HV11", "HVC2 RBCD_PRESENT HV11")) {
            assertTrue(got.contains(want), want + " in " + got);
        }
        assertEquals(6, r.findings("MISSING_DELEGATION").size(), "NAS01 gets both forms from every node: " + r.where());
        assertEquals("dc1.contoso.test", r.doc().path("directory").path("dc").asText());
        assertEquals("[\"NAS01\"]", r.doc().path("clusters").get(1).path("fileServers").toString());
        assertTrue(r.findings("DELEGATION_TO_SENSITIVE_TARGET").stream().anyMatch(f -> f.path("spn").asText()
                .equals("cifs/dc1.contoso.test")), "HV11's entry for the DC: " + r.where());
        assertTrue(r.findings("STALE_DELEGATION").stream().noneMatch(f -> f.path("spn").asText()
                .equals("cifs/dc1.contoso.test")), "the DC's entry is the sensitive-target rule's, not stale: " + r.where());
    }

    /**
     * The audit command seed prints last (the one a new user copies) reads admin.pass, which only root may read, with
     * sudo when seed ran through sudo, as README and the sample config's header do; also when it was seeded before.
     */
    @Test
    @Order(4)
    void seedPrintsTheAuditCommandThatReadsThePasswordAsTheUserCan() throws Exception {
        String script = Path.of("scripts/samba-ad.sh").toAbsolutePath().toString();
        String command = ") ./kcd-audit run --config config/samba-example.yaml";
        SambaDc.Result viaSudo = SambaDc.run(List.of("env", "SUDO_USER=kcdadmin", "bash", script, "seed",
                dc.dir.toString()));
        assertEquals(0, viaSudo.exit(), viaSudo.output());
        assertTrue(viaSudo.output().contains("KCD_AUDIT_LDAP_PASSWORD=$(sudo cat " + dc.dir.resolve("admin.pass")
                + command), viaSudo.output());
        SambaDc.Result asRoot = SambaDc.run(List.of("env", "-u", "SUDO_USER", "bash", script, "seed",
                dc.dir.toString()));
        assertTrue(asRoot.output().contains("KCD_AUDIT_LDAP_PASSWORD=$(cat " + dc.dir.resolve("admin.pass")
                + command), "root without sudo reads it itself\n" + asRoot.output());
        String readme = "KCD_AUDIT_LDAP_PASSWORD=$(sudo cat /tmp/kcd-samba/admin.pass" + command;
        assertTrue(Files.readString(Path.of("README.md")).contains(readme), readme);
        assertTrue(Files.readString(Path.of("config/samba-example.yaml")).contains(readme), readme);
    }

    // ------------------------------------------------------------------ one drift at a time

    @Test
    @Order(10)
    void oneDirectionMissing() throws Exception {
        String ou = scenarioOu("dir");
        List<SambaDc.Host> c = correctCluster(ou, hosts("ITDIR1", "ITDIR2"), h -> { });
        for (String svc : List.of(SambaDc.MVSMS, "cifs")) {
            dc.tool("delegation", "del-service", "ITDIR2$", svc + "/ITDIR1");
            dc.tool("delegation", "del-service", "ITDIR2$", svc + "/" + SambaDc.fqdn("ITDIR1"));
        }
        Run r = audit(c, "DIR", x -> { });
        assertEquals(3, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of("MISSING_DELEGATION"));
        List<JsonNode> f = r.findings("MISSING_DELEGATION");
        assertEquals(4, f.size(), r.where());
        f.forEach(x -> assertEquals("ITDIR2", x.path("host").asText(), r.where()));
        f.forEach(x -> assertEquals("ITDIR1", x.path("peer").asText(), r.where()));
    }

    @Test
    @Order(11)
    void fqdnFormMissing() throws Exception {
        String ou = scenarioOu("form");
        List<SambaDc.Host> c = hosts("ITFRM1", "ITFRM2");
        for (SambaDc.Host h : c) {
            dc.host(h, ou);
        }
        dc.delegate("ITFRM1", "ITFRM2");
        dc.delegate("ITFRM2", "ITFRM1", true, false);   // NetBIOS form only
        c.forEach(h -> dc.forAnyProtocol(h.name, true));
        Run r = audit(c, "FORM", x -> { });
        assertEquals(3, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of("MISSING_DELEGATION"));
        List<JsonNode> f = r.findings("MISSING_DELEGATION");
        assertEquals(2, f.size(), r.where());
        f.forEach(x -> assertTrue(x.path("spn").asText().endsWith("/" + SambaDc.fqdn("ITFRM1")), r.where()));
    }

    @Test
    @Order(12)
    void targetSpnNotRegistered() throws Exception {
        String ou = scenarioOu("spn");
        List<SambaDc.Host> c = correctCluster(ou, hosts("ITSPN1", "ITSPN2"), h -> h.get(1).migrationSpns = false);
        Run r = audit(c, "SPN", x -> { });
        assertEquals(3, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of("TARGET_SPN_NOT_REGISTERED"));
        List<JsonNode> f = r.findings("TARGET_SPN_NOT_REGISTERED");
        assertEquals(2, f.size(), "both name forms of the migration service; cifs is served by HOST/\n" + r.where());
        f.forEach(x -> assertEquals("ITSPN2", x.path("host").asText()));
    }

    @Test
    @Order(13)
    void duplicateSpn() throws Exception {
        String ou = scenarioOu("dup");
        List<SambaDc.Host> c = twoNodes(ou, "ITDUP1", "ITDUP2");
        dc.tool("user", "create", "itdupsvc", dc.adminPassword, "--userou=" + ou);
        // the DC itself refuses the exact same SPN on a second account (as Windows does since 2012 R2)...
        SambaDc.Result refused = dc.tryTool("spn", "add", SambaDc.MVSMS + "/ITDUP2", "itdupsvc");
        assertNotEquals(0, refused.exit(), refused.output());
        // ...but not the trailing-dot spelling, which Kerberos resolves to the same service
        dc.tool("spn", "add", SambaDc.MVSMS + "/" + SambaDc.fqdn("ITDUP2") + ".", "itdupsvc");
        Run r = audit(c, "DUP", x -> { });
        assertEquals(3, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of("DUPLICATE_SPN"));
        JsonNode f = single(r, "DUPLICATE_SPN");
        assertEquals("ITDUP2", f.path("host").asText(), r.where());
        assertTrue(f.path("message").asText().contains("itdupsvc"), r.where());
    }

    @Test
    @Order(14)
    void unconstrainedDelegation() throws Exception {
        String ou = scenarioOu("unc");
        List<SambaDc.Host> c = twoNodes(ou, "ITUNC1", "ITUNC2");
        dc.forAnyService("ITUNC1", true);
        Run r = audit(c, "UNC", x -> { });
        assertEquals(3, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of("UNCONSTRAINED_DELEGATION"));
        assertEquals("ITUNC1", single(r, "UNCONSTRAINED_DELEGATION").path("host").asText());
    }

    @Test
    @Order(15)
    void kerberosOnlyUnderAnyProtocolPolicy() throws Exception {
        String ou = scenarioOu("pt");
        List<SambaDc.Host> c = twoNodes(ou, "ITPT1", "ITPT2");
        dc.forAnyProtocol("ITPT2", false);
        Run r = audit(c, "PT", x -> { });
        assertEquals(0, r.exit(), "MEDIUM is below the default --fail-on high\n" + r.where());
        assertOnly(r, "HIGH", List.of());
        assertOnly(r, "MEDIUM", List.of("PROTOCOL_TRANSITION_MISMATCH"));
        assertEquals("ITPT2", single(r, "PROTOCOL_TRANSITION_MISMATCH").path("host").asText());
        Run either = audit(c, "PT", x -> x.protocolTransition = "either");
        assertOnly(either, "MEDIUM", List.of());
        Run kerberosOnly = audit(c, "PT", x -> x.protocolTransition = "kerberos-only");
        assertEquals("ITPT1", single(kerberosOnly, "PROTOCOL_TRANSITION_MISMATCH").path("host").asText(),
                kerberosOnly.where());
    }

    @Test
    @Order(16)
    void staleDelegationToRemovedNode() throws Exception {
        String ou = scenarioOu("stale");
        List<SambaDc.Host> c = twoNodes(ou, "ITSTL1", "ITSTL2");
        dc.tool("delegation", "add-service", "ITSTL1$", SambaDc.MVSMS + "/ITSTL9");
        Run r = audit(c, "STALE", x -> { });
        assertEquals(0, r.exit(), r.where());
        assertOnly(r, "HIGH", List.of());
        JsonNode f = single(r, "STALE_DELEGATION");
        assertEquals("LOW", f.path("severity").asText());
        assertEquals("ITSTL1", f.path("host").asText());
        assertEquals(SambaDc.MVSMS + "/ITSTL9", f.path("spn").asText());
    }

    @Test
    @Order(17)
    void hostNotFound() throws Exception {
        String ou = scenarioOu("nf");
        List<SambaDc.Host> c = twoNodes(ou, "ITNF1", "ITNF2");
        Run r = audit(c, "NF", x -> x.nodes = List.of("ITNF1", "ITNF2", "ITNF3"));
        assertEquals(3, r.exit(), r.where());
        assertTrue(r.rules("HIGH").stream().anyMatch(s -> s.startsWith("HOST_NOT_FOUND ITNF3")), r.where());
    }

    /**
     * A node the bind account may not read (a deny ACE on its object, written with samba-tool dsacl as ADUC's Security
     * tab does) is left out of the account's searches as if it did not exist: HOST_NOT_FOUND, whose remediation says
     * that the account may lack read access besides the spelling and the base DN.
     */
    @Test
    @Order(17)
    void aNodeTheBindAccountMayNotReadIsNotFoundAndTheRemediationSaysWhy() throws Exception {
        String pass = "It-NoRead-Acct1!";
        List<SambaDc.Host> c = twoNodesAndAUser("noread", "ITNR1", "ITNR2", "itnoread", pass);
        deny("itnoread", "CN=ITNR2,OU=noread," + IT_OU, "D;;RPLCLO;;");
        Run r = audit(c, "NR", asUser("itnoread", pass));
        assertEquals(3, r.exit(), r.where());
        JsonNode f = single(r, "HOST_NOT_FOUND");
        assertEquals("ITNR2", f.path("host").asText());
        assertTrue(f.path("remediation").asText().endsWith(" If ITNR2 is in the directory, the bind account may not"
                + " read it: give it read access to computer objects (docs/install.md, \"The service account\")."),
                r.where());
        // the Administrator reads it
        assertTrue(audit(c, "NR", x -> { }).findings("HOST_NOT_FOUND").isEmpty());
    }

    /** Two correct nodes in a scenario OU of their own, and {@code user}, an ordinary domain user, in it. */
    private static List<SambaDc.Host> twoNodesAndAUser(String ou, String a, String b, String user, String password)
            throws Exception {
        List<SambaDc.Host> c = twoNodes(scenarioOu(ou), a, b);
        dc.tool("user", "create", user, password, "--userou=OU=" + ou + "," + IT_OU);
        return c;
    }

    /** A deny ACE for {@code user} on {@code dn} (under the domain), as ADUC's Security tab writes it: {@code ace;SID}. */
    private static void deny(String user, String dn, String ace) {
        java.util.regex.Matcher sid = java.util.regex.Pattern.compile("objectSid: (S-[0-9-]+)")
                .matcher(dc.tool("user", "show", user, "--attributes=objectSid"));
        assertTrue(sid.find());
        dc.tool("dsacl", "set", "--objectdn=" + dn + "," + SambaDc.BASE_DN, "--sddl=(" + ace + ";" + sid.group(1) + ")");
    }

    /** An ACE denying read of msDS-AllowedToDelegateTo (its schemaIDGUID), for {@link #deny}. */
    private static final String DENY_READ_DELEGATE_TO = "OD;;RP;800d94d7-b7a1-42a1-b14d-7cae1423d07f;";

    /** Binds as {@code user}@contoso.test with {@code password}. */
    private static Consumer<Cfg> asUser(String user, String password) {
        return x -> {
            x.bindDn = user + "@" + SambaDc.DNS_DOMAIN;
            x.password = password;
        };
    }

    /**
     * An account that may not read a node's msDS-AllowedToDelegateTo (a deny ACE on the attribute) gets no value for
     * it, as if none were set: the node's pairs read as MISSING_DELEGATION (which say that the attribute was written
     * yet read as empty: the next test). After a
     * run that could read them, CHANGED_SINCE_LAST_RUN reports the entries removed and says that the DC's replication
     * metadata records no write of the attribute since, so they may be unreadable rather than gone.
     */
    @Test
    @Order(17)
    void entriesTheBindAccountMayNoLongerReadAreNotSaidToBeRemovedOnly() throws Exception {
        String pass = "It-NoAttr-Acct1!";
        List<SambaDc.Host> c = twoNodesAndAUser("noattr", "ITNA1", "ITNA2", "itnoattr", pass);
        Thread.sleep(1000);   // the DC records a write's time to the second: the first run starts in a later one
        Run first = audit(c, "NA", asUser("itnoattr", pass));
        assertTrue(first.findings("MISSING_DELEGATION").isEmpty(), first.where());
        deny("itnoattr", "CN=ITNA2,OU=noattr," + IT_OU, DENY_READ_DELEGATE_TO);
        Thread.sleep(1000);   // the runs' times are to the second
        Run second = audit(c, "NA", asUser("itnoattr", pass));
        assertFalse(second.findings("MISSING_DELEGATION").isEmpty(), "the limit: unreadable reads as unset\n"
                + second.where());
        JsonNode changed = second.findings("CHANGED_SINCE_LAST_RUN").stream()
                .filter(f -> f.path("host").asText().equals("ITNA2")).findFirst().orElseThrow();
        assertTrue(changed.path("message").asText().contains(" The directory records no write of"
                + " msDS-AllowedToDelegateTo on ITNA2 since the previous run ("), second.where());
    }

    /**
     * The same deny ACE before the first run, which has no previous run to compare with: the DC still gives the
     * account the attribute's replication metadata (replPropertyMetaData is not filtered by the deny on the
     * attribute), so each MISSING_DELEGATION of the node says the attribute was written yet read as empty, carries
     * that write and {@code mayBeUnreadable}, and asks to look as a Domain Admin before adding the entries (a decision,
     * not a scripted add); the cluster's reason says so too. The other node's pairs are judged as before.
     */
    @Test
    @Order(17)
    void entriesTheBindAccountMayNotReadInTheFirstRunAreSaidToBeWrittenButReadAsEmpty() throws Exception {
        String pass = "It-NoAttr-Acct2!";
        List<SambaDc.Host> c = twoNodesAndAUser("noattr1", "ITNB1", "ITNB2", "itnoattr1", pass);
        deny("itnoattr1", "CN=ITNB2,OU=noattr1," + IT_OU, DENY_READ_DELEGATE_TO);
        Run first = audit(c, "NB", asUser("itnoattr1", pass));
        assertEquals(3, first.exit(), first.where());
        assertTrue(first.findings("CHANGED_SINCE_LAST_RUN").isEmpty(), "no previous run\n" + first.where());
        List<JsonNode> missing = first.findings("MISSING_DELEGATION");
        assertFalse(missing.isEmpty(), first.where());
        for (JsonNode f : missing) {
            assertEquals("ITNB2", f.path("host").asText(), first.where());
            JsonNode e = f.path("evidence");
            assertTrue(e.path("mayBeUnreadable").asBoolean(), f.toString());
            assertEquals("msDS-AllowedToDelegateTo", e.path("lastChange").path("attribute").asText(), f.toString());
            assertTrue(e.path("lastChange").path("version").asInt() >= 1, f.toString());
            assertTrue(f.path("message").asText().contains(", but the bind account read no value of it: either every"
                    + " entry was removed then, or the entries are hidden from the bind account"), f.toString());
            assertEquals("manual", f.path("actions").get(0).path("type").asText(), f.toString());
        }
        JsonNode reason = first.doc().path("clusters").get(0).path("reasons").get(0);
        assertTrue(reason.path("text").asText().contains(" of them on ITNB2, whose msDS-AllowedToDelegateTo was"
                + " written but read as empty"), reason.toString());
        // the Administrator reads the entries: nothing is missing
        assertTrue(audit(c, "NB", x -> { }).findings("MISSING_DELEGATION").isEmpty());
    }

    @Test
    @Order(18)
    void accountDisabled() throws Exception {
        String ou = scenarioOu("dis");
        List<SambaDc.Host> c = correctCluster(ou, hosts("ITDIS1", "ITDIS2"), h -> h.get(1).enabled = false);
        Run r = audit(c, "DIS", x -> { });
        JsonNode f = single(r, "ACCOUNT_DISABLED");
        assertEquals("MEDIUM", f.path("severity").asText());
        assertEquals("ITDIS2", f.path("host").asText());
        // MEDIUM, yet it blocks both pairs, so the cluster is NO-GO
        JsonNode cluster = r.doc().path("clusters").get(0);
        assertFalse(cluster.path("go").asBoolean(true), r.where());
        for (JsonNode p : cluster.path("matrix")) {
            assertFalse(p.path("ok").asBoolean(true), p.toString());
        }
    }

    @Test
    @Order(19)
    void rbcdPresent() throws Exception {
        String ou = scenarioOu("rbcd");
        List<SambaDc.Host> c = twoNodes(ou, "ITRB1", "ITRB2");
        // msDS-AllowedToActOnBehalfOfOtherIdentity is system-only over LDAP in Samba 4.17
        dc.toolLocal("delegation", "add-principal", "ITRB2$", "ITRB1$");
        Run r = audit(c, "RBCD", x -> { });
        assertEquals(0, r.exit(), r.where());
        JsonNode f = single(r, "RBCD_PRESENT");
        assertEquals("INFO", f.path("severity").asText());
        assertEquals("ITRB2", f.path("host").asText());
    }

    @Test
    @Order(20)
    void rbcdCoversAMissingDirection() throws Exception {
        String ou = scenarioOu("rbcd2");
        List<SambaDc.Host> c = oneDirection(ou, "ITRC1", "ITRC2");   // ITRC2 -> ITRC1 has no KCD entry ...
        dc.toolLocal("delegation", "add-principal", "ITRC1$", "ITRC2$");   // ... but ITRC1 trusts ITRC2 by RBCD
        Run r = audit(c, "RBCD2", x -> { });
        assertOnly(r, "HIGH", List.of());
    }

    /**
     * RBCD granted through a group (the reviewer's case): ITRG1's descriptor names the group ITRG Hosts, which holds
     * ITRG2, and ITRG2 has no classic entry to ITRG1. The KDC checks the descriptor against ITRG2's token, groups
     * included, so the pair is covered; then the same through Domain Computers, ITRG2's primary group (Samba, like
     * AD, does not list primary-group members in {@code member}).
     */
    @Test
    @Order(20)
    void rbcdThroughAGroupCoversAMissingDirection() throws Exception {
        String ou = scenarioOu("rbcdgrp");
        List<SambaDc.Host> c = oneDirection(ou, "ITRG1", "ITRG2");   // ITRG2 -> ITRG1 has no KCD entry ...
        dc.tool("group", "add", "ITRG Hosts", "--groupou=" + ou);
        dc.tool("group", "addmembers", "ITRG Hosts", "ITRG2$");
        dc.toolLocal("delegation", "add-principal", "ITRG1$", "ITRG Hosts");   // ... a group ITRG2 is in may
        Run r = audit(c, "RBCDG", x -> { });
        assertOnly(r, "HIGH", List.of());
        JsonNode f = single(r, "RBCD_PRESENT");
        assertTrue(f.path("message").asText().contains("(ITRG Hosts, group, 1 member: ITRG2)"), r.where());
        assertTrue(f.path("message").asText().contains("It covers ITRG2 -> ITRG1"), r.where());
        assertTrue(r.doc().path("clusters").get(0).path("go").asBoolean(), r.where());

        dc.toolLocal("delegation", "del-principal", "ITRG1$", "ITRG Hosts");
        dc.toolLocal("delegation", "add-principal", "ITRG1$", "Domain Computers");
        r = audit(c, "RBCDG", x -> { });
        // the pair is covered, but any computer account (one any user may create) can act as any user towards ITRG1
        assertOnly(r, "HIGH", List.of("RBCD_ALLOWS_ANY_ACCOUNT"));
        assertTrue(single(r, "RBCD_PRESENT").path("message").asText().contains("(Domain Computers, group, "),
                r.where());
        assertTrue(single(r, "RBCD_ALLOWS_ANY_ACCOUNT").path("remediation").asText().contains("Set-ADComputer"
                + " -Identity 'ITRG1$' -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'ITRG2$'"),
                r.where());
        for (JsonNode p : r.doc().path("clusters").get(0).path("matrix")) {
            assertTrue(p.path("ok").asBoolean(), p + "\n" + r.where());
        }

        // the last principal removed: samba-tool leaves the attribute with a descriptor that allows nobody
        dc.toolLocal("delegation", "del-principal", "ITRG1$", "Domain Computers");
        r = audit(c, "RBCDG", x -> { });
        assertEquals(4, r.findings("MISSING_DELEGATION").size(), "ITRG2 -> ITRG1 is covered no more\n" + r.where());
        JsonNode empty = single(r, "RBCD_PRESENT");
        assertTrue(empty.path("message").asText().startsWith("ITRG1 carries msDS-AllowedToActOnBehalfOfOtherIdentity,"
                + " but kcd-audit reads no host it allows"), r.where());
        assertTrue(empty.path("remediation").asText().contains("-PrincipalsAllowedToDelegateToAccount $null"),
                r.where());
    }

    @Test
    @Order(21)
    void dnsHostNameMissing() throws Exception {
        String ou = scenarioOu("dns");
        List<SambaDc.Host> c = correctCluster(ou, hosts("ITDNS1", "ITDNS2"), h -> h.get(0).dnsHostName = false);
        Run r = audit(c, "DNS", x -> { });
        JsonNode f = single(r, "DNS_HOST_NAME_MISSING");
        assertEquals("MEDIUM", f.path("severity").asText());
        assertEquals("ITDNS1", f.path("host").asText());
    }

    // ------------------------------------------------------------------ Kerberos beyond the delegation entry

    /** The DC's DNS name as its root DSE gives it (Samba: dc1.contoso.test). */
    private static String dcDnsName() throws Exception {
        try (LDAPConnection c = dc.admin()) {
            return c.getRootDSE().getAttributeValue("dnsHostName");
        }
    }

    @Test
    @Order(22)
    void encryptionTypesTheDcAsTargetTheRootDseAndTheDateOfAesKeys() throws Exception {
        String ou = scenarioOu("krb");
        List<SambaDc.Host> c = twoNodes(ou, "ITKRB1", "ITKRB2");
        String dcName = dcDnsName();
        // an RC4-only account, as ADUC's attribute editor or Set-ADComputer -KerberosEncryptionType RC4 leave it
        try (LDAPConnection a = dc.admin()) {
            a.modify("CN=ITKRB2," + ou + "," + SambaDc.BASE_DN, new Modification(ModificationType.REPLACE,
                    "msDS-SupportedEncryptionTypes", "4"));
        }
        dc.tool("delegation", "add-service", "ITKRB1$", "cifs/" + dcName);
        // samba-tool computer create leaves pwdLastSet 0; a join sets the machine password
        dc.tool("user", "setpassword", "ITKRB2$", "--newpassword=" + dc.adminPassword);
        Snapshot s = collect(auditConfig(c, "KRB"));
        assertEquals(dcName, s.dc(), "the root DSE's dnsHostName");
        assertTrue(s.dcServerName().startsWith("CN=DC1,CN=Servers,"), s.dcServerName());
        AdObject krb2 = byName(s, "ITKRB2");
        assertEquals(4, krb2.supportedEncryptionTypes());
        assertTrue(krb2.pwdLastSet() != null && krb2.pwdLastSet().isAfter(s.aesKeysSince()), krb2.toString());
        assertEquals(null, byName(s, "ITKRB1").pwdLastSet(), "pwdLastSet 0 (never set): no time");
        assertEquals(null, byName(s, "ITKRB1").supportedEncryptionTypes(), "absent: the KDC's default");
        AdObject target = s.objects().stream().filter(o -> dcName.equalsIgnoreCase(o.dnsHostName())).findFirst()
                .orElseThrow();
        assertTrue(target.isDomainController(), "UAC " + target.userAccountControl());
        assertTrue(byName(s, "ITKRB1").delegateTo().contains("cifs/" + dcName));
        assertTrue(s.objects().stream().anyMatch(AdObject::isKrbtgt), "krbtgt (kadmin/changepw) is in the sweep");
        try (LDAPConnection a = dc.admin()) {
            String created = a.getEntry("CN=Read-only Domain Controllers,CN=Users," + SambaDc.BASE_DN, "whenCreated")
                    .getAttributeValue("whenCreated");
            assertEquals(StaticUtils.decodeGeneralizedTime(created).toInstant(), s.aesKeysSince(),
                    "whenCreated of <domain SID>-521");
        }
        Run r = audit(c, "KRB", x -> { });
        assertEquals(dcName, r.doc().path("directory").path("dc").asText(), r.where());
        assertEquals("ITKRB2", single(r, "AES_NOT_ENABLED").path("host").asText(), "RC4 only");
        JsonNode sensitive = single(r, "DELEGATION_TO_SENSITIVE_TARGET");
        assertEquals("ITKRB1", sensitive.path("host").asText());
        assertEquals("cifs/" + dcName, sensitive.path("spn").asText());
        assertTrue(r.findings("STALE_DELEGATION").isEmpty(), "the DC entry is the sensitive rule's, once");
        for (JsonNode p : r.doc().path("clusters").get(0).path("matrix")) {
            assertFalse(p.path("ok").asBoolean(true), "every pair has ITKRB2 (no AES) at one end: " + p);
            assertTrue(p.path("blockers").toString().contains("AES_NOT_ENABLED"), p.toString());
        }
        // the runbook and the script write to, and replicate from, the DC the root DSE named (the URL is an IP)
        Path out = tmp.resolve("out");
        assertEquals(0, Main.execute(new String[]{"report", "--from", out.toString(), "--formats", "md,ps1"},
                System.out, System.err, Map.of()));
        String md = Files.readString(out.resolve("runbook.md"));
        assertTrue(md.contains("repadmin /syncall " + dcName + " /AdeP"), md);
        assertTrue(md.contains("-Server '" + dcName + "'"), md);
        assertTrue(md.contains(dcName + ", the domain controller the audit read from"), md);
        assertTrue(Files.readString(out.resolve("remediation.ps1")).contains("[string]$Server = '" + dcName + "'"));
        for (JsonNode h : r.doc().path("hosts")) {
            if (h.path("name").asText().equals("ITKRB2")) {
                assertEquals(4, h.path("supportedEncryptionTypes").asInt(), h.toString());
                assertFalse(h.path("pwdLastSet").isNull(), h.toString());
            }
        }
    }

    @Test
    @Order(23)
    void operatorsThroughNestedGroupsWithTheInChainRule() throws Exception {
        String ou = scenarioOu("ops");
        List<SambaDc.Host> c = twoNodes(ou, "ITOPS1", "ITOPS2");
        for (String u : List.of("itops-prot", "itops-plain")) {
            dc.tool("user", "create", u, dc.adminPassword, "--userou=" + ou);
        }
        sensitiveUser(ou, "itops-sens");
        dc.tool("group", "add", "ITOPS Tier0", "--groupou=" + ou);
        dc.tool("group", "addmembers", "ITOPS Tier0", "itops-prot");
        dc.tool("group", "addmembers", "Protected Users", "ITOPS Tier0");
        dc.tool("group", "add", "ITOPS Shift", "--groupou=" + ou);
        dc.tool("group", "addmembers", "ITOPS Shift", "itops-prot,itops-plain");
        dc.tool("group", "add", "ITOPS Operators", "--groupou=" + ou);
        dc.tool("group", "addmembers", "ITOPS Operators", "itops-sens,ITOPS Shift");
        Cfg cfg = auditConfig(c, "OPS");
        cfg.operators = List.of("ITOPS Operators", "itops-sens", "nobody-here");
        Snapshot s = collect(cfg);
        assertEquals(3, s.operators().size());
        Operator group = s.operators().get(0);
        assertEquals(Operator.Kind.GROUP, group.kind());
        assertEquals(Operator.Expansion.IN_CHAIN, group.expansion(), "Samba answers LDAP_MATCHING_RULE_IN_CHAIN");
        Map<String, OperatorAccount> users = new java.util.HashMap<>();
        group.accounts().forEach(u -> users.put(u.samAccountName(), u));
        assertEquals(List.of("itops-plain", "itops-prot", "itops-sens"), users.keySet().stream().sorted().toList(),
                "the nested group's users too");
        assertTrue(users.get("itops-sens").notDelegated());
        assertEquals(Boolean.FALSE, users.get("itops-sens").protectedUsers());
        assertEquals(Boolean.TRUE, users.get("itops-prot").protectedUsers(), "Protected Users through ITOPS Tier0");
        assertTrue(users.get("itops-plain").delegable());
        assertEquals(Operator.Kind.USER, s.operators().get(1).kind());
        assertTrue(s.operators().get(1).accounts().get(0).notDelegated());
        assertEquals(Operator.Kind.NOT_FOUND, s.operators().get(2).kind());
        Run r = audit(cfg);
        assertEquals(List.of("itops-prot", "itops-sens"), r.findings("OPERATOR_NOT_DELEGABLE").stream()
                .map(f -> f.path("host").asText()).sorted().toList(), r.where());
        assertEquals(List.of("nobody-here"), r.findings("OPERATOR_NOT_FOUND").stream().map(f -> f.path("host").asText())
                .toList(), r.where());
    }

    /**
     * The names admins type for an operator, as bindDn accepts them: {@code CONTOSO\name} and the UPN resolve to the
     * account; README's hostile example {@code *)(cn=*} (which UnboundID's lenient parser takes for a DN, and Samba
     * refuses with invalidDNSyntax when it is read as one) and another domain's down-level name are not found, and
     * the run completes.
     */
    @Test
    @Order(24)
    void operatorsAsDownLevelNameUpnAndAHostileNameDoNotAbortTheRun() throws Exception {
        String ou = scenarioOu("opnames");
        List<SambaDc.Host> c = twoNodes(ou, "ITOPN1", "ITOPN2");
        sensitiveUser(ou, "itopn-direct");
        Cfg cfg = auditConfig(c, "OPN");
        cfg.operators = List.of("CONTOSO\\itopn-direct", "itopn-direct@" + SambaDc.DNS_DOMAIN, "*)(cn=*",
                "FABRIKAM\\itopn-direct", "CN=nobody,CN=Users,DC=fabrikam,DC=test");
        Snapshot s = collect(cfg);
        assertEquals(List.of(Operator.Kind.USER, Operator.Kind.USER, Operator.Kind.NOT_FOUND, Operator.Kind.NOT_FOUND,
                Operator.Kind.NOT_FOUND), s.operators().stream().map(Operator::kind).toList());
        assertTrue(s.operators().get(3).note().startsWith("FABRIKAM is not the domain of this directory (CONTOSO"),
                "Samba's crossRef names the domain's NetBIOS name: " + s.operators().get(3).note());
        Run r = audit(cfg);
        assertTrue(r.exit() == 0 || r.exit() == 3, r.where());
        assertEquals(List.of("itopn-direct"), r.findings("OPERATOR_NOT_DELEGABLE").stream()
                .map(f -> f.path("severity").asText().equals("MEDIUM") ? f.path("host").asText() : "?").toList(),
                r.where());
        assertEquals(List.of("*)(cn=*", "CN=nobody,CN=Users,DC=fabrikam,DC=test", "FABRIKAM\\itopn-direct"),
                r.findings("OPERATOR_NOT_FOUND").stream().map(f -> f.path("host").asText()).sorted().toList(),
                r.where());
    }

    /**
     * A group-managed service account (objectClass msDS-GroupManagedServiceAccount, a subclass of computer) that runs
     * the scheduled drains is an operator too: in an operator group and marked "sensitive and cannot be delegated", its
     * remote moves fail as a user's do, so it is checked, not left out with the hosts' computer accounts.
     */
    @Test
    @Order(25)
    void aGroupManagedServiceAccountInAnOperatorGroupIsChecked() throws Exception {
        String ou = scenarioOu("opgmsa");
        List<SambaDc.Host> c = twoNodes(ou, "ITOPG1", "ITOPG2");
        try (LDAPConnection a = dc.admin()) {
            a.add("CN=itopg-gmsa," + ou + "," + SambaDc.BASE_DN,
                    new com.unboundid.ldap.sdk.Attribute("objectClass", "msDS-GroupManagedServiceAccount"),
                    new com.unboundid.ldap.sdk.Attribute("sAMAccountName", "itopg-gmsa$"),
                    new com.unboundid.ldap.sdk.Attribute("dNSHostName", "itopg-gmsa." + SambaDc.DNS_DOMAIN),
                    new com.unboundid.ldap.sdk.Attribute("msDS-ManagedPasswordInterval", "30"),
                    new com.unboundid.ldap.sdk.Attribute("userAccountControl", String.valueOf(0x1000 | 0x100000)));
        }
        dc.tool("group", "add", "ITOPG Operators", "--groupou=" + ou);
        dc.tool("group", "addmembers", "ITOPG Operators", "itopg-gmsa$,ITOPG1$");
        Cfg cfg = auditConfig(c, "OPG");
        cfg.operators = List.of("ITOPG Operators");
        Run r = audit(cfg);
        assertEquals(List.of("itopg-gmsa$"), r.findings("OPERATOR_NOT_DELEGABLE").stream()
                .map(f -> f.path("host").asText()).toList(), "the gMSA, not the node in the group\n" + r.where());
    }

    /** A user in {@code ou} marked "Account is sensitive and cannot be delegated" (UAC 0x100000), as ADUC sets it. */
    private static void sensitiveUser(String ou, String name) throws Exception {
        dc.tool("user", "create", name, dc.adminPassword, "--userou=" + ou);
        try (LDAPConnection a = dc.admin()) {
            a.modify("CN=" + name + "," + ou + "," + SambaDc.BASE_DN, new Modification(ModificationType.REPLACE,
                    "userAccountControl", String.valueOf(0x200 | 0x100000)));
        }
    }

    private static Cfg auditConfig(List<SambaDc.Host> cluster, String name) {
        Cfg c = new Cfg();
        c.cluster = name;
        c.nodes = cluster.stream().map(h -> h.name).toList();
        return c;
    }

    private static AdObject byName(Snapshot s, String name) {
        return s.objects().stream().filter(o -> name.equals(o.name())).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ binds and transport

    private static List<SambaDc.Host> bindCluster;

    private List<SambaDc.Host> bindCluster() throws Exception {
        if (bindCluster == null) {
            bindCluster = twoNodes(scenarioOu("bind"), "ITBND1", "ITBND2");
        }
        return bindCluster;
    }

    @Test
    @Order(30)
    void bindAsDownLevelNameUpnAndDn() throws Exception {
        List<SambaDc.Host> c = bindCluster();
        for (String who : List.of("CONTOSO\\Administrator", "Administrator@contoso.test",
                "CN=Administrator,CN=Users,DC=contoso,DC=test")) {
            Run r = audit(c, "BIND", x -> x.bindDn = who);
            assertEquals(0, r.exit(), "bind as " + who + "\n" + r.where());
            assertEquals(2, r.doc().path("hosts").size(), r.where());
        }
    }

    @Test
    @Order(31)
    void wrongPasswordExitsOneWithAdsReason() throws Exception {
        Run r = audit(bindCluster(), "BIND", x -> x.password = "not-the-password");
        assertEquals(1, r.exit(), r.where());
        assertTrue(r.err().contains("52e"), "AD's data code for a wrong password\n" + r.where());
        assertTrue(r.err().toLowerCase().contains("wrong password"), r.where());
        // the right password with a name that matches no account: AD's answer is the same data 52e
        Run unknown = audit(bindCluster(), "BIND", x -> x.bindDn = "no-such-admin@" + SambaDc.DNS_DOMAIN);
        assertEquals(1, unknown.exit(), unknown.where());
        assertTrue(unknown.err().contains("refused: wrong password or unknown account name (AD data 52e) — check"
                + " directory.bindDn and the password"), unknown.where());
    }

    /**
     * A bind account that is disabled, expired or must change its password is refused although the password is right:
     * the line names AD's reason and says what to do about the account in AD, not to check the password again.
     */
    @Test
    @Order(31)
    void aDisabledExpiredOrMustChangeBindAccountIsToBeFixedInAdNotInThePassword() throws Exception {
        String ou = scenarioOu("bindacct");
        String pass = "It-Bind-Acct1!";
        dc.tool("user", "create", "itbind-off", pass, "--userou=" + ou);
        dc.tool("user", "disable", "itbind-off");
        dc.tool("user", "create", "itbind-exp", pass, "--userou=" + ou);
        dc.tool("user", "setexpiry", "itbind-exp", "--days=0");
        dc.tool("user", "create", "itbind-new", pass, "--userou=" + ou, "--must-change-at-next-login");
        for (String[] c : List.of(new String[]{"itbind-off", "account disabled (AD data 533)", "Enable-ADAccount"},
                new String[]{"itbind-exp", "account expired (AD data 701)", "Set-ADAccountExpiration"},
                new String[]{"itbind-new", "(AD data 773)", "Set-ADAccountPassword"})) {
            Run r = audit(bindCluster(), "BIND", x -> {
                x.bindDn = c[0] + "@" + SambaDc.DNS_DOMAIN;
                x.password = pass;
            });
            assertEquals(1, r.exit(), r.where());
            assertTrue(r.err().contains(c[1]) && r.err().contains(c[2]), "AD's reason and the fix in AD\n" + r.where());
            assertFalse(r.err().contains("check directory.bindDn and the password"), "the password is right\n"
                    + r.where());
            assertFalse(r.err().contains(pass), r.where());
            // where the password comes from, said once ("put the password in the password in …" before)
            assertFalse(r.err().contains("the password in the password"), r.where());
            if (c[0].equals("itbind-new")) {
                assertTrue(r.err().contains("and put the password in KCD_AUDIT_LDAP_PASSWORD (directory.passwordEnv)"),
                        r.where());
            }
        }
    }

    /**
     * A trust store without the DC's CA, over LDAPS and StartTLS: the line names the CA that issued the DC's certificate
     * (the script's test CA) and the trust store file to import it into; a store holding a certificate of the CA's name
     * with another key (a CA renewed with a new key) says so. Before, the first read "not signed by a CA
     * directory.trustStore (or the Java trust store) holds" without the CA or the file, the second "Path does not chain
     * with any of the trust anchors".
     */
    @Test
    @Order(32)
    void aTrustStoreWithoutTheDcsCaNamesTheCaAndTheFile() throws Exception {
        Path ca = dc.dir.resolve("tls/ca.crt");
        String caName;
        try (var in = Files.newInputStream(ca)) {
            caName = ((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)).getSubjectX500Principal().getName();
        }
        // PKCS#12 stores (password changeit, as the script's) each holding a new self-signed certificate of that name
        Path other = TestDirectory.generateTls(tmp.resolve("other"), "dns:ca.invalid", "CN=Fabrikam Root CA")
                .trustStore();
        Path renewed = TestDirectory.generateTls(tmp.resolve("renewed"), "dns:ca.invalid", caName).trustStore();
        for (boolean startTls : new boolean[]{false, true}) {
            Run r = audit(bindCluster(), "BIND", x -> {
                x.otherTrustStore = other;
                x.startTls = startTls;
                x.url = startTls ? "ldap://127.0.0.1:389" : "ldaps://127.0.0.1:636";
            });
            assertEquals(1, r.exit(), r.where());
            assertTrue(r.err().contains(": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by "
                    + caName + ", a CA that directory.trustStore (" + other + ") does not hold — import that CA's"
                    + " certificate into it"), r.where());
            assertEquals(1, r.err().strip().lines().count(), r.where());
        }
        Run r = audit(bindCluster(), "BIND", x -> x.otherTrustStore = renewed);
        assertEquals(1, r.exit(), r.where());
        assertTrue(r.err().contains(": TLS failed: the DC's certificate (CN=dc1.contoso.test) was issued by " + caName
                + "; directory.trustStore (" + renewed + ") holds a certificate of that name, but not the one that"
                + " signed it"), r.where());
    }

    @Test
    @Order(32)
    void ldapsWithoutTheCaFailsWithACertificateError() throws Exception {
        Run r = audit(bindCluster(), "BIND", x -> x.trustStore = false);
        assertEquals(1, r.exit(), r.where());
        assertTrue(r.err().contains("TLS failed"), r.where());
        assertTrue(r.err().toLowerCase().matches("(?s).*(certif|pkix|trust).*"), r.where());
    }

    /**
     * Host-name checking against the DC's certificate (SAN IP:127.0.0.1, localhost, dc1.contoso.test), over LDAPS and
     * StartTLS. The other tests connect to the numeric loopback address, which the certificate lists as IP:127.0.0.1
     * (LdapEndToEndTest refuses one that does not), so this connects by name: dc1.contoso.test, which the certificate lists, works (over LDAPS; StartTLS works in
     * startTlsWorks); not-dc1.contoso.test, the same DC by a name the certificate lacks, fails with one line. Both
     * resolve to 127.0.0.1 through the audit JVM's hosts file.
     */
    @Test
    @Order(32)
    void aHostNameTheDcsCertificateLacksIsRefusedOverLdapsAndStartTls() throws Exception {
        Path hosts = tmp.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 dc1.contoso.test not-dc1.contoso.test\n");
        List<SambaDc.Host> c = bindCluster();
        Run listed = audit(c, "BIND", x -> {
            x.url = "ldaps://dc1.contoso.test:636";
            x.hostsFile = hosts;
        });
        assertEquals(0, listed.exit(), listed.where());
        for (String lacking : List.of("ldaps://not-dc1.contoso.test:636", "ldap://not-dc1.contoso.test:389")) {
            Run refused = audit(c, "BIND", x -> {
                x.url = lacking;
                x.startTls = lacking.startsWith("ldap:");
                x.hostsFile = hosts;
            });
            assertOneLine(refused, lacking + ": TLS failed: Hostname verification failed because the expected hostname"
                    + " 'not-dc1.contoso.test' was not found", "put a name the certificate lists into directory.url");
            assertFalse(refused.err().contains(dc.adminPassword), refused.where());
        }
    }

    @Test
    @Order(33)
    void startTlsWorks() throws Exception {
        Run r = audit(bindCluster(), "BIND", x -> {
            x.url = "ldap://127.0.0.1:389";
            x.startTls = true;
        });
        assertEquals(0, r.exit(), r.where());
    }

    @Test
    @Order(34)
    void plainSimpleBindAllowedWhenTheServerAllowsIt() throws Exception {
        Run r = audit(bindCluster(), "BIND", x -> {
            x.url = "ldap://127.0.0.1:389";
            x.trustStore = false;
            x.insecure = true;
        });
        assertEquals(0, r.exit(), r.where());
    }

    /** The keys of svc-kcdaudit that scripts/samba-ad.sh up exports, for the Kerberos binds. */
    private static Path keytab() {
        Path keytab = dc.dir.resolve("svc-kcdaudit.keytab");
        SambaDc.require(Files.isReadable(keytab), "no keytab " + keytab + " (scripts/samba-ad.sh up exports it)");
        return keytab;
    }

    @Test
    @Order(40)
    void gssapiBindWithAKeytabOverLdaps() throws Exception {
        keytab();
        Run r = audit(bindCluster(), "BIND", x -> x.principal = "svc-kcdaudit@" + SambaDc.REALM);
        assertEquals(0, r.exit(), r.where());
        assertEquals(2, r.doc().path("hosts").size(), r.where());
    }

    @Test
    @Order(41)
    void gssapiBindOverPlainLdapSignsTheSession() throws Exception {
        keytab();
        Run r = audit(bindCluster(), "BIND", x -> {
            x.principal = "svc-kcdaudit@" + SambaDc.REALM;
            x.url = "ldap://127.0.0.1:389";
            x.trustStore = false;
        });
        assertEquals(0, r.exit(), r.where());
        assertEquals(2, r.doc().path("hosts").size(), r.where());
    }

    @Test
    @Order(42)
    void gssapiWithAPrincipalTheKeytabDoesNotHoldSaysSo() throws Exception {
        keytab();
        Run r = audit(bindCluster(), "BIND", x -> x.principal = "nobody@" + SambaDc.REALM);
        assertEquals(1, r.exit(), r.where());
        assertTrue(r.err().contains("Kerberos (GSSAPI) bind as nobody@CONTOSO.TEST failed: the keytab "
                + dc.dir.resolve("svc-kcdaudit.keytab") + " holds no key for nobody@CONTOSO.TEST")
                && r.err().contains("check directory.principal, directory.keytab, directory.krb5Conf"), r.where());
    }

    @Test
    @Order(43)
    void gssapiBindFromTheTicketCacheThatKinitFilled() throws Exception {
        Path keytab = keytab();
        String principal = "svc-kcdaudit@" + SambaDc.REALM;
        Path cache = tmp.resolve("krb5cc_kcd");
        ProcessBuilder kinit = new ProcessBuilder("kinit", "-k", "-t", keytab.toString(), "-c", "FILE:" + cache, principal)
                .redirectErrorStream(true);
        kinit.environment().put("KRB5_CONFIG", dc.dir.resolve("etc/krb5.conf").toString());
        Process k = kinit.start();
        String said = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(k.waitFor(30, TimeUnit.SECONDS), "kinit hung");
        assertEquals(0, k.exitValue(), "kinit: " + said);

        Run r = audit(bindCluster(), "BIND", x -> {
            x.principal = principal;
            x.ticketCache = cache;
        });
        assertEquals(0, r.exit(), r.where());
        assertEquals(2, r.doc().path("hosts").size(), r.where());

        Run none = audit(bindCluster(), "BIND", x -> {
            x.principal = principal;
            x.ticketCache = tmp.resolve("no-kinit-yet");
        });
        assertEquals(1, none.exit(), none.where());
        assertTrue(none.err().contains("Kerberos (GSSAPI) bind as " + principal + " failed")
                && none.err().contains("the ticket cache is used (KRB5CCNAME=FILE:" + tmp.resolve("no-kinit-yet"))
                && none.err().contains("run kinit -c FILE:" + tmp.resolve("no-kinit-yet") + " " + principal),
                "kinit into the cache KRB5CCNAME names, the one Java reads: " + none.where());
        assertEquals(1, none.err().strip().lines().count(), none.where());
    }

    @Test
    @Order(44)
    void gssapiFailuresSayWhatTheKdcSaid() throws Exception {
        keytab();
        String ou = scenarioOu("krbfail");
        dc.tool("user", "create", "it-krb-stale", "It-Krb-Old1!", "--userou=" + ou);
        Path stale = tmp.resolve("stale.keytab");
        dc.exportKeytab(stale, "it-krb-stale@" + SambaDc.REALM);
        dc.tool("user", "setpassword", "it-krb-stale", "--newpassword=It-Krb-New2!");
        Run oldKey = audit(bindCluster(), "BIND", x -> {
            x.principal = "it-krb-stale@" + SambaDc.REALM;
            x.keytab = stale;
        });
        assertOneLine(oldKey, "Kerberos (GSSAPI) bind as it-krb-stale@CONTOSO.TEST failed: the KDC refused the key"
                + " of it-krb-stale@CONTOSO.TEST in " + stale + " (KDC_ERR_PREAUTH_FAILED)", "export the keytab again");

        dc.tool("user", "create", "it-krb-off", "It-Krb-Off3!", "--userou=" + ou);
        Path off = tmp.resolve("off.keytab");
        dc.exportKeytab(off, "it-krb-off@" + SambaDc.REALM);
        dc.tool("user", "disable", "it-krb-off");
        Run disabled = audit(bindCluster(), "BIND", x -> {
            x.principal = "it-krb-off@" + SambaDc.REALM;
            x.keytab = off;
        });
        assertOneLine(disabled, "the account is disabled, locked out or expired (KDC_ERR_CLIENT_REVOKED)");

        Path noKdc = tmp.resolve("krb5-no-kdc.conf");
        Files.writeString(noKdc, Files.readString(dc.dir.resolve("etc/krb5.conf"))
                .replaceAll("kdc = 127\\.0\\.0\\.1\\b(?!:)", "kdc = 127.0.0.1:9"));
        Run unreachable = audit(bindCluster(), "BIND", x -> {
            x.principal = "svc-kcdaudit@" + SambaDc.REALM;
            x.krb5Conf = noKdc;
        });
        assertOneLine(unreachable, "no KDC of CONTOSO.TEST answered", "in directory.krb5Conf " + noKdc);
    }

    /** Exit 1 and one line holding {@code parts}, without a Java trace or the JDK's ASN.1 parse error. */
    private static void assertOneLine(Run r, String... parts) {
        assertEquals(1, r.exit(), r.where());
        assertEquals(1, r.err().strip().lines().count(), r.where());
        for (String part : parts) {
            assertTrue(r.err().contains(part), "expected '" + part + "'\n" + r.where());
        }
        assertFalse(r.err().contains("trace=") || r.err().contains("(906)") || r.err().contains("Exception"),
                r.where());
    }

    @Test
    @Order(45)
    void gssapiFromTheTicketCacheOfAnotherPrincipalIsRefused() throws Exception {
        keytab();
        Path cache = tmp.resolve("krb5cc_admin");
        ProcessBuilder kinit = new ProcessBuilder("kinit", "-c", "FILE:" + cache, "Administrator@" + SambaDc.REALM)
                .redirectErrorStream(true);
        kinit.environment().put("KRB5_CONFIG", dc.dir.resolve("etc/krb5.conf").toString());
        Process k = kinit.start();
        k.getOutputStream().write((dc.adminPassword + "\n").getBytes(StandardCharsets.UTF_8));
        k.getOutputStream().close();
        String said = new String(k.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(k.waitFor(30, TimeUnit.SECONDS), "kinit hung");
        assertEquals(0, k.exitValue(), "kinit: " + said);

        Run r = audit(bindCluster(), "BIND", x -> {
            x.principal = "svc-kcdaudit@" + SambaDc.REALM;
            x.ticketCache = cache;
        });
        assertEquals(1, r.exit(), "the configured principal, not the Administrator whose TGT is cached\n" + r.where());
        assertTrue(r.err().contains("Kerberos (GSSAPI) bind as svc-kcdaudit@CONTOSO.TEST refused: the ticket cache"
                + " (KRB5CCNAME=FILE:" + cache + ") holds the tickets of Administrator@CONTOSO.TEST"), r.where());
        assertTrue(r.err().contains("run kinit -c FILE:" + cache + " svc-kcdaudit@CONTOSO.TEST"), r.where());
        assertEquals(1, r.err().strip().lines().count(), r.where());
    }

    @Test
    @Order(90)
    void strongAuthRequiredIsExplained() throws Exception {
        List<SambaDc.Host> c = bindCluster();
        SambaDc.Result on = dc.script("strong-auth", "yes");
        try {
            assertEquals(0, on.exit(), on.output());
            Run r = audit(c, "BIND", x -> {
                x.url = "ldap://127.0.0.1:389";
                x.trustStore = false;
                x.insecure = true;
            });
            assertEquals(1, r.exit(), r.where());
            assertTrue(r.err().contains("requires TLS or signing"), r.where());
            assertTrue(r.err().contains("ldaps://") || r.err().toLowerCase().contains("starttls"),
                    "says how to configure it\n" + r.where());
            Run tls = audit(c, "BIND", x -> { });
            assertEquals(0, tls.exit(), "LDAPS still works under strong auth\n" + tls.where());
            keytab();
            Run krb = audit(c, "BIND", x -> {
                x.principal = "svc-kcdaudit@" + SambaDc.REALM;
                x.url = "ldap://127.0.0.1:389";
                x.trustStore = false;
            });
            assertEquals(0, krb.exit(), "a signed/sealed Kerberos bind satisfies strong auth\n" + krb.where());
            Run krbTls = audit(c, "BIND", x -> x.principal = "svc-kcdaudit@" + SambaDc.REALM);
            assertEquals(1, krbTls.exit(), "Samba wants SASL signing even inside TLS\n" + krbTls.where());
            assertTrue(krbTls.err().contains("refused a Kerberos bind inside TLS without SASL signing")
                    && krbTls.err().contains("bind over plain LDAP instead (directory.url ldap://"),
                    "not the advice to use TLS, which the bind already does\n" + krbTls.where());
        } finally {
            SambaDc.Result off = dc.script("strong-auth", "no");
            assertEquals(0, off.exit(), off.output());
        }
    }
}
