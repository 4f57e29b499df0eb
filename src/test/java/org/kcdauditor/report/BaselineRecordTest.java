package org.kcdauditor.report;

import org.junit.jupiter.api.Test;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The procedure asks for a new baseline only when the change leaves a host's delegation entries or flags other than
 * the baseline documents. A change that only takes back drift (entries added outside the baseline removed, a
 * documented entry put back) or registers and unregisters SPNs (the baseline holds none) leaves nothing the next
 * audit would call drift: a capture then only bakes in whatever drift is still undecided.
 */
class BaselineRecordTest {
    private static final String CAPTURE = "kcd-audit baseline capture --config kcd-audit.yaml --approved-by"
            + " \"<CAB approver>\" --force";

    /** The demo with a baseline and only the findings {@code keep} accepts, plus {@code extra}. */
    private static FindingsDocument demo(java.util.function.Predicate<Finding> keep, List<Finding> extra) {
        FindingsDocument d = Fixtures.withHistory(Fixtures.demo());
        List<Finding> all = new ArrayList<>(d.findings().stream().filter(keep).toList());
        all.addAll(extra);
        return d.withFindings(all);
    }

    /** BASELINE_ENTRY_ADDED for each of HV11's stale entries to HV15: the baseline does not list them. */
    private static List<Finding> hv11EntriesAddedOutsideTheBaseline(FindingsDocument demo) {
        return demo.findings().stream().filter(f -> "STALE_DELEGATION".equals(f.rule()) && "HV11".equals(f.host()))
                .map(f -> Finding.of("BASELINE_ENTRY_ADDED", Severity.MEDIUM, f.cluster(), "HV11", "HV15", f.spn(),
                        f.spn(), "HV11 delegates to " + f.spn() + ", which the approved baseline does not list.", null,
                        List.of(new Action.Manual("Review the change; keep it by capturing a new baseline, or remove it:",
                                List.of(new Action.RemoveDelegation("HV11", "HV15", List.of(f.spn())))))))
                .toList();
    }

    private static boolean capturesBaseline(FindingsDocument doc) {
        ReportView view = ReportView.of(doc);
        return view.procedure().steps(Procedure.Phase.CONFIRM).stream().anyMatch(s -> s.commands().contains(CAPTURE));
    }

    @Test
    void aChangeThatOnlyTakesBackDriftAndTouchesSpnsRecordsNoNewBaseline() {
        FindingsDocument demo = Fixtures.demo();
        FindingsDocument doc = demo(f -> "STALE_DELEGATION".equals(f.rule()) || "TARGET_SPN_NOT_REGISTERED"
                .equals(f.rule()) || "DUPLICATE_SPN".equals(f.rule()), hv11EntriesAddedOutsideTheBaseline(demo));
        ReportView view = ReportView.of(doc);
        assertFalse(view.plan().hosts().isEmpty(), "the change removes HV11's entries and registers HV14's SPN");
        assertFalse(Procedure.recordsBaseline(doc, view.plan()), "after it HV11 is as the baseline documents it");
        assertFalse(capturesBaseline(doc), view.procedure().steps(Procedure.Phase.CONFIRM).toString());
        assertFalse(view.procedure().phase(Procedure.Phase.CONFIRM).summary().contains("baseline"),
                view.procedure().phase(Procedure.Phase.CONFIRM).summary());
    }

    @Test
    void aChangeThatAddsEntriesTheBaselineDoesNotListRecordsTheNewBaseline() {
        FindingsDocument demo = Fixtures.demo();
        FindingsDocument doc = demo(f -> "STALE_DELEGATION".equals(f.rule()) || "MISSING_DELEGATION".equals(f.rule())
                        && "HV01".equals(f.host()), hv11EntriesAddedOutsideTheBaseline(demo));
        assertTrue(capturesBaseline(doc), "HV01 gains an entry the baseline does not list");
        // a stale entry removed without a drift finding: the baseline lists it, so its removal is drift
        FindingsDocument stale = demo(f -> "STALE_DELEGATION".equals(f.rule()), List.of());
        assertTrue(capturesBaseline(stale), "HV11 loses entries the baseline documents");
    }

    /**
     * A change that sets a node's resource-based delegation list (CROSS_DOMAIN_NEEDS_RBCD: HV01 comes to allow HV21 of
     * another domain) leaves a grant the next audit calls drift where the baseline documents the nodes' grants
     * ({@code baseline.rbcdHosts}): the procedure records the new baseline. A baseline captured before captures recorded
     * grants documents none, so the same change departs from nothing it holds.
     */
    @Test
    void aChangeOfANodesGrantsRecordsTheNewBaselineWhereTheBaselineDocumentsGrants() {
        FindingsDocument demo = Fixtures.demo();
        String cluster = demo.hosts().stream().filter(h -> h.name().equals("HV01")).findFirst().orElseThrow().cluster();
        Finding cross = Finding.of("CROSS_DOMAIN_NEEDS_RBCD", Severity.HIGH, cluster, "HV21", "HV01", null, null,
                "HV21 (fabrikam.com) and HV01 (contoso.com) are in different domains.",
                org.kcdauditor.model.Evidence.builder().attribute("msDS-AllowedToActOnBehalfOfOtherIdentity").build(),
                List.of(new Action.AddRbcd("HV01", List.of(new Action.Principal("HV21", "fabrikam.com",
                        "S-1-5-21-9-9-9-1101", false)))));
        FindingsDocument doc = demo(f -> false, List.of(cross));
        assertFalse(ReportView.of(doc).plan().hosts().isEmpty(), "the change sets HV01's list");
        assertFalse(capturesBaseline(doc), "the baseline documents no grants");
        HistorySections.BaselineDoc b = doc.baseline();
        FindingsDocument documented = doc.withHistory(new HistorySections.Sections(doc.history(),
                new HistorySections.BaselineDoc(b.path(), b.capturedAt(), b.capturedFrom(), b.approvedBy(), b.hosts(),
                        b.waivers(), 1), doc.patches(), doc.events(), doc.imports()));
        assertTrue(capturesBaseline(documented), "HV01 comes to allow a principal the baseline does not list");
    }
}
