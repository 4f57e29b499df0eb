package org.kcdauditor.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Everything kcd-audit prints goes through this filter: directory values, CSV headers and file contents
 * reach the terminal as text, never as control sequences. Dropped: C0 controls other than tab and line feed
 * (ESC of terminal escape sequences, BEL, backspace), a carriage return not followed by a line feed, DEL, C1
 * controls (U+0080–U+009F, CSI among them), the bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) and the Unicode line and paragraph separators. Works on the UTF-8 bytes, so it applies to
 * every way of printing (picocli's help, messages, logs).
 */
final class ConsoleText extends FilterOutputStream {
    private int pending = -1;
    private int pending2 = -1;

    private ConsoleText(OutputStream out) {
        super(out);
    }

    /** {@code raw} behind the filter, as a UTF-8 print stream that flushes on line ends. */
    static PrintStream clean(PrintStream raw) {
        return new PrintStream(new ConsoleText(raw), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        b &= 0xff;
        if (pending == '\r') {
            pending = -1;
            if (b == '\n') {
                out.write('\r');
            }
        }
        if (pending == 0xc2) {
            pending = -1;
            if (b >= 0x80 && b <= 0x9f) {
                return; // a C1 control
            }
            out.write(0xc2);
        }
        if (pending == 0xe2) {
            if (pending2 < 0) {
                if (b == 0x80 || b == 0x81) {
                    pending2 = b;
                    return;
                }
                pending = -1;
                out.write(0xe2);
            } else {
                int second = pending2;
                pending = -1;
                pending2 = -1;
                boolean drop = second == 0x80 && (b >= 0xa8 && b <= 0xae) || second == 0x81 && (b >= 0xa6 && b <= 0xa9);
                if (drop) {
                    return; // U+2028, U+2029, U+202A..U+202E, U+2066..U+2069
                }
                out.write(0xe2);
                out.write(second);
            }
        }
        if (b == '\r' || b == 0xc2 || b == 0xe2) {
            pending = b;
            return;
        }
        if (b < 0x20 && b != '\n' && b != '\t' || b == 0x7f) {
            return;
        }
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        for (int i = 0; i < len; i++) {
            write(b[off + i]);
        }
    }
}
