package org.kcdauditor.config;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.quartz.CronExpression;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Validation of the scheduling keys: schedule, mail, daemon. */
public final class ScheduleConfigValidation {
    private static final List<String> NOTIFY = List.of("always", "on-change", "never");
    private static final List<String> SECURITY = List.of("starttls", "smtps", "none");
    /** 99 as a value of its own: Quartz's internal "every" value, which it takes for '*' in any field. */
    private static final Pattern NINETY_NINE = Pattern.compile("(?<![0-9])0*99(?![0-9])");

    private ScheduleConfigValidation() {
    }

    static void validate(AuditConfig c, List<String> errors) {
        schedule(c.schedule(), errors);
        mail(c.mail(), c.clusters(), errors);
        daemon(c.daemon(), errors);
        String url = c.store().url();
        if (c.daemon().isClustered() && (url == null || !url.strip().toLowerCase(java.util.Locale.ROOT)
                .startsWith("jdbc:postgresql:"))) {
            errors.add("daemon.clustered: true needs a PostgreSQL store (store.url: jdbc:postgresql://host/db) that every"
                    + " daemon shares; " + (url == null ? "the default store is an H2 file, which one process opens"
                    + " at a time" : "store.url is not PostgreSQL") + ": set store.url, or clustered: false for a"
                    + " single daemon");
        }
        boolean notifies = c.schedule().stream().anyMatch(s -> s != null && !"never".equals(s.notifyOn()));
        if (notifies && c.mail() == null) {
            errors.add("mail: missing, but a schedule entry sends notices (give mail:, or notify: never)");
        }
    }

    private static void schedule(List<ScheduleConfig> jobs, List<String> errors) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < jobs.size(); i++) {
            ScheduleConfig j = jobs.get(i);
            String at = "schedule[" + i + "]";
            String job = j.name() == null ? "" : " (job " + j.name() + ")";
            if (ConfigLoader.blank(j.name())) {
                errors.add(at + ".name: missing (e.g. monthly-report)");
            } else if (!j.name().matches("[A-Za-z0-9._-]{1,80}")) {
                errors.add(at + ".name: '" + j.name() + "' must be 1-80 letters, digits, '.', '_' or '-'");
            } else if (!names.add(j.name().toLowerCase(Locale.ROOT))) {
                errors.add(at + ".name: duplicate job name '" + j.name() + "'");
            }
            if (ConfigLoader.blank(j.cron())) {
                errors.add(at + ".cron: missing" + job + " (Quartz cron, e.g. \"0 30 7 * * ?\")");
            } else {
                String problem = null;
                try {
                    CronExpression.validateExpression(j.cron());
                } catch (ParseException e) {
                    problem = e.getMessage();
                }
                if (problem == null && NINETY_NINE.matcher(j.cron()).find()) {
                    // no field allows 99, yet Quartz reads it as '*': minute 99 would run every minute
                    problem = "99 is out of range (Quartz would read it as '*')";
                }
                if (problem != null) {
                    errors.add(at + ".cron: '" + j.cron() + "' is not a valid Quartz cron expression" + job + ": "
                            + problem + " (seconds minutes hours day-of-month month day-of-week [year],"
                            + " one of the two days '?', e.g. \"0 30 7 * * ?\")");
                }
            }
            if (j.timeZone() != null) {
                try {
                    ZoneId.of(j.timeZone());
                } catch (DateTimeException e) {
                    errors.add(at + ".timeZone: unknown time zone '" + j.timeZone() + "'" + job
                            + " (an IANA name such as Europe/Berlin)");
                }
            }
            if (j.notifyOn() != null && !NOTIFY.contains(j.notifyOn())) {
                errors.add(at + ".notify: must be always, on-change or never (got '" + j.notifyOn() + "')" + job);
            }
        }
    }

    /**
     * For the commands that schedule ({@code daemon}, {@code schedule}): a valid expression that no time from
     * {@code now} on matches ({@code "0 0 6 31 2 ?"}, a year that has passed) is refused naming the job (exit 2), as
     * Quartz would refuse to schedule it. Not part of loading the config: a one-off job that has fired must not make
     * {@code run} or {@code history} fail.
     */
    public static void requireFutureFires(AuditConfig c, java.time.Instant now) {
        List<String> errors = new ArrayList<>();
        List<ScheduleConfig> jobs = c.schedule();
        for (int i = 0; i < jobs.size(); i++) {
            ScheduleConfig j = jobs.get(i);
            try {
                neverFires("schedule[" + i + "]", j, " (job " + j.name() + ")", now, errors);
            } catch (ParseException e) {
                // refused when the config loads
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(String.join("; ", errors));
        }
    }

    private static void neverFires(String at, ScheduleConfig j, String job, java.time.Instant now, List<String> errors)
            throws ParseException {
        java.util.TimeZone zone;
        try {
            zone = j.quartzTimeZone();
        } catch (DateTimeException e) {
            zone = java.util.TimeZone.getDefault(); // the unknown zone has its own error
        }
        if (cron(j, zone).getNextValidTimeAfter(java.util.Date.from(now)) == null) {
            errors.add(at + ".cron: '" + j.cron() + "' never fires" + job + ": no time from now on matches it"
                    + " (check the day of the month against the month, and the year if one is given)");
        }
    }

    /**
     * When {@code j}'s cron names a local time that the next spring clock change of its zone skips (02:30 in
     * Europe/Berlin on the last Sunday of March), within a year from {@code now}: Quartz does not fire such a time at
     * all, so a daily job does not run that day. One line saying so, or empty (also when the cron fires within the
     * skipped hour's place anyway, as an hourly job does at 03:00).
     */
    public static java.util.Optional<String> skippedByClockChange(ScheduleConfig j, java.time.Instant now) {
        try {
            ZoneId zone = j.zone();
            java.time.Instant from = now;
            java.time.Instant end = now.plus(java.time.Duration.ofDays(366));
            for (java.time.zone.ZoneOffsetTransition t = zone.getRules().nextTransition(from);
                 t != null && !t.getInstant().isAfter(end); t = zone.getRules().nextTransition(t.getInstant())) {
                if (!t.isGap()) {
                    continue;
                }
                // read in the offset before the change, a fire in the gap is a local time the zone does not have
                java.util.Date justBefore = java.util.Date.from(t.getInstant().minusMillis(1));
                java.time.Instant gapEnd = t.getInstant().plus(t.getDuration());
                java.util.Date named = cron(j, java.util.TimeZone.getTimeZone(t.getOffsetBefore()))
                        .getNextValidTimeAfter(justBefore);
                if (named == null || !named.toInstant().isBefore(gapEnd)) {
                    continue;
                }
                java.util.Date fired = cron(j, j.quartzTimeZone()).getNextValidTimeAfter(justBefore);
                if (fired != null && !fired.toInstant().isAfter(gapEnd)) {
                    continue; // it fires in the skipped hour's place
                }
                java.time.format.DateTimeFormatter hm = java.time.format.DateTimeFormatter.ofPattern("HH:mm");
                String next = fired == null ? "none" : "the next is " + java.time.format.DateTimeFormatter
                        .ofPattern("yyyy-MM-dd HH:mm:ss z").format(fired.toInstant().atZone(zone));
                return java.util.Optional.of("'" + j.cron() + "' names " + hm.format(named.toInstant()
                        .atOffset(t.getOffsetBefore())) + " on " + t.getDateTimeBefore().toLocalDate() + ", which does"
                        + " not exist in " + zone.getId() + " (the clocks go from " + hm.format(t.getDateTimeBefore())
                        + " to " + hm.format(t.getDateTimeAfter()) + "): Quartz skips that fire, " + next
                        + "; schedule it outside " + hm.format(t.getDateTimeBefore()) + "-"
                        + hm.format(t.getDateTimeAfter()) + " or give timeZone: UTC");
            }
        } catch (ParseException | DateTimeException e) {
            // refused when the config loads
        }
        return java.util.Optional.empty();
    }

    private static CronExpression cron(ScheduleConfig j, java.util.TimeZone zone) throws ParseException {
        CronExpression cron = new CronExpression(j.cron());
        cron.setTimeZone(zone);
        return cron;
    }

    private static void mail(MailConfig m, List<ClusterConfig> clusters, List<String> errors) {
        if (m == null) {
            return;
        }
        if (ConfigLoader.blank(m.host())) {
            errors.add("mail.host: missing (smtp.contoso.com)");
        }
        if (m.port() != null && (m.port() < 1 || m.port() > 65535)) {
            errors.add("mail.port: must be between 1 and 65535 (got " + m.port() + ")");
        }
        if (m.security() != null && !SECURITY.contains(m.security())) {
            errors.add("mail.security: must be starttls, smtps or none (got '" + m.security() + "')");
        } else if ("none".equals(m.security()) && !Boolean.TRUE.equals(m.allowInsecure())
                && m.host() != null && !isLoopback(m.host())) {
            errors.add("mail.security: none sends mail (and any password) unencrypted to " + m.host()
                    + "; use starttls or smtps, or set mail.allowInsecure: true for a relay on a network you trust");
        }
        if (!ConfigLoader.blank(m.passwordEnv()) && !ConfigLoader.blank(m.passwordFile())) {
            errors.add("mail: give passwordEnv or passwordFile, not both");
        }
        Secrets.checkEnvName("mail.passwordEnv", m.passwordEnv(), errors);
        Secrets.checkEnvName("mail.trustStorePasswordEnv", m.trustStorePasswordEnv(), errors);
        boolean password = !ConfigLoader.blank(m.passwordEnv()) || !ConfigLoader.blank(m.passwordFile());
        if (ConfigLoader.blank(m.username()) && password) {
            errors.add("mail.username: missing (a password is given for SMTP authentication)");
        } else if (!ConfigLoader.blank(m.username()) && !password) {
            // SMTP authentication without a password fails at every attempt ("no password specified?")
            errors.add("mail: give passwordEnv (an environment variable name) or passwordFile (a file path) for the"
                    + " SMTP password of mail.username, or leave username out for a server that takes mail without"
                    + " authentication");
        }
        if (ConfigLoader.blank(m.from())) {
            errors.add("mail.from: missing (kcd-audit@contoso.com)");
        } else {
            address("mail.from", m.from(), errors);
        }
        if (m.to().isEmpty()) {
            errors.add("mail.to: must not be empty (the team that owns the Hyper-V hosts)");
        }
        for (int i = 0; i < m.to().size(); i++) {
            address("mail.to[" + i + "]", m.to().get(i), errors);
        }
        Set<String> known = clusters.stream().filter(c -> c != null && c.name() != null)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        for (Map.Entry<String, List<String>> e : m.clusterRecipients().entrySet()) {
            String at = "mail.clusterRecipients." + e.getKey();
            if (!known.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                errors.add(at + ": no cluster named '" + e.getKey() + "' in clusters:");
            }
            List<String> list = e.getValue() == null ? List.of() : e.getValue();
            if (list.isEmpty()) {
                errors.add(at + ": must not be empty");
            }
            for (int i = 0; i < list.size(); i++) {
                address(at + "[" + i + "]", list.get(i), errors);
            }
        }
        if (m.attachPdfMaxMb() != null && m.attachPdfMaxMb() < 0) {
            errors.add("mail.attachPdfMaxMb: must be 0 (never attach) or more");
        }
        if (m.timeoutSeconds() != null && m.timeoutSeconds() < 1) {
            errors.add("mail.timeoutSeconds: must be at least 1");
        }
        if (!ConfigLoader.blank(m.trustStorePasswordEnv()) && ConfigLoader.blank(m.trustStore())) {
            errors.add("mail.trustStorePasswordEnv: given without mail.trustStore");
        }
    }

    private static void daemon(DaemonConfig d, List<String> errors) {
        positive("daemon.checkInIntervalSeconds", d.checkInIntervalSeconds(), errors);
        positive("daemon.misfireThresholdSeconds", d.misfireThresholdSeconds(), errors);
        positive("daemon.outboxIntervalSeconds", d.outboxIntervalSeconds(), errors);
        positive("daemon.stopTimeoutSeconds", d.stopTimeoutSeconds(), errors);
        if (d.logFile() != null && d.logFile().isBlank()) {
            errors.add("daemon.logFile: empty (give a file, e.g. /var/log/kcd-audit/daemon.log, or leave the key out"
                    + " to log to stdout)");
        }
        RetryConfig r = d.retryOrDefault();
        if (r.afterMinutes() != null && (r.afterMinutes() < 1 || r.afterMinutes() > RetryConfig.MAX_AFTER_MINUTES)) {
            errors.add("daemon.retry.afterMinutes: must be between 1 and " + RetryConfig.MAX_AFTER_MINUTES + " (got "
                    + r.afterMinutes() + "); to turn retries off set daemon.retry.attempts: 0");
        }
        if (r.attempts() != null && (r.attempts() < 0 || r.attempts() > RetryConfig.MAX_ATTEMPTS)) {
            errors.add("daemon.retry.attempts: must be between 0 (no retries) and " + RetryConfig.MAX_ATTEMPTS
                    + " (got " + r.attempts() + ")");
        }
        if (d.runLockSeconds() != null && d.runLockSeconds() < 5) {
            errors.add("daemon.runLockSeconds: must be at least 5 (got " + d.runLockSeconds() + ")");
        }
        if (d.instanceId() != null && !d.instanceId().matches("[A-Za-z0-9._:-]{1,"
                + DaemonConfig.MAX_INSTANCE_ID + "}")) {
            errors.add("daemon.instanceId: letters, digits, '.', '_', ':' or '-', at most "
                    + DaemonConfig.MAX_INSTANCE_ID + " (Quartz stores it with a counter"
                    + " in 95 characters), or leave it out for AUTO");
        }
    }

    private static void positive(String key, Integer v, List<String> errors) {
        if (v != null && v < 1) {
            errors.add(key + ": must be at least 1 (got " + v + ")");
        }
    }

    private static void address(String key, String value, List<String> errors) {
        if (value == null || value.isBlank()) {
            errors.add(key + ": empty address");
            return;
        }
        try {
            new InternetAddress(value, true).validate();
        } catch (AddressException e) {
            errors.add(key + ": not a valid mail address: '" + value + "'");
        }
    }

    /** localhost or a loopback IP literal; a name is never resolved here. */
    static boolean isLoopback(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                return InetAddress.getByName(h.replace("[", "").replace("]", "")).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }
}
