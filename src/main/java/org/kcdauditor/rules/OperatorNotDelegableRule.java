package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * OPERATOR_NOT_DELEGABLE: an account of {@code policy.operators} (who start migrations remotely) is marked
 * "Account is sensitive and cannot be delegated" or is in Protected Users: constrained delegation cannot
 * carry its credentials, so the moves it starts from a workstation fail. A disabled account, or one whose
 * accountExpires has passed when the directory was read, starts none and is left to {@link OperatorNotFoundRule}.
 */
public final class OperatorNotDelegableRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("OPERATOR_NOT_DELEGABLE", Severity.MEDIUM, Category.ACCOUNTS,
            "An operator's account cannot be delegated",
            "an enabled, unexpired account of `policy.operators` (nested groups resolved) has NOT_DELEGATED"
                    + " (`0x100000`) or is in Protected Users (RID 525; nested, or as its primary group)",
            "A live migration started remotely (Hyper-V Manager, Windows Admin Center, PowerShell from a"
                    + " workstation) needs the source host to delegate the operator's credentials. Accounts marked"
                    + " sensitive or in Protected Users are never delegated, by design, so those moves fail. The"
                    + " protection is right for admin accounts: start the moves differently instead.",
            "Microsoft Learn: Protected Users security group; ADS_USER_FLAG_ENUM NOT_DELEGATED 0x100000;"
                    + " PingCastle P-Delegated");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        Set<String> reported = new HashSet<>();
        for (Operator op : ctx.snapshot().operators()) {
            for (OperatorAccount a : op.accounts()) {
                // a disabled or expired account obtains no ticket and starts no migration: OPERATOR_NOT_FOUND says
                // it when configured by name, and such a member of an operator group starts none either
                if (a.delegable() || a.disabled() || a.expiredAt(ctx.snapshot().takenAt())
                        || !reported.add(a.dn().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                boolean sensitive = a.notDelegated();
                boolean protectedUsers = Boolean.TRUE.equals(a.protectedUsers());
                String why = sensitive && protectedUsers ? "is marked 'Account is sensitive and cannot be delegated'"
                        + " and is in Protected Users" : sensitive ? "is marked 'Account is sensitive and cannot be"
                        + " delegated'" : "is in Protected Users";
                out.add(INFO).host(a.samAccountName())
                        .evidence(Evidence.builder().operator(op.name()).attribute(sensitive ? "userAccountControl"
                                        : "memberOf").userAccountControl(a.userAccountControl())
                                .uacBits(Uac.flagNames(a.userAccountControl())).protectedUsers(a.protectedUsers())
                                .build())
                        .message("Operator " + a.samAccountName() + (op.kind() != Operator.Kind.GROUP
                                ? "" : " (through " + op.name() + ")") + " " + why + ": live migrations it starts"
                                + " remotely fail, because no host may delegate its credentials.")
                        .action(new Action.Manual("Keep the protection. Start clustered moves on a node of the"
                                + " cluster (Failover Cluster Manager, or Move-ClusterVirtualMachineRole in a session"
                                + " on the node), or give migrations a separate operations account that is not"
                                + " protected."))
                        .emit();
            }
        }
    }
}
