package org.kcdauditor.config;

import org.kcdauditor.io.ByteOrderMark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Resolves secrets named in the configuration: an environment variable or a file. The value is
 * never part of a message; errors name only the variable or file.
 */
public final class Secrets {
    /** What an operating system accepts as a variable name; anything else is likely the secret itself. */
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** The most a secret file may hold: a password, with room for a byte order mark, UTF-16 and line breaks. */
    static final int MAX_FILE_BYTES = 64 << 10;
    /** Characters of file paths (letters of any script, digits, space, {@code . _ - ~ ( )}, separators, a drive's colon). */
    private static final Pattern LIKE_PATH = Pattern.compile("[\\p{L}\\p{N} ._~()\\-:/\\\\]+");
    /** A file name's extension at the end of a value: a dot after a name, then one to four letters or digits. */
    private static final Pattern EXTENSION = Pattern.compile("[^./\\\\]\\.[\\p{L}\\p{N}]{1,4}$");

    private final Map<String, String> env;

    public Secrets(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /**
     * Refuses a {@code *Env} value that is not an environment variable name. The value is not repeated: a
     * password typed there by mistake must not reach the console, a log, the store or a mail.
     *
     * @param key the config key for messages, e.g. {@code directory.passwordEnv}
     */
    static void checkEnvName(String key, String envVar, List<String> errors) {
        if (envVar != null && !envVar.isBlank() && !ENV_NAME.matcher(envVar).matches()) {
            errors.add(key + ": not an environment variable name (letters, digits and '_', not starting with a"
                    + " digit); give the name of the variable holding the secret, e.g. KCD_AUDIT_LDAP_PASSWORD,"
                    + " never the secret itself (value not shown)");
        }
    }

    /**
     * "{@code key}: environment variable {@code var} is not set" (or "is empty"). A name that is not upper case, as a
     * variable's name usually is ({@code Winter2026}), is not repeated: it may be the secret itself, typed into the
     * key that should name its variable, and the message reaches the console, the log and the daemon's mail.
     */
    public static String unset(String key, String var, boolean empty) {
        String state = empty ? " is empty" : " is not set";
        return var.equals(var.toUpperCase(java.util.Locale.ROOT)) ? key + ": environment variable " + var + state
                : key + ": the environment variable it names" + state + " (the name is not repeated: not being upper"
                + " case, it may be the secret itself; give the name of the variable that holds the secret)";
    }

    /**
     * How to set the variable {@code var} in each shell an admin starts kcd-audit from ("export" says nothing to one on
     * Windows), the value left out; a name {@link #unset} does not repeat is not repeated here either.
     */
    private static String setIt(String var) {
        return var.equals(var.toUpperCase(java.util.Locale.ROOT)) ? "set it — PowerShell: $env:" + var + " = …; cmd: set \""
                + var + "=…\"; sh: export " + var + "=… (README shows how without echo)"
                : "set it in the shell that starts kcd-audit (README shows how without echo)";
    }

    /**
     * A secret variable's value without the line breaks ending it (null stays null): one filled from a file keeps the
     * file's last line break — PowerShell's {@code Get-Content -Raw} its CRLF, sh's {@code $(cat file)} the CR of a
     * file Notepad saved — which is no part of the secret, as it is not in a secret file. Spaces stay.
     */
    public static String withoutLineBreak(String value) {
        if (value == null) {
            return null;
        }
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == '\r' || value.charAt(end - 1) == '\n')) {
            end--;
        }
        return value.substring(0, end);
    }

    /**
     * @param key    the config key for messages, e.g. {@code directory.passwordEnv}
     * @param envVar variable name or null
     * @param file   path (already resolved) or null
     * @param fileKey the key that names a file instead, for the hint; null when there is none
     */
    public char[] resolve(String key, String envVar, Path file, String fileKey) {
        return resolve(key, envVar, file, file == null ? null : file.toString(), fileKey);
    }

    /**
     * {@link #resolve(String, String, Path, String)} for the file {@code file} of the configuration {@code config}
     * names (as written there: whether it looks like a path decides whether a message may repeat it).
     */
    public char[] resolve(String key, String envVar, AuditConfig config, String file, String fileKey) {
        return resolve(key, envVar, file == null ? null : config.resolve(file), file, fileKey);
    }

    /**
     * Whether a {@code *passwordFile} value, as written in the config, looks like a file path and may be repeated in a
     * message: it has a folder separator or ends in a file extension ({@code .txt}, {@code .pw}), and holds none of
     * the symbols passwords are made of but paths seldom are. Anything else may be the password itself, typed into
     * the key that should name its file.
     */
    static boolean looksLikePath(String value) {
        return LIKE_PATH.matcher(value).matches() && (value.indexOf('/') >= 0 || value.indexOf('\\') >= 0
                || EXTENSION.matcher(value).find());
    }

    private char[] resolve(String key, String envVar, Path file, String written, String fileKey) {
        if (envVar != null && !envVar.isBlank()) {
            String value = withoutLineBreak(env.get(envVar));
            if (value == null || value.isEmpty()) {
                throw new ConfigException(unset(key, envVar, value != null) + " (" + setIt(envVar)
                        + (fileKey == null ? ")" : " — or use " + fileKey + ")"));
            }
            return value.toCharArray();
        }
        if (file != null) {
            try {
                String value = text(file, bounded(file, fileKey), fileKey).strip();
                if (value.isEmpty()) {
                    throw new ConfigException(fileKey + ": " + file + " is empty");
                }
                return value.toCharArray();
            } catch (NoSuchFileException e) {
                throw new ConfigException(written == null || looksLikePath(written)
                        ? fileKey + ": " + file + " does not exist: create it, readable only by the account that runs"
                        + " kcd-audit (docs/install.md shows how), or correct the path"
                        : fileKey + ": the file it names does not exist (the value is not shown: it does not look like"
                        + " a file path — was the password itself put here? Give the path of the file that holds it,"
                        + " e.g. secrets/ldap-password.txt; a relative path is read from the config file's folder)");
            } catch (IOException e) {
                throw new ConfigException(fileKey + ": cannot read " + file + ": " + org.kcdauditor.io.IoErrors.reason(e));
            }
        }
        return null;
    }

    /**
     * Resolves every directory's bind password and, where the connection is encrypted, its trust store's password, and
     * forgets them: a variable not set or a file missing is a config error (exit 2), said before any store is opened
     * or created, instead of surfacing in the directory's connection as a FAILED run in the store (run, preflight,
     * baseline capture; the daemon at its start).
     */
    public void requireDirectorySecrets(AuditConfig cfg) {
        for (var e : cfg.directories().entrySet()) {
            DirectoryConfig d = e.getValue();
            String key = cfg.directoryKey(e.getKey());
            if (!d.gssapi()) {
                forget(resolve(cfg, key + ".passwordEnv", d.passwordEnv(), d.passwordFile(), key + ".passwordFile"));
            }
            // the trust store is opened for ldaps:// and StartTLS (LdapConnector), so its password is needed then
            boolean tls = d.useStartTls() || d.url() != null && d.url().regionMatches(true, 0, "ldaps:", 0, 6);
            if (tls && d.trustStore() != null && !d.trustStore().isBlank()) {
                forget(resolve(cfg, key + ".trustStorePasswordEnv", d.trustStorePasswordEnv(),
                        d.trustStorePasswordFile(), key + ".trustStorePasswordFile"));
            }
        }
    }

    /**
     * {@link #resolve(String, String, Path, String)} for a secret of {@code cfg}: a problem with the file is placed at
     * {@code fileKey}'s line of the config, as the loader places its own (the config is read again only then).
     */
    private char[] resolve(AuditConfig cfg, String key, String envVar, String file, String fileKey) {
        try {
            return resolve(key, envVar, cfg, file, fileKey);
        } catch (ConfigException e) {
            if (envVar != null && !envVar.isBlank()) {
                throw e; // the variable's problem: the file is not read when a variable is named
            }
            throw new ConfigException(e.getMessage(), ConfigLoader.lineOf(cfg.source(), fileKey));
        }
    }

    private static void forget(char[] secret) {
        if (secret != null) {
            java.util.Arrays.fill(secret, '\0');
        }
    }

    /**
     * The bytes of a secret file, at most {@link #MAX_FILE_BYTES}: a file that holds more is the wrong file (a backup,
     * a disk image) and was read whole into the heap; a named pipe waited for a writer for ever. Neither is opened
     * further than that, and the message never shows what was read.
     */
    private static byte[] bounded(Path file, String fileKey) throws IOException {
        ConfigException.refuseSpecialFile(fileKey, file, "name the file that holds the password");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) {
                throw new ConfigException(fileKey + ": " + file + " holds more than " + (MAX_FILE_BYTES >> 10) + " KiB,"
                        + " more than a password file does: name the file that holds the password alone (content not"
                        + " shown)");
            }
            return b;
        }
    }

    /**
     * A secret file's text. Windows PowerShell 5.1 writes files with a byte order mark (Set-Content -Encoding UTF8) or
     * as UTF-16 LE (Out-File, >): the mark decides the encoding and is not part of the secret; without one the file
     * must be UTF-8. The secret itself never appears in a message.
     */
    static String text(Path file, byte[] b, String fileKey) {
        ByteOrderMark mark = ByteOrderMark.of(b);
        return mark == null ? decode(file, b, 0, java.nio.charset.StandardCharsets.UTF_8, fileKey)
                : decode(file, b, mark.length(), mark.charset(), fileKey);
    }

    private static String decode(Path file, byte[] b, int from, java.nio.charset.Charset cs, String fileKey) {
        try {
            return cs.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(b, from, b.length - from)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(fileKey + ": " + file + " is not " + (cs.equals(java.nio.charset.StandardCharsets.UTF_8)
                    ? "UTF-8" : cs.name()) + " text: save it as UTF-8 (Notepad: Save as, Encoding UTF-8; PowerShell: Set-Content"
                    + " -Encoding UTF8)");
        }
    }
}
