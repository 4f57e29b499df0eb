package org.kcdauditor.report.runbook;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import org.kcdauditor.report.Ps;

import java.io.IOException;
import java.io.Writer;

/**
 * Auto-escaping for {@code *.ps1.ftl}: every {@code ${value}} has its single quotes doubled (also
 * the typographic ones PowerShell treats as quotes) and line breaks turned into spaces, so a value
 * written as {@code '${value}'} stays one string and a value in a {@code #} comment stays in it.
 * Templates must therefore put values only inside single quotes or after {@code #}.
 */
public final class PowerShellOutputFormat extends CommonMarkupOutputFormat<PowerShellOutputFormat.Model> {
    public static final PowerShellOutputFormat INSTANCE = new PowerShellOutputFormat();

    private PowerShellOutputFormat() {
    }

    public static String escape(String s) {
        return Ps.oneLine(Ps.escape(s));
    }

    @Override
    public void output(String textToEsc, Writer out) throws IOException {
        out.write(escape(textToEsc));
    }

    @Override
    public String escapePlainText(String plainTextContent) {
        return escape(plainTextContent);
    }

    @Override
    public boolean isLegacyBuiltInBypassed(String builtInName) {
        return false;
    }

    @Override
    protected Model newTemplateMarkupOutputModel(String plainTextContent, String markupContent) {
        return new Model(plainTextContent, markupContent);
    }

    @Override
    public String getName() {
        return "PowerShell";
    }

    @Override
    public String getMimeType() {
        return "text/plain";
    }

    public static final class Model extends CommonTemplateMarkupOutputModel<Model> {
        Model(String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
        }

        @Override
        public PowerShellOutputFormat getOutputFormat() {
            return INSTANCE;
        }
    }
}
