package org.kcdauditor.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes a file by writing a temporary file beside it and moving it into place, so a crash or an
 * error never leaves half a file where a good one stood.
 */
public final class AtomicFiles {
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, false);
    }

    /**
     * Writes {@code text} in UTF-8, on the disk before the move and the move on the disk after it: for a small file
     * that replaces one that must survive a power cut (the baseline), not only a crash of this process.
     */
    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), true);
    }

    private static void write(Path target, Writer writer, boolean durable) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // createFile (not createTempFile, which forces 0600) so the result gets the umask's permissions
        // like any other file the user writes.
        Path tmp = Files.createFile(dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        try {
            if (durable) {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    writer.write(Channels.newOutputStream(ch));
                    ch.force(true);
                }
            } else {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.write(out);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (durable) {
                syncFolder(dir);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The folder's entries (the rename) on the disk, where the system lets a folder be opened (not Windows). */
    private static void syncFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Windows opens no folder as a file; NTFS journals the rename itself
        }
    }
}
