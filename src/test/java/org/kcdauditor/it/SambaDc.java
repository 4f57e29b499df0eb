package org.kcdauditor.it;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Samba AD DC that {@code scripts/samba-ad.sh up DIR} started, and the administrator's tools
 * (samba-tool, and LDAP modify for what samba-tool cannot set) to build scenarios in it.
 * DIR comes from -Dkcd.samba.dir, else $KCD_SAMBA_DIR, else /tmp/kcd-samba.
 */
final class SambaDc {
    static final String REALM = "CONTOSO.TEST";
    static final String DNS_DOMAIN = "contoso.test";
    static final String BASE_DN = "DC=contoso,DC=test";
    static final String MVSMS = "Microsoft Virtual System Migration Service";

    final Path dir;
    final String adminPassword;

    private SambaDc(Path dir, String adminPassword) {
        this.dir = dir;
        this.adminPassword = adminPassword;
    }

    static Path defaultDir() {
        String d = System.getProperty("kcd.samba.dir");
        if (d == null || d.isBlank()) {
            d = System.getenv("KCD_SAMBA_DIR");
        }
        return Path.of(d == null || d.isBlank() ? "/tmp/kcd-samba" : d).toAbsolutePath();
    }

    /**
     * The running DC with a fresh {@code ou} for {@code suite}'s tests; the suite is skipped when there is none (or
     * samba-tool is missing), and fails instead with {@code -Dkcd.samba.required=true}, as CI runs it.
     */
    static SambaDc forSuite(String suite, String ou) {
        String[] why = new String[1];
        SambaDc dc = find(why);
        if (dc != null && run(List.of("sh", "-c", "command -v samba-tool")).exit() != 0) {
            dc = null;
            why[0] = "samba-tool not installed (scripts/samba-ad.sh up installs it)";
        }
        require(dc != null, suite + " skipped: " + why[0]);
        dc.freshOu(ou);
        return dc;
    }

    /**
     * What the scripts set up for a test ({@code up}, {@code seed}, {@code join}): the test is skipped without it,
     * and fails instead with {@code -Dkcd.samba.required=true}, as CI runs the suite, so that nothing it sets up is
     * left untested unnoticed.
     */
    static void require(boolean present, String why) {
        if (!present && Boolean.getBoolean("kcd.samba.required")) {
            throw new AssertionError("-Dkcd.samba.required=true but " + why);
        }
        Assumptions.assumeTrue(present, why);
    }

    /** After a suite: its OU deleted, unless {@code -Dkcd.samba.keep=true} keeps it to look at. */
    static void afterSuite(SambaDc dc, String ou) {
        if (dc != null && !"true".equals(System.getProperty("kcd.samba.keep"))) {
            dc.deleteOu(ou);
        }
    }

    /** The running DC, or null with the reason in {@code why[0]}. */
    static SambaDc find(String[] why) {
        Path dir = defaultDir();
        Path pass = dir.resolve("admin.pass");
        if (!Files.isReadable(pass)) {
            why[0] = "no Samba AD DC provisioned in " + dir + " (run: sudo scripts/samba-ad.sh up " + dir + ")";
            return null;
        }
        if (!listening(389) || !listening(636)) {
            why[0] = "the Samba AD DC in " + dir + " is not listening on 127.0.0.1:389/636 (run: sudo scripts/samba-ad.sh up "
                    + dir + ")";
            return null;
        }
        try {
            return new SambaDc(dir, Files.readString(pass).strip());
        } catch (IOException e) {
            why[0] = "cannot read " + pass + ": " + e.getMessage();
            return null;
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path smbConf() {
        return dir.resolve("etc/smb.conf");
    }

    Path trustStore() {
        return dir.resolve("tls/truststore.p12");
    }

    Path trustStorePasswordFile() {
        return dir.resolve("tls/truststore.pass");
    }

    // ------------------------------------------------------------------ processes

    record Result(int exit, String output) {
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
    }

    /** samba-tool against the DC over LDAP as Administrator, as an administrator runs it. */
    Result tryTool(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("samba-tool");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-H", "ldap://127.0.0.1", "-U", "Administrator%" + adminPassword, "-s", smbConf().toString()));
        return run(cmd);
    }

    String tool(String... args) {
        Result r = tryTool(args);
        if (r.exit() != 0) {
            throw new AssertionError("samba-tool " + String.join(" ", args) + " failed (" + r.exit() + "): " + r.output());
        }
        return r.output();
    }

    /** samba-tool on the database file: for what 4.17 keeps system-only over LDAP (RBCD). */
    String toolLocal(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("samba-tool");
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-H", "tdb://" + dir.resolve("private/sam.ldb"), "-s", smbConf().toString()));
        Result r = run(cmd);
        if (r.exit() != 0) {
            throw new AssertionError("samba-tool " + String.join(" ", args) + " (local) failed: " + r.output());
        }
        return r.output();
    }

    /** samba-tool domain exportkeytab on the DC's own database (it takes no -H): the keys of {@code principal}. */
    void exportKeytab(Path file, String principal) {
        Result r = run(List.of("samba-tool", "domain", "exportkeytab", file.toString(), "--principal=" + principal,
                "-s", smbConf().toString()));
        if (r.exit() != 0 || !Files.exists(file)) {
            throw new AssertionError("samba-tool domain exportkeytab " + principal + " failed: " + r.output());
        }
    }

    Result script(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("scripts/samba-ad.sh").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        cmd.add(dir.toString());
        return run(cmd);
    }

    LDAPConnection admin() throws LDAPException {
        return new LDAPConnection("127.0.0.1", 389, "Administrator@" + DNS_DOMAIN, adminPassword);
    }

    // ------------------------------------------------------------------ scenario building

    static String fqdn(String name) {
        return name.toLowerCase(Locale.ROOT) + "." + DNS_DOMAIN;
    }

    /** An OU directly under the domain root (deleted first with everything in it if it exists). */
    void freshOu(String ou) {
        deleteOu(ou);   // fails harmlessly when it does not exist; tool() below fails when it still does
        tool("ou", "create", ou);
    }

    void deleteOu(String ou) {
        tryTool("ou", "delete", ou, "--force-subtree-delete");
    }

    /** Options for one host. */
    static final class Host {
        final String name;
        boolean enabled = true;
        boolean dnsHostName = true;
        boolean migrationSpns = true;
        String os = "Windows Server 2022 Datacenter";
        String osVersion = "10.0 (20348)";

        Host(String name) {
            this.name = name;
        }
    }

    /**
     * A Hyper-V host as a join plus Hyper-V leave it: samba-tool computer create, HOST/ and migration
     * SPNs with samba-tool spn add, then (samba-tool creates it disabled, without dNSHostName or OS)
     * enabled and described over LDAP like the joining machine would.
     */
    void host(Host h, String ouRdn) throws LDAPException {
        tool("computer", "create", h.name, "--computerou=" + ouRdn);
        String sam = h.name + "$";
        tool("spn", "add", "HOST/" + h.name, sam);
        tool("spn", "add", "HOST/" + fqdn(h.name), sam);
        if (h.migrationSpns) {
            tool("spn", "add", MVSMS + "/" + h.name, sam);
            tool("spn", "add", MVSMS + "/" + fqdn(h.name), sam);
        }
        List<Modification> mods = new ArrayList<>();
        mods.add(new Modification(ModificationType.REPLACE, "userAccountControl", h.enabled ? "4096" : "4098"));
        if (h.dnsHostName) {
            mods.add(new Modification(ModificationType.REPLACE, "dNSHostName", fqdn(h.name)));
        }
        mods.add(new Modification(ModificationType.REPLACE, "operatingSystem", h.os));
        mods.add(new Modification(ModificationType.REPLACE, "operatingSystemVersion", h.osVersion));
        try (LDAPConnection c = admin()) {
            c.modify("CN=" + h.name + "," + ouRdn + "," + BASE_DN, mods);
        }
    }

    /** src may delegate to dst's migration service and cifs, in the NetBIOS form and (if fqdn) the FQDN form. */
    void delegate(String src, String dst, boolean netbios, boolean fqdn) {
        for (String svc : List.of(MVSMS, "cifs")) {
            if (netbios) {
                tool("delegation", "add-service", src + "$", svc + "/" + dst);
            }
            if (fqdn) {
                tool("delegation", "add-service", src + "$", svc + "/" + fqdn(dst));
            }
        }
    }

    void delegate(String src, String dst) {
        delegate(src, dst, true, true);
    }

    void forAnyProtocol(String name, boolean on) {
        tool("delegation", "for-any-protocol", name + "$", on ? "on" : "off");
    }

    void forAnyService(String name, boolean on) {
        tool("delegation", "for-any-service", name + "$", on ? "on" : "off");
    }
}
