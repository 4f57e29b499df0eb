package org.kcdauditor.audit;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The previous successful run as the store recorded it: node states, finding ids, and the findings by id as stored
 * (their text: what a finding resolved since was, for the reports).
 */
public record PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds,
                          Map<String, Finding> findings) {
    public PreviousRun {
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        findingIds = Set.copyOf(findingIds);
        findings = Collections.unmodifiableMap(new LinkedHashMap<>(findings));
    }

    /** A previous run known by its finding ids only. */
    public PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds) {
        this(runId, finishedAt, hosts, findingIds, Map.of());
    }

    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }
}
