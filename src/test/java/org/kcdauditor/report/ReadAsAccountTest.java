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
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a directory shows depends on who reads it (an account that may not read msDS-AllowedToActOnBehalfOfOtherIdentity
 * or the replication metadata sees less): no report said which account the audit read AD as. findings.json's
 * {@code directories[].account} now names it (the bind DN, or the Kerberos principal; its name only), and the PDF's
 * executive summary and the workbook's Summary say "Read as".
 */
class ReadAsAccountTest {
    @TempDir
    Path dir;

    @Test
    void theReportsNameTheAccountTheDirectoryWasReadAsAndNoSecret() throws Exception {
        try (DemoDirectory d = ScheduleFixture.directory()) {
            Path cfg = ScheduleFixture.config(dir, d, null, null, null, null);
            Path out = dir.resolve("out");
            Map<String, String> env = ScheduleFixture.env(d);
            CliRun run = CliRun.run(env, "run", "--config", cfg.toString(), "--out", out.toString(),
                    "--formats", "json,pdf,xlsx");
            assertTrue(run.exitCode() == 0 || run.exitCode() == 3, run.toString());

            JsonNode dirs = CliRun.findings(out).path("directories");
            assertEquals(DemoDirectory.BIND_DN, dirs.path(0).path("account").asText(), dirs.toString());

            String pdf;
            try (var doc = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
                pdf = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
            }
            assertTrue(pdf.contains("Read as " + DemoDirectory.BIND_DN), pdf);
            try (XSSFWorkbook wb = new XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
                Map<String, String> kv = new HashMap<>();
                wb.getSheet("Summary").forEach(r -> {
                    if (r.getCell(0) != null && r.getCell(1) != null) {
                        kv.put(r.getCell(0).toString(), r.getCell(1).toString());
                    }
                });
                assertEquals(DemoDirectory.BIND_DN, kv.get("Read as"), kv.toString());
            }
            String password = env.get(ScheduleFixture.LDAP_ENV);
            assertFalse(Files.readString(out.resolve("findings.json")).contains(password), "no password");
            assertFalse(pdf.contains(password), "no password");
        }
    }
}
