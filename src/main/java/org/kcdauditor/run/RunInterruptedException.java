package org.kcdauditor.run;

/**
 * The run was stopped before it finished (the daemon was told to stop and the run outlasted
 * {@code daemon.stopTimeoutSeconds}): recorded INTERRUPTED, exit code 1 for a command.
 */
public final class RunInterruptedException extends RuntimeException {
    public RunInterruptedException(String message) {
        super(message);
    }

    public RunInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
