package org.kcdauditor.inventory;

import org.kcdauditor.model.EventClassification;
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
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads event log exports, streaming: {@code wevtutil qe <log> /f:xml} (a sequence of
 * {@code <Event>} elements without a root, or with one; {@code /f:RenderedXml} adds the message) and
 * {@code Get-WinEvent | Export-Csv}. Keeps the configured event ids, parses source and destination
 * host from the message where it names them, and classifies the failure by HRESULT or wording
 * ({@link EventClassification}).
 *
 * <p>Ids 201–209 are the KDCSVC events of domain controllers (KB5073381): they are read only when the
 * provider is the Key Distribution Center (wevtutil's {@code Provider}, Get-WinEvent's {@code ProviderName};
 * without either, a message that starts with "The Key Distribution Center"), and keep the account and the
 * service the event names: from the rendered message's "Account Name:" and "Service Name:" lines, else
 * from named {@code <Data>} fields.
 */
public final class EventImporter {
    /**
     * An HRESULT as Windows writes it: {@code 0x8009030E} (group 1), the signed 32-bit integer of an Int32 field
     * ({@code -2146893042}, group 2), or bare hex digits ({@code Error 8009030E}, group 3; a GUID's groups are
     * joined by dashes, which the bounds exclude).
     */
    private static final Pattern HRESULT_FORMS = Pattern.compile(
            "(?<![0-9A-Za-z{-])(?:0[xX]([0-9A-Fa-f]{8})|(-[12][0-9]{9})|([0-9A-Fa-f]{8}))(?![0-9A-Za-z-])");
    private static final Pattern MESSAGE_ID = Pattern.compile("%%(\\d{1,10})");
    /**
     * What VMMS logs as Information when a live migration starts or ends well (20413 "… initiated the live migration of
     * virtual machine …", 20415/20417 "… successfully completed the live migration …"): no failure, for an export
     * that carries no level.
     */
    private static final Pattern STARTED_OR_SUCCEEDED = Pattern.compile(
            "(?i)\\b(?:initiated|successfully completed) the live migration\\b");
    private static final Pattern GUID = Pattern.compile("\\{?[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}}?");
    private static final Pattern FROM_TO = Pattern.compile(
            "(?i)\\bfrom (?:host |node |computer )?'([^']+)' to (?:host |node |computer )?'([^']+)'");
    private static final Pattern ACCOUNT_LINE = Pattern.compile("(?im)^\\s*Account Name:[ \\t]*(\\S[^\\r\\n]*?)\\s*$");
    private static final Pattern SERVICE_LINE = Pattern.compile("(?im)^\\s*Service Name:[ \\t]*(\\S[^\\r\\n]*?)\\s*$");
    /** Names the KDCSVC events' {@code <Data>} fields may carry for the account and the service. */
    private static final List<String> ACCOUNT_FIELDS = List.of("AccountName", "Account", "ClientName", "TargetUserName");
    private static final List<String> SERVICE_FIELDS = List.of("ServiceName", "Service", "ServerName", "TargetName");
    private static final Pattern[] DESTINATION = {
            Pattern.compile("(?i)\\bwith (?:host|node|computer) '([^']+)'"),
            Pattern.compile("(?i)\\b(?:destination|target|remote) (?:host|node|computer) '([^']+)'"),
            Pattern.compile("(?i)\\bto (?:host|node|computer) '([^']+)'"),
            // "… failed at migration destination 'HV03'" (event 21502 as logged on the destination side)
            Pattern.compile("(?i)\\bmigration destination '([^']+)'")};
    /**
     * "failed at migration destination 'B'": B is the destination whatever else the message names; a "with host 'A'"
     * beside it names the other side, the source when the event was logged on B.
     */
    private static final Pattern MIGRATION_DESTINATION = Pattern.compile("(?i)\\bmigration destination '([^']+)'");
    /** "failed at migration source 'A'": A is the source, whichever computer logged the event. */
    private static final Pattern MIGRATION_SOURCE = Pattern.compile("(?i)\\bmigration source '([^']+)'");

    /** {@code wevtutil qe … /f:text} begins each event so, in every language: {@code Event[0]:}. */
    private static final Pattern WEVTUTIL_TEXT = Pattern.compile("Event\\[\\d+]:\\s");
    /** What to do with a file that is no event export the audit reads. */
    static final String EXPORT_HINT = "export the events with wevtutil qe <log or file.evtx> [/lf:true] /f:xml >"
            + " events.xml, or Get-WinEvent … | Export-Csv";
    /**
     * The most characters an XML export may hold without a '<': an element's text or an attribute's value (an event's
     * message and data are a few KB); a longer one is not read into memory, and the file is refused there.
     */
    static final int MAX_VALUE_CHARS = CsvInput.MAX_RECORD_CHARS;

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
            if (start.startsWith("ElfFile\0")) {
                return new ImportResult(name, "events", null, 0, 0, "an event log file (.evtx, binary), not an"
                        + " export: " + EXPORT_HINT, kept);
            }
            if (WEVTUTIL_TEXT.matcher(start).lookingAt()) {
                return new ImportResult(name, "events", null, 0, 0, "wevtutil's text output (/f:text), not read: "
                        + EXPORT_HINT, kept);
            }
            if (start.startsWith("<")) {
                format = "wevtutil XML (" + TextFiles.describe(opened) + ")";
                String error = readXml(name, reader, counted, report);
                return new ImportResult(name, "events", format, counts[0], counts[1], error, kept);
            }
            try (CsvInput csv = CsvInput.open(reader)) {
                if (csv == null) {
                    return new ImportResult(name, "events", null, 0, 0, "empty file", kept);
                }
                String id = csv.column("Id");
                if (id == null) {
                    id = csv.column("EventID");
                }
                if (id == null && csv.printedTable("TimeCreated")) {
                    return new ImportResult(name, "events", null, 0, 0, CsvInput.printedTable("an event export",
                            "Get-WinEvent … | Export-Csv …, or wevtutil qe <log> /f:xml > events.xml"), kept);
                }
                if (id == null || csv.firstColumn(List.of("Message", "MachineName")) == null) {
                    return new ImportResult(name, "events", null, 0, 0, "not an event export: neither wevtutil XML"
                            + " nor Get-WinEvent CSV (Id, MachineName, TimeCreated, Message) — header: "
                            + csv.headerShown(), kept);
                }
                format = "Get-WinEvent CSV (" + (csv.typeLine() != null ? "#TYPE, " : "")
                        + TextFiles.describe(opened) + ", " + csv.separated() + ")";
                String time = csv.firstColumn(List.of("TimeCreated", "TimeGenerated"));
                Dates.SlashOrder order = CsvInput.slashOrder(file, time);
                if (order.ambiguous()) {
                    // an event's time decides which failures a delegation change settled: no guess, and no events
                    // without times (one failure repeated would count once)
                    return new ImportResult(name, "events", format, 0, 0, "line " + order.sampleLine() + ": "
                            + order.doubt(time, "time") + ": the file is not read; export " + time + " as"
                            + " yyyy-MM-ddTHH:mm:ss (Get-WinEvent … | Select-Object @{n='" + time + "';e={'{0:s}' -f"
                            + " $_." + time + "}}, Id, ProviderName, MachineName, LevelDisplayName, Message | Export-Csv"
                            + " …) or with wevtutil qe … /f:xml", kept);
                }
                readCsv(name, csv, id, order.dayFirst(), counted, report);
            }
        } catch (IOException | UncheckedIOException e) {
            return new ImportResult(name, "events", format, counts[0], counts[1], "cannot read: "
                    + org.kcdauditor.io.IoErrors.reason(e), kept);
        }
        return new ImportResult(name, "events", format, counts[0], counts[1], null, kept);
    }

    private void readCsv(String name, CsvInput csv, String idCol, boolean dayFirst, Consumer<EventRecord> sink,
                         Consumer<ImportProblem> report) throws IOException {
        String machine = csv.firstColumn(List.of("MachineName", "PSComputerName", "Computer"));
        String time = csv.firstColumn(List.of("TimeCreated", "TimeGenerated"));
        String message = csv.column("Message");
        String provider = csv.firstColumn(List.of("ProviderName", "Source"));
        String level = csv.firstColumn(List.of("Level", "LevelDisplayName"));
        if (machine == null) {
            report.accept(new ImportProblem(name, 0, "no MachineName column: the events name no computer that logged"
                    + " them, so only those whose message names the source (\"migration source 'HV01'\") count;"
                    + " export with it: Get-WinEvent … | Select-Object TimeCreated, Id, ProviderName, MachineName,"
                    + " Message | Export-Csv …", false));
        }
        csv.each((r, line) -> {
            String idText = CsvInput.value(r, idCol);
            int id;
            try {
                id = Integer.parseInt(idText == null ? "" : idText);
            } catch (NumberFormatException e) {
                report.accept(new ImportProblem(name, line, "Id '" + idText + "' is not a number", true));
                return;
            }
            String text = CsvInput.value(r, message);
            Boolean kdc = kdc(id, CsvInput.value(r, provider), text);
            if (!ids.contains(id) || Boolean.FALSE.equals(kdc) || kdc == null && noFailure(CsvInput.value(r, level), text)) {
                return;
            }
            Instant when = null;
            try {
                when = Dates.instant(CsvInput.value(r, time), zone, dayFirst);
            } catch (IllegalArgumentException e) {
                report.accept(new ImportProblem(name, line, "TimeCreated: " + e.getMessage(), false));
            }
            sink.accept(kdc != null ? kdcEvent(CsvInput.value(r, machine), id, when, text, Map.of(), name + ":" + line)
                    : event(CsvInput.value(r, machine), id, when, text, name + ":" + line));
        }, (line, why) -> report.accept(new ImportProblem(name, line, why, true)));
    }

    /**
     * Whether a Hyper-V event of a configured id is no failure: logged as Information or Verbose (level 4 or 5, in
     * wevtutil's {@code System/Level} or Get-WinEvent's {@code Level}; {@code LevelDisplayName} "Information" in the languages that begin it with "Inform"), or, where
     * no level was exported, worded as a migration that started or succeeded ({@link #STARTED_OR_SUCCEEDED}) and not as a failure.
     */
    static boolean noFailure(String level, String message) {
        String l = level == null ? "" : level.strip();
        // LevelDisplayName in the exporting system's language: Information, Informationen, Informazioni, Información…
        if (l.equals("4") || l.equals("5") || l.regionMatches(true, 0, "inform", 0, 6) || l.equalsIgnoreCase("Verbose")) {
            return true;
        }
        return l.isEmpty() && message != null && STARTED_OR_SUCCEEDED.matcher(message).find()
                && !message.toLowerCase(Locale.ROOT).contains("fail"); // 21502 quotes the start beside its failure
    }

    private String readXml(String name, Reader body, Consumer<EventRecord> sink, Consumer<ImportProblem> report)
            throws IOException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        int nth = 0;
        int seen = 0;
        String root = null;
        try {
            XMLStreamReader x = f.createXMLStreamReader(new WrappedReader(body));
            String computer = null;
            String id = null;
            String time = null;
            String rendered = null;
            String data = "";
            String provider = null;
            String level = null;
            Map<String, String> named = new HashMap<>();
            // UserData (the Hyper-V-VMMS log's VmlEventLog): its leaf elements, name and text, in order
            List<String[]> userData = new ArrayList<>();
            boolean inUserData = false;
            String leaf = null;
            StringBuilder leafText = new StringBuilder();
            int line = 0;
            while (x.hasNext()) {
                int ev = x.next();
                if (inUserData && leaf != null && (ev == XMLStreamConstants.CHARACTERS
                        || ev == XMLStreamConstants.CDATA)) {
                    leafText.append(x.getText());
                    continue;
                }
                if (ev != XMLStreamConstants.START_ELEMENT && ev != XMLStreamConstants.END_ELEMENT) {
                    continue;
                }
                String local = x.getLocalName();
                if (ev == XMLStreamConstants.START_ELEMENT && root == null && !local.equals("kcdEvents")) {
                    root = local;
                }
                if (ev == XMLStreamConstants.START_ELEMENT && inUserData) {
                    // a leaf of UserData (VmlEventLog's VmName, ErrorCode, …), whatever its name: never the event's
                    // own Level, Computer, Provider or Message
                    leaf = local;
                    leafText.setLength(0);
                } else if (ev == XMLStreamConstants.START_ELEMENT) {
                    switch (local) {
                        case "Event" -> {
                            computer = null;
                            id = null;
                            time = null;
                            rendered = null;
                            data = "";
                            provider = null;
                            level = null;
                            named.clear();
                            userData.clear();
                            inUserData = false;
                            leaf = null;
                            nth++;
                            line = x.getLocation().getLineNumber();
                        }
                        case "EventID" -> id = x.getElementText().trim();
                        case "Level" -> {
                            // System/Level (a number) comes first; RenderingInfo/Level (/f:RenderedXml) is its
                            // name in the system's language ("Informationen"), which must not replace it
                            String l = x.getElementText().trim();
                            level = level == null ? l : level;
                        }
                        case "Computer" -> computer = x.getElementText().trim();
                        case "TimeCreated" -> time = x.getAttributeValue(null, "SystemTime");
                        case "Provider" -> {
                            // System/Provider's Name; RenderingInfo/Provider (/f:RenderedXml) has none, only text
                            String n = x.getAttributeValue(null, "Name");
                            provider = n != null ? n : provider;
                        }
                        case "Data" -> {
                            String field = x.getAttributeValue(null, "Name");
                            // 21502's message is its %3: the longest Data value is the error text
                            String t = x.getElementText().trim();
                            if (field != null && !t.isEmpty()) {
                                named.putIfAbsent(field.toLowerCase(Locale.ROOT), t);
                            }
                            if (t.length() > data.length()) {
                                data = t;
                            }
                        }
                        case "Message" -> rendered = x.getElementText().trim();
                        case "UserData" -> inUserData = true;
                        default -> {
                        }
                    }
                } else if (inUserData) {
                    if (local.equals("UserData")) {
                        inUserData = false;
                    } else if (local.equals(leaf) && !leafText.toString().isBlank()) {
                        String t = leafText.toString().trim();
                        userData.add(new String[]{local, t});
                        named.putIfAbsent(local.toLowerCase(Locale.ROOT), t);
                    }
                    leaf = null;
                    leafText.setLength(0);
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
                    String text = rendered != null ? rendered : !data.isEmpty() || userData.isEmpty() ? data
                            : userDataText(userData);
                    Boolean kdc = kdc(eid, provider, text);
                    if (!ids.contains(eid) || Boolean.FALSE.equals(kdc) || kdc == null && noFailure(level, text)) {
                        continue;
                    }
                    Instant when = null;
                    try {
                        when = Dates.instant(time, zone);
                    } catch (IllegalArgumentException e) {
                        report.accept(new ImportProblem(name, line, "SystemTime: " + e.getMessage(), false));
                    }
                    sink.accept(kdc != null ? kdcEvent(computer, eid, when, rendered, named, name + ":" + line)
                            : event(computer, eid, when, text, name + ":" + line));
                }
            }
        } catch (XMLStreamException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNumber();
            String why = e.getMessage() == null ? "malformed XML" : e.getMessage().lines()
                    .filter(l -> !l.startsWith("ParseError")).findFirst().orElse("malformed XML")
                    .replaceFirst("^Message: ", ""); // the JDK's parser: "ParseError at [row,col]:[…]\nMessage: …"
            if (seen == 0) {
                return "not an event export: " + (line > 0 ? "line " + line + ": " : "") + why.strip();
            }
            report.accept(new ImportProblem(name, line, "malformed XML, rest of file not read: " + why.strip(), true));
        }
        if (seen == 0) {
            return "Objs".equals(root) ? "a PowerShell Export-Clixml file, not an event export: " + EXPORT_HINT
                    : "Objects".equals(root) ? "a PowerShell ConvertTo-Xml file, not an event export: " + EXPORT_HINT
                    : "not an event export: no <Event> element found; " + EXPORT_HINT;
        }
        return null;
    }

    /**
     * The message of an event whose data is in {@code UserData} and that was exported without its rendered message
     * (plain {@code wevtutil qe … /f:xml} of the Hyper-V-VMMS log): its fields as {@code name: value}, the VM's id
     * left out, and an unrendered message id {@code %%2148074254} followed by the HRESULT it is ({@code 0x8009030E}),
     * so that the failure is classified by it.
     */
    static String userDataText(List<String[]> fields) {
        StringBuilder sb = new StringBuilder();
        for (String[] f : fields) {
            if (GUID.matcher(f[1]).matches()) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(f[0]).append(": ").append(f[1]);
            Matcher m = MESSAGE_ID.matcher(f[1]);
            if (m.matches() && hresult(sb.toString()) == null) {
                long v = Long.parseLong(m.group(1));
                if (v >= 0x80000000L && v <= 0xFFFFFFFFL) {
                    sb.append(String.format(Locale.ROOT, " (0x%08X)", v));
                }
            }
        }
        return sb.toString();
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
            Matcher at = MIGRATION_DESTINATION.matcher(msg);
            String named = at.find() ? shortName(at.group(1)) : null;
            String other = null; // the host the message names beside the migration destination ("with host 'A'")
            for (Pattern p : DESTINATION) {
                Matcher m = p.matcher(msg);
                while (m.find()) {
                    String n = shortName(m.group(1));
                    if (named == null || !n.equalsIgnoreCase(named)) {
                        other = n;
                        break;
                    }
                }
                if (other != null) {
                    break;
                }
            }
            Matcher from = MIGRATION_SOURCE.matcher(msg);
            String namedSource = from.find() ? shortName(from.group(1)) : null;
            if (named != null && named.equalsIgnoreCase(host) && other != null && !other.equalsIgnoreCase(host)) {
                // a failure at the destination, logged there: the host it names ("with host 'A'") is the source
                source = other;
                destination = named;
            } else {
                destination = named != null ? named : other;
            }
            if (namedSource != null) {
                source = namedSource; // "failed at migration source 'A'", also in an export without MachineName
            }
            if (destination != null && destination.equalsIgnoreCase(source)) {
                destination = null; // logged on the destination itself: the message names no source, so no pair
            }
        }
        String hresult = hresult(msg);
        return new EventRecord(host, id, when, source, destination, EventClassification.of(msg, hresult), hresult,
                clip(msg), origin);
    }

    /**
     * The HRESULT that says why: the first code of the troubleshooting table ({@link EventClassification#knows}) in
     * any form Windows writes it ({@link #HRESULT_FORMS}), as {@code 0x8009030E}; else the first {@code 0x} code
     * (E_FAIL before the code that says why, a zero status); null when there is none. A negative number or bare hex
     * digits count only as a code of the table: a size or a plain number is no HRESULT.
     */
    static String hresult(String message) {
        String first = null;
        Matcher m = HRESULT_FORMS.matcher(message);
        while (m.find()) {
            String code;
            if (m.group(2) != null) {
                long v = Long.parseLong(m.group(2));
                if (v < Integer.MIN_VALUE) {
                    continue;
                }
                code = String.format(Locale.ROOT, "0x%08X", (int) v);
            } else {
                code = "0x" + (m.group(1) != null ? m.group(1) : m.group(3)).toUpperCase(Locale.ROOT);
            }
            if (EventClassification.knows(code)) {
                return code;
            }
            if (first == null && m.group(1) != null) {
                first = code;
            }
        }
        return first;
    }

    /**
     * For ids 201–209: TRUE when the event comes from the Key Distribution Center, FALSE when it comes from
     * another provider (not one the audit reads); null for other ids.
     */
    static Boolean kdc(int id, String provider, String message) {
        if (id < EventClassification.KDC_FIRST || id > EventClassification.KDC_LAST) {
            return null;
        }
        if (provider != null && !provider.isBlank()) {
            String p = provider.strip().toLowerCase(Locale.ROOT);
            return p.contains("kerberos-key-distribution-center") || p.equals("kdcsvc") || p.equals("kdc");
        }
        return message != null && message.stripLeading().startsWith("The Key Distribution Center");
    }

    /** A KDCSVC event: logged by a DC, about an account and a service; no migration source or destination. */
    static EventRecord kdcEvent(String computer, int id, Instant when, String message, Map<String, String> data,
                                String origin) {
        String msg = message == null ? "" : message.strip();
        String account = field(msg, ACCOUNT_LINE, data, ACCOUNT_FIELDS);
        String service = field(msg, SERVICE_LINE, data, SERVICE_FIELDS);
        if (msg.isEmpty()) {
            msg = "KDCSVC event " + id + (account == null ? "" : ", account " + account)
                    + (service == null ? "" : ", service " + service);
        }
        return new EventRecord(shortName(computer), id, when, null, null, EventClassification.kdc(id), null, clip(msg),
                origin, account, service);
    }

    /** The value of the message line {@code line}, else of the first named Data field in {@code names}. */
    private static String field(String message, Pattern line, Map<String, String> data, List<String> names) {
        Matcher m = line.matcher(message);
        if (m.find() && !m.group(1).equals("-")) {
            return m.group(1);
        }
        for (String n : names) {
            String v = data.get(n.toLowerCase(Locale.ROOT));
            if (v != null && !v.equals("-")) {
                return v;
            }
        }
        return null;
    }

    private static String clip(String msg) {
        return msg.length() > 4000 ? msg.substring(0, 3999) + "…" : msg;
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
        /** Characters read since the last '<' (a text or attribute value runs up to the next one): bounded. */
        private int sinceTag;

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
                    for (int i = off; i < off + n; i++) {
                        sinceTag = buf[i] == '<' ? 0 : sinceTag + 1;
                        if (sinceTag > MAX_VALUE_CHARS) {
                            throw new IOException("no '<' within " + (MAX_VALUE_CHARS >> 20) + " M characters, more"
                                    + " than any value of an event holds: " + EXPORT_HINT);
                        }
                    }
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
