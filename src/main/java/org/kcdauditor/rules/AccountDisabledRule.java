package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** ACCOUNT_DISABLED: a node's computer account is disabled (0x2). */
public final class AccountDisabledRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.ACCOUNT_DISABLED, Severity.MEDIUM, Category.INVENTORY,
            "A host's computer account is disabled",
            "a node's account is disabled (`0x2`): blocks its pairs",
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
                List<Evidence.PairRef> pairs = EncryptionRules.pairs(ctx, node);
                out.add(INFO).cluster(ctx.clusterOf(node).name()).host(node.name())
                        .evidence(Evidence.builder().attribute("userAccountControl")
                                .userAccountControl(node.userAccountControl())
                                .uacBits(Uac.flagNames(node.userAccountControl()))
                                .expected(List.of("ACCOUNTDISABLE off")).pairs(pairs).build())
                        .message(node.name() + "'s computer account is disabled, so it obtains no Kerberos tickets"
                                + EncryptionRules.breaks(pairs) + ".")
                        .action(new Action.Manual("Decide whether the host is still in service: if not, remove"
                                + " it from the cluster and the configuration; if it is:",
                                List.of(new Action.EnableAccount(node.name()))))
                        .emit();
            }
        }
    }
}
