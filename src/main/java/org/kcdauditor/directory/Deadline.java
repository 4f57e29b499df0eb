package org.kcdauditor.directory;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.config.DirectoryConfig;
import org.kcdauditor.io.DeadlineTimer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Wall-clock bounds on reading the directory: each LDAP operation (connect, StartTLS, bind, each page of
 * the search, each ranged read) must complete within {@code directory.timeoutSeconds}, and the whole
 * collection within {@code directory.runTimeoutSeconds}. The SDK's response timeout alone is no bound:
 * it restarts with every packet, so a server that trickles a few bytes a second never trips it. Here a
 * timer closes the connection when the bound passes, whatever the server is sending, and the operation
 * fails with a message naming the setting. {@link #abort} closes it the same way for a run that is
 * being stopped.
 */
public final class Deadline {
    /** The timer that closes connections whose operation ran out of time (one daemon thread for the JVM). */
    private static final ScheduledThreadPoolExecutor TIMER = DeadlineTimer.named("kcd-ldap-deadline");

    /** One LDAP request, as the SDK runs it. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws LDAPException;
    }

    private final long operationNanos;
    private final long runEnd;
    private final int operationSeconds;
    private final int runSeconds;
    /** The connections an expired bound closes: the reading's, and a second one for pipelined reads. */
    private final List<LDAPConnection> connections = new CopyOnWriteArrayList<>();
    private volatile String tripped;
    /** Whether what tripped was the run's bound, not an operation's or an abort. */
    private volatile boolean runOut;

    private Deadline(int operationSeconds, int runSeconds) {
        this.operationSeconds = operationSeconds;
        this.runSeconds = runSeconds;
        this.operationNanos = operationSeconds <= 0 ? Long.MAX_VALUE : TimeUnit.SECONDS.toNanos(operationSeconds);
        this.runEnd = runSeconds <= 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(runSeconds);
    }

    /** The configured bounds, the run's starting now. */
    public static Deadline start(DirectoryConfig d) {
        return new Deadline(d.effectiveTimeoutSeconds(), d.effectiveRunTimeoutSeconds());
    }

    /** A connection an expired bound (or an abort) closes; the reading may have more than one. */
    public Deadline attach(LDAPConnection c) {
        connections.add(c);
        if (tripped != null) {
            c.closeWithoutUnbind();
        }
        return this;
    }

    /**
     * Runs one request within the operation bound and what is left of the run's. When a bound passes the
     * connection is closed, so the request fails at once; {@link #failure} then says which bound it was.
     */
    public <T> T call(Call<T> call) throws LDAPException {
        return call(call, operationNanos);
    }

    /**
     * Runs one request within what is left of the run's bound only: for a request with a tighter bound of its own that
     * must fail as itself, not trip the bound of every request (a connect to one of a name's addresses, whose timeout
     * moves on to the next).
     */
    <T> T callWithinRun(Call<T> call) throws LDAPException {
        return call(call, Long.MAX_VALUE);
    }

    private <T> T call(Call<T> call, long operationBound) throws LDAPException {
        // aborted before this request (a run stopped before it connected: the abort found no connection to close)
        refuseIfTripped();
        long now = System.nanoTime();
        long left = runEnd == Long.MAX_VALUE ? Long.MAX_VALUE : runEnd - now;
        if (tripped == null && left <= 0) {
            tripRun();
        }
        long bound = Math.min(operationBound, left);
        Runnable trip = bound == left ? this::tripRun : () -> trip(operationMessage(), false);
        ScheduledFuture<?> timer = bound == Long.MAX_VALUE ? null
                : TIMER.schedule(trip, Math.max(0, bound), TimeUnit.NANOSECONDS);
        T result;
        try {
            result = call.run();
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        // tripped while it ran, e.g. while connecting: the close came before the socket and left it open
        refuseIfTripped();
        return result;
    }

    private void refuseIfTripped() throws LDAPException {
        if (tripped != null) {
            for (LDAPConnection c : connections) {
                c.closeWithoutUnbind();
            }
            throw new LDAPException(com.unboundid.ldap.sdk.ResultCode.USER_CANCELED, tripped);
        }
    }

    /**
     * Closes the attached connections when the run's bound passes, for requests sent without {@link #call} (the
     * pipelined reads, each bounded by its response timeout only); the caller cancels it when they are done. Null when
     * the run has no bound.
     */
    ScheduledFuture<?> boundRun() {
        long left = Math.max(0, runEnd - System.nanoTime());
        return runEnd == Long.MAX_VALUE ? null : TIMER.schedule(this::tripRun, left, TimeUnit.NANOSECONDS);
    }

    /** Stops the reading now (the run is being stopped): the current request fails, with {@code reason}. */
    public void abort(String reason) {
        trip(reason, false);
    }

    /**
     * The error to report instead of {@code cause} when a bound passed (or the reading was aborted):
     * {@code where: <what happened>}, a {@link RunLimitException} when the run's bound passed; null when neither did,
     * so the cause stands.
     */
    public DirectoryException failure(String where, Exception cause) {
        String t = tripped;
        return t == null ? null : runOut ? new RunLimitException(where + ": " + t, cause)
                : new DirectoryException(where + ": " + t, cause);
    }

    /** Whether a bound passed or the reading was aborted. */
    public boolean tripped() {
        return tripped != null;
    }

    private void tripRun() {
        trip(runMessage(), true);
    }

    private synchronized void trip(String why, boolean run) {
        if (tripped != null) {
            return;
        }
        runOut = run;
        tripped = why;
        for (LDAPConnection c : connections) {
            c.closeWithoutUnbind();
        }
    }

    private String operationMessage() {
        return "no complete answer within directory.timeoutSeconds (" + operationSeconds + " s): the server answers"
                + " too slowly or stopped answering — check the domain controller's load and the network, or raise"
                + " directory.timeoutSeconds";
    }

    private String runMessage() {
        return "reading the directory took longer than directory.runTimeoutSeconds (" + runSeconds + " s): the"
                + " domain controller or the network is too slow for a directory this size — check them, or raise"
                + " directory.runTimeoutSeconds";
    }
}
