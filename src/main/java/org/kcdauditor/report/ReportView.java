package org.kcdauditor.report;

import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.DcDivergence;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.rules.Category;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.rules.RuleInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

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
     * column (a directory value with a letter outside ASCII by its code), its waiver in words, and, for a finding that
     * follows from waived findings (an observed migration
     * failure or a hardening update on a pair whose delegation is waived), those waived causes.
     */
    public record FindingView(Finding finding, RuleView rule, String spn, String kb, Consequence consequence,
                              String planRemedy) {
        /**
         * What to do, as every report says it: the finding's remediation, which for a consequence of waived findings
         * is the plan's advice (the view's document carries it); where the plan's step sets a resource-based
         * delegation list otherwise than the finding's words say ({@code planRemedy}: after the change's list, saved to
         * a file of its own, or by the change itself), that step's command. findings.json keeps the finding's words.
         */
        public String remediation() {
            return planRemedy != null ? planRemedy : finding.remediation();
        }

        public boolean waived() {
            return finding.isWaived();
        }

        /**
         * What a drift finding is about, in one cell: its delegation entry, the resource-based delegation grant it
         * names ({@code S-1-1-0 (Everyone)}), or for a changed userAccountControl the flags it gained
         * ({@code +TRUSTED_FOR_DELEGATION}) and lost ({@code -NOT_DELEGATED}); else its SPN column.
         */
        public String entryOrFlags() {
            Evidence e = finding.evidence();
            if (spn == null && e != null && "msDS-AllowedToActOnBehalfOfOtherIdentity".equals(e.attribute())
                    && (e.rbcdAdded() != null || e.rbcdRemoved() != null)) {
                // a grant added or removed since the baseline: the SID with its name, as the message names it
                List<String> grant = e.rbcdAdded() != null ? e.actual() : e.expected();
                return grant == null ? null : Values.visibleAccount(String.join(", ", grant));
            }
            if (spn != null || e == null || !"userAccountControl".equals(e.attribute()) || e.expected() == null
                    || e.actual() == null) {
                return spn;
            }
            List<String> changed = new ArrayList<>();
            e.actual().stream().filter(x -> !e.expected().contains(x)).forEach(x -> changed.add("+" + x));
            e.expected().stream().filter(x -> !e.actual().contains(x)).forEach(x -> changed.add("-" + x));
            return String.join(", ", changed);
        }

        /** "until 2026-12-31: justification" of a waived finding, else empty. */
        public String waiverTerms() {
            if (!finding.isWaived()) {
                return "";
            }
            return terms(finding.waiver());
        }

        /** "Waived until 2026-12-31: justification" for a finding a baseline waiver suppresses, else null. */
        public String waiverNote() {
            return finding.isWaived() ? ("Waived " + waiverTerms()).trim() : null;
        }

        /** The Waived column: "Yes" for a finding a baseline waiver suppresses (findings.json {@code waived}), else "No". */
        public String waivedColumn() {
            return finding.isWaived() ? "Yes" : "No";
        }

        /** The Consequence of column: for a finding that follows from waived findings, what it follows from; else empty. */
        public String consequenceColumn() {
            return consequence == null ? "" : consequence.text();
        }
    }

    /**
     * A finding that follows from waived findings ({@code evidence.relatedFindings}): it is not waived itself, it
     * stays listed and counted, and its pair stays failing; the reports say which waiver it follows from.
     *
     * @param waivedCauses the related findings a waiver suppresses
     * @param openCauses   how many related findings are open
     */
    public record Consequence(List<Finding> waivedCauses, int openCauses) {
        /** "Consequence of waived MISSING_DELEGATION HV02 -> HV03 (4 findings, waived until 2035-12-31: …); still failing, still counted". */
        public String text() {
            Map<String, List<Finding>> byWhat = new LinkedHashMap<>();
            for (Finding f : waivedCauses) {
                byWhat.computeIfAbsent(f.rule() + " " + where(f), k -> new ArrayList<>()).add(f);
            }
            List<String> parts = new ArrayList<>();
            byWhat.forEach((what, list) -> parts.add(what + " (" + Words.plural(list.size(), "finding") + ", waived "
                    + terms(list.get(0).waiver()) + ")"));
            return "Consequence of waived " + String.join("; ", parts) + (openCauses == 0 ? "" : "; also of "
                    + Words.plural(openCauses, "open finding")) + ". Not waived itself: still failing, still counted.";
        }
    }

    /** "until 2035-12-31: justification", "with no expiry". */
    static String terms(Finding.Waiver w) {
        if (w == null) {
            return "";
        }
        return expiry(w) + (w.justification() == null ? "" : ": " + w.justification().replaceAll("\\R", " "));
    }

    /** "until 2035-12-31", "with no expiry": a waiver's terms without its justification. */
    static String expiry(Finding.Waiver w) {
        // a findings.json edited by hand may say waived without the waiver's terms
        return w == null || w.expires() == null ? "with no expiry" : "until " + w.expires();
    }

    /** "HV02 -> HV03", "HV02", or "". */
    static String where(Finding f) {
        return f.host() == null ? "" : f.peer() == null ? f.host() : f.host() + " -> " + f.peer();
    }

    /**
     * One matrix cell: the pair, its colour and its text ({@code 3/4}, {@code !} unregistered, {@code R} RBCD,
     * {@code W} a waived blocker), its blockers with their findings, and whether the proposed change removes every
     * blocker ({@code fixedByChange}).
     */
    public record Cell(FindingsDocument.PairDoc pair, Status status, String text, List<BlockerView> blockers,
                       boolean fixedByChange) {
        public String from() {
            return pair.from();
        }

        public String to() {
            return pair.to();
        }

        /** The pair cannot migrate (its blockers, waived or not, stand). */
        public boolean failing() {
            return !pair.passes();
        }

        /** A waived finding blocks this pair: it is failing all the same. */
        public boolean waived() {
            return blockers.stream().anyMatch(BlockerView::waived);
        }

        /** "HV02 -> HV03". */
        public String direction() {
            // a node named with a letter of another script by its code, apart from the Latin name it imitates
            return Values.visibleAccount(from()) + " -> " + Values.visibleAccount(to());
        }

        /** "waived MISSING_DELEGATION until 2035-12-31: …" for a failing pair with a waived blocker, else empty. */
        public String waiverNote() {
            List<String> parts = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (BlockerView b : blockers) {
                if (b.waived() && seen.add(b.rule())) {
                    parts.add(b.rule() + " " + terms(b.finding().waiver()));
                }
            }
            return parts.isEmpty() ? "" : "waived " + String.join("; ", parts);
        }

        /**
         * "until 2035-12-31" of the waivers of its waived blockers, each expiry once ("until 2027-01-31 and until
         * 2027-03-31"): the short form of {@link #waiverNote} for the decision page, whose later sections carry the
         * justifications.
         */
        public String waiverExpiry() {
            return blockers.stream().filter(BlockerView::waived).map(b -> expiry(b.finding().waiver())).distinct()
                    .collect(Collectors.joining(" and "));
        }
    }

    /**
     * The nodes of another cluster of a cluster's migration group ({@code policy.migrationGroups}) that its pairs go to,
     * in that cluster's order; {@code name} null for destinations no cluster of findings.json lists (one edited by
     * hand).
     */
    public record PeerCluster(String name, List<String> nodes) {
    }

    /** A reason a pair cannot migrate: the rule and its finding (null when findings.json lacks it). */
    public record BlockerView(String rule, String findingId, Finding finding) {
        public boolean waived() {
            return finding != null && finding.isWaived();
        }
    }

    /**
     * One cluster: its figures, status, counts, matrix and verdict; and what the proposed change leaves:
     * {@code openAfter} (its findings that stay open after the change, {@link RemediationPlan#staysOpen}: those that
     * need a decision) and {@code goAfter} (GO expected once the change is made and validated).
     * {@code compliancePercent} is null when nothing is required. {@code directory}: the directory (domain) it was
     * read from; {@code audited} false when that (optional) directory could not be read: its status is then AMBER
     * and its label "Not audited". {@code pairs} and {@code pairsOk} count every directed path, {@code fileServerPaths}
     * and {@code fileServerPathsOk} those from a node to a file server (storage over SMB): every output gives a
     * cluster's node pairs (live migration) and those paths apart ({@link #pairsOkInWords}), never one "pairs" count
     * of both (a cluster of 3 nodes read "7/8 pairs OK", which no one can square with its 6 node pairs).
     * {@code groupPeers}: the nodes of the other clusters of its migration group ({@code policy.migrationGroups}) that
     * its pairs go to, by cluster: its matrix's destinations after its own ({@link #destinations}).
     */
    public record ClusterView(String name, List<String> nodes, List<String> missingNodes, List<String> fileServers,
                              int pairs, int pairsOk, int presentEntries, int requiredEntries,
                              Double compliancePercent, Counts counts, Status status, List<Cell> cells,
                              GoVerdict verdict, List<FindingView> openAfter, boolean goAfter, String directory,
                              boolean audited, int fileServerPaths, int fileServerPathsOk,
                              List<PeerCluster> groupPeers) {
        public static final String NOT_AUDITED = "Not audited";
        /** The heading of a cluster's node pairs OK, in every table of the clusters. */
        public static final String NODE_PAIRS_OK = "Node pairs OK";
        /** The heading of a cluster's paths from a node to a file server OK, beside it. */
        public static final String FILE_SERVER_PATHS_OK = "File-server paths OK";

        /** Clusters {@link #blockedBy()} names; the others it counts. */
        static final int BLOCKED_BY_NAMED = 4;

        /**
         * The status in words: its traffic light's, or "Not audited"; "Action required (blocked by findings of
         * HVC2)" for a cluster that no finding of its own holds NO-GO, only another cluster's blocking its pairs.
         */
        public String statusLabel() {
            if (!audited) {
                return NOT_AUDITED;
            }
            String by = blockedByText();
            return by == null ? status.label() : status.label() + " (" + by + ")";
        }

        /** "blocked by findings of HVC2, HVC3", or null where {@link #blockedBy()} is empty. */
        public String blockedByText() {
            List<String> by = blockedBy();
            return by.isEmpty() ? null : "blocked by findings of " + String.join(", ", by.subList(0,
                    Math.min(BLOCKED_BY_NAMED, by.size()))) + (by.size() > BLOCKED_BY_NAMED ? " and "
                    + (by.size() - BLOCKED_BY_NAMED) + " more" : "");
        }

        /**
         * Whether an open finding blocks one of {@code cells} (a failing pair whose blockers are not all waived; one
         * that names none, from a findings.json written before pairs named their blockers, counts as blocked): the
         * cluster is then NO-GO and its status "Action required", whatever the finding's severity or cluster.
         */
        static boolean blocked(List<Cell> cells) {
            for (Cell c : cells) {
                if (c.failing() && (c.blockers().isEmpty() || c.blockers().stream().anyMatch(b -> !b.waived()))) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The other clusters whose open findings block its pairs, in matrix order, where none of its own holds it
         * NO-GO (no open HIGH finding of its own, no open finding of its own or of no known cluster blocking one of its
         * pairs): its row's counts are then zeros or unrelated, and the findings to fix are counted in their rows.
         * Empty otherwise.
         */
        public List<String> blockedBy() {
            if (!audited || counts.open(Severity.HIGH) > 0) {
                return List.of();
            }
            Map<String, String> others = new LinkedHashMap<>();
            for (Cell c : cells) {
                if (!c.failing()) {
                    continue;
                }
                for (BlockerView b : c.blockers()) {
                    if (b.waived()) {
                        continue;
                    }
                    String of = b.finding() == null ? null : b.finding().cluster();
                    if (of == null || of.equalsIgnoreCase(name)) {
                        return List.of();
                    }
                    others.putIfAbsent(of.toLowerCase(Locale.ROOT), of);
                }
            }
            return List.copyOf(others.values());
        }

        /** The directed pairs between its nodes (live migration): {@link #pairs} without the paths to a file server. */
        public int nodePairs() {
            return pairs - fileServerPaths;
        }

        /** The node pairs (live migration) OK. */
        public int nodePairsOk() {
            return pairsOk - fileServerPathsOk;
        }

        /** "2/6" node pairs OK; "—" for a cluster whose directory could not be read (nothing was counted). */
        public String nodePairsOkText() {
            return audited ? nodePairsOk() + "/" + nodePairs() : Words.NO_PERCENT;
        }

        /** "2/6" paths from a node to a file server OK; "—" where it has none, or was not audited. */
        public String fileServerPathsOkText() {
            return audited && fileServerPaths > 0 ? fileServerPathsOk + "/" + fileServerPaths : Words.NO_PERCENT;
        }

        /**
         * Its counts in words, the same in every output: "2/6 node pairs OK, 2/6 file-server paths OK", "2/12 node
         * pairs OK" where no path goes to a file server, "pairs not checked" for a cluster not audited.
         */
        public String pairsOkInWords() {
            if (!audited) {
                return "pairs not checked";
            }
            return nodePairsOkText() + " node pairs OK" + (fileServerPaths == 0 ? ""
                    : ", " + fileServerPathsOkText() + " file-server paths OK");
        }

        /** GO for a patch window. */
        public boolean go() {
            return verdict.go();
        }

        public int failingPairs() {
            return pairs - pairsOk;
        }

        /** The cells by source, then destination, names lower-cased: for a writer that draws the whole matrix. */
        public Map<String, Map<String, Cell>> cellsBySource() {
            Map<String, Map<String, Cell>> out = new HashMap<>();
            // each name lower-cased once, not twice per cell: a cluster of n nodes has n(n-1) cells
            Map<String, String> lower = new HashMap<>();
            for (Cell c : cells) {
                out.computeIfAbsent(lower.computeIfAbsent(c.from(), n -> n.toLowerCase(Locale.ROOT)),
                        k -> new HashMap<>()).put(lower.computeIfAbsent(c.to(), n -> n.toLowerCase(Locale.ROOT)), c);
            }
            return out;
        }

        /**
         * The destinations of its matrix, its columns: its nodes, then its file servers, then the nodes of the other
         * clusters of its migration group its pairs go to ({@link #groupPeers}), so that every cell {@link #pairs}
         * counts has a column.
         */
        public List<String> destinations() {
            List<String> out = ownDestinations();
            groupPeers.forEach(g -> out.addAll(g.nodes()));
            return out;
        }

        /** Its nodes, then its file servers: the destinations of its matrix in the cluster itself. */
        public List<String> ownDestinations() {
            List<String> out = new ArrayList<>(nodes);
            for (String fs : fileServers) {
                if (!out.contains(fs)) {
                    out.add(fs);
                }
            }
            return out;
        }

        /**
         * "Its nodes also migrate to 3 nodes of HVC1 (policy.migrationGroups): the columns headed (HVC1), after its
         * own; their pairs are among its node pairs." for a cluster with {@link #groupPeers}, else null: what the
         * matrices say above its grid.
         */
        public String acrossClustersText() {
            if (groupPeers.isEmpty()) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            List<String> heads = new ArrayList<>();
            for (PeerCluster g : groupPeers) {
                String of = g.name() == null ? "another cluster" : g.name();
                parts.add(Words.plural(g.nodes().size(), "node") + " of " + of);
                heads.add("(" + of + ")");
            }
            return "Its nodes also migrate to " + String.join(", ", parts) + " (policy.migrationGroups): the columns headed "
                    + String.join(", ", heads) + ", after its own; their pairs are among its node pairs.";
        }

        /** The directions that cannot migrate, in matrix order. */
        public List<Cell> failing() {
            return cells.stream().filter(Cell::failing).toList();
        }

        /** Failing directions blocked (also) by a waived finding: still failing. */
        public List<Cell> waivedFailing() {
            return cells.stream().filter(c -> c.failing() && c.waived()).toList();
        }

        /** Blocker rule → how many failing directions it blocks, most first (ties in catalogue order). */
        public Map<String, Integer> blockersByRule() {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Cell c : cells) {
                if (c.failing()) {
                    c.blockers().stream().map(BlockerView::rule).distinct().forEach(r -> out.merge(r, 1, Integer::sum));
                }
            }
            List<Map.Entry<String, Integer>> sorted = new ArrayList<>(out.entrySet());
            sorted.sort((a, b) -> b.getValue() - a.getValue());
            Map<String, Integer> result = new LinkedHashMap<>();
            sorted.forEach(e -> result.put(e.getKey(), e.getValue()));
            return result;
        }

        /** Failing directions the proposed change makes pass. */
        public int fixedByChange() {
            return (int) cells.stream().filter(c -> c.failing() && c.fixedByChange()).count();
        }

        /** Pairs OK once the change is made. */
        public int pairsOkAfter() {
            return pairsOk + fixedByChange();
        }

        /** Node pairs (live migration) OK once the change is made. */
        public int nodePairsOkAfter() {
            return pairsOkAfter() - fileServerPathsOkAfter();
        }

        /** Paths from a node to a file server OK once the change is made. */
        public int fileServerPathsOkAfter() {
            return fileServerPaths == 0 ? 0 : fileServerPathsOk + (int) cells.stream()
                    .filter(c -> c.pair().fileServer() && c.failing() && c.fixedByChange()).count();
        }

        /**
         * What keeps the directions failing that the change does not fix: each blocker rule the change does not
         * settle ({@code "… (waived)"} for a waived one) → how many of those directions it blocks.
         */
        public Map<String, Integer> blockingAfter(RemediationPlan plan) {
            Map<String, Integer> out = new LinkedHashMap<>();
            for (Cell c : cells) {
                if (c.failing() && !c.fixedByChange()) {
                    c.blockers().stream().filter(b -> !plan.settles(b.findingId()))
                            .map(b -> b.rule() + (b.waived() ? " (waived)" : "")).distinct()
                            .forEach(r -> out.merge(r, 1, Integer::sum));
                }
            }
            return out;
        }
    }

    /** A waiver that keeps a GO cluster GO is said to end soon within this many days of the run. */
    public static final int WAIVER_ENDS_SOON_DAYS = 14;
    /** The clusters named in that sentence; the others are counted. */
    private static final int SOON_NAMED = 3;

    private final FindingsDocument doc;
    private final RemediationPlan plan;
    private final Map<String, RuleView> rules;
    private final Counts counts;
    private final Counts unclustered;
    /** {@link #unclusteredLabel}, of the open findings tied to no cluster. */
    private final String unclusteredLabel;
    /** The same, of those above INFO: what the headline says is open outside the clusters. */
    private final String unclusteredAboveInfoLabel;
    private final List<ClusterView> clusters;
    private final List<FindingView> findings;
    private final Status status;
    private final String headline;
    private final List<WaiverEndingSoon> waiverEndings;
    private final String waiversEndingSoon;
    private final Procedure procedure;
    private final List<DirectoryView> directories;
    private final String changeTicket;
    private final List<ObjectChange> objectChanges;
    private final List<TrendPoint> trend;
    /** {@code history.unwaivedFindings}: waived in the run compared with, open now. */
    private final Set<String> unwaived;
    /** The matrices' cells counted once ({@link #storagePaths}): a 20k directory's 362,992 were walked four times. */

    private ReportView(FindingsDocument doc, RemediationPlan plan, String changeTicket) {
        this.plan = plan;
        this.directories = directories(doc);
        this.changeTicket = changeTicket;
        this.rules = rules(doc);
        Map<String, String> advice = new HashMap<>();
        plan.decisions().stream().filter(RemediationPlan.Decision::replacesRemedy)
                .forEach(d -> advice.put(d.finding().id(), d.what()));
        // an entry added outside the baseline that the change removes: the advice says so, and how to keep it
        advice.putAll(Procedure.removedDrift(doc, plan));
        // a grant to or from a refused host: not part of the change, and why
        advice.putAll(plan.withheld());
        // findings.json says what every report says: such a finding's remediation is the plan's advice (its
        // actions stay, so a re-rendering builds the same plan)
        this.doc = advice.isEmpty() ? doc : doc.withFindings(nn(doc.findings()).stream()
                .map(f -> f == null || !advice.containsKey(f.id()) ? f : f.advised(advice.get(f.id()))).toList());
        List<Finding> all = nn(this.doc.findings()).stream().filter(f -> f != null && f.severity() != null).toList();
        Map<String, Finding> byId = new HashMap<>();
        all.forEach(f -> byId.putIfAbsent(f.id(), f));
        this.counts = Counts.of(all);
        Procedure.Parts parts = Procedure.parts(doc, plan);
        List<FindingView> fv = new ArrayList<>();
        for (Finding f : all) {
            String spn = spnOf(f);
            fv.add(new FindingView(f, rule(f.rule()), spn == null ? null : Values.visibleSpn(spn), kbOf(f),
                    consequence(f, byId), parts.remedies().get(f.id())));
        }
        fv.sort(Comparator.comparing((FindingView f) -> f.finding().severity()).thenComparing(FindingView::waived));
        this.findings = List.copyOf(fv);
        Map<String, List<Finding>> byCluster = new HashMap<>();
        Map<String, List<FindingView>> viewsByCluster = new HashMap<>();
        List<Finding> noCluster = new ArrayList<>();
        for (Finding f : all) {
            if (f.cluster() == null) {
                noCluster.add(f);
            } else {
                byCluster.computeIfAbsent(f.cluster().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f);
            }
        }
        for (FindingView v : findings) {
            if (v.finding().cluster() != null && plan.staysOpen(v.finding().id())) {
                viewsByCluster.computeIfAbsent(v.finding().cluster().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(v);
            }
        }
        this.unclustered = Counts.of(noCluster);
        List<Finding> openOutside = noCluster.stream().filter(f -> !f.isWaived()).toList();
        this.unclusteredLabel = unclusteredLabel(openOutside, rules);
        this.unclusteredAboveInfoLabel = unclusteredLabel(openOutside.stream()
                .filter(f -> f.severity() != Severity.INFO).toList(), rules);
        Map<String, FindingsDocument.HostDoc> hostsByName = new HashMap<>();
        nn(doc.hosts()).stream().filter(h -> h != null && h.name() != null)
                .forEach(h -> hostsByName.putIfAbsent(h.name().toLowerCase(Locale.ROOT), h));
        Map<String, Set<String>> added = RemediationPlan.addedByHost(plan.hosts());
        List<ClusterView> cv = new ArrayList<>();
        // a findings.json written before clusters carried their verdict: judged here, all clusters at once
        GoVerdict.Judge judge = nn(doc.clusters()).stream().anyMatch(c -> c.go() == null)
                ? new GoVerdict.Judge(all, nn(doc.hosts())).withGroups(doc.clusters(), doc.policy() == null ? null
                : doc.policy().migrationGroups()) : null;
        for (FindingsDocument.ClusterDoc c : nn(doc.clusters())) {
            String key = c.name().toLowerCase(Locale.ROOT);
            Counts cc = Counts.of(byCluster.getOrDefault(key, List.of()));
            List<Cell> cells = new ArrayList<>();
            int storage = 0;
            int storageOk = 0;
            int failing = 0;
            // the destinations in another cluster of its migration group: a case-insensitive set compares without a
            // lower-cased copy of each of a large matrix's names
            Set<String> own = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            own.addAll(nn(c.nodes()));
            own.addAll(nn(c.fileServers()));
            Set<String> across = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
            List<String> acrossInOrder = new ArrayList<>();
            for (FindingsDocument.PairDoc p : nn(c.matrix())) {
                if (p != null && p.from() != null && p.to() != null) {
                    if (!p.fileServer() && !own.contains(p.to()) && across.add(p.to())) {
                        acrossInOrder.add(p.to());
                    }
                    // most of a large matrix has no blocker: no stream, no list per cell then
                    List<BlockerView> blockers = p.blockerList().isEmpty() ? List.of() : p.blockerList().stream()
                            .map(b -> new BlockerView(b.rule(), b.findingId(), byId.get(b.findingId()))).toList();
                    Cell cell = new Cell(p, cellStatus(p), cellText(p, blockers), blockers,
                            RemediationPlan.fixes(p, plan::settles, added));
                    cells.add(cell);
                    failing += cell.failing() ? 1 : 0;
                    storage += p.fileServer() ? 1 : 0;
                    storageOk += p.fileServer() && !cell.failing() ? 1 : 0;
                }
            }
            // the paths to a file server as findings.json counts them; a findings.json written before it did: from the
            // matrix, where it holds every pair the cluster counts (else none to tell apart)
            boolean whole = cells.size() == c.pairs() && failing == c.pairs() - c.pairsOk();
            int fileServerPaths = c.fileServerPaths() != null ? c.fileServerPaths() : whole ? storage : 0;
            int fileServerPathsOk = c.fileServerPathsOk() != null ? c.fileServerPathsOk() : whole ? storageOk : 0;
            GoVerdict verdict = c.go() != null ? new GoVerdict(c.go(), nn(c.reasons()))
                    : judge.of(c);
            List<FindingView> openAfter = List.copyOf(viewsByCluster.getOrDefault(key, List.of()));
            // a cluster whose directory was not read has no verdict, before the change or after it
            // as before the change: an open HIGH, a pair an open finding of any severity still blocks, or a
            // Windows Server 2025 node with a blocked pair (even waived) keeps the cluster NO-GO
            // and pairs into a cluster of its migration group that was not read stay unchecked after it too, as does a
            // domain controller --all-dcs could not read
            boolean goAfter = c.wasAudited() && verdict.reasons().stream().noneMatch(r -> GoVerdict.NOT_AUDITED
                    .equals(r.rule()) || GoVerdict.DC_NOT_READ.equals(r.rule())) && openAfter.stream().noneMatch(v -> v.finding().severity() == Severity.HIGH)
                    && cells.stream().filter(x -> x.failing() && !x.fixedByChange()).noneMatch(x ->
                    x.blockers().stream().anyMatch(b -> !b.waived() && !plan.settles(b.findingId()))
                            || ws2025(hostsByName, x.from()) || ws2025(hostsByName, x.to()));
            cv.add(new ClusterView(c.name(), nn(c.nodes()), nn(c.missingNodes()), nn(c.fileServers()), c.pairs(),
                    c.pairsOk(), c.presentEntries(), c.requiredEntries(), c.compliancePercent(), cc,
                    c.wasAudited() ? Status.of(cc, ClusterView.blocked(cells), c.pairsOk() < c.pairs())
                            : Status.AMBER, List.copyOf(cells), verdict,
                    openAfter, goAfter,
                    c.directory(), c.wasAudited(), fileServerPaths, fileServerPathsOk,
                    across.isEmpty() ? List.of() : groupPeers(c, doc.clusters(), acrossInOrder)));
        }
        this.clusters = List.copyOf(cv);
        // the same rule as each cluster's: Action required while an open finding blocks a pair, never OK while a
        // pair fails or a cluster was not audited (its AMBER)
        this.status = Status.of(counts, cv.stream().anyMatch(c -> c.audited() && ClusterView.blocked(c.cells())),
                cv.stream().anyMatch(c -> c.pairsOk() < c.pairs() || !c.audited()));
        this.waiverEndings = composeWaiverEndings();
        this.waiversEndingSoon = waiversEndingSoon(waiverEndings);
        this.headline = composeHeadline(soon());
        Map<String, Boolean> goAfter = new HashMap<>();
        clusters.forEach(c -> goAfter.put(c.name().toLowerCase(Locale.ROOT), c.goAfter()));
        this.procedure = Procedure.of(doc, plan, parts, goAfter);
        this.objectChanges = ObjectChange.of(plan, doc);
        this.trend = doc.history() == null || doc.history().trend() == null ? List.of()
                : List.copyOf(doc.history().trend());
        this.unwaived = doc.history() == null ? Set.of() : Set.copyOf(doc.history().unwaived());
    }

    /**
     * The destinations {@code across} of cluster {@code c}'s pairs that are neither its nodes nor its file servers, by
     * the cluster listing them, in the order of {@code clusters} and each cluster's nodes; those no other cluster
     * lists last, in matrix order.
     */
    private static List<PeerCluster> groupPeers(FindingsDocument.ClusterDoc c, List<FindingsDocument.ClusterDoc> clusters,
                                                List<String> across) {
        Set<String> left = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        left.addAll(across);
        List<PeerCluster> out = new ArrayList<>();
        for (FindingsDocument.ClusterDoc other : nn(clusters)) {
            if (other == null || other == c) {
                continue;
            }
            List<String> nodes = new ArrayList<>();
            for (String n : nn(other.nodes())) {
                if (n != null && left.remove(n)) {
                    nodes.add(n);
                }
            }
            if (!nodes.isEmpty()) {
                out.add(new PeerCluster(other.name(), List.copyOf(nodes)));
            }
        }
        if (!left.isEmpty()) {
            out.add(new PeerCluster(null, across.stream().filter(left::contains).toList()));
        }
        return List.copyOf(out);
    }

    /**
     * One directory (domain) of the run: where it was read, whether it was audited, whether it gave change times,
     * and, after {@code preflight --all-dcs}, how each domain controller compared.
     *
     * @param domain        its DNS domain, from the base DN ({@code contoso.com})
     * @param dcDifferences the run's DC_NOT_CONVERGED findings naming one of {@code domainControllers}: which of a
     *                      DC's differences block pairs (their {@code evidence.pairs}) and which it holds the newer
     *                      write of ({@code evidence.lastChange})
     */
    public record DirectoryView(String name, String url, String baseDn, String dc, String domain, boolean audited,
                                String failure, Boolean changeTimes, List<FindingsDocument.DcDoc> domainControllers,
                                List<Finding> dcDifferences) {
        /** The differences named in a summary, the rest counted. */
        private static final int DIFFERENCES_NAMED = 3;

        /** Whether its domain controllers were checked ({@code preflight --all-dcs}). */
        public boolean dcCheck() {
            return domainControllers != null;
        }

        /**
         * {@code 2 of 3 domain controllers agree with dc1.contoso.com; dc2.contoso.com has not replicated the
         * delegation yet, which blocks live migration of 1 pair (HIGH); dc3.contoso.com differs only in what no pair
         * needs (MEDIUM: userAccountControl of HV02), so live migration is not affected}, also of a DC that could not
         * be read; without a DC check, that only the DC the audit read was read (a GO rests on it alone); null for a
         * directory that was not read. The DC the audit read counts as agreeing.
         */
        public String dcSummary() {
            return dcSummary(null, null);
        }

        /**
         * {@link #dcSummary()} as cluster {@code cluster}'s preflight says it: a difference counts as blocking, and in
         * the pairs it blocks, only with pairs of {@code pairs} (the cluster's, keys {@link #pairKey}); one that blocks
         * only other clusters' pairs is said not to affect this cluster. Null {@code pairs}: every pair (a report of
         * the whole run).
         */
        public String dcSummary(String cluster, Set<String> pairs) {
            if (!audited) {
                return null;
            }
            if (domainControllers == null) {
                return "read from " + (dc == null ? url : dc) + " only: whether the other domain controllers have"
                        + " replicated the delegation was not checked (kcd-audit preflight --all-dcs)";
            }
            long agree = domainControllers.stream().filter(d -> FindingsDocument.DcDoc.AGREES.equals(d.result())
                    && d.holdersError() == null || FindingsDocument.DcDoc.AUDITED.equals(d.result())).count();
            int total = domainControllers.size();
            if (domainControllers.stream().noneMatch(d -> FindingsDocument.DcDoc.AUDITED.equals(d.result()))) {
                agree++; // the DC the audit read is not among those listed
                total++;
            }
            List<String> unreachable = names(FindingsDocument.DcDoc.UNREACHABLE);
            String auditedDc = dc == null ? url : dc;
            String text = agree + " of " + Words.plural(total, "domain controller") + (total == 1 ? " agrees" : " agree")
                    + " with " + auditedDc;
            // what the other DCs lack (behind), then what they hold the newer write of (the audited DC is behind):
            // whether live migration is affected follows from the pairs the differences block, as the verdict's does
            for (boolean newer : List.of(false, true)) {
                List<String> blocking = new ArrayList<>();
                Set<String> blockedHere = new HashSet<>();
                List<String> harmless = new ArrayList<>();
                for (String other : names(FindingsDocument.DcDoc.DIFFERS)) {
                    List<Finding> mine = dcDifferences.stream().filter(f -> other.equalsIgnoreCase(f.evidence().dc())
                            && (f.evidence().lastChange() != null) == newer).toList();
                    Set<String> blocked = new HashSet<>();
                    mine.forEach(f -> nn(f.evidence().pairs()).stream().filter(java.util.Objects::nonNull).forEach(p ->
                            blocked.add(pairKey(p.from(), p.to()))));
                    Set<String> counted = new HashSet<>(blocked);
                    if (pairs != null) {
                        counted.retainAll(pairs);
                    }
                    // HIGH without pairs: a findings.json written before DC_NOT_CONVERGED listed the pairs it blocks
                    if (!counted.isEmpty() || blocked.isEmpty() && mine.stream()
                            .anyMatch(f -> f.severity() == Severity.HIGH)) {
                        blocking.add(other);
                        blockedHere.addAll(counted);
                    } else if (!blocked.isEmpty()) {
                        // it blocks pairs of other clusters only: theirs to count (their preflight's line)
                        harmless.add((newer ? auditedDc + " has not received changes made on " + other + " yet that"
                                + " pairs of other clusters need" : other + " has not replicated what pairs of other"
                                + " clusters need yet") + " (" + mine.stream().map(Finding::severity)
                                .min(Comparator.naturalOrder()).orElseThrow() + what(mine) + "), so live migration of "
                                + cluster + " is not affected");
                    } else if (!mine.isEmpty()) {
                        harmless.add((newer ? auditedDc + " has not received changes made on " + other
                                + " yet, none that a pair needs" : other + " differs only in what no pair needs")
                                + " (" + mine.stream().map(Finding::severity).min(Comparator.naturalOrder())
                                .orElseThrow() + what(mine) + "), so live migration is not affected");
                    }
                }
                if (!blocking.isEmpty()) {
                    text += "; " + (newer ? auditedDc + " has not received changes made on " + String.join(", ",
                            blocking) + " yet" : String.join(", ", blocking) + (blocking.size() == 1 ? " has" : " have")
                            + " not replicated the delegation yet") + ", which blocks live migration"
                            + (blockedHere.isEmpty() ? "" : " of " + Words.plural(blockedHere.size(), "pair"))
                            + " (HIGH)";
                }
                for (String h : harmless) {
                    text += "; " + h;
                }
            }
            if (!unreachable.isEmpty()) {
                text += "; " + String.join(", ", unreachable) + " could not be read, so whether "
                        + (unreachable.size() == 1 ? "it has" : "they have") + " replicated the delegation is unknown";
            }
            List<String> unsearched = holdersNotRead();
            if (!unsearched.isEmpty()) {
                text += "; " + String.join(", ", unsearched) + (unsearched.size() == 1 ? " was" : " were") + " read,"
                        + " but the search for other holders of the nodes' SPNs failed on " + (unsearched.size() == 1
                        ? "it, so whether its KDC finds" : "them, so whether their KDCs find") + " a second holder of"
                        + " one is unknown";
            }
            List<String> readOnly = domainControllers.stream().filter(FindingsDocument.DcDoc::readOnly)
                    .map(FindingsDocument.DcDoc::name).toList();
            if (!readOnly.isEmpty()) {
                text += " (read-only: " + String.join(", ", readOnly) + ")";
            }
            return text;
        }

        /** A directed pair as {@link #dcSummary(String, Set)} matches it: source and target, any case. */
        public static String pairKey(String from, String to) {
            return (from + "\n" + to).toLowerCase(Locale.ROOT);
        }

        /** {@code : userAccountControl of HV02, accountExpires of HV03 and 2 more}: what differs, or nothing. */
        private static String what(List<Finding> differences) {
            List<String> each = differences.stream().filter(f -> f.evidence().attribute() != null && f.host() != null)
                    .map(f -> f.evidence().attribute() + " of " + f.host()).distinct().toList();
            return each.isEmpty() ? "" : ": " + String.join(", ", each.subList(0, Math.min(DIFFERENCES_NAMED,
                    each.size()))) + (each.size() > DIFFERENCES_NAMED ? " and " + (each.size() - DIFFERENCES_NAMED)
                    + " more" : "");
        }

        /** The DCs read whose search for other holders of the nodes' SPNs failed ({@code holdersError}). */
        public List<String> holdersNotRead() {
            return domainControllers == null ? List.of() : domainControllers.stream()
                    .filter(d -> d.holdersError() != null).map(FindingsDocument.DcDoc::name).toList();
        }

        private List<String> names(String result) {
            return domainControllers.stream().filter(d -> result.equals(d.result())).map(FindingsDocument.DcDoc::name)
                    .toList();
        }
    }

    /** The sentence reports give once when a directory keeps no change times. */
    public static final String NO_CHANGE_TIMES = "change time not available from this directory";
    private static final String NO_CHANGE_TIMES_SEVERAL = "change time not available from these directories";

    public static ReportView of(FindingsDocument doc) {
        return of(doc, null);
    }

    /** The view with the change ticket the reports are prepared for ({@code reports.changeTicket}, {@code --change-ticket}). */
    public static ReportView of(FindingsDocument doc, String changeTicket) {
        return new ReportView(doc, RemediationPlan.of(doc), changeTicket);
    }

    /** The findings that follow from {@code f}'s related findings, when some of those are waived; else null. */
    private static Consequence consequence(Finding f, Map<String, Finding> byId) {
        if (f.isWaived() || f.causes().isEmpty()) {
            return null;
        }
        List<Finding> waived = new ArrayList<>();
        int open = 0;
        for (String id : f.causes()) {
            Finding cause = byId.get(id);
            if (cause != null && cause.isWaived()) {
                waived.add(cause);
            } else if (cause != null) {
                open++;
            }
        }
        return waived.isEmpty() ? null : new Consequence(List.copyOf(waived), open);
    }

    private static boolean ws2025(Map<String, FindingsDocument.HostDoc> hosts, String name) {
        FindingsDocument.HostDoc h = name == null ? null : hosts.get(name.toLowerCase(Locale.ROOT));
        return h != null && GoVerdict.windowsServer2025(h);
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

    /** The label of the row of {@link #unclustered} before what it holds. */
    public static final String UNCLUSTERED = "Not tied to a cluster";

    /**
     * The label of the row of the open findings tied to no cluster in every output (the PDF's Compliance per cluster,
     * the Summary sheet, the mail, the console), with the kinds it holds: "Not tied to a cluster (operators, hosts no
     * longer in a cluster)". Page 3 said "e.g. a baseline host that is gone" of a row holding an operator.
     */
    public String unclusteredLabel() {
        return unclusteredLabel;
    }

    /**
     * {@link #UNCLUSTERED} with the kinds of {@code findings} (tied to no cluster), in a fixed order: operators (the
     * OPERATOR_ rules), domain controllers (the DC_ rules), hosts no longer in a cluster (a drift finding on a host: a
     * baseline host that is gone, a waiver or a change of a host that left), hosts outside the clusters (any other
     * finding on a host: a delegation target no cluster lists, such as a cifs target not in a cluster's fileServers),
     * other findings (of no host). {@code rules}: the rules' categories by id.
     */
    private static String unclusteredLabel(List<Finding> findings, Map<String, RuleView> rules) {
        boolean[] held = new boolean[UNCLUSTERED_KINDS.size()];
        for (Finding f : findings) {
            String rule = f.rule() == null ? "" : f.rule();
            RuleView r = rules.get(rule);
            held[rule.startsWith("OPERATOR_") ? 0 : rule.startsWith("DC_") ? 1 : f.host() == null ? 4
                    : r != null && r.category() == Category.DRIFT ? 2 : 3] = true;
        }
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < held.length; i++) {
            if (held[i]) {
                kinds.add(UNCLUSTERED_KINDS.get(i));
            }
        }
        return kinds.isEmpty() ? UNCLUSTERED : UNCLUSTERED + " (" + String.join(", ", kinds) + ")";
    }

    /** The kinds of findings tied to no cluster, in the order {@link #unclusteredLabel} names them. */
    private static final List<String> UNCLUSTERED_KINDS = List.of("operators", "domain controllers",
            "hosts no longer in a cluster", "hosts outside the clusters", "other findings");

    public List<ClusterView> clusters() {
        return clusters;
    }

    /** The cluster {@code name} names in any case (as mail.clusterRecipients names one), or null. */
    public ClusterView cluster(String name) {
        return clusters.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst().orElse(null);
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

    /**
     * {@link #headline} without its sentence of the waivers ending soon: for an output that says that sentence apart
     * (the mail, under its decision), so it is said once.
     */
    public String headlineWithoutWaiversEndingSoon() {
        return waiversEndingSoon.isEmpty() ? headline : composeHeadline("");
    }

    public Procedure procedure() {
        return procedure;
    }

    /** The change ticket the reports are prepared for, or null (a field to fill in). */
    public String changeTicket() {
        return changeTicket;
    }

    /** Each directory object the change touches with what it gains and loses, in the plan's order. */
    public List<ObjectChange> objectChanges() {
        return objectChanges;
    }

    /**
     * For a finding open now that the run compared with found waived ({@code history.unwaivedFindings}), what the
     * workbook's Status note says: "No longer waived: waived in run 706a2a8a, waiver expired 2026-10-31" (the last
     * ended waiver of the baseline that matches it; without the date where none does: taken out of the baseline, or a
     * drift finding that was waived with its twin); else null. Its status stays recurring: it was found there.
     */
    public String unwaivedNote(Finding f) {
        if (!unwaived.contains(f.id()) || f.isWaived()) {
            return null;
        }
        String run = doc.history().previousRunId().substring(0, Math.min(8, doc.history().previousRunId().length()));
        java.time.LocalDate ended = null;
        if (doc.baseline() != null && doc.baseline().waivers() != null) {
            for (HistorySections.WaiverDoc w : doc.baseline().waivers()) {
                if (!w.active() && w.expires() != null && new org.kcdauditor.baseline.Waiver(w.rule(), w.host(),
                        w.peer(), w.spn(), w.justification(), w.expires()).matches(f)
                        && (ended == null || w.expires().isAfter(ended))) {
                    ended = w.expires();
                }
            }
        }
        return "No longer waived: waived in run " + run + (ended != null ? ", waiver expired " + ended : "");
    }

    /** The last runs of this configuration, oldest first, this run last; empty when the run has no history. */
    public List<TrendPoint> trend() {
        return trend;
    }

    /**
     * The series of the trend, as the PDF chart and the workbook's Trend sheet name them: the new findings that are
     * problems apart from the change records among them (CHANGED_SINCE_LAST_RUN, INFO; {@link TrendPoint#newProblems},
     * {@link TrendPoint#changeRecords}), as the console counts them: the run after a fix drew its approved changes as
     * "New findings".
     */
    public static final List<String> TREND_SERIES = List.of("Pairs OK %", "Open HIGH", "New problems",
            "Resolved findings", "Changes recorded");

    /**
     * One label per trend point, unique: the day ({@code 2026-11-26}), or day and time where two runs share a day
     * ({@code 11-26 06:00}, {@code 11-26 06:00:01}), then the run's short id where even the second is shared.
     */
    public List<String> trendLabels() {
        for (java.time.format.DateTimeFormatter f : List.of(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd"),
                java.time.format.DateTimeFormatter.ofPattern("MM-dd HH:mm"),
                java.time.format.DateTimeFormatter.ofPattern("MM-dd HH:mm:ss"))) {
            List<String> labels = trend.stream().map(t -> t.finishedAt() == null ? "?" : f.withZone(
                    java.time.ZoneOffset.UTC).format(t.finishedAt())).toList();
            if (new HashSet<>(labels).size() == labels.size()) {
                return labels;
            }
        }
        return trend.stream().map(t -> (t.finishedAt() == null ? "?" : java.time.format.DateTimeFormatter
                .ofPattern("MM-dd HH:mm:ss").withZone(java.time.ZoneOffset.UTC).format(t.finishedAt())) + " "
                + (t.runId() == null ? "" : t.runId().substring(0, Math.min(8, t.runId().length())))).toList();
    }

    /**
     * The clusters, NO-GO first, the decision page's order. The NO-GO ones most failing directions first, then most
     * open HIGH, then most open findings above INFO (configuration order among equals): page 1 lists only the first
     * few, and in configuration order it showed four clusters with one failing direction each while 992 of 992
     * directions failed in a cluster counted under "… and 39 more". The GO ones follow in configuration order.
     */
    public List<ClusterView> clustersNoGoFirst() {
        List<ClusterView> out = new ArrayList<>(clusters.stream().filter(c -> !c.go())
                .sorted(Comparator.comparingInt(ClusterView::failingPairs)
                        .thenComparingInt(c -> c.counts().open(Severity.HIGH))
                        .thenComparingInt(c -> c.counts().openAboveInfo()).reversed())
                .toList());
        clusters.stream().filter(ClusterView::go).forEach(out::add);
        return out;
    }

    /**
     * The decision in one line, as page 1 of the PDF, the runbooks, the mail and the console say it: "GO for the
     * patch window: all 3 clusters", "GO for the patch window: HVC1" (the {@code only} cluster) or "NO-GO for the patch
     * window: 2 of 3 clusters" ({@code all} &gt; 0).
     */
    public static String decision(long noGo, int all, String only) {
        return noGo == 0 ? "GO for the patch window: " + (all == 1 ? only : "all " + all + " clusters")
                : "NO-GO for the patch window: " + noGo + " of " + Words.plural(all, "cluster");
    }

    /** This run's decision in one line, as page 1 of the PDF and the runbooks open with it. */
    public String decision() {
        return clusters.isEmpty() ? "No cluster was audited" : decision(clustersNoGo(), clusters.size(),
                clusters.get(0).name());
    }

    /** Clusters NO-GO for a patch window now. */
    public int clustersNoGo() {
        return (int) clusters.stream().filter(c -> !c.go()).count();
    }

    /** Failing directions the proposed change makes pass: what "if not approved" keeps failing. */
    public int fixedByChange() {
        return clusters.stream().mapToInt(ClusterView::fixedByChange).sum();
    }

    /** Failing directions blocked (also) by a waived finding. */
    public int waivedFailing() {
        return clusters.stream().mapToInt(c -> c.waivedFailing().size()).sum();
    }

    /**
     * Findings above INFO that stay open after the change, per severity: those of every cluster and those tied to none
     * (an operator, a file server, a baseline host), as the decision list has them.
     */
    public Counts openAfter() {
        return Counts.of(findings.stream().map(FindingView::finding).filter(f -> plan.staysOpen(f.id())).toList());
    }

    /**
     * The waivers to question, as page 1 names the first of them: the WAIVER_TOO_LONG findings (waivers running longer
     * than baseline.maxWaiverDays), the longest-running first, as each keeps what it waives failing until it ends; then
     * the WAIVER_UNUSED ones (active waivers matching no finding), which waive nothing today.
     */
    public List<FindingView> waiversToQuestion() {
        Comparator<FindingView> longestFirst = Comparator.comparing(f -> f.finding().evidence() == null ? null
                : f.finding().evidence().expires(), Comparator.nullsLast(Comparator.reverseOrder()));
        List<FindingView> out = new ArrayList<>(findings.stream().filter(f -> f.finding().rule()
                .equals("WAIVER_TOO_LONG")).sorted(longestFirst).toList());
        findings.stream().filter(f -> f.finding().rule().equals("WAIVER_UNUSED")).forEach(out::add);
        return out;
    }

    /** How many inputs not used every output names; the others are counted ("and 3 more"). */
    private static final int INPUTS_NOT_USED_NAMED = 5;

    /**
     * The patch, event and host-settings files this run could not use, in findings.json's order: its {@code imports}
     * with an error (not an export, empty, unreadable, or a pattern no file matches). The run went on without them;
     * empty when the run imports nothing.
     */
    public List<ImportResult> inputsNotUsed() {
        return doc.imports() == null ? List.of() : doc.imports().stream().filter(ImportResult::failed).toList();
    }

    /**
     * The files with rows for hosts that no configured cluster has as a node (read, not used), in findings.json's
     * order: its {@code imports} whose {@code notAudited} is above 0.
     */
    public List<ImportResult> importsNotAudited() {
        return doc.imports() == null ? List.of() : doc.imports().stream().filter(i -> i.notAudited() > 0).toList();
    }

    /**
     * The inputs not used that every output names (preflight, the PDF, the runbooks, the mail notice): the first
     * {@link #INPUTS_NOT_USED_NAMED} of {@link #inputsNotUsed}; the others they count ("… and 2 more").
     */
    public List<ImportResult> inputsNotUsedNamed() {
        List<ImportResult> unused = inputsNotUsed();
        return unused.subList(0, Math.min(INPUTS_NOT_USED_NAMED, unused.size()));
    }

    /** The findings an administrator decides (above INFO, not carried out by the plan). */
    public List<RemediationPlan.Decision> decisions() {
        return plan.decisions();
    }

    /**
     * Whether the run proposes a change, or a decision whose yes makes one: someone then implements and validates it,
     * and the sign-off of the PDF and the runbooks has rows for them.
     */
    public boolean changeToSign() {
        return plan.hasChanges() || !plan.decisions().isEmpty();
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

    /** How many peers or entries a {@link Problem}'s line names; the others it counts. */
    static final int PROBLEM_NAMED = 5;

    /**
     * One distinct problem: the findings of one rule on one host (the four missing SPNs of one pair, or a node's every
     * peer), as the console's top list and preflight's blockers show it, one line each. {@code text} is the first
     * finding's message, and when there are more, what they add: the other entries of the pair, or the count of
     * findings and peers.
     */
    public record Problem(Severity severity, String rule, List<Finding> findings, String text) {
        public Finding first() {
            return findings.get(0);
        }
    }

    /**
     * {@code findings} grouped per severity, rule and host (a finding without a host stands alone): most severe first,
     * then in the catalogue's order of rules (evidence and breakage before hygiene, as the audit sorts findings), then
     * in the order given. At 64 nodes, one node that lost its delegation is 252 findings, and listed one a line they
     * hid every other problem of the run.
     */
    public List<Problem> problems(java.util.Collection<Finding> findings) {
        Map<List<Object>, List<Finding>> groups = new LinkedHashMap<>();
        for (Finding f : findings) {
            List<Object> key = f.host() == null ? List.of(f.severity(), f.rule(), f)
                    : List.of(f.severity(), f.rule(), f.host());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
        }
        List<String> order = new ArrayList<>(rules.keySet());
        return groups.values().stream().map(ReportView::problem).sorted(Comparator.comparing(Problem::severity)
                .thenComparing(p -> order.contains(p.rule()) ? order.indexOf(p.rule()) : order.size())
                .thenComparing(Problem::rule)).toList();
    }

    /**
     * At most {@code limit} of {@code problems} (as {@link #problems} orders them), in that order, chosen so that as
     * many distinct rules as fit are named: within a severity, each rule's first host before any rule's second. Twenty
     * nodes that lost their delegation otherwise filled the list, and the one unconstrained node was not in it.
     */
    public static List<Problem> top(List<Problem> problems, int limit) {
        if (problems.size() <= limit) {
            return problems;
        }
        Map<List<Object>, Integer> seen = new HashMap<>();
        int[] round = new int[problems.size()];
        for (int i = 0; i < problems.size(); i++) {
            Problem p = problems.get(i);
            round[i] = seen.merge(List.of(p.severity(), p.rule()), 1, Integer::sum);
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            chosen.add(i);
        }
        chosen.sort(Comparator.comparing((Integer i) -> problems.get(i).severity()).thenComparing(i -> round[i])
                .thenComparing(i -> i));
        return chosen.subList(0, limit).stream().sorted().map(problems::get).toList();
    }

    private static Problem problem(List<Finding> group) {
        Finding first = group.get(0);
        String text = first.message();
        if (group.size() > 1) {
            List<String> peers = group.stream().map(Finding::peer).filter(java.util.Objects::nonNull).distinct().toList();
            if (peers.size() > 1) {
                text += " [" + group.size() + " findings on " + Values.visibleAccount(first.host()) + ", toward "
                        + peers.size() + " peers: " + named(peers.stream().map(Values::visibleAccount).toList()) + "]";
            } else {
                List<String> more = group.stream().skip(1).map(Finding::spn).filter(java.util.Objects::nonNull)
                        .map(Values::visibleSpn).distinct().toList();
                text += " [" + group.size() + " findings " + (peers.isEmpty() ? "on " + Values.visibleAccount(
                        first.host()) : "for " + Values.visibleAccount(first.host()) + " -> "
                        + Values.visibleAccount(peers.get(0))) + (more.isEmpty() ? "" : "; also " + named(more)) + "]";
            }
        }
        return new Problem(first.severity(), first.rule(), List.copyOf(group), text);
    }

    /** The first {@link #PROBLEM_NAMED} of {@code names}, the rest counted. */
    private static String named(List<String> names) {
        return String.join(", ", names.subList(0, Math.min(PROBLEM_NAMED, names.size())))
                + (names.size() > PROBLEM_NAMED ? ", … and " + (names.size() - PROBLEM_NAMED) + " more" : "");
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
    static String spnOf(Finding f) {
        if (f.hasEvidence()) {
            return f.evidence().spn();
        }
        return f.spn() != null && f.spn().regionMatches(true, 0, "KB", 0, 2) && f.spn().indexOf('/') < 0 ? null
                : f.spn();
    }

    static String kbOf(Finding f) {
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

    /** "present/required" of the usual small counts, one instance each (a matrix keeps its 360,000 cell texts). */
    private static final String[][] COUNTS = new String[17][17];

    static {
        for (int present = 0; present < COUNTS.length; present++) {
            for (int required = 0; required < COUNTS.length; required++) {
                COUNTS[present][required] = present + "/" + required;
            }
        }
    }

    /**
     * present/required of the source's msDS-AllowedToDelegateTo entries, or {@code RBCD} where the target's
     * resource-based delegation covers the pair (the source needs no entry; {@code RBCD 0/1}, then {@code RBCD 1/1} once
     * added, where it requires one all the same, for a file server's cifs SPN a service account serves whose own RBCD
     * does not allow it), or {@code needs RBCD} across domains, where
     * no entry can help; then a mark per kind of blocker besides missing entries: {@code !} a target SPN not
     * registered or held twice, {@code E} no AES on an account, {@code C} a host on CredSSP, {@code D} a node's
     * account or live migration disabled, {@code L} a DC that has not replicated what the pair needs, {@code P} a source
     * without the protocol transition policy {@code any} needs; {@code W} a waived finding blocks it (it fails all the
     * same). A findings.json written before counted a covered pair's entries as required and present, and listed
     * those of a pair across domains as missing: its cells read the same as a new one's.
     */
    static String cellText(FindingsDocument.PairDoc p, List<BlockerView> blockers) {
        String counts;
        if (p.rbcd()) {
            // covered but for a file server's SPN a service account serves, whose RBCD does not allow the source: the
            // entry it requires of the source is counted, missing (MISSING_DELEGATION) or added ("RBCD 1/1"); a
            // findings.json written before sourceEntries existed counts it where it is missing only
            counts = (p.missing() == null || p.missing().isEmpty())
                    && (p.sourceEntries() == null || p.sourceEntries().isEmpty()) ? RBCD_CELL
                    : RBCD_CELL + " " + p.present() + "/" + p.required();
        } else if (!p.blockerList().isEmpty() && p.blockerList().stream()
                .anyMatch(b -> Blocker.CROSS_DOMAIN_NEEDS_RBCD.equals(b.rule()))) {
            counts = NEEDS_RBCD_CELL;
        } else {
            counts = p.present() >= 0 && p.present() < COUNTS.length && p.required() >= 0
                    && p.required() < COUNTS.length ? COUNTS[p.present()][p.required()]
                    : p.present() + "/" + p.required();
        }
        if (p.blockerList().isEmpty() && (p.blockers() != null || p.unregistered() == null
                || p.unregistered().isEmpty())) {
            return counts; // no mark can apply: most cells of a large matrix
        }
        StringBuilder t = new StringBuilder(counts);
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
        if (rules.contains(Blocker.ACCOUNT_DISABLED) || rules.contains(Blocker.MIGRATION_DISABLED)) {
            t.append(" D");
        }
        if (rules.contains(DcDivergence.RULE)) {
            t.append(" L");
        }
        if (rules.contains(Blocker.PROTOCOL_TRANSITION_MISMATCH)) {
            t.append(" P");
        }
        if (!p.passes() && blockers.stream().anyMatch(BlockerView::waived)) {
            t.append(" W");
        }
        return t.toString();
    }

    /** The text of a cell whose pair the destination's resource-based delegation covers, in place of the counts. */
    public static final String RBCD_CELL = "RBCD";
    /** The text of a cell whose pair crosses domains without resource-based delegation, in place of the counts. */
    public static final String NEEDS_RBCD_CELL = "needs RBCD";
    /** What {@link #RBCD_CELL} and {@link #NEEDS_RBCD_CELL} mean, for the legends of the PDF and the workbook. */
    public static final String RBCD_CELL_MEANING = "resource-based delegation on the destination covers the pair:"
            + " the source needs no msDS-AllowedToDelegateTo entry for it, and none is counted as required (\"RBCD 0/1\","
            + " \"RBCD 1/1\": but for a file server's SPN a service account serves, whose own resource-based delegation"
            + " does not allow the source: the entries for it, present / required, MISSING_DELEGATION while one is"
            + " missing)";
    public static final String NEEDS_RBCD_CELL_MEANING = "the destination is in another domain, where no"
            + " msDS-AllowedToDelegateTo entry helps: only resource-based delegation on it can"
            + " (CROSS_DOMAIN_NEEDS_RBCD), and no entry is counted as required";

    /** What the marks of a matrix cell mean, for the legends of the PDF and the workbook. */
    public static final List<Mark> MARKS = List.of(
            new Mark("!", "a destination SPN is not registered or is held by two objects"),
            new Mark("E", "an account of the pair has no AES (RC4 removal)"),
            new Mark("C", "a host authenticates migrations with CredSSP"),
            new Mark("D", "a node's or file server's account, or a node's live migration, is disabled"),
            new Mark("L", "a domain controller has not replicated what the pair needs (preflight --all-dcs)"),
            new Mark("P", "the source lacks protocol transition ('Use any authentication protocol'), which policy 'any'"
                    + " needs (the KDC refuses S4U2proxy)"),
            new Mark("W", "a waived finding blocks the pair, which still fails (a waiver accepts the failure, it does"
                    + " not fix it)"));

    /** {@link #MARKS} in one line, for a legend in running text: {@code "!": a destination SPN …; "E": …}. */
    public static final String CELL_MARKS = MARKS.stream().map(m -> "\"" + m.mark() + "\": " + m.meaning())
            .collect(Collectors.joining("; "));

    /**
     * Whether an audited cluster lacks nodes the pairs are counted without: a configured node not in the directory
     * (HOST_NOT_FOUND), or no node at all (CLUSTER_EMPTY).
     */
    public boolean nodesNotFound() {
        return clusters.stream().anyMatch(c -> c.audited() && (!c.missingNodes().isEmpty() || c.nodes().isEmpty()));
    }

    /** The clusters whose directory could not be read, each with it ("HVC2 (fabrikam)"), or empty. */
    public String notAudited() {
        return clusters.stream().filter(c -> !c.audited()).map(c -> c.name() + " (" + c.directory() + ")")
                .collect(Collectors.joining(", "));
    }

    /** A mark a matrix cell may carry, and what it means. */
    public record Mark(String mark, String meaning) {
    }

    /**
     * The directed pairs whose destination is a file server (storage over SMB, no live migration): the clusters'
     * {@link ClusterView#fileServerPaths} summed.
     */
    public int storagePaths() {
        return clusters.stream().mapToInt(ClusterView::fileServerPaths).sum();
    }

    /** The directed pairs between nodes (live migration): {@link #pairs} without those to a file server. */
    public int nodePairs() {
        return pairs() - storagePaths();
    }

    /** The node pairs (live migration) OK: {@link #pairsOk} without the paths to a file server OK. */
    public int nodePairsOk() {
        return pairsOk() - storagePathsOk();
    }

    /** The paths to a file server that are OK. */
    public int storagePathsOk() {
        return clusters.stream().mapToInt(ClusterView::fileServerPathsOk).sum();
    }

    /** The directed pairs to a file server that fail. */
    public int failingStoragePaths() {
        return storagePaths() - storagePathsOk();
    }

    /**
     * The runbooks' count of what is OK, as page 1 and the mail count: "14 of 18 directed pairs OK" where no path goes
     * to a file server; else the node pairs (live migration) and the paths to a file server (storage over SMB) apart,
     * "10 of 12 node pairs (live migration) OK; 4 of 6 paths from a node to a file server (storage over SMB) OK".
     */
    public String pairsOkInWords() {
        int storage = storagePaths();
        if (storage == 0) {
            return pairsOk() + " of " + pairs() + " directed pairs OK";
        }
        return nodePairsOk() + " of " + nodePairs() + " node pairs (live migration) OK; " + storagePathsOk()
                + " of " + storage + (storage == 1 ? " path" : " paths") + " from a node to a file server (storage over"
                + " SMB) OK";
    }

    /**
     * "24 directed paths: 18 node pairs (live migration) and 6 from a node to a file server (storage over SMB)"; only
     * the pairs where none goes to a file server.
     */
    public String pathsInWords() {
        int storage = storagePaths();
        return storage == 0 ? Words.plural(pairs(), "directed host pair") : Words.plural(pairs(), "directed path")
                + ": " + Words.plural(pairs() - storage, "node pair") + " (live migration) and " + storage
                + " from a node to a file server (storage over SMB)";
    }

    /**
     * "18 of 24 directed paths fail: 14 of 18 node pairs (live migration), 4 of 6 paths from a node to a file server
     * (storage over SMB)"; where no path goes to a file server, the headline's "18 directed host pairs cannot
     * live-migrate reliably".
     */
    public String failingPathsInWords() {
        int storage = storagePaths();
        int failing = failingPairs();
        if (storage == 0) {
            return Words.plural(failing, "directed host pair") + " cannot live-migrate reliably";
        }
        int failingStorage = failingStoragePaths();
        return failing + " of " + Words.plural(pairs(), "directed path") + (failing == 1 ? " fails: " : " fail: ")
                + (failing - failingStorage) + " of " + Words.plural(pairs() - storage, "node pair")
                + " (live migration), " + failingStorage + " of " + storage + (storage == 1 ? " path" : " paths")
                + " from a node to a file server (storage over SMB)";
    }

    /**
     * The cover's one sentence. A cluster needs attention when its status is not OK or one of its pairs
     * fails: the NO-GO ones are counted, then the GO ones among them ("4 of 9 clusters are NO-GO; 2 more have findings
     * to clean up; 1 more has a pair that fails under a waiver", that one with nothing open); findings outside any cluster are named separately, so the sentence never contradicts the status
     * or the verdict. Clusters whose directory could not be read are named last: they were not audited. {@code soon}:
     * the sentence of the waivers ending soon, with its leading space, or "". Its failing directions are said apart
     * by kind where some go from a node to a file server ({@link #failingPathsInWords}): every output says the PDF's
     * sentence, none calls a path to a file server a host pair that cannot live-migrate.
     */
    private String composeHeadline(String soon) {
        String unread = notAudited();
        String notAudited = unread.isEmpty() ? "" : " Not audited (directory not read): " + unread + ".";
        int failing = failingPairs();
        int attention = clustersNeedingAttention();
        if (!plan.hasChanges() && failing == 0 && status == Status.GREEN) {
            String noChange = " No change is needed" + neededBefore() + ".";
            return (pairs() > 0 ? "Live migration is correctly delegated in every audited cluster."
                    : "No directed host pair to check (a cluster needs two nodes found in the directory).")
                    + noChange + soon + notAudited;
        }
        String text;
        if (attention > 0) {
            // the NO-GO clusters as page 1's verdict counts them, then the GO ones with findings: apart, so the
            // sentence never reads as contradicting "NO-GO: 4 of 9 clusters"
            // a GO cluster with open findings, or with nothing open but a pair failing under a waiver
            int noGo = clustersNoGo();
            int more = (int) clusters.stream().filter(c -> c.go() && Status.of(c.counts()) != Status.GREEN).count();
            int waivedOnly = (int) clusters.stream().filter(c -> c.go() && Status.of(c.counts()) == Status.GREEN
                    && c.failingPairs() > 0).count();
            String of = " of " + Words.plural(clusters.size(), "cluster");
            String findings = (more == 1 ? " has" : " have") + " findings to clean up";
            String underWaiver = waivedOnly == 0 ? "" : waivedOnly + (waivedOnly == 1
                    ? " more has a pair that fails under a waiver" : " more have pairs that fail under a waiver");
            if (noGo == 0 && more == 0) {
                text = "No cluster is NO-GO, but " + waivedOnly + of + (waivedOnly == 1
                        ? " has a pair that fails under a waiver" : " have pairs that fail under a waiver");
            } else {
                text = noGo == 0 ? "No cluster is NO-GO, but " + more + of + findings
                        : noGo + of + (noGo == 1 ? " is" : " are") + " NO-GO" + (more == 0 ? "" : "; " + more
                        + " more" + findings);
                text += underWaiver.isEmpty() ? "" : "; " + underWaiver;
            }
        } else {
            // what is open is outside the clusters (an operator, a host no longer in one): said as such, where "but 1
            // finding above INFO does" read as a sentence cut short
            int above = counts.openAboveInfo();
            boolean outside = unclustered.openAboveInfo() == above;
            text = "No cluster needs attention; " + Words.plural(above, "finding") + " above INFO " + (outside
                    ? Character.toLowerCase(unclusteredAboveInfoLabel.charAt(0)) + unclusteredAboveInfoLabel.substring(1)
                    + " " : "") + (above == 1 ? "is" : "are") + " open (see Findings)";
        }
        text += failing > 0 ? "; " + failingPathsInWords() + "."
                : pairs() == 0 ? "; no host pair could be checked." : "; every directed host pair"
                + (unread.isEmpty() ? "" : " of the audited clusters") + (nodesNotFound() ? " between the nodes found"
                : "") + " is delegated correctly.";
        text += failing == 0 ? highBeyondPairs() : "";
        // "No scripted change" only where something is left to do by hand: a decision; else page 1's own words
        return text + (plan.hasChanges() ? " The fix changes " + Words.plural(plan.objectsChanged(),
                "object") + " in Active Directory." : plan.decisions().isEmpty()
                ? " No change to Active Directory is proposed." : " No scripted change to Active Directory.")
                + soon + notAudited;
    }

    /** {@link #waiversEndingSoon} as the headline's next sentence, or "". */
    private String soon() {
        return waiversEndingSoon.isEmpty() ? "" : " " + waiversEndingSoon;
    }

    /**
     * A GO cluster that turns NO-GO the day after {@code expires}, when the waiver of {@code finding} ends (the first of
     * its waived findings to be open again that would make it NO-GO); {@code what} names it: {@code MISSING_DELEGATION
     * HV02 -> HV03}.
     */
    public record WaiverEndingSoon(String cluster, Finding finding, java.time.LocalDate expires, String what) {
    }

    /**
     * The last day a waiver may be valid through and be said to end soon at {@code at}: its date in UTC plus {@link
     * #WAIVER_ENDS_SOON_DAYS}.
     */
    public static java.time.LocalDate endsSoonLimit(java.time.Instant at) {
        return java.time.LocalDate.ofInstant(at, java.time.ZoneOffset.UTC).plusDays(WAIVER_ENDS_SOON_DAYS);
    }

    /**
     * For each GO cluster, the first of its waived findings to be open again that would make it NO-GO (a HIGH one, or
     * a blocker of one of its pairs), where its waiver ends within {@link #WAIVER_ENDS_SOON_DAYS} days of the run's
     * finish (not of the rendering: a report re-rendered later says the same); the first to end first.
     */
    private List<WaiverEndingSoon> composeWaiverEndings() {
        java.time.Instant at = doc.finishedAt() != null ? doc.finishedAt() : doc.startedAt();
        if (at == null) {
            return List.of();
        }
        java.time.LocalDate limit = endsSoonLimit(at);
        // most runs have none: the clusters are looked at only for the waivers that end soon
        List<Finding> ending = new ArrayList<>();
        for (FindingView v : findings) {
            Finding f = v.finding();
            if (f.isWaived() && f.waiver() != null && f.waiver().expires() != null
                    && !f.waiver().expires().isAfter(limit)) {
                ending.add(f);
            }
        }
        List<WaiverEndingSoon> endings = new ArrayList<>();
        for (ClusterView c : ending.isEmpty() ? List.<ClusterView>of() : clusters) {
            if (!c.go()) {
                continue;
            }
            // a blocker of its pairs whatever cluster its finding belongs to (a shared file server's is the first
            // cluster's, a service account's may be none), as GO / NO-GO counts it
            Set<String> blockers = c.waivedFailing().stream().flatMap(x -> x.blockers().stream())
                    .filter(BlockerView::waived).map(BlockerView::findingId).collect(Collectors.toSet());
            ending.stream().filter(f -> blockers.contains(f.id()) || f.severity() == Severity.HIGH
                            && f.cluster() != null && f.cluster().equalsIgnoreCase(c.name()))
                    .min(Comparator.comparing(f -> f.waiver().expires()))
                    .ifPresent(f -> endings.add(new WaiverEndingSoon(c.name(), f, f.waiver().expires(), f.rule()
                            + (where(f).isEmpty() ? "" : " " + where(f)))));
        }
        endings.sort(Comparator.comparing(WaiverEndingSoon::expires));
        return List.copyOf(endings);
    }

    /**
     * "Waiver ending soon: HVC1 turns NO-GO on 2026-12-10, when the waiver of MISSING_DELEGATION HV02 -> HV03 ends
     * (valid through 2026-12-09); renew it or fix what it waives before any patch window on or after 2026-12-10.", or
     * "" for none (the day is the first cluster's to turn NO-GO, the endings being the first to end first); at
     * most {@link #SOON_NAMED} clusters named, the rest counted.
     */
    public static String waiversEndingSoon(List<WaiverEndingSoon> endings) {
        if (endings.isEmpty()) {
            return "";
        }
        boolean one = endings.size() == 1;
        List<String> named = new ArrayList<>();
        for (WaiverEndingSoon e : endings.subList(0, Math.min(SOON_NAMED, endings.size()))) {
            named.add(e.cluster() + (named.isEmpty() ? " turns NO-GO on " : " on ") + e.expires().plusDays(1)
                    + ", when the waiver of " + e.what() + " ends (valid through " + e.expires() + ")");
        }
        if (endings.size() > SOON_NAMED) {
            named.add("and " + Words.plural(endings.size() - SOON_NAMED, "more cluster"));
        }
        return (one ? "Waiver" : "Waivers") + " ending soon: " + String.join("; ", named) + (one
                ? "; renew it or fix what it waives" : "; renew them or fix what they waive")
                + " before any patch window on or after " + endings.get(0).expires().plusDays(1) + ".";
    }

    /**
     * " before 2026-12-10" where a waiver ends soon (a change is needed by the day its cluster turns NO-GO), else "":
     * what follows "No change is needed" in the headline, the runbooks and remediation.ps1.
     */
    public String neededBefore() {
        return waiverEndings.isEmpty() ? "" : " before " + waiverEndings.get(0).expires().plusDays(1);
    }

    /** The GO clusters that turn NO-GO within {@link #WAIVER_ENDS_SOON_DAYS} days of the run, the first to first. */
    public List<WaiverEndingSoon> waiverEndings() {
        return waiverEndings;
    }

    /**
     * The sentence saying which GO clusters turn NO-GO within {@link #WAIVER_ENDS_SOON_DAYS} days of the run, as their
     * waivers end (part of the headline; the console prints it beside the decision), or "".
     */
    public String waiversEndingSoon() {
        return waiversEndingSoon;
    }

    /**
     * For a run whose pairs all pass (or that could check none), what keeps its NO-GO clusters NO-GO, in words: their open HIGH findings (the
     * table's "+ HIGH: RBCD_ALLOWS_ANY_ACCOUNT ×1"), by rule with its title, at most {@link #HIGH_RULES_NAMED} rules
     * named; "" when there are none. Without it, "NO-GO; every directed host pair is delegated correctly" gave a reader
     * who does not know the rule ids no reason.
     */
    private String highBeyondPairs() {
        Map<String, List<GoVerdict.Reason>> byRule = new LinkedHashMap<>();
        for (ClusterView c : clusters) {
            if (c.go()) {
                continue;
            }
            Set<String> pairRules = c.blockersByRule().keySet();
            for (GoVerdict.Reason r : c.verdict().reasons()) {
                if (r.rule() != null && r.ofFindings() && !pairRules.contains(r.rule())) {
                    byRule.computeIfAbsent(r.rule(), k -> new ArrayList<>()).add(r);
                }
            }
        }
        if (byRule.isEmpty()) {
            return "";
        }
        int findings = byRule.values().stream().flatMap(List::stream).mapToInt(GoVerdict.Reason::findings).sum();
        List<String> named = new ArrayList<>();
        byRule.forEach((rule, reasons) -> {
            if (named.size() < HIGH_RULES_NAMED) {
                String title = rule(rule).title();
                named.add(Character.toLowerCase(title.charAt(0)) + title.substring(1) + " \u2014 " + reasons.stream()
                        .map(GoVerdict.Reason::textWithoutPairNote).collect(Collectors.joining(", ")));
            }
        });
        int more = byRule.size() - named.size();
        return " NO-GO" + (pairs() == 0 ? "" : " all the same") + " for " + (findings == 1 ? "an open HIGH finding" : "open HIGH findings") + ": "
                + String.join("; ", named)
                + (more > 0 ? "; … and " + Words.plural(more, "more rule") : "") + ".";
    }

    /** How many rules {@link #highBeyondPairs} names in the headline before it counts the rest. */
    private static final int HIGH_RULES_NAMED = 3;

    /** The run's directories (one, unless the config names several domains), in config order. */
    public List<DirectoryView> directories() {
        return directories;
    }

    /** Whether the run read several directories (domains): reports then name each cluster's and host's. */
    public boolean multiDirectory() {
        return directories.size() > 1;
    }

    private Set<String> allDirectories() {
        return directories.stream().map(DirectoryView::name).collect(Collectors.toSet());
    }

    /**
     * The directories a cluster's verdict rests on, by name: its own and those of the clusters it shares a
     * {@code policy.migrationGroups} entry with (its pairs reach their nodes). What a cluster's preflight and its
     * owners' notice say of the directories ({@link #aesNotChecked(Set)}, {@link #dcSummaries(String)}) is of these.
     */
    public Set<String> directoriesOf(String cluster) {
        Set<String> wanted = new HashSet<>();
        wanted.add(cluster.toLowerCase(Locale.ROOT));
        List<List<String>> groups = doc.policy() == null || doc.policy().migrationGroups() == null ? List.of()
                : doc.policy().migrationGroups();
        for (List<String> group : groups) {
            if (group.stream().anyMatch(cluster::equalsIgnoreCase)) {
                group.stream().filter(java.util.Objects::nonNull).forEach(g -> wanted.add(g.toLowerCase(Locale.ROOT)));
            }
        }
        // a cluster whose config names no directory was read from the first one
        String first = directories.isEmpty() ? null : directories.get(0).name();
        return clusters.stream().filter(c -> wanted.contains(c.name().toLowerCase(Locale.ROOT)))
                .map(c -> c.directory() == null ? first : c.directory()).filter(java.util.Objects::nonNull)
                .collect(Collectors.toSet());
    }

    /**
     * "AES keys were not checked: …" where the date a domain gained AES keys (whenCreated of its RID-521 group) was not
     * read, so that no password was judged against it (AES_KEYS_MISSING): a GO says nothing of those keys. Of the
     * audited directories among {@code names}, naming them with several; null where every such date was read.
     */
    public String aesNotChecked(Set<String> names) {
        List<String> unread = new ArrayList<>();
        List<FindingsDocument.DirectoryDoc> listed = doc.directories() == null ? List.of() : doc.directories();
        // a findings.json written before directories[]: its one directory
        if (listed.isEmpty() && doc.directory() != null && doc.directory().aesKeysSince() == null
                && directories.stream().anyMatch(d -> names.contains(d.name()))) {
            unread.add(directories.get(0).name());
        }
        listed.stream().filter(d -> d != null && d.audited() && d.aesKeysSince() == null && names.contains(d.name()))
                .forEach(d -> unread.add(d.name()));
        if (unread.isEmpty()) {
            return null;
        }
        return "AES keys were not checked" + (multiDirectory() ? " in " + String.join(", ", unread) : "")
                + ": the date the domain gained them (whenCreated of its group with RID 521, Read-only Domain"
                + " Controllers) could not be read, so whether a password predates them (AES_KEYS_MISSING) is not known.";
    }

    /** {@link #aesNotChecked(Set)} of every directory of the run. */
    public String aesNotChecked() {
        return aesNotChecked(allDirectories());
    }

    /** The {@code kind} of a host-settings (Get-VMHost) file among findings.json's {@code imports[]}. */
    static final String HOST_SETTINGS_IMPORT = "hostSettings";

    /** How many nodes {@link #migrationAuthenticationNotChecked()} names; the others it counts. */
    static final int UNCHECKED_NAMED = 6;

    /**
     * "Migration authentication was not checked for HV02, HV03: …" where no export gives some nodes'
     * VirtualMachineMigrationAuthenticationType ({@code clusters[].migrationAuthenticationUnchecked}): their pairs are
     * not blocked for it, so an OK pair says nothing of it; where no {@code hostSettings.sources} is configured (no
     * host-settings file among the run's imports), that nothing was checked. Null where there are none.
     */
    public String migrationAuthenticationNotChecked() {
        return migrationAuthenticationNotChecked(null);
    }

    /** {@link #migrationAuthenticationNotChecked()} of the clusters named {@code clusters} (any case); null: all. */
    public String migrationAuthenticationNotChecked(Set<String> clusters) {
        List<String> nodes = nn(doc.clusters()).stream().filter(c -> clusters == null
                        || clusters.stream().anyMatch(c.name()::equalsIgnoreCase))
                .flatMap(c -> nn(c.migrationAuthenticationUnchecked()).stream()).toList();
        if (nodes.isEmpty()) {
            return null;
        }
        if (nn(doc.imports()).stream().noneMatch(i -> HOST_SETTINGS_IMPORT.equals(i.kind()))) {
            return "Migration authentication was not checked: no hostSettings.sources (a Get-VMHost export of each"
                    + " node) is configured, so whether the hosts migrate with Kerberos"
                    + " (VirtualMachineMigrationAuthenticationType) is not known and the pairs read OK without it;"
                    + " Hyper-V's default is CredSSP, which constrained delegation does not serve and Credential Guard"
                    + " (on by default on Windows Server 2025) blocks: export Get-VMHost from every node and configure"
                    + " hostSettings.sources.";
        }
        boolean one = nodes.size() == 1;
        // each name as every other line shows it (HV17\u2019$(calc)\u202E), not raw
        return "Migration authentication was not checked for " + String.join(", ", nodes.subList(0,
                Math.min(UNCHECKED_NAMED, nodes.size())).stream().map(Values::visibleAccount).toList()) + (nodes.size() > UNCHECKED_NAMED ? " and "
                + (nodes.size() - UNCHECKED_NAMED) + " more" : "") + ": no hostSettings.sources export gives "
                + (one ? "its" : "their") + " VirtualMachineMigrationAuthenticationType (no row, or neither Kerberos nor"
                + " CredSSP in it), so " + (one ? "its" : "their") + " pairs read OK without it; Hyper-V's default is"
                + " CredSSP, which constrained delegation does not serve: check with Get-VMHost and export "
                + (one ? "it" : "them") + " too.";
    }

    /**
     * "Operators were not checked …" where {@code policy.operators} is empty (findings.json
     * {@code policy.operatorsUnchecked}): no account that starts moves remotely was judged (OPERATOR_NOT_DELEGABLE), so
     * a GO says nothing of it. Null where operators were checked, or the findings.json predates the field.
     */
    public String operatorsNotChecked() {
        return doc.policy() != null && Boolean.TRUE.equals(doc.policy().operatorsUnchecked())
                ? "Operators were not checked (policy.operators is empty): moves started remotely need an account that"
                + " can be delegated (not sensitive, not in Protected Users)." : null;
    }

    /**
     * The account each directory was read as (findings.json {@code directories[].account}, its name only):
     * "svc-kcdaudit@contoso.com", or with several directories "default: …; fabrikam: …"; null where findings.json
     * names none (written before it kept them).
     */
    public String readAs() {
        List<FindingsDocument.DirectoryDoc> ds = doc.directories() == null ? List.of() : doc.directories();
        List<String> parts = ds.stream().filter(d -> d.account() != null)
                .map(d -> ds.size() > 1 ? d.name() + ": " + d.account() : d.account()).toList();
        return parts.isEmpty() ? null : String.join("; ", parts);
    }

    /**
     * Said once, not per host: "Change time not available from this directory" (naming the directories when only
     * some keep none); null when every audited directory gave change times or none was asked.
     */
    public String changeTimesNote() {
        return changeTimesNote(allDirectories());
    }

    /** {@link #changeTimesNote()} of the directories named {@code names} only (a cluster's, {@link #directoriesOf}). */
    public String changeTimesNote(Set<String> names) {
        List<DirectoryView> without = directories.stream().filter(d -> d.audited() && names.contains(d.name())
                && Boolean.FALSE.equals(d.changeTimes())).toList();
        if (without.isEmpty()) {
            return null;
        }
        String text = multiDirectory() && without.size() > 1 ? NO_CHANGE_TIMES_SEVERAL : NO_CHANGE_TIMES;
        String sentence = Character.toUpperCase(text.charAt(0)) + text.substring(1);
        if (!multiDirectory()) {
            return sentence + ".";
        }
        return sentence + ": " + String.join(", ", without.stream().map(DirectoryView::name).toList()) + ".";
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

    /**
     * The domain controllers behind the verdict, one sentence per directory read: how each compared ({@code preflight
     * --all-dcs}), or that only the one the audit read was.
     */
    public List<String> dcSummaries() {
        return directories.stream().filter(DirectoryView::audited)
                .map(d -> (multiDirectory() ? d.name() + ": " : "") + d.dcSummary()).toList();
    }

    /**
     * The same as cluster {@code cluster}'s preflight gives it: of the directories its verdict rests on
     * ({@link #directoriesOf}), a DC's differences counted in its own pairs only (those of its matrix, whose source
     * is its node): a lag that blocks another cluster's pairs is that cluster's.
     */
    public List<String> dcSummaries(String cluster) {
        Set<String> names = directoriesOf(cluster);
        Set<String> pairs = new HashSet<>();
        nn(doc.clusters()).stream().filter(c -> c != null && cluster.equalsIgnoreCase(c.name()))
                .flatMap(c -> nn(c.matrix()).stream()).filter(java.util.Objects::nonNull)
                .forEach(p -> pairs.add(DirectoryView.pairKey(p.from(), p.to())));
        return directories.stream().filter(d -> d.audited() && names.contains(d.name()))
                .map(d -> (multiDirectory() ? d.name() + ": " : "") + d.dcSummary(cluster, pairs)).toList();
    }

    private static List<DirectoryView> directories(FindingsDocument doc) {
        List<DirectoryView> out = new ArrayList<>();
        for (FindingsDocument.DirectoryDoc d : nn(doc.directories())) {
            if (d != null) {
                out.add(new DirectoryView(d.name(), d.url(), d.baseDn(), d.dc(), domainOf(d.baseDn()), d.audited(),
                        d.failure(), d.changeTimes(), d.domainControllers(), dcDifferences(doc, d.domainControllers())));
            }
        }
        if (out.isEmpty() && doc.directory() != null) {
            // a findings.json written before directories[]: its one directory
            FindingsDocument.Directory d = doc.directory();
            out.add(new DirectoryView("default", d.url(), d.baseDn(), d.dc(), domainOf(d.baseDn()), true, null, null,
                    null, List.of()));
        }
        return List.copyOf(out);
    }

    /** The DC_NOT_CONVERGED findings of {@code doc} that name one of {@code dcs}. */
    private static List<Finding> dcDifferences(FindingsDocument doc, List<FindingsDocument.DcDoc> dcs) {
        if (dcs == null) {
            return List.of();
        }
        Set<String> names = new HashSet<>();
        dcs.stream().filter(x -> x != null && x.name() != null).forEach(x -> names.add(x.name().toLowerCase(Locale.ROOT)));
        return nn(doc.findings()).stream().filter(f -> f != null && DcDivergence.RULE.equals(f.rule())
                && f.severity() != null && f.hasEvidence() && f.evidence().dc() != null
                && names.contains(f.evidence().dc().toLowerCase(Locale.ROOT))).toList();
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
