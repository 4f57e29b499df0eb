package org.kcdauditor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Resolves secrets named in the configuration: an environment variable or a file. The value is
 * never part of a message; errors name only the variable or file.
 */
public final class Secrets {
    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Secrets fromEnvironment() {
        return new Secrets(System.getenv());
    }

    /**
     * @param key    the config key for messages, e.g. {@code directory.passwordEnv}
     * @param envVar variable name or null
     * @param file   path (already resolved) or null
     */
    public char[] resolve(String key, String envVar, Path file, String fileKey) {
        if (envVar != null && !envVar.isBlank()) {
            String value = env.get(envVar);
            if (value == null || value.isEmpty()) {
                throw new ConfigException(key + ": environment variable " + envVar
                        + (value == null ? " is not set" : " is empty") + " (export it, or use " + fileKey + ")");
            }
            return value.toCharArray();
        }
        if (file != null) {
            try {
                String value = Files.readString(file).strip();
                if (value.isEmpty()) {
                    throw new ConfigException(fileKey + ": " + file + " is empty");
                }
                return value.toCharArray();
            } catch (NoSuchFileException e) {
                throw new ConfigException(fileKey + ": " + file + " does not exist");
            } catch (IOException e) {
                throw new ConfigException(fileKey + ": cannot read: " + org.kcdauditor.io.IoErrors.describe(e));
            }
        }
        return null;
    }
}
