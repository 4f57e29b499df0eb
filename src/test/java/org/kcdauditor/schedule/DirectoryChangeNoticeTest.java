package org.kcdauditor.schedule;

import com.icegreen.greenmail.util.GreenMail;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.FireLog;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A change in the directory that yields only CHANGED_SINCE_LAST_RUN (a node's computer object replaced: a new
 * objectSid, so grants naming the old SID no longer reach it) is drift the team's mailing list is told of once: an
 * on-change job mailed nothing for it, and the next notice did not show it either. A change a manual run in between
 * saw first (so the scheduled audit after it finds nothing changed) reaches the next notice too.
 */
class DirectoryChangeNoticeTest {
    private static final String LDAP_ENV = "TEST_LDAP_PASSWORD";
    private static final String OBJECT_REPLACED = "computer object replaced";

    @TempDir
    Path dir;

    private InMemoryDirectoryServer ds;

    @AfterEach
    void stop() {
        if (ds != null) {
            ds.shutDown(true);
        }
    }

    @Test
    void aReplacedComputerObjectIsMailedOnceAndAManualRunDoesNotSwallowIt() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        TestDirectory.aesKeysSince(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        int port = ScheduleFixture.freePort();
        Path config = dir.resolve("kcd-audit.yaml");
        Files.writeString(config, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                + TestDirectory.BIND_DN + "\n  passwordEnv: " + LDAP_ENV + "\n  baseDn: " + TestDirectory.BASE
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\n"
                + "clusters:\n  - name: HVC1\n    nodes: [HV01, HV02, HV03]\n"
                + "reports:\n  dir: reports\n  formats: [json]\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n"
                + "schedule:\n  - name: drift\n    cron: \"* * * * * ?\"\n    notify: on-change\n"
                + "mail:\n" + ScheduleFixture.mail(port, 10) + "daemon:\n  misfireThresholdSeconds: 1\n");
        AuditConfig cfg = ConfigLoader.load(config);
        Map<String, String> env = Map.of(LDAP_ENV, TestDirectory.PASSWORD, ScheduleFixture.SMTP_ENV,
                ScheduleFixture.SMTP_PASSWORD);
        GreenMail smtp = ScheduleFixture.smtp(port);
        smtp.start();
        try {
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                // a healthy cluster: the first run has nothing to tell
                FireLog fires = new FireLog(Database.open(cfg, env));
                DaemonTest.await("a first audit", Duration.ofSeconds(30), () -> fires.all().stream()
                        .anyMatch(f -> f.status().equals(FireLog.SUCCEEDED)));
                // HV01 rebuilt and joined again under its name: one modification, so no run reads half of it
                ds.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                        "objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-9001")));
                DaemonTest.await("a notice of the replaced computer object", Duration.ofSeconds(30),
                        () -> teamNotice(smtp, "HV01: " + OBJECT_REPLACED).isPresent());
            }
            MimeMessage told = teamNotice(smtp, "HV01: " + OBJECT_REPLACED).orElseThrow();
            String body = text(told);
            assertTrue(told.getSubject().contains("1 host changed in the directory"), told.getSubject());
            assertTrue(body.contains(Hosts.DOMAIN_SID + "-2000 -> " + Hosts.DOMAIN_SID + "-9001"), body);
            assertTrue(Arrays.stream(smtp.getReceivedMessages()).anyMatch(m -> to(m, ScheduleFixture.HVC1_OWNER)
                    && text(m).contains("HV01: " + OBJECT_REPLACED)), "HVC1's owners are told too");
            assertEquals(1, Arrays.stream(smtp.getReceivedMessages()).filter(m -> to(m, ScheduleFixture.TEAM)
                    && text(m).contains(OBJECT_REPLACED)).count(), "told once");
            assertFalse(body.contains("the last scheduled audit whose notices were queued"), body);

            // the daemon stopped; HV02 replaced, and a manual run sees it first: the next scheduled notice tells it
            ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-9002")));
            CliRun manual = CliRun.run(env, "run", "--config", config.toString());
            assertTrue(manual.exitCode() == 0 || manual.exitCode() == 3, manual.toString());
            try (Daemon d = Daemon.create(cfg, new Secrets(env), env, Clock.systemUTC(), Path.of("."))) {
                d.start();
                DaemonTest.await("a notice of the computer object the manual run saw replaced", Duration.ofSeconds(30),
                        () -> teamNotice(smtp, "HV02: " + OBJECT_REPLACED).isPresent());
            }
            MimeMessage carried = teamNotice(smtp, "HV02: " + OBJECT_REPLACED).orElseThrow();
            String text = text(carried);
            assertTrue(carried.getSubject().contains("1 host changed in the directory in an earlier audit"),
                    carried.getSubject());
            assertTrue(text.contains("SEEN BY EARLIER AUDITS"), text);
            assertFalse(text.contains("HV01: " + OBJECT_REPLACED), "told already: " + text);
        } finally {
            smtp.stop();
        }
    }

    private static Optional<MimeMessage> teamNotice(GreenMail smtp, String text) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(m -> to(m, ScheduleFixture.TEAM)
                && text(m).contains(text)).findFirst();
    }

    /** The text part, decoded. */
    private static String text(MimeMessage m) {
        try {
            return ((String) ((jakarta.mail.Multipart) m.getContent()).getBodyPart(0).getContent())
                    .replace("\r\n", "\n");
        } catch (jakarta.mail.MessagingException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean to(MimeMessage m, String address) {
        try {
            return Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().contains(address));
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
