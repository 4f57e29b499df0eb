package org.kcdauditor.inventory;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.PatchRecord;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Imports the patch and event exports a config names. Records of hosts that {@code keep} rejects
 * (not a cluster node) are counted and dropped while streaming, so memory stays bounded by the nodes.
 * A file that fails is reported in its {@link ImportResult}; the others are still read.
 */
public final class Inventory {
    /** Everything imported for one run. */
    public record Imported(List<PatchRecord> patches, List<EventRecord> events, List<ImportResult> results) {
        public Imported {
            patches = List.copyOf(patches);
            events = List.copyOf(events);
            results = List.copyOf(results);
        }

        public static Imported none() {
            return new Imported(List.of(), List.of(), List.of());
        }
    }

    private Inventory() {
    }

    public static Imported load(AuditConfig config, Predicate<String> keep) {
        List<ImportResult> results = new ArrayList<>();
        Map<String, PatchRecord> patches = new LinkedHashMap<>();
        SourceFiles.Expansion ps = SourceFiles.expand(config.patches().sources(), config::resolve);
        ps.problems().forEach(p -> results.add(new ImportResult(p.pattern(), "patches", null, 0, 0, p.reason(), List.of())));
        PatchImporter pi = new PatchImporter(config.patches().mappings());
        for (Path f : ps.files()) {
            results.add(pi.read(f, r -> {
                if (keep.test(r.host())) {
                    String key = r.host().toLowerCase(Locale.ROOT) + "|" + r.kb();
                    PatchRecord prev = patches.get(key);
                    if (prev == null || (prev.installedOn() == null && r.installedOn() != null)) {
                        patches.put(key, r);
                    }
                }
            }, p -> { }));
        }
        List<EventRecord> events = new ArrayList<>();
        SourceFiles.Expansion es = SourceFiles.expand(config.events().sources(), config::resolve);
        es.problems().forEach(p -> results.add(new ImportResult(p.pattern(), "events", null, 0, 0, p.reason(), List.of())));
        EventImporter ei = new EventImporter(config.events().ids(), config.events().zone());
        for (Path f : es.files()) {
            results.add(ei.read(f, e -> {
                if (keep.test(e.host()) || (e.sourceHost() != null && keep.test(e.sourceHost()))) {
                    events.add(e);
                }
            }, p -> { }));
        }
        return new Imported(new ArrayList<>(patches.values()), events, results);
    }
}
