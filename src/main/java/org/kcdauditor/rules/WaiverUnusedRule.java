package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.WaiverHosts;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * WAIVER_UNUSED: an active baseline waiver that matches no finding of the run, as when the pair it names is delegated
 * now. It waives nothing today, but it would hide the same finding if it came back (a regression nobody is told of).
 * A waiver that can never apply (its host, peer or SPN unknown) is left to the waiver warnings, which say so already;
 * one of a rule read from exports is not told when an export of that kind could not be used (the Imports say so).
 */
public final class WaiverUnusedRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("WAIVER_UNUSED", Severity.LOW, Category.DRIFT,
            "A baseline waiver waives nothing any more",
            "an active waiver matches no finding of the run (what it waived is fixed); it would hide the same finding"
                    + " if it came back",
            "A waiver accepts a known failure until it is fixed. Once the failure is gone, a waiver left in the"
                    + " baseline waives nothing, but it would silently suppress the same finding if the failure came"
                    + " back before the waiver expires; remove it.",
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
        List<Waiver> waivers = ctx.inputs().baseline().waivers();
        // run last (RuleCatalogue), so every finding a waiver could match is made already
        List<String> warnings = WaiverHosts.warnings(ctx.inputs().baseline(), ctx, out.findings());
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < waivers.size(); i++) {
            Waiver w = waivers.get(i);
            // of a waiver written again, the first active one is told (one id per waiver); one the reports already
            // warn of (it can never apply) is not told twice
            if (!w.activeAt(ctx.inputs().now()) || !seen.add(WaiverFindings.key(w)) || warnings.get(i) != null
                    || out.findings().stream().anyMatch(w::matches) || !WaiverFindings.inputsRead(ctx, w)) {
                continue;
            }
            WaiverFindings.on(ctx, out, INFO, w)
                    .message(WaiverFindings.subject(w) + (w.spn() == null ? "" : " for " + Values.visibleSpn(w.spn()))
                            + " (active through " + w.expires() + ", \"" + w.justification() + "\") matches no finding"
                            + " of this run: nothing it waives is open any more.")
                    .action(new Action.Manual("Remove the waiver from the baseline: it would hide the same finding"
                            + " if it came back."))
                    .emit();
        }
    }
}
