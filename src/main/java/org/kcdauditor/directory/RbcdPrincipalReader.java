package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchResult;
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
 * in {@code member}): {@link PrimaryGroupMembers}, for {@code objectSid} and {@code cn}.
 */
final class RbcdPrincipalReader {
    /** Groups expanded per descriptor SID, nested ones included; beyond, the principal is marked incomplete. */
    static final int MAX_GROUPS = 1000;
    /** SIDs per search. */
    private static final int SIDS_PER_SEARCH = 50;
    private static final String[] ATTRS = {"objectClass", "objectSid", "cn", "sAMAccountName", "member"};
    private static final String[] PRIMARY_ATTRS = {"objectSid", "cn", "sAMAccountName"};

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
    /** The accounts whose primary group is a group, each its SID and name: read once per group. */
    private final PrimaryGroupMembers<Map.Entry<String, String>> primary;

    /**
     * @param domainSid the domain's SID: only SIDs below it are read; null (not AD) reads every unresolved SID
     * @param objects   the sweep's objects
     */
    RbcdPrincipalReader(LDAPConnection connection, Deadline deadline, String where, String domainDn, String domainSid,
                        int pageSize, List<AdObject> objects) {
        this.connection = connection;
        this.deadline = deadline;
        this.where = where;
        this.domainDn = domainDn;
        this.domainSid = domainSid;
        this.objects = objects;
        this.read = new EntryReads(connection, deadline, where, ATTRS);
        this.primary = new PrimaryGroupMembers<>(connection, deadline, where, domainDn, domainSid, pageSize,
                PRIMARY_ATTRS, e -> {
                    String sid = sid(e);
                    // a name the ACL hides is null: a SimpleEntry takes it (Map.entry does not)
                    return sid == null ? null : new java.util.AbstractMap.SimpleEntry<>(sid, name(e));
                });
    }

    /** The principals of {@code targets}' descriptors that are no object of the sweep, by SID. */
    Map<String, RbcdPrincipal> read(List<AdObject> targets) throws DirectoryException {
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
        List<String> sids = new ArrayList<>(wanted);
        for (int from = 0; from < sids.size(); from += SIDS_PER_SEARCH) {
            List<Filter> any = new ArrayList<>();
            for (String sid : sids.subList(from, Math.min(sids.size(), from + SIDS_PER_SEARCH))) {
                any.add(Filter.createEqualityFilter("objectSid", Sids.toBytes(sid)));
            }
            SearchResult r;
            try {
                r = deadline.call(() -> connection.search(domainDn, SearchScope.SUB, Filter.createORFilter(any), ATTRS));
            } catch (LDAPException e) {
                if (EntryReads.notHere(e, deadline)) {
                    continue;
                }
                throw EntryReads.failed(deadline, where, "searching the principals allowed by resource-based"
                        + " delegation", e);
            }
            for (SearchResultEntry e : r.getSearchEntries()) {
                String sid = sid(e);
                if (sid != null && wanted.contains(sid)) {
                    out.put(sid, principal(sid, e));
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
        while (!groups.isEmpty()) {
            if (++expanded > MAX_GROUPS) {
                return false;
            }
            Entry group = groups.poll();
            for (Map.Entry<String, String> m : primary.of(sid(group))) {
                members.putIfAbsent(m.getKey(), m.getValue());
            }
            if (RangedRetrieval.incomplete(group, List.of("member"))) {
                group = RangedRetrieval.complete(connection, group, where, List.of("member"), deadline);
            }
            String[] values = group.getAttributeValues("member");
            for (String m : values == null ? new String[0] : values) {
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
        return true;
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
