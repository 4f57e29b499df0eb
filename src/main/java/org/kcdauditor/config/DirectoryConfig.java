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
        Integer timeoutSeconds,
        String auth,
        String principal,
        String keytab,
        String krb5Conf,
        Integer runTimeoutSeconds) {

    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /** The whole collection (connect, bind, every page, ranged reads): half an hour by default. */
    public static final int DEFAULT_RUN_TIMEOUT_SECONDS = 1800;

    /** Without {@code runTimeoutSeconds} (the default applies). */
    public DirectoryConfig(String url, Boolean startTls, String bindDn, String passwordEnv, String passwordFile,
                           String baseDn, String trustStore, String trustStorePasswordEnv,
                           String trustStorePasswordFile, Boolean allowInsecureBind, Integer pageSize,
                           Integer timeoutSeconds, String auth, String principal, String keytab, String krb5Conf) {
        this(url, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore, trustStorePasswordEnv,
                trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds, auth, principal, keytab, krb5Conf,
                null);
    }

    /** Without the Kerberos settings: a simple bind. */
    public DirectoryConfig(String url, Boolean startTls, String bindDn, String passwordEnv, String passwordFile,
                           String baseDn, String trustStore, String trustStorePasswordEnv,
                           String trustStorePasswordFile, Boolean allowInsecureBind, Integer pageSize,
                           Integer timeoutSeconds) {
        this(url, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore, trustStorePasswordEnv,
                trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds, null, null, null, null, null);
    }

    /** {@code auth: gssapi}: a Kerberos bind as {@code principal} (keytab, or the ticket cache), no password. */
    public boolean gssapi() {
        return "gssapi".equalsIgnoreCase(auth);
    }

    /** The same settings against another server (the demo's in-process directory). */
    public DirectoryConfig withUrl(String newUrl) {
        return new DirectoryConfig(newUrl, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore,
                trustStorePasswordEnv, trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds, auth, principal,
                keytab, krb5Conf, runTimeoutSeconds);
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

    public int effectiveRunTimeoutSeconds() {
        return runTimeoutSeconds == null ? DEFAULT_RUN_TIMEOUT_SECONDS : runTimeoutSeconds;
    }
}
