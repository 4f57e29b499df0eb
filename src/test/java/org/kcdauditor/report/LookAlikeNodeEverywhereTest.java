package org.kcdauditor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig.Notify;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.directory.ReplicationMetadataTest;
import org.kcdauditor.directory.Sids;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.Hosts;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.TestDirectory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every output a person reads of a run whose OU cluster holds nodes named like others: {@code НV06} (a Cyrillic Н; a
 * Latin HV06 stands in CN=Computers) and {@code H\u200BV07} (a zero-width space), beside an object {@code НV05} holding
 * a node's SPN; {@code НV06} gains protocol transition and an entry between the two runs, and HV04's resource-based delegation comes
 * to allow it (CHANGED_SINCE_LAST_RUN: the timeline of the PDF and the workbook named the grant's principal as stored,
 * and the Hosts sheet the principals a node's grant allows); {@code НV08}'s msDS-AllowedToDelegateTo was written but
 * reads as empty, so its missing entries are one decision whose question ("look at НV08's msDS-AllowedToDelegateTo")
 * the runbooks, the PDF, the workbook and findings.json's remediation read as stored. The
 * tables, the verdict's reasons and DNS_HOST_NAME_INVALID named them by their code, while the other rules' messages,
 * the runbooks' "Not scripted" list and "Needs a decision", the PDF's proposed change, the mail's lists and the console
 * of {@code run} and {@code preflight} and the Hosts sheet's DN named them as stored ({@code НV06} reads as the Latin
 * HV06, {@code H\u200BV07} as HV07), and the runbooks' "Not scripted" list told {@code H\u200BV07} to pick "the host"
 * for its entries of {@code НV06} in ADUC's Add dialog, where the typed name finds the Latin HV06. Only the commands carry a stored name, the exact DN they act on; findings.json's
 * typed fields keep them too.
 */
class LookAlikeNodeEverywhereTest {
    static final String BASE = TestDirectory.BASE;
    static final String CYRILLIC = "\u041DV06";
    static final String INVISIBLE = "H\u200BV07";
    /** A node whose msDS-AllowedToDelegateTo was written but reads as empty: its entries are one decision. */
    static final String UNREAD = "\u041DV08";
    /** НV06's objectSid, which HV04's resource-based delegation allows from the second run on. */
    static final String CYRILLIC_SID = Hosts.DOMAIN_SID + "-3006";
    /** The other holder of HV05's SPN, named like the node; its exact DN is what the commands take. */
    static final String HOLDER_DN = "CN=\u041DV05,CN=Users," + BASE;

    @TempDir
    static Path dir;
    /** What a person reads, by output: the text of each file, the PDF's text, the workbook's cells, mail, console. */
    static final Map<String, String> read = new LinkedHashMap<>();
    static JsonNode findings;

    @BeforeAll
    static void twoRunsAndAPreflight() throws Exception {
        InMemoryDirectoryServer ds = TestDirectory.startDomain(BASE, "dc1.contoso.com");
        try {
            TestDirectory.addCluster(ds, List.of("HV04", "HV05"));
            for (String[] node : List.of(new String[]{CYRILLIC, "hv06"}, new String[]{INVISIBLE, "hv07"})) {
                ds.add(new Entry("dn: CN=" + node[0] + ",OU=Hyper-V," + BASE, "objectClass: top", "objectClass: user",
                        "objectClass: computer", "cn: " + node[0], "sAMAccountName: " + node[1].toUpperCase() + "$",
                        "dNSHostName: " + node[1] + ".contoso.com", "userAccountControl: 4096",
                        "servicePrincipalName: HOST/" + node[1] + ".contoso.com"));
            }
            ds.modify("CN=" + CYRILLIC + ",OU=Hyper-V," + BASE, new Modification(ModificationType.ADD, "objectSid",
                    Sids.toBytes(CYRILLIC_SID)));
            // a node whose entries the bind account may not read: its written attribute reads as empty
            ds.add(new Entry("dn: CN=" + UNREAD + ",OU=Hyper-V," + BASE, "objectClass: top", "objectClass: user",
                    "objectClass: computer", "cn: " + UNREAD, "sAMAccountName: HV08$",
                    "dNSHostName: hv08.contoso.com", "userAccountControl: 4096",
                    "servicePrincipalName: HOST/hv08.contoso.com"));
            for (String node : List.of("HV04", "HV05", UNREAD)) { // the collector asks for it where the first has it
                ds.modify("CN=" + node + ",OU=Hyper-V," + BASE, new Modification(ModificationType.REPLACE,
                        "msDS-ReplAttributeMetaData", ReplicationMetadataTest.xml("msDS-AllowedToDelegateTo", 3,
                        "2026-11-30T14:02:11Z", ReplicationMetadataTest.DC2)));
            }
            ds.add(new Entry("dn: CN=Computers," + BASE, "objectClass: container", "cn: Computers"));
            ds.add(new Entry("dn: CN=HV06,CN=Computers," + BASE, "objectClass: computer", "cn: HV06",
                    "sAMAccountName: XX99$", "userAccountControl: 4096"));
            ds.add(new Entry("dn: CN=Users," + BASE, "objectClass: container", "cn: Users"));
            ds.add(new Entry("dn: " + HOLDER_DN, "objectClass: user", "cn: \u041DV05", "sAMAccountName: svc-hv05",
                    "servicePrincipalName: HOST/hv05.contoso.com"));
            Path cfg = config(ds, dir);
            Map<String, String> env = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
            CliRun first = CliRun.run(env, "run", "--config", cfg.toString(), "--out", dir.resolve("out1").toString());
            assertEquals(3, first.exitCode(), first.toString());
            ds.modify("CN=" + CYRILLIC + ",OU=Hyper-V," + BASE, new Modification(ModificationType.REPLACE,
                    "userAccountControl", "16781312"), new Modification(ModificationType.ADD,
                    "msDS-AllowedToDelegateTo", "cifs/hv04.contoso.com"));
            ds.modify("CN=HV04,OU=Hyper-V," + BASE, new Modification(ModificationType.ADD,
                    "msDS-AllowedToActOnBehalfOfOtherIdentity", RbcdDescriptors.of(List.of(CYRILLIC_SID))));
            CliRun second = CliRun.run(env, "run", "--config", cfg.toString(), "--out", dir.resolve("out2").toString());
            assertEquals(3, second.exitCode(), second.toString());
            CliRun preflight = CliRun.run(env, "preflight", "--config", cfg.toString(), "--cluster", "HVC1");
            assertEquals(3, preflight.exitCode(), preflight.toString());
            read.put("run's console", second.out() + second.err());
            read.put("preflight's console", preflight.out() + preflight.err());
            findings = readOutputs(dir.resolve("out2"), dir.resolve("out1"), read);
        } finally {
            ds.shutDown(true);
        }
    }

    /** A config in {@code dir} auditing {@code ds}'s cluster HVC1 (OU=Hyper-V) with a history store. */
    static Path config(InMemoryDirectoryServer ds, Path dir) throws java.io.IOException {
        return Files.writeString(dir.resolve("kcd-audit.yaml"), "directory:\n  url: ldap://127.0.0.1:"
                + ds.getListenPort() + "\n  bindDn: " + TestDirectory.BIND_DN + "\n  passwordEnv: TEST_LDAP_PASSWORD"
                + "\n  baseDn: " + BASE + "\n  allowInsecureBind: true\n  timeoutSeconds: 5\nclusters:\n"
                + "  - name: HVC1\n    ou: OU=Hyper-V," + BASE + "\nstore:\n  url: jdbc:h2:file:data/kcd-audit\n");
    }

    /**
     * Into {@code read}, what a person reads of the run written to {@code out}: its runbooks and script, the PDF's
     * text, the workbook's cells, the mail notice against the run written to {@code earlier} (its changes and new
     * findings), and findings.json's messages and remediations; that findings.json returned.
     */
    static JsonNode readOutputs(Path out, Path earlier, Map<String, String> read) throws Exception {
        JsonNode findings = CliRun.findings(out);
        for (String f : List.of("runbook.md", "runbook.html", "remediation.ps1")) {
            read.put(f, Files.readString(out.resolve(f), StandardCharsets.UTF_8));
        }
        read.put("audit.pdf", HostileValuesTest.pdfText(out));
        read.put("audit.xlsx", HostileValuesTest.cells(out.resolve("audit.xlsx")));
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("team@contoso.com"), Map.of(), null, null, null, null, null);
        Notice notice = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily",
                Notify.ALWAYS, FindingsJson.read(out.resolve("findings.json")),
                FindingsJson.read(earlier.resolve("findings.json")).findings(), "first", null).get(0);
        read.put("mail (text)", notice.subject() + "\n" + notice.text());
        read.put("mail (HTML)", notice.html());
        List<String> sentences = new ArrayList<>();
        findings.path("findings").forEach(f -> sentences.add(f.path("message").asText() + "\n"
                + f.path("remediation").asText()));
        read.put("findings.json's messages and remediations", String.join("\n", sentences));
        return findings;
    }

    @Test
    void noOutputNamesALookAlikeObjectAsStoredOutsideTheCommandsExactDn() {
        List<String> asStored = new ArrayList<>();
        read.forEach((name, text) -> {
            // the commands act on the holder by its exact DN, quoted for PowerShell (and for HTML)
            String outsideCommands = text.replace("'" + HOLDER_DN + "'", "").replace("&#39;" + HOLDER_DN + "&#39;", "");
            outsideCommands.lines().filter(l -> l.contains("\u041D") || l.contains("\u200B"))
                    .forEach(l -> asStored.add(name + ": " + l));
        });
        assertTrue(asStored.isEmpty(), asStored.size() + " lines name a look-alike as stored:\n"
                + String.join("\n", asStored));
    }

    @Test
    void findingsJsonKeepsTheStoredNamesInItsTypedFields() {
        boolean host = false;
        boolean peer = false;
        for (JsonNode f : findings.path("findings")) {
            host |= f.path("host").asText().equals(CYRILLIC);
            peer |= f.path("peer").asText().equals(INVISIBLE);
        }
        assertTrue(host && peer, findings.path("findings").toString());
    }

    @Test
    void theLookAlikesReadByTheirCodeWhereTheyWereShownAsStored() {
        String md = read.get("runbook.md").replace("\\\\", "\\");
        // the decision on the node itself, and its change since the first run
        assertTrue(md.contains("on \\u041DV06: \\u041DV06's cn '\\u041DV06' is not a valid host name"), md);
        assertTrue(md.contains("Changed since the previous run: \\u041DV06: delegation entry added"), md);
        // the question about the node whose entries may be hidden, asked once for all of them
        assertTrue(md.contains("  To decide: Before adding entries, look at \\u041DV08's msDS-AllowedToDelegateTo"), md);
        // the node no command names gets no delegation to the other one, neither scripted nor by hand (review 5, item 1)
        String notScripted = md.substring(md.indexOf("- H\\u200BV07 (CN="), md.indexOf("\n- \\u041DV06 (CN="));
        assertTrue(notScripted.endsWith("its name is not a valid NetBIOS/DNS host name"), notScripted);
        assertFalse(md.contains("Add the entries for") || md.contains("- [ ] cifs/HV06\n"), md);
        assertFalse(read.get("runbook.html").contains("Add the entries for"), read.get("runbook.html"));
        // the other rules' messages, in the console, the mail and the workbook
        String said = "HV04 is not allowed to delegate to cifs/HV06, so live migration HV04 -> \\u041DV06 fails.";
        for (String name : List.of("mail (text)", "audit.xlsx")) {
            assertTrue(read.get(name).contains(said), name + ": " + read.get(name));
        }
        // preflight says a node's missing entries on one line, naming its peers as the messages do
        assertTrue(read.get("preflight's console").contains(" [12 findings on HV04, toward 3 peers: H\\u200BV07,"
                + " \\u041DV06, \\u041DV08]"), read.get("preflight's console"));
        assertTrue(read.get("mail (text)").contains("- [HIGH] HVC1 / \\u041DV06: \\u041DV06 is not allowed"),
                read.get("mail (text)"));
        // the PDF's plan names it among the refused objects, by its code, and proposes no delegation to it
        assertTrue(read.get("audit.pdf").contains("• \\u041DV06: its name is not a valid NetBIOS/DNS host name")
                && !read.get("audit.pdf").contains("delegation to \\u041DV06: 4 entries"), read.get("audit.pdf"));
    }

    /**
     * НV08's entries, one decision, name their peers: a yes made by hand in ADUC picks a look-alike peer by a name
     * that finds another computer, so its entry says what its name holds, with its DN and account name, as the Add
     * step and the objects not scripted do; the runbooks listed it by its code alone.
     */
    @Test
    void theGroupedDecisionsEntriesSayWhatALookAlikePeersNameHolds() {
        String md = read.get("runbook.md").replace("\\\\", "\\");
        String decide = md.substring(md.indexOf("Before adding entries, look at \\u041DV08") - 2000);
        String cyrillic = "to \\u041DV06 (CN=\\u041DV06,OU=Hyper-V,DC=contoso,DC=com; account name HV06$, unique in the"
                + " domain; its name holds U+041D CYRILLIC CAPITAL LETTER EN, which reads like an ASCII letter or as"
                + " nothing: do not search for it by a typed name): ";
        String invisible = "to H\\u200BV07 (CN=H\\u200BV07,OU=Hyper-V,DC=contoso,DC=com; account name HV07$, unique in"
                + " the domain; its name holds U+200B ZERO WIDTH SPACE, which reads like an ASCII letter or as nothing:"
                + " do not search for it by a typed name): ";
        assertTrue(decide.contains("  - " + cyrillic) && decide.contains("  - " + invisible), decide);
        assertTrue(decide.contains("  - to HV04: "), "a peer named in ASCII has no note: " + decide);
        String html = read.get("runbook.html");
        assertTrue(html.contains("<li>" + cyrillic + "<code>") && html.contains("<li>" + invisible + "<code>"), html);
    }

    /**
     * A yes to НV08's question has no command (no command may name НV08): the PDF's decisions table says so and why
     * where another decision gives its "If so" command, as the runbooks and the Runbook sheet do; it said nothing. The
     * sheet's Detail put the reason after the question as a sentence of its own ("add them back. no command (…)").
     */
    @Test
    void thePdfSaysWhyAYesHasNoCommand() {
        String pdf = read.get("audit.pdf").replaceAll("\\s+", " ");
        String table = pdf.substring(pdf.indexOf("Finding and what to decide"));
        String decision = table.substring(table.indexOf("Before adding entries, look at \\u041DV08"));
        assertTrue(decision.startsWith("Before adding entries, look at \\u041DV08's msDS-AllowedToDelegateTo as a"
                + " Domain Admin on a writable domain controller: if they are there, give the bind account read access"
                + " to it (docs/install.md, \"The service account\"); if they were removed, add them back. If so: no"
                + " command (a value in it cannot be typed safely: make the change by hand)"), decision);
        // the Runbook sheet's Detail says it of the yes too, not as a sentence of its own after the question
        assertTrue(read.get("audit.xlsx").contains("if they were removed, add them back. If so: no command (a value in it"
                + " cannot be typed safely: make the change by hand)\n"), read.get("audit.xlsx"));
    }
}
