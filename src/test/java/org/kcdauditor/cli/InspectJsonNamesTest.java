package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.run.ExitCodes;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * inspect previews how exports are read, so its JSON lines use findings.json's names: an event as findings.json's
 * events[] ({@code source}, {@code destination}, {@code account}, {@code service}), a host as {@code host}, and no
 * field printed as null (findings.json leaves out what is not known). Before, a SIEM mapping written from inspect's
 * {@code sourceHost}, {@code accountName} or {@code computer} found nothing in findings.json.
 */
class InspectJsonNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(String... args) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(ExitCodes.OK, code, e.toString(StandardCharsets.UTF_8));
        List<JsonNode> out = new ArrayList<>();
        for (String l : o.toString(StandardCharsets.UTF_8).lines().toList()) {
            JsonNode n = JSON.readTree(l);
            n.fields().forEachRemaining(f -> assertFalse(f.getValue().isNull(), "no null field: " + l));
            out.add(n);
        }
        assertFalse(out.isEmpty());
        return out;
    }

    private static Set<String> names(JsonNode n) {
        Set<String> s = new java.util.TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    @Test
    void eventsAreNamedAsFindingsJsonNamesThem() throws Exception {
        Set<String> eventDoc = Arrays.stream(HistorySections.EventDoc.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).collect(Collectors.toSet());
        List<JsonNode> events = lines("inspect", "events", "config/demo/events/*");
        for (JsonNode e : events) {
            assertTrue(eventDoc.containsAll(names(e)), names(e) + " not all in findings.json's events[]: " + eventDoc);
        }
        JsonNode kdc = events.stream().filter(e -> e.path("eventId").asInt() == 209).findFirst().orElseThrow();
        assertEquals("HV12$", kdc.path("account").asText(), kdc.toString());
        assertEquals("HV13$", kdc.path("service").asText(), kdc.toString());
        assertFalse(kdc.has("source"), "a DC's event has no migration source: " + kdc);
        JsonNode failure = events.stream().filter(e -> e.path("eventId").asInt() == 21502).findFirst().orElseThrow();
        assertEquals("HV02", failure.path("source").asText(), failure.toString());
        assertEquals("HV03", failure.path("destination").asText(), failure.toString());
    }

    @Test
    void hostSettingsAndPatchesNameTheHostAsFindingsJsonDoes() throws Exception {
        for (JsonNode h : lines("inspect", "host-settings", "config/demo/hostsettings/*.csv")) {
            assertTrue(h.path("host").isTextual() && !h.has("computer"), h.toString());
        }
        for (JsonNode p : lines("inspect", "patches", "config/demo/patches/HV0*.csv")) {
            assertTrue(p.path("host").isTextual() && p.path("kb").isTextual() && p.path("origin").isTextual(),
                    p.toString());
        }
    }
}
