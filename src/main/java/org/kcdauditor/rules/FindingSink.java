package org.kcdauditor.rules;

import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;

import java.util.ArrayList;
import java.util.List;

/** Collects the findings of one evaluation. */
public final class FindingSink {
    private final List<Finding> findings = new ArrayList<>();

    public void add(RuleInfo rule, String cluster, String host, String peer, String spn, String message,
                    String remediation) {
        add(rule, rule.severity(), cluster, host, peer, spn, message, remediation);
    }

    public void add(RuleInfo rule, Severity severity, String cluster, String host, String peer, String spn,
                    String message, String remediation) {
        findings.add(Finding.of(rule.id(), severity, cluster, host, peer, spn, message, remediation));
    }

    public List<Finding> findings() {
        return findings;
    }
}
