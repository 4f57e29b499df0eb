package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ReportsConfig;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Uac;
import org.kcdauditor.report.Format;
import org.kcdauditor.report.Reports;
import org.kcdauditor.run.AuditRun;
import org.kcdauditor.support.BenchShape;
import org.kcdauditor.support.Hosts;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.config;
import static org.kcdauditor.history.HistoryTestData.snapshot;

/**
 * A 64-node cluster (the benchmark's C0) where nodes lost their delegation, one is trusted for unconstrained delegation
 * and a user account holds a node's SPN: preflight's blockers and the console's "Most severe findings" show one line per
 * rule and host (a pair's four entries, a node's 63 peers), so every distinct problem is named and the gate output stays
 * short enough for the change record (scale review items 9 and 10).
 */
class ProblemsAtScaleTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-20T06:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    /** C0 with the nodes {@code cleared} delegating nowhere, HV000020 without the FQDN forms, HV000030 unconstrained. */
    private AuditRun.Outcome audit(List<String> cleared) throws Exception {
        BenchShape shape = BenchShape.of(64);
        List<String> nodes = shape.clusters().get(0).nodes();
        List<AdObject> objects = new ArrayList<>();
        for (AdObject o : shape.hosts()) {
            String n = o.cn();
            String[] peers = nodes.stream().filter(p -> !p.equals(n)).toArray(String[]::new);
            if (cleared.contains(n)) {
                objects.add(Hosts.host(n).build());
            } else if (n.equals("HV000020")) {
                Hosts h = Hosts.host(n).delegatesTo(peers);
                for (String p : peers) {
                    h.without("cifs/" + Hosts.fqdn(p)).without(Hosts.MIG + "/" + Hosts.fqdn(p));
                }
                objects.add(h.build());
            } else if (n.equals("HV000030")) {
                objects.add(Hosts.host(n).delegatesTo(peers)
                        .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build());
            } else {
                objects.add(o);
            }
        }
        objects.add(Hosts.user("svc-app", "HOST/HV000050"));
        AuditConfig cfg = config(dir, List.of(shape.clusters().get(0)), null, null);
        return new AuditRun(cfg, new Secrets(Map.of()), CLOCK, Reports.standard(Path.of("templates"),
                ReportsConfig.defaults())).withHome(dir).withEnvironment(Map.of())
                .withSource(p -> snapshot(CLOCK.instant(), objects))
                .execute(dir.resolve("out"), EnumSet.of(Format.JSON), new Timings(), n -> { });
    }

    private static String blockers(AuditRun.Outcome o) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Set<Finding> blockers = PreflightCommand.blockers(o, "C0");
        PreflightCommand.printBlockers(new PrintStream(b, true, StandardCharsets.UTF_8), o.view(), blockers,
                o.outDir());
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void preflightNamesEachNodesMissingDelegationOnOneLine() throws Exception {
        AuditRun.Outcome o = audit(List.of("HV000010"));
        String out = blockers(o);
        List<String> missing = out.lines().filter(l -> l.startsWith("  BLOCKER MISSING_DELEGATION ")).toList();
        assertEquals(2, missing.size(), out);
        assertTrue(missing.stream().anyMatch(l -> l.contains("[252 findings on HV000010, toward 63 peers: HV000001,"
                + " HV000002, HV000003, HV000004, HV000005, … and 58 more]")), out);
        assertTrue(missing.stream().anyMatch(l -> l.contains("[126 findings on HV000020, toward 63 peers:")), out);
        assertTrue(out.contains("  BLOCKER UNCONSTRAINED_DELEGATION "), out);
        assertTrue(out.contains("  BLOCKER DUPLICATE_SPN "), out);
        assertTrue(out.lines().count() < 20, out);
    }

    @Test
    void aPairsEntriesAreOneLineNamingThemAll() throws Exception {
        AuditRun.Outcome o = audit(List.of());
        List<Finding> pair = o.document().findings().stream().filter(f -> f.rule().equals("MISSING_DELEGATION")
                && "HV000020".equals(f.host()) && "HV000001".equals(f.peer())).toList();
        assertEquals(2, pair.size(), "HV000020 lacks the two FQDN forms toward each peer");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PreflightCommand.printBlockers(new PrintStream(b, true, StandardCharsets.UTF_8), o.view(), pair, o.outDir());
        String out = b.toString(StandardCharsets.UTF_8);
        assertEquals(1, out.lines().count(), out);
        assertTrue(out.contains("[2 findings for HV000020 -> HV000001; also " + pair.get(1).spn() + "]"), out);
    }

    /** HV000031 to HV000055 delegating nowhere: 25 nodes' lines and more, beside the one unconstrained node. */
    private AuditRun.Outcome manyCleared() throws Exception {
        List<String> cleared = new ArrayList<>();
        for (int i = 31; i <= 55; i++) {
            cleared.add(String.format("HV%06d", i));
        }
        return audit(cleared);
    }

    @Test
    void preflightCapsItsBlockerLinesAndSaysWhereEveryOneIs() throws Exception {
        AuditRun.Outcome o = manyCleared();
        String out = blockers(o);
        assertTrue(out.contains("  BLOCKER UNCONSTRAINED_DELEGATION "), "every rule before a rule's second host: " + out);
        assertTrue(out.contains("  BLOCKER DUPLICATE_SPN "), out);
        assertEquals(PreflightCommand.BLOCKER_LINES, out.lines().filter(l -> l.startsWith("  BLOCKER ")).count(), out);
        String last = out.lines().reduce((a, c) -> c).orElseThrow();
        assertTrue(last.matches("  … and \\d+ more \\(\\d+ blockers\\); every blocker: .*findings\\.json \\(findings\\[\\],"
                + " clusters\\[\\]\\.reasons\\)"), last);
        assertTrue(last.contains(o.outDir().resolve("findings.json").toString()), last);
    }

    @Test
    void theConsolesTopListReachesEveryDistinctProblem() throws Exception {
        AuditRun.Outcome o = manyCleared();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ConsoleSummary.print(new PrintStream(b, true, StandardCharsets.UTF_8), o, 1000, "kcd-audit.yaml", List.of());
        String out = b.toString(StandardCharsets.UTF_8);
        String top = out.substring(out.indexOf("Most severe findings:\n"));
        top = top.substring(0, top.indexOf("\n\n"));
        assertTrue(top.contains(" UNCONSTRAINED_DELEGATION "), top);
        assertTrue(top.contains(" DUPLICATE_SPN "), top);
        List<String> rows = top.lines().skip(1).filter(l -> !l.startsWith("  …")).toList();
        assertEquals(10, rows.size(), top);
        assertTrue(rows.stream().filter(l -> l.contains(" MISSING_DELEGATION ")).allMatch(l -> l.contains(" findings on ")
                && l.contains(", toward ")), "one line per node: " + top);
        // most severe first, then rule by rule: each rule's lines together
        List<String> severities = rows.stream().map(l -> l.substring(2, 8).trim()).toList();
        assertEquals(severities.stream().sorted(java.util.Comparator.comparing(Severity::valueOf)).toList(), severities,
                top);
        List<String> rules = rows.stream().map(l -> l.substring(2, 43)).toList();
        for (int i = 1; i < rules.size(); i++) {
            assertTrue(rules.get(i).equals(rules.get(i - 1)) || !rules.subList(0, i).contains(rules.get(i)), top);
        }
    }
}
