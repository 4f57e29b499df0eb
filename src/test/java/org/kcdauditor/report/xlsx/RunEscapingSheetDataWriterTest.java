package org.kcdauditor.report.xlsx;

import org.apache.poi.xssf.streaming.SheetDataWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunEscapingSheetDataWriterTest {
    /** POI's own writer, to compare against. */
    private static final class Poi extends SheetDataWriter {
        Poi(StringWriter out) throws IOException {
            super(out);
        }

        void text(String s) throws IOException {
            outputEscapedString(s);
            _out.flush();
        }
    }

    @Test
    void escapesEveryCharacterAsPoiDoes() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\ud83d\ude00 lone \ud800 and \udc00 end \ufffd\ufffe\uffff");
        for (String s : List.of("", "plain", "cifs/hv02.contoso.com; HOST/hv03", "<a href=\"x\">&amp;</a>",
                "=1+2", "tab\there\r\nnbsp\u00a0", all.toString(), "\u0000\u001f ends with &")) {
            StringWriter expected = new StringWriter();
            new Poi(expected).text(s);
            StringWriter actual = new StringWriter();
            new RunEscapingSheetDataWriter(actual).text(s);
            assertEquals(expected.toString(), actual.toString(), s);
        }
    }
}
