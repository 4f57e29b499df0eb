package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** schedule:, mail: and daemon: mistakes end with exit 2 and one line naming the key (and the job). */
class ScheduleConfigTest {
    private static final String GOOD = """
            directory:
              url: ldaps://dc1.contoso.com:636
              bindDn: svc-kcdaudit@contoso.com
              passwordEnv: KCD_AUDIT_LDAP_PASSWORD
              baseDn: DC=contoso,DC=com
            clusters:
              - name: HVC1
                nodes: [HV01, HV02, HV03]
            store:
              url: jdbc:h2:file:data/kcd-audit
            schedule:
              - name: monthly-report
                cron: "0 0 6 1 * ?"
                timeZone: Europe/Berlin
                notify: always
              - name: daily-drift
                cron: "0 30 7 * * ?"
                notify: on-change
            mail:
              host: smtp.contoso.com
              port: 587
              security: starttls
              username: kcd-audit@contoso.com
              passwordEnv: KCD_AUDIT_SMTP_PASSWORD
              from: kcd-audit@contoso.com
              to: [hyperv-team@contoso.com]
              clusterRecipients: {HVC1: [hvc1-owner@contoso.com]}
              attachPdfMaxMb: 10
            """;

    @TempDir
    Path tmp;

    /** The daemon command, which must refuse to start: one that starts runs until stopped, so it fails the test. */
    private static CliRun daemonRefused(Map<String, String> env, Path file) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> CliRun.run(env, "daemon", "--config", file.toString()), "the daemon started");
    }

    private CliRun schedule(String yaml) throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, yaml);
        return CliRun.run(Map.of(), "schedule", "--config", file.toString());
    }

    @Test
    void theIssuesExampleIsValidAndListsNextFireTimes() throws Exception {
        CliRun r = schedule(GOOD);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("monthly-report") && r.out().contains("Europe/Berlin")
                && r.out().contains("daily-drift") && r.out().contains("on-change"), r.out());
    }

    /**
     * Quartz does not fire a cron time that the clock change in spring skips (02:30 in Europe/Berlin on the last Sunday
     * of March): a daily job at 02:30 does not run that day at all. {@code schedule} says so, and the daemon logs it at
     * start; an hourly job, which
     * fires at 03:00 in its place, and a job outside the hour are not named.
     */
    @Test
    void aJobWhoseTimeTheSpringClockChangeSkipsIsNamed() throws Exception {
        CliRun r = schedule(GOOD.replace("    cron: \"0 30 7 * * ?\"\n", "    cron: \"0 30 2 * * ?\"\n"
                + "    timeZone: Europe/Berlin\n").replace("mail:\n", "  - name: hourly\n    cron: \"0 0 * * * ?\"\n"
                + "    timeZone: Europe/Berlin\n    notify: never\nmail:\n"));
        assertEquals(0, r.exitCode(), r.toString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^daily-drift: '.*$").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(m.group().matches("daily-drift: '0 30 2 \\* \\* \\?' names 02:30 on (\\d{4}-03-\\d\\d), which does not"
                + " exist in Europe/Berlin \\(the clocks go from 02:00 to 03:00\\): Quartz skips that fire, the next is"
                + " \\d{4}-03-\\d\\d 02:30:00 CEST; schedule it outside 02:00-03:00 or give timeZone: UTC"), m.group());
        assertFalse(r.out().contains("monthly-report: '") || r.out().contains("hourly: '"), r.out());
    }

    @Test
    void aBadCronExitsTwoNamingTheJob() throws Exception {
        CliRun r = schedule(GOOD.replace("0 30 7 * * ?", "0 30 25 * * ?"));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("schedule[1].cron: '0 30 25 * * ?' is not a valid Quartz cron expression (job"
                + " daily-drift)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        CliRun daemon = CliRun.run(Map.of(), "daemon", "--config", tmp.resolve("kcd-audit.yaml").toString());
        assertEquals(2, daemon.exitCode(), daemon.toString());
        assertTrue(daemon.err().contains("daily-drift"), daemon.err());
    }

    /**
     * daemon.retry: a wait of 0 minutes would retry at once, against a DC still restarting; a negative or huge count is
     * a typo. Each is refused (exit 2) in one line naming the key; attempts: 0 (no retries) is accepted.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "afterMinutes: 0|daemon.retry.afterMinutes: must be between 1 and 1440 (got 0); to turn retries off set"
                    + " daemon.retry.attempts: 0",
            "afterMinutes: 1441|daemon.retry.afterMinutes: must be between 1 and 1440 (got 1441)",
            "attempts: -1|daemon.retry.attempts: must be between 0 (no retries) and 10 (got -1)",
            "attempts: 11|daemon.retry.attempts: must be between 0 (no retries) and 10 (got 11)"})
    void aRetryOutOfRangeExitsTwoNamingTheKey(String key, String error) throws Exception {
        CliRun r = schedule(GOOD + "daemon:\n  retry:\n    " + key + "\n");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(error), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals(0, schedule(GOOD + "daemon:\n  retry:\n    attempts: 0\n    afterMinutes: 30\n").exitCode());
    }

    /** Quartz reads 99 in any field as '*' (its internal "every" value): minute 99 would run the audit every minute. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"0 99 7 * * ?", "0 30 99 * * ?", "99 30 7 * * ?", "0 30 7 99 * ?", "0 30 7 ? 99 MON",
            "0 30 7 ? * 99", "0 30 7 * * ? 99", "'0 30 7,99 * * ?'"})
    void ninetyNineIsABadCronValueNotEvery(String cron) throws Exception {
        CliRun r = schedule(GOOD.replace("0 30 7 * * ?", cron));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("schedule[1].cron: '" + cron + "' is not a valid Quartz cron expression (job"
                + " daily-drift): 99 is out of range"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0 0 6 31 2 ?", "0 0 6 1 1 ? 2020", "0 0 6 30 2 ? *"})
    void aCronThatNeverFiresExitsTwoNamingTheJob(String cron) throws Exception {
        String yaml = GOOD.replace("0 30 7 * * ?", cron);
        CliRun r = schedule(yaml);
        Path file = tmp.resolve("kcd-audit.yaml");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("kcd-audit: " + file + ": schedule[1].cron: '" + cron + "' never fires (job"
                + " daily-drift): "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        CliRun daemon = daemonRefused(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x", "KCD_AUDIT_SMTP_PASSWORD", "y"), file);
        assertEquals(2, daemon.exitCode(), daemon.toString());
        assertTrue(daemon.err().contains("never fires (job daily-drift)"), daemon.err());
        // a one-off job that has fired does not make the commands that do not schedule fail
        CliRun history = CliRun.run(Map.of(), "history", "--config", file.toString());
        assertFalse(history.err().contains("never fires"), history.toString());
        // the same date in the job's own zone is checked in that zone, and a cron that fires stays valid
        assertEquals(0, schedule(GOOD.replace("0 0 6 1 * ?", "0 0 6 29 2 ?")).exitCode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            schedule[0].cron: '0 0 6 1 * *' is not a valid  | '0 0 6 1 * ?'               | '0 0 6 1 * *'
            schedule[0].timeZone: unknown time zone          | 'Europe/Berlin'             | 'Europe/Atlantis'
            schedule[1].notify: must be always, on-change    | 'notify: on-change'         | 'notify: daily'
            schedule[1].name: duplicate job name             | 'name: daily-drift'         | 'name: monthly-report'
            schedule[0].nmae: unknown key                    | '  - name: monthly-report'  | '  - nmae: monthly-report'
            mail.security: none sends mail                   | 'security: starttls'        | 'security: none'
            mail.security: must be starttls, smtps or none   | 'security: starttls'        | 'security: tls'
            mail.to[0]: not a valid mail address             | '[hyperv-team@contoso.com]' | '[hyperv-team]'
            mail.clusterRecipients.HVC9: no cluster          | '{HVC1: '                   | '{HVC9: '
            mail.passwrd: unknown key                        | 'passwordEnv: KCD_AUDIT_SMTP' | 'passwrd: KCD_AUDIT_SMTP'
            mail.port: must be between 1 and 65535           | 'port: 587'                 | 'port: 0'
            mail: give passwordEnv (an environment variable  | 'passwordEnv: KCD_AUDIT_SMTP' | '# passwordEnv: KCD_AUDIT_SMTP'
            """)
    void eachMistakeNamesItsKey(String expected, String from, String to) throws Exception {
        assertTrue(GOOD.contains(from), from);
        CliRun r = schedule(GOOD.replace(from, to));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void securityNoneIsAcceptedForLoopbackOrWhenExplicitlyAllowed() throws Exception {
        String none = GOOD.replace("security: starttls", "security: none");
        assertEquals(0, schedule(none.replace("smtp.contoso.com", "127.0.0.1")).exitCode());
        assertEquals(0, schedule(none.replace("security: none", "security: none\n  allowInsecure: true")).exitCode());
    }

    @Test
    void theDaemonRefusesToStartWithoutThePasswordsItWillNeed() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD);
        CliRun noLdap = CliRun.run(Map.of("KCD_AUDIT_SMTP_PASSWORD", "x"), "daemon", "--config", file.toString());
        assertEquals(2, noLdap.exitCode(), noLdap.toString());
        assertTrue(noLdap.err().contains("directory.passwordEnv: environment variable KCD_AUDIT_LDAP_PASSWORD is not set"),
                noLdap.err());
        CliRun noSmtp = CliRun.run(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x"), "daemon", "--config", file.toString());
        assertEquals(2, noSmtp.exitCode(), noSmtp.toString());
        assertTrue(noSmtp.err().contains("mail.passwordEnv: environment variable KCD_AUDIT_SMTP_PASSWORD"), noSmtp.err());
    }

    @Test
    void theDaemonRefusesToStartWithoutTheTrustStorePasswordsItWillNeed() throws Exception {
        assertDaemonRefuses(GOOD.replace("security: starttls", "security: smtps\n  trustStore: smtp-ca.p12\n"
                + "  trustStorePasswordEnv: SMTP_TS_PW"),
                "mail.trustStorePasswordEnv: environment variable SMTP_TS_PW is not set (set it — PowerShell: $env:SMTP_TS_PW = …;"
                        + " cmd: set \"SMTP_TS_PW=…\"; sh: export SMTP_TS_PW=… (README shows how without echo))");
        // the directory's trust store: its variable, or its file
        String ldap = "baseDn: DC=contoso,DC=com\n  trustStore: ad-ca.p12\n  ";
        assertDaemonRefuses(GOOD.replace("baseDn: DC=contoso,DC=com", ldap + "trustStorePasswordEnv: LDAP_TS_PW"),
                "directory.trustStorePasswordEnv: environment variable LDAP_TS_PW is not set"
                        + " (set it — PowerShell: $env:LDAP_TS_PW = …; cmd: set \"LDAP_TS_PW=…\"; sh: export LDAP_TS_PW=…"
                        + " (README shows how without echo) — or use directory.trustStorePasswordFile)");
        assertDaemonRefuses(GOOD.replace("baseDn: DC=contoso,DC=com", ldap + "trustStorePasswordFile: secrets/ad-ca.pw"),
                "directory.trustStorePasswordFile: " + tmp.resolve("secrets/ad-ca.pw") + " does not exist: create it, readable"
                        + " only by the account that runs kcd-audit (docs/install.md shows how), or correct the path");
    }

    /**
     * A password typed into a {@code *passwordFile} key by mistake is not echoed in its "does not exist" error, as one
     * typed into {@code *passwordEnv} is not: that line reaches the console, the daemon's log and journal. A value that
     * looks like a path (a folder separator or a file extension, none of the symbols passwords are made of) still is.
     */
    @Test
    void aPasswordPutIntoAPasswordFileKeyIsNotEchoed() throws Exception {
        String secret = "Sup3rS3cretPW!asfile";
        String notShown = " does not exist (the value is not shown: it does not look like a file path — was the password"
                + " itself put here? Give the path of the file that holds it, e.g. secrets/ldap-password.txt; a relative"
                + " path is read from the config file's folder)";
        String ldap = "baseDn: DC=contoso,DC=com\n  trustStore: ad-ca.p12\n  ";
        for (var c : Map.of(
                GOOD.replace("passwordEnv: KCD_AUDIT_LDAP_PASSWORD", "passwordFile: \"" + secret + "\""),
                "directory.passwordFile: the file it names",
                GOOD.replace("baseDn: DC=contoso,DC=com", ldap + "trustStorePasswordFile: \"" + secret + "\""),
                "directory.trustStorePasswordFile: the file it names",
                GOOD.replace("passwordEnv: KCD_AUDIT_SMTP_PASSWORD", "passwordFile: \"" + secret + "\""),
                "mail.passwordFile: the file it names",
                GOOD.replace("passwordEnv: KCD_AUDIT_LDAP_PASSWORD", "passwordFile: ldap-pw"),
                "directory.passwordFile: the file it names").entrySet()) {
            Path file = tmp.resolve("kcd-audit.yaml");
            Files.writeString(file, c.getKey());
            CliRun r = daemonRefused(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x", "KCD_AUDIT_SMTP_PASSWORD", "y"), file);
            assertEquals(2, r.exitCode(), r.toString());
            assertTrue(r.err().contains(c.getValue() + notShown), r.err());
            assertFalse(r.toString().contains("Sup3r"), r.toString());
        }
        // a path is named: with a separator, or a file name with an extension
        assertDaemonRefuses(GOOD.replace("passwordEnv: KCD_AUDIT_SMTP_PASSWORD", "passwordFile: smtp.pw"),
                "mail.passwordFile: " + tmp.resolve("smtp.pw") + " does not exist: create it");
        assertDaemonRefuses(GOOD.replace("passwordEnv: KCD_AUDIT_SMTP_PASSWORD", "passwordFile: secrets/smtp-password"),
                "mail.passwordFile: " + tmp.resolve("secrets/smtp-password") + " does not exist: create it");
    }

    /** The daemon on this config, with the bind and SMTP passwords set, exits 2 with {@code expected}. */
    private void assertDaemonRefuses(String yaml, String expected) throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, yaml);
        CliRun r = daemonRefused(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x", "KCD_AUDIT_SMTP_PASSWORD", "y"), file);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
    }

    @Test
    void notifyingJobsNeedAMailSection() throws Exception {
        CliRun r = schedule(GOOD.substring(0, GOOD.indexOf("mail:")));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("mail: missing"), r.err());
    }

    @Test
    void clusteredDaemonsNeedAPostgreSqlStore() throws Exception {
        CliRun r = schedule(GOOD + "daemon:\n  clustered: true\n");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("daemon.clustered: true needs a PostgreSQL store (store.url: jdbc:postgresql://host/db)"
                + " that every daemon shares; store.url is not PostgreSQL"), r.err());
        CliRun dflt = schedule(GOOD.replace("store:\n  url: jdbc:h2:file:data/kcd-audit\n", "")
                + "daemon:\n  clustered: true\n");
        assertTrue(dflt.err().contains("the default store is an H2 file"), dflt.err());
        CliRun pg = schedule(GOOD.replace("jdbc:h2:file:data/kcd-audit", "jdbc:postgresql://db1.contoso.com/kcd")
                + "daemon:\n  clustered: true\n");
        assertFalse(pg.err().contains("daemon.clustered"), "PostgreSQL: valid: " + pg.err());
    }

    @Test
    void anInstanceIdLongerThanQuartzStoresIsRefused() throws Exception {
        // Quartz keeps the id and a 13-digit counter in QRTZ_FIRED_TRIGGERS.ENTRY_ID (95 characters)
        CliRun longer = schedule(GOOD + "daemon:\n  instanceId: " + "h".repeat(83) + "\n");
        assertEquals(2, longer.exitCode(), longer.toString());
        assertTrue(longer.err().contains("daemon.instanceId: letters, digits, '.', '_', ':' or '-', at most 82"),
                longer.err());
        assertFalse(schedule(GOOD + "daemon:\n  instanceId: " + "h".repeat(82) + "\n").err()
                .contains("daemon.instanceId"));
    }
}
