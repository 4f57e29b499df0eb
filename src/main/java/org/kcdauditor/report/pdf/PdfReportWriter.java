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
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsDocument.ClusterDoc;
import org.kcdauditor.report.FindingsDocument.PairDoc;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.Rendering;
import org.kcdauditor.report.RemediationPlan.HostChange;
import org.kcdauditor.report.RemediationPlan.PeerSpns;
import org.kcdauditor.report.ReportWriter;
import org.kcdauditor.report.Status;
import org.kcdauditor.report.runbook.RunbookModel;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
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
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    static final Color GREEN = new Color(0xC6EFCE);
    static final Color AMBER = new Color(0xFFEB9C);
    static final Color RED = new Color(0xFFC7CE);
    static final Color GREY = new Color(0xD9D9D9);
    static final Color NAVY = new Color(0x1F3864);
    static final Color LINE = new Color(0xBFBFBF);
    static final Color LIGHT = new Color(0xF2F2F2);
    static final Color MUTED = new Color(0x595959);
    /** Text of waived findings: readable, but clearly not counted. */
    static final Color WAIVED = new Color(0x7F7F7F);
    /** Rule ids (UPPER_SNAKE_CASE) wrap after an underscore, never inside a word. */
    static final SplitCharacter AFTER_UNDERSCORE = new DefaultSplitCharacter() {
        @Override
        public boolean isSplitCharacter(int start, int current, int end, char[] cc, PdfChunk[] ck) {
            return getCurrentCharacter(current, cc, ck) == '_' || super.isSplitCharacter(start, current, end, cc, ck);
        }
    };
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
    public String format() {
        return "pdf";
    }

    @Override
    public String fileName() {
        return "audit.pdf";
    }

    private static synchronized byte[][] fonts() {
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
        final Font coverStatus;

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
            coverStatus = new Font(bold, 18f);
        }
    }

    @Override
    public void write(Rendering rendering, OutputStream out) throws IOException {
        FindingsDocument doc = rendering.doc();
        Fonts f = new Fonts();
        Document d = new Document(PageSize.A4, 40, 40, 48, 52);
        try {
            PdfWriter w = PdfWriter.getInstance(d, out);
            w.setFullCompression();
            String runId = doc.runId() == null ? "" : doc.runId();
            w.setPageEvent(new Footer(f, runId));
            String domain = RunbookModel.domain(doc.directory() == null ? null : doc.directory().baseDn());
            d.addTitle("Kerberos constrained delegation audit – " + domain);
            d.addSubject("Hyper-V live migration: delegation audit, run " + runId);
            d.addCreator("kcd-audit");
            d.open();
            RemediationPlan plan = rendering.plan();
            cover(d, doc, plan, f, domain);
            d.newPage();
            executiveSummary(d, doc, plan, f);
            clusters(d, doc, f);
            matrices(d, doc, f);
            findings(d, w, doc, f);
            HistorySection.write(d, w, doc, f);
            remediation(d, doc, plan, f);
            signOff(d, f);
        } catch (DocumentException e) {
            throw new IOException("cannot write the PDF: " + e.getMessage(), e);
        } finally {
            if (d.isOpen()) {
                d.close();
            }
        }
    }

    // ---------------------------------------------------------------- cover

    private void cover(Document d, FindingsDocument doc, RemediationPlan plan, Fonts f, String domain) {
        FindingsDocument.Summary s = doc.summary();
        Status status = Status.of(s == null ? null : s.bySeverity());
        Paragraph space = new Paragraph(" ", f.body);
        space.setSpacingBefore(110);
        d.add(space);
        d.add(new Paragraph("Kerberos constrained delegation audit", f.title));
        Paragraph sub = new Paragraph("Hyper-V live migration – " + domain, f.h2);
        sub.setSpacingAfter(28);
        d.add(sub);

        PdfPTable box = new PdfPTable(1);
        box.setWidthPercentage(100);
        PdfPCell st = new PdfPCell(new Phrase("Overall status: " + status.label(), f.coverStatus));
        st.setBackgroundColor(color(status));
        st.setPadding(14);
        st.setBorderColor(LINE);
        box.addCell(st);
        PdfPCell line = new PdfPCell(new Phrase(headline(doc, plan), f.body));
        line.setPadding(10);
        line.setBorderColor(LINE);
        box.addCell(line);
        box.setSpacingAfter(24);
        d.add(box);

        PdfPTable t = new PdfPTable(new float[]{1.3f, 3f});
        t.setWidthPercentage(100);
        kv(t, f, "Domain", domain);
        kv(t, f, "Directory", doc.directory() == null ? "" : doc.directory().url() + "  (" + doc.directory().baseDn() + ")");
        kv(t, f, "Run", doc.runId());
        kv(t, f, "Run time", time(doc.startedAt()) + (doc.startedAt() == null || doc.finishedAt() == null ? ""
                : String.format(Locale.ROOT, " (took %.1f s)",
                java.time.Duration.between(doc.startedAt(), doc.finishedAt()).toMillis() / 1000.0)));
        if (s != null) {
            kv(t, f, "Scope", plural(s.hosts(), "Hyper-V host") + " in " + plural(s.clusters(), "cluster") + ", "
                    + plural(s.pairs(), "directed host pair"));
            kv(t, f, "Compliance", pct(s.compliancePercent()) + " of the " + s.requiredEntries()
                    + " required delegation entries are present");
        }
        if (doc.policy() != null) {
            kv(t, f, "Policy", "protocol transition: " + doc.policy().protocolTransition() + "; services: "
                    + String.join(", ", nn(doc.policy().services())));
        }
        d.add(t);
        Paragraph note = new Paragraph("Generated by kcd-audit from findings.json; the tool only reads Active"
                + " Directory. Re-render with: kcd-audit report --from <run folder>.", f.muted);
        note.setSpacingBefore(30);
        d.add(note);
    }

    /**
     * The cover's one sentence. A cluster needs attention when its status is not OK (the same rule as
     * the status box) or one of its pairs fails; findings outside any cluster are named separately,
     * so the sentence never contradicts the overall status.
     */
    private static String headline(FindingsDocument doc, RemediationPlan plan) {
        int failing = 0;
        int attention = 0;
        for (ClusterDoc c : nn(doc.clusters())) {
            int bad = c.pairs() - c.pairsOk();
            failing += bad;
            if (bad > 0 || Status.of(c.bySeverity()) != Status.GREEN) {
                attention++;
            }
        }
        FindingsDocument.Summary s = doc.summary();
        Map<String, Integer> sev = s == null ? null : s.bySeverity();
        int clusters = s == null ? nn(doc.clusters()).size() : s.clusters();
        if (!plan.hasChanges() && failing == 0 && Status.of(sev) == Status.GREEN) {
            return "Live migration is correctly delegated in every audited cluster. No change is needed.";
        }
        String text;
        if (attention > 0) {
            text = attention + " of " + plural(clusters, "cluster") + (attention == 1 ? " needs" : " need")
                    + " attention";
        } else {
            int above = Status.count(sev, "HIGH") + Status.count(sev, "MEDIUM") + Status.count(sev, "LOW");
            text = "No cluster needs attention, but " + plural(above, "finding") + " above INFO "
                    + (above == 1 ? "does" : "do") + " (see Findings)";
        }
        text += failing == 0 ? "; every directed host pair is delegated correctly."
                : "; " + plural(failing, "directed host pair") + " cannot live-migrate reliably.";
        return text + (plan.hasChanges() ? " The fix changes " + plural(plan.hosts().size(), "computer object")
                + " in Active Directory." : " No scripted change to Active Directory.");
    }

    // ---------------------------------------------------------------- executive summary

    private void executiveSummary(Document d, FindingsDocument doc, RemediationPlan plan, Fonts f) {
        d.add(heading("Executive summary", f.h1, 0));
        FindingsDocument.Summary s = doc.summary();
        Map<String, Integer> sev = s == null ? null : s.bySeverity();
        int failing = 0;
        for (ClusterDoc c : nn(doc.clusters())) {
            failing += c.pairs() - c.pairsOk();
        }
        List<String> points = new ArrayList<>();
        points.add("What was checked: whether each Hyper-V host may pass a user's Kerberos credentials on to its"
                + " cluster peers (Kerberos constrained delegation). Without it, live migration and storage moves"
                + " fail at 80–90 % with authentication errors, especially after Windows Kerberos hardening updates"
                + " and on Windows Server 2025 with Credential Guard.");
        Map<String, Integer> waived = waivedBySeverity(doc);
        int waivedAll = waived.values().stream().mapToInt(Integer::intValue).sum();
        points.add("Result: " + headline(doc, plan) + " " + Status.count(sev, "HIGH") + " high, "
                + Status.count(sev, "MEDIUM") + " medium, " + Status.count(sev, "LOW") + " low and "
                + Status.count(sev, "INFO") + " informational findings" + (waivedAll == 0 ? "."
                : ", not counting " + waivedAll + " waived (accepted in the baseline until the waiver expires; listed"
                + " greyed under Findings)."));
        if (plan.hasChanges()) {
            int entries = 0;
            for (HostChange h : plan.hosts()) {
                entries += h.addCount() + h.removeCount() + h.register().size();
            }
            points.add("Proposed change: update the delegation settings of " + plan.hosts().size()
                    + " host computer account" + (plan.hosts().size() == 1 ? "" : "s") + " (" + entries
                    + " entries added, removed or registered" + (plan.hosts().stream()
                    .anyMatch(HostChange::unconstrained) ? "; unsafe unconstrained delegation replaced" : "")
                    + "). No reboot, no VM downtime; about 15 minutes of work plus directory replication.");
            points.add("Risk: low. Only attributes of the listed computer objects change; the previous values are"
                    + " exported first and the change is undone with the rollback commands. Validation: a test VM is"
                    + " live-migrated in each of the " + plan.validate().size() + " affected direction"
                    + (plan.validate().size() == 1 ? "" : "s") + " and must reach 100 %.");
            points.add("If not approved: the " + failing + " failing direction" + (failing == 1 ? "" : "s")
                    + " keep failing; maintenance that needs live migration (patching, host evacuation) causes VM"
                    + " downtime instead.");
        } else {
            points.add("Proposed change: none in Active Directory.");
        }
        if (!plan.manual().isEmpty()) {
            long decisions = plan.manual().stream().filter(m -> !"INFO".equals(m.severity())).count();
            if (decisions > 0) {
                points.add(decisions + " finding" + (decisions == 1 ? " needs" : "s need")
                        + " an administrator's decision (listed under Findings); they are not part of the scripted change.");
            }
        }
        for (String p : points) {
            Paragraph para = new Paragraph("•  " + p, f.body);
            para.setSpacingAfter(5);
            para.setIndentationLeft(10);
            para.setFirstLineIndent(-10);
            d.add(para);
        }
        PdfPTable t = new PdfPTable(4);
        t.setWidthPercentage(60);
        t.setHorizontalAlignment(Element.ALIGN_LEFT);
        t.setSpacingBefore(8);
        for (String name : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
            PdfPCell c = new PdfPCell(new Phrase(name, f.smallBold));
            c.setBackgroundColor(sevColor(name));
            c.setHorizontalAlignment(Element.ALIGN_CENTER);
            c.setBorderColor(LINE);
            c.setPadding(4);
            t.addCell(c);
        }
        for (String name : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
            Phrase count = new Phrase(String.valueOf(Status.count(sev, name)), f.h3);
            if (Status.count(waived, name) > 0) {
                count.add(new Chunk("\n+" + Status.count(waived, name) + " waived", f.waived));
            }
            PdfPCell c = new PdfPCell(count);
            c.setHorizontalAlignment(Element.ALIGN_CENTER);
            c.setBorderColor(LINE);
            c.setPadding(4);
            t.addCell(c);
        }
        d.add(t);
    }

    // ---------------------------------------------------------------- clusters

    private void clusters(Document d, FindingsDocument doc, Fonts f) {
        d.add(heading("Compliance per cluster", f.h1, 18));
        PdfPTable t = new PdfPTable(new float[]{3f, 1f, 1.4f, 1.7f, 1.8f, 2.2f, 2.6f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(6);
        t.setHeaderRows(1);
        t.setComplete(false);
        for (String h : List.of("Cluster", "Nodes", "Pairs OK", "Entries", "Compliance", "Status", "Findings H/M/L/I")) {
            t.addCell(header(h, f));
        }
        int rows = 0;
        List<ClusterDoc> all = nn(doc.clusters());
        boolean onlyProblems = all.size() > ALL_CLUSTERS_UP_TO;
        int omitted = 0;
        for (ClusterDoc c : all) {
            Status st = Status.of(c.bySeverity());
            if (onlyProblems && st == Status.GREEN) {
                omitted++;
                continue;
            }
            t.addCell(cell(c.name(), f.small, null));
            t.addCell(cell(String.valueOf(nn(c.nodes()).size()), f.small, null, Element.ALIGN_RIGHT));
            t.addCell(cell(c.pairsOk() + "/" + c.pairs(), f.small, null, Element.ALIGN_RIGHT));
            t.addCell(cell(c.presentEntries() + "/" + c.requiredEntries(), f.small, null, Element.ALIGN_RIGHT));
            t.addCell(cell(pct(c.compliancePercent()), f.small, null, Element.ALIGN_RIGHT));
            t.addCell(cell(st.label(), f.smallBold, color(st), Element.ALIGN_CENTER));
            t.addCell(cell(Status.count(c.bySeverity(), "HIGH") + " / " + Status.count(c.bySeverity(), "MEDIUM")
                    + " / " + Status.count(c.bySeverity(), "LOW") + " / " + Status.count(c.bySeverity(), "INFO"),
                    f.small, null, Element.ALIGN_CENTER));
            if (++rows % FLUSH_ROWS == 0) {
                d.add(t);
            }
        }
        if (omitted > 0) {
            PdfPCell more = cell(omitted + " further cluster" + (omitted == 1 ? "" : "s") + " with status OK (all listed"
                    + " in audit.xlsx, Summary sheet)", f.small, GREEN);
            more.setColspan(7);
            t.addCell(more);
        }
        t.setComplete(true);
        d.add(t);
        d.add(new Paragraph("Pairs OK: directed host pairs (A may delegate to B) with every required entry present"
                + " and registered. Entries: required delegation entries present. Status: OK = nothing above INFO;"
                + " Attention = MEDIUM or LOW findings; Action required = HIGH findings. Findings leave out waived ones.",
                f.muted));
    }

    // ---------------------------------------------------------------- matrices

    private void matrices(Document d, FindingsDocument doc, Fonts f) {
        boolean first = true;
        for (ClusterDoc c : nn(doc.clusters())) {
            List<PairDoc> bad = new ArrayList<>();
            Map<String, PairDoc> pairs = new HashMap<>();
            for (PairDoc p : nn(c.matrix())) {
                if (p == null || p.from() == null || p.to() == null) {
                    continue;
                }
                pairs.put(key(p.from(), p.to()), p);
                if (!p.ok()) {
                    bad.add(p);
                }
            }
            if (bad.isEmpty()) {
                continue;
            }
            if (first) {
                d.newPage();
                d.add(heading("Delegation matrices of the clusters with problems", f.h1, 0));
                d.add(new Paragraph("Row: the source host, whose msDS-AllowedToDelegateTo is checked; column: the"
                        + " destination. A cell shows required entries present / required. Green: complete; amber:"
                        + " partly present, or \"!\" a destination SPN is not registered; red: none present, migration"
                        + " in that direction fails; grey: the host itself; \"R\": resource-based delegation covers"
                        + " the pair. Healthy clusters are not drawn.", f.muted));
                first = false;
            }
            List<String> rows = nn(c.nodes());
            List<String> cols = new ArrayList<>(rows);
            for (String fs : nn(c.fileServers())) {
                if (!cols.contains(fs)) {
                    cols.add(fs);
                }
            }
            String note = "";
            if (rows.size() > matrixMaxNodes) {
                Set<String> from = new LinkedHashSet<>();
                Set<String> to = new LinkedHashSet<>();
                for (PairDoc p : bad) {
                    from.add(p.from().toLowerCase(Locale.ROOT));
                    to.add(p.to().toLowerCase(Locale.ROOT));
                }
                rows = rows.stream().filter(n -> from.contains(n.toLowerCase(Locale.ROOT))).toList();
                cols = cols.stream().filter(n -> to.contains(n.toLowerCase(Locale.ROOT))).toList();
                note = " – " + c.nodes().size() + " nodes; only the " + rows.size() + " source and " + cols.size()
                        + " destination hosts of failing pairs are shown (the full matrix is in audit.xlsx)";
            }
            Paragraph title = new Paragraph("", f.h2);
            title.add(new Chunk("Cluster " + c.name(), f.h2));
            title.add(new Chunk("  " + pct(c.compliancePercent()) + ", " + c.pairsOk() + "/" + c.pairs()
                    + " pairs OK" + note, f.muted));
            title.setSpacingBefore(12);
            title.setSpacingAfter(4);
            d.add(title);
            for (int start = 0; start < cols.size(); start += MATRIX_COLUMNS) {
                List<String> part = cols.subList(start, Math.min(cols.size(), start + MATRIX_COLUMNS));
                if (cols.size() > MATRIX_COLUMNS) {
                    d.add(new Paragraph("Destinations " + (start + 1) + "–" + (start + part.size()) + " of "
                            + cols.size(), f.muted));
                }
                float[] widths = new float[part.size() + 1];
                widths[0] = 3.2f;
                for (int i = 1; i < widths.length; i++) {
                    widths[i] = 1f;
                }
                PdfPTable t = new PdfPTable(widths);
                t.setWidthPercentage(Math.min(100, 24 + part.size() * 5.5f));
                t.setHorizontalAlignment(Element.ALIGN_LEFT);
                t.setHeaderRows(1);
                t.setSpacingAfter(6);
                t.setComplete(false);
                PdfPCell corner = cell("from ↓  to →", f.tinyBold, LIGHT);
                corner.setVerticalAlignment(Element.ALIGN_BOTTOM);
                t.addCell(corner);
                for (String to : part) {
                    PdfPCell h = new PdfPCell(new Phrase(to, f.tinyBold));
                    h.setRotation(90);
                    h.setBackgroundColor(LIGHT);
                    h.setBorderColor(LINE);
                    h.setPadding(3);
                    h.setVerticalAlignment(Element.ALIGN_MIDDLE);
                    t.addCell(h);
                }
                int n = 0;
                for (String from : rows) {
                    t.addCell(cell(from, f.tinyBold, LIGHT));
                    for (String to : part) {
                        if (to.equalsIgnoreCase(from)) {
                            t.addCell(cell("", f.tiny, GREY));
                            continue;
                        }
                        PairDoc p = pairs.get(key(from, to));
                        if (p == null) {
                            t.addCell(cell("–", f.tiny, null, Element.ALIGN_CENTER));
                        } else {
                            Status s = Status.ofPair(p);
                            t.addCell(cell(Status.pairText(p), f.tiny, color(s), Element.ALIGN_CENTER));
                        }
                    }
                    if (++n % FLUSH_ROWS == 0) {
                        d.add(t);
                    }
                }
                t.setComplete(true);
                d.add(t);
            }
        }
    }

    // ---------------------------------------------------------------- findings

    private void findings(Document d, PdfWriter w, FindingsDocument doc, Fonts f) {
        d.newPage();
        d.add(heading("Findings by severity", f.h1, 0));
        List<Finding> all = nn(doc.findings());
        if (all.isEmpty()) {
            d.add(new Paragraph("No findings.", f.body));
        }
        for (String sev : List.of("HIGH", "MEDIUM", "LOW", "INFO")) {
            List<Finding> list = all.stream().filter(x -> x != null && x.severity() != null
                    && x.severity().name().equals(sev)).sorted(Comparator.comparing(Finding::isWaived)).toList();
            if (list.isEmpty()) {
                continue;
            }
            long waived = list.stream().filter(Finding::isWaived).count();
            Paragraph h = new Paragraph("", f.h3);
            Chunk badge = new Chunk(" " + sev + " ", new Font(f.bold, 11f, Font.NORMAL, Color.BLACK));
            badge.setBackground(sevColor(sev), 1f, 2f, 1f, 2f);
            h.add(badge);
            h.add(new Chunk("  " + plural(list.size(), "finding") + (waived == 0 ? "" : " (" + waived + " waived)")
                    + "  – " + sevMeaning(sev), f.muted));
            h.setSpacingBefore(12);
            h.setSpacingAfter(5);
            keepRoom(d, w, KEEP_WITH_TABLE);
            d.add(h);
            PdfPTable t = new PdfPTable(new float[]{3.1f, 1.3f, 6f, 5f});
            t.setWidthPercentage(100);
            t.setSpacingBefore(4);
            t.setHeaderRows(1);
            t.setComplete(false);
            for (String c : List.of("Rule", "Host", "Finding", "Remediation")) {
                t.addCell(header(c, f));
            }
            int n = 0;
            // LOW and INFO: the first rows of each rule, then a count; the workbook and findings.json list them all
            int cap = sev.equals("LOW") || sev.equals("INFO") ? ROWS_PER_RULE_LOW_INFO : Integer.MAX_VALUE;
            Map<String, Integer> shown = new HashMap<>();
            Map<String, Integer> notListed = new LinkedHashMap<>();
            for (Finding x : list) {
                if (shown.merge(String.valueOf(x.rule()), 1, Integer::sum) > cap) {
                    notListed.merge(String.valueOf(x.rule()), 1, Integer::sum);
                    continue;
                }
                Font font = x.isWaived() ? f.waived : f.tiny;
                Color bg = x.isWaived() ? LIGHT : null;
                t.addCell(ruleCell(x.rule(), font, bg));
                t.addCell(cell(x.host() == null ? "" : x.host() + (x.cluster() == null ? "" : "\n" + x.cluster()),
                        font, bg));
                Phrase message = new Phrase(x.message() == null ? "" : x.message(), font);
                if (x.isWaived()) {
                    message.add(new Chunk("\n" + waiverNote(x), f.waivedNote));
                }
                t.addCell(cell(message, bg, Element.ALIGN_LEFT));
                t.addCell(cell(x.remediation(), font, bg));
                if (++n % FLUSH_ROWS == 0) {
                    d.add(t);
                }
            }
            notListed.forEach((rule, more) -> {
                PdfPCell c = cell("… and " + plural(more, "more " + rule + " finding") + ", not listed here: the"
                        + " workbook's Findings sheet and findings.json list every one.", f.muted, LIGHT);
                c.setColspan(4);
                t.addCell(c);
            });
            t.setComplete(true);
            d.add(t);
        }
    }

    private static String sevMeaning(String sev) {
        return switch (sev) {
            case "HIGH" -> "live migration fails, or delegation is unsafe";
            case "MEDIUM" -> "deviates from the delegation policy";
            case "LOW" -> "clean-up: stale or superfluous entries";
            default -> "for information";
        };
    }

    // ---------------------------------------------------------------- remediation plan

    private void remediation(Document d, FindingsDocument doc, RemediationPlan plan, Fonts f) {
        d.newPage();
        d.add(heading("Remediation plan", f.h1, 0));
        if (!plan.hasChanges()) {
            d.add(new Paragraph("No change to Active Directory is needed.", f.body));
            return;
        }
        d.add(new Paragraph("Step-by-step instructions: runbook.md / runbook.html; the same changes as a script:"
                + " remediation.ps1 (dry run unless started with -Apply); checklist for the change record: the"
                + " Runbook sheet of audit.xlsx.", f.muted));
        List<String[]> steps = List.of(
                new String[]{"1", "Before", "Confirm Domain Admin rights, the approved change ticket and the window;"
                        + " export the current delegation settings (Export-Clixml) for rollback."},
                new String[]{"2", "Change", "Change the delegation of the " + plan.hosts().size()
                        + " host(s) below, in ADUC (Delegation tab) or with remediation.ps1 -Apply."},
                new String[]{"3", "Replicate", plan.replicateCommand() + " (case matters) and wait for replication."},
                new String[]{"4", "Purge tickets", "On " + plan.purgeHosts().size() + " host(s): klist -li 0x3e7 purge"
                        + " (the SYSTEM session vmms uses; plain klist purge is not enough). Restart-Service vmms if"
                        + " a migration still fails."},
                new String[]{"5", "Validate", "Live-migrate a test VM in each of the " + plan.validate().size()
                        + " affected direction(s) (previously failing, or from a host whose delegation mode"
                        + " changes); each must reach 100 %."},
                new String[]{"6", "Rollback", "If needed: run remediation.ps1 -Rollback -Apply (or restore the"
                        + " export), replicate and purge tickets again."});
        PdfPTable s = new PdfPTable(new float[]{0.4f, 1.4f, 8f});
        s.setWidthPercentage(100);
        s.setSpacingBefore(8);
        s.setSpacingAfter(10);
        for (String[] row : steps) {
            s.addCell(cell(row[0], f.smallBold, LIGHT, Element.ALIGN_CENTER));
            s.addCell(cell(row[1], f.smallBold, LIGHT));
            s.addCell(cell(row[2], f.small, null));
        }
        d.add(s);
        d.add(heading("Changes per host", f.h2, 4));
        PdfPTable t = new PdfPTable(new float[]{1.6f, 1.2f, 8f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(6);
        t.setHeaderRows(1);
        t.setComplete(false);
        for (String c : List.of("Host", "Cluster", "Change")) {
            t.addCell(header(c, f));
        }
        int n = 0;
        for (HostChange h : plan.hosts()) {
            StringBuilder sb = new StringBuilder();
            for (PeerSpns p : h.add()) {
                line(sb, "Add delegation to " + p.peer() + ": " + String.join(", ", p.spns()));
            }
            for (PeerSpns p : h.remove()) {
                line(sb, "Remove stale: " + String.join(", ", p.spns()));
            }
            for (String spn : h.register()) {
                line(sb, "Register SPN: " + spn);
            }
            if (h.unconstrained()) {
                line(sb, "Replace unconstrained delegation: specified services only, " + h.aducProtocol());
            } else if (h.trustedToAuth() != null) {
                line(sb, "Set protocol choice: " + h.aducProtocol());
            }
            t.addCell(cell(h.name(), f.smallBold, null));
            t.addCell(cell(h.cluster(), f.small, null));
            t.addCell(cell(sb.toString(), f.small, null));
            if (++n % FLUSH_ROWS == 0) {
                d.add(t);
            }
        }
        t.setComplete(true);
        d.add(t);
        if (!plan.refused().isEmpty()) {
            d.add(heading("Not scripted (names that are not valid host names)", f.h3, 8));
            for (RemediationPlan.Refused r : plan.refused()) {
                d.add(new Paragraph("• " + oneLine(r.name()) + ": " + r.reason(), f.small));
            }
        }
    }

    // ---------------------------------------------------------------- sign-off

    private void signOff(Document d, Fonts f) {
        Paragraph h = heading("Sign-off", f.h1, 18);
        h.setKeepTogether(true);
        d.add(h);
        PdfPTable t = new PdfPTable(new float[]{2f, 3f, 2.5f, 1.5f});
        t.setWidthPercentage(100);
        t.setSpacingBefore(8);
        t.setKeepTogether(true);
        for (String c : List.of("Role", "Name", "Signature", "Date")) {
            t.addCell(header(c, f));
        }
        for (String role : List.of("Prepared by", "Reviewed by (cluster owner)", "Change implemented by")) {
            t.addCell(cell(role, f.smallBold, LIGHT));
            for (int i = 0; i < 3; i++) {
                PdfPCell c = cell("", f.small, null);
                c.setMinimumHeight(28);
                t.addCell(c);
            }
        }
        PdfPCell cab = cell("CAB decision", f.smallBold, LIGHT);
        cab.setMinimumHeight(28);
        t.addCell(cab);
        PdfPCell choice = cell("☐ Approved     ☐ Approved with conditions     ☐ Rejected     ☐ Deferred", f.small,
                null);
        choice.setColspan(2);
        choice.setVerticalAlignment(Element.ALIGN_MIDDLE);
        t.addCell(choice);
        t.addCell(cell("", f.small, null));
        PdfPCell cond = cell("Conditions / comments", f.smallBold, LIGHT);
        cond.setMinimumHeight(60);
        t.addCell(cond);
        PdfPCell blank = cell("", f.small, null);
        blank.setColspan(3);
        t.addCell(blank);
        d.add(t);
    }

    // ---------------------------------------------------------------- helpers

    private static void line(StringBuilder sb, String s) {
        if (sb.length() > 0) {
            sb.append('\n');
        }
        sb.append(s);
    }

    /** A new page first when less than {@code points} remain, so that a heading stays with what follows. */
    static void keepRoom(Document d, PdfWriter w, float points) {
        if (w.getVerticalPosition(false) - d.bottom() < points) {
            d.newPage();
        }
    }

    static Paragraph heading(String text, Font font, float before) {
        Paragraph p = new Paragraph(text, font);
        p.setSpacingBefore(before);
        p.setSpacingAfter(6);
        return p;
    }

    private static void kv(PdfPTable t, Fonts f, String k, String v) {
        PdfPCell a = cell(k, f.smallBold, LIGHT);
        a.setPadding(5);
        t.addCell(a);
        PdfPCell b = cell(v, f.small, null);
        b.setPadding(5);
        t.addCell(b);
    }

    static PdfPCell header(String text, Fonts f) {
        PdfPCell c = new PdfPCell(new Phrase(text, f.white));
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
        return cell(new Phrase(text == null ? "" : text, font), bg, align);
    }

    static PdfPCell cell(Phrase text, Color bg, int align) {
        PdfPCell c = new PdfPCell(text);
        if (bg != null) {
            c.setBackgroundColor(bg);
        }
        c.setBorderColor(LINE);
        c.setPadding(3);
        c.setPaddingBottom(4);
        c.setUseAscender(true);
        c.setUseDescender(true);
        c.setHorizontalAlignment(align);
        return c;
    }

    /** A rule id that wraps only after an underscore. */
    static PdfPCell ruleCell(String rule, Font font, Color bg) {
        Chunk id = new Chunk(rule == null ? "" : rule, font);
        id.setSplitCharacter(AFTER_UNDERSCORE);
        return cell(new Phrase(id), bg, Element.ALIGN_LEFT);
    }

    /** "Waived until 2026-12-31: justification" for a finding a baseline waiver suppresses. */
    static String waiverNote(Finding x) {
        Finding.Waiver w = x.waiver();
        if (w == null) {
            return "Waived";
        }
        return "Waived" + (w.expires() == null ? "" : " until " + w.expires())
                + (w.justification() == null ? "" : ": " + oneLine(w.justification()));
    }

    /** Waived findings per severity: the summary's counts leave them out. */
    private static Map<String, Integer> waivedBySeverity(FindingsDocument doc) {
        Map<String, Integer> n = new HashMap<>();
        for (Finding x : nn(doc.findings())) {
            if (x != null && x.isWaived() && x.severity() != null) {
                n.merge(x.severity().name(), 1, Integer::sum);
            }
        }
        return n;
    }

    /** "1 cluster", "2 clusters". */
    static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    static Color color(Status s) {
        return s == Status.GREEN ? GREEN : s == Status.AMBER ? AMBER : RED;
    }

    static Color sevColor(String sev) {
        return switch (sev) {
            case "HIGH" -> RED;
            case "MEDIUM" -> AMBER;
            case "LOW" -> new Color(0xDDEBF7);
            default -> LIGHT;
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\R", " ");
    }

    static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    private static String pct(double p) {
        return String.format(Locale.ROOT, "%.1f %%", p);
    }

    private static String key(String from, String to) {
        return from.toLowerCase(Locale.ROOT) + "\u0000" + to.toLowerCase(Locale.ROOT);
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
