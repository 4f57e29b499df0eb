package org.kcdauditor.model;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Remedies;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One thing that is wrong (or worth knowing). {@code id} is a stable hash of rule, host, peer and
 * SPN, so the same problem has the same id in every run (drift and mail notices compare ids).
 *
 * <p>{@code evidence} holds the facts the rule judged and {@code actions} what fixes it, as data; {@code message}
 * and {@code remediation} are the same in words, for people. Findings read from a findings.json written before
 * evidence existed have neither (null evidence, no actions); readers then fall back to showing the text.
 *
 * <p>{@code waived} and {@code waiver} are set (and only then written) when a baseline waiver
 * suppresses the finding: it stays in the list, marked, with the waiver's justification. Jackson reads
 * and writes the record's {@code waived}; {@link #isWaived()} is not a JSON property (ignoring it with
 * {@code @JsonIgnore} also dropped {@code waived} when findings.json was read back).
 */
@JsonAutoDetect(isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"id", "rule", "severity", "cluster", "host", "peer", "spn", "message", "remediation", "evidence",
        "actions", "waived", "waiver"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Finding(String id, String rule, Severity severity, String cluster, String host, String peer,
                      String spn, String message, String remediation, Evidence evidence,
                      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Action> actions,
                      @JsonProperty("waived") Boolean waived, Waiver waiver) {

    /** The waiver that suppresses a finding, as the baseline documents it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Waiver(String justification, LocalDate expires) {
    }

    public Finding {
        actions = actions == null ? List.of() : List.copyOf(actions);
    }

    /**
     * A finding without a waiver; {@code remediation} is rendered from {@code actions}. {@code idSpn} is the
     * fourth part of the stable id, usually {@code spn}.
     */
    public static Finding of(String rule, Severity severity, String cluster, String host, String peer, String spn,
                             String idSpn, String message, Evidence evidence, List<Action> actions) {
        return of(rule, severity, cluster, host, peer, spn, idSpn, message, evidence, actions,
                org.kcdauditor.remedy.Commands.serverless());
    }

    /** As the other {@code of}, the remediation's commands from {@code commands} (the hosts' account names). */
    public static Finding of(String rule, Severity severity, String cluster, String host, String peer, String spn,
                             String idSpn, String message, Evidence evidence, List<Action> actions,
                             org.kcdauditor.remedy.Commands commands) {
        return new Finding(stableId(rule, host, peer, idSpn), rule, severity, cluster, host, peer, spn, message,
                Remedies.describe(actions, commands), evidence, actions, null, null);
    }

    /**
     * This finding with {@code advice} as its remediation text; its actions stay (the data the plan is rebuilt from
     * when findings.json is rendered again, so the advice comes out the same).
     */
    public Finding advised(String advice) {
        return new Finding(id, rule, severity, cluster, host, peer, spn, message, advice, evidence, actions, waived,
                waiver);
    }

    /** True when the finding carries typed evidence (every finding since findings.json gained it). */
    public boolean hasEvidence() {
        return evidence != null;
    }

    /**
     * The findings this one follows from ({@code evidence.relatedFindings}): an observed failure or a hardening
     * finding is settled when they are. Empty when it names none, and for an observed failure that delegation
     * cannot explain ({@code delegationExplains: false}, a network error): the findings it names would fail the
     * pair too, but fixing them does not make the failure seen go away.
     */
    public List<String> causes() {
        if (evidence == null || evidence.relatedFindings() == null
                || Boolean.FALSE.equals(evidence.delegationExplains())) {
            return List.of();
        }
        return evidence.relatedFindings();
    }

    /** True when a waiver suppresses this finding. */
    public boolean isWaived() {
        return Boolean.TRUE.equals(waived);
    }

    /** This finding marked as waived by {@code w}. */
    public Finding withWaiver(Waiver w) {
        return new Finding(id, rule, severity, cluster, host, peer, spn, message, remediation, evidence, actions,
                Boolean.TRUE, w);
    }

    public static String stableId(String rule, String host, String peer, String spn) {
        String material = String.join("|", rule, norm(host), norm(peer), spn == null ? "" : Spn.keyOf(spn));
        byte[] digest = SHA_256.get().digest(material.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 8);
    }

    /**
     * One SHA-256 digest per thread ({@code digest} leaves it reset), not one looked up from the providers for each
     * finding: a run's 10,000 findings asked the providers 10,000 times.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    });

    private static String norm(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
