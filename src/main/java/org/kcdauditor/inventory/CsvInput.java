package org.kcdauditor.inventory;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.kcdauditor.remedy.Values;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A PowerShell {@code Export-Csv} file opened for streaming: the {@code #TYPE} line (Windows
 * PowerShell 5.1) is skipped, the delimiter (, ; or tab) is detected from the header line, and
 * columns are found case-insensitively. Parsing uses Commons CSV.
 *
 * <p>A malformed record (a quote that is never closed makes Commons CSV read to the end of the file)
 * costs one line, not the rest of the file: {@link #each} reports the line where the record began and
 * goes on parsing from the next physical line, on the file opened again.
 */
final class CsvInput implements AutoCloseable {
    /** How often one file may be resumed after a malformed record before the rest of it is given up. */
    static final int MAX_RESUMES = 1000;
    /**
     * The most characters one record may take: a quote that never closes would make the rest of the file one field
     * (a 300 MB export, the whole heap); such a record is malformed, and reading goes on at its next line.
     */
    static final int MAX_RECORD_CHARS = 4 << 20;
    /** The most characters the header line may take (the file is read again from it once its delimiter is known). */
    static final int MAX_HEADER_CHARS = 1 << 15;

    /** Counts what the parser reads since the last record, and refuses a record longer than {@link #MAX_RECORD_CHARS}. */
    static final class Bounded extends java.io.FilterReader {
        private long since;

        Bounded(java.io.Reader in) {
            super(in);
        }

        /** A record ended: count from here. */
        void recordEnded() {
            since = 0;
        }

        private int count(int n) throws IOException {
            if (n > 0 && (since += n) > MAX_RECORD_CHARS) {
                since = 0;
                throw new IOException("a record longer than " + (MAX_RECORD_CHARS >> 20) + " M characters");
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            count(c < 0 ? 0 : 1);
            return c;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            return count(super.read(buf, off, len));
        }
    }

    /** How the format names the separator: {@code ';'-separated}, or {@code tab-separated} (a tab shown quoted is blank). */
    String separated() {
        return delimiter() == '\t' ? "tab-separated" : "'" + delimiter() + "'-separated";
    }

    /**
     * The header as a refusal names it: its columns, control characters shown as {@code \\uXXXX}, at most 200
     * characters (a binary file or a megabyte-long first line would otherwise go whole into the message).
     */
    String headerShown() {
        String h = String.join(", ", headers());
        return Values.visible(h.length() > 200 ? h.substring(0, 197) + "..." : h);
    }

    /**
     * A cell's value for a problem's reason: at most 60 characters (a cell may hold megabytes, and the reason goes
     * into findings.json and the Imports sheet), control and bidirectional characters shown as {@code \\uXXXX}.
     */
    static String shown(String value) {
        return Values.visible(value.length() > 60 ? value.substring(0, 57) + "..." : value);
    }

    /** Opens the file again from its first character (after any byte order mark), to resume after a bad record. */
    @FunctionalInterface
    interface Reopen {
        BufferedReader open() throws IOException;
    }

    /** One record and the 1-based line of the file where it ends. */
    @FunctionalInterface
    interface RecordHandler {
        void accept(CSVRecord record, long line);
    }

    /** A skipped line: its 1-based number, and why. */
    @FunctionalInterface
    interface Malformed {
        void accept(long line, String reason);
    }

    private CSVParser parser;
    private Bounded bounded;
    private final Reopen reopen;
    private final CSVFormat resumeFormat;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final Map<String, String> columns = new LinkedHashMap<>();
    private final String typeLine;
    private final char delimiter;
    private long offset;

    private CsvInput(CSVParser parser, Bounded bounded, Reopen reopen, CSVFormat resumeFormat, String typeLine,
                     char delimiter, int offset) {
        this.parser = parser;
        this.bounded = bounded;
        this.reopen = reopen;
        this.resumeFormat = resumeFormat;
        this.typeLine = typeLine;
        this.delimiter = delimiter;
        this.offset = offset;
        for (String h : parser.getHeaderNames()) {
            if (h != null) {
                columns.putIfAbsent(h.trim().toLowerCase(Locale.ROOT), h);
            }
        }
    }

    /**
     * Opens the CSV; returns null when the input holds no header line (empty file).
     *
     * @param reopen opens the same text again, for resuming after a malformed record
     */
    static CsvInput open(BufferedReader reader, Reopen reopen) throws IOException {
        reader.mark(MAX_HEADER_CHARS + 2);
        String first = reader.readLine();
        int offset = 0;
        String typeLine = null;
        while (first != null && first.isBlank()) {
            offset++;
            reader.mark(MAX_HEADER_CHARS + 2);
            first = reader.readLine();
        }
        if (first != null && first.startsWith("#TYPE")) {
            typeLine = first;
            offset++;
            reader.mark(MAX_HEADER_CHARS + 2);
            first = reader.readLine();
        }
        if (first == null || first.isBlank()) {
            return null;
        }
        if (first.length() > MAX_HEADER_CHARS) {
            throw new IOException("the header line is longer than " + (MAX_HEADER_CHARS >> 10) + " K characters, the"
                    + " most it may take: export only the columns the audit reads (… | Select-Object <columns> |"
                    + " Export-Csv), or check that the file is a CSV export");
        }
        reader.reset();
        char delimiter = sniff(first);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setAllowMissingColumnNames(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setIgnoreEmptyLines(true).setIgnoreSurroundingSpaces(true).get();
        Bounded bounded = new Bounded(reader);
        CSVParser parser = CSVParser.builder().setReader(bounded).setFormat(format).get();
        bounded.recordEnded();
        CSVFormat resume = format.builder().setHeader(parser.getHeaderNames().toArray(String[]::new))
                .setSkipHeaderRecord(false).get();
        return new CsvInput(parser, bounded, reopen, resume, typeLine, delimiter, offset);
    }

    /**
     * Hands every record to {@code handler}. A record Commons CSV cannot read is reported as the line it began
     * on, and reading goes on at the next physical line, so nothing after it is lost.
     */
    void each(RecordHandler handler, Malformed malformed) throws IOException {
        each(handler, malformed, () -> false);
    }

    /** As {@link #each(RecordHandler, Malformed)}, ending once {@code done} is true after a record. */
    void each(RecordHandler handler, Malformed malformed, BooleanSupplier done) throws IOException {
        long lastEnd = offset + 1; // the header line
        Iterator<CSVRecord> it = parser.iterator();
        int resumes = 0;
        while (true) {
            CSVRecord r;
            try {
                if (!it.hasNext()) {
                    return;
                }
                r = it.next();
            } catch (UncheckedIOException | IllegalStateException e) {
                if (++resumes > MAX_RESUMES) {
                    malformed.accept(lastEnd + 1, "more than " + MAX_RESUMES + " malformed records: the rest of the"
                            + " file is not read");
                    return;
                }
                long bad = resumeAfter(lastEnd);
                if (bad < 0) {
                    return; // only blank lines were left
                }
                malformed.accept(bad, "malformed CSV: " + why(e) + "; this line is skipped, the next ones are read");
                lastEnd = bad;
                it = parser.iterator();
                continue;
            }
            bounded.recordEnded();
            lastEnd = line();
            if (blank(r)) {
                continue; // separators only: a row Excel emptied, a blank line as the file's format writes one
            }
            handler.accept(r, lastEnd);
            if (done.getAsBoolean()) {
                return;
            }
        }
    }

    private static boolean blank(CSVRecord r) {
        for (String v : r) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the file again and parses on from the line after the first non-blank one following line
     * {@code lastEnd} (where the malformed record began).
     *
     * @return that line's number, or -1 when no such line is left
     */
    private long resumeAfter(long lastEnd) throws IOException {
        closeResumed(); // the reader of the resumption before: its parser is replaced
        BufferedReader again = reopen.open();
        opened.add(again);
        for (long i = 0; i < lastEnd; i++) {
            if (again.readLine() == null) {
                return -1;
            }
        }
        long bad = lastEnd;
        String l;
        do {
            l = again.readLine();
            bad++;
            if (l == null) {
                return -1;
            }
        } while (l.isBlank());
        bounded = new Bounded(again);
        parser = CSVParser.builder().setReader(bounded).setFormat(resumeFormat).get();
        offset = bad;
        return bad;
    }

    /** Commons CSV's reason in words. */
    private static String why(RuntimeException e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("a record longer than")) {
            return t.getMessage() + " (a quote opened on it that never closes?)";
        }
        if (m.contains("eof reached before encapsulated token finished")) {
            return "a quote opened on it is never closed";
        }
        if (m.contains("invalid char") && m.contains("between encapsulated token and delimiter")) {
            return "a quote on it does not end its field (text follows the quote)";
        }
        String first = (t.getMessage() == null ? "" : t.getMessage()).lines().findFirst().orElse("")
                .replaceAll("^\\(line \\d+\\) ", "").strip();
        return first.isEmpty() ? "unreadable record" : first;
    }

    /**
     * The order of the file's {@code d/d/yyyy} dates in {@code column} (null: none), from a first reading of that
     * column that ends at the first date whose numbers tell (usually the first few records; a file where none does
     * is read twice). A file whose slash dates do not tell their order is read month-first, and {@code report} gets
     * one warning naming the file.
     */
    static Dates.SlashOrder slashOrder(Path file, String column, String name, Consumer<ImportProblem> report)
            throws IOException {
        Dates.SlashOrder order = new Dates.SlashOrder();
        if (column == null) {
            return order;
        }
        try (TextFiles.Opened opened = TextFiles.open(file);
             CsvInput csv = open(opened.reader(), () -> TextFiles.open(file).reader())) {
            if (csv != null) {
                csv.each((r, line) -> order.learn(value(r, column)), (line, why) -> { }, order::known);
            }
        }
        if (order.ambiguous()) {
            report.accept(new ImportProblem(name, 0, "slash dates such as '" + order.sample() + "' read"
                    + " month-first (en-US): no day above 12 and no AM/PM tells this file's order; check"
                    + " them, or export ISO dates (yyyy-MM-dd)", false));
        }
        return order;
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
        closeResumed();
    }

    private void closeResumed() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // read-only files: nothing to lose
            }
        }
        opened.clear();
    }
}
