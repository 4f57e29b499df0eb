package org.kcdauditor.config;

/**
 * {@code store:} — the JDBC database runs, snapshots and findings go to. {@code url} defaults to an
 * H2 file database {@code data/kcd-audit} under the working directory; {@code jdbc:postgresql://…}
 * uses the same code. Credentials come from environment variables only.
 */
public record StoreConfig(String url, String userEnv, String passwordEnv) {
}
