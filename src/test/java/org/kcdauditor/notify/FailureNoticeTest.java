package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.store.Database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The notice that a scheduled audit could not run names every directory the job audits, as the run's notice does
 * ("contoso ldaps://…, fabrikam ldaps://…"): with two domains it named the first only, "against
 * ldaps://dc1.contoso.com:636 could not run:" above a reason about fabrikam's DC.
 */
class FailureNoticeTest {
    @TempDir
    Path dir;

    @Test
    void theFailureNoticeNamesEveryDirectoryOfTheJob() throws Exception {
        String directory = "    bindDn: CN=kcd,DC=x\n    passwordEnv: LDAP_PW\n";
        Path file = dir.resolve("kcd-audit.yaml");
        Files.writeString(file, "directories:\n  contoso:\n    url: ldaps://dc1.contoso.com:636\n"
                + "    baseDn: DC=contoso,DC=com\n" + directory
                + "  fabrikam:\n    url: ldaps://dc1.fabrikam.com:636\n    baseDn: DC=fabrikam,DC=com\n" + directory
                + "clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HV01, HV02]\n"
                + "  - name: HVC2\n    directory: fabrikam\n    nodes: [HV11, HV12]\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n"
                + "mail:\n  host: 127.0.0.1\n  port: 25\n  security: none\n  from: kcd@contoso.com\n"
                + "  to: [team@contoso.com]\n");
        AuditConfig cfg = ConfigLoader.load(file);
        Map<String, String> env = Map.of("LDAP_PW", "x");
        Outbox outbox = new Outbox(Database.open(cfg, env), Clock.systemUTC(), Duration.ofSeconds(1), "test");
        List<Notice> queued = new Notifier(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("templates"), outbox)
                .queueFailure("daily-drift", Notify.ON_CHANGE, Instant.parse("2026-12-06T05:30:00Z"), null,
                        "cannot connect to ldaps://dc1.fabrikam.com:636 (directories.fabrikam.url): connection refused", false);
        assertEquals(1, queued.size());
        String against = "against contoso ldaps://dc1.contoso.com:636, fabrikam ldaps://dc1.fabrikam.com:636 could"
                + " not run:";
        assertTrue(queued.get(0).text().contains(against), queued.get(0).text());
        assertTrue(queued.get(0).html().contains(against), queued.get(0).html());
    }
}
