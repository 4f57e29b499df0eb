package org.kcdauditor.rules;

import org.junit.jupiter.api.Test;
import org.kcdauditor.audit.AuditInputs;
import org.kcdauditor.audit.AuditResult;
import org.kcdauditor.audit.Auditor;
import org.kcdauditor.audit.Blocker;
import org.kcdauditor.audit.PairStatus;
import org.kcdauditor.config.ClusterConfig;
import org.kcdauditor.config.ConfigLoader;
import org.kcdauditor.config.PolicyConfig;
import org.kcdauditor.model.AdObject;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.Snapshot;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.support.Hosts.MIG;
import static org.kcdauditor.support.Hosts.host;

/**
 * A peer without dNSHostName under a policy that asks for the FQDN form (policy.nameForms [netbios, fqdn]): the FQDN
 * entries into it are required all the same. A GO that left them out of the count was a false green (the reviewer's
 * cluster C21: 2/2 pairs, 6/6 entries, 100 %, GO while H21A had no FQDN entry for H21B). Its FQDN is the one its own
 * SPNs name, when they name exactly one; otherwise the audit does not guess, and every pair into it is blocked by
 * DNS_HOST_NAME_MISSING.
 */
class DnsHostNameMissingTest {
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    private static final ClusterConfig C21 = new ClusterConfig("C21", List.of("H21A", "H21B"), null, null);

    private static AuditResult audit(AdObject... objects) {
        Snapshot s = new Snapshot(NOW, "ldap://test", "DC=contoso,DC=com", List.of(objects), "dc1.contoso.com", null,
                null, List.of());
        return new Auditor(RuleCatalogue.standard()).evaluate(s, List.of(C21), PolicyConfig.defaults(),
                AuditInputs.none(NOW));
    }

    private static List<Finding> rule(AuditResult r, String id) {
        return r.findings().stream().filter(f -> f.rule().equals(id)).toList();
    }

    private static PairStatus pair(AuditResult r, String from, String to) {
        return r.context().pairs().stream().filter(p -> p.source().name().equals(from)
                && p.target().name().equals(to)).findFirst().orElseThrow();
    }

    private static FindingsDocument.ClusterDoc cluster(AuditResult r) throws Exception {
        FindingsDocument doc = FindingsJson.build("r", NOW, NOW,
                ConfigLoader.load(Path.of("config/demo/kcd-audit-demo.yaml")), r, RuleCatalogue.standard());
        return doc.clusters().get(0);
    }

    /** H21A delegates to H21B's NetBIOS form only; H21B has no dNSHostName. */
    private static AdObject h21a() {
        return host("H21A").entry(MIG + "/H21B").entry("cifs/H21B").build();
    }

    /**
     * A dNSHostName that is no DNS name names no FQDN either: the same gap (the pairs into the host read OK with the
     * FQDN form unchecked, DNS_HOST_NAME_INVALID MEDIUM beside a GO) is closed the same way, by its own finding.
     */
    @Test
    void anInvalidDnsHostNameBlocksThePairsIntoItAsAMissingOneDoes() throws Exception {
        AdObject h21b = host("H21B").dns("h21b..contoso.com").delegatesTo("H21A").build();
        AuditResult r = audit(h21a(), h21b);
        Finding invalid = rule(r, "DNS_HOST_NAME_INVALID").get(0);
        assertEquals("H21B", invalid.host());
        assertTrue(invalid.message().contains("the pairs into H21B are blocked until it is fixed"), invalid.message());
        PairStatus into = pair(r, "H21A", "H21B");
        assertFalse(into.ok(), "the FQDN form the policy asks for cannot be checked");
        assertEquals(List.of(new Blocker(Blocker.DNS_HOST_NAME_INVALID, invalid.id())), into.blockers());
        assertEquals(4, into.requiredCount());
        assertEquals(Boolean.FALSE, cluster(r).go());
    }

    @Test
    void c21AHostWhoseSpnsNameNoFqdnBlocksThePairsIntoItAndTheirFqdnEntriesAreCounted() throws Exception {
        // H21B registers its NetBIOS SPNs only: nothing says which FQDN it answers to
        AdObject h21b = host("H21B").noDns().withoutSpn("HOST/h21b.contoso.com")
                .withoutSpn(MIG + "/h21b.contoso.com").delegatesTo("H21A").build();
        AuditResult r = audit(h21a(), h21b);
        Finding missing = rule(r, "DNS_HOST_NAME_MISSING").get(0);
        assertEquals("H21B", missing.host());
        PairStatus into = pair(r, "H21A", "H21B");
        assertFalse(into.ok(), "the FQDN form the policy asks for cannot be checked");
        assertEquals(List.of(new Blocker(Blocker.DNS_HOST_NAME_MISSING, missing.id())), into.blockers());
        assertEquals(4, into.requiredCount(), "2 services x 2 name forms, the FQDN ones counted though unnamed");
        assertEquals(2, into.present());
        assertTrue(pair(r, "H21B", "H21A").ok());
        assertEquals(8, r.requiredEntries());
        assertEquals(6, r.presentEntries());

        FindingsDocument.ClusterDoc c21 = cluster(r);
        assertEquals(Boolean.FALSE, c21.go(), "NO-GO: " + c21.reasons());
        assertEquals("DNS_HOST_NAME_MISSING", c21.reasons().get(0).rule());
        assertEquals(1, c21.pairsOk());
        assertEquals(8, c21.requiredEntries());
        assertEquals(6, c21.presentEntries());
        FindingsDocument.PairDoc doc = c21.matrix().stream().filter(p -> p.from().equals("H21A")).findFirst()
                .orElseThrow();
        assertEquals(4, doc.required());
        assertEquals(2, doc.present());
        assertFalse(doc.ok());

        assertTrue(missing.message().contains("cannot be checked"), missing.message());
        assertTrue(missing.message().contains("blocked"), missing.message());
        String remedy = missing.remediation();
        assertTrue(remedy.contains("Set-ADComputer -Identity 'H21B$' -DNSHostName"), remedy);
        assertTrue(remedy.contains("FQDN entries"), remedy);
    }

    @Test
    void theFqdnItsOwnSpnsNameIsTheFormCheckedAndItsMissingEntriesAreOrdinaryFindings() throws Exception {
        // the reviewer's H21B: no dNSHostName, but HOST/ and the migration service registered as h21b.contoso.com
        AdObject h21b = host("H21B").noDns().delegatesTo("H21A").build();
        AuditResult r = audit(h21a(), h21b);
        PairStatus into = pair(r, "H21A", "H21B");
        assertFalse(into.ok());
        assertEquals(List.of(MIG + "/H21B", MIG + "/h21b.contoso.com", "cifs/H21B", "cifs/h21b.contoso.com"),
                into.required());
        assertEquals(4, into.requiredCount());
        assertEquals(2, into.present());
        Set<String> missingSpns = rule(r, "MISSING_DELEGATION").stream().filter(f -> f.peer().equals("H21B"))
                .map(Finding::spn).collect(Collectors.toSet());
        assertEquals(Set.of(MIG + "/h21b.contoso.com", "cifs/h21b.contoso.com"), missingSpns);
        for (Finding f : rule(r, "MISSING_DELEGATION")) {
            assertEquals(Severity.HIGH, f.severity());
            assertTrue(f.actions().stream().anyMatch(a -> a instanceof Action.AddDelegation), f.toString());
        }
        assertTrue(rule(r, "TARGET_SPN_NOT_REGISTERED").isEmpty(), r.findings().toString());
        Finding dns = rule(r, "DNS_HOST_NAME_MISSING").get(0);
        assertEquals(Severity.MEDIUM, dns.severity());
        assertTrue(dns.message().contains("h21b.contoso.com"), dns.message());
        assertTrue(into.blockers().stream().noneMatch(b -> b.rule().equals(Blocker.DNS_HOST_NAME_MISSING)),
                "the form is checked: its entries block, not the missing name");
        assertTrue(dns.remediation().contains("Set-ADComputer -Identity 'H21B$' -DNSHostName 'h21b.contoso.com'"),
                dns.remediation());
        FindingsDocument.ClusterDoc c21 = cluster(r);
        assertEquals(Boolean.FALSE, c21.go());
        assertEquals(8, c21.requiredEntries());
        assertEquals(6, c21.presentEntries());
        // the change adds the FQDN entries: GO after it
        org.kcdauditor.report.ReportView view = org.kcdauditor.report.ReportView.of(FindingsJson.build("r", NOW, NOW,
                ConfigLoader.load(Path.of("config/demo/kcd-audit-demo.yaml")), r, RuleCatalogue.standard()));
        assertTrue(view.clusters().get(0).goAfter());
        String script = render(org.kcdauditor.report.runbook.RunbookWriter.powershell(
                new org.kcdauditor.report.runbook.TemplateRenderer(Path.of("templates"))), view);
        assertTrue(script.contains("'cifs/h21b.contoso.com'"), script);
    }

    @Test
    void withTheFqdnEntriesInPlaceThePairIsOk() {
        AuditResult r = audit(host("H21A").delegatesTo("H21B").build(), host("H21B").noDns().delegatesTo("H21A")
                .build());
        assertTrue(r.context().pairs().stream().allMatch(PairStatus::ok), r.findings().toString());
        assertEquals(8, r.requiredEntries());
        assertEquals(8, r.presentEntries());
        assertNotNull(rule(r, "DNS_HOST_NAME_MISSING").get(0));
    }

    @Test
    void resourceBasedDelegationCoversThePairWhateverNameTheSourceAsksFor() {
        AdObject a = host("H21A").build();
        AdObject h21b = host("H21B").noDns().withoutSpn("HOST/h21b.contoso.com")
                .withoutSpn(MIG + "/h21b.contoso.com").delegatesTo("H21A").rbcdFrom(a.objectSid()).build();
        AuditResult r = audit(a, h21b);
        PairStatus into = pair(r, "H21A", "H21B");
        assertTrue(into.ok(), into.blockers().toString());
        assertEquals(0, into.requiredCount(), "RBCD makes every entry unnecessary, the unnamed ones too");
        assertEquals(0, into.present());
    }

    @Test
    void twoFqdnsInItsSpnsAreNotChosenBetween() {
        AdObject h21b = host("H21B").noDns().spn("HOST/h21b.fabrikam.com").delegatesTo("H21A").build();
        AuditResult r = audit(host("H21A").delegatesTo("H21B").build(), h21b);
        PairStatus into = pair(r, "H21A", "H21B");
        assertFalse(into.ok());
        assertEquals(Blocker.DNS_HOST_NAME_MISSING, into.blockers().get(0).rule());
        assertEquals(4, into.requiredCount());
        assertEquals(2, into.present(), "the entries to h21b.contoso.com are not taken for the FQDN form");
        Finding dns = rule(r, "DNS_HOST_NAME_MISSING").get(0);
        assertTrue(dns.message().contains("h21b.contoso.com") && dns.message().contains("h21b.fabrikam.com"),
                dns.message());
    }

    @Test
    void theRunbookAsksForTheDnsHostNameAndScriptsNoGuessedEntry() throws Exception {
        AdObject h21b = host("H21B").noDns().withoutSpn("HOST/h21b.contoso.com")
                .withoutSpn(MIG + "/h21b.contoso.com").delegatesTo("H21A").build();
        AuditResult r = audit(h21a(), h21b);
        FindingsDocument doc = FindingsJson.build("r", NOW, NOW,
                ConfigLoader.load(Path.of("config/demo/kcd-audit-demo.yaml")), r, RuleCatalogue.standard());
        org.kcdauditor.report.ReportView view = org.kcdauditor.report.ReportView.of(doc);
        assertFalse(view.clusters().get(0).go());
        assertFalse(view.clusters().get(0).goAfter(), "no change the plan makes names the FQDN");
        var templates = new org.kcdauditor.report.runbook.TemplateRenderer(Path.of("templates"));
        String runbook = render(org.kcdauditor.report.runbook.RunbookWriter.markdown(templates), view);
        assertTrue(runbook.contains("**NO-GO for the patch window: 1 of 1 cluster.**"), runbook);
        assertTrue(runbook.contains("Compliance: 75.0 % of required delegation entries present; 1 of 2 directed pairs"
                + " OK"), runbook);
        assertTrue(runbook.contains("`DNS_HOST_NAME_MISSING`"), runbook);
        assertTrue(runbook.contains("Set-ADComputer -Identity 'H21B$' -DNSHostName '\\<FQDN>'"), runbook);
        String script = render(org.kcdauditor.report.runbook.RunbookWriter.powershell(templates), view);
        assertFalse(script.contains("DNSHostName"), "a decision, never scripted: " + script);
        assertFalse(script.toLowerCase(java.util.Locale.ROOT).contains("h21b.contoso.com"), "no guessed FQDN");
    }

    private static String render(org.kcdauditor.report.runbook.RunbookWriter writer,
                                 org.kcdauditor.report.ReportView view) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        writer.write(view, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
