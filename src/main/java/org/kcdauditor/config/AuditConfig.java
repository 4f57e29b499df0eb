package org.kcdauditor.config;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded and validated configuration. {@code baseDir} is the folder of the file it came from:
 * relative paths in the file resolve against it.
 */
public record AuditConfig(Path source, Path baseDir, DirectoryConfig directory, List<ClusterConfig> clusters,
                          PolicyConfig policy, ReportsConfig reports) {

    public AuditConfig {
        clusters = List.copyOf(clusters);
    }

    public AuditConfig withDirectory(DirectoryConfig d) {
        return new AuditConfig(source, baseDir, d, clusters, policy, reports);
    }

    /** Resolves a path written in the config file against that file's folder. */
    public Path resolve(String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : baseDir.resolve(p).normalize();
    }

    /** The display name of the config file for error messages. */
    public String sourceName() {
        return source == null ? "<built-in>" : source.toString();
    }
}
