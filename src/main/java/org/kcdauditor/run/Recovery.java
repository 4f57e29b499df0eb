package org.kcdauditor.run;

import org.kcdauditor.store.Holder;
import org.kcdauditor.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Runs a dead process left RUNNING become INTERRUPTED, and their {@code .partial} report folders
 * {@code .failed} with the reason. A run is known dead when its process is gone from this host (at once,
 * by pid and start time) — or, while the caller holds the store's run lock, whatever process recorded
 * it: every audit takes that lock, so no other audit can be in progress.
 */
public final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private Recovery() {
    }

    /**
     * @param underLock whether the caller holds the run lock (then runs of other hosts, and runs recorded
     *                  before holders were, are known dead too)
     * @return how many runs were recorded as interrupted
     */
    public static int interruptDeadRuns(RunStore store, Instant now, boolean underLock) {
        int n = 0;
        for (RunStore.Running r : store.running()) {
            Holder h = r.holder();
            boolean dead = h == null ? underLock
                    : h.goneFromThisHost() || underLock && !h.onThisHost();
            if (!dead) {
                continue;
            }
            String reason = "interrupted: its process (" + (h == null ? "an earlier version" : h.toString())
                    + ") stopped before the run finished (killed, crashed or shut down)";
            if (store.interrupt(r.id(), now, reason)) {
                n++;
                LOG.warn("run {} ({}) left RUNNING by a process that is gone is recorded as interrupted", r.id(),
                        r.trigger());
                markFolder(r.id(), r.startedAt(), r.reportDir(), reason);
            }
        }
        if (underLock) {
            // a run another machine recorded as ended, whose folder is here (that machine could not reach it)
            for (RunStore.Unfinished u : store.endedWhileWriting()) {
                markFolder(u.id(), u.startedAt(), u.reportDir(), u.reason());
            }
        }
        return n;
    }

    /**
     * Records one RUNNING run INTERRUPTED (its thread could not be stopped in time) and marks its unfinished
     * folder failed.
     *
     * @return the failed folder, or null when the run wrote none (or was no longer RUNNING)
     */
    public static Path interrupt(RunStore store, String runId, Instant now, String reason) {
        for (RunStore.Running r : store.running()) {
            if (r.id().equals(runId) && store.interrupt(runId, now, reason)) {
                return markFolder(r.id(), r.startedAt(), r.reportDir(), reason);
            }
        }
        return null;
    }

    private static Path markFolder(String runId, Instant startedAt, String reportDir, String reason) {
        if (reportDir == null) {
            return null;
        }
        try {
            Path failed = RunFolder.abandon(Path.of(reportDir), reason, runId, startedAt);
            if (failed != null) {
                LOG.warn("the unfinished report folder of run {} is now {}", runId, failed);
                Path replaced = RunFolder.replacedLeftIn(failed);
                if (replaced != null) {
                    LOG.warn("run {} was killed while it moved its reports into {}: that folder may now mix old and"
                            + " new reports; the files they replaced are in {}: move them back by hand", runId,
                            failed.getParent(), replaced);
                }
            }
            return failed;
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot mark the unfinished report folder {} as failed: {}", reportDir, e.getMessage());
            return null;
        }
    }
}
