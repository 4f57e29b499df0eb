package org.kcdauditor.store;

/**
 * The history store cannot be opened, migrated or written: the run cannot complete (exit 1). The
 * message is one line naming the database (never its credentials) and what to check.
 */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
