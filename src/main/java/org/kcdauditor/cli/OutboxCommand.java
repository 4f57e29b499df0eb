package org.kcdauditor.cli;

import org.kcdauditor.run.ExitCodes;
import org.kcdauditor.report.Words;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.notify.Notifier;
import org.kcdauditor.notify.Outbox;
import org.kcdauditor.notify.TestMessage;
import org.kcdauditor.store.Database;
import org.kcdauditor.store.OutboxStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

@Command(name = "outbox", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the mail notices waiting in the outbox (stored, not yet accepted by the SMTP server),"
                + " with their id, attempts, next attempt and last error. The daemon retries them with back-off.",
                "--test-mail sends one short test message to mail.to (or --test-mail=ADDRESS) the way the notices"
                        + " go (mail.host, port, security, trustStore, login) and says whether the SMTP server took it"
                        + " or why not. --show ID prints a queued notice's subject, recipients and text.",
                "--discard ID gives up a pending notice that cannot be delivered (as postsuper -d would): it is"
                        + " marked DISCARDED and never sent, but not deleted: --all lists it with who discarded it"
                        + " and when."},
        footer = {"", "Exit codes: 0 nothing pending (or sent with --send; with --discard: discarded; with --test-mail:"
                + " the server accepted the test message; with --show: shown), 1 notices are pending (with --discard:"
                + " one is being sent now, try again in the seconds it names; with --test-mail: not sent, one line says"
                + " why and what to check), 2 usage or config error (with --discard: no such notice, an id start that"
                + " fits several, or a notice sent or discarded already; then none is discarded; with --show: no such"
                + " notice or several; with --test-mail: no mail: section, or its password or trust store cannot be"
                + " read).",
                "Example, checking the mail settings before the first scheduled run:",
                "kcd-audit outbox --config config/kcd-audit.yaml --test-mail",
                "Example, giving up a notice (its id as the listing gives it):",
                "kcd-audit outbox --config config/kcd-audit.yaml --discard 4e1f0a6c:cluster:HVC1",
                "Example: kcd-audit outbox --config config/kcd-audit.yaml"})
final class OutboxCommand implements Callable<Integer> {
    private final Cli cli;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = Cli.CONFIG_OPTION)
    Path config;

    @Option(names = "--all", description = "Also list sent notices (newest first).")
    boolean all;

    @Option(names = "--send", description = "Try to send the pending notices now, also those waiting for their"
            + " retry (oldest first; at most --limit of them; once one fails, the others keep their back-off), then"
            + " list.")
    boolean send;

    @Option(names = "--limit", defaultValue = "50", converter = PositiveInt.class, paramLabel = "N",
            description = "At most this many rows, and with --send at most this many notices sent"
                    + " (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--discard", arity = "1..*", paramLabel = "ID",
            description = "Give up these pending notices (the id the listing gives, the full id, or a start of"
                    + " either that fits one notice only): marked DISCARDED, never sent, kept in the outbox with who"
                    + " discarded them and when. A notice a send has claimed (under way now) is refused: try again once"
                    + " it has ended.")
    List<String> discard;

    @Option(names = "--test-mail", arity = "0..1", paramLabel = "ADDRESS", fallbackValue = "",
            description = "Send one short test message with the mail settings, to mail.to or to ADDRESS, and say"
                    + " whether the SMTP server accepted it or why not (the outbox and the store are not touched).")
    String testMail;

    @Option(names = "--show", paramLabel = "ID",
            description = "Print the notice ID (as --discard takes it): status, recipients, subject and its text"
                    + " (the HTML part says the same); a sent or discarded notice's message is not kept.")
    String show;

    OutboxCommand(Cli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        if (discard != null && (send || all)) {
            throw new ConfigException("outbox: --discard goes alone, not with --send or --all (discard first, then"
                    + " list or send)");
        }
        if ((testMail != null || show != null) && (send || all || discard != null || testMail != null && show != null)) {
            throw new ConfigException("outbox: " + (testMail != null ? "--test-mail" : "--show") + " goes alone, not"
                    + " with --send, --all, --discard" + (testMail != null ? " or --show" : ""));
        }
        AuditConfig cfg = ConfigLoader.load(config);
        if (testMail != null) {
            TestMessage.Outcome o = TestMessage.send(cfg, cli.secrets(), cli.clock(),
                    testMail.isBlank() ? List.of() : List.of(testMail.strip()));
            if (o.sent()) {
                cli.out().println(o.line());
                return ExitCodes.OK;
            }
            cli.err().println("kcd-audit: outbox --test-mail: " + o.line());
            return ExitCodes.RUN_FAILED;
        }
        Database db = Database.open(cfg, cli.env());
        if (show != null) {
            return show(new OutboxStore(db));
        }
        if (discard != null) {
            return discard(new OutboxStore(db));
        }
        Outbox outbox = new Outbox(db, cli.clock(), Duration.ofMillis(cfg.daemon().outboxIntervalMillis()),
                "kcd-audit outbox (pid " + ProcessHandle.current().pid() + ")");
        if (send) {
            Outbox.Result r = new Notifier(cfg, cli.secrets(), cli.env(), cli.clock(), cli.installation().templates(), outbox)
                    .sendPendingNow(limit);
            cli.out().println("Sent " + r.sent() + ", failed " + r.failed() + ".");
        }
        List<OutboxStore.Entry> rows = outbox.list(all, limit);
        long pending = outbox.list(false, 10_000).size();
        if (rows.isEmpty()) {
            cli.out().println(all ? "The outbox is empty." : "No pending notices.");
        } else {
            String format = "%-" + rows.stream().mapToInt(e -> OutboxStore.shortId(e.id()).length()).max().orElse(0)
                    + "s %-9s %-23s %-8s %-33s %-40s %s%n";
            cli.out().printf(format, "ID", "STATUS", "CREATED", "ATTEMPTS", "NEXT ATTEMPT", "SUBJECT",
                    "TO / LAST ERROR");
            for (OutboxStore.Entry e : rows) {
                boolean discarded = OutboxStore.DISCARDED.equals(e.status());
                String next = OutboxStore.SENT.equals(e.status()) ? "sent " + Words.time(e.sentAt())
                        : discarded ? "discarded " + Words.time(e.discardedAt()) : Words.time(e.nextAttemptAt());
                cli.out().printf(format, OutboxStore.shortId(e.id()), e.status(), Words.time(e.createdAt()),
                        e.attempts(), next,
                        e.subject() + fire(e), String.join(", ", e.recipients())
                                + (e.lastError() == null ? "" : " / " + e.lastError())
                                + (discarded ? " / discarded by " + e.discardedBy() : "") + wayOut(e));
            }
        }
        return pending == 0 ? ExitCodes.OK : ExitCodes.RUN_FAILED;
    }

    /**
     * For a failure notice, the fire its id carries in epoch ms, readable, and the run it stored:
     * {@code " (due 2026-12-07 04:39:00 UTC, run 572c7eaa)"}; else empty.
     */
    private static String fire(OutboxStore.Entry e) {
        return NoticeBuilder.failureFireTime(e.id()).map(t -> " (due " + Words.time(t)
                + (e.runId() == null ? "" : ", run " + e.runId().substring(0, Math.min(8, e.runId().length()))) + ")")
                .orElse("");
    }

    /**
     * For a PENDING notice the server refused for good at its last attempt: that it cannot be delivered as it stands
     * (it stays PENDING: the daemon never drops one), what would change that, and how to give it up; else empty.
     */
    private String wayOut(OutboxStore.Entry e) {
        if (e.refused() == null || !OutboxStore.PENDING.equals(e.status())) {
            return "";
        }
        String discardIt = "kcd-audit outbox --config " + ShellArg.of(config) + " --discard "
                + ShellArg.of(OutboxStore.shortId(e.id()));
        return " — cannot be delivered as it stands: " + switch (e.refused()) {
            case RECIPIENTS -> "the SMTP server refused every recipient for good, and the notice keeps the addresses it"
                    + " was stored with (correcting mail.to or mail.clusterRecipients helps the next notices, not this"
                    + " one); once they are corrected, give it up: " + discardIt;
            case MESSAGE -> "the SMTP server refused the message itself for good; it is tried again with the back-off"
                    + " and sent once the server takes it (a size limit raised); else lower mail.attachPdfMaxMb for the"
                    + " next notices (this one keeps its PDF) and give it up: " + discardIt;
        };
    }

    /**
     * {@code --discard}: every id is resolved and checked first (none discarded when one is empty or unknown, fits
     * several notices, or names one sent or discarded already: exit 2); then each is discarded unless a send has
     * claimed it meanwhile (exit 1: try again) or sent it (exit 2, as for one sent before; the others are discarded).
     */
    private int discard(OutboxStore store) {
        List<String> ids = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String given : discard) {
            if (given.isBlank()) { // the start of every id: a script's --discard "$ID" with the variable unset
                refused.add("an empty id names no notice: give the id kcd-audit outbox --config " + ShellArg.of(config)
                        + " lists");
                continue;
            }
            List<String> hits = store.matching(given, 4);
            OutboxStore.Entry e = hits.size() == 1 ? store.find(hits.get(0)) : null;
            // the short ids, unless two runs' ids begin alike
            List<String> names = hits.stream().map(OutboxStore::shortId).distinct().count() == hits.size()
                    ? hits.stream().map(OutboxStore::shortId).toList() : hits;
            String why = hits.size() > 1 ? "'" + given + "' is ambiguous, the start of the ids of "
                    + String.join(", ", names.subList(0, Math.min(3, names.size()))) + (hits.size() > 3 ? ", …" : "")
                    + ": give more of the id"
                    : e == null ? "no notice '" + given + "' in the outbox (kcd-audit outbox --config "
                    + ShellArg.of(config) + " --all lists them with their ids)" : notPending(e);
            if (why == null) {
                ids.add(e.id());
            } else {
                refused.add(why);
            }
        }
        refused.forEach(r -> cli.err().println("kcd-audit: outbox --discard: " + r));
        if (!refused.isEmpty()) {
            return ExitCodes.USAGE;
        }
        String who = System.getProperty("user.name", "?");
        int code = ExitCodes.OK;
        for (String id : ids) {
            boolean done;
            Instant now;
            OutboxStore.Entry e;
            do { // until discarded, or what stops it: a send (or another --discard) that got there first
                now = cli.clock().instant();
                done = store.discard(id, who, now);
                e = store.find(id);
            } while (!done && e != null && notPending(e) == null && !claimed(e, now));
            if (e == null) { // pruned with its run meanwhile
                code = ExitCodes.USAGE;
                cli.err().println("kcd-audit: outbox --discard: notice " + OutboxStore.shortId(id) + " is no longer in"
                        + " the outbox");
            } else if (done) {
                cli.out().println("Discarded " + OutboxStore.shortId(id) + " (" + e.subject() + ", to "
                        + String.join(", ", e.recipients()) + "): it is never sent; kcd-audit outbox --all lists it");
            } else if (notPending(e) != null) {
                code = ExitCodes.USAGE;
                cli.err().println("kcd-audit: outbox --discard: " + notPending(e));
            } else {
                code = Math.max(code, ExitCodes.RUN_FAILED);
                cli.err().println("kcd-audit: outbox --discard: notice " + OutboxStore.shortId(id)
                        + " is being sent now by " + e.claimedBy() + ": try again in "
                        + (Duration.between(now, e.claimedUntil()).toSeconds() + 1) + " s at the latest (the send's"
                        + " claim ends then, or sooner as the attempt ends)");
            }
        }
        return code;
    }

    /**
     * {@code --show}: the notice's status, recipients and subject, then the text part of its stored message (the HTML
     * part is the same notice); a sent or discarded notice keeps its row but not its message.
     */
    private int show(OutboxStore store) {
        List<String> hits = show.isBlank() ? List.of() : store.matching(show, 4);
        if (hits.size() != 1) {
            cli.err().println("kcd-audit: outbox --show: " + (hits.isEmpty() ? "no notice '" + show + "' in the outbox"
                    + " (kcd-audit outbox --config " + ShellArg.of(config) + " --all lists them with their ids)"
                    : "'" + show + "' is ambiguous, the start of the ids of " + String.join(", ", hits.stream()
                    .limit(3).map(OutboxStore::shortId).toList()) + (hits.size() > 3 ? ", …" : "")
                    + ": give more of the id"));
            return ExitCodes.USAGE;
        }
        OutboxStore.Entry e = store.find(hits.get(0));
        byte[] mime = store.mime(e.id());
        PrintStream out = cli.out();
        out.println("Notice: " + OutboxStore.shortId(e.id()) + (e.jobName() == null ? "" : " (job " + e.jobName()
                + NoticeBuilder.failureFireTime(e.id()).map(t -> ", due " + Words.time(t)).orElse("") + ")"));
        if (e.runId() != null) {
            out.println("Run: " + e.runId());
        }
        out.println("Status: " + e.status() + ", created " + Words.time(e.createdAt()) + ", attempts " + e.attempts()
                + (e.lastError() == null ? "" : ", last error: " + e.lastError()));
        out.println("To: " + String.join(", ", e.recipients()));
        out.println("Subject: " + e.subject());
        if (mime == null || mime.length == 0) {
            out.println("(its message is not kept once it is " + e.status().toLowerCase(java.util.Locale.ROOT) + ")");
            return ExitCodes.OK;
        }
        try {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mime));
            List<String> attached = new ArrayList<>();
            String text = textOf(m, attached);
            attached.forEach(a -> out.println("Attachment: " + a));
            out.println();
            out.print(text == null ? "(no text part)\n" : text.endsWith("\n") ? text : text + "\n");
        } catch (MessagingException | IOException ex) {
            throw new ConfigException("outbox --show: the stored message of " + OutboxStore.shortId(e.id())
                    + " cannot be read (" + ex.getClass().getSimpleName() + ")");
        }
        return ExitCodes.OK;
    }

    /** The first text/plain part of {@code p} that is no attachment; attachments' file names go to {@code attached}. */
    private static String textOf(Part p, List<String> attached) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
            attached.add(p.getFileName());
            return null;
        }
        if (p.isMimeType("text/plain")) {
            return ((String) p.getContent()).replace("\r\n", "\n");
        }
        String text = null;
        if (p.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) p.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                String t = textOf(mp.getBodyPart(i), attached);
                text = text == null ? t : text;
            }
        }
        return text;
    }

    /** Whether a send has claimed the notice and may still be under way at {@code now}. */
    private static boolean claimed(OutboxStore.Entry e, Instant now) {
        return e.claimedUntil() != null && e.claimedUntil().isAfter(now);
    }

    /** Why a notice cannot be discarded because it is not pending any more, or null when it is pending. */
    private static String notPending(OutboxStore.Entry e) {
        if (OutboxStore.SENT.equals(e.status())) {
            return "notice " + OutboxStore.shortId(e.id()) + " was sent at " + Words.time(e.sentAt())
                    + ": nothing to discard";
        }
        if (OutboxStore.DISCARDED.equals(e.status())) {
            return "notice " + OutboxStore.shortId(e.id()) + " was discarded already, by " + e.discardedBy() + " at "
                    + Words.time(e.discardedAt());
        }
        return null;
    }
}
