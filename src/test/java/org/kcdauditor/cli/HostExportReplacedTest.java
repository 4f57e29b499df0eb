package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.ReportView;
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
 * A host switched to Kerberos with Set-VMHost stays NO-GO while the Get-VMHost export the audit reads still has its
 * CredSSP row, and a newer export put beside it does not count over it (of two exports the one that blocks counts).
 * The finding names the row that keeps it red and the other rows read for the host; the runbooks, the script and the
 * workbook say to export again in place of that file after the switch; preflight says so rather than replicate and
 * purge, which change nothing on the host.
 */
class HostExportReplacedTest {
    private static final String HEADER = "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
            + "\"VirtualMachineMigrationAuthenticationType\"\n";

    @TempDir
    Path tmp;

    /**
     * HVC1 (HV01–HV03, delegated to each other; {@code hv01Undelegated}: HV01 delegating to none) with hs/vmhost.csv
     * (HV02 on CredSSP, line 3, written 2026-12-01) and hs/vmhost-new.csv (HV02 on Kerberos, written 2026-12-07).
     */
    private CliRun audit(boolean hv01Undelegated, String... args) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
            if (hv01Undelegated) {
                ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
            }
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                    List.of("HV01", "HV02", "HV03"), "allowInsecureBind: true");
            Files.createDirectories(tmp.resolve("hs"));
            Path old = tmp.resolve("hs/vmhost.csv");
            Files.writeString(old, HEADER + "\"HV01\",\"True\",\"Kerberos\"\n\"HV02\",\"True\",\"CredSSP\"\n"
                    + "\"HV03\",\"True\",\"Kerberos\"\n");
            Files.setLastModifiedTime(old, FileTime.from(Instant.parse("2026-12-01T06:00:00Z")));
            Path newer = tmp.resolve("hs/vmhost-new.csv");
            Files.writeString(newer, HEADER + "\"HV02\",\"True\",\"Kerberos\"\n");
            Files.setLastModifiedTime(newer, FileTime.from(Instant.parse("2026-12-07T06:10:00Z")));
            Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: ['hs/*.csv']\n");
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--config";
            all[args.length + 1] = cfg.toString();
            return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), all);
        } finally {
            ds.shutDown(true);
        }
    }

    private String oldFile() {
        return tmp.resolve("hs/vmhost.csv").toString();
    }

    @Test
    void theFindingNamesTheRowThatKeepsTheHostBlockedAndTheNewerRowThatDoesNotCount() throws Exception {
        CliRun r = audit(false, "run", "--out", tmp.resolve("out").toString(), "--formats", "json");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode f = null;
        for (JsonNode x : CliRun.findings(tmp.resolve("out")).path("findings")) {
            if (x.path("rule").asText().equals("MIGRATION_AUTH_NOT_KERBEROS")) {
                f = x;
            }
        }
        assertTrue(f != null, r.toString());
        String message = f.path("message").asText();
        assertTrue(message.startsWith("HV02 authenticates live migrations with CredSSP (" + oldFile() + ":3)"),
                message);
        assertTrue(message.contains("After the change on the host, export Get-VMHost again in place of " + oldFile()
                + ": this row counts until that file no longer holds it, and an export beside it does not override it"
                + " (where exports of a host disagree, the one that blocks counts); other rows for HV02, not counted: "
                + tmp.resolve("hs/vmhost-new.csv") + ":2 (Kerberos)."), message);
    }

    @Test
    void preflightSaysToExportAgainInPlaceOfTheFileNotToReplicateAndPurge() throws Exception {
        CliRun r = audit(false, "preflight", "--cluster", "HVC1", "--out", tmp.resolve("pf").toString());
        assertEquals(3, r.exitCode(), r.toString());
        assertTrue(r.out().contains("BLOCKER MIGRATION_AUTH_NOT_KERBEROS"), r.out());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("  Fix the blockers on the hosts (see findings.json in "), last);
        assertTrue(last.endsWith("), export Get-VMHost again in place of " + oldFile() + " (its row for HV02 keeps"
                + " the host blocked until the file no longer holds it; an export beside it does not override it) and"
                + " run preflight again."), last);
        assertFalse(last.contains("replicate"), last);
        assertFalse(last.contains("klist"), last);
    }

    @Test
    void preflightWithDirectoryBlockersToo() throws Exception {
        CliRun r = audit(true, "preflight", "--cluster", "HVC1", "--out", tmp.resolve("pf").toString());
        assertEquals(3, r.exitCode(), r.toString());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        assertTrue(last.startsWith("  Fix the blockers (see findings.json in "), last);
        assertTrue(last.endsWith("), replicate and purge tickets (klist -li 0x3e7 purge) for those in Active"
                + " Directory, export Get-VMHost again in place of " + oldFile() + " (its row for HV02 keeps the host"
                + " blocked until the file no longer holds it; an export beside it does not override it) and run"
                + " preflight again."), last);
    }

    @Test
    void theStepOnTheHostsSaysToExportAgainInPlaceOfTheFileTheFindingCites() throws Exception {
        Path out = tmp.resolve("out");
        CliRun r = audit(true, "run", "--out", out.toString(), "--formats", "json,md,html,ps1");
        assertEquals(3, r.exitCode(), r.toString());
        String action = "Export Get-VMHost again in place of vmhost.csv";
        String detail = "after the steps above: " + oldFile() + " (hostSettings.sources) still has HV02 on CredSSP"
                + " (line 3), and that row keeps HVC1 NO-GO until the file no longer holds it; an export beside it"
                + " does not override it (where exports of a host disagree, the one that blocks counts): export the"
                + " hosts it covers again, as it was made, and save the new export under its name";
        ReportView view = ReportView.of(FindingsJson.read(out.resolve("findings.json")));
        Procedure.PhaseView hosts = view.procedure().phase(Procedure.Phase.HOSTS);
        Procedure.Step last = hosts.steps().get(hosts.steps().size() - 1);
        assertEquals(action, last.action(), hosts.toString());
        assertEquals(detail, last.detail());
        // the workbook's Runbook sheet lists the checklist, which has it
        assertTrue(view.procedure().checklist().contains(last));
        // the PDF's plan gives the phase's summary
        assertTrue(hosts.summary().endsWith("; then export Get-VMHost again in place of vmhost.csv, before"
                + " replication."), hosts.summary());
        // the closing preflight says what a blocker still read from that file means
        Procedure.Step confirm = view.procedure().steps(Procedure.Phase.CONFIRM).stream().filter(st -> st.action()
                .startsWith("Preflight of cluster HVC1")).findFirst().orElseThrow();
        assertTrue(confirm.detail().endsWith("; a blocker still read from vmhost.csv means that step 3's export was not"
                + " put in its place"), confirm.detail());
        String md = Files.readString(out.resolve("runbook.md"));
        assertTrue(md.contains("\n- [ ] " + action + "; " + detail + ".\n"), md);
        String html = Files.readString(out.resolve("runbook.html"));
        assertTrue(html.contains("<li>" + action + "; " + detail + ".</li>"), html);
        String ps1 = Files.readString(out.resolve("remediation.ps1")).replace("\r\n", "\n");
        assertTrue(ps1.contains("    Write-Host '  " + action + "; " + detail + "'\n"), ps1);
    }
}
