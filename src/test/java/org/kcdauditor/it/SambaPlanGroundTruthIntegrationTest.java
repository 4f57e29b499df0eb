package org.kcdauditor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.cli.Main;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.RemediationPlan;
import org.kcdauditor.report.ReportView;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan's promise, checked against the seeded Samba DC (scripts/samba-ad.sh seed): what the reports expect "after
 * the change" (PDF page 1, the runbook's closing preflight) is what an audit finds once the scripted change is made,
 * and the rollback gives back the directory the first audit read. The change is the plan remediation.ps1 carries out
 * ({@link RemediationPlan}: each host's entries, flags and SPNs, the duplicate SPNs taken off other objects), made
 * over LDAP the way the script makes it: each step reads the current values, adds only what is missing and removes
 * only what is present, and records what it changed; the rollback reverts exactly that record, newest first. The
 * decisions the plan leaves to an administrator are not made.
 */
@Tag("integration")
class SambaPlanGroundTruthIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEEDED = "OU=Hyper-V," + SambaDc.BASE_DN;
    private static final String DELEGATE_TO = "msDS-AllowedToDelegateTo";
    private static final String SPN = "servicePrincipalName";
    private static final String UAC = "userAccountControl";
    private static final String ETYPES = "msDS-SupportedEncryptionTypes";
    private static final int TRUSTED_FOR_DELEGATION = 0x80000;
    private static final int TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000;
    private static SambaDc dc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dcIsUp() {
        String[] why = new String[1];
        dc = SambaDc.find(why);
        SambaDc.require(dc != null, "Samba plan ground truth skipped: " + why[0]);
    }

    /** config/samba-example.yaml for the DC in use; the test is skipped (or fails, if required) when not seeded. */
    private static String seeded() throws Exception {
        try (LDAPConnection c = dc.admin()) {
            SambaDc.require(c.getEntry("OU=HVC2," + SEEDED) != null, "not seeded: run scripts/samba-ad.sh seed "
                    + dc.dir);
        }
        return Files.readString(Path.of("config/samba-example.yaml")).replace("/tmp/kcd-samba", dc.dir.toString());
    }

    /** One write the change made: values added to or removed from an attribute, or a value it replaced. */
    private record Change(String dn, String attribute, String op, List<String> values, String before) {
    }

    @Test
    void theSeededClusters() throws Exception {
        ReportView view = assertThePlanHolds(seeded(), SEEDED);
        // what was compared: HVC1 GO throughout, HVC2 NO-GO after the change on the decision left open (NAS01)
        assertEquals("HVC1 true, HVC2 false", view.clusters().stream().map(c -> c.name() + " " + c.goAfter())
                .collect(Collectors.joining(", ")));
        assertEquals(Map.of("AES_NOT_ENABLED", 3), view.clusters().get(1).blockingAfter(view.plan()));
    }

    /**
     * HV12 -> HV13's missing entries waived: the plan leaves them out, the pair stays failing after the change (a
     * waived blocker), and the baseline without hosts leaves each node's BASELINE_HOST_NEW to a decision.
     */
    @Test
    void theSeededClustersWithAWaiver() throws Exception {
        Path baseline = tmp.resolve("baseline.yaml");
        Files.writeString(baseline, "waivers:\n  - rule: MISSING_DELEGATION\n    host: HV12\n    peer: HV13\n"
                + "    justification: \"HV13 is being replaced, CHG0042\"\n    expires: "
                + LocalDate.now(ZoneOffset.UTC).plusDays(90) + "\n");
        ReportView view = assertThePlanHolds(seeded() + "baseline: " + baseline + "\n", SEEDED);
        assertEquals(Map.of("AES_NOT_ENABLED", 3, "MISSING_DELEGATION (waived)", 1),
                view.clusters().get(1).blockingAfter(view.plan()));
    }

    /**
     * A live migration HV12 -> HV13 logged as failed with a Kerberos error before the change (its missing entries and
     * HV12's protocol transition explain it): the plan counts the failure settled with its causes, so the re-audit
     * after the change, with the same event export, must not report it open.
     */
    @Test
    void theSeededClustersWithAFailureLoggedBeforeTheChange() throws Exception {
        Path events = tmp.resolve("HV12-ha.xml");
        Files.writeString(events, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
                + "<Provider Name='Microsoft-Windows-Hyper-V-High-Availability'/><EventID>21502</EventID>"
                + "<Level>2</Level>"
                + "<TimeCreated SystemTime='" + Instant.now().minusSeconds(3600) + "'/>"
                + "<Channel>Microsoft-Windows-Hyper-V-High-Availability-Admin</Channel><Computer>hv12.contoso.test"
                + "</Computer></System><EventData><Data Name='VmName'>SQL01</Data><Data Name='ErrorMessage'>Live"
                + " migration of &apos;Virtual Machine SQL01&apos; failed. Virtual machine migration operation for"
                + " &apos;SQL01&apos; failed at migration source &apos;HV12&apos;. The Virtual Machine Management"
                + " Service failed to establish a connection for a Virtual Machine migration with host"
                + " &apos;HV13&apos;: No credentials are available in the security package (0x8009030E).</Data>"
                + "</EventData></Event>\n");
        ReportView view = assertThePlanHolds(seeded() + "events:\n  sources: ['" + events + "']\n", SEEDED);
        assertEquals(1, view.findings().stream().filter(f -> f.finding().rule().equals("MIGRATION_FAILURE_OBSERVED"))
                .count());
    }

    /**
     * The actions the seed has no case of: an SPN registered on the host's own account, msDS-SupportedEncryptionTypes
     * set, unconstrained delegation replaced (with protocol transition on) on a host that delegates to nothing, and a
     * stale entry for an existing non-peer (HV01, on both delegating hosts) left to a decision (LOW, open after the
     * change): GO expected.
     */
    @Test
    void registeredSpnsEncryptionTypesAndUnconstrainedDelegationReplaced() throws Exception {
        String ou = "OU=kcd-plan";
        dc.freshOu(ou);
        try {
            hosts(ou, List.of("PL01", "PL02", "PL03"), h -> h.migrationSpns = !h.name.equals("PL02"));
            try (LDAPConnection c = dc.admin()) {
                for (String src : List.of("PL01", "PL02")) {
                    List<String> entries = new ArrayList<>(entries(src, List.of("PL01", "PL02", "PL03")));
                    entries.add("cifs/HV01");
                    delegation(c, ou, src, entries, TRUSTED_TO_AUTH_FOR_DELEGATION);
                }
                c.modify("CN=PL01," + ou + "," + SambaDc.BASE_DN, new Modification(ModificationType.REPLACE, ETYPES,
                        "4"));
            }
            dc.forAnyService("PL03", true);
            ReportView view = assertThePlanHolds(config("PLC", ou, "any"), ou + "," + SambaDc.BASE_DN);
            assertEquals("PL01 24 [], PL02 null [" + SambaDc.MVSMS + "/PL02, " + SambaDc.MVSMS + "/pl02.contoso.test],"
                    + " PL03 null [] unconstrained any protocol", describe(view.plan()));
            assertEquals(List.of("STALE_DELEGATION", "STALE_DELEGATION"), decisions(view.plan()));
            assertTrue(view.clusters().get(0).goAfter(), "GO expected after the change");
        } finally {
            SambaDc.afterSuite(dc, ou);
        }
    }

    /**
     * Policy kerberos-only: protocol transition turned off on KO01, unconstrained delegation replaced on KO03 keeping
     * "Kerberos only", its missing entry added and its entry for the DC's cifs removed, its entries in upper case
     * counted as they are; KO02 is disabled, which the plan leaves to a decision: NO-GO expected on ACCOUNT_DISABLED.
     */
    @Test
    void kerberosOnlyPolicyWithADisabledNode() throws Exception {
        String ou = "OU=kcd-plan-ko";
        dc.freshOu(ou);
        try {
            List<String> nodes = List.of("KO01", "KO02", "KO03");
            hosts(ou, nodes, h -> h.enabled = !h.name.equals("KO02"));
            try (LDAPConnection c = dc.admin()) {
                delegation(c, ou, "KO01", entries("KO01", nodes), TRUSTED_TO_AUTH_FOR_DELEGATION);
                delegation(c, ou, "KO02", entries("KO02", nodes), 0x2);
                List<String> ko03 = new ArrayList<>(entries("KO03", nodes).stream()
                        .filter(e -> !e.equals(SambaDc.MVSMS + "/KO02")).map(e -> e.contains(".")
                                ? e.toUpperCase(Locale.ROOT) : e).toList());
                ko03.add("cifs/dc1.contoso.test");
                delegation(c, ou, "KO03", ko03, TRUSTED_FOR_DELEGATION);
            }
            ReportView view = assertThePlanHolds(config("KOC", ou, "kerberos-only"), ou + "," + SambaDc.BASE_DN);
            assertEquals("KO01 null [] kerberos only, KO03 null [] unconstrained", describe(view.plan()));
            assertEquals(List.of("ACCOUNT_DISABLED"), decisions(view.plan()));
            assertEquals(Map.of("ACCOUNT_DISABLED", 4), view.clusters().get(0).blockingAfter(view.plan()));
        } finally {
            SambaDc.afterSuite(dc, ou);
        }
    }

    /** Hosts in {@code ou}, each with a machine password of its own as a join sets it (its AES keys date from it). */
    private static void hosts(String ou, List<String> names, Consumer<SambaDc.Host> options)
            throws LDAPException {
        for (String n : names) {
            SambaDc.Host h = new SambaDc.Host(n);
            options.accept(h);
            dc.host(h, ou);
            dc.tool("user", "setpassword", n + "$", "--newpassword=" + dc.adminPassword + "-" + n);
        }
    }

    /** The entries {@code src} needs towards every other node, both services, both name forms. */
    private static List<String> entries(String src, List<String> nodes) {
        List<String> out = new ArrayList<>();
        for (String dst : nodes) {
            for (String svc : List.of(SambaDc.MVSMS, "cifs")) {
                if (!dst.equals(src)) {
                    out.addAll(List.of(svc + "/" + dst, svc + "/" + SambaDc.fqdn(dst)));
                }
            }
        }
        return out;
    }

    /** {@code src}'s delegation entries, and its userAccountControl: a workstation account with {@code flags}. */
    private static void delegation(LDAPConnection c, String ou, String src, List<String> entries, int flags)
            throws LDAPException {
        c.modify("CN=" + src + "," + ou + "," + SambaDc.BASE_DN, new Modification(ModificationType.ADD, DELEGATE_TO,
                entries.toArray(String[]::new)), new Modification(ModificationType.REPLACE, UAC,
                String.valueOf(0x1000 | flags)));
    }

    private static String config(String cluster, String ou, String protocolTransition) {
        return "directory:\n  url: ldaps://127.0.0.1:636\n  bindDn: Administrator@" + SambaDc.DNS_DOMAIN
                + "\n  passwordEnv: KCD_AUDIT_LDAP_PASSWORD\n  baseDn: '" + SambaDc.BASE_DN + "'\n  trustStore: "
                + dc.trustStore() + "\n  trustStorePasswordFile: " + dc.trustStorePasswordFile() + "\nclusters:\n"
                + "  - name: " + cluster + "\n    ou: '" + ou + "," + SambaDc.BASE_DN + "'\npolicy:\n"
                + "  protocolTransition: " + protocolTransition + "\n";
    }

    /** The plan's host changes beyond entries: encryption types set, SPNs registered, the delegation mode. */
    private static String describe(RemediationPlan plan) {
        return plan.hosts().stream().map(h -> h.name() + " " + (h.encryption() == null ? null : h.encryption().value())
                + " " + h.register() + (h.unconstrained() ? " unconstrained" : "") + (h.trustedToAuth() == null ? ""
                : h.trustedToAuth() ? " any protocol" : " kerberos only")).collect(Collectors.joining(", "));
    }

    private static List<String> decisions(RemediationPlan plan) {
        return plan.decisions().stream().map(d -> d.finding().rule()).toList();
    }

    /**
     * Audits with {@code config}, makes the change the plan scripts, audits again and compares with what the first
     * run expected after the change, applies it once more, rolls it back and audits a third time; the objects under
     * {@code base} are restored whatever fails. Returns the first run's view (its plan and expectations).
     */
    private ReportView assertThePlanHolds(String config, String base) throws Exception {
        JsonNode first = audit("before", "before", config);
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("before").resolve(FindingsJson.FILE_NAME)));
        RemediationPlan plan = view.plan();
        assertTrue(plan.hasChanges(), "a plan with a change");
        Map<String, Map<String, List<String>>> before = snapshot(base);
        try {
            List<Change> record = apply(plan);
            Map<String, Map<String, List<String>>> changed = snapshot(base);
            // the admin's re-audit after the change: the same history store, whose previous run is the first audit
            JsonNode after = audit("after", "before", config);

            for (ReportView.ClusterView c : view.clusters()) {
                JsonNode seen = cluster(after, c.name());
                String where = c.name() + " after the change: " + reasons(seen);
                assertEquals(c.goAfter(), seen.path("go").asBoolean(), where);
                assertEquals(c.pairsOkAfter(), seen.path("pairsOk").asInt(), where);
                // a waived blocker keeps its pair failing but is no reason for NO-GO
                Set<String> blockingAfter = c.blockingAfter(plan).keySet().stream()
                        .filter(r -> !r.endsWith(" (waived)")).collect(Collectors.toCollection(TreeSet::new));
                c.openAfter().stream().map(ReportView.FindingView::finding).filter(f -> f.severity() == Severity.HIGH)
                        .forEach(f -> blockingAfter.add(f.rule()));
                assertEquals(blockingAfter, reasons(seen), where);
                for (ReportView.Cell cell : c.cells()) {
                    assertEquals(!cell.failing() || cell.fixedByChange(), pair(seen, cell.from(), cell.to())
                            .path("ok").asBoolean(), c.name() + " " + cell.from() + " -> " + cell.to());
                }
            }
            Set<String> expectedOpen = view.findings().stream().map(ReportView.FindingView::finding)
                    .filter(f -> plan.staysOpen(f.id())).map(SambaPlanGroundTruthIntegrationTest::describe)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> open = findings(after).stream().filter(f -> !f.path("severity").asText().equals("INFO")
                    && !f.path("waived").asBoolean()).map(SambaPlanGroundTruthIntegrationTest::describe)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expectedOpen, open, "the findings open after the change");
            // and the audit after that (whose previous run is the re-audit, not the first audit) agrees
            JsonNode again = audit("after-again", "before", config);
            assertEquals(open, findings(again).stream().filter(f -> !f.path("severity").asText().equals("INFO")
                    && !f.path("waived").asBoolean()).map(SambaPlanGroundTruthIntegrationTest::describe)
                    .collect(Collectors.toCollection(TreeSet::new)), "the findings open in the next audit");

            // the script run again changes nothing: every value it adds is there, every one it removes gone
            assertEquals(List.of(), apply(plan), "a second -Apply");
            assertEquals(changed, snapshot(base), "a second -Apply");

            rollback(record);
            assertEquals(before, snapshot(base), "the directory after -Rollback");
            JsonNode rolledBack = audit("rolled-back", "rolled-back", config);
            // a host with no entry before the change and some after it has, once rolled back, replication metadata
            // recording writes of msDS-AllowedToDelegateTo and no value: its MISSING_DELEGATION findings say the
            // attribute was written but read as empty (removed, or hidden from the bind account) and ask for a look
            // before adding; every other word of the audit is as before the change
            Set<String> emptied = before.keySet().stream().filter(dn -> before.get(dn).get(DELEGATE_TO).isEmpty()
                    && !changed.get(dn).get(DELEGATE_TO).isEmpty()).map(dn -> dn.substring(3, dn.indexOf(',')))
                    .collect(Collectors.toSet());
            for (JsonNode f : findings(rolledBack)) {
                if (f.path("evidence").path("mayBeUnreadable").asBoolean()) {
                    assertEquals("MISSING_DELEGATION", f.path("rule").asText(), f.toString());
                    assertTrue(emptied.contains(f.path("host").asText().toLowerCase(Locale.ROOT)), emptied + " " + f);
                }
            }
            assertEquals(comparable(first, emptied), comparable(rolledBack, emptied), "the audit after -Rollback");
        } finally {
            restore(before, base);
        }
        return view;
    }

    // ------------------------------------------------------------------ the script's steps over LDAP

    /** The plan's directory changes, as remediation.ps1 -Apply makes them; returns its change record. */
    private static List<Change> apply(RemediationPlan plan) throws LDAPException {
        List<Change> record = new ArrayList<>();
        try (LDAPConnection c = dc.admin()) {
            for (RemediationPlan.HostChange h : plan.hosts()) {
                assertTrue(h.rbcd().isEmpty(), "no RBCD change in the seeded plan: translate it when there is one");
                String dn = dnOf(c, plan.commandsFor(h.name()).account(h.name()));
                h.add().forEach(p -> addValues(c, dn, DELEGATE_TO, p.spns(), record));
                h.remove().forEach(p -> removeValues(c, dn, DELEGATE_TO, p.spns(), record));
                h.register().forEach(s -> addValues(c, dn, SPN, List.of(s), record));
                Map<Integer, Boolean> flags = new LinkedHashMap<>();
                if (h.unconstrained()) {
                    flags.put(TRUSTED_FOR_DELEGATION, false);
                }
                if (h.trustedToAuth() != null) {
                    flags.put(TRUSTED_TO_AUTH_FOR_DELEGATION, h.trustedToAuth());
                }
                flags.forEach((flag, on) -> setFlag(c, dn, flag, on, record));
                if (h.encryption() != null) {
                    setValue(c, dn, ETYPES, String.valueOf(h.encryption().value()), record);
                }
            }
            for (var u : plan.unregister()) {
                removeValues(c, u.dn(), SPN, List.of(u.spn()), record);
            }
        }
        return record;
    }

    /** remediation.ps1 -Rollback: each recorded change undone, newest first, with the same read-then-write steps. */
    private static void rollback(List<Change> record) throws LDAPException {
        List<Change> undo = new ArrayList<>(record);
        Collections.reverse(undo);
        List<Change> ignored = new ArrayList<>();
        try (LDAPConnection c = dc.admin()) {
            for (Change ch : undo) {
                switch (ch.op()) {
                    case "add" -> removeValues(c, ch.dn(), ch.attribute(), ch.values(), ignored);
                    case "remove" -> {
                        if (ch.attribute().equals(SPN)) {
                            // not put back where another object holds it by then: the DC refuses a duplicate
                            ch.values().stream().filter(v -> holders(c, v).stream().allMatch(ch.dn()::equalsIgnoreCase))
                                    .forEach(v -> addValues(c, ch.dn(), SPN, List.of(v), ignored));
                        } else {
                            addValues(c, ch.dn(), ch.attribute(), ch.values(), ignored);
                        }
                    }
                    case "set" -> setValue(c, ch.dn(), ch.attribute(), ch.before(), ignored);
                    default -> throw new AssertionError(ch.toString());
                }
            }
        }
    }

    private static void addValues(LDAPConnection c, String dn, String attribute, List<String> values,
                                  List<Change> record) {
        List<String> current = values(c, dn, attribute);
        List<String> missing = values.stream().filter(v -> current.stream().noneMatch(v::equalsIgnoreCase)).toList();
        if (!missing.isEmpty()) {
            modify(c, dn, new Modification(ModificationType.ADD, attribute, missing.toArray(String[]::new)));
            record.add(new Change(dn, attribute, "add", missing, null));
        }
    }

    private static void removeValues(LDAPConnection c, String dn, String attribute, List<String> values,
                                     List<Change> record) {
        List<String> present = values(c, dn, attribute).stream()
                .filter(v -> values.stream().anyMatch(v::equalsIgnoreCase)).toList();
        if (!present.isEmpty()) {
            modify(c, dn, new Modification(ModificationType.DELETE, attribute, present.toArray(String[]::new)));
            record.add(new Change(dn, attribute, "remove", present, null));
        }
    }

    /** Set-ADAccountControl: one userAccountControl bit, written only where it differs. */
    private static void setFlag(LDAPConnection c, String dn, int flag, boolean on, List<Change> record) {
        int uac = Integer.parseInt(values(c, dn, UAC).get(0));
        int want = on ? uac | flag : uac & ~flag;
        if (want != uac) {
            setValue(c, dn, UAC, String.valueOf(want), record);
        }
    }

    /** -Replace (or -Clear for null) of a single-valued attribute, recording the value it replaces. */
    private static void setValue(LDAPConnection c, String dn, String attribute, String value, List<Change> record) {
        List<String> current = values(c, dn, attribute);
        String was = current.isEmpty() ? null : current.get(0);
        if (Objects.equals(was, value)) {
            return;
        }
        modify(c, dn, value == null ? new Modification(ModificationType.DELETE, attribute)
                : new Modification(ModificationType.REPLACE, attribute, value));
        record.add(new Change(dn, attribute, "set", List.of(), was));
    }

    private static List<String> values(LDAPConnection c, String dn, String attribute) {
        try {
            SearchResultEntry e = c.getEntry(dn, attribute);
            String[] v = e == null ? null : e.getAttributeValues(attribute);
            return v == null ? List.of() : Arrays.asList(v);
        } catch (LDAPException e) {
            throw new AssertionError("read " + attribute + " of " + dn + ": " + e.getMessage(), e);
        }
    }

    private static void modify(LDAPConnection c, String dn, Modification m) {
        try {
            c.modify(dn, m);
        } catch (LDAPException e) {
            throw new AssertionError("modify " + dn + " " + m + ": " + e.getMessage(), e);
        }
    }

    private static String dnOf(LDAPConnection c, String account) throws LDAPException {
        List<SearchResultEntry> found = c.search(SambaDc.BASE_DN, SearchScope.SUB,
                Filter.createEqualityFilter("sAMAccountName", account), "1.1").getSearchEntries();
        assertEquals(1, found.size(), account);
        return found.get(0).getDN();
    }

    private static List<String> holders(LDAPConnection c, String spn) {
        try {
            return c.search(SambaDc.BASE_DN, SearchScope.SUB, Filter.createEqualityFilter(SPN, spn), "1.1")
                    .getSearchEntries().stream().map(SearchResultEntry::getDN).toList();
        } catch (LDAPException e) {
            throw new AssertionError("search " + spn + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ the directory and the audits

    /** What the plan may change, for every computer and user under {@code base}: dn → attribute → sorted values. */
    private static Map<String, Map<String, List<String>>> snapshot(String base) throws LDAPException {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        try (LDAPConnection c = dc.admin()) {
            for (SearchResultEntry e : c.search(base, SearchScope.SUB, "(objectClass=user)", DELEGATE_TO, SPN, UAC,
                    ETYPES).getSearchEntries()) {
                Map<String, List<String>> attrs = new TreeMap<>();
                for (String a : List.of(DELEGATE_TO, SPN, UAC, ETYPES)) {
                    String[] v = e.getAttributeValues(a);
                    attrs.put(a, v == null ? List.of() : Arrays.stream(v).sorted().toList());
                }
                out.put(e.getDN().toLowerCase(Locale.ROOT), attrs);
            }
        }
        return out;
    }

    /** Whatever went wrong above: the objects as they were, for the suites that read the seeded ones after this one. */
    private static void restore(Map<String, Map<String, List<String>>> before, String base) throws LDAPException {
        Map<String, Map<String, List<String>>> now = snapshot(base);
        try (LDAPConnection c = dc.admin()) {
            for (var e : before.entrySet()) {
                for (var a : e.getValue().entrySet()) {
                    if (!a.getValue().equals(now.get(e.getKey()).get(a.getKey()))) {
                        modify(c, e.getKey(), new Modification(ModificationType.REPLACE, a.getKey(),
                                a.getValue().toArray(String[]::new)));
                    }
                }
            }
        }
    }

    /**
     * An audit with {@code config} into the history store {@code store}: the re-audit after the change shares the
     * first audit's (its previous run is the one that explained the failures the change settles); the audit after the
     * rollback has one of its own, the first run of its store, so that it compares with the first audit as it was.
     */
    private JsonNode audit(String name, String store, String config) throws Exception {
        Path out = tmp.resolve(name);
        Path cfg = tmp.resolve(store + ".yaml"); // a store's previous run is that of the same config file
        Files.writeString(cfg, config + "store:\n  url: jdbc:h2:file:" + tmp.resolve(store + "-store/kcd-audit") + "\n");
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int exit;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            exit = Main.execute(new String[]{"run", "--config", cfg.toString(), "--out", out.toString(), "--formats",
                    "json"}, po, pe, Map.of("KCD_AUDIT_LDAP_PASSWORD", dc.adminPassword));
        }
        Path json = out.resolve(FindingsJson.FILE_NAME);
        assertTrue(Files.exists(json), name + ": exit " + exit + "\n" + o.toString(StandardCharsets.UTF_8)
                + e.toString(StandardCharsets.UTF_8));
        return JSON.readTree(json.toFile());
    }

    private static List<JsonNode> findings(JsonNode doc) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false).toList();
    }

    private static JsonNode cluster(JsonNode doc, String name) {
        return StreamSupport.stream(doc.path("clusters").spliterator(), false)
                .filter(c -> c.path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    private static JsonNode pair(JsonNode cluster, String from, String to) {
        return StreamSupport.stream(cluster.path("matrix").spliterator(), false)
                .filter(p -> p.path("from").asText().equals(from) && p.path("to").asText().equals(to))
                .findFirst().orElseThrow(() -> new AssertionError(from + " -> " + to + " not in " + cluster));
    }

    private static Set<String> reasons(JsonNode cluster) {
        Set<String> out = new TreeSet<>();
        cluster.path("reasons").forEach(r -> out.add(r.path("rule").asText()));
        return out;
    }

    private static String describe(Finding f) {
        return f.severity() + " " + f.rule() + " " + f.host() + " " + f.id();
    }

    private static String describe(JsonNode f) {
        return f.path("severity").asText() + " " + f.path("rule").asText() + " " + f.path("host").asText() + " "
                + f.path("id").asText();
    }

    /**
     * An audit's findings and clusters (not hosts[], whose change times record the change and its undoing); of the
     * MISSING_DELEGATION findings of the {@code emptied} hosts (lower case) only what they are about, and of the
     * clusters' reasons only their rules and counts: their words tell the attribute written but read as empty. The
     * path of the audit's own config file, which the findings' commands name (one per store), reads {@code <config>}.
     */
    private static String comparable(JsonNode doc, Set<String> emptied) {
        List<String> out = new ArrayList<>();
        String config = doc.path("summary").path("configFile").asText();
        findings(doc).stream().map(f -> f.path("rule").asText().equals("MISSING_DELEGATION")
                && emptied.contains(f.path("host").asText().toLowerCase(Locale.ROOT))
                ? String.join(" ", describe(f), f.path("peer").asText(), f.path("spn").asText()) : f.toString())
                .map(text -> config.isEmpty() ? text : text.replace(config, "<config>"))
                .sorted().forEach(out::add);
        doc.path("clusters").forEach(c -> {
            ObjectNode copy = c.deepCopy();
            if (!emptied.isEmpty()) {
                copy.path("reasons").forEach(r -> ((ObjectNode) r).remove("text"));
            }
            out.add(copy.toString());
        });
        assertFalse(out.isEmpty());
        return String.join("\n", out);
    }
}
