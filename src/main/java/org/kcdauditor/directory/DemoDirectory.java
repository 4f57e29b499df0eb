package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.LDAPException;
import org.kcdauditor.config.ConfigException;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The demo's directory: an UnboundID in-memory LDAP server inside the process, on 127.0.0.1 and
 * an ephemeral port, holding {@code config/demo/contoso.ldif} (AD-shaped computer objects; schema
 * checking off, so AD attributes need no schema). Its root DSE answers like contoso.com's DC1
 * ({@code dnsHostName}, {@code serverName}, {@code defaultNamingContext}); it does not claim to be Active
 * Directory, so groups are expanded member by member. The bind account's password is random per start.
 */
public final class DemoDirectory implements AutoCloseable {
    public static final String BASE_DN = "DC=contoso,DC=com";
    public static final String BIND_DN = "CN=svc-kcdaudit,CN=Users,DC=contoso,DC=com";
    /** The DC the demo directory stands for (its computer object is in the demo data). */
    public static final String DC = "dc1.contoso.com";

    private final InMemoryDirectoryServer server;
    private final String password;
    private final int entries;

    private DemoDirectory(InMemoryDirectoryServer server, String password, int entries) {
        this.server = server;
        this.password = password;
        this.entries = entries;
    }

    public static DemoDirectory start(Path ldif) throws LDAPException {
        return start(ldif, List.of());
    }

    /** The demo data with LDIF change records ({@code changetype: modify}) applied on top. */
    public static DemoDirectory start(Path ldif, List<Path> changes) throws LDAPException {
        if (!Files.isReadable(ldif)) {
            throw new ConfigException(ldif + ": demo directory data not found (run from the kcd-auditor folder)");
        }
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE_DN);
        config.setSchema(null);
        config.addAdditionalBindCredentials(BIND_DN, password);
        config.setCustomRootDSEAttributes(List.of(new Attribute("dnsHostName", DC),
                new Attribute("serverName", "CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,"
                        + BASE_DN), new Attribute("defaultNamingContext", BASE_DN)));
        config.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("demo", InetAddress.getLoopbackAddress(),
                0, null));
        InMemoryDirectoryServer server = new InMemoryDirectoryServer(config);
        int entries = server.importFromLDIF(true, ldif.toFile());
        for (Path change : changes) {
            server.applyChangesFromLDIF(change.toFile());
        }
        server.startListening();
        return new DemoDirectory(server, password, entries);
    }

    public String url() {
        return "ldap://127.0.0.1:" + server.getListenPort();
    }

    public String password() {
        return password;
    }

    public int entries() {
        return entries;
    }

    @Override
    public void close() {
        server.shutDown(true);
    }
}
