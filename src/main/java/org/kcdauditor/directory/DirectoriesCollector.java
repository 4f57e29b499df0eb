package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPConnection;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AttributeChange;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Reads every configured directory (one per domain) with its own connection and secrets, one after the other,
 * and merges them into one snapshot whose {@link Snapshot#directories()} say which objects came from where.
 * A directory that cannot be read fails the run, naming it, unless it is {@code optional}: its clusters are then
 * not audited. A directory read from an OU is then searched, in its whole domain, for the other holders of the
 * SPNs of the other directories' nodes, which the pairs from its nodes go to ({@link #withHoldersAcross}). For a
 * preflight with {@code --all-dcs}, every domain controller of the domains of the cluster (and of the clusters it
 * migrates with) is read too ({@link DomainControllers}), once every directory is: a domain's DCs are also searched
 * for other holders of the SPNs of the nodes of the other domains checked.
 */
public final class DirectoriesCollector {
    private final AuditConfig config;
    private final Secrets secrets;
    private final Clock clock;
    private final String preflightCluster;

    /**
     * @param preflightCluster the cluster whose DCs are all read ({@code preflight --all-dcs}); null for none
     */
    public DirectoriesCollector(AuditConfig config, Secrets secrets, Clock clock, String preflightCluster) {
        this.config = config;
        this.secrets = secrets;
        this.clock = clock;
        this.preflightCluster = preflightCluster;
    }

    public Snapshot collect(IntConsumer progress) throws DirectoryException {
        return collect(deadline -> { }, progress);
    }

    /**
     * @param reading told each directory's {@link Deadline} as its reading starts (a run that is stopped aborts
     *                the reading through it)
     */
    public Snapshot collect(Consumer<Deadline> reading, IntConsumer progress) throws DirectoryException {
        List<Snapshot> parts = new ArrayList<>();
        List<String> names = new ArrayList<>(); // the directory of each part
        List<DcCheck> checks = new ArrayList<>();
        int[] offset = {0};
        for (Map.Entry<String, DirectoryConfig> e : config.directories().entrySet()) {
            String name = e.getKey();
            DirectoryConfig d = e.getValue();
            LdapConnector connector = new LdapConnector(config, secrets, config.directoryKey(name), d);
            names.add(name);
            int base = offset[0];
            LDAPConnection[] reads = new LDAPConnection[1];
            Deadline deadline = Deadline.start(d);
            reading.accept(deadline);
            try (LDAPConnection connection = connector.connect(deadline)) {
                // the nodes' metadata reads go over a second, pipelined connection, opened only when needed and
                // bounded (and stopped) with the first
                Snapshot s = new DirectoryCollector(config, name, clock).collect(connection, deadline,
                        () -> reads[0] != null ? reads[0] : (reads[0] = connector.pipelined().connect(deadline)),
                        n -> progress.accept(base + n));
                List<ClusterConfig> scope = dcCheckScope(name);
                if (!scope.isEmpty()) {
                    checks.add(dcCheck(connection, deadline, connector, s, scope, clusters(name), parts.size(),
                            config.policy().pairServices()));
                }
                parts.add(s);
                offset[0] += s.objects().size();
            } catch (DirectoryException ex) {
                parts.add(unread(name, d, ex));
            } finally {
                if (reads[0] != null) {
                    reads[0].close();
                }
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            parts.set(i, withHoldersAcross(names, parts, i, reading));
        }
        // the DCs are read once every directory is: each domain's are also searched for the nodes of the others
        for (DcCheck c : checks) {
            Snapshot s = parts.get(c.part());
            if (!s.directories().get(0).audited()) {
                continue; // an optional directory whose holders across could not be looked up (withHoldersAcross)
            }
            List<AdObject> across = new ArrayList<>();
            checks.stream().filter(other -> other != c).forEach(other -> across.addAll(other.objects()));
            parts.set(c.part(), with(s, s.objects(), c.read(s, across)));
        }
        return withForeignMembers(names, parts, merge(parts), reading);
    }

    /**
     * {@code merged} with the members of another domain of its operator groups ({@link Operator#foreignMembers}) that
     * another configured directory holds judged there, as a name of that domain in {@code policy.operators} is: their
     * accounts join the group's (with their own domain's flags, expiry and Protected Users membership), and only the
     * members no directory holds stay foreign (OPERATOR_NOT_FOUND, not checked). A SID of a domain (S-1-5-21-…) is
     * asked of every other directory read, each answering for its own domain SID only; a DN of the directory whose
     * domain it is below. A group found there may have members of yet another domain, or of the group's own: they are
     * asked of the other directories in turn, each member of each directory once. One more connection per directory
     * asked, with its own deadline; a directory that cannot answer (its connection or a search failing) leaves its
     * members foreign, unless the reading was stopped or ran out of time.
     */
    private Snapshot withForeignMembers(List<String> names, List<Snapshot> parts, Snapshot merged,
                                        Consumer<Deadline> reading) throws DirectoryException {
        if (parts.size() < 2) {
            return merged;
        }
        // each member of another domain, and the directories it is foreign to (where a group holds it as such)
        Map<String, java.util.Set<Integer>> foreignTo = new java.util.LinkedHashMap<>();
        for (Operator o : merged.operators()) {
            for (String m : o.foreignMembers()) {
                foreignTo.computeIfAbsent(m, k -> new java.util.HashSet<>()).add(directoryOf(parts, o.dn()));
            }
        }
        Map<String, Operator> judged = new HashMap<>();
        java.util.Set<String> asked = new java.util.HashSet<>(); // member and directory index
        boolean more = true;
        while (more) {
            more = false;
            for (int j = 0; j < parts.size(); j++) {
                Snapshot s = parts.get(j);
                if (!s.directories().get(0).audited()) {
                    continue;
                }
                List<String> ask = new ArrayList<>();
                for (Map.Entry<String, java.util.Set<Integer>> e : foreignTo.entrySet()) {
                    String m = e.getKey();
                    if (!judged.containsKey(m) && !e.getValue().contains(j) && (m.startsWith("S-1-5-21-")
                            || OutsideObjects.below(m, domainDn(s))) && asked.add(j + "\u0000" + m)) {
                        ask.add(m);
                    }
                }
                if (ask.isEmpty()) {
                    continue;
                }
                Map<String, Operator> found = foreignOperators(names.get(j), ask, reading);
                judged.putAll(found);
                for (Operator f : found.values()) {
                    for (String m : f.foreignMembers()) {
                        more |= foreignTo.computeIfAbsent(m, k -> new java.util.HashSet<>()).add(j);
                    }
                }
            }
        }
        if (judged.isEmpty()) {
            return merged;
        }
        List<Operator> operators = merged.operators().stream().map(o -> withJudged(o, judged)).toList();
        return new Snapshot(merged.takenAt(), merged.directoryUrl(), merged.baseDn(), merged.objects(), merged.dc(),
                merged.dcServerName(), merged.aesKeysSince(), operators, merged.directories(), merged.changes(),
                merged.rbcdPrincipals(), merged.managedServiceAccounts());
    }

    /** The index of the part whose domain {@code dn} is in (the deepest domain DN), or -1. */
    private static int directoryOf(List<Snapshot> parts, String dn) {
        int best = -1;
        int depth = -1;
        for (int i = 0; i < parts.size(); i++) {
            String domain = domainDn(parts.get(i));
            if (dn != null && (OutsideObjects.below(dn, domain) || EntryReads.normal(dn).equals(
                    EntryReads.normal(domain))) && domain.length() > depth) {
                best = i;
                depth = domain.length();
            }
        }
        return best;
    }

    /**
     * The operators of directory {@code name}'s domain among {@code members} (DirectoryCollector#foreignOperators),
     * over a connection of their own; none where that directory cannot answer, unless the reading was stopped or ran
     * out of time.
     */
    private Map<String, Operator> foreignOperators(String name, List<String> members, Consumer<Deadline> reading)
            throws DirectoryException {
        DirectoryConfig d = config.directories().get(name);
        Deadline deadline = Deadline.start(d);
        reading.accept(deadline);
        try (LDAPConnection connection = new LdapConnector(config, secrets, config.directoryKey(name), d)
                .connect(deadline)) {
            return new DirectoryCollector(config, name, clock).foreignOperators(connection, deadline, members);
        } catch (DirectoryException ex) {
            if (deadline.tripped()) {
                throw config.multiDirectory() ? new DirectoryException(config.directoryKey(name) + ": "
                        + ex.getMessage(), ex) : ex;
            }
            return Map.of();
        }
    }

    /**
     * {@code o} with its members of another domain that {@code judged} holds replaced by their accounts, and by the
     * members of another domain of the groups among them, followed in turn; the others kept as they were.
     */
    private static Operator withJudged(Operator o, Map<String, Operator> judged) {
        if (o.foreignMembers().stream().noneMatch(judged::containsKey)) {
            return o;
        }
        Map<String, OperatorAccount> accounts = new java.util.LinkedHashMap<>();
        o.accounts().forEach(a -> accounts.putIfAbsent(EntryReads.normal(a.dn()), a));
        List<String> foreign = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        java.util.Deque<String> members = new java.util.ArrayDeque<>(o.foreignMembers());
        while (!members.isEmpty()) {
            String m = members.poll();
            if (!seen.add(m)) {
                continue;
            }
            Operator j = judged.get(m);
            if (j == null) {
                foreign.add(m);
                continue;
            }
            j.accounts().forEach(a -> accounts.putIfAbsent(EntryReads.normal(a.dn()), a));
            members.addAll(j.foreignMembers());
        }
        return new Operator(o.name(), o.kind(), o.dn(), new ArrayList<>(accounts.values()), o.expansion(), o.note(),
                foreign);
    }

    /**
     * A directory that could not be read: it fails the run, naming it, unless it is optional; then its part says why.
     */
    private Snapshot unread(String name, DirectoryConfig d, DirectoryException ex) throws DirectoryException {
        if (!d.isOptional()) {
            throw config.multiDirectory() ? new DirectoryException(config.directoryKey(name) + ": " + ex.getMessage(),
                    ex) : ex;
        }
        return new Snapshot(clock.instant(), d.url(), d.baseDn(), List.of(), null, null, null, List.of(),
                List.of(new DirectoryPart(name, d.url(), d.baseDn(), null, null, null, true, ex.getMessage(),
                        0, 0, null, false, List.of())), null);
    }

    /**
     * Part {@code i} with the objects outside its base DN, where that is an OU, that hold an SPN of the other
     * directories' nodes ({@link OutsideObjects#holdersOf}): the pairs from its nodes into theirs ask its KDC, which
     * finds such a holder in its own domain first, as the domain's DN as base DN would have shown. Its reading looked
     * up the holders of its own nodes' SPNs only, the other directories' nodes being read after it (or not at all, for
     * an optional one that could not be read): one more connection to that directory, with its own deadline, and
     * one search per {@link OutsideObjects#TERMS_PER_SEARCH} values, for those alone. Nothing is read for a
     * directory read from its domain's DN, or with no cluster (no source asks its KDC).
     */
    private Snapshot withHoldersAcross(List<String> names, List<Snapshot> parts, int i, Consumer<Deadline> reading)
            throws DirectoryException {
        Snapshot s = parts.get(i);
        String name = names.get(i);
        if (!s.directories().get(0).audited() || clusters(name).isEmpty()
                || !OutsideObjects.below(s.baseDn(), domainDn(s))) {
            return s;
        }
        List<AdObject> across = new ArrayList<>();
        for (int j = 0; j < parts.size(); j++) {
            Snapshot other = parts.get(j);
            if (j != i && other.directories().get(0).audited()) {
                across.addAll(new NodeSelector(clusters(names.get(j))).select(other.objects(),
                        other.managedServiceAccounts()));
            }
        }
        if (across.isEmpty()) {
            return s;
        }
        DirectoryConfig d = config.directories().get(name);
        Deadline deadline = Deadline.start(d);
        reading.accept(deadline);
        try (LDAPConnection connection = new LdapConnector(config, secrets, config.directoryKey(name), d)
                .connect(deadline)) {
            List<AdObject> objects = new ArrayList<>(s.objects());
            objects.addAll(OutsideObjects.holdersOf(connection, deadline, d.url(), domainDn(s), d.effectivePageSize(),
                    s.objects(), across, config.policy().pairServices(), new ValueInterner()));
            return with(s, objects, null);
        } catch (DirectoryException ex) {
            return unread(name, d, ex);
        }
    }

    /** The clusters whose DCs a preflight reads in directory {@code name}: the cluster and those it migrates with. */
    private List<ClusterConfig> dcCheckScope(String name) {
        if (preflightCluster == null) {
            return List.of();
        }
        return config.migratingWith(preflightCluster).stream().filter(c -> name.equals(config.directoryOf(c))).toList();
    }

    /** Every cluster of directory {@code name}: those the audit checks there. */
    private List<ClusterConfig> clusters(String name) {
        return config.clusters().stream().filter(c -> name.equals(config.directoryOf(c))).toList();
    }

    /**
     * The DC check of one directory, its DCs found ({@code part}: its index among the directories read), to be read
     * once every directory is ({@link #read}).
     *
     * @param objects the nodes and file servers of the clusters checked there, as the audit takes them
     */
    private record DcCheck(int part, LdapConnector connector, List<DomainControllers.Target> targets,
                           List<AdObject> objects, List<AdObject> audited, List<String> services) {
        /**
         * Every DC's copy of the checked objects, against {@code snapshot}, the directory as read with the holders
         * outside its base DN of the other directories' nodes' SPNs; {@code across}: the nodes of the other domains
         * checked, which the pairs from this domain's nodes go to (its KDC finds another holder of their SPNs in this
         * domain first).
         */
        List<DcRead> read(Snapshot snapshot, List<AdObject> across) throws DirectoryException {
            // the DC the audit read is not read again: whether it is read-only is what its root DSE said
            return DomainControllers.read(connector, targets, objects, snapshot.dc(), connector.settings().url(),
                    snapshot.directories().get(0).dcReadOnly(), new DomainControllers.Groups(domainDn(snapshot),
                            snapshot.objects(), snapshot.rbcdPrincipals(), audited, across, services));
        }
    }

    private static DcCheck dcCheck(LDAPConnection connection, Deadline deadline, LdapConnector connector, Snapshot s,
                            List<ClusterConfig> scope, List<ClusterConfig> audited, int part, List<String> services)
            throws DirectoryException {
        DirectoryConfig d = connector.settings();
        // the nodes as the audit takes them: a managed service account under a cluster's OU is none, and is read as
        // any other object there (another holder of a node's SPN, say)
        List<AdObject> objects = withServiceAccounts(new NodeSelector(scope).select(s.objects(),
                s.managedServiceAccounts()), s);
        List<DomainControllers.Target> targets = d.domainControllers().isEmpty()
                ? DomainControllers.discover(connection, deadline, domainDn(s), d.url(), s.objects())
                : DomainControllers.listed(d.domainControllers());
        return new DcCheck(part, connector, targets, objects,
                new NodeSelector(audited).select(s.objects(), s.managedServiceAccounts()), services);
    }

    /**
     * {@code hosts} and the users and managed service accounts of {@code s} registering a {@code cifs} SPN on one of
     * their names (cn, account, DNS name): the account a file server's cifs SPNs are keyed on (ktpass -mapuser) is
     * among them. Each DC's KDC issues those tickets in that account's keys as the DC holds it, so every DC's copy of it
     * is read and compared as a host's (the audit compares those it reads as keyed on, AuditContext#dcDivergences).
     */
    static List<AdObject> withServiceAccounts(List<AdObject> hosts, Snapshot s) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (AdObject h : hosts) {
            for (String n : java.util.Arrays.asList(h.cn(), h.samAccountName(), h.dnsHostName())) {
                if (n != null) {
                    String k = n.strip().toLowerCase(java.util.Locale.ROOT);
                    names.add(k.endsWith("$") || k.endsWith(".") ? k.substring(0, k.length() - 1) : k);
                }
            }
        }
        List<AdObject> out = new ArrayList<>(hosts);
        // the hosts are objects of s itself: known by identity, looked up last, for the few cifs holders left (a list's
        // contains, record equals on every object, was quadratic at 20,000 hosts)
        java.util.Set<AdObject> known = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        known.addAll(hosts);
        for (AdObject o : s.objects()) {
            if (o != null && o.dn() != null && (!o.isComputer() || s.isManagedServiceAccount(o))
                    && o.spns().stream().anyMatch(spn -> names.contains(cifsHost(spn))) && !known.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** The host of a {@code cifs/X} SPN (lower case, without a port, a third part or a trailing dot); else null. */
    private static String cifsHost(String spn) {
        if (spn == null || !spn.regionMatches(true, 0, "cifs/", 0, 5)) {
            return null;
        }
        String host = spn.substring(5).toLowerCase(java.util.Locale.ROOT);
        for (char c : new char[]{'/', ':'}) {
            int i = host.indexOf(c);
            host = i < 0 ? host : host.substring(0, i);
        }
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }

    /** The domain the DC serves, else the base DN's domain components, else the base DN. */
    private static String domainDn(Snapshot s) {
        String base = s.baseDn();
        int dc = base.toUpperCase(Locale.ROOT).indexOf("DC=");
        return dc >= 0 ? base.substring(dc) : base;
    }

    /** {@code s} with {@code objects}, and the DCs read ({@code dcs}) when not null. */
    private static Snapshot with(Snapshot s, List<AdObject> objects, List<DcRead> dcs) {
        DirectoryPart p = s.directories().get(0);
        DirectoryPart part = new DirectoryPart(p.name(), p.url(), p.baseDn(), p.dc(), p.dcServerName(),
                p.aesKeysSince(), p.optional(), p.failure(), p.firstObject(), objects.size(), p.changeTimes(),
                p.dcCheck() || dcs != null, dcs == null ? p.domainControllers() : dcs, p.dcReadOnly(), p.writeDc());
        return new Snapshot(s.takenAt(), s.directoryUrl(), s.baseDn(), objects, s.dc(), s.dcServerName(),
                s.aesKeysSince(), s.operators(), List.of(part), s.changes(), s.rbcdPrincipals(),
                s.managedServiceAccounts());
    }

    /**
     * The {@code i}-th operator name as the directories answered it (a directory that could not be read answered
     * nothing): the user or group of the first directory that holds it, else something else of that name, else
     * not found, saying in which directories it was looked up (a {@code DOMAIN\name} of another domain is looked
     * up only in its own) and which could not be read or gave no answer (its lookup failed, DirectoryCollector). A
     * {@code DOMAIN\name} is what the directory whose NetBIOS name is DOMAIN holds, or not found there: a directory
     * whose NetBIOS name could not be read ({@link Operator#prefixUnmatched}) does not answer for DOMAIN then. Where
     * no directory's NetBIOS name could be matched to DOMAIN, it is the account of the one directory that holds that
     * name; where several do, it is not found, rather than another domain's account judged in its place.
     */
    private static Operator operator(List<Snapshot> parts, int i) {
        List<Operator> answers = new ArrayList<>();
        List<String> unmatched = new ArrayList<>(); // the directories holding it whose NetBIOS name could not be read
        List<String> searched = new ArrayList<>();
        // searched where the NetBIOS name could not be read: where DOMAIN was looked up only if no directory matches it
        List<String> searchedUnmatched = new ArrayList<>();
        String elsewhere = "";
        List<String> unread = new ArrayList<>();
        List<String> unanswered = new ArrayList<>(); // read, but looking the names up there failed (DirectoryCollector)
        for (Snapshot s : parts) {
            if (!s.directories().get(0).audited()) {
                unread.add(s.directories().get(0).name());
            } else if (s.operators().size() <= i) {
                unanswered.add(s.directories().get(0).name());
            } else {
                Operator o = s.operators().get(i);
                answers.add(o);
                if (account(o) && o.prefixUnmatched()) {
                    unmatched.add(s.directories().get(0).name());
                }
                if (!o.found() && o.note() == null) {
                    DirectoryPart p = s.directories().get(0);
                    (o.prefixUnmatched() ? searchedUnmatched : searched).add((o.dn() != null ? o.dn() : p.baseDn())
                            + " (" + p.name() + ")");
                }
            }
        }
        for (Operator o : answers) {
            if (account(o) && !o.prefixUnmatched()) {
                return o;
            }
        }
        // the directory whose NetBIOS name is the prefix answers for it, whatever another one whose name could not be
        // read holds: FABRIKAM\adm-x that fabrikam does not hold is not contoso's adm-x
        boolean matched = answers.stream().anyMatch(DirectoriesCollector::prefixMatched);
        if (!matched) {
            searched.addAll(searchedUnmatched);
        } else if (!unmatched.isEmpty()) {
            String name = answers.get(0).name();
            elsewhere = "; " + String.join(" and ", unmatched) + " " + (unmatched.size() == 1 ? "holds " : "hold ")
                    + name.substring(name.indexOf('\\') + 1) + " too, another domain's account";
        }
        if (!matched && unmatched.size() == 1) {
            return answers.stream().filter(o -> account(o) && o.prefixUnmatched()).findFirst().orElseThrow();
        }
        if (!matched && unmatched.size() > 1) {
            String name = answers.get(0).name();
            int slash = name.indexOf('\\');
            return new Operator(name, Operator.Kind.NOT_FOUND, null, List.of(), Operator.Expansion.NONE, "its domain"
                    + " prefix " + name.substring(0, slash) + " could not be matched to a directory (the NetBIOS name of "
                    + String.join(", ", unmatched) + " could not be read) and " + String.join(" and ", unmatched)
                    + " each hold " + name.substring(slash + 1) + " (give its DN or userPrincipalName instead)");
        }
        for (Operator o : answers) {
            if (o.found() && !(matched && o.prefixUnmatched())) {
                return o;
            }
        }
        Operator first = answers.get(0);
        String note = searched.isEmpty() ? first.note() : "no user or group of that name or DN exists under "
                + String.join(" or ", searched) + elsewhere;
        if (!unread.isEmpty()) {
            note = note + " (not looked up in " + String.join(", ", unread) + ", which could not be read)";
        }
        if (!unanswered.isEmpty()) {
            note = note + " (not looked up in " + String.join(", ", unanswered) + ", where the lookup failed)";
        }
        return note.equals(first.note()) ? first : new Operator(first.name(), Operator.Kind.NOT_FOUND, null,
                List.of(), Operator.Expansion.NONE, note);
    }

    /**
     * Whether {@code o} is the answer of the directory whose NetBIOS name is the {@code DOMAIN} of {@code DOMAIN\name}:
     * looked up there under a prefix that matched (found or not), not refused as another domain's.
     */
    private static boolean prefixMatched(Operator o) {
        int slash = o.name().indexOf('\\');
        return slash > 0 && !o.name().substring(0, slash).contains("=") && !o.prefixUnmatched()
                && (o.found() || o.note() == null);
    }

    /** Whether {@code o} is an account an operator name can be: a user or a group. */
    private static boolean account(Operator o) {
        return o.kind() == Operator.Kind.USER || o.kind() == Operator.Kind.GROUP;
    }

    /**
     * One snapshot of all directories: their objects one after the other, each part with its range and its own
     * AES date; the top-level URL, base DN, DC and AES date those of the first directory (findings.json's
     * {@code directory}). Each {@code policy.operators} name is the account of the first directory that holds it
     * ({@link #operator}). An object's AES keys are judged by its own part's date.
     */
    static Snapshot merge(List<Snapshot> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<AdObject> objects = new ArrayList<>();
        List<DirectoryPart> directories = new ArrayList<>();
        Map<String, List<AttributeChange>> changes = new HashMap<>();
        Map<String, RbcdPrincipal> principals = new HashMap<>();
        int names = 0;
        for (Snapshot s : parts) {
            DirectoryPart p = s.directories().get(0);
            directories.add(p.at(objects.size()));
            objects.addAll(s.objects());
            changes.putAll(s.changes());
            principals.putAll(s.rbcdPrincipals());
            names = Math.max(names, s.operators().size());
        }
        List<Operator> operators = new ArrayList<>();
        for (int i = 0; i < names; i++) {
            operators.add(operator(parts, i));
        }
        Snapshot first = parts.get(0);
        java.util.Set<String> serviceAccounts = new java.util.HashSet<>();
        parts.forEach(p -> serviceAccounts.addAll(p.managedServiceAccounts()));
        return new Snapshot(first.takenAt(), first.directoryUrl(), first.baseDn(), objects, first.dc(),
                first.dcServerName(), first.aesKeysSince(), operators, directories, changes, principals,
                serviceAccounts);
    }
}
