import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchResultListener;
import com.unboundid.ldap.sdk.SearchResultReference;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import org.kcdauditor.directory.DirectoryCollector;

/**
 * The UnboundID floor: the collector's paged search with a listener that only counts, so the
 * difference to the tool's collect stage is what the tool does per entry.
 * java -cp target/kcd-auditor.jar:DIR RawProbe HOST PORT BINDDN BASEDN sync|async   (password: KCD_AUDIT_LDAP_PASSWORD)
 */
public final class RawProbe {
    public static void main(String[] a) throws Exception {
        LDAPConnectionOptions o = new LDAPConnectionOptions();
        o.setUseSynchronousMode("sync".equals(a[4]));
        long t0 = System.nanoTime();
        int[] n = {0};
        long[] values = {0};
        try (LDAPConnection c = new LDAPConnection(o, a[0], Integer.parseInt(a[1]), a[2],
                System.getenv("KCD_AUDIT_LDAP_PASSWORD"))) {
            SearchResultListener l = new SearchResultListener() {
                private static final long serialVersionUID = 1L;

                @Override
                public void searchEntryReturned(SearchResultEntry e) {
                    n[0]++;
                    String[] v = e.getAttributeValues("msDS-AllowedToDelegateTo");
                    values[0] += v == null ? 0 : v.length;
                }

                @Override
                public void searchReferenceReturned(SearchResultReference r) {
                }
            };
            SearchRequest r = new SearchRequest(l, a[3], SearchScope.SUB, Filter.create(DirectoryCollector.FILTER),
                    DirectoryCollector.ATTRIBUTES);
            ASN1OctetString cookie = null;
            do {
                r.setControls(new SimplePagedResultsControl(1000, cookie, true));
                SearchResult res = c.search(r);
                cookie = SimplePagedResultsControl.get(res).getCookie();
            } while (cookie != null && cookie.getValueLength() > 0);
        }
        System.err.printf("timing raw-%s %d ms%nentries=%d delegationValues=%d%n", a[4], (System.nanoTime() - t0) / 1_000_000,
                n[0], values[0]);
    }
}
