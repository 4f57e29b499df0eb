package org.kcdauditor.io;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The first error the file system gave a writer's streams, for libraries that catch it and throw one of their own
 * without it: POI's save ({@code OpenXML4JRuntimeException "Fail to save … DefaultMarshaller@…"}, the full disk's
 * IOException only in POI's log) and OpenPDF's close after a failed write ("Unbalanced begin/end text operators").
 * The run then says what the admin can act on: {@code audit.xlsx (in …): No space left on device}.
 */
public final class FirstIoFailure {
    private volatile IOException first;

    /** {@code out}, remembering the first IOException it throws (and still throwing it). */
    public OutputStream watch(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                try {
                    out.write(b);
                } catch (IOException e) {
                    throw seen(e);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    out.write(b, off, len);
                } catch (IOException e) {
                    throw seen(e);
                }
            }

            @Override
            public void flush() throws IOException {
                try {
                    out.flush();
                } catch (IOException e) {
                    throw seen(e);
                }
            }

            @Override
            public void close() throws IOException {
                try {
                    out.close();
                } catch (IOException e) {
                    throw seen(e);
                }
            }
        };
    }

    private IOException seen(IOException e) {
        synchronized (this) {
            if (first == null) {
                first = e;
            }
        }
        return e;
    }

    /** Throws the first failure seen, if any: a file made from data that could not all be written is no report. */
    public void check() throws IOException {
        IOException e = first;
        if (e != null) {
            throw e;
        }
    }

    /**
     * Throws the first failure seen in place of {@code e}, the library's error that lost it ({@code e} kept as
     * suppressed, for {@code --verbose}); returns {@code e} to be thrown when no stream failed.
     */
    public RuntimeException thrownInstead(RuntimeException e) throws IOException {
        IOException io = first;
        if (io == null) {
            return e;
        }
        if (io != e.getCause()) {
            io.addSuppressed(e);
        }
        throw io;
    }
}
