package org.kcdauditor.report.runbook;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.Category;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A few plain lines of history context for the runbooks, from the findings' evidence: baseline drift,
 * hardening updates installed on hosts with incomplete delegation, observed migration failures, changes
 * since the previous run, waivers. Values are escaped by the templates' output format.
 */
final class HistoryContext {
    private static final int MAX = 12;

    private HistoryContext() {
    }

    /** @param beside the reports in the folder with the runbook: where the deviations are listed in full */
    static List<String> lines(ReportView view, Set<Format> beside) {
        List<String> out = new ArrayList<>();
        FindingsDocument doc = view.doc();
        // the BASELINE_ findings: the Drift sheet and table also list waiver and since-the-last-run findings
        long drift = view.findings(Category.DRIFT).stream()
                .filter(f -> f.finding().rule().startsWith("BASELINE_")).count();
        HistorySections.BaselineDoc b = doc.baseline();
        if (b != null) {
            boolean approved = b.approvedBy() != null && !b.approvedBy().isBlank();
            String where = drift == 0 ? "" : beside.contains(Format.XLSX) ? "; see the Drift sheet of audit.xlsx"
                    : beside.contains(Format.PDF) ? "; see Drift in audit.pdf" : "";
            // that list also holds the other drift findings (waivers, changes since the last run): its count says more
            long others = view.findings(Category.DRIFT).size() - drift;
            if (!where.isEmpty() && others > 0) {
                where += ", which also lists " + Words.plural(others, "other drift finding")
                        + " (waivers, changes since the last run)";
            }
            out.add("Baseline" + (b.capturedAt() == null ? "" : " captured " + Words.time(b.capturedAt()))
                    + (approved ? ", approved by " + b.approvedBy() : " (approver not recorded)") + ": "
                    + Words.plural(drift, "deviation") + " from it found" + where + ".");
        }
        for (ReportView.FindingView v : view.findings()) {
            if (out.size() >= MAX) {
                break;
            }
            String line = line(v);
            if (line != null) {
                out.add(line);
            }
        }
        if (b != null) {
            // without a change there is no plan below to leave them out of
            String left = view.plan().hasChanges() ? "The plan below leaves these findings out: no change, no validation."
                    : "No change is proposed for these findings: nothing to change or validate.";
            for (HistorySections.WaiverDoc w : b.waivers()) {
                if (w.active() && w.findings() > 0 && out.size() < MAX) {
                    out.add("Waived until " + w.expires() + ": " + w.rule() + " on " + w.host()
                            + (w.peer() == null ? "" : " -> " + w.peer()) + " (" + (w.justification() == null ? ""
                            // the administrator's prose (a YAML block may break it over lines) on one line, as
                            // ReportView.terms writes it
                            : w.justification().replaceAll("\\R", " "))
                            + "). " + left);
                }
            }
        }
        return out;
    }

    /** The line of an observed failure, a hardening update or a change since the previous run; null for others. */
    private static String line(ReportView.FindingView v) {
        var f = v.finding();
        String rule = f.rule();
        boolean relevant = "HARDENING_PATCH_WITHOUT_DELEGATION".equals(rule)
                || "MIGRATION_FAILURE_OBSERVED".equals(rule) || "CHANGED_SINCE_LAST_RUN".equals(rule);
        if (!relevant) {
            return null;
        }
        if (!f.hasEvidence()) {
            return f.message();
        }
        Evidence e = f.evidence();
        return switch (rule) {
            case "MIGRATION_FAILURE_OBSERVED" -> Words.plural(e.eventCount() == null ? 0 : e.eventCount(),
                    "failed migration") + " " + f.host() + " -> " + (f.peer() == null ? "?" : f.peer())
                    + (e.lastEvent() == null ? "" : ", last " + Words.time(e.lastEvent()))
                    + (!Boolean.TRUE.equals(e.delegationExplains()) ? ", not explained by delegation."
                    : v.consequence() == null || v.consequence().waivedCauses().isEmpty()
                    ? ", explained by the delegation findings below."
                    // waived causes are not below: the plan leaves them out, so the failure stays after the change
                    : ", explained by " + Words.plural(v.consequence().waivedCauses().size(), "waived finding")
                    + " (the plan below leaves them out, so this direction keeps failing)"
                    + (v.consequence().openCauses() == 0 ? "." : " and " + Words.plural(
                    v.consequence().openCauses(), "finding") + " below."));
            case "HARDENING_PATCH_WITHOUT_DELEGATION" -> f.host() + " installed " + e.kb()
                    + (e.via() != null && !e.via().equalsIgnoreCase(e.kb()) ? " (through " + e.via() + ")" : "")
                    + (e.installedOn() == null ? "" : " on " + e.installedOn())
                    + " while its delegation is incomplete.";
            default -> "Changed since the previous run: " + f.message();
        };
    }
}
