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
        return changes(new HostState("HV01", List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION"),
                before), host("HV01", PT, now));
    }

    private static List<String> changes(HostState was, AdObject node) {
        Map<String, HostState> expected = new LinkedHashMap<>();
        expected.put("HV01", was);
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

            public String sidWithName(String sid) {
                return sid.equals("S-1-1-0") ? sid + " (Everyone)" : sid;
            }
        };
        return Drift.compare(expected, nodes).stream().map(Drift::describe).toList();
    }

    /**
     * A password set to an earlier time than the run compared with recorded (the computer object restored) is told as
     * set back, not as a reset; a baseline host (no pwdLastSet, as every baseline documents it) tells neither.
     */
    @Test
    void aPasswordSetBackIsToldAsSuch() {
        AdObject hv01 = host("HV01", PT, List.of());
        AdObject restored = new AdObject(hv01.dn(), hv01.cn(), hv01.samAccountName(), hv01.dnsHostName(),
                hv01.userAccountControl(), hv01.spns(), hv01.delegateTo(), hv01.rbcdPresent(), hv01.rbcdSids(),
                hv01.objectSid(), hv01.operatingSystem(), hv01.operatingSystemVersion(), hv01.whenChanged(),
                hv01.usnChanged(), hv01.lastLogon(), hv01.supportedEncryptionTypes(),
                java.time.Instant.parse("2026-10-01T08:00:00Z"));
        List<String> uac = List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION");
        assertEquals(List.of("HV01: computer password set back (pwdLastSet 2026-11-19 17:30:00 UTC -> 2026-10-01"
                + " 08:00:00 UTC)"), changes(new HostState("HV01", uac, List.of(), null, null, null, null,
                java.time.Instant.parse("2026-11-19T17:30:00Z"), null, null), restored));
        assertEquals(List.of(), changes(new HostState("HV01", uac, List.of()), restored), "a baseline host");
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

    /**
     * The SIDs HV01's resource-based delegation allows compare as a set against a run that recorded them (none: an
     * empty list), and not at all against a state that did not record them (a baseline documents none): unknown is
     * not "allows nobody", or every node with a grant would read as changed.
     */
    @Test
    void rbcdGrantsCompareOnlyWhereRecorded() {
        String other = "S-1-5-21-1-2-3-1104";
        AdObject node = rbcd(List.of(other, "S-1-1-0"));
        List<String> flags = List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION");
        List<String> entries = node.delegateTo();
        assertEquals(List.of("HV01: resource-based delegation grant added: S-1-1-0 (Everyone)"),
                changes(new HostState("HV01", flags, entries, null, null, null, List.of(other)), node));
        assertEquals(List.of("HV01: resource-based delegation grant removed: " + other),
                changes(new HostState("HV01", flags, entries, null, null, null, List.of(other, "S-1-1-0")),
                        rbcd(List.of("S-1-1-0"))));
        assertEquals(List.of(), changes(new HostState("HV01", flags, entries, null, null, null,
                List.of("s-1-1-0", other)), node), "another order or case is the same grant");
        assertEquals(List.of(), changes(new HostState("HV01", flags, entries), node), "not recorded: not compared");
    }

    /** HV01 fully delegated towards HV02, its resource-based delegation allowing {@code sids}. */
    private static AdObject rbcd(List<String> sids) {
        AdObject h = host("HV01", PT, entriesTo("HV02"));
        return new AdObject(h.dn(), h.cn(), h.samAccountName(), h.dnsHostName(), h.userAccountControl(), h.spns(),
                h.delegateTo(), true, sids, h.objectSid(), h.operatingSystem(), h.operatingSystemVersion(),
                h.whenChanged(), h.usnChanged(), h.lastLogon());
    }
}
