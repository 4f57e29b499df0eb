package org.kcdauditor.report;

import org.kcdauditor.model.Counts;
import org.kcdauditor.model.Severity;

/** The traffic light of a cluster, a run or a matrix cell. */
public enum Status {
    /** No finding above INFO; a cell: every entry present and usable. */
    GREEN("OK"),
    /**
     * MEDIUM or LOW findings, or pairs that fail only through waived findings: live migration works where it is
     * expected to, but something should be fixed or is accepted; a cell: partly present.
     */
    AMBER("Attention"),
    /**
     * HIGH findings, or a pair an open finding blocks (whatever its severity or cluster): live migration fails (or
     * delegation is unsafe) somewhere; a cell: nothing present.
     */
    RED("Action required");

    /** What each label means, as the legends of the PDF and the workbook give it. */
    public static final String LEGEND = "OK = no finding above INFO; Attention = MEDIUM or LOW findings, or a pair"
            + " that fails only through waived findings (for the whole run: also a cluster not audited); Action"
            + " required = HIGH findings, or a pair an open finding blocks (live migration fails or delegation is"
            + " unsafe); Not audited = the cluster's directory could not be read";

    private final String label;

    Status(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** RED with an open HIGH finding, AMBER with an open MEDIUM or LOW one, else GREEN. */
    public static Status of(Counts c) {
        if (c.open(Severity.HIGH) > 0) {
            return RED;
        }
        return c.open(Severity.MEDIUM) + c.open(Severity.LOW) > 0 ? AMBER : GREEN;
    }

    /**
     * {@link #of}, but RED while an open finding blocks a pair ({@code blockedPairs}: a disabled node's MEDIUM
     * ACCOUNT_DISABLED, another cluster's finding, makes the cluster NO-GO, which "Attention" understated), and never
     * GREEN while a pair fails only through waived findings ({@code failingPairs}): "OK" beside a failing pair misleads.
     */
    public static Status of(Counts c, boolean blockedPairs, boolean failingPairs) {
        Status s = blockedPairs ? RED : of(c);
        return s == GREEN && failingPairs ? AMBER : s;
    }
}
