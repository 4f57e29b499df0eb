package org.kcdauditor.io;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The byte order mark a text file starts with, as Windows writes them: UTF-32 LE (Windows PowerShell 5.1's
 * {@code -Encoding UTF32}), UTF-16 LE (Out-File, {@code >}, Notepad's "Unicode"), UTF-16 BE, UTF-8 (Set-Content
 * {@code -Encoding UTF8}). The mark decides the encoding and is not part of the text. The imports and the YAML files
 * read it alike.
 *
 * @param length the mark's bytes, to skip
 */
public record ByteOrderMark(Charset charset, int length) {
    /** The mark {@code head} (at least its first 4 bytes, where the file has them) starts with, or null. */
    public static ByteOrderMark of(byte[] head) {
        int n = head.length;
        if (n >= 4 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe && head[2] == 0 && head[3] == 0) {
            return new ByteOrderMark(Charset.forName("UTF-32LE"), 4);
        }
        if (n >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
            return new ByteOrderMark(StandardCharsets.UTF_16LE, 2);
        }
        if (n >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
            return new ByteOrderMark(StandardCharsets.UTF_16BE, 2);
        }
        if (n >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf) {
            return new ByteOrderMark(StandardCharsets.UTF_8, 3);
        }
        return null;
    }
}
