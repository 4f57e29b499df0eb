package org.kcdauditor.directory;

import javax.security.auth.Subject;
import javax.security.auth.kerberos.KerberosPrincipal;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import java.util.Locale;
import java.util.Map;

/**
 * Whose tickets the Kerberos ticket cache holds. A GSSAPI bind from the cache binds as the cache's principal,
 * whatever {@code directory.principal} says (the JDK's login module takes the cache's principal when it is given
 * none, and UnboundID gives none), so the connector compares the two before it binds.
 */
final class TicketCache {
    private TicketCache() {
    }

    /**
     * The principal of the current TGT in the cache the JDK reads (KRB5CCNAME, else /tmp/krb5cc_uid), or null when
     * there is none it can use (no cache, an expired ticket): the bind then fails and says so itself.
     */
    static String principal() {
        Map<String, String> options = Map.of("useTicketCache", "true", "doNotPrompt", "true",
                "refreshKrb5Config", "true");
        Configuration cacheOnly = new Configuration() {
            @Override
            public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
                return new AppConfigurationEntry[] {new AppConfigurationEntry(
                        "com.sun.security.auth.module.Krb5LoginModule",
                        AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)};
            }
        };
        Subject subject = new Subject();
        try {
            LoginContext login = new LoginContext("kcd-audit-ticket-cache", subject, callbacks -> { }, cacheOnly);
            login.login();
            String name = subject.getPrincipals(KerberosPrincipal.class).stream()
                    .map(KerberosPrincipal::getName).findFirst().orElse(null);
            login.logout();
            return name;
        } catch (LoginException e) {
            return null;
        }
    }

    /**
     * Whether the configured principal names the cache's: the same name, case-insensitively as AD compares account
     * names. The realm is not compared: a principal given with a UPN suffix ({@code svc-kcdaudit@contoso.com} in
     * realm CORP.CONTOSO.COM) is the account the cache holds as {@code svc-kcdaudit@CORP.CONTOSO.COM}.
     */
    static boolean names(String configured, String cached) {
        return name(configured).equals(name(cached));
    }

    private static String name(String principal) {
        int at = principal.lastIndexOf('@');
        return (at < 0 ? principal : principal.substring(0, at)).toLowerCase(Locale.ROOT);
    }
}
