package org.kcdauditor.config;

import java.util.List;

/**
 * {@code events:} — event log exports ({@code wevtutil qe … /f:xml}, {@code Get-WinEvent | Export-Csv})
 * to import on every run. {@code ids} defaults to 21502 and 22038, the live migration failures.
 */
public record EventsConfig(List<String> sources, List<Integer> ids) {
    public static final List<Integer> DEFAULT_IDS = List.of(21502, 22038);

    public EventsConfig {
        sources = sources == null ? List.of() : List.copyOf(sources);
        ids = ids == null || ids.isEmpty() ? DEFAULT_IDS : List.copyOf(ids);
    }

    public static EventsConfig none() {
        return new EventsConfig(null, null);
    }
}
