package org.kcdauditor.config;

/**
 * {@code store:} — the JDBC database runs, snapshots and findings go to. {@code url} defaults to an
 * H2 file database {@code data/kcd-audit} under the working directory; {@code jdbc:postgresql://…}
 * uses the same code. Credentials come from environment variables only. {@code configName} files this
 * config's runs under a name instead of the config file's path, so the previous run is found whatever
 * path the file has on each machine (clustered daemons) or after it moved.
 */
public record StoreConfig(String url, String userEnv, String passwordEnv, String configName, RetainConfig retain) {
    public StoreConfig {
        retain = retain == null ? RetainConfig.defaults() : retain;
    }

    /** No {@code store:} key: the H2 file {@code data/kcd-audit} under the working directory. */
    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null, null, null);
    }

    public StoreConfig(String url, String userEnv, String passwordEnv) {
        this(url, userEnv, passwordEnv, null, null);
    }

    public StoreConfig(String url, String userEnv, String passwordEnv, String configName) {
        this(url, userEnv, passwordEnv, configName, null);
    }

    /**
     * The hosts a JDBC URL's authority names, given what follows its {@code //}: {@code host[:port]} or
     * {@code [IPv6][:port]}, comma-separated, up to the first {@code /} or {@code ?}; each lower case, without its
     * port or brackets (an empty one where the URL names none). Which of them are this machine is for the caller.
     */
    public static java.util.List<String> hosts(String authority) {
        int end = authority.length();
        for (char c : new char[]{'/', '?'}) {
            int i = authority.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String spec : authority.substring(0, end).split(",")) {
            String host = spec.startsWith("[") && spec.indexOf(']') > 0 ? spec.substring(1, spec.indexOf(']'))
                    : spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
            out.add(host.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
