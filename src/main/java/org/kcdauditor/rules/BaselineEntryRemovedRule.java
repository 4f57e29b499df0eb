package org.kcdauditor.rules;

import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Severity;

/** BASELINE_ENTRY_REMOVED: A documented delegation entry is gone */
public final class BaselineEntryRemovedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_REMOVED", Severity.HIGH, "drift",
            "A documented delegation entry is gone",
            "An entry the approved baseline lists is no longer in the host's msDS-AllowedToDelegateTo: live migration or SMB access that worked when the baseline was approved now fails. Hardening updates and clean-up scripts remove entries silently.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineEntryRemovedRule() {
        super(Drift.Kind.ENTRY_REMOVED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(Drift.Change c, FindingSink out) {
        out.add(INFO, c.cluster(), c.host(), Rules.hostOf(c.value()), c.value(),
                c.host() + " no longer delegates to " + c.value() + ", which the approved baseline lists.",
                "Restore it: Set-ADComputer " + c.host() + " -Add @{'msDS-AllowedToDelegateTo'='" + c.value()
                        + "'}, or, if the removal was intended, capture a new baseline after review.");
    }
}
