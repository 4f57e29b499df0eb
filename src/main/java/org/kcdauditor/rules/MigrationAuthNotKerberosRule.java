package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.List;

/**
 * MIGRATION_AUTH_NOT_KERBEROS: a node authenticates live migrations with CredSSP (Get-VMHost export).
 * Constrained delegation applies only to Kerberos, and Credential Guard, on by default on Windows Server
 * 2025, blocks CredSSP: the node's pairs fail both ways.
 */
public final class MigrationAuthNotKerberosRule implements Rule {
    static final RuleInfo INFO = new RuleInfo(Blocker.MIGRATION_AUTH_NOT_KERBEROS, Severity.HIGH, Category.HOSTS,
            "A host migrates with CredSSP, not Kerberos",
            "a node's `VirtualMachineMigrationAuthenticationType` is CredSSP (`hostSettings.sources`): blocks its"
                    + " pairs",
            "The delegation this tool checks is Kerberos constrained delegation; a host set to CredSSP does not use"
                    + " it, needs an interactive logon on the source, and fails under Credential Guard (on by default"
                    + " on Windows Server 2025).",
            "Microsoft Learn: Set up hosts for live migration without Failover Clustering (2025); Credential Guard"
                    + " considerations and known issues; Set-VMHost -VirtualMachineMigrationAuthenticationType");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        for (AdObject node : ctx.nodes()) {
            HostSettings h = ctx.hostSettings(node);
            if (h == null || h.authenticationType() != HostSettings.MigrationAuthentication.CREDSSP) {
                continue;
            }
            List<Evidence.PairRef> pairs = EncryptionRules.pairs(ctx, node);
            out.add(INFO).cluster(ctx.clusterName(node)).host(node.name())
                    .evidence(Evidence.builder().attribute("VirtualMachineMigrationAuthenticationType")
                            .actual(List.of(h.authenticationTypeText())).expected(List.of("Kerberos")).pairs(pairs)
                            .operatingSystem(node.operatingSystem()).origin(h.origin()).build())
                    .message(node.name() + " authenticates live migrations with CredSSP (" + h.origin() + "), so"
                            + " constrained delegation does not apply" + EncryptionRules.breaks(pairs) + ".")
                    .action(new Action.SetMigrationAuthentication(node.name()))
                    .emit();
        }
    }
}
