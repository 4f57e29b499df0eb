package org.kcdauditor.inventory;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens an export as text, streaming: the byte order mark decides the encoding (UTF-16 LE/BE, UTF-8);
 * without one, UTF-16 LE is recognised by its zero bytes, anything else is read as UTF-8.
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

    public static Opened open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        try {
            in.mark(4);
            byte[] head = in.readNBytes(4);
            in.reset();
            Charset cs = StandardCharsets.UTF_8;
            int skip = 0;
            if (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe) {
                cs = StandardCharsets.UTF_16LE;
                skip = 2;
            } else if (head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff) {
                cs = StandardCharsets.UTF_16BE;
                skip = 2;
            } else if (head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
                    && (head[2] & 0xff) == 0xbf) {
                skip = 3;
            } else if (head.length >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0) {
                cs = StandardCharsets.UTF_16LE;
            }
            in.skipNBytes(skip);
            return new Opened(new BufferedReader(new InputStreamReader(in, cs), 1 << 16), cs, skip > 0);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** "UTF-16LE with BOM" etc., for the import report. */
    public static String describe(Opened o) {
        return o.charset().name() + (o.bom() ? " with BOM" : "");
    }
}
