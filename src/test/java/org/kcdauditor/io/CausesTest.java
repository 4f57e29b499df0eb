package org.kcdauditor.io;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The search through an exception's causes that every cause-chain search rests on: the first match in order, and an
 * end even where the chain comes back on itself ({@link Throwable#initCause} refuses only the throwable it is called
 * on, so {@code a → b → a} can be made; a {@code getCause} may return its own throwable).
 */
class CausesTest {
    private static final Duration AT_ONCE = Duration.ofSeconds(5);

    @Test
    void theFirstMatchInTheChainIsFoundInOrder() {
        IOException io = new IOException("disk full");
        UncheckedIOException unchecked = new UncheckedIOException(io);
        IllegalStateException outer = new IllegalStateException("writing", unchecked);
        assertSame(unchecked, Causes.find(outer, UncheckedIOException.class));
        assertSame(outer, Causes.find(outer, RuntimeException.class));
        assertSame(io, Causes.find(outer, IOException.class));
        assertSame(io, Causes.first(outer, t -> "disk full".equals(t.getMessage())));
        assertNull(Causes.find(outer, InterruptedException.class));
        assertNull(Causes.find(null, IOException.class));
    }

    @Test
    void aChainThatComesBackOnItselfIsSearchedOnceThrough() {
        IllegalStateException a = new IllegalStateException("a");
        IOException c = new IOException("c");
        RuntimeException b = new RuntimeException("b", c);
        c.initCause(a); // a → b → c → a
        a.initCause(b);
        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertNull(Causes.find(a, InterruptedException.class), "no such cause: the search ends");
            assertSame(c, Causes.find(a, IOException.class));
            assertSame(c, Causes.find(b, IOException.class));
            assertSame(b, Causes.first(c, t -> t == b));
            assertNull(Causes.first(a, t -> false));
        });
    }

    @Test
    void aThrowableThatIsItsOwnCauseEndsTheSearch() {
        Exception self = itsOwnCause("self");
        IllegalStateException outer = new IllegalStateException("outer", self);
        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertNull(Causes.find(outer, IOException.class));
            assertSame(self, Causes.first(outer, t -> t.getMessage().equals("self")));
        });
    }

    @Test
    void theChainHoldsEachThrowableOnceInOrder() {
        IllegalStateException a = new IllegalStateException("a");
        IOException c = new IOException("c");
        RuntimeException b = new RuntimeException("b", c);
        assertEquals(List.of(b, c), Causes.chain(b));
        c.initCause(a); // a → b → c → a
        a.initCause(b);
        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertEquals(List.of(a, b, c), Causes.chain(a));
            assertEquals(List.of(c, a, b), Causes.chain(c));
        });
        Exception self = itsOwnCause("self");
        RuntimeException outer = new RuntimeException("outer", self);
        assertTimeoutPreemptively(AT_ONCE, () -> assertEquals(List.of(outer, self), Causes.chain(outer)));
        assertEquals(List.of(), Causes.chain(null));
    }

    /** A throwable whose getCause returns itself, as a subclass may. */
    private static Exception itsOwnCause(String message) {
        return new Exception(message) {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };
    }
}
