package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.util.List;

/**
 * A BASELINE_* rule: reports one kind of difference between the approved baseline and the
 * snapshot. The differences are computed once per evaluation ({@link AuditContext#baselineDrift()})
 * and shared by the five rules.
 */
abstract class BaselineChangeRule implements Rule {
    private static final String RBCD = "msDS-AllowedToActOnBehalfOfOtherIdentity";
    /**
     * The label of a grant decision's list: the question has two answers (keep it by a new baseline, or set the list
     * back), and the list carries out the second, not "If so".
     */
    static final String SET_BACK = "To set the documented list back";
    private final java.util.Set<Drift.Kind> kinds;

    /** Reports the differences of these kinds: a delegation entry's and a resource-based delegation grant's. */
    BaselineChangeRule(Drift.Kind kind, Drift.Kind... more) {
        this.kinds = java.util.EnumSet.of(kind, more);
    }

    abstract void report(AuditContext ctx, Drift.Change c, FindingSink out);

    @Override
    public final void evaluate(AuditContext ctx, FindingSink out) {
        for (Drift.Change c : ctx.baselineDrift()) {
            if (kinds.contains(c.kind())) {
                report(ctx, c, out);
            }
        }
    }

    /**
     * A resource-based delegation grant added or removed since the baseline, on the host whose descriptor changed:
     * no peer (the grant may name a group, or every account) and no SPN; the SID tells the findings of one host apart.
     * Its evidence names the attribute, the SID ({@code rbcdAdded} or {@code rbcdRemoved}, as CHANGED_SINCE_LAST_RUN's),
     * and the grant with its name as {@code actual} (added) or {@code expected} (removed).
     */
    static FindingSink.Draft grant(RuleInfo info, Drift.Change c, FindingSink out, String message) {
        boolean added = c.kind() == Drift.Kind.RBCD_ADDED;
        List<String> sid = List.of(c.value());
        Evidence.Builder e = Evidence.builder().attribute(RBCD).sids(sid).lastChange(c.lastChange());
        return out.add(info).cluster(c.cluster()).host(c.host()).idSpn(c.value())
                .evidence((added ? e.actual(c.after()).rbcdAdded(sid) : e.expected(c.after()).rbcdRemoved(sid)).build())
                .message(message + Rules.changed(c.lastChange()));
    }

    /**
     * The new baseline a finding asks for once the change is reviewed, naming the configuration the run read
     * ({@link org.kcdauditor.audit.AuditInputs#configFile}) as the runbook's closing capture does.
     */
    static String capture(AuditContext ctx) {
        return Commands.baselineCapture(Commands.configArg(ctx.inputs().configFile()));
    }

    /** The list that sets the host's descriptor back to the grants the baseline documents ({@link RbcdList#documented}). */
    static Action.AddRbcd documentedList(AuditContext ctx, Drift.Change c) {
        return new Action.AddRbcd(c.host(), RbcdList.documented(ctx, ctx.computer(c.host()),
                ctx.inputs().baseline().host(c.host()).rbcdSids()));
    }
}
