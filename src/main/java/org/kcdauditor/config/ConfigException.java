package org.kcdauditor.config;

import org.kcdauditor.io.SpecialFiles;

import java.nio.file.Path;

/** A problem the user can fix in the configuration: exit code 2, one line, no stack trace. */
public class ConfigException extends RuntimeException {
    /** The line of the config the key the message starts with is on, for {@link #messageIn}; 0 when not known. */
    private final int line;

    public ConfigException(String message) {
        this(message, 0);
    }

    /** A problem with the key the message starts with, found after loading, at its {@code line} of the config. */
    ConfigException(String message, int line) {
        super(message);
        this.line = line;
    }

    /**
     * Refuses {@code file}, which {@code key} names, when it is a named pipe or a device ({@link SpecialFiles}): one
     * line with the key, the file and {@code whatToDo}, before anything opens it.
     */
    public static void refuseSpecialFile(String key, Path file, String whatToDo) {
        if (SpecialFiles.is(file)) {
            throw new ConfigException(key + ": " + file + ": " + SpecialFiles.WHAT + ": " + whatToDo);
        }
    }

    /**
     * The message worded as the loader words its own, {@code <file>: key: what to do}: a problem with a key of
     * {@code config} found after it was loaded (a password variable not set, a refused bind, a node in two clusters'
     * OUs) starts with the key path only and gets the file in front, with the key's line where it is known (a secret
     * file that is missing: {@code kcd-audit.yaml:4: directory.passwordFile: …}). One that names a file already (the
     * loader's own, a baseline's, a template's) or an option ({@code --fail-on}) is left as it is, and so is every
     * message when there is no config file (null).
     */
    public String messageIn(Path config) {
        String m = getMessage();
        return config != null && ConfigLoader.startsWithKey(m) && !m.startsWith(config + ":")
                ? config + (line > 0 ? ":" + line : "") + ": " + m : m;
    }
}
