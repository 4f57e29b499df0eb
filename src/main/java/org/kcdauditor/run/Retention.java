package org.kcdauditor.run;

import org.kcdauditor.baseline.Baseline;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.baseline.Waiver;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.RetainConfig;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.store.RunSummary;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code store.retain} applied to the runs of one configuration: {@code kcd-audit history prune}, and the daemon
 * after each scheduled run. Besides what the store always keeps (runs in progress, pinned runs, the configuration's
 * last successful run and its newest), this configuration's baseline protects the run it was captured from, each
 * waiver still open the first run in which it waived a finding, and each pair whose observed migration failures a
 * run reported explained by its delegation findings the last such run (later runs leave those failures out as
 * settled only while it is there), and each configured node the last successful run did not find the last run that
 * found it while a computer holds its objectSid under another name (a node renamed before the configuration followed
 * is compared with it once it does, not taken for new; a node deleted keeps none).
 */
public final class Retention {
    private Retention() {
    }

    /**
     * @return the runs pruned (or that would be, with {@code dryRun}), oldest first
     * @throws org.kcdauditor.config.ConfigException when the baseline cannot be read: nothing is pruned then,
     *         since what it protects is unknown
     */
    public static List<RunSummary> prune(AuditConfig config, RunStore store, Instant now, boolean dryRun) {
        RetainConfig retain = config.retain();
        String history = store.historyKey(config.historyKey());
        Set<String> keep = new HashSet<>(store.runsExplainingFailures(history));
        keep.addAll(store.runsLastFindingMissingNodes(history));
        Baseline baseline = BaselineFile.readIfExists(config.baselinePath());
        if (baseline != null) {
            if (baseline.capturedFrom() != null) {
                keep.add(baseline.capturedFrom());
            }
            for (Waiver w : baseline.waivers()) {
                if (w.activeAt(now)) {
                    firstRunWaiving(store, history, w).ifPresent(keep::add);
                }
            }
        }
        Instant before = retain.maxAge() == null ? null : now.minus(retain.maxAge());
        return store.prune(history, retain.runsOrDefault(), before, keep, dryRun);
    }

    /**
     * The first run of {@code history} that waived a finding under {@code w} ({@link RunStore#firstRunWaiving}),
     * compared as the store keeps the finding's values: a U+0000 in them as the text \u0000.
     */
    static Optional<String> firstRunWaiving(RunStore store, String history, Waiver w) {
        Waiver stored = new Waiver(w.rule(), RunStore.stored(w.host()), RunStore.stored(w.peer()),
                RunStore.stored(w.spn()), w.justification(), w.expires());
        return store.firstRunWaiving(history, w.rule(), stored::matches);
    }
}
