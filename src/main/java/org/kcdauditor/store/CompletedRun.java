package org.kcdauditor.store;

import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.PatchRecord;
import org.kcdauditor.model.TrendPoint;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a successful run stores: its evaluated snapshot, the imported patches and events, where reports went,
 * and its point of the config's trend (pairs, pairs OK, new and resolved findings; null: none stored).
 */
public record CompletedRun(AuditResult result, int objectsRead, Path reportDir, List<PatchRecord> patches,
                           List<EventRecord> events, TrendPoint trend) {
    public CompletedRun {
        patches = List.copyOf(patches);
        events = List.copyOf(events);
    }

    public CompletedRun(AuditResult result, int objectsRead, Path reportDir, List<PatchRecord> patches,
                        List<EventRecord> events) {
        this(result, objectsRead, reportDir, patches, events, null);
    }
}
