package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.kcdauditor.history.HistoryTestData.cluster;
import static org.kcdauditor.history.HistoryTestData.mesh;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/** The trend of a configuration as the store keeps it (V110 run_trend) and reads it back, newest first. */
class TrendStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");

    @TempDir
    Path dir;

    private static AuditResult audit() {
        return new Auditor(RuleCatalogue.standard()).evaluate(snapshot(T0, mesh("HV01", "HV02")),
                List.of(cluster("HVC1", "HV01", "HV02", "HV09")), org.kcdauditor.config.PolicyConfig.defaults(),
                AuditInputs.none(T0));
    }

    private static void store(RunStore s, String id, String config, int day, TrendPoint t) {
        store(s, id, "run", config, day, t);
    }

    private static void store(RunStore s, String id, String trigger, String config, int day, TrendPoint t) {
        s.begin(id, T0.plusSeconds(86_400L * day), trigger, config, "ldaps://dc1", "DC=contoso,DC=com");
        s.complete(id, T0.plusSeconds(86_400L * day + 5), new CompletedRun(audit(), 2, null, List.of(), List.of(), t));
    }

    @Test
    void theLastRunsOfOneConfigurationWithTheirFiguresNewestFirst() {
        try (RunStore s = RunStore.open("jdbc:h2:file:" + dir.resolve("history"), null, null)) {
            AuditResult r = audit();
            TrendPoint first = HistorySections.trendPoint("run-1", T0, r, null);
            assertEquals(r.pairs(), first.pairs());
            assertNull(first.newFindings(), "no previous run: nothing is new or resolved yet");
            store(s, "run-1", "a.yaml", 0, first);
            store(s, "run-2", "b.yaml", 1, new TrendPoint("run-2", null, 9, 9, 0, 0, 0));
            store(s, "run-3", "a.yaml", 2, new TrendPoint("run-3", null, 2, 1, 3, 2, 1));
            store(s, "run-4", "a.yaml", 3, null);
            s.begin("run-5", T0.plusSeconds(86_400L * 4), "run", "a.yaml", "ldaps://dc1", "DC=contoso,DC=com");
            s.fail("run-5", T0.plusSeconds(86_400L * 4 + 1), "unreachable");
            List<TrendPoint> trend = s.trend("a.yaml", 12);
            assertEquals(List.of("run-4", "run-3", "run-1"), trend.stream().map(TrendPoint::runId).toList(),
                    "successful runs of a.yaml, newest first");
            TrendPoint three = trend.get(1);
            assertEquals(new TrendPoint("run-3", T0.plusSeconds(86_400L * 2 + 5), 2, 1,
                    r.bySeverity().get("HIGH"), 2, 1, 0), three, "open HIGH from the run itself, the rest as stored,"
                    + " no change record among its new findings");
            assertEquals(50.0, three.pairsOkPercent());
            TrendPoint four = trend.get(0);
            assertNull(four.pairs(), "a run stored without its figures has none (runs before V110)");
            assertNull(four.pairsOkPercent());
            assertEquals(2, s.trend("a.yaml", 2).size(), "at most the limit");
        }
    }

    /**
     * A preflight and a baseline capture are checks, not reports: the trend leaves them out, and retention keeps the
     * run the next monthly run compares with, although a check began after it.
     */
    @Test
    void checksAreLeftOutOfTheTrendAndTheRunComparedWithIsKept() {
        try (RunStore s = RunStore.open("jdbc:h2:file:" + dir.resolve("history"), null, null)) {
            store(s, "run-1", "a.yaml", 0, new TrendPoint("run-1", null, 2, 2, 0, null, null));
            store(s, "run-2", "a.yaml", 1, new TrendPoint("run-2", null, 2, 1, 3, 1, 0));
            store(s, "check-1", RunSummary.PREFLIGHT, "a.yaml", 2, new TrendPoint("check-1", null, 2, 2, 0, 0, 1));
            store(s, "check-2", RunSummary.BASELINE_CAPTURE, "a.yaml", 3, new TrendPoint("check-2", null, 2, 2, 0, 0,
                    0));
            store(s, "run-3", "schedule", "a.yaml", 4, new TrendPoint("run-3", null, 2, 2, 0, 0, 1));
            assertEquals(List.of("run-3", "run-2", "run-1"), s.trend("a.yaml", 12).stream().map(TrendPoint::runId)
                    .toList());
            store(s, "check-3", RunSummary.PREFLIGHT, "a.yaml", 5, null);
            assertEquals("run-3", s.previousRun("a.yaml").orElseThrow().runId(), "the last run that is no check");
            assertEquals("schedule", s.previousRun("a.yaml").orElseThrow().trigger());
            List<String> pruned = s.prune("a.yaml", 1, null, java.util.Set.of(), false).stream()
                    .map(RunSummary::id).toList();
            assertEquals(List.of("run-1", "run-2", "check-1", "check-2"), pruned, "the newest and run-3 kept");
            assertEquals("run-3", s.previousRun("a.yaml").orElseThrow().runId());
        }
    }

    /**
     * The change records among a stored run's new findings (its CHANGED_SINCE_LAST_RUN findings, each new once) are
     * read back apart, also for runs stored before they were counted: the trend draws them apart from new problems.
     */
    @Test
    void theChangeRecordsOfAStoredRunAreReadApartFromItsNewProblems() {
        try (RunStore s = RunStore.open("jdbc:h2:file:" + dir.resolve("history"), null, null)) {
            AuditResult r = audit();
            List<org.kcdauditor.model.Finding> withChanges = new java.util.ArrayList<>(r.findings());
            for (String host : List.of("HV01", "HV02")) {
                withChanges.add(org.kcdauditor.support.TestFindings.legacy("CHANGED_SINCE_LAST_RUN",
                        org.kcdauditor.model.Severity.INFO, "HVC1", host, null, "x", host + ": delegation entry added.",
                        "None."));
            }
            AuditResult changed = new AuditResult(r.context(), withChanges, r.clusters(), r.pairs(),
                    r.requiredEntries(), r.presentEntries(), r.bySeverity());
            s.begin("run-1", T0, "run", "a.yaml", "ldaps://dc1", "DC=contoso,DC=com");
            s.complete("run-1", T0.plusSeconds(5), new CompletedRun(r, 2, null, List.of(), List.of(),
                    new TrendPoint("run-1", null, 2, 1, 1, null, null)));
            s.begin("run-2", T0.plusSeconds(86_400), "run", "a.yaml", "ldaps://dc1", "DC=contoso,DC=com");
            s.complete("run-2", T0.plusSeconds(86_405), new CompletedRun(changed, 2, null, List.of(), List.of(),
                    new TrendPoint("run-2", null, 2, 2, 0, 3, 1)));
            List<TrendPoint> trend = s.trend("a.yaml", 12);
            assertEquals(2, trend.get(0).changeRecords());
            assertEquals(1, trend.get(0).newProblems());
            assertNull(trend.get(1).changeRecords(), "the first run compared with none");
        }
    }
}
