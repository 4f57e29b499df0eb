package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * docs/install.md puts the bind password of the scheduled task in secrets\ldap-password.txt. Written the natural way in
 * Windows PowerShell 5.1, that file is UTF-8 with a byte order mark ({@code Set-Content -Encoding UTF8}) or UTF-16 LE
 * ({@code Out-File}, {@code >}). The mark was read as part of the password, so AD refused the bind as "invalid
 * credentials" with the right password in the file; UTF-16 failed as "cannot read: Input length = 1".
 */
class PasswordFileEncodingTest {
    @TempDir
    Path dir;

    private char[] read(byte[] bytes) throws Exception {
        Path file = Files.write(dir.resolve("ldap-password.txt"), bytes);
        return new Secrets(Map.of()).resolve("directory.passwordEnv", null, file, "directory.passwordFile");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aUtf8ByteOrderMarkIsNotPartOfThePassword() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        assertArrayEquals("S3cret-Pw".toCharArray(), read(concat(bom, "S3cret-Pw\r\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void utf16AsOutFileWritesItIsRead() throws Exception {
        byte[] le = {(byte) 0xFF, (byte) 0xFE};
        assertArrayEquals("S3cret-Pw".toCharArray(),
                read(concat(le, "S3cret-Pw\r\n".getBytes(StandardCharsets.UTF_16LE))));
        byte[] be = {(byte) 0xFE, (byte) 0xFF};
        assertArrayEquals("Pässwörd".toCharArray(), read(concat(be, "Pässwörd\n".getBytes(StandardCharsets.UTF_16BE))));
    }

    /**
     * Windows PowerShell 5.1's {@code Set-Content -Encoding UTF32} writes UTF-32 LE with its mark (FF FE 00 00), which
     * starts like UTF-16 LE's: read as UTF-16 the password gained a NUL after every character and AD refused the bind.
     */
    @Test
    void utf32AsSetContentWritesItIsReadNotTakenForUtf16() throws Exception {
        byte[] mark = {(byte) 0xFF, (byte) 0xFE, 0, 0};
        assertArrayEquals("S3cret-Pw".toCharArray(),
                read(concat(mark, "S3cret-Pw\r\n".getBytes(java.nio.charset.Charset.forName("UTF-32LE")))));
    }

    @Test
    void plainUtf8StaysAsItWas() throws Exception {
        assertArrayEquals("Pässwörd".toCharArray(), read("Pässwörd\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void textInAnotherEncodingIsRefusedInWordsWithoutTheValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> read("Pässwörd\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("directory.passwordFile: " + dir.resolve("ldap-password.txt") + " is not UTF-8 text: save it as"
                + " UTF-8 (Notepad: Save as, Encoding UTF-8; PowerShell: Set-Content -Encoding UTF8)", e.getMessage());
    }
}
