package org.kcdauditor.io;

import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Named pipes and devices where a file is read: opening a pipe waits for a writer for ever, and a device such as
 * {@code /dev/zero} never ends. They are refused before they are opened.
 */
public final class SpecialFiles {
    /** How a message names such a path. */
    public static final String WHAT = "a named pipe or a device, not a file";

    private SpecialFiles() {
    }

    /** Whether {@code p} (a link followed) exists and is neither a regular file nor a folder. */
    public static boolean is(Path p) {
        return Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p);
    }

    /**
     * Refuses {@code p} when it {@link #is} a named pipe or a device: a {@link FileSystemException} whose reason is
     * {@link #WHAT} followed by {@code what to do}.
     */
    public static void refuse(Path p, String whatToDo) throws FileSystemException {
        if (is(p)) {
            throw new FileSystemException(p.toString(), null, WHAT + ": " + whatToDo);
        }
    }
}
