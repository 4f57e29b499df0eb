package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Spn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The objects outside a base DN below the domain (an OU, {@code directory.baseDn: OU=Hyper-V,DC=contoso,DC=com})
 * that the audit of the nodes needs, which the sweep does not see:
 * <ul>
 * <li>the hosts the nodes' delegation entries name: a domain controller in {@code OU=Domain Controllers}, a file
 * server or host in another OU. Unseen, an entry naming one would read as naming no computer at all: a LOW
 * STALE_DELEGATION scripted for removal instead of DELEGATION_TO_SENSITIVE_TARGET, or instead of "exists, not a peer:
 * an administrator decides". Only the hosts no object of the sweep names are looked up, by what the KDC and the audit
 * resolve an entry by: the entry as an SPN, {@code HOST/<host>} (sPNMappings), the account {@code <label>$} and
 * {@code cn} (a NetBIOS form), and {@code krbtgt} for {@code krbtgt/REALM};</li>
 * <li>the other holders of the nodes' SPNs (a service account in {@code CN=Users}): unseen, a duplicate that makes
 * the KDC refuse the ticket would go unnoticed (DUPLICATE_SPN, TARGET_SPN_NOT_REGISTERED). Looked up by
 * {@link #asked}: the SPNs {@code preflight --all-dcs} looks for on each DC ({@link DomainControllers#holderValues}),
 * and those the pairs ask for that a node does not register;</li>
 * <li>the computers that delegate to a node (a node evicted and moved to a decommissioned OU or {@code CN=Computers},
 * still holding its entries to the nodes it left): unseen, its STALE_DELEGATION went unnoticed once the nodes' entries
 * to it were removed. Found by one search of the domain for every object that delegates ({@link #delegatingToNodes}),
 * not one per node.</li>
 * </ul>
 *
 * <p>In the domain's naming context; all indexed attributes, escaped equality filters, {@link #TERMS_PER_SEARCH} at
 * a time, paged, within the reading's deadline.
 * Under the sweep's own filter, so what is added is exactly what a sweep of the whole domain would have returned for
 * those names; an object a cluster would take for a node is left out unless it registers a node's SPN (a node outside
 * the base DN stays HOST_NOT_FOUND, as before: the audit takes no object outside the base DN for a node, and one left
 * out would hide the duplicate that makes the KDC refuse the ticket).
 */
final class OutsideObjects {
    /** Filter terms per search: a few hundred keep a request small for any DC. */
    static final int TERMS_PER_SEARCH = 200;

    private static final String DELEGATE_TO = "msDS-AllowedToDelegateTo";

    private OutsideObjects() {
    }

    /** Whether {@code baseDn} lies strictly below {@code domainDn}: then the sweep misses the rest of the domain. */
    static boolean below(String baseDn, String domainDn) {
        try {
            return new DN(baseDn).isDescendantOf(new DN(domainDn), false);
        } catch (LDAPException e) {
            return false;
        }
    }

    /**
     * The objects (under {@code domainDn}, not of the sweep) that {@code nodes}' delegation entries name where no
     * object of {@code sweep} does, or that register one of their SPNs, completed where AD returned ranged values; none
     * taken for a node by {@code selector}.
     */
    static List<AdObject> read(LDAPConnection connection, Deadline deadline, String where, String domainDn,
                               int pageSize, List<AdObject> sweep, List<AdObject> nodes, NodeSelector selector,
                               Set<String> serviceAccounts, List<String> services, ValueInterner canonical)
            throws DirectoryException {
        Set<String> seen = seen(sweep);
        Set<String> asked = new LinkedHashSet<>(); // computed once: the search terms and the holders kept
        for (AdObject node : nodes) {
            asked.addAll(asked(node, services));
        }
        Map<String, SearchResultEntry> found;
        try {
            found = outside(connection, deadline, domainDn, pageSize, terms(sweep, nodes, asked), seen);
        } catch (LDAPException e) {
            throw EntryReads.failed(deadline, where, "looking up the objects outside the base DN that the nodes"
                    + " delegate to or that hold their SPNs, under " + domainDn, e);
        }
        Set<String> held = new HashSet<>();
        asked.forEach(v -> held.add(v.toLowerCase(Locale.ROOT)));
        try {
            delegatingToNodes(connection, deadline, domainDn, pageSize, nodes, held, seen, found);
        } catch (LDAPException e) {
            throw EntryReads.failed(deadline, where, "looking up the computers outside the base DN that delegate to the"
                    + " nodes, under " + domainDn, e);
        }
        List<AdObject> out = new ArrayList<>();
        for (SearchResultEntry e : found.values()) {
            AdObject o = object(connection, deadline, where, e, canonical);
            if (selector.select(List.of(o), serviceAccounts).isEmpty() || holds(o, held)) {
                out.add(o);
            }
        }
        return out;
    }

    /**
     * The objects (under {@code domainDn}, not of {@code sweep}) that register an SPN of {@code across}: the nodes of
     * the other directories, into which the pairs from this domain's nodes go. Their KDC, this domain's, finds such a
     * holder first (DUPLICATE_SPN, TARGET_SPN_NOT_REGISTERED of the target in the other domain), as a sweep of the
     * whole domain would have shown; looked up once every directory is read, since their nodes are known only then
     * ({@link DirectoriesCollector}). By {@link #asked}, {@link #TERMS_PER_SEARCH} a search.
     */
    static List<AdObject> holdersOf(LDAPConnection connection, Deadline deadline, String where, String domainDn,
                                    int pageSize, List<AdObject> sweep, List<AdObject> across, List<String> services,
                                    ValueInterner canonical) throws DirectoryException {
        Set<Filter> terms = new LinkedHashSet<>();
        for (AdObject node : across) {
            asked(node, services).forEach(v -> terms.add(Filter.createEqualityFilter("servicePrincipalName", v)));
        }
        List<AdObject> out = new ArrayList<>();
        try {
            for (SearchResultEntry e : outside(connection, deadline, domainDn, pageSize, new ArrayList<>(terms),
                    seen(sweep)).values()) {
                out.add(object(connection, deadline, where, e, canonical));
            }
        } catch (LDAPException e) {
            throw EntryReads.failed(deadline, where, "looking up the objects outside the base DN that hold the SPNs of"
                    + " the other directories' nodes, under " + domainDn, e);
        }
        return out;
    }

    /** The normalized DNs of {@code sweep}. */
    private static Set<String> seen(List<AdObject> sweep) {
        Set<String> seen = new HashSet<>();
        for (AdObject o : sweep) {
            seen.add(EntryReads.normal(o.dn()));
        }
        return seen;
    }

    /**
     * The entries under {@code domainDn} matching one of {@code terms} (and the sweep's filter) that are not of
     * {@code seen}, by normalized DN, {@link #TERMS_PER_SEARCH} terms a search.
     */
    private static Map<String, SearchResultEntry> outside(LDAPConnection connection, Deadline deadline,
                                                          String domainDn, int pageSize, List<Filter> terms,
                                                          Set<String> seen) throws LDAPException {
        Map<String, SearchResultEntry> found = new LinkedHashMap<>();
        for (int from = 0; from < terms.size(); from += TERMS_PER_SEARCH) {
            int to = Math.min(terms.size(), from + TERMS_PER_SEARCH);
            Filter any = Filter.createORFilter(terms.subList(from, to));
            EntryReads.paged(connection, deadline, new SearchRequest(domainDn, SearchScope.SUB,
                    Filter.createANDFilter(Filter.create(DirectoryCollector.FILTER), any),
                    DirectoryCollector.ATTRIBUTES), pageSize, e -> {
                        if (!seen.contains(EntryReads.normal(e.getDN()))) {
                            found.putIfAbsent(EntryReads.normal(e.getDN()), e);
                        }
                    });
        }
        return found;
    }

    /** {@code e} as an object, completed where AD returned ranged values. */
    private static AdObject object(LDAPConnection connection, Deadline deadline, String where, SearchResultEntry e,
                                   ValueInterner canonical) throws DirectoryException {
        return DirectoryCollector.toObject(RangedRetrieval.incomplete(e)
                ? RangedRetrieval.complete(connection, e, where, deadline) : e, canonical);
    }

    /**
     * Adds to {@code found} the objects outside the sweep ({@code seen}) whose msDS-AllowedToDelegateTo names a node: a
     * node evicted and moved out of the base DN (to a decommissioned OU, or left in {@code CN=Computers}) that still
     * holds its entries to the nodes it left, with which it can still act for users towards them (STALE_DELEGATION).
     * No search per node: one search of the domain for every object that delegates, by presence (no value in its
     * filter), asking for the account name alone, as it returns the nodes too, with their long lists (at 20,000 hosts
     * about 2 MB of names instead of the lists again); then those outside read whole by their account names (escaped
     * equality terms, {@link #TERMS_PER_SEARCH} at a time), kept where an entry names a node or one of its SPNs
     * ({@code held}), or where AD returned the values in ranges (the rule reads them once completed).
     */
    private static void delegatingToNodes(LDAPConnection connection, Deadline deadline, String domainDn, int pageSize,
                                          List<AdObject> nodes, Set<String> held, Set<String> seen,
                                          Map<String, SearchResultEntry> found) throws LDAPException {
        Filter delegates = Filter.createANDFilter(Filter.create(DirectoryCollector.FILTER),
                Filter.createPresenceFilter(DELEGATE_TO));
        List<Filter> outside = new ArrayList<>();
        EntryReads.paged(connection, deadline, new SearchRequest(domainDn, SearchScope.SUB, delegates,
                "sAMAccountName"), pageSize, e -> {
                    String account = e.getAttributeValue("sAMAccountName");
                    String dn = EntryReads.normal(e.getDN());
                    if (account != null && !seen.contains(dn) && !found.containsKey(dn)) {
                        outside.add(Filter.createEqualityFilter("sAMAccountName", account));
                    }
                });
        Set<String> names = new HashSet<>();
        for (AdObject node : nodes) {
            names.addAll(hostNames(node));
        }
        for (int from = 0; from < outside.size(); from += TERMS_PER_SEARCH) {
            Filter any = Filter.createORFilter(outside.subList(from, Math.min(outside.size(), from + TERMS_PER_SEARCH)));
            EntryReads.paged(connection, deadline, new SearchRequest(domainDn, SearchScope.SUB,
                    Filter.createANDFilter(delegates, any), DirectoryCollector.ATTRIBUTES), pageSize, e -> {
                        String dn = EntryReads.normal(e.getDN());
                        if (!seen.contains(dn) && (RangedRetrieval.incomplete(e) || namesANode(e, names, held))) {
                            found.putIfAbsent(dn, e);
                        }
                    });
        }
    }

    /** Whether an entry of {@code e}'s msDS-AllowedToDelegateTo is one of {@code held} or names a host of {@code names}. */
    private static boolean namesANode(SearchResultEntry e, Set<String> names, Set<String> held) {
        String[] entries = e.getAttributeValues(DELEGATE_TO);
        for (String entry : entries == null ? new String[0] : entries) {
            Spn spn = Spn.parse(entry);
            if (held.contains(entry.toLowerCase(Locale.ROOT)) || spn != null && names.contains(host(spn.hostName()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code o} registers one of {@code held} (lower case): then it is another holder of a node's SPN whatever
     * it is named, even like a node (a stale {@code CN=HV02} in {@code CN=Computers}); the audit takes no object
     * outside the base DN for a node.
     */
    private static boolean holds(AdObject o, Set<String> held) {
        for (String spn : o.spns()) {
            if (held.contains(spn.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The SPNs whose other holders a node's pairs meet: those it registers and the {@code cifs/X} it serves through
     * {@code HOST/X} ({@link DomainControllers#holderValues}), and those the pairs into it ask for, which it may not
     * register at all: each of {@code services} (the policy's) and {@code HOST} on each of its names (cn, account
     * without {@code $}, dNSHostName), the host's trailing dot toggled. Another account registering one of the latter
     * is what TARGET_SPN_NOT_REGISTERED names (the KDC finds it, and a DC refuses the registration on the node while
     * it holds it). About 20 values a node as the test hosts register, up to 44 for a Windows host's 14 SPNs.
     */
    static Set<String> asked(AdObject node, List<String> services) {
        Set<String> out = new LinkedHashSet<>(DomainControllers.holderValues(node));
        List<String> classes = new ArrayList<>(services);
        classes.add("HOST");
        for (String h : hostNames(node)) {
            for (String service : h.isEmpty() ? List.<String>of() : classes) {
                out.add(service + "/" + h);
                out.add(service + "/" + h + ".");
            }
        }
        return out;
    }

    /**
     * The filter terms for the hosts {@code nodes}' entries name that no object of {@code sweep} names, and for the
     * other holders of their SPNs ({@code asked}, of {@link #asked}).
     */
    private static List<Filter> terms(List<AdObject> sweep, List<AdObject> nodes, Set<String> asked) {
        // what resolves an entry in the sweep: a computer by its name; an SPN registered there that names the host
        // (MSSQLSvc/fs01 on a service account, a leftover HOST/dc1 in the OU) does not: the host itself may be outside
        Set<String> known = new HashSet<>();
        for (AdObject o : sweep) {
            if (o.isComputer()) {
                known.addAll(hostNames(o));
            }
        }
        Set<Filter> out = new LinkedHashSet<>();
        for (String spn : asked) {
            out.add(Filter.createEqualityFilter("servicePrincipalName", spn));
        }
        for (AdObject node : nodes) {
            for (String entry : node.delegateTo()) {
                Spn spn = Spn.parse(entry);
                if (spn == null || known.contains(spn.hostName().strip())) {
                    continue;
                }
                String host = spn.hostName().strip();
                int dot = host.indexOf('.');
                String label = dot > 0 ? host.substring(0, dot) : host;
                out.add(Filter.createEqualityFilter("servicePrincipalName", entry));
                if (!host.isEmpty()) {
                    out.add(Filter.createEqualityFilter("servicePrincipalName", "HOST/" + host));
                    out.add(Filter.createEqualityFilter("sAMAccountName", label + "$"));
                    out.add(Filter.createEqualityFilter("cn", label));
                }
                if (spn.service().equalsIgnoreCase("krbtgt")) {
                    out.add(Filter.createEqualityFilter("sAMAccountName", "krbtgt"));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /** A name as an entry's host: lower case, without a trailing {@code $} or dot. */
    /** A computer's names as {@link #host} folds them: cn, account, dNSHostName, those it has. */
    private static List<String> hostNames(AdObject o) {
        List<String> out = new ArrayList<>(3);
        for (String name : new String[]{o.cn(), o.samAccountName(), o.dnsHostName()}) {
            if (name != null) {
                out.add(host(name));
            }
        }
        return out;
    }

    private static String host(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT);
        while (s.endsWith(".") || s.endsWith("$")) {
            s = s.substring(0, s.length() - 1);
        }
        return s;
    }
}
