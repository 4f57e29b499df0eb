package org.kcdauditor.home;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.report.FindingsJson;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The installation folder is found from the jar's place or KCD_AUDIT_HOME; the jar's copies are the fallback. */
class InstallationTest {
    private static final Path CHECKOUT = Path.of("").toAbsolutePath();

    @Test
    void homeIsTheFolderAboveTheCodeOrTheEnvironmentVariable(@TempDir Path dir) {
        // Run from target/classes (as from target/kcd-auditor.jar): the folder above target/ is the checkout.
        assertEquals(CHECKOUT, Installation.locate(Map.of()));
        assertEquals(dir.toAbsolutePath(), Installation.locate(Map.of("KCD_AUDIT_HOME", dir.toString())));
        ConfigException e = assertThrows(ConfigException.class,
                () -> Installation.locate(Map.of("KCD_AUDIT_HOME", dir.resolve("missing").toString())));
        assertTrue(e.getMessage().startsWith("KCD_AUDIT_HOME=" + dir.resolve("missing") + ": no such folder"),
                e.getMessage());
    }

    @Test
    void theInstallationsFilesWin() {
        Installation here = Installation.at(CHECKOUT);
        assertEquals(CHECKOUT.resolve("config/hardening-kbs.yaml"), here.catalogue());
        assertEquals(CHECKOUT.resolve("config/demo"), here.demo());
        assertEquals(CHECKOUT.resolve("templates"), here.templates());
    }

    @Test
    void filesMissingInTheInstallationComeFromTheJarsCopy(@TempDir Path empty) throws Exception {
        Installation bare = Installation.at(empty);
        Path catalogue = bare.catalogue();
        assertNotEquals(empty.resolve("config/hardening-kbs.yaml"), catalogue);
        assertEquals(Files.readString(CHECKOUT.resolve("config/hardening-kbs.yaml")), Files.readString(catalogue));
        Path demo = bare.demo();
        for (String f : List.of("kcd-audit-demo.yaml", "contoso.ldif", "contoso-earlier.ldif", "baseline.yaml",
                "hardening-kbs.yaml", "patches/HV01-hotfix-ps51.csv", "events/HV02-ha-wevtutil.xml")) {
            assertEquals(-1L, Files.mismatch(CHECKOUT.resolve("config/demo").resolve(f), demo.resolve(f)), f);
        }
        assertEquals(demo, Installation.demoCopy(), "copied once per process");
    }

    @Test
    void demoRunsWithoutAnInstallationFolder(@TempDir Path empty, @TempDir Path out) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.execute(new String[]{"demo", "--out", out.toString()},
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8),
                Map.of(), Clock.systemUTC(), empty);
        assertEquals(0, code, o + "\n" + e);
        for (String f : List.of("findings.json", "audit.xlsx", "audit.pdf", "runbook.md", "runbook.html",
                "remediation.ps1")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        JsonNode doc = FindingsJson.MAPPER.readTree(out.resolve("findings.json").toFile());
        assertEquals(16, doc.path("summary").path("bySeverity").path("HIGH").asInt(), "the demo's findings");
        assertTrue(doc.path("findings").findValuesAsText("rule").contains("HARDENING_PATCH_WITHOUT_DELEGATION"),
                "the demo's hardening catalogue and patch exports were read");
        try (var files = Files.list(empty)) {
            assertEquals(0, files.count(), "nothing is written into the installation folder");
        }
    }
}
