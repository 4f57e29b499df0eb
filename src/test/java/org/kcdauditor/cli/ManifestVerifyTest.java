package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An auditor files a month's reports and must later show they are what the tool wrote: the run's folder held no list
 * of what it wrote nor any digest of it, and nothing could check a folder again. Now every folder a run (or {@code
 * report --from}) writes holds {@code manifest.sha256} (sha256sum's format: {@code sha256sum -c} checks it too), and
 * {@code kcd-audit verify DIR} checks the folder against it.
 */
class ManifestVerifyTest {
    @TempDir
    Path dir;

    @Test
    void aRunsFolderListsTheDigestOfEveryFileItWroteAndVerifies() throws Exception {
        Path out = dir.resolve("2026-12");
        CliRun demo = CliRun.run(Map.of(), "demo", "--out", out.toString());
        assertEquals(0, demo.exitCode(), demo.toString());
        Map<String, String> listed = manifest(out);
        Set<String> files = new TreeSet<>();
        try (Stream<Path> s = Files.list(out)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("manifest.sha256")).forEach(files::add);
        }
        assertEquals(files, new TreeSet<>(listed.keySet()), "every file of the run's folder is listed");
        for (Map.Entry<String, String> e : listed.entrySet()) {
            assertEquals(sha256(out.resolve(e.getKey())), e.getValue(), e.getKey());
        }

        // anyone can write a folder's manifest again (sha256sum * > manifest.sha256): its own digest, said at the end
        // of the run, is what the auditor files elsewhere (the change ticket) to check the manifest by
        assertTrue(demo.out().contains("\n  manifest.sha256: SHA-256 " + sha256(out.resolve("manifest.sha256"))
                + " (file it elsewhere"), demo.out());

        CliRun ok = CliRun.run(Map.of(), "verify", out.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
        assertTrue(ok.out().contains("6 files match manifest.sha256"), ok.out());
        assertTrue(ok.out().contains("run " + CliRun.findings(out).get("runId").asText()), ok.out());
    }

    @Test
    void aChangedMissingOrUnlistedFileFailsVerification() throws Exception {
        Path out = dir.resolve("2026-11");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,pdf,md").exitCode());
        byte[] pdf = Files.readAllBytes(out.resolve("audit.pdf"));
        pdf[pdf.length / 2] ^= 1;
        Files.write(out.resolve("audit.pdf"), pdf);
        Files.delete(out.resolve("runbook.md"));
        Files.writeString(out.resolve("remediation.ps1"), "Write-Host 'not from the run'\n");

        CliRun bad = CliRun.run(Map.of(), "verify", out.toString());
        assertEquals(3, bad.exitCode(), bad.toString());
        assertTrue(bad.out().contains("CHANGED  audit.pdf"), bad.out());
        assertTrue(bad.out().contains("MISSING  runbook.md"), bad.out());
        assertTrue(bad.out().contains("UNLISTED remediation.ps1"), bad.out());
        assertTrue(bad.out().contains("OK       findings.json"), bad.out());
        assertTrue(bad.out().endsWith("\n2 files of 3 listed do not match manifest.sha256, 1 report not listed:"
                + " these are not the files the run wrote.\n"), bad.out());
    }

    @Test
    void reRenderingWritesTheManifestAgainForTheWholeFolder() throws Exception {
        Path out = dir.resolve("run");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,pdf").exitCode());
        CliRun again = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(Set.of("findings.json", "audit.pdf", "runbook.md"), manifest(out).keySet());
        assertTrue(again.out().contains("\n  manifest.sha256: SHA-256 " + sha256(out.resolve("manifest.sha256"))
                + " (file it elsewhere"), again.out());
        CliRun ok = CliRun.run(Map.of(), "verify", out.toString());
        assertEquals(0, ok.exitCode(), ok.toString());
    }

    /**
     * {@code report --from} hashed the reports it kept beside the new ones as they then were, and wrote them into the
     * new manifest: an altered audit.pdf, or reports rendered from an edited findings.json, then verified OK. Now a
     * folder whose findings.json or a report it keeps differs from its manifest is refused (exit 3, as verify), naming
     * the files, and the folder and its manifest are left as they were.
     */
    @Test
    void reRenderingRefusesAFolderWhoseFindingsOrKeptReportsDifferFromItsManifest() throws Exception {
        Path out = dir.resolve("altered");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,pdf,md").exitCode());
        Files.write(out.resolve("audit.pdf"), new byte[]{'\n'}, java.nio.file.StandardOpenOption.APPEND);
        String manifest = Files.readString(out.resolve("manifest.sha256"));

        CliRun kept = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "xlsx");
        assertEquals(3, kept.exitCode(), kept.toString());
        assertEquals(List.of("kcd-audit: --from: " + out + " does not match its manifest.sha256 (audit.pdf CHANGED):"
                + " the reports kept beside the new ones would be listed in the new manifest as the run's; render"
                + " them again from findings.json too (--formats xlsx,pdf) or remove them; kcd-audit verify "
                + out + " lists the folder"), kept.err().lines().toList());
        assertEquals(manifest, Files.readString(out.resolve("manifest.sha256")));
        assertTrue(Files.notExists(out.resolve("audit.xlsx")));
        CliRun verify = CliRun.run(Map.of(), "verify", out.toString());
        assertEquals(3, verify.exitCode(), verify.toString());
        assertTrue(verify.out().endsWith("\n1 file of 3 listed does not match manifest.sha256: it is not the file the"
                + " run wrote.\n"), verify.out());

        // rendering the altered report again replaces it with the run's: the folder verifies
        CliRun again = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "pdf,xlsx");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(0, CliRun.run(Map.of(), "verify", out.toString()).exitCode());

        // an edited findings.json renders nothing, here nor elsewhere
        String findings = Files.readString(out.resolve("findings.json"));
        String downgraded = findings.replaceFirst("\"severity\" : \"HIGH\"", "\"severity\" : \"LOW\"");
        assertTrue(!downgraded.equals(findings), "the demo has a HIGH finding to downgrade");
        Files.writeString(out.resolve("findings.json"), downgraded);
        CliRun edited = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md",
                "--out", dir.resolve("elsewhere").toString());
        assertEquals(3, edited.exitCode(), edited.toString());
        assertEquals(List.of("kcd-audit: --from: " + out + " does not match its manifest.sha256 (findings.json"
                + " CHANGED): the findings are not the ones the run wrote, nothing is rendered from them; kcd-audit"
                + " verify " + out + " lists the folder"), edited.err().lines().toList());
        assertTrue(Files.notExists(dir.resolve("elsewhere").resolve("runbook.md")));
    }

    /** A folder written before manifests were (none in it) re-renders as before. */
    @Test
    void aFolderWithoutAManifestReRendersAsBefore() throws Exception {
        Path out = dir.resolve("before");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json,pdf").exitCode());
        Files.delete(out.resolve("manifest.sha256"));
        CliRun again = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md");
        assertEquals(0, again.exitCode(), again.toString());
        assertEquals(Set.of("findings.json", "audit.pdf", "runbook.md"), manifest(out).keySet());
    }

    @Test
    void aFolderWithoutAManifestIsAUsageErrorNamingIt() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("old"));
        CliRun r = CliRun.run(Map.of(), "verify", empty.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(List.of("kcd-audit: " + empty.resolve("manifest.sha256") + ": no such file (a folder written"
                + " before kcd-audit wrote manifests has none: nothing to verify it against)"), r.err().lines().toList());
    }

    private static Map<String, String> manifest(Path out) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out.resolve("manifest.sha256"))) {
            assertTrue(line.matches("[0-9a-f]{64}  \\S.*"), "sha256sum's format: " + line);
            m.put(line.substring(66), line.substring(0, 64));
        }
        return m;
    }

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
