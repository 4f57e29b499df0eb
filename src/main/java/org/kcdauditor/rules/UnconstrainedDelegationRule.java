package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** UNCONSTRAINED_DELEGATION: a node has TRUSTED_FOR_DELEGATION (0x80000). */
public final class UnconstrainedDelegationRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("UNCONSTRAINED_DELEGATION", Severity.HIGH, Category.DELEGATION,
            "A host is trusted for unconstrained delegation",
            "a node has TRUSTED_FOR_DELEGATION (`0x80000`); on a node that is a writable domain controller (which carries it by"
                    + " default) the remedy is to move the Hyper-V role off the DC, not to change its delegation; elsewhere"
                    + " constrained delegation, with the protocol the policy demands, under `either` the one the baseline"
                    + " documents for the node, else the one its peers agree on, else 'Use any authentication protocol'",
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
            int uac = node.userAccountControl();
            if (Uac.has(uac, Uac.TRUSTED_FOR_DELEGATION)) {
                // a writable DC carries 0x80000 by default; a read-only DC (PARTIAL_SECRETS_ACCOUNT) does not, and
                // with it set is misconfigured the way any host is: the flag is cleared there
                boolean writableDc = Uac.has(uac, Uac.SERVER_TRUST_ACCOUNT);
                out.add(INFO).cluster(ctx.clusterOf(node).name()).host(node.name())
                        .evidence(Evidence.builder().attribute("userAccountControl").userAccountControl(uac)
                                .uacBits(Uac.flagNames(uac)).expected(List.of("TRUSTED_FOR_DELEGATION off"))
                                .build())
                        .message(node.name() + " is trusted for unconstrained delegation (userAccountControl 0x80000)."
                                + (writableDc ? " It is a domain controller, which carries this flag by"
                                + " default and keeps it: a domain controller should not be a Hyper-V host." : ""))
                        // a DC's delegation is not changed: the Hyper-V role leaves the DC instead
                        .action(writableDc ? new Action.Manual("Move the virtual machines and the"
                                + " Hyper-V role of " + node.name() + " to a member server (or demote " + node.name()
                                + ") and take it out of clusters[]; leave a domain controller's delegation as it is.")
                                : replace(ctx, node))
                        .emit();
            }
        }
    }

    /** Constrained delegation with the protocol {@link ProtocolChoice} takes for the node, saying why. */
    private static Action replace(AuditContext ctx, AdObject node) {
        ProtocolChoice choice = ProtocolChoice.of(ctx, node);
        return new Action.ReplaceUnconstrained(node.name(), choice.protocolTransition(), choice.basis());
    }
}
