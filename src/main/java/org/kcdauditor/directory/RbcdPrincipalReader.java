package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.RbcdPrincipal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the principals that the resource-based delegation of the nodes and file servers allows and that the sweep
 * did not return: a descriptor naming a group (HVHosts, Domain Computers) allows the group's members, since the KDC
 * checks it against the delegating host's token, groups included (MS-SFU 3.2.5.2.3).
 *
 * <p>Only SIDs of this domain that are no object of the sweep are read: a directory whose descriptors name computers
 * only (or that has none) costs nothing beyond a pass over the nodes' descriptors. Those SIDs are found with one
 * search (an OR of binary equality filters built by UnboundID, as {@link DomainReader} finds groups by RID). A group
 * is expanded through {@code member}, group by group, each once (cycles end), at most {@link #MAX_GROUPS} groups per
 * descriptor SID; a member that is an object of the sweep is known without a read, any other is read once by its DN.
 * For each group of the domain, the accounts whose {@code primaryGroupID} is its RID are members too (they are not
 * in {@code member}). Of those, only the hosts whose descriptors are read (the nodes and file servers, the pairs'
 * sources among them) matter to the audit, and Domain Users is the primary group of every user, Domain Computers of
 * every computer: the hosts' own {@code primaryGroupID} is read (one search per {@link #SIDS_PER_SEARCH} hosts, once
 * per run) instead of every account of the group, and one search of at most one entry more than the hosts found
 * tells whether other accounts have that primary group too (then the group is marked incomplete: its label says
 * "at least N members", or "members not all read" where none was found).
 */
final class RbcdPrincipalReader {
    /** Groups expanded per descriptor SID, nested ones included; beyond, the principal is marked incomplete. */
    static final int MAX_GROUPS = 1000;
    /** SIDs per search. */
    private static final int SIDS_PER_SEARCH = 50;
    private static final String[] ATTRS = {"objectClass", "objectSid", "cn", "sAMAccountName", "member"};
    private static final String[] PRIMARY_ATTRS = {"objectSid", "primaryGroupID"};

    private final LDAPConnection connection;
    private final Deadline deadline;
    private final String where;
    private final String domainDn;
    private final String domainSid;
    private final List<AdObject> objects;
    /** The sweep's objects by lower-case DN, built when the first group is expanded. */
    private Map<String, AdObject> byDn;
    /** Member entries read by DN, each once. */
    private final EntryReads read;
    /** The hosts, by the RID of their primary group: read once, when first asked. */
    private Map<Long, List<AdObject>> hostsByPrimaryGroup;
    /** The hosts whose membership through their primary group is read. */
    private List<AdObject> hosts = List.of();

    /**
     * @param domainSid the domain's SID: only SIDs below it are read; null (not AD) reads every unresolved SID
     * @param objects   the sweep's objects
     */
    RbcdPrincipalReader(LDAPConnection connection, Deadline deadline, String where, String domainDn, String domainSid,
                        List<AdObject> objects) {
        this.connection = connection;
        this.deadline = deadline;
        this.where = where;
        this.domainDn = domainDn;
        this.domainSid = domainSid;
        this.objects = objects;
        this.read = new EntryReads(connection, deadline, where, ATTRS);
    }

    /** The principals of {@code targets}' descriptors that are no object of the sweep, by SID. */
    Map<String, RbcdPrincipal> read(List<AdObject> targets) throws DirectoryException {
        return read(targets, targets);
    }

    /**
     * The same, the groups' members through their primary group read of {@code hosts}: the sources the verdicts ask
     * about, which a DC reading only some of the targets must still count as the audited DC does.
     */
    Map<String, RbcdPrincipal> read(List<AdObject> targets, List<AdObject> hosts) throws DirectoryException {
        this.hosts = hosts;
        Set<String> wanted = new LinkedHashSet<>();
        for (AdObject t : targets) {
            for (List<String> l : List.of(t.rbcdSids(), t.rbcdDeniedSids())) {   // a denied group is expanded too
                for (String sid : l) {
                    if (domainSid == null || sid.startsWith(domainSid + "-")) {
                        wanted.add(sid);
                    }
                }
            }
        }
        if (wanted.isEmpty()) {
            return Map.of();
        }
        for (AdObject o : objects) {
            if (o.objectSid() != null && wanted.remove(o.objectSid()) && wanted.isEmpty()) {
                return Map.of();
            }
        }
        Map<String, RbcdPrincipal> out = new LinkedHashMap<>();
        for (SearchResultEntry e : bySids(wanted, ATTRS, "searching the principals allowed by resource-based"
                + " delegation")) {
            String sid = sid(e);
            if (sid != null && wanted.contains(sid)) {
                out.put(sid, principal(sid, e));
            }
        }
        return out;
    }

    /** The objects of {@code sids} under the domain, {@link #SIDS_PER_SEARCH} a search; {@code what} names it. */
    private List<SearchResultEntry> bySids(Set<String> sids, String[] attributes, String what)
            throws DirectoryException {
        List<SearchResultEntry> out = new ArrayList<>();
        List<String> all = new ArrayList<>(sids);
        for (int from = 0; from < all.size(); from += SIDS_PER_SEARCH) {
            List<Filter> any = new ArrayList<>();
            for (String sid : all.subList(from, Math.min(all.size(), from + SIDS_PER_SEARCH))) {
                any.add(Filter.createEqualityFilter("objectSid", Sids.toBytes(sid)));
            }
            try {
                out.addAll(deadline.call(() -> connection.search(domainDn, SearchScope.SUB, Filter.createORFilter(any),
                        attributes)).getSearchEntries());
            } catch (LDAPException e) {
                if (!EntryReads.notHere(e, deadline)) {
                    throw EntryReads.failed(deadline, where, what, e);
                }
            }
        }
        return out;
    }

    private RbcdPrincipal principal(String sid, Entry e) throws DirectoryException {
        RbcdPrincipal.Kind kind = isGroup(e) ? RbcdPrincipal.Kind.GROUP : e.hasObjectClass("computer")
                ? RbcdPrincipal.Kind.COMPUTER : e.hasObjectClass("user") || e.hasObjectClass("inetOrgPerson")
                ? RbcdPrincipal.Kind.USER : RbcdPrincipal.Kind.OTHER;
        if (kind != RbcdPrincipal.Kind.GROUP) {
            return new RbcdPrincipal(sid, e.getDN(), name(e), kind, Map.of(), true);
        }
        Map<String, String> members = new LinkedHashMap<>();
        boolean complete = expand(e, members);
        return new RbcdPrincipal(sid, e.getDN(), name(e), kind, members, complete);
    }

    /**
     * Breadth first through {@code member} and primary groups, each group once: the accounts into {@code members}.
     *
     * @return false when it stopped at {@link #MAX_GROUPS}
     */
    private boolean expand(Entry root, Map<String, String> members) throws DirectoryException {
        if (byDn == null) {
            byDn = new HashMap<>(objects.size() * 4 / 3 + 1);
            for (AdObject o : objects) {
                if (o.dn() != null) {
                    byDn.putIfAbsent(o.dn().toLowerCase(Locale.ROOT), o);
                }
            }
        }
        Set<String> seen = new HashSet<>();
        seen.add(EntryReads.normal(root.getDN()));
        Deque<Entry> groups = new ArrayDeque<>();
        groups.add(root);
        int expanded = 0;
        boolean complete = true;
        while (!groups.isEmpty()) {
            if (++expanded > MAX_GROUPS) {
                return false;
            }
            Entry group = groups.poll();
            Long rid = rid(sid(group));
            if (rid != null) {
                List<AdObject> hosts = hostsByPrimaryGroup().getOrDefault(rid, List.of());
                hosts.forEach(h -> members.putIfAbsent(h.objectSid(), h.name()));
                complete &= !othersHavePrimaryGroup(rid, hosts.size());
            }
            for (String m : RangedRetrieval.members(connection, group, where, deadline)) {
                AdObject known = byDn.get(m.toLowerCase(Locale.ROOT));
                if (known != null) { // a computer or service account of the sweep: never a group
                    if (known.objectSid() != null) {
                        members.putIfAbsent(known.objectSid(), known.name());
                    }
                    continue;
                }
                if (!seen.add(EntryReads.normal(m))) {
                    continue;
                }
                Entry e = read.entry(m);
                String sid = e == null ? null : sid(e);
                if (e != null && isGroup(e)) {
                    groups.add(e);
                } else if (sid != null) {
                    members.putIfAbsent(sid, name(e));
                }
            }
        }
        return complete;
    }

    /** The RID of a SID of this domain, else null (a group of another domain has no primary members here). */
    private Long rid(String sid) {
        if (sid == null || domainSid == null || !sid.startsWith(domainSid + "-")) {
            return null;
        }
        try {
            return Long.parseLong(sid.substring(domainSid.length() + 1));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The hosts, by their primaryGroupID: read by their SIDs, once. */
    private Map<Long, List<AdObject>> hostsByPrimaryGroup() throws DirectoryException {
        if (hostsByPrimaryGroup != null) {
            return hostsByPrimaryGroup;
        }
        Map<String, AdObject> bySid = new LinkedHashMap<>();
        for (AdObject t : hosts) {
            if (rid(t.objectSid()) != null) {
                bySid.putIfAbsent(t.objectSid(), t);
            }
        }
        hostsByPrimaryGroup = new HashMap<>();
        for (SearchResultEntry e : bySids(bySid.keySet(), PRIMARY_ATTRS, "reading the primary groups of the hosts")) {
            AdObject host = bySid.get(sid(e));
            Long rid = e.getAttributeValueAsLong("primaryGroupID");
            if (host != null && rid != null) {
                hostsByPrimaryGroup.computeIfAbsent(rid, k -> new ArrayList<>()).add(host);
            }
        }
        return hostsByPrimaryGroup;
    }

    /**
     * Whether accounts other than the {@code hosts} hosts found have {@code rid} as their primary group: a search
     * that returns at most {@code hosts + 1} entries, without attributes.
     */
    private boolean othersHavePrimaryGroup(long rid, int hosts) throws DirectoryException {
        SearchRequest request = new SearchRequest(domainDn, SearchScope.SUB,
                Filter.createEqualityFilter("primaryGroupID", String.valueOf(rid)), SearchRequest.NO_ATTRIBUTES);
        request.setSizeLimit(hosts + 1);
        try {
            return deadline.call(() -> connection.search(request)).getEntryCount() > hosts;
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                return true; // more than the hosts
            }
            if (EntryReads.notHere(e, deadline)) {
                return false;
            }
            throw EntryReads.failed(deadline, where, "searching the accounts whose primary group is RID " + rid, e);
        }
    }

    private static boolean isGroup(Entry e) {
        return EntryReads.isGroup(e);
    }

    private static String sid(Entry e) {
        return EntryReads.sid(e);
    }

    /** cn, else sAMAccountName: the name the reports give an object. */
    private static String name(Entry e) {
        String cn = e.getAttributeValue("cn");
        return cn != null ? cn : e.getAttributeValue("sAMAccountName");
    }

}
