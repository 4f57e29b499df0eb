package org.kcdauditor.rules;

import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Severity;

/** BASELINE_ENTRY_ADDED: A delegation entry was added outside the baseline */
public final class BaselineEntryAddedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_ADDED", Severity.MEDIUM, "drift",
            "A delegation entry was added outside the baseline",
            "An entry the approved baseline does not list appeared in msDS-AllowedToDelegateTo: a change nobody reviewed that widens what the host may impersonate users to.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineEntryAddedRule() {
        super(Drift.Kind.ENTRY_ADDED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(Drift.Change c, FindingSink out) {
        out.add(INFO, c.cluster(), c.host(), Rules.hostOf(c.value()), c.value(),
                c.host() + " delegates to " + c.value() + ", which the approved baseline does not list.",
                "Review the change; keep it by capturing a new baseline (kcd-audit baseline capture --force), or"
                        + " remove it: Set-ADComputer " + c.host() + " -Remove @{'msDS-AllowedToDelegateTo'='"
                        + c.value() + "'}.");
    }
}
