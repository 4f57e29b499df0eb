package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * BASELINE_ENTRY_ADDED: A delegation entry was added outside the baseline; or a resource-based delegation grant, where
 * the baseline documents the host's grants.
 */
public final class BaselineEntryAddedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_ADDED", Severity.MEDIUM, Category.DRIFT,
            "A delegation entry was added outside the baseline",
            "an entry the baseline does not list appeared (a delegation entry, or a resource-based delegation grant where the baseline documents the host's grants)",
            "An entry the approved baseline does not list appeared in msDS-AllowedToDelegateTo, or a grant in msDS-AllowedToActOnBehalfOfOtherIdentity: a change nobody reviewed that widens what the host may impersonate users to, or who may impersonate users to it.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineEntryAddedRule() {
        super(Drift.Kind.ENTRY_ADDED, Drift.Kind.RBCD_ADDED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(AuditContext ctx, Drift.Change c, FindingSink out) {
        if (c.kind() == Drift.Kind.RBCD_ADDED) {
            grant(INFO, c, out, c.host() + " allows resource-based delegation from "
                    + Values.visibleAccount(c.after().get(0)) + ", which the approved baseline does not list.")
                    .action(new Action.Manual("Review the grant (ADUC does not show it; Get-ADComputer reads it as"
                            + " PrincipalsAllowedToDelegateToAccount); keep it by capturing a new baseline ("
                            + capture(ctx) + "), or set the list back to the one the baseline documents.",
                            List.of(documentedList(ctx, c)), SET_BACK))
                    .emit();
            return;
        }
        out.add(INFO).cluster(c.cluster()).host(c.host()).peer(Rules.hostOf(c.value())).spn(c.value())
                .evidence(Evidence.builder().spn(c.value()).attribute("msDS-AllowedToDelegateTo")
                        .actual(List.of(c.value())).lastChange(c.lastChange()).build())
                .message(c.host() + " delegates to " + Values.visibleSpn(c.value()) + ", which the approved baseline"
                        + " does not list."
                        + Rules.changed(c.lastChange()))
                .action(new Action.Manual("Review the change; keep it by capturing a new baseline ("
                        + capture(ctx) + "), or remove it.", List.of(new Action.RemoveDelegation(c.host(),
                        Rules.hostOf(c.value()), List.of(c.value()))), "To remove it"))
                .emit();
    }
}
