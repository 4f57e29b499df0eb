package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.PatchRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The import files as Windows servers write them, byte for byte (src/test/resources/inventory/exports): Windows
 * PowerShell 5.1's {@code Export-Csv} ({@code #TYPE} line, every value quoted, {@code -Encoding Unicode} UTF-16 LE with
 * BOM, UTF-8 with BOM, {@code -Encoding Default} windows-1252), PowerShell 7 (UTF-8 without BOM), CRLF and a trailing
 * empty line, {@code -UseCulture} ({@code ;}) and the dates of de-DE, fr-FR, en-AU and ja-JP, Excel re-saved files,
 * header-only files, duplicate rows, host names in every form, and what is no CSV export (JSON, wevtutil's text). Each
 * is read right, or refused with one line that says what to do: never read with a wrong date or value.
 */
class RealExportsTest {
    static final Path EXPORTS = Path.of("src/test/resources/inventory/exports");

    private final List<PatchRecord> patches = new ArrayList<>();
    private final List<EventRecord> events = new ArrayList<>();
    private final List<HostSettings> hosts = new ArrayList<>();
    private final List<ImportProblem> problems = new ArrayList<>();

    private ImportResult patches(String file) {
        return new PatchImporter(List.of()).read(EXPORTS.resolve(file), patches::add, problems::add);
    }

    private ImportResult events(String file) {
        return new EventImporter(List.of(21502), ZoneOffset.UTC).read(EXPORTS.resolve(file), events::add,
                problems::add);
    }

    private ImportResult hosts(String file) {
        return new HostSettingsImporter().read(EXPORTS.resolve(file), hosts::add, problems::add);
    }

    private List<LocalDate> dates() {
        return patches.stream().map(PatchRecord::installedOn).toList();
    }

    private static List<LocalDate> on(String... iso) {
        return Arrays.stream(iso).map(s -> s == null ? null : LocalDate.parse(s)).toList();
    }

    @Test
    void windowsPowerShell51UnicodeWithTypeLineCrLfAndATrailingEmptyLine() {
        ImportResult r = patches("hotfix-ps51-unicode.csv");
        assertNull(r.error(), r.toString());
        assertEquals("Get-HotFix CSV (Windows PowerShell 5.1 #TYPE, UTF-16LE with BOM, ','-separated)", r.format());
        assertEquals(on("2023-11-14", "2023-10-10"), dates());
        assertEquals("hotfix-ps51-unicode.csv:4", patches.get(1).origin().substring(EXPORTS.toString().length() + 1));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void windowsPowerShell51Utf8WithBomAndDefaultAnsiKeepTheirUmlauts() {
        assertNull(patches("hotfix-ps51-utf8bom.csv").error());
        ImportResult ansi = patches("hotfix-ps51-default-ansi.csv");
        assertTrue(ansi.format().contains("windows-1252"), ansi.format());
        assertEquals(List.of("Sicherheitsupdate für Windows", "Sicherheitsupdate für Windows", "Update"),
                patches.stream().map(PatchRecord::description).toList());
        assertEquals(on("2023-11-14", "2023-11-14", "2023-10-10"), dates(), "de-DE 14.11.2023 00:00:00");
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * {@code -Encoding Default} whose first 64 KB are plain ASCII (the umlaut comes in a later row): the file was read as
     * UTF-8, and each windows-1252 byte after that became U+FFFD ("f\uFFFDr"). A byte that is not UTF-8 is now read as
     * windows-1252's character.
     */
    @Test
    void anAnsiFileWhoseFirstUmlautComesAfter64KbKeepsIt(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        StringBuilder csv = new StringBuilder("\"Source\",\"HotFixID\",\"Description\",\"InstalledOn\"\r\n");
        for (int i = 0; csv.length() < 70_000; i++) {
            csv.append(String.format("\"HV01\",\"KB50%05d\",\"Security Update\",\"2023-11-14\"\r\n", i));
        }
        csv.append("\"HV01\",\"KB5099999\",\"Sicherheitsupdate für Windows\",\"2023-11-14\"\r\n");
        Path f = dir.resolve("hotfix-ansi.csv");
        java.nio.file.Files.write(f, csv.toString().getBytes(java.nio.charset.Charset.forName("windows-1252")));
        assertNull(new PatchImporter(List.of()).read(f, patches::add, problems::add).error());
        assertEquals("Sicherheitsupdate für Windows", patches.get(patches.size() - 1).description());
        assertEquals("Security Update", patches.get(0).description());
        // a small file that ends in what would begin a UTF-8 character (Excel's unquoted last value, no line break) is
        // windows-1252 (it was read as UTF-8: "Men\uFFFD"); in a large one, past the first 64 KB, that last byte is U+FFFD
        java.nio.file.Files.write(f, "Source,HotFixID,Description\r\nHV01,KB5099998,Men\u00e4"
                .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        patches.clear();
        assertNull(new PatchImporter(List.of()).read(f, patches::add, problems::add).error());
        assertEquals("Men\u00e4", patches.get(0).description());
        java.nio.file.Files.write(f, (csv + "HV01,KB5099997,Men\u00e4").getBytes(
                java.nio.charset.Charset.forName("windows-1252")));
        patches.clear();
        assertNull(new PatchImporter(List.of()).read(f, patches::add, problems::add).error());
        assertEquals("Men\uFFFD", patches.get(patches.size() - 1).description());
    }

    @Test
    void powerShell7Utf8WithoutBomOrTypeLine() {
        ImportResult r = patches("hotfix-ps7.csv");
        assertEquals("Get-HotFix CSV (UTF-8, ','-separated)", r.format());
        assertEquals("hv01", patches.get(0).host());
        assertEquals(on("2023-11-14"), dates());
    }

    @Test
    void germanUseCultureSemicolonsDottedDatesAndAnEmptyInstalledOn() {
        ImportResult r = patches("hotfix-de-DE-useculture.csv");
        assertTrue(r.format().endsWith("';'-separated)"), r.format());
        assertEquals(on("2026-12-07", null), dates());
        assertTrue(problems.isEmpty(), "an empty InstalledOn is no problem: " + problems);
    }

    /**
     * fr-FR writes {@code 07/12/2026 00:00:00} (7 December), en-US would mean 12 July: where no date of the file tells
     * the order, the updates are read without their dates, and one warning names the line and the export to use. They
     * were read month-first (12 July, 11 October) with a warning that said so.
     */
    @Test
    void frenchSlashDatesWhoseOrderNothingTellsAreNotGuessed() {
        ImportResult r = patches("hotfix-fr-FR-useculture.csv");
        assertNull(r.error(), r.toString());
        assertEquals(List.of("KB5032196", "KB5031364"), patches.stream().map(PatchRecord::kb).toList());
        assertEquals(on(null, null), dates());
        assertEquals(1, problems.size(), problems.toString());
        ImportProblem p = problems.get(0);
        assertEquals(2, p.line());
        assertFalse(p.skipped());
        assertTrue(p.reason().startsWith("InstalledOn '07/12/2026 00:00:00' may be day-first (7 December) or"
                + " month-first (12 July), and no date of the file tells which: the file's slash dates are not read,"
                + " its updates are; export the dates as yyyy-MM-dd"), p.reason());
        assertEquals(0, r.skipped());
    }

    @Test
    void frenchSlashDatesAreReadWhenADayAbove12TellsTheOrder() {
        patches("hotfix-fr-FR-day-above-12.csv");
        assertEquals(on("2026-12-07", "2026-11-14"), dates());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * Windows PowerShell 5.1 on en-AU writes {@code d/MM/yyyy h:mm:ss AM}: the upper-case AM that tells en-US
     * (month-first) is there too, but en-US never writes a month or day with a leading zero. {@code 7/03/2026} was read
     * as 3 July, with no warning.
     */
    @Test
    void australianDatesWithAnUpperCaseAmAreNotTakenForEnUs() {
        patches("hotfix-en-AU-ps51.csv");
        assertEquals(on(null, null), dates());
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).reason().startsWith("InstalledOn '7/03/2026 12:00:00 AM' may be day-first"),
                problems.toString());
        assertEquals(3, problems.get(0).line());
    }

    /** ja-JP, zh-CN: {@code yyyy/MM/dd}, year first, which no culture writes with the day before the month. */
    @Test
    void japaneseYearFirstSlashDatesAreRead() {
        patches("hotfix-ja-JP.csv");
        assertEquals(on("2026-12-07"), dates());
        assertTrue(problems.isEmpty(), problems.toString());
        events("winevent-ja-JP.csv");
        assertEquals(Instant.parse("2026-12-07T06:00:00Z"), events.get(0).timeCreated());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /** Excel (de-DE) re-saves with ';', windows-1252, no quotes, {@code #TYPE …;;;;;}, dates without seconds, a row of separators. */
    @Test
    void anExcelResavedGermanFileIsRead() {
        ImportResult r = patches("hotfix-excel-de.csv");
        assertNull(r.error(), r.toString());
        assertEquals(1, r.records());
        assertEquals(on("2026-12-07"), dates());
        assertEquals("Sicherheitsupdate für Windows", patches.get(0).description());
        assertTrue(problems.isEmpty(), problems.toString());
        events("winevent-excel-de.csv");
        assertEquals(Instant.parse("2026-12-07T06:00:00Z"), events.get(0).timeCreated());
    }

    @Test
    void anExcelResavedFrenchFileKeepsItsUpdatesWithoutGuessingTheirDates() {
        patches("hotfix-excel-fr.csv");
        assertEquals(on((String) null), dates());
        assertEquals(1, problems.size(), problems.toString());
    }

    @Test
    void headerOnlyFilesAreReadAsNoRecords() {
        ImportResult p = patches("hotfix-header-only.csv");
        ImportResult e = events("winevent-header-only.csv");
        ImportResult h = hosts("vmhost-header-only.csv");
        for (ImportResult r : List.of(p, e, h)) {
            assertNull(r.error(), r.toString());
            assertEquals(0, r.records(), r.toString());
        }
    }

    /** Duplicates and name forms are kept as written here: a run counts one node's KB once, whatever the form. */
    @Test
    void duplicateRowsAndHostNameFormsAreReadAsWritten() {
        ImportResult r = patches("hotfix-duplicates-and-name-forms.csv");
        assertEquals(4, r.records());
        assertEquals(List.of("HV01", "HV01", "hv01.contoso.com", "hv02"),
                patches.stream().map(PatchRecord::host).toList());
    }

    @Test
    void winEventPowerShell51UnicodeAnd7() {
        ImportResult r = events("winevent-ps51-unicode.csv");
        assertEquals("Get-WinEvent CSV (#TYPE, UTF-16LE with BOM, ','-separated)", r.format());
        assertEquals(1, events.size());
        EventRecord e = events.get(0);
        assertEquals("HV01", e.host());
        assertEquals(Instant.parse("2026-12-07T06:00:00Z"), e.timeCreated());
        assertEquals("HV02", e.destinationHost());
        assertEquals(EventClassification.NO_CREDENTIALS, e.classification());
        events("winevent-ps7.csv");
        assertEquals("HV01", events.get(1).host());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * A German message names no destination the audit can read (the wording is English's), but the HRESULT classifies
     * it and the logging host is the source: the finding says "(destination not named)".
     */
    @Test
    void aGermanUseCultureEventIsReadWithItsTimeAndHresult() {
        events("winevent-de-DE-useculture.csv");
        EventRecord e = events.get(0);
        assertEquals(Instant.parse("2026-12-07T06:00:00Z"), e.timeCreated());
        assertEquals("HV01", e.sourceHost());
        assertEquals("0x8009030E", e.hresult());
        assertEquals(EventClassification.NO_CREDENTIALS, e.classification());
        assertTrue(e.message().contains("\"VM01\""), e.message());
    }

    /**
     * An event's time decides which failures a delegation change settled, and events without one count as one: a file
     * whose slash times nothing orders is refused at its first such line, with the export to use. It was read as
     * 12 July with a warning.
     */
    @Test
    void frenchAndAustralianEventTimesWhoseOrderNothingTellsRefuseTheFile() {
        ImportResult fr = events("winevent-fr-FR-useculture.csv");
        assertTrue(events.isEmpty(), events.toString());
        // line 4: the message spans lines 2 to 4, and TimeCreated comes after it
        assertEquals("line 4: TimeCreated '07/12/2026 06:00:00' may be day-first (7 December) or month-first"
                + " (12 July), and no time of the file tells which: the file is not read; export TimeCreated as"
                + " yyyy-MM-ddTHH:mm:ss (Get-WinEvent … | Select-Object @{n='TimeCreated';e={'{0:s}' -f"
                + " $_.TimeCreated}}, Id, ProviderName, MachineName, LevelDisplayName, Message | Export-Csv …) or with"
                + " wevtutil qe … /f:xml", fr.error());
        ImportResult au = events("winevent-en-AU-ps51.csv");
        assertTrue(events.isEmpty(), events.toString());
        assertTrue(au.error().startsWith("line 5: TimeCreated '7/12/2026 6:00:00 AM' may be day-first (7 December)"),
                au.error());
    }

    @Test
    void wevtutilTextAndJsonAreRefusedNamingWhatToExportInstead() {
        assertEquals("wevtutil's text output (/f:text), not read: export the events with wevtutil qe <log or file.evtx>"
                + " [/lf:true] /f:xml > events.xml, or Get-WinEvent … | Export-Csv", events("wevtutil-text.txt").error());
        assertEquals("cannot read: JSON (ConvertTo-Json), not a CSV export: pipe the objects to Export-Csv instead",
                events("winevent.json").error());
        assertEquals("cannot read: JSON (ConvertTo-Json), not a CSV export: pipe the objects to Export-Csv instead",
                patches("hotfix.json").error());
        assertEquals("cannot read: JSON (ConvertTo-Json), not a CSV export: pipe the objects to Export-Csv instead",
                hosts("vmhost.json").error());
    }

    @Test
    void getVmHostPowerShell51UnicodeAndGermanUseCulture() {
        ImportResult r = hosts("vmhost-ps51-unicode.csv");
        assertNull(r.error());
        assertEquals(List.of("HV01", "hv02.contoso.com"), hosts.stream().map(HostSettings::computer).toList());
        assertEquals(Boolean.FALSE, hosts.get(1).migrationEnabled());
        assertEquals(2, hosts.get(1).blocks(), "CredSSP and disabled");
        hosts("vmhost-de-DE-useculture.csv");
        assertEquals(Boolean.TRUE, hosts.get(2).migrationEnabled());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * Excel shows True and False in its own language and saves them so: de-DE WAHR/FALSCH, fr-FR VRAI/FAUX. FALSCH was
     * "neither True nor False", read as unknown: a node with migration disabled did not block its pairs.
     */
    @Test
    void excelResavedBooleansInTheSheetsLanguageAreRead() {
        hosts("vmhost-excel-de.csv");
        hosts("vmhost-excel-fr.csv");
        assertEquals(Arrays.asList(true, false, true, false), hosts.stream().map(HostSettings::migrationEnabled).toList());
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(1, hosts.get(1).blocks());
    }
}
