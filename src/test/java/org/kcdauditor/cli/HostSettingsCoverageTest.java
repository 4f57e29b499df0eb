package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that no Get-VMHost export gives a migration authentication type for, although {@code hostSettings.sources}
 * is set: Hyper-V's default is CredSSP, which constrained delegation does not serve, so its pairs read OK without
 * that being known. {@code run} and findings.json say which nodes these are, not only {@code preflight}.
 */
class HostSettingsCoverageTest {
    private static final String HEADER = "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
            + "\"VirtualMachineMigrationAuthenticationType\"\n";

    @TempDir
    Path tmp;

    /**
     * Runs against HVC1 (HV01–HV03, delegated to each other) with {@code csv} as the one Get-VMHost export (null: no
     * hostSettings.sources), writing {@code formats}.
     */
    private CliRun run(String csv, String formats) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                    List.of("HV01", "HV02", "HV03"), "allowInsecureBind: true");
            if (csv != null) {
                Files.writeString(tmp.resolve("vmhost.csv"), csv);
                Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: [vmhost.csv]\n");
            }
            return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config", cfg.toString(),
                    "--out", tmp.resolve("out").toString(), "--formats", formats);
        } finally {
            ds.shutDown(true);
        }
    }

    private List<String> unchecked() throws Exception {
        JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
        List<String> out = new ArrayList<>();
        c.path("migrationAuthenticationUnchecked").forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * policy.services trimmed to the migration service, HV01's cifs entries removed, and an export that says both nodes
     * migrate over SMB (HV02's authentication type as the enum's number): HV01 -> HV02 needs cifs/HV02 in both name
     * forms, so the console, findings.json and preflight say NO-GO where they gave GO with 2/2 pairs and 4/4 entries.
     */
    @Test
    void aNodeMigratingOverSmbWithoutCifsEntriesIsNoGoAlthoughThePolicyLeavesCifsOut() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02"));
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new com.unboundid.ldap.sdk.Modification(
                    com.unboundid.ldap.sdk.ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/HV02",
                    "cifs/hv02.contoso.com"));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                    "allowInsecureBind: true");
            Files.writeString(tmp.resolve("vmhost.csv"), "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                    + "\"VirtualMachineMigrationAuthenticationType\",\"VirtualMachineMigrationPerformanceOption\","
                    + "\"MaximumVirtualMachineMigrations\"\n\"HV01\",\"True\",\" Kerberos \",\"SMB\",\"2\"\n"
                    + "\"HV02\",\"True\",\"1\",\"SMB\",\"2\"\n");
            Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: [vmhost.csv]\n"
                    + "policy:\n  services: ['Microsoft Virtual System Migration Service']\n");
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun r = CliRun.run(env, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json");
            assertTrue(r.out().contains("HVC1"), r.toString());
            assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s*HVC1\\s+2\\s+1/2\\s+6/8\\b.*NO-GO.*")), r.out());
            JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
            JsonNode from01 = c.path("matrix").get(0);
            assertEquals("HV01", from01.path("from").asText(), c.toString());
            assertEquals(4, from01.path("required").asInt());
            assertEquals(2, from01.path("present").asInt());
            assertFalse(from01.path("ok").asBoolean(), from01.toString());
            assertEquals(1, c.path("pairsOk").asInt());
            List<String> spns = new ArrayList<>();
            CliRun.findings(tmp.resolve("out")).path("findings").forEach(f -> {
                if (f.path("rule").asText().equals("MISSING_DELEGATION")) {
                    spns.add(f.path("spn").asText());
                    assertTrue(f.path("message").asText().contains("HV01 migrates over SMB"
                            + " (VirtualMachineMigrationPerformanceOption SMB in its Get-VMHost export "), f.toString());
                }
            });
            assertEquals(List.of("cifs/HV02", "cifs/hv02.contoso.com"), spns);
            CliRun pre = CliRun.run(env, "preflight", "--config", cfg.toString(), "--cluster", "HVC1");
            assertEquals(3, pre.exitCode(), pre.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * The same trimmed policy and SMB export, HV01's entries complete, and a retired computer (OLD02) still registering
     * HOST/HV02, through which HV02 serves cifs/HV02: as a run builds its context (resolved before the import, given the
     * export after), HV01 -> HV02 over SMB is blocked by the DUPLICATE_SPN, which names the export as the reason; read
     * OK before, the context's duplicates having been matched against the policy's services only.
     */
    @Test
    void aPeersHostSpnHeldTwiceBlocksThePairOfANodeMigratingOverSmb() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02"));
            ds.add(new com.unboundid.ldap.sdk.Entry("dn: CN=OLD02,OU=Hyper-V," + TestDirectory.BASE,
                    "objectClass: top", "objectClass: computer", "cn: OLD02", "sAMAccountName: OLD02$",
                    "userAccountControl: 4098", "servicePrincipalName: HOST/HV02"));
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02"),
                    "allowInsecureBind: true");
            Files.writeString(tmp.resolve("vmhost.csv"), "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                    + "\"VirtualMachineMigrationAuthenticationType\",\"VirtualMachineMigrationPerformanceOption\"\n"
                    + "\"HV01\",\"True\",\"Kerberos\",\"SMB\"\n\"HV02\",\"True\",\"Kerberos\",\"TCPIP\"\n");
            Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: [vmhost.csv]\n"
                    + "policy:\n  services: ['Microsoft Virtual System Migration Service']\n");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", "json");
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            JsonNode c = doc.path("clusters").get(0);
            JsonNode from01 = c.path("matrix").get(0);
            assertEquals("HV01", from01.path("from").asText(), r.toString());
            assertFalse(from01.path("ok").asBoolean(), from01.toString());
            assertEquals(1, c.path("pairsOk").asInt(), "HV02 -> HV01 is TCPIP: the duplicate does not block it");
            List<JsonNode> duplicates = new ArrayList<>();
            doc.path("findings").forEach(f -> {
                if (f.path("rule").asText().equals("DUPLICATE_SPN")) {
                    duplicates.add(f);
                }
            });
            assertEquals(1, duplicates.size(), doc.path("findings").toString());
            assertEquals("HOST/HV02", duplicates.get(0).path("spn").asText());
            assertTrue(duplicates.get(0).path("message").asText().contains("It matters because HV01 migrates over SMB"
                    + " (VirtualMachineMigrationPerformanceOption SMB in its Get-VMHost export "), duplicates.toString());
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void aNodeNoExportCoversIsNamedInFindingsJsonAndOnTheConsole() throws Exception {
        CliRun r = run(HEADER + "\"HV01\",\"True\",\"Kerberos\"\n\"hv02.contoso.com\",\"True\",\"\"\n", "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
        assertEquals(6, c.path("pairsOk").asInt(), "not known is no blocker: " + c);
        assertEquals(List.of("HV02", "HV03"), unchecked(), "HV02's row gives no type, HV03 has none");
        assertTrue(r.out().contains("Migration authentication was not checked for HV02, HV03"), r.out());
    }

    @Test
    void nodesEveryExportCoversByAnyNameFormAreNotListed() throws Exception {
        CliRun r = run(HEADER + "\"hv01.contoso.com\",\"True\",\"Kerberos\"\n\"HV02\",\"True\",\"Kerberos\"\n"
                + "\"HV03.CONTOSO.COM.\",\"True\",\"Kerberos\"\n", "json");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), unchecked());
        assertFalse(CliRun.findings(tmp.resolve("out")).path("clusters").get(0).has("migrationAuthenticationUnchecked"));
        assertFalse(r.out().contains("Migration authentication was not checked"), r.out());
    }

    /**
     * Without hostSettings.sources nothing says how the hosts migrate: a GO rests on delegation alone, so every output
     * that states the verdict says that the migration authentication was not checked (before, only preflight did,
     * while the console, findings.json, the PDF, the workbook and the runbooks gave an unqualified GO), and
     * findings.json lists every node as unchecked.
     */
    @Test
    void withoutAnyExportEveryOutputSaysTheMigrationAuthenticationWasNotChecked() throws Exception {
        CliRun r = run(null, "json,md,pdf,xlsx");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("HV01", "HV02", "HV03"), unchecked());
        String said = "Migration authentication was not checked: no hostSettings.sources";
        assertTrue(r.out().contains(said), r.out());
        Path out = tmp.resolve("out");
        assertTrue(Files.readString(out.resolve("runbook.md")).contains(said));
        try (var pdf = org.apache.pdfbox.Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            var text = new org.apache.pdfbox.text.PDFTextStripper();
            text.setEndPage(1);
            assertTrue(text.getText(pdf).replaceAll("\\s+", " ").contains(said), "page 1 qualifies the GO");
        }
        try (var wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(out.resolve("audit.xlsx").toFile())) {
            List<String> summary = new ArrayList<>();
            wb.getSheet("Summary").forEach(row -> row.forEach(c -> summary.add(c.toString())));
            assertTrue(summary.stream().anyMatch(v -> v.startsWith(said)), summary.toString());
        }
    }
}
