package org.kcdauditor.store;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An H2 store opened with other credentials than it was made with (store.passwordEnv's variable set to another
 * password, or store.userEnv added later) is no damaged file. It was told "a damaged H2 file is left untouched: move it
 * aside, or point store.url elsewhere", which loses the history for a wrong password.
 */
class StoreCredentialsTest {
    @TempDir
    Path dir;

    private AuditConfig config() throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("kcd-audit.yaml"), """
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
                """));
    }

    @Test
    void anH2StoreOpenedWithOtherCredentialsSaysSoAndNeverRepeatsThem() throws Exception {
        AuditConfig config = config();
        Database.open(config, Map.of("KCD_AUDIT_DB_USER", "kcd", "KCD_AUDIT_DB_PASSWORD", "Right-Pw-1"))
                .connect().close();
        StoreException e = assertThrows(StoreException.class, () -> Database.open(config,
                Map.of("KCD_AUDIT_DB_USER", "kcd", "KCD_AUDIT_DB_PASSWORD", "Wrong-Pw-2")));
        assertTrue(e.getMessage().startsWith("history store jdbc:h2:file:" + dir.resolve("data/kcd-audit")
                + " cannot be opened: Wrong user name or password"), e.getMessage());
        assertTrue(e.getMessage().endsWith(" (the H2 file was made with another user name or password: set the"
                + " variables store.userEnv and store.passwordEnv name to those it was made with; the store is not"
                + " damaged)"), e.getMessage());
        assertFalse(e.getMessage().contains("Wrong-Pw-2") || e.getMessage().contains("Right-Pw-1"));
    }

    /**
     * Releases before 2026-12-07 kept the line break ending a variable ($env:X = Get-Content pw.txt -Raw: CRLF;
     * X=$(cat pw.txt) of a Notepad file: CR), and the H2 store they created has it in its password (and user name);
     * this release drops it and was refused by that store, with a hint asking for values it can no longer be given.
     * The store opens, and from then on with the values without the line break, said once in the log, never the values.
     */
    @ParameterizedTest
    @CsvSource(value = {"kcd|Right-Pw-1\\r\\n", "kcd|Right-Pw-1\\r", "kcd\\r\\n|Right-Pw-1\\r\\n", "kcd\\n|Right-Pw-1"},
            delimiter = '|')
    void anH2StoreAnEarlierReleaseMadeWithTheVariablesLineBreakOpensAndLosesIt(String user, String password)
            throws Exception {
        String rawUser = user.replace("\\r", "\r").replace("\\n", "\n");
        String rawPassword = password.replace("\\r", "\r").replace("\\n", "\n");
        AuditConfig config = config();
        String url = StoreUrls.connectUrl(config);
        RunStore.open(url, rawUser, rawPassword.toCharArray()).close(); // as the release before did
        Map<String, String> env = Map.of("KCD_AUDIT_DB_USER", rawUser, "KCD_AUDIT_DB_PASSWORD", rawPassword);
        Logger log = (Logger) LoggerFactory.getLogger(StoreUrls.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        log.addAppender(logged);
        try {
            Database.open(config, env).connect().close();
            Database.open(config, env).connect().close();
        } finally {
            log.detachAppender(logged);
        }
        try (Connection c = DriverManager.getConnection(url, "kcd", "Right-Pw-1")) {
            assertEquals("KCD", c.getMetaData().getUserName());
        }
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url, rawUser, rawPassword).close());
        assertEquals(1, logged.list.size(), "said once: " + logged.list);
        String said = logged.list.get(0).getFormattedMessage();
        String variables = rawUser.equals("kcd") ? "the variable store.passwordEnv names"
                : rawPassword.equals("Right-Pw-1") ? "the variable store.userEnv names"
                : "the variables store.userEnv and store.passwordEnv name";
        assertEquals("history store jdbc:h2:file:" + dir.resolve("data/kcd-audit") + " was made with the line break"
                + " ending the value of " + variables + ", which releases before 2026-12-07 kept: it now takes the"
                + " values without it, as kcd-audit reads them (docs/install.md, Upgrading)", said);
        assertFalse(said.contains("Right-Pw-1"), said);
    }

    /** A wrong password ending in a line break is still refused as a wrong password, never repeated. */
    @Test
    void aWrongPasswordEndingInALineBreakIsStillRefused() throws Exception {
        AuditConfig config = config();
        Database.open(config, Map.of("KCD_AUDIT_DB_USER", "kcd", "KCD_AUDIT_DB_PASSWORD", "Right-Pw-1")).connect()
                .close();
        StoreException e = assertThrows(StoreException.class, () -> Database.open(config,
                Map.of("KCD_AUDIT_DB_USER", "kcd", "KCD_AUDIT_DB_PASSWORD", "Wrong-Pw-2\r\n")));
        assertTrue(e.getMessage().contains(" cannot be opened: Wrong user name or password") && e.getMessage()
                .contains(" (the H2 file was made with another user name or password: "), e.getMessage());
        assertFalse(e.getMessage().contains("Wrong-Pw-2") || e.getMessage().contains("Right-Pw-1"));
        DriverManager.getConnection(StoreUrls.connectUrl(config), "kcd", "Right-Pw-1").close();
    }
}
