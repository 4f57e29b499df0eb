package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.kcdauditor.config.EventsConfig;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventImporterTest {
    static final Path FIXTURES = Path.of("src/test/resources/inventory");

    private final List<EventRecord> events = new ArrayList<>();
    private final List<ImportProblem> problems = new ArrayList<>();

    private ImportResult read(String fixture, List<Integer> ids) {
        return new EventImporter(ids, ZoneOffset.UTC).read(FIXTURES.resolve(fixture), events::add, problems::add);
    }

    private ImportResult readWithDefaultIds(Path file) {
        return new EventImporter(EventsConfig.DEFAULT_IDS, ZoneOffset.UTC).read(file, events::add, problems::add);
    }

    /** A VMMS event of HV01 logged at 2026-11-20 10:00 UTC, its UserData the given leaves, without its closing tag. */
    private static String vmms(int id, int level, String userData) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Hyper-V-VMMS'/><EventID>" + id + "</EventID><Level>" + level + "</Level>"
                + "<TimeCreated SystemTime='2026-11-20T10:00:00.0000000Z'/><Computer>HV01.contoso.com</Computer>"
                + "</System><UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'>"
                + userData + "</VmlEventLog></UserData>";
    }

    @Test
    void wevtutilXmlWithoutRootElement() {
        ImportResult r = read("wevtutil-ha.xml", List.of(21502, 22038));
        assertNull(r.error());
        assertEquals(3, r.records(), "event 1069 is not a configured id");
        EventRecord e = events.get(0);
        assertEquals("HV02", e.host());
        assertEquals(21502, e.eventId());
        assertEquals(Instant.parse("2023-11-15T09:12:44.1234567Z"), e.timeCreated());
        assertEquals("HV02", e.sourceHost());
        assertEquals("HV03", e.destinationHost());
        assertEquals(EventClassification.NO_CREDENTIALS, e.classification());
        assertEquals("0x8009030E", e.hresult());
        EventRecord unknown = events.get(2);
        assertEquals(22038, unknown.eventId());
        assertEquals("HV01", unknown.destinationHost(), "hv01.contoso.com shortened");
        assertEquals(EventClassification.TARGET_UNKNOWN, unknown.classification());
    }

    /**
     * The Hyper-V-VMMS log's events carry their data in {@code UserData/VmlEventLog}, not in {@code EventData}: plain
     * {@code wevtutil qe … /f:xml} (no rendered message) gives the HRESULT as {@code ErrorCode} and the message as its
     * unrendered id ({@code %%2148074254}, the HRESULT in decimal). The failure is classified by them, and the
     * message says what the event holds (not the VM's id).
     */
    @Test
    void vmmsUserDataWithoutARenderedMessageIsClassifiedByItsErrorCode(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("hv01-vmms.xml");
        java.nio.file.Files.writeString(file, """
                <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS' Guid='{6066F867-7CA1-4418-85FD-36E3F9C0600C}'/><EventID>21502</EventID><Version>0</Version><Level>2</Level><TimeCreated SystemTime='2026-11-20T10:00:00.0000000Z'/><Channel>Microsoft-Windows-Hyper-V-VMMS-Admin</Channel><Computer>HV01.contoso.com</Computer><Security UserID='S-1-5-18'/></System><UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'><VmName>SQL01</VmName><VmId>8F233F6C-28E0-44B7-8A16-C57D0D72DB61</VmId><ErrorMessage>%%2148074254</ErrorMessage><ErrorCode>0x8009030E</ErrorCode></VmlEventLog></UserData></Event>
                <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS'/><EventID>22038</EventID><TimeCreated SystemTime='2026-11-20T10:05:00.0000000Z'/><Computer>HV01.contoso.com</Computer></System><UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'><VmName>SQL02</VmName><VmId>D5C4A602-CC4A-41B7-BFCB-85359B37E457</VmId><ErrorMessage>%%2147952460</ErrorMessage></VmlEventLog></UserData></Event>
                """);
        ImportResult r = new EventImporter(List.of(21502, 22038), ZoneOffset.UTC).read(file, events::add,
                problems::add);
        assertNull(r.error());
        assertEquals(2, events.size());
        assertEquals("0x8009030E", events.get(0).hresult());
        assertEquals(EventClassification.NO_CREDENTIALS, events.get(0).classification());
        assertTrue(events.get(0).message().contains("SQL01"), events.get(0).message());
        assertFalse(events.get(0).message().contains("8F233F6C"), events.get(0).message());
        assertEquals("0x8007274C", events.get(1).hresult(), "%%2147952460 is 0x8007274C");
        assertEquals(EventClassification.NETWORK, events.get(1).classification());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * Event 20413 is also what VMMS logs, as Information, when it starts a live migration that then succeeds ("The
     * Virtual Machine Management Service initiated the live migration of virtual machine …"): a whole log exported
     * with the default ids must not make every migration a failure. Level 4 (Information) and 5 (Verbose), in
     * wevtutil's System/Level or Get-WinEvent's Level column, and that wording where no level was exported, are no
     * failures; an Error or Warning 20413 (a configuration not registered at the destination) still is.
     */
    @Test
    void informationalEventsAreNoFailures(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path xml = dir.resolve("hv01-vmms.xml");
        String event = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Hyper-V-VMMS'/><EventID>20413</EventID><Level>%s</Level><TimeCreated"
                + " SystemTime='2026-11-20T10:00:00.0000000Z'/><Computer>HV01.contoso.com</Computer></System><EventData>"
                + "<Data Name='Message'>%s</Data></EventData></Event>\n";
        java.nio.file.Files.writeString(xml, String.format(event, "4", "The Virtual Machine Management Service"
                + " initiated the live migration of virtual machine 'SQL01' to destination host 'HV02' (VMID 8F23).")
                + String.format(event, "2", "The Virtual Machine Management Service failed to register the"
                + " configuration for the virtual machine at 'C:\\VMs': The system cannot find the path specified."
                + " (0x80070003). Virtual machine migration operation for 'SQL01' failed at migration destination"
                + " 'HV02'."));
        assertNull(readWithDefaultIds(xml).error());
        assertEquals(1, events.size(), events.toString());
        assertTrue(events.get(0).message().contains("failed to register"), events.toString());
        events.clear();
        Path csv = dir.resolve("hv01.csv");
        java.nio.file.Files.writeString(csv, """
                "TimeCreated","Id","Level","LevelDisplayName","MachineName","Message"
                "11/20/2026 10:00:00 AM","20413","4","Information","HV01.contoso.com","The Virtual Machine Management Service initiated the live migration of virtual machine 'SQL01' to destination host 'HV02' (VMID 8F23)."
                "11/20/2026 10:01:00 AM","21502","2","Error","HV01.contoso.com","Live migration of 'SQL01' failed. Failed to establish a connection with host 'HV02': No credentials are available in the security package (0x8009030E)."
                """);
        readWithDefaultIds(csv);
        assertEquals(List.of(21502), events.stream().map(EventRecord::eventId).toList(), events.toString());
        events.clear();
        Path selected = dir.resolve("selected.csv"); // Select-Object TimeCreated, Id, MachineName, Message: no level
        java.nio.file.Files.writeString(selected, """
                "TimeCreated","Id","MachineName","Message"
                "11/20/2026 10:00:00 AM","20413","HV01.contoso.com","The Virtual Machine Management Service initiated the live migration of virtual machine 'SQL01' to destination host 'HV02' (VMID 8F23)."
                "11/20/2026 10:05:00 AM","21502","HV01.contoso.com","Live migration of 'SQL01' failed. Virtual machine migration operation for 'SQL01' failed at migration source 'HV01'. The Virtual Machine Management Service initiated the live migration of virtual machine 'SQL01' to destination host 'HV02'."
                """);
        readWithDefaultIds(selected);
        assertEquals(List.of(21502), events.stream().map(EventRecord::eventId).toList(),
                "the start's wording alone is no failure; quoted beside a failure it is: " + events);
    }

    /**
     * wevtutil qe … /f:RenderedXml writes the level twice: System/Level (4) and, after it, RenderingInfo/Level in the
     * system's language ("Informationen" on de-DE). The number decides: a German start of a move (20413, level 4,
     * message in German) is no failure.
     */
    @Test
    void theRenderedLevelInAnotherLanguageDoesNotHideTheSystemLevel(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path xml = dir.resolve("hv01-vmms-rendered.xml");
        java.nio.file.Files.writeString(xml, vmms(20413, 4, "<VmName>SQL01</VmName>")
                + "<RenderingInfo Culture='de-DE'><Message>Der"
                + " Verwaltungsdienst für virtuelle Computer hat die Livemigration des virtuellen Computers 'SQL01'"
                + " zum Zielhost 'HV02' initiiert.</Message><Level>Informationen</Level><Task></Task><Opcode>Info"
                + "</Opcode><Channel>Microsoft-Windows-Hyper-V-VMMS-Admin</Channel><Provider></Provider>"
                + "</RenderingInfo></Event>\n");
        assertNull(readWithDefaultIds(xml).error());
        assertEquals(List.of(), events, "System/Level 4 is Information, whatever RenderingInfo calls it");
    }

    @Test
    void aGermanLevelDisplayNameAndAUserDataLeafNamedLikeASystemFieldAreReadAsWhatTheyAre(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path csv = dir.resolve("de.csv"); // Select-Object TimeCreated, Id, LevelDisplayName, MachineName, Message
        java.nio.file.Files.writeString(csv, """
                "TimeCreated";"Id";"LevelDisplayName";"MachineName";"Message"
                "20.11.2026 10:00:00";"20413";"Informationen";"HV01.contoso.com";"Der Verwaltungsdienst für virtuelle Computer hat die Livemigration des virtuellen Computers 'SQL01' zum Zielhost 'HV02' initiiert."
                "20.11.2026 10:01:00";"21502";"Fehler";"HV01.contoso.com";"Fehler bei der Livemigration von 'SQL01' (0x8009030E)."
                """);
        readWithDefaultIds(csv);
        assertEquals(List.of(21502), events.stream().map(EventRecord::eventId).toList(), events.toString());
        events.clear();
        Path xml = dir.resolve("vmms.xml");
        java.nio.file.Files.writeString(xml, vmms(21502, 2, "<VmName>SQL01</VmName><Computer>HV09</Computer>"
                + "<Level>4</Level><ErrorCode>0x8009030E</ErrorCode>") + "</Event>");
        readWithDefaultIds(xml);
        assertEquals(1, events.size(), "UserData's Level is not the event's: " + events);
        assertEquals("HV01", events.get(0).host(), "UserData's Computer is not the event's: " + events);
    }

    @Test
    void theDestinationIsReadFromMigrationDestinationToo() {
        String message = "Live migration of 'Virtual Machine SQL01' failed. Virtual machine migration operation for"
                + " 'SQL01' failed at migration destination 'HV03'. (Virtual machine ID 1A2B)";
        EventRecord e = EventImporter.event("HV02.contoso.com", 21502, Instant.parse("2026-11-18T02:14:09Z"), message,
                "x.xml:1");
        assertEquals("HV02", e.sourceHost(), "the logging computer, as the message names no source");
        assertEquals("HV03", e.destinationHost());
        EventRecord there = EventImporter.event("HV03.contoso.com", 21502, Instant.parse("2026-11-18T02:14:09Z"),
                message, "x.xml:2");
        assertNull(there.destinationHost(), "logged on the destination: no pair HV03 -> HV03");
    }

    /**
     * A failure at the destination names the destination as "migration destination 'B'" and the other side as
     * "with host 'A'": logged on B, A is the source (not the destination: no pair B -> A); logged on A, B is the
     * destination (not "no pair" because the message's "with host" names the logging computer).
     */
    @Test
    void aFailureAtTheDestinationNamesItsSourceWithHost() {
        String message = "Live migration of 'Virtual Machine SQL01' failed. Virtual machine migration operation for"
                + " 'SQL01' failed at migration destination 'HV03'. (Virtual machine ID 1A2B) The Virtual Machine"
                + " Management Service failed to authenticate a connection for a Virtual Machine migration with host"
                + " 'HV02': No credentials are available in the security package (0x8009030E).";
        EventRecord there = EventImporter.event("HV03.contoso.com", 21502, Instant.parse("2026-11-18T02:14:09Z"),
                message, "x.xml:1");
        assertEquals("HV02", there.sourceHost(), "logged on the destination: the host it names is the source");
        assertEquals("HV03", there.destinationHost());
        EventRecord here = EventImporter.event("HV02.contoso.com", 21502, Instant.parse("2026-11-18T02:14:09Z"),
                message, "x.xml:2");
        assertEquals("HV02", here.sourceHost());
        assertEquals("HV03", here.destinationHost());
    }

    /**
     * "failed at migration source 'A'" names the source: an export without MachineName (Select TimeCreated, Id,
     * Message) still gives the pair, and an event logged on the destination whose "with host" names itself too.
     */
    @Test
    void migrationSourceNamesTheSource() {
        String message = "Virtual machine migration operation for 'SQL01' failed at migration source 'HV01'. (Virtual"
                + " machine ID 1A2B) Failed to establish a connection with host 'HV02': No credentials are available in"
                + " the security package (0x8009030E).";
        EventRecord none = EventImporter.event(null, 21502, null, message, "x.csv:3");
        assertEquals("HV01", none.sourceHost(), "no logging computer: the message names the source");
        assertEquals("HV02", none.destinationHost());
        EventRecord there = EventImporter.event("HV03", 21502, null, "Virtual machine migration operation for 'SQL01'"
                + " failed at migration source 'HV02'. Failed to receive data for a Virtual Machine migration with host"
                + " 'HV03': The security context could not be established.", "x.csv:4");
        assertEquals("HV02", there.sourceHost());
        assertEquals("HV03", there.destinationHost());
    }

    @Test
    void theMessageIsTheErrorTextNotTheVmName() {
        read("wevtutil-ha.xml", List.of(21502));
        assertTrue(events.get(0).message().startsWith("Live migration of 'Virtual Machine SQL01' failed."),
                events.get(0).message());
    }

    @Test
    void externalEntitiesAreNeverResolved(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path secret = tmp.resolve("secret.txt");
        java.nio.file.Files.writeString(secret, "TOP-SECRET");
        Path xml = tmp.resolve("xxe.xml");
        java.nio.file.Files.writeString(xml, "<?xml version='1.0'?><!DOCTYPE Event [<!ENTITY x SYSTEM '"
                + secret.toUri() + "'>]><Event><System><EventID>21502</EventID><Computer>HV01</Computer></System>"
                + "<EventData><Data>&x; with host 'HV02'</Data></EventData></Event>");
        ImportResult r = new EventImporter(List.of(21502), ZoneOffset.UTC).read(xml, events::add, problems::add);
        assertTrue(events.stream().noneMatch(e -> e.message().contains("TOP-SECRET")), events.toString());
        assertTrue(r.failed() || events.isEmpty() || !events.get(0).message().contains("TOP-SECRET"));
    }

    @Test
    void otherIdsAreConfigurable() {
        read("wevtutil-ha.xml", List.of(1069));
        assertEquals(1, events.size());
        assertEquals(1069, events.get(0).eventId());
    }

    @Test
    void renderedXmlWithDeclarationRootAndMessage() {
        ImportResult r = read("wevtutil-rendered.xml", List.of(21502));
        assertNull(r.error());
        EventRecord e = events.get(0);
        assertEquals("HV12", e.sourceHost());
        assertEquals("HV13", e.destinationHost());
        assertEquals(EventClassification.NETWORK, e.classification(), "0x80072746: connection reset");
        assertTrue(e.message().startsWith("Live migration of 'Virtual Machine APP07' failed."), e.message());
    }

    @Test
    void getWinEventCsvUtf16WithMultiLineMessages() {
        ImportResult r = read("winevent-utf16.csv", List.of(21502, 22038));
        assertNull(r.error());
        assertTrue(r.format().startsWith("Get-WinEvent CSV (#TYPE, UTF-16LE with BOM"), r.format());
        assertEquals(2, events.size());
        assertEquals("HV01", events.get(0).sourceHost());
        assertEquals("HV03", events.get(0).destinationHost());
        assertEquals(Instant.parse("2023-11-15T09:12:44Z"), events.get(0).timeCreated());
        assertEquals(EventClassification.ACCESS_DENIED, events.get(1).classification());
        assertEquals("HV02", events.get(1).destinationHost());
        assertNull(events.get(1).timeCreated());
        assertTrue(problems.get(0).reason().startsWith("TimeCreated: date 'bogus date' not understood"));
    }

    @Test
    void zonelessCsvTimesAreReadInTheConfiguredZoneAndXmlSystemTimeKeepsItsOwn() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        new EventImporter(List.of(21502, 22038), berlin).read(FIXTURES.resolve("winevent-utf16.csv"), events::add,
                problems::add);
        assertEquals(Instant.parse("2023-11-15T08:12:44Z"), events.get(0).timeCreated(), "09:12:44 CET is 08:12:44Z");
        events.clear();
        new EventImporter(List.of(21502), berlin).read(FIXTURES.resolve("wevtutil-ha.xml"), events::add,
                problems::add);
        assertEquals(Instant.parse("2023-11-15T09:12:44.1234567Z"), events.get(0).timeCreated(),
                "SystemTime carries its Z");
    }

    /**
     * Export-Csv writes TimeCreated in the exporting host's culture: en-GB and fr-FR put the day first with '/'. A
     * day above 12 in the file tells its order, as for patch exports, so 05/11 is the 5th of November there, not
     * the 11th of May.
     */
    @Test
    void dayFirstSlashTimesOfACsvExportAreReadInTheFilesOrder(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("hv01-en-gb.csv");
        java.nio.file.Files.writeString(file, """
                "Message","Id","ProviderName","MachineName","TimeCreated"
                "Failed with host 'HV02' (0x8009030E).","21502","Microsoft-Windows-Hyper-V-VMMS","HV01","05/11/2026 22:02:11"
                "Failed with host 'HV02' (0x8009030E).","21502","Microsoft-Windows-Hyper-V-VMMS","HV01","16/11/2026 09:02:11"
                """);
        ImportResult r = new EventImporter(List.of(21502), ZoneOffset.UTC).read(file, events::add, problems::add);
        assertNull(r.error());
        assertEquals(Instant.parse("2026-11-05T22:02:11Z"), events.get(0).timeCreated());
        assertEquals(Instant.parse("2026-11-16T09:02:11Z"), events.get(1).timeCreated());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /** fi-FI writes the time with dots ({@code 19.11.2026 9.41.02}): a time, read to the second. */
    @Test
    void finnishDottedTimesOfACsvExportAreRead(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("hv01-fi.csv");
        java.nio.file.Files.writeString(file, """
                "Message";"Id";"MachineName";"TimeCreated"
                "Failed with host 'HV02' (0x8009030E).";"21502";"HV01";"19.11.2026 9.41.02"
                """);
        new EventImporter(List.of(21502), ZoneOffset.UTC).read(file, events::add, problems::add);
        assertEquals(Instant.parse("2026-11-19T09:41:02Z"), events.get(0).timeCreated());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * {@code Select TimeCreated, Id, Message | Export-Csv} leaves out MachineName: the events name no logging computer,
     * so only those whose message names the source count. One warning names the file and says how to export it.
     */
    @Test
    void aCsvExportWithoutMachineNameIsAWarning(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("hv01.csv");
        java.nio.file.Files.writeString(file, """
                "TimeCreated","Id","Message"
                "2026-11-19 22:02:11","21502","failed at migration source 'HV01'. Failed with host 'HV02' (0x8009030E)."
                "2026-11-19 22:03:11","21502","Failed with host 'HV02' (0x8009030E)."
                """);
        new EventImporter(List.of(21502), ZoneOffset.UTC).read(file, events::add, problems::add);
        assertEquals(2, events.size());
        assertEquals("HV01", events.get(0).sourceHost());
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(0, problems.get(0).line());
        assertFalse(problems.get(0).skipped());
        assertTrue(problems.get(0).reason().startsWith("no MachineName column: the events name no computer that"
                + " logged them"), problems.get(0).reason());
    }

    /**
     * Where no time tells the order, the file is refused at that time's line (it was read month-first with a warning:
     * 11 May for en-GB's 5 November); a time the two orders read alike (05/05) is read.
     */
    @Test
    void slashTimesThatDoNotTellTheirOrderRefuseTheFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("hv01.csv");
        java.nio.file.Files.writeString(file, """
                "Message","Id","MachineName","TimeCreated"
                "Failed with host 'HV02' (0x8009030E).","21502","HV01","05/05/2026 22:02:11"
                "Failed with host 'HV02' (0x8009030E).","21502","HV01","05/11/2026 22:02:11"
                """);
        ImportResult r = new EventImporter(List.of(21502), ZoneOffset.UTC).read(file, events::add, problems::add);
        assertTrue(events.isEmpty(), events.toString());
        assertTrue(r.error().startsWith("line 3: TimeCreated '05/11/2026 22:02:11' may be day-first (5 November) or"
                + " month-first (11 May), and no time of the file tells which: the file is not read"), r.error());
        java.nio.file.Files.writeString(file, """
                "Message","Id","MachineName","TimeCreated"
                "Failed with host 'HV02' (0x8009030E).","21502","HV01","05/05/2026 22:02:11"
                """);
        assertNull(new EventImporter(List.of(21502), ZoneOffset.UTC).read(file, events::add, problems::add).error());
        assertEquals(Instant.parse("2026-05-05T22:02:11Z"), events.get(0).timeCreated());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void classificationByWording() {
        assertEquals(EventClassification.SECURITY_CONTEXT,
                EventClassification.of("could not establish a security context", null));
        assertEquals(EventClassification.NO_CREDENTIALS,
                EventClassification.of("No credentials are available in the security package", null));
        assertEquals(EventClassification.ACCESS_DENIED,
                EventClassification.of("General access denied error (0x80070005)", "0x80070005"));
        assertEquals(EventClassification.WRONG_PRINCIPAL,
                EventClassification.of("The target principal name is incorrect.", null));
    }

    @Test
    void failuresBeyondDelegationAreClassifiedByHresult() {
        List<Integer> ids = List.of(21502, 22038, 20413, 21125, 21501, 20306, 21024);
        ImportResult r = read("migration-hresults.csv", ids);
        assertNull(r.error());
        assertEquals(List.of(EventClassification.NETWORK, EventClassification.WRONG_PRINCIPAL,
                EventClassification.MEMORY, EventClassification.LOGON_RIGHT, EventClassification.ATTACHED_ISO,
                EventClassification.CLUSTER, EventClassification.UNKNOWN_CREDENTIALS, EventClassification.OTHER),
                events.stream().map(EventRecord::classification).toList());
        assertEquals(List.of(21502, 20413, 21125, 21501, 20306, 21024, 21502, 21502),
                events.stream().map(EventRecord::eventId).toList());
        assertEquals("0x8007274D", events.get(0).hresult());
        assertEquals("HV02", events.get(0).destinationHost());
        assertFalse(events.get(0).classification().delegationCanExplain());
        assertTrue(events.get(0).classification().check().contains("6600"));
        assertTrue(events.get(1).classification().delegationCanExplain(), "SPN on the wrong account: Kerberos");
        assertTrue(events.get(6).classification().delegationCanExplain());
        assertFalse(events.get(2).classification().delegationCanExplain());
        assertTrue(events.stream().noneMatch(EventRecord::kdc));
    }

    /**
     * Windows writes an HRESULT in more than one form: {@code 0x8009030E}, {@code 0X8009030E}, as the signed 32-bit
     * integer an Int32 event field holds ({@code -2146893042}), or as bare hex digits ({@code Error 8009030E}); and
     * a message may name a generic code (E_FAIL {@code 0x80004005}, a zero status) before the one that says why. The
     * code of the troubleshooting table decides in every form; a GUID's first group or a plain number is no code.
     */
    @Test
    void anHresultIsReadInEveryFormWindowsWritesAndTheTablesCodeDecides() {
        String[][] cases = {
                {"No credentials are available in the security package (0X8009030E).", "0x8009030E", "NO_CREDENTIALS"},
                {"The operation failed with error -2146893042.", "0x8009030E", "NO_CREDENTIALS"},
                {"ErrorCode: -2147014836", "0x8007274C", "NETWORK"},
                {"Failed to establish a connection: Error 8009030E.", "0x8009030E", "NO_CREDENTIALS"},
                {"The operation failed (0x80004005). The connection was aborted (0x8007274C).", "0x8007274C", "NETWORK"},
                {"Status 0x00000000; the target principal name is incorrect (0x80090322)", "0x80090322",
                        "WRONG_PRINCIPAL"},
                {"Unspecified error (0x80004005).", "0x80004005", "OTHER"},
                {"VM {80070569-28E0-44B7-8A16-C57D0D72DB61} moved 2147014836 bytes, -1069940716x.", null, "OTHER"}};
        for (String[] c : cases) {
            EventRecord e = EventImporter.event("HV01.contoso.com", 21502, null, "Live migration with host 'HV02'"
                    + " failed. " + c[0], "x:1");
            assertEquals(c[1], e.hresult(), c[0]);
            assertEquals(EventClassification.valueOf(c[2]), e.classification(), c[0]);
        }
    }

    @Test
    void theDefaultIdsReadTheNewHyperVEvents() {
        read("migration-hresults.csv", EventsConfig.DEFAULT_IDS);
        assertEquals(8, events.size());
    }

    @Test
    void kdcsvcEventsOfDomainControllersKeepTheirAccountAndService() {
        ImportResult r = read("kdcsvc-system.xml", EventsConfig.DEFAULT_IDS);
        assertNull(r.error());
        assertEquals(3, events.size(), "205 of the Time-Service is not a KDC event");
        EventRecord noKeys = events.get(0);
        assertTrue(noKeys.kdc());
        assertEquals("DC1", noKeys.host());
        assertEquals(202, noKeys.eventId());
        assertEquals(EventClassification.KDC_NO_AES_KEYS, noKeys.classification());
        assertEquals("HV01$", noKeys.accountName());
        assertEquals("NAS01$", noKeys.serviceName());
        assertNull(noKeys.sourceHost(), "a DC's event has no migration source");
        assertNull(noKeys.destinationHost());
        assertTrue(noKeys.message().startsWith("The Key Distribution Center (KDC) detected RC4 usage"));
        EventRecord insecure = events.get(1);
        assertEquals(EventClassification.KDC_INSECURE_DEFAULT, insecure.classification());
        assertNull(insecure.accountName());
        EventRecord blocked = events.get(2);
        assertEquals(EventClassification.KDC_NO_AES_KEYS, blocked.classification());
        assertEquals("HV13$", blocked.accountName(), "plain wevtutil XML: from the named Data fields");
        assertEquals("cifs/nas01.contoso.com", blocked.serviceName());
        assertEquals("KDCSVC event 204, account HV13$, service cifs/nas01.contoso.com", blocked.message());
    }

    /**
     * /f:RenderedXml ends each event with RenderingInfo, whose Provider element names the provider as text, without the
     * Name attribute of System/Provider: that must not make a KDC event of a German DC (message in German) one of
     * another provider, dropped.
     */
    @Test
    void aRenderedKdcsvcEventKeepsItsProvider(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path xml = dir.resolve("dc1-system-rendered.xml");
        java.nio.file.Files.writeString(xml, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
                + "<System><Provider Name='Microsoft-Windows-Kerberos-Key-Distribution-Center'/><EventID>204"
                + "</EventID><Level>2</Level><TimeCreated SystemTime='2026-11-20T10:00:00.0000000Z'/><Computer>"
                + "DC1.contoso.com</Computer></System><EventData><Data Name='AccountName'>HV13$</Data><Data"
                + " Name='ServiceName'>cifs/nas01.contoso.com</Data></EventData><RenderingInfo Culture='de-DE'>"
                + "<Message>Das Schlüsselverteilungscenter (KDC) hat eine Anforderung blockiert.</Message><Level>Fehler"
                + "</Level><Channel>System</Channel><Provider>Microsoft-Windows-Kerberos-Key-Distribution-Center"
                + "</Provider></RenderingInfo></Event>\n");
        ImportResult r = new EventImporter(EventsConfig.DEFAULT_IDS, ZoneOffset.UTC).read(xml, events::add,
                problems::add);
        assertNull(r.error());
        assertEquals(1, events.size(), events + " " + problems);
        assertTrue(events.get(0).kdc(), events.toString());
        assertEquals("HV13$", events.get(0).accountName());
    }

    @Test
    void kdcsvcEventsFromGetWinEventCsv() {
        ImportResult r = read("kdcsvc-winevent.csv", EventsConfig.DEFAULT_IDS);
        assertNull(r.error());
        assertEquals(2, events.size(), "201 of the Service Control Manager is not a KDC event");
        assertEquals(EventClassification.KDC_RC4_CLIENT, events.get(0).classification());
        assertEquals("HV02$", events.get(0).accountName());
        assertEquals("cifs/nas01.contoso.com", events.get(0).serviceName());
        assertEquals(Instant.parse("2026-04-21T08:00:00Z"), events.get(0).timeCreated());
        assertNull(events.get(1).accountName(), "'-' is no account");
        assertEquals("krbtgt", events.get(1).serviceName());
    }

    @Test
    void kdcIdsAreNotReadWhenNotConfigured() {
        read("kdcsvc-system.xml", List.of(21502, 22038));
        assertEquals(List.of(), events);
    }

    @Test
    void notAnEventExport() {
        assertEquals("not an event export: no <Event> element found; " + EventImporter.EXPORT_HINT,
                read("not-events.xml", List.of(21502)).error());
        assertTrue(read("not-a-patch-export.csv", List.of(21502)).error().startsWith("not an event export"));
        assertEquals("empty file", read("empty.csv", List.of(21502)).error());
    }

    /**
     * Files an admin hands over by mistake: the .evtx log itself (binary), and PowerShell's Export-Clixml (UTF-16, as
     * it writes by default) and ConvertTo-Xml of Get-WinEvent's records. Each is refused in one line that says what it
     * is and how to export the events instead, not with its binary first line quoted as a CSV header.
     */
    @Test
    void anEvtxFileAndPowerShellXmlAreRefusedSayingHowToExport(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path evtx = dir.resolve("Microsoft-Windows-Hyper-V-VMMS-Admin.evtx");
        byte[] head = new byte[4096];
        System.arraycopy("ElfFile\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, head, 0, 8);
        head[40] = (byte) 0x80;
        head[41] = ',';
        head[42] = '\n';
        java.nio.file.Files.write(evtx, head);
        assertEquals("an event log file (.evtx, binary), not an export: " + EventImporter.EXPORT_HINT,
                new EventImporter(List.of(21502), ZoneOffset.UTC).read(evtx, events::add, problems::add).error());
        Path clixml = dir.resolve("events.clixml");
        java.nio.file.Files.writeString(clixml, "\uFEFF<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/"
                + "powershell/2004/04\">\r\n  <Obj RefId=\"0\"><Props><I32 N=\"Id\">21502</I32></Props></Obj>\r\n</Objs>",
                java.nio.charset.StandardCharsets.UTF_16LE);
        assertEquals("a PowerShell Export-Clixml file, not an event export: " + EventImporter.EXPORT_HINT,
                new EventImporter(List.of(21502), ZoneOffset.UTC).read(clixml, events::add, problems::add).error());
        Path xml = dir.resolve("events.xml");
        java.nio.file.Files.writeString(xml, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Objects>\r\n  <Object Type="
                + "\"System.Diagnostics.Eventing.Reader.EventLogRecord\"><Property Name=\"Id\" Type=\"System.Int32\">21502"
                + "</Property></Object>\r\n</Objects>");
        assertEquals("a PowerShell ConvertTo-Xml file, not an event export: " + EventImporter.EXPORT_HINT,
                new EventImporter(List.of(21502), ZoneOffset.UTC).read(xml, events::add, problems::add).error());
        assertEquals(List.of(), events);
    }

    /**
     * An XML file whose text or attribute value runs on for megabytes (a damaged export, a binary file after its first
     * '<') is refused at the limit, not built into one string: 700 MB ended the whole run in 'out of memory in
     * EventImporter.readXml' with advice to raise the heap. An event's values are a few KB at most.
     */
    @Test
    void anXmlValueOfMegabytesIsRefusedAtTheLimitNotReadWhole(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String event = "<Event><System><Provider Name=\"Microsoft-Windows-Hyper-V-VMMS\"/><EventID>21502</EventID>"
                + "<Computer>HV01.contoso.com</Computer></System><EventData><Data>";
        for (String open : new String[]{event, "<Event a=\""}) {
            Path xml = java.nio.file.Files.writeString(dir.resolve("events.xml"), open
                    + "x".repeat(EventImporter.MAX_VALUE_CHARS + 1) + "\"/></Data></EventData></Event>");
            ImportResult r = new EventImporter(List.of(21502), ZoneOffset.UTC).read(xml, events::add, problems::add);
            assertEquals("not an event export: line 1: no '<' within " + (EventImporter.MAX_VALUE_CHARS >> 20) + " M"
                    + " characters, more than any value of an event holds: " + EventImporter.EXPORT_HINT, r.error());
        }
        assertEquals(List.of(), events);
    }

    /** {@code Get-WinEvent … > events.txt} writes the console's table, grouped under "ProviderName: …": said as such. */
    @Test
    void theConsolesTableIsToldApartFromACsv(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        List<String> console = List.of("", "", "   ProviderName: Microsoft-Windows-Hyper-V-VMMS", "",
                "TimeCreated                      Id LevelDisplayName Message",
                "-----------                      -- ---------------- -------",
                "11/19/2026 10:02:11 PM        22038 Error            'Virtual Machine WEB02' failed to migrate.");
        String error = readWithDefaultIds(java.nio.file.Files.write(dir.resolve("events.txt"), console)).error();
        assertTrue(error.startsWith("not an event export: a table as the PowerShell console prints it (> file,"
                + " Out-File, Format-Table), not a CSV: export with "), error);
    }
}
