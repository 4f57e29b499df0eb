package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/**
 * NO_MIGRATION_PARTNER: a cluster has one node and no other node it migrates to (none listed or under its OU
 * besides it, none in a cluster of its {@code policy.migrationGroups}). There is no pair to check, and for a patch
 * window its virtual machines cannot be live-migrated off it; without this finding such a cluster read 0/0 pairs
 * and GO. A second node that was not found is HOST_NOT_FOUND's, not this rule's.
 */
public final class NoMigrationPartnerRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("NO_MIGRATION_PARTNER", Severity.HIGH, Category.INVENTORY,
            "A cluster's only node has no host to migrate to",
            "a cluster has one node and no other node to migrate to (none besides it in the list or OU, none in a"
                    + " cluster of its `policy.migrationGroups`): no pair was checked, and its VMs cannot be"
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
            if (c.nodes().size() != 1 || !c.missingNodes().isEmpty() || !ctx.audited(c)) {
                continue;
            }
            AdObject node = c.nodes().get(0);
            if (!ctx.peersOf(node).isEmpty()) {
                continue;
            }
            String source = c.ou() == null ? "the only one it lists" : "the only computer under " + c.ou();
            out.add(INFO).cluster(c.name()).host(node.name())
                    .evidence(Evidence.builder().attribute(c.ou() == null ? "clusters[].nodes" : "clusters[].ou")
                            .ou(c.ou()).build())
                    .message("Cluster " + c.name() + " has one node, " + node.name() + " (" + source + "), and no other node it"
                            + " migrates to (none in the cluster, none through policy.migrationGroups): no directed pair was checked, and"
                            + " its virtual machines cannot be live-migrated off it for a patch window.")
                    .action(new Action.Manual("Add the cluster's other nodes to clusters[].nodes (or check"
                            + " clusters[].ou), or give it the cluster its VMs move to in policy.migrationGroups; a"
                            + " stand-alone host whose VMs go down for patching: waive this finding in the baseline."))
                    .emit();
        }
    }
}
