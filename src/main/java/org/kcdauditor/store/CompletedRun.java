package org.kcdauditor.store;

import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.PatchRecord;

import java.nio.file.Path;
import java.util.List;

/** Everything a successful run stores: its evaluated snapshot, the imported patches and events, where reports went. */
public record CompletedRun(AuditResult result, int objectsRead, Path reportDir, List<PatchRecord> patches,
                           List<EventRecord> events) {
    public CompletedRun {
        patches = List.copyOf(patches);
        events = List.copyOf(events);
    }
}
