package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The domain controller misbehaving in the middle of the paged sweep, as a scheduled audit at 02:00 meets it: the DC
 * restarts for its updates and closes the connection, stops a page at its time limit (AD: MaxQueryDuration), or
 * answers busy or unavailable. Each ends the run with exit 1 and one line that says what happened in words, how far
 * the reading got and what to do, and leaves the previous run's reports as they were.
 */
class DirectoryFaultsTest {
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");

    @TempDir
    Path tmp;
    InMemoryDirectoryServer dc;

    @AfterEach
    void stop() {
        dc.shutDown(true);
    }

    /** What the DC does to the sweep's third page request; null: nothing (the sweep is read whole). */
    private final AtomicReference<ResultCode> thirdPage = new AtomicReference<>();
    /** A search whose filter holds this text the DC answers by closing the connection; null: none. */
    private final AtomicReference<String> dropAt = new AtomicReference<>();

    /** A DC of 3 nodes and 30 workstations read in pages of 5, whose third page meets {@link #thirdPage}. */
    private Path start() throws Exception {
        AtomicInteger pages = new AtomicInteger();
        InMemoryOperationInterceptor faulty = new InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
                String drop = dropAt.get();
                if (drop != null && request.getRequest().getFilter().toString().contains(drop)) {
                    dc.closeAllConnections(false);
                    return;
                }
                ResultCode fault = thirdPage.get();
                if (fault == null || !request.getRequest().getFilter().toString().contains("servicePrincipalName=*")
                        || pages.incrementAndGet() != 3) {
                    return;
                }
                if (fault == ResultCode.SERVER_DOWN) {
                    dc.closeAllConnections(false); // the DC restarting: the connection just ends
                    return;
                }
                throw new LDAPException(fault, "0000213A: SvcErr: DSID-03100707, problem 5007 (ADMIN_LIMIT), data 0");
            }
        };
        dc = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, faulty);
        TestDirectory.addCluster(dc, NODES);
        TestDirectory.addWorkstations(dc, 30);
        return TestDirectory.config(tmp, "ldap://127.0.0.1:" + dc.getListenPort(), NODES, "allowInsecureBind: true",
                "pageSize: 5");
    }

    /** A good run into out/, then one that meets {@code fault}: its one line; the good run's findings.json unchanged. */
    private String failedRunAfterAGoodOne(ResultCode fault) throws Exception {
        Path cfg = start();
        Path out = tmp.resolve("out");
        CliRun good = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", out.toString(), "--formats", "json");
        assertEquals(0, good.exitCode(), good.toString());
        byte[] before = Files.readAllBytes(out.resolve("findings.json"));
        thirdPage.set(fault);
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", out.toString(), "--formats", "json");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("SearchRequest("), "no SDK request dump: " + r.err());
        assertArrayEquals(before, Files.readAllBytes(out.resolve("findings.json")), "the good run's findings stay");
        return r.err();
    }

    @Test
    void aDcThatClosesTheConnectionMidSweepIsSaidSoWithHowFarItGotAndWhatToDo() throws Exception {
        String err = failedRunAfterAGoodOne(ResultCode.SERVER_DOWN);
        assertTrue(err.contains("the connection to the domain controller was lost after 10 directory objects"), err);
        assertTrue(err.contains("run the audit again once the domain controller is back, or set directory.url to"
                + " another domain controller of the domain"), err);
    }

    @Test
    void aPageStoppedAtTheServersTimeLimitSaysToLowerThePageSize() throws Exception {
        String err = failedRunAfterAGoodOne(ResultCode.TIME_LIMIT_EXCEEDED);
        assertTrue(err.contains("the server stopped the search at its time limit after 10 directory objects"
                + " (LDAP result 3, timeLimitExceeded"), err);
        assertTrue(err.contains("AD: MaxQueryDuration, 120 s by default"), err);
        assertTrue(err.contains("lower directory.pageSize (now 5)"), err);
    }

    @ParameterizedTest
    @ValueSource(ints = {51, 52})
    void aBusyOrUnavailableDcSaysToRunAgainOrUseAnother(int code) throws Exception {
        ResultCode fault = ResultCode.valueOf(code);
        String err = failedRunAfterAGoodOne(fault);
        assertTrue(err.contains("the domain controller answered " + fault.getName() + " (LDAP result " + code
                + ") after 10 directory objects"), err);
        assertTrue(err.contains("run the audit again later, or set directory.url to another domain controller"
                + " of the domain"), err);
    }

    /**
     * The connection lost in a read after the sweep (here the search for managed service accounts): the line said
     * "failed: 81 (server down) (The connection to server … was closed while waiting for a response to search request
     * SearchRequest(baseDN=…, filter=…, attrs=…))", the SDK's whole request.
     */
    @Test
    void aConnectionLostInALaterReadIsSaidInWordsWithoutTheSdksRequest() throws Exception {
        Path cfg = start();
        dropAt.set("msDS-GroupManagedServiceAccount");
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("SearchRequest("), "no SDK request dump: " + r.err());
        assertTrue(r.err().contains("search for managed service accounts under DC=contoso,DC=com failed: 81 (server"
                + " down): the connection to the domain controller was lost"), r.err());
    }
}
