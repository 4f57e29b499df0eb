package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RBCD_ALLOWS_ANY_ACCOUNT: a node's or file server's resource-based delegation allows a principal that holds every
 * account, every computer or every user ({@link AnyAccount}). The pairs it covers are counted as covered, since the
 * KDC lets their sources delegate (This Organization and BUILTIN\Users excepted: the KDC's token is not known to hold
 * them; Domain Users holds no computer the directory does not list in it), but so does it let any other account: the
 * finding names the grant, the pairs that use it, and proposes the list of those hosts instead.
 */
public final class RbcdAllowsAnyAccountRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("RBCD_ALLOWS_ANY_ACCOUNT", Severity.HIGH, Category.DELEGATION,
            "A host's resource-based delegation lets any account act as any user towards it",
            "a node's or file server's `msDS-AllowedToActOnBehalfOfOtherIdentity` allows Everyone (S-1-1-0),"
                    + " Authenticated Users (S-1-5-11), This Organization (S-1-5-15), BUILTIN\\Users (S-1-5-32-545) or a"
                    + " domain's Domain Computers (RID 515) or Domain Users (RID 513), and no access-denied entry refuses every account — one finding per host, `host`=the"
                    + " target, with the pairs that need the grant (their source's own entries do not cover them) and,"
                    + " as a decision, the list naming those hosts to set instead"
                    + " (`Set-ADComputer -PrincipalsAllowedToDelegateToAccount`)",
            "The KDC checks the descriptor against the token of whichever account asks to delegate, and every"
                    + " account's token holds Everyone and Authenticated Users, every computer's its primary group"
                    + " Domain Computers, every user's Domain Users: any account, such as a computer account any domain"
                    + " user may create (ms-DS-MachineAccountQuota, 10 by default) or a user account without a service"
                    + " principal name (S4U2self with user-to-user authentication), can obtain tickets to the host's"
                    + " services as any user who is not protected from delegation, administrators included, and take"
                    + " the host and its virtual machines over. Migration works through the grant, so the pairs it"
                    + " covers are counted as covered (This Organization and BUILTIN\\Users excepted: the KDC's token is"
                    + " not known to hold them; Domain Users holds no computer unless the directory lists it there),"
                    + " but it must name the hosts that migrate instead.",
            "MS-SFU 3.2.5.2.3 (S4U2proxy with resource-based delegation); MS-ADA2 2.218"
                    + " msDS-AllowedToActOnBehalfOfOtherIdentity; ms-DS-MachineAccountQuota; Elad Shamir, Wagging"
                    + " the Dog (2019); James Forshaw, Exploiting RBCD Using a Normal User Account (2022)");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject target : ctx.nodesAndFileServers()) {
            List<String> grants = AnyAccount.grants(target);
            if (grants.isEmpty()) {
                continue; // none, or refused to every account: the descriptor allows nobody
            }
            List<String> named = new ArrayList<>(target.rbcdSids());
            named.removeAll(grants);
            List<AdObject> sources = new ArrayList<>(); // the hosts that need the grant: its replacement lists them
            List<Evidence.PairRef> covered = new ArrayList<>();
            List<Evidence.PairRef> notCounted = new ArrayList<>();
            Set<String> failingAs = new java.util.TreeSet<>(); // the rules that report the pairs not counted
            List<Evidence.PairRef> classic = new ArrayList<>(); // the pairs their sources' own entries cover
            for (PairStatus p : ctx.pairsTo(target)) {
                AdObject source = p.source();
                if (p.entriesCover()) {
                    classic.add(new Evidence.PairRef(source.name(), target.name()));
                    continue;
                }
                if (source.objectSid() == null || ctx.snapshot().rbcdRefuses(target, source)
                        || ctx.snapshot().rbcdAllows(named, target.rbcdDeniedSids(), source.objectSid())) {
                    continue; // refused or allowed by name: it does not need the grant
                }
                sources.add(source);
                (p.rbcd() ? covered : notCounted).add(new Evidence.PairRef(source.name(), target.name()));
                if (!p.rbcd()) {
                    failingAs.add(ctx.crossDirectory(p) ? "CROSS_DOMAIN_NEEDS_RBCD" : "MISSING_DELEGATION");
                }
            }
            String name = target.name();
            String shown = String.join(" and ", grants.stream().map(AnyAccount::shown).toList());
            // Domain Users holds no computer, so none any user may create; every grant but Domain Computers holds
            // user accounts, which need no SPN: S4U2self with user-to-user authentication
            boolean usersOnly = grants.stream().allMatch(AnyAccount::domainUsers);
            boolean users = grants.stream().anyMatch(sid -> !"Domain Computers".equals(AnyAccount.name(sid)));
            String theirs = notCounted.size() == 1 ? notCounted.get(0).from() : "their sources";
            List<String> reasons = grants.stream().map(sid -> AnyAccount.notCounted(sid, theirs))
                    .filter(java.util.Objects::nonNull).toList();
            String message = name + "'s resource-based delegation (msDS-AllowedToActOnBehalfOfOtherIdentity) allows "
                    + shown + ": " + String.join("; ", grants.stream().map(AnyAccount::holders).toList())
                    + ". The KDC checks the descriptor against the token of whichever account asks to delegate to "
                    + name + (!grants.stream().allMatch(AnyAccount::unknownInToken) ? ", so"
                    : grants.size() == 1 ? ", so, if that token holds it," : ", so, if that token holds one of them,")
                    + (usersOnly ? " any user account of the domain, one without a service principal name included"
                    + " (S4U2self with user-to-user authentication)," : " any such account, a computer account any"
                    + " domain user may create (ms-DS-MachineAccountQuota, 10 by default)" + (users ? " and a user"
                    + " account without a service principal name (S4U2self with user-to-user authentication)" : "")
                    + " included,") + " can obtain tickets to " + name
                    + "'s services as any user who is not protected from delegation, administrators included, and take "
                    + name + (ctx.clusterOf(target) != null ? " and its virtual machines" : "") + " over."
                    + (covered.isEmpty() ? "" : " It covers " + pairs(covered) + " today, so kcd-audit counts "
                    + (covered.size() == 1 ? "that pair" : "those pairs") + " as covered and asks for no"
                    + " msDS-AllowedToDelegateTo entries.")
                    + (notCounted.isEmpty() ? "" : " kcd-audit does not count it as covering a pair: "
                    + String.join("; ", reasons) + ", so " + pairs(notCounted) + " "
                    + (notCounted.size() == 1 ? "is" : "are") + " counted as failing (" + String.join(", ", failingAs)
                    + ").")
                    + " ADUC's Delegation tab does not show it.";
            List<Action.Principal> list = RbcdList.of(ctx, target, Set.of(), sources);
            String decision = "Replace the grant with the hosts that are to delegate to " + name + ": first find"
                    + " which other accounts delegate to " + name + " this way (" + RbcdList.otherAccounts(name)
                    + ") and add those that must,"
                    + " then set the list, which leaves out " + String.join(" and ", grants.stream()
                    .map(AnyAccount::name).toList()) + "."
                    + " Save the descriptor as it is before setting the list, to a file you keep: the list writes"
                    + " allow entries for directory accounts only, and kcd-audit reads which SIDs the descriptor"
                    + " allows and refuses, not its rights or owner, so neither can set it back as it was; the undo"
                    + " sets the saved descriptor back (then replicate and purge the tickets as after the change)."
                    + CrossDomainNeedsRbcdRule.refusals(ctx, target)
                    + (!list.isEmpty() ? "" : " No audited pair needs the grant" + (classic.isEmpty() ? ""
                    : ": " + (classic.size() == 1 ? classic.get(0).from() + "'s own msDS-AllowedToDelegateTo entries"
                    + " cover " : "their sources' own msDS-AllowedToDelegateTo entries cover ") + pairs(classic))
                    + ", so the list proposed names nobody and clears the attribute.");
            ResolvedCluster cluster = ctx.clusterOfHost(target);
            List<Evidence.PairRef> all = new ArrayList<>(covered);
            all.addAll(notCounted);
            out.add(INFO).cluster(cluster == null ? null : cluster.name()).host(name)
                    .evidence(Evidence.builder().attribute("msDS-AllowedToActOnBehalfOfOtherIdentity")
                            .sids(target.rbcdSids()).anyAccountSids(grants).pairs(all).build())
                    .message(message)
                    .action(new Action.Manual(decision, List.of(new Action.AddRbcd(name, list))))
                    .emit();
        }
    }

    private static String pairs(List<Evidence.PairRef> pairs) {
        return String.join(", ", pairs.stream().map(p -> p.from() + " -> " + p.to()).toList());
    }
}
