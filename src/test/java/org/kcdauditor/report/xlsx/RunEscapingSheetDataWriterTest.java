package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.streaming.SheetDataWriter;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our sheet writer writes the bytes POI's writes (POI's writer chain: BufferedWriter over OutputStreamWriter). */
class RunEscapingSheetDataWriterTest {
    /** The bytes of {@code rows} written by POI's sheet writer, as POI creates it, and by ours. */
    private interface Rows {
        void to(SheetDataWriter w) throws IOException;
    }

    private static String poi(Rows rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SheetDataWriter w = new SheetDataWriter(new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8)));
        rows.to(w);
        w.close();
        return bytes.toString(StandardCharsets.ISO_8859_1); // one char a byte: a difference shows where it is
    }

    private static String ours(Rows rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SheetDataWriter w = new RunEscapingSheetDataWriter(bytes);
        rows.to(w);
        w.close();
        return bytes.toString(StandardCharsets.ISO_8859_1);
    }

    /** Each text in a cell of its own, in one row, through both writers, compared byte for byte. */
    private static void sameAsPoi(List<String> texts) throws IOException {
        sameAsPoi(texts, "", "");
    }

    /** As {@link #sameAsPoi(List)}, POI's output with {@code poi} (UTF-8 bytes as ISO-8859-1 text) as {@code ours}. */
    private static void sameAsPoi(List<String> texts, String poi, String ours) throws IOException {
        try (SXSSFWorkbook wb = new SXSSFWorkbook()) {
            SXSSFRow row = wb.createSheet().createRow(0);
            for (int i = 0; i < texts.size(); i++) {
                row.createCell(i).setCellValue(texts.get(i));
            }
            String expected = poi(w -> w.writeRow(0, row)).replace(poi, ours);
            assertTrue(expected.startsWith("<row r=\"1\">\n<c r=\"A1\" t=\"inlineStr\">"), expected);
            assertEquals(expected, ours(w -> w.writeRow(0, row)));
        }
    }

    @Test
    void writesEveryCharacterAsPoiDoes() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\ud83d\ude00 lone \ud800 and \udc00 end \ufffd\ufffe\uffff");
        sameAsPoi(List.of("", "plain", " cifs/hv02.contoso.com; HOST/hv03 ", "<a href=\"x\">&amp;</a>",
                "=1+2", "tab\there\r\nnbsp\u00a0", all.toString(), "\u0000\u001f ends with &", "?", "why? <b>"));
    }

    /** Each character up to U+01FF and some above, alone and between ASCII text, at the start and at the end. */
    @Test
    void writesEachCharacterInAsciiTextAsPoiDoes() throws IOException {
        List<String> texts = new ArrayList<>();
        for (char c = 0; c < 0x200; c++) {
            texts.add("cifs/hv" + c + "01.contoso.com");
            texts.add(c + "x");
            texts.add("x" + c);
        }
        // above U+00FF, with a low byte that is <, &, a letter or a tab: written as the character, never as that byte
        for (char c : "\u013c\u3c3c\u0126\u0122\u013e\u4e41\u010a\u0109\u0120\u00ff\u0100\ufffe\uffff"
                .toCharArray()) {
            texts.add("cifs/hv" + c + "01.contoso.com <&>\"?");
        }
        sameAsPoi(texts);
    }

    /** A character the scan stops at, at each place in and around the eight characters it looks at at once. */
    @Test
    void writesEscapesAtEveryPlaceAsPoiDoes() throws IOException {
        String ascii = "cifs/hv00001.contoso.com;";
        List<String> texts = new ArrayList<>();
        for (String c : List.of("<", "&", "?", "\u00e9", "\u013c", "\n", "\u0000", "\u00a0", "\ud83d\ude00", "<<", "?&")) {
            for (int i = 0; i <= ascii.length(); i++) {
                texts.add(ascii.substring(0, i) + c + ascii.substring(i));
            }
        }
        sameAsPoi(texts);
    }

    /** Characters above U+00FF before, between and after the characters the scan stops at. */
    @Test
    void writesTextBeyondLatin1AsPoiDoes() throws IOException {
        sameAsPoi(List.of(
                "a?b\u013c<c", // a question mark, then a character whose low byte is '<', then '<'
                "\ud83d\ude00<x?\u00e9", // a surrogate pair, then escapes
                "caf\u00e9 \u00a0 \u0085 \u4e2d\u6587 & evil",
                "\u00e9\u00e8 Latin-1 only \u00ff & \t \u007f",
                "ends with a high surrogate \ud83d", // pending: joined with nothing, the markup after it
                "\ude00 starts with a low surrogate",
                "x\ud800\ud800\udc00?"));
    }

    /** Our one difference from POI: a bidirectional formatting character as the text \\uXXXX, not as it is. */
    @Test
    void writesBidiCharactersAsTheirCode() throws IOException {
        for (char c : "\u202e\u200e\u2066\u061c".toCharArray()) {
            String utf8 = new String(String.valueOf(c).getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
            String code = String.format("\\u%04X", (int) c);
            sameAsPoi(List.of("cifs/hv" + c + "01.contoso.com <&>\"?", c + "", "caf\u00e9 " + c + " evil",
                    "\u4e2d" + c + "<"), utf8, code);
        }
    }

    /** Text over the encoder's 64 KB buffer, so that runs of bytes are split where the buffer is drained. */
    @Test
    void writesLongTextAsPoiDoes() throws IOException {
        String entries = "Microsoft Virtual System Migration Service/HV00001; cifs/hv00001.contoso.com; ".repeat(200);
        sameAsPoi(List.of(entries, entries + "<", "\u00e9" + entries, entries + "\u4e2d" + entries.substring(7),
                entries.substring(3) + "&" + entries, entries + "\ud83d", entries, entries + "?" + entries));
    }

    @Test
    void writesWholeRowsAsPoiDoes() throws IOException {
        try (SXSSFWorkbook wb = new SXSSFWorkbook()) {
            SXSSFSheet sheet = wb.createSheet();
            CellStyle bold = wb.createCellStyle();
            bold.setFont(wb.createFont());
            SXSSFRow row = sheet.createRow(1233);
            row.createCell(0).setCellValue(" leading and trailing ");
            row.createCell(1).setCellValue(42.5);
            row.createCell(2).setCellValue(-0.0);
            row.createCell(3).setCellStyle(bold); // blank with a style
            row.createCell(4).setCellValue(true);
            row.createCell(5).setCellFormula("B1234*2");
            Cell styled = row.createCell(27); // AB
            styled.setCellValue("cifs/HV02");
            styled.setCellStyle(bold);
            row.createCell(30).setCellValue(new java.util.Date(0));
            row.createCell(31).setCellValue(1.0E7);
            row.createCell(32).setCellValue("trailing tab\t");
            SXSSFRow next = sheet.createRow(1234);
            next.setHeightInPoints(30);
            next.createCell(2).setCellValue("HV03");
            String expected = poi(w -> {
                w.writeRow(1233, row);
                w.writeRow(1234, next);
            });
            assertTrue(expected.contains("<c r=\"AB1234\" s=\""), expected);
            assertTrue(expected.contains("<c r=\"C1235\" t=\"inlineStr\">"), expected);
            assertEquals(expected, ours(w -> {
                w.writeRow(1233, row);
                w.writeRow(1234, next);
            }));
        }
    }
}
