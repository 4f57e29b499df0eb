package org.kcdauditor.audit;

import java.util.Map;

/** Per-cluster figures for the console, findings.json and the reports. */
public record ClusterSummary(String name, int pairs, int pairsOk, int requiredEntries, int presentEntries,
                             Double compliancePercent, Map<String, Integer> bySeverity) {
}
