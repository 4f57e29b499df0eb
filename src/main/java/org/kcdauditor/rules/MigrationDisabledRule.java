package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** MIGRATION_DISABLED: live migration is disabled on a node (Get-VMHost export). */
public final class MigrationDisabledRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.MIGRATION_DISABLED, Severity.MEDIUM, Category.HOSTS,
            "Live migration is disabled on a host",
            "a node's `VirtualMachineMigrationEnabled` is False (`hostSettings.sources`): blocks its pairs",
            "A host with live migration disabled neither sends nor receives live migrations: it cannot be drained"
                    + " without downtime, whatever its delegation.",
            "Microsoft Learn: Enable-VMMigration; Get-VMHost VirtualMachineMigrationEnabled");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            HostSettings h = ctx.hostSettings(node);
            if (h == null || !Boolean.FALSE.equals(h.migrationEnabled())) {
                continue;
            }
            List<Evidence.PairRef> pairs = EncryptionRules.pairs(ctx, node);
            out.add(INFO).cluster(ctx.clusterName(node)).host(node.name())
                    .evidence(Evidence.builder().attribute("VirtualMachineMigrationEnabled").actual(List.of("False"))
                            .expected(List.of("True")).pairs(pairs).origin(h.origin()).build())
                    .message("Live migration is disabled on " + node.name() + " (" + h.origin() + ")"
                            + EncryptionRules.breaks(pairs) + "." + MigrationAuthNotKerberosRule.untilReplaced(node,
                            h, o -> o.migrationEnabled() == null ? "no VirtualMachineMigrationEnabled"
                                    : "VirtualMachineMigrationEnabled " + (o.migrationEnabled() ? "True" : "False")))
                    .action(new Action.EnableMigration(node.name()))
                    .emit();
        }
    }
}
