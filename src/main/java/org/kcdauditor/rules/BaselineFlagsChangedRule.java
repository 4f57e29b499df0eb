package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** BASELINE_FLAGS_CHANGED: A host's userAccountControl differs from the baseline. */
public final class BaselineFlagsChangedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_FLAGS_CHANGED", Severity.HIGH, Category.DRIFT,
            "A host's userAccountControl differs from the baseline",
            "`userAccountControl` differs from the baseline (HIGH when a delegation bit changed)",
            "A changed delegation bit switches the host between Kerberos-only, protocol transition and unconstrained"
                    + " delegation, or (NOT_DELEGATED, 'sensitive and cannot be delegated') whether the tickets of the"
                    + " host's own account may be delegated, which the moves operators start do not need (they delegate"
                    + " the operator's); any other change (disabled) alters what the host can do. HIGH when a"
                    + " delegation bit changed, MEDIUM otherwise.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    private static final String NOT_DELEGATED = Uac.flagNames(Uac.NOT_DELEGATED).get(0);

    public BaselineFlagsChangedRule() {
        super(Drift.Kind.FLAGS_CHANGED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(AuditContext ctx, Drift.Change c, FindingSink out) {
        boolean wasNotDelegated = c.before().contains(NOT_DELEGATED);
        boolean notDelegatedChanged = wasNotDelegated != c.after().contains(NOT_DELEGATED);
        Set<String> others = new HashSet<>(c.before());
        others.addAll(c.after());
        others.removeIf(f -> f.equals(NOT_DELEGATED) || c.before().contains(f) && c.after().contains(f));
        // "sensitive and cannot be delegated" is no box of a computer's Delegation tab: its bit is set by command or in
        // the Attribute Editor
        String restore = (notDelegatedChanged ? "set NOT_DELEGATED back with Set-ADAccountControl -AccountNotDelegated $"
                + wasNotDelegated + " on " + c.host() + "'s account (or its userAccountControl in ADUC's Attribute"
                + " Editor)" + (others.isEmpty() ? "" : ", and the other flags on its Delegation tab (ADUC)")
                : "restore it on " + c.host() + "'s Delegation tab (ADUC)");
        out.add(INFO).severity(c.delegationBits() ? Severity.HIGH : Severity.MEDIUM).cluster(c.cluster())
                .host(c.host())
                .evidence(Evidence.builder().attribute("userAccountControl").expected(c.before()).actual(c.after())
                        .delegationBits(c.delegationBits()).lastChange(c.lastChange()).build())
                .message(c.host() + " userAccountControl changed since the baseline: " + String.join(", ", c.before())
                        + " -> " + String.join(", ", c.after()) + "." + (c.before().contains(NOT_DELEGATED)
                        == c.after().contains(NOT_DELEGATED) ? "" : " NOT_DELEGATED stops the delegation of tickets of "
                        + c.host() + "'s own account only: the moves operators start delegate their own tickets"
                        + " (OPERATOR_NOT_DELEGABLE judges those accounts).") + Rules.changed(c.lastChange()))
                .action(new Action.Manual("Compare with the change record; " + restore + ", or capture a new"
                        + " baseline after review."))
                .emit();
    }
}
