package org.kcdauditor.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.ReportRemedies;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resource-based delegation against the documented baseline: a capture records the SIDs each node's
 * msDS-AllowedToActOnBehalfOfOtherIdentity allows ({@code rbcdAllowed}), and a grant added or removed since is drift
 * (BASELINE_ENTRY_ADDED / BASELINE_ENTRY_REMOVED, evidence {@code rbcdAdded} / {@code rbcdRemoved}), in the run and
 * in {@code baseline diff}. A baseline written before it recorded grants compares none.
 */
class BaselineRbcdTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String RBCD = "msDS-AllowedToActOnBehalfOfOtherIdentity";
    private static final String HV01 = "CN=HV01,OU=Hyper-V," + TestDirectory.BASE;
    private static final String HV02 = "CN=HV02,OU=Hyper-V," + TestDirectory.BASE;
    /** HV03's objectSid as {@link TestDirectory#addCluster} gives it. */
    private static final String HV03_SID = "S-1-5-21-1-2-3-2002";

    @TempDir
    Path tmp;
    InMemoryDirectoryServer ds;
    Path cfg;

    @BeforeEach
    void server() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        TestDirectory.addCluster(ds, NODES);
        cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "allowInsecureBind: true");
    }

    @AfterEach
    void stop() {
        ds.shutDown(true);
    }

    private CliRun capture() {
        CliRun c = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, c.exitCode(), c.toString());
        return c;
    }

    private JsonNode run(String out) throws Exception {
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve(out).toString(),
                "--formats", "json");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        return CliRun.findings(tmp.resolve(out));
    }

    private static List<JsonNode> findings(JsonNode doc, String rule) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(rule)).toList();
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void aGrantAddedOrRemovedSinceTheCaptureIsBaselineDrift() throws Exception {
        ds.modify(HV01, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of(HV03_SID))));
        capture();
        String file = Files.readString(tmp.resolve("baseline.yaml"));
        assertTrue(file.contains("  HV01:\n    userAccountControl: [WORKSTATION_TRUST_ACCOUNT,"
                + " TRUSTED_TO_AUTH_FOR_DELEGATION]\n"), file);
        assertTrue(file.contains("\n    rbcdAllowed: [" + HV03_SID + "]\n  HV02:\n"), file);
        assertTrue(file.contains("\n    rbcdAllowed: []\n  HV03:\n"), file);
        JsonNode same = run("same");
        assertTrue(findings(same, "BASELINE_ENTRY_ADDED").isEmpty() && findings(same, "BASELINE_ENTRY_REMOVED")
                .isEmpty(), same.path("findings").toString());

        // HV01 no longer allows HV03; HV02 allows Everyone
        ds.modify(HV01, new Modification(ModificationType.DELETE, RBCD));
        ds.modify(HV02, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of("S-1-1-0"))));
        JsonNode doc = run("drift");
        List<JsonNode> removed = findings(doc, "BASELINE_ENTRY_REMOVED");
        assertEquals(1, removed.size(), removed.toString());
        JsonNode r = removed.get(0);
        assertEquals("HV01", r.path("host").asText());
        assertEquals("HV01 no longer allows resource-based delegation from " + HV03_SID + " (HV03), which the approved"
                + " baseline lists.", r.path("message").asText());
        assertEquals(RBCD, r.path("evidence").path("attribute").asText());
        assertEquals(List.of(HV03_SID), strings(r.path("evidence").path("rbcdRemoved")));
        assertEquals(List.of(HV03_SID + " (HV03)"), strings(r.path("evidence").path("expected")));
        // restoring it sets the list the baseline documents
        JsonNode restore = r.path("actions").get(0).path("proposed").get(0);
        assertEquals("addRbcd", restore.path("type").asText(), r.toString());
        assertEquals("HV01", restore.path("host").asText());
        assertEquals(List.of(HV03_SID), restore.path("principals").findValuesAsText("sid"));
        assertTrue(r.path("remediation").asText().contains("Set-ADComputer -Identity 'HV01$'"
                + " -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'HV03$'))"), r.toString());

        List<JsonNode> added = findings(doc, "BASELINE_ENTRY_ADDED");
        assertEquals(1, added.size(), added.toString());
        JsonNode a = added.get(0);
        assertEquals("HV02", a.path("host").asText());
        assertEquals("MEDIUM", a.path("severity").asText());
        assertEquals("HV02 allows resource-based delegation from S-1-1-0 (Everyone), which the approved baseline"
                + " does not list.", a.path("message").asText());
        assertEquals(List.of("S-1-1-0"), strings(a.path("evidence").path("rbcdAdded")));
        assertTrue(a.path("evidence").path("rbcdRemoved").isMissingNode(), a.toString());
        // taking it out sets the list the baseline documents: none, which clears the attribute
        assertTrue(a.path("remediation").asText().contains("Set-ADComputer -Identity 'HV02$'"
                + " -PrincipalsAllowedToDelegateToAccount $null"), a.toString());

        CliRun diff = CliRun.run(ENV, "baseline", "diff", "--config", cfg.toString());
        assertEquals(3, diff.exitCode(), diff.toString());
        assertTrue(diff.out().contains("\n  BASELINE_ENTRY_REMOVED  HV01: resource-based delegation grant removed: "
                + HV03_SID + " (HV03)\n"), diff.out());
        assertTrue(diff.out().contains("\n  BASELINE_ENTRY_ADDED  HV02: resource-based delegation grant added: S-1-1-0"
                + " (Everyone)\n"), diff.out());
    }

    /**
     * A documented grant to every account that is gone since is drift too, but its decision never proposes it back: a
     * list cannot write it, and it let any account act as any user towards the host (RBCD_ALLOWS_ANY_ACCOUNT).
     */
    @Test
    void aRemovedGrantToEveryAccountIsNotProposedBack() throws Exception {
        ds.modify(HV02, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of("S-1-1-0"))));
        capture();
        ds.modify(HV02, new Modification(ModificationType.DELETE, RBCD));
        List<JsonNode> removed = findings(run("gone"), "BASELINE_ENTRY_REMOVED");
        assertEquals(1, removed.size(), removed.toString());
        JsonNode r = removed.get(0);
        assertEquals(List.of("S-1-1-0"), strings(r.path("evidence").path("rbcdRemoved")));
        assertTrue(r.path("actions").get(0).path("proposed").isMissingNode(), r.toString());
        assertTrue(r.path("remediation").asText().startsWith("Do not restore it: it allowed Everyone (S-1-1-0): every"
                + " account's token holds Everyone, so through it any such account may act as any user towards HV02"),
                r.toString());
    }

    /**
     * HV01's documented grant to HV03 was replaced by one to Everyone: RBCD_ALLOWS_ANY_ACCOUNT, BASELINE_ENTRY_REMOVED
     * and BASELINE_ENTRY_ADDED are three decisions, each a list for HV01 whose command saves the descriptor first. They
     * saved to one file of the run, so after a yes to one, the yes to another stopped on that file (-NoClobber) and
     * could not be carried out. Each decision's save is a file of its own, and its undo reads that file.
     */
    @Test
    void eachDecisionReplacingAHostsListSavesToAFileOfItsOwn() throws Exception {
        ds.modify(HV01, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of(HV03_SID))));
        capture();
        ds.modify(HV01, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of("S-1-1-0"))));
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("decisions").toString(),
                "--formats", "json,xlsx,pdf");
        assertTrue(r.exitCode() == 0 || r.exitCode() == 3, r.toString());
        org.kcdauditor.report.ReportView view = org.kcdauditor.report.ReportView.of(
                org.kcdauditor.report.FindingsJson.read(tmp.resolve("decisions/findings.json")));
        List<org.kcdauditor.report.Procedure.Step> steps = view.procedure().steps(
                org.kcdauditor.report.Procedure.Phase.DECIDE).stream().filter(x -> x.host().equals("HV01")).toList();
        assertEquals(3, steps.size(), steps.toString());
        java.util.regex.Pattern saved = java.util.regex.Pattern.compile("Out-File -LiteralPath '([^']+)' -NoClobber");
        java.util.Set<String> files = new java.util.HashSet<>();
        for (org.kcdauditor.report.Procedure.Step step : steps) {
            java.util.regex.Matcher m = saved.matcher(step.commands().get(0));
            assertTrue(m.find(), step.toString());
            assertTrue(files.add(m.group(1)), "saved to " + m.group(1) + " again: " + steps);
            assertTrue(step.undo().get(0).contains("Get-Content -LiteralPath '" + m.group(1) + "'"), step.toString());
        }
        // the findings tables and the mail give each finding whose decision saves to a file of its own that command,
        // file and undo: the rule's words saved all three to the first file
        List<org.kcdauditor.report.Procedure.Step> later = steps.stream().filter(x -> !x.commands().get(0)
                .contains("-HV01.sddl'")).toList();
        assertEquals(2, later.size(), steps.toString());
        for (org.kcdauditor.report.Procedure.Step step : later) {
            org.kcdauditor.report.ReportView.FindingView finding = view.findings().stream().filter(v -> v.finding()
                    .rule().equals(step.rules().get(0)) && v.finding().host().equals("HV01")).findFirst().orElseThrow();
            String remedy = finding.remediation();
            assertTrue(remedy.contains(step.commands().get(0)) && remedy.contains(step.undo().get(0)), remedy + "\n"
                    + step);
            ReportRemedies.assertShown(tmp.resolve("decisions"), finding.finding().id(), remedy);
        }
    }

    /** A baseline written before captures recorded grants (no rbcdAllowed): no grant is drift, none is "added". */
    @Test
    void aBaselineWithoutGrantsComparesNone() throws Exception {
        ds.modify(HV01, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of(HV03_SID))));
        capture();
        Path file = tmp.resolve("baseline.yaml");
        Files.writeString(file, Files.readString(file).replaceAll("\n    rbcdAllowed: .*", ""));
        ds.modify(HV02, new Modification(ModificationType.REPLACE, RBCD, RbcdDescriptors.of(List.of("S-1-1-0"))));
        JsonNode doc = run("old");
        assertTrue(findings(doc, "BASELINE_ENTRY_ADDED").isEmpty() && findings(doc, "BASELINE_ENTRY_REMOVED")
                .isEmpty(), doc.path("findings").toString());
        CliRun diff = CliRun.run(ENV, "baseline", "diff", "--config", cfg.toString());
        assertEquals(0, diff.exitCode(), diff.toString());
    }

    /** A value of rbcdAllowed that is no SID is refused at its position, as an unknown flag name is. */
    @Test
    void aValueThatIsNoSidIsRefusedAtItsPosition() throws Exception {
        Files.writeString(tmp.resolve("baseline.yaml"), "hosts:\n  HV01:\n    delegateTo: []\n"
                + "    rbcdAllowed: [HV03]\n");
        CliRun r = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", "json");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("baseline.yaml:4:19: hosts.HV01.rbcdAllowed[0]: 'HV03' is no SID (write the"
                + " SIDs the host's msDS-AllowedToActOnBehalfOfOtherIdentity allows, such as S-1-5-21-…-1104)"),
                r.err());
    }
}
