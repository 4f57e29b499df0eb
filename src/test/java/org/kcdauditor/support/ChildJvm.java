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

    /**
     * An installation folder of its own under {@code dir} (config/demo, the hardening catalogue, templates), so the
     * demo store a child JVM's demo uses (KCD_AUDIT_HOME) is the test's.
     */
    public static Path demoInstallation(Path dir) throws java.io.IOException {
        Path home = dir.resolve("home");
        copy(Path.of("config/demo"), home.resolve("config/demo"));
        java.nio.file.Files.copy(Path.of("config/hardening-kbs.yaml"), home.resolve("config/hardening-kbs.yaml"));
        copy(Path.of("templates"), home.resolve("templates"));
        return home;
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(p, target);
                }
            }
        }
    }
}
