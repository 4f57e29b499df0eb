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

    /** It tells whether any finding a waiver waives is left: it reads the others' findings. */
    @Override
    public boolean readsFindings() {
        return true;
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (ctx.inputs().baseline() == null) {
            return;
        }
        // a waiver written again with a later expiry (renewed) and still active: what it names does not count again;
        // of one written again and expired each time, the last expiry is said once (one id per waiver)
        java.util.Set<String> active = new java.util.HashSet<>();
        java.util.Map<String, Waiver> expired = new java.util.LinkedHashMap<>();
        for (Waiver w : ctx.inputs().baseline().waivers()) {
            if (w.activeAt(ctx.inputs().now())) {
                active.add(WaiverFindings.key(w));
            } else {
                expired.merge(WaiverFindings.key(w), w, (a, b) -> b.expires().isAfter(a.expires()) ? b : a);
            }
        }
        for (Waiver w : expired.values()) {
            if (active.contains(WaiverFindings.key(w))) {
                continue;
            }
            // run last (RuleCatalogue), so every finding it could have waived is made already
            // what was not read may hold one: then its findings count again, as far as the run can tell
            boolean left = out.findings().stream().anyMatch(w::matches) || !WaiverFindings.inputsRead(ctx, w);
            String expiredOn = WaiverFindings.subject(w) + " expired on " + w.expires() + " (\"" + w.justification()
                    + "\"); ";
            WaiverFindings.on(ctx, out, INFO, w)
                    .message(expiredOn + (left ? "its findings count again." : "none of the findings it waived is left."))
                    .action(new Action.Manual(left ? "Fix the cause, or renew the waiver in the baseline with a new"
                            + " justification and expiry date." : "Remove the waiver from the baseline: what it waived"
                            + " is fixed."))
                    .emit();
        }
    }
}
