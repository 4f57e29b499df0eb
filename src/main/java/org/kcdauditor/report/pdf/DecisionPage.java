package org.kcdauditor.report.pdf;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.Element;
import com.lowagie.text.Image;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.GoVerdict;
import org.kcdauditor.report.ObjectChange;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportView.Cell;
import org.kcdauditor.report.ReportView.ClusterView;
import org.kcdauditor.report.ReportView.FindingView;
import org.kcdauditor.report.Status;
import org.kcdauditor.report.Words;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.kcdauditor.report.pdf.PdfReportWriter.LIGHT;
import static org.kcdauditor.report.pdf.PdfReportWriter.cell;
import static org.kcdauditor.report.pdf.PdfReportWriter.color;
import static org.kcdauditor.report.pdf.PdfReportWriter.header;
import static org.kcdauditor.report.pdf.PdfReportWriter.heading;

/**
 * Page 1 of audit.pdf, what the change-advisory board decides on: GO/NO-GO per cluster for the patch window with
 * the pairs OK, the failing directions by name, the blockers by rule and the waived items that still fail; the
 * waivers that run too long; the proposed change by object with what each gains and loses; the state expected
 * after the change and what stays open; the trend of the last runs of this configuration. Everything comes from
 * the report view (the verdicts are {@link GoVerdict}s, the directions the pairs' blockers). Bounded for any
 * estate: the NO-GO clusters first, at most {@link #CLUSTER_ROWS} rows and {@link #OBJECT_ROWS} objects, fewer when
 * the page would not hold the state after the change and the trend otherwise ({@link #LAYOUTS}), the rest counted
 * with where to find them.
 */
final class DecisionPage {
    /** Clusters listed on the decision page at most; the others are counted. */
    static final int CLUSTER_ROWS = 10;
    /** Failing directions named per cluster; the others are counted. */
    static final int DIRECTIONS = 8;
    /** Rules of the verdict's reasons besides the pair blockers named per cluster; the others are counted. */
    static final int OTHER_RULES = 8;
    /** Objects of the change listed on the decision page at most; the others are counted. */
    static final int OBJECT_ROWS = 10;
    /**
     * Gains, and losses, listed per object at most; the others are counted. A node joined without its delegation gains
     * it to every peer, a line each: at 30 nodes that pushed the state after the change and the trend off page 1, at
     * 64 the table ran over two pages below an orphan heading.
     */
    static final int CHANGE_LINES = 4;
    /**
     * Characters of a waiver's flag shown on page 1: its justification is quoted as written, and one pasted whole from
     * a change ticket pushed the state after the change and the trend off the page.
     */
    static final int WAIVER_FLAG_CHARS = 320;
    /** Waivers flagged by name at most; the others are counted. */
    static final int WAIVER_FLAGS = 5;
    /**
     * How many clusters, objects and waivers page 1 lists, most first: the first that lets the page hold everything
     * through the state after the change and the trend ({@link #write}); the rest are counted, with where to find them.
     */
    static final List<Rows> LAYOUTS = List.of(new Rows(CLUSTER_ROWS, OBJECT_ROWS, WAIVER_FLAGS, DIRECTIONS),
            new Rows(8, 8, 5, DIRECTIONS), new Rows(8, 6, 3, DIRECTIONS), new Rows(6, 6, 3, DIRECTIONS),
            new Rows(6, 4, 3, DIRECTIONS), new Rows(5, 4, 2, DIRECTIONS), new Rows(4, 3, 2, DIRECTIONS),
            new Rows(3, 3, 2, DIRECTIONS), new Rows(3, 2, 1, DIRECTIONS), new Rows(2, 2, 1, DIRECTIONS));
    /**
     * Failing directions named per cluster, tried in turn for each layout of {@link #LAYOUTS} before the next one lists
     * fewer clusters and objects: eight directions of a cluster where hundreds fail made its row ten lines high, and at
     * 600 hosts page 1 listed two clusters and two objects with a third of the page empty; at four clusters of 64, 16,
     * 8 and 3 nodes it listed two of them, with every cluster fitting once fewer directions were named.
     */
    static final List<Integer> NAMED_DIRECTIONS = List.of(DIRECTIONS, 4, 2);
    /**
     * Points kept free below page 1's content: a margin against rounding between the simulated column and the
     * document (the two gave the same positions wherever compared, DecisionPageTest's pages among them).
     */
    private static final float SLACK = 12;
    /** The trend chart's height: 140 pushed the trend off page 1 once page 1 said what keeps a cluster NO-GO. */
    static final float CHART_HEIGHT = 105;
    /**
     * The widths of "After the change" and of the trend beside it: the sentences get the wider column, so that with the
     * reasons a cluster stays NO-GO for the page still holds them and the trend.
     */
    static final float[] AFTER_TREND = {1.45f, 1f};
    static final Color NO_GO = color(Status.RED);
    static final Color GO = color(Status.GREEN);

    private DecisionPage() {
    }

    /** Page 1's texts that are the same in every layout: how the change is made, the state after it. */
    private record Shared(String how, List<String> after, List<Staying> staying) {
    }

    /** The rows of each bounded list on page 1. */
    record Rows(int clusters, int objects, int waivers, int directions) {
    }

    /**
     * Writes page 1 with as many rows as let it hold everything: each layout of {@link #LAYOUTS} is laid out in a
     * column the size of the page without drawing it, and the first that fits is written. Where none does, the first
     * whose table of clusters page 1 holds, the change and the state after it following on page 2: the smallest layout
     * listed two of four clusters of 64, 16, 8 and 3 nodes, with the state after the change on page 2 all the same.
     * The smallest when not even that fits.
     */
    static void write(Document d, PdfWriter w, ReportView view, PdfReportWriter.Fonts f) {
        // drawn once, laid out each time
        Chart chart = Chart.of(view, (d.right() - d.left()) * AFTER_TREND[1] / (AFTER_TREND[0] + AFTER_TREND[1]) - 4);
        // the texts no layout changes, computed once
        Shared shared = new Shared(howText(view), after(view), staying(view));
        Rows rows = search(d, w, view, f, chart, shared, true);
        if (rows == null) {
            rows = search(d, w, view, f, chart, shared, false);
        }
        for (Element e : elements(d, view, f, rows == null ? LAYOUTS.get(LAYOUTS.size() - 1) : rows, chart, shared,
                true)) {
            d.add(e);
        }
    }

    /**
     * The first layout of {@link #LAYOUTS}, each with fewer directions named in turn ({@link #NAMED_DIRECTIONS}), with
     * which page 1 holds everything ({@code whole}) or everything through the table of clusters; null if none.
     */
    private static Rows search(Document d, PdfWriter w, ReportView view, PdfReportWriter.Fonts f, Chart chart,
                               Shared shared, boolean whole) {
        for (Rows layout : LAYOUTS) {
            for (int named : NAMED_DIRECTIONS) {
                Rows r = new Rows(layout.clusters(), layout.objects(), layout.waivers(), named);
                if (fits(d, w, elements(d, view, f, r, chart, shared, whole))) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Whether {@code page} fits on one page of {@code d} (laid out without drawing: ColumnText's simulation). */
    private static boolean fits(Document d, PdfWriter w, List<Element> page) {
        ColumnText column = new ColumnText(w.getDirectContent());
        column.setSimpleColumn(d.left(), d.bottom() + SLACK, d.right(), d.top());
        for (Element e : page) {
            column.addElement(e);
        }
        return !ColumnText.hasMoreText(column.go(true));
    }

    /**
     * Page 1's elements, in order, listing at most {@code rows}: all of them, or ({@code whole} false) those through
     * the table of clusters.
     */
    private static List<Element> elements(Document d, ReportView view, PdfReportWriter.Fonts f, Rows rows,
                                          Chart chart, Shared shared, boolean whole) {
        List<Element> out = new ArrayList<>();
        FindingsDocument doc = view.doc();
        out.add(new Paragraph("Change decision: delegation for live migration", f.h1));
        Paragraph sub = para("Kerberos constrained delegation of the Hyper-V hosts of "
                + view.domain() + " · run " + shortId(doc.runId()) + " · " + Words.time(doc.finishedAt())
                // on a line of its own: the line wrapped inside "change ticket: ____"
                + "\nChange ticket: " + (view.changeTicket() == null ? "______________" : view.changeTicket()),
                f.muted);
        sub.setSpacingAfter(8);
        out.add(sub);
        verdict(out, view, f);
        clusters(out, d, view, f, rows.clusters(), rows.directions(), shared.staying());
        if (!whole) {
            return out;
        }
        waiversToQuestion(out, view, f, rows.waivers());
        change(out, view, f, rows.objects(), shared.how());
        afterAndTrend(out, view, f, chart, shared.after());
        return out;
    }

    // ---------------------------------------------------------------- verdict

    private static void verdict(List<Element> out, ReportView view, PdfReportWriter.Fonts f) {
        int noGo = view.clustersNoGo();
        int all = view.clusters().size();
        PdfPTable box = new PdfPTable(1);
        box.setWidthPercentage(100);
        PdfPCell st = new PdfPCell(PdfReportWriter.wholeCodes(new Phrase(PdfReportWriter.shown(view.decision()), f.h2black)));
        st.setBackgroundColor(noGo == 0 && all > 0 ? GO : NO_GO);
        st.setPadding(5);
        st.setPaddingBottom(7);
        st.setBorderColor(PdfReportWriter.LINE);
        box.addCell(st);
        PdfPCell line = new PdfPCell(PdfReportWriter.wholeCodes(PdfReportWriter.words(view.headline(), f.small)));
        line.setPadding(4);
        line.setBorderColor(PdfReportWriter.LINE);
        box.addCell(line);
        box.setSpacingAfter(6);
        out.add(box);
    }

    // ---------------------------------------------------------------- GO / NO-GO per cluster

    private static void clusters(List<Element> out, Document d, ReportView view, PdfReportWriter.Fonts f, int rows,
                                 int named, List<Staying> staying) {
        out.add(heading("GO / NO-GO per cluster", f.h2, 2));
        List<ClusterView> ordered = view.clustersNoGoFirst();
        float[] widths = clusterWidths(d, ordered.subList(0, Math.min(rows, ordered.size())), f);
        float nameWidth = PdfReportWriter.columnText(d, widths, 0);
        float waivedWidth = PdfReportWriter.columnText(d, widths, 5);
        PdfPTable t = new PdfPTable(widths);
        t.setWidthPercentage(100);
        t.setHeaderRows(1);
        for (String h : List.of("Cluster", "Patch window", "Pairs OK", "Failing directions", "Why they fail"
                + " (directions blocked)", "Waived, still failing")) {
            t.addCell(header(h, f));
        }
        int shown = 0;
        for (ClusterView c : ordered) {
            if (shown == rows) {
                break;
            }
            shown++;
            // whole, smaller where it is wider than its column
            t.addCell(PdfReportWriter.cell(PdfReportWriter.fitted(c.name(), f.smallBold, nameWidth), null,
                    Element.ALIGN_LEFT));
            Phrase window = new Phrase(c.go() ? "GO" : "NO-GO", f.smallBold);
            // with no change proposed there is no "after": the decisions decide; nor for a cluster GO today (as the mail)
            window.add(new Chunk(!view.plan().hasChanges() || c.go() ? "" : "\nafter the change: " + (!c.audited()
                    ? "not known (not audited)" : c.goAfter() ? "GO expected" : "still NO-GO"), f.tiny));
            t.addCell(PdfReportWriter.cell(window, c.go() ? GO : NO_GO, Element.ALIGN_LEFT));
            // each figure with what it counts: the node pairs (live migration) apart from the paths to a file server,
            // as every output counts a cluster's ("4/12" for 3 nodes squared with neither); under the figure, in a
            // column that is never a row's tallest
            Phrase ok = new Phrase(c.nodePairsOkText(), f.small);
            if (c.audited()) {
                ok.add(new Chunk("\nnode pairs", f.tiny));
                if (c.fileServerPaths() > 0) {
                    ok.add(new Chunk("\n" + c.fileServerPathsOkText(), f.small));
                    ok.add(new Chunk("\npaths to file servers", f.tiny)); // no hyphen to break a word at
                }
            }
            t.addCell(PdfReportWriter.cell(ok, null, Element.ALIGN_RIGHT));
            t.addCell(PdfReportWriter.cell(PdfReportWriter.words(c.audited() ? directions(c.failing(), named)
                    : Words.NO_PERCENT, f.tiny), null, Element.ALIGN_LEFT));
            // the reasons in the rules' words: their ids are for the findings pages
            t.addCell(PdfReportWriter.cell(PdfReportWriter.words(blockers(view, c), f.tiny), null, Element.ALIGN_LEFT));
            // wrapped at spaces only: a date or a host name stays whole, one wider than the column smaller
            t.addCell(PdfReportWriter.cell(PdfReportWriter.fitted(waived(c.waivedFailing()), f.tiny, waivedWidth),
                    c.waivedFailing().isEmpty() ? null : LIGHT, Element.ALIGN_LEFT));
            // under the row of a cluster the change leaves NO-GO: what keeps it so, and what closes each
            staying.stream().filter(s -> s.cluster().equals(c.name())).findFirst().ifPresent(s -> {
                PdfPCell after = PdfReportWriter.cell(stayingPhrase(s, f), LIGHT, Element.ALIGN_LEFT);
                after.setColspan(6);
                t.addCell(after);
            });
        }
        int rest = ordered.size() - shown;
        if (rest > 0) {
            long restNoGo = ordered.subList(shown, ordered.size()).stream().filter(c -> !c.go()).count();
            // "below lists those not OK" and "every failing direction" only where there are such clusters and directions
            boolean listedBelow = ordered.stream().anyMatch(c -> PdfReportWriter.listedInCompliance(view, c));
            PdfPCell more = cell("… and " + Words.plural(rest, "more cluster") + ": " + restNoGo + " NO-GO, "
                    + (rest - restNoGo) + " GO. Every cluster with its figures: " + (ordered.size()
                    <= PdfReportWriter.ALL_CLUSTERS_UP_TO ? "\"Compliance per cluster\" below and the Summary sheet of"
                    + " audit.xlsx" : "the Summary sheet of audit.xlsx" + (listedBelow ? " (\"Compliance per cluster\""
                    + " below lists those not OK)" : "")) + (view.failingPairs() == 0 ? "." : "; every failing"
                    + " direction: the matrices and the Matrix sheet."), f.small, LIGHT);
            more.setColspan(6);
            t.addCell(more);
        }
        if (ordered.isEmpty()) {
            PdfPCell none = cell("No cluster in this run.", f.small, null);
            none.setColspan(6);
            t.addCell(none);
        }
        out.add(t);
        // the mark of a waived direction explained where it is used
        boolean marked = ordered.subList(0, shown).stream().anyMatch(c -> c.audited()
                && c.failing().subList(0, Math.min(named, c.failing().size())).stream().anyMatch(Cell::waived));
        Paragraph note = para("GO: no open HIGH finding in the cluster, no pair blocked by an open finding of any"
                + " severity, and no Windows Server 2025 node with a blocked pair." + (marked ? " " + WAIVED_MARK
                : " A direction fails while any blocker stands, waived or not.") + (view.dcSummaries().isEmpty() ? "" : " Domain controllers: "
                + String.join("; ", view.dcSummaries()) + ".")
                + (view.aesNotChecked() == null ? "" : " " + view.aesNotChecked())
                + (view.migrationAuthenticationNotChecked() == null ? "" : " "
                + view.migrationAuthenticationNotChecked())
                + (view.operatorsNotChecked() == null ? "" : " " + view.operatorsNotChecked()), f.tinyMuted);
        note.setSpacingAfter(4);
        out.add(note);
    }

    /**
     * The columns' relative widths: "Pairs OK" as wide as its widest figure needs (4032/4032 for a cluster of 64
     * nodes wrapped inside the default; the node pairs' or the file-server paths'), taken from the blockers' column.
     */
    static float[] clusterWidths(Document d, List<ClusterView> shown, PdfReportWriter.Fonts f) {
        float[] widths = {1.2f, 1.15f, 0.75f, 2.3f, 4.8f, 1.25f};
        float widest = 0;
        for (ClusterView c : shown) {
            for (String figure : List.of(c.nodePairsOkText(), c.fileServerPathsOkText())) {
                widest = Math.max(widest, f.small.getBaseFont().getWidthPoint(figure, f.small.getSize()));
            }
        }
        float sum = 0;
        for (float w : widths) {
            sum += w;
        }
        // the cell's padding (3 pt a side) and a point to spare
        float need = (widest + 7f) * sum / (d.right() - d.left());
        if (need > widths[2]) {
            widths[4] -= need - widths[2];
            widths[2] = need;
        }
        return widths;
    }

    /** What "(W)" after a direction means, said under the table that uses it. */
    static final String WAIVED_MARK = "(W): a waived finding blocks the direction; it still fails.";

    /** Page 1's prose: it wraps at spaces only, so no identifier (kcd-audit, -Apply, a rule's id) breaks at a hyphen. */
    static Paragraph para(String text, com.lowagie.text.Font font) {
        return new Paragraph(PdfReportWriter.words(text, font));
    }

    /** A rule's title, as the catalogue (or the run) words it; its id where neither knows it. */
    static String title(ReportView view, String rule) {
        String t = view.rule(rule).title();
        return t == null || t.isBlank() ? rule : t;
    }

    /** {@link #title} inside a sentence: its first letter lower-cased (not an id's). */
    static String inSentence(ReportView view, String rule) {
        String t = title(view, rule);
        return t.equals(rule) || t.length() < 2 || Character.isUpperCase(t.charAt(1)) ? t
                : Character.toLowerCase(t.charAt(0)) + t.substring(1);
    }

    /** "HV01→HV02, HV02→HV03 (W), … and 3 more" naming at most {@code named}, or "none". */
    static String directions(List<Cell> failing, int named) {
        if (failing.isEmpty()) {
            return "none";
        }
        List<String> names = new ArrayList<>();
        for (Cell c : failing.subList(0, Math.min(named, failing.size()))) {
            names.add(PdfReportWriter.name(c.from()) + "→" + PdfReportWriter.name(c.to()) + (c.waived() ? " (W)" : ""));
        }
        return String.join(", ", names) + (failing.size() > named ? ", … and " + (failing.size() - named)
                + " more" : "");
    }

    /**
     * The pairs' blockers by rule (directions each blocks), then the verdict's other reasons (the cluster's other
     * open HIGH findings, as findings.json's {@code clusters[].reasons} and the mail list them): those without a rule
     * in words, the others by rule with their findings ("+ HIGH: CLUSTER_EMPTY ×1, HOST_NOT_FOUND ×2"), at most
     * {@link #OTHER_RULES} rules named and the rest counted.
     */
    static String blockers(ReportView view, ClusterView c) {
        List<String> lines = new ArrayList<>();
        c.blockersByRule().forEach((rule, n) -> lines.add(title(view, rule) + " (" + n + ")"));
        Set<String> pairRules = c.blockersByRule().keySet();
        List<String> other = new ArrayList<>();
        for (GoVerdict.Reason r : c.verdict().reasons()) {
            if (r.rule() == null || !r.ofFindings()) { // null: a findings.json of an earlier version
                lines.add(r.text());
            } else if (!pairRules.contains(r.rule())) {
                other.add(inSentence(view, r.rule()) + "\u00A0×" + r.findings()); // the count stays with its rule
            }
        }
        if (!other.isEmpty()) {
            lines.add("Also open, HIGH: " + String.join("; ", other.subList(0, Math.min(OTHER_RULES, other.size())))
                    + (other.size() > OTHER_RULES ? "; … and " + Words.plural(other.size() - OTHER_RULES, "more rule")
                    : ""));
        }
        return lines.isEmpty() ? "none" : lines(lines);
    }

    /**
     * The directions a waived finding blocks, still failing, by their waivers' expiry and source: "HV01 → HV02, HV02 →
     * HV03 (waived until 2027-01-31)", a source waived towards several destinations counted ("HV00010 → 63
     * destinations (waived until 2026-12-31)"), each expiry once however many directions it covers; the justifications
     * stand under Findings by severity and with the baseline's waivers. At most {@link #DIRECTIONS} sources named, the
     * others counted. Spaces around the arrow: the narrow column wraps between two names, never inside one (a node
     * whose 63 directions were named one by one read "HV00010→HV0 / 0001," a line each).
     */
    static String waived(List<Cell> waived) {
        if (waived.isEmpty()) {
            return "none";
        }
        // expiry -> source -> its destinations
        Map<String, Map<String, List<Cell>>> byExpiry = new LinkedHashMap<>();
        for (Cell c : waived) {
            byExpiry.computeIfAbsent(c.waiverExpiry(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(c.from().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(c);
        }
        List<String> lines = new ArrayList<>();
        int named = 0;
        int unnamed = 0;
        for (Map.Entry<String, Map<String, List<Cell>>> e : byExpiry.entrySet()) {
            List<List<Cell>> sources = List.copyOf(e.getValue().values());
            int n = Math.min(DIRECTIONS - named, sources.size());
            named += n;
            if (n == 0) {
                unnamed += sources.stream().mapToInt(List::size).sum();
                continue;
            }
            List<String> shown = new ArrayList<>();
            for (List<Cell> from : sources.subList(0, n)) {
                shown.add(PdfReportWriter.name(from.get(0).from()) + " → " + (from.size() == 1
                        ? PdfReportWriter.name(from.get(0).to()) : from.size() + " destinations"));
            }
            int rest = sources.subList(n, sources.size()).stream().mapToInt(List::size).sum();
            lines.add(String.join(", ", shown) + (rest > 0 ? ", … and " + Words.plural(rest, "more direction") : "")
                    + " (waived " + e.getKey() + ")");
        }
        if (unnamed > 0) {
            lines.add("… and " + Words.plural(unnamed, "more direction"));
        }
        return lines(lines);
    }

    /** One line per item, each shown as stored ({@code \\uXXXX} for a line feed in a value): no item adds lines. */
    static String lines(List<String> items) {
        return String.join("\n", items.stream().map(PdfReportWriter::visible).toList());
    }

    // ---------------------------------------------------------------- waivers

    private static void waiversToQuestion(List<Element> out, ReportView view, PdfReportWriter.Fonts f, int rows) {
        List<FindingView> flags = view.waiversToQuestion();
        if (flags.isEmpty()) {
            return;
        }
        PdfPTable t = new PdfPTable(new float[]{1.5f, 9.7f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(2);
        t.setSpacingAfter(4);
        PdfPCell label = cell("Waivers to question", f.smallBold, color(Status.AMBER));
        label.setRowspan(Math.min(flags.size(), rows) + (flags.size() > rows ? 1 : 0));
        t.addCell(label);
        for (FindingView v : flags.subList(0, Math.min(rows, flags.size()))) {
            // the waived rule by its title, as the table above names reasons
            String waived = v.finding().hasEvidence() ? v.finding().evidence().waivedRule() : null;
            String message = v.finding().message() == null ? "" : v.finding().message();
            t.addCell(PdfReportWriter.cell(PdfReportWriter.words(flag(PdfReportWriter.visible(waived == null
                    || title(view, waived).equals(waived) ? message : message.replace(waived, "\u201C"
                    + title(view, waived) + "\u201D"))), f.tiny), null, Element.ALIGN_LEFT));
        }
        if (flags.size() > rows) {
            t.addCell(cell("… and " + (flags.size() - rows) + " more (" + flags.subList(rows, flags.size()).stream()
                    .map(v -> v.finding().rule()).distinct().collect(Collectors.joining(", ")) + " under Findings)",
                    f.tiny, null));
        }
        out.add(t);
    }

    /** A waiver's flag as page 1 shows it: up to {@link #WAIVER_FLAG_CHARS}, cut at a space, then where the rest is. */
    static String flag(String message) {
        if (message.length() <= WAIVER_FLAG_CHARS) {
            return message;
        }
        int cut = message.lastIndexOf(' ', WAIVER_FLAG_CHARS);
        return message.substring(0, cut > 0 ? cut : WAIVER_FLAG_CHARS) + " … (in full under Findings by severity)";
    }

    // ---------------------------------------------------------------- the change

    private static void change(List<Element> out, ReportView view, PdfReportWriter.Fonts f, int rows,
                               String howText) {
        List<ObjectChange> objects = view.objectChanges();
        // the colon announces the figures beside it; without a change the sentence below says so
        Paragraph h = heading("The proposed change" + (objects.isEmpty() ? "" : ":"), f.h2, 4);
        int objectsChanged = view.plan().objectsChanged();
        // every host whose live-migration setting changes, also one whose directory object changes too (HV13: a new
        // password in the directory, migration enabled on the host)
        int settings = view.plan().settingHosts().size();
        if (!objects.isEmpty()) {
            h.add(new Chunk("   " + Words.plural(objectsChanged, "object") + " in Active Directory" + (settings == 0
                    ? "" : ", the migration " + (settings == 1 ? "setting" : "settings") + " of "
                    + Words.plural(settings, "host")), f.muted));
        }
        out.add(h);
        if (objects.isEmpty()) {
            out.add(para("No change to Active Directory is proposed" + (view.decisions().isEmpty() ? "."
                    : "; " + view.plan().decisionsNeeded() + " (Remediation plan)."), f.small));
            return;
        }
        PdfPTable t = new PdfPTable(new float[]{1.3f, 1f, 5f, 3.4f});
        t.setWidthPercentage(100);
        t.setHeaderRows(1);
        for (String c : List.of("Object", "Cluster", "Gains", "Loses")) {
            t.addCell(header(c, f));
        }
        for (ObjectChange o : objects.subList(0, Math.min(rows, objects.size()))) {
            Phrase name = new Phrase(PdfReportWriter.name(o.name()), f.smallBold);
            if (!o.directory()) {
                name.add(new Chunk("\nhost setting only", f.tiny));
            }
            t.addCell(PdfReportWriter.cell(name, null, Element.ALIGN_LEFT));
            t.addCell(cell(o.cluster(), f.tiny, null));
            t.addCell(PdfReportWriter.cell(PdfReportWriter.words(changeLines(o.gains()), f.tiny), null,
                    Element.ALIGN_LEFT));
            t.addCell(PdfReportWriter.cell(PdfReportWriter.words(changeLines(o.loses()), f.tiny), null,
                    Element.ALIGN_LEFT));
        }
        if (objects.size() > rows) {
            // the objects left out apart from the hosts whose setting alone changes, as the heading counts them
            List<ObjectChange> rest = objects.subList(rows, objects.size());
            long inDirectory = rest.stream().filter(ObjectChange::directory).count();
            long settingOnly = rest.size() - inDirectory;
            PdfPCell more = cell("… and " + (inDirectory == 0 ? "" : Words.plural(inDirectory, "more object")
                    + (settingOnly == 0 ? "" : " and ")) + (settingOnly == 0 ? "" : Words.plural(settingOnly,
                    "host setting") + " only") + ": every"
                    + " change under \"Changes per object\" (Remediation plan) and in runbook.md.", f.small, LIGHT);
            more.setColspan(4);
            t.addCell(more);
        }
        out.add(t);
        Paragraph how = para(howText, f.tinyMuted);
        how.setSpacingAfter(2);
        out.add(how);
    }

    /** An object's gains or losses, at most {@link #CHANGE_LINES} named and the rest counted; "–" for none. */
    static String changeLines(List<String> items) {
        if (items.isEmpty()) {
            return "–";
        }
        if (items.size() <= CHANGE_LINES) {
            return lines(items);
        }
        return lines(items.subList(0, CHANGE_LINES)) + "\n… and " + (items.size() - CHANGE_LINES)
                + " more: every one under \"Changes per object\" (Remediation plan)";
    }

    /**
     * How the change is made and validated, under page 1's table of objects: the same in every layout tried
     * ({@link #write}), so computed once (at 20,000 hosts it walks every failing direction).
     */
    private static String howText(ReportView view) {
        int validate = view.plan().validate().size();
        // a test move is also planned from a host whose delegation mode changes, where the direction works today: said
        // here, so that the moves do not contradict the count of directions the change fixes above
        long working = view.plan().validate().stream().filter(RemediationPlan.Pair::working).count();
        long modeChanges = view.plan().validate().stream().filter(RemediationPlan.Pair::working)
                .map(p -> p.from().toLowerCase(Locale.ROOT)).distinct().count();
        int onHosts = view.plan().hostsWithSteps().size();
        boolean oneCommand = view.plan().onHosts().size() == 1;
        // a fixed direction to a file server has no test move (no VM migrates to a file server): said, so that the
        // moves do not fall one short of the directions the change fixes without a word
        List<String> toFileServers = view.clusters().stream().flatMap(c -> c.failing().stream())
                .filter(c -> c.fixedByChange() && c.pair().fileServer())
                .map(c -> PdfReportWriter.name(c.from()) + "→" + PdfReportWriter.name(c.to())).toList();
        String fileServers = toFileServers.isEmpty() ? "" : " (the fixed " + (toFileServers.size() == 1
                ? "direction " + toFileServers.get(0) + " goes" : "directions " + String.join(", ",
                toFileServers.subList(0, Math.min(3, toFileServers.size()))) + (toFileServers.size() > 3 ? " and "
                + (toFileServers.size() - 3) + " more" : "") + " go") + " to a file server, which no live migration"
                + " targets: no move tests " + (toFileServers.size() == 1 ? "it" : "them") + ")";
        String onHostsMade = Words.plural(onHosts, "host") + (oneCommand ? " by a command" : " by commands") + " run there";
        return (view.plan().scripted() ? "Made with .\\remediation.ps1 -Apply after its dry run (it records what it"
                + " changes; .\\remediation.ps1 -Rollback -Apply reverts exactly that) or by hand from runbook.md"
                + (onHosts == 0 ? "" : ", and on " + onHostsMade
                + ", which the script does not run (runbook.md lists " + (oneCommand ? "it)" : "them)"))
                : "Made on " + onHostsMade + ", which runbook.md lists; remediation.ps1 has no step for "
                + (oneCommand ? "it" : "them") + " and nothing to roll back")
                + "; no reboot, no VM downtime. Validation: "
                + (validate == 0 ? "" : Words.plural(validate, "test move") + (working == 0 ? "" : " (" + working
                + (working == 1 ? " of them a direction that works today" : " of them directions that work today")
                + (modeChanges == 1 ? ", from a host whose delegation mode changes)"
                : ", from hosts whose delegation mode changes)")) + (validate == 1 ? ", started" : ", each started")
                + " on its source node"
                + fileServers + "; then ")
                + (Procedure.recordsBaseline(view.doc(), view.plan()) ? "the new baseline recorded (kcd-audit baseline"
                + " capture) and " : "") + "kcd-audit preflight"
                + " for each cluster" + (view.clusters().stream().allMatch(ClusterView::goAfter) ? " must say GO."
                : ": it says GO where GO is expected after the change, and names only what stays open elsewhere.");
    }

    // ---------------------------------------------------------------- after the change, trend

    /** What the change leaves (left) beside the trend of the last runs (right). */
    private static void afterAndTrend(List<Element> out, ReportView view, PdfReportWriter.Fonts f, Chart chart,
                                      List<String> afterPoints) {
        PdfPTable t = new PdfPTable(AFTER_TREND);
        t.setWidthPercentage(100);
        t.setSpacingBefore(6);
        t.setKeepTogether(true);
        PdfPCell left = new PdfPCell();
        left.setBorder(0);
        left.setPaddingRight(8);
        // without a change proposed, the state now: "Without a change" read wrong on the run after an approved one
        left.addElement(heading(view.plan().hasChanges() ? "After the change" : "Now (no change proposed)", f.h2, 0));
        for (String p : afterPoints) {
            Paragraph para = para("•  " + p, f.tiny);
            para.setIndentationLeft(8);
            para.setFirstLineIndent(-8);
            para.setSpacingAfter(1.5f);
            left.addElement(para);
        }
        t.addCell(left);
        PdfPCell right = new PdfPCell();
        right.setBorder(0);
        int n = view.trend().size();
        right.addElement(heading(n > 1 ? "Trend: the last " + n + " runs" : "Trend", f.h2, 0));
        for (Element e : trend(view, f, chart)) {
            right.addElement(e);
        }
        t.addCell(right);
        out.add(t);
    }

    // ---------------------------------------------------------------- what keeps a cluster NO-GO after the change

    /** Reasons named per cluster there at most (findings closed the same way are one); the others are counted. */
    static final int STAYING_REASONS = 3;
    /** Rules named per reason at most; the others are counted. */
    static final int STAYING_RULES = 4;
    /** Hosts named per rule of a reason at most, each with its findings counted; the others are counted. */
    static final int STAYING_HOSTS = 3;

    /** A cluster NO-GO after the change: how many findings keep it so, and each reason with what closes it. */
    record Staying(String cluster, int findings, List<Reason> reasons) {
    }

    /** What keeps a cluster NO-GO (one finding, or several closed the same way) and what closes it, in words. */
    record Reason(String what, String closedBy) {
    }

    /**
     * Per cluster that the change leaves NO-GO, from the view's data only: the findings that keep it NO-GO (its HIGH
     * findings the change does not settle, and the open findings that still block a pair it does not fix) with what
     * closes each: the waiver a consequence follows from, the check and the test move of a failure delegation cannot
     * explain, the decision another needs. Empty without a change (the decisions then decide) and for clusters not
     * audited (nothing is known of them).
     */
    static List<Staying> staying(ReportView view) {
        if (!view.plan().hasChanges()) {
            return List.of();
        }
        Map<String, RemediationPlan.Decision> decisions = new java.util.HashMap<>();
        view.decisions().forEach(x -> decisions.putIfAbsent(x.finding().id(), x));
        Map<String, FindingView> views = new java.util.HashMap<>();
        view.findings().forEach(x -> views.putIfAbsent(x.finding().id(), x));
        List<Staying> out = new ArrayList<>();
        for (ClusterView c : view.clustersNoGoFirst()) {
            if (!c.audited() || c.goAfter()) {
                continue;
            }
            Map<String, org.kcdauditor.model.Finding> keep = new LinkedHashMap<>();
            c.openAfter().stream().filter(x -> x.finding().severity() == Severity.HIGH)
                    .forEach(x -> keep.putIfAbsent(x.finding().id(), x.finding()));
            for (Cell x : c.failing()) {
                if (x.fixedByChange()) {
                    continue;
                }
                for (ReportView.BlockerView b : x.blockers()) {
                    if (b.finding() != null && !b.waived() && !view.plan().settles(b.findingId())) {
                        keep.putIfAbsent(b.findingId(), b.finding());
                    }
                }
            }
            // findings closed the same way are one reason: the two consequences of one waiver
            Map<String, List<org.kcdauditor.model.Finding>> byClose = new LinkedHashMap<>();
            for (org.kcdauditor.model.Finding f : keep.values()) {
                FindingView v = views.get(f.id());
                byClose.computeIfAbsent(closedBy(view, f, v, decisions.get(f.id())), k -> new ArrayList<>()).add(f);
            }
            List<Reason> reasons = new ArrayList<>();
            byClose.forEach((close, found) -> reasons.add(new Reason(upper(what(view, found)), close)));
            if (reasons.isEmpty()) {
                // a Windows Server 2025 node with a blocked pair, or a verdict an older findings.json recorded
                reasons.add(new Reason("What the verdict names (" + c.verdict().reasons().stream()
                        .map(GoVerdict.Reason::text).collect(Collectors.joining("; ")) + ")",
                        "The decisions under Needs a decision (Remediation plan)"));
            }
            out.add(new Staying(c.name(), keep.size(), reasons));
        }
        return out;
    }

    /**
     * The findings of one reason in words, by rule and, within a rule, by host: one finding as {@link #what(ReportView,
     * org.kcdauditor.model.Finding)} says it, several of a host counted with their destinations ("a documented
     * delegation entry is gone: HV00010 → 63 destinations (252 entries)"). At most {@link #STAYING_RULES} rules and
     * {@link #STAYING_HOSTS} hosts a rule named, the others counted: a node that lost every entry listed each of them,
     * four times a pair, and pushed the decision off page 1.
     */
    private static String what(ReportView view, List<org.kcdauditor.model.Finding> findings) {
        Map<String, Map<String, List<org.kcdauditor.model.Finding>>> byRule = new LinkedHashMap<>();
        for (org.kcdauditor.model.Finding f : findings) {
            byRule.computeIfAbsent(f.rule(), k -> new LinkedHashMap<>()).computeIfAbsent(f.host() == null ? ""
                    : f.host().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Map<String, List<org.kcdauditor.model.Finding>>> rule : byRule.entrySet()) {
            if (parts.size() == STAYING_RULES) {
                parts.add("… and " + Words.plural(byRule.size() - STAYING_RULES, "more rule"));
                break;
            }
            List<List<org.kcdauditor.model.Finding>> hosts = List.copyOf(rule.getValue().values());
            if (hosts.size() == 1 && hosts.get(0).size() == 1) {
                parts.add(what(view, hosts.get(0).get(0)));
                continue;
            }
            List<String> named = new ArrayList<>();
            for (List<org.kcdauditor.model.Finding> host : hosts.subList(0, Math.min(STAYING_HOSTS, hosts.size()))) {
                named.add(where(host));
            }
            parts.add(inSentence(view, rule.getKey()) + ": " + String.join(", ", named) + (hosts.size() > STAYING_HOSTS
                    ? ", … and " + Words.plural(hosts.size() - STAYING_HOSTS, "more host") : ""));
        }
        return String.join("; ", parts);
    }

    /**
     * Where the findings of one rule on one host are: "HV11→HV12 (last 2026-11-18, …)" for one, "HV10→HV01 (4
     * entries)" for several to one destination, "HV10 → 63 destinations (252 entries)" for several to more.
     */
    private static String where(List<org.kcdauditor.model.Finding> host) {
        org.kcdauditor.model.Finding f = host.get(0);
        if (f.host() == null) {
            return Words.plural(host.size(), "finding") + " without a host";
        }
        if (host.size() == 1) {
            String when = when(f);
            return PdfReportWriter.name(f.host()) + (f.peer() == null ? "" : "→" + PdfReportWriter.name(f.peer()))
                    + (when.isEmpty() ? "" : " (" + when.substring(2) + ")");
        }
        Set<String> peers = new java.util.LinkedHashSet<>();
        host.stream().filter(x -> x.peer() != null).forEach(x -> peers.add(x.peer().toLowerCase(Locale.ROOT)));
        // one finding an entry of msDS-AllowedToDelegateTo (or an SPN) each: counted as such
        boolean entries = host.stream().allMatch(x -> x.spn() != null);
        String count = host.size() + (entries ? " entries" : " findings");
        String peer = host.stream().filter(x -> x.peer() != null).map(org.kcdauditor.model.Finding::peer).findFirst()
                .orElse(null);
        return PdfReportWriter.name(f.host()) + (peers.isEmpty() ? "" : peers.size() == 1 ? "→"
                + PdfReportWriter.name(peer) : " → " + peers.size() + " destinations") + " (" + count + ")";
    }

    /** A finding that keeps a cluster NO-GO, in words: its rule's title and where. */
    private static String what(ReportView view, org.kcdauditor.model.Finding f) {
        String where = f.host() == null ? "" : PdfReportWriter.name(f.host()) + (f.peer() == null ? ""
                : "→" + PdfReportWriter.name(f.peer()));
        String when = when(f);
        return inSentence(view, f.rule()) + (where.isEmpty() && when.isEmpty() ? "" : " (" + where + when + ")");
    }

    /**
     * ", last 2026-11-18, a Kerberos error (0x8009030E) that delegation does not explain" for an observed migration
     * failure, from its events' classification as MIGRATION_FAILURE_OBSERVED words it: {@code delegationExplains}
     * false says that delegation does not explain the failure, not that it is no Kerberos error; empty for other
     * findings.
     */
    private static String when(org.kcdauditor.model.Finding f) {
        if (!f.hasEvidence() || f.evidence().lastEvent() == null) {
            return "";
        }
        Boolean explains = f.evidence().delegationExplains();
        String last = ", last " + Words.time(f.evidence().lastEvent()).substring(0, 10);
        if (explains == null) {
            return last;
        }
        if (explains) {
            return last + ", a Kerberos error";
        }
        List<String> codes = new ArrayList<>();
        boolean known = false;
        boolean kerberos = false;
        for (String c : f.evidence().classifications() == null ? List.<String>of() : f.evidence().classifications()) {
            String[] nameCode = c.split(" ", 2);
            try {
                EventClassification k = EventClassification.valueOf(nameCode[0]);
                known = true;
                if (k.delegationCanExplain()) {
                    kerberos = true;
                    if (nameCode.length > 1 && !codes.contains(nameCode[1])) {
                        codes.add(nameCode[1]);
                    }
                }
            } catch (IllegalArgumentException unknown) {
                // a classification of another version: not known here
            }
        }
        return last + (kerberos ? ", a Kerberos error" + (codes.isEmpty() ? "" : " ("
                + PdfReportWriter.visible(String.join(", ", codes)) + ")") + " that delegation does not explain"
                : known ? ", not a Kerberos error" : ", delegation does not explain it");
    }

    /** What closes a finding that keeps its cluster NO-GO after the change, from its data. */
    private static String closedBy(ReportView view, org.kcdauditor.model.Finding f, FindingView v,
                                   RemediationPlan.Decision decision) {
        if (v != null && v.consequence() != null && !v.consequence().waivedCauses().isEmpty()) {
            // it follows from a waiver: it stays while the waiver runs
            Set<String> where = new java.util.LinkedHashSet<>();
            Set<String> until = new java.util.LinkedHashSet<>();
            for (org.kcdauditor.model.Finding w : v.consequence().waivedCauses()) {
                where.add(w.host() == null ? inSentence(view, w.rule()) : PdfReportWriter.name(w.host())
                        + (w.peer() == null ? "" : "→" + PdfReportWriter.name(w.peer())));
                until.add(w.waiver() == null || w.waiver().expires() == null ? "no expiry"
                        : "until " + w.waiver().expires());
            }
            return "it follows from the waiver of " + String.join(", ", where) + " (" + String.join(", ", until)
                    + "): fix what the waiver accepts and end it, or waive it as well";
        }
        boolean failure = "MIGRATION_FAILURE_OBSERVED".equals(f.rule()) && f.hasEvidence()
                && Boolean.FALSE.equals(f.evidence().delegationExplains()) && f.host() != null && f.peer() != null;
        String asked = decision == null ? "" : firstClause(decision.what());
        if (failure) {
            // a failure delegation cannot explain: the change does not settle it, its check and a test move do
            boolean planned = view.plan().validate().stream().anyMatch(p -> p.from().equalsIgnoreCase(f.host())
                    && p.to().equalsIgnoreCase(f.peer()));
            return (asked.isEmpty() ? "" : asked + "; then ") + (planned ? "the change's test move " : "a test move ")
                    + PdfReportWriter.name(f.host()) + "→" + PdfReportWriter.name(f.peer()) + " at 100 % (reported"
                    + " while the event export holds it, unless waived)";
        }
        if (decision != null) {
            return decided(asked, decision);
        }
        return "Not part of the scripted change: the findings pages give its remediation";
    }

    /**
     * A decision's row: its question, then the command by the label the runbooks give it ("To restore it", or "If
     * so" where the question has one answer), where it proposes one.
     */
    static String decided(String asked, RemediationPlan.Decision decision) {
        return asked + (decision.proposed().isEmpty() ? "" : ", then the \"" + decision.yes() + "\" command")
                + " (Needs a decision)";
    }

    /** A decision's question up to its first aside or clause: "Check that NAS01's keytab holds AES keys". */
    static String firstClause(String what) {
        if (what == null) {
            return "";
        }
        int end = what.length();
        for (String stop : List.of(" (", "; ", ". ", ": ")) {
            int i = what.indexOf(stop);
            if (i > 0 && i < end) {
                end = i;
            }
        }
        String s = what.substring(0, end).strip();
        return s.endsWith(".") || s.endsWith(":") ? s.substring(0, s.length() - 1) : s;
    }

    private static String upper(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * "After the change, HVC2 stays NO-GO for 1 finding: … Closed by: …": a cluster's row of page 1's table continued,
     * at most {@link #STAYING_REASONS} reasons named and the rest counted.
     */
    private static Phrase stayingPhrase(Staying s, PdfReportWriter.Fonts f) {
        Phrase p = new Phrase();
        p.add(PdfReportWriter.command("After the change, " + s.cluster() + " stays NO-GO for "
                + Words.plural(s.findings(), "finding") + ": ", f.tinyBold));
        List<Reason> shown = s.reasons().subList(0, Math.min(STAYING_REASONS, s.reasons().size()));
        for (int i = 0; i < shown.size(); i++) {
            Reason r = shown.get(i);
            p.add(PdfReportWriter.command((i == 0 ? "" : " ") + r.what() + ". ", f.tiny));
            p.add(PdfReportWriter.command("Closed by: ", f.tinyBold));
            p.add(PdfReportWriter.command(r.closedBy() + ".", f.tiny));
        }
        if (s.reasons().size() > shown.size()) {
            p.add(PdfReportWriter.command(" … and " + (s.reasons().size() - shown.size()) + " more: Needs a decision"
                    + " (Remediation plan).", f.tiny));
        }
        return p;
    }

    /** A change that fixes none of the {@code failing} directions, in words that fit one or several. */
    static String noneFixed(int failing) {
        return failing == 1 ? "it does not fix the failing direction"
                : "it fixes none of the " + Words.plural(failing, "failing direction");
    }

    /** A change that fixes {@code fixed} of the {@code failing} directions (at least one), in words that fit all. */
    static String fixed(int fixed, int failing) {
        return fixed < failing ? "it fixes " + fixed + " of the " + Words.plural(failing, "failing direction")
                : failing == 1 ? "it fixes the failing direction" : "it fixes all " + failing + " failing directions";
    }

    /**
     * The blockers that stay, each with the directions it blocks: {@code AES_NOT_ENABLED (3), MISSING_DELEGATION (1,
     * waived)}.
     */
    static String blockedBy(Map<String, Integer> still) {
        return still.entrySet().stream().map(e -> e.getKey().endsWith(WAIVED)
                        ? e.getKey().substring(0, e.getKey().length() - WAIVED.length()) + " (" + e.getValue() + ", waived)"
                        : e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", "));
    }

    private static final String WAIVED = " (waived)";

    /**
     * What the directions still failing after the change need, for the blockers that stay ({@code blockers}: rule ids,
     * " (waived)" after a waived one's): a waiver's end, the decisions, or both (also when none is known).
     */
    static String stillFailingAdvice(List<String> blockers) {
        boolean waived = blockers.stream().anyMatch(b -> b.endsWith(WAIVED));
        boolean other = blockers.stream().anyMatch(b -> !b.endsWith(WAIVED));
        // a waiver accepts the failure, it does not fix it: the day it ends, the blocker is open again
        String notFixed = " A waived blocker is not fixed: once its waiver ends, its cluster is NO-GO";
        if (waived && !other) {
            return notFixed + ".";
        }
        if (other && !waived) {
            return " They need the decisions under Remediation plan.";
        }
        return notFixed + "; the others need the decisions under Remediation plan.";
    }

    /**
     * The state expected after the change, in sentences; on a run without a change (or one that fixes no failing
     * direction) no sentence counts what it fixes or what refusing it costs.
     */
    static List<String> after(ReportView view) {
        int pairs = view.pairs();
        int failing = view.failingPairs();
        int fixed = view.fixedByChange();
        boolean change = view.plan().hasChanges();
        List<String> points = new ArrayList<>();
        if (pairs == 0) {
            points.add("No directed host pair to check.");
        } else if (failing == 0) {
            points.add(pairsOk(view, false) + ": every direction" + (view.nodesNotFound()
                    ? " between the nodes found" : "") + " can migrate" + (change ? ", now and after"
                    + " the change." : "."));
        } else if (fixed == 0) {
            points.add(pairsOk(view, false) + (change ? " now and after the change: " + noneFixed(failing)
                    : "; no change is proposed for the "
                    + Words.plural(failing, "failing direction")) + ".");
        } else {
            points.add(pairsOk(view, true) + ": " + fixed(fixed, failing) + ".");
        }
        if (failing > fixed) {
            Map<String, Integer> still = new java.util.LinkedHashMap<>();
            // in the rules' words, a waived one marked as such
            view.clusters().forEach(c -> c.blockingAfter(view.plan()).forEach((r, n) -> still.merge(r.endsWith(WAIVED)
                    ? inSentence(view, r.substring(0, r.length() - WAIVED.length())) + WAIVED : inSentence(view, r), n,
                    Integer::sum)));
            // with a change, each cluster's row says what keeps it NO-GO and what closes that: only the waivers here
            boolean rows = change && view.clusters().stream().anyMatch(c -> c.audited() && !c.goAfter());
            String advice = stillFailingAdvice(List.copyOf(still.keySet()));
            points.add((change ? "Still failing after it: " : "Still failing: ") + Words.plural(failing - fixed,
                    "direction") + (still.isEmpty() ? "" : ", blocked by " + blockedBy(still)) + "."
                    + (rows && advice.contains(";") ? advice.substring(0, advice.indexOf(';')) + "." : advice));
        }
        Counts open = view.openAfter();
        int waived = view.counts().waivedTotal(); // counted as the executive summary, the runbooks and the mail count them
        points.add((change ? "Still open after it: " : "Open: ") + (open.openTotal() == 0 ? "no finding above INFO"
                : open.open(Severity.HIGH) + " HIGH, " + open.open(Severity.MEDIUM) + " MEDIUM and "
                + open.open(Severity.LOW) + " LOW findings") + (waived == 0 ? "" : "; "
                + Words.plural(waived, "waived finding") + " not counted") + ".");
        List<String> goAfter = view.clusters().stream().filter(c -> !c.go() && c.goAfter()).map(ClusterView::name)
                .toList();
        List<String> noGoAfter = view.clusters().stream().filter(c -> c.audited() && !c.goAfter())
                .map(ClusterView::name).toList();
        List<String> unread = view.clusters().stream().filter(c -> !c.audited()).map(ClusterView::name).toList();
        if (!view.clusters().isEmpty()) {
            List<String> parts = new ArrayList<>();
            if (noGoAfter.isEmpty() && unread.isEmpty()) {
                parts.add(change ? "GO expected for every cluster" : "GO for every cluster");
            } else if (!goAfter.isEmpty()) {
                parts.add("GO expected for " + names(goAfter));
            }
            if (!noGoAfter.isEmpty()) {
                parts.add(change ? "NO-GO stays for " + names(noGoAfter) + " (why, and what closes it: under "
                        + (noGoAfter.size() == 1 ? "its row" : "each row") + " above)" : "NO-GO for "
                        + names(noGoAfter) + " (what stays open there: Needs a decision)");
            }
            if (!unread.isEmpty()) {
                // today NO-GO, as the table above and findings.json say (DIRECTORY_NOT_READ); after the change not
                // known, as the table's "after the change", the workbook and the mail say
                parts.add((change ? "not known for " : "NO-GO for ") + names(unread)
                        + " (not audited: directory not read)");
            }
            points.add((change ? "Patch window once the change is validated: " : "Patch window: ")
                    + String.join("; ", parts) + ".");
        }
        if (fixed > 0) {
            points.add("If not approved: the " + Words.plural(fixed, "direction") + " the change fixes keep"
                    + (fixed == 1 ? "s" : "") + " failing; patching or evacuating a host then means VM downtime.");
        }
        return points;
    }

    /**
     * "Pairs OK: 6 of 6", or with the figures expected after the change ({@code after}) "Pairs OK: 4 of 6 now, 6 of 6
     * expected after the change"; where some path goes to a file server, the node pairs and those paths apart, as the
     * rest of page 1 counts them: "Node pairs OK: 4 of 18 now, 17 of 18 expected after the change; paths to a file
     * server OK: 2 of 6 now, 3 of 6 expected" ("Pairs OK: 6 of 24" added the two up); two lines, as the one before.
     */
    static String pairsOk(ReportView view, boolean after) {
        int storage = view.storagePaths();
        if (storage == 0) {
            return "Pairs OK: " + view.pairsOk() + " of " + view.pairs() + (after ? " now, " + (view.pairsOk()
                    + view.fixedByChange()) + " of " + view.pairs() + " expected after the change" : "");
        }
        int nodes = view.nodePairs();
        return "Node pairs OK: " + view.nodePairsOk() + " of " + nodes + (after ? " now, "
                + view.clusters().stream().mapToInt(ClusterView::nodePairsOkAfter).sum() + " of " + nodes
                + " expected after the change" : "") + "; paths to a file server OK: "
                + view.storagePathsOk() + " of " + storage + (after ? " now, " + view.clusters().stream()
                .mapToInt(ClusterView::fileServerPathsOkAfter).sum() + " of " + storage + " expected" : "");
    }

    private static String names(List<String> clusters) {
        return clusters.size() <= 6 ? String.join(", ", clusters) : String.join(", ", clusters.subList(0, 6))
                + " and " + (clusters.size() - 6) + " more";
    }

    /** The chart of the last runs ({@code width} points wide) with its caption, or the sentence why there is none. */
    /**
     * The trend chart of the view's runs, or why there is none: too few runs, or the plot would be lower than
     * {@link TrendChart#MIN_PLOT_HEIGHT} (both: no image, no failure), or it could not be drawn ({@code failure}).
     */
    record Chart(Image image, String failure) {
        static Chart of(ReportView view, float width) {
            if (view.trend().size() < 2) {
                return new Chart(null, null);
            }
            try {
                byte[][] ttf = PdfReportWriter.fonts();
                TrendChart.Drawn drawn = TrendChart.draw(view, ttf[0], ttf[1], width, CHART_HEIGHT);
                if (!drawn.readable()) {
                    return new Chart(null, null);
                }
                Image image = Image.getInstance(drawn.image(), null);
                image.scaleAbsolute(width, CHART_HEIGHT);
                image.setAlt("Trend of pairs OK %, open HIGH, new problems, resolved findings and changes recorded over"
                        + " the last "
                        + view.trend().size() + " runs");
                return new Chart(image, null);
            } catch (IOException | RuntimeException | LinkageError e) {
                // a machine without a working font or graphics stack: the numbers are still in the workbook
                return new Chart(null, e.getMessage() == null ? "" : e.getMessage());
            }
        }
    }

    private static List<Element> trend(ReportView view, PdfReportWriter.Fonts f, Chart chart) {
        int n = view.trend().size();
        if (n < 2) {
            return List.of(new Paragraph(n == 0 ? "No trend: this run has no history (no earlier successful run of"
                    + " its configuration in the history store), so there is nothing to compare yet; the chart"
                    + " appears from the second run." : "No trend yet: the history store holds no earlier run of this"
                    + " configuration with these figures; the chart appears from the next run.", f.tinyText));
        }
        if (chart.image() == null && chart.failure() == null) {
            // the column leaves the plot too low to read: one line, rather than a chart whose labels run together
            return List.of(new Paragraph("The trend of the last " + n + " runs does not fit here: the Trend sheet of"
                    + " audit.xlsx and kcd-audit history hold it.", f.tinyText));
        }
        if (chart.image() == null) {
            return List.of(new Paragraph("The trend chart could not be drawn on this machine" + (chart.failure()
                    .isEmpty() ? "" : " (" + PdfReportWriter.oneLine(chart.failure()) + ")") + "; the Trend sheet of"
                    + " audit.xlsx holds its " + n + " runs.", f.tinyText));
        }
        // each bar said for what it counts, on the two lines page 1 has room for: the changes recorded (an approved
        // fix among them) are INFO, no new problems; the legend names the series as the Trend sheet of audit.xlsx does
        return List.of(chart.image(), new Paragraph("Pairs OK % (right axis); open HIGH, new problems, resolved findings,"
                + " changes recorded (INFO) since the last run (left axis).", f.tinyMuted));
    }

    private static String shortId(String runId) {
        return runId == null ? "" : runId.substring(0, Math.min(8, runId.length()));
    }
}
