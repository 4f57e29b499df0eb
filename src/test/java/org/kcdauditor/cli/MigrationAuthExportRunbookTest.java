package org.kcdauditor.cli;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Step 1 of the runbooks checks by hand only the hosts the imported Get-VMHost export does not cover or found using
 * CredSSP, and says what it found of the others as of the export's time; the checks and step 3's switch are one loop
 * each, not a line per host.
 */
class MigrationAuthExportRunbookTest {
    private static final String HEADER = "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
            + "\"VirtualMachineMigrationAuthenticationType\"\n";

    @TempDir
    Path tmp;

    /**
     * HVC1 (HV01–HV04), HV01 delegating to none (its directions to test: HV01 to each other node), with {@code csv} as
     * the one Get-VMHost export, written at {@code written}; the run's runbook.md and runbook.html.
     */
    private List<String> run(String csv, Instant written) throws Exception {
        List<String> nodes = List.of("HV01", "HV02", "HV03", "HV04");
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes);
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo"));
            Path export = tmp.resolve("vmhost.csv");
            Files.writeString(export, csv);
            Files.setLastModifiedTime(export, FileTime.from(written));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), nodes,
                    "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: [vmhost.csv]\n");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", "json,md,html,ps1");
            assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString()); // 3: findings at or above high
        } finally {
            ds.shutDown(true);
        }
        try (var files = Files.walk(tmp.resolve("out"))) {
            List<Path> all = files.toList();
            return List.of(Files.readString(all.stream().filter(p -> p.toString().endsWith("runbook.md")).findFirst()
                    .orElseThrow()), Files.readString(all.stream().filter(p -> p.toString().endsWith("runbook.html"))
                    .findFirst().orElseThrow()));
        }
    }

    private Path findingsJson() throws Exception {
        try (var files = Files.walk(tmp.resolve("out"))) {
            return files.filter(p -> p.getFileName().toString().equals("findings.json")).findFirst().orElseThrow();
        }
    }

    private static String stepOne(String md) {
        int at = md.indexOf("- [ ] Each host of a direction to test migrates with Kerberos");
        assertTrue(at > 0, md);
        return md.substring(at, md.indexOf("\n## ", at));
    }

    @Test
    void theHostsTheExportFoundUsingKerberosAreNotCheckedByHandAndTheOthersInOneLoop() throws Exception {
        List<String> out = run(HEADER + "\"HV01\",\"True\",\"Kerberos\"\n\"HV02\",\"True\",\"CredSSP\"\n"
                + "\"hv03.contoso.com\",\"True\",\"Kerberos\"\n", Instant.parse("2026-12-01T06:00:00Z"));
        String md = out.get(0);
        String step = stepOne(md);
        assertTrue(step.contains("As of the Get-VMHost export vmhost.csv (written 2026-12-01 06:00:00 UTC), which the"
                + " audit imported:\n  - Kerberos in HVC1: HV01, HV03\n  - CredSSP in HVC1: HV02\n"), step);
        assertEquals(List.of("HV02", "HV04"), step.lines().filter(l -> l.startsWith("  - [ ] "))
                .map(l -> l.substring(8)).toList(), "by hand: the host found using CredSSP and the one not covered");
        assertTrue(step.contains("\nforeach ($h in 'HV02', 'HV04') { Get-VMHost -ComputerName $h | Select-Object"
                + " ComputerName, VirtualMachineMigrationAuthenticationType }\n"), step);
        assertFalse(md.contains("Get-VMHost -ComputerName 'HV"), "no line per host: " + md);
        // step 3: HV02 is switched by its own step (MIGRATION_AUTH_NOT_KERBEROS); HV04, not covered, in one loop
        assertEquals(1, md.lines().filter(l -> l.startsWith("foreach ($h in 'HV04') { if ((Get-VMHost -ComputerName"
                + " $h).VirtualMachineMigrationAuthenticationType -eq 'CredSSP') { Set-VMHost")).count(), md);
        // findings.json records the export's time; the procedure (the workbook's Runbook sheet, the PDF) has the same
        // check: the hosts found using Kerberos in one check, a step per host only for those checked by hand
        com.fasterxml.jackson.databind.JsonNode imported = CliRun.findings(tmp.resolve("out")).path("imports").get(0);
        assertEquals("2026-12-01T06:00:00.000000Z", imported.path("modified").asText(), imported.toString());
        org.kcdauditor.report.ReportView view = org.kcdauditor.report.ReportView.of(org.kcdauditor.report.FindingsJson
                .read(findingsJson()));
        List<org.kcdauditor.report.Procedure.Step> before = view.procedure().steps(org.kcdauditor.report.Procedure
                .Phase.BEFORE);
        assertTrue(before.stream().anyMatch(st -> st.action().equals("Live migration authenticates with Kerberos (not"
                + " checked again by hand), as of the Get-VMHost export vmhost.csv (written"
                + " 2026-12-01 06:00:00 UTC): HVC1: HV01, HV03")), before.toString());
        assertEquals(List.of("HV02", "HV04"), before.stream().map(org.kcdauditor.report.Procedure.Step::host)
                .filter(h -> !h.isEmpty()).toList());
        String html = out.get(1);
        assertTrue(html.contains("<p>As of the Get-VMHost export vmhost.csv (written 2026-12-01 06:00:00 UTC), which"
                + " the audit imported:</p>\n<ul><li>Kerberos in HVC1: HV01, HV03</li><li>CredSSP in HVC1: HV02</li>"
                + "</ul>"), html);
        assertTrue(html.contains("<ul class=\"check cols\"><li>HV02</li><li>HV04</li></ul>"), html);
        assertTrue(html.contains("<pre>foreach ($h in &#39;HV02&#39;, &#39;HV04&#39;) { Get-VMHost") || html.contains(
                "<pre>foreach ($h in 'HV02', 'HV04') { Get-VMHost"), html);
    }

    @Test
    void anExportThatFoundEveryHostUsingKerberosLeavesNothingToCheckByHand() throws Exception {
        String md = run(HEADER + "\"HV01\",\"True\",\"Kerberos\"\n\"HV02\",\"True\",\"Kerberos\"\n"
                + "\"HV03\",\"True\",\"Kerberos\"\n\"HV04\",\"True\",\"Kerberos\"\n",
                Instant.parse("2026-11-30T22:15:00Z")).get(0);
        String step = stepOne(md);
        assertTrue(step.contains("  - Kerberos in HVC1: HV01, HV02, HV03, HV04\n  Nothing to check by hand"), step);
        assertFalse(step.contains("- [ ] HV"), step);
        assertFalse(md.contains("Get-VMHost -ComputerName"), "no check and no switch: " + md);
    }
}
