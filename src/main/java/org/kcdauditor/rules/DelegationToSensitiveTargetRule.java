package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;
import java.util.Locale;

/**
 * DELEGATION_TO_SENSITIVE_TARGET: a node may delegate to a service of a domain controller (or of krbtgt).
 * A compromised host could then impersonate any user to the DC, and with protocol transition it needs no
 * user's ticket at all (PingCastle P-DelegationDCa2d2, P-DelegationDCt2a4d).
 */
public final class DelegationToSensitiveTargetRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DELEGATION_TO_SENSITIVE_TARGET", Severity.HIGH, Category.DELEGATION,
            "A host may delegate to a domain controller's service",
            "a node's `msDS-AllowedToDelegateTo` names a service on a domain controller (target UAC"
                    + " SERVER_TRUST_ACCOUNT `0x2000` or PARTIAL_SECRETS_ACCOUNT `0x4000000`) or `krbtgt`, by the"
                    + " entry's owner: the DC's name, an alias it registers as `HOST/X`, or an SPN registered on krbtgt"
                    + " (`kadmin/changepw`); when that DC is itself configured as the node's peer or file server, its pairs"
                    + " need the entry, so the remedy is to take the DC out of the cluster, not to remove the entry",
            "Delegation to a domain controller's service lets whoever controls the host act as any user towards the"
                    + " DC (LDAP, CIFS, HOST): a path to domain admin. With 'Use any authentication protocol' it needs"
                    + " no user's ticket at all. Live migration never needs it, unless a domain controller is made a Hyper-V"
                    + " host or its storage, which it should not be.",
            "PingCastle P-DelegationDCa2d2 and P-DelegationDCt2a4d; Microsoft Defender for Identity: unsecure Kerberos"
                    + " delegation; ADS_USER_FLAG_ENUM SERVER_TRUST_ACCOUNT, PARTIAL_SECRETS_ACCOUNT");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            boolean transition = Uac.has(node.userAccountControl(), Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
            for (String entry : ctx.entriesNamingDcOrKrbtgt(node)) {
                String what = sensitive(ctx, entry);
                if (what == null) {
                    continue;
                }
                AdObject target = ctx.sensitiveOwner(entry);
                if (target == null && isKrbtgt(entry)) {
                    target = realmKrbtgt(ctx, entry);
                }
                // krbtgt/CONTOSO.COM names a realm, not a host: the peer is the KDC's account
                String peer = target != null ? target.name() : isKrbtgt(entry) ? "krbtgt"
                        : StaleDelegationRule.netbiosName(Spn.parse(entry).hostName());
                String risk = node.name() + " may delegate to " + Values.visibleSpn(entry) + ", a service of " + what
                        + ": whoever"
                        + " controls " + node.name() + " can act as any user towards it" + (transition
                        ? ", and with 'Use any authentication protocol' without any user's ticket at all"
                        : " whose ticket it holds; with protocol transition ('Use any authentication protocol',"
                        + " one checkbox away) it would need no user at all");
                // a domain controller configured as the node's peer or file server: the pairs into it need the entry
                boolean migrationTarget = target != null && target.isDomainController()
                        && (ctx.peersOf(node).contains(target) || ctx.clusterOf(node).fileServers().contains(target));
                out.add(INFO).cluster(ctx.clusterName(node)).host(node.name()).peer(peer).spn(entry)
                        .evidence(Evidence.builder().spn(entry).attribute("msDS-AllowedToDelegateTo")
                                .actual(List.of(entry)).targetExists(target != null)
                                .userAccountControl(target == null ? null : target.userAccountControl())
                                .uacBits(target == null ? null : Uac.flagNames(target.userAccountControl())).build())
                        .message(migrationTarget ? risk + ". " + peer + " is configured as a migration target of "
                                + node.name() + " (a node or file server of " + ctx.clusterName(node) + "), so its pairs"
                                + " need the entry: a domain controller should not be a Hyper-V host or its storage."
                                : risk + ". Live migration does not need it.")
                        .action(migrationTarget ? new Action.Manual(offDomainController(peer) + " before removing"
                                + " this entry: while " + peer + " is a migration target, removing it blocks the"
                                + " migrations into " + peer + ".")
                                : new Action.RemoveDelegation(node.name(), peer, List.of(entry)))
                        .emit();
            }
        }
    }

    /**
     * The step for a domain controller configured as a node or file server, whose pairs need delegation to it:
     * "Move the Hyper-V role (or the VM storage) off the domain controller DC1 and take it out of clusters[]".
     */
    static String offDomainController(String dc) {
        return "Move the Hyper-V role (or the VM storage) off the domain controller " + dc + " and take it out of"
                + " clusters[]";
    }

    /**
     * The domain's krbtgt account (RID 502) that {@code krbtgt/REALM} names: the KDC resolves it by the account,
     * not by a registered SPN, so it exists although no object lists it in servicePrincipalName. Null for another
     * realm (a trust's) or when the sweep did not return it.
     */
    private static AdObject realmKrbtgt(AuditContext ctx, String entry) {
        Spn spn = Spn.parse(entry);
        String realm = spn == null ? null : spn.hostName();
        if (realm == null) {
            return null;
        }
        for (AdObject o : ctx.snapshot().objects()) {
            if (o.isKrbtgt() && "krbtgt".equalsIgnoreCase(o.samAccountName())
                    && realm.equalsIgnoreCase(AuditContext.dnsDomain(o.dn()))) {
                return o;
            }
        }
        return null;
    }

    private static boolean isKrbtgt(String entry) {
        Spn spn = Spn.parse(entry);
        return spn != null && spn.service().equalsIgnoreCase("krbtgt");
    }

    /**
     * "domain controller DC1", "read-only domain controller RODC1", "krbtgt"; null for an ordinary target. The
     * target is the entry's owner ({@link AuditContext#sensitiveOwner}): by its exact SPN, the DC's name or an
     * alias it registers as {@code HOST/X}.
     */
    static String sensitive(AuditContext ctx, String entry) {
        Spn spn = Spn.parse(entry);
        if (spn == null) {
            return null;
        }
        AdObject target = ctx.sensitiveOwner(entry);
        if (spn.service().toLowerCase(Locale.ROOT).equals("krbtgt") || target != null && !target.isDomainController()) {
            return "krbtgt (the KDC itself)";
        }
        if (target == null) {
            return null;
        }
        return (target.isReadOnlyDc() ? "read-only domain controller " : "domain controller ") + target.name();
    }
}
