package org.kcdauditor.audit;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;

import java.util.ArrayList;
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
public final class AuditContext {
    private final Snapshot snapshot;
    private final PolicyConfig policy;
    private final Map<String, AdObject> bySam = new HashMap<>();
    private final Map<String, AdObject> byCn = new HashMap<>();
    private final Map<String, AdObject> byDns = new HashMap<>();
    private final Map<String, AdObject> bySid = new HashMap<>();
    private final Map<String, List<AdObject>> spnOwners = new HashMap<>();
    private final List<ResolvedCluster> clusters = new ArrayList<>();
    private final Map<AdObject, ResolvedCluster> clusterOf = new IdentityHashMap<>();
    private final Map<AdObject, Set<AdObject>> peers = new IdentityHashMap<>();
    private final List<PairStatus> pairs = new ArrayList<>();

    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy) {
        this.snapshot = snapshot;
        this.policy = policy;
        index();
        resolveClusters(clusterConfigs);
        resolvePeers();
        computePairs();
    }

    private void index() {
        for (AdObject o : snapshot.objects()) {
            if (o.isComputer()) {
                if (o.samAccountName() != null) {
                    bySam.putIfAbsent(lower(stripDollar(o.samAccountName())), o);
                }
                if (o.cn() != null) {
                    byCn.putIfAbsent(lower(o.cn()), o);
                }
                if (o.dnsHostName() != null) {
                    byDns.putIfAbsent(lower(stripDot(o.dnsHostName())), o);
                }
            }
            if (o.objectSid() != null) {
                bySid.put(o.objectSid(), o);
            }
            for (String spn : o.spns()) {
                List<AdObject> owners = spnOwners.computeIfAbsent(Spn.keyOf(spn), k -> new ArrayList<>(1));
                if (owners.isEmpty() || owners.get(owners.size() - 1) != o) {
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
            if (ouMembers.containsKey(c)) {
                nodes.addAll(ouMembers.get(c));
                nodes.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
            } else {
                for (String name : c.nodes()) {
                    AdObject o = computer(name);
                    if (o == null) {
                        missing.add(name);
                    } else if (!clusterOf.containsKey(o) && !nodes.contains(o)) {
                        nodes.add(o);
                    }
                }
            }
            List<AdObject> fileServers = new ArrayList<>();
            List<String> missingFs = new ArrayList<>();
            for (String name : c.fileServers()) {
                AdObject o = computer(name);
                if (o == null) {
                    missingFs.add(name);
                } else {
                    fileServers.add(o);
                }
            }
            ResolvedCluster rc = new ResolvedCluster(c.name(), nodes, missing, fileServers, missingFs);
            clusters.add(rc);
            for (AdObject n : nodes) {
                clusterOf.putIfAbsent(n, rc);
            }
        }
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
        for (ResolvedCluster c : clusters) {
            for (AdObject source : c.nodes()) {
                if (clusterOf.get(source) != c) {
                    continue;
                }
                Set<String> have = new HashSet<>();
                for (String d : source.delegateTo()) {
                    have.add(Spn.keyOf(d));
                }
                List<AdObject> targets = new ArrayList<>(peers.get(source));
                targets.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
                for (AdObject target : targets) {
                    pairs.add(pair(c, source, target, policy.services(), have, false));
                }
                for (AdObject fs : c.fileServers()) {
                    pairs.add(pair(c, source, fs, List.of("cifs"), have, true));
                }
            }
        }
    }

    private PairStatus pair(ResolvedCluster c, AdObject source, AdObject target, List<String> services,
                            Set<String> have, boolean fileServer) {
        List<String> required = requiredSpns(target, services);
        boolean rbcd = source.objectSid() != null && target.rbcdSids().contains(source.objectSid());
        List<String> missing = new ArrayList<>();
        List<String> unregistered = new ArrayList<>();
        for (String spn : required) {
            if (!rbcd && !have.contains(Spn.keyOf(spn))) {
                missing.add(spn);
            }
            if (!servedBy(target, spn)) {
                unregistered.add(spn);
            }
        }
        return new PairStatus(c.name(), source, target, required, missing, unregistered, rbcd, fileServer);
    }

    /** Whether the target's account answers for {@code spn}: registered, or {@code cifs/X} through {@code HOST/X}. */
    private boolean servedBy(AdObject target, String spn) {
        if (registers(target, spn)) {
            return true;
        }
        Spn parsed = Spn.parse(spn);
        return parsed != null && parsed.service().equalsIgnoreCase("cifs") && registers(target, "HOST/" + parsed.host());
    }

    /** The SPNs a source must delegate to for {@code target}: each service in each configured name form known. */
    public List<String> requiredSpns(AdObject target, List<String> services) {
        List<String> out = new ArrayList<>();
        for (String service : services) {
            if (policy.netbiosForm()) {
                out.add(service + "/" + target.name());
            }
            if (policy.fqdnForm() && target.dnsHostName() != null && !target.dnsHostName().isBlank()) {
                out.add(service + "/" + stripDot(target.dnsHostName()));
            }
        }
        return out;
    }

    /** A computer by NetBIOS name (sAMAccountName without $, else cn) or DNS name; null if none. */
    public AdObject computer(String name) {
        String key = lower(stripDot(name));
        AdObject o = bySam.get(key);
        if (o == null) {
            o = byCn.get(key);
        }
        return o != null ? o : byDns.get(key);
    }

    public AdObject bySid(String sid) {
        return bySid.get(sid);
    }

    public List<AdObject> spnOwners(String spn) {
        return spnOwners.getOrDefault(Spn.keyOf(spn), List.of());
    }

    /** Whether {@code o} itself registers {@code spn} (compared in normal form). */
    public boolean registers(AdObject o, String spn) {
        for (AdObject owner : spnOwners(spn)) {
            if (owner == o) {
                return true;
            }
        }
        return false;
    }

    public Snapshot snapshot() {
        return snapshot;
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

    /** Nodes in cluster order, each once. */
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

    public static String stripDot(String s) {
        String r = s;
        while (r.endsWith(".")) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
