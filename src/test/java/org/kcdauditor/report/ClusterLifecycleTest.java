package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.model.UtcTime;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The life of a cluster as its administrator lives it, run by run against one history store: a node joins, one is
 * evicted, one is rebuilt under its name (a new computer object), one is renamed. Each step is checked as an expert
 * would read findings.json, the runbook, remediation.ps1, the mail and the history: what must change, and nothing else.
 */
class ClusterLifecycleTest {
    private static final String BASE = TestDirectory.BASE;
    private static final String MIG = Hosts.MIG;

    @TempDir
    Path tmp;

    private InMemoryDirectoryServer ds;
    private FindingsDocument previous;
    private int runs;
    private String baseDn = BASE;
    private String retain = "";
    /** The cluster's {@code fileServers} line of the configuration, if any. */
    private String fileServers = "";

    private static String dn(String node) {
        return "CN=" + node + ",OU=Hyper-V," + BASE;
    }

    private static List<String> entriesTo(String peer) {
        return List.of(MIG + "/" + peer, MIG + "/" + TestDirectory.fqdn(peer, BASE), "cifs/" + peer,
                "cifs/" + TestDirectory.fqdn(peer, BASE));
    }

    @AfterEach
    void stop() {
        if (ds != null) {
            ds.shutDown(true);
        }
    }

    /** A domain holding HVC1 of HV01..HV03, fully delegated, whose history holds a first run. */
    private void start() throws Exception {
        ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        TestDirectory.aesKeysSince(ds, BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        ScenarioOutputsAgreeTest.Outputs first = run("HV01", "HV02", "HV03");
        assertTrue(first.doc().clusters().get(0).go(), first.console());
    }

    /** {@code kcd-audit run} with HVC1 configured as {@code nodes}, every output read back and agreeing. */
    /** {@code kcd-audit baseline capture} of the test's configuration, approved by J. Doe; it must succeed. */
    private void captureBaseline(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("baseline", "capture", "--config",
                tmp.resolve("kcd-audit.yaml").toString(), "--approved-by", "J. Doe"));
        args.addAll(List.of(more));
        org.kcdauditor.support.CliRun captured = org.kcdauditor.support.CliRun.run(Map.of("TEST_LDAP_PASSWORD",
                TestDirectory.PASSWORD), args.toArray(String[]::new));
        assertEquals(0, captured.exitCode(), captured.toString());
    }

    private ScenarioOutputsAgreeTest.Outputs run(String... nodes) throws Exception {
        Files.writeString(tmp.resolve("kcd-audit.yaml"), "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort()
                + "\n  bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + baseDn
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n  - name: HVC1\n    nodes: ["
                + String.join(", ", nodes) + "]\n" + fileServers + "store:\n  url: jdbc:h2:file:data/kcd-audit\n" + retain);
        ScenarioOutputsAgreeTest.Outputs o = ScenarioOutputsAgreeTest.run(tmp, tmp.resolve("kcd-audit.yaml"),
                "run" + (runs++), previous);
        ScenarioOutputsAgreeTest.assertAgree(o);
        previous = o.doc();
        return o;
    }

    /** A joined Hyper-V host: its computer object with the SPNs Hyper-V registers, no delegation yet. */
    private void join(String node, int rid, boolean hyperV) throws Exception {
        Entry e = new Entry("dn: " + dn(node), "objectClass: top", "objectClass: user", "objectClass: computer",
                "cn: " + node, "sAMAccountName: " + node + "$", "dNSHostName: " + TestDirectory.fqdn(node, BASE),
                "userAccountControl: 4096", "operatingSystem: Windows Server 2022 Datacenter",
                "operatingSystemVersion: 10.0 (20348)", "servicePrincipalName: HOST/" + node,
                "servicePrincipalName: HOST/" + TestDirectory.fqdn(node, BASE));
        if (hyperV) {
            e.addAttribute("servicePrincipalName", MIG + "/" + node, MIG + "/" + TestDirectory.fqdn(node, BASE));
        }
        e.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-" + rid));
        ds.add(e);
    }

    private void delegate(String node, String... peers) throws Exception {
        for (String p : peers) {
            ds.modify(dn(node), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo",
                    entriesTo(p).toArray(String[]::new)));
        }
    }

    /** The open findings by rule, host and peer: {@code MISSING_DELEGATION HV01->HV04} → how many. */
    private static Map<String, Integer> open(FindingsDocument doc, Severity atLeast) {
        Map<String, Integer> out = new TreeMap<>();
        for (Finding f : doc.findings()) {
            if (!f.isWaived() && f.severity().ordinal() <= atLeast.ordinal()) {
                out.merge(f.rule() + " " + f.host() + (f.peer() == null ? "" : "->" + f.peer()), 1, Integer::sum);
            }
        }
        return out;
    }

    private static List<Finding> of(FindingsDocument doc, String rule) {
        return doc.findings().stream().filter(f -> f.rule().equals(rule)).toList();
    }

    /**
     * A fourth node joins a healthy cluster: each old node is told to add the new node's four entries and the new node
     * to add all old ones, and nothing else; once they are set the cluster is GO again. Then a node is evicted (no
     * longer configured, its computer object still there): the remaining nodes' entries to it are STALE_DELEGATION
     * decisions, never scripted removals, until its computer object is gone.
     */
    @Test
    void aNodeJoinsThenOneIsEvicted() throws Exception {
        start();
        join("HV04", 3000, true);
        ScenarioOutputsAgreeTest.Outputs joined = run("HV01", "HV02", "HV03", "HV04");
        Map<String, Integer> expected = new TreeMap<>();
        for (String old : List.of("HV01", "HV02", "HV03")) {
            expected.put("MISSING_DELEGATION " + old + "->HV04", 4);
            expected.put("MISSING_DELEGATION HV04->" + old, 4);
        }
        assertEquals(expected, open(joined.doc(), Severity.LOW), joined.console());
        assertEquals(List.of("HV04: new node (WORKSTATION_TRUST_ACCOUNT)."),
                of(joined.doc(), "CHANGED_SINCE_LAST_RUN").stream().map(Finding::message).toList());
        // the script adds exactly those entries, and removes nothing
        for (String old : List.of("HV01", "HV02", "HV03")) {
            assertTrue(joined.ps1().contains("Add-Values '" + old + "$' 'msDS-AllowedToDelegateTo' @('cifs/HV04',"
                    + " 'cifs/hv04.contoso.com', '" + MIG + "/HV04', '" + MIG + "/hv04.contoso.com')"),
                    joined.ps1());
        }
        assertFalse(joined.ps1().contains("\n    Remove-Values "), joined.ps1());
        assertTrue(joined.mail().contains("HVC1: NO-GO, 6/12 node pairs OK"), joined.mail());

        for (String old : List.of("HV01", "HV02", "HV03")) {
            delegate(old, "HV04");
        }
        delegate("HV04", "HV01", "HV02", "HV03");
        ScenarioOutputsAgreeTest.Outputs fixed = run("HV01", "HV02", "HV03", "HV04");
        assertEquals(Map.of(), open(fixed.doc(), Severity.LOW), fixed.console());
        assertTrue(fixed.doc().clusters().get(0).go());

        // HV03 evicted: removed from the cluster, its computer object (and its delegation) still in AD
        ScenarioOutputsAgreeTest.Outputs evicted = run("HV01", "HV02", "HV04");
        // both directions: the nodes' entries to HV03, and HV03's own, with which it can still act for users
        // (any user, by protocol transition) towards the nodes it left
        Map<String, Integer> stale = new TreeMap<>();
        for (String n : List.of("HV01", "HV02", "HV04")) {
            stale.put("STALE_DELEGATION " + n + "->HV03", 4);
            stale.put("STALE_DELEGATION HV03->" + n, 4);
        }
        assertEquals(stale, open(evicted.doc(), Severity.LOW), evicted.console());
        assertTrue(evicted.doc().clusters().get(0).go(), "stale entries block nothing");
        for (Finding f : of(evicted.doc(), "STALE_DELEGATION")) {
            Action.Manual decision = (Action.Manual) f.actions().get(0); // a decision while HV03 exists
            assertEquals(List.of(new Action.RemoveDelegation(f.host(), f.peer(), List.of(f.spn()))),
                    decision.proposed());
        }
        Finding own = of(evicted.doc(), "STALE_DELEGATION").stream().filter(f -> f.host().equals("HV03")
                && f.spn().equals("cifs/HV01")).findFirst().orElseThrow();
        assertEquals("HVC1", own.cluster());
        assertEquals("HV03 is no node of a configured cluster but delegates to cifs/HV01 of HVC1's node HV01: no"
                + " configured migration needs the entry, and with it HV03 can act as any user towards HV01"
                + " (protocol transition).", own.message());
        assertTrue(evicted.md().contains("Set-ADComputer -Identity 'HV03$' -Remove @{'msDS-AllowedToDelegateTo'="),
                evicted.md());
        assertFalse(evicted.ps1().contains("\n    Remove-Values "), "nothing removed by the script: "
                + evicted.ps1());
        assertEquals(List.of("HV03: no longer a node of a configured cluster (its computer is still in the"
                + " directory)."), of(evicted.doc(), "CHANGED_SINCE_LAST_RUN").stream().map(Finding::message)
                .toList());

        // its computer object deleted: now the script removes the entries naming it
        ds.delete(dn("HV03"));
        ScenarioOutputsAgreeTest.Outputs gone = run("HV01", "HV02", "HV04");
        for (Finding f : of(gone.doc(), "STALE_DELEGATION")) {
            assertTrue(f.actions().get(0) instanceof Action.RemoveDelegation, f.toString());
        }
        assertEquals(12, of(gone.doc(), "STALE_DELEGATION").size(), "HV03's own entries are gone with it");
        assertTrue(gone.ps1().contains("Remove-Values 'HV01$' 'msDS-AllowedToDelegateTo' @('cifs/HV03',"
                + " 'cifs/hv03.contoso.com', '" + MIG + "/HV03', '" + MIG + "/hv03.contoso.com')"), gone.ps1());
    }

    /**
     * HV03 decommissioned after the baseline was approved: the peers' entries to it removed, then its computer deleted
     * and the configuration following. The removed entries are drift the decommissioning explains (LOW
     * BASELINE_ENTRY_REMOVED): no output offers to put them back, and the cluster is GO, before the change and after
     * it, with only the new baseline to capture. Taken out of clusters[].nodes while its computer is still there, the
     * same.
     */
    @Test
    void aNodeDecommissionedAfterTheBaselineKeepsTheClusterGoWithoutARestoreCommand() throws Exception {
        start();
        retain = "baseline: baseline.yaml\n";
        run("HV01", "HV02", "HV03");
        captureBaseline();
        for (String n : List.of("HV01", "HV02")) {
            ds.modify(dn(n), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    entriesTo("HV03").toArray(String[]::new)));
        }
        for (boolean deleted : List.of(false, true)) {
            if (deleted) {
                ds.delete(dn("HV03"));
            }
            ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02");
            List<Finding> removed = of(o.doc(), "BASELINE_ENTRY_REMOVED");
            assertEquals(8, removed.size(), o.console());
            for (Finding f : removed) {
                assertEquals(Severity.LOW, f.severity(), f.toString());
                assertTrue(f.message().contains("HV03 is no longer " + (deleted ? "in the directory"
                        : "a node of a configured cluster")), f.message());
                assertTrue(f.remediation().contains("capture a new baseline (kcd-audit baseline capture --config "),
                        f.remediation());
            }
            assertTrue(o.doc().clusters().get(0).go(), o.console());
            assertTrue(o.view().clusters().get(0).goAfter(), o.console());
            assertTrue(o.page1().contains("GO for the patch window: HVC1") && o.mail().contains("HVC1: GO,"),
                    o.page1() + "\n" + o.mail());
            for (String out : List.of(o.md(), o.html(), o.ps1(), o.console(), o.page1())) {
                assertFalse(out.contains("-Add @{'msDS-AllowedToDelegateTo'") || out.contains("Add-Values '"), out);
            }
        }
    }

    /**
     * HV04 joins after the baseline was approved, and its entries are set both ways as the runbook of its join said:
     * the old nodes' new entries to HV04 differ from the baseline, but they are the entries the policy needs for the
     * pairs into HV04. They are drift the join explains (LOW BASELINE_ENTRY_ADDED, as a decommissioned node's removed
     * entries are): no output offers to remove them (which would fail the pairs the previous runbook fixed), and a new
     * baseline closes them with BASELINE_HOST_NEW.
     */
    @Test
    void aNodeJoinedAfterTheBaselineIsNoDriftToUndo() throws Exception {
        start();
        retain = "baseline: baseline.yaml\n";
        run("HV01", "HV02", "HV03");
        captureBaseline();
        join("HV04", 3000, true);
        ScenarioOutputsAgreeTest.Outputs joined = run("HV01", "HV02", "HV03", "HV04");
        assertEquals(24, of(joined.doc(), "MISSING_DELEGATION").size(), joined.console());
        assertEquals(List.of("HV04"), of(joined.doc(), "BASELINE_HOST_NEW").stream().map(Finding::host).toList());
        assertEquals(List.of(), of(joined.doc(), "BASELINE_ENTRY_ADDED"));

        for (String old : List.of("HV01", "HV02", "HV03")) {
            delegate(old, "HV04");
        }
        delegate("HV04", "HV01", "HV02", "HV03");
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03", "HV04");
        List<Finding> added = of(o.doc(), "BASELINE_ENTRY_ADDED");
        assertEquals(12, added.size(), o.console());
        for (Finding f : added) {
            assertEquals(Severity.LOW, f.severity(), f.toString());
            assertEquals("HV04", f.peer());
            assertTrue(f.message().endsWith(", which the approved baseline does not list: HV04 joined HVC1 since the"
                    + " baseline was captured (BASELINE_HOST_NEW), and live migration " + f.host() + " -> HV04 needs"
                    + " the entry."), f.message());
            Action.Manual decision = (Action.Manual) f.actions().get(0);
            assertEquals(List.of(), decision.proposed(), f.toString());
            assertTrue(f.remediation().startsWith("Keep it: removing it would fail live migration " + f.host()
                    + " -> HV04 (MISSING_DELEGATION). Once HV04's join is approved, capture a new baseline"
                    + " (kcd-audit baseline capture --config "), f.remediation());
        }
        assertEquals(List.of("HV04"), of(o.doc(), "BASELINE_HOST_NEW").stream().map(Finding::host).toList());
        assertTrue(o.doc().clusters().get(0).go(), o.console());
        for (String out : List.of(o.md(), o.html(), o.ps1(), o.console(), o.page1())) {
            assertFalse(out.contains("-Remove @{'msDS-AllowedToDelegateTo'") || out.contains("Remove-Values '"), out);
        }
    }

    /**
     * The baseline was approved while HV01 lacked cifs/HV02 and cifs/FS1 (the audit said MISSING_DELEGATION for
     * live migration HV01 -> HV02 and for its VM storage on file server FS1), and the admin then added them as the
     * runbook asked, with HOST/HV02, which no pair needs. The needed entries differ from the baseline, but removing
     * them would fail the pairs just fixed: LOW BASELINE_ENTRY_ADDED, keep it and capture a new baseline, and no output
     * offers to remove them. The entry no pair needs stays a MEDIUM decision with its removal command.
     */
    @Test
    void anEntryAddedToCloseAGapOfTheBaselineIsNotOfferedForRemoval() throws Exception {
        start();
        TestDirectory.addFileServer(ds, "FS1", Hosts.DOMAIN_SID + "-3100");
        fileServers = "    fileServers: [FS1]\n";
        for (String node : List.of("HV01", "HV02", "HV03")) {
            ds.modify(dn(node), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo",
                    node.equals("HV01") ? new String[] {"cifs/" + TestDirectory.fqdn("FS1", BASE)}
                            : new String[] {"cifs/FS1", "cifs/" + TestDirectory.fqdn("FS1", BASE)}));
        }
        ds.modify(dn("HV01"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/HV02"));
        retain = "baseline: baseline.yaml\n";
        ScenarioOutputsAgreeTest.Outputs gap = run("HV01", "HV02", "HV03");
        assertEquals(List.of("HV01->FS1 cifs/FS1", "HV01->HV02 cifs/HV02"), of(gap.doc(), "MISSING_DELEGATION")
                .stream().map(f -> f.host() + "->" + f.peer() + " " + f.spn()).sorted().toList(), gap.console());
        captureBaseline("--force");

        ds.modify(dn("HV01"), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV02",
                "HOST/HV02", "cifs/FS1"));
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03");
        assertEquals(List.of(), of(o.doc(), "MISSING_DELEGATION"), o.console());
        List<Finding> added = of(o.doc(), "BASELINE_ENTRY_ADDED");
        assertEquals(List.of("HOST/HV02", "cifs/FS1", "cifs/HV02"), added.stream().map(Finding::spn).sorted()
                .toList(), o.console());
        Finding storage = added.stream().filter(f -> f.spn().equals("cifs/FS1")).findFirst().orElseThrow();
        assertEquals(Severity.LOW, storage.severity(), storage.toString());
        assertEquals("HV01 delegates to cifs/FS1, which the approved baseline does not list: HV01's VM storage on file"
                + " server FS1 needs the entry.", storage.message());
        assertEquals(List.of(), ((Action.Manual) storage.actions().get(0)).proposed(), storage.toString());
        Finding needed = added.stream().filter(f -> f.spn().equals("cifs/HV02")).findFirst().orElseThrow();
        assertEquals(Severity.LOW, needed.severity(), needed.toString());
        assertEquals("HV02", needed.peer());
        assertEquals("HV01 delegates to cifs/HV02, which the approved baseline does not list: live migration HV01 ->"
                + " HV02 needs the entry.", needed.message());
        assertEquals(List.of(), ((Action.Manual) needed.actions().get(0)).proposed(), needed.toString());
        assertTrue(needed.remediation().startsWith("Keep it: removing it would fail live migration HV01 -> HV02"
                + " (MISSING_DELEGATION). Capture a new baseline (kcd-audit baseline capture --config "),
                needed.remediation());
        assertTrue(needed.remediation().endsWith("), so that it records the entry."), needed.remediation());

        Finding other = added.stream().filter(f -> f.spn().equals("HOST/HV02")).findFirst().orElseThrow();
        assertEquals(Severity.MEDIUM, other.severity(), other.toString());
        Action.Manual decision = (Action.Manual) other.actions().get(0);
        assertEquals(List.of(new Action.RemoveDelegation("HV01", "HV02", List.of("HOST/HV02"))), decision.proposed());
        assertTrue(o.md().contains("To remove it"), o.md());

        String xlsx = org.kcdauditor.support.ReportRemedies.findingCell(o.xlsx(), needed.id(), "Remediation");
        assertEquals(needed.remediation(), xlsx);
        for (String out : List.of(o.md(), o.html(), o.ps1(), o.console(), o.page1(), o.pdf().replaceAll("\\s+", ""),
                o.mail(), o.mailHtml())) {
            assertFalse(out.contains("'cifs/HV02'") || out.contains("'cifs/FS1'"), out);
        }
    }

    /**
     * With {@code baseDn} the nodes' OU, HV03 evicted: the nodes' entries to it removed (the decisions of the run that
     * told it), its computer moved to another OU, still holding its own entries to the nodes. With them it can still act
     * for users towards the nodes: every output tells the same STALE_DELEGATION decisions as with the domain's DN.
     */
    @Test
    void anEvictedNodeMovedOutOfTheOuStillDelegatingToTheNodes() throws Exception {
        baseDn = "OU=Hyper-V," + BASE;
        start();
        for (String n : List.of("HV01", "HV02")) {
            ds.modify(dn(n), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                    entriesTo("HV03").toArray(String[]::new)));
        }
        ds.modifyDN(dn("HV03"), "CN=HV03", true, "OU=Workstations," + BASE);
        ScenarioOutputsAgreeTest.Outputs moved = run("HV01", "HV02");
        assertEquals(Map.of("STALE_DELEGATION HV03->HV01", 4, "STALE_DELEGATION HV03->HV02", 4),
                open(moved.doc(), Severity.LOW), moved.console());
        for (Finding f : of(moved.doc(), "STALE_DELEGATION")) {
            Action.Manual decision = (Action.Manual) f.actions().get(0);
            assertEquals(List.of(new Action.RemoveDelegation("HV03", f.peer(), List.of(f.spn()))),
                    decision.proposed());
        }
        assertTrue(moved.md().contains("Set-ADComputer -Identity 'HV03$' -Remove @{'msDS-AllowedToDelegateTo'="),
                moved.md());
        assertFalse(moved.ps1().contains("\n    Remove-Values "), moved.ps1());
    }

    /**
     * HV02's resource-based delegation allows HV01, so live migration HV01 -> HV02 requires no entry of HV01: an entry
     * for it added outside the baseline widens what HV01 may delegate to for nothing, and stays a MEDIUM decision with
     * its removal command (not LOW "Keep it", which only an entry a pair requires earns).
     */
    @Test
    void anEntryAddedIntoAnRbcdCoveredNodeIsOfferedForRemoval() throws Exception {
        start();
        ds.modify(dn("HV02"), new Modification(ModificationType.ADD, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                RbcdDescriptors.of(List.of(Hosts.DOMAIN_SID + "-2000"))));
        ds.modify(dn("HV01"), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/HV02"));
        retain = "baseline: baseline.yaml\n";
        ScenarioOutputsAgreeTest.Outputs covered = run("HV01", "HV02", "HV03");
        assertEquals(List.of(), of(covered.doc(), "MISSING_DELEGATION"), covered.console());
        captureBaseline("--force");

        ds.modify(dn("HV01"), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/HV02"));
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03");
        Finding added = of(o.doc(), "BASELINE_ENTRY_ADDED").stream().filter(f -> f.spn().equals("cifs/HV02"))
                .findFirst().orElseThrow();
        assertEquals(Severity.MEDIUM, added.severity(), added.toString());
        assertEquals(List.of(new Action.RemoveDelegation("HV01", "HV02", List.of("cifs/HV02"))),
                ((Action.Manual) added.actions().get(0)).proposed());
    }

    /**
     * A node rebuilt under its name: its computer object deleted and created again (a new objectSid, no delegation, no
     * migration SPNs until Hyper-V is installed). A peer's resource-based delegation that allowed the old account now
     * names a SID no account holds: it must read as such (never as the rebuilt node, never as a grant to keep), cover
     * no pair, and be proposed for removal; the history tells the replacement, not a node gone and a node new.
     */
    @Test
    void aNodeRebuiltUnderItsName() throws Exception {
        start();
        String oldSid = Hosts.DOMAIN_SID + "-2001";
        ds.modify(dn("HV01"), new Modification(ModificationType.ADD, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                RbcdDescriptors.of(List.of(oldSid))));
        ScenarioOutputsAgreeTest.Outputs granted = run("HV01", "HV02", "HV03");
        assertEquals("HV01 allows RBCD from " + oldSid + " (HV02). It covers HV02 -> HV01, so no"
                + " msDS-AllowedToDelegateTo entries are needed for that pair.",
                of(granted.doc(), "RBCD_PRESENT").get(0).message());

        ds.delete(dn("HV02"));
        join("HV02", 4000, false);
        ScenarioOutputsAgreeTest.Outputs rebuilt = run("HV01", "HV02", "HV03");
        assertEquals(Map.of("MISSING_DELEGATION HV02->HV01", 4, "MISSING_DELEGATION HV02->HV03", 4,
                "TARGET_SPN_NOT_REGISTERED HV02", 2), open(rebuilt.doc(), Severity.LOW), rebuilt.console());
        FindingsDocument.ClusterDoc c = rebuilt.doc().clusters().get(0);
        assertTrue(c.matrix().stream().noneMatch(m -> m.from().equals("HV02") && m.to().equals("HV01")
                && (Boolean.TRUE.equals(m.ok()) || m.rbcd())), "the old SID's grant covers nothing: " + c.matrix());
        Finding rbcd = of(rebuilt.doc(), "RBCD_PRESENT").get(0);
        assertEquals("HV01 allows RBCD from " + oldSid + " (no account: deleted; HV02's objectSid before its"
                + " computer object was replaced). A grant to a deleted account allows nobody (a computer object"
                + " created again under the same name is another account, with another SID) and covers no pair.",
                rbcd.message());
        assertDanglingRemoved(rbcd, oldSid);
        String changed = of(rebuilt.doc(), "CHANGED_SINCE_LAST_RUN").get(0).message();
        assertTrue(changed.startsWith("HV02: computer object replaced (objectSid " + oldSid + " -> "
                + Hosts.DOMAIN_SID + "-4000)"), changed);

        // Hyper-V installed and delegation set up again: the grant still names the deleted account
        ds.modify(dn("HV02"), new Modification(ModificationType.ADD, "servicePrincipalName", MIG + "/HV02",
                MIG + "/hv02.contoso.com"));
        delegate("HV02", "HV01", "HV03");
        ScenarioOutputsAgreeTest.Outputs setUp = run("HV01", "HV02", "HV03");
        assertEquals(Map.of(), open(setUp.doc(), Severity.LOW), setUp.console());
        rbcd = of(setUp.doc(), "RBCD_PRESENT").get(0);
        assertEquals("HV01 allows RBCD from " + oldSid + " (no account: deleted). A grant to a deleted account"
                + " allows nobody (a computer object created again under the same name is another account, with"
                + " another SID) and covers no pair.", rbcd.message());
        assertDanglingRemoved(rbcd, oldSid);
    }

    /** {@code f}'s fix is a decision whose list leaves {@code sid} out (here: nobody else, so it clears the grant). */
    private static void assertDanglingRemoved(Finding f, String sid) {
        Action.Manual decision = (Action.Manual) f.actions().get(0);
        assertFalse(decision.what().startsWith("Keep it"), decision.what());
        assertTrue(decision.what().contains(sid), decision.what());
        assertEquals(List.of(new Action.AddRbcd("HV01", List.of())), decision.proposed());
    }

    /**
     * A node renamed (its account, DNS name and SPNs; the cluster configuration updated): the peers' entries for the
     * old name name no host any more and are removed by the script, the new name's are missing, its own entries are
     * still right; the history tells one computer renamed, not a host gone and a new node.
     */
    @Test
    void aNodeRenamed() throws Exception {
        start();
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs renamed = run("HV01", "HV02", "HV05");
        assertEquals(Map.of("STALE_DELEGATION HV01->HV03", 4, "STALE_DELEGATION HV02->HV03", 4,
                "MISSING_DELEGATION HV01->HV05", 4, "MISSING_DELEGATION HV02->HV05", 4),
                open(renamed.doc(), Severity.LOW), renamed.console());
        for (Finding f : of(renamed.doc(), "STALE_DELEGATION")) {
            assertTrue(f.actions().get(0) instanceof Action.RemoveDelegation, f.toString());
        }
        // one change, of one computer: its new name, then what the rename changed on it (its SPNs)
        List<Finding> changed = of(renamed.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertEquals("HV05", changed.get(0).host());
        assertTrue(changed.get(0).message().startsWith("HV05: renamed from HV03 (the same computer object,"
                + " objectSid " + Hosts.DOMAIN_SID + "-2002); HV05: SPN removed: HOST/HV03;"), changed.toString());
        assertFalse(renamed.mail().contains("new node") || renamed.mail().contains("no longer found"),
                renamed.mail());
    }

    /**
     * The same rename, the configuration still naming HV03: HOST_NOT_FOUND says which computer has HV03's objectSid
     * now, and what to configure, beside the usual causes.
     */
    @Test
    void aNodeRenamedBeforeTheConfigurationFollows() throws Exception {
        start();
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03");
        Finding notFound = of(o.doc(), "HOST_NOT_FOUND").get(0);
        assertTrue(notFound.message().endsWith(" HV05 (hv05.contoso.com) holds objectSid " + Hosts.DOMAIN_SID
                + "-2002, which HV03 (hv03.contoso.com) had in the previous run: the computer was renamed."),
                notFound.message());
        assertTrue(notFound.remediation().startsWith("Name it HV05 in clusters[].nodes: "),
                notFound.remediation());
    }

    /**
     * The same rename, the configuration still naming HV03: the timeline agrees with HOST_NOT_FOUND, HV03 renamed to
     * HV05 and not found under its old name, not "host no longer found in the directory" beside it.
     */
    @Test
    void aNodeRenamedBeforeTheConfigurationFollowsIsNoHostGoneInTheTimeline() throws Exception {
        start();
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03");
        List<Finding> changed = of(o.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertEquals("HV03", changed.get(0).host());
        assertEquals("HV03: renamed to HV05 (the same computer object, objectSid " + Hosts.DOMAIN_SID + "-2002), not"
                + " found under its old name.", changed.get(0).message());
        assertFalse(o.mail().contains("no longer found"), o.mail());
        assertFalse(o.md().contains("no longer found"), o.md());
        // still a configured node of its cluster, as HOST_NOT_FOUND files it: its owners' notices carry it
        Finding notFound = of(o.doc(), "HOST_NOT_FOUND").get(0);
        assertNotNull(notFound.cluster());
        assertEquals(notFound.cluster(), changed.get(0).cluster());
        assertFalse(o.mail().contains("(not tied to a cluster)") || o.mail().contains(ReportView.UNCLUSTERED), o.mail());
    }

    /**
     * The same rename with a baseline documenting HV03: BASELINE_HOST_MISSING says what HOST_NOT_FOUND and the
     * timeline say, HV03 renamed to HV05 (the same computer object), not "no longer found in the directory", and asks
     * for a baseline that documents it under its new name, not to remove a decommissioned host.
     */
    @Test
    void aNodeRenamedBeforeTheConfigurationFollowsIsNoHostGoneFromTheBaseline() throws Exception {
        start();
        retain = "baseline: baseline.yaml\n";
        run("HV01", "HV02", "HV03");
        captureBaseline();
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03");
        List<Finding> missing = of(o.doc(), "BASELINE_HOST_MISSING");
        assertEquals(1, missing.size(), o.console());
        assertEquals("HV03 is in the baseline but not found under that name: renamed to HV05 (the same computer"
                + " object, objectSid " + Hosts.DOMAIN_SID + "-2002).", missing.get(0).message());
        assertTrue(missing.get(0).remediation().startsWith("Once clusters[].nodes names it HV05,"
                + " review its delegation and capture a new baseline (kcd-audit baseline capture --config "),
                missing.get(0).remediation());
        assertFalse(o.md().contains("no longer found") || o.mail().contains("no longer found"), o.md());
    }

    /**
     * The same rename, a scheduled run in between still naming HV03 (HOST_NOT_FOUND), then the configuration follows:
     * the run after compares HV05 with the last run that recorded its objectSid, under HV03, and tells the rename and
     * what it changed, not a new node.
     */
    @Test
    void aNodeRenamedWithARunInBetweenBeforeTheConfigurationFollows() throws Exception {
        start();
        FindingsDocument found = previous;
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs between = run("HV01", "HV02", "HV03");
        assertEquals(1, of(between.doc(), "HOST_NOT_FOUND").size(), between.console());
        ScenarioOutputsAgreeTest.Outputs renamed = run("HV01", "HV02", "HV05");
        List<Finding> changed = of(renamed.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertEquals("HV05", changed.get(0).host());
        assertTrue(changed.get(0).message().startsWith("HV05: renamed from HV03 (the same computer object,"
                + " objectSid " + Hosts.DOMAIN_SID + "-2002; compared with the run of " + UtcTime.of(found.finishedAt())
                + ", the last that found HV03); HV05: SPN removed: HOST/HV03;"), changed.toString());
        assertEquals(between.doc().runId(), changed.get(0).evidence().previousRunId());
        assertEquals(found.runId(), changed.get(0).evidence().lastFoundRunId());
        assertEquals(found.finishedAt(), changed.get(0).evidence().lastFoundRunAt());
        assertFalse(renamed.mail().contains("new node") || renamed.mail().contains("no longer found"),
                renamed.mail());
        // the next run compares with this one as usual
        ScenarioOutputsAgreeTest.Outputs after = run("HV01", "HV02", "HV05");
        assertEquals(List.of(), of(after.doc(), "CHANGED_SINCE_LAST_RUN"), after.console());
    }

    /**
     * The same rename, three scheduled runs in between still naming HV03: each says which computer has the objectSid
     * HV03 had, the later ones from the run that last found HV03 (the previous run did not), with that run in the
     * evidence; once HV05's objectSid is gone no run says so any more.
     */
    @Test
    void aNodeRenamedWithSeveralRunsInBetweenBeforeTheConfigurationFollows() throws Exception {
        start();
        FindingsDocument found = previous;
        renameHv03();
        for (int i = 0; i < 3; i++) {
            ScenarioOutputsAgreeTest.Outputs between = run("HV01", "HV02", "HV03");
            assertHintsRename(between, found, i == 0);
        }
        ds.delete(dn("HV05"));
        ScenarioOutputsAgreeTest.Outputs gone = run("HV01", "HV02", "HV03");
        Finding notFound = of(gone.doc(), "HOST_NOT_FOUND").get(0);
        assertFalse(notFound.message().contains("renamed"), notFound.message());
        assertEquals(null, notFound.evidence().lastFoundRunId());
    }

    /**
     * The same rename while retention keeps one run: pruning the run that last found HV03 loses neither the hint of
     * the runs in between nor the comparison of the run after the configuration follows; once that run is done, the
     * run that found HV03 is no longer kept.
     */
    @Test
    void aNodeRenamedOutlivesRetention() throws Exception {
        retain = "  retain:\n    runs: 1\n";
        start();
        FindingsDocument found = previous;
        renameHv03();
        for (int i = 0; i < 2; i++) {
            ScenarioOutputsAgreeTest.Outputs between = run("HV01", "HV02", "HV03");
            prune();
            assertHintsRename(between, found, i == 0);
        }
        ScenarioOutputsAgreeTest.Outputs renamed = run("HV01", "HV02", "HV05");
        List<Finding> changed = of(renamed.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertTrue(changed.get(0).message().startsWith("HV05: renamed from HV03 (the same computer object,"
                + " objectSid " + Hosts.DOMAIN_SID + "-2002; compared with the run of " + UtcTime.of(found.finishedAt())
                + ", the last that found HV03); HV05: SPN removed: HOST/HV03;"), changed.toString());
        assertEquals(found.runId(), changed.get(0).evidence().lastFoundRunId());
        assertTrue(prune().contains(found.runId().substring(0, 8)), "no longer needed");
    }

    /**
     * A node deleted (decommissioned, the configuration still naming it) while retention keeps one run: no computer
     * holds its objectSid, so no run will compare a renamed node with the run that last found it, and retention prunes
     * that run (it kept it, maybe a snapshot of thousands of hosts, until the configuration was edited). Its objectSid
     * is still carried: should it come back under another name (moved back under the base DN, renamed), the hint and
     * the kept run come back with it.
     */
    @Test
    void aNodeDeletedDoesNotKeepTheRunThatFoundIt() throws Exception {
        retain = "  retain:\n    runs: 1\n";
        start();
        FindingsDocument found = previous;
        Entry hv03 = ds.getEntry(dn("HV03"), "*");
        ds.delete(dn("HV03"));
        ScenarioOutputsAgreeTest.Outputs gone = run("HV01", "HV02", "HV03");
        Finding notFound = of(gone.doc(), "HOST_NOT_FOUND").get(0);
        assertFalse(notFound.message().contains("renamed"), notFound.message());
        assertTrue(prune().contains(found.runId().substring(0, 8)), "no rename to compare: not kept");
        // HV03 back under another name: the run that last found it is gone, the hint is not
        Entry back = hv03.duplicate();
        back.setDN("CN=HV05,OU=Hyper-V," + BASE);
        back.setAttribute("cn", "HV05");
        back.setAttribute("sAMAccountName", "HV05$");
        back.setAttribute("dNSHostName", "hv05.contoso.com");
        ds.add(back);
        ScenarioOutputsAgreeTest.Outputs between = run("HV01", "HV02", "HV03");
        Finding hint = of(between.doc(), "HOST_NOT_FOUND").get(0);
        // the run that last found HV03 is no longer stored: HV03 is named as the configuration named it then
        assertTrue(hint.message().endsWith(" HV05 (hv05.contoso.com) holds objectSid " + Hosts.DOMAIN_SID
                + "-2002, which HV03 had in the run of " + UtcTime.of(found.finishedAt())
                + ", the last that found it: the computer was renamed."), hint.message());
    }

    /**
     * The same rename, the configuration naming HV05 already beside HV03 (the new name added before the old one was
     * removed): HOST_NOT_FOUND of HV03 asks to remove HV03, not to name HV05, which the configuration names.
     */
    @Test
    void aNodeRenamedWhileTheConfigurationNamesBothNames() throws Exception {
        start();
        renameHv03();
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "HV03", "HV05");
        Finding notFound = of(o.doc(), "HOST_NOT_FOUND").get(0);
        assertTrue(notFound.message().endsWith(" HV05 (hv05.contoso.com) holds objectSid " + Hosts.DOMAIN_SID
                + "-2002, which HV03 (hv03.contoso.com) had in the previous run: the computer was renamed."),
                notFound.message());
        assertTrue(notFound.remediation().startsWith("Remove HV03 from clusters[].nodes: HV05, the same computer, is"
                + " a node of HVC1 already. Else: "), notFound.remediation());
    }

    /**
     * The same rename, the configuration naming the node by its DNS name, in whatever case and with the root's dot
     * (clusters[].nodes takes it as it takes the NetBIOS name): the hint as for HV03, asking for the new DNS name, the
     * form the configuration uses; carried on while the configuration goes back to the NetBIOS name and to the DNS
     * name again (the runs in between recorded the node under the name they were configured with).
     */
    @Test
    void aNodeConfiguredByItsDnsNameRenamedBeforeTheConfigurationFollows() throws Exception {
        start();
        FindingsDocument found = previous;
        renameHv03();
        assertHintsRename(run("HV01", "HV02", "Hv03.Contoso.COM."), found, true, "HV05 (hv05.contoso.com)",
                "hv05.contoso.com");
        assertHintsRename(run("HV01", "HV02", "hv03"), found, false, "HV05 (hv05.contoso.com)", "HV05");
        assertHintsRename(run("HV01", "HV02", "hv03.contoso.com"), found, false, "HV05 (hv05.contoso.com)",
                "hv05.contoso.com");
    }

    /**
     * A node configured by its DNS name renamed into another DNS suffix (HV05 in corp.contoso.com), while retention
     * keeps one run: the hint names the new DNS name as the directory holds it, not the old suffix with the new name;
     * the run that last found HV03 is kept until the configuration follows (by the new DNS name), whose run tells
     * the rename, not a new node, and then it is pruned.
     */
    @Test
    void aNodeConfiguredByItsDnsNameRenamedIntoAnotherDnsSuffix() throws Exception {
        retain = "  retain:\n    runs: 1\n";
        start();
        FindingsDocument found = previous;
        renameHv03("hv05.corp.contoso.com");
        for (int i = 0; i < 2; i++) {
            ScenarioOutputsAgreeTest.Outputs between = run("HV01", "HV02", "hv03.contoso.com");
            assertFalse(prune().contains(found.runId().substring(0, 8)), "kept while the hint holds");
            assertHintsRename(between, found, i == 0, "HV05 (hv05.corp.contoso.com)", "hv05.corp.contoso.com");
        }
        ScenarioOutputsAgreeTest.Outputs renamed = run("HV01", "HV02", "hv05.corp.contoso.com");
        assertEquals(List.of(), of(renamed.doc(), "HOST_NOT_FOUND"), renamed.console());
        List<Finding> changed = of(renamed.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertTrue(changed.get(0).message().startsWith("HV05: renamed from HV03 (the same computer object,"
                + " objectSid " + Hosts.DOMAIN_SID + "-2002; compared with the run of " + UtcTime.of(found.finishedAt())
                + ", the last that found HV03);"), changed.toString());
        assertTrue(prune().contains(found.runId().substring(0, 8)), "no longer needed");
    }

    /**
     * Not a rename: the configuration switching HV03 from its NetBIOS name to its DNS name finds the same computer
     * (no HOST_NOT_FOUND, no change); a DNS name in the wrong suffix finds none, and HOST_NOT_FOUND says so without
     * calling HV03, which holds the objectSid under the name the run found it by, renamed.
     */
    @Test
    void aNodeConfiguredByAnotherFormIsNoRename() throws Exception {
        start();
        ScenarioOutputsAgreeTest.Outputs fqdn = run("HV01", "HV02", "HV03.contoso.com");
        assertEquals(List.of(), of(fqdn.doc(), "HOST_NOT_FOUND"), fqdn.console());
        assertEquals(List.of(), of(fqdn.doc(), "CHANGED_SINCE_LAST_RUN"), fqdn.console());
        ScenarioOutputsAgreeTest.Outputs typo = run("HV01", "HV02", "hv03.fabrikam.com");
        Finding notFound = of(typo.doc(), "HOST_NOT_FOUND").get(0);
        assertFalse(notFound.message().contains("renamed"), notFound.message());
        assertEquals(null, notFound.evidence().lastFoundRunId());
    }

    /**
     * The same node not found for another reason: a second computer with the same host name in another DNS suffix
     * (hyperv-prod-node03.fabrikam.com), so the name finds neither. HYPERV-PROD-NOD still has that host name: not
     * renamed, and HOST_NOT_FOUND does not say it was.
     */
    @Test
    void aNodeConfiguredByAHostNameLongerThanItsNetbiosNameThatKeptItIsNoRename() throws Exception {
        startWithALongHostName();
        join("HYPERV-PROD-NO2", 4000, true);
        ds.modify(dn("HYPERV-PROD-NO2"), new Modification(ModificationType.REPLACE, "dNSHostName",
                "hyperv-prod-node03.fabrikam.com"));
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "hyperv-prod-node03");
        Finding notFound = of(o.doc(), "HOST_NOT_FOUND").get(0);
        assertFalse(notFound.message().contains("renamed"), notFound.message());
        assertEquals(null, notFound.evidence().lastFoundRunId());
    }

    /** HVC1 of HV01, HV02 and hyperv-prod-node03 (cn and account HYPERV-PROD-NOD$), whose history holds a run. */
    private ScenarioOutputsAgreeTest.Outputs startWithALongHostName() throws Exception {
        ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        TestDirectory.aesKeysSince(ds, BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        ds.modifyDN(dn("HV03"), "CN=HYPERV-PROD-NOD", true);
        ds.modify(dn("HYPERV-PROD-NOD"), new Modification(ModificationType.REPLACE, "sAMAccountName",
                        "HYPERV-PROD-NOD$"),
                new Modification(ModificationType.REPLACE, "dNSHostName", "hyperv-prod-node03.contoso.com"),
                new Modification(ModificationType.REPLACE, "servicePrincipalName", "HOST/HYPERV-PROD-NOD",
                        "HOST/hyperv-prod-node03.contoso.com", MIG + "/HYPERV-PROD-NOD",
                        MIG + "/hyperv-prod-node03.contoso.com"));
        ScenarioOutputsAgreeTest.Outputs first = run("HV01", "HV02", "hyperv-prod-node03");
        assertEquals(List.of(), of(first.doc(), "HOST_NOT_FOUND"), first.console());
        return first;
    }

    /**
     * A node configured by its host name where that is longer than a NetBIOS name ({@code hyperv-prod-node03}, joined
     * as cn and account HYPERV-PROD-NOD$), renamed HV05 before the configuration follows: HOST_NOT_FOUND gave no rename
     * hint, as the earlier run's node was matched by its account, cn and whole dNSHostName only, none of them the
     * configured name; the first label of its dNSHostName matches it, as it found the computer in the run before.
     */
    @Test
    void aNodeConfiguredByAHostNameLongerThanItsNetbiosNameRenamedGetsTheRenameHint() throws Exception {
        ScenarioOutputsAgreeTest.Outputs first = startWithALongHostName();

        ds.modifyDN(dn("HYPERV-PROD-NOD"), "CN=HV05", true);
        ds.modify(dn("HV05"), new Modification(ModificationType.REPLACE, "sAMAccountName", "HV05$"),
                new Modification(ModificationType.REPLACE, "dNSHostName", "hv05.contoso.com"),
                new Modification(ModificationType.REPLACE, "servicePrincipalName", "HOST/HV05",
                        "HOST/hv05.contoso.com", MIG + "/HV05", MIG + "/hv05.contoso.com"));
        ScenarioOutputsAgreeTest.Outputs o = run("HV01", "HV02", "hyperv-prod-node03");
        List<Finding> notFound = of(o.doc(), "HOST_NOT_FOUND");
        assertEquals(1, notFound.size(), o.console());
        Finding f = notFound.get(0);
        assertTrue(f.message().endsWith(" HV05 (hv05.contoso.com) holds objectSid " + Hosts.DOMAIN_SID + "-2002,"
                + " which HYPERV-PROD-NOD (hyperv-prod-node03.contoso.com) had in the previous run: the computer was"
                + " renamed."), f.message());
        assertTrue(f.remediation().startsWith("Name it HV05 in clusters[].nodes: "), f.remediation());
        assertEquals(first.doc().runId(), f.evidence().lastFoundRunId());
        List<Finding> changed = of(o.doc(), "CHANGED_SINCE_LAST_RUN");
        assertEquals(1, changed.size(), changed.toString());
        assertTrue(changed.get(0).message().startsWith("HYPERV-PROD-NOD: renamed to HV05 (the same computer object,"),
                changed.toString());
        // a later run still naming it: the node carried from the run that last found it is matched the same way
        ScenarioOutputsAgreeTest.Outputs later = run("HV01", "HV02", "hyperv-prod-node03");
        Finding again = of(later.doc(), "HOST_NOT_FOUND").get(0);
        assertTrue(again.message().endsWith(" HV05 (hv05.contoso.com) holds objectSid " + Hosts.DOMAIN_SID + "-2002,"
                + " which HYPERV-PROD-NOD (hyperv-prod-node03.contoso.com) had in the run of "
                + UtcTime.of(first.doc().finishedAt()) + ", the last that found it: the computer was renamed."),
                again.message());
    }

    /** HOST_NOT_FOUND of HV03 names HV05 as holding its objectSid, as the run {@code found} recorded it. */
    private static void assertHintsRename(ScenarioOutputsAgreeTest.Outputs o, FindingsDocument found,
                                          boolean previousRun) {
        assertHintsRename(o, found, previousRun, "HV05 (hv05.contoso.com)", "HV05");
    }

    /**
     * HOST_NOT_FOUND (the only one) names {@code holder} as holding the objectSid HV03 had in the run {@code found}
     * (the previous run with {@code previousRun}), and asks to configure it as {@code configureAs}; in every output.
     */
    private static void assertHintsRename(ScenarioOutputsAgreeTest.Outputs o, FindingsDocument found,
                                          boolean previousRun, String holder, String configureAs) {
        List<Finding> notFound = of(o.doc(), "HOST_NOT_FOUND");
        assertEquals(1, notFound.size(), o.console());
        Finding f = notFound.get(0);
        String hint = " " + holder + " holds objectSid " + Hosts.DOMAIN_SID + "-2002, which HV03 (hv03.contoso.com)"
                + " had in " + (previousRun ? "the previous run"
                : "the run of " + UtcTime.of(found.finishedAt()) + ", the last that found it")
                + ": the computer was renamed.";
        assertTrue(f.message().endsWith(hint), f.message());
        assertTrue(f.remediation().startsWith("Name it " + configureAs + " in clusters[].nodes: "), f.remediation());
        assertEquals(found.runId(), f.evidence().lastFoundRunId());
        assertEquals(found.finishedAt(), f.evidence().lastFoundRunAt());
        // the runbook tells it as findings.json does
        assertTrue(o.md().contains(hint.strip()), o.md());
    }

    /** {@code kcd-audit history prune} of this configuration: its output. */
    private String prune() {
        org.kcdauditor.support.CliRun r = org.kcdauditor.support.CliRun.run(Map.of(), "history", "prune",
                "--config", tmp.resolve("kcd-audit.yaml").toString());
        assertEquals(0, r.exitCode(), r.toString());
        return r.out();
    }

    /** HV03 renamed HV05 as Windows renames a computer: its object, account, DNS name and SPNs. */
    private void renameHv03() throws Exception {
        renameHv03("hv05.contoso.com");
    }

    /** The same, HV05's DNS name {@code dns} (another DNS suffix: the host moved to another DNS zone too). */
    private void renameHv03(String dns) throws Exception {
        ds.modifyDN(dn("HV03"), "CN=HV05", true);
        ds.modify(dn("HV05"), new Modification(ModificationType.REPLACE, "sAMAccountName", "HV05$"),
                new Modification(ModificationType.REPLACE, "dNSHostName", dns),
                new Modification(ModificationType.REPLACE, "servicePrincipalName", "HOST/HV05",
                        "HOST/" + dns, MIG + "/HV05", MIG + "/" + dns));
    }
}
