package org.kcdauditor.report;

import java.io.IOException;
import java.io.OutputStream;

/** {@code findings.json}: always written, the source every other format can be re-rendered from. */
public final class JsonReportWriter implements ReportWriter {
    @Override
    public String format() {
        return "json";
    }

    @Override
    public String fileName() {
        return FindingsJson.FILE_NAME;
    }

    @Override
    public void write(Rendering rendering, OutputStream out) throws IOException {
        FindingsJson.MAPPER.writeValue(out, rendering.doc());
    }
}
