package org.kcdauditor.report;

/**
 * What every writer renders from: the stored run and the remediation plan derived from it, built
 * once per rendering and shared by the workbook, the PDF and the runbooks.
 */
public record Rendering(FindingsDocument doc, RemediationPlan plan) {
    public static Rendering of(FindingsDocument doc) {
        return new Rendering(doc, RemediationPlan.of(doc));
    }
}
