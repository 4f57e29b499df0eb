package org.kcdauditor.audit;

import org.kcdauditor.model.AdObject;

import java.util.List;

/**
 * A configured cluster matched against the snapshot.
 *
 * @param ou the OU its nodes come from ({@code clusters[].ou}), null when it lists them by name
 * @param directory the directory (domain) its objects were read from; null when the config names none
 */
public record ResolvedCluster(String name, String ou, List<AdObject> nodes, List<String> missingNodes,
                              List<AdObject> fileServers, List<String> missingFileServers, String directory) {
    public ResolvedCluster {
        nodes = List.copyOf(nodes);
        missingNodes = List.copyOf(missingNodes);
        fileServers = List.copyOf(fileServers);
        missingFileServers = List.copyOf(missingFileServers);
    }
}
