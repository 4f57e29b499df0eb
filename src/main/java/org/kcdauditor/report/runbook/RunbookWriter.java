package org.kcdauditor.report.runbook;

import org.kcdauditor.report.Rendering;
import org.kcdauditor.report.ReportWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** runbook.md, runbook.html and remediation.ps1: one FreeMarker template each. */
public final class RunbookWriter implements ReportWriter {
    private final String format;
    private final String fileName;
    private final String template;
    private final TemplateRenderer renderer;

    public RunbookWriter(String format, String fileName, String template, TemplateRenderer renderer) {
        this.format = format;
        this.fileName = fileName;
        this.template = template;
        this.renderer = renderer;
    }

    public static RunbookWriter markdown(TemplateRenderer r) {
        return new RunbookWriter("md", "runbook.md", "runbook.md.ftl", r);
    }

    public static RunbookWriter html(TemplateRenderer r) {
        return new RunbookWriter("html", "runbook.html", "runbook.html.ftl", r);
    }

    public static RunbookWriter powershell(TemplateRenderer r) {
        return new RunbookWriter("ps1", "remediation.ps1", "remediation.ps1.ftl", r);
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public String fileName() {
        return fileName;
    }

    public String render(Rendering rendering) {
        return renderer.render(template, RunbookModel.of(rendering.doc(), rendering.plan()));
    }

    @Override
    public void write(Rendering rendering, OutputStream out) throws IOException {
        String text = render(rendering);
        if (format.equals("ps1")) {
            // Windows PowerShell 5.1 reads a BOM-less script as the ANSI code page: non-ASCII names need the BOM.
            out.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            text = text.replace("\r\n", "\n").replace("\n", "\r\n");
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
