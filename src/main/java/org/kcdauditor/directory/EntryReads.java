package org.kcdauditor.directory;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Entries read one by one by DN (base scope), each once, for the group expansions beside the sweep (operators, the
 * groups RBCD allows); and the paged search those use. A DN this directory does not hold — noSuchObject, a DN the
 * server's parser refuses (invalidDNSyntax) or one of another domain it refers elsewhere (a referral, as Windows AD
 * answers) — reads as absent, never as a failed run.
 */
final class EntryReads {
    private final LDAPConnection connection;
    private final Deadline deadline;
    private final String where;
    private final String[] attributes;
    /** By normal DN; null for an entry this directory does not hold. */
    private final Map<String, Entry> read = new HashMap<>();
    /** The normal DNs the server referred elsewhere (another domain's, below this one's DN: a child domain). */
    private final Set<String> referred = new HashSet<>();

    EntryReads(LDAPConnection connection, Deadline deadline, String where, String... attributes) {
        this.connection = connection;
        this.deadline = deadline;
        this.where = where;
        this.attributes = attributes;
    }

    /** The entry at {@code dn} with the attributes of this reader, read once; null when this directory lacks it. */
    Entry entry(String dn) throws DirectoryException {
        String key = normal(dn);
        if (read.containsKey(key)) {
            return read.get(key);
        }
        Entry e;
        try {
            e = deadline.call(() -> connection.getEntry(dn, attributes));
        } catch (LDAPException ex) {
            if (!notHere(ex, deadline)) {
                throw failed(deadline, where, "reading " + dn, ex);
            }
            if (ex.getResultCode() == ResultCode.REFERRAL) {
                referred.add(key);
            }
            e = null;
        }
        read.put(key, e);
        return e;
    }

    /** Whether a read of {@code dn} ({@link #entry}) was referred elsewhere: an object of another domain. */
    boolean referred(String dn) {
        return referred.contains(normal(dn));
    }

    /** Whether the server's answer means "no such object in this directory" (and the deadline did not strike). */
    static boolean notHere(LDAPException e, Deadline deadline) {
        if (deadline.tripped()) {
            return false;
        }
        ResultCode c = e.getResultCode();
        return c == ResultCode.NO_SUCH_OBJECT || c == ResultCode.INVALID_DN_SYNTAX || c == ResultCode.REFERRAL;
    }

    /** Every entry {@code request} finds, page by page ({@code pageSize} each, the control marked critical). */
    static void paged(LDAPConnection connection, Deadline deadline, SearchRequest request, int pageSize,
                      Consumer<SearchResultEntry> sink) throws LDAPException {
        ASN1OctetString cookie = null;
        do {
            request.setControls(new SimplePagedResultsControl(pageSize, cookie, true));
            SearchResult result = deadline.call(() -> connection.search(request));
            result.getSearchEntries().forEach(sink);
            SimplePagedResultsControl response = SimplePagedResultsControl.get(result);
            cookie = response == null ? null : response.getCookie();
        } while (cookie != null && cookie.getValueLength() > 0);
    }

    static boolean isGroup(Entry e) {
        return e.hasObjectClass("group") || e.hasObjectClass("groupOfNames");
    }

    /** {@code objectSid} of {@code e} in text form; null when absent or malformed. */
    static String sid(Entry e) {
        byte[] b = e.getAttributeValueBytes("objectSid");
        try {
            return b == null ? null : Sids.toString(b);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The normal form of a DN for comparisons (a value that is no DN: lower-cased as it is). */
    static String normal(String dn) {
        try {
            return DN.normalize(dn);
        } catch (LDAPException e) {
            return dn.toLowerCase(Locale.ROOT);
        }
    }

    static DirectoryException failed(Deadline deadline, String where, String what, LDAPException e) {
        DirectoryException late = deadline.failure(where, e);
        return late != null ? late : new DirectoryException(where + ": " + what + " failed: "
                + DirectoryCollector.reason(e), e);
    }
}
