package org.kcdauditor.io;

/** What stands behind an exception: its chain of causes, searched for one of a type. */
public final class Causes {
    private Causes() {
    }

    /** The first of {@code e} and its causes that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable e, Class<T> type) {
        return type.cast(first(e, type::isInstance));
    }

    /** The first of {@code e} and its causes that {@code test} accepts, or null. */
    public static Throwable first(Throwable e, java.util.function.Predicate<Throwable> test) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (test.test(t)) {
                return t;
            }
        }
        return null;
    }

    /** Whether {@code e} or one of its causes is a {@code type}. */
    public static boolean has(Throwable e, Class<? extends Throwable> type) {
        return find(e, type) != null;
    }
}
