package org.kcdauditor.notify;

import java.nio.file.Path;
import java.util.List;

/**
 * One mail to send: built from a run's findings, stored in the outbox as a complete MIME message
 * before it is sent.
 *
 * @param key        stable outbox key: run id and audience ({@code <run>:all}, {@code <run>:cluster:HVC1})
 * @param messageId  the Message-ID header, derived from the key, so every retry carries the same one
 * @param pdf        the report to attach, or null (too large, or none written: then the text names the path)
 */
public record Notice(String key, String messageId, String runId, String jobName, List<String> recipients,
                     String subject, String text, String html, Path pdf) {
    public Notice {
        recipients = List.copyOf(recipients);
    }
}
