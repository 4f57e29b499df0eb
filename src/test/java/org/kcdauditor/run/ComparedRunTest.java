package org.kcdauditor.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.JsonReportWriter;
import org.kcdauditor.report.Reports;
import org.kcdauditor.store.RunStore;
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
 * What a run's reports compare with: the previous run that filed reports (trigger run, schedule), not a preflight or
 * a baseline capture made in between, which would absorb the month's changes; and a finding waived there that counts
 * again now.
 */
class ComparedRunTest {
    private static final Instant T0 = Instant.parse("2026-11-20T06:00:00Z");
    private static final String MISSING = Finding.stableId("MISSING_DELEGATION", "HV02", "HV03",
            "cifs/hv03.contoso.com");

    @TempDir
    Path dir;

    private AuditConfig config() {
        return org.kcdauditor.history.HistoryTestData.config(dir, List.of(cluster("HVC1", "HV01", "HV02", "HV03")),
                null, null);
    }

    private AuditRun run(Instant at, List<AdObject> objects) {
        Clock clock = Clock.fixed(at, ZoneOffset.UTC);
        return new AuditRun(config(), new Secrets(Map.of()), clock, new Reports(List.of(new JsonReportWriter())))
                .withHome(dir).withEnvironment(Map.of()).withSource(p -> snapshot(at, objects));
    }

    private static AuditRun.Outcome execute(AuditRun run) throws Exception {
        return run.execute(null, Set.of(Format.JSON), new Timings(), n -> { });
    }

    private static FindingsDocument doc(AuditRun.Outcome o) throws Exception {
        return FindingsJson.read(o.outDir().resolve("findings.json"));
    }

    private static List<AdObject> broken() {
        List<String> hv02 = new ArrayList<>(entriesTo("HV01", "HV03"));
        hv02.remove("cifs/hv03.contoso.com");
        return replace(mesh("HV01", "HV02", "HV03"), host("HV02", PT, hv02));
    }

    @Test
    void aPreflightBetweenTwoRunsIsNotWhatTheSecondComparesWith() throws Exception {
        AuditRun.Outcome green = execute(run(T0, mesh("HV01", "HV02", "HV03")));
        AuditRun.Outcome preflight = execute(run(T0.plusSeconds(3600), broken()).withTrigger("preflight"));
        assertEquals(green.runId(), doc(preflight).history().previousRunId(), "a preflight compares with the run");
        AuditRun.Outcome monthly = execute(run(T0.plusSeconds(7200), broken()));
        FindingsDocument d = doc(monthly);
        assertEquals(green.runId(), d.history().previousRunId(), "the last run that filed reports");
        assertEquals("run", d.history().previousTrigger());
        assertTrue(d.history().newFindings().contains(MISSING), d.history().newFindings().toString());
        assertTrue(monthly.result().findings().stream().anyMatch(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN")),
                "the change since the last report, which the preflight saw too");
        assertEquals(List.of(green.runId(), monthly.runId()), d.history().trend().stream().map(TrendPoint::runId)
                .toList(), "the trend leaves the preflight out");
        assertEquals(1, d.history().timeline().stream().map(c -> c.runId()).distinct().count(),
                "the change is the monthly run's, not the preflight's as well: " + d.history().timeline());
    }

    @Test
    void aBaselineCaptureBetweenTwoRunsDoesNotHideTheFixes() throws Exception {
        AuditRun.Outcome november = execute(run(T0, broken()));
        assertTrue(november.result().findings().stream().anyMatch(f -> f.id().equals(MISSING)));
        execute(run(T0.plusSeconds(3600), mesh("HV01", "HV02", "HV03")).withTrigger("baseline-capture")
                .withoutReports());
        AuditRun.Outcome december = execute(run(T0.plusSeconds(7200), mesh("HV01", "HV02", "HV03")));
        FindingsDocument d = doc(december);
        assertEquals(november.runId(), d.history().previousRunId());
        assertTrue(d.history().resolvedFindings().contains(MISSING), d.history().resolvedFindings().toString());
        assertEquals(List.of(november.runId(), december.runId()), d.history().trend().stream()
                .map(TrendPoint::runId).toList(), "no point no report backs");
        try (RunStore store = StoreUrls.open(config(), Map.of())) {
            assertEquals(december.runId(), store.previousRun(store.historyKey(config().historyKey())).orElseThrow()
                    .runId());
        }
    }

    @Test
    void aWaiverThatExpiredCountsItsFindingsAsNoLongerWaived() throws Exception {
        Files.writeString(dir.resolve("baseline.yaml"), """
                hosts: {}
                waivers:
                  - rule: MISSING_DELEGATION
                    host: HV02
                    peer: HV03
                    justification: "HV03 leaves the cluster, CHG0042"
                    expires: 2026-10-31
                """);
        Instant september = Instant.parse("2026-09-30T06:00:00Z");
        AuditRun.Outcome sep = execute(run(september, broken()));
        assertTrue(sep.result().findings().stream().filter(f -> f.id().equals(MISSING)).allMatch(Finding::isWaived));
        AuditRun.Outcome oct = execute(run(Instant.parse("2026-11-01T06:00:00Z"), broken()));
        FindingsDocument d = doc(oct);
        assertFalse(d.history().newFindings().contains(MISSING), "it was found before: recurring");
        assertTrue(d.history().unwaivedFindings().contains(MISSING), String.valueOf(d.history().unwaivedFindings()));
        assertTrue(d.history().unwaivedFindings().stream().noneMatch(d.history().newFindings()::contains));
        assertEquals(oct.result().findings().stream().filter(f -> f.rule().equals("MISSING_DELEGATION")
                && f.host().equals("HV02") && f.peer().equals("HV03")).map(Finding::id).distinct().sorted().toList(),
                d.history().unwaivedFindings().stream().sorted().toList());
        assertTrue(d.history().counted().endsWith(" resolved findings, " + d.history().unwaivedFindings().size()
                + " no longer waived"), d.history().counted());
        // the workbook: Previous run counts them, each row stays recurring and says why it counts again
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        new org.kcdauditor.report.xlsx.XlsxReportWriter().write(org.kcdauditor.report.ReportView.of(d), out);
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                new java.io.ByteArrayInputStream(out.toByteArray()))) {
            var summary = wb.getSheet("Summary");
            String previous = null;
            for (var row : summary) {
                if (row.getCell(0) != null && "Previous run".equals(row.getCell(0).getStringCellValue())) {
                    previous = row.getCell(1).getStringCellValue();
                }
            }
            assertEquals(sep.runId() + " (kcd-audit run) finished " + org.kcdauditor.report.Words.time(
                    d.history().previousFinishedAt()) + ": " + d.history().counted(), previous);
            var findings = wb.getSheet("Findings");
            List<String> head = new ArrayList<>();
            findings.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
            int notes = 0;
            for (int r = 1; r <= findings.getLastRowNum(); r++) {
                var row = findings.getRow(r);
                if (MISSING.equals(row.getCell(head.indexOf("Id")).getStringCellValue())) {
                    assertEquals("recurring", row.getCell(head.indexOf("Status")).getStringCellValue());
                    assertEquals("No longer waived: waived in run " + sep.runId().substring(0, 8) + ", waiver expired"
                            + " 2026-10-31", row.getCell(head.indexOf("Status note")).getStringCellValue());
                    notes++;
                }
            }
            assertEquals(1, notes);
        }
        AuditRun.Outcome nov = execute(run(Instant.parse("2026-11-02T06:00:00Z"), broken()));
        assertEquals(List.of(), doc(nov).history().unwaivedFindings(), "open in both runs: nothing to tell");
    }
}
