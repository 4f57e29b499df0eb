package org.kcdauditor.config;

/** {@code directory:} — where and how to read Active Directory. Defaults applied by {@link ConfigLoader}. */
public record DirectoryConfig(
        String url,
        Boolean startTls,
        String bindDn,
        String passwordEnv,
        String passwordFile,
        String baseDn,
        String trustStore,
        String trustStorePasswordEnv,
        String trustStorePasswordFile,
        Boolean allowInsecureBind,
        Integer pageSize,
        Integer timeoutSeconds) {

    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    /** The same settings against another server (the demo's in-process directory). */
    public DirectoryConfig withUrl(String newUrl) {
        return new DirectoryConfig(newUrl, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore,
                trustStorePasswordEnv, trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds);
    }

    public boolean useStartTls() {
        return Boolean.TRUE.equals(startTls);
    }

    public boolean insecureBindAllowed() {
        return Boolean.TRUE.equals(allowInsecureBind);
    }

    public int effectivePageSize() {
        return pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
    }

    public int effectiveTimeoutSeconds() {
        return timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
    }
}
