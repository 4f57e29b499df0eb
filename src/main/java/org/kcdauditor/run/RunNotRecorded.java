package org.kcdauditor.run;

import org.kcdauditor.io.Causes;

/**
 * Attached (suppressed) to a run's failure when the history store could not record the run as failed either, not
 * even on a fresh connection (a full disk, a store that closed itself): the console must not claim it was, and says
 * what the next run will do instead.
 */
public final class RunNotRecorded extends Exception {
    public RunNotRecorded(String why, Throwable cause) {
        super(why, cause);
    }

    /** The marker among {@code failure}'s suppressed exceptions, or null when the run was recorded. */
    public static RunNotRecorded in(Throwable failure) {
        Throwable t = Causes.first(failure, x -> marker(x) != null);
        return t == null ? null : marker(t);
    }

    /** The marker among {@code t}'s own suppressed exceptions, or null. */
    private static RunNotRecorded marker(Throwable t) {
        for (Throwable s : t.getSuppressed()) {
            if (s instanceof RunNotRecorded n) {
                return n;
            }
        }
        return null;
    }

    /** What the console adds to the failure's line. */
    public String sentence() {
        return "the run could not be recorded as failed either (" + getMessage() + "): the next run records it as"
                + " interrupted";
    }
}
