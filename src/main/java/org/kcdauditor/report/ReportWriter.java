package org.kcdauditor.report;

import java.io.IOException;
import java.io.OutputStream;

/** Lays out one output format from the {@link ReportView}. Writers never touch the directory and compute nothing. */
public interface ReportWriter {
    Format format();

    /** The file written into the run folder, e.g. {@code audit.xlsx}. */
    default String fileName() {
        return format().fileName();
    }

    void write(ReportView view, OutputStream out) throws IOException;
}
