package org.kcdauditor.audit;

import java.util.Map;

/**
 * Per-cluster figures for the console, findings.json and the reports. {@code pairs} and {@code pairsOk} count every
 * directed path; {@code fileServerPaths} and {@code fileServerPathsOk} those of them from a node to a file server
 * (storage over SMB), so the node pairs (live migration) are the difference.
 */
public record ClusterSummary(String name, int pairs, int pairsOk, int requiredEntries, int presentEntries,
                             Double compliancePercent, Map<String, Integer> bySeverity, int fileServerPaths,
                             int fileServerPathsOk) {
}
