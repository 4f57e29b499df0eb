package org.kcdauditor.io;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Waiting for work on another thread that must finish whatever happens to this one: a report writer or the
 * store's hosts hold a file or a database connection that has to be free before the run records its end, and H2
 * closes its file when a thread inside it is interrupted, so such work is never interrupted, only awaited.
 */
public final class Futures {
    private Futures() {
    }

    /**
     * {@code future.get()}, waiting on through interrupts; the interrupt flag is set again afterwards (check it with
     * {@link Thread#isInterrupted}).
     */
    public static <T> T getUninterruptibly(Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
