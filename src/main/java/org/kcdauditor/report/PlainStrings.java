package org.kcdauditor.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * findings.json's string values. A value of printable ASCII other than {@code "}, {@code \} and {@code ?} (nearly
 * every value: names, SPNs, DNs, delegation entries) is written as its bytes, exactly what Jackson's escaping gives,
 * without its loop per character (at 20,000 hosts 116 MB of JSON, most of it delegation entries; the launcher runs C1 only,
 * where that loop was a third of the writer's time). Any other value goes through Jackson's escaping as before.
 */
final class PlainStrings extends StdSerializer<String> {
    private static final long serialVersionUID = 1L;
    private static final boolean[] PLAIN = new boolean[256];

    static {
        for (int c = 0x20; c < 0x7F; c++) {
            // '?' too: it is what ISO-8859-1 encoding puts for a character beyond it, so such a value is never plain
            PLAIN[c] = c != '"' && c != '\\' && c != '?';
        }
    }

    PlainStrings() {
        super(String.class);
    }

    @Override
    public void serialize(String value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        if (gen instanceof UTF8JsonGenerator) { // a file or a byte stream (a tree or text takes the string itself)
            byte[] b = value.getBytes(StandardCharsets.ISO_8859_1);
            if (plain(b)) {
                gen.writeRawUTF8String(b, 0, b.length);
                return;
            }
        }
        gen.writeString(value);
    }

    /** Whether every byte is plain; eight looked up at a time with one branch (C1 keeps a branch per byte otherwise). */
    static boolean plain(byte[] b) {
        int i = 0;
        for (int end = b.length - 7; i < end; i += 8) {
            if (!(PLAIN[b[i] & 0xFF] & PLAIN[b[i + 1] & 0xFF] & PLAIN[b[i + 2] & 0xFF] & PLAIN[b[i + 3] & 0xFF]
                    & PLAIN[b[i + 4] & 0xFF] & PLAIN[b[i + 5] & 0xFF] & PLAIN[b[i + 6] & 0xFF]
                    & PLAIN[b[i + 7] & 0xFF])) {
                return false;
            }
        }
        for (; i < b.length; i++) {
            if (!PLAIN[b[i] & 0xFF]) {
                return false;
            }
        }
        return true;
    }
}
