package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AnyAccount;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.remedy.Values;

import java.util.List;

/**
 * OPERATOR_NOT_FOUND: a name in {@code policy.operators} is no user or group of the directory, or a group of it has
 * members of another domain (foreign security principals of a trusted domain, or DNs of another domain of the
 * forest), whose "sensitive" flag and Protected Users membership only their own domain holds; or it names a disabled
 * user, or one whose accountExpires has passed, which obtains no Kerberos ticket and so starts no migration.
 */
public final class OperatorNotFoundRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("OPERATOR_NOT_FOUND", Severity.LOW, Category.ACCOUNTS,
            "A configured operator is no user or group, is disabled or expired, or has members not checked",
            "a name in `policy.operators` is not a user or group of the domain (looked up under its DN, also where"
                    + " `baseDn` is an OU), names something else, a disabled user or one whose `accountExpires` has"
                    + " passed; or a group of it has members of another domain"
                    + " (foreign security principals, nested included), which are not checked, or a well-known group"
                    + " such as Authenticated Users, which makes every account an operator",
            "The operators check can only judge accounts it finds: a misspelt name or a moved group leaves the"
                    + " people who start migrations unchecked.",
            "kcd-audit configuration: policy.operators; MS-ADA1 accountExpires; MS-KILE 3.3.5.7.1"
                    + " KDC_ERR_CLIENT_REVOKED");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (Operator op : ctx.snapshot().operators()) {
            if (op.kind() == Operator.Kind.GROUP && !op.foreignMembers().isEmpty()) {
                foreignMembers(op, out);
                continue;
            }
            if (op.kind() == Operator.Kind.USER && !op.accounts().isEmpty() && op.accounts().get(0).disabled()) {
                disabled(op, op.accounts().get(0), out);
                continue;
            }
            if (op.kind() == Operator.Kind.USER && !op.accounts().isEmpty()
                    && op.accounts().get(0).expiredAt(ctx.snapshot().takenAt())) {
                expired(op, op.accounts().get(0), out);
                continue;
            }
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

    /**
     * A configured user whose account is disabled: the KDC gives it no ticket (KDC_ERR_CLIENT_REVOKED), so the
     * operators who do start migrations are someone else, unchecked. Its NOT_DELEGATED flag is moot, so it is no
     * OPERATOR_NOT_DELEGABLE.
     */
    private static void disabled(Operator op, OperatorAccount a, FindingSink out) {
        out.add(INFO).host(op.name())
                .evidence(Evidence.builder().operator(op.name()).attribute("userAccountControl")
                        .userAccountControl(a.userAccountControl()).uacBits(Uac.flagNames(a.userAccountControl()))
                        .build())
                .message("policy.operators names '" + op.name() + "', but its account "
                        + Values.visibleAccount(a.samAccountName() != null ? a.samAccountName() : a.dn())
                        + " is disabled: the KDC gives it no ticket, so it starts no live migration, and the accounts"
                        + " that do start them were not checked.")
                .action(new Action.Manual("Give the sAMAccountName or DN of the users or group who start live"
                        + " migrations remotely now, in place of the disabled account."))
                .emit();
    }

    /**
     * A configured user whose accountExpires had passed when the directory was read (the run's clock): the KDC refuses
     * it a ticket as a disabled one (KDC_ERR_CLIENT_REVOKED; STATUS_ACCOUNT_EXPIRED in the DC's logon events), so the
     * operators who do start migrations are someone else, unchecked, and it is no OPERATOR_NOT_DELEGABLE either. An
     * expiry may be a leaver's or a mistake (a contractor's renewal not entered): the fix says both ways, the account
     * named by its sAMAccountName (else its DN) in single quotes for PowerShell.
     */
    private static void expired(Operator op, OperatorAccount a, FindingSink out) {
        String identity = Ps.quote(Values.visible(a.samAccountName() != null ? a.samAccountName() : a.dn()));
        out.add(INFO).host(op.name())
                .evidence(Evidence.builder().operator(op.name()).attribute("accountExpires")
                        .actual(List.of(a.accountExpires().toString())).expected(List.of("never, or a later date"))
                        .userAccountControl(a.userAccountControl()).uacBits(Uac.flagNames(a.userAccountControl()))
                        .build())
                .message("policy.operators names '" + op.name() + "', but its account "
                        + Values.visibleAccount(a.samAccountName() != null ? a.samAccountName() : a.dn())
                        + " expired on " + a.accountExpires() + " (accountExpires): the KDC gives it no ticket, so it"
                        + " starts no live migration, and the accounts that do start them were not checked.")
                .action(new Action.Manual("If the account still starts live migrations, extend or clear its expiry"
                        + " (Set-ADAccountExpiration -Identity " + identity + " -DateTime <new date>, or"
                        + " Clear-ADAccountExpiration -Identity " + identity + "); if not, give the sAMAccountName or"
                        + " DN of the users or group who start live migrations remotely now, in place of the expired"
                        + " account."))
                .emit();
    }

    /**
     * The members of another domain of an operator group: their NOT_DELEGATED flag and their Protected Users (each
     * domain has its own, RID 525 of its SID) are in their own domain. A well-known group among them (Authenticated
     * Users, Everyone, This Organization, BUILTIN\Users: {@link AnyAccount#name}) is no account to name there: every
     * account holds it, so every account is an operator through it, and the advice is to replace it; a trusted domain's
     * Domain Users or Domain Computers holds that domain's accounts only and is checked there like any member. Each member is shown as a name beside the operators
     * ({@link Values#visibleAccount}): a DN is a directory value.
     */
    private static void foreignMembers(Operator op, FindingSink out) {
        // a trusted domain's Domain Users or Domain Computers holds that domain's accounts only, which can be checked
        // there: a foreign member like any other
        List<String> everyone = op.foreignMembers().stream()
                .filter(m -> AnyAccount.name(m) != null && !AnyAccount.domainGroup(m)).toList();
        boolean others = everyone.size() < op.foreignMembers().size();
        String names = String.join(", ", everyone.stream().map(AnyAccount::shown).toList());
        String accounts = "name those accounts (DOMAIN\\name or userPrincipalName) in policy.operators with a directory"
                + " of their domain configured, so they are checked there; or check in their domain that they are"
                + " neither marked sensitive nor in its Protected Users.";
        out.add(INFO).host(op.name())
                .evidence(Evidence.builder().operator(op.name()).attribute("member").actual(op.foreignMembers())
                        .build())
                .message("policy.operators names the group '" + op.name() + "', which has "
                        + (op.foreignMembers().size() == 1 ? "a member" : op.foreignMembers().size() + " members")
                        + " of another domain (" + String.join(", ", op.foreignMembers().stream()
                        .map(m -> AnyAccount.name(m) == null ? Values.visibleAccount(m) : m + " " + AnyAccount.name(m))
                        .toList())
                        + "; a SID is a foreign security principal: an account or group of a trusted domain, or a"
                        + " well-known group that every account holds): the 'sensitive and cannot be delegated' flag"
                        + " and Protected Users membership of such an account are in its own domain, so "
                        + (op.foreignMembers().size() == 1 ? "it was" : "they were") + " not checked."
                        + (everyone.isEmpty() ? "" : " " + names + (everyone.size() == 1 ? " is" : " are")
                        + " no account to name or check: " + String.join("; ", everyone.stream()
                        .map(AnyAccount::holders).toList()) + ", so through " + (everyone.size() == 1 ? "it" : "them")
                        + " every account starts migrations as an operator, this domain's sensitive accounts and"
                        + " Protected Users members too."))
                .action(new Action.Manual(everyone.isEmpty() ? "N" + accounts.substring(1) : "Remove " + names
                        + " from " + op.name() + " and its nested groups, and put the group of the people who really"
                        + " start live migrations in its place." + (others ? " For the other members: " + accounts
                        : "")))
                .emit();
    }
}
