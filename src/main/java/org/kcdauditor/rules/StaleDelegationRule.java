package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Spn;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** STALE_DELEGATION: a node delegates a policy service to a host that is not its peer or does not exist. */
public final class StaleDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("STALE_DELEGATION", Severity.LOW, "hygiene",
            "A host delegates to a host that is not its peer",
            "Entries left behind for removed or moved nodes grant delegation nobody needs (least privilege)"
                    + " and hide the real state of the cluster in ADUC; a re-used host name would inherit the trust.",
            "MS-ADA2 2.219 msDS-AllowedToDelegateTo");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /** {@code hv15.contoso.com} and {@code hv15} both name host HV15: the first label, upper case as AD shows it. */
    static String netbiosName(String host) {
        int dot = host.indexOf('.');
        return (dot > 0 ? host.substring(0, dot) : host).toUpperCase(Locale.ROOT);
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> services = ctx.policy().services().stream().map(s -> s.toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        for (AdObject node : ctx.nodes()) {
            ResolvedCluster cluster = ctx.clusterOf(node);
            Set<AdObject> peers = ctx.peersOf(node);
            for (String entry : ctx.unexpectedDelegations(node)) {
                Spn spn = Spn.parse(entry);
                if (spn == null || !services.contains(spn.service().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                AdObject target = ctx.computer(spn.hostName());
                if (target != null && (peers.contains(target) || cluster.fileServers().contains(target))) {
                    continue;
                }
                String why = target == null ? "no computer named " + spn.hostName() + " exists in the directory"
                        : target.name() + " is not a peer of " + node.name() + " in the configured clusters";
                out.add(INFO, cluster.name(), node.name(), target == null ? netbiosName(spn.hostName()) : target.name(), entry,
                        node.name() + " delegates to " + entry + " but " + why + ".",
                        "Remove the entry: Set-ADComputer " + node.name()
                                + " -Remove @{'msDS-AllowedToDelegateTo'='" + entry + "'} (or add the host to the"
                                + " cluster's configuration if it is a peer).");
            }
        }
    }
}
