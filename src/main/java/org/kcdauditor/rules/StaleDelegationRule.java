package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * STALE_DELEGATION: a node delegates a migration, cifs or other policy service to a host that is not its peer or does
 * not exist (a configured node or file server that was not found, or that another directory holds, excepted:
 * HOST_NOT_FOUND reports it, and its entries
 * are the ones needed once it is joined again); or a computer that is no configured node, such as a node evicted
 * whose computer object is still there, delegates such a service to a node ({@link #intoNodes}).
 * An entry naming a host that does not exist is removed by the plan, as is one that names a peer with a port or white
 * space (the KDC never matches it); one naming an existing host that is not a configured peer may serve migration to
 * another cluster, so an administrator decides. A removal names the host of the entry as its peer only when the entry
 * is that host's in the form the KDC asks for, or names a host that does not exist under a name no computer has: an
 * entry that only starts like a computer's name is removed without a peer, so that no step reads as removing the
 * delegation to that computer. A value that is no SPN is MALFORMED_DELEGATION_ENTRY's.
 */
public final class StaleDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("STALE_DELEGATION", Severity.LOW, Category.HYGIENE,
            "A host delegates to a host that is not its peer",
            "a node delegates a migration, cifs or other policy service to a host that is not its peer or does not"
                    + " exist (not a configured node or file server that was not found, or that another directory holds:"
                    + " HOST_NOT_FOUND reports it, and"
                    + " the entry is needed once it is joined again), or names a peer in a form the KDC never asks for"
                    + " (with a port or white space, or by a name it registers no SPN under: its cn where that is not"
                    + " its account name, as after a rename that kept the cn); or an enabled computer that is no"
                    + " configured node (a node evicted whose computer object is still there) delegates such a service"
                    + " to a node, `host`=that computer"
                    + " (its entry names a node of another domain only by that node's dNSHostName, never by a short"
                    + " name: docs/directories.md); a value that is no SPN is MALFORMED_DELEGATION_ENTRY's",
            "Entries left behind for removed or moved nodes grant delegation nobody needs (least privilege)"
                    + " and hide the real state of the cluster in ADUC; a re-used host name would inherit the trust.",
            "MS-ADA2 2.219 msDS-AllowedToDelegateTo");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /** {@code hv15.contoso.com} and {@code hv15} both name host HV15: the first label, upper case as AD shows it. */
    static String netbiosName(String host) {
        int dot = host.indexOf('.');
        return (dot > 0 ? host.substring(0, dot) : host).toUpperCase(Locale.ROOT);
    }

    /**
     * The peer or file server that registers an SPN for {@code hostName}, an {@link Spn#hostName} (without port and
     * trailing dot, in any case), for any service ({@code cifs/X} is served
     * by {@code HOST/X}): the KDC finds the target by its SPNs, so an entry naming it is not stale even when
     * its dNSHostName does not say that name (an invalid one, DNS_HOST_NAME_INVALID).
     */
    private static AdObject registering(String hostName, Set<AdObject> peers, List<AdObject> fileServers) {
        for (List<AdObject> group : List.of(List.copyOf(peers), fileServers)) {
            for (AdObject o : group) {
                for (String s : o.spns()) {
                    Spn registered = Spn.parse(s);
                    if (registered != null && registered.hostName().equalsIgnoreCase(hostName)) {
                        return o;
                    }
                }
            }
        }
        return null;
    }

    /**
     * The configured nodes of {@code cluster}'s migration group and its file servers that the directory does not
     * have, by {@link #netbiosName}: an entry naming one is the entry the pair will need once the host is (re)joined,
     * and HOST_NOT_FOUND already reports the host. {@code byName}: the clusters by name in lower case, filled on the
     * first call of an evaluation (once, not once per cluster asked: 1,566 names lower-cased for each of a hundred
     * clusters at 20,000 hosts).
     */
    private static Set<String> missingPeers(AuditContext ctx, ResolvedCluster cluster,
                                            Map<String, List<ResolvedCluster>> byName) {
        if (byName.isEmpty()) {
            for (ResolvedCluster c : ctx.clusters()) {
                byName.computeIfAbsent(c.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(c);
            }
        }
        Set<String> group = new HashSet<>();
        group.add(cluster.name().toLowerCase(Locale.ROOT));
        for (List<String> g : ctx.policy().migrationGroups()) {
            if (g.stream().anyMatch(n -> n.equalsIgnoreCase(cluster.name()))) {
                g.forEach(n -> group.add(n.toLowerCase(Locale.ROOT)));
            }
        }
        Set<String> out = new HashSet<>();
        for (String name : group) {
            for (ResolvedCluster c : byName.getOrDefault(name, List.of())) {
                c.missingNodes().forEach(n -> out.add(netbiosName(hostPart(n))));
            }
        }
        cluster.missingFileServers().forEach(n -> out.add(netbiosName(hostPart(n))));
        return out;
    }

    /**
     * The peer or file server an FQDN entry {@code hostName} that names no computer means in another DNS suffix: its
     * first label is the host's NetBIOS name, the host's own FQDN is another (a disjoint namespace, dNSHostName
     * {@code hv91.corp.contoso.com} in the domain contoso.com, while a script wrote {@code hv91.contoso.com}); else
     * null.
     */
    private static AdObject inAnotherSuffix(AuditContext ctx, String hostName, Set<AdObject> peers,
                                            List<AdObject> fileServers) {
        if (hostName.indexOf('.') <= 0) {
            return null;
        }
        String label = netbiosName(hostName);
        for (List<AdObject> group : List.of(List.copyOf(peers), fileServers)) {
            for (AdObject o : group) {
                String fqdn = ctx.fqdnOf(o);
                if (fqdn != null && !fqdn.equalsIgnoreCase(hostName)
                        && AuditContext.netbiosName(o).equalsIgnoreCase(label)) {
                    return o;
                }
            }
        }
        return null;
    }

    /**
     * How an entry's host part {@code hostName} names {@code peer}, which the directory finds by it, where the peer
     * registers no SPN under it: "its cn" (a computer renamed whose cn kept the old name, or pre-staged under a long
     * name whose account was cut to 15 characters) or "its host name" (longer than a NetBIOS name); null where it is
     * the peer's account name or DNS name, or an SPN of the peer names it (an alternate name it registers).
     */
    private static String unregisteredName(AuditContext ctx, String hostName, AdObject peer) {
        String fqdn = ctx.fqdnOf(peer);
        if (hostName.equalsIgnoreCase(AuditContext.netbiosName(peer)) || fqdn != null && hostName.equalsIgnoreCase(fqdn)
                || peer.dnsHostName() != null
                && hostName.equalsIgnoreCase(DnsNames.withoutTrailingDots(peer.dnsHostName().strip()))
                || registering(hostName, Set.of(peer), List.of()) != null) {
            return null;
        }
        return hostName.equalsIgnoreCase(peer.cn()) ? "its cn" : "its host name";
    }

    /**
     * The peer or file server without a dNSHostName that an FQDN entry names by its first label: DNS_HOST_NAME_MISSING
     * says its FQDN form cannot be checked; the entry is the one the pair needs once the host registers its name, so it
     * is not stale (and never removed by a script).
     */
    private static AdObject withoutDnsHostName(String hostName, Set<AdObject> peers, List<AdObject> fileServers) {
        if (hostName.indexOf('.') <= 0) {
            return null;
        }
        String label = netbiosName(hostName);
        for (List<AdObject> group : List.of(List.copyOf(peers), fileServers)) {
            for (AdObject o : group) {
                if ((o.dnsHostName() == null || o.dnsHostName().isBlank())
                        && AuditContext.netbiosName(o).equalsIgnoreCase(label)) {
                    return o;
                }
            }
        }
        return null;
    }

    /**
     * Why an entry naming a host is never what the KDC compares it with, or null: the migration service and SMB are
     * asked for as {@code service/host}, and the KDC matches the whole SPN, so a port or white space around the host
     * makes an entry that only looks like the one a pair needs.
     */
    private static String lookAlike(Spn spn) {
        if (spn.host().indexOf(':') >= 0) {
            return "with a port";
        }
        return trimmed(spn.raw()).equals(spn.raw()) && trimmed(spn.host()).equals(spn.host())
                && trimmed(spn.service()).equals(spn.service()) ? null : "with white space";
    }

    /**
     * {@code s} without the white space around it: what {@link String#strip} takes off and the no-break spaces
     * (U+00A0, U+2007, U+202F), which look as blank in ADUC and the reports and which strip leaves.
     */
    static String trimmed(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && blank(s.charAt(from))) {
            from++;
        }
        while (to > from && blank(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean blank(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** A configured name as a host name: {@code HV01$} → {@code HV01}. */
    private static String hostPart(String configured) {
        return configured.endsWith("$") ? configured.substring(0, configured.length() - 1) : configured;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        // the policy's services, and always the migration service and cifs, even where the policy leaves one out
        Set<String> services = MalformedDelegationEntryRule.services(ctx);
        Map<ResolvedCluster, Set<String>> missing = new IdentityHashMap<>();
        Map<String, List<ResolvedCluster>> clustersByName = new HashMap<>();
        for (AdObject node : ctx.nodes()) {
            ResolvedCluster cluster = ctx.clusterOf(node);
            Set<AdObject> peers = ctx.peersOf(node);
            for (String entry : ctx.unexpectedDelegations(node)) {
                Spn spn = Spn.parse(entry);
                if (spn == null || !services.contains(trimmed(spn.service()).toLowerCase(Locale.ROOT))
                        || DelegationToSensitiveTargetRule.sensitive(ctx, entry) != null
                        || MalformedDelegationEntryRule.malformed(entry, services) != null) {
                    // an entry naming a domain controller is DELEGATION_TO_SENSITIVE_TARGET's, a value that is no SPN
                    // MALFORMED_DELEGATION_ENTRY's
                    continue;
                }
                String lookAlike = lookAlike(spn);
                AdObject target = ctx.computer(trimmed(spn.hostName()));
                if (lookAlike != null && target != null
                        && (peers.contains(target) || cluster.fileServers().contains(target))) {
                    out.add(INFO).cluster(cluster.name()).host(node.name()).peer(target.name()).spn(entry)
                            .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                    .actual(List.of(entry)).targetExists(true).build())
                            .message(node.name() + " delegates to '" + Values.visibleSpn(entry) + "', which names its"
                                    + " peer " + target.name() + " in a form the KDC never asks for (" + lookAlike + "): it"
                                    + " grants nothing a live migration uses, and looks in ADUC like the entry the"
                                    + " pair needs.")
                            // no peer named in the action: its step would read "Remove delegation to <peer>"
                            .action(new Action.RemoveDelegation(node.name(), null, List.of(entry))).emit();
                    continue;
                }
                String unregistered = target != null && peers.contains(target) && ctx.entryOwner(entry) == null
                        ? unregisteredName(ctx, trimmed(spn.hostName()), target) : null;
                if (unregistered != null) {
                    String fqdn = ctx.fqdnOf(target);
                    out.add(INFO).cluster(cluster.name()).host(node.name()).peer(target.name()).spn(entry)
                            .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                    .actual(List.of(entry)).targetExists(true).build())
                            .message(node.name() + " delegates to " + Values.visibleSpn(entry) + ", which names its"
                                    + " peer " + target.name() + " by " + unregistered + ", a name it registers no SPN"
                                    + " under (Windows registers them under its account name "
                                    + Values.visibleAccount(AuditContext.netbiosName(target))
                                    + (fqdn == null ? "" : " and its DNS name " + Values.visibleSpn(fqdn)) + "): the"
                                    + " KDC never finds a service by it, so the entry grants nothing a live migration"
                                    + " uses.")
                            // no peer named in the action: its step would read "Remove delegation to <peer>"
                            .action(new Action.RemoveDelegation(node.name(), null, List.of(entry))).emit();
                    continue;
                }
                if (target == null) {
                    target = registering(spn.hostName(), peers, cluster.fileServers());
                }
                if (target == null) {
                    target = ctx.entryOwner(entry); // an alias: the KDC finds the object that registers the SPN
                }
                if (target == null) {
                    target = withoutDnsHostName(spn.hostName(), peers, cluster.fileServers());
                }
                if (target == null && ctx.mayBeUnread(spn.hostName())) {
                    continue; // a directory could not be read (optional): the host may live there, unjudged
                }
                if (target != null && (peers.contains(target) || cluster.fileServers().contains(target))
                        || target == null && missing.computeIfAbsent(cluster, c -> missingPeers(ctx, c, clustersByName))
                        .contains(netbiosName(spn.hostName()))
                        || target != null && !java.util.Objects.equals(ctx.directoryOf(target), ctx.directoryOf(node))
                        && missing.computeIfAbsent(cluster, c -> missingPeers(ctx, c, clustersByName))
                        .contains(netbiosName(target.name()))) {
                    // the last: a peer or file server configured for the cluster that lives in another directory, no
                    // stray entry: HOST_NOT_FOUND says what reaching it across the domains takes
                    continue;
                }
                String peer = target == null ? netbiosName(spn.hostName()) : target.name();
                String shown = Values.visibleSpn(entry);
                // an entry for a host that does not exist, whose first label names a computer that does (a peer:
                // cifs/hv05.evil.example, cifs/hv05.cоntoso.com) or is no host name (cifs/hv0５.contoso.com, a
                // fullwidth 5): its removal names no peer, or its step would read "Remove delegation to HV05" beside
                // the entry that pair needs
                Action remove = new Action.RemoveDelegation(node.name(), target == null && (ctx.computer(peer) != null
                        || !Values.validHostName(peer)) ? null : peer, List.of(entry));
                FindingSink.Draft f = out.add(INFO).cluster(cluster.name()).host(node.name()).peer(peer).spn(entry)
                        .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                .actual(List.of(entry)).targetExists(target != null).build());
                if (target == null) {
                    AdObject namesake = inAnotherSuffix(ctx, spn.hostName(), peers, cluster.fileServers());
                    f.message(node.name() + " delegates to " + shown + " but no computer named "
                            + Values.visibleSpn(spn.hostName()) + " exists in the directory" + (namesake == null ? "."
                            : "; " + namesake.name() + "'s DNS name is " + Values.visibleSpn(ctx.fqdnOf(namesake))
                            + ", the form the pairs into it need.")).action(remove).emit();
                } else {
                    f.message(node.name() + " delegates to " + shown + " but " + target.name() + " is not a peer of "
                                    + node.name() + " in the configured clusters.")
                            .action(new Action.Manual(target.name() + " exists in the directory but is not a configured"
                                    + " peer of " + node.name() + ": the entry may be intended (live migration to"
                                    + " another cluster, see policy.migrationGroups), or add the host to the cluster's"
                                    + " configuration if it is a peer. Remove it only if nobody migrates from "
                                    + node.name() + " to " + target.name() + ":", List.of(remove)))
                            .emit();
                }
            }
        }
        intoNodes(ctx, services, out);
    }

    /**
     * The computer a classic delegation entry of {@code holder} names by {@code hostName}, or null: one of the holder's
     * own directory (domain) by name or dNSHostName, whose KDC resolves the entry and which classic delegation cannot
     * leave; in another directory only by a full dNSHostName (the entry names that domain), never by a short name (two
     * domains may each have an HV01). With one directory, {@link AuditContext#computer}.
     */
    private static AdObject named(AuditContext ctx, String hostName, AdObject holder) {
        AdObject own = ctx.computerIn(hostName, ctx.directoryOf(holder));
        if (own != null || hostName.indexOf('.') <= 0) {
            return own;
        }
        AdObject other = ctx.computer(hostName);
        return other != null && other.dnsHostName() != null
                && DnsNames.withoutTrailingDots(other.dnsHostName().strip()).equalsIgnoreCase(hostName) ? other : null;
    }

    /**
     * The entries of an enabled computer that is no configured node or file server and that name a node's service: a
     * node evicted whose computer object is still there, above all, keeps its delegation to the nodes it left, with
     * which it can still act for users towards them (with protocol transition as any user, without their ticket). One
     * finding per entry, in the node's cluster, a decision: it may be a Hyper-V host of a cluster not configured.
     */
    private static void intoNodes(AuditContext ctx, Set<String> services, FindingSink out) {
        Map<ResolvedCluster, Set<String>> missing = new IdentityHashMap<>();
        Map<String, List<ResolvedCluster>> clustersByName = new HashMap<>();
        for (AdObject o : ctx.snapshot().objects()) {
            // a member computer's account (a user, a domain controller or a managed service account is no host),
            // enabled (a disabled one gets no ticket to delegate with)
            if (o.delegateTo().isEmpty() || (o.userAccountControl() & Uac.WORKSTATION_TRUST_ACCOUNT) == 0
                    || o.disabled() || ctx.clusterOfHost(o) != null || ctx.snapshot().isManagedServiceAccount(o)) {
                continue;
            }
            for (String entry : o.delegateTo()) {
                Spn spn = Spn.parse(entry);
                if (spn == null || !services.contains(spn.service().toLowerCase(Locale.ROOT)) || lookAlike(spn) != null
                        || MalformedDelegationEntryRule.malformed(entry, services) != null) {
                    continue;
                }
                AdObject node = named(ctx, spn.hostName(), o);
                if (node == null) {
                    node = ctx.entryOwnerIn(entry, ctx.directoryOf(o));
                }
                ResolvedCluster cluster = node == null ? null : ctx.clusterOf(node);
                if (cluster == null || missing.computeIfAbsent(cluster, c -> missingPeers(ctx, c, clustersByName))
                        .contains(netbiosName(o.name()))) {
                    // the second: a node or file server configured for the cluster (or its migration group) that
                    // lives in another directory, HOST_NOT_FOUND's
                    continue;
                }
                String shown = Values.visibleSpn(entry);
                boolean anyUser = (o.userAccountControl() & Uac.TRUSTED_TO_AUTH_FOR_DELEGATION) != 0;
                out.add(INFO).cluster(cluster.name()).host(o.name()).peer(node.name()).spn(entry)
                        .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                .actual(List.of(entry)).targetExists(true).build())
                        .message(o.name() + " is no node of a configured cluster but delegates to " + shown + " of "
                                + cluster.name() + "'s node " + node.name() + ": no configured migration needs the"
                                + " entry, and with it " + o.name() + " can act as " + (anyUser ? "any user towards "
                                + node.name() + " (protocol transition)" : "the users who authenticate to it towards "
                                + node.name()) + ".")
                        .action(new Action.Manual(o.name() + " is no node of a configured cluster (a node evicted"
                                + " whose computer object is still there, or a Hyper-V host of a cluster that is not"
                                + " configured): remove the entry once nobody migrates from " + o.name() + " to "
                                + node.name() + " (a host that is gone: delete or disable its computer object), or add "
                                + o.name() + " to its cluster's configuration if it is a node:",
                                List.of(new Action.RemoveDelegation(o.name(), node.name(), List.of(entry)))))
                        .emit();
            }
        }
    }
}
