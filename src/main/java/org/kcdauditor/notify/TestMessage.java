package org.kcdauditor.notify;

import freemarker.template.utility.StringUtil;
import jakarta.mail.MessagingException;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.Secrets;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/**
 * {@code kcd-audit outbox --test-mail}: one short message sent with the config's mail settings through the notices'
 * own {@link Mailer} (host, port, security, trust store, login and {@code mail.timeoutSeconds}), so the admin learns
 * before the first scheduled run whether the notices will get through, and why not. Never stored in the outbox.
 */
public final class TestMessage {
    /** What the attempt came to: sent (the server accepted it for every recipient), and the line saying so or why not. */
    public record Outcome(boolean sent, String line) {
    }

    private TestMessage() {
    }

    /**
     * Sends the test message to {@code to} (mail.to when empty).
     *
     * @throws ConfigException no mail: section, or a password, trust store or address the config names cannot be used
     */
    public static Outcome send(AuditConfig config, Secrets secrets, Clock clock, List<String> to) {
        MailConfig mail = config.mail();
        if (mail == null) {
            throw new ConfigException(config.sourceName() + " has no mail: section: add one (docs/scheduling.md)"
                    + " before testing it");
        }
        List<String> recipients = to.isEmpty() ? mail.to() : to;
        if (recipients == null || recipients.isEmpty()) {
            throw new ConfigException("outbox --test-mail: mail.to is empty: give an address, --test-mail=ADDRESS");
        }
        String security = mail.securityMode().name().toLowerCase(Locale.ROOT);
        String login = mail.username() == null || mail.username().isBlank() ? "no login" : "login " + mail.username();
        String via = mail.host() + ":" + mail.portOrDefault() + " (security " + security + ", " + login + ")";
        String key = "test:" + java.util.UUID.randomUUID();
        String text = "This is a test message from kcd-audit (outbox --test-mail), sent through " + via + " with the"
                + " settings of " + config.sourceName() + ".\nIf you read it, the mail settings work: the scheduled"
                + " audits' notices take the same way.\n";
        String html = "<p>" + StringUtil.XHTMLEnc(text).replace("\n", "<br>\n") + "</p>\n";
        Notice n = new Notice(key, NoticeBuilder.messageId(key, mail.from()), null, null, recipients,
                "[kcd-audit] test message", text, html, null);
        Mailer mailer = new Mailer(config, secrets, clock);
        try {
            mailer.send(mailer.toMime(n), recipients);
        } catch (jakarta.mail.internet.AddressException e) {
            throw new ConfigException("outbox --test-mail: '" + e.getRef() + "' is not a mail address");
        } catch (MessagingException e) {
            // some recipients refused (sendpartial): who has it and who was refused, as an outbox row says it
            String why = RecipientReplies.of(e, recipients).map(RecipientReplies::describe).filter(s -> !s.isEmpty())
                    .map(s -> "not sent to every recipient: " + s).orElseGet(() -> "not sent: " + Outbox.oneLine(e));
            return new Outcome(false, mailer.withoutPassword(why));
        } catch (IOException e) {
            return new Outcome(false, "not sent: " + Outbox.oneLine(e));
        }
        return new Outcome(true, "Test message sent to " + String.join(", ", recipients) + " through " + via
                + ": the SMTP server accepted it; check that it arrived (and not in a spam folder).");
    }
}
