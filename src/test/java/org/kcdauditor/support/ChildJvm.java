package org.kcdauditor.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code kcd-audit} in a JVM of its own ({@code java -cp <test class path> org.kcdauditor.cli.Main …}), so a
 * test can kill it (SIGKILL), stop it (SIGTERM) or run it as another user. Its output goes to a log file.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line of a child running {@code args}, with {@code jvmArgs} first (e.g. -Xint). */
    public static List<String> command(String classPath, List<String> jvmArgs, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.add("-Dkcd.home=" + Path.of("").toAbsolutePath());
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add("org.kcdauditor.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static Process start(Path log, Map<String, String> env, List<String> jvmArgs, String... args)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(System.getProperty("java.class.path"), jvmArgs, args));
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        return pb.start();
    }

    /** Waits until {@code condition} holds; fails with {@code what} and the child's log after {@code max}. */
    public static void await(String what, Duration max, Path log, BooleanSupplier condition) throws Exception {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within " + max.toSeconds() + " s: " + what + "\n--- child log\n"
                        + (Files.exists(log) ? Files.readString(log) : "(none)"));
            }
            Thread.sleep(25);
        }
    }
}
