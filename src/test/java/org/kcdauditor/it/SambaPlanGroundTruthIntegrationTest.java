package org.kcdauditor.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
    static void dcIsUp() throws LDAPException {
        String[] why = new String[1];
        dc = SambaDc.find(why);
        if (dc == null && Boolean.getBoolean("kcd.samba.required")) {
            throw new AssertionError("-Dkcd.samba.required=true but " + why[0]);
        }
        assumeTrue(dc != null, "Samba plan ground truth skipped: " + why[0]);
        try (LDAPConnection c = dc.admin()) {
            assumeTrue(c.getEntry("OU=HVC2," + SEEDED) != null, "not seeded: run scripts/samba-ad.sh seed " + dc.dir);
        }
    }

    /** One write the change made: values added to or removed from an attribute, or a value it replaced. */
    private record Change(String dn, String attribute, String op, List<String> values, String before) {
    }

    @Test
    void theChangeGivesTheStateExpectedAfterItAndTheRollbackGivesBackTheFirstAudit() throws Exception {
        JsonNode first = audit("before");
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("before").resolve(FindingsJson.FILE_NAME)));
        RemediationPlan plan = view.plan();
        assertTrue(plan.hasChanges(), "the seeded HVC2 needs a change");
        Map<String, Map<String, List<String>>> before = snapshot();
        try {
            List<Change> record = apply(plan);
            Map<String, Map<String, List<String>>> changed = snapshot();
            JsonNode after = audit("after");

            for (ReportView.ClusterView c : view.clusters()) {
                JsonNode seen = cluster(after, c.name());
                String where = c.name() + " after the change: " + reasons(seen);
                assertEquals(c.goAfter(), seen.path("go").asBoolean(), where);
                assertEquals(c.pairsOkAfter(), seen.path("pairsOk").asInt(), where);
                Set<String> blockingAfter = new TreeSet<>(c.blockingAfter(plan).keySet());
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

            // the script run again changes nothing: every value it adds is there, every one it removes gone
            assertEquals(List.of(), apply(plan), "a second -Apply");
            assertEquals(changed, snapshot(), "a second -Apply");

            rollback(record);
            assertEquals(before, snapshot(), "the directory after -Rollback");
            JsonNode rolledBack = audit("rolled-back");
            assertEquals(comparable(first), comparable(rolledBack), "the audit after -Rollback");
        } finally {
            restore(before);
        }
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
        java.util.Collections.reverse(undo);
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

    private static void addValues(LDAPConnection c, String dn, String attribute, List<String> values, List<Change> record) {
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
        if (java.util.Objects.equals(was, value)) {
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

    /** What the plan may change, for every computer and user of the seeded OU: dn → attribute → sorted values. */
    private static Map<String, Map<String, List<String>>> snapshot() throws LDAPException {
        Map<String, Map<String, List<String>>> out = new TreeMap<>();
        try (LDAPConnection c = dc.admin()) {
            for (SearchResultEntry e : c.search(SEEDED, SearchScope.SUB, "(objectClass=user)", DELEGATE_TO, SPN, UAC,
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

    /** Whatever went wrong above: the seeded objects as they were, for the suites that read them after this one. */
    private static void restore(Map<String, Map<String, List<String>>> before) throws LDAPException {
        Map<String, Map<String, List<String>>> now = snapshot();
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
     * An audit with config/samba-example.yaml of the DC in use, each with a history store of its own: the first run
     * of its store, so that none reports what changed since another (CHANGED_SINCE_LAST_RUN).
     */
    private JsonNode audit(String name) throws Exception {
        Path out = tmp.resolve(name);
        Path cfg = tmp.resolve(name + ".yaml");
        Files.writeString(cfg, Files.readString(Path.of("config/samba-example.yaml"))
                .replace("/tmp/kcd-samba", dc.dir.toString())
                + "store:\n  url: jdbc:h2:file:" + tmp.resolve(name + "-store/kcd-audit") + "\n");
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

    /** An audit's findings and clusters (not hosts[], whose change times record the change and its undoing). */
    private static String comparable(JsonNode doc) {
        List<String> out = new ArrayList<>();
        findings(doc).stream().map(JsonNode::toString).sorted().forEach(out::add);
        doc.path("clusters").forEach(c -> out.add(c.toString()));
        assertFalse(out.isEmpty());
        return String.join("\n", out);
    }
}
