package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/** OPERATOR_NOT_FOUND: a name in {@code policy.operators} is no user or group of the directory. */
public final class OperatorNotFoundRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("OPERATOR_NOT_FOUND", Severity.LOW, Category.ACCOUNTS,
            "A configured operator is no user or group",
            "a name in `policy.operators` is not a user or group of the domain (looked up under its DN, also where"
                    + " `baseDn` is an OU), or names something else",
            "The operators check can only judge accounts it finds: a misspelt name or a moved group leaves the"
                    + " people who start migrations unchecked.",
            "kcd-audit configuration: policy.operators");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (Operator op : ctx.snapshot().operators()) {
            if (op.kind() == Operator.Kind.USER || op.kind() == Operator.Kind.GROUP) {
                continue;
            }
            out.add(INFO).host(op.name())
                    .evidence(Evidence.builder().operator(op.name()).attribute("policy.operators").build())
                    .message("policy.operators names '" + op.name() + "', but " + (op.found() ? "it is neither a user"
                            + " nor a group (" + op.dn() + ")" : op.note() != null ? op.note()
                            : "no user or group of that name or DN exists under " + (op.dn() != null ? op.dn()
                            : ctx.snapshot().baseDn()))
                            + ", so its accounts were not checked.")
                    .action(new Action.Manual("Give the sAMAccountName or DN of the users or group who start live"
                            + " migrations remotely."))
                    .emit();
        }
    }
}
