package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/** WAIVER_EXPIRED: a baseline waiver is past its expiry date; what it suppressed counts again. */
public final class WaiverExpiredRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("WAIVER_EXPIRED", Severity.MEDIUM, Category.DRIFT,
            "A baseline waiver has expired",
            "a waiver is past its expiry date; what it suppressed counts again",
            "A waiver is a documented, time-limited exception. After its expiry date the finding it suppressed"
                    + " counts again; renew the waiver with a new justification or fix the cause.",
            "Chef InSpec waivers (justification, expiration_date); docs/history.md");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (ctx.inputs().baseline() == null) {
            return;
        }
        for (Waiver w : ctx.inputs().baseline().waivers()) {
            if (w.activeAt(ctx.inputs().now())) {
                continue;
            }
            WaiverFindings.on(ctx, out, INFO, w)
                    .message(WaiverFindings.subject(w) + " expired on " + w.expires() + " (\"" + w.justification()
                            + "\"); its findings count again.")
                    .action(new Action.Manual("Fix the cause, or renew the waiver in the baseline with a new"
                            + " justification and expiry date."))
                    .emit();
        }
    }
}
