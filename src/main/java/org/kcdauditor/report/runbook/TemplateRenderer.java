package org.kcdauditor.report.runbook;

import org.kcdauditor.remedy.Ps;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.ConditionalTemplateConfigurationFactory;
import freemarker.cache.FileNameGlobMatcher;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.FirstMatchTemplateConfigurationFactory;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.core.Environment;
import freemarker.core.InvalidReferenceException;
import freemarker.core.OutputFormat;
import freemarker.core.ParseException;
import freemarker.core.TemplateClassResolver;
import freemarker.core.TemplateConfiguration;
import freemarker.template.Configuration;
import freemarker.template.DefaultObjectWrapperBuilder;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateMethodModelEx;
import freemarker.template.TemplateModelException;
import freemarker.template.TemplateNotFoundException;
import freemarker.template.TemplateScalarModel;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.report.Palette;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;

/**
 * Renders the admin-editable runbook templates. Templates come from the templates folder of the
 * installation; a template missing there is taken from the copy inside the jar. Templates are
 * treated as untrusted: no {@code ?api}, no {@code ?new} of any class, auto-escaping by file type
 * ({@code .html.ftl} HTML, {@code .md.ftl} Markdown, {@code .ps1.ftl} PowerShell single quotes, {@code .txt.ftl}
 * plain text with control and bidirectional characters shown as {@code \\uXXXX}).
 * Every template problem becomes a one-line {@link ConfigException} naming file and line.
 */
public final class TemplateRenderer {
    private final Configuration cfg;
    private final Path templatesDir;

    public TemplateRenderer(Path templatesDir) {
        this.templatesDir = templatesDir;
        cfg = new Configuration(Configuration.VERSION_2_3_34);
        List<TemplateLoader> loaders = new ArrayList<>();
        if (templatesDir != null && Files.isDirectory(templatesDir)) {
            try {
                loaders.add(new FileTemplateLoader(templatesDir.toFile()));
            } catch (IOException e) {
                throw new ConfigException(templatesDir + ": cannot read the templates folder: " + e.getMessage());
            }
        }
        loaders.add(new ClassTemplateLoader(TemplateRenderer.class, "/templates"));
        cfg.setTemplateLoader(new MultiTemplateLoader(loaders.toArray(new TemplateLoader[0])));
        cfg.setDefaultEncoding("UTF-8");
        cfg.setOutputEncoding("UTF-8");
        cfg.setLocale(Locale.ROOT);
        cfg.setTimeZone(TimeZone.getTimeZone("UTC"));
        cfg.setNumberFormat("computer");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setNewBuiltinClassResolver(TemplateClassResolver.ALLOWS_NOTHING_RESOLVER);
        cfg.setAPIBuiltinEnabled(false);
        cfg.setObjectWrapper(new DefaultObjectWrapperBuilder(Configuration.VERSION_2_3_34).build());
        cfg.setRegisteredCustomOutputFormats(List.of(EscapingOutputFormat.POWERSHELL, EscapingOutputFormat.MARKDOWN,
                EscapingOutputFormat.HTML, EscapingOutputFormat.TEXT));
        cfg.setTemplateConfigurations(new FirstMatchTemplateConfigurationFactory(
                format("*.html.ftl", EscapingOutputFormat.HTML),
                format("*.md.ftl", EscapingOutputFormat.MARKDOWN),
                format("*.ps1.ftl", EscapingOutputFormat.POWERSHELL),
                format("*.txt.ftl", EscapingOutputFormat.TEXT)).allowNoMatch(true));
        cfg.setSharedVariable("code", (TemplateMethodModelEx) TemplateRenderer::code);
        cfg.setSharedVariable("comment", (TemplateMethodModelEx) TemplateRenderer::comment);
        try {
            cfg.setSharedVariable("palette", Palette.cssByName()); // the colours of every output, by name
        } catch (TemplateModelException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code code(value)} in a Markdown template: the value as a code span ({@link EscapingOutputFormat#codeSpan}). */
    private static Object code(List<?> args) throws TemplateModelException {
        return EscapingOutputFormat.MARKDOWN.fromMarkup(EscapingOutputFormat.codeSpan(
                oneString("code", EscapingOutputFormat.MARKDOWN, "Markdown templates (*.md.ftl)", args)));
    }

    /**
     * {@code comment(value)} in a PowerShell template, after a {@code #}: the value on one line as stored
     * ({@link EscapingOutputFormat#shown}: a line break cannot end the comment), its single quotes not doubled, since
     * nothing on a comment line is a string ({@code # Change ticket: O'Brien}, not {@code O''Brien}).
     */
    private static Object comment(List<?> args) throws TemplateModelException {
        return EscapingOutputFormat.POWERSHELL.fromMarkup(EscapingOutputFormat.shown(
                oneString("comment", EscapingOutputFormat.POWERSHELL, "PowerShell templates (*.ps1.ftl)", args)));
    }

    /** The one string argument of {@code function(value)}, called in a template of {@code format} only. */
    private static String oneString(String function, OutputFormat format, String templates, List<?> args)
            throws TemplateModelException {
        if (Environment.getCurrentEnvironment().getCurrentTemplate().getOutputFormat() != format) {
            throw new TemplateModelException(function + "(value) is for " + templates);
        }
        if (args.size() != 1 || !(args.get(0) instanceof TemplateScalarModel value)) {
            throw new TemplateModelException(function + "(value) takes one string");
        }
        return value.getAsString();
    }

    private static ConditionalTemplateConfigurationFactory format(String glob, OutputFormat f) {
        TemplateConfiguration tc = new TemplateConfiguration();
        tc.setOutputFormat(f);
        tc.setAutoEscapingPolicy(Configuration.ENABLE_IF_SUPPORTED_AUTO_ESCAPING_POLICY);
        return new ConditionalTemplateConfigurationFactory(new FileNameGlobMatcher(glob), tc);
    }

    /** Renders {@code name} (e.g. {@code runbook.md.ftl}) with the data model. */
    public String render(String name, Map<String, Object> model) {
        Template template;
        try {
            template = cfg.getTemplate(name);
        } catch (TemplateNotFoundException e) {
            throw new ConfigException(where(name) + ": template not found (neither in " + templatesDir
                    + " nor inside the jar)");
        } catch (ParseException e) {
            throw new ConfigException(where(name) + ":" + e.getLineNumber() + ": " + firstLine(e.getEditorMessage()));
        } catch (IOException e) {
            throw new ConfigException(where(name) + ": cannot read: " + e.getMessage());
        }
        StringWriter out = new StringWriter();
        try {
            template.process(model, out);
        } catch (TemplateException e) {
            String source = e.getTemplateSourceName() != null ? e.getTemplateSourceName() : name;
            Integer line = e.getLineNumber();
            throw new ConfigException(where(source) + (line == null ? "" : ":" + line) + ": "
                    + firstLine(e.getMessageWithoutStackTop()) + (e instanceof InvalidReferenceException
                    && templatesDir != null && Files.isRegularFile(templatesDir.resolve(source)) ? EARLIER : ""));
        } catch (IOException e) {
            throw new ConfigException(where(name) + ": " + e.getMessage());
        }
        return out.toString();
    }

    /**
     * What to do about a value an admin's copy of a template names and the data model does not hold: most often a
     * template edited for an earlier release and carried over, whose values this release renamed or dropped.
     */
    private static final String EARLIER = " — if this is your copy of an earlier release's template, carry your edits"
            + " over onto this release's (the one in its archive: values may have been renamed or dropped;"
            + " docs/install.md, Upgrading, step 3), or remove the file to use the built-in one";

    /** The file an administrator would edit: the templates folder's copy, else the jar's. */
    private String where(String name) {
        if (templatesDir != null && Files.isRegularFile(templatesDir.resolve(name))) {
            return templatesDir.resolve(name).toString();
        }
        return "templates/" + name + " (built-in)";
    }

    /** The message up to FreeMarker's stack trace, on one line. */
    private static String firstLine(String s) {
        if (s == null) {
            return "template error";
        }
        StringBuilder sb = new StringBuilder();
        for (String line : s.split("\\R")) {
            String t = line.trim();
            if (t.startsWith("----") || t.startsWith("FTL stack trace") || t.startsWith("Tip:")) {
                break;
            }
            if (!t.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(t);
            }
        }
        String one = sb.length() == 0 ? s.trim() : sb.toString();
        return one.length() > 400 ? one.substring(0, 400) + "…" : one;
    }
}
