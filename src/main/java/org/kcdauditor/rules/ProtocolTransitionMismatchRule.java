package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PROTOCOL_TRANSITION_MISMATCH: TRUSTED_TO_AUTH_FOR_DELEGATION differs from the policy; under
 * {@code either}, a Kerberos-only node on Windows Server 2016 or later gets an INFO advisory.
 */
public final class ProtocolTransitionMismatchRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("PROTOCOL_TRANSITION_MISMATCH", Severity.MEDIUM, "delegation",
            "Protocol transition differs from the policy",
            "From Windows Server 2016 Hyper-V remote management runs over WinRM as NETWORK SERVICE, so"
                    + " Microsoft's guidance is 'Use any authentication protocol' (protocol transition); older"
                    + " guidance says 'Use Kerberos only'. Hosts of one cluster should follow one documented choice.",
            "ADS_USER_FLAG_ENUM TRUSTED_TO_AUTH_FOR_DELEGATION 0x1000000; Virtualization blog, Feb 2017");

    /** Windows Server 2016 is NT 10.0 build 14393. */
    static final int WS2016_BUILD = 14393;
    private static final Pattern BUILD = Pattern.compile("\\((\\d+)\\)");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        ProtocolTransition policy = ctx.policy().protocolTransition();
        for (AdObject node : ctx.nodes()) {
            if (ctx.peersOf(node).isEmpty() || Uac.has(node.userAccountControl(), Uac.TRUSTED_FOR_DELEGATION)) {
                continue;
            }
            boolean transition = Uac.has(node.userAccountControl(), Uac.TRUSTED_TO_AUTH_FOR_DELEGATION);
            String cluster = ctx.clusterOf(node).name();
            String name = node.name();
            if (policy == ProtocolTransition.ANY && !transition) {
                out.add(INFO, cluster, name, null, null,
                        name + " uses 'Kerberos only' but the policy demands 'Use any authentication protocol'.",
                        "Set-ADAccountControl " + name + "$ -TrustedToAuthForDelegation $true (ADUC: Delegation >"
                                + " Use any authentication protocol).");
            } else if (policy == ProtocolTransition.KERBEROS_ONLY && transition) {
                out.add(INFO, cluster, name, null, null,
                        name + " uses 'any authentication protocol' but the policy demands 'Use Kerberos only'.",
                        "Set-ADAccountControl " + name + "$ -TrustedToAuthForDelegation $false (ADUC: Delegation >"
                                + " Use Kerberos only).");
            } else if (policy == ProtocolTransition.EITHER && !transition && !node.delegateTo().isEmpty()
                    && isServer2016OrLater(node)) {
                out.add(INFO, Severity.INFO, cluster, name, null, null,
                        name + " (" + node.operatingSystem() + ") delegates with 'Kerberos only'; on Windows Server"
                                + " 2016 and later Microsoft recommends 'Use any authentication protocol'.",
                        "Consider Set-ADAccountControl " + name + "$ -TrustedToAuthForDelegation $true if migrations"
                                + " are started remotely (Hyper-V Manager, WinRM).");
            }
        }
    }

    static boolean isServer2016OrLater(AdObject node) {
        String v = node.operatingSystemVersion();
        if (v != null) {
            Matcher m = BUILD.matcher(v);
            if (m.find()) {
                return Integer.parseInt(m.group(1)) >= WS2016_BUILD;
            }
        }
        String os = node.operatingSystem();
        return os != null && os.contains("Server") && os.matches(".*\\b20(1[6-9]|[2-9]\\d)\\b.*");
    }
}
