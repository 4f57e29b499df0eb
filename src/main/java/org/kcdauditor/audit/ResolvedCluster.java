package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * A configured cluster matched against the snapshot.
 *
 * @param ou the OU its nodes come from ({@code clusters[].ou}), null when it lists them by name
 */
public record ResolvedCluster(String name, String ou, List<AdObject> nodes, List<String> missingNodes,
                              List<AdObject> fileServers, List<String> missingFileServers) {
    public ResolvedCluster {
        nodes = List.copyOf(nodes);
        missingNodes = List.copyOf(missingNodes);
        fileServers = List.copyOf(fileServers);
        missingFileServers = List.copyOf(missingFileServers);
    }
}
