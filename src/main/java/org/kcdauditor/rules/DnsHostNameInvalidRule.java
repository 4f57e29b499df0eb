package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * DNS_HOST_NAME_INVALID: a node's or file server's dNSHostName is not a DNS name (quotes, {@code $(},
 * spaces, control or bidirectional characters). No delegation entry or command is derived from it: the
 * FQDN form of delegation to that host is not checked until the value is fixed.
 */
public final class DnsHostNameInvalidRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DNS_HOST_NAME_INVALID", Severity.MEDIUM, Category.INVENTORY,
            "A host's dNSHostName is not a valid DNS name",
            "a node's or file server's `dNSHostName` is not a DNS name (quotes, `$(`, spaces, control or"
                    + " bidirectional characters): no entry or command is derived from it",
            "A dNSHostName that is not a DNS name cannot be what clients connect to, and putting it into"
                    + " delegation entries or commands would carry whatever it holds into scripts. The FQDN form of"
                    + " delegation to the host stays unchecked until it is fixed.",
            "RFC 1123 host names; MS-ADA1 dNSHostName");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (!ctx.policy().fqdnForm()) {
            return;
        }
        for (ResolvedCluster c : ctx.clusters()) {
            Set<AdObject> hosts = new LinkedHashSet<>();
            for (AdObject n : c.nodes()) {
                if (ctx.clusterOf(n) == c) {
                    hosts.add(n);
                }
            }
            hosts.addAll(c.fileServers());
            for (AdObject h : hosts) {
                String dns = h.dnsHostName();
                if (dns == null || dns.isBlank() || ctx.hasValidDnsHostName(h)) {
                    continue;
                }
                List<String> actual = new ArrayList<>();
                actual.add(dns);
                out.add(INFO).cluster(c.name()).host(h.name())
                        .evidence(Evidence.builder().attribute("dNSHostName").nameForm("fqdn").actual(actual).build())
                        .message(h.name() + "'s dNSHostName '" + Values.visible(dns) + "' is not a valid DNS name,"
                                + " so no delegation entry or command is derived from it and the FQDN form of"
                                + " delegation to " + h.name() + " is not checked.")
                        .action(new Action.Manual("Invalid value: fix it by hand in ADSI Edit (" + h.name()
                                + " > Properties > dNSHostName), or let the host re-register it; then re-run the"
                                + " audit."))
                        .emit();
            }
        }
    }
}
