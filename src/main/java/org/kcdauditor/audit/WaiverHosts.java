package org.kcdauditor.audit;

import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Waivers that waive nothing, however long they stay "active": those whose {@code host} or {@code peer} the audit
 * does not know (a typo, a host left out of the clusters; a waiver matches findings by them), and those whose
 * {@code spn} the findings they are meant for never carry.
 */
public final class WaiverHosts {
    /** What the reports' waiver lists say of such a waiver. */
    public static final String NO_NODE = "matches no configured node: its host is no node, file server or operator"
            + " of this configuration and no finding names it, so it waives nothing (check the host name)";

    /** What the reports' waiver lists say of a waiver whose {@code peer} the audit does not know. */
    public static final String NO_PEER = "names a peer that is no node, file server or operator of this configuration"
            + " and that no finding names, so it waives nothing (check the peer's name)";

    /** What the reports' waiver lists say of a waiver whose {@code spn} its rule's findings never carry. */
    public static final String NO_SPN = "names an SPN, but the findings of its rule on this host name none, so it"
            + " waives nothing (remove spn: to waive them)";

    /** The rules whose findings are about a waiver and name its host, whatever that host is. */
    private static final Set<String> ABOUT_WAIVERS = Set.of("WAIVER_EXPIRED", "WAIVER_TOO_LONG", "WAIVER_UNUSED");

    private WaiverHosts() {
    }

    /**
     * The host names a waiver's {@code host} may name: the nodes and file servers of a configured cluster (found or
     * not), the operators (as configured, or an account of one), the hosts of the baseline and the hosts of
     * {@code findings} (but for the findings about waivers, which name any waiver's host); lower case, as waivers
     * match names ignoring case.
     */
    private static Set<String> knownHosts(Baseline baseline, AuditContext ctx, Collection<Finding> findings) {
        Set<String> known = new HashSet<>();
        for (ResolvedCluster c : ctx.clusters()) {
            c.nodes().forEach(n -> add(known, n.name()));
            c.missingNodes().forEach(n -> add(known, n));
            c.fileServers().forEach(n -> add(known, n.name()));
            c.missingFileServers().forEach(n -> add(known, n));
        }
        ctx.policy().operators().forEach(o -> add(known, o));
        for (Operator o : ctx.snapshot().operators()) {
            for (OperatorAccount a : o.accounts()) {
                add(known, a.samAccountName());
            }
        }
        baseline.hosts().keySet().forEach(h -> add(known, h));
        for (Finding f : findings) {
            if (!ABOUT_WAIVERS.contains(f.rule())) {
                add(known, f.host());
            }
        }
        return known;
    }

    /**
     * The waivers of {@code baseline} with an {@code spn} whose rule has findings on the waiver's host (and peer, when
     * it names one) in {@code findings}, none of which names an SPN: the waiver can match none of them.
     */
    private static List<Waiver> spnNeverNamed(Baseline baseline, Collection<Finding> findings) {
        List<Waiver> out = new ArrayList<>();
        for (Waiver w : baseline.waivers()) {
            if (w.spn() == null) {
                continue;
            }
            List<Finding> meant = findings.stream().filter(w::matchesPlace).toList();
            if (!meant.isEmpty() && meant.stream().allMatch(f -> f.spn() == null)) {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * What the reports say of each waiver of {@code baseline}, in its order: {@link #NO_NODE} (or, for a node named
     * by its DNS name, which name to give), {@link #NO_PEER}, {@link #NO_SPN} or null.
     */
    public static List<String> warnings(Baseline baseline, AuditContext ctx, Collection<Finding> findings) {
        if (baseline.waivers().isEmpty()) {
            return List.of();
        }
        Set<String> known = knownHosts(baseline, ctx, findings);
        // a waiver's peer may also be any peer a finding names (a target outside every cluster)
        Set<String> knownPeers = new HashSet<>(known);
        for (Finding f : findings) {
            if (!ABOUT_WAIVERS.contains(f.rule())) {
                add(knownPeers, f.peer());
            }
        }
        List<Waiver> spnless = spnNeverNamed(baseline, findings);
        List<String> out = new ArrayList<>();
        for (Waiver w : baseline.waivers()) {
            out.add(!unknown(w.host(), known) ? unknown(w.peer(), knownPeers) ? NO_PEER
                    : spnless.contains(w) ? NO_SPN : null
                    : unknownHost(w.host(), ctx));
        }
        return out;
    }

    /**
     * What to say of a waiver whose host is none the audit knows: for a node or file server named by its DNS name
     * (which {@code clusters[].nodes} accepts, and {@link AuditContext#computer} resolves, the root's trailing dot
     * too), the name to give, as findings name it; else {@link #NO_NODE} (a NetBIOS name followed by dots is no DNS
     * name, however many).
     */
    private static String unknownHost(String host, AuditContext ctx) {
        boolean dnsName = host != null && DnsNames.withoutTrailingDots(host).contains(".");
        AdObject o = dnsName ? ctx.computer(host) : null;
        String role = null;
        if (o != null) {
            for (ResolvedCluster c : ctx.clusters()) {
                if (c.nodes().contains(o)) {
                    role = "node";
                } else if (c.fileServers().contains(o)) {
                    role = "file server";
                }
            }
        }
        return role == null ? NO_NODE : "names " + role + " " + o.name() + " by its DNS name: waivers name a host as"
                + " findings do (host: " + o.name() + "), so it waives nothing";
    }

    private static boolean unknown(String name, Set<String> known) {
        return name != null && !known.contains(Waiver.nameKey(name));
    }

    /** The workbook's short form of a {@link #warnings} entry ({@code NO NODE}, {@code NO PEER}, {@code NO SPN}). */
    public static String label(String warning) {
        return NO_PEER.equals(warning) ? "NO PEER" : NO_SPN.equals(warning) ? "NO SPN" : "NO NODE";
    }

    private static void add(Set<String> known, String name) {
        if (name != null) {
            known.add(Waiver.nameKey(name));
        }
    }
}
