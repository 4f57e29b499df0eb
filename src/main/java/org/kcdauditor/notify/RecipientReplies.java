package org.kcdauditor.notify;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an attempt did for each recipient of a notice when the SMTP server refused some of them at {@code RCPT TO}
 * (Angus Mail's {@link SendFailedException}, sent with {@code sendpartial}): the message went to the others if the
 * server then accepted it; a permanent refusal (5xx: no such mailbox) is not tried again, it would be refused the
 * same way every hour for ever and keep nobody but the outbox waiting; a refusal for now (4xx: mailbox full,
 * greylisting) is tried again with the back-off, for that address alone, so those who have the notice do not get it
 * twice.
 *
 * @param delivered recipients (as stored in the outbox) the server accepted the message for
 * @param later     recipients to try again: refused for now, or accepted at RCPT TO by a server that then did not
 *                  take the message
 * @param refused   recipients refused permanently, each with the server's reply
 * @param deferred  the recipients of {@code later} the server refused for now, each with its reply
 */
record RecipientReplies(List<String> delivered, List<String> later, Map<String, String> refused,
                        Map<String, String> deferred) {

    /**
     * The replies of {@code e} for {@code recipients}; empty when the exception does not say which address was
     * refused (the server refused the sender, the message or the connection: the attempt failed for everybody).
     */
    static java.util.Optional<RecipientReplies> of(MessagingException e, List<String> recipients) {
        if (!(e instanceof SendFailedException sfe) || sfe.getInvalidAddresses() == null
                && sfe.getValidUnsentAddresses() == null) {
            return java.util.Optional.empty();
        }
        // the server took the message after RCPT TO ("." answered 2xx): the addresses it accepted have it
        boolean taken = sfe instanceof SMTPSendFailedException s && ".".equals(s.getCommand())
                && s.getReturnCode() / 100 == 2;
        Set<String> sent = taken ? keys(sfe.getValidSentAddresses()) : Set.of();
        Set<String> invalid = keys(sfe.getInvalidAddresses());
        Map<String, String> replies = replies(sfe);
        List<String> delivered = new ArrayList<>();
        List<String> later = new ArrayList<>();
        Map<String, String> refused = new java.util.LinkedHashMap<>();
        Map<String, String> deferred = new java.util.LinkedHashMap<>();
        for (String r : recipients) {
            String k = key(r);
            String reply = replies.getOrDefault(k, "refused");
            if (sent.contains(k)) {
                delivered.add(r);
            } else if (invalid.contains(k)) {
                refused.put(r, reply);
            } else {
                later.add(r);
                if (replies.containsKey(k)) {
                    deferred.put(r, reply);
                }
            }
        }
        return java.util.Optional.of(new RecipientReplies(delivered, later, refused, deferred));
    }

    /**
     * Whether the outbox row changes: someone has the notice now, or some address is refused for good while others
     * are still tried. A notice nobody has and every recipient refused for good stays as it is, PENDING: it is never
     * dropped, and {@code kcd-audit outbox} shows why it waits.
     */
    boolean changesRow() {
        return !delivered.isEmpty() || !refused.isEmpty() && !later.isEmpty();
    }

    /** One line for the outbox row and the log: who has it, who was refused for good, who is tried again and why. */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!delivered.isEmpty()) {
            parts.add("sent to " + String.join(", ", delivered));
        }
        if (!refused.isEmpty()) {
            parts.add("refused for good by the SMTP server, not tried again: " + list(refused)
                    + " — correct or remove the address in mail.to or mail.clusterRecipients");
        }
        if (!deferred.isEmpty()) {
            parts.add("refused for now by the SMTP server, tried again: " + list(deferred));
        }
        return String.join("; ", parts);
    }

    private static String list(Map<String, String> replies) {
        List<String> out = new ArrayList<>();
        replies.forEach((address, reply) -> out.add(address + " (" + reply + ")"));
        return String.join(", ", out);
    }

    /** The server's reply per address, from the chain of {@link SMTPAddressFailedException}s. */
    private static Map<String, String> replies(SendFailedException e) {
        Map<String, String> out = new HashMap<>();
        Set<Exception> seen = new HashSet<>();
        for (Exception n = e.getNextException(); n != null && seen.add(n);
             n = n instanceof MessagingException m ? m.getNextException() : null) {
            if (n instanceof SMTPAddressFailedException a) {
                String reply = String.valueOf(a.getMessage()).lines().findFirst().orElse("").strip();
                out.putIfAbsent(key(a.getAddress().getAddress()), reply);
            }
        }
        return out;
    }

    private static Set<String> keys(Address[] addresses) {
        Set<String> out = new HashSet<>();
        if (addresses != null) {
            for (Address a : addresses) {
                out.add(key(a instanceof InternetAddress ia ? ia.getAddress() : a.toString()));
            }
        }
        return out;
    }

    /** The bare address of a recipient as stored ({@code Team <team@contoso.com>} or {@code team@contoso.com}). */
    private static String key(String recipient) {
        try {
            return new InternetAddress(recipient).getAddress().toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            return recipient.strip().toLowerCase(Locale.ROOT);
        }
    }
}
