package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.streaming.SheetDataWriter;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunEscapingSheetDataWriterTest {
    @Test
    void writesEveryCharacterAsPoiDoes() throws IOException {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\ud83d\ude00 lone \ud800 and \udc00 end \ufffd\ufffe\uffff");
        try (SXSSFWorkbook wb = new SXSSFWorkbook()) {
            Cell cell = wb.createSheet().createRow(0).createCell(0);
            for (String s : List.of("", "plain", " cifs/hv02.contoso.com; HOST/hv03 ", "<a href=\"x\">&amp;</a>",
                    "=1+2", "tab\there\r\nnbsp\u00a0", all.toString(), "\u0000\u001f ends with &")) {
                cell.setCellValue(s);
                StringWriter expected = new StringWriter();
                new SheetDataWriter(expected).writeCell(0, cell);
                StringWriter actual = new StringWriter();
                new RunEscapingSheetDataWriter(actual).writeCell(0, cell);
                assertTrue(expected.toString().startsWith("<c r=\"A1\" t=\"inlineStr\">"), expected.toString());
                assertEquals(expected.toString(), actual.toString(), s);
            }
        }
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
            StringWriter expected = new StringWriter();
            new SheetDataWriter(expected).writeRow(1233, row);
            StringWriter actual = new StringWriter();
            new RunEscapingSheetDataWriter(actual).writeRow(1233, row);
            assertTrue(expected.toString().contains("<c r=\"AB1234\" s=\""), expected.toString());
            assertEquals(expected.toString(), actual.toString());
        }
    }
}
