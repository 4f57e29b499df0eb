package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PatchIndex;
import org.kcdauditor.audit.ResolvedCluster;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Commands;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PATCH_LEVEL_SKEW: nodes of one cluster differ in the catalogued hardening updates they carry. A node carrying a
 * hardening update through a cumulative one carries every update released on or before it (cumulative updates
 * carry every earlier change, and Get-HotFix lists the latest), so it lacks only those released later.
 */
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
        String config = Commands.configArg(ctx.inputs().configFile());
        for (ResolvedCluster c : ctx.clusters()) {
            String preflight = Commands.preflight(c.name(), config);
            Map<AdObject, Set<String>> have = new LinkedHashMap<>();
            Map<AdObject, LocalDate> latest = new HashMap<>();
            Map<String, LocalDate> released = new LinkedHashMap<>();
            for (AdObject n : c.nodes()) {
                if (ctx.clusterOf(n) != c || index.records(n).isEmpty()) {
                    continue;
                }
                Map<String, PatchIndex.Installed> installed = index.hardening(n);
                have.put(n, installed.keySet());
                for (PatchIndex.Installed i : installed.values()) {
                    LocalDate d = i.update().released();
                    released.putIfAbsent(i.update().kb(), d);
                    if (d != null) {
                        latest.merge(n, d, (a, b) -> a.isAfter(b) ? a : b);
                    }
                }
            }
            for (Map.Entry<AdObject, Set<String>> e : have.entrySet()) {
                LocalDate newest = latest.get(e.getKey());
                for (Map.Entry<String, LocalDate> k : released.entrySet()) {
                    String kb = k.getKey();
                    // a cumulative update carries every change released before the hardening it is listed for
                    if (e.getValue().contains(kb) || newest != null && k.getValue() != null
                            && !k.getValue().isAfter(newest)) {
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
