package org.kcdauditor.audit;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.util.List;
import java.util.Map;

/** The outcome of evaluating one snapshot: the context it was computed from, findings and figures. */
public record AuditResult(AuditContext context, List<Finding> findings, List<ClusterSummary> clusters,
                          int pairs, int requiredEntries, int presentEntries, Map<String, Integer> bySeverity) {

    public AuditResult {
        findings = List.copyOf(findings);
        clusters = List.copyOf(clusters);
    }

    /** Present ÷ required entries in percent; null when no entry is required. */
    public Double compliancePercent() {
        return Auditor.percent(presentEntries, requiredEntries);
    }

    /** True when some finding that no waiver suppresses is at least as severe as {@code threshold}. */
    public boolean reaches(Severity threshold) {
        return findings.stream().anyMatch(f -> !f.isWaived() && f.severity().reaches(threshold));
    }
}
