package org.kcdauditor.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Kerberos hardening updates and the KB ids (their own and monthly cumulative ones) that carry them. */
public final class HardeningCatalogue {
    private final List<HardeningUpdate> updates;
    private final Map<String, List<HardeningUpdate>> byKb = new LinkedHashMap<>();

    public HardeningCatalogue(List<HardeningUpdate> updates) {
        this.updates = List.copyOf(updates);
        for (HardeningUpdate u : this.updates) {
            byKb.computeIfAbsent(norm(u.kb()), k -> new ArrayList<>()).add(u);
            for (String kb : u.carriedBy()) {
                byKb.computeIfAbsent(norm(kb), k -> new ArrayList<>()).add(u);
            }
        }
    }

    public static HardeningCatalogue empty() {
        return new HardeningCatalogue(List.of());
    }

    public List<HardeningUpdate> updates() {
        return updates;
    }

    /** The hardening updates an installed KB carries (empty for an unrelated KB). */
    public List<HardeningUpdate> carriedBy(String installedKb) {
        return byKb.getOrDefault(norm(installedKb), List.of());
    }

    /** The id as a HotFixID is read ({@code KB5019966} from "KB 5019966", "kb5019966" or 5019966). */
    static String norm(String kb) {
        String k = PatchImporter.kb(kb);
        return k != null ? k : kb.trim().toUpperCase(Locale.ROOT);
    }
}
