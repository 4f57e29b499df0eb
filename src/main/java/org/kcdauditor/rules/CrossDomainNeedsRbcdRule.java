package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

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
                    + " `peer`=B; the fix (`Set-ADComputer -PrincipalsAllowedToDelegateToAccount`, the full list) runs"
                    + " against B's domain",
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
                                + " fails." + refusals(ctx, target) + grantsLeftOut(target))
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

    /** The target's grants to every account, which the list leaves out; empty when there are none. */
    private static String grantsLeftOut(AdObject target) {
        List<String> grants = AnyAccount.of(target.rbcdSids());
        return grants.isEmpty() ? "" : " The list leaves out " + String.join(" and ", grants.stream()
                .map(AnyAccount::shown).toList()) + ", which lets any account act as any user towards "
                + target.name() + " (RBCD_ALLOWS_ANY_ACCOUNT).";
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
        return withSources(ctx, target, refused, pairs.stream().map(PairStatus::source).toList());
    }

    /**
     * The full list to set on {@code target}: the principals its descriptor allows today, but for those that hold
     * every account ({@link AnyAccount}: a hole, never written back), {@code present} unless {@code refused}; then
     * {@code sources}, each once, not present.
     */
    static List<Action.Principal> withSources(AuditContext ctx, AdObject target, java.util.Set<String> refused,
                                              List<AdObject> sources) {
        Map<String, Action.Principal> out = new LinkedHashMap<>();
        for (String sid : target.rbcdSids()) {
            if (AnyAccount.name(sid) != null) {
                continue;
            }
            AdObject who = ctx.bySid(sid);
            // named by its cn only where that is its account name (the cmdlet resolves '<name>$'); else by its SID:
            // the list is replaced, and '<cn>$' of a renamed computer is another account, or anyone's to create
            boolean byName = who != null && !Commands.accountDiffers(who.name(), who.samAccountName());
            out.putIfAbsent(sid, new Action.Principal(byName ? who.name() : null, who == null ? null
                    : ctx.domainOf(who), sid, !refused.contains(sid)));
        }
        for (AdObject s : sources) {
            String key = s.objectSid() != null ? s.objectSid() : s.dn();
            out.putIfAbsent(key, new Action.Principal(s.name(), ctx.domainOf(s), s.objectSid(), false));
        }
        return List.copyOf(out.values());
    }
}
