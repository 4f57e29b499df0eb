package org.kcdauditor.inventory;

import org.kcdauditor.io.SpecialFiles;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Expands {@code patches.sources} / {@code events.sources}: each entry is a file or a glob
 * ({@code exports/*.csv}, {@code exports/**}{@code /hotfix-*.csv}), relative to the config folder.
 */
public final class SourceFiles {
    /** The files found, and for each entry that found nothing, a problem. */
    public record Expansion(List<Path> files, List<Problem> problems) {
    }

    /** An entry that gave no file. */
    public record Problem(String pattern, String reason) {
    }

    private SourceFiles() {
    }

    public static Expansion expand(List<String> patterns, Function<String, Path> resolve) {
        List<Path> files = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (String pattern : patterns) {
            if (!hasGlob(pattern)) {
                Path p = resolve.apply(pattern);
                if (!files.contains(p)) {
                    files.add(p);
                }
                continue;
            }
            String norm = pattern.replace('\\', '/');
            int cut = firstGlob(norm);
            int slash = norm.lastIndexOf('/', cut);
            Path base = resolve.apply(slash < 0 ? "." : norm.substring(0, Math.max(slash, 1)));
            String rest = slash < 0 ? norm : norm.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
            int depth = rest.contains("**") ? Integer.MAX_VALUE : (int) rest.chars().filter(c -> c == '/').count() + 1;
            List<Path> found = new ArrayList<>();
            List<Path> unusable = new ArrayList<>();
            if (Files.isDirectory(base)) {
                try (Stream<Path> walk = Files.walk(base, depth)) {
                    walk.filter(p -> !p.equals(base) && matcher.matches(base.relativize(p))).sorted()
                            .forEach(p -> (Files.isRegularFile(p) ? found : unusable).add(p));
                } catch (IOException | java.io.UncheckedIOException e) {
                    problems.add(new Problem(pattern, "cannot list " + base + ": " + e.getMessage()));
                }
            }
            // a name that matches but is no file (a folder, a link to nothing, a named pipe) is said, not silently
            // passed over
            unusable.forEach(p -> problems.add(new Problem(p.toString(), "matches " + pattern + " but is no readable"
                    + " file (" + (Files.isDirectory(p) ? "a folder" : SpecialFiles.is(p) ? SpecialFiles.WHAT
                    : "a link to nothing") + "): skipped")));
            if (found.isEmpty() && unusable.isEmpty()) {
                problems.add(new Problem(pattern, "no file matches"));
            }
            found.stream().filter(p -> !files.contains(p)).forEach(files::add);
        }
        return new Expansion(files, problems);
    }

    private static boolean hasGlob(String s) {
        return firstGlob(s) < s.length();
    }

    private static int firstGlob(String s) {
        for (int i = 0; i < s.length(); i++) {
            if ("*?[{".indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }
}
