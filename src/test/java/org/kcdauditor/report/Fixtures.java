package org.kcdauditor.report;

import org.kcdauditor.inventory.ImportProblem;
import org.kcdauditor.inventory.ImportResult;
import org.kcdauditor.support.TestFindings;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Timings;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.run.AuditRun;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Findings documents for the report tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** Where {@link #demo()} is stored; {@link FixturesTest} checks it is what the demo gives today. */
    public static final Path DEMO_FILE = Path.of("src/test/resources/report/findings-demo.json");
    /** A findings.json as kcd-audit wrote it in November 2026, before findings carried evidence and actions. */
    public static final String LEGACY = "/report/findings-v1-2026-11.json";

    /**
     * The demo run (two clusters, typical drift; the core audit, without history inputs) with a fixed run id,
     * time and directory, as stored in {@link #DEMO_FILE}.
     */
    public static FindingsDocument demo() {
        return read("/report/findings-demo.json");
    }

    /** The stored findings.json of an earlier kcd-audit version (no evidence, no actions, no rules). */
    public static FindingsDocument legacy() {
        return read(LEGACY);
    }

    private static FindingsDocument read(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            return FindingsJson.MAPPER.readValue(in, FindingsDocument.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The demo audited afresh: the demo directory (in-process LDAP), the demo's clusters and policy, the
     * core rules, then the run id, times and directory URL fixed so that golden files stay stable.
     */
    public static FindingsDocument generateDemo() throws Exception {
        AuditConfig cfg = ConfigLoader.load(Path.of("config/demo/kcd-audit-demo.yaml"));
        try (DemoDirectory dir = DemoDirectory.start(Path.of("config/demo/contoso.ldif"))) {
            AuditConfig demo = cfg.withDirectory(cfg.directory().withUrl(dir.url()));
            Snapshot snapshot = new AuditRun(demo, new Secrets(Map.of(demo.directory().passwordEnv(), dir.password())),
                    Clock.systemUTC(), new Reports(List.of())).collect(new Timings(), n -> { });
            AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(snapshot, demo.clusters(), demo.policy());
            return FindingsJson.build("3f2a9c1e-5b7d-4e8a-9c0f-1a2b3c4d5e6f", Instant.parse("2026-11-26T06:00:00.123Z"),
                    Instant.parse("2026-11-26T06:00:01.456Z"),
                    demo.withDirectory(demo.directory().withUrl("ldaps://dc1.contoso.com:636")), r,
                    RuleCatalogue.standard());
        }
    }

    /** The demo with one host's fields replaced (e.g. a hostile name or an operating system). */
    public static FindingsDocument withHost(FindingsDocument d, String name, java.util.function.UnaryOperator<FindingsDocument.HostDoc> edit) {
        List<FindingsDocument.HostDoc> hosts = new ArrayList<>();
        for (FindingsDocument.HostDoc h : d.hosts()) {
            hosts.add(h.name().equals(name) ? edit.apply(h) : h);
        }
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), hosts, d.findings(), null);
    }

    public static FindingsDocument withFindings(FindingsDocument d, List<Finding> extra) {
        List<Finding> all = new ArrayList<>(d.findings());
        all.addAll(extra);
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), all, null);
    }

    /** The demo with only its findings whose every action is a decision: nothing scripted, some yeses are changes. */
    public static FindingsDocument decisionsOnly() {
        return demoWith(demo().findings().stream().filter(f -> f.actions().stream()
                .allMatch(a -> a instanceof org.kcdauditor.remedy.Action.Manual)).toList());
    }

    /** The demo's clusters and hosts with {@code findings} in place of its own. */
    public static FindingsDocument demoWith(List<Finding> findings) {
        FindingsDocument d = demo();
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), findings, null);
    }

    /** The demo with its HV02 -> HV03 MISSING_DELEGATION findings waived until 2035-12-31. */
    public static FindingsDocument waivedHv02ToHv03() {
        FindingsDocument d = demo();
        Finding.Waiver w = new Finding.Waiver("HV03 is being rebuilt, CHG0042", java.time.LocalDate.of(2035, 12, 31));
        List<Finding> all = d.findings().stream().map(f -> "MISSING_DELEGATION".equals(f.rule())
                && "HV02".equals(f.host()) && "HV03".equals(f.peer()) ? f.withWaiver(w) : f).toList();
        return new FindingsDocument(d.schemaVersion(), d.runId(), d.startedAt(), d.finishedAt(), d.directory(),
                d.summary(), d.policy(), d.clusters(), d.hosts(), all, null);
    }

    /** {@code d} with every history section, its times with nanoseconds as a live run's are. */
    public static FindingsDocument withHistory(FindingsDocument d) {
        java.time.Instant at = java.time.Instant.parse("2026-11-26T22:22:17.598717496Z");
        HistorySections.HistoryDoc h = new HistorySections.HistoryDoc("6e454dae-1f2e", at, List.of(), List.of(),
                List.of(new HistorySections.ChangeDoc("6e454dae-1f2e", at, "HV01", "delegation entry added")));
        HistorySections.BaselineDoc b = new HistorySections.BaselineDoc("baseline.yaml", at, "6e454dae", "jdoe", 1,
                List.of(), null);
        List<HistorySections.EventDoc> events = List.of(new HistorySections.EventDoc("HV02", 21502, at, "HV02",
                "HV03", "NO_CREDENTIALS", "0x8009030E", "Live migration failed.", "events.csv"));
        List<org.kcdauditor.inventory.ImportResult> imports = List.of(new org.kcdauditor.inventory.ImportResult(
                "events.csv", "events", "CSV", 1, 1, null, List.of()));
        return d.withHistory(new HistorySections.Sections(h, b,
                new HistorySections.PatchesDoc(List.of(), List.of()), events, imports));
    }

    /**
     * {@code d} with only an import report, as a run whose inputs are only event files leaves it when none is usable:
     * one file read, then {@code n} (at least 3) it could not use: a file that is not a patch export (its name holding
     * markup and Markdown specials), an event pattern no file matches, an empty Get-VMHost export, then empty patch
     * exports.
     */
    public static FindingsDocument withInputsNotUsed(FindingsDocument d, int n) {
        List<ImportResult> imports = new ArrayList<>(List.of(
                new ImportResult("patches/HV01-hotfix.csv", "patches", "Get-HotFix CSV (UTF-8, ','-separated)", 3, 0,
                        null, List.of()),
                new ImportResult("patches/<b>notes</b>_*draft*.txt", "patches", null, 0, 0,
                        "not a patch export: no HotFixID column and no mapping matches its header", List.of()),
                new ImportResult("events/*.evtx", "events", null, 0, 0, "no file matches", List.of()),
                new ImportResult("hostsettings/vmhost.csv", "hostSettings", null, 0, 0, "empty file: no header line",
                        List.of())));
        for (int i = 4; i <= n; i++) {
            imports.add(new ImportResult("patches/old-" + i + ".csv", "patches", null, 0, 0,
                    "empty file: no header line", List.of()));
        }
        return d.withHistory(new HistorySections.Sections(null, null, null, null, imports));
    }

    /**
     * {@code d} whose imports read rows for hosts not audited: HV14-hostile.csv's row of {@code =HYPERLINK(…)} and
     * two of HV99, an event of {@code =1+1}, beside a line skipped and a file read in full.
     */
    public static FindingsDocument withHostsNotAudited(FindingsDocument d) {
        String hostile = "=HYPERLINK(\"http://evil\")";
        List<ImportResult> imports = List.of(
                new ImportResult("patches/HV01-hotfix.csv", "patches", "Get-HotFix CSV (UTF-8, ','-separated)", 3, 0,
                        null, List.of()),
                new ImportResult("patches/HV14-hostile.csv", "patches", "Get-HotFix CSV (UTF-8, ','-separated)", 1, 1,
                        null, List.of(
                        new ImportProblem("patches/HV14-hostile.csv", 3, "host '" + hostile + "' is not audited (no"
                                + " node of a configured cluster): its record was read, not used", false, true),
                        new ImportProblem("patches/HV14-hostile.csv", 4, "HotFixID '=1+1' is not a KB number", true),
                        new ImportProblem("patches/HV14-hostile.csv", 5, "host 'HV99' is not audited (no node of a"
                                + " configured cluster): its 2 records were read, not used", false, true)),
                        3, List.of(hostile, "HV99"), null),
                new ImportResult("events/HV14.xml", "events", "wevtutil XML (UTF-8)", 0, 0, null, List.of(
                        new ImportProblem("events/HV14.xml", 1, "host '=1+1' is not audited (no node of a configured"
                                + " cluster): its record was read, not used", false, true)), 1, List.of("=1+1"), null));
        return d.withHistory(new HistorySections.Sections(null, null, null, null, imports));
    }

    public static Finding missing(String host, String peer, String spn) {
        return TestFindings.legacy("MISSING_DELEGATION", Severity.HIGH, "HVC1", host, peer, spn,
                host + " is not allowed to delegate to " + spn + ", so live migration " + host + " -> " + peer + " fails.",
                "Add it.");
    }

    public static FindingsDocument.HostDoc os(FindingsDocument.HostDoc h, String os) {
        return new FindingsDocument.HostDoc(h.name(), h.dnsHostName(), h.cluster(), h.userAccountControl(),
                h.delegateTo(), h.spns(), os, h.operatingSystemVersion(), h.samAccountName(), h.distinguishedName(),
                h.objectSid(), h.enabled(), h.uacFlags(), h.rbcdAllowed(), h.whenChanged(), h.uSNChanged(),
                h.lastLogonTimestamp());
    }

    /**
     * {@code n} clusters C00, C01, … of 8 nodes (HV00001 …) whose 56 directions all fail (every entry present, the
     * source without the protocol transition policy {@code any} needs), with {@code d}'s first cluster's counts.
     */
    public static List<FindingsDocument.ClusterDoc> failingClusters(FindingsDocument d, int n) {
        return failingClusters(d, n, 8);
    }

    /** {@code n} clusters as {@link #failingClusters(FindingsDocument, int)}, of {@code size} nodes each. */
    public static List<FindingsDocument.ClusterDoc> failingClusters(FindingsDocument d, int n, int size) {
        FindingsDocument.ClusterDoc c0 = d.clusters().get(0);
        List<FindingsDocument.ClusterDoc> cs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<String> nodes = new ArrayList<>();
            for (int i = 1; i <= size; i++) {
                nodes.add(String.format("HV%02d%03d", k, i));
            }
            List<FindingsDocument.PairDoc> matrix = new ArrayList<>();
            for (String from : nodes) {
                for (String to : nodes) {
                    if (!from.equals(to)) {
                        matrix.add(new FindingsDocument.PairDoc(from, to, 4, 4, false, List.of(
                                new FindingsDocument.BlockerDoc("PROTOCOL_TRANSITION_MISMATCH", "p" + k)), List.of(),
                                List.of(), false, false));
                    }
                }
            }
            int pairs = size * (size - 1);
            cs.add(new FindingsDocument.ClusterDoc(String.format("C%02d", k), nodes, List.of(), List.of(), pairs,
                    0, 4 * pairs, 4 * pairs, 100.0, c0.bySeverity(), false, List.of(), matrix));
        }
        return cs;
    }
}
