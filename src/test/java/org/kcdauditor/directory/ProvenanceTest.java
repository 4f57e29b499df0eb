package org.kcdauditor.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.sdk.Modification;
import com.unboundid.ldap.sdk.ModificationType;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.MailConfig;
import org.kcdauditor.config.ScheduleConfig;
import org.kcdauditor.notify.Notice;
import org.kcdauditor.notify.NoticeBuilder;
import org.kcdauditor.report.FindingsJson;
import org.kcdauditor.report.runbook.TemplateRenderer;
import org.kcdauditor.support.CliRun;
import org.kcdauditor.support.RbcdDescriptors;
import org.kcdauditor.support.TestDirectory;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kcdauditor.directory.ReplicationMetadataTest.DC2;
import static org.kcdauditor.directory.ReplicationMetadataTest.xml;

/**
 * Who changed delegation, where and when: the nodes' replication metadata (msDS-ReplAttributeMetaData, stored as
 * AD returns it on the in-memory server) reaches findings.json, the Hosts sheet, drift findings,
 * CHANGED_SINCE_LAST_RUN and the drift notice; a server without it is said once to keep none.
 */
class ProvenanceTest {
    private static final List<String> NODES = List.of("HV01", "HV02", "HV03");
    private static final Map<String, String> ENV = Map.of("TEST_LDAP_PASSWORD", TestDirectory.PASSWORD);
    private static final String HV02 = "CN=HV02,OU=Hyper-V," + TestDirectory.BASE;

    @TempDir
    Path tmp;
    InMemoryDirectoryServer ds;

    @BeforeEach
    void server() throws Exception {
        ds = TestDirectory.startDomain(TestDirectory.BASE, "dc1.contoso.com");
        TestDirectory.addCluster(ds, NODES);
    }

    @AfterEach
    void stop() {
        ds.shutDown(true);
    }

    private void metadata(String dn, int delegationVersion, String time, String dc) throws Exception {
        String dsa = DC2.replace("CN=DC2", "CN=" + dc);
        ds.modify(dn, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                xml("msDS-AllowedToDelegateTo", delegationVersion, time, dsa),
                xml("userAccountControl", 2, "2026-10-01T08:00:00Z", dsa.replace("CN=" + dc, "CN=DC1")),
                xml("whenChanged", 40, time, dsa)));
    }

    /** Every node's metadata (written 2026-11-02 at DC1), and a first run into "first": its config. */
    private Path firstRunWithMetadata() throws Exception {
        for (String n : NODES) {
            metadata("CN=" + n + ",OU=Hyper-V," + TestDirectory.BASE, 6, "2026-11-02T09:00:00Z", "DC1");
        }
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "allowInsecureBind: true");
        assertEquals(0, run(cfg, tmp.resolve("first"), "json").exitCode());
        return cfg;
    }

    private CliRun run(Path cfg, Path out, String formats) {
        return CliRun.run(ENV, "run", "--config", cfg.toString(), "--out", out.toString(), "--formats", formats);
    }

    private static JsonNode finding(JsonNode doc, String rule, String host) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(rule) && f.path("host").asText().equals(host))
                .findFirst().orElseThrow(() -> new AssertionError(rule + " " + host + " in " + doc.path("findings")));
    }

    @Test
    void theChangeTimeReachesFindingsHostsSheetDriftAndNotice() throws Exception {
        Path cfg = firstRunWithMetadata();
        CliRun capture = CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString(), "--approved-by", "test");
        assertEquals(0, capture.exitCode(), capture.toString());

        // someone removes HV02's entries for HV03 on DC2
        ds.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/hv03.contoso.com"));
        metadata(HV02, 7, "2026-11-30T14:02:11Z", "DC2");
        CliRun second = run(cfg, tmp.resolve("second"), "json,xlsx");
        assertEquals(3, second.exitCode(), second.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("second"));
        assertTrue(doc.path("directories").get(0).path("changeTimes").asBoolean());
        JsonNode hv02 = StreamSupport.stream(doc.path("hosts").spliterator(), false)
                .filter(h -> h.path("name").asText().equals("HV02")).findFirst().orElseThrow();
        JsonNode change = hv02.path("changes").get(0);
        assertEquals("msDS-AllowedToDelegateTo", change.path("attribute").asText());
        assertEquals("2026-11-30T14:02:11.000000Z", change.path("time").asText());
        assertEquals("DC2", change.path("dc").asText());
        assertEquals(7, change.path("version").asInt());
        assertEquals(2, hv02.path("changes").size(), "whenChanged is not a delegation attribute");

        String when = "changed 2026-11-30 14:02:11 UTC at DC2 (version 7)";
        JsonNode timeline = finding(doc, "CHANGED_SINCE_LAST_RUN", "HV02");
        assertTrue(timeline.path("message").asText().contains("delegation entry removed: cifs/hv03.contoso.com — "
                + when), timeline.toString());
        JsonNode removed = finding(doc, "BASELINE_ENTRY_REMOVED", "HV02");
        assertTrue(removed.path("message").asText().endsWith("msDS-AllowedToDelegateTo " + when + "."),
                removed.toString());
        assertEquals("DC2", removed.path("evidence").path("lastChange").path("dc").asText());

        try (InputStream in = Files.newInputStream(tmp.resolve("second/audit.xlsx"));
             XSSFWorkbook wb = new XSSFWorkbook(in)) {
            Sheet hosts = wb.getSheet("Hosts");
            int col = column(hosts.getRow(0), "Delegation last changed");
            Row row = rowOf(hosts, "HV02");
            assertEquals("msDS-AllowedToDelegateTo " + when + "; userAccountControl changed 2026-10-01 08:00:00 UTC"
                    + " at DC1 (version 2)", row.getCell(col).getStringCellValue());
        }

        String text = notice(tmp.resolve("second"), tmp.resolve("first"));
        assertTrue(text.contains(when), text);
        assertFalse(text.contains("not available"), text);
    }

    @Test
    void aServerWithoutMetadataIsSaidOnceNotPerHost() throws Exception {
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "allowInsecureBind: true");
        assertEquals(0, run(cfg, tmp.resolve("first"), "json").exitCode());
        assertEquals(0, CliRun.run(ENV, "baseline", "capture", "--config", cfg.toString()).exitCode());
        ds.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo", "cifs/hv03.contoso.com"));
        assertEquals(3, run(cfg, tmp.resolve("second"), "json,xlsx").exitCode());
        JsonNode doc = CliRun.findings(tmp.resolve("second"));
        assertFalse(doc.path("directories").get(0).path("changeTimes").asBoolean(true));
        assertTrue(StreamSupport.stream(doc.path("hosts").spliterator(), false).allMatch(h -> h.path("changes")
                .isMissingNode()));
        assertFalse(finding(doc, "BASELINE_ENTRY_REMOVED", "HV02").path("message").asText().contains("changed "));
        try (InputStream in = Files.newInputStream(tmp.resolve("second/audit.xlsx"));
             XSSFWorkbook wb = new XSSFWorkbook(in)) {
            List<String> notes = new ArrayList<>();
            for (Sheet sh : wb) {
                for (Row row : sh) {
                    row.forEach(c -> {
                        if (c.toString().contains("not available from this directory")) {
                            notes.add(sh.getSheetName());
                        }
                    });
                }
            }
            assertEquals(List.of("Summary", "Hosts"), notes, "once on the summary, once under the Hosts table");
        }
        String text = notice(tmp.resolve("second"), tmp.resolve("first"));
        assertEquals(1, text.split("Change time not available from this directory", -1).length - 1, text);
    }

    /**
     * A first run (no previous run to compare with) where the bind account reads no value of HV02's
     * msDS-AllowedToDelegateTo although the metadata records writes of it (a deny-read ACE on the attribute, which AD
     * and Samba answer by leaving the attribute out, as this server does for an attribute not set): its pairs'
     * MISSING_DELEGATION says the entries may be hidden or all removed at that write, carries the write and
     * {@code mayBeUnreadable}, and asks to look as a Domain Admin before adding them. HV03, whose attribute was never
     * written (no metadata of it), reads as plainly missing entries.
     */
    @Test
    void entriesReadAsNoneThoughWrittenMayBeUnreadableInTheFirstRun() throws Exception {
        String hv03 = "CN=HV03,OU=Hyper-V," + TestDirectory.BASE;
        for (String dn : List.of(HV02, hv03)) {
            ds.modify(dn, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
        }
        // every AD object has metadata: the first node's tells the audit that the server gives it
        metadata("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, 4, "2026-11-02T09:00:00Z", "DC1");
        metadata(HV02, 7, "2026-11-30T14:02:11Z", "DC2");
        ds.modify(hv03, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                xml("userAccountControl", 2, "2026-10-01T08:00:00Z", DC2)));
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "allowInsecureBind: true");
        CliRun first = run(cfg, tmp.resolve("first"), "json,md,ps1");
        assertEquals(3, first.exitCode(), first.toString());
        JsonNode doc = CliRun.findings(tmp.resolve("first"));
        List<JsonNode> missing = StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals("MISSING_DELEGATION")).toList();
        List<JsonNode> hidden = missing.stream().filter(f -> f.path("host").asText().equals("HV02")).toList();
        assertEquals(8, hidden.size(), "HV02 -> HV01 and HV03, 4 entries each");
        for (JsonNode f : hidden) {
            JsonNode e = f.path("evidence");
            assertTrue(e.path("mayBeUnreadable").asBoolean(), f.toString());
            assertEquals("msDS-AllowedToDelegateTo", e.path("lastChange").path("attribute").asText(), f.toString());
            assertEquals(7, e.path("lastChange").path("version").asInt(), f.toString());
            assertEquals("DC2", e.path("lastChange").path("dc").asText(), f.toString());
            assertEquals("HIGH", f.path("severity").asText());
            assertTrue(f.path("message").asText().contains(" msDS-AllowedToDelegateTo changed 2026-11-30 14:02:11 UTC"
                    + " at DC2 (version 7), but the bind account read no value of it: either every entry was removed"
                    + " then, or the entries are hidden from the bind account (a deny-read ACE, which the domain"
                    + " controller answers by leaving the attribute out) and may still be there."), f.toString());
            // no scripted add: a decision, whose yes is the add
            JsonNode action = f.path("actions").get(0);
            assertEquals(1, f.path("actions").size(), f.toString());
            assertEquals("manual", action.path("type").asText(), f.toString());
            assertEquals("addDelegation", action.path("proposed").get(0).path("type").asText(), f.toString());
            assertTrue(f.path("remediation").asText().startsWith("Before adding entries, look at HV02's"
                    + " msDS-AllowedToDelegateTo as a Domain Admin on a writable domain controller:"), f.toString());
        }
        List<JsonNode> plain = missing.stream().filter(f -> f.path("host").asText().equals("HV03")).toList();
        assertEquals(8, plain.size());
        for (JsonNode f : plain) {
            assertTrue(f.path("evidence").path("mayBeUnreadable").isMissingNode(), f.toString());
            assertFalse(f.path("message").asText().contains("read no value"), f.toString());
            assertEquals("addDelegation", f.path("actions").get(0).path("type").asText(), f.toString());
        }
        JsonNode reason = StreamSupport.stream(doc.path("clusters").get(0).path("reasons").spliterator(), false)
                .filter(r -> r.path("rule").asText().equals("MISSING_DELEGATION")).findFirst().orElseThrow();
        assertTrue(reason.path("text").asText().endsWith("; 8 of them on HV02, whose msDS-AllowedToDelegateTo was"
                + " written but read as empty: look at it as a Domain Admin before adding entries"), reason.toString());
        // the script adds HV03's entries, not HV02's: those are decisions whose "If so" is the add
        String script = Files.readString(tmp.resolve("first/remediation.ps1"));
        assertTrue(script.contains("Add-Values 'HV03$' 'msDS-AllowedToDelegateTo'"), script);
        assertFalse(script.contains("Add-Values 'HV02$'"), script);
        String runbook = Files.readString(tmp.resolve("first/runbook.md"));
        assertTrue(runbook.contains("  To decide: Before adding entries, look at HV02's msDS-AllowedToDelegateTo as a"
                + " Domain Admin"), runbook);
    }

    /**
     * HV02 gains a resource-based delegation grant to Everyone (RBCD_ALLOWS_ANY_ACCOUNT) between two runs, and loses it
     * before a fourth: CHANGED_SINCE_LAST_RUN says so each time, with the grant's SID and name, the time the metadata
     * gives for msDS-AllowedToActOnBehalfOfOtherIdentity and the SIDs in its evidence; a run in which the grant stays
     * has no change to tell. Before, only RBCD_ALLOWS_ANY_ACCOUNT came and went: the timeline said nothing.
     */
    @Test
    void anRbcdGrantAddedAndRemovedIsAChangeSinceTheLastRunWithItsTime() throws Exception {
        Path cfg = firstRunWithMetadata();

        ds.modify(HV02, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                RbcdDescriptors.of(List.of("S-1-1-0"))));
        rbcdMetadata(1, "2026-11-30T14:02:11Z");
        CliRun second = run(cfg, tmp.resolve("second"), "json");
        assertEquals(3, second.exitCode(), second.toString());
        JsonNode added = finding(CliRun.findings(tmp.resolve("second")), "CHANGED_SINCE_LAST_RUN", "HV02");
        assertEquals("HV02: resource-based delegation grant added: S-1-1-0 (Everyone) \u2014 changed 2026-11-30 14:02:11"
                + " UTC at DC2 (version 1).", added.path("message").asText(), added.toString());
        assertEquals(List.of("S-1-1-0"), strings(added.path("evidence").path("rbcdAdded")));
        assertTrue(added.path("evidence").path("rbcdRemoved").isMissingNode(), added.toString());

        assertEquals(3, run(cfg, tmp.resolve("third"), "json").exitCode());
        assertTrue(StreamSupport.stream(CliRun.findings(tmp.resolve("third")).path("findings").spliterator(), false)
                .noneMatch(f -> f.path("rule").asText().equals("CHANGED_SINCE_LAST_RUN")), "the grant stayed");

        ds.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToActOnBehalfOfOtherIdentity"));
        rbcdMetadata(2, "2026-12-01T07:30:00Z");
        assertEquals(0, run(cfg, tmp.resolve("fourth"), "json").exitCode());
        JsonNode removed = finding(CliRun.findings(tmp.resolve("fourth")), "CHANGED_SINCE_LAST_RUN", "HV02");
        assertEquals("HV02: resource-based delegation grant removed: S-1-1-0 (Everyone) \u2014 changed 2026-12-01"
                + " 07:30:00 UTC at DC2 (version 2).", removed.path("message").asText(), removed.toString());
        assertEquals(List.of("S-1-1-0"), strings(removed.path("evidence").path("rbcdRemoved")));
        assertTrue(removed.path("evidence").path("rbcdAdded").isMissingNode(), removed.toString());
    }

    /**
     * A file server (the cifs target the nodes use, whose resource-based delegation the audit reads) gains a grant to
     * HV01 between two runs and loses it before a third: CHANGED_SINCE_LAST_RUN tells it under NAS01 as it does for a
     * node, with the SID in its evidence. Before, the history compared the nodes' grants only: NAS01's never showed.
     */
    @Test
    void aFileServersGrantAddedAndRemovedIsAChangeSinceTheLastRun() throws Exception {
        String nas = TestDirectory.addFileServer(ds, "NAS01", "S-1-5-21-1-2-3-3000");
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES, "allowInsecureBind: true");
        Files.writeString(cfg, Files.readString(cfg).replace("    nodes: [HV01, HV02, HV03]\n",
                "    nodes: [HV01, HV02, HV03]\n    fileServers: [NAS01]\n"));
        String hv01 = "S-1-5-21-1-2-3-2000";
        run(cfg, tmp.resolve("first"), "json");
        ds.modify(nas, new Modification(ModificationType.REPLACE, "msDS-AllowedToActOnBehalfOfOtherIdentity",
                RbcdDescriptors.of(List.of(hv01))));
        run(cfg, tmp.resolve("second"), "json");
        JsonNode added = finding(CliRun.findings(tmp.resolve("second")), "CHANGED_SINCE_LAST_RUN", "NAS01");
        assertEquals("NAS01: resource-based delegation grant added: " + hv01 + " (HV01).",
                added.path("message").asText(), added.toString());
        assertEquals("HVC1", added.path("cluster").asText());
        assertEquals(List.of(hv01), strings(added.path("evidence").path("rbcdAdded")));

        ds.modify(nas, new Modification(ModificationType.DELETE, "msDS-AllowedToActOnBehalfOfOtherIdentity"));
        run(cfg, tmp.resolve("third"), "json");
        JsonNode third = CliRun.findings(tmp.resolve("third"));
        JsonNode removed = finding(third, "CHANGED_SINCE_LAST_RUN", "NAS01");
        assertEquals(List.of(hv01), strings(removed.path("evidence").path("rbcdRemoved")));
        // a file server is no node: nothing else of it is compared, it never joins or leaves the clusters
        assertEquals(1, StreamSupport.stream(third.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals("CHANGED_SINCE_LAST_RUN")).count(), third.toString());
    }

    /** HV02's metadata: its msDS-AllowedToActOnBehalfOfOtherIdentity last written at {@code time} on DC2. */
    private void rbcdMetadata(int version, String time) throws Exception {
        ds.modify(HV02, new Modification(ModificationType.REPLACE, "msDS-ReplAttributeMetaData",
                xml("msDS-AllowedToDelegateTo", 6, "2026-11-02T09:00:00Z", DC2.replace("CN=DC2", "CN=DC1")),
                xml("msDS-AllowedToActOnBehalfOfOtherIdentity", version, time, DC2)));
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /**
     * The bind account reads no value of HV02's msDS-AllowedToDelegateTo although the metadata records writes of it:
     * its 8 missing entries (2 peers, 4 each; 60 on a node of 16) stay 8 MISSING_DELEGATION findings, but they ask one
     * question about one host, so the runbooks, the PDF and the workbook's Runbook sheet show ONE decision step that
     * names HV02, asks the question once, lists the 8 entries and adds them all with one command; the counts read
     * "1 decision (8 findings)" wherever decisions are counted, and the workbook still counts the 8 findings.
     */
    @Test
    void entriesOfOneHostReadAsNoneAreOneDecision() throws Exception {
        ds.modify(HV02, new Modification(ModificationType.DELETE, "msDS-AllowedToDelegateTo"));
        metadata("CN=HV01,OU=Hyper-V," + TestDirectory.BASE, 4, "2026-11-02T09:00:00Z", "DC1");
        metadata(HV02, 7, "2026-11-30T14:02:11Z", "DC2");
        Path cfg = TestDirectory.config(tmp, "ldap://127.0.0.1:" + ds.getListenPort(), NODES,
                "allowInsecureBind: true");
        Path out = tmp.resolve("out");
        CliRun run = run(cfg, out, "json,xlsx,pdf,md,html,ps1");
        assertEquals(3, run.exitCode(), run.toString());

        // findings stay one per missing entry (the findings.json contract)
        List<JsonNode> hidden = StreamSupport.stream(CliRun.findings(out).path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals("MISSING_DELEGATION")
                        && f.path("evidence").path("mayBeUnreadable").asBoolean()).toList();
        assertEquals(8, hidden.size());
        List<String> spns = hidden.stream().map(f -> f.path("spn").asText()).toList();
        String quoted = String.join(",", spns.stream().map(s -> "'" + s + "'").toList());
        String addAll = "Set-ADComputer -Identity 'HV02$' -Add @{'msDS-AllowedToDelegateTo'=@(" + quoted + ")}";

        String md = Files.readString(out.resolve("runbook.md"));
        assertEquals(1, count(md, "To decide: Before adding entries, look at HV02's msDS-AllowedToDelegateTo"), md);
        assertEquals(1, count(md, "  If so: "), md);
        assertTrue(md.contains("  If so: `" + addAll), md);
        assertTrue(md.contains("on HV02: 8 findings, one per entry"), md);
        for (String spn : spns) {
            assertTrue(md.contains("`" + spn + "`"), spn + " listed in " + md);
        }
        String counted = "else by hand. 1 decision (8 findings): one step per host and"
                + " question.";
        assertTrue(md.contains(counted), md);
        assertTrue(md.contains("\n  msDS-AllowedToDelegateTo changed 2026-11-30 14:02:11 UTC at DC2 (version 7), but"
                + " the bind account read no value of it"), md);

        String html = Files.readString(out.resolve("runbook.html"));
        assertEquals(1, count(html, "<strong>To decide:</strong>"), html);
        assertEquals(1, count(html, "<pre>Set-ADComputer -Identity &#39;HV02$&#39; -Add"), html);
        assertTrue(html.contains(counted + "</p>"), html);

        String script = Files.readString(out.resolve("remediation.ps1"));
        assertFalse(script.contains("Add-Values 'HV02$'"), script);

        try (PDDocument d = Loader.loadPDF(out.resolve("audit.pdf").toFile())) {
            String pdf = new PDFTextStripper().getText(d).replaceAll("\\s+", " ");
            assertTrue(pdf.contains("1 decision (8 findings) needs an administrator"), pdf);
            assertFalse(pdf.contains("8 findings need"), pdf);
            // the findings table lists each finding; the decisions' table asks once
            assertEquals(1, count(pdf, "If so: "), pdf);
            assertEquals(1, count(pdf, "8 findings, one per entry: to HV01: cifs/HV01, cifs/hv01.contoso.com,"), pdf);
        }

        try (XSSFWorkbook wb = new XSSFWorkbook(Files.newInputStream(out.resolve("audit.xlsx")))) {
            Sheet runbook = wb.getSheet("Runbook");
            int steps = 0;
            for (Row row : runbook) {
                if (row.getRowNum() > 0 && "Needs a decision".equals(row.getCell(1).getStringCellValue())) {
                    steps++;
                    assertTrue(row.getCell(5).getStringCellValue().startsWith(addAll), row.getCell(5).toString());
                }
            }
            assertEquals(1, steps);
            boolean listed = false;
            for (Row row : wb.getSheet("Summary")) {
                if (row.getCell(0) != null && "Findings that need a decision".equals(row.getCell(0).toString())) {
                    assertEquals(8, row.getCell(1).getNumericCellValue());
                    listed = true;
                }
            }
            assertTrue(listed);
        }
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    /** The drift notice of {@code run} compared with {@code previous}, as the daemon would mail it. */
    private static String notice(Path run, Path previous) throws Exception {
        MailConfig mail = new MailConfig("127.0.0.1", 25, "none", null, null, null, "kcd@contoso.com",
                List.of("ops@contoso.com"), null, null, null, null, null, null);
        List<Notice> n = new NoticeBuilder(mail, new TemplateRenderer(Path.of("templates"))).build("daily",
                ScheduleConfig.Notify.ON_CHANGE, FindingsJson.read(run.resolve("findings.json")),
                FindingsJson.read(previous.resolve("findings.json")).findings(), "previous", null);
        assertEquals(1, n.size());
        return n.get(0).text();
    }

    private static int column(Row head, String name) {
        for (int i = 0; i < head.getLastCellNum(); i++) {
            if (head.getCell(i).getStringCellValue().equals(name)) {
                return i;
            }
        }
        throw new AssertionError("no column " + name);
    }

    private static Row rowOf(Sheet sh, String host) {
        for (Row r : sh) {
            if (r.getCell(0) != null && r.getCell(0).toString().equals(host)) {
                return r;
            }
        }
        throw new AssertionError("no row " + host);
    }
}
