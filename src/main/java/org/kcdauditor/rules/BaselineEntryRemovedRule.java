package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * BASELINE_ENTRY_REMOVED: A documented delegation entry is gone; or a documented resource-based delegation grant.
 */
public final class BaselineEntryRemovedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_REMOVED", Severity.HIGH, Category.DRIFT,
            "A documented delegation entry is gone",
            "a delegation entry of the documented baseline is gone (or a resource-based delegation grant it documents)",
            "An entry the approved baseline lists is no longer in the host's msDS-AllowedToDelegateTo, or a grant it lists no longer in msDS-AllowedToActOnBehalfOfOtherIdentity: live migration or SMB access that worked when the baseline was approved now fails. Hardening updates and clean-up scripts remove entries silently.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineEntryRemovedRule() {
        super(Drift.Kind.ENTRY_REMOVED, Drift.Kind.RBCD_REMOVED);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    void report(AuditContext ctx, Drift.Change c, FindingSink out) {
        if (c.kind() == Drift.Kind.RBCD_REMOVED) {
            // a grant to every account is a hole no list writes back: its removal is to be documented, not undone
            Action.Manual decision = AnyAccount.name(c.value()) != null ? new Action.Manual("Do not restore it: it"
                    + " allowed " + RbcdList.grantsShown(List.of(c.value()), c.host()) + " (RBCD_ALLOWS_ANY_ACCOUNT)."
                    + " Capture a new baseline once the removal is confirmed (" + capture(ctx) + ").")
                    : new Action.Manual("If the removal was intended, capture a new baseline after review ("
                    + capture(ctx) + "); else set the list back to the one the baseline documents.",
                    List.of(documentedList(ctx, c)), SET_BACK);
            grant(INFO, c, out, c.host() + " no longer allows resource-based delegation from "
                    + Values.visibleAccount(c.after().get(0)) + ", which the approved baseline lists.")
                    .action(decision).emit();
            return;
        }
        out.add(INFO).cluster(c.cluster()).host(c.host()).peer(Rules.hostOf(c.value())).spn(c.value())
                .evidence(Evidence.builder().spn(c.value()).attribute("msDS-AllowedToDelegateTo")
                        .expected(List.of(c.value())).lastChange(c.lastChange()).build())
                .message(c.host() + " no longer delegates to " + Values.visibleSpn(c.value()) + ", which the approved"
                        + " baseline lists."
                        + Rules.changed(c.lastChange()))
                .action(new Action.Manual("If the removal was intended, capture a new baseline after review; else"
                        + " restore it.", List.of(new Action.AddDelegation(c.host(), Rules.hostOf(c.value()),
                        List.of(c.value()))), "To restore it"))
                .emit();
    }
}
