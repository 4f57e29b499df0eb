package org.kcdauditor.report;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kcdauditor.model.Finding;
import org.kcdauditor.model.Severity;
import org.kcdauditor.remedy.Action;
import org.kcdauditor.support.ClosedPort;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.TestDirectory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generated scenarios beside the hand-written ones of {@link ScenarioOutputsAgreeTest}: for each fixed seed, a small
 * AD-shaped directory (1–3 clusters of 2–5 nodes) with delegation entries missing or stale, a duplicate SPN, RC4-only
 * or AES encryption types, a disabled node, waivers active and expired in a baseline, a host-settings import with
 * CredSSP, and sometimes a cluster in an optional directory that is down. The real {@code run} writes every output;
 * read back, they must tell one story: open findings per severity and waived ({@link ScenarioOutputsAgreeTest}), and
 * per cluster its pairs OK, GO/NO-GO and failing directions, the decision sentence, the objects to change, the
 * decisions, and a runbook whose steps are exactly the remedies of the failing directions.
 */
class GeneratedOutputsAgreeTest {
    private static final String MIG = Hosts.MIG;

    @TempDir
    Path tmp;

    /** What the generator made, for the assertion messages: one line per choice. */
    private final List<String> made = new ArrayList<>();

    /** Seeds 1-16, and 86: the first that found a disagreement (a host setting alone: "Objects to change: ."). */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 86})
    void everyOutputTellsTheSameStory(long seed) throws Exception {
        Random rnd = new Random(seed);
        InMemoryDirectoryServer ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        ScenarioOutputsAgreeTest.Outputs o;
        try {
            o = ScenarioOutputsAgreeTest.run(tmp, generate(rnd, ds), "out", null);
        } finally {
            ds.shutDown(true);
        }
        String scenario = "seed " + seed + ": " + String.join("; ", made);
        try {
            ScenarioOutputsAgreeTest.assertAgree(o);
            assertClustersAgree(o);
            assertDecisionsAndObjectsAgree(o);
            assertRunbookCoversTheFailingDirections(o);
        } catch (AssertionError e) {
            throw new AssertionError(scenario + "\n" + e.getMessage(), e);
        }
    }

    /** Builds one scenario into {@code ds} and beside the config; returns the config. */
    private Path generate(Random rnd, InMemoryDirectoryServer ds) throws Exception {
        List<List<String>> clusters = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int c = 0; c < n; c++) {
            List<String> nodes = new ArrayList<>();
            int size = 2 + rnd.nextInt(4);
            for (int i = 1; i <= size; i++) {
                nodes.add(String.format("G%c%02d", (char) ('A' + c), i));
            }
            TestDirectory.addCluster(ds, TestDirectory.BASE, Hosts.DOMAIN_SID, 2000 + 100 * c, nodes);
            clusters.add(nodes);
        }
        made.add("clusters " + clusters);
        List<String> all = clusters.stream().flatMap(List::stream).toList();
        List<String[]> missing = new ArrayList<>();
        for (List<String> c : clusters) {
            for (String from : c) {
                for (String to : c) {
                    if (!from.equals(to) && rnd.nextInt(100) < 15) {
                        List<String> gone = pick(rnd, List.of("cifs/" + to, "cifs/" + fqdn(to), MIG + "/" + to,
                                MIG + "/" + fqdn(to)));
                        ds.modify(dn(from), new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo",
                                gone.toArray(String[]::new)));
                        missing.add(new String[]{from, to});
                        made.add(from + " lacks " + gone);
                    }
                }
            }
        }
        if (rnd.nextInt(100) < 35) {
            String h = any(rnd, all);
            ds.modify(dn(h), new Modification(ModificationType.ADD, "msDS-AllowedToDelegateTo", "cifs/OLD01",
                    "cifs/" + fqdn("OLD01")));
            made.add(h + " delegates to OLD01 (stale)");
        }
        if (rnd.nextInt(100) < 35) {
            String h = any(rnd, all);
            String spn = MIG + "/" + fqdn(h);
            ds.add(new Entry("dn: CN=Users," + TestDirectory.BASE, "objectClass: container", "cn: Users"));
            ds.add(new Entry("dn: CN=svc-dup,CN=Users," + TestDirectory.BASE, "objectClass: user", "cn: svc-dup",
                    "sAMAccountName: svc-dup", "servicePrincipalName: " + spn));
            made.add("svc-dup also holds " + spn);
        }
        for (String h : all) {
            int e = rnd.nextInt(10);
            if (e < 2) {
                ds.modify(dn(h), new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "4"));
                made.add(h + " RC4 only");
            } else if (e < 5) {
                ds.modify(dn(h), new Modification(ModificationType.REPLACE, "msDS-SupportedEncryptionTypes", "24"));
            }
        }
        if (rnd.nextInt(100) < 30) {
            String h = any(rnd, all);
            ds.modify(dn(h), new Modification(ModificationType.REPLACE, "userAccountControl",
                    String.valueOf(16781312 | 2)));
            made.add(h + " disabled");
        }
        StringBuilder extra = new StringBuilder();
        if (rnd.nextBoolean()) {
            extra.append("baseline: baseline.yaml\n");
            Files.writeString(tmp.resolve("baseline.yaml"), baseline(rnd, all, missing));
        }
        if (rnd.nextBoolean()) {
            StringBuilder csv = new StringBuilder("\"ComputerName\",\"VirtualMachineMigrationEnabled\","
                    + "\"VirtualMachineMigrationAuthenticationType\"\n");
            String credSsp = any(rnd, all);
            String off = rnd.nextInt(3) == 0 ? any(rnd, all) : null;
            for (String h : all) {
                csv.append('"').append(h).append("\",\"").append(h.equals(off) ? "False" : "True").append("\",\"")
                        .append(h.equals(credSsp) ? "CredSSP" : "Kerberos").append("\"\n");
            }
            Files.writeString(tmp.resolve("vmhost.csv"), csv);
            extra.append("hostSettings:\n  sources: [\"vmhost.csv\"]\n");
            made.add("host settings: " + credSsp + " CredSSP" + (off == null ? "" : ", " + off + " migration off"));
        }
        boolean down = rnd.nextInt(100) < 25;
        if (down) {
            made.add("HVZ in fabrikam, optional and down");
        }
        return config(ds, clusters, down, extra.toString());
    }

    /** A baseline documenting no host, with waivers: some active, some expired, on what the generator broke. */
    private String baseline(Random rnd, List<String> all, List<String[]> missing) {
        StringBuilder b = new StringBuilder("capturedAt: 2026-11-01T06:00:00Z\nhosts: {}\nwaivers:\n");
        int waivers = 0;
        for (String[] m : missing) {
            if (rnd.nextInt(100) < 40) {
                String expires = rnd.nextBoolean() ? "2027-06-30" : "2026-01-31";
                b.append("  - rule: MISSING_DELEGATION\n    host: ").append(m[0]).append("\n    peer: ").append(m[1])
                        .append("\n    justification: \"CHG").append(100 + waivers).append("\"\n    expires: ")
                        .append(expires).append('\n');
                made.add("waiver MISSING_DELEGATION " + m[0] + " -> " + m[1] + " until " + expires);
                waivers++;
            }
        }
        for (String h : all) {
            if (rnd.nextInt(100) < 30) {
                b.append("  - rule: BASELINE_HOST_NEW\n    host: ").append(h)
                        .append("\n    justification: \"joined\"\n    expires: 2027-06-30\n");
                waivers++;
            }
        }
        if (waivers == 0) {
            b.append("  - rule: STALE_DELEGATION\n    host: ").append(any(rnd, all))
                    .append("\n    justification: \"refresh\"\n    expires: 2026-03-31\n");
        }
        made.add("baseline with " + waivers + " waivers");
        return b.toString();
    }

    private Path config(InMemoryDirectoryServer ds, List<List<String>> clusters, boolean down, String extra)
            throws Exception {
        String account = "bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD\n"
                + "  allowInsecureBind: true\n  timeoutSeconds: 5\n";
        StringBuilder y = new StringBuilder();
        if (down) {
            String indented = "    " + account.replace("\n  ", "\n    ");
            y.append("directories:\n  contoso:\n    url: ldap://127.0.0.1:").append(ds.getListenPort())
                    .append("\n    baseDn: ").append(TestDirectory.BASE).append('\n').append(indented)
                    .append("  fabrikam:\n    url: ldap://127.0.0.1:").append(ClosedPort.refusing())
                    .append("\n    baseDn: DC=fabrikam,DC=com\n    optional: true\n").append(indented);
        } else {
            y.append("directory:\n  url: ldap://127.0.0.1:").append(ds.getListenPort()).append("\n  baseDn: ")
                    .append(TestDirectory.BASE).append("\n  ").append(account);
        }
        y.append("clusters:\n");
        for (int i = 0; i < clusters.size(); i++) {
            y.append("  - name: HVC").append(i + 1).append(down ? "\n    directory: contoso" : "")
                    .append("\n    nodes: [").append(String.join(", ", clusters.get(i))).append("]\n");
        }
        if (down) {
            y.append("  - name: HVZ\n    directory: fabrikam\n    nodes: [HVZ01, HVZ02]\n");
        }
        y.append("store:\n  url: jdbc:h2:file:data/kcd-audit\n").append(extra);
        Path cfg = tmp.resolve("kcd-audit.yaml");
        Files.writeString(cfg, y.toString());
        return cfg;
    }

    /**
     * Per cluster: the console's row, the PDF's row and page 1, the workbook's Summary row and the mail's lines give
     * findings.json's pairs OK, verdict, open findings and failing directions.
     */
    private static void assertClustersAgree(ScenarioOutputsAgreeTest.Outputs o) {
        FindingsDocument doc = o.doc();
        XSSFSheet summary = o.xlsx().getSheet("Summary");
        List<String> cols = new ArrayList<>();
        ScenarioOutputsAgreeTest.row(summary, "Cluster").forEach(c -> cols.add(c.getStringCellValue()));
        int shown = 0;
        int shownNoGo = 0;
        for (FindingsDocument.ClusterDoc c : doc.clusters()) {
            ReportView.ClusterView v = o.view().cluster(c.name());
            String verdict = c.go() ? "GO" : "NO-GO";
            assertEquals(c.go(), v.go(), c.name() + ": findings.json vs the view");
            int onPage = o.page1().indexOf(" " + c.name() + " " + verdict + " ");
            if (onPage >= 0) {
                shown++;
                shownNoGo += c.go() ? 0 : 1;
            }
            Row row = ScenarioOutputsAgreeTest.row(summary, c.name());
            assertEquals(verdict, row.getCell(cols.indexOf("Patch window")).getStringCellValue(), "workbook " + c.name());
            if (Boolean.FALSE.equals(c.audited())) {
                continue;
            }
            String hmli = v.counts().open(Severity.HIGH) + " +" + v.counts().open(Severity.MEDIUM) + " +"
                    + v.counts().open(Severity.LOW) + " +" + v.counts().open(Severity.INFO);
            // the node pairs apart from the paths to a file server, each counted from the cluster's matrix
            List<FindingsDocument.PairDoc> toServers = c.matrix().stream().filter(FindingsDocument.PairDoc::fileServer)
                    .toList();
            int serversOk = (int) toServers.stream().filter(FindingsDocument.PairDoc::passes).count();
            String nodes = (c.pairsOk() - serversOk) + "/" + (c.pairs() - toServers.size());
            String words = nodes + " node pairs OK" + (toServers.isEmpty() ? ""
                    : ", " + serversOk + "/" + toServers.size() + " file-server paths OK");
            assertTrue(Pattern.compile("\\n" + c.name() + " +\\d+ +" + nodes + " .* " + hmli
                    + "\\n").matcher(o.console()).find(), "console row of " + c.name() + ": " + o.console());
            assertTrue(Pattern.compile(c.name() + "(?: \\(\\w+\\))? \\d+ " + nodes + " .* " + verdict + " "
                    + hmli.replace(" +", " ?/ ?")).matcher(o.pdf()).find(), "PDF row of " + c.name() + " ("
                    + nodes + ", " + verdict + ", " + hmli + "): " + o.pdf());
            assertEquals(c.pairsOk() - serversOk, (int) row.getCell(cols.indexOf("Node pairs OK"))
                    .getNumericCellValue(), "workbook node pairs OK " + c.name());
            assertEquals(serversOk, (int) row.getCell(cols.indexOf("File-server paths OK")).getNumericCellValue(),
                    "workbook file-server paths OK " + c.name());
            for (int i = 0; i < 4; i++) {
                assertEquals(v.counts().open(Severity.values()[i]), (int) row.getCell(cols.indexOf("HIGH") + i)
                        .getNumericCellValue(), "workbook " + c.name() + " " + Severity.values()[i]);
            }
            assertTrue(o.mail().contains("- " + c.name() + ": " + verdict + ", " + words), "mail: " + c.name() + " "
                    + o.mail());
            List<String> failing = c.matrix().stream().filter(p -> !p.passes()).map(p -> p.from() + " -> " + p.to())
                    .toList();
            assertEquals(failing, v.failing().stream().map(ReportView.Cell::direction).toList(), c.name());
            assertEquals(String.join(", ", failing), row.getCell(cols.indexOf("Failing directions"))
                    .getStringCellValue(), "workbook failing directions of " + c.name());
            if (!failing.isEmpty()) {
                assertTrue(o.mail().contains("failing: " + String.join(", ", failing)), "mail failing directions of "
                        + c.name() + ": " + o.mail());
            }
            if (onPage >= 0) {
                // page 1's row: its figures, each with what it counts, then the first failing directions and how
                // many more
                Matcher pageRow = Pattern.compile(" " + c.name() + " " + verdict + " (?:after the change: [^/]*? )?"
                        + nodes + " node pairs " + (toServers.isEmpty() ? "" : serversOk + "/" + toServers.size()
                        + " paths to file servers ") + "(?:([^\\s,]+→[^\\s,]+(?: \\(W\\))?(?:, [^\\s,]+→[^\\s,]+(?: \\(W\\))?)*)(?:, … and (\\d+) more)? )?")
                        .matcher(o.page1());
                assertTrue(pageRow.find(onPage), "page 1 row of " + c.name() + ": " + o.page1());
                List<String> named = pageRow.group(1) == null ? List.of()
                        : List.of(pageRow.group(1).replace(" (W)", "").replace("→", " -> ").split(", "));
                int more = pageRow.group(2) == null ? 0 : Integer.parseInt(pageRow.group(2));
                assertEquals(failing.subList(0, named.size()), named, "page 1 failing directions of " + c.name());
                assertEquals(failing.size(), named.size() + more, "page 1 failing directions of " + c.name() + " " + failing
                        + ": " + o.page1());
            }
            assertEquals(v.waivedFailing().size(), (int) row.getCell(cols.indexOf("Waived, still failing"))
                    .getNumericCellValue(), "workbook waived, still failing " + c.name());
        }
        // page 1 names the first clusters and counts the others
        Matcher more = Pattern.compile("… and (\\d+) more clusters?: (\\d+) NO-GO, (\\d+) GO").matcher(o.page1());
        boolean counted = more.find();
        assertEquals(doc.clusters().size(), shown + (counted ? Integer.parseInt(more.group(1)) : 0), o.page1());
        assertEquals(o.view().clustersNoGo(), shownNoGo + (counted ? Integer.parseInt(more.group(2)) : 0), o.page1());
    }

    /** Objects to change and findings that need a decision: the PDF, page 1, the workbook, the runbook, the mail. */
    private static void assertDecisionsAndObjectsAgree(ScenarioOutputsAgreeTest.Outputs o) {
        ReportView view = o.view();
        int objects = view.plan().objectsChanged();
        int decisions = view.decisions().size();
        XSSFSheet summary = o.xlsx().getSheet("Summary");
        assertEquals(objects, (int) ScenarioOutputsAgreeTest.row(summary, "Objects the change touches").getCell(1)
                .getNumericCellValue(), "workbook objects");
        assertEquals(decisions, (int) ScenarioOutputsAgreeTest.row(summary, "Findings that need a decision")
                .getCell(1).getNumericCellValue(), "workbook decisions");
        List<String> objectLine = o.md().lines().filter(l -> l.startsWith("Objects to change: ")).toList();
        if (objects == 0) {
            assertTrue(objectLine.isEmpty(), "runbook.md: " + objectLine);
        } else {
            assertEquals(1, objectLine.size(), o.md());
            assertEquals(view.plan().objectNames(), List.of(objectLine.get(0).replace("\\", "")
                    .substring("Objects to change: ".length()).replaceAll("\\.$", "").split(", ")), "runbook.md objects");
            assertTrue(o.pdf().contains("update " + Words.plural(objects, "object") + " in Active Directory"), o.pdf());
            assertTrue(o.page1().contains("The proposed change: " + Words.plural(objects, "object")
                    + " in Active Directory"), o.page1());
        }
        int md = o.md().indexOf(". Needs a decision");
        String decide = md < 0 ? "" : o.md().substring(md, o.md().indexOf("## Sign-off"));
        assertEquals(decisions, decide.lines().filter(l -> l.startsWith("- **")).count(), "runbook.md decisions: "
                + decide);
        assertEquals(decisions, o.html().split("<div class=\"card\"><span class=\"sev ", -1).length - 1,
                "runbook.html decisions");
        if (decisions > 0) {
            assertTrue(o.pdf().contains(Words.plural(decisions, "finding") + (decisions == 1 ? " needs" : " need")
                    + " an administrator's decision"), "PDF decisions: " + o.pdf());
            assertTrue(o.mail().contains(decisions + (decisions == 1 ? " needs" : " need") + " a decision"),
                    "mail decisions: " + o.mail());
        }
        long noGo = view.clustersNoGo();
        String sentence = ReportView.decision(noGo, view.clusters().size(), view.clusters().get(0).name());
        for (String out : List.of(o.console(), o.page1(), o.mail())) {
            assertTrue(out.contains(sentence), sentence + " in " + out);
        }
    }

    /**
     * The runbook's steps are exactly the remedies of the failing directions: every delegation entry it adds is one a
     * failing direction's open blocker asks for, and every such entry is added (or its finding is a decision); the
     * test moves are the failing directions the change fixes (and passing ones from a host whose mode changes); the
     * same commands are in runbook.md, remediation.ps1 and the workbook's Runbook sheet.
     */
    private static void assertRunbookCoversTheFailingDirections(ScenarioOutputsAgreeTest.Outputs o) {
        ReportView view = o.view();
        RemediationPlan plan = view.plan();
        Set<String> asked = new TreeSet<>();
        Set<String> fixed = new TreeSet<>();
        Set<String> onHost = new TreeSet<>();
        for (ReportView.ClusterView c : view.clusters()) {
            for (ReportView.Cell cell : c.failing()) {
                if (cell.fixedByChange()) {
                    fixed.add(cell.from() + " → " + cell.to());
                }
                for (ReportView.BlockerView b : cell.blockers()) {
                    Finding f = b.finding();
                    if (f == null || f.isWaived()) {
                        continue;
                    }
                    assertTrue(plan.settles(f.id()) || plan.staysOpen(f.id()), "an open blocker of " + cell.direction()
                            + " is neither changed nor a decision: " + f.rule() + " " + f.id());
                    for (Action a : f.actions()) {
                        if (a instanceof Action.AddDelegation d && plan.settles(f.id())) {
                            d.spns().forEach(s -> asked.add(d.host() + " " + s));
                        } else if (a instanceof Action.OnHost h && plan.settles(f.id())) {
                            onHost.add(h.subject());
                        }
                    }
                }
            }
        }
        Set<String> added = new TreeSet<>();
        Matcher add = Pattern.compile("(?m)^Set-ADComputer -Identity '([^'$]+)\\$' -Add @\\{'msDS-AllowedToDelegateTo'"
                + "=@\\(([^)]*)\\)\\}").matcher(section(o.md(), Procedure.Phase.CHANGE));
        while (add.find()) {
            for (String s : add.group(2).split("','")) {
                added.add(add.group(1) + " " + s.replace("'", ""));
            }
        }
        assertEquals(asked, added, "the entries runbook.md adds are those the failing directions' open blockers ask"
                + " for");
        Set<String> moves = new TreeSet<>();
        Matcher move = Pattern.compile("(?m)^- \\[ \\] (\\S+) → (\\S+) \\(cluster [^)]+\\), on ").matcher(o.md());
        while (move.find()) {
            moves.add(move.group(1) + " → " + move.group(2));
        }
        Set<String> expected = new TreeSet<>(fixed);
        plan.validate().stream().filter(RemediationPlan.Pair::working).forEach(p -> expected.add(p.from() + " → "
                + p.to()));
        assertEquals(expected, moves, "runbook.md's test moves: the failing directions the change fixes");
        assertEquals(expected, plan.validate().stream().map(p -> p.from() + " → " + p.to())
                .collect(Collectors.toCollection(TreeSet::new)), "the plan's test moves");
        List<String> sheetCommands = new ArrayList<>();
        XSSFSheet runbook = o.xlsx().getSheet("Runbook");
        List<String> head = new ArrayList<>();
        runbook.getRow(0).forEach(c -> head.add(c.getStringCellValue()));
        for (int i = 1; i <= runbook.getLastRowNum(); i++) {
            var cell = runbook.getRow(i).getCell(head.indexOf("Command"));
            sheetCommands.add(cell == null ? "" : cell.getStringCellValue());
        }
        for (Procedure.Step s : view.procedure().steps(Procedure.Phase.CHANGE)) {
            for (String cmd : s.commands()) {
                assertTrue(o.md().contains("\n" + cmd + "\n"), "runbook.md: " + cmd);
                assertTrue(o.ps1().contains("#   " + cmd + "\n"), "remediation.ps1: " + cmd);
                assertTrue(sheetCommands.stream().anyMatch(x -> x.contains(cmd)), "Runbook sheet: " + cmd);
            }
        }
        assertEquals(plan.hasChanges(), !view.procedure().steps(Procedure.Phase.CHANGE).isEmpty()
                || !view.procedure().steps(Procedure.Phase.HOSTS).isEmpty(), "a change has steps, steps are a change");
        String onHosts = section(o.md(), Procedure.Phase.HOSTS);
        for (String host : onHost) {
            assertTrue(onHosts.contains("\n- [ ] " + host + ": "), "runbook.md's steps on the hosts: " + host + " in "
                    + onHosts);
        }
    }

    /** A phase's section of runbook.md (the change's, not the rollback's, which adds back what it removed). */
    private static String section(String md, Procedure.Phase phase) {
        int start = md.indexOf(". " + phase.title() + "\n");
        return start < 0 ? "" : md.substring(start, md.indexOf("\n## ", start));
    }

    private static String fqdn(String host) {
        return TestDirectory.fqdn(host, TestDirectory.BASE);
    }

    private static String dn(String host) {
        return "CN=" + host + ",OU=Hyper-V," + TestDirectory.BASE;
    }

    private static String any(Random rnd, List<String> from) {
        return from.get(rnd.nextInt(from.size()));
    }

    /** One to all of {@code from}, in order. */
    private static List<String> pick(Random rnd, List<String> from) {
        List<String> out = new ArrayList<>();
        while (out.isEmpty()) {
            from.stream().filter(x -> rnd.nextBoolean()).forEach(out::add);
        }
        return out;
    }
}
