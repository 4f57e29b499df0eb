package org.kcdauditor.config;

import java.util.List;

/**
 * {@code clusters[i]}: a set of Hyper-V hosts that live-migrate to each other, named explicitly
 * ({@code nodes}) or as every computer under an OU ({@code ou}). {@code fileServers} names
 * Scale-Out File Servers whose {@code cifs} SPNs every node must also delegate to. {@code directory} names the
 * entry of {@code directories:} the cluster's computer objects live in (null: the only directory).
 */
public record ClusterConfig(String name, List<String> nodes, String ou, List<String> fileServers, String directory) {
    public ClusterConfig {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        fileServers = fileServers == null ? List.of() : List.copyOf(fileServers);
    }

    /** In the only directory. */
    public ClusterConfig(String name, List<String> nodes, String ou, List<String> fileServers) {
        this(name, nodes, ou, fileServers, null);
    }

    /** This cluster in directory {@code d}. */
    public ClusterConfig inDirectory(String d) {
        return new ClusterConfig(name, nodes, ou, fileServers, d);
    }
}
