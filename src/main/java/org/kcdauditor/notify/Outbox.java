package org.kcdauditor.notify;

import jakarta.mail.MessagingException;
import org.kcdauditor.io.Causes;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The notice outbox ({@code notice_outbox}): a notice is stored, as its complete MIME message, before
 * it is sent, and marked SENT only after the SMTP server accepted it. A failed attempt leaves it
 * PENDING with the next attempt backed off (base, 2×base, 4×base … at most an hour); it is never
 * dropped. Stored once per key: a run that is recovered and re-run does not queue the same notice
 * twice.
 *
 * <p>At-least-once window: when the server has accepted a message and the process dies before the
 * row is marked SENT, the message is sent again on the next attempt — with the same Message-ID, so
 * mail clients and archives can de-duplicate it. Before a send the row is claimed for a few minutes more than an
 * attempt may take, so two daemons of a cluster never send the same row at the same time.
 */
public final class Outbox {
    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    private static final Duration MAX_BACKOFF = Duration.ofHours(1);
    private static final Duration CLAIM = Duration.ofMinutes(5);

    /** What one pass of {@link #sendDue} did. */
    public record Result(int sent, int failed) {
    }

    private final OutboxStore rows;
    private final Clock clock;
    private final Duration base;
    private final String instance;

    public Outbox(Database db, Clock clock, Duration backoffBase, String instance) {
        this.rows = new OutboxStore(db);
        this.clock = clock;
        this.base = backoffBase;
        this.instance = instance;
    }

    /** Stores a notice as PENDING, due now. False when a notice with this key is already stored. */
    public boolean enqueue(Notice n, byte[] mime) {
        return rows.insert(new OutboxStore.NewNotice(n.key(), n.messageId(), n.runId(), n.jobName(), n.recipients(),
                n.subject(), mime), clock.instant());
    }

    /**
     * Sends PENDING notices that are due. Each is claimed first (so a second daemon skips it),
     * sent, then marked SENT; a failure records the error and the next attempt time.
     * It stops after {@code max} attempts (sent or failed); the rest stay due. Oldest first, and a due
     * notice never overtakes an older one still waiting out its back-off: that one is tried first (after an outage
     * the team reads the notices in the order they were written), unless an attempt of this pass has failed already
     * (the server is still in trouble: the older ones keep their back-off, and the due ones are tried as before). An
     * attempt that did not complete within {@code mail.timeoutSeconds} (no connection or no answer) ends the pass: the
     * rest stay due, untried, so a pass (a daemon's tick, and a daemon being stopped during it) waits that long once,
     * not once per notice.
     */
    public Result sendDue(Mailer mailer, int max) {
        return sendDue(mailer, max, () -> false);
    }

    /**
     * The same, ending the pass before the next notice once {@code stopping} says so (the daemon is stopping: the
     * notice being sent is finished, the rest wait for the next start instead of holding the stop up).
     */
    public Result sendDue(Mailer mailer, int max, java.util.function.BooleanSupplier stopping) {
        return send(mailer, max, stopping, false);
    }

    /**
     * {@link #sendDue(Mailer, int)} with every pending notice due, also one still waiting for its retry's back-off
     * ({@code outbox --send}, run by an admin who has just fixed the SMTP server). Once an attempt fails, the server
     * is still in trouble: the notices not due keep their back-off, as in a daemon's pass.
     */
    public Result sendPendingNow(Mailer mailer, int max) {
        return send(mailer, max, () -> false, true);
    }

    private Result send(Mailer mailer, int max, java.util.function.BooleanSupplier stopping, boolean allDue) {
        int sent = 0;
        int failed = 0;
        Instant start = clock.instant();
        List<OutboxStore.Pending> pending = rows.pending();
        int lastDue = allDue ? pending.size() - 1 : -1;
        for (int i = 0; !allDue && i < pending.size(); i++) {
            if (!pending.get(i).nextAttemptAt().isAfter(start)) {
                lastDue = i;
            }
        }
        for (OutboxStore.Pending p : pending.subList(0, lastDue + 1)) {
            if (sent + failed >= max || stopping.getAsBoolean()) {
                break;
            }
            if (failed > 0 && p.nextAttemptAt().isAfter(start)) {
                continue;
            }
            String id = p.id();
            Instant now = clock.instant();
            // the claim outlasts the attempt (mail.timeoutSeconds bounds it), or another sender would send it again
            if (!rows.claim(id, instance, now, now.plus(CLAIM).plus(mailer.attemptBound()))) {
                continue;
            }
            OutboxStore.Entry e = rows.find(id);
            byte[] mime = rows.mime(id);
            try {
                mailer.send(mime, e.recipients());
            } catch (MessagingException | RuntimeException ex) {
                RecipientReplies replies = ex instanceof MessagingException me
                        ? RecipientReplies.of(me, e.recipients()).filter(RecipientReplies::changesRow).orElse(null)
                        : null;
                int attempts = e.attempts() + 1;
                if (replies != null && replies.later().isEmpty()) {
                    // some recipients have it, the others were refused for good: nothing is left to try; the
                    // refusals are the server's words, which may repeat the login as a failed attempt's may
                    String said = mailer.withoutPassword(replies.describe());
                    rows.sent(id, clock.instant(), said);
                    LOG.warn("notice {} ({}): {}", id, e.messageId(), said);
                    sent++;
                    continue;
                }
                failed++;
                Instant next = clock.instant().plus(backoff(attempts));
                String reason = mailer.withoutPassword(replies == null ? oneLine(ex) : replies.describe());
                LOG.warn("notice {} {} (attempt {}): {}; next attempt at {}", id, replies == null
                        || replies.delivered().isEmpty() ? "not sent" : "partly sent", attempts, reason,
                        org.kcdauditor.model.UtcTime.of(next));
                rows.attemptFailed(id, attempts, reason, next, replies == null ? e.recipients() : replies.later(),
                        replies == null ? refusedForGood(ex, e.recipients()) : null);
                if (outOfTime(ex)) {
                    // the next attempt would wait as long: the rest wait for the next pass, so a pass waits one bound
                    break;
                }
                continue;
            }
            // the server has the message: from here to the UPDATE is the at-least-once window
            rows.sent(id, clock.instant(), null);
            LOG.info("notice {} sent to {} ({})", id, String.join(", ", e.recipients()), e.messageId());
            sent++;
        }
        return new Result(sent, failed);
    }

    /**
     * What the server refused for good in an attempt that left the row as it was: every recipient (5xx at RCPT TO:
     * nobody has the notice, and the row keeps them), or the message itself (5xx at the end of DATA, when it had the
     * whole message: a size limit, a content filter); the next attempt sends the same bytes to the same addresses and
     * meets the same answer unless the server changes. Null for anything else (a refused login or sender, an
     * unreachable server, a 4xx): the config or the server may let the next attempt through.
     */
    static OutboxStore.Refused refusedForGood(Exception ex, List<String> recipients) {
        if (!(ex instanceof MessagingException me)) {
            return null;
        }
        RecipientReplies replies = RecipientReplies.of(me, recipients).orElse(null);
        if (replies != null && replies.delivered().isEmpty() && replies.later().isEmpty()
                && !replies.refused().isEmpty()) {
            return OutboxStore.Refused.RECIPIENTS;
        }
        return Causes.first(ex, t -> t instanceof org.eclipse.angus.mail.smtp.SMTPSendFailedException s
                && ".".equals(s.getCommand()) && s.getReturnCode() / 100 == 5) != null ? OutboxStore.Refused.MESSAGE
                : null;
    }

    /**
     * Whether the attempt ended on {@code mail.timeoutSeconds}: the attempt's bound, or Jakarta Mail's own connect or
     * read timeout (the same value, and it may come first).
     */
    private static boolean outOfTime(Throwable e) {
        return Causes.has(e, SmtpDeadline.SmtpTimeoutException.class)
                || Causes.has(e, java.net.SocketTimeoutException.class);
    }

    Duration backoff(int attempts) {
        long factor = 1L << Math.min(attempts - 1, 20);
        Duration d = base.multipliedBy(factor);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** When the newest failure notice of {@code job} was stored, if any. */
    public java.util.Optional<Instant> lastFailureNotice(String job) {
        return rows.lastFailureNotice(job);
    }

    /** Pending notices (or all, newest first, when {@code all}). */
    public List<OutboxStore.Entry> list(boolean all, int limit) {
        return rows.list(all, limit);
    }

    /** The reason of a failed send on one line; a MessagingException's cause (refused, timed out) included. */
    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        String last = null;
        for (Throwable t : Causes.chain(e)) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && !m.equals(last) && !sb.toString().contains(m.lines().findFirst().orElse(m).strip())) {
                sb.append(": ").append(m.lines().findFirst().orElse(m).strip());
                last = m;
            }
        }
        return sb.append(hint(e)).toString();
    }

    /** Whether {@code t} says the server's certificate chains to no CA trusted here (PKIX path building failed). */
    private static boolean untrustedCertificate(Throwable t) {
        if (!(t instanceof java.security.cert.CertificateException || t instanceof javax.net.ssl.SSLHandshakeException
                || t instanceof java.security.cert.CertPathBuilderException)) {
            return false;
        }
        String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return m.contains("pkix") || m.contains("certification path");
    }

    /** What to check, for the failures an admin can fix in the config or at the server. */
    private static String hint(Throwable e) {
        // before the connect hint: a TLS handshake the certificate failed can reach us as "could not connect"; a
        // certificate out of its dates is refused as "PKIX path validation failed" too, but the CA is trusted
        if (Causes.first(e, x -> x instanceof java.security.cert.CertificateExpiredException
                || x instanceof java.security.cert.CertificateNotYetValidException) != null) {
            return " — the SMTP server's certificate (or that of a CA in its chain) has expired or is not valid yet:"
                    + " renew it on the SMTP server, or check this machine's clock";
        }
        if (Causes.first(e, Outbox::untrustedCertificate) != null) {
            return " — the SMTP server's certificate is not signed by a CA the Java trust store or mail.trustStore"
                    + " holds: set mail.trustStore to a PKCS#12 or JKS file holding the CA that signed it";
        }
        Throwable t = Causes.first(e, x -> x instanceof jakarta.mail.AuthenticationFailedException
                || x instanceof org.eclipse.angus.mail.util.MailConnectException || x instanceof java.net.ConnectException
                || x instanceof java.net.UnknownHostException || x instanceof java.net.NoRouteToHostException);
        return t == null ? "" : t instanceof jakarta.mail.AuthenticationFailedException
                ? " — check mail.username and the password (mail.passwordEnv or mail.passwordFile)"
                : " — check mail.host and mail.port and that the SMTP server is up and reachable from here";
    }

}
