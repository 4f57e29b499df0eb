package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * DNS_HOST_NAME_INVALID: a node's or file server's dNSHostName is not a DNS name, or its name (sAMAccountName
 * without $, else cn) is not a host name (quotes, {@code $(}, spaces, control or bidirectional characters). No
 * delegation entry or command is derived from such a value: the FQDN (or NetBIOS) form of delegation to that
 * host is not checked until it is fixed. When neither form is left, every pair into the host is blocked (HIGH).
 */
public final class DnsHostNameInvalidRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("DNS_HOST_NAME_INVALID", Severity.MEDIUM, Category.INVENTORY,
            "A host's dNSHostName or name is not a valid host name",
            "a node's or file server's `dNSHostName` is not a DNS name, or its account name or cn is not a host"
                    + " name (quotes, `$(`, spaces, control or bidirectional characters): no entry or command is derived from it; HIGH"
                    + " when no form of its name the policy asks for is left (also a missing dNSHostName under an"
                    + " FQDN-only policy, when its SPNs name no single FQDN), which blocks every pair into it; an invalid"
                    + " dNSHostName under a policy asking for the FQDN form blocks the pairs into the host that its RBCD"
                    + " does not cover (the FQDN entries count as required, not present)",
            "A dNSHostName that is not a DNS name cannot be what clients connect to, and putting it (or such an"
                    + " account name) into delegation entries or commands would carry whatever it holds into scripts."
                    + " The form of delegation to the host that uses it stays unchecked until it is fixed.",
            "RFC 1123 host names; MS-ADA1 dNSHostName, sAMAccountName");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<AdObject> reported = Collections.newSetFromMap(new IdentityHashMap<>());
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
                boolean badDns = ctx.policy().fqdnForm() && dns != null && !dns.isBlank()
                        && !ctx.hasValidDnsHostName(h);
                boolean badName = ctx.policy().netbiosForm() && !ctx.hasValidName(h);
                String netbios = AuditContext.netbiosName(h);
                // the name reports and scripts call the host by (its cn): no script command is made of an invalid
                // one, even where the account name serves the entries (a cn renamed in ADUC)
                boolean badCn = !Values.validHostName(h.name()) && !(badName && netbios.equals(h.name()));
                // no form left: the pairs into the host are blocked by this finding, whatever the cause
                boolean blocks = !ctx.hasUsableName(h);
                if (!badDns && !badName && !badCn && !blocks || !reported.add(h)) {
                    continue; // a file server of several clusters is reported once
                }
                List<String> actual = new ArrayList<>();
                List<String> what = new ArrayList<>();
                if (badName) {
                    actual.add(netbios);
                    // by its code, as the cn: 'НV03' quoted as stored shows nothing invalid
                    what.add("name '" + Values.visibleAccount(netbios) + "' is not a valid host name");
                }
                if (badCn) {
                    actual.add(h.name());
                    // a letter of another script by its code: shown as stored, НV06 reads as a valid HV06
                    what.add("cn '" + Values.visibleAccount(h.name()) + "' is not a valid host name");
                }
                if (badDns) {
                    actual.add(dns);
                    what.add("dNSHostName '" + Values.visibleSpn(dns) + "' is not a valid DNS name");
                }
                if (what.isEmpty()) {
                    what.add("dNSHostName is not set (nor do its SPNs name a single FQDN), and the policy names peers by"
                            + " FQDN only (policy.nameForms)");
                }
                String shown = Values.visibleAccount(h.name());
                boolean onlyCn = badCn && !badName && !badDns;
                List<String> fix = new ArrayList<>();
                if (badName || badCn) {
                    fix.add(badName ? "sAMAccountName, cn" : "cn");
                }
                if (badDns) {
                    fix.add("dNSHostName");
                }
                out.add(INFO).cluster(c.name()).host(h.name()).severity(blocks ? Severity.HIGH : Severity.MEDIUM)
                        .evidence(Evidence.builder().attribute(badName ? "sAMAccountName" : onlyCn ? "cn"
                                        : "dNSHostName")
                                .nameForm(onlyCn || badName && badDns ? null : badName ? "netbios" : "fqdn")
                                .actual(actual).build())
                        .message(shown + "'s " + String.join(" and its ", what) + ", so no delegation entry or command"
                                + " is derived from " + (actual.size() > 1 ? "them" : "it") + (blocks
                                ? " and no pair into " + shown + " can be checked: each is blocked until it is fixed."
                                : onlyCn ? ": its account name " + Values.visible(netbios) + " still serves the"
                                + " delegation entries, but the remediation scripts leave " + shown + "'s changes to be"
                                + " made by hand."
                                : badDns && !badName ? " and the FQDN form of delegation to " + shown + " cannot be"
                                + " checked: the pairs into " + shown + " are blocked until it is fixed (but those its"
                                + " resource-based delegation covers)."
                                : " and the " + (badName ? "NetBIOS" : "FQDN") + " form of delegation to " + shown
                                + " is not checked."))
                        .action(new Action.Manual((actual.isEmpty() ? "Let the host register its dNSHostName (or"
                                + " set it in ADUC's Attribute Editor), or add netbios to policy.nameForms"
                                : "Invalid value: fix it by hand in ADSI Edit (" + shown + " > Properties > "
                                + String.join(", ", fix) + "), or let the host re-register it") + "; then re-run the"
                                + " audit."))
                        .emit();
            }
        }
    }
}
