package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Page 1 of audit.pdf at scale, from a real run: four clusters of 64, 16, 8 and 3 nodes; HV00010 of the first rebuilt
 * without any delegation (its MISSING_DELEGATION waived; 252 entries to retired hosts the baseline still documents
 * gone, removals no change re-adds), one
 * node of C0002 and one of C0003 missing an entry the change re-adds, and a live migration HV00011→HV00012 that failed
 * with 0x8009030E. The sentence that says why C0001 stays NO-GO after the change listed every entry (each pair four
 * times, word for word), pushed the decision off page 1, and the layout search then listed 2 of the 4 clusters; the
 * waived column broke host names mid-name; the failure was called "not a Kerberos error".
 */
class DecisionPageScaleTest {
    @TempDir
    static Path tmp;
    @TempDir
    static Path tmpCrowded;
    static String first;
    /** Page 1 of the same estate, its nodes on Windows Server 2025, two migrating with CredSSP, one RC4 only. */
    static String crowded;
    static byte[] crowdedPdf;

    @BeforeAll
    static void run() throws Exception {
        first = PdfReportWriterTest.text(audit(tmp, false), 1, 1);
        crowdedPdf = audit(tmpCrowded, true);
        crowded = PdfReportWriterTest.text(crowdedPdf, 1, 1);
    }

    /** audit.pdf of the estate in {@code tmp}; {@code crowded}: with more reasons per cluster. */
    static byte[] audit(Path tmp, boolean crowded) throws Exception {
        List<List<String>> clusters = new ArrayList<>();
        int n = 1;
        for (int size : List.of(64, 16, 8, 3)) {
            List<String> nodes = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                nodes.add(String.format("HV%05d", n++));
            }
            clusters.add(nodes);
        }
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        StringBuilder baseline = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts:\n  HV00010:\n"
                + "    userAccountControl: [WORKSTATION_TRUST_ACCOUNT, TRUSTED_TO_AUTH_FOR_DELEGATION]\n"
                + "    delegateTo: [");
        try {
            int rid = 2000;
            for (List<String> c : clusters) {
                TestDirectory.addCluster(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, rid, c);
                rid += c.size();
            }
            // the baseline documents delegation to 63 retired hosts: removals no change re-adds and no waiver covers;
            // their computers still in the directory, no configured node, never a baseline host (an entry to a host
            // gone would be drift its decommissioning explains, LOW: DecommissionedHostDriftTest)
            List<String> retiredHosts = new ArrayList<>();
            for (int retired = 9001; retired <= 9063; retired++) {
                retiredHosts.add(String.format("HV%05d", retired));
            }
            TestDirectory.addCluster(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, 9001, retiredHosts);
            List<String> documented = new ArrayList<>();
            for (int retired = 9001; retired <= 9063; retired++) {
                String peer = String.format("HV%05d", retired);
                for (String s : List.of(Hosts.MIG, "cifs")) {
                    documented.add("\"" + s + "/" + peer + "\"");
                    documented.add("\"" + s + "/" + TestDirectory.fqdn(peer, TestDirectory.BASE) + "\"");
                }
            }
            baseline.append(String.join(", ", documented)).append("]\n");
            // every other node documented as it is, so that no BASELINE_HOST_NEW crowds page 1
            for (List<String> c : clusters) {
                for (String h : c) {
                    if (h.equals("HV00010")) {
                        continue;
                    }
                    List<String> peers = new ArrayList<>();
                    for (String peer : c) {
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
            }
            baseline.append("waivers:\n  - rule: MISSING_DELEGATION\n"
                    + "    host: HV00010\n    justification: \"HV00010 rebuilt under CHG0101; delegation to be re-added"
                    + " after burn-in\"\n    expires: 2026-12-31\n");
            ds.modify(dn("HV00010"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
            ds.modify(dn("HV00070"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    "cifs/HV00071"));
            ds.modify(dn("HV00083"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    "cifs/HV00084"));
            StringBuilder settings = new StringBuilder("\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                    + "\"VirtualMachineMigrationAuthenticationType\"\n");
            if (crowded) {
                for (List<String> c : clusters) {
                    for (String h : c) {
                        ds.modify(dn(h), new Modification(ModificationType.REPLACE, "operatingSystemVersion",
                                "10.0 (26100)"));
                        settings.append('"').append(h).append("\",\"True\",\"").append(h.equals("HV00007")
                                || h.equals("HV00070") ? "CredSSP" : "Kerberos").append("\"\n");
                    }
                }
                ds.modify(dn("HV00046"), new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes",
                        "4"));
            }
            Files.writeString(tmp.resolve("vmhost.csv"), settings);
            Files.writeString(tmp.resolve("baseline.yaml"), baseline);
            Files.createDirectories(tmp.resolve("events"));
            Files.writeString(tmp.resolve("events/HV00011-ha.xml"), event("2026-11-18T02:14:09.5512000Z", 18051)
                    + "\n" + event("2026-11-18T02:31:47.1200000Z", 18052) + "\n");
            StringBuilder y = new StringBuilder("directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort()
                    + "\n  bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: "
                    + TestDirectory.BASE + "\n  allowInsecureBind: true\n  timeoutSeconds: 20\nclusters:\n");
            for (int i = 0; i < clusters.size(); i++) {
                y.append("  - name: C000").append(i + 1).append("\n    nodes: [")
                        .append(String.join(", ", clusters.get(i))).append("]\n");
            }
            y.append("store:\n  url: jdbc:h2:file:data/kcd-audit\nbaseline: baseline.yaml\n"
                    + "events:\n  sources: [\"events/*\"]\nreports:\n  changeTicket: CHG0123\n"
                    + (crowded ? "hostSettings:\n  sources: [\"vmhost.csv\"]\n" : ""));
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, y);
            CliRun r = CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", "pdf");
            assertEquals(3, r.exitCode(), r.toString());
        } finally {
            ds.shutDown(true);
        }
        return Files.readAllBytes(tmp.resolve("out/audit.pdf"));
    }

    private static String dn(String host) {
        return "CN=" + host + ",OU=Hyper-V," + TestDirectory.BASE;
    }

    /** A Hyper-V-High-Availability 21502 on HV00011: the migration to HV00012 failed with 0x8009030E. */
    private static String event(String time, int record) {
        return "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider"
                + " Name='Microsoft-Windows-Hyper-V-High-Availability'/><EventID>21502</EventID><Level>2</Level>"
                + "<TimeCreated SystemTime='" + time + "'/><EventRecordID>" + record + "</EventRecordID>"
                + "<Channel>Microsoft-Windows-Hyper-V-High-Availability-Admin</Channel><Computer>HV00011.contoso.com"
                + "</Computer></System><EventData><Data Name='VmName'>SQL01</Data><Data Name='ErrorMessage'>Live"
                + " migration of &apos;Virtual Machine SQL01&apos; failed. Virtual machine migration operation for"
                + " &apos;SQL01&apos; failed at migration source &apos;HV00011&apos;. The Virtual Machine Management"
                + " Service failed to establish a connection for a Virtual Machine migration with host &apos;HV00012"
                + "&apos;: No credentials are available in the security package (0x8009030E).</Data></EventData>"
                + "</Event>";
    }

    @Test
    void pageOneHasARowForEachOfTheFourClusters() {
        String flat = first.replace("\n", " ");
        for (String c : List.of("C0001 NO-GO", "C0002 NO-GO", "C0003 NO-GO", "C0004 GO")) {
            assertTrue(flat.contains(c), c + " has its row on page 1: " + first);
        }
        assertFalse(flat.contains("more cluster"), "no cluster counted instead of listed: " + first);
        assertTrue(flat.contains("The proposed change") && flat.contains("After the change"), first);
        assertFalse(flat.contains("more object"), "every object of the change listed: " + first);
    }

    /**
     * With more reasons per cluster no layout lets page 1 hold everything through the trend: page 1 still lists the four
     * clusters, each with its verdict and why, and the change and the state after it follow on page 2.
     */
    @Test
    void aCrowdedPageOneStillHasARowForEachClusterAndTheRestFollowsOnPageTwo() throws Exception {
        String flat = crowded.replace("\n", " ");
        for (String c : List.of("C0001 NO-GO", "C0002 NO-GO", "C0003 NO-GO", "C0004 ")) {
            assertTrue(flat.contains(c), c + " has its row on page 1: " + crowded);
        }
        assertFalse(flat.contains("more cluster"), "no cluster counted instead of listed: " + crowded);
        assertTrue(flat.contains("After the change, C0001 stays NO-GO for"), crowded);
        String two = PdfReportWriterTest.text(crowdedPdf, 1, 2).replace("\n", " ");
        assertTrue(two.contains("After the change ") && two.contains("Sign-off"), two);
        String at = Pattern.compile("HV\\d{0,4}(?!\\d)").matcher(crowded).results().map(m -> m.group()).findFirst()
                .orElse(null);
        assertEquals(null, at, "a host name broken mid-name: " + crowded);
    }

    @Test
    void theReasonsC0001StaysNoGoAreGroupedAndCounted() {
        String flat = first.replaceAll("\\s+", " ");
        int at = flat.indexOf("After the change, C0001 stays NO-GO for");
        assertTrue(at >= 0 && flat.indexOf("C0002", at) > at, "under C0001's row, before C0002's: " + first);
        String staying = flat.substring(at, flat.indexOf("C0002", at));
        Matcher gone = Pattern.compile("documented delegation entry is gone").matcher(staying);
        int times = 0;
        while (gone.find()) {
            times++;
        }
        assertEquals(1, times, "one reason for the 252 entries: " + staying);
        assertTrue(staying.contains("A documented delegation entry is gone: HV00010 → 63 destinations (252 entries)."
                + " Closed by:"), staying);
        assertFalse(staying.contains("HV00010→HV00002"), "no entry listed one by one: " + staying);
    }

    @Test
    void theWaivedColumnSummarisesPerSourceAndBreaksNoHostName() {
        String flat = first.replaceAll("\\s+", " ");
        assertTrue(flat.contains("HV00010 → 63 destinations (waived until 2026-12-31)"), flat);
        Matcher broken = Pattern.compile("HV\\d{0,4}(?!\\d)").matcher(first);
        String at = broken.find() ? broken.group() : null;
        assertEquals(null, at, "a host name broken mid-name: " + first);
    }

    @Test
    void theObservedFailureIsCalledAKerberosErrorAsItsEventsSay() {
        String flat = first.replaceAll("\\s+", " ");
        assertFalse(flat.contains("not a Kerberos error"), flat);
        assertTrue(flat.contains("HV00011→HV00012, last 2026-11-18, a Kerberos error (0x8009030E) that delegation"
                + " does not explain"), flat);
    }
}
