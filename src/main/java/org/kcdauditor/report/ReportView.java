package org.kcdauditor.report;

import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.rules.Category;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one view of a run that every output lays out: the workbook, the PDF, the runbooks, the script, the
 * mail notice and the console. It is computed once from findings.json (so {@code report --from} shows the
 * same), and every number that appears in more than one output comes from here: counts per severity
 * (open and waived), per cluster, the matrix cells, the headline, the change procedure and its commands,
 * the decisions. Writers lay it out and compute nothing of their own.
 */
public final class ReportView {
    /** A rule's metadata as the run recorded it. */
    public record RuleView(String id, String title, Severity severity, Category category, String why,
                           String reference) {
    }

    /**
     * One finding as reports show it: its rule's metadata, the SPN column (an SPN, never a KB), the KB
     * column, and its waiver in words.
     */
    public record FindingView(Finding finding, RuleView rule, String spn, String kb) {
        public boolean waived() {
            return finding.isWaived();
        }

        /** "until 2026-12-31: justification" of a waived finding, else empty. */
        public String waiverTerms() {
            if (!finding.isWaived()) {
                return "";
            }
            Finding.Waiver w = finding.waiver();
            if (w == null) {
                return "";
            }
            return (w.expires() == null ? "with no expiry" : "until " + w.expires())
                    + (w.justification() == null ? "" : ": " + w.justification().replaceAll("\\R", " "));
        }

        /** "Waived until 2026-12-31: justification" for a finding a baseline waiver suppresses, else null. */
        public String waiverNote() {
            return finding.isWaived() ? ("Waived " + waiverTerms()).trim() : null;
        }
    }

    /** One matrix cell: the pair, its colour and its text ({@code 3/4}, {@code !} unregistered, {@code R} RBCD). */
    public record Cell(FindingsDocument.PairDoc pair, Status status, String text) {
        public String from() {
            return pair.from();
        }

        public String to() {
            return pair.to();
        }
    }

    /** One cluster: its figures, status, counts and matrix. {@code compliancePercent} is null when nothing is required. */
    public record ClusterView(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                              int pairs, int pairsOk, int presentEntries, int requiredEntries,
                              Double compliancePercent, Counts counts, Status status, List<Cell> cells,
                              GoVerdict verdict) {
        /** GO for a patch window. */
        public boolean go() {
            return verdict.go();
        }

        public int failingPairs() {
            return pairs - pairsOk;
        }

        /** The cell source → target, or null. */
        public Cell cell(String from, String to) {
            for (Cell c : cells) {
                if (c.from().equalsIgnoreCase(from) && c.to().equalsIgnoreCase(to)) {
                    return c;
                }
            }
            return null;
        }
    }

    private final FindingsDocument doc;
    private final RemediationPlan plan;
    private final Map<String, RuleView> rules;
    private final Counts counts;
    private final Counts unclustered;
    private final List<ClusterView> clusters;
    private final List<FindingView> findings;
    private final Status status;
    private final String headline;
    private final Procedure procedure;

    private ReportView(FindingsDocument doc, RemediationPlan plan) {
        this.doc = doc;
        this.plan = plan;
        this.rules = rules(doc);
        List<Finding> all = nn(doc.findings()).stream().filter(f -> f != null && f.severity() != null).toList();
        this.counts = Counts.of(all);
        Map<String, List<Finding>> byCluster = new HashMap<>();
        List<Finding> noCluster = new ArrayList<>();
        for (Finding f : all) {
            if (f.cluster() == null) {
                noCluster.add(f);
            } else {
                byCluster.computeIfAbsent(f.cluster().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
            }
        }
        this.unclustered = Counts.of(noCluster);
        List<ClusterView> cv = new ArrayList<>();
        // a findings.json written before clusters carried their verdict: judged here, all clusters at once
        GoVerdict.Judge judge = nn(doc.clusters()).stream().anyMatch(c -> c.go() == null)
                ? new GoVerdict.Judge(all, nn(doc.hosts())) : null;
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            Counts cc = Counts.of(byCluster.getOrDefault(c.name().toLowerCase(Locale.ROOT), List.of()));
            List<Cell> cells = new ArrayList<>();
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p != null && p.from() != null && p.to() != null) {
                    cells.add(new Cell(p, cellStatus(p), cellText(p)));
                }
            }
            GoVerdict verdict = c.go() != null ? new GoVerdict(c.go(), nn(c.reasons()))
                    : judge.of(c);
            cv.add(new ClusterView(c.name(), nn(c.nodes()), nn(c.missingNodes()), nn(c.fileServers()), c.pairs(),
                    c.pairsOk(), c.presentEntries(), c.requiredEntries(), c.compliancePercent(), cc, Status.of(cc),
                    List.copyOf(cells), verdict));
        }
        this.clusters = List.copyOf(cv);
        List<FindingView> fv = new ArrayList<>();
        for (Finding f : all) {
            fv.add(new FindingView(f, rule(f.rule()), spnOf(f), kbOf(f)));
        }
        fv.sort(Comparator.comparing((FindingView f) -> f.finding().severity()).thenComparing(FindingView::waived));
        this.findings = List.copyOf(fv);
        this.status = Status.of(counts);
        this.headline = composeHeadline();
        this.procedure = Procedure.of(doc, plan);
    }

    public static ReportView of(FindingsDocument doc) {
        return new ReportView(doc, RemediationPlan.of(doc));
    }

    public FindingsDocument doc() {
        return doc;
    }

    public RemediationPlan plan() {
        return plan;
    }

    /** Findings of the whole run, open and waived, per severity. */
    public Counts counts() {
        return counts;
    }

    /** Findings tied to no cluster (a baseline host that is gone, an expired waiver of an unknown host). */
    public Counts unclustered() {
        return unclustered;
    }

    public List<ClusterView> clusters() {
        return clusters;
    }

    /** Every finding, by severity, the waived ones last within each. */
    public List<FindingView> findings() {
        return findings;
    }

    /** The findings of one category (the drift table), in the same order. */
    public List<FindingView> findings(Category category) {
        return findings.stream().filter(f -> f.rule().category() == category).toList();
    }

    /** The overall traffic light: the same rule as each cluster's. */
    public Status status() {
        return status;
    }

    /** The cover's one sentence. */
    public String headline() {
        return headline;
    }

    public Procedure procedure() {
        return procedure;
    }

    /** The findings an administrator decides (above INFO, not carried out by the plan). */
    public List<RemediationPlan.Decision> decisions() {
        return plan.decisions();
    }

    /** Directed host pairs that cannot live-migrate reliably, over all clusters. */
    public int failingPairs() {
        return clusters.stream().mapToInt(ClusterView::failingPairs).sum();
    }

    public int pairsOk() {
        return clusters.stream().mapToInt(ClusterView::pairsOk).sum();
    }

    public int pairs() {
        return clusters.stream().mapToInt(ClusterView::pairs).sum();
    }

    /** Clusters whose status is not OK or that have a failing pair. */
    public int clustersNeedingAttention() {
        return (int) clusters.stream().filter(c -> c.failingPairs() > 0 || c.status() != Status.GREEN).count();
    }

    /** Rules in catalogue order with the findings each has in this run. */
    public Map<RuleView, List<FindingView>> byRule() {
        Map<RuleView, List<FindingView>> out = new LinkedHashMap<>();
        for (RuleView r : rules.values()) {
            List<FindingView> list = findings.stream().filter(f -> f.rule() == r).toList();
            if (!list.isEmpty()) {
                out.put(r, list);
            }
        }
        return out;
    }

    /** The metadata of a rule id: as the run recorded it, else as this version's catalogue has it. */
    public RuleView rule(String id) {
        RuleView r = rules.get(id);
        return r != null ? r : new RuleView(id, id, null, null, "", "");
    }

    private static Map<String, RuleView> rules(FindingsDocument doc) {
        Map<String, RuleView> out = new LinkedHashMap<>();
        RuleCatalogue catalogue = RuleCatalogue.standard();
        for (RuleInfo i : catalogue.infos()) {
            FindingsDocument.RuleDoc d = doc.rules() == null ? null : doc.rules().get(i.id());
            out.put(i.id(), d == null ? new RuleView(i.id(), i.title(), i.severity(), i.category(), i.why(),
                    i.reference()) : new RuleView(i.id(), d.title(), d.severity(), d.category(), d.why(),
                    d.reference()));
        }
        if (doc.rules() != null) {
            // rules of a newer version that this catalogue does not know
            doc.rules().forEach((id, d) -> out.putIfAbsent(id, new RuleView(id, d.title(), d.severity(),
                    d.category(), d.why(), d.reference())));
        }
        return out;
    }

    /** The SPN column: the SPN the finding is about; a KB of an older findings.json's patch finding is not one. */
    private static String spnOf(Finding f) {
        if (f.hasEvidence()) {
            return f.evidence().spn();
        }
        return f.spn() != null && f.spn().regionMatches(true, 0, "KB", 0, 2) && f.spn().indexOf('/') < 0 ? null
                : f.spn();
    }

    private static String kbOf(Finding f) {
        if (f.hasEvidence()) {
            return f.evidence().kb();
        }
        return f.spn() != null && spnOf(f) == null ? f.spn() : null;
    }

    /** Green: nothing blocks it; red: no entry present (and no RBCD); amber: partly present or blocked otherwise. */
    static Status cellStatus(FindingsDocument.PairDoc p) {
        if (p.passes()) {
            return Status.GREEN;
        }
        return p.present() == 0 && !p.rbcd() ? Status.RED : Status.AMBER;
    }

    /**
     * present/required, then a mark per kind of blocker besides missing entries: {@code !} a target SPN not
     * registered or held twice, {@code E} no AES on an account, {@code C} a host on CredSSP; {@code R} RBCD
     * covers the pair.
     */
    static String cellText(FindingsDocument.PairDoc p) {
        StringBuilder t = new StringBuilder(p.present() + "/" + p.required());
        Set<String> rules = new HashSet<>();
        p.blockerList().forEach(b -> rules.add(b.rule()));
        if (rules.contains(Blocker.TARGET_SPN_NOT_REGISTERED) || rules.contains(Blocker.DUPLICATE_SPN)
                || p.blockers() == null && p.unregistered() != null && !p.unregistered().isEmpty()) {
            t.append(" !");
        }
        if (rules.contains(Blocker.AES_NOT_ENABLED) || rules.contains(Blocker.AES_KEYS_MISSING)) {
            t.append(" E");
        }
        if (rules.contains(Blocker.MIGRATION_AUTH_NOT_KERBEROS)) {
            t.append(" C");
        }
        if (p.rbcd()) {
            t.append(" R");
        }
        return t.toString();
    }

    /** What the marks of a matrix cell mean, for the legends of the PDF and the workbook. */
    public static final String CELL_MARKS = "\"!\": a destination SPN is not registered or is held by two objects;"
            + " \"E\": an account of the pair has no AES (RC4 removal); \"C\": a host authenticates migrations with"
            + " CredSSP; \"R\": resource-based delegation covers the pair";

    /**
     * The cover's one sentence. A cluster needs attention when its status is not OK or one of its pairs
     * fails; findings outside any cluster are named separately, so the sentence never contradicts the status.
     */
    private String composeHeadline() {
        int failing = failingPairs();
        int attention = clustersNeedingAttention();
        if (!plan.hasChanges() && failing == 0 && status == Status.GREEN) {
            return "Live migration is correctly delegated in every audited cluster. No change is needed.";
        }
        String text;
        if (attention > 0) {
            text = attention + " of " + Words.plural(clusters.size(), "cluster") + (attention == 1 ? " needs"
                    : " need") + " attention";
        } else {
            int above = counts.openAboveInfo();
            text = "No cluster needs attention, but " + Words.plural(above, "finding") + " above INFO "
                    + (above == 1 ? "does" : "do") + " (see Findings)";
        }
        text += failing == 0 ? "; every directed host pair is delegated correctly."
                : "; " + Words.plural(failing, "directed host pair") + " cannot live-migrate reliably.";
        return text + (plan.hasChanges() ? " The fix changes " + Words.plural(plan.objectsChanged(),
                "object") + " in Active Directory." : " No scripted change to Active Directory.");
    }

    /** {@code DC=contoso,DC=com} of the base DN → {@code contoso.com}; the DN itself when it has no DC parts. */
    public String domain() {
        String baseDn = doc.directory() == null ? null : doc.directory().baseDn();
        if (baseDn == null) {
            return "";
        }
        List<String> parts = dcParts(baseDn).stream().map(p -> p.substring(3)).toList();
        return parts.isEmpty() ? baseDn : String.join(".", parts);
    }

    /** {@code OU=Hyper-V,DC=contoso,DC=com} → {@code DC=contoso,DC=com}: the domain the base DN lies in. */
    public String domainDn() {
        return String.join(",", dcParts(doc.directory() == null ? null : doc.directory().baseDn()));
    }

    private static List<String> dcParts(String baseDn) {
        List<String> parts = new ArrayList<>();
        for (String rdn : baseDn == null ? new String[0] : baseDn.split(",")) {
            String t = rdn.trim();
            if (t.regionMatches(true, 0, "DC=", 0, 3)) {
                parts.add(t);
            }
        }
        return parts;
    }

    static <T> List<T> nn(List<T> l) {
        return l == null ? List.of() : l;
    }
}
