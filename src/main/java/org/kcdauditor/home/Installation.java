package org.kcdauditor.home;

import org.kcdauditor.config.ConfigException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the files shipped with kcd-audit are: {@code templates/}, the hardening catalogue
 * {@code config/hardening-kbs.yaml} and the demo {@code config/demo/}.
 *
 * <p>The installation folder is {@code KCD_AUDIT_HOME} when that is set, else the parent of the folder
 * holding the jar: {@code <home>/lib/kcd-auditor.jar} in the release archive,
 * {@code <checkout>/target/kcd-auditor.jar} in a checkout. A shipped file missing there is taken from
 * the copy inside the jar (templates one by one by the template loader; the catalogue and the demo are
 * copied to a temporary folder that is removed when the process ends). User data (store, reports,
 * baseline) is never resolved here: it stays relative to the config file.
 */
public final class Installation {
    /** Overrides the installation folder. */
    public static final String HOME_ENV = "KCD_AUDIT_HOME";
    static final String TEMPLATES = "templates";
    static final String CATALOGUE = "config/hardening-kbs.yaml";
    static final String DEMO = "config/demo";
    static final String EXAMPLE_CONFIG = "config/kcd-audit.example.yaml";

    private static Path extracted;

    private final Path home;

    private Installation(Path home) {
        this.home = home;
    }

    public static Installation at(Path home) {
        return new Installation(home);
    }

    /** The installation folder for this process: {@value #HOME_ENV}, else the folder above the jar's. */
    public static Path locate(Map<String, String> env) {
        String set = env.get(HOME_ENV);
        if (set != null && !set.isBlank()) {
            Path p = Path.of(set.trim()).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new ConfigException(HOME_ENV + "=" + set + ": no such folder (point it at the folder that"
                        + " holds bin/, config/ and templates/, or unset it)");
            }
            return p;
        }
        Path code = codeLocation();
        Path folder = code.getParent();
        if (folder == null) {
            return code;
        }
        return folder.getParent() == null ? folder : folder.getParent();
    }

    /** The jar kcd-audit runs from (a classes folder when run from an IDE or the test suite). */
    static Path codeLocation() {
        try {
            return Path.of(Installation.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the kcd-audit jar", e);
        }
    }

    public Path home() {
        return home;
    }

    /** The admin-editable templates; a template missing here comes from the jar (TemplateRenderer). */
    public Path templates() {
        return home.resolve(TEMPLATES);
    }

    /** The shipped hardening catalogue: the installation's, else the jar's copy. */
    public Path catalogue() {
        Path p = home.resolve(CATALOGUE);
        return Files.isRegularFile(p) ? p : fromJar(CATALOGUE);
    }

    /** The commented example configuration admins copy, or null when the installation lacks it. */
    public Path exampleConfig() {
        Path p = home.resolve(EXAMPLE_CONFIG);
        return Files.isRegularFile(p) ? p : null;
    }

    /** The demo folder (config, LDIF, baseline, exports): the installation's, else the jar's copy. */
    public Path demo() {
        Path p = home.resolve(DEMO);
        return Files.isDirectory(p) ? p : fromJar(DEMO);
    }

    /**
     * The jar's copy of the demo in a temporary folder, for an installation whose demo store cannot be
     * written (a read-only installation folder such as Program Files or /opt). The demo's store
     * ({@code ../../data} from the demo folder) then lands in the same temporary folder.
     */
    public static Path demoCopy() {
        return fromJar(DEMO);
    }

    /** Copies a file or folder shipped inside the jar to this process's temporary folder (once). */
    static synchronized Path fromJar(String relative) {
        try {
            if (extracted == null) {
                extracted = Files.createTempDirectory("kcd-audit-");
                Path root = extracted;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root), "kcd-audit-cleanup"));
            }
            Path target = extracted.resolve(relative);
            if (Files.exists(target)) {
                return target;
            }
            URL url = Installation.class.getResource("/" + relative);
            if (url == null) {
                throw new IllegalStateException("/" + relative + " is missing inside the kcd-audit jar");
            }
            URI uri = url.toURI();
            if (!"jar".equals(uri.getScheme())) {
                copy(Path.of(uri), target);
                return target;
            }
            FileSystem jar;
            boolean opened;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
                opened = false;
            }
            try {
                copy(Path.of(uri), target);
            } finally {
                if (opened) {
                    jar.close();
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + relative + " out of the kcd-audit jar: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path source, Path target) throws IOException {
        if (!Files.isDirectory(source)) {
            Files.createDirectories(target.getParent());
            try (InputStream in = Files.newInputStream(source)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return;
        }
        try (Stream<Path> all = Files.walk(source)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path t = target;
                for (Path part : source.relativize(p)) {
                    t = t.resolve(part.toString());
                }
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    try (InputStream in = Files.newInputStream(p)) {
                        Files.copy(in, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
