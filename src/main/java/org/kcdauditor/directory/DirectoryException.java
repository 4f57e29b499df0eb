package org.kcdauditor.directory;

/**
 * The directory could not be read (unreachable, TLS failure, bind refused): exit code 1. The
 * message is one line saying what happened and what to check; it never contains a secret.
 */
public class DirectoryException extends Exception {
    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }

    public DirectoryException(String message) {
        super(message);
    }
}
