package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.DcRead;
import org.kcdauditor.model.DirectoryPart;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.RbcdPrincipal;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.Hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/** DC_NOT_CONVERGED, DC_UNREACHABLE and CROSS_DOMAIN_NEEDS_RBCD on hand-built snapshots. */
class ReachRulesTest {
    private static final ClusterConfig HVC1 = new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "default");

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    private static AuditResult withDcs(List<AdObject> ours, DcRead... dcs) {
        return withDcs(PolicyConfig.defaults(), ours, dcs);
    }

    private static AuditResult withDcs(PolicyConfig policy, List<AdObject> ours, DcRead... dcs) {
        DirectoryPart part = new DirectoryPart("default", "ldaps://dc1.contoso.com", "DC=contoso,DC=com",
                "dc1.contoso.com", null, null, false, null, 0, ours.size(), null, true, List.of(dcs));
        Snapshot s = new Snapshot(Instant.EPOCH, "ldaps://dc1.contoso.com", "DC=contoso,DC=com", ours, "dc1.contoso.com",
                null, null, List.of(), List.of(part), null);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(HVC1), policy);
    }

    private static List<String> blockedBy(AuditResult r, Finding f) {
        return r.context().pairs().stream().filter(p -> p.blockers().stream()
                .anyMatch(b -> b.findingId().equals(f.id()))).map(p -> p.source().name() + "->" + p.target().name())
                .toList();
    }

    private static DcRead dc2(AdObject... objects) {
        return new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null, List.of(objects),
                List.of());
    }

    private static final DcRead DC1 = new DcRead("dc1.contoso.com", null, false, true, null, null, null);

    /**
     * A lagging DC's flags are judged by the rules that judge the audited DC's: protocol transition missing there
     * breaks the pairs from the host under policy any only (none under kerberos-only or either); a disabled account or
     * USE_DES_KEY_ONLY there breaks both directions; a difference that breaks none is MEDIUM. Before, every difference
     * but NOT_DELEGATED alone blocked both directions, even a DC holding exactly the policy's own value.
     */
    @Test
    void aLaggingDcsFlagsBreakThePairsTheAuditedDcsRulesWouldBreak() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT
                | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION).build();
        AdObject hv02Plain = host("HV02").delegatesTo("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        for (org.kcdauditor.config.ProtocolTransition pt : List.of(org.kcdauditor.config.ProtocolTransition.KERBEROS_ONLY,
                org.kcdauditor.config.ProtocolTransition.EITHER, org.kcdauditor.config.ProtocolTransition.ANY)) {
            PolicyConfig policy = new PolicyConfig(null, null, pt, null);
            AuditResult r = withDcs(policy, List.of(hv01, hv02), DC1, dc2(hv01, hv02Plain));
            Finding f = of(r, "DC_NOT_CONVERGED").get(0);
            boolean any = pt == org.kcdauditor.config.ProtocolTransition.ANY;
            assertEquals(any ? List.of("HV02->HV01") : List.of(), blockedBy(r, f), pt.toString());
            assertEquals(any ? org.kcdauditor.model.Severity.HIGH : org.kcdauditor.model.Severity.MEDIUM,
                    f.severity(), pt.toString());
            assertEquals(any ? List.of(new org.kcdauditor.model.Evidence.PairRef("HV02", "HV01")) : List.of(),
                    f.evidence().pairs(), pt.toString());
            if (!any) {
                assertFalse(f.message().contains("cannot migrate"), f.message());
                assertTrue(f.message().endsWith(" No pair fails on dc2.contoso.com for this difference."),
                        f.message());
            }
        }
        for (int bit : new int[]{Uac.ACCOUNTDISABLE, Uac.USE_DES_KEY_ONLY}) {
            AuditResult r = withDcs(List.of(hv01, hv02), DC1, dc2(hv01, host("HV02").delegatesTo("HV01")
                    .uac(hv02.userAccountControl() | bit).build()));
            assertEquals(List.of("HV01->HV02", "HV02->HV01"), blockedBy(r, of(r, "DC_NOT_CONVERGED").get(0)),
                    Uac.flagNames(bit).toString());
        }
        // unconstrained delegation or a password flag on dc2 breaks nothing either
        for (int bit : new int[]{Uac.TRUSTED_FOR_DELEGATION, 0x10000, 0x20}) {
            AuditResult r = withDcs(new PolicyConfig(null, null, org.kcdauditor.config.ProtocolTransition.ANY, null),
                    List.of(hv01, hv02), DC1, dc2(hv01, host("HV02").delegatesTo("HV01")
                    .uac(hv02.userAccountControl() | bit).build()));
            assertEquals(List.of(), blockedBy(r, of(r, "DC_NOT_CONVERGED").get(0)), Integer.toHexString(bit));
        }
    }

    /**
     * Encryption types on a lagging DC block where that DC's value lacks AES or names no ticket type, as
     * AES_NOT_ENABLED would on the audited DC; RC4+AES against AES alone breaks nothing. Named in words.
     */
    @Test
    void aLaggingDcsEncryptionTypesBlockOnlyWithoutAes() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").encryptionTypes(0x1C).build();
        AuditResult r = withDcs(List.of(hv01, hv02), DC1, dc2(hv01, host("HV02").delegatesTo("HV01")
                .encryptionTypes(0x18).build()));
        Finding f = of(r, "DC_NOT_CONVERGED").get(0);
        assertEquals(List.of(), blockedBy(r, f));
        assertEquals(org.kcdauditor.model.Severity.MEDIUM, f.severity());
        assertEquals("dc2.contoso.com and dc1.contoso.com (the DC the audit read) disagree on HV02's"
                + " msDS-SupportedEncryptionTypes: dc1.contoso.com holds RC4-HMAC, AES128-CTS-HMAC-SHA1-96,"
                + " AES256-CTS-HMAC-SHA1-96 (0x1C), dc2.contoso.com AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96"
                + " (0x18). No pair fails on dc2.contoso.com for this difference.", f.message());
        assertEquals(List.of("28"), f.evidence().expected(), "findings.json keeps the value");
        // 0x20 alone names no ticket type: blocked both ways
        AuditResult none = withDcs(List.of(hv01, hv02), DC1, dc2(hv01, host("HV02").delegatesTo("HV01")
                .encryptionTypes(0x20).build()));
        assertEquals(List.of("HV01->HV02", "HV02->HV01"), blockedBy(none, of(none, "DC_NOT_CONVERGED").get(0)));
    }

    @Test
    void valuesThatDifferOnlyInSpellingAgreeAndRealDifferencesAreOneFindingPerAttribute() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").encryptionTypes(0x1C).build();
        // dc2: HV01's entries spelled otherwise (case, trailing dot) agree; HV02 lacks one entry, has other enc types
        AdObject hv01There = new AdObject(hv01.dn(), "HV01", "HV01$", hv01.dnsHostName(), hv01.userAccountControl(),
                hv01.spns(), hv01.delegateTo().stream().map(v -> v.toUpperCase() + ".").toList(), false, List.of(),
                hv01.objectSid(), null, null, null, 0, null, null, null);
        List<String> fewer = new ArrayList<>(hv02.delegateTo());
        fewer.remove("cifs/hv01.contoso.com");
        AdObject hv02There = new AdObject(hv02.dn(), "HV02", "HV02$", hv02.dnsHostName(), hv02.userAccountControl(),
                hv02.spns(), fewer, false, List.of(), hv02.objectSid(), null, null, null, 0, null, 0x4, null);
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(hv01There, hv02There), List.of()));
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        assertEquals(List.of("msDS-AllowedToDelegateTo", "msDS-SupportedEncryptionTypes"), f.stream()
                .map(x -> x.evidence().attribute()).sorted().toList());
        assertTrue(f.stream().allMatch(x -> x.host().equals("HV02") && "HVC1".equals(x.cluster())));
        Finding enc = f.stream().filter(x -> x.evidence().attribute().startsWith("msDS-Supported")).findFirst()
                .orElseThrow();
        assertEquals("dc2.contoso.com and dc1.contoso.com (the DC the audit read) disagree on HV02's"
                + " msDS-SupportedEncryptionTypes: dc1.contoso.com holds RC4-HMAC, AES128-CTS-HMAC-SHA1-96,"
                + " AES256-CTS-HMAC-SHA1-96 (0x1C), dc2.contoso.com RC4-HMAC (0x4). On dc2.contoso.com, 2 directed"
                + " pairs cannot migrate.", enc.message());
        Action.Manual m = (Action.Manual) enc.actions().get(0);
        assertEquals(new Action.Replicate("dc1.contoso.com", "dc2.contoso.com"), m.proposed().get(0));
        // distinct ids per DC, host and attribute
        assertEquals(2, f.stream().map(Finding::id).distinct().count());
    }

    @Test
    void aDcThatStillHoldsAnExpiredAccountBlocksItsPairsThere() {
        // the admin cleared HV02's expiry on dc1 (the DC read); dc2 still has the account expired and refuses it a TGT
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AdObject hv02There = host("HV02").delegatesTo("HV01").accountExpires(Instant.EPOCH.minusSeconds(3600)).build();
        AdObject hv02Dc3 = host("HV02").delegatesTo("HV01").accountExpires(Instant.EPOCH.plusSeconds(86_400)).build();
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(hv01, hv02There), List.of()),
                new DcRead("dc3.contoso.com", "ldaps://dc3.contoso.com:636", false, false, null,
                        List.of(hv01, hv02Dc3), List.of()));
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        assertEquals(List.of("accountExpires", "accountExpires"), f.stream().map(x -> x.evidence().attribute()).toList());
        Finding dc2 = f.stream().filter(x -> "dc2.contoso.com".equals(x.evidence().dc())).findFirst().orElseThrow();
        assertTrue(dc2.message().contains("accountExpires: dc1.contoso.com holds never, dc2.contoso.com "
                + "1969-12-31T23:00:00Z"), dc2.message());
        List<String> blocked = r.context().pairs().stream().filter(p -> p.blockers().stream()
                .anyMatch(b -> b.findingId().equals(dc2.id()))).map(p -> p.source().name() + "->" + p.target().name())
                .toList();
        assertEquals(List.of("HV01->HV02", "HV02->HV01"), blocked, "an expired account gets no TGT from dc2");
        Finding dc3 = f.stream().filter(x -> "dc3.contoso.com".equals(x.evidence().dc())).findFirst().orElseThrow();
        assertTrue(r.context().pairs().stream().noneMatch(p -> p.blockers().stream()
                .anyMatch(b -> b.findingId().equals(dc3.id()))), "an expiry still ahead breaks no pair");
    }

    /**
     * HV02's account was marked "sensitive and cannot be delegated" on dc1 (the DC read) and dc2 has not replicated it:
     * a real difference, but one that breaks no pair there. NOT_DELEGATED stops the delegation of tickets of HV02's own
     * account; the moves an operator starts delegate the operator's ticket, which HV02's flag does not touch. It blocked
     * both of HV02's pairs. Protocol transition missing on dc3 still blocks them.
     */
    @Test
    void aNodesNotDelegatedFlagNotReplicatedYetBreaksNoPair() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT
                | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.NOT_DELEGATED).build();
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(hv01, host("HV02").delegatesTo("HV01").build()), List.of()),
                new DcRead("dc3.contoso.com", "ldaps://dc3.contoso.com:636", false, false, null,
                        List.of(hv01, host("HV02").delegatesTo("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT
                                | Uac.NOT_DELEGATED).build()), List.of()));
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        assertEquals(List.of("dc2.contoso.com", "dc3.contoso.com"), f.stream().map(x -> x.evidence().dc()).sorted()
                .toList());
        Finding dc2 = f.stream().filter(x -> "dc2.contoso.com".equals(x.evidence().dc())).findFirst().orElseThrow();
        assertTrue(r.context().pairs().stream().noneMatch(p -> p.blockers().stream()
                .anyMatch(b -> b.findingId().equals(dc2.id()))), "NOT_DELEGATED alone breaks no pair");
        assertFalse(dc2.message().contains("cannot migrate"), dc2.message());
        assertTrue(dc2.message().endsWith(" The difference is NOT_DELEGATED alone, which stops only the delegation of"
                + " tickets of HV02's own account: the moves operators start delegate their own tickets, so no pair"
                + " fails on dc2.contoso.com for it."), dc2.message());
        // no pair blocked: MEDIUM, as a file server's own difference where no pair uses its keys
        assertEquals(org.kcdauditor.model.Severity.MEDIUM, dc2.severity());
        Finding dc3 = f.stream().filter(x -> "dc3.contoso.com".equals(x.evidence().dc())).findFirst().orElseThrow();
        assertEquals(List.of(), blockedBy(r, dc3), "protocol transition off on dc3: policy either needs none");
        assertEquals(org.kcdauditor.model.Severity.MEDIUM, dc3.severity());
    }

    /**
     * Nodes in an OU whose name is not all ASCII (OU=Zürich) are compared with the other DCs as any other: the DN keys
     * of the nodes checked and of a DC's copies are folded alike.
     */
    @Test
    void aNodeInAnOuWithALetterOutsideAsciiIsComparedOnTheOtherDcs() {
        String ou = ",OU=Z\u00fcrich,DC=contoso,DC=com";
        AdObject hv01 = host("HV01").dn("CN=HV01" + ou).delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").dn("CN=HV02" + ou).delegatesTo("HV01").build();
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc3.contoso.com", "ldaps://dc3.contoso.com:636", false, false, null,
                        List.of(hv01, host("HV02").dn("CN=HV02" + ou).delegatesTo("HV01")
                                .uac(Uac.WORKSTATION_TRUST_ACCOUNT).build()), List.of()));
        assertEquals(List.of("dc3.contoso.com"), of(r, "DC_NOT_CONVERGED").stream().map(x -> x.evidence().dc())
                .toList(), "protocol transition off on dc3");
    }

    @Test
    void aLaggingRbcdDescriptorNamesTheAccountsItsSidsAre() {
        // HV01 allows HV02 by RBCD on dc1; dc2 has not replicated the descriptor yet
        Hosts hv02b = host("HV02");
        AdObject hv02 = hv02b.delegatesTo("HV01").build();
        AdObject hv01 = host("HV01").rbcdFrom(hv02.objectSid()).build();
        AdObject hv01There = there(hv01, hv01.spns(), hv01.delegateTo());
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(hv01There, hv02), List.of()));
        Finding f = of(r, "DC_NOT_CONVERGED").stream().filter(x -> x.evidence().attribute()
                .equals("msDS-AllowedToActOnBehalfOfOtherIdentity")).findFirst().orElseThrow();
        assertTrue(f.message().contains("dc2.contoso.com lacks " + hv02.objectSid() + " (HV02)"), f.message());
    }

    /**
     * The audited DC no longer holds the access-denied ACE that refused HV02 in HV01's resource-based delegation (the
     * admin removed it); dc2 has not replicated that yet and still refuses HV02, whatever it allows: HV02 -> HV01 fails
     * for hosts whose KDC is dc2, so the difference is DC_NOT_CONVERGED and blocks that pair.
     */
    @Test
    void aLaggingDcThatStillRefusesTheSourceBlocksTheRbcdPair() {
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AdObject hv01 = host("HV01").rbcdFrom(hv02.objectSid()).build();
        AdObject hv01There = new AdObject(hv01.dn(), hv01.cn(), hv01.samAccountName(), hv01.dnsHostName(),
                hv01.userAccountControl(), hv01.spns(), hv01.delegateTo(), true, hv01.rbcdSids(), hv01.objectSid(),
                null, null, null, 0, null, null, null, List.of(hv02.objectSid()));
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(hv01There, hv02), List.of()));
        Finding f = of(r, "DC_NOT_CONVERGED").stream().filter(x -> x.evidence().attribute()
                .equals("msDS-AllowedToActOnBehalfOfOtherIdentity")).findFirst().orElseThrow();
        assertTrue(f.message().contains("dc2.contoso.com still holds an access-denied entry for " + hv02.objectSid()
                + " (HV02)"), f.message());
        PairStatus in = r.context().pairs().stream().filter(p -> p.source().name().equals("HV02")).findFirst()
                .orElseThrow();
        assertTrue(in.rbcd(), "dc1 allows it");
        assertEquals(List.of(new Blocker("DC_NOT_CONVERGED", f.id())), in.blockers());
        assertEquals(List.of("HV02"), f.evidence().pairs().stream().map(x -> x.from()).toList());
    }

    @Test
    void aGroupMembershipALaggingDcLacksBlocksThePairTheGroupAllows() {
        // HV01's RBCD allows the group HV Hosts; dc1 has HV02 in it, dc2 not yet: a TGT dc2 issues HV02 lacks the group,
        // so the KDC refuses HV02 -> HV01 there, though both DCs hold the same descriptor
        String group = "S-1-5-21-1-2-3-5000";
        AdObject hv02 = host("HV02").build();
        AdObject hv01 = host("HV01").delegatesTo("HV02").rbcdFrom(group).build();
        RbcdPrincipal withHv02 = new RbcdPrincipal(group, "CN=HV Hosts,DC=contoso,DC=com", "HV Hosts",
                RbcdPrincipal.Kind.GROUP, Map.of(hv02.objectSid(), "HV02"), true);
        RbcdPrincipal empty = new RbcdPrincipal(group, "CN=HV Hosts,DC=contoso,DC=com", "HV Hosts",
                RbcdPrincipal.Kind.GROUP, Map.of(), true);
        java.util.function.Function<RbcdPrincipal, AuditResult> audit = there -> {
            DcRead dc2 = new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                    List.of(hv01, hv02), List.of(), Map.of(group, there));
            DirectoryPart part = new DirectoryPart("default", "ldaps://dc1.contoso.com", "DC=contoso,DC=com",
                    "dc1.contoso.com", null, null, false, null, 0, 2, null, true, List.of(new DcRead("dc1.contoso.com",
                    null, false, true, null, null, null), dc2));
            Snapshot s = new Snapshot(Instant.EPOCH, "ldaps://dc1.contoso.com", "DC=contoso,DC=com",
                    List.of(hv01, hv02), "dc1.contoso.com", null, null, List.of(), List.of(part), null,
                    Map.of(group, withHv02));
            return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(HVC1), PolicyConfig.defaults());
        };
        AuditResult r = audit.apply(empty);
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV01", f.get(0).host());
        assertTrue(f.get(0).message().contains("dc2.contoso.com") && f.get(0).message().contains("HV02")
                && f.get(0).message().contains("HV Hosts"), f.get(0).message());
        PairStatus in = r.context().pairs().stream().filter(p -> p.source().name().equals("HV02")).findFirst()
                .orElseThrow();
        assertTrue(in.rbcd(), "dc1 allows it");
        assertEquals(List.of(new Blocker("DC_NOT_CONVERGED", f.get(0).id())), in.blockers());
        assertTrue(r.context().pairs().stream().filter(p -> p.source().name().equals("HV01")).allMatch(PairStatus::ok));
        // converged: nothing
        assertEquals(List.of(), of(audit.apply(withHv02), "DC_NOT_CONVERGED"));
    }

    /**
     * svc-nas registers NAS01's cifs SPNs on dc2 only, while NAS01 keeps HOST/ (a NAS being keyed on svc-nas with
     * ktpass -mapuser): once replicated the audit reads NAS01 as keyed on svc-nas (INFO). The finding said NAS01 cannot
     * read the tickets (TARGET_SPN_NOT_REGISTERED) and its only fix took the SPNs off svc-nas, which breaks such a NAS;
     * it now says the tickets are issued in svc-nas's keys and decides between keeping them (replicate) and taking
     * them off.
     */
    @Test
    void aFileServersCifsSpnsOnAServiceAccountOnALaggingDcAreAKeyingToDecide() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").entry("cifs/NAS01").entry("cifs/nas01.contoso.com").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").entry("cifs/NAS01").entry("cifs/nas01.contoso.com").build();
        AdObject nas = host("NAS01").os("Samba", null).build();
        AdObject svc = Hosts.user("svc-nas", "cifs/NAS01", "cifs/nas01.contoso.com");
        List<AdObject> ours = List.of(hv01, hv02, nas);
        DirectoryPart part = new DirectoryPart("default", "ldaps://dc1.contoso.com", "DC=contoso,DC=com",
                "dc1.contoso.com", null, null, false, null, 0, ours.size(), null, true, List.of(new DcRead(
                "dc1.contoso.com", null, false, true, null, null, null), new DcRead("dc2.contoso.com",
                "ldaps://dc2.contoso.com:636", false, false, null, ours, List.of(), Map.of(), List.of(svc))));
        Snapshot s = new Snapshot(Instant.EPOCH, "ldaps://dc1.contoso.com", "DC=contoso,DC=com", ours,
                "dc1.contoso.com", null, null, List.of(), List.of(part), null);
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(new ClusterConfig("HVC1",
                List.of("HV01", "HV02"), null, List.of("NAS01"), "default")), PolicyConfig.defaults());
        Finding f = of(r, "DC_NOT_CONVERGED").get(0);
        assertEquals("NAS01", f.host());
        assertTrue(f.message().contains("dc2.contoso.com's KDC issues their tickets in the keys of " + svc.dn()),
                f.message());
        assertFalse(f.message().contains("NAS01 cannot read, as"), f.message());
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.startsWith("If NAS01's SMB service is being keyed on " + svc.dn() + " (ktpass -mapuser, a"
                + " NAS's service account setting), keep the SPNs there: push them from dc2.contoso.com"), what);
        assertTrue(what.contains("If not: Take cifs/NAS01, cifs/nas01.contoso.com off"), what);
    }

    @Test
    void aDuplicateSpnMadeOnALaggingDcBlocksThePairsIntoItsHolder() {
        // svc-vmm registers HV02's migration SPN (trailing-dot spelling) on dc2 only: dc2's KDC refuses tickets for it
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AdObject svc = Hosts.user("svc-vmm", MIG + "/HV02.contoso.com.");
        DcRead dc2 = new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                List.of(hv01, hv02), List.of(), Map.of(), List.of(svc));
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                dc2);
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        assertEquals(1, f.size(), f.toString());
        assertEquals("HV02", f.get(0).host());
        assertTrue(f.get(0).message().contains(svc.dn()) && f.get(0).message().contains(MIG + "/hv02.contoso.com"),
                f.get(0).message());
        PairStatus into = r.context().pairs().stream().filter(p -> p.target().name().equals("HV02")).findFirst()
                .orElseThrow();
        assertEquals(List.of(new Blocker("DC_NOT_CONVERGED", f.get(0).id())), into.blockers());
        assertTrue(r.context().pairs().stream().filter(p -> p.target().name().equals("HV01")).allMatch(PairStatus::ok));
        // the fix is taking the SPN off the other object on dc2, not replicating (which would spread the duplicate)
        Action.Manual fix = (Action.Manual) f.get(0).actions().get(0);
        assertEquals(List.of(), fix.proposed(), fix.toString());
        assertTrue(fix.what().contains("setspn -D") && fix.what().contains("dc2.contoso.com")
                && !fix.what().contains("push it now"), fix.what());
        // the DC is named; the DN and SPN as the other object stores them are typed from what it shows, not pasted
        // from the directory into a command
        assertTrue(fix.what().contains("Set-ADObject -Server 'dc2.contoso.com' -Identity '<its DN>'"), fix.what());
        assertFalse(f.get(0).message().contains("(setspn -D)"), "setspn cannot pick the DC: " + f.get(0).message());
        // the audited DC has it too: DUPLICATE_SPN says so, no DC difference
        AuditResult both = withDcs(List.of(hv01, hv02, svc), new DcRead("dc1.contoso.com", null, false, true, null,
                null, null), dc2);
        assertEquals(List.of(), of(both, "DC_NOT_CONVERGED"));
        assertEquals(1, of(both, "DUPLICATE_SPN").size());
        // another part makes another SPN: no duplicate
        AuditResult third = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null,
                null), new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                List.of(hv01, hv02), List.of(), Map.of(), List.of(Hosts.user("svc-x", MIG + "/hv02.contoso.com/x"))));
        assertEquals(List.of(), of(third, "DC_NOT_CONVERGED"));
    }

    /** {@code o} as another DC holds it: with these SPNs and delegation entries. */
    private static AdObject there(AdObject o, List<String> spns, List<String> delegateTo) {
        return new AdObject(o.dn(), o.name(), o.samAccountName(), o.dnsHostName(), o.userAccountControl(), spns,
                delegateTo, false, List.of(), o.objectSid(), null, null, null, 0, null, null, null);
    }

    @Test
    void aLaggingDcBlocksThePairsItsDifferenceBreaks() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        // dc2: HV01 lacks cifs/hv02.contoso.com (HV01 -> HV02) and HOST/hv01.contoso.com, through which
        // cifs/hv01.contoso.com is served (HV02 -> HV01); HV02 still holds a stale entry, which breaks no pair
        List<String> fewer = new ArrayList<>(hv01.delegateTo());
        fewer.remove("cifs/hv02.contoso.com");
        List<String> spns = new ArrayList<>(hv01.spns());
        spns.remove("HOST/hv01.contoso.com");
        List<String> more = new ArrayList<>(hv02.delegateTo());
        more.add("cifs/hv15.contoso.com");
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(there(hv01, spns, fewer), there(hv02, hv02.spns(), more)), List.of()));
        List<Finding> f = of(r, "DC_NOT_CONVERGED");
        Finding entries = f.stream().filter(x -> x.host().equals("HV01")
                && x.evidence().attribute().equals("msDS-AllowedToDelegateTo")).findFirst().orElseThrow();
        Finding spn = f.stream().filter(x -> x.evidence().attribute().equals("servicePrincipalName")).findFirst()
                .orElseThrow();
        Finding stale = f.stream().filter(x -> x.host().equals("HV02")).findFirst().orElseThrow();
        PairStatus out = r.context().pairs().stream().filter(p -> p.source().name().equals("HV01")).findFirst()
                .orElseThrow();
        PairStatus in = r.context().pairs().stream().filter(p -> p.source().name().equals("HV02")).findFirst()
                .orElseThrow();
        assertEquals(List.of(new Blocker("DC_NOT_CONVERGED", entries.id())), out.blockers());
        assertEquals(List.of(new Blocker("DC_NOT_CONVERGED", spn.id())), in.blockers());
        assertEquals(0, r.clusters().get(0).pairsOk(), "no pair can migrate on dc2 yet");
        assertTrue(entries.message().endsWith("On dc2.contoso.com, the pair HV01 -> HV02 cannot migrate."),
                entries.message());
        assertEquals(List.of("HV02"), entries.evidence().pairs().stream().map(x -> x.to()).toList());
        assertEquals(List.of(), stale.evidence().pairs(), "an entry dc2 still holds breaks nothing");
    }

    @Test
    void aHostSpnALaggingDcLacksBlocksNothingWhenTheTargetRegistersCifsItself() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").spn("cifs/hv01.contoso.com").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        // dc2 lacks HOST/hv01.contoso.com, but HV01 registers cifs/hv01.contoso.com itself: the KDC finds it there
        List<String> spns = new ArrayList<>(hv01.spns());
        spns.remove("HOST/hv01.contoso.com");
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc1.contoso.com", null, false, true, null, null, null),
                new DcRead("dc2.contoso.com", "ldaps://dc2.contoso.com:636", false, false, null,
                        List.of(there(hv01, spns, hv01.delegateTo()), there(hv02, hv02.spns(), hv02.delegateTo())),
                        List.of()));
        Finding spn = of(r, "DC_NOT_CONVERGED").get(0);
        assertEquals("servicePrincipalName", spn.evidence().attribute());
        assertEquals(List.of(), spn.evidence().pairs(), "no pair needs HOST/hv01.contoso.com on dc2");
        assertEquals(2, r.clusters().get(0).pairsOk());
    }

    @Test
    void anUnreachableDcIsOneMediumFindingOutsideAnyCluster() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AuditResult r = withDcs(List.of(hv01, hv02), new DcRead("dc3.contoso.com", "ldaps://dc3.contoso.com:636", true,
                false, "ldaps://dc3.contoso.com:636: cannot connect (refused)", null, null));
        List<Finding> f = of(r, "DC_UNREACHABLE");
        assertEquals(1, f.size());
        assertEquals(null, f.get(0).cluster());
        assertEquals("dc3.contoso.com", f.get(0).evidence().dc());
        assertTrue(of(r, "DC_NOT_CONVERGED").isEmpty());
    }

    /** HVC1 (HV01) of contoso with {@code contoso}'s objects, HVC2 (HV21) of fabrikam, in one migration group. */
    private static AuditResult crossDomain(List<AdObject> contoso, AdObject hv21) {
        DirectoryPart c = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, contoso.size(), null, false, List.of());
        DirectoryPart f = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, false, null, contoso.size(), 1, null, false, List.of());
        List<AdObject> objects = new java.util.ArrayList<>(contoso);
        objects.add(hv21);
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", objects, null, null, null, List.of(),
                List.of(c, f), null);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV21"), null, null, "fabrikam")),
                new PolicyConfig(null, null, null, List.of(List.of("HVC1", "HVC2"))));
    }

    @Test
    void crossDomainPairsNeedRbcdAndKeepThePrincipalsAlreadyAllowed() {
        Hosts hv01 = host("HV01");
        AdObject a = hv01.delegatesTo("HV21").build();
        AdObject other = host("SRV09").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        AdObject hv21 = host("HV21").dn("CN=HV21,OU=Hyper-V,DC=fabrikam,DC=com").rbcdFrom(other.objectSid()).build();
        AuditResult r = crossDomain(List.of(a, other), hv21);
        List<Finding> f = of(r, "CROSS_DOMAIN_NEEDS_RBCD");
        assertEquals(List.of("HV01->HV21", "HV21->HV01"), f.stream().map(x -> x.host() + "->" + x.peer()).sorted()
                .toList());
        assertTrue(of(r, "MISSING_DELEGATION").isEmpty());
        Action.AddRbcd fix = (Action.AddRbcd) f.stream().filter(x -> x.peer().equals("HV21")).findFirst().orElseThrow()
                .actions().get(0);
        assertEquals(List.of(new Action.Principal("SRV09", "contoso.com", other.objectSid(), true),
                new Action.Principal("HV01", "contoso.com", a.objectSid(), false)), fix.principals());
        assertEquals(0, r.presentEntries(), "HV01's entries for HV21 do not count across domains");
        assertTrue(a.delegateTo().contains(MIG + "/HV21"));
    }

    /**
     * A principal HV21 allows today whose cn is not its account name (SRV09 renamed in ADUC, account WAC01$): the
     * cmdlet replaces the whole list, so naming it '<cn>$' took the right away from it and gave it to whichever account
     * is called SRV09$ (anyone may create a computer account of that name). It is named by its SID, exactly.
     */
    @Test
    void aPrincipalAllowedTodayWhoseCnIsNotItsAccountIsKeptByItsSid() {
        AdObject a = host("HV01").delegatesTo("HV21").build();
        AdObject other = host("SRV09").sam("WAC01").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        AdObject hv21 = host("HV21").dn("CN=HV21,OU=Hyper-V,DC=fabrikam,DC=com").rbcdFrom(other.objectSid()).build();
        AuditResult r = crossDomain(List.of(a, other), hv21);
        Finding f = of(r, "CROSS_DOMAIN_NEEDS_RBCD").stream().filter(x -> x.peer().equals("HV21")).findFirst()
                .orElseThrow();
        assertFalse(f.remediation().contains("'SRV09$'"), f.remediation());
        assertTrue(f.remediation().contains("-PrincipalsAllowedToDelegateToAccount @('" + other.objectSid() + "', "),
                f.remediation());
    }

    /**
     * HV21 (fabrikam) lists HV01 (contoso) in its RBCD but refuses it with an access-denied entry: the pair is not
     * covered, and the fix must add HV01 (present false: the descriptor does not allow it today), not leave the list
     * as it is, and say that setting the list drops the denial.
     */
    @Test
    void aSourceTheTargetListsButRefusesIsAddedNotKept() {
        AdObject a = host("HV01").delegatesTo("HV21").build();
        AdObject built = host("HV21").dn("CN=HV21,OU=Hyper-V,DC=fabrikam,DC=com").build();
        AdObject hv21 = new AdObject(built.dn(), built.cn(), built.samAccountName(), built.dnsHostName(),
                built.userAccountControl(), built.spns(), built.delegateTo(), true, List.of(a.objectSid()),
                built.objectSid(), null, null, null, 0, null, null, null, List.of(a.objectSid()));
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, 1, null, false, List.of());
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, false, null, 1, 1, null, false, List.of());
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", List.of(a, hv21), null, null, null,
                List.of(), List.of(contoso, fabrikam), null);
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV21"), null, null, "fabrikam")),
                new PolicyConfig(null, null, null, List.of(List.of("HVC1", "HVC2"))));
        Finding f = of(r, "CROSS_DOMAIN_NEEDS_RBCD").stream().filter(x -> x.peer().equals("HV21")).findFirst()
                .orElseThrow();
        Action.AddRbcd fix = (Action.AddRbcd) f.actions().get(0);
        assertEquals(List.of(new Action.Principal("HV01", "contoso.com", a.objectSid(), false)), fix.principals());
        assertEquals(List.of(), fix.before());
        assertTrue(f.message().contains("refuses " + a.objectSid() + " (HV01) with access-denied entries"),
                f.message());
        assertTrue(f.remediation().contains("Allow HV01 (contoso.com) to delegate to HV21"), f.remediation());
    }

    /** A host of fabrikam.com: its DN, dNSHostName and SPNs in that domain, delegating to {@code peer} there. */
    private static AdObject fabrikam(String name, String peer, String... without) {
        String fqdn = name.toLowerCase(java.util.Locale.ROOT) + ".fabrikam.com";
        Hosts h = host(name).dn("CN=" + name + ",OU=Hyper-V,DC=fabrikam,DC=com").dns(fqdn)
                .withoutSpn("HOST/" + Hosts.fqdn(name)).withoutSpn(MIG + "/" + Hosts.fqdn(name))
                .spn("HOST/" + fqdn).spn(MIG + "/" + fqdn);
        for (String spn : without) {
            h.withoutSpn(spn);
        }
        for (String service : List.of(MIG, "cifs")) {
            h.entry(service + "/" + peer).entry(service + "/" + peer.toLowerCase(java.util.Locale.ROOT)
                    + ".fabrikam.com");
        }
        return h.build();
    }

    @Test
    void aNetbiosSpnInTwoDomainsIsNoDuplicateButOneDomainsOwnDuplicateStillIs() {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        // fabrikam has a server HV01 of its own (HOST/HV01 and the migration SPN/HV01 in its domain), no node, and a
        // service account registering its node HV03's migration SPN a second time there
        AdObject fab01 = fabrikam("HV01", "HV03");
        AdObject fab03 = fabrikam("HV03", "HV04");
        AdObject fab04 = fabrikam("HV04", "HV03");
        AdObject svc = new AdObject("CN=svc-vmm,CN=Users,DC=fabrikam,DC=com", "svc-vmm", "svc-vmm", null, 0x200,
                List.of(MIG + "/HV03"), List.of(), false, List.of(), "S-1-5-21-9-9-9-1500", null, null, null, 1, null,
                null, null);
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, 2, null, false, List.of());
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, false, null, 2, 4, null, false, List.of());
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", List.of(hv01, hv02, fab01, fab03, fab04,
                svc), null, null, null, List.of(), List.of(contoso, fabrikam), null);
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV03", "HV04"), null, null, "fabrikam")), PolicyConfig.defaults());
        // and two nodes of one name, in two domains, are refused: reports and history name hosts by that name
        ConfigException twice = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                        new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "contoso"),
                        new ClusterConfig("HVC2", List.of("HV01", "HV03"), null, null, "fabrikam")),
                        PolicyConfig.defaults()));
        assertEquals("clusters: two nodes are named HV01: CN=HV01,OU=Hyper-V,DC=contoso,DC=com (HVC1) and"
                + " CN=HV01,OU=Hyper-V,DC=fabrikam,DC=com (HVC2); node names must be unique across the config (the"
                + " reports, finding ids, the baseline and the history store name hosts by their NetBIOS name): rename"
                + " one, or audit the two with a config each", twice.getMessage());
        List<Finding> dup = of(r, "DUPLICATE_SPN");
        assertEquals(List.of("HVC2 HV03 " + MIG + "/HV03"), dup.stream().map(f -> f.cluster() + " " + f.host() + " "
                + f.spn()).toList(), "each domain's KDC looks its own SPNs up: " + dup);
        List<PairStatus> hvc1 = r.context().pairs().stream().filter(p -> p.cluster().equals("HVC1")).toList();
        assertEquals(2, hvc1.size());
        assertEquals(4, r.context().pairs().size());
        assertTrue(hvc1.stream().allMatch(PairStatus::ok), "HVC1 is fully delegated: " + hvc1);
        assertTrue(of(r, "TARGET_SPN_NOT_REGISTERED").isEmpty(), r.findings().toString());
        PairStatus into03 = r.context().pairs().stream().filter(p -> p.target() == fab03).findFirst().orElseThrow();
        assertEquals(List.of(Blocker.DUPLICATE_SPN), into03.blockers().stream().map(Blocker::rule).toList(),
                "fabrikam's own duplicate still blocks");
    }

    /**
     * A service account of contoso registering fabrikam's HOST/hv03.fabrikam.com, through which HV03 serves
     * cifs/hv03.fabrikam.com (sPNMappings): contoso's KDC, which HV01 and HV02 ask, resolves cifs/hv03 to that account,
     * so their pairs into HV03 are blocked by HV03's DUPLICATE_SPN of HOST/hv03.fabrikam.com; HV04 -> HV03, which asks
     * fabrikam's KDC, is not.
     */
    @Test
    void aHolderOfATargetsHostSpnInTheSourcesDomainBlocksItsCifsFromThatDomain() {
        AuditResult r = contosoHolderOf("HOST/hv03.fabrikam.com");
        List<Finding> dup = of(r, "DUPLICATE_SPN");
        assertEquals(List.of("HV03 HOST/hv03.fabrikam.com"), dup.stream().map(f -> f.host() + " " + f.spn()).toList(),
                r.findings().toString());
        assertEquals("contoso.com", dup.get(0).evidence().holders().get(0).domain());
        for (PairStatus p : r.context().pairs()) {
            if (p.target().name().equals("HV03")) {
                assertEquals(!p.source().name().equals("HV04"), p.blockers().stream().anyMatch(b -> b.rule().equals(
                        Blocker.DUPLICATE_SPN)), p.source().name() + ": " + p.blockers());
            }
        }
    }

    /**
     * A service account of contoso registering cifs/hv03.fabrikam.com itself, which HV03 serves only through its
     * HOST/hv03.fabrikam.com (sPNMappings): contoso's KDC, which HV01 and HV02 ask, finds that account for the SPN
     * (LookupSPN tries the SPN before its mapping, MS-DRSR 4.1.4.2.14), so their pairs into HV03 are blocked by HV03's
     * TARGET_SPN_NOT_REGISTERED, the account named with its domain and the SPN taken off it (HV03's HOST/X then serves
     * it again); HV04 -> HV03, which asks fabrikam's KDC, is not. It was no finding at all.
     */
    @Test
    void aHolderOfATargetsCifsSpnInTheSourcesDomainBlocksThePairsFromThatDomain() {
        AuditResult r = contosoHolderOf("cifs/hv03.fabrikam.com");
        assertTrue(of(r, "DUPLICATE_SPN").isEmpty(), r.findings().toString());
        List<Finding> unregistered = of(r, "TARGET_SPN_NOT_REGISTERED");
        assertEquals(List.of("HV03 cifs/hv03.fabrikam.com"), unregistered.stream().map(f -> f.host() + " " + f.spn())
                .toList(), r.findings().toString());
        Finding f = unregistered.get(0);
        assertEquals("contoso.com", f.evidence().holders().get(0).domain());
        assertEquals(List.of("HV01->HV03", "HV02->HV03"), f.evidence().pairs().stream().map(p -> p.from() + "->"
                + p.to()).toList());
        assertTrue(f.message().contains("contoso.com's KDC"), f.message());
        // taken off svc-old, nothing registered on HV03: its HOST/hv03.fabrikam.com serves cifs again
        assertEquals(List.of("UnregisterSpn CN=svc-old,CN=Users,DC=contoso,DC=com"), f.actions().stream()
                .flatMap(a -> a instanceof org.kcdauditor.remedy.Action.Manual m ? m.proposed().stream()
                        : java.util.stream.Stream.of(a))
                .map(a -> a.getClass().getSimpleName() + (a instanceof org.kcdauditor.remedy.Action.UnregisterSpn u ? " " + u.dn() : ""))
                .toList(), f.actions().toString());
        for (PairStatus p : r.context().pairs()) {
            if (p.target().name().equals("HV03")) {
                assertEquals(!p.source().name().equals("HV04"), p.blockers().stream().anyMatch(b -> b.rule().equals(
                        Blocker.TARGET_SPN_NOT_REGISTERED)), p.source().name() + ": " + p.blockers());
            }
        }
    }

    /**
     * HV03 lacks its migration SPN hv03.fabrikam.com, which svc-old of contoso registers: every pair into HV03 is its
     * TARGET_SPN_NOT_REGISTERED, which named no holder ("no object registers it") and proposed the registration on HV03
     * alone, which would not serve HV01 and HV02 (contoso's KDC, which they ask, finds svc-old first). It names svc-old
     * with its domain, and its decision takes the SPN off svc-old before registering it on HV03.
     */
    @Test
    void aTargetsSpnItLacksThatTheSourcesDomainHoldsIsTakenOffThereBeforeItIsRegistered() {
        String spn = MIG + "/hv03.fabrikam.com";
        AuditResult r = contosoHolderOf(spn, spn);
        assertTrue(of(r, "DUPLICATE_SPN").isEmpty(), r.findings().toString());
        Finding f = of(r, "TARGET_SPN_NOT_REGISTERED").stream().filter(x -> spn.equals(x.spn())).findFirst()
                .orElseThrow();
        assertEquals("HV03", f.host());
        assertEquals("contoso.com", f.evidence().holders().get(0).domain());
        assertEquals(List.of("HV01->HV03", "HV02->HV03", "HV04->HV03"), f.evidence().pairs().stream()
                .map(p -> p.from() + "->" + p.to()).sorted().toList());
        assertTrue(f.message().contains("the pairs from there fail, even once HV03 registers it"), f.message());
        assertEquals(List.of("UnregisterSpn CN=svc-old,CN=Users,DC=contoso,DC=com", "RegisterSpn HV03 " + spn),
                proposed(f));
    }

    /**
     * HV03 registers neither cifs/hv03.fabrikam.com nor HOST/hv03.fabrikam.com, which svc-old of contoso registers:
     * contoso's KDC, which HV01 and HV02 ask, finds no cifs SPN there and maps it to svc-old's HOST SPN, so
     * registering cifs/hv03.fabrikam.com on HV03 would not serve them. The finding read "no object registers it"; it
     * names svc-old with its domain, and its decision moves that HOST SPN from svc-old to HV03, off svc-old first.
     */
    @Test
    void aTargetsHostSpnThatTheSourcesDomainHoldsWhileTheTargetRegistersNeitherIsMovedFromThere() {
        String host = "HOST/hv03.fabrikam.com";
        AuditResult r = contosoHolderOf(host, host);
        assertTrue(of(r, "DUPLICATE_SPN").isEmpty(), r.findings().toString());
        Finding f = of(r, "TARGET_SPN_NOT_REGISTERED").stream().filter(x -> "cifs/hv03.fabrikam.com".equals(x.spn()))
                .findFirst().orElseThrow();
        assertEquals("contoso.com", f.evidence().holders().get(0).domain());
        assertTrue(f.message().contains("which svc-old (in contoso.com) registers instead; contoso.com's KDC, which the"
                + " sources there ask, finds no account for it in its own domain and maps it to the " + host), f.message());
        assertTrue(f.remediation().contains("take it off svc-old (in contoso.com) on a DC of contoso.com first"),
                f.remediation());
        assertEquals(List.of("UnregisterSpn CN=svc-old,CN=Users,DC=contoso,DC=com", "RegisterSpn HV03 " + host),
                proposed(f));
    }

    /** The actions {@code f}'s decision proposes: each kind, with the DN or host and SPN it writes. */
    private static List<String> proposed(Finding f) {
        return f.actions().stream().flatMap(a -> ((org.kcdauditor.remedy.Action.Manual) a).proposed().stream())
                .map(a -> a.getClass().getSimpleName() + " " + (a instanceof org.kcdauditor.remedy.Action.UnregisterSpn u
                        ? u.dn() : a instanceof org.kcdauditor.remedy.Action.RegisterSpn g ? g.host() + " " + g.spn()
                        : a.subject())).toList();
    }

    /**
     * contoso's HVC1 (HV01, HV02) grouped with fabrikam's HVC2 (HV03, HV04, registering HOST/ and the migration SPN,
     * no cifs; HV03 without {@code offHv03}), and a service account svc-old of contoso registering {@code spn}.
     */
    private static AuditResult contosoHolderOf(String spn, String... offHv03) {
        AdObject hv01 = host("HV01").delegatesTo("HV02").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        AdObject svc = new AdObject("CN=svc-old,CN=Users,DC=contoso,DC=com", "svc-old", "svc-old", null, 0x200,
                List.of(spn), List.of(), false, List.of(), Hosts.DOMAIN_SID + "-1500", null, null, null, 1, null, null,
                null);
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, 3, null, false, List.of());
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, false, null, 3, 2, null, false, List.of());
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", List.of(hv01, hv02, svc,
                fabrikam("HV03", "HV04", offHv03), fabrikam("HV04", "HV03")), null, null, null, List.of(),
                List.of(contoso, fabrikam), null);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV03", "HV04"), null, null, "fabrikam")),
                new PolicyConfig(null, null, null, List.of(List.of("HVC1", "HVC2"))));
    }

    @Test
    void aOneNodeClusterGroupedWithAClusterOfAnUnreadDirectoryIsNotSaidToHaveNoPartner() {
        // HVC1's only node migrates to fabrikam's HVC2, which was not read: its partners are unknown, not missing (the
        // verdict says the pairs into HVC2 were not checked)
        AdObject hv01 = host("HV01").delegatesTo("HV21").build();
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, 1, null, false, List.of());
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, true, "cannot connect", 1, 0, null, false, List.of());
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", List.of(hv01), null, null, null,
                List.of(), List.of(contoso, fabrikam), null);
        List<ClusterConfig> clusters = List.of(new ClusterConfig("HVC1", List.of("HV01"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV21", "HV22"), null, null, "fabrikam"));
        AuditResult grouped = new Auditor(RuleCatalogue.standard()).evaluate(s, clusters,
                new PolicyConfig(null, null, null, List.of(List.of("HVC1", "HVC2"))));
        assertTrue(of(grouped, "NO_MIGRATION_PARTNER").isEmpty(), grouped.findings().toString());
        AuditResult alone = new Auditor(RuleCatalogue.standard()).evaluate(s, clusters, PolicyConfig.defaults());
        assertEquals(List.of("HV01"), of(alone, "NO_MIGRATION_PARTNER").stream().map(Finding::host).toList());
    }

    @Test
    void entriesToTheNodesOfAnOptionalDirectoryThatWasNotReadAreNotStaleAndItsGroupHasNoGo() throws Exception {
        // HVC1 (contoso) and HVC2 (fabrikam, optional, unreachable) form a migration group: HV01's entries for HV21 are
        // unjudged while fabrikam is not read, and no script removes them
        AdObject hv01 = host("HV01").delegatesTo("HV02", "HV21").build();
        AdObject hv02 = host("HV02").delegatesTo("HV01").build();
        DirectoryPart contoso = new DirectoryPart("contoso", "ldaps://dc1.contoso.com", "DC=contoso,DC=com", null, null,
                null, false, null, 0, 2, null, false, List.of());
        DirectoryPart fabrikam = new DirectoryPart("fabrikam", "ldaps://dc1.fabrikam.com", "DC=fabrikam,DC=com", null,
                null, null, true, "cannot connect", 2, 0, null, false, List.of());
        Snapshot s = new Snapshot(Instant.EPOCH, "x", "DC=contoso,DC=com", List.of(hv01, hv02), null, null, null,
                List.of(), List.of(contoso, fabrikam), null);
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(
                new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null, "contoso"),
                new ClusterConfig("HVC2", List.of("HV21", "HV22"), null, null, "fabrikam")),
                new PolicyConfig(null, null, null, List.of(List.of("HVC1", "HVC2"))));
        assertTrue(of(r, "STALE_DELEGATION").isEmpty(), r.findings().toString());
        assertTrue(of(r, "HOST_NOT_FOUND").isEmpty(), "nothing of fabrikam's is reported missing");
        // HVC1's own pairs pass, but its pairs into HVC2 were not checked: no GO, before or after a change
        org.kcdauditor.report.FindingsDocument doc = org.kcdauditor.report.FindingsJson.build("r", Instant.EPOCH,
                Instant.EPOCH, org.kcdauditor.config.ConfigLoader.load(java.nio.file.Path.of(
                        "config/demo/kcd-audit-demo.yaml")), r, RuleCatalogue.standard());
        org.kcdauditor.report.FindingsDocument.ClusterDoc hvc1 = doc.clusters().get(0);
        assertEquals(hvc1.pairs(), hvc1.pairsOk());
        assertEquals(Boolean.FALSE, hvc1.go());
        assertEquals("DIRECTORY_NOT_READ", hvc1.reasons().get(0).rule());
        assertEquals("pairs into HVC2 (policy.migrationGroups) not checked: directory fabrikam could not be read",
                hvc1.reasons().get(0).text());
        assertFalse(org.kcdauditor.report.ReportView.of(doc).clusters().get(0).goAfter());
    }
}
