package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node whose cn is not its account name: pre-staged in ADUC as {@code hyperv-node-prod01}, whose pre-Windows 2000
 * name ADUC cuts to 15 characters ({@code HYPERV-NODE-PRO$}), or renamed while its cn stayed (found against Samba:
 * {@code CN=X1-OLD} with sAMAccountName {@code X1$}). The reports call it by its cn, as ADUC and the cluster do, but
 * every AD cmdlet must name the account: {@code Set-ADComputer -Identity 'hyperv-node-prod01$'} finds nothing and stops
 * remediation.ps1 at that host.
 */
class AccountNameTest {
    static final String BASE = TestDirectory.BASE;
    static final String LONG = "hyperv-node-prod01";
    static final String SAM = "HYPERV-NODE-PRO$";

    @TempDir
    Path tmp;

    @Test
    void everyCmdletNamesAPreStagedNodeByItsAccountNameNotItsCn() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(ds, List.of("HV90"));
            String fqdn = LONG + ".contoso.com";
            List<String> lines = new ArrayList<>(List.of("dn: CN=" + LONG + ",OU=Hyper-V," + BASE, "objectClass: top",
                    "objectClass: user", "objectClass: computer", "cn: " + LONG, "sAMAccountName: " + SAM,
                    "dNSHostName: " + fqdn, "userAccountControl: 4096",
                    "operatingSystem: Windows Server 2022 Datacenter", "operatingSystemVersion: 10.0 (20348)",
                    // the host registers its NetBIOS name (the account name) and its DNS name, as a join does
                    "servicePrincipalName: HOST/HYPERV-NODE-PRO", "servicePrincipalName: HOST/" + fqdn,
                    "servicePrincipalName: " + Hosts.MIG + "/HYPERV-NODE-PRO",
                    "servicePrincipalName: " + Hosts.MIG + "/" + fqdn,
                    // towards HV90 only the migration service: cifs is missing in both forms
                    "msDS-AllowedToDelegateTo: " + Hosts.MIG + "/HV90",
                    "msDS-AllowedToDelegateTo: " + Hosts.MIG + "/hv90.contoso.com"));
            Entry e = new Entry(lines.toArray(String[]::new));
            e.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-2990"));
            ds.add(e);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV90", LONG),
                    "allowInsecureBind: true");
            Path out = tmp.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", out.toString(), "--formats", "json,md,ps1");
            assertEquals(3, r.exitCode(), r.toString());

            JsonNode f = CliRun.findings(out);
            List<String> remediations = new ArrayList<>();
            for (JsonNode x : f.path("findings")) {
                if (LONG.equals(x.path("host").asText())) {
                    remediations.add(x.path("remediation").asText());
                }
            }
            // the missing cifs entries, and protocol transition is off: each finding's command names the account
            assertFalse(remediations.isEmpty(), f.toPrettyString());
            for (String text : remediations) {
                if (text.contains("-Identity")) {
                    assertTrue(text.contains("-Identity '" + SAM + "'"), text);
                }
                assertFalse(text.contains("'" + LONG + "$'"), text);
            }
            String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
            String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
            assertTrue(ps1.contains("    Add-Values '" + SAM + "' 'msDS-AllowedToDelegateTo' @('cifs/HV90', "
                    + "'cifs/hv90.contoso.com')"), ps1);
            assertTrue(md.contains("Set-ADComputer -Identity '" + SAM + "' -Add"), md);
            for (String text : List.of(ps1, md)) {
                assertFalse(text.contains("'" + LONG + "$'"), "no cmdlet names an account the directory does not have");
            }
            // the peer's entries name it by its NetBIOS name, the account name without $
            assertTrue(ps1.contains("    Add-Values 'HV90$' 'msDS-AllowedToDelegateTo' @('"), ps1);
            assertTrue(ps1.contains("'cifs/HYPERV-NODE-PRO'") || f.toString().contains("cifs/HYPERV-NODE-PRO"),
                    "the NetBIOS form is the account name without $");
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * A node renamed in ADUC (found walking a runbook against Samba): the rename changes the cn only, so the computer
     * stays {@code HV91} (sAMAccountName {@code HV91$}, dNSHostName {@code hv91.contoso.com}, its cluster node name)
     * while the directory shows {@code CN=HV91-renamed}. The reports may call it by its cn, but what runs against the
     * machine ({@code Get-VMHost -ComputerName}, {@code Move-ClusterVirtualMachineRole -Node}, where to purge tickets
     * and start the test move) must name the computer: {@code HV91-renamed} resolves to nothing in DNS and is no node
     * of the cluster.
     */
    @Test
    void whatRunsOnTheHostNamesARenamedNodeByItsComputerNameNotItsCn() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(ds, List.of("HV90"));
            String cn = "HV91-renamed";
            String fqdn = "hv91.contoso.com";
            List<String> lines = new ArrayList<>(List.of("dn: CN=" + cn + ",OU=Hyper-V," + BASE, "objectClass: top",
                    "objectClass: user", "objectClass: computer", "cn: " + cn, "sAMAccountName: HV91$",
                    "dNSHostName: " + fqdn, "userAccountControl: " + (4096 | 0x1000000),
                    "operatingSystem: Windows Server 2022 Datacenter", "operatingSystemVersion: 10.0 (20348)",
                    "servicePrincipalName: HOST/HV91", "servicePrincipalName: HOST/" + fqdn,
                    "servicePrincipalName: " + Hosts.MIG + "/HV91", "servicePrincipalName: " + Hosts.MIG + "/" + fqdn,
                    "msDS-AllowedToDelegateTo: " + Hosts.MIG + "/HV90",
                    "msDS-AllowedToDelegateTo: " + Hosts.MIG + "/hv90.contoso.com"));
            Entry e = new Entry(lines.toArray(String[]::new));
            e.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-2991"));
            ds.add(e);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV90", "HV91"),
                    "allowInsecureBind: true");
            Path out = tmp.resolve("out");
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", out.toString(), "--formats", "json,md,html,ps1");
            assertEquals(3, r.exitCode(), r.toString());
            String md = Files.readString(out.resolve("runbook.md"), StandardCharsets.UTF_8);
            String html = Files.readString(out.resolve("runbook.html"), StandardCharsets.UTF_8);
            String ps1 = Files.readString(out.resolve("remediation.ps1"), StandardCharsets.UTF_8);
            assertTrue(md.lines().anyMatch(l -> l.startsWith("foreach ($h in ") && l.contains("'HV91'")
                    && l.contains("Get-VMHost -ComputerName $h |")), md); // step 1's check, one loop
            assertTrue(md.contains("-Node 'HV91' -MigrationType Live"), md);
            assertTrue(md.contains(", on HV91:"), "the move from it is started on the machine HV91: " + md);
            assertTrue(md.lines().anyMatch(l -> l.equals("- [ ] HV91")), "its tickets are purged on HV91: " + md);
            for (String text : List.of(md, html, ps1)) {
                assertFalse(text.contains("-ComputerName 'HV91-renamed'"), text);
                assertFalse(text.contains("-Node 'HV91-renamed'"), text);
                assertFalse(text.contains("on HV91-renamed"), text);
            }
            // the directory object is still found by its cn in ADUC, and its account is HV91$
            assertTrue(md.contains("Set-ADComputer -Identity 'HV91$'"), md);
        } finally {
            ds.shutDown(true);
        }
    }
}
