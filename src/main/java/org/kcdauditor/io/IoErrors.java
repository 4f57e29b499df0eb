package org.kcdauditor.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** File-system errors as an admin reads them: the path and what is wrong, not a Java class name. */
public final class IoErrors {
    private IoErrors() {
    }

    /** {@code path: reason}; the JDK leaves the reason out of the common cases, so it is named here. */
    public static String describe(Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof FileSystemException f && f.getReason() == null) {
            String why = t instanceof NoSuchFileException ? "does not exist (or a parent folder does not)"
                    : t instanceof AccessDeniedException ? "permission denied"
                    : t instanceof FileAlreadyExistsException ? inTheWay(f.getFile())
                    : t instanceof java.nio.file.NotDirectoryException ? "a file is in the way of this folder"
                    : t.getClass().getSimpleName();
            return f.getFile() + ": " + why;
        }
        String m = t.getMessage();
        String first = m == null ? "" : m.lines().findFirst().orElse("");
        return first.isEmpty() ? t.getClass().getSimpleName() : folder(first);
    }

    /**
     * Why reading or writing a file failed, without naming the file: for a message that names it already (an
     * import's error beside its file name). A folder given as a file says so.
     */
    public static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof FileSystemException f) {
            if (f.getReason() == null) {
                String described = describe(e);
                return f.getFile() == null ? described : described.substring(f.getFile().length() + 2);
            }
            return folder(f.getReason());
        }
        return describe(e);
    }

    /**
     * Why a folder cannot be made at {@code path}, which exists: a link to nothing (a link to a folder that is gone)
     * with its target and what to do; else something that is not a folder.
     */
    private static String inTheWay(String path) {
        Path p = Path.of(path);
        if (Files.isSymbolicLink(p) && !Files.exists(p)) {
            try {
                return "a link to nothing (" + p.toAbsolutePath().resolveSibling(Files.readSymbolicLink(p))
                        .normalize() + " does not exist): create that folder, or remove the link";
            } catch (IOException e) {
                return "a link to nothing: remove the link, or give another folder";
            }
        }
        return "exists and is not a folder";
    }

    /** The JDK's "Is a directory" (reading a folder as a file) as an admin says it. */
    private static String folder(String reason) {
        return "Is a directory".equals(reason) ? "it is a folder, not a file" : reason;
    }
}
