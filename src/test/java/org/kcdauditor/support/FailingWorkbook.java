package org.kcdauditor.support;

import org.kcdauditor.report.Format;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportWriter;

import java.io.IOException;
import java.io.OutputStream;

/** The workbook's writer replaced by {@code body}, which fails as a full disk makes the real one fail. */
public final class FailingWorkbook {
    /** What the writer does with its stream before (and by) failing. */
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private FailingWorkbook() {
    }

    public static ReportWriter of(Body body) {
        return new ReportWriter() {
            @Override
            public Format format() {
                return Format.XLSX;
            }

            @Override
            public String fileName() {
                return "audit.xlsx";
            }

            @Override
            public void write(ReportView view, OutputStream out) throws IOException {
                body.write(out);
            }
        };
    }
}
