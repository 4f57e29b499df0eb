package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A secret file (directory.passwordFile, its trustStorePasswordFile, mail.passwordFile: all read by {@link Secrets})
 * that is the wrong file: a multi-GB one was read whole into the heap, and a named pipe waited for a writer for ever.
 * Both are refused in one line naming the key and the file, never the content.
 */
class SecretFileLimitsTest {
    @TempDir
    Path dir;

    private static char[] read(Path file) {
        return new Secrets(Map.of()).resolve("directory.passwordEnv", null, file, "directory.passwordFile");
    }

    @Test
    void aFileOfSeveralGigabytesIsRefusedWithoutBeingRead() throws Exception {
        Path big = dir.resolve("backup.vhdx");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.write("S3cret-Pw".getBytes(StandardCharsets.UTF_8));
            f.setLength(3L << 30); // sparse: no disk used
        }
        ConfigException e = assertThrows(ConfigException.class, () -> read(big));
        assertEquals("directory.passwordFile: " + big + " holds more than 64 KiB, more than a password file does: name"
                + " the file that holds the password alone (content not shown)", e.getMessage());
        assertFalse(e.getMessage().contains("S3cret"));
    }

    @Test
    void sixtyFourKibibytesAreStillRead() throws Exception {
        Path f = Files.writeString(dir.resolve("pw.txt"), "S3cret-Pw" + " ".repeat((64 << 10) - 9));
        assertArrayEquals("S3cret-Pw".toCharArray(), read(f));
        Files.writeString(f, "S3cret-Pw" + " ".repeat((64 << 10) - 8));
        assertThrows(ConfigException.class, () -> read(f));
    }

    @Test
    void aNamedPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path pipe = dir.resolve("pw.fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        ConfigException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(ConfigException.class, () -> read(pipe)));
        assertEquals("directory.passwordFile: " + pipe + ": a named pipe or a device, not a file: name the file that"
                + " holds the password", e.getMessage());
    }
}
