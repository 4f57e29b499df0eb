package org.kcdauditor.dist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launchers and service definitions. bin/kcd-audit runs here (with a stand-in java that prints
 * its arguments); the Windows launchers and the task cannot run on this machine, so they are checked
 * as text: Java lookup order, the version check, how arguments reach java.exe. ArchiveIT runs the
 * real archive.
 */
class LaunchersTest {
    private static final Path BIN = Path.of("bin");

    // ---------------------------------------------------------------- bin/kcd-audit (POSIX sh)

    @Test
    void shLauncherPassesEveryArgumentThroughUnchanged(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        List<String> args = List.of("run", "--config", "C:\\My Configs\\kcd audit.yaml", "a \"quoted\" word",
                "it's", "", "*", "$HOME", "--approved-by=Jane Doe");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", home.resolve("bin/kcd-audit").toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("KCD_AUDIT_HEAP", "2g");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        String out = launch(pb).out();
        List<String> expected = new ArrayList<>(List.of("@" + home.resolve("config/jvm.options"), "-Xms2g", "-Xmx2g",
                "-jar",
                home.resolve("lib/kcd-auditor.jar").toString()));
        expected.addAll(args);
        assertEquals(expected, List.of(out.split("\n", -1)).subList(0, expected.size()), out);
    }

    @Test
    void shLauncherFindsItsHomeFromARelativePathWithCdpathExported(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        // README's first command, typed in the installation folder by someone whose profile exports CDPATH
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "bin/kcd-audit", "--version").directory(home.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("CDPATH", ".:" + dir);
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        assertRunsTheJarOf(home, launch(pb).out());
    }

    /** The fake java's output: the launcher ran {@code home}'s jar with its jvm.options and {@code --version}. */
    private static void assertRunsTheJarOf(Path home, String out) throws Exception {
        assertEquals(List.of("@" + home.toRealPath().resolve("config/jvm.options"), "-jar",
                home.toRealPath().resolve("lib/kcd-auditor.jar").toString(), "--version", ""), List.of(out.split("\n", -1)));
    }

    /**
     * A symbolic link to the installation's bin folder (ln -s /opt/kcd-auditor-0.1.0/bin /usr/local/kcd-audit, then
     * that on PATH): the script itself is no link, so "$bindir/.." was taken literally and the launcher looked for
     * the jar in /usr/local/lib, saying "not found (unpack the whole release archive)" about a complete archive.
     */
    @Test
    void shLauncherFindsItsHomeThroughALinkToItsBinFolder(@TempDir Path dir) throws Exception {
        Path home = installation(dir.resolve("opt"));
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        Path elsewhere = Files.createDirectories(dir.resolve("usr local"));
        Files.createSymbolicLink(elsewhere.resolve("kcd-audit-bin"), home.resolve("bin"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", elsewhere.resolve("kcd-audit-bin/kcd-audit").toString(),
                "--version").directory(dir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        assertRunsTheJarOf(home, launch(pb).out());
    }

    /**
     * A symbolic link to the launcher itself (ln -s "../opt/Kcd Auditor/bin/kcd-audit" /usr/local/bin/kcd-audit) is
     * read from {@code ls -ld}, whose GNU version quotes names as QUOTING_STYLE says even into a pipe: with
     * QUOTING_STYLE=shell exported, a target with a space came back as {@code '../opt/Kcd Auditor/…'}, quotes and all,
     * and the launcher ended with "cd: can't cd to …" (exit 2); a link whose own name holds " -> " was cut there.
     */
    @Test
    void shLauncherFindsItsHomeThroughALinkToItselfWhateverLsQuotes(@TempDir Path dir) throws Exception {
        Path home = installation(dir.resolve("opt/Kcd Auditor (x86)"));
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        Path bin = Files.createDirectories(dir.resolve("usr local/bin"));
        Files.createSymbolicLink(bin.resolve("kcd-audit"), bin.relativize(home.resolve("bin/kcd-audit")));
        Files.createSymbolicLink(bin.resolve("kcd -> audit"), bin.resolve("kcd-audit"));
        for (String style : List.of("literal", "shell", "shell-always", "c")) {
            for (String link : List.of("kcd-audit", "kcd -> audit")) {
                ProcessBuilder pb = new ProcessBuilder("/bin/sh", bin.resolve(link).toString(), "--version")
                        .directory(dir.toFile());
                pb.environment().put("JAVA_HOME", javaHome.toString());
                pb.environment().put("QUOTING_STYLE", style);
                pb.environment().remove("KCD_AUDIT_HEAP");
                pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
                assertRunsTheJarOf(home, launch(pb).out());
            }
        }
    }

    /**
     * java -jar makes the jar's path the class path, which Java splits at ':' (';' on Windows): unpacked into
     * /srv/kcd:audit, every command ended in "Could not find or load main class org.kcdauditor.cli.Main", as if the
     * archive were broken (and the first call left a .failed start-up cache). The launcher says what it is, before
     * Java starts.
     */
    @Test
    void shLauncherRefusesAnInstallationPathJavaCannotPutOnAClassPath(@TempDir Path dir) throws Exception {
        Path home = installation(dir.resolve("kcd:audit"));
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "demo")
                .directory(dir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out + err);
        assertEquals("kcd-audit: " + home.toRealPath() + ": Java cannot run a program from a folder whose path holds"
                + " ':' (its class path separator); unpack the release archive into a folder without ':'\n", err);
        assertEquals("", out, "java was not started");
        assertEquals(List.of("kcd-auditor.jar"), listing(home.resolve("lib")));
    }

    /**
     * A management server's machine-wide JAVA_HOME (another vendor's tool, Java 11) wins over the Java 17 the admin put
     * on PATH: the launcher said only "… is Java 11.0.20. kcd-audit needs Java 17 or later: install a Java 17+ runtime
     * … and put its java on PATH or set JAVA_HOME to it", what the admin had done. It says where that java came from
     * and how to use another for one call, without changing the variable the other tool needs.
     */
    @Test
    void shLauncherSaysWhereAJavaTooOldCameFromAndHowToUseAnotherForOneCall(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path old = fakeJava(dir.resolve("jdk11"), "openjdk version \"11.0.20\" 2023-07-18");
        Path path = Files.createDirectories(dir.resolve("path"));
        Files.createSymbolicLink(path.resolve("java"), old.resolve("bin/java"));
        record Case(Map<String, String> env, String java, String whence) {
        }
        for (Case c : List.of(
                new Case(Map.of("JAVA_HOME", old.toString(), "PATH", "/usr/bin:/bin"), old.resolve("bin/java").toString(),
                        "that java is JAVA_HOME's, which is used before PATH. For one call: JAVA_HOME=/path/to/java-17"
                                + " kcd-audit ...; or unset JAVA_HOME to use the java on PATH; or install a Java 17+ runtime"),
                new Case(Map.of("PATH", path + ":/usr/bin:/bin"), path.resolve("java").toString(),
                        "that java is the first on PATH (JAVA_HOME is not set). For one call: JAVA_HOME=/path/to/java-17"
                                + " kcd-audit ...; or put a Java 17+ first on PATH; or install a Java 17+ runtime"))) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "demo")
                    .directory(dir.toFile());
            pb.environment().clear();
            pb.environment().putAll(c.env());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue(), out + err);
            assertTrue(err.startsWith("kcd-audit: " + c.java() + " is Java 11.0.20. kcd-audit needs Java 17 or later: "
                    + c.whence() + " (Debian/Ubuntu: "), err);
            assertEquals("", out, "java was not started");
        }
    }

    /**
     * The launcher's messages name paths and values as they are: dash, Debian's /bin/sh, has echo read backslash
     * escapes, so a JAVA_HOME of Windows (C:\tools\jdk-17, as WSL may hand one over) was named with a tab for its
     * "\t", and a "\c" ended the message there.
     */
    @Test
    void shLauncherNamesPathsAndValuesWithBackslashesAsTheyAre(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        String windowsJavaHome = "C:\\tools\\jdk-17";
        String badHeap = "2\\cg";
        for (Map.Entry<String, String> run : Map.of(
                "JAVA_HOME", "kcd-audit: JAVA_HOME=" + windowsJavaHome + " has no bin/java. kcd-audit needs Java 17",
                "KCD_AUDIT_HEAP", "kcd-audit: KCD_AUDIT_HEAP=" + badHeap + " is not a heap size: give a number").entrySet()) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "demo")
                    .directory(dir.toFile());
            pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
            if (run.getKey().equals("JAVA_HOME")) {
                pb.environment().put("JAVA_HOME", windowsJavaHome);
                pb.environment().remove("KCD_AUDIT_HEAP");
            } else {
                pb.environment().put("JAVA_HOME", fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\"").toString());
                pb.environment().put("KCD_AUDIT_HEAP", badHeap);
            }
            Process p = pb.start();
            p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(err.startsWith(run.getValue()), err);
        }
    }

    /**
     * Under the POSIX locale (cron, env -i, a container) Java reads file names as ASCII, and a path with an 'ä' (the
     * installation's, --config, --out) could not be opened (ArchiveIT runs it). The launcher then gives Java the C
     * locale with UTF-8, in the variable that decides it; a locale the admin chose is left alone.
     */
    @Test
    void shLauncherGivesJavaUtf8FileNamesUnderThePosixLocaleOnly(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = Files.createDirectories(dir.resolve("jdk/bin")).getParent();
        Files.writeString(javaHome.resolve("bin/java"), "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version"
                + " \"17.0.15\"' >&2; exit 0; fi\nprintf '%s\\n' \"LC_ALL=${LC_ALL-unset}\" \"LC_CTYPE=${LC_CTYPE-unset}\"\n");
        Files.setPosixFilePermissions(javaHome.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        record Case(Map<String, String> env, String said) {
        }
        for (Case c : List.of(new Case(Map.of(), "LC_ALL=unset\nLC_CTYPE=C.UTF-8\n"),
                new Case(Map.of("LANG", "C"), "LC_ALL=unset\nLC_CTYPE=C.UTF-8\n"),
                new Case(Map.of("LC_ALL", "POSIX", "LANG", "de_DE.UTF-8"), "LC_ALL=C.UTF-8\nLC_CTYPE=unset\n"),
                new Case(Map.of("LANG", "C.UTF-8", "LC_CTYPE", "C"), "LC_ALL=unset\nLC_CTYPE=C.UTF-8\n"),
                new Case(Map.of("LANG", "de_DE.UTF-8"), "LC_ALL=unset\nLC_CTYPE=unset\n"),
                new Case(Map.of("LC_CTYPE", "en_US.ISO-8859-1"), "LC_ALL=unset\nLC_CTYPE=en_US.ISO-8859-1\n"))) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "--version")
                    .directory(dir.toFile());
            pb.environment().clear();
            pb.environment().putAll(Map.of("PATH", "/usr/bin:/bin", "JAVA_HOME", javaHome.toString()));
            pb.environment().putAll(c.env());
            assertEquals(c.said(), launch(pb).out(), c.env().toString());
        }
    }

    @Test
    void shLauncherDoesNotRetrainTheStartUpCacheOnEveryCallAfterItFailed(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        // a Java that cannot write the class-data archive (OpenJ9, -Xshare:off, ...): the training run leaves none
        Path attempts = dir.resolve("training attempts");
        Path javaHome = dir.resolve("jdk");
        Path noArchive = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(noArchive, "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.15\"' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) echo x >> '" + attempts + "'; exit 0;; esac; done\n"
                + "echo ran\n");
        Files.setPosixFilePermissions(noArchive, PosixFilePermissions.fromString("rwxr-xr-x"));

        String first = sh(home, dir, javaHome, "demo");
        assertTrue(first.contains("preparing the start-up cache"), first);
        assertTrue(first.contains("could not be prepared"), "says it goes on without: " + first);
        String second = sh(home, dir, javaHome, "demo");
        assertFalse(second.contains("preparing the start-up cache"), "tried once, not on every call: " + second);
        assertEquals(1, Files.readAllLines(attempts).size());

        // an upgrade (a newer jar) tries again
        Files.setLastModifiedTime(home.resolve("lib/kcd-auditor.jar"),
                FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        sh(home, dir, javaHome, "demo");
        assertEquals(2, Files.readAllLines(attempts).size());
    }

    /**
     * The start-up cache is trained (a demo run, 35 s on the review's machine) only before {@code demo}, which the quick
     * start runs first: the first run or preflight after an install (a 6 a.m. check before a patch window) waited for
     * the training before it started. Other commands run at once, with the archive once a demo has made it.
     */
    @Test
    void shLauncherTrainsTheStartUpCacheOnlyBeforeTheDemo(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path attempts = dir.resolve("attempts");
        Path javaHome = archivingJava(dir.resolve("jdk"), "17.0.15", attempts);
        for (String command : List.of("run", "preflight", "daemon", "baseline", "history", "report", "inspect",
                "schedule", "outbox", "rules", "version")) {
            assertEquals("", sh(home, dir, javaHome, command), command);
        }
        assertEquals("", sh(home, dir, javaHome, "demo", "--help"), "demo --help only prints");
        assertFalse(Files.exists(attempts), "no training before any other command");
        assertTrue(sh(home, dir, javaHome, "demo").contains("preparing the start-up cache"));
        assertEquals(1, Files.readAllLines(attempts).size());
        assertEquals(List.of("kcd-auditor-java17.0.15.jsa", "kcd-auditor-java17.0.15.jsa.stamp", "kcd-auditor.jar"),
                listing(home.resolve("lib")));
    }

    /**
     * KCD_AUDIT_JAVA_OPTS is split at white space, so a value with a space (a trust store under "/opt/my certs") goes
     * in JDK_JAVA_OPTIONS, which java itself reads, with quotes (README, docs/install.md). Java then says
     * {@code NOTE: Picked up JDK_JAVA_OPTIONS: "-Djavax.net…"} before its version, and the launcher took the first
     * quoted word of that for the version: "… did not say its version". The version is read from the version line.
     */
    @Test
    void shLauncherLeavesJdkJavaOptionsToJava(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = dir.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then exec '"
                + Path.of(System.getProperty("java.home"), "bin", "java") + "' -version; fi\n"
                + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "rules")
                .directory(dir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("JDK_JAVA_OPTIONS", "\"-Djavax.net.ssl.trustStoreType=PKCS12\""
                + " \"-Djavax.net.ssl.trustStore=/opt/my certs/cacerts\"");
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        Output o = launch(pb);
        assertEquals(List.of("@" + home.resolve("config/jvm.options"), "-jar",
                home.resolve("lib/kcd-auditor.jar").toString(), "rules", ""), List.of(o.out().split("\n", -1)), o.err());
    }

    /**
     * KCD_AUDIT_HEAP=lots (or "2 g", "2gb") went to java as -Xmslots: three JVM lines ("Invalid initial heap size",
     * "Could not create the Java Virtual Machine") naming neither the variable nor a value that works. The launcher
     * says so itself, as a configuration error (exit 2), before starting java; a valid size still passes.
     */
    @Test
    void shLauncherRefusesAHeapSizeJavaWouldNotTakeNamingTheVariable(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = fakeJava(dir.resolve("jdk"), "openjdk version \"17.0.15\" 2025-04-15");
        for (String bad : List.of("lots", "2 g", "2gb", "-2g", "g")) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "--version")
                    .directory(dir.toFile());
            pb.environment().put("JAVA_HOME", javaHome.toString());
            pb.environment().put("KCD_AUDIT_HEAP", bad);
            pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(2, p.exitValue(), bad + ": " + out + err);
            assertEquals("kcd-audit: KCD_AUDIT_HEAP=" + bad + " is not a heap size: give a number with k, m or g,"
                    + " e.g. KCD_AUDIT_HEAP=2g or KCD_AUDIT_HEAP=1536m\n", err, bad);
            assertEquals("", out, "java was not started for " + bad);
        }
        for (String good : List.of("2g", "1536m", "2G", "4096")) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "--version")
                    .directory(dir.toFile());
            pb.environment().put("JAVA_HOME", javaHome.toString());
            pb.environment().put("KCD_AUDIT_HEAP", good);
            pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
            assertTrue(launch(pb).out().contains("-Xmx" + good + "\n"), good);
        }
    }

    /**
     * An admin whose PATH java is 17 while the service (systemd's JAVA_HOME, the task's java.exe) or a colleague uses
     * 25: each training deleted the other Java's archive, so every call with the other Java trained again ("up to a
     * minute"). Archives of other Java versions stay; only those older than the jar (an upgrade) are removed.
     */
    @Test
    void shLauncherKeepsTheStartUpCacheOfAnotherJavaVersion(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path attempts = dir.resolve("training attempts");
        Path java17 = archivingJava(dir.resolve("jdk17"), "17.0.15", attempts);
        Path java25 = archivingJava(dir.resolve("jdk25"), "25.0.3", attempts);
        assertTrue(sh(home, dir, java17, "demo").contains("preparing the start-up cache"));
        assertTrue(sh(home, dir, java25, "demo").contains("preparing the start-up cache"));
        assertEquals("", sh(home, dir, java17, "demo"), "Java 17's archive is still there");
        assertEquals("", sh(home, dir, java25, "demo"), "and Java 25's");
        assertEquals(2, Files.readAllLines(attempts).size());
        assertTrue(Files.exists(home.resolve("lib/kcd-auditor-java17.0.15.jsa")));
        assertTrue(Files.exists(home.resolve("lib/kcd-auditor-java25.0.3.jsa")));

        // an upgrade (a newer jar): the next training removes the archives made for the old jar, of any Java
        Files.setLastModifiedTime(home.resolve("lib/kcd-auditor.jar"),
                FileTime.fromMillis(System.currentTimeMillis() + 120_000));
        assertTrue(sh(home, dir, java17, "demo").contains("preparing the start-up cache"));
        assertFalse(Files.exists(home.resolve("lib/kcd-auditor-java25.0.3.jsa")), "stale after the upgrade");
    }

    /**
     * A release unpacked over an installation keeps its jar's build time, older than the archive trained for the jar it
     * replaces: the archive still looked fresh, Java refused it silently (it checks the jar's size and time), and every
     * later call started slowly. The archive is kept with the size and time of the jar it was made for.
     */
    @Test
    void shLauncherRetrainsTheStartUpCacheAfterAReleaseUnpackedOverTheInstallation(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path attempts = dir.resolve("training attempts");
        Path javaHome = archivingJava(dir.resolve("jdk"), "17.0.15", attempts);
        assertTrue(sh(home, dir, javaHome, "demo").contains("preparing the start-up cache"));
        assertEquals("", sh(home, dir, javaHome, "demo"), "trained once");

        Path jar = home.resolve("lib/kcd-auditor.jar");
        Files.writeString(jar, "the next release");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L)); // as unpacked
        assertTrue(sh(home, dir, javaHome, "demo").contains("preparing the start-up cache"), "trained for the new jar");
        assertEquals("", sh(home, dir, javaHome, "demo"));
        assertEquals(2, Files.readAllLines(attempts).size());
    }

    /**
     * The archive was written in TMPDIR and moved into lib/: across filesystems (a tmpfs /tmp, the installation on
     * disk) mv copies, and a 2 MB start of the 50 MB archive stood under its final name while a second call started;
     * a JVM that maps a cut-off archive dies (SIGBUS, exit 134, an hs_err file in the working folder), as every later
     * call did after a copy cut short. It is written beside its final name, so that putting it in place is a rename.
     */
    @Test
    void shLauncherPutsTheStartUpCacheInPlaceByARenameInItsOwnFolder(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path written = dir.resolve("archive written to");
        Path javaHome = archivingJava(dir.resolve("jdk"), "17.0.15", written);

        assertTrue(sh(home, dir, javaHome, "demo").contains("preparing the start-up cache"));
        Path archive = Path.of(Files.readString(written).strip().substring("-XX:ArchiveClassesAtExit=".length()));
        assertEquals(home.resolve("lib"), archive.getParent(), "written in lib/, not in TMPDIR: " + archive);
        assertEquals(List.of("kcd-auditor-java17.0.15.jsa", "kcd-auditor-java17.0.15.jsa.stamp", "kcd-auditor.jar"),
                listing(home.resolve("lib")));
    }

    /** A training ended by a signal (Ctrl+C, a stopped service) leaves no partly written archive in lib/. */
    @Test
    void shLauncherLeavesNoPartOfTheStartUpCacheWhenTheTrainingIsInterrupted(@TempDir Path dir) throws Exception {
        Path home = installation(dir);
        Path javaHome = dir.resolve("jdk");
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.15\"' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) echo part > \"${a#-XX:ArchiveClassesAtExit=}\";"
                + " kill -TERM $PPID; exit 143;; esac; done\n"
                + "echo ran\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", home.resolve("bin/kcd-audit").toString(), "demo")
                .directory(dir.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().put("TMPDIR", dir.toString());
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(143, p.exitValue());
        assertEquals(List.of("kcd-auditor.jar"), listing(home.resolve("lib")));
        assertEquals(List.of("jdk", "kcd-auditor"), listing(dir), "nor a training folder in TMPDIR");
    }

    private static List<String> listing(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A java that says {@code version}, writes the archive it is asked for (adding the option to {@code attempts}, a line
     * each) and otherwise says "ran".
     */
    private static Path archivingJava(Path javaHome, String version, Path attempts) throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then echo 'openjdk version \"" + version
                + "\"' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) printf '%s\\n' \"$a\" >> '" + attempts + "';"
                + " echo archive > \"${a#-XX:ArchiveClassesAtExit=}\"; exit 0;; esac; done\n"
                + "echo ran\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return javaHome;
    }

    /** Runs bin/kcd-audit of {@code home} with the given JAVA_HOME; returns its stderr (asserting exit 0). */
    private static String sh(Path home, Path cwd, Path javaHome, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", home.resolve("bin/kcd-audit").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("JAVA_HOME", javaHome.toString());
        pb.environment().remove("KCD_AUDIT_HEAP");
        pb.environment().remove("KCD_AUDIT_JAVA_OPTS");
        Output o = launch(pb);
        assertEquals("ran\n", o.out());
        return o.err();
    }

    private record Output(String out, String err) {
    }

    /** Starts {@code pb} and waits for it, asserting exit 0 (its stderr as the message); its stdout and stderr. */
    private static Output launch(ProcessBuilder pb) throws Exception {
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        return new Output(out, err);
    }

    /** A folder laid out like the archive, with an empty jar. */
    private static Path installation(Path dir) throws Exception {
        Path home = dir.resolve("kcd-auditor");
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("lib"));
        Files.createDirectories(home.resolve("config"));
        Files.copy(BIN.resolve("kcd-audit"), home.resolve("bin/kcd-audit"));
        Files.copy(Path.of("config/jvm.options"), home.resolve("config/jvm.options"));
        Files.writeString(home.resolve("lib/kcd-auditor.jar"), "");
        return home;
    }

    /** A java that says {@code version} for -version and otherwise prints one argument per line. */
    private static Path fakeJava(Path javaHome, String version) throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\nif [ \"$1\" = -version ]; then echo '" + version + "' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return javaHome;
    }

    // ---------------------------------------------------------------- bin/kcd-audit.cmd

    /**
     * Windows PowerShell 5.1 reads a .ps1 without a byte order mark in the ANSI code page, cmd.exe a .cmd in the OEM
     * one, and install-task.ps1 reads the task's XML with Get-Content, ANSI again: in UTF-8, a dash (U+2013 E2 80 93,
     * U+2014 E2 80 94) read as Windows-1252 holds a curly double quote, which PowerShell takes as a quote and ends a
     * string with. The Windows files keep to ASCII (the files are right; this keeps them so).
     */
    @Test
    void theWindowsFilesAreAscii() throws Exception {
        for (Path file : List.of(BIN.resolve("kcd-audit.cmd"), BIN.resolve("kcd-audit.ps1"),
                BIN.resolve("install-task.ps1"), Path.of("packaging/windows/kcd-audit-daemon.xml"))) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                assertTrue(lines.get(i).matches("\\p{ASCII}*"), file + ":" + (i + 1) + ": " + lines.get(i));
            }
        }
    }

    @Test
    void cmdLauncherLooksForJavaHomeThenPathAndRefusesJavaBefore17() throws Exception {
        String cmd = Files.readString(BIN.resolve("kcd-audit.cmd"));
        assertFalse(cmd.replace("\r\n", "").contains("\n"), "CRLF line ends: cmd.exe misreads labels otherwise");
        int javaHome = cmd.indexOf("if not defined JAVA_HOME goto javaOnPath");
        // a JAVA_HOME set with quotes (set JAVA_HOME="C:\Program Files\...") has them dropped
        int fromJavaHome = cmd.indexOf("set \"KCD_JAVA=%JAVA_HOME:\"=%\\bin\\java.exe\"");
        int onPath = cmd.indexOf("for %%J in (java.exe) do set \"KCD_JAVA=%%~$PATH:J\"");
        assertTrue(javaHome > 0 && javaHome < fromJavaHome && fromJavaHome < onPath, "JAVA_HOME first, then PATH");
        assertTrue(cmd.contains("kcd-audit needs Java 17 or later"));
        assertTrue(cmd.contains("if /i \"%%B\"==\"version\""), "reads the version from java -version");
        // the command of a for /f sits in ( ): "C:\Program Files (x86)\..." expanded there would end it, so the path
        // is left for the cmd /c that runs it to expand (%%KCD_JAVA%%)
        assertTrue(cmd.contains("in ('\"\"%%KCD_JAVA%%\" -version 2>&1\"') do"), "java -version run by its path");
        for (String line : cmd.split("\r\n")) {
            if (line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("for ")) {
                String set = line.substring(line.indexOf(" in (") + 5, line.indexOf(") do "));
                assertFalse(set.replace("%%", "").matches(".*%(KCD_JAVA|JAVA_HOME|KCD_HOME|PATH)%.*"), line);
            }
            if (line.startsWith("echo ")) {
                assertFalse(line.replace("\"%KCD_JAVA%\"", "").replace("\"%KCD_HOME%", "")
                        .matches(".*%(KCD_JAVA|KCD_HOME)%.*"), "a path with & breaks an unquoted echo: " + line);
            }
        }
        assertTrue(cmd.contains("if \"%KCD_MAJOR%\"==\"1\" set \"KCD_MAJOR=%KCD_MINOR%\""), "1.8 is Java 8");
        assertTrue(cmd.contains("if %KCD_MAJOR_NUM% GEQ 17 goto run"));
        // a Java too old says where it came from (as bin/kcd-audit does) and how to use another in this window only
        String tooOld = cmd.substring(cmd.indexOf("if %KCD_MAJOR_NUM% GEQ 17 goto run\r\n"), cmd.indexOf("\r\n:run\r\n"));
        assertTrue(tooOld.contains("\r\nif not defined JAVA_HOME goto oldJavaOnPath\r\n"
                + "echo kcd-audit: \"%KCD_JAVA%\" is Java %KCD_JVER%. kcd-audit needs Java 17 or later: that java.exe is"
                + " JAVA_HOME's, which is used before PATH. For this window only: set \"JAVA_HOME=C:\\path\\to\\java-17\""
                + " (other windows and programs keep theirs); or set \"JAVA_HOME=\" to use the java.exe on PATH; or"
                + " %KCD_INSTALL% 1>&2\r\nexit /b 1\r\n"), tooOld);
        assertTrue(tooOld.contains("\r\n:oldJavaOnPath\r\n"
                + "echo kcd-audit: \"%KCD_JAVA%\" is Java %KCD_JVER%. kcd-audit needs Java 17 or later: that java.exe is the"
                + " first on PATH (JAVA_HOME is not set). For this window only: set \"JAVA_HOME=C:\\path\\to\\java-17\";"
                + " or put a Java 17+ first on PATH; or %KCD_INSTALL% 1>&2\r\nexit /b 1"), tooOld);
    }

    /**
     * cmd.exe expands %NAME%, %~dp0 and %* while it reads a line, before it finds where a parenthesised group (an
     * {@code if (…)}, a {@code for … in (…) do (…)}) ends: a value such as "C:\Tools (x86)\kcd-auditor\bin\" expanded
     * there unquoted gives a ')' that ends the group early, and the rest of the line runs as a command of its own.
     * Inside double quotes a ')' is plain text. So no expansion stands unquoted inside parentheses (%%J, a for
     * variable, is read after the groups are found, and %%NAME%% is left for the cmd /c of a for /f to expand).
     */
    @Test
    void cmdLauncherExpandsNoValueUnquotedInsideParentheses() throws Exception {
        assertEquals(List.of(), unquotedExpansionsInParentheses(Files.readString(BIN.resolve("kcd-audit.cmd"))));
        // the check finds the forms it is about
        assertEquals(List.of("%JAVA_HOME%", "%~dp0"), unquotedExpansionsInParentheses(
                "if defined JAVA_HOME (set KCD_JAVA=%JAVA_HOME%\\bin\\java.exe)\r\n"
                        + "for %%I in (%~dp0..) do set \"KCD_HOME=%%~fI\"\r\n"
                        + "if exist \"%KCD_JAR%\" (\r\n  echo \"%KCD_JAR%\" found\r\n)\r\necho(%KCD_AUDIT_HEAP%| findstr x\r\n"));
        assertEquals(List.of("%*"), unquotedExpansionsInParentheses("if not defined X (\r\n  java %*\r\n)\r\n"));
    }

    /**
     * The expansions of a batch file that stand inside parentheses outside double quotes. A '(' opens a group at the
     * start of a command, after in, do or else, and after the condition of an if; "echo(" is an echo.
     */
    private static List<String> unquotedExpansionsInParentheses(String batch) {
        Pattern expansion = Pattern.compile("%%|%\\*|%~[a-zA-Z]*(?:\\$[A-Za-z_]+:)?[0-9]|%[0-9]|%[^%\\s]+%");
        Pattern opensAfter = Pattern.compile("(?i)(?:^|[&|(]|\\b(?:in|do|else))\\s*$");
        List<String> found = new ArrayList<>();
        int depth = 0;
        for (String line : batch.split("\r\n")) {
            String command = line.strip().toLowerCase(java.util.Locale.ROOT);
            if (command.startsWith("rem ") || command.startsWith("::")) {
                continue;
            }
            boolean ifLine = command.startsWith("if ");
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                Matcher m = expansion.matcher(line).region(i, line.length());
                if (c == '%' && m.lookingAt()) { // expanded before quotes are read: %JAVA_HOME:"=% is no quote
                    if (depth > 0 && !quoted && !m.group().equals("%%")) {
                        found.add(m.group());
                    }
                    i = m.end() - 1;
                } else if (c == '"') {
                    quoted = !quoted;
                } else if (quoted) {
                    continue;
                } else if (c == '^') {
                    i++;
                } else if (c == '(' && (opensAfter.matcher(line.substring(0, i)).find()
                        || ifLine && i > 0 && line.charAt(i - 1) == ' ')) {
                    depth++;
                } else if (c == ')' && depth > 0) {
                    depth--;
                }
            }
        }
        return found;
    }

    /**
     * At the top level of a batch file started by a quoted name without a folder ("kcd-audit" typed in quotes, or a
     * tool that quotes the command, with bin\ on PATH), cmd.exe takes %~dp0 from that name and the current folder:
     * C:\Users\Jürgen\ instead of C:\Program Files\KCD Auditor\bin\, and the launcher said "lib\kcd-auditor.jar not
     * found" about a complete installation. In a label reached by CALL, %0 is the label, and %~dp0 comes from the
     * batch file's full path; the launcher reads its folder only there.
     */
    @Test
    void cmdLauncherReadsItsFolderInALabelReachedByCall() throws Exception {
        String cmd = Files.readString(BIN.resolve("kcd-audit.cmd"));
        Pattern ownName = Pattern.compile("%~[a-zA-Z]*0");
        String label = null;
        int uses = 0;
        for (String line : cmd.split("\r\n")) {
            if (line.startsWith(":")) {
                label = line.substring(1).strip();
            }
            if (!line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("rem ") && ownName.matcher(line).find()) {
                uses++;
                assertTrue(label != null && cmd.contains("\r\ncall :" + label + "\r\n"),
                        "%~dp0 read at the top level or in a label not reached by CALL: " + line);
                assertTrue(cmd.indexOf("call :" + label) < cmd.indexOf("%KCD_HOME%"), "the folder is read before it is used");
            }
        }
        assertEquals(1, uses, "the launcher reads its own folder once");
    }

    @Test
    void cmdAndPs1LaunchersRefuseAHeapSizeJavaWouldNotTake() throws Exception {
        // as bin/kcd-audit does (shLauncherRefusesAHeapSizeJavaWouldNotTakeNamingTheVariable): checked before java
        // starts, one line naming the variable, exit 2
        String cmd = Files.readString(BIN.resolve("kcd-audit.cmd"));
        int check = cmd.indexOf("findstr.exe\" /r /x /c:\"[0-9][0-9]*[kKmMgGtT]\" /c:\"[0-9][0-9]*\"");
        assertTrue(check > 0, "the value is matched whole against digits and one unit");
        assertTrue(check < cmd.indexOf("set \"KCD_HEAP=-Xms%KCD_AUDIT_HEAP% -Xmx%KCD_AUDIT_HEAP%\""));
        assertTrue(cmd.contains("is not a heap size: give a number with k, m or g, e.g. set KCD_AUDIT_HEAP=2g"
                + " 1>&2\r\nexit /b 2\r\n"), "one line on stderr, exit 2");
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        Matcher m = Pattern.compile("\\$env:KCD_AUDIT_HEAP -notmatch '([^']+)'").matcher(ps1);
        assertTrue(m.find(), "kcd-audit.ps1 checks the value");
        Pattern valid = Pattern.compile(m.group(1)); // PowerShell's -notmatch: case-insensitive
        for (String bad : List.of("lots", "2 g", "2gb", "-2g", "g")) {
            assertFalse(Pattern.compile(m.group(1), Pattern.CASE_INSENSITIVE).matcher(bad).find(), bad);
        }
        for (String good : List.of("2g", "1536m", "2G", "4096")) {
            assertTrue(valid.matcher(good).find(), good);
        }
        assertTrue(ps1.contains("is not a heap size: give a number with k, m or g,\" +\r\n"
                + "                \" e.g. `$env:KCD_AUDIT_HEAP = '2g'\")"), "the message, with PowerShell's `$ for a $");
        assertTrue(ps1.indexOf("exit 2") > ps1.indexOf("is not a heap size"), "exit 2");
    }

    /**
     * As bin/kcd-audit does with ':' (shLauncherRefusesAnInstallationPathJavaCannotPutOnAClassPath): ';' may stand in a
     * Windows folder name and is the class path separator there, so java.exe -jar "C:\Tools;old\...\kcd-auditor.jar"
     * cannot load kcd-audit's main class. Both Windows launchers (and install-task.ps1, through Get-KcdJar) say so.
     */
    @Test
    void cmdAndPs1LaunchersRefuseAnInstallationPathWithTheClassPathSeparator() throws Exception {
        String cmd = Files.readString(BIN.resolve("kcd-audit.cmd"));
        int check = cmd.indexOf("if \"%KCD_JAR:;=%\"==\"%KCD_JAR%\" goto findJava\r\n"
                + "echo kcd-audit: \"%KCD_HOME%\": Java cannot run a program from a folder whose path holds ';' (its"
                + " class path separator); unpack the release archive into a folder without ';' 1>&2\r\nexit /b 1\r\n");
        assertTrue(check > cmd.indexOf("if exist \"%KCD_JAR%\" goto checkJarPath") && check < cmd.indexOf(":findJava"),
                "checked once the jar is found, before Java is looked for");
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        String getJar = ps1.substring(ps1.indexOf("function Get-KcdJar"), ps1.indexOf("$KcdNeedJava ="));
        assertTrue(getJar.contains("if ($jar.Contains(';')) {\r\n        throw (\"kcd-audit: ${kcdHome}: Java cannot run a"
                + " program from a folder whose path holds ';' (its class path separator);\" +\r\n"
                + "                \" unpack the release archive into a folder without ';'\")"), getJar);
    }

    @Test
    void cmdLauncherPassesTheArgumentsAsTyped() throws Exception {
        List<String> calls = new ArrayList<>();
        for (String line : Files.readString(BIN.resolve("kcd-audit.cmd")).split("\r\n")) {
            if (line.startsWith("\"%KCD_JAVA%\"")) {
                calls.add(line);
            }
        }
        assertEquals(List.of("\"%KCD_JAVA%\" \"@%KCD_HOME%\\config\\jvm.options\" %KCD_HEAP% %KCD_AUDIT_JAVA_OPTS%"
                + " -jar \"%KCD_JAR%\" %*"), calls, "one call; %* keeps quoted arguments with spaces whole");
        String cmd = Files.readString(BIN.resolve("kcd-audit.cmd"));
        assertFalse(Pattern.compile("%~?[1-9]|\\bshift\\b", Pattern.CASE_INSENSITIVE).matcher(cmd).find(),
                "no %1..%9 or shift: they would drop or re-split arguments");
        assertTrue(cmd.contains("-jar \"%KCD_JAR%\" %*\r\nexit /b %ERRORLEVEL%"), "kcd-audit's exit code");
        // cmd.exe expands %* in a rem line too, before REM reads it: "kcd-audit.cmd /?", as Windows admins ask for
        // help, made that line "rem /? passes …", and REM printed its own help ("Records comments (remarks) in a batch
        // file or CONFIG.SYS.") above kcd-audit's answer. A rem line names it as %%*.
        assertEquals(1, Pattern.compile("(?<!%)%\\*").matcher(cmd).results().count(), "%* only where it is passed on");
    }

    // ---------------------------------------------------------------- bin/kcd-audit.ps1

    @Test
    void ps1LauncherLooksForJavaHomeThenPathAndRefusesJavaBefore17() throws Exception {
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        int javaHome = ps1.indexOf("if ($env:JAVA_HOME) {");
        int onPath = ps1.indexOf("Get-Command -Name 'java.exe' -CommandType Application");
        assertTrue(javaHome > 0 && javaHome < onPath, "JAVA_HOME first, then PATH");
        assertTrue(ps1.contains("kcd-audit needs Java 17 or later"));
        assertTrue(ps1.contains("if ($major -lt 17) {"));
        assertTrue(ps1.contains("if ($major -eq 1) {"), "1.8 is Java 8");
        // a Java too old says where it came from (as bin/kcd-audit does) and how to use another in this window only
        String find = ps1.substring(ps1.indexOf("function Find-KcdJava"), ps1.indexOf("function Get-KcdJvmArguments"))
                .replace("' +\r\n                '", ""); // a string written over several lines
        assertTrue(find.contains("$whence = 'that java.exe is JAVA_HOME''s, which is used before PATH. For this window only:"
                + " $env:JAVA_HOME = ''C:\\path\\to\\java-17'' (other windows and programs keep theirs); or"
                + " Remove-Item Env:JAVA_HOME to use the java.exe on PATH'"), find);
        assertTrue(find.contains("$whence = 'that java.exe is the first on PATH (JAVA_HOME is not set). For this window"
                + " only: $env:JAVA_HOME = ''C:\\path\\to\\java-17''; or put a Java 17+ first on PATH'"), find);
        assertTrue(find.contains("$whence = 'that java.exe is -JavaHome''s: give -JavaHome a Java 17+ folder'"), find);
        assertTrue(find.contains("throw \"kcd-audit: $java is Java $version. kcd-audit needs Java 17 or later: $whence; or"
                + " $KcdInstallJava\""), find);
        // Windows PowerShell 5.1 turns a program's stderr into errors under 'Stop'
        assertTrue(ps1.indexOf("$ErrorActionPreference = 'Continue'") < ps1.indexOf("& $java -version 2>&1"));
        assertTrue(ps1.contains("foreach ($arg in $args) {\r\n"
                + "        $text = if ($arg -is [array]) { $arg -join ',' } else { \"$arg\" }"),
                "every argument given, a,b lists back as written");
    }

    @Test
    void ps1LauncherJoinsAnOptionValueThatPowerShellSplitAtTheColon() throws Exception {
        // PowerShell hands an unquoted --config=C:\x.yaml to a script's $args as '--config=C:' and '\x.yaml'
        // (a parameter name ends at a colon): java.exe must get it back as one argument, as kcd-audit.cmd passes it.
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        assertTrue(ps1.contains("$given[$given.Count - 1] += $text"), "the element after it is joined to it");
        Matcher m = Pattern.compile("\\$joinNext = \\$text -match '([^']+)'").matcher(ps1);
        assertTrue(m.find(), "which elements take the next one");
        Pattern takesNext = Pattern.compile(m.group(1), Pattern.CASE_INSENSITIVE);
        List<String> args = List.of("run", "--config=C:", "\\ProgramData\\kcd-audit\\kcd-audit.yaml", "--out:",
                "D:\\reports", "C:", "-:", "x", "--approved-by", "Jane:");
        List<String> given = new ArrayList<>();
        boolean joinNext = false;
        for (String text : args) {
            if (joinNext) {
                given.set(given.size() - 1, given.get(given.size() - 1) + text);
                joinNext = false;
            } else {
                given.add(text);
                joinNext = takesNext.matcher(text).find();
            }
        }
        assertEquals(List.of("run", "--config=C:\\ProgramData\\kcd-audit\\kcd-audit.yaml", "--out:D:\\reports", "C:",
                "-:", "x", "--approved-by", "Jane:"), given);
    }

    @Test
    void ps1LauncherQuotesArgumentsTheWayJavaExeReadsThemBack() throws Exception {
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        Matcher m = Pattern.compile("\\$escaped = \\$Value -replace '([^']+)', '([^']+)' -replace '([^']+)', '([^']+)'")
                .matcher(ps1);
        assertTrue(m.find(), "the escaping in ConvertTo-KcdCommandLineArgument");
        Matcher plain = Pattern.compile("if \\(\\$Value.Length -gt 0 -and \\$Value -notmatch '([^']+)'\\) \\{").matcher(ps1);
        assertTrue(plain.find(), "which arguments go unquoted");
        assertTrue(ps1.contains("$start.Arguments = ($Arguments | ForEach-Object { ConvertTo-KcdCommandLineArgument $_ })"
                + " -join ' '"), "every argument goes through it");
        List<String> args = List.of("run", "--config", "C:\\My Configs\\kcd audit.yaml", "a \"quoted\" word",
                "C:\\folder with space\\", "back\\\"slash", "trailing\\\\", "", "it's", "tab\there",
                "--approved-by=Jane \"JJ\" Doe", "HV*", "CHG?42");
        StringBuilder line = new StringBuilder();
        for (String a : args) {
            String quoted;
            if (!a.isEmpty() && !Pattern.compile(plain.group(1)).matcher(a).find()) {
                // java.exe on Windows expands an unquoted * or ? against the current folder (LauncherHelper.expandArgs):
                // HV* became the names of the files there that start with HV
                assertFalse(a.contains("*") || a.contains("?"), a + " goes to java.exe unquoted");
                quoted = a;
            } else {
                // .NET and Java agree on these two patterns and on $1 in the replacement
                quoted = "\"" + a.replaceAll(m.group(1), m.group(2).replace("\\", "\\\\"))
                        .replaceAll(m.group(3), m.group(4).replace("\\", "\\\\")) + "\"";
            }
            line.append(line.length() == 0 ? "" : " ").append(quoted);
        }
        assertEquals(args, commandLineToArgv(line.toString()), line.toString());
    }

    /**
     * Process.Start runs java.exe in the process's current directory, which PowerShell leaves where it was started
     * (Set-Location / cd do not change it, in 5.1 as in 7): after {@code cd C:\ProgramData\kcd-audit},
     * {@code kcd-audit.ps1 run --config kcd-audit.yaml} looked for the config, and the demo wrote its reports\ and
     * the default data\ store, in C:\Windows\System32 or the profile folder. java.exe starts in PowerShell's location.
     */
    @Test
    void ps1LauncherStartsJavaInPowerShellsCurrentLocation() throws Exception {
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        String invoke = ps1.substring(ps1.indexOf("function Invoke-KcdJava"));
        invoke = invoke.substring(0, invoke.indexOf("\r\n}\r\n"));
        int workingDirectory = invoke.indexOf(
                "$start.WorkingDirectory = (Get-Location -PSProvider FileSystem).ProviderPath");
        assertTrue(workingDirectory > 0 && workingDirectory < invoke.indexOf("[System.Diagnostics.Process]::Start("),
                "java.exe starts in the current location: " + invoke);
    }

    /** How the C runtime (and java.exe's launcher) splits a Windows command line. */
    static List<String> commandLineToArgv(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i >= s.length()) {
                break;
            }
            StringBuilder arg = new StringBuilder();
            boolean quoted = false;
            while (i < s.length() && (quoted || (s.charAt(i) != ' ' && s.charAt(i) != '\t'))) {
                int slashes = 0;
                while (i < s.length() && s.charAt(i) == '\\') {
                    slashes++;
                    i++;
                }
                if (i < s.length() && s.charAt(i) == '"') {
                    arg.append("\\".repeat(slashes / 2));
                    if (slashes % 2 == 1) {
                        arg.append('"');
                    } else {
                        quoted = !quoted;
                    }
                    i++;
                } else {
                    arg.append("\\".repeat(slashes));
                    if (i < s.length() && (quoted || (s.charAt(i) != ' ' && s.charAt(i) != '\t'))) {
                        arg.append(s.charAt(i));
                        i++;
                    }
                }
            }
            out.add(arg.toString());
        }
        return out;
    }

    // ---------------------------------------------------------------- the Windows task

    @Test
    void theTaskStartsJavaAtBootRestartsItAndHasNoTimeLimit() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document task = f.newDocumentBuilder().parse(Path.of("packaging/windows/kcd-audit-daemon.xml").toFile());
        assertEquals("1", String.valueOf(task.getElementsByTagName("BootTrigger").getLength()));
        Element repetition = (Element) task.getElementsByTagName("Repetition").item(0);
        assertEquals("PT5M", text(repetition, "Interval"), "started again within 5 minutes after it exited");
        assertEquals("IgnoreNew", text(task.getDocumentElement(), "MultipleInstancesPolicy"), "never two daemons");
        assertEquals("PT0S", text(task.getDocumentElement(), "ExecutionTimeLimit"), "no 72-hour limit");
        Element restart = (Element) task.getElementsByTagName("RestartOnFailure").item(0);
        assertEquals("PT1M", text(restart, "Interval"));
        Element exec = (Element) task.getElementsByTagName("Exec").item(0);
        assertTrue(text(exec, "Command").endsWith("\\bin\\java.exe"), "java.exe itself, so ending the task ends it");
        assertTrue(text(exec, "Arguments").contains("-jar \"C:\\Program Files\\kcd-audit\\lib\\kcd-auditor.jar\" daemon"
                + " --config "), text(exec, "Arguments"));

        String install = Files.readString(BIN.resolve("install-task.ps1"));
        assertTrue(install.contains(". (Join-Path $PSScriptRoot 'kcd-audit.ps1')"), "the launcher's Java lookup");
        assertTrue(install.contains("$java = Find-KcdJava"));
        assertTrue(install.contains("$jvmLine = (@(Get-KcdJvmArguments) | ForEach-Object { ConvertTo-KcdCommandLineArgument"
                + " $_ }) -join ' '"));
        assertTrue(install.contains("$argumentLine = $jvmLine + ' ' + ((@('-jar', $jar, 'daemon', '--config', $configPath) |"
                + "\r\n        ForEach-Object { ConvertTo-KcdCommandLineArgument $_ }) -join ' ')"));
        assertTrue(install.contains("'packaging\\windows\\kcd-audit-daemon.xml'"));
        assertTrue(install.contains("New-ScheduledTaskPrincipal -UserId $Account -LogonType Password"), "gMSA");
        // never enabled before it runs as the account, never left behind as LocalSystem; an old one stopped first
        int disabled = install.indexOf("t:Settings/t:Enabled', $ns).InnerText = 'false'");
        int stopOld = install.indexOf("Disable-ScheduledTask -TaskName $TaskName");
        int register = install.indexOf("Register-ScheduledTask");
        int principal = install.indexOf("Set-ScheduledTask -TaskName $TaskName -Principal");
        int unregister = install.indexOf("Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction");
        int enable = install.indexOf("Enable-ScheduledTask -TaskName $TaskName");
        int start = install.indexOf("Start-ScheduledTask -TaskName $TaskName");
        assertTrue(disabled > 0 && disabled < stopOld && stopOld < register && register < principal
                && principal < unregister && unregister < enable && enable < start, "disabled until the account is set");
        assertTrue(install.contains("(Resolve-Path -LiteralPath $Config).ProviderPath"), "a UNC config path as such");
        // -Uninstall run twice (or with no task) ends quietly: Unregister-ScheduledTask fails under 'Stop' otherwise
        String uninstall = install.substring(install.indexOf("if ($Uninstall) {"));
        int lookUp = uninstall.indexOf("if (-not (Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue)) {");
        assertTrue(lookUp > 0 && lookUp < uninstall.indexOf("Unregister-ScheduledTask"), "looked up before it is removed");
        // its closing lines say how to stop the "service": Stop-ScheduledTask alone is undone by the 5-minute trigger
        String closing = install.substring(install.lastIndexOf("Start-ScheduledTask -TaskName $TaskName\r\n"));
        assertTrue(closing.contains("To stop the daemon: Disable-ScheduledTask -TaskName $TaskName; Stop-ScheduledTask"
                + " -TaskName $TaskName"), closing);
        assertTrue(closing.contains("ends java.exe at once") && closing.contains("within 5 minutes"), closing);
    }

    /**
     * The task runs the java.exe install-task.ps1 found. The Temurin and Microsoft MSIs (and a zip JDK) install into a
     * folder named after the full version (jre-17.0.13.11-hotspot), which the next Java update replaces: the task then
     * cannot start its action (0x80070002, file not found) and the daemon stops with no log and no mail. The task's
     * example showed a per-major folder (…\jre-17\) that vendors do not make. install-task.ps1 takes -JavaHome (a
     * junction that stays, docs/install.md), warns before it changes anything about a java.exe in a full-version folder,
     * and the example task, the docs and step 6 (0x80070002) say so.
     */
    @Test
    void installTaskTakesAJavaHomeThatStaysAndWarnsAboutAFullVersionFolder() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        assertTrue(install.contains("    [Parameter(ParameterSetName = 'Install')]\r\n    [string]$JavaHome,\r\n"),
                "a -JavaHome parameter");
        assertTrue(install.contains(".PARAMETER JavaHome\r\n"), "documented in its help");
        assertTrue(install.contains("$java = Find-KcdJava -JavaHome $JavaHome\r\n"), install);
        String ps1 = Files.readString(BIN.resolve("kcd-audit.ps1"));
        String find = ps1.substring(ps1.indexOf("function Find-KcdJava([string]$JavaHome) {"));
        assertTrue(find.indexOf("if ($JavaHome) {") < find.indexOf("elseif ($env:JAVA_HOME) {"),
                "-JavaHome before JAVA_HOME: " + find);

        Matcher warning = Pattern.compile("if \\(\\$java -match '([^']+)'\\) \\{\r\n    Write-Warning").matcher(install);
        assertTrue(warning.find(), "a java.exe in a full-version folder is warned about");
        assertTrue(warning.start() < install.indexOf("Disable-ScheduledTask -TaskName $TaskName")
                && warning.start() < install.indexOf("Register-ScheduledTask"), "before anything is changed");
        Pattern versioned = Pattern.compile(warning.group(1), Pattern.CASE_INSENSITIVE); // PowerShell's -match
        for (String path : List.of("C:\\Program Files\\Eclipse Adoptium\\jre-17.0.13.11-hotspot\\bin\\java.exe",
                "C:\\Program Files\\Microsoft\\jdk-17.0.13.11-hotspot\\bin\\java.exe",
                "D:\\Tools\\jdk-17.0.13+11\\bin\\java.exe", "C:\\Program Files\\Java\\jdk-17.0.2\\bin\\java.exe",
                "C:\\Program Files\\Zulu\\zulu17.54.21-ca-jre17.0.13-win_x64\\bin\\java.exe")) {
            assertTrue(versioned.matcher(path).find(), path);
        }
        for (String path : List.of("C:\\Program Files\\Java17\\bin\\java.exe", "C:\\Program Files\\Zulu\\zulu-17\\bin\\java.exe",
                "C:\\Program Files\\Common Files\\Oracle\\Java\\javapath\\java.exe", "C:\\Java\\jre17\\bin\\java.exe")) {
            assertFalse(versioned.matcher(path).find(), path);
        }

        // the junction docs/install.md recommends is the path the example task and every java.exe in the docs show
        String docs = Files.readString(Path.of("docs/install.md"));
        Matcher junction = Pattern.compile("mklink /J \"([^\"]+)\" \"[^\"]+\"").matcher(docs);
        assertTrue(junction.find(), "docs/install.md shows the junction");
        String java = junction.group(1) + "\\bin\\java.exe";
        assertFalse(versioned.matcher(java).find(), java);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document task = f.newDocumentBuilder().parse(Path.of("packaging/windows/kcd-audit-daemon.xml").toFile());
        assertEquals(java, text((Element) task.getElementsByTagName("Exec").item(0), "Command"));
        Matcher shown = Pattern.compile("[A-Za-z]:\\\\[^'\"`\n]*?\\\\bin\\\\java\\.exe").matcher(docs);
        int count = 0;
        while (shown.find()) {
            assertEquals(java, shown.group(), "a java.exe the docs show");
            count++;
        }
        assertTrue(count > 0);
        assertTrue(docs.contains("-JavaHome '" + junction.group(1) + "'"), "step 5 passes the junction");
        String flat = docs.replaceAll("\\s+", " ");
        assertTrue(flat.contains("LastTaskResult 2147942402 (0x80070002"), "step 6 names a java.exe that is gone");
    }

    /**
     * install-task.ps1 took KCD_AUDIT_HEAP and KCD_AUDIT_JAVA_OPTS from the session only: run again for an upgrade from
     * a new PowerShell window, it registered the task with the 512 MB default and without the trust store or hosts
     * file it had been given, and the next audit failed (OutOfMemory, TLS) with nothing said. The JVM options of the
     * task registered before (what stands between its jvm.options and -jar) are kept unless the session sets the
     * variables, and the old and the new arguments are shown when they differ.
     */
    @Test
    void installTaskKeepsTheJvmOptionsOfTheTaskRegisteredBefore() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        String function = install.substring(install.indexOf("function Get-KcdTaskJvmOptions([string]$Arguments) {"));
        function = function.substring(0, function.indexOf("\r\n}\r\n"));
        Matcher one = Pattern.compile("\\$one = '([^']+)'").matcher(function);
        Matcher whole = Pattern.compile("\\$pattern = '([^']+)' \\+ \\$one \\+ '([^']+)' \\+ \\$one \\+ '([^']+)'")
                .matcher(function);
        assertTrue(one.find() && whole.find(), function);
        assertTrue(function.contains("if ($Arguments -match $pattern) {\r\n        return $Matches[1].Trim()"), function);
        Pattern options = Pattern.compile(whole.group(1) + one.group(1) + whole.group(2) + one.group(1) + whole.group(3),
                Pattern.CASE_INSENSITIVE);
        String tail = " -jar \"C:\\Program Files\\kcd-audit\\lib\\kcd-auditor.jar\" daemon --config"
                + " \"C:\\ProgramData\\kcd-audit\\kcd-audit.yaml\"";
        for (Map.Entry<String, List<String>> c : Map.of(
                "\"@C:\\Program Files\\kcd-audit\\config\\jvm.options\"" + tail, List.<String>of(),
                "\"@C:\\Program Files\\kcd-auditor-0.1.0\\config\\jvm.options\" -Xms2g -Xmx2g"
                        + " -Djavax.net.ssl.trustStore=D:\\pki\\cacerts -Djdk.net.hosts.file=D:\\pki\\hosts" + tail,
                List.of("-Xms2g", "-Xmx2g", "-Djavax.net.ssl.trustStore=D:\\pki\\cacerts", "-Djdk.net.hosts.file=D:\\pki\\hosts"),
                "@D:\\kcd\\config\\jvm.options \"-Dkcd.x=a\\\"b\" \"-Dx=*\" -XX:+UseG1GC -jar D:\\kcd\\lib\\kcd-auditor.jar daemon"
                        + " --config D:\\data\\kcd-audit.yaml", List.of("-Dkcd.x=a\"b", "-Dx=*", "-XX:+UseG1GC")).entrySet()) {
            Matcher m = options.matcher(c.getKey());
            assertTrue(m.find(), c.getKey());
            assertEquals(c.getValue(), commandLineToArgv(m.group(1).strip()), c.getKey());
        }
        assertFalse(options.matcher("\"@C:\\kcd\\config\\jvm.options\" -Xmx2g daemon --config x.yaml").find(), "no -jar");
        assertFalse(options.matcher("daemon").find());

        int old = install.indexOf("$oldTask = Get-ScheduledTask -TaskName $TaskName -ErrorAction SilentlyContinue\r\n");
        int keep = install.indexOf("} elseif ($oldAction) {\r\n");
        int kept = install.indexOf("$kept = Get-KcdTaskJvmOptions $oldAction.Arguments\r\n");
        int sessionFirst = install.indexOf("if ($env:KCD_AUDIT_HEAP -or $env:KCD_AUDIT_JAVA_OPTS) {\r\n");
        assertTrue(old > 0 && sessionFirst > old && keep > sessionFirst && kept > keep, "the session's variables first");
        int shown = install.indexOf("Write-Host \"  arguments before: $($oldAction.Arguments)\"\r\n");
        assertTrue(shown > kept && install.contains("Write-Host \"  arguments now:    $argumentLine\"\r\n"), install);
        assertTrue(shown < install.indexOf("Disable-ScheduledTask -TaskName $TaskName"), "before anything is changed");
        String docs = Files.readString(Path.of("docs/install.md")).replaceAll("\\s+", " ");
        String upgrading = docs.substring(docs.indexOf("## Upgrading"));
        assertTrue(upgrading.contains("keeps the JVM options of the task"), upgrading);
    }

    /**
     * Run again over a task registered before, install-task.ps1 disabled and stopped the running daemon before it had
     * checked the account (a cancelled password dialog, a gMSA this server may not use), and its -Force registration
     * replaced the task with the XML's LocalSystem placeholder: when handing it to the account then failed, that
     * placeholder was left, and the message said Enable-ScheduledTask would restore it "as it is", i.e. as SYSTEM. The
     * account is checked before anything is changed; the task of before is exported and, on a failure, registered again
     * as it was (or, if that fails too, removed, its copy named); the placeholder is never left.
     */
    @Test
    void installTaskChecksTheAccountFirstAndRestoresTheTaskOfBeforeOnAFailure() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        int gmsaCheck = install.indexOf("$usable = Test-ADServiceAccount -Identity $name\r\n");
        assertTrue(install.indexOf("if (-not $usable) {\r\n            throw") > gmsaCheck, "refused when unusable");
        int noPassword = install.indexOf("if (-not $Credential -or -not $Credential.GetNetworkCredential().Password) {");
        int export = install.indexOf("$previous = Export-ScheduledTask -TaskName $TaskName\r\n");
        int disable = install.indexOf("Disable-ScheduledTask -TaskName $TaskName");
        int register = install.indexOf("Register-ScheduledTask");
        assertTrue(gmsaCheck > 0 && noPassword > 0 && gmsaCheck < export && noPassword < export && export < disable
                && disable < register, "the account checked, then the task of before saved, then changed");
        assertTrue(install.contains("$backup = Join-Path ([IO.Path]::GetTempPath()) \"$TaskName.before-install-task.xml\"\r\n"),
                "its copy is kept where the task's account cannot change it");
        String failed = install.substring(install.indexOf("} catch {\r\n    $why = $_.Exception.Message\r\n"));
        failed = failed.substring(0, failed.indexOf("\r\n}\r\n"));
        int unregister = failed.indexOf("Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false -ErrorAction");
        int restore = failed.indexOf("Register-ScheduledTask -TaskName $TaskName -Xml $previous | Out-Null");
        assertTrue(unregister > 0 && restore > unregister, "the placeholder removed, the task of before restored: " + failed);
        assertFalse(failed.contains("Enable-ScheduledTask"), failed);
        String docs = Files.readString(Path.of("docs/install.md")).replaceAll("\\s+", " ");
        assertFalse(docs.contains("leaves one registered before disabled"), "the old promise");
        assertTrue(docs.contains("registers the task of before again as it was"), "the new one");
    }

    /**
     * A folder made under C:\ProgramData inherits "Users: create files and folders": any local user could plant a
     * baseline.yaml whose waivers hide findings from the scheduled audit and its mail, or create secrets\ or logs\
     * before the admin did; install-task.ps1 only added the account's Modify. It now sets the folder's ACL itself
     * (inheritance removed, Administrators and SYSTEM Full, the account Modify; secrets\ read-only for the account), by
     * SID (names such as Administrators are translated on other Windows languages), refuses while Everyone,
     * Authenticated Users, Users or INTERACTIVE may still write there or own or may change something below, and does
     * so before the task is touched. No icacls call recurses (/T would follow a junction a user planted below).
     */
    @Test
    void installTaskLocksTheConfigFolderToAdministratorsAndTheAccount() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        int folder = install.indexOf("& icacls.exe $configDir /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F'"
                + " \"${Account}:(OI)(CI)M\" /Q");
        int secrets = install.indexOf("& icacls.exe $secrets /inheritance:r /grant:r '*S-1-5-32-544:(OI)(CI)F' '*S-1-5-18:(OI)(CI)F'"
                + " \"${Account}:(OI)(CI)R\" /Q");
        int refused = install.indexOf("if (Test-KcdUsersCanWrite $configDir) {");
        int foreign = install.indexOf("$foreign = @(Get-KcdForeignItems $configDir");
        assertTrue(folder > 0 && refused > folder && foreign > folder && secrets > foreign, install);
        assertTrue(secrets < install.indexOf("Export-ScheduledTask -TaskName") && secrets < install.indexOf("Disable-ScheduledTask")
                && secrets < install.indexOf("Register-ScheduledTask"), "before the task is touched");
        String weak = install.substring(install.indexOf("$KcdWeakSids = @("));
        weak = weak.substring(0, weak.indexOf(")"));
        for (String sid : List.of("'S-1-1-0'", "'S-1-5-11'", "'S-1-5-32-545'", "'S-1-5-4'")) {
            assertTrue(weak.contains(sid), sid + " in " + weak);
        }
        Matcher icacls = Pattern.compile("icacls\\.exe [^\r\n]*").matcher(install);
        int calls = 0;
        while (icacls.find()) {
            calls++;
            assertFalse(icacls.group().matches(".*\\s/[Tt]\\b.*"), "no recursion: " + icacls.group());
        }
        assertEquals(2, calls, "the folder and secrets\\");
        String walk = install.substring(install.indexOf("function Get-KcdForeignItems"));
        walk = walk.substring(0, walk.indexOf("\r\n}\r\n"));
        assertTrue(walk.contains("if ($item.Attributes -band [IO.FileAttributes]::ReparsePoint) {"), "a link is not followed");
        String docs = Files.readString(Path.of("docs/install.md")).replaceAll("\\s+", " ");
        assertFalse(docs.contains("before you run it (it then adds the account)"), "no longer left to the admin");
        assertTrue(docs.contains("a `baseline.yaml` with waivers"), "why: write access, not only reading");
        assertTrue(docs.contains("review `remediation.ps1` before you run it with `-Apply`"), docs);
    }

    /**
     * An execution policy set by Group Policy (MachinePolicy AllSigned) wins over -ExecutionPolicy Bypass, and the
     * scripts are not signed: kcd-audit.cmd replaces kcd-audit.ps1, but nothing replaced install-task.ps1. docs/install.md
     * gives the task's import by hand with what the script does: the folder's ACL, the task registered disabled (the
     * XML's account is LocalSystem), handed to the account with schtasks (the import dialog cannot choose a gMSA), then
     * enabled; the XML's own comment points there.
     */
    @Test
    void installMdImportsTheTaskByHandWhereGroupPolicyForbidsTheScripts() throws Exception {
        String docs = Files.readString(Path.of("docs/install.md"));
        String flat = docs.replaceAll("\\s+", " ");
        assertTrue(flat.contains("`MachinePolicy`") && flat.contains("`AllSigned`")
                && flat.contains("wins over `-ExecutionPolicy Bypass`"), "why Bypass does not help");
        int at = docs.indexOf("### Without install-task.ps1: the task imported by hand");
        assertTrue(at > 0, "the fallback");
        String manual = docs.substring(at, docs.indexOf("\n## ", at));
        int acl = manual.indexOf("icacls C:\\ProgramData\\kcd-audit /inheritance:r /grant:r \"*S-1-5-32-544:(OI)(CI)F\"");
        int disabled = manual.indexOf("`<Enabled>false</Enabled>`");
        int create = manual.indexOf("schtasks /create /tn kcd-audit-daemon /xml ");
        int account = manual.indexOf("schtasks /change /tn kcd-audit-daemon /ru \"CONTOSO\\gmsa-kcdaudit$\" /rp \"\"");
        int enable = manual.indexOf("schtasks /change /tn kcd-audit-daemon /enable");
        assertTrue(acl > 0 && disabled > acl && create > disabled && account > create && enable > account, manual);
        String xml = Files.readString(Path.of("packaging/windows/kcd-audit-daemon.xml"));
        assertTrue(xml.contains("docs/install.md, \"Without install-task.ps1\""), "the XML points there");
    }

    /**
     * The Windows upgrade said "replace C:\Program Files\kcd-audit", and its rollback needed "the older folder back"
     * there: an admin who followed it had deleted the old version. The upgrade gives the commands, keeping the old
     * folder beside the new one until the upgrade is accepted, and the rollback swaps them back.
     */
    @Test
    void installMdUpgradesOnWindowsKeepingTheOldFolderForARollback() throws Exception {
        String docs = Files.readString(Path.of("docs/install.md"));
        int at = docs.indexOf("\n## Upgrading\n");
        String upgrading = docs.substring(at, docs.indexOf("\n## ", at + 1));
        assertFalse(upgrading.replaceAll("\\s+", " ").contains("replace `C:\\Program Files\\kcd-audit`"), "not one word");
        int stop = upgrading.indexOf("Disable-ScheduledTask kcd-audit-daemon; Stop-ScheduledTask kcd-audit-daemon\n");
        int keepOld = upgrading.indexOf("Rename-Item 'C:\\Program Files\\kcd-audit' kcd-auditor-0.1.0\n");
        int unpack = upgrading.indexOf("Expand-Archive .\\kcd-auditor-0.2.0.zip 'C:\\Program Files'\n");
        int rename = upgrading.indexOf("Rename-Item 'C:\\Program Files\\kcd-auditor-0.2.0' kcd-audit\n");
        int install = upgrading.indexOf("& 'C:\\Program Files\\kcd-audit\\bin\\install-task.ps1' -Config");
        int accepted = upgrading.indexOf("Remove-Item -Recurse 'C:\\Program Files\\kcd-auditor-0.1.0'");
        assertTrue(stop > 0 && keepOld > stop && unpack > keepOld && rename > unpack && install > rename
                && accepted > install, upgrading);
        String back = upgrading.substring(upgrading.indexOf("5. To go back"));
        int asideNew = back.indexOf("Rename-Item 'C:\\Program Files\\kcd-audit' kcd-auditor-0.2.0\n");
        int oldBack = back.indexOf("Rename-Item 'C:\\Program Files\\kcd-auditor-0.1.0' kcd-audit\n");
        int restore = back.indexOf("org.h2.tools.Restore -file C:\\ProgramData");
        assertTrue(back.indexOf("Disable-ScheduledTask") < asideNew && asideNew > 0 && oldBack > asideNew
                && restore > oldBack && back.indexOf("install-task.ps1' -Config", restore) > restore, back);
    }

    /**
     * The Linux upgrade installs the new release's unit file: the install copied it to /etc/systemd/system, where
     * only repointing /opt/kcd-audit and restarting left the old unit running the new release (without what later
     * units add, such as RestartPreventExitStatus=2), although the unit's own header keeps local changes in a drop-in
     * "so upgrades keep them". Going back installs the older release's unit again.
     */
    @Test
    void installMdUpgradesTheSystemdUnitWithTheRelease() throws Exception {
        String docs = Files.readString(Path.of("docs/install.md"));
        int at = docs.indexOf("\n## Upgrading\n");
        String upgrading = docs.substring(at, docs.indexOf("\n## ", at + 1));
        String forward = upgrading.substring(0, upgrading.indexOf("5. To go back"));
        int copy = forward.indexOf("cp /opt/kcd-auditor-0.2.0/packaging/systemd/kcd-audit.service /etc/systemd/system/");
        int link = forward.indexOf("ln -sfn /opt/kcd-auditor-0.2.0 /opt/kcd-audit");
        int reload = forward.indexOf("systemctl daemon-reload", copy);
        int start = forward.indexOf("systemctl start kcd-audit", reload);
        assertTrue(copy > 0 && link > 0 && reload > copy && reload > link && start > reload, forward);
        String back = upgrading.substring(upgrading.indexOf("5. To go back"));
        int copyBack = back.indexOf("cp /opt/kcd-auditor-0.1.0/packaging/systemd/kcd-audit.service /etc/systemd/system/");
        int reloadBack = back.indexOf("systemctl daemon-reload", copyBack);
        assertTrue(copyBack > 0 && reloadBack > copyBack
                && back.indexOf("systemctl start kcd-audit", reloadBack) > reloadBack, back);
    }

    /**
     * docs/install.md tells the admin whose task does not run to read LastTaskResult, the exit code of java.exe: a
     * daemon that cannot start for its config (a key, a passwordFile the account cannot read) exits with 2, README's
     * configuration error, which the page gave as 1, the code of a run that could not complete (a directory or store
     * out of reach), sending the admin after the network instead of the config.
     */
    @Test
    void installMdGivesTheExitCodeOfADaemonStoppedByItsConfig() throws Exception {
        String docs = Files.readString(Path.of("docs/install.md")).replaceAll("\\s+", " ");
        Matcher m = Pattern.compile("A daemon that cannot start \\(a config error, a password file the account cannot"
                + " read\\) .*? LastTaskResult is then (\\d+)").matcher(docs);
        assertTrue(m.find(), "docs/install.md names the task's result for a daemon that cannot start");
        assertEquals(org.kcdauditor.run.ExitCodes.USAGE, Integer.parseInt(m.group(1)), m.group());
    }

    /**
     * install-task.ps1 gives the task's account Modify on the config file's folder, inherited by all below it. A
     * config put straight into a drive's root, C:\ProgramData, C:\Program Files (x86), a profile such as
     * C:\Users\Jürgen or C:\Users gave the account Modify over other programs' and users' files; one inside the
     * installation folder, or in a folder holding it (C:\Tools\kcd-audit.yaml beside C:\Tools\kcd-auditor-0.1.0), let
     * it rewrite config\jvm.options and the jar, which every administrator's kcd-audit.cmd then runs. Such a folder is
     * refused in one line before anything is asked or changed.
     */
    @Test
    void installTaskRefusesAConfigFolderWhoseModifyWouldReachOtherFiles() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        int check = install.indexOf("if (Test-KcdSharedFolder $configDir) {");
        assertTrue(check > 0, "the config's folder is checked");
        for (String later : List.of("Get-Credential", "Register-ScheduledTask", "Disable-ScheduledTask", "icacls.exe")) {
            assertTrue(check < install.indexOf(later), "refused before " + later);
        }
        String test = install.substring(install.indexOf("function Test-KcdSharedFolder"));
        test = test.substring(0, test.indexOf("\r\n}\r\n"));
        for (String folder : List.of("'Windows'", "'ProgramFiles'", "'ProgramFilesX86'", "'CommonApplicationData'",
                "'UserProfile'", "$env:ProgramW6432", "[IO.Path]::GetPathRoot(")) {
            assertTrue(test.contains(folder), folder + " in " + test);
        }
        assertTrue(test.contains("Split-Path -Parent ([Environment]::GetFolderPath('UserProfile'))"), "C:\\Users");
        assertTrue(test.contains("($folder + '\\').StartsWith($installation + '\\', 'OrdinalIgnoreCase')")
                && test.contains("($installation + '\\').StartsWith($folder + '\\', 'OrdinalIgnoreCase')"),
                "inside the installation folder, or holding it: " + test);
    }

    /**
     * Task Scheduler replaces %NAME% in a task's Command, Arguments and WorkingDirectory with the environment variable
     * when it starts the task (ExecAction, "If environment variables are used in the Path, Arguments, or
     * WorkingDirectory properties…"), and '%' has no escape there. A config in "D:\Audit %USERNAME%\" or a
     * KCD_AUDIT_JAVA_OPTS of -Djava.io.tmpdir=%TEMP%\kcd was written into the task as typed and reached java.exe as
     * another path (the account's own USERNAME and TEMP): a daemon reading another config, or none. install-task.ps1
     * refuses such a value in one line before it changes anything; the values it checks are those it writes.
     */
    @Test
    void installTaskRefusesAValueTaskSchedulerWouldExpand() throws Exception {
        String install = Files.readString(BIN.resolve("install-task.ps1"));
        Matcher written = Pattern.compile("\\$exec\\.SelectSingleNode\\('t:(Command|Arguments|WorkingDirectory)', \\$ns\\)"
                + "\\.InnerText = (\\$\\w+)").matcher(install);
        Map<String, String> values = new java.util.TreeMap<>();
        while (written.find()) {
            values.put(written.group(1), written.group(2));
        }
        assertEquals(java.util.Set.of("Command", "Arguments", "WorkingDirectory"), values.keySet(),
                "each of the three is written from one variable: " + values);
        Matcher check = Pattern.compile("foreach \\(\\$value in @\\(([^)]*)\\)\\) \\{\r\n"
                + "    if \\(\\[Environment]::ExpandEnvironmentVariables\\(\\$value\\) -ne \\$value\\) \\{\r\n"
                + "        throw \\(\"install-task.ps1: \\$value holds %NAME% of an environment variable").matcher(install);
        assertTrue(check.find(), "the values are compared with what Task Scheduler would make of them");
        assertEquals(List.copyOf(new java.util.TreeSet<>(values.values())),
                List.copyOf(new java.util.TreeSet<>(List.of(check.group(1).split(", ")))), "every value written is checked");
        assertTrue(check.start() < install.indexOf("Disable-ScheduledTask -TaskName $TaskName")
                && check.start() < install.indexOf("Register-ScheduledTask"), "refused before anything is changed");
    }

    private static String text(Element parent, String name) {
        return parent.getElementsByTagName(name).item(0).getTextContent().trim();
    }

    // ---------------------------------------------------------------- the systemd unit

    @Test
    void theSystemdUnitRunsTheDaemonHardenedAsItsOwnUser() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("packaging/systemd/kcd-audit.service")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        for (String expected : List.of("[Service]", "User=kcd-audit", "Group=kcd-audit",
                "ExecStart=/opt/kcd-audit/bin/kcd-audit daemon --config /etc/kcd-audit/kcd-audit.yaml",
                "Restart=on-failure", "EnvironmentFile=/etc/kcd-audit/kcd-audit.env", "NoNewPrivileges=yes",
                "ProtectSystem=strict", "StateDirectory=kcd-audit", "LogsDirectory=kcd-audit",
                "WorkingDirectory=/var/lib/kcd-audit", "PrivateTmp=yes", "SuccessExitStatus=143",
                "WantedBy=multi-user.target")) {
            assertTrue(lines.contains(expected), expected);
        }
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("MemoryDenyWriteExecute")), "the JIT writes code");
    }

    /**
     * A configuration error (exit 2: a passwordEnv variable missing from the EnvironmentFile, a key misspelt) is not
     * mended by starting again: with Restart=on-failure alone systemd restarted the daemon every 30 s for ever (30 s
     * apart is below any start rate limit), a JVM start and the same error line each time, and systemctl status said
     * "activating (auto-restart)" instead of failed. Exit 2 ends it failed, the error line in its status.
     */
    @Test
    void theSystemdUnitDoesNotRestartAfterAConfigurationError() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("packaging/systemd/kcd-audit.service")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertTrue(lines.contains("Restart=on-failure"), "a store unreachable at boot (exit 1) is still retried");
        assertTrue(lines.contains("RestartPreventExitStatus=2"), lines.toString());
    }
    /**
     * docs/install.md says to change the unit's paths (the installation folder, the config) in a drop-in. A drop-in
     * with only the new ExecStart= adds a second command, and systemd refuses the unit ("Service has more than one
     * ExecStart= setting, which is only allowed for Type=oneshot services"): the drop-in the page shows, with an
     * installation folder whose path has a space and an umlaut, is accepted with the unit.
     */
    @Test
    void theDropInInstallMdShowsForOtherPathsIsAcceptedWithTheUnit(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        String docs = Files.readString(Path.of("docs/install.md"));
        int at = docs.indexOf("# systemctl edit kcd-audit");
        assertTrue(at > 0, "docs/install.md shows the drop-in");
        String dropIn = docs.substring(at, docs.indexOf("```", at));
        Matcher exec = Pattern.compile("ExecStart=\"([^\"]+)/bin/kcd-audit\" daemon").matcher(dropIn);
        assertTrue(exec.find() && exec.group(1).contains(" ") && !exec.group(1).matches("\\p{ASCII}*"), dropIn);
        // as installed: the folder the drop-in names, here made under dir
        Path home = installation(Files.createDirectories(dir.resolve("Kcd Auditor")));
        Path units = Files.createDirectories(dir.resolve("units/kcd-audit.service.d"));
        Files.copy(Path.of("packaging/systemd/kcd-audit.service"), units.resolveSibling("kcd-audit.service"));
        Files.writeString(units.resolve("override.conf"), dropIn.replace(exec.group(1), home.toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", units.resolveSibling("kcd-audit.service").toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), dropIn + "\n" + said);
        assertFalse(said.contains("kcd-audit.service"), "no remark on the unit: " + said);
    }
}
