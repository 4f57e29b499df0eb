package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.kcdauditor.inventory.ImportProblem;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.Category;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

import static org.kcdauditor.report.xlsx.XlsxReportWriter.nn;
import static org.kcdauditor.report.xlsx.XlsxReportWriter.text;

/**
 * The history sheets of audit.xlsx, each written only when the run has that data: Drift (baseline
 * drift, changes since the previous run, waivers), Patches (per node and the hardening catalogue),
 * Events (migration failures) and Imports (every patch/event file and its skipped lines).
 */
final class HistorySheets {
    private HistorySheets() {
    }

    /** The sheets {@link #write} adds for this run, each with what it holds, in workbook order. */
    static Map<String, String> sheets(ReportView view) {
        FindingsDocument doc = view.doc();
        Map<String, String> sheets = new LinkedHashMap<>();
        if (doc.baseline() != null || doc.history() != null || !view.findings(Category.DRIFT).isEmpty()) {
            sheets.put("Drift", "changes against the baseline and the previous run, waivers");
        }
        if (doc.patches() != null) {
            sheets.put("Patches", "Kerberos hardening per node");
        }
        if (doc.events() != null) {
            sheets.put("Events", "observed migration failures");
        }
        if (doc.imports() != null) {
            sheets.put("Imports", "patch and event files read");
        }
        return sheets;
    }

    static void write(SXSSFWorkbook wb, ReportView view, XlsxReportWriter.Styles st) {
        FindingsDocument doc = view.doc();
        Set<String> sheets = sheets(view).keySet();
        if (sheets.contains("Drift")) {
            drift(XlsxReportWriter.print(wb.createSheet("Drift"), true), doc, view.findings(Category.DRIFT), st);
        }
        if (sheets.contains("Patches")) {
            patches(XlsxReportWriter.print(wb.createSheet("Patches"), true), doc.patches(), st);
        }
        if (sheets.contains("Events")) {
            events(XlsxReportWriter.print(wb.createSheet("Events"), true), doc.events(), st);
        }
        if (sheets.contains("Imports")) {
            imports(XlsxReportWriter.print(wb.createSheet("Imports"), true), doc.imports(), st);
        }
    }

    private static int table(SXSSFSheet sh, int r, String[] cols, List<String[]> rows, XlsxReportWriter.Styles st,
                             XlsxReportWriter.Widths w, boolean severityFirst) {
        return table(sh, r, cols, rows, st, w, severityFirst, i -> false);
    }

    /** Rows for which {@code waived} holds are greyed, as in the Findings sheet. */
    private static int table(SXSSFSheet sh, int r, String[] cols, List<String[]> rows, XlsxReportWriter.Styles st,
                             XlsxReportWriter.Widths w, boolean severityFirst, IntPredicate waived) {
        SXSSFRow head = sh.createRow(r++);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        for (int n = 0; n < rows.size(); n++) {
            String[] v = rows.get(n);
            SXSSFRow row = sh.createRow(r++);
            for (int i = 0; i < v.length; i++) {
                text(row, i, v[i], waived.test(n) ? st.waived : severityFirst && i == 0 ? st.severity(org.kcdauditor.model.Severity.parse(v[0])) : st.text);
                w.see(i, v[i]);
            }
        }
        return r;
    }

    private static void drift(SXSSFSheet sh, FindingsDocument doc, List<ReportView.FindingView> drift,
                              XlsxReportWriter.Styles st) {
        String[] cols = {"Severity", "Rule", "Cluster", "Host", "Peer", "Entry / flag", "What changed", "Waived",
                "Id"};
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(cols);
        List<String[]> rows = new ArrayList<>();
        for (ReportView.FindingView v : drift) {
            var f = v.finding();
            rows.add(new String[]{f.severity().name(), f.rule(), f.cluster(), f.host(), f.peer(), v.spn(),
                    f.message(), v.waiverTerms(), f.id()});
        }
        int r = table(sh, 0, cols, rows, st, w, true, i -> drift.get(i).waived());
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        r++;
        HistorySections.BaselineDoc b = doc.baseline();
        SXSSFRow info = sh.createRow(r++);
        text(info, 0, "Baseline", st.h2);
        text(info, 1, b == null ? "none (kcd-audit baseline capture writes one)" : b.path() + " captured "
                + (b.capturedAt() == null ? "?" : Words.time(b.capturedAt())) + " from run " + b.capturedFrom()
                + ", approved by " + b.approvedBy() + ", " + b.hosts() + (b.hosts() == 1 ? " host" : " hosts"), st.text);
        if (doc.history() != null) {
            SXSSFRow prev = sh.createRow(r++);
            text(prev, 0, "Previous run", st.h2);
            text(prev, 1, doc.history().previousRunId() + " finished " + Words.time(doc.history().previousFinishedAt()) + ": "
                    + doc.history().newFindings().size() + " new, " + doc.history().resolvedFindings().size()
                    + " resolved findings", st.text);
        }
        if (doc.history() != null && doc.history().timeline() != null && !doc.history().timeline().isEmpty()) {
            r++;
            // Below the drift table, each value in the column of its kind (host under Host, change under
            // What changed), so the widths fit both tables.
            String[] tc = {"Timeline (UTC)", "", "", "Host", "", "", "Change", "", "Run"};
            List<String[]> tr = new ArrayList<>();
            for (HistorySections.ChangeDoc c : doc.history().timeline()) {
                tr.add(new String[]{Words.time(c.at()), "", "", c.host(), "", "", c.change(), "",
                        c.runId() == null ? "" : c.runId().substring(0, Math.min(8, c.runId().length()))});
            }
            r = table(sh, r, tc, tr, st, w, false);
        }
        if (b != null && !b.waivers().isEmpty()) {
            r++;
            String[] wc = {"Active", "Waiver rule", "Findings", "Host", "Peer", "SPN", "Justification", "Expires"};
            List<String[]> wr = new ArrayList<>();
            for (HistorySections.WaiverDoc d : b.waivers()) {
                wr.add(new String[]{d.active() ? "yes" : "EXPIRED", d.rule(), String.valueOf(d.findings()), d.host(),
                        d.peer(), d.spn(), d.justification(), String.valueOf(d.expires())});
            }
            table(sh, r, wc, wr, st, w, false);
        }
        w.apply(sh, new int[]{25, 36, 14, 14, 14, 60, 110, 50, 18});
    }

    private static void patches(SXSSFSheet sh, HistorySections.PatchesDoc p, XlsxReportWriter.Styles st) {
        String[] cols = {"Host", "Cluster", "Patch records", "Last installed", "Hardening installed", "Installed KBs"};
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(new String[]{"Host", "Cluster", "Patch records",
                "Last installed", "Hardening installed", "Installed KBs", "Carried by"});
        List<String[]> rows = new ArrayList<>();
        for (HistorySections.HostPatchesDoc h : nn(p.hosts())) {
            List<String> hard = new ArrayList<>();
            for (HistorySections.InstalledDoc i : nn(h.hardening())) {
                hard.add(i.kb() + (i.kb().equals(i.via()) ? "" : " via " + i.via())
                        + (i.installedOn() == null ? "" : " (" + i.installedOn() + ")"));
            }
            rows.add(new String[]{h.host(), h.cluster(), String.valueOf(h.records()),
                    h.lastInstalled() == null ? "" : h.lastInstalled().toString(),
                    h.records() == 0 ? "no patch data" : String.join(", ", hard), String.join(", ", nn(h.kbs()))});
        }
        int r = table(sh, 0, cols, rows, st, w, false);
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        r++;
        SXSSFRow title = sh.createRow(r++);
        text(title, 0, "Hardening catalogue", st.h2);
        String[] cc = {"KB", "CVE", "Title", "Released", "Enforced", "What changes", "Carried by"};
        List<String[]> cr = new ArrayList<>();
        for (HistorySections.HardeningDoc h : nn(p.catalogue())) {
            cr.add(new String[]{h.kb(), h.cve(), h.title(), h.released() == null ? "" : h.released().toString(),
                    h.enforced(), h.changes(), String.join(", ", nn(h.carriedBy()))});
        }
        table(sh, r, cc, cr, st, w, false);
        w.apply(sh, new int[]{14, 14, 40, 16, 60, 110, 40});
    }

    private static void events(SXSSFSheet sh, List<HistorySections.EventDoc> events, XlsxReportWriter.Styles st) {
        String[] cols = {"Time (UTC)", "Host", "Event", "Source", "Destination", "Classification", "HRESULT",
                "Message", "From file"};
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(cols);
        List<String[]> rows = new ArrayList<>();
        for (HistorySections.EventDoc e : events) {
            rows.add(new String[]{Words.time(e.timeCreated()), e.host(),
                    String.valueOf(e.eventId()), e.source(), e.destination(), e.classification(), e.hresult(),
                    e.message(), e.origin()});
        }
        int r = table(sh, 0, cols, rows, st, w, false);
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        w.apply(sh, new int[]{30, 14, 8, 14, 14, 20, 12, 110, 60});
    }

    private static void imports(SXSSFSheet sh, List<ImportResult> imports, XlsxReportWriter.Styles st) {
        String[] cols = {"File", "Kind", "Read as", "Records", "Lines skipped", "Error / skipped line"};
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(cols);
        List<String[]> rows = new ArrayList<>();
        for (ImportResult i : imports) {
            rows.add(new String[]{i.file(), i.kind(), i.format(), String.valueOf(i.records()),
                    String.valueOf(i.skipped()), i.error() == null ? "" : i.error()});
            for (ImportProblem p : nn(i.problems())) {
                rows.add(new String[]{"", "", "", "", "line " + p.line(), p.reason() + (p.skipped() ? "" : " (kept)")});
            }
        }
        int r = table(sh, 0, cols, rows, st, w, false);
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        w.apply(sh, new int[]{80, 10, 60, 10, 14, 110});
    }
}
