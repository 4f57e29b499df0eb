package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {

    record Result(int code, String out, String err) {
    }

    static Result run(Path home, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), home);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Path storedRun(Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        try (var in = ReportCommandTest.class.getResourceAsStream("/report/findings-demo.json")) {
            Files.copy(in, run.resolve("findings.json"));
        }
        return run;
    }

    @Test
    void reRendersFromStoredFindingsWithoutTouchingThem(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        byte[] before = Files.readAllBytes(run.resolve("findings.json"));
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "md,ps1");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(run.resolve("runbook.md")));
        assertTrue(Files.exists(run.resolve("remediation.ps1")));
        assertFalse(Files.exists(run.resolve("audit.pdf")), "only the formats asked for");
        assertEquals(new String(before, StandardCharsets.UTF_8),
                Files.readString(run.resolve("findings.json")), "findings.json is the source, never rewritten");
    }

    /**
     * json alone into the run's own folder writes nothing (its findings.json is the source): the command printed
     * "Reports of run … in DIR:" and no file under it. It says there is nothing to write, and why.
     */
    @Test
    void jsonAloneIntoTheRunsOwnFolderSaysThereIsNothingToWrite(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        byte[] before = Files.readAllBytes(run.resolve("findings.json"));
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "json");
        assertEquals(0, r.code(), r.err());
        assertEquals("Nothing to write: " + run.resolve("findings.json") + " is the run's own, the findings the"
                + " reports are rendered from (give --out DIR for a copy elsewhere, or other --formats)\n", r.out());
        assertEquals(List.of("findings.json"), names(run));
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(run.resolve("findings.json"))));
    }

    @Test
    void anotherRunsFolderIsRefusedAndTheRunsOwnKeepsItsOtherReports(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Files.writeString(run.resolve("audit.pdf"), "this run's PDF");
        Path other = Files.createDirectories(dir.resolve("latest"));
        Files.writeString(other.resolve("findings.json"), "{\"schemaVersion\": 1, \"runId\": \"0b1c2d3e-another\"}");
        Files.writeString(other.resolve("audit.xlsx"), "another run's workbook");
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "json,md", "--out",
                other.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--out: " + other + " holds the reports of another run (0b1c2d3e-another), not of"
                + " run "), r.err());
        assertEquals(List.of("audit.xlsx", "findings.json"), names(other), "nothing written, nothing removed");
        // --from a findings file whose folder holds another run's findings.json: the same refusal
        Files.copy(run.resolve("findings.json"), other.resolve("kept-copy.json"));
        r = run(Path.of("."), "report", "--from", other.resolve("kept-copy.json").toString(), "--formats", "md");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--from: " + other + " holds the reports of another run"), r.err());

        r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "md");
        assertEquals(0, r.code(), r.err());
        assertEquals("this run's PDF", Files.readString(run.resolve("audit.pdf")), "its own folder keeps the rest");
        assertFalse(r.out().contains("Also there"), r.out());
        // an empty folder gets this run's findings.json with what is re-rendered
        Path cab = dir.resolve("for-the-cab");
        r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "json,md", "--out", cab.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(run.resolve("findings.json")), Files.readString(cab.resolve("findings.json")));
    }

    private static List<String> names(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A key written twice is refused, as in the config and the baseline (Jackson kept the last one silently): the file
     * was edited, and which of the two values the run found is not known. kcd-audit never writes one.
     */
    @Test
    void aKeyWrittenTwiceIsRefusedNamingTheFileTheLineAndTheKeyPath(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path file = run.resolve("findings.json");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        int line = 0;
        while (!lines.get(line).strip().startsWith("{\"id\":\"4e624bde64617ca4\"")) {
            line++;
        }
        lines.set(line, lines.get(line).replace("\"severity\":\"HIGH\"", "\"severity\":\"LOW\",\"severity\":\"HIGH\""));
        Files.write(file, lines);
        refused(2, file + ":" + (line + 1) + ": findings[1]: 'severity' appears twice; only one can count: kcd-audit never writes"
                + " that, so the file was edited: give the findings.json of a finished run as it was written",
                run.resolve("runbook.md"), "report", "--from", run.toString(), "--formats", "md");
    }

    /** A link to a folder that is gone, given as --out, is said to be one (it read "exists and is not a folder"). */
    @Test
    void aLinkToNothingAsOutIsNamedWithItsTarget(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path link = Files.createSymbolicLink(dir.resolve("latest"), dir.resolve("gone"));
        refused(1, "cannot write output: " + link + ": a link to nothing (" + dir.resolve("gone") + " does not exist):"
                + " create that folder, or remove the link — give a folder this account may write and that has free"
                + " space: --out DIR", dir.resolve("gone"), "report", "--from", run.toString(), "--formats", "md",
                "--out", link.toString());
    }

    /** A named pipe as --from is refused before it is opened: reading it waited for a writer for ever. */
    @Test
    void aNamedPipeAsFromIsRefusedWithoutWaiting(@TempDir Path dir) throws Exception {
        Path pipe = dir.resolve("findings.json");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> refused(2,
                "--from: " + pipe + ": a named pipe or a device, not a file: give the folder of a finished run",
                dir.resolve("runbook.md"), "report", "--from", pipe.toString(), "--formats", "md"));
    }

    /** The command {@code args} ends with {@code code} and the one line {@code line}, and {@code unwritten} is not there. */
    private static void refused(int code, String line, Path unwritten, String... args) {
        Result r = run(Path.of("."), args);
        assertEquals(code, r.code(), r.out() + r.err());
        assertEquals("kcd-audit: " + line + "\n", r.err());
        assertFalse(Files.exists(unwritten));
    }

    /**
     * A folder marked as a run that did not complete: named .failed, or holding FAILED.txt (a .failed folder of that
     * name already there leaves it .partial), or .partial (a run still writing, or killed): not a report.
     */
    @Test
    void aFolderOfARunThatDidNotCompleteIsRefused(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path failed = Files.move(run, dir.resolve("kcd-audit-1a2b3c4d.failed"));
        refused(2, "--from: " + failed + " is the folder of a run that did not complete (its name ends in .failed):"
                + " its files are not a report, nothing to re-render", failed.resolve("runbook.md"), "report", "--from",
                failed.toString(), "--formats", "md");
        Path partial = Files.move(failed, dir.resolve(".kcd-audit-1a2b3c4d.partial"));
        Files.writeString(partial.resolve("FAILED.txt"), "This run did not complete, so the files in this folder are"
                + " not a report:\n\nRun:     1a2b3c4d-0000-0000-0000-000000000000\nStarted: 2026-12-07T10:00:00Z\n"
                + "Reason:  the directory could not be read\u001b[31m\n\nkcd-audit history --config FILE shows the run\n");
        refused(2, "--from: " + partial + " is the folder of run 1a2b3c4d, which did not complete (FAILED: the"
                + " directory could not be read [31m): its files are not a report, nothing to re-render",
                partial.resolve("runbook.md"), "report", "--from", partial.toString(), "--formats", "md");
        Files.delete(partial.resolve("FAILED.txt"));
        refused(2, "--from: " + partial + " is the folder of a run that did not complete (its name ends in .partial:"
                + " still running, or stopped): its files are not a report, nothing to re-render",
                partial.resolve("runbook.md"), "report", "--from", partial.toString(), "--formats", "md");
    }

    @Test
    void aRunbookWithoutItsScriptBesideItSaysHowToWriteIt(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        String note = "remediation.ps1, which the steps below name, was not written with this runbook: if it is not in"
                + " this folder, `kcd-audit report --from <this run's folder> --formats ps1` writes it from the same"
                + " findings.";
        Path elsewhere = dir.resolve("for-the-cab");
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "md", "--out",
                elsewhere.toString()).code());
        assertTrue(Files.readString(elsewhere.resolve("runbook.md")).contains(note));
        // as the note says: the script of the same run into that folder, which keeps its runbook
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "ps1", "--out",
                elsewhere.toString()).code());
        assertTrue(Files.exists(elsewhere.resolve("runbook.md")) && Files.exists(elsewhere.resolve("remediation.ps1")));
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "html").code());
        assertTrue(Files.readString(run.resolve("runbook.html")).contains("remediation.ps1, which the steps below name,"
                + " was not written with this runbook"));
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "ps1").code());
        assertTrue(Files.readString(run.resolve("remediation.ps1")).contains("# runbook.md, which this script names,"
                + " was not written with it"), "runbook.html alone does not count: the script names runbook.md");
        // the script is in the run's folder now: a runbook rendered again alone has it beside it
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "md").code());
        assertFalse(Files.readString(run.resolve("runbook.md")).contains("was not written"));
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--formats", "md,ps1").code());
        assertFalse(Files.readString(run.resolve("remediation.ps1")).contains("was not written"));
    }

    @Test
    void theChangeTicketOfTheCommandLineIsPrintedAndABadOneIsAUsageError(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "md,ps1", "--change-ticket",
                "CHG0042");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(run.resolve("runbook.md")).contains("Change ticket: CHG0042"));
        assertTrue(Files.readString(run.resolve("remediation.ps1")).contains("# Change ticket: CHG0042"));
        Result bad = run(Path.of("."), "report", "--from", run.toString(), "--change-ticket", "a\nb");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--change-ticket: one line of visible text"), bad.err());
    }

    @Test
    void aRunWrittenBeforeFindingsCarriedEvidenceStillRendersAndShowsItsText(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("old"));
        try (var in = ReportCommandTest.class.getResourceAsStream(Fixtures.LEGACY)) {
            Files.copy(in, run.resolve("findings.json"));
        }
        Result r = run(Path.of("."), "report", "--from", run.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : java.util.List.of("audit.xlsx", "audit.pdf", "runbook.md", "runbook.html", "remediation.ps1")) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String md = Files.readString(run.resolve("runbook.md"));
        // MISSING_DELEGATION, UNCONSTRAINED_DELEGATION: scripted from their fields (host, peer, SPN)
        assertTrue(md.contains("Set-ADComputer -Identity 'HV02$' -Add @{'msDS-AllowedToDelegateTo'=@('cifs/HV03',"), md);
        assertTrue(md.contains("Set-ADAccountControl -Identity 'HV03$' -TrustedForDelegation $false"), md);
        // what the fields cannot decide is a decision showing the stored text
        assertTrue(md.contains("  To decide: Register it on the host's account: setspn -S Microsoft Virtual System"
                + " Migration Service/hv14.contoso.com HV14"), md);
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(run.resolve("audit.xlsx").toFile())) {
            var rules = wb.getSheet("Rules");
            assertEquals("A host cannot delegate to a peer's migration or SMB service", rules.getRow(1).getCell(3)
                    .getStringCellValue(), "rule titles from this version's catalogue when the run carries none");
        }
    }

    @Test
    void reRenderingARunWithWaiversKeepsThemWaived(@TempDir Path dir) throws Exception {
        Path demo = dir.resolve("demo");
        Result d = run(Path.of("."), "demo", "--out", demo.toString(), "--formats", "json,ps1");
        assertEquals(0, d.code(), d.err());
        String raw = Files.readString(demo.resolve("findings.json"));
        long waivedInFile = raw.split("\"waived\" *: *true", -1).length - 1;
        assertTrue(waivedInFile > 0, "the demo has waived findings");
        assertEquals(waivedInFile, FindingsJson.read(demo.resolve("findings.json")).findings().stream()
                .filter(org.kcdauditor.model.Finding::isWaived).count(), "waivers survive reading findings.json");

        Path again = dir.resolve("again");
        Result r = run(Path.of("."), "report", "--from", demo.toString(), "--out", again.toString(), "--formats", "ps1");
        assertEquals(0, r.code(), r.err());
        assertEquals(Files.readString(demo.resolve("remediation.ps1")), Files.readString(again.resolve("remediation.ps1")),
                "a re-rendered script leaves waived entries out, as the run's own did");
    }

    /**
     * A findings.json whose base DN cannot be typed into a command (edited by hand: a right-to-left override in it)
     * still renders its runbooks; the export step says to export by hand instead of failing the template.
     */
    @Test
    void aBaseDnThatCannotBeTypedGivesAnExportStepByHand(@TempDir Path dir) throws Exception {
        Path demo = dir.resolve("demo");
        Result d = run(Path.of("."), "demo", "--out", demo.toString(), "--formats", "json");
        assertEquals(0, d.code(), d.err());
        String raw = Files.readString(demo.resolve("findings.json"));
        assertTrue(raw.contains("\"DC=contoso,DC=com\""), "the demo's base DN");
        Files.writeString(demo.resolve("findings.json"), raw.replace("\"DC=contoso,DC=com\"",
                "\"DC=contoso\\u202e,DC=com\""));
        // a findings.json as such a directory gives it: a folder without a manifest, which vouches for the demo's
        Files.delete(demo.resolve("manifest.sha256"));
        Path again = dir.resolve("again");
        Result r = run(Path.of("."), "report", "--from", demo.toString(), "--out", again.toString(), "--formats",
                "md,html");
        assertEquals(0, r.code(), r.err());
        for (String file : List.of("runbook.md", "runbook.html")) {
            assertTrue(Files.readString(again.resolve(file)).contains("# Export by hand: the base DN holds characters"
                    + " that cannot be typed safely into a command"), file);
        }
    }

    @Test
    void matrixEntriesAlwaysCarryRequiredAndPresentEvenAtZero() throws Exception {
        var json = FindingsJson.MAPPER.valueToTree(new FindingsDocument.PairDoc("HV11", "HV12", 4, 0, false,
                java.util.List.of(new FindingsDocument.BlockerDoc("MISSING_DELEGATION", "0123456789abcdef")),
                java.util.List.of("cifs/HV12"), java.util.List.of(), false, false));
        assertEquals(java.util.List.of("from", "to", "required", "present", "ok", "blockers", "missing"),
                java.util.stream.StreamSupport.stream(((Iterable<String>) json::fieldNames).spliterator(), false)
                        .toList(), json.toString());
        assertEquals(0, json.path("present").asInt(-1));
    }

    @Test
    void editedTemplateInTheInstallationIsUsed(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve("templates"));
        Files.writeString(home.resolve("templates/runbook.md.ftl"), "Edited for ${run.domain}\n");
        Result r = run(home, "report", "--from", run.toString(), "--formats", "md");
        assertEquals(0, r.code(), r.err());
        assertEquals("Edited for contoso.com\n", Files.readString(run.resolve("runbook.md")));
    }

    @Test
    void badTemplateIsAUsageErrorOnOneLine(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path t = Files.createDirectories(dir.resolve("t"));
        Files.writeString(t.resolve("runbook.md.ftl"), "${\"freemarker.template.utility.Execute\"?new()(\"id\")}\n");
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "md", "--templates", t.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("kcd-audit: " + t.resolve("runbook.md.ftl") + ":1: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(run.resolve("runbook.md")), "no half-written runbook");
    }

    /**
     * An admin's template carried over from an earlier release (docs/install.md, Upgrading, step 3) that names a value
     * this release no longer gives (the runbook.md.ftl of 20ccd3ad stops at its line 73, {@code ${pc.fix?no_esc}}):
     * every run failed with FreeMarker's "has evaluated to null or missing" alone; the line says what to do.
     */
    @Test
    void aTemplateOfAnEarlierReleaseSaysToCarryTheEditsOver(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        Path t = Files.createDirectories(dir.resolve("t"));
        Files.writeString(t.resolve("runbook.md.ftl"), "# Runbook\n<#list [{}] as pc>\n${pc.fix?no_esc}\n</#list>\n");
        Result r = run(Path.of("."), "report", "--from", run.toString(), "--formats", "md", "--templates", t.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("kcd-audit: " + t.resolve("runbook.md.ftl") + ":3: "), r.err());
        assertTrue(r.err().contains("pc.fix") && r.err().contains("an earlier release")
                && r.err().contains("docs/install.md, Upgrading, step 3"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aFailedReRenderingLeavesTheRunsFolderAsItWas(@TempDir Path dir) throws Exception {
        Path run = storedRun(dir);
        assertEquals(0, run(Path.of("."), "report", "--from", run.toString(), "--change-ticket", "CHG0001").code());
        Map<String, byte[]> before = contents(run);
        assertEquals(7, before.size(), before.keySet().toString()); // the six reports and manifest.sha256

        // one format's template broken: the other formats, written fine, must not replace the stored ones
        Path t = Files.createDirectories(dir.resolve("t"));
        Files.writeString(t.resolve("runbook.md.ftl"), "${run.domain\n");
        Result bad = run(Path.of("."), "report", "--from", run.toString(), "--templates", t.toString(),
                "--change-ticket", "CHG0002");
        assertEquals(2, bad.code(), bad.err());
        assertFolderIs(before, run);

        // a file that cannot be replaced (a folder named runbook.md here; on Windows a workbook open in Excel):
        // the files moved in before it are moved back out
        Files.delete(run.resolve("runbook.md"));
        Files.createDirectory(run.resolve("runbook.md"));
        before.remove("runbook.md");
        Result stuck = run(Path.of("."), "report", "--from", run.toString(), "--change-ticket", "CHG0002");
        assertEquals(1, stuck.code(), stuck.err());
        assertEquals("kcd-audit: cannot write output: " + run.toAbsolutePath().resolve("runbook.md") + " cannot be"
                + " replaced (Is a directory), so no report was moved into " + run.toAbsolutePath(), stuck.err().strip());
        assertTrue(Files.isDirectory(run.resolve("runbook.md")));
        Files.delete(run.resolve("runbook.md"));
        assertFolderIs(before, run);
    }

    private static Map<String, byte[]> contents(Path folder) throws java.io.IOException {
        Map<String, byte[]> files = new java.util.TreeMap<>();
        try (var s = Files.list(folder)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static void assertFolderIs(Map<String, byte[]> expected, Path folder) throws java.io.IOException {
        Map<String, byte[]> now = contents(folder);
        assertEquals(expected.keySet(), now.keySet(), "no file added, none left behind");
        for (String name : expected.keySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected.get(name), now.get(name), name);
        }
    }

    @Test
    void anIncompleteOrForeignFindingsFileSaysWhichItIs(@TempDir Path dir) throws Exception {
        Path partial = Files.writeString(dir.resolve("partial.json"), "{\"schemaVersion\":1}");
        Result r = run(Path.of("."), "report", "--from", partial.toString());
        assertEquals(2, r.code());
        assertEquals("kcd-audit: " + partial + ": an incomplete findings.json (no findings section); give the folder"
                + " of a finished run", r.err().strip());
        Path cut = Files.writeString(dir.resolve("cut.json"), "{\"schemaVersion\":1,\"findings\":[{\"id\":\"ab");
        Result c = run(Path.of("."), "report", "--from", cut.toString());
        assertEquals("kcd-audit: " + cut + ": cannot read findings.json: it ends early (a copy cut short?); give the"
                + " findings.json of a finished run", c.err().strip());
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"schemaVersion\":1,\n x}");
        Result b = run(Path.of("."), "report", "--from", broken.toString());
        assertTrue(b.err().startsWith("kcd-audit: " + broken + ": cannot read findings.json (line 2): Unexpected"
                + " character"), b.err());
        assertFalse(b.err().contains("Source"), "no parser internals: " + b.err());
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        assertEquals("kcd-audit: " + empty + ": not a kcd-audit findings.json (the file is empty); give the folder of"
                + " a finished run", run(Path.of("."), "report", "--from", empty.toString()).err().strip());
        Path list = Files.writeString(dir.resolve("list.json"), "[1,2]");
        assertTrue(run(Path.of("."), "report", "--from", list.toString()).err().contains("not a kcd-audit"
                + " findings.json (it holds no JSON object with a run's findings)"));
        Path future = Files.writeString(dir.resolve("future.json"), "{\"schemaVersion\":2}");
        Result f = run(Path.of("."), "report", "--from", future.toString());
        assertTrue(f.err().contains("schemaVersion 2; this kcd-audit reads 1"), f.err());
        Path foreign = Files.writeString(dir.resolve("foreign.json"), "{\"hello\":1}");
        Result g = run(Path.of("."), "report", "--from", foreign.toString());
        assertTrue(g.err().contains("(schemaVersion missing; this kcd-audit reads 1)"), g.err());
        Path severity = Files.writeString(dir.resolve("severity.json"), "{\"schemaVersion\":1,\"findings\":["
                + "{\"id\":\"ab\",\"rule\":\"X\",\"severity\":\"CRITICAL\"}]}");
        Result s = run(Path.of("."), "report", "--from", severity.toString());
        assertEquals(2, s.code());
        assertEquals("kcd-audit: " + severity + ": findings[0].severity: unknown value 'CRITICAL' (a findings.json of a"
                + " newer kcd-audit?); render it with the version that wrote it", s.err().strip());
    }

    @Test
    void missingFindingsIsAUsageError(@TempDir Path dir) {
        Result r = run(Path.of("."), "report", "--from", dir.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("findings.json: not found"), r.err());
    }
}
