package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.LastFoundSid;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Action;

/** HOST_NOT_FOUND: a configured node (or file server) has no computer object under the base DN. */
public final class HostNotFoundRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("HOST_NOT_FOUND", Severity.HIGH, Category.INVENTORY,
            "A configured host has no computer object",
            "a configured node or file server has no computer object under `baseDn`",
            "A node the configuration names but the directory does not hold cannot be delegated to or from;"
                    + " either the host was removed (update the configuration) or the name or base DN is wrong.",
            "kcd-audit configuration: clusters[].nodes, directory.baseDn");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (ResolvedCluster c : ctx.clusters()) {
            for (String name : c.missingNodes()) {
                LastFoundSid last = ctx.lastFoundSid(name);
                AdObject renamed = ctx.renamedNode(name, last);
                out.add(INFO).cluster(c.name()).host(name)
                        .evidence(Evidence.builder().attribute("clusters[].nodes").expected(java.util.List.of(name))
                                .lastFoundRunId(renamed == null ? null : last.runId())
                                .lastFoundRunAt(renamed == null ? null : last.finishedAt()).build())
                        .message("Cluster " + c.name() + " lists node '" + name + "' but no computer object with that"
                                + " name exists under " + ctx.baseDnOf(c) + "." + elsewhere(ctx, c, name, true)
                                + (renamed == null ? "" : " " + named(renamed.name(), renamed.dnsHostName())
                                + " holds objectSid " + renamed.objectSid() + ", which "
                                + named(last.name(), last.dnsHostName()) + " had in "
                                + (last.runId().equals(ctx.inputs().previous().runId()) ? "the previous run"
                                : "the run of " + UtcTime.of(last.finishedAt()) + ", the last that found it")
                                + ": the computer was renamed."))
                        .action(new Action.Manual((renamed == null ? "" : ctx.clusterOf(renamed) != null
                                ? "Remove " + name + " from clusters[].nodes: " + renamed.name() + ", the same"
                                + " computer, is a node of " + ctx.clusterOf(renamed).name() + " already. Else: "
                                : "Name it " + configureAs(name, renamed) + " in clusters[].nodes: the peers' entries"
                                + " for " + last.name() + " then read as stale and those for " + renamed.name()
                                + " as missing. Else: ") + (otherDirectory(ctx, c, name) == null ? "Check the spelling"
                                + " (the NetBIOS name or the DNS name) and directory.baseDn, or remove the node from"
                                + " the configuration if it was decommissioned." + unreadable(name)
                                : "List " + name + " in a cluster of " + otherDirectory(ctx, c, name) + " (in a"
                                + " policy.migrationGroups entry with " + c.name() + " if VMs move between them), or"
                                + " remove it from " + c.name() + "'s nodes.")))
                        .emit();
            }
            for (String name : c.missingFileServers()) {
                // a file server may serve several clusters, each with its finding: the cluster tells their ids apart
                out.add(INFO).cluster(c.name()).host(name).idSpn(c.name())
                        .evidence(Evidence.builder().attribute("clusters[].fileServers")
                                .expected(java.util.List.of(name)).fileServer(true).build())
                        .message("Cluster " + c.name() + " lists file server '" + name + "' but no computer object"
                                + " with that name exists under " + ctx.baseDnOf(c) + "."
                                + elsewhere(ctx, c, name, false))
                        .action(new Action.Manual(otherDirectory(ctx, c, name) == null ? "Check"
                                + " clusters[].fileServers: give the Scale-Out File Server's client access point name."
                                + unreadable(name) : "Check the resource-based delegation on " + name + " in "
                                + otherDirectory(ctx, c, name) + " (Get-ADComputer " + name + " -Server <a DC of"
                                + " that domain> -Properties PrincipalsAllowedToDelegateToAccount): it must allow "
                                + c.name() + "'s nodes. Remove " + name + " from clusters[].fileServers if " + c.name()
                                + " does not use it."))
                        .emit();
            }
        }
    }

    /** A host as the hint names it: its name, and its DNS name where it has one. */
    private static String named(String name, String dns) {
        return dns == null ? name : name + " (" + dns + ")";
    }

    /**
     * The name to configure for {@code renamed}, in the form the configuration names node {@code name} by: its DNS name
     * for a node configured by a DNS name (as the directory holds it now: a host renamed into another DNS suffix is
     * not its new name in the old suffix), else its NetBIOS name.
     */
    private static String configureAs(String name, AdObject renamed) {
        boolean dnsName = DnsNames.withoutTrailingDots(name).contains(".");
        return dnsName && renamed.dnsHostName() != null ? DnsNames.withoutTrailingDots(renamed.dnsHostName())
                : AuditContext.netbiosName(renamed);
    }

    /**
     * The other reason a search misses a computer: an object the bind account may not read (a deny ACE on it or its
     * OU) is left out of its results as if it did not exist.
     */
    private static String unreadable(String name) {
        return " If " + name + " is in the directory, the bind account may not read it: give it read access to computer"
                + " objects (docs/install.md, \"The service account\").";
    }

    /**
     * Where a host of that name is, when another directory holds it (a cluster whose nodes live in two domains, or
     * one that names the wrong directory; a file server in another domain); empty otherwise.
     */
    private static String elsewhere(AuditContext ctx, ResolvedCluster c, String name, boolean node) {
        String other = otherDirectory(ctx, c, name);
        if (other == null) {
            return "";
        }
        String where = " " + name + " is a computer of directory " + other + " (" + ctx.directory(other).baseDn()
                + "): a cluster's ";
        // the entries the nodes may hold for it grant nothing: the KDC of the nodes' domain cannot serve them
        String across = " Classic constrained delegation (msDS-AllowedToDelegateTo) cannot cross domains, so ";
        return node ? where + "nodes are read from its own directory (" + c.directory() + "), so list it in a cluster"
                + " of " + other + ", or set this cluster's directory to " + other + " if all its nodes are there." + across
                + "moves between " + name + " and " + c.name() + "'s nodes need resource-based delegation on " + name
                + " (msDS-AllowedToActOnBehalfOfOtherIdentity) allowing " + c.name() + "'s nodes, and on each of them"
                + " allowing " + name + " (CROSS_DOMAIN_NEEDS_RBCD checks it for the clusters of a"
                + " policy.migrationGroups entry)."
                : where + "file servers are looked up in its own directory (" + c.directory() + ") only, and the tool"
                + " does not audit a file server of another directory (no configuration key makes it): the pairs into "
                + name + " are not evaluated." + across + "storage access to " + name + " needs resource-based"
                + " delegation on " + name + " (msDS-AllowedToActOnBehalfOfOtherIdentity) allowing " + c.name()
                + "'s nodes.";
    }

    /** The other configured directory that holds a computer {@code name}, or null. */
    private static String otherDirectory(AuditContext ctx, ResolvedCluster c, String name) {
        String other = ctx.directoryOf(ctx.computer(name));
        return other == null || other.equals(c.directory()) || ctx.directory(other) == null ? null : other;
    }
}
