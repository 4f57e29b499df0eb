package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

/** WAIVER_EXPIRED: a baseline waiver is past its expiry date; what it suppressed counts again. */
public final class WaiverExpiredRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("WAIVER_EXPIRED", Severity.MEDIUM, "drift",
            "A baseline waiver has expired",
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
            var node = ctx.computer(w.host());
            var cluster = node == null ? null : ctx.clusterOf(node);
            // the id covers the waived rule too (two waivers of one host differ by rule); the SPN column stays an SPN
            out.findings().add(new Finding(Finding.stableId(INFO.id(), w.host(), w.peer(), w.rule() + "|"
                    + (w.spn() == null ? "" : w.spn())), INFO.id(), INFO.severity(), cluster == null ? null : cluster.name(),
                    w.host(), w.peer(), w.spn(),
                    "The waiver for " + w.rule() + " on " + w.host() + (w.peer() == null ? "" : " -> " + w.peer())
                            + " expired on " + w.expires() + " (\"" + w.justification() + "\"); its findings count again.",
                    "Fix the cause, or renew the waiver in the baseline with a new justification and expiry date."));
        }
    }
}
