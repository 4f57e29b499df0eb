package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** ACCOUNT_DISABLED: a node's or file server's computer account is disabled (0x2). */
public final class AccountDisabledRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.ACCOUNT_DISABLED, Severity.MEDIUM, Category.INVENTORY,
            "A host's computer account is disabled",
            "a node's or file server's account is disabled (`0x2`), or a node's expired (`accountExpires` passed):"
                    + " blocks its pairs",
            "A disabled computer account cannot obtain Kerberos tickets, and none is issued for its services: a"
                    + " node cannot authenticate migrations at all, and no node reaches a file server's cifs share"
                    + " with delegated credentials. A node whose accountExpires has passed gets no ticket-granting"
                    + " ticket either (KDC_ERR_CLIENT_REVOKED), whatever its userAccountControl. Either it was retired"
                    + " (remove it from the cluster configuration) or it was disabled or left to expire by mistake.",
            "ADS_USER_FLAG_ENUM ACCOUNTDISABLE 0x2; MS-ADA1 accountExpires; RFC 4120 KDC_ERR_CLIENT_REVOKED");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<AdObject> hosts = new LinkedHashSet<>(ctx.nodes());
        ctx.clusters().forEach(c -> hosts.addAll(c.fileServers()));
        for (AdObject host : hosts) {
            // a node only: the KDC refuses an expired account a TGT, yet still issues tickets for its services, so an
            // expired file server (a target only) blocks nothing
            if (!host.disabled() && host.expiredAt(ctx.snapshot().takenAt()) && ctx.clusterOf(host) != null) {
                List<Evidence.PairRef> pairs = EncryptionRules.pairs(ctx, host);
                out.add(INFO).cluster(EncryptionRules.cluster(ctx, host)).host(host.name())
                        .evidence(Evidence.builder().attribute("accountExpires")
                                .actual(List.of(host.accountExpires().toString()))
                                .expected(List.of("never, or a later date")).pairs(pairs).build())
                        .message(host.name() + "'s computer account expired on " + host.accountExpires()
                                + " (accountExpires), so it obtains no Kerberos tickets" + EncryptionRules.breaks(pairs)
                                + ".")
                        .action(new Action.Manual("Decide whether the host is still in service: if not, "
                                + retire(ctx, host) + "; if it is:",
                                List.of(new Action.ClearAccountExpiry(host.name()))))
                        .emit();
            }
            if (host.disabled()) {
                boolean node = ctx.clusterOf(host) != null;
                // a file server's: the pairs whose tickets its own keys encrypt, not those a service account serves
                List<Evidence.PairRef> pairs = EncryptionRules.keyedPairs(ctx, host);
                String unused = EncryptionRules.unused(ctx, host, pairs);
                out.add(INFO).cluster(EncryptionRules.cluster(ctx, host)).host(host.name())
                        .evidence(Evidence.builder().attribute("userAccountControl")
                                .userAccountControl(host.userAccountControl())
                                .uacBits(Uac.flagNames(host.userAccountControl()))
                                .expected(List.of("ACCOUNTDISABLE off")).pairs(pairs).build())
                        .message(host.name() + "'s computer account is disabled, so " + (node
                                ? "it obtains no Kerberos tickets" : "no Kerberos ticket is issued for " + (unused.isEmpty()
                                ? "its cifs share" : "the SPNs it registers itself"))
                                + EncryptionRules.breaks(pairs) + unused + ".")
                        .action(new Action.Manual("Decide whether the " + (node ? "host" : "file server") + " is"
                                + " still in service: if not, " + (node ? retire(ctx, host)
                                : "remove it from the cluster's file servers and the configuration") + "; if it is:",
                                List.of(new Action.EnableAccount(host.name()))))
                        .emit();
            }
        }
    }

    /**
     * How a node leaves its cluster: out of the list in the configuration, or, for a cluster that takes every
     * computer under its OU, with its computer object out of that OU.
     */
    private static String retire(AuditContext ctx, AdObject node) {
        ResolvedCluster c = ctx.clusterOf(node);
        return c != null && c.ou() != null ? "move its computer object out of " + c.ou() + " (or delete it)"
                : "remove it from the cluster and the configuration";
    }
}
