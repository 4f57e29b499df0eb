package org.kcdauditor.config;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.ZoneId;
import java.util.Locale;

/**
 * One entry of {@code schedule:} — a named audit the daemon runs on a Quartz cron expression.
 *
 * @param name     job name (letters, digits, '.', '_', '-'), unique
 * @param cron     Quartz cron: seconds minutes hours day-of-month month day-of-week [year]
 * @param timeZone IANA zone the cron is read in (default: the daemon's zone)
 * @param notify   always | on-change | never (default on-change)
 */
public record ScheduleConfig(String name, String cron, String timeZone,
                             @JsonProperty("notify") String notifyOn) {

    /** When a finished run sends a notice. */
    public enum Notify {
        ALWAYS, ON_CHANGE, NEVER;

        public static Notify parse(String s) {
            return s == null ? ON_CHANGE : valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public Notify notifyMode() {
        return Notify.parse(notifyOn);
    }

    public ZoneId zone() {
        return timeZone == null || timeZone.isBlank() ? ZoneId.systemDefault() : ZoneId.of(timeZone);
    }

    /**
     * The zone as Quartz reads the cron in it ({@link java.util.TimeZone}). That class knows an offset only as
     * {@code GMT+01:00}: given {@code UTC+01:00} it falls back to GMT, and {@code +01:00} gets another name than the
     * config's, so such a zone is given as its offset; the id of the result is what the job store records.
     */
    public java.util.TimeZone quartzTimeZone() {
        ZoneId z = zone();
        java.util.TimeZone tz = java.util.TimeZone.getTimeZone(z);
        return tz.getID().equals(z.getId()) ? tz : java.util.TimeZone.getTimeZone(z.normalized());
    }
}
