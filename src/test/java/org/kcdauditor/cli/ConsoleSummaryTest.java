package org.kcdauditor.cli;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleSummaryTest {
    private static final String HEADER = "%-16s %5s %13s %15s %10s %8s %5s %5s %5s %5s";
    private static final String COUNTS = "%-16s %5d %13s %15s %10s %8s %5d %5d %5d %5d";
    private static final String OUTSIDE = "%-16s %5s %13s %15s %10s %8s %5d %5d %5d %5d";
    /** With the column of the paths to a file server. */
    private static final String HEADER_SERVERS = "%-16s %5s %13s %20s %15s %10s %8s %5s %5s %5s %5s";
    private static final String COUNTS_SERVERS = "%-16s %5d %13s %20s %15s %10s %8s %5d %5d %5d %5d";
    private static final Object[][] ROWS = {
            {"HVC1", 4, "10/12", "4/6", "40/48", "83.3 %", "NO-GO", 2, 0, 1, 12},
            {"A-cluster-name-…", 64, "4032/4032", "—", "16128/16128", "100.0 %", "NO-GO", 123456, 0, 0, 0},
            {"\uD83D\uDE80-rocket", 2, "2/2", "—", "8/8", "100.0 %", "GO", 0, 0, 0, 0},
            {"All", 20000L, "", "", "", "", "", 0, 0, 0, 0},
    };

    /** The row without its fourth column, the paths to a file server. */
    private static Object[] withoutServers(Object[] r) {
        List<Object> l = new java.util.ArrayList<>(Arrays.asList(r));
        l.remove(3);
        return l.toArray();
    }

    private static void assertLikeTheFormats() {
        Object[] header = {"Cluster", "Nodes", "Node pairs OK", "File-server paths OK", "Entries present",
                "% present", "GO/NO-GO", "HIGH", "MED", "LOW", "INFO"};
        assertEquals(String.format(HEADER, withoutServers(header)), ConsoleSummary.row(false, header));
        assertEquals(String.format(HEADER_SERVERS, header), ConsoleSummary.row(true, header));
        for (Object[] r : ROWS) {
            assertEquals(String.format(COUNTS, withoutServers(r)), ConsoleSummary.row(false, r));
            assertEquals(String.format(COUNTS_SERVERS, r), ConsoleSummary.row(true, r));
        }
        Object[] outside = {"(no cluster)", "", "", "", "", "", "", 0, 3, 0, 0};
        assertEquals(String.format(OUTSIDE, withoutServers(outside)), ConsoleSummary.row(false, outside));
    }

    @Test
    void aRowIsLaidOutAsTheTableFormatWould() {
        assertLikeTheFormats();
    }

    /** What a test does to the directory (and beside the config) before the run. */
    @FunctionalInterface
    private interface Before {
        void apply(InMemoryDirectoryServer ds) throws Exception;
    }

    /**
     * {@code kcd-audit run} against a domain holding one healthy cluster HVC1 of {@code nodes}, once {@code before}
     * has changed it; the config is {@code tmp/kcd-audit.yaml}.
     */
    private static CliRun run(Path tmp, List<String> nodes, String formats, Before before) throws Exception {
        return run(tmp, nodes, formats, "HVC1", before);
    }

    /** As {@link #run(Path, List, String, Before)}, the cluster named {@code cluster} (a YAML scalar). */
    private static CliRun run(Path tmp, List<String> nodes, String formats, String cluster, Before before)
            throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, nodes);
            before.apply(ds);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), nodes,
                    "allowInsecureBind: true");
            java.nio.file.Files.writeString(cfg, java.nio.file.Files.readString(cfg).replace("- name: HVC1",
                    "- name: " + cluster));
            return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config",
                    cfg.toString(), "--out", tmp.resolve("out").toString(), "--formats", formats);
        } finally {
            ds.shutDown(true);
        }
    }

    @Test
    void oneHostInOneClusterIsSingular(@TempDir Path tmp) throws Exception {
        CliRun r = run(tmp, List.of("HV01"), "json", ds -> { });
        assertTrue(r.out().contains("; 1 host in 1 cluster.\n"), r.toString());
        assertFalse(r.out().contains("1 hosts") || r.out().contains("1 clusters"), r.out());
    }

    /**
     * A NO-GO names the preflight to paste on a line of its own, without the Markdown backticks it had (pasted into
     * PowerShell, the trailing ` is a line continuation and the prompt waited at ">>"), and where the fix is: the
     * runbook and the script the run wrote (review 8, item 9: they appeared only in the file list).
     */
    @Test
    void aNoGoNamesThePreflightOfTheConfigTheRunReadAndWhereTheFixIs(@TempDir Path tmp) throws Exception {
        CliRun r = run(tmp, List.of("HV01", "HV02"), "json,pdf,md,ps1", ds -> ds.modify("CN=HV01,OU=Hyper-V,"
                + TestDirectory.BASE, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo")));
        assertTrue(r.out().contains("\nNO-GO for the patch window: 1 of 1 cluster (HVC1); the reasons: page 1 of"
                + " audit.pdf or this preflight:\n  kcd-audit preflight --config " + tmp.resolve("kcd-audit.yaml")
                + " --cluster HVC1\nFix: runbook.md (or remediation.ps1, a dry run unless -Apply) in "
                + tmp.resolve("out").toAbsolutePath().normalize() + "\n"), r.toString());
        assertFalse(r.out().contains("`"), r.out());
    }

    /** Without the runbook and the script, the console names the one the run wrote, or neither. */
    @Test
    void theFixNamesOnlyWhatTheRunWrote(@TempDir Path tmp) throws Exception {
        CliRun r = run(tmp, List.of("HV01", "HV02"), "json", ds -> ds.modify("CN=HV01,OU=Hyper-V,"
                + TestDirectory.BASE, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo")));
        assertTrue(r.out().contains("; the reasons: this preflight:\n  kcd-audit preflight --config "
                + tmp.resolve("kcd-audit.yaml") + " --cluster HVC1\n"), r.toString());
        assertFalse(r.out().contains("Fix:"), r.out());
        CliRun ps1 = run(tmp.resolve("b"), List.of("HV01", "HV02"), "json,ps1", ds -> {
            java.nio.file.Files.createDirectories(tmp.resolve("b"));
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo"));
        });
        assertTrue(ps1.out().contains("\nFix: remediation.ps1 (a dry run unless -Apply) in "
                + tmp.resolve("b").resolve("out").toAbsolutePath().normalize() + "\n"), ps1.toString());
    }

    /**
     * The preflight the console suggests quotes the cluster's name as the runbooks' closing preflight does, for cmd.exe
     * and PowerShell alike, or names none: a name only a POSIX shell's quoting keeps whole ({@code 'HV'\''C$(x)&calc'})
     * ran calc when pasted into cmd.exe, and {@code "HVC%PATH%"} expands there.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            "HV C1"              | --cluster "HV C1"
            "HV'C$(x)&calc"      | --cluster NAME
            "HVC%PATH%"          | --cluster NAME
            """)
    void theSuggestedPreflightQuotesTheClusterAsTheRunbooksDo(String cluster, String expected, @TempDir Path tmp)
            throws Exception {
        CliRun r = run(tmp, List.of("HV01", "HV02"), "json", cluster, ds -> ds.modify("CN=HV01,OU=Hyper-V,"
                + TestDirectory.BASE, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo")));
        assertTrue(r.out().contains("\n  kcd-audit preflight --config " + tmp.resolve("kcd-audit.yaml") + " " + expected
                + "\n"),
                r.toString());
    }

    /**
     * After a fix, the CHANGED_SINCE_LAST_RUN records of the change (INFO) are new findings in findings.json, but not
     * new problems: the console said "Against run c7aecfa8 (trigger run): 4 new, 15 resolved findings.", which read
     * as a regression, in the tool's own word for what started that run (review 8, items 2 and 8).
     */
    @Test
    void theComparisonTellsChangesRecordedFromNewProblems() {
        org.kcdauditor.report.FindingsDocument demo = org.kcdauditor.report.Fixtures.demo();
        org.kcdauditor.model.Finding open = demo.findings().stream().filter(f -> !f.isWaived()
                && f.severity().reaches(org.kcdauditor.model.Severity.MEDIUM)).findFirst().orElseThrow();
        List<org.kcdauditor.model.Finding> changes = List.of("HV01", "HV02").stream().map(h -> org.kcdauditor.model
                .Finding.of("CHANGED_SINCE_LAST_RUN", org.kcdauditor.model.Severity.INFO, "HVC1", h, null, null,
                        h + " userAccountControl +TRUSTED_TO_AUTH_FOR_DELEGATION", h
                        + ": userAccountControl +TRUSTED_TO_AUTH_FOR_DELEGATION.", null, List.of())).toList();
        org.kcdauditor.report.FindingsDocument d = org.kcdauditor.report.Fixtures.withFindings(demo, changes);
        for (String trigger : List.of("run", "schedule")) {
            org.kcdauditor.report.HistorySections.HistoryDoc h = new org.kcdauditor.report.HistorySections.HistoryDoc(
                    "c7aecfa8-0000", java.time.Instant.parse("2026-12-06T06:00:00Z"),
                    List.of(changes.get(0).id(), changes.get(1).id()), List.of("a", "b", "c"), List.of(), null, null,
                    trigger, null);
            String story = ConsoleSummary.story(d.withHistory(new org.kcdauditor.report.HistorySections.Sections(h,
                    null, null, null, null)), org.kcdauditor.model.Counts.of(List.of()));
            assertEquals("Against run c7aecfa8 (" + (trigger.equals("run") ? "kcd-audit run" : "scheduled run")
                    + "): 3 findings resolved, 0 new problems; 2 changes recorded (INFO, see the timeline in the"
                    + " reports).", story);
            h = new org.kcdauditor.report.HistorySections.HistoryDoc("c7aecfa8-0000", h.previousFinishedAt(),
                    List.of(open.id()), List.of("a"), List.of(), null, null, trigger, null);
            assertEquals("Against run c7aecfa8 (" + (trigger.equals("run") ? "kcd-audit run" : "scheduled run")
                    + "): 1 finding resolved, 1 new problem.", ConsoleSummary.story(d.withHistory(
                    new org.kcdauditor.report.HistorySections.Sections(h, null, null, null, null)),
                    org.kcdauditor.model.Counts.of(List.of())));
        }
    }

    @Test
    void oneFailingPairWhoseBlockerIsWaivedIsSingular(@TempDir Path tmp) throws Exception {
        CliRun r = run(tmp, List.of("HV01", "HV02"), "json", ds -> {
            ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/HV02"));
            java.nio.file.Files.writeString(tmp.resolve("baseline.yaml"), """
                    capturedAt: 2026-11-01T06:00:00Z
                    hosts: {}
                    waivers:
                      - rule: MISSING_DELEGATION
                        host: HV01
                        peer: HV02
                        justification: "CHG0042"
                        expires: 2099-12-31
                    """);
        });
        assertTrue(r.out().contains("No open HIGH or MEDIUM findings, but 1 directed host pair still cannot"
                + " live-migrate (its blockers are waived"), r.toString());
    }

    @Test
    void countsKeepTheDigitsOfTheDefaultFormatLocale() {
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        try {
            Locale arabic = Locale.forLanguageTag("ar-SA");
            Locale.setDefault(Locale.Category.FORMAT, arabic);
            assertNotEquals("4", String.format("%d", 4), "this locale writes other digits");
            assertLikeTheFormats();
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }

    /**
     * A node named with a typographic quote and a RIGHT-TO-LEFT OVERRIDE reads on the migration-authentication line as
     * on every other line, by its code: raw, the quote was shown and the override silently dropped (review 5, item 8).
     */
    @Test
    void aHostileNodeNameReadsByItsCodeOnTheMigrationAuthenticationLine() {
        String hostile = "HV17\u2019$(calc)\u202E";
        org.kcdauditor.report.FindingsDocument d = org.kcdauditor.report.Fixtures.demo();
        List<org.kcdauditor.report.FindingsDocument.ClusterDoc> clusters = new java.util.ArrayList<>(d.clusters());
        org.kcdauditor.report.FindingsDocument.ClusterDoc c = clusters.get(0);
        clusters.set(0, new org.kcdauditor.report.FindingsDocument.ClusterDoc(c.name(), c.nodes(), c.missingNodes(),
                c.fileServers(), c.pairs(), c.pairsOk(), c.requiredEntries(), c.presentEntries(),
                c.compliancePercent(), c.bySeverity(), c.go(), c.reasons(), c.matrix(), c.directory(), c.audited(),
                List.of("HV16", hostile)));
        String out = ConsoleSummaryAtScaleTest.print(new org.kcdauditor.report.FindingsDocument(d.schemaVersion(),
                d.runId(), d.startedAt(), d.finishedAt(), d.directory(), d.summary(), d.policy(), clusters, d.hosts(),
                d.findings(), d.rules(), d.history(), d.baseline(), d.patches(), d.events(),
                // an export was read (hostSettings.sources configured): the line names the nodes it did not cover
                List.of(new org.kcdauditor.inventory.ImportResult("vmhost.csv", "hostSettings", "csv", 5, 0, null,
                        List.of())), d.directories()));
        // the stored demo's other cluster has no export either: its nodes follow
        assertTrue(out.contains("Migration authentication was not checked for HV16, HV17\\u2019$(calc)\\u202E, HV11"),
                out);
        assertFalse(out.contains("\u2019"), out);
        assertFalse(out.contains("\u202E"), out);
    }
}
