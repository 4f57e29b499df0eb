package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.AsyncRequestID;
import com.unboundid.ldap.sdk.AsyncSearchResultListener;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.remedy.Values;

import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a list of objects by DN, each with a base-scope search for a few attributes: the replication metadata of
 * the cluster nodes, and what another domain controller holds for them. No filter carries a name: the DN is the
 * search base. On a pipelined connection ({@link LdapConnector#pipelined()}) up to {@link #IN_FLIGHT} reads are
 * outstanding at once, so the time is not one round trip per object; on a synchronous one they go one by one.
 */
final class BaseReads {
    /** Requests outstanding at once on a pipelined connection. */
    static final int IN_FLIGHT = 32;
    private static final Filter ANY;

    static {
        try {
            ANY = Filter.create("(objectClass=*)");
        } catch (LDAPException e) {
            throw new IllegalStateException(e);
        }
    }

    private BaseReads() {
    }

    /** Takes each object read, as it arrives; one at a time, never two at once. */
    @FunctionalInterface
    interface Handler {
        void entry(String dn, SearchResultEntry e) throws DirectoryException;
    }

    /**
     * Reads and hands each entry to {@code handler} as it arrives, keeping none: 20,000 nodes' replication metadata
     * would not fit the heap at once. A DN the server does not hold is not handed over.
     *
     * @param deadline bounds each read of a synchronous connection, and all reads of a pipelined one (each has its
     *                 response timeout) by what is left of the run's bound
     * @param where the server, for messages
     * @throws DirectoryException when a read fails otherwise (the first failure), the connection breaks, a bound
     *                            passes, or the handler throws
     */
    static void read(LDAPConnection connection, Deadline deadline, List<String> dns, String[] attributes, String where,
                     Handler handler) throws DirectoryException {
        if (dns.isEmpty()) {
            return;
        }
        if (connection.synchronousMode()) {
            for (String dn : dns) {
                SearchRequest request = new SearchRequest(dn, SearchScope.BASE, ANY, attributes);
                try {
                    SearchResultEntry e = deadline.call(() -> connection.searchForEntry(request));
                    if (e != null) {
                        handler.entry(dn, e);
                    }
                } catch (LDAPSearchException e) {
                    if (e.getResultCode() != ResultCode.NO_SUCH_OBJECT) {
                        DirectoryException late = deadline.failure(where, e);
                        throw late != null ? late : failed(where, dn, e.getResultCode(), e.getDiagnosticMessage(), e);
                    }
                } catch (LDAPException e) {
                    DirectoryException late = deadline.failure(where, e);
                    throw late != null ? late : failed(where, dn, e.getResultCode(), e.getDiagnosticMessage(), e);
                }
            }
            return;
        }
        // the requests go out without Deadline.call: the run's bound closes the connection from a timer of its own
        ScheduledFuture<?> bound = deadline.boundRun();
        try {
            pipelined(connection, dns, attributes, where, handler);
        } catch (DirectoryException e) {
            DirectoryException late = deadline.failure(where, e);
            throw late != null ? late : e;
        } finally {
            if (bound != null) {
                bound.cancel(false);
            }
        }
    }

    /** {@link #read} on a pipelined connection: up to {@link #IN_FLIGHT} requests outstanding. */
    private static void pipelined(LDAPConnection connection, List<String> dns, String[] attributes, String where,
                                  Handler handler) throws DirectoryException {
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicReference<DirectoryException> failure = new AtomicReference<>();
        Object turn = new Object();
        long timeoutMillis = Math.max(1, connection.getConnectionOptions().getResponseTimeoutMillis());
        try {
            for (String dn : dns) {
                if (failure.get() != null) {
                    break;
                }
                acquire(slots, 1, timeoutMillis, where);
                AsyncSearchResultListener listener = new AsyncSearchResultListener() {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void searchEntryReturned(SearchResultEntry entry) {
                        synchronized (turn) {
                            try {
                                handler.entry(dn, entry);
                            } catch (DirectoryException | RuntimeException e) {
                                failure.compareAndSet(null, e instanceof DirectoryException d ? d
                                        : new DirectoryException(where + ": reading " + Values.visible(dn) + " failed: "
                                        + Values.visible(String.valueOf(e)), e));
                            }
                        }
                    }

                    @Override
                    public void searchReferenceReturned(SearchResultReference reference) {
                        // a base-scope read of an object returns no references
                    }

                    @Override
                    public void searchResultReceived(AsyncRequestID id, SearchResult result) {
                        ResultCode rc = result.getResultCode();
                        if (rc != ResultCode.SUCCESS && rc != ResultCode.NO_SUCH_OBJECT) {
                            // the result as the cause: what stopped the read is known by its code (DirectoryOutage)
                            failure.compareAndSet(null, failed(where, dn, rc, result.getDiagnosticMessage(),
                                    new LDAPException(result)));
                        }
                        slots.release();
                    }
                };
                try {
                    connection.asyncSearch(new SearchRequest(listener, dn, SearchScope.BASE, ANY, attributes));
                } catch (LDAPException e) {
                    slots.release();
                    throw failed(where, dn, e.getResultCode(), e.getDiagnosticMessage(), e);
                }
            }
            // every answer is in once all slots are free again
            acquire(slots, IN_FLIGHT, timeoutMillis, where);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DirectoryException(where + ": interrupted while reading objects", e);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static void acquire(Semaphore slots, int n, long timeoutMillis, String where)
            throws InterruptedException, DirectoryException {
        // each answer arrives within the response timeout (UnboundID delivers a TIMEOUT result otherwise)
        if (!slots.tryAcquire(n, timeoutMillis + 5_000, TimeUnit.MILLISECONDS)) {
            throw new DirectoryException(where + ": no answer within the timeout while reading objects — check the"
                    + " server, or raise timeoutSeconds");
        }
    }

    private static DirectoryException failed(String where, String dn, ResultCode rc, String diagnostic,
                                             Throwable cause) {
        return new DirectoryException(where + ": reading " + Values.visible(dn) + " failed: " + rc
                + (diagnostic == null ? "" : " (" + Values.visible(diagnostic) + ")"), cause);
    }
}
