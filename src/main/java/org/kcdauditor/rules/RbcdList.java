package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The full list a change of a target's resource-based delegation sets ({@code Set-ADComputer
 * -PrincipalsAllowedToDelegateToAccount}, which replaces the whole descriptor), for every rule that proposes one.
 * It leaves out the grants to every account, computer or user ({@link AnyAccount}: a hole, never written back), so it
 * names instead each source whose pair works today through such a grant only: the list keeps every pair the
 * descriptor covers today.
 */
final class RbcdList {
    private RbcdList() {
    }

    /**
     * The list to set on {@code target}: the principals its descriptor allows today but the grants to every account
     * and the SIDs of deleted accounts ({@link AuditContext#deletedAccount}), {@code present} unless {@code refused};
     * then the sources of {@link #throughGrants}, present (the target allows them today); then {@code sources}, each
     * once, not present.
     */
    static List<Action.Principal> of(AuditContext ctx, AdObject target, Set<String> refused, List<AdObject> sources) {
        Map<String, Action.Principal> out = new LinkedHashMap<>();
        for (String sid : kept(target)) {
            if (ctx.deletedAccount(target, sid)) {
                continue; // allows nobody; the cmdlet would find no account to resolve it to
            }
            out.putIfAbsent(sid, principal(ctx, sid, !refused.contains(sid)));
        }
        for (PairStatus p : throughGrants(ctx, target)) {
            out.putIfAbsent(p.source().objectSid(), principal(ctx, p.source(), true));
        }
        for (AdObject s : sources) {
            out.putIfAbsent(s.objectSid() != null ? s.objectSid() : s.dn(), principal(ctx, s, false));
        }
        return List.copyOf(out.values());
    }

    /**
     * The list that sets {@code target}'s descriptor back to the SIDs {@code documented} (those the baseline lists),
     * but the grants to every account, which no list writes back; each {@code present} where the descriptor allows it
     * today. Every drift finding of one host proposes the same list, so carrying out several of them is one change.
     */
    static List<Action.Principal> documented(AuditContext ctx, AdObject target, List<String> documented) {
        Set<String> now = new java.util.HashSet<>();
        target.rbcdSids().forEach(sid -> now.add(sid.toUpperCase(java.util.Locale.ROOT)));
        Map<String, Action.Principal> out = new LinkedHashMap<>();
        for (String sid : documented) {
            if (AnyAccount.name(sid) == null) {
                out.putIfAbsent(sid.toUpperCase(java.util.Locale.ROOT), principal(ctx, sid,
                        now.contains(sid.toUpperCase(java.util.Locale.ROOT))));
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * The pairs into {@code target} that its descriptor covers today through a grant to every account only: their
     * source's own entries do not cover them, and the rest of the descriptor does not allow the source. A list that
     * leaves the grants out must name these sources, or their migrations fail after it.
     */
    static List<PairStatus> throughGrants(AuditContext ctx, AdObject target) {
        List<String> kept = kept(target);
        List<PairStatus> out = new ArrayList<>(0);
        for (PairStatus p : ctx.pairsTo(target)) {
            String sid = p.source().objectSid();
            if (p.rbcd() && !p.entriesCover() && sid != null
                    && !ctx.snapshot().rbcdAllows(kept, target.rbcdDeniedSids(), sid)) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * What a grant to every account in {@code grants} lets happen towards {@code target}, in {@link AnyAccount}'s
     * words: {@code Domain Computers (S-…-515): every computer account of the domain holds Domain Computers, its
     * primary group, so through it any such account may act as any user towards HV01}.
     */
    static String grantsShown(List<String> grants, String target) {
        return String.join(" and ", grants.stream().map(AnyAccount::shown).toList()) + ": " + String.join("; ",
                grants.stream().map(AnyAccount::holders).toList()) + ", so through " + (grants.size() == 1 ? "it"
                : "them") + " any such account may act as any user towards " + target;
    }

    /** Where to find the other accounts that delegate to {@code target} through its descriptor. */
    static String otherAccounts(String target) {
        return "on the domain controllers, Security event 4769 for " + target + "'s services with Transited Services"
                + " set";
    }

    /** The SIDs the target's descriptor allows but the grants to every account: the list keeps them. */
    private static List<String> kept(AdObject target) {
        return target.rbcdSids().stream().filter(sid -> AnyAccount.name(sid) == null).toList();
    }

    /**
     * The principal of {@code sid}: named by its cn only where that is its account name (the cmdlet resolves
     * '<name>$'); else by its SID: the list is replaced, and '<cn>$' of a renamed computer is another account, or
     * anyone's to create.
     */
    private static Action.Principal principal(AuditContext ctx, String sid, boolean present) {
        AdObject who = ctx.bySid(sid);
        boolean byName = who != null && !Commands.accountDiffers(who.name(), who.samAccountName());
        return new Action.Principal(byName ? who.name() : null, who == null ? null : ctx.domainOf(who), sid, present);
    }

    private static Action.Principal principal(AuditContext ctx, AdObject source, boolean present) {
        return new Action.Principal(source.name(), ctx.domainOf(source), source.objectSid(), present);
    }
}
