package org.kcdauditor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package dependencies docs/architecture.md describes, read from the sources: imports (static ones too) and
 * fully qualified names in code, which this code base uses as often as imports.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void baselineDoesNotDependOnTheAudit() throws IOException {
        // the audit reads the baseline (drift, waivers); the other way round is a cycle (issue 10)
        assertEquals(List.of(), using(MAIN.resolve("org/kcdauditor/baseline"),
                Pattern.compile("\\borg\\.kcdauditor\\.audit\\.")));
    }

    @Test
    void onlyTheStoreAndItsMigrationsUseJdbc() throws IOException {
        List<String> outside = using(MAIN.resolve("org/kcdauditor"), Pattern.compile("\\bjavax?\\.sql\\.")).stream()
                .filter(f -> !f.startsWith("org/kcdauditor/store/")).toList();
        assertEquals(List.of(), outside);
    }

    /** The sources under {@code dir} with a line of code (not a comment line) that names {@code name}. */
    static List<String> using(Path dir, Pattern name) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().map(String::strip)
                            .filter(l -> !l.startsWith("*") && !l.startsWith("/*") && !l.startsWith("//"))
                            .anyMatch(l -> name.matcher(l).find());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> MAIN.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }
}
