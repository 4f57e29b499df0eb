package org.kcdauditor.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kcdauditor.support.CliRun;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every configuration mistake: exit 2, one line, naming the key path. */
class ConfigErrorsTest {
    private static final String GOOD = """
            directory:
              url: ldaps://dc1.contoso.com:636
              bindDn: svc-kcdaudit@contoso.com
              passwordEnv: KCD_AUDIT_LDAP_PASSWORD
              baseDn: DC=contoso,DC=com
            clusters:
              - name: HVC1
                nodes: [HV01, HV02, HV03]
              - name: HVC2
                ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com
            policy:
              protocolTransition: either
            """;

    @TempDir
    Path tmp;

    /** The config of {@code GOOD} with {@code from} replaced by {@code to} ("\\n": a line break), refused (exit 2). */
    private CliRun refused(String from, String to) throws Exception {
        String yaml = GOOD.replace(from, to.replace("\\n", "\n"));
        assertFalse(yaml.equals(GOOD), "fixture did not change");
        CliRun r = runWith(yaml);
        assertEquals(2, r.exitCode(), r.toString());
        return r;
    }

    private CliRun runWith(String yaml) throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, yaml);
        return CliRun.run(Map.of(), "run", "--config", file.toString(), "--out", tmp.resolve("out").toString());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            clusters[1].nodes: must not be empty   | '    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com' | '    nodes: []'
            directory.urll: unknown key             | '  url: ldaps'                                  | '  urll: ldaps'
            clusters[0].nodes: wrong type           | 'nodes: [HV01, HV02, HV03]'                     | 'nodes: {a: 1}'
            clusters[1].name: duplicate             | '  - name: HVC2'                                | '  - name: hvc1'
            clusters[1].name: one line of visible text | '  - name: HVC2'                             | '  - name: "HVC2\\x0AGO for the patch window: 2 of 2 clusters"'
            clusters[1].name: one line of visible text | '  - name: HVC2'                             | '  - name: "HVC2\\u202Egnp"'
            clusters[1].nodes[0]: HV01 is already   | '    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com' | '    nodes: [HV01]'
            give passwordEnv                        | '  passwordEnv: KCD_AUDIT_LDAP_PASSWORD'        | '  startTls: false'
            policy.protocolTransition: invalid value | 'protocolTransition: either'                   | 'protocolTransition: sometimes'
            directory.pageSize: wrong type          | '  baseDn: DC=contoso,DC=com'                   | '  baseDn: DC=contoso,DC=com\n  pageSize: many'
            directory.pageSize: invalid value '1.5' (expected a whole number) | '  baseDn: DC=contoso,DC=com' | '  baseDn: DC=contoso,DC=com\n  pageSize: 1.5'
            directory.allowInsecureBind: invalid value '1' (expected true or false) | '  baseDn: DC=contoso,DC=com' | '  baseDn: DC=contoso,DC=com\n  allowInsecureBind: 1'
            directory.allowInsecureBind: wrong type | '  baseDn: DC=contoso,DC=com'                   | '  baseDn: DC=contoso,DC=com\n  allowInsecureBind: "true"'
            directory.url: must start with          | 'ldaps://dc1.contoso.com:636'                   | 'https://dc1.contoso.com'
            directory.url: port 3269 is the Global Catalog, which does not hold msDS-AllowedToDelegateTo | 'ldaps://dc1.contoso.com:636' | 'ldaps://dc1.contoso.com:3269'
            directory.domainControllers[1]: port 3268 is the Global Catalog | '  baseDn: DC=contoso,DC=com' | '  baseDn: DC=contoso,DC=com\n  domainControllers: [ldaps://dc1.contoso.com:636, ldap://dc2.contoso.com:3268]'
            directory.baseDn: not a valid DN        | 'baseDn: DC=contoso,DC=com'                     | 'baseDn: contoso.com'
            directory.baseDn: not a valid DN: 'contoso.com' (write the domain as its DN: DC=contoso,DC=com) | 'baseDn: DC=contoso,DC=com' | 'baseDn: contoso.com'
            directory.baseDn: not a valid DN: 'DC=contoso,DC=com,' (a DN is RDNs such as DC=contoso,DC=com, joined by commas) | 'baseDn: DC=contoso,DC=com' | 'baseDn: "DC=contoso,DC=com,"'
            policy.nameForms[1]: must be netbios or fqdn | 'protocolTransition: either'               | 'nameForms: [netbios, dns]'
            policy.migrationGroups[0][1]: no cluster | 'protocolTransition: either'                   | 'migrationGroups: [[HVC1, HVC9]]'
            policy.services[1]: CIFS is listed twice | 'protocolTransition: either'                  | 'services: [cifs, CIFS]'
            clusters[0].fileServers[0]: HV02 is a node of this cluster | 'nodes: [HV01, HV02, HV03]' | 'nodes: [HV01, HV02, HV03]\n    fileServers: [HV02]'
            clusters[0].fileServers[1]: nas01 is listed twice | 'nodes: [HV01, HV02, HV03]'          | 'nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01, nas01]'
            policy.operators[1]: empty name          | 'protocolTransition: either'                   | 'operators: [adm-jdoe, " "]'
            policy.operators[0]: holds the control character \\u0007 where YAML read a backslash | 'protocolTransition: either' | 'operators: ["CONTOSO\\adm-jdoe"]'
            policy.operators[0]: 'CN=x,=y' is neither | 'protocolTransition: either'                  | 'operators: ["CN=x,=y"]'
            hostSettings.sources[0]: empty glob      | 'protocolTransition: either'                   | 'protocolTransition: either\nhostSettings:\n  sources: [""]'
            directory.startTls: StartTLS is for ldap | '  baseDn: DC=contoso,DC=com'                  | '  baseDn: DC=contoso,DC=com\n  startTls: true'
            directory.auth: must be simple           | '  baseDn: DC=contoso,DC=com'                  | '  baseDn: DC=contoso,DC=com\n  auth: ntlm'
            directory.principal: missing             | '  passwordEnv: KCD_AUDIT_LDAP_PASSWORD'        | '  auth: gssapi'
            auth: gssapi takes no password           | '  baseDn: DC=contoso,DC=com'                  | '  baseDn: DC=contoso,DC=com\n  auth: gssapi\n  principal: svc@CONTOSO.COM'
            are for auth: gssapi                     | '  baseDn: DC=contoso,DC=com'                  | '  baseDn: DC=contoso,DC=com\n  keytab: svc.keytab'
            clusters[0].nodes[1]: an empty item      | 'nodes: [HV01, HV02, HV03]'                     | 'nodes: [HV01, null, HV03]'
            clusters[2]: an empty item               | '    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com' | '    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com\n  -'
            policy.operators[0]: an empty item       | 'protocolTransition: either'                   | 'operators: [~]'
            """)
    void eachMistakeNamesItsKeyPath(String expected, String from, String to) throws Exception {
        CliRun r = refused(from, to);
        assertTrue(r.err().contains(expected), r.err());
        assertTrue(r.err().startsWith("kcd-audit: " + tmp.resolve("kcd-audit.yaml")), r.err());
        assertEquals(1, r.err().split(Pattern.quote(tmp.resolve("kcd-audit.yaml").toString()), -1).length - 1,
                "the file named once: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    /** A value refused after the file was read (a range, a duplicate, a reference) is placed at its line too. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            10: clusters[1].nodes: must not be empty | '    ou: OU=HVC2,OU=Hyper-V,DC=contoso,DC=com' | '    nodes: []'
            9: clusters[1].name: duplicate           | '  - name: HVC2'                              | '  - name: hvc1'
            2: directory.url: must start with        | 'ldaps://dc1.contoso.com:636'                 | 'https://dc1.contoso.com'
            12: policy.nameForms[1]: must be netbios or fqdn | 'protocolTransition: either'            | 'nameForms: [netbios, dns]'
            14: baseline.maxWaiverDays: must be at least 1 | 'protocolTransition: either'              | 'protocolTransition: either\nbaseline:\n  maxWaiverDays: -5'
            """)
    void aValueRefusedAfterReadingNamesItsLine(String expected, String from, String to) throws Exception {
        CliRun r = refused(from, to);
        assertTrue(r.err().startsWith("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":" + expected), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /**
     * A node or file server written in a form that names no computer by its name — a down-level logon name, a DN, an IP
     * address, a name with white space — was taken as given and found no object: HOST_NOT_FOUND "no computer object with
     * that name exists" for a computer that exists, and the cluster at 100 % without it. Refused at its line instead,
     * with the name to give where the value holds it. So is a UPN ({@code HV02@contoso.com}: '@' is allowed in NetBIOS
     * names, so it passed), a character Windows refuses in a computer name, a '$' before the end, and digits alone.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            'CONTOSO\\HV02'                                     | 8: clusters[0].nodes[1]: 'CONTOSO\\HV02' is not a host name: give the NetBIOS name (HV02) or the FQDN (its dNSHostName)
            'CN=HV02,OU=HVC1,OU=Hyper-V,DC=contoso,DC=com'     | 8: clusters[0].nodes[1]: 'CN=HV02,OU=HVC1,OU=Hyper-V,DC=contoso,DC=com' is a distinguished name, not a host name: give the NetBIOS name (HV02) or the FQDN (its dNSHostName)
            10.0.0.12                                          | 8: clusters[0].nodes[1]: '10.0.0.12' is an IP address, not a host name: give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            '::1'                                              | 8: clusters[0].nodes[1]: '::1' is an IP address, not a host name: give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'fe80::1%eth0'                                     | 8: clusters[0].nodes[1]: 'fe80::1%eth0' is an IP address, not a host name: give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV 02'                                            | 8: clusters[0].nodes[1]: 'HV 02' is not a host name (it holds white space): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            ' HV02'                                            | 8: clusters[0].nodes[1]: ' HV02' is not a host name (it holds white space): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'hv02.contoso.com:5985'                            | 8: clusters[0].nodes[1]: 'hv02.contoso.com:5985' is not a host name (it holds ':'): give the NetBIOS name (hv02) or the FQDN (hv02.contoso.com)
            'HOST/hv02.contoso.com'                            | 8: clusters[0].nodes[1]: 'HOST/hv02.contoso.com' is not a host name (it holds '/'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            "HV02\\e[2J"                                       | 8: clusters[0].nodes[1]: 'HV02\\u001B[2J' is not a host name (it holds the character \\u001B): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            "HV\\u202E20"                                      | 8: clusters[0].nodes[1]: 'HV\\u202E20' is not a host name (it holds the character \\u202E): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV02@contoso.com'                                 | 8: clusters[0].nodes[1]: 'HV02@contoso.com' looks like a user principal name (UPN), not a host name: give the NetBIOS name (HV02) or the FQDN (its dNSHostName)
            'HV02$@CONTOSO.COM'                                | 8: clusters[0].nodes[1]: 'HV02$@CONTOSO.COM' looks like a user principal name (UPN), not a host name: give the NetBIOS name (HV02) or the FQDN (its dNSHostName)
            'hv02.contoso.com@contoso.com'                     | 8: clusters[0].nodes[1]: 'hv02.contoso.com@contoso.com' looks like a user principal name (UPN), not a host name: give the NetBIOS name (hv02) or the FQDN (hv02.contoso.com)
            '@contoso.com'                                     | 8: clusters[0].nodes[1]: '@contoso.com' looks like a user principal name (UPN), not a host name: give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV#02'                                            | 8: clusters[0].nodes[1]: 'HV#02' is not a host name (it holds '#'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV(02)'                                           | 8: clusters[0].nodes[1]: 'HV(02)' is not a host name (it holds '('): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV02!'                                            | 8: clusters[0].nodes[1]: 'HV02!' is not a host name (it holds '!'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV`02'                                            | 8: clusters[0].nodes[1]: 'HV`02' is not a host name (it holds '`'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV%02'                                            | 8: clusters[0].nodes[1]: 'HV%02' is not a host name (it holds '%'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV^02'                                            | 8: clusters[0].nodes[1]: 'HV^02' is not a host name (it holds '^'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV&02'                                            | 8: clusters[0].nodes[1]: 'HV&02' is not a host name (it holds '&'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV{02}'                                           | 8: clusters[0].nodes[1]: 'HV{02}' is not a host name (it holds '{'): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            "HV'02"                                            | 8: clusters[0].nodes[1]: 'HV'02' is not a host name (it holds '''): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            'HV$02'                                            | 8: clusters[0].nodes[1]: 'HV$02' is not a host name (it holds '$' other than at its end): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            '1234'                                             | 8: clusters[0].nodes[1]: '1234' is not a host name (a computer name is never only digits): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            '1234$'                                            | 8: clusters[0].nodes[1]: '1234$' is not a host name (a computer name is never only digits): give the computer's NetBIOS name (its sAMAccountName without $) or FQDN (its dNSHostName)
            """)
    void aNodeInAFormThatIsNoHostNameIsRefusedWithTheNameToGive(String node, String expected) throws Exception {
        CliRun r = refused("nodes: [HV01, HV02, HV03]", "nodes: [HV01, " + node + ", HV03]");
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":" + expected, r.err().strip());
    }

    /** The same for a file server. */
    @Test
    void aFileServerInAFormThatIsNoHostNameIsRefusedToo() throws Exception {
        CliRun r = refused("nodes: [HV01, HV02, HV03]", "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01, 'CONTOSO\\NAS02']");
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":9: clusters[0].fileServers[1]: 'CONTOSO\\NAS02'"
                + " is not a host name: give the NetBIOS name (NAS02) or the FQDN (its dNSHostName)", r.err().strip());
    }

    /**
     * {@code CONTOSO\HV04$} for a node whose dNSHostName is hv04.corp.contoso.com (a disjoint namespace: the hosts' DNS
     * suffix is not the domain's name) was refused with "give ... the FQDN (hv04.contoso.com)", an FQDN built from the
     * base DN that names no computer: given, it is HOST_NOT_FOUND. The hint names no FQDN the value does not hold.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            'CONTOSO\\HV04$'                       | 'CONTOSO\\HV04$' is not a host name: give the NetBIOS name (HV04) or the FQDN (its dNSHostName)
            'CONTOSO\\HV04'                        | 'CONTOSO\\HV04' is not a host name: give the NetBIOS name (HV04) or the FQDN (its dNSHostName)
            'HV04$@contoso.com'                     | 'HV04$@contoso.com' looks like a user principal name (UPN), not a host name: give the NetBIOS name (HV04) or the FQDN (its dNSHostName)
            'CN=HV04,OU=HVC1,DC=contoso,DC=com'     | 'CN=HV04,OU=HVC1,DC=contoso,DC=com' is a distinguished name, not a host name: give the NetBIOS name (HV04) or the FQDN (its dNSHostName)
            'CONTOSO\\hv04.corp.contoso.com'       | 'CONTOSO\\hv04.corp.contoso.com' is not a host name: give the NetBIOS name (hv04) or the FQDN (hv04.corp.contoso.com)
            """)
    void aNodeInAFormThatIsNoHostNameGetsNoFqdnGuessedFromTheDomain(String node, String expected) throws Exception {
        CliRun r = refused("nodes: [HV01, HV02, HV03]", "nodes: [HV01, " + node + ", HV03]");
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":8: clusters[0].nodes[1]: " + expected,
                r.err().strip());
        assertFalse(r.err().contains("hv04.contoso.com"), r.err());
    }

    /** Every form README names for a node is still read: NetBIOS, with its $, FQDN, the root's trailing dot. */
    @Test
    void theNodeFormsReadmeNamesAreRead() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD.replace("nodes: [HV01, HV02, HV03]", "nodes: [HV01, HV02$, hv03.contoso.com,"
                + " hv04.contoso.com., hv_05, HV-06, 'НV07', 2HV08]\n    fileServers: [nas01.contoso.com, NAS02$]"));
        AuditConfig c = ConfigLoader.load(file);
        assertEquals(List.of("HV01", "HV02$", "hv03.contoso.com", "hv04.contoso.com.", "hv_05", "HV-06", "НV07", "2HV08"),
                c.clusters().get(0).nodes());
        assertEquals(List.of("nas01.contoso.com", "NAS02$"), c.clusters().get(0).fileServers());
    }

    /** A password typed into passwordEnv (a valid variable name, but none that is set) is not repeated. */
    @Test
    void aPasswordTypedWhereItsVariableIsNamedIsNotRepeated() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD.replace("passwordEnv: KCD_AUDIT_LDAP_PASSWORD", "passwordEnv: Winter2026"));
        CliRun r = CliRun.run(Map.of(), "run", "--config", file.toString(), "--verbose");
        assertEquals(2, r.exitCode(), r.toString());
        assertFalse(r.err().contains("Winter2026") || r.out().contains("Winter2026"), r.toString());
        assertTrue(r.err().contains("directory.passwordEnv: the environment variable it names is not set (the name is"
                + " not repeated"), r.toString());
    }

    /**
     * A problem found after the config loaded names the file as the loader's messages do, once, in front: in every
     * command that reads the directory, with the file as it was given (here a relative path).
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            run              | is not set
            run              | is empty
            preflight        | is not set
            baseline capture | is not set
            daemon           | is not set
            """)
    void aPasswordVariableNotSetNamesTheFileOnce(String command, String problem) throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD + "schedule:\n  - name: nightly\n    cron: \"0 0 6 * * ?\"\n    notify: never\n");
        String given = Path.of("").toAbsolutePath().relativize(file).toString();
        List<String> args = new ArrayList<>(List.of(command.split(" ")));
        args.addAll(List.of("--config", given));
        if (command.equals("preflight")) {
            args.addAll(List.of("--cluster", "HVC1"));
        }
        Map<String, String> env = problem.equals("is empty") ? Map.of("KCD_AUDIT_LDAP_PASSWORD", "") : Map.of();
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.run(env, args.toArray(String[]::new)),
                "the daemon started");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + given + ": directory.passwordEnv: environment variable KCD_AUDIT_LDAP_PASSWORD "
                + problem + " (set it — PowerShell: $env:KCD_AUDIT_LDAP_PASSWORD = …; cmd: set \"KCD_AUDIT_LDAP_PASSWORD=…\"; sh:"
                + " export KCD_AUDIT_LDAP_PASSWORD=… (README shows how without echo) — or use directory.passwordFile)", r.err().strip(), r.toString());
    }

    /**
     * A URL holding a password before its host ({@code ldaps://svc:secret@dc1}, {@code jdbc:postgresql://svc:secret@db})
     * is refused without being repeated: the LDAP SDK's parse error and the store's "cannot be opened" quoted the URL,
     * password and all, on the console, in the daemon's log, in a run's FAILED reason and in the failure mail (and the
     * PostgreSQL driver's own warning went to stderr around kcd-audit's logging). A URL refused for its form (a
     * mistyped scheme: {@code jdbc:postgres:}, {@code ldaps:/}) is not repeated either when it holds an '@' or a
     * {@code password=}: "(got '…')" printed the password.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            directory.url: holds a user name or password                    | '  url: ldaps://dc1.contoso.com:636' | '  url: ldaps://svc:Sup3rS3cret@dc1.contoso.com:636'
            directory.url: holds a user name or password                    | '  url: ldaps://dc1.contoso.com:636' | '  url: svc:Sup3rS3cret@dc1.contoso.com'
            directory.url: holds a user name or password                    | '  url: ldaps://dc1.contoso.com:636' | '  url: ldap://Sup3rS3cret@dc1.contoso.com'
            directory.domainControllers[0]: holds a user name or password   | '  baseDn: DC=contoso,DC=com'        | '  baseDn: DC=contoso,DC=com\n  domainControllers: ["ldaps://svc:Sup3rS3cret@dc2.contoso.com"]'
            store.url: holds a user name or password                        | 'policy:'                            | 'store:\n  url: jdbc:postgresql://svc:Sup3rS3cret@db.contoso.com/kcd\npolicy:'
            store.url: must start with jdbc:h2: or jdbc:postgresql:         | 'policy:'                            | 'store:\n  url: jdbc:postgres://db.contoso.com/kcd?user=svc&password=Sup3rS3cret\npolicy:'
            directory.url: must start with ldaps:// or ldap://              | '  url: ldaps://dc1.contoso.com:636' | '  url: ldaps:/svc:Sup3rS3cret@dc1.contoso.com:636'
            directory.domainControllers[0]: an ldaps:// or ldap:// URL      | '  baseDn: DC=contoso,DC=com'        | '  baseDn: DC=contoso,DC=com\n  domainControllers: ["ldaps//svc:Sup3rS3cret@dc2.contoso.com"]'
            """)
    void aUrlHoldingAPasswordIsRefusedWithoutRepeatingIt(String expected, String from, String to) throws Exception {
        CliRun r = refused(from, to);
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.toString().contains("Sup3rS3cret"), r.toString());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aRefusedInsecureBindNamesTheFileOnce() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD.replace("ldaps://dc1.contoso.com:636", "ldap://dc1.contoso.com:389"));
        CliRun r = CliRun.run(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x"), "run", "--config", file.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + file + ": directory.allowInsecureBind: refusing a simple bind over plain"
                + " ldap://dc1.contoso.com:389 (the password would cross the network readable); use ldaps:// or"
                + " startTls: true, or set allowInsecureBind: true for a lab directory", r.err().strip(), r.toString());
    }

    @Test
    void aDaemonWithoutJobsNamesTheFileAsGiven() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD);
        String given = Path.of("").toAbsolutePath().relativize(file).toString();
        CliRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRun.run(Map.of(), "daemon", "--config",
                given), "the daemon started");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + given + ": schedule: empty; the daemon has nothing to run (add entries with name"
                + " and cron)", r.err().strip());
    }

    /** A mistake in an option is not one in the file: it is not named. */
    @Test
    void anOptionsMistakeDoesNotNameTheConfig() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD);
        CliRun r = CliRun.run(Map.of(), "run", "--config", file.toString(), "--fail-on", "sometimes");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: --fail-on: must be high, medium, low, info or nogo (got 'sometimes')", r.err().strip());
    }

    /** A password typed into a *Env key by mistake: refused by name, never repeated (console, log, store, mail). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            directory.passwordEnv            | '  passwordEnv: KCD_AUDIT_LDAP_PASSWORD' | '  passwordEnv: "Pw-SeCrEt-4711"'
            directory.trustStorePasswordEnv  | '  baseDn: DC=contoso,DC=com'             | '  baseDn: DC=contoso,DC=com\n  trustStorePasswordEnv: "Pw SeCrEt 4711"'
            store.userEnv                    | 'protocolTransition: either'             | 'protocolTransition: either\nstore:\n  userEnv: "4711SeCrEt"'
            store.passwordEnv                | 'protocolTransition: either'             | 'protocolTransition: either\nstore:\n  passwordEnv: "Pw-SeCrEt-4711"'
            mail.passwordEnv                 | 'protocolTransition: either'             | 'protocolTransition: either\nmail:\n  host: smtp.contoso.com\n  username: kcd\n  passwordEnv: "Pw-SeCrEt-4711"\n  from: kcd@contoso.com\n  to: [team@contoso.com]'
            mail.trustStorePasswordEnv       | 'protocolTransition: either'             | 'protocolTransition: either\nmail:\n  host: smtp.contoso.com\n  trustStore: ca.p12\n  trustStorePasswordEnv: "Pw-SeCrEt-4711"\n  from: kcd@contoso.com\n  to: [team@contoso.com]'
            """)
    void aSecretInAnEnvKeyIsRefusedWithoutEchoingIt(String key, String from, String to) throws Exception {
        CliRun r = refused(from, to);
        assertTrue(r.err().contains(key + ": not an environment variable name"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse((r.out() + r.err()).contains("SeCrEt"), r.toString());
    }

    /**
     * Many problems (a cluster list pasted with one node in every cluster) stay one line an admin can read: the first
     * problem at its line, the next three, and the rest counted, not 120 problems joined into one line of 13 KB.
     */
    @Test
    void manyProblemsNameTheFirstFewAndCountTheRest() throws Exception {
        StringBuilder more = new StringBuilder();
        for (int i = 1; i <= 120; i++) {
            more.append("  - name: HVC").append(100 + i).append("\n    nodes: [HV01]\n");
        }
        CliRun r = refused("  - name: HVC2", more + "  - name: HVC2");
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(":10: clusters[1].nodes[0]: HV01 is already a node of cluster HVC1"), err);
        assertTrue(err.contains("(and 119 more problems: clusters[2].nodes[0]: HV01"), err);
        assertTrue(err.contains("clusters[4].nodes[0]: HV01"), err);
        assertFalse(err.contains("clusters[5].nodes[0]"), err);
        assertTrue(err.endsWith("; and 116 more)"), err);
    }

    @Test
    void aMissingFileSaysWhatToDo() {
        CliRun r = CliRun.run(Map.of(), "run", "--config", tmp.resolve("nope.yaml").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("file not found"), r.err());
    }

    /**
     * From another working directory a relative config name is looked for there, and "copy
     * config/kcd-audit.example.yaml" would name a file that is not there either: the message says where it looked
     * and names the installation's example by its full path.
     */
    @Test
    void aMissingRelativeFileSaysWhereItLookedAndWhichExampleToCopy() {
        CliRun r = CliRun.run(Map.of(), "run", "--config", "no-such-folder/kcd-audit.yaml");
        assertEquals(2, r.exitCode());
        Path looked = Path.of("no-such-folder/kcd-audit.yaml").toAbsolutePath().normalize();
        Path example = Path.of("config/kcd-audit.example.yaml").toAbsolutePath().normalize();
        assertEquals("kcd-audit: no-such-folder/kcd-audit.yaml: file not found (looked for " + looked + "; copy "
                + example + " and edit it)", r.err().strip());
    }

    /**
     * --config given the config's folder ({@code --config C:\\ProgramData\\kcd-audit}, completed by Tab one level
     * short): the line names the config in it to pass. It said only "…: cannot read: it is a folder, not a file".
     */
    @Test
    void aFolderAsConfigNamesTheConfigInIt() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("kcd-audit"));
        CliRun empty = CliRun.run(Map.of(), "run", "--config", folder.toString());
        assertEquals(2, empty.exitCode(), empty.toString());
        assertEquals("kcd-audit: " + folder + ": it is a folder, not a file: give the YAML configuration in it (copy "
                + Path.of("config/kcd-audit.example.yaml").toAbsolutePath().normalize() + " there and edit it)",
                empty.err().strip());
        Files.writeString(folder.resolve("kcd-audit.yaml"), GOOD);
        CliRun r = CliRun.run(Map.of(), "history", "--config", folder.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + folder + ": it is a folder, not a file: --config " + folder.resolve("kcd-audit.yaml"),
                r.err().strip());
    }

    /** The config in a folder with a space ({@code C:\Program Files\kcd-audit}) is suggested as one shell argument. */
    @Test
    void aFolderWithASpaceNamesTheConfigInItQuoted() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("kcd audit"));
        Files.writeString(folder.resolve("kcd-audit.yaml"), GOOD);
        CliRun r = CliRun.run(Map.of(), "history", "--config", folder.toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + folder + ": it is a folder, not a file: --config \"" + folder.resolve("kcd-audit.yaml")
                + "\"", r.err().strip());
    }

    /**
     * A key typed without its colon ({@code bindDn svc-kcdaudit@contoso.com}) is placed on its own line: SnakeYAML finds
     * the colon missing only on the next line, which the message named (":4: … (from line 3, column 3)"), sending the
     * admin to the line below the mistake.
     */
    @Test
    void aKeyWithoutItsColonIsPlacedOnItsLine() throws Exception {
        CliRun r = refused("  bindDn: svc-kcdaudit@contoso.com", "  bindDn svc-kcdaudit@contoso.com");
        assertTrue(r.err().startsWith("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":3: not valid YAML: "), r.err());
        assertTrue(r.err().contains("could not find expected ':'"), r.err());
    }

    /** A password file that is a folder is named, as a missing or empty one is: it said "cannot read: it is a folder". */
    @Test
    void aPasswordFileThatIsAFolderIsNamed() throws Exception {
        Path secrets = Files.createDirectories(tmp.resolve("secrets"));
        CliRun r = runWith(GOOD.replace("passwordEnv: KCD_AUDIT_LDAP_PASSWORD", "passwordFile: secrets"));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":4: directory.passwordFile: cannot read " + secrets
                + ": it is a folder, not a file", r.err().strip());
    }

    /**
     * A password file that does not exist is placed at its key's line, as the loader's own errors are: it named the
     * config without a line, the only config error that did.
     */
    @Test
    void aPasswordFileThatDoesNotExistIsPlacedAtItsLine() throws Exception {
        Path missing = tmp.resolve("secrets").resolve("ldap-password.txt");
        CliRun r = runWith(GOOD.replace("passwordEnv: KCD_AUDIT_LDAP_PASSWORD", "passwordFile: secrets/ldap-password.txt"));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":4: directory.passwordFile: " + missing
                + " does not exist: create it, readable only by the account that runs kcd-audit (docs/install.md shows"
                + " how), or correct the path", r.err().strip());
        // an entry of directories: by its own key path, and the trust store's password file likewise
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD.replace("""
                directory:
                  url: ldaps://dc1.contoso.com:636
                  bindDn: svc-kcdaudit@contoso.com
                  passwordEnv: KCD_AUDIT_LDAP_PASSWORD
                  baseDn: DC=contoso,DC=com
                """, """
                directories:
                  contoso:
                    url: ldaps://dc1.contoso.com:636
                    bindDn: svc-kcdaudit@contoso.com
                    passwordEnv: KCD_AUDIT_LDAP_PASSWORD
                    baseDn: DC=contoso,DC=com
                    trustStore: ts.p12
                    trustStorePasswordFile: secrets/ts-password.txt
                """));
        r = CliRun.run(Map.of("KCD_AUDIT_LDAP_PASSWORD", "x"), "run", "--config", file.toString(), "--out",
                tmp.resolve("out").toString());
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + file + ":8: directories.contoso.trustStorePasswordFile: "
                + tmp.resolve("secrets").resolve("ts-password.txt") + " does not exist: create it, readable only by the"
                + " account that runs kcd-audit (docs/install.md shows how), or correct the path", r.err().strip());
    }

    @Test
    void anUnknownKeyIsReportedOnItsOwnLineWithTheKeyItResembles() throws Exception {
        String yaml = GOOD.replace("  bindDn: svc-kcdaudit@contoso.com", "  bindDN: svc-kcdaudit@contoso.com");
        int line = yaml.lines().takeWhile(l -> !l.contains("bindDN")).toList().size() + 1;
        CliRun r = runWith(yaml);
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().startsWith("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":" + line
                + ": directory.bindDN: unknown key 'bindDN'; did you mean 'bindDn'? (known: "), r.err());
        CliRun nested = runWith(GOOD.replace("    nodes: [HV01, HV02, HV03]", "    nodes: [HV01, HV02, HV03]\n    oU: x"));
        int nestedLine = GOOD.lines().takeWhile(l -> !l.contains("nodes: [HV01")).toList().size() + 2;
        assertTrue(nested.err().contains(".yaml:" + nestedLine + ": clusters[0].oU: unknown key 'oU'; did you mean 'ou'?"),
                nested.err());
        // a letter or two away, not only another case: clusters written as cluster, passwordEnv as passwordEmv
        CliRun singular = runWith(GOOD.replace("clusters:", "cluster:"));
        assertTrue(singular.err().contains(": cluster: unknown key 'cluster'; did you mean 'clusters'?"), singular.err());
        CliRun typo = runWith(GOOD.replace("passwordEnv:", "passwordEmv:"));
        assertTrue(typo.err().contains("unknown key 'passwordEmv'; did you mean 'passwordEnv'?"), typo.err());
    }

    @Test
    void anOutputFolderThatCannotBeMadeFailsBeforeTheDirectoryIsRead() throws Exception {
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, GOOD);
        Path notAFolder = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun r = CliRun.run(Map.of("KCD_AUDIT_LDAP_PASSWORD", "pw"), "run", "--config", file.toString(), "--out",
                notAFolder.resolve("reports").toString());
        assertEquals(1, r.exitCode(), r.toString());
        assertEquals("kcd-audit: cannot write output: " + notAFolder.resolve("reports") + ": Not a directory — give a"
                + " folder this account may write and that has free space: --out DIR, or reports.dir in " + file,
                r.err().strip(), "named before dc1.contoso.com is ever contacted");
    }

    @Test
    void aTabOrAnEmptyFileIsOneLineSayingWhere() throws Exception {
        CliRun tab = runWith("directory:\n\turl: ldaps://dc1\n");
        assertEquals(2, tab.exitCode(), tab.toString());
        assertEquals(1, tab.err().strip().lines().count(), tab.err());
        assertTrue(tab.err().contains("kcd-audit.yaml:2: not valid YAML: while scanning for the next token; found character"
                + " '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for indentation)"), tab.err());
        CliRun empty = runWith("\n");
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ": the file is empty (copy "
                + Path.of("config/kcd-audit.example.yaml").toAbsolutePath().normalize() + " and edit it)",
                empty.err().strip());
    }

    /**
     * {@code bindDn: "CONTOSO\administrator"}: in double quotes YAML reads {@code \a} as the bell character, and
     * the bind then failed as "CONTOSOdministrator refused: wrong password"; {@code \A} is no escape at all.
     */
    @Test
    void aDownLevelNameInDoubleQuotesSaysHowToQuoteIt() throws Exception {
        CliRun bell = runWith(GOOD.replace("  bindDn: svc-kcdaudit@contoso.com", "  bindDn: \"CONTOSO\\administrator\""));
        assertEquals(2, bell.exitCode(), bell.toString());
        assertTrue(bell.err().contains("directory.bindDn: holds the control character \\u0007 where YAML read a"
                + " backslash in double quotes as an escape — write CONTOSO\\name without quotes or in single quotes"),
                bell.err());
        assertEquals(1, bell.err().strip().lines().count(), bell.err());
        CliRun unknown = runWith(GOOD.replace("  bindDn: svc-kcdaudit@contoso.com",
                "  bindDn: \"CONTOSO\\Administrator\""));
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("found unknown escape character A(65) — in double quotes a backslash starts an"
                + " escape: write CONTOSO\\name without quotes or in single quotes"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
        // \P, \L, \N and \_ are YAML escapes too, of characters that are no ISO control characters
        CliRun paragraph = runWith(GOOD.replace("  bindDn: svc-kcdaudit@contoso.com", "  bindDn: \"CONTOSO\\Peter\""));
        assertEquals(2, paragraph.exitCode(), paragraph.toString());
        assertTrue(paragraph.err().contains("directory.bindDn: holds the character \\u2029 where YAML read a"
                + " backslash in double quotes as an escape"), paragraph.err());
    }

    @Test
    void syntaxErrorsCarryTheLine() throws Exception {
        CliRun r = runWith(GOOD.replace("  bindDn: svc-kcdaudit@contoso.com", "  bindDn: [unclosed"));
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().matches("(?s)kcd-audit: .*kcd-audit\\.yaml:\\d+: .*"), r.err());
    }

    @Test
    void aSyntaxErrorInsideAMappingSaysWhatIsWrongNotOnlyWhereItStarted() throws Exception {
        CliRun quote = runWith(GOOD.replace("url: ldaps://dc1.contoso.com:636", "url: \"ldaps://dc1.contoso.com:636"));
        assertEquals(2, quote.exitCode(), quote.toString());
        assertEquals(1, quote.err().strip().lines().count(), quote.err());
        int end = GOOD.lines().toList().size() + 1;
        assertTrue(quote.err().contains("kcd-audit.yaml:" + end + ": not valid YAML: while scanning a quoted scalar"
                + " (from line 2, column 8); found unexpected end of stream (check the quotes, brackets and"
                + " indentation)"), quote.err());
        CliRun flow = runWith(GOOD.replace("nodes: [HV01, HV02, HV03]", "nodes: [HV01, HV02, HV03") );
        assertTrue(flow.err().contains("kcd-audit.yaml:9: not valid YAML: while parsing a flow sequence (from line 8,"
                + " column 12); expected ',' or ']'"), flow.err());
    }

    /**
     * Values of the wrong type are all named at once, as values refused after reading are, each with the value given
     * (escaped and cut short): the binding stopped at the first, without its value, so an admin fixed them one run at a
     * time. A key that may hold a secret never has its value repeated.
     */
    @Test
    void wrongTypesAreNamedTogetherWithTheirValues() throws Exception {
        String long40 = "x".repeat(100);
        CliRun r = refused("  baseDn: DC=contoso,DC=com", "  baseDn: DC=contoso,DC=com\n  pageSize: many\n"
                + "  timeoutSeconds: [30]\n  allowInsecureBind: \"yes\\ttoo\"\n  passwordFile: [Winter2026!]\n"
                + "  trustStore: {a: 1}\n  startTls: " + long40);
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":6: directory.pageSize: wrong type"
                + " (expected a whole number, got 'many') (and 5 more problems: directory.timeoutSeconds: wrong type"
                + " (expected a whole number, got a list); directory.allowInsecureBind: wrong type (expected true or"
                + " false, got 'yes\\u0009too'); directory.passwordFile: wrong type (expected a text value; the value"
                + " is not shown: the key may hold a secret); and 2 more)"), err);
        assertFalse(err.contains("Winter2026!"), err);

        // the last named, beside the first: a long value cut short, and items after a removed one at their own index
        r = refused("  baseDn: DC=contoso,DC=com", "  baseDn: DC=contoso,DC=com\n  pageSize: many\n  startTls: "
                + long40);
        assertTrue(r.err().strip().endsWith("(and 1 more problem: directory.startTls: wrong type (expected true or"
                + " false, got '" + "x".repeat(40) + "…'))"), r.err());
        r = refused("nodes: [HV01, HV02, HV03]", "nodes: [HV01, {a: 1}, HV03, [HV04], HV05]");
        assertTrue(r.err().strip().endsWith(":8: clusters[0].nodes[1]: wrong type (expected a text value, got a"
                + " mapping) (and 1 more problem: clusters[0].nodes[3]: wrong type (expected a text value, got a list))"),
                r.err());
    }

    /**
     * A flow opened on a key whose value must be a mapping, and never closed ({@code directory: [}), is the syntax error
     * it is, at the line where SnakeYAML finds it and the line where the flow began: Jackson bound the '[' it had read
     * and said "directory: wrong type (expected a mapping of keys)", which sent the reader to the wrong fix.
     */
    @Test
    void anUnclosedFlowIsASyntaxErrorNotAWrongType() throws Exception {
        CliRun list = refused("directory:\n  url: ldaps://dc1.contoso.com:636", "directory: [\n  url: ldaps://dc1.contoso.com:636");
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":3: not valid YAML: while parsing a flow"
                + " sequence (from line 1, column 12); expected ',' or ']', but got : (check the quotes, brackets and"
                + " indentation)", list.err().strip());
        CliRun alone = runWith("directory: [\n");
        assertEquals(2, alone.exitCode(), alone.toString());
        assertTrue(alone.err().contains("kcd-audit.yaml:2: not valid YAML: while parsing a flow node (from line 2,"
                + " column 1); expected the node content, but found '<stream end>'"), alone.err());
    }

    /**
     * A tab that starts a line is placed at that line, not at the end of the one before, and without the key path
     * Jackson had got to (after a list of three, clusters[0].nodes[3], which does not exist).
     */
    @Test
    void aTabAfterAListIsPlacedAtItsOwnLine() throws Exception {
        CliRun r = runWith(GOOD.replace("    nodes: [HV01, HV02, HV03]\n", "    nodes: [HV01, HV02, HV03]\n\tou: x\n"));
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kcd-audit: " + tmp.resolve("kcd-audit.yaml") + ":9: not valid YAML: while scanning for the next"
                + " token; found character '\\t(TAB)' that cannot start any token. (Do not use \\t(TAB) for"
                + " indentation) (check the quotes, brackets and indentation)", r.err().strip());
    }

    @Test
    void theShippedExampleIsValid() {
        AuditConfig c = ConfigLoader.load(Path.of("config/kcd-audit.example.yaml"));
        assertEquals(2, c.clusters().size());
        assertEquals(ProtocolTransition.EITHER, c.policy().protocolTransition());
        assertTrue(c.resolve(c.reports().dir()).endsWith("reports"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, CliRun.run(Map.of(), "run").exitCode());
        assertEquals(2, CliRun.run(Map.of(), "frobnicate").exitCode());
        CliRun badFailOn = CliRun.run(Map.of(), "demo", "--fail-on", "sometimes", "--out", tmp.toString());
        assertEquals(2, badFailOn.exitCode(), badFailOn.toString());
        assertTrue(badFailOn.err().contains("--fail-on"), badFailOn.err());
    }
}
