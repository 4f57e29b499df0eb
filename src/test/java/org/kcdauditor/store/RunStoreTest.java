package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.Severity;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

class RunStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("db/history");
    }

    private static AuditResult audit() {
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02", "HV09")), org.kcdauditor.config.PolicyConfig.defaults(),
                AuditInputs.none(T0));
    }

    /**
     * Stores a run whose directory and imports hold U+0000 (a delegation entry, so a finding's SPN and message; a
     * patch's description) and reads it back: the run is stored (PostgreSQL's text refuses the character: the commit
     * failed there), its texts show it as {@code \u0000}, the delegation values are kept exactly.
     */
    static void storesARunWhoseValuesHoldNul(String url, String user, char[] password) {
        String nul = "cifs/evil\u0000host.contoso.com";
        List<String> entries = new ArrayList<>(entriesTo("HV02"));
        entries.add(nul);
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(
                snapshot(T0, replace(mesh("HV01", "HV02"), host("HV01", PT, entries))),
                List.of(cluster("HVC1", "HV01", "HV02")), org.kcdauditor.config.PolicyConfig.defaults(),
                AuditInputs.none(T0));
        assertTrue(r.findings().stream().anyMatch(f -> nul.equals(f.spn())), "a finding carries the entry");
        try (RunStore store = RunStore.open(url, user, password)) {
            store.begin("run-nul", T0, "run", "/etc/kcd.yaml", "ldaps://dc1", "DC=contoso,DC=com");
            store.complete("run-nul", T0.plusSeconds(1), new CompletedRun(r, 2, null,
                    List.of(new PatchRecord("HV01", "KB5019966", LocalDate.of(2022, 11, 9), "Up\u0000date", "a:2")),
                    List.of()), store.writeSnapshot("run-nul", r.context().hosts(), null));
            assertEquals(RunSummary.SUCCEEDED, store.find("run-nul").orElseThrow().status());
            Finding stored = store.findings("run-nul").stream().filter(f -> f.spn() != null
                    && f.spn().startsWith("cifs/evil")).findFirst().orElseThrow();
            assertEquals("cifs/evil\\u0000host.contoso.com", stored.spn());
            assertFalse(stored.message().contains("\u0000"), stored.message());
            assertEquals(entries, store.hostStates("run-nul").get("HV01").delegateTo());
        }
    }

    /**
     * A configured node not found (HV09), whose objectSid the previous run recorded: each run records it with the run
     * that last found it, the next carries it on though the run between did not find it, a run that fails keeps none,
     * and retention is told to keep the run that found it only while a computer holds that objectSid under another
     * name (HV19: HV09 renamed), not while none does (HV09 deleted, or out of the base DN).
     */
    static void storesTheConfiguredNodesNotFoundRunByRun(String url, String user, char[] password) {
        String config = "/etc/kcd-missing.yaml";
        String sid = host("HV19", PT, List.of()).objectSid();
        PreviousRun found = new PreviousRun("found", T0, Map.of("HV09", new org.kcdauditor.model.HostState("HV09",
                List.of(), List.of(), List.of(), null, sid, null)), java.util.Set.of());
        try (RunStore store = RunStore.open(url, user, password)) {
            PreviousRun previous = found;
            for (String run : List.of("deleted", "renamed")) {
                store.begin(run, T0.plusSeconds(60), "run", config, null, null);
                store.complete(run, T0.plusSeconds(61), new CompletedRun(auditAfter(previous, run.equals("renamed")),
                        2, null, List.of(), List.of()));
                previous = store.previousRun(config).orElseThrow();
                assertEquals(Map.of("HV09", new org.kcdauditor.model.LastFoundSid("HV09", null, null, sid, "found",
                        T0)), previous.notFound(), run);
                assertEquals(1, store.count("run_missing_node", run));
                assertEquals(run.equals("renamed") ? java.util.Set.of("found") : java.util.Set.of(),
                        store.runsLastFindingMissingNodes(config), run);
            }
            store.begin("failed", T0.plusSeconds(120), "run", config, null, null);
            store.stage("failed", new CompletedRun(auditAfter(previous, true), 2, null, List.of(), List.of()));
            assertEquals(1, store.count("run_missing_node", "failed"));
            store.fail("failed", T0.plusSeconds(121), "IOException: No space left on device");
            assertEquals(0, store.count("run_missing_node", "failed"));
            assertEquals("renamed", store.previousRun(config).orElseThrow().runId());
        }
    }

    /**
     * HVC1 of HV01, HV02 and HV09 (not in the directory) audited after {@code previous}; with {@code renamed}, the
     * directory also holds HV19, a computer of no cluster.
     */
    /** {@link #audit()} with a service account that registers an SPN of HV01 too (DUPLICATE_SPN). */
    private static AuditResult auditWithOtherHolder() {
        List<org.kcdauditor.model.AdObject> objects = new ArrayList<>(mesh("HV01", "HV02"));
        objects.add(new org.kcdauditor.model.AdObject("CN=svc-legacy,OU=Service Accounts,DC=contoso,DC=com",
                "svc-legacy", "svc-legacy", null, 0x200, List.of("HOST/HV01"), List.of(), false, List.of(),
                "S-1-5-21-1-2-3-7001", null, null, null, 1, null));
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, objects),
                List.of(cluster("HVC1", "HV01", "HV02", "HV09")), org.kcdauditor.config.PolicyConfig.defaults(),
                AuditInputs.none(T0));
    }

    private static AuditResult auditAfter(PreviousRun previous, boolean renamed) {
        List<org.kcdauditor.model.AdObject> objects = new ArrayList<>(mesh("HV01", "HV02"));
        if (renamed) {
            objects.add(host("HV19", PT, List.of()));
        }
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, objects),
                List.of(cluster("HVC1", "HV01", "HV02", "HV09")), org.kcdauditor.config.PolicyConfig.defaults(),
                new AuditInputs(T0, null, previous, List.of(), false, null, List.of(), false));
    }

    @Test
    void theConfiguredNodesNotFoundAreCarriedFromRunToRun() {
        storesTheConfiguredNodesNotFoundRunByRun(url(), null, null);
    }

    @Test
    void aRunWhoseValuesHoldNulIsStoredWithTheCharacterShownByItsCode() {
        storesARunWhoseValuesHoldNul(url(), null, null);
    }

    @Test
    void migratesAnEmptyDatabaseAndRecordsACompleteRun() throws Exception {
        try (RunStore store = RunStore.open(url(), null, null)) {
            assertTrue(store.list(10).isEmpty());
            store.begin("run-1", T0, "run", "/etc/kcd.yaml", "ldaps://dc1", "DC=contoso,DC=com");
            assertEquals(RunSummary.RUNNING, store.find("run-1").orElseThrow().status());
            AuditResult r = audit();
            store.complete("run-1", T0.plusSeconds(5), new CompletedRun(r, 2, dir.resolve("reports"),
                    List.of(new PatchRecord("HV01", "KB5019966", LocalDate.of(2022, 11, 9), "Update", "a.csv:2")),
                    List.of(new EventRecord("HV01", 21502, T0, "HV01", "HV02", EventClassification.NO_CREDENTIALS, "0x8009030E", "m",
                            "e.xml:1"))));
            RunSummary s = store.find("run").orElseThrow();
            assertEquals(RunSummary.SUCCEEDED, s.status());
            assertEquals(2, s.hosts());
            assertEquals(r.findings().size(), s.findings());
            assertEquals(1, s.bySeverity().get("HIGH"));
            assertEquals(2, store.count("run_host", "run-1"));
            assertEquals(1, store.count("run_patch", "run-1"));
            assertEquals(1, store.count("run_event", "run-1"));
            PreviousRun prev = store.previousRun().orElseThrow();
            assertEquals("run-1", prev.runId());
            // when it started, before it read the directory (CHANGED_SINCE_LAST_RUN compares writes with it), and ended
            assertEquals(T0, prev.startedAt());
            assertEquals(T0.plusSeconds(5), prev.finishedAt());
            assertEquals(List.of("HV01", "HV02"), List.copyOf(prev.hosts().keySet()));
            assertEquals(4, prev.hosts().get("HV01").delegateTo().size());
            assertEquals(r.findings().stream().map(Finding::id).toList(), List.copyOf(prev.findingIds()));
        }
        try (var c = DriverManager.getConnection(url()); ResultSet rs = c.createStatement()
                .executeQuery("SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL")) {
            assertTrue(rs.next());
            assertEquals("1", rs.getString(1));
        }
    }

    @Test
    void aConfigsPathFindsTheHistoryFiledUnderAnotherSpellingOfIt() {
        String normal = dir.resolve("kcd/config/kcd-audit.yaml").toString();
        String viaBin = dir.resolve("kcd/bin/../config/kcd-audit.yaml").toString();
        String viaDot = dir.resolve("kcd/./config/kcd-audit.yaml").toString();
        try (RunStore store = RunStore.open(url(), null, null)) {
            assertEquals(normal, store.historyKey(normal), "an empty store: the key as given");
            store.begin("old", T0, "run", viaBin, null, null);
            assertEquals(viaBin, store.historyKey(normal), "runs filed before keys were normalised continue");
            store.begin("other", T0.plusSeconds(1), "run", dir.resolve("elsewhere/kcd-audit.yaml").toString(), null,
                    null);
            store.begin("newer", T0.plusSeconds(2), "run", viaDot, null, null);
            assertEquals(viaDot, store.historyKey(normal), "the spelling of the latest run");
            store.begin("now", T0.plusSeconds(3), "run", normal, null, null);
            assertEquals(normal, store.historyKey(normal));
            assertEquals(dir.resolve("new/kcd-audit.yaml").toString(),
                    store.historyKey(dir.resolve("new/kcd-audit.yaml").toString()), "another file: its own history");
            store.begin("named", T0.plusSeconds(4), "run", "../contoso", null, null);
            assertEquals("contoso", store.historyKey("contoso"), "a configName is a name, not a path");
            // history --config lists the configuration's runs under every spelling, and no other's
            assertEquals(List.of("now", "newer", "old"), store.list(normal, 10).stream().map(RunSummary::id).toList());
            assertEquals(List.of("now", "newer"), store.list(normal, 2).stream().map(RunSummary::id).toList());
            assertEquals(List.of("named"), store.list("../contoso", 10).stream().map(RunSummary::id).toList());
            assertEquals(List.of(), store.list("contoso", 10));
        }
    }

    @Test
    void aFailureWhileStoringLeavesNoRowsOnceTheRunFailsAndEarlierRunsIntact() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("good", T0, "run", null, null, null);
            store.complete("good", T0, new CompletedRun(audit(), 2, null, List.of(), List.of()));
            store.begin("bad", T0.plusSeconds(60), "run", null, null, null);
            AuditResult r = audit();
            List<Finding> broken = new ArrayList<>(r.findings());
            broken.add(new Finding(null, "X", Severity.LOW, null, null, null, null, "finding without id", null, null,
                List.of(), null, null));
            AuditResult bad = new AuditResult(r.context(), broken, r.clusters(), r.pairs(), r.requiredEntries(),
                    r.presentEntries(), r.bySeverity());
            assertThrows(StoreException.class, () -> store.complete("bad", T0.plusSeconds(61),
                    new CompletedRun(bad, 2, null, List.of(new PatchRecord("HV01", "KB1234567", null, null, "x")),
                            List.of())));
            // the hosts were committed batch by batch while RUNNING; the failed transaction's rows rolled back
            assertEquals(0, store.count("run_patch", "bad"));
            assertEquals(0, store.count("run_finding", "bad"));
            assertEquals("good", store.previousRun().orElseThrow().runId(), "a RUNNING run is read by none");
            store.fail("bad", T0.plusSeconds(62), "StoreException: boom");
            assertEquals(0, store.count("run_host", "bad") + store.count("run_host_attr", "bad"),
                    "its hosts go with its failure");
            RunSummary failed = store.find("bad").orElseThrow();
            assertEquals(RunSummary.FAILED, failed.status());
            assertEquals("StoreException: boom", failed.failureReason());
            assertEquals(2, store.count("run_host", "good"));
            assertEquals("good", store.previousRun().orElseThrow().runId());
        }
    }

    @Test
    void storedRowsOfARunNotYetSucceededAreSeenByNoneAndGoWithItsFailureOrInterruption() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("good", T0, "run", "/c.yaml", null, null);
            store.complete("good", T0, new CompletedRun(audit(), 2, null, List.of(), List.of()));
            for (String end : List.of("failed", "interrupted")) {
                store.begin(end, T0.plusSeconds(60), "run", "/c.yaml", null, null);
                RunStore.Staged staged = store.stage(end, new CompletedRun(auditWithOtherHolder(), 2, null,
                        List.of(new PatchRecord("HV01", "KB1234567", null, null, "x")), List.of(),
                        new org.kcdauditor.model.TrendPoint(end, null, 2, 0, 1, null, null)));
                assertEquals(1, store.count("run_trend", end));
                assertEquals(1, store.count("run_node_fact", end), "svc-legacy holding an SPN of HV01");
                assertEquals(2, store.count("run_host", end), "stored while the reports are written");
                assertEquals("good", store.previousRun("/c.yaml").orElseThrow().runId(),
                        "not a previous run before it is marked SUCCEEDED");
                if (end.equals("failed")) {
                    store.fail(end, T0.plusSeconds(61), "IOException: No space left on device");
                } else {
                    assertTrue(store.interrupt(end, T0.plusSeconds(61), "the process was killed"));
                }
                for (String table : List.of("run_host", "run_host_attr", "run_patch", "run_finding", "run_trend",
                        "run_node_fact")) {
                    assertEquals(0, store.count(table, end), table + " of the " + end + " run");
                }
                assertThrows(StoreException.class, () -> staged.commit(T0.plusSeconds(62)),
                        "an ended run is not marked SUCCEEDED afterwards");
            }
            assertEquals(2, store.count("run_host", "good"));
            assertEquals("good", store.previousRun("/c.yaml").orElseThrow().runId());
        }
    }

    @Test
    void aRunEndedByAnotherProcessWhileItsRowsAreWrittenKeepsNone() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("late", T0, "run", "/c.yaml", null, null);
            // a daemon stopping past its timeout, or a run lock taken over, records the run on its own connection
            try (RunStore other = RunStore.open(url(), null, null)) {
                assertTrue(other.interrupt("late", T0.plusSeconds(30), "the daemon stopped"));
            }
            assertThrows(StoreException.class, () -> store.stage("late", new CompletedRun(audit(), 2, null,
                    List.of(), List.of())));
            assertEquals(RunSummary.INTERRUPTED, store.find("late").orElseThrow().status());
            assertEquals(0, store.count("run_host", "late") + store.count("run_finding", "late"));
        }
    }

    @Test
    void hostsStoredEarlyOnAConnectionOfTheirOwnAreTheSameRowsAsStoredWithTheFindings() throws Exception {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("inline", T0, "run", "/c.yaml", null, null);
            store.complete("inline", T0, new CompletedRun(audit(), 2, null, List.of(), List.of()));
            store.begin("early", T0.plusSeconds(60), "run", "/c.yaml", null, null);
            AuditResult r = audit();
            RunStore.SnapshotWrite hosts = store.writeSnapshot("early", r.context().hosts(), null);
            store.complete("early", T0.plusSeconds(61), new CompletedRun(r, 2, null, List.of(), List.of()), hosts);
            assertTrue(hosts.took() > 0);
            assertEquals(RunSummary.SUCCEEDED, store.find("early").orElseThrow().status());
            assertEquals(store.count("run_host", "inline"), store.count("run_host", "early"));
            assertEquals(store.count("run_host_attr", "inline"), store.count("run_host_attr", "early"));
            assertEquals(store.count("run_finding", "inline"), store.count("run_finding", "early"));
            assertEquals(store.hostStates("inline"), store.hostStates("early"));
            assertEquals("early", store.previousRun("/c.yaml").orElseThrow().runId());
        }
        // stored against the previous run from the other connection too: unchanged values name the run holding them
        try (var c = DriverManager.getConnection(url()); ResultSet rs = c.createStatement().executeQuery(
                "SELECT COUNT(*), COUNT(vals_deflated), COUNT(CASE WHEN same_as = 'inline' THEN 1 END)"
                        + " FROM run_host_attr WHERE run_id = 'early'")) {
            assertTrue(rs.next());
            assertTrue(rs.getInt(1) > 0);
            assertEquals(0, rs.getInt(2));
            assertEquals(rs.getInt(1), rs.getInt(3));
        }
    }

    /**
     * Hosts are inserted many rows to a statement and the rest one by one: 60 nodes (60 host rows, 120 of values) fill
     * both kinds, and every node reads back as it was, values stored and values referring to the previous run alike.
     */
    @Test
    void everyHostOfAManyHostRunReadsBackAsItWas() {
        List<org.kcdauditor.model.AdObject> objects = new ArrayList<>();
        List<org.kcdauditor.config.ClusterConfig> clusters = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            String[] names = new String[10];
            for (int i = 0; i < 10; i++) {
                names[i] = String.format("HV%d%02d", c, i);
            }
            objects.addAll(mesh(names));
            clusters.add(cluster("HVC" + c, names));
        }
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, objects), clusters,
                org.kcdauditor.config.PolicyConfig.defaults(), AuditInputs.none(T0));
        Map<String, org.kcdauditor.model.HostState> expected = new TreeMap<>();
        for (var o : objects) {
            // since V121 with its pwdLastSet and the other holders of its SPNs (none: recorded as none)
            expected.put(o.name(), new org.kcdauditor.model.HostState(o.name(),
                    org.kcdauditor.model.Uac.flagNames(o.userAccountControl()), o.delegateTo(), o.spns(),
                    org.kcdauditor.model.HostState.encryptionTypes(o), o.objectSid(), o.rbcdSids(), o.pwdLastSet(),
                    List.of(), Map.of()));
        }
        try (RunStore store = RunStore.open(url(), null, null)) {
            storeRun(store, "first", r, null);
            storeRun(store, "second", r, store.previousRun("/c.yaml").orElseThrow());
            assertEquals(expected, new TreeMap<>(store.hostStates("first")));
            assertEquals(expected, new TreeMap<>(store.hostStates("second")));
            assertEquals(120, store.count("run_host_attr", "second"));
        }
    }

    private static AuditResult audit(List<String> hv01DelegatesTo) {
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, replace(mesh("HV01", "HV02"),
                        host("HV01", PT, hv01DelegatesTo))), List.of(cluster("HVC1", "HV01", "HV02")),
                org.kcdauditor.config.PolicyConfig.defaults(), AuditInputs.none(T0));
    }

    /** Holder of each stored delegateTo row of {@code runId} by host ("values" when the row holds them). */
    private Map<String, String> delegationRows(String runId) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var c = DriverManager.getConnection(url()); var ps = c.prepareStatement("SELECT host_name,"
                + " CASE WHEN vals_deflated IS NULL THEN same_as ELSE 'values' END FROM run_host_attr"
                + " WHERE run_id = ? AND attr = 'delegateTo'")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    /** One run stored against the previous one, its hosts early with the previous run the audit read. */
    private static void storeRun(RunStore store, String id, AuditResult r, PreviousRun known) {
        store.begin(id, T0, "run", "/c.yaml", null, null);
        store.complete(id, T0, new CompletedRun(r, 2, null, List.of(), List.of()),
                store.writeSnapshot(id, r.context().hosts(), known));
    }

    @Test
    void delegationEqualToThePreviousRunsIsStoredAsAReferenceAndOnlyAgainstTheRunStoredAgainst() throws Exception {
        List<String> usual = entriesTo("HV02");
        List<String> changed = entriesTo("HV02", "HV03");
        try (RunStore store = RunStore.open(url(), null, null)) {
            storeRun(store, "first", audit(usual), null);
            storeRun(store, "second", audit(changed), store.previousRun("/c.yaml").orElseThrow());
            assertEquals(Map.of("HV01", "values", "HV02", "first"), delegationRows("second"));
            assertEquals(changed, store.hostStates("second").get("HV01").delegateTo());
            // the run the audit read is not always the one the hosts are stored against (one finished meanwhile):
            // HV01's values equal the first run's, but the second run's differ, so they are stored again
            PreviousRun stale = new PreviousRun("first", T0, Map.of("HV01", store.hostStates("first").get("HV01")),
                    java.util.Set.of());
            storeRun(store, "third", audit(usual), stale);
            assertEquals(Map.of("HV01", "values", "HV02", "first"), delegationRows("third"));
            assertEquals(usual, store.hostStates("third").get("HV01").delegateTo());
            storeRun(store, "fourth", audit(usual), store.previousRun("/c.yaml").orElseThrow());
            assertEquals(Map.of("HV01", "third", "HV02", "first"), delegationRows("fourth"));
            assertEquals(store.hostStates("third"), store.hostStates("fourth"));
        }
    }

    @Test
    void aRunEndedByAnotherProcessWhileItsHostsAreStoredEarlyKeepsNone() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("late", T0, "run", "/c.yaml", null, null);
            try (RunStore other = RunStore.open(url(), null, null)) {
                assertTrue(other.interrupt("late", T0.plusSeconds(30), "the daemon stopped"));
            }
            AuditResult r = audit();
            RunStore.SnapshotWrite hosts = store.writeSnapshot("late", r.context().hosts(), null);
            StoreException e = assertThrows(StoreException.class, () -> store.stage("late",
                    new CompletedRun(r, 2, null, List.of(), List.of()), hosts));
            assertTrue(e.getMessage().contains("not RUNNING"), e.getMessage());
            assertEquals(RunSummary.INTERRUPTED, store.find("late").orElseThrow().status());
            assertEquals(0, store.count("run_host", "late") + store.count("run_host_attr", "late")
                    + store.count("run_finding", "late"));
        }
    }

    @Test
    void aRunEndedByAnotherProcessBetweenTwoBatchesOfItsHostsKeepsNone() {
        try (RunStore store = RunStore.open(url(), null, null); RunStore other = RunStore.open(url(), null, null)) {
            store.begin("late", T0, "run", "/c.yaml", null, null);
            store.hostBatch = 1; // a commit per host
            List<Integer> committed = new ArrayList<>();
            store.afterHostBatch = id -> {
                committed.add(store.count("run_host", id));
                if (committed.size() == 1) {
                    assertTrue(other.interrupt(id, T0.plusSeconds(30), "the daemon stopped"));
                }
            };
            AuditResult r = audit();
            RunStore.SnapshotWrite hosts = store.writeSnapshot("late", r.context().hosts(), null);
            assertThrows(StoreException.class, () -> store.stage("late", new CompletedRun(r, 2, null, List.of(),
                    List.of()), hosts));
            assertEquals(List.of(1), committed, "the first host committed, the second refused");
            assertEquals(0, store.count("run_host", "late") + store.count("run_host_attr", "late"));
        }
    }

    @Test
    void aRunAbandonedWhileItsHostsAreStoredStopsAtTheNextBatch() throws Exception {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("failed", T0, "run", "/c.yaml", null, null);
            store.hostBatch = 1;
            java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            store.afterHostBatch = id -> {
                first.countDown();
                try {
                    assertTrue(go.await(30, java.util.concurrent.TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            };
            RunStore.SnapshotWrite hosts = store.writeSnapshot("failed", audit().context().hosts(), null);
            assertTrue(first.await(30, java.util.concurrent.TimeUnit.SECONDS));
            java.io.IOException reason = new java.io.IOException("No space left on device");
            Thread abandoning = new Thread(() -> hosts.abandon(reason));
            abandoning.start();
            while (abandoning.getState() != Thread.State.WAITING) { // marked abandoned, waiting for the writer
                Thread.onSpinWait();
            }
            go.countDown();
            abandoning.join();
            assertEquals(1, store.count("run_host", "failed"), "the second host not stored");
            assertEquals(1, reason.getSuppressed().length);
            assertTrue(reason.getSuppressed()[0].getMessage().contains("failed meanwhile"));
            store.fail("failed", T0.plusSeconds(1), "IOException: No space left on device");
            assertEquals(0, store.count("run_host", "failed") + store.count("run_host_attr", "failed"));
        }
    }

    @Test
    void aPrivateInMemoryDatabaseStoresTheHostsWithTheFindings() {
        // a second connection to jdbc:h2:mem: would open another, empty database
        try (RunStore store = RunStore.open("jdbc:h2:mem:", null, null)) {
            store.begin("mem", T0, "run", "/c.yaml", null, null);
            AuditResult r = audit();
            RunStore.SnapshotWrite hosts = store.writeSnapshot("mem", r.context().hosts(), null);
            assertNull(hosts);
            store.complete("mem", T0.plusSeconds(1), new CompletedRun(r, 2, null, List.of(), List.of()), hosts);
            assertEquals(2, store.count("run_host", "mem"));
            assertEquals(RunSummary.SUCCEEDED, store.find("mem").orElseThrow().status());
        }
    }

    @Test
    void hostsStoredEarlyGoWithTheRunsFailure() throws Exception {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("good", T0, "run", "/c.yaml", null, null);
            store.complete("good", T0, new CompletedRun(audit(), 2, null, List.of(), List.of()));
            store.begin("failed", T0.plusSeconds(60), "run", "/c.yaml", null, null);
            RunStore.SnapshotWrite hosts = store.writeSnapshot("failed", audit().context().hosts(), null);
            hosts.await();
            assertEquals(2, store.count("run_host", "failed"), "committed while RUNNING");
            assertEquals("good", store.previousRun("/c.yaml").orElseThrow().runId(), "and read by none");
            store.fail("failed", T0.plusSeconds(62), "IOException: No space left on device");
            assertEquals(0, store.count("run_host", "failed") + store.count("run_host_attr", "failed"));
            assertEquals(2, store.count("run_host", "good"));
        }
    }

    @Test
    void aCorruptDatabaseFileIsAClearErrorAndIsLeftUntouched() throws Exception {
        Path file = dir.resolve("db/history.mv.db");
        Files.createDirectories(file.getParent());
        byte[] garbage = "this is not an H2 database, just some bytes\n".repeat(200).getBytes();
        Files.write(file, garbage);
        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url(), null, null));
        assertTrue(e.getMessage().startsWith("history store " + file + " is damaged: "), e.getMessage());
        assertTrue(e.getMessage().contains("move it aside"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertArrayEquals(garbage, Files.readAllBytes(file));
    }

    @Test
    void anUnreachableServerIsAClearErrorSayingWhatToCheckNotAboutH2Files() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort(); // closed again: nothing listens there
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/kcd";
        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url, "kcd", "x".toCharArray()));
        assertTrue(e.getMessage().startsWith("history store " + url + " cannot be opened: "), e.getMessage());
        assertTrue(e.getMessage().contains("database server is running") && e.getMessage().contains("store.userEnv"),
                e.getMessage());
        assertFalse(e.getMessage().contains("H2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aStoreAnotherProcessHoldsOpenIsInUseNotDamaged() throws Exception {
        try (RunStore store = RunStore.open(url(), null, null)) {
            assertNotNull(store);
        }
        // another process holding the file: H2's file lock, as a running audit or the daemon holds it
        org.h2.mvstore.MVStore holder = new org.h2.mvstore.MVStore.Builder()
                .fileName(dir.resolve("db/history.mv.db").toString()).open();
        try {
            StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url(), null, null));
            assertTrue(e.getMessage().contains("another process has it open: retry"), e.getMessage());
            assertFalse(e.getMessage().contains("move it aside"), e.getMessage());
        } finally {
            holder.close();
        }
    }

    /** The lock's owner, as its messages show it, names the process's start as a time (not a millisecond count). */
    @Test
    void theRunLockOwnerNamesTheProcessStartAsATime() {
        String owner = org.kcdauditor.run.RunLock.owner("kcd-audit run");
        assertTrue(owner.matches("kcd-audit run on .+ \\(pid \\d+, started \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)"),
                owner);
    }

    @Test
    void theRunLockIsExclusiveUntilReleasedOrExpired() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            assertTrue(store.locks().tryLock("audit", "scheduler-1", T0, Duration.ofMinutes(30)));
            assertFalse(store.locks().tryLock("audit", "cli", T0.plusSeconds(60), Duration.ofMinutes(30)));
            store.locks().unlock("audit", "scheduler-1");
            assertTrue(store.locks().tryLock("audit", "cli", T0.plusSeconds(61), Duration.ofMinutes(1)));
            assertTrue(store.locks().tryLock("audit", "scheduler-1", T0.plusSeconds(3600), Duration.ofMinutes(1)),
                    "an expired lock is taken over");
        }
    }

    @Test
    void anAmbiguousPrefixIsRefused() {
        try (RunStore store = RunStore.open(url(), null, null)) {
            store.begin("abc-1", T0, "run", null, null, null);
            store.begin("abc-2", T0, "run", null, null, null);
            assertThrows(IllegalArgumentException.class, () -> store.find("abc"));
            assertNull(store.find("zzz").orElse(null));
        }
    }
}
