package org.kcdauditor.audit;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything the rules need, computed once from a snapshot, the clusters and the policy: hash
 * indexes by name, DNS name, SID and SPN; the resolved clusters; each node's peers; and the
 * status of every directed pair. Pure: no I/O, no clock. Cost and memory are linear in objects
 * plus required entries.
 */
public final class AuditContext implements Drift.Nodes {
    private final Snapshot snapshot;
    private final PolicyConfig policy;
    private final Map<String, AdObject> byName;
    private final Map<String, AdObject> byDns;
    private Map<String, AdObject> bySid;
    private final Map<String, List<AdObject>> spnOwners;
    private final List<ResolvedCluster> clusters;
    private final Map<AdObject, ResolvedCluster> clusterOf;
    private final Map<AdObject, Set<AdObject>> peers;
    private final List<PairStatus> pairs;
    private final AuditInputs inputs;
    private List<Drift.Change> baselineDrift;
    private PatchIndex patches;
    private final Map<AdObject, List<String>> unexpected;
    private final Map<AdObject, List<PairStatus>> pairsFrom;
    private final Map<AdObject, List<PairStatus>> pairsTo;
    /** Normal forms of delegation values: the same few values recur in every peer's list. */
    private final Map<String, String> keys;
    /** With several directories: each object's directory, and the name index per directory. */
    private final Map<AdObject, String> directoryOf;
    private final Map<String, Map<String, AdObject>> byNameIn;

    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy) {
        this(snapshot, clusterConfigs, policy, AuditInputs.none(snapshot.takenAt()));
    }

    /** With the history inputs (baseline, previous run, patches, events) the history rules read. */
    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy,
                        AuditInputs inputs) {
        this.snapshot = snapshot;
        this.policy = policy;
        this.inputs = inputs;
        byName = new HashMap<>();
        byDns = new HashMap<>();
        spnOwners = new HashMap<>();
        clusters = new ArrayList<>();
        clusterOf = new IdentityHashMap<>();
        peers = new IdentityHashMap<>();
        pairs = new ArrayList<>();
        unexpected = new IdentityHashMap<>();
        pairsFrom = new IdentityHashMap<>();
        pairsTo = new IdentityHashMap<>();
        keys = new HashMap<>();
        directoryOf = new IdentityHashMap<>();
        byNameIn = new HashMap<>();
        indexDirectories();
        indexNames();
        resolveClusters(clusterConfigs);
        resolvePeers();
        computePairs();
        indexSpnOwners();
    }

    /** Shares every index of {@code c}, which are the same whatever the inputs; only the inputs differ. */
    private AuditContext(AuditContext c, AuditInputs inputs) {
        this.snapshot = c.snapshot;
        this.policy = c.policy;
        this.inputs = inputs;
        byName = c.byName;
        byDns = c.byDns;
        spnOwners = c.spnOwners;
        clusters = c.clusters;
        clusterOf = c.clusterOf;
        peers = c.peers;
        pairs = c.pairs;
        unexpected = c.unexpected;
        pairsFrom = c.pairsFrom;
        pairsTo = c.pairsTo;
        keys = c.keys;
        directoryOf = c.directoryOf;
        byNameIn = c.byNameIn;
    }

    /**
     * This context with other history inputs, without computing the indexes again: a run resolves
     * the clusters first (the patch and event import keeps only nodes), then evaluates with the imports.
     */
    public AuditContext withInputs(AuditInputs other) {
        return new AuditContext(this, other);
    }

    /**
     * With several directories (domains), which one each object came from, and per directory its computers by
     * NetBIOS and DNS name: a cluster's names are resolved in its own directory (two domains may each have an HV01).
     */
    private void indexDirectories() {
        if (snapshot.directories().size() < 2) {
            return;
        }
        List<AdObject> objects = snapshot.objects();
        for (var part : snapshot.directories()) {
            Map<String, AdObject> names = byNameIn.computeIfAbsent(part.name(), k -> new HashMap<>());
            int end = Math.min(objects.size(), part.firstObject() + part.objectCount());
            for (int i = part.firstObject(); i < end; i++) {
                AdObject o = objects.get(i);
                directoryOf.put(o, part.name());
                if (!o.isComputer()) {
                    continue;
                }
                if (o.samAccountName() != null) {
                    names.putIfAbsent(lower(stripDollar(o.samAccountName())), o);
                }
                if (o.cn() != null) {
                    names.putIfAbsent(lower(o.cn()), o);
                }
                if (o.dnsHostName() != null) {
                    names.putIfAbsent(lower(stripDot(o.dnsHostName())), o);
                }
            }
        }
    }

    private void indexNames() {
        for (AdObject o : snapshot.objects()) {
            if (!o.isComputer()) {
                continue;
            }
            String sam = o.samAccountName() == null ? null : stripDollar(o.samAccountName());
            if (sam != null) {
                byName.putIfAbsent(lower(sam), o);
            }
            if (o.cn() != null && !o.cn().equalsIgnoreCase(sam)) {
                byName.putIfAbsent(lower(o.cn()), o);
            }
            if (o.dnsHostName() != null) {
                byDns.putIfAbsent(lower(stripDot(o.dnsHostName())), o);
            }
        }
    }

    /**
     * Owners of the SPNs that matter: those the nodes register and those the sources must delegate
     * to. Every SPN of every object is normalised once and kept only when it is one of these, so
     * the index grows with the clusters, not with the directory.
     */
    private void indexSpnOwners() {
        for (AdObject n : nodes()) {
            for (String spn : n.spns()) {
                spnOwners.putIfAbsent(Spn.keyOf(spn), new ArrayList<>(1));
            }
        }
        for (PairStatus p : pairs) {
            for (String spn : p.unregistered()) {
                spnOwners.putIfAbsent(Spn.keyOf(spn), new ArrayList<>(1));
            }
        }
        // Most SPNs in a directory belong to other computers: a hash of the normal form, computed
        // without allocating, rules them out before the normal form itself is built.
        int[] hashes = spnOwners.keySet().stream().mapToInt(String::hashCode).sorted().toArray();
        for (AdObject o : snapshot.objects()) {
            for (String spn : o.spns()) {
                if (Arrays.binarySearch(hashes, Spn.keyHash(spn)) < 0) {
                    continue;
                }
                List<AdObject> owners = spnOwners.get(Spn.keyOf(spn));
                if (owners != null && (owners.isEmpty() || owners.get(owners.size() - 1) != o)) {
                    owners.add(o);
                }
            }
        }
    }

    private void resolveClusters(List<ClusterConfig> configs) {
        List<Map.Entry<DN, ClusterConfig>> ouClusters = new ArrayList<>();
        Map<ClusterConfig, List<AdObject>> ouMembers = new HashMap<>();
        for (ClusterConfig c : configs) {
            if (c.ou() != null && !c.ou().isBlank()) {
                try {
                    ouClusters.add(Map.entry(new DN(c.ou()), c));
                    ouMembers.put(c, new ArrayList<>());
                } catch (LDAPException e) {
                    throw new IllegalArgumentException("clusters: invalid OU " + c.ou(), e);
                }
            }
        }
        if (!ouClusters.isEmpty()) {
            for (AdObject o : snapshot.objects()) {
                if (!o.isComputer()) {
                    continue;
                }
                DN dn = parseDn(o.dn());
                for (Map.Entry<DN, ClusterConfig> e : ouClusters) {
                    if (dn != null && dn.isDescendantOf(e.getKey(), false)) {
                        ouMembers.get(e.getValue()).add(o);
                        break;
                    }
                }
            }
        }
        for (ClusterConfig c : configs) {
            List<AdObject> nodes = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            DirectoryPart part = directory(c.directory());
            if (part != null && !part.audited()) {
                // its directory could not be read (optional): not audited, nothing is missing either
                clusters.add(new ResolvedCluster(c.name(), c.ou(), List.of(), List.of(), List.of(), List.of(),
                        c.directory()));
                continue;
            }
            if (ouMembers.containsKey(c)) {
                nodes.addAll(ouMembers.get(c));
                nodes.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
            } else {
                for (String name : c.nodes()) {
                    AdObject o = computerIn(name, c.directory());
                    if (o == null) {
                        missing.add(name);
                    } else if (!nodes.contains(o)) {
                        nodes.add(o);
                    }
                }
            }
            List<AdObject> fileServers = new ArrayList<>();
            List<String> missingFs = new ArrayList<>();
            for (String name : c.fileServers()) {
                AdObject o = computerIn(name, c.directory());
                if (o == null) {
                    missingFs.add(name);
                } else {
                    fileServers.add(o);
                }
            }
            ResolvedCluster rc = new ResolvedCluster(c.name(), ouMembers.containsKey(c) ? c.ou() : null, nodes, missing,
                    fileServers, missingFs, c.directory());
            clusters.add(rc);
            for (AdObject n : nodes) {
                ResolvedCluster other = clusterOf.putIfAbsent(n, rc);
                if (other != null) {
                    // names in two node lists are refused when the config loads; an OU can only be checked here
                    throw new ConfigException("clusters: " + n.name() + " is a node of both " + other.name()
                            + describe(other) + " and " + rc.name() + describe(rc) + "; a host belongs to one"
                            + " cluster: remove it from one of them (use policy.migrationGroups for migration"
                            + " between clusters)");
                }
            }
        }
    }

    private static String describe(ResolvedCluster c) {
        return c.ou() == null ? " (nodes)" : " (ou " + c.ou() + ")";
    }

    private void resolvePeers() {
        Map<String, ResolvedCluster> byName = new HashMap<>();
        for (ResolvedCluster c : clusters) {
            byName.put(lower(c.name()), c);
        }
        for (ResolvedCluster c : clusters) {
            Set<ResolvedCluster> group = new LinkedHashSet<>();
            group.add(c);
            for (List<String> g : policy.migrationGroups()) {
                if (g.stream().anyMatch(n -> n.equalsIgnoreCase(c.name()))) {
                    g.forEach(n -> group.add(byName.get(lower(n))));
                }
            }
            for (AdObject node : c.nodes()) {
                if (clusterOf.get(node) != c) {
                    continue;
                }
                Set<AdObject> p = Collections.newSetFromMap(new IdentityHashMap<>());
                for (ResolvedCluster gc : group) {
                    for (AdObject other : gc.nodes()) {
                        if (other != node && clusterOf.get(other) == gc) {
                            p.add(other);
                        }
                    }
                }
                peers.put(node, p);
            }
        }
    }

    private void computePairs() {
        Map<AdObject, Target> peerTargets = new IdentityHashMap<>();
        Map<AdObject, Target> fileServerTargets = new IdentityHashMap<>();
        Map<String, String> have = new HashMap<>();
        for (ResolvedCluster c : clusters) {
            for (AdObject source : c.nodes()) {
                if (clusterOf.get(source) != c) {
                    continue;
                }
                have.clear();
                for (String d : source.delegateTo()) {
                    have.put(key(d), d);
                }
                List<AdObject> targets = new ArrayList<>(peers.get(source));
                targets.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
                int expected = 0;
                for (AdObject target : targets) {
                    Target t = peerTargets.computeIfAbsent(target, o -> target(o, policy.services()));
                    PairStatus p = pair(c, source, t, have.keySet(), false);
                    add(p);
                    expected += p.rbcd() ? 0 : p.present();
                }
                for (AdObject fs : c.fileServers()) {
                    Target t = fileServerTargets.computeIfAbsent(fs, o -> target(o, List.of("cifs")));
                    PairStatus p = pair(c, source, t, have.keySet(), true);
                    add(p);
                    expected += p.rbcd() ? 0 : p.present();
                }
                if (expected < have.size()) {
                    unexpected.put(source, unexpectedEntries(source, targets, c, peerTargets, fileServerTargets,
                            have));
                }
            }
        }
    }

    private void add(PairStatus p) {
        pairs.add(p);
        pairsFrom.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p);
        pairsTo.computeIfAbsent(p.target(), k -> new ArrayList<>()).add(p);
    }

    /** The source's entries that no pair requires (normal form → value as stored). */
    private static List<String> unexpectedEntries(AdObject source, List<AdObject> targets, ResolvedCluster c,
                                                  Map<AdObject, Target> peerTargets,
                                                  Map<AdObject, Target> fileServerTargets, Map<String, String> have) {
        Map<String, String> rest = new HashMap<>(have);
        for (AdObject target : targets) {
            peerTargets.get(target).keys().forEach(rest::remove);
        }
        for (AdObject fs : c.fileServers()) {
            fileServerTargets.get(fs).keys().forEach(rest::remove);
        }
        List<String> out = new ArrayList<>();
        for (String raw : source.delegateTo()) {
            if (rest.containsKey(Spn.keyOf(raw))) {
                out.add(raw);
            }
        }
        return out;
    }

    /** What every source must delegate to for one target, computed once per target, not once per pair. */
    private record Target(AdObject object, List<String> required, List<String> keys, List<String> unregistered) {
    }

    private Target target(AdObject target, List<String> services) {
        Set<String> own = new HashSet<>();
        for (String spn : target.spns()) {
            own.add(Spn.keyOf(spn));
        }
        List<String> required = requiredSpns(target, services);
        List<String> keys = new ArrayList<>(required.size());
        List<String> unregistered = new ArrayList<>();
        for (String spn : required) {
            String key = Spn.keyOf(spn);
            keys.add(key);
            // cifs/X is served by HOST/X through AD's default sPNMappings.
            if (!own.contains(key) && !(key.startsWith("cifs/") && own.contains("host/" + key.substring(5)))) {
                unregistered.add(spn);
            }
        }
        return new Target(target, List.copyOf(required), keys, List.copyOf(unregistered));
    }

    private PairStatus pair(ResolvedCluster c, AdObject source, Target t, Set<String> have, boolean fileServer) {
        boolean rbcd = source.objectSid() != null && t.object().rbcdSids().contains(source.objectSid());
        List<String> missing = List.of();
        if (!rbcd && crossDirectory(source, t.object())) {
            // classic constrained delegation does not cross a domain boundary: entries on the source do not count
            missing = t.required();
        } else if (!rbcd) {
            for (int i = 0; i < t.keys().size(); i++) {
                if (!have.contains(t.keys().get(i))) {
                    if (missing.isEmpty()) {
                        missing = new ArrayList<>();
                    }
                    missing.add(t.required().get(i));
                }
            }
        }
        return new PairStatus(c.name(), source, t.object(), t.required(), missing, t.unregistered(), rbcd, fileServer);
    }

    private String key(String raw) {
        return keys.computeIfAbsent(raw, Spn::keyOf);
    }

    /**
     * The SPNs a source must delegate to for {@code target}: each service in each configured name form known.
     * A dNSHostName that is not a DNS name gives no FQDN form (DNS_HOST_NAME_INVALID says so).
     */
    public List<String> requiredSpns(AdObject target, List<String> services) {
        List<String> out = new ArrayList<>();
        for (String service : services) {
            if (policy.netbiosForm()) {
                out.add(service + "/" + target.name());
            }
            if (policy.fqdnForm() && target.dnsHostName() != null && validDnsHostName(target.dnsHostName())) {
                out.add(service + "/" + stripDot(target.dnsHostName()));
            }
        }
        return out;
    }

    /** A computer by NetBIOS name (sAMAccountName without $, else cn) or DNS name; null if none. */
    @Override
    public AdObject computer(String name) {
        String key = lower(stripDollar(stripDot(name))); // HV01, HV01$ (sAMAccountName) or hv01.contoso.com
        AdObject o = byName.get(key);
        return o != null ? o : byDns.get(key);
    }

    /**
     * A computer of directory {@code directory} by name; with one directory (or none named), {@link #computer}. An
     * object outside every cluster's directory is not found, as it would not be under a single directory's base DN.
     */
    public AdObject computerIn(String name, String directory) {
        if (byNameIn.isEmpty() || directory == null) {
            return computer(name);
        }
        Map<String, AdObject> names = byNameIn.get(directory);
        return names == null ? null : names.get(lower(stripDollar(stripDot(name))));
    }

    /** The directory (domain) {@code o} was read from; null with a single directory or for an unknown object. */
    public String directoryOf(AdObject o) {
        return o == null ? null : directoryOf.get(o);
    }

    /** A directory (domain) of the snapshot by name, or null. */
    public DirectoryPart directory(String name) {
        for (DirectoryPart p : snapshot.directories()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The DNS domain of the directory {@code o} was read from, from its base DN's domain components
     * ({@code DC=contoso,DC=com} → {@code contoso.com}); null with a single directory or none.
     */
    public String domainOf(AdObject o) {
        DirectoryPart p = directory(directoryOf(o));
        return p == null ? null : dnsDomain(p.baseDn());
    }

    /** {@code OU=x,DC=contoso,DC=com} → {@code contoso.com}; null when it has no domain components. */
    public static String dnsDomain(String dn) {
        if (dn == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String rdn : dn.split(",")) {
            String t = rdn.strip();
            if (t.regionMatches(true, 0, "DC=", 0, 3)) {
                parts.add(t.substring(3).toLowerCase(Locale.ROOT));
            }
        }
        return parts.isEmpty() ? null : String.join(".", parts);
    }

    /** False for a cluster whose (optional) directory could not be read: it was not audited. */
    public boolean audited(ResolvedCluster c) {
        DirectoryPart p = directory(c.directory());
        return p == null || p.audited();
    }

    /**
     * While a directory could not be read, a host that is not found may live there: drift does not report it as
     * gone.
     */
    @Override
    public boolean mayBeUnread(String name) {
        return snapshot.directories().stream().anyMatch(p -> !p.audited()) && computer(name) == null;
    }

    /** Whether the two objects live in different directories (domains). */
    public boolean crossDirectory(AdObject a, AdObject b) {
        String da = directoryOf(a);
        String db = directoryOf(b);
        return da != null && db != null && !da.equals(db);
    }

    /** Whether a pair crosses a domain boundary, where only resource-based delegation works. */
    public boolean crossDirectory(PairStatus p) {
        return crossDirectory(p.source(), p.target());
    }

    /** The last originating change of {@code attribute} on {@code o}, from the replication metadata; or null. */
    @Override
    public org.kcdauditor.model.AttributeChange lastChange(AdObject o, String attribute) {
        return org.kcdauditor.model.AttributeChange.of(snapshot.changesOf(o), attribute);
    }

    /** The object with this SID, or null. The SID index is built on first use (only RBCD needs it). */
    public AdObject bySid(String sid) {
        if (bySid == null) {
            bySid = new HashMap<>();
            for (AdObject o : snapshot.objects()) {
                if (o.objectSid() != null) {
                    bySid.put(o.objectSid(), o);
                }
            }
        }
        return bySid.get(sid);
    }

    /** Objects registering {@code spn}; answers for node SPNs and required target SPNs (see indexSpnOwners). */
    public List<AdObject> spnOwners(String spn) {
        return spnOwners.getOrDefault(Spn.keyOf(spn), List.of());
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** Differences between the approved baseline and this snapshot, computed once; empty without a baseline. */
    public List<Drift.Change> baselineDrift() {
        if (baselineDrift == null) {
            baselineDrift = inputs.baseline() == null ? List.of()
                    : List.copyOf(Drift.compare(inputs.baseline().hosts(), this));
        }
        return baselineDrift;
    }

    /** The patch records per node and the hardening they carry, built once. */
    public PatchIndex patches() {
        if (patches == null) {
            patches = new PatchIndex(this);
        }
        return patches;
    }

    /** Baseline, previous run, patches and events; never null (empty when not configured). */
    public AuditInputs inputs() {
        return inputs;
    }

    public PolicyConfig policy() {
        return policy;
    }

    public List<ResolvedCluster> clusters() {
        return Collections.unmodifiableList(clusters);
    }

    /** The cluster a node was resolved into, or null for objects that are no node. */
    public ResolvedCluster clusterOf(AdObject o) {
        return clusterOf.get(o);
    }

    @Override
    public String clusterName(AdObject node) {
        ResolvedCluster c = clusterOf.get(node);
        return c == null ? null : c.name();
    }

    /** Nodes in cluster order, each once. */
    @Override
    public List<AdObject> nodes() {
        List<AdObject> out = new ArrayList<>();
        for (ResolvedCluster c : clusters) {
            for (AdObject n : c.nodes()) {
                if (clusterOf.get(n) == c) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    public Set<AdObject> peersOf(AdObject node) {
        return peers.getOrDefault(node, Set.of());
    }

    /**
     * A node's msDS-AllowedToDelegateTo values that no pair of its requires (stale, foreign or
     * duplicate forms), as stored; empty for most nodes.
     */
    public List<String> unexpectedDelegations(AdObject node) {
        return unexpected.getOrDefault(node, List.of());
    }

    /** The pairs whose source is {@code node}, in target order; empty for objects that are no node. */
    public List<PairStatus> pairsFrom(AdObject node) {
        return pairsFrom.getOrDefault(node, List.of());
    }

    /** The pairs whose target is {@code node} (peer or file server). */
    public List<PairStatus> pairsTo(AdObject node) {
        return pairsTo.getOrDefault(node, List.of());
    }

    public List<PairStatus> pairs() {
        return Collections.unmodifiableList(pairs);
    }

    private static DN parseDn(String dn) {
        try {
            return new DN(dn);
        } catch (LDAPException e) {
            return null;
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static String stripDollar(String s) {
        return s.endsWith("$") ? s.substring(0, s.length() - 1) : s;
    }

    /** A dNSHostName that is a DNS name (a trailing dot allowed). */
    public static boolean validDnsHostName(String dns) {
        return Values.validHostName(stripDot(dns));
    }

    public static String stripDot(String s) {
        String r = s;
        while (r.endsWith(".")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
