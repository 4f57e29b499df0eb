package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchScope;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The members of a group that its {@code member} attribute does not list: the accounts whose {@code primaryGroupID}
 * is the group's RID. AD keeps an account's primary group (Domain Computers for a computer, Domain Users for a user,
 * or any group set as primary) only there, and the account is a member all the same (the KDC puts the group in its
 * token); neither {@code member} nor LDAP_MATCHING_RULE_IN_CHAIN over {@code memberOf} shows it. One paged search
 * per group of the domain, {@code (primaryGroupID=<rid>)}, each RID once; a group of another domain (or a SID that
 * is none) has no such members here.
 *
 * @param <T> what is kept of each such account
 */
final class PrimaryGroupMembers<T> {
    private final LDAPConnection connection;
    private final Deadline deadline;
    private final String where;
    private final String domainDn;
    private final String domainSid;
    private final int pageSize;
    private final String[] attributes;
    private final Function<Entry, T> member;
    /** What was kept of the accounts of each RID: read once. */
    private final Map<Long, List<T>> byRid = new HashMap<>();

    /**
     * @param domainSid  the domain's SID (only its groups have primary members here); null: none is read
     * @param attributes the attributes {@code member} reads
     * @param member     what to keep of an account; null to leave it out
     */
    PrimaryGroupMembers(LDAPConnection connection, Deadline deadline, String where, String domainDn, String domainSid,
                        int pageSize, String[] attributes, Function<Entry, T> member) {
        this.connection = connection;
        this.deadline = deadline;
        this.where = where;
        this.domainDn = domainDn;
        this.domainSid = domainSid;
        this.pageSize = pageSize;
        this.attributes = attributes;
        this.member = member;
    }

    /** What is kept of the accounts whose primary group is {@code groupSid}, in the order the DC gave them. */
    List<T> of(String groupSid) throws DirectoryException {
        if (groupSid == null || domainSid == null || !groupSid.startsWith(domainSid + "-")) {
            return List.of();
        }
        long rid;
        try {
            rid = Long.parseLong(groupSid.substring(domainSid.length() + 1));
        } catch (NumberFormatException e) {
            return List.of();
        }
        List<T> known = byRid.get(rid);
        if (known != null) {
            return known;
        }
        List<T> out = new ArrayList<>();
        SearchRequest request = new SearchRequest(domainDn, SearchScope.SUB,
                Filter.createEqualityFilter("primaryGroupID", String.valueOf(rid)), attributes);
        try {
            EntryReads.paged(connection, deadline, request, pageSize, e -> {
                T kept = member.apply(e);
                if (kept != null) {
                    out.add(kept);
                }
            });
        } catch (LDAPException e) {
            if (!EntryReads.notHere(e, deadline)) {
                throw EntryReads.failed(deadline, where, "searching the accounts whose primary group is " + groupSid,
                        e);
            }
        }
        byRid.put(rid, out);
        return out;
    }
}
