package org.kcdauditor.report.xlsx;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * The sheet writer's UTF-8 encoder, writing the same bytes as POI's {@code BufferedWriter} over an
 * {@code OutputStreamWriter}: an unpaired surrogate becomes {@code ?}, a pair split over two writes is joined.
 * POI's chain copies each character of the 138 MB of sheet XML of a 20,000-host workbook into a char buffer and
 * encodes it from there; text and markup known to be ASCII ({@link #writeAscii}) are copied here as bytes at once.
 */
final class Utf8Writer extends Writer {
    private OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int n;
    /** A high surrogate written last, waiting for its low half; 0 if none. */
    private char high;

    Utf8Writer(OutputStream out) {
        this.out = out;
    }

    /** From now on the bytes go through {@code io}, which remembers a failed write. */
    void watchedBy(org.kcdauditor.io.FirstIoFailure io) {
        out = io.watch(out);
    }

    /** Writes {@code s[from, to)}, which the caller knows to be ASCII, as bytes. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): for ASCII exactly the encoding, copied
    void writeAscii(String s, int from, int to) throws IOException {
        if (high != 0) {
            write(s, from, to - from); // the pending half first, as the encoder would
            return;
        }
        while (from < to) {
            if (n == buf.length) {
                drain();
            }
            int take = Math.min(to - from, buf.length - n);
            s.getBytes(from, from + take, buf, n); // ASCII: the low byte of each character is the character
            n += take;
            from += take;
        }
    }

    /** Writes {@code b[off, off + len)}, which the caller knows to be ASCII, as it is. */
    void writeAscii(byte[] b, int off, int len) throws IOException {
        if (high != 0) { // the pending half is unpaired: an ASCII character is no low surrogate
            high = 0;
            if (n == buf.length) {
                drain();
            }
            buf[n++] = '?';
        }
        while (len > buf.length - n) {
            int take = buf.length - n;
            System.arraycopy(b, off, buf, n, take);
            n += take;
            off += take;
            len -= take;
            drain();
        }
        System.arraycopy(b, off, buf, n, len);
        n += len;
    }

    /** Writes {@code b}, which the caller knows to be ASCII, as it is. */
    void writeAscii(byte[] b) throws IOException {
        writeAscii(b, 0, b.length);
    }

    @Override
    public void write(int c) throws IOException {
        put((char) c);
    }

    @Override
    public void write(char[] cs, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            put(cs[i]);
        }
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            put(s.charAt(i));
        }
    }

    private void put(char c) throws IOException {
        if (n > buf.length - 4) {
            drain();
        }
        if (high != 0) {
            char h = high;
            high = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(h, c);
                buf[n++] = (byte) (0xf0 | cp >> 18);
                buf[n++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buf[n++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buf[n++] = (byte) (0x80 | cp & 0x3f);
                return;
            }
            buf[n++] = '?';
        }
        if (c < 0x80) {
            buf[n++] = (byte) c;
        } else if (c < 0x800) {
            buf[n++] = (byte) (0xc0 | c >> 6);
            buf[n++] = (byte) (0x80 | c & 0x3f);
        } else if (Character.isHighSurrogate(c)) {
            high = c;
        } else if (Character.isLowSurrogate(c)) {
            buf[n++] = '?';
        } else {
            buf[n++] = (byte) (0xe0 | c >> 12);
            buf[n++] = (byte) (0x80 | c >> 6 & 0x3f);
            buf[n++] = (byte) (0x80 | c & 0x3f);
        }
    }

    private void drain() throws IOException {
        out.write(buf, 0, n);
        n = 0;
    }

    /** Writes the bytes so far; a pending high surrogate stays pending, as in the encoder. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            if (high != 0) {
                high = 0;
                if (n == buf.length) {
                    drain();
                }
                buf[n++] = '?';
            }
            drain();
        } finally {
            out.close();
        }
    }
}
