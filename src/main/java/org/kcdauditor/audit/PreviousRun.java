package org.kcdauditor.audit;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.LastFound;
import org.kcdauditor.model.LastFoundSid;
import org.kcdauditor.model.NodeNames;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The previous successful run as the store recorded it: node states, finding ids, and the findings by id as stored
 * (their text: what a finding resolved since was, for the reports).
 *
 * @param explainedFailures the directed pairs ({@link #pairKey}) whose observed migration failures a successful run of
 *                          the same config reported explained by the pair's delegation findings, with the last such
 *                          run's end: MIGRATION_FAILURE_OBSERVED leaves out what they logged before the change that
 *                          settled them, in every run after it (not only the first)
 * @param unaudited         the clusters that run did not audit, as configured (their optional directory could not be
 *                          read): it holds none of their nodes and findings, so this run's are neither joined nor new
 * @param startedAt         when that run started, before it read the directory (the constructors without it take
 *                          {@code finishedAt})
 * @param fileServerGrants  the SIDs the resource-based delegation of each file server that is no node allowed, by
 *                          name (empty list: none): all a run's history compares of a file server
 * @param lastFound         by objectSid (upper case), the nodes of this run not in that one as the last earlier run
 *                          that recorded their objectSid under another name found them ({@link #withLastFound}): a node
 *                          renamed while the runs in between named it by its old name and did not find it
 * @param notFound          by name (upper case), the configured nodes that run did not find, as the last run that found
 *                          each recorded it ({@link AuditContext#lastFoundSid}): carried from run to run, so a node
 *                          renamed before the configuration followed is named by its objectSid in every run, not only
 *                          in the first
 * @param nodeNames         by name, the sAMAccountName and dNSHostName of that run's nodes (empty: not read): a
 *                          configured node this run does not find is matched against them as against a computer
 *                          ({@link AuditContext#lastFoundSid}), however the configuration names it
 * @param trigger           what started that run (run, schedule…; {@link #withTrigger}), as the reports name the run
 *                          compared with; null when not known
 * @param clusters          the clusters of that run's configuration as it recorded them ({@link #withClusters}: those
 *                          of its nodes, of its findings, and those it did not audit); empty when not known. A cluster
 *                          of this run's configuration not among them was added to the configuration since: its nodes
 *                          did not join since, and its findings are new ({@link #configured})
 * @param hostClusters      by name, the cluster each of that run's nodes was recorded under ({@link #withHostClusters});
 *                          empty when not read. A node of a cluster this configuration no longer names, its computer
 *                          still in the directory, did not leave its cluster: the configuration did
 */
public record PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds,
                          Map<String, Finding> findings, Map<String, Instant> explainedFailures,
                          Set<String> unaudited, Instant startedAt, Map<String, List<String>> fileServerGrants,
                          Map<String, LastFound> lastFound, Map<String, LastFoundSid> notFound,
                          Map<String, NodeNames> nodeNames, String trigger, Set<String> clusters,
                          Map<String, String> hostClusters) {
    public PreviousRun {
        hostClusters = hostClusters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hostClusters));
        clusters = clusters == null ? Set.of() : Set.copyOf(clusters);
        nodeNames = nodeNames == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(nodeNames));
        notFound = notFound == null ? Map.of() : Map.copyOf(notFound);
        lastFound = lastFound == null ? Map.of() : Map.copyOf(lastFound);
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        fileServerGrants = fileServerGrants == null ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(fileServerGrants));
        findingIds = Set.copyOf(findingIds);
        findings = Collections.unmodifiableMap(new LinkedHashMap<>(findings));
        explainedFailures = Map.copyOf(explainedFailures);
        unaudited = Set.copyOf(unaudited);
        startedAt = startedAt == null ? finishedAt : startedAt;
    }

    /**
     * The same, with a host the store keeps under another name ({@code asStored}: the store writes U+0000 as the text
     * {@code \\u0000}) found again under its name among {@code names} (this run's directory objects), so that the node
     * is matched, not reported gone and new. This run writes its own names the same way, so only the comparison changes.
     */
    public PreviousRun withHostNames(Collection<String> names, UnaryOperator<String> asStored) {
        Map<String, HostState> renamed = renamed(hosts, names, asStored);
        Map<String, List<String>> servers = renamed(fileServerGrants, names, asStored);
        return renamed == hosts && servers == fileServerGrants ? this : new PreviousRun(runId, finishedAt, renamed,
                findingIds, findings, explainedFailures, unaudited, startedAt, servers, lastFound, notFound,
                renamed(nodeNames, names, asStored), trigger, clusters, renamed(hostClusters, names, asStored));
    }

    /** The same with {@link #lastFound}. */
    public PreviousRun withLastFound(Map<String, LastFound> found) {
        return found.isEmpty() ? this : new PreviousRun(runId, finishedAt, hosts, findingIds, findings,
                explainedFailures, unaudited, startedAt, fileServerGrants, found, notFound, nodeNames, trigger, clusters,
                hostClusters);
    }

    /** The same with {@link #notFound}. */
    public PreviousRun withNotFound(Map<String, LastFoundSid> nodes) {
        return nodes.isEmpty() ? this : new PreviousRun(runId, finishedAt, hosts, findingIds, findings,
                explainedFailures, unaudited, startedAt, fileServerGrants, lastFound, nodes, nodeNames, trigger, clusters,
                hostClusters);
    }

    /** The same with {@link #nodeNames}. */
    public PreviousRun withNodeNames(Map<String, NodeNames> names) {
        return names.isEmpty() ? this : new PreviousRun(runId, finishedAt, hosts, findingIds, findings,
                explainedFailures, unaudited, startedAt, fileServerGrants, lastFound, notFound, names, trigger, clusters,
                hostClusters);
    }

    /** The same with {@link #trigger}. */
    public PreviousRun withTrigger(String t) {
        return new PreviousRun(runId, finishedAt, hosts, findingIds, findings, explainedFailures, unaudited, startedAt,
                fileServerGrants, lastFound, notFound, nodeNames, t, clusters, hostClusters);
    }

    /** The same with {@link #clusters}. */
    public PreviousRun withClusters(Set<String> c) {
        return new PreviousRun(runId, finishedAt, hosts, findingIds, findings, explainedFailures, unaudited, startedAt,
                fileServerGrants, lastFound, notFound, nodeNames, trigger, c, hostClusters);
    }

    /** The same with {@link #hostClusters}. */
    public PreviousRun withHostClusters(Map<String, String> byHost) {
        return new PreviousRun(runId, finishedAt, hosts, findingIds, findings, explainedFailures, unaudited, startedAt,
                fileServerGrants, lastFound, notFound, nodeNames, trigger, clusters, byHost);
    }

    /**
     * Whether that run's configuration had {@code cluster} (a name in any case): true where {@link #clusters} is not
     * known, and for null (no cluster).
     */
    public boolean configured(String cluster) {
        return cluster == null || clusters.isEmpty() || clusters.stream().anyMatch(cluster::equalsIgnoreCase);
    }

    /** Nothing found by objectSid in earlier runs, no configured node not found carried, no node names read. */
    public PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds,
                       Map<String, Finding> findings, Map<String, Instant> explainedFailures,
                       Set<String> unaudited, Instant startedAt, Map<String, List<String>> fileServerGrants) {
        this(runId, finishedAt, hosts, findingIds, findings, explainedFailures, unaudited, startedAt, fileServerGrants,
                Map.of(), Map.of(), Map.of(), null, Set.of(), Map.of());
    }

    /** {@code byName} with each of {@code names} stored under another name found under its own; itself when none is. */
    private static <V> Map<String, V> renamed(Map<String, V> byName, Collection<String> names,
                                              UnaryOperator<String> asStored) {
        Map<String, V> renamed = null;
        for (String name : names) {
            String stored = asStored.apply(name);
            if (name != null && !name.equals(stored) && byName.containsKey(stored) && !byName.containsKey(name)) {
                if (renamed == null) {
                    renamed = new LinkedHashMap<>(byName);
                }
                renamed.put(name, renamed.remove(stored));
            }
        }
        return renamed == null ? byName : renamed;
    }

    /** Every cluster audited. */
    public PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds,
                       Map<String, Finding> findings, Map<String, Instant> explainedFailures) {
        this(runId, finishedAt, hosts, findingIds, findings, explainedFailures, Set.of(), null, Map.of());
    }

    /** Whether that run audited {@code cluster} (a cluster name in any case; null: no cluster, true). */
    public boolean audited(String cluster) {
        return cluster == null || unaudited.stream().noneMatch(cluster::equalsIgnoreCase);
    }

    /**
     * Where MIGRATION_FAILURE_OBSERVED's message names the delegation findings that explain the pair's failures (the
     * store finds the earlier runs that did, {@link #explainedFailures}, by the evidence's {@code delegationExplains}
     * it keeps; its migration V116 flagged the rows stored before by this text in their message).
     */
    public static final String EXPLAINED_BY = "; explained by ";

    /** Without earlier explained failures. */
    public PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds,
                       Map<String, Finding> findings) {
        this(runId, finishedAt, hosts, findingIds, findings, Map.of());
    }

    /** The key of the directed pair {@code source -> target} in {@link #explainedFailures}. */
    public static String pairKey(String source, String target) {
        return (source + "|" + target).toLowerCase(java.util.Locale.ROOT);
    }

    /** A previous run known by its finding ids only. */
    public PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds) {
        this(runId, finishedAt, hosts, findingIds, Map.of());
    }
}
