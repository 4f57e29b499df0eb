package org.kcdauditor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/bench/summarize.py on the raw files run.sh leaves (no slapd, no audit run): an audit round that did not
 * complete (exit 1, e.g. out of memory at -Xmx512m) must not count as a fast audit, as the next run's rounds
 * already do not: the issue asks for an honest report.
 */
class BenchSummaryTest {
    private static final Path SCRIPT = Path.of("scripts/bench/summarize.py");

    @Test
    void aFailedAuditRoundIsNotTimedAsAnAudit(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("h1000"));
        rawFiles(d, 1, "0.000 1.000", "0.000 0.400 1");   // floor 1.0 s, audit failed after 0.4 s
        rawFiles(d, 2, "0.000 1.000", "0.000 5.000 3");   // floor 1.0 s, audit completed in 5.0 s
        rawFiles(d, 3, "0.000 1.000", "0.000 6.000 0");   // floor 1.0 s, audit completed in 6.0 s
        Path out = dir.resolve("results/hosts-1000.json");
        summarize(dir, d, 3, out);
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertEquals(5.5, r.path("audit").path("wallSeconds").asDouble(), 1e-9, r.toPrettyString());
        assertEquals(5.5, r.path("ratio").asDouble(), 1e-9);
        assertEquals(3, r.path("audit").path("runs").size(), "every round stays in the file, with its exit code");
        assertFalse(r.path("audit").path("runs").get(0).path("completed").asBoolean());
    }

    @Test
    void noCompletedAuditGivesNoTimeNoRatioAndTheTableStillPrints(@TempDir Path dir) throws Exception {
        Path d = Files.createDirectories(dir.resolve("h1000"));
        rawFiles(d, 1, "0.000 1.000", "0.000 0.400 1");
        Path out = dir.resolve("results/hosts-1000.json");
        summarize(dir, d, 1, out);
        JsonNode r = new ObjectMapper().readTree(out.toFile());
        assertTrue(r.path("audit").path("wallSeconds").isNull(), r.toPrettyString());
        assertTrue(r.path("ratio").isNull());
        assertTrue(r.path("auditMsPerHost").isNull());
        String table = run("--table", out.toString());
        String row = table.lines().filter(l -> l.startsWith("| 1000 ")).findFirst().orElseThrow(() -> new AssertionError(table));
        assertTrue(row.contains("| 1 |"), "the exit code is shown: " + row);
        assertTrue(row.startsWith("| 1000 | 4000 | 5000 | 1.00 | - | - |"), row);
    }

    private static void rawFiles(Path d, int round, String floorWall, String auditWall) throws Exception {
        Files.writeString(d.resolve("data.ldif"), "dn: DC=contoso,DC=com\n");
        Files.writeString(d.resolve("data.ldif.manifest.json"),
                "{\"hosts\": 1000, \"others\": 4000, \"searchEntries\": 5000}\n");
        Files.writeString(d.resolve("floor" + round + ".wall"), floorWall + "\n");
        Files.writeString(d.resolve("floor" + round + ".ldif"), "dn: CN=HV0001,DC=contoso,DC=com\n");
        Files.writeString(d.resolve("audit" + round + ".wall"), auditWall + "\n");
        Files.writeString(d.resolve("audit" + round + ".err"), "");
    }

    /** summarize.py over the raw files of {@code rounds} rounds of 1,000 hosts in {@code d}, into {@code out}. */
    private static void summarize(Path dir, Path d, int rounds, Path out) throws Exception {
        run("--dir", d.toString(), "--hosts", "1000", "--others", "4000", "--repeat", String.valueOf(rounds),
                "--stamps", "0", "1", "2", "--nopage-count", "1000", "--formats", "json", "--requested-formats", "json",
                "--load", "0.1 0.1 0.1", "0.1 0.1 0.1", "--audit-cmd", "kcd-audit", "--root", dir.toString(),
                "--floor-filter", "(objectClass=computer)", "--floor-attrs", "cn", "--heap", "512m", "--out", out.toString());
    }

    private static String run(String... args) throws Exception {
        // the bench needs python3 anyway; a build machine without it skips these
        Assumptions.assumeTrue(java.util.stream.Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "python3"))), "python3 not on PATH");
        List<String> cmd = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
