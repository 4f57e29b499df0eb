package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.HostSettings.MigrationAuthentication;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/**
 * A node whose Get-VMHost export says VirtualMachineMigrationPerformanceOption SMB sends the memory of a live
 * migration over SMB to its peer, which its VMMS reaches with delegated credentials to {@code cifs/<peer>}: its pairs
 * require the cifs entries in both name forms even where policy.services leaves cifs out. Hand-built snapshots.
 */
class SmbMigrationCifsTest {
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    private static final Instant AES_SINCE = Instant.parse("2009-03-10T09:15:00Z");
    private static final ClusterConfig C10 = new ClusterConfig("C10", List.of("H10A", "H10B"), null, null);
    /** policy.services trimmed to the migration service, a documented option. */
    private static final PolicyConfig MIGRATION_ONLY = new PolicyConfig(List.of(MIG), null, null, null, null, null);

    private static AuditResult audit(PolicyConfig policy, List<HostSettings> settings) {
        // H10A's cifs entries to H10B removed; H10B has all four entries to H10A
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", List.of(
                host("H10A").delegatesTo("H10B").without("cifs/H10B").without("cifs/h10b.contoso.com").build(),
                host("H10B").delegatesTo("H10A").build()), "dc1.contoso.com", null, AES_SINCE, List.of());
        AuditInputs in = new AuditInputs(NOW, null, null, List.of(), false, null, List.of(), false, settings, true);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(C10), policy, in);
    }

    private static List<HostSettings> exported(String performanceA, String performanceB) {
        return List.of(
                new HostSettings("H10A", true, MigrationAuthentication.KERBEROS, "Kerberos", performanceA, 2,
                        "vmhost-2026-11-25.csv:2"),
                new HostSettings("H10B", true, MigrationAuthentication.KERBEROS, "1", performanceB, 2,
                        "vmhost-2026-11-25.csv:3"));
    }

    private static PairStatus pair(AuditResult r, String from, String to) {
        return r.context().pairs().stream().filter(p -> p.source().name().equals(from)
                && p.target().name().equals(to)).findFirst().orElseThrow();
    }

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    @Test
    void aNodeMigratingOverSmbNeedsCifsToItsPeerInBothNameFormsAlthoughThePolicyLeavesCifsOut() {
        AuditResult r = audit(MIGRATION_ONLY, exported("SMB", "SMB"));
        PairStatus ab = pair(r, "H10A", "H10B");
        assertEquals(List.of(MIG + "/H10B", MIG + "/h10b.contoso.com", "cifs/H10B", "cifs/h10b.contoso.com"),
                ab.required());
        assertEquals(List.of("cifs/H10B", "cifs/h10b.contoso.com"), ab.missing());
        assertFalse(ab.ok());
        assertFalse(ab.entriesCover());
        PairStatus ba = pair(r, "H10B", "H10A");
        assertEquals(4, ba.required().size(), "H10B migrates over SMB too: its cifs entries count");
        assertEquals(4, ba.present());
        assertTrue(ba.ok(), ba.blockers().toString());

        List<Finding> missing = of(r, "MISSING_DELEGATION");
        assertEquals(List.of("cifs/H10B", "cifs/h10b.contoso.com"), missing.stream().map(Finding::spn).toList());
        Finding f = missing.get(0);
        assertEquals(Severity.HIGH, f.severity());
        assertEquals("H10A", f.host());
        assertEquals("H10B", f.peer());
        assertEquals(List.of(new Action.AddDelegation("H10A", "H10B", List.of("cifs/H10B"))), f.actions());
        assertTrue(f.message().contains("H10A migrates over SMB (VirtualMachineMigrationPerformanceOption SMB in its"
                + " Get-VMHost export vmhost-2026-11-25.csv:2)"), f.message());
        assertTrue(ab.blockers().stream().map(b -> b.findingId()).toList()
                .containsAll(missing.stream().map(Finding::id).toList()), "the findings block the pair");
        assertEquals(List.of(), of(r, "STALE_DELEGATION"), "H10B's cifs entries are required, not stale");

        List<FindingsDocument.PairDoc> matrix = FindingsJson.matrix(r.context()).get("C10");
        FindingsDocument.PairDoc doc = matrix.stream().filter(p -> p.from().equals("H10A")).findFirst().orElseThrow();
        assertEquals(4, doc.required());
        assertEquals(2, doc.present());
        assertEquals(Boolean.FALSE, doc.ok());
        assertEquals(1, r.clusters().get(0).pairsOk());
    }

    @Test
    void theNumberTwoIsSmbAsWmiWritesTheEnum() {
        AuditResult r = audit(MIGRATION_ONLY, exported("2", "2"));
        assertEquals(List.of("cifs/H10B", "cifs/h10b.contoso.com"), pair(r, "H10A", "H10B").missing());
    }

    @Test
    void tcpIpCompressionAndUnknownValuesRequireNoCifsBeyondThePolicy() {
        for (String other : List.of("TCPIP", "Compression", "0", "1", "RDMA", "3")) {
            AuditResult r = audit(MIGRATION_ONLY, exported(other, other));
            PairStatus ab = pair(r, "H10A", "H10B");
            assertEquals(List.of(MIG + "/H10B", MIG + "/h10b.contoso.com"), ab.required(), other);
            assertTrue(ab.ok(), other + ": " + ab.blockers());
        }
    }

    @Test
    void withCifsInThePolicyNothingIsRequiredTwice() {
        AuditResult r = audit(PolicyConfig.defaults(), exported("SMB", "SMB"));
        PairStatus ab = pair(r, "H10A", "H10B");
        assertEquals(4, ab.required().size(), ab.required().toString());
        assertEquals(2, of(r, "MISSING_DELEGATION").size());
        assertFalse(of(r, "MISSING_DELEGATION").get(0).message().contains("migrates over SMB"),
                "the policy asks for cifs already: no SMB reason is needed");
    }
}
