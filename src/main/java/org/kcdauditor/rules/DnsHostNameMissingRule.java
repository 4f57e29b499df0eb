package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * DNS_HOST_NAME_MISSING: a node or file server has no dNSHostName while the policy asks for the FQDN form. The FQDN
 * its own SPNs name ({@code HOST/h21b.contoso.com}), when they name exactly one, is the form checked, and entries
 * missing in it are MISSING_DELEGATION findings. Otherwise the auditor does not guess an FQDN: the entries in that
 * form are counted as required and not present, and every pair into the host (but those RBCD covers) is blocked by
 * this finding until its dNSHostName is set.
 */
public final class DnsHostNameMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DNS_HOST_NAME_MISSING", Severity.MEDIUM, Category.INVENTORY,
            "A host has no dNSHostName: the FQDN form cannot be checked",
            "a node or file server has no `dNSHostName` while `policy.nameForms` has `fqdn`: the FQDN form is checked"
                    + " against the one FQDN its own SPNs name (`HOST/h21b.contoso.com`; the entries missing in it are"
                    + " MISSING_DELEGATION findings); where they name none or several the tool does not guess one,"
                    + " counts those entries as required and not present, and blocks every pair into the host (but"
                    + " those its RBCD covers) until `dNSHostName` is set",
            "Migrations and SMB connect by FQDN, so peers need 'service/host.fqdn' entries; without the"
                    + " host's dNSHostName the audit cannot tell which FQDN is right and will not guess: the FQDN its"
                    + " own SPNs name is the one it answers to, and without one the FQDN entries cannot be checked,"
                    + " so no pair into it can be called OK.",
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
        // file servers too: their cifs/<fqdn>, which the VMs' share paths use, is required as a node's is
        for (AdObject node : ctx.nodesAndFileServers()) {
            if (AuditContext.hasDnsHostName(node)) {
                continue;
            }
            String name = Values.visibleAccount(node.name());
            String derived = ctx.derivedFqdn(node);
            List<String> named = ctx.fqdnsInSpns(node);
            String set = "Set-ADComputer -Identity " + Ps.quote(AuditContext.netbiosName(node) + "$")
                    + " -DNSHostName ";
            Evidence.Builder evidence = Evidence.builder().attribute("dNSHostName").nameForm("fqdn");
            String message;
            String action;
            if (derived != null) {
                evidence.expected(List.of(derived));
                message = name + " has no dNSHostName; its own SPNs name it " + Values.visibleSpn(derived)
                        + ", so delegation to it is checked in that FQDN form (" + Values.visibleSpn(derived)
                        + " is the FQDN they answer to; no other is guessed).";
                action = "Let the host re-register (it sets dNSHostName on join and start), or set it: " + set
                        + Ps.quote(derived) + "; then re-run the audit.";
            } else {
                evidence.actual(named.isEmpty() ? null : named);
                message = name + " has no dNSHostName, so the FQDN form of delegation to it cannot be checked: "
                        + (named.isEmpty() ? "its SPNs name no FQDN"
                        : "its SPNs name several (" + Values.visibleSpns(named, ", ") + ")")
                        + ", and the audit does not guess one. The FQDN entries into it count as required and not"
                        + " present, and each pair into " + name + " that its resource-based delegation does not cover"
                        + " is blocked until its dNSHostName is set.";
                action = "Set " + name + "'s dNSHostName to the FQDN it answers to (let the host re-register: it sets"
                        + " it on join and start; or " + set + "'<FQDN>'), then add the FQDN entries"
                        + " (<service>/<FQDN>) to each peer's msDS-AllowedToDelegateTo: re-run the audit, whose"
                        + " MISSING_DELEGATION findings then give their commands.";
            }
            out.add(INFO).cluster(ctx.clusterOfHost(node).name()).host(node.name()).evidence(evidence.build())
                    .message(message).action(new Action.Manual(action)).emit();
        }
    }
}
