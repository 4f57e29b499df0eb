package org.kcdauditor.inventory;

import org.kcdauditor.io.ByteOrderMark;
import org.kcdauditor.io.SpecialFiles;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens an export as text, streaming: the byte order mark decides the encoding (UTF-32 LE, UTF-16 LE/BE, UTF-8);
 * without one, UTF-16 LE is recognised by its zero bytes, a start that is not valid UTF-8 as the ANSI code page
 * windows-1252 (Windows PowerShell 5.1's {@code -Encoding Default}), anything else is read as UTF-8, where a byte that
 * is not UTF-8 further on is windows-1252's character.
 */
public final class TextFiles {
    /** An open export and the encoding it was read with. */
    public record Opened(BufferedReader reader, Charset charset, boolean bom) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    private TextFiles() {
    }

    /** Opens {@code file}; a named pipe or a device is refused before it is opened, as a wildcard passes it over. */
    public static Opened open(Path file) throws IOException {
        SpecialFiles.refuse(file, "export into a file and name that file");
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            ByteOrderMark mark = ByteOrderMark.of(head);
            Charset cs = mark == null ? StandardCharsets.UTF_8 : mark.charset();
            int skip = mark == null ? 0 : mark.length();
            if (mark == null && head.length >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0) {
                cs = StandardCharsets.UTF_16LE;
            } else if (mark == null && ANSI != null && !utf8(in)) {
                cs = ANSI;
            }
            in.skipNBytes(skip);
            // UTF-8 without a mark may still be the ANSI code page further on (an umlaut after the first 64 KB)
            InputStreamReader text = mark == null && cs == StandardCharsets.UTF_8 && ANSI != null
                    ? new InputStreamReader(in, new Utf8ElseAnsi()) : new InputStreamReader(in, cs);
            return new Opened(new BufferedReader(text, 1 << 16), cs, skip > 0);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * The ANSI code page of Western European Windows, which Windows PowerShell 5.1 writes with
     * {@code Export-Csv -Encoding Default} (no BOM); null where the runtime lacks it.
     */
    private static final Charset ANSI = Charset.isSupported("windows-1252") ? Charset.forName("windows-1252") : null;
    /** How much of a file without a BOM is looked at to tell UTF-8 from the ANSI code page. */
    private static final int SNIFF = 1 << 16;

    /**
     * UTF-8, where each byte that is no part of a UTF-8 character is the ANSI code page's: a file without a BOM whose
     * first {@value #SNIFF} bytes are UTF-8 (or plain ASCII) and that turns out to be {@code -Encoding Default} later on.
     * UTF-8 text reads as UTF-8; a windows-1252 byte read as UTF-8 would have been U+FFFD.
     */
    private static final class Utf8ElseAnsi extends CharsetDecoder {
        private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

        Utf8ElseAnsi() {
            super(StandardCharsets.UTF_8, 1f, 1f);
            // a character cut off by the end of the file, the one case decodeLoop cannot tell: U+FFFD, as for UTF-8
            onMalformedInput(CodingErrorAction.REPLACE);
            onUnmappableCharacter(CodingErrorAction.REPLACE);
        }

        @Override
        protected CoderResult decodeLoop(ByteBuffer in, CharBuffer out) {
            while (true) {
                CoderResult r = utf8.decode(in, out, false);
                if (!r.isError()) {
                    return r; // underflow: more input needed (or a character cut at the buffer's end); overflow
                }
                for (int i = 0; i < r.length(); i++) {
                    if (!out.hasRemaining()) {
                        return CoderResult.OVERFLOW;
                    }
                    out.put(ANSI_CHARS.charAt(in.get() & 0xff));
                }
            }
        }

        @Override
        protected void implReset() {
            utf8.reset();
        }
    }

    /** The ANSI code page's character for each byte (U+FFFD for the five it leaves undefined). */
    private static final String ANSI_CHARS = ANSI == null ? null : ansiChars();

    private static String ansiChars() {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        return new String(all, ANSI);
    }

    /**
     * Whether the first {@value #SNIFF} bytes of {@code in} are valid UTF-8 (a sequence cut off at the end of them
     * counts as valid, unless they are the whole file); {@code in} is reset to where it was.
     */
    private static boolean utf8(InputStream in) throws IOException {
        in.mark(SNIFF);
        byte[] sample = in.readNBytes(SNIFF);
        in.reset();
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        // the whole file (shorter than the sample): a character cut off by its end is no UTF-8 (Excel's ANSI "Menä")
        CoderResult r = d.decode(ByteBuffer.wrap(sample), CharBuffer.allocate(sample.length), sample.length < SNIFF);
        return !r.isError();
    }

    /** "UTF-16LE with BOM" etc., for the import report. */
    public static String describe(Opened o) {
        return o.charset().name() + (o.bom() ? " with BOM" : "");
    }
}
