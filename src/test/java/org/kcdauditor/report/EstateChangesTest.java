package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.model.Finding;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.model.TrendPoint;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The estate changing between monthly audits of one configuration and history store, beyond a node's life
 * ({@link ClusterLifecycleTest}): a cluster taken out of the configuration and put back, a cluster whose OU no longer
 * holds its nodes. A finding of a cluster this run did not look at was not fixed: no output may count it resolved.
 */
class EstateChangesTest {
    private static final String BASE = TestDirectory.BASE;
    private static final String MIG = Hosts.MIG;
    private static final String OU2 = "OU=HVC2,OU=Hyper-V," + BASE;
    private static final String HVC1 = "  - name: HVC1\n    nodes: [HV01, HV02, HV03]\n";
    private static final String HVC2 = "  - name: HVC2\n    ou: " + OU2 + "\n";

    @TempDir
    Path tmp;

    private InMemoryDirectoryServer ds;
    private FindingsDocument previous;
    private int runs;

    /** HVC1 (HV01..HV03, named) fully delegated; HVC2 (HV11..HV13, its OU) with HV11 lacking cifs to HV12. */
    @BeforeEach
    void start() throws Exception {
        ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        TestDirectory.aesKeysSince(ds, BASE, Hosts.DOMAIN_SID, "20090310091500.0Z");
        TestDirectory.addCluster(ds, List.of("HV01", "HV02", "HV03"));
        ds.add(new Entry("dn: " + OU2, "objectClass: organizationalUnit"));
        List<String> nodes = List.of("HV11", "HV12", "HV13");
        int rid = 3000;
        for (String n : nodes) {
            List<String> lines = new ArrayList<>(List.of("dn: CN=" + n + "," + OU2, "objectClass: top",
                    "objectClass: user", "objectClass: computer", "cn: " + n, "sAMAccountName: " + n + "$",
                    "dNSHostName: " + TestDirectory.fqdn(n, BASE), "userAccountControl: 16781312",
                    "operatingSystem: Windows Server 2022 Datacenter", "operatingSystemVersion: 10.0 (20348)"));
            for (String s : List.of("HOST", MIG)) {
                lines.add("servicePrincipalName: " + s + "/" + n);
                lines.add("servicePrincipalName: " + s + "/" + TestDirectory.fqdn(n, BASE));
            }
            for (String peer : nodes) {
                for (String s : peer.equals(n) || n.equals("HV11") && peer.equals("HV12") ? List.of(MIG)
                        : List.of(MIG, "cifs")) {
                    if (!peer.equals(n)) {
                        lines.add("msDS-AllowedToDelegateTo: " + s + "/" + peer);
                        lines.add("msDS-AllowedToDelegateTo: " + s + "/" + TestDirectory.fqdn(peer, BASE));
                    }
                }
            }
            Entry e = new Entry(lines.toArray(String[]::new));
            e.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-" + (rid++)));
            ds.add(e);
        }
    }

    @AfterEach
    void stop() {
        ds.shutDown(true);
    }

    /** {@code kcd-audit run} with {@code clusters} configured, every output read back and agreeing. */
    private ScenarioOutputsAgreeTest.Outputs run(String clusters) throws Exception {
        Files.writeString(tmp.resolve("kcd-audit.yaml"), "directory:\n  url: ldap://127.0.0.1:" + ds.getListenPort()
                + "\n  bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n  baseDn: " + BASE
                + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n" + clusters
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n");
        ScenarioOutputsAgreeTest.Outputs o = ScenarioOutputsAgreeTest.run(tmp, tmp.resolve("kcd-audit.yaml"),
                "run" + (runs++), previous);
        ScenarioOutputsAgreeTest.assertAgree(o);
        previous = o.doc();
        return o;
    }

    private static List<String> ids(FindingsDocument doc, String rule) {
        return doc.findings().stream().filter(f -> f.rule().equals(rule)).map(Finding::id).sorted().toList();
    }

    /** Nothing counted resolved: findings.json, the trend, the console, the PDF and the mail. */
    private static void assertNothingResolved(ScenarioOutputsAgreeTest.Outputs o) {
        assertEquals(List.of(), o.doc().history().resolvedFindings(), o.console());
        List<TrendPoint> trend = o.doc().history().trend();
        assertEquals(0, trend.get(trend.size() - 1).resolvedFindings());
        assertTrue(o.console().contains(": 0 findings resolved, "), o.console());
        assertTrue(o.pdf().contains(" 0 resolved findings"), o.pdf());
        assertTrue(o.mail().contains("RESOLVED (0)") || !o.mail().contains("RESOLVED ("), o.mail());
        assertFalse(o.mail().contains("resolved,") || o.mail().contains(" resolved —"), o.mail());
    }

    /**
     * HVC2 taken out of the configuration (audited elsewhere, or no longer the team's): its two MISSING_DELEGATION
     * findings were not fixed, only no longer looked at. Its nodes, still in the directory and unchanged, were told as
     * "no longer a node" changes under "CHANGED IN THE DIRECTORY" (the mail's subject "3 hosts changed in the
     * directory", the console's "3 changes recorded", a notice for {@code notify: on-change}): a change of the
     * configuration, not of the directory, which every output says as such. Put back, its findings count as new, as
     * those of a cluster audited for the first time, and nothing is resolved.
     */
    @Test
    void aClusterTakenOutOfTheConfigurationResolvesNothing() throws Exception {
        ScenarioOutputsAgreeTest.Outputs both = run(HVC1 + HVC2);
        List<String> missing = ids(both.doc(), "MISSING_DELEGATION");
        assertEquals(2, missing.size(), both.console());

        ScenarioOutputsAgreeTest.Outputs without = run(HVC1);
        assertNothingResolved(without);
        assertEquals(List.of(), ids(without.doc(), "CHANGED_SINCE_LAST_RUN"), without.console());
        assertFalse(without.mail().contains("CHANGED IN THE DIRECTORY") || without.mail().contains("changed in the"
                + " directory"), without.mail());
        assertFalse(without.console().contains("changes recorded"), without.console());
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        assertEquals(List.of(), new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily",
                Notify.ON_CHANGE, without.doc(), both.doc().findings(), both.doc().runId(), null), without.mail());

        ScenarioOutputsAgreeTest.Outputs back = run(HVC1 + HVC2);
        assertEquals(missing, ids(back.doc(), "MISSING_DELEGATION"));
        assertTrue(back.doc().history().newFindings().containsAll(missing), back.console());
        assertEquals(List.of(), back.doc().history().resolvedFindings(), back.console());
    }

    /** HVC2 taken out of the configuration while HV13's computer was deleted: that is a change of the directory. */
    @Test
    void aNodeOfAClusterTakenOutWhoseComputerIsGoneIsStillToldAsGone() throws Exception {
        run(HVC1 + HVC2);
        ds.delete("CN=HV13," + OU2);
        ScenarioOutputsAgreeTest.Outputs without = run(HVC1);
        assertEquals(List.of("HV13: host no longer found in the directory (under directory.baseDn)."),
                without.doc().findings().stream().filter(f -> f.rule().equals("CHANGED_SINCE_LAST_RUN"))
                        .map(Finding::message).toList(), without.console());
    }

    /**
     * HVC2's nodes moved out of its OU (the OU reorganised, the configuration not following): CLUSTER_EMPTY is new and
     * HIGH, and says none of its hosts were audited; the findings its nodes had are not resolved by that.
     */
    @Test
    void aClusterWhoseOuNoLongerHoldsItsNodesResolvesNothing() throws Exception {
        ScenarioOutputsAgreeTest.Outputs both = run(HVC1 + HVC2);
        assertEquals(2, ids(both.doc(), "MISSING_DELEGATION").size(), both.console());
        ds.add(new Entry("dn: OU=Moved," + BASE, "objectClass: organizationalUnit"));
        for (String n : List.of("HV11", "HV12", "HV13")) {
            ds.modifyDN("CN=" + n + "," + OU2, "CN=" + n, true, "OU=Moved," + BASE);
        }
        ScenarioOutputsAgreeTest.Outputs moved = run(HVC1 + HVC2);
        List<String> empty = ids(moved.doc(), "CLUSTER_EMPTY");
        assertEquals(1, empty.size(), moved.console());
        assertTrue(moved.doc().history().newFindings().containsAll(empty), "the HIGH finding is new");
        assertTrue(moved.mail().contains("1 new HIGH finding"), moved.mail());
        assertNothingResolved(moved);
    }

    /** {@code sentence} in every output: the console, the PDF, the workbook's Summary, both runbooks, both mail parts. */
    private static void assertSaidEverywhere(ScenarioOutputsAgreeTest.Outputs o, String sentence) {
        assertTrue(o.console().contains("\n" + sentence + "\n"), o.console());
        assertTrue(o.pdf().contains(sentence), o.pdf());
        StringBuilder summary = new StringBuilder();
        o.xlsx().getSheet("Summary").forEach(r -> r.forEach(c -> summary.append(c).append('\n')));
        assertTrue(summary.toString().contains("Configuration changes\n" + sentence), summary.toString());
        assertTrue(o.md().contains("- " + sentence + "\n"), o.md());
        assertTrue(o.html().contains(sentence), o.html());
        assertTrue(o.mail().contains("\nCLUSTERS ADDED TO OR TAKEN OUT OF THE CONFIGURATION (1)\n- " + sentence
                + "\n"), o.mail());
        assertTrue(o.mailHtml().contains("<li>" + sentence + "</li>"), o.mailHtml());
    }

    /**
     * HVC2 added to the configuration (its nodes long in the directory): a change of the configuration, not of the
     * directory. Its nodes were told as "new node" changes under "CHANGED IN THE DIRECTORY" (the mail's subject "3
     * changed in the directory", the console's "3 changes recorded"); every output now says the cluster was added
     * where it counts new and resolved findings, and its findings count as new.
     */
    @Test
    void aClusterAddedToTheConfigurationIsAConfigurationChangeNotADirectoryChange() throws Exception {
        run(HVC1);
        ScenarioOutputsAgreeTest.Outputs added = run(HVC1 + HVC2);
        assertEquals(List.of(), ids(added.doc(), "CHANGED_SINCE_LAST_RUN"), added.console());
        assertEquals(List.of("HVC2"), added.doc().history().clustersAdded());
        assertTrue(added.doc().history().newFindings().containsAll(ids(added.doc(), "MISSING_DELEGATION")));
        assertFalse(added.mail().contains("CHANGED IN THE DIRECTORY") || added.mail().contains("changed in the"
                + " directory"), added.mail());
        assertFalse(added.console().contains("changes recorded"), added.console());
        assertSaidEverywhere(added, "HVC2 was added to the configuration (a change of the configuration, not of the"
                + " directory: its nodes are not told as new).");
    }

    /**
     * HVC2 taken out of the configuration: its open findings are not counted resolved, and every output says why they
     * are gone from the counts in one line where it counts the resolved ones.
     */
    @Test
    void aClusterTakenOutOfTheConfigurationSaysWhyItsFindingsAreNotResolved() throws Exception {
        run(HVC1 + HVC2);
        ScenarioOutputsAgreeTest.Outputs without = run(HVC1);
        assertNothingResolved(without);
        assertEquals(List.of(new HistorySections.ClusterRemovedDoc("HVC2", 2)),
                without.doc().history().clustersRemoved());
        assertSaidEverywhere(without, "HVC2 is no longer in the configuration: its 2 open findings are not counted"
                + " resolved.");
    }
}
