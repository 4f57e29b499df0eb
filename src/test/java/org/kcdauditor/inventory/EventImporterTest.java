package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.EventRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventImporterTest {
    static final Path FIXTURES = Path.of("src/test/resources/inventory");

    private final List<EventRecord> events = new ArrayList<>();
    private final List<ImportProblem> problems = new ArrayList<>();

    private ImportResult read(String fixture, List<Integer> ids) {
        return new EventImporter(ids, ZoneOffset.UTC).read(FIXTURES.resolve(fixture), events::add, problems::add);
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
        assertEquals("NO_CREDENTIALS", e.classification());
        assertEquals("0x8009030E", e.hresult());
        EventRecord unknown = events.get(2);
        assertEquals(22038, unknown.eventId());
        assertEquals("HV01", unknown.destinationHost(), "hv01.contoso.com shortened");
        assertEquals("TARGET_UNKNOWN", unknown.classification());
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
        assertEquals("OTHER", e.classification());
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
        assertEquals("ACCESS_DENIED", events.get(1).classification());
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

    @Test
    void classificationByWording() {
        assertEquals("SECURITY_CONTEXT", EventImporter.classify("could not establish a security context", null));
        assertEquals("NO_CREDENTIALS", EventImporter.classify("No credentials are available in the security package", null));
        assertEquals("ACCESS_DENIED", EventImporter.classify("General access denied error (0x80070005)", "0x80070005"));
    }

    @Test
    void notAnEventExport() {
        assertEquals("not an event export: no <Event> element found", read("not-events.xml", List.of(21502)).error());
        assertTrue(read("not-a-patch-export.csv", List.of(21502)).error().startsWith("not an event export"));
        assertEquals("empty file", read("empty.csv", List.of(21502)).error());
    }
}
