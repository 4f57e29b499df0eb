package org.kcdauditor.report.pdf;

import com.lowagie.text.Document;
import com.lowagie.text.Paragraph;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.Category;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

import static org.kcdauditor.report.pdf.PdfReportWriter.cell;
import static org.kcdauditor.report.pdf.PdfReportWriter.header;
import static org.kcdauditor.report.pdf.PdfReportWriter.heading;
import static org.kcdauditor.report.pdf.PdfReportWriter.keepRoom;
import static org.kcdauditor.report.pdf.PdfReportWriter.nn;
import static org.kcdauditor.report.pdf.PdfReportWriter.ruleCell;

/**
 * The PDF's history section (only when the run has history data): drift against the approved
 * baseline and since the previous run, waivers, Kerberos hardening per node, and observed migration
 * failures — the evidence a change board asks for ("was the hardening update the trigger?").
 */
final class HistorySection {
    private HistorySection() {
    }

    static void write(Document d, PdfWriter writer, ReportView view, PdfReportWriter.Fonts f) {
        FindingsDocument doc = view.doc();
        List<ReportView.FindingView> drift = view.findings(Category.DRIFT);
        boolean any = doc.baseline() != null || doc.history() != null || doc.patches() != null
                || doc.events() != null || !drift.isEmpty();
        if (!any) {
            return;
        }
        d.newPage();
        d.add(heading("Drift, patches and events", f.h1, 0));
        HistorySections.BaselineDoc b = doc.baseline();
        d.add(new Paragraph(b == null ? "No documented baseline: capture one with 'kcd-audit baseline capture'."
                : "Compared with the baseline approved by " + PdfReportWriter.shown(b.approvedBy()) + " (captured " + Words.time(b.capturedAt())
                + ", " + Words.plural(b.hosts(), "host") + ")" + (doc.history() == null ? "." : " and with run "
                + doc.history().previousRunId().substring(0, 8) + " (" + doc.history().newFindings().size()
                + " new, " + doc.history().resolvedFindings().size() + " resolved findings)."), f.body));
        if (!drift.isEmpty()) {
            keepRoom(d, writer, PdfReportWriter.KEEP_WITH_TABLE);
            d.add(heading("Drift", f.h2, 10));
            d.add(table(new float[]{1.2f, 3f, 1.3f, 7f}, List.of("Severity", "Rule", "Host", "What changed"),
                    drift.stream().map(x -> new String[]{x.finding().severity().name(), x.finding().rule(),
                            x.finding().host(), x.finding().message() + (x.waived() ? "\n" + x.waiverNote() : "")})
                            .toList(), 1, i -> drift.get(i).waived(), f));
        }
        if (doc.history() != null && doc.history().timeline() != null && !doc.history().timeline().isEmpty()) {
            keepRoom(d, writer, PdfReportWriter.KEEP_WITH_TABLE);
            d.add(heading("Timeline of changes", f.h2, 10));
            d.add(table(new float[]{2.5f, 1.3f, 8f}, List.of("When (UTC)", "Host", "Change"),
                    doc.history().timeline().stream().limit(40).map(c -> new String[]{Words.time(c.at()),
                            c.host(), c.change()}).toList(), f));
        }
        if (b != null && !nn(b.waivers()).isEmpty()) {
            keepRoom(d, writer, PdfReportWriter.KEEP_WITH_TABLE);
            d.add(heading("Waivers", f.h2, 10));
            List<String[]> rows = new ArrayList<>();
            for (HistorySections.WaiverDoc w : b.waivers()) {
                rows.add(new String[]{w.rule() + "\n" + w.host() + (w.peer() == null ? "" : " -> " + w.peer())
                        + (w.warning() == null ? "" : "\n" + w.warning()),
                        w.justification(), w.expires() + (w.active() ? "" : " (EXPIRED)"),
                        String.valueOf(w.findings())});
            }
            d.add(table(new float[]{3f, 6f, 2f, 1.2f}, List.of("Rule / host", "Justification", "Expires", "Waived"),
                    rows, 0, i -> false, f));
        }
        if (doc.patches() != null) {
            keepRoom(d, writer, PdfReportWriter.KEEP_WITH_TABLE);
            d.add(heading("Kerberos hardening per node", f.h2, 10));
            List<String[]> rows = new ArrayList<>();
            for (HistorySections.HostPatchesDoc h : nn(doc.patches().hosts())) {
                List<String> hard = new ArrayList<>();
                nn(h.hardening()).forEach(i -> hard.add(i.kb() + (i.kb().equals(i.via()) ? "" : " via " + i.via())
                        + (i.installedOn() == null ? "" : " " + i.installedOn())));
                rows.add(new String[]{h.host(), h.cluster(), h.records() == 0 ? "no patch data"
                        : String.valueOf(h.lastInstalled() == null ? "-" : h.lastInstalled()),
                        hard.isEmpty() ? "-" : String.join(", ", hard)});
            }
            d.add(table(new float[]{1.5f, 1.5f, 2f, 7f}, List.of("Host", "Cluster", "Last update", "Hardening installed"),
                    rows, f));
        }
        if (doc.events() != null) {
            keepRoom(d, writer, PdfReportWriter.KEEP_WITH_TABLE);
            d.add(heading("Observed migration failures", f.h2, 10));
            List<String[]> rows = new ArrayList<>();
            for (HistorySections.EventDoc e : doc.events()) {
                rows.add(new String[]{Words.time(e.timeCreated()), e.source() + " -> "
                        + (e.destination() == null ? "?" : e.destination()), e.eventId() + " " + e.classification()
                        + (e.hresult() == null ? "" : " " + e.hresult()), e.message()});
            }
            d.add(table(new float[]{2.6f, 2f, 2.4f, 7f}, List.of("Time (UTC)", "Pair", "Event", "Message"), rows, f));
        }
    }

    private static PdfPTable table(float[] widths, List<String> cols, List<String[]> rows, PdfReportWriter.Fonts f) {
        return table(widths, cols, rows, -1, i -> false, f);
    }

    /** Column {@code ruleColumn} holds rule ids (wrapped at underscores); rows where {@code waived} holds are greyed. */
    private static PdfPTable table(float[] widths, List<String> cols, List<String[]> rows, int ruleColumn,
                                   IntPredicate waived, PdfReportWriter.Fonts f) {
        PdfPTable t = new PdfPTable(widths);
        t.setWidthPercentage(100);
        t.setSpacingBefore(4);
        t.setHeaderRows(1);
        for (String c : cols) {
            t.addCell(header(c, f));
        }
        for (int i = 0; i < rows.size(); i++) {
            boolean grey = waived.test(i);
            String[] r = rows.get(i);
            for (int j = 0; j < r.length; j++) {
                String v = r[j] == null ? "" : r[j];
                t.addCell(j == ruleColumn ? ruleCell(v, grey ? f.waived : f.tiny, grey ? PdfReportWriter.LIGHT : null)
                        : cell(v, grey ? f.waived : f.tiny, grey ? PdfReportWriter.LIGHT : null));
            }
        }
        return t;
    }
}
