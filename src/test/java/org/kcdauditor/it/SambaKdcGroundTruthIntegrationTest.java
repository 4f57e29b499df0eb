package org.kcdauditor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ground truth for the pair verdicts: for each directed pair the tool judges, the Samba DC's KDC is asked for the
 * tickets the source host needs when it acts for the operator, and the two must agree. The source gets its TGT from
 * its exported keys ({@code kinit -k}), then MIT {@code kvno -I USER -P SPN} makes the S4U2self + S4U2proxy exchange
 * for every SPN the pair requires (the protocol-transition path that policy {@code any} stands for); for a
 * Kerberos-only source the operator's own forwardable ticket to the source is put in its cache first, and kvno uses
 * it as the evidence ticket (the Kerberos path, policy {@code kerberos-only}). The target must get its own TGT too: a
 * disabled or expired node cannot take part in a migration. The client allows AES only, as hosts do once RC4 is off
 * (KB5073381). A pair is the KDC's OK when every step succeeds; the tool's {@code clusters[].matrix[].ok} must say the
 * same. What Samba 4.17's KDC does differently from Windows (SPNs with spaces, RBCD, Protected Users, sPNMappings
 * order, a disabled service's tickets) is in docs/samba.md; those cases are not asserted here.
 */
@Tag("integration")
class SambaKdcGroundTruthIntegrationTest {
    private static final String OU = "OU=kcd-gt";
    private static final String OPERATOR = "gt-operator";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SambaDc dc;
    /** The migration service class the KDC is asked for: the real one, unless this KDC cannot look up SPNs with spaces. */
    private static String service;
    private static Path work;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcAndKerberosToolsAreThere() throws Exception {
        boolean tools = SambaDc.run(List.of("sh", "-c", "command -v kinit && command -v kvno")).exit() == 0;
        SambaDc.require(tools, "KDC ground truth skipped: kinit/kvno (krb5-user) are not installed"
                + " (scripts/samba-ad.sh up installs them)");
        dc = SambaDc.forSuite("KDC ground-truth suite", OU);
        work = Files.createTempDirectory("kcd-gt");
        Files.writeString(work.resolve("krb5.conf"), "include " + dc.dir.resolve("etc/krb5.conf") + "\n"
                + "[libdefaults]\n\tpermitted_enctypes = aes256-cts aes128-cts\n"
                + "\tdefault_tgs_enctypes = aes256-cts aes128-cts\n\tdefault_tkt_enctypes = aes256-cts aes128-cts\n");
        dc.tool("user", "create", OPERATOR, dc.adminPassword + "-op", "--userou=" + OU);
        dc.exportKeytab(work.resolve("operator.keytab"), OPERATOR);
        service = kdcFindsSpnsWithSpaces() ? SambaDc.MVSMS : "vsms-gt";
    }

    @AfterAll
    static void cleanUp() throws IOException {
        SambaDc.afterSuite(dc, OU);
        if (work != null) {
            try (var files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Samba 4.17's KDC escapes a space when it looks a service name up ({@code Microsoft\ Virtual…}), so it never
     * finds {@code Microsoft Virtual System Migration Service/X} that Windows finds; then a class without spaces
     * stands in for it (the tool treats every policy service alike).
     */
    private static boolean kdcFindsSpnsWithSpaces() throws Exception {
        computer("GTSPACE", SambaDc.MVSMS, List.of());
        Path cc = work.resolve("space.cc");
        Result tgt = krb("kinit", "-k", "-t", work.resolve("operator.keytab").toString(), "-c", "FILE:" + cc,
                OPERATOR + "@" + SambaDc.REALM);
        assertEquals(0, tgt.exit(), tgt.output());
        return krb("kvno", "-c", "FILE:" + cc, SambaDc.MVSMS + "/GTSPACE").exit() == 0;
    }

    // ------------------------------------------------------------------ building scenarios

    /**
     * A Hyper-V host the way a join and Hyper-V leave it (HOST/ and the migration service in both name forms), with a
     * machine password of its own (keys to export; distinct, so no two accounts share an RC4 key), enabled.
     * {@code extra}: LDAP modifications applied last (disable, expire, encryption types).
     */
    private static void computer(String name, String migrationService, List<Modification> extra) throws Exception {
        dc.tool("computer", "create", name, "--computerou=" + OU);
        dc.tool("user", "setpassword", name + "$", "--newpassword=" + dc.adminPassword + "-" + name);
        List<String> spns = new ArrayList<>(List.of("HOST/" + name, "HOST/" + SambaDc.fqdn(name)));
        if (migrationService != null) {
            spns.addAll(List.of(migrationService + "/" + name, migrationService + "/" + SambaDc.fqdn(name)));
        }
        List<Modification> mods = new ArrayList<>(List.of(
                new Modification(ModificationType.ADD, "servicePrincipalName", spns.toArray(String[]::new)),
                new Modification(ModificationType.REPLACE, "dNSHostName", SambaDc.fqdn(name)),
                new Modification(ModificationType.REPLACE, "operatingSystem", "Windows Server 2022 Datacenter"),
                new Modification(ModificationType.REPLACE, "operatingSystemVersion", "10.0 (20348)")));
        if (extra.stream().noneMatch(m -> m.getAttributeName().equals("userAccountControl"))) {
            mods.add(uac(4096));   // samba-tool computer create leaves it disabled: enabled, as a join does
        }
        mods.addAll(extra);
        modify(name, mods);
    }

    private static void modify(String name, List<Modification> mods) throws Exception {
        try (LDAPConnection c = dc.admin()) {
            c.modify("CN=" + name + "," + OU + "," + SambaDc.BASE_DN, mods);
        }
    }

    private static void host(String name, Modification... extra) throws Exception {
        computer(name, service, List.of(extra));
    }

    /** src may delegate to {@code spns} (msDS-AllowedToDelegateTo, as samba-tool delegation add-service writes it). */
    private static void entries(String src, List<String> spns) throws Exception {
        modify(src, List.of(new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo",
                spns.toArray(String[]::new))));
    }

    /** The four entries src needs for dst: both services, both name forms. */
    private static void delegate(String src, String dst) throws Exception {
        entries(src, required(dst));
    }

    private static List<String> required(String dst) {
        List<String> out = new ArrayList<>();
        for (String svc : List.of(service, "cifs")) {
            out.add(svc + "/" + dst);
            out.add(svc + "/" + SambaDc.fqdn(dst));
        }
        return out;
    }

    /** "Use any authentication protocol": TRUSTED_TO_AUTH_FOR_DELEGATION beside WORKSTATION_TRUST_ACCOUNT. */
    private static final int PROTOCOL_TRANSITION = 4096 | 0x1000000;

    // ------------------------------------------------------------------ asking the KDC

    record Result(int exit, String output) {
    }

    /** An MIT Kerberos client command against the DC's KDC, with the AES-only client configuration. */
    private static Result krb(String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("KRB5_CONFIG", work.resolve("krb5.conf").toString());
            pb.environment().remove("KRB5CCNAME");
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + List.of(command));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + List.of(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The keys of {@code name$} exported on the DC (samba-tool domain exportkeytab). */
    private static Path keytab(String name) {
        Path kt = work.resolve(name + ".keytab");
        if (!Files.exists(kt)) {
            dc.exportKeytab(kt, name + "$");
        }
        return kt;
    }

    /** A TGT for {@code name$} from its keys into {@code cc}; the KDC's error when it refuses one. */
    private static Result tgt(String name, Path cc) throws IOException {
        return krb("kinit", "-f", "-k", "-t", keytab(name).toString(), "-c", "FILE:" + cc,
                name + "$@" + SambaDc.REALM);
    }

    /** What the KDC says about src -> dst for {@code user}: null when every ticket is issued, else why not. */
    private String kdc(String src, String dst, String user, boolean kerberosPath) throws IOException {
        Path cc = tmp.resolve(src + "-" + dst + ".cc");
        Files.deleteIfExists(cc);
        Result r = tgt(src, cc);
        if (r.exit() != 0) {
            return "no TGT for " + src + ": " + r.output();
        }
        Path targetCc = tmp.resolve(dst + ".tgt.cc");
        Files.deleteIfExists(targetCc);
        r = tgt(dst, targetCc);
        if (r.exit() != 0) {
            return "no TGT for " + dst + ": " + r.output();
        }
        if (kerberosPath) {
            addEvidence(cc, src, user);
        }
        List<String> refused = new ArrayList<>();
        for (String spn : required(dst)) {
            Result k = krb("kvno", "-c", "FILE:" + cc, "-I", user, "-P", spn);
            if (k.exit() != 0) {
                refused.add(spn + ": " + k.output().lines().filter(l -> l.startsWith("kvno:")).findFirst()
                        .orElse(k.output()));
            }
        }
        return refused.isEmpty() ? null : String.join("; ", refused);
    }

    private String kdc(String src, String dst) throws IOException {
        return kdc(src, dst, OPERATOR, false);
    }

    /**
     * The operator's forwardable ticket to {@code src$}, as a Kerberos logon to the source leaves it, added to the
     * source's cache: kvno then takes it as the S4U2proxy evidence instead of making one with S4U2self.
     */
    private static void addEvidence(Path sourceCc, String src, String operator) throws IOException {
        Path user = work.resolve("operator.cc");
        Path evidence = work.resolve("evidence.cc");
        Files.deleteIfExists(user);
        Files.deleteIfExists(evidence);
        Result r = krb("kinit", "-f", "-k", "-t", work.resolve(operator.equals(OPERATOR) ? "operator.keytab"
                : operator + ".keytab").toString(), "-c", "FILE:" + user, operator + "@" + SambaDc.REALM);
        assertEquals(0, r.exit(), r.output());
        r = krb("kvno", "-c", "FILE:" + user, "--out-cache", "FILE:" + evidence, src + "$@" + SambaDc.REALM);
        assertEquals(0, r.exit(), r.output());
        byte[] e = Files.readAllBytes(evidence);
        int body = credentialsOffset(e);
        Files.write(sourceCc, java.util.Arrays.copyOfRange(e, body, e.length), StandardOpenOption.APPEND);
    }

    /** Where the credentials of an MIT FILE ccache (version 4) start: after its header and default principal. */
    static int credentialsOffset(byte[] cache) {
        ByteBuffer b = ByteBuffer.wrap(cache);
        if (b.getShort() != 0x0504) {
            throw new AssertionError("not a version 4 ccache");
        }
        int header = b.getShort() & 0xffff;
        b.position(b.position() + header);
        b.getInt(); // name type
        int components = b.getInt();
        for (int i = 0; i <= components; i++) { // the realm, then the components
            int length = b.getInt();
            b.position(b.position() + length);
        }
        return b.position();
    }

    // ------------------------------------------------------------------ asking the tool

    /** The tool's verdict of every directed pair ("A->B" -> ok), and the findings' rules by host. */
    private record Verdicts(Map<String, Boolean> ok, Map<String, List<String>> blockers, List<String> findings,
                            JsonNode doc) {
        /** The account name (sAMAccountName without $) of the host the reports call {@code name} (its cn). */
        String account(String name) {
            for (JsonNode h : doc.path("hosts")) {
                String sam = h.path("samAccountName").asText("");
                if (h.path("name").asText().equals(name) && sam.endsWith("$")) {
                    return sam.substring(0, sam.length() - 1);
                }
            }
            return name;
        }
    }

    private Verdicts audit(String policy, Map<String, List<String>> clusters, String... operators) throws Exception {
        StringBuilder y = new StringBuilder();
        y.append("directory:\n  url: ldaps://127.0.0.1:636\n  bindDn: Administrator@").append(SambaDc.DNS_DOMAIN)
                .append("\n  passwordEnv: KCD_AUDIT_LDAP_PASSWORD\n  baseDn: '").append(SambaDc.BASE_DN).append("'\n")
                .append("  trustStore: ").append(dc.trustStore()).append("\n  trustStorePasswordFile: ")
                .append(dc.trustStorePasswordFile()).append("\n  timeoutSeconds: 20\nclusters:\n");
        clusters.forEach((name, nodes) -> y.append("  - name: ").append(name).append("\n    nodes: [")
                .append(String.join(", ", nodes)).append("]\n"));
        y.append("policy:\n  services: [\"").append(service).append("\", \"cifs\"]\n  nameForms: [netbios, fqdn]\n")
                .append("  protocolTransition: ").append(policy).append("\n  operators: [")
                .append(String.join(", ", operators.length == 0 ? new String[]{OPERATOR} : operators))
                .append("]\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
        Path cfg = tmp.resolve("kcd-audit-" + policy + ".yaml");
        Files.writeString(cfg, y.toString());
        Path out = tmp.resolve("out-" + policy);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit = Main.execute(new String[]{"run", "--config", cfg.toString(), "--out", out.toString(), "--formats",
                        "json"}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("KCD_AUDIT_LDAP_PASSWORD", dc.adminPassword));
        assertTrue(exit == 0 || exit == 3, "exit " + exit + "\n" + o + "\n" + e);
        JsonNode doc = JSON.readTree(out.resolve("findings.json").toFile());
        Map<String, Boolean> ok = new LinkedHashMap<>();
        Map<String, List<String>> blockers = new LinkedHashMap<>();
        for (JsonNode c : doc.path("clusters")) {
            for (JsonNode m : c.path("matrix")) {
                String key = m.path("from").asText() + "->" + m.path("to").asText();
                ok.put(key, m.path("ok").asBoolean());
                List<String> rules = new ArrayList<>();
                m.path("blockers").forEach(b -> rules.add(b.path("rule").asText()));
                blockers.put(key, rules);
            }
        }
        List<String> findings = new ArrayList<>();
        doc.path("findings").forEach(f -> findings.add(f.path("rule").asText() + " " + f.path("host").asText()));
        return new Verdicts(ok, blockers, findings, doc);
    }

    /** Every directed pair of {@code v}: the tool's OK equals the KDC's (every required ticket issued). */
    private void assertAgree(Verdicts v, Map<String, Boolean> kerberosPath) throws IOException {
        List<String> table = new ArrayList<>();
        List<String> disagree = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : v.ok().entrySet()) {
            String[] ends = e.getKey().split("->");
            // the KDC knows the account (the keys, the NetBIOS form of the SPNs), the reports the cn
            String why = kdc(v.account(ends[0]), v.account(ends[1]), OPERATOR,
                    kerberosPath.getOrDefault(ends[0], false));
            String row = e.getKey() + "  tool " + (e.getValue() ? "OK" : "blocked " + v.blockers().get(e.getKey()))
                    + "  KDC " + (why == null ? "OK" : "refused (" + why + ")");
            table.add(row);
            if (e.getValue() != (why == null)) {
                disagree.add(row);
            }
        }
        assertTrue(disagree.isEmpty(), "tool and KDC disagree:\n" + String.join("\n", disagree)
                + "\nall pairs:\n" + String.join("\n", table));
    }

    private static Modification uac(int value) {
        return new Modification(ModificationType.REPLACE, "userAccountControl", Integer.toString(value));
    }

    // ------------------------------------------------------------------ the scenarios

    /**
     * Policy {@code any} (protocol transition on every source): a correct pair; a missing FQDN cifs entry; a target
     * without the migration service SPN; entries spelt in other case (the KDC compares case-insensitively); a target
     * allowing RC4 only (msDS-SupportedEncryptionTypes 4) and one with 0x18; a disabled node and a node whose
     * accountExpires has passed (no TGT: blocked both ways). Each pair's verdict is the KDC's.
     */
    @Test
    void thePairVerdictsUnderPolicyAnyAreTheKdcs() throws Exception {
        Modification transition = uac(PROTOCOL_TRANSITION);
        host("GTOK1", transition);
        host("GTOK2", transition);
        host("GTMIS1", transition);
        host("GTMIS2", transition);
        host("GTSPN1", transition);
        computer("GTSPN2", null, List.of(transition));   // HOST/ only: cifs through sPNMappings, no migration SPN
        host("GTCASE1", transition);
        host("GTCASE2", transition);
        host("GTRC4", transition, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
        host("GTAES", transition, new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "24"));
        host("GTDIS", uac(PROTOCOL_TRANSITION | 0x2));
        host("GTEXP", transition, new Modification(ModificationType.REPLACE, "accountExpires",
                "130000000000000000"));   // 2012-12-15
        for (String[] p : new String[][]{{"GTOK1", "GTOK2"}, {"GTOK2", "GTOK1"}, {"GTMIS2", "GTMIS1"},
                {"GTSPN1", "GTSPN2"}, {"GTSPN2", "GTSPN1"}, {"GTCASE2", "GTCASE1"}, {"GTRC4", "GTAES"}, {"GTAES", "GTRC4"}, {"GTDIS", "GTOK1"}, {"GTOK1", "GTDIS"},
                {"GTEXP", "GTOK2"}, {"GTOK2", "GTEXP"}, {"GTDIS", "GTEXP"}, {"GTEXP", "GTDIS"}}) {
            delegate(p[0], p[1]);
        }
        entries("GTMIS1", required("GTMIS2").subList(0, 3));   // without cifs/<fqdn>
        entries("GTCASE1", required("GTCASE2").stream().map(e -> e.toUpperCase(Locale.ROOT)).toList());
        Map<String, List<String>> clusters = new LinkedHashMap<>();
        clusters.put("OK", List.of("GTOK1", "GTOK2"));
        clusters.put("MIS", List.of("GTMIS1", "GTMIS2"));
        clusters.put("SPN", List.of("GTSPN1", "GTSPN2"));
        clusters.put("CASE", List.of("GTCASE1", "GTCASE2"));
        clusters.put("ENC", List.of("GTRC4", "GTAES"));
        clusters.put("DIS", List.of("GTDIS", "GTEXP"));
        Verdicts v = audit("any", clusters);
        // what the scenarios are meant to show, so that agreement is not reached by both saying "blocked"
        assertEquals(true, v.ok().get("GTOK1->GTOK2"), v.blockers().toString());
        assertEquals(List.of("MISSING_DELEGATION"), v.blockers().get("GTMIS1->GTMIS2"));
        assertEquals(List.of("TARGET_SPN_NOT_REGISTERED", "TARGET_SPN_NOT_REGISTERED"), v.blockers().get("GTSPN1->GTSPN2"));
        assertEquals(true, v.ok().get("GTSPN2->GTSPN1"), "cifs/GTSPN1 through HOST/GTSPN1: " + v.blockers());
        assertEquals(true, v.ok().get("GTCASE1->GTCASE2"), "entries in another case: " + v.blockers());
        assertEquals(List.of("AES_NOT_ENABLED"), v.blockers().get("GTAES->GTRC4"));
        assertTrue(v.blockers().get("GTDIS->GTEXP").contains("ACCOUNT_DISABLED"), v.blockers().toString());
        assertAgree(v, Map.of());
        // pairs across the clusters, by hand
        assertTrue(kdc("GTOK1", "GTDIS").startsWith("no TGT for GTDIS"), "a disabled node gets no TGT");
        assertTrue(kdc("GTEXP", "GTOK2").startsWith("no TGT for GTEXP"), "an expired node gets no TGT");
    }

    /**
     * A Kerberos-only source (no TRUSTED_TO_AUTH_FOR_DELEGATION): the KDC serves its pairs on the Kerberos path (the
     * operator's forwardable ticket as evidence), which is what policy {@code kerberos-only} judges: pair OK, no
     * finding. The protocol-transition path is refused (S4U2self gives a non-forwardable ticket, and S4U2proxy for
     * classic constrained delegation wants a forwardable one): under policy {@code any}, which says moves are started
     * that way (WinRM, Windows Admin Center), PROTOCOL_TRANSITION_MISMATCH blocks the pairs from such a node.
     * An operator marked "sensitive and cannot be delegated" gets no ticket on any path: OPERATOR_NOT_DELEGABLE.
     */
    @Test
    void aKerberosOnlySourceIsServedOnTheKerberosPathOnly() throws Exception {
        host("GTKO1");   // "Use Kerberos only": no TRUSTED_TO_AUTH_FOR_DELEGATION
        host("GTKO2");
        delegate("GTKO1", "GTKO2");
        delegate("GTKO2", "GTKO1");
        dc.tool("user", "create", "gt-sensitive", dc.adminPassword + "-s", "--userou=" + OU);
        dc.exportKeytab(work.resolve("gt-sensitive.keytab"), "gt-sensitive");
        try (LDAPConnection c = dc.admin()) {
            c.modify("CN=gt-sensitive," + OU + "," + SambaDc.BASE_DN, uac(0x200 | 0x100000));
        }
        Verdicts kerberosOnly = audit("kerberos-only", Map.of("KO", List.of("GTKO1", "GTKO2")), OPERATOR,
                "gt-sensitive");
        assertEquals(Map.of("GTKO1->GTKO2", true, "GTKO2->GTKO1", true), kerberosOnly.ok());
        assertFalse(kerberosOnly.findings().stream().anyMatch(f -> f.startsWith("PROTOCOL_TRANSITION_MISMATCH")),
                kerberosOnly.findings().toString());
        assertAgree(kerberosOnly, Map.of("GTKO1", true, "GTKO2", true));

        String transition = kdc("GTKO1", "GTKO2");
        assertTrue(transition != null && transition.contains("KDC can't fulfill requested option"),
                "S4U2self without protocol transition is not forwardable, S4U2proxy refuses it: " + transition);
        Verdicts any = audit("any", Map.of("KO", List.of("GTKO1", "GTKO2")), OPERATOR);
        assertEquals(Map.of("GTKO1->GTKO2", List.of("PROTOCOL_TRANSITION_MISMATCH"), "GTKO2->GTKO1",
                List.of("PROTOCOL_TRANSITION_MISMATCH")), any.blockers(), "policy any: moves need protocol transition");
        assertAgree(any, Map.of());

        String sensitive = kdc("GTKO1", "GTKO2", "gt-sensitive", true);
        assertTrue(sensitive != null && sensitive.contains("KDC can't fulfill requested option"),
                "a user who cannot be delegated gets no S4U2proxy ticket: " + sensitive);
        assertEquals(List.of("OPERATOR_NOT_DELEGABLE gt-sensitive"), kerberosOnly.findings().stream()
                .filter(f -> f.startsWith("OPERATOR_")).toList(), "gt-operator is delegable, gt-sensitive is not");
    }

    /**
     * Two drifts found walking the runbook against the seeded domain: a node renamed in ADUC (its cn changes, its
     * account, dNSHostName and SPNs stay: the reports show the cn, the pairs are judged by the account's names) and
     * a node whose expiry was cleared the way ADUC's "Account expires: Never" writes it ({@code accountExpires} 0).
     * The tool calls both pairs OK, and the KDC issues every ticket of both.
     */
    @Test
    void aNodeRenamedInAducAndAClearedExpiryAreJudgedAsTheKdcDoes() throws Exception {
        Modification transition = uac(PROTOCOL_TRANSITION);
        host("GTREN1", transition);
        host("GTREN2", transition, new Modification(ModificationType.REPLACE, "accountExpires", "0"));
        delegate("GTREN1", "GTREN2");
        delegate("GTREN2", "GTREN1");
        try (LDAPConnection c = dc.admin()) {
            c.modifyDN("CN=GTREN1," + OU + "," + SambaDc.BASE_DN, "CN=GTREN1-renamed", true);
        }
        Verdicts v = audit("any", Map.of("REN", List.of("GTREN1", "GTREN2")));
        assertEquals(Map.of("GTREN1-renamed->GTREN2", true, "GTREN2->GTREN1-renamed", true), v.ok(),
                v.blockers() + " " + v.findings());
        assertEquals("GTREN1", v.account("GTREN1-renamed"));
        assertAgree(v, Map.of());
    }
}
