package org.kcdauditor.inventory;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A PowerShell {@code Export-Csv} file opened for streaming: the {@code #TYPE} line (Windows
 * PowerShell 5.1) is skipped, the delimiter (, ; or tab) is detected from the header line, and
 * columns are found case-insensitively. Parsing uses Commons CSV.
 */
final class CsvInput implements AutoCloseable {
    private final CSVParser parser;
    private final Map<String, String> columns = new LinkedHashMap<>();
    private final String typeLine;
    private final char delimiter;
    private final int offset;

    private CsvInput(CSVParser parser, String typeLine, char delimiter, int offset) {
        this.parser = parser;
        this.typeLine = typeLine;
        this.delimiter = delimiter;
        this.offset = offset;
        for (String h : parser.getHeaderNames()) {
            if (h != null) {
                columns.putIfAbsent(h.trim().toLowerCase(Locale.ROOT), h);
            }
        }
    }

    /** Opens the CSV; returns null when the input holds no header line (empty file). */
    static CsvInput open(BufferedReader reader) throws IOException {
        reader.mark(1 << 15);
        String first = reader.readLine();
        int offset = 0;
        String typeLine = null;
        while (first != null && first.isBlank()) {
            offset++;
            reader.mark(1 << 15);
            first = reader.readLine();
        }
        if (first != null && first.startsWith("#TYPE")) {
            typeLine = first;
            offset++;
            reader.mark(1 << 15);
            first = reader.readLine();
        }
        if (first == null || first.isBlank()) {
            return null;
        }
        reader.reset();
        char delimiter = sniff(first);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setAllowMissingColumnNames(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setIgnoreEmptyLines(true).setIgnoreSurroundingSpaces(true).get();
        return new CsvInput(CSVParser.builder().setReader(reader).setFormat(format).get(), typeLine, delimiter, offset);
    }

    /** The delimiter that splits the header line into the most fields, outside quotes. */
    static char sniff(String header) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        for (char c : header.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                comma += c == ',' ? 1 : 0;
                semicolon += c == ';' ? 1 : 0;
                tab += c == '\t' ? 1 : 0;
            }
        }
        if (semicolon > comma && semicolon >= tab) {
            return ';';
        }
        return tab > comma ? '\t' : ',';
    }

    /** The header as written for a case-insensitive name, or null. */
    String column(String name) {
        return columns.get(name.toLowerCase(Locale.ROOT));
    }

    /** The first of {@code names} present in the header, or null. */
    String firstColumn(List<String> names) {
        for (String n : names) {
            String c = column(n);
            if (c != null) {
                return c;
            }
        }
        return null;
    }

    List<String> headers() {
        return parser.getHeaderNames();
    }

    Iterator<CSVRecord> records() {
        return parser.iterator();
    }

    /** The 1-based line of the file where the record just read ends. */
    long line() {
        return offset + parser.getCurrentLineNumber();
    }

    String typeLine() {
        return typeLine;
    }

    char delimiter() {
        return delimiter;
    }

    static String value(CSVRecord r, String column) {
        if (column == null || !r.isSet(column)) {
            return null;
        }
        String v = r.get(column);
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }
}
