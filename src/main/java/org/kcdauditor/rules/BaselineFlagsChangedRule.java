package org.kcdauditor.rules;

import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Severity;

/** BASELINE_FLAGS_CHANGED: A host's userAccountControl differs from the baseline */
public final class BaselineFlagsChangedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_FLAGS_CHANGED", Severity.HIGH, "drift",
            "A host's userAccountControl differs from the baseline",
            "A changed delegation bit switches the host between Kerberos-only, protocol transition and unconstrained delegation; any other change (disabled, sensitive) alters what the host can do. HIGH when a delegation bit changed, MEDIUM otherwise.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineFlagsChangedRule() {
        super(Drift.Kind.FLAGS_CHANGED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(Drift.Change c, FindingSink out) {
        out.add(INFO, c.delegationBits() ? Severity.HIGH : Severity.MEDIUM, c.cluster(), c.host(), null, null,
                c.host() + " userAccountControl changed since the baseline: " + String.join(", ", c.before())
                        + " -> " + String.join(", ", c.after()) + ".",
                "Compare with the change record; restore it in ADUC (" + c.host()
                        + " > Delegation) or capture a new baseline after review.");
    }
}
