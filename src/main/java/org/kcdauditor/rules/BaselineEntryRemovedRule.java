package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * BASELINE_ENTRY_REMOVED: A documented delegation entry is gone; or a documented resource-based delegation grant.
 * An entry whose host is gone ({@link #targetGone}: no computer of that name in the directory, or a baseline host that
 * is no configured node any more, BASELINE_HOST_MISSING) was removed with its host's decommissioning: LOW, no pair needs
 * it, and no command puts it back (the entry would be STALE_DELEGATION); a new baseline closes it.
 */
public final class BaselineEntryRemovedRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_ENTRY_REMOVED", Severity.HIGH, Category.DRIFT,
            "A documented delegation entry is gone",
            "a delegation entry of the documented baseline is gone (or a resource-based delegation grant it documents);"
                    + " LOW, without a command to restore it, where the entry's host is gone: no computer of that name"
                    + " is in the directory (and no configured node or file server names it: HOST_NOT_FOUND), or it is"
                    + " a baseline host no longer configured as a node (BASELINE_HOST_MISSING) nor a file server; the"
                    + " removal goes with its decommissioning, and a new baseline closes it",
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
        String gone = targetGone(ctx, c.value());
        if (gone != null) {
            String peer = Rules.hostOf(c.value());
            out.add(INFO).severity(Severity.LOW).cluster(c.cluster()).host(c.host()).peer(peer).spn(c.value())
                    .evidence(Evidence.builder().spn(c.value()).attribute("msDS-AllowedToDelegateTo")
                            .expected(List.of(c.value())).targetExists(!gone.startsWith(NOT_IN_DIRECTORY))
                            .lastChange(c.lastChange()).build())
                    .message(c.host() + " no longer delegates to " + Values.visibleSpn(c.value()) + ", which the"
                            + " approved baseline lists; " + Values.visibleAccount(peer) + " is " + gone + ": the"
                            + " removal goes with its decommissioning, and no pair needs the entry."
                            + Rules.changed(c.lastChange()))
                    .action(new Action.Manual("Nothing to put back: an entry to " + Values.visibleAccount(peer)
                            + " would be stale (STALE_DELEGATION). Once its decommissioning is confirmed, capture a"
                            + " new baseline (" + capture(ctx) + "), which no longer documents the entry."))
                    .emit();
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

    private static final String NOT_IN_DIRECTORY = "no longer in the directory";

    /**
     * Why the host delegation entry {@code entry} names is gone, or null where it is not: no computer has that name or
     * registers the SPN ({@code "no longer in the directory"}), unless a directory that could not be read may hold it or
     * a configured node or file server that was not found names it (HOST_NOT_FOUND: the entry is the one the pair needs
     * once it is joined again, as STALE_DELEGATION reads it); or its computer is a baseline host that is no configured
     * node (BASELINE_HOST_MISSING with its computer still there) nor file server: nobody migrates with it any more.
     */
    static String targetGone(AuditContext ctx, String entry) {
        Spn spn = Spn.parse(entry);
        if (spn == null) {
            return null;
        }
        String hostName = StaleDelegationRule.trimmed(spn.hostName());
        AdObject target = ctx.computer(hostName);
        if (target == null) {
            target = ctx.entryOwner(entry);
        }
        if (target == null) {
            String netbios = StaleDelegationRule.netbiosName(hostName);
            if (ctx.mayBeUnread(hostName) || ctx.missingNodeCluster(netbios) != null || ctx.clusters().stream()
                    .anyMatch(rc -> rc.missingFileServers().stream().anyMatch(m -> StaleDelegationRule
                            .netbiosName(m.endsWith("$") ? m.substring(0, m.length() - 1) : m).equals(netbios)))) {
                return null;
            }
            return NOT_IN_DIRECTORY;
        }
        if (ctx.clusterOfHost(target) != null) {
            return null;
        }
        AdObject t = target;
        return ctx.baselineDrift().stream().anyMatch(d -> d.kind() == Drift.Kind.HOST_MISSING && d.value() != null
                && ctx.computer(d.host()) == t) ? "no longer a node of a configured cluster (BASELINE_HOST_MISSING;"
                + " its computer is still in the directory)" : null;
    }
}
