package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.AdRangedRetrieval;
import org.kcdauditor.support.AdRangedRetrieval.Fault;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AD's ranged retrieval (MaxValRange) against an in-memory server that answers like AD with a
 * MaxValRange of {@value #MAX_VAL_RANGE} ({@link AdRangedRetrieval}): values come back whole, only
 * ranged entries cost round trips, and a broken range fails the run instead of truncating.
 */
class RangedRetrievalTest {
    private static final int MAX_VAL_RANGE = 5;
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03", "HV04");
    private static final List<String> MORE_SERVICES = List.of("WSMAN", "TERMSRV", "RestrictedKrbHost",
            "Hyper-V Replica Service");

    @TempDir
    Path tmp;

    private static InMemoryDirectoryServer start(AdRangedRetrieval ad) throws Exception {
        return TestDirectory.start(Mode.PLAIN, null, 10, ad);
    }

    private static String dn(String node) {
        return "CN=" + node + ",OU=Hyper-V," + TestDirectory.BASE;
    }

    private CliRun run(InMemoryDirectoryServer ds, List<String> nodes) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), nodes,
                "allowInsecureBind: true", "pageSize: 2");
        return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config", cfg.toString(),
                "--out", tmp.resolve("out").toString(), "--formats", "json");
    }

    private Snapshot collect(InMemoryDirectoryServer ds, List<String> nodes, IntConsumer progress) throws Exception {
        AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                nodes, "allowInsecureBind: true", "pageSize: 3"));
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            return new DirectoryCollector(config, Clock.systemUTC()).collect(c, progress);
        }
    }

    @Test
    void hostsBeyondMaxValRangeComeBackWholeAndTheirFindingsAreRight() throws Exception {
        AdRangedRetrieval ad = new AdRangedRetrieval(MAX_VAL_RANGE, Fault.NONE);
        InMemoryDirectoryServer ds = start(ad);
        try {
            TestDirectory.addCluster(ds, NODES);
            for (String n : NODES) {
                List<String> spns = new ArrayList<>();
                for (String s : MORE_SERVICES) {
                    spns.add(s + "/" + n);
                    spns.add(s + "/" + Hosts.fqdn(n));
                }
                ds.modify(dn(n), new Modification(ModificationType.ADD, "servicePrincipalName",
                        spns.toArray(String[]::new)));
            }
            // HV01: 12 peer entries plus one for a host that is gone, last (in the third chunk)
            ds.modify(dn("HV01"), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo",
                    "cifs/" + Hosts.fqdn("HV09")));
            // HV04: one of its 12 entries missing
            ds.modify(dn("HV04"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    "cifs/" + Hosts.fqdn("HV01")));

            CliRun r = run(ds, NODES);

            assertEquals(3, r.exitCode(), r.toString());
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            Map<String, JsonNode> hosts = StreamSupport.stream(doc.path("hosts").spliterator(), false)
                    .collect(Collectors.toMap(h -> h.path("name").asText(), Function.identity()));
            assertEquals(Set.copyOf(NODES), hosts.keySet());
            for (String n : NODES) {
                assertEquals(12, hosts.get(n).path("spns").size(), n);
            }
            assertEquals(13, hosts.get("HV01").path("delegateTo").size());
            assertEquals("cifs/" + Hosts.fqdn("HV09"), hosts.get("HV01").path("delegateTo").get(12).asText());
            assertEquals(12, hosts.get("HV02").path("delegateTo").size());
            assertEquals(11, hosts.get("HV04").path("delegateTo").size());
            Set<String> findings = StreamSupport.stream(doc.path("findings").spliterator(), false)
                    .map(f -> f.path("rule").asText() + " " + f.path("host").asText() + " -> "
                            + f.path("peer").asText() + " " + f.path("spn").asText())
                    .collect(Collectors.toSet());
            assertEquals(Set.of("MISSING_DELEGATION HV04 -> HV01 cifs/" + Hosts.fqdn("HV01"),
                    "STALE_DELEGATION HV01 -> HV09 cifs/" + Hosts.fqdn("HV09")), findings);
            // 12 SPNs and 11 to 13 delegation entries: three chunks each, so two follow-ups per attribute and host
            assertEquals(NODES.size() * 2 * 2, ad.followUps());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void severalPagesWithSeveralRangedEntriesComeBackWholeWithFollowUpsOnlyForThose() throws Exception {
        AdRangedRetrieval ad = new AdRangedRetrieval(MAX_VAL_RANGE, Fault.NONE);
        InMemoryDirectoryServer ds = start(ad);
        try {
            List<String> cluster = NODES.subList(0, 3);
            TestDirectory.addCluster(ds, cluster);
            TestDirectory.addWorkstations(ds, 20);
            Map<String, List<String>> spnsByDn = new HashMap<>();
            ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
            for (int i = 1; i <= 9; i++) {
                String name = "svc-app0" + i;
                String dn = "CN=" + name + ",CN=Users," + TestDirectory.BASE;
                List<String> spns = IntStream.range(0, 3 + 2 * i).mapToObj(k -> "HTTP/app" + k + "." + name).toList();
                Entry e = new Entry(dn);
                e.addAttribute("objectClass", "user");
                e.addAttribute("cn", name);
                // attribute names as the server spells them are case-insensitive
                e.addAttribute(i % 2 == 0 ? "SERVICEPRINCIPALNAME" : "servicePrincipalName", spns);
                ds.add(e);
                spnsByDn.put(dn, spns);
            }
            List<Integer> pages = new ArrayList<>();
            Snapshot snapshot = collect(ds, cluster, pages::add);

            assertTrue(pages.size() >= 10, "pages: " + pages);
            assertEquals(3 + 20 + 9, snapshot.objects().size());
            Map<String, AdObject> byDn = snapshot.objects().stream()
                    .collect(Collectors.toMap(AdObject::dn, Function.identity()));
            spnsByDn.forEach((dn, spns) -> assertEquals(spns, byDn.get(dn).spns(), dn));
            for (String n : cluster) {
                assertEquals(8, byDn.get(dn(n)).delegateTo().size(), n);
                assertEquals(4, byDn.get(dn(n)).spns().size(), n);
            }
            // each distinct delegation value is still kept once
            String hv02 = byDn.get(dn("HV02")).delegateTo().stream().filter(("cifs/HV01")::equals).findFirst()
                    .orElseThrow();
            String hv03 = byDn.get(dn("HV03")).delegateTo().stream().filter(("cifs/HV01")::equals).findFirst()
                    .orElseThrow();
            assertSame(hv02, hv03);
            // one follow-up per further chunk of a ranged attribute; workstations and 4- or 5-value lists cost none
            int expected = cluster.size() * (ceilChunks(8) - 1)
                    + spnsByDn.values().stream().mapToInt(s -> ceilChunks(s.size()) - 1).sum();
            assertEquals(expected, ad.followUps());
        } finally {
            ds.shutDown(true);
        }
    }

    private static int ceilChunks(int values) {
        return (values + MAX_VAL_RANGE - 1) / MAX_VAL_RANGE;
    }

    @Test
    void aRangeThatDoesNotContinueFailsTheRunWithOneLineNamingEntryAndAttribute() throws Exception {
        InMemoryDirectoryServer ds = start(new AdRangedRetrieval(MAX_VAL_RANGE, Fault.GAP));
        try {
            TestDirectory.addCluster(ds, NODES.subList(0, 3));

            CliRun r = run(ds, NODES.subList(0, 3));

            assertEquals(1, r.exitCode(), r.toString());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("msDS-AllowedToDelegateTo of " + dn("HV01"))
                    && r.err().contains("asked for range=5-*, the server answered range=6-*")
                    && r.err().contains("truncated"), r.err());
            assertFalse(Files.exists(tmp.resolve("out").resolve("findings.json")));
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void anEntryThatVanishesBeforeItsNextChunkFailsTheCollection() throws Exception {
        InMemoryDirectoryServer ds = start(new AdRangedRetrieval(MAX_VAL_RANGE, Fault.VANISHED));
        try {
            TestDirectory.addCluster(ds, NODES.subList(0, 3));
            DirectoryException e = assertThrows(DirectoryException.class,
                    () -> collect(ds, NODES.subList(0, 3), n -> { }));
            assertTrue(e.getMessage().contains(dn("HV01") + " disappeared while the rest of its"
                    + " msDS-AllowedToDelegateTo values were being read"), e.getMessage());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void anEntryChangedBetweenTwoChunksFailsTheCollectionInsteadOfSkippingAValue() throws Exception {
        InMemoryDirectoryServer ds = start(new AdRangedRetrieval(MAX_VAL_RANGE, Fault.CHANGED));
        try {
            TestDirectory.addCluster(ds, NODES.subList(0, 3));
            DirectoryException e = assertThrows(DirectoryException.class,
                    () -> collect(ds, NODES.subList(0, 3), n -> { }));
            assertTrue(e.getMessage().contains(dn("HV01") + " changed while its msDS-AllowedToDelegateTo values were"
                    + " being read (uSNChanged 4711 -> 4712)") && e.getMessage().contains("run the audit again"),
                    e.getMessage());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void anEmptyEchoOfTheAskedRangeBesideTheRealChunkIsIgnored() throws Exception {
        InMemoryDirectoryServer ds = start(new AdRangedRetrieval(MAX_VAL_RANGE, Fault.ECHO));
        try {
            // four nodes: 12 entries each, so the follow-up for range=5-* is answered range=5-9 (and its echo)
            TestDirectory.addCluster(ds, NODES);
            Snapshot s = collect(ds, NODES, n -> { });
            AdObject hv01 = s.objects().stream().filter(o -> "HV01".equals(o.name())).findFirst().orElseThrow();
            List<String> stored = List.of(ds.getEntry(dn("HV01")).getAttributeValues("msDS-AllowedToDelegateTo"));
            assertTrue(stored.size() > 2 * MAX_VAL_RANGE, "the fixture needs a middle chunk: " + stored);
            assertEquals(stored, hv01.delegateTo());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aFirstChunkNotFromZeroOrShortOfItsRangeIsRefusedBeforeAnyRoundTrip() {
        Entry late = new Entry(dn("HV01"));
        late.addAttribute("msDS-AllowedToDelegateTo;range=3-*", "cifs/HV02");
        DirectoryException notFromZero = assertThrows(DirectoryException.class,
                () -> RangedRetrieval.complete(null, late, "ldap://dc1", null));
        assertTrue(notFromZero.getMessage().contains("range=3-*, which does not start at 0"),
                notFromZero.getMessage());
        Entry shortChunk = new Entry(dn("HV01"));
        shortChunk.addAttribute("servicePrincipalName;Range=0-4", "HOST/HV01", "HOST/hv01.contoso.com");
        DirectoryException tooFew = assertThrows(DirectoryException.class,
                () -> RangedRetrieval.complete(null, shortChunk, "ldap://dc1", null));
        assertTrue(tooFew.getMessage().contains("servicePrincipalName of " + dn("HV01"))
                && tooFew.getMessage().contains("range=0-4 carried 2 values"), tooFew.getMessage());
    }

    /**
     * A DN is a directory value: one holding a line feed (a cn "HV01<LF>FORGED") would forge a line of its own in the
     * failure mail, which splits the reason on line feeds. The message shows it as stored.
     */
    @Test
    void aDnWithALineFeedIsShownAsItsCodeInTheMessage() {
        Entry late = new Entry("CN=HV01\nDirectory read completed,OU=Hyper-V," + TestDirectory.BASE);
        late.addAttribute("msDS-AllowedToDelegateTo;range=3-*", "cifs/HV02");
        DirectoryException e = assertThrows(DirectoryException.class,
                () -> RangedRetrieval.complete(null, late, "ldap://dc1", null));
        assertTrue(e.getMessage().contains("of CN=HV01\\u000ADirectory read completed,OU=Hyper-V"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
