package org.kcdauditor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.store.StoreUrls;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the history goes, as an admin's first run meets it (review of 0.1.0, findings 1 and 19): every run and
 * preflight says in one line which store it uses (an H2 file by its path, any other by its URL without parameters:
 * never a password), and a config error (exit 2) is said before any store is opened or created, so it leaves no
 * {@code data/} folder and no FAILED run behind; a run that fails at run time (an unreachable DC) is still recorded.
 */
class StoreWhereTest {
    @TempDir
    Path tmp;

    private Path config(String store) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("Kcd Audit (cfg)"));
        Path file = dir.resolve("kcd-audit.yaml");
        Files.writeString(file, """
                directory:
                  url: ldaps://127.0.0.1:1
                  bindDn: svc-kcdaudit@contoso.com
                  passwordEnv: KCD_AUDIT_LDAP_PASSWORD
                  baseDn: DC=contoso,DC=com
                  timeoutSeconds: 5
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                reports:
                  dir: reports
                """ + store);
        return file;
    }

    private static List<String> args(String command, Path cfg) {
        List<String> a = new ArrayList<>(List.of(command.split(" ")));
        a.addAll(List.of("--config", cfg.toString()));
        if (command.equals("preflight")) {
            a.addAll(List.of("--cluster", "HVC1"));
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "preflight", "baseline capture"})
    void aConfigErrorOpensNoStoreAndRecordsNoRun(String command) throws Exception {
        Path cfg = config("store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        CliRun r = CliRun.run(Map.of(), args(command, cfg).toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("directory.passwordEnv: environment variable KCD_AUDIT_LDAP_PASSWORD is not set"),
                r.toString());
        assertFalse(Files.exists(cfg.resolveSibling("data")), "a config error created the store: " + r);
        assertFalse(Files.exists(cfg.resolveSibling("reports")), r.toString());
    }

    /**
     * An error in baseline.yaml is an edit of a file, as a config error is (exit 2, one line at its position), not an
     * audit that failed: it was read after the run was begun in the store, so it was recorded FAILED (and, with the DC
     * down, the run failed on the DC first, exit 1). It is read before the run is begun, so it records no run.
     */
    @ParameterizedTest
    @ValueSource(strings = {"run", "preflight"})
    void anErrorInTheBaselineIsSaidBeforeTheRunIsBegunAndRecordsNoRun(String command) throws Exception {
        Path cfg = config("store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        Path baseline = cfg.resolveSibling("baseline.yaml");
        Files.writeString(baseline, """
                hosts: {}
                waivers:
                  - rule: MISSING_DELEGATION
                    host: HV01
                    peer: HV02
                    justification: "HV01 is being replaced, CHG0042"
                    expires: 2027-02-30
                """);
        Map<String, String> env = Map.of("KCD_AUDIT_LDAP_PASSWORD", "Winter2026!");
        CliRun r = CliRun.run(env, args(command, cfg).toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + baseline + ":7:14: waivers[0].expires: invalid value '2027-02-30' (expected a"
                + " date such as 2026-12-31)", r.err().strip());
        CliRun h = CliRun.run(env, "history", "--config", cfg.toString());
        assertEquals(0, h.exitCode(), h.toString());
        assertFalse(h.out().contains("FAILED"), h.toString());
        assertFalse(Files.exists(cfg.resolveSibling("reports")), r.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "preflight"})
    void aRunThatFailsAtRunTimeSaysWhereItsHistoryIsAndIsRecordedThere(String command) throws Exception {
        Path cfg = config("store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        Map<String, String> env = Map.of("KCD_AUDIT_LDAP_PASSWORD", "Winter2026!");
        CliRun r = CliRun.run(env, args(command, cfg).toArray(String[]::new));
        assertEquals(1, r.exitCode(), r.toString());
        Path file = cfg.resolveSibling("data").resolve("kcd-audit.mv.db");
        assertTrue(r.out().lines().anyMatch(l -> l.equals("History store: " + file)), r.toString());
        CliRun h = CliRun.run(env, "history", "--config", cfg.toString());
        assertEquals(0, h.exitCode(), h.toString());
        assertTrue(h.out().lines().anyMatch(l -> l.contains("FAILED") && l.contains(command)), h.toString());
    }

    @Test
    void withoutStoreUrlTheLineSaysItIsTheWorkingFolders() throws Exception {
        var cfg = ConfigLoader.load(config(""));
        assertEquals("History store: " + Path.of("data/kcd-audit.mv.db").toAbsolutePath().normalize()
                + " (store.url not set: data/kcd-audit of the current folder)", StoreUrls.where(cfg));
    }

    @Test
    void aPostgreSqlStoreIsNamedByItsUrlWithoutParametersNorItsPassword() throws Exception {
        var cfg = ConfigLoader.load(config("""
                store:
                  url: jdbc:postgresql://db.contoso.com:5432/kcdaudit?sslmode=verify-full&ApplicationName=x
                  userEnv: KCD_AUDIT_DB_USER
                  passwordEnv: KCD_AUDIT_DB_PASSWORD
                """));
        assertEquals("History store: jdbc:postgresql://db.contoso.com:5432/kcdaudit", StoreUrls.where(cfg));
    }

    /**
     * A PostgreSQL store on another machine whose URL turns the certificate check off (sslmode=disable, allow, prefer,
     * require) says so on the line: the URL is shown without its parameters, so the line read as for a verified
     * server, "History store: jdbc:postgresql://db.contoso.com:5432/kcdaudit", with the history crossing the network
     * unencrypted or to a server nobody checked.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "disable, 'sslmode=disable: not encrypted, the history crosses the network readable'",
            "require, 'sslmode=require: the server''s certificate is not checked, whoever sits on the path can pose as"
                    + " it'",
            "prefer, 'sslmode=prefer: the server''s certificate is not checked, whoever sits on the path can pose as"
                    + " it'"})
    void aPostgreSqlStoreWithoutCertificateCheckSaysSo(String mode, String said) throws Exception {
        var cfg = ConfigLoader.load(config("""
                store:
                  url: jdbc:postgresql://db.contoso.com:5432/kcdaudit?ApplicationName=x&sslmode=%s
                  userEnv: KCD_AUDIT_DB_USER
                  passwordEnv: KCD_AUDIT_DB_PASSWORD
                """.formatted(mode)));
        assertEquals("History store: jdbc:postgresql://db.contoso.com:5432/kcdaudit (" + said + ")",
                StoreUrls.where(cfg));
    }

    /**
     * The URL's other ways of turning the check off were not read: {@code ssl=false} without {@code sslmode} is the
     * driver's prefer (no certificate check, plain text where the server allows), and the driver's {@code
     * NonValidatingFactory} accepts any certificate whatever {@code sslmode} says; both printed the bare line of a
     * verified server. {@code ssl=true} is the driver's verify-full.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(value = {
            "ssl=false|ssl=false, the driver's sslmode=prefer: the server's certificate is not checked, whoever sits"
                    + " on the path can pose as it",
            "ApplicationName=x&SSL=False|ssl=false, the driver's sslmode=prefer: the server's certificate is not"
                    + " checked, whoever sits on the path can pose as it",
            "sslmode=verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory|sslfactory=org.postgresql.ssl"
                    + ".NonValidatingFactory: the server's certificate is not checked, whoever sits on the path can"
                    + " pose as it",
            "sslfactory=org.postgresql.ssl.NonValidatingFactory|sslfactory=org.postgresql.ssl.NonValidatingFactory:"
                    + " the server's certificate is not checked, whoever sits on the path can pose as it",
            "ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory|sslfactory=org.postgresql.ssl"
                    + ".NonValidatingFactory: the server's certificate is not checked, whoever sits on the path can"
                    + " pose as it",
            "sslmode=disable&sslfactory=org.postgresql.ssl.NonValidatingFactory|sslmode=disable: not encrypted, the"
                    + " history crosses the network readable",
            "ssl=true|", "ssl=false&sslmode=verify-ca|"}, delimiter = '|')
    void aPostgreSqlStoreWithoutCertificateCheckBySslOrSslFactorySaysSo(String query, String said) throws Exception {
        var cfg = ConfigLoader.load(config("""
                store:
                  url: jdbc:postgresql://db.contoso.com:5432/kcdaudit?%s
                """.formatted(query)));
        assertEquals("History store: jdbc:postgresql://db.contoso.com:5432/kcdaudit" + (said == null ? ""
                : " (" + said + ")"), StoreUrls.where(cfg));
    }

    /** On this machine the connection does not cross the network: nothing to say. */
    @Test
    void aPostgreSqlStoreOnThisMachineWithoutTlsSaysNothingMore() throws Exception {
        var cfg = ConfigLoader.load(config("""
                store:
                  url: jdbc:postgresql://localhost:5432/kcdaudit?sslmode=disable
                """));
        assertEquals("History store: jdbc:postgresql://localhost:5432/kcdaudit", StoreUrls.where(cfg));
    }

    /** The example config, copied where docs/install.md puts it, keeps the history and the reports beside it. */
    @Test
    void theExampleKeepsHistoryAndReportsInTheConfigsFolder() throws Exception {
        Path programData = Files.createDirectories(tmp.resolve("ProgramData").resolve("kcd-audit"));
        Path cfg = Files.copy(Path.of("config/kcd-audit.example.yaml"), programData.resolve("kcd-audit.yaml"));
        var loaded = ConfigLoader.load(cfg);
        assertEquals(programData.resolve("data").resolve("kcd-audit.mv.db"), StoreUrls.h2File(loaded));
        assertEquals(programData.resolve("reports"), loaded.resolve(loaded.reports().dir()));
    }
}
