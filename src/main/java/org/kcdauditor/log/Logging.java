package org.kcdauditor.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.util.FileSize;
import org.kcdauditor.config.ConfigException;
import org.slf4j.LoggerFactory;

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
 * <li>Every command: stderr, kcd-audit's own messages at INFO, libraries (Flyway, H2, Quartz, POI) only
 * from WARN; {@code --verbose} lets library messages through at INFO.</li>
 * <li>{@code kcd-audit daemon}: stdout (journald, a service manager), or with {@code daemon.logFile} a
 * file rotated daily and at {@value #MAX_FILE_SIZE}, old files gzipped, {@value #MAX_HISTORY_DAYS}
 * days and at most {@value #TOTAL_SIZE_CAP} kept.</li>
 * </ul>
 * Messages carry no secrets: no code logs a password, and the configuration is never logged.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_NORMAL_PRIORITY)
public final class Logging extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} [%thread] %level %logger - %msg%n";
    static final String APPENDER = "kcd-audit";
    static final String MAX_FILE_SIZE = "10MB";
    static final int MAX_HISTORY_DAYS = 30;
    static final String TOTAL_SIZE_CAP = "1GB";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setTarget("System.err");
        use(ctx, console);
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        ctx.getLogger("org.kcdauditor").setLevel(Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** {@code --verbose}: library messages at INFO too. */
    public static void verbose() {
        context().getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
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
        try {
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try (OutputStream probe = Files.newOutputStream(abs, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                probe.flush();
            }
        } catch (IOException e) {
            throw new ConfigException("daemon.logFile: cannot write " + abs + ": " + e.getMessage()
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

    /** Replaces the appender of the root logger (the only one) with {@code appender}. */
    private static void use(LoggerContext ctx, OutputStreamAppender<ILoggingEvent> appender) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(PATTERN);
        encoder.start();
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
