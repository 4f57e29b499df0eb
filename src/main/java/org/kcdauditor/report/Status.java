package org.kcdauditor.report;

import java.util.Map;

/** The traffic light of a cluster or a run, from its findings by severity. */
public enum Status {
    /** No finding above INFO. */
    GREEN("OK"),
    /** MEDIUM or LOW findings: live migration works, but something should be fixed. */
    AMBER("Attention"),
    /** HIGH findings: live migration fails (or delegation is unsafe) somewhere. */
    RED("Action required");

    private final String label;

    Status(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Status of(Map<String, Integer> bySeverity) {
        if (count(bySeverity, "HIGH") > 0) {
            return RED;
        }
        if (count(bySeverity, "MEDIUM") > 0 || count(bySeverity, "LOW") > 0) {
            return AMBER;
        }
        return GREEN;
    }

    public static int count(Map<String, Integer> bySeverity, String severity) {
        if (bySeverity == null) {
            return 0;
        }
        Integer n = bySeverity.get(severity);
        return n == null ? 0 : n;
    }

    /** The matrix colour of one directed pair. */
    public static Status ofPair(FindingsDocument.PairDoc p) {
        if (p.ok()) {
            return GREEN;
        }
        return p.present() == 0 && !p.rbcd() ? RED : AMBER;
    }

    /** Matrix cell text: present/required, "!" when a target SPN is not registered, "R" when RBCD covers it. */
    public static String pairText(FindingsDocument.PairDoc p) {
        String t = p.present() + "/" + p.required();
        if (p.unregistered() != null && !p.unregistered().isEmpty()) {
            t += " !";
        }
        if (p.rbcd()) {
            t += " R";
        }
        return t;
    }
}
