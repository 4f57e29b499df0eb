package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.Attribute;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
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
 * {@code directory.baseDn} below the domain (the nodes' OU, a common config): a node's delegation entry naming a host
 * outside it is judged by that host as the domain holds it, not as if it did not exist. An entry naming a domain
 * controller is DELEGATION_TO_SENSITIVE_TARGET (HIGH), not a LOW STALE_DELEGATION "no computer named dc1 exists", and
 * one naming an existing host in another OU is not scripted for removal as if that host were gone. Likewise another
 * holder of a node's SPN outside it is the duplicate it is.
 */
class NarrowBaseDnTest {
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String HV01 = "CN=HV01,OU=Hyper-V," + TestDirectory.BASE;

    @TempDir
    Path tmp;
    InMemoryDirectoryServer ds;

    @BeforeEach
    void directory() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        populate();
    }

    private void populate() throws Exception {
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        ds.add(new Entry("dn: OU=Domain Controllers," + TestDirectory.BASE, "objectClass: organizationalUnit",
                "ou: Domain Controllers"));
        ds.add(new Entry("dn: CN=DC1,OU=Domain Controllers," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "cn: DC1", "sAMAccountName: DC1$",
                "dNSHostName: dc1.contoso.com", "userAccountControl: 532480", "servicePrincipalName: HOST/DC1",
                "servicePrincipalName: HOST/dc1.contoso.com", "servicePrincipalName: ldap/dc1.contoso.com"));
        ds.add(new Entry("dn: CN=FS01,OU=Workstations," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "cn: FS01", "sAMAccountName: FS01$",
                "dNSHostName: fs01.contoso.com", "userAccountControl: 4096", "servicePrincipalName: HOST/FS01",
                "servicePrincipalName: HOST/fs01.contoso.com"));
        // a renamed computer (cn is not its name) outside the OU, named by its NetBIOS name
        ds.add(new Entry("dn: CN=old-name,OU=Workstations," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "cn: old-name", "sAMAccountName: HV09$",
                "dNSHostName: hv09.contoso.com", "userAccountControl: 4096", "servicePrincipalName: HOST/HV09",
                "servicePrincipalName: HOST/hv09.contoso.com"));
        ds.modify(HV01, new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/dc1.contoso.com",
                "cifs/FS01", "cifs/hv09", "cifs/gone.contoso.com", "cifs/*)(cn=*"));
    }

    @AfterEach
    void stop() {
        ds.shutDown(true);
    }

    /** The exit code, then "rule host peer spn targetExists" of the findings about unexpected entries, sorted. */
    private List<String> findings(String baseDn, String out) throws Exception {
        return findings(baseDn, out, "HV01, HV02, HV03", "STALE_DELEGATION", "DELEGATION_TO_SENSITIVE_TARGET");
    }

    private List<String> findings(String baseDn, String out, String nodes, String... rules) throws Exception {
        return findingsWith(baseDn, out, nodes, "", rules);
    }

    /** As {@link #findings(String, String, String, String...)}, with {@code fileServers} (a YAML list's items) if any. */
    private List<String> findingsWith(String baseDn, String out, String nodes, String fileServers, String... rules)
            throws Exception {
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + baseDn
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n"
                + "    nodes: [" + nodes + "]\n" + (fileServers.isEmpty() ? "" : "    fileServers: [" + fileServers + "]\n")
                + "policy:\n  protocolTransition: any\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve(out).toString(),
                "--formats", "json");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve(out));
        List<String> got = new ArrayList<>();
        for (JsonNode f : doc.path("findings")) {
            String rule = f.path("rule").asText();
            if (List.of(rules).contains(rule)) {
                got.add(rule + " " + f.path("host").asText() + " " + f.path("peer").asText() + " "
                        + f.path("spn").asText() + " " + f.path("evidence").path("targetExists").asText());
            }
        }
        got.sort(null);
        got.add(0, "exit " + r.exitCode());
        return got;
    }

    @Test
    void entriesNamingHostsOutsideTheOuAreJudgedAsWithTheDomainsDn() throws Exception {
        List<String> domainWide = findings(TestDirectory.BASE, "domain");
        assertEquals(List.of("exit 3",
                "DELEGATION_TO_SENSITIVE_TARGET HV01 DC1 cifs/dc1.contoso.com true",
                "STALE_DELEGATION HV01 *)(CN=* cifs/*)(cn=* false",
                "STALE_DELEGATION HV01 FS01 cifs/FS01 true",
                "STALE_DELEGATION HV01 GONE cifs/gone.contoso.com false",
                "STALE_DELEGATION HV01 old-name cifs/hv09 true"), domainWide);
        assertEquals(domainWide, findings("OU=Hyper-V," + TestDirectory.BASE, "ou"));
    }

    /** A host outside the base DN is looked up as a delegation target only: named as a node, it is still not found. */
    @Test
    void aConfiguredNodeOutsideTheOuIsNotFoundAlthoughANodeDelegatesToIt() throws Exception {
        assertEquals(List.of("exit 3", "HOST_NOT_FOUND HV09   "), findings("OU=Hyper-V," + TestDirectory.BASE,
                "ou", "HV01, HV02, HV03, HV09", "HOST_NOT_FOUND"));
    }

    /**
     * A group managed service account in {@code CN=Managed Service Accounts} (a computer subclass, outside the OU)
     * registering a node's migration SPN is its other holder, read with the OU as with the domain's DN.
     */
    @Test
    void aGroupManagedServiceAccountOutsideTheOuHoldingANodesSpnIsItsDuplicate() throws Exception {
        ds.add(new Entry("dn: CN=Managed Service Accounts," + TestDirectory.BASE, "objectClass: container",
                "cn: Managed Service Accounts"));
        ds.add(new Entry("dn: CN=gmsa-mig,CN=Managed Service Accounts," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "objectClass: msDS-GroupManagedServiceAccount",
                "cn: gmsa-mig", "sAMAccountName: gmsa-mig$", "userAccountControl: 4096",
                "servicePrincipalName: " + Hosts.MIG + "/HV03"));
        String[] rules = {"DUPLICATE_SPN", "HOST_NOT_FOUND"};
        List<String> domainWide = findings(TestDirectory.BASE, "domain", "HV01, HV02, HV03", rules);
        assertEquals(List.of("exit 3", "DUPLICATE_SPN HV03  " + Hosts.MIG + "/HV03 "), domainWide);
        assertEquals(domainWide, findings("OU=Hyper-V," + TestDirectory.BASE, "ou", "HV01, HV02, HV03", rules));
    }

    /**
     * A file server in the OU registering no SPN of its own (a NAS keyed with ktpass -mapuser) whose cifs SPNs a user
     * outside the OU registers (svc-nas in CN=Users): the lookup outside the OU asks for each selected host's cifs/ and
     * HOST/ names, file servers included, so svc-nas is found and the pairs into NAS01 read as keyed on it (INFO, served),
     * as with the domain's DN, not as unregistered (HIGH).
     */
    @Test
    void aServiceAccountOutsideTheOuAFileServerWithNoSpnIsKeyedOnIsFound() throws Exception {
        String nas = TestDirectory.addFileServer(ds, "NAS01", Hosts.DOMAIN_SID + "-3000");
        ds.modify(nas, new Modification(ModificationType.DELETE, "servicePrincipalName"));
        for (String n : List.of("HV01", "HV02", "HV03")) {
            ds.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/NAS01", "cifs/nas01.contoso.com"));
        }
        ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        ds.add(new Entry("dn: CN=svc-nas,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas", "userAccountControl: 66048",
                "servicePrincipalName: cifs/NAS01", "servicePrincipalName: cifs/nas01.contoso.com"));
        String[] rules = {"TARGET_SPN_NOT_REGISTERED", "DUPLICATE_SPN", "HOST_NOT_FOUND"};
        List<String> domainWide = findingsWith(TestDirectory.BASE, "domain", "HV01, HV02, HV03", "NAS01", rules);
        assertEquals(domainWide, findingsWith("OU=Hyper-V," + TestDirectory.BASE, "ou", "HV01, HV02, HV03", "NAS01",
                rules));
        List<JsonNode> keyed = new ArrayList<>();
        CliRun.findings(tmp.resolve("ou")).path("findings").forEach(f -> {
            if (f.path("rule").asText().equals("TARGET_SPN_NOT_REGISTERED")) {
                keyed.add(f);
            }
        });
        assertEquals(2, keyed.size(), keyed.toString());
        assertTrue(keyed.stream().allMatch(f -> f.path("severity").asText().equals("INFO")
                && f.path("host").asText().equals("NAS01")
                && f.path("message").asText().contains("the KDC issues its tickets in svc-nas's keys")), keyed.toString());
    }

    /**
     * A configured node outside the OU that registers another node's SPN is read as that SPN's other holder, and still
     * not taken for the node it is named as.
     */
    @Test
    void aConfiguredNodeOutsideTheOuHoldingANodesSpnIsAHolderAndStillNotFound() throws Exception {
        ds.modify("CN=old-name,OU=Workstations," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                "servicePrincipalName", "HOST/hv01.contoso.com"));
        assertEquals(List.of("exit 3", "DUPLICATE_SPN HV01  HOST/hv01.contoso.com ", "HOST_NOT_FOUND HV09   "),
                findings("OU=Hyper-V," + TestDirectory.BASE, "ou", "HV01, HV02, HV03, HV09", "HOST_NOT_FOUND",
                        "DUPLICATE_SPN"));
    }

    /** A service account outside the OU registering a node's SPN (or the cifs/X a pair asks for) is its duplicate. */
    @Test
    void aDuplicateOfANodesSpnOutsideTheOuIsSeenAsWithTheDomainsDn() throws Exception {
        ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        ds.add(new Entry("dn: CN=svc-mig,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-mig", "sAMAccountName: svc-mig", "userAccountControl: 512",
                "servicePrincipalName: " + Hosts.MIG + "/hv02.contoso.com.", "servicePrincipalName: cifs/HV03"));
        String[] rules = {"DUPLICATE_SPN", "TARGET_SPN_NOT_REGISTERED"};
        List<String> domainWide = findings(TestDirectory.BASE, "domain", "HV01, HV02, HV03", rules);
        assertEquals(List.of("exit 3", "DUPLICATE_SPN HV02  " + Hosts.MIG + "/hv02.contoso.com ",
                "TARGET_SPN_NOT_REGISTERED HV03  cifs/HV03 "), domainWide);
        assertEquals(domainWide, findings("OU=Hyper-V," + TestDirectory.BASE, "ou", "HV01, HV02, HV03", rules));
    }

    /**
     * HV02 registering its migration SPN nowhere and a service account outside the OU registering it: with the
     * domain's DN, TARGET_SPN_NOT_REGISTERED names that account (its decision takes the SPN off it before registering
     * it on HV02, which a DC refuses while the account holds it); with the OU it read "no object registers it", since
     * the holders outside were looked up for the SPNs the nodes register only, not for those the pairs ask for.
     */
    @Test
    void aHolderOutsideTheOuOfAnSpnANodeLacksIsNamedAsWithTheDomainsDn() throws Exception {
        ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "servicePrincipalName", Hosts.MIG + "/hv02.contoso.com"));
        ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        ds.add(new Entry("dn: CN=svc-mig,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-mig", "sAMAccountName: svc-mig", "userAccountControl: 512",
                "servicePrincipalName: " + Hosts.MIG + "/hv02.contoso.com."));
        List<String> holders = new ArrayList<>();
        for (String[] read : new String[][]{{TestDirectory.BASE, "domain"},
                {"OU=Hyper-V," + TestDirectory.BASE, "ou"}}) {
            assertEquals(List.of("exit 3", "TARGET_SPN_NOT_REGISTERED HV02  " + Hosts.MIG + "/hv02.contoso.com "),
                    findings(read[0], read[1], "HV01, HV02, HV03", "TARGET_SPN_NOT_REGISTERED"));
            for (JsonNode f : CliRun.findings(tmp.resolve(read[1])).path("findings")) {
                if (f.path("rule").asText().equals("TARGET_SPN_NOT_REGISTERED")) {
                    holders.add(read[1] + " " + f.path("evidence").path("holders").path(0).path("dn").asText());
                }
            }
        }
        assertEquals(List.of("domain CN=svc-mig,CN=Users," + TestDirectory.BASE,
                "ou CN=svc-mig,CN=Users," + TestDirectory.BASE), holders);
    }

    /**
     * The same for the {@code cifs/HV02} a node migrating over SMB needs although policy.services leaves cifs out (its
     * Get-VMHost export): HV02 registering neither it nor HOST/HV02, and a service account outside the OU registering
     * it, TARGET_SPN_NOT_REGISTERED names that account with the OU as with the domain's DN. The collector reads the
     * export only after the directory, so it looks cifs up whatever policy.services says (as the DC check does); before,
     * with the OU, the finding read "no object registers it" and proposed registering the SPN on HV02, which a DC
     * refuses while the account holds it.
     */
    @Test
    void aHolderOutsideTheOuOfTheCifsSpnAnSmbNodeNeedsIsNamedAsWithTheDomainsDn() throws Exception {
        ds.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "servicePrincipalName", "HOST/HV02", "HOST/hv02.contoso.com"));
        ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        ds.add(new Entry("dn: CN=svc-smb,CN=Users," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-smb", "sAMAccountName: svc-smb", "userAccountControl: 512",
                "servicePrincipalName: cifs/HV02"));
        Files.writeString(tmp.resolve("vmhost.csv"), "\"ComputerName\",\"VirtualMachineMigrationPerformanceOption\"\n"
                + "\"HV01\",\"SMB\"\n");
        List<String> got = new ArrayList<>();
        for (String[] read : new String[][]{{TestDirectory.BASE, "domain"},
                {"OU=Hyper-V," + TestDirectory.BASE, "ou"}}) {
            Path cfg = tmp.resolve("kcd-audit.yaml");
            Files.writeString(cfg, "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort() + "\n  bindDn: "
                    + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + read[0]
                    + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n"
                    + "    nodes: [HV01, HV02, HV03]\npolicy:\n  services: ['" + Hosts.MIG + "']\n"
                    + "hostSettings:\n  sources: [vmhost.csv]\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
            CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve(read[1]).toString(),
                    "--formats", "json");
            assertEquals(3, r.exitCode(), r.toString());
            for (JsonNode f : CliRun.findings(tmp.resolve(read[1])).path("findings")) {
                if (f.path("rule").asText().equals("TARGET_SPN_NOT_REGISTERED")) {
                    got.add(read[1] + " " + f.path("spn").asText() + " "
                            + f.path("evidence").path("holders").path(0).path("dn").asText());
                    assertTrue(f.path("message").asText().contains("It matters because HV01 migrates over SMB"),
                            f.toString());
                }
            }
        }
        assertEquals(List.of("domain cifs/HV02 CN=svc-smb,CN=Users," + TestDirectory.BASE,
                "domain cifs/hv02.contoso.com ", "ou cifs/HV02 CN=svc-smb,CN=Users," + TestDirectory.BASE,
                "ou cifs/hv02.contoso.com "), got);
    }

    /**
     * A computer outside the OU that a cluster would take for a node by one of its names (here the cn of a stale
     * object in {@code CN=Computers} whose account was renamed) and that registers a node's SPN is still that SPN's
     * other holder: the KDC finds both and refuses the ticket. Left out as a would-be node, it hid the duplicate and
     * the pairs into HV02 read OK.
     */
    @Test
    void aComputerOutsideTheOuNamedLikeANodeStillHoldsItsSpn() throws Exception {
        ds.add(new Entry("dn: CN=Computers," + TestDirectory.BASE, "objectClass: container", "cn: Computers"));
        ds.add(new Entry("dn: CN=HV02,CN=Computers," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "objectClass: computer", "cn: HV02", "sAMAccountName: HV02-OLD$", "userAccountControl: 4096",
                "servicePrincipalName: " + Hosts.MIG + "/hv02.contoso.com"));
        String[] rules = {"DUPLICATE_SPN", "HOST_NOT_FOUND"};
        List<String> domainWide = findings(TestDirectory.BASE, "domain", "HV01, HV02, HV03", rules);
        List<String> narrow = findings("OU=Hyper-V," + TestDirectory.BASE, "ou", "HV01, HV02, HV03", rules);
        assertEquals(List.of("exit 3", "DUPLICATE_SPN HV02  " + Hosts.MIG + "/hv02.contoso.com "), domainWide);
        assertEquals(domainWide, narrow);
    }

    /**
     * An object inside the OU whose SPN names a host outside it (a SQL service account's {@code MSSQLSvc/fs01…}, a
     * leftover {@code HOST/dc1…} of the DC) does not make that host known: the entries are still judged by the
     * computers FS01 and DC1 outside.
     */
    @Test
    void anSpnInsideTheOuNamingAHostOutsideItDoesNotHideThatHost() throws Exception {
        ds.add(new Entry("dn: CN=svc-sql,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top", "objectClass: user",
                "cn: svc-sql", "sAMAccountName: svc-sql", "userAccountControl: 512",
                "servicePrincipalName: MSSQLSvc/FS01:1433", "servicePrincipalName: HOST/dc1.contoso.com"));
        assertEquals(findings(TestDirectory.BASE, "domain"), findings("OU=Hyper-V," + TestDirectory.BASE, "ou"));
    }

    /**
     * A node evicted and moved out of the OU (to a decommissioned OU, or left in {@code CN=Computers}) that still holds
     * its entries to the nodes, once the nodes' entries to it are gone: with them it can still act for users towards
     * the nodes, so it is the LOW STALE_DELEGATION decision it is with the domain's DN. A disabled one gets no ticket to
     * delegate with, and one that delegates to no node is none of the audit's business.
     */
    @Test
    void anEvictedNodeOutsideTheOuStillDelegatingToTheNodesIsStaleAsWithTheDomainsDn() throws Exception {
        ds.add(new Entry("dn: OU=Decommissioned," + TestDirectory.BASE, "objectClass: organizationalUnit",
                "ou: Decommissioned"));
        ds.add(new Entry("dn: CN=Computers," + TestDirectory.BASE, "objectClass: container", "cn: Computers"));
        evicted("CN=HV04,OU=Decommissioned," + TestDirectory.BASE, "HV04", 4096, Hosts.MIG + "/HV01",
                "cifs/hv02.contoso.com");
        evicted("CN=HV05,CN=Computers," + TestDirectory.BASE, "HV05", 4096 | 0x1000000, "cifs/HV03");
        evicted("CN=HV06,OU=Decommissioned," + TestDirectory.BASE, "HV06", 4096 | 2, "cifs/HV01");
        evicted("CN=APP01,CN=Computers," + TestDirectory.BASE, "APP01", 4096, "cifs/FS01");
        List<String> domainWide = findings(TestDirectory.BASE, "domain");
        assertTrue(domainWide.containsAll(List.of("STALE_DELEGATION HV04 HV01 " + Hosts.MIG + "/HV01 true",
                "STALE_DELEGATION HV04 HV02 cifs/hv02.contoso.com true", "STALE_DELEGATION HV05 HV03 cifs/HV03 true")),
                domainWide.toString());
        assertEquals(domainWide, findings("OU=Hyper-V," + TestDirectory.BASE, "ou"));
    }

    /**
     * An evicted node outside the OU whose account name holds a filter's special characters ({@code * ( ) \\}, a
     * {@code |}, a NUL): it is looked up by that name as an escaped equality term, so it is found and judged as with
     * the domain's DN, and the name neither breaks the search nor widens it.
     */
    @Test
    void anEvictedNodeOutsideTheOuWithFilterCharactersInItsAccountNameIsLookedUpByThatNameExactly() throws Exception {
        ds.add(new Entry("dn: OU=Decommissioned," + TestDirectory.BASE, "objectClass: organizationalUnit",
                "ou: Decommissioned"));
        Entry e = new Entry("dn: CN=HV07,OU=Decommissioned," + TestDirectory.BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "cn: HV07", "dNSHostName: hv07.contoso.com",
                "userAccountControl: 4096", "servicePrincipalName: HOST/HV07");
        e.addAttribute("sAMAccountName", "HV0*)(|(cn=*)\\\u0000'\u2019$");
        e.addAttribute("msDS-AllowedToDelegateTo", "cifs/HV01");
        ds.add(e);
        List<String> domainWide = findings(TestDirectory.BASE, "domain");
        assertTrue(domainWide.contains("STALE_DELEGATION HV07 HV01 cifs/HV01 true"), domainWide.toString());
        assertEquals(domainWide, findings("OU=Hyper-V," + TestDirectory.BASE, "ou"));
    }

    /** A computer at {@code dn} named {@code name}, with {@code uac}, delegating to {@code entries}. */
    private void evicted(String dn, String name, int uac, String... entries) throws Exception {
        Entry e = new Entry("dn: " + dn, "objectClass: top", "objectClass: user", "objectClass: computer",
                "cn: " + name, "sAMAccountName: " + name + "$", "dNSHostName: " + name.toLowerCase() + ".contoso.com",
                "userAccountControl: " + uac, "servicePrincipalName: HOST/" + name);
        e.addAttribute("msDS-AllowedToDelegateTo", entries);
        ds.add(e);
    }

    /** A lookup outside the OU that the server refuses fails the run with one line, as any other read does. */
    @Test
    void aRefusedLookupOutsideTheOuFailsTheRunWithOneLine() throws Exception {
        ds.shutDown(true);
        ds = TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, List.of(new Attribute("dnsHostName",
                "dc1.contoso.com"), new Attribute("defaultNamingContext", TestDirectory.BASE)),
                new InMemoryOperationInterceptor() {
                    @Override
                    public void processSearchRequest(InMemoryInterceptedSearchRequest request) throws LDAPException {
                        if (request.getRequest().getBaseDN().equalsIgnoreCase(TestDirectory.BASE)
                                && request.getRequest().getFilter().toString().contains("sAMAccountName")) {
                            throw new LDAPException(ResultCode.UNWILLING_TO_PERFORM, "not here");
                        }
                    }
                });
        populate();
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), List.of("HV01", "HV02", "HV03"),
                "allowInsecureBind: true");
        Files.writeString(cfg, Files.readString(cfg).replace("baseDn: " + TestDirectory.BASE,
                "baseDn: OU=Hyper-V," + TestDirectory.BASE));
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("looking up the objects outside the base DN that the nodes delegate to or that"
                + " hold their SPNs, under DC=contoso,DC=com failed: 53 (unwilling to perform) (not here)"), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }
}
