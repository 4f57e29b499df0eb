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
        return view.procedure().steps(Procedure.Phase.VALIDATE).stream().anyMatch(s -> s.commands().contains(CAPTURE));
    }

    @Test
    void aChangeThatOnlyTakesBackDriftAndTouchesSpnsRecordsNoNewBaseline() {
        FindingsDocument demo = Fixtures.demo();
        FindingsDocument doc = demo(f -> "STALE_DELEGATION".equals(f.rule()) || "TARGET_SPN_NOT_REGISTERED"
                .equals(f.rule()) || "DUPLICATE_SPN".equals(f.rule()), hv11EntriesAddedOutsideTheBaseline(demo));
        ReportView view = ReportView.of(doc);
        assertFalse(view.plan().hosts().isEmpty(), "the change removes HV11's entries and registers HV14's SPN");
        assertFalse(Procedure.recordsBaseline(doc, view.plan()), "after it HV11 is as the baseline documents it");
        assertFalse(capturesBaseline(doc), view.procedure().steps(Procedure.Phase.VALIDATE).toString());
        assertFalse(view.procedure().phase(Procedure.Phase.VALIDATE).summary().contains("baseline"),
                view.procedure().phase(Procedure.Phase.VALIDATE).summary());
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
}
