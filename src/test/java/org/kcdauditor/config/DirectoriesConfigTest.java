package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** directories:, clusters[].directory, directory.domainControllers and policy.preflightAllDcs. */
class DirectoriesConfigTest {
    private static final String TWO = """
            directories:
              contoso:
                url: ldaps://dc1.contoso.com:636
                bindDn: svc-kcdaudit@contoso.com
                passwordEnv: KCD_AUDIT_LDAP_PASSWORD
                baseDn: DC=contoso,DC=com
                domainControllers: [ldaps://dc1.contoso.com:636, ldaps://dc2.contoso.com:636]
              fabrikam:
                url: ldaps://dc1.fabrikam.com:636
                bindDn: svc-kcdaudit@fabrikam.com
                passwordFile: fabrikam.pass
                baseDn: DC=fabrikam,DC=com
                optional: true
            clusters:
              - name: HVC1
                directory: contoso
                nodes: [HV01, HV02]
              - name: HVC2
                directory: fabrikam
                nodes: [HV21, HV22]
            policy:
              migrationGroups: [[HVC1, HVC2]]
              preflightAllDcs: true
            """;

    @TempDir
    Path tmp;

    private Path write(String yaml) throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void twoDirectoriesLoadInOrderWithTheirClusters() throws Exception {
        AuditConfig c = ConfigLoader.load(write(TWO));
        assertEquals(List.of("contoso", "fabrikam"), List.copyOf(c.directories().keySet()));
        assertTrue(c.multiDirectory());
        assertEquals("ldaps://dc1.contoso.com:636", c.directory().url(), "directory() is the first");
        assertEquals(List.of("ldaps://dc1.contoso.com:636", "ldaps://dc2.contoso.com:636"),
                c.directories().get("contoso").domainControllers());
        assertTrue(c.directories().get("fabrikam").isOptional());
        assertEquals("fabrikam", c.directoryOf(c.clusters().get(1)));
        assertEquals("directories.fabrikam", c.directoryKey("fabrikam"));
        assertTrue(c.policy().allDcsByDefault());
    }

    @Test
    void directoryAloneIsOneDirectoryNamedDefault() throws Exception {
        AuditConfig c = ConfigLoader.load(write("""
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc@contoso.com
                  passwordEnv: X
                  baseDn: DC=contoso,DC=com
                clusters:
                  - name: HVC1
                    nodes: [HV01, HV02]
                """));
        assertEquals(List.of("default"), List.copyOf(c.directories().keySet()));
        assertEquals("default", c.clusters().get(0).directory());
        assertEquals("directory", c.directoryKey("default"));
        assertFalse(c.multiDirectory());
        assertFalse(c.policy().allDcsByDefault());
        assertTrue(c.directory().domainControllers().isEmpty());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            clusters[1].directory: no directory named 'fabrikom' | '    directory: fabrikam\\n    nodes: [HV21' | '    directory: fabrikom\\n    nodes: [HV21'
            clusters[0].directory: missing: with several directories | '    directory: contoso\\n' | ''
            directories.contoso.domainControllers[1]: an ldaps:// or ldap:// URL | 'ldaps://dc2.contoso.com:636]' | 'dc2.contoso.com]'
            directories.contoso.domainControllers[1]: a plain ldap:// URL would send the bind password readable (directories.contoso.startTls is off, allowInsecureBind not set): use ldaps://dc2.contoso.com:636 | 'ldaps://dc2.contoso.com:636]' | 'ldap://dc2.contoso.com:389]'
            directories.contoso.domainControllers[1]: a plain ldap:// URL would send the bind password readable (directories.contoso.startTls is off, allowInsecureBind not set): use ldaps://[fd00::2]:636 | 'ldaps://dc2.contoso.com:636]' | '"ldap://[fd00::2]:389"]'
            directories.fabrikam.baseDn: not a valid DN | 'baseDn: DC=fabrikam,DC=com' | 'baseDn: fabrikam.com'
            directories.fabrikam: give passwordEnv | '    passwordFile: fabrikam.pass\\n' | ''
            directories.contoso.urll: unknown key | '    url: ldaps://dc1.contoso.com:636\\n    bindDn: svc-kcdaudit@contoso' | '    urll: ldaps://dc1.contoso.com:636\\n    bindDn: svc-kcdaudit@contoso'
            directories.fa brikam: a name of letters | '  fabrikam:' | '  fa brikam:'
            policy.preflightAllDcs: wrong type    | 'preflightAllDcs: true' | 'preflightAllDcs: sometimes'
            directories.fabrikam.baseDn: the domain DC=contoso,DC=com of directories.contoso too | 'baseDn: DC=fabrikam,DC=com' | 'baseDn: OU=Hyper-V,DC=Contoso, DC=com'
            clusters[1].ou: OU=HVC2,DC=fabrikam,DC=com is in the domain DC=fabrikam,DC=com, not in DC=contoso,DC=com of directories.contoso: set clusters[1].directory: fabrikam | '    directory: fabrikam\n    nodes: [HV21, HV22]' | '    directory: contoso\n    ou: OU=HVC2,DC=fabrikam,DC=com'
            directories.fabrikam.baseDn: DC=fabrikam.com is one domain component holding a dot; each DC= part is one label of the domain's DNS name: DC=fabrikam,DC=com | 'baseDn: DC=fabrikam,DC=com' | 'baseDn: DC=fabrikam.com'
            clusters[1].ou: DC=fabrikam.com is one domain component holding a dot | '    nodes: [HV21, HV22]' | '    ou: OU=HVC2,DC=fabrikam.com'
            clusters[1].ou: OU=HVC2,DC=emea,DC=fabrikam,DC=com is in the domain DC=emea,DC=fabrikam,DC=com, not in DC=fabrikam,DC=com of directories.fabrikam: give that domain a directory of its own | '    nodes: [HV21, HV22]' | '    ou: OU=HVC2,DC=emea,DC=fabrikam,DC=com'
            """)
    void eachMistakeNamesItsKeyPath(String expected, String from, String to) throws Exception {
        String yaml = TWO.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertFalse(yaml.equals(TWO), "the edit applies: " + from);
        CliRun r = CliRun.run(Map.of(), "run", "--config", write(yaml).toString(), "--out", tmp.resolve("o").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains(expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void directoryAndDirectoriesTogetherOrOptionalOnTheOnlyDirectoryAreRefused() throws Exception {
        CliRun both = CliRun.run(Map.of(), "run", "--config", write("directory:\n  url: ldaps://x:636\n" + TWO)
                .toString());
        assertEquals(2, both.exitCode(), both.toString());
        assertTrue(both.err().contains("directories: give directory (one domain) or directories (several), not both"),
                both.err());
        CliRun optional = CliRun.run(Map.of(), "run", "--config", write("""
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc@contoso.com
                  passwordEnv: X
                  baseDn: DC=contoso,DC=com
                  optional: true
                clusters:
                  - name: HVC1
                    nodes: [HV01]
                """).toString());
        assertEquals(2, optional.exitCode(), optional.toString());
        assertTrue(optional.err().contains("directory.optional: only an entry of directories: can be optional"),
                optional.err());
    }

    @Test
    void theDaemonNamesEachDirectorysMissingPasswordBeforeItStarts() throws Exception {
        Path cfg = write(TWO + "schedule:\n  - name: nightly\n    cron: \"0 0 6 * * ?\"\n    notify: never\n");
        CliRun r = CliRun.run(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x"), "daemon", "--config", cfg.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("directories.fabrikam.passwordFile: "), r.err());
    }
}
