package org.kcdauditor.directory;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.AuditConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.rules.RuleCatalogue;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;
import org.kcdauditor.support.TestDirectory.Mode;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Nodes whose cn, sAMAccountName and dNSHostName disagree, as real estates have them: a computer renamed
 * ({@code Rename-Computer}: its sAMAccountName, dNSHostName and SPNs change, its cn stays), one pre-staged in ADUC
 * under its long DNS name (the pre-Windows 2000 name cut to 15 characters), and one joined under a host name longer
 * than 15 characters (cn and sAMAccountName are the 15-character NetBIOS name, the dNSHostName the whole name). The
 * audit must know each by the names Windows registers its SPNs under: the sAMAccountName without {@code $} for the
 * short form, the dNSHostName for the FQDN.
 */
class DisagreeingNamesTest {
    static final String BASE = TestDirectory.BASE;

    @TempDir
    Path tmp;

    /**
     * A node {@code CN=<cn>} whose account is {@code <netbios>$} and dNSHostName {@code dns}, registering HOST and the
     * migration service under those two names, delegating both services in both forms to HV90.
     */
    private static void node(InMemoryDirectoryServer ds, String cn, String netbios, String dns, int rid)
            throws Exception {
        List<String> lines = new ArrayList<>(List.of("dn: CN=" + cn + ",OU=Hyper-V," + BASE, "objectClass: top",
                "objectClass: user", "objectClass: computer", "cn: " + cn, "sAMAccountName: " + netbios + "$",
                "dNSHostName: " + dns, "userAccountControl: " + (0x1000 | 0x1000000),
                "operatingSystem: Windows Server 2022 Datacenter", "operatingSystemVersion: 10.0 (20348)"));
        for (String s : List.of("HOST", Hosts.MIG)) {
            lines.add("servicePrincipalName: " + s + "/" + netbios);
            lines.add("servicePrincipalName: " + s + "/" + dns);
        }
        for (String s : List.of(Hosts.MIG, "cifs")) {
            lines.add("msDS-AllowedToDelegateTo: " + s + "/HV90");
            lines.add("msDS-AllowedToDelegateTo: " + s + "/hv90.contoso.com");
        }
        Entry e = new Entry(lines.toArray(String[]::new));
        e.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-" + rid));
        ds.add(e);
    }

    /** HV90's entries towards the node of NetBIOS name {@code netbios} and FQDN {@code dns}, both services. */
    private static void hv90DelegatesTo(InMemoryDirectoryServer ds, String netbios, String dns) throws Exception {
        for (String s : List.of(Hosts.MIG, "cifs")) {
            for (String h : List.of(netbios, dns)) {
                ds.modify("CN=HV90,OU=Hyper-V," + BASE, new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.ADD, "msDS-AllowedToDelegateTo", s + "/" + h));
            }
        }
    }

    /** Reads the directory as a run does and evaluates the catalogue over it, the cluster naming {@code nodes}. */
    private AuditResult audit(InMemoryDirectoryServer ds, List<String> nodes) throws Exception {
        AuditConfig config = ConfigLoader.load(TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(),
                nodes, "allowInsecureBind: true"));
        Snapshot s;
        try (LDAPConnection c = new LDAPConnection("127.0.0.1", ds.getListenPort(), TestDirectory.BIND_DN,
                TestDirectory.PASSWORD)) {
            s = new DirectoryCollector(config, Clock.systemUTC()).collect(c, n -> { });
        }
        return new Auditor(RuleCatalogue.standard()).evaluate(s, config.clusters(), config.policy());
    }

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /**
     * A retired computer object still carries a copy of the node's NetBIOS-form migration SPN. The SPN is the node's
     * own (its sAMAccountName without $ is its host part), so the fix takes the copy off the other object, scripted,
     * as for any node; it used to be a decision whose text said the SPN "does not name" the node, because only the
     * node's cn (the old name, or the long pre-staged name) was compared.
     */
    @Test
    void aCopyOfTheNetbiosFormSpnOfANodeWhoseCnDiffersIsTakenOffTheOtherObject() throws Exception {
        // renamed HV07 -> HV02 (cn kept), and pre-staged as hyperv-prod-node03 (account cut to 15 characters)
        for (String[] n : new String[][]{{"HV07", "HV02", "hv02.contoso.com"},
                {"hyperv-prod-node03", "HYPERV-PROD-NOD", "hyperv-prod-node03.contoso.com"}}) {
            InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
            try {
                TestDirectory.addCluster(ds, List.of("HV90"));
                node(ds, n[0], n[1], n[2], 2990);
                hv90DelegatesTo(ds, n[1], n[2]);
                String spn = Hosts.MIG + "/" + n[1];
                Entry old = new Entry("dn: CN=OLDSVC,OU=Hyper-V," + BASE, "objectClass: top", "objectClass: user",
                        "objectClass: computer", "cn: OLDSVC", "sAMAccountName: OLDSVC$",
                        "dNSHostName: oldsvc.contoso.com", "userAccountControl: 4096",
                        "servicePrincipalName: HOST/oldsvc.contoso.com", "servicePrincipalName: " + spn);
                old.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-2991"));
                ds.add(old);
                AuditResult r = audit(ds, List.of("HV90", n[1]));
                List<Finding> d = of(r, "DUPLICATE_SPN");
                assertEquals(1, d.size(), r.findings().toString());
                assertEquals(n[0], d.get(0).host());
                assertEquals(List.of(new Action.UnregisterSpn("OLDSVC", "OLDSVC$", "CN=OLDSVC,OU=Hyper-V," + BASE, spn,
                        null)), d.get(0).actions(), d.get(0).toString());
                assertFalse(d.get(0).remediation().contains("does not name"), d.get(0).remediation());
            } finally {
                ds.shutDown(true);
            }
        }
    }

    /**
     * A host joined as {@code hyperv-prod-node03}: Windows makes its account {@code HYPERV-PROD-NOD$} (the NetBIOS
     * name, cut to 15 characters) and its cn that, while its dNSHostName, its cluster node name and {@code hostname}
     * say hyperv-prod-node03. Configured by that host name it was HOST_NOT_FOUND, its pairs unchecked, and every entry
     * naming it a STALE_DELEGATION; it is the node, and its entries are checked under the names it registers. A host
     * name two computers share (in two DNS suffixes) names neither.
     */
    @Test
    void aNodeConfiguredByAHostNameLongerThanItsNetbiosNameIsFound() throws Exception {
        String dns = "hyperv-prod-node03.contoso.com";
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(ds, List.of("HV90"));
            node(ds, "HYPERV-PROD-NOD", "HYPERV-PROD-NOD", dns, 2990);
            hv90DelegatesTo(ds, "HYPERV-PROD-NOD", dns);
            AuditResult r = audit(ds, List.of("HV90", "hyperv-prod-node03"));
            assertEquals(List.of(), r.findings(), "a healthy pair both ways");
            assertEquals(List.of("HV90", "HYPERV-PROD-NOD"), r.context().clusters().get(0).nodes().stream()
                    .map(AdObject::name).toList());
            assertEquals(2, r.pairs());

            // another computer whose host name is the same in another DNS suffix: the name is no longer one computer's
            Entry other = new Entry("dn: CN=HYPERV-PROD-X,OU=Hyper-V," + BASE, "objectClass: top", "objectClass: user",
                    "objectClass: computer", "cn: HYPERV-PROD-X", "sAMAccountName: HYPERV-PROD-X$",
                    "dNSHostName: hyperv-prod-node03.lab.contoso.com", "userAccountControl: 4096");
            other.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-2991"));
            ds.add(other);
            AuditResult shared = audit(ds, List.of("HV90", "hyperv-prod-node03"));
            assertEquals(List.of("hyperv-prod-node03"), of(shared, "HOST_NOT_FOUND").stream().map(Finding::host)
                    .toList());
            // its FQDN and its account name still find it
            assertEquals(List.of(), audit(ds, List.of("HV90", dns)).findings());
            assertEquals(List.of(), audit(ds, List.of("HV90", "HYPERV-PROD-NOD$")).findings());
        } finally {
            ds.shutDown(true);
        }
    }

    /**
     * HV90's entries still name its peer by its cn: HV07, the name it had before {@code Rename-Computer} made it HV02
     * (a script that took {@code Get-ADComputer}'s Name, the cn, wrote them), or the long name it was pre-staged under
     * while its account was cut to 15 characters. Windows registers its SPNs under its account name and its
     * dNSHostName only, so the KDC never finds a service by that name and the entry grants nothing; it was taken for
     * the peer's entry and never reported, while the same name in FQDN form was STALE_DELEGATION. Now it is one too,
     * removed (naming no peer, as it is not the peer's entry in a form the KDC asks for); the pair's entries by the
     * names it registers are no finding.
     */
    @Test
    void anEntryNamingAPeerByACnItRegistersNoSpnUnderIsStale() throws Exception {
        for (String[] n : new String[][]{{"HV07", "HV02", "hv02.contoso.com"},
                {"hyperv-prod-node03", "HYPERV-PROD-NOD", "hyperv-prod-node03.contoso.com"}}) {
            InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
            try {
                TestDirectory.addCluster(ds, List.of("HV90"));
                node(ds, n[0], n[1], n[2], 2990);
                hv90DelegatesTo(ds, n[1], n[2]);
                for (String svc : List.of(Hosts.MIG, "cifs")) { // and by its cn
                    ds.modify("CN=HV90,OU=Hyper-V," + BASE, new com.unboundid.ldap.sdk.Modification(
                            com.unboundid.ldap.sdk.ModificationType.ADD, "msDS-AllowedToDelegateTo", svc + "/" + n[0]));
                }
                AuditResult r = audit(ds, List.of("HV90", n[1]));
                List<Finding> stale = of(r, "STALE_DELEGATION");
                assertEquals(java.util.Set.of(Hosts.MIG + "/" + n[0], "cifs/" + n[0]), stale.stream()
                        .map(Finding::spn).collect(java.util.stream.Collectors.toSet()), r.findings().toString());
                assertEquals(2, stale.size());
                for (Finding f : stale) {
                    assertEquals("HV90", f.host());
                    assertEquals(n[0], f.peer());
                    assertEquals(List.of(new Action.RemoveDelegation("HV90", null, List.of(f.spn()))), f.actions());
                    assertEquals("HV90 delegates to " + f.spn() + ", which names its peer " + n[0] + " by its cn, a"
                            + " name it registers no SPN under (Windows registers them under its account name " + n[1]
                            + " and its DNS name " + n[2] + "): the KDC never finds a service by it, so the entry"
                            + " grants nothing a live migration uses.", f.message());
                }
                assertEquals(List.of(), of(r, "MISSING_DELEGATION"));
            } finally {
                ds.shutDown(true);
            }
        }
    }

    /**
     * A disjoint namespace: the hosts' primary DNS suffix is corp.contoso.com while the domain is contoso.com, so
     * HV91's dNSHostName and FQDN SPNs say hv91.corp.contoso.com. Entries a script wrote with the domain's name
     * (hv91.contoso.com) name no computer, and their STALE_DELEGATION said only that; it now names the DNS name the
     * pair needs, which the entries in that form give (no MISSING_DELEGATION).
     */
    @Test
    void anEntryInTheDomainsSuffixForAPeerOfADisjointNamespaceSaysItsDnsName() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.start(Mode.PLAIN, null, 0);
        try {
            TestDirectory.addCluster(ds, List.of("HV90"));
            node(ds, "HV91", "HV91", "hv91.corp.contoso.com", 2990);
            hv90DelegatesTo(ds, "HV91", "hv91.corp.contoso.com");
            for (String svc : List.of(Hosts.MIG, "cifs")) {
                ds.modify("CN=HV90,OU=Hyper-V," + BASE, new com.unboundid.ldap.sdk.Modification(
                        com.unboundid.ldap.sdk.ModificationType.ADD, "msDS-AllowedToDelegateTo",
                        svc + "/hv91.contoso.com"));
            }
            AuditResult r = audit(ds, List.of("HV90", "HV91"));
            assertEquals(List.of(), of(r, "MISSING_DELEGATION"));
            List<Finding> stale = of(r, "STALE_DELEGATION");
            assertEquals(2, stale.size(), r.findings().toString());
            for (Finding f : stale) {
                assertEquals("HV90 delegates to " + f.spn() + " but no computer named hv91.contoso.com exists in the"
                        + " directory; HV91's DNS name is hv91.corp.contoso.com, the form the pairs into it need.",
                        f.message());
                assertEquals(List.of(new Action.RemoveDelegation("HV90", null, List.of(f.spn()))), f.actions());
            }
        } finally {
            ds.shutDown(true);
        }
    }
}
