package org.kcdauditor.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.pattern.ThrowableHandlingConverter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.io.IoErrors;
import org.kcdauditor.remedy.Values;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where log messages go (Logback, configured in code: found through
 * {@code META-INF/services/ch.qos.logback.classic.spi.Configurator}, no XML to parse at start).
 *
 * <ul>
 * <li>Every command: stderr, kcd-audit's own messages at INFO, libraries (Flyway, H2, Quartz, POI, and through
 * {@code java.util.logging} the PostgreSQL driver and Angus Mail) only
 * from WARN, each as one plain line like the command's own messages ({@code kcd-audit: warning: …});
 * {@code --verbose} lets library messages through at INFO, with time, thread, logger and stack traces.</li>
 * <li>{@code kcd-audit daemon}: stdout (journald, a service manager), or with {@code daemon.logFile} a
 * file rotated daily and at {@value #MAX_FILE_SIZE}, old files gzipped, {@value #MAX_HISTORY_DAYS}
 * days and at most {@value #TOTAL_SIZE_CAP} kept.</li>
 * </ul>
 * Messages carry no secrets: no code logs a password, and the configuration is never logged.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class Logging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger - %msg%n";
    /** {@link #PATTERN} with a library's exception on the message's line ({@link OneLineThrowable}). */
    private static final String ONE_LINE_PATTERN = PATTERN.replace("%msg%n", "%msg%oneLineEx%n");
    static final String APPENDER = "kcd-audit";
    static final String MAX_FILE_SIZE = "10MB";
    static final int MAX_HISTORY_DAYS = 30;
    static final String TOTAL_SIZE_CAP = "1GB";

    private static final String FLYWAY = "org.flywaydb";

    /** {@code --verbose}: the daemon's log keeps stack traces. */
    private static volatile boolean verbose;

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        CommandLineLayout layout = new CommandLineLayout();
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setLayout(layout);
        encoder.start();
        use(ctx, console, encoder);
        // libraries that log through java.util.logging (the PostgreSQL driver, Angus Mail) go where the others go,
        // at the levels set here (the propagator keeps java.util.logging from formatting what is dropped anyway)
        LevelChangePropagator levels = new LevelChangePropagator();
        levels.setContext(ctx);
        levels.setResetJUL(true);
        levels.start();
        ctx.addListener(levels);
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger(); // its console handler wrote several lines, raw, to stderr
            SLF4JBridgeHandler.install();
        }
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        ctx.getLogger("org.kcdauditor").setLevel(Level.INFO);
        // Flyway logs a failed migration itself ("Migration … failed! Please restore backups …") before it throws, and
        // the store's own line says what failed and which backup to restore (RunStore): one line, not two that differ
        ctx.getLogger(FLYWAY).setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code --verbose}: library messages at INFO too, with time, thread, logger and stack traces on stderr. */
    public static void verbose() {
        verbose = true;
        LoggerContext ctx = context();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        ctx.getLogger(FLYWAY).setLevel(null);
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        use(ctx, console);
    }

    /** A line break with the white space around it, which both layouts write as one space. */
    private static final java.util.regex.Pattern LINE_BREAKS = java.util.regex.Pattern.compile("\\s*(?:\\R\\s*)+");

    /**
     * A command's log message as the command's own messages read: {@code kcd-audit: warning: …} (or
     * {@code error: }; nothing for INFO), on one line, with the first line of an exception's message instead of
     * its stack trace. The daemon's log keeps {@link #PATTERN}, with time stamps.
     */
    static final class CommandLineLayout extends LayoutBase<ILoggingEvent> {
        @Override
        public String doLayout(ILoggingEvent event) {
            Level level = event.getLevel();
            String prefix = level.isGreaterOrEqual(Level.ERROR) ? "error: "
                    : level.isGreaterOrEqual(Level.WARN) ? "warning: " : "";
            String message = String.valueOf(event.getFormattedMessage());
            IThrowableProxy t = event.getThrowableProxy();
            if (t != null && t.getMessage() != null) {
                String cause = t.getMessage().lines().findFirst().orElse("").strip();
                if (!cause.isEmpty() && !message.contains(cause)) {
                    message += ": " + cause;
                }
            }
            return "kcd-audit: " + prefix + LINE_BREAKS.matcher(message).replaceAll(" ").strip()
                    + CoreConstants.LINE_SEPARATOR;
        }
    }

    /** The daemon without {@code daemon.logFile}: stdout, which journald or a service manager records. */
    public static void toStdout() {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.out");
        use(context(), console);
    }

    /**
     * The daemon with {@code daemon.logFile}: only this file, rotated. A file that cannot be written is
     * a configuration error (exit 2) before the daemon starts.
     */
    public static void toFile(Path file) {
        toFile(context(), file, FileSize.valueOf(MAX_FILE_SIZE));
    }

    static void toFile(LoggerContext ctx, Path file, FileSize maxFileSize) {
        Path abs = file.toAbsolutePath().normalize();
        // The rolled-over files' names are a Logback pattern, which has no escape for '%' and reads '\' as '/': the
        // daemon.log of a folder "100%" rolled over into folders named after the date, and one of "a\b" into a/b.
        if (abs.toString().contains("%") || File.separatorChar != '\\' && abs.toString().contains("\\")) {
            throw new ConfigException("daemon.logFile: " + abs + ": a path with '%'"
                    + (File.separatorChar == '\\' ? "" : " or '\\'") + " cannot be rotated (the log would roll over"
                    + " into other folders, or not at all): choose a file whose path has none");
        }
        if (Files.isDirectory(abs)) {
            throw new ConfigException("daemon.logFile: " + abs + " is a folder: name a file in it, e.g. "
                    + abs.resolve("daemon.log"));
        }
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try (OutputStream probe = Files.newOutputStream(abs, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                probe.flush();
            }
        } catch (IOException e) {
            throw new ConfigException("daemon.logFile: cannot write " + abs + ": " + IoErrors.describe(e)
                    + " (give a file in a folder the daemon's account may write)");
        }
        // Logback patterns treat '\' as an escape: Windows paths go in with '/', which Windows accepts.
        String name = abs.toString().replace('\\', '/');
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(ctx);
        appender.setFile(name);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(ctx);
        policy.setParent(appender);
        policy.setFileNamePattern(name + ".%d{yyyy-MM-dd}.%i.gz");
        policy.setMaxFileSize(maxFileSize);
        policy.setMaxHistory(MAX_HISTORY_DAYS);
        policy.setTotalSizeCap(FileSize.valueOf(TOTAL_SIZE_CAP));
        policy.start();
        appender.setRollingPolicy(policy);
        use(ctx, appender);
        if (!appender.isStarted()) {
            throw new ConfigException("daemon.logFile: cannot write " + abs + " (see the folder's permissions)");
        }
    }

    /**
     * Replaces the appender of the root logger (the only one) with {@code appender}, writing {@link #PATTERN}, each
     * message on its one line ({@link OneLineMessage}), an exception's stack trace only with {@code --verbose}.
     */
    private static void use(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.getInstanceConverterMap().put("msg", OneLineMessage::new);
        layout.getInstanceConverterMap().put("oneLineEx", OneLineThrowable::new);
        layout.setPattern(verbose ? PATTERN : ONE_LINE_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(ctx);
        encoder.setLayout(layout);
        encoder.start();
        use(ctx, appender, encoder);
    }

    /**
     * {@code %msg} of the daemon's log on one line: messages carry directory values (a node's cn in a failed run's
     * reason), and a line feed there would write a line of its own into the log (a forged "run … finished" of
     * another time). Line breaks, with the white space around them, become one space, as on the console; other
     * control characters (ESC of terminal escape sequences), bidirectional and invisible ones show as
     * {@code \\uXXXX} ({@link Values#visible}).
     */
    public static final class OneLineMessage extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return oneLine(super.convert(event));
        }

        static String oneLine(String message) {
            return message == null ? null : Values.visible(LINE_BREAKS.matcher(message).replaceAll(" "));
        }
    }

    /**
     * A library's exception in the daemon's log without {@code --verbose}: on the message's line, each exception of
     * the cause chain with the first line of its message ({@code (java.sql.SQLException: Connection … refused;
     * caused by java.net.ConnectException: …)}). Quartz logs its cluster check-in's failure with a stack trace of
     * some 35 lines every few seconds while PostgreSQL is down, which buried the daemon's own lines.
     */
    static final class OneLineThrowable extends ThrowableHandlingConverter {
        @Override
        public String convert(ILoggingEvent event) {
            StringBuilder line = new StringBuilder();
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                line.append(line.isEmpty() ? " (" : "; caused by ").append(t.getClassName());
                if (t.getMessage() != null) {
                    line.append(": ").append(t.getMessage());
                }
            }
            return line.isEmpty() ? "" : OneLineMessage.oneLine(line.append(')').toString());
        }
    }

    private static void use(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender,
                            Encoder<ILoggingEvent> encoder) {
        appender.setContext(ctx);
        appender.setName(APPENDER);
        appender.setEncoder(encoder);
        appender.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> old = root.getAppender(APPENDER);
        root.addAppender(appender);
        if (old != null && old != appender) {
            root.detachAppender(old);
            old.stop();
        }
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
