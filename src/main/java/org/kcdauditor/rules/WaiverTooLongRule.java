package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * WAIVER_TOO_LONG: an active baseline waiver expires further after the run than {@code baseline.maxWaiverDays}
 * (default 365) allows. A waiver is a time-limited exception; one that runs for years is an accepted risk nobody
 * looks at again. The waiver still suppresses its findings: this finding asks the CAB to question it.
 */
public final class WaiverTooLongRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("WAIVER_TOO_LONG", Severity.LOW, Category.DRIFT,
            "A baseline waiver runs longer than baseline.maxWaiverDays",
            "an active waiver expires more than `baseline.maxWaiverDays` (default 365) days after the run",
            "A waiver is a documented, time-limited exception that someone reviews when it expires. One that runs"
                    + " for years accepts a failing migration path without anyone looking at it again; shorten it"
                    + " and review it at the next expiry, or fix the cause.",
            "Chef InSpec waivers (expiration_date); docs/history.md");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (ctx.inputs().baseline() == null) {
            return;
        }
        int max = ctx.inputs().maxWaiverDays();
        LocalDate today = LocalDate.ofInstant(ctx.inputs().now(), ZoneOffset.UTC);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Waiver w : ctx.inputs().baseline().waivers()) {
            // of a waiver written again, the first active one waives (the others, nothing while it runs)
            if (!w.activeAt(ctx.inputs().now()) || !seen.add(WaiverFindings.key(w))) {
                continue;
            }
            long days = ChronoUnit.DAYS.between(today, w.expires());
            if (days <= max) {
                continue;
            }
            WaiverFindings.on(ctx, out, INFO, w)
                    .message(WaiverFindings.subject(w) + " runs until " + w.expires() + ", " + days
                            + " days from this run; baseline.maxWaiverDays allows " + max + " (\"" + w.justification()
                            + "\").")
                    .action(new Action.Manual("Shorten the waiver to at most " + max + " days and review it when it"
                            + " expires, or fix the cause; while it runs, what it waives keeps failing."))
                    .emit();
        }
    }
}
