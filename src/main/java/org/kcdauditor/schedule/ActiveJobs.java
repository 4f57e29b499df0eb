package org.kcdauditor.schedule;

import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.run.RunControl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The scheduled audits this daemon is running now, so that stopping the daemon can wait for, or stop, them. */
final class ActiveJobs {
    /** One fire in progress: its job, its scheduled time, its fire-log row and its run's handle. */
    record Job(ScheduleConfig job, Instant fireTime, String fireId, RunControl control) {
    }

    private final Set<Job> jobs = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    /** The daemon is stopping: a fire still waiting for the run lock does not start its run. */
    void stopping() {
        stopping = true;
    }

    boolean isStopping() {
        return stopping;
    }

    /** Whether a fire that has not started its run yet should give up. */
    boolean giveUp(Job j) {
        return stopping || j.control().stopped();
    }

    Job start(ScheduleConfig job, Instant fireTime, String fireId) {
        Job j = new Job(job, fireTime, fireId, new RunControl());
        jobs.add(j);
        return j;
    }

    void end(Job j) {
        jobs.remove(j);
    }

    List<Job> now() {
        return List.copyOf(jobs);
    }

    /** Waits until no audit is running, at most {@code max}; true when none is. */
    boolean awaitNone(Duration max) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!jobs.isEmpty()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
