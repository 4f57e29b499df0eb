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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.support.TestDirectory;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The daemon retries an audit the directory stopped (daemon.retry) and nothing else. A read of the pipelined
 * metadata reads that the DC answers busy or unavailable (shutting down for its updates) is such a stop; its failure
 * kept only the result code in words, so the retry did not know it. A refused permission is no outage.
 */
class DirectoryOutageTest {
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
}
