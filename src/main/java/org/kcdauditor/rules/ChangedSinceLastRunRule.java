package org.kcdauditor.rules;

import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.PreviousRun;
import org.kcdauditor.baseline.Drift;
import org.kcdauditor.model.Severity;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CHANGED_SINCE_LAST_RUN: per host, what changed in its delegation since the previous successful
 * run — the timeline of the reports.
 */
public final class ChangedSinceLastRunRule implements Rule {
    static final RuleInfo INFO = new RuleInfo("CHANGED_SINCE_LAST_RUN", Severity.INFO, "drift",
            "A host's delegation changed since the previous run",
            "Records every change between two runs so that a failure can be tied to the moment delegation changed"
                    + " (for instance the night a hardening update or a clean-up script ran).",
            "docs/history.md");

    @Override
    public RuleInfo info() {
        return INFO;
    }

    @Override
    public void evaluate(AuditContext ctx, FindingSink out) {
        PreviousRun prev = ctx.inputs().previous();
        if (prev == null) {
            return;
        }
        Map<String, List<Drift.Change>> byHost = new LinkedHashMap<>();
        for (Drift.Change c : Drift.compare(prev.hosts(), ctx)) {
            byHost.computeIfAbsent(c.host(), k -> new ArrayList<>()).add(c);
        }
        // to the second: the message is read by people (and compared by finding id, not text)
        String when = prev.finishedAt() == null ? "?"
                : prev.finishedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        byHost.forEach((host, changes) -> {
            List<String> lines = changes.stream().map(Drift::describe).toList();
            out.add(INFO, changes.get(0).cluster(), host, null, null,
                    "Since run " + prev.runId().substring(0, Math.min(8, prev.runId().length())) + " (" + when
                            + "): " + String.join("; ", lines) + ".",
                    "No action unless the change was not planned; compare with the change records.");
        });
    }
}
