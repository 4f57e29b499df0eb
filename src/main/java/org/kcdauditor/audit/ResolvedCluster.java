package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/** A configured cluster matched against the snapshot. */
public record ResolvedCluster(String name, List<AdObject> nodes, List<String> missingNodes,
                              List<AdObject> fileServers, List<String> missingFileServers) {
    public ResolvedCluster {
        nodes = List.copyOf(nodes);
        missingNodes = List.copyOf(missingNodes);
        fileServers = List.copyOf(fileServers);
        missingFileServers = List.copyOf(missingFileServers);
    }
}
