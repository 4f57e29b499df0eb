package org.kcdauditor.report.xlsx;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SheetDataWriter;
import org.kcdauditor.remedy.Values;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * POI's sheet writer with its string escaping done in runs: POI writes every character of cell text
 * on its own ({@code Writer.write(int)}), which for the Hosts sheet's 87 MB of delegation entries at
 * 20,000 hosts was most of the workbook's time. The output is the same character for character:
 * {@code < > & "} and tab, line feed, carriage return and no-break space as entities, other control
 * characters and U+FFFE/U+FFFF as {@code ?}, everything else (surrogates included) as it is. One addition to
 * POI: a bidirectional formatting character (U+202E turns a cell's text around) is written as the text
 * {@code \\u202E}, so the cell shows what the directory stores.
 */
final class RunEscapingSheetDataWriter extends SheetDataWriter {
    RunEscapingSheetDataWriter() throws IOException {
        super();
    }

    /** Writing to {@code out} instead of a temporary file. */
    RunEscapingSheetDataWriter(Writer out) throws IOException {
        super(out);
    }

    /** Column letters (A, B, …) and style numbers met so far, by index. */
    private final List<String> columns = new ArrayList<>();
    private final List<String> styles = new ArrayList<>();
    /** The number of the row being written, as it appears in its cells' references ({@code 3} in K3). */
    private String rowNumber = "1";

    @Override
    public void writeRow(int rownum, SXSSFRow row) throws IOException {
        rowNumber = Integer.toString(rownum + 1);
        super.writeRow(rownum, row);
    }

    /**
     * Text, number and blank cells as POI writes them, character for character, without POI's per-cell
     * {@code CellReference} and attribute strings (a third of the workbook's allocation at 20,000 hosts: 23
     * cells a row on the Hosts sheet); other cells (formulas, booleans, errors) by POI. This workbook keeps no
     * shared strings table (the workbook is made with {@code useSharedStringsTable} false), so text is inline.
     */
    @Override
    public void writeCell(int columnIndex, Cell cell) throws IOException {
        if (cell == null) {
            return;
        }
        CellType type = cell.getCellType();
        if (type != CellType.STRING && type != CellType.NUMERIC && type != CellType.BLANK) {
            super.writeCell(columnIndex, cell);
            return;
        }
        _out.write("<c r=\"");
        _out.write(memo(columns, columnIndex, CellReference::convertNumToColString));
        _out.write(rowNumber);
        _out.write('"');
        int style = cell.getCellStyle().getIndex() & 0xffff;
        if (style != 0) {
            _out.write(" s=\"");
            _out.write(memo(styles, style, Integer::toString));
            _out.write('"');
        }
        switch (type) {
            case STRING -> {
                String text = cell.getStringCellValue();
                _out.write(" t=\"inlineStr\"><is><t");
                if (!text.isEmpty() && (Character.isWhitespace(text.charAt(0))
                        || Character.isWhitespace(text.charAt(text.length() - 1)))) {
                    _out.write(" xml:space=\"preserve\"");
                }
                _out.write('>');
                outputEscapedString(text);
                _out.write("</t></is>");
            }
            case NUMERIC -> {
                _out.write(" t=\"n\"><v>");
                _out.write(Double.toString(cell.getNumericCellValue()));
                _out.write("</v>");
            }
            default -> _out.write('>');
        }
        _out.write("</c>");
    }

    /** {@code made.apply(i)}, made once per index and kept in {@code known}. */
    private static String memo(List<String> known, int i, IntFunction<String> made) {
        while (known.size() <= i) {
            known.add(made.apply(known.size()));
        }
        return known.get(i);
    }

    @Override
    protected void outputEscapedString(String s) throws IOException {
        if (s == null) {
            return;
        }
        int n = s.length();
        int run = 0;
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= ' ' && c < '\u00a0' && c != '<' && c != '>' && c != '&' && c != '"') {
                ascii &= c < 0x80;
                continue; // nearly every character of directory text: written as it is, without the switch below
            }
            String entity = escape(c);
            if (entity != null) {
                writeRun(s, run, i, ascii);
                _out.write(entity);
                run = i + 1;
                ascii = true;
            } else {
                ascii &= c < 0x80;
            }
        }
        writeRun(s, run, n, ascii);
    }

    /** {@code s[from, to)} as it is; as bytes at once when it is ASCII and goes to a {@link Utf8Writer}. */
    private void writeRun(String s, int from, int to, boolean ascii) throws IOException {
        if (ascii && _out instanceof Utf8Writer utf8) {
            utf8.writeAscii(s, from, to);
        } else {
            _out.write(s, from, to - from);
        }
    }

    /** The temporary sheet file, written through {@link Utf8Writer} instead of POI's writer chain (same bytes). */
    @Override
    public Writer createWriter(File fd) throws IOException {
        FileOutputStream file = new FileOutputStream(fd);
        try {
            return new Utf8Writer(decorateOutputStream(file));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** What POI writes instead of {@code c}, or null when it writes {@code c} itself. */
    static String escape(char c) {
        return switch (c) {
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '&' -> "&amp;";
            case '"' -> "&quot;";
            case '\n' -> "&#xa;";
            case '\r' -> "&#xd;";
            case '\t' -> "&#x9;";
            case '\u00a0' -> "&#xa0;";
            default -> c < ' ' || c >= '\ufffe' ? "?" : Values.bidi(c) ? Values.visible(String.valueOf(c)) : null;
        };
    }
}
