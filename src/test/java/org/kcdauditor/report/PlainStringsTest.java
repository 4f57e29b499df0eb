package org.kcdauditor.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** findings.json's strings written as bytes where that is what Jackson's escaping gives, byte for byte. */
class PlainStringsTest {
    /** FindingsJson.MAPPER without PlainStrings: Jackson's own escaping. */
    private static final ObjectMapper JACKSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new FindingsLayout(java.util.Set.of("clusters"))).build();

    @Test
    void everyValueIsWrittenAsJacksonWritesIt() throws Exception {
        List<String> values = new ArrayList<>(List.of("", "HV01", "cifs/HV02.contoso.com",
                "Microsoft Virtual System Migration Service/HV02", "CN=HV01,OU=Hyper-V,DC=contoso,DC=com",
                "say \"hi\"", "back\\slash", "tab\there", "line\nbreak", "nul\u0000", "del\u007F", "a?b", "?",
                "é", "Ünïcode-Höst", "\u0100", "日本", "emoji \uD83D\uDE00", "lone \uD800 surrogate", "\uDC00",
                "ls\u2028ps\u2029", "bidi\u202Eevil", "</script>", "=cmd|' /C calc'!A0", "1234567", "12345678",
                "123456789"));
        StringBuilder longValue = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            longValue.append("cifs/HV").append(i).append(' ');
        }
        values.add(longValue.toString());
        values.add(longValue + "\"");
        for (int c = 0; c < 0x180; c++) {
            values.add("x" + (char) c + "yyyyyyyyy");
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("one", "HV01");
        doc.put("values", values);
        doc.put("clusters", List.of(Map.of("name", "HVC \"1\"", "nodes", List.of("HV01", "HV?2"))));
        assertArrayEquals(JACKSON.writeValueAsBytes(doc), FindingsJson.MAPPER.writeValueAsBytes(doc));
    }

    @Test
    void onlyPrintableAsciiWithoutQuoteBackslashOrQuestionMarkIsPlain() {
        assertTrue(PlainStrings.plain("cifs/HV02.contoso.com".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(PlainStrings.plain(new byte[0]));
        for (String s : List.of("a\"", "a\\", "a?", "\u0100", "é", "\t", "\u007F", "12345678\"")) {
            assertFalse(PlainStrings.plain(s.getBytes(StandardCharsets.ISO_8859_1)), s);
        }
    }
}
