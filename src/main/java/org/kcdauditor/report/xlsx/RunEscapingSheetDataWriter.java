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
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * POI's sheet writer with its string escaping done in runs: POI writes every character of cell text
 * on its own ({@code Writer.write(int)}), which for the Hosts sheet's 87 MB of delegation entries at
 * 20,000 hosts was most of the workbook's time; here text is scanned in a reused buffer and copied in runs of bytes,
 * and the cells' markup is copied as bytes made once. The output is the same byte for byte:
 * {@code < > & "} and tab, line feed, carriage return and no-break space as entities, other control
 * characters and U+FFFE/U+FFFF as {@code ?}, everything else (surrogates included) as it is. One addition to
 * POI: a bidirectional formatting character (U+202E turns a cell's text around) is written as the text
 * {@code \\u202E}, so the cell shows what the directory stores.
 */
final class RunEscapingSheetDataWriter extends SheetDataWriter {
    /** {@code _out}: every sheet file is written through this encoder, so markup and ASCII text go in as bytes. */
    private final Utf8Writer utf8;

    RunEscapingSheetDataWriter() throws IOException {
        super();
        utf8 = (Utf8Writer) _out;
    }

    /** Writing to {@code out} instead of a temporary file. */
    RunEscapingSheetDataWriter(OutputStream out) throws IOException {
        super(new Utf8Writer(out));
        utf8 = (Utf8Writer) _out;
    }

    /** The temporary sheet file's write failures go to {@code io} as well, which POI's save would lose. */
    void reportFailuresTo(org.kcdauditor.io.FirstIoFailure io) {
        utf8.watchedBy(io);
    }

    private static final byte[] INLINE = ascii(" t=\"inlineStr\"><is><t>");
    private static final byte[] INLINE_PRESERVE = ascii(" t=\"inlineStr\"><is><t xml:space=\"preserve\">");
    private static final byte[] END_INLINE = ascii("</t></is></c>");
    private static final byte[] NUMBER = ascii(" t=\"n\"><v>");
    private static final byte[] END_NUMBER = ascii("</v></c>");
    private static final byte[] BLANK = ascii("></c>");
    /** {@code SAFE[c]}: the character {@code c} is ASCII and written as it is (one byte). */
    private static final boolean[] SAFE = new boolean[0x10000];

    static {
        for (char c = ' '; c < 0x80; c++) {
            SAFE[c] = escape(c) == null;
        }
    }

    /** The characters of the cell text being written (grown to the longest text met, reused from cell to cell). */
    private char[] chars = new char[256];

    /** {@code <c r="} and the column letters (A, B, …), and {@code  s="n"} for the styles met so far, by index. */
    private final List<byte[]> columns = new ArrayList<>();
    private final List<byte[]> styles = new ArrayList<>();
    /** The number of the row being written and the quote after it, as in its cells' references ({@code 3"} in K3). */
    private byte[] rowNumber = ascii("1\"");

    @Override
    public void writeRow(int rownum, SXSSFRow row) throws IOException {
        rowNumber = ascii((rownum + 1) + "\"");
        super.writeRow(rownum, row);
    }

    /**
     * Text, number and blank cells as POI writes them, byte for byte, without POI's per-cell
     * {@code CellReference} and attribute strings (a third of the workbook's allocation at 20,000 hosts: 23
     * cells a row on the Hosts sheet) and with the markup copied as bytes, not encoded a character at a time;
     * other cells (formulas, booleans, errors) by POI. This workbook keeps no shared strings table (the workbook
     * is made with {@code useSharedStringsTable} false), so text is inline.
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
        utf8.writeAscii(memo(columns, columnIndex, i -> "<c r=\"" + CellReference.convertNumToColString(i)));
        utf8.writeAscii(rowNumber);
        int style = cell.getCellStyle().getIndex() & 0xffff;
        if (style != 0) {
            utf8.writeAscii(memo(styles, style, i -> " s=\"" + i + "\""));
        }
        switch (type) {
            case STRING -> {
                String text = cell.getStringCellValue();
                utf8.writeAscii(!text.isEmpty() && (Character.isWhitespace(text.charAt(0))
                        || Character.isWhitespace(text.charAt(text.length() - 1))) ? INLINE_PRESERVE : INLINE);
                outputEscapedString(text);
                utf8.writeAscii(END_INLINE);
            }
            case NUMERIC -> {
                utf8.writeAscii(NUMBER);
                String number = Double.toString(cell.getNumericCellValue());
                utf8.writeAscii(number, 0, number.length());
                utf8.writeAscii(END_NUMBER);
            }
            default -> utf8.writeAscii(BLANK);
        }
    }

    /** The ASCII bytes of {@code made.apply(i)}, made once per index and kept in {@code known}. */
    private static byte[] memo(List<byte[]> known, int i, IntFunction<String> made) {
        while (known.size() <= i) {
            known.add(ascii(made.apply(known.size())));
        }
        return known.get(i);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The text's characters, copied once into a buffer the writer keeps (no allocation per cell: at 50,000 hosts in
     * {@code -Xmx1g} a copy per cell cost the run four full collections) and scanned there: printable ASCII other
     * than {@code < > & "} is copied as it is, in runs of bytes; every other character is escaped or encoded on
     * its own, as POI's writer chain would (a surrogate pair is joined by {@link Utf8Writer}).
     */
    @Override
    protected void outputEscapedString(String s) throws IOException {
        if (s == null) {
            return;
        }
        int n = s.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        char[] cs = chars;
        s.getChars(0, n, cs, 0);
        int run = 0;
        for (int i = Values.firstNotIn(SAFE, cs, 0, n); i < n; i = Values.firstNotIn(SAFE, cs, i + 1, n)) {
            utf8.writeAscii(s, run, i);
            run = i + 1;
            char c = cs[i];
            String entity = escape(c);
            if (entity != null) {
                utf8.writeAscii(entity, 0, entity.length());
            } else {
                utf8.write(c);
            }
        }
        utf8.writeAscii(s, run, n);
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
