package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.RetainConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.config.StoreConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.HostState;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.replace;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * store.retain: the newest runs and the recent days are kept, and so is what something still refers to (a
 * run in progress, the last successful run, the baseline's run, an open waiver's first run); everything a
 * pruned run stored goes with it, and the runs kept still read their snapshots, also those stored as
 * changes against a pruned run.
 */
class RetentionTest {
    private static final Instant T0 = Instant.parse("2026-01-01T06:00:00Z");

    @TempDir
    Path dir;

    private AuditConfig config(Integer runs, Integer days) {
        AuditConfig base = org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02",
                "HV03")), null, null);
        return new AuditConfig(base.source(), base.baseDir(), base.directory(), base.clusters(), base.policy(),
                base.reports(), new StoreConfig("jdbc:h2:file:data/history", null, null, null,
                new RetainConfig(runs, days)), null, null, null, null);
    }

    /** {@link #config} of another file beside it, with a baseline of its own: the same store serves both. */
    private AuditConfig other(AuditConfig cfg, Integer runs) {
        return new AuditConfig(dir.resolve("other.yaml"), cfg.baseDir(), cfg.directory(), cfg.clusters(), cfg.policy(),
                cfg.reports(), new StoreConfig("jdbc:h2:file:data/history", null, null, null, new RetainConfig(runs, 0)),
                new org.kcdauditor.config.BaselineConfig("other-baseline.yaml", null), null, null, null);
    }

    private String run(AuditConfig cfg, Instant at, List<AdObject> objects) throws Exception {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        return new AuditRun(cfg, new Secrets(Map.of()), clock, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(at, objects)).withoutReports()
                .execute(null, Set.of(Format.JSON), new Timings(), n -> { }).runId();
    }

    @Test
    void pruningKeepsTheNewestRunsAndWhatIsReferredToAndLeavesReadableSnapshots() throws Exception {
        AuditConfig cfg = config(3, 0);
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        List<AdObject> gap = replace(mesh, host("HV01", PT, entriesTo("HV02")));
        String[] ids = new String[8];
        for (int i = 0; i < ids.length; i++) {
            // run 1 is the baseline's, runs 2..3 lack HV01 -> HV03 (waived from run 2 on), the rest are whole
            ids[i] = run(cfg, T0.plus(Duration.ofDays(i)), i == 1 || i == 2 ? gap : mesh);
            if (i == 0) {
                Map<String, HostState> hosts = new java.util.LinkedHashMap<>();
                mesh.forEach(o -> hosts.put(o.name(), HostState.of(o)));
                BaselineFile.write(cfg.baselinePath(), new Baseline(T0, ids[0], "jdoe", hosts,
                        List.of(new Waiver("MISSING_DELEGATION", "HV01", "HV03", null, "CHG1", LocalDate.of(2099, 1, 1)))),
                        false, T0);
            }
        }
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            store.begin("in-progress", T0.minus(Duration.ofDays(400)), "run", cfg.historyKey(), null, null);
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(30)), false);
            assertEquals(List.of(ids[2], ids[3], ids[4]), pruned.stream().map(RunSummary::id).toList(),
                    "the baseline's run (1) and the waiver's first run (2) are kept; 3..5 beyond the newest 3 go");
            List<String> left = store.list(100).stream().map(RunSummary::id).toList();
            assertEquals(List.of("in-progress", ids[7], ids[6], ids[5], ids[1], ids[0]), left);
            for (String id : List.of(ids[2], ids[3], ids[4])) {
                assertEquals(0, store.count("run_host", id) + store.count("run_host_attr", id)
                        + store.count("run_finding", id), "everything run " + id + " stored is gone");
            }
            // run 6 stored its delegation lists as "the same as run 5" (the mesh): they are still readable
            assertEquals(entriesTo("HV02", "HV03"), store.hostStates(ids[5]).get("HV01").delegateTo());
            assertEquals(entriesTo("HV02", "HV03"), store.hostStates(ids[7]).get("HV01").delegateTo());
            assertEquals(entriesTo("HV02"), store.hostStates(ids[1]).get("HV01").delegateTo());
        }
    }

    /**
     * A waiver keeps its first run however it spells what it waives, as long as it waives it: the account name
     * {@code HV01$}, another case, an SPN with the root's trailing dot (before, the store compared the spelling as
     * written, found no run, and pruned the evidence of a waiver that waived findings in every run).
     */
    @Test
    void aWaiverSpelledAsWaiversMayBeSpelledKeepsItsFirstRun() throws Exception {
        AuditConfig cfg = config(1, 0);
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        List<AdObject> gap = replace(mesh, host("HV01", PT, entriesTo("HV02")));
        BaselineFile.write(cfg.baselinePath(), new Baseline(T0, null, "jdoe", Map.of(), List.of(
                new Waiver("MISSING_DELEGATION", "hv01$", "HV03$", null, "CHG1", LocalDate.of(2099, 1, 1)),
                new Waiver("MISSING_DELEGATION", "HV02", "HV01", "CIFS/HV01.contoso.com.", "CHG2",
                        LocalDate.of(2099, 1, 1)))), false, T0);
        String first = run(cfg, T0, gap);
        String second = run(cfg, T0.plus(Duration.ofDays(1)), replace(gap, host("HV02", PT, entriesTo("HV03"))));
        String third = run(cfg, T0.plus(Duration.ofDays(2)), mesh);
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(3)), false);
            assertEquals(List.of(), pruned.stream().map(RunSummary::id).toList(),
                    "run 1 is the first HV01$ -> HV03$ waived, run 2 the first cifs/HV01.contoso.com. of HV02");
            assertEquals(List.of(third, second, first), store.list(10).stream().map(RunSummary::id).toList());
        }
    }

    /**
     * A waiver of a finding whose SPN holds U+0000 (a delegation entry {@code cifs/evil\u0000host…}) keeps its first
     * run: the store writes the character as the text {@code \u0000} (PostgreSQL's text refuses it), so the waiver,
     * which holds the character as the finding did, compared with the stored text matched no run, and the evidence
     * of a waiver that waived the finding in every run was pruned.
     */
    @Test
    void aWaiverOfAnSpnHoldingNulKeepsItsFirstRun() throws Exception {
        AuditConfig cfg = config(1, 0);
        String nul = "cifs/evil\u0000host.contoso.com";
        List<String> entries = new java.util.ArrayList<>(entriesTo("HV02", "HV03"));
        entries.add(nul);
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        List<AdObject> evil = replace(mesh, host("HV01", PT, entries));
        BaselineFile.write(cfg.baselinePath(), new Baseline(T0, null, "jdoe", Map.of(), List.of(
                new Waiver("MALFORMED_DELEGATION_ENTRY", "HV01", null, nul, "CHG1", LocalDate.of(2026, 1, 31)))), false, T0);
        String first = run(cfg, T0, evil);
        String second = run(cfg, T0.plus(Duration.ofDays(1)), mesh);
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            assertTrue(store.findings(first).stream().anyMatch(f -> f.isWaived()
                    && "MALFORMED_DELEGATION_ENTRY".equals(f.rule())), "run 1 waived the entry's finding");
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(2)), false);
            assertEquals(List.of(), pruned.stream().map(RunSummary::id).toList(), "run 1 is the waiver's first");
            assertEquals(List.of(second, first), store.list(10).stream().map(RunSummary::id).toList());
        }
    }

    /**
     * One store serves several configurations; each one's store.retain prunes its own runs only (before, the first
     * configuration's prune counted and deleted the other's runs too, the evidence of the other's open waiver among
     * them, which it does not know of).
     */
    @Test
    void aConfigurationPrunesItsOwnRunsOnlyNotThoseOfAnotherSharingTheStore() throws Exception {
        AuditConfig cfg = config(2, 0);
        AuditConfig other = other(cfg, 2);
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        BaselineFile.write(other.baselinePath(), new Baseline(T0, null, "jdoe", Map.of(), List.of(
                new Waiver("MISSING_DELEGATION", "HV01", "HV03", null, "CHG1", LocalDate.of(2099, 1, 1)))), false, T0);
        String waived = run(other, T0, replace(mesh, host("HV01", PT, entriesTo("HV02"))));
        String otherLast = run(other, T0.plus(Duration.ofDays(1)), mesh);
        String[] own = new String[4];
        for (int i = 0; i < own.length; i++) {
            own[i] = run(cfg, T0.plus(Duration.ofDays(2 + i)), mesh);
        }
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(10)), false);
            assertEquals(List.of(own[0], own[1]), pruned.stream().map(RunSummary::id).toList(),
                    "the newest two of this configuration are kept, and every run of the other");
            assertEquals(List.of(own[3], own[2], otherLast, waived),
                    store.list(10).stream().map(RunSummary::id).toList());
            assertEquals(List.of(), Retention.prune(other(cfg, 1), store, T0.plus(Duration.ofDays(10)), false),
                    "the other's newest run, and its waiver's first run");
        }
    }

    /**
     * Runs stored before the configuration's key was normalised carry another spelling of the same path: pruning
     * counts them as this configuration's, and so must the search for an open waiver's first run (before, it matched
     * the spelling exactly and pruned that run).
     */
    @Test
    void aWaiversFirstRunUnderAnotherSpellingOfTheConfigPathIsKept() throws Exception {
        AuditConfig cfg = config(1, 0);
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        BaselineFile.write(cfg.baselinePath(), new Baseline(T0, null, "jdoe", Map.of(), List.of(
                new Waiver("MISSING_DELEGATION", "HV01", "HV03", null, "CHG1", LocalDate.of(2099, 1, 1)))), false, T0);
        String waived = run(cfg, T0, replace(mesh, host("HV01", PT, entriesTo("HV02"))));
        String middle = run(cfg, T0.plus(Duration.ofDays(1)), mesh);
        String newest = run(cfg, T0.plus(Duration.ofDays(2)), mesh);
        // the first run as an earlier version filed it, the later ones under the key as it is now
        Path key = Path.of(cfg.historyKey());
        String spelled = key.getParent().resolve("sub").resolve("..").resolve(key.getFileName()).toString();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(StoreUrls.connectUrl(cfg));
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE audit_run SET config_path = ? WHERE id = ?")) {
            ps.setString(1, spelled);
            ps.setString(2, waived);
            assertEquals(1, ps.executeUpdate());
        }
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(3)), false);
            assertEquals(List.of(middle), pruned.stream().map(RunSummary::id).toList(),
                    "the newest run and the waiver's first run are kept");
            assertEquals(List.of(newest, waived), store.list(10).stream().map(RunSummary::id).toList());
        }
    }

    @Test
    void runsOlderThanTheDaysArePrunedButNeverTheLastSuccessfulOne() throws Exception {
        AuditConfig cfg = config(0, 10);
        String old = run(cfg, T0, mesh("HV01", "HV02", "HV03"));
        String last = run(cfg, T0.plus(Duration.ofDays(1)), mesh("HV01", "HV02", "HV03"));
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            List<RunSummary> pruned = Retention.prune(cfg, store, T0.plus(Duration.ofDays(100)), false);
            assertEquals(List.of(old), pruned.stream().map(RunSummary::id).toList());
            assertEquals(List.of(last), store.list(10).stream().map(RunSummary::id).toList());
            assertEquals(3, store.hostStates(last).size());
        }
    }

    @Test
    void historyPruneListsWithDryRunAndDeletesWithout() throws Exception {
        AuditConfig cfg = config(1, 0);
        for (int i = 0; i < 3; i++) {
            run(cfg, T0.plus(Duration.ofDays(i)), mesh("HV01", "HV02", "HV03"));
        }
        Files.writeString(cfg.source(), """
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc@contoso.com
                  passwordEnv: KCD_TEST_PW
                  baseDn: DC=contoso,DC=com
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02, HV03]
                store:
                  url: jdbc:h2:file:data/history
                  retain:
                    runs: 1
                    days: 0
                """);
        CliRun dry = CliRun.run(Map.of(), "history", "prune", "--dry-run", "--config", cfg.source().toString());
        assertEquals(0, dry.exitCode(), dry.toString());
        assertTrue(dry.out().startsWith("Would prune 2 runs (store.retain: runs 1, days no limit):"), dry.out());
        CliRun prune = CliRun.run(Map.of(), "history", "prune", "--config", cfg.source().toString());
        assertEquals(0, prune.exitCode(), prune.toString());
        assertTrue(prune.out().startsWith("Pruned 2 runs"), prune.out());
        CliRun again = CliRun.run(Map.of(), "history", "prune", "--config", cfg.source().toString());
        assertTrue(again.out().startsWith("Pruned 0 runs"), again.out());
    }

    /**
     * Failures an earlier run reported explained by a pair's missing delegation, and which later runs leave out as
     * settled by the change that fixed it, stay settled after pruning: the run that explained them is kept (before,
     * it was pruned, and the next run reported the old failures again, as new HIGH findings saying "delegation looks
     * correct: check network, storage, CredSSP/authentication type").
     */
    @Test
    void theRunThatExplainedObservedFailuresIsKeptSoTheyStaySettled() throws Exception {
        AuditConfig base = config(2, 0);
        AuditConfig cfg = new AuditConfig(base.source(), base.baseDir(), base.directory(), base.clusters(),
                base.policy(), base.reports(), base.store(), null, null, null,
                new org.kcdauditor.config.EventsConfig(List.of("events/*.xml"), null, null));
        Files.createDirectories(dir.resolve("events"));
        Files.writeString(dir.resolve("events/HV01.xml"), "<Event xmlns='http://schemas.microsoft.com/win/2004/08/"
                + "events/event'><System><Provider Name='Microsoft-Windows-Hyper-V-High-Availability'/><EventID>21502"
                + "</EventID><Level>2</Level><TimeCreated SystemTime='2025-12-31T22:00:00Z'/><Computer>HV01.contoso.com"
                + "</Computer></System><EventData><Data Name='ErrorMessage'>Live migration of 'Virtual Machine VM1'"
                + " failed. The Virtual Machine Management Service failed to establish a connection for a Virtual"
                + " Machine migration with host 'HV03': No credentials are available in the security package"
                + " (0x8009030E).</Data></EventData></Event>");
        List<AdObject> mesh = mesh("HV01", "HV02", "HV03");
        String explained = run(cfg, T0, replace(mesh, host("HV01", PT, entriesTo("HV02"))));
        // HV01's delegation was completed at noon: the failure logged before it is settled from then on
        String dn = mesh.get(0).dn().toLowerCase(java.util.Locale.ROOT);
        java.util.function.Function<Instant, org.kcdauditor.model.Snapshot> fixed = at -> new org.kcdauditor.model
                .Snapshot(at, "ldaps://dc1.contoso.com:636", "DC=contoso,DC=com", mesh, null, null, null, List.of(),
                List.of(), Map.of(dn, List.of(new org.kcdauditor.model.AttributeChange("msDS-AllowedToDelegateTo",
                T0.plus(Duration.ofHours(12)), "DC1", 2))));
        String[] later = new String[4];
        for (int i = 0; i < later.length; i++) {
            Instant at = T0.plus(Duration.ofDays(1 + i));
            later[i] = new AuditRun(cfg, new Secrets(Map.of()), Clock.fixed(at, ZoneOffset.UTC),
                    new Reports(List.of(new JsonReportWriter()))).withHome(dir).withEnvironment(Map.of())
                    .withSource(p -> fixed.apply(at)).withoutReports()
                    .execute(null, Set.of(Format.JSON), new Timings(), n -> { }).runId();
            if (i == 2) {
                try (RunStore store = StoreUrls.open(cfg, Map.of())) {
                    Retention.prune(cfg, store, at, false);
                    assertTrue(store.find(explained).isPresent(), "the run that explained the failure is kept");
                }
            }
        }
        try (RunStore store = StoreUrls.open(cfg, Map.of())) {
            assertTrue(store.findings(explained).stream().anyMatch(f -> f.rule().equals("MIGRATION_FAILURE_OBSERVED")),
                    "the first run explained the failure");
            for (String id : List.of(later[2], later[3])) {
                assertEquals(List.of(), store.findings(id).stream().filter(f -> f.rule().equals(
                        "MIGRATION_FAILURE_OBSERVED")).map(org.kcdauditor.model.Finding::message).toList(),
                        "the settled failure stays settled in run " + id);
            }
        }
    }
}
