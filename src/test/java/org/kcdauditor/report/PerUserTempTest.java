package org.kcdauditor.report;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.DemoDirectory;
import org.kcdauditor.io.FileTrees;
import org.kcdauditor.schedule.ScheduleFixture;
import org.kcdauditor.support.ChildJvm;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The workbook's temporary files are the run's own, not POI's shared {@code <tmp>/poifiles}: a run as root
 * and then a run as another user, both with the same temporary folder, both write their workbook, and
 * neither leaves temporary files behind. Needs root (to add the user and run as it with runuser); skipped
 * with the reason elsewhere.
 */
@Tag("process")
@Tag("integration") // two JVM runs writing workbooks: about 20 s
class PerUserTempTest {
    private static final String USER = "kcd-audit-test";

    @TempDir
    Path own;
    Path shared;

    @AfterEach
    void cleanUp() throws IOException {
        if (shared != null) {
            FileTrees.delete(shared);
        }
    }

    @Test
    void aRunAsAnotherUserAfterARunAsRootWritesItsWorkbookAndLeavesNoTemporaryFiles() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run as a second user");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runuser")) && Files.isExecutable(Path.of("/usr/sbin/useradd")),
                "needs runuser and useradd");
        int added = exec(List.of("/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                USER));
        assumeTrue(added == 0 || added == 9, "useradd " + USER + " failed with " + added); // 9: exists already

        // a world-readable place for what the second user needs: class path, configs, the shared temp folder
        shared = Files.createTempDirectory(Path.of("/tmp"), "kcd-user-test",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String classPath = readableClassPath(shared.resolve("cp"));
        Path tmp = Files.createDirectory(shared.resolve("tmp"));
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));

        try (DemoDirectory directory = ScheduleFixture.directory()) {
            Map<String, String> env = ScheduleFixture.env(directory);
            for (String who : List.of("root", USER)) {
                Path work = Files.createDirectory(shared.resolve(who));
                Path config = ScheduleFixture.config(work, directory, null, null, null, null);
                Files.writeString(config, Files.readString(config).replace("formats: [json]", "formats: [json, xlsx]"));
                if (!who.equals("root")) {
                    exec(List.of("chown", "-R", USER, work.toString()));
                }
                List<String> cmd = new ArrayList<>();
                if (!who.equals("root")) {
                    cmd.addAll(List.of("/usr/sbin/runuser", "-u", USER, "--"));
                }
                cmd.addAll(ChildJvm.command(classPath, List.of("-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + tmp),
                        "run", "--config", config.toString(), "--out", work.resolve("out").toString(),
                        "--fail-on", "info"));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(own.resolve(who + ".log").toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                assertTrue(p.waitFor(180, TimeUnit.SECONDS), who);
                String log = Files.readString(own.resolve(who + ".log"));
                assertEquals(3, p.exitValue(), who + ": the audit completed (findings reach info)\n" + log);
                assertTrue(Files.size(work.resolve("out/audit.xlsx")) > 0, who);
                assertFalse(log.contains("AccessDenied") || log.contains("poifiles"), log);
                try (Stream<Path> left = Files.list(work.resolve("out"))) {
                    assertTrue(left.noneMatch(f -> f.getFileName().toString().startsWith(".")),
                            "no temporary or staging files in " + work.resolve("out"));
                }
            }
            try (Stream<Path> left = Files.list(tmp)) {
                List<Path> files = left.toList();
                assertTrue(files.stream().noneMatch(f -> f.getFileName().toString().startsWith("poifiles")),
                        "nothing in the shared temporary folder: " + files);
            }
        }
    }

    private static int exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    /** The test class path with the jars under /root (not readable by others) hard-linked or copied into {@code to}. */
    private static String readableClassPath(Path to) throws IOException {
        Files.createDirectories(to);
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) || !p.toAbsolutePath().startsWith("/root")) {
                out.add(entry);
                continue;
            }
            Path copy = to.resolve((i++) + "-" + p.getFileName());
            try {
                Files.createLink(copy, p);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(p, copy);
            }
            out.add(copy.toString());
        }
        return String.join(File.pathSeparator, out);
    }
}
