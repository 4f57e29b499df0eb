package org.kcdauditor.cli;

import org.kcdauditor.directory.DirectoryException;
import org.kcdauditor.run.RunControl;
import org.kcdauditor.run.RunInterruptedException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM during an audit of {@code run}, {@code demo}, {@code preflight} or {@code baseline
 * capture}: the audit is stopped
 * as the daemon stops one ({@link RunControl#stop}: the directory reading ends at once, other stages when they
 * finish), recorded INTERRUPTED with its unfinished files in a {@code .failed} folder, and the command ends with one
 * line and exit 130 (SIGINT) or 143 (SIGTERM), the codes a shell gives a process ended by them. Without this the
 * JVM ended at once, silently: the run stayed RUNNING, its {@code .partial} folder lay about, and the next command
 * warned of a process that was "killed, crashed or shut down". A second signal ends the process at once (the next
 * command then records the run as interrupted, as after a kill), unless it is the same signal within
 * {@link #SAME_SIGNAL_NANOS} of the first: GNU {@code timeout} signals the child and then its process group, so one
 * stop arrives twice within milliseconds, which is no admin's second Ctrl-C.
 */
final class InterruptSignals implements AutoCloseable {
    private final RunControl control;
    private final List<Map.Entry<Signal, SignalHandler>> previous = new ArrayList<>();
    /** A second signal of the same kind this soon after the first is the same one delivered twice: one second. */
    static final long SAME_SIGNAL_NANOS = 1_000_000_000L;

    private volatile String signal;
    private volatile int code;
    /** {@link System#nanoTime} when the first signal arrived. */
    private volatile long firstAt;

    private InterruptSignals(RunControl control) {
        this.control = control;
        for (String name : new String[]{"INT", "TERM"}) {
            try {
                Signal s = new Signal(name);
                previous.add(Map.entry(s, Signal.handle(s, this::received)));
            } catch (IllegalArgumentException unsupported) {
                // not deliverable here (-Xrs, or TERM on Windows): the JVM's own handling stays
            }
        }
    }

    /** What runs under the handlers: an audit given the control to stop it through. */
    @FunctionalInterface
    interface Audit<T> {
        T run(RunControl control) throws DirectoryException, IOException;
    }

    /** Runs {@code audit} with SIGINT and SIGTERM stopping it; the JVM's handlers are back afterwards. */
    static <T> T during(Audit<T> audit) throws DirectoryException, IOException {
        RunControl control = new RunControl();
        InterruptSignals signals = new InterruptSignals(control);
        try {
            return audit.run(control);
        } catch (RunInterruptedException e) {
            throw signals.code == 0 ? e : signals.stopped(e);
        } finally {
            signals.close();
        }
    }

    private synchronized void received(Signal s) {
        long now = System.nanoTime();
        if (code != 0) {
            if (s.getName().equals(signal) && now - firstAt < SAME_SIGNAL_NANOS) {
                return; // the same signal delivered twice (to the process, then to its group): already stopping
            }
            int again = code;
            new Thread(() -> System.exit(again), "kcd-audit-exit").start();
            return;
        }
        firstAt = now;
        signal = s.getName();
        code = 128 + s.getNumber();
        control.stop("INT".equals(signal) ? "interrupted by Ctrl-C (SIGINT)" : "stopped by SIGTERM");
    }


    private Stopped stopped(RunInterruptedException e) {
        String id = control.runId();
        Path failed = control.failedFolder();
        String message = control.stopReason() + ": " + (id == null ? "the audit had not begun"
                : "run " + id.substring(0, Math.min(8, id.length())) + " is recorded INTERRUPTED, no report was"
                + " published" + (failed == null ? "" : " (what it had written: " + failed + ")"))
                + "; earlier runs, the baseline and earlier reports are as they were";
        return new Stopped(message, code, e);
    }

    @Override
    public void close() {
        for (Map.Entry<Signal, SignalHandler> p : previous) {
            try {
                Signal.handle(p.getKey(), p.getValue());
            } catch (IllegalArgumentException ignored) {
                // as it was
            }
        }
    }

    /** An audit stopped by a signal: one line, and the exit code a shell gives for that signal. */
    static final class Stopped extends RuntimeException {
        private final int exitCode;

        Stopped(String message, int exitCode, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
