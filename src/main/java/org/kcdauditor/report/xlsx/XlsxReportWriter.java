package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DataValidation;
import org.apache.poi.ss.usermodel.DataValidationConstraint;
import org.apache.poi.ss.usermodel.DataValidationHelper;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.HorizontalAlignment;
import org.apache.poi.ss.usermodel.VerticalAlignment;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.ss.util.CellRangeAddressList;
import org.apache.poi.xssf.streaming.SXSSFCell;
import org.apache.poi.xssf.streaming.SheetDataWriter;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFColor;
import org.apache.poi.xssf.usermodel.XSSFFont;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Uac;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsDocument.ClusterDoc;
import org.kcdauditor.report.FindingsDocument.HostDoc;
import org.kcdauditor.report.FindingsDocument.PairDoc;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.Rendering;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Status;
import org.kcdauditor.report.runbook.RunbookModel;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code audit.xlsx}: Summary, Findings, Matrix, Hosts and Runbook sheets, written with POI's
 * streaming SXSSF so that 20,000 hosts fit in a small heap. Every value that comes from the
 * directory is written as a string cell (never a formula), quote-prefixed when it starts with a
 * character a spreadsheet would read as a formula.
 */
public final class XlsxReportWriter implements ReportWriter {
    static final int MAX_CELL = 32_767;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    static final byte[] GREEN = rgb(0xC6EFCE);
    static final byte[] AMBER = rgb(0xFFEB9C);
    static final byte[] RED = rgb(0xFFC7CE);
    static final byte[] GREY = rgb(0xD9D9D9);
    static final byte[] HEADER = rgb(0x1F3864);
    static final byte[] BLUE = rgb(0xDDEBF7);

    static {
        // POI logs through log4j-api; without a provider it prints a warning on every run. Its own
        // simple logger, at ERROR, keeps real problems visible and the console quiet otherwise.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
            System.setProperty("org.apache.logging.log4j.simplelog.StatusLogger.level", "OFF");
            System.setProperty("org.apache.logging.log4j.simplelog.level", "ERROR");
        }
    }

    @Override
    public String format() {
        return "xlsx";
    }

    @Override
    public String fileName() {
        return "audit.xlsx";
    }

    @Override
    public void write(Rendering rendering, OutputStream out) throws IOException {
        FindingsDocument doc = rendering.doc();
        SXSSFWorkbook wb = new SXSSFWorkbook(null, 200, false, false) {
            @Override
            protected SheetDataWriter createSheetDataWriter() throws IOException {
                return new RunEscapingSheetDataWriter();
            }
        };
        try {
            Styles st = new Styles(wb);
            summary(print(wb.createSheet("Summary"), false), doc, st);
            findings(print(wb.createSheet("Findings"), true), doc, st);
            matrix(print(wb.createSheet("Matrix"), false), doc, st);
            hosts(print(wb.createSheet("Hosts"), true), doc, st);
            runbook(print(wb.createSheet("Runbook"), true), rendering.plan(), st);
            HistorySheets.write(wb, doc, st);
            wb.write(out);
        } finally {
            wb.close();
        }
    }

    /** Landscape, one page wide, the header row repeated on every printed page. */
    static SXSSFSheet print(SXSSFSheet sh, boolean headerRow) {
        sh.setFitToPage(true);
        sh.getPrintSetup().setLandscape(true);
        sh.getPrintSetup().setPaperSize(org.apache.poi.ss.usermodel.PrintSetup.A4_PAPERSIZE);
        sh.getPrintSetup().setFitWidth((short) 1);
        sh.getPrintSetup().setFitHeight((short) 0);
        if (headerRow) {
            sh.setRepeatingRows(CellRangeAddress.valueOf("1:1"));
        }
        return sh;
    }

    // ---------------------------------------------------------------- Summary

    private void summary(SXSSFSheet sh, FindingsDocument doc, Styles st) {
        int r = 0;
        String domain = RunbookModel.domain(doc.directory() == null ? null : doc.directory().baseDn());
        text(sh.createRow(r++), 0, "Kerberos constrained delegation audit – " + domain, st.title);
        r++;
        FindingsDocument.Summary s = doc.summary();
        Status overall = Status.of(s == null ? null : s.bySeverity());
        r = kv(sh, r, "Overall status", overall.label(), st.light(overall), st);
        r = kv(sh, r, "Run id", doc.runId(), st.text, st);
        r = kv(sh, r, "Started", time(doc.startedAt()), st.text, st);
        r = kv(sh, r, "Finished", time(doc.finishedAt()), st.text, st);
        r = kv(sh, r, "Directory", doc.directory() == null ? "" : doc.directory().url(), st.text, st);
        r = kv(sh, r, "Base DN", doc.directory() == null ? "" : doc.directory().baseDn(), st.text, st);
        if (doc.policy() != null) {
            r = kv(sh, r, "Policy: protocol transition", doc.policy().protocolTransition(), st.text, st);
            r = kv(sh, r, "Policy: services", join(doc.policy().services(), ", "), st.text, st);
            r = kv(sh, r, "Policy: name forms", join(doc.policy().nameForms(), ", "), st.text, st);
        }
        if (s != null) {
            r = num(sh, r, "Hosts", s.hosts(), st);
            r = num(sh, r, "Clusters", s.clusters(), st);
            r = num(sh, r, "Directed host pairs", s.pairs(), st);
            r = num(sh, r, "Delegation entries required", s.requiredEntries(), st);
            r = num(sh, r, "Delegation entries present", s.presentEntries(), st);
            SXSSFRow row = sh.createRow(r++);
            text(row, 0, "Compliance", st.label);
            SXSSFCell c = row.createCell(1);
            c.setCellValue(s.compliancePercent() / 100.0);
            c.setCellStyle(st.percent(overall));
        }
        r++;
        text(sh.createRow(r++), 0, "Findings by severity", st.h2);
        Map<String, Integer> waived = new HashMap<>();
        nn(doc.findings()).stream().filter(f -> f != null && f.isWaived() && f.severity() != null)
                .forEach(f -> waived.merge(f.severity().name(), 1, Integer::sum));
        for (String sev : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
            SXSSFRow row = sh.createRow(r++);
            text(row, 0, sev, st.severity(sev));
            SXSSFCell c = row.createCell(1);
            c.setCellValue(Status.count(s == null ? null : s.bySeverity(), sev));
            c.setCellStyle(st.number);
            if (Status.count(waived, sev) > 0) {
                text(row, 2, "+" + Status.count(waived, sev) + " waived, not counted", st.note);
            }
        }
        r++;
        text(sh.createRow(r++), 0, "Compliance per cluster", st.h2);
        SXSSFRow head = sh.createRow(r++);
        String[] cols = {"Cluster", "Nodes", "Pairs OK", "Pairs", "Entries present", "Entries required",
                "Compliance", "Status", "HIGH", "MEDIUM", "LOW", "INFO", "Nodes not found"};
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int first = r;
        for (ClusterDoc c : nn(doc.clusters())) {
            SXSSFRow row = sh.createRow(r++);
            Status status = Status.of(c.bySeverity());
            text(row, 0, c.name(), st.text);
            number(row, 1, nn(c.nodes()).size(), st.number);
            number(row, 2, c.pairsOk(), st.number);
            number(row, 3, c.pairs(), st.number);
            number(row, 4, c.presentEntries(), st.number);
            number(row, 5, c.requiredEntries(), st.number);
            SXSSFCell pc = row.createCell(6);
            pc.setCellValue(c.compliancePercent() / 100.0);
            pc.setCellStyle(st.percent(status));
            text(row, 7, status.label(), st.light(status));
            int col = 8;
            for (String sev : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
                number(row, col++, Status.count(c.bySeverity(), sev), st.number);
            }
            text(row, 12, join(c.missingNodes(), ", "), st.text);
        }
        if (r > first) {
            sh.setAutoFilter(new CellRangeAddress(first - 1, r - 1, 0, cols.length - 1));
        }
        r++;
        note(sh, r++, cols.length, "Status: OK = no finding above INFO; Attention = MEDIUM or LOW findings;"
                + " Action required = HIGH findings (live migration fails or delegation is unsafe). Counts leave out"
                + " waived findings (greyed in the Findings sheet).", st);
        Map<String, String> sheets = new LinkedHashMap<>();
        sheets.put("Findings", "one row per finding");
        sheets.put("Matrix", "who may delegate to whom");
        sheets.put("Hosts", "each node's account");
        sheets.put("Runbook", "the change checklist");
        sheets.putAll(HistorySheets.sheets(doc));
        List<String> names = new ArrayList<>();
        sheets.forEach((name, what) -> names.add(name + " (" + what + ")"));
        note(sh, r, cols.length, "Sheets: " + String.join(", ", names) + ".", st);
        sh.setColumnWidth(0, 30 * 256);
        for (int i = 1; i < cols.length - 1; i++) {
            sh.setColumnWidth(i, Math.max(10, cols[i].length() + 3) * 256);
        }
        sh.setColumnWidth(7, 17 * 256);
        sh.setColumnWidth(12, 30 * 256);
    }

    /** A note across the cluster table's width, wrapped, so that it does not widen the printed page. */
    private static void note(SXSSFSheet sh, int r, int columns, String text, Styles st) {
        SXSSFRow row = sh.createRow(r);
        text(row, 0, text, st.noteWrap);
        sh.addMergedRegion(new CellRangeAddress(r, r, 0, columns - 1));
        height(row, lines(text, 150));
    }

    /** A key and a text value spanning columns B to G. */
    private int kv(SXSSFSheet sh, int r, String key, String value, CellStyle style, Styles st) {
        SXSSFRow row = sh.createRow(r);
        text(row, 0, key, st.label);
        text(row, 1, value, style);
        for (int i = 2; i <= 6; i++) {
            row.createCell(i).setCellStyle(style);
        }
        sh.addMergedRegion(new CellRangeAddress(r, r, 1, 6));
        return r + 1;
    }

    private int num(SXSSFSheet sh, int r, String key, long value, Styles st) {
        SXSSFRow row = sh.createRow(r);
        text(row, 0, key, st.label);
        number(row, 1, value, st.number);
        return r + 1;
    }

    // ---------------------------------------------------------------- Findings

    private void findings(SXSSFSheet sh, FindingsDocument doc, Styles st) {
        String[] cols = {"Severity", "Rule", "Cluster", "Host", "Peer", "SPN", "Message", "Remediation", "Waived",
                "Id"};
        // Capped so that one page wide (landscape) stays readable; longer text wraps.
        int[] max = {10, 36, 12, 14, 14, 26, 44, 40, 24, 18};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        List<Finding> list = new ArrayList<>(nn(doc.findings()));
        list.removeIf(f -> f == null);
        list.sort(Comparator.<Finding>comparingInt(f -> f.severity() == null ? 9 : f.severity().ordinal())
                .thenComparing(Finding::isWaived));
        int r = 1;
        for (Finding f : list) {
            SXSSFRow row = sh.createRow(r++);
            String sev = f.severity() == null ? "" : f.severity().name();
            String[] v = {sev, f.rule(), f.cluster(), f.host(), f.peer(), f.spn(), f.message(), f.remediation(),
                    waived(f), f.id()};
            int lines = 1;
            for (int i = 0; i < v.length; i++) {
                text(row, i, v[i], f.isWaived() ? st.waived : i == 0 ? st.severity(sev) : st.wrap);
                w.see(i, v[i]);
                lines = Math.max(lines, lines(v[i], max[i]));
            }
            height(row, lines);
        }
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        w.apply(sh, max);
    }

    // ---------------------------------------------------------------- Matrix

    private void matrix(SXSSFSheet sh, FindingsDocument doc, Styles st) {
        int r = 0;
        text(sh.createRow(r++), 0, "Delegation matrix: a row is the source host (whose msDS-AllowedToDelegateTo"
                + " is checked), a column the destination. A cell shows required entries present / required.", st.note);
        SXSSFRow legend = sh.createRow(r++);
        text(legend, 0, "Legend:", st.label);
        text(legend, 1, "4/4", st.matrix(Status.GREEN));
        text(legend, 2, "all present", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "2/4", st.matrix(Status.AMBER));
        text(legend, 2, "partly present, or \"!\": a target SPN is not registered", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "0/4", st.matrix(Status.RED));
        text(legend, 2, "none present: migration in this direction fails", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "", st.diagonal);
        text(legend, 2, "the host itself; \"R\": the target allows resource-based delegation from the source", st.note);
        r++;
        int widest = 12;
        int widestCols = 0;
        for (ClusterDoc c : nn(doc.clusters())) {
            List<String> sources = nn(c.nodes());
            List<String> targets = new ArrayList<>(sources);
            for (String fs : nn(c.fileServers())) {
                if (!targets.contains(fs)) {
                    targets.add(fs);
                }
            }
            Map<String, PairDoc> pairs = new HashMap<>();
            for (PairDoc p : nn(c.matrix())) {
                if (p != null && p.from() != null && p.to() != null) {
                    pairs.put(key(p.from(), p.to()), p);
                }
            }
            SXSSFRow title = sh.createRow(r++);
            text(title, 0, "Cluster " + c.name() + ": " + pct(c.compliancePercent()) + " of entries present, "
                    + c.pairsOk() + "/" + c.pairs() + " pairs OK", st.h2);
            if (!nn(c.missingNodes()).isEmpty()) {
                text(sh.createRow(r++), 0, "Not found in the directory: " + join(c.missingNodes(), ", "), st.note);
            }
            SXSSFRow head = sh.createRow(r++);
            text(head, 0, "from ↓  to →", st.header);
            int longest = 4;
            for (int j = 0; j < targets.size(); j++) {
                String t = targets.get(j);
                boolean fs = j >= sources.size();
                text(head, j + 1, fs ? t + " (file server)" : t, st.rotated);
                longest = Math.max(longest, len(t) + (fs ? 14 : 0));
            }
            head.setHeightInPoints(Math.min(409, 14 + longest * 7f));
            widestCols = Math.max(widestCols, targets.size());
            for (String from : sources) {
                SXSSFRow row = sh.createRow(r++);
                text(row, 0, from, st.rowHeader);
                widest = Math.max(widest, len(from));
                for (int j = 0; j < targets.size(); j++) {
                    String to = targets.get(j);
                    if (to.equalsIgnoreCase(from)) {
                        text(row, j + 1, "", st.diagonal);
                        continue;
                    }
                    PairDoc p = pairs.get(key(from, to));
                    if (p == null) {
                        text(row, j + 1, "–", st.matrixNone);
                    } else {
                        Status s = Status.ofPair(p);
                        text(row, j + 1, Status.pairText(p), st.matrix(s));
                    }
                }
            }
            r++;
        }
        sh.setColumnWidth(0, Math.min(60, widest + 2) * 256);
        for (int j = 1; j <= Math.max(widestCols, 2); j++) {
            sh.setColumnWidth(j, 7 * 256);
        }
    }

    private static String key(String from, String to) {
        return from.toLowerCase(Locale.ROOT) + "\u0000" + to.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- Hosts

    private void hosts(SXSSFSheet sh, FindingsDocument doc, Styles st) {
        String[] cols = {"Host", "Cluster", "DNS host name", "Enabled", "userAccountControl", "userAccountControl in words",
                "Delegation mode", "Operating system", "OS version", "Delegation entries", "msDS-AllowedToDelegateTo",
                "SPNs registered", "RBCD allowed from", "sAMAccountName", "Distinguished name", "SID", "whenChanged",
                "uSNChanged", "lastLogonTimestamp"};
        int[] max = {30, 20, 40, 8, 18, 70, 50, 36, 14, 10, 100, 100, 60, 20, 80, 50, 24, 12, 24};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = 1;
        for (HostDoc h : nn(doc.hosts())) {
            if (h == null) {
                continue;
            }
            SXSSFRow row = sh.createRow(r++);
            boolean entries = !nn(h.delegateTo()).isEmpty();
            String[] v = {h.name(), h.cluster(), h.dnsHostName(), h.enabled() ? "yes" : "NO",
                    String.format("0x%X (%d)", h.userAccountControl(), h.userAccountControl()),
                    Uac.describe(h.userAccountControl(), entries), RemediationPlan.mode(h.userAccountControl(), entries),
                    h.operatingSystem(), h.operatingSystemVersion(), null, join(h.delegateTo(), "; "),
                    join(h.spns(), "; "), join(h.rbcdAllowed(), "; "), h.samAccountName(), h.distinguishedName(),
                    h.objectSid(), time(h.whenChanged()), null, time(h.lastLogonTimestamp())};
            for (int i = 0; i < v.length; i++) {
                if (i == 9) {
                    number(row, i, nn(h.delegateTo()).size(), st.number);
                } else if (i == 17) {
                    number(row, i, h.uSNChanged(), st.number);
                } else {
                    CellStyle style = i == 3 && !h.enabled() ? st.light(Status.RED)
                            : i == 6 && Uac.has(h.userAccountControl(), Uac.TRUSTED_FOR_DELEGATION) ? st.light(Status.RED)
                            : st.text;
                    text(row, i, v[i], style);
                    w.see(i, v[i]);
                }
            }
        }
        sh.createFreezePane(1, 1);
        sh.setAutoFilter(new CellRangeAddress(0, Math.max(r - 1, 1), 0, cols.length - 1));
        w.apply(sh, max);
    }

    // ---------------------------------------------------------------- Runbook

    private void runbook(SXSSFSheet sh, RemediationPlan plan, Styles st) {
        String[] cols = {"#", "Phase", "Host", "Action", "Detail", "Command", "Done", "Initials", "Date"};
        int[] max = {6, 8, 24, 60, 70, 90, 7, 10, 12};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = 1;
        for (RemediationPlan.Step s : plan.steps()) {
            SXSSFRow row = sh.createRow(r++);
            number(row, 0, s.number(), st.number);
            String[] v = {null, s.phase(), s.host(), s.action(), s.detail(), s.command()};
            int lines = 1;
            for (int i = 1; i < v.length; i++) {
                text(row, i, v[i], i >= 4 ? st.wrap : st.text);
                w.see(i, v[i]);
                if (i >= 4) {
                    lines = Math.max(lines, lines(v[i], max[i]));
                }
            }
            height(row, lines);
            text(row, 6, "No", st.input);
            text(row, 7, "", st.input);
            row.createCell(8).setCellStyle(st.inputDate);
        }
        for (RemediationPlan.Refused f : plan.refused()) {
            SXSSFRow row = sh.createRow(r++);
            number(row, 0, r - 1, st.number);
            text(row, 1, "Review", st.text);
            text(row, 2, f.name(), st.text);
            text(row, 3, "Not scripted: " + f.reason(), st.wrap);
            text(row, 6, "No", st.input);
            text(row, 7, "", st.input);
            row.createCell(8).setCellStyle(st.inputDate);
        }
        int last = Math.max(r - 1, 1);
        DataValidationHelper helper = sh.getDataValidationHelper();
        DataValidationConstraint yesNo = helper.createExplicitListConstraint(new String[]{"Yes", "No"});
        DataValidation dv = helper.createValidation(yesNo, new CellRangeAddressList(1, last, 6, 6));
        dv.setShowErrorBox(true);
        dv.setErrorStyle(DataValidation.ErrorStyle.STOP);
        dv.createErrorBox("Done", "Choose Yes or No.");
        dv.setSuppressDropDownArrow(true);
        sh.addValidationData(dv);
        DataValidationConstraint date = helper.createDateConstraint(DataValidationConstraint.OperatorType.GREATER_THAN,
                "DATE(2000,1,1)", null, "yyyy-mm-dd");
        DataValidation dd = helper.createValidation(date, new CellRangeAddressList(1, last, 8, 8));
        dd.setShowErrorBox(true);
        dd.createErrorBox("Date", "Enter a date, e.g. 2026-11-30.");
        sh.addValidationData(dd);
        sh.createFreezePane(0, 1);
        sh.setAutoFilter(new CellRangeAddress(0, last, 0, cols.length - 1));
        w.apply(sh, max);
        sh.setColumnWidth(6, 7 * 256);
        sh.setColumnWidth(7, 10 * 256);
        sh.setColumnWidth(8, 12 * 256);
    }

    // ---------------------------------------------------------------- cells and styles

    /** A string cell; never a formula. A value a spreadsheet could read as a formula is quote-prefixed. */
    static void text(SXSSFRow row, int col, String value, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        String v = value == null ? "" : value;
        if (v.length() > MAX_CELL) {
            v = v.substring(0, MAX_CELL - 1) + "…";
        }
        c.setCellValue(v);
        if (style != null) {
            c.setCellStyle(formulaLike(v) ? Styles.quoted(row.getSheet().getWorkbook(), style) : style);
        }
    }

    static boolean formulaLike(String v) {
        if (v.isEmpty()) {
            return false;
        }
        char c = v.charAt(0);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '｜';
    }

    static void number(SXSSFRow row, int col, double value, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        c.setCellValue(value);
        c.setCellStyle(style);
    }

    /** "until 2026-12-31: justification" for a waived finding, else empty. */
    static String waived(Finding f) {
        if (!f.isWaived()) {
            return "";
        }
        Finding.Waiver w = f.waiver();
        if (w == null) {
            return "waived";
        }
        return (w.expires() == null ? "no expiry" : "until " + w.expires())
                + (w.justification() == null ? "" : ": " + w.justification());
    }

    /** Lines a wrapped value takes in a column {@code width} characters wide (an estimate: Excel does not say). */
    static int lines(String v, int width) {
        return (len(v) + width - 3) / (width - 2);
    }

    /** A row tall enough for {@code lines} lines of wrapped text. */
    static void height(SXSSFRow row, int lines) {
        if (lines > 1) {
            row.setHeightInPoints(Math.min(409, lines * 13f));
        }
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f %%", p);
    }

    static String join(List<String> values, String sep) {
        return values == null ? "" : String.join(sep, values.stream().map(v -> v == null ? "" : v).toList());
    }

    static int len(String s) {
        return s == null ? 0 : s.length();
    }

    static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }

    static byte[] rgb(int rgb) {
        return new byte[]{(byte) (rgb >> 16), (byte) (rgb >> 8), (byte) rgb};
    }

    /** Column widths that fit the text, between the header's width and a cap. */
    static final class Widths {
        private final int[] w;

        Widths(String[] headers) {
            w = new int[headers.length];
            for (int i = 0; i < headers.length; i++) {
                w[i] = headers[i].length() + 4;
            }
        }

        void see(int col, String v) {
            if (v != null && v.length() + 2 > w[col]) {
                w[col] = v.length() + 2;
            }
        }

        void apply(SXSSFSheet sh, int[] max) {
            for (int i = 0; i < w.length; i++) {
                sh.setColumnWidth(i, Math.min(w[i], max[i]) * 256);
            }
        }
    }

    /** The workbook's few styles, created once (a workbook holds at most 64,000). */
    static final class Styles {
        final XSSFCellStyle title;
        final XSSFCellStyle h2;
        final XSSFCellStyle header;
        final XSSFCellStyle rotated;
        final XSSFCellStyle rowHeader;
        final XSSFCellStyle label;
        final XSSFCellStyle text;
        final XSSFCellStyle wrap;
        final XSSFCellStyle note;
        final XSSFCellStyle noteWrap;
        final XSSFCellStyle waived;
        final XSSFCellStyle number;
        final XSSFCellStyle input;
        final XSSFCellStyle inputDate;
        final XSSFCellStyle diagonal;
        final XSSFCellStyle matrixNone;
        private final Map<Status, XSSFCellStyle> lights = new LinkedHashMap<>();
        private final Map<Status, XSSFCellStyle> percents = new LinkedHashMap<>();
        private final Map<Status, XSSFCellStyle> matrix = new LinkedHashMap<>();
        private final Map<String, XSSFCellStyle> severities = new LinkedHashMap<>();
        private static final Map<Object, Map<Integer, CellStyle>> QUOTED = new java.util.WeakHashMap<>();

        Styles(SXSSFWorkbook wb) {
            XSSFFont bold = (XSSFFont) wb.createFont();
            bold.setBold(true);
            XSSFFont big = (XSSFFont) wb.createFont();
            big.setBold(true);
            big.setFontHeightInPoints((short) 14);
            XSSFFont mid = (XSSFFont) wb.createFont();
            mid.setBold(true);
            mid.setFontHeightInPoints((short) 12);
            XSSFFont white = (XSSFFont) wb.createFont();
            white.setBold(true);
            white.setColor(new XSSFColor(rgb(0xFFFFFF), null));
            XSSFFont grey = (XSSFFont) wb.createFont();
            grey.setItalic(true);
            grey.setColor(new XSSFColor(rgb(0x595959), null));

            title = style(wb, big, null);
            h2 = style(wb, mid, null);
            header = style(wb, white, HEADER);
            header.setVerticalAlignment(VerticalAlignment.CENTER);
            header.setWrapText(true);
            rotated = style(wb, white, HEADER);
            rotated.setRotation((short) 90);
            rotated.setAlignment(HorizontalAlignment.CENTER);
            rotated.setVerticalAlignment(VerticalAlignment.BOTTOM);
            rowHeader = style(wb, bold, BLUE);
            borders(rowHeader);
            label = style(wb, bold, null);
            text = style(wb, null, null);
            text.setVerticalAlignment(VerticalAlignment.TOP);
            wrap = style(wb, null, null);
            wrap.setWrapText(true);
            wrap.setVerticalAlignment(VerticalAlignment.TOP);
            note = style(wb, grey, null);
            noteWrap = style(wb, grey, null);
            noteWrap.setWrapText(true);
            noteWrap.setVerticalAlignment(VerticalAlignment.TOP);
            XSSFFont greyed = (XSSFFont) wb.createFont();
            greyed.setColor(new XSSFColor(rgb(0x7F7F7F), null));
            waived = style(wb, greyed, rgb(0xF2F2F2));
            waived.setWrapText(true);
            waived.setVerticalAlignment(VerticalAlignment.TOP);
            number = style(wb, null, null);
            number.setAlignment(HorizontalAlignment.RIGHT);
            number.setVerticalAlignment(VerticalAlignment.TOP);
            input = style(wb, null, rgb(0xFFFFF0));
            borders(input);
            input.setAlignment(HorizontalAlignment.CENTER);
            input.setVerticalAlignment(VerticalAlignment.TOP);
            inputDate = style(wb, null, rgb(0xFFFFF0));
            borders(inputDate);
            inputDate.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            diagonal = style(wb, null, GREY);
            borders(diagonal);
            matrixNone = style(wb, null, null);
            matrixNone.setAlignment(HorizontalAlignment.CENTER);
            borders(matrixNone);
            for (Status s : Status.values()) {
                byte[] fill = s == Status.GREEN ? GREEN : s == Status.AMBER ? AMBER : RED;
                XSSFCellStyle l = style(wb, bold, fill);
                borders(l);
                l.setAlignment(HorizontalAlignment.CENTER);
                l.setVerticalAlignment(VerticalAlignment.TOP);
                lights.put(s, l);
                XSSFCellStyle p = style(wb, bold, fill);
                borders(p);
                p.setDataFormat(wb.createDataFormat().getFormat("0.0%"));
                percents.put(s, p);
                XSSFCellStyle m = style(wb, null, fill);
                borders(m);
                m.setAlignment(HorizontalAlignment.CENTER);
                matrix.put(s, m);
            }
            severities.put("HIGH", lights.get(Status.RED));
            severities.put("MEDIUM", lights.get(Status.AMBER));
            XSSFCellStyle low = style(wb, bold, rgb(0xDDEBF7));
            borders(low);
            low.setAlignment(HorizontalAlignment.CENTER);
            low.setVerticalAlignment(VerticalAlignment.TOP);
            severities.put("LOW", low);
            XSSFCellStyle info = style(wb, null, rgb(0xF2F2F2));
            borders(info);
            info.setAlignment(HorizontalAlignment.CENTER);
            info.setVerticalAlignment(VerticalAlignment.TOP);
            severities.put("INFO", info);
        }

        XSSFCellStyle light(Status s) {
            return lights.get(s);
        }

        XSSFCellStyle percent(Status s) {
            return percents.get(s);
        }

        XSSFCellStyle matrix(Status s) {
            return matrix.get(s);
        }

        XSSFCellStyle severity(String sev) {
            return severities.getOrDefault(sev, text);
        }

        /** The same style with the quote prefix: the cell stays text even when edited in Excel. */
        static synchronized CellStyle quoted(org.apache.poi.ss.usermodel.Workbook wb, CellStyle base) {
            Map<Integer, CellStyle> byIndex = QUOTED.computeIfAbsent(wb, k -> new HashMap<>());
            return byIndex.computeIfAbsent((int) base.getIndex(), k -> {
                CellStyle q = wb.createCellStyle();
                q.cloneStyleFrom(base);
                q.setQuotePrefixed(true);
                return q;
            });
        }

        private static XSSFCellStyle style(SXSSFWorkbook wb, XSSFFont font, byte[] fill) {
            XSSFCellStyle s = (XSSFCellStyle) wb.createCellStyle();
            if (font != null) {
                s.setFont(font);
            }
            if (fill != null) {
                s.setFillForegroundColor(new XSSFColor(fill, null));
                s.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            }
            return s;
        }

        private static void borders(XSSFCellStyle s) {
            s.setBorderTop(BorderStyle.THIN);
            s.setBorderBottom(BorderStyle.THIN);
            s.setBorderLeft(BorderStyle.THIN);
            s.setBorderRight(BorderStyle.THIN);
            XSSFColor c = new XSSFColor(rgb(0xBFBFBF), null);
            s.setTopBorderColor(c);
            s.setBottomBorderColor(c);
            s.setLeftBorderColor(c);
            s.setRightBorderColor(c);
        }
    }
}
