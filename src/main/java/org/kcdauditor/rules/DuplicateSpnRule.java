package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DnsNames;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * DUPLICATE_SPN: an SPN of a node or file server is registered on more than one object (users included).
 * The KDC refuses tickets for it, so the pairs into the host that need it are blocked (AuditContext); a holder in the
 * domain of a pair's source across domains blocks the pairs from there, whose KDC finds it first.
 */
public final class DuplicateSpnRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.DUPLICATE_SPN, Severity.HIGH, Category.SPN,
            "An SPN of a host is registered on more than one object",
            "an SPN of a node or file server is also registered on another object (users and service accounts"
                    + " included); blocks the pairs into it when it is a required target SPN, or the `HOST/X` through"
                    + " which `cifs/X` is served; across domains, a holder in the domain of a pair's source blocks the"
                    + " pairs from that domain (`evidence.holders[].domain`; docs/directories.md); a computer the SPN"
                    + " names by its own name (another HV01 in another domain) keeps it: a decision, never a scripted"
                    + " removal",
            "When two accounts register the same SPN the KDC cannot tell which key to use and refuses the ticket"
                    + " (KDC event 11, 'multiple accounts with name ... of type DS_SERVICE_PRINCIPAL_NAME'): delegation"
                    + " to that service fails however complete it is. A source in another domain asks its own domain's"
                    + " KDC, which finds a holder there and refers it nowhere. setspn -X (-F forest-wide) lists these.",
            "Microsoft Learn: setspn -X; KDC event 11; MS-KILE 3.3.5.1.1; MS-SFU 3.2.5.2.3");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AuditContext.Duplicate d : ctx.duplicates().values()) {
            AdObject node = d.holder();
            String spn = d.stored();
            // a holder in another domain (that of sources of pairs into the node) is said with its domain
            List<Evidence.Holder> holders = Rules.holders(d.others(), spn,
                    o -> ctx.sameDirectory(o, node) ? null : ctx.domainOf(o));
            boolean inDomain = d.others().stream().anyMatch(o -> ctx.sameDirectory(o, node));
            List<Evidence.PairRef> breaks = new ArrayList<>();
            List<PairStatus> blocked = new ArrayList<>();
            // the pairs the context blocks by it: those needing the SPN, or (for HOST/X) cifs/X, which resolves to it
            Blocker blocker = Blocker.of(Blocker.DUPLICATE_SPN, node.name(), null, spn);
            Set<String> into = new LinkedHashSet<>();
            for (AdObject target : Stream.concat(Stream.of(node), d.others().stream()).toList()) {
                for (PairStatus p : ctx.pairsTo(target)) {
                    if (p.blockers().contains(blocker)) {
                        breaks.add(new Evidence.PairRef(p.source().name(), target.name()));
                        blocked.add(p);
                        into.add(target.name());
                    }
                }
            }
            // a computer the SPN names by its own name (another HV01 in another domain) keeps it: taking it off would
            // break that computer, so what to do instead is a decision; a copy on any other object is taken off
            List<AdObject> own = d.others().stream().filter(o -> ownSpn(spn, o)).toList();
            List<Action> removals = Rules.unregister(Rules.holders(d.others().stream().filter(o -> !own.contains(o))
                    .toList(), spn, o -> ctx.sameDirectory(o, node) ? null : ctx.domainOf(o)));
            List<Action> actions = new ArrayList<>();
            if (AuditContext.spnNames(spn, node)) {
                actions.addAll(removals);
                if (!own.isEmpty()) {
                    actions.add(new Action.Manual(keptOn(ctx, node, spn, own)));
                }
            } else {
                actions.add(new Action.Manual("Decide which account runs the service (" + spn + " does not name "
                        + node.name() + (own.isEmpty() ? "" : "; " + keptOn(ctx, node, spn, own)) + ")"
                        + (removals.isEmpty() ? "." : "; to keep it on " + node.name() + ":"), removals));
            }
            var cluster = ctx.clusterOfHost(node);
            out.add(INFO).cluster(cluster == null ? null : cluster.name()).host(node.name()).spn(spn)
                    .evidence(Evidence.builder().spn(spn).attribute("servicePrincipalName").holders(holders)
                            .pairs(breaks).build())
                    .message(Values.visibleSpn(spn) + " is registered on " + node.name() + " and also on " + d.others()
                            .stream()
                            .map(o -> Values.visibleAccount(o.name()) + " (" + Values.visibleAccount(o.dn())
                                    + (ctx.sameDirectory(o, node) ? "" : ", in " + ctx.domainOf(o)) + ")")
                            .collect(Collectors.joining(", ")) + "."
                            + (breaks.isEmpty() ? "" : (inDomain ? " The KDC refuses tickets for it (KDC event 11)"
                            : " " + holders.stream().map(Evidence.Holder::domain).distinct()
                            .map(x -> x + "'s KDC").collect(Collectors.joining(" and ")) + ", which the sources there"
                            + " ask, finds that account in its own domain and refers them nowhere (MS-KILE 3.3.5.1.1):"
                            + " it refuses the ticket (KDC_ERR_BADOPTION) or issues it in that account's key, which "
                            + node.name() + " cannot decrypt (KRB_AP_ERR_MODIFIED)")
                            + (spn.regionMatches(true, 0, "HOST/", 0, 5)
                            ? (inDomain ? " and for cifs/" : "; the same for cifs/") + Values.visibleSpn(spn.substring(5))
                            + ", which it serves through sPNMappings" : "") + ", so " + (breaks.size() == 1
                            ? "the pair " : "the " + breaks.size() + " pairs ") + "into " + String.join(" and ", into)
                            + " cannot migrate." + Rules.smbWhy(ctx, blocked, List.of(spn))))
                    .actions(actions)
                    .emit();
        }
    }

    /**
     * Whether {@code spn} is computer {@code o}'s own: its host part is {@code o}'s sAMAccountName without {@code $},
     * its cn, its dNSHostName, or (a short name) that dNSHostName's first label. Such a computer is another host
     * answering to the name (an HV01 in another domain), not an object that carries a copy of the node's SPN.
     */
    static boolean ownSpn(String spn, AdObject o) {
        Spn s = Spn.parse(spn);
        if (s == null || !o.isComputer()) {
            return false;
        }
        String h = s.hostName();
        String sam = o.samAccountName() == null ? null : o.samAccountName().endsWith("$")
                ? o.samAccountName().substring(0, o.samAccountName().length() - 1) : o.samAccountName();
        String dns = o.dnsHostName() == null ? null : DnsNames.withoutTrailingDots(o.dnsHostName().strip())
                .toLowerCase(Locale.ROOT);
        return sam != null && h.equals(sam.toLowerCase(Locale.ROOT))
                || o.cn() != null && h.equals(o.cn().toLowerCase(Locale.ROOT))
                || dns != null && !dns.isEmpty() && (h.equals(dns)
                || h.indexOf('.') < 0 && dns.startsWith(h + "."));
    }

    /**
     * The decision for an SPN that also names computers {@code own} by their own name: no step takes it off them
     * (their SMB, remote management and own migrations by that name use it); the pairs into {@code node} ask for it by
     * {@code node}'s FQDN only, or one of the hosts is renamed.
     */
    static String keptOn(AuditContext ctx, AdObject node, String spn, List<AdObject> own) {
        String names = own.stream().map(o -> Values.visibleAccount(o.name())).collect(Collectors.joining(" and "));
        String domains = own.stream().filter(o -> !ctx.sameDirectory(o, node)).map(ctx::domainOf).distinct()
                .collect(Collectors.joining(" and "));
        boolean shortName = Spn.parse(spn).hostName().indexOf('.') < 0;
        String fqdn = ctx.fqdnOf(node);
        return Values.visibleSpn(spn) + " is " + names + "'s own SPN (it names " + names + (domains.isEmpty() ? ""
                : ", in " + domains) + "): taking it off " + names + " would break that computer's own services (SMB,"
                + " remote management, its own live migrations by that name), so no step takes it off. Two hosts answer"
                + " to the name" + (domains.isEmpty() ? "" : " in two domains") + ": "
                + (shortName && fqdn != null ? "have the pairs into " + node.name() + " name it by its FQDN "
                + Values.visibleSpn(fqdn) + " only (policy.nameForms: [fqdn], and moves started with that name), or"
                + " rename one of the two hosts" : "rename one of the two hosts or correct the dNSHostName that is"
                + " wrong") + "; then audit again.";
    }
}
