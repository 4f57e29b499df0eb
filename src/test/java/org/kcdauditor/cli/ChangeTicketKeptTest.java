package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The change ticket a run's reports were prepared under is kept in its findings.json ({@code summary.changeTicket}):
 * {@code report --from} re-rendered the runbook, the script and the PDF with "Change ticket: ______________" instead,
 * silently, and a pipeline reading findings.json could not tie the run to its change.
 */
class ChangeTicketKeptTest {
    @TempDir
    Path dir;

    @Test
    void theRunsTicketIsRecordedAndReRenderedUnlessTheCommandLineGivesAnother() throws Exception {
        Path out = dir.resolve("demo-ct");
        CliRun demo = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "md,ps1,json",
                "--change-ticket", "CHG777 \"rollout\" <b>");
        assertEquals(0, demo.exitCode(), demo.toString());
        JsonNode doc = CliRun.findings(out);
        assertEquals("CHG777 \"rollout\" <b>", doc.path("summary").path("changeTicket").asText(), doc.path("summary")
                .toString());

        // re-rendered from the run's folder: the runbook and the script name the run's ticket again
        Files.delete(out.resolve("runbook.md"));
        Files.delete(out.resolve("remediation.ps1"));
        CliRun again = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md,ps1");
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(Files.readString(out.resolve("runbook.md")).contains("CHG777"), "the run's ticket");
        assertTrue(Files.readString(out.resolve("remediation.ps1")).contains("CHG777"), "the run's ticket");
        assertFalse(again.err().contains("change ticket"), again.err());

        // --change-ticket overrides it, and says so
        CliRun other = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md", "--out",
                dir.resolve("for-the-cab").toString(), "--change-ticket", "CHG888");
        assertEquals(0, other.exitCode(), other.toString());
        assertTrue(Files.readString(dir.resolve("for-the-cab/runbook.md")).contains("CHG888"));
        assertFalse(Files.readString(dir.resolve("for-the-cab/runbook.md")).contains("CHG777"));
        assertTrue(other.err().contains("kcd-audit: --change-ticket CHG888 replaces the change ticket the run was"
                + " prepared under, CHG777 \"rollout\" <b> (summary.changeTicket of its findings.json)"), other.err());
        // the same ticket again is no news
        CliRun same = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md", "--change-ticket",
                "CHG777 \"rollout\" <b>");
        assertEquals(0, same.exitCode(), same.toString());
        assertEquals("", same.err());

        // an edited findings.json whose ticket is not one line of visible text is refused, as the option would be
        com.fasterxml.jackson.databind.node.ObjectNode edited = (com.fasterxml.jackson.databind.node.ObjectNode) doc;
        ((com.fasterxml.jackson.databind.node.ObjectNode) edited.path("summary")).put("changeTicket", "CHG777\nrm -rf");
        org.kcdauditor.report.FindingsJson.MAPPER.writeValue(out.resolve("findings.json").toFile(), edited);
        CliRun bad = CliRun.run(Map.of(), "report", "--from", out.toString(), "--formats", "md");
        assertEquals(2, bad.exitCode(), bad.toString());
        assertTrue(bad.err().contains(out.resolve("findings.json") + ": summary.changeTicket: one line of visible"
                + " text"), bad.err());
    }

    @Test
    void aRunWithoutATicketRecordsNone() throws Exception {
        Path out = dir.resolve("demo");
        CliRun demo = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json");
        assertEquals(0, demo.exitCode(), demo.toString());
        assertTrue(CliRun.findings(out).path("summary").path("changeTicket").isMissingNode(), "absent, not null");
    }
}
