package org.kcdauditor.io;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FuturesTest {
    @Test
    void waitsThroughAnInterruptAndSetsTheFlagAgain() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        CompletableFuture<String> work = new CompletableFuture<>();
        Thread main = Thread.currentThread();
        Thread other = new Thread(() -> {
            try {
                assertTrue(waiting.await(30, TimeUnit.SECONDS));
                main.interrupt(); // while the main thread waits
                Thread.sleep(100);
                work.complete("done");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        other.start();
        waiting.countDown();
        try {
            assertEquals("done", Futures.getUninterruptibly(work));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
            other.join();
        }
    }

    @Test
    void theWorksFailureIsThrownAsItsCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> Futures.getUninterruptibly(CompletableFuture.failedFuture(boom)));
        assertSame(boom, e.getCause());
    }
}
