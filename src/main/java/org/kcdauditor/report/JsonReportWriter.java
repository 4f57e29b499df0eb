package org.kcdauditor.report;

import java.io.IOException;
import java.io.OutputStream;

/** {@code findings.json}: always written, the source every other format can be re-rendered from. */
public final class JsonReportWriter implements ReportWriter {
    @Override
    public Format format() {
        return Format.JSON;
    }

    @Override
    public void write(ReportView view, OutputStream out) throws IOException {
        FindingsJson.MAPPER.writeValue(out, view.doc());
    }
}
