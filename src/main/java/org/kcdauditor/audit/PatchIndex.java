package org.kcdauditor.audit;

import org.kcdauditor.inventory.HardeningUpdate;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.PatchRecord;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Patch records per node, and the catalogued hardening each node has installed (with the KB that carried
 * it). Built once per evaluation ({@link AuditContext#patches()}) and shared by the patch rules and the
 * history sections.
 */
public final class PatchIndex {
    /** A hardening update installed on a node, through {@code record} (its own KB or a cumulative one). */
    public record Installed(HardeningUpdate update, PatchRecord record) {
    }

    private final AuditInputs inputs;
    private final Map<AdObject, List<PatchRecord>> byNode = new IdentityHashMap<>();
    private final Map<AdObject, Map<String, Installed>> hardening = new IdentityHashMap<>();

    PatchIndex(AuditContext ctx) {
        this.inputs = ctx.inputs();
        for (PatchRecord p : inputs.patches()) {
            AdObject node = ctx.computer(p.host());
            if (node != null && ctx.clusterOf(node) != null) {
                byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(p);
            }
        }
    }

    public List<PatchRecord> records(AdObject node) {
        return byNode.getOrDefault(node, List.of());
    }

    /** Hardening updates installed on a node, by hardening KB; the earliest carrier wins. */
    public Map<String, Installed> hardening(AdObject node) {
        if (!byNode.containsKey(node)) {
            return Map.of();
        }
        return hardening.computeIfAbsent(node, n -> {
            Map<String, Installed> out = new LinkedHashMap<>();
            for (PatchRecord p : records(n)) {
                for (HardeningUpdate u : inputs.hardening().carriedBy(p.kb())) {
                    Installed prev = out.get(u.kb());
                    if (prev == null || (p.installedOn() != null && (prev.record().installedOn() == null
                            || p.installedOn().isBefore(prev.record().installedOn())))) {
                        out.put(u.kb(), new Installed(u, p));
                    }
                }
            }
            return out;
        });
    }
}
