package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostState;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.report.ClustersNotCompared;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.HistorySections;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.rules.RuleCatalogue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.history.HistoryTestData.PT;
import static org.kcdauditor.history.HistoryTestData.config;
import static org.kcdauditor.history.HistoryTestData.entriesTo;
import static org.kcdauditor.history.HistoryTestData.host;
import static org.kcdauditor.history.HistoryTestData.mesh;

/**
 * The clusters two runs did not compare (one of them did not audit it: its optional directory could not be read) are
 * the same for findings.json's history and for the mail notice, whatever the case of their names: the notice's new and
 * resolved findings are the history's (no waivers and no CHANGED_SINCE_LAST_RUN here, which the notice leaves out).
 */
class NotComparedAgreeTest {
    private static final Instant T0 = Instant.parse("2026-11-01T06:00:00Z");
    private static final MailConfig MAIL = new MailConfig("127.0.0.1", 25, "none", null, null, null,
            "kcd@contoso.com", List.of("team@contoso.com"), Map.of(), null, null, null, null, null);

    @TempDir
    Path dir;

    @Test
    void theNoticeAndTheHistoryCompareTheSameClustersWhateverTheCaseOfTheirNames() {
        AuditResult both = audit("HVC2", true, null);
        assertFalse(ids(both.findings(), "HVC2").isEmpty(), "HVC2 has findings");

        // fabrikam is down, its cluster configured as hvc2 since: the previous run's HVC2 findings are not resolved
        AuditResult down = audit("hvc2", false, previous("r1", both, Set.of()));
        assertEquals(List.of(), agree(down, previous("r1", both, Set.of())).resolvedFindings());

        // it answers again, the cluster named HVC2 once more: the run compared with did not audit hvc2
        PreviousRun wasDown = previous("r2", down, Set.of("hvc2"));
        assertEquals(List.of(), agree(audit("HVC2", true, wasDown), wasDown).newFindings());
    }

    /**
     * The history's new and resolved findings are the notice's, and the notice has no word on their counts; the
     * history.
     */
    private HistorySections.HistoryDoc agree(AuditResult now, PreviousRun previous) {
        HistorySections.Sections s = HistorySections.build(now, now.context().inputs(), null, List.of(), false);
        FindingsDocument doc = FindingsJson.build("r-now", T0, T0.plusSeconds(60), config(dir, List.of(), null, null),
                now, RuleCatalogue.standard()).withHistory(s);
        List<Finding> before = List.copyOf(previous.findings().values());
        NoticeBuilder builder = new NoticeBuilder(MAIL, new TemplateRenderer(Path.of("templates")));
        NoticeBuilder.Change mail = NoticeBuilder.change("all clusters", doc.findings(), before, null,
                ClustersNotCompared.of(previous.unaudited(), doc));
        assertEquals(new TreeSet<>(s.history().newFindings()), ids(mail.added(), null), "new");
        assertEquals(new TreeSet<>(s.history().resolvedFindings()), ids(mail.resolved(), null), "resolved");
        List<Notice> notices = builder.build("daily", Notify.ALWAYS, doc, before, previous.runId(), null, false,
                previous.unaudited());
        assertTrue(notices.stream().noneMatch(n -> n.text().contains("The reports count")), notices.toString());
        return s.history();
    }

    /**
     * HVC1 (HV01, HV02, fully delegated) of contoso, and {@code hvc2} (HV21, HV22, each missing its entries to the
     * other) of fabrikam, read or not.
     */
    private static AuditResult audit(String hvc2, boolean fabrikamRead, PreviousRun previous) {
        List<AdObject> objects = new ArrayList<>(mesh("HV01", "HV02"));
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null,
                null, null, false, null, 0, objects.size(), null, false, List.of());
        if (fabrikamRead) {
            objects.add(host("HV21", PT, entriesTo()));
            objects.add(host("HV22", PT, entriesTo()));
        }
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, true, fabrikamRead ? null : "cannot connect", 2, fabrikamRead ? 2 : 0, null, false,
                List.of());
        Snapshot s = new Snapshot(T0, "ldaps://dc1.contoso.com", "DC=contoso,DC=com", objects, null, null, null,
                List.of(), List.of(contoso, fabrikam), null);
        AuditInputs inputs = new AuditInputs(T0, null, previous, List.of(), false, null, List.of(), false);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "contoso"),
                new ClusterConfig(hvc2, List.of("HV21", "HV22"), null, null, "fabrikam")), PolicyConfig.defaults(),
                inputs);
    }

    /** {@code r} as the store gives it back as the previous run. */
    private static PreviousRun previous(String id, AuditResult r, Set<String> unaudited) {
        Map<String, HostState> hosts = new LinkedHashMap<>();
        r.context().hosts().hosts().forEach(o -> hosts.put(o.name(), HostState.of(o)));
        Map<String, Finding> findings = new LinkedHashMap<>();
        r.findings().forEach(f -> findings.putIfAbsent(f.id(), f));
        return new PreviousRun(id, T0, hosts, findings.keySet(), findings, Map.of(), unaudited, null, Map.of());
    }

    /** The ids of {@code findings} of {@code cluster} (any case; null: all). */
    private static Set<String> ids(List<Finding> findings, String cluster) {
        Set<String> out = new TreeSet<>();
        findings.stream().filter(f -> cluster == null || cluster.equalsIgnoreCase(f.cluster()))
                .forEach(f -> out.add(f.id()));
        return out;
    }
}
