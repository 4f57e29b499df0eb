package org.kcdauditor.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * {@code events:} — event log exports ({@code wevtutil qe … /f:xml}, {@code Get-WinEvent | Export-Csv})
 * to import on every run. {@code ids} defaults to the live migration failures 21502, 22038, 20413, 21125,
 * 21501, 20306 and 21024 (Hyper-V), and the KDCSVC events 201–209 of domain controllers (read only from the
 * Key Distribution Center); a configured list replaces the default.
 * {@code timeZone} (an IANA id such as {@code Europe/Berlin}) is how to read times written without a
 * zone — Export-Csv writes {@code TimeCreated} in the exporting host's local time; default UTC.
 */
public record EventsConfig(List<String> sources, List<Integer> ids, String timeZone) {
    public static final List<Integer> DEFAULT_IDS = List.of(21502, 22038, 20413, 21125, 21501, 20306, 21024,
            201, 202, 203, 204, 205, 206, 207, 208, 209);

    public EventsConfig {
        sources = sources == null ? List.of() : List.copyOf(sources);
        ids = ids == null || ids.isEmpty() ? DEFAULT_IDS : List.copyOf(ids);
    }

    public static EventsConfig none() {
        return new EventsConfig(null, null, null);
    }

    /** The zone for zone-less times: {@code timeZone}, else UTC. */
    public ZoneId zone() {
        return timeZone == null || timeZone.isBlank() ? ZoneOffset.UTC : ZoneId.of(timeZone.trim());
    }

    /** Whether {@code timeZone} names a zone Java knows (blank: UTC, valid). */
    public boolean zoneValid() {
        try {
            zone();
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}
