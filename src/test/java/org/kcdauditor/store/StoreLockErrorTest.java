package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * H2's lock-file errors (code 8000) are told apart: a lock another process holds or just wrote is "in use,
 * retry"; a lock file that cannot be written is the disk or the folder; neither is called damaged.
 */
class StoreLockErrorTest {
    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("kcd") + ";FILE_LOCK=FILE";
    }

    @Test
    void aLockFileAnotherProcessKeepsWritingIsInUseNotDamaged() throws Exception {
        // what a second process opening the same store does to the lock file: H2 then answers
        // "Lock file recently modified" [8000], which used to say "a damaged H2 file ... move it aside"
        Path lock = dir.resolve("kcd.lock.db");
        Files.writeString(lock, "method=FILE\nid=other-process\n");
        AtomicBoolean stop = new AtomicBoolean();
        Thread other = new Thread(() -> {
            while (!stop.get()) {
                try {
                    Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis()));
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });
        other.start();
        StoreException e;
        try {
            e = assertThrows(StoreException.class, () -> RunStore.open(url(), null, null));
        } finally {
            stop.set(true);
            other.join();
        }
        assertTrue(e.getMessage().contains("Lock file recently modified"), e.getMessage());
        assertTrue(e.getMessage().contains("another process has it open: retry"), e.getMessage());
        assertFalse(e.getMessage().contains("damaged H2") || e.getMessage().contains("move it aside"), e.getMessage());
    }

    @Test
    void aLockFileThatCannotBeWrittenIsTheDiskOrThePermissionsNotAnotherProcess() throws Exception {
        // a lock file H2 reads but cannot write, as on a full disk: H2 answers "Could not save properties"
        Path readOnly = Path.of("/proc/version");
        assumeTrue(Files.isReadable(readOnly), "needs /proc/version (Linux) as a file no one may write");
        Files.createSymbolicLink(dir.resolve("kcd.lock.db"), readOnly);
        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url(), null, null));
        assertTrue(e.getMessage().contains("Could not save properties"), e.getMessage());
        assertTrue(e.getMessage().contains("cannot write the lock file " + dir.resolve("kcd.lock.db"))
                && e.getMessage().contains("the disk is full, or the account running kcd-audit may not write in "
                + dir), e.getMessage());
        assertFalse(e.getMessage().contains("another process"), e.getMessage());
        assertFalse(e.getMessage().contains("damaged H2") || e.getMessage().contains("move it aside"), e.getMessage());
    }

    /**
     * The store's folder cannot be made (the default data/ under a working directory the account may not write, such
     * as C:\\Windows\\System32 of a scheduled task or the installation folder; here a file in the way): one line naming
     * the folder and store.url, and H2's own stack trace (it cannot write its trace file there) is not printed.
     */
    @Test
    void aStoreFolderThatCannotBeCreatedNamesItAndStoreUrlNotDamage() throws Exception {
        Path file = Files.writeString(dir.resolve("blocked"), "a file where the store's folder should be");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        StoreException e;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            e = assertThrows(StoreException.class,
                    () -> RunStore.open("jdbc:h2:file:" + file.resolve("data").resolve("kcd-audit"), null, null));
        } finally {
            System.setErr(saved);
        }
        assertTrue(e.getMessage().startsWith("history store " + file.resolve("data").resolve("kcd-audit.mv.db")
                + ": cannot create its folder " + file.resolve("data") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("set store.url to a folder this account may write"), e.getMessage());
        // said of a store.url given as of the default one: nothing that only holds without store.url
        assertTrue(e.getMessage().contains("(if store.url is not set, the store is data/kcd-audit under the current"
                + " directory)"), e.getMessage());
        assertFalse(e.getMessage().contains("damaged") || e.getMessage().contains("move it aside"), e.getMessage());
        assertFalse(err.toString().contains("\tat "), "no stack trace on stderr: " + err);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            8000  | Error opening database: "Lock file recently modified" [8000-232]               | another process has it open: retry
            8000  | Error opening database: "Another process was faster" [8000-232]               | another process has it open: retry
            8000  | Error opening database: "Concurrent update" [8000-232]                         | another process has it open: retry
            90020 | Database may be already in use: "Locked by another process: /d/kcd.lock.db"   | another process has it open: retry
            8000  | Error opening database: "Could not save properties /d/kcd.lock.db" [8000-232] | cannot write the lock file
            8000  | Error opening database: "Could not load properties /d/kcd.lock.db" [8000-232] | cannot read the lock file
            8000  | Error opening database: "Unsupported lock method SOCKET" [8000-232]             | the lock file
            90028 | IO Exception: "java.io.IOException: No space left on device" [90028-232]       | is full: free space
            """)
    void noLockErrorIsCalledDamage(int code, String why, String expected) {
        String hint = RunStore.h2Hint(dir.resolve("kcd.mv.db"), code, why);
        assertTrue(hint.contains(expected), hint);
        assertFalse(hint.contains("damaged H2") || hint.contains("move it aside"), hint);
    }

    /**
     * The store is opened with H2's AUTO_SERVER: while one process (the daemon) has it open, others reach it through a
     * port on the loopback interface. Where that port cannot be opened (no usable loopback) or reached (the holder in
     * another network namespace or behind a loopback filter), H2 says so with 90061 or 90067, and the hint told the
     * admin to move a healthy store aside as damaged.
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            90061 | Exception opening port "H2 TCP Server (tcp://localhost:34383)" (port may be in use), cause: "timeout; please check your network configuration, specially the file /etc/hosts" [90061-232] | could not open a port on the loopback interface
            90067 | Connection is broken: "java.net.ConnectException: Connection refused: localhost:32953" [90067-232] | another process has it open and serves it on the loopback interface
            """)
    void aLoopbackFailureOfTheAutomaticServerIsNotCalledDamage(int code, String why, String expected) {
        String hint = RunStore.h2Hint(dir.resolve("kcd.mv.db"), code, why);
        assertTrue(hint.contains(expected), hint);
        assertTrue(hint.contains("the store is not damaged"), hint);
        assertFalse(hint.contains("damaged H2") || hint.contains("move it aside"), hint);
    }

    @Test
    void otherFailuresStillLeaveTheFileUntouchedAndSaySo() {
        String hint = RunStore.h2Hint(dir.resolve("kcd.mv.db"), 90030, "File corrupted while reading record");
        assertTrue(hint.contains("move it aside"), hint);
    }
}
