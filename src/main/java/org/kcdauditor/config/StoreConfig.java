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
}
