package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
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
            "an entry the baseline does not list appeared (a delegation entry, or a resource-based delegation grant where the baseline documents the host's grants); LOW, without a command to remove it, where it is an entry a configured pair requires of its source now (such as one into a node that joined since the capture, BASELINE_HOST_NEW; not one for a pair RBCD on the target covers, or across domains, which requires none): removing it would fail that pair, and a new baseline closes it",
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
        PairStatus needs = pairNeeding(ctx, c);
        if (needs != null) {
            // an entry a configured pair requires of its source now (such as one into a node that joined since the
            // capture): removing it would fail the pair
            String target = needs.target().name();
            String pair = needs.fileServer() ? c.host() + "'s VM storage on file server " + target
                    : "live migration " + c.host() + " -> " + target;
            boolean joined = ctx.baselineDrift().stream()
                    .anyMatch(d -> d.kind() == Drift.Kind.HOST_NEW && ctx.computer(d.host()) == needs.target());
            out.add(INFO).severity(Severity.LOW).cluster(c.cluster()).host(c.host()).peer(target).spn(c.value())
                    .evidence(Evidence.builder().spn(c.value()).attribute("msDS-AllowedToDelegateTo")
                            .actual(List.of(c.value())).lastChange(c.lastChange()).build())
                    .message(c.host() + " delegates to " + Values.visibleSpn(c.value()) + ", which the approved"
                            + " baseline does not list: " + (joined ? target + " joined " + needs.cluster() + " since"
                            + " the baseline was captured (BASELINE_HOST_NEW), and " : "") + pair + " needs the entry."
                            + Rules.changed(c.lastChange()))
                    .action(new Action.Manual("Keep it: removing it would fail " + pair + " (MISSING_DELEGATION). "
                            + (joined ? "Once " + target + "'s join is approved, capture a new baseline ("
                            + capture(ctx) + "), which documents " + target + " and its peers' entries to it."
                            : "Capture a new baseline (" + capture(ctx) + "), so that it records the entry.")))
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

    /**
     * The configured pair from the changed host that requires the added entry of its source under the current policy
     * ({@link AuditContext#entriesRequired}: not one RBCD on its target covers, nor one across domains), as the KDC
     * matches entries; null where there is none.
     */
    private static PairStatus pairNeeding(AuditContext ctx, Drift.Change c) {
        AdObject source = ctx.computer(c.host());
        if (source == null) {
            return null;
        }
        String entry = Spn.keyOf(c.value());
        for (PairStatus p : ctx.pairsFrom(source)) {
            if (ctx.entriesRequired(p).stream().anyMatch(r -> Spn.keyOf(r).equals(entry))) {
                return p;
            }
        }
        return null;
    }
}
