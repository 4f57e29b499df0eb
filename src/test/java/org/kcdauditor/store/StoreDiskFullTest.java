package org.kcdauditor.store;

import org.h2.mvstore.MVStoreException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A store on a disk that fills up during a run (seen with a 200 KB tmpfs): H2 fails with "General error: ...
 * MVStoreException: Writing to sun.nio.ch.FileChannelImpl@169a8b7e failed; length 24576 at 163840 [2.3.232/2]", its
 * cause, "No space left on device", two levels down. The admin reads that cause and what to do, not H2's internals.
 */
class StoreDiskFullTest {
    private static SQLException h2WriteFailure(String ioMessage) {
        MVStoreException mv = new MVStoreException(2, "Writing to sun.nio.ch.FileChannelImpl@169a8b7e failed;"
                + " length 24576 at 163840 [2.3.232/2]");
        mv.initCause(new IOException(ioMessage));
        SQLException inner = new SQLException("General error: \"" + mv + "\" [50000-232]", "HY000", 50000, mv);
        return new SQLException("General error: \"General error: \"\"" + mv + "\"\" [50000-232]\" [50000-232]",
                "HY000", 50000, inner);
    }

    @Test
    void aFullDiskIsSaidInWordsWithWhatToDo() {
        String s = RunStore.firstLine(h2WriteFailure("No space left on device"));
        assertEquals("the store file could not be written (No space left on device): the disk is full — free space,"
                + " then retry (the runs stored before are kept)", s);
        assertFalse(s.contains("FileChannelImpl") || s.contains("50000"), s);
    }

    @Test
    void anotherWriteErrorNamesItsCauseWithoutH2sInternals() {
        String s = RunStore.firstLine(h2WriteFailure("Input/output error"));
        assertTrue(s.startsWith("the store file could not be written (Input/output error)"), s);
        assertFalse(s.contains("FileChannelImpl") || s.contains("50000"), s);
    }

    @Test
    void otherErrorsKeepTheirFirstLine() {
        assertEquals("Table \"X\" not found", RunStore.firstLine(new SQLException("Table \"X\" not found\nSQL: ...")));
    }

    /** A chain that comes back on itself (a → b → a, which initCause allows) is read once through, not for ever. */
    @Test
    void aCauseChainThatComesBackOnItselfIsReadOnce() {
        MVStoreException mv = new MVStoreException(2, "Writing to sun.nio.ch.FileChannelImpl@169a8b7e failed;"
                + " length 24576 at 163840 [2.3.232/2]");
        IOException full = new IOException("No space left on device");
        mv.initCause(full);
        full.initCause(mv);
        SQLException e = new SQLException("General error: \"" + mv + "\" [50000-232]", "HY000", 50000, mv);
        assertEquals("the store file could not be written (No space left on device): the disk is full — free space,"
                + " then retry (the runs stored before are kept)",
                assertTimeoutPreemptively(Duration.ofSeconds(5), () -> RunStore.firstLine(e)));
    }
}
