package org.kcdauditor.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

    @Test
    void anH2StoreOpenedWithOtherCredentialsSaysSoAndNeverRepeatsThem() throws Exception {
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
}
