package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Spn;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The KDCSVC events (201–209, KB5073381) the domain controllers logged, by the account or service they
 * name ({@code HV01$}, {@code CONTOSO\NAS01$}, {@code cifs/nas01.contoso.com}): evidence for that object's
 * encryption finding.
 */
final class KdcEvents {
    private final Map<AdObject, List<EventRecord>> byObject = new IdentityHashMap<>();

    KdcEvents(AuditContext ctx) {
        for (EventRecord e : ctx.inputs().events()) {
            if (!e.kdc()) {
                continue;
            }
            Set<AdObject> named = new LinkedHashSet<>();
            for (String name : new String[]{e.accountName(), e.serviceName()}) {
                AdObject o = object(ctx, name);
                if (o != null) {
                    named.add(o);
                }
            }
            named.forEach(o -> byObject.computeIfAbsent(o, k -> new ArrayList<>()).add(e));
        }
    }

    private static AdObject object(AuditContext ctx, String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String n = name.strip();
        n = n.substring(n.lastIndexOf('\\') + 1);
        if (n.indexOf('@') > 0) {
            n = n.substring(0, n.indexOf('@'));
        }
        Spn spn = n.contains("/") ? Spn.parse(n) : null;
        return ctx.computer(spn != null ? spn.hostName() : n);
    }

    /** {@code evidence} with the events naming {@code o}: ids, count, the newest, their classification. */
    Evidence.Builder attach(AdObject o, Evidence.Builder evidence) {
        List<EventRecord> events = byObject.getOrDefault(o, List.of());
        if (events.isEmpty()) {
            return evidence;
        }
        Set<Integer> ids = new LinkedHashSet<>();
        Set<String> kinds = new LinkedHashSet<>();
        events.forEach(e -> {
            ids.add(e.eventId());
            kinds.add(e.eventId() + " " + e.classification().words() + " (" + e.host() + ")");
        });
        Instant last = events.stream().map(EventRecord::timeCreated).filter(Objects::nonNull).max(Instant::compareTo)
                .map(t -> t.truncatedTo(ChronoUnit.SECONDS)).orElse(null);
        return evidence.eventIds(List.copyOf(ids)).eventCount(events.size()).lastEvent(last)
                .classifications(List.copyOf(kinds));
    }

    /** ", and 2 KDC events (ids 209) name it" for a message, or empty. */
    String sentence(AdObject o) {
        List<EventRecord> events = byObject.getOrDefault(o, List.of());
        if (events.isEmpty()) {
            return "";
        }
        Set<Integer> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.eventId()));
        return " The domain controllers logged " + events.size() + " KDC event" + (events.size() == 1 ? "" : "s")
                + " about it (" + ids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("") + ").";
    }
}
