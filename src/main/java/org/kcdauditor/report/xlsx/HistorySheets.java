package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.xddf.usermodel.chart.AxisCrosses;
import org.apache.poi.xddf.usermodel.chart.AxisPosition;
import org.apache.poi.xddf.usermodel.chart.BarDirection;
import org.apache.poi.xddf.usermodel.chart.ChartTypes;
import org.apache.poi.xddf.usermodel.chart.LegendPosition;
import org.apache.poi.xddf.usermodel.chart.MarkerStyle;
import org.apache.poi.xddf.usermodel.chart.XDDFBarChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFCategoryAxis;
import org.apache.poi.xddf.usermodel.chart.XDDFChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFDataSourcesFactory;
import org.apache.poi.xddf.usermodel.chart.XDDFLineChartData;
import org.apache.poi.xddf.usermodel.chart.XDDFNumericalDataSource;
import org.apache.poi.xddf.usermodel.chart.XDDFValueAxis;
import org.apache.poi.xddf.usermodel.XDDFColor;
import org.apache.poi.xddf.usermodel.XDDFLineProperties;
import org.apache.poi.xddf.usermodel.XDDFShapeProperties;
import org.apache.poi.xddf.usermodel.XDDFSolidFillProperties;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFChart;
import org.apache.poi.xssf.usermodel.XSSFClientAnchor;
import org.apache.poi.xssf.usermodel.XSSFDrawing;
import org.kcdauditor.audit.WaiverHosts;
import org.kcdauditor.inventory.ImportProblem;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.Palette;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.rules.Category;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.kcdauditor.report.xlsx.XlsxReportWriter.nn;
import static org.kcdauditor.report.xlsx.XlsxReportWriter.text;

/**
 * The history sheets of audit.xlsx, each written only when the run has that data and each one Excel table, so that
 * filters and pivot tables see all its rows: Drift (baseline drift, waiver findings, changes), Patches (per node),
 * Events (migration failures) and Imports (every patch/event file and its skipped lines) among the first sheets;
 * after Rules, Timeline (changes since earlier runs), Waivers (the baseline's), Hardening (the catalogue) and Trend
 * (the last runs of this configuration, the PDF chart's series, with a native chart).
 */
final class HistorySheets {
    /** Where the Trend sheet's chart sits, right of the table's ten columns: columns and rows. */
    static final int CHART_COL = 10;
    static final int CHART_WIDTH = 12;
    static final int CHART_HEIGHT = 22;

    private HistorySheets() {
    }

    /**
     * The sheets {@link #write} adds, each with what it holds, in workbook order (before Rules). Every workbook has
     * every sheet, with its header row and table also where this run has nothing for it, so that a monthly
     * consolidation by sheet name (Power Query over a folder of workbooks) finds each sheet in every month.
     */
    static Map<String, String> sheets(ReportView view) {
        FindingsDocument doc = view.doc();
        Map<String, String> sheets = new LinkedHashMap<>();
        sheets.put("Drift", held("changes against the baseline and the previous run", doc.baseline() != null
                || doc.history() != null || !view.findings(Category.DRIFT).isEmpty(), "no baseline or earlier run"));
        sheets.put("Patches", held("Kerberos hardening per node", doc.patches() != null, "no patch export read"));
        sheets.put("Events", held("observed migration failures", doc.events() != null, "no event export read"));
        sheets.put("Imports", held("patch and event files read", doc.imports() != null, "no file imported"));
        return sheets;
    }

    /** The sheets {@link #writeAppended} adds after Rules (added later than the first sheets, so they come last). */
    static Map<String, String> appendedSheets(ReportView view) {
        FindingsDocument doc = view.doc();
        Map<String, String> sheets = new LinkedHashMap<>();
        sheets.put("Timeline", held("the changes to the nodes' delegation this run and earlier runs saw, with when and"
                + " at which domain controller each was made", !timeline(doc).isEmpty(), "no change seen"));
        sheets.put("Waivers", held("the baseline's waivers", !waivers(doc).isEmpty(), "the baseline has none"));
        sheets.put("Hardening", held("the hardening catalogue", doc.patches() != null, "no patch export read"));
        sheets.put("Trend", held("the last runs of this configuration, with a chart", !view.trend().isEmpty(),
                "no stored run"));
        return sheets;
    }

    /** The sheets {@link #writeLast} adds after Clusters (added after it, so they come last). */
    static Map<String, String> lastSheets(ReportView view) {
        Map<String, String> sheets = new LinkedHashMap<>();
        sheets.put("KDC events", held("the domain controllers' KDC events about the accounts of the hosts",
                !kdcEvents(view.doc()).isEmpty(), "none imported"));
        return sheets;
    }

    /** What a sheet holds, and why it is empty this run where it is. */
    private static String held(String what, boolean filled, String whyEmpty) {
        return filled ? what : what + "; empty: " + whyEmpty;
    }

    private static List<HistorySections.ChangeDoc> timeline(FindingsDocument doc) {
        return doc.history() == null ? List.of() : nn(doc.history().timeline());
    }

    private static List<HistorySections.WaiverDoc> waivers(FindingsDocument doc) {
        return doc.baseline() == null ? List.of() : nn(doc.baseline().waivers());
    }

    static void write(SXSSFWorkbook wb, ReportView view, XlsxReportWriter.Styles st) {
        FindingsDocument doc = view.doc();
        RunStamp run = RunStamp.of(doc);
        drift(XlsxReportWriter.print(wb.createSheet("Drift"), true), view.findings(Category.DRIFT), st, run);
        patches(XlsxReportWriter.print(wb.createSheet("Patches"), true), doc.patches(), st, run);
        events(XlsxReportWriter.print(wb.createSheet("Events"), true), nn(doc.events()), st, run);
        imports(XlsxReportWriter.print(wb.createSheet("Imports"), true), nn(doc.imports()), st, run);
    }

    static void writeAppended(SXSSFWorkbook wb, ReportView view, XlsxReportWriter.Styles st) {
        FindingsDocument doc = view.doc();
        timeline(XlsxReportWriter.print(wb.createSheet("Timeline"), true), timeline(doc), st);
        waivers(XlsxReportWriter.print(wb.createSheet("Waivers"), true), waivers(doc), st, RunStamp.of(doc));
        hardening(XlsxReportWriter.print(wb.createSheet("Hardening"), true), doc.patches(), st);
        trend(wb, XlsxReportWriter.print(wb.createSheet("Trend"), true), view, st);
    }

    static void writeLast(SXSSFWorkbook wb, ReportView view, XlsxReportWriter.Styles st) {
        kdcEvents(XlsxReportWriter.print(wb.createSheet("KDC events"), true), kdcEvents(view.doc()), st,
                RunStamp.of(view.doc()));
    }

    /**
     * The run a data sheet's rows are of, in two columns after the sheet's own ("Run id", and "Run date", a date-time
     * cell: the run's finish, as the Findings sheet gives it), so that the rows of monthly workbooks appended into one
     * table still say which run and month each is of, and the columns before them keep their places.
     */
    record RunStamp(String runId, Instant at) {
        static final String[] COLUMNS = {"Run id", "Run date"};

        static RunStamp of(FindingsDocument doc) {
            return new RunStamp(doc.runId(), doc.finishedAt());
        }

        String[] columns(String[] cols) {
            String[] out = Arrays.copyOf(cols, cols.length + 2);
            out[cols.length] = COLUMNS[0];
            out[cols.length + 1] = COLUMNS[1];
            return out;
        }

        int[] widths(int[] max) {
            int[] out = Arrays.copyOf(max, max.length + 2);
            out[max.length] = 38;
            out[max.length + 1] = 20;
            return out;
        }

        Object[] row(Object[] values) {
            Object[] out = Arrays.copyOf(values, values.length + 2);
            out[values.length] = runId;
            out[values.length + 1] = at;
            return out;
        }
    }

    /**
     * A header row and typed rows: a String is a text cell (never a formula), a Number a number, a LocalDate a
     * date, a YearMonth a date shown as its month and an Instant a date-time (UTC); null a blank cell, never an empty
     * text, so that a date or number column holds only dates or numbers for a pivot table. Rows for which
     * {@code waived} holds are greyed. The sheet becomes one Excel table named {@code name}.
     */
    private static int table(SXSSFSheet sh, String name, String[] cols, List<Object[]> rows,
                             XlsxReportWriter.Styles st, int[] max, boolean severityFirst, IntPredicate waived,
                             RunStamp run) {
        if (run != null) {
            cols = run.columns(cols);
            max = run.widths(max);
            rows = rows.stream().map(run::row).toList();
        }
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = 1;
        for (int n = 0; n < rows.size(); n++) {
            Object[] v = rows.get(n);
            boolean grey = waived.test(n);
            SXSSFRow row = sh.createRow(r++);
            for (int i = 0; i < v.length; i++) {
                Object x = v[i];
                if (x instanceof Number num) {
                    XlsxReportWriter.number(row, i, num.doubleValue(), st.number);
                    w.see(i, String.valueOf(num));
                } else if (x instanceof LocalDate d) {
                    XlsxReportWriter.date(row, i, d, grey ? st.waivedDate : st.date);
                    w.see(i, "2026-11-26");
                } else if (x instanceof YearMonth m) {
                    XlsxReportWriter.date(row, i, m.atDay(1), st.month);
                    w.see(i, "2026-11-26");
                } else if (x instanceof Instant t) {
                    XlsxReportWriter.time(row, i, t, grey ? st.waivedDateTime : st.dateTime);
                    w.see(i, "2026-11-26 06:00:00");
                } else if (x == null) {
                    row.createCell(i).setCellStyle(grey ? st.waived : st.text);
                } else {
                    String s = x.toString();
                    CellStyle style = grey ? st.waived : severityFirst && i == 0 && !s.isEmpty()
                            ? st.severity(Severity.parse(s)) : st.text;
                    text(row, i, s, style);
                    w.see(i, s);
                }
            }
        }
        sh.createFreezePane(0, 1);
        w.apply(sh, max);
        XlsxReportWriter.table(sh, name, cols, r - 1);
        return r;
    }

    /**
     * The drift findings. Waived answers Yes or No as on the Findings sheet (findings.json's {@code waived}), so that
     * one filter or COUNTIF reads both sheets alike; the waiver's expiry (a date) and justification follow in columns
     * of their own, after the existing ones, as on the Findings sheet.
     */
    private static void drift(SXSSFSheet sh, List<ReportView.FindingView> drift, XlsxReportWriter.Styles st,
                RunStamp run) {
        String[] cols = {"Severity", "Rule", "Cluster", "Host", "Peer", "Entry / flag", "What changed", "Waived",
                "Id", "Severity rank", "Waiver expires", "Waiver justification"};
        List<Object[]> rows = new ArrayList<>();
        for (ReportView.FindingView v : drift) {
            var f = v.finding();
            var waiver = f.isWaived() ? f.waiver() : null;
            rows.add(new Object[]{f.severity().name(), f.rule(), f.cluster(), XlsxReportWriter.name(f.host()),
                    XlsxReportWriter.name(f.peer()), v.entryOrFlags(),
                    f.message(), v.waivedColumn(), f.id(), XlsxReportWriter.rank(f.severity()),
                    waiver == null ? null : waiver.expires(), waiver == null ? null : waiver.justification()});
        }
        table(sh, "Drift", cols, rows, st, new int[]{10, 36, 14, 14, 14, 60, 110, 9, 18, 10, 14, 50}, true,
                i -> drift.get(i).waived(), run);
    }

    /**
     * One row per change record: the run that saw it ("Seen by run"), then, from the replication metadata the change
     * names, when the attribute was written, at which domain controller and its version (blank where it names none).
     */
    private static void timeline(SXSSFSheet sh, List<HistorySections.ChangeDoc> timeline, XlsxReportWriter.Styles st) {
        String[] cols = {"Seen by run (UTC)", "Host", "Change", "Run id", "Changed at (UTC)", "Originating DC",
                "Version"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.ChangeDoc c : timeline) {
            Written w = written(c.change());
            rows.add(new Object[]{c.at(), XlsxReportWriter.name(c.host()), c.change(), c.runId(),
                    w == null ? null : w.at(), w == null ? null : w.dc(), w == null ? null : w.version()});
        }
        table(sh, "Timeline", cols, rows, st, new int[]{22, 16, 110, 38, 22, 20, 8}, false, i -> false, null);
    }

    /** When, at which domain controller and in which version an attribute was last written (its replication metadata). */
    record Written(Instant at, String dc, long version) {
    }

    /**
     * {@code — changed 2026-11-24 16:41:07 UTC at DC2 (version 11)}, as {@link org.kcdauditor.model.AttributeChange#describe}
     * writes it after a change. The em dash cannot come from the directory: the changes show a directory value's
     * characters outside ASCII by their code.
     */
    private static final Pattern WRITTEN = Pattern.compile("\u2014 changed (?:(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2})"
            + " UTC|at an unknown time)(?: at (.+?))? \\(version (\\d{1,18})\\)");

    /**
     * The write a change record names; of several (a host whose entries and flags changed), the latest; null where it
     * names none (a host that joined, or a record of a version that did not say).
     */
    static Written written(String change) {
        if (change == null) {
            return null;
        }
        Written latest = null;
        Matcher m = WRITTEN.matcher(change);
        while (m.find()) {
            Instant at = m.group(1) == null ? null
                    : java.time.LocalDateTime.parse(m.group(1).replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
            if (latest == null || at != null && (latest.at() == null || at.isAfter(latest.at()))) {
                latest = new Written(at, m.group(2), Long.parseLong(m.group(3)));
            }
        }
        return latest;
    }

    private static void waivers(SXSSFSheet sh, List<HistorySections.WaiverDoc> waivers, XlsxReportWriter.Styles st,
                RunStamp run) {
        // Active answers yes or no: Yes for a waiver that applies (not expired, and not one that can never apply, which
        // must not read as silently active); State says which: active, expired, or why it never applies (NO NODE,
        // NO PEER, NO SPN; "expired, NO NODE" for both)
        // the audit trail after them, in columns of its own (the earlier ones keep their places): who granted the
        // waiver, on which day, under which ticket ("no approver recorded" where the file names neither approver nor
        // ticket), and the first run that waived a finding under it
        String[] cols = {"Active", "Waiver rule", "Findings waived", "Host", "Peer", "SPN", "Justification",
                "Expires", "State", "Approved by", "Approved on", "Ticket", "First waived in run"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.WaiverDoc d : waivers) {
            String state = d.warning() == null ? (d.active() ? "active" : "expired")
                    : (d.active() ? "" : "expired, ") + WaiverHosts.label(d.warning());
            rows.add(new Object[]{d.active() && d.warning() == null ? "Yes" : "No", d.rule(),
                    d.findings(), XlsxReportWriter.name(d.host()), XlsxReportWriter.name(d.peer()),
                    Values.visibleSpn(d.spn()),
                    d.justification(), d.expires(), state,
                    d.approvedBy() == null ? d.trailMissing() : d.approvedBy(), d.approvedOn(), d.ticket(),
                    d.firstWaivedRun()});
        }
        table(sh, "Waivers", cols, rows, st, new int[]{9, 36, 10, 14, 14, 50, 80, 12, 20, 24, 12, 16, 38}, false,
                i -> false, run);
    }

    private static void patches(SXSSFSheet sh, HistorySections.PatchesDoc p, XlsxReportWriter.Styles st,
                RunStamp run) {
        String[] cols = {"Host", "Cluster", "Patch records", "Last installed", "Hardening installed", "Installed KBs"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.HostPatchesDoc h : p == null ? List.<HistorySections.HostPatchesDoc>of() : nn(p.hosts())) {
            // as the PDF says it (HostPatchesDoc.hardeningText); blank where there is no patch data (Patch records
            // 0): not known
            rows.add(new Object[]{XlsxReportWriter.name(h.host()), h.cluster(), h.records(), h.lastInstalled(),
                    h.hardeningText(), String.join(", ", nn(h.kbs()))});
        }
        table(sh, "Patches", cols, rows, st, new int[]{14, 14, 10, 14, 60, 110}, false, i -> false, run);
    }

    private static void hardening(SXSSFSheet sh, HistorySections.PatchesDoc p, XlsxReportWriter.Styles st) {
        String[] cols = {"KB", "CVE", "Title", "Released", "Enforced", "Enforcement", "What changes", "Carried by"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.HardeningDoc h : p == null ? List.<HistorySections.HardeningDoc>of() : nn(p.catalogue())) {
            Object[] enforced = enforced(h.enforced());
            rows.add(new Object[]{h.kb(), h.cve(), h.title(), h.released(), enforced[0], enforced[1], h.changes(),
                    String.join(", ", nn(h.carriedBy()))});
        }
        table(sh, "Hardening", cols, rows, st, new int[]{12, 16, 40, 12, 12, 40, 110, 60}, false, i -> false, null);
    }

    private static final Pattern ENFORCED = Pattern.compile("(\\d{4}-\\d{2})(-\\d{2})?\\s*(?:\\((.*)\\))?");

    /**
     * The catalogue's {@code enforced} ("2023-10-10 (full)", "2025-04 (full)") as a date (a LocalDate, or a
     * YearMonth when it names only the month) and its note in words ("full"); text it cannot read stays whole in
     * the note.
     */
    static Object[] enforced(String value) {
        String v = value == null ? "" : value.trim();
        Matcher m = ENFORCED.matcher(v);
        if (!m.matches()) {
            return new Object[]{null, v};
        }
        try {
            Object date = m.group(2) == null ? YearMonth.parse(m.group(1)) : LocalDate.parse(m.group(1) + m.group(2));
            return new Object[]{date, m.group(3) == null ? "" : m.group(3).trim()};
        } catch (DateTimeParseException e) {
            return new Object[]{null, v};
        }
    }

    /**
     * The observed migration failures; the KDC's events are on a sheet of their own. Account and Service stay (the
     * columns a pivot names), blank: a migration failure names its source and destination host.
     */
    private static void events(SXSSFSheet sh, List<HistorySections.EventDoc> events, XlsxReportWriter.Styles st,
                RunStamp run) {
        String[] cols = {"Time (UTC)", "Host", "Event", "Source", "Destination", "Account", "Service",
                "Classification", "HRESULT", "Message", "From file"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.EventDoc e : events) {
            if (!kdc(e)) {
                rows.add(new Object[]{e.timeCreated(), e.host(), e.eventId(), e.source(), e.destination(), e.account(),
                        e.service(), e.classification(), e.hresult(), oneLine(e.message()), e.origin()});
            }
        }
        table(sh, "Events", cols, rows, st, new int[]{22, 14, 8, 14, 14, 14, 14, 20, 12, 110, 60}, false,
                i -> false, run);
    }

    /** Whether an event is one of the KDCSVC events a domain controller logs (KB5073381), not a migration failure. */
    static boolean kdc(HistorySections.EventDoc e) {
        for (EventClassification c : EventClassification.values()) {
            if (c.name().equals(e.classification())) {
                return c.kdc();
            }
        }
        return false;
    }

    private static List<HistorySections.EventDoc> kdcEvents(FindingsDocument doc) {
        return doc.events() == null ? List.of() : doc.events().stream().filter(HistorySheets::kdc).toList();
    }

    /**
     * The KDCSVC events of the domain controllers: the account that asked for a ticket and the service it was for, a
     * computer account as its host's name (HV12, not HV12$), as every other sheet names the hosts.
     */
    private static void kdcEvents(SXSSFSheet sh, List<HistorySections.EventDoc> events, XlsxReportWriter.Styles st,
                RunStamp run) {
        String[] cols = {"Time (UTC)", "Domain controller", "Event", "Account", "Service", "Classification", "Message",
                "From file"};
        List<Object[]> rows = new ArrayList<>();
        for (HistorySections.EventDoc e : events) {
            rows.add(new Object[]{e.timeCreated(), e.host(), e.eventId(), XlsxReportWriter.name(hostOf(e.account())),
                    XlsxReportWriter.name(hostOf(e.service())), e.classification(), oneLine(e.message()), e.origin()});
        }
        table(sh, "KDCEvents", cols, rows, st, new int[]{22, 20, 8, 20, 40, 20, 110, 60}, false, i -> false, run);
    }

    /** A computer account's host name ({@code HV12$} as HV12); any other account or SPN as it is. */
    private static String hostOf(String account) {
        return account != null && account.length() > 1 && account.endsWith("$")
                ? account.substring(0, account.length() - 1) : account;
    }

    /**
     * One row per file, then one per skipped or noted line (a host not audited at its first line), each naming its
     * file so a filter keeps them together.
     */
    private static void imports(SXSSFSheet sh, List<ImportResult> imports, XlsxReportWriter.Styles st,
                RunStamp run) {
        String[] cols = {"File", "Kind", "Read as", "Records", "Lines skipped", "Rows not audited", "Line",
                "Error / skipped line"};
        List<Object[]> rows = new ArrayList<>();
        for (ImportResult i : imports) {
            rows.add(new Object[]{i.file(), i.kind(), i.format(), i.records(), i.skipped(), i.notAudited(), null,
                    i.error() == null ? "" : i.error()});
            for (ImportProblem p : nn(i.problems())) {
                rows.add(new Object[]{i.file(), i.kind(), null, null, null, null, p.line() > 0 ? p.line() : null,
                        p.reason() + (p.kept() ? " (kept)" : "")});
            }
        }
        table(sh, "Imports", cols, rows, st, new int[]{80, 10, 60, 10, 14, 16, 8, 110}, false, i -> false, run);
    }

    /**
     * The last runs of this configuration, oldest first, this run last: the series of the PDF's trend chart as
     * numbers (pairs OK % a percentage, times as date-times), and a native Excel chart of them (XDDF): new problems,
     * resolved findings and changes recorded as bars and open HIGH as a line on the left axis, pairs OK % as a line on
     * the right.
     */
    private static void trend(SXSSFWorkbook wb, SXSSFSheet sh, ReportView view, XlsxReportWriter.Styles st) {
        List<TrendPoint> trend = view.trend();
        List<String> labels = view.trendLabels();
        boolean byDay = labels.stream().allMatch(l -> l.matches("\\d{4}-\\d{2}-\\d{2}"));
        List<String> series = ReportView.TREND_SERIES;
        String[] cols = {"Run", "Run id", "Finished (UTC)", "Pairs", "Pairs OK", series.get(0), series.get(1),
                series.get(2), series.get(3), series.get(4)};
        XlsxReportWriter.Widths w = new XlsxReportWriter.Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        for (int n = 0; n < trend.size(); n++) {
            TrendPoint t = trend.get(n);
            SXSSFRow row = sh.createRow(n + 1);
            // the run as a date (a date-time where two runs share a day, as the chart's labels then tell them apart)
            if (byDay) {
                XlsxReportWriter.date(row, 0, t.finishedAt() == null ? null
                        : LocalDate.ofInstant(t.finishedAt(), java.time.ZoneOffset.UTC), st.date);
            } else {
                XlsxReportWriter.time(row, 0, t.finishedAt(), st.dateTime);
            }
            w.see(0, byDay ? "2026-11-26" : "2026-11-26 06:00:00");
            text(row, 1, t.runId(), st.text);
            w.see(1, t.runId());
            XlsxReportWriter.time(row, 2, t.finishedAt(), st.dateTime);
            number(row, 3, t.pairs(), st.number);
            number(row, 4, t.pairsOk(), st.number);
            if (t.pairsOkPercent() != null) {
                XlsxReportWriter.number(row, 5, t.pairsOkPercent() / 100.0, st.percentPlain);
            } else {
                row.createCell(5).setCellStyle(st.percentPlain);
            }
            number(row, 6, t.openHigh(), st.number);
            number(row, 7, t.newProblems(), st.number);
            number(row, 8, t.resolvedFindings(), st.number);
            number(row, 9, t.changeRecords(), st.number);
        }
        w.see(2, "2026-11-26 06:00:00");
        sh.createFreezePane(0, 1);
        w.apply(sh, new int[]{22, 38, 20, 8, 10, 12, 12, 14, 18, 18});
        XlsxReportWriter.table(sh, "Trend", cols, trend.size());
        if (!trend.isEmpty()) {
            chart(sh, trend, labels, st);
        }
    }

    private static void number(SXSSFRow row, int col, Integer v, CellStyle style) {
        if (v == null) {
            row.createCell(col).setCellStyle(style);
        } else {
            XlsxReportWriter.number(row, col, v, style);
        }
    }

    /**
     * The native chart beside the Trend table. Its data sources hold the values (the streamed rows are not readable
     * back) and refer to the table's cells, so Excel and LibreOffice redraw it from the cells when they change.
     */
    private static void chart(SXSSFSheet sh, List<TrendPoint> trend, List<String> labels, XlsxReportWriter.Styles st) {
        int n = trend.size();
        XSSFDrawing drawing = sh.getWorkbook().getXSSFWorkbook().getSheet(sh.getSheetName()).createDrawingPatriarch();
        XSSFClientAnchor anchor = drawing.createAnchor(0, 0, 0, 0, CHART_COL, 1, CHART_COL + CHART_WIDTH,
                1 + CHART_HEIGHT);
        XSSFChart chart = drawing.createChart(anchor);
        chart.setTitleText("Trend: the last " + n + " runs of this configuration");
        chart.setTitleOverlay(false);
        chart.getOrAddLegend().setPosition(LegendPosition.TOP);
        String sheet = sh.getSheetName();
        XDDFDataSource<String> categories = XDDFDataSourcesFactory.fromArray(labels.toArray(new String[0]),
                range(sheet, 0, n));
        XDDFCategoryAxis bottom = chart.createCategoryAxis(AxisPosition.BOTTOM);
        XDDFValueAxis left = chart.createValueAxis(AxisPosition.LEFT);
        left.setTitle("Findings");
        left.setCrosses(AxisCrosses.AUTO_ZERO);
        left.setMinimum(0);

        XDDFBarChartData bars = (XDDFBarChartData) chart.createData(ChartTypes.BAR, bottom, left);
        bars.setBarDirection(BarDirection.COL);
        bars.setVaryColors(false);
        series(bars, categories, values(trend, 7), range(sheet, 7, n), ReportView.TREND_SERIES.get(2),
                Palette.SERIES_NEW, false);
        series(bars, categories, values(trend, 8), range(sheet, 8, n), ReportView.TREND_SERIES.get(3),
                Palette.SERIES_RESOLVED, false);
        series(bars, categories, values(trend, 9), range(sheet, 9, n), ReportView.TREND_SERIES.get(4),
                Palette.SERIES_CHANGES, false);
        chart.plot(bars);

        XDDFLineChartData high = (XDDFLineChartData) chart.createData(ChartTypes.LINE, bottom, left);
        high.setVaryColors(false);
        series(high, categories, values(trend, 6), range(sheet, 6, n), ReportView.TREND_SERIES.get(1),
                Palette.SERIES_HIGH, true);
        chart.plot(high);

        // pairs OK % on its own axis at the right, against a second (hidden) category axis
        XDDFCategoryAxis bottom2 = chart.createCategoryAxis(AxisPosition.BOTTOM);
        bottom2.setVisible(false);
        XDDFValueAxis right = chart.createValueAxis(AxisPosition.RIGHT);
        right.setTitle(ReportView.TREND_SERIES.get(0));
        right.setMinimum(0);
        right.setMaximum(1);
        right.setNumberFormat("0%");
        right.setCrosses(AxisCrosses.MAX);
        bottom2.crossAxis(right);
        right.crossAxis(bottom2);
        XDDFLineChartData ok = (XDDFLineChartData) chart.createData(ChartTypes.LINE, bottom2, right);
        ok.setVaryColors(false);
        series(ok, categories, values(trend, 5), range(sheet, 5, n), ReportView.TREND_SERIES.get(0),
                Palette.SERIES_PAIRS_OK, true);
        chart.plot(ok);
    }

    /** The value of column {@code col} of the Trend table for each run (pairs OK % as a fraction). */
    private static Double[] values(List<TrendPoint> trend, int col) {
        Double[] out = new Double[trend.size()];
        for (int i = 0; i < out.length; i++) {
            TrendPoint t = trend.get(i);
            Integer v = switch (col) {
                case 6 -> t.openHigh();
                case 7 -> t.newProblems();
                case 8 -> t.resolvedFindings();
                case 9 -> t.changeRecords();
                default -> null;
            };
            out[i] = col == 5 ? (t.pairsOkPercent() == null ? null : t.pairsOkPercent() / 100.0)
                    : v == null ? null : v.doubleValue();
        }
        return out;
    }

    private static void series(XDDFChartData data, XDDFDataSource<String> categories, Double[] values, String ref,
                               String title, Palette color, boolean line) {
        XDDFNumericalDataSource<Double> v = XDDFDataSourcesFactory.fromArray(values, ref);
        XDDFChartData.Series s = data.addSeries(categories, v);
        s.setTitle(title, null);
        XDDFSolidFillProperties fill = new XDDFSolidFillProperties(XDDFColor.from(XlsxReportWriter.rgb(color)));
        XDDFShapeProperties shape = new XDDFShapeProperties();
        if (line) {
            XDDFLineProperties stroke = new XDDFLineProperties();
            stroke.setFillProperties(fill);
            stroke.setWidth(2.25);
            shape.setLineProperties(stroke);
            XDDFLineChartData.Series ls = (XDDFLineChartData.Series) s;
            ls.setMarkerStyle(MarkerStyle.CIRCLE);
            ls.setSmooth(false);
        } else {
            shape.setFillProperties(fill);
        }
        s.setShapeProperties(shape);
    }

    /** {@code 'Trend'!$H$2:$H$13}: rows 2.. of column {@code col}. */
    /** An event's message on one line: its line breaks and indents (Windows event text) as single spaces. */
    private static String oneLine(String message) {
        return message == null ? null : message.strip().replaceAll("[ \\t]*\\R\\s*", " ").replace('\t', ' ');
    }

    private static String range(String sheet, int col, int n) {
        return new CellRangeAddress(1, Math.max(n, 1), col, col).formatAsString(sheet, true);
    }
}
