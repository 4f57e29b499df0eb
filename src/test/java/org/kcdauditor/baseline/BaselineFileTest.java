package org.kcdauditor.baseline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kcdauditor.config.ConfigException;
import org.kcdauditor.model.HostState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaselineFileTest {
    private static final String DOCUMENTED = """
            capturedAt: 2026-11-01T06:00:00Z
            capturedFrom: 7f3a0c1e-0000-0000-0000-000000000000   # run id
            approvedBy: jdoe                  # free text
            hosts:
              HV01:
                userAccountControl: [WORKSTATION_TRUST_ACCOUNT, TRUSTED_TO_AUTH_FOR_DELEGATION]
                delegateTo: ["Microsoft Virtual System Migration Service/HV02", "cifs/hv02.contoso.com"]
            waivers:
              - rule: MISSING_DELEGATION
                host: HV04
                peer: HV01
                justification: "HV04 is being decommissioned, CHG0042"
                expires: 2026-12-31
            """;

    @TempDir
    Path dir;

    @Test
    void readsTheDocumentedFormat() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED);
        Baseline b = BaselineFile.read(f);
        assertEquals(Instant.parse("2026-11-01T06:00:00Z"), b.capturedAt());
        assertEquals("jdoe", b.approvedBy());
        assertEquals(List.of("WORKSTATION_TRUST_ACCOUNT", "TRUSTED_TO_AUTH_FOR_DELEGATION"),
                b.host("hv01").userAccountControl());
        assertEquals(2, b.host("HV01").delegateTo().size());
        Waiver w = b.waivers().get(0);
        assertEquals(LocalDate.of(2026, 12, 31), w.expires());
        assertEquals("HV01", w.peer());
        assertNull(w.spn());
    }

    @Test
    void writesAndReadsBackTheSameBaseline() throws Exception {
        Map<String, HostState> hosts = new LinkedHashMap<>();
        hosts.put("HV01", new HostState("HV01", List.of("WORKSTATION_TRUST_ACCOUNT"),
                List.of("Microsoft Virtual System Migration Service/HV02", "cifs/hv02.contoso.com/CONTOSO")));
        hosts.put("HV02", new HostState("HV02", List.of("WORKSTATION_TRUST_ACCOUNT"), List.of()));
        Baseline b = new Baseline(Instant.parse("2026-11-01T06:00:00Z"), "run-1", "Jane \"JD\" Doe: ops", hosts,
                List.of(new Waiver("MISSING_DELEGATION", "HV02", "HV01", null, "CHG0042: decommission\nnext week",
                        LocalDate.of(2026, 12, 31))));
        Path f = dir.resolve("baseline.yaml");
        assertNull(BaselineFile.write(f, b, false, Instant.now()));
        assertEquals(b, BaselineFile.read(f));
        assertTrue(Files.readString(f).contains("delegateTo: [\"Microsoft Virtual System Migration Service/HV02\""));
    }

    /**
     * Whatever the directory holds comes back byte for byte: a capture must never write a file the loader refuses
     * (C1 controls, U+FFFE: "special characters are not allowed") nor one it reads differently (U+0085, U+2028 and
     * U+2029 are line breaks to YAML, folded into a space inside quotes), or every run reports the entry as drift.
     */
    @Test
    void everyDirectoryValueIsReadBackAsCaptured() throws Exception {
        List<String> hostile = List.of("cifs/nel\u0085x", "cifs/ls\u2028x", "cifs/ps\u2029x", "cifs/c1\u0080\u009Fx",
                "cifs/ff\uFFFEx", "cifs/bom\uFEFFx", "cifs/lf\nx", "cifs/cr\rx", "cifs/tab\tx", "cifs/nul\u0000x",
                "cifs/del\u007Fx", "cifs/rlo\u202Ex", "cifs/q\"'`$(calc)x", "cifs/# not a comment", "- cifs/dash",
                "*alias", "&anchor", "!!binary", "cifs/\uD83D\uDE00", "cifs/lone\uD800x", "cifs/back\\slash");
        Map<String, HostState> hosts = new LinkedHashMap<>();
        hosts.put("HV01", new HostState("HV01", List.of("WORKSTATION_TRUST_ACCOUNT"), hostile));
        Baseline b = new Baseline(Instant.parse("2026-11-01T06:00:00Z"), "run-1", "ops\u0085team", hosts,
                List.of(new Waiver("MISSING_DELEGATION", "HV01", null, "cifs/nel\u0085x", "why\u2028not",
                        LocalDate.of(2026, 12, 31))));
        Path f = dir.resolve("baseline.yaml");
        BaselineFile.write(f, b, false, Instant.now());
        Baseline back = BaselineFile.read(f);
        for (int i = 0; i < hostile.size(); i++) {
            assertEquals(hostile.get(i), back.host("HV01").delegateTo().get(i), "value " + i);
        }
        assertEquals(b, back);
    }

    @Test
    void refusesToOverwriteWithoutForceAndKeepsABackupWithForce() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED);
        Baseline empty = new Baseline(null, null, null, Map.of(), List.of());
        assertThrows(ConfigException.class, () -> BaselineFile.write(f, empty, false, Instant.now()));
        assertEquals(DOCUMENTED, Files.readString(f));
        Path bak = BaselineFile.write(f, empty, true, Instant.parse("2026-11-26T20:00:00Z"));
        assertNotNull(bak);
        assertEquals("baseline.yaml.20261126T200000Z.bak", bak.getFileName().toString());
        assertEquals(DOCUMENTED, Files.readString(bak));
        assertEquals(0, BaselineFile.read(f).hosts().size());
    }

    @Test
    void twoCapturesInOneSecondKeepBothEarlierBaselines() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED);
        Instant now = Instant.parse("2026-11-26T20:00:00Z");
        Baseline second = new Baseline(Instant.parse("2026-11-26T19:00:00Z"), "run-2", "asmith", Map.of(), List.of());
        Path first = BaselineFile.write(f, second, true, now);
        String secondText = Files.readString(f);
        Path then = BaselineFile.write(f, new Baseline(null, null, null, Map.of(), List.of()), true, now.plusMillis(400));
        assertEquals(DOCUMENTED, Files.readString(first));
        assertEquals(secondText, Files.readString(then));
        assertEquals("baseline.yaml.20261126T200000Z-2.bak", then.getFileName().toString());
    }

    @Test
    void aSyntaxErrorNamesLineAndColumn() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("\"cifs/hv02.contoso.com\"]", "\"cifs/hv02.contoso.com\""));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().matches(".*baseline\\.yaml:\\d+:\\d+: .*"), e.getMessage());
    }

    /**
     * A tab is placed where it is (SnakeYAML's position, not the end of the line before), without the key path the
     * parser had got to: a list index after a list of two ([2]) that does not exist.
     */
    @Test
    void aTabIsPlacedAtItsLineAndColumn() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        String tab = "not valid YAML: while scanning for the next token; found character '\\t(TAB)' that cannot start"
                + " any token. (Do not use \\t(TAB) for indentation) (check the quotes, brackets and indentation)";
        Files.writeString(f, DOCUMENTED.replace("waivers:\n", """
                  HV02:
                    delegateTo: ["Microsoft Virtual System Migration Service/HV01", "cifs/hv01.contoso.com"]
                    userAccountControl: [WORKSTATION_TRUST_ACCOUNT, TRUSTED_TO_AUTH_FOR_DELEGATION]
                \tapprovedBy: x
                waivers:
                """));
        assertEquals("\tapprovedBy: x", Files.readAllLines(f).get(10), "line 11 starts with the tab");
        assertEquals(f + ":11:1: " + tab, assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
        Files.writeString(f, DOCUMENTED.replace("    delegateTo:", "    \tdelegateTo:"));
        assertEquals(f + ":7:5: " + tab, assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
        // before the first key: said once that it is not valid YAML
        Files.writeString(f, "\t" + DOCUMENTED);
        assertEquals(f + ":1:1: " + tab, assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
    }

    /** An unclosed quote is placed where the file ends, and says where the quote began. */
    @Test
    void anUnclosedQuoteSaysWhereItBegan() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("expires: 2026-12-31", "expires: \"2026-12-31"));
        assertEquals(f + ":14:1: not valid YAML: while scanning a quoted scalar (from line 13, column 14); found"
                + " unexpected end of stream (check the quotes, brackets and indentation)",
                assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
    }

    /** A flow opened on hosts and never closed is a syntax error where it shows, not "hosts: wrong type". */
    @Test
    void anUnclosedFlowIsASyntaxErrorNotAWrongType() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("hosts:\n", "hosts: [\n"));
        String m = assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage();
        assertTrue(m.startsWith(f + ":6:") && m.contains(": not valid YAML: while parsing a flow sequence (from line 4,"
                + " column 8); expected ',' or ']'"), m);
    }

    @Test
    void aWrongTypeOrUnknownKeyNamesLineColumnAndPath() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("expires: 2026-12-31", "expires: soon"));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().contains("baseline.yaml:13:"), e.getMessage());
        assertTrue(e.getMessage().contains("waivers[0].expires"), e.getMessage());
        Files.writeString(f, DOCUMENTED.replace("approvedBy:", "aproved:"));
        e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().contains("baseline.yaml:3:1:") && e.getMessage().contains("unknown key 'aproved'"), e.getMessage());
        // a waiver's unknown key that is a top-level key too: its own line (14), not the top-level one (2) (a waiver's
        // approvedBy is a key of its own since waivers record who granted them)
        Files.writeString(f, DOCUMENTED.replace("    expires: 2026-12-31\n", "    expires: 2026-12-31\n"
                + "    capturedFrom: x\n"));
        e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().contains("baseline.yaml:14:5:") && e.getMessage().contains("unknown key 'capturedFrom'"),
                e.getMessage());
    }

    @Test
    void anEmptyListItemIsRefusedAtItsLine() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("\"cifs/hv02.contoso.com\"]", "\"cifs/hv02.contoso.com\", null]"));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().contains("baseline.yaml:7:") && e.getMessage().contains("hosts.HV01.delegateTo[2]:")
                && e.getMessage().contains("an empty item"), e.getMessage());
        Files.writeString(f, DOCUMENTED + "  -\n");
        e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().contains("waivers[1]: an empty item"), e.getMessage());
    }

    @Test
    void semanticErrorsNameTheKeyPath() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        String flags = DOCUMENTED.replace("TRUSTED_TO_AUTH_FOR_DELEGATION]", "TRUSTED_TO_AUTH]");
        Files.writeString(f, flags.replace("    justification: \"HV04 is being decommissioned, CHG0042\"\n", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        // at the flag's line and column; the further error with its line
        String line6 = flags.lines().skip(5).findFirst().orElseThrow();
        assertTrue(e.getMessage().startsWith(f + ":6:" + (line6.indexOf("TRUSTED_TO_AUTH]") + 1)
                + ": hosts.HV01.userAccountControl[1]: unknown userAccountControl flag"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(and 1 more: line 9: waivers[0].justification: missing (why the exception"
                + " is accepted, with a change number))"), e.getMessage());
    }

    @Test
    void aMissingKeyIsPlacedAtTheWaiverThatLacksIt() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("    expires: 2026-12-31\n", ""));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        // a key that is missing: the waiver that lacks it
        assertEquals(f + ":9:5: waivers[0].expires: missing (a date, e.g. 2026-12-31: waivers do not last forever)",
                e.getMessage());
        // flow style, and a waiver that is not the first
        Files.writeString(f, "hosts: {}\nwaivers:\n  - {rule: MISSING_DELEGATION, host: HV01, justification: x,"
                + " expires: 2026-12-31}\n  - {rule: MISSING_DELEGATION, host: '', justification: y,"
                + " expires: 2026-12-31}\n");
        e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        String line4 = Files.readAllLines(f).get(3);
        assertEquals(f + ":4:" + (line4.indexOf("''") + 1) + ": waivers[1].host: missing", e.getMessage());
    }

    @Test
    void anUnknownRuleIsRefusedAtItsPositionWithTheIdItResembles() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("rule: MISSING_DELEGATION", "rule: MISSING_DELEGATON"));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertEquals(f + ":9:11: waivers[0].rule: unknown rule 'MISSING_DELEGATON' (did you mean MISSING_DELEGATION?)",
                e.getMessage());
        Files.writeString(f, DOCUMENTED.replace("rule: MISSING_DELEGATION", "rule: NO_SUCH_THING"));
        e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertTrue(e.getMessage().endsWith("waivers[0].rule: unknown rule 'NO_SUCH_THING' (kcd-audit rules lists the"
                + " rule ids)"), e.getMessage());
    }

    @Test
    void aHostWrittenTwiceInAnotherCaseIsRefusedAtItsLineNamingTheFirst() throws Exception {
        // hosts are matched in any case: 'hv01' above 'HV01' was compared and HV01's own entries silently ignored
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("waivers:\n", "  hv01:\n    delegateTo: [cifs/foo]\nwaivers:\n"));
        ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
        assertEquals(f + ":8:3: hosts: 'hv01' is the host 'HV01' again (first at line 5): host names are matched in any"
                + " case, so only one can count: remove or merge the other", e.getMessage());
    }

    @Test
    void aWaiverOfTheRulesAboutWaiversIsRefusedAtItsPosition() throws Exception {
        // a waiver of WAIVER_TOO_LONG, WAIVER_EXPIRED or WAIVER_UNUSED would hide the overlong, expired or unused
        // waiver it names
        Path f = dir.resolve("baseline.yaml");
        for (String rule : List.of("WAIVER_TOO_LONG", "waiver_expired", "Waiver_Unused")) {
            Files.writeString(f, DOCUMENTED.replace("rule: MISSING_DELEGATION", "rule: " + rule));
            ConfigException e = assertThrows(ConfigException.class, () -> BaselineFile.read(f));
            assertEquals(f + ":9:11: waivers[0].rule: " + rule.toUpperCase(java.util.Locale.ROOT) + " cannot be waived:"
                    + " it questions the waivers themselves (renew, shorten or remove the waiver it names, or remove"
                    + " this one)",
                    e.getMessage());
        }
    }

    @Test
    void aRuleIdInAnotherCaseIsTakenInTheCataloguesSpelling() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("rule: MISSING_DELEGATION", "rule: missing_delegation"));
        assertEquals("MISSING_DELEGATION", BaselineFile.read(f).waivers().get(0).rule());
    }

    @Test
    void anEmptyOrMissingBaseline() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        assertNull(BaselineFile.readIfExists(f));
        Files.writeString(f, "\n");
        assertThrows(ConfigException.class, () -> BaselineFile.readIfExists(f));
    }

    /**
     * A number is no date: {@code expires: 20261231} was read as day 20,261,231 after 1970 (the year 57443), a waiver
     * that never expires, and {@code capturedAt: 1764568800} as seconds since 1970.
     */
    @Test
    void aNumberWhereADateBelongsIsRefusedAtItsPosition() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("expires: 2026-12-31", "expires: 20261231"));
        assertEquals(f + ":13:14: waivers[0].expires: invalid value '20261231' (expected a date such as 2026-12-31)",
                assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
        Files.writeString(f, DOCUMENTED.replace("capturedAt: 2026-11-01T06:00:00Z", "capturedAt: 1764568800"));
        assertEquals(f + ":1:13: capturedAt: invalid value '1764568800' (expected a time such as 2026-11-01T06:00:00Z)",
                assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
    }

    /**
     * A waiver's audit trail: who granted it, on which day, under which ticket. Optional (a baseline without it still
     * loads, {@link #readsTheDocumentedFormat}), read and written back as given.
     */
    @Test
    void aWaiversApproverDayAndTicketAreReadAndWrittenBack() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("    expires: 2026-12-31\n", "    expires: 2026-12-31\n"
                + "    approvedBy: \"A. Smith (CAB)\"\n    approvedOn: 2026-09-03\n    ticket: CHG0042\n"));
        Waiver w = BaselineFile.read(f).waivers().get(0);
        assertEquals("A. Smith (CAB)", w.approvedBy());
        assertEquals(LocalDate.of(2026, 9, 3), w.approvedOn());
        assertEquals("CHG0042", w.ticket());
        Baseline b = BaselineFile.read(f);
        Path again = dir.resolve("again.yaml");
        BaselineFile.write(again, b, false, Instant.now());
        assertEquals(b, BaselineFile.read(again));
        assertTrue(Files.readString(again).contains("    approvedBy: \"A. Smith (CAB)\"\n    approvedOn: 2026-09-03\n"
                + "    ticket: CHG0042\n"), Files.readString(again));
    }

    /** A day that is no date is refused as {@code expires} is: file, line, key. */
    @Test
    void aWaiversApprovalDayThatIsNoDateIsRefusedAtItsLine() throws Exception {
        Path f = dir.resolve("baseline.yaml");
        Files.writeString(f, DOCUMENTED.replace("    expires: 2026-12-31\n", "    expires: 2026-12-31\n"
                + "    approvedOn: 2026-02-30\n"));
        assertEquals(f + ":14:17: waivers[0].approvedOn: invalid value '2026-02-30' (expected a date such as"
                + " 2026-12-31)", assertThrows(ConfigException.class, () -> BaselineFile.read(f)).getMessage());
    }

    /** {@code baseline capture --ticket}: the header's {@code ticket}, next to {@code approvedBy}. */
    @Test
    void theCapturesTicketIsWrittenNextToItsApprover() throws Exception {
        Baseline b = new Baseline(Instant.parse("2026-06-15T06:00:00Z"), "run-1", "jdoe", Map.of(), List.of(),
                "CHG0040");
        Path f = dir.resolve("baseline.yaml");
        BaselineFile.write(f, b, false, Instant.now());
        assertTrue(Files.readString(f).contains("approvedBy: jdoe\nticket: CHG0040\n"), Files.readString(f));
        assertEquals(b, BaselineFile.read(f));
    }

    /**
     * The Sep report named the June approval for a waiver added by hand since: a capture records the SHA-256 of what it
     * wrote ({@code contentSha256}), a run recomputes it from what it read and says when they differ. Comments and
     * layout are no change; a waiver added, a header field edited are. A file without it (captured before) is not known.
     */
    @Test
    void anEditSinceTheCaptureIsTold() throws Exception {
        Map<String, HostState> hosts = new LinkedHashMap<>();
        hosts.put("HV01", new HostState("HV01", List.of("WORKSTATION_TRUST_ACCOUNT"), List.of("cifs/hv02")));
        Baseline b = new Baseline(Instant.parse("2026-06-15T06:00:00Z"), "7f3a9c2e", "jdoe", hosts, List.of());
        Path f = dir.resolve("baseline.yaml");
        BaselineFile.write(f, b, false, Instant.now());
        String captured = Files.readString(f);
        assertTrue(captured.contains("\ncontentSha256: " + BaselineFile.contentSha256(b)), captured);

        BaselineFile.Read read = BaselineFile.readChecked(f);
        assertEquals(Boolean.FALSE, read.changedSinceCapture());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(f))), read.sha256());

        Files.writeString(f, captured.replace("hosts:\n", "# reviewed in CAB\nhosts:\n"));
        assertEquals(Boolean.FALSE, BaselineFile.readChecked(f).changedSinceCapture());

        Files.writeString(f, captured.replace("waivers: []\n", "waivers:\n  - rule: MISSING_DELEGATION\n    host: HV04\n"
                + "    justification: \"decommission\"\n    expires: 2026-12-31\n"));
        BaselineFile.Read edited = BaselineFile.readChecked(f);
        assertEquals(Boolean.TRUE, edited.changedSinceCapture());
        assertNotEquals(read.sha256(), edited.sha256());

        Files.writeString(f, captured.replace("approvedBy: jdoe", "approvedBy: someone"));
        assertEquals(Boolean.TRUE, BaselineFile.readChecked(f).changedSinceCapture());

        Files.writeString(f, DOCUMENTED);
        assertNull(BaselineFile.readChecked(f).changedSinceCapture());
    }
}
