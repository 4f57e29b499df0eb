package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

/** PATCH_DATA_MISSING: patch sources are configured but none holds a record for this node. */
public final class PatchDataMissingRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("PATCH_DATA_MISSING", Severity.INFO, "patches",
            "No patch history for a node",
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
        PatchIndex index = PatchIndex.of(ctx);
        for (AdObject n : ctx.nodes()) {
            if (index.records(n).isEmpty()) {
                out.add(INFO, ctx.clusterOf(n).name(), n.name(), null, null,
                        "No patch record for " + n.name() + " in the configured patch exports.",
                        "Export it on the host: Get-HotFix | Export-Csv -NoTypeInformation " + n.name()
                                + "-hotfix.csv, and add the file to patches.sources.");
            }
        }
    }
}
