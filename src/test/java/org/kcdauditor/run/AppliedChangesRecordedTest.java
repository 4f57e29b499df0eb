package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.HostSettingsConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Reports;
import org.kcdauditor.store.StoreUrls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.MIG;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * What a change owner checks after a runbook was applied: did exactly the approved change happen. Besides a node's
 * delegation, the next run records as changes (CHANGED_SINCE_LAST_RUN, against the previous run of the same
 * configuration, with the real H2 store) a computer password change (pwdLastSet: a reset, or the computer's own), an SPN of a node taken off (or put on)
 * another, non-node account, and a node's live-migration setting switched in the Get-VMHost export; a previous run
 * stored before these values were kept gives no change for them.
 */
class AppliedChangesRecordedTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);
    private static final Instant OLD_PASSWORD = Instant.parse("2006-05-04T10:11:12Z");
    private static final Instant RESET = Instant.parse("2026-11-19T17:30:00Z");

    @TempDir
    Path dir;

    private AuditConfig config() {
        AuditConfig base = org.kcdauditor.history.HistoryTestData.config(dir,
                List.of(cluster("HVC1", "HV01", "HV02", "HV03")), null, null);
        return new AuditConfig(base.source(), base.baseDir(), base.directory(), base.clusters(), base.policy(),
                base.reports(), base.store(), base.baseline(), base.patches(), base.hardeningCatalogue(),
                base.events(), null, null, null, new HostSettingsConfig(List.of("vmhost.csv")));
    }

    private AuditRun.Outcome execute(List<AdObject> objects) throws Exception {
        return new AuditRun(config(), new Secrets(Map.of()), CLOCK, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(null, Set.of(org.kcdauditor.report.Format.JSON), new Timings(), n -> { });
    }

    /** The Get-VMHost export: HV03 with {@code auth} and {@code performance}, the other nodes Kerberos over TCP/IP. */
    private void export(String auth, String performance) throws Exception {
        Files.writeString(dir.resolve("vmhost.csv"), "ComputerName,VirtualMachineMigrationEnabled,"
                + "VirtualMachineMigrationAuthenticationType,VirtualMachineMigrationPerformanceOption\n"
                + "HV01,True,Kerberos,TCPIP\nHV02,True,Kerberos,TCPIP\nHV03,True," + auth + "," + performance + "\n");
    }

    private static List<String> changes(AuditRun.Outcome run) {
        return run.result().findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                .map(Finding::message).toList();
    }

    private static AdObject withPassword(AdObject o, Instant pwdLastSet) {
        return new AdObject(o.dn(), o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(), o.spns(),
                o.delegateTo(), o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon(),
                o.supportedEncryptionTypes(), pwdLastSet, o.rbcdDeniedSids());
    }

    /** A service account (no node, no computer) that registers {@code spns}. */
    private static AdObject serviceAccount(String name, String... spns) {
        return new AdObject("CN=" + name + ",OU=Service Accounts,DC=contoso,DC=com", name, name, null, 0x200,
                List.of(spns), List.of(), false, List.of(), "S-1-5-21-1-2-3-7001", null, null, null, 1, null);
    }

    private static List<AdObject> nodes(Instant hv03Password) {
        return replace(mesh("HV01", "HV02", "HV03"), withPassword(mesh("HV01", "HV02", "HV03").get(2), hv03Password));
    }

    private static List<AdObject> plus(List<AdObject> objects, AdObject more) {
        List<AdObject> out = new ArrayList<>(objects);
        out.add(more);
        return out;
    }

    @Test
    void aComputerPasswordChangeIsAChange() throws Exception {
        export("Kerberos", "TCPIP");
        execute(nodes(OLD_PASSWORD));
        AuditRun.Outcome reset = execute(nodes(RESET));
        assertEquals(List.of("HV03: computer password changed (pwdLastSet 2006-05-04 10:11:12 UTC -> 2026-11-19 17:30:00"
                + " UTC)."), changes(reset));
        var timeline = FindingsJson.read(reset.outDir().resolve("findings.json")).history().timeline();
        assertEquals(List.of("HV03: computer password changed (pwdLastSet 2006-05-04 10:11:12 UTC -> 2026-11-19 17:30:00"
                + " UTC)"), timeline.stream().map(t -> t.change()).toList(), "the timeline of findings.json says it");
        // its kind, as data: what notify: on-change decides by, in the finding's evidence and the timeline record
        assertEquals(List.of("PASSWORD_CHANGED"), FindingsJson.read(reset.outDir().resolve("findings.json")).findings()
                .stream()
                .filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")).findFirst().orElseThrow().evidence()
                .changeKinds());
        assertEquals(List.of(List.of("PASSWORD_CHANGED")), timeline.stream().map(t -> t.kinds()).toList());
        AuditRun.Outcome again = execute(nodes(RESET));
        assertEquals(List.of(), changes(again), "the same password again: no change");
        assertEquals(List.of(List.of("PASSWORD_CHANGED")), FindingsJson.read(again.outDir().resolve("findings.json"))
                .history().timeline().stream().map(t -> t.kinds()).toList(), "the stored record keeps its kind");
        assertEquals(List.of(), changes(execute(nodes(null))), "pwdLastSet absent (0): nothing to compare with");
    }

    @Test
    void theSamePasswordReadAtAdsHundredNanosecondPrecisionIsNoChange() throws Exception {
        // AD keeps pwdLastSet in 100 ns units; the store keeps microseconds: 2026-11-19 17:30:00.1234567 UTC
        Instant real = RESET.plusNanos(123_456_700);
        export("Kerberos", "TCPIP");
        execute(nodes(real));
        assertEquals(List.of(), changes(execute(nodes(real))), "the same pwdLastSet, stored cut to microseconds");
    }

    @Test
    void anSpnTakenOffANonNodeHolderIsAChange() throws Exception {
        export("Kerberos", "TCPIP");
        List<AdObject> duplicated = plus(nodes(OLD_PASSWORD), serviceAccount("svc-legacy", MIG + "/HV03"));
        execute(duplicated);
        assertEquals(List.of("HV03: svc-legacy no longer holds " + MIG + "/HV03 (a duplicate of HV03's SPN)."),
                changes(execute(nodes(OLD_PASSWORD))));
        assertEquals(List.of(), changes(execute(nodes(OLD_PASSWORD))), "no other holder in either run: no change");
        assertEquals(List.of("HV03: svc-legacy now also holds " + MIG + "/HV03 (a duplicate of HV03's SPN)."),
                changes(execute(duplicated)));
    }

    @Test
    void aLiveMigrationSettingSwitchedInTheHostExportIsAChange() throws Exception {
        export("CredSSP", "TCPIP");
        execute(nodes(OLD_PASSWORD));
        export("Kerberos", "SMB");
        assertEquals(List.of("HV03: live migration authentication CredSSP -> Kerberos (Get-VMHost export); HV03:"
                + " live migration performance option TCPIP -> SMB (Get-VMHost export)."),
                changes(execute(nodes(OLD_PASSWORD))));
        export("1", "smb");
        assertEquals(List.of(), changes(execute(nodes(OLD_PASSWORD))), "Kerberos written as its number: the same");
        Files.delete(dir.resolve("vmhost.csv"));
        Files.writeString(dir.resolve("vmhost.csv"), "ComputerName,VirtualMachineMigrationEnabled\nHV01,True\n");
        assertEquals(List.of(), changes(execute(nodes(OLD_PASSWORD))), "HV03 not exported: nothing to compare with");
    }

    /** A previous run stored before the store kept these values (null there) gives no change for them. */
    @Test
    void aPreviousRunWithoutTheseValuesGivesNoChange() throws Exception {
        export("CredSSP", "TCPIP");
        execute(plus(nodes(OLD_PASSWORD), serviceAccount("svc-legacy", MIG + "/HV03")));
        try (Connection c = DriverManager.getConnection(StoreUrls.connectUrl(config()));
             Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE run_host SET pwd_last_set = NULL");
            s.executeUpdate("UPDATE audit_run SET spn_holders_recorded = NULL");
            s.executeUpdate("DELETE FROM run_node_fact");
        }
        export("Kerberos", "TCPIP");
        AuditRun.Outcome next = execute(nodes(RESET));
        assertEquals(List.of(), changes(next));
        assertTrue(next.result().findings().stream().noneMatch(f -> f.rule().equals("DUPLICATE_SPN")));
    }
}
