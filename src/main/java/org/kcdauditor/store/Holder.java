package org.kcdauditor.store;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The process that holds a run lock or runs an audit, as the store records it: host name, process id
 * and the process's start time (so a recycled pid is not mistaken for the holder). A holder on this
 * host whose process is gone is known to be dead at once; on another host only the lock's expiry tells.
 *
 * @param started the process's start, or null when the platform does not tell
 */
public record Holder(String host, long pid, Instant started) {
    /** How far two readings of one process's start time may differ (the OS reports it in clock ticks). */
    private static final Duration START_TOLERANCE = Duration.ofSeconds(2);
    private static final Holder CURRENT = new Holder(localHost(), ProcessHandle.current().pid(),
            ProcessHandle.current().info().startInstant().orElse(null));

    /** This process. */
    public static Holder current() {
        return CURRENT;
    }

    /** Whether this holder is a process on this host (by host name). */
    public boolean onThisHost() {
        return host != null && host.equalsIgnoreCase(CURRENT.host);
    }

    /**
     * True only when the holder is on this host and its process is verifiably gone: no process with that
     * pid, or one that started at another time (the pid was reused).
     */
    public boolean goneFromThisHost() {
        if (!onThisHost()) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (p.isEmpty()) {
            return true;
        }
        Optional<Instant> start = p.get().info().startInstant();
        return started != null && start.isPresent()
                && Duration.between(started, start.get()).abs().compareTo(START_TOLERANCE) > 0;
    }

    @Override
    public String toString() {
        return "pid " + pid + " on " + host;
    }

    private static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
