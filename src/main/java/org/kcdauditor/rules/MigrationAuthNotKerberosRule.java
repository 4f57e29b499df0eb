package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;

import java.util.List;
import java.util.function.Function;

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

    /** A row's authentication type as written, or that it gives none. */
    private static String authentication(HostSettings h) {
        String t = h.authenticationTypeText();
        return t == null || t.isBlank() ? "no VirtualMachineMigrationAuthenticationType" : Values.visible(t.strip());
    }

    /**
     * " After the change on the host, export Get-VMHost again in place of FILE: …" for a node whose row {@code h}
     * blocks it: the row counts until its file no longer holds it, a newer export beside it does not override it
     * ({@link HostSettings#blocks}), and the other rows read for the node are named with their {@code value}.
     */
    static String untilReplaced(AdObject node, HostSettings h, Function<HostSettings, String> value) {
        return " After the change on the host, export Get-VMHost again in place of " + HostSettings.file(h.origin())
                + ": this row counts until that file no longer holds it, and " + HostSettings.BLOCKING_ROW_COUNTS
                + (h.others().isEmpty() ? "" : "; other rows for " + node.name() + ", not counted: " + String.join(
                ", ", h.others().stream().map(o -> o.origin() + " (" + value.apply(o) + ")").toList())) + ".";
    }

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
                            + " constrained delegation does not apply" + EncryptionRules.breaks(pairs) + "."
                            + untilReplaced(node, h, MigrationAuthNotKerberosRule::authentication))
                    .action(new Action.SetMigrationAuthentication(node.name()))
                    .emit();
        }
    }
}
