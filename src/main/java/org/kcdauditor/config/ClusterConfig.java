package org.kcdauditor.config;

import java.util.List;

/**
 * {@code clusters[i]}: a set of Hyper-V hosts that live-migrate to each other, named explicitly
 * ({@code nodes}) or as every computer under an OU ({@code ou}). {@code fileServers} names
 * Scale-Out File Servers whose {@code cifs} SPNs every node must also delegate to.
 */
public record ClusterConfig(String name, List<String> nodes, String ou, List<String> fileServers) {
    public ClusterConfig {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        fileServers = fileServers == null ? List.of() : List.copyOf(fileServers);
    }
}
