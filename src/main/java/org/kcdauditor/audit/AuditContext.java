package org.kcdauditor.audit;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.LastFoundSid;
import org.kcdauditor.model.NodeNames;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Uac;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Values;

import java.util.AbstractSet;
import java.util.ArrayList;
import java.time.Instant;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

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
    /** {@link #lastFoundSid}'s index, built by the first call (a run that finds every node needs none). */
    private Map<String, LastFoundSid> lastFoundSids;
    private final Map<String, List<AdObject>> spnOwners;
    private final List<ResolvedCluster> clusters;
    private final Map<AdObject, ResolvedCluster> clusterOf;
    private final Map<AdObject, Set<AdObject>> peers;
    /** The pairs with the blockers the snapshot alone gives (delegation, SPNs, encryption). */
    private final List<PairStatus> basePairs;
    /** {@link #basePairs} with the blockers of the inputs (host settings). */
    private final List<PairStatus> pairs;
    private final AuditInputs inputs;
    /** Per whole SPN ({@link Spn#wholeKeyOf}, of nodes and file servers) registered on more than one object: who holds it. */
    private final Map<String, Duplicate> duplicates;
    /** The holders and other holders of {@link #duplicates}: the only targets a DUPLICATE_SPN blocker can be of. */
    private final Set<AdObject> duplicateParties;
    /** Per node, the accounts that are no node and register one of its SPNs too ({@link #otherHolders}). */
    private final Map<AdObject, List<HostState.OtherHolder>> otherHolders;
    /** Nodes, file servers and delegation targets with an encryption problem: the rules that say so. */
    private final Map<AdObject, List<String>> encryption;
    /** Per file server, its cifs SPNs (as the pairs require them) that one service account registers instead. */
    private final Map<AdObject, Map<String, AdObject>> keyedOn;
    private final List<AdObject> encryptionSubjects;
    /** The nodes' Get-VMHost settings, by node. */
    private final Map<AdObject, HostSettings> hostSettings;
    /**
     * The nodes whose Get-VMHost settings say they migrate over SMB, where policy.services leaves cifs out: their pairs
     * require {@code cifs/<peer>} too ({@link #computePairs}), so the pairs, the SPN owners, the duplicates and the
     * DCs' divergences were computed with them.
     */
    private final Set<AdObject> smbSources;
    /** As configured: a context given inputs with other SMB nodes is computed again from them ({@link #withInputs}). */
    private final List<ClusterConfig> clusterConfigs;
    private List<Drift.Change> baselineDrift;
    private PatchIndex patches;
    private final Map<AdObject, List<String>> unexpected;
    private final Map<AdObject, List<PairStatus>> pairsFrom;
    private final Map<AdObject, List<PairStatus>> pairsTo;
    /** Each node's delegation entries (as stored, in order) that name a domain controller's service or krbtgt. */
    private final Map<AdObject, List<String>> dcEntries;
    /** The nodes in cluster order, each once. */
    private final List<AdObject> nodes;
    /** The nodes, then the file servers not among them, each once: listed once, read by the indexes and rules. */
    private final List<AdObject> nodesAndFileServers;
    /** With several directories: each object's directory, and the name index per directory. */
    private final Map<AdObject, String> directoryOf;
    private final Map<String, Map<String, AdObject>> byNameIn;
    /**
     * The domain controllers by the host names an entry may name them with (NetBIOS name, dNSHostName, the host of
     * each {@code HOST/X} they register: sPNMappings serve {@code cifs/X} and the others through it), lower case;
     * built on first use, with {@link #sensitiveSpns}.
     */
    private Map<String, AdObject> dcByHost;
    /** The SPNs (normal form) registered on a domain controller or a krbtgt account (kadmin/changepw), by owner. */
    private Map<String, AdObject> sensitiveSpns;
    /** The SPNs (normal form) every other object registers; built on first use ({@link #sensitiveOwner}). */
    private Set<String> ordinarySpns;
    /** The nodes of each cluster's migration group (its own and those of policy.migrationGroups), by name. */
    private final Map<ResolvedCluster, List<AdObject>> groupByName = new IdentityHashMap<>();
    /** The SPN keys of each node and file server, in the order of its SPNs. */
    private final Map<AdObject, String[]> hostSpnKeys = new IdentityHashMap<>();
    /**
     * The same SPNs' whole normal forms ({@link Spn#wholeKeyOf}), in the same order: the key itself (the same
     * instance) for an SPN without a third part. Each target's required SPNs are checked against them.
     */
    private final Map<AdObject, String[]> hostWholeKeys = new IdentityHashMap<>();
    /**
     * While the pairs are computed: each target's required SPNs it serves only through its {@code HOST/X} alias
     * ({@code cifs/X}); another account registering one of them exactly takes the ticket (the KDC looks the SPN up
     * before it applies sPNMappings).
     */
    private final Map<AdObject, List<AliasServed>> viaAlias = new IdentityHashMap<>();
    /** The normal forms of those SPNs, and the objects other than nodes registering one of them exactly. */
    private final Set<String> aliasKeys = new HashSet<>();
    private final Map<String, List<AdObject>> aliasHolders = new HashMap<>();

    /** A required SPN ({@code spn}, normal form {@code key}) its target serves through its {@code HOST/X} alias. */
    private record AliasServed(String spn, String key) {
    }
    /**
     * Whether each node's and file server's dNSHostName is a DNS name ({@link #VALID_DNS}) and its NetBIOS name a
     * host name ({@link #VALID_NETBIOS}): tested once, read per pair's target and by a rule.
     */
    private final Map<AdObject, Integer> validNames;
    /**
     * For each node and file server without a dNSHostName, the FQDNs its own SPNs name it by (host parts {@code
     * <its name>.<domain>} that are DNS names, lower case, each once, in the order registered): exactly one is the FQDN
     * form checked for it ({@link #fqdnOf}); none or several, and the audit does not guess (DNS_HOST_NAME_MISSING).
     */
    private final Map<AdObject, List<String>> spnFqdns;
    private static final int VALID_DNS = 1;
    private static final int VALID_NETBIOS = 2;
    /** The service the SMB transport of live migration authenticates to ({@link #smbSourcesOf}). */
    private static final String SMB_SERVICE = "cifs";
    /** Sizes the hash filter of {@link #indexSpnOwners}: 2^22 bits, 512 KB. */
    private static final int HASH_BITS = 1 << 22;
    /** The DUPLICATE_SPN blockers of the pairs into a target (as peer, as file server), computed once per target. */
    private final Map<AdObject, List<Blocker>> duplicateBlockers = new IdentityHashMap<>();
    private final Map<AdObject, List<Blocker>> duplicateBlockersFs = new IdentityHashMap<>();
    /** Where another DC holds other delegation attributes for a node or file server ({@code --all-dcs}); by host. */
    private final List<DcDivergence> dcDivergences;
    private final Map<AdObject, List<DcDivergence>> divergencesByHost;
    /** The divergences reported once per cluster whose pairs they block ({@link #reportedPerCluster}). */
    private final Set<DcDivergence> perCluster;
    /** The blockers of an account (no AES, a disabled node), the same in each of its pairs. */
    private final Map<AdObject, List<Blocker>> accountBlockers = new IdentityHashMap<>();

    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy) {
        this(snapshot, clusterConfigs, policy, AuditInputs.none(snapshot.takenAt()));
    }

    /**
     * Also tells {@code resolved} which hosts the clusters have, as soon as they are resolved and before the pairs
     * are computed: a run starts storing them then, on a thread of its own (at 20,000 hosts, seconds of work that
     * would otherwise wait for the evaluation).
     */
    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy,
                        Consumer<Hosts> resolved) {
        this(snapshot, clusterConfigs, policy, AuditInputs.none(snapshot.takenAt()), resolved);
    }

    /** With the history inputs (baseline, previous run, patches, events) the history rules read. */
    public AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy,
                        AuditInputs inputs) {
        this(snapshot, clusterConfigs, policy, inputs, hosts -> { });
    }

    private AuditContext(Snapshot snapshot, List<ClusterConfig> clusterConfigs, PolicyConfig policy,
                         AuditInputs inputs, Consumer<Hosts> resolved) {
        this.snapshot = snapshot;
        this.policy = policy;
        this.inputs = inputs;
        this.clusterConfigs = clusterConfigs;
        // sized for every object up front: growing them rehashed 100,000 names several times at 20,000 hosts
        int tableSize = snapshot.objects().size() * 4 / 3 + 1;
        byName = new HashMap<>(tableSize);
        byDns = new HashMap<>(tableSize);
        clusters = new ArrayList<>();
        clusterOf = new IdentityHashMap<>();
        peers = new IdentityHashMap<>();
        unexpected = new IdentityHashMap<>();
        dcEntries = new IdentityHashMap<>();
        validNames = new IdentityHashMap<>();
        spnFqdns = new IdentityHashMap<>();
        directoryOf = new IdentityHashMap<>();
        byNameIn = new HashMap<>();
        indexDirectories();
        duplicates = new HashMap<>();
        encryption = new IdentityHashMap<>();
        keyedOn = new IdentityHashMap<>();
        encryptionSubjects = new ArrayList<>();
        indexNames();
        resolveClusters(clusterConfigs);
        hostSettings = hostSettingsOf(inputs);
        smbSources = smbSourcesOf(hostSettings);
        nodes = List.copyOf(listNodes());
        nodesAndFileServers = listNodesAndFileServers();
        // sized for the nodes' and file servers' SPNs, nearly all its keys: grown, it rehashed them about 8 times
        int hostSpns = 0;
        for (AdObject n : nodesAndFileServers) {
            hostSpns += n.spns().size();
        }
        spnOwners = new HashMap<>(hostSpns * 4 / 3 + 1);
        resolved.accept(hosts());
        resolvePeers();
        indexHostSpns();
        List<PairStatus> delegation = computePairs();
        indexSpnOwners(delegation);
        delegation = registeredElsewhere(delegation);
        delegation = servedByServiceAccounts(delegation);
        findDuplicates(delegation);
        duplicateParties = partiesOf(duplicates.values());
        otherHolders = otherHoldersOf(duplicates.values());
        checkEncryption();
        dcDivergences = divergences(delegation);
        divergencesByHost = DcDivergence.byHost(dcDivergences);
        perCluster = Collections.newSetFromMap(new IdentityHashMap<>());
        basePairs = perClusterDcBlockers(withSnapshotBlockers(delegation));
        pairs = hostSettings.isEmpty() ? basePairs : withBlockers(basePairs, this::hostBlockers);
        pairsFrom = new IdentityHashMap<>();
        pairsTo = new IdentityHashMap<>();
        indexPairs();
    }

    /**
     * Shares every index of {@code c}, which are the same for inputs that say the same nodes migrate over SMB
     * ({@code hostSettings}, of these inputs); only the inputs differ.
     */
    private AuditContext(AuditContext c, AuditInputs inputs, Map<AdObject, HostSettings> hostSettings) {
        this.snapshot = c.snapshot;
        this.policy = c.policy;
        this.inputs = inputs;
        this.clusterConfigs = c.clusterConfigs;
        this.smbSources = c.smbSources;
        byName = c.byName;
        byDns = c.byDns;
        spnOwners = c.spnOwners;
        clusters = c.clusters;
        clusterOf = c.clusterOf;
        peers = c.peers;
        basePairs = c.basePairs;
        unexpected = c.unexpected;
        dcEntries = c.dcEntries;
        validNames = c.validNames;
        spnFqdns = c.spnFqdns;
        nodes = c.nodes;
        nodesAndFileServers = c.nodesAndFileServers;
        directoryOf = c.directoryOf;
        byNameIn = c.byNameIn;
        duplicates = c.duplicates;
        duplicateParties = c.duplicateParties;
        otherHolders = c.otherHolders;
        keyedOn = c.keyedOn;
        encryption = c.encryption;
        encryptionSubjects = c.encryptionSubjects;
        dcDivergences = c.dcDivergences;
        divergencesByHost = c.divergencesByHost;
        perCluster = c.perCluster;
        this.hostSettings = hostSettings;
        if (hostSettings.isEmpty() && c.hostSettings.isEmpty()) {
            pairs = c.pairs;
            pairsFrom = c.pairsFrom;
            pairsTo = c.pairsTo;
        } else {
            pairs = withBlockers(basePairs, this::hostBlockers);
            pairsFrom = new IdentityHashMap<>();
            pairsTo = new IdentityHashMap<>();
            indexPairs();
        }
    }

    /**
     * This context with other history inputs, without computing the indexes again: a run resolves
     * the clusters first (the patch and event import keeps only nodes), then evaluates with the imports. Where their
     * Get-VMHost export says other nodes migrate over SMB than this context's inputs did (and policy.services leaves
     * cifs out), the pairs of those nodes require other SPNs, whose registration, holders and DCs every index reads:
     * the context is computed again with them.
     */
    public AuditContext withInputs(AuditInputs other) {
        Map<AdObject, HostSettings> settings = hostSettingsOf(other);
        return smbSourcesOf(settings).equals(smbSources) ? new AuditContext(this, other, settings)
                : new AuditContext(snapshot, clusterConfigs, policy, other, hosts -> { });
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
                if (o.isComputer() && machineName(o)) {
                    names.putIfAbsent(samKey(o.samAccountName()), o);
                }
            }
            // a computer's sAMAccountName without its $ after every one with it, as in indexNames
            for (int i = part.firstObject(); i < end; i++) {
                AdObject o = objects.get(i);
                if (o.isComputer() && o.samAccountName() != null && !machineName(o)) {
                    names.putIfAbsent(samKey(o.samAccountName()), o);
                }
            }
            // cn and DNS names after every sAMAccountName, as in indexNames
            for (int i = part.firstObject(); i < end; i++) {
                AdObject o = objects.get(i);
                if (!o.isComputer()) {
                    continue;
                }
                if (o.cn() != null) {
                    names.putIfAbsent(lower(o.cn()), o);
                }
                if (o.dnsHostName() != null) {
                    indexDns(names, o);
                }
            }
            indexHostLabels(names, objects.subList(Math.min(part.firstObject(), end), end));
        }
    }

    /**
     * Every computer's sAMAccountName (without $) before any cn: a retired object whose cn is a node's name
     * (CN=HV91 in an OU of retired objects, renamed to HV91OLD$) never takes that name from the node (HV91$),
     * whichever of the two the DC returned first.
     */
    private void indexNames() {
        List<AdObject> objects = snapshot.objects();
        for (AdObject o : objects) {
            if (o.isComputer() && machineName(o)) {
                byName.putIfAbsent(samKey(o.samAccountName()), o);
            }
        }
        // then a computer whose sAMAccountName lacks the $ (only an LDAP write makes one; CVE-2021-42278): HV02 is the
        // account HV02$, whose principal and SPNs the KDC knows, never a computer named HV02, whichever came first
        for (AdObject o : objects) {
            if (o.isComputer() && o.samAccountName() != null && !machineName(o)) {
                byName.putIfAbsent(samKey(o.samAccountName()), o);
            }
        }
        for (AdObject o : objects) {
            if (!o.isComputer()) {
                continue;
            }
            if (o.cn() != null && !isSamOf(o.cn(), o.samAccountName())) {
                byName.putIfAbsent(lower(o.cn()), o);
            }
            if (o.dnsHostName() != null) {
                indexDns(byDns, o);
            }
        }
        indexHostLabels(byName, objects);
    }

    /**
     * Indexes, after every other name, each computer's host name where it is longer than a NetBIOS name (15
     * characters): the first label of its dNSHostName. A computer joined as {@code hyperv-prod-node03} has the account
     * {@code HYPERV-PROD-NOD$} and that cn, while the cluster, {@code hostname} and the administrator call it by its
     * whole host name, which no sAMAccountName can be. Only a label one computer of {@code objects} has: of two, the
     * name finds neither.
     */
    private static void indexHostLabels(Map<String, AdObject> names, List<AdObject> objects) {
        Map<String, AdObject> labels = new HashMap<>();
        Set<String> shared = new HashSet<>();
        for (AdObject o : objects) {
            String label = o.isComputer() ? longHostLabel(o.dnsHostName()) : null;
            if (label != null) {
                AdObject first = labels.putIfAbsent(label, o);
                if (first != null && first != o) {
                    shared.add(label);
                }
            }
        }
        labels.forEach((label, o) -> {
            if (!shared.contains(label)) {
                names.putIfAbsent(label, o);
            }
        });
    }

    /**
     * The key of the first label of {@code dns} where it is longer than 15 characters (no NetBIOS name, and so no
     * sAMAccountName, can be it) and {@code dns} has more labels; null otherwise.
     */
    private static String longHostLabel(String dns) {
        // nearly every dNSHostName has its first dot within 15 characters: nothing to fold
        int dot = dns == null ? -1 : dns.indexOf('.');
        return dot > 15 ? lower(dns.substring(0, dot)) : null;
    }

    /**
     * Indexes computer {@code o} under its dNSHostName, which AD does not keep unique: a retired object renamed in ADUC
     * keeps the name of the host that replaced it. Of two, the name is the one's that registers HOST/ for it (the
     * account the KDC issues that host's tickets to), else an enabled one's, else the first's, in whichever order the
     * DC returned them.
     */
    private static void indexDns(Map<String, AdObject> names, AdObject o) {
        String key = dnsKey(o.dnsHostName());
        AdObject first = names.putIfAbsent(key, o);
        if (first != null && first != o && dnsClaim(o, key) > dnsClaim(first, key)) {
            names.put(key, o);
        }
    }

    /** How surely {@code o} is the host named {@code key}: 2 for its HOST/ registration of the name, 1 for enabled. */
    private static int dnsClaim(AdObject o, String key) {
        String host = Spn.wholeKeyOf("HOST/" + key);
        boolean registers = o.spns().stream().anyMatch(spn -> Spn.wholeKeyOf(spn).equals(host));
        return (registers ? 2 : 0) + (o.disabled() ? 0 : 1);
    }

    /** Whether the object's sAMAccountName is a machine account's, ending in $. */
    private static boolean machineName(AdObject o) {
        return o.samAccountName() != null && o.samAccountName().endsWith("$");
    }

    /** Whether {@code cn} is {@code sam} without its trailing $ (case-insensitive): then it is indexed already. */
    private static boolean isSamOf(String cn, String sam) {
        int length = sam == null ? -1 : sam.endsWith("$") ? sam.length() - 1 : sam.length();
        return length == cn.length() && sam.regionMatches(true, 0, cn, 0, length);
    }

    /**
     * The SPN keys (and whole keys) of every node and file server, normalised once: the pairs' targets and the owner
     * index use them.
     */
    private void indexHostSpns() {
        for (AdObject n : nodesAndFileServers()) {
            String[] own = new String[n.spns().size()];
            String[] whole = new String[own.length];
            for (int i = 0; i < own.length; i++) {
                own[i] = Spn.keyOf(n.spns().get(i));
                whole[i] = Spn.wholeKeyOf(n.spns().get(i), own[i]);
                spnOwners.computeIfAbsent(own[i], AuditContext::noOwners);
            }
            hostSpnKeys.put(n, own);
            hostWholeKeys.put(n, whole);
            validNames.put(n, (n.dnsHostName() != null && validDnsHostName(n.dnsHostName()) ? VALID_DNS : 0)
                    | (Values.validHostName(netbiosName(n)) ? VALID_NETBIOS : 0));
            if (!hasDnsHostName(n)) {
                spnFqdns.put(n, fqdnsNamedBySpns(n));
            }
        }
    }

    /**
     * The FQDNs {@code o}'s own SPNs name it by: host parts whose first label is its NetBIOS name or cn and that are DNS
     * names ({@code HOST/h21b.contoso.com}), lower case, each once.
     */
    private static List<String> fqdnsNamedBySpns(AdObject o) {
        List<String> out = new ArrayList<>(1);
        for (String value : o.spns()) {
            Spn spn = Spn.parse(value);
            String host = spn == null ? null : spn.hostName();
            int dot = host == null ? -1 : host.indexOf('.');
            if (dot > 0 && (host.substring(0, dot).equalsIgnoreCase(netbiosName(o))
                    || host.substring(0, dot).equalsIgnoreCase(o.name())) && validDnsHostName(host)
                    && !out.contains(host)) {
                out.add(host);
            }
        }
        return out;
    }

    /**
     * Owners of the SPNs that matter: those the nodes register and those the sources must delegate
     * to. Every SPN of every object is normalised once and kept only when it is one of these, so
     * the index grows with the clusters, not with the directory.
     */
    private void indexSpnOwners(List<PairStatus> pairs) {
        for (PairStatus p : pairs) {
            if (p.unregistered().isEmpty()) {
                continue; // nearly every pair: no iterator
            }
            for (String spn : p.unregistered()) {
                String key = Spn.keyOf(spn);
                spnOwners.computeIfAbsent(key, AuditContext::noOwners);
                // an unregistered cifs/X resolves through HOST/X (sPNMappings): who holds that, if not the target
                String alias = Spn.hostAlias(key);
                if (alias != null) {
                    spnOwners.computeIfAbsent(alias, AuditContext::noOwners);
                }
            }
        }
        // the entries no pair requires, and the HOST/X each cifs/X of them may resolve through: who owns them
        for (List<String> entries : unexpected.values()) {
            for (String entry : entries) {
                String key = Spn.keyOf(entry);
                spnOwners.computeIfAbsent(key, AuditContext::noOwners);
                String alias = Spn.hostAlias(key);
                if (alias != null) {
                    spnOwners.computeIfAbsent(alias, AuditContext::noOwners);
                }
            }
        }
        // Most SPNs in a directory belong to other computers: a hash of the normal form, computed
        // without allocating, rules them out (one bit of a 4-Mbit table) before the normal form is built.
        BitSet hashes = new BitSet(HASH_BITS);
        spnOwners.keySet().forEach(k -> hashes.set(k.hashCode() & (HASH_BITS - 1)));
        aliasKeys.forEach(k -> hashes.set(k.hashCode() & (HASH_BITS - 1)));
        for (AdObject o : snapshot.objects()) {
            String[] own = hostSpnKeys.get(o);
            for (int i = 0; i < o.spns().size(); i++) {
                String key;
                if (own != null) {
                    key = own[i]; // a node's or file server's: normalised once, above
                } else if (hashes.get(Spn.keyHash(o.spns().get(i)) & (HASH_BITS - 1))) {
                    key = Spn.keyOf(o.spns().get(i));
                } else {
                    continue;
                }
                List<AdObject> owners = spnOwners.get(key);
                if (owners == null && aliasKeys.contains(key)) {
                    owners = aliasHolders.computeIfAbsent(key, k -> new ArrayList<>(1));
                }
                if (owners != null && (owners.isEmpty() || owners.get(owners.size() - 1) != o)) {
                    owners.add(o);
                }
            }
        }
    }

    /** A new entry of {@link #spnOwners}: nobody found yet, most SPNs get one owner. */
    private static List<AdObject> noOwners(String key) {
        return new ArrayList<>(1);
    }

    /**
     * The pairs into a target whose {@code cifs/X} (served by its {@code HOST/X}) another account registers exactly:
     * the KDC finds that account first (MS-DRSR 4.1.4.2.14 LookupSPN tries the SPN itself before its sPNMappings
     * alias) and encrypts the ticket with its key, so the target cannot read it. Such an SPN counts as not registered
     * on the target (TARGET_SPN_NOT_REGISTERED names where it is registered instead): for every pair when the account
     * is in the target's domain, for the pairs from its domain when it is in another (that of the sources, whose KDC
     * looks the SPN up in its own domain).
     */
    private List<PairStatus> registeredElsewhere(List<PairStatus> pairs) {
        // per target, per directory holding the account (null: the target's own, every pair), the SPNs
        Map<AdObject, Map<String, List<String>>> elsewhere = new IdentityHashMap<>();
        viaAlias.forEach((target, served) -> {
            for (AliasServed a : served) {
                // held by another node or file server (indexed with theirs), or by any other object
                List<AdObject> owners = aliasHolders.getOrDefault(a.key(), spnOwners.getOrDefault(a.key(), List.of()));
                // the owners match without the third part; the KDC compares the whole SPN, in its own domain
                String whole = Spn.wholeKeyOf(a.spn(), a.key());
                for (AdObject o : owners) {
                    if (o != target && registersWhole(o, whole)) {
                        String in = sameDirectory(o, target) ? null : directoryOf.get(o);
                        List<String> spns = elsewhere.computeIfAbsent(target, t -> new HashMap<>())
                                .computeIfAbsent(in, d -> new ArrayList<>());
                        if (!spns.contains(a.spn())) {
                            spns.add(a.spn());
                        }
                    }
                }
            }
        });
        spnOwners.putAll(aliasHolders); // TARGET_SPN_NOT_REGISTERED names them
        viaAlias.clear();
        aliasKeys.clear();
        aliasHolders.clear();
        if (elsewhere.isEmpty()) {
            return pairs;
        }
        List<PairStatus> out = new ArrayList<>(pairs.size());
        for (PairStatus p : pairs) {
            // RBCD too: the KDC still looks the SPN up first and finds the other account
            Map<String, List<String>> held = elsewhere.get(p.target());
            List<String> spns = held == null ? List.of() : Stream.concat(held.getOrDefault(null, List.of()).stream(),
                    sameDirectory(p.source(), p.target()) ? Stream.empty()
                            : held.getOrDefault(directoryOf.get(p.source()), List.of()).stream()).toList();
            if (spns.isEmpty()) {
                out.add(p);
                continue;
            }
            List<String> unregistered = new ArrayList<>(p.unregistered());
            List<Blocker> blockers = new ArrayList<>(p.blockers());
            for (String spn : spns) {
                if (p.required().contains(spn) && !unregistered.contains(spn)) {
                    unregistered.add(spn);
                    blockers.add(Blocker.of(Blocker.TARGET_SPN_NOT_REGISTERED, p.target().name(), null, spn));
                }
            }
            out.add(new PairStatus(p.cluster(), p.source(), p.target(), p.required(), p.unnamed(), p.missing(),
                    unregistered, p.rbcd(), p.entriesCover(), p.across(), p.fileServer(), blockers, p.sourceEntries()));
        }
        return out;
    }

    /**
     * The pairs into a configured file server (no node) with a cifs SPN it does not register that exactly one account
     * of its domain does, an enabled user or managed service account ({@link #serviceAccount}): the KDC issues the
     * ticket for that SPN in the one account's keys (MS-KILE 3.3.5.1.1; MS-SFU S4U2proxy), which is how a NAS or Samba
     * server keyed with ktpass against a service account works. Such an SPN is served, not unregistered: it blocks no
     * pair, and the encryption rules check that account for the pairs ({@link #ticketAccounts}). The KDC then reads
     * that account's resource-based delegation, not the file server's: a pair of the file server's domain that only
     * the file server's grant covered lacks the entry for that SPN (MISSING_DELEGATION). Pairs into a file server are
     * never across domains: it and the nodes are resolved in their cluster's directory.
     */
    private List<PairStatus> servedByServiceAccounts(List<PairStatus> pairs) {
        for (PairStatus p : pairs) {
            // a node's SPNs stay its computer's: the VMMS and its SMB server run as the computer
            if (p.fileServer() && clusterOf.get(p.target()) == null) {
                for (String spn : p.unregistered()) {
                    AdObject holder = serviceAccount(p.target(), spn);
                    if (holder != null) {
                        keyedOn.computeIfAbsent(p.target(), t -> new java.util.LinkedHashMap<>()).put(spn, holder);
                    }
                }
            }
        }
        if (keyedOn.isEmpty()) {
            return pairs;
        }
        List<PairStatus> out = new ArrayList<>(pairs.size());
        for (PairStatus p : pairs) {
            Map<String, AdObject> held = keyedOn.get(p.target());
            if (held == null || p.unregistered().stream().noneMatch(held::containsKey)) {
                out.add(p);
                continue;
            }
            List<String> unregistered = new ArrayList<>(p.unregistered());
            List<String> missing = new ArrayList<>(p.missing());
            List<Blocker> blockers = new ArrayList<>(p.blockers());
            List<String> ofSource = new ArrayList<>();
            Set<String> entries = new HashSet<>();
            p.source().delegateTo().forEach(e -> entries.add(Spn.keyOf(e)));
            for (String spn : p.unregistered()) {
                AdObject holder = held.get(spn);
                if (holder == null) {
                    continue;
                }
                unregistered.remove(spn);
                blockers.remove(Blocker.of(Blocker.TARGET_SPN_NOT_REGISTERED, p.target().name(), null, spn));
                if (p.rbcd() && !snapshot.rbcdAllows(holder, p.source())) {
                    // required of the source whether it holds the entry or not: adding it makes it present
                    ofSource.add(spn);
                    if (!entries.contains(Spn.keyOf(spn))) {
                        missing.add(spn);
                        blockers.add(Blocker.of(Blocker.MISSING_DELEGATION, p.source().name(), p.target().name(), spn));
                    }
                }
            }
            // the file server's grant counts for the pair only where it serves one of the pair's SPNs itself; else the
            // pair is classic delegation, which under policy any needs protocol transition (PROTOCOL_TRANSITION_MISMATCH)
            boolean rbcd = p.rbcd() && !p.required().stream().allMatch(spn -> held.containsKey(spn)
                    && !snapshot.rbcdAllows(held.get(spn), p.source()));
            out.add(new PairStatus(p.cluster(), p.source(), p.target(), p.required(), p.unnamed(), missing,
                    unregistered, rbcd, p.entriesCover(), p.across(), p.fileServer(), blockers,
                    rbcd ? ofSource : List.of()));
        }
        return out;
    }

    /** The enabled {@link #keyedAccount} of {@code fileServer}'s {@code spn}: the account its tickets are issued in. */
    private AdObject serviceAccount(AdObject fileServer, String spn) {
        AdObject only = keyedAccount(fileServer, spn);
        return only != null && !only.disabled() ? only : null;
    }

    /**
     * The account that alone registers {@code spn} (whole) in {@code fileServer}'s domain instead of it, when that is
     * a user or managed service account (gMSA, sMSA), the account a service is keyed on, enabled or not (a disabled one
     * serves nothing: the KDC issues no ticket for a disabled account's services); else null. Another computer holding
     * it is a stale or renamed object (the host's own account is the computer), and two holders are refused by the KDC.
     */
    public AdObject keyedAccount(AdObject fileServer, String spn) {
        String key = Spn.keyOf(spn);
        String whole = Spn.wholeKeyOf(spn, key);
        List<AdObject> holders = spnOwners.getOrDefault(key, List.of()).stream()
                .filter(o -> o != fileServer && registersWhole(o, whole)).toList();
        AdObject only = holders.size() == 1 ? holders.get(0) : null;
        return only != null && sameDirectory(only, fileServer)
                && (!only.isComputer() || snapshot.isManagedServiceAccount(only)) ? only : null;
    }

    /**
     * An SPN of a node or file server ({@code holder}, as it stores it) that {@code others} register too: the
     * KDC cannot tell which key to use, so tickets for it fail. With several directories an other may sit in the domain
     * of a source of a pair into the holder (a shadow): that domain's KDC, which the source asks, finds it in its own
     * domain and never refers the source to the holder's, so the pairs from that domain fail.
     */
    public record Duplicate(AdObject holder, String stored, List<AdObject> others) {
    }

    private void findDuplicates(List<PairStatus> delegation) {
        Map<AdObject, Map<String, Set<String>>> across = requiredAcross(delegation);
        for (AdObject o : nodesAndFileServers()) {
            String[] own = hostSpnKeys.get(o);
            Map<String, Set<String>> into = across.getOrDefault(o, Map.of());
            for (int i = 0; i < own.length; i++) {
                String spn = o.spns().get(i);
                String key = own[i];
                List<AdObject> owners = spnOwners.getOrDefault(key, List.of());
                if (owners.size() < 2) {
                    continue;
                }
                // the owners match without the third part; the KDC and setspn -X compare the whole SPN, and each
                // domain's KDC looks it up in its own domain: HOST/HV01 in two domains is no duplicate, unless a pair
                // into o asks for it from the other domain, whose KDC finds its own holder first
                String whole = Spn.wholeKeyOf(spn);
                List<AdObject> others = owners.stream().filter(x -> x != o && registersWhole(x, whole)
                        && (sameDirectory(x, o) || into.getOrDefault(directoryOf.get(x), Set.of()).contains(whole)))
                        .toList();
                String dupKey = duplicateKey(o, whole);
                if (!others.isEmpty() && !duplicates.containsKey(dupKey)) {
                    duplicates.put(dupKey, rightfulHolder(o, spn, others));
                }
            }
        }
    }

    /**
     * Per node among the parties of {@code duplicates}, the parties that are no node, each with the SPN: what a run
     * records of them and the next compares (CHANGED_SINCE_LAST_RUN: "svc-legacy no longer holds …").
     */
    private Map<AdObject, List<HostState.OtherHolder>> otherHoldersOf(java.util.Collection<Duplicate> duplicates) {
        Map<AdObject, List<HostState.OtherHolder>> out = new IdentityHashMap<>();
        for (Duplicate d : duplicates) {
            List<AdObject> parties = new ArrayList<>(d.others().size() + 1);
            parties.add(d.holder());
            parties.addAll(d.others());
            for (AdObject node : parties) {
                if (!clusterOf.containsKey(node)) {
                    continue;
                }
                for (AdObject other : parties) {
                    if (!clusterOf.containsKey(other) && other.name() != null) {
                        out.computeIfAbsent(node, n -> new ArrayList<>())
                                .add(new HostState.OtherHolder(d.stored(), other.name()));
                    }
                }
            }
        }
        return out;
    }

    private static Set<AdObject> partiesOf(java.util.Collection<Duplicate> duplicates) {
        Set<AdObject> out = new HashSet<>(); // by equals, as d.others().contains(target) is asked below
        for (Duplicate d : duplicates) {
            out.add(d.holder());
            out.addAll(d.others());
        }
        return out;
    }

    /**
     * Per target, the SPN keys the pairs into it from each other directory ask that directory's KDC for: those they
     * require, and for a {@code cifs/X} the target does not register itself, the {@code HOST/X} serving it. Empty with a
     * single directory. Another holder of one in that directory shadows the target for those pairs: on the DC the audit
     * read ({@link #findDuplicates}) or on another of its DCs ({@link DcDivergence#sources}).
     */
    private Map<AdObject, Map<String, Set<String>>> requiredAcross(List<PairStatus> delegation) {
        Map<AdObject, Map<String, Set<String>>> out = new IdentityHashMap<>();
        if (directoryOf.isEmpty()) {
            return out;
        }
        for (PairStatus p : delegation) {
            if (sameDirectory(p.source(), p.target())) {
                continue;
            }
            Set<String> keys = out.computeIfAbsent(p.target(), t -> new HashMap<>())
                    .computeIfAbsent(directoryOf.get(p.source()), d -> new HashSet<>());
            for (String spn : p.required()) {
                String key = Spn.keyOf(spn);
                keys.add(key);
                String alias = Spn.hostAlias(key);
                if (alias != null && !registersWhole(p.target(), key)) {
                    keys.add(alias);
                }
            }
        }
        return out;
    }

    /**
     * The duplicate with the node or file server the SPN names as its holder (HOST/h3 belongs to H3, whichever of
     * the two was met first): the fix takes it off the others.
     */
    private Duplicate rightfulHolder(AdObject first, String stored, List<AdObject> others) {
        if (spnNames(stored, first)) {
            return new Duplicate(first, stored, others);
        }
        for (AdObject o : others) {
            if (hostSpnKeys.containsKey(o) && spnNames(stored, o)) {
                List<AdObject> rest = new ArrayList<>(others.size());
                rest.add(first);
                others.stream().filter(x -> x != o).forEach(rest::add);
                String own = o.spns().stream().filter(x -> Spn.wholeKeyOf(x).equals(Spn.wholeKeyOf(stored)))
                        .findFirst().orElse(stored);
                return new Duplicate(o, own, List.copyOf(rest));
            }
        }
        return new Duplicate(first, stored, others);
    }

    /**
     * Whether {@code o} registers the SPN whose whole normal form ({@link Spn#wholeKeyOf}) is {@code whole}; a node's or
     * file server's SPNs are normalised once ({@link #indexHostSpns}).
     */
    private boolean registersWhole(AdObject o, String whole) {
        String[] wholeKeys = hostWholeKeys.get(o);
        if (wholeKeys != null) {
            for (String w : wholeKeys) {
                if (w.equals(whole)) {
                    return true;
                }
            }
            return false;
        }
        for (String raw : o.spns()) {
            if (Spn.wholeKeyOf(raw).equals(whole)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the SPN names this object itself (its NetBIOS name, which Windows registers the short form under: its
     * sAMAccountName without $; its cn; or its DNS name): the account that runs the service. A node renamed whose cn
     * stayed, or one pre-staged under a long name whose account was cut to 15 characters, registers its short-form SPNs
     * under its sAMAccountName, not its cn.
     */
    public static boolean spnNames(String spn, AdObject o) {
        Spn s = Spn.parse(spn);
        if (s == null) {
            return false;
        }
        String h = s.hostName();
        return h.equals(lower(o.name())) || h.equals(lower(netbiosName(o))) || o.dnsHostName() != null
                && h.equals(lower(DnsNames.withoutTrailingDots(o.dnsHostName())));
    }

    /**
     * The accounts whose keys a migration's tickets use: nodes, file servers and every object the nodes
     * delegate to. An account without AES cannot get the AES-only tickets DCs issue since the 2026 RC4
     * removal (KB5073381): its value is set without an AES bit, USE_DES_KEY_ONLY is on, or its password
     * predates its domain's AES keys (the RID-521 group's whenCreated, as PingCastle's S-AesNotEnabled).
     */
    private void checkEncryption() {
        Set<AdObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (AdObject o : nodesAndFileServers()) {
            if (seen.add(o)) {
                encryptionSubjects.add(o);
            }
        }
        // the service accounts file servers' cifs SPNs are keyed on
        keyedOn.values().forEach(held -> held.values().forEach(a -> {
            if (seen.add(a)) {
                encryptionSubjects.add(a);
            }
        }));
        // entries a pair requires name peers and file servers (above); only the others can name more objects
        for (AdObject n : nodes()) {
            for (String entry : unexpected.getOrDefault(n, List.of())) {
                Spn spn = Spn.parse(entry);
                AdObject target = spn == null ? null : computer(spn.hostName());
                if (target != null && seen.add(target)) {
                    encryptionSubjects.add(target);
                }
            }
        }
        List<AdObject> subjects = encryptionSubjects;
        for (AdObject o : subjects) {
            List<String> rules = new ArrayList<>(0);
            Integer set = o.supportedEncryptionTypes();
            if (EncryptionTypes.withoutAes(set) || Uac.has(o.userAccountControl(), Uac.USE_DES_KEY_ONLY)) {
                rules.add(Blocker.AES_NOT_ENABLED);
            }
            if (o.passwordPredatesAes(aesKeysSince(o))) {
                rules.add(Blocker.AES_KEYS_MISSING);
            }
            if (!rules.isEmpty()) {
                encryption.put(o, List.copyOf(rules));
            }
        }
    }

    private Map<AdObject, HostSettings> hostSettingsOf(AuditInputs in) {
        Map<AdObject, HostSettings> out = new IdentityHashMap<>();
        for (HostSettings h : in.hostSettings()) {
            AdObject node = h.computer() == null ? null : computer(h.computer());
            if (node != null && clusterOf.get(node) != null) {
                out.putIfAbsent(node, h);
            }
        }
        return out;
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
                // the cluster's own name object and its roles' VCOs live in the nodes' OU too, as may a DC or a managed
                // service account (a computer subclass, userAccountControl 0x1000 as a host's): no node
                if (!o.isComputer() || o.isDomainController() || o.isClusterNameObject()
                        || snapshot.isManagedServiceAccount(o)) {
                    continue;
                }
                DN dn = parseDn(o.dn());
                ClusterConfig first = null;
                for (Map.Entry<DN, ClusterConfig> e : ouClusters) {
                    if (dn == null || !dn.isDescendantOf(e.getKey(), false)) {
                        continue;
                    }
                    if (first != null) {
                        // nested (or equal) OUs of two clusters: taking the first would split one cluster's pairs
                        // away unchecked, as for a node listed in one cluster and under another's OU (below)
                        throw new ConfigException("clusters: " + Values.visible(o.name()) + " is a node of both "
                                + first.name() + " (ou " + first.ou() + ") and " + e.getValue().name() + " (ou "
                                + e.getValue().ou() + "); a host belongs to one cluster: remove it from one of them"
                                + " (use policy.migrationGroups for migration between clusters)");
                    }
                    first = e.getValue();
                    ouMembers.get(first).add(o);
                }
            }
        }
        Map<String, AdObject> nodeNames = new HashMap<>();
        Map<AdObject, String> namedIn = new IdentityHashMap<>(); // the cluster that first named each host
        Map<String, DN> baseDns = new HashMap<>(); // each base DN parsed once, not once per configured host
        for (ClusterConfig c : configs) {
            List<AdObject> nodes = new ArrayList<>();
            Set<AdObject> listed = Collections.newSetFromMap(new IdentityHashMap<>());
            List<String> missing = new ArrayList<>();
            DirectoryPart part = directory(c.directory());
            String baseDnText = part != null ? part.baseDn() : snapshot.baseDn();
            DN baseDn = baseDnText == null ? null : baseDns.computeIfAbsent(baseDnText, AuditContext::parseDn);
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
                    AdObject o = underBaseDn(computerIn(name, c.directory()), baseDn, baseDnText);
                    if (o == null) {
                        missing.add(name);
                    } else if (listed.add(o)) {
                        nodes.add(o);
                    }
                }
            }
            List<AdObject> fileServers = new ArrayList<>();
            List<String> missingFs = new ArrayList<>();
            for (String name : c.fileServers()) {
                AdObject o = underBaseDn(computerIn(name, c.directory()), baseDn, baseDnText);
                if (o == null) {
                    missingFs.add(name);
                } else if (nodes.contains(o)) {
                    // names in both lists are refused when the config loads; an OU can only be checked here
                    throw new ConfigException("clusters: " + name + " is a file server and a node of " + c.name()
                            + " (ou " + c.ou() + "); fileServers are the SMB hosts the nodes use, not nodes: remove it"
                            + " from fileServers");
                } else if (!fileServers.contains(o)) {
                    fileServers.add(o);
                }
            }
            ResolvedCluster rc = new ResolvedCluster(c.name(), ouMembers.containsKey(c) ? c.ou() : null, nodes, missing,
                    fileServers, missingFs, c.directory());
            clusters.add(rc);
            for (AdObject n : nodes) {
                ResolvedCluster other = clusterOf.putIfAbsent(n, rc);
                if (other != null) {
                    // names in two node lists are refused when the config loads; an OU can only be checked here (the
                    // directory's values shown as Values.visible: the message reaches logs and mail on one line)
                    throw new ConfigException("clusters: " + Values.visible(n.name()) + " is a node of both "
                            + other.name() + describe(other) + " and " + rc.name() + describe(rc) + "; a host belongs"
                            + " to one cluster: remove it from one of them (use policy.migrationGroups for migration"
                            + " between clusters)");
                }
                uniqueName(nodeNames, namedIn, n, rc.name());
            }
            for (AdObject f : fileServers) {
                uniqueName(nodeNames, namedIn, f, rc.name());
            }
        }
    }

    /**
     * Refuses a second host of {@code h}'s NetBIOS name (two domains may each have an HV01, or a NAS01 as file server):
     * two hosts of one name would share findings, their ids and history. The same object named twice (a file server
     * two clusters use) is one host.
     */
    private void uniqueName(Map<String, AdObject> names, Map<AdObject, String> namedIn, AdObject h, String cluster) {
        namedIn.putIfAbsent(h, cluster);
        AdObject named = names.putIfAbsent(lower(netbiosName(h)), h);
        if (named != null && named != h) {
            String what = clusterOf.containsKey(h) && clusterOf.containsKey(named) ? "nodes" : "hosts";
            throw new ConfigException("clusters: two " + what + " are named " + Values.visible(netbiosName(h)) + ": "
                    + Values.visible(named.dn()) + " (" + namedIn.get(named) + ") and " + Values.visible(h.dn()) + " ("
                    + cluster + "); " + (what.equals("nodes") ? "node" : "host") + " names must be unique across the"
                    + " config (the reports, finding ids, the baseline and the history store name hosts by their"
                    + " NetBIOS name): rename one, or audit the two with a config each");
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
            // by identity: hashing a cluster record would hash every list of every node
            Set<ResolvedCluster> group = Collections.newSetFromMap(new IdentityHashMap<>());
            List<ResolvedCluster> groupOrder = new ArrayList<>();
            group.add(c);
            groupOrder.add(c);
            for (List<String> g : policy.migrationGroups()) {
                if (g.stream().anyMatch(n -> n.equalsIgnoreCase(c.name()))) {
                    for (String n : g) {
                        ResolvedCluster member = byName.get(lower(n));
                        if (group.add(member)) {
                            groupOrder.add(member);
                        }
                    }
                }
            }
            List<AdObject> members = new ArrayList<>();
            for (ResolvedCluster gc : groupOrder) {
                for (AdObject other : gc.nodes()) {
                    if (clusterOf.get(other) == gc) {
                        members.add(other);
                    }
                }
            }
            members.sort((a, b) -> a.name().compareToIgnoreCase(b.name()));
            groupByName.put(c, members);
            // one member set per group, each node's peers a view of it: a set per node held 4,032 entries for one
            // 64-node cluster, and some 20,000 tables at 20,000 hosts
            Set<AdObject> memberSet = Collections.newSetFromMap(new IdentityHashMap<>());
            memberSet.addAll(members);
            for (AdObject node : c.nodes()) {
                if (clusterOf.get(node) == c) {
                    peers.put(node, new PeerSet(node, members, memberSet));
                }
            }
        }
    }

    private List<PairStatus> computePairs() {
        int count = 0;
        for (ResolvedCluster c : clusters) {
            // each source of c pairs with the other members of its group (c's nodes among them) and c's file servers
            int targets = groupByName.get(c).size() - 1 + c.fileServers().size();
            for (AdObject source : c.nodes()) {
                count += clusterOf.get(source) == c ? targets : 0;
            }
        }
        List<PairStatus> out = new ArrayList<>(count); // sized: at 20,000 hosts 363,000 pairs, else grown some 25 times
        Map<AdObject, Target> peerTargets = new IdentityHashMap<>();
        // the same peers as the targets of a node migrating over SMB: cifs required too (smbSources)
        Map<AdObject, Target> smbPeerTargets = new IdentityHashMap<>();
        List<String> smbServices = new ArrayList<>(policy.services());
        smbServices.add(SMB_SERVICE);
        Map<AdObject, Target> fileServerTargets = new IdentityHashMap<>();
        // dropped with this method: at 20,000 hosts some 160,000 strings
        Numbering numbers = new Numbering(nodes.size());
        Marks have = new Marks();
        Marks required = new Marks();
        for (ResolvedCluster c : clusters) {
            // the targets of the cluster's migration group (sorted by name) and of its file servers, looked up once
            // per cluster, not once per pair: a 64-node group has 4,032 pairs and 64 targets
            List<AdObject> group = groupByName.get(c);
            Target[] groupTargets = new Target[group.size()];
            for (int i = 0; i < groupTargets.length; i++) {
                groupTargets[i] = peerTargets.computeIfAbsent(group.get(i), o -> target(o, policy.services(), numbers));
            }
            Target[] smbTargets = null;
            if (!smbSources.isEmpty() && c.nodes().stream().anyMatch(smbSources::contains)) {
                smbTargets = new Target[group.size()];
                for (int i = 0; i < smbTargets.length; i++) {
                    smbTargets[i] = smbPeerTargets.computeIfAbsent(group.get(i), o -> target(o, smbServices, numbers));
                }
            }
            Target[] serverTargets = new Target[c.fileServers().size()];
            for (int i = 0; i < serverTargets.length; i++) {
                serverTargets[i] = fileServerTargets.computeIfAbsent(c.fileServers().get(i), o -> target(o, List.of("cifs"), numbers));
            }
            for (AdObject source : c.nodes()) {
                if (clusterOf.get(source) != c) {
                    continue;
                }
                have.clear();
                int distinct = 0;
                List<String> toDc = null;
                List<String> entries = source.delegateTo();
                for (int i = 0; i < entries.size(); i++) {
                    String d = entries.get(i);
                    int v = numbers.entry(d);
                    distinct += have.add(v >> 1) ? 1 : 0;
                    if ((v & 1) != 0) {
                        (toDc == null ? toDc = new ArrayList<>(1) : toDc).add(d);
                    }
                }
                if (toDc != null) {
                    dcEntries.put(source, toDc);
                }
                int expected = 0;
                Target[] peerTargetsOfSource = smbTargets != null && smbSources.contains(source) ? smbTargets
                        : groupTargets;
                for (Target t : peerTargetsOfSource) {
                    if (t.object() != source) {
                        PairStatus p = pair(c, source, t, have, false);
                        out.add(p);
                        expected += p.present(); // where RBCD covers the pair, only its sourceEntries
                    }
                }
                for (Target t : serverTargets) {
                    PairStatus p = pair(c, source, t, have, true);
                    out.add(p);
                    expected += p.present(); // where RBCD covers the pair, only its sourceEntries
                }
                if (expected < distinct) {
                    unexpected.put(source, unexpectedEntries(source, peerTargetsOfSource, serverTargets, required,
                            numbers));
                }
            }
        }
        return out;
    }

    private void indexPairs() {
        // a source's pairs come one after the other (computePairs; every later step keeps the order): each source's
        // are a view of that run of the pair list, not a list of their own grown pair by pair
        int start = 0;
        for (int i = 0; i < pairs.size(); i++) {
            PairStatus p = pairs.get(i);
            if (i + 1 == pairs.size() || pairs.get(i + 1).source() != p.source()) {
                pairsFrom.put(p.source(), Collections.unmodifiableList(pairs.subList(start, i + 1)));
                start = i + 1;
            }
            pairsTo.computeIfAbsent(p.target(), k -> new ArrayList<>()).add(p);
        }
    }

    /** {@code list} with the blockers {@code more} adds to each pair (the pairs without any are kept as they are). */
    private static List<PairStatus> withBlockers(List<PairStatus> list,
                                                 java.util.function.Function<PairStatus, List<Blocker>> more) {
        List<PairStatus> out = new ArrayList<>(list.size());
        for (PairStatus p : list) {
            out.add(p.with(more.apply(p)));
        }
        return out;
    }

    /**
     * {@code list} with the {@link #snapshotBlockers} of each pair. A source's pairs come one after the other
     * ({@link #computePairs}): its account blockers and protocol transition are looked up once per source, not per pair.
     */
    private List<PairStatus> withSnapshotBlockers(List<PairStatus> list) {
        List<PairStatus> out = new ArrayList<>(list.size());
        AdObject source = null;
        List<Blocker> sourceBlockers = List.of();
        boolean withoutTransition = false;
        for (PairStatus p : list) {
            if (p.source() != source) {
                source = p.source();
                sourceBlockers = accountBlockers(source);
                withoutTransition = withoutProtocolTransition(source);
            }
            out.add(p.with(snapshotBlockers(p, sourceBlockers, withoutTransition)));
        }
        return out;
    }

    /**
     * What else stops the ticket behind a pair, as far as the snapshot tells: a required target SPN held by
     * two objects (the KDC refuses it), no AES on the source's or the target's account ({@code source} the source's),
     * a disabled node, and ({@code --all-dcs}) a DC that has not replicated what the pair needs.
     */
    private List<Blocker> snapshotBlockers(PairStatus p, List<Blocker> source, boolean withoutTransition) {
        // the same for every pair into this target (as peer, or as file server): computed once per target
        List<Blocker> dup = List.of();
        if (!duplicates.isEmpty()) {
            Map<AdObject, List<Blocker>> known = p.fileServer() ? duplicateBlockersFs : duplicateBlockers;
            dup = known.get(p.target());
            if (dup == null) {
                dup = duplicateBlockers(p.target(), p.required(), directoryOf.get(p.target()), List.of());
                known.put(p.target(), dup);
            }
        }
        if (!duplicates.isEmpty() && !sameDirectory(p.source(), p.target())) {
            // a holder in the source's domain: its KDC, which the source asks, finds that one
            List<Blocker> shadowed = duplicateBlockers(p.target(), p.required(), directoryOf.get(p.source()), dup);
            if (!shadowed.isEmpty()) {
                dup = Stream.concat(dup.stream(), shadowed.stream()).toList();
            }
        }
        List<Blocker> target = !keyedOn.isEmpty() && keyedOn.containsKey(p.target()) ? ticketBlockers(p)
                : accountBlockers(p.target());
        List<Blocker> lagging = divergencesByHost.isEmpty() ? List.of() : laggingDcBlockers(p);
        boolean transition = !p.rbcd() && withoutTransition;
        if (dup.isEmpty() && source.isEmpty() && target.isEmpty() && lagging.isEmpty() && !transition) {
            return List.of(); // nearly every pair: nothing allocated
        }
        List<Blocker> out = new ArrayList<>(dup.size() + source.size() + target.size() + lagging.size() + 1);
        if (transition) {
            out.add(Blocker.of(Blocker.PROTOCOL_TRANSITION_MISMATCH, p.source().name(), null, null));
        }
        out.addAll(dup);
        out.addAll(source);
        out.addAll(target);
        out.addAll(lagging);
        return out;
    }

    /**
     * The account blockers of the accounts whose keys the tickets of a pair into a file server use ({@link
     * #ticketAccounts}): a service account's encryption, and the file server's own blockers (its encryption, its
     * ACCOUNT_DISABLED) where it serves an SPN of the pair itself: the KDC issues the others in the service account's
     * keys, whatever the file server's computer account.
     */
    private List<Blocker> ticketBlockers(PairStatus p) {
        List<Blocker> out = new ArrayList<>(0);
        for (AdObject a : ticketAccounts(p)) {
            out.addAll(accountBlockers(a));
        }
        return out;
    }

    /**
     * The DUPLICATE_SPN blockers of the SPNs {@code required} of {@code target} (as the KDC resolves them) that another
     * object registers in the directory {@code in}, whose KDC then finds it; none already in {@code known}.
     */
    private List<Blocker> duplicateBlockers(AdObject target, List<String> required, String in, List<Blocker> known) {
        if (!duplicateParties.contains(target)) {
            return List.of(); // nearly every target: no SPN of its is duplicated, nothing to normalise per SPN
        }
        List<Blocker> found = new ArrayList<>(0);
        Set<Duplicate> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String spn : required) {
            Duplicate d = duplicateResolving(target, spn);
            // target holds it, with another account: whichever the finding names as holder
            if (d != null && (d.holder() == target || d.others().contains(target)) && seen.add(d)
                    && Stream.concat(Stream.of(d.holder()), d.others().stream())
                    .anyMatch(x -> x != target && Objects.equals(directoryOf.get(x), in))) {
                Blocker b = Blocker.of(Blocker.DUPLICATE_SPN, d.holder().name(), null, d.stored());
                if (!known.contains(b)) {
                    found.add(b);
                }
            }
        }
        return found.isEmpty() ? List.of() : found;
    }

    /**
     * Whether {@code node} cannot act for the operator the way policy {@code any} says moves are started: the policy
     * relies on protocol transition, and without TRUSTED_TO_AUTH_FOR_DELEGATION the KDC's S4U2self ticket is not
     * forwardable, so S4U2proxy for classic constrained delegation is refused (MS-SFU 3.2.5.1.2, 3.2.5.2.1; a Samba
     * KDC answers KDC_ERR_BADOPTION). A pair the target's RBCD covers is still served: the KDC accepts a
     * non-forwardable evidence ticket there. PROTOCOL_TRANSITION_MISMATCH reports the same nodes. Unconstrained
     * delegation (TRUSTED_FOR_DELEGATION, a writable DC's default) does not make the ticket forwardable: MS-SFU
     * 3.2.5.1.2 withholds the flag whenever msDS-AllowedToDelegateTo is set without TRUSTED_TO_AUTH_FOR_DELEGATION;
     * only an unconstrained node without entries is left to UNCONSTRAINED_DELEGATION (its pairs miss every entry).
     */
    public boolean withoutProtocolTransition(AdObject node) {
        return withoutProtocolTransition(node, node.userAccountControl());
    }

    /**
     * {@link #withoutProtocolTransition(AdObject)} with {@code uac} as {@code node}'s flags: those a DC that has not
     * replicated them holds ({@link DcDivergence#breaks}).
     */
    boolean withoutProtocolTransition(AdObject node, int uac) {
        return policy.protocolTransition() == ProtocolTransition.ANY && !peersOf(node).isEmpty()
                && !Uac.has(uac, Uac.TRUSTED_TO_AUTH_FOR_DELEGATION)
                && (!Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION) || !node.delegateTo().isEmpty());
    }

    /**
     * The DC_NOT_CONVERGED findings whose difference breaks the pair on a DC that has not replicated (its source's
     * entries or the target's SPNs it requires, either account's flags or encryption types, the object itself); another
     * holder of the target's SPN on a DC of another domain only where the source is of that domain, whose KDC it asks.
     */
    private List<Blocker> laggingDcBlockers(PairStatus p) {
        List<Blocker> out = new ArrayList<>(0);
        List<AdObject> ends = new ArrayList<>(List.of(p.source()));
        // the accounts the KDC issues the ticket in the keys of, as that DC holds them: the target, or, for the cifs SPNs
        // keyed on a service account, that account alone, whose keys, encryption types and RBCD that DC's KDC reads;
        // the file server's own computer account only where the pair needs an SPN not keyed elsewhere (ticketAccounts)
        ticketAccounts(p).stream().filter(a -> !ends.contains(a)).forEach(ends::add);
        for (AdObject end : ends) {
            for (DcDivergence d : divergencesByHost.getOrDefault(end, List.of())) {
                if ((d.sources() == null || d.sources().equals(directoryOf.get(p.source()))) && d.breaks(p, this)) {
                    out.add(d.blocker(null));
                }
            }
        }
        return out;
    }

    /**
     * {@code list} with the blocker of each divergence that blocks pairs of several clusters, none of them its host's
     * own ({@link #ownCluster}), made that of the finding of each pair's cluster ({@link DcDivergence#blocker(String)}):
     * a lag on a target's RBCD that allows the nodes of two other clusters is a finding of each, the verdict of each
     * NO-GO for its own. A divergence blocking pairs of the host's own cluster stays one finding of that cluster, as the
     * host's own AES finding is; one blocking one cluster's pairs only, that cluster's.
     */
    private List<PairStatus> perClusterDcBlockers(List<PairStatus> list) {
        if (dcDivergences.isEmpty()) {
            return list;
        }
        Map<Blocker, DcDivergence> byBlocker = new HashMap<>();
        dcDivergences.forEach(d -> byBlocker.put(d.blocker(null), d));
        Map<DcDivergence, Set<String>> clusters = new IdentityHashMap<>();
        for (PairStatus p : list) {
            for (Blocker b : p.blockers()) {
                DcDivergence d = byBlocker.get(b);
                if (d != null) {
                    clusters.computeIfAbsent(d, k -> new java.util.LinkedHashSet<>()).add(p.cluster());
                }
            }
        }
        clusters.forEach((d, blocked) -> {
            if (blocked.size() > 1 && !blocked.contains(ownCluster(d.host()))) {
                perCluster.add(d);
            }
        });
        if (perCluster.isEmpty()) {
            return list;
        }
        List<PairStatus> out = new ArrayList<>(list.size());
        for (PairStatus p : list) {
            if (p.blockers().stream().noneMatch(b -> perCluster.contains(byBlocker.get(b)))) {
                out.add(p);
                continue;
            }
            List<Blocker> blockers = p.blockers().stream().map(b -> {
                DcDivergence d = byBlocker.get(b);
                return d != null && perCluster.contains(d) ? d.blocker(p.cluster()) : b;
            }).toList();
            out.add(p.withBlockers(blockers));
        }
        return out;
    }

    /**
     * Whether DC_NOT_CONVERGED reports {@code d} once per cluster whose pairs it blocks, each finding with its own pairs
     * ({@link DcDivergence#blocker(String)}): it blocks pairs of several clusters, none of them its host's own.
     */
    public boolean reportedPerCluster(DcDivergence d) {
        return perCluster.contains(d);
    }

    /** The divergences of the DCs read besides the audited one ({@code --all-dcs}); empty without. */
    private List<DcDivergence> divergences(List<PairStatus> delegation) {
        boolean others = snapshot.directories().stream().anyMatch(part -> part.domainControllers().stream()
                .anyMatch(dc -> !dc.audited() && dc.reachable()));
        if (!others) {
            return List.of();
        }
        Map<String, AdObject> checked = new HashMap<>();
        for (ResolvedCluster c : clusters) {
            for (List<AdObject> group : List.of(c.nodes(), c.fileServers())) {
                for (AdObject o : group) {
                    if (o.dn() != null) {
                        // a DN, not a name: keyed in lower case as DcDivergence looks the DCs' copies up
                        checked.putIfAbsent(o.dn().toLowerCase(Locale.ROOT), o);
                    }
                }
            }
        }
        // the accounts the file servers' cifs SPNs are keyed on: each DC's KDC issues those tickets in its keys as that
        // DC holds it (the directory reads every DC's copy, DirectoriesCollector#withServiceAccounts)
        keyedOn.values().forEach(held -> held.values().forEach(a -> {
            if (a.dn() != null) {
                checked.putIfAbsent(a.dn().toLowerCase(Locale.ROOT), a);
            }
        }));
        // the SPN keys the pairs into each host ask for: another holder of a cifs/X it serves only through its HOST/X
        // matters where a pair needs that cifs/X
        Map<AdObject, Set<String>> requiredInto = new IdentityHashMap<>();
        // the SPNs the pairs into each host ask for that it does not register on the audited DC: who holds them on each
        // other DC (registered there and not replicated yet, or held by another account on one DC only)
        Map<AdObject, Set<String>> unregisteredInto = new IdentityHashMap<>();
        for (PairStatus p : delegation) {
            Set<String> keys = requiredInto.computeIfAbsent(p.target(), t -> new HashSet<>());
            p.required().forEach(spn -> keys.add(Spn.keyOf(spn)));
            if (!p.unregistered().isEmpty() && sameDirectory(p.source(), p.target())) {
                unregisteredInto.computeIfAbsent(p.target(), t -> new java.util.LinkedHashSet<>())
                        .addAll(p.unregistered());
            }
        }
        return DcDivergence.of(snapshot, checked, requiredInto, requiredAcross(delegation), unregisteredInto).stream()
                .filter(d -> !toldByKeyedAccount(d)).toList();
    }

    /**
     * A {@link DcDivergence#HOLDER} that the comparison of the account a file server's cifs SPNs are keyed on tells
     * already: another holder on that DC of the file server's SPNs all keyed on that account (told as that account's
     * other holder, or as its lacking them there), or of that account's SPNs where the DC does not hold them on the
     * account at all (told as its servicePrincipalName lacking them, naming who holds them there).
     */
    private boolean toldByKeyedAccount(DcDivergence d) {
        if (!d.attribute().equals(DcDivergence.HOLDER) || d.sources() != null || keyedOn.isEmpty()) {
            return false;
        }
        Map<String, AdObject> held = keyedOn.get(d.host());
        if (held != null) {
            Set<String> keyed = new HashSet<>();
            held.keySet().forEach(spn -> keyed.add(Spn.keyOf(spn)));
            return d.here().stream().allMatch(spn -> keyed.contains(Spn.keyOf(spn)));
        }
        boolean account = keyedOn.values().stream().anyMatch(h -> h.containsValue(d.host()));
        AdObject there = d.dc().objects().stream().filter(o -> d.host().dn().equalsIgnoreCase(o.dn())).findFirst()
                .orElse(null);
        Set<String> theirs = there == null ? Set.of() : DcDivergence.keys("servicePrincipalName", there.spns());
        return account && d.here().stream().noneMatch(spn -> theirs.contains(Spn.wholeKeyOf(spn)));
    }

    /** Where the DCs read besides the audited one ({@code --all-dcs}) differ from it, in DC and host order. */
    public List<DcDivergence> dcDivergences() {
        return dcDivergences;
    }

    /**
     * The duplicated SPN of {@code target} the KDC resolves {@code required} to, or null: the SPN itself, or for a
     * {@code cifs/X} that the target does not register, its {@code HOST/X}, through which AD's default sPNMappings
     * serve it. Two holders of that {@code HOST/X} make {@code cifs/X} resolve to two accounts as well.
     */
    private Duplicate duplicateResolving(AdObject target, String required) {
        String key = Spn.keyOf(required);
        Duplicate d = duplicates.get(duplicateKey(target, key));
        String alias = Spn.hostAlias(key);
        // registered whole, as the KDC looks it up: a cifs/X/domain of its own does not answer cifs/X (target())
        if (d != null || alias == null || registersWhole(target, key)) {
            return d;
        }
        return duplicates.get(duplicateKey(target, alias));
    }

    /** The key of {@link #duplicates}: the whole SPN, after its holder's directory when there are several. */
    private String duplicateKey(AdObject holder, String whole) {
        String directory = directoryOf.get(holder);
        return directory == null ? whole : directory + '\u0000' + whole;
    }

    /** Whether two objects were read from one directory (domain); always with a single directory. */
    public boolean sameDirectory(AdObject a, AdObject b) {
        return directoryOf.isEmpty() || Objects.equals(directoryOf.get(a), directoryOf.get(b));
    }

    /**
     * Whether {@code account} with the flags {@code uac} gets no ticket for being disabled (ACCOUNT_DISABLED): a node or
     * file server, whichever DC holds the flag ({@link DcDivergence#breaks} for another DC's).
     */
    boolean disabledBlocks(AdObject account, int uac) {
        return Uac.has(uac, Uac.ACCOUNTDISABLE) && clusterOfHost(account) != null;
    }

    /**
     * The blockers of an account, the same in each of its pairs; empty for most: no AES, and a disabled node's or
     * file server's account (ACCOUNT_DISABLED is a finding of both), for which no Kerberos ticket is issued.
     */
    private List<Blocker> accountBlockers(AdObject account) {
        List<String> rules = encryption.isEmpty() ? null : encryption.get(account);
        // an expired node (accountExpires passed) gets no TGT either: ACCOUNT_DISABLED says which of the two. A file
        // server is only a target, and the KDC still issues tickets for an expired account's services (seen on Samba)
        boolean disabled = disabledBlocks(account, account.userAccountControl())
                || account.expiredAt(snapshot.takenAt()) && clusterOf.get(account) != null;
        if (rules == null && !disabled) {
            return List.of();
        }
        return accountBlockers.computeIfAbsent(account, a -> {
            List<Blocker> out = new ArrayList<>(2);
            if (disabled) {
                out.add(Blocker.of(Blocker.ACCOUNT_DISABLED, a.name(), null, null));
            }
            for (String rule : rules == null ? List.<String>of() : rules) {
                out.add(Blocker.of(rule, a.name(), null, null));
            }
            return List.copyOf(out);
        });
    }

    /** Whether an SMB node's pairs require cifs beyond the policy: policy.services leaves cifs out. */
    private boolean smbAddsCifs() {
        return policy.services().stream().noneMatch(SMB_SERVICE::equalsIgnoreCase);
    }

    /**
     * The nodes of {@code settings} that migrate over SMB, where policy.services leaves cifs out: those whose pairs
     * require {@code cifs/<peer>} beyond the policy (each form of policy.nameForms), checked as the policy's services'
     * SPNs are (MISSING_DELEGATION, TARGET_SPN_NOT_REGISTERED, DUPLICATE_SPN, DC_NOT_CONVERGED). With SMB the source
     * sends the memory to the destination's SMB server, which it reaches with delegated credentials to cifs. Pairs
     * into a file server require cifs already.
     */
    private Set<AdObject> smbSourcesOf(Map<AdObject, HostSettings> settings) {
        Set<AdObject> out = Collections.newSetFromMap(new IdentityHashMap<>());
        if (smbAddsCifs()) {
            settings.forEach((node, h) -> {
                if (h.performance() == HostSettings.MigrationPerformance.SMB) {
                    out.add(node);
                }
            });
        }
        return out;
    }

    /**
     * Why {@code spn} of pair {@code p} matters although policy.services leaves cifs out: the source's Get-VMHost
     * export says it migrates over SMB ({@link #smbSourcesOf}), and {@code spn} is a {@code cifs/<peer>} the pair
     * requires for it, or the {@code HOST/<peer>} through which the peer serves that cifs; null for every other SPN
     * and pair.
     */
    public String smbReason(PairStatus p, String spn) {
        Spn parsed = Spn.parse(spn);
        HostSettings h = hostSettings.get(p.source());
        if (p.fileServer() || parsed == null || !smbSources.contains(p.source()) || h == null) {
            return null;
        }
        String key = Spn.keyOf(spn);
        String cifs = parsed.service().equalsIgnoreCase(SMB_SERVICE) ? key
                : parsed.service().equalsIgnoreCase("HOST") ? SMB_SERVICE + key.substring(key.indexOf('/')) : null;
        if (cifs == null || p.required().stream().noneMatch(r -> Spn.keyOf(r).equals(cifs))) {
            return null;
        }
        String written = h.performanceOption().strip();
        return p.source().name() + " migrates over SMB (VirtualMachineMigrationPerformanceOption SMB in its Get-VMHost"
                + " export " + h.origin() + (written.equalsIgnoreCase("SMB") ? "" : ", written as " + written) + ")";
    }

    /**
     * A host's Get-VMHost settings block its pairs both ways: CredSSP (constrained delegation applies to Kerberos
     * only), and live migration disabled (the host neither sends nor receives one).
     */
    private List<Blocker> hostBlockers(PairStatus p) {
        List<Blocker> out = new ArrayList<>(0);
        for (AdObject host : List.of(p.source(), p.target())) {
            HostSettings h = hostSettings.get(host);
            if (h == null) {
                continue;
            }
            if (Boolean.FALSE.equals(h.migrationEnabled())) {
                out.add(Blocker.of(Blocker.MIGRATION_DISABLED, host.name(), null, null));
            }
            if (h.authenticationType() == HostSettings.MigrationAuthentication.CREDSSP) {
                out.add(Blocker.of(Blocker.MIGRATION_AUTH_NOT_KERBEROS, host.name(), null, null));
            }
        }
        return out;
    }

    /** The source's entries (as stored) that no pair requires; {@code required} is reused from source to source. */
    private List<String> unexpectedEntries(AdObject source, Target[] groupTargets, Target[] serverTargets,
                                           Marks required, Numbering numbers) {
        required.clear();
        for (Target t : groupTargets) {
            if (t.object() != source) {
                for (int id : t.keyIds()) {
                    required.add(id);
                }
            }
        }
        for (Target t : serverTargets) {
            for (int id : t.keyIds()) {
                required.add(id);
            }
        }
        List<String> out = new ArrayList<>();
        for (String raw : source.delegateTo()) {
            if (!required.has(numbers.keyId(raw))) {
                out.add(raw);
            }
        }
        return out;
    }

    /**
     * A set of normal forms by number, emptied in constant time: one mark per number, set to the current round.
     * The pairs of 20,000 hosts look up 1.5 million entries; a hash set per source cost a node per entry.
     */
    private static final class Marks {
        private int[] round = new int[1024];
        private int current = 1;

        void clear() {
            current++;
        }

        /** Adds {@code id}; false if it was already in. */
        boolean add(int id) {
            if (id >= round.length) {
                round = java.util.Arrays.copyOf(round, Math.max(id + 1, round.length * 2));
            }
            if (round[id] == current) {
                return false;
            }
            round[id] = current;
            return true;
        }

        boolean has(int id) {
            return id < round.length && round[id] == current;
        }
    }

    /** What every source must delegate to for one target, computed once per target, not once per pair. */
    private record Target(AdObject object, List<String> required, int unnamed, int[] keyIds,
                          List<String> unregistered) {
    }

    private Target target(AdObject target, List<String> services, Numbering numbers) {
        List<String> required = requiredSpns(target, services);
        int[] ids = new int[required.size()];
        List<String> unregistered = new ArrayList<>(0);
        for (int i = 0; i < ids.length; i++) {
            String spn = required.get(i);
            String key = Spn.keyOf(spn);
            ids[i] = numbers.normalId(key);
            // registered whole: the KDC looks up the two-part SPN a source asks for, and a registration with a third
            // part (HOST/x/contoso.com) is another SPN that does not answer it, as for duplicates (every target is a
            // node or a file server: its SPNs normalised once)
            if (registersWhole(target, key)) {
                continue;
            }
            // cifs/X is served by HOST/X through AD's default sPNMappings.
            String alias = Spn.hostAlias(key);
            if (alias != null && registersWhole(target, alias)) {
                viaAlias.computeIfAbsent(target, t -> new ArrayList<>(2)).add(new AliasServed(spn, key));
                aliasKeys.add(key);
            } else {
                unregistered.add(spn);
            }
        }
        // the FQDN form the policy asks for, of a target without a name in it: counted, never named
        int unnamed = fqdnUnnamed(target) ? services.size() : 0;
        return new Target(target, List.copyOf(required), unnamed, ids, List.copyOf(unregistered));
    }

    private PairStatus pair(ResolvedCluster c, AdObject source, Target t, Marks have, boolean fileServer) {
        boolean rbcd = snapshot.rbcdAllows(t.object(), source); // its SID, or a group of it
        // classic constrained delegation does not cross a domain boundary: entries on the source do not count
        boolean across = crossDirectory(source, t.object());
        List<String> lacks = List.of(); // the entries the source lacks, read whatever else covers the pair
        if (!across) {
            for (int i = 0; i < t.keyIds().length; i++) {
                if (!have.has(t.keyIds()[i])) {
                    if (lacks.isEmpty()) {
                        lacks = new ArrayList<>();
                    }
                    lacks.add(t.required().get(i));
                }
            }
        }
        boolean entriesCover = !across && lacks.isEmpty();
        boolean crossDomain = !rbcd && across;
        // across domains no entry would help: nothing is missing that adding would fix (CROSS_DOMAIN_NEEDS_RBCD says
        // what does)
        List<String> missing = rbcd || across ? List.of() : lacks;
        // no form of the target's name makes a delegation entry (its name and dNSHostName are not host names):
        // nothing can be checked or added, so the pair is blocked until the name is fixed (DNS_HOST_NAME_INVALID)
        boolean nameless = t.required().isEmpty();
        // the FQDN form the policy asks for has no name (no dNSHostName, no single FQDN in the target's SPNs): its
        // entries cannot be checked, so the pair is not OK until the target has one (DNS_HOST_NAME_MISSING); RBCD
        // allows the source whatever name it asks for, and across domains RBCD is the only fix anyway
        boolean unnamed = t.unnamed() > 0 && !rbcd && !across && !nameless;
        if (!crossDomain && !nameless && !unnamed && missing.isEmpty() && t.unregistered().isEmpty()) {
            return new PairStatus(c.name(), source, t.object(), t.required(), t.unnamed(), missing, t.unregistered(),
                    rbcd, entriesCover, across, fileServer, List.of(), List.of());
        }
        List<Blocker> blockers = new ArrayList<>(missing.size() + t.unregistered().size() + 1);
        if (nameless) {
            blockers.add(Blocker.of(Blocker.DNS_HOST_NAME_INVALID, t.object().name(), null, null));
        }
        if (unnamed) {
            // an invalid dNSHostName names no FQDN either: its own finding blocks, as a missing one's does
            blockers.add(Blocker.of(hasDnsHostName(t.object()) ? Blocker.DNS_HOST_NAME_INVALID
                    : Blocker.DNS_HOST_NAME_MISSING, t.object().name(), null, null));
        }
        if (crossDomain) {
            blockers.add(Blocker.of(Blocker.CROSS_DOMAIN_NEEDS_RBCD, source.name(), t.object().name(), null));
        } else {
            for (String spn : missing) {
                blockers.add(Blocker.of(Blocker.MISSING_DELEGATION, source.name(), t.object().name(), spn));
            }
        }
        for (String spn : t.unregistered()) {
            blockers.add(Blocker.of(Blocker.TARGET_SPN_NOT_REGISTERED, t.object().name(), null, spn));
        }
        return new PairStatus(c.name(), source, t.object(), t.required(), t.unnamed(), missing, t.unregistered(), rbcd,
                entriesCover, across, fileServer, blockers, List.of());
    }

    /**
     * Numbers the normal forms of delegation values and required SPNs while the pairs are computed: the same few
     * values recur in every peer's list, so each is normalised once. Two maps: the values as stored, each to its
     * normal form's number and whether the string itself names a domain controller's service or krbtgt ({@link
     * #namesDomainControllerOrKrbtgt}: {@code number << 1}, plus 1 when it does), so the pairs' pass over every entry
     * also finds those; and the normal forms to their numbers. Kept apart, a stored value is found in its own map by
     * the instance itself (the collector keeps one String per distinct value, its hash computed once): in one map, a
     * stored value already in normal form (lower case) found the equal normal form put there by a target, and was
     * compared with it character by character at each of its entries.
     */
    private final class Numbering {
        private final Map<String, Integer> stored;
        private final Map<String, Integer> normal;

        /** Sized for about 4 values per node (2 services in 2 name forms) in each map: not rehashed. */
        Numbering(int nodes) {
            stored = new HashMap<>(nodes * 4 * 4 / 3 + 1);
            normal = new HashMap<>(nodes * 4 * 4 / 3 + 1);
        }

        /** The number of the normal form of a delegation value (as stored). */
        int keyId(String raw) {
            return entry(raw) >> 1;
        }

        /** A delegation value as stored: its normal form's number, and whether it names a DC or krbtgt. */
        int entry(String raw) {
            Integer v = stored.get(raw);
            if (v == null) {
                v = normalId(Spn.keyOf(raw)) << 1 | (namesDomainControllerOrKrbtgt(raw) ? 1 : 0);
                stored.put(raw, v);
            }
            return v;
        }

        /** The number of a normal form ({@link Spn#keyOf}): a required SPN's is built normalised, once per target. */
        int normalId(String key) {
            Integer v = normal.get(key);
            if (v == null) {
                v = normal.size();
                normal.put(key, v);
            }
            return v;
        }
    }

    /**
     * The SPNs a source must delegate to for {@code target}: each service in each configured name form known.
     * A dNSHostName that is not a DNS name gives no FQDN form (DNS_HOST_NAME_INVALID says so); without a dNSHostName,
     * the FQDN the target's own SPNs name is the form ({@link #fqdnOf}), and without one the form is counted but not
     * named ({@link PairStatus#unnamed}).
     */
    public List<String> requiredSpns(AdObject target, List<String> services) {
        List<String> out = new ArrayList<>();
        String fqdn = policy.fqdnForm() ? fqdnOf(target) : null;
        boolean netbios = policy.netbiosForm() && hasValidName(target);
        for (String service : services) {
            if (netbios) {
                out.add(service + "/" + netbiosName(target));
            }
            if (fqdn != null) {
                out.add(service + "/" + fqdn);
            }
        }
        return out;
    }

    /** A computer by NetBIOS name (sAMAccountName without $, else cn) or DNS name; null if none. */
    @Override
    public AdObject computer(String name) {
        // HV01, HV01$ (sAMAccountName) or hv01.contoso.com
        String key = nameKey(name);
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
        return names == null ? null : names.get(nameKey(name));
    }

    /** The directory (domain) {@code o} was read from; null with a single directory or for an unknown object. */
    public String directoryOf(AdObject o) {
        return o == null ? null : directoryOf.get(o);
    }

    /**
     * When the domain {@code o} was read from gained AES keys (the whenCreated of its RID-521 group): with several
     * directories that directory's own date, each domain has its own; with one the snapshot's. Null when not known.
     */
    public Instant aesKeysSince(AdObject o) {
        if (directoryOf.isEmpty()) {
            return snapshot.aesKeysSince();
        }
        DirectoryPart p = directory(directoryOf(o));
        return p == null ? null : p.aesKeysSince();
    }

    /** The base DN {@code c}'s computers were read under: its own directory's. */
    public String baseDnOf(ResolvedCluster c) {
        DirectoryPart own = directory(c.directory());
        return own != null ? own.baseDn() : snapshot.baseDn();
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
        if (directoryOf.isEmpty()) {
            return false; // one directory: no identity hash of either object (once or twice per pair)
        }
        String da = directoryOf(a);
        String db = directoryOf(b);
        return da != null && db != null && !da.equals(db);
    }

    /** Whether a pair crosses a domain boundary, where only resource-based delegation works. */
    public boolean crossDirectory(PairStatus p) {
        return crossDirectory(p.source(), p.target());
    }

    /** Whether {@code spn} is of a service the policy requires, or HOST (which serves cifs through sPNMappings). */
    @Override
    public boolean migrationSpn(String spn) {
        Spn parsed = Spn.parse(spn);
        return parsed != null && (parsed.service().equalsIgnoreCase("HOST")
                || policy.services().stream().anyMatch(parsed.service()::equalsIgnoreCase));
    }

    /** The accounts that are no node and register an SPN of {@code node} too (DUPLICATE_SPN); empty for nearly all. */
    @Override
    public List<HostState.OtherHolder> otherHolders(AdObject node) {
        return otherHolders.getOrDefault(node, List.of());
    }

    /** {@code node}'s live-migration settings as the host-settings export gives them; empty where it gives none. */
    @Override
    public Map<String, String> migrationSettings(AdObject node) {
        HostSettings h = hostSettings.get(node);
        return h == null ? Map.of() : h.recorded();
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

    /**
     * Whether no account holds {@code sid}, which {@code target}'s resource-based delegation names: a SID of
     * {@code target}'s own domain (its objectSid but the last part) that is no object of the sweep, no principal read
     * after it and no grant to every account. The collector looks each such SID up in the whole domain, where a search
     * returns no deleted object: the account was deleted. A computer object deleted and created again under its name
     * (a node rebuilt) is another account, with another SID, which the grant does not reach.
     */
    public boolean deletedAccount(AdObject target, String sid) {
        String own = target.objectSid();
        int domain = own == null ? -1 : own.lastIndexOf('-');
        return domain > 0 && sid != null && sid.length() > domain + 1 && sid.regionMatches(true, 0, own, 0, domain + 1)
                && sid.indexOf('-', domain + 1) < 0 && AnyAccount.name(sid) == null && bySid(sid) == null
                && !snapshot.rbcdPrincipals().containsKey(sid);
    }

    /**
     * An RBCD descriptor's SID with what it names, {@code S-1-5-… (HV01)}: the object of the sweep's name, else the
     * principal read after the sweep as {@code named} puts it (a group with its members), else the name of a SID that
     * holds every account ({@code S-1-1-0 (Everyone)}), else {@code unknown} in brackets, or the SID alone when null.
     */
    public String sidWithName(String sid, java.util.function.Function<RbcdPrincipal, String> named, String unknown) {
        AdObject who = bySid(sid);
        RbcdPrincipal p = who == null ? snapshot.rbcdPrincipals().get(sid) : null;
        String name = who != null ? who.name() : p != null ? named.apply(p) : AnyAccount.name(sid) != null
                ? AnyAccount.name(sid) : unknown;
        return name == null ? sid : sid + " (" + name + ")";
    }

    /** The same, the SID alone where the audit knows no name for it. */
    public String sidWithName(String sid, java.util.function.Function<RbcdPrincipal, String> named) {
        return sidWithName(sid, named, null);
    }

    /** A principal read after the sweep by its name alone ({@code S-1-5-… (HVHosts)}): how drift names a grant. */
    @Override
    public String sidWithName(String sid) {
        return sidWithName(sid, RbcdPrincipal::displayName);
    }

    /** Objects registering {@code spn}; answers for node SPNs, required target SPNs and unexpected entries (see indexSpnOwners). */
    public List<AdObject> spnOwners(String spn) {
        return spnOwners.getOrDefault(Spn.keyOf(spn), List.of());
    }

    /**
     * The object the KDC resolves a node's unexpected delegation entry to, or null: the first owner of the SPN, else,
     * for {@code cifs/X}, of {@code HOST/X} (sPNMappings).
     */
    public AdObject entryOwner(String entry) {
        String key = Spn.keyOf(entry);
        List<AdObject> owners = spnOwners.getOrDefault(key, List.of());
        String alias = Spn.hostAlias(key);
        if (owners.isEmpty() && alias != null) {
            owners = spnOwners.getOrDefault(alias, List.of());
        }
        return owners.isEmpty() ? null : owners.get(0);
    }

    /**
     * {@link #entryOwner} among the objects of directory {@code directory} only: the KDC of the domain whose object
     * holds a classic delegation entry looks it up there, and classic delegation does not cross the domain boundary.
     * With one directory (or none named), {@link #entryOwner}.
     */
    public AdObject entryOwnerIn(String entry, String directory) {
        if (directoryOf.isEmpty() || directory == null) {
            return entryOwner(entry);
        }
        String key = Spn.keyOf(entry);
        AdObject owner = firstIn(spnOwners.getOrDefault(key, List.of()), directory);
        String alias = Spn.hostAlias(key);
        return owner == null && alias != null ? firstIn(spnOwners.getOrDefault(alias, List.of()), directory) : owner;
    }

    private AdObject firstIn(List<AdObject> owners, String directory) {
        for (AdObject o : owners) {
            if (directory.equals(directoryOf.get(o))) {
                return o;
            }
        }
        return null;
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

    @Override
    public String missingNodeCluster(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        for (ResolvedCluster c : clusters) {
            for (String m : c.missingNodes()) {
                // configured by its NetBIOS or its DNS name, the run before naming it by its NetBIOS name
                String configured = m.toLowerCase(java.util.Locale.ROOT);
                if (configured.equals(n) || configured.startsWith(n + ".")) {
                    return c.name();
                }
            }
        }
        return null;
    }

    /**
     * SPNs of nodes and file servers that other objects of their domain register too, by whole SPN ({@link
     * Spn#wholeKeyOf}; after the directory's name and a NUL with several directories), in node order.
     */
    public Map<String, Duplicate> duplicates() {
        return Collections.unmodifiableMap(duplicates);
    }

    /**
     * Per configured file server, its cifs SPNs that one service account (a user, gMSA or sMSA) registers instead of
     * it, and that account: the KDC issues their tickets in its keys. Empty for most.
     */
    public Map<AdObject, Map<String, AdObject>> serviceAccounts() {
        return Collections.unmodifiableMap(keyedOn);
    }

    /**
     * The SPNs pair {@code p} requires in its source's msDS-AllowedToDelegateTo, whether it holds them or not: none
     * across domains, where no entry serves it (CROSS_DOMAIN_NEEDS_RBCD); where RBCD on the target covers it, only the
     * file server's cifs SPNs a service account registers ({@link #serviceAccounts}) whose own RBCD does not allow the
     * source (those MISSING_DELEGATION asks for); else every one it {@link PairStatus#required() requires}.
     */
    public List<String> entriesRequired(PairStatus p) {
        return p.across() ? List.of() : p.rbcd() ? p.sourceEntries() : p.required();
    }

    /**
     * The accounts in whose keys the KDC issues the tickets for the SPNs pair {@code p} requires: its target, or for a
     * file server's cifs SPN a service account registers instead ({@link #serviceAccounts}), that account.
     */
    public List<AdObject> ticketAccounts(PairStatus p) {
        Map<String, AdObject> held = keyedOn.get(p.target());
        if (held == null) {
            return List.of(p.target());
        }
        List<AdObject> out = new ArrayList<>(2);
        for (String spn : p.required()) {
            AdObject a = held.getOrDefault(spn, p.target());
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /**
     * The pairs whose target tickets {@code account}'s keys encrypt: those into it but for the SPNs a service account
     * serves, and those into the file servers whose cifs SPNs it serves.
     */
    public List<PairStatus> pairsKeyedOn(AdObject account) {
        if (keyedOn.isEmpty()) {
            return pairsTo(account);
        }
        List<PairStatus> out = new ArrayList<>();
        for (PairStatus p : pairsTo(account)) {
            if (ticketAccounts(p).contains(account)) {
                out.add(p);
            }
        }
        keyedOn.forEach((fs, held) -> {
            if (fs != account && held.containsValue(account)) {
                pairsTo(fs).stream().filter(p -> ticketAccounts(p).contains(account)).forEach(out::add);
            }
        });
        return out;
    }

    /** The encryption rules (AES_NOT_ENABLED, AES_KEYS_MISSING) an account fails; empty for most. */
    public List<String> encryptionProblems(AdObject account) {
        return encryption.getOrDefault(account, List.of());
    }

    /** Nodes, file servers and delegation targets, each once: the accounts whose encryption is checked. */
    public List<AdObject> encryptionSubjects() {
        return Collections.unmodifiableList(encryptionSubjects);
    }

    /**
     * The account names the commands name the resolved computers by where it is not their cn with {@code $}, by cn:
     * only the objects the audit resolved, nodes first, then file servers and delegation targets ({@link
     * #encryptionSubjects}). A cn is unique only in its container: another computer called HV04 elsewhere (any user
     * may create computer accounts) must not lend its account to the node, a file server or a target.
     */
    public Map<String, String> accounts() {
        Map<String, String> accounts = new java.util.LinkedHashMap<>();
        List<AdObject> resolved = new ArrayList<>(nodesAndFileServers());
        resolved.addAll(encryptionSubjects);
        for (AdObject o : resolved) {
            if (o.isComputer() && org.kcdauditor.remedy.Commands.accountDiffers(o.name(), o.samAccountName())) {
                accounts.putIfAbsent(o.name(), o.samAccountName());
            }
        }
        return accounts;
    }

    /** A node's Get-VMHost settings, or null when no export covers it. */
    public HostSettings hostSettings(AdObject node) {
        return hostSettings.get(node);
    }

    /**
     * The nodes of {@code cluster} whose host settings were not checked although {@code hostSettings.sources} is
     * configured: no export covers them. Empty without sources (then nothing was checked at all).
     */
    public List<AdObject> hostSettingsUnchecked(ResolvedCluster cluster) {
        if (!inputs.hostSettingsConfigured()) {
            return List.of();
        }
        return cluster.nodes().stream().filter(n -> clusterOf.get(n) == cluster && !hostSettings.containsKey(n))
                .toList();
    }

    /**
     * The nodes of {@code cluster} whose migration authentication type no export gives ({@link #hostSettingsUnchecked}
     * and {@link #hostAuthenticationUnknown}; every node where no {@code hostSettings.sources} is configured), in node
     * order: their pairs are not blocked by MIGRATION_AUTH_NOT_KERBEROS, but whether they migrate with Kerberos is not
     * known (findings.json {@code clusters[].migrationAuthenticationUnchecked}).
     */
    public List<AdObject> migrationAuthenticationUnchecked(ResolvedCluster cluster) {
        if (!inputs.hostSettingsConfigured()) {
            return cluster.nodes().stream().filter(n -> clusterOf.get(n) == cluster).toList();
        }
        Set<AdObject> unchecked = Collections.newSetFromMap(new IdentityHashMap<>());
        unchecked.addAll(hostSettingsUnchecked(cluster));
        unchecked.addAll(hostAuthenticationUnknown(cluster));
        return cluster.nodes().stream().filter(unchecked::contains).toList();
    }

    /**
     * The nodes of {@code cluster} an export covers without a readable {@code VirtualMachineMigrationAuthenticationType}
     * (empty, or neither Kerberos nor CredSSP): whether they migrate with Kerberos is not known either.
     */
    public List<AdObject> hostAuthenticationUnknown(ResolvedCluster cluster) {
        return cluster.nodes().stream().filter(n -> clusterOf.get(n) == cluster && hostSettings.containsKey(n)
                && hostSettings.get(n).authenticationType() == HostSettings.MigrationAuthentication.UNKNOWN).toList();
    }

    /**
     * The name of the cluster a finding about {@code o} itself is charged to: that of the node or file server ({@link
     * #clusterOfHost}), else, for the service account a file server's cifs SPNs are keyed on, the first cluster with
     * such a file server; null for none.
     */
    public String ownCluster(AdObject o) {
        ResolvedCluster c = clusterOfHost(o);
        if (c != null) {
            return c.name();
        }
        for (ResolvedCluster rc : clusters) {
            for (AdObject fs : rc.fileServers()) {
                if (serviceAccounts().getOrDefault(fs, Map.of()).containsValue(o)) {
                    return rc.name();
                }
            }
        }
        return null;
    }

    /** The cluster a node or file server belongs to (a file server: the first cluster that lists it), or null. */
    public ResolvedCluster clusterOfHost(AdObject o) {
        ResolvedCluster c = clusterOf.get(o);
        if (c != null) {
            return c;
        }
        for (ResolvedCluster rc : clusters) {
            if (rc.fileServers().contains(o)) {
                return rc;
            }
        }
        return null;
    }

    /**
     * The hosts of the resolved clusters (nodes, then file servers not already listed) with each node's cluster,
     * and the snapshot they come from: what a run stores of its snapshot. Immutable, and the same from the moment
     * the clusters are resolved, so it may be read on another thread while the rest of the context is computed.
     */
    public record Hosts(Snapshot snapshot, List<AdObject> hosts, Map<AdObject, ResolvedCluster> clusterOf) {
        public Hosts {
            hosts = List.copyOf(hosts);
            clusterOf = Collections.unmodifiableMap(clusterOf);
        }
    }

    public Hosts hosts() {
        return new Hosts(snapshot, nodesAndFileServers(), clusterOf);
    }

    /** Nodes, then the file servers not already listed, each once; read-only. */
    public List<AdObject> nodesAndFileServers() {
        return nodesAndFileServers;
    }

    private List<AdObject> listNodesAndFileServers() {
        List<AdObject> out = new ArrayList<>(nodes());
        Set<AdObject> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.addAll(out);
        for (ResolvedCluster c : clusters) {
            for (AdObject fs : c.fileServers()) {
                if (seen.add(fs)) {
                    out.add(fs);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * A node's delegation entries (as stored, in order) that name a domain controller's service or krbtgt; empty
     * for nearly every node. Found while the pairs are computed, once per distinct value.
     */
    public List<String> entriesNamingDcOrKrbtgt(AdObject node) {
        return dcEntries.getOrDefault(node, List.of());
    }

    /** Whether a delegation value names a domain controller's service or krbtgt. */
    private boolean namesDomainControllerOrKrbtgt(String entry) {
        return entry.regionMatches(true, 0, "krbtgt/", 0, 7) || sensitiveOwner(entry) != null;
    }

    /**
     * The domain controller or krbtgt account a delegation value resolves to, or null: the owner of that exact SPN
     * (e.g. {@code kadmin/changepw} on krbtgt), else the domain controller its host names, by name, dNSHostName or
     * a {@code HOST/X} it registers (an alias: {@code cifs/X} reaches the DC through it).
     */
    public AdObject sensitiveOwner(String entry) {
        if (dcByHost == null) {
            indexSensitiveTargets();
        }
        if (dcByHost.isEmpty() && sensitiveSpns.isEmpty()) {
            return null;
        }
        AdObject owner = sensitiveSpns.get(Spn.keyOf(entry));
        if (owner != null) {
            return owner;
        }
        Spn spn = Spn.parse(entry);
        AdObject dc = spn == null ? null : dcByHost.get(spn.hostName());
        if (dc == null || ownHost(dc, spn.hostName())) {
            return dc; // the DC's own name: another object's HOST/<DC> is a duplicate of the DC's, it hides nothing
        }
        // the KDC resolves an SPN another object registers, exactly or (cifs/X) through its HOST/X, to that object
        // whatever HOST/ alias a domain controller also has: a leftover HOST/<node> on a DC is that node's
        // DUPLICATE_SPN, not a sensitive target
        String key = Spn.keyOf(entry);
        String alias = Spn.hostAlias(key);
        return registeredByOrdinaryObject(key) || alias != null && registeredByOrdinaryObject(alias) ? null : dc;
    }

    /** Whether {@code host} (lower case) is {@code dc}'s own name or dNSHostName, not a HOST/ alias it registers. */
    private static boolean ownHost(AdObject dc, String host) {
        return dc.name() != null && lower(dc.name()).equals(host)
                || dc.dnsHostName() != null && lower(DnsNames.withoutTrailingDots(dc.dnsHostName())).equals(host);
    }

    /** Whether an object other than a domain controller or krbtgt registers the SPN {@code key} (normal form). */
    private boolean registeredByOrdinaryObject(String key) {
        if (ordinarySpns == null) { // only when an entry names a DC's host: rare, so built then
            ordinarySpns = new HashSet<>();
            for (AdObject o : snapshot.objects()) {
                if (!(o.isComputer() && o.isDomainController() || o.isReadOnlyDc() || o.isKrbtgt())) {
                    o.spns().forEach(registered -> ordinarySpns.add(Spn.keyOf(registered)));
                }
            }
        }
        return ordinarySpns.contains(key);
    }

    private void indexSensitiveTargets() {
        dcByHost = new HashMap<>();
        sensitiveSpns = new HashMap<>();
        for (AdObject o : snapshot.objects()) {
            boolean dc = o.isComputer() && o.isDomainController() || o.isReadOnlyDc();
            if (!dc && !o.isKrbtgt()) {
                continue;
            }
            for (String registered : o.spns()) {
                sensitiveSpns.putIfAbsent(Spn.keyOf(registered), o);
                Spn spn = dc ? Spn.parse(registered) : null;
                if (spn != null && spn.service().equalsIgnoreCase("host")) {
                    dcByHost.putIfAbsent(spn.hostName(), o);
                }
            }
            if (dc && o.name() != null) { // an object read without dn, cn and sAMAccountName has none
                dcByHost.putIfAbsent(lower(o.name()), o);
            }
            if (dc && o.dnsHostName() != null) {
                dcByHost.putIfAbsent(lower(DnsNames.withoutTrailingDots(o.dnsHostName())), o);
            }
        }
    }

    /** Nodes in cluster order, each once. */
    @Override
    public List<AdObject> nodes() {
        return nodes;
    }

    private List<AdObject> listNodes() {
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

    /** The other nodes of a node's migration group, by name; empty for objects that are no node. */
    public Set<AdObject> peersOf(AdObject node) {
        return peers.getOrDefault(node, Set.of());
    }

    /** The members of a migration group (sorted by name, {@code node} among them) but {@code node}, read-only. */
    private static final class PeerSet extends AbstractSet<AdObject> {
        private final AdObject node;
        private final List<AdObject> members;
        private final Set<AdObject> memberSet;

        PeerSet(AdObject node, List<AdObject> members, Set<AdObject> memberSet) {
            this.node = node;
            this.members = members;
            this.memberSet = memberSet;
        }

        @Override
        public boolean contains(Object o) {
            return o != node && memberSet.contains(o);
        }

        @Override
        public int size() {
            return members.size() - 1;
        }

        @Override
        public Iterator<AdObject> iterator() {
            return members.stream().filter(o -> o != node).iterator();
        }
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

    /**
     * {@code o} when it lies under {@code base}, the base DN its cluster's computers were read under (or either DN is
     * unknown); null for an object of a base DN below the domain that was looked up outside it for the SPNs it holds
     * or the entries naming it: a configured node or file server there stays not found, as the sweep did not read it.
     */
    private static AdObject underBaseDn(AdObject o, DN base, String baseText) {
        // a DN that ends with the base DN as written is under it without being parsed (at 20,000 hosts, parsing each
        // node's DN was a third of the evaluation's allocation)
        if (o == null || base == null || o.dn() == null || endsWithRdnsOf(o.dn(), baseText)) {
            return o;
        }
        DN dn = parseDn(o.dn());
        return dn == null || dn.isDescendantOf(base, true) ? o : null;
    }

    /**
     * Whether {@code dn} ends with a comma that separates two RDNs (not escaped, no quoted value in {@code dn}) and then
     * {@code base} as written but for the case of ASCII letters (a server may answer {@code dc=contoso,dc=com}): its
     * last RDNs are then those of {@code base}, which DNs compare without case, and parsing both would find {@code dn}
     * under {@code base}. False for anything else (parse them to tell).
     */
    static boolean endsWithRdnsOf(String dn, String base) {
        int at = dn.length() - base.length() - 1;
        if (at < 1 || dn.charAt(at) != ',' || dn.indexOf('"') >= 0) {
            return false;
        }
        for (int i = 0; i < base.length(); i++) {
            char b = base.charAt(i);
            char d = dn.charAt(at + 1 + i);
            if (d != b && !(asciiLetter(b) && (d | 0x20) == (b | 0x20))) {
                return false;
            }
        }
        int backslashes = 0;
        for (int i = at - 1; i >= 0 && dn.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 0;
    }

    private static boolean asciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static DN parseDn(String dn) {
        try {
            return new DN(dn);
        } catch (LDAPException e) {
            return null;
        }
    }

    /**
     * A name's key in the indexes, in any case as the KDC and AD compare names ({@link Spn#fold}, as SPN keys are):
     * Java's lower case would read KELVIN SIGN (U+212A) as an ASCII k, so that a baseline or waiver host, a configured
     * node or an entry's host written with it found the computer it imitates.
     */
    static String lower(String s) {
        return Spn.fold(s);
    }

    static String stripDollar(String s) {
        return s.endsWith("$") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The key a configured name ({@code HV01}, {@code HV01$}, {@code hv01.contoso.com}, the root's trailing dot too, in
     * any case) is looked up by among the computers' names ({@link #computer}).
     */
    static String nameKey(String name) {
        return lower(stripDollar(DnsNames.withoutTrailingDots(name)));
    }

    /** A sAMAccountName's key in the indexes: without its $. */
    private static String samKey(String sam) {
        return lower(stripDollar(sam));
    }

    /** A dNSHostName's key in the indexes: without the root's trailing dot. */
    private static String dnsKey(String dns) {
        return lower(DnsNames.withoutTrailingDots(dns));
    }

    /**
     * Configured node {@code name}, which this run did not find, as the last run that found it recorded it with its
     * objectSid: the previous run when it found it, else as that run carried it ({@link PreviousRun#notFound}); null
     * when none did, or there is no previous run. The name is matched as {@link #computer} matches a computer, against
     * the names the node had there: its sAMAccountName (any case, with or without the $), then its cn, then its
     * dNSHostName, then the first label of a dNSHostName longer than a NetBIOS name (of one node only), so a node
     * configured by its NetBIOS name, its DNS name or its host name ({@code hyperv-prod-node03}, account
     * HYPERV-PROD-NOD$) is found whichever the earlier runs were configured with (a carried node whose run that found
     * it is no longer stored by the name they gave it).
     */
    public LastFoundSid lastFoundSid(String name) {
        PreviousRun previous = inputs == null ? null : inputs.previous();
        if (previous == null) {
            return null;
        }
        if (lastFoundSids == null) {
            lastFoundSids = lastFoundSids(previous);
        }
        return lastFoundSids.get(nameKey(name));
    }

    /**
     * {@link #lastFoundSid}'s index: the previous run's nodes before the nodes it carried, of each every
     * sAMAccountName before any cn, then the DNS names, then the long host names ({@link #longHostLabel}) one node has,
     * as {@link #indexNames} and {@link #computer} take them.
     */
    private static Map<String, LastFoundSid> lastFoundSids(PreviousRun previous) {
        List<LastFoundSid> found = new ArrayList<>();
        previous.hosts().forEach((host, state) -> {
            if (state.objectSid() != null) {
                NodeNames names = previous.nodeNames().get(host);
                found.add(new LastFoundSid(host, names == null ? null : names.samAccountName(),
                        names == null ? null : names.dnsHostName(), state.objectSid(), previous.runId(),
                        previous.finishedAt()));
            }
        });
        Map<String, LastFoundSid> out = new HashMap<>();
        for (List<LastFoundSid> nodes : List.of(found, List.copyOf(previous.notFound().values()))) {
            for (LastFoundSid n : nodes) {
                if (n.samAccountName() != null) {
                    out.putIfAbsent(samKey(n.samAccountName()), n);
                }
            }
            for (LastFoundSid n : nodes) {
                out.putIfAbsent(nameKey(n.name()), n);
            }
            for (LastFoundSid n : nodes) {
                if (n.dnsHostName() != null) {
                    out.putIfAbsent(dnsKey(n.dnsHostName()), n);
                }
            }
        }
        Map<String, LastFoundSid> labels = new HashMap<>();
        Set<String> shared = new HashSet<>();
        for (List<LastFoundSid> nodes : List.of(found, List.copyOf(previous.notFound().values()))) {
            for (LastFoundSid n : nodes) {
                String label = longHostLabel(n.dnsHostName());
                LastFoundSid first = label == null ? null : labels.putIfAbsent(label, n);
                if (first != null && !first.objectSid().equals(n.objectSid())) {
                    shared.add(label);
                }
            }
        }
        labels.forEach((label, n) -> {
            if (!shared.contains(label)) {
                out.putIfAbsent(label, n);
            }
        });
        return out;
    }

    /**
     * The computer that holds now the objectSid configured node {@code name} had in the last run that found it
     * ({@link #lastFoundSid}; none where none recorded it), where {@code name} names it by none of its names
     * (sAMAccountName, cn, dNSHostName, its long host name, as {@link #computer} matches them): the node renamed (its account, DNS name and
     * SPNs) before the configuration followed, also when runs in between did not find it either; null when no
     * computer holds that objectSid, or one that {@code name} names (not found for another reason: outside the base
     * DN).
     */
    public AdObject renamedNode(String name) {
        return renamedNode(name, lastFoundSid(name));
    }

    /** {@link #renamedNode(String)} with the run that last found it, {@code last}, known already. */
    public AdObject renamedNode(String name, LastFoundSid last) {
        AdObject now = last == null ? null : bySid(last.objectSid());
        if (now == null) {
            return null;
        }
        String key = nameKey(name);
        boolean named = now.samAccountName() != null && samKey(now.samAccountName()).equals(key)
                || now.cn() != null && lower(now.cn()).equals(key)
                || now.dnsHostName() != null && dnsKey(now.dnsHostName()).equals(key)
                || key.equals(longHostLabel(now.dnsHostName()));
        return named ? null : now;
    }

    /** Whether {@code o} has a dNSHostName that is a DNS name; for nodes and file servers, as tested once. */
    public boolean hasValidDnsHostName(AdObject o) {
        Integer known = validNames.get(o);
        return known != null ? (known & VALID_DNS) != 0
                : o.dnsHostName() != null && validDnsHostName(o.dnsHostName());
    }

    /**
     * Whether {@code o}'s NetBIOS name ({@link #netbiosName}) is a host name a delegation entry can be made of; a
     * name with quotes, {@code $(}, spaces, control or bidirectional characters gives no NetBIOS form. For nodes and
     * file servers, as tested once.
     */
    public boolean hasValidName(AdObject o) {
        Integer known = validNames.get(o);
        return known != null ? (known & VALID_NETBIOS) != 0 : Values.validHostName(netbiosName(o));
    }

    /**
     * The name the NetBIOS form of an SPN uses: the sAMAccountName without its $ (a computer renamed in ADUC keeps
     * it while its cn changes), else the cn.
     */
    public static String netbiosName(AdObject o) {
        String sam = o.samAccountName() == null ? null : stripDollar(o.samAccountName());
        return sam != null && !sam.isBlank() ? sam : o.name();
    }

    /**
     * Whether a delegation entry names {@code o} in some form the policy asks for (a valid name, a valid dNSHostName, or
     * without a dNSHostName the one FQDN its SPNs name).
     */
    public boolean hasUsableName(AdObject o) {
        return policy.netbiosForm() && hasValidName(o) || policy.fqdnForm() && fqdnOf(o) != null;
    }

    /** Whether {@code o} has a dNSHostName at all (valid or not). */
    public static boolean hasDnsHostName(AdObject o) {
        return o.dnsHostName() != null && !o.dnsHostName().isBlank();
    }

    /**
     * The FQDN delegation to {@code o} is checked in: its dNSHostName (without a trailing dot) if that is a DNS name;
     * without a dNSHostName the one FQDN its own SPNs name ({@link #fqdnsInSpns}); else null (an invalid
     * dNSHostName gives none, and no FQDN is guessed).
     */
    public String fqdnOf(AdObject o) {
        if (hasValidDnsHostName(o)) {
            return DnsNames.withoutTrailingDots(o.dnsHostName());
        }
        return hasDnsHostName(o) ? null : derivedFqdn(o);
    }

    /** The one FQDN the SPNs of node or file server {@code o}, which has no dNSHostName, name it by; else null. */
    public String derivedFqdn(AdObject o) {
        List<String> named = spnFqdns.get(o);
        return named != null && named.size() == 1 ? named.get(0) : null;
    }

    /** The FQDNs the SPNs of node or file server {@code o}, which has no dNSHostName, name it by (empty otherwise). */
    public List<String> fqdnsInSpns(AdObject o) {
        return spnFqdns.getOrDefault(o, List.of());
    }

    /**
     * Whether the policy asks for the FQDN form of delegation to {@code o} and {@code o} gives no name in it: no
     * dNSHostName, and its SPNs name no single FQDN; or a dNSHostName that is no DNS name. Its pairs then count those
     * entries as required and not present, and are blocked by DNS_HOST_NAME_MISSING (DNS_HOST_NAME_INVALID) unless
     * RBCD covers them.
     */
    public boolean fqdnUnnamed(AdObject o) {
        return policy.fqdnForm() && !hasValidDnsHostName(o) && (hasDnsHostName(o) || derivedFqdn(o) == null);
    }

    /** A dNSHostName that is a DNS name (a trailing dot allowed). */
    public static boolean validDnsHostName(String dns) {
        return Values.validHostName(DnsNames.withoutTrailingDots(dns));
    }

}
