package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One thing that is wrong (or worth knowing). {@code id} is a stable hash of rule, host, peer and
 * SPN, so the same problem has the same id in every run (drift and mail notices compare ids).
 */
@JsonPropertyOrder({"id", "rule", "severity", "cluster", "host", "peer", "spn", "message", "remediation"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(String id, String rule, Severity severity, String cluster, String host, String peer,
                      String spn, String message, String remediation) {

    public static Finding of(String rule, Severity severity, String cluster, String host, String peer, String spn,
                             String message, String remediation) {
        return new Finding(stableId(rule, host, peer, spn), rule, severity, cluster, host, peer, spn, message,
                remediation);
    }

    public static String stableId(String rule, String host, String peer, String spn) {
        String material = String.join("|", rule, norm(host), norm(peer), spn == null ? "" : Spn.keyOf(spn));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String norm(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
