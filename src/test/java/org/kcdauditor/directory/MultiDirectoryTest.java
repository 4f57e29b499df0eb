package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.report.FindingsDocument;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.ObjectChange;
import org.kcdauditor.report.Procedure;
import org.kcdauditor.report.ReportView;
import org.kcdauditor.store.RunStore;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.ReportRemedies;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two domains in one audit: contoso.com (HVC1: HV01-HV03) and fabrikam.com (HVC2: HV21, HV22), each an UnboundID
 * server with its own base DN and domain SID, each read with its own connection and password.
 */
class MultiDirectoryTest {
    static final String FABRIKAM = "DC=fabrikam,DC=com";
    static final String FABRIKAM_SID = "S-1-5-21-9-9-9";
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD,
            "FABRIKAM_PASSWORD", TestDirectory.PASSWORD);

    @TempDir
    Path tmp;
    InMemoryDirectoryServer contoso;
    InMemoryDirectoryServer fabrikam;

    @BeforeEach
    void servers() throws Exception {
        contoso = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        fabrikam = TestDirectory.startDomain(FABRIKAM, "dc1.fabrikam.com");
        TestDirectory.addCluster(contoso, List.of("HV01", "HV02", "HV03"));
        TestDirectory.addCluster(fabrikam, FABRIKAM, FABRIKAM_SID, 3000, List.of("HV21", "HV22"));
    }

    @AfterEach
    void stop() {
        contoso.shutDown(true);
        fabrikam.shutDown(true);
    }

    private Path config(String fabrikamUrl, String migrationGroups, String... fabrikamExtra) throws Exception {
        return config(false, fabrikamUrl, migrationGroups, fabrikamExtra);
    }

    /** @param fabrikamFirst whether fabrikam is the first directory of {@code directories:} */
    private Path config(boolean fabrikamFirst, String fabrikamUrl, String migrationGroups, String... fabrikamExtra)
            throws Exception {
        String contosoDirectory = "  contoso:\n    url: ldap://127.0.0.1:" + contoso.getListenPort() + "\n    bindDn: "
                + TestDirectory.BIND_DN + "\n    passwordEnv: TEST_LDAP_PASSWORD\n    baseDn: " + TestDirectory.BASE
                + "\n    allowInsecureBind: true\n    timeoutSeconds: 5\n";
        String fabrikamDirectory = "  fabrikam:\n    url: " + fabrikamUrl + "\n    bindDn: " + TestDirectory.BIND_DN
                + "\n    passwordEnv: FABRIKAM_PASSWORD\n"
                + "    baseDn: " + FABRIKAM + "\n    allowInsecureBind: true\n    timeoutSeconds: 5\n"
                + String.join("", List.of(fabrikamExtra).stream().map(l -> "    " + l + "\n").toList());
        String yaml = "directories:\n"
                + (fabrikamFirst ? fabrikamDirectory + contosoDirectory : contosoDirectory + fabrikamDirectory)
                + "clusters:\n  - name: HVC1\n    directory: contoso\n    nodes: [HV01, HV02, HV03]\n"
                + "  - name: HVC2\n    directory: fabrikam\n    nodes: [HV21, HV22]\n"
                + "policy:\n  migrationGroups: " + migrationGroups + "\n"
                + "store:\n  url: jdbc:h2:file:data/kcd-audit\n";
        Path file = tmp.resolve("kcd-audit.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String fabrikamUrl() {
        return "ldap://127.0.0.1:" + fabrikam.getListenPort();
    }

    private CliRun run(Path cfg, String formats) {
        return CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("out").toString(),
                "--formats", formats);
    }

    private static List<JsonNode> findings(JsonNode doc, String rule) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(rule)).toList();
    }

    /** A service account {@code name} in fabrikam's CN=Users (created with it) that registers {@code spn}. */
    private void fabrikamServiceAccount(String name, String spn) throws Exception {
        fabrikam.add(new Entry("dn: CN=Users," + FABRIKAM, "objectClass: container", "cn: Users"));
        fabrikam.add(new Entry("dn: CN=" + name + ",CN=Users," + FABRIKAM, "objectClass: top", "objectClass: user",
                "cn: " + name, "sAMAccountName: " + name, "userAccountControl: 512", "servicePrincipalName: " + spn));
    }

    @Test
    void twoDirectoriesGiveOneReportWithBoth() throws Exception {
        CliRun r = run(config(fabrikamUrl(), "[]"), "json,xlsx,md");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("2 directories: contoso"), r.out());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(2, doc.path("directories").size());
        assertEquals("contoso", doc.path("directories").get(0).path("name").asText());
        assertEquals("dc1.contoso.com", doc.path("directories").get(0).path("dc").asText());
        assertEquals("fabrikam", doc.path("directories").get(1).path("name").asText());
        assertEquals("dc1.fabrikam.com", doc.path("directories").get(1).path("dc").asText());
        assertEquals(FABRIKAM, doc.path("directories").get(1).path("baseDn").asText());
        assertEquals("fabrikam", doc.path("clusters").get(1).path("directory").asText());
        assertEquals(5, doc.path("summary").path("hosts").asInt());
        JsonNode hv21 = StreamSupport.stream(doc.path("hosts").spliterator(), false)
                .filter(h -> h.path("name").asText().equals("HV21")).findFirst().orElseThrow();
        assertEquals("fabrikam", hv21.path("directory").asText());
        assertEquals("hv21.fabrikam.com", hv21.path("dnsHostName").asText());
        // the first directory stays the document's directory, for readers of the single-directory shape
        assertEquals("dc1.contoso.com", doc.path("directory").path("dc").asText());
        assertEquals(0, doc.path("findings").size(), doc.path("findings").toString());
        assertEquals(100.0, doc.path("summary").path("compliancePercent").asDouble());
        assertTrue(Files.size(tmp.resolve("out/audit.xlsx")) > 0);
    }

    /**
     * A node that is not found is looked for under its own cluster's directory, and the finding says so: fabrikam's
     * missing HV29 was said to be missing "under DC=contoso,DC=com" (the first directory's base DN). A node listed in
     * a contoso cluster that is a computer of fabrikam (a cluster whose nodes live in two domains) says where it is.
     */
    @Test
    void aNodeNotFoundIsNamedWithItsOwnDirectoryAndWhereElseItIs() throws Exception {
        TestDirectory.addCluster(fabrikam, FABRIKAM, FABRIKAM_SID, 3100, List.of("HV23", "NAS21"));
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV01, HV02, HV03]", "nodes: [HV01, HV02, HV03,"
                + " HV23]\n    fileServers: [NAS21]").replace("nodes: [HV21, HV22]", "nodes: [HV21, HV22, HV29]"));
        CliRun r = run(cfg, "json");
        assertEquals(3, r.exitCode(), r.toString());
        List<JsonNode> f = findings(CliRun.findings(tmp.resolve("out")), "HOST_NOT_FOUND");
        assertEquals(3, f.size(), f.toString());
        // a file server is no node: it is not to be moved into a cluster
        String nas = f.stream().filter(x -> x.path("host").asText().equals("NAS21")).findFirst().orElseThrow()
                .path("message").asText();
        assertTrue(nas.contains("exists under " + TestDirectory.BASE + ". NAS21 is a computer of directory fabrikam ("
                + FABRIKAM + "): a cluster's file servers are looked up in its own directory (contoso) only, and the"
                + " tool does not audit a file server of another directory"), nas);
        String hv23 = f.stream().filter(x -> x.path("host").asText().equals("HV23")).findFirst().orElseThrow()
                .path("message").asText();
        String hv29 = f.stream().filter(x -> x.path("host").asText().equals("HV29")).findFirst().orElseThrow()
                .path("message").asText();
        assertTrue(hv29.contains("no computer object with that name exists under " + FABRIKAM + "."), hv29);
        assertTrue(hv23.contains("no computer object with that name exists under " + TestDirectory.BASE + ". HV23 is"
                + " a computer of directory fabrikam (" + FABRIKAM + "): a cluster's nodes are read from its own"
                + " directory (contoso)"), hv23);

        // an empty OU cluster of fabrikam says it was read from fabrikam, not from the first directory
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV21, HV22, HV29]", "ou: OU=Empty," + FABRIKAM));
        CliRun empty = run(cfg, "json");
        List<JsonNode> e = findings(CliRun.findings(tmp.resolve("out")), "CLUSTER_EMPTY");
        assertEquals(1, e.size(), empty.toString());
        assertTrue(e.get(0).path("message").asText().contains("as read from " + FABRIKAM + ")"), e.toString());
    }

    @Test
    void aMigrationGroupAcrossDomainsNeedsRbcdOnEachTarget() throws Exception {
        CliRun r = run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json,md,ps1");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> cross = findings(doc, "CROSS_DOMAIN_NEEDS_RBCD");
        // 3 x 2 pairs from contoso to fabrikam and 2 x 3 back
        assertEquals(12, cross.size(), cross.toString());
        assertTrue(findings(doc, "MISSING_DELEGATION").isEmpty(), "classic entries cannot help across domains");
        JsonNode toHv21 = cross.stream().filter(f -> f.path("host").asText().equals("HV01")
                && f.path("peer").asText().equals("HV21")).findFirst().orElseThrow();
        assertEquals("HIGH", toHv21.path("severity").asText());
        assertEquals("[\"contoso\",\"fabrikam\"]", toHv21.path("evidence").path("directories").toString());
        JsonNode action = toHv21.path("actions").get(0);
        assertEquals("addRbcd", action.path("type").asText());
        assertEquals("HV21", action.path("host").asText());
        // the full list: every contoso node that migrates to HV21
        assertEquals(List.of("HV01", "HV02", "HV03"), StreamSupport.stream(action.path("principals").spliterator(),
                false).map(p -> p.path("name").asText()).toList());
        assertEquals("contoso.com", action.path("principals").get(0).path("domain").asText());
        assertTrue(toHv21.path("remediation").asText().contains("Set-ADComputer -Identity 'HV21$'"
                + " -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'HV01$' -Server 'contoso.com'),"
                + " (Get-ADComputer -Identity 'HV02$' -Server 'contoso.com'), (Get-ADComputer -Identity 'HV03$'"
                + " -Server 'contoso.com'))"), toHv21.path("remediation").asText());
        JsonNode pair = StreamSupport.stream(doc.path("clusters").get(0).path("matrix").spliterator(), false)
                .filter(p -> p.path("to").asText().equals("HV21") && p.path("from").asText().equals("HV01"))
                .findFirst().orElseThrow();
        assertEquals(0, pair.path("present").asInt(), "entries on HV01 do not count across the domain boundary");
        // nor are they required, or listed as missing: adding them would fix nothing (its blocker says what would)
        assertEquals(0, pair.path("required").asInt(), pair.toString());
        assertTrue(pair.path("missing").isMissingNode(), pair.toString());
        assertEquals("CROSS_DOMAIN_NEEDS_RBCD", pair.path("blockers").get(0).path("rule").asText(), pair.toString());
        String runbook = Files.readString(tmp.resolve("out/runbook.md"));
        assertTrue(runbook.contains("Resource-based delegation (set on this host, the target"), runbook);
        String script = Files.readString(tmp.resolve("out/remediation.ps1"));
        assertTrue(script.contains("Use-Directory 'fabrikam'\r\n"), script);
        assertTrue(script.contains("'fabrikam' = 'DC=fabrikam,DC=com'"), "each directory's domain is checked: " + script);
        // the change record names each change's directory, and the rollback goes back to that directory's DC
        assertTrue(script.contains("        directory = $Directory\r\n"), script);
        assertTrue(script.contains("function Undo-Change($c) {\r\n    Write-Host ('  undo {0} {1} {2}' -f $c.op,"
                + " $c.object, $c.attribute)\r\n    Use-Directory $c.directory\r\n"), script);
        // the DCs the apply wrote to, which the record names, unless -Servers names others: another DC may not have
        // the changes yet
        assertTrue(script.contains("$ServersGiven = $PSBoundParameters.ContainsKey('Servers')\r\n"), script);
        assertTrue(script.contains("    if (-not $ServersGiven -and $rec.server) {\r\n"
                + "        foreach ($pair in ($rec.server -split '; ')) {\r\n"
                + "            $name, $dc = $pair -split '=', 2\r\n"), script);
        // an RBCD change is recorded with the security descriptor before it, which the rollback sets back
        assertTrue(script.contains("-PrincipalsAllowedToDelegateToAccount $resolved -WhatIf:$DryRun\r\n"
                + "        Add-Change $Identity 'computer' 'msDS-AllowedToActOnBehalfOfOtherIdentity' 'set' $sids"
                + " $current.Sddl"), script);
        assertTrue(script.contains("Set-RbcdSddl $c.object \"$($c.before)\""), script);
        assertTrue(script.contains("Set-Rbcd 'HV21$' @(@{Name = 'HV01'; Account = 'HV01$'; Domain = 'contoso.com'; Sid = '"
                + Hosts.DOMAIN_SID + "-2000'}"), script);
    }

    /**
     * A change that writes only to the second directory is exported, written, replicated and checked there in every
     * output: runbook.md, remediation.ps1 and the workbook's Runbook sheet exported DC=contoso,DC=com from
     * dc1.contoso.com, said every write went to dc1.contoso.com, pushed it with {@code repadmin /syncall
     * dc1.contoso.com}, and the script wrote HV21 through a contoso DC (refusing a fabrikam one), while the step's
     * own command named dc1.fabrikam.com.
     */
    @Test
    void aChangeOnlyInTheSecondDirectoryIsExportedWrittenAndReplicatedThere() throws Exception {
        fabrikam.modify("CN=HV21,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV22"));
        assertEquals(3, run(config(fabrikamUrl(), "[]"), "json,md,ps1,xlsx").exitCode());
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        String ps1 = Files.readString(tmp.resolve("out/remediation.ps1"));
        String sheet = runbookSheet();
        assertTrue(md.contains("Set-ADComputer -Identity 'HV21$' -Add @{'msDS-AllowedToDelegateTo'=@('cifs/HV22')}"
                + " -Server 'dc1.fabrikam.com'"), md);
        for (String out : List.of(md, sheet)) {
            assertTrue(out.contains("Get-ADComputer -Filter * -SearchBase 'DC=fabrikam,DC=com' -Properties"), out);
            assertTrue(out.contains("repadmin /syncall dc1.fabrikam.com /AdeP"), out);
            assertFalse(out.contains("dc1.contoso.com") || out.contains("-SearchBase 'DC=contoso,DC=com'"), out);
        }
        assertTrue(md.contains("dc1.fabrikam.com, the domain controller the audit read from"), md);
        assertTrue(ps1.contains("[string]$Server = 'dc1.fabrikam.com'"), ps1);
        assertTrue(ps1.contains("if ($domainDn -ne 'DC=fabrikam,DC=com')"), ps1);
        assertFalse(ps1.contains("dc1.contoso.com") || ps1.contains("'DC=contoso,DC=com'"), ps1);
    }

    /**
     * With nothing scripted, a decision whose yes writes to the second directory is pushed from that directory's DC:
     * runbook.md and the PDF gave "If so: Enable-ADAccount … -Server 'dc1.fabrikam.com'", then "push it from the
     * domain controller it was written to: repadmin /syncall dc1.contoso.com /AdeP".
     */
    @Test
    void aDecisionInTheSecondDirectoryIsReplicatedFromItsDc() throws Exception {
        fabrikam.modify("CN=HV22,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.REPLACE,
                "userAccountControl", String.valueOf(16781312 | 2)));
        assertEquals(0, run(config(fabrikamUrl(), "[]"), "json,md").exitCode());
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertTrue(md.contains("If so: `Enable-ADAccount -Identity 'HV22$' -Server 'dc1.fabrikam.com'`"), md);
        assertTrue(md.contains("```\nrepadmin /syncall dc1.fabrikam.com /AdeP\nklist -li 0x3e7 purge\n```"), md);
        assertFalse(md.contains("dc1.contoso.com"), md);
    }

    /**
     * A change scripted in contoso and a decision in fabrikam: a yes to the decision writes to fabrikam's DC, so what
     * the decisions say to replicate names that DC, not only the steps that push contoso's change.
     */
    @Test
    void aDecisionInAnotherDirectoryThanTheChangeIsReplicatedFromItsOwnDc() throws Exception {
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV02"));
        fabrikam.modify("CN=HV22,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.REPLACE,
                "userAccountControl", String.valueOf(16781312 | 2)));
        run(config(fabrikamUrl(), "[]"), "json,md,html");
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        String html = Files.readString(tmp.resolve("out/runbook.html"));
        assertTrue(md.contains("If so: `Enable-ADAccount -Identity 'HV22$' -Server 'dc1.fabrikam.com'`"), md);
        assertTrue(md.contains("```\nrepadmin /syncall dc1.contoso.com /AdeP\n"), "the change's own push: " + md);
        assertTrue(md.contains("as in steps 4 and 5 (a yes written to another domain is pushed from that domain's"
                + " controller: `repadmin /syncall dc1.fabrikam.com /AdeP`), before step "), md);
        // the step that audits again, after the decisions
        assertTrue(md.indexOf(". Needs a decision\n") < md.indexOf(". Audit again\n"), md);
        assertTrue(html.contains("(a yes written to another domain is pushed from that domain’s controller:"
                + " <code>repadmin /syncall dc1.fabrikam.com /AdeP</code>)"), html);
    }

    /** {@code doc} with each directory's DC named in its URL (issue 11 records directory.dc), as a run against them. */
    private static FindingsDocument withNamedDcs(FindingsDocument doc) {
        List<FindingsDocument.DirectoryDoc> named = doc.directories().stream().map(d -> new FindingsDocument.DirectoryDoc(
                d.name(), "ldaps://" + d.dc() + ":636", d.baseDn(), d.dc(), d.dcReadOnly(), d.writeDc(), d.aesKeysSince(),
                d.optional(), d.audited(),
                d.failure(), d.changeTimes(), d.domainControllers())).toList();
        return new FindingsDocument(doc.schemaVersion(), doc.runId(), doc.startedAt(), doc.finishedAt(),
                named.get(0).asDirectory(), doc.summary(), doc.policy(), doc.clusters(), doc.hosts(), doc.findings(),
                doc.rules(), doc.history(), doc.baseline(), doc.patches(), doc.events(), doc.imports(), named);
    }

    /** With the DCs named (issue 11 records directory.dc), each object's commands go to its own domain's DC. */
    @Test
    void theRunbookWritesEachObjectToADcOfItsOwnDomain() throws Exception {
        assertEquals(3, run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json").exitCode());
        FindingsDocument doc = FindingsJson.read(tmp.resolve("out/findings.json"));
        doc = withNamedDcs(doc);
        ReportView view = ReportView.of(doc);
        // page 1's table of the change says what each object gains: here resource-based delegation
        ObjectChange hv21 = view.objectChanges().stream().filter(o -> o.name().equals("HV21")).findFirst()
                .orElseThrow();
        assertEquals(List.of("resource-based delegation from HV01 (contoso.com), HV02 (contoso.com), HV03"
                + " (contoso.com) (msDS-AllowedToActOnBehalfOfOtherIdentity)"), hv21.gains(), hv21.toString());
        Procedure p = view.procedure();
        String change = String.join("\n", p.steps(Procedure.Phase.CHANGE).stream().flatMap(s -> s.commands().stream())
                .toList());
        assertTrue(change.contains("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount"
                + " @((Get-ADComputer -Identity 'HV01$' -Server 'contoso.com'), (Get-ADComputer -Identity 'HV02$'"
                + " -Server 'contoso.com'), (Get-ADComputer -Identity 'HV03$' -Server 'contoso.com'))"
                + " -Server 'dc1.fabrikam.com'"), change);
        assertTrue(change.contains("Set-ADComputer -Identity 'HV01$' -PrincipalsAllowedToDelegateToAccount"
                + " @((Get-ADComputer -Identity 'HV21$' -Server 'fabrikam.com'), (Get-ADComputer -Identity 'HV22$'"
                + " -Server 'fabrikam.com')) -Server 'dc1.contoso.com'"), change);
        // each domain is exported and replicated from its own DC
        assertEquals(List.of("repadmin /syncall dc1.contoso.com /AdeP", "repadmin /syncall dc1.fabrikam.com /AdeP"),
                p.replicateCommands());
        assertEquals(2, p.exportCommands().size());
        assertTrue(p.exportCommands().get(1).contains("-SearchBase 'DC=fabrikam,DC=com' -Properties"));
        // the rollback names the files the exports write, one per domain, not a file no step writes
        String id = doc.runId().substring(0, 8);
        List<String> files = List.of("kcd-before-" + id + "-contoso.xml", "kcd-before-" + id + "-fabrikam.xml");
        assertEquals(files, p.exportFiles());
        for (int i = 0; i < files.size(); i++) {
            assertTrue(p.exportCommands().get(i).endsWith("Export-Clixml '" + files.get(i) + "'"), p.exportCommands()
                    .get(i));
        }
        assertTrue(p.phase(Procedure.Phase.ROLLBACK).summary().contains("(previous values in " + String.join(", ",
                files) + ")"), p.phase(Procedure.Phase.ROLLBACK).summary());
        java.io.ByteArrayOutputStream md = new java.io.ByteArrayOutputStream();
        org.kcdauditor.report.runbook.RunbookWriter.markdown(new org.kcdauditor.report.runbook.TemplateRenderer(
                Path.of("templates"))).write(view, md);
        assertTrue(md.toString(java.nio.charset.StandardCharsets.UTF_8).contains("the previous values are in "
                + String.join(", ", files) + ")"), "runbook.md's rollback");
        assertFalse(md.toString(java.nio.charset.StandardCharsets.UTF_8).contains("kcd-before-" + id + ".xml"));
        // runbook.html keeps the procedure's own lines: one command a line, as runbook.md has them
        java.io.ByteArrayOutputStream html = new java.io.ByteArrayOutputStream();
        org.kcdauditor.report.runbook.RunbookWriter.html(new org.kcdauditor.report.runbook.TemplateRenderer(
                Path.of("templates"))).write(view, html);
        String h = html.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(h.contains("<pre>repadmin /syncall dc1.contoso.com /AdeP\nrepadmin /syncall dc1.fabrikam.com /AdeP"
                + "</pre>"), "runbook.html's replication, a command a line: " + h);
        assertTrue(h.contains("Export-Clixml &#39;" + files.get(0) + "&#39;\nGet-ADComputer -Filter * -SearchBase"
                + " &#39;DC=fabrikam,DC=com&#39;"), "the exports, a command a line: " + h);
        // the rollback sets back what was there: nothing
        String undo = String.join("\n", p.steps(Procedure.Phase.ROLLBACK).stream().flatMap(s -> s.commands().stream())
                .toList());
        assertTrue(undo.contains("Set-ADComputer -Identity 'HV21$' -PrincipalsAllowedToDelegateToAccount $null"
                + " -Server 'dc1.fabrikam.com'"), undo);
    }

    /**
     * Resource-based delegation for every pair across the domains: HV21 and HV22 allow the contoso nodes, HV02 and
     * HV03 both fabrikam nodes, HV01 {@code hv01Allows}.
     */
    private void rbcdAcrossDomains(List<String> hv01Allows) throws Exception {
        List<String> contosoSids = List.of(Hosts.DOMAIN_SID + "-2000", Hosts.DOMAIN_SID + "-2001",
                Hosts.DOMAIN_SID + "-2002");
        for (String n : List.of("HV21", "HV22")) {
            fabrikam.modify("CN=" + n + ",OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(contosoSids)));
        }
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(hv01Allows)));
        for (String n : List.of("HV02", "HV03")) {
            contoso.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(FABRIKAM_SID + "-3000",
                            FABRIKAM_SID + "-3001"))));
        }
    }

    @Test
    void rbcdOnTheTargetsCoversThePairsAcrossDomains() throws Exception {
        // HV01 allows only HV21 so far: the fix keeps HV21 and adds HV22
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000"));
        CliRun r = run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> cross = findings(doc, "CROSS_DOMAIN_NEEDS_RBCD");
        assertEquals(1, cross.size(), cross.toString());
        // the entries each cluster's nodes need in msDS-AllowedToDelegateTo, as Get-ADComputer counts them: those
        // between the nodes of one domain; no pair across the boundary needs one (RBCD covers it, or is all that can)
        assertEquals(24, doc.path("clusters").get(0).path("requiredEntries").asInt(), doc.path("clusters").toString());
        assertEquals(8, doc.path("clusters").get(1).path("requiredEntries").asInt());
        assertEquals(8, doc.path("clusters").get(1).path("presentEntries").asInt());
        assertEquals(32, doc.path("summary").path("requiredEntries").asInt());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("HVC2 +2 +\\d+/8 +8/8 +100\\.0 % +NO-GO.*")), r.out());
        // the matrices' cells say the same: no "4/4 R" of entries nobody holds, no "0/4" of entries that cannot help
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        Map<String, Map<String, ReportView.Cell>> hvc2 = view.clusters().get(1).cellsBySource();
        assertEquals("RBCD", hvc2.get("hv21").get("hv01").text());
        assertEquals("needs RBCD", hvc2.get("hv22").get("hv01").text());
        assertEquals("4/4", hvc2.get("hv22").get("hv21").text());
        assertEquals("HV22", cross.get(0).path("host").asText());
        JsonNode principals = cross.get(0).path("actions").get(0).path("principals");
        assertEquals("HV21", principals.get(0).path("name").asText());
        assertTrue(principals.get(0).path("present").asBoolean());
        assertEquals("fabrikam.com", principals.get(0).path("domain").asText());
        assertEquals("HV22", principals.get(1).path("name").asText());
        assertFalse(principals.get(1).path("present").asBoolean());
        assertEquals(3, r.exitCode(), r.toString());
    }

    /**
     * The test move of a pair into a node of another cluster (policy.migrationGroups) is a shared-nothing Move-VM to
     * that node's FQDN: the runbook, the script and the workbook gave Move-ClusterVirtualMachineRole -Node 'HV01'
     * (review 10, item 7), which moves a role only between the nodes of one cluster. A pair within a cluster keeps its
     * cluster move.
     */
    @Test
    void theTestMoveIntoAnotherClusterIsAMoveVmToItsFqdn() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000"));
        contoso.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV03"));
        assertEquals(3, run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json,md,ps1,xlsx").exitCode());
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        String ps1 = Files.readString(tmp.resolve("out/remediation.ps1"));
        String sheet = runbookSheet();
        String across = "Move-VM -Name '<test VM>' -DestinationHost 'hv01.contoso.com' -IncludeStorage"
                + " -DestinationStoragePath '<path on HV01>'";
        for (String out : List.of(md, sheet)) {
            assertTrue(out.contains(across), out);
            assertTrue(out.contains("Move-ClusterVirtualMachineRole -Name '<test VM>' -Node 'HV03' -MigrationType Live"),
                    out);
            assertFalse(out.contains("-Node 'HV01'"), out);
        }
        assertTrue(md.contains("- [ ] HV22 → HV01 (cluster HVC2), on HV22, into cluster HVC1: a VM that is not a"
                + " clustered role"), md);
        assertTrue(sheet.contains("Move-ClusterVirtualMachineRole moves a VM only between the nodes of one cluster"),
                sheet);
        assertTrue(ps1.contains("Write-Host '  on HV22: " + across.replace("'", "''") + "'"), ps1);
        assertFalse(ps1.contains("-Node ''HV01''"), ps1);
    }

    /**
     * A duplicate of HV21's SPN on a service account of fabrikam, the second directory: it is taken off on fabrikam's
     * DC, and exported there. It went to contoso's DC (the first directory's), which does not hold the account.
     */
    @Test
    void aDuplicateSpnInTheSecondDirectoryIsTakenOffOnADcOfItsDomain() throws Exception {
        fabrikamServiceAccount("svc-vmm", Hosts.MIG + "/hv21.fabrikam.com");
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV02"));
        assertEquals(3, run(config(fabrikamUrl(), "[]"), "json").exitCode());
        Procedure p = ReportView.of(withNamedDcs(FindingsJson.read(tmp.resolve("out/findings.json")))).procedure();
        String change = String.join("\n", p.steps(Procedure.Phase.CHANGE).stream().flatMap(s -> s.commands().stream())
                .toList());
        assertTrue(change.contains("Set-ADObject -Identity 'CN=svc-vmm,CN=Users," + FABRIKAM + "' -Remove"
                + " @{servicePrincipalName='" + Hosts.MIG + "/hv21.fabrikam.com'} -Server 'dc1.fabrikam.com'"), change);
        assertEquals(List.of("repadmin /syncall dc1.contoso.com /AdeP", "repadmin /syncall dc1.fabrikam.com /AdeP"),
                p.replicateCommands());
        assertFalse(p.exportCommands().get(0).contains("svc-vmm"), p.exportCommands().get(0));
        assertTrue(p.exportCommands().get(1).contains("CN=svc-vmm,CN=Users," + FABRIKAM), p.exportCommands().get(1));
    }

    /**
     * A holder of HV01's migration SPN in fabrikam, the domain of the sources HV21 and HV22: their S4U2proxy request goes
     * to fabrikam's KDC, whose server lookup (MS-KILE 3.3.5.1.1, LookupAttr in its own domain) finds svc-mig and issues
     * no referral to contoso, so the pairs into HV01 from fabrikam fail although HV01's RBCD allows them. They were read
     * OK ("an SPN held in two domains is never a DUPLICATE_SPN"). HV01's pairs from contoso are not concerned, and the
     * SPN is taken off svc-mig on fabrikam's DC.
     */
    @Test
    void aHolderOfATargetsSpnInTheSourcesDomainBlocksThePairsFromThatDomain() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        fabrikamServiceAccount("svc-mig", Hosts.MIG + "/hv01.contoso.com");
        CliRun r = run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> dup = findings(doc, "DUPLICATE_SPN");
        assertEquals(1, dup.size(), doc.path("findings").toString());
        JsonNode f = dup.get(0);
        assertEquals("HV01", f.path("host").asText());
        assertEquals(Hosts.MIG + "/hv01.contoso.com", f.path("spn").asText());
        JsonNode holder = f.path("evidence").path("holders").get(0);
        assertEquals("CN=svc-mig,CN=Users," + FABRIKAM, holder.path("dn").asText());
        assertEquals("fabrikam.com", holder.path("domain").asText());
        assertEquals(List.of("HV21->HV01", "HV22->HV01"), StreamSupport.stream(f.path("evidence").path("pairs")
                .spliterator(), false).map(p -> p.path("from").asText() + "->" + p.path("to").asText()).toList());
        assertTrue(f.path("message").asText().contains("fabrikam.com's KDC"), f.path("message").asText());
        JsonNode action = f.path("actions").get(0);
        assertEquals("CN=svc-mig,CN=Users," + FABRIKAM, action.path("dn").asText());
        assertEquals("fabrikam.com", action.path("domain").asText());
        // setspn -X looks in one domain and lists nothing before or after: the forest-wide query shows it is gone
        String fix = f.path("remediation").asText();
        assertTrue(fix.endsWith(", then check with setspn -F -Q on that SPN, which searches the whole forest (setspn -X"
                + " looks in one domain) and must name no account in fabrikam.com."), fix);
        // HV01's pairs from contoso are served by contoso's KDC, which finds HV01 alone
        List<JsonNode> matrix = StreamSupport.stream(doc.path("clusters").spliterator(), false)
                .flatMap(c -> StreamSupport.stream(c.path("matrix").spliterator(), false))
                .filter(p -> p.path("to").asText().equals("HV01")).toList();
        assertEquals(List.of("HV02", "HV03", "HV21", "HV22"), matrix.stream().map(p -> p.path("from").asText())
                .sorted().toList(), matrix.toString());
        for (JsonNode p : matrix) {
            boolean fromFabrikam = p.path("from").asText().startsWith("HV2");
            assertEquals(fromFabrikam, p.path("blockers").toString().contains("DUPLICATE_SPN"), p.toString());
        }
        // the SPN is taken off svc-mig on a DC of fabrikam, where it lives
        Procedure p = ReportView.of(withNamedDcs(FindingsJson.read(tmp.resolve("out/findings.json")))).procedure();
        String change = String.join("\n", p.steps(Procedure.Phase.CHANGE).stream().flatMap(s -> s.commands().stream())
                .toList());
        assertTrue(change.contains("Set-ADObject -Identity 'CN=svc-mig,CN=Users," + FABRIKAM + "' -Remove"
                + " @{servicePrincipalName='" + Hosts.MIG + "/hv01.contoso.com'} -Server 'dc1.fabrikam.com'"), change);
        assertTrue(p.replicateCommands().contains("repadmin /syncall dc1.fabrikam.com /AdeP"), p.replicateCommands()
                .toString());
    }

    /**
     * The matrices draw a cluster's pairs into the nodes of another cluster of its migration group
     * (policy.migrationGroups): a holder of HV01's SPN in fabrikam fails HV21 -> HV01 and HV22 -> HV01 (DUPLICATE_SPN),
     * and HVC2's matrix, in the PDF and on the Matrix sheet, showed HV21 and HV22 only, two green cells under a title
     * counting 8 node pairs: the failing directions page 1 sends the reader to were in no matrix. Every cell the title
     * counts is drawn, under a header that names the other cluster.
     */
    @Test
    void theMatricesDrawThePairsIntoTheNodesOfTheOtherClustersOfTheMigrationGroup() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        fabrikamServiceAccount("svc-mig", Hosts.MIG + "/hv01.contoso.com");
        assertEquals(3, run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json,pdf,xlsx").exitCode());
        ReportView.ClusterView hvc2 = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json"))).clusters()
                .get(1);
        assertEquals("6/8 node pairs OK", hvc2.pairsOkInWords());
        Map<String, String> cells = new java.util.TreeMap<>();
        hvc2.cells().forEach(c -> cells.put(c.from() + "->" + c.to(), c.text()));
        List<String> columns = List.of("HV21", "HV22", "HV01 (HVC1)", "HV02 (HVC1)", "HV03 (HVC1)");
        // the workbook: HVC2's block, its header and a row per source, a cell for each pair the title counts
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                tmp.resolve("out/audit.xlsx").toFile())) {
            org.apache.poi.ss.usermodel.Sheet m = wb.getSheet("Matrix");
            java.util.function.IntFunction<String> first = i -> m.getRow(i) == null || m.getRow(i).getCell(0) == null
                    ? "" : m.getRow(i).getCell(0).getStringCellValue();
            int r = 0;
            while (!first.apply(r).startsWith("Cluster HVC2")) {
                r++;
            }
            assertTrue(first.apply(r).endsWith("6/8 node pairs OK"), first.apply(r));
            while (!first.apply(r).equals("from ↓  to →")) {
                r++;
            }
            org.apache.poi.ss.usermodel.Row head = m.getRow(r);
            List<String> header = IntStream.range(1, head.getLastCellNum())
                    .mapToObj(j -> head.getCell(j).getStringCellValue()).toList();
            assertEquals(columns, header);
            Map<String, String> drawn = new java.util.TreeMap<>();
            for (String from : List.of("HV21", "HV22")) {
                org.apache.poi.ss.usermodel.Row row = m.getRow(++r);
                assertEquals(from, row.getCell(0).getStringCellValue());
                for (int j = 0; j < columns.size(); j++) {
                    String to = columns.get(j).split(" ")[0];
                    String text = row.getCell(j + 1).getStringCellValue();
                    if (!to.equals(from)) {
                        drawn.put(from + "->" + to, text);
                    }
                }
            }
            assertEquals(8, cells.size(), cells.toString());
            assertEquals(cells, drawn);
            assertFalse(cells.get("HV21->HV01").equals(cells.get("HV21->HV02")), cells.toString());
        }
        // the PDF: HVC2's own columns, then a table of those into HVC1, headed with it (the rotated names read a
        // letter a line), each source's row with its cells into HV01, HV02 and HV03
        String pdf;
        try (org.apache.pdfbox.pdmodel.PDDocument d = org.apache.pdfbox.Loader.loadPDF(
                tmp.resolve("out/audit.pdf").toFile())) {
            pdf = new org.apache.pdfbox.text.PDFTextStripper().getText(d).replaceAll("[ \\t]*\\R[ \\t]*", "\n");
        }
        String matrix = pdf.substring(pdf.indexOf("Cluster HVC2"), pdf.indexOf("Findings by severity"));
        assertTrue(matrix.startsWith("Cluster HVC2  delegation entries present: 100.0 %, 6/8 node pairs OK\nIts nodes"
                + " also migrate to 3 nodes of HVC1 (policy.migrationGroups)"), matrix);
        assertTrue(matrix.contains("\nCluster HVC2: destinations 1–2 of 5\n"), matrix);
        String into = matrix.substring(matrix.indexOf("\nCluster HVC2: into nodes of HVC1 (policy.migrationGroups),"
                + " destinations 3–5 of 5\n"));
        assertTrue(into.replaceAll("\\s", "").contains("HV01(HVC1)HV02(HVC1)HV03(HVC1)HV21"), into);
        for (String from : List.of("HV21", "HV22")) {
            assertTrue(into.contains("\n" + from + " " + String.join(" ", List.of("HV01", "HV02", "HV03").stream()
                    .map(to -> cells.get(from + "->" + to)).toList()) + "\n"), into);
        }
    }

    /**
     * A different computer hv01 in fabrikam, with its own HOST/hv01 and migration SPN (its name there), while contoso's
     * node HV01 is migrated to from fabrikam: the NetBIOS-form SPNs are ambiguous (DUPLICATE_SPN, the pairs from
     * fabrikam fail), but the SPNs are that computer's own. remediation.ps1 -Apply took them off hv01 (review 10, item 2),
     * which breaks SMB, remote management and its own migrations; taking them off is never scripted: it is a decision
     * (FQDN-only name forms, or a rename), in every output. A service account of fabrikam that merely carries a copy of
     * HV01's migration SPN still loses it in the script.
     */
    @Test
    void aComputerOfAnotherDomainNamedByTheSpnKeepsItsOwnSpnsAndADecisionIsAsked() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        fabrikam.add(new Entry("dn: OU=Servers," + FABRIKAM, "objectClass: organizationalUnit", "ou: Servers"));
        String hv01Dn = "CN=hv01,OU=Servers," + FABRIKAM;
        fabrikam.add(new Entry("dn: " + hv01Dn, "objectClass: top", "objectClass: user", "objectClass: computer",
                "cn: hv01", "sAMAccountName: hv01$", "dNSHostName: hv01.fabrikam.com", "userAccountControl: 4096",
                "servicePrincipalName: HOST/hv01", "servicePrincipalName: HOST/hv01.fabrikam.com",
                "servicePrincipalName: " + Hosts.MIG + "/hv01", "servicePrincipalName: " + Hosts.MIG
                        + "/hv01.fabrikam.com"));
        fabrikamServiceAccount("svc-copy", Hosts.MIG + "/HV01");
        CliRun r = run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json,md,ps1,xlsx");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> dup = findings(doc, "DUPLICATE_SPN");
        assertEquals(List.of("HOST/HV01", Hosts.MIG + "/HV01"), dup.stream().map(f -> f.path("spn").asText()).sorted()
                .toList(), dup.toString());
        for (JsonNode f : dup) {
            assertEquals("HIGH", f.path("severity").asText());
            assertEquals("HV01", f.path("host").asText());
            List<JsonNode> actions = StreamSupport.stream(f.path("actions").spliterator(), false).toList();
            // hv01 loses nothing: no typed removal names it, and the decision says why and what to do instead
            assertTrue(actions.stream().noneMatch(a -> a.path("dn").asText().equalsIgnoreCase(hv01Dn)), actions.toString());
            JsonNode decision = actions.stream().filter(a -> a.path("type").asText().equals("manual")).findFirst()
                    .orElseThrow(() -> new AssertionError(actions.toString()));
            String what = decision.path("what").asText();
            assertTrue(what.contains("is hv01's own SPN (it names hv01, in fabrikam.com)"), what);
            assertTrue(what.contains("policy.nameForms: [fqdn]") && what.contains("hv01.contoso.com")
                    && what.contains("rename one of the two hosts"), what);
            assertEquals(0, decision.path("proposed").size(), decision.toString());
            String fix = f.path("remediation").asText();
            assertFalse(fix.contains(hv01Dn), fix);
        }
        // the copy on a service account is still taken off by the script
        JsonNode mig = dup.stream().filter(f -> f.path("spn").asText().startsWith(Hosts.MIG)).findFirst().orElseThrow();
        assertTrue(StreamSupport.stream(mig.path("actions").spliterator(), false).anyMatch(a -> a.path("type").asText()
                .equals("unregisterSpn") && a.path("dn").asText().equals("CN=svc-copy,CN=Users," + FABRIKAM)),
                mig.toString());
        String ps1 = Files.readString(tmp.resolve("out/remediation.ps1"));
        assertFalse(ps1.toLowerCase(java.util.Locale.ROOT).contains("remove-objectspn '" + hv01Dn.toLowerCase(
                java.util.Locale.ROOT)), ps1);
        assertTrue(ps1.contains("Remove-ObjectSpn 'CN=svc-copy,CN=Users," + FABRIKAM + "' '" + Hosts.MIG + "/HV01'"),
                ps1);
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertFalse(md.contains("-Identity '" + hv01Dn + "' -Remove"), md);
        assertTrue(md.contains("is hv01's own SPN (it names hv01, in fabrikam.com)"), md);
        String sheet;
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                tmp.resolve("out/audit.xlsx").toFile())) {
            StringBuilder sb = new StringBuilder();
            wb.getSheet("Runbook").forEach(row -> row.forEach(c -> sb.append(c.toString()).append('\n')));
            sheet = sb.toString();
        }
        assertFalse(sheet.contains("-Identity '" + hv01Dn + "' -Remove"), sheet);
        // page 1's "proposed change": hv01 loses nothing, svc-copy its copy
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        assertTrue(view.objectChanges().stream().noneMatch(o -> o.name().equalsIgnoreCase("hv01")),
                view.objectChanges().toString());
        assertTrue(view.objectChanges().stream().anyMatch(o -> o.name().equals("svc-copy")),
                view.objectChanges().toString());
    }

    /**
     * A different computer hv01 in fabrikam holds HOST/hv01 and the migration SPN of its own name, and contoso's node
     * HV01, migrated to from fabrikam, registers its SPNs in the FQDN form only (a DC refuses a short-name SPN another
     * account of the forest holds): TARGET_SPN_NOT_REGISTERED for HV01's short-name SPNs, registered on fabrikam's
     * hv01 instead. Its decision proposed taking them off hv01 and registering them on HV01, which breaks that
     * computer's SMB, remote management and own migrations; it never proposes that now, but asks the decision
     * DUPLICATE_SPN asks (FQDN-only name forms, or a rename).
     */
    @Test
    void aTargetSpnHeldByAComputerOfAnotherDomainByItsOwnNameIsNeverProposedForRemoval() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "servicePrincipalName", "HOST/HV01", Hosts.MIG + "/HV01"));
        fabrikam.add(new Entry("dn: OU=Servers," + FABRIKAM, "objectClass: organizationalUnit", "ou: Servers"));
        String hv01Dn = "CN=hv01,OU=Servers," + FABRIKAM;
        fabrikam.add(new Entry("dn: " + hv01Dn, "objectClass: top", "objectClass: user", "objectClass: computer",
                "cn: hv01", "sAMAccountName: hv01$", "dNSHostName: hv01.fabrikam.com", "userAccountControl: 4096",
                "servicePrincipalName: HOST/hv01", "servicePrincipalName: HOST/hv01.fabrikam.com",
                "servicePrincipalName: " + Hosts.MIG + "/hv01", "servicePrincipalName: " + Hosts.MIG
                        + "/hv01.fabrikam.com"));
        CliRun r = run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json,md,ps1");
        assertEquals(3, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> unregistered = findings(doc, "TARGET_SPN_NOT_REGISTERED").stream()
                .filter(f -> f.path("host").asText().equals("HV01")).toList();
        assertFalse(unregistered.isEmpty(), doc.path("findings").toString());
        for (JsonNode f : unregistered) {
            String actions = f.path("actions").toString();
            assertFalse(actions.toLowerCase(java.util.Locale.ROOT).contains(hv01Dn.toLowerCase(java.util.Locale.ROOT)),
                    actions);
            assertFalse(actions.contains("registerSpn"), actions);
            String what = f.path("actions").get(0).path("what").asText();
            assertTrue(what.contains("is hv01's own SPN (it names hv01, in fabrikam.com)"), what);
            assertTrue(what.contains("policy.nameForms: [fqdn]") && what.contains("hv01.contoso.com")
                    && what.contains("rename one of the two hosts"), what);
            assertFalse(f.path("remediation").asText().contains("take it off hv01"), f.path("remediation").asText());
        }
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertFalse(md.contains(hv01Dn), md);
        String ps1 = Files.readString(tmp.resolve("out/remediation.ps1"));
        assertFalse(ps1.toLowerCase(java.util.Locale.ROOT).contains(hv01Dn.toLowerCase(java.util.Locale.ROOT)), ps1);
    }

    /**
     * A computer of fabrikam that is no configured node and delegates with protocol transition: its short-name entry
     * cifs/hv02 names a host of fabrikam (classic delegation cannot cross the domain boundary), not contoso's node
     * HV02, which the finding claimed it could act towards (review 10, item 2); its FQDN entry names contoso's HV03 by
     * its dNSHostName and stays that node's; its entry for fabrikam's own node HV21 stays a finding as before.
     */
    @Test
    void aShortNameInAnotherDomainsDelegationEntryNamesAHostOfThatDomain() throws Exception {
        fabrikam.add(new Entry("dn: CN=FB91,OU=Hyper-V," + FABRIKAM, "objectClass: top", "objectClass: user",
                "objectClass: computer", "cn: FB91", "sAMAccountName: FB91$", "dNSHostName: fb91.fabrikam.com",
                "userAccountControl: " + (4096 | 0x1000000), "servicePrincipalName: HOST/FB91",
                "msDS-AllowedToDelegateTo: cifs/hv02", "msDS-AllowedToDelegateTo: " + Hosts.MIG + "/HV02",
                "msDS-AllowedToDelegateTo: cifs/hv03.contoso.com", "msDS-AllowedToDelegateTo: cifs/HV21"));
        run(config(fabrikamUrl(), "[]"), "json");
        List<JsonNode> stale = findings(CliRun.findings(tmp.resolve("out")), "STALE_DELEGATION");
        assertEquals(List.of("FB91 cifs/HV21 HV21 HVC2", "FB91 cifs/hv03.contoso.com HV03 HVC1"), stale.stream()
                .map(f -> f.path("host").asText() + " " + f.path("spn").asText() + " " + f.path("peer").asText() + " "
                        + f.path("cluster").asText()).sorted().toList(), stale.toString());
    }

    /**
     * HV01 allows HV21 and This Organization (S-1-5-15), which is not counted as covering HV22 -> HV01: the list that
     * CROSS_DOMAIN_NEEDS_RBCD sets keeps HV21, adds HV22 and leaves the grant to every account out, and says so (the
     * cmdlet could not resolve it, and writing it back would keep the hole).
     */
    @Test
    void aListAcrossDomainsLeavesOutAGrantToEveryAccount() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", "S-1-5-15"));
        run(config(fabrikamUrl(), "[[HVC1, HVC2]]"), "json");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> cross = findings(doc, "CROSS_DOMAIN_NEEDS_RBCD");
        assertEquals(1, cross.size(), cross.toString());
        assertEquals("HV22", cross.get(0).path("host").asText());
        List<String> principals = StreamSupport.stream(cross.get(0).path("actions").get(0).path("principals")
                .spliterator(), false).map(p -> p.path("name").asText(p.path("sid").asText())).toList();
        assertEquals(List.of("HV21", "HV22"), principals, cross.toString());
        assertTrue(cross.get(0).path("message").asText().contains("The list leaves out This Organization (S-1-5-15)"),
                cross.toString());
        assertFalse(cross.get(0).path("remediation").asText().contains("S-1-5-15'"), cross.toString());
        JsonNode hole = findings(doc, "RBCD_ALLOWS_ANY_ACCOUNT").get(0);
        assertEquals("HV01", hole.path("host").asText());
        assertTrue(hole.path("message").asText().contains("HV22 -> HV01 is counted as failing"
                + " (CROSS_DOMAIN_NEEDS_RBCD)"), hole.toString());
    }

    /**
     * HV01 allows HV21 and contoso's Domain Computers (RID 515, every contoso node's primary group), through which
     * HV02 -> HV01 works today (HV02 has no entries for HV01). CROSS_DOMAIN_NEEDS_RBCD's list for HV22 -> HV01 left the
     * grant out and named HV21 and HV22 only: after remediation.ps1 -Apply, HV02 -> HV01 failed, while the state after
     * the change counted it as working. The list names HV02 (allowed today, so kept), not HV03, whose own entries
     * cover its pair; with the list written to HV01 as the cmdlet writes it, the next run finds every pair the view
     * said would work after the change working.
     */
    @Test
    void aListAcrossDomainsNamesTheSourcesThatOnlyTheGrantItLeavesOutCovers() throws Exception {
        String computers = domainComputersCoverHv02ToHv01();
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", computers));
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
        run(cfg, "json,ps1");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> cross = findings(doc, "CROSS_DOMAIN_NEEDS_RBCD");
        assertEquals(List.of("HV22"), cross.stream().map(f -> f.path("host").asText()).toList(), cross.toString());
        JsonNode principals = cross.get(0).path("actions").get(0).path("principals");
        assertEquals(List.of("HV21 true", "HV02 true", "HV22 false"), StreamSupport.stream(principals.spliterator(),
                false).map(p -> p.path("name").asText(p.path("sid").asText()) + " " + p.path("present").asBoolean())
                .toList(), principals.toString());
        String message = cross.get(0).path("message").asText();
        assertTrue(message.contains("The list leaves out Domain Computers (" + computers + "): every computer account"
                + " of the domain holds Domain Computers, its primary group"), message);
        assertFalse(message.contains("lets any account act as any user"), message);
        assertTrue(message.contains("names HV02 instead, whose pair HV02 -> HV01 it covers today"), message);
        assertTrue(Files.readString(tmp.resolve("out/remediation.ps1")).contains("Set-Rbcd 'HV01$' @(@{Name = 'HV21';"
                + " Account = 'HV21$'; Domain = 'fabrikam.com'; Sid = '" + FABRIKAM_SID + "-3000'}, @{Name = 'HV02';"
                + " Account = 'HV02$'; Domain = 'contoso.com'; Sid = '" + Hosts.DOMAIN_SID + "-2001'}, @{Name = 'HV22';"),
                "remediation.ps1 -Apply sets that list");

        // remediation.ps1 shows the step's commands as comments, every line of them: Set-Rbcd makes the change
        String ps1 = Files.readString(tmp.resolve("out/remediation.ps1"));
        assertFalse(ps1.lines().anyMatch(l -> l.startsWith("Set-ADComputer")), ps1);
        // what the view says works after the change
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        // the scripted list is the very list RBCD_ALLOWS_ANY_ACCOUNT's decision proposes for HV01: the change makes it,
        // so no decision asks for it again (its save to the same file would stop on the file the change wrote)
        assertEquals(List.of(), view.decisions().stream().filter(d -> d.finding().host().equals("HV01")).map(d ->
                d.finding().rule()).toList());
        assertTrue(view.findings().stream().anyMatch(f -> f.finding().rule().equals("RBCD_ALLOWS_ANY_ACCOUNT")
                && f.finding().host().equals("HV01")), "the finding itself stays");
        Map<String, Boolean> predicted = new java.util.TreeMap<>();
        view.clusters().forEach(c -> c.cells().forEach(x -> predicted.put(x.from() + " -> " + x.to(),
                !x.failing() || x.fixedByChange())));
        assertTrue(predicted.get("HV02 -> HV01"), predicted.toString());
        // page 1's table of the change says what HV01 loses: the grant, which the list does not write back
        ObjectChange hv01 = view.objectChanges().stream().filter(o -> o.name().equals("HV01")).findFirst()
                .orElseThrow();
        assertEquals(List.of("resource-based delegation from " + computers + " (Domain Computers, group, 3 members:"
                + " HV01, HV02, HV03) (the list replaces msDS-AllowedToActOnBehalfOfOtherIdentity)"), hv01.loses(),
                hv01.toString());
        // and the runbook saves HV01's descriptor before the list replaces it: its undo sets the saved one back, as no
        // list can write the grant back
        Procedure.Step step = view.procedure().steps(Procedure.Phase.CHANGE).stream().filter(x -> x.host().equals(
                "HV01")).findFirst().orElseThrow();
        // in one line, which sets the list only once the descriptor is saved, to a file of this run
        String file = "'kcd-rbcd-before-" + view.doc().runId().substring(0, 8) + "-HV01.sddl'";
        assertEquals(1, step.commands().size(), step.toString());
        assertTrue(step.commands().get(0).startsWith("try { (Get-ADComputer -Identity 'HV01$'"), step.toString());
        assertTrue(step.commands().get(0).contains(".Sddl | Out-File -LiteralPath " + file + " -NoClobber -ErrorAction"
                + " Stop; Set-ADComputer -Identity 'HV01$' -PrincipalsAllowedToDelegateToAccount"), step.toString());
        assertTrue(step.commands().get(0).endsWith(" } catch { throw }"), step.toString());
        assertEquals(1, step.undo().size(), step.toString());
        // the finding's remediation in every report is that step, which the change makes
        String remedy = view.findings().stream().filter(f -> f.finding().rule().equals("RBCD_ALLOWS_ANY_ACCOUNT"))
                .findFirst().orElseThrow().remediation();
        assertTrue(remedy.startsWith("The change of HV01 does this: ") && remedy.contains(step.commands().get(0))
                && remedy.contains(step.undo().get(0)), remedy);
        assertTrue(step.undo().get(0).startsWith("try { $sddl = ([string](Get-Content -LiteralPath " + file
                + " -Raw -ErrorAction Stop)).Trim(); if ($sddl) {"), step.toString());
        // the change as the cmdlet makes it: HV01's descriptor allows the list's accounts, nothing else
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(StreamSupport.stream(
                        principals.spliterator(), false).map(p -> p.path("sid").asText()).toList())));
        run(cfg, "json");
        Map<String, Boolean> after = new java.util.TreeMap<>();
        CliRun.findings(tmp.resolve("out")).path("clusters").forEach(c -> c.path("matrix").forEach(x -> after.put(
                x.path("from").asText() + " -> " + x.path("to").asText(), x.path("ok").asBoolean())));
        assertEquals(predicted, after);
    }

    /**
     * The setup of {@link #aListAcrossDomainsNamesTheSourcesThatOnlyTheGrantItLeavesOutCovers}: contoso's Domain
     * Computers (RID 515) is every contoso node's primary group, and HV02 has no entry for cifs/HV01. Its SID.
     */
    private String domainComputersCoverHv02ToHv01() throws Exception {
        String computers = Hosts.DOMAIN_SID + "-515";
        contoso.modify(TestDirectory.BASE, new Modification(ModificationType.ADD, "objectSid",
                org.kcdauditor.directory.Sids.toBytes(Hosts.DOMAIN_SID)));
        Entry group = new Entry("dn: CN=Domain Computers,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top",
                "objectClass: group", "cn: Domain Computers", "sAMAccountName: Domain Computers");
        group.addAttribute("objectSid", org.kcdauditor.directory.Sids.toBytes(computers));
        contoso.add(group);
        for (String n : List.of("HV01", "HV02", "HV03")) {
            contoso.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                    "primaryGroupID", "515"));
        }
        contoso.modify("CN=HV02,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/HV01"));
        return computers;
    }

    /**
     * The same HV01, whose grant to Domain Computers was added since the baseline (which documents HV21 only): the
     * change's list for HV22 -> HV01 leaves the grant out, so it takes that drift back. BASELINE_ENTRY_ADDED's decision
     * asked to set HV01's list back to the documented one (HV21 alone) after the change, which would have dropped HV02
     * and HV22, whose pairs the change makes work, and its save stopped on the file the change's step had written.
     */
    @Test
    void aGrantAddedSinceTheBaselineThatTheChangesListLeavesOutAsksNoDecision() throws Exception {
        String computers = domainComputersCoverHv02ToHv01();
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000"));
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", computers));
        run(cfg, "json,md,xlsx,pdf");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of("HV01"), findings(doc, "BASELINE_ENTRY_ADDED").stream().map(f -> f.path("host").asText())
                .toList(), "the drift finding itself stays");
        String own = findings(doc, "BASELINE_ENTRY_ADDED").get(0).path("remediation").asText();
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        assertTrue(view.procedure().steps(Procedure.Phase.CHANGE).stream().anyMatch(x -> x.host().equals("HV01")));
        assertEquals(List.of(), view.decisions().stream().filter(d -> d.finding().host().equals("HV01")).map(d ->
                d.finding().rule()).toList());
        String file = "kcd-rbcd-before-" + view.doc().runId().substring(0, 8) + "-HV01.sddl' -NoClobber";
        String runbook = Files.readString(tmp.resolve("out/runbook.md"));
        assertEquals(1, runbook.split(java.util.regex.Pattern.quote(file), -1).length - 1, runbook);
        // the findings tables and the mail say that the change does it, with its step's command: the rule's words set
        // the documented list, which would drop the change's grant to HV02 again
        Procedure.Step change = view.procedure().steps(Procedure.Phase.CHANGE).stream().filter(x -> x.host()
                .equals("HV01")).findFirst().orElseThrow();
        ReportView.FindingView finding = view.findings().stream().filter(v -> v.finding().rule()
                .equals("BASELINE_ENTRY_ADDED")).findFirst().orElseThrow();
        assertTrue(finding.remediation().startsWith("The change of HV01 does this: ") && finding.remediation()
                .contains(change.commands().get(0)) && finding.remediation().contains(change.undo().get(0)),
                finding.remediation() + "\n" + change);
        ReportRemedies.assertShown(tmp.resolve("out"), finding.finding().id(), finding.remediation());
        assertFalse(own.equals(finding.remediation()), "findings.json keeps the rule's words: " + own);
    }

    /**
     * An entry from HV01 (contoso) to HV21 (fabrikam) added since the baseline: no entry can serve a pair across
     * domains (CROSS_DOMAIN_NEEDS_RBCD), so no pair requires it, and it stays a MEDIUM decision with its removal command.
     */
    @Test
    void anEntryAddedIntoANodeOfAnotherDomainIsOfferedForRemoval() throws Exception {
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                "msDS-AllowedToDelegateTo", "cifs/HV21"));
        run(cfg, "json");
        List<JsonNode> added = findings(CliRun.findings(tmp.resolve("out")), "BASELINE_ENTRY_ADDED");
        assertEquals(List.of("HV01 cifs/HV21 MEDIUM"), added.stream().map(f -> f.path("host").asText() + " "
                + f.path("spn").asText() + " " + f.path("severity").asText()).toList());
        assertTrue(added.get(0).path("remediation").asText().contains("-Remove"), added.get(0).toString());
    }

    /**
     * HV01's grant to HV03 was added since the baseline (which documents HV21 only), and the change's list for
     * HV22 -> HV01 keeps it (HV21, HV03, HV22). BASELINE_ENTRY_ADDED's yes set the documented list, HV21 alone, after
     * the change: it dropped HV22 too, and HV22 -> HV01, which the change makes work, failed again. After the change
     * the yes takes the grant out of the change's list, and the decision says that the change covers it.
     */
    @Test
    void aGrantAddedSinceTheBaselineThatTheChangesListKeepsIsTakenOutOfThatList() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000"));
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", Hosts.DOMAIN_SID + "-2002"));
        run(cfg, "json,xlsx,pdf");
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        List<org.kcdauditor.report.RemediationPlan.Decision> hv01 = view.decisions().stream().filter(d -> d.finding()
                .host().equals("HV01")).toList();
        assertEquals(List.of("BASELINE_ENTRY_ADDED"), hv01.stream().map(d -> d.finding().rule()).toList());
        assertEquals("HV01", hv01.get(0).coveredBy());
        org.kcdauditor.remedy.Action.AddRbcd yes = (org.kcdauditor.remedy.Action.AddRbcd) hv01.get(0).proposed()
                .get(0);
        assertEquals(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"), yes.principals().stream()
                .map(org.kcdauditor.remedy.Action.Principal::sid).toList());
        // the findings tables and the mail give the decision's command, which sets the change's list without the
        // grant: the rule's words set the documented list, which drops HV22 and fails HV22 -> HV01 again
        Procedure.Step decide = view.procedure().steps(Procedure.Phase.DECIDE).stream().filter(x -> x.host()
                .equals("HV01")).findFirst().orElseThrow();
        String remedy = view.findings().stream().filter(v -> v.finding().id().equals(hv01.get(0).finding().id()))
                .findFirst().orElseThrow().remediation();
        assertTrue(remedy.startsWith(hv01.get(0).what()) && remedy.contains(decide.commands().get(0))
                && remedy.contains(decide.undo().get(0)), remedy + "\n" + decide);
        ReportRemedies.assertShown(tmp.resolve("out"), hv01.get(0).finding().id(), remedy);
    }

    /**
     * As above, with HV01's grant to Domain Computers documented too: the change's list drops it, so the change's step
     * saves HV01's descriptor to the run's file first. The decision's yes, made after the change, saved to that same
     * file again and stopped there (-NoClobber), so it could not be carried out. After the change HV01's descriptor is
     * the list the cmdlet wrote: the yes sets its list with no save, and its undo sets the change's list back.
     */
    @Test
    void aDecisionMadeAfterTheChangesListSavesNoDescriptorTheChangeSavedBefore() throws Exception {
        String computers = domainComputersCoverHv02ToHv01();
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", computers));
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", computers, Hosts.DOMAIN_SID + "-2002"));
        run(cfg, "json");
        ReportView view = ReportView.of(FindingsJson.read(tmp.resolve("out/findings.json")));
        String file = "'kcd-rbcd-before-" + view.doc().runId().substring(0, 8) + "-HV01.sddl'";
        Procedure.Step change = view.procedure().steps(Procedure.Phase.CHANGE).stream().filter(x -> x.host()
                .equals("HV01")).findFirst().orElseThrow();
        assertTrue(change.commands().get(0).contains(file), change.toString());
        Procedure.Step decide = view.procedure().steps(Procedure.Phase.DECIDE).stream().filter(x -> x.host()
                .equals("HV01")).findFirst().orElseThrow();
        assertEquals(1, decide.commands().size(), decide.toString());
        assertFalse(decide.commands().get(0).contains(file), decide.toString());
        assertTrue(decide.commands().get(0).startsWith("Set-ADComputer -Identity 'HV01$'"
                + " -PrincipalsAllowedToDelegateToAccount @((Get-ADComputer -Identity 'HV21$' -Server 'fabrikam.com'),"
                + " (Get-ADComputer -Identity 'HV02$' -Server 'contoso.com'), (Get-ADComputer -Identity 'HV22$'"), decide.toString());
        assertEquals(1, decide.undo().size(), decide.toString());
        assertTrue(decide.undo().get(0).contains("(Get-ADComputer -Identity 'HV03$' -Server 'contoso.com')"), decide.toString());
        assertFalse(decide.undo().get(0).contains(file), decide.toString());
    }

    /**
     * preflight --all-dcs of a cluster whose migration group spans domains reads each cluster's nodes from the DCs of
     * its own domain: fabrikam's second DC lags behind on HV21, contoso's DC is not asked about it.
     */
    @Test
    void theDcCheckOfAGroupAcrossDomainsReadsEachNodeFromItsOwnDomainsDcs() throws Exception {
        InMemoryDirectoryServer fabrikam2 = TestDirectory.startDomain(FABRIKAM, "dc2.fabrikam.com");
        try {
            TestDirectory.addCluster(fabrikam2, FABRIKAM, FABRIKAM_SID, 3000, List.of("HV21", "HV22"));
            fabrikam2.modify("CN=HV21,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToDelegateTo", "cifs/hv22.fabrikam.com"));
            Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                    + ", ldap://127.0.0.1:" + fabrikam2.getListenPort() + "]");
            CliRun pre = preflight(cfg);
            assertEquals(3, pre.exitCode(), pre.toString());
            // the lag blocks HV22 -> HV21, HVC2's pair: HVC1's line does not count it (it said "has not replicated
            // the delegation yet, which blocks live migration of 1 pair")
            assertTrue(pre.out().contains("1 of 2 domain controllers agree with dc1.fabrikam.com; dc2.fabrikam.com has"
                    + " not replicated what pairs of other clusters need yet (HIGH: msDS-AllowedToDelegateTo of HV21),"
                    + " so live migration of HVC1 is not affected"), pre.out());
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            List<JsonNode> lagging = findings(doc, "DC_NOT_CONVERGED");
            assertEquals(1, lagging.size(), lagging.toString());
            assertEquals("HV21", lagging.get(0).path("host").asText());
            assertEquals("HVC2", lagging.get(0).path("cluster").asText());
            assertEquals("dc2.fabrikam.com", lagging.get(0).path("evidence").path("dc").asText());
            assertEquals("dc1.fabrikam.com", lagging.get(0).path("evidence").path("auditedDc").asText());
            assertTrue(lagging.get(0).path("remediation").asText().contains("repadmin /syncall dc1.fabrikam.com /AdeP"),
                    lagging.get(0).toString());
            JsonNode fabrikamDcs = doc.path("directories").get(1).path("domainControllers");
            assertEquals(List.of("dc1.fabrikam.com", "dc2.fabrikam.com"), StreamSupport.stream(
                    fabrikamDcs.spliterator(), false).map(d -> d.path("name").asText()).toList());
            assertTrue(StreamSupport.stream(doc.path("directories").get(0).path("domainControllers").spliterator(),
                    false).noneMatch(d -> d.path("name").asText().contains("fabrikam")), doc.path("directories")
                    .toString());
        } finally {
            fabrikam2.shutDown(true);
        }
    }

    /**
     * preflight --all-dcs of a group across domains, and a service account of contoso registering HV21's migration SPN
     * on contoso's second DC only (made there, not replicated to dc1.contoso.com yet). HV01-HV03 ask contoso's KDC for
     * it, which looks in its own domain and finds that account, as dc1's will once it has it (DUPLICATE_SPN): a host
     * whose KDC is dc2.contoso.com fails into HV21. The DCs of contoso were searched for other holders of the contoso
     * nodes' SPNs only, so the preflight said GO. HV22 -> HV21 asks fabrikam's KDC and is not concerned.
     */
    @Test
    void aHolderOfATargetsSpnOnAnotherDcOfTheSourcesDomainIsNoGo() throws Exception {
        Entry svc = svcMigOfContosoHolding(Hosts.MIG + "/hv21.fabrikam.com");
        InMemoryDirectoryServer contoso2 = acrossWithDc2Holding(svc);
        try {
            Path cfg = withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                    + "]"), contoso2);
            CliRun nogo = preflight(cfg);
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            List<JsonNode> f = List.of(DomainControllersTest.theOnlyDcNotConverged(nogo, doc, "contoso: "));
            JsonNode e = f.get(0).path("evidence");
            assertEquals("HV21", f.get(0).path("host").asText());
            assertEquals("dc2.contoso.com", e.path("dc").asText());
            assertEquals("dc1.contoso.com", e.path("auditedDc").asText());
            assertEquals("servicePrincipalName holder", e.path("attribute").asText());
            assertEquals(List.of(Hosts.MIG + "/hv21.fabrikam.com"), texts(e.path("expected")));
            assertEquals(List.of(svc.getDN()), texts(e.path("actual")));
            assertEquals(List.of("HV01->HV21", "HV02->HV21", "HV03->HV21"), StreamSupport.stream(e.path("pairs")
                    .spliterator(), false).map(p -> p.path("from").asText() + "->" + p.path("to").asText()).toList());
            // the message says whose KDC finds it; the fix takes it off there and checks the forest, not one domain
            String message = f.get(0).path("message").asText();
            // dc2.contoso.com holds no HV21 (a host of fabrikam): the SPN is on the other account only
            assertTrue(message.startsWith("dc2.contoso.com holds " + Hosts.MIG + "/hv21.fabrikam.com, an SPN HV21"
                    + " registers in its own domain, on " + svc.getDN() + ", in contoso.com, which"), message);
            assertFalse(message.contains("also on"), message);
            assertTrue(message.contains("dc2.contoso.com's KDC, which the sources in contoso.com ask, finds that"
                    + " account in its own domain") && nogo.out().contains("BLOCKER DC_NOT_CONVERGED               "
                    + message.substring(0, 60)), message + "\n" + nogo.out());
            assertTrue(f.get(0).path("remediation").asText().matches(".*-Server 'dc2\\.contoso\\.com'.*setspn -F -Q.*"),
                    f.get(0).toString());
            JsonNode matrix = StreamSupport.stream(doc.path("clusters").spliterator(), false)
                    .filter(c -> c.path("name").asText().equals("HVC2")).findFirst().orElseThrow().path("matrix");
            JsonNode hv22 = StreamSupport.stream(matrix.spliterator(), false).filter(p -> p.path("from").asText()
                    .equals("HV22") && p.path("to").asText().equals("HV21")).findFirst().orElseThrow();
            assertFalse(hv22.path("blockers").toString().contains("DC_NOT_CONVERGED"), hv22.toString());

            // dc1.contoso.com, the DC the audit read, has it too: judged there, no DC lags
            contoso.add(svc);
            CliRun both = preflight(cfg);
            assertEquals(3, both.exitCode(), both.toString());
            doc = CliRun.findings(tmp.resolve("pre"));
            assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
            assertEquals(1, findings(doc, "DUPLICATE_SPN").size(), doc.path("findings").toString());
        } finally {
            contoso2.shutDown(true);
        }
    }

    /**
     * contoso read with its nodes' OU as base DN, and a service account of contoso outside it (CN=Users) registering
     * HV21's migration SPN: contoso's KDC, which HV01-HV03 ask, finds that account first, so the pairs into HV21 from
     * contoso fail, as they are read with the domain as base DN (DUPLICATE_SPN, holders[].domain contoso.com). The
     * holders outside the OU were looked up for the SPNs of contoso's own nodes only, fabrikam being read after it: the
     * run said exit 0 and no finding, and {@code preflight --all-dcs} said dc1.contoso.com, the DC it read, did not have
     * the account yet (DC_NOT_CONVERGED), which it had.
     */
    @Test
    void aHolderOfATargetsSpnOutsideTheSourcesOuIsSeenAsWithTheDomainsDn() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        Entry svc = svcMigOfContosoHolding(Hosts.MIG + "/hv21.fabrikam.com");
        contoso.add(svc);
        InMemoryDirectoryServer contoso2 = replicaOfContoso(null);
        try {
            Path cfg = withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                    + "]"), contoso2);
            contosoFromItsOu(cfg);
            CliRun r = run(cfg, "json");
            assertEquals(3, r.exitCode(), r.toString());
            List<JsonNode> dup = findings(CliRun.findings(tmp.resolve("out")), "DUPLICATE_SPN");
            assertEquals(1, dup.size(), dup.toString());
            assertEquals("HV21", dup.get(0).path("host").asText());
            JsonNode holder = dup.get(0).path("evidence").path("holders").get(0);
            assertEquals(svc.getDN(), holder.path("dn").asText());
            assertEquals("contoso.com", holder.path("domain").asText());

            // both DCs of contoso have it: judged on the one read, no DC lags
            CliRun pre = preflight(cfg);
            assertEquals(3, pre.exitCode(), pre.toString());
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            assertTrue(findings(doc, "DC_NOT_CONVERGED").isEmpty(), findings(doc, "DC_NOT_CONVERGED").toString());
            assertEquals(1, findings(doc, "DUPLICATE_SPN").size(), doc.path("findings").toString());
        } finally {
            contoso2.shutDown(true);
        }
    }

    /**
     * contoso read from its nodes' OU refusing the search for other holders of the fabrikam nodes' SPNs outside it (a
     * size limit, say): whether one is there is unknown, so the run fails naming the directory and the search, as when
     * the search for the holders of its own nodes' SPNs fails, rather than reading the pairs from contoso as OK.
     */
    @Test
    void aSourcesOuRefusingTheSearchForATargetsHoldersOutsideItFailsTheRun() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        InMemoryDirectoryServer refusing = contosoRefusingTheSearchForFabrikamHolders();
        try {
            Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]");
            Files.writeString(cfg, Files.readString(cfg).replace("127.0.0.1:" + contoso.getListenPort(),
                    "127.0.0.1:" + refusing.getListenPort()));
            contosoFromItsOu(cfg);
            CliRun r = run(cfg, "json");
            assertEquals(1, r.exitCode(), r.toString());
            assertTrue(r.err().contains("directories.contoso: ") && r.err().contains("the SPNs of the other"
                    + " directories' nodes") && r.err().contains("ize limit exceeded"), r.err());
        } finally {
            refusing.shutDown(true);
        }
    }

    /**
     * The holder on dc2.contoso.com of HV21's migration SPN (bea6b0f3) named with quotes of every kind (U+2019 too),
     * PowerShell syntax, a tag and a formula: the finding names it by its exact DN, its fix's command on that DC types
     * none of it (a placeholder for the DN), and the console prints the data on no line of its own.
     */
    @Test
    void aHostileHolderOnAnotherDcOfTheSourcesDomainIsNamedByItsExactDnAndTypedInNoCommand() throws Exception {
        Entry svc = contosoAccountHolding("=svc\u2019'\"`$(PWN);|<b>PWN</b>&+@" + "x".repeat(200),
                Hosts.MIG + "/hv21.fabrikam.com");
        InMemoryDirectoryServer contoso2 = acrossWithDc2Holding(svc);
        try {
            CliRun nogo = preflight(withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: ["
                    + fabrikamUrl() + "]"), contoso2));
            JsonNode f = DomainControllersTest.theOnlyDcNotConverged(nogo, CliRun.findings(tmp.resolve("pre")),
                    "contoso: ");
            assertEquals(List.of(svc.getDN()), texts(f.path("evidence").path("actual")));
            String remediation = f.path("remediation").asText();
            // named in the prose; the command types no value read from the directory, its DN a placeholder
            String command = "(Set-ADObject -Server 'dc2.contoso.com' -Identity '<its DN>' -Remove"
                    + " @{servicePrincipalName='<the SPN as it stores it>'})";
            assertTrue(remediation.startsWith("Take " + Hosts.MIG + "/hv21.fabrikam.com off " + svc.getDN()
                    + " on dc2.contoso.com, where it was registered " + command), remediation);
            assertFalse(nogo.out().lines().anyMatch(l -> l.startsWith("PWN") || l.startsWith("<b>")), nogo.out());
        } finally {
            contoso2.shutDown(true);
        }
    }

    /**
     * The same DC refusing the search for other holders of HV21's SPNs (a size limit, say): whether its KDC finds one is
     * unknown, so the DC is reported as not fully read (DC_UNREACHABLE, holdersError), as for the nodes of its own
     * domain. It was not searched for them at all, and agreed. Its KDC serves the pairs of both clusters of the group
     * (HV01-HV03 ask it for HV21's SPN; the referral of HV21 and HV22 into a contoso node ends at a contoso KDC), so
     * both are NO-GO (exit 3, DC_NOT_READ): it was a GO (exit 0) with a line saying that the DC was not searched.
     */
    @Test
    void aDcOfTheSourcesDomainRefusingTheSearchForATargetsHoldersIsNotReadAsHoldingNone() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        InMemoryDirectoryServer contoso2 = contosoRefusingTheSearchForFabrikamHolders();
        try {
            Path cfg = withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                    + "]"), contoso2);
            CliRun r = preflight(cfg);
            assertTrue(r.out().contains("dc2.contoso.com was read, but the search for other holders of the nodes' SPNs"
                    + " failed on it"), r.out());
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            List<JsonNode> f = findings(doc, "DC_UNREACHABLE");
            assertEquals(1, f.size(), f.toString());
            assertEquals("dc2.contoso.com", f.get(0).path("evidence").path("dc").asText());
            JsonNode dc2 = doc.path("directories").get(0).path("domainControllers").get(1);
            assertTrue(dc2.path("holdersError").asText().contains("size limit exceeded"), dc2.toString());
            // the search that failed, for whose SPNs (it asked for fabrikam's)
            assertTrue(dc2.path("holdersError").asText().matches(".*\\(search \\d+ of \\d+, for SPNs of [^;]*HV21.*"),
                    dc2.toString());
            assertEquals("notSearched", dc2.path("result").asText(), dc2.toString());
            assertEquals(3, r.exitCode(), r.toString());
            assertTrue(r.out().contains("Preflight HVC1: NO-GO"), r.out());
            for (String cluster : List.of("HVC1", "HVC2")) {
                assertEquals(List.of("DC_NOT_READ"), reasons(doc, cluster), cluster);
            }
            assertTrue(reason(doc, "HVC2").startsWith("domain controller dc2.contoso.com of directory contoso (the"
                    + " pairs with HVC1, policy.migrationGroups, ask its KDCs) was read, but the search for other"
                    + " holders of the nodes' SPNs failed on it"), reason(doc, "HVC2"));
        } finally {
            contoso2.shutDown(true);
        }
    }

    /**
     * preflight --all-dcs of HVC1, migrating with HVC2 of fabrikam, where a DC of fabrikam cannot be read: the pairs
     * between the two clusters get their tickets from fabrikam's KDCs too (HV21 and HV22 ask theirs; the referral of
     * HV01-HV03 into HV21 ends at one, which checks HV21's resource-based delegation as it holds it), so whether that DC
     * has the delegation is unknown for HVC1 as for HVC2: NO-GO, exit 3, DC_NOT_READ naming it and its directory, as
     * for a DC of contoso. It was a GO (exit 0) with a "GO as far as" line. HVC3, a cluster of contoso that migrates
     * with no fabrikam cluster, is not concerned: no pair of it asks a fabrikam KDC, and its verdict stays GO.
     */
    @Test
    void aDcOfAnotherDirectoryOfTheMigrationGroupThatCannotBeReadIsNoGo() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        TestDirectory.addCluster(contoso, TestDirectory.BASE, Hosts.DOMAIN_SID, 2100, List.of("HV04", "HV05"));
        int closed = org.kcdauditor.support.ClosedPort.refusing();
        Path cfg = config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                + ", ldap://127.0.0.1:" + closed + "]");
        Files.writeString(cfg, Files.readString(cfg).replace("policy:\n",
                "  - name: HVC3\n    directory: contoso\n    nodes: [HV04, HV05]\npolicy:\n"));
        CliRun pre = preflight(cfg);
        assertEquals(3, pre.exitCode(), pre.toString());
        assertTrue(pre.out().contains("Preflight HVC1: NO-GO"), pre.out());
        assertTrue(pre.out().contains("  NO-GO   domain controller ldap://127.0.0.1:" + closed + " of directory"
                + " fabrikam (the pairs with HVC2, policy.migrationGroups, ask its KDCs) could not be read: whether it"
                + " has replicated the delegation is unknown (DC_UNREACHABLE)"), pre.out());
        assertFalse(pre.out().contains("GO as far as"), pre.out());
        JsonNode doc = CliRun.findings(tmp.resolve("pre"));
        assertEquals(List.of("DC_NOT_READ"), reasons(doc, "HVC1"));
        // the cluster of fabrikam: a DC of its own directory, said as such
        assertEquals(List.of("DC_NOT_READ"), reasons(doc, "HVC2"));
        assertTrue(reason(doc, "HVC2").startsWith("domain controller ldap://127.0.0.1:" + closed + " could not be"
                + " read"), reason(doc, "HVC2"));
        assertEquals(List.of(), reasons(doc, "HVC3"));
        assertTrue(cluster(doc, "HVC3").path("go").asBoolean(), cluster(doc, "HVC3").toString());
    }

    private static JsonNode cluster(JsonNode doc, String name) {
        return StreamSupport.stream(doc.path("clusters").spliterator(), false)
                .filter(c -> c.path("name").asText().equals(name)).findFirst().orElseThrow();
    }

    /** The rules of the verdict reasons of cluster {@code name}. */
    private static List<String> reasons(JsonNode doc, String name) {
        return StreamSupport.stream(cluster(doc, name).path("reasons").spliterator(), false)
                .map(r -> r.path("rule").asText()).toList();
    }

    /** The text of the first verdict reason of cluster {@code name}. */
    private static String reason(JsonNode doc, String name) {
        return cluster(doc, name).path("reasons").get(0).path("text").asText();
    }

    /**
     * dc2.contoso.com, a second DC of contoso holding what dc1.contoso.com holds (its entries copied), answering
     * through {@code interceptor} when given.
     */
    private InMemoryDirectoryServer replicaOfContoso(
            com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor interceptor) throws Exception {
        List<com.unboundid.ldap.sdk.Attribute> rootDse = List.of(
                new com.unboundid.ldap.sdk.Attribute("dnsHostName", "dc2.contoso.com"),
                new com.unboundid.ldap.sdk.Attribute("defaultNamingContext", TestDirectory.BASE));
        InMemoryDirectoryServer dc2 = interceptor == null
                ? TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, rootDse)
                : TestDirectory.start(TestDirectory.Mode.PLAIN, null, 0, rootDse, interceptor);
        Path ldif = tmp.resolve("contoso.ldif");
        contoso.exportToLDIF(new com.unboundid.ldif.LDIFWriter(ldif.toFile()), false, false, true);
        dc2.importFromLDIF(true, ldif.toString());
        return dc2;
    }

    /** {@code cfg} reading contoso from its nodes' OU, {@code OU=Hyper-V,DC=contoso,DC=com}. */
    private static void contosoFromItsOu(Path cfg) throws Exception {
        Files.writeString(cfg, Files.readString(cfg).replace("    baseDn: " + TestDirectory.BASE + "\n",
                "    baseDn: OU=Hyper-V," + TestDirectory.BASE + "\n"));
    }

    /** dc2.contoso.com refusing every search for holders of fabrikam's SPNs (a size limit, say). */
    private InMemoryDirectoryServer contosoRefusingTheSearchForFabrikamHolders() throws Exception {
        return replicaOfContoso(new com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor() {
            @Override
            public void processSearchRequest(
                    com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSearchRequest request)
                    throws com.unboundid.ldap.sdk.LDAPException {
                String filter = request.getRequest().getFilter().toString();
                if (filter.contains("servicePrincipalName=") && filter.contains("fabrikam")) {
                    throw new com.unboundid.ldap.sdk.LDAPException(
                            com.unboundid.ldap.sdk.ResultCode.SIZE_LIMIT_EXCEEDED, "Size Limit Exceeded");
                }
            }
        });
    }

    /** {@code cfg} with contoso's DCs listed: the one the audit reads, then {@code dc2}. */
    private Path withContosoDcs(Path cfg, InMemoryDirectoryServer dc2) throws Exception {
        Files.writeString(cfg, Files.readString(cfg).replace("    allowInsecureBind: true\n    timeoutSeconds: 5\n"
                + "  fabrikam", "    allowInsecureBind: true\n    timeoutSeconds: 5\n    domainControllers: [ldap://127.0.0.1:"
                + contoso.getListenPort() + (dc2 == null ? "" : ", ldap://127.0.0.1:" + dc2.getListenPort())
                + "]\n  fabrikam"));
        return cfg;
    }

    /** A service account of contoso, CN=svc-mig in CN=Users, registering {@code spn}; CN=Users made on dc1. */
    private Entry svcMigOfContosoHolding(String spn) throws Exception {
        return contosoAccountHolding("svc-mig", spn);
    }

    /**
     * HVC1 and HVC2 migrating into each other through resource-based delegation, and dc2.contoso.com, a replica of
     * contoso then, holding {@code svc}: that DC, to shut down.
     */
    private InMemoryDirectoryServer acrossWithDc2Holding(Entry svc) throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        InMemoryDirectoryServer contoso2 = replicaOfContoso(null);
        contoso2.add(svc);
        return contoso2;
    }

    /** An account of contoso named {@code name} (cn and sAMAccountName) in CN=Users registering {@code spn}. */
    private Entry contosoAccountHolding(String name, String spn) throws Exception {
        if (contoso.getEntry("CN=Users," + TestDirectory.BASE) == null) {
            contoso.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        }
        Entry e = new Entry(new com.unboundid.ldap.sdk.DN(new com.unboundid.ldap.sdk.RDN("CN", name),
                new com.unboundid.ldap.sdk.DN("CN=Users," + TestDirectory.BASE)));
        e.addAttribute("objectClass", "top", "user");
        e.addAttribute("cn", name);
        e.addAttribute("sAMAccountName", name);
        e.addAttribute("userAccountControl", "512");
        e.addAttribute("servicePrincipalName", spn);
        return e;
    }

    /** {@code kcd-audit preflight --cluster HVC1 --all-dcs} into {@code pre}. */
    private CliRun preflight(Path cfg) {
        return preflight(cfg, "HVC1");
    }

    /** {@code kcd-audit preflight --cluster CLUSTER --all-dcs} into {@code pre}. */
    private CliRun preflight(Path cfg, String cluster) {
        return CliRun.run(ENV, "preflight", "--config", cfg.toString(), "--cluster", cluster, "--all-dcs", "--out",
                tmp.resolve("pre").toString());
    }

    /**
     * dc2.contoso.com has not replicated HV01's resource-based delegation, which allows HV21 and HV22 (fabrikam, HVC2)
     * and which HV21 -> HV01 and HV22 -> HV01 need there; HVC1's own pairs into HV01 are classic constrained
     * delegation, which that DC holds. The lag blocks HVC2's pairs only. It was charged to HV01's cluster: HVC1's
     * preflight said NO-GO with every pair able to migrate, while the same RBCD missing on the DC the
     * audit read is CROSS_DOMAIN_NEEDS_RBCD of HVC2 only; and its DC line counted HVC2's pairs. Now the finding is
     * charged to the cluster whose pairs it blocks (the pairs' source cluster, as the other pair rules are), HVC1 is
     * GO and each cluster's DC line counts its own pairs.
     */
    @Test
    void aDcLaggingOnATargetsRbcdBlocksTheSourcesClusterOnly() throws Exception {
        rbcdAcrossDomains(List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001"));
        InMemoryDirectoryServer contoso2 = replicaOfContoso(null);
        try {
            contoso2.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity"));
            Path cfg = withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2]]", "domainControllers: [" + fabrikamUrl()
                    + "]"), contoso2);
            CliRun hvc2 = preflight(cfg, "HVC2");
            assertEquals(3, hvc2.exitCode(), hvc2.toString());
            assertTrue(hvc2.out().contains("dc2.contoso.com has not replicated the delegation yet, which blocks live"
                    + " migration of 2 pairs (HIGH)"), hvc2.out());
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            List<JsonNode> lagging = findings(doc, "DC_NOT_CONVERGED");
            assertEquals(1, lagging.size(), lagging.toString());
            assertEquals("HV01", lagging.get(0).path("host").asText());
            assertEquals("HIGH", lagging.get(0).path("severity").asText());
            assertEquals("HVC2", lagging.get(0).path("cluster").asText(), lagging.get(0).toString());
            assertEquals(List.of(), reasons(doc, "HVC1"), doc.path("clusters").toString());

            CliRun hvc1 = preflight(cfg, "HVC1");
            assertEquals(0, hvc1.exitCode(), hvc1.toString());
            assertTrue(hvc1.out().contains("Preflight HVC1: GO\n  12/12 node pairs OK; blockers: 0;"),
                    hvc1.out());
            // its line counts HVC1's pairs: none is blocked there
            assertFalse(hvc1.out().contains("blocks live migration"), hvc1.out());
            assertTrue(hvc1.out().contains("dc2.contoso.com has not replicated what pairs of other clusters need yet"
                    + " (HIGH: msDS-AllowedToActOnBehalfOfOtherIdentity of HV01), so live migration of HVC1 is not"
                    + " affected"), hvc1.out());
        } finally {
            contoso2.shutDown(true);
        }
    }

    /**
     * dc2.contoso.com lacks HV01's resource-based delegation, which allows HVC2's HV21 and HV22 and HVC3's HV31 and HV32
     * (fabrikam, each cluster migrating with HVC1): the lag blocks pairs of two other clusters. It was charged to the
     * first of them only (HVC2), while it blocks HVC3's HV31 -> HV01 and HV32 -> HV01 as much: each of HVC2 and HVC3 is
     * NO-GO with DC_NOT_CONVERGED among its reasons and is charged with it, and each cluster's DC line counts its own
     * pairs only.
     */
    @Test
    void aDcLaggingOnATargetsRbcdBlocksEachClusterWhosePairsItBlocks() throws Exception {
        TestDirectory.addCluster(fabrikam, FABRIKAM, FABRIKAM_SID, 3010, List.of("HV31", "HV32"));
        List<String> fabrikamNodes = List.of(FABRIKAM_SID + "-3000", FABRIKAM_SID + "-3001", FABRIKAM_SID + "-3010",
                FABRIKAM_SID + "-3011");
        rbcdAcrossDomains(fabrikamNodes);
        List<String> contosoSids = List.of(Hosts.DOMAIN_SID + "-2000", Hosts.DOMAIN_SID + "-2001",
                Hosts.DOMAIN_SID + "-2002");
        for (String n : List.of("HV31", "HV32")) {
            fabrikam.modify("CN=" + n + ",OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(contosoSids)));
        }
        for (String n : List.of("HV02", "HV03")) {
            contoso.modify("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.REPLACE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(fabrikamNodes)));
        }
        InMemoryDirectoryServer contoso2 = replicaOfContoso(null);
        try {
            contoso2.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.DELETE,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity"));
            Path cfg = withContosoDcs(config(fabrikamUrl(), "[[HVC1, HVC2], [HVC1, HVC3]]", "domainControllers: ["
                    + fabrikamUrl() + "]"), contoso2);
            Files.writeString(cfg, Files.readString(cfg).replace("policy:\n",
                    "  - name: HVC3\n    directory: fabrikam\n    nodes: [HV31, HV32]\npolicy:\n"));
            CliRun hvc3 = preflight(cfg, "HVC3");
            assertEquals(3, hvc3.exitCode(), hvc3.toString());
            assertTrue(hvc3.out().contains("dc2.contoso.com has not replicated the delegation yet, which blocks live"
                    + " migration of 2 pairs (HIGH)"), hvc3.out());
            JsonNode doc = CliRun.findings(tmp.resolve("pre"));
            List<JsonNode> lagging = findings(doc, "DC_NOT_CONVERGED");
            assertEquals(List.of("DC_NOT_CONVERGED"), reasons(doc, "HVC2"), doc.path("clusters").toString());
            assertEquals(List.of("DC_NOT_CONVERGED"), reasons(doc, "HVC3"), doc.path("clusters").toString());
            // one finding per cluster, each with its own pairs
            assertEquals(List.of("HVC2", "HVC3"), lagging.stream().map(f -> f.path("cluster").asText()).toList(),
                    lagging.toString());
            assertEquals(List.of("HV21 -> HV01", "HV22 -> HV01"), pairs(lagging.get(0)));
            assertEquals(List.of("HV31 -> HV01", "HV32 -> HV01"), pairs(lagging.get(1)));
            assertTrue(lagging.get(0).path("message").asText().endsWith("On dc2.contoso.com, 2 directed pairs cannot"
                    + " migrate. The same difference blocks pairs of HVC3, each cluster's finding listing its own."),
                    lagging.get(0).path("message").asText());
            // one difference on dc2.contoso.com, whatever the number of clusters it is charged to
            assertEquals(1, doc.path("directories").get(0).path("domainControllers").get(1).path("differences")
                    .asInt(), doc.path("directories").toString());
            // each finding is its cluster's own blocker: HVC3's reason names HVC3's finding
            assertTrue(cluster(doc, "HVC3").path("reasons").get(0).path("text").asText()
                    .startsWith("1 DC_NOT_CONVERGED finding (HV01)"), cluster(doc, "HVC3").toString());
            assertEquals(List.of(), reasons(doc, "HVC1"), doc.path("clusters").toString());
            CliRun hvc2 = preflight(cfg, "HVC2");
            assertEquals(3, hvc2.exitCode(), hvc2.toString());
            assertTrue(hvc2.out().contains("dc2.contoso.com has not replicated the delegation yet, which blocks live"
                    + " migration of 2 pairs (HIGH)"), hvc2.out());
            assertEquals(0, preflight(cfg, "HVC1").exitCode());
        } finally {
            contoso2.shutDown(true);
        }
    }

    /** The pairs a finding's evidence lists, as {@code FROM -> TO}. */
    private static List<String> pairs(JsonNode finding) {
        return StreamSupport.stream(finding.path("evidence").path("pairs").spliterator(), false)
                .map(p -> p.path("from").asText() + " -> " + p.path("to").asText()).toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * preflight --all-dcs of HVC1, whose pairs all lie in contoso, reads contoso's DCs only. The console said of
     * fabrikam, which the verdict does not rest on, that its other DCs were "not checked (kcd-audit preflight
     * --all-dcs)": the command just run, as if it had been left out.
     */
    @Test
    void thePreflightOfAClusterSpeaksOfTheDomainControllersOfItsOwnDomainsOnly() throws Exception {
        CliRun pre = preflight(withContosoDcs(config(fabrikamUrl(), "[]", "domainControllers: [" + fabrikamUrl()
                + "]"), null));
        assertEquals(0, pre.exitCode(), pre.toString());
        assertTrue(pre.out().contains("  domain controllers: contoso: 1 of 1 domain controller agrees with"
                + " dc1.contoso.com\n"), pre.out());
        assertFalse(pre.out().contains("fabrikam"), pre.out());
    }

    /**
     * Two domains may each have a NAS01. As file servers of a cluster each, they were two hosts of one name: two
     * ENCRYPTION_TYPES_UNSET findings with one id, and findings, baseline and history entries that cannot tell them
     * apart. Names must be unique across the config, as for nodes.
     */
    @Test
    void twoFileServersOfOneNameInTwoDomainsAreRefusedAsTwoNodesAre() throws Exception {
        for (InMemoryDirectoryServer ds : List.of(contoso, fabrikam)) {
            String base = ds == contoso ? TestDirectory.BASE : FABRIKAM;
            ds.add(new com.unboundid.ldap.sdk.Entry("dn: CN=NAS01,OU=Hyper-V," + base, "objectClass: top",
                    "objectClass: computer", "cn: NAS01", "sAMAccountName: NAS01$", "userAccountControl: 4096",
                    "dNSHostName: " + TestDirectory.fqdn("NAS01", base), "servicePrincipalName: HOST/NAS01"));
        }
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg)
                .replace("nodes: [HV01, HV02, HV03]\n", "nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]\n")
                .replace("nodes: [HV21, HV22]\n", "nodes: [HV21, HV22]\n    fileServers: [NAS01]\n"));
        CliRun r = run(cfg, "json");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("two hosts are named NAS01"), r.toString());
    }

    /**
     * The history store, baseline capture and diff work across both directories: a change in fabrikam is drift of
     * its host; while fabrikam cannot be read (optional), its hosts are not reported gone.
     */
    @Test
    void baselineAndDriftCoverBothDirectories() throws Exception {
        Path cfg = config(fabrikamUrl(), "[]");
        assertEquals(0, run(cfg, "json").exitCode());
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());
        String baseline = Files.readString(tmp.resolve("baseline.yaml"));
        assertTrue(baseline.contains("HV01") && baseline.contains("HV21"), baseline);

        // someone removes HV21's entry for HV22's file shares, in fabrikam: the previous run in the store holds HV21
        fabrikam.modify("CN=HV21,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/hv22.fabrikam.com"));
        CliRun second = run(cfg, "json");
        assertEquals(3, second.exitCode(), second.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<JsonNode> removed = findings(doc, "BASELINE_ENTRY_REMOVED");
        assertEquals(1, removed.size(), removed.toString());
        assertEquals("HV21", removed.get(0).path("host").asText());
        assertEquals("HVC2", removed.get(0).path("cluster").asText());
        List<JsonNode> changed = findings(doc, "CHANGED_SINCE_LAST_RUN");
        assertEquals(List.of("HV21"), changed.stream().map(f -> f.path("host").asText()).toList());
        assertTrue(changed.get(0).path("message").asText().contains("cifs/hv22.fabrikam.com"), changed.toString());

        // fabrikam (optional) cannot be read: its hosts are neither missing from the baseline nor gone since
        int closed;
        closed = org.kcdauditor.support.ClosedPort.refusing();
        Path unread = config("ldap://127.0.0.1:" + closed, "[]", "optional: true");
        CliRun third = run(unread, "json");
        assertEquals(0, third.exitCode(), third.toString());
        doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of(), findings(doc, "BASELINE_HOST_MISSING"), doc.path("findings").toString());
        assertEquals(List.of(), findings(doc, "CHANGED_SINCE_LAST_RUN"), doc.path("findings").toString());
        assertEquals("[]", doc.path("history").path("resolvedFindings").toString(), "HV21's findings were not read,"
                + " not resolved: " + doc.path("history"));

        // nor is a baseline captured without them: it would drop HV21 and HV22, new again once fabrikam answers
        CliRun recapture = CliRun.run(ENV, "baseline", "capture", "--config", unread.toString(), "--force");
        assertEquals(1, recapture.exitCode(), recapture.toString());
        assertTrue(recapture.err().contains("directory fabrikam (directories.fabrikam) could not be read"),
                recapture.toString());
        assertEquals(baseline, Files.readString(tmp.resolve("baseline.yaml")), "the baseline is as it was");

        // fabrikam answers again: its hosts did not join since, nor are their findings new (the run before did not
        // read them)
        CliRun fourth = run(config(fabrikamUrl(), "[]"), "json");
        assertEquals(3, fourth.exitCode(), fourth.toString());
        doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of(), findings(doc, "CHANGED_SINCE_LAST_RUN"), doc.path("findings").toString());
        assertEquals("[]", doc.path("history").path("newFindings").toString(), doc.path("history").toString());
    }

    /**
     * A cluster is one whatever the case of its name (finding ids, mail and the previous run's clusters not audited
     * ignore it): with its name written in lower case since the run before, and its directory down, findings.json's
     * history counts its findings neither resolved, as the mail notice does not.
     */
    @Test
    void theFindingsOfAClusterNotReadAreNotResolvedWhateverTheCaseOfItsName() throws Exception {
        fabrikam.modify("CN=HV21,OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.DELETE,
                "msDS-AllowedToDelegateTo", "cifs/hv22.fabrikam.com"));
        assertEquals(3, run(config(fabrikamUrl(), "[]"), "json").exitCode());
        assertFalse(CliRun.findings(tmp.resolve("out")).path("findings").findValuesAsText("cluster").stream()
                .filter("HVC2"::equals).toList().isEmpty(), "HVC2 has findings");

        Path unread = config("ldap://127.0.0.1:" + org.kcdauditor.support.ClosedPort.refusing(), "[]",
                "optional: true");
        Files.writeString(unread, Files.readString(unread).replace("name: HVC2", "name: hvc2"));
        CliRun second = run(unread, "json");
        assertEquals(0, second.exitCode(), second.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals("[]", doc.path("history").path("resolvedFindings").toString(), "hvc2's findings were not read,"
                + " not resolved: " + doc.path("history"));
    }

    /** 100 ns ticks since 1601, as AD stores pwdLastSet. */
    private static String fileTime(String instant) {
        return String.valueOf((java.time.Instant.parse(instant).getEpochSecond() + 11_644_473_600L) * 10_000_000L);
    }

    /** The domain's objectSid and its Read-only Domain Controllers group (RID 521), created {@code created}. */
    private static void aesKeysSince(InMemoryDirectoryServer ds, String base, String domainSid, String created)
            throws Exception {
        ds.modify(base, new Modification(ModificationType.ADD, "objectSid", Sids.toBytes(domainSid)));
        ds.add(new Entry("dn: CN=Users," + base, "objectClass: container", "cn: Users"));
        Entry g = new Entry("dn: CN=Read-only Domain Controllers,CN=Users," + base, "objectClass: group",
                "cn: Read-only Domain Controllers", "whenCreated: " + created);
        g.addAttribute("objectSid", Sids.toBytes(domainSid + "-521"));
        ds.add(g);
    }

    private static void pwdLastSet(InMemoryDirectoryServer ds, String base, String node, String instant)
            throws Exception {
        ds.modify("CN=" + node + ",OU=Hyper-V," + base, new Modification(ModificationType.REPLACE, "pwdLastSet",
                fileTime(instant)));
    }

    /**
     * Each account is judged against the AES date of its own domain (issue 11), whichever directory comes first:
     * contoso had AES keys in 2009, fabrikam only in 2016 (its first Windows Server 2008 DC came late). A
     * password of 2012 has AES keys in contoso and none in fabrikam. The first directory optional and down leaves
     * the rule on for the other.
     */
    @Test
    void eachAccountIsJudgedAgainstTheAesDateOfItsOwnDomainInEitherOrder() throws Exception {
        aesKeysSince(contoso, TestDirectory.BASE, Hosts.DOMAIN_SID, "20090310120000.0Z");
        aesKeysSince(fabrikam, FABRIKAM, FABRIKAM_SID, "20160501120000.0Z");
        pwdLastSet(contoso, TestDirectory.BASE, "HV01", "2012-06-01T00:00:00Z");
        pwdLastSet(contoso, TestDirectory.BASE, "HV02", "2008-06-01T00:00:00Z");
        pwdLastSet(fabrikam, FABRIKAM, "HV21", "2012-06-01T00:00:00Z");
        pwdLastSet(fabrikam, FABRIKAM, "HV22", "2024-06-01T00:00:00Z");
        for (boolean fabrikamFirst : new boolean[]{false, true}) {
            assertEquals(3, run(config(fabrikamFirst, fabrikamUrl(), "[]"), "json").exitCode());
            JsonNode doc = CliRun.findings(tmp.resolve("out"));
            List<JsonNode> missing = findings(doc, "AES_KEYS_MISSING");
            assertEquals(List.of("HV02 2009-03-10T12:00:00.000000Z", "HV21 2016-05-01T12:00:00.000000Z"), missing.stream()
                    .map(f -> f.path("host").asText() + " " + f.path("evidence").path("aesKeysSince").asText())
                    .sorted().toList(), "fabrikam first: " + fabrikamFirst);
            JsonNode hv21 = missing.stream().filter(f -> f.path("host").asText().equals("HV21")).findFirst()
                    .orElseThrow();
            assertTrue(hv21.path("message").asText().contains("before the domain had AES keys (2016-05-01)"),
                    hv21.toString());
        }
        int closed;
        closed = org.kcdauditor.support.ClosedPort.refusing();
        assertEquals(3, run(config(true, "ldap://127.0.0.1:" + closed, "[]", "optional: true"), "json").exitCode());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of("HV02"), findings(doc, "AES_KEYS_MISSING").stream().map(f -> f.path("host").asText())
                .toList(), "contoso is judged by its own date while fabrikam, the first, is down");
    }

    /**
     * A file server of fabrikam (NAS21) keyed on fabrikam's svc-nas, while contoso has a svc-nas too: the yes to svc-nas's
     * AES fix writes to fabrikam's DC (Set-ADUser … -Server 'dc1.fabrikam.com'; ktpass -mapuser svc-nas
     * -target dc1.fabrikam.com) and is pushed from there, and findings.json's actions say which directory the account is
     * in. Before, the commands went to contoso's DC, the first directory's: Set-ADUser found no svc-nas there or set
     * contoso's, and ktpass reset the password of contoso's svc-nas.
     */
    @Test
    void aServiceAccountOfTheSecondDirectoryIsSetOnADcOfItsOwnDomain() throws Exception {
        aesKeysSince(fabrikam, FABRIKAM, FABRIKAM_SID, "20090310120000.0Z");
        for (String n : List.of("HV21", "HV22")) {
            fabrikam.modify("CN=" + n + ",OU=Hyper-V," + FABRIKAM, new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/NAS21", "cifs/nas21.fabrikam.com"));
        }
        Entry nas = new Entry("dn: CN=NAS21,OU=Hyper-V," + FABRIKAM, "objectClass: top", "objectClass: computer",
                "cn: NAS21", "sAMAccountName: NAS21$", "dNSHostName: nas21.fabrikam.com", "userAccountControl: 4096",
                "servicePrincipalName: HOST/NAS21", "servicePrincipalName: HOST/nas21.fabrikam.com");
        nas.addAttribute("objectSid", Sids.toBytes(FABRIKAM_SID + "-3100"));
        fabrikam.add(nas);
        Entry svc = new Entry("dn: CN=svc-nas,CN=Users," + FABRIKAM, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas", "userAccountControl: 66048",
                "servicePrincipalName: cifs/NAS21", "servicePrincipalName: cifs/nas21.fabrikam.com",
                "msDS-SupportedEncryptionTypes: 4", "pwdLastSet: " + fileTime("2007-06-12T00:00:00Z"));
        svc.addAttribute("objectSid", Sids.toBytes(FABRIKAM_SID + "-3101"));
        fabrikam.add(svc);
        if (contoso.getEntry("CN=Users," + TestDirectory.BASE) == null) {
            contoso.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
        }
        Entry other = new Entry("dn: CN=svc-nas,CN=Users," + TestDirectory.BASE, "objectClass: top",
                "objectClass: person", "objectClass: user", "cn: svc-nas", "sAMAccountName: svc-nas",
                "userAccountControl: 66048");
        other.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-3101"));
        contoso.add(other);
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("nodes: [HV21, HV22]\n",
                "nodes: [HV21, HV22]\n    fileServers: [NAS21]\n"));
        assertEquals(3, run(cfg, "json,md").exitCode());
        String md = Files.readString(tmp.resolve("out/runbook.md"));
        assertTrue(md.contains("If so: `Set-ADUser -Identity 'svc-nas' -Replace @{'msDS-SupportedEncryptionTypes'=24}"
                + " -Server 'dc1.fabrikam.com'`"), md);
        assertTrue(md.contains("If so: `ktpass -out NAS21.keytab -princ \"cifs/nas21.fabrikam.com@FABRIKAM.COM\""
                + " -mapuser svc-nas -crypto AES256-SHA1 -ptype KRB5_NT_PRINCIPAL -pass *"
                + " -target dc1.fabrikam.com`"), md);
        assertTrue(md.contains("repadmin /syncall dc1.fabrikam.com /AdeP"), md);
        assertFalse(md.contains("dc1.contoso.com"), md);
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        JsonNode types = findings(doc, "AES_NOT_ENABLED").stream().filter(f -> f.path("host").asText()
                .equals("svc-nas")).findFirst().orElseThrow().path("actions").get(0).path("proposed").get(0);
        assertEquals("fabrikam", types.path("serviceAccount").path("directory").asText(), types.toString());
        JsonNode rekey = findings(doc, "AES_KEYS_MISSING").stream().filter(f -> f.path("host").asText()
                .equals("svc-nas")).findFirst().orElseThrow().path("actions").get(0).path("proposed").get(0);
        assertEquals("fabrikam", rekey.path("directory").asText(), rekey.toString());
    }

    @Test
    void anUnreachableDirectoryFailsTheRunNamingItUnlessOptional() throws Exception {
        int closed;
        closed = org.kcdauditor.support.ClosedPort.refusing();
        CliRun failed = run(config("ldap://127.0.0.1:" + closed, "[]"), "json");
        assertEquals(1, failed.exitCode(), failed.toString());
        assertTrue(failed.err().contains("directories.fabrikam: ldap://127.0.0.1:" + closed + ": cannot connect"),
                failed.err());

        CliRun optional = run(config("ldap://127.0.0.1:" + closed, "[]", "optional: true"), "json,xlsx,md,html");
        assertEquals(0, optional.exitCode(), optional.toString());
        assertTrue(optional.out().contains("Not audited: directory fabrikam (optional) could not be read"),
                optional.out());
        assertTrue(optional.out().contains("HVC2             not audited (directory fabrikam)"), optional.out());
        // HVC1 is clean, but HVC2's pairs were not checked: not "every configured pair can live-migrate"
        assertFalse(optional.out().contains("every configured pair"), optional.out());
        assertTrue(optional.out().contains("No open HIGH or MEDIUM findings: every pair of the audited clusters can"
                + " live-migrate as far as AD is concerned; HVC2 was not audited (its directory could not be read)."),
                optional.out());
        // the runbooks, which list no cluster without a change, say it in their headline
        for (String runbook : List.of("runbook.md", "runbook.html")) {
            String text = Files.readString(tmp.resolve("out").resolve(runbook));
            assertTrue(text.contains("Not audited (directory not read): HVC2 (fabrikam)."), runbook + ": " + text);
        }
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertFalse(doc.path("directories").get(1).path("audited").asBoolean());
        assertTrue(doc.path("directories").get(1).path("failure").asText().contains("cannot connect"));
        assertFalse(doc.path("clusters").get(1).path("audited").asBoolean(true));
        assertEquals("DIRECTORY_NOT_READ", doc.path("clusters").get(1).path("reasons").get(0).path("rule").asText());
        // nothing is reported missing from a directory that was not read
        assertEquals(0, doc.path("findings").size(), doc.path("findings").toString());
        CliRun pre = CliRun.run(ENV, "preflight", "--config", tmp.resolve("kcd-audit.yaml").toString(), "--cluster",
                "HVC2", "--out", tmp.resolve("pre").toString());
        assertEquals(3, pre.exitCode(), pre.toString());
        assertTrue(pre.out().contains("not audited: directory fabrikam could not be read"), pre.out());
        // nothing was read of HVC2: no blocker to fix, nothing to replicate or purge, no host setting to speak of; what
        // the NO-GO needs is the directory, as findings.json's directories[].failure says why it could not be read
        String failure = CliRun.findings(tmp.resolve("pre")).path("directories").get(1).path("failure").asText();
        assertTrue(failure.contains("cannot connect"), failure);
        assertTrue(pre.out().endsWith("\n  Nothing to fix, replicate or purge: the directory fabrikam (" + failure
                + ") could not be read. Make it reachable from here and run preflight again.\n"), pre.out());
        assertFalse(pre.out().contains("Fix the blockers"), pre.out());
        assertFalse(pre.out().contains("Host settings were not checked"), pre.out());
    }

    /**
     * A run whose optional directory could not be read says NO-GO and exits 0, as the exit table says (no finding
     * reaches --fail-on high): a pipeline gating on the exit code passed a window the tool calls NO-GO. findings.json
     * now says the verdict at the top ({@code summary.go}, {@code summary.noGoClusters}) and {@code --fail-on nogo}
     * exits 3 on it; with both directories read the same gate exits 0.
     */
    @Test
    void failOnNoGoGatesOnTheVerdictWhereNoFindingReachesASeverity() throws Exception {
        int closed = org.kcdauditor.support.ClosedPort.refusing();
        Path cfg = config("ldap://127.0.0.1:" + closed, "[]", "optional: true");
        CliRun plain = run(cfg, "json");
        assertEquals(0, plain.exitCode(), plain.toString());
        assertTrue(plain.out().contains("NO-GO for the patch window: 1 of 2 clusters (HVC2)"), plain.out());
        JsonNode summary = CliRun.findings(tmp.resolve("out")).path("summary");
        assertFalse(summary.path("go").asBoolean(true), summary.toString());
        assertEquals(List.of("HVC2"), texts(summary.path("noGoClusters")));

        CliRun gate = CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", tmp.resolve("gate").toString(),
                "--formats", "json", "--fail-on", "nogo");
        assertEquals(3, gate.exitCode(), gate.toString());
        assertTrue(gate.out().contains("\nExit code 3: NO-GO for the patch window: 1 of 2 clusters (HVC2) (--fail-on"
                + " nogo).\n"), gate.out());

        CliRun go = CliRun.run(ENV, "run", "--config", config(fabrikamUrl(), "[]").toString(), "--out",
                tmp.resolve("go").toString(), "--formats", "json", "--fail-on", "NoGo");
        assertEquals(0, go.exitCode(), go.toString());
        assertFalse(go.out().contains("Exit code 3"), go.out());
        JsonNode goSummary = CliRun.findings(tmp.resolve("go")).path("summary");
        assertTrue(goSummary.path("go").asBoolean(false), goSummary.toString());
        assertEquals(List.of(), texts(goSummary.path("noGoClusters")));
    }

    /**
     * FABRIKAM\adm-x where neither directory's NetBIOS name can be read, and both domains have an adm-x: contoso's
     * delegable adm-x was judged in place of fabrikam's "sensitive" one (no finding at all), as every directory
     * accepted the prefix and the first won. Not matched with certainty, it is not resolved: OPERATOR_NOT_FOUND saying
     * so and to give the DN or UPN. Where exactly one directory holds the name, that account is judged.
     */
    @Test
    void aDomainPrefixNoDirectoryCanBeMatchedToIsNotJudgedAsAnotherDomainsAccount() throws Exception {
        contoso.add(new Entry("dn: CN=adm-x,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top",
                "objectClass: person", "objectClass: user", "cn: adm-x", "sAMAccountName: adm-x",
                "userAccountControl: 512"));
        for (String name : List.of("adm-x", "adm-y")) {
            fabrikam.add(new Entry("dn: CN=" + name + ",OU=Hyper-V," + FABRIKAM, "objectClass: top",
                    "objectClass: person", "objectClass: user", "cn: " + name, "sAMAccountName: " + name,
                    "userAccountControl: " + (0x200 | 0x100000)));
        }
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['FABRIKAM\\adm-x',"
                + " 'FABRIKAM\\adm-y']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of("FABRIKAM\\adm-x: policy.operators names 'FABRIKAM\\adm-x', but its domain prefix FABRIKAM"
                + " could not be matched to a directory (the NetBIOS name of contoso, fabrikam could not be read) and"
                + " contoso and fabrikam each hold adm-x (give its DN or userPrincipalName instead), so its accounts were"
                + " not checked."), findings(doc, "OPERATOR_NOT_FOUND").stream()
                .map(f -> f.path("host").asText() + ": " + f.path("message").asText()).toList());
        assertEquals(List.of("adm-y"), findings(doc, "OPERATOR_NOT_DELEGABLE").stream()
                .map(f -> f.path("host").asText()).toList(), "only fabrikam holds adm-y: judged there");
    }

    /**
     * FABRIKAM\\adm-x where fabrikam's NetBIOS name, FABRIKAM, can be read and fabrikam holds no adm-x, and contoso,
     * whose NetBIOS name cannot be read, holds one: contoso's adm-x was judged as the operator (the one directory
     * holding the name), though FABRIKAM is fabrikam's domain, not contoso's. The directory that matches the prefix
     * answers for it: OPERATOR_NOT_FOUND there, and no account of contoso is judged.
     */
    @Test
    void aDomainPrefixOfAReadableDirectoryHoldingNoneIsNotFoundThereNotAnotherDomainsAccount() throws Exception {
        fabrikam.shutDown(true);
        fabrikam = TestDirectory.startDomain(FABRIKAM, "dc1.fabrikam.com", "FABRIKAM");
        TestDirectory.addCluster(fabrikam, FABRIKAM, FABRIKAM_SID, 3000, List.of("HV21", "HV22"));
        contoso.add(new Entry("dn: CN=adm-x,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top",
                "objectClass: person", "objectClass: user", "cn: adm-x", "sAMAccountName: adm-x",
                "userAccountControl: " + (0x200 | 0x100000)));
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['FABRIKAM\\adm-x']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of(), findings(doc, "OPERATOR_NOT_DELEGABLE").stream().map(f -> f.path("host").asText())
                .toList(), "contoso's adm-x is not FABRIKAM's");
        List<String> notFound = findings(doc, "OPERATOR_NOT_FOUND").stream()
                .map(f -> f.path("host").asText() + ": " + f.path("message").asText()).toList();
        assertEquals(1, notFound.size(), notFound.toString());
        assertTrue(notFound.get(0).startsWith("FABRIKAM\\adm-x: policy.operators names 'FABRIKAM\\adm-x', but no user"
                + " or group of that name or DN exists under " + FABRIKAM + " (fabrikam)"), notFound.toString());
        assertFalse(notFound.get(0).contains(TestDirectory.BASE), notFound.toString());
    }

    /**
     * HVC1 (contoso) lists the file server NAS01 and the node FB61, both computers of fabrikam, and the nodes delegate
     * to them: HOST_NOT_FOUND hinted at a name or a permission problem the tool had ruled out, never saying that classic
     * delegation cannot reach another domain, and STALE_DELEGATION called the configured hosts "not a peer" (see
     * policy.migrationGroups) and FB61 "no node of a configured cluster". HOST_NOT_FOUND now says what storage and
     * moves across the boundary take, and that the tool does not audit that host; the entries are not STALE_DELEGATION.
     */
    @Test
    void aFileServerOrNodeOfAnotherDirectoryIsToldApartFromAMissingHost() throws Exception {
        for (String name : List.of("NAS01", "FB61")) {
            fabrikam.add(new Entry("dn: CN=" + name + ",OU=Hyper-V," + FABRIKAM, "objectClass: top",
                    "objectClass: user", "objectClass: computer", "cn: " + name, "sAMAccountName: " + name + "$",
                    "dNSHostName: " + name.toLowerCase(java.util.Locale.ROOT) + ".fabrikam.com",
                    "userAccountControl: " + (4096 | 0x1000000), "servicePrincipalName: HOST/" + name,
                    "servicePrincipalName: HOST/" + name.toLowerCase(java.util.Locale.ROOT) + ".fabrikam.com",
                    "msDS-AllowedToDelegateTo: cifs/hv01.contoso.com"));
        }
        contoso.modify("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, new Modification(ModificationType.ADD,
                "msDS-AllowedToDelegateTo", "cifs/nas01.fabrikam.com", "cifs/fb61.fabrikam.com"));
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("    nodes: [HV01, HV02, HV03]\n",
                "    nodes: [HV01, HV02, HV03, FB61]\n    fileServers: [NAS01]\n"));
        run(cfg, "json");
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        Map<String, JsonNode> notFound = new java.util.HashMap<>();
        findings(doc, "HOST_NOT_FOUND").forEach(f -> notFound.put(f.path("host").asText(), f));
        assertEquals(java.util.Set.of("NAS01", "FB61"), notFound.keySet(), notFound.toString());
        for (JsonNode f : notFound.values()) {
            String host = f.path("host").asText();
            String text = f.path("message").asText() + " " + f.path("remediation").asText();
            assertTrue(text.contains("lassic constrained delegation (msDS-AllowedToDelegateTo) cannot cross domains"),
                    text);
            assertTrue(text.contains("resource-based delegation on " + host
                    + " (msDS-AllowedToActOnBehalfOfOtherIdentity) allowing HVC1's nodes"), text);
            assertFalse(text.contains("may not read it"), "the tool found it in fabrikam: " + text);
        }
        assertTrue(notFound.get("NAS01").path("message").asText().contains("the tool does not audit a file server of"
                + " another directory"), notFound.get("NAS01").toString());
        List<JsonNode> stale = findings(doc, "STALE_DELEGATION");
        assertEquals(List.of(), stale.stream().map(f -> f.path("host").asText() + " " + f.path("spn").asText())
                .toList(), stale.toString());
    }

    /**
     * An operator of the second domain, named by its UPN, its DN or only its sAMAccountName, is looked up where it
     * lives: fabrikam's admin marked "sensitive and cannot be delegated" is OPERATOR_NOT_DELEGABLE, not "not found
     * under DC=contoso,DC=com". A name no directory holds is not found in either.
     */
    @Test
    void operatorsOfTheSecondDomainAreResolvedInIt() throws Exception {
        fabrikam.add(new Entry("dn: CN=adm-fab,OU=Hyper-V," + FABRIKAM, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: adm-fab", "sAMAccountName: adm-fab",
                "userPrincipalName: adm-fab@fabrikam.com", "userAccountControl: " + (0x200 | 0x100000)));
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['adm-fab@fabrikam.com',"
                + " 'CN=adm-fab,OU=Hyper-V," + FABRIKAM + "', 'adm-fab', 'nobody']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        List<String> notDelegable = findings(doc, "OPERATOR_NOT_DELEGABLE").stream()
                .map(f -> f.path("host").asText() + ": " + f.path("message").asText()).toList();
        assertEquals(List.of("adm-fab: Operator adm-fab is marked 'Account is sensitive and cannot be delegated': live"
                + " migrations it starts remotely fail, because no host may delegate its credentials."), notDelegable,
                "the UPN, the DN and the sAMAccountName name one account");
        List<String> notFound = findings(doc, "OPERATOR_NOT_FOUND").stream()
                .map(f -> f.path("host").asText() + ": " + f.path("message").asText()).toList();
        assertEquals(List.of("nobody: policy.operators names 'nobody', but no user or group of that name or DN exists"
                + " under " + TestDirectory.BASE + " (contoso) or " + FABRIKAM + " (fabrikam), so its accounts were not"
                + " checked."), notFound);
    }

    /**
     * Each domain has its own Protected Users, {@code <its SID>-525}: fabrikam's operator in fabrikam's Protected Users
     * (through a group nested in it) is OPERATOR_NOT_DELEGABLE, though contoso's Protected Users, and a group of
     * fabrikam that bears contoso's RID-525 SID, do not hold it; contoso's operator in neither domain's is delegable.
     */
    @Test
    void eachDomainsOperatorsAreJudgedByItsOwnProtectedUsers() throws Exception {
        contoso.modify(TestDirectory.BASE, new Modification(ModificationType.ADD, "objectSid",
                Sids.toBytes(Hosts.DOMAIN_SID)));
        fabrikam.modify(FABRIKAM, new Modification(ModificationType.ADD, "objectSid", Sids.toBytes(FABRIKAM_SID)));
        contoso.add(new Entry("dn: CN=adm-con,OU=Hyper-V," + TestDirectory.BASE, "objectClass: top",
                "objectClass: person", "objectClass: user", "cn: adm-con", "sAMAccountName: adm-con",
                "userAccountControl: 512"));
        fabrikam.add(new Entry("dn: CN=adm-fab,OU=Hyper-V," + FABRIKAM, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: adm-fab", "sAMAccountName: adm-fab", "userAccountControl: 512"));
        Entry tier0 = new Entry("dn: CN=Tier0,OU=Hyper-V," + FABRIKAM, "objectClass: top", "objectClass: group",
                "cn: Tier0", "sAMAccountName: Tier0", "member: CN=adm-fab,OU=Hyper-V," + FABRIKAM);
        tier0.addAttribute("objectSid", Sids.toBytes(FABRIKAM_SID + "-1500"));
        fabrikam.add(tier0);
        Entry fabProtected = new Entry("dn: CN=Protected Users,OU=Hyper-V," + FABRIKAM, "objectClass: top",
                "objectClass: group", "cn: Protected Users", "sAMAccountName: Protected Users",
                "member: CN=Tier0,OU=Hyper-V," + FABRIKAM);
        fabProtected.addAttribute("objectSid", Sids.toBytes(FABRIKAM_SID + "-525"));
        fabrikam.add(fabProtected);
        Entry decoy = new Entry("dn: CN=Not Protected Users,OU=Hyper-V," + FABRIKAM, "objectClass: top",
                "objectClass: group", "cn: Not Protected Users", "sAMAccountName: Not Protected Users");
        decoy.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-525"));
        fabrikam.add(decoy);
        Entry conProtected = new Entry("dn: CN=Protected Users,OU=Hyper-V," + TestDirectory.BASE,
                "objectClass: top", "objectClass: group", "cn: Protected Users", "sAMAccountName: Protected Users",
                "member: CN=Tier9,OU=Hyper-V," + TestDirectory.BASE);
        conProtected.addAttribute("objectSid", Sids.toBytes(Hosts.DOMAIN_SID + "-525"));
        contoso.add(conProtected);
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['adm-fab', 'adm-con']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        List<JsonNode> notDelegable = findings(CliRun.findings(tmp.resolve("out")), "OPERATOR_NOT_DELEGABLE");
        assertEquals(List.of("adm-fab: Operator adm-fab is in Protected Users: live migrations it starts remotely fail,"
                + " because no host may delegate its credentials."), notDelegable.stream()
                .map(f -> f.path("host").asText() + ": " + f.path("message").asText()).toList());
        assertTrue(notDelegable.get(0).path("evidence").path("protectedUsers").asBoolean(), notDelegable.toString());
    }

    /** A user of {@code ds} under OU=Hyper-V of {@code base} with its objectSid, and its accountExpires if not null. */
    private static void user(InMemoryDirectoryServer ds, String base, String name, String sid, int uac,
                             String accountExpires) throws Exception {
        Entry e = new Entry("dn: CN=" + name + ",OU=Hyper-V," + base, "objectClass: top", "objectClass: person",
                "objectClass: user", "cn: " + name, "sAMAccountName: " + name, "userAccountControl: " + uac);
        e.addAttribute("objectSid", Sids.toBytes(sid));
        if (accountExpires != null) {
            e.addAttribute("accountExpires", accountExpires);
        }
        ds.add(e);
    }

    /** A group of {@code ds} under OU=Hyper-V of {@code base} with its objectSid and members. */
    private static void group(InMemoryDirectoryServer ds, String base, String name, String sid, String... members)
            throws Exception {
        Entry g = new Entry("dn: CN=" + name + ",OU=Hyper-V," + base, "objectClass: top", "objectClass: group",
                "cn: " + name, "sAMAccountName: " + name);
        g.addAttribute("objectSid", Sids.toBytes(sid));
        if (members.length > 0) {
            g.addAttribute("member", members);
        }
        ds.add(g);
    }

    /** A foreign security principal of contoso for {@code sid}: its DN. */
    private String foreignPrincipal(String sid) throws Exception {
        String dn = "CN=" + sid + ",CN=ForeignSecurityPrincipals," + TestDirectory.BASE;
        Entry fsp = new Entry("dn: " + dn, "objectClass: top", "objectClass: foreignSecurityPrincipal", "cn: " + sid);
        fsp.addAttribute("objectSid", Sids.toBytes(sid));
        contoso.add(fsp);
        return dn;
    }

    /**
     * Members of contoso's operator group from fabrikam, another configured directory, are looked up and judged there,
     * as a name of fabrikam in policy.operators is: by SID (a foreign security principal, an account of a trusted
     * domain) or by DN (another domain of the forest), a group of fabrikam expanded there. fabrikam's sensitive
     * account and the one in fabrikam's Protected Users are OPERATOR_NOT_DELEGABLE; its disabled and its expired
     * sensitive accounts start no migration and are no finding, as members of this domain. A member of fabrikam's group
     * that is contoso's (a foreign security principal there) is asked of contoso in turn. Only the members no
     * configured directory holds stay OPERATOR_NOT_FOUND, not checked: a SID of a domain not configured, and a SID of
     * fabrikam's domain that fabrikam does not hold (a deleted account).
     */
    @Test
    void membersOfAnOperatorGroupFromAnotherConfiguredDirectoryAreJudgedThere() throws Exception {
        contoso.modify(TestDirectory.BASE, new Modification(ModificationType.ADD, "objectSid",
                Sids.toBytes(Hosts.DOMAIN_SID)));
        fabrikam.modify(FABRIKAM, new Modification(ModificationType.ADD, "objectSid", Sids.toBytes(FABRIKAM_SID)));
        // RIDs 0x0D10.. whose bytes are ASCII: without a schema, the in-memory server compares objectSid as a string, and
        // bytes of 0x80 and more that are no UTF-8 all read alike
        user(fabrikam, FABRIKAM, "adm-sens", FABRIKAM_SID + "-3344", 0x200 | 0x100000, null);
        user(fabrikam, FABRIKAM, "adm-prot", FABRIKAM_SID + "-3345", 0x200, null);
        user(fabrikam, FABRIKAM, "adm-off", FABRIKAM_SID + "-3346", 0x202 | 0x100000, null);
        user(fabrikam, FABRIKAM, "adm-exp", FABRIKAM_SID + "-3347", 0x200 | 0x100000,
                fileTime("2020-01-01T00:00:00Z"));
        user(fabrikam, FABRIKAM, "ops-fab", FABRIKAM_SID + "-3348", 0x200, null);
        user(fabrikam, FABRIKAM, "adm-nested", FABRIKAM_SID + "-3349", 0x200 | 0x100000, null);
        // and back in contoso: a sensitive account of contoso, a foreign security principal in fabrikam
        String back = Hosts.DOMAIN_SID + "-3344";
        user(contoso, TestDirectory.BASE, "adm-back", back, 0x200 | 0x100000, null);
        fabrikam.add(new Entry("dn: CN=ForeignSecurityPrincipals," + FABRIKAM, "objectClass: container",
                "cn: ForeignSecurityPrincipals"));
        Entry backFsp = new Entry("dn: CN=" + back + ",CN=ForeignSecurityPrincipals," + FABRIKAM, "objectClass: top",
                "objectClass: foreignSecurityPrincipal", "cn: " + back);
        backFsp.addAttribute("objectSid", Sids.toBytes(back));
        fabrikam.add(backFsp);
        group(fabrikam, FABRIKAM, "Fab Movers", FABRIKAM_SID + "-3350", "CN=ops-fab,OU=Hyper-V," + FABRIKAM,
                "CN=adm-nested,OU=Hyper-V," + FABRIKAM, backFsp.getDN());
        group(fabrikam, FABRIKAM, "Protected Users", FABRIKAM_SID + "-525", "CN=adm-prot,OU=Hyper-V," + FABRIKAM);
        contoso.add(new Entry("dn: CN=ForeignSecurityPrincipals," + TestDirectory.BASE, "objectClass: container",
                "cn: ForeignSecurityPrincipals"));
        String untrusted = "S-1-5-21-1111-2222-3333-1104";
        String deleted = FABRIKAM_SID + "-3351";
        user(contoso, TestDirectory.BASE, "ops-con", Hosts.DOMAIN_SID + "-3500", 0x200, null);
        group(contoso, TestDirectory.BASE, "HV Movers", Hosts.DOMAIN_SID + "-3501",
                "CN=ops-con,OU=Hyper-V," + TestDirectory.BASE, foreignPrincipal(FABRIKAM_SID + "-3344"),
                foreignPrincipal(FABRIKAM_SID + "-3345"), foreignPrincipal(FABRIKAM_SID + "-3346"),
                foreignPrincipal(FABRIKAM_SID + "-3347"), "CN=Fab Movers,OU=Hyper-V," + FABRIKAM,
                foreignPrincipal(untrusted), foreignPrincipal(deleted));
        Path cfg = config(fabrikamUrl(), "[]");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['HV Movers']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("out"));
        assertEquals(List.of("adm-back: userAccountControl", "adm-nested: userAccountControl", "adm-prot: memberOf",
                        "adm-sens: userAccountControl"),
                findings(doc, "OPERATOR_NOT_DELEGABLE").stream().map(f -> f.path("host").asText() + ": "
                        + f.path("evidence").path("attribute").asText()).sorted().toList());
        assertTrue(findings(doc, "OPERATOR_NOT_DELEGABLE").stream().allMatch(f -> f.path("message").asText()
                .contains("(through HV Movers)")), doc.toString());
        List<JsonNode> notFound = findings(doc, "OPERATOR_NOT_FOUND");
        assertEquals(1, notFound.size(), notFound.toString());
        assertEquals(List.of(untrusted, deleted), texts(notFound.get(0).path("evidence").path("actual")));
    }

    /** While the directory that may hold an operator cannot be read, OPERATOR_NOT_FOUND says so. */
    @Test
    void anOperatorNotFoundWhileADirectoryIsNotReadSaysWhereItWasNotLookedUp() throws Exception {
        int closed;
        closed = org.kcdauditor.support.ClosedPort.refusing();
        Path cfg = config("ldap://127.0.0.1:" + closed, "[]", "optional: true");
        Files.writeString(cfg, Files.readString(cfg).replace("store:", "  operators: ['adm-fab@fabrikam.com']\nstore:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        List<String> notFound = findings(CliRun.findings(tmp.resolve("out")), "OPERATOR_NOT_FOUND").stream()
                .map(f -> f.path("message").asText()).toList();
        assertEquals(List.of("policy.operators names 'adm-fab@fabrikam.com', but no user or group of that name or DN"
                + " exists under " + TestDirectory.BASE + " (contoso) (not looked up in fabrikam, which could not be"
                + " read), so its accounts were not checked."), notFound);
    }

    /**
     * The store keeps every cluster a run did not audit, however many the configuration holds and however long their
     * names: a cut list (it was cut at 2,000 characters) had the next run take the clusters beyond the cut as audited,
     * and tell their nodes as new and their findings as resolved.
     */
    @Test
    void everyClusterARunDidNotAuditIsKeptWhateverTheirNumber() throws Exception {
        int closed = org.kcdauditor.support.ClosedPort.refusing();
        Set<String> names = new TreeSet<>(IntStream.rangeClosed(1, 120)
                .mapToObj(i -> String.format("FABRIKAM-WEST-CLUSTER-%03d", i)).toList());
        Path cfg = config("ldap://127.0.0.1:" + closed, "[]", "optional: true");
        StringBuilder more = new StringBuilder();
        names.forEach(n -> more.append("  - name: ").append(n).append("\n    directory: fabrikam\n    nodes: [HV")
                .append(n.substring(n.length() - 3)).append("]\n"));
        Files.writeString(cfg, Files.readString(cfg).replace("policy:", more + "policy:"));
        CliRun r = run(cfg, "json");
        assertEquals(0, r.exitCode(), r.toString());
        String runId = CliRun.findings(tmp.resolve("out")).path("runId").asText();
        try (RunStore store = RunStore.open("jdbc:h2:file:" + tmp.resolve("data/kcd-audit"), null, null)) {
            Set<String> expected = new TreeSet<>(names);
            expected.add("HVC2");
            assertEquals(expected, new TreeSet<>(store.unaudited(runId)));
        }
    }

    /** The cells of out/audit.xlsx's Runbook sheet, one per line. */
    private String runbookSheet() throws Exception {
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook wb = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                tmp.resolve("out/audit.xlsx").toFile())) {
            StringBuilder sb = new StringBuilder();
            wb.getSheet("Runbook").forEach(r -> r.forEach(c -> sb.append(c.toString()).append('\n')));
            return sb.toString();
        }
    }
}
