package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CROSS_DOMAIN_NEEDS_RBCD: a migration group spans directories (domains), and a pair across the boundary has no
 * resource-based delegation on its target. Classic constrained delegation (msDS-AllowedToDelegateTo) never
 * crosses a domain, so no entry on the source helps; MISSING_DELEGATION is not raised for such pairs.
 */
public final class CrossDomainNeedsRbcdRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("CROSS_DOMAIN_NEEDS_RBCD", Severity.HIGH, Category.DELEGATION,
            "A pair across domains has no resource-based delegation",
            "host A and its migration peer B are in different directories (domains) and B's"
                    + " `msDS-AllowedToActOnBehalfOfOtherIdentity` does not allow A — one finding per pair, `host`=A,"
                    + " `peer`=B; the fix (`Set-ADComputer -PrincipalsAllowedToDelegateToAccount`, the full list: a grant to"
                    + " every account it leaves out is replaced by the sources whose pairs use it) runs against B's"
                    + " domain",
            "Classic constrained delegation cannot cross a domain boundary: the KDC of A's domain will not issue an"
                    + " S4U2proxy ticket for a service in another domain from msDS-AllowedToDelegateTo. Only"
                    + " resource-based delegation, set on the target and listing the source, works across domains"
                    + " (and always permits protocol transition). Without it, live migration from A to B fails.",
            "MS-ADA2 2.218 msDS-AllowedToActOnBehalfOfOtherIdentity; Microsoft Learn: Kerberos constrained"
                    + " delegation overview (resource-based delegation across domains)");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        // per target: the sources across the boundary that it does not allow yet
        Map<AdObject, List<PairStatus>> lacking = new IdentityHashMap<>();
        Map<AdObject, Boolean> order = new LinkedHashMap<>();
        for (PairStatus p : ctx.pairs()) {
            if (!p.rbcd() && ctx.crossDirectory(p)) {
                lacking.computeIfAbsent(p.target(), k -> new ArrayList<>()).add(p);
                order.put(p.target(), Boolean.TRUE);
            }
        }
        for (AdObject target : order.keySet()) {
            List<PairStatus> pairs = lacking.get(target);
            Action.AddRbcd fix = new Action.AddRbcd(target.name(), principals(ctx, target, pairs));
            String targetDir = ctx.directoryOf(target);
            for (PairStatus p : pairs) {
                AdObject source = p.source();
                String sourceDir = ctx.directoryOf(source);
                out.add(INFO).cluster(p.cluster()).host(source.name()).peer(target.name())
                        .evidence(Evidence.builder().attribute("msDS-AllowedToActOnBehalfOfOtherIdentity")
                                .pairs(List.of(new Evidence.PairRef(source.name(), target.name())))
                                .directories(List.of(sourceDir, targetDir))
                                .expected(source.objectSid() == null ? null : List.of(source.objectSid()))
                                .sids(target.rbcdSids()).build())
                        .message(source.name() + " (" + sourceDir + ") and " + target.name() + " (" + targetDir
                                + ") are in different domains: classic constrained delegation does not cross a domain"
                                + " boundary, and " + target.name() + "'s resource-based delegation does not allow "
                                + source.name() + ", so live migration " + source.name() + " -> " + target.name()
                                + " fails." + refusals(ctx, target) + grantsLeftOut(ctx, target))
                        .action(fix)
                        .emit();
            }
        }
    }

    /**
     * The access-denied entries of the target's descriptor, which the change drops: the cmdlet writes the list it is
     * given as allow entries only. Empty when there are none.
     */
    static String refusals(AuditContext ctx, AdObject target) {
        if (target.rbcdDeniedSids().isEmpty()) {
            return "";
        }
        return " Its descriptor also refuses " + String.join(", ", target.rbcdDeniedSids().stream()
                .map(sid -> ctx.sidWithName(sid, org.kcdauditor.model.RbcdPrincipal::displayName)).toList())
                + " with access-denied entries, which win over any allow; setting the list"
                + " (-PrincipalsAllowedToDelegateToAccount) writes allow entries only, so the change drops them.";
    }

    /**
     * The target's grants to every account, which the list leaves out, what they let happen, and the sources it names
     * instead (their pairs work today through a grant only); empty when there are none.
     */
    private static String grantsLeftOut(AuditContext ctx, AdObject target) {
        List<String> grants = AnyAccount.of(target.rbcdSids());
        if (grants.isEmpty()) {
            return "";
        }
        List<PairStatus> through = RbcdList.throughGrants(ctx, target);
        String name = target.name();
        return " The list leaves out " + RbcdList.grantsShown(grants, name) + " (RBCD_ALLOWS_ANY_ACCOUNT)"
                + (through.isEmpty() ? "" : "; it names " + String.join(", ", through.stream().map(p -> p.source()
                .name()).distinct().toList()) + " instead, whose pair" + (through.size() == 1 ? " " : "s ")
                + String.join(", ", through.stream().map(p -> p.source().name() + " -> " + name).distinct().toList())
                + " it covers today")
                + ". Any other account that delegates to " + name + " through it loses that: find them before the change ("
                + RbcdList.otherAccounts(name) + ") and add those that must to the list.";
    }

    /**
     * Who the target allows today (kept: the cmdlet replaces the list), then the sources it must allow. A source its
     * descriptor lists but refuses (an access-denied entry for it or a group of it) is not allowed today:
     * {@code present} false.
     */
    private static List<Action.Principal> principals(AuditContext ctx, AdObject target, List<PairStatus> pairs) {
        java.util.Set<String> refused = new java.util.HashSet<>();
        for (PairStatus p : pairs) {
            if (p.source().objectSid() != null) {
                refused.add(p.source().objectSid()); // its pair is not covered, so the KDC refuses it today
            }
        }
        return RbcdList.of(ctx, target, refused, pairs.stream().map(PairStatus::source).toList());
    }
}
