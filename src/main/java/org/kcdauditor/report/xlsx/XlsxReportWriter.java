package org.kcdauditor.report.xlsx;

import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
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
import org.kcdauditor.io.FirstIoFailure;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.EncryptionTypes;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.FindingsDocument.HostDoc;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Palette;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportView.Cell;
import org.kcdauditor.report.ReportView.ClusterView;
import org.kcdauditor.report.ReportView.FindingView;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Status;
import org.kcdauditor.report.Words;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code audit.xlsx}: Summary, Findings, Matrix, Hosts and Runbook sheets, written with POI's
 * streaming SXSSF so that 20,000 hosts fit in a small heap. Every value that comes from the
 * directory is written as a string cell (never a formula), quote-prefixed when it starts with a
 * character a spreadsheet would read as a formula.
 */
public final class XlsxReportWriter implements ReportWriter {
    static final int MAX_CELL = 32_767;
    /**
     * The package's deflate level. At 20,000 hosts (ReportBench) the sheets are 84 MB of XML: level 6 (the zip
     * default) took 1.0 s of CPU for 4.4 MB, level 3 0.3-0.4 s for 5.5 MB, level 1 0.25-0.33 s for 6.3 MB
     * (docs/performance.md).
     */
    static final int ZIP_LEVEL = 3;

    static {
        // POI logs through log4j-api; without a provider it prints a warning on every run. Its own simple logger
        // is off: what POI would log at ERROR (a failed save, with its stack trace) reaches the run as the
        // exception it throws, which the console shows as one line and --verbose in full.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
            System.setProperty("org.apache.logging.log4j.simplelog.StatusLogger.level", "OFF");
            System.setProperty("org.apache.logging.log4j.simplelog.level", "OFF");
        }
    }

    @Override
    public Format format() {
        return Format.XLSX;
    }

    @Override
    public void write(ReportView view, OutputStream out) throws IOException {
        FindingsDocument doc = view.doc();
        // POI catches a failed write of a part and throws "Fail to save … DefaultMarshaller@…" without the file
        // system's reason: every stream it writes is watched (the sheets' temporary files and the package; the
        // package's template, a few KB without the sheet data, is built in memory, not in a temporary file POI
        // would open itself), and that reason is what the run reports
        FirstIoFailure io = new FirstIoFailure();
        SXSSFWorkbook wb = new SXSSFWorkbook(null, 200, false, false) {
            @Override
            protected SheetDataWriter createSheetDataWriter() throws IOException {
                RunEscapingSheetDataWriter sheet = new RunEscapingSheetDataWriter();
                sheet.reportFailuresTo(io);
                return sheet;
            }

            /** Zip level 3, not 6: a third of the deflate CPU for a package about a quarter larger. */
            @Override
            protected ZipArchiveOutputStream createArchiveOutputStream(OutputStream target) {
                ZipArchiveOutputStream zip = super.createArchiveOutputStream(target);
                zip.setLevel(ZIP_LEVEL);
                return zip;
            }
        };
        try {
            Styles st = new Styles(wb);
            summary(print(wb.createSheet("Summary"), false), view, st);
            findings(print(wb.createSheet("Findings"), true), view, st);
            matrix(print(wb.createSheet("Matrix"), false), view, st);
            hosts(print(wb.createSheet("Hosts"), true), view, st);
            runbook(print(wb.createSheet("Runbook"), true), view, st);
            HistorySheets.write(wb, view, st);
            rules(print(wb.createSheet("Rules"), true), view, st);
            HistorySheets.writeAppended(wb, view, st);
            clusters(print(wb.createSheet("Clusters"), true), view, st);
            HistorySheets.writeLast(wb, view, st);
            wb.writeAvoidingTempFiles(io.watch(out));
            io.check();
        } catch (RuntimeException e) {
            throw io.thrownInstead(e);
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

    private void summary(SXSSFSheet sh, ReportView view, Styles st) {
        FindingsDocument doc = view.doc();
        int r = 0;
        text(sh.createRow(r++), 0, "Kerberos constrained delegation audit – " + view.domain(), st.title);
        r++;
        FindingsDocument.Summary s = doc.summary();
        Status overall = view.status();
        r = kv(sh, r, "Overall status", overall.label(), st.light(overall), st);
        r = kv(sh, r, "Headline", view.headline(), st.wrap, st);
        r = kv(sh, r, "Change ticket", view.changeTicket() == null ? "" : view.changeTicket(), st.text, st);
        r = kv(sh, r, "Run id", doc.runId(), st.text, st);
        r = when(sh, r, "Started (UTC)", doc.startedAt(), st);
        r = when(sh, r, "Finished (UTC)", doc.finishedAt(), st);
        if (s != null && s.tool() != null) {
            r = kv(sh, r, "Tool", s.tool(), st.text, st);
        }
        if (s != null && s.configFile() != null) {
            r = kv(sh, r, "Configuration", s.configFile(), st.text, st);
            if (s.configSha256() != null) {
                r = kv(sh, r, "Configuration SHA-256", s.configSha256(), st.text, st);
            }
        }
        if (view.multiDirectory()) {
            for (ReportView.DirectoryView x : view.directories()) {
                r = kv(sh, r, "Directory " + x.name(), x.url() + " (" + x.baseDn() + ")" + (x.audited() ? ""
                        : "; not audited: " + x.failure()), x.audited() ? st.text : st.light(Status.AMBER), st);
            }
        } else {
            r = kv(sh, r, "Directory", doc.directory() == null ? "" : doc.directory().url(), st.text, st);
            r = kv(sh, r, "Base DN", doc.directory() == null ? "" : doc.directory().baseDn(), st.text, st);
        }
        if (view.readAs() != null) {
            r = kv(sh, r, "Read as", view.readAs(), st.text, st);
        }
        for (String dcs : view.dcSummaries()) {
            r = kv(sh, r, "Domain controllers", dcs, st.wrap, st);
        }
        if (view.aesNotChecked() != null) {
            r = kv(sh, r, "AES keys", view.aesNotChecked(), st.wrap, st);
        }
        if (view.migrationAuthenticationNotChecked() != null) {
            r = kv(sh, r, "Migration authentication", view.migrationAuthenticationNotChecked(), st.wrap, st);
        }
        if (view.operatorsNotChecked() != null) {
            r = kv(sh, r, "Operators", view.operatorsNotChecked(), st.wrap, st);
        }
        // the Runbook sheet's commands write to another DC than the one read: where, and why, as the PDF says it
        for (String note : view.plan().readOnlyNotes()) {
            r = kv(sh, r, "Read-only domain controller", note + ".", st.wrap, st);
        }
        if (view.changeTimesNote() != null) {
            r = kv(sh, r, "Change times", view.changeTimesNote(), st.text, st);
        }
        if (doc.policy() != null) {
            r = kv(sh, r, "Policy: protocol transition", view.plan().protocolPolicy().word(), st.text, st);
            r = kv(sh, r, "Policy: services", join(doc.policy().services(), ", "), st.text, st);
            r = kv(sh, r, "Policy: name forms", join(doc.policy().nameForms(), ", "), st.text, st);
        }
        if (s != null) {
            r = num(sh, r, "Hosts", s.hosts(), st);
            int servers = fileServerHosts(doc).size();
            if (servers > 0) {
                // the Hosts sheet's rows are the nodes (counted above) and these accounts (Role "file server")
                r = num(sh, r, "File servers", servers, st);
            }
            r = num(sh, r, "Clusters", view.clusters().size(), st);
            // the node pairs (live migration) apart from the paths to a file server (storage over SMB), as page 1
            r = num(sh, r, "Directed host pairs", view.nodePairs(), st);
            r = num(sh, r, "Directed host pairs OK", view.nodePairsOk(), st);
            if (view.storagePaths() > 0) {
                r = num(sh, r, "Paths from a node to a file server", view.storagePaths(), st);
                r = num(sh, r, "Paths from a node to a file server OK", view.storagePathsOk(), st);
            }
            r = num(sh, r, "Delegation entries required", s.requiredEntries(), st);
            r = num(sh, r, "Delegation entries present", s.presentEntries(), st);
            SXSSFRow row = sh.createRow(r++);
            text(row, 0, "Compliance", st.label);
            percent(row, 1, s.compliancePercent(), s.presentEntries(), s.requiredEntries(), st.percent(overall));
        }
        r = num(sh, r, "Clusters NO-GO for a patch window", view.clustersNoGo(), st);
        r = num(sh, r, "Failing directions the change fixes", view.fixedByChange(), st);
        r = num(sh, r, "Waived directions, still failing", view.waivedFailing(), st);
        r = num(sh, r, "Objects the change touches", view.plan().objectsChanged(), st);
        r = num(sh, r, "Findings that need a decision", view.decisions().size(), st);
        if (doc.baseline() != null) {
            var b = doc.baseline();
            r = kv(sh, r, "Baseline", b.path() + " captured " + (b.capturedAt() == null ? "?" : Words.time(b.capturedAt()))
                    + (b.capturedFrom() == null ? "" : " from run " + b.capturedFrom())
                    + (b.approvedBy() == null ? "" : ", approved by " + b.approvedBy())
                    + (b.ticket() == null ? "" : ", ticket " + b.ticket()) + ", "
                    + Words.plural(b.hosts(), "host") + (b.sha256() == null ? "" : ", SHA-256 " + b.sha256())
                    + (b.changed() ? "; " + HistorySections.BaselineDoc.CHANGED
                    + " (the approval does not cover the edits)" : ""), st.wrap, st);
        }
        if (doc.history() != null) {
            r = kv(sh, r, "Previous run", doc.history().previousRunNamed(doc.history().previousRunId()) + " finished "
                    + Words.time(doc.history().previousFinishedAt()) + ": " + doc.history().counted(), st.wrap, st);
            List<String> configuration = doc.history().configurationChanges();
            if (!configuration.isEmpty()) {
                r = kv(sh, r, "Configuration changes", String.join(" ", configuration), st.wrap, st);
            }
        } else {
            // why a first run has no Trend sheet and every finding is "new", as page 1's trend and the mail say it
            r = kv(sh, r, "Previous run", "None: no earlier successful run of this configuration in the history"
                    + " store, so every finding is new and there is no trend yet (it starts with the next run).",
                    st.wrap, st);
        }
        r++;
        text(sh.createRow(r++), 0, "Findings by severity", st.h2);
        Counts counts = view.counts();
        for (Severity sev : Severity.values()) {
            SXSSFRow row = sh.createRow(r++);
            text(row, 0, sev.name(), st.severity(sev));
            number(row, 1, counts.open(sev), st.number);
            if (counts.waived(sev) > 0) {
                text(row, 2, "+" + counts.waived(sev) + " waived, not counted", st.note);
            }
        }
        r++;
        text(sh.createRow(r++), 0, "Compliance per cluster", st.h2);
        SXSSFRow head = sh.createRow(r++);
        String[] cols = clusterColumns(view);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int first = r;
        r = clusterRows(sh, r, view, st, null);
        if (r > first) {
            sh.setAutoFilter(new CellRangeAddress(first - 1, r - 1, 0, cols.length - 1));
        }
        r++;
        note(sh, r++, cols.length, "Status: " + Status.LEGEND + ". Counts leave out"
                + " waived findings (greyed in the Findings sheet); the cluster rows add up to the totals above."
                + " Compliance is empty where no entry is required.", st);
        Map<String, String> sheets = new LinkedHashMap<>();
        sheets.put("Findings", "one row per finding, and one per finding resolved since the previous run");
        sheets.put("Matrix", "who may delegate to whom");
        String servers = fileServers(view);
        sheets.put("Hosts", "each node's account" + (fileServerHosts(doc).isEmpty() ? ""
                : ", then each cluster's file servers', Role saying which") + (servers == null ? ""
                : "; the file servers " + servers + " have no row (this findings.json names them only): their findings"
                + " are on Findings, the pairs into them on Matrix"));
        sheets.put("Runbook", "the change checklist");
        sheets.putAll(HistorySheets.sheets(view));
        sheets.put("Rules", "what each rule checks and why it matters");
        sheets.putAll(HistorySheets.appendedSheets(view));
        sheets.put("Clusters", "the table above as an Excel table");
        sheets.putAll(HistorySheets.lastSheets(view));
        List<String> names = new ArrayList<>();
        sheets.forEach((name, what) -> names.add(name + " (" + what + ")"));
        note(sh, r, cols.length, "Sheets: " + String.join(", ", names) + ".", st);
        sh.setColumnWidth(0, 36 * 256);
        for (int i = 1; i < cols.length; i++) {
            sh.setColumnWidth(i, Math.max(10, cols[i].length() + 3) * 256);
        }
        sh.setColumnWidth(9, 17 * 256);
        sh.setColumnWidth(14, 30 * 256);
        sh.setColumnWidth(16, 40 * 256);
    }

    /**
     * The columns of the per-cluster table (Summary and Clusters): with several directories, the directory last. A
     * cluster's node pairs (live migration) and its paths from a node to a file server (storage over SMB) apart, as
     * page 1, the console and the mail count them (0 paths where it has no file server).
     */
    private static String[] clusterColumns(ReportView view) {
        String[] one = {"Cluster", "Nodes", ClusterView.NODE_PAIRS_OK, "Node pairs", ClusterView.FILE_SERVER_PATHS_OK,
                "File-server paths", "Entries present", "Entries required", "Compliance", "Status", "HIGH", "MEDIUM",
                "LOW", "INFO", "Nodes not found", "Patch window", "Failing directions", "Waived, still failing",
                "Node pairs OK after the change", "File-server paths OK after the change", "Patch window after"};
        return view.multiDirectory() ? Stream.concat(Arrays.stream(one), Stream.of("Directory"))
                .toArray(String[]::new) : one;
    }

    /**
     * One row per cluster from row {@code r}, then {@link ReportView#unclusteredLabel} when open findings are outside every
     * cluster, so that the rows add up to the totals (waived ones are not counted: alone they made a row of zeros, which
     * the console and the mail do not show); returns the next row.
     */
    private int clusterRows(SXSSFSheet sh, int r, ReportView view, Styles st, HistorySheets.RunStamp run) {
        int stampAt = clusterColumns(view).length;
        for (ClusterView c : view.clusters()) {
            SXSSFRow row = sh.createRow(r++);
            stamp(row, stampAt, run, st);
            Status status = c.status();
            text(row, 0, c.name(), st.text);
            // a cluster not audited has no figures: blank cells, not counts of nothing read
            if (c.audited()) {
                number(row, 1, c.nodes().size(), st.number);
                number(row, 2, c.nodePairsOk(), st.number);
                number(row, 3, c.nodePairs(), st.number);
                number(row, 4, c.fileServerPathsOk(), st.number);
                number(row, 5, c.fileServerPaths(), st.number);
                number(row, 6, c.presentEntries(), st.number);
                number(row, 7, c.requiredEntries(), st.number);
            }
            percent(row, 8, c.compliancePercent(), c.presentEntries(), c.requiredEntries(), st.percent(status));
            text(row, 9, c.statusLabel(), st.light(status));
            int col = 10;
            for (Severity sev : Severity.values()) {
                number(row, col++, c.counts().open(sev), st.number);
            }
            text(row, 14, join(c.missingNodes(), ", "), st.text);
            text(row, 15, c.go() ? "GO" : "NO-GO", st.light(c.go() ? Status.GREEN : Status.RED));
            String failing = failingDirections(c.failing());
            text(row, 16, failing, st.wrap);
            height(row, lines(failing, 40));
            number(row, 17, c.waivedFailing().size(), st.number);
            if (c.audited()) {
                number(row, 18, c.nodePairsOkAfter(), st.number);
                number(row, 19, c.fileServerPathsOkAfter(), st.number);
            }
            // "expected" only of what the change makes GO: a cluster GO today stays GO (page 1 and the mail say
            // nothing of its "after")
            text(row, 20, !c.audited() ? ReportView.ClusterView.NOT_AUDITED : c.go() ? "GO" : c.goAfter()
                    ? "GO expected" : "NO-GO",
                    st.light(!c.audited() ? Status.AMBER : c.go() || c.goAfter() ? Status.GREEN : Status.RED));
            if (view.multiDirectory()) {
                text(row, 21, c.directory(), st.text);
            }
        }
        Counts outside = view.unclustered();
        if (outside.openTotal() > 0) {
            SXSSFRow row = sh.createRow(r++);
            stamp(row, stampAt, run, st);
            text(row, 0, view.unclusteredLabel(), st.note);
            Status status = Status.of(outside);
            text(row, 9, status.label(), st.light(status));
            int col = 10;
            for (Severity sev : Severity.values()) {
                number(row, col++, outside.open(sev), st.number);
            }
        }
        return r;
    }

    /** The run's id and date in columns {@code at} and the next ({@link HistorySheets.RunStamp}); none when null. */
    private static void stamp(SXSSFRow row, int at, HistorySheets.RunStamp run, Styles st) {
        if (run != null) {
            text(row, at, run.runId(), st.text);
            time(row, at + 1, run.at(), st.dateTime);
        }
    }

    /** Failing directions named per cluster in the Summary's and the Clusters sheet's cell; the others are counted. */
    static final int DIRECTIONS = 20;

    /**
     * A computer's name in a cell, each character outside ASCII by its code ({@link Values#visibleAccount}): a node
     * named {@code НV06} with a Cyrillic Н reads apart from a Latin HV06 (a valid host name is all ASCII, and reads as
     * it is). Null stays null (an empty cell).
     */
    static String name(String host) {
        return host == null ? null : Values.visibleAccount(host);
    }

    /**
     * "HV01 -> HV02, HV02 -> HV03, … and 972 more (every one on the Matrix sheet)": at most {@link #DIRECTIONS}
     * named. Every failing direction made a 992-pair cluster's cell 20,000 characters (a 64-node one's was cut at
     * Excel's 32,767 mid-name, uncounted), its row 409 pt high, and the Summary printed as 200 pages of one column.
     * The node pairs and file-server paths minus those OK are the count; the Matrix sheet has each direction.
     */
    static String failingDirections(List<ReportView.Cell> failing) {
        List<String> named = failing.subList(0, Math.min(DIRECTIONS, failing.size())).stream()
                .map(ReportView.Cell::direction).toList();
        String text = join(named, ", ");
        return failing.size() <= DIRECTIONS ? text : text + ", … and " + (failing.size() - DIRECTIONS)
                + " more (every one on the Matrix sheet)";
    }

    /**
     * The Clusters sheet: the Summary's compliance table alone on its sheet from row 1, as an Excel table (named
     * Clusters) for filters and pivot tables; the same rows, so both say the same.
     */
    private void clusters(SXSSFSheet sh, ReportView view, Styles st) {
        HistorySheets.RunStamp run = HistorySheets.RunStamp.of(view.doc());
        String[] cols = run.columns(clusterColumns(view));
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = clusterRows(sh, 1, view, st, run);
        sh.createFreezePane(1, 1);
        sh.setColumnWidth(0, 24 * 256);
        for (int i = 1; i < cols.length; i++) {
            sh.setColumnWidth(i, Math.max(10, cols[i].length() + 3) * 256);
        }
        sh.setColumnWidth(9, 17 * 256); // Status: "Action required", as on the Summary
        sh.setColumnWidth(16, 40 * 256);
        sh.setColumnWidth(cols.length - 2, 38 * 256);
        sh.setColumnWidth(cols.length - 1, 20 * 256);
        table(sh, "Clusters", cols, r - 1);
    }

    /** A key and a date-time cell (UTC), spanning columns B to G like the text values. */
    private int when(SXSSFSheet sh, int r, String key, java.time.Instant t, Styles st) {
        SXSSFRow row = sh.createRow(r);
        text(row, 0, key, st.label);
        time(row, 1, t, st.dateTime);
        for (int i = 2; i <= 6; i++) {
            row.createCell(i).setCellStyle(st.dateTime);
        }
        sh.addMergedRegion(new CellRangeAddress(r, r, 1, 6));
        return r + 1;
    }

    /**
     * A percentage cell (a number formatted 0.0 %), blank where nothing was required: the column holds only numbers
     * for a pivot table (the PDF and the runbooks show "—" there). The value is the exact share {@code present} of
     * {@code required}, not the percentage findings.json rounds to a tenth, so that a pivot averaging it is exact.
     */
    private static void percent(SXSSFRow row, int col, Double value, int present, int required, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        c.setCellStyle(style);
        if (value != null) {
            c.setCellValue(required > 0 ? (double) present / required : value / 100.0);
        }
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
        if (style == st.wrap) {
            height(row, lines(value, KV_WIDTH));
        }
        return r + 1;
    }

    /** Characters that fit in a key/value row's merged value cells (columns B to G). */
    private static final int KV_WIDTH = 80;

    private int num(SXSSFSheet sh, int r, String key, long value, Styles st) {
        SXSSFRow row = sh.createRow(r);
        text(row, 0, key, st.label);
        number(row, 1, value, st.number);
        return r + 1;
    }

    // ---------------------------------------------------------------- Findings

    /**
     * One row per finding, then one per finding resolved since the previous run (what it was there, when known), each
     * with the run's id and date and its status against the previous run (new, recurring, resolved; a recurring one
     * that run found waived says so in Status note: "No longer waived: …"), so that
     * month after month can be appended and pivoted. An Excel table covers every row.
     */
    private void findings(SXSSFSheet sh, ReportView view, Styles st) {
        String[] cols = {"Severity", "Rule", "Cluster", "Host", "Peer", "SPN", "KB", "Message", "Remediation",
                "Waived", "Id", "Run id", "Run date", "Status", "Waiver expires", "Waiver justification",
                "Consequence of", "Severity rank", "Status note"};
        // Capped so that one page wide (landscape, every column printed) stays readable; longer text wraps. Rule
        // titles and reasons are on the Rules sheet.
        int[] max = {10, 36, 12, 14, 14, 26, 11, 42, 38, 24, 18, 38, 20, 10, 14, 30, 30, 10, 30};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        FindingsDocument doc = view.doc();
        java.util.Set<String> added = doc.history() == null ? null : new java.util.HashSet<>(doc.history().newFindings());
        String runId = doc.runId();
        int r = 1;
        for (FindingView v : view.findings()) {
            var f = v.finding();
            SXSSFRow row = sh.createRow(r++);
            String sev = f.severity().name();
            String[] values = {sev, f.rule(), f.cluster(), name(f.host()), name(f.peer()), v.spn(), v.kb(), f.message(),
                    v.remediation(), v.waivedColumn(), f.id(), runId};
            int lines = 1;
            for (int i = 0; i < values.length; i++) {
                text(row, i, values[i], v.waived() ? st.waived : i == 0 ? st.severity(f.severity()) : st.wrap);
                w.see(i, values[i]);
                lines = Math.max(lines, lines(values[i], max[i]));
            }
            time(row, 12, doc.finishedAt(), v.waived() ? st.waivedDateTime : st.dateTime);
            text(row, 13, added == null || added.contains(f.id()) ? "new" : "recurring", v.waived() ? st.waived : st.text);
            Finding.Waiver waiver = f.isWaived() ? f.waiver() : null;
            date(row, 14, waiver == null ? null : waiver.expires(), v.waived() ? st.waivedDate : st.date);
            String justification = waiver == null || waiver.justification() == null ? "" : waiver.justification();
            text(row, 15, justification, v.waived() ? st.waived : st.wrap);
            lines = Math.max(lines, lines(justification, max[15]));
            // Waived is Yes only where findings.json says waived; what a finding follows from has its own column
            String consequence = v.consequenceColumn();
            text(row, 16, consequence, v.waived() ? st.waived : st.wrap);
            w.see(16, consequence);
            lines = Math.max(lines, lines(consequence, max[16]));
            number(row, 17, rank(f.severity()), st.number);
            // a recurring finding its waiver no longer covers: its status stays what pipelines read, the note says why
            // it counts again (history.unwaivedFindings)
            String note = view.unwaivedNote(f);
            if (note != null) {
                text(row, 18, note, st.wrap);
                w.see(18, note);
                lines = Math.max(lines, lines(note, max[18]));
            }
            height(row, lines);
        }
        if (doc.history() != null) {
            // what each finding was in the previous run (its severity, rule, cluster and host for the pivots), when
            // findings.json carries it (history.resolved; an older one has the ids only), looked up once each
            Map<String, HistorySections.ResolvedDoc> before = new HashMap<>();
            if (doc.history().resolved() != null) {
                doc.history().resolved().forEach(d -> before.putIfAbsent(d.id(), d));
            }
            for (String id : doc.history().resolvedFindings()) {
                SXSSFRow row = sh.createRow(r++);
                HistorySections.ResolvedDoc was = before.get(id);
                String message = "Resolved: found in run " + doc.history().previousRunId() + ", not in this one";
                if (was != null) {
                    String[] values = {was.severity() == null ? "" : was.severity().name(), was.rule(), was.cluster(),
                            name(was.host()), name(was.peer()), Values.visibleSpn(was.spn()), was.kb()};
                    for (int i = 0; i < values.length; i++) {
                        text(row, i, values[i], i == 0 && was.severity() != null ? st.severity(was.severity()) : st.text);
                        w.see(i, values[i]);
                    }
                    if (was.severity() != null) {
                        number(row, 17, rank(was.severity()), st.number);
                    }
                    if (was.message() != null && !was.message().isBlank()) {
                        message += ". It was: " + was.message();
                    }
                }
                text(row, 7, message, st.note);
                height(row, lines(message, max[7]));
                text(row, 10, id, st.text);
                text(row, 11, runId, st.text);
                time(row, 12, doc.finishedAt(), st.dateTime);
                text(row, 13, "resolved", st.text);
            }
        }
        sh.createFreezePane(0, 1);
        w.see(12, "2026-11-26 06:00:00");
        w.apply(sh, max);
        table(sh, "Findings", cols, r - 1);
        // printed: every column (run, status and waiver included) and every row, landscape one page wide (print())
        sh.getWorkbook().setPrintArea(sh.getWorkbook().getSheetIndex(sh), 0, cols.length - 1, 0, Math.max(r - 1, 1));
    }

    // ---------------------------------------------------------------- Rules

    /**
     * Each rule that fired: what it checks, why it matters, where the fact comes from, and its counts. Severity is the
     * severity its findings have in this run, one row per severity where a rule's findings differ (BASELINE_FLAGS_CHANGED
     * is HIGH or MEDIUM, PROTOCOL_TRANSITION_MISMATCH INFO under policy "either"), so that Open summed by Severity is the
     * Summary's count per severity; Usual severity is the catalogue's.
     */
    private void rules(SXSSFSheet sh, ReportView view, Styles st) {
        String[] cols = {"Rule", "Severity", "Category", "Title", "Why it matters", "Reference", "Open", "Waived",
                "Usual severity", "Severity rank"};
        int[] max = {36, 10, 12, 40, 80, 50, 8, 8, 10, 10};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = 1;
        for (Map.Entry<ReportView.RuleView, List<FindingView>> e : view.byRule().entrySet()) {
            ReportView.RuleView rule = e.getKey();
            Map<Severity, List<FindingView>> bySeverity = new java.util.EnumMap<>(Severity.class);
            e.getValue().forEach(v -> bySeverity.computeIfAbsent(v.finding().severity(), k -> new ArrayList<>()).add(v));
            for (Map.Entry<Severity, List<FindingView>> s : bySeverity.entrySet()) {
                SXSSFRow row = sh.createRow(r++);
                String[] values = {rule.id(), s.getKey().name(),
                        rule.category() == null ? "" : rule.category().word(), rule.title(), rule.why(),
                        rule.reference()};
                int lines = 1;
                for (int i = 0; i < values.length; i++) {
                    text(row, i, values[i], i == 1 ? st.severity(s.getKey()) : st.wrap);
                    w.see(i, values[i]);
                    lines = Math.max(lines, lines(values[i], max[i]));
                }
                long waived = s.getValue().stream().filter(FindingView::waived).count();
                number(row, 6, s.getValue().size() - waived, st.number);
                number(row, 7, waived, st.number);
                String usual = rule.severity() == null ? "" : rule.severity().name();
                text(row, 8, usual, st.text);
                w.see(8, usual);
                number(row, 9, rank(s.getKey()), st.number);
                height(row, lines);
            }
        }
        sh.createFreezePane(0, 1);
        w.apply(sh, max);
        table(sh, "Rules", cols, r - 1);
    }

    // ---------------------------------------------------------------- Matrix

    /**
     * A cluster's matrix repeats its destination header before every this many source rows: the clusters are stacked
     * on one sheet, so no one frozen row serves them all, and a large cluster's header would scroll out of sight.
     */
    static final int HEADER_EVERY = 20;

    /**
     * The destination header of a cluster's matrix: "from ↓  to →", then each destination, rotated: its nodes, its file
     * servers ("NAS01 (file server)"), the nodes of other clusters of its migration group ("HV21 (HVC2)").
     */
    private static void destinations(SXSSFRow head, List<String> labels, Styles st) {
        text(head, 0, "from ↓  to →", st.header);
        int longest = 4;
        for (int j = 0; j < labels.size(); j++) {
            text(head, j + 1, labels.get(j), st.rotated);
            longest = Math.max(longest, len(labels.get(j)));
        }
        head.setHeightInPoints(Math.min(409, 14 + longest * 7f));
    }

    /** The headers of {@link ClusterView#destinations}, in their order, as {@link #destinations} writes them. */
    private static List<String> destinationLabels(ClusterView c) {
        List<String> own = c.ownDestinations();
        List<String> out = new ArrayList<>();
        for (int j = 0; j < own.size(); j++) {
            out.add(j < c.nodes().size() ? name(own.get(j)) : name(own.get(j)) + " (file server)");
        }
        for (ReportView.PeerCluster g : c.groupPeers()) {
            String of = " (" + (g.name() == null ? "another cluster" : g.name()) + ")";
            g.nodes().forEach(n -> out.add(name(n) + of));
        }
        return out;
    }

    private void matrix(SXSSFSheet sh, ReportView view, Styles st) {
        // the source hosts stay in sight while a block of 64 destinations is scrolled across (no row is frozen: each
        // cluster's block has its own header row, repeated every HEADER_EVERY source rows)
        sh.createFreezePane(1, 0);
        int r = 0;
        text(sh.createRow(r++), 0, "Delegation matrix: a row is the source host (whose msDS-AllowedToDelegateTo"
                + " is checked), a column the destination. A cell shows required entries present / required.", st.note);
        SXSSFRow legend = sh.createRow(r++);
        text(legend, 0, "Legend:", st.label);
        text(legend, 1, "4/4", st.matrix(Status.GREEN));
        text(legend, 2, "all present, nothing blocks the pair", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "2/4", st.matrix(Status.AMBER));
        text(legend, 2, "partly present, or all present but something else blocks the pair (see the marks)", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "0/4", st.matrix(Status.RED));
        text(legend, 2, "none present: migration in this direction fails", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, ReportView.RBCD_CELL, st.matrix(Status.GREEN));
        text(legend, 2, ReportView.RBCD_CELL_MEANING, st.note);
        legend = sh.createRow(r++);
        text(legend, 1, ReportView.NEEDS_RBCD_CELL, st.matrix(Status.RED));
        text(legend, 2, ReportView.NEEDS_RBCD_CELL_MEANING, st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "", st.diagonal);
        text(legend, 2, "the host itself", st.note);
        legend = sh.createRow(r++);
        text(legend, 1, "0/4 W", st.matrix(Status.RED));
        text(legend, 2, "a waived finding blocks the pair: it still fails (a waiver accepts the failure, it does not"
                + " fix it)", st.note);
        // one mark a row, as the colours above: on one line the marks ran 70 columns wide, and the sheet printed at
        // a sixth of its size to fit them on the page's width
        for (ReportView.Mark mark : ReportView.MARKS) {
            legend = sh.createRow(r++);
            if (mark == ReportView.MARKS.get(0)) {
                text(legend, 0, "Marks:", st.label);
            }
            text(legend, 1, mark.mark(), st.note);
            text(legend, 2, mark.meaning(), st.note);
        }
        r++;
        int widest = 12;
        int widestCols = 0;
        // the widest cell's text: "4/4 ! E D R" in a column of 7 was cut to "4/4 ! E" beside a filled cell; at least
        // the legend's widest sample, "needs RBCD", in column 1
        int widestCell = ReportView.NEEDS_RBCD_CELL.length();
        for (ClusterView c : view.clusters()) {
            List<String> sources = c.nodes();
            List<String> targets = c.destinations();
            List<String> labels = destinationLabels(c);
            // names lower-cased once per name, not once per lookup
            Map<String, Map<String, Cell>> pairs = c.cellsBySource();
            String[] lowerTargets = new String[targets.size()];
            for (int j = 0; j < lowerTargets.length; j++) {
                lowerTargets[j] = lower(targets.get(j));
            }
            SXSSFRow title = sh.createRow(r++);
            text(title, 0, "Cluster " + c.name() + ": " + (c.audited() ? Words.percent(c.compliancePercent())
                    + " of entries present, " + c.pairsOkInWords() : "not audited (directory "
                    + c.directory() + " could not be read)"), st.h2);
            if (!c.missingNodes().isEmpty()) {
                text(sh.createRow(r++), 0, "Not found in the directory: " + join(c.missingNodes(), ", "), st.note);
            }
            if (!c.groupPeers().isEmpty()) {
                text(sh.createRow(r++), 0, c.acrossClustersText(), st.note);
            }
            widestCols = Math.max(widestCols, targets.size());
            for (int i = 0; i < sources.size(); i++) {
                if (i % HEADER_EVERY == 0) {
                    destinations(sh.createRow(r++), labels, st);
                }
                String from = sources.get(i);
                SXSSFRow row = sh.createRow(r++);
                text(row, 0, name(from), st.rowHeader);
                widest = Math.max(widest, len(from));
                Map<String, Cell> fromHere = pairs.getOrDefault(lower(from), Map.of());
                for (int j = 0; j < targets.size(); j++) {
                    String to = targets.get(j);
                    if (to.equalsIgnoreCase(from)) {
                        text(row, j + 1, "", st.diagonal);
                        continue;
                    }
                    Cell p = fromHere.get(lowerTargets[j]);
                    if (p == null) {
                        text(row, j + 1, "–", st.matrixNone);
                    } else {
                        text(row, j + 1, p.text(), st.matrix(p.status()));
                        widestCell = Math.max(widestCell, len(p.text()));
                    }
                }
            }
            r++;
        }
        sh.setColumnWidth(0, Math.min(60, widest + 2) * 256);
        for (int j = 1; j <= Math.max(widestCols, 2); j++) {
            sh.setColumnWidth(j, Math.min(30, widestCell + 2) * 256);
        }
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    // ---------------------------------------------------------------- Hosts

    /** The Hosts sheet's Role: a cluster node, or a file server (a cifs target of a cluster, no node). */
    static final String NODE = "node";
    static final String FILE_SERVER = "file server";

    /**
     * One row per node, then one per file server of each cluster that lists it ({@code fileServerHosts[]}; Role says
     * which): the file server's account decides the pairs into it too (its encryption types and AES keys, its cifs
     * SPNs, its flags). A findings.json written before the file servers' accounts were kept has their names only, and
     * no row of theirs ({@link #fileServers} names them on the Summary).
     */
    private void hosts(SXSSFSheet sh, ReportView view, Styles st) {
        FindingsDocument doc = view.doc();
        String[] cols = {"Host", "Cluster", "DNS host name", "Enabled", "userAccountControl", "userAccountControl in words",
                "Delegation mode", "Operating system", "OS version", "Delegation entries", "msDS-AllowedToDelegateTo",
                "SPNs registered", "RBCD allowed from", "sAMAccountName", "Distinguished name", "SID",
                "whenChanged (UTC)", "uSNChanged", "lastLogonTimestamp (UTC)", "Encryption types",
                "Password last set (UTC)", "Delegation last changed", "Directory", "userAccountControl (number)",
                "Delegation last changed (UTC)", "Role", "Encryption types (number)", "Run id", "Run date"};
        int[] max = {30, 20, 40, 8, 18, 70, 50, 36, 14, 10, 100, 100, 60, 20, 80, 50, 24, 12, 24, 50, 24, 100, 20, 14,
                24, 12, 14, 38, 20};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        HostRows rows = new HostRows(sh, view, st, w);
        for (HostDoc h : nn(doc.hosts())) {
            if (h != null) {
                rows.add(h, h.cluster(), NODE);
            }
        }
        Map<String, HostDoc> servers = fileServerHosts(doc);
        for (ClusterView c : view.clusters()) {
            for (String fs : c.fileServers()) {
                HostDoc h = fs == null ? null : servers.get(lower(fs));
                if (h != null) {
                    rows.add(h, c.name(), FILE_SERVER);
                }
            }
        }
        int r = rows.next;
        if (view.changeTimesNote() != null) {
            // said once, below the table, not in every host's row
            text(sh.createRow(r + 1), 0, "Delegation last changed: " + view.changeTimesNote(), st.note);
        }
        sh.createFreezePane(1, 1);
        for (int i : new int[]{16, 18, 20, 24, 28}) {
            w.see(i, "2026-11-26 06:00:00");
        }
        w.see(25, FILE_SERVER);
        w.see(27, doc.runId());
        w.apply(sh, max);
        table(sh, "Hosts", cols, r - 1);
    }

    /** findings.json's {@code fileServerHosts[]} by lower-case name. */
    private static Map<String, HostDoc> fileServerHosts(FindingsDocument doc) {
        Map<String, HostDoc> out = new HashMap<>();
        for (HostDoc h : nn(doc.fileServerHosts())) {
            if (h != null && h.name() != null) {
                out.putIfAbsent(lower(h.name()), h);
            }
        }
        return out;
    }

    /**
     * The Hosts sheet's rows. A directory has a handful of distinct userAccountControl and encryption type values:
     * each is described once.
     */
    private static final class HostRows {
        private final SXSSFSheet sh;
        private final ReportView view;
        private final Styles st;
        private final Widths w;
        private final Map<Long, String[]> uacWords = new HashMap<>();
        private final Map<Integer, String> encWords = new HashMap<>();
        int next = 1;

        HostRows(SXSSFSheet sh, ReportView view, Styles st, Widths w) {
            this.sh = sh;
            this.view = view;
            this.st = st;
            this.w = w;
        }

        void add(HostDoc h, String cluster, String role) {
            SXSSFRow row = sh.createRow(next++);
            boolean entries = !nn(h.delegateTo()).isEmpty();
            int uac = h.userAccountControl();
            String[] u = uacWords.computeIfAbsent((long) uac << 1 | (entries ? 1 : 0), k -> new String[]{uac(uac),
                    Uac.describe(uac, entries), RemediationPlan.mode(uac, entries)});
            String enc = encWords.computeIfAbsent(h.supportedEncryptionTypes(), EncryptionTypes::describe);
            // its other names too, as the runbooks show them beside its name: a look-alike by its code
            String[] v = {name(h.name()), cluster, name(h.dnsHostName()), h.enabled() ? "Yes" : "No", u[0], u[1],
                    u[2], h.operatingSystem(), h.operatingSystemVersion(), null,
                    Values.visibleSpns(nn(h.delegateTo()), "; "), Values.visibleSpns(nn(h.spns()), "; "),
                    Values.visibleSpns(nn(h.rbcdAllowed()), "; "), name(h.samAccountName()), name(h.distinguishedName()),
                    h.objectSid(), null, null, null, enc, null, join(view.hostChanges(h), "; "), h.directory()};
            for (int i = 0; i < v.length; i++) {
                if (i == 9) {
                    number(row, i, nn(h.delegateTo()).size(), st.number);
                } else if (i == 17) {
                    number(row, i, h.uSNChanged(), st.number);
                } else if (i == 16 || i == 18 || i == 20) {
                    time(row, i, i == 16 ? h.whenChanged() : i == 18 ? h.lastLogonTimestamp() : h.pwdLastSet(),
                            st.dateTime);
                } else {
                    CellStyle style = i == 3 && !h.enabled() ? st.light(Status.RED)
                            : i == 6 && Uac.has(h.userAccountControl(), Uac.TRUSTED_FOR_DELEGATION) ? st.light(Status.RED)
                            : st.text;
                    if (i >= 10 && i <= 12) {
                        // the SPN lists are shown already (visibleSpns: all ASCII, nothing hidden), not scanned again
                        cell(row, i, v[i], style);
                    } else {
                        text(row, i, v[i], style);
                    }
                    w.see(i, v[i]);
                }
            }
            // the readable userAccountControl and the dates in words stay; beside them, the number a filter can test
            // bits of and the latest write of a delegation attribute as a date
            number(row, 23, uac, st.number);
            time(row, 24, nn(h.changes()).stream().filter(c -> c != null && c.time() != null)
                    .map(org.kcdauditor.model.AttributeChange::time).max(java.time.Instant::compareTo).orElse(null),
                    st.dateTime);
            text(row, 25, role, st.text);
            // msDS-SupportedEncryptionTypes as stored, to filter or test the AES bits on (0x8, 0x10); blank where the
            // attribute is absent (the KDC's default), as Encryption types says in words
            if (h.supportedEncryptionTypes() != null) {
                number(row, 26, h.supportedEncryptionTypes(), st.number);
            } else {
                row.createCell(26).setCellStyle(st.number);
            }
            // the run the row is of, so that the hosts of monthly workbooks appended into one table stay apart
            text(row, 27, view.doc().runId(), st.text);
            time(row, 28, view.doc().finishedAt(), st.dateTime);
        }
    }

    /**
     * The clusters' file servers the Hosts sheet has no row of, "NAS01, NAS02 of HVC1, NAS03 of HVC2": those a
     * findings.json written before {@code fileServerHosts[]} names only; null when there are none.
     */
    private static String fileServers(ReportView view) {
        Map<String, HostDoc> listed = fileServerHosts(view.doc());
        List<String> parts = new ArrayList<>();
        for (ClusterView c : view.clusters()) {
            List<String> names = c.fileServers().stream().filter(fs -> fs != null && !listed.containsKey(lower(fs)))
                    .map(XlsxReportWriter::name).toList();
            if (!names.isEmpty()) {
                parts.add(join(names, ", ") + " of " + c.name());
            }
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /** A severity as a number that sorts: HIGH 4, MEDIUM 3, LOW 2, INFO 1. */
    static int rank(Severity s) {
        return Severity.values().length - s.ordinal();
    }

    /** userAccountControl as {@code 0x1001000 (16781312)}, as {@code String.format("0x%X (%d)")} writes it. */
    static String uac(int uac) {
        return "0x" + Integer.toHexString(uac).toUpperCase(Locale.ROOT) + " (" + uac + ")";
    }

    // ---------------------------------------------------------------- Runbook

    private void runbook(SXSSFSheet sh, ReportView view, Styles st) {
        String[] cols = {"#", "Phase", "Host", "Action", "Detail", "Command", "Done", "Initials", "Date"};
        // the phase's title whole ("Purge the hosts' Kerberos tickets"), not run into the Host column
        int[] max = {6, 34, 24, 60, 70, 90, 7, 10, 12};
        Widths w = new Widths(cols);
        SXSSFRow head = sh.createRow(0);
        for (int i = 0; i < cols.length; i++) {
            text(head, i, cols[i], st.header);
        }
        int r = 1;
        for (Procedure.Step s : view.procedure().checklist()) {
            SXSSFRow row = sh.createRow(r++);
            number(row, 0, r - 1, st.number);
            // a decision's undo (a replaced descriptor set back) has no rollback step: it is said with the decision, as
            // the runbooks and the PDF give it
            String detail = s.phase() != Procedure.Phase.DECIDE || s.undo().isEmpty() ? s.detail()
                    : s.detail() + " Undo: " + String.join("; ", s.undo());
            String[] v = {null, s.phase().title(), name(s.host()), s.action(), detail, s.command()};
            int lines = 1;
            for (int i = 1; i < v.length; i++) {
                // a step's commands are one per line; its other columns show a line feed in a value as a \\u000A text
                if (i == 5) {
                    textLines(row, i, v[i], st.wrap);
                } else {
                    text(row, i, v[i], i >= 3 ? st.wrap : st.text);
                }
                w.see(i, v[i]);
                if (i >= 3) {
                    lines = Math.max(lines, lines(v[i], max[i]));
                }
            }
            height(row, lines);
            text(row, 6, "No", st.input);
            text(row, 7, "", st.input);
            row.createCell(8).setCellStyle(st.inputDate);
        }
        for (RemediationPlan.Refused f : view.plan().refused()) {
            SXSSFRow row = sh.createRow(r++);
            number(row, 0, r - 1, st.number);
            text(row, 1, "Review", st.text);
            text(row, 2, Values.visibleAccount(f.name()), st.text);
            text(row, 3, "Refused, no delegation is added to or from it: " + f.reason(), st.wrap);
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
        w.apply(sh, max);
        table(sh, "Runbook", cols, r - 1);
        sh.setColumnWidth(6, 7 * 256);
        sh.setColumnWidth(7, 10 * 256);
        sh.setColumnWidth(8, 12 * 256);
    }

    // ---------------------------------------------------------------- cells and styles

    /**
     * A string cell, blank when the value is null or empty; never a formula. A value a spreadsheet could read as a
     * formula is quote-prefixed. Control and bidirectional characters (a line feed in a directory value too) are
     * shown as {@code \\uXXXX}: what is read is what is stored, and no value breaks into lines that look like other
     * text.
     */
    static void text(SXSSFRow row, int col, String value, CellStyle style) {
        cell(row, col, Values.visible(value), style);
    }

    /** A string cell whose own line breaks stay line breaks (the runbook's multi-command steps); else as {@link #text}. */
    static void textLines(SXSSFRow row, int col, String value, CellStyle style) {
        cell(row, col, Values.visibleLines(value), style);
    }

    private static void cell(SXSSFRow row, int col, String value, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        if (value == null || value.isEmpty()) {
            // a blank cell, not an empty text: COUNTA, a pivot's count and a filter's "(Blanks)" then see nothing
            // there (an empty text counts as a value: "Count of Waived" would be every finding)
            if (style != null) {
                c.setCellStyle(style);
            }
            return;
        }
        String v = value;
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

    /** A date-time cell (UTC to the second, formatted yyyy-mm-dd hh:mm:ss), empty when {@code t} is null. */
    static void time(SXSSFRow row, int col, java.time.Instant t, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        c.setCellStyle(style);
        if (t != null) {
            c.setCellValue(java.time.LocalDateTime.ofInstant(t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    java.time.ZoneOffset.UTC));
        }
    }

    /** A date cell (formatted yyyy-mm-dd), empty when {@code d} is null. */
    static void date(SXSSFRow row, int col, java.time.LocalDate d, CellStyle style) {
        SXSSFCell c = row.createCell(col);
        c.setCellStyle(style);
        if (d != null) {
            c.setCellValue(d);
        }
    }

    /**
     * Makes rows 0..{@code lastRow} of {@code sh} (header row 0) an Excel table named {@code name}, so that filters,
     * sorting and pivot tables see every row. The table is created on the XSSF sheet behind the streaming sheet
     * (its rows are not in memory; the table is a few elements of XML beside them), with the column names given,
     * since POI cannot read header cells that were streamed to disk. A table needs a data row: an empty sheet gets
     * one empty row.
     */
    static void table(SXSSFSheet sh, String name, String[] headers, int lastRow) {
        org.apache.poi.xssf.usermodel.XSSFSheet xs = sh.getWorkbook().getXSSFWorkbook().getSheet(sh.getSheetName());
        org.apache.poi.ss.util.AreaReference area = new org.apache.poi.ss.util.AreaReference(
                new org.apache.poi.ss.util.CellReference(0, 0),
                new org.apache.poi.ss.util.CellReference(Math.max(lastRow, 1), headers.length - 1),
                org.apache.poi.ss.SpreadsheetVersion.EXCEL2007);
        org.apache.poi.xssf.usermodel.XSSFTable t = xs.createTable(area);
        t.setName(name);
        t.setDisplayName(name);
        var ct = t.getCTTable();
        ct.addNewAutoFilter().setRef(area.formatAsString());
        var cols = ct.getTableColumns();
        for (int i = 0; i < headers.length; i++) {
            cols.getTableColumnArray(i).setName(headers[i]);
        }
        var style = ct.isSetTableStyleInfo() ? ct.getTableStyleInfo() : ct.addNewTableStyleInfo();
        style.setName("TableStyleLight1");
        style.setShowRowStripes(false);
        style.setShowColumnStripes(false);
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

    /**
     * The values with {@code sep} between them, a missing value as empty. {@code String.join} allocates the result
     * once, at its size: a host's delegation entries are up to 10 KB of text at 20,000 hosts, and a StringBuilder
     * grown by doubling allocated about four times that per host.
     */
    static String join(List<String> values, String sep) {
        if (values == null || values.isEmpty()) {
            return "";
        }
        for (String v : values) {
            if (v == null) {
                return String.join(sep, values.stream().map(x -> x == null ? "" : x).toList());
            }
        }
        return String.join(sep, values);
    }

    static int len(String s) {
        return s == null ? 0 : s.length();
    }

    static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }

    static byte[] rgb(Palette p) {
        int rgb = p.rgb();
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
        final XSSFCellStyle date;
        final XSSFCellStyle month;
        final XSSFCellStyle dateTime;
        final XSSFCellStyle waivedDate;
        final XSSFCellStyle waivedDateTime;
        final XSSFCellStyle percentPlain;
        final XSSFCellStyle diagonal;
        final XSSFCellStyle matrixNone;
        private final Map<Status, XSSFCellStyle> lights = new LinkedHashMap<>();
        private final Map<Status, XSSFCellStyle> percents = new LinkedHashMap<>();
        private final Map<Status, XSSFCellStyle> matrix = new LinkedHashMap<>();
        private final Map<Severity, XSSFCellStyle> severities = new java.util.EnumMap<>(Severity.class);
        private static final Map<Object, Map<Integer, CellStyle>> QUOTED = new java.util.WeakHashMap<>();
        /**
         * 0.0 %, except that a share short of the whole reads 99.9 %, never 100.0 %: the cells hold the exact share
         * (1999/2000 = 0.9995), which "0.0%" alone rounds up, while findings.json and every other output say 99.9 %
         * while an entry (or a pair) is missing ({@code Auditor.percent}).
         */
        static final String PERCENT = "[>=1]0.0%;[>=0.999]\"99.9%\";0.0%";

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
            white.setColor(new XSSFColor(new byte[]{(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, null));
            XSSFFont greyed = (XSSFFont) wb.createFont();
            greyed.setColor(new XSSFColor(rgb(Palette.WAIVED), null));
            XSSFFont grey = (XSSFFont) wb.createFont();
            grey.setItalic(true);
            grey.setColor(new XSSFColor(rgb(Palette.MUTED), null));

            title = style(wb, big, null);
            h2 = style(wb, mid, null);
            header = style(wb, white, rgb(Palette.NAVY));
            header.setVerticalAlignment(VerticalAlignment.CENTER);
            header.setWrapText(true);
            rotated = style(wb, white, rgb(Palette.NAVY));
            rotated.setRotation((short) 90);
            rotated.setAlignment(HorizontalAlignment.CENTER);
            rotated.setVerticalAlignment(VerticalAlignment.BOTTOM);
            rowHeader = style(wb, bold, rgb(Palette.BLUE));
            borders(rowHeader);
            label = style(wb, bold, null);
            label.setVerticalAlignment(VerticalAlignment.TOP);
            text = style(wb, null, null);
            text.setVerticalAlignment(VerticalAlignment.TOP);
            wrap = style(wb, null, null);
            wrap.setWrapText(true);
            wrap.setVerticalAlignment(VerticalAlignment.TOP);
            note = style(wb, grey, null);
            noteWrap = style(wb, grey, null);
            noteWrap.setWrapText(true);
            noteWrap.setVerticalAlignment(VerticalAlignment.TOP);
            waived = style(wb, greyed, rgb(Palette.LIGHT));
            waived.setWrapText(true);
            waived.setVerticalAlignment(VerticalAlignment.TOP);
            number = style(wb, null, null);
            number.setAlignment(HorizontalAlignment.RIGHT);
            number.setVerticalAlignment(VerticalAlignment.TOP);
            input = style(wb, null, rgb(Palette.INPUT));
            borders(input);
            input.setAlignment(HorizontalAlignment.CENTER);
            input.setVerticalAlignment(VerticalAlignment.TOP);
            inputDate = style(wb, null, rgb(Palette.INPUT));
            borders(inputDate);
            inputDate.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm-dd"));
            short dateFormat = wb.createDataFormat().getFormat("yyyy-mm-dd");
            short timeFormat = wb.createDataFormat().getFormat("yyyy-mm-dd hh:mm:ss");
            date = style(wb, null, null);
            date.setDataFormat(dateFormat);
            date.setAlignment(HorizontalAlignment.LEFT);
            date.setVerticalAlignment(VerticalAlignment.TOP);
            month = style(wb, null, null);
            month.setDataFormat(wb.createDataFormat().getFormat("yyyy-mm"));
            month.setAlignment(HorizontalAlignment.LEFT);
            month.setVerticalAlignment(VerticalAlignment.TOP);
            dateTime = style(wb, null, null);
            dateTime.setDataFormat(timeFormat);
            dateTime.setAlignment(HorizontalAlignment.LEFT);
            dateTime.setVerticalAlignment(VerticalAlignment.TOP);
            waivedDate = style(wb, greyed, rgb(Palette.LIGHT));
            waivedDate.setDataFormat(dateFormat);
            waivedDate.setAlignment(HorizontalAlignment.LEFT);
            waivedDate.setVerticalAlignment(VerticalAlignment.TOP);
            waivedDateTime = style(wb, greyed, rgb(Palette.LIGHT));
            waivedDateTime.setDataFormat(timeFormat);
            waivedDateTime.setAlignment(HorizontalAlignment.LEFT);
            waivedDateTime.setVerticalAlignment(VerticalAlignment.TOP);
            percentPlain = style(wb, null, null);
            percentPlain.setDataFormat(wb.createDataFormat().getFormat(PERCENT));
            percentPlain.setVerticalAlignment(VerticalAlignment.TOP);
            diagonal = style(wb, null, rgb(Palette.GREY));
            borders(diagonal);
            matrixNone = style(wb, null, null);
            matrixNone.setAlignment(HorizontalAlignment.CENTER);
            borders(matrixNone);
            for (Status s : Status.values()) {
                byte[] fill = rgb(Palette.of(s));
                XSSFCellStyle l = style(wb, bold, fill);
                borders(l);
                l.setAlignment(HorizontalAlignment.CENTER);
                l.setVerticalAlignment(VerticalAlignment.TOP);
                lights.put(s, l);
                XSSFCellStyle p = style(wb, bold, fill);
                borders(p);
                p.setDataFormat(wb.createDataFormat().getFormat(PERCENT));
                percents.put(s, p);
                XSSFCellStyle m = style(wb, null, fill);
                borders(m);
                m.setAlignment(HorizontalAlignment.CENTER);
                matrix.put(s, m);
            }
            severities.put(Severity.HIGH, lights.get(Status.RED));
            severities.put(Severity.MEDIUM, lights.get(Status.AMBER));
            XSSFCellStyle low = style(wb, bold, rgb(Palette.of(Severity.LOW)));
            borders(low);
            low.setAlignment(HorizontalAlignment.CENTER);
            low.setVerticalAlignment(VerticalAlignment.TOP);
            severities.put(Severity.LOW, low);
            XSSFCellStyle info = style(wb, null, rgb(Palette.of(Severity.INFO)));
            borders(info);
            info.setAlignment(HorizontalAlignment.CENTER);
            info.setVerticalAlignment(VerticalAlignment.TOP);
            severities.put(Severity.INFO, info);
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

        XSSFCellStyle severity(Severity sev) {
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
            XSSFColor c = new XSSFColor(rgb(Palette.LINE), null);
            s.setTopBorderColor(c);
            s.setBottomBorderColor(c);
            s.setLeftBorderColor(c);
            s.setRightBorderColor(c);
        }
    }
}
