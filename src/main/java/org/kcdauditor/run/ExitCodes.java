package org.kcdauditor.run;

/** Process exit codes: part of the contract pipelines read. */
public final class ExitCodes {
    /** The run completed and no finding reaches --fail-on. */
    public static final int OK = 0;
    /** The run could not complete: directory unreachable, TLS failure, bind refused, cannot write. */
    public static final int RUN_FAILED = 1;
    /** Usage or configuration error. */
    public static final int USAGE = 2;
    /** The run completed and at least one finding reaches --fail-on. */
    public static final int FINDINGS = 3;

    private ExitCodes() {
    }
}
