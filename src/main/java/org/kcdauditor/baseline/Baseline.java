package org.kcdauditor.baseline;

import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Spn;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documented baseline ({@code baseline.yaml}): the approved delegation state of every cluster
 * node and the waivers. Host names are matched case-insensitively. {@code ticket}: the change ticket the capture was
 * approved under ({@code baseline capture --ticket}), null where none was recorded.
 */
public record Baseline(Instant capturedAt, String capturedFrom, String approvedBy, Map<String, HostState> hosts,
                       List<Waiver> waivers, String ticket) {
    public Baseline(Instant capturedAt, String capturedFrom, String approvedBy, Map<String, HostState> hosts,
                    List<Waiver> waivers) {
        this(capturedAt, capturedFrom, approvedBy, hosts, waivers, null);
    }

    public Baseline {
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        waivers = List.copyOf(waivers);
    }

    public HostState host(String name) {
        for (Map.Entry<String, HostState> e : hosts.entrySet()) {
            // as Waiver.nameKey compares names: a look-alike letter is another host
            if (Spn.fold(e.getKey()).equals(Spn.fold(name))) {
                return e.getValue();
            }
        }
        return null;
    }
}
