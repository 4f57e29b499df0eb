package org.kcdauditor.report;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.directory.DemoDirectory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose patch export lists only updates the hardening catalogue does not name (a later cumulative update,
 * which carries every earlier hardening) is not said to have "none": the reports say the KB was not recognised and
 * where to add it. "none" is kept for a node whose updates could carry no catalogued hardening (all installed before
 * the first was released).
 */
class HardeningNotRecognisedTest {
    private static final String NOT_RECOGNISED = "not recognised: KB5044281 is not in the catalogue"
            + " (config/hardening-kbs.yaml carriedBy)";
    private static DemoDirectory directory;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        directory = DemoDirectory.start(Path.of("config/demo/contoso.ldif"));
    }

    @AfterAll
    static void stop() {
        directory.close();
    }

    @Test
    void anUpdateTheCatalogueDoesNotNameIsNotReportedAsNoHardening() throws Exception {
        Files.createDirectories(dir.resolve("exports"));
        Files.writeString(dir.resolve("exports/hotfix.csv"), """
                "PSComputerName","HotFixID","InstalledOn"\r
                "HV01","KB5044281","10/8/2024 12:00:00 AM"\r
                "HV02","KB4019990","5/9/2017 12:00:00 AM"\r
                "HV03","KB5008380","12/1/2021 12:00:00 AM"\r
                "HV03","KB5044281","10/8/2024 12:00:00 AM"\r
                """);
        Path cfg = dir.resolve("kcd-audit.yaml");
        Files.writeString(cfg, """
                directory:
                  url: %s
                  bindDn: %s
                  passwordEnv: KCD_T_PW
                  baseDn: DC=contoso,DC=com
                  allowInsecureBind: true
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03]
                reports:
                  dir: reports
                store:
                  url: jdbc:h2:file:data/history
                patches:
                  sources: ["exports/*.csv"]
                """.formatted(directory.url(), DemoDirectory.BIND_DN));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        Main.execute(new String[]{"run", "--config", cfg.toString(), "--formats", "json,xlsx,pdf", "--out",
                        dir.resolve("out").toString()}, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8), Map.of("KCD_T_PW", directory.password()),
                Clock.fixed(Instant.parse("2026-11-26T20:00:00Z"), ZoneOffset.UTC), Path.of("."));
        String err = e.toString(StandardCharsets.UTF_8);
        Map<String, String> expected = Map.of(
                "HV01", NOT_RECOGNISED,
                "HV02", "none",
                "HV03", "KB5008380 (2021-12-01); " + NOT_RECOGNISED);

        // findings.json: the unrecognised KBs, beside the hardening found
        FindingsDocument doc = FindingsJson.read(dir.resolve("out/findings.json"));
        Map<String, HistorySections.HostPatchesDoc> hosts = new HashMap<>();
        doc.patches().hosts().forEach(h -> hosts.put(h.host(), h));
        assertEquals(List.of("KB5044281"), hosts.get("HV01").unrecognised(), err);
        assertNull(hosts.get("HV02").unrecognised());
        assertEquals(List.of("KB5044281"), hosts.get("HV03").unrecognised());
        assertEquals(List.of("KB5008380"), hosts.get("HV03").hardening().stream().map(i -> i.kb()).toList());

        // the workbook's Patches sheet
        Map<String, String> sheet = new HashMap<>();
        try (InputStream in = Files.newInputStream(dir.resolve("out/audit.xlsx"));
             XSSFWorkbook wb = new XSSFWorkbook(in)) {
            Sheet s = wb.getSheet("Patches");
            DataFormatter fmt = new DataFormatter();
            for (Row r : s) {
                String host = fmt.formatCellValue(r.getCell(0));
                if (expected.containsKey(host)) {
                    sheet.put(host, fmt.formatCellValue(r.getCell(4)));
                }
            }
        }
        assertEquals(expected, sheet);

        // the PDF's "Kerberos hardening per node"
        String pdf;
        try (PDDocument d = Loader.loadPDF(dir.resolve("out/audit.pdf").toFile())) {
            pdf = new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
        }
        String table = pdf.substring(pdf.indexOf("Kerberos hardening per node"));
        assertTrue(table.contains("HV01 HVC1 2024-10-08 " + NOT_RECOGNISED), table);
        assertTrue(table.contains("HV02 HVC1 2017-05-09 none"), table);
        assertTrue(table.contains("HV03 HVC1 2024-10-08 KB5008380 (2021-12-01); " + NOT_RECOGNISED), table);
    }
}
