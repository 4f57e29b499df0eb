package org.kcdauditor.baseline;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.rules.RuleCatalogue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * A node decommissioned after the baseline was approved: its peers' entries to it removed is the correct step, and
 * BASELINE_ENTRY_REMOVED reads it as drift the removal explains (LOW, no command to restore the entry, which would be
 * STALE_DELEGATION), whether its computer was deleted or it was only taken out of clusters[].nodes; an entry still
 * there to a host gone stays STALE_DELEGATION; an entry removed to a peer that is still one stays HIGH.
 */
class DecommissionedHostDriftTest {
    private static final Instant T = Instant.parse("2026-11-20T00:00:00Z");

    /** The approved baseline: HV01, HV02 and HV04 fully delegated to each other. */
    private static Baseline baseline() {
        Map<String, HostState> hosts = new LinkedHashMap<>();
        for (AdObject o : mesh("HV01", "HV02", "HV04")) {
            hosts.put(o.name(), HostState.of(o));
        }
        return new Baseline(null, null, null, hosts, List.of());
    }

    private static AuditResult audit(List<AdObject> objects, List<ClusterConfig> clusters) {
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T, objects), clusters, PolicyConfig.defaults(),
                new AuditInputs(T, baseline(), null, List.of(), false, null, List.of(), false));
    }

    private static List<Finding> rule(AuditResult r, String id) {
        return r.findings().stream().filter(f -> f.rule().equals(id)).toList();
    }

    private static void assertExplainedByTheRemoval(List<Finding> removed, String why) {
        assertEquals(8, removed.size(), removed.toString());
        for (Finding f : removed) {
            assertEquals(Severity.LOW, f.severity(), f.toString());
            assertEquals("HV04", f.peer());
            assertTrue(f.message().contains(why) && f.message().contains("HV04"), f.message());
            Action.Manual m = (Action.Manual) f.actions().get(0);
            assertEquals(List.of(), m.proposed(), "no command restores an entry to a host that is gone: " + f);
            assertTrue(m.what().contains("capture a new baseline") && !m.what().contains("restore"), m.what());
        }
    }

    @Test
    void entriesRemovedToAHostDeletedFromTheDirectoryAreLowDriftWithoutARestoreCommand() {
        List<AdObject> now = new ArrayList<>(List.of(host("HV01", PT, entriesTo("HV02")),
                host("HV02", PT, entriesTo("HV01"))));
        AuditResult r = audit(now, List.of(cluster("HVC1", "HV01", "HV02")));
        assertExplainedByTheRemoval(rule(r, "BASELINE_ENTRY_REMOVED"), "no longer in the directory");
        assertEquals(List.of("HV04"), rule(r, "BASELINE_HOST_MISSING").stream().map(Finding::host).toList());
        assertFalse(r.reaches(Severity.HIGH), r.findings().toString());
    }

    @Test
    void entriesRemovedToANodeOnlyTakenOutOfTheClustersAreLowDriftToo() {
        // HV04 still in AD (with its own entries), no longer configured: nobody migrates with it
        List<AdObject> now = new ArrayList<>(mesh("HV01", "HV02", "HV04"));
        now = replace(now, host("HV01", PT, entriesTo("HV02")));
        now = replace(now, host("HV02", PT, entriesTo("HV01")));
        AuditResult r = audit(now, List.of(cluster("HVC1", "HV01", "HV02")));
        assertExplainedByTheRemoval(rule(r, "BASELINE_ENTRY_REMOVED"), "no longer a node of a configured cluster");
        assertTrue(rule(r, "BASELINE_HOST_MISSING").get(0).message().contains("still in the directory"));
        assertFalse(r.reaches(Severity.HIGH), r.findings().toString());
    }

    @Test
    void entriesStillThereToAHostGoneAreStaleAndThoseRemovedAreNotToBeRestored() {
        // HV01's entries to HV04 removed, HV02's still there
        List<AdObject> now = new ArrayList<>(List.of(host("HV01", PT, entriesTo("HV02")),
                host("HV02", PT, entriesTo("HV01", "HV04"))));
        AuditResult r = audit(now, List.of(cluster("HVC1", "HV01", "HV02")));
        List<Finding> removed = rule(r, "BASELINE_ENTRY_REMOVED");
        assertEquals(4, removed.size());
        assertTrue(removed.stream().allMatch(f -> f.host().equals("HV01") && f.severity() == Severity.LOW));
        List<Finding> stale = rule(r, "STALE_DELEGATION");
        assertEquals(4, stale.size());
        assertTrue(stale.stream().allMatch(f -> f.host().equals("HV02") && f.severity() == Severity.LOW
                && f.actions().get(0) instanceof Action.RemoveDelegation), stale.toString());
    }

    @Test
    void anEntryRemovedToAPeerStillConfiguredStaysHighWithItsRestoreCommand() {
        // HV04 deleted from AD but still configured (HOST_NOT_FOUND): the entries are the ones it needs once joined
        // again, as STALE_DELEGATION reads them; and HV02 lost its entries to its peer HV01
        List<AdObject> now = new ArrayList<>(List.of(host("HV01", PT, entriesTo("HV02")),
                host("HV02", PT, List.of())));
        AuditResult r = audit(now, List.of(cluster("HVC1", "HV01", "HV02", "HV04")));
        List<Finding> removed = rule(r, "BASELINE_ENTRY_REMOVED");
        assertEquals(12, removed.size(), removed.toString());
        for (Finding f : removed) {
            assertEquals(Severity.HIGH, f.severity(), f.toString());
            Action.Manual m = (Action.Manual) f.actions().get(0);
            assertEquals(List.of(new Action.AddDelegation(f.host(), f.peer(), List.of(f.spn()))), m.proposed());
        }
    }
}
