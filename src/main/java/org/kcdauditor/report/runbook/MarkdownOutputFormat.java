package org.kcdauditor.report.runbook;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import org.kcdauditor.report.Ps;

import java.io.IOException;
import java.io.Writer;

/**
 * Auto-escaping for {@code *.md.ftl}: Markdown and inline-HTML characters get a backslash, line
 * breaks become spaces, so a directory value can neither start a heading, a list or a code fence
 * nor inject HTML. Pre-built one-line commands are written with {@code ?no_esc} inside code blocks.
 */
public final class MarkdownOutputFormat extends CommonMarkupOutputFormat<MarkdownOutputFormat.Model> {
    public static final MarkdownOutputFormat INSTANCE = new MarkdownOutputFormat();
    private static final String SPECIAL = "\\`*_[]<>|#";

    private MarkdownOutputFormat() {
    }

    public static String escape(String s) {
        String one = Ps.oneLine(s);
        StringBuilder sb = new StringBuilder(one.length() + 8);
        for (int i = 0; i < one.length(); i++) {
            char c = one.charAt(i);
            if (SPECIAL.indexOf(c) >= 0) {
                sb.append('\\');
            }
            sb.append(c == '&' ? "&amp;" : String.valueOf(c));
        }
        return sb.toString();
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
        return "Markdown";
    }

    @Override
    public String getMimeType() {
        return "text/markdown";
    }

    public static final class Model extends CommonTemplateMarkupOutputModel<Model> {
        Model(String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
        }

        @Override
        public MarkdownOutputFormat getOutputFormat() {
            return INSTANCE;
        }
    }
}
