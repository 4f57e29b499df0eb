package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditContext;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.remedy.Values;
import org.kcdauditor.support.Hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/** Each rule on hand-built snapshots: pure and fast. */
class RulesTest {
    private static final ClusterConfig HVC1 = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, null);

    private static AuditResult audit(List<ClusterConfig> clusters, PolicyConfig policy, AdObject... objects) {
        return new Auditor(RuleCatalogue.standard()).evaluate(
                new Snapshot(Instant.EPOCH, "ldap://test", "DC=contoso,DC=com", Arrays.asList(objects)), clusters,
                policy);
    }

    private static AuditResult audit(AdObject... objects) {
        return audit(List.of(HVC1), PolicyConfig.defaults(), objects);
    }

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    private static AdObject[] healthyCluster() {
        return new AdObject[]{host("HV01").delegatesTo("HV02", "HV03").build(),
                host("HV02").delegatesTo("HV01", "HV03").build(), host("HV03").delegatesTo("HV01", "HV02").build()};
    }

    @Test
    void aCorrectClusterHasNoFindingsAndFullCompliance() {
        AuditResult r = audit(healthyCluster());
        assertEquals(List.of(), r.findings());
        assertEquals(6, r.pairs());
        assertEquals(24, r.requiredEntries());
        assertEquals(24, r.presentEntries());
        assertEquals(100.0, r.compliancePercent());
        assertEquals(6, r.clusters().get(0).pairsOk());
    }

    @Test
    void missingDelegationOneFindingPerMissingSpnWithHostPeerAndSpn() {
        AuditResult r = audit(host("HV01").delegatesTo("HV02", "HV03").without("cifs/hv02.contoso.com").build(),
                host("HV02").delegatesTo("HV01").build(), host("HV03").delegatesTo("HV01", "HV02").build());
        List<Finding> f = of(r, "MISSING_DELEGATION");
        assertEquals(5, f.size());
        assertTrue(f.stream().anyMatch(x -> x.host().equals("HV01") && x.peer().equals("HV02")
                && x.spn().equals("cifs/hv02.contoso.com") && x.severity() == Severity.HIGH));
        assertEquals(4, f.stream().filter(x -> x.host().equals("HV02") && x.peer().equals("HV03")).count());
        assertEquals(19, r.presentEntries());
        assertEquals(79.2, r.compliancePercent());
    }

    @Test
    void aComputerWhoseSamAccountNameLacksTheDollarDoesNotTakeANodesName() {
        // HV02-X (sAMAccountName HV02, no $: a name only an LDAP write gives a computer) is met first; the node HV02 is
        // the computer whose sAMAccountName is HV02$, the name its Kerberos principal and SPNs are made of
        AdObject impostor = new AdObject("CN=HV02-X,OU=Old,DC=contoso,DC=com", "HV02-X", "HV02", null, 0x1000,
                List.of(), List.of(), false, List.of(), null, null, null, null, 1, null);
        AdObject[] healthy = healthyCluster();
        AuditResult r = audit(impostor, healthy[0], healthy[1], healthy[2]);
        assertEquals(List.of(), r.findings(), "HV02 is the real node");
        assertEquals("CN=HV02,OU=Hyper-V,DC=contoso,DC=com", r.context().computer("HV02").dn());
    }

    @Test
    void aLookalikeThatOnlyJavaLowerCasesToTheNameIsNoMatch() {
        // KELVIN SIGN (U+212A) lower-cases to an ASCII k in Java, but the KDC compares case-insensitively by upper-casing,
        // where it stays itself: the entry names another host, the pair is missing it
        ClusterConfig c = new ClusterConfig("HVC1", List.of("HVK1", "HVK2"), null, null);
        AuditResult r = audit(List.of(c), PolicyConfig.defaults(),
                host("HVK1").delegatesTo("HVK2").without("cifs/HVK2").entry("cifs/HV\u212A2").build(),
                host("HVK2").delegatesTo("HVK1").build());
        assertEquals(List.of("HVK1 cifs/HVK2"), of(r, "MISSING_DELEGATION").stream().map(f -> f.host() + " " + f.spn())
                .toList());
        // letters outside ASCII still compare case-insensitively
        AuditResult accents = audit(List.of(new ClusterConfig("HVC1", List.of("HVÄ1", "HVÄ2"), null, null)),
                PolicyConfig.defaults(), host("HVÄ1").delegatesTo("HVÄ2").without("cifs/HVÄ2").entry("CIFS/hvä2").build(),
                host("HVÄ2").delegatesTo("HVÄ1").build());
        assertEquals(List.of(), of(accents, "MISSING_DELEGATION"));
    }

    @Test
    void matchingIgnoresCaseTrailingDotAndTheThirdPart() {
        AuditResult r = audit(host("HV01").delegatesTo("HV03")
                        .entry("microsoft virtual system migration service/hv02").entry(MIG + "/HV02.CONTOSO.COM.")
                        .entry("CIFS/hv02").entry("cifs/hv02.contoso.com/CONTOSO").build(),
                host("HV02").delegatesTo("HV01", "HV03").build(), host("HV03").delegatesTo("HV01", "HV02").build());
        assertEquals(List.of(), r.findings());
    }

    @Test
    void targetSpnNotRegisteredButHostSatisfiesCifs() {
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").withoutSpn(MIG + "/hv02.contoso.com").build();
        AuditResult r = audit(host("HV01").delegatesTo("HV02", "HV03").build(), hv02,
                host("HV03").delegatesTo("HV01", "HV02").build());
        List<Finding> f = of(r, "TARGET_SPN_NOT_REGISTERED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV02", f.get(0).host());
        assertEquals(MIG + "/hv02.contoso.com", f.get(0).spn());
        // cifs/X is served by HOST/X: hosts register no cifs SPN and still get no finding for it.
        assertTrue(r.findings().stream().noneMatch(x -> x.spn() != null && x.spn().startsWith("cifs/")));
        assertEquals(4, r.clusters().get(0).pairsOk(), "pairs to HV02 are not OK while its SPN is unregistered");
    }

    @Test
    void cifsWithoutHostSpnIsUnregistered() {
        AdObject hv03 = host("HV03").delegatesTo("HV01", "HV02").withoutSpn("HOST/hv03.contoso.com").build();
        AuditResult r = audit(host("HV01").delegatesTo("HV02", "HV03").build(),
                host("HV02").delegatesTo("HV01", "HV03").build(), hv03);
        assertEquals(List.of("cifs/hv03.contoso.com"), of(r, "TARGET_SPN_NOT_REGISTERED").stream()
                .map(Finding::spn).toList());
    }

    @Test
    void duplicateSpnFoundOnAServiceAccountOncePerSpn() {
        AdObject[] ok = healthyCluster();
        List<AdObject> all = new ArrayList<>(List.of(ok));
        all.add(Hosts.user("svc-vmm", MIG + "/HV02.contoso.com", "HTTP/vmm.contoso.com"));
        all.add(Hosts.user("svc-old", "mICROSOFT vIRTUAL sYSTEM mIGRATION sERVICE/hv02.contoso.com"));
        AuditResult r = audit(all.toArray(AdObject[]::new));
        List<Finding> f = of(r, "DUPLICATE_SPN");
        assertEquals(1, f.size());
        assertEquals("HV02", f.get(0).host());
        assertTrue(f.get(0).message().contains("svc-vmm") && f.get(0).message().contains("svc-old"));
    }

    @Test
    void duplicateSpnRemediationNamesEachOtherAccountWithTheValueAsItStoresIt() {
        List<AdObject> all = new ArrayList<>(List.of(healthyCluster()));
        all.add(Hosts.user("svc-vmm", MIG + "/HV02.contoso.com.", "HTTP/vmm.contoso.com"));
        all.add(new AdObject("CN=Old VMM,CN=Users,DC=contoso,DC=com", "Old VMM", "svc old", null, 0x200,
                List.of("mICROSOFT vIRTUAL sYSTEM mIGRATION sERVICE/hv02.contoso.com"), List.of(), false, List.of(),
                null, null, null, null, 1, null));
        Finding f = of(audit(all.toArray(AdObject[]::new)), "DUPLICATE_SPN").get(0);
        assertEquals(List.of(new Action.UnregisterSpn("svc-vmm", "svc-vmm", "CN=svc-vmm,CN=Users,DC=contoso,DC=com",
                        MIG + "/HV02.contoso.com.", null),
                new Action.UnregisterSpn("Old VMM", "svc old", "CN=Old VMM,CN=Users,DC=contoso,DC=com",
                        "mICROSOFT vIRTUAL sYSTEM mIGRATION sERVICE/hv02.contoso.com", null)), f.actions(),
                "the holder of the host's own SPN keeps it: the others lose it, as they store it");
        // the runbook's command (one DC, the value as stored), not a setspn of its own
        assertEquals("Remove '" + MIG + "/HV02.contoso.com.' from svc-vmm: Set-ADObject -Identity"
                + " 'CN=svc-vmm,CN=Users,DC=contoso,DC=com' -Remove @{servicePrincipalName='" + MIG
                + "/HV02.contoso.com.'}, then check with setspn -X. Remove 'mICROSOFT vIRTUAL sYSTEM mIGRATION"
                + " sERVICE/hv02.contoso.com' from Old VMM: Set-ADObject -Identity 'CN=Old VMM,CN=Users,DC=contoso,DC=com'"
                + " -Remove @{servicePrincipalName='mICROSOFT vIRTUAL sYSTEM mIGRATION sERVICE/hv02.contoso.com'}, then"
                + " check with setspn -X.", f.remediation());
    }

    /**
     * In one domain two computers cannot share a NetBIOS name, and a computer that merely carries a copy of a node's SPN
     * (a stale or renamed object, whose own names are others) loses it in the script as before; one whose own
     * dNSHostName the SPN names is another computer answering to that name (review 10, item 2): taking its SPN off
     * would break it, so it is a decision, as across domains.
     */
    @Test
    void duplicateSpnOnAComputerIsTakenOffUnlessTheSpnNamesThatComputer() {
        List<AdObject> all = new ArrayList<>(List.of(healthyCluster()));
        all.add(host("OLD02").uac(Uac.WORKSTATION_TRUST_ACCOUNT).spn(MIG + "/hv02.contoso.com").build());
        Finding copy = of(audit(all.toArray(AdObject[]::new)), "DUPLICATE_SPN").get(0);
        assertEquals(List.of(new Action.UnregisterSpn("OLD02", "OLD02$", "CN=OLD02,OU=Hyper-V,DC=contoso,DC=com",
                MIG + "/hv02.contoso.com", null)), copy.actions(), copy.toString());

        all = new ArrayList<>(List.of(healthyCluster()));
        all.add(host("HV02B").uac(Uac.WORKSTATION_TRUST_ACCOUNT).dns("hv02.contoso.com").spn("HOST/hv02.contoso.com")
                .build());
        Finding own = of(audit(all.toArray(AdObject[]::new)), "DUPLICATE_SPN").get(0);
        assertEquals(1, own.actions().size(), own.toString());
        Action.Manual m = (Action.Manual) own.actions().get(0);
        assertEquals(List.of(), m.proposed());
        assertTrue(m.what().startsWith("HOST/hv02.contoso.com is HV02B's own SPN (it names HV02B): taking it off"
                + " HV02B would break that computer's own services"), m.what());
        assertTrue(m.what().contains("rename one of the two hosts or correct the dNSHostName that is wrong"), m.what());
        assertFalse(own.remediation().contains("Set-ADObject"), own.remediation());
    }

    @Test
    void duplicateSpnValuesAShellWouldChangeAreQuotedOrGetNoCommand() {
        for (String[] hostile : new String[][]{{"svc$(Remove-ADUser x)", MIG + "/hv02.contoso.com"},
                {"-D", MIG + "/hv02.contoso.com"}, {"svc-a", MIG + "/hv02.contoso.com/\"-D x"},
                {"svc-b", MIG + "/hv02.contoso.com/%PATH%"}, {"svc-c", MIG + "/hv02.contoso.com/$(calc)"},
                {"svc-d", MIG + "/hv02.contoso.com/\u201Cx"}, {"svc-e", MIG + "/hv02.contoso.com/x\ny"}}) {
            AdObject[] c = healthyCluster();
            // a third part makes another SPN: HV02 holds the very value, so x's copy is its duplicate
            c[1] = host("HV02").delegatesTo("HV01", "HV03").spn(hostile[1]).build();
            List<AdObject> all = new ArrayList<>(List.of(c));
            all.add(new AdObject("CN=x,CN=Users,DC=contoso,DC=com", "x", hostile[0], null, 0x200, List.of(hostile[1]),
                    List.of(), false, List.of(), null, null, null, null, 1, null));
            String r = of(audit(all.toArray(AdObject[]::new)), "DUPLICATE_SPN").get(0).remediation();
            // the runbook's command with the value in a PowerShell single-quoted literal, or none where the value
            // cannot be typed safely (Values.typeableSpn)
            boolean typeable = org.kcdauditor.remedy.Values.typeableSpn(hostile[1]);
            assertEquals(typeable, r.contains("Set-ADObject -Identity 'CN=x,CN=Users,DC=contoso,DC=com' -Remove"
                    + " @{servicePrincipalName=" + org.kcdauditor.remedy.Ps.quote(hostile[1]) + "}"), r);
            assertEquals(!typeable, r.contains("The value cannot be typed safely into a command: change it by hand in"
                    + " ADSI Edit (x > Properties > servicePrincipalName)"), r);
            assertFalse(r.contains("setspn -D"), r);
        }
    }

    @Test
    void unconstrainedDelegationIsHigh() {
        AdObject[] c = healthyCluster();
        c[2] = host("HV03").delegatesTo("HV01", "HV02").uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION)
                .build();
        List<Finding> f = of(audit(c), "UNCONSTRAINED_DELEGATION");
        assertEquals(1, f.size());
        assertEquals("HV03", f.get(0).host());
        assertEquals(Severity.HIGH, f.get(0).severity());
    }

    @Test
    void protocolTransitionFollowsThePolicy() {
        AdObject kerberosOnly2022 = host("HV01").delegatesTo("HV02", "HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        AdObject kerberosOnly2012 = host("HV02").delegatesTo("HV01", "HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT)
                .os("Windows Server 2012 R2 Datacenter", "6.3 (9600)").build();
        AdObject any = host("HV03").delegatesTo("HV01", "HV02").build();

        List<Finding> either = of(audit(List.of(HVC1), PolicyConfig.defaults(), kerberosOnly2022, kerberosOnly2012, any),
                "PROTOCOL_TRANSITION_MISMATCH");
        assertEquals(1, either.size());
        assertEquals("HV01", either.get(0).host());
        assertEquals(Severity.INFO, either.get(0).severity());

        PolicyConfig anyPolicy = new PolicyConfig(null, null, ProtocolTransition.ANY, null);
        List<Finding> mustBeAny = of(audit(List.of(HVC1), anyPolicy, kerberosOnly2022, kerberosOnly2012, any),
                "PROTOCOL_TRANSITION_MISMATCH");
        assertEquals(List.of("HV01", "HV02"), mustBeAny.stream().map(Finding::host).toList());
        assertTrue(mustBeAny.stream().allMatch(x -> x.severity() == Severity.MEDIUM));

        PolicyConfig kerberos = new PolicyConfig(null, null, ProtocolTransition.KERBEROS_ONLY, null);
        List<Finding> mustBeKerberos = of(audit(List.of(HVC1), kerberos, kerberosOnly2022, kerberosOnly2012, any),
                "PROTOCOL_TRANSITION_MISMATCH");
        assertEquals(List.of("HV03"), mustBeKerberos.stream().map(Finding::host).toList());
    }

    @Test
    void aNodeWithoutAnyDelegationIsNotSaidToUseKerberosOnly() {
        // a node just added to the cluster (samba-tool computer create, a fresh join): ADUC shows 'Do not trust this
        // computer for delegation'; 'Use Kerberos only' is entries without protocol transition
        AdObject[] c = healthyCluster();
        AdObject fresh = host("HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        PolicyConfig anyPolicy = new PolicyConfig(null, null, ProtocolTransition.ANY, null);
        List<Finding> f = of(audit(List.of(HVC1), anyPolicy, c[0], c[1], fresh), "PROTOCOL_TRANSITION_MISMATCH");
        assertEquals(List.of("HV03"), f.stream().map(Finding::host).toList());
        assertTrue(f.get(0).message().startsWith("HV03 is not trusted for delegation ('Do not trust this computer for"
                + " delegation') but the policy demands 'Use any authentication protocol'"), f.get(0).message());
    }

    @Test
    void staleDelegationToARemovedHostAndToANonPeer() {
        AdObject[] c = healthyCluster();
        c[0] = host("HV01").delegatesTo("HV02", "HV03").entry(MIG + "/HV15").entry("cifs/srv01.contoso.com")
                .entry("HTTP/web.contoso.com").build();
        List<AdObject> all = new ArrayList<>(List.of(c));
        all.add(host("SRV01").build());
        List<Finding> f = of(audit(all.toArray(AdObject[]::new)), "STALE_DELEGATION");
        assertEquals(2, f.size(), f.toString());
        assertTrue(f.stream().allMatch(x -> x.severity() == Severity.LOW && x.host().equals("HV01")));
        assertTrue(f.stream().anyMatch(x -> x.peer().equals("HV15") && x.message().contains("no computer named")));
        assertTrue(f.stream().anyMatch(x -> x.peer().equals("SRV01") && x.message().contains("not a peer")));
    }

    /**
     * A computer that is no configured node delegating to a node (a node evicted, its object still there): each entry a
     * STALE_DELEGATION decision on that computer, in the node's cluster. Not a disabled computer (it gets no ticket),
     * a user account, or a computer whose entries name no node.
     */
    @Test
    void staleDelegationFromAComputerThatIsNoNodeToANode() {
        List<AdObject> all = new ArrayList<>(List.of(healthyCluster()));
        all.add(host("HV09").delegatesTo("HV01").build());
        all.add(host("HV08").delegatesTo("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE).build());
        all.add(host("SVC-BACKUP").entry("cifs/HV01").uac(0x200).build());
        all.add(host("HV07").delegatesTo("SRV01").build());
        List<Finding> f = of(audit(all.toArray(AdObject[]::new)), "STALE_DELEGATION");
        assertEquals(4, f.size(), f.toString());
        for (Finding x : f) {
            assertEquals(List.of("HVC1", "HV09", "HV01", Severity.LOW), List.of(x.cluster(), x.host(), x.peer(),
                    x.severity()), x.toString());
            assertEquals(List.of(new Action.RemoveDelegation("HV09", "HV01", List.of(x.spn()))),
                    ((Action.Manual) x.actions().get(0)).proposed());
        }
    }

    @Test
    void staleMigrationOrCifsEntriesAreReportedAlsoWhenThePolicyLeavesTheServiceOut() {
        // issue 2: STALE_DELEGATION fires for "a migration or cifs SPN", whatever policy.services requires
        AdObject[] c = {host("HV01").delegatesTo("HV02", "HV03").entry("cifs/HV15").entry("cifs/HV02").build(),
                host("HV02").delegatesTo("HV01", "HV03").build(), host("HV03").delegatesTo("HV01", "HV02").build()};
        PolicyConfig migrationOnly = new PolicyConfig(List.of(MIG), null, null, null);
        List<Finding> f = of(audit(List.of(HVC1), migrationOnly, c), "STALE_DELEGATION");
        assertEquals(List.of("cifs/HV15"), f.stream().map(Finding::spn).toList(), f.toString());
        assertEquals("HV15", f.get(0).peer());
    }

    @Test
    void anEntryNamingAPeerInAFormTheKdcNeverAsksForIsStale() {
        // with a port, or a trailing space: the KDC compares the whole SPN, so neither grants the pair anything
        AdObject[] c = healthyCluster();
        c[0] = host("HV01").delegatesTo("HV02", "HV03").entry(MIG + "/HV02:6600").entry("cifs/HV03 ")
                .entry("cifs /HV02").build();
        List<Finding> f = of(audit(c), "STALE_DELEGATION");
        assertEquals(3, f.size(), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.spn().equals("cifs /HV02") && x.peer().equals("HV02")), f.toString());
        Finding port = f.stream().filter(x -> x.spn().equals(MIG + "/HV02:6600")).findFirst().orElseThrow();
        assertEquals("HV02", port.peer());
        assertTrue(port.message().contains("names its peer HV02 in a form the KDC never asks for (with a port)"),
                port.message());
        Finding space = f.stream().filter(x -> x.spn().equals("cifs/HV03 ")).findFirst().orElseThrow();
        assertEquals("HV03", space.peer());
        assertTrue(space.message().contains("names its peer HV03 in a form the KDC never asks for (with white"
                + " space)"), space.message());
        assertTrue(f.stream().allMatch(x -> x.actions().stream().anyMatch(a -> a instanceof Action.RemoveDelegation)),
                f.toString());
    }

    /**
     * Values that are no SPN: no '/' (a backslash typed for it), no service class, no host, a control character, a
     * port of the tool's services that is not a number. The KDC never matches them; they gave no finding at all, or a
     * STALE_DELEGATION saying "no computer named hv02 exists" of a host that exists (its name held U+0001).
     */
    @Test
    void aValueThatIsNoSpnIsMalformedAndItsRemovalRemovesExactlyIt() {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        reasons.put("cifs\\HV02", "it has no '/' between the service class and the host (a '\\' stands where the"
                + " '/' belongs)");
        reasons.put("cifsHV02", "it has no '/' between the service class and the host");
        reasons.put("/HV02", "it has no service class before the '/'");
        reasons.put("cifs/", "it names no host after the '/'");
        reasons.put("cifs//HV02", "it names no host after the '/'");
        reasons.put("ci\u0001fs/HV02", "it holds the control character U+0001");
        reasons.put("cifs/HV\u000102", "it holds the control character U+0001");
        reasons.put(MIG + "/HV02:6600x", "its port (6600x) is not a number from 1 to 65535");
        reasons.put("cifs/HV02:0", "its port (0) is not a number from 1 to 65535");
        AdObject[] c = healthyCluster();
        Hosts hv01 = host("HV01").delegatesTo("HV02", "HV03");
        reasons.keySet().forEach(hv01::entry);
        // SQL Server's named instances register MSSQLSvc/host:instance: another service's name there is no port
        c[0] = hv01.entry("MSSQLSvc/sql01.contoso.com:SQLEXPRESS").entry("HTTP/web.contoso.com:abc").build();
        AuditResult r = audit(c);
        assertEquals(List.of(), of(r, "STALE_DELEGATION"), "each value once, as malformed");
        List<Finding> f = of(r, "MALFORMED_DELEGATION_ENTRY");
        assertEquals(reasons.keySet().stream().sorted().toList(), f.stream().map(Finding::spn).sorted().toList(),
                f.toString());
        for (Finding x : f) {
            assertEquals(Severity.LOW, x.severity());
            assertEquals("HV01", x.host());
            assertEquals(null, x.peer());
            // the value as every output shows it: a control character or a letter outside ASCII by its code
            assertTrue(x.message().startsWith("HV01's msDS-AllowedToDelegateTo holds '" + Values.visibleSpn(x.spn())
                    + "', which is not"
                    + " an SPN: " + reasons.get(x.spn()) + ". "), x.message());
            assertEquals(List.of(new Action.RemoveDelegation("HV01", null, List.of(x.spn()))), x.actions());
        }
        assertEquals(6, r.clusters().get(0).pairsOk(), "it grants nothing and takes nothing: no pair is blocked");
        // typed as stored, in single quotes; one with a control character only by remediation.ps1's exact bytes
        assertTrue(f.stream().anyMatch(x -> x.remediation().endsWith(": Set-ADComputer -Identity 'HV01$' -Remove"
                + " @{'msDS-AllowedToDelegateTo'=@('cifs\\HV02')}.")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.remediation().endsWith(": Set-ADComputer -Identity 'HV01$' -Remove"
                + " @{'msDS-AllowedToDelegateTo'=@('/HV02')}.")), f.toString());
    }

    @Test
    void anEntryNamingAPeerWithANoBreakSpaceIsTheLookAlikeToo() {
        // U+00A0 and U+202F are no white space to String.strip: the entry read "no computer named HV03  exists", of a
        // host that is there, instead of the look-alike of the entry the pair needs
        AdObject[] c = healthyCluster();
        c[0] = host("HV01").delegatesTo("HV02", "HV03").entry("cifs/HV03\u00A0").entry("cifs/\u202Fhv02.contoso.com")
                .build();
        List<Finding> f = of(audit(c), "STALE_DELEGATION");
        assertEquals(2, f.size(), f.toString());
        for (Finding x : f) {
            String peer = x.spn().contains("HV03") ? "HV03" : "HV02";
            assertEquals(peer, x.peer(), x.toString());
            assertTrue(x.message().contains("names its peer " + peer + " in a form the KDC never asks for (with white"
                    + " space)"), x.message());
        }
    }

    @Test
    void anFqdnEntryForAPeerWithoutDnsHostNameIsNotStaleNorRemoved() {
        // HV02 has no dNSHostName and registers its NetBIOS SPNs only: HV01's FQDN entries for it are what the pair
        // needs once HV02 registers its name again (DNS_HOST_NAME_MISSING says so), not entries to a missing host
        AdObject[] c = healthyCluster();
        c[1] = host("HV02").noDns().withoutSpn("HOST/" + Hosts.fqdn("HV02")).withoutSpn(MIG + "/" + Hosts.fqdn("HV02"))
                .delegatesTo("HV01", "HV03").build();
        AuditResult r = audit(c);
        assertTrue(of(r, "STALE_DELEGATION").isEmpty(), r.findings().toString());
    }

    @Test
    void hostNotFoundAndTheOthersStillAudited() {
        AuditResult r = audit(host("HV01").delegatesTo("HV02").build(), host("HV02").delegatesTo("HV01").build());
        List<Finding> f = of(r, "HOST_NOT_FOUND");
        assertEquals(1, f.size());
        assertEquals("HV03", f.get(0).host());
        // a computer the bind account may not read is missing from its searches just the same (seen against Samba
        // with a deny ACE): the admin who sees HV03 in ADUC is told where else to look
        assertTrue(f.get(0).remediation().endsWith(" If HV03 is in the directory, the bind account may not read it:"
                + " give it read access to computer objects (docs/install.md, \"The service account\")."),
                f.get(0).remediation());
        assertEquals(2, r.pairs());
        assertFalse(r.findings().stream().anyMatch(x -> x.rule().equals("MISSING_DELEGATION")));

        // HV01's entries for the configured HV03 are what the pair needs once HV03 is joined again: not stale
        AuditResult kept = audit(host("HV01").delegatesTo("HV02", "HV03").build(),
                host("HV02").delegatesTo("HV01").build());
        assertEquals(1, of(kept, "HOST_NOT_FOUND").size());
        assertTrue(of(kept, "STALE_DELEGATION").isEmpty(), kept.findings().toString());
    }

    @Test
    void anEntryForANodeNotFoundInAnotherClusterOfTheMigrationGroupIsNotStale() {
        // HV13 (cluster B, not found) is HV01's peer through the migration group, named in another case there; HV23 is
        // configured in C, outside the group: an entry for it grants HV01 nothing
        List<ClusterConfig> clusters = List.of(new ClusterConfig("A", List.of("HV01", "HV02"), null, null),
                new ClusterConfig("B", List.of("HV11", "HV13"), null, null),
                new ClusterConfig("C", List.of("HV21", "HV23"), null, null));
        PolicyConfig grouped = new PolicyConfig(null, null, null, List.of(List.of("a", "B")));
        AuditResult r = audit(clusters, grouped, host("HV01").delegatesTo("HV02", "HV11", "HV13", "HV23").build(),
                host("HV02").delegatesTo("HV01", "HV11", "HV13").build(), host("HV11").delegatesTo("HV01", "HV02").build(),
                host("HV21").build());
        assertEquals(List.of("HV13", "HV23"), of(r, "HOST_NOT_FOUND").stream().map(Finding::host).toList());
        assertEquals(List.of("HV23 " + MIG + "/HV23", "HV23 " + MIG + "/" + Hosts.fqdn("HV23"), "HV23 cifs/HV23",
                        "HV23 cifs/" + Hosts.fqdn("HV23")),
                of(r, "STALE_DELEGATION").stream().map(f -> f.peer() + " " + f.spn()).sorted().toList());
        assertTrue(of(r, "STALE_DELEGATION").stream().allMatch(f -> f.host().equals("HV01")));
    }

    @Test
    void disabledAccountIsMedium() {
        AdObject[] c = healthyCluster();
        c[1] = host("HV02").delegatesTo("HV01", "HV03")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.ACCOUNTDISABLE).build();
        List<Finding> f = of(audit(c), "ACCOUNT_DISABLED");
        assertEquals(1, f.size());
        assertEquals(Severity.MEDIUM, f.get(0).severity());
    }

    @Test
    void rbcdOnTheTargetCoversThePairAndTheFindingSaysSo() {
        Hosts hv01 = host("HV01").delegatesTo("HV03");
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom(hv01.sid()).build();
        AuditResult r = audit(hv01.build(), hv02, host("HV03").delegatesTo("HV01", "HV02").build());
        assertTrue(of(r, "MISSING_DELEGATION").isEmpty());
        List<Finding> f = of(r, "RBCD_PRESENT");
        assertEquals(1, f.size());
        assertEquals(Severity.INFO, f.get(0).severity());
        assertTrue(f.get(0).message().contains("(HV01)"), f.get(0).message());
        assertTrue(f.get(0).message().contains("covers HV01 -> HV02"), f.get(0).message());
        // HV01 holds no entry for HV02, and needs none: the pair's entries are not required, not counted as present
        PairStatus covered = r.context().pairs().stream().filter(p -> p.source().name().equals("HV01")
                && p.target().name().equals("HV02")).findFirst().orElseThrow();
        assertEquals(0, covered.requiredCount());
        assertEquals(0, covered.present());
        assertEquals(20, r.requiredEntries());
        assertEquals(20, r.presentEntries());
        assertEquals(100.0, r.compliancePercent());
    }

    /**
     * "Entries present" counts what msDS-AllowedToDelegateTo holds: a pair RBCD covers counted its four entries as
     * present, so HV03's missing one read 23/24 (95.8 %) while the attributes hold 19 of the 20 entries needed.
     */
    @Test
    void entriesPresentCountOnlyWhatTheAttributesHold() {
        Hosts hv01 = host("HV01").delegatesTo("HV03");
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom(hv01.sid()).build();
        AuditResult r = audit(hv01.build(), hv02, host("HV03").delegatesTo("HV01", "HV02")
                .without("cifs/hv01.contoso.com").build());
        assertEquals(20, r.requiredEntries());
        assertEquals(19, r.presentEntries());
        assertEquals(95.0, r.compliancePercent());
        assertEquals(20, r.clusters().get(0).requiredEntries());
        assertEquals(19, r.clusters().get(0).presentEntries());
        assertEquals(95.0, r.clusters().get(0).compliancePercent());
        int held = 0;
        for (PairStatus p : r.context().pairs()) {
            if (!p.rbcd()) {
                held += (int) p.required().stream().filter(spn -> p.source().delegateTo().stream()
                        .anyMatch(spn::equalsIgnoreCase)).count();
            }
        }
        assertEquals(held, r.presentEntries(), "what an auditor counts with Get-ADComputer");
    }

    /**
     * RBCD_PRESENT said "It covers HV01 -> HV02, HV03 -> HV02, so no msDS-AllowedToDelegateTo entries are needed"
     * while DUPLICATE_SPN blocked both pairs in the same report: it names what blocks a pair it covers.
     */
    @Test
    void rbcdPresentDoesNotClaimAPairAnotherFindingBlocks() {
        Hosts hv01 = host("HV01").delegatesTo("HV03");
        Hosts hv03 = host("HV03").delegatesTo("HV01");
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom(hv01.sid(), hv03.sid()).build();
        List<AdObject> all = new ArrayList<>(List.of(hv01.build(), hv02, hv03.build()));
        all.add(Hosts.user("svc-vmm", MIG + "/HV02.contoso.com"));
        AuditResult r = audit(all.toArray(AdObject[]::new));
        assertEquals(1, of(r, "DUPLICATE_SPN").size());
        String m = of(r, "RBCD_PRESENT").get(0).message();
        assertFalse(m.contains("It covers HV01 -> HV02, HV03 -> HV02, so"), m);
        assertTrue(m.contains(" It covers HV01 -> HV02 (blocked by DUPLICATE_SPN), HV03 -> HV02 (blocked by"
                + " DUPLICATE_SPN): no msDS-AllowedToDelegateTo entries are needed for those pairs, but they fail"
                + " until the finding named is fixed."), m);

        // a covered pair nothing blocks is said to be covered, and one that is blocked to be blocked
        Hosts a = host("HV01");
        Hosts b = host("HV02").delegatesTo("HV01");
        Hosts c = host("HV03").delegatesTo("HV01", "HV02");
        b.rbcdFrom(a.sid(), c.sid());
        c.rbcdFrom(a.sid());
        r = audit(a.build(), b.build(), c.build(), Hosts.user("svc-vmm", MIG + "/HV03.contoso.com"));
        m = of(r, "RBCD_PRESENT").stream().filter(f -> f.host().equals("HV03")).findFirst().orElseThrow().message();
        assertTrue(m.contains(" It covers HV01 -> HV03 (blocked by DUPLICATE_SPN): no msDS-AllowedToDelegateTo"
                + " entries are needed for that pair, but it fails until the finding named is fixed."), m);
        m = of(r, "RBCD_PRESENT").stream().filter(f -> f.host().equals("HV02")).findFirst().orElseThrow().message();
        assertTrue(m.contains(" It covers HV01 -> HV02, HV03 -> HV02, so no msDS-AllowedToDelegateTo entries are"
                + " needed for those pairs."), m);
    }

    @Test
    void rbcdThatGrantsNoReadableSidIsNotSaidToBeSafeToClear() {
        // no SID read: a descriptor that allows nobody (the last principal removed), but also one kcd-audit could not
        // parse or one without a DACL, which allows everyone: the admin reads it before clearing anything
        AdObject[] c = healthyCluster();
        c[1] = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom().build();
        Finding f = of(audit(c), "RBCD_PRESENT").get(0);
        assertTrue(f.message().startsWith("HV02 carries msDS-AllowedToActOnBehalfOfOtherIdentity, but kcd-audit reads"
                + " no host it allows"), f.message());
        assertTrue(f.message().contains("cannot parse"), f.message());
        String fix = f.remediation();
        assertTrue(fix.startsWith("Read it first: Get-ADComputer 'HV02' -Properties PrincipalsAllowedToDelegateToAccount"),
                fix);
        assertTrue(fix.indexOf("lists nobody") < fix.indexOf("-PrincipalsAllowedToDelegateToAccount $null"), fix);
        assertTrue(fix.contains("lists hosts, keep it"), fix);
    }

    /**
     * A SID of the node's own domain that no account holds (the collector looked it up in the whole domain) is a
     * deleted account, told as such, never "unresolved" and never a grant to keep; a SID of another domain stays
     * unresolved, and only the deleted one is left out of the list proposed.
     */
    @Test
    void rbcdNamingADeletedAccountIsToldAndLeftOutOfTheList() {
        AdObject[] c = healthyCluster();
        String deleted = Hosts.DOMAIN_SID + "-7777";
        String foreign = "S-1-5-21-9-9-9-1105";
        c[1] = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom(deleted, foreign).build();
        Finding f = of(audit(c), "RBCD_PRESENT").get(0);
        assertEquals("HV02 allows RBCD from " + deleted + " (no account: deleted), " + foreign + " (unresolved). A"
                + " grant to a deleted account allows nobody (a computer object created again under the same name is"
                + " another account, with another SID) and covers no pair.", f.message());
        Action.Manual decision = (Action.Manual) f.actions().get(0);
        assertTrue(decision.what().startsWith("Remove the grant to " + deleted + ": no account has that SID any more"),
                decision.what());
        assertEquals(List.of(new Action.AddRbcd("HV02", List.of(new Action.Principal(null, null, foreign, true)))),
                decision.proposed());
    }

    @Test
    void missingDnsHostNameIsReportedAndNeverGuessed() {
        // HV03 registers HOST/ and the migration service as hv03.contoso.com: that FQDN is the form checked
        AdObject[] c = healthyCluster();
        c[2] = host("HV03").delegatesTo("HV01", "HV02").noDns().build();
        AuditResult r = audit(c);
        List<Finding> f = of(r, "DNS_HOST_NAME_MISSING");
        assertEquals(1, f.size());
        assertEquals("HV03", f.get(0).host());
        assertEquals(List.of("hv03.contoso.com"), f.get(0).evidence().expected());
        // both forms are required towards HV03, as towards the others: 6 pairs x 2 services x 2 forms
        assertEquals(6 * 4, r.requiredEntries());
        assertEquals(6 * 4, r.presentEntries());
        assertTrue(of(r, "MISSING_DELEGATION").isEmpty());

        // its SPNs name no FQDN: none is guessed (hv03.contoso.com, which HV01 and HV02 list, is not taken for it),
        // the FQDN entries into it count as required and not present, and its pairs are blocked by the finding
        c[2] = host("HV03").delegatesTo("HV01", "HV02").noDns().withoutSpn("HOST/" + Hosts.fqdn("HV03"))
                .withoutSpn(MIG + "/" + Hosts.fqdn("HV03")).build();
        r = audit(c);
        f = of(r, "DNS_HOST_NAME_MISSING");
        assertEquals(1, f.size());
        assertEquals(6 * 4, r.requiredEntries());
        assertEquals(6 * 4 - 2 * 2, r.presentEntries());
        assertTrue(of(r, "MISSING_DELEGATION").isEmpty(), "no entry is made of a guessed FQDN");
        List<PairStatus> into = r.context().pairs().stream().filter(p -> p.target().name().equals("HV03")).toList();
        assertEquals(2, into.size());
        for (PairStatus p : into) {
            assertEquals(List.of(org.kcdauditor.audit.Blocker.of("DNS_HOST_NAME_MISSING", "HV03", null, null)),
                    p.blockers());
            assertEquals(f.get(0).id(), p.blockers().get(0).findingId(), "the blocker is the finding");
        }
    }

    @Test
    void aFileServerWithoutDnsHostNameIsReportedToo() {
        // only cifs/NAS09 is required then: the FQDN form the VMs' share paths use was never checked, as for a node
        AdObject nas = host("NAS09").spn("HOST/NAS09").noDns().build();
        AdObject[] all = {host("HV01").delegatesTo("HV02", "HV03").entry("cifs/NAS09").build(),
                host("HV02").delegatesTo("HV01", "HV03").entry("cifs/NAS09").build(),
                host("HV03").delegatesTo("HV01", "HV02").entry("cifs/NAS09").build(), nas};
        AuditResult r = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null,
                List.of("NAS09"))), PolicyConfig.defaults(), all);
        List<Finding> f = of(r, "DNS_HOST_NAME_MISSING");
        assertEquals(List.of("NAS09"), f.stream().map(Finding::host).toList());
        assertEquals("HVC1", f.get(0).cluster());
    }

    @Test
    void migrationGroupsAddCrossClusterPairsAndOuClustersResolveByDn() {
        AdObject a = host("HV01").delegatesTo("HV11").build();
        AdObject b = host("HV11").dn("CN=HV11,OU=HVC2,OU=Hyper-V,DC=contoso,DC=com").delegatesTo("HV01").build();
        AdObject outside = host("HV99").dn("CN=HV99,OU=Other,DC=contoso,DC=com").build();
        List<ClusterConfig> clusters = List.of(new ClusterConfig("A", List.of("HV01"), null, null),
                new ClusterConfig("B", null, "OU=HVC2,OU=Hyper-V,DC=contoso,DC=com", null));
        PolicyConfig grouped = new PolicyConfig(null, null, null, List.of(List.of("A", "B")));
        AuditResult r = audit(clusters, grouped, a, b, outside);
        assertEquals(2, r.pairs());
        assertEquals(List.of(), r.findings());
        assertEquals(0, audit(clusters, PolicyConfig.defaults(), a, b, outside).pairs());
        AuditContext ctx = r.context();
        AdObject hv01 = ctx.computer("HV01");
        AdObject hv11 = ctx.computer("HV11");
        assertEquals(List.of("HV11"), ctx.peersOf(hv01).stream().map(AdObject::name).toList());
        assertTrue(ctx.peersOf(hv01).contains(hv11) && !ctx.peersOf(hv01).contains(hv01), "the others, not itself");
        assertFalse(ctx.peersOf(hv01).contains(ctx.computer("HV99")), "not a node");
        assertEquals(Set.of(), ctx.peersOf(ctx.computer("HV99")));
    }

    @Test
    void aNodesPeersAreTheOtherNodesOfItsClusterByName() {
        AuditContext ctx = audit(List.of(new ClusterConfig("HVC1", List.of("HV03", "hv01", "HV02"), null, null)),
                PolicyConfig.defaults(), healthyCluster()).context();
        AdObject hv02 = ctx.computer("HV02");
        assertEquals(List.of("HV01", "HV03"), ctx.peersOf(hv02).stream().map(AdObject::name).toList());
        assertEquals(2, ctx.peersOf(hv02).size());
        assertEquals(Set.of(ctx.computer("HV01"), ctx.computer("HV03")), ctx.peersOf(hv02));
    }

    @Test
    void nodesMayBeNamedByTheirAccountNameWithTheDollar() {
        List<ClusterConfig> clusters = List.of(new ClusterConfig("HVC1", List.of("HV01$", "hv02$", "HV03"), null, null));
        AuditResult r = audit(clusters, PolicyConfig.defaults(), healthyCluster());
        assertTrue(of(r, "HOST_NOT_FOUND").isEmpty(), r.findings().toString());
        assertEquals(6, r.pairs());
    }

    @Test
    void nodesMayBeNamedByTheirFqdnInAnyCaseAndAreReportedByTheirNetbiosName() {
        List<ClusterConfig> clusters = List.of(new ClusterConfig("HVC1", List.of("hv01.contoso.com", "HV02.CONTOSO.COM.",
                "hv03", "HV03.contoso.com"), null, null));
        AuditResult r = audit(clusters, PolicyConfig.defaults(), healthyCluster());
        assertEquals(List.of(), r.findings());
        assertEquals(List.of("HV01", "HV02", "HV03"), r.context().nodes().stream().map(AdObject::name).toList());
        assertEquals(6, r.pairs());
        // an FQDN of another domain names no node: not found, never guessed from its first label
        AuditResult other = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02", "hv03.fabrikam.com"), null,
                null)), PolicyConfig.defaults(), healthyCluster());
        assertEquals(List.of("hv03.fabrikam.com"), of(other, "HOST_NOT_FOUND").stream().map(Finding::host).toList());
    }

    @Test
    void anOuClusterWithNoComputerIsAHighFindingNotACompliantCluster() {
        AdObject[] healthy = healthyCluster();
        List<ClusterConfig> clusters = List.of(HVC1, new ClusterConfig("HVC2", null, "OU=HVC3,OU=Hyper-V,DC=contoso,DC=com",
                null));
        AuditResult r = audit(clusters, PolicyConfig.defaults(), healthy);
        List<Finding> empty = of(r, "CLUSTER_EMPTY");
        assertEquals(1, empty.size(), r.findings().toString());
        assertEquals(Severity.HIGH, empty.get(0).severity());
        assertEquals("HVC2", empty.get(0).cluster());
        assertTrue(empty.get(0).message().contains("OU=HVC3,OU=Hyper-V,DC=contoso,DC=com"), empty.get(0).message());
        assertTrue(audit(List.of(HVC1), PolicyConfig.defaults(), healthy).findings().stream()
                .noneMatch(f -> f.rule().equals("CLUSTER_EMPTY")), "a cluster by name list is never CLUSTER_EMPTY");
    }

    @Test
    void aMissingFileServerSharedByTwoClustersIsOneFindingPerClusterEachWithItsOwnId() {
        // one Scale-Out File Server often serves several clusters; not found, it fails the storage of each (each
        // cluster's verdict needs its own HIGH finding), and ids must tell the two apart
        AdObject[] healthy = healthyCluster();
        List<ClusterConfig> clusters = List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, List.of("SOFS9")),
                new ClusterConfig("HVC2", List.of("HV03", "HV04"), null, List.of("SOFS9")));
        AuditResult r = audit(clusters, PolicyConfig.defaults(), healthy[0], healthy[1], healthy[2],
                host("HV04").delegatesTo("HV03").build());
        List<Finding> missing = of(r, "HOST_NOT_FOUND");
        assertEquals(List.of("HVC1 SOFS9", "HVC2 SOFS9"), missing.stream().map(f -> f.cluster() + " " + f.host()).toList());
        assertEquals(2, missing.stream().map(Finding::id).distinct().count(), missing.toString());
        assertEquals(r.findings().size(), r.findings().stream().map(Finding::id).distinct().count(),
                "no two findings of the run share an id: " + r.findings());
    }

    @Test
    void aDisabledComputerUnderAClustersOuIsToBeMovedOutOfTheOuNotOutOfTheConfiguration() {
        // an OU cluster takes every computer under its OU: a retired node stays a node until its object leaves the OU
        String ou = "OU=HVC7,OU=Hyper-V,DC=contoso,DC=com";
        AdObject hv61 = host("HV61").dn("CN=HV61," + ou).delegatesTo("HV62").build();
        AdObject hv62 = host("HV62").dn("CN=HV62," + ou).delegatesTo("HV61")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE).build();
        AuditResult r = audit(List.of(new ClusterConfig("HVC7", null, ou, null)), PolicyConfig.defaults(), hv61, hv62);
        Finding f = of(r, "ACCOUNT_DISABLED").get(0);
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.contains("move its computer object out of " + ou), what);
        assertFalse(what.contains("configuration"), what);
        // listed by name, it is taken out of the list
        AuditResult listed = audit(List.of(new ClusterConfig("HVC7", List.of("HV61", "HV62"), null, null)),
                PolicyConfig.defaults(), hv61, hv62);
        String byName = ((Action.Manual) of(listed, "ACCOUNT_DISABLED").get(0).actions().get(0)).what();
        assertTrue(byName.contains("remove it from the cluster and the configuration"), byName);
    }

    @Test
    void twoEmptyClustersHaveTwoFindingsWithTwoIds() {
        // a finding's id tells it apart from every other of the run (matrix blockers, history's new and resolved, the
        // notices' on-change all go by id): two clusters with an empty OU are two problems
        List<ClusterConfig> clusters = List.of(HVC1,
                new ClusterConfig("HVC2", null, "OU=HVC2,OU=Hyper-V,DC=contoso,DC=com", null),
                new ClusterConfig("HVC3", null, "OU=HVC3,OU=Hyper-V,DC=contoso,DC=com", null));
        List<Finding> empty = of(audit(clusters, PolicyConfig.defaults(), healthyCluster()), "CLUSTER_EMPTY");
        assertEquals(List.of("HVC2", "HVC3"), empty.stream().map(Finding::cluster).toList());
        assertEquals(2, empty.stream().map(Finding::id).distinct().count(), empty.toString());
        assertEquals(null, empty.get(0).spn(), "the cluster tells the ids apart, not an SPN of the finding");
    }

    @Test
    void aClusterWithOneNodeHasNoMigrationPartnerAndIsNoGoMaterial() {
        // a one-node cluster has no pair to check; its VMs cannot be live-migrated off it for a patch window, so it
        // must not read as a delegated, GO cluster (0/0 pairs): a HIGH finding on the node says why
        AdObject hv01 = host("HV01").build();
        ClusterConfig solo = new ClusterConfig("SOLO", List.of("HV01"), null, List.of("NAS01"));
        AuditResult r = audit(List.of(solo), PolicyConfig.defaults(), hv01, host("NAS01").build());
        List<Finding> f = of(r, "NO_MIGRATION_PARTNER");
        assertEquals(1, f.size(), r.findings().toString());
        assertEquals(Severity.HIGH, f.get(0).severity());
        assertEquals("SOLO", f.get(0).cluster());
        assertEquals("HV01", f.get(0).host());
        assertEquals(null, f.get(0).peer());
        assertTrue(f.get(0).message().contains("no other node"), f.get(0).message());
        assertTrue(f.get(0).actions().get(0) instanceof Action.Manual, f.get(0).actions().toString());
        // taken from an OU holding one computer: the same
        AdObject only = host("HV61").dn("CN=HV61,OU=HVC7,OU=Hyper-V,DC=contoso,DC=com").build();
        AuditResult byOu = audit(List.of(new ClusterConfig("HVC7", null, "OU=HVC7,OU=Hyper-V,DC=contoso,DC=com", null)),
                PolicyConfig.defaults(), only);
        assertEquals(List.of("HV61"), of(byOu, "NO_MIGRATION_PARTNER").stream().map(Finding::host).toList());
        // a migration group gives it partners: nothing to report
        AdObject a = host("HV01").delegatesTo("HV11").build();
        AdObject b = host("HV11").delegatesTo("HV01").build();
        AuditResult grouped = audit(List.of(new ClusterConfig("A", List.of("HV01"), null, null),
                new ClusterConfig("B", List.of("HV11"), null, null)),
                new PolicyConfig(null, null, null, List.of(List.of("A", "B"))), a, b);
        assertEquals(List.of(), grouped.findings());
        // its second node not found: HOST_NOT_FOUND names it, and the node found still has no partner (a waiver of
        // HOST_NOT_FOUND for a decommissioned node must not leave the cluster GO with 0/0 pairs)
        AuditResult missing = audit(List.of(new ClusterConfig("PAIR", List.of("HV01", "HV02"), null, null)),
                PolicyConfig.defaults(), hv01);
        assertEquals(List.of("HOST_NOT_FOUND HV02", "NO_MIGRATION_PARTNER HV01"), missing.findings().stream()
                .map(x -> x.rule() + " " + x.host()).sorted().toList());
        assertTrue(of(missing, "NO_MIGRATION_PARTNER").get(0).message().contains("HV02 is not found"),
                of(missing, "NO_MIGRATION_PARTNER").get(0).message());
        // two nodes: no finding
        assertTrue(audit(healthyCluster()).findings().isEmpty());
    }

    @Test
    void anOuClustersNameObjectAndRoleObjectsAndDomainControllersAreNoNodes() {
        String ou = "OU=HVC7,OU=Hyper-V,DC=contoso,DC=com";
        AdObject hv61 = host("HV61").dn("CN=HV61," + ou).delegatesTo("HV62").build();
        AdObject hv62 = host("HV62").dn("CN=HV62,OU=Sub," + ou).delegatesTo("HV61").build();
        // Failover Clustering creates the CNO (and a VCO per clustered role) in the nodes' OU
        AdObject cno = host("HVC7").dn("CN=HVC7," + ou).uac(Uac.WORKSTATION_TRUST_ACCOUNT)
                .spn("MSClusterVirtualServer/HVC7").spn("MSClusterVirtualServer/hvc7.contoso.com").build();
        AdObject vco = host("FS-ROLE").dn("CN=FS-ROLE," + ou).uac(Uac.WORKSTATION_TRUST_ACCOUNT)
                .spn("msclustervirtualserver/FS-ROLE").build();
        AdObject dc = host("DC9").dn("CN=DC9," + ou).uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build();
        AuditResult r = audit(List.of(new ClusterConfig("HVC7", null, ou, null)), PolicyConfig.defaults(), hv61, hv62,
                cno, vco, dc);
        assertEquals(List.of("HV61", "HV62"), r.context().nodes().stream().map(AdObject::name).toList());
        assertEquals(2, r.pairs());
        assertTrue(of(r, "MISSING_DELEGATION").isEmpty(), r.findings().toString());
    }

    @Test
    void aNodeListedInOneClusterAndUnderAnotherClustersOuIsRefused() {
        AdObject a = host("HV01").build();
        AdObject b = host("HV11").dn("CN=HV11,OU=HVC2,OU=Hyper-V,DC=contoso,DC=com").build();
        List<ClusterConfig> clusters = List.of(new ClusterConfig("A", List.of("HV01", "HV11"), null, null),
                new ClusterConfig("B", null, "OU=HVC2,OU=Hyper-V,DC=contoso,DC=com", null));
        ConfigException e = assertThrows(ConfigException.class, () -> audit(clusters, PolicyConfig.defaults(), a, b));
        assertEquals("clusters: HV11 is a node of both A (nodes) and B (ou OU=HVC2,OU=Hyper-V,DC=contoso,DC=com); a host"
                + " belongs to one cluster: remove it from one of them (use policy.migrationGroups for migration"
                + " between clusters)", e.getMessage());
    }

    @Test
    void aNodeUnderTwoClustersNestedOusIsRefused() {
        // OU=Sub,OU=HVC3 lies under both OUs: taking the first cluster in config order split one cluster into two
        // one-node clusters with no pair each, both GO, while the two nodes' pairs were never checked
        String parent = "OU=HVC3,OU=Hyper-V,DC=contoso,DC=com";
        AdObject a = host("HV31").dn("CN=HV31," + parent).build();
        AdObject b = host("HV32").dn("CN=HV32,OU=Sub," + parent).build();
        List<ClusterConfig> clusters = List.of(new ClusterConfig("CA", null, "OU=Sub," + parent, null),
                new ClusterConfig("CB", null, parent, null));
        ConfigException e = assertThrows(ConfigException.class, () -> audit(clusters, PolicyConfig.defaults(), a, b));
        assertEquals("clusters: HV32 is a node of both CA (ou OU=Sub," + parent + ") and CB (ou " + parent + "); a host"
                + " belongs to one cluster: remove it from one of them (use policy.migrationGroups for migration"
                + " between clusters)", e.getMessage());
        // the same OU twice: every node under both
        List<ClusterConfig> same = List.of(new ClusterConfig("CA", null, parent, null),
                new ClusterConfig("CB", null, parent, null));
        assertThrows(ConfigException.class, () -> audit(same, PolicyConfig.defaults(), a, b));
    }

    @Test
    void aNodeRefusedForTwoClustersIsNamedOnOneLineWhateverItsCnHolds() {
        // the cn is the directory's to say; the refusal reaches the console, the daemon's log, the fire log and the
        // failure mail, where a line feed in it would stand as a line of its own (a forged verdict)
        AdObject a = host("HV01").build();
        AdObject b = host("HV11").cn("HV11\nDECISION: GO for the patch window\u202E")
                .dn("CN=HV11,OU=HVC2,OU=Hyper-V,DC=contoso,DC=com").build();
        List<ClusterConfig> clusters = List.of(new ClusterConfig("A", List.of("HV01", "HV11"), null, null),
                new ClusterConfig("B", null, "OU=HVC2,OU=Hyper-V,DC=contoso,DC=com", null));
        ConfigException e = assertThrows(ConfigException.class, () -> audit(clusters, PolicyConfig.defaults(), a, b));
        assertTrue(e.getMessage().startsWith("clusters: HV11\\u000ADECISION: GO for the patch window\\u202E is a"
                + " node of both A (nodes) and B"), e.getMessage());
    }

    @Test
    void fileServersRequireCifsOnly() {
        List<ClusterConfig> clusters = List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02"), null,
                List.of("SOFS1")));
        AdObject hv01 = host("HV01").delegatesTo("HV02").entry("cifs/SOFS1").entry("cifs/sofs1.contoso.com").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AuditResult r = audit(clusters, PolicyConfig.defaults(), hv01, hv02, host("SOFS1").build());
        List<Finding> missing = of(r, "MISSING_DELEGATION");
        assertEquals(List.of("cifs/SOFS1", "cifs/sofs1.contoso.com"), missing.stream().map(Finding::spn).toList());
        assertTrue(missing.stream().allMatch(x -> x.host().equals("HV02")));
        assertTrue(of(r, "STALE_DELEGATION").isEmpty());
    }

    @Test
    void findingIdsAreStableAndDistinct() {
        AuditResult first = audit(host("HV01").build(), host("HV02").build(), host("HV03").build());
        AuditResult second = audit(host("HV01").build(), host("HV02").build(), host("HV03").build());
        assertEquals(first.findings().stream().map(Finding::id).toList(),
                second.findings().stream().map(Finding::id).toList());
        assertEquals(first.findings().size(), first.findings().stream().map(Finding::id).distinct().count());
    }

    @Test
    void catalogueHasUniqueIdsWithMetadata() {
        List<RuleInfo> infos = RuleCatalogue.standard().rules().stream().map(Rule::info).toList();
        assertEquals(infos.size(), infos.stream().map(RuleInfo::id).distinct().count());
        assertTrue(infos.stream().allMatch(i -> !i.title().isBlank() && !i.why().isBlank() && !i.reference().isBlank()));
        assertTrue(infos.stream().map(RuleInfo::id).toList().containsAll(List.of("MISSING_DELEGATION",
                "TARGET_SPN_NOT_REGISTERED", "DUPLICATE_SPN", "UNCONSTRAINED_DELEGATION", "PROTOCOL_TRANSITION_MISMATCH",
                "STALE_DELEGATION", "HOST_NOT_FOUND", "ACCOUNT_DISABLED", "RBCD_PRESENT")));
    }
}
