package org.kcdauditor.inventory;

import org.kcdauditor.model.EventRecord;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads event log exports, streaming: {@code wevtutil qe <log> /f:xml} (a sequence of
 * {@code <Event>} elements without a root, or with one; {@code /f:RenderedXml} adds the message) and
 * {@code Get-WinEvent | Export-Csv}. Keeps the configured event ids, parses source and destination
 * host from the message where it names them, and classifies the failure by HRESULT or wording.
 */
public final class EventImporter {
    private static final Pattern HRESULT = Pattern.compile("0x[0-9A-Fa-f]{8}");
    private static final Pattern FROM_TO = Pattern.compile(
            "(?i)\\bfrom (?:host |node |computer )?'([^']+)' to (?:host |node |computer )?'([^']+)'");
    private static final Pattern[] DESTINATION = {
            Pattern.compile("(?i)\\bwith (?:host|node|computer) '([^']+)'"),
            Pattern.compile("(?i)\\b(?:destination|target|remote) (?:host|node|computer) '([^']+)'"),
            Pattern.compile("(?i)\\bto (?:host|node|computer) '([^']+)'")};

    private final Set<Integer> ids;
    private final ZoneId zone;

    /** @param zone how to read times written without a zone (Export-Csv's local TimeCreated) */
    public EventImporter(List<Integer> ids, ZoneId zone) {
        this.ids = Set.copyOf(ids);
        this.zone = zone;
    }

    public ImportResult read(Path file, Consumer<EventRecord> sink, Consumer<ImportProblem> problems) {
        String name = file.toString();
        List<ImportProblem> kept = new ArrayList<>();
        long[] counts = new long[2];
        Consumer<ImportProblem> report = p -> {
            counts[1] += p.skipped() ? 1 : 0;
            if (kept.size() < ImportResult.MAX_PROBLEMS) {
                kept.add(p);
            }
            problems.accept(p);
        };
        Consumer<EventRecord> counted = e -> {
            counts[0]++;
            sink.accept(e);
        };
        String format = null;
        try (TextFiles.Opened opened = TextFiles.open(file)) {
            BufferedReader reader = opened.reader();
            reader.mark(4096);
            char[] head = new char[4096];
            int n = reader.read(head);
            reader.reset();
            String start = n <= 0 ? "" : new String(head, 0, n).stripLeading();
            if (start.isEmpty()) {
                return new ImportResult(name, "events", null, 0, 0, "empty file", kept);
            }
            if (start.startsWith("<")) {
                format = "wevtutil XML (" + TextFiles.describe(opened) + ")";
                String error = readXml(name, reader, counted, report);
                return new ImportResult(name, "events", format, counts[0], counts[1], error, kept);
            }
            try (CsvInput csv = CsvInput.open(reader, () -> TextFiles.open(file).reader())) {
                if (csv == null) {
                    return new ImportResult(name, "events", null, 0, 0, "empty file", kept);
                }
                String id = csv.column("Id");
                if (id == null) {
                    id = csv.column("EventID");
                }
                if (id == null || csv.firstColumn(List.of("Message", "MachineName")) == null) {
                    return new ImportResult(name, "events", null, 0, 0, "not an event export: neither wevtutil XML"
                            + " nor Get-WinEvent CSV (Id, MachineName, TimeCreated, Message) — header: "
                            + String.join(", ", csv.headers()), kept);
                }
                format = "Get-WinEvent CSV (" + (csv.typeLine() != null ? "#TYPE, " : "")
                        + TextFiles.describe(opened) + ", '" + csv.delimiter() + "'-separated)";
                readCsv(name, csv, id, counted, report);
            }
        } catch (IOException | UncheckedIOException e) {
            return new ImportResult(name, "events", format, counts[0], counts[1], "cannot read: "
                    + org.kcdauditor.io.IoErrors.describe(e), kept);
        }
        return new ImportResult(name, "events", format, counts[0], counts[1], null, kept);
    }

    private void readCsv(String name, CsvInput csv, String idCol, Consumer<EventRecord> sink,
                         Consumer<ImportProblem> report) throws IOException {
        String machine = csv.firstColumn(List.of("MachineName", "PSComputerName", "Computer"));
        String time = csv.firstColumn(List.of("TimeCreated", "TimeGenerated"));
        String message = csv.column("Message");
        csv.each((r, line) -> {
            String idText = CsvInput.value(r, idCol);
            int id;
            try {
                id = Integer.parseInt(idText == null ? "" : idText);
            } catch (NumberFormatException e) {
                report.accept(new ImportProblem(name, line, "Id '" + idText + "' is not a number", true));
                return;
            }
            if (!ids.contains(id)) {
                return;
            }
            Instant when = null;
            try {
                when = Dates.instant(CsvInput.value(r, time), zone);
            } catch (IllegalArgumentException e) {
                report.accept(new ImportProblem(name, line, "TimeCreated: " + e.getMessage(), false));
            }
            sink.accept(event(CsvInput.value(r, machine), id, when, CsvInput.value(r, message), name + ":" + line));
        }, (line, why) -> report.accept(new ImportProblem(name, line, why, true)));
    }

    private String readXml(String name, Reader body, Consumer<EventRecord> sink, Consumer<ImportProblem> report)
            throws IOException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        int nth = 0;
        int seen = 0;
        try {
            XMLStreamReader x = f.createXMLStreamReader(new WrappedReader(body));
            String computer = null;
            String id = null;
            String time = null;
            String rendered = null;
            String data = "";
            int line = 0;
            while (x.hasNext()) {
                int ev = x.next();
                if (ev != XMLStreamConstants.START_ELEMENT && ev != XMLStreamConstants.END_ELEMENT) {
                    continue;
                }
                String local = x.getLocalName();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (local) {
                        case "Event" -> {
                            computer = null;
                            id = null;
                            time = null;
                            rendered = null;
                            data = "";
                            nth++;
                            line = x.getLocation().getLineNumber();
                        }
                        case "EventID" -> id = x.getElementText().trim();
                        case "Computer" -> computer = x.getElementText().trim();
                        case "TimeCreated" -> time = x.getAttributeValue(null, "SystemTime");
                        case "Data" -> {
                            // 21502's message is its %3: the longest Data value is the error text
                            String t = x.getElementText().trim();
                            if (t.length() > data.length()) {
                                data = t;
                            }
                        }
                        case "Message" -> rendered = x.getElementText().trim();
                        default -> {
                        }
                    }
                } else if (local.equals("Event")) {
                    seen++;
                    int eid;
                    try {
                        eid = Integer.parseInt(id == null ? "" : id);
                    } catch (NumberFormatException e) {
                        report.accept(new ImportProblem(name, line, "event #" + nth + ": EventID '" + id
                                + "' is not a number", true));
                        continue;
                    }
                    if (!ids.contains(eid)) {
                        continue;
                    }
                    Instant when = null;
                    try {
                        when = Dates.instant(time, zone);
                    } catch (IllegalArgumentException e) {
                        report.accept(new ImportProblem(name, line, "SystemTime: " + e.getMessage(), false));
                    }
                    sink.accept(event(computer, eid, when, rendered != null ? rendered : data,
                            name + ":" + line));
                }
            }
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
            String why = e.getMessage() == null ? "malformed XML" : e.getMessage().lines()
                    .filter(l -> !l.startsWith("ParseError")).findFirst().orElse("malformed XML");
            if (seen == 0) {
                return "not an event export: " + (line > 0 ? "line " + line + ": " : "") + why.strip();
            }
            report.accept(new ImportProblem(name, line, "malformed XML, rest of file not read: " + why.strip(), true));
        }
        if (seen == 0) {
            return "not an event export: no <Event> element found";
        }
        return null;
    }

    /** Builds the record: classification, HRESULT, source and destination from the message. */
    static EventRecord event(String computer, int id, Instant when, String message, String origin) {
        String msg = message == null ? "" : message.strip();
        String host = shortName(computer);
        String source = host;
        String destination = null;
        Matcher ft = FROM_TO.matcher(msg);
        if (ft.find()) {
            source = shortName(ft.group(1));
            destination = shortName(ft.group(2));
        } else {
            for (Pattern p : DESTINATION) {
                Matcher m = p.matcher(msg);
                if (m.find()) {
                    destination = shortName(m.group(1));
                    break;
                }
            }
        }
        Matcher h = HRESULT.matcher(msg);
        String hresult = h.find() ? "0x" + h.group().substring(2).toUpperCase(Locale.ROOT) : null;
        return new EventRecord(host, id, when, source, destination, classify(msg, hresult), hresult,
                msg.length() > 4000 ? msg.substring(0, 3999) + "…" : msg, origin);
    }

    static String classify(String message, String hresult) {
        String m = message.toLowerCase(Locale.ROOT);
        if ("0x8009030E".equals(hresult) || m.contains("no credentials are available")) {
            return "NO_CREDENTIALS";
        }
        if ("0x80090303".equals(hresult) || m.contains("target is unknown or unreachable")) {
            return "TARGET_UNKNOWN";
        }
        if ("0x80070005".equals(hresult) || m.contains("access denied") || m.contains("access is denied")) {
            return "ACCESS_DENIED";
        }
        if (m.contains("security context")) {
            return "SECURITY_CONTEXT";
        }
        return "OTHER";
    }

    /** {@code HV01} from {@code hv01.contoso.com}; kept as written otherwise. */
    static String shortName(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String n = name.trim();
        int dot = n.indexOf('.');
        return (dot > 0 ? n.substring(0, dot) : n).toUpperCase(Locale.ROOT);
    }

    /**
     * Puts a root element around the input, so that wevtutil's root-less sequence of events parses
     * as one document; an XML declaration at the start is dropped.
     */
    static final class WrappedReader extends Reader {
        private final Reader body;
        private final String prefix = "<kcdEvents>";
        private final String suffix = "</kcdEvents>";
        private int prefixPos;
        private int suffixPos;
        private boolean bodyDone;
        private boolean declarationChecked;

        WrappedReader(Reader body) {
            this.body = body.markSupported() ? body : new BufferedReader(body);
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (prefixPos < prefix.length()) {
                int n = Math.min(len, prefix.length() - prefixPos);
                prefix.getChars(prefixPos, prefixPos + n, buf, off);
                prefixPos += n;
                return n;
            }
            if (!declarationChecked) {
                declarationChecked = true;
                skipDeclaration();
            }
            if (!bodyDone) {
                int n = body.read(buf, off, len);
                if (n >= 0) {
                    return n;
                }
                bodyDone = true;
            }
            if (suffixPos < suffix.length()) {
                int n = Math.min(len, suffix.length() - suffixPos);
                suffix.getChars(suffixPos, suffixPos + n, buf, off);
                suffixPos += n;
                return n;
            }
            return -1;
        }

        private void skipDeclaration() throws IOException {
            body.mark(1024);
            char[] head = new char[1024];
            int n = body.read(head);
            body.reset();
            if (n <= 0) {
                return;
            }
            String s = new String(head, 0, n);
            String t = s.stripLeading();
            if (t.startsWith("<?xml")) {
                int end = s.indexOf("?>");
                if (end >= 0) {
                    body.skip(end + 2L);
                }
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
