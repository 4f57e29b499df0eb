package org.kcdauditor.audit;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall time per stage of a run (collect, previous, import, evaluate, store, each writer), printed by {@code --timings}.
 * Thread-safe: the report writers run side by side.
 */
public final class Timings {
    @FunctionalInterface
    public interface Stage<E extends Exception> {
        void run() throws E;
    }

    private final Map<String, Long> nanos = new LinkedHashMap<>();

    public <E extends Exception> void time(String stage, Stage<E> body) throws E {
        long start = System.nanoTime();
        try {
            body.run();
        } finally {
            long took = System.nanoTime() - start;
            synchronized (nanos) {
                nanos.merge(stage, took, Long::sum);
            }
        }
    }

    public Map<String, Long> millis() {
        Map<String, Long> out = new LinkedHashMap<>();
        synchronized (nanos) {
            nanos.forEach((k, v) -> out.put(k, v / 1_000_000));
        }
        return out;
    }

    /** One line per stage, {@code timing <stage> <ms> ms}, easy to grep from a benchmark script. */
    public void print(PrintStream err) {
        millis().forEach((k, v) -> err.println("timing " + k + " " + v + " ms"));
    }
}
