package org.kcdauditor.report.runbook;

import org.kcdauditor.report.Format;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.report.ReportWriter;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/** runbook.md, runbook.html and remediation.ps1: one FreeMarker template each. */
public final class RunbookWriter implements ReportWriter {
    private final Format format;
    private final TemplateRenderer renderer;

    private RunbookWriter(Format format, TemplateRenderer renderer) {
        this.format = format;
        this.renderer = renderer;
    }

    public static RunbookWriter markdown(TemplateRenderer r) {
        return new RunbookWriter(Format.MD, r);
    }

    public static RunbookWriter html(TemplateRenderer r) {
        return new RunbookWriter(Format.HTML, r);
    }

    public static RunbookWriter powershell(TemplateRenderer r) {
        return new RunbookWriter(Format.PS1, r);
    }

    @Override
    public Format format() {
        return format;
    }

    /** The template: the file name with {@code .ftl} ({@code runbook.md.ftl}). */
    public String template() {
        return format.fileName() + ".ftl";
    }

    /** The text, as it reads beside every other report. */
    public String render(ReportView view) {
        return render(view, EnumSet.allOf(Format.class));
    }

    /** The text, as it reads beside the reports {@code beside} (a runbook without the script says so). */
    public String render(ReportView view, Set<Format> beside) {
        return renderer.render(template(), RunbookModel.of(view, beside));
    }

    @Override
    public void write(ReportView view, OutputStream out) throws IOException {
        write(view, out, EnumSet.allOf(Format.class));
    }

    @Override
    public void write(ReportView view, OutputStream out, Set<Format> beside) throws IOException {
        String text = render(view, beside);
        if (format == Format.PS1) {
            // Windows PowerShell 5.1 reads a BOM-less script as the ANSI code page: non-ASCII names need the BOM.
            out.write(new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            text = text.replace("\r\n", "\n").replace("\n", "\r\n");
        }
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
