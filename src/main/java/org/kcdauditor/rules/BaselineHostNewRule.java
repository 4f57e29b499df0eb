package org.kcdauditor.rules;

import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Severity;

/** BASELINE_HOST_NEW: A cluster node is not in the baseline */
public final class BaselineHostNewRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_HOST_NEW", Severity.LOW, "drift",
            "A cluster node is not in the baseline",
            "A node joined the cluster after the baseline was approved: its delegation was never reviewed.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineHostNewRule() {
        super(Drift.Kind.HOST_NEW);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(Drift.Change c, FindingSink out) {
        out.add(INFO, c.cluster(), c.host(), null, null,
                c.host() + " is a node of " + c.cluster() + " but the baseline does not document it.",
                "Review its delegation, then capture a new baseline (kcd-audit baseline capture --force).");
    }
}
