package org.kcdauditor.run;

/**
 * The run was stopped before it finished (the daemon was told to stop and the run outlasted
 * {@code daemon.stopTimeoutSeconds}, or a command got SIGINT or SIGTERM): recorded INTERRUPTED, exit code 1 for a
 * command (130 or 143 after the signal, {@code cli.InterruptSignals}).
 */
public final class RunInterruptedException extends RuntimeException {
    public RunInterruptedException(String message) {
        super(message);
    }

    public RunInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
