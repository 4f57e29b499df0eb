package org.kcdauditor.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a cluster may go into a patch window (GO) and, if not, why: every HIGH finding of the cluster
 * that no waiver suppresses blocks it, so does every unwaived finding that blocks one of its pairs (of any
 * severity or cluster), and a node on Windows Server 2025 with a blocked pair blocks it in any case (Credential Guard, on by default there, leaves no CredSSP fallback). Written into findings.json
 * ({@code clusters[].go}, {@code clusters[].reasons}) and shown by preflight, the reports and the mail.
 */
public record GoVerdict(boolean go, List<Reason> reasons) {
    /** Windows Server 2025 is build 26100. */
    static final int WS2025_BUILD = 26100;
    private static final Pattern BUILD = Pattern.compile("\\((\\d+)\\)");

    /** The reason of a cluster whose directory could not be read: it was not audited. */
    public static final String NOT_AUDITED = "DIRECTORY_NOT_READ";
    /**
     * The reason of a cluster whose pairs a domain controller serves that {@code preflight --all-dcs} could not read, or
     * read but could not search for other holders of the nodes' SPNs (DC_UNREACHABLE): whether that DC has replicated
     * the delegation, or whether its KDC finds one holder per SPN, which the check was asked to prove, is unknown. Its
     * pairs are served by the DCs of the cluster's directory and of the directories of the clusters it migrates with
     * ({@code policy.migrationGroups}): a DC of another directory serves none of them.
     */
    public static final String DC_NOT_READ = "DC_NOT_READ";
    /** Windows Server 2025 nodes named in that reason; the others are counted. */
    static final int WS2025_NAMED = 6;

    /** The end of each reason of a cluster whose every pair migrates: the open HIGH findings alone hold it. */
    static final String EVERY_PAIR_MIGRATES = "; every pair can migrate: the open HIGH finding itself holds the patch"
            + " window until it is fixed or waived";

    /** The reason of a Windows Server 2025 node with a blocked pair: Credential Guard leaves no CredSSP fallback. */
    public static final String WS2025 = "WS2025_NO_CREDSSP_FALLBACK";

    /**
     * One reason for NO-GO: the rule of its findings (or {@link #NOT_AUDITED} / {@link #DC_NOT_READ} / {@link #WS2025}, which are no
     * findings: {@code findings} 0), how many findings, in words.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(String rule, int findings, String text) {
        /**
         * The text without {@link #EVERY_PAIR_MIGRATES}: for a headline that says already that every pair is
         * delegated correctly.
         */
        public String textWithoutPairNote() {
            return text != null && text.endsWith(EVERY_PAIR_MIGRATES)
                    ? text.substring(0, text.length() - EVERY_PAIR_MIGRATES.length()) : text;
        }

        /** Whether the reason is a rule's findings (not {@link #NOT_AUDITED}, {@link #DC_NOT_READ} or {@link #WS2025}). */
        public boolean ofFindings() {
            return !NOT_AUDITED.equals(rule) && !WS2025.equals(rule) && !DC_NOT_READ.equals(rule);
        }
    }

    /**
     * Judges every cluster of one document: the HIGH findings are grouped by cluster and the hosts indexed
     * by name once, so judging all clusters is linear in findings, hosts and pairs (a scan of all findings
     * and hosts per cluster took 6–8 s at 20,000 hosts in 1,566 clusters).
     */
    public static final class Judge {
        private final Map<String, List<Finding>> highByCluster = new HashMap<>();
        private final Map<String, Finding> openById = new HashMap<>();
        private final Map<String, FindingsDocument.HostDoc> byName = new HashMap<>();
        /** Per cluster (folded name): the migration groups it is in, each as the clusters it lists. */
        private final Map<String, List<List<FindingsDocument.ClusterDoc>>> groupsOf = new HashMap<>();
        /** Per directory: the domain controllers {@code --all-dcs} could not read. */
        private Map<String, List<String>> unreadDcs = Map.of();
        /** Per directory: the domain controllers {@code --all-dcs} read but could not search for other SPN holders. */
        private Map<String, List<String>> unsearchedDcs = Map.of();
        /** The directory of a cluster whose config names none. */
        private String defaultDirectory;

        public Judge(List<Finding> findings, List<FindingsDocument.HostDoc> hosts) {
            for (Finding f : findings) {
                if (f == null || f.isWaived()) {
                    continue;
                }
                if (f.id() != null) {
                    openById.put(f.id(), f);
                }
                if (f.severity() == Severity.HIGH && f.cluster() != null) {
                    highByCluster.computeIfAbsent(fold(f.cluster()), k -> new ArrayList<>()).add(f);
                }
            }
            for (FindingsDocument.HostDoc h : hosts == null ? List.<FindingsDocument.HostDoc>of() : hosts) {
                byName.put(h.name().toLowerCase(Locale.ROOT), h);
            }
        }

        /**
         * Knows the migration groups ({@code policy.migrationGroups}): a cluster whose group holds a cluster that was
         * not audited has pairs into it nobody checked, so it is no GO either ({@link #NOT_AUDITED}); the DCs of the
         * directories of its group's clusters serve its pairs too ({@link #DC_NOT_READ}). Each group is kept once, so
         * a large group costs its size, not its size squared.
         */
        public Judge withGroups(List<FindingsDocument.ClusterDoc> clusters, List<List<String>> groups) {
            Map<String, FindingsDocument.ClusterDoc> byCluster = new HashMap<>();
            (clusters == null ? List.<FindingsDocument.ClusterDoc>of() : clusters)
                    .forEach(c -> byCluster.putIfAbsent(fold(c.name()), c));
            for (List<String> group : groups == null ? List.<List<String>>of() : groups) {
                // by folded name: a record's hash would walk its whole matrix
                Map<String, FindingsDocument.ClusterDoc> members = new LinkedHashMap<>();
                for (String name : group) {
                    FindingsDocument.ClusterDoc c = name == null ? null : byCluster.get(fold(name));
                    if (c != null) {
                        members.putIfAbsent(fold(c.name()), c);
                    }
                }
                List<FindingsDocument.ClusterDoc> listed = List.copyOf(members.values());
                listed.forEach(c -> groupsOf.computeIfAbsent(fold(c.name()), k -> new ArrayList<>()).add(listed));
            }
            return this;
        }

        /** The other clusters of {@code cluster}'s migration groups, each once, in the order the groups list them. */
        private java.util.Collection<FindingsDocument.ClusterDoc> peers(FindingsDocument.ClusterDoc cluster) {
            Map<String, FindingsDocument.ClusterDoc> out = new LinkedHashMap<>();
            String self = fold(cluster.name());
            for (List<FindingsDocument.ClusterDoc> group : groupsOf.getOrDefault(self, List.of())) {
                group.stream().filter(c -> !fold(c.name()).equals(self)).forEach(c -> out.putIfAbsent(fold(c.name()), c));
            }
            return out.values();
        }

        /**
         * Knows the domain controllers {@code preflight --all-dcs} could not read ({@code unread}), and those it read but
         * could not search for other holders of the nodes' SPNs ({@code unsearched}), by directory
         * ({@code defaultDirectory}: that of a cluster naming none): a cluster of that directory, or migrating with a
         * cluster of it ({@link #withGroups}), is no GO ({@link #DC_NOT_READ}).
         */
        public Judge withUnreadDcs(Map<String, List<String>> unread, Map<String, List<String>> unsearched,
                                   String defaultDirectory) {
            this.unreadDcs = unread;
            this.unsearchedDcs = unsearched;
            this.defaultDirectory = defaultDirectory;
            return this;
        }

        public GoVerdict of(FindingsDocument.ClusterDoc cluster) {
            Map<String, List<Finding>> blocking = new LinkedHashMap<>();
            blocking(cluster).forEach(f -> blocking.computeIfAbsent(f.rule(), k -> new ArrayList<>()).add(f));
            List<Reason> reasons = new ArrayList<>();
            java.util.Collection<FindingsDocument.ClusterDoc> peers = peers(cluster);
            if (!cluster.wasAudited()) {
                reasons.add(new Reason(NOT_AUDITED, 0, "not audited: directory " + cluster.directory() + " could not be read"));
            } else {
                for (FindingsDocument.ClusterDoc o : peers) {
                    if (!o.wasAudited()) {
                        reasons.add(new Reason(NOT_AUDITED, 0, "pairs into " + o.name() + " (policy.migrationGroups)"
                                + " not checked: directory " + o.directory() + " could not be read"));
                    }
                }
            }
            dcsNotRead(cluster, peers, reasons);
            // every pair migrates: the open HIGH findings alone hold the window, which their reasons say (a CAB reading
            // NO-GO could not tell a cluster that cannot be drained from one whose hosts can)
            List<FindingsDocument.PairDoc> matrix = cluster.matrix() == null ? List.of() : cluster.matrix();
            String noPairBlocked = reasons.isEmpty() && cluster.wasAudited() && !matrix.isEmpty()
                    && matrix.stream().allMatch(FindingsDocument.PairDoc::passes) ? EVERY_PAIR_MIGRATES : "";
            blocking.forEach((rule, list) -> {
                Set<String> where = new LinkedHashSet<>();
                // a node named with a look-alike letter or an invisible character by its code, as in the tables
                list.forEach(f -> where.add(f.host() == null ? cluster.name() : f.peer() == null
                        ? Values.visibleAccount(f.host())
                        : Values.visibleAccount(f.host()) + " -> " + Values.visibleAccount(f.peer())));
                List<String> shown = new ArrayList<>(where).subList(0, Math.min(4, where.size()));
                reasons.add(new Reason(rule, list.size(), Words.plural(list.size(), rule + " finding") + " ("
                        + String.join(", ", shown) + (where.size() > shown.size() ? ", …" : "") + ")"
                        + mayBeUnreadable(list) + noPairBlocked));
            });
            Set<String> ws2025 = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER); // by name, as listed
            for (FindingsDocument.PairDoc p : cluster.matrix() == null ? List.<FindingsDocument.PairDoc>of()
                    : cluster.matrix()) {
                if (p.passes()) {
                    continue;
                }
                for (String end : new String[]{p.from(), p.to()}) {
                    FindingsDocument.HostDoc h = byName.get(end.toLowerCase(Locale.ROOT));
                    if (h != null && windowsServer2025(h)) {
                        ws2025.add(h.name());
                    }
                }
            }
            if (!ws2025.isEmpty()) {
                // at most WS2025_NAMED by name, the rest counted: a 32-node cluster's 32 names filled page 1's
                // blockers cell, and the mail and the console print this text too
                List<String> named = new ArrayList<>(ws2025).subList(0, Math.min(WS2025_NAMED, ws2025.size()));
                String who = String.join(", ", named) + (ws2025.size() > named.size() ? " and "
                        + (ws2025.size() - named.size()) + " more" : "");
                reasons.add(new Reason(WS2025, 0, who + (ws2025.size() == 1 ? " runs" : " run")
                        + " Windows Server 2025 and " + (ws2025.size() == 1 ? "has" : "have") + " a blocked pair:"
                        + " Credential Guard (on by default) leaves no CredSSP fallback, so that migration fails even"
                        + " if the blocker is waived"));
            }
            return new GoVerdict(reasons.isEmpty(), List.copyOf(reasons));
        }

        /**
         * One {@link #DC_NOT_READ} reason per domain controller that serves pairs of {@code cluster} and that
         * {@code --all-dcs} could not read or could not search for other holders of the nodes' SPNs: the DCs of its
         * directory, then of the other directories of the clusters it migrates with, whose KDCs its pairs across
         * domains ask (a source asks its own domain's, the referral into a target ends at one of the target's, which
         * checks its resource-based delegation). A DC of a directory none of its pairs reaches is not its concern.
         */
        private void dcsNotRead(FindingsDocument.ClusterDoc cluster,
                                java.util.Collection<FindingsDocument.ClusterDoc> peers, List<Reason> reasons) {
            String own = directoryOf(cluster);
            // each directory its pairs reach, with the clusters of the group there (none for its own)
            Map<String, List<String>> reached = new LinkedHashMap<>();
            if (own != null) {
                reached.put(own, List.of());
            }
            for (FindingsDocument.ClusterDoc o : peers) {
                String d = directoryOf(o);
                if (d != null && !d.equals(own)) {
                    reached.computeIfAbsent(d, k -> new ArrayList<>()).add(o.name());
                }
            }
            reached.forEach((directory, with) -> {
                // at most 4 clusters named, as a reason's hosts are
                String of = with.isEmpty() ? "" : " of directory " + directory + " (the pairs with "
                        + String.join(", ", with.subList(0, Math.min(4, with.size())))
                        + (with.size() > 4 ? ", …" : "") + ", policy.migrationGroups, ask its KDCs)";
                for (String dc : unreadDcs.getOrDefault(directory, List.of())) {
                    reasons.add(new Reason(DC_NOT_READ, 0, "domain controller " + dc + of + " could not be read:"
                            + " whether it has replicated the delegation is unknown (DC_UNREACHABLE); run the preflight"
                            + " again when it answers (decommissioned: remove it from the domain, metadata cleanup, or"
                            + " from domainControllers in the configuration)"));
                }
                for (String dc : unsearchedDcs.getOrDefault(directory, List.of())) {
                    reasons.add(new Reason(DC_NOT_READ, 0, "domain controller " + dc + of + " was read, but the search"
                            + " for other holders of the nodes' SPNs failed on it: whether its KDC finds a second holder"
                            + " of one, and refuses the tickets for it, is unknown (DC_UNREACHABLE); run the preflight"
                            + " again when it answers that search, or look for the holders there as a Domain Admin"));
                }
            });
        }

        private String directoryOf(FindingsDocument.ClusterDoc cluster) {
            return cluster.directory() == null ? defaultDirectory : cluster.directory();
        }

        /**
         * The open findings that make {@code cluster} NO-GO, in finding order then matrix order: its HIGH ones, and
         * every one that blocks one of its pairs, whatever its severity or cluster.
         */
        public Set<Finding> blocking(FindingsDocument.ClusterDoc cluster) {
            Set<Finding> open = new LinkedHashSet<>();
            for (Finding f : highByCluster.getOrDefault(fold(cluster.name()), List.of())) {
                if (cluster.name().equalsIgnoreCase(f.cluster())) {
                    open.add(f);
                }
            }
            // an open finding that blocks one of the cluster's pairs blocks it whatever its severity or cluster
            // (a disabled account is MEDIUM, a file server's AES finding belongs to no cluster)
            for (FindingsDocument.PairDoc p : cluster.matrix() == null ? List.<FindingsDocument.PairDoc>of()
                    : cluster.matrix()) {
                for (FindingsDocument.BlockerDoc b : p.passes() ? List.<FindingsDocument.BlockerDoc>of()
                        : p.blockerList()) {
                    Finding f = b.findingId() == null ? null : openById.get(b.findingId());
                    if (f != null) {
                        open.add(f);
                    }
                }
            }
            return open;
        }

        /**
         * A key shared by all names {@link String#equalsIgnoreCase} takes as equal (each code point upper-
         * then lower-cased, as that comparison does); the exact comparison is still made within a key.
         */
        private static String fold(String name) {
            StringBuilder b = new StringBuilder(name.length());
            name.codePoints().forEach(cp -> b.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
            return b.toString();
        }
    }

    /**
     * {@code ; 8 of them on HV02, whose msDS-AllowedToDelegateTo was written but read as empty: …} for the findings
     * whose evidence says the attribute they judged may be unreadable to the bind account (hidden rather than empty);
     * empty when none does.
     */
    private static String mayBeUnreadable(List<Finding> findings) {
        Set<String> hosts = new LinkedHashSet<>();
        Set<String> attributes = new LinkedHashSet<>();
        int n = 0;
        for (Finding f : findings) {
            if (f.hasEvidence() && Boolean.TRUE.equals(f.evidence().mayBeUnreadable()) && f.host() != null) {
                n++;
                hosts.add(Values.visibleAccount(f.host()));
                attributes.add(f.evidence().attribute());
            }
        }
        if (n == 0) {
            return "";
        }
        List<String> shown = new ArrayList<>(hosts).subList(0, Math.min(4, hosts.size()));
        return "; " + n + " of them on " + String.join(", ", shown) + (hosts.size() > shown.size() ? ", …" : "")
                + ", whose " + String.join(" and ", attributes) + " was written but read as empty: look at it as a"
                + " Domain Admin before adding entries";
    }

    /** Windows Server 2025 or later: build 26100 and up ({@code 10.0 (26100)}). */
    static boolean windowsServer2025(FindingsDocument.HostDoc h) {
        if (h.operatingSystemVersion() != null) {
            Matcher m = BUILD.matcher(h.operatingSystemVersion());
            if (m.find()) {
                return Integer.parseInt(m.group(1)) >= WS2025_BUILD;
            }
        }
        return h.operatingSystem() != null && h.operatingSystem().matches(".*Server 20(2[5-9]|[3-9]\\d).*");
    }
}
