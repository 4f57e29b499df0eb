package org.kcdauditor.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A store whose file system is mounted read-only (Linux remounts ext4 so after a disk error, errors=remount-ro; a
 * backup volume mounted ro) was refused as "permission denied", with advice to fix the folder's permissions, which is
 * not what stops it. Needs root to mount a tmpfs and remount it read-only; skipped with the reason elsewhere.
 */
@Tag("process")
class StoreReadOnlyTest {
    @TempDir
    Path dir;
    Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            exec(List.of("umount", mounted.toString()));
        }
    }

    @Test
    void aStoreOnAReadOnlyFileSystemIsRefusedAsSuchAndLeftAsItWas() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a file system");
        Path folder = Files.createDirectory(dir.resolve("data"));
        assumeTrue(exec(List.of("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", folder.toString())) == 0,
                "mount -t tmpfs failed");
        mounted = folder;
        String url = "jdbc:h2:file:" + folder.resolve("kcd");
        RunStore.open(url, null, null).close();
        Path file = folder.resolve("kcd.mv.db");
        byte[] before = Files.readAllBytes(file);
        assertEquals(0, exec(List.of("mount", "-o", "remount,ro", folder.toString())), "remount ro");

        StoreException e = assertThrows(StoreException.class, () -> RunStore.open(url, null, null).close());
        assertEquals("history store " + file + ": cannot write in its folder " + folder + ": its file system is"
                + " mounted read-only (Linux remounts a file system so after a disk error: see dmesg) — remount it"
                + " read-write, or set store.url to a folder on another one; nothing was changed", e.getMessage());
        assertFalse(e.getMessage().contains("permission"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    private static int exec(List<String> command) throws IOException, InterruptedException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
