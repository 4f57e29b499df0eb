package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.Severity;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fields findings.json gained for pipelines (added, none renamed or changed): a patch finding's KB in {@code kb}
 * beside the {@code spn} that has always held it, the waived findings an unwaived finding follows from in
 * {@code consequenceOf}, the waived findings counted in {@code summary.waived} and {@code summary.waivedBySeverity},
 * and in {@code rules} the severities each rule's findings have in this run beside the catalogue's {@code severity}.
 * Read from the demo's findings.json as a pipeline reads it: as JSON, not through this tool's classes.
 */
class FindingsJsonAdditionsTest {
    @TempDir
    static Path out;
    static JsonNode json;
    static Map<String, JsonNode> byId = new HashMap<>();

    @BeforeAll
    static void demo() throws Exception {
        CliRun run = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json");
        assertEquals(0, run.exitCode(), run.toString());
        json = FindingsJson.MAPPER.readTree(Files.readString(out.resolve("findings.json")));
        json.get("findings").forEach(f -> byId.put(f.get("id").asText(), f));
    }

    private static boolean waived(JsonNode f) {
        return f.path("waived").asBoolean(false);
    }

    @Test
    void aPatchFindingsKbIsInKbAndItsSpnStaysAsItWas() {
        int kbs = 0;
        for (JsonNode f : json.get("findings")) {
            JsonNode evidenceKb = f.path("evidence").path("kb");
            if (evidenceKb.isTextual()) {
                kbs++;
                assertEquals(evidenceKb.asText(), f.path("kb").asText(null), f.get("id").asText());
                // the contract: spn keeps what it held before kb existed
                assertEquals(evidenceKb.asText(), f.path("spn").asText(null), f.get("id").asText());
            } else {
                assertFalse(f.has("kb"), f.get("id") + ": no kb where the finding names none");
            }
        }
        assertTrue(kbs >= 5, "the demo's HARDENING_PATCH_WITHOUT_DELEGATION and PATCH_LEVEL_SKEW findings: " + kbs);
    }

    @Test
    void aFindingThatFollowsFromWaivedFindingsNamesThemInConsequenceOf() {
        Set<String> withConsequence = new TreeSet<>();
        for (JsonNode f : json.get("findings")) {
            if (!f.has("consequenceOf")) {
                continue;
            }
            withConsequence.add(f.get("rule").asText() + " " + f.get("host").asText());
            assertFalse(waived(f), f.get("id") + ": a waived finding is no consequence of a waiver");
            List<String> related = new ArrayList<>();
            f.path("evidence").path("relatedFindings").forEach(x -> related.add(x.asText()));
            List<String> expected = related.stream().filter(id -> byId.containsKey(id) && waived(byId.get(id))).toList();
            List<String> named = new ArrayList<>();
            f.get("consequenceOf").forEach(x -> named.add(x.asText()));
            assertEquals(expected, named, f.get("id").asText());
            assertFalse(named.isEmpty(), f.get("id").asText());
        }
        // the demo's waived HV02 -> HV03 delegation: its observed failure and HV02's hardening finding follow from it
        assertEquals(Set.of("HARDENING_PATCH_WITHOUT_DELEGATION HV02", "MIGRATION_FAILURE_OBSERVED HV02"),
                withConsequence);
        // and no finding without a waived cause carries the field (an observed failure delegation cannot explain, a
        // network error, follows from none)
        for (JsonNode f : json.get("findings")) {
            JsonNode e = f.path("evidence");
            boolean anyWaivedCause = false;
            if (!(e.path("delegationExplains").isBoolean() && !e.path("delegationExplains").asBoolean())) {
                for (JsonNode id : e.path("relatedFindings")) {
                    anyWaivedCause |= byId.containsKey(id.asText()) && waived(byId.get(id.asText()));
                }
            }
            assertEquals(anyWaivedCause && !waived(f), f.has("consequenceOf"), f.get("id").asText());
        }
    }

    @Test
    void theSummaryCountsTheWaivedFindingsSoThatFindingsAddUp() {
        JsonNode s = json.get("summary");
        Map<Severity, Integer> all = new EnumMap<>(Severity.class);
        int waived = 0;
        for (JsonNode f : json.get("findings")) {
            all.merge(Severity.valueOf(f.get("severity").asText()), 1, Integer::sum);
            waived += waived(f) ? 1 : 0;
        }
        assertEquals(4, waived, "the demo's waived HV02 -> HV03 entries");
        assertEquals(waived, s.get("waived").asInt());
        for (Severity sev : Severity.values()) {
            assertEquals((int) all.getOrDefault(sev, 0), s.get("bySeverity").path(sev.name()).asInt(0)
                    + s.get("waivedBySeverity").path(sev.name()).asInt(0), sev + ": open + waived = findings[]");
        }
        assertEquals(4, s.get("waivedBySeverity").get("HIGH").asInt());
    }

    @Test
    void eachRuleSaysTheSeveritiesItsFindingsHaveInThisRunBesideItsUsualOne() {
        Map<String, Set<Severity>> seen = new HashMap<>();
        for (JsonNode f : json.get("findings")) {
            seen.computeIfAbsent(f.get("rule").asText(), k -> new TreeSet<>())
                    .add(Severity.valueOf(f.get("severity").asText()));
        }
        JsonNode rules = json.get("rules");
        Set<String> ids = new HashSet<>();
        rules.fieldNames().forEachRemaining(ids::add);
        assertEquals(seen.keySet(), ids);
        for (String id : ids) {
            List<String> effective = new ArrayList<>();
            rules.get(id).get("effectiveSeverities").forEach(x -> effective.add(x.asText()));
            assertEquals(seen.get(id).stream().map(Enum::name).toList(), effective, id + ", most severe first");
        }
        // policy "either": the catalogue's MEDIUM stays in severity, the run's INFO is beside it
        assertEquals("MEDIUM", rules.get("PROTOCOL_TRANSITION_MISMATCH").get("severity").asText());
        assertEquals(List.of("INFO"), List.of(rules.get("PROTOCOL_TRANSITION_MISMATCH").get("effectiveSeverities")
                .get(0).asText()));
    }

    /** What a pipeline reads back, this tool reads back: the added fields do not stop {@code report --from}. */
    /**
     * {@code fileServerHosts[]}: the file servers' accounts with the fields of {@code hosts[]} (their encryption types,
     * SPNs and flags decide the pairs into them); {@code hosts[]} stay the nodes, as {@code summary.hosts} counts them.
     */
    @Test
    void theFileServersAccountsAreInFileServerHostsAndHostsStayTheNodes() {
        List<String> servers = new ArrayList<>();
        json.get("fileServerHosts").forEach(h -> servers.add(h.get("cluster").asText() + " " + h.get("name").asText()));
        assertEquals(List.of("HVC1 NAS01", "HVC1 NAS02"), servers);
        JsonNode nas01 = json.get("fileServerHosts").get(0);
        assertEquals(4, nas01.get("supportedEncryptionTypes").asInt());
        assertEquals("NAS01$", nas01.get("samAccountName").asText());
        Set<String> nodeFields = new TreeSet<>();
        json.get("hosts").get(0).fieldNames().forEachRemaining(nodeFields::add);
        Set<String> serverFields = new TreeSet<>();
        nas01.fieldNames().forEachRemaining(serverFields::add);
        assertEquals(nodeFields, serverFields, "the same fields as a node's");
        List<String> nodes = new ArrayList<>();
        json.get("hosts").forEach(h -> nodes.add(h.get("name").asText()));
        assertFalse(nodes.stream().anyMatch(n -> n.startsWith("NAS")), nodes.toString());
        assertEquals(nodes.size(), json.get("summary").get("hosts").asInt());
    }

    @Test
    void theDocumentWithTheAddedFieldsReadsBackAndWritesTheSame() throws Exception {
        FindingsDocument doc = FindingsJson.read(out.resolve("findings.json"));
        assertEquals(Files.readString(out.resolve("findings.json")), FindingsJson.MAPPER.writeValueAsString(doc));
    }
}
