package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that no Get-VMHost export gives a migration authentication type for, although {@code hostSettings.sources}
 * is set: Hyper-V's default is CredSSP, which constrained delegation does not serve, so its pairs read OK without
 * that being known. {@code run} and findings.json say which nodes these are, not only {@code preflight}.
 */
class HostSettingsCoverageTest {
    private static final String HEADER = "\"ComputerName\",\"VirtualMachineMigrationEnabled\","
            + "\"VirtualMachineMigrationAuthenticationType\"\n";

    @TempDir
    Path tmp;

    /** Runs against HVC1 (HV01–HV03, delegated to each other) with {@code csv} as the one Get-VMHost export. */
    private CliRun run(String csv) throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
            Files.writeString(tmp.resolve("vmhost.csv"), csv);
            Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                    List.of("HV01", "HV02", "HV03"), "allowInsecureBind: true");
            Files.writeString(cfg, Files.readString(cfg) + "hostSettings:\n  sources: [vmhost.csv]\n");
            return CliRun.run(Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD), "run", "--config", cfg.toString(),
                    "--out", tmp.resolve("out").toString(), "--formats", "json");
        } finally {
            ds.shutDown(true);
        }
    }

    private List<String> unchecked() throws Exception {
        JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
        List<String> out = new ArrayList<>();
        c.path("migrationAuthenticationUnchecked").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void aNodeNoExportCoversIsNamedInFindingsJsonAndOnTheConsole() throws Exception {
        CliRun r = run(HEADER + "\"HV01\",\"True\",\"Kerberos\"\n\"hv02.contoso.com\",\"True\",\"\"\n");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode c = CliRun.findings(tmp.resolve("out")).path("clusters").get(0);
        assertEquals(6, c.path("pairsOk").asInt(), "not known is no blocker: " + c);
        assertEquals(List.of("HV02", "HV03"), unchecked(), "HV02's row gives no type, HV03 has none");
        assertTrue(r.out().contains("Migration authentication was not checked for HV02, HV03"), r.out());
    }

    @Test
    void nodesEveryExportCoversByAnyNameFormAreNotListed() throws Exception {
        CliRun r = run(HEADER + "\"hv01.contoso.com\",\"True\",\"Kerberos\"\n\"HV02\",\"True\",\"Kerberos\"\n"
                + "\"HV03.CONTOSO.COM.\",\"True\",\"Kerberos\"\n");
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of(), unchecked());
        assertFalse(CliRun.findings(tmp.resolve("out")).path("clusters").get(0).has("migrationAuthenticationUnchecked"));
        assertFalse(r.out().contains("Migration authentication was not checked"), r.out());
    }
}
