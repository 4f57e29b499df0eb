package org.kcdauditor.rules;

import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/** BASELINE_ENTRY_REMOVED: A documented delegation entry is gone. */
public final class BaselineEntryRemovedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_REMOVED", Severity.HIGH, Category.DRIFT,
            "A documented delegation entry is gone",
            "a delegation entry of the documented baseline is gone",
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
        out.add(INFO).cluster(c.cluster()).host(c.host()).peer(Rules.hostOf(c.value())).spn(c.value())
                .evidence(Evidence.builder().spn(c.value()).attribute("msDS-AllowedToDelegateTo")
                        .expected(List.of(c.value())).lastChange(c.lastChange()).build())
                .message(c.host() + " no longer delegates to " + Values.visibleSpn(c.value()) + ", which the approved"
                        + " baseline lists."
                        + Rules.changed(c.lastChange()))
                .action(new Action.Manual("If the removal was intended, capture a new baseline after review; else"
                        + " restore it:", List.of(new Action.AddDelegation(c.host(), Rules.hostOf(c.value()),
                        List.of(c.value())))))
                .emit();
    }
}
