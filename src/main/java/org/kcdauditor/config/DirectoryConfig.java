package org.kcdauditor.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code directory:} (or one entry of {@code directories:}) — where and how to read one Active Directory domain.
 * Defaults applied by {@link ConfigLoader}.
 *
 * @param domainControllers {@code ldap(s)://} URLs of the domain's DCs for {@code preflight --all-dcs}; empty:
 *                          discovered (computers with SERVER_TRUST_ACCOUNT or PARTIAL_SECRETS_ACCOUNT)
 * @param optional          {@code directories.<name>.optional}: a directory that cannot be reached leaves its
 *                          clusters "not audited" instead of failing the run
 */
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
        Integer runTimeoutSeconds,
        List<String> domainControllers,
        Boolean optional) {

    public static final int DEFAULT_PAGE_SIZE = 500;
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;
    /** The whole collection (connect, bind, every page, ranged reads): half an hour by default. */
    public static final int DEFAULT_RUN_TIMEOUT_SECONDS = 1800;

    public DirectoryConfig {
        // null entries survive here so that validation can name them
        domainControllers = domainControllers == null ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(domainControllers));
    }

    /** Without the Kerberos settings: a simple bind. */
    public DirectoryConfig(String url, Boolean startTls, String bindDn, String passwordEnv, String passwordFile,
                           String baseDn, String trustStore, String trustStorePasswordEnv,
                           String trustStorePasswordFile, Boolean allowInsecureBind, Integer pageSize,
                           Integer timeoutSeconds) {
        this(url, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore, trustStorePasswordEnv,
                trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds, null, null, null, null, null, null,
                null);
    }

    /** {@code auth: gssapi}: a Kerberos bind as {@code principal} (keytab, or the ticket cache), no password. */
    public boolean gssapi() {
        return "gssapi".equalsIgnoreCase(auth);
    }

    /** The same settings against another server (the demo's in-process directory, another DC of the domain). */
    public DirectoryConfig withUrl(String newUrl) {
        return new DirectoryConfig(newUrl, startTls, bindDn, passwordEnv, passwordFile, baseDn, trustStore,
                trustStorePasswordEnv, trustStorePasswordFile, allowInsecureBind, pageSize, timeoutSeconds, auth, principal,
                keytab, krb5Conf, runTimeoutSeconds, domainControllers, optional);
    }

    public boolean isOptional() {
        return Boolean.TRUE.equals(optional);
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
