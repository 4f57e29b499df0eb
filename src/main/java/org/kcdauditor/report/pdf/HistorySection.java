package org.kcdauditor.report.pdf;

import com.lowagie.text.Document;
import com.lowagie.text.Paragraph;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfWriter;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.Words;
import org.kcdauditor.rules.Category;
import org.kcdauditor.report.ChangesInWords;
import org.kcdauditor.report.FindingGroup;
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
    /** A tab that indents a line of an event's message (no-break spaces: the PDF keeps them at a line's start). */
    private static final String INDENT = "\u00A0".repeat(4);
    /** Room a section's heading takes: its spacing (10 + 6), a line of 12 points (18) and the table's spacing (4). */
    private static final float HEADING = 42;
    /** Files, and hosts of each, named under "Rows for hosts not audited"; the others are counted. */
    private static final int NAMED = 5;

    private HistorySection() {
    }

    static void write(Document d, PdfWriter writer, ReportView view, PdfReportWriter.Fonts f) {
        FindingsDocument doc = view.doc();
        List<ReportView.FindingView> drift = view.findings(Category.DRIFT);
        List<ImportResult> unused = view.inputsNotUsed();
        List<ImportResult> otherHosts = view.importsNotAudited();
        boolean any = doc.baseline() != null || doc.history() != null || doc.patches() != null
                || doc.events() != null || !drift.isEmpty() || !unused.isEmpty() || !otherHosts.isEmpty();
        if (!any) {
            return;
        }
        HistorySections.BaselineDoc b = doc.baseline();
        boolean timeline = doc.history() != null && doc.history().timeline() != null
                && !doc.history().timeline().isEmpty();
        // only the sentence naming the baseline and the previous run: no page of its own
        PdfReportWriter.section(d, writer, "Drift, patches and events", !unused.isEmpty() || !otherHosts.isEmpty()
                || !drift.isEmpty()
                || timeline || b != null && !nn(b.waivers()).isEmpty() || doc.patches() != null
                || doc.events() != null, f);
        // the previous run is named with or without a baseline, as the console names it
        String previous = doc.history() == null ? null : "run " + PdfReportWriter.visible(doc.history()
                .previousRunNamed(doc.history().previousRunId().substring(0, 8))) + ": " + doc.history().counted() + "."
                + doc.history().configurationChanges().stream().map(c -> " " + PdfReportWriter.visible(c))
                .collect(java.util.stream.Collectors.joining());
        d.add(new Paragraph(b == null ? "No documented baseline: capture one with 'kcd-audit baseline capture'."
                + (previous == null ? "" : " Compared with " + previous)
                : (b.approvedBy() == null || b.approvedBy().isBlank()
                ? "Compared with the baseline captured " + Words.time(b.capturedAt()) + " (approver not recorded, "
                : "Compared with the baseline approved by " + PdfReportWriter.visible(b.approvedBy()) + " (captured "
                + Words.time(b.capturedAt()) + ", ")
                + (b.ticket() == null ? "" : "ticket " + PdfReportWriter.visible(b.ticket()) + ", ")
                + Words.plural(b.hosts(), "host") + fileOf(b) + ")" + (previous == null ? "." : " and with " + previous)
                + (b.changed() ? " The baseline " + HistorySections.BaselineDoc.CHANGED + ": the approval does not"
                + " cover the edits." : ""), f.body));
        if (!unused.isEmpty()) {
            d.add(heading("Inputs not used", f.h2, 10));
            d.add(new Paragraph(notUsed(view), f.small));
        }
        if (!otherHosts.isEmpty()) {
            d.add(heading("Rows for hosts not audited", f.h2, 10));
            d.add(new Paragraph(notAudited(otherHosts), f.small));
        }
        if (!drift.isEmpty()) {
            // a host's findings on its entries to its peers are listed under Findings, a row per peer: counted here
            List<FindingGroup.Block> rows = FindingGroup.blocks(drift);
            headed(d, writer, "Drift", table(new float[]{1.2f, 3f, 1.3f, 7f}, List.of("Severity", "Rule", "Host",
                    "What changed"), rows.stream().map(g -> new String[]{g.first().first().finding().severity().name(),
                    g.first().first().finding().rule(), PdfReportWriter.name(g.first().first().finding().host()),
                    (g.size() == 1 ? PdfReportWriter.visible(PdfReportWriter.message(g.first().first().finding()))
                    : driftInWords(g)) + (g.waived() ? "\n" + PdfReportWriter.visible(g.first().first().waiverNote())
                    : "")}).toList(), 1,
                    i -> rows.get(i).waived(), f), f);
        }
        if (timeline) {
            List<HistorySections.ChangeDoc> shown = doc.history().timeline().stream().limit(40).toList();
            headed(d, writer, "Timeline of changes", table(new float[]{2.5f, 1.3f, 8f}, List.of("Seen by run (UTC)", "Host",
                    "Change"), shown.stream().map(c -> new String[]{Words.time(c.at()), PdfReportWriter.name(c.host()),
                    PdfReportWriter.visible(ChangesInWords.condensed(c.change()))}).toList(), f), f);
            if (shown.stream().anyMatch(c -> c.change() != null && !c.change().equals(ChangesInWords.condensed(
                    c.change())))) {
                d.add(new Paragraph("More than " + ChangesInWords.IN_FULL + " changes of one kind on a host are"
                        + " counted; the Timeline sheet of audit.xlsx and findings.json list every one.", f.muted));
            }
        }
        if (b != null && !nn(b.waivers()).isEmpty()) {
            List<String[]> rows = new ArrayList<>();
            for (HistorySections.WaiverDoc w : b.waivers()) {
                rows.add(new String[]{PdfReportWriter.visible(w.rule()) + "\n" + PdfReportWriter.name(w.host()) + (w.peer() == null
                        ? "" : " -> " + PdfReportWriter.name(w.peer())) + (w.warning() == null ? "" : "\n" + w.warning()),
                        PdfReportWriter.visible(w.justification()) + "\n" + trail(w),
                        w.expires() + (w.active() ? "" : " (EXPIRED)"),
                        String.valueOf(w.findings())});
            }
            headed(d, writer, "Waivers", table(new float[]{3f, 6f, 2f, 1.2f}, List.of("Rule / host", "Justification",
                    "Valid through (UTC)", "Waived"), rows, 0, i -> false, f), f);
        }
        if (doc.patches() != null) {
            List<String[]> rows = new ArrayList<>();
            for (HistorySections.HostPatchesDoc h : nn(doc.patches().hosts())) {
                String hard = h.hardeningText();
                rows.add(new String[]{PdfReportWriter.name(h.host()), PdfReportWriter.visible(h.cluster()), h.records() == 0
                        ? "no patch data" : h.lastInstalled() == null ? "no install date"
                        : String.valueOf(h.lastInstalled()), hard == null ? "not known" : hard});
            }
            headed(d, writer, "Kerberos hardening per node", table(new float[]{1.5f, 1.5f, 2f, 7f}, List.of("Host",
                    "Cluster", "Last update", "Hardening installed"), rows, f), f);
        }
        if (doc.events() != null) {
            // a domain controller's KDC event is no migration failure: its own table, after them
            List<String[]> rows = new ArrayList<>();
            List<String[]> kdc = new ArrayList<>();
            for (HistorySections.EventDoc e : doc.events()) {
                if (kdc(e)) {
                    kdc.add(new String[]{Words.time(e.timeCreated()), e.host() == null ? "?"
                            : PdfReportWriter.visible(e.host()), pair(e), e.eventId() + " " + e.classification(),
                            prose(e.message())});
                } else {
                    rows.add(new String[]{Words.time(e.timeCreated()), pair(e), e.eventId() + " " + e.classification()
                            + (e.hresult() == null ? "" : " " + e.hresult()), prose(e.message())});
                }
            }
            if (!rows.isEmpty() || kdc.isEmpty()) {
                headed(d, writer, "Observed migration failures", table(new float[]{2.6f, 2f, 2.4f, 7f},
                        List.of("Time (UTC)", "Pair", "Event", "Message"), rows, f), f);
            }
            if (!kdc.isEmpty()) {
                headed(d, writer, "KDC events on the domain controllers", table(new float[]{2.6f, 1.2f, 2f, 2.4f,
                        5.8f}, List.of("Time (UTC)", "Domain controller", "Account -> service", "Event", "Message"),
                        kdc, f), f);
                d.add(new Paragraph("Logged by a domain controller's Key Distribution Center, not by a host: no"
                        + " migration failed here, but the ticket it refused (e.g. 209: the service account has no AES"
                        + " keys) makes a migration between these hosts fail.", f.muted));
            }
        }
    }

    /**
     * "252 findings, on the delegation entries towards 63 peers: listed under Findings by severity (HIGH), a row per
     * peer; …": a host's drift findings that the findings' section lists, referred to instead of listed again.
     */
    static String driftInWords(FindingGroup.Block g) {
        org.kcdauditor.model.Severity sev = g.first().first().finding().severity();
        boolean cap = sev == org.kcdauditor.model.Severity.LOW || sev == org.kcdauditor.model.Severity.INFO;
        return g.size() + " findings, on the delegation entries towards " + Words.plural(g.peers().size(), "peer")
                + ": listed under Findings by severity (" + sev + (cap ? ", the first "
                + PdfReportWriter.ROWS_PER_RULE_LOW_INFO + " rows of a rule" : "") + "), a row per peer; one row per"
                + " entry in the workbook's Findings sheet.";
    }

    /**
     * The files the run could not use, one line each ("file (kind): reason"), those every output names
     * ({@link ReportView#inputsNotUsedNamed}), the others counted; under the sentence that the run went on without them.
     */
    static String notUsed(ReportView view) {
        List<ImportResult> unused = view.inputsNotUsed();
        List<ImportResult> named = view.inputsNotUsedNamed();
        List<String> lines = new ArrayList<>();
        lines.add("The run went on without " + (unused.size() == 1 ? "this file" : "these " + unused.size() + " files")
                + " (the Imports sheet of audit.xlsx and findings.json's imports list every file read):");
        for (ImportResult i : named) {
            lines.add(PdfReportWriter.visible(i.file()) + " (" + PdfReportWriter.visible(i.kind()) + "): " + PdfReportWriter.visible(i.error()));
        }
        if (unused.size() > named.size()) {
            lines.add("… and " + (unused.size() - named.size()) + " more");
        }
        return String.join("\n", lines);
    }

    /**
     * The files with rows for hosts no configured cluster has as a node, one line each ("file (kind): 3 rows of HV99,
     * …"), the first {@link #NAMED} files and hosts of each named, the others counted.
     */
    static String notAudited(List<ImportResult> files) {
        long rows = files.stream().mapToLong(ImportResult::notAudited).sum();
        List<String> lines = new ArrayList<>();
        lines.add(Words.plural(rows, "row") + " named no node of a configured cluster: read, not used (the Imports"
                + " sheet of audit.xlsx and findings.json's imports name each host at its first line):");
        for (ImportResult i : files.subList(0, Math.min(NAMED, files.size()))) {
            List<String> hosts = i.notAuditedHosts();
            String named = String.join(", ", hosts.subList(0, Math.min(NAMED, hosts.size())).stream()
                    .map(h -> h.isEmpty() ? "(no name)" : PdfReportWriter.visible(h)).toList());
            lines.add(PdfReportWriter.visible(i.file()) + " (" + PdfReportWriter.visible(i.kind()) + "): "
                    + Words.plural(i.notAudited(), "row") + " of " + named
                    + (hosts.size() > NAMED || i.notAudited() > 0 && hosts.isEmpty() ? " …" : ""));
        }
        if (files.size() > NAMED) {
            lines.add("… and " + (files.size() - NAMED) + " more");
        }
        return String.join("\n", lines);
    }

    /**
     * {@code title} and its table, the title on the page of the table's header row and first row: a new page first
     * when they do not fit below it (a first row can be tall: an event's message of 14 lines), but not for a first row
     * of more than half a page, which splits anyway.
     */
    private static void headed(Document d, PdfWriter writer, String title, PdfPTable t, PdfReportWriter.Fonts f) {
        t.setTotalWidth(d.right() - d.left());
        float first = t.size() > 1 ? t.getRowHeight(0) + t.getRowHeight(1) : 0;
        keepRoom(d, writer, Math.max(PdfReportWriter.KEEP_WITH_TABLE, Math.min(HEADING + first,
                (d.top() - d.bottom()) / 2)));
        d.add(heading(title, f.h2, 10));
        d.add(t);
    }

    /**
     * The event's pair: "HV02 -> HV03" for a Hyper-V host's event (destination "?" when it names none); for a
     * domain controller's KDCSVC event, which has no source, the account and the service it names by their computers'
     * names ("HV12 -> HV13"; the DC has a column of its own); "–" when the event names neither.
     */
    static String pair(HistorySections.EventDoc e) {
        if (kdc(e) && (e.account() != null || e.service() != null)) {
            // the account and the service by their computers' names, as everywhere else (HV12, not HV12$)
            return (e.account() == null ? "?" : PdfReportWriter.visible(computer(e.account()))) + " -> "
                    + (e.service() == null ? "?" : PdfReportWriter.visible(computer(e.service())));
        }
        if (e.source() != null) {
            return PdfReportWriter.visible(e.source()) + " -> " + (e.destination() == null ? "?"
                    : PdfReportWriter.visible(e.destination()));
        }
        return "–";
    }

    /**
     * A domain controller's KDCSVC event: no migration source; it names an account and a service, or is classified as
     * the KDC's ("KDC", "KDC_NO_AES_KEYS").
     */
    static boolean kdc(HistorySections.EventDoc e) {
        return e.source() == null && (e.account() != null || e.service() != null || (e.classification() != null
                && e.classification().startsWith("KDC")));
    }

    /** A computer account's name without its "$" ("HV12$" as "HV12"); any other name as it is. */
    static String computer(String account) {
        return account.length() > 1 && account.endsWith("$") ? account.substring(0, account.length() - 1) : account;
    }

    /**
     * An event's message, multi-line prose from Windows, as the cell should show it: a line break stays one (CR LF
     * too) and a tab is white space (a tab at a line's start indents), where the cell would show them escaped
     * ({@code \\u0009}); every other control character (a lone CR too) stays escaped, visible.
     */
    static String prose(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(message.length());
        boolean lineStart = true;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '\r' && i + 1 < message.length() && message.charAt(i + 1) == '\n') {
                continue;
            }
            if (c == '\t') {
                sb.append(lineStart ? INDENT : " ");
                continue;
            }
            sb.append(c);
            lineStart = c == '\n';
        }
        return sb.toString();
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

    /**
     * A waiver's audit trail as the waiver list says it: who granted it, on which day, under which ticket ("no approver
     * recorded" where the file names neither approver nor ticket), and the first run that waived a finding under it.
     */
    static String trail(HistorySections.WaiverDoc w) {
        List<String> parts = new ArrayList<>();
        if (w.approvedBy() != null) {
            parts.add("approved by " + PdfReportWriter.visible(w.approvedBy()));
        }
        if (w.approvedOn() != null) {
            parts.add("on " + w.approvedOn());
        }
        if (w.ticket() != null) {
            parts.add("ticket " + PdfReportWriter.visible(w.ticket()));
        }
        if (w.trailMissing() != null) {
            parts.add(w.trailMissing());
        }
        if (w.firstWaivedRun() != null) {
            parts.add("first waived in run " + PdfReportWriter.visible(w.firstWaivedRun()));
        }
        return String.join(", ", parts);
    }

    /**
     * "; file …/baseline.yaml, SHA-256 …": the file the approval quoted beside it is of (findings.json's
     * {@code baseline.path} and {@code baseline.sha256}), so a filed report shows which baseline was compared with;
     * nothing for a findings.json written before it kept them.
     */
    static String fileOf(HistorySections.BaselineDoc b) {
        return (b.path() == null ? "" : "; file " + PdfReportWriter.visible(b.path()))
                + (b.sha256() == null ? "" : (b.path() == null ? "; " : ", ") + "SHA-256 " + b.sha256());
    }
}
