package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.List;

/**
 * NO_MIGRATION_PARTNER: a cluster has one node and no other node it migrates to (none listed or under its OU
 * besides it, none in a cluster of its {@code policy.migrationGroups}). There is no pair to check, and for a patch
 * window its virtual machines cannot be live-migrated off it; without this finding such a cluster read 0/0 pairs
 * and GO. Listed nodes that were not found (HOST_NOT_FOUND) are named: they are no partner either, and a waiver of
 * HOST_NOT_FOUND for a retired node must not leave the cluster GO.
 */
public final class NoMigrationPartnerRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("NO_MIGRATION_PARTNER", Severity.HIGH, Category.INVENTORY,
            "A cluster's only node has no host to migrate to",
            "a cluster has one node and no other node to migrate to (none besides it found in the list or OU, none in"
                    + " a cluster of its `policy.migrationGroups`): no pair was checked, and its VMs cannot be"
                    + " live-migrated off it, so never GO",
            "A patch window is GO when every node can be drained by live migration. A cluster with a single node"
                    + " has nowhere to move its virtual machines: they go down with the host unless they are moved"
                    + " another way. Usually the configuration misses the other nodes (or the OU holds only one of"
                    + " them); a stand-alone host with planned downtime is waived.",
            "kcd-audit configuration: clusters[].nodes, clusters[].ou, policy.migrationGroups");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (ResolvedCluster c : ctx.clusters()) {
            if (c.nodes().size() != 1 || !ctx.audited(c)) {
                continue;
            }
            AdObject node = c.nodes().get(0);
            if (!ctx.peersOf(node).isEmpty() || groupPartnerNotRead(ctx, c)) {
                continue;
            }
            String source = c.ou() != null ? "the only computer under " + c.ou()
                    : c.missingNodes().isEmpty() ? "the only host its list names"
                    : "the only one found: " + String.join(", ", c.missingNodes())
                    + (c.missingNodes().size() == 1 ? " is" : " are") + " not found";
            out.add(INFO).cluster(c.name()).host(node.name())
                    .evidence(Evidence.builder().attribute(c.ou() == null ? "clusters[].nodes" : "clusters[].ou")
                            .ou(c.ou()).build())
                    .message("Cluster " + c.name() + " has one node, " + node.name() + " (" + source + "), and no"
                            + " other node it migrates to (none in the cluster, none through policy.migrationGroups):"
                            + " no directed pair was checked, and its virtual machines cannot be live-migrated off it"
                            + " for a patch window.")
                    .action(new Action.Manual("Add the cluster's other nodes to clusters[].nodes (or check"
                            + " clusters[].ou), or give it the cluster its VMs move to in policy.migrationGroups; a"
                            + " stand-alone host whose VMs go down for patching: waive this finding in the baseline."))
                    .emit();
        }
    }

    /**
     * Whether a cluster of {@code c}'s migration groups was not audited (its optional directory could not be read):
     * its nodes may be partners, and the verdict already says the pairs into it were not checked.
     */
    private static boolean groupPartnerNotRead(AuditContext ctx, ResolvedCluster c) {
        for (List<String> group : ctx.policy().migrationGroups()) {
            if (group.stream().anyMatch(n -> n.equalsIgnoreCase(c.name()))) {
                for (ResolvedCluster other : ctx.clusters()) {
                    if (other != c && !ctx.audited(other)
                            && group.stream().anyMatch(n -> n.equalsIgnoreCase(other.name()))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
