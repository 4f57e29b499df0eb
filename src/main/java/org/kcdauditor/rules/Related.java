package org.kcdauditor.rules;

import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.Blocker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The findings that make pairs fail, by id: the pairs' blockers (missing entries, unregistered or duplicated
 * target SPNs, no AES, CredSSP). Rules that explain a consequence (an observed failure, a hardening update)
 * name these instead of repeating their fix.
 */
public final class Related {
    private final Map<String, String> idToRule = new LinkedHashMap<>();

    /** The causes of the failing pairs among {@code pairs}. */
    static Related of(List<PairStatus> pairs) {
        return of(pairs, b -> true);
    }

    /** Those of their causes that {@code which} accepts. */
    static Related of(List<PairStatus> pairs, Predicate<Blocker> which) {
        Related r = new Related();
        for (PairStatus p : pairs) {
            for (Blocker b : p.blockers()) {
                if (which.test(b)) {
                    r.idToRule.put(b.findingId(), b.rule());
                }
            }
        }
        return r;
    }

    /**
     * The findings {@code idToRule} names (id → rule, in their order), as a report reads them back from findings.json:
     * a finding's {@code evidence.relatedFindings} with the rule of each.
     */
    public static Related of(Map<String, String> idToRule) {
        Related r = new Related();
        r.idToRule.putAll(idToRule);
        return r;
    }

    /** Those of these findings whose id {@code which} accepts (the waived ones, the open ones). */
    Related only(Predicate<String> which) {
        Related r = new Related();
        idToRule.forEach((id, rule) -> {
            if (which.test(id)) {
                r.idToRule.put(id, rule);
            }
        });
        return r;
    }

    boolean isEmpty() {
        return idToRule.isEmpty();
    }

    int size() {
        return idToRule.size();
    }

    List<String> ids() {
        return new ArrayList<>(idToRule.keySet());
    }

    /** "3 MISSING_DELEGATION and 1 TARGET_SPN_NOT_REGISTERED finding (ids a1b2…, c3d4…)", the first ids named. */
    String describe() {
        Map<String, Integer> byRule = new LinkedHashMap<>();
        idToRule.values().forEach(rule -> byRule.merge(rule, 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byRule.forEach((rule, n) -> parts.add(n + " " + rule));
        List<String> ids = ids();
        String shown = String.join(", ", ids.subList(0, Math.min(6, ids.size())))
                + (ids.size() > 6 ? " and " + (ids.size() - 6) + " more" : "");
        return String.join(" and ", parts) + " finding" + (idToRule.size() == 1 ? "" : "s") + " (id"
                + (ids.size() == 1 ? " " : "s ") + shown + ")";
    }
}
