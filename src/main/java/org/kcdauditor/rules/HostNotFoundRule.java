package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
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
                PreviousRun prev = ctx.inputs().previous();
                LastFoundSid last = prev == null ? null : prev.lastFoundSid(name);
                AdObject renamed = renamed(ctx, name, last);
                out.add(INFO).cluster(c.name()).host(name)
                        .evidence(Evidence.builder().attribute("clusters[].nodes").expected(java.util.List.of(name))
                                .lastFoundRunId(renamed == null ? null : last.runId())
                                .lastFoundRunAt(renamed == null ? null : last.finishedAt()).build())
                        .message("Cluster " + c.name() + " lists node '" + name + "' but no computer object with that"
                                + " name exists under " + ctx.baseDnOf(c) + "." + elsewhere(ctx, c, name, true)
                                + (renamed == null ? "" : " " + renamed.name() + (renamed.dnsHostName() == null ? ""
                                : " (" + renamed.dnsHostName() + ")") + " has the objectSid " + name + " had in "
                                + (last.runId().equals(prev.runId()) ? "the previous run" : "the run of "
                                + UtcTime.of(last.finishedAt()) + ", the last that found it") + " ("
                                + renamed.objectSid() + "): the computer was renamed."))
                        .action(new Action.Manual((renamed == null ? "" : "Name it " + renamed.name() + " in"
                                + " clusters[].nodes: the peers' entries for " + name + " then read as stale and those"
                                + " for " + renamed.name() + " as missing. Else: ") + "Check the spelling (NetBIOS"
                                + " name) and directory.baseDn, or remove the node from the configuration if it was"
                                + " decommissioned." + unreadable(name)))
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
                        .action(new Action.Manual("Check clusters[].fileServers: give the Scale-Out File Server's"
                                + " client access point name." + unreadable(name)))
                        .emit();
            }
        }
    }

    /**
     * The computer that has now the objectSid node {@code name} had in the last run that found it ({@code last}; null:
     * none recorded it), under another name: the node renamed (its account, DNS name and SPNs) before the configuration
     * followed, also when runs in between did not find it either; null when there is none.
     */
    private static AdObject renamed(AuditContext ctx, String name, LastFoundSid last) {
        AdObject now = last == null ? null : ctx.bySid(last.objectSid());
        return now == null || now.name().equalsIgnoreCase(name) ? null : now;
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
        String other = ctx.directoryOf(ctx.computer(name));
        org.kcdauditor.model.DirectoryPart part = other == null || other.equals(c.directory()) ? null
                : ctx.directory(other);
        if (part == null) {
            return "";
        }
        String where = " " + name + " is a computer of directory " + other + " (" + part.baseDn() + "): a cluster's ";
        return node ? where + "nodes are read from its own directory (" + c.directory() + "), so list it in a cluster"
                + " of " + other + ", or set this cluster's directory to " + other + " if all its nodes are there."
                : where + "file servers are looked up in its own directory (" + c.directory() + ") only.";
    }
}
