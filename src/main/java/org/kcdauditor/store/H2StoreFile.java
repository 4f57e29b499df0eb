package org.kcdauditor.store;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * Checks an embedded H2 store file before H2 opens it. H2 2.3 has no setting that refuses a damaged file:
 * when the newest data of an {@code .mv.db} is missing (a file cut short by a full disk, a failed copy or
 * restore) it silently falls back to the newest complete older state — often an empty database — and then
 * rewrites the file, so the whole history is gone without a word. The file's header names its newest
 * chunk (H2 writes the header only after that chunk is on disk); if that chunk does not lie complete within
 * the file, the file is damaged and is refused, untouched.
 *
 * Then the file is opened read-only as H2 will open it: when H2 can read it only as a version older than the one
 * its header names (newer data overwritten in place: zeroed pages, a bad sector), it is refused too.
 *
 * <p>What this cannot see: data written after the header was last written and then lost (a crash loses
 * H2's most recent writes by design; H2 recovers those as it should), or damage to data H2 does not read on
 * opening (the rows of an older run, found only when they are read).
 */
final class H2StoreFile {
    private static final int BLOCK = 4096;

    private H2StoreFile() {
    }

    /** The {@code .mv.db} file of an H2 file URL, or null for other URLs (PostgreSQL, H2 in memory or over TCP). */
    static Path of(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:file:")) {
            return null;
        }
        String rest = jdbcUrl.substring("jdbc:h2:file:".length());
        int semi = rest.indexOf(';');
        String base = semi < 0 ? rest : rest.substring(0, semi);
        if (base.startsWith("~")) {
            base = System.getProperty("user.home") + base.substring(1);
        }
        return Path.of(base + ".mv.db");
    }

    /**
     * Whether the file is long enough to hold both copies of an H2 header: one shorter (or absent) may be a store
     * another process is creating at this instant, so it is judged only when that process is done with it.
     */
    static boolean settled(Path file) {
        try {
            return Files.isRegularFile(file) && Files.size(file) >= 2L * BLOCK;
        } catch (IOException e) {
            return true; // damage() says what is wrong
        }
    }

    /**
     * @return null when the file is absent, new, or whole as far as its header tells; else what is wrong
     */
    static String damage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        long size = Files.size(file);
        if (size == 0) {
            return "the file is empty (0 bytes)";
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Map<String, String> header = null;
            for (int copy = 0; copy < 2; copy++) {
                Map<String, String> h = header(read(ch, (long) copy * BLOCK, BLOCK));
                if (h != null && (header == null || version(h) > version(header))) {
                    header = h;
                }
            }
            if (header == null) {
                return size < 2L * BLOCK ? "the file is " + size + " bytes, too short to hold an H2 store"
                        : "neither copy of the file's header can be read: it is not an H2 store, or it was overwritten";
            }
            long block = DataUtils.readHexLong(header, "block", 0);
            long chunk = DataUtils.readHexLong(header, "chunk", -1);
            if (block <= 1 || chunk < 0) {
                return null; // a new store: no chunk written yet
            }
            long start = block * BLOCK;
            String wrong = null;
            if (start + BLOCK > size) {
                wrong = "the file ends at " + size + " bytes, but its newest data starts at byte " + start
                        + ": it was cut short";
            } else {
                Map<String, String> c = chunkHeader(read(ch, start, BLOCK));
                if (c == null || DataUtils.readHexLong(c, "chunk", -1) != chunk) {
                    wrong = "the newest data its header names (chunk " + chunk + " at byte " + start + ") is not"
                            + " there: the file was overwritten or cut short";
                } else {
                    long end = (block + DataUtils.readHexLong(c, "len", 0)) * BLOCK;
                    if (end > size) {
                        wrong = "the file ends at " + size + " bytes, but its newest data runs to byte " + end
                                + ": it was cut short";
                    }
                }
            }
            if (wrong != null) {
                // H2 does not rewrite the header on every write: closing a store compacts it, moving chunks to the
                // front of the file, and leaves the header naming a chunk that was moved. H2 then finds the newest
                // chunk by the footer of the file's last block; a whole file's footer names a chunk at least as new
                // as the header's, complete where it ends the file (a file cut short ends in no such footer, or in
                // an older chunk's).
                long byFooter = newestByFooter(ch, size);
                if (byFooter < version(header)) {
                    return wrong;
                }
            }
            return olderThanItsHeader(file, version(header));
        }
    }

    /**
     * Whether H2 reads the file only as an older state than its header's: it opens the newest version whose data it
     * can read, so a file whose newer data was overwritten (zeroed pages, a bad sector) opens as the state of some
     * earlier write, without a word. Opened read-only, so nothing is written; a file another process holds open (the
     * daemon) is left to that process, which opened it whole.
     *
     * @return null when H2 reads the version the header names, or a later one; else what is wrong
     */
    private static String olderThanItsHeader(Path file, long headerVersion) {
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        } catch (MVStoreException e) {
            if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                return null;
            }
            return "H2 cannot read it (" + e.getMessage().lines().findFirst().orElse("") + ")";
        }
        try {
            long opened = store.getCurrentVersion();
            return opened >= headerVersion ? null : "its header names version " + headerVersion + " of its data, but"
                    + " only version " + opened + " can be read: parts of the file were overwritten, and opening it"
                    + " would silently drop every later change";
        } finally {
            store.closeImmediately();
        }
    }

    private static byte[] read(FileChannel ch, long at, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, at + buf.position()) < 0) {
                break;
            }
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    /** The store header {@code H:2,block:…,chunk:…,…,fletcher:…} when its checksum is right, else null. */
    private static Map<String, String> header(byte[] bytes) {
        String text = line(bytes);
        int f = text.indexOf(",fletcher:");
        if (!text.startsWith("H:") || f < 0) {
            return null;
        }
        try {
            Map<String, String> map = DataUtils.parseMap(text);
            int expected = (int) DataUtils.parseHexLong(map.get("fletcher"));
            return DataUtils.getFletcher32(text.getBytes(StandardCharsets.ISO_8859_1), 0, f) == expected ? map : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A chunk header {@code chunk:…,len:…,…}, or null. */
    /** The footer H2 writes at the end of a chunk, as its 128 bytes end the file: checksummed, or null. */
    private static final int FOOTER = 128;

    /**
     * The version of the chunk whose footer ends the file, when that footer is whole (its checksum) and the chunk it
     * closes begins where its length says with that chunk's header; else -1.
     */
    private static long newestByFooter(FileChannel ch, long size) throws IOException {
        if (size < 3L * BLOCK || size % BLOCK != 0) {
            return -1;
        }
        String text = line(read(ch, size - FOOTER, FOOTER));
        int f = text.indexOf(",fletcher:");
        if (!text.startsWith("chunk:") || f < 0) {
            return -1;
        }
        try {
            Map<String, String> footer = DataUtils.parseMap(text);
            int expected = (int) DataUtils.parseHexLong(footer.get("fletcher"));
            if (DataUtils.getFletcher32(text.getBytes(StandardCharsets.ISO_8859_1), 0, f) != expected) {
                return -1;
            }
            long len = DataUtils.readHexLong(footer, "len", 0);
            long start = size - len * BLOCK;
            if (len <= 0 || start < 2L * BLOCK) {
                return -1;
            }
            Map<String, String> c = chunkHeader(read(ch, start, BLOCK));
            if (c == null || DataUtils.readHexLong(c, "chunk", -1) != DataUtils.readHexLong(footer, "chunk", -2)) {
                return -1;
            }
            return version(footer);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static Map<String, String> chunkHeader(byte[] bytes) {
        String text = line(bytes);
        if (!text.startsWith("chunk:")) {
            return null;
        }
        try {
            return DataUtils.parseMap(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String line(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] > ' ' && bytes[end] < 127) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static long version(Map<String, String> h) {
        return DataUtils.readHexLong(h, "version", 0);
    }
}
