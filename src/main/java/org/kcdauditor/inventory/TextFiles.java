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
 * windows-1252 (Windows PowerShell 5.1's {@code -Encoding Default}), anything else is read as UTF-8.
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
            return new Opened(new BufferedReader(new InputStreamReader(in, cs), 1 << 16), cs, skip > 0);
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
     * Whether the first {@value #SNIFF} bytes of {@code in} are valid UTF-8 (a sequence cut off at the end of them
     * counts as valid); {@code in} is reset to where it was.
     */
    private static boolean utf8(InputStream in) throws IOException {
        in.mark(SNIFF);
        byte[] sample = in.readNBytes(SNIFF);
        in.reset();
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult r = d.decode(ByteBuffer.wrap(sample), CharBuffer.allocate(sample.length), false);
        return !r.isError();
    }

    /** "UTF-16LE with BOM" etc., for the import report. */
    public static String describe(Opened o) {
        return o.charset().name() + (o.bom() ? " with BOM" : "");
    }
}
