package org.kcdauditor.schedule;

import org.kcdauditor.report.Words;
import org.quartz.CronExpression;
import org.quartz.CronTrigger;
import org.quartz.Trigger;
import org.quartz.listeners.TriggerListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.text.ParseException;
import java.time.Clock;
import java.util.Date;

/**
 * Says when Quartz handles a missed fire ("fire once now"): the daemon was down, or the machine asleep, across a
 * fire time. Quartz tells its listeners before it moves the trigger on, so the missed time is still the trigger's;
 * without this line the admin saw an audit at an odd hour and nothing about the fires folded into it.
 */
final class MisfireLog extends TriggerListenerSupport {
    private static final Logger LOG = LoggerFactory.getLogger(MisfireLog.class);
    /** Counting the missed fires of a per-second cron over a long down-time stops here. */
    private static final int COUNT_LIMIT = 100_000;
    private final Clock clock;

    MisfireLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String getName() {
        return "kcd-audit-misfires";
    }

    @Override
    public void triggerMisfired(Trigger trigger) {
        Date time = trigger.getNextFireTime();
        if (time == null || !(trigger instanceof CronTrigger)) { // a stopped audit's re-run says so when it fires
            return;
        }
        LOG.warn("job {} missed its fire at {}{} (the daemon was not running, the machine was asleep, or the job's"
                + " previous fire was still running): it runs once now, then follows the cron",
                trigger.getJobKey().getName(), Words.time(time.toInstant()), more(trigger, time));
    }

    /** " and 29 more fires up to now", as the trigger's cron counts them in its zone. */
    private String more(Trigger trigger, Date missed) {
        CronExpression cron = cron(trigger);
        if (cron == null) {
            return "";
        }
        Date now = Date.from(clock.instant());
        long n = 0;
        for (Date t = cron.getTimeAfter(missed); t != null && !t.after(now) && n < COUNT_LIMIT;
             t = cron.getTimeAfter(t)) {
            n++;
        }
        String count = (n == COUNT_LIMIT ? "at least " : "") + Words.plural(n, "more fire");
        return n == 0 ? "" : " and " + count + " up to now";
    }

    /** The cron of a cron trigger, in the trigger's zone; null for another trigger. */
    static CronExpression cron(Trigger trigger) {
        if (!(trigger instanceof CronTrigger ct)) {
            return null;
        }
        try {
            CronExpression cron = new CronExpression(ct.getCronExpression());
            cron.setTimeZone(ct.getTimeZone());
            return cron;
        } catch (ParseException e) {
            return null;
        }
    }
}
