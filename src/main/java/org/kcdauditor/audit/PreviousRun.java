package org.kcdauditor.audit;

import org.kcdauditor.model.HostState;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The previous successful run as the store recorded it: node states and finding ids. */
public record PreviousRun(String runId, Instant finishedAt, Map<String, HostState> hosts, Set<String> findingIds) {
    public PreviousRun {
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        findingIds = Set.copyOf(findingIds);
    }

    public List<String> hostNames() {
        return List.copyOf(hosts.keySet());
    }
}
