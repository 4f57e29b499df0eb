package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves {@code policy.operators} (sAMAccountNames, {@code DOMAIN\name}, userPrincipalNames or DNs of users and
 * groups) to users with the facts that decide whether constrained delegation can carry their credentials:
 * userAccountControl (NOT_DELEGATED) and membership, nested included, of Protected Users (RID 525), and whether they
 * obtain a ticket at all: userAccountControl (ACCOUNTDISABLE) and accountExpires. A group's members
 * include the users whose primary group it is, or one nested in it ({@link PrimaryGroupMembers}): neither
 * {@code member} nor {@code memberOf} lists them.
 *
 * <p>A configured name enters a filter only through {@link Filter#createEqualityFilter}, which escapes
 * it; a configured DN of the domain is read with a base-scope search (a DN the DC does not hold, refuses or refers
 * elsewhere is a name not found). The DN of a group as the directory returned it
 * goes into the in-chain filter through {@link Filter#createExtensibleMatchFilter}, escaped the same way;
 * no filter is ever assembled from strings. Groups are expanded with
 * LDAP_MATCHING_RULE_IN_CHAIN (1.2.840.113556.1.4.1941) in one search where the root DSE says Active
 * Directory (AD and Samba); where it does not, or the server refuses the rule (an error, as UnboundID's
 * in-memory server answers), the client reads {@code member} group by group, each group once, so a
 * cycle of nested groups ends. Computer accounts among the members are left out (a node in an operator group);
 * managed service accounts (gMSA, sMSA: computer subclasses that run scheduled moves) are kept. Members of another
 * domain (foreign security principals, by SID; DNs outside the domain, or below it that the DC refers elsewhere, in
 * both modes: with the in-chain rule from {@code member} of the group and of each nested group) are kept apart
 * ({@link Operator#foreignMembers}): their flag and Protected Users membership are in their own domain, where
 * {@link #foreign} judges them when that domain is another configured directory (DirectoriesCollector).
 */
final class OperatorResolver {
    static final String IN_CHAIN = "1.2.840.113556.1.4.1941";
    private static final String GMSA = "msDS-GroupManagedServiceAccount";
    private static final String MSA = "msDS-ManagedServiceAccount";
    /** The stand-in of an account of a trusted domain among a group's members: its cn and objectSid are the SID. */
    private static final String FSP = "foreignSecurityPrincipal";
    private static final String[] ATTRS = {"objectClass", "sAMAccountName", "userAccountControl", "objectSid",
            "accountExpires"};
    private static final String[] GROUP_ATTRS = {"objectClass", "sAMAccountName", "userAccountControl", "objectSid",
            "accountExpires", "member", "uSNChanged"};

    private final LDAPConnection connection;
    private final String where;
    private final Deadline deadline;
    private final String domainDn;
    /** The domain's SID, or null: an account of another domain is looked up here by its SID only below it. */
    private final String domainSid;
    private final boolean inChain;
    private final int pageSize;
    /** The configuration partition (its CN=Partitions names the domain's NetBIOS name), or null. */
    private final String configurationDn;
    private boolean netbiosRead;
    private String netbios;
    /** Entries read by DN during member expansion: a user or group in several operator groups is read once. */
    private final EntryReads read;
    /** The users whose primary group is a group: read once per group. */
    private final PrimaryGroupMembers<OperatorAccount> primary;

    /**
     * @param domainDn where names are searched and groups expanded (the DC's defaultNamingContext)
     * @param domainSid the domain's SID (the primary groups of its accounts are its groups), or null
     * @param inChain  whether to try the in-chain rule first (the root DSE says Active Directory)
     * @param configurationDn the root DSE's configurationNamingContext, or null
     */
    OperatorResolver(LDAPConnection connection, String where, Deadline deadline, String domainDn, String domainSid,
                     boolean inChain, int pageSize, String configurationDn) {
        this.connection = connection;
        this.deadline = deadline;
        this.where = where;
        this.domainDn = domainDn;
        this.domainSid = domainSid;
        this.inChain = inChain;
        this.pageSize = pageSize;
        this.configurationDn = configurationDn;
        this.read = new EntryReads(connection, deadline, where, GROUP_ATTRS);
        this.primary = new PrimaryGroupMembers<>(connection, deadline, where, domainDn, domainSid, pageSize, ATTRS,
                e -> isPerson(e) ? account(e) : null);
    }

    /**
     * @param protectedUsersGroup the Protected Users group (RID 525) with its objectSid, or null when the domain has
     *                            none
     */
    List<Operator> resolve(List<String> names, Entry protectedUsersGroup) throws DirectoryException {
        if (names.isEmpty()) {
            return List.of();
        }
        Set<String> protectedUsers = protectedUsers(protectedUsersGroup);
        List<Operator> out = new ArrayList<>();
        for (String name : names) {
            out.add(resolve(name.strip(), protectedUsers));
        }
        return out;
    }

    /**
     * The members of another domain's operator groups ({@link Operator#foreignMembers}) that this domain holds, each
     * resolved as a configured name of it is: a user with its flags, expiry and this domain's Protected Users
     * membership, a group expanded here to its users (its own members of yet another domain in
     * {@link Operator#foreignMembers}). A SID is looked up by objectSid only when it is this domain's (its domain SID
     * and a RID), a DN only when it is below the domain's; a member this directory does not hold, or holds only as a
     * foreign security principal, is left out. A computer account is {@link Operator.Kind#OTHER} (no operator, as
     * among a group's own members).
     *
     * @param members SIDs and DNs as {@link Operator#foreignMembers} holds them
     * @return by member, as given
     */
    Map<String, Operator> foreign(List<String> members, Entry protectedUsersGroup) throws DirectoryException {
        Map<String, Operator> out = new LinkedHashMap<>();
        Set<String> protectedUsers = null;
        for (String m : members) {
            Entry e = ownSid(m) ? bySid(m) : inDomain(m) ? entry(m) : null;
            if (e == null || e.hasObjectClass(FSP)) {
                continue;
            }
            if (protectedUsers == null && protectedUsersGroup != null) {
                protectedUsers = protectedUsers(protectedUsersGroup);
            }
            out.put(m, isUser(e) && !isPerson(e)
                    ? new Operator(m, Operator.Kind.OTHER, e.getDN(), List.of(), Operator.Expansion.NONE, null)
                    : resolved(m, e, protectedUsers));
        }
        return out;
    }

    /** Whether {@code sid} is one of this domain's: its domain SID, then a RID. */
    private boolean ownSid(String sid) {
        return domainSid != null && sid.startsWith(domainSid + "-")
                && sid.substring(domainSid.length() + 1).matches("[0-9]{1,10}");
    }

    /** The object under the domain whose objectSid is {@code sid} (a binary equality filter), or null. */
    private Entry bySid(String sid) throws DirectoryException {
        try {
            SearchResult r = deadline.call(() -> connection.search(domainDn, SearchScope.SUB,
                    Filter.createEqualityFilter("objectSid", Sids.toBytes(sid)), ATTRS));
            return r.getEntryCount() == 0 ? null : r.getSearchEntries().get(0);
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return null;
            }
            throw failed("looking up the operator group member " + sid, e);
        }
    }

    /**
     * The users of the Protected Users group (RID 525, with its objectSid), nested and by primary group included, by
     * normal DN; null when the domain has none.
     */
    private Set<String> protectedUsers(Entry protectedUsersGroup) throws DirectoryException {
        if (protectedUsersGroup == null) {
            return null;
        }
        Set<String> protectedUsers = new HashSet<>();
        for (OperatorAccount a : members(protectedUsersGroup).accounts()) {
            protectedUsers.add(dn(a.dn()));
        }
        return protectedUsers;
    }

    private Operator resolve(String name, Set<String> protectedUsers) throws DirectoryException {
        String elsewhere = otherDomain(name);
        if (elsewhere != null) {
            return new Operator(name, Operator.Kind.NOT_FOUND, null, List.of(), Operator.Expansion.NONE, elsewhere);
        }
        Entry e = find(name);
        // looked up in the domain, whatever OU directory.baseDn names; not found under a prefix that could not be
        // matched to this domain, it is not "not found in its domain" either (DirectoriesCollector)
        Operator o = e == null ? new Operator(name, Operator.Kind.NOT_FOUND, domainDn, List.of(),
                Operator.Expansion.NONE, null) : resolved(name, e, protectedUsers);
        return prefixUnmatched(name) ? o.withPrefixUnmatched() : o;
    }

    /**
     * Whether {@code name} is {@code DOMAIN\name} whose DOMAIN could not be told to be this domain's or not, the
     * domain's NetBIOS name not being readable ({@link #otherDomain} returned null for it).
     */
    private boolean prefixUnmatched(String name) throws DirectoryException {
        int slash = name.indexOf('\\');
        return slash > 0 && !inDomain(name) && !name.substring(0, slash).contains("=") && netbiosDomain() == null;
    }

    /** {@code name}, found as {@code e}: a group with its users, a user, or something else. */
    private Operator resolved(String name, Entry e, Set<String> protectedUsers) throws DirectoryException {
        if (isGroup(e)) {
            Members m = members(e);
            return new Operator(name, Operator.Kind.GROUP, e.getDN(), m.accounts().stream()
                    .map(a -> withProtection(a, protectedUsers)).toList(), m.expansion(), m.note(), m.foreign());
        }
        if (isUser(e)) {
            return new Operator(name, Operator.Kind.USER, e.getDN(), List.of(withProtection(account(e), protectedUsers)),
                    Operator.Expansion.NONE, null);
        }
        return new Operator(name, Operator.Kind.OTHER, e.getDN(), List.of(), Operator.Expansion.NONE, null);
    }

    private static OperatorAccount withProtection(OperatorAccount a, Set<String> protectedUsers) {
        return new OperatorAccount(a.samAccountName(), a.dn(), a.userAccountControl(),
                protectedUsers == null ? null : protectedUsers.contains(dn(a.dn())), a.accountExpires());
    }

    /**
     * A DN of this domain is read where it points. UnboundID's DN parser is lenient ({@code *)(cn=*} parses), so a
     * name counts as a DN only when it ends with the domain's DN. {@code DOMAIN\name} (the down-level logon name) is
     * the sAMAccountName after the backslash ({@link #otherDomain} has ruled out another domain); a name with
     * {@code @} is a userPrincipalName, or, where no account has that UPN and the suffix is the domain's DNS name, the
     * implicit UPN {@code sAMAccountName@dns.domain} (as a bind accepts it). Anything else is a sAMAccountName.
     */
    private Entry find(String name) throws DirectoryException {
        if (inDomain(name)) {
            return entry(name);
        }
        int slash = name.indexOf('\\');
        if (slash >= 0) {
            String account = name.substring(slash + 1);
            return account.isEmpty() ? null : search("sAMAccountName", account, name);
        }
        int at = name.lastIndexOf('@');
        if (at > 0 && at < name.length() - 1) {
            Entry e = search("userPrincipalName", name, name);
            if (e == null && name.substring(at + 1).equalsIgnoreCase(dnsDomain())) {
                e = search("sAMAccountName", name.substring(0, at), name);
            }
            return e;
        }
        return search("sAMAccountName", name, name);
    }

    /** The first object under the domain whose {@code attribute} equals {@code value} (an escaping filter), or null. */
    private Entry search(String attribute, String value, String name) throws DirectoryException {
        try {
            SearchResult r = deadline.call(() -> connection.search(domainDn, SearchScope.SUB,
                    Filter.createEqualityFilter(attribute, value), ATTRS));
            return r.getEntryCount() == 0 ? null : r.getSearchEntries().get(0);
        } catch (LDAPException e) {
            if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                return null;
            }
            throw failed("looking up policy.operators name '" + name + "'", e);
        }
    }

    /**
     * Why {@code DOMAIN\name} is not looked up here: DOMAIN is not the NetBIOS name of this directory's domain. Null
     * when it is, when the name has no such prefix, or when the domain's NetBIOS name cannot be read (the name after
     * the backslash is then searched, and an account found is marked {@link Operator#prefixUnmatched}).
     */
    private String otherDomain(String name) throws DirectoryException {
        int slash = name.indexOf('\\');
        if (slash <= 0 || inDomain(name)) {
            return null;
        }
        String domain = name.substring(0, slash);
        if (domain.contains("=")) {
            return null; // a DN with an escaped character, of no domain of ours: searched as a name, not found
        }
        String ours = netbiosDomain();
        if (ours == null || ours.equalsIgnoreCase(domain)) {
            return null;
        }
        return domain + " is not the domain of this directory (" + ours + ", " + domainDn + ")";
    }

    /**
     * The NetBIOS name of the domain: {@code nETBIOSName} of its crossRef under {@code CN=Partitions} of the
     * configuration partition, read once, when a {@code DOMAIN\name} is first met; null when the server has none
     * (not AD) or does not let it be read.
     */
    private String netbiosDomain() throws DirectoryException {
        if (netbiosRead) {
            return netbios;
        }
        netbiosRead = true;
        if (configurationDn == null) {
            return null;
        }
        Filter filter = Filter.createANDFilter(Filter.createEqualityFilter("objectClass", "crossRef"),
                Filter.createEqualityFilter("nCName", domainDn));
        try {
            SearchResult r = deadline.call(() -> connection.search("CN=Partitions," + configurationDn,
                    SearchScope.ONE, filter, "nETBIOSName"));
            for (SearchResultEntry e : r.getSearchEntries()) {
                String v = e.getAttributeValue("nETBIOSName");
                if (v != null && !v.isBlank()) {
                    netbios = v.strip();
                }
            }
        } catch (LDAPException e) {
            if (deadline.tripped()) {
                throw failed("reading the domain's NetBIOS name", e);
            }
        }
        return netbios;
    }

    /** The domain's DNS name from its DN's domain components ({@code DC=contoso,DC=com}: contoso.com), or "". */
    private String dnsDomain() {
        StringBuilder b = new StringBuilder();
        try {
            for (RDN rdn : new DN(domainDn).getRDNs()) {
                if (rdn.getAttributeNames().length == 1 && rdn.getAttributeNames()[0].equalsIgnoreCase("dc")) {
                    b.append(b.length() == 0 ? "" : ".").append(rdn.getAttributeValues()[0]);
                }
            }
        } catch (LDAPException notADn) {
            return "";
        }
        return b.toString();
    }

    /** Whether {@code name} is a DN at or below the domain's (compared in normal form, case-insensitively). */
    private boolean inDomain(String name) {
        if (!name.contains("=")) {
            return false;
        }
        try {
            return new DN(name).isDescendantOf(new DN(domainDn), true);
        } catch (LDAPException notADn) {
            return false;
        }
    }

    /**
     * What a group expansion found.
     *
     * @param foreign the members of another domain ({@link Operator#foreignMembers})
     */
    private record Members(List<OperatorAccount> accounts, Operator.Expansion expansion, String note,
                           List<String> foreign) {
    }

    /** @param group a group with its objectSid */
    private Members members(Entry group) throws DirectoryException {
        String note = null;
        List<String> foreign = new ArrayList<>();
        if (inChain) {
            try {
                return new Members(inChainUsers(group, foreign), Operator.Expansion.IN_CHAIN, null, foreign);
            } catch (LDAPException e) {
                if (deadline.tripped()) {
                    throw failed("expanding " + group.getDN(), e);
                }
                note = "the server refused LDAP_MATCHING_RULE_IN_CHAIN (" + DirectoryCollector.reason(e)
                        + "); members were read group by group";
            }
        }
        foreign.clear();
        return new Members(memberExpansion(group.getDN(), foreign), Operator.Expansion.MEMBER_ATTRIBUTE, note,
                foreign);
    }

    /**
     * Users and managed service accounts (not hosts' computer accounts) that are members of {@code group}, nested
     * included: one paged search for every member the domain holds (users, groups, computers, foreign security
     * principals), the users whose primary group is the group or a nested one, and the members of another domain into
     * {@code foreign}. A member of another domain of the forest is under no DN this search reaches (AD holds no object
     * of it; a child domain's it refers elsewhere), so {@code member} of the group and of each nested group the search
     * returned (in it, ranged answers read whole) is walked, without a search per member: a foreign security
     * principal gives its SID, a DN outside the domain is kept as it is, and a DN below it that the search did not
     * return is read, and kept when the DC refers it elsewhere (a child domain's).
     */
    private List<OperatorAccount> inChainUsers(Entry group, List<String> foreign)
            throws LDAPException, DirectoryException {
        Map<String, OperatorAccount> users = new LinkedHashMap<>();
        Map<String, Entry> held = new HashMap<>();
        List<Entry> groups = new ArrayList<>();
        Entry configured = entry(group.getDN());
        groups.add(configured == null ? group : configured);
        Set<String> walked = new HashSet<>();
        walked.add(dn(group.getDN()));
        EntryReads.paged(connection, deadline, new SearchRequest(domainDn, SearchScope.SUB,
                Filter.createExtensibleMatchFilter("memberOf", IN_CHAIN, false, group.getDN()), GROUP_ATTRS),
                pageSize, e -> {
                    String key = dn(e.getDN());
                    held.put(key, e);
                    if (isGroup(e)) {
                        if (walked.add(key)) {
                            groups.add(e);
                        }
                    } else if (isPerson(e)) {
                        users.putIfAbsent(key, account(e));
                    }
                });
        for (Entry g : groups) {
            primaryUsers(EntryReads.sid(g), users);
            foreignMembers(g, held, walked, foreign);
        }
        return new ArrayList<>(users.values());
    }

    /**
     * The members of {@code group} of another domain into {@code foreign}, each once ({@code walked}), by its
     * {@code member} values and the in-chain members the domain holds ({@code held}, by normal DN).
     */
    private void foreignMembers(Entry group, Map<String, Entry> held, Set<String> walked, List<String> foreign)
            throws DirectoryException {
        for (String m : RangedRetrieval.members(connection, group, where, deadline)) {
            String key = dn(m);
            if (!walked.add(key)) {
                continue;
            }
            Entry e = held.get(key);
            if (e != null) {
                if (e.hasObjectClass(FSP)) {
                    foreign.add(foreignSid(e));
                }
            } else if (!inDomain(m) || entry(m) == null && read.referred(m)) {
                foreign.add(m);
            }
        }
    }

    /** The users whose primary group is {@code groupSid} into {@code users}, by normal DN. */
    private void primaryUsers(String groupSid, Map<String, OperatorAccount> users) throws DirectoryException {
        for (OperatorAccount a : primary.of(groupSid)) {
            users.putIfAbsent(dn(a.dn()), a);
        }
    }

    /**
     * Breadth first through {@code member}, and the users whose primary group each group is: each group read once
     * (cycles end), each user kept once. A member of another domain goes into {@code foreign}: the SID of a foreign
     * security principal, a DN outside the domain (not read: Windows AD would refer it elsewhere), or one below it
     * that the DC refers elsewhere (a child domain's).
     */
    private List<OperatorAccount> memberExpansion(String groupDn, List<String> foreign) throws DirectoryException {
        Map<String, OperatorAccount> users = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        Deque<String> groups = new ArrayDeque<>();
        groups.add(groupDn);
        seen.add(dn(groupDn));
        while (!groups.isEmpty()) {
            Entry group = entry(groups.poll());
            if (group == null) {
                continue;
            }
            primaryUsers(EntryReads.sid(group), users);
            for (String m : RangedRetrieval.members(connection, group, where, deadline)) {
                String key = dn(m);
                if (!seen.add(key)) {
                    continue;
                }
                if (!inDomain(m)) {
                    foreign.add(m);
                    continue;
                }
                Entry e = entry(m);
                if (e == null) {
                    if (read.referred(m)) { // a child domain's object: AD refers the read to its DC
                        foreign.add(m);
                    }
                    continue;
                }
                if (e.hasObjectClass(FSP)) {
                    foreign.add(foreignSid(e));
                } else if (isGroup(e)) {
                    groups.add(e.getDN());
                } else if (isPerson(e)) {
                    users.putIfAbsent(key, account(e));
                }
            }
        }
        return new ArrayList<>(users.values());
    }

    /**
     * The entry at {@code dn} (base scope), cached; null when this directory does not hold it: noSuchObject,
     * invalidDNSyntax (a name the server's stricter parser refuses) or a referral (a DN of another domain: Windows AD
     * refers it elsewhere instead of answering), see {@link EntryReads}.
     */
    private Entry entry(String dn) throws DirectoryException {
        return read.entry(dn);
    }

    private static boolean isGroup(Entry e) {
        return EntryReads.isGroup(e);
    }

    private static boolean isUser(Entry e) {
        return e.hasObjectClass("user") || e.hasObjectClass("inetOrgPerson");
    }

    /**
     * A user account, or a managed service account (group-managed or standalone: subclasses of computer that run
     * scheduled moves and whose credentials are delegated as a user's), not a host's computer account.
     */
    private static boolean isPerson(Entry e) {
        return isUser(e) && (!e.hasObjectClass("computer") || e.hasObjectClass(GMSA) || e.hasObjectClass(MSA));
    }

    /** A user's facts: its flags and its expiry ({@code accountExpires}, a FILETIME; 0, the maximum or none: never). */
    private static OperatorAccount account(Entry e) {
        Integer uac = DirectoryCollector.int32(e.getAttribute("userAccountControl"));
        return new OperatorAccount(e.getAttributeValue("sAMAccountName"), e.getDN(), uac == null ? 0 : uac, null,
                DirectoryCollector.fileTime(e.getAttributeValueAsLong("accountExpires")));
    }

    /** A foreign security principal's SID: its objectSid, else its cn (the RDN value), else its DN. */
    private static String foreignSid(Entry e) {
        String sid = EntryReads.sid(e);
        if (sid != null) {
            return sid;
        }
        try {
            return new DN(e.getDN()).getRDN().getAttributeValues()[0];
        } catch (LDAPException notADn) {
            return e.getDN();
        }
    }

    /** The normal form of a DN for comparisons (a value that is no DN: lower-cased as it is). */
    private static String dn(String dn) {
        return EntryReads.normal(dn);
    }

    private DirectoryException failed(String what, LDAPException e) {
        return EntryReads.failed(deadline, where, what, e);
    }
}
