package org.kcdauditor.report.runbook;

import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;

import java.util.ArrayList;
import java.util.List;

/**
 * A few plain lines of history context for the runbooks: baseline drift, hardening updates already
 * installed on hosts with incomplete delegation, observed migration failures, waivers. Values are
 * escaped by the templates' output format.
 */
final class HistoryContext {
    private static final int MAX = 12;

    private HistoryContext() {
    }

    static List<String> lines(FindingsDocument doc) {
        List<String> out = new ArrayList<>();
        List<Finding> all = doc.findings() == null ? List.of() : doc.findings();
        long drift = all.stream().filter(f -> f.rule() != null && (f.rule().startsWith("BASELINE_")
                || f.rule().equals("WAIVER_EXPIRED"))).count();
        HistorySections.BaselineDoc b = doc.baseline();
        if (b != null) {
            boolean approved = b.approvedBy() != null && !b.approvedBy().isBlank();
            out.add("Baseline" + (b.capturedAt() == null ? "" : " captured " + b.capturedAt()) + (approved
                    ? ", approved by " + b.approvedBy() : " (approver not recorded)") + ": " + drift
                    + " deviation" + (drift == 1 ? "" : "s") + " found; see the Drift sheet.");
        }
        for (Finding f : all) {
            if (out.size() >= MAX) {
                break;
            }
            if ("HARDENING_PATCH_WITHOUT_DELEGATION".equals(f.rule()) || "MIGRATION_FAILURE_OBSERVED".equals(f.rule())
                    || "CHANGED_SINCE_LAST_RUN".equals(f.rule())) {
                String m = f.message() == null ? "" : f.message();
                int cut = m.indexOf("; explained by");
                out.add((cut > 0 ? m.substring(0, cut) + "." : m).replaceAll("[\\r\\n\\t]+", " "));
            }
        }
        if (b != null) {
            for (HistorySections.WaiverDoc w : b.waivers()) {
                if (w.active() && w.findings() > 0 && out.size() < MAX) {
                    out.add("Waived until " + w.expires() + ": " + w.rule() + " on " + w.host()
                            + (w.peer() == null ? "" : " -> " + w.peer()) + " (" + w.justification()
                            + "). The plan below leaves these findings out: no change, no validation.");
                }
            }
        }
        return out;
    }
}
