package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PatchIndex;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** PATCH_LEVEL_SKEW: nodes of one cluster differ in the catalogued hardening updates they carry. */
public final class PatchLevelSkewRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("PATCH_LEVEL_SKEW", Severity.LOW, Category.PATCHES,
            "Nodes of a cluster differ in Kerberos hardening updates",
            "nodes of one cluster differ in catalogued hardening updates",
            "When some nodes enforce a hardening change and others do not, migration works in one direction"
                    + " and fails in the other, which makes the failure look random.",
            "config/hardening-kbs.yaml");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PatchIndex index = ctx.patches();
        for (ResolvedCluster c : ctx.clusters()) {
            String preflight = Commands.preflight(c.name());
            Map<AdObject, Set<String>> have = new LinkedHashMap<>();
            Set<String> all = new LinkedHashSet<>();
            for (AdObject n : c.nodes()) {
                if (ctx.clusterOf(n) != c || index.records(n).isEmpty()) {
                    continue;
                }
                Set<String> kbs = index.hardening(n).keySet();
                have.put(n, kbs);
                all.addAll(kbs);
            }
            for (Map.Entry<AdObject, Set<String>> e : have.entrySet()) {
                for (String kb : all) {
                    if (e.getValue().contains(kb)) {
                        continue;
                    }
                    List<String> others = have.entrySet().stream().filter(o -> o.getValue().contains(kb))
                            .map(o -> o.getKey().name()).toList();
                    out.add(INFO).cluster(c.name()).host(e.getKey().name()).spn(kb)
                            .evidence(Evidence.builder().kb(kb).actual(others).build())
                            .message(e.getKey().name() + " lacks hardening " + kb + " which " + String.join(", ", others)
                                    + " in " + c.name() + " have installed.")
                            .action(new Action.Manual("Bring the cluster to one patch level in the next window, after"
                                    + " delegation is verified" + (preflight == null ? "." : " (" + preflight + ").")))
                            .emit();
                }
            }
        }
    }
}
