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

    /**
     * One cluster: its figures, status, counts and matrix. {@code compliancePercent} is null when nothing is required.
     * {@code directory}: the directory (domain) it was read from; {@code audited} false when that (optional)
     * directory could not be read: its status is then AMBER and its label "Not audited".
     */
    public record ClusterView(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                              int pairs, int pairsOk, int presentEntries, int requiredEntries,
                              Double compliancePercent, Counts counts, Status status, List<Cell> cells,
                              GoVerdict verdict, String directory, boolean audited) {
        public static final String NOT_AUDITED = "Not audited";

        /** The status in words: its traffic light's, or "Not audited". */
        public String statusLabel() {
            return audited ? status.label() : NOT_AUDITED;
        }

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
    private final List<DirectoryView> directories;

    private ReportView(FindingsDocument doc, RemediationPlan plan) {
        this.doc = doc;
        this.plan = plan;
        this.directories = directories(doc);
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
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            Counts cc = Counts.of(byCluster.getOrDefault(c.name().toLowerCase(Locale.ROOT), List.of()));
            List<Cell> cells = new ArrayList<>();
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p != null && p.from() != null && p.to() != null) {
                    cells.add(new Cell(p, cellStatus(p), cellText(p)));
                }
            }
            GoVerdict verdict = c.go() != null ? new GoVerdict(c.go(), nn(c.reasons()))
                    : GoVerdict.of(c, all, nn(doc.hosts()));
            cv.add(new ClusterView(c.name(), nn(c.nodes()), nn(c.missingNodes()), nn(c.fileServers()), c.pairs(),
                    c.pairsOk(), c.presentEntries(), c.requiredEntries(), c.compliancePercent(), cc,
                    c.wasAudited() ? Status.of(cc) : Status.AMBER, List.copyOf(cells), verdict, c.directory(),
                    c.wasAudited()));
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

    /**
     * One directory (domain) of the run: where it was read, whether it was audited, whether it gave change times,
     * and, after {@code preflight --all-dcs}, how each domain controller compared.
     *
     * @param domain its DNS domain, from the base DN ({@code contoso.com})
     */
    public record DirectoryView(String name, String url, String baseDn, String dc, String domain, boolean audited,
                                String failure, Boolean changeTimes, List<FindingsDocument.DcDoc> domainControllers) {
        /** Whether its domain controllers were checked ({@code preflight --all-dcs}). */
        public boolean dcCheck() {
            return domainControllers != null;
        }

        /**
         * {@code 2 of 3 domain controllers agree with dc1.contoso.com; dc3.contoso.com could not be read}, or null
         * without a DC check. The DC the audit read counts as agreeing.
         */
        public String dcSummary() {
            if (domainControllers == null) {
                return null;
            }
            long agree = domainControllers.stream().filter(d -> FindingsDocument.DcDoc.AGREES.equals(d.result())
                    || FindingsDocument.DcDoc.AUDITED.equals(d.result())).count();
            int total = domainControllers.size();
            if (domainControllers.stream().noneMatch(d -> FindingsDocument.DcDoc.AUDITED.equals(d.result()))) {
                agree++; // the DC the audit read is not among those listed
                total++;
            }
            List<String> differ = names(FindingsDocument.DcDoc.DIFFERS);
            List<String> unreachable = names(FindingsDocument.DcDoc.UNREACHABLE);
            String text = agree + " of " + Words.plural(total, "domain controller") + (total == 1 ? " agrees" : " agree")
                    + " with " + (dc == null ? url : dc);
            if (!differ.isEmpty()) {
                text += "; " + String.join(", ", differ) + (differ.size() == 1 ? " has" : " have")
                        + " not replicated the delegation yet";
            }
            if (!unreachable.isEmpty()) {
                text += "; " + String.join(", ", unreachable) + " could not be read";
            }
            List<String> readOnly = domainControllers.stream().filter(FindingsDocument.DcDoc::readOnly)
                    .map(FindingsDocument.DcDoc::name).toList();
            if (!readOnly.isEmpty()) {
                text += " (read-only: " + String.join(", ", readOnly) + ")";
            }
            return text;
        }

        private List<String> names(String result) {
            return domainControllers.stream().filter(d -> result.equals(d.result())).map(FindingsDocument.DcDoc::name)
                    .toList();
        }
    }

    /** The sentence reports give once when a directory keeps no change times. */
    public static final String NO_CHANGE_TIMES = "change time not available from this directory";

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

    /** The run's directories (one, unless the config names several domains), in config order. */
    public List<DirectoryView> directories() {
        return directories;
    }

    /** Whether the run read several directories (domains): reports then name each cluster's and host's. */
    public boolean multiDirectory() {
        return directories.size() > 1;
    }

    /**
     * Said once, not per host: "Change time not available from this directory" (naming the directories when only
     * some keep none); null when every audited directory gave change times or none was asked.
     */
    public String changeTimesNote() {
        List<DirectoryView> without = directories.stream().filter(d -> d.audited()
                && Boolean.FALSE.equals(d.changeTimes())).toList();
        if (without.isEmpty()) {
            return null;
        }
        String sentence = Character.toUpperCase(NO_CHANGE_TIMES.charAt(0)) + NO_CHANGE_TIMES.substring(1);
        if (!multiDirectory()) {
            return sentence + ".";
        }
        return sentence + (without.size() == 1 ? "" : "s") + ": " + String.join(", ", without.stream()
                .map(DirectoryView::name).toList()) + ".";
    }

    /**
     * When, where and how often a host's delegation attributes were last written, one per attribute:
     * {@code msDS-AllowedToDelegateTo changed 2026-11-30 14:02:11 UTC at DC2 (version 7)}; empty when not known.
     */
    public List<String> hostChanges(FindingsDocument.HostDoc h) {
        return h == null || h.changes() == null ? List.of()
                : h.changes().stream().filter(c -> c != null && c.attribute() != null)
                .map(org.kcdauditor.model.AttributeChange::describeWithAttribute).toList();
    }

    /** The DC checks of the run ({@code preflight --all-dcs}), one sentence per checked directory. */
    public List<String> dcSummaries() {
        return directories.stream().filter(DirectoryView::dcCheck).map(d -> (multiDirectory() ? d.name() + ": " : "")
                + d.dcSummary()).toList();
    }

    private static List<DirectoryView> directories(FindingsDocument doc) {
        List<DirectoryView> out = new ArrayList<>();
        for (FindingsDocument.DirectoryDoc d : nn(doc.directories())) {
            if (d != null) {
                out.add(new DirectoryView(d.name(), d.url(), d.baseDn(), d.dc(), domainOf(d.baseDn()), d.audited(),
                        d.failure(), d.changeTimes(), d.domainControllers()));
            }
        }
        if (out.isEmpty() && doc.directory() != null) {
            // a findings.json written before directories[]: its one directory
            FindingsDocument.Directory d = doc.directory();
            out.add(new DirectoryView("default", d.url(), d.baseDn(), d.dc(), domainOf(d.baseDn()), true, null, null,
                    null));
        }
        return List.copyOf(out);
    }

    private static String domainOf(String baseDn) {
        List<String> parts = dcParts(baseDn).stream().map(p -> p.substring(3)).toList();
        return parts.isEmpty() ? baseDn : String.join(".", parts);
    }

    /**
     * {@code DC=contoso,DC=com} of the base DN → {@code contoso.com}; the DN itself when it has no DC parts; with
     * several directories each one's domain ({@code contoso.com, fabrikam.com}).
     */
    public String domain() {
        if (multiDirectory()) {
            return String.join(", ", directories.stream().map(DirectoryView::domain).distinct().toList());
        }
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
