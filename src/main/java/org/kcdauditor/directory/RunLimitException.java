package org.kcdauditor.directory;

/**
 * The reading of the directory outlasted {@code directory.runTimeoutSeconds}: the directory answered, too slowly for
 * its size or the network, so running again soon meets the same ({@link DirectoryOutage} is not this).
 */
public final class RunLimitException extends DirectoryException {
    RunLimitException(String message, Throwable cause) {
        super(message, cause);
    }
}
