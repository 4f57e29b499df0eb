package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.support.TestDirectory;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon retries an audit the directory stopped (daemon.retry) and nothing else. A read of the pipelined
 * metadata reads that the DC answers busy or unavailable (shutting down for its updates) is such a stop; its failure
 * kept only the result code in words, so the retry did not know it. A refused permission is no outage.
 */
class DirectoryOutageTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"UNAVAILABLE, true", "BUSY, true", "INSUFFICIENT_ACCESS_RIGHTS, false"})
    void aPipelinedReadTheDcAnswersUnavailableIsAnOutage(String code, boolean outage) throws Exception {
        ResultCode rc = switch (code) {
            case "UNAVAILABLE" -> ResultCode.UNAVAILABLE;
            case "BUSY" -> ResultCode.BUSY;
            default -> ResultCode.INSUFFICIENT_ACCESS_RIGHTS;
        };
        InMemoryDirectoryServerConfig c = new InMemoryDirectoryServerConfig(TestDirectory.BASE);
        c.setSchema(null);
        c.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("dc", InetAddress.getLoopbackAddress(), 0, null));
        c.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest r) throws LDAPException {
                if (r.getRequest().getScope() == SearchScope.BASE) {
                    throw new LDAPException(rc, "the domain controller says no");
                }
            }
        });
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(c);
        server.add("dn: " + TestDirectory.BASE, "objectClass: domain", "dc: contoso");
        server.startListening();
        DirectoryConfig d = new DirectoryConfig("ldap://127.0.0.1:" + server.getListenPort(), false, null, null, null,
                TestDirectory.BASE, null, null, null, true, null, 30);
        try (LDAPConnection pipelined = server.getConnection()) {
            DirectoryException e = assertThrows(DirectoryException.class, () -> BaseReads.read(pipelined,
                    Deadline.start(d), List.of(TestDirectory.BASE, TestDirectory.BASE), new String[]{"cn"},
                    d.url(), (dn, entry) -> { }));
            assertEquals(outage, DirectoryOutage.is(e), e.getMessage());
        } finally {
            server.shutDown(true);
        }
    }

    /**
     * A reading that outlasts directory.runTimeoutSeconds is no outage: the directory answered, it is too big (or the
     * link too slow) for the limit, and a retry would read it all again only to fail the same (a domain too big for the
     * limit was swept three times per fire). A single operation past directory.timeoutSeconds still is one (a DC
     * hanging while it shuts down). The sweep's search here is never answered; the bound that passes first closes it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"'runTimeoutSeconds: 1', 'timeoutSeconds: 30', directory.runTimeoutSeconds (1 s), false",
            // the SDK's response timeout (85) and the operation bound are the same second: either may say it
            "'timeoutSeconds: 1', 'runTimeoutSeconds: 30', timeout, true"})
    void aReadingThatOutlastsRunTimeoutSecondsIsNoOutage(String bound, String other, String said, boolean outage)
            throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        InMemoryDirectoryServer server = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0,
                new InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchRequest(InMemoryInterceptedSearchRequest r) {
                        if (r.getRequest().getScope() == SearchScope.SUB) {
                            try {
                                released.await(60, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                });
        try {
            TestDirectory.addCluster(server, List.of("HV01", "HV02"));
            AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://127.0.0.1:"
                    + server.getListenPort(), List.of("HV01", "HV02"), "allowInsecureBind: true", bound, other));
            Deadline deadline = Deadline.start(config.directory());
            DirectoryException e = assertThrows(DirectoryException.class, () -> {
                try (LDAPConnection sweep = new LdapConnector(config,
                        new Secrets(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD))).connect(deadline)) {
                    new DirectoryCollector(config, Clock.systemUTC()).collect(sweep, deadline, n -> { });
                }
            });
            assertTrue(e.getMessage().contains(said), e.getMessage());
            assertEquals(outage, DirectoryOutage.is(e), e.getMessage());
        } finally {
            released.countDown();
            server.shutDown(true);
        }
    }
}
