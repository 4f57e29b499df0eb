package org.kcdauditor.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code mail:} — where notices go. The password comes from {@code passwordEnv} or
 * {@code passwordFile}, never from the YAML. {@code security: none} is refused unless the host is
 * loopback or {@code allowInsecure: true} says the relay is on a network you trust.
 */
public record MailConfig(String host, Integer port, String security, String username, String passwordEnv,
                         String passwordFile, String from, List<String> to,
                         Map<String, List<String>> clusterRecipients, Integer attachPdfMaxMb, String trustStore,
                         String trustStorePasswordEnv, Boolean allowInsecure, Integer timeoutSeconds) {
    public static final int DEFAULT_ATTACH_PDF_MAX_MB = 10;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    public MailConfig {
        to = to == null ? List.of() : List.copyOf(to);
        clusterRecipients = clusterRecipients == null ? Map.of() : Map.copyOf(clusterRecipients);
    }

    public enum Security { STARTTLS, SMTPS, NONE }

    public Security securityMode() {
        return security == null ? Security.STARTTLS : Security.valueOf(security.trim().toUpperCase(Locale.ROOT));
    }

    /** 587 for starttls, 465 for smtps, 25 for none, unless given. */
    public int portOrDefault() {
        if (port != null) {
            return port;
        }
        return switch (securityMode()) {
            case STARTTLS -> 587;
            case SMTPS -> 465;
            case NONE -> 25;
        };
    }

    public long attachPdfMaxBytes() {
        return (attachPdfMaxMb == null ? DEFAULT_ATTACH_PDF_MAX_MB : attachPdfMaxMb) * 1024L * 1024L;
    }

    public int timeoutSecondsOrDefault() {
        return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
    }

    /** The recipients of the notice about one cluster ({@code clusterRecipients}, keys matched case-insensitively). */
    public List<String> recipientsOf(String cluster) {
        for (Map.Entry<String, List<String>> e : clusterRecipients.entrySet()) {
            if (e.getKey().equalsIgnoreCase(cluster)) {
                return e.getValue() == null ? List.of() : e.getValue();
            }
        }
        return List.of();
    }
}
