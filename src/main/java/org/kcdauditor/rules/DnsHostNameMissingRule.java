package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

/**
 * DNS_HOST_NAME_MISSING: a node has no dNSHostName, so the FQDN form of delegation to it cannot be
 * checked. The auditor never guesses an FQDN.
 */
public final class DnsHostNameMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DNS_HOST_NAME_MISSING", Severity.MEDIUM, "inventory",
            "A host has no dNSHostName: the FQDN form cannot be checked",
            "Migrations and SMB connect by FQDN, so peers need 'service/host.fqdn' entries; without the"
                    + " host's dNSHostName the audit cannot tell which FQDN is right and will not guess.",
            "MS-ADA2 dNSHostName");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (!ctx.policy().fqdnForm()) {
            return;
        }
        for (AdObject node : ctx.nodes()) {
            if (node.dnsHostName() == null || node.dnsHostName().isBlank()) {
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, null,
                        node.name() + " has no dNSHostName, so the FQDN form of delegation to it cannot be checked.",
                        "Let the host re-register (it sets dNSHostName on join and start), or set it in ADUC"
                                + " Attribute Editor; then re-run the audit.");
            }
        }
    }
}
