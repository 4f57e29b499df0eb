package org.kcdauditor.dist;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.report.FindingsJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The release archive as an admin meets it: unpacked into a folder outside the checkout, run from a
 * third folder with nothing but a Java runtime (no Maven, no checkout, no KCD_AUDIT_HOME). Runs in
 * {@code mvn verify} after {@code package} built the archives (maven-failsafe-plugin, profile dist).
 */
class ArchiveIT {
    private static final String VERSION = System.getProperty("kcd.version", "0.1.0");
    private static final Path TARGET = Path.of(System.getProperty("kcd.target", "target")).toAbsolutePath();
    private static final String NAME = "kcd-auditor-" + VERSION;

    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        Path tar = TARGET.resolve(NAME + ".tar.gz");
        assertTrue(Files.isRegularFile(tar), tar + " (run mvn package first)");
        assertFalse(unpacked.startsWith(Path.of("").toAbsolutePath()), "unpacked outside the checkout");
        Process p = new ProcessBuilder("tar", "-xzf", tar.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        home = unpacked.resolve(NAME);
    }

    @Test
    void eachArchiveHasItsSha256AndBothHoldTheSameFiles() throws Exception {
        for (String ext : List.of(".zip", ".tar.gz")) {
            Path archive = TARGET.resolve(NAME + ext);
            String line = Files.readString(TARGET.resolve(NAME + ext + ".sha256")).trim();
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(archive)));
            assertEquals(sha + "  " + NAME + ext, line, "sha256sum -c format");
        }
        Set<String> tarFiles = new TreeSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                Files.newInputStream(TARGET.resolve(NAME + ".tar.gz"))))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    tarFiles.add(e.getName());
                }
            }
        }
        Set<String> zipFiles = new TreeSet<>();
        try (ZipFile zip = ZipFile.builder().setPath(TARGET.resolve(NAME + ".zip")).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                if (!e.isDirectory()) {
                    zipFiles.add(e.getName());
                }
            }
            assertEquals(0755, zip.getEntry(NAME + "/bin/kcd-audit").getUnixMode() & 0777, "executable in the zip");
            String cmd = new String(zip.getInputStream(zip.getEntry(NAME + "/bin/kcd-audit.cmd")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertTrue(cmd.contains("\r\n") && !cmd.replace("\r\n", "").contains("\n"), "CRLF line ends in the .cmd");
        }
        assertEquals(tarFiles, zipFiles);
        for (String f : List.of("lib/kcd-auditor.jar", "bin/kcd-audit", "bin/kcd-audit.cmd", "bin/kcd-audit.ps1",
                "bin/install-task.ps1", "templates/runbook.md.ftl", "templates/mail-notice.html.ftl",
                "config/kcd-audit.example.yaml", "config/hardening-kbs.yaml", "config/jvm.options",
                "config/demo/kcd-audit-demo.yaml", "config/demo/contoso.ldif", "docs/install.md", "README.md",
                "packaging/systemd/kcd-audit.service", "packaging/windows/kcd-audit-daemon.xml",
                "licenses/THIRD-PARTY.txt", "licenses/fonts/LICENSE-DejaVu.txt")) {
            assertTrue(tarFiles.contains(NAME + "/" + f), f);
        }
        assertEquals(Set.of("rwxr-xr-x"), Set.of(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("bin/kcd-audit")))));
        // README's three commands to a Samba-backed audit run in the unpacked archive as in a checkout
        assertTrue(tarFiles.contains(NAME + "/config/samba-example.yaml"), "README's Samba config");
        assertEquals(Set.of("rwxr-xr-x"), Set.of(PosixFilePermissions.toString(
                Files.getPosixFilePermissions(home.resolve("scripts/samba-ad.sh")))), "README's Samba script");
    }

    /**
     * The tar recorded each file's owner on the build machine (the uid of whoever cloned the checkout, 1001 say), and
     * GNU tar run as root, as docs/install.md unpacks it into /opt, restores that owner: a local account with that uid
     * on the server could then rewrite bin/kcd-audit, which the service and root's own calls run. Every entry belongs
     * to root (0/0), whoever built it.
     */
    @Test
    void everyEntryOfTheTarBelongsToRootWhoeverBuiltIt() throws Exception {
        List<String> notRoot = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(
                Files.newInputStream(TARGET.resolve(NAME + ".tar.gz"))))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getLongUserId() != 0 || e.getLongGroupId() != 0 || !"root".equals(e.getUserName())
                        || !"root".equals(e.getGroupName())) {
                    notRoot.add(e.getName() + " " + e.getLongUserId() + "/" + e.getLongGroupId() + " "
                            + e.getUserName() + "/" + e.getGroupName());
                }
            }
        }
        assertEquals(List.of(), notRoot);
    }

    @Test
    void everyBundledLibraryHasItsLicenceText() throws Exception {
        Path licenses = home.resolve("licenses");
        Matcher m = Pattern.compile("\\(([\\w.-]+):([\\w.-]+):([\\w.-]+) - ").matcher(
                Files.readString(licenses.resolve("THIRD-PARTY.txt")));
        List<String> artifacts = new ArrayList<>();
        while (m.find()) {
            artifacts.add(m.group(2));
        }
        assertTrue(artifacts.containsAll(List.of("logback-classic", "unboundid-ldapsdk", "poi", "h2", "picocli")),
                artifacts.toString());
        for (String a : artifacts) {
            Path dir = licenses.resolve("libraries").resolve(a);
            List<Path> texts;
            try (Stream<Path> files = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
                texts = files.filter(Files::isRegularFile).toList();
            }
            assertFalse(texts.isEmpty(), "no licence text for " + a + " in " + dir);
            for (Path text : texts) {
                Matcher ref = Pattern.compile("\\.\\./\\.\\./([\\w.-]+\\.txt)").matcher(Files.readString(text,
                        StandardCharsets.ISO_8859_1));
                while (ref.find()) {
                    assertTrue(Files.isRegularFile(licenses.resolve(ref.group(1))), text + " names " + ref.group());
                }
            }
        }
    }

    @Test
    void theDemoRunsFromAnotherFolderWithOnlyAJavaRuntime(@TempDir Path elsewhere) throws Exception {
        Path out = elsewhere.resolve("reports of \"the\" demo's run");
        Run run = run(elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home")), "demo", "--out", out.toString());
        assertEquals(0, run.code, run.toString());
        for (String f : List.of("findings.json", "audit.xlsx", "audit.pdf", "runbook.md", "runbook.html",
                "remediation.ps1")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f + "\n" + run);
        }
        assertTrue(run.out.contains("All                  7          4/18                  2/6           75/80     93.8 %             16     5     7     5"),
                run.out);
        assertTrue(run.out.contains("HARDENING_PATCH_WITHOUT_DELEGATION HV01 installed KB5019966"), run.out);
        assertTrue(run.out.contains("Reports in " + out), run.out);
        JsonNode doc = FindingsJson.MAPPER.readTree(out.resolve("findings.json").toFile());
        assertEquals(16, doc.path("summary").path("bySeverity").path("HIGH").asInt());
        assertTrue(Files.isRegularFile(home.resolve("data/demo-history.mv.db")), "the demo's store in the installation");
        assertTrue(Files.isRegularFile(home.resolve("lib/kcd-auditor-java" + javaVersion() + ".jsa")),
                "the class-data archive trained on the first call");

        Run version = run(elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home")), "--version");
        assertTrue(version.out.startsWith("kcd-audit " + VERSION + " (commit "), version.toString());
    }

    /**
     * Java reads file names in the locale's character set, and cron, env -i, a container or a server without a locale
     * give the POSIX one (as run() here does: no LANG): unpacked into a folder with an 'ä', every command ended in
     * "Error: An unexpected error occurred while trying to open file …/Programme ?? (x86)/…/kcd-auditor.jar", and
     * --out or --config with an 'ö' in "Malformed input or input contains unmappable characters". The launcher gives
     * Java the C locale with UTF-8 then.
     */
    @Test
    void aNonAsciiInstallationAndOutputPathWorkWithoutALocale(@TempDir Path elsewhere) throws Exception {
        assumeTrue(java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "US-ASCII"))
                .equals(StandardCharsets.UTF_8), "this JVM cannot name such a folder itself");
        Path folder = Files.createDirectories(elsewhere.resolve("Programme ä (x86)"));
        Process tar = new ProcessBuilder("tar", "-xzf", TARGET.resolve(NAME + ".tar.gz").toString(), "-C",
                folder.toString()).redirectErrorStream(true).start();
        String unpacked = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, tar.waitFor(), unpacked);
        Path out = elsewhere.resolve("Berichte ö");
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", folder.resolve(NAME).resolve("bin/kcd-audit").toString(),
                "demo", "--formats", "json", "--out", out.toString()).directory(elsewhere.toFile());
        pb.environment().clear();
        pb.environment().putAll(Map.of("JAVA_HOME", System.getProperty("java.home"), "PATH", "/usr/bin:/bin",
                "HOME", elsewhere.toString()));
        Path said = elsewhere.resolve("said.txt");
        pb.redirectErrorStream(true).redirectOutput(said.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not end");
        String text = Files.readString(said);
        assertEquals(0, p.exitValue(), text);
        assertTrue(Files.size(out.resolve("findings.json")) > 0, text);
        assertTrue(text.contains("Reports in " + out), text);
    }

    @Test
    void javaIsFoundOnPathToo(@TempDir Path elsewhere) throws Exception {
        Path bin = Files.createDirectories(elsewhere.resolve("jre-bin"));
        Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
        Run run = run(elsewhere, Map.of("PATH", bin.toString()), "rules", "--brief");
        assertEquals(0, run.code, run.toString());
        assertTrue(run.out.contains("MISSING_DELEGATION"), run.out);
    }

    @Test
    void missingOrOldJavaIsNamedClearly(@TempDir Path elsewhere) throws Exception {
        Path empty = Files.createDirectories(elsewhere.resolve("empty"));
        Run none = run(elsewhere, Map.of("PATH", empty.toString()), "demo");
        assertEquals(1, none.code, none.toString());
        assertTrue(none.err.startsWith("kcd-audit: no java on PATH and JAVA_HOME is not set. kcd-audit needs Java 17"
                + " or later: install a Java 17+ runtime"), none.err);

        Path old = Files.createDirectories(elsewhere.resolve("jdk8/bin"));
        Files.writeString(old.resolve("java"), "#!/bin/sh\necho 'java version \"1.8.0_401\"' >&2\n");
        Files.setPosixFilePermissions(old.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Run tooOld = run(elsewhere, Map.of("JAVA_HOME", old.getParent().toString(), "PATH", "/usr/bin:/bin"), "demo");
        assertEquals(1, tooOld.code, tooOld.toString());
        assertTrue(tooOld.err.startsWith("kcd-audit: " + old.resolve("java") + " is Java 1.8.0_401. kcd-audit needs"
                + " Java 17 or later"), tooOld.err);

        Run badHome = run(elsewhere, Map.of("JAVA_HOME", empty.toString(), "PATH", "/usr/bin:/bin"), "demo");
        assertEquals(1, badHome.code, badHome.toString());
        assertTrue(badHome.err.startsWith("kcd-audit: JAVA_HOME=" + empty + " has no bin/java."), badHome.err);
    }

    @Test
    void theSystemdUnitVerifies() throws Exception {
        Path unit = home.resolve("packaging/systemd/kcd-audit.service");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is not installed");
        // as installed: the archive in /opt/kcd-audit; here it is unpacked elsewhere
        Path copy = unpacked.resolve("kcd-audit.service");
        Files.writeString(copy, Files.readString(unit).replace("/opt/kcd-audit", home.toString()));
        Process p = new ProcessBuilder("systemd-analyze", "verify", copy.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), said);
        assertFalse(said.contains("kcd-audit.service"), "no remark on the unit: " + said);
    }

    private static String javaVersion() {
        return System.getProperty("java.version");
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "\n--- err\n" + err;
        }
    }

    /** bin/kcd-audit with only the given environment (plus a private HOME), started in {@code cwd}. */
    private static Run run(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", home.resolve("bin/kcd-audit").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().clear();
        Map<String, String> e = new HashMap<>(env);
        e.putIfAbsent("PATH", "/usr/bin:/bin");
        e.put("HOME", cwd.toString());
        pb.environment().putAll(e);
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "bin/kcd-audit " + String.join(" ", args) + " did not end");
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
