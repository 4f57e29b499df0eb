package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;


/** BASELINE_HOST_NEW: A cluster node is not in the baseline. */
public final class BaselineHostNewRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_HOST_NEW", Severity.LOW, Category.DRIFT,
            "A cluster node is not in the baseline",
            "a node the baseline does not document",
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
    void report(AuditContext ctx, Drift.Change c, FindingSink out) {
        out.add(INFO).cluster(c.cluster()).host(c.host())
                .evidence(Evidence.builder().attribute("userAccountControl").actual(c.after()).build())
                .message(c.host() + " is a node of " + c.cluster() + " but the baseline does not document it.")
                .action(new Action.Manual("Review its delegation, then capture a new baseline ("
                        + capture(ctx) + ")."))
                .emit();
    }
}
