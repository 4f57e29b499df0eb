package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** BASELINE_HOST_MISSING: A baseline host is no longer a cluster node. */
public final class BaselineHostMissingRule extends BaselineChangeRule {
    static final RuleInfo INFO = new RuleInfo("BASELINE_HOST_MISSING", Severity.MEDIUM, Category.DRIFT,
            "A baseline host is no longer a cluster node",
            "a baseline host is no cluster node any more",
            "The baseline documents a host that is not found among the configured cluster nodes any more: it was removed, renamed or moved out of the cluster OU. Its peers may still carry entries for it.",
            "kcd-audit baseline (docs/history.md); seed: keep a documented baseline of delegation for every cluster computer object");

    public BaselineHostMissingRule() {
        super(Drift.Kind.HOST_MISSING);
    }

    @Override
    public RuleInfo info() {
        return INFO;
    }

    /**
     * A host not found whose objectSid a computer holds under another name ({@link AuditContext#renamedNode}, as
     * HOST_NOT_FOUND and CHANGED_SINCE_LAST_RUN read it) is that computer renamed, not a host gone: the finding says so
     * and asks for a baseline that documents it under its new name.
     */
    @Override
    void report(AuditContext ctx, Drift.Change c, FindingSink out) {
        AdObject renamed = c.value() == null ? ctx.renamedNode(c.host()) : null;
        out.add(INFO).host(c.host())
                .evidence(Evidence.builder().attribute("clusters").expected(List.of(c.host())).build())
                .message(c.host() + " is in the baseline but " + (renamed != null ? "not found under that name: "
                        + Drift.renamedTo(renamed.name(), renamed.objectSid()) + "."
                        : c.value() == null
                        ? "no longer found in the directory (by name or DNS name, under directory.baseDn)."
                        : "no longer a node of a configured cluster; its computer is still in the directory ("
                        + c.value() + ")."))
                .action(new Action.Manual(renamed != null ? (ctx.clusterOf(renamed) != null ? "It is a node as "
                        + renamed.name() + " already: review" : "Once clusters[].nodes names it " + renamed.name()
                        + ", review") + " its delegation and capture a new baseline (" + capture(ctx)
                        + "), which documents it under its new name."
                        : "If the host was decommissioned, remove it from the baseline (capture a"
                        + " new one) and remove the peers' entries for it; otherwise check the cluster configuration"
                        + " and the computer object."))
                .emit();
    }
}
