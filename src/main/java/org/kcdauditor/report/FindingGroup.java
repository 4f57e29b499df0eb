package org.kcdauditor.report;

import org.kcdauditor.model.Finding;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Findings the PDF shows as one row: those of one rule and severity on the delegation entries from one source host to
 * one peer, all waived or all open (and following from the same waived findings). A node that lost its delegation has
 * four such findings per peer (two services, short and full name), each with the same message and command but for
 * its entry: one row says the pair, how many findings it stands for, the entries once and one command for them. A
 * finding not about an entry of a pair is a group of its own. The workbook's Findings sheet and findings.json keep one
 * row per finding; every count stays a count of findings ({@link #size}).
 */
public record FindingGroup(List<ReportView.FindingView> findings) {
    /** Where the entries of a group stand in its shared text. */
    private static final String ENTRIES = "\u0000";

    public FindingGroup {
        findings = List.copyOf(findings);
    }

    public ReportView.FindingView first() {
        return findings.get(0);
    }

    /** How many findings the row stands for. */
    public int size() {
        return findings.size();
    }

    public boolean waived() {
        return first().waived();
    }

    /** The entries of the group, each once, as {@link ReportView.FindingView#spn} shows them. */
    public List<String> entries() {
        return findings.stream().map(ReportView.FindingView::spn).distinct().toList();
    }

    /**
     * The finding's message: for a group, the message its findings share with the entries listed once in the place of
     * each one's ("HV02 is not allowed to delegate to cifs/HV03, cifs/hv03.contoso.com, …, so live migration HV02 ->
     * HV03 fails."); their messages, each once, where they differ otherwise.
     */
    public List<String> message() {
        return shared(x -> x.finding().message() == null ? "" : x.finding().message(), x -> x.spn(), ", ");
    }

    /**
     * What to do: for a group, the remediation its findings share with their entries quoted in one list in the place of
     * each one's (one {@code Set-ADComputer … -Add @{'msDS-AllowedToDelegateTo'=@('a', 'b')}} for the pair); their
     * remediations, each once, where they differ otherwise.
     */
    public List<String> remediation() {
        return shared(x -> x.remediation() == null ? "" : x.remediation(), x -> quoted(x.finding().spn()), ", ");
    }

    private List<String> shared(java.util.function.Function<ReportView.FindingView, String> text,
                          java.util.function.Function<ReportView.FindingView, String> own, String separator) {
        if (size() == 1) {
            return List.of(text.apply(first()));
        }
        String template = null;
        List<String> values = new ArrayList<>();
        for (ReportView.FindingView x : findings) {
            String value = own.apply(x);
            String t = text.apply(x);
            String mine = value == null || value.isEmpty() || !t.contains(value) ? null : t.replace(value, ENTRIES);
            if (mine == null || template != null && !template.equals(mine)) {
                // not one text but for the entry: each as it is, each once
                return findings.stream().map(text).distinct().toList();
            }
            template = mine;
            if (!values.contains(value)) {
                values.add(value);
            }
        }
        return List.of(template.replace(ENTRIES, String.join(separator, values)));
    }

    /** An SPN as a remediation's command quotes it (PowerShell, a quote doubled). */
    private static String quoted(String spn) {
        return spn == null ? null : "'" + spn.replace("'", "''") + "'";
    }

    /**
     * {@code findings} (in their order) as groups: those on the entries of one pair with the same rule, severity,
     * waiver state and consequence as one group, where the first of them stands; every other finding alone.
     */
    public static List<FindingGroup> of(List<ReportView.FindingView> findings) {
        Map<String, List<ReportView.FindingView>> groups = new LinkedHashMap<>();
        for (ReportView.FindingView x : findings) {
            groups.computeIfAbsent(key(x, true, groups.size()), k -> new ArrayList<>()).add(x);
        }
        return groups.values().stream().map(FindingGroup::new).toList();
    }

    /**
     * {@code findings} as the PDF's rows: the groups ({@link #of}) of one source host's entries to its peers with the
     * same rule, severity, waiver state and consequence as one block, where the first of them stands (a node that lost
     * its delegation: one block per rule, a row per peer under it, their shared message and command once); every
     * other group a block of its own.
     */
    public static List<Block> blocks(List<ReportView.FindingView> findings) {
        Map<String, List<FindingGroup>> blocks = new LinkedHashMap<>();
        for (FindingGroup g : of(findings)) {
            blocks.computeIfAbsent(key(g.first(), false, blocks.size()), k -> new ArrayList<>()).add(g);
        }
        return blocks.values().stream().map(Block::new).toList();
    }

    /** What findings share to be one group (with their peer) or one block (without); a unique key for any other. */
    private static String key(ReportView.FindingView x, boolean byPeer, int unique) {
        Finding f = x.finding();
        if (f.host() == null || f.peer() == null || x.spn() == null) {
            return "\u0001" + unique;
        }
        return String.join("\u0000", String.valueOf(f.rule()), String.valueOf(f.severity()),
                f.host().toLowerCase(Locale.ROOT), byPeer ? f.peer().toLowerCase(Locale.ROOT) : "",
                String.valueOf(f.cluster()), String.valueOf(x.waived()), x.waived() ? String.valueOf(x.waiverNote()) : "",
                x.consequence() == null ? "" : x.consequence().text());
    }

    /**
     * The groups of one source host's entries to its peers that share rule, severity, waiver state and consequence, or
     * a group of its own.
     */
    public record Block(List<FindingGroup> groups) {
        public Block {
            groups = List.copyOf(groups);
        }

        public FindingGroup first() {
            return groups.get(0);
        }

        /** How many findings the block stands for. */
        public int size() {
            return groups.stream().mapToInt(FindingGroup::size).sum();
        }

        public boolean waived() {
            return first().waived();
        }

        /** The peers of its findings, each once, in their order. */
        public List<String> peers() {
            return groups.stream().flatMap(g -> g.findings().stream()).map(x -> x.finding().peer())
                    .filter(java.util.Objects::nonNull).distinct().toList();
        }
    }
}
