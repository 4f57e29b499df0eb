package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.host;

/**
 * A node whose name is not a host name (an account created as {@code HV09'$(calc)'}): no delegation entry is
 * derived from it, so no command adds one to its peers; a finding says so, and when no form of its name is left
 * every pair into it is blocked by that finding (issue 16: invalid values are refused, not turned into entries).
 */
class InvalidNameTest {
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    private static final String BAD = "HV09'$(calc)'";
    private static final ClusterConfig HVC1 = new ClusterConfig("HVC1", List.of("HV01", "HV02", BAD), null, null);

    private static AuditResult audit(PolicyConfig policy) {
        List<AdObject> objects = List.of(host("HV01").delegatesTo("HV02").build(),
                host("HV02").delegatesTo("HV01").build(),
                host(BAD).dns("hv09.contoso.com").delegatesTo("HV01", "HV02").build());
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", objects, "dc1.contoso.com", null, null,
                List.of());
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(HVC1), policy, AuditInputs.none(NOW));
    }

    private static List<Finding> rule(AuditResult r, String id) {
        return r.findings().stream().filter(f -> f.rule().equals(id)).toList();
    }

    @Test
    void anInvalidNameGivesNoNetbiosEntryAndAFindingWhileItsDnsHostNameStillServes() {
        AuditResult r = audit(PolicyConfig.defaults());
        for (Finding f : r.findings()) {
            assertFalse(f.spn() != null && f.spn().contains("calc"), "no entry is derived from the name: " + f);
        }
        List<Finding> invalid = rule(r, "DNS_HOST_NAME_INVALID");
        assertEquals(1, invalid.size(), r.findings().toString());
        assertEquals(Severity.MEDIUM, invalid.get(0).severity(), "the FQDN form is left");
        assertTrue(invalid.get(0).message().contains("is not a valid host name"), invalid.get(0).message());
        Set<String> missingIntoBad = rule(r, "MISSING_DELEGATION").stream().filter(f -> BAD.equals(f.peer()))
                .map(Finding::spn).collect(Collectors.toSet());
        assertEquals(Set.of("Microsoft Virtual System Migration Service/hv09.contoso.com", "cifs/hv09.contoso.com"),
                missingIntoBad, "only the FQDN form is required of HV01 and HV02");
    }

    private static AuditResult audit(List<ClusterConfig> clusters, PolicyConfig policy, AdObject... objects) {
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", List.of(objects), "dc1.contoso.com", null,
                null, List.of());
        return new Auditor(RuleCatalogue.standard()).evaluate(s, clusters, policy, AuditInputs.none(NOW));
    }

    @Test
    void aHostWithNoDnsHostNameUnderAnFqdnOnlyPolicyBlocksItsPairsByAFindingThatExists() {
        // HV02's SPNs name no FQDN either (with HOST/hv02.contoso.com registered, that FQDN would be the form checked)
        AuditResult r = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null)),
                new PolicyConfig(null, List.of("fqdn"), null, null),
                host("HV01").delegatesTo("HV02").build(), host("HV02").noDns().withoutSpn("HOST/hv02.contoso.com")
                        .withoutSpn(org.kcdauditor.support.Hosts.MIG + "/hv02.contoso.com").delegatesTo("HV01")
                        .build());
        Finding invalid = rule(r, "DNS_HOST_NAME_INVALID").get(0);
        assertEquals("HV02", invalid.host());
        assertEquals(Severity.HIGH, invalid.severity());
        PairStatus into = r.context().pairs().stream().filter(p -> p.target().name().equals("HV02")).findFirst()
                .orElseThrow();
        assertEquals(List.of(new Blocker(Blocker.DNS_HOST_NAME_INVALID, invalid.id())), into.blockers());
        assertEquals(2, into.requiredCount(), "its FQDN entries are required, though no name makes them");
        assertEquals(0, into.present());

        // the FQDN its own SPNs name is the form checked: HV01 holds its entries, so the pair is OK
        AuditResult named = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null)),
                new PolicyConfig(null, List.of("fqdn"), null, null),
                host("HV01").delegatesTo("HV02").build(), host("HV02").noDns().delegatesTo("HV01").build());
        assertTrue(rule(named, "DNS_HOST_NAME_INVALID").isEmpty(), named.findings().toString());
        assertTrue(named.context().pairs().stream().allMatch(PairStatus::ok), named.findings().toString());
    }

    @Test
    void aFileServerOfTwoClustersIsReportedOnce() {
        ClusterConfig a = new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, List.of("NAS'01"));
        ClusterConfig b = new ClusterConfig("HVC2", List.of("HV03", "HV04"), null, List.of("NAS'01"));
        AuditResult r = audit(List.of(a, b), PolicyConfig.defaults(), host("HV01").delegatesTo("HV02").build(),
                host("HV02").delegatesTo("HV01").build(), host("HV03").delegatesTo("HV04").build(),
                host("HV04").delegatesTo("HV03").build(), host("NAS'01").noDns().build());
        List<Finding> invalid = rule(r, "DNS_HOST_NAME_INVALID");
        assertEquals(1, invalid.size(), invalid.toString());
        assertEquals(r.findings().size(), r.findings().stream().map(Finding::id).distinct().count(),
                "every finding id is unique");
    }

    @Test
    void theNetbiosFormIsTheAccountNameNotARenamedCn() {
        AuditResult r = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02"), null, null)),
                PolicyConfig.defaults(), host("HV01").delegatesTo("HV02").build(),
                host("HV02").cn("HV02 old").delegatesTo("HV01").build());
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok), "HV01 delegates to cifs/HV02 and the"
                + " other entries HV02's account name makes: " + r.findings());
        // the scripts call a host by its cn and refuse an invalid one: a finding says so, blocking nothing
        List<Finding> invalid = rule(r, "DNS_HOST_NAME_INVALID");
        assertEquals(1, invalid.size(), r.findings().toString());
        assertEquals(Severity.MEDIUM, invalid.get(0).severity());
        assertEquals("HV02 old", invalid.get(0).host());
        assertEquals("HV02 old's cn 'HV02 old' is not a valid host name, so no delegation entry or command is derived"
                + " from it: its account name HV02 still serves the delegation entries, but the remediation scripts"
                + " leave HV02 old's changes to be made by hand.", invalid.get(0).message());
        assertEquals(List.of("HV02 old"), invalid.get(0).evidence().actual());
    }

    /**
     * A node whose account name and dNSHostName hold a Cyrillic Н, as its cn does: the message named the cn by its
     * code but quoted the account name and the DNS name as stored, "\\u041DV03's name 'НV03' is not a valid host name
     * and its dNSHostName 'нv03.contoso.com' is not a valid DNS name", which show nothing invalid. Both read by
     * their code, as the cn does; the evidence keeps them as stored.
     */
    @Test
    void aNameAndDnsHostNameWithALookAlikeLetterReadByTheirCode() {
        String cyrillic = "\u041DV03";
        AuditResult r = audit(List.of(new ClusterConfig("HVC1", List.of("HV01", "HV02", cyrillic), null, null)),
                PolicyConfig.defaults(), host("HV01").delegatesTo("HV02").build(),
                host("HV02").delegatesTo("HV01").build(), host(cyrillic).build());
        Finding invalid = rule(r, "DNS_HOST_NAME_INVALID").get(0);
        assertTrue(invalid.message().startsWith("\\u041DV03's name '\\u041DV03' is not a valid host name and its"
                + " dNSHostName '\\u043Dv03.contoso.com' is not a valid DNS name, so"), invalid.message());
        assertEquals(List.of(cyrillic, "\u043Dv03.contoso.com"), invalid.evidence().actual());
    }

    @Test
    void withNoFormOfTheNameLeftEveryPairIntoTheHostIsBlockedByTheFinding() {
        AuditResult r = audit(new PolicyConfig(null, List.of("netbios"), null, null));
        Finding invalid = rule(r, "DNS_HOST_NAME_INVALID").get(0);
        assertEquals(Severity.HIGH, invalid.severity());
        List<PairStatus> into = r.context().pairs().stream().filter(p -> p.target().name().equals(BAD)).toList();
        assertEquals(2, into.size());
        for (PairStatus p : into) {
            assertFalse(p.ok(), p.source().name() + " -> " + BAD + " cannot be checked");
            assertTrue(p.blockers().contains(new Blocker(Blocker.DNS_HOST_NAME_INVALID, invalid.id())),
                    "the blocker is the finding: " + p.blockers());
            assertTrue(p.required().isEmpty());
        }
        assertTrue(rule(r, "MISSING_DELEGATION").stream().noneMatch(f -> BAD.equals(f.peer())));
    }

    @Test
    void aNodeWithAnInvalidNameIsRefusedInBothDirectionsThoughItsDnsHostNameIsValid() throws Exception {
        // its SPNs use its dNSHostName, which is valid; the name no command can carry is reason enough to add no
        // delegation to or from it: anyone who can name a computer in a cluster would otherwise be wired in
        AuditResult r = audit(List.of(HVC1), PolicyConfig.defaults(), host("HV01").delegatesTo("HV02").build(),
                host("HV02").delegatesTo("HV01").build(), host(BAD).dns("hv09.contoso.com")
                        .spn("HOST/hv09.contoso.com").spn(org.kcdauditor.support.Hosts.MIG + "/hv09.contoso.com")
                        .delegatesTo("HV01", "HV02").build());
        org.kcdauditor.report.FindingsDocument doc = org.kcdauditor.report.FindingsJson.build("r", NOW, NOW,
                org.kcdauditor.config.ConfigLoader.load(java.nio.file.Path.of("config/demo/kcd-audit-demo.yaml")), r,
                RuleCatalogue.standard());
        org.kcdauditor.report.ReportView view = org.kcdauditor.report.ReportView.of(doc);
        assertTrue(view.plan().validate().stream().noneMatch(p -> p.to().equals(BAD) || p.from().equals(BAD)),
                "no move into or out of a refused node is tested");
        var templates = new org.kcdauditor.report.runbook.TemplateRenderer(java.nio.file.Path.of("templates"));
        for (var writer : List.of(org.kcdauditor.report.runbook.RunbookWriter.markdown(templates),
                org.kcdauditor.report.runbook.RunbookWriter.powershell(templates))) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            writer.write(view, out);
            String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(text.toLowerCase(java.util.Locale.ROOT).contains("/hv09.contoso.com'"), "no entry to it: "
                    + text);
            assertFalse(text.contains("-Node 'hv09'"), "no test move into it: " + text);
            assertFalse(text.contains("```powershell\n\n```"), "no empty command block: " + text);
            assertFalse(text.contains("on HV01: '"), text);
        }
    }
}
