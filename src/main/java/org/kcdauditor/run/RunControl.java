package org.kcdauditor.run;

import org.kcdauditor.directory.Deadline;

import java.nio.file.Path;

/**
 * The handle of one run in progress, shared between the thread running it and whoever may stop it
 * (the daemon when it is told to stop): which run it is, where its unfinished folder is, and
 * {@link #stop}. A stop ends the directory reading at once (the connection is closed); other stages
 * notice it when they finish (the writers, the store's transaction are not cut off half-way). The run
 * is then recorded INTERRUPTED and its folder marked failed.
 */
public final class RunControl {
    private volatile String runId;
    private volatile Path staging;
    private volatile Path failedFolder;
    private volatile String stopReason;
    private volatile Deadline reading;
    private volatile boolean finished;

    /** Stops the run: the directory reading fails now, the next stage does not start. */
    public void stop(String reason) {
        stopReason = reason;
        Deadline d = reading;
        if (d != null) {
            d.abort(reason);
        }
    }

    public boolean stopped() {
        return stopReason != null;
    }

    public String stopReason() {
        return stopReason;
    }

    /** The run's id once it is recorded; null before. */
    public String runId() {
        return runId;
    }

    /** The folder the run writes into while unfinished; null before the reports start. */
    public Path staging() {
        return staging;
    }

    /** Where a failed run's outputs are kept ({@code .failed}, with FAILED.txt); null when it wrote none. */
    public Path failedFolder() {
        return failedFolder;
    }

    /** Whether the run has ended (stored, failed or interrupted). */
    public boolean finished() {
        return finished;
    }

    void begun(String id) {
        runId = id;
    }

    void writing(Path dir) {
        staging = dir;
    }

    void failed(Path dir) {
        failedFolder = dir;
    }

    void ended() {
        finished = true;
    }

    void reading(Deadline d) {
        reading = d;
        if (stopReason != null) {
            d.abort(stopReason);
        }
    }

    /** Between stages: a stopped run goes no further. */
    void check() {
        if (stopReason != null) {
            throw new RunInterruptedException(stopReason);
        }
    }
}
