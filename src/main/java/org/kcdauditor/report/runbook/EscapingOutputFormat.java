package org.kcdauditor.report.runbook;

import freemarker.core.CommonMarkupOutputFormat;
import freemarker.core.CommonTemplateMarkupOutputModel;
import freemarker.template.utility.StringUtil;
import org.kcdauditor.remedy.Ps;
import org.kcdauditor.remedy.Values;

import java.io.IOException;
import java.io.Writer;
import java.util.function.UnaryOperator;

/**
 * FreeMarker auto-escaping for the runbook formats FreeMarker does not know, chosen by template
 * name in {@link TemplateRenderer}:
 * <ul>
 * <li>{@link #MARKDOWN} for {@code *.md.ftl}: Markdown and inline-HTML characters get a backslash
 * ({@code >} only at the start of a value, where it could open a block quote; {@code http://}'s colon,
 * {@code www.}'s dot and {@code @}, which a viewer would turn into a link), line breaks and every other
 * control character are shown as {@code \\u000A}, so a directory value can neither start a heading, a list or a
 * code fence nor inject HTML, and a value read is the value stored ({@code cifs/line\\u000Abreak}, not
 * {@code cifs/line break}).
 * Pre-built one-line commands are written with {@code ?no_esc} inside code blocks; free text that
 * holds commands goes into a code span with {@code code(value)} ({@link #codeSpan}).</li>
 * <li>{@link #HTML} for {@code *.html.ftl}: HTML escaping; line breaks, control and bidirectional
 * characters as in Markdown. The procedure's own multi-line text (several commands) is split into lines by
 * the template ({@code <@pre text=…/>} in runbook.html.ftl), each line escaped.</li>
 * <li>{@link #POWERSHELL} for {@code *.ps1.ftl}: every {@code ${value}} has its single quotes doubled
 * (also the typographic ones PowerShell treats as quotes), line breaks and other control and
 * bidirectional characters shown as {@code \\uXXXX}, so a
 * value written as {@code '${value}'} stays one string and a value in a {@code #} comment stays in
 * it. Templates must therefore put values only inside single quotes or after {@code #}.</li>
 * <li>{@link #TEXT} for {@code *.txt.ftl} (the mail notices' plain-text parts): every value as {@link #shown}, so
 * a directory value with a line feed cannot write a line of its own into the notice (a forged
 * {@code DECISION: GO}) and a U+202E cannot turn text around; text the notice keeps on several lines (a failure's
 * reason) is split into lines by the template.</li>
 * </ul>
 */
public final class EscapingOutputFormat extends CommonMarkupOutputFormat<EscapingOutputFormat.Model> {
    private static final String MARKDOWN_SPECIAL = "\\`*_[]<|#~";

    public static final EscapingOutputFormat MARKDOWN = new EscapingOutputFormat("Markdown", "text/markdown",
            EscapingOutputFormat::escapeMarkdown);
    public static final EscapingOutputFormat POWERSHELL = new EscapingOutputFormat("PowerShell", "text/plain",
            s -> shown(Ps.escape(s)));
    /** Plain text: the value as {@link #shown} (control and bidirectional characters as {@code \\uXXXX}). */
    public static final EscapingOutputFormat TEXT = new EscapingOutputFormat("kcdText", "text/plain",
            EscapingOutputFormat::shown);
    /** HTML escaping ({@code < > & " '}) of the value as {@link #shown}. */
    public static final EscapingOutputFormat HTML = new EscapingOutputFormat("kcdHTML", "text/html",
            s -> StringUtil.XHTMLEnc(shown(s)));

    private final String name;
    private final String mimeType;
    private final UnaryOperator<String> escaper;

    private EscapingOutputFormat(String name, String mimeType, UnaryOperator<String> escaper) {
        this.name = name;
        this.mimeType = mimeType;
        this.escaper = escaper;
    }

    /**
     * A value on one line as it is stored: every control character, a line feed included, and every
     * bidirectional formatting character is shown as {@code \\uXXXX} (a U+202E would otherwise turn the
     * text around on screen, and a line feed turned into a space would show an entry stored as
     * {@code cifs/line\\u000Abreak} as {@code cifs/line break}: what is read must be what is stored, "Trojan
     * Source"). Line breaks of the reports' own multi-line text are the template's to keep.
     */
    static String shown(String s) {
        return Values.visible(s == null ? "" : s);
    }

    static String escapeMarkdown(String s) {
        String one = shown(s);
        StringBuilder sb = new StringBuilder(one.length() + 8);
        for (int i = 0; i < one.length(); i++) {
            char c = one.charAt(i);
            if (MARKDOWN_SPECIAL.indexOf(c) >= 0 || c == '>' && i == 0 || autolinks(one, i)) {
                sb.append('\\');
            }
            sb.append(c == '&' ? "&amp;" : String.valueOf(c));
        }
        return sb.toString();
    }

    /**
     * Whether the character at {@code i} lets a Markdown viewer turn a value into a link (GFM's autolink extension in
     * GitHub, GitLab and VS Code, linkify elsewhere): the {@code :} of {@code http://}, {@code https://} or
     * {@code ftp://} ({@code ldaps://} is linked by none), the {@code .} after {@code www}, an {@code @}. A backslash
     * before it keeps the value text, shown the same.
     */
    private static boolean autolinks(String s, int i) {
        char c = s.charAt(i);
        return c == '@' || c == ':' && s.startsWith("//", i + 1) && (endsWith(s, i, "http") || endsWith(s, i, "https")
                || endsWith(s, i, "ftp")) || c == '.' && endsWith(s, i, "www");
    }

    /** Whether {@code s} holds {@code word} (in any case) right before index {@code i}. */
    private static boolean endsWith(String s, int i, String word) {
        return i >= word.length() && s.regionMatches(true, i - word.length(), word, 0, word.length());
    }

    /**
     * {@code s} on one line as a Markdown code span, shown literally whatever it contains: the span is
     * delimited by one backtick more than the longest run of backticks inside, and padded with a space
     * when the text begins or ends with a backtick or a space (CommonMark strips one space on each side).
     * Inside a code span nothing is an escape, an entity or HTML. Not at the start of a line (three
     * backticks there open a code block), not in a table (a {@code |} still splits the cell).
     */
    static String codeSpan(String s) {
        String one = shown(s);
        if (one.isEmpty()) {
            return "";
        }
        int longest = 0;
        int run = 0;
        for (int i = 0; i < one.length(); i++) {
            run = one.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = one.startsWith("`") || one.endsWith("`") || one.startsWith(" ") && one.endsWith(" ");
        String p = pad ? " " : "";
        return fence + p + one + p + fence;
    }

    public String escape(String s) {
        return escaper.apply(s);
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
        return new Model(this, plainTextContent, markupContent);
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getMimeType() {
        return mimeType;
    }

    public static final class Model extends CommonTemplateMarkupOutputModel<Model> {
        private final EscapingOutputFormat format;

        Model(EscapingOutputFormat format, String plainTextContent, String markupContent) {
            super(plainTextContent, markupContent);
            this.format = format;
        }

        @Override
        public EscapingOutputFormat getOutputFormat() {
            return format;
        }
    }
}
