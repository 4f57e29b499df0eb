package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/**
 * DNS_HOST_NAME_MISSING: a node or file server has no dNSHostName, so the FQDN form of delegation to it cannot be
 * checked. The auditor never guesses an FQDN.
 */
public final class DnsHostNameMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DNS_HOST_NAME_MISSING", Severity.MEDIUM, Category.INVENTORY,
            "A host has no dNSHostName: the FQDN form cannot be checked",
            "a node or file server has no `dNSHostName`, so the FQDN form cannot be checked (the tool never guesses an"
                    + " FQDN)",
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
        // file servers too: their cifs/<fqdn>, which the VMs' share paths use, cannot be checked either
        for (AdObject node : ctx.nodesAndFileServers()) {
            if (node.dnsHostName() == null || node.dnsHostName().isBlank()) {
                out.add(INFO).cluster(ctx.clusterOfHost(node).name()).host(node.name())
                        .evidence(Evidence.builder().attribute("dNSHostName").nameForm("fqdn").build())
                        .message(node.name() + " has no dNSHostName, so the FQDN form of delegation to it cannot be"
                                + " checked.")
                        .action(new Action.Manual("Let the host re-register (it sets dNSHostName on join and start),"
                                + " or set it in ADUC's Attribute Editor; then re-run the audit."))
                        .emit();
            }
        }
    }
}
