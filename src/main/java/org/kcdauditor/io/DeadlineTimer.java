package org.kcdauditor.io;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The timer of a bound on network I/O that the library doing it does not enforce (the LDAP SDK's reads, Jakarta
 * Mail's dialogue): one daemon thread named {@code name}, which never keeps the JVM alive, and whose cancelled tasks
 * (a bound that did not pass, the usual case) are removed at once instead of waiting out their delay.
 */
public final class DeadlineTimer {
    private DeadlineTimer() {
    }

    public static ScheduledThreadPoolExecutor named(String name) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
