package org.kcdauditor.config;

/** A problem the user can fix in the configuration: exit code 2, one line, no stack trace. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
