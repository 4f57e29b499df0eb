package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.NameResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.support.TestDirectory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code directory.url} naming the domain ({@code ldaps://contoso.com}) or an alias that DNS answers with several DCs:
 * at 02:00 one of them is restarting for its updates. The SDK connects to the first address only, so the run failed
 * with "cannot connect" while the other DCs of the domain answered. Each address is now tried in turn, and the
 * reading's second connection goes to the DC the first reached, however DNS rotates the addresses.
 */
class DcFailoverTest {
    private static final List<String> NODES = List.of("HV01", "HV02");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);

    @TempDir
    Path tmp;
    final List<InMemoryDirectoryServer> dcs = new ArrayList<>();
    /** The sockets of {@link #unanswering}, closed after each test. */
    final List<Closeable> open = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        dcs.forEach(s -> s.shutDown(true));
        for (Closeable c : open) {
            c.close();
        }
    }

    /**
     * A DC that does not answer at all, as one powered off or restarting behind a router (its SYNs go unanswered): a
     * listener at {@code address}:{@code port} that never accepts, its connection queue filled until a connect to it
     * waits (Linux drops the SYNs a full queue cannot take).
     */
    private void unanswering(String address, int port) throws IOException {
        ServerSocket listener = new ServerSocket(port, 1, InetAddress.getByName(address));
        open.add(listener);
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            open.add(s);
            try {
                s.connect(new InetSocketAddress(address, port), 500);
            } catch (SocketTimeoutException e) {
                return;
            }
        }
        fail("the listener at " + address + " kept accepting connections: cannot make an address that drops SYNs");
    }

    /** A DC of the domain answering as {@code name}, listening at {@code address}:{@code port} (0: any port). */
    private InMemoryDirectoryServer dc(String name, String address, int port) throws Exception {
        InMemoryDirectoryServerConfig c = new InMemoryDirectoryServerConfig(TestDirectory.BASE);
        c.setSchema(null);
        c.setCustomRootDSEAttributes(List.of(new Attribute("dnsHostName", name),
                new Attribute("defaultNamingContext", TestDirectory.BASE)));
        c.addAdditionalBindCredentials(TestDirectory.BIND_DN, TestDirectory.PASSWORD);
        c.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getByName(address), port,
                null));
        InMemoryDirectoryServer s = new InMemoryDirectoryServer(c);
        s.add("dn: " + TestDirectory.BASE, "objectClass: domain", "dc: contoso");
        s.add("dn: OU=Hyper-V," + TestDirectory.BASE, "objectClass: organizationalUnit", "ou: Hyper-V");
        TestDirectory.addCluster(s, NODES);
        s.startListening();
        dcs.add(s);
        return s;
    }

    /** DNS answering {@code contoso.com} with {@code addresses}, rotated by two at each lookup (round robin). */
    private static NameResolver roundRobin(String... addresses) {
        AtomicInteger lookups = new AtomicInteger();
        return new NameResolver() {
            @Override
            public InetAddress[] getAllByName(String host) throws UnknownHostException {
                if (!host.equals("contoso.com")) {
                    return LDAPConnectionOptions.DEFAULT_NAME_RESOLVER.getAllByName(host);
                }
                List<InetAddress> all = new ArrayList<>();
                for (String a : addresses) {
                    all.add(InetAddress.getByAddress(host, InetAddress.getByName(a).getAddress()));
                }
                Collections.rotate(all, -2 * lookups.getAndIncrement());
                return all.toArray(InetAddress[]::new);
            }

            @Override
            public InetAddress getByName(String host) throws UnknownHostException {
                return getAllByName(host)[0];
            }

            @Override
            public void toString(StringBuilder buffer) {
                buffer.append("roundRobin");
            }
        };
    }

    private LdapConnector connector(int port, NameResolver dns) throws Exception {
        AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://contoso.com:" + port, NODES,
                "allowInsecureBind: true"));
        return new LdapConnector(config, new Secrets(ENV)).resolvingWith(dns);
    }

    @Test
    void aDcDownAmongTheNamesAddressesIsPassedOverAndTheReadingStaysOnTheDcReached() throws Exception {
        int port = dc("dc1.contoso.com", "127.0.0.1", 0).getListenPort();
        dc("dc3.contoso.com", "127.0.0.3", port);
        // 127.0.0.2: dc2, restarting (nothing listens); the second lookup starts at dc3
        LdapConnector connector = connector(port, roundRobin("127.0.0.2", "127.0.0.1", "127.0.0.3"));
        AuditConfig config = ConfigLoader.load(tmp.resolve("kcd-audit.yaml"));
        Deadline deadline = Deadline.start(config.directory());
        try (LDAPConnection sweep = connector.connect(deadline)) {
            assertEquals("127.0.0.1", sweep.getConnectedIPAddress(), "dc2 is down: dc1, the next address");
            Snapshot s = new DirectoryCollector(config, Clock.systemUTC()).collect(sweep, deadline, n -> { });
            assertEquals("dc1.contoso.com", s.dc(), "the DC read is recorded");
            assertTrue(s.objects().size() >= NODES.size(), s.objects().toString());
            // the reading's second connection (the nodes' metadata reads): the same DC, though DNS now starts at dc3
            try (LDAPConnection reads = connector.pipelined().connect(deadline)) {
                assertEquals("127.0.0.1", reads.getConnectedIPAddress());
            }
        }
    }

    @Test
    void everyAddressDownIsStillOneLineSayingItCannotConnect() throws Exception {
        int port = dc("dc1.contoso.com", "127.0.0.1", 0).getListenPort();
        LdapConnector connector = connector(port, roundRobin("127.0.0.2", "127.0.0.4"));
        DirectoryException e = assertThrows(DirectoryException.class, () -> connector.connect(
                Deadline.start(ConfigLoader.load(tmp.resolve("kcd-audit.yaml")).directory())));
        assertTrue(e.getMessage().startsWith("ldap://contoso.com:" + port + ": cannot connect ("), e.getMessage());
    }

    @Test
    void aDcThatDoesNotAnswerAtAllIsPassedOverToo() throws Exception {
        int port = dc("dc1.contoso.com", "127.0.0.1", 0).getListenPort();
        // 127.0.0.6: dc2, powered off behind a router; DNS names it first, and each operation may take 2 s only
        unanswering("127.0.0.6", port);
        AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://contoso.com:" + port, NODES,
                "allowInsecureBind: true", "timeoutSeconds: 2"));
        LdapConnector connector = new LdapConnector(config, new Secrets(ENV))
                .resolvingWith(roundRobin("127.0.0.6", "127.0.0.1"));
        Deadline deadline = Deadline.start(config.directory());
        try (LDAPConnection sweep = connector.connect(deadline)) {
            assertEquals("127.0.0.1", sweep.getConnectedIPAddress(), "dc2 does not answer: dc1, the next address");
            Snapshot s = new DirectoryCollector(config, Clock.systemUTC()).collect(sweep, deadline, n -> { });
            assertEquals("dc1.contoso.com", s.dc());
        }
    }
}
