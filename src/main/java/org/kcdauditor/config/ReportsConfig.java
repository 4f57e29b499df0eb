package org.kcdauditor.config;

import java.util.List;

/**
 * {@code reports:} — where runs write and which formats (default: all). {@code pdfMatrixMaxNodes}:
 * clusters with more nodes get a matrix in the PDF reduced to the hosts of failing pairs (default 16).
 * {@code changeTicket}: the change ticket the reports are prepared for, printed on the PDF's decision page and
 * sign-off, the runbooks and the workbook (none: a field to fill in).
 */
public record ReportsConfig(String dir, List<String> formats, Integer pdfMatrixMaxNodes, String changeTicket) {
    public static final int DEFAULT_PDF_MATRIX_MAX_NODES = 16;
    /** The longest change ticket printed: an id or a short title, not a description. */
    public static final int MAX_CHANGE_TICKET = 80;

    public ReportsConfig {
        formats = formats == null ? null : List.copyOf(formats);
    }

    /** No {@code reports:} key: {@code reports/} in the working directory, every format, no change ticket. */
    public static ReportsConfig defaults() {
        return new ReportsConfig(null, null, null, null);
    }

    public ReportsConfig(String dir, List<String> formats) {
        this(dir, formats, null, null);
    }

    public int pdfMatrixMaxNodesOrDefault() {
        return pdfMatrixMaxNodes == null ? DEFAULT_PDF_MATRIX_MAX_NODES : pdfMatrixMaxNodes;
    }

    /** These options with the change ticket {@code ticket} (from {@code --change-ticket}) when it is given. */
    public static ReportsConfig withChangeTicket(ReportsConfig c, String ticket) {
        if (ticket == null) {
            return c;
        }
        return new ReportsConfig(c.dir(), c.formats(), c.pdfMatrixMaxNodes(), ticket);
    }

    /**
     * Why {@code ticket} cannot be printed (empty, several lines, control or bidirectional characters, too long),
     * or null when it can.
     */
    public static String changeTicketProblem(String ticket) {
        if (ticket == null) {
            return null;
        }
        if (ticket.isBlank()) {
            return "must not be empty (a change ticket id such as CHG0042, or leave it out)";
        }
        if (ticket.length() > MAX_CHANGE_TICKET) {
            return "at most " + MAX_CHANGE_TICKET + " characters (a ticket id or short title; got " + ticket.length()
                    + ")";
        }
        if (!org.kcdauditor.remedy.Values.oneLine(ticket)) {
            return "one line of visible text (no control, line-break or bidirectional characters)";
        }
        return null;
    }
}
