package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No control character from a file or the directory reaches the terminal, on any console path. */
class ConsoleTextTest {
    private static final String HOSTILE = "\u001b]0;owned\u0007\u001b[2J\u009b31m\u202eevil\u2066x\u2069\r\bz";

    @TempDir
    Path tmp;

    private static boolean controls(String s) {
        return s.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 && c <= 0x9f
                || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c == 0x2028 || c == 0x2029);
    }

    @Test
    void inspectPrintsNoControlCharactersFromCsvHeadersOrValues() throws Exception {
        Path csv = tmp.resolve("hotfix.csv");
        // not a patch export: the summary line quotes the header
        Files.writeString(csv, "\"Name" + HOSTILE + "\",Other\nHV01,x\n", StandardCharsets.UTF_8);
        Path patches = tmp.resolve("patches.csv");
        // a patch export whose KB value is hostile: the skipped line quotes it
        Files.writeString(patches, "PSComputerName,HotFixID\nHV01,KB" + HOSTILE + "\n", StandardCharsets.UTF_8);
        CliRun r = CliRun.run(Map.of(), "inspect", "patches", csv.toString(), patches.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("not a patch export") && r.err().contains("evil"), r.err());
        assertTrue(r.err().contains(patches + ":2: "), r.err());
        assertFalse(controls(r.err()), "control characters in: " + r.err().replace("\u001b", "ESC"));
        assertFalse(controls(r.out()), r.out());
        // a line feed inside a quoted value forges no line of its own
        Path forged = tmp.resolve("forged.csv");
        Files.writeString(forged, "PSComputerName,HotFixID,InstalledOn\nHV01,\"KB50\nhv09.csv: Get-HotFix CSV: 1"
                + " record, 0 lines skipped\",notadate\n", StandardCharsets.UTF_8);
        CliRun f = CliRun.run(Map.of(), "inspect", "patches", forged.toString());
        assertTrue(f.err().lines().noneMatch(l -> l.startsWith("hv09.csv")), f.err());
    }

    @Test
    void theFilterDropsControlsAndKeepsText() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream clean = ConsoleText.clean(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        clean.print("a" + HOSTILE + " é ü € \u2028 ok\r\nnext\tline\n");
        clean.flush();
        assertEquals("a]0;owned[2J31mevilxz é ü €  ok\r\nnext\tline\n", bytes.toString(StandardCharsets.UTF_8));
    }
}
