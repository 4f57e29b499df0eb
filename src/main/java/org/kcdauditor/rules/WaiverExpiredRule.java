package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
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
            AdObject node = ctx.computer(w.host());
            // the id covers the waived rule too (two waivers of one host differ by rule); the SPN column stays an SPN
            out.add(INFO).cluster(node == null ? null : ctx.clusterName(node)).host(w.host()).peer(w.peer())
                    .spn(w.spn()).idSpn(w.rule() + "|" + (w.spn() == null ? "" : w.spn()))
                    .evidence(Evidence.builder().waivedRule(w.rule()).spn(w.spn()).expires(w.expires())
                            .justification(w.justification()).build())
                    .message("The waiver for " + w.rule() + " on " + w.host() + (w.peer() == null ? "" : " -> "
                            + w.peer()) + " expired on " + w.expires() + " (\"" + w.justification() + "\"); its"
                            + " findings count again.")
                    .action(new Action.Manual("Fix the cause, or renew the waiver in the baseline with a new"
                            + " justification and expiry date."))
                    .emit();
        }
    }
}
