package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
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
 * audit.pdf of a 64-node cluster in which two nodes lost every delegation entry since the previous run: HV00010 (its
 * MISSING_DELEGATION waived) and HV00020. Each has 63 peers × 4 entries: 504 MISSING_DELEGATION and 504
 * BASELINE_ENTRY_REMOVED findings. One row per entry made the PDF over a hundred pages (the same entries again in
 * Drift and in the timeline); a row per source host, peer and rule reads the same facts in a few pages, and the
 * workbook keeps the row per entry.
 */
class PdfLengthAtScaleTest {
    @TempDir
    static Path tmp;
    static byte[] pdf;
    static String all;

    @BeforeAll
    static void run() throws Exception {
        List<String> nodes = new ArrayList<>();
        for (int i = 1; i <= 64; i++) {
            nodes.add(String.format("HV%05d", i));
        }
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, 2000, nodes);
            StringBuilder baseline = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts:\n");
            for (String h : nodes) {
                List<String> peers = new ArrayList<>();
                for (String peer : nodes) {
                    if (!peer.equals(h)) {
                        for (String s : List.of(Hosts.MIG, "cifs")) {
                            peers.add("\"" + s + "/" + peer + "\"");
                            peers.add("\"" + s + "/" + TestDirectory.fqdn(peer, TestDirectory.BASE) + "\"");
                        }
                    }
                }
                baseline.append("  ").append(h).append(":\n    userAccountControl: [WORKSTATION_TRUST_ACCOUNT,"
                        + " TRUSTED_TO_AUTH_FOR_DELEGATION]\n    delegateTo: [").append(String.join(", ", peers))
                        .append("]\n");
            }
            baseline.append("waivers:\n  - rule: MISSING_DELEGATION\n    host: HV00010\n    justification: \"HV00010"
                    + " rebuilt under CHG0101; delegation to be re-added after burn-in\"\n    expires: 2026-12-31\n");
            Files.writeString(tmp.resolve("baseline.yaml"), baseline);
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                    + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + TestDirectory.BASE
                    + "\n  allowInsecureBind: true\n  timeoutSeconds: 20\nclusters:\n  - name: C0001\n    nodes: ["
                    + String.join(", ", nodes) + "]\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n"
                    + "baseline: baseline.yaml\nreports:\n  changeTicket: CHG0123\n");
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun before = CliRun.run(env, "run", "--config", cfg.toString(), "--out", tmp.resolve("before")
                    .toString(), "--formats", "json");
            assertEquals(0, before.exitCode(), before.toString());
            for (String broken : List.of("HV00010", "HV00020")) {
                ds.modify("CN=" + broken + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(
                        ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
            }
            CliRun r = CliRun.run(env, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                    "--formats", "pdf,json");
            assertEquals(3, r.exitCode(), r.toString());
        } finally {
            ds.shutDown(true);
        }
        pdf = Files.readAllBytes(tmp.resolve("out/audit.pdf"));
        all = PdfReportWriterTest.text(pdf, 1, 999).replaceAll("\\s+", " ");
    }

    @Test
    void twoBrokenHostsTakeAFewPagesNotAHundred() throws Exception {
        try (PDDocument d = Loader.loadPDF(pdf)) {
            assertTrue(d.getNumberOfPages() < 25, d.getNumberOfPages() + " pages");
        }
    }

    @Test
    void aGroupRowNamesTheHostPairAndHowManyFindingsItStandsFor() {
        // HV00020 -> HV00030: four entries (two services, short and full name), each a MISSING_DELEGATION finding
        assertTrue(all.contains("HV00020 -> HV00030: 4 findings: cifs/HV00030"), all);
        assertTrue(all.contains("one row per entry in the workbook's Findings sheet"), all);
        // the pairs of one host under a row that counts them: its findings and peers
        assertTrue(all.contains("HV00020 -> 63 peers: 252 findings, one per entry; a row per peer below"), all);
        // the executive summary counts findings, not groups: 252 open MISSING_DELEGATION and 252 BASELINE_ENTRY_REMOVED
        assertTrue(all.contains("504 high"), all);
    }

    @Test
    void driftAndTheTimelineReferToTheFindingsInsteadOfRepeatingEveryEntry() {
        // the removed entries are listed under Findings once: no second row per entry under Drift
        String drift = all.substring(all.indexOf("Drift, patches and events"));
        assertFalse(drift.contains("HV00020 no longer delegates to cifs/HV00030,"), drift);
        assertFalse(drift.contains("delegation entry removed: cifs/HV00030"), drift);
        assertTrue(drift.contains("HV00020 252 findings, on the delegation entries towards 63 peers: listed under"
                + " Findings by severity (HIGH), a row per peer"), drift);
        // the timeline's row of HV00020 in this run: its 252 removed entries counted
        assertTrue(drift.contains("HV00020 HV00020: 252 delegation entries removed (towards 63 hosts: HV00001, HV00002,"
                + " HV00003, …)"), drift);
    }
}
