package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.store.Database;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A password variable filled from a file keeps the file's last line break: PowerShell's {@code $env:X = Get-Content
 * secrets\ldap-password.txt -Raw} keeps its CRLF, and sh's {@code X=$(cat ldap-password.txt)} drops the LF of a file
 * Notepad saved but keeps its CR. AD then refused the bind as a wrong password (data 52e) with the right password in
 * the file; a password file itself was read without its line break already. A line break ending the value is not part
 * of the password.
 */
class PasswordEnvLineBreakTest {
    @TempDir
    Path dir;

    private static char[] resolve(String value) {
        return new Secrets(Map.of("KCD_AUDIT_LDAP_PASSWORD", value)).resolve("directory.passwordEnv",
                "KCD_AUDIT_LDAP_PASSWORD", null, "directory.passwordFile");
    }

    @Test
    void aTrailingLineBreakIsNotPartOfThePassword() {
        assertArrayEquals("S3cret-Pw".toCharArray(), resolve("S3cret-Pw\r\n"));
        assertArrayEquals("S3cret-Pw".toCharArray(), resolve("S3cret-Pw\r"));
        assertArrayEquals("S3cret-Pw".toCharArray(), resolve("S3cret-Pw\n"));
    }

    @Test
    void spacesAndInnerCharactersStayAsTheyAre() {
        assertArrayEquals(" S3cret Pw ".toCharArray(), resolve(" S3cret Pw "));
    }

    @Test
    void aLineBreakAloneIsAnEmptyVariable() {
        ConfigException e = assertThrows(ConfigException.class, () -> resolve("\r\n"));
        assertEquals("directory.passwordEnv: environment variable KCD_AUDIT_LDAP_PASSWORD is empty (set it —"
                + " PowerShell: $env:KCD_AUDIT_LDAP_PASSWORD = …; cmd: set \"KCD_AUDIT_LDAP_PASSWORD=…\"; sh: export"
                + " KCD_AUDIT_LDAP_PASSWORD=… (README shows how without echo) — or use directory.passwordFile)",
                e.getMessage());
    }

    /** The history store's credentials from the environment likewise: an H2 store made with them opens again. */
    @Test
    void theStoresCredentialsLoseTheirLineBreakToo() throws Exception {
        Path cfg = Files.writeString(dir.resolve("kcd-audit.yaml"), """
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc-kcdaudit@contoso.com
                  passwordEnv: KCD_AUDIT_LDAP_PASSWORD
                  baseDn: DC=contoso,DC=com
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                store:
                  url: jdbc:h2:file:data/kcd-audit
                  userEnv: KCD_AUDIT_DB_USER
                  passwordEnv: KCD_AUDIT_DB_PASSWORD
                """);
        AuditConfig config = ConfigLoader.load(cfg);
        Database.open(config, Map.of("KCD_AUDIT_DB_USER", "kcd", "KCD_AUDIT_DB_PASSWORD", "S3cret-Pw"))
                .connect().close();
        try (var c = Database.open(config, Map.of("KCD_AUDIT_DB_USER", "kcd\r\n", "KCD_AUDIT_DB_PASSWORD",
                "S3cret-Pw\r\n")).connect()) {
            assertEquals("KCD", c.getMetaData().getUserName());
        }
    }
}
