package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.baseline.BaselineFile;
import org.kcdauditor.support.CliRun;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The YAML files are read strictly: a key written twice is refused with both lines (a parser keeps the last
 * one silently, so a second {@code HV01:} in the baseline turned into false drift findings); messages name
 * no Java types; a UTF-16 or binary file gets one plain line.
 */
class StrictYamlTest {
    private static final String CONFIG = """
            directory:
              url: ldaps://dc1.contoso.com:636
              bindDn: svc-kcdaudit@contoso.com
              passwordEnv: KCD_AUDIT_LDAP_PASSWORD
              baseDn: DC=contoso,DC=com
            reports:
              formats: [json]
            clusters:
              - name: HVC1
                nodes: [HV01, HV02, HV03]
            reports:
              dir: elsewhere
            """;

    @TempDir
    Path tmp;

    private CliRun run(Path config) {
        return CliRun.run(Map.of(), "run", "--config", config.toString(), "--out", tmp.resolve("out").toString());
    }

    private void assertNoJavaNames(String message) {
        for (String java : List.of("org.kcdauditor", "$Raw", "java.", "`", "Exception", "JsonToken")) {
            assertFalse(message.contains(java), "'" + java + "' in: " + message);
        }
    }

    @Test
    void aConfigKeyWrittenTwiceIsRefusedWithBothLines() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, CONFIG);
        CliRun r = run(file);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals(file + ":11: 'reports' appears twice (first at line 6); only one can count: remove or merge"
                + " the other", r.err().strip().replace("kcd-audit: ", ""));

        Files.writeString(file, CONFIG.replace("reports:\n  dir: elsewhere\n", "").replace("  baseDn: DC=contoso,DC=com",
                "  baseDn: DC=contoso,DC=com\n  pageSize: 100\n  pageSize: 200"));
        r = run(file);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(":7: directory: 'pageSize' appears twice (first at line 6)"), r.err());
    }

    @Test
    void aBaselineHostWrittenTwiceIsRefusedWithBothLines() throws Exception {
        Path file = tmp.resolve("baseline.yaml");
        Files.writeString(file, """
                hosts:
                  HV01:
                    userAccountControl: [WORKSTATION_TRUST_ACCOUNT]
                    delegateTo: ["cifs/HV02"]
                  HV02:
                    userAccountControl: [WORKSTATION_TRUST_ACCOUNT]
                    delegateTo: []
                  HV01:
                    userAccountControl: [WORKSTATION_TRUST_ACCOUNT]
                    delegateTo: []
                waivers: []
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(file));
        assertEquals(file + ":8: hosts: 'HV01' appears twice (first at line 2); only one can count: remove or merge"
                + " the other", e.getMessage());
    }

    @Test
    void messagesNameNoJavaTypes() throws Exception {
        Path config = tmp.resolve("kcd-audit.yaml");
        for (String yaml : List.of("just a sentence\n", "- a\n- b\n", "directory: [1, 2]\n")) {
            Files.writeString(config, yaml);
            CliRun r = run(config);
            assertEquals(2, r.exitCode(), r.toString());
            assertNoJavaNames(r.err());
        }
        Path baseline = tmp.resolve("baseline.yaml");
        for (String yaml : List.of("just a sentence\n", "hosts: [HV01]\n", "hosts:\n  HV01: [x]\n",
                "capturedAt: yesterday\n", "waivers:\n  - rule: X\n    expires: soon\n")) {
            Files.writeString(baseline, yaml);
            ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(baseline));
            assertNoJavaNames(e.getMessage());
            assertTrue(e.getMessage().startsWith(baseline + ":"), e.getMessage());
        }
    }

    /**
     * A config saved as UTF-16 with a byte order mark (Windows PowerShell 5.1's Out-File and >, Notepad's "Unicode") is
     * read as the patch and event exports are; without a mark it cannot be told from a binary file reliably, and gets a
     * plain line; a file in another encoding is placed at its line (a byte offset read like a byte value).
     */
    @Test
    void utf16WithAByteOrderMarkIsReadAndOtherEncodingsGetAPlainLine() throws Exception {
        Path config = tmp.resolve("kcd-audit.yaml");
        String text = CONFIG.replace("reports:\n  dir: elsewhere\n", "").replace("- name: HVC1", "- name: HVC-Zürich");
        for (java.nio.charset.Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            Files.write(config, ("\uFEFF" + text.replace("\n", "\r\n")).getBytes(cs));
            assertEquals("HVC-Zürich", ConfigLoader.load(config).clusters().get(0).name(), cs.name());
        }
        Files.write(config, ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE));
        CliRun r = run(config);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("directory.passwordEnv: environment variable KCD_AUDIT_LDAP_PASSWORD is not set"),
                "read, and refused only for the password: " + r);

        Files.write(config, text.getBytes(StandardCharsets.UTF_16LE));
        r = run(config);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + config + ": the file is saved as UTF-16 without a byte order mark: save it as UTF-8"
                + " (Notepad: Save as, Encoding UTF-8)", r.err().strip());
        // a lone surrogate after the last line
        Files.write(config, ("\uFEFF" + text).getBytes(StandardCharsets.UTF_16LE));
        Files.write(config, new byte[]{0x00, (byte) 0xD8, 0x41, 0x00}, java.nio.file.StandardOpenOption.APPEND);
        r = run(config);
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + config + ": not a UTF-16LE text file (line " + (text.lines().count() + 1)
                + " is not UTF-16LE): save it as UTF-8 (Notepad: Save as, Encoding UTF-8)", r.err().strip());

        Files.write(config, new byte[]{'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, (byte) 0x9c, (byte) 0xff});
        r = run(config);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(config + ": not a text file"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Path baseline = tmp.resolve("baseline.yaml");
        Files.write(baseline, ("\uFEFFhosts: {}\n").getBytes(StandardCharsets.UTF_16BE));
        assertTrue(BaselineFile.read(baseline).hosts().isEmpty());
        // windows-1252, as Windows PowerShell 5.1's Set-Content writes without -Encoding: the ü on line 3
        Files.write(baseline, new byte[]{'h', 'o', 's', 't', 's', ':', '\n', ' ', ' ', 'H', 'V', '0', '1', ':', '\n',
                '#', ' ', 'Z', (byte) 0xfc, 'r', 'i', 'c', 'h', '\n'});
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(baseline));
        assertEquals(baseline + ": not a UTF-8 text file (line 3 is not UTF-8): a binary file, or text in another"
                + " encoding; save it as UTF-8", e.getMessage());
    }

    /**
     * The lines the messages give are the same whatever the file's line breaks and encoding: LF, CRLF, UTF-8 with a byte
     * order mark, UTF-16 LE and BE (with theirs). Pins YamlText's own counts (a character that does not decode, a zero
     * character) and the parser's (a key written twice, a value refused after reading) for each.
     */
    @Test
    void linesAreCountedAlikeForEveryLineBreakAndEncoding() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        String text = CONFIG.replace("reports:\n  dir: elsewhere\n", "");
        record Form(String name, String eol, java.nio.charset.Charset cs, boolean bom) {
        }
        for (Form f : List.of(new Form("LF", "\n", StandardCharsets.UTF_8, false),
                new Form("CRLF", "\r\n", StandardCharsets.UTF_8, false),
                new Form("UTF-8 BOM, LF", "\n", StandardCharsets.UTF_8, true),
                new Form("UTF-8 BOM, CRLF", "\r\n", StandardCharsets.UTF_8, true),
                new Form("UTF-16LE, CRLF", "\r\n", StandardCharsets.UTF_16LE, true),
                new Form("UTF-16BE, LF", "\n", StandardCharsets.UTF_16BE, true))) {
            boolean utf8 = f.cs().equals(StandardCharsets.UTF_8);
            // line 9 (clusters[0].name) holds a character that does not decode
            String[] at = (f.bom() ? "\uFEFF" + text : text).replace("\n", f.eol()).split("HVC1", 2);
            byte[] bad = utf8 ? new byte[]{(byte) 0xfc} : f.cs().equals(StandardCharsets.UTF_16LE)
                    ? new byte[]{0x00, (byte) 0xD8, 0x41, 0x00} : new byte[]{(byte) 0xD8, 0x00, 0x00, 0x41};
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            b.writeBytes(at[0].getBytes(f.cs()));
            b.writeBytes(bad);
            b.writeBytes(at[1].getBytes(f.cs()));
            ConfigException e = assertThrows(ConfigException.class, () -> YamlText.decode(file, b.toByteArray()), f.name());
            assertTrue(e.getMessage().startsWith(file + ": not a " + f.cs().name() + " text file (line 9 is not "),
                    f.name() + ": " + e.getMessage());
            if (!utf8) {
                // a zero character on line 10 (the nodes)
                byte[] zero = ("\uFEFF" + text.replace("\n", f.eol()).replace("HV02", "HV\u000002")).getBytes(f.cs());
                e = assertThrows(ConfigException.class, () -> YamlText.decode(file, zero), f.name());
                assertEquals(file + ": not a text file (a zero character on line 10): give the YAML file itself, saved"
                        + " as UTF-8", e.getMessage(), f.name());
            }
            // the parser's lines: a key written twice, and a value refused after reading
            Files.write(file, ((f.bom() ? "\uFEFF" : "") + CONFIG.replace("\n", f.eol())).getBytes(f.cs()));
            e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file), f.name());
            assertEquals(file + ":11: 'reports' appears twice (first at line 6); only one can count: remove or merge the"
                    + " other", e.getMessage(), f.name());
            Files.write(file, ((f.bom() ? "\uFEFF" : "") + text.replace("[json]", "[json, docx]").replace("\n", f.eol()))
                    .getBytes(f.cs()));
            e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file), f.name());
            assertTrue(e.getMessage().startsWith(file + ":7: reports.formats[1]: unknown format 'docx'"),
                    f.name() + ": " + e.getMessage());
        }
    }
}
