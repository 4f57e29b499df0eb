package org.kcdauditor.report;

import java.io.IOException;
import java.io.OutputStream;

/** Renders one output format from a {@link FindingsDocument}. Writers never touch the directory. */
public interface ReportWriter {
    /** The name used in {@code --formats} and {@code reports.formats}: json, xlsx, pdf, md, html, ps1. */
    String format();

    /** The file written into the run folder, e.g. {@code audit.xlsx}. */
    String fileName();

    void write(Rendering rendering, OutputStream out) throws IOException;
}
