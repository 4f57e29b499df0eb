package org.kcdauditor.report.xlsx;

import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The sheet files' encoder writes what POI's writer chain (BufferedWriter over OutputStreamWriter) writes. */
class Utf8WriterTest {
    /** One step of writing, done the same way to both writers (ASCII text also through writeAscii on ours). */
    private interface Step {
        void to(Writer w) throws IOException;
    }

    private static byte[] poi(List<Step> steps) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8))) {
            for (Step s : steps) {
                s.to(w);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] ours(List<Step> steps) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (Writer w = new Utf8Writer(bytes)) {
            for (Step s : steps) {
                s.to(w);
            }
        }
        return bytes.toByteArray();
    }

    /** ASCII bytes, on ours through writeAscii(byte[], ...). */
    private static Step asciiBytes(String s) {
        return w -> {
            if (w instanceof Utf8Writer u) {
                byte[] b = ("[" + s + "]").getBytes(StandardCharsets.US_ASCII);
                u.writeAscii(b, 1, b.length - 2);
            } else {
                w.write(s);
            }
        };
    }

    private static Step ascii(String s) {
        return w -> {
            if (w instanceof Utf8Writer u) {
                u.writeAscii(s, 0, s.length());
            } else {
                w.write(s);
            }
        };
    }

    @Test
    void writesTheSameBytesAsPoisWriterChain() throws IOException {
        String emoji = "\uD83D\uDE00";
        String longText = "cifs/hv00001.contoso.com; ".repeat(5_000); // crosses the 64 KB buffer several times
        List<Step> steps = List.of(
                ascii("<c r=\"A1\" t=\"inlineStr\"><is><t>"),
                w -> w.write("Microsoft Virtual System Migration Service/HV01"),
                w -> w.write("caf\u00e9 \u00fc\u00df \u4e2d\u6587 " + emoji + " \u202e"),
                w -> w.write('\uD83D'), // a pair split over two writes is joined
                w -> w.write('\uDE00'),
                w -> w.write("x\uD83D"), // a high surrogate pending at the end of a write, then ASCII
                ascii("</t>"),
                w -> w.write("\uDE00 alone"), // an unpaired low surrogate
                w -> w.write("\uD800\uD800\uDC00"), // a high surrogate followed by a pair
                w -> w.write(longText.toCharArray(), 3, longText.length() - 3),
                ascii(longText),
                w -> w.write("\u00e9".repeat(40_000)),
                w -> w.write("y\uD83D"), // a high surrogate pending before ASCII bytes
                asciiBytes("</t></is></c>"),
                asciiBytes(longText), // bytes over the buffer's end
                asciiBytes(""),
                w -> w.flush(),
                w -> w.write("end \uD83D")); // a high surrogate pending at close
        assertArrayEquals(poi(steps), ours(steps));
    }
}
