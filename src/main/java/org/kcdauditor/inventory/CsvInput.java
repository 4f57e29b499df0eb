package org.kcdauditor.inventory;

import org.apache.commons.csv.CSVException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;
import org.kcdauditor.remedy.Values;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A PowerShell {@code Export-Csv} file opened for streaming: the {@code #TYPE} line (Windows
 * PowerShell 5.1) is skipped, the delimiter (, ; or tab) is detected from the header line, and
 * columns are found case-insensitively. Parsing uses Commons CSV.
 *
 * <p>A malformed record (a quote that is never closed makes Commons CSV read to the end of the file)
 * costs one line, not the rest of the file: {@link #each} reports the line where the record began and
 * goes on parsing from the next physical line. The file is read once: the text of a record is kept until it ends
 * ({@link Replay}), so resuming reads the bad record again, not the file.
 */
final class CsvInput implements AutoCloseable {
    /** How often one file may be resumed after a malformed record before the rest of it is given up. */
    static final int MAX_RESUMES = 1000;
    /**
     * The most characters one record may take: a quote that never closes would make the rest of the file one field
     * (a 300 MB export, the whole heap); such a record is malformed, and reading goes on at its next line.
     */
    static final int MAX_RECORD_CHARS = 4 << 20;
    /**
     * The most characters the header line (and a blank or {@code #TYPE} line before it) may take: the file is read
     * again from it once its delimiter is known.
     */
    static final int MAX_HEADER_CHARS = 1 << 15;

    /**
     * The file's text as the parser reads it, read from the file once. What was read from the start of the line after
     * the last record that ended is kept, so that resuming after a malformed record reads that part again from memory:
     * a resumption costs the bad record, not the file up to it. A record may take at most {@link #MAX_RECORD_CHARS}.
     * Positions are counted in characters from the header line's start.
     */
    static final class Replay extends Reader {
        private final Reader source;
        private char[] kept = new char[1 << 14];
        private long base;       // the position of kept[0]
        private long end;        // kept holds [base, end)
        private long pos;        // where the parser reads
        private long anchor;     // the start of line anchorLine: nothing before it is read again
        private long anchorLine;
        private boolean eof;
        /** Skipping a malformed record's line: the parser that read into it is done with, what it read is not kept. */
        private boolean skipping;

        Replay(Reader source, long firstLine) {
            this.source = source;
            this.anchorLine = firstLine;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == end && !fill()) {
                return -1;
            }
            int n = (int) Math.min(len, end - pos);
            System.arraycopy(kept, (int) (pos - base), buf, off, n);
            pos += n;
            if (pos - anchor > MAX_RECORD_CHARS) {
                throw new IOException("a record longer than " + (MAX_RECORD_CHARS >> 20) + " M characters");
            }
            return n;
        }

        /** Reads more of the source, dropping what comes before the anchor when that frees half the buffer. */
        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            int used = (int) (end - base);
            if (used == kept.length) {
                int drop = (int) ((skipping ? anchor : Math.min(anchor, pos)) - base);
                if (drop >= kept.length / 2) {
                    System.arraycopy(kept, drop, kept, 0, used - drop);
                    base += drop;
                    used -= drop;
                } else {
                    kept = Arrays.copyOf(kept, kept.length * 2);
                }
            }
            int n = source.read(kept, used, kept.length - used);
            if (n < 0) {
                eof = true;
                return false;
            }
            end += n;
            return true;
        }

        /** The character at position {@code p} (not before the anchor), or -1 at the end of the text. */
        private int at(long p) throws IOException {
            while (p >= end) {
                if (!fill()) {
                    return -1;
                }
            }
            return kept[(int) (p - base)];
        }

        /**
         * Moves the anchor past its line and that line's break (\r\n, \n or \r, as Commons CSV counts lines).
         *
         * @return -1 when the text ends at the anchor (no line is left), 1 for a line of white space only, else 0
         */
        private int skipLine() throws IOException {
            int c = at(anchor);
            if (c < 0) {
                return -1;
            }
            boolean blank = true;
            while (c >= 0 && c != '\n' && c != '\r') {
                blank &= Character.isWhitespace(c);
                c = at(++anchor); // the anchor moves along: a line of 300 MB is not kept whole
            }
            if (c == '\r' && at(anchor + 1) == '\n') {
                anchor++;
            }
            if (c >= 0) {
                anchor++;
            }
            anchorLine++;
            return blank ? 1 : 0;
        }

        /** A record ended on {@code line}: nothing up to that line is read again. */
        void recordEnded(long line) throws IOException {
            while (anchorLine <= line && skipLine() >= 0) {
                // the lines of the record just read
            }
        }

        /**
         * Skips the first line after the last record that ended that is not blank (where a malformed record began), and
         * the blank lines before it; the parser reads on from the line after it.
         *
         * @return the number of the skipped line, or -1 when only blank lines were left
         */
        long skipMalformed() throws IOException {
            skipping = true;
            try {
                while (true) {
                    long line = anchorLine;
                    int k = skipLine();
                    if (k <= 0) {
                        pos = anchor; // the parser reads on from the next line (or finds the end)
                        return k < 0 ? -1 : line;
                    }
                }
            } finally {
                skipping = false;
            }
        }

        @Override
        public void close() throws IOException {
            source.close();
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
    private final Replay replay;
    private final CSVFormat resumeFormat;
    private final Map<String, String> columns = new LinkedHashMap<>();
    private final String typeLine;
    private final char delimiter;
    private long offset;

    private CsvInput(CSVParser parser, Replay replay, CSVFormat resumeFormat, String typeLine, char delimiter,
                     int offset) {
        this.parser = parser;
        this.replay = replay;
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

    /** Why a file {@code ConvertTo-Json} wrote is not read. */
    static final String JSON = "JSON (ConvertTo-Json), not a CSV export: pipe the objects to Export-Csv instead";

    /** Opens the CSV; returns null when the input holds no header line (empty file); refuses JSON. */
    static CsvInput open(BufferedReader reader) throws IOException {
        String first = nextLine(reader, false);
        int offset = 0;
        String typeLine = null;
        while (first != null && first.isBlank()) {
            offset++;
            nextLine(reader, true);
            first = nextLine(reader, false);
        }
        if (first != null && first.startsWith("#TYPE")) {
            typeLine = first;
            offset++;
            nextLine(reader, true);
            first = nextLine(reader, false);
        }
        if (first == null || first.isBlank()) {
            return null;
        }
        if (first.strip().startsWith("[") || first.strip().startsWith("{")) {
            throw new IOException(JSON);
        }
        char delimiter = sniff(first);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setHeader().setSkipHeaderRecord(true)
                .setAllowMissingColumnNames(true).setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL)
                .setIgnoreEmptyLines(true).setIgnoreSurroundingSpaces(true).get();
        Replay replay = new Replay(reader, offset + 1);
        CSVParser parser;
        try {
            parser = CSVParser.builder().setReader(replay).setFormat(format).get();
        } catch (CSVException e) {
            throw new IOException("line " + (offset + 1) + ", the header: " + why(e) + ": export with Export-Csv, which"
                    + " writes each column in double quotes separated by ',' (or ';' or a tab)", e);
        }
        replay.recordEnded(offset + 1);
        CSVFormat resume = format.builder().setHeader(parser.getHeaderNames().toArray(String[]::new))
                .setSkipHeaderRecord(false).get();
        return new CsvInput(parser, replay, resume, typeLine, delimiter, offset);
    }

    /**
     * The next line of {@code reader} up to its break (\n, \r or \r\n, as {@link BufferedReader#readLine} ends it), or
     * null at the end; with {@code consume} the reader moves past the line and its break, else it stays at the line's
     * start. At most {@link #MAX_HEADER_CHARS} + 2 characters are read: a file without a line break (a binary file
     * a source's wildcard picked up) is refused there, not read whole into one line.
     */
    private static String nextLine(BufferedReader reader, boolean consume) throws IOException {
        char[] head = new char[MAX_HEADER_CHARS + 2];
        reader.mark(head.length);
        int n = 0;
        for (int k; n < head.length && (k = reader.read(head, n, head.length - n)) > 0; ) {
            n += k;
        }
        reader.reset();
        if (n == 0) {
            return null;
        }
        int end = 0;
        while (end < n && head[end] != '\n' && head[end] != '\r') {
            end++;
        }
        if (end > MAX_HEADER_CHARS) {
            throw new IOException("the header line is longer than " + (MAX_HEADER_CHARS >> 10) + " K characters, the"
                    + " most it may take: export only the columns the audit reads (… | Select-Object <columns> |"
                    + " Export-Csv), or check that the file is a CSV export");
        }
        if (consume) {
            boolean crLf = end + 1 < n && head[end] == '\r' && head[end + 1] == '\n';
            reader.skip(end + (end == n ? 0 : crLf ? 2 : 1));
        }
        return new String(head, 0, end);
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
                long bad = resume();
                if (bad < 0) {
                    return; // only blank lines were left
                }
                malformed.accept(bad, "malformed CSV: " + why(e) + "; this line is skipped, the next ones are read");
                lastEnd = bad;
                it = parser.iterator();
                continue;
            }
            lastEnd = line();
            replay.recordEnded(lastEnd);
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
     * Parses on from the line after the first non-blank one following the last record that ended (where the
     * malformed record began), with a new parser on the kept text.
     *
     * @return that line's number, or -1 when no such line is left
     */
    private long resume() throws IOException {
        long bad = replay.skipMalformed();
        if (bad >= 0) {
            parser = CSVParser.builder().setReader(replay).setFormat(resumeFormat).get();
            offset = bad;
        }
        return bad;
    }

    /** Commons CSV's reason in words. */
    private static String why(Exception e) {
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
     * is read twice). Where nothing tells it, the order is {@link Dates.SlashOrder#ambiguous()}: the caller says so.
     */
    static Dates.SlashOrder slashOrder(Path file, String column) throws IOException {
        Dates.SlashOrder order = new Dates.SlashOrder();
        if (column == null) {
            return order;
        }
        try (TextFiles.Opened opened = TextFiles.open(file);
             CsvInput csv = open(opened.reader())) {
            if (csv != null) {
                csv.each((r, line) -> order.learn(value(r, column), line), (line, why) -> { }, order::known);
            }
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

    /**
     * Whether the file is what the PowerShell console prints rather than a CSV ({@code Get-HotFix > file}, Out-File,
     * Format-Table): a header of one column whose words, apart by spaces, include {@code column}, or the group line
     * {@code ProviderName: …} Get-WinEvent's table starts with.
     */
    boolean printedTable(String column) {
        List<String> h = headers();
        if (h.size() != 1 || h.get(0) == null) {
            return false;
        }
        String line = h.get(0).strip();
        return line.startsWith("ProviderName:") || Arrays.stream(line.split("\\s+"))
                .anyMatch(word -> word.equalsIgnoreCase(column)) && line.contains(" ");
    }

    /** Why a {@link #printedTable} is not read, and the export to use instead. */
    static String printedTable(String kind, String export) {
        return "not " + kind + ": a table as the PowerShell console prints it (> file, Out-File, Format-Table), not a"
                + " CSV: export with " + export;
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
    }
}
