package org.kcdauditor.support;

import org.kcdauditor.model.Evidence;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;

import java.util.List;

/** Findings for report tests. */
public final class TestFindings {
    private TestFindings() {
    }

    /** A finding as a rule emits it: evidence and actions, the remediation rendered from them. */
    /** AES_NOT_ENABLED of a node of HVC1 whose msDS-SupportedEncryptionTypes is 4 (RC4 only), set to 24 by the fix. */
    public static Finding rc4Only(String host) {
        return of("AES_NOT_ENABLED", Severity.HIGH, "HVC1", host, null, null, host + " cannot get AES tickets: its"
                        + " msDS-SupportedEncryptionTypes is RC4-HMAC (0x4).", Evidence.builder().encryptionTypes(4).build(),
                new Action.SetEncryptionTypes(host, 24, false, 4));
    }

    public static Finding of(String rule, Severity severity, String cluster, String host, String peer, String spn,
                             String message, Evidence evidence, Action... actions) {
        return Finding.of(rule, severity, cluster, host, peer, spn, spn, message, evidence, List.of(actions));
    }

    /**
     * A finding as findings.json held it before findings carried evidence and actions: rule, place and
     * text only (what {@code report --from} must still render).
     */
    public static Finding legacy(String rule, Severity severity, String cluster, String host, String peer, String spn,
                                 String message, String remediation) {
        return new Finding(Finding.stableId(rule, host, peer, spn), rule, severity, cluster, host, peer, spn, message,
                remediation, null, List.of(), null, null);
    }
}
