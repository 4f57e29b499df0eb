package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Ps;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RBCD_PRESENT: a node carries msDS-AllowedToActOnBehalfOfOtherIdentity. RBCD on B that allows A, or a group A is a
 * member of, covers the pair A→B (no MISSING_DELEGATION for it); the finding says which pairs it covers. A SID of
 * the node's own domain that no account holds ({@link AuditContext#deletedAccount}) allows nobody: the grant of a
 * host whose computer object was deleted, or replaced by one of the same name (a node rebuilt). It is named as such,
 * never as the account that now has the name, and its decision sets the list without it.
 */
public final class RbcdPresentRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("RBCD_PRESENT", Severity.INFO, Category.DELEGATION,
            "Resource-based constrained delegation is configured on a host",
            "a node carries `msDS-AllowedToActOnBehalfOfOtherIdentity`: lists the SIDs, the hosts or groups (with"
                    + " their members) they resolve to and the pairs it covers, through group membership too (one"
                    + " another finding blocks with that finding's rule: it needs no entry, but fails until that is"
                    + " fixed); one"
                    + " in which no SID can be read (removing the last principal can leave it so, or it cannot be"
                    + " parsed) says that it counts no pair as covered, and to read it before clearing it; a SID of"
                    + " the node's domain that no account holds (deleted: a node rebuilt under its name has a new one)"
                    + " is named so, covers no pair, and the list proposed leaves it out",
            "RBCD is set on the target and lists the accounts allowed to delegate to it; it works across"
                    + " domains and always permits protocol transition. It is valid for migration, but it is"
                    + " invisible on ADUC's Delegation tab, so the audit shows where it is used.",
            "MS-ADA2 2.218 msDS-AllowedToActOnBehalfOfOtherIdentity");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            if (!node.rbcdPresent()) {
                continue;
            }
            List<String> allowed = new ArrayList<>();
            List<String> groups = new ArrayList<>(0);
            List<String> deleted = new ArrayList<>(0);
            for (String sid : node.rbcdSids()) {
                if (ctx.deletedAccount(node, sid)) {
                    String former = formerNode(ctx, sid);
                    allowed.add(sid + " (no account: deleted" + (former == null ? "" : "; " + former) + ")");
                    deleted.add(sid);
                    continue;
                }
                allowed.add(shown(ctx, sid));
                RbcdPrincipal p = ctx.bySid(sid) == null ? ctx.snapshot().rbcdPrincipals().get(sid) : null;
                // a group every computer or user holds is no group to add a host to: RBCD_ALLOWS_ANY_ACCOUNT
                if (p != null && p.kind() == RbcdPrincipal.Kind.GROUP && AnyAccount.name(sid) == null) {
                    groups.add(p.displayName());
                }
            }
            List<String> grants = AnyAccount.grants(node); // RBCD_ALLOWS_ANY_ACCOUNT
            List<String> refused = node.rbcdDeniedSids().stream().map(sid -> shown(ctx, sid)).toList();
            List<PairStatus> coveredPairs = ctx.pairsTo(node).stream().filter(PairStatus::rbcd).toList();
            List<Evidence.PairRef> covered = coveredPairs.stream()
                    .map(p -> new Evidence.PairRef(p.source().name(), node.name())).toList();
            // removing the last principal (samba-tool delegation del-principal, ADSI Edit) can leave a descriptor
            // that allows nobody; but no SID read is also a descriptor that could not be parsed, or one without a DACL
            // (which allows everyone): the admin reads it before clearing it
            String message = (allowed.isEmpty() ? node.name() + " carries msDS-AllowedToActOnBehalfOfOtherIdentity,"
                    + " but kcd-audit reads no host it allows (a security descriptor that grants no SID, as removing"
                    + " the last principal leaves it, or one kcd-audit cannot parse), so it counts no pair as covered"
                    + " by it." : node.name() + " allows RBCD from " + String.join(", ", allowed) + ".")
                    + (refused.isEmpty() ? "" : " It refuses " + String.join(", ", refused) + " (access-denied"
                    + " ACEs, which win over any allow: the KDC does not let those hosts, or the members of those"
                    + " groups, delegate to " + node.name() + " this way).")
                    + coverage(coveredPairs)
                    + (groups.isEmpty() ? "" : " The KDC reads group membership from the delegating host's TGT: a"
                    + " host added to " + String.join(" or ", groups) + " is allowed once it has a new one"
                    + " (klist -li 0x3e7 purge on it, or a restart).")
                    + (deleted.isEmpty() ? "" : (deleted.size() == 1 ? " A grant to a deleted account allows"
                    : " Grants to deleted accounts allow") + " nobody (a computer object created again under the same"
                    + " name is another account, with another SID) and cover" + (deleted.size() == 1 ? "s" : "")
                    + " no pair.");
            // grants to deleted accounts go by setting the list without them (unless RBCD_ALLOWS_ANY_ACCOUNT's does)
            List<Action.Principal> without = deleted.isEmpty() || !grants.isEmpty() ? null
                    : RbcdList.of(ctx, node, Set.of(), List.of());
            out.add(INFO).cluster(ctx.clusterOf(node).name()).host(node.name())
                    .evidence(Evidence.builder().attribute("msDS-AllowedToActOnBehalfOfOtherIdentity")
                            .sids(node.rbcdSids()).actual(allowed).pairs(covered).build())
                    .message(message)
                    .action(new Action.Manual(allowed.isEmpty() ? "Read it first: Get-ADComputer "
                            + Ps.quote(node.name()) + " -Properties PrincipalsAllowedToDelegateToAccount. If it lists"
                            + " nobody, clear it (Set-ADComputer " + Ps.quote(node.name())
                            + " -PrincipalsAllowedToDelegateToAccount $null) or add the hosts that are to delegate to "
                            + node.name() + " this way; if it lists hosts, keep it and document it in the baseline."
                            : !grants.isEmpty() ? "Do not keep it as it is: it allows "
                            + RbcdList.grantsShown(grants, node.name()) + "; RBCD_ALLOWS_ANY_ACCOUNT proposes the list"
                            + " of hosts to set instead."
                            : without != null ? dropDeleted(node, deleted, without.isEmpty())
                            : "Keep it if intended and document it in"
                            + " the baseline (ADUC does not show it; Get-ADComputer reads it as"
                            + " PrincipalsAllowedToDelegateToAccount).", without == null ? List.of()
                            : List.of(new Action.AddRbcd(node.name(), without))))
                    .emit();
        }
    }

    /**
     * The pairs the grant covers, as one or two sentences: those nothing blocks, then those another finding blocks
     * (DUPLICATE_SPN, AES_NOT_ENABLED …), each with the rules that block it, which no entry is needed for either but
     * which fail until those findings are fixed. Empty when it covers none.
     */
    private static String coverage(List<PairStatus> covered) {
        List<String> ok = new ArrayList<>();
        List<String> blocked = new ArrayList<>(0);
        Set<String> findings = new java.util.HashSet<>(); // one DUPLICATE_SPN can block every pair into the node
        for (PairStatus p : covered) {
            String pair = p.source().name() + " -> " + p.target().name();
            if (p.ok()) {
                ok.add(pair);
            } else {
                Set<String> rules = new java.util.LinkedHashSet<>();
                p.blockers().forEach(b -> {
                    rules.add(b.rule());
                    findings.add(b.findingId());
                });
                blocked.add(pair + " (blocked by " + String.join(", ", rules) + ")");
            }
        }
        String out = ok.isEmpty() ? "" : " It covers " + String.join(", ", ok) + ", so no msDS-AllowedToDelegateTo"
                + " entries are needed for " + (ok.size() == 1 ? "that pair." : "those pairs.");
        if (!blocked.isEmpty()) {
            out += " It " + (ok.isEmpty() ? "" : "also ") + "covers " + String.join(", ", blocked)
                    + ": no msDS-AllowedToDelegateTo entries are needed for " + (blocked.size() == 1
                    ? "that pair, but it fails" : "those pairs, but they fail") + " until the finding"
                    + (findings.size() == 1 ? " named is" : "s named are") + " fixed.";
        }
        return out;
    }

    /**
     * The decision on grants to {@code deleted} accounts: remove them (the list {@link RbcdList#of} proposes leaves
     * them out; {@code nobodyLeft}: it names nobody), and allow a rebuilt host's new account instead where it is to
     * delegate this way.
     */
    private static String dropDeleted(AdObject node, List<String> deleted, boolean nobodyLeft) {
        boolean one = deleted.size() == 1;
        return "Remove the grant" + (one ? " to " : "s to ") + String.join(", ", deleted) + ": no account has "
                + (one ? "that SID" : "those SIDs") + " any more, so " + (one ? "it allows" : "they allow") + " nobody;"
                + " where it was the account of a host rebuilt under its name that is to delegate to " + node.name()
                + " this way, allow the new account instead. The list proposed leaves " + (one ? "it" : "them")
                + " out (the cmdlet replaces the whole list" + (nobodyLeft ? "; with nobody left it clears the"
                + " attribute" : "") + ").";
    }

    /**
     * The node whose objectSid {@code sid} was in the run compared with, as {@code HV02's objectSid before its computer
     * object was replaced}; null when that run knew no node with it.
     */
    private static String formerNode(AuditContext ctx, String sid) {
        PreviousRun prev = ctx.inputs().previous();
        if (prev == null) {
            return null;
        }
        for (Map.Entry<String, HostState> e : prev.hosts().entrySet()) {
            if (sid.equalsIgnoreCase(e.getValue().objectSid())) {
                return e.getKey() + "'s objectSid before its computer object was " + (ctx.computer(e.getKey()) == null
                        ? "deleted" : "replaced");
            }
        }
        return null;
    }

    /** A SID of the descriptor with the account or group it names ("unresolved" when the run could not read it). */
    private static String shown(AuditContext ctx, String sid) {
        return ctx.sidWithName(sid, RbcdPrincipal::label, "unresolved");
    }
}
