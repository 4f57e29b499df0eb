package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/**
 * CLUSTER_EMPTY: a cluster configured by OU has no computer object under that OU (a typo in the DN, or
 * an OU that was moved or emptied). Without it, such a cluster would count as 0/0 pairs, 100 % compliant,
 * and preflight would say GO for a cluster it never looked at.
 */
public final class ClusterEmptyRule implements Rule {
    public static final String ID = "CLUSTER_EMPTY";
    static final RuleInfo INFO = new RuleInfo(ID, Severity.HIGH, Category.INVENTORY,
            "A cluster's OU holds no computer object",
            "a cluster configured by `ou` has no computer object under that OU (wrong or moved OU): never 100 %"
                    + " or GO for a cluster that was not looked at",
            "A cluster taken from an OU that holds no computer objects was not audited at all: a wrong or moved OU"
                    + " must not pass as a compliant cluster or open a change window.",
            "kcd-audit configuration: clusters[].ou, directory.baseDn");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (ResolvedCluster c : ctx.clusters()) {
            if (c.ou() != null && c.nodes().isEmpty() && ctx.audited(c)) {
                // no host: the cluster tells two empty clusters' findings apart (the id's fourth part, not an SPN)
                out.add(INFO).cluster(c.name()).idSpn(c.name())
                        .evidence(Evidence.builder().attribute("clusters[].ou").ou(c.ou()).build())
                        .message("Cluster " + c.name() + " takes its nodes from " + c.ou() + ", but no Hyper-V"
                                + " host's computer object is under it (the cluster's name object, its roles' and"
                                + " domain controllers are no nodes; as read from " + ctx.baseDnOf(c) + "), so none of its"
                                + " hosts were audited.")
                        .action(new Action.Manual("Check clusters[].ou against the cluster nodes' distinguished names"
                                + " (Get-ADComputer HV01 | Select DistinguishedName) and that it lies under"
                                + " directory.baseDn."))
                        .emit();
            }
        }
    }
}
