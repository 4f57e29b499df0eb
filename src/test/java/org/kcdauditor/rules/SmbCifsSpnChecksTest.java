package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.HostSettings.MigrationAuthentication;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/**
 * The {@code cifs/<peer>} SPNs a node's Get-VMHost export makes its pairs require (VirtualMachineMigrationPerformanceOption
 * SMB, policy.services without cifs) are checked as the policy's services' SPNs are: registered on the peer (or served
 * by its {@code HOST/<peer>}), by one object only, and alike on every DC read ({@code --all-dcs}). Each case is run both
 * ways a context is built: with the inputs, and as a run builds it (resolved first, then {@link
 * AuditContext#withInputs}); and with a TCPIP export, under which the same directory blocks no pair.
 */
class SmbCifsSpnChecksTest {
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    private static final Instant AES_SINCE = Instant.parse("2009-03-10T09:15:00Z");
    private static final ClusterConfig C10 = new ClusterConfig("C10", List.of("H10A", "H10B"), null, null);
    private static final PolicyConfig MIGRATION_ONLY = new PolicyConfig(List.of(MIG), null, null, null, null, null);
    private static final String EXPORT_A = "H10A migrates over SMB (VirtualMachineMigrationPerformanceOption SMB in its"
            + " Get-VMHost export vmhost-2026-11-25.csv:2)";

    private static List<HostSettings> exported(String performance) {
        return List.of(
                new HostSettings("H10A", true, MigrationAuthentication.KERBEROS, "Kerberos", performance, 2,
                        "vmhost-2026-11-25.csv:2"),
                new HostSettings("H10B", true, MigrationAuthentication.KERBEROS, "Kerberos", "TCPIP", 2,
                        "vmhost-2026-11-25.csv:3"));
    }

    /** H10A and H10B with full entries to each other (cifs included); H10B as given, other objects after. */
    private static List<AdObject> objects(AdObject h10b, AdObject... others) {
        List<AdObject> out = new java.util.ArrayList<>(List.of(host("H10A").delegatesTo("H10B").build(), h10b));
        out.addAll(List.of(others));
        return out;
    }

    private static Snapshot snapshot(List<AdObject> objects, DcRead... dcs) {
        if (dcs.length == 0) {
            return new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", objects, "dc1.contoso.com", null, AES_SINCE,
                    List.of());
        }
        DirectoryPart part = new DirectoryPart("default", "ldaps://dc1.contoso.com", "DC=contoso,DC=com",
                "dc1.contoso.com", null, AES_SINCE, false, null, 0, objects.size(), null, true, List.of(dcs));
        return new Snapshot(NOW, "ldaps://dc1.contoso.com", "DC=contoso,DC=com", objects, "dc1.contoso.com", null,
                AES_SINCE, List.of(), List.of(part), null);
    }

    private static AuditInputs inputs(String performance) {
        return new AuditInputs(NOW, null, null, List.of(), false, null, List.of(), false, exported(performance), true);
    }

    /** With the inputs from the start. */
    private static AuditResult audit(Snapshot s, String performance) {
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(C10), MIGRATION_ONLY, inputs(performance));
    }

    /** As a run: the clusters resolved first, the imports (the Get-VMHost export among them) given after. */
    private static AuditResult run(Snapshot s, String performance) {
        return new Auditor(RuleCatalogue.standard()).evaluate(new AuditContext(s, List.of(C10), MIGRATION_ONLY)
                .withInputs(inputs(performance)));
    }

    private static PairStatus ab(AuditResult r) {
        return r.context().pairs().stream().filter(p -> p.source().name().equals("H10A")
                && p.target().name().equals("H10B")).findFirst().orElseThrow();
    }

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    private static boolean blocks(PairStatus p, String rule) {
        return p.blockers().stream().map(Blocker::rule).anyMatch(rule::equals);
    }

    @Test
    void aPeerRegisteringNeitherCifsNorHostBlocksTheSmbPair() {
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").withoutSpn("HOST/H10B")
                .withoutSpn("HOST/h10b.contoso.com").build()));
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            PairStatus p = ab(r);
            assertEquals(List.of("cifs/H10B", "cifs/h10b.contoso.com"), p.unregistered());
            assertTrue(blocks(p, Blocker.TARGET_SPN_NOT_REGISTERED), p.blockers().toString());
            assertEquals(1, r.clusters().get(0).pairsOk());
            List<Finding> found = of(r, Blocker.TARGET_SPN_NOT_REGISTERED);
            assertEquals(List.of("cifs/H10B", "cifs/h10b.contoso.com"), found.stream().map(Finding::spn).toList());
            assertEquals(Severity.HIGH, found.get(0).severity());
            assertTrue(found.get(0).message().contains(EXPORT_A), found.get(0).message());
        }
        for (AuditResult r : List.of(audit(s, "TCPIP"), run(s, "TCPIP"))) {
            assertTrue(ab(r).ok(), ab(r).blockers().toString());
            assertEquals(List.of(), of(r, Blocker.TARGET_SPN_NOT_REGISTERED));
        }
    }

    @Test
    void thePeersHostSpnServesItsCifsForTheSmbPair() {
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").build()));
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            assertEquals(List.of(), ab(r).unregistered());
            assertTrue(ab(r).ok(), ab(r).blockers().toString());
            assertEquals(2, r.clusters().get(0).pairsOk());
        }
    }

    @Test
    void aPeersCifsSpnRegisteredTwiceBlocksTheSmbPair() {
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").spn("cifs/H10B").build(),
                host("OLD10B").spn("cifs/H10B").build()));
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            assertTrue(blocks(ab(r), Blocker.DUPLICATE_SPN), ab(r).blockers().toString());
            assertEquals(1, r.clusters().get(0).pairsOk());
            Finding f = of(r, Blocker.DUPLICATE_SPN).get(0);
            assertEquals("cifs/H10B", f.spn());
            assertTrue(f.message().contains("the pair into H10B cannot migrate"), f.message());
            assertTrue(f.message().contains(EXPORT_A), f.message());
        }
        for (AuditResult r : List.of(audit(s, "TCPIP"), run(s, "TCPIP"))) {
            assertTrue(ab(r).ok(), ab(r).blockers().toString());
            assertFalse(of(r, Blocker.DUPLICATE_SPN).get(0).message().contains("migrates over SMB"));
        }
    }

    @Test
    void aPeersHostSpnRegisteredTwiceBlocksTheSmbPairThroughCifs() {
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").build(),
                host("OLD10B").spn("HOST/H10B").build()));
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            assertTrue(blocks(ab(r), Blocker.DUPLICATE_SPN), ab(r).blockers().toString());
            assertEquals(1, r.clusters().get(0).pairsOk());
            Finding f = of(r, Blocker.DUPLICATE_SPN).get(0);
            assertEquals("HOST/H10B", f.spn());
            assertTrue(f.message().contains(EXPORT_A), f.message());
        }
        for (AuditResult r : List.of(audit(s, "TCPIP"), run(s, "TCPIP"))) {
            assertTrue(ab(r).ok(), "the migration service's SPN is no HOST alias: " + ab(r).blockers());
        }
    }

    @Test
    void aDcThatHasNotReplicatedThePeersHostSpnBlocksTheSmbPair() {
        DcRead dc1 = new DcRead("dc1.contoso.com", null, false, true, null, null, null);
        DcRead dc2 = new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                List.of(host("H10B").delegatesTo("H10A").withoutSpn("HOST/H10B").withoutSpn("HOST/h10b.contoso.com")
                        .build()), List.of());
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").build()), dc1, dc2);
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            assertTrue(blocks(ab(r), "DC_NOT_CONVERGED"), ab(r).blockers().toString());
            assertEquals(1, r.clusters().get(0).pairsOk());
            Finding f = of(r, "DC_NOT_CONVERGED").get(0);
            assertEquals(Severity.HIGH, f.severity());
            assertTrue(f.message().contains(EXPORT_A), f.message());
        }
        for (AuditResult r : List.of(audit(s, "TCPIP"), run(s, "TCPIP"))) {
            assertTrue(ab(r).ok(), ab(r).blockers().toString());
            assertEquals(Severity.MEDIUM, of(r, "DC_NOT_CONVERGED").get(0).severity(), "HOST/ serves no pair");
        }
    }
    @Test
    void aDcThatHasNotReplicatedTheSourcesCifsEntriesBlocksTheSmbPair() {
        DcRead dc1 = new DcRead("dc1.contoso.com", null, false, true, null, null, null);
        DcRead dc2 = new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                List.of(host("H10A").delegatesTo("H10B").without("cifs/H10B").without("cifs/h10b.contoso.com")
                        .build()), List.of());
        Snapshot s = snapshot(objects(host("H10B").delegatesTo("H10A").build()), dc1, dc2);
        for (AuditResult r : List.of(audit(s, "SMB"), run(s, "SMB"))) {
            assertTrue(blocks(ab(r), "DC_NOT_CONVERGED"), ab(r).blockers().toString());
            Finding f = of(r, "DC_NOT_CONVERGED").get(0);
            assertEquals("H10A", f.host());
            assertEquals(Severity.HIGH, f.severity());
            assertTrue(f.message().contains(EXPORT_A), f.message());
        }
        for (AuditResult r : List.of(audit(s, "TCPIP"), run(s, "TCPIP"))) {
            assertTrue(ab(r).ok(), ab(r).blockers().toString());
            assertEquals(Severity.MEDIUM, of(r, "DC_NOT_CONVERGED").get(0).severity(), "no pair needs the entries");
        }
    }
}
