package org.kcdauditor.inventory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A named pipe or a device named as an export (on the command line of {@code inspect}, or in a source entry without a
 * wildcard) is refused before it is opened: opening a pipe waits for a writer for ever, and {@code /dev/zero} never
 * ends. A wildcard already passed such names over with the same words ({@link SourceFiles}).
 */
class SpecialFileImportTest {
    @TempDir
    Path dir;

    static Path fifo(Path at) throws Exception {
        assertEquals(0, new ProcessBuilder("mkfifo", at.toString()).start().waitFor());
        return at;
    }

    @Test
    void aNamedPipeIsRefusedByEveryImporterWithoutWaitingForAWriter() throws Exception {
        Path pipe = fifo(dir.resolve("pipe.csv"));
        String error = "cannot read: a named pipe or a device, not a file: export into a file and name that file";
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertEquals(error, new PatchImporter(List.of()).read(pipe, r -> { }, p -> { }).error());
            assertEquals(error, new EventImporter(List.of(21502), java.time.ZoneOffset.UTC).read(pipe, r -> { },
                    p -> { }).error());
            assertEquals(error, new HostSettingsImporter().read(pipe, r -> { }, p -> { }).error());
        });
    }

    @Test
    void aDeviceIsRefusedInsteadOfReadWithoutEnd() {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertEquals("cannot read: a named pipe or a device,"
                + " not a file: export into a file and name that file", new PatchImporter(List.of())
                .read(Path.of("/dev/zero"), r -> { }, p -> { }).error()));
    }
}
