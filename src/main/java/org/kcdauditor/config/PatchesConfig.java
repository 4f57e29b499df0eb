package org.kcdauditor.config;

import java.util.List;

/** {@code patches:} — patch history exports to import on every run (globs, relative to the config folder). */
public record PatchesConfig(List<String> sources, List<PatchMapping> mappings) {
    public PatchesConfig {
        sources = sources == null ? List.of() : List.copyOf(sources);
        mappings = mappings == null ? List.of() : List.copyOf(mappings);
    }

    public static PatchesConfig none() {
        return new PatchesConfig(null, null);
    }
}
