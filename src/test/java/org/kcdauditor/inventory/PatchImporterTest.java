package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.PatchMapping;
import org.kcdauditor.model.PatchRecord;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PatchImporterTest {
    static final Path FIXTURES = Path.of("src/test/resources/inventory");
    static final List<PatchMapping> MAPPINGS = List.of(
            new PatchMapping("wsus", "Computer Name", "KB Article", "Approval Date", "Status", null),
            new PatchMapping("configmgr", "Device", "Title", "Date Installed", "Installed", List.of("Yes")));

    @TempDir
    Path tmp;

    private final List<PatchRecord> records = new ArrayList<>();
    private final List<ImportProblem> problems = new ArrayList<>();

    private ImportResult read(String fixture) {
        return read(FIXTURES.resolve(fixture));
    }

    private ImportResult read(Path file) {
        return new PatchImporter(MAPPINGS).read(file, records::add, problems::add);
    }

    /**
     * Get-HotFix and wmic qfe write a HotFixID as KB and digits ("KB5011503"), some rows "File 1" or nothing: only a
     * whole id is one. "KB5011503<script>…" was read as KB5011503 (a garbage field credited as an installed, maybe
     * hardening, update) while "=1+1" was refused: both are refused now, with their line.
     */
    @Test
    void aHotFixIdWithMoreThanTheKbIdIsNotAKbNumber() throws Exception {
        Path f = tmp.resolve("hotfix-trailing.csv");
        Files.writeString(f, "Source,HotFixID,InstalledOn\nHV01, KB5019966 ,2022-11-09\nHV01,kb5019967,2022-11-09\n"
                + "HV01,KB5011503<script>alert(1)</script>,2022-11-09\nHV01,=1+1,2022-11-09\nHV01,File 1,\n"
                + "HV01,KB5011504 KB5011505,2022-11-09\nHV01,5019968,2022-11-09\n");
        ImportResult r = read(f);
        assertEquals(List.of("KB5019966", "KB5019967", "KB5019968"), records.stream().map(PatchRecord::kb).toList());
        assertEquals(4, r.skipped());
        assertEquals(List.of("HotFixID 'KB5011503<script>alert(1)</script>' is not a KB number",
                "HotFixID '=1+1' is not a KB number", "HotFixID 'File 1' is not a KB number",
                "HotFixID 'KB5011504 KB5011505' is not a KB number"), problems.stream().map(ImportProblem::reason).toList());
    }

    @Test
    void aTabSeparatedExportSaysSoInItsFormat() throws Exception {
        Path f = tmp.resolve("hotfix-tab.csv");
        Files.writeString(f, "Source\tHotFixID\tInstalledOn\nHV01\tKB5019966\t11/9/2022\n");
        ImportResult r = read(f);
        assertNull(r.error(), r.toString());
        assertTrue(r.format().endsWith(", tab-separated)"), r.format());
    }

    @Test
    void windowsPowerShell51Utf16WithTypeLineAndAllColumns() {
        ImportResult r = read("hotfix-ps51-utf16.csv");
        assertNull(r.error());
        assertTrue(r.format().contains("5.1") && r.format().contains("UTF-16LE with BOM"), r.format());
        assertEquals(3, r.records());
        assertEquals(new PatchRecord("HV01", "KB5032196", LocalDate.of(2023, 11, 14), "Security Update",
                FIXTURES.resolve("hotfix-ps51-utf16.csv") + ":3"), records.get(0));
        assertNull(records.get(1).installedOn(), "an empty InstalledOn is allowed");
        assertEquals(LocalDate.of(2021, 3, 9), records.get(2).installedOn());
        assertTrue(problems.isEmpty(), problems.toString());
    }

    @Test
    void europeanSemicolonUtf8BomSubsetWithCsName() {
        ImportResult r = read("hotfix-de-semicolon-utf8bom.csv");
        assertTrue(r.format().contains("UTF-8 with BOM") && r.format().contains("';'"), r.format());
        assertEquals(List.of("KB5032196", "KB5019966", "KB5012170"), records.stream().map(PatchRecord::kb).toList());
        assertEquals(LocalDate.of(2023, 11, 14), records.get(0).installedOn());
        assertEquals("HV02", records.get(0).host());
        assertEquals(1, r.skipped());
        assertEquals(5, problems.get(0).line());
        assertEquals("no HotFixID value", problems.get(0).reason());
        assertFalse(problems.get(1).skipped(), "an unreadable date keeps the record");
        assertEquals(6, problems.get(1).line());
    }

    @Test
    void powerShell7WithSourceColumnAndIsoDates() {
        ImportResult r = read("hotfix-ps7.csv");
        assertTrue(r.format().startsWith("Get-HotFix CSV (UTF-8,"), r.format());
        assertEquals(3, r.records());
        assertEquals("HV03.contoso.com", records.get(0).host());
        assertEquals(LocalDate.of(2022, 11, 9), records.get(1).installedOn());
        assertEquals("hotfix-ps7.csv:5: HotFixID 'KB50X' is not a KB number",
                problems.get(0).toString().substring(problems.get(0).toString().indexOf("hotfix-ps7")));
    }

    @Test
    void minimalColumnSubset() {
        read("hotfix-subset.csv");
        assertEquals(List.of("HV11", "HV12"), records.stream().map(PatchRecord::host).toList());
    }

    @Test
    void wsusAndConfigMgrThroughMappings() {
        ImportResult w = read("wsus-update-status.csv");
        assertTrue(w.format().contains("mapping 'wsus'"), w.format());
        assertEquals(2, w.records(), "the 'Needed' row is not an installed update");
        assertEquals("KB5019081", records.get(0).kb());
        assertEquals(LocalDate.of(2022, 11, 9), records.get(0).installedOn());
        records.clear();
        ImportResult c = read("configmgr-compliance.csv");
        assertTrue(c.format().contains("mapping 'configmgr'") && c.format().contains("';'"), c.format());
        assertEquals(List.of("KB5019081", "KB5032198"), records.stream().map(PatchRecord::kb).toList());
        assertEquals(LocalDate.of(2023, 11, 16), records.get(1).installedOn());
    }

    @Test
    void malformedLinesAreReportedWithTheirLineAndSkipped() {
        ImportResult r = read("hotfix-malformed.csv");
        assertNull(r.error());
        assertEquals(List.of("KB5019966", "KB5031361"), records.stream().map(PatchRecord::kb).toList());
        assertEquals(3, problems.get(0).line());
        assertEquals("expected 3 fields, found 5", problems.get(0).reason());
        assertEquals(5, problems.get(1).line());
        assertTrue(problems.get(1).reason().startsWith("malformed CSV"), problems.get(1).reason());
    }

    @Test
    void aFileThatIsNotAPatchExportIsAnErrorForThatFile() {
        ImportResult r = read("not-a-patch-export.csv");
        assertTrue(r.failed());
        assertTrue(r.error().startsWith("not a patch export") && r.error().contains("(Name, Value)"), r.error());
        assertTrue(read("configmgr-compliance.csv").failed() == false);
    }

    /**
     * {@code Get-HotFix > hotfix.txt} (or Out-File, Format-Table) writes the console's table: its header plainly holds
     * HotFixID, so "no HotFixID column" and a hint at patches.mappings misled; the error says what the file is.
     */
    @Test
    void theConsolesTableIsToldApartFromACsv() throws Exception {
        Path f = tmp.resolve("hotfix.txt");
        Files.writeString(f, "\r\nSource        Description      HotFixID      InstalledBy          InstalledOn\r\n"
                + "------        -----------      --------      -----------          -----------\r\n"
                + "HV01          Update           KB5019966     NT AUTHORITY\\SYSTEM  11/9/2022 12:00:00 AM\r\n");
        assertEquals("not a patch export: a table as the PowerShell console prints it (> file, Out-File,"
                + " Format-Table), not a CSV: export with Get-HotFix | Select-Object Source, HotFixID, InstalledOn |"
                + " Export-Csv …", read(f).error());
    }

    /** {@code Get-HotFix | Select HotFixID, InstalledOn | Export-Csv}: the error says the computer column is what is missing. */
    @Test
    void aHotFixExportWithoutAComputerColumnSaysThatIsWhatIsMissing() throws Exception {
        Path f = tmp.resolve("hv01-hotfix.csv");
        Files.writeString(f, "\"HotFixID\",\"InstalledOn\"\n\"KB5032198\",\"11/14/2023\"\n");
        String error = read(f).error();
        assertTrue(error.startsWith("not a patch export: it has HotFixID but no computer column"
                + " (PSComputerName/CSName/Source/ComputerName)"), error);
        assertTrue(error.contains("Get-HotFix | Select-Object Source, HotFixID, InstalledOn"), error);
    }

    /**
     * Windows PowerShell 5.1's {@code Export-Csv -Encoding Default} writes the ANSI code page (windows-1252 in Western
     * Europe), no BOM: text that is not UTF-8 is read as windows-1252, not with replacement characters.
     */
    @Test
    void anAnsiExportIsReadAsWindows1252() throws Exception {
        Path f = tmp.resolve("hv03-ansi.csv");
        Files.write(f, "\"CSName\";\"HotFixID\";\"Description\";\"InstalledOn\"\r\n\"HV03\";\"KB5032198\";\"Sicherheitsupdate f\u00fcr Windows\";\"14.11.2023 00:00:00\"\r\n"
                .getBytes(java.nio.charset.Charset.forName("windows-1252")));
        ImportResult r = read(f);
        assertNull(r.error(), r.toString());
        assertTrue(r.format().contains("windows-1252"), r.format());
        assertEquals("Sicherheitsupdate f\u00fcr Windows", records.get(0).description());
        records.clear();
        Path utf8 = tmp.resolve("hv03-utf8.csv");
        Files.writeString(utf8, "CSName,HotFixID,Description\nHV03,KB5032198,Sicherheitsupdate f\u00fcr Windows\n");
        assertTrue(read(utf8).format().contains("UTF-8"));
        assertEquals("Sicherheitsupdate f\u00fcr Windows", records.get(0).description());
    }

    @Test
    void aMappedStatusOrDateColumnTheFileLacksIsAnErrorForThatFile() throws Exception {
        Path state = tmp.resolve("wsus-state.csv");
        Files.writeString(state, """
                Computer Name,KB Article,Approval Date,State
                HV11,KB5019081,2022-11-09,Installed
                HV12,KB5019081,2022-11-09,Not Installed
                """);
        ImportResult r = read(state);
        assertTrue(r.failed(), "read without its status filter, every row would count as installed");
        assertEquals("mapping 'wsus' (patches.mappings[0]) names status 'Status', not a column of this file (Computer"
                + " Name, KB Article, Approval Date, State): correct the mapping's column names or the export; the file"
                + " was not read", r.error());
        assertTrue(records.isEmpty());
        Path undated = tmp.resolve("wsus-undated.csv");
        Files.writeString(undated, "Computer Name,KB Article,Status\nHV11,KB5019081,Installed\n");
        assertTrue(read(undated).error().contains("names installedOn 'Approval Date', not a column"), read(undated).error());
        Path misspelt = tmp.resolve("wsus-misspelt.csv");
        Files.writeString(misspelt, "Computer Name,KB-Article,Approval Date,State\nHV11,KB5019081,2022-11-09,Installed\n");
        assertTrue(read(misspelt).error().startsWith("mapping 'wsus' (patches.mappings[0]) names hotFixId 'KB Article'"
                + " and status 'Status', not columns of this file"), read(misspelt).error());
        assertTrue(read("configmgr-compliance.csv").error() == null, "a file that fits a later mapping is read with it");
        assertNull(read("wsus-update-status.csv").error());
    }

    private List<LocalDate> datesOf(String... lines) throws Exception {
        Path f = tmp.resolve("dates-" + records.size() + "-" + problems.size() + ".csv");
        Files.writeString(f, "\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n" + String.join("\n", lines) + "\n");
        records.clear();
        assertNull(read(f).error());
        return records.stream().map(PatchRecord::installedOn).toList();
    }

    @Test
    void slashDatesAreReadInTheOrderTheFileTells() throws Exception {
        // a day above 12 anywhere in the file: day-first for every date of it (en-GB Get-HotFix)
        assertEquals(List.of(LocalDate.of(2023, 11, 14), LocalDate.of(2023, 4, 3)), datesOf(
                "HV01,KB5019966,14/11/2023 00:00:00", "HV01,KB5019967,03/04/2023 00:00:00"));
        assertEquals(List.of(LocalDate.of(2023, 4, 3), LocalDate.of(2023, 11, 14)), datesOf(
                "HV01,KB5019967,03/04/2023", "HV01,KB5019966,14/11/2023"));
        // en-US: a second number above 12, or AM/PM
        assertEquals(List.of(LocalDate.of(2023, 3, 4), LocalDate.of(2023, 11, 14)), datesOf(
                "HV01,KB5019967,03/04/2023", "HV01,KB5019966,11/14/2023"));
        assertEquals(List.of(LocalDate.of(2023, 3, 4)), datesOf("HV01,KB5019967,3/4/2023 12:00:00 AM"));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * Windows PowerShell 5.1 writes InstalledOn in the exporting host's culture (short date and long time): fi-FI
     * {@code d.M.yyyy H.mm.ss}, sk-SK {@code d. M. yyyy H:mm:ss}, hr-HR and lv-LV with a dot after the year, hu-HU
     * {@code yyyy. MM. dd. H:mm:ss}. Each is a date, not a line to report.
     */
    @Test
    void europeanCultureDatesWithDottedTimesSpacesAndTrailingDots() throws Exception {
        LocalDate d = LocalDate.of(2023, 11, 14);
        assertEquals(List.of(d, d, d, d, d, d, d, LocalDate.of(2023, 2, 1)), datesOf(
                "HV01,KB5019961,14.11.2023 0.00.00",
                "HV01,KB5019962,14.11.2023 23.59",
                "HV01,KB5019963,14. 11. 2023 0:00:00",
                "HV01,KB5019964,14.11.2023. 0:00:00",
                "HV01,KB5019965,14.11.2023.",
                "HV01,KB5019966,2023. 11. 14. 0:00:00",
                "HV01,KB5019967,2023.11.14.",
                "HV01,KB5019968,1.2.2023 0.00.00"));
        assertTrue(problems.isEmpty(), problems.toString());
        assertEquals(List.of(LocalDate.of(2023, 11, 14)), datesOf("HV01,KB5019961,14.11.2023 00:00:00"));
    }

    /**
     * Where no date of the file tells the order of its slash dates, none is guessed: fr-FR and en-GB write
     * {@code 03/04/2023} day-first, Excel's en-US month-first. The updates are kept without their dates, and one warning
     * names the first such date's line and the export to use. They were read month-first, with a warning.
     */
    @Test
    void aFileWhoseSlashDatesNothingTellsKeepsItsUpdatesWithoutDates() throws Exception {
        assertEquals(java.util.Arrays.asList(null, null), datesOf("HV01,KB5019967,03/04/2023", "HV01,KB5019968,05/06/2023"));
        assertEquals(1, problems.size(), problems.toString());
        ImportProblem p = problems.get(0);
        assertEquals(2, p.line());
        assertFalse(p.skipped());
        assertTrue(p.toString().matches(".*dates-\\d+-0\\.csv:2: InstalledOn '03/04/2023' may be day-first \\(3 April\\) or"
                + " month-first \\(4 March\\), and no date of the file tells which: the file's slash dates are not read, its"
                + " updates are; export the dates as yyyy-MM-dd \\(Get-HotFix \\| Select-Object Source, HotFixID,"
                + " @\\{n='InstalledOn';e=\\{'\\{0:yyyy-MM-dd}' -f \\$_.InstalledOn}} \\| Export-Csv …\\) \\(record kept\\)"),
                p.toString());
        // a 24-hour time tells nothing: Excel's en-US writes it month-first, en-GB and fr-FR day-first; nor does a
        // lower-case am/pm (en-AU in PowerShell 7 writes the day first)
        problems.clear();
        assertEquals(java.util.Collections.singletonList(null), datesOf("HV01,KB5019967,11/03/2023 00:00:00"));
        assertEquals(java.util.Collections.singletonList(null), datesOf("HV01,KB5019967,03/11/2023 12:00:00 am"));
        assertEquals(2, problems.size(), problems.toString());
        // the file's other dates are read; a date that reads the same either way is no doubt
        problems.clear();
        assertEquals(java.util.Arrays.asList(null, LocalDate.of(2023, 5, 6)), datesOf("HV01,KB5019967,03/04/2023",
                "HV01,KB5019968,2023-05-06"));
        assertEquals(1, problems.size(), problems.toString());
        problems.clear();
        assertEquals(List.of(LocalDate.of(2023, 5, 5)), datesOf("HV01,KB5019967,05/05/2023 00:00:00"));
        assertTrue(problems.isEmpty(), problems.toString());
    }

    /**
     * The note on a file's slash dates names the line of its sample, a date the order changes (11/9/2022) rather than
     * the first slash date, which is invalid either way (31/13/2022), or one that reads alike (12/12/2022).
     */
    @Test
    void theSlashDateNoteNamesTheLineOfADateTheOrderChanges() throws Exception {
        assertEquals(java.util.Arrays.asList(null, LocalDate.of(2022, 12, 12), null), datesOf(
                "HV01,KB5019966,31/13/2022 00:00:00",
                "HV01,KB5019967,12/12/2022", "HV01,KB5019968,11/9/2022"));
        ImportProblem note = problems.stream().filter(p -> p.reason().contains("may be day-first")).findFirst()
                .orElseThrow(() -> new AssertionError(problems.toString()));
        assertTrue(note.reason().startsWith("InstalledOn '11/9/2022' may be day-first (11 September) or month-first"
                + " (9 November)"), note.reason());
        assertEquals(4, org.kcdauditor.report.FindingsJson.MAPPER.valueToTree(note).path("line").asInt(), note.toString());
        // a problem of one line keeps its line
        ImportProblem bad = problems.stream().filter(p -> p != note).findFirst().orElseThrow();
        assertEquals(2, org.kcdauditor.report.FindingsJson.MAPPER.valueToTree(bad).path("line").asInt(), bad.toString());
    }

    @Test
    void emptyAndUnreadableFiles() throws Exception {
        assertEquals("empty file: no header line", read("empty.csv").error());
        Path bomOnly = tmp.resolve("bom-only.csv");
        Files.write(bomOnly, new byte[]{(byte) 0xff, (byte) 0xfe});
        assertEquals("empty file: no header line", read(bomOnly).error());
        ImportResult missing = read(tmp.resolve("nope.csv"));
        // the file is named beside the error (inspect, the Imports sheet): not again inside it
        assertEquals("cannot read: does not exist (or a parent folder does not)", missing.error());
        ImportResult directory = read(tmp);
        assertEquals("cannot read: it is a folder, not a file", directory.error());
    }

    /** A header line beyond the limit is refused with what is wrong and what to do, not a reader's "Mark invalid". */
    @Test
    void aHeaderLineLongerThanTheLimitIsRefusedSayingSo() throws Exception {
        Path f = tmp.resolve("wide.csv");
        Files.writeString(f, "\"PSComputerName\",\"HotFixID\",\"" + "X".repeat(CsvInput.MAX_HEADER_CHARS) + "\"\r\n"
                + "\"HV01\",\"KB5019967\",\"x\"\r\n");
        ImportResult r = read(f);
        assertEquals(0, r.records(), r.toString());
        assertTrue(r.error().startsWith("cannot read: the header line is longer than 32 K characters, the most it"
                + " may take: export only the columns"), r.error());
    }

    /**
     * A file without a line break (a binary file, a zip or a log picked up by a source's wildcard) is refused after the
     * header limit, not read whole into one line: a 700 MB one ended the whole run in 'out of memory in CsvInput.open'
     * with advice to raise the heap, instead of this import's line and the run going on.
     */
    @Test
    void aFileWithoutALineBreakIsReadNoFurtherThanTheHeaderLimit() throws Exception {
        for (String before : new String[]{"", "\r\n\r\n", "#TYPE Selected.System.Management.ManagementObject\r\n"}) {
            long[] read = new long[1];
            Reader unbroken = new Reader() { // 32 M characters, no line break after the lines before
                @Override
                public int read(char[] buf, int off, int len) {
                    int n = (int) Math.min(len, (32 << 20) - read[0]);
                    if (n <= 0) {
                        return -1;
                    }
                    for (int i = 0; i < n; i++) {
                        buf[off + i] = read[0] + i < before.length() ? before.charAt((int) read[0] + i) : 'x';
                    }
                    read[0] += n;
                    return n;
                }

                @Override
                public void close() {
                }
            };
            IOException e = assertThrows(IOException.class, () -> CsvInput.open(new BufferedReader(unbroken)));
            assertTrue(e.getMessage().startsWith("the header line is longer than 32 K characters"), e.getMessage());
            assertTrue(read[0] <= 4 * CsvInput.MAX_HEADER_CHARS + (1 << 16), "read " + read[0] + " characters");
        }
    }

    /**
     * A header Commons CSV cannot split (a '|'-separated file, a quote with text after it) is refused in words at its
     * line in the file, counting the #TYPE line; it read "Invalid character between encapsulated token and delimiter at
     * line: 1, position: 17".
     */
    @Test
    void aHeaderThatIsNotCsvIsRefusedInWordsAtItsLine() throws Exception {
        Path f = tmp.resolve("piped.csv");
        Files.writeString(f, "#TYPE Selected.System.Management.ManagementObject\r\n\"PSComputerName\"|\"HotFixID\"\r\n"
                + "\"HV01\"|\"KB5019967\"\r\n");
        ImportResult r = read(f);
        assertEquals(0, r.records(), r.toString());
        assertEquals("cannot read: line 2, the header: a quote on it does not end its field (text follows the quote):"
                + " export with Export-Csv, which writes each column in double quotes separated by ',' (or ';' or a"
                + " tab)", r.error());
    }

    @Test
    void utf16WithBomWithoutTypeLine() throws Exception {
        Path f = tmp.resolve("u16.csv");
        byte[] body = "\"CSName\",\"HotFixID\",\"InstalledOn\"\r\n\"HV05\",\"KB5019966\",\"11/9/2022 12:00:00 AM\"\r\n"
                .getBytes(StandardCharsets.UTF_16LE);
        byte[] all = new byte[body.length + 2];
        all[0] = (byte) 0xff;
        all[1] = (byte) 0xfe;
        System.arraycopy(body, 0, all, 2, body.length);
        Files.write(f, all);
        ImportResult r = read(f);
        assertEquals(1, r.records());
        assertEquals(LocalDate.of(2022, 11, 9), records.get(0).installedOn());
    }

    /**
     * Windows PowerShell 5.1's {@code Export-Csv -Encoding UTF32} writes UTF-32 LE with the BOM FF FE 00 00, whose first
     * two bytes are UTF-16 LE's BOM: read as UTF-16 it was "not a patch export" with a header of NUL characters.
     */
    @Test
    void utf32WithBomFromWindowsPowerShell51() throws Exception {
        Path f = tmp.resolve("u32.csv");
        byte[] body = "\"CSName\",\"HotFixID\",\"InstalledOn\"\r\n\"HV05\",\"KB5019966\",\"11/9/2022 12:00:00 AM\"\r\n"
                .getBytes(java.nio.charset.Charset.forName("UTF-32LE"));
        byte[] all = new byte[body.length + 4];
        all[0] = (byte) 0xff;
        all[1] = (byte) 0xfe;
        System.arraycopy(body, 0, all, 4, body.length);
        Files.write(f, all);
        ImportResult r = read(f);
        assertNull(r.error(), r.toString());
        assertTrue(r.format().contains("UTF-32LE with BOM"), r.format());
        assertEquals(List.of(new PatchRecord("HV05", "KB5019966", LocalDate.of(2022, 11, 9), null, f + ":2")), records);
    }

    /** A row of separators only (what Excel leaves of emptied rows when it saves as CSV) is a blank line, not a skip. */
    @Test
    void aRowOfSeparatorsOnlyIsBlank() throws Exception {
        Path f = tmp.resolve("excel.csv");
        Files.writeString(f, "CSName;HotFixID;InstalledOn\r\nHV05;KB5019966;09.11.2022\r\n;;\r\n\"\";\"\";\r\n"
                + "HV06;KB5019966;10.11.2022\r\n; ;\r\n");
        ImportResult r = read(f);
        assertNull(r.error(), r.toString());
        assertEquals(0, r.skipped(), r.toString());
        assertEquals(List.of("HV05", "HV06"), records.stream().map(PatchRecord::host).toList());
    }

    /**
     * A 200 MB Get-HotFix export is read as a stream: every record is handed to the sink one at a
     * time and nothing else is kept (the sink keeps three). About 12 s on a small machine, so it is
     * tagged {@code slow} and runs with {@code mvn -o verify -Pslow}; the 10 MB variant runs always.
     */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void a200MegabyteExportIsStreamed() throws Exception {
        streamed(200);
    }

    @Test
    void a10MegabyteExportIsStreamed() throws Exception {
        streamed(10);
    }

    private void streamed(int megabytes) throws Exception {
        Path big = tmp.resolve("big.csv");
        String header = "#TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering\r\n"
                + "\"PSComputerName\",\"Description\",\"HotFixID\",\"InstalledBy\",\"InstalledOn\"\r\n";
        byte[] row = "\"SRV00000\",\"Security Update\",\"KB5019966\",\"NT AUTHORITY\\SYSTEM\",\"11/9/2022 12:00:00 AM\"\r\n"
                .getBytes(StandardCharsets.UTF_8);
        long target = megabytes * 1024L * 1024;
        long rows = target / row.length + 1;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(big), 1 << 20)) {
            out.write(header.getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[row.length * 1000];
            for (int i = 0; i < 1000; i++) {
                System.arraycopy(row, 0, block, i * row.length, row.length);
            }
            for (long i = 0; i < rows / 1000; i++) {
                out.write(block);
            }
            for (long i = 0; i < rows % 1000; i++) {
                out.write(row);
            }
        }
        assertTrue(Files.size(big) >= target);
        long[] seen = {0};
        List<PatchRecord> kept = new ArrayList<>();
        ImportResult r = new PatchImporter(List.of()).read(big, rec -> {
            if (seen[0]++ < 3) {
                kept.add(rec);
            }
        }, problems::add);
        assertNull(r.error());
        assertEquals(rows, r.records());
        assertEquals(rows, seen[0]);
        assertEquals(3, kept.size());
        assertTrue(r.problems().isEmpty());
        assertEquals(big + ":3", kept.get(0).origin());
        Files.delete(big);
    }
}
