package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

/** ACCOUNT_DISABLED: a node's computer account is disabled (0x2). */
public final class AccountDisabledRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("ACCOUNT_DISABLED", Severity.MEDIUM, "inventory",
            "A host's computer account is disabled",
            "A disabled computer account cannot obtain Kerberos tickets: the host cannot authenticate"
                    + " migrations at all. Either it was retired (remove it from the cluster configuration) or it"
                    + " was disabled by mistake.",
            "ADS_USER_FLAG_ENUM ACCOUNTDISABLE 0x2");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            if (node.disabled()) {
                out.add(INFO, ctx.clusterOf(node).name(), node.name(), null, null,
                        node.name() + "'s computer account is disabled.",
                        "Enable-ADAccount -Identity " + node.name() + "$ if the host is in service; otherwise"
                                + " remove it from the cluster and the configuration.");
            }
        }
    }
}
