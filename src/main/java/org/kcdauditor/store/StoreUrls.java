package org.kcdauditor.store;

import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.Secrets;
import org.kcdauditor.config.StoreConfig;

import org.h2.api.ErrorCode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** Resolves {@code store.url} and its credentials; opens the configured store. */
public final class StoreUrls {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreUrls.class);
    /** The embedded default: an H2 file database under {@code data/} in the working directory. */
    public static final String DEFAULT_PATH = "data/kcd-audit";

    private StoreUrls() {
    }

    /**
     * The JDBC URL for a config: an H2 file path that is relative resolves against the config file's
     * folder; no {@code store} means {@code jdbc:h2:file:<cwd>/data/kcd-audit}.
     */
    public static String jdbcUrl(AuditConfig config) {
        StoreConfig s = config.store();
        if (s.url() == null) {
            return "jdbc:h2:file:" + Path.of(DEFAULT_PATH).toAbsolutePath().normalize();
        }
        String url = s.url().trim();
        String lower = url.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("jdbc:h2:")) {
            return url;
        }
        String rest = url.substring("jdbc:h2:".length());
        String prefix = "jdbc:h2:";
        if (rest.toLowerCase(Locale.ROOT).startsWith("file:")) {
            prefix = "jdbc:h2:file:";
            rest = rest.substring(5);
        } else if (rest.matches("(?i)^(mem|tcp|ssl|zip|split|nio\\w*|async|memFS|memLZF):.*")) {
            return url;
        }
        int semi = rest.indexOf(';');
        String path = semi < 0 ? rest : rest.substring(0, semi);
        String params = semi < 0 ? "" : rest.substring(semi);
        if (path.startsWith("~")) {
            return prefix + path + params;
        }
        return "jdbc:h2:file:" + config.resolve(path) + params;
    }

    /** The {@code .mv.db} file of the config's H2 file store, or null for any other store (PostgreSQL, H2 in memory). */
    public static Path h2File(AuditConfig config) {
        return H2StoreFile.of(jdbcUrl(config));
    }

    /**
     * The URL connections use: {@link #jdbcUrl}, and for an embedded H2 file
     * <ul>
     * <li>{@code AUTO_SERVER=TRUE}, so a manual run can open the store while the daemon holds it open
     * (and then meets the run lock instead of "database already in use");</li>
     * <li>{@code MAX_COMPACT_TIME=0}: no file compaction when the last connection closes. H2 2.3's
     * close-time chunk moving was seen to fail half-way ({@code RandomAccessStore.moveChunkInside})
     * and leave a file that no longer opens ("Double mark"); free space is reused without it.</li>
     * <li>{@code COMPRESS=TRUE}: pages are stored LZF-compressed. With snapshots stored as changes against the
     * previous run, a run of 20,000 unchanged hosts adds about 15 MB instead of 102 MB (docs/reliability.md).</li>
     * </ul>
     * and for PostgreSQL {@code reWriteBatchedInserts=true}: the driver sends a batch as multi-row inserts (a
     * 20,000-host run stored in 2.3–2.6 s instead of 3.3–3.5 s, docs/performance.md); and, for a server on another
     * machine with no {@code sslmode} (nor {@code ssl}) in the URL, {@code sslmode=verify-full} with the Java trust store's factory (no
     * {@code sslfactory} or {@code sslrootcert} given): the driver's own default, {@code prefer}, accepts any
     * certificate and falls back to plain text.
     * Settings already in the URL are kept.
     */
    public static String connectUrl(AuditConfig config) {
        String url = jdbcUrl(config);
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:h2:file:")) {
            if (!lower.contains("auto_server=")) {
                url += ";AUTO_SERVER=TRUE";
            }
            if (!lower.contains("max_compact_time=")) {
                url += ";MAX_COMPACT_TIME=0";
            }
            if (!lower.contains("compress=")) {
                url += ";COMPRESS=TRUE";
            }
        } else if (lower.startsWith("jdbc:postgresql:")) {
            // ssl=true is the driver's verify-full already (its own factory: ~/.postgresql/root.crt), ssl=false its
            // prefer: either is the URL's own choice, as sslmode is
            if (!lower.contains("sslmode=") && !SSL_GIVEN.matcher(lower).find() && !onThisMachine(url)) {
                url += (url.contains("?") ? "&" : "?") + "sslmode=verify-full";
                if (!lower.contains("sslfactory=") && !lower.contains("sslrootcert=")) {
                    url += "&sslfactory=" + JAVA_TRUST_STORE_FACTORY;
                }
            }
            if (!lower.contains("rewritebatchedinserts=")) {
                url += (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
            }
        }
        return url;
    }

    /**
     * Whether {@code h} is an IP address literal of the loopback: 127.0.0.0/8, and ::1 however it is written
     * ({@code 0:0:0:0:0:0:0:1}, as the store's own H2 check accepts it). A name is never looked up here.
     */
    private static boolean loopbackLiteral(String h) {
        if (!(h.matches("[0-9.]+") || h.contains(":"))) {
            return false;
        }
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not resolved
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** An {@code ssl=} parameter of a lower-cased URL (not {@code sslmode=}, {@code sslfactory=}, …). */
    private static final java.util.regex.Pattern SSL_GIVEN = java.util.regex.Pattern.compile("[?&]ssl=");

    /** The driver's factory that checks a server's certificate against the Java trust store (as LDAPS does). */
    static final String JAVA_TRUST_STORE_FACTORY = "org.postgresql.ssl.DefaultJavaSSLFactory";

    /**
     * Whether every host a {@code jdbc:postgresql:} URL names is this machine: none ({@code jdbc:postgresql:db},
     * {@code jdbc:postgresql:///db}: the driver's localhost), {@code localhost}, or a loopback address.
     */
    static boolean onThisMachine(String url) {
        String rest = url.substring("jdbc:postgresql:".length());
        if (!rest.startsWith("//")) {
            return true;
        }
        for (String h : StoreConfig.hosts(rest.substring(2))) {
            if (!(h.isEmpty() || h.equals("localhost") || loopbackLiteral(h))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Opens the configured store with credentials from the environment variables it names, retrying for up
     * to 10 s while another process (or another thread of this one) is just opening or closing the same
     * embedded H2 file, or has died holding it (H2's "Lock file recently modified" / "already in use" /
     * "already closed"): with AUTO_SERVER the second process then connects through the first, or takes the
     * file over from the dead one. An H2 file store that refuses the credentials but takes them with the line break
     * that ended a variable's value, as releases before 2026-12-07 passed them on, is given the values without it
     * ({@link #dropLineBreaks}).
     */
    public static RunStore open(AuditConfig config, Map<String, String> env) {
        StoreConfig s = config.store();
        String user = envValue(env, "store.userEnv", s.userEnv());
        String password = envValue(env, "store.passwordEnv", s.passwordEnv());
        long end = System.nanoTime() + 10_000_000_000L;
        boolean lineBreaksTried = false;
        while (true) {
            try {
                return RunStore.open(connectUrl(config), user, password == null ? null : password.toCharArray());
            } catch (StoreException e) {
                if (!lineBreaksTried && e.getCause() instanceof SQLException q
                        && q.getErrorCode() == ErrorCode.WRONG_USER_OR_PASSWORD && h2File(config) != null) {
                    lineBreaksTried = true;
                    String rawUser = s.userEnv() == null || s.userEnv().isBlank() ? null : env.get(s.userEnv());
                    String rawPassword = s.passwordEnv() == null || s.passwordEnv().isBlank() ? null
                            : env.get(s.passwordEnv());
                    if (dropLineBreaks(connectUrl(config), rawUser, rawPassword, user, password)) {
                        continue;
                    }
                }
                String m = String.valueOf(e.getMessage());
                boolean busy = m.contains("Lock file recently modified") || m.contains("already in use")
                        || m.contains("Another process was faster") || m.contains("Concurrent update")
                        || m.contains("already closed") || m.contains("Unable to determine the original schema")
                        || m.contains("Connection is broken"); // the process serving the file just closed it
                if (!busy || System.nanoTime() - end > 0) {
                    throw e;
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * For an H2 file store that refused {@code user} and {@code password}: when a variable's value ended in a line
     * break (the {@code raw…} values differ) and the store takes the values with it — it was made by a release before
     * 2026-12-07, which kept the line break — its user is renamed and its password set to the values without the line
     * break, which every later connection of this release gives, and the log says so once (never a value). False, with
     * the store unchanged, when no value differed or the store refuses those values too (or cannot be changed).
     */
    private static boolean dropLineBreaks(String url, String rawUser, String rawPassword, String user,
                                          String password) {
        boolean userDiffers = rawUser != null && !rawUser.equals(user);
        boolean passwordDiffers = rawPassword != null && !rawPassword.equals(password);
        if (!userDiffers && !passwordDiffers) {
            return false;
        }
        Properties props = new Properties();
        if (rawUser != null) {
            props.setProperty("user", rawUser);
        }
        if (rawPassword != null) {
            props.setProperty("password", rawPassword);
        }
        try (Connection c = DriverManager.getConnection(url, props)) {
            String name = c.getMetaData().getUserName();
            if (userDiffers) {
                // H2 keeps user names in upper case, as it turns the one a connection gives; a renamed user's password
                // no longer matches (H2 salts it with the name), so it is set again below in any case
                String renamed = user.toUpperCase(Locale.ENGLISH);
                try (PreparedStatement ps = c.prepareStatement("ALTER USER " + quoted(name) + " RENAME TO "
                        + quoted(renamed))) {
                    ps.execute();
                }
                name = renamed;
            }
            try (PreparedStatement ps = c.prepareStatement("ALTER USER " + quoted(name) + " SET PASSWORD ?")) {
                ps.setString(1, password == null ? "" : password);
                ps.execute();
            }
            try (Statement st = c.createStatement()) {
                st.execute("CHECKPOINT SYNC");
            }
        } catch (SQLException e) {
            return false;
        }
        LOG.warn("history store {} was made with the line break ending the value of {}, which releases before"
                + " 2026-12-07 kept: it now takes the values without it, as kcd-audit reads them (docs/install.md,"
                + " Upgrading)", display(url), userDiffers && passwordDiffers
                ? "the variables store.userEnv and store.passwordEnv name"
                : "the variable " + (userDiffers ? "store.userEnv" : "store.passwordEnv") + " names");
        return true;
    }

    /** An H2 identifier in double quotes, as written. */
    private static String quoted(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String envValue(Map<String, String> env, String key, String var) {
        if (var == null || var.isBlank()) {
            return null;
        }
        String v = Secrets.withoutLineBreak(env.get(var));
        if (v == null || v.isEmpty()) {
            throw new ConfigException(Secrets.unset(key, var, v != null));
        }
        return v;
    }

    /**
     * The line run, preflight and the daemon print before they begin: {@code History store: <file>} for an H2 file
     * store (saying so when it is the working folder's, for want of {@code store.url}), else the URL as
     * {@link #display} shows it (no parameters: a credential never appears; one before the host is refused by the
     * config's validation).
     */
    public static String where(AuditConfig config) {
        Path file = h2File(config);
        String store = file != null ? file.toAbsolutePath().normalize().toString() : display(jdbcUrl(config));
        return "History store: " + store + (config.store().url() == null
                ? " (store.url not set: " + DEFAULT_PATH + " of the current folder)" : unchecked(jdbcUrl(config)));
    }

    private static final java.util.regex.Pattern SSLMODE = java.util.regex.Pattern.compile("(?i)[?&]sslmode=([a-z-]*)");
    /** The URL's {@code ssl=} and {@code sslfactory=} values (to the next {@code &}). */
    private static final java.util.regex.Pattern SSL = java.util.regex.Pattern.compile("(?i)[?&]ssl=([^&]*)");
    private static final java.util.regex.Pattern SSLFACTORY = java.util.regex.Pattern.compile(
            "(?i)[?&]sslfactory=([^&]*)");
    /** The driver's factory that accepts any certificate. */
    private static final String NON_VALIDATING_FACTORY = "org.postgresql.ssl.NonValidatingFactory";

    /**
     * What the URL of a PostgreSQL server on another machine gives up by its own {@code sslmode}, which
     * {@link #display} does not show: {@code disable} encrypts nothing; {@code allow}, {@code prefer} and {@code
     * require} check no certificate; so does {@code ssl=false} without {@code sslmode} (the driver's {@code prefer};
     * only {@code ssl=true} or an empty value is its verify-full), and the driver's {@code NonValidatingFactory} as
     * {@code sslfactory} whatever {@code sslmode} says. Empty otherwise.
     */
    private static String unchecked(String url) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:") || onThisMachine(url)) {
            return "";
        }
        String notChecked = ": the server's certificate is not checked, whoever sits on the path can pose as it)";
        java.util.regex.Matcher m = SSLMODE.matcher(url);
        java.util.regex.Matcher ssl = SSL.matcher(url);
        if (m.find()) {
            String mode = m.group(1).toLowerCase(Locale.ROOT);
            if (mode.equals("disable")) {
                return " (sslmode=disable: not encrypted, the history crosses the network readable)";
            }
            if (mode.equals("allow") || mode.equals("prefer") || mode.equals("require")) {
                return " (sslmode=" + mode + notChecked;
            }
        } else if (ssl.find() && !ssl.group(1).isEmpty() && !Boolean.parseBoolean(ssl.group(1))) {
            return " (ssl=false, the driver's sslmode=prefer" + notChecked;
        }
        java.util.regex.Matcher f = SSLFACTORY.matcher(url);
        if (f.find() && f.group(1).equals(NON_VALIDATING_FACTORY)) {
            return " (sslfactory=" + NON_VALIDATING_FACTORY + notChecked;
        }
        return "";
    }

    /** The URL for messages: the part before any ';' parameters or '?' query (never credentials). */
    public static String display(String url) {
        int cut = url.length();
        for (char c : new char[]{';', '?'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return url.substring(0, cut);
    }
}
