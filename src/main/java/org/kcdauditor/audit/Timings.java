package org.kcdauditor.audit;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time per stage of a run (collect, previous, import, evaluate, store-hosts, store, each writer), printed by
 * {@code --timings}.
 * Thread-safe: the report writers run side by side. The total is the wall time from this object's creation
 * (the start of the command's work) to the print.
 */
public final class Timings {
    @FunctionalInterface
    public interface Stage<E extends Exception> {
        void run() throws E;
    }

    /** The pipeline's stages in print order; any other stage (a writer) between these and store-hosts, by name. */
    private static final List<String> FIRST = List.of("collect", "previous", "import", "evaluate", "store");
    private static final String LAST = "store-hosts";

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final long started = System.nanoTime();
    private volatile java.util.function.Consumer<String> starting = stage -> { };

    /** Told the name of each stage {@link #time} begins (from the thread running it): a console's progress line. */
    public Timings onStage(java.util.function.Consumer<String> listener) {
        starting = listener;
        return this;
    }

    public <E extends Exception> void time(String stage, Stage<E> body) throws E {
        starting.accept(stage);
        long start = System.nanoTime();
        try {
            body.run();
        } finally {
            add(stage, System.nanoTime() - start);
        }
    }

    /** Adds time measured elsewhere (another thread's work) to a stage. */
    public void add(String stage, long took) {
        synchronized (nanos) {
            nanos.merge(stage, took, Long::sum);
        }
    }

    public Map<String, Long> millis() {
        Map<String, Long> out = new LinkedHashMap<>();
        synchronized (nanos) {
            nanos.forEach((k, v) -> out.put(k, v / 1_000_000));
        }
        return out;
    }

    /**
     * One line per stage, {@code timing <stage> <ms> ms <share>%}, then {@code timing total <ms> ms 100.0%}; easy to
     * grep from a benchmark script. The order is the same in every run, whichever writer finished first: collect,
     * previous, import, evaluate, store, the writers by name, store-hosts. The share is of the total wall time;
     * stages that run side by side (the writers) overlap, so shares can add up to more than 100 %.
     */
    public void print(PrintStream err) {
        long total = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        Map<String, Long> ms = millis();
        List<String> order = new ArrayList<>(ms.keySet());
        order.sort(Comparator.comparingInt(Timings::rank).thenComparing(Comparator.naturalOrder()));
        for (String stage : order) {
            line(err, stage, ms.get(stage), total);
        }
        line(err, "total", total, total);
    }

    private static int rank(String stage) {
        int i = FIRST.indexOf(stage);
        return i >= 0 ? i : stage.equals(LAST) ? FIRST.size() + 1 : FIRST.size();
    }

    private static void line(PrintStream err, String stage, long ms, long total) {
        err.println("timing " + stage + " " + ms + " ms " + String.format(Locale.ROOT, "%.1f%%", 100.0 * ms / total));
    }
}
