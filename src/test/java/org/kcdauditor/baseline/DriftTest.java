package org.kcdauditor.baseline;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.kcdauditor.history.HistoryTestData.MIG;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;

/** {@link Drift#compare} on the delegation entries of one node. */
class DriftTest {
    private static List<String> changes(List<String> before, List<String> now) {
        AdObject node = host("HV01", PT, now);
        Map<String, HostState> expected = new LinkedHashMap<>();
        expected.put("HV01", new HostState("HV01", List.of("WORKSTATION_TRUST_ACCOUNT",
                "TRUSTED_TO_AUTH_FOR_DELEGATION"), before));
        Drift.Nodes nodes = new Drift.Nodes() {
            public AdObject computer(String name) {
                return name.equalsIgnoreCase("HV01") ? node : null;
            }

            public String clusterName(AdObject n) {
                return "HVC1";
            }

            public List<AdObject> nodes() {
                return List.of(node);
            }
        };
        return Drift.compare(expected, nodes).stream().map(Drift::describe).toList();
    }

    @Test
    void theSameEntriesInAnotherOrderOrCaseAreNoChange() {
        List<String> entries = entriesTo("HV02", "HV03");
        assertEquals(List.of(), changes(entries, entries));
        List<String> reordered = new ArrayList<>(entries);
        Collections.reverse(reordered);
        reordered.set(0, reordered.get(0).toUpperCase(Locale.ROOT));
        assertEquals(List.of(), changes(entries, reordered), "compared in SPN normal form");
    }

    @Test
    void anEntryRemovedAndOneAddedAreBothReported() {
        List<String> before = entriesTo("HV02", "HV03");
        List<String> now = new ArrayList<>(before);
        now.remove("cifs/HV03");
        now.add(MIG + "/HV09");
        assertEquals(List.of("HV01: delegation entry removed: cifs/HV03",
                "HV01: delegation entry added: " + MIG + "/HV09"), changes(before, now));
    }
}
