package org.kcdauditor.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** What stands behind an exception: its chain of causes, searched for one of a type, or read through once. */
public final class Causes {
    private Causes() {
    }

    /** The first of {@code e} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        return type.cast(first(e, type::isInstance));
    }

    /**
     * The first of {@code e} and its causes that {@code test} accepts, or null. A chain that comes back on itself
     * ({@link Throwable#initCause} refuses only the throwable it is called on, so {@code a → b → a} can be made; a
     * {@code getCause} may return its own throwable) is searched once through: a second walk at half the pace meets
     * this one only on such a loop, and only once every throwable on it has been tested. It allocates nothing, since an
     * {@link OutOfMemoryError} is one of the causes looked for.
     */
    public static Throwable first(Throwable e, java.util.function.Predicate<Throwable> test) {
        Throwable slow = e;
        int steps = 0;
        for (Throwable t = e; t != null; ) {
            if (test.test(t)) {
                return t;
            }
            t = t.getCause();
            if (++steps % 2 == 0) {
                slow = slow.getCause();
            }
            if (t == slow) {
                return null; // back at a throwable tested already
            }
        }
        return null;
    }

    /**
     * {@code e} and its causes in order, each once: a chain that comes back on itself (see {@link #first}) ends before
     * the first throwable met again (the same object, not an equal one). For readings of the whole chain (every
     * message, the last one); a search for one cause is {@link #first}, which allocates nothing.
     */
    public static List<Throwable> chain(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** Whether {@code e} or one of its causes is a {@code type}. */
    public static boolean has(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }
}
