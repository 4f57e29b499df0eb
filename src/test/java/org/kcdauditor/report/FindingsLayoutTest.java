package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** findings.json's layout: whitespace only, one line per object in an array, the document indented. */
class FindingsLayoutTest {
    /** Jackson's own indentation, the layout findings.json had before, with findings.json's values (its instants). */
    private static final ObjectMapper JACKSON_INDENTED = FindingsJson.MAPPER.copy()
            .setDefaultPrettyPrinter(new com.fasterxml.jackson.core.util.DefaultPrettyPrinter());
    private static final ObjectMapper COMPACT = JsonMapper.builder().build();

    @Test
    void onlyWhitespaceDiffersFromJacksonsIndentation() throws Exception {
        FindingsDocument doc = Fixtures.withHistory(Fixtures.waivedHv02ToHv03());
        String ours = FindingsJson.MAPPER.writeValueAsString(doc);
        String jackson = JACKSON_INDENTED.writeValueAsString(doc);
        assertNotEquals(jackson, ours);
        // the same fields in the same order with the same values: the compact forms are equal
        assertEquals(compact(jackson), compact(ours));
    }

    @Test
    void eachObjectOfAnArrayIsOneLineAndTheDocumentIsIndented() throws Exception {
        FindingsDocument doc = Fixtures.withHistory(Fixtures.waivedHv02ToHv03());
        String json = FindingsJson.MAPPER.writeValueAsString(doc);
        JsonNode tree = COMPACT.readTree(json);
        List<String> lines = json.lines().toList();
        assertEquals("  \"schemaVersion\" : 1,", lines.get(1));
        assertEquals(elements(tree.get("hosts")), linesOf(lines, "  \"hosts\" : [", "    "));
        assertEquals(elements(tree.get("findings")), linesOf(lines, "  \"findings\" : [", "    "));
        List<JsonNode> cells = new ArrayList<>();
        tree.get("clusters").forEach(c -> cells.addAll(elements(c.get("matrix"))));
        assertEquals(cells, linesOf(lines, "      \"matrix\" : [", "        "));
        // the clusters themselves are laid out field by field, so that each cell is a line
        assertEquals(tree.get("clusters").size(), lines.stream().filter("    {"::equals).count());
    }

    @Test
    void nestedEmptyAndValueArraysKeepTheirShape() throws Exception {
        JsonNode tree = COMPACT.readTree("{\"clusters\":[{\"name\":\"A\",\"matrix\":[{\"from\":\"a\",\"to\":\"b\","
                + "\"blockers\":[{\"rule\":\"R\"}],\"more\":{\"x\":[[1,2],[]]}},{}],\"bySeverity\":{\"HIGH\":1}}],"
                + "\"groups\":[[\"a\",\"b\"],[]],\"empty\":{},\"hosts\":[],\"ids\":[\"1\",\"2\"]}");
        assertEquals("""
                {
                  "clusters" : [
                    {
                      "name" : "A",
                      "matrix" : [
                        {"from":"a","to":"b","blockers":[{"rule":"R"}],"more":{"x":[[1,2],[]]}},
                        {}
                      ],
                      "bySeverity" : {
                        "HIGH" : 1
                      }
                    }
                  ],
                  "groups" : [["a", "b"], []],
                  "empty" : { },
                  "hosts" : [],
                  "ids" : ["1", "2"]
                }""", FindingsJson.MAPPER.writeValueAsString(tree));
    }

    /** The objects of the array that opens at the line {@code opening}, each read from a line of its own. */
    private static List<JsonNode> linesOf(List<String> lines, String opening, String indent) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals(opening)) {
                continue;
            }
            for (int j = i + 1; !lines.get(j).trim().equals("]") && !lines.get(j).trim().equals("],"); j++) {
                String line = lines.get(j);
                assertEquals(indent + "{", line.substring(0, indent.length() + 1), line);
                out.add(COMPACT.readTree(line.endsWith(",") ? line.substring(0, line.length() - 1) : line));
            }
        }
        return out;
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static String compact(String json) throws Exception {
        return COMPACT.writeValueAsString(COMPACT.readTree(json));
    }
}
