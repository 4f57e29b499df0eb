package org.kcdauditor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The package dependencies docs/architecture.md describes, read from the sources' imports. */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java");

    @Test
    void baselineDoesNotDependOnTheAudit() throws IOException {
        // the audit reads the baseline (drift, waivers); the other way round is a cycle (issue 10)
        assertEquals(List.of(), importing(MAIN.resolve("org/kcdauditor/baseline"), "import org.kcdauditor.audit."));
    }

    @Test
    void onlyTheStoreAndItsMigrationsUseJdbc() throws IOException {
        List<String> outside = importing(MAIN.resolve("org/kcdauditor"), "import java.sql.").stream()
                .filter(f -> !f.startsWith("org/kcdauditor/store/")).toList();
        assertEquals(List.of(), outside);
    }

    private static List<String> importing(Path dir, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return Files.readAllLines(f).stream().anyMatch(l -> l.startsWith(prefix));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> MAIN.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }
}
