package org.kcdauditor.report.runbook;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.ChangesInWords;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.Category;
import org.kcdauditor.rules.ChangedSinceLastRunRule;

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
    /** The hosts changed since the previous run named one line each; the rest counted in one line. */
    private static final int CHANGED_MAX = 5;
    /** A host with more changes than this is summarised: how many entries, towards which hosts. */
    private static final int CHANGES_IN_FULL = 3;

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
                    + Words.plural(drift, "deviation") + " from it found" + where + "."
                    + (b.changed() ? " The baseline " + HistorySections.BaselineDoc.CHANGED + ": the approval does"
                    + " not cover the edits." : ""));
        }
        String timeline = beside.contains(Format.XLSX) ? "the Timeline sheet of audit.xlsx and findings.json"
                : "findings.json";
        // clusters added to or taken out of the configuration since the previous run: told apart from the directory's
        if (doc.history() != null) {
            out.addAll(doc.history().configurationChanges());
        }
        int changedShown = 0;
        int changedLeft = 0;
        for (ReportView.FindingView v : view.findings()) {
            boolean changed = "CHANGED_SINCE_LAST_RUN".equals(v.finding().rule());
            if (out.size() >= MAX || changed && changedShown >= CHANGED_MAX) {
                changedLeft += changed ? 1 : 0;
                continue;
            }
            String line = changed ? changed(v.finding(), timeline) : line(v);
            if (line != null) {
                out.add(line);
                changedShown += changed ? 1 : 0;
            }
        }
        if (changedLeft > 0) {
            out.add("… and " + Words.plural(changedLeft, "more host") + " changed since the previous run: every change"
                    + " in " + timeline + ".");
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

    /**
     * A host's changes since the previous run: as the finding says them where there are at most
     * {@link #CHANGES_IN_FULL}; else counted from its evidence ("Changed since the previous run (2026-12-06 06:00:01
     * UTC): HV10: 254 delegation entries removed (towards 64 hosts: HV01, HV02, HV03, …), none added, 2 other changes; every change in the
     * Timeline sheet of audit.xlsx and findings.json"), a node rebuilt reading as one line rather than one per entry.
     */
    private static String changed(Finding f, String timeline) {
        List<String> changes = f.hasEvidence() ? f.evidence().changes() : null;
        if (changes == null || changes.size() <= CHANGES_IN_FULL) {
            return "Changed since the previous run: " + f.message();
        }
        Evidence e = f.evidence();
        List<String> removed = e.entriesRemoved() == null ? List.of() : e.entriesRemoved();
        List<String> added = e.entriesAdded() == null ? List.of() : e.entriesAdded();
        int others = changes.size() - removed.size() - added.size();
        String since = e.previousRunAt() == null ? "" : " (" + Words.time(e.previousRunAt()) + ")";
        // what the finding says after its changes (that the directory records no write of them), from its evidence
        String note = Boolean.TRUE.equals(e.mayBeUnreadable()) && e.attribute() != null
                ? ChangedSinceLastRunRule.notWrittenNote(Values.visibleAccount(f.host()), e.attribute(), null) : "";
        String entries = removed.isEmpty() && added.isEmpty() ? Words.plural(changes.size(), "change")
                : entriesInWords(removed, "removed") + ", " + (added.isEmpty() ? "none added"
                : entriesInWords(added, "added")) + (others == 0 ? "" : ", " + Words.plural(others, "other change"));
        return "Changed since the previous run" + since + ": " + Values.visibleAccount(f.host()) + ": " + entries
                + "; every change in " + timeline + "." + note;
    }

    /**
     * "254 delegation entries removed (towards 64 hosts: HV01, HV02, HV03, …)", "4 delegation entries removed (towards
     * HVOLD7)" as the PDF says them; "no delegation entry removed" for none.
     */
    private static String entriesInWords(List<String> entries, String how) {
        if (entries.isEmpty()) {
            return "no delegation entry " + how;
        }
        return entries.size() + (entries.size() == 1 ? " delegation entry " : " delegation entries ") + how + " ("
                + ChangesInWords.towards(entries) + ")";
    }

    /** The line of an observed failure or a hardening update; null for others. */
    private static String line(ReportView.FindingView v) {
        var f = v.finding();
        String rule = f.rule();
        boolean relevant = "HARDENING_PATCH_WITHOUT_DELEGATION".equals(rule)
                || "MIGRATION_FAILURE_OBSERVED".equals(rule);
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
            default -> f.host() + " installed " + e.kb()
                    + (e.via() != null && !e.via().equalsIgnoreCase(e.kb()) ? " (through " + e.via() + ")" : "")
                    + (e.installedOn() == null ? "" : " on " + e.installedOn())
                    + " while its delegation is incomplete.";
        };
    }
}
