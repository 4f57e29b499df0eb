package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;

/**
 * A BASELINE_* rule: reports one kind of difference between the approved baseline and the
 * snapshot. The differences are computed once per evaluation ({@link AuditContext#baselineDrift()})
 * and shared by the five rules.
 */
abstract class BaselineChangeRule implements Rule {
    private final Drift.Kind kind;

    BaselineChangeRule(Drift.Kind kind) {
        this.kind = kind;
    }

    abstract void report(Drift.Change c, FindingSink out);

    @Override
    public final void evaluate(AuditContext ctx, FindingSink out) {
        for (Drift.Change c : ctx.baselineDrift()) {
            if (c.kind() == kind) {
                report(c, out);
            }
        }
    }
}
