package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The audit reads a read-only DC (its root DSE lists LDAP_CAP_ACTIVE_DIRECTORY_PARTIAL_SECRETS_OID), as
 * {@code ldaps://contoso.com} does where DNS answers with a branch RODC. The RODC takes no write (a referral) and
 * pushes nothing, so the plan writes to and pushes from the domain's PDC emulator: the server object above the
 * nTDSDSA the domain head's {@code fSMORoleOwner} names. Where that cannot be read, the plan names no DC and says
 * how to find a writable one.
 */
class DirectoryReadOnlyDcTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String BASE = TestDirectory.BASE;
    private static final String SERVERS = "CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE;
    private static final String NOTE = "kcd-audit read rodc1.contoso.com, a read-only domain controller; the changes"
            + " are written to dc1.contoso.com, the domain's PDC emulator, and replicated from there";

    @TempDir
    Path tmp;
    InMemoryDirectoryServer rodc;

    @BeforeEach
    void readOnlyDc() throws Exception {
        rodc = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(
                new Attribute("dnsHostName", "rodc1.contoso.com"),
                new Attribute("defaultNamingContext", BASE),
                new Attribute("supportedCapabilities", DomainReader.AD_CAPABILITY, DomainReader.RODC_CAPABILITY)));
        TestDirectory.addCluster(rodc, NODES);
        // HV02 lacks its cifs entries to HV03: the plan writes to HV02
        rodc.modify("CN=HV02,OU=Hyper-V," + BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV03", "cifs/hv03.contoso.com"));
    }

    @AfterEach
    void stop() {
        rodc.shutDown(true);
    }

    /** The domain head names DC1's NTDS Settings as its PDC emulator; DC1's server object has its dNSHostName. */
    private void pdcEmulator() throws Exception {
        for (String dn : List.of("CN=Configuration," + BASE, "CN=Sites,CN=Configuration," + BASE,
                "CN=Default-First-Site-Name,CN=Sites,CN=Configuration," + BASE, SERVERS)) {
            rodc.add(new Entry("dn: " + dn, "objectClass: container"));
        }
        for (String dc : List.of("DC1", "RODC1")) {
            rodc.add(new Entry("dn: CN=" + dc + "," + SERVERS, "objectClass: server",
                    "dNSHostName: " + dc.toLowerCase(java.util.Locale.ROOT) + ".contoso.com"));
            rodc.add(new Entry("dn: CN=NTDS Settings,CN=" + dc + "," + SERVERS, "objectClass: nTDSDSA"));
        }
        rodc.modify(BASE, new Modification(ModificationType.ADD, "fSMORoleOwner", "CN=NTDS Settings,CN=DC1," + SERVERS));
    }

    private CliRun run(String command) throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + rodc.getListenPort(), NODES,
                "allowInsecureBind: true");
        return "preflight".equals(command)
                ? CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", "HVC1", "--out",
                tmp.resolve("pre").toString())
                : CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json,md,html,ps1,pdf,xlsx");
    }

    private String file(String name) throws Exception {
        return Files.readString(tmp.resolve("out").resolve(name));
    }

    @Test
    void theChangesAreWrittenToAndPushedFromThePdcEmulatorNotTheReadOnlyDcTheAuditRead() throws Exception {
        pdcEmulator();
        CliRun r = run("run");
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains(NOTE + "."), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        for (JsonNode d : List.of(doc.path("directory"), doc.path("directories").get(0))) {
            assertEquals("rodc1.contoso.com", d.path("dc").asText(), d.toString());
            assertTrue(d.path("dcReadOnly").asBoolean(), d.toString());
            assertEquals("dc1.contoso.com", d.path("writeDc").asText(), d.toString());
        }
        String ps1 = file("remediation.ps1");
        String md = file("runbook.md");
        String html = file("runbook.html");
        // remediation.ps1 writes to $Server and pushes from it; runbook.html escapes the quotes
        assertTrue(ps1.contains("[string]$Server = 'dc1.contoso.com'"), ps1);
        assertTrue(ps1.contains("-Add @{'msDS-AllowedToDelegateTo'=@('cifs/HV03','cifs/hv03.contoso.com')}"
                + " -Server 'dc1.contoso.com'"), ps1);
        assertTrue(ps1.contains("# " + NOTE + "."), ps1);
        assertTrue(md.contains("-Server 'dc1.contoso.com'"), md);
        assertTrue(html.contains("-Server &#39;dc1.contoso.com&#39;"), html);
        assertTrue(md.contains(NOTE), md);
        assertTrue(html.contains(NOTE.replace("'", "&#39;")), html);
        for (String out : List.of(md, html)) {
            assertTrue(out.contains("repadmin /syncall dc1.contoso.com /AdeP"), out);
            assertFalse(out.contains("the domain controller the audit read from"), out);
        }
        for (String out : List.of(ps1, md, html)) {
            assertFalse(out.contains("rodc1.contoso.com'") || out.contains("rodc1.contoso.com&#39;"), out);
            assertFalse(out.contains("/syncall rodc1.contoso.com"), out);
        }

        // the PDF's procedure, and the workbook beside its "read from rodc1.contoso.com only" and the Runbook sheet's
        // -Server 'dc1.contoso.com': the workbook named the RODC read and wrote to another DC without saying why
        try (org.apache.pdfbox.pdmodel.PDDocument pdf = org.apache.pdfbox.Loader.loadPDF(tmp.resolve("out")
                .resolve("audit.pdf").toFile())) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
            assertTrue(text.contains(NOTE + "."), text);
        }
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                tmp.resolve("out").resolve("audit.xlsx").toFile())) {
            List<String> summary = new java.util.ArrayList<>();
            wb.getSheet("Summary").forEach(row -> summary.add(row.getCell(0) + " | " + row.getCell(1)));
            assertTrue(summary.contains("Read-only domain controller | " + NOTE + "."), String.join("\n", summary));
        }

        CliRun pre = run("preflight");
        assertTrue(pre.out().contains(NOTE + "."), pre.out());
    }

    @Test
    void withoutThePdcEmulatorThePlanNamesNoDcAndSaysHowToFindAWritableOne() throws Exception {
        CliRun r = run("run");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode d = CliRun.findings(tmp.resolve("out")).path("directory");
        assertTrue(d.path("dcReadOnly").asBoolean(), d.toString());
        assertFalse(d.has("writeDc"), d.toString());
        String md = file("runbook.md");
        String ps1 = file("remediation.ps1");
        String html = file("runbook.html");
        for (String out : List.of(md, ps1, html)) {
            assertFalse(out.contains("rodc1.contoso.com'") || out.contains("rodc1.contoso.com&#39;"), out);
            assertFalse(out.contains("/syncall rodc1.contoso.com"), out);
            assertTrue(out.contains("netdom query pdc"), out);
        }
        // Markdown escapes the pipe (shown as typed), PowerShell's comment and HTML do not
        assertTrue(md.contains("Get-ADDomain \\| Select-Object PDCEmulator"), md);
        assertTrue(ps1.contains("Get-ADDomain | Select-Object PDCEmulator") && html.contains(
                "Get-ADDomain | Select-Object PDCEmulator"), ps1);
        assertTrue(md.contains("repadmin /syncall <DC> /AdeP"), md);
        assertTrue(md.contains("kcd-audit read rodc1.contoso.com, a read-only domain controller, which takes no"
                + " writes"), md);
        assertTrue(md.contains("-Server '<DC>'"), md);
        assertTrue(ps1.contains("[string]$Server = ''"), ps1);
        assertTrue(ps1.contains("throw 'Give -Server a writable domain controller: kcd-audit read rodc1.contoso.com"),
                ps1);
        assertTrue(r.out().contains("kcd-audit read rodc1.contoso.com, a read-only domain controller"), r.out());
    }

    /**
     * With two domains the change writes to, each is written to its own DC: the read-only DC of contoso gives way to
     * its PDC emulator, fabrikam's writable DC is kept, and the runbook says so of contoso only, as does the preflight of
     * contoso's cluster and not that of fabrikam's.
     */
    @Test
    void withSeveralDomainsOnlyTheReadOnlyOnesDcGivesWayToItsPdcEmulator() throws Exception {
        pdcEmulator();
        String fabrikamBase = "DC=fabrikam,DC=com";
        InMemoryDirectoryServer fabrikam = TestDirectory.startDomain(fabrikamBase, "dc1.fabrikam.com");
        try {
            TestDirectory.addCluster(fabrikam, fabrikamBase, "S-1-5-21-9-9-9", 3000, List.of("HV21", "HV22"));
            fabrikam.modify("CN=HV21,OU=Hyper-V," + fabrikamBase, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HV22", "cifs/hv22.fabrikam.com"));
            StringBuilder yaml = new StringBuilder("directories:\n");
            for (String[] d : List.of(new String[]{"contoso", String.valueOf(rodc.getListenPort()), BASE},
                    new String[]{"fabrikam", String.valueOf(fabrikam.getListenPort()), fabrikamBase})) {
                yaml.append("  ").append(d[0]).append(":\n    url: ldap://127.0.0.1:").append(d[1])
                        .append("\n    bindDn: ").append(TestDirectory.BIND_DN)
                        .append("\n    passwordEnv: TEST_LDAP_PASSWORD\n    baseDn: ").append(d[2])
                        .append("\n    allowInsecureBind: true\n    timeoutSeconds: 5\n");
            }
            yaml.append("clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HV01, HV02, HV03]\n")
                    .append("  - name: HVC2\n    directory: fabrikam\n    nodes: [HV21, HV22]\n")
                    .append("store:\n  url: jdbc:h2:file:data/kcd-audit\n");
            Path cfg = Files.writeString(tmp.resolve("kcd-audit.yaml"), yaml.toString());
            CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json,md,ps1");
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.out().contains(NOTE + "."), r.out());
            JsonNode second = CliRun.findings(tmp.resolve("out")).path("directories").get(1);
            assertFalse(second.has("dcReadOnly") || second.has("writeDc"), second.toString());
            String md = file("runbook.md");
            // step 3 switches to Kerberos the hosts step 1 finds using CredSSP: replication is step 4
            assertTrue(md.contains("(dc1.contoso.com for contoso, dc1.fabrikam.com for fabrikam),\nso that step 4 can"
                    + " push the changes from there: " + NOTE + ". In ADUC,"), md);
            assertTrue(md.contains("repadmin /syncall dc1.contoso.com /AdeP\nrepadmin /syncall dc1.fabrikam.com /AdeP"),
                    md);
            String ps1 = file("remediation.ps1");
            assertTrue(ps1.contains("'contoso' = 'dc1.contoso.com'; 'fabrikam' = 'dc1.fabrikam.com'"), ps1);
            assertTrue(ps1.contains("# " + NOTE + "."), ps1);
            for (String out : List.of(md, ps1)) {
                assertFalse(out.contains("rodc1.contoso.com'") || out.contains("/syncall rodc1"), out);
            }
            // each cluster's preflight speaks of the domain its verdict rests on, as its domain controller lines do
            CliRun contoso = CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", "HVC1", "--out",
                    tmp.resolve("pre1").toString());
            assertTrue(contoso.out().contains(NOTE + "."), contoso.out());
            CliRun other = CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", "HVC2", "--out",
                    tmp.resolve("pre2").toString());
            assertTrue(other.out().contains("Preflight HVC2: NO-GO"), other.out());
            assertFalse(other.out().contains("rodc1.contoso.com"), "fabrikam's preflight: " + other.out());
        } finally {
            fabrikam.shutDown(true);
        }
    }

    @Test
    void aWritableDcAddsNoField() throws Exception {
        InMemoryDirectoryServer dc = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(dc, NODES);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + dc.getListenPort(), NODES,
                    "allowInsecureBind: true");
            CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "json");
            assertFalse(r.out().contains("read-only"), r.out());
            String json = Files.readString(tmp.resolve("out").resolve("findings.json"));
            assertFalse(json.contains("dcReadOnly") || json.contains("writeDc"), json);
        } finally {
            dc.shutDown(true);
        }
    }
}
