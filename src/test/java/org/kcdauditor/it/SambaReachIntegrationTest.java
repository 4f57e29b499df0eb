package org.kcdauditor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Directory reach against real Samba AD DCs: the replication metadata of a delegation changed with
 * {@code samba-tool delegation add-service}, the DCs discovered through AD's bitwise matching rule, and
 * {@code preflight --all-dcs} against a second DC that {@code scripts/samba-ad.sh join} started on 127.0.0.2 and
 * that replicates only when {@code scripts/samba-ad.sh replicate} says so.
 */
@Tag("integration")
class SambaReachIntegrationTest {
    private static final String OU = "OU=kcd-reach";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SambaDc dc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcIsUp() {
        dc = SambaDc.forSuite("Samba directory-reach suite", OU);
    }

    @AfterAll
    static void cleanUp() {
        SambaDc.afterSuite(dc, OU);
    }

    /** DC2 of scripts/samba-ad.sh join; required where the Samba suite is (CI joins it). */
    private static void assumeDc2() {
        boolean up;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.2", 636), 2000);
            up = true;
        } catch (IOException e) {
            up = false;
        }
        SambaDc.require(up, "no second DC on 127.0.0.2 (run: sudo scripts/samba-ad.sh join " + dc.dir + ")");
    }

    private Path config(String cluster, List<String> nodes, List<String> domainControllers) throws IOException {
        StringBuilder y = new StringBuilder("directory:\n  url: ldaps://127.0.0.1:636\n  bindDn: Administrator@"
                + SambaDc.DNS_DOMAIN + "\n  passwordEnv: KCD_AUDIT_LDAP_PASSWORD\n  baseDn: '" + SambaDc.BASE_DN
                + "'\n  trustStore: " + dc.trustStore() + "\n  trustStorePasswordFile: " + dc.trustStorePasswordFile()
                + "\n  timeoutSeconds: 20\n");
        if (!domainControllers.isEmpty()) {
            y.append("  domainControllers: [").append(String.join(", ", domainControllers)).append("]\n");
        }
        y.append("clusters:\n  - name: ").append(cluster).append("\n    nodes: [").append(String.join(", ", nodes))
                .append("]\npolicy:\n  protocolTransition: any\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, y.toString());
        return cfg;
    }

    record Run(int exit, String out, String err, JsonNode doc) {
        List<JsonNode> findings(String rule) {
            return StreamSupport.stream(doc.path("findings").spliterator(), false)
                    .filter(f -> f.path("rule").asText().equals(rule)).toList();
        }

        JsonNode host(String name) {
            return StreamSupport.stream(doc.path("hosts").spliterator(), false)
                    .filter(h -> h.path("name").asText().equals(name)).findFirst().orElseThrow();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    /** The config of cluster {@code cluster} naming DC1 and DC2 as its domain's controllers. */
    private Path twoDcConfig(String cluster, List<String> nodes) throws IOException {
        return config(cluster, nodes, List.of("ldaps://127.0.0.1:636", "ldaps://127.0.0.2:636"));
    }

    /** {@code kcd-audit preflight --all-dcs} of {@code cluster} with {@code cfg}. */
    private Run preflightAllDcs(Path cfg, String cluster) throws IOException {
        return cli("preflight", "--config", cfg.toString(), "--cluster", cluster, "--all-dcs");
    }

    private Run cli(String... args) throws IOException {
        Path out = tmp.resolve("out-" + System.nanoTime());
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--out", out.toString()));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            exit = Main.execute(all.toArray(String[]::new), po, pe, Map.of("KCD_AUDIT_LDAP_PASSWORD", dc.adminPassword));
        }
        Path json = out.resolve("findings.json");
        return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8),
                Files.exists(json) ? JSON.readTree(json.toFile()) : null);
    }

    private static String scenarioOu(String name) {
        String ou = "OU=" + name + "," + OU;
        dc.tool("ou", "create", ou);
        return ou;
    }

    @Test
    void theChangeTimeOfADelegationMadeWithSambaToolIsInFindingsJson() throws Exception {
        String ou = scenarioOu("meta");
        dc.host(new SambaDc.Host("RM01"), ou);
        dc.host(new SambaDc.Host("RM02"), ou);
        Instant before = Instant.now().minusSeconds(2);
        dc.delegate("RM01", "RM02");
        Instant after = Instant.now().plusSeconds(2);
        Run r = cli("run", "--config", config("RM", List.of("RM01", "RM02"), List.of()).toString(), "--formats", "json");
        assertEquals(3, r.exit(), r.toString());
        assertTrue(r.doc().path("directories").get(0).path("changeTimes").asBoolean(), r.doc().path("directories")
                .toString());
        JsonNode change = StreamSupport.stream(r.host("RM01").path("changes").spliterator(), false)
                .filter(c -> c.path("attribute").asText().equals("msDS-AllowedToDelegateTo")).findFirst().orElseThrow(
                        () -> new AssertionError(r.host("RM01").toString()));
        Instant at = Instant.parse(change.path("time").asText());
        assertFalse(at.isBefore(before) || at.isAfter(after), at + " not within " + before + " .. " + after);
        // replPropertyMetaData names the DC by invocation id; the NTDS Settings objects map it to DC1
        assertEquals("DC1", change.path("dc").asText());
        assertEquals(4, change.path("version").asInt(), "four add-service calls, four originating writes");
        // RM02 never delegated: no msDS-AllowedToDelegateTo change recorded for it
        assertTrue(StreamSupport.stream(r.host("RM02").path("changes").spliterator(), false)
                .noneMatch(c -> c.path("attribute").asText().equals("msDS-AllowedToDelegateTo")));
    }

    @Test
    void theDomainControllersAreDiscoveredThroughTheirAccountFlags() throws Exception {
        assumeDc2();
        String ou = scenarioOu("disc");
        dc.host(new SambaDc.Host("RD01"), ou);
        dc.host(new SambaDc.Host("RD02"), ou);
        Run r = preflightAllDcs(config("RD", List.of("RD01", "RD02"), List.of()), "RD");
        JsonNode dcs = r.doc().path("directories").get(0).path("domainControllers");
        assertEquals(2, dcs.size(), dcs.toString());
        assertEquals("dc1.contoso.test", dcs.get(0).path("name").asText());
        assertEquals("audited", dcs.get(0).path("result").asText());
        assertEquals("dc2.contoso.test", dcs.get(1).path("name").asText());
        assertEquals("ldaps://dc2.contoso.test:636", dcs.get(1).path("url").asText());
        // without DNS for contoso.test the discovered name does not resolve here: reported, not fatal
        assertEquals("unreachable", dcs.get(1).path("result").asText(), dcs.toString());
        assertEquals(1, r.findings("DC_UNREACHABLE").size(), r.toString());
    }

    @Test
    void aChangeDc2HasNotReplicatedIsNoGoUntilItHas() throws Exception {
        assumeDc2();
        String ou = scenarioOu("conv");
        dc.host(new SambaDc.Host("RC01"), ou);
        dc.host(new SambaDc.Host("RC02"), ou);
        correctProtocol("RC01", "RC02");
        assertEquals(0, dc.script("replicate").exit(), "DC2 holds both computer objects");
        // the change, made on DC1
        dc.delegate("RC01", "RC02");
        dc.delegate("RC02", "RC01");
        Path cfg = twoDcConfig("RC", List.of("RC01", "RC02"));
        Run nogo = preflightAllDcs(cfg, "RC");
        assertEquals(3, nogo.exit(), nogo.toString());
        assertTrue(nogo.out().contains("1 of 2 domain controllers agree with dc1.contoso.test; dc2.contoso.test has not"
                + " replicated the delegation yet"), nogo.out());
        List<JsonNode> f = nogo.findings("DC_NOT_CONVERGED");
        assertEquals(List.of("RC01", "RC02"), f.stream().map(x -> x.path("host").asText()).sorted().toList(),
                f.toString());
        assertTrue(f.stream().allMatch(x -> x.path("evidence").path("dc").asText().equals("dc2.contoso.test")
                && x.path("evidence").path("attribute").asText().equals("msDS-AllowedToDelegateTo")
                && x.path("evidence").path("actual").isMissingNode()), f.toString());

        SambaDc.Result replicated = dc.script("replicate");
        assertEquals(0, replicated.exit(), replicated.output());
        Run go = preflightAllDcs(cfg, "RC");
        assertEquals(0, go.exit(), go.toString());
        assertTrue(go.out().contains("2 of 2 domain controllers agree with dc1.contoso.test"), go.out());
    }

    /** Where simple binds are forbidden: every DC is read with a Kerberos bind, to its own ldap/ SPN. */
    @Test
    void aKerberosBoundPreflightReadsEveryDc() throws Exception {
        assumeDc2();
        replicatedPair("krbdcs", "RK01", "RK02");
        Path cfg = twoDcConfig("RK", List.of("RK01", "RK02"));
        String simple = "  bindDn: Administrator@" + SambaDc.DNS_DOMAIN + "\n  passwordEnv: KCD_AUDIT_LDAP_PASSWORD\n";
        String yaml = Files.readString(cfg);
        assertTrue(yaml.contains(simple), yaml);
        Files.writeString(cfg, yaml.replace(simple, "  auth: gssapi\n  principal: svc-kcdaudit@" + SambaDc.REALM
                + "\n  keytab: " + dc.dir.resolve("svc-kcdaudit.keytab") + "\n  krb5Conf: "
                + dc.dir.resolve("etc/krb5.conf") + "\n"));
        Run go = preflightAllDcs(cfg, "RK");
        assertEquals(0, go.exit(), go.toString());
        assertTrue(go.out().contains("2 of 2 domain controllers agree with dc1.contoso.test"), go.toString());
    }

    /**
     * The other way round: the change is made on DC2 and DC1, the DC the audit read, has not received it (DC1 pulls
     * nothing from DC2 here). DC2's replication metadata records the newer write, so the fix pushes from DC2. The
     * entry names a host that is no node, so no pair breaks on DC2: MEDIUM, and preflight stays GO.
     */
    @Test
    void aChangeMadeOnDc2IsPushedFromDc2() throws Exception {
        assumeDc2();
        replicatedPair("newer", "RN01", "RN02");
        SambaDc.Result added = onDc2("delegation", "add-service", "RN01$", "cifs/rn09." + SambaDc.DNS_DOMAIN);
        assertEquals(0, added.exit(), added.output());
        // an entry to a host that is no node: the difference breaks no pair on DC2, so it is MEDIUM and no blocker
        Run go = preflightAllDcs(twoDcConfig("RN", List.of("RN01", "RN02")), "RN");
        assertEquals(0, go.exit(), go.toString());
        List<JsonNode> f = go.findings("DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("MEDIUM", f.get(0).path("severity").asText(), f.toString());
        String message = f.get(0).path("message").asText();
        assertTrue(message.contains("dc2.contoso.test holds cifs/rn09.contoso.test. dc2.contoso.test holds the newer"
                + " write (changed "), message);
        assertTrue(message.contains(" at DC2 (version "), message);
        assertTrue(message.contains("dc1.contoso.test has not received it yet"), message);
        String fix = f.get(0).path("remediation").asText();
        assertTrue(fix.contains("repadmin /syncall dc2.contoso.test /AdeP"), fix);
        assertTrue(fix.contains("repadmin /showrepl dc1.contoso.test"), fix);
    }

    @Test
    void aGroupMembershipDc2HasNotReplicatedIsNoGoForThePairItsRbcdAllows() throws Exception {
        assumeDc2();
        String ou = scenarioOu("grp");
        dc.host(new SambaDc.Host("RG01"), ou);
        dc.host(new SambaDc.Host("RG02"), ou);
        correctProtocol("RG01", "RG02");
        dc.delegate("RG02", "RG01");                 // RG02 -> RG01 by KCD; RG01 -> RG02 only through RBCD on RG02
        dc.tool("group", "add", "RG Hosts", "--groupou=" + ou);
        dc.toolLocal("delegation", "add-principal", "RG02$", "RG Hosts");
        assertEquals(0, dc.script("replicate").exit(), "DC2 holds the objects, the group and the descriptor");
        dc.tool("group", "addmembers", "RG Hosts", "RG01$");   // on DC1 only: a TGT DC2 issues RG01 lacks the group
        Path cfg = twoDcConfig("RG", List.of("RG01", "RG02"));
        Run nogo = preflightAllDcs(cfg, "RG");
        assertEquals(3, nogo.exit(), nogo.toString());
        List<JsonNode> f = nogo.findings("DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("RG02", f.get(0).path("host").asText());
        assertEquals("member", f.get(0).path("evidence").path("attribute").asText());
        assertTrue(f.get(0).path("message").asText().contains("does not yet count RG01 among the members of RG Hosts"),
                f.toString());

        SambaDc.Result replicated = dc.script("replicate");
        assertEquals(0, replicated.exit(), replicated.output());
        Run go = preflightAllDcs(cfg, "RG");
        assertEquals(0, go.exit(), go.toString());
    }

    @Test
    void aDuplicateSpnMadeOnDc2OnlyIsNoGoThere() throws Exception {
        assumeDc2();
        String ou = scenarioOu("dupdc2");
        dc.host(new SambaDc.Host("RX01"), ou);
        dc.host(new SambaDc.Host("RX02"), ou);
        correctProtocol("RX01", "RX02");
        dc.delegate("RX01", "RX02");
        dc.delegate("RX02", "RX01");
        assertEquals(0, dc.script("replicate").exit(), "DC2 holds both computer objects and their delegation");
        // on DC2 only (DC1 pulls nothing from DC2 here): a service account claims RX02's migration SPN, trailing dot;
        // a name of its own each run, as DC1's clean-up never sees it
        String svc = "svc-rx" + (System.nanoTime() % 1_000_000);
        String spn = SambaDc.MVSMS + "/" + SambaDc.fqdn("RX02") + ".";
        onDc2("spn", "delete", spn);   // an earlier run's holder, left on DC2 (best effort)
        try {
            for (List<String> args : List.of(List.of("user", "create", svc, dc.adminPassword, "--userou=" + ou),
                    List.of("spn", "add", spn, svc))) {
                SambaDc.Result r = onDc2(args.toArray(String[]::new));
                assertEquals(0, r.exit(), r.output());
            }
            duplicateOnDc2IsNoGo(ou, svc);
        } finally {
            onDc2("user", "delete", svc);
        }
    }

    /** Hosts {@code a} and {@code b} in a new OU, delegating to each other with protocol transition, replicated to DC2. */
    private static void replicatedPair(String ouName, String a, String b) throws Exception {
        String ou = scenarioOu(ouName);
        dc.host(new SambaDc.Host(a), ou);
        dc.host(new SambaDc.Host(b), ou);
        correctProtocol(a, b);
        dc.delegate(a, b);
        dc.delegate(b, a);
        assertEquals(0, dc.script("replicate").exit(), "DC2 holds both computer objects and their delegation");
    }

    /** Protocol transition on, as policy {@code any} (the config's) wants it: else every pair would be blocked. */
    private static void correctProtocol(String... hosts) {
        for (String h : hosts) {
            dc.forAnyProtocol(h, true);
        }
    }

    private static SambaDc.Result onDc2(String... args) {
        List<String> cmd = new ArrayList<>(List.of("samba-tool"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-H", "ldap://127.0.0.2", "-U", "Administrator%" + dc.adminPassword, "-s",
                dc.smbConf().toString()));
        return SambaDc.run(cmd);
    }

    private void duplicateOnDc2IsNoGo(String ou, String svc) throws Exception {
        Path cfg = twoDcConfig("RX", List.of("RX01", "RX02"));
        Run nogo = preflightAllDcs(cfg, "RX");
        assertEquals(3, nogo.exit(), nogo.toString());
        List<JsonNode> f = nogo.findings("DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("RX02", f.get(0).path("host").asText());
        assertEquals("servicePrincipalName holder", f.get(0).path("evidence").path("attribute").asText());
        assertTrue(f.get(0).path("message").asText().contains("CN=" + svc + "," + ou), f.toString());
        assertEquals(List.of("RX01"), StreamSupport.stream(f.get(0).path("evidence").path("pairs").spliterator(), false)
                .map(x -> x.path("from").asText()).toList());
        // without --all-dcs, DC1 alone knows nothing of it
        assertEquals(0, cli("preflight", "--config", cfg.toString(), "--cluster", "RX", "--no-all-dcs").exit());
    }
}
