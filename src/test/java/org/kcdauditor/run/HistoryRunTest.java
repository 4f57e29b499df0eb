package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Reports;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.MIG;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

class HistoryRunTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private AuditConfig config() {
        return org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02", "HV03")), null,
                null);
    }

    private AuditRun run(AuditRun.SnapshotSource source) {
        return new AuditRun(config(), new Secrets(Map.of()), CLOCK, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(source);
    }

    private AuditRun.Outcome execute(List<AdObject> objects) throws Exception {
        return run(p -> snapshot(CLOCK.instant(), objects)).execute(null, Set.of(org.kcdauditor.report.Format.JSON), new Timings(), n -> { });
    }

    /** The config as it would sit at {@code folder} on one machine, with a store all machines share. */
    private AuditConfig sharedStore(String folder, String configName) {
        AuditConfig base = config();
        Path at = dir.resolve(folder);
        return new AuditConfig(at.resolve("kcd-audit.yaml"), at, base.directory(), base.clusters(),
                base.policy(), base.reports(), new org.kcdauditor.config.StoreConfig("jdbc:h2:file:"
                + dir.resolve("shared/history"), null, null, configName), null, null, null, null);
    }

    /** A run of {@link #sharedStore}. */
    private AuditRun.Outcome runAt(String folder, String configName, List<AdObject> objects) throws Exception {
        return new AuditRun(sharedStore(folder, configName), new Secrets(Map.of()), CLOCK, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(null, Set.of(org.kcdauditor.report.Format.JSON), new Timings(), n -> { });
    }

    @Test
    void storeConfigNameFindsThePreviousRunWhateverPathTheConfigHas() throws Exception {
        List<AdObject> objects = mesh("HV01", "HV02", "HV03");
        AuditRun.Outcome first = runAt("node-a", "contoso-hyperv", objects);
        AuditRun.Outcome second = runAt("node-b", "contoso-hyperv", objects);
        assertEquals(first.runId(), FindingsJson.read(second.outDir().resolve("findings.json")).history()
                .previousRunId(), "same configName, another path: the same history");
        AuditRun.Outcome byPath = runAt("node-c", null, objects);
        FindingsDocument alone = FindingsJson.read(byPath.outDir().resolve("findings.json"));
        assertTrue(alone.history() == null || alone.history().previousRunId() == null,
                "without configName runs are filed under the file's path: none before at node-c");
    }

    @Test
    void aConfigGivenRelativeToAnotherFolderContinuesTheSameHistory() throws Exception {
        List<AdObject> objects = mesh("HV01", "HV02", "HV03");
        // --config ../kcd-audit.yaml from node-a/bin, then --config kcd-audit.yaml from node-a
        AuditRun.Outcome fromBin = runAt("node-a/bin/..", null, objects);
        AuditRun.Outcome fromHome = runAt("node-a", null, objects);
        assertEquals(fromBin.runId(), FindingsJson.read(fromHome.outDir().resolve("findings.json")).history()
                .previousRunId(), "one file, two spellings of its path: one history");
        try (RunStore store = StoreUrls.open(sharedStore("node-a", null), Map.of())) {
            assertEquals(List.of(dir.resolve("node-a/kcd-audit.yaml").toString()), store.list(10).stream()
                    .map(RunSummary::configPath).distinct().toList(), "filed under the normalised path");
        }
    }

    /**
     * A clock almost a second further on at every reading, as a run's stages take time; its times have nanoseconds a
     * store rounds up to the next second.
     */
    private static final class Ticking extends Clock {
        private Instant now = Instant.parse("2026-11-20T06:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public synchronized Instant instant() {
            now = now.plusNanos(999_999_999L);
            return now;
        }
    }

    /**
     * One run has one finish time: the one its own findings.json, PDF, workbook and mail give is the one later runs
     * give for it (previous run, trend, timeline) and history shows, not the moment its reports were in place.
     */
    @Test
    void aRunsFinishTimeIsTheSameInItsOwnReportsAndInLaterRuns() throws Exception {
        Clock clock = new Ticking();
        java.util.function.Supplier<AuditRun.Outcome> run = () -> {
            try {
                return new AuditRun(config(), new Secrets(Map.of()), clock, new Reports(List.of(new JsonReportWriter())))
                        .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(clock.instant(),
                                mesh("HV01", "HV02", "HV03")))
                        .execute(null, Set.of(org.kcdauditor.report.Format.JSON), new Timings(), n -> { });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        };
        AuditRun.Outcome first = run.get();
        Instant finished = FindingsJson.read(first.outDir().resolve("findings.json")).finishedAt();
        FindingsDocument second = FindingsJson.read(run.get().outDir().resolve("findings.json"));
        assertEquals(finished, second.history().previousFinishedAt(), "the previous run's finish");
        assertEquals(finished, second.history().trend().get(0).finishedAt(), "its point of the trend");
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(finished, store.find(first.runId()).orElseThrow().finishedAt(), "history show");
        }
    }

    /**
     * An SPN taken off a node breaks the pairs into it as surely as an entry removed: the timeline says so, for the
     * services a migration needs (the policy's, and HOST, which serves cifs), not for every SPN a product registers.
     */
    @Test
    void aRegisteredSpnTakenOffANodeIsAChange() throws Exception {
        List<AdObject> before = mesh("HV01", "HV02", "HV03");
        execute(before);
        AdObject hv03 = before.stream().filter(o -> o.name().equals("HV03")).findFirst().orElseThrow();
        List<String> spns = new ArrayList<>(hv03.spns());
        spns.remove(MIG + "/hv03.contoso.com");
        spns.add("HOST/hv03-alias.contoso.com");
        spns.add("MSSQLSvc/hv03.contoso.com:1433"); // registered and dropped as SQL Server starts and stops: not told
        AdObject without = new AdObject(hv03.dn(), hv03.cn(), hv03.samAccountName(), hv03.dnsHostName(),
                hv03.userAccountControl(), spns, hv03.delegateTo(), hv03.rbcdPresent(), hv03.rbcdSids(),
                hv03.objectSid(), hv03.operatingSystem(), hv03.operatingSystemVersion(), hv03.whenChanged(),
                hv03.usnChanged(), hv03.lastLogon(), hv03.supportedEncryptionTypes(), hv03.pwdLastSet(),
                hv03.rbcdDeniedSids());
        AuditRun.Outcome second = execute(replace(before, without));
        List<Finding> changed = second.result().findings().stream()
                .filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")).toList();
        assertEquals(List.of("HV03"), changed.stream().map(Finding::host).toList(), changed.toString());
        assertTrue(changed.get(0).message().contains("SPN removed: " + MIG + "/hv03.contoso.com")
                && changed.get(0).message().contains("SPN added: HOST/hv03-alias.contoso.com")
                && !changed.get(0).message().contains("MSSQLSvc"), changed.get(0).message());
        // the same SPNs again (another order, another case): no change
        List<String> reordered = new ArrayList<>(spns);
        java.util.Collections.reverse(reordered);
        reordered.replaceAll(v -> v.toUpperCase(java.util.Locale.ROOT));
        AdObject same = new AdObject(without.dn(), without.cn(), without.samAccountName(), without.dnsHostName(),
                without.userAccountControl(), reordered, without.delegateTo(), without.rbcdPresent(),
                without.rbcdSids(), without.objectSid(), without.operatingSystem(), without.operatingSystemVersion(),
                without.whenChanged(), without.usnChanged(), without.lastLogon(), without.supportedEncryptionTypes(),
                without.pwdLastSet(), without.rbcdDeniedSids());
        assertTrue(execute(replace(before, same)).result().findings().stream()
                .noneMatch(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")));
    }

    /**
     * Encryption types set to RC4 only break every pair into the node as surely as an entry removed: the timeline
     * says so; absent and 0 are the same (the KDC's default), so going from one to the other is no change.
     */
    @Test
    void anEncryptionTypesChangeIsAChange() throws Exception {
        List<AdObject> before = mesh("HV01", "HV02", "HV03");
        execute(before);
        AdObject hv03 = before.stream().filter(o -> o.name().equals("HV03")).findFirst().orElseThrow();
        List<String> rc4 = changes(execute(replace(before, withEncryptionTypes(hv03, 0x4))));
        assertEquals(List.of("HV03: msDS-SupportedEncryptionTypes not set (KDC default) -> RC4-HMAC (0x4)."), rc4);
        assertEquals(List.of(), changes(execute(replace(before, withEncryptionTypes(hv03, 0x4)))));
        assertEquals(List.of("HV03: msDS-SupportedEncryptionTypes RC4-HMAC (0x4) -> not set (KDC default)."),
                changes(execute(replace(before, withEncryptionTypes(hv03, 0)))));
        assertEquals(List.of(), changes(execute(before)), "absent after 0: the same for the KDC");
    }

    /**
     * A node rebuilt and joined again under its name is a new computer object (a new objectSid): the timeline says
     * so, also when its delegation was set up again exactly as before; grants that name the old account's SID
     * (resource-based delegation on its peers, ACLs) do not reach the new one. Before, a rebuilt node whose entries
     * were restored showed no change at all, and one whose entries were not showed only their removal.
     */
    @Test
    void aNodeReplacedByANewComputerObjectOfTheSameNameIsAChange() throws Exception {
        List<AdObject> before = mesh("HV01", "HV02", "HV03");
        execute(before);
        AdObject hv02 = before.stream().filter(o -> o.name().equals("HV02")).findFirst().orElseThrow();
        AdObject rebuilt = new AdObject(hv02.dn(), hv02.cn(), hv02.samAccountName(), hv02.dnsHostName(),
                hv02.userAccountControl(), hv02.spns(), hv02.delegateTo(), hv02.rbcdPresent(), hv02.rbcdSids(),
                "S-1-5-21-1-2-3-2000", hv02.operatingSystem(), hv02.operatingSystemVersion(), hv02.whenChanged(),
                hv02.usnChanged(), hv02.lastLogon(), hv02.supportedEncryptionTypes(), hv02.pwdLastSet(),
                hv02.rbcdDeniedSids());
        assertEquals(List.of("HV02: computer object replaced (objectSid " + hv02.objectSid() + " -> S-1-5-21-1-2-3-2000):"
                + " a new account; grants naming the old SID (resource-based delegation, ACLs) do not reach it."),
                changes(execute(replace(before, rebuilt))));
        assertEquals(List.of(), changes(execute(replace(before, rebuilt))), "the same object again: no change");
    }

    /**
     * A host that changes again in the next run has a new change, not a recurring one: the workbook's status, the
     * new and resolved counts of the console and the trend count it so.
     */
    @Test
    void aHostThatChangesInTwoRunsInARowHasANewChangeEachTime() throws Exception {
        List<AdObject> before = mesh("HV01", "HV02", "HV03");
        execute(before);
        List<String> entries = new ArrayList<>(entriesTo("HV02", "HV03"));
        entries.remove("cifs/hv02.contoso.com");
        AuditRun.Outcome second = execute(replace(before, host("HV01", PT, entries)));
        entries.remove("cifs/hv03.contoso.com");
        AuditRun.Outcome third = execute(replace(before, host("HV01", PT, entries)));
        Finding was = changed(second);
        Finding now = changed(third);
        assertEquals("HV01: delegation entry removed: cifs/hv03.contoso.com.", now.message());
        var history = FindingsJson.read(third.outDir().resolve("findings.json")).history();
        assertTrue(history.newFindings().contains(now.id()), history.newFindings() + " " + now.id());
        assertTrue(history.resolvedFindings().contains(was.id()), history.resolvedFindings() + " " + was.id());
    }

    private static Finding changed(AuditRun.Outcome run) {
        return run.result().findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")).findFirst()
                .orElseThrow();
    }

    private static List<String> changes(AuditRun.Outcome run) {
        return run.result().findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                .map(Finding::message).toList();
    }

    private static AdObject withEncryptionTypes(AdObject o, Integer types) {
        return new AdObject(o.dn(), o.cn(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(), o.spns(),
                o.delegateTo(), o.rbcdPresent(), o.rbcdSids(), o.objectSid(), o.operatingSystem(),
                o.operatingSystemVersion(), o.whenChanged(), o.usnChanged(), o.lastLogon(), types, o.pwdLastSet(),
                o.rbcdDeniedSids());
    }

    @Test
    void twoRunsWithADirectoryChangeBetweenThemGiveTheRightChanges() throws Exception {
        List<AdObject> before = mesh("HV01", "HV02", "HV03");
        AuditRun.Outcome first = execute(before);
        assertTrue(first.result().findings().stream().noneMatch(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")));
        assertNotNull(first.outDir());

        List<String> hv02 = new ArrayList<>(entriesTo("HV01", "HV03"));
        hv02.remove("cifs/hv03.contoso.com");
        List<AdObject> after = replace(before, host("HV02", PT, hv02));
        AuditRun.Outcome second = execute(after);
        List<Finding> changed = second.result().findings().stream()
                .filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")).toList();
        assertEquals(1, changed.size());
        assertEquals("HV02", changed.get(0).host());
        assertTrue(changed.get(0).message().contains("delegation entry removed: cifs/hv03.contoso.com"),
                changed.get(0).message());
        FindingsDocument doc = FindingsJson.read(second.outDir().resolve("findings.json"));
        assertEquals(first.runId(), doc.history().previousRunId());
        assertTrue(doc.history().newFindings().contains(Finding.stableId("MISSING_DELEGATION", "HV02", "HV03",
                "cifs/hv03.contoso.com")));
        assertEquals(1, doc.schemaVersion());

        AuditRun.Outcome third = execute(after);
        assertTrue(third.result().findings().stream().noneMatch(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")),
                "nothing changed since the second run");
        assertEquals(1, doc.history().timeline().size(), "the second run's own change");
        var timeline = FindingsJson.read(third.outDir().resolve("findings.json")).history().timeline();
        assertEquals(1, timeline.size(), "the third run shows the stored change of the second");
        assertEquals(second.runId(), timeline.get(0).runId());
        assertEquals("HV02", timeline.get(0).host());
        assertEquals("HV02: delegation entry removed: cifs/hv03.contoso.com", timeline.get(0).change());
        assertEquals(doc.history().timeline().get(0).change(), timeline.get(0).change(),
                "the change reads as the second run showed it");
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(3, store.list(10).size());
            assertTrue(store.list(10).stream().allMatch(r -> r.status().equals(RunSummary.SUCCEEDED)));
        }
    }

    /** A finding the next run no longer finds is resolved, with what it was in the run that found it. */
    @Test
    void aResolvedFindingCarriesWhatItWasInThePreviousRun() throws Exception {
        List<AdObject> fixed = mesh("HV01", "HV02", "HV03");
        List<String> hv02 = new ArrayList<>(entriesTo("HV01", "HV03"));
        hv02.remove("cifs/hv03.contoso.com");
        AuditRun.Outcome broken = execute(replace(fixed, host("HV02", PT, hv02)));
        String id = Finding.stableId("MISSING_DELEGATION", "HV02", "HV03", "cifs/hv03.contoso.com");
        Finding found = broken.result().findings().stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow();
        AuditRun.Outcome after = execute(fixed);
        FindingsDocument doc = FindingsJson.read(after.outDir().resolve("findings.json"));
        assertTrue(doc.history().resolvedFindings().contains(id), doc.history().resolvedFindings().toString());
        HistorySections.ResolvedDoc was = doc.history().resolved().stream().filter(d -> d.id().equals(id)).findFirst()
                .orElse(null);
        assertNotNull(was, "history.resolved names it");
        assertEquals(List.of("MISSING_DELEGATION", "HIGH", "HV02", "HV03", "cifs/hv03.contoso.com", found.message()),
                List.of(was.rule(), was.severity().name(), was.host(), was.peer(), was.spn(), was.message()));
        assertEquals(found.cluster(), was.cluster());
        assertEquals(doc.history().resolvedFindings().size(), doc.history().resolved().size(),
                "every resolved id the store recorded is described");
    }

    @Test
    void aRunThatThrowsHalfWayThroughCollectionLeavesTheStoreConsistent() throws Exception {
        AuditRun.Outcome good = execute(mesh("HV01", "HV02", "HV03"));
        Path baseline = dir.resolve("baseline.yaml");
        Files.writeString(baseline, "hosts: {}\nwaivers: []\n");
        AuditRun failing = run(progress -> {
            progress.accept(500);
            throw new DirectoryException("ldaps://dc1.contoso.com:636: connection lost after 500 objects");
        });
        assertThrows(DirectoryException.class, () -> failing.execute(null, Set.of(org.kcdauditor.report.Format.JSON), new Timings(), n -> { }));
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            List<RunSummary> runs = store.list(10);
            assertEquals(2, runs.size());
            RunSummary failed = runs.stream().filter(r -> r.status().equals(RunSummary.FAILED)).findFirst().orElseThrow();
            assertTrue(failed.failureReason().contains("connection lost after 500 objects"), failed.failureReason());
            assertEquals(0, store.count("run_host", failed.id()));
            assertEquals(0, store.count("run_finding", failed.id()));
            assertEquals(good.runId(), store.previousRun().orElseThrow().runId());
            assertEquals(3, store.count("run_host", good.runId()));
        }
        assertEquals("hosts: {}\nwaivers: []\n", Files.readString(baseline), "the baseline is untouched");
        assertTrue(Files.exists(good.outDir().resolve("findings.json")), "earlier reports are untouched");
    }

    /**
     * An error in the baseline is an edit of a file to correct, as a config error is (README: it records no run): it
     * was recorded as a FAILED run, which a monitor of the history counted as an audit failure.
     */
    @Test
    void aBaselineWithAnErrorFailsTheRunClearlyAndRecordsNoRun() throws Exception {
        Files.writeString(dir.resolve("baseline.yaml"), "hosts:\n  HV01:\n    userAccountControl: [BOGUS]\n");
        ConfigException e = assertThrows(ConfigException.class, () -> execute(mesh("HV01", "HV02", "HV03")));
        assertTrue(e.getMessage().startsWith(dir.resolve("baseline.yaml") + ":")
                && e.getMessage().contains("hosts.HV01.userAccountControl[0]"), e.getMessage());
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(List.of(), store.list(1));
        }
    }

    @Test
    void theStoreUrlResolvesAgainstTheConfigFolder() {
        assertEquals("jdbc:h2:file:" + dir.resolve("data/history"), StoreUrls.jdbcUrl(config()));
    }
}
