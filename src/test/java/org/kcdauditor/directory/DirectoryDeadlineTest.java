package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.LDAPConnection;
import org.kcdauditor.config.DirectoryConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TricklingProxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * directory.timeoutSeconds bounds each LDAP operation and directory.runTimeoutSeconds the whole reading,
 * also against a server that keeps sending, slowly: a proxy passes the real server's answers on a few bytes
 * at a time, so no socket read ever waits long enough for the SDK's own timeout to trip.
 */
class DirectoryDeadlineTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);

    static InMemoryDirectoryServer server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        server = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0);
        TestDirectory.addCluster(server, NODES);
        TestDirectory.addWorkstations(server, 57);
    }

    @AfterAll
    static void stop() {
        server.shutDown(true);
    }

    private CliRun run(Path config) {
        return CliRun.run(ENV, "run", "--config", config.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
    }

    /**
     * A run of {@code server} through a proxy passing on {@code chunk} bytes every 100 ms: it fails (exit 1) with
     * {@code error} in fewer than {@code seconds}.
     */
    private CliRun failsWithin(int seconds, InMemoryDirectoryServer server, int chunk, List<String> nodes, String error,
                               String... directoryExtra) throws Exception {
        try (TricklingProxy proxy = new TricklingProxy("127.0.0.1", server.getListenPort(), chunk, 100)) {
            List<String> extra = new java.util.ArrayList<>(List.of("allowInsecureBind: true"));
            extra.addAll(List.of(directoryExtra));
            Path cfg = TestDirectory.config(tmp, proxy.ldapUrl(), nodes, extra.toArray(String[]::new));
            long start = System.nanoTime();
            CliRun r = run(cfg);
            long took = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(took < seconds, "bounded, not " + took + " s: " + r);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains(error), r.err());
            return r;
        }
    }

    @Test
    @Timeout(120)
    void anOperationThatTricklesPastTimeoutSecondsFailsTheRun() throws Exception {
        // 20 bytes every 200 ms: the bind answers in a moment, the one page of 60 entries would take about a minute
        try (TricklingProxy proxy = new TricklingProxy("127.0.0.1", server.getListenPort(), 20, 200)) {
            Path cfg = TestDirectory.config(tmp, proxy.ldapUrl(), NODES, "allowInsecureBind: true",
                    "timeoutSeconds: 2");
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("no complete answer within directory.timeoutSeconds (2 s)"), r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertFalse(Files.exists(tmp.resolve("out/findings.json")), "nothing written");
        }
    }

    @Test
    @Timeout(120)
    void aReadingThatOutlastsRunTimeoutSecondsFailsTheRunAlthoughEachPageIsInTime() throws Exception {
        // pages of 5 entries at about 1 KB/s: each page well within timeoutSeconds, all 12 of them not within 2 s
        try (TricklingProxy proxy = new TricklingProxy("127.0.0.1", server.getListenPort(), 100, 100)) {
            Path cfg = TestDirectory.config(tmp, proxy.ldapUrl(), NODES, "allowInsecureBind: true",
                    "timeoutSeconds: 30", "runTimeoutSeconds: 2", "pageSize: 5");
            CliRun r = run(cfg);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("took longer than directory.runTimeoutSeconds (2 s)"), r.err());
        }
    }

    /**
     * Active Directory gives the nodes' replication metadata in binary form, which names DCs by invocation id: those
     * are read once from the configuration partition's nTDSDSA objects, one search of every DC of the forest. That
     * search ran outside the bounds: trickled, it went on for as long as the server kept sending (here about 40 s, with
     * timeoutSeconds: 3), and the run then exited 0.
     */
    @Test
    @Timeout(120)
    void theSearchForTheForestsDcsIsBoundedToo() throws Exception {
        String config = "CN=Configuration," + TestDirectory.BASE;
        InMemoryDirectoryServer forest = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0,
                List.of(new com.unboundid.ldap.sdk.Attribute("configurationNamingContext", config)));
        try {
            TestDirectory.addCluster(forest, NODES);
            TestDirectory.addForestDsas(forest, NODES, config, 600);
            // 2 KB/s: every other request answers in well under a second, the nTDSDSA search in about 40 s
            failsWithin(20, forest, 200, NODES, "no complete answer within directory.timeoutSeconds (3 s)",
                    "timeoutSeconds: 3");
        } finally {
            forest.shutDown(true);
        }
    }

    /**
     * The nodes' replication metadata (but the first node's) is read over a second, pipelined connection, many reads
     * outstanding at once. Each read had its response timeout, but nothing bounded them together: with
     * runTimeoutSeconds: 4, nine nodes of about 75 KB of metadata each, trickled at 20 KB/s, were read for about half a
     * minute and the run exited 0.
     */
    @Test
    @Timeout(120)
    void theNodesMetadataReadsAreWithinRunTimeoutSeconds() throws Exception {
        List<String> nodes = java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> String.format("HV%02d", i))
                .toList();
        InMemoryDirectoryServer metadata = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(metadata, nodes);
            for (String n : nodes) {
                List<String> values = new java.util.ArrayList<>();
                // the first node, read alone on the sweep's connection to learn whether the server gives any, a little
                for (int i = 0; i < (n.equals(nodes.get(0)) ? 1 : 300); i++) {
                    values.add("<DS_REPL_ATTR_META_DATA><pszAttributeName>attribute" + i + "</pszAttributeName>"
                            + "<dwVersion>1</dwVersion>" + "<!-- padding -->".repeat(10) + "</DS_REPL_ATTR_META_DATA>");
                }
                metadata.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE,
                        new com.unboundid.ldap.sdk.Modification(com.unboundid.ldap.sdk.ModificationType.ADD,
                                "msDS-ReplAttributeMetaData", values.toArray(String[]::new)));
            }
            CliRun r = failsWithin(15, metadata, 2000, nodes, "took longer than directory.runTimeoutSeconds (4 s)",
                    "timeoutSeconds: 30", "runTimeoutSeconds: 4");
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        } finally {
            metadata.shutDown(true);
        }
    }

    /**
     * preflight --all-dcs finds the domain's DCs with one search (AD's bitwise matching rule on their account flags).
     * It ran outside the bounds: a server sending one DC a second, each in time for the SDK, kept the preflight
     * waiting for all of them (here 20 s, with timeoutSeconds: 3).
     */
    @Test
    @Timeout(120)
    void theSearchForTheDomainsDcsIsBounded() throws Exception {
        InMemoryOperationInterceptor oneDcASecond = new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
                if (!request.getRequest().getFilter().toString().contains("1.2.840.113556.1.4.803")) {
                    return;
                }
                for (int i = 0; i < 20; i++) {
                    request.sendSearchEntry(new Entry("CN=DC" + i + ",OU=Domain Controllers," + TestDirectory.BASE,
                            new Attribute("cn", "DC" + i), new Attribute("userAccountControl", "532480")));
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                SearchRequest none = request.getRequest().duplicate();
                none.setFilter(Filter.createPresenceFilter("kcdNoSuchAttribute"));
                request.setRequest(none);
            }
        };
        InMemoryDirectoryServer slow = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, oneDcASecond);
        try {
            TestDirectory.addCluster(slow, NODES);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + slow.getListenPort(), NODES,
                    "allowInsecureBind: true", "timeoutSeconds: 3");
            long start = System.nanoTime();
            CliRun r = CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", "HVC1", "--all-dcs",
                    "--out", tmp.resolve("out").toString());
            long took = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(took < 12, "bounded, not " + took + " s: " + r);
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("no complete answer within directory.timeoutSeconds (3 s)"), r.err());
        } finally {
            slow.shutDown(true);
        }
    }

    @Test
    void aServerInTimeIsReadCompletelyThroughTheSameProxy() throws Exception {
        try (TricklingProxy proxy = new TricklingProxy("127.0.0.1", server.getListenPort(), 64 * 1024, 0)) {
            Path cfg = TestDirectory.config(tmp, proxy.ldapUrl(), NODES, "allowInsecureBind: true",
                    "timeoutSeconds: 30", "runTimeoutSeconds: 60", "pageSize: 5");
            CliRun r = run(cfg);
            assertEquals(0, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Read 60 directory objects"), r.out());
        }
    }

    /**
     * The reading uses two connections (the sweep's, and a pipelined one for the nodes' replication metadata): an
     * abort (a run being stopped) or a bound that passes closes both, not only the one attached last.
     */
    @Test
    void anAbortClosesEveryConnectionOfTheReading() throws Exception {
        DirectoryConfig d = new DirectoryConfig("ldap://127.0.0.1:" + server.getListenPort(), false, null, null, null,
                TestDirectory.BASE, null, null, null, true, null, 30);
        try (LDAPConnection sweep = server.getConnection(); LDAPConnection reads = server.getConnection()) {
            Deadline deadline = Deadline.start(d).attach(sweep).attach(reads);
            assertTrue(sweep.isConnected() && reads.isConnected());
            deadline.abort("the run is being stopped");
            assertFalse(sweep.isConnected(), "the sweep's connection is closed");
            assertFalse(reads.isConnected(), "the metadata reads' connection is closed");
            assertEquals("ldap: the run is being stopped", deadline.failure("ldap", null).getMessage());
        }
    }

    /**
     * A run stopped before it connected (Ctrl-C during start-up: RunControl aborts the deadline as soon as the reading
     * begins, with no connection yet) read the whole directory anyway: the abort closed the still unconnected
     * connection, which then connected. A request on an aborted deadline now fails at once, and so does one whose
     * connection the abort could not yet close.
     */
    @Test
    @Timeout(60)
    void aDeadlineAbortedBeforeItsConnectionConnectsStopsTheReadingAtOnce() throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + server.getListenPort(), NODES,
                "allowInsecureBind: true");
        DirectoryConfig d = org.kcdauditor.config.ConfigLoader.load(cfg).directory();
        Deadline deadline = Deadline.start(d);
        deadline.abort("interrupted by Ctrl-C (SIGINT)");
        LDAPConnection c = new LDAPConnection();
        deadline.attach(c);
        com.unboundid.ldap.sdk.LDAPException e = org.junit.jupiter.api.Assertions.assertThrows(
                com.unboundid.ldap.sdk.LDAPException.class, () -> deadline.call(() -> {
                    c.connect("127.0.0.1", server.getListenPort());
                    return null;
                }));
        assertFalse(c.isConnected(), "not left connected: " + e);
        assertEquals("ldap://x: interrupted by Ctrl-C (SIGINT)", deadline.failure("ldap://x", e).getMessage());

        // aborted while the request ran (here: while connecting): it fails when the request returns
        Deadline racing = Deadline.start(d);
        LDAPConnection r = new LDAPConnection();
        racing.attach(r);
        org.junit.jupiter.api.Assertions.assertThrows(com.unboundid.ldap.sdk.LDAPException.class,
                () -> racing.call(() -> {
                    racing.abort("stopped by SIGTERM"); // closes r before it is connected: nothing to close yet
                    r.connect("127.0.0.1", server.getListenPort());
                    return null;
                }));
        assertFalse(r.isConnected());
    }
}
