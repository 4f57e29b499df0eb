package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.inventory.HardeningUpdate;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.PatchRecord;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Patch records per node, and the catalogued hardening each node has installed (with the KB that carried it). */
public final class PatchIndex {
    /** A hardening update installed on a node, through {@code record} (its own KB or a cumulative one). */
    public record Installed(HardeningUpdate update, PatchRecord record) {
    }

    private final Map<AdObject, List<PatchRecord>> byNode = new IdentityHashMap<>();

    private PatchIndex(AuditContext ctx) {
        for (PatchRecord p : ctx.inputs().patches()) {
            AdObject node = ctx.computer(p.host());
            if (node != null && ctx.clusterOf(node) != null) {
                byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(p);
            }
        }
    }

    public static PatchIndex of(AuditContext ctx) {
        return new PatchIndex(ctx);
    }

    public List<PatchRecord> records(AdObject node) {
        return byNode.getOrDefault(node, List.of());
    }

    /** Hardening updates installed on a node, by hardening KB; the earliest carrier wins. */
    public Map<String, Installed> hardening(AuditContext ctx, AdObject node) {
        Map<String, Installed> out = new LinkedHashMap<>();
        for (PatchRecord p : records(node)) {
            for (HardeningUpdate u : ctx.inputs().hardening().carriedBy(p.kb())) {
                Installed prev = out.get(u.kb());
                if (prev == null || (p.installedOn() != null && (prev.record().installedOn() == null
                        || p.installedOn().isBefore(prev.record().installedOn())))) {
                    out.put(u.kb(), new Installed(u, p));
                }
            }
        }
        return out;
    }
}
