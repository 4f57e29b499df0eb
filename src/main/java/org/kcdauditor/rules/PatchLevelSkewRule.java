package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Severity;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** PATCH_LEVEL_SKEW: nodes of one cluster differ in the catalogued hardening updates they carry. */
public final class PatchLevelSkewRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("PATCH_LEVEL_SKEW", Severity.LOW, "patches",
            "Nodes of a cluster differ in Kerberos hardening updates",
            "When some nodes enforce a hardening change and others do not, migration works in one direction"
                    + " and fails in the other, which makes the failure look random.",
            "config/hardening-kbs.yaml");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PatchIndex index = PatchIndex.of(ctx);
        for (ResolvedCluster c : ctx.clusters()) {
            Map<AdObject, Set<String>> have = new LinkedHashMap<>();
            Set<String> all = new LinkedHashSet<>();
            for (AdObject n : c.nodes()) {
                if (ctx.clusterOf(n) != c || index.records(n).isEmpty()) {
                    continue;
                }
                Set<String> kbs = index.hardening(ctx, n).keySet();
                have.put(n, kbs);
                all.addAll(kbs);
            }
            for (Map.Entry<AdObject, Set<String>> e : have.entrySet()) {
                for (String kb : all) {
                    if (e.getValue().contains(kb)) {
                        continue;
                    }
                    String others = have.entrySet().stream().filter(o -> o.getValue().contains(kb))
                            .map(o -> o.getKey().name()).reduce((a, b) -> a + ", " + b).orElse("");
                    out.add(INFO, c.name(), e.getKey().name(), null, kb,
                            e.getKey().name() + " lacks hardening " + kb + " which " + others + " in " + c.name()
                                    + " have installed.",
                            "Bring the cluster to one patch level in the next window, after delegation is verified"
                                    + " (kcd-audit preflight --cluster " + c.name() + ").");
                }
            }
        }
    }
}
