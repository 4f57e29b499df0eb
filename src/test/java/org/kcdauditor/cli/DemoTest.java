package org.kcdauditor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.support.CliRun;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo runs end to end over LDAP and its findings.json says exactly what the demo data holds. */
class DemoTest {
    private static final String MIG = "Microsoft Virtual System Migration Service";

    @TempDir
    static Path out;
    static CliRun run;
    static JsonNode doc;

    @BeforeAll
    static void demo() throws Exception {
        run = CliRun.run(Map.of(), "demo", "--out", out.toString(), "--formats", "json");
        doc = CliRun.findings(out);
    }

    private static List<JsonNode> rule(String id) {
        return StreamSupport.stream(doc.path("findings").spliterator(), false)
                .filter(f -> f.path("rule").asText().equals(id)).toList();
    }

    private static List<String> field(List<JsonNode> findings, String name) {
        return findings.stream().map(f -> f.path(name).asText()).toList();
    }

    /** demo --help says what the demo does: it exits 0 unless --fail-on is given, not "default: high" as run does. */
    @Test
    void helpSaysTheDemoExitsZeroUnlessFailOnIsGiven() {
        CliRun demoHelp = CliRun.run(Map.of(), "demo", "--help");
        String failOn = demoHelp.out().substring(demoHelp.out().lastIndexOf("--fail-on=LEVEL"));
        failOn = failOn.substring(0, failOn.indexOf("--change-ticket")).replaceAll("\\s+", " ");
        assertTrue(failOn.contains("the demo exits 0 unless it is given"), failOn);
        CliRun runHelp = CliRun.run(Map.of(), "run", "--help");
        String runFailOn = runHelp.out().substring(runHelp.out().lastIndexOf("--fail-on=LEVEL")).replaceAll("\\s+", " ");
        assertTrue(runFailOn.contains("(default: high)"), runFailOn);
    }

    /**
     * A pipeline that runs the demo as a smoke test reads its exit codes from demo --help: it named 0 and 3 only,
     * although a demo whose --out cannot be written exits 1 and a mistyped --formats exits 2, as run does.
     */
    @Test
    void helpListsEveryExitCodeTheDemoGives() {
        String help = CliRun.run(Map.of(), "demo", "--help").out().replaceAll("\\s+", " ");
        assertTrue(help.contains("1 the demo could not complete (--out not writable"), help);
        assertTrue(help.contains("2 usage error (a mistyped option or --formats value)"), help);
    }

    /**
     * The demo's observed failure HV02 -> HV03 is explained by findings its baseline waives: the PDF and the workbook
     * say it is a consequence of waived findings, still failing and counted; the console's list said nothing of it.
     */
    @Test
    void theConsoleSaysWhichSevereFindingIsAConsequenceOfWaivedOnes() {
        String line = run.out().lines().filter(l -> l.contains("MIGRATION_FAILURE_OBSERVED")
                && l.contains("HV02 -> HV03")).findFirst().orElseThrow(() -> new AssertionError(run.out()));
        assertTrue(line.endsWith(" (A consequence of 4 waived findings and 1 open finding: still failing, still counted.)"), line);
        // the other rules' lines (one per rule and host) are no consequence of a waived finding
        String top = run.out().substring(run.out().indexOf("Most severe findings:"));
        assertEquals(1, top.substring(0, top.indexOf("\n\n")).lines().filter(l -> l.contains("consequence of")).count(),
                top);
    }

    @Test
    void runsAndPrintsTheSummary() {
        // the entries' share headed as the PDF heads it, beside the cluster's verdict: "Compliant 100.0 %" next to the
        // NO-GO cluster HVC2 read as "HVC2 is fine"
        // a cluster's node pairs apart from its paths to a file server: HVC1's 3 nodes have 6 node pairs, not "4/12"
        assertTrue(run.out().contains("\nCluster          Nodes Node pairs OK File-server paths OK Entries present  %"
                + " present GO/NO-GO  HIGH   MED   LOW  INFO\n"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("HVC1 +3 +2/6 +2/6 +31/36 +86\\.1 % +NO-GO( +\\d+){4}")),
                run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("HVC2 +4 +2/12 +— +44/44 +100\\.0 % +NO-GO( +\\d+){4}")),
                run.out());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("HVC1") && run.out().contains("HVC2"), run.out());
        assertTrue(run.out().contains("Reports in " + out.toAbsolutePath()), run.out());
        // no preflight to paste: the demo's directory is gone when the demo ends, so it could only fail
        assertTrue(run.out().contains("\nNO-GO for the patch window: 2 of 2 clusters (HVC1, HVC2); the reasons:"
                + " clusters[].reasons in findings.json.\n"), "the decision, as page 1 and the mail say it: "
                + run.out());
        assertFalse(run.out().contains("kcd-audit preflight"), run.out());
        assertFalse(run.out().contains("Exit code 3"), "the demo exits 0 unless --fail-on is given");
        CliRun strict = CliRun.run(Map.of(), "demo", "--out", out.resolve("again").toString(), "--formats", "json",
                "--fail-on", "high");
        assertEquals(3, strict.exitCode());
        assertTrue(strict.out().contains("Exit code 3: 16 findings at or above high (--fail-on); 4 waived findings are"
                + " not counted."), strict.out());
        // the verdict as the gate: both clusters are NO-GO
        CliRun noGo = CliRun.run(Map.of(), "demo", "--out", out.resolve("nogo").toString(), "--formats", "json",
                "--fail-on", "nogo");
        assertEquals(3, noGo.exitCode(), noGo.toString());
        assertTrue(noGo.out().endsWith("\nExit code 3: NO-GO for the patch window: 2 of 2 clusters (HVC1, HVC2)"
                + " (--fail-on nogo).\n"), noGo.out());
        // a usage error is refused before the demo's history is reset and seeded again
        for (String[] bad : List.of(new String[]{"--fail-on", "nope"}, new String[]{"--formats", "bogus"})) {
            CliRun typo = CliRun.run(Map.of(), "demo", "--out", out.resolve("typo").toString(), bad[0], bad[1]);
            assertEquals(2, typo.exitCode(), typo.toString());
            assertFalse(typo.out().contains("Demo history"), typo.out());
        }
        // so is an --out that cannot be a folder (a file there): exit 1 before the history and the directory
        java.nio.file.Path file = out.resolve("a-file");
        try {
            java.nio.file.Files.writeString(file, "x");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliRun notAFolder = CliRun.run(Map.of(), "demo", "--out", file.toString(), "--formats", "json");
        assertEquals(1, notAFolder.exitCode(), notAFolder.toString());
        assertTrue(notAFolder.err().contains("cannot write output: " + file), notAFolder.err());
        assertFalse(notAFolder.out().contains("Demo history") || notAFolder.out().contains("Demo directory"),
                notAFolder.out());
    }

    @Test
    void summaryMatchesTheDemoData() {
        JsonNode s = doc.path("summary");
        assertEquals(1, doc.path("schemaVersion").asInt());
        assertEquals(7, s.path("hosts").asInt());
        assertEquals(2, s.path("clusters").asInt());
        // HVC1's three nodes also delegate cifs (both name forms) to its file servers NAS01 and NAS02: 6 pairs,
        // 12 entries
        assertEquals(24, s.path("pairs").asInt());
        // HV13 -> HV14, which HV14's RBCD covers, needs no entry: 80, not 84 (what Get-ADComputer counts)
        assertEquals(80, s.path("requiredEntries").asInt());
        assertEquals(75, s.path("presentEntries").asInt());
        assertEquals(93.8, s.path("compliancePercent").asDouble());
        // directory rules: 12 HIGH (4 of them waived by config/demo/baseline.yaml), 1 MEDIUM, 3 LOW, 2 INFO;
        // history rules (baseline, patches, events, previous run, host settings): 9 HIGH, 4 MEDIUM, 4 LOW (one the
        // ten-year waiver's WAIVER_TOO_LONG), 3 INFO
        assertEquals(16, s.path("bySeverity").path("HIGH").asInt());
        assertEquals(5, s.path("bySeverity").path("MEDIUM").asInt());
        assertEquals(7, s.path("bySeverity").path("LOW").asInt());
        assertEquals(5, s.path("bySeverity").path("INFO").asInt());
        assertEquals("DC=contoso,DC=com", doc.path("directory").path("baseDn").asText());
    }

    @Test
    void oneDirectionAndOneNameFormMissing() {
        List<JsonNode> missing = rule("MISSING_DELEGATION");
        assertEquals(5, missing.size());
        assertEquals(List.of("cifs/hv02.contoso.com"), field(missing.stream()
                .filter(f -> f.path("host").asText().equals("HV01")).toList(), "spn"));
        assertEquals(4, missing.stream().filter(f -> f.path("host").asText().equals("HV02")
                && f.path("peer").asText().equals("HV03")).count());
    }

    @Test
    void unconstrainedStaleUnregisteredAndDuplicate() {
        assertEquals(List.of("HV03"), field(rule("UNCONSTRAINED_DELEGATION"), "host"));
        // HV11's entry for cifs on the domain controller DC1 is DELEGATION_TO_SENSITIVE_TARGET's, not stale
        assertEquals(List.of(MIG + "/HV15", "cifs/hv15.contoso.com"),
                field(rule("STALE_DELEGATION"), "spn").stream().sorted().toList());
        assertEquals(List.of("HV11", "HV11"), field(rule("STALE_DELEGATION"), "host"));
        assertEquals(List.of(MIG + "/hv14.contoso.com"), field(rule("TARGET_SPN_NOT_REGISTERED"), "spn"));
        List<JsonNode> dup = rule("DUPLICATE_SPN");
        assertEquals(List.of(MIG + "/hv12.contoso.com"), field(dup, "spn"));
        assertTrue(dup.get(0).path("message").asText().contains("svc-vmm"));
    }

    @Test
    void kerberosOnly2022AdvisoryAndRbcdPair() {
        List<JsonNode> pt = rule("PROTOCOL_TRANSITION_MISMATCH");
        assertEquals(List.of("HV12"), field(pt, "host"));
        assertEquals("INFO", pt.get(0).path("severity").asText());
        List<JsonNode> rbcd = rule("RBCD_PRESENT");
        assertEquals(List.of("HV14"), field(rbcd, "host"));
        assertTrue(rbcd.get(0).path("message").asText().contains("covers HV13 -> HV14"));
        assertTrue(field(rule("MISSING_DELEGATION"), "host").stream().noneMatch("HV13"::equals));
    }

    @Test
    void noFalsePositives() {
        assertEquals(List.of(), rule("HOST_NOT_FOUND"));
        assertEquals(List.of(), rule("ACCOUNT_DISABLED"));
        assertEquals(List.of(), rule("DNS_HOST_NAME_MISSING"));
        assertEquals(37, doc.path("findings").size(), "18 from the directory rules, 19 from the history data");
        assertEquals(List.of("HV02"), field(rule("WAIVER_TOO_LONG"), "host"), "the waiver until 2035 is questioned");
        // Nodes of the OU cluster come from the OU, not from the few hundred other computers.
        JsonNode hvc2 = doc.path("clusters").get(1);
        assertEquals("[\"HV11\",\"HV12\",\"HV13\",\"HV14\"]", hvc2.path("nodes").toString());
        // of 12 pairs, HV11 -> HV12 and HV14 -> HV11 alone can migrate: into HV12 (duplicate SPN), into HV14
        // (SPN not registered), to and from HV13 (no AES keys) the tickets fail
        assertEquals(2, hvc2.path("pairsOk").asInt());
    }

    @Test
    void eachKerberosRuleShowsOnceAndBlocksItsPairs() {
        // issue 11: the demo shows each new rule once
        for (String id : List.of("AES_NOT_ENABLED", "AES_KEYS_MISSING", "ENCRYPTION_TYPES_UNSET",
                "DELEGATION_TO_SENSITIVE_TARGET", "OPERATOR_NOT_DELEGABLE", "MIGRATION_AUTH_NOT_KERBEROS",
                "MIGRATION_DISABLED")) {
            assertEquals(1, rule(id).size(), id);
        }
        assertEquals(List.of("NAS02"), field(rule("ENCRYPTION_TYPES_UNSET"), "host"), "a Samba server, no value");
        assertEquals(List.of("HV13"), field(rule("MIGRATION_DISABLED"), "host"), "migration switched off in the export");
        assertEquals(List.of("NAS01"), field(rule("AES_NOT_ENABLED"), "host"), "RC4 only");
        assertEquals(List.of("HV13"), field(rule("AES_KEYS_MISSING"), "host"), "password from 2007");
        JsonNode kdc = rule("AES_KEYS_MISSING").get(0).path("evidence");
        assertEquals("[209]", kdc.path("eventIds").toString(), "the DC's KDC event about HV13 is attached");
        List<JsonNode> sensitive = rule("DELEGATION_TO_SENSITIVE_TARGET");
        assertEquals(List.of("cifs/dc1.contoso.com"), field(sensitive, "spn"));
        assertEquals("removeDelegation", sensitive.get(0).path("actions").get(0).path("type").asText());
        assertEquals(List.of("adm-jdoe"), field(rule("OPERATOR_NOT_DELEGABLE"), "host"), "Protected Users, nested");
        assertEquals(List.of("HV02"), field(rule("MIGRATION_AUTH_NOT_KERBEROS"), "host"), "CredSSP in the export");
        // the duplicated SPN of HV12 blocks the pairs into it, and says which
        JsonNode hvc2 = doc.path("clusters").get(1);
        String dupId = rule("DUPLICATE_SPN").get(0).path("id").asText();
        List<JsonNode> intoHv12 = StreamSupport.stream(hvc2.path("matrix").spliterator(), false)
                .filter(p -> p.path("to").asText().equals("HV12")).toList();
        assertEquals(3, intoHv12.size());
        for (JsonNode p : intoHv12) {
            assertFalse(p.path("ok").asBoolean(true), p.toString());
            assertTrue(p.path("blockers").toString().contains(dupId), p.toString());
        }
        assertEquals(3, rule("DUPLICATE_SPN").get(0).path("evidence").path("pairs").size());
        // an ok pair carries an empty list: every matrix entry has its blockers
        List<JsonNode> okPairs = StreamSupport.stream(doc.path("clusters").spliterator(), false)
                .flatMap(c -> StreamSupport.stream(c.path("matrix").spliterator(), false))
                .filter(p -> p.path("ok").asBoolean(false)).toList();
        assertFalse(okPairs.isEmpty());
        okPairs.forEach(p -> assertTrue(p.path("blockers").isArray() && p.path("blockers").isEmpty(), p.toString()));
        assertFalse(hvc2.path("go").asBoolean(true));
        assertEquals("dc1.contoso.com", doc.path("directory").path("dc").asText());
    }

    @Test
    void theKerberosFactsBesideDelegation() {
        JsonNode dir = doc.path("directory");
        assertEquals("dc1.contoso.com", dir.path("dc").asText(), "the demo directory answers as DC1");
        assertEquals("2009-03-10T09:15:00.000000Z", dir.path("aesKeysSince").asText());
        Map<String, JsonNode> hosts = StreamSupport.stream(doc.path("hosts").spliterator(), false)
                .collect(java.util.stream.Collectors.toMap(h -> h.path("name").asText(), h -> h));
        assertEquals(28, hosts.get("HV01").path("supportedEncryptionTypes").asInt());
        assertEquals("2007-06-12T00:00:00.000000Z", hosts.get("HV13").path("pwdLastSet").asText(),
                "HV13's password predates the domain's AES keys");
        assertEquals("[\"NAS01\",\"NAS02\"]", doc.path("clusters").get(0).path("fileServers").toString());
        List<JsonNode> kdc = StreamSupport.stream(doc.path("events").spliterator(), false)
                .filter(e -> e.path("eventId").asInt() == 209).toList();
        assertEquals(1, kdc.size());
        assertEquals("KDC_NO_AES_KEYS", kdc.get(0).path("classification").asText());
        assertEquals("HV13$", kdc.get(0).path("service").asText());
        JsonNode settings = StreamSupport.stream(doc.path("imports").spliterator(), false)
                .filter(i -> i.path("kind").asText().equals("hostSettings")).findFirst().orElseThrow();
        assertEquals(7, settings.path("records").asInt());
        assertTrue(settings.path("format").asText().startsWith("Get-VMHost CSV (Windows PowerShell 5.1 #TYPE,"
                + " UTF-16LE"), settings.toString());
    }
    /**
     * The demo's configuration is a copy beside a directory served for the one run: a preflight with it reads nothing,
     * so its findings.json records no configuration file and its runbooks keep the placeholder.
     */
    @Test
    void theDemoRecordsNoConfigurationFile() {
        assertTrue(doc.path("summary").isObject() && doc.path("summary").path("configFile").isMissingNode(),
                doc.path("summary").toString());
    }

    /**
     * findings.json is a contract other tools read, and README's example is its documented shape: every field the
     * example shows is in the demo's findings.json (somewhere, for fields inside arrays), with the JSON type the example
     * gives it. A field renamed in the code or in README, or written as a string where the example shows a number,
     * fails here. The example's placeholders stay: "…" is a string, {…} an object.
     */
    @Test
    void everyFieldOfReadmesFindingsJsonExampleIsInTheDemosWithItsType() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("\n## findings.json"));
        String example = section.substring(section.indexOf("```json") + "```json".length());
        example = example.substring(0, example.indexOf("```")).replace("{…}", "{}");
        Map<String, java.util.Set<JsonNodeType>> documented = new java.util.TreeMap<>();
        shape(org.kcdauditor.report.FindingsJson.MAPPER.readTree(example), "", documented);
        Map<String, java.util.Set<JsonNodeType>> written = new java.util.TreeMap<>();
        shape(doc, "", written);
        List<String> wrong = new java.util.ArrayList<>();
        documented.forEach((path, types) -> {
            if (!written.containsKey(path)) {
                wrong.add(path + ": not in the demo's findings.json");
            } else if (!written.get(path).containsAll(types)) {
                wrong.add(path + ": README shows " + types + ", the demo writes " + written.get(path));
            }
        });
        assertTrue(documented.size() > 90, "README's example read: " + documented.keySet());
        assertEquals(List.of(), wrong);
    }

    /** Every field path in {@code node} ({@code hosts[].changes[].dc}) with the JSON types found there. */
    private static void shape(JsonNode node, String path, Map<String, java.util.Set<JsonNodeType>> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.computeIfAbsent(p, k -> java.util.EnumSet.noneOf(JsonNodeType.class)).add(e.getValue().getNodeType());
                shape(e.getValue(), p, out);
            });
        } else if (node.isArray()) {
            node.forEach(element -> shape(element, path + "[]", out));
        }
    }
}
