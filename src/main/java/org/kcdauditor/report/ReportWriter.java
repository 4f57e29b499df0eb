package org.kcdauditor.report;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;

/** Lays out one output format from the {@link ReportView}. Writers never touch the directory and compute nothing. */
public interface ReportWriter {
    Format format();

    /** The file written into the run folder, e.g. {@code audit.xlsx}. */
    default String fileName() {
        return format().fileName();
    }

    void write(ReportView view, OutputStream out) throws IOException;

    /**
     * The same, knowing the reports that end up in the folder with this one ({@code beside}, this one's format
     * included): a runbook names the script, which may not be there.
     */
    default void write(ReportView view, OutputStream out, Set<Format> beside) throws IOException {
        write(view, out);
    }
}
