package org.kcdauditor.config;

import java.util.List;

/**
 * {@code reports:} — where runs write and which formats (default: all). {@code pdfMatrixMaxNodes}:
 * clusters with more nodes get a matrix in the PDF reduced to the hosts of failing pairs (default 16).
 */
public record ReportsConfig(String dir, List<String> formats, Integer pdfMatrixMaxNodes) {
    public static final int DEFAULT_PDF_MATRIX_MAX_NODES = 16;

    public ReportsConfig {
        formats = formats == null ? null : List.copyOf(formats);
    }

    /** No {@code reports:} key: {@code reports/} in the working directory, every format. */
    public static ReportsConfig defaults() {
        return new ReportsConfig(null, null, null);
    }

    public ReportsConfig(String dir, List<String> formats) {
        this(dir, formats, null);
    }

    public int pdfMatrixMaxNodesOrDefault() {
        return pdfMatrixMaxNodes == null ? DEFAULT_PDF_MATRIX_MAX_NODES : pdfMatrixMaxNodes;
    }
}
