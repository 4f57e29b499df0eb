package org.kcdauditor.report.pdf;

import com.lowagie.text.Chunk;
import com.lowagie.text.Document;
import com.lowagie.text.DocumentException;
import com.lowagie.text.Element;
import com.lowagie.text.Font;
import com.lowagie.text.PageSize;
import com.lowagie.text.Paragraph;
import com.lowagie.text.Phrase;
import com.lowagie.text.Rectangle;
import com.lowagie.text.SplitCharacter;
import com.lowagie.text.pdf.BaseFont;
import com.lowagie.text.pdf.ColumnText;
import com.lowagie.text.pdf.DefaultSplitCharacter;
import com.lowagie.text.pdf.PdfContentByte;
import com.lowagie.text.pdf.PdfPCell;
import com.lowagie.text.pdf.PdfPTable;
import com.lowagie.text.pdf.PdfChunk;
import com.lowagie.text.pdf.PdfPageEventHelper;
import com.lowagie.text.pdf.PdfTemplate;
import com.lowagie.text.pdf.PdfWriter;
import org.kcdauditor.io.FirstIoFailure;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.report.ChangesInWords;
import org.kcdauditor.report.FindingGroup;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Palette;
import org.kcdauditor.report.ObjectChange;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportView.Cell;
import org.kcdauditor.report.ReportView.ClusterView;
import org.kcdauditor.report.ReportView.FindingView;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Status;
import org.kcdauditor.report.Words;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code audit.pdf} for the change-advisory board: cover, executive summary, compliance per cluster,
 * matrices of the clusters with problems, findings by severity, the remediation plan and a sign-off
 * block. DejaVu Sans is embedded (subset), so every name renders and prints the same everywhere.
 * Healthy clusters get no matrix, and a cluster larger than {@code matrixMaxNodes} is shown only with
 * the hosts of its failing pairs: the document grows with the findings, not with hosts².
 */
public final class PdfReportWriter implements ReportWriter {
    static final Color GREEN = color(Palette.GREEN);
    static final Color GREY = color(Palette.GREY);
    static final Color NAVY = color(Palette.NAVY);
    static final Color LINE = color(Palette.LINE);
    static final Color LIGHT = color(Palette.LIGHT);
    static final Color MUTED = color(Palette.MUTED);
    /** Text of waived findings: readable, but clearly not counted. */
    static final Color WAIVED = color(Palette.WAIVED);
    /**
     * Where text wraps (OpenPDF's default: after a space or a hyphen), and never inside a character's code
     * ({@code \\u202E}, as {@link Values#visible} and {@link #drawable} show a control, bidi or undrawable character):
     * a long value made of codes wraps before a code. Without a place to wrap on a line OpenPDF breaks it anywhere,
     * and "\\u20" at a line's end, "2E" at the next one's start, read as other characters.
     */
    static final SplitCharacter WHOLE_CODES = new WholeCodes() {
        @Override
        boolean wraps(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            return DefaultSplitCharacter.DEFAULT.isSplitCharacter(start, current, end, cc, ck);
        }
    };
    /** Rule ids (UPPER_SNAKE_CASE) wrap after an underscore, never inside a word. */
    static final SplitCharacter AFTER_UNDERSCORE = new WholeCodes() {
        @Override
        boolean wraps(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            return getCurrentCharacter(current, cc, ck) == '_'
                    || DefaultSplitCharacter.DEFAULT.isSplitCharacter(start, current, end, cc, ck);
        }
    };
    /** Commands wrap only at a space, never after the hyphen of a cmdlet or parameter (nor inside a code). */
    static final SplitCharacter AT_SPACE = new WholeCodes() {
        @Override
        boolean wraps(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            return getCurrentCharacter(current, cc, ck) == ' ';
        }
    };

    /**
     * A way of wrapping ({@link #wraps}) that never breaks a line inside a code {@code \\uXXXX} and may break one
     * before a code: OpenPDF breaks after the last place to wrap that fits, and anywhere only where a line holds none,
     * which a line holding the start of a code (but at its own start) does not.
     */
    abstract static class WholeCodes extends DefaultSplitCharacter {
        abstract boolean wraps(int start, int current, int end, char[] cc, PdfChunk[] ck);

        @Override
        public boolean isSplitCharacter(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            for (int j = Math.max(start, current - 4); j <= current; j++) {
                if (codeAt(j, start, end, cc, ck)) {
                    return false; // a break after current would cut the code that starts at j
                }
            }
            // before a code, never right after one but before another: a line starting with what follows a code
            // would read as a value of its own ("HV04\\u000A" / "DECISION: GO")
            return wraps(start, current, end, cc, ck) || codeAt(current + 1, start, end, cc, ck);
        }

        /** Whether a code {@code \\uXXXX} (upper-case hex, as written) starts at {@code i}. */
        private boolean codeAt(int i, int start, int end, char[] cc, PdfChunk[] ck) {
            if (i < start || i + 5 >= end || getCurrentCharacter(i, cc, ck) != '\\'
                    || getCurrentCharacter(i + 1, cc, ck) != 'u') {
                return false;
            }
            for (int k = i + 2; k <= i + 5; k++) {
                char c = getCurrentCharacter(k, cc, ck);
                if (!(c >= '0' && c <= '9' || c >= 'A' && c <= 'F')) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * {@code e} with each chunk of its text that has no way of wrapping of its own wrapping as {@link #WHOLE_CODES}:
     * its phrases, lists and tables' cells, and a table's nested tables. A cell made from a phrase takes its chunks'
     * way of wrapping when it is made ({@link #cell(Phrase, Color, int)} and the cells made directly call this); the
     * rest is set as the document adds it.
     */
    static <T extends Element> T wholeCodes(T e) {
        if (e instanceof Chunk c) {
            if (c.getChunkAttributes() == null || !c.getChunkAttributes().containsKey(Chunk.SPLITCHARACTER)) {
                c.setSplitCharacter(WHOLE_CODES);
            }
        } else if (e instanceof Phrase p) {
            p.forEach(PdfReportWriter::wholeCodes);
        } else if (e instanceof com.lowagie.text.List l) {
            l.getItems().forEach(PdfReportWriter::wholeCodes);
        } else if (e instanceof com.lowagie.text.pdf.PdfPTable t) {
            for (com.lowagie.text.pdf.PdfPRow r : t.getRows()) {
                for (PdfPCell c : r == null ? new PdfPCell[0] : r.getCells()) {
                    if (c != null && c.getCompositeElements() != null) {
                        c.getCompositeElements().forEach(x -> wholeCodes((Element) x));
                    }
                    if (c != null && c.getTable() != null) {
                        wholeCodes(c.getTable());
                    }
                }
            }
        }
        return e;
    }
    /** Destination columns per matrix table; wider clusters continue in further tables. */
    static final int MATRIX_COLUMNS = 14;
    private static final int FLUSH_ROWS = 200;
    /**
     * LOW and INFO findings listed per rule before the rest is counted: at 20,000 hosts one advisory
     * (PROTOCOL_TRANSITION_MISMATCH) alone had 9,713 rows, 92 % of the PDF's tables and most of its time.
     */
    public static final int ROWS_PER_RULE_LOW_INFO = 25;
    /** Room a table heading needs below it: itself, the header row and a first row. */
    static final float KEEP_WITH_TABLE = 90;
    /** Up to this many clusters the compliance table lists all; beyond, only those with problems. */
    static final int ALL_CLUSTERS_UP_TO = 40;

    private static byte[] regularTtf;
    private static byte[] boldTtf;

    private final int matrixMaxNodes;

    public PdfReportWriter(int matrixMaxNodes) {
        this.matrixMaxNodes = matrixMaxNodes;
    }

    @Override
    public Format format() {
        return Format.PDF;
    }

    static synchronized byte[][] fonts() {
        if (regularTtf == null) {
            regularTtf = resource("fonts/DejaVuSans.ttf");
            boldTtf = resource("fonts/DejaVuSans-Bold.ttf");
        }
        return new byte[][]{regularTtf, boldTtf};
    }

    private static byte[] resource(String name) {
        try (InputStream in = PdfReportWriter.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("font " + name + " missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fonts of one document. */
    static final class Fonts {
        final BaseFont regular;
        final BaseFont bold;
        final Font body;
        final Font small;
        final Font smallBold;
        final Font tiny;
        final Font tinyBold;
        final Font muted;
        final Font waived;
        final Font waivedNote;
        final Font h1;
        final Font h2;
        final Font h3;
        final Font title;
        final Font white;
        final Font h2black;
        final Font tinyText;
        final Font tinyMuted;

        Fonts() throws IOException {
            byte[][] ttf = fonts();
            regular = BaseFont.createFont("DejaVuSans.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, ttf[0], null);
            bold = BaseFont.createFont("DejaVuSans-Bold.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, ttf[1], null);
            body = new Font(regular, 9.5f);
            small = new Font(regular, 8f);
            smallBold = new Font(bold, 8f);
            tiny = new Font(regular, 6.5f);
            tinyBold = new Font(bold, 6.5f);
            muted = new Font(regular, 8f, Font.NORMAL, MUTED);
            waived = new Font(regular, 6.5f, Font.NORMAL, WAIVED);
            waivedNote = new Font(bold, 6.5f, Font.NORMAL, WAIVED);
            h1 = new Font(bold, 16f, Font.NORMAL, NAVY);
            h2 = new Font(bold, 12f, Font.NORMAL, NAVY);
            h3 = new Font(bold, 10f, Font.NORMAL, Color.BLACK);
            title = new Font(bold, 21f, Font.NORMAL, NAVY);
            white = new Font(bold, 8f, Font.NORMAL, Color.WHITE);
            h2black = new Font(bold, 13f);
            tinyText = new Font(regular, 7.3f);
            tinyMuted = new Font(regular, 6.5f, Font.NORMAL, MUTED);
        }
    }

    @Override
    public void write(ReportView view, OutputStream out) throws IOException {
        // OpenPDF wraps a failed write (ExceptionConverter), and closing the document after one throws an error of
        // its own ("Unbalanced begin/end text operators") in its place: the file system's reason is what the run says
        FirstIoFailure io = new FirstIoFailure();
        try {
            layOut(view, io.watch(out));
            io.check(); // a write OpenPDF let pass is no report either
        } catch (RuntimeException e) {
            throw io.thrownInstead(e);
        }
    }

    private void layOut(ReportView view, OutputStream out) throws IOException {
        FindingsDocument doc = view.doc();
        Fonts f = new Fonts();
        Document d = new Document(PageSize.A4, 40, 40, 48, 52) {
            @Override
            public boolean add(Element element) throws DocumentException {
                return super.add(wholeCodes(element));
            }
        };
        try {
            PdfWriter w = PdfWriter.getInstance(d, out);
            w.setFullCompression();
            String runId = doc.runId() == null ? "" : doc.runId();
            w.setPageEvent(new Footer(f, runId));
            d.addTitle("Kerberos constrained delegation audit – " + view.domain());
            d.addSubject("Hyper-V live migration: delegation audit, run " + runId);
            d.addCreator("kcd-audit");
            d.open();
            DecisionPage.write(d, w, view, f);
            signOff(d, view, f);
            keepRoom(d, w, 320);
            executiveSummary(d, view, f);
            clusters(d, w, view, f);
            matrices(d, w, view, f);
            findings(d, w, view, f);
            HistorySection.write(d, w, view, f);
            remediation(d, w, view, f);
        } catch (DocumentException e) {
            throw new IOException("cannot write the PDF: " + e.getMessage(), e);
        } finally {
            if (d.isOpen()) {
                d.close();
            }
        }
    }

    // ---------------------------------------------------------------- run details

    /** What was audited, when and against what policy: the top of the executive summary. */
    private void details(Document d, ReportView view, Fonts f) {
        FindingsDocument doc = view.doc();
        FindingsDocument.Summary s = doc.summary();
        PdfPTable t = new PdfPTable(new float[]{1.3f, 3f});
        t.setWidthPercentage(100);
        t.setSpacingAfter(10);
        kv(t, f, "Domain", view.domain());
        if (view.multiDirectory()) {
            for (ReportView.DirectoryView x : view.directories()) {
                kv(t, f, "Directory " + x.name(), x.url() + "  (" + x.baseDn() + ")" + (x.audited() ? ""
                        : "; not audited: " + x.failure()));
            }
        } else {
            kv(t, f, "Directory", doc.directory() == null ? "" : doc.directory().url() + "  (" + doc.directory().baseDn()
                    + ")");
        }
        if (view.readAs() != null) {
            kv(t, f, "Read as", visible(view.readAs()));
        }
        for (String dcs : view.dcSummaries()) {
            kv(t, f, "Domain controllers", dcs);
        }
        if (view.aesNotChecked() != null) {
            kv(t, f, "AES keys", view.aesNotChecked());
        }
        if (view.migrationAuthenticationNotChecked() != null) {
            kv(t, f, "Migration authentication", view.migrationAuthenticationNotChecked());
        }
        if (view.operatorsNotChecked() != null) {
            kv(t, f, "Operators", view.operatorsNotChecked());
        }
        if (view.changeTimesNote() != null) {
            kv(t, f, "Change times", view.changeTimesNote());
        }
        kv(t, f, "Run", doc.runId());
        // the run's time as page 1, the runbooks and the mail give it: when it finished
        kv(t, f, "Run time", doc.finishedAt() == null ? Words.time(doc.startedAt()) : Words.time(doc.finishedAt())
                + (doc.startedAt() == null ? "" : String.format(Locale.ROOT, " (finished; took %.1f s)",
                java.time.Duration.between(doc.startedAt(), doc.finishedAt()).toMillis() / 1000.0)));
        // what an auditor shows later: which kcd-audit ran, from which configuration (its digest: summary.configSha256)
        if (s != null && s.tool() != null) {
            kv(t, f, "Tool", s.tool());
        }
        if (s != null && s.configFile() != null) {
            kv(t, f, "Configuration", s.configFile() + (s.configSha256() == null ? "" : "  (SHA-256 "
                    + s.configSha256() + ")"));
        }
        if (s != null) {
            // the paths to file servers (storage over SMB) apart from the node pairs (live migration)
            kv(t, f, "Scope", Words.plural(s.hosts(), "Hyper-V host") + " in " + Words.plural(view.clusters().size(),
                    "cluster") + ", " + view.pathsInWords());
            kv(t, f, "Compliance", s.compliancePercent() == null ? "no delegation entry is required (no host pair was"
                    + " found to check)" : Words.percent(s.compliancePercent()) + " of the " + s.requiredEntries()
                    + " required delegation entries are present (the entries alone: pairs OK and GO/NO-GO judge the"
                    + " whole exchange)");
        }
        if (doc.policy() != null) {
            kv(t, f, "Policy", "protocol transition: " + view.plan().protocolPolicy().word() + "; services: "
                    + String.join(", ", nn(doc.policy().services())));
        }
        d.add(t);
    }

    // ---------------------------------------------------------------- executive summary

    private void executiveSummary(Document d, ReportView view, Fonts f) {
        d.add(heading("Executive summary", f.h1, 16));
        details(d, view, f);
        Counts c = view.counts();
        RemediationPlan plan = view.plan();
        int failing = view.failingPairs();
        List<String> points = new ArrayList<>();
        points.add("What was checked: whether each Hyper-V host may pass a user's Kerberos credentials on to its"
                + " cluster peers (Kerberos constrained delegation). Without it, live migration and storage moves"
                + " fail at 80–90 % with authentication errors, especially after Windows Kerberos hardening updates"
                + " and on Windows Server 2025 with Credential Guard.");
        points.add("Result: " + view.headline() + " " + c.open(Severity.HIGH) + " high, " + c.open(Severity.MEDIUM)
                + " medium, " + c.open(Severity.LOW) + " low and " + c.open(Severity.INFO) + " informational findings"
                + (c.waivedTotal() == 0 ? "." : ", not counting " + c.waivedTotal() + " waived (accepted in the"
                + " baseline until the waiver expires; listed greyed under Findings)."));
        if (plan.hasChanges()) {
            int entries = plan.hosts().stream().mapToInt(HostChange::entryCount).sum() + plan.unregister().size();
            boolean unconstrained = plan.hosts().stream().anyMatch(HostChange::unconstrained);
            String onHosts = plan.onHosts().isEmpty() ? "" : Words.plural(plan.hostsWithSteps().size(), "host")
                    + (plan.onHosts().size() == 1 ? ", by a command" : ", by commands") + " run there (runbook.md, On"
                    + " the hosts): " + Procedure.onHostsInWords(plan.onHosts());
            String validation = " Validation: " + (plan.validate().isEmpty() ? "" : "a test VM is live-migrated in "
                    + Words.eachOf(plan.validate().size(), "affected direction") + ", started on its"
                    + " source node, and must reach 100 %; ") + "kcd-audit preflight then says GO or what still blocks.";
            if (plan.scripted()) {
                points.add("Proposed change: update " + Words.plural(plan.objectsChanged(), "object") + " in Active"
                        + " Directory" + (entries == 0 && !unconstrained ? "" : " (" + (entries == 1 ? "1 entry"
                        : entries + " entries") + " added, removed or registered" + (unconstrained ? "; unsafe"
                        + " unconstrained delegation replaced" : "") + ")") + "." + (onHosts.isEmpty() ? "" : " On "
                        + onHosts + ".") + " No reboot, no VM downtime; about 15 minutes of work plus directory"
                        + " replication.");
                points.add("Risk: low. Only attributes of the listed objects change; the previous values are"
                        + " exported first, .\\remediation.ps1 -Apply records what it actually changed, and"
                        + " .\\remediation.ps1 -Rollback -Apply undoes exactly that." + validation);
            } else {
                // made only by commands on the hosts: the script has no step, and nothing rolls them back
                points.add("Proposed change: on " + onHosts + (plan.objectsChanged() == 0 ? "; no object in Active"
                        + " Directory changes." : ", which writes the new password of " + Words.plural(
                        plan.objectsChanged(), "object") + " to Active Directory.") + " No reboot, no VM downtime;"
                        + " about 15 minutes of work plus directory replication.");
                points.add("Risk: low. remediation.ps1 has no step for this change: it is made on the hosts and is not"
                        + " rolled back (runbook.md, Rollback, says why)." + validation);
            }
            int fixed = view.fixedByChange();
            if (fixed > 0) {
                // the waived directions still failing are among those the change leaves failing: it leaves waived
                // findings alone
                List<String> either = new ArrayList<>();
                if (view.waivedFailing() > 0) {
                    either.add(view.waivedFailing() + " waived");
                }
                if (failing - fixed > view.waivedFailing()) {
                    either.add((failing - fixed - view.waivedFailing()) + " need a decision");
                }
                points.add("If not approved: the " + Words.plural(fixed, "failing direction") + " the change fixes"
                        + " keep" + (fixed == 1 ? "s" : "") + " failing" + (failing > fixed ? " (the other " + (failing
                        - fixed) + " of the " + failing + " fail either way: " + String.join(", ", either) + ")" : "")
                        + "; maintenance that needs live migration (patching, host evacuation) causes VM downtime"
                        + " instead.");
            } else {
                // a change that makes no failing direction pass (it removes stale entries or unsafe delegation)
                List<String> why = new ArrayList<>();
                if (view.waivedFailing() > 0) {
                    why.add(view.waivedFailing() + " waived");
                }
                if (failing > view.waivedFailing()) {
                    why.add((failing - view.waivedFailing()) + " need a decision");
                }
                points.add("If not approved: live migration is not affected: " + (failing == 0 ? "no direction fails."
                        : "the change makes none of the " + Words.plural(failing, "failing direction") + " pass ("
                        + String.join(", ", why) + ")."));
            }
        } else {
            points.add("Proposed change: none in Active Directory.");
        }
        if (!view.decisions().isEmpty()) {
            points.add(plan.decisionsNotScripted(" (listed under Remediation plan)"));
        }
        for (String p : points) {
            Paragraph para = new Paragraph("•  " + shown(p), f.body);
            para.setIndentationLeft(10);
            para.setFirstLineIndent(-10);
            // a bullet is read whole: not two lines at a page's foot and the rest overleaf (a borderless cell kept
            // together, which keeps the paragraph's hanging indent)
            PdfPTable bullet = new PdfPTable(1);
            bullet.setWidthPercentage(100);
            bullet.setKeepTogether(true);
            bullet.setSpacingAfter(5);
            PdfPCell cell = new PdfPCell();
            cell.setBorder(0);
            cell.setPadding(0);
            cell.addElement(para);
            bullet.addCell(cell);
            d.add(bullet);
        }
        PdfPTable t = new PdfPTable(4);
        t.setWidthPercentage(60);
        t.setHorizontalAlignment(Element.ALIGN_LEFT);
        t.setSpacingBefore(8);
        // the severities and their counts are one tile each: never the names at a page's foot, the counts on the next
        t.setKeepTogether(true);
        for (Severity sev : Severity.values()) {
            PdfPCell cell = new PdfPCell(wholeCodes(new Phrase(sev.name(), f.smallBold)));
            cell.setBackgroundColor(sevColor(sev));
            cell.setHorizontalAlignment(Element.ALIGN_CENTER);
            cell.setBorderColor(LINE);
            cell.setPadding(4);
            t.addCell(cell);
        }
        for (Severity sev : Severity.values()) {
            Phrase count = new Phrase(String.valueOf(c.open(sev)), f.h3);
            if (c.waived(sev) > 0) {
                count.add(new Chunk("\n+" + c.waived(sev) + " waived", f.waived));
            }
            PdfPCell cell = new PdfPCell(wholeCodes(count));
            cell.setHorizontalAlignment(Element.ALIGN_CENTER);
            cell.setBorderColor(LINE);
            cell.setPadding(4);
            t.addCell(cell);
        }
        d.add(t);
    }

    // ---------------------------------------------------------------- clusters

    /**
     * Whether "Compliance per cluster" lists {@code c}: every cluster up to {@link #ALL_CLUSTERS_UP_TO}, beyond that
     * only those not OK or with a failing pair (the others are counted).
     */
    static boolean listedInCompliance(ReportView view, ClusterView c) {
        return view.clusters().size() <= ALL_CLUSTERS_UP_TO || c.status() != Status.GREEN || c.failingPairs() > 0;
    }

    private void clusters(Document d, PdfWriter w, ReportView view, Fonts f) {
        keepRoom(d, w, KEEP_WITH_TABLE); // the heading with the table's header row, not alone at a page's foot
        d.add(heading("Compliance per cluster", f.h1, 18));
        Counts outside = view.unclustered();
        // open findings only, as the console and the mail: waived ones alone made a row reading OK, 0/0/0/0
        boolean outsideRow = outside.openTotal() > 0;
        if (!outsideRow && view.clusters().stream().noneMatch(c -> listedInCompliance(view, c))) {
            // no row to show: a sentence, not a table header over "41 further clusters" and the legend of its columns
            d.add(new Paragraph(view.clusters().isEmpty() ? "No cluster in this run." : "All "
                    + view.clusters().size() + " clusters have status OK and every pair OK: each with its figures on"
                    + " the Summary sheet of audit.xlsx.", f.body));
            return;
        }
        // a cluster's node pairs (live migration) apart from its paths to a file server (storage over SMB), as page 1
        // counts them; that column only where some cluster has such paths
        boolean servers = view.storagePaths() > 0;
        PdfPTable t = new PdfPTable(servers ? new float[]{1.9f, 1.2f, 1.4f, 1.6f, 1.9f, 1.4f, 2.3f, 1.4f, 2.2f}
                : new float[]{2.5f, 1.2f, 1.4f, 1.7f, 1.5f, 2.1f, 1.4f, 2.4f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(6);
        t.setHeaderRows(1);
        t.setComplete(false);
        // the entries' share labelled as such: "100 %" beside NO-GO read as a contradiction
        List<String> heads = new ArrayList<>(List.of("Cluster", "Nodes", ClusterView.NODE_PAIRS_OK));
        if (servers) {
            heads.add(ClusterView.FILE_SERVER_PATHS_OK);
        }
        heads.addAll(List.of("Delegation entries present", "% present", "Status", "Patch window", "Findings H/M/L/I"));
        for (String h : heads) {
            t.addCell(header(h, f));
        }
        int rows = 0;
        int omitted = 0;
        for (ClusterView c : view.clusters()) {
            Status st = c.status();
            if (!listedInCompliance(view, c)) {
                omitted++;
                continue;
            }
            t.addCell(cell(c.name() + (view.multiDirectory() ? " (" + c.directory() + ")" : ""), f.small, null));
            // a cluster not audited has no figures: "—", not counts of nothing read
            t.addCell(cell(c.audited() ? String.valueOf(c.nodes().size()) : Words.NO_PERCENT, f.small, null,
                    Element.ALIGN_RIGHT));
            t.addCell(cell(c.nodePairsOkText(), f.small, null, Element.ALIGN_RIGHT));
            if (servers) {
                t.addCell(cell(c.fileServerPathsOkText(), f.small, null, Element.ALIGN_RIGHT));
            }
            t.addCell(cell(c.audited() ? c.presentEntries() + "/" + c.requiredEntries() : Words.NO_PERCENT, f.small,
                    null, Element.ALIGN_RIGHT));
            t.addCell(cell(Words.percent(c.compliancePercent()), f.small, null, Element.ALIGN_RIGHT));
            t.addCell(cell(c.statusLabel(), f.smallBold, color(st), Element.ALIGN_CENTER));
            // page 1's verdict beside the status: "Attention" (MEDIUM findings) with 0/240 pairs OK is NO-GO there
            t.addCell(cell(c.go() ? "GO" : "NO-GO", f.smallBold, color(c.go() ? Status.GREEN : Status.RED),
                    Element.ALIGN_CENTER));
            t.addCell(cell(counts(c.counts()), f.small, null, Element.ALIGN_CENTER));
            if (++rows % FLUSH_ROWS == 0) {
                d.add(t);
            }
        }
        if (omitted > 0) {
            PdfPCell more = cell(omitted + " further cluster" + (omitted == 1 ? "" : "s") + " with status OK (all listed"
                    + " in audit.xlsx, Summary sheet)", f.small, GREEN);
            more.setColspan(heads.size());
            t.addCell(more);
        }
        if (outsideRow) {
            PdfPCell label = cell(view.unclusteredLabel(), f.small, LIGHT);
            label.setColspan(heads.size() - 3);
            t.addCell(label);
            Status st = Status.of(outside);
            t.addCell(cell(st.label(), f.smallBold, color(st), Element.ALIGN_CENTER));
            t.addCell(cell("", f.small, null));
            t.addCell(cell(counts(outside), f.small, null, Element.ALIGN_CENTER));
        }
        t.setComplete(true);
        d.add(t);
        // the legend of the table is read with it: on one page, not broken by a page's end
        Paragraph legend = new Paragraph("Node pairs OK: directed pairs between two nodes (A may delegate to B: live"
                + " migration) that nothing blocks: every required entry present and registered, AES on both accounts, no"
                + " duplicate SPN, Kerberos for migration." + (servers ? " File-server paths OK: the same for the paths"
                + " from a node to a file server (storage over SMB), \"" + Words.NO_PERCENT + "\" for a cluster without"
                + " one." : "") + " Delegation entries present:"
                + " required delegation entries present, and their share, the entries alone (a cluster with every"
                + " entry present can still have failing pairs); \"" + Words.NO_PERCENT + "\" where"
                + " none is required. Status: " + Status.LEGEND + ". Patch window: the verdict of page 1 (NO-GO"
                + " also where MEDIUM or LOW findings, or waived ones, block a pair). Findings leave out waived ones;"
                + " the rows add up to the totals of the executive summary.", f.muted);
        legend.setKeepTogether(true);
        d.add(legend);
    }

    /** "2 / 1 / 0 / 3": open findings per severity. */
    static String counts(Counts c) {
        return c.open(Severity.HIGH) + " / " + c.open(Severity.MEDIUM) + " / " + c.open(Severity.LOW) + " / "
                + c.open(Severity.INFO);
    }

    // ---------------------------------------------------------------- matrices

    private void matrices(Document d, PdfWriter w, ReportView view, Fonts f) {
        boolean first = true;
        for (ClusterView c : view.clusters()) {
            List<Cell> bad = new ArrayList<>();
            for (Cell p : c.cells()) {
                if (p.status() != Status.GREEN) {
                    bad.add(p);
                }
            }
            if (bad.isEmpty()) {
                continue;
            }
            // indexed only for the clusters drawn (at 20,000 hosts most are healthy: 360,000 cells not keyed)
            Map<String, Map<String, Cell>> pairs = c.cellsBySource();
            if (first) {
                d.newPage();
                d.add(heading("Delegation matrices of the clusters with problems", f.h1, 0));
                d.add(new Paragraph("Row: the source host, whose msDS-AllowedToDelegateTo is checked; column: the"
                        + " destination. A cell shows required entries present / required; \"" + ReportView.RBCD_CELL
                        + "\": " + ReportView.RBCD_CELL_MEANING + "; \"" + ReportView.NEEDS_RBCD_CELL + "\": "
                        + ReportView.NEEDS_RBCD_CELL_MEANING + ". Green: the pair can"
                        + " migrate; amber: entries partly present, or all present but something else blocks the"
                        + " pair; red: none present, migration in that direction fails; grey: the host itself. "
                        + ReportView.CELL_MARKS + ". Healthy clusters are not drawn." + (view.clusters().stream()
                        .anyMatch(x -> !x.groupPeers().isEmpty()) ? " A cluster whose nodes also migrate to the nodes"
                        + " of another cluster (policy.migrationGroups) has their columns after its own, headed with"
                        + " that cluster's name; its node pairs count them." : ""), f.muted));
                first = false;
            }
            List<String> rows = c.nodes();
            // the destinations by group: its own (nodes, file servers), then each other cluster of its migration
            // group's nodes its pairs go to (policy.migrationGroups), each group's tables apart
            List<List<String>> groups = new ArrayList<>();
            List<String> groupOf = new ArrayList<>();
            groups.add(c.ownDestinations());
            groupOf.add(null);
            for (ReportView.PeerCluster g : c.groupPeers()) {
                groups.add(g.nodes());
                groupOf.add(g.name() == null ? "another cluster" : g.name());
            }
            String note = "";
            if (rows.size() > matrixMaxNodes) {
                Set<String> from = new LinkedHashSet<>();
                Set<String> to = new LinkedHashSet<>();
                for (Cell p : bad) {
                    from.add(p.from().toLowerCase(Locale.ROOT));
                    to.add(p.to().toLowerCase(Locale.ROOT));
                }
                rows = rows.stream().filter(n -> from.contains(n.toLowerCase(Locale.ROOT))).toList();
                groups.replaceAll(g -> g.stream().filter(n -> to.contains(n.toLowerCase(Locale.ROOT))).toList());
                note = " – " + c.nodes().size() + " nodes; only the " + Words.plural(rows.size(), "source host")
                        + " and " + Words.plural(groups.stream().mapToInt(List::size).sum(), "destination host")
                        + " of " + (bad.size() == 1 ? "the failing pair" : "failing pairs")
                        + " are shown (the full matrix is in audit.xlsx)";
            }
            int all = groups.stream().mapToInt(List::size).sum();
            Paragraph title = new Paragraph("", f.h2);
            title.add(new Chunk("Cluster " + shown(c.name()), f.h2));
            title.add(new Chunk("  delegation entries present: " + Words.percent(c.compliancePercent()) + ", "
                    + c.pairsOkInWords() + note, f.muted));
            title.setSpacingBefore(12);
            title.setSpacingAfter(4);
            keepRoom(d, w, KEEP_WITH_TABLE); // the title with its matrix's header row, not alone at a page foot
            d.add(title);
            if (c.acrossClustersText() != null) {
                d.add(new Paragraph(shown(c.acrossClustersText()), f.muted));
            }
            int done = 0;
            for (int gi = 0; gi < groups.size(); gi++) {
                List<String> cols = groups.get(gi);
                String of = groupOf.get(gi);
                for (int[] block : blocks(cols.size())) {
                    List<String> part = cols.subList(block[0], block[1]);
                    String caption = null;
                    if (all > part.size()) {
                        caption = "Cluster " + shown(c.name()) + ": " + (of == null ? "destinations "
                                : "into nodes of " + shown(of) + " (policy.migrationGroups), destinations ")
                                + (done + 1) + "–" + (done + part.size()) + " of " + all;
                        keepRoom(d, w, KEEP_WITH_TABLE); // the caption with the columns it announces
                    }
                    matrixTable(d, pairs, rows, part, of, caption, done > 0, f);
                    done += part.size();
                }
            }
        }
    }

    /**
     * The destination columns {@code from}–{@code to} (exclusive) of each table of a matrix with {@code columns}
     * destinations: as few tables as {@link #MATRIX_COLUMNS} allows, of even width (16: 8 and 8, not 14 and 2); none
     * for none (a group whose destinations a matrix cut down to its failing pairs all left out).
     */
    static List<int[]> blocks(int columns) {
        int n = (columns + MATRIX_COLUMNS - 1) / MATRIX_COLUMNS;
        List<int[]> out = new ArrayList<>(n);
        int start = 0;
        for (int i = 0; i < n; i++) {
            int width = columns / n + (i < columns % n ? 1 : 0);
            out.add(new int[] {start, start + width});
            start += width;
        }
        return out;
    }

    /**
     * One table of a cluster's matrix: {@code rows} its sources, {@code part} the destinations drawn, headed with
     * their cluster {@code of} where they are nodes of another cluster of its migration group (else null). A
     * {@code caption} (the cluster, and which of its destinations these are) heads the table on every page it is on,
     * with the destinations' names, so each table reads alone; a table after the cluster's first ({@code later})
     * that fits on a page is not cut at a page foot.
     */
    private static void matrixTable(Document d, Map<String, Map<String, Cell>> pairs, List<String> rows,
                                    List<String> part, String of, String caption, boolean later, Fonts f) {
        float[] widths = new float[part.size() + 1];
        widths[0] = 3.2f;
        for (int i = 1; i < widths.length; i++) {
            widths[i] = 1f;
        }
        PdfPTable t = new PdfPTable(widths);
        float percent = 24 + part.size() * 5.5f;
        if (caption != null) { // a table of a few columns as wide as its caption, which then reads on one line
            percent = Math.max(percent, 100 * (f.regular.getWidthPoint(caption, f.muted.getSize()) + 2)
                    / (d.right() - d.left()));
        }
        t.setWidthPercentage(Math.min(100, percent));
        t.setHorizontalAlignment(Element.ALIGN_LEFT);
        t.setHeaderRows(caption == null ? 1 : 2);
        t.setSpacingAfter(6);
        t.setComplete(false);
        if (caption != null) {
            PdfPCell c = new PdfPCell(wholeCodes(new Phrase(caption, f.muted)));
            c.setColspan(part.size() + 1);
            c.setBorder(Rectangle.NO_BORDER);
            c.setPadding(0);
            c.setPaddingBottom(3);
            t.addCell(c);
        }
        PdfPCell corner = cell("from ↓  to →", f.tinyBold, LIGHT);
        corner.setVerticalAlignment(Element.ALIGN_BOTTOM);
        t.addCell(corner);
        for (String to : part) {
            PdfPCell h = new PdfPCell(wholeCodes(new Phrase(of == null ? name(to) : name(to) + " (" + shown(of) + ")",
                    f.tinyBold)));
            h.setRotation(90);
            h.setBackgroundColor(LIGHT);
            h.setBorderColor(LINE);
            h.setPadding(3);
            h.setVerticalAlignment(Element.ALIGN_MIDDLE);
            t.addCell(h);
        }
        int n = 0;
        for (String from : rows) {
            t.addCell(cell(name(from), f.tinyBold, LIGHT));
            Map<String, Cell> fromHere = pairs.getOrDefault(from.toLowerCase(Locale.ROOT), Map.of());
            for (String to : part) {
                if (to.equalsIgnoreCase(from)) {
                    t.addCell(cell("", f.tiny, GREY));
                    continue;
                }
                Cell p = fromHere.get(to.toLowerCase(Locale.ROOT));
                if (p == null) {
                    t.addCell(cell("–", f.tiny, null, Element.ALIGN_CENTER));
                } else {
                    t.addCell(cell(p.text(), f.tiny, color(p.status()), Element.ALIGN_CENTER));
                }
            }
            if (++n % FLUSH_ROWS == 0) {
                d.add(t);
            }
        }
        t.setComplete(true);
        if (later && rows.size() < FLUSH_ROWS) {
            t.setTotalWidth((d.right() - d.left()) * t.getWidthPercentage() / 100);
            t.setKeepTogether(t.getTotalHeight() <= d.top() - d.bottom());
        }
        d.add(t);
    }

    // ---------------------------------------------------------------- findings

    private void findings(Document d, PdfWriter w, ReportView view, Fonts f) {
        section(d, w, "Findings by severity", !view.findings().isEmpty(), f);
        if (view.findings().isEmpty()) {
            d.add(new Paragraph("No findings.", f.body));
        } else if (FindingGroup.of(view.findings()).size() < view.findings().size()) {
            d.add(new Paragraph("The findings of one rule on the delegation entries from one host to one peer are one"
                    + " row here: the pair, how many findings it stands for and their entries, once. Where a host has"
                    + " such rows for several peers, a row above them says how many findings and peers, with the"
                    + " message and the remediation of the first peer (the others' differ in their entries). One row"
                    + " per entry in the workbook's Findings sheet (and in findings.json); the counts are counts of"
                    + " findings.", f.muted));
        }
        for (Severity sev : Severity.values()) {
            List<FindingView> list = view.findings().stream().filter(x -> x.finding().severity() == sev).toList();
            if (list.isEmpty()) {
                continue;
            }
            long waived = list.stream().filter(FindingView::waived).count();
            Paragraph h = new Paragraph("", f.h3);
            Chunk badge = new Chunk(" " + sev + " ", new Font(f.bold, 11f, Font.NORMAL, Color.BLACK));
            badge.setBackground(sevColor(sev), 1f, 2f, 1f, 2f);
            h.add(badge);
            h.add(new Chunk("  " + Words.plural(list.size(), "finding") + (waived == 0 ? "" : " (" + waived
                    + " waived)") + "  – " + sevMeaning(sev), f.muted));
            h.setSpacingBefore(12);
            h.setSpacingAfter(5);
            keepRoom(d, w, KEEP_WITH_TABLE);
            d.add(h);
            float[] widths = {3.1f, 1.3f, 6f, 5f};
            // the text width of the finding's and the remediation's columns (less the cells' padding): a token
            // wider than its column is drawn smaller, never broken
            float[] text = {columnText(d, widths, 2), columnText(d, widths, 3), columnText(d, widths, 0)};
            PdfPTable t = new PdfPTable(widths);
            t.setWidthPercentage(100);
            t.setSpacingBefore(4);
            t.setHeaderRows(1);
            t.setComplete(false);
            for (String c : List.of("Rule", "Host", "Finding", "Remediation")) {
                t.addCell(header(c, f));
            }
            int n = 0;
            // LOW and INFO: the first rows of each rule, then a count; the workbook and findings.json list them all
            int cap = sev == Severity.LOW || sev == Severity.INFO ? ROWS_PER_RULE_LOW_INFO : Integer.MAX_VALUE;
            Map<String, Integer> shown = new HashMap<>();
            Map<String, Integer> notListed = new LinkedHashMap<>();
            ReportView.RuleView group = null;
            for (FindingGroup.Block x : FindingGroup.blocks(list)) {
                String rule = String.valueOf(x.first().first().finding().rule());
                if (shown.merge(rule, 1, Integer::sum) > cap) {
                    notListed.merge(rule, x.size(), Integer::sum);
                    continue;
                }
                if (x.first().first().rule() != group) {
                    group = x.first().first().rule();
                    PdfPCell why = cell(new Phrase(new Chunk(group.title() + ". ", f.tinyBold)), LIGHT,
                            Element.ALIGN_LEFT);
                    why.getPhrase().add(new Chunk(group.why() == null ? "" : group.why(), f.tiny));
                    why.setColspan(4);
                    // the rule's title row and its first finding are one row of the table, laid out as two rows
                    // in a table of the same columns: a page break falls before the title, never between them
                    PdfPTable first = new PdfPTable(widths);
                    first.setWidthPercentage(100);
                    first.addCell(why);
                    blockRow(first, x, rule, f, text);
                    PdfPCell both = new PdfPCell(wholeCodes(first));
                    both.setColspan(4);
                    both.setPadding(0);
                    both.setBorder(Rectangle.NO_BORDER);
                    t.addCell(both);
                } else {
                    blockRow(t, x, rule, f, text);
                }
                for (FindingGroup g : x.groups().size() == 1 ? List.<FindingGroup>of() : x.groups()) {
                    // a row per peer is a row of the rule's as well: at 20,000 hosts an advisory's block has many
                    if (shown.merge(rule, 1, Integer::sum) > cap) {
                        notListed.merge(rule, g.size(), Integer::sum);
                        continue;
                    }
                    pairRow(t, g, rule, f, text);
                    if (++n % FLUSH_ROWS == 0) {
                        d.add(t);
                    }
                }
                if (++n % FLUSH_ROWS == 0) {
                    d.add(t);
                }
            }
            notListed.forEach((rule, more) -> {
                PdfPCell c = cell("… and " + Words.plural(more, "more " + rule + " finding") + ", not listed here:"
                        + " the workbook's Findings sheet and findings.json list every one.", f.muted, LIGHT);
                c.setColspan(4);
                t.addCell(c);
            });
            t.setComplete(true);
            d.add(t);
        }
    }

    /**
     * One row of the findings table: rule, host and cluster, message, remediation; for a group of findings on the
     * entries of one pair ({@link FindingGroup}), the pair and how many findings the row stands for, their entries
     * once in the message and one remediation for them; for a block of such groups of one host (to several peers), how
     * many findings and peers it stands for, the message and remediation of the first peer's, and a row per peer
     * follows ({@link #pairRow}).
     */
    private static void blockRow(PdfPTable t, FindingGroup.Block b, String rule, Fonts f, float[] text) {
        FindingGroup g = b.first();
        FindingView x = g.first();
        Font font = x.waived() ? f.waived : f.tiny;
        Color bg = x.waived() ? LIGHT : null;
        // the rule id whole (smaller where it is wider than its column), as the text of the other pages finds it
        t.addCell(cell(fitted(rule, font, text[2]), bg, Element.ALIGN_LEFT));
        t.addCell(cell(x.finding().host() == null ? "" : name(x.finding().host())
                + (x.finding().cluster() == null ? "" : "\n" + x.finding().cluster()), font, bg));
        Phrase message = new Phrase();
        Font bold = x.waived() ? f.waivedNote : f.tinyBold;
        String first = b.groups().size() == 1 ? "" : "For " + name(x.finding().peer()) + ", the first peer: ";
        if (b.groups().size() > 1) {
            message.add(fitted(name(x.finding().host()) + " -> " + Words.plural(b.peers().size(), "peer") + ": "
                    + Words.plural(b.size(), "finding") + ", one per entry; a row per peer below\n", bold, text[0]));
        } else if (g.size() > 1) {
            message.add(fitted(name(x.finding().host()) + " -> " + name(x.finding().peer()) + ": " + g.size()
                    + " findings, one per entry\n", bold, text[0]));
        }
        message.add(fitted(first + (g.size() == 1 ? visible(message(x.finding())) : lines(g.message())), font,
                text[0]));
        if (x.waived()) {
            message.add(fitted("\n" + visible(x.waiverNote()), f.waivedNote, text[0]));
        } else if (x.consequence() != null) {
            message.add(fitted("\n" + visible(x.consequence().text()), f.tinyBold, text[0]));
        }
        t.addCell(cell(message, bg, Element.ALIGN_LEFT));
        // one line each, as a value in it is stored; its commands copied from the page must not break inside a token
        t.addCell(cell(fitted(first + lines(g.remediation()), font, text[1]), bg, Element.ALIGN_LEFT));
    }

    /**
     * A row of a block ({@link #blockRow}): one peer's group, the pair, how many findings it stands for and their
     * entries (a single finding's message), over the finding's and the remediation's columns (the block's row says
     * both for the first peer).
     */
    private static void pairRow(PdfPTable t, FindingGroup g, String rule, Fonts f, float[] text) {
        FindingView x = g.first();
        Font font = x.waived() ? f.waived : f.tiny;
        Color bg = x.waived() ? LIGHT : null;
        t.addCell(cell(fitted(rule, font, text[2]), bg, Element.ALIGN_LEFT));
        t.addCell(cell(name(x.finding().host()), font, bg));
        Phrase entries = new Phrase();
        entries.add(fitted(name(x.finding().host()) + " -> " + name(x.finding().peer()) + ": " + Words.plural(g.size(),
                "finding") + ": ", x.waived() ? f.waivedNote : f.tinyBold, text[0] + text[1]));
        // a pair of one finding by its message, which names its entry
        entries.add(fitted(g.size() == 1 ? visible(message(x.finding())) : String.join(", ", g.entries()), font,
                text[0] + text[1]));
        PdfPCell c = cell(entries, bg, Element.ALIGN_LEFT);
        c.setColspan(2);
        t.addCell(c);
    }

    /** Texts one a line, each on its line as {@link #visible} shows it. */
    private static String lines(List<String> texts) {
        return String.join("\n", texts.stream().map(PdfReportWriter::visible).toList());
    }

    /** Points of text in column {@code i} of a table of {@code widths} as wide as the page, less the cells' padding. */
    static float columnText(Document d, float[] widths, int i) {
        float sum = 0;
        for (float w : widths) {
            sum += w;
        }
        return (d.right() - d.left()) * widths[i] / sum - 2 * CELL_PADDING - 1;
    }

    /**
     * A finding's message as the PDF shows it: the import files it names by their file names, not by this machine's
     * path (the folder of {@code evidence.origin}, "/tmp/…/hostsettings/vmhost-ps51.csv:4" as "vmhost-ps51.csv:4", and
     * so the file to export again in place of, and the other rows of that folder); a host's changes
     * since the previous run with more than a few of one kind counted ({@link ChangesInWords}); findings.json keeps
     * the path and every change.
     */
    static String message(org.kcdauditor.model.Finding f) {
        String m = f.message() == null ? "" : f.message();
        List<String> changes = f.hasEvidence() ? f.evidence().changes() : null;
        String listed = changes == null ? null : String.join("; ", changes);
        if (listed != null && m.startsWith(listed)) {
            // a host's changes since the previous run, one kind of many counted (every one in the Timeline sheet)
            m = String.join("; ", ChangesInWords.condensed(changes)) + m.substring(listed.length());
        }
        String origin = f.hasEvidence() ? f.evidence().origin() : null;
        if (origin == null || origin.isEmpty() || !m.contains(origin)) {
            return m;
        }
        // the folder goes wherever the message names a file of it: the row (file:line), the file to export again in
        // place of, and the other exports' rows read for the host
        String folder = origin.substring(0, Math.max(origin.lastIndexOf('/'), origin.lastIndexOf('\\')) + 1);
        return folder.isEmpty() || folder.length() == origin.length() ? m : m.replace(folder, "");
    }

    /**
     * {@code text} wrapped at spaces only, as a command is: a token that fits the column goes whole to the next line,
     * one wider than the column ({@code width} points) is drawn in a smaller size on a line of its own, so that no
     * token is broken (a command copied from the page works).
     */
    static Phrase fitted(String text, Font font, float width) {
        Phrase p = new Phrase();
        p.setLeading(font.getCalculatedLeading(1.5f));
        StringBuilder run = new StringBuilder();
        BaseFont base = font.getBaseFont();
        String shown = shown(text);
        int i = 0;
        while (i < shown.length()) {
            int end = i;
            while (end < shown.length() && shown.charAt(end) != ' ' && shown.charAt(end) != '\n') {
                end++;
            }
            String token = shown.substring(i, end);
            float w = base == null ? 0 : base.getWidthPoint(token, font.getSize());
            if (w > width && width > 0) {
                if (run.length() > 0) {
                    p.add(atSpaces(run.toString(), font));
                    run.setLength(0);
                }
                Font small = new Font(font);
                small.setSize(Math.max(MIN_SIZE, font.getSize() * width / w));
                p.add(atSpaces(token, small));
            } else {
                run.append(token);
            }
            if (end < shown.length()) {
                run.append(shown.charAt(end));
            }
            i = end + 1;
        }
        if (run.length() > 0) {
            p.add(atSpaces(run.toString(), font));
        }
        return p;
    }

    /** The smallest size {@link #fitted} draws a long token in; below, it breaks as OpenPDF breaks it. */
    static final float MIN_SIZE = 4f;

    private static String sevMeaning(Severity sev) {
        return switch (sev) {
            case HIGH -> "live migration fails, or delegation is unsafe";
            // MEDIUM also holds a node with live migration disabled, LOW a file server's encryption types to check
            case MEDIUM -> "deviates from the policy or the baseline, or fails some moves";
            case LOW -> "to review: clean-up, checks and drift";
            case INFO -> "for information";
        };
    }

    // ---------------------------------------------------------------- remediation plan

    private void remediation(Document d, PdfWriter w, ReportView view, Fonts f) {
        RemediationPlan plan = view.plan();
        section(d, w, "Remediation plan", plan.hasChanges() || !view.decisions().isEmpty()
                || !plan.refused().isEmpty() || !view.procedure().phases().isEmpty(), f);
        if (!plan.hasChanges() && view.decisions().stream().anyMatch(x -> !x.proposed().isEmpty())) {
            // a decision's yes (If so: Set-ADComputer …) is a directory change all the same
            d.add(new Paragraph("No scripted change to Active Directory. A yes to a decision below is one: replicate it"
                    + " (" + String.join("; ", view.procedure().replicateCommands()) + ") and purge the hosts' tickets ("
                    + org.kcdauditor.remedy.Commands.PURGE_TICKETS + ") after it.", f.body));
        } else if (!plan.hasChanges()) {
            // a refused object needs a look, not nothing
            d.add(new Paragraph(plan.refused().isEmpty() ? "No change to Active Directory is needed."
                    : "No scripted change to Active Directory.", f.body));
        } else {
            d.add(new Paragraph("Step-by-step instructions: runbook.md / runbook.html; the same changes as a script:"
                    + " remediation.ps1 (dry run unless started with -Apply); checklist for the change record: the"
                    + " Runbook sheet of audit.xlsx.", f.muted));
        }
        PdfPTable s = new PdfPTable(new float[]{0.4f, 1.6f, 8f});
        s.setWidthPercentage(100);
        s.setSpacingBefore(8);
        s.setSpacingAfter(10);
        for (Procedure.PhaseView p : view.procedure().phases()) {
            s.addCell(cell(String.valueOf(p.number()), f.smallBold, LIGHT, Element.ALIGN_CENTER));
            s.addCell(cell(p.title(), f.smallBold, LIGHT));
            s.addCell(cell(p.summary(), f.small, null));
        }
        if (!view.procedure().phases().isEmpty()) {
            d.add(s);
        }
        if (plan.hasChanges()) {
            keepRoom(d, w, KEEP_WITH_TABLE);
            d.add(heading("Changes per object", f.h2, 4));
            PdfPTable t = new PdfPTable(new float[]{1.6f, 1.2f, 8f});
            t.setWidthPercentage(100);
            t.setSpacingBefore(6);
            t.setHeaderRows(1);
            // a host gaining delegation to 63 peers has a row of 63 lines: it starts under the heading and goes on
            // over the page, instead of leaving the heading alone at the foot of a page mostly empty
            t.setSplitLate(false);
            t.setComplete(false);
            for (String c : List.of("Object", "Cluster", "Change")) {
                t.addCell(header(c, f));
            }
            int n = 0;
            for (HostChange h : plan.hosts()) {
                StringBuilder sb = new StringBuilder();
                for (PeerSpns p : h.add()) {
                    line(sb, "Add delegation to " + Values.visibleAccount(p.peer()) + ": "
                            + Values.visibleSpns(p.spns(), ", "));
                }
                for (PeerSpns p : h.remove()) {
                    line(sb, plan.removal(h, p) + ": " + Values.visibleSpns(p.spns(), ", "));
                }
                for (String spn : h.register()) {
                    line(sb, "Register SPN: " + Values.visibleSpn(spn));
                }
                Action.SetEncryptionTypes aes = h.encryption();
                if (aes != null) {
                    // as the runbook's step does: what the value allows, or that only the DES flag goes
                    line(sb, "Allow AES: " + (aes.keepsValue() ? "clear USE_DES_KEY_ONLY (msDS-SupportedEncryptionTypes "
                            + aes.value() + " stays)" : (aes.clearDesOnly() ? "clear USE_DES_KEY_ONLY, " : "")
                            + "msDS-SupportedEncryptionTypes " + aes.value() + " (" + String.join(", ",
                            org.kcdauditor.model.EncryptionTypes.names(aes.value())) + ")"));
                }
                if (h.unconstrained()) {
                    line(sb, "Replace unconstrained delegation: specified services only, " + h.aducProtocol()
                            + (h.protocolBasis() == null ? "" : " (" + h.protocolBasis() + ")"));
                } else if (h.trustedToAuth() != null) {
                    line(sb, "Set protocol choice: " + h.aducProtocol());
                }
                if (!h.rbcdAdded().isEmpty()) {
                    line(sb, "Allow resource-based delegation from " + String.join(", ", h.rbcdAdded().stream()
                            .map(p -> visible(p.name() != null ? p.name() : p.sid())).toList()));
                }
                t.addCell(cell(visible(h.name()), f.smallBold, null));
                t.addCell(cell(h.cluster(), f.small, null));
                t.addCell(cell(sb.toString(), f.small, null));
                if (++n % FLUSH_ROWS == 0) {
                    d.add(t);
                }
            }
            for (Action.UnregisterSpn u : plan.unregister()) {
                t.addCell(cell(name(u.holder()), f.smallBold, null));
                t.addCell(cell("", f.small, null));
                t.addCell(cell("Remove duplicate SPN: " + visible(Values.visibleSpn(u.spn())), f.small, null));
            }
            // the steps on the hosts too, as page 1 counts them (remediation.ps1 does not run them)
            // one row per host, its steps one per line
            for (List<Action.OnHost> steps : plan.stepsByHost()) {
                String host = steps.get(0).subject();
                String cluster = view.objectChanges().stream().filter(o -> o.name().equalsIgnoreCase(host))
                        .map(ObjectChange::cluster).findFirst().orElse("");
                StringBuilder sb = new StringBuilder();
                steps.forEach(a -> line(sb, "On the host: " + Procedure.onHost(a)));
                t.addCell(cell(name(host), f.smallBold, null));
                t.addCell(cell(cluster, f.small, null));
                t.addCell(cell(sb.toString(), f.small, null));
            }
            t.setComplete(true);
            d.add(t);
        }
        if (!plan.refused().isEmpty()) {
            d.add(heading("Refused: no delegation is added to or from these objects", f.h3, 8));
            for (RemediationPlan.Refused r : plan.refused()) {
                d.add(new Paragraph("• " + name(r.name()) + ": " + shown(r.reason()), f.small));
            }
        }
        if (!view.decisions().isEmpty()) {
            d.add(heading("Needs a decision", f.h2, 10));
            float[] widths = {3.1f, 1.3f, 11f};
            float width = columnText(d, widths, 2);
            PdfPTable t = new PdfPTable(widths);
            t.setWidthPercentage(100);
            t.setSpacingBefore(4);
            t.setHeaderRows(1);
            for (String c : List.of("Rule", "Host", "Finding and what to decide")) {
                t.addCell(header(c, f));
            }
            // the procedure's steps of this phase are the decision steps, in order, with the commands of their
            // proposals: one per host and question, listing the entries of its findings
            List<Procedure.Step> decide = view.procedure().steps(Procedure.Phase.DECIDE);
            for (int i = 0; i < plan.decisionSteps().size(); i++) {
                RemediationPlan.DecisionStep step = plan.decisionSteps().get(i);
                RemediationPlan.Decision dec = step.first();
                t.addCell(ruleCell(dec.finding().rule(), f.tiny, null));
                t.addCell(cell(name(dec.finding().host()), f.tiny, null));
                // the question labelled as the runbooks label it, apart from the finding it follows
                Phrase text = fitted(visible(step.grouped() ? Procedure.entriesInWords(step)
                        : message(dec.finding())) + "\n", f.tiny, width);
                text.add(new Chunk("To decide: ", f.tinyBold));
                text.add(fitted(visible(dec.what() + (dec.coveredBy() == null ? ""
                        : " (check after the change of " + dec.coveredBy() + ")")), f.tiny, width));
                // labelled as the runbooks label them: "If so", or what they do ("To restore it")
                for (String command : i < decide.size() ? decide.get(i).commands() : List.<String>of()) {
                    text.add(new Chunk("\n" + dec.yes() + ": ", f.tinyBold));
                    text.add(command(command, f.tiny));
                }
                for (String command : i < decide.size() ? decide.get(i).undo() : List.<String>of()) {
                    text.add(new Chunk("\nUndo: ", f.tinyBold));
                    text.add(command(command, f.tiny));
                }
                // a yes no command can carry says why, where another gives its command
                String noCommand = i < decide.size() ? decide.get(i).noCommand() : "";
                if (!noCommand.isEmpty()) {
                    text.add(new Chunk("\n" + dec.yes() + ": ", f.tinyBold));
                    text.add(new Chunk(visible(noCommand), f.tiny));
                }
                t.addCell(cell(text, null, Element.ALIGN_LEFT));
            }
            d.add(t);
        }
    }

    // ---------------------------------------------------------------- sign-off

    /**
     * The roles that sign, in the order of the change; the first three sign a run that proposes none. "100 %" is held
     * together by a no-break space: the narrow column wrapped it as "100" and a "%" alone on the next line.
     */
    static final List<String> SIGN_OFF_ROLES = List.of("Prepared by", "Reviewed by (cluster owner)", "CAB approver",
            "Change implemented by", "Validated by (after the change: test moves at 100\u00A0%, preflight as page 1"
                    + " expects)");

    /**
     * The CAB's sign-off, right after the decision page: the change ticket (printed when given), who prepared,
     * reviewed, approved, implemented and validated the change with signature and date, the decision and its
     * conditions.
     */
    private void signOff(Document d, ReportView view, Fonts f) {
        PdfPTable t = new PdfPTable(new float[]{2.4f, 2.6f, 2.5f, 1.5f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(10);
        // heading and table on one page, with the room this table takes (three roles sign a run without a change, five
        // a change): the heading is the table's first row, and the table is kept together. A heading of its own, kept
        // with room estimated for the table, stood alone at the foot of page 1 below a GO's trend, its table on page 2.
        t.setKeepTogether(true);
        PdfPCell heading = new PdfPCell();
        heading.setBorder(0);
        heading.setPadding(0);
        heading.setPaddingBottom(2);
        heading.setColspan(4);
        heading.addElement(heading("Sign-off", f.h2, 0));
        t.addCell(heading);
        PdfPCell ticketLabel = cell("Change ticket", f.smallBold, LIGHT);
        ticketLabel.setMinimumHeight(22);
        t.addCell(ticketLabel);
        PdfPCell ticket = cell(view.changeTicket() == null ? "" : view.changeTicket(), f.smallBold, null);
        ticket.setColspan(3);
        ticket.setVerticalAlignment(Element.ALIGN_MIDDLE);
        t.addCell(ticket);
        for (String c : List.of("Role", "Name", "Signature", "Date")) {
            t.addCell(header(c, f));
        }
        for (String role : view.changeToSign() ? SIGN_OFF_ROLES : SIGN_OFF_ROLES.subList(0, 3)) {
            t.addCell(cell(role, f.smallBold, LIGHT));
            for (int i = 0; i < 3; i++) {
                PdfPCell c = cell("", f.small, null);
                c.setMinimumHeight(26);
                t.addCell(c);
            }
        }
        PdfPCell cab = cell("CAB decision", f.smallBold, LIGHT);
        cab.setMinimumHeight(26);
        t.addCell(cab);
        PdfPCell choice = cell("☐ Approved     ☐ Approved with conditions     ☐ Rejected     ☐ Deferred", f.small,
                null);
        choice.setColspan(3);
        choice.setVerticalAlignment(Element.ALIGN_MIDDLE);
        t.addCell(choice);
        PdfPCell cond = cell("Conditions / comments", f.smallBold, LIGHT);
        cond.setMinimumHeight(48);
        t.addCell(cond);
        PdfPCell blank = cell("", f.small, null);
        blank.setColspan(3);
        t.addCell(blank);
        d.add(t);
    }

    // ---------------------------------------------------------------- helpers

    /** Adds one line; a line feed in a value in it is shown as {@code \\u000A}, never as a line of its own. */
    private static void line(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append('\n');
        }
        sb.append(visible(s));
    }

    /** A new page first when less than {@code points} remain, so that a heading stays with what follows. */
    static void keepRoom(Document d, PdfWriter w, float points) {
        if (w.getVerticalPosition(false) - d.bottom() < points) {
            d.newPage();
        }
    }

    /**
     * A section's heading: on a new page when the section has content, else (a one-line "nothing here") below what
     * precedes it, a new page first only when the heading and its line do not fit.
     */
    static void section(Document d, PdfWriter w, String title, boolean ownPage, Fonts f) {
        if (ownPage) {
            d.newPage();
            d.add(heading(title, f.h1, 0));
        } else {
            keepRoom(d, w, KEEP_WITH_TABLE);
            d.add(heading(title, f.h1, 16));
        }
    }

    static Paragraph heading(String text, Font font, float before) {
        Paragraph p = new Paragraph(shown(text), font);
        p.setSpacingBefore(before);
        p.setSpacingAfter(6);
        return p;
    }

    static void kv(PdfPTable t, Fonts f, String k, String v) {
        PdfPCell a = cell(k, f.smallBold, LIGHT);
        a.setPadding(5);
        t.addCell(a);
        PdfPCell b = cell(v, f.small, null);
        b.setPadding(5);
        t.addCell(b);
    }

    static PdfPCell header(String text, Fonts f) {
        PdfPCell c = new PdfPCell(wholeCodes(new Phrase(text, f.white)));
        c.setBackgroundColor(NAVY);
        c.setBorderColor(LINE);
        c.setPadding(4);
        c.setUseAscender(true);
        c.setUseDescender(true);
        return c;
    }

    static PdfPCell cell(String text, Font font, Color bg) {
        return cell(text, font, bg, Element.ALIGN_LEFT);
    }

    static PdfPCell cell(String text, Font font, Color bg, int align) {
        return cell(new Phrase(shown(text), font), bg, align);
    }

    /** A cell's padding left and right (and above). */
    static final float CELL_PADDING = 3;

    static PdfPCell cell(Phrase text, Color bg, int align) {
        PdfPCell c = new PdfPCell(wholeCodes(text));
        if (bg != null) {
            c.setBackgroundColor(bg);
        }
        c.setBorderColor(LINE);
        c.setPadding(CELL_PADDING);
        c.setPaddingBottom(4);
        c.setUseAscender(true);
        c.setUseDescender(true);
        c.setLeading(0, 1.15f);
        c.setHorizontalAlignment(align);
        return c;
    }

    /** A command as typed: it wraps only at a space (never inside {@code Set-ADComputer}), its values shown. */
    static Chunk command(String command, Font font) {
        return atSpaces(shown(command), font);
    }

    /** Text already {@link #shown} in a chunk that wraps only at a space. */
    private static Chunk atSpaces(String shown, Font font) {
        Chunk c = new Chunk(shown, font);
        c.setSplitCharacter(AT_SPACE);
        return c;
    }

    /**
     * Text that wraps only at a space (a line feed stays one): a rule's title, a host name, kcd-audit or -Apply in it
     * stays whole, where OpenPDF's default breaks after a hyphen.
     */
    static Phrase words(String text, Font font) {
        return new Phrase(command(text, font));
    }

    /** A rule id that wraps only after an underscore. */
    static PdfPCell ruleCell(String rule, Font font, Color bg) {
        Chunk id = new Chunk(rule == null ? "" : rule, font);
        id.setSplitCharacter(AFTER_UNDERSCORE);
        return cell(new Phrase(id), bg, Element.ALIGN_LEFT);
    }

    static Color color(Palette p) {
        return new Color(p.rgb());
    }

    static Color color(Status s) {
        return color(Palette.of(s));
    }

    static Color sevColor(Severity sev) {
        return color(Palette.of(sev));
    }

    /**
     * Text as the PDF shows it: control and bidirectional characters as {@code \\uXXXX} (the embedded font has
     * no glyph for them, so a U+202E would silently vanish from a value the directory stores), line breaks kept;
     * and so is every character the embedded fonts cannot draw ({@link #drawable}).
     */
    static String shown(String s) {
        return drawable(Values.visibleLines(s));
    }

    /** A value as the PDF shows it on one line: {@link Values#visible}, and {@link #drawable}. */
    static String visible(String s) {
        return drawable(Values.visible(s));
    }

    /**
     * A computer's name in a table or a list of directions: as {@link #visible}, and each character outside ASCII by
     * its code ({@link Values#visibleAccount}), so that a node named {@code НV06} with a Cyrillic Н reads apart from a
     * Latin HV06 (a valid host name is all ASCII, and reads as it is).
     */
    static String name(String host) {
        return drawable(Values.visibleAccount(host));
    }

    /**
     * {@code s} with each character that DejaVu Sans (regular or bold) has no glyph for shown as {@code \\uXXXX} (a
     * character beyond U+FFFF as its two halves), line feeds kept. OpenPDF leaves such a character out of the page
     * without a trace: a node named "HV04 日本" read as "HV04 ", and two names that differ only in Chinese, Japanese or
     * Korean characters read alike.
     */
    static String drawable(String s) {
        boolean[] drawn = Glyphs.DRAWN;
        char[] cs = s.toCharArray();
        int first = Values.firstNotIn(drawn, cs, 0, cs.length);
        if (first == cs.length) {
            return s;
        }
        StringBuilder sb = new StringBuilder(cs.length + 16).append(cs, 0, first);
        for (int i = first; i < cs.length; i++) {
            char c = cs[i];
            if (drawn[c]) {
                sb.append(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < cs.length && Character.isLowSurrogate(cs[i + 1])) {
                int cp = Character.toCodePoint(c, cs[i + 1]);
                if (Glyphs.REGULAR.charExists(cp) && Glyphs.BOLD.charExists(cp)) {
                    sb.append(c).append(cs[i + 1]);
                } else {
                    sb.append(String.format("\\u%04X\\u%04X", (int) c, (int) cs[i + 1]));
                }
                i++;
            } else {
                sb.append(String.format("\\u%04X", (int) c));
            }
        }
        return sb.toString();
    }

    /** The characters of the Basic Multilingual Plane both embedded fonts draw, and the line feed. */
    private static final class Glyphs {
        static final BaseFont REGULAR;
        static final BaseFont BOLD;
        static final boolean[] DRAWN = new boolean[0x10000];

        static {
            try {
                byte[][] ttf = fonts();
                REGULAR = BaseFont.createFont("DejaVuSans.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false, ttf[0],
                        null);
                BOLD = BaseFont.createFont("DejaVuSans-Bold.ttf", BaseFont.IDENTITY_H, BaseFont.EMBEDDED, false,
                        ttf[1], null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int c = 0; c < DRAWN.length; c++) {
                DRAWN[c] = !Character.isSurrogate((char) c) && REGULAR.charExists(c) && BOLD.charExists(c);
            }
            DRAWN['\n'] = true;
            DRAWN[' '] = true;
        }
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\R", " ");
    }

    static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }

    /** "Run … · page X of Y" on every page; Y is filled in when the document closes. */
    static final class Footer extends PdfPageEventHelper {
        private final Fonts f;
        private final String runId;
        private PdfTemplate total;

        Footer(Fonts f, String runId) {
            this.f = f;
            this.runId = runId;
        }

        @Override
        public void onOpenDocument(PdfWriter writer, Document document) {
            total = writer.getDirectContent().createTemplate(40, 12);
        }

        @Override
        public void onEndPage(PdfWriter writer, Document document) {
            PdfContentByte cb = writer.getDirectContent();
            Rectangle page = document.getPageSize();
            float y = 28;
            cb.setColorStroke(LINE);
            cb.setLineWidth(0.5f);
            cb.moveTo(document.left(), y + 10);
            cb.lineTo(document.right(), y + 10);
            cb.stroke();
            ColumnText.showTextAligned(cb, Element.ALIGN_LEFT,
                    new Phrase("kcd-audit · run " + runId, f.muted), document.left(), y, 0);
            String text = "page " + writer.getPageNumber() + " of ";
            float width = f.regular.getWidthPoint(text, 8f);
            float x = page.getWidth() - document.rightMargin() - 22 - width;
            ColumnText.showTextAligned(cb, Element.ALIGN_LEFT, new Phrase(text, f.muted), x, y, 0);
            cb.addTemplate(total, x + width, y);
        }

        @Override
        public void onCloseDocument(PdfWriter writer, Document document) {
            ColumnText.showTextAligned(total, Element.ALIGN_LEFT,
                    new Phrase(String.valueOf(writer.getPageNumber() - 1), f.muted), 0, 0, 0);
        }
    }
}
