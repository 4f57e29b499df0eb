package org.kcdauditor.notify;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.schedule.ScheduleFixture;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A trust store password variable that is not set is named, with no hint to a key that does not exist. */
class MailerTrustStoreTest {
    @TempDir
    Path dir;

    @Test
    void anUnsetTrustStorePasswordVariableNamesItAndNoOtherKey() throws Exception {
        String mail = "  host: smtp.contoso.com\n  security: smtps\n  from: " + ScheduleFixture.FROM + "\n  to: ["
                + ScheduleFixture.TEAM + "]\n  trustStore: smtp-ca.p12\n  trustStorePasswordEnv: SMTP_TS_PW\n";
        var cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, mail, null));
        Mailer mailer = new Mailer(cfg, new Secrets(Map.of()), Clock.systemUTC());
        ConfigException e;
        try (SmtpDeadline deadline = new SmtpDeadline(30)) {
            e = assertThrows(ConfigException.class, () -> mailer.session(deadline));
        }
        assertEquals("mail.trustStorePasswordEnv: environment variable SMTP_TS_PW is not set (set it — PowerShell:"
                + " $env:SMTP_TS_PW = …; cmd: set \"SMTP_TS_PW=…\"; sh: export SMTP_TS_PW=… (README shows how without"
                + " echo))",
                e.getMessage());
    }

    /** A named pipe as the trust store is refused before it is opened: opening it waited for a writer for ever. */
    @Test
    void aNamedPipeAsTrustStoreIsRefusedWithoutWaiting() throws Exception {
        Path pipe = dir.resolve("smtp-ca.p12");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());
        String mail = "  host: smtp.contoso.com\n  security: smtps\n  from: " + ScheduleFixture.FROM + "\n  to: ["
                + ScheduleFixture.TEAM + "]\n  trustStore: smtp-ca.p12\n  trustStorePasswordEnv: SMTP_TS_PW\n";
        var cfg = ConfigLoader.load(ScheduleFixture.config(dir, "ldap://127.0.0.1:1", null, null, mail, null));
        Mailer mailer = new Mailer(cfg, new Secrets(Map.of("SMTP_TS_PW", "changeit")), Clock.systemUTC());
        ConfigException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> {
                    try (SmtpDeadline deadline = new SmtpDeadline(30)) {
                        return assertThrows(ConfigException.class, () -> mailer.session(deadline));
                    }
                });
        assertEquals("mail.trustStore: " + pipe + ": a named pipe or a device, not a file: give the key store file"
                + " (PKCS#12 or JKS)", e.getMessage());
    }
}
