package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.ClusterSummary;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.config.ProtocolTransition;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.EventClassification;
import org.kcdauditor.model.EventRecord;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.HostSettings;
import org.kcdauditor.model.Operator;
import org.kcdauditor.model.OperatorAccount;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.model.Uac;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.GoVerdict;
import org.kcdauditor.support.Hosts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/**
 * The verdict of a pair follows the whole Kerberos exchange: duplicate target SPNs, AES on both accounts,
 * CredSSP on a host block it; delegation to a domain controller, operators who cannot be delegated and
 * disabled migration are findings of their own. Hand-built snapshots, no I/O.
 */
class KerberosExchangeRulesTest {
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    private static final Instant AES_SINCE = Instant.parse("2009-03-10T09:15:00Z");
    private static final ClusterConfig HVC1 = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, null);

    private static AdObject[] healthy() {
        return new AdObject[]{host("HV01").delegatesTo("HV02", "HV03").build(),
                host("HV02").delegatesTo("HV01", "HV03").build(), host("HV03").delegatesTo("HV01", "HV02").build()};
    }

    private static AuditResult audit(List<Operator> operators, AuditInputs inputs, AdObject... objects) {
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", Arrays.asList(objects), "dc1.contoso.com",
                null, AES_SINCE, operators);
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(HVC1), PolicyConfig.defaults(), inputs);
    }

    private static AuditResult audit(AdObject... objects) {
        return audit(List.of(), AuditInputs.none(NOW), objects);
    }

    /**
     * HVC1 (HV01–HV03, delegated to each other) with {@code fs} as its file server, each node delegating to its
     * {@code cifs/} in both name forms; {@code others} beside them.
     */
    private static AuditResult withFileServer(AdObject fs, AdObject... others) {
        return withFileServer(java.util.Set.of(), fs, others);
    }

    /** The same with the managed service accounts (their DNs, lower case) the sweep found. */
    private static AuditResult withFileServer(java.util.Set<String> managed, AdObject fs, AdObject... others) {
        List<AdObject> all = new ArrayList<>(Arrays.asList(others));
        for (String n : List.of("HV01", "HV02", "HV03")) {
            all.add(host(n).delegatesTo(List.of("HV01", "HV02", "HV03").stream().filter(p -> !p.equals(n))
                    .toArray(String[]::new)).entry("cifs/" + fs.cn()).entry("cifs/" + fs.dnsHostName()).build());
        }
        all.add(fs);
        ClusterConfig c = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, List.of(fs.cn()));
        return new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t", "DC=contoso,DC=com", all,
                null, null, AES_SINCE, List.of(), List.of(), null, null, managed), List.of(c), PolicyConfig.defaults());
    }

    private static List<Finding> of(AuditResult r, String rule) {
        return r.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    private static PairStatus pair(AuditResult r, String from, String to) {
        return r.context().pairs().stream().filter(p -> p.source().name().equals(from)
                && p.target().name().equals(to)).findFirst().orElseThrow();
    }

    private static AdObject[] replace(AdObject[] all, AdObject one) {
        List<AdObject> out = new ArrayList<>();
        for (AdObject o : all) {
            out.add(o.name().equals(one.name()) ? one : o);
        }
        return out.toArray(AdObject[]::new);
    }

    private static AdObject[] plus(AdObject[] all, AdObject... more) {
        List<AdObject> out = new ArrayList<>(Arrays.asList(all));
        out.addAll(Arrays.asList(more));
        return out.toArray(AdObject[]::new);
    }

    @Test
    void aHealthyClusterHasNoBlockers() {
        AuditResult r = audit(healthy());
        assertEquals(List.of(), r.findings());
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok));
    }

    @Test
    void aDuplicateTargetSpnBlocksThePairsIntoItAndTheFixTakesItOffTheOtherHolder() {
        AuditResult r = audit(plus(healthy(), org.kcdauditor.support.Hosts.user("svc-vmm", MIG + "/hv02.contoso.com")));
        Finding dup = of(r, "DUPLICATE_SPN").get(0);
        for (String from : List.of("HV01", "HV03")) {
            PairStatus p = pair(r, from, "HV02");
            assertFalse(p.ok(), "into HV02: the KDC refuses the ticket");
            assertEquals(4, p.present(), "all entries are there");
            assertEquals(List.of(new Blocker("DUPLICATE_SPN", dup.id())), p.blockers());
        }
        assertTrue(pair(r, "HV02", "HV01").ok(), "out of HV02 is fine");
        assertEquals(4, r.clusters().get(0).pairsOk(), "pairsOk counts it");
        assertEquals(List.of("HV01", "HV03"), dup.evidence().pairs().stream().map(x -> x.from()).toList());
        assertEquals(List.of(new Action.UnregisterSpn("svc-vmm", "svc-vmm", "CN=svc-vmm,CN=Users,DC=contoso,DC=com",
                MIG + "/hv02.contoso.com", null)), dup.actions(), "the SPN names HV02: take it off svc-vmm");
        assertTrue(dup.remediation().contains("Set-ADObject -Identity 'CN=svc-vmm,CN=Users,DC=contoso,DC=com' -Remove"
                + " @{servicePrincipalName='" + MIG + "/hv02.contoso.com'}"), dup.remediation());
    }

    @Test
    void aDuplicateIsTheWholeSpnAsTheKdcComparesIt() {
        // a third part makes another SPN (setspn -X agrees); case and a trailing dot on the host do not
        AuditResult r = audit(plus(healthy(), org.kcdauditor.support.Hosts.user("svc-sql",
                "HOST/hv01.contoso.com/contoso.com"), org.kcdauditor.support.Hosts.user("svc-old", "host/HV03.contoso.com.")));
        assertEquals(List.of("HV03 HOST/hv03.contoso.com"), of(r, "DUPLICATE_SPN").stream()
                .map(f -> f.host() + " " + f.spn()).toList(), "svc-sql's HOST/hv01.contoso.com/contoso.com is no duplicate");
        assertTrue(pair(r, "HV02", "HV01").ok());
        assertFalse(pair(r, "HV02", "HV03").ok(), "cifs/hv03.contoso.com resolves to two accounts");
    }

    @Test
    void aCifsSpnRegisteredOnlyWithAThirdPartStillResolvesThroughADuplicatedHostSpn() {
        // HV02's own cifs registration has a third part, another SPN: cifs/hv02.contoso.com still goes through
        // HOST/hv02.contoso.com, which OLDHV02 holds too, so it resolves to two accounts
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").spn("cifs/hv02.contoso.com/contoso.com").build();
        AuditResult r = audit(host("HV01").delegatesTo("HV02", "HV03").build(), hv02,
                host("HV03").delegatesTo("HV01", "HV02").build(), host("OLDHV02").spn("HOST/hv02.contoso.com").build());
        Finding dup = of(r, "DUPLICATE_SPN").stream().filter(f -> f.spn().equals("HOST/hv02.contoso.com"))
                .findFirst().orElseThrow();
        assertEquals(List.of(new Blocker("DUPLICATE_SPN", dup.id())), pair(r, "HV01", "HV02").blockers(),
                "HV01 -> HV02 needs cifs/hv02.contoso.com");
    }

    @Test
    void aDuplicateHostSpnBlocksThePairsNeedingTheCifsSpnItServes() {
        // HV02 registers no cifs SPN: the KDC resolves cifs/hv02.contoso.com through HOST/hv02.contoso.com, which
        // OLDHV02 holds too, so cifs/hv02.contoso.com resolves to two accounts
        AuditResult r = audit(plus(healthy(), host("OLDHV02").spn("HOST/hv02.contoso.com").build()));
        Finding dup = of(r, "DUPLICATE_SPN").get(0);
        assertEquals("HOST/hv02.contoso.com", dup.spn());
        for (String from : List.of("HV01", "HV03")) {
            assertEquals(List.of(new Blocker("DUPLICATE_SPN", dup.id())), pair(r, from, "HV02").blockers(),
                    from + " -> HV02 needs cifs/hv02.contoso.com");
        }
        assertTrue(pair(r, "HV02", "HV01").ok(), "out of HV02 is fine");
        assertEquals(List.of("HV01", "HV03"), dup.evidence().pairs().stream().map(x -> x.from()).toList());
        assertTrue(dup.message().contains("and for cifs/hv02.contoso.com"), dup.message());
        assertEquals(List.of(new Action.UnregisterSpn("OLDHV02", "OLDHV02$",
                "CN=OLDHV02,OU=Hyper-V,DC=contoso,DC=com", "HOST/hv02.contoso.com", null)), dup.actions(),
                "the SPN names HV02: taken off OLDHV02, so the plan tests a move into HV02");
    }

    @Test
    void aCifsSpnTheTargetServesThroughHostButAnotherAccountRegistersBlocksThePairsIntoIt() {
        // HV02 has no cifs SPN of its own (HOST/hv02 serves it); OLDHV02 registers cifs/hv02.contoso.com exactly: the
        // KDC finds OLDHV02 first and encrypts the ticket with its key, which HV02 cannot read
        AuditResult r = audit(plus(healthy(), host("OLDHV02").spn("cifs/hv02.contoso.com").build()));
        Finding f = of(r, "TARGET_SPN_NOT_REGISTERED").get(0);
        assertEquals("HV02", f.host());
        assertEquals("cifs/hv02.contoso.com", f.spn());
        assertTrue(f.message().contains("it is registered on OLDHV02 instead"), f.message());
        for (String from : List.of("HV01", "HV03")) {
            assertEquals(List.of(new Blocker("TARGET_SPN_NOT_REGISTERED", f.id())), pair(r, from, "HV02").blockers(),
                    from + " -> HV02 needs cifs/hv02.contoso.com");
        }
        assertTrue(pair(r, "HV02", "HV01").ok(), "out of HV02 is fine");
        // a yes takes it off OLDHV02 and nothing more: HV02's HOST/hv02.contoso.com then serves cifs/hv02 (the KDC
        // issued it so against Samba); registering cifs/hv02 on HV02 as well would be a change the pairs do not need
        Action.Manual decision = (Action.Manual) f.actions().get(0);
        assertEquals(List.of(new Action.UnregisterSpn("OLDHV02", "OLDHV02$", "CN=OLDHV02,OU=Hyper-V,DC=contoso,DC=com",
                "cifs/hv02.contoso.com", null)), decision.proposed(), f.remediation());
        assertTrue(decision.what().contains("HOST/hv02.contoso.com"), decision.what());
        assertFalse(f.remediation().contains("-ServicePrincipalNames @{Add="), f.remediation());
        assertTrue(of(audit(healthy()), "TARGET_SPN_NOT_REGISTERED").isEmpty(), "HOST/X alone serves cifs/X");
        // RBCD does not help: the KDC still finds OLDHV02 first
        org.kcdauditor.support.Hosts hv01 = host("HV01").delegatesTo("HV03");
        AuditResult rbcd = audit(plus(replace(replace(healthy(), hv01.build()), host("HV02")
                .delegatesTo("HV01", "HV03").rbcdFrom(hv01.sid()).build()), host("OLDHV02")
                .spn("cifs/hv02.contoso.com").build()));
        assertTrue(pair(rbcd, "HV01", "HV02").rbcd());
        assertFalse(pair(rbcd, "HV01", "HV02").ok(), "covered by RBCD, still blocked");
        // a three-part cifs/hv02.contoso.com/CONTOSO elsewhere is another SPN: HOST/hv02 still serves cifs/hv02
        AuditResult third = audit(plus(healthy(), host("OLDHV02").spn("cifs/hv02.contoso.com/CONTOSO").build()));
        assertTrue(pair(third, "HV01", "HV02").ok(), third.findings().toString());
    }

    @Test
    void aCifsSpnServedThroughAHostSpnOfAnotherAccountNamesThatAccountAndMovesTheHostSpn() {
        // HV02 registers neither cifs/hv02.contoso.com nor HOST/hv02.contoso.com, which OLDHV02 holds (the reason a
        // re-joined HV02 could not register it): the KDC resolves cifs/hv02 through OLDHV02's HOST/hv02 and encrypts
        // the ticket with OLDHV02's key. Registering HOST/hv02 on HV02 too would make it a duplicate (a DC refuses it)
        AuditResult r = audit(replace(plus(healthy(), host("OLDHV02").spn("HOST/hv02.contoso.com").build()),
                host("HV02").delegatesTo("HV01", "HV03").withoutSpn("HOST/hv02.contoso.com").build()));
        Finding f = of(r, "TARGET_SPN_NOT_REGISTERED").get(0);
        assertEquals("HV02 cifs/hv02.contoso.com", f.host() + " " + f.spn());
        assertTrue(f.message().contains("the KDC serves it through HOST/hv02.contoso.com, which OLDHV02 registers"),
                f.message());
        assertEquals(List.of("OLDHV02"), f.evidence().holders().stream().map(h -> h.name()).toList());
        assertFalse(pair(r, "HV01", "HV02").ok());
        Action.Manual decision = (Action.Manual) f.actions().get(0);
        assertEquals(List.of(new Action.UnregisterSpn("OLDHV02", "OLDHV02$", "CN=OLDHV02,OU=Hyper-V,DC=contoso,DC=com",
                "HOST/hv02.contoso.com", null), new Action.RegisterSpn("HV02", "HOST/hv02.contoso.com")),
                decision.proposed(), f.remediation());
    }

    @Test
    void aTargetSpnRegisteredOnlyWithAThirdPartIsNotRegistered() {
        // HV02 registers its migration SPN only as .../hv02.contoso.com/contoso.com: the KDC looks up the two-part SPN
        // a source asks for and finds no account (a third part makes another SPN, as for duplicates)
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .withoutSpn(MIG + "/hv02.contoso.com").spn(MIG + "/hv02.contoso.com/contoso.com").build()));
        List<Finding> f = of(r, "TARGET_SPN_NOT_REGISTERED");
        assertEquals(List.of("HV02 " + MIG + "/hv02.contoso.com"), f.stream().map(x -> x.host() + " " + x.spn()).toList());
        assertTrue(f.get(0).message().contains("no object registers it"), f.get(0).message());
        assertFalse(pair(r, "HV01", "HV02").ok(), "the KDC cannot find the service");
        assertFalse(pair(r, "HV03", "HV02").ok());
        assertTrue(pair(r, "HV02", "HV01").ok(), "out of HV02 is fine");
        // nor does a HOST/X with a third part serve cifs/X
        AuditResult host = audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02")
                .withoutSpn("HOST/hv03.contoso.com").spn("HOST/hv03.contoso.com/contoso.com").build()));
        assertEquals(List.of("HV03 cifs/hv03.contoso.com"), of(host, "TARGET_SPN_NOT_REGISTERED").stream()
                .map(x -> x.host() + " " + x.spn()).toList());
        assertFalse(pair(host, "HV01", "HV03").ok());
    }

    @Test
    void aHostAliasLeftOnAnotherNodeIsHeldByTheNodeItNamesAndBlocksThePairsIntoIt() {
        // HV01, met first, carries a leftover HOST/hv02.contoso.com: the SPN names HV02, so HV02 holds it and
        // the pairs into HV02 (which need cifs/hv02.contoso.com, served through it) are blocked
        AuditResult r = audit(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03")
                .spn("HOST/hv02.contoso.com").build()));
        Finding dup = of(r, "DUPLICATE_SPN").get(0);
        assertEquals("HV02", dup.host());
        for (String from : List.of("HV01", "HV03")) {
            assertEquals(List.of(new Blocker("DUPLICATE_SPN", dup.id())), pair(r, from, "HV02").blockers(),
                    from + " -> HV02");
        }
        assertTrue(pair(r, "HV02", "HV01").ok(), "HV01's own SPNs are not the duplicate");
        assertEquals(2, dup.evidence().pairs().size());
        assertEquals(List.of(new Action.UnregisterSpn("HV01", "HV01$", "CN=HV01,OU=Hyper-V,DC=contoso,DC=com",
                "HOST/hv02.contoso.com", null)), dup.actions(), "taken off HV01, not off HV02");
    }

    @Test
    void anAccountWithoutAesBlocksItsPairsBothWays() {
        AuditResult r = audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x4)
                .build()));
        Finding f = of(r, "AES_NOT_ENABLED").get(0);
        assertEquals("HV03", f.host());
        assertEquals(Severity.HIGH, f.severity());
        assertEquals(List.of("RC4-HMAC"), f.evidence().actual());
        assertEquals(List.of(new Action.SetEncryptionTypes("HV03", 0x18, false, 0x4)), f.actions());
        assertTrue(f.remediation().contains("Set-ADComputer -Identity 'HV03$' -Replace"
                + " @{'msDS-SupportedEncryptionTypes'=24}"), f.remediation());
        for (String[] p : new String[][]{{"HV01", "HV03"}, {"HV03", "HV01"}, {"HV02", "HV03"}, {"HV03", "HV02"}}) {
            assertEquals(List.of(Blocker.of("AES_NOT_ENABLED", "HV03", null, null)), pair(r, p[0], p[1]).blockers());
        }
        assertTrue(pair(r, "HV01", "HV02").ok());
        assertEquals(f.id(), Blocker.of("AES_NOT_ENABLED", "HV03", null, null).findingId(), "the blocker names it");
    }

    @Test
    void useDesKeyOnlyOrAesInTheValueDecide() {
        AuditResult des = audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.USE_DES_KEY_ONLY).build()));
        Finding f = of(des, "AES_NOT_ENABLED").get(0);
        assertTrue(f.remediation().contains("-UseDESKeyOnly $false"), f.remediation());
        assertEquals(List.of(), of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02")
                .encryptionTypes(0x1C).build())), "AES_NOT_ENABLED"), "RC4 and AES: fine");
        assertEquals(List.of(), of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02")
                .encryptionTypes(0).build())), "AES_NOT_ENABLED"), "0 means not set: the KDC default (AES)");
    }

    /**
     * KB5073381's AES-SHA1-only default covers accounts without an explicit msDS-SupportedEncryptionTypes: one whose
     * value allows RC4 still gets RC4 tickets wherever the DCs and hosts allow RC4, so its pairs, still blocked (the
     * audit cannot read what the DCs allow), fail only where RC4 is not allowed, and the finding says so. A DES-only
     * value (DES is off since Windows Server 2008 R2), USE_DES_KEY_ONLY or no value at all (AES-only, no AES keys) fails
     * everywhere.
     */
    @Test
    void anExplicitRc4ValueSaysItsPairsFailWhereRc4IsNotAllowed() {
        String where = "4 directed pairs cannot migrate wherever the domain controllers or the hosts do not allow RC4";
        AuditResult rc4 = audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x4).build()));
        Finding f = of(rc4, "AES_NOT_ENABLED").get(0);
        assertTrue(f.message().contains(where), f.message());
        assertTrue(f.message().contains("KB5073381"), f.message());
        assertFalse(pair(rc4, "HV01", "HV03").ok(), "still blocked: whether the DCs allow RC4 is not read");
        Finding des = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x3)
                .build())), "AES_NOT_ENABLED").get(0);
        assertTrue(des.message().contains("4 directed pairs cannot migrate."), des.message());
        Finding desOnly = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x4)
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.USE_DES_KEY_ONLY).build())),
                "AES_NOT_ENABLED").get(0);
        assertFalse(desOnly.message().contains("wherever"), "USE_DES_KEY_ONLY allows DES only: " + desOnly.message());

        Instant old = Instant.parse("2005-01-01T00:00:00Z");
        Finding keys = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x1C)
                .pwdLastSet(old).build())), "AES_KEYS_MISSING").get(0);
        assertTrue(keys.message().contains(where), "RC4 keys and a value allowing RC4: " + keys.message());
        Finding none = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(null)
                .pwdLastSet(old).build())), "AES_KEYS_MISSING").get(0);
        assertTrue(none.message().contains("4 directed pairs cannot migrate."), "AES-only default: " + none.message());
        Finding aesOnly = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(0x18)
                .pwdLastSet(old).build())), "AES_KEYS_MISSING").get(0);
        assertTrue(aesOnly.message().contains("4 directed pairs cannot migrate."), aesOnly.message());
    }

    /**
     * USE_DES_KEY_ONLY beside a value that allows AES (0x1C: RC4, AES128, AES256): only the flag is wrong, so the fix
     * clears it and keeps the value (RC4 stays). A value without AES is replaced by AES128+AES256, and the flag
     * cleared too.
     */
    @Test
    void useDesKeyOnlyBesideAValueWithAesClearsTheFlagAndKeepsTheValue() {
        int desOnly = Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.USE_DES_KEY_ONLY;
        Finding f = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").uac(desOnly)
                .encryptionTypes(0x1C).build())), "AES_NOT_ENABLED").get(0);
        assertEquals(List.of(new Action.SetEncryptionTypes("HV03", 0x1C, true, 0x1C)), f.actions());
        assertEquals(List.of("RC4-HMAC", "AES128-CTS-HMAC-SHA1-96", "AES256-CTS-HMAC-SHA1-96"), f.evidence().expected());
        assertTrue(f.message().startsWith("HV03 cannot get AES tickets: 'Use only Kerberos DES encryption types'"
                + " (USE_DES_KEY_ONLY) is set;"), "the value is not the problem: " + f.message());
        assertTrue(f.remediation().contains("clear 'Use only Kerberos DES encryption types' and keep its"
                + " msDS-SupportedEncryptionTypes 28 (RC4-HMAC, AES128-CTS-HMAC-SHA1-96, AES256-CTS-HMAC-SHA1-96),"
                + " which allows AES already: Set-ADAccountControl -Identity 'HV03$' -UseDESKeyOnly $false."),
                f.remediation());
        assertFalse(f.remediation().contains("Set-ADComputer"), "the value is not rewritten: " + f.remediation());

        Finding rc4 = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").uac(desOnly)
                .encryptionTypes(0x4).build())), "AES_NOT_ENABLED").get(0);
        assertEquals(List.of(new Action.SetEncryptionTypes("HV03", 0x18, true, 0x4)), rc4.actions());
        assertTrue(rc4.message().contains("its msDS-SupportedEncryptionTypes is RC4-HMAC (0x4) and 'Use only Kerberos"
                + " DES encryption types'"), rc4.message());
        assertTrue(rc4.remediation().contains("Set-ADAccountControl -Identity 'HV03$' -UseDESKeyOnly $false;"
                + " Set-ADComputer -Identity 'HV03$' -Replace @{'msDS-SupportedEncryptionTypes'=24}"), rc4.remediation());
    }

    /**
     * The bits above the encryption types (MS-KILE 2.2.7: 0x20 AES session keys, 0x10000 FAST, 0x20000 compound
     * identity, 0x40000 claims, 0x80000 resource SID compression disabled) are no encryption type: a value without AES
     * gets AES in place of RC4 and DES, and keeps them, also with bit 31 set (a negative value as AD returns it).
     */
    @Test
    void aValueWithoutAesGetsAesInPlaceOfRc4AndDesAndKeepsItsOtherBits() {
        int[][] cases = {{0x80004, 0x80018}, {0x3 | 0x20, 0x38}, {0x70004, 0x70018},
                {0x80000004, 0x80000018}, {0x4, 0x18}};
        for (int[] c : cases) {
            Finding f = of(audit(replace(healthy(), host("HV03").delegatesTo("HV01", "HV02").encryptionTypes(c[0])
                    .build())), "AES_NOT_ENABLED").get(0);
            assertEquals(List.of(new Action.SetEncryptionTypes("HV03", c[1], false, c[0])), f.actions(),
                    Integer.toHexString(c[0]));
            assertTrue(f.remediation().contains("@{'msDS-SupportedEncryptionTypes'=" + c[1] + "}"), f.remediation());
        }
    }

    @Test
    void aPasswordOlderThanTheDomainsAesKeysBlocksAndIsResetOnTheHost() {
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .pwdLastSet(Instant.parse("2007-06-12T00:00:00Z")).build()));
        Finding f = of(r, "AES_KEYS_MISSING").get(0);
        assertEquals("HV02", f.host());
        assertEquals(AES_SINCE, f.evidence().aesKeysSince());
        assertTrue(f.message().contains("2007-06-12") && f.message().contains("2009-03-10"), f.message());
        assertEquals(List.of(new Action.ResetMachinePassword("HV02")), f.actions());
        assertFalse(pair(r, "HV01", "HV02").ok());
        assertFalse(pair(r, "HV02", "HV03").ok());
        assertEquals(List.of(), of(audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .pwdLastSet(Instant.parse("2024-01-01T00:00:00Z")).build())), "AES_KEYS_MISSING"));
        assertEquals(List.of(), of(audit(healthy()), "AES_KEYS_MISSING"), "pwdLastSet unknown: no finding");
    }

    @Test
    void aKdcEventNamingTheAccountIsItsEvidence() {
        AdObject old = host("HV02").delegatesTo("HV01", "HV03").pwdLastSet(Instant.parse("2007-06-12T00:00:00Z"))
                .build();
        EventRecord kdc = new EventRecord("DC1", 209, NOW, null, null, EventClassification.KDC_NO_AES_KEYS, null,
                "m", "dc1.xml:3", "HV01$", "CONTOSO\\HV02$");
        AuditInputs in = new AuditInputs(NOW, null, null, List.of(), false, null, List.of(kdc), true, List.of(), false);
        Finding f = of(audit(List.of(), in, replace(healthy(), old)), "AES_KEYS_MISSING").get(0);
        assertEquals(List.of(209), f.evidence().eventIds());
        assertTrue(f.message().contains("1 KDC event about it (209)"), f.message());
    }

    /** Service account {@code name} (a user) registering {@code spns}, with these encryption types and password date. */
    private static AdObject serviceAccount(String name, Integer types, Instant pwdLastSet, String... spns) {
        return new AdObject("CN=" + name + ",CN=Users,DC=contoso,DC=com", name, name, null, 0x200,
                List.of(spns), List.of(), false, List.of(), Hosts.DOMAIN_SID + "-" + (7000 + name.length()), null, null, null, 1, null,
                types, pwdLastSet);
    }

    /**
     * A NAS keyed with ktpass against the service account svc-nas, the only account registering its cifs SPNs, while
     * its computer NAS01 keeps HOST/ only: the KDC issues the tickets for cifs/NAS01 in svc-nas's keys (MS-SFU
     * S4U2proxy, MS-KILE 3.3.5.1.1), so the pairs into NAS01 work. The audit told TARGET_SPN_NOT_REGISTERED HIGH
     * ("registered on svc-nas instead"), blocked them and proposed taking the SPNs off svc-nas, which would break them.
     */
    @Test
    void aFileServersCifsSpnsHeldByOneServiceAccountAreServedByIt() {
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"));
        for (String from : List.of("HV01", "HV02", "HV03")) {
            assertTrue(pair(r, from, "NAS01").ok(), from + " -> NAS01: " + pair(r, from, "NAS01").blockers());
        }
        List<Finding> keyed = of(r, "TARGET_SPN_NOT_REGISTERED");
        assertEquals(List.of("cifs/NAS01", "cifs/nas01.contoso.com"), keyed.stream().map(Finding::spn).toList());
        for (Finding f : keyed) {
            assertEquals(Severity.INFO, f.severity());
            assertEquals("NAS01", f.host());
            assertEquals(List.of("svc-nas"), f.evidence().holders().stream().map(h -> h.name()).toList());
            assertTrue(f.message().contains("the KDC issues its tickets in svc-nas's keys"), f.message());
        }
        assertEquals(List.of(), of(r, "DUPLICATE_SPN"));
    }

    /**
     * The same service keyed on a group managed service account (a computer subclass, userAccountControl 0x1000 like a
     * host's): its single registration serves the pairs; the same account not known as a managed service account is
     * another computer, whose cifs SPN of NAS01 stays TARGET_SPN_NOT_REGISTERED.
     */
    @Test
    void aFileServersCifsSpnsHeldByAGroupManagedServiceAccountAreServedByIt() {
        String dn = "CN=gmsa-nas,CN=Managed Service Accounts,DC=contoso,DC=com";
        AdObject gmsa = new AdObject(dn, "gmsa-nas", "gmsa-nas$", null, Uac.WORKSTATION_TRUST_ACCOUNT,
                List.of("cifs/NAS01", "cifs/nas01.contoso.com"), List.of(), false, List.of(), Hosts.DOMAIN_SID
                + "-7100", null, null, null, 1, null);
        AuditResult r = withFileServer(java.util.Set.of(dn.toLowerCase(java.util.Locale.ROOT)),
                host("NAS01").os("Samba", null).build(), gmsa);
        assertTrue(pair(r, "HV01", "NAS01").ok(), pair(r, "HV01", "NAS01").blockers().toString());
        assertEquals(List.of(Severity.INFO, Severity.INFO), of(r, "TARGET_SPN_NOT_REGISTERED").stream()
                .map(Finding::severity).toList());
        AuditResult unknown = withFileServer(host("NAS01").os("Samba", null).build(), gmsa);
        assertFalse(pair(unknown, "HV01", "NAS01").ok());
    }

    /**
     * A gMSA NAS01 is keyed on, RC4-only and without explicit types: its advice is the keytab made for it and
     * Set-ADServiceAccount, as for a user account with Set-ADUser. It fell into the non-Windows computer's branch
     * ("klist -kte on its keytab, usually /etc/krb5.keytab … re-join it") with Set-ADComputer.
     */
    @Test
    void aGroupManagedServiceAccountAFileServerIsKeyedOnIsToldAsOne() {
        String dn = "CN=gmsa-nas,CN=Managed Service Accounts,DC=contoso,DC=com";
        java.util.Set<String> managed = java.util.Set.of(dn.toLowerCase(java.util.Locale.ROOT));
        for (Integer types : java.util.Arrays.asList(4, null)) {
            AdObject gmsa = new AdObject(dn, "gmsa-nas", "gmsa-nas$", null, Uac.WORKSTATION_TRUST_ACCOUNT,
                    List.of("cifs/NAS01", "cifs/nas01.contoso.com"), List.of(), false, List.of(), Hosts.DOMAIN_SID
                    + "-7100", null, null, null, 1, null, types, Instant.parse("2007-06-12T00:00:00Z"));
            AuditResult r = withFileServer(managed, host("NAS01").os("Samba", null).build(), gmsa);
            Finding f = r.findings().stream().filter(x -> x.host().equals("gmsa-nas")
                    && x.rule().equals(types == null ? "ENCRYPTION_TYPES_UNSET" : "AES_NOT_ENABLED")).findFirst()
                    .orElseThrow(() -> new AssertionError(r.findings().toString()));
            String what = ((Action.Manual) f.actions().get(0)).what();
            assertTrue(what.startsWith("Check that the keytab made for gmsa-nas holds AES keys (klist -kte on it"), what);
            assertFalse(what.contains("/etc/krb5.keytab") || what.contains("re-join") || what.contains("ktpass"), what);
            assertTrue(f.remediation().contains("Set-ADServiceAccount -Identity 'gmsa-nas$' -Replace"
                    + " @{'msDS-SupportedEncryptionTypes'=24}"), f.remediation());
            // proposed on the managed service account, typed with Set-ADServiceAccount: never Set-ADComputer, which
            // finds no managed service account
            assertEquals(List.of(new Action.SetEncryptionTypes("gmsa-nas", 24, false, types,
                    new Action.ServiceAccount("gmsa-nas$", true))), ((Action.Manual) f.actions().get(0)).proposed(), what);
            assertFalse(f.remediation().contains("Set-ADComputer"), f.remediation());
            assertFalse(f.message().contains("ktpass"), f.message());
            String reset = ((Action.Manual) r.findings().stream().filter(x -> x.host().equals("gmsa-nas")
                    && x.rule().equals("AES_KEYS_MISSING")).findFirst().orElseThrow().actions().get(0)).what();
            assertTrue(reset.contains("Reset-ADServiceAccountPassword -Identity 'gmsa-nas$'"), reset);
            assertFalse(reset.contains("re-join") || reset.contains("ktpass"), reset);
        }
    }

    /**
     * For an SPN svc-nas serves the KDC reads svc-nas's resource-based delegation, not NAS01's: nodes without cifs
     * entries that only NAS01's grant allowed lack the entries (MISSING_DELEGATION), they are not covered.
     */
    @Test
    void theFileServersOwnGrantDoesNotCoverTheSpnsAServiceAccountServes() {
        AdObject[] nodes = healthy();
        AdObject nas = host("NAS01").os("Samba", null).rbcdFrom(Arrays.stream(nodes).map(AdObject::objectSid)
                .toArray(String[]::new)).build();
        ClusterConfig c = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, List.of("NAS01"));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t",
                "DC=contoso,DC=com", Arrays.asList(plus(nodes, nas, serviceAccount("svc-nas", null, null, "cifs/NAS01",
                "cifs/nas01.contoso.com"))), null, null, AES_SINCE, List.of()), List.of(c), PolicyConfig.defaults());
        PairStatus p = pair(r, "HV01", "NAS01");
        assertFalse(p.rbcd(), "NAS01's grant covers no ticket of the pair");
        assertEquals(List.of("cifs/NAS01", "cifs/nas01.contoso.com"), p.missing());
        List<Finding> missing = of(r, "MISSING_DELEGATION").stream().filter(f -> f.host().equals("HV01")
                && "NAS01".equals(f.peer())).toList();
        assertEquals(List.of("cifs/NAS01", "cifs/nas01.contoso.com"), missing.stream().map(Finding::spn).toList());
        assertEquals(missing.stream().map(f -> new Blocker("MISSING_DELEGATION", f.id())).toList(), p.blockers());
    }

    /**
     * NAS01's grant allows the nodes and serves cifs/NAS01 (HOST/NAS01), but svc-nas serves cifs/nas01.contoso.com and
     * its own RBCD allows nobody: the pair stays RBCD-covered, yet lacks that entry (MISSING_DELEGATION), and it is the
     * one entry the pair requires of HV01, before and after it is added (so BASELINE_ENTRY_ADDED keeps it as needed).
     */
    @Test
    void anRbcdPairAServiceAccountServesInPartRequiresThatEntry() {
        AdObject[] nodes = healthy();
        AdObject nas = host("NAS01").os("Samba", null).withoutSpn("HOST/nas01.contoso.com")
                .rbcdFrom(Arrays.stream(nodes).map(AdObject::objectSid).toArray(String[]::new)).build();
        AdObject svc = serviceAccount("svc-nas", null, null, "cifs/nas01.contoso.com");
        ClusterConfig c = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, List.of("NAS01"));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t",
                "DC=contoso,DC=com", Arrays.asList(plus(nodes, nas, svc)), null, null, AES_SINCE, List.of()),
                List.of(c), PolicyConfig.defaults());
        PairStatus p = pair(r, "HV01", "NAS01");
        assertTrue(p.rbcd());
        assertEquals(List.of("cifs/nas01.contoso.com"), p.missing());
        assertEquals(List.of("cifs/nas01.contoso.com"), r.context().entriesRequired(p));
        assertEquals(List.of(), r.context().entriesRequired(pair(r, "HV01", "HV02")).stream()
                .filter(spn -> spn.startsWith("cifs/nas")).toList());

        AdObject[] fixed = nodes.clone();
        fixed[0] = host("HV01").delegatesTo("HV02", "HV03").entry("cifs/nas01.contoso.com").build();
        nas = host("NAS01").os("Samba", null).withoutSpn("HOST/nas01.contoso.com")
                .rbcdFrom(Arrays.stream(fixed).map(AdObject::objectSid).toArray(String[]::new)).build();
        AuditResult after = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t",
                "DC=contoso,DC=com", Arrays.asList(plus(fixed, nas, svc)), null, null, AES_SINCE, List.of()),
                List.of(c), PolicyConfig.defaults());
        PairStatus q = pair(after, "HV01", "NAS01");
        assertTrue(q.rbcd() && q.missing().isEmpty() && q.ok(), q.toString());
        assertEquals(List.of("cifs/nas01.contoso.com"), after.context().entriesRequired(q));
    }

    /**
     * The same pair counts the one entry it requires of HV01 as required before and after it is added: 0/1, then 1/1,
     * in the pair and in the cluster's entries present / required. Before, adding the entry took it out of the counts
     * (0/1, then 0/0): the cluster's required entries went down by one and its present ones stayed where they were.
     */
    @Test
    void anRbcdPairAServiceAccountServesInPartCountsThatEntryOnceAdded() {
        AdObject[] nodes = healthy();
        AdObject svc = serviceAccount("svc-nas", null, null, "cifs/nas01.contoso.com");
        ClusterConfig c = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, List.of("NAS01"));
        AdObject nas = host("NAS01").os("Samba", null).withoutSpn("HOST/nas01.contoso.com")
                .rbcdFrom(Arrays.stream(nodes).map(AdObject::objectSid).toArray(String[]::new)).build();
        AuditResult before = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t",
                "DC=contoso,DC=com", Arrays.asList(plus(nodes, nas, svc)), null, null, AES_SINCE, List.of()),
                List.of(c), PolicyConfig.defaults());
        PairStatus p = pair(before, "HV01", "NAS01");
        assertEquals(List.of(1, 0), List.of(p.requiredCount(), p.present()), p.toString());

        AdObject[] fixed = nodes.clone();
        fixed[0] = host("HV01").delegatesTo("HV02", "HV03").entry("cifs/nas01.contoso.com").build();
        nas = host("NAS01").os("Samba", null).withoutSpn("HOST/nas01.contoso.com")
                .rbcdFrom(Arrays.stream(fixed).map(AdObject::objectSid).toArray(String[]::new)).build();
        AuditResult after = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t",
                "DC=contoso,DC=com", Arrays.asList(plus(fixed, nas, svc)), null, null, AES_SINCE, List.of()),
                List.of(c), PolicyConfig.defaults());
        PairStatus q = pair(after, "HV01", "NAS01");
        assertEquals(List.of(1, 1), List.of(q.requiredCount(), q.present()), q.toString());
        assertEquals(List.of("cifs/nas01.contoso.com"), q.sourceEntries());
        ClusterSummary was = before.clusters().get(0);
        ClusterSummary now = after.clusters().get(0);
        assertEquals(was.requiredEntries(), now.requiredEntries(), "the entry stays required once added");
        assertEquals(was.presentEntries() + 1, now.presentEntries(), "and counts as present");
    }

    /**
     * The keys of such a service are svc-nas's: its RC4-only msDS-SupportedEncryptionTypes and its password from before
     * the domain's AES keys block the pairs into NAS01 (findings under svc-nas, naming those pairs), while NAS01's own
     * RC4-only value, whose keys no ticket into it uses, blocks none. The audit checked NAS01 and never svc-nas.
     */
    @Test
    void theServiceAccountsEncryptionIsWhatThePairsIntoTheFileServerNeed() {
        Instant old = Instant.parse("2007-06-12T00:00:00Z");
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).encryptionTypes(4).build(),
                serviceAccount("svc-nas", 4, old, "cifs/NAS01", "cifs/nas01.contoso.com"));
        Finding aes = of(r, "AES_NOT_ENABLED").stream().filter(f -> f.host().equals("svc-nas")).findFirst()
                .orElseThrow(() -> new AssertionError(of(r, "AES_NOT_ENABLED").toString()));
        Finding keys = of(r, "AES_KEYS_MISSING").stream().filter(f -> f.host().equals("svc-nas")).findFirst()
                .orElseThrow(() -> new AssertionError(of(r, "AES_KEYS_MISSING").toString()));
        for (String from : List.of("HV01", "HV02", "HV03")) {
            assertEquals(List.of(new Blocker("AES_NOT_ENABLED", aes.id()), new Blocker("AES_KEYS_MISSING", keys.id())),
                    pair(r, from, "NAS01").blockers(), from + " -> NAS01");
        }
        assertEquals(List.of("HV01 -> NAS01", "HV02 -> NAS01", "HV03 -> NAS01"), aes.evidence().pairs().stream()
                .map(p -> p.from() + " -> " + p.to()).toList());
        assertTrue(keys.message().contains("3 directed pairs cannot migrate"), keys.message());
        // a user's password is set by ktpass, which makes the keytab again from it, not reset from the host
        assertEquals(List.of(new Action.RekeyServiceAccount("svc-nas", "svc-nas", "NAS01",
                "cifs/nas01.contoso.com@CONTOSO.COM")), ((Action.Manual) keys.actions().get(0)).proposed());
        assertTrue(keys.remediation().contains("ktpass"), keys.remediation());
        // NAS01's own RC4-only value is still told, but no ticket of these pairs uses its keys
        Finding nas = of(r, "AES_NOT_ENABLED").stream().filter(f -> f.host().equals("NAS01")).findFirst()
                .orElseThrow();
        assertEquals(List.of(), nas.evidence().pairs());
    }

    /**
     * A new password on svc-nas breaks every other use of it: when it holds SPNs beyond NAS01's cifs SPNs (a web
     * service keyed on it too), no ktpass keying NAS01 alone is proposed, the words name those SPNs; either way the new
     * password is to be set wherever else the account's password is used, and the ktpass said overwrites its
     * userPrincipalName and keys the DNS-name principal only. Before, ktpass was proposed whenever one configured file
     * server was keyed on the account.
     */
    @Test
    void aServiceAccountWithOtherSpnsGetsNoKtpassForOneFileServer() {
        Instant old = Instant.parse("2007-06-12T00:00:00Z");
        AuditResult shared = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", 24, old, "cifs/NAS01", "cifs/nas01.contoso.com", "HTTP/web01.contoso.com"));
        Finding keys = of(shared, "AES_KEYS_MISSING").stream().filter(f -> f.host().equals("svc-nas")).findFirst()
                .orElseThrow(() -> new AssertionError(of(shared, "AES_KEYS_MISSING").toString()));
        assertEquals(List.of(), ((Action.Manual) keys.actions().get(0)).proposed(), keys.remediation());
        assertFalse(keys.remediation().contains("ktpass -out"), keys.remediation());
        assertTrue(keys.remediation().contains("'HTTP/web01.contoso.com'"), keys.remediation());
        assertTrue(keys.remediation().contains("wherever else"), keys.remediation());
        AuditResult own = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", 24, old, "cifs/NAS01", "cifs/nas01.contoso.com"));
        Finding typed = of(own, "AES_KEYS_MISSING").stream().filter(f -> f.host().equals("svc-nas")).findFirst()
                .orElseThrow();
        String said = typed.remediation();
        assertTrue(said.contains("ktpass -out NAS01.keytab"), said);
        assertTrue(said.contains("userPrincipalName"), said);
        assertTrue(said.contains("-setupn"), said);
        assertTrue(said.contains("wherever else"), said);
        assertTrue(said.contains("'cifs/NAS01'"), said);
    }

    /**
     * svc-nas's findings belong to the cluster of the file server it serves, as its ENCRYPTION_TYPES_UNSET does: they
     * belonged to none (svc-nas is no host of a cluster), so the cluster's owners were not told the HIGH finding
     * blocking their pairs and its row counted no HIGH while NO-GO.
     */
    @Test
    void aServiceAccountsFindingsBelongToTheClusterOfTheFileServerItServes() {
        Instant old = Instant.parse("2007-06-12T00:00:00Z");
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", 4, old, "cifs/NAS01", "cifs/nas01.contoso.com"));
        for (String rule : List.of("AES_NOT_ENABLED", "AES_KEYS_MISSING")) {
            Finding f = of(r, rule).stream().filter(x -> x.host().equals("svc-nas")).findFirst().orElseThrow();
            assertEquals("HVC1", f.cluster(), rule);
        }
        AuditResult unset = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"));
        assertEquals("HVC1", of(unset, "ENCRYPTION_TYPES_UNSET").get(0).cluster());
    }

    /**
     * NAS01's own RC4-only value and pre-AES password, when svc-nas serves every SPN of the pairs into it: no ticket of
     * a live migration uses NAS01's keys, so its findings are MEDIUM and say why; as HIGH they made the cluster NO-GO
     * although they blocked no pair. A file server serving its own SPNs keeps them HIGH.
     */
    @Test
    void aFileServersOwnEncryptionThatNoPairUsesIsMediumAndSaysWhy() {
        Instant old = Instant.parse("2007-06-12T00:00:00Z");
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).encryptionTypes(4)
                .pwdLastSet(old).build(), serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"));
        for (String rule : List.of("AES_NOT_ENABLED", "AES_KEYS_MISSING")) {
            Finding f = of(r, rule).get(0);
            assertEquals("NAS01", f.host());
            assertEquals(Severity.MEDIUM, f.severity(), rule);
            assertTrue(f.message().contains("no live migration uses NAS01's keys: the tickets for cifs/NAS01 and"
                    + " cifs/nas01.contoso.com are issued in svc-nas's"), f.message());
            assertTrue(pair(r, "HV01", "NAS01").ok(), pair(r, "HV01", "NAS01").blockers().toString());
        }
        AuditResult own = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).pwdLastSet(old).build());
        for (String rule : List.of("AES_NOT_ENABLED", "AES_KEYS_MISSING")) {
            assertEquals(Severity.HIGH, of(own, rule).get(0).severity(), rule);
        }
    }

    /**
     * NAS01's disabled computer account blocks no pair whose tickets svc-nas's keys encrypt (it blocked them all):
     * the KDC issues those in svc-nas's keys.
     */
    @Test
    void aDisabledFileServerBlocksNoPairAServiceAccountServes() {
        AuditResult nasOff = withFileServer(host("NAS01").os("Samba", null)
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE).build(),
                serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"));
        assertTrue(pair(nasOff, "HV01", "NAS01").ok(), pair(nasOff, "HV01", "NAS01").blockers().toString());
        Finding nas = of(nasOff, "ACCOUNT_DISABLED").get(0);
        assertEquals(List.of(), nas.evidence().pairs());
        assertTrue(nas.message().contains("no live migration uses NAS01's keys: the tickets for cifs/NAS01 and"
                + " cifs/nas01.contoso.com are issued in svc-nas's"), nas.message());
    }

    /**
     * svc-nas, the account NAS01's cifs SPNs are keyed on, disabled: the KDC issues no ticket for it, said as such, with
     * enabling it as the fix. It read "registered on svc-nas instead", and the decision took the SPNs off svc-nas,
     * which breaks a NAS keyed on it.
     */
    @Test
    void aDisabledServiceAccountIsSaidDisabledAndEnabled() {
        AdObject svc = serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com");
        AdObject off = new AdObject(svc.dn(), svc.cn(), svc.samAccountName(), null, 0x202, svc.spns(), List.of(), false,
                List.of(), svc.objectSid(), null, null, null, 1, null);
        AuditResult svcOff = withFileServer(host("NAS01").os("Samba", null).build(), off);
        assertFalse(pair(svcOff, "HV01", "NAS01").ok());
        Finding f = of(svcOff, "TARGET_SPN_NOT_REGISTERED").get(0);
        assertEquals(Severity.HIGH, f.severity());
        assertTrue(f.message().contains("it is registered on svc-nas, whose account is disabled: the KDC issues no"
                + " ticket for a disabled account's services"), f.message());
        String what = ((Action.Manual) f.actions().get(0)).what();
        assertTrue(what.startsWith("If NAS01's SMB service is keyed on svc-nas (ktpass -mapuser, a NAS's service"
                + " account setting), enable svc-nas: Enable-ADAccount -Identity 'svc-nas'."), what);
    }

    /**
     * ENCRYPTION_TYPES_UNSET looks at the account whose keys the tickets into a keyed NAS use: svc-nas without explicit
     * msDS-SupportedEncryptionTypes gets AES-only tickets, which an RC4 keytab made with ktpass cannot read; NAS01's own
     * unset value, which no ticket into it uses, is not told. It was the other way round.
     */
    @Test
    void encryptionTypesUnsetLooksAtTheServiceAccountTheFileServerIsKeyedOn() {
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).build(),
                serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"));
        List<Finding> unset = of(r, "ENCRYPTION_TYPES_UNSET");
        assertEquals(List.of("svc-nas"), unset.stream().map(Finding::host).toList());
        assertTrue(unset.get(0).message().contains("the keytab made for it (ktpass -mapuser) must hold AES keys"),
                unset.get(0).message());
        String remedy = unset.get(0).remediation();
        assertTrue(remedy.contains("Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=24}"),
                remedy);
    }

    /**
     * What stays strict: a Hyper-V node's cifs SPN on a service account (the node's SMB and VMMS run as its computer),
     * a file server's cifs SPN on another computer (a stale or renamed object), and two holders.
     */
    @Test
    void aNodesSpnOnAServiceAccountAnotherComputerAndTwoHoldersStillBlock() {
        AuditResult node = audit(plus(healthy(), serviceAccount("svc-hv", null, null, "cifs/hv02.contoso.com")));
        Finding f = of(node, "TARGET_SPN_NOT_REGISTERED").get(0);
        assertEquals(Severity.HIGH, f.severity());
        assertFalse(pair(node, "HV01", "HV02").ok());

        AuditResult computer = withFileServer(host("NAS01").os("Samba", null).build(),
                host("NASOLD").spn("cifs/NAS01").spn("cifs/nas01.contoso.com").build());
        assertEquals(Severity.HIGH, of(computer, "TARGET_SPN_NOT_REGISTERED").get(0).severity());
        assertFalse(pair(computer, "HV01", "NAS01").ok());

        AuditResult two = withFileServer(host("NAS01").os("Samba", null).build(),
                serviceAccount("svc-nas", null, null, "cifs/NAS01", "cifs/nas01.contoso.com"),
                serviceAccount("svc-nas2", null, null, "cifs/NAS01"));
        Finding both = of(two, "TARGET_SPN_NOT_REGISTERED").stream().filter(x -> x.spn().equals("cifs/NAS01"))
                .findFirst().orElseThrow();
        assertEquals(Severity.HIGH, both.severity());
        assertFalse(pair(two, "HV01", "NAS01").ok());
    }

    @Test
    void anUnsetFileServerWithoutAesKeysIsToldToGetThemBeforeItsKeytabIsChecked() {
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).spn("cifs/nas01.contoso.com")
                .pwdLastSet(Instant.parse("2007-06-12T00:00:00Z")).build());
        assertEquals(List.of("NAS01"), of(r, "AES_KEYS_MISSING").stream().map(Finding::host).toList());
        Finding unset = of(r, "ENCRYPTION_TYPES_UNSET").get(0);
        // "its keytab must hold AES keys" while the account has none contradicted AES_KEYS_MISSING beside it
        assertFalse(unset.message().contains("must hold AES keys"), unset.message());
        assertTrue(unset.message().contains("its account has no AES keys yet (AES_KEYS_MISSING)"), unset.message());
        assertTrue(((Action.Manual) unset.actions().get(0)).what().startsWith("Once NAS01's password is reset"
                + " (AES_KEYS_MISSING), check that its keytab holds AES keys"), unset.actions().toString());
    }

    /**
     * The keytab check names the principal the keytab holds keys for, the account's own name (NASX$ for NAS01 renamed
     * in ADUC); it said NAS01$, a principal the keytab does not have (or another account's).
     */
    @Test
    void theKeytabCheckNamesTheFileServersOwnAccount() {
        Finding rc4 = of(withFileServer(host("NAS01").sam("NASX").os("Samba", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).build()), "AES_NOT_ENABLED").get(0);
        String what = ((Action.Manual) rc4.actions().get(0)).what();
        assertTrue(what.contains("aes128-cts-hmac-sha1-96 for NASX$;"), what);
        assertFalse(what.contains("NAS01$"), what);
    }

    @Test
    void aNonWindowsFileServerWithoutExplicitTypesIsLowAndRc4OnlyIsHigh() {
        AuditResult r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).spn("cifs/nas01.contoso.com")
                .build());
        Finding unset = of(r, "ENCRYPTION_TYPES_UNSET").get(0);
        assertEquals(Severity.LOW, unset.severity());
        assertEquals("NAS01", unset.host());
        assertTrue(unset.actions().get(0) instanceof Action.Manual, "check the keytab first");
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok), "unset does not block");

        r = withFileServer(host("NAS01").os("NetApp Release 9.13.1P6", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).build());
        assertEquals(List.of("NAS01"), of(r, "AES_NOT_ENABLED").stream().map(Finding::host).toList());
        assertEquals(List.of(), of(r, "ENCRYPTION_TYPES_UNSET"), "explicit, so not unset");
        // the decision gives the facts it needs (walking the runbook: "check that its keytab holds AES keys" said
        // neither how nor whether the directory has AES keys for the account to match them)
        Finding rc4 = of(withFileServer(host("NAS01").os("Samba", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).pwdLastSet(Instant.parse("2026-11-30T10:00:00Z")).build()), "AES_NOT_ENABLED")
                .get(0);
        String what = ((Action.Manual) rc4.actions().get(0)).what();
        assertTrue(what.contains("klist -kte"), what);
        assertTrue(what.contains("the directory holds AES keys for NAS01's account (its password was set"
                + " 2026-11-30, after the domain's AES keys)"), what);
        Finding old = of(withFileServer(host("NAS01").os("Samba", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).pwdLastSet(Instant.parse("2005-01-01T00:00:00Z")).build()), "AES_NOT_ENABLED")
                .get(0);
        assertTrue(((Action.Manual) old.actions().get(0)).what().contains("the directory holds no AES keys for"
                + " NAS01's account yet"), old.remediation());
        // pwdLastSet 0 is "must change at next logon" as well as "never set": the first keeps the keys the account has,
        // so "its password was never set" was a guess stated as fact
        Finding zero = of(withFileServer(host("NAS01").os("Samba", null).spn("cifs/nas01.contoso.com")
                .encryptionTypes(4).build()), "AES_NOT_ENABLED").get(0);
        String unknown = ((Action.Manual) zero.actions().get(0)).what();
        assertFalse(unknown.contains("never set: a re-join sets it"), unknown);
        assertTrue(unknown.contains("whether the directory holds AES keys for NAS01's account is not known (its"
                + " pwdLastSet gives no date: 0 means the password was never set, or that 'must change password at next"
                + " logon' was set, which keeps the keys the account has; a new password gives it AES keys)"), unknown);
        assertEquals(3, r.context().pairs().stream().filter(p -> p.fileServer() && !p.ok()).count());

        // a Scale-Out File Server's role account (VCO): no operatingSystem, but its keys are the cluster's, made by
        // Windows with AES: not a NAS keytab to check
        r = withFileServer(host("NAS01").os(null, null).spn("MSClusterVirtualServer/nas01.contoso.com")
                .spn("cifs/nas01.contoso.com").build());
        assertEquals(List.of(), of(r, "ENCRYPTION_TYPES_UNSET"), "a SOFS role is Windows");
    }

    /**
     * A Scale-Out File Server's network name account (VCO; a cluster's CNO alike) records no operatingSystem, yet its
     * keys are made by Windows, with no keytab: RC4 only is fixed on the account at once, not after a keytab check on
     * "a Linux or Samba server". Its password is the cluster's, which rotates it while the name is online; one older
     * than the domain's AES keys is renewed through the cluster (Repair Active Directory Object), not with
     * Reset-ComputerMachinePassword, which on whichever node answers for the name resets that node's own account.
     */
    @Test
    void aClusterNetworkNameAccountIsWindowsAndItsPasswordIsRenewedThroughTheCluster() {
        org.kcdauditor.support.Hosts vco = host("SOFS1").os(null, null).spn("MSClusterVirtualServer/sofs1.contoso.com")
                .spn("cifs/sofs1.contoso.com");
        Finding rc4 = of(withFileServer(vco.encryptionTypes(4).build()), "AES_NOT_ENABLED").get(0);
        assertEquals(List.of(new Action.SetEncryptionTypes("SOFS1", 0x18, false, 4)), rc4.actions());
        assertFalse(rc4.remediation().contains("keytab"), rc4.remediation());

        Finding old = of(withFileServer(host("SOFS1").os(null, null).spn("MSClusterVirtualServer/sofs1.contoso.com")
                .spn("cifs/sofs1.contoso.com").pwdLastSet(Instant.parse("2007-06-12T00:00:00Z")).build()),
                "AES_KEYS_MISSING").get(0);
        assertFalse(old.actions().stream().anyMatch(a -> a instanceof Action.ResetMachinePassword), old.remediation());
        assertTrue(old.remediation().contains("More Actions > Repair Active Directory Object"), old.remediation());
        assertFalse(old.remediation().contains("NAS") || old.remediation().contains("re-join"), old.remediation());
    }

    @Test
    void delegationToADomainControllerIsSensitiveNotStaleAndIsRemoved() {
        AdObject dc = host("DC1").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).spn("cifs/dc1.contoso.com")
                .build();
        AdObject rodc = host("RODC1").uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.PARTIAL_SECRETS_ACCOUNT).build();
        AuditResult r = audit(plus(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03")
                .entry("cifs/dc1.contoso.com").entry("ldap/rodc1.contoso.com").entry("krbtgt/CONTOSO.COM").build()),
                dc, rodc));
        List<Finding> f = of(r, "DELEGATION_TO_SENSITIVE_TARGET");
        assertEquals(List.of("DC1 cifs/dc1.contoso.com", "RODC1 ldap/rodc1.contoso.com", "krbtgt krbtgt/CONTOSO.COM"),
                f.stream().map(x -> x.peer() + " " + x.spn()).sorted().toList(), "the realm is no host: " + f);
        Finding toDc = f.stream().filter(x -> x.spn().equals("cifs/dc1.contoso.com")).findFirst().orElseThrow();
        assertEquals(Severity.HIGH, toDc.severity());
        assertTrue(toDc.message().contains("without any user's ticket at all"), "HV01 has protocol transition: "
                + toDc.message());
        assertEquals(List.of(new Action.RemoveDelegation("HV01", "DC1", List.of("cifs/dc1.contoso.com"))),
                toDc.actions());
        assertEquals(List.of(), of(r, "STALE_DELEGATION"), "one finding per entry");
    }

    /**
     * A domain controller configured as a node: the peers' entries into it are what its pairs need, so the findings
     * must not tell the admin to remove them (the pairs would fail) nor to clear the DC's own unconstrained
     * delegation; they say to take the Hyper-V role off the DC. They stay HIGH: the cluster is NO-GO.
     */
    @Test
    void aDomainControllerAsNodeIsNotToldToDropItsPeersEntries() {
        AdObject[] hosts = healthy();
        hosts[2] = host("HV03").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).delegatesTo("HV01", "HV02")
                .build();
        AuditResult r = audit(hosts);
        assertEquals(6, r.context().pairs().stream().filter(PairStatus::ok).count(), "the tickets are issued");
        List<Finding> toDc = of(r, "DELEGATION_TO_SENSITIVE_TARGET");
        assertEquals(8, toDc.size(), "HV01 and HV02, two services in two name forms: " + toDc);
        for (Finding f : toDc) {
            assertEquals(Severity.HIGH, f.severity());
            assertTrue(f.message().contains("HV03 is configured as a migration target of " + f.host()), f.message());
            assertFalse(f.message().contains("does not need it"), f.message());
            assertTrue(f.actions().stream().allMatch(a -> a instanceof Action.Manual), f.actions().toString());
        }
        Finding unconstrained = of(r, "UNCONSTRAINED_DELEGATION").get(0);
        assertTrue(unconstrained.message().contains("It is a domain controller"), unconstrained.message());
        // an entry into the DC that is missing is not planned either: it would be the next sensitive delegation
        hosts[0] = host("HV01").delegatesTo("HV02").build();
        List<Finding> missing = of(audit(hosts), "MISSING_DELEGATION");
        assertEquals(4, missing.size(), missing.toString());
        for (Finding f : missing) {
            assertEquals("HV03", f.peer());
            assertTrue(f.actions().stream().allMatch(a -> a instanceof Action.Manual), f.actions().toString());
            assertTrue(f.message().contains("HV03 is a domain controller"), f.message());
        }
        assertTrue(unconstrained.actions().stream().allMatch(a -> a instanceof Action.Manual));
    }

    /**
     * A read-only DC does not carry TRUSTED_FOR_DELEGATION (its default is 0x5001000): one that has it is
     * misconfigured, and the finding must not call the flag a DC's default nor say to leave it.
     */
    @Test
    void aReadOnlyDomainControllerAsNodeHasItsUnconstrainedDelegationReplaced() {
        AdObject[] hosts = healthy();
        hosts[2] = host("HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.PARTIAL_SECRETS_ACCOUNT
                | Uac.TRUSTED_FOR_DELEGATION).delegatesTo("HV01", "HV02").build();
        Finding unconstrained = of(audit(hosts), "UNCONSTRAINED_DELEGATION").get(0);
        assertFalse(unconstrained.message().contains("carries this flag by default"), unconstrained.message());
        assertTrue(unconstrained.actions().stream().anyMatch(a -> a instanceof Action.ReplaceUnconstrained),
                unconstrained.actions().toString());
    }

    /**
     * krbtgt/CONTOSO.COM is resolved by the KDC to the domain's krbtgt account, which registers no such SPN: the
     * finding's evidence says the target exists and carries krbtgt's userAccountControl (it said targetExists false);
     * another realm's krbtgt/ (a trust) is no object of this directory.
     */
    @Test
    void krbtgtOfTheRealmIsAnExistingTarget() {
        AdObject krbtgt = new AdObject("CN=krbtgt,CN=Users,DC=contoso,DC=com", "krbtgt", "krbtgt", null, 0x202,
                List.of("kadmin/changepw"), List.of(), false, List.of(), null, null, null, null, 1, null);
        AuditResult r = audit(plus(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03")
                .entry("krbtgt/CONTOSO.COM").entry("krbtgt/FABRIKAM.COM").build()), krbtgt));
        List<Finding> f = of(r, "DELEGATION_TO_SENSITIVE_TARGET");
        Finding own = f.stream().filter(x -> x.spn().equals("krbtgt/CONTOSO.COM")).findFirst().orElseThrow();
        assertEquals("krbtgt", own.peer());
        assertEquals(Boolean.TRUE, own.evidence().targetExists(), own.evidence().toString());
        assertEquals(Integer.valueOf(0x202), own.evidence().userAccountControl(), own.evidence().toString());
        Finding trust = f.stream().filter(x -> x.spn().equals("krbtgt/FABRIKAM.COM")).findFirst().orElseThrow();
        assertEquals(Boolean.FALSE, trust.evidence().targetExists(), trust.evidence().toString());
    }

    @Test
    void anEntryResolvedThroughItsOwnerIsSensitiveWhenKrbtgtOrADomainControllerOwnsItAndNeverStale() {
        // kadmin/changepw is registered on krbtgt; DC2 registers the alias HOST/AD-PRIMARY, through which cifs/AD-PRIMARY
        // reaches it; SRV01 registers HOST/SQLALIAS, so cifs/SQLALIAS exists, on a host that is no peer
        AdObject krbtgt = org.kcdauditor.support.Hosts.user("krbtgt", "kadmin/changepw");
        AdObject dc2 = host("DC2").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).spn("HOST/AD-PRIMARY")
                .build();
        AdObject srv = host("SRV01").spn("HOST/SQLALIAS").build();
        AuditResult r = audit(plus(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03").entry("kadmin/changepw")
                .entry("cifs/AD-PRIMARY").entry("cifs/SQLALIAS").build()), krbtgt, dc2, srv));
        List<Finding> f = of(r, "DELEGATION_TO_SENSITIVE_TARGET");
        assertEquals(List.of("DC2 cifs/AD-PRIMARY", "krbtgt kadmin/changepw"),
                f.stream().map(x -> x.peer() + " " + x.spn()).sorted().toList());
        assertTrue(f.stream().anyMatch(x -> x.message().contains("a service of krbtgt (the KDC itself)")), f.toString());
        assertTrue(f.stream().anyMatch(x -> x.message().contains("a service of domain controller DC2")), f.toString());
        List<Finding> stale = of(r, "STALE_DELEGATION");
        assertEquals(List.of("cifs/SQLALIAS"), stale.stream().map(Finding::spn).toList(), "the DC's entry is not stale");
        assertEquals("SRV01", stale.get(0).peer(), "SQLALIAS is SRV01's alias: it exists");
        assertTrue(stale.get(0).message().contains("SRV01 is not a peer"), stale.get(0).message());
    }

    @Test
    void delegationToADomainControllerThatIsAlsoAFileServerIsSensitiveInEveryStoredForm() {
        // the required cifs/dc1.contoso.com is numbered (and tested) before the nodes' entries are read: HV01's entry
        // is that very string, HV02's another form of it; both name the DC
        AdObject dc = host("DC1").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION)
                .spn("cifs/dc1.contoso.com").spn("cifs/DC1").build();
        AdObject[] all = plus(replace(replace(healthy(),
                        host("HV01").delegatesTo("HV02", "HV03").entry("cifs/dc1.contoso.com").entry("cifs/DC1").build()),
                        host("HV02").delegatesTo("HV01", "HV03").entry("CIFS/DC1.contoso.com.").entry("cifs/DC1").build()),
                dc);
        ClusterConfig withDc = new ClusterConfig("HVC1", List.of("HV01", "HV02", "HV03"), null, List.of("DC1"));
        AuditResult r = new Auditor(RuleCatalogue.standard()).evaluate(new Snapshot(NOW, "ldap://t", "DC=contoso,DC=com",
                Arrays.asList(all), null, null, AES_SINCE, List.of()), List.of(withDc), PolicyConfig.defaults());
        assertEquals(List.of("HV01 cifs/DC1", "HV01 cifs/dc1.contoso.com", "HV02 cifs/DC1", "HV02 CIFS/DC1.contoso.com."),
                of(r, "DELEGATION_TO_SENSITIVE_TARGET").stream().map(f -> f.host() + " " + f.spn()).toList());
        assertTrue(pair(r, "HV01", "DC1").ok() && pair(r, "HV02", "DC1").ok(), "the entries are there: the pairs work");
    }

    @Test
    void aLeftoverHostAliasOfANodeOnADomainControllerDoesNotMakeItsPeersEntriesSensitive() {
        // DC1 still registers HOST/HV02 (a decommissioned name reused): the KDC resolves HV02's migration service
        // and cifs SPNs, which HV02 registers exactly, to HV02; the alias is HV02's DUPLICATE_SPN, nothing more
        AdObject dc = host("DC1").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION)
                .spn("HOST/DC1").spn("HOST/HV02").build();
        AuditResult r = audit(plus(healthy(), dc));
        assertTrue(of(r, "DELEGATION_TO_SENSITIVE_TARGET").isEmpty(), of(r, "DELEGATION_TO_SENSITIVE_TARGET").toString());
        assertTrue(of(r, "STALE_DELEGATION").isEmpty(), "the peers' entries are required, not stale");
        assertEquals(List.of("HV02"), of(r, "DUPLICATE_SPN").stream().map(Finding::host).distinct().toList());
        // an entry naming the DC's host with a service no other object registers still names the DC
        AuditResult named = audit(plus(replace(healthy(),
                host("HV01").delegatesTo("HV02", "HV03").entry("ldap/DC1").build()), dc));
        assertEquals(List.of("HV01 ldap/DC1"), of(named, "DELEGATION_TO_SENSITIVE_TARGET").stream()
                .map(f -> f.host() + " " + f.spn()).toList());
        // another object's HOST/<the DC's own name> duplicates the DC's; it does not hide an entry naming the DC
        AdObject squatter = host("SRV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT).spn("HOST/DC1").build();
        AuditResult hidden = audit(plus(replace(healthy(),
                host("HV01").delegatesTo("HV02", "HV03").entry("cifs/DC1").build()), dc, squatter));
        assertEquals(List.of("HV01 cifs/DC1"), of(hidden, "DELEGATION_TO_SENSITIVE_TARGET").stream()
                .map(f -> f.host() + " " + f.spn()).toList());
    }

    @Test
    void theSensitiveTargetMessageSaysWhatProtocolTransitionAddsForAKerberosOnlyNodeToo() {
        AdObject dc = host("DC1").uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).spn("ldap/DC1").build();
        AuditResult r = audit(plus(replace(healthy(),
                host("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT).delegatesTo("HV02", "HV03").entry("ldap/DC1").build()),
                dc));
        String m = of(r, "DELEGATION_TO_SENSITIVE_TARGET").get(0).message();
        assertTrue(m.contains("can act as any user towards it whose ticket it holds; with protocol transition ('Use"
                + " any authentication protocol', one checkbox away) it would need no user at all"), m);
    }

    @Test
    void aDomainControllerWithoutAnyNameDoesNotStopTheAudit() {
        // the DC names are read while the pairs are numbered: a DC object without dn, cn and sAMAccountName is
        // matched by its dNSHostName only
        AdObject nameless = new AdObject(null, null, null, "dcx.contoso.com", Uac.SERVER_TRUST_ACCOUNT, List.of(),
                List.of(), false, List.of(), null, null, null, null, 1, null);
        AuditResult r = audit(plus(replace(healthy(),
                host("HV01").delegatesTo("HV02", "HV03").entry("ldap/dcx.contoso.com").build()), nameless));
        assertEquals(List.of("HV01 ldap/dcx.contoso.com"), of(r, "DELEGATION_TO_SENSITIVE_TARGET").stream()
                .map(f -> f.host() + " " + f.spn()).toList());
    }

    @Test
    void operatorsWhoCannotBeDelegatedAreToldToStartMovesOnANode() {
        Operator group = new Operator("HV Operators", Operator.Kind.GROUP, "CN=HV Operators,DC=contoso,DC=com",
                List.of(new OperatorAccount("adm-jdoe", "CN=adm-jdoe,DC=contoso,DC=com", 0x200, true, null),
                        new OperatorAccount("ops-1", "CN=ops-1,DC=contoso,DC=com", 0x200, false, null),
                        new OperatorAccount("adm-x", "CN=adm-x,DC=contoso,DC=com", 0x200 | Uac.NOT_DELEGATED, false,
                                null)),
                Operator.Expansion.IN_CHAIN, null);
        Operator missing = new Operator("nobody", Operator.Kind.NOT_FOUND, null, List.of(), Operator.Expansion.NONE, null);
        AuditResult r = audit(List.of(group, missing), AuditInputs.none(NOW), healthy());
        List<Finding> f = of(r, "OPERATOR_NOT_DELEGABLE");
        assertEquals(List.of("adm-jdoe", "adm-x"), f.stream().map(Finding::host).toList());
        assertEquals(Severity.MEDIUM, f.get(0).severity());
        assertTrue(f.get(0).message().contains("is in Protected Users"), f.get(0).message());
        assertTrue(f.get(1).message().contains("sensitive and cannot be delegated"), f.get(1).message());
        String advice = f.get(0).remediation();
        assertTrue(advice.contains("Keep the protection") && advice.contains("on a node"), advice);
        assertFalse(advice.toLowerCase().contains("remove it from protected users"), advice);
        assertEquals(List.of("nobody"), of(r, "OPERATOR_NOT_FOUND").stream().map(Finding::host).toList());
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok), "operators block no pair");
    }

    /**
     * A cluster whose every pair migrates is still NO-GO for an open HIGH finding (unconstrained delegation beside
     * complete entries), as the GO rule says; its reason now says that no pair is blocked, so that a CAB reading
     * "NO-GO" knows the hosts can be drained and the finding itself is what holds the window. A reason of a cluster with
     * a blocked pair says nothing of the kind.
     */
    @Test
    void aNoGoWhoseEveryPairMigratesSaysSoInItsReason() {
        AuditResult r = audit(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build()));
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok));
        GoVerdict v = verdict(r);
        assertFalse(v.go());
        assertEquals("UNCONSTRAINED_DELEGATION", v.reasons().get(0).rule());
        assertTrue(v.reasons().get(0).text().endsWith("; every pair can migrate: the open HIGH finding itself holds"
                + " the patch window until it is fixed or waived"), v.reasons().toString());

        GoVerdict blocked = verdict(audit(replace(healthy(), host("HV01").delegatesTo("HV03").build())));
        assertTrue(blocked.reasons().stream().noneMatch(x -> x.text().contains("every pair can migrate")),
                blocked.reasons().toString());
    }

    /** The verdict of cluster HVC1 from these findings and its pairs (no hosts): NO-GO on any open HIGH or blocker. */
    private static GoVerdict verdict(AuditResult r) {
        return verdictOf(new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02", "HV03"), List.of(),
                List.of(), 6, 0, 0, 0, 0.0, null, null, null,
                org.kcdauditor.report.FindingsJson.matrix(r.context()).getOrDefault("HVC1", List.of())),
                r.findings(), List.of());
    }

    /**
     * A second holder of a node's SPN that is disabled is still a second holder: the KDC's lookup counts every object
     * of its domain registering the name ({@code if number(Names) != 1 return STATUS_NO_SUCH_USER}, MS-ADTS
     * 3.1.1.13.6; KDC event 11), enabled or not, so the pairs into the node fail and the cluster is NO-GO.
     */
    @Test
    void aDuplicateOnADisabledAccountStillBlocksThePairsIntoTheNode() {
        AdObject old = new AdObject("CN=old-hv02,CN=Computers,DC=contoso,DC=com", "old-hv02", "OLD-HV02$", null,
                Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE, List.of(MIG + "/hv02.contoso.com"), List.of(),
                false, List.of(), Hosts.DOMAIN_SID + "-7777", null, null, null, 1, null);
        List<AdObject> all = new ArrayList<>(Arrays.asList(healthy()));
        all.add(old);
        AuditResult r = audit(all.toArray(AdObject[]::new));
        Finding f = of(r, "DUPLICATE_SPN").get(0);
        assertEquals("HV02", f.host());
        assertEquals(List.of(new Blocker("DUPLICATE_SPN", f.id())), pair(r, "HV01", "HV02").blockers());
        assertEquals(List.of(new Blocker("DUPLICATE_SPN", f.id())), pair(r, "HV03", "HV02").blockers());
        assertTrue(pair(r, "HV02", "HV01").ok(), "the duplicate is of HV02's SPN: the pairs from HV02 are fine");
        assertFalse(verdict(r).go());
    }

    /**
     * {@code msDS-SupportedEncryptionTypes} 0 is "not set" (the KDC's default, AES-SHA1 only since the April 2026
     * updates of KB5073381), not an RC4 choice: a password set before the domain's AES keys then leaves the KDC no key
     * for the node's tickets, as with no value at all. It is AES_KEYS_MISSING, not AES_NOT_ENABLED, and NO-GO.
     */
    @Test
    void anExplicitZeroIsUnsetSoAPasswordOlderThanTheAesKeysStillBlocks() {
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03").encryptionTypes(0)
                .pwdLastSet(Instant.parse("2005-01-01T00:00:00Z")).build()));
        assertEquals(List.of(), of(r, "AES_NOT_ENABLED"));
        Finding f = of(r, "AES_KEYS_MISSING").get(0);
        for (String[] p : new String[][]{{"HV01", "HV02"}, {"HV02", "HV01"}, {"HV03", "HV02"}, {"HV02", "HV03"}}) {
            assertEquals(List.of(new Blocker("AES_KEYS_MISSING", f.id())), pair(r, p[0], p[1]).blockers(),
                    p[0] + " -> " + p[1]);
        }
        assertFalse(verdict(r).go());
    }

    /**
     * A value that names no ticket encryption type: 0x20 (AES256-CTS-HMAC-SHA1-96-SK, "enforce AES session keys when
     * legacy ciphers are in use", MS-KILE 2.2.7) alone, or only feature bits (0x80000 resource SID compression
     * disabled). It is not 0, so it is no "not set" that takes the domain default (DefaultDomainSupportedEncTypes; in
     * Microsoft's etype calculator only 0 does) and the KDC finds no encryption type for the account's tickets
     * (KDC_ERR_ETYPE_NOTSUPP): AES_NOT_ENABLED, blocking everywhere (no RC4 either), and the message says why an "AES256…"
     * name does not help. The fix adds AES128+AES256 and keeps the bit.
     */
    @Test
    void aValueNamingNoTicketEncryptionTypeBlocksEverywhereAndSaysSo() {
        for (int value : new int[]{0x20, 0x80000}) {
            AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03").encryptionTypes(value)
                    .build()));
            Finding f = of(r, "AES_NOT_ENABLED").get(0);
            assertTrue(f.message().contains("names no ticket encryption type"), f.message());
            assertTrue(f.message().contains("4 directed pairs cannot migrate."), "no RC4 either: " + f.message());
            assertEquals(List.of(new Action.SetEncryptionTypes("HV02", value | 0x18, false, value)), f.actions());
            for (String[] p : new String[][]{{"HV01", "HV02"}, {"HV02", "HV01"}, {"HV03", "HV02"}, {"HV02", "HV03"}}) {
                assertEquals(List.of(new Blocker("AES_NOT_ENABLED", f.id())), pair(r, p[0], p[1]).blockers(),
                        p[0] + " -> " + p[1]);
            }
            assertFalse(verdict(r).go());
        }
    }

    /**
     * A node whose dNSHostName (hv02.corp.contoso.com, the name it writes from its own primary DNS suffix and the
     * name its peers resolve it to) is not the host part of its SPNs (hv02.contoso.com, left from before a suffix
     * change): a source asks for {@code Microsoft Virtual System Migration Service/hv02.corp.contoso.com}, which no
     * account registers (KDC_ERR_S_PRINCIPAL_UNKNOWN, MS-KILE 3.3.5.1.1) and which its entries do not name. The pairs
     * into HV02 are blocked by both, never read OK from the stale SPNs and entries that agree with each other.
     */
    @Test
    void aDnsHostNameThatTheSpnsDoNotNameBlocksThePairsIntoTheNode() {
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03").dns("hv02.corp.contoso.com")
                .build()));
        assertEquals(List.of(MIG + "/hv02.corp.contoso.com", "cifs/hv02.corp.contoso.com"),
                of(r, "TARGET_SPN_NOT_REGISTERED").stream().map(Finding::spn).sorted().toList());
        assertTrue(of(r, "MISSING_DELEGATION").stream().anyMatch(x -> x.host().equals("HV01")
                && (MIG + "/hv02.corp.contoso.com").equals(x.spn())), of(r, "MISSING_DELEGATION").toString());
        assertFalse(pair(r, "HV01", "HV02").ok());
        assertFalse(pair(r, "HV03", "HV02").ok());
        assertTrue(pair(r, "HV02", "HV01").ok());
        assertFalse(verdict(r).go());
    }

    /**
     * The domain primer's rule for msDS-AllowedToDelegateTo (MS-ADA2 2.219): compare case-insensitively and ignore a
     * trailing dot. An entry spelt {@code cifs/hv02.contoso.com.} covers the pair, is neither missing nor stale, and a
     * node's own SPN registered with the dot answers the name without it, by the same normal form: no finding, GO.
     */
    @Test
    void aTrailingDotIsIgnoredInEntriesAndRegistrationsAsThePrimerSays() {
        AuditResult entry = audit(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03")
                .without("cifs/hv02.contoso.com").entry("cifs/hv02.contoso.com.").build()));
        assertEquals(List.of(), of(entry, "MISSING_DELEGATION"));
        assertEquals(List.of(), of(entry, "STALE_DELEGATION"));
        assertTrue(pair(entry, "HV01", "HV02").ok());
        assertTrue(verdict(entry).go());

        AuditResult registered = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .withoutSpn(MIG + "/hv02.contoso.com").spn(MIG + "/hv02.contoso.com.").build()));
        assertEquals(List.of(), of(registered, "TARGET_SPN_NOT_REGISTERED"));
        assertTrue(pair(registered, "HV01", "HV02").ok());
        assertTrue(verdict(registered).go());
    }

    /**
     * {@code cifs/hv02:445} is another SPN than the {@code cifs/HV02} an SMB client asks for (the KDC compares the
     * whole name, MS-SFU 3.2.5.2.1: the SPN in the request must be in msDS-AllowedToDelegateTo): an entry with the
     * port in place of the plain one leaves the pair missing its entry.
     */
    @Test
    void aCifsEntryWithAPortDoesNotStandForThePlainOne() {
        AuditResult r = audit(replace(healthy(), host("HV01").delegatesTo("HV02", "HV03").without("cifs/HV02")
                .entry("cifs/hv02:445").build()));
        assertEquals(List.of("cifs/HV02"), of(r, "MISSING_DELEGATION").stream().map(Finding::spn).toList());
        assertFalse(pair(r, "HV01", "HV02").ok());
        assertFalse(verdict(r).go());
    }

    @Test
    void aDisabledNodeBlocksItsPairsBothWaysAndTheClusterIsNoGo() {
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.ACCOUNTDISABLE).build()));
        Finding f = of(r, "ACCOUNT_DISABLED").get(0);
        assertEquals(Severity.MEDIUM, f.severity(), "MEDIUM in the catalogue, yet its blocked pairs make NO-GO");
        for (String[] p : new String[][]{{"HV01", "HV02"}, {"HV02", "HV01"}, {"HV03", "HV02"}, {"HV02", "HV03"}}) {
            assertEquals(List.of(new Blocker("ACCOUNT_DISABLED", f.id())), pair(r, p[0], p[1]).blockers(),
                    p[0] + " -> " + p[1] + ": a disabled account obtains no tickets");
        }
        assertTrue(pair(r, "HV01", "HV03").ok());
        assertEquals(2, r.clusters().get(0).pairsOk());
        assertEquals(4, f.evidence().pairs().size());
        assertTrue(f.message().contains("4 directed pairs cannot migrate"), f.message());
        assertFalse(verdict(r).go(), "a blocked pair is a NO-GO: preflight exits 3");
    }

    @Test
    void anExpiredNodeBlocksItsPairsLikeADisabledOneAndTheClusterIsNoGo() {
        // accountExpires in the past: the KDC refuses the account a TGT (KDC_ERR_CLIENT_REVOKED; seen on Samba), so the
        // node cannot delegate at all, though its userAccountControl is that of an enabled host
        AuditResult r = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .accountExpires(NOW.minusSeconds(86_400)).build()));
        Finding f = of(r, "ACCOUNT_DISABLED").get(0);
        assertEquals("HV02", f.host());
        assertEquals("accountExpires", f.evidence().attribute());
        assertTrue(f.message().contains("expired"), f.message());
        // a yes is a command, as a disabled account's Enable-ADAccount is (found walking the runbook against Samba:
        // the decision named the cmdlet without its account, so it had no "If so" and no replicate-and-purge after it)
        Action.Manual decision = (Action.Manual) f.actions().get(0);
        assertEquals(List.of(new Action.ClearAccountExpiry("HV02")), decision.proposed());
        assertTrue(f.remediation().contains("Set-ADAccountExpiration -Identity 'HV02$' -Clear"), f.remediation());
        for (String[] p : new String[][]{{"HV01", "HV02"}, {"HV02", "HV01"}, {"HV03", "HV02"}, {"HV02", "HV03"}}) {
            assertEquals(List.of(new Blocker("ACCOUNT_DISABLED", f.id())), pair(r, p[0], p[1]).blockers(),
                    p[0] + " -> " + p[1]);
        }
        assertFalse(verdict(r).go());
        // an expiry still ahead blocks nothing
        AuditResult later = audit(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .accountExpires(NOW.plusSeconds(86_400)).build()));
        assertTrue(of(later, "ACCOUNT_DISABLED").isEmpty());
        assertTrue(later.context().pairs().stream().allMatch(PairStatus::ok));
        // an expired file server is only a target: the KDC still issues tickets for its services (seen on Samba)
        AuditResult fs = withFileServer(host("SOFS1").spn("cifs/sofs1.contoso.com")
                .accountExpires(NOW.minusSeconds(86_400)).build());
        assertTrue(of(fs, "ACCOUNT_DISABLED").isEmpty());
        assertTrue(fs.context().pairs().stream().allMatch(PairStatus::ok));
    }

    @Test
    void aDisabledFileServerBlocksThePairsIntoItAndTheClusterIsNoGo() {
        AuditResult r = withFileServer(host("SOFS1").spn("cifs/sofs1.contoso.com")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.ACCOUNTDISABLE).build());
        Finding f = of(r, "ACCOUNT_DISABLED").get(0);
        assertEquals("SOFS1", f.host());
        assertEquals("HVC1", f.cluster());
        assertTrue(f.message().contains("no Kerberos ticket is issued for its cifs share; 3 directed pairs cannot"
                + " migrate"), f.message());
        assertEquals(3, r.context().pairs().stream().filter(p -> p.fileServer() && !p.ok()).count());
        assertTrue(r.context().pairs().stream().filter(p -> !p.fileServer()).allMatch(PairStatus::ok));
        assertFalse(verdict(r).go(), "the nodes cannot reach the share their VMs live on");
    }

    /** The test moves (from->to) of the plan for this audit, through findings.json as every writer reads it. */
    private static List<String> testMoves(AuditResult r) throws Exception {
        return org.kcdauditor.report.RemediationPlan.of(document(r)).validate().stream()
                .map(p -> p.from() + "->" + p.to()).toList();
    }

    /** findings.json of this audit, as every writer reads it. */
    private static FindingsDocument document(AuditResult r) throws Exception {
        org.kcdauditor.config.AuditConfig cfg = org.kcdauditor.config.ConfigLoader.load(
                java.nio.file.Path.of("config/demo/kcd-audit-demo.yaml"));
        return org.kcdauditor.report.FindingsJson.build("r", NOW, NOW, cfg, r, RuleCatalogue.standard());
    }

    /** Whether the view expects cluster HVC1 to be GO once the plan is carried out. */
    private static boolean goAfterTheChange(AuditResult r) throws Exception {
        return org.kcdauditor.report.ReportView.of(document(r)).clusters().stream()
                .filter(c -> c.name().equals("HVC1")).findFirst().orElseThrow().goAfter();
    }

    @Test
    void thePlanTestsNoMoveThroughADisabledAccountButTestsTheMovesEnablingMigrationSettles() throws Exception {
        // HV02 disabled and HV01 -> HV02 missing an entry: the plan adds it, but the move still fails until someone
        // decides about HV02's account
        AuditResult disabled = audit(replace(replace(healthy(), host("HV02").delegatesTo("HV01", "HV03")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION | Uac.ACCOUNTDISABLE).build()),
                host("HV01").delegatesTo("HV02", "HV03").without("cifs/HV02").build()));
        assertEquals(List.of(), testMoves(disabled));
        assertFalse(goAfterTheChange(disabled), "a MEDIUM blocker left to a decision keeps the cluster NO-GO after it");
        List<HostSettings> settings = List.of(new HostSettings("HV03", false,
                HostSettings.MigrationAuthentication.KERBEROS, "Kerberos", "SMB", 2, "h:2"));
        AuditResult off = audit(List.of(), new AuditInputs(NOW, null, null, List.of(), false, null, List.of(), false,
                settings, true), healthy());
        assertEquals(List.of("HV01->HV03", "HV02->HV03", "HV03->HV01", "HV03->HV02"),
                testMoves(off).stream().sorted().toList(), "Enable-VMMigration settles them: each is tested");
        assertTrue(goAfterTheChange(off), "and the cluster is GO once it is done");
    }

    /**
     * Review 3, item 5: leaving unconstrained delegation under policy {@code either} takes the protocol the baseline
     * documents for the host, else the one its peers agree on, else the policy's default (protocol transition): the
     * tool's own change then also closes the host's BASELINE_FLAGS_CHANGED, and the cluster is GO after it. It chose
     * protocol transition always, which left the flags differing from the baseline (HIGH) and the cluster NO-GO.
     */
    @Test
    void leavingUnconstrainedDelegationRestoresTheBaselineElseThePeersProtocol() throws Exception {
        int kerberosOnly = Uac.WORKSTATION_TRUST_ACCOUNT;
        AdObject hv01 = host("HV01").delegatesTo("HV02", "HV03").uac(kerberosOnly).build();
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").uac(kerberosOnly).build();
        AdObject documented = host("HV03").delegatesTo("HV01", "HV02").uac(kerberosOnly).build();
        AdObject hv03 = host("HV03").delegatesTo("HV01", "HV02").uac(kerberosOnly | Uac.TRUSTED_FOR_DELEGATION).build();
        java.util.Map<String, org.kcdauditor.model.HostState> hosts = new java.util.LinkedHashMap<>();
        for (AdObject o : List.of(hv01, hv02, documented)) {
            hosts.put(o.name(), org.kcdauditor.model.HostState.of(o));
        }
        org.kcdauditor.baseline.Baseline baseline = new org.kcdauditor.baseline.Baseline(null, null, null, hosts,
                List.of());
        AuditResult r = audit(List.of(), new AuditInputs(NOW, baseline, null, List.of(), false, null, List.of(), false),
                hv01, hv02, hv03);
        Finding unconstrained = of(r, "UNCONSTRAINED_DELEGATION").get(0);
        assertEquals(List.of(new Action.ReplaceUnconstrained("HV03", false, "as the baseline documents for HV03")),
                unconstrained.actions());
        assertTrue(unconstrained.remediation().contains("with 'Use Kerberos only' (as the baseline documents for HV03)")
                && unconstrained.remediation().contains("-TrustedForDelegation $false -TrustedToAuthForDelegation $false"),
                unconstrained.remediation());
        Finding flags = of(r, "BASELINE_FLAGS_CHANGED").get(0);
        assertTrue(org.kcdauditor.report.RemediationPlan.of(document(r)).settles(flags.id()),
                "the change sets HV03's flags back to the baseline's");
        assertTrue(goAfterTheChange(r), "both findings closed by the change: GO after it");

        // no baseline: the peers agree on Kerberos only
        Finding peers = of(audit(hv01, hv02, hv03), "UNCONSTRAINED_DELEGATION").get(0);
        assertEquals(List.of(new Action.ReplaceUnconstrained("HV03", false,
                "as its peers HV01 and HV02 in HVC1 all use it")), peers.actions());
        // the peers differ: the policy's default, Microsoft's recommendation
        AdObject transition = host("HV02").delegatesTo("HV01", "HV03")
                .uac(kerberosOnly | Uac.TRUSTED_TO_AUTH_FOR_DELEGATION).build();
        Finding split = of(audit(hv01, transition, hv03), "UNCONSTRAINED_DELEGATION").get(0);
        assertEquals(List.of(new Action.ReplaceUnconstrained("HV03", true, "policy \"either\": neither a baseline"
                + " nor HV03's peers settle it; Microsoft's recommendation since Windows Server 2016")),
                split.actions());
        // a policy that demands one protocol: the policy, whatever the baseline
        Finding demanded = of(audit(ProtocolTransition.ANY, hv01, hv02, hv03), "UNCONSTRAINED_DELEGATION").get(0);
        assertEquals(List.of(new Action.ReplaceUnconstrained("HV03", true, "policy \"any\"")), demanded.actions());
    }

    private static AuditResult audit(ProtocolTransition policy, AdObject... objects) {
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", Arrays.asList(objects), "dc1.contoso.com",
                null, AES_SINCE, List.of());
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(HVC1),
                new PolicyConfig(null, null, policy, null), AuditInputs.none(NOW));
    }

    /**
     * Policy {@code any}: moves rely on protocol transition, and without TRUSTED_TO_AUTH_FOR_DELEGATION the KDC's
     * S4U2self ticket is not forwardable, so S4U2proxy for classic constrained delegation is refused (MS-SFU
     * 3.2.5.1.2, 3.2.5.2.1; Samba's KDC answers KDC_ERR_BADOPTION, SambaKdcGroundTruthIntegrationTest). The
     * mismatch blocks the pairs from that node, unless the target's RBCD covers them (the KDC accepts a
     * non-forwardable evidence ticket there); under {@code either} and {@code kerberos-only} the Kerberos path is
     * what counts, and it is served.
     */
    @Test
    void withPolicyAnyAKerberosOnlyNodeCannotDelegateOnTheProtocolTransitionPath() throws Exception {
        AdObject kerberosOnly = host("HV01").delegatesTo("HV02", "HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        AuditResult r = audit(ProtocolTransition.ANY, replace(healthy(), kerberosOnly));
        Finding f = of(r, "PROTOCOL_TRANSITION_MISMATCH").get(0);
        assertEquals("HV01", f.host());
        for (String to : List.of("HV02", "HV03")) {
            assertEquals(List.of(new Blocker("PROTOCOL_TRANSITION_MISMATCH", f.id())), pair(r, "HV01", to).blockers(),
                    "HV01 -> " + to + ": S4U2self gives HV01 no forwardable ticket");
            assertTrue(pair(r, to, "HV01").ok(), "into HV01 is fine: the sources have protocol transition");
        }
        assertEquals(4, r.clusters().get(0).pairsOk());
        assertEquals(2, f.evidence().pairs().size());
        assertTrue(f.message().contains("2 directed pairs cannot migrate"), f.message());
        assertFalse(verdict(r).go(), "a blocked pair is a NO-GO");
        assertEquals(List.of(new Action.SetProtocolTransition("HV01", true)), f.actions());
        assertTrue(testMoves(r).containsAll(List.of("HV01->HV02", "HV01->HV03")), testMoves(r).toString());
        assertTrue(goAfterTheChange(r), "setting protocol transition settles it");

        for (ProtocolTransition policy : List.of(ProtocolTransition.EITHER, ProtocolTransition.KERBEROS_ONLY)) {
            assertTrue(audit(policy, replace(healthy(), kerberosOnly)).context().pairs().stream()
                    .allMatch(PairStatus::ok), policy + ": the Kerberos path is served");
        }

        // RBCD on HV02 allowing HV01: the KDC takes the non-forwardable ticket there
        AdObject hv01 = host("HV01").delegatesTo("HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT).build();
        AdObject hv02 = host("HV02").delegatesTo("HV01", "HV03").rbcdFrom(hv01.objectSid()).build();
        AuditResult rbcd = audit(ProtocolTransition.ANY, replace(replace(healthy(), hv01), hv02));
        assertTrue(pair(rbcd, "HV01", "HV02").ok(), pair(rbcd, "HV01", "HV02").blockers().toString());
        assertFalse(pair(rbcd, "HV01", "HV03").ok());
    }

    /**
     * A cluster delegated by resource-based delegation only (each node lists its peers in
     * msDS-AllowedToActOnBehalfOfOtherIdentity, none has msDS-AllowedToDelegateTo): the KDC takes the non-forwardable
     * S4U2self ticket for RBCD (MS-SFU 3.2.5.2.2; the primer: "the KDC always permits protocol transition for it"), so
     * under policy {@code any} nothing is refused and no node is told to turn on protocol transition, a delegation
     * flag that would serve no pair. Before, each node got a MEDIUM PROTOCOL_TRANSITION_MISMATCH saying "S4U2proxy is
     * refused" and a SetProtocolTransition in the plan, on a GO cluster.
     */
    @Test
    void withPolicyAnyANodeDelegatingOnlyByRbcdIsNotToldToTurnOnProtocolTransition() {
        Hosts[] b = {host("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT), host("HV02").uac(Uac.WORKSTATION_TRUST_ACCOUNT),
                host("HV03").uac(Uac.WORKSTATION_TRUST_ACCOUNT)};
        AdObject[] rbcdOnly = new AdObject[3];
        for (int i = 0; i < 3; i++) {
            List<String> peers = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                if (j != i) {
                    peers.add(b[j].sid());
                }
            }
            rbcdOnly[i] = b[i].rbcdFrom(peers.toArray(String[]::new)).build();
        }
        AuditResult r = audit(ProtocolTransition.ANY, rbcdOnly);
        assertTrue(r.context().pairs().stream().allMatch(p -> p.ok() && p.rbcd()), r.context().pairs().toString());
        assertEquals(List.of(), of(r, "PROTOCOL_TRANSITION_MISMATCH"));
        assertTrue(verdict(r).go());

        // one node that also keeps a classic list (Kerberos only) is still told: the policy's choice is about that list
        AdObject withList = b[0].delegatesTo("HV02", "HV03").build();
        AuditResult mixed = audit(ProtocolTransition.ANY, replace(rbcdOnly, withList));
        assertEquals(List.of("HV01"), of(mixed, "PROTOCOL_TRANSITION_MISMATCH").stream().map(Finding::host).toList());
    }

    /**
     * Unconstrained delegation does not make the S4U2self ticket forwardable: with msDS-AllowedToDelegateTo set and
     * no TRUSTED_TO_AUTH_FOR_DELEGATION the KDC withholds the flag (MS-SFU 3.2.5.1.2), so under policy {@code any} the
     * pairs of an unconstrained node with entries are blocked as a Kerberos-only node's are; a writable DC configured
     * as a node is told to lose the Hyper-V role, not to change its delegation.
     */
    @Test
    void withPolicyAnyAnUnconstrainedNodeWithEntriesCannotDelegateEither() {
        AdObject unconstrained = host("HV01").delegatesTo("HV02", "HV03")
                .uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build();
        AuditResult r = audit(ProtocolTransition.ANY, replace(healthy(), unconstrained));
        Finding f = of(r, "PROTOCOL_TRANSITION_MISMATCH").get(0);
        assertEquals(List.of(new Blocker("PROTOCOL_TRANSITION_MISMATCH", f.id())), pair(r, "HV01", "HV02").blockers());
        assertEquals(List.of(new Action.SetProtocolTransition("HV01", true)), f.actions());
        assertFalse(f.message().contains("Kerberos only"), "ADUC shows it as 'any service': " + f.message());

        AdObject dc = host("HV01").delegatesTo("HV02", "HV03")
                .uac(Uac.SERVER_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build();
        AuditResult d = audit(ProtocolTransition.ANY, replace(healthy(), dc));
        assertFalse(pair(d, "HV01", "HV02").ok(), "the DC's S4U2self ticket is not forwardable either");
        assertTrue(of(d, "PROTOCOL_TRANSITION_MISMATCH").get(0).actions().stream()
                .allMatch(a -> a instanceof Action.Manual));

        AdObject noEntries = host("HV01").uac(Uac.WORKSTATION_TRUST_ACCOUNT | Uac.TRUSTED_FOR_DELEGATION).build();
        assertEquals(List.of(), of(audit(ProtocolTransition.ANY, replace(healthy(), noEntries)),
                "PROTOCOL_TRANSITION_MISMATCH"), "without entries it is UNCONSTRAINED_DELEGATION's (and MISSING's)");
    }

    @Test
    void credSspOrDisabledMigrationOnAHostBlocksItsPairsBothWays() {
        List<HostSettings> settings = List.of(
                new HostSettings("HV01", true, HostSettings.MigrationAuthentication.KERBEROS, "Kerberos", "SMB", 2, "h:2"),
                new HostSettings("hv02.contoso.com", true, HostSettings.MigrationAuthentication.CREDSSP, "CredSSP", "SMB",
                        2, "h:3"),
                new HostSettings("HV03", false, HostSettings.MigrationAuthentication.KERBEROS, "Kerberos", "SMB", 2,
                        "h:4"));
        AuditInputs in = new AuditInputs(NOW, null, null, List.of(), false, null, List.of(), false, settings, true);
        AuditResult r = audit(List.of(), in, healthy());
        Finding credssp = of(r, "MIGRATION_AUTH_NOT_KERBEROS").get(0);
        assertEquals("HV02", credssp.host());
        assertEquals(List.of(new Action.SetMigrationAuthentication("HV02")), credssp.actions());
        assertTrue(credssp.remediation().contains("Set-VMHost -ComputerName 'HV02'"
                + " -VirtualMachineMigrationAuthenticationType Kerberos"), credssp.remediation());
        Finding disabled = of(r, "MIGRATION_DISABLED").get(0);
        assertEquals(List.of(new Blocker("MIGRATION_AUTH_NOT_KERBEROS", credssp.id())), pair(r, "HV01", "HV02").blockers());
        assertEquals(List.of(new Blocker("MIGRATION_AUTH_NOT_KERBEROS", credssp.id()),
                new Blocker("MIGRATION_DISABLED", disabled.id())), pair(r, "HV02", "HV03").blockers());
        assertEquals(List.of(new Blocker("MIGRATION_DISABLED", disabled.id())), pair(r, "HV03", "HV01").blockers(),
                "a host with migration disabled sends none");
        assertEquals(List.of(new Blocker("MIGRATION_DISABLED", disabled.id())), pair(r, "HV01", "HV03").blockers(),
                "and receives none");
        assertEquals(0, r.clusters().get(0).pairsOk());
        assertEquals("HV03", disabled.host());
        assertEquals(Severity.MEDIUM, disabled.severity());
        assertEquals(4, disabled.evidence().pairs().size());
        assertEquals(List.of(new Action.EnableMigration("HV03")), disabled.actions());
        assertFalse(verdict(r).go());
    }

    @Test
    void aWindowsServer2025NodeWithABlockedPairIsNoGoEvenWhenTheBlockerIsWaived() {
        FindingsDocument.HostDoc ws2025 = new FindingsDocument.HostDoc("HV02", "hv02.contoso.com", "HVC1", 0x1001000,
                List.of(), List.of(), "Windows Server 2025 Datacenter", "10.0 (26100)", "HV02$", "CN=HV02", "S-1", true,
                List.of(), List.of(), null, 1, null, null, null);
        FindingsDocument.PairDoc blocked = new FindingsDocument.PairDoc("HV01", "HV02", 4, 3, false,
                List.of(new FindingsDocument.BlockerDoc("MISSING_DELEGATION", "x")), List.of("cifs/HV02"), List.of(),
                false, false);
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", List.of("HV01", "HV02"), List.of(),
                List.of(), 2, 1, 8, 7, 87.5, null, null, null, List.of(blocked));
        GoVerdict v = verdictOf(c, List.of(), List.of(ws2025));
        assertFalse(v.go());
        assertTrue(v.reasons().get(0).text().startsWith("HV02 runs Windows Server 2025"), v.reasons().toString());
        assertEquals("WS2025_NO_CREDSSP_FALLBACK", v.reasons().get(0).rule(), "every reason carries a rule");
        assertEquals(0, v.reasons().get(0).findings());
        assertTrue(verdictOf(c, List.of(), List.of()).go(), "no HIGH finding open and no 2025 node: GO");
        // several: listed by name, not in the order the matrix meets them (HV10 -> HV03 comes first there)
        FindingsDocument.HostDoc hv10 = new FindingsDocument.HostDoc("HV10", "hv10.contoso.com", "HVC1", 0x1001000,
                List.of(), List.of(), "Windows Server 2025 Datacenter", "10.0 (26100)", "HV10$", "CN=HV10", "S-2", true,
                List.of(), List.of(), null, 1, null, null, null);
        FindingsDocument.HostDoc hv03 = new FindingsDocument.HostDoc("HV03", "hv03.contoso.com", "HVC1", 0x1001000,
                List.of(), List.of(), "Windows Server 2025 Datacenter", "10.0 (26100)", "HV03$", "CN=HV03", "S-3", true,
                List.of(), List.of(), null, 1, null, null, null);
        FindingsDocument.PairDoc tenToThree = new FindingsDocument.PairDoc("HV10", "HV03", 4, 3, false,
                List.of(new FindingsDocument.BlockerDoc("MISSING_DELEGATION", "y")), List.of("cifs/HV03"), List.of(),
                false, false);
        FindingsDocument.ClusterDoc three = new FindingsDocument.ClusterDoc("HVC1", List.of("HV02", "HV03", "HV10"),
                List.of(), List.of(), 6, 4, 24, 22, 91.7, null, null, null, List.of(tenToThree, blocked));
        assertTrue(verdictOf(three, List.of(), List.of(ws2025, hv10, hv03)).reasons().get(0).text()
                .startsWith("HV02, HV03, HV10 run Windows Server 2025"), "by name");
    }

    /**
     * Of many Windows Server 2025 nodes the reason names six and counts the rest: at 600 hosts a 32-node cluster's
     * reason named all 32, and page 1's blockers cell, the mail and the console carried the list.
     */
    @Test
    void theWindowsServer2025ReasonNamesSixNodesAndCountsTheRest() {
        List<FindingsDocument.HostDoc> hosts = new java.util.ArrayList<>();
        List<FindingsDocument.PairDoc> pairs = new java.util.ArrayList<>();
        List<String> nodes = new java.util.ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            String n = String.format("HV%02d", i);
            nodes.add(n);
            hosts.add(new FindingsDocument.HostDoc(n, n.toLowerCase() + ".contoso.com", "HVC1", 0x1001000,
                    List.of(), List.of(), "Windows Server 2025 Datacenter", "10.0 (26100)", n + "$", "CN=" + n, "S-" + i,
                    true, List.of(), List.of(), null, 1, null, null, null));
            if (i > 1) {
                pairs.add(new FindingsDocument.PairDoc("HV01", n, 4, 3, false,
                        List.of(new FindingsDocument.BlockerDoc("MISSING_DELEGATION", "f" + i)), List.of("cifs/" + n),
                        List.of(), false, false));
            }
        }
        FindingsDocument.ClusterDoc c = new FindingsDocument.ClusterDoc("HVC1", nodes, List.of(), List.of(), 90, 81,
                360, 351, 97.5, null, null, null, pairs);
        String text = verdictOf(c, List.of(), hosts).reasons().get(0).text();
        assertTrue(text.startsWith("HV01, HV02, HV03, HV04, HV05, HV06 and 4 more run Windows Server 2025 and have a"
                + " blocked pair"), text);
    }

    /** The verdict of {@code cluster} from its own findings, matrix and hosts. */
    private static GoVerdict verdictOf(FindingsDocument.ClusterDoc cluster, List<Finding> findings,
                                       List<FindingsDocument.HostDoc> hosts) {
        return new GoVerdict.Judge(findings, hosts).of(cluster);
    }
}
