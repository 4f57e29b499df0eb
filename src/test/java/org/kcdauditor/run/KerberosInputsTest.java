package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.Reports;
import org.kcdauditor.support.Hosts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run's imports reach the audit: host settings of the nodes (one per node, from any name form), and the
 * KDCSVC events that name a node, a file server or a host the nodes delegate to, not those of other accounts.
 */
class KerberosInputsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T06:00:00Z"), ZoneOffset.UTC);
    private static final Path FIXTURES = Path.of("src/test/resources/inventory").toAbsolutePath();

    @TempDir
    Path dir;

    private AuditConfig config(String extra) throws Exception {
        Path f = dir.resolve("kcd-audit.yaml");
        Files.writeString(f, """
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc@contoso.com
                  passwordEnv: X
                  baseDn: DC=contoso,DC=com
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03]
                    fileServers: [NAS01]
                  - name: HVC2
                    nodes: [HV11, HV12]
                store:
                  url: jdbc:h2:file:data/kcd-audit
                """ + extra);
        return ConfigLoader.load(f);
    }

    private AuditInputs inputs(AuditConfig config, List<AdObject> objects) {
        AuditRun run = new AuditRun(config, new Secrets(Map.of()), CLOCK, new Reports(List.of())).withHome(dir);
        return run.evaluate(new Snapshot(CLOCK.instant(), "ldaps://dc1", "DC=contoso,DC=com", objects), null,
                new Timings()).inputs();
    }

    private static List<AdObject> objects() {
        return List.of(Hosts.host("HV01").delegatesTo("HV02", "HV03").build(),
                Hosts.host("HV02").delegatesTo("HV01", "HV03").build(),
                Hosts.host("HV03").delegatesTo("HV01", "HV02").build(),
                Hosts.host("HV11").delegatesTo("HV12").build(), Hosts.host("HV12").delegatesTo("HV11").build(),
                Hosts.host("NAS01").build(), Hosts.host("HV13").build());
    }

    @Test
    void hostSettingsOfTheNodesReachTheAudit() throws Exception {
        AuditInputs in = inputs(config("hostSettings:\n  sources: ['" + FIXTURES + "/vmhost-*.csv']\n"), objects());
        assertTrue(in.hostSettingsConfigured());
        assertEquals(List.of("HV01", "HV02", "HV03", "hv11.contoso.com", "hv12.contoso.com"),
                in.hostSettings().stream().map(HostSettings::computer).toList(), "HV04 is no node");
        assertEquals(HostSettings.MigrationAuthentication.KERBEROS, in.hostSettings().get(1).authenticationType(),
                "HV02's last row in its export");
        assertEquals(HostSettings.MigrationAuthentication.CREDSSP, in.hostSettings().get(4).authenticationType());
        AuditInputs none = inputs(config(""), objects());
        assertFalse(none.hostSettingsConfigured());
        assertEquals(List.of(), none.hostSettings());
    }

    private static final String VMHOST_HEADER =
            "\"ComputerName\",\"VirtualMachineMigrationEnabled\",\"VirtualMachineMigrationAuthenticationType\"\r\n";

    /** A Get-VMHost export as Export-Csv writes it (fields quoted, CRLF) of {@code rows} ("HV01,True,Kerberos"). */
    private void vmhost(String file, String... rows) throws Exception {
        StringBuilder csv = new StringBuilder(VMHOST_HEADER);
        for (String row : rows) {
            csv.append('"').append(row.replace(",", "\",\"")).append("\"\r\n");
        }
        Files.writeString(dir.resolve(file), csv);
    }

    @Test
    void exportsThatDisagreeAboutANodeKeepTheOneThatBlocksIt() throws Exception {
        // an older export (first in glob order) says Kerberos, a newer one CredSSP: the node is not taken for Kerberos
        vmhost("vmhost-20261101.csv", "HV01,True,Kerberos", "HV02,False,Kerberos", "HV03,True,Kerberos");
        vmhost("vmhost-20261201.csv", "hv01.contoso.com,True,CredSSP", "HV02,True,Kerberos", "HV03,True,Kerberos");
        assertTheRecordsThatBlockCount("vmhost-*.csv", "vmhost-20261201.csv:2", "vmhost-20261101.csv:4");
    }

    @Test
    void aNodeAppendedAgainToOneExportIsTakenFromItsNewestRow() throws Exception {
        // a daily task's Get-VMHost ... | Export-Csv -Append: one file, the newest rows last; HV01 went back to CredSSP
        // and HV02 had migration disabled since the first day, HV03 did not change
        vmhost("vmhost.csv", "HV01,True,Kerberos", "HV02,True,Kerberos", "HV03,True,Kerberos",
                "HV01,True,CredSSP", "HV02,False,Kerberos", "HV03,True,Kerberos");
        assertTheRecordsThatBlockCount("vmhost.csv", "vmhost.csv:5", "vmhost.csv:7");
    }

    /** The reverse: a node set back to Kerberos today is not held to last month's CredSSP row of the same export. */
    @Test
    void aNodeSetBackToKerberosInTheNewestRowOfAnAppendedExportIsKerberos() throws Exception {
        vmhost("vmhost.csv", "HV01,True,CredSSP", "HV02,False,Kerberos", "HV01,True,Kerberos", "HV02,True,Kerberos");
        AuditInputs in = inputs(config("hostSettings:\n  sources: ['" + dir + "/vmhost.csv']\n"), objects());
        assertEquals(List.of("vmhost.csv:4", "vmhost.csv:5"), in.hostSettings().stream()
                .map(h -> h.origin().substring(h.origin().lastIndexOf('/') + 1)).toList());
        assertTrue(in.hostSettings().stream().allMatch(h -> h.blocks() == 0), in.hostSettings().toString());
    }

    /**
     * The exports {@code glob} names disagree about HV01 (Kerberos, then CredSSP at {@code hv01Origin}) and HV02
     * (migration enabled, and disabled), and agree about HV03 (taken from {@code hv03Origin}): one record per node, and
     * the one that blocks counts.
     */
    private void assertTheRecordsThatBlockCount(String glob, String hv01Origin, String hv03Origin) throws Exception {
        AuditInputs in = inputs(config("hostSettings:\n  sources: ['" + dir + "/" + glob + "']\n"), objects());
        Map<String, HostSettings> byHost = new java.util.HashMap<>();
        in.hostSettings().forEach(h -> byHost.put(h.computer().substring(0, 4).toUpperCase(java.util.Locale.ROOT), h));
        assertEquals(3, in.hostSettings().size(), "one record per node: " + in.hostSettings());
        assertEquals(HostSettings.MigrationAuthentication.CREDSSP, byHost.get("HV01").authenticationType(),
                "CredSSP in either record blocks");
        assertTrue(byHost.get("HV01").origin().endsWith(hv01Origin), byHost.get("HV01").origin());
        assertEquals(Boolean.FALSE, byHost.get("HV02").migrationEnabled(), "migration disabled in either record");
        assertTrue(byHost.get("HV03").origin().endsWith(hv03Origin), "agreeing: " + hv03Origin);
    }

    @Test
    void kdcEventsAreKeptWhenTheyNameANodeOrAFileServer() throws Exception {
        AuditInputs in = inputs(config("events:\n  sources: ['" + FIXTURES + "/kdcsvc-*']\n"), objects());
        List<EventRecord> kdc = in.events().stream().filter(EventRecord::kdc).toList();
        // 202 HV01$ -> NAS01$ (node), 203 HV02$ -> cifs/nas01 (node); 204 HV13$ -> cifs/nas01 (file server);
        // 205 names nobody, 201 names only krbtgt: dropped
        assertEquals(List.of(202, 204, 203), kdc.stream().map(EventRecord::eventId).toList());
    }

    @Test
    void kdcEventsAboutOtherAccountsAreDropped() throws Exception {
        AuditConfig c = config("events:\n  sources: ['" + FIXTURES + "/kdcsvc-system.xml']\n");
        List<AdObject> withoutNas = objects().stream().filter(o -> !o.name().equals("NAS01")).toList();
        AuditInputs in = inputs(c, withoutNas);
        // HV01$ is a node (kept); HV13$ -> cifs/nas01 names no object the audit looks at
        assertEquals(List.of(202), in.events().stream().map(EventRecord::eventId).toList());
    }

    @Test
    void anEventExportedTwiceIsOneEvent() throws Exception {
        // Tuesday's export overlaps Monday's (here: the same file under two names)
        Files.copy(FIXTURES.resolve("wevtutil-ha.xml"), dir.resolve("mon.xml"));
        Files.copy(FIXTURES.resolve("wevtutil-ha.xml"), dir.resolve("tue.xml"));
        AuditInputs once = inputs(config("events:\n  sources: ['" + FIXTURES + "/wevtutil-ha.xml']\n"), objects());
        AuditInputs twice = inputs(config("events:\n  sources: ['" + dir + "/*.xml']\n"), objects());
        assertFalse(once.events().isEmpty());
        assertEquals(once.events().size(), twice.events().size(), twice.events().toString());
    }
}
