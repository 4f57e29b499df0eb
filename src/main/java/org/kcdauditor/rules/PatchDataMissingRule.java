package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

/** PATCH_DATA_MISSING: patch sources are configured but none holds a record for this node. */
public final class PatchDataMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("PATCH_DATA_MISSING", Severity.INFO, Category.PATCHES,
            "No patch history for a node",
            "no patch record for a node",
            "Without the node's patch history the auditor cannot tell whether a Kerberos hardening update is"
                    + " in force on it.",
            "Get-HotFix | Export-Csv; WSUS / Configuration Manager exports");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        if (!ctx.inputs().patchesConfigured()) {
            return;
        }
        for (AdObject n : ctx.nodes()) {
            if (ctx.patches().records(n).isEmpty()) {
                out.add(INFO).cluster(ctx.clusterName(n)).host(n.name())
                        .evidence(Evidence.builder().attribute("patches.sources").build())
                        .message("No patch record for " + n.name() + " in the configured patch exports.")
                        .action(new Action.Manual("Export the host's patch list (Get-HotFix | Export-Csv"
                                + " -NoTypeInformation) and add the file to patches.sources."))
                        .emit();
            }
        }
    }
}
