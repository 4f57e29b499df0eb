package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.model.Finding;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The causes a waiver accepts of a finding that follows from others (an observed failure, a hardening finding: the
 * findings that block its pairs), read from the findings the other rules emitted, and what its action says of them.
 * A rule that uses it {@linkplain Rule#readsFindings reads findings}. One per evaluation: the sink's findings are
 * indexed by id once, when a waiver may apply.
 */
public final class WaivedCauses {
    /** How a rule's action asks to waive the finding it writes. */
    static final String WAIVE_THIS = "waive this finding as well";

    private final AuditContext ctx;
    private final FindingSink out;
    private Map<String, Finding> emitted;

    WaivedCauses(AuditContext ctx, FindingSink out) {
        this.ctx = ctx;
        this.out = out;
    }

    /** The ids among {@code causes} whose findings an active waiver accepts (none in a run without waivers). */
    Set<String> of(Related causes) {
        var baseline = ctx.inputs().baseline();
        Set<String> waived = new HashSet<>();
        if (baseline == null || baseline.waivers().isEmpty() || causes.isEmpty()) {
            return waived;
        }
        if (emitted == null) {
            emitted = new HashMap<>();
            for (Finding f : out.findings()) {
                emitted.putIfAbsent(f.id(), f);
            }
        }
        for (String id : causes.ids()) {
            Finding f = emitted.get(id);
            if (f != null && Waiver.applying(baseline.waivers(), f, ctx.inputs().now()) != null) {
                waived.add(id);
            }
        }
        return waived;
    }

    /**
     * What to do about {@code causes}, those in {@code waived} keeping {@code pairs} pairs failing, as one instruction:
     * "{fix} 1 DUPLICATE_SPN finding (id …); its 4 MISSING_DELEGATION findings (ids …) are waived and keep the pair
     * failing: {waive}, or end that waiver, fix them too, then {then}.", or, all waived, "Its causes, 4
     * MISSING_DELEGATION findings (ids …), are waived and keep …, fix them, then {then}."; none waived: "{fix} … ; then
     * {then}.". What the reports advise for a consequence of waived findings (waive it as well, or end the waiver and
     * fix its causes), never "fix them now" for the waived ones, and what follows the fix ({@code then}: replicate,
     * retry) only after the fix of the waived ones, where the pair can work again; null {@code then}: nothing follows.
     * {@code fix} says what to do of the open ones ("Fix the"); {@code waive} how to waive this finding ("waive this
     * finding as well"). A rule's action and the plan's advice (the open causes fixed by the change) are both this.
     */
    public static String advice(String fix, Related causes, Set<String> waived, long pairs, String waive,
                                String then) {
        Related accepted = causes.only(waived::contains);
        Related open = causes.only(id -> !waived.contains(id));
        String after = then == null ? "." : ", then " + then + ".";
        if (accepted.isEmpty()) {
            return fix + " " + open.describe() + (then == null ? "." : "; then " + then + ".");
        }
        boolean one = accepted.size() == 1;
        String keep = " waived and keep" + (one ? "s" : "") + " the pair" + (pairs == 1 ? "" : "s") + " failing: "
                + waive + ", or end that waiver" + (then == null ? " and" : ",") + " fix " + (one ? "it" : "them")
                + (open.isEmpty() ? "" : " too") + after;
        if (open.isEmpty()) {
            return "Its " + (one ? "cause, " : "causes, ") + accepted.describe() + ", " + (one ? "is" : "are") + keep;
        }
        return fix + " " + open.describe() + "; its " + accepted.describe() + (one ? " is" : " are") + keep;
    }
}
