package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.support.CliRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A quote that is never closed costs its own line, not the rest of the file: reading resumes at the next
 * physical line that parses, each skipped line is reported as {@code file:line: reason}, and the count says so.
 */
class CsvRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void patchExportsResumeAfterAnUnterminatedQuote() throws Exception {
        Path file = tmp.resolve("hotfix.csv");
        Files.writeString(file, """
                #TYPE System.Management.ManagementObject#root\\cimv2\\Win32_QuickFixEngineering
                "PSComputerName","HotFixID","InstalledOn"
                "HV01","KB5019966","11/9/2022 12:00:00 AM"
                "HV01","KB5030214,"9/12/2023 12:00:00 AM"
                "HV02","KB5031361","10/10/2023 12:00:00 AM"

                "HV03","KB5032196,11/14/2023
                "HV03","KB5034127","1/9/2024 12:00:00 AM"
                "HV04","KB5035849","2/13/2024 12:00:00 AM"
                """, StandardCharsets.UTF_16LE);
        // UTF-16 LE with BOM, as Windows PowerShell 5.1 writes it: resuming reopens the file the same way
        byte[] body = Files.readAllBytes(file);
        byte[] withBom = new byte[body.length + 2];
        withBom[0] = (byte) 0xff;
        withBom[1] = (byte) 0xfe;
        System.arraycopy(body, 0, withBom, 2, body.length);
        Files.write(file, withBom);

        List<PatchRecord> records = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        ImportResult r = new PatchImporter(List.of()).read(file, records::add, problems::add);
        assertNull(r.error());
        assertEquals(List.of("KB5019966", "KB5031361", "KB5034127", "KB5035849"),
                records.stream().map(PatchRecord::kb).toList(), "nothing after a bad line is lost");
        assertEquals(List.of(file + ":4: malformed CSV: a quote on it does not end its field (text follows the"
                        + " quote); this line is skipped, the next ones are read",
                file + ":7: malformed CSV: a quote on it does not end its field (text follows the quote); this line is"
                        + " skipped, the next ones are read"), problems.stream().map(ImportProblem::toString).toList());
        assertEquals(2, r.skipped());
        assertEquals(List.of(file + ":5", file + ":8", file + ":9"),
                records.subList(1, 4).stream().map(PatchRecord::origin).toList(), "line numbers after resuming");
    }

    @Test
    void aQuoteThatNeverClosesInAHugeFileCostsOneLineNotTheHeap() throws Exception {
        // the rest of a 300 MB export would become one field; here 6 M characters after the quote do
        Path file = tmp.resolve("hotfix.csv");
        StringBuilder text = new StringBuilder("\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n")
                .append("\"HV01\",\"KB5019966\",\"11/9/2022 12:00:00 AM\"\n")
                .append("\"HV01\",\"KB50");
        text.append("x".repeat(6 << 20)).append('\n');
        text.append("\"HV02\",\"KB5031361\",\"10/10/2023 12:00:00 AM\"\n");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        List<PatchRecord> records = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        ImportResult r = new PatchImporter(List.of()).read(file, records::add, problems::add);
        assertNull(r.error());
        assertEquals(List.of("KB5019966", "KB5031361"), records.stream().map(PatchRecord::kb).toList());
        assertEquals(List.of(file + ":3: malformed CSV: a record longer than 4 M characters (a quote opened on it that"
                + " never closes?); this line is skipped, the next ones are read"),
                problems.stream().map(ImportProblem::toString).toList());
    }

    /**
     * The file is read once, however many records are malformed. Before, each resumption opened the file again and read
     * it from its start to the bad line: 1,000 bad lines in a 21 MB export took 184 s.
     */
    @Test
    void theTextIsReadOnceHoweverManyRecordsAreMalformed() throws Exception {
        StringBuilder text = new StringBuilder("\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n");
        for (int i = 0; i < 50; i++) {
            text.append("\"HV01\",\"KB5019966\",\"2022-11-09\"\n").append("\"HV02\",\"KB50\n");
        }
        text.append("\"HV03\",\"KB5019966\",\"2022-11-09\"\n");
        long[] read = new long[1];
        java.io.Reader counting = new java.io.FilterReader(new java.io.StringReader(text.toString())) {
            @Override
            public int read(char[] buf, int off, int len) throws java.io.IOException {
                int n = super.read(buf, off, len);
                read[0] += Math.max(n, 0);
                return n;
            }
        };
        List<String> hosts = new ArrayList<>();
        List<Long> skipped = new ArrayList<>();
        try (CsvInput csv = CsvInput.open(new java.io.BufferedReader(counting))) {
            csv.each((rec, line) -> hosts.add(rec.get("PSComputerName") + ":" + line),
                    (line, why) -> skipped.add(line));
        }
        assertEquals(51, hosts.size(), hosts.toString());
        assertEquals("HV01:50", hosts.get(24));
        assertEquals("HV03:102", hosts.get(50));
        assertEquals(50, skipped.size());
        assertEquals(3L, skipped.get(0));
        assertEquals(text.length(), read[0], "every character read once");
    }

    /**
     * Skipping the line of a record cut off at 4 M characters (a quote that never closes on a line of hundreds of
     * megabytes) kept the whole line in memory: the text the failed parser had read held the buffer's start while the
     * skip moved on. What the skip passes is dropped; the buffer stays within twice the record limit.
     */
    @Test
    void skippingAHugeBadLineDoesNotKeepIt() throws Exception {
        String text = "\"PSComputerName\",\"HotFixID\",\"InstalledOn\"\n\"HV01\",\"KB50" + "x".repeat(20 << 20) + "\n"
                + "\"HV02\",\"KB5031361\",\"2023-10-10\"\n";
        List<String> hosts = new ArrayList<>();
        List<Long> skipped = new ArrayList<>();
        try (CsvInput csv = CsvInput.open(new java.io.BufferedReader(new java.io.StringReader(text)))) {
            csv.each((rec, line) -> hosts.add(rec.get("PSComputerName") + ":" + line),
                    (line, why) -> skipped.add(line));
            java.lang.reflect.Field replay = CsvInput.class.getDeclaredField("replay");
            replay.setAccessible(true);
            java.lang.reflect.Field kept = CsvInput.Replay.class.getDeclaredField("kept");
            kept.setAccessible(true);
            int capacity = ((char[]) kept.get(replay.get(csv))).length;
            assertTrue(capacity <= 2 * CsvInput.MAX_RECORD_CHARS, "kept " + capacity + " characters");
        }
        assertEquals(List.of("HV02:3"), hosts);
        assertEquals(List.of(2L), skipped);
    }

    /**
     * Resuming far into a file, after the kept text was dropped many times, with each kind of line break Commons CSV
     * counts (\r\n, \n, a lone \r), keeps the records and their line numbers.
     */
    @Test
    void resumingFarIntoAFileKeepsEveryRecordAndItsLine() throws Exception {
        String[] breaks = {"\r\n", "\n", "\r"};
        StringBuilder text = new StringBuilder("CSName,HotFixID\r\n");
        List<String> expected = new ArrayList<>();
        List<Long> expectedBad = new ArrayList<>();
        long line = 1;
        for (int i = 0; i < 3000; i++) {
            String br = breaks[i % 3];
            line++;
            if (i % 97 == 0) {
                text.append("HV").append(i).append(",\"KB5").append("y".repeat(i % 5 == 0 ? 20000 : 3)).append(br);
                expectedBad.add(line);
            } else if (i % 89 == 0) {
                text.append("   ").append(br); // a blank line between records
            } else {
                text.append("HV").append(i).append(",KB").append(5000000 + i).append(br);
                expected.add("HV" + i + ":" + line);
            }
        }
        List<String> hosts = new ArrayList<>();
        List<Long> skipped = new ArrayList<>();
        try (CsvInput csv = CsvInput.open(new java.io.BufferedReader(new java.io.StringReader(text.toString())))) {
            csv.each((rec, l) -> hosts.add(rec.get("CSName") + ":" + l), (l, why) -> skipped.add(l));
        }
        assertEquals(expectedBad, skipped);
        assertEquals(expected, hosts);
    }

    @Test
    void eventExportsWithMultiLineMessagesResumeToo() throws Exception {
        Path file = tmp.resolve("events.csv");
        Files.writeString(file, """
                "Id","MachineName","TimeCreated","Message"
                "21502","HV01.contoso.com","2026-11-20 06:00:00","Live migration of 'VM1' failed.
                Failed to establish a connection with host 'HV02': no credentials are available (0x8009030E)."
                "21502","HV01.contoso.com","2026-11-20 06:05:00","Live migration of 'VM2 failed.
                "22038","HV03.contoso.com","2026-11-20 06:10:00","Failed to perform migration on virtual machine 'VM3'
                to host 'HV04': security context."
                """);
        List<EventRecord> events = new ArrayList<>();
        List<ImportProblem> problems = new ArrayList<>();
        ImportResult r = new EventImporter(List.of(21502, 22038), ZoneOffset.UTC).read(file, events::add,
                problems::add);
        assertNull(r.error());
        assertEquals(List.of("HV01", "HV03"), events.stream().map(EventRecord::host).toList(), problems.toString());
        assertEquals(List.of(4L), problems.stream().map(ImportProblem::line).toList());
        assertEquals(file + ":6", events.get(1).origin());
    }

    @Test
    void inspectPrintsEachSkippedLineAndCountsOnlyThose() throws Exception {
        Path file = tmp.resolve("hotfix.csv");
        Files.writeString(file, "CSName,HotFixID\nHV01,\"KB5019966\nHV02,KB5031361\nHV03,KB5034127\n");
        CliRun c = CliRun.run(Map.of(), "inspect", "patches", file.toString());
        assertEquals(0, c.exitCode(), c.toString());
        assertEquals(2, c.out().lines().count(), c.out());
        assertTrue(c.err().contains(file + ":2: malformed CSV: a quote opened on it is never closed"), c.err());
        assertTrue(c.err().contains("2 records, 1 line skipped"), c.err());
    }
}
