package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;

/** UNCONSTRAINED_DELEGATION: a node has TRUSTED_FOR_DELEGATION (0x80000). */
public final class UnconstrainedDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("UNCONSTRAINED_DELEGATION", Severity.HIGH, "delegation",
            "A host is trusted for unconstrained delegation",
            "Unconstrained delegation lets the host impersonate any user to any service and exposes every"
                    + " forwarded TGT on it; Credential Guard (default on Windows Server 2025) blocks it, so it"
                    + " does not even make migration work. Constrained delegation to the peers is the fix.",
            "ADS_USER_FLAG_ENUM TRUSTED_FOR_DELEGATION 0x80000; Microsoft Learn: Credential Guard considerations");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            if (Uac.has(node.userAccountControl(), Uac.TRUSTED_FOR_DELEGATION)) {
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, null,
                        node.name() + " is trusted for unconstrained delegation (userAccountControl 0x80000).",
                        "In ADUC select 'Trust this computer for delegation to specified services only' on "
                                + node.name() + " and list the peers' services instead.");
            }
        }
    }
}
