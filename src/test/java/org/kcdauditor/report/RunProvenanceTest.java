package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An auditor must later show which tool produced a month's reports and from which configuration: findings.json, the
 * PDF and the workbook named the configuration file's path at most, never the kcd-audit version and build that ran nor
 * what the file held. Now {@code summary.tool} is the first line of {@code kcd-audit --version} and
 * {@code summary.configSha256} the SHA-256 of the configuration file's bytes, and the PDF's executive summary and the
 * workbook's Summary say both.
 */
class RunProvenanceTest {
    @TempDir
    Path dir;

    @Test
    void aRunNamesTheToolThatRanAndTheDigestOfItsConfigurationInEveryReport() throws Exception {
        String version = CliRun.run(Map.of(), "--version").out().lines().findFirst().orElseThrow();
        assertTrue(version.matches("kcd-audit \\S+ \\(commit \\S+\\)"), version);
        try (DemoDirectory d = ScheduleFixture.directory()) {
            Path cfg = ScheduleFixture.config(dir, d, null, null, null, null);
            Path out = dir.resolve("out");
            CliRun run = CliRun.run(ScheduleFixture.env(d), "run", "--config", cfg.toString(), "--out", out.toString(),
                    "--formats", "json,pdf,xlsx");
            assertTrue(run.exitCode() == 0 || run.exitCode() == 3, run.toString());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(cfg)));

            JsonNode s = CliRun.findings(out).path("summary");
            assertEquals(version, s.path("tool").asText(), s.toString());
            assertEquals(sha, s.path("configSha256").asText(), s.toString());

            String pdf;
            try (var doc = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
                pdf = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
            }
            assertTrue(pdf.contains("Tool " + version), "the PDF names the tool");
            assertTrue(pdf.contains("(SHA-256 " + sha + ")"), "the PDF gives the configuration's digest");

            try (XSSFWorkbook wb = new XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
                Map<String, String> kv = new java.util.HashMap<>();
                wb.getSheet("Summary").forEach(r -> {
                    if (r.getCell(0) != null && r.getCell(1) != null) {
                        kv.put(r.getCell(0).toString(), r.getCell(1).toString());
                    }
                });
                assertEquals(version, kv.get("Tool"), kv.toString());
                assertEquals(sha, kv.get("Configuration SHA-256"), kv.toString());
            }
        }

        // the demo's configuration is a copy for the one run: the tool is named, no configuration digest
        Path demo = dir.resolve("demo");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", demo.toString(), "--formats", "json").exitCode());
        JsonNode s = CliRun.findings(demo).path("summary");
        assertEquals(version, s.path("tool").asText());
        assertFalse(s.has("configSha256"), s.toString());
    }

    /**
     * The daemon loads its configuration once and audits with it until it is restarted; the digest was taken from the
     * file when the reports were written, so after an admin edited the YAML without a restart the reports named the
     * edited file's digest though every verdict came from the one loaded. The digest is now of the bytes the
     * configuration was loaded from.
     */
    @Test
    void theDigestIsOfTheConfigurationTheRunWasLoadedFromNotOfTheFileAsEditedSince() throws Exception {
        try (DemoDirectory d = ScheduleFixture.directory()) {
            Path cfg = ScheduleFixture.config(dir, d, null, null, null, null);
            String loaded = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(cfg)));
            org.kcdauditor.config.AuditConfig config = org.kcdauditor.config.ConfigLoader.load(cfg);
            // edited after the daemon loaded it, not restarted
            Files.writeString(cfg, Files.readString(cfg).replace("protocolTransition: either",
                    "protocolTransition: kerberos-only"));
            Path out = dir.resolve("out-edited");
            org.kcdauditor.run.AuditRun.installed(config, ScheduleFixture.env(d), java.time.Clock.systemUTC(),
                    Path.of("").toAbsolutePath()).withTrigger("schedule").execute(out,
                    java.util.Set.of(Format.JSON), new org.kcdauditor.audit.Timings(), n -> { });
            assertEquals(loaded, CliRun.findings(out).path("summary").path("configSha256").asText());
        }
    }

    /**
     * The baseline a run compared with is an approval (who, when, under which ticket) of one file: findings.json kept
     * the file's path and SHA-256 ({@code baseline.sha256}), but the PDF named neither and the workbook no digest, so
     * the filed reports could not show which baseline file the approval they quote is of.
     */
    @Test
    void theReportsNameTheBaselineFileAndItsDigestBesideItsApproval() throws Exception {
        Path demo = dir.resolve("demo-baseline");
        assertEquals(0, CliRun.run(Map.of(), "demo", "--out", demo.toString(), "--formats", "json,pdf,xlsx")
                .exitCode());
        JsonNode b = CliRun.findings(demo).path("baseline");
        String sha = b.path("sha256").asText();
        assertTrue(sha.matches("[0-9a-f]{64}"), b.toString());
        String pdf;
        try (var doc = Loader.loadPDF(demo.resolve("audit.pdf").toFile())) {
            pdf = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
        }
        // compared without white space: a line of the PDF may break inside the path
        assertTrue(pdf.replace(" ", "").contains(("Compared with the baseline approved by jdoe (captured 2026-11-01"
                + " 06:00:00 UTC, 7 hosts; file " + b.path("path").asText() + ", SHA-256 " + sha + ")").replace(" ", "")),
                pdf);
        try (XSSFWorkbook wb = new XSSFWorkbook(demo.resolve("audit.xlsx").toFile())) {
            String baseline = null;
            for (var r : wb.getSheet("Summary")) {
                if (r.getCell(0) != null && r.getCell(0).toString().equals("Baseline")) {
                    baseline = r.getCell(1).toString();
                }
            }
            assertTrue(baseline != null && baseline.contains("SHA-256 " + sha), String.valueOf(baseline));
        }
    }
}
